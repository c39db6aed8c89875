#!/usr/bin/env bash
# datanode-wait.sh - DataNode init container: check the data directories, then wait until a
# NameNode RPC port answers.
#
# 1. Each data directory in DATANODE_DATA_DIRS (the folder "data" inside each volume) must be
#    usable by this user: the DataNode chmods it to 700 at start (DiskChecker), which only its
#    owner can do, and creates it when missing, which needs a writable volume root. A volume root
#    that holds a DataNode storage itself (current/VERSION) is refused: the data would be ignored.
#    Each problem is reported with the value that fixes it, instead of the DataNode's
#    "Too many failed volumes".
# 2. Succeeds as soon as any address in NAMENODE_RPC_ADDRESSES (host:port,...) accepts a TCP
#    connection. Gives up after BOOTSTRAP_TIMEOUT_SECONDS (the pod then restarts the init
#    container and waits again).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# check_data_dirs: exit with a message when a data directory cannot work for this user.
check_data_dirs() {
  local dir volume me problems=""
  me="$(id -u):$(id -g)"
  while IFS= read -r dir; do
    volume=${dir%/*}
    if [[ -f $volume/current/VERSION ]]; then
      problems+="
  - $volume holds a DataNode storage at its root (current/VERSION), but the data directory is
    $dir; move $volume/current into $dir (as the node's admin) so the blocks are not left behind."
    elif [[ -e $dir ]]; then
      if [[ ! -O $dir ]]; then
        problems+="
  - $dir belongs to $(stat -c '%u:%g' "$dir"), not to this DataNode ($me): the DataNode must own it
    to set its mode 700. Set datanode.volumePermissions.enabled=true, or chown it on the node."
      fi
    elif [[ ! -w $volume ]]; then
      problems+="
  - $dir does not exist and this DataNode ($me) cannot create it: the volume root $volume is
    $(stat -c '%U:%G %a' "$volume"). A hostPath directory the kubelet creates is root-owned: set
    datanode.volumePermissions.enabled=true (a root init container creates the folder for the
    DataNode), or create $dir on the node owned by $me."
    fi
  done < <(split_list "$DATANODE_DATA_DIRS")
  if [[ -n $problems ]]; then
    log_lines "the DataNode cannot use its data directories:$problems"
    exit 1
  fi
  log "data directories usable: $DATANODE_DATA_DIRS"
}

main() {
  local -a addresses
  local addr round=0 closed
  require_env NAMENODE_RPC_ADDRESSES DATANODE_DATA_DIRS
  check_data_dirs
  int_setting BOOTSTRAP_TIMEOUT_SECONDS 600
  int_setting BOOTSTRAP_RETRY_SECONDS 10
  mapfile -t addresses < <(split_list "$NAMENODE_RPC_ADDRESSES")
  if ((${#addresses[@]} == 0)); then
    die "NAMENODE_RPC_ADDRESSES holds no address"
  fi
  for addr in "${addresses[@]}"; do
    split_host_port "$addr" || die "NAMENODE_RPC_ADDRESSES entry '$addr' is not host:port"
  done

  log "waiting up to ${BOOTSTRAP_TIMEOUT_SECONDS}s for a NameNode RPC port to accept connections: ${addresses[*]}"
  deadline_start "$BOOTSTRAP_TIMEOUT_SECONDS"
  while true; do
    round=$((round + 1))
    closed=""
    for addr in "${addresses[@]}"; do
      split_host_port "$addr"
      if tcp_check "$ADDR_HOST" "$ADDR_PORT"; then
        log "NameNode RPC port $addr accepts connections (round $round, after $(elapsed_seconds)s); starting the DataNode"
        exit 0
      fi
      closed="$closed $addr"
    done
    if deadline_passed; then
      log_lines "giving up after $(elapsed_seconds)s: no NameNode RPC port accepted a TCP connection.
Tried:$closed
Check that the NameNode pods are running and ready (kubectl get pods; kubectl logs on a NameNode,
including its init container 'namenode-bootstrap'). This init container will be restarted by Kubernetes."
      exit 1
    fi
    log "round $round: no NameNode RPC port answers yet (tried:$closed); retrying in ${BOOTSTRAP_RETRY_SECONDS}s ($(elapsed_seconds)s of ${BOOTSTRAP_TIMEOUT_SECONDS}s elapsed)"
    sleep "$BOOTSTRAP_RETRY_SECONDS"
  done
}

main "$@"

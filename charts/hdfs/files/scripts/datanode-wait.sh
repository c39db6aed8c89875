#!/usr/bin/env bash
# datanode-wait.sh - DataNode init container: wait until a NameNode RPC port answers.
#
# Succeeds as soon as any address in NAMENODE_RPC_ADDRESSES (host:port,...) accepts a TCP
# connection. Gives up after BOOTSTRAP_TIMEOUT_SECONDS (the pod then restarts the init
# container and waits again).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local -a addresses
  local addr round=0 closed
  require_env NAMENODE_RPC_ADDRESSES
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

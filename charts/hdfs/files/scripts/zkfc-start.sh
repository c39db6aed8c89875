#!/usr/bin/env bash
# zkfc-start.sh - entry point of the ZKFailoverController container.
#
# `hdfs zkfc -formatZK -nonInteractive` creates the HA parent znode in ZooKeeper. It is
# idempotent in practice: exit 0 = created now, exit 2 = already there (left untouched
# because of -nonInteractive). Any other result (ZooKeeper not reachable yet, a race with the
# peer NameNode's ZKFC creating the same znode) is retried until BOOTSTRAP_TIMEOUT_SECONDS.
# Then the script execs the long-running `hdfs zkfc` so it is the container's main process.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local rc round=0
  int_setting BOOTSTRAP_TIMEOUT_SECONDS 600
  int_setting BOOTSTRAP_RETRY_SECONDS 10
  int_setting ZKFC_FORMAT_TIMEOUT_SECONDS 120
  # ZooKeeper SASL (Kerberos): the JAAS "Client" section HDFS_ZKFC_OPTS points at.
  if kerberos_enabled && [[ -n ${ZK_JAAS_FILE:-} ]]; then
    write_jaas "$ZK_JAAS_FILE" Client
  fi
  deadline_start "$BOOTSTRAP_TIMEOUT_SECONDS"
  while true; do
    round=$((round + 1))
    log "round $round: running 'hdfs zkfc -formatZK -nonInteractive' to make sure the HA znode exists in ZooKeeper"
    rc=0
    timeout "$ZKFC_FORMAT_TIMEOUT_SECONDS" hdfs zkfc -formatZK -nonInteractive || rc=$?
    case $rc in
      0)
        log "HA znode created in ZooKeeper (first ZKFC of this nameservice)"
        break
        ;;
      2)
        log "HA znode already exists in ZooKeeper (exit code 2); leaving it as it is"
        break
        ;;
      124)
        log "round $round: 'zkfc -formatZK' did not finish within ${ZKFC_FORMAT_TIMEOUT_SECONDS}s (ZooKeeper probably unreachable)"
        ;;
      *)
        log "round $round: 'zkfc -formatZK' failed with exit code $rc (ZooKeeper not ready yet, or racing the other ZKFC)"
        ;;
    esac
    if deadline_passed; then
      log_lines "giving up after $(elapsed_seconds)s: could not make sure the HA znode exists in ZooKeeper.
Last 'hdfs zkfc -formatZK -nonInteractive' exit code: $rc.
Check that ZooKeeper (ha.zookeeper.quorum${ZOOKEEPER_QUORUM:+ = $ZOOKEEPER_QUORUM}) is running and reachable
from this pod. Kubernetes will restart this container."
      exit 1
    fi
    log "retrying in ${BOOTSTRAP_RETRY_SECONDS}s ($(elapsed_seconds)s of ${BOOTSTRAP_TIMEOUT_SECONDS}s elapsed)"
    sleep "$BOOTSTRAP_RETRY_SECONDS"
  done
  log "starting the failover controller: exec hdfs zkfc"
  exec hdfs zkfc
}

main "$@"

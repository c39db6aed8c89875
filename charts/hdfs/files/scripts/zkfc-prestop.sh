#!/usr/bin/env bash
# zkfc-prestop.sh - preStop hook of the ZKFailoverController container: hand the active role over
# before the ZKFC stops.
#
# When a NameNode pod is deleted (rolling update, drain, scale), the kubelet stops its containers at
# the same time. A ZKFC killed by SIGTERM does not close its ZooKeeper session, so its lock znode
# (ActiveStandbyElectorLock) stays until the session expires (ha.zookeeper.session-timeout.ms) and the
# peer NameNode cannot take over before that. Meanwhile the replacement pod starts; if its ZKFC joins
# the election before the old session expires, it may win the lock, and the nameservice's active
# NameNode is a freshly started one still in safe mode (no writes until the block reports arrive).
#
# This hook keeps the ZKFC running until its NameNode has stopped: its health monitor then sees the
# NameNode not responding and quits the election (ZKFailoverController.recheckElectability,
# Hadoop 3.x: SERVICE_NOT_RESPONDING -> quitElection(true)), which closes the session and deletes
# the lock at once, so the peer's ZKFC fences the old active and takes over within seconds. Then the
# kubelet sends SIGTERM to the ZKFC.
#
# Waits at most ZKFC_HANDOVER_TIMEOUT_SECONDS for the local NameNode's RPC port
# (127.0.0.1:NAMENODE_RPC_PORT) to stop accepting connections, then HEALTH_CHECK_WAIT_SECONDS for the
# health monitor (ha.health-monitor.check-interval.ms, 1 s by default) to notice. Never fails: a
# preStop that fails only delays the stop.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local port=${NAMENODE_RPC_PORT:-8020} timeout=${ZKFC_HANDOVER_TIMEOUT_SECONDS:-40}
  local wait=${HEALTH_CHECK_WAIT_SECONDS:-3} started=$SECONDS
  # kubectl logs shows the container's PID 1 output, not the hook's.
  exec >>/proc/1/fd/1 2>&1 || true
  log "pod stopping: keeping the ZKFC in the election until the local NameNode (127.0.0.1:$port) has stopped (at most ${timeout}s)"
  while tcp_check 127.0.0.1 "$port" 2; do
    if ((SECONDS - started >= timeout)); then
      log "the NameNode still accepts connections after ${timeout}s; stopping the ZKFC anyway (the peer takes over when its ZooKeeper session expires)"
      return 0
    fi
    sleep 0.5
  done
  log "the NameNode stopped after $((SECONDS - started))s; waiting ${wait}s for the health monitor to quit the election, then the ZKFC stops"
  sleep "$wait"
}

main "$@"

#!/usr/bin/env bash
# worker-decommission.sh - the Spark worker's preStop hook (worker.decommission.enabled): a graceful
# decommission before the pod stops (scale-down, node drain, rolling update).
#
# SIGPWR makes the worker decommission itself (Spark 3.1+, with spark.decommission.enabled, which the
# chart writes into spark-defaults.conf): the master stops placing executors on it and tells the
# drivers, whose executors there stop taking tasks, finish the running ones, hand their cached and
# shuffle blocks to other executors (spark.storage.decommission.*) and exit. This hook waits until no
# executor process is left in the container, or DECOMMISSION_TIMEOUT_SECONDS have passed (the pod's
# terminationGracePeriodSeconds minus a margin for the worker's own stop), then returns and the
# kubelet sends SIGTERM.
#
# The worker is PID 1 of the container (spark-class execs the JVM). Executors are found through /proc
# with bash and coreutils only.
set -euo pipefail

log() {
  printf '%s worker-decommission: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >>/proc/1/fd/1 2>/dev/null || true
}

executors() {
  local f cmd n=0
  for f in /proc/[0-9]*/cmdline; do
    cmd=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
    [[ $cmd == *CoarseGrainedExecutorBackend* ]] && n=$((n + 1))
  done
  printf '%s\n' "$n"
}

main() {
  local timeout=${DECOMMISSION_TIMEOUT_SECONDS:-60} started n
  started=$SECONDS
  log "decommissioning (SIGPWR to the worker); waiting up to ${timeout}s for $(executors) executor(s) to finish"
  kill -PWR 1
  while ((SECONDS - started < timeout)); do
    n=$(executors)
    if ((n == 0)); then
      log "no executor left after $((SECONDS - started))s: the worker can stop"
      return 0
    fi
    sleep 1
  done
  log "$(executors) executor(s) still running after ${timeout}s: stopping anyway (raise worker.terminationGracePeriodSeconds)"
}

main "$@"

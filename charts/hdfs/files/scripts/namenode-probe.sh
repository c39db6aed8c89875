#!/usr/bin/env bash
# namenode-probe.sh - NameNode readiness probe.
#
# Ready iff the NameNode can serve or take over, from its own JMX on 127.0.0.1:$NAMENODE_HTTP_PORT:
#   - State (NameNodeStatus bean) "active", or
#   - "standby" and out of safe mode (NameNodeInfo.Safemode empty): it has the DataNodes' block
#     reports, so a failover to it serves reads and writes at once. A standby that just started is in
#     safe mode until enough blocks are reported (dfs.namenode.safemode.*); a rolling update must not
#     restart the active NameNode before that, or the nameservice is left with no NameNode that can
#     take over.
# A NameNode still loading its image or replaying edits reports "initializing" (or does not
# answer) and is not ready.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local port=${NAMENODE_HTTP_PORT:-9870} state safemode
  local path='/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus'
  if ! http_get 127.0.0.1 "$port" "$path" "${PROBE_HTTP_TIMEOUT_SECONDS:-5}"; then
    log "not ready: NameNode JMX at http://127.0.0.1:$port$path failed: $HTTP_ERROR"
    exit 1
  fi
  if ! state=$(json_string_field "$HTTP_BODY" State); then
    log "not ready: NameNode JMX answered without a \"State\" field: $(printf '%s' "$HTTP_BODY" | tr -s '\r\n' '  ' | head -c 300)"
    exit 1
  fi
  case $state in
    active) exit 0 ;;
    standby)
      if ! http_get 127.0.0.1 "$port" '/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo' "${PROBE_HTTP_TIMEOUT_SECONDS:-5}"; then
        log "not ready: NameNodeInfo JMX failed: $HTTP_ERROR"
        exit 1
      fi
      if ! safemode=$(json_string_field "$HTTP_BODY" Safemode); then
        log "not ready: NameNodeInfo has no Safemode field"
        exit 1
      fi
      if [[ -n $safemode ]]; then
        log "not ready: standby NameNode still in safe mode: ${safemode:0:200}"
        exit 1
      fi
      exit 0
      ;;
    *)
      log "not ready: NameNode reports State '$state' (ready needs 'active', or 'standby' out of safe mode)"
      exit 1
      ;;
  esac
}

main "$@"

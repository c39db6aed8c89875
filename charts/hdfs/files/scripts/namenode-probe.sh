#!/usr/bin/env bash
# namenode-probe.sh - NameNode readiness probe.
#
# Ready iff the NameNode's own JMX (NameNodeStatus bean on 127.0.0.1:$NAMENODE_HTTP_PORT)
# reports State "active" or "standby". A NameNode still loading its image or replaying edits
# reports "initializing" (or does not answer) and is not ready.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local port=${NAMENODE_HTTP_PORT:-9870} state
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
    active | standby) exit 0 ;;
    *)
      log "not ready: NameNode reports State '$state' (ready needs 'active' or 'standby')"
      exit 1
      ;;
  esac
}

main "$@"

#!/usr/bin/env bash
# journalnode-probe.sh - JournalNode readiness probe.
#
# Ready iff this JournalNode is in the active NameNode's write pipeline, read from its own JMX
# (127.0.0.1:$JOURNALNODE_HTTP_PORT):
#   - it holds no formatted journal for $HDFS_NAMESERVICE (JournalNodeInfo.JournalsStatus): a new
#     cluster, nothing to be in sync with -> ready;
#   - otherwise its journal must have received edits since this JournalNode started
#     (Journal-<nameservice> bean, LastJournalTimestamp > 0). A JournalNode restarted in the middle of
#     an edit log segment is skipped by the active NameNode until the next segment starts (the next
#     roll, every ha.editLogRollPeriodSeconds), so until then it does not count for the write quorum.
#     Restarting another JournalNode before that would leave the active NameNode with one JournalNode
#     in sync out of three, and it would abort (Hadoop QuorumJournalManager / IPCLoggerChannel).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local port=${JOURNALNODE_HTTP_PORT:-8480} status entry re stamp
  local info='/jmx?qry=Hadoop:service=JournalNode,name=JournalNodeInfo'
  require_env HDFS_NAMESERVICE
  if ! http_get 127.0.0.1 "$port" "$info" "${PROBE_HTTP_TIMEOUT_SECONDS:-5}"; then
    log "not ready: JournalNode JMX at http://127.0.0.1:$port$info failed: $HTTP_ERROR"
    exit 1
  fi
  if ! status=$(json_string_field "$HTTP_BODY" JournalsStatus); then
    log "not ready: JournalNode JMX has no JournalsStatus yet"
    exit 1
  fi
  status=${status//\\\"/\"}
  re="\"$(regex_quote "$HDFS_NAMESERVICE")\"[[:space:]]*:[[:space:]]*\\{([^}]*)\\}"
  if ! [[ $status =~ $re ]]; then
    exit 0  # no journal for this nameservice yet: a new cluster
  fi
  entry=${BASH_REMATCH[1]}
  if [[ $entry =~ \"Formatted\"[[:space:]]*:[[:space:]]*\"?false ]]; then
    exit 0  # opened but never formatted: nothing to be in sync with
  fi
  if ! http_get 127.0.0.1 "$port" "/jmx?qry=Hadoop:service=JournalNode,name=Journal-$HDFS_NAMESERVICE" "${PROBE_HTTP_TIMEOUT_SECONDS:-5}"; then
    log "not ready: JournalNode JMX failed: $HTTP_ERROR"
    exit 1
  fi
  re='"LastJournalTimestamp"[[:space:]]*:[[:space:]]*([0-9]+)'
  if ! [[ $HTTP_BODY =~ $re ]]; then
    log "not ready: no NameNode has written to journal '$HDFS_NAMESERVICE' since this JournalNode started"
    exit 1
  fi
  stamp=${BASH_REMATCH[1]}
  if ((stamp == 0)); then
    log "not ready: journal '$HDFS_NAMESERVICE' has received no edits since this JournalNode started; it rejoins the write pipeline at the next edit log roll"
    exit 1
  fi
}

main "$@"

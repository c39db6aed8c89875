#!/usr/bin/env bash
# journal-format.sh - formats a BRAND-NEW master journal, never an existing one.
#
# Runs as an init container of every master pod when journal.format.runFormat is true.
# The journal directory (JOURNAL_FOLDER) counts as new when it holds nothing but the
# filesystem's lost+found. Anything else (UFS journal logs/checkpoints, Raft segments,
# a job master journal) means the journal exists and this script exits without touching it,
# so a restart, a rescheduled pod or an upgrade can never wipe metadata.
# Inputs: JOURNAL_FOLDER (required), ALLUXIO_HOME (default /opt/alluxio).
set -euo pipefail

: "${JOURNAL_FOLDER:?JOURNAL_FOLDER is required}"
ALLUXIO_HOME=${ALLUXIO_HOME:-/opt/alluxio}

log() { printf '%s journal-format: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2; }

# journal_is_empty DIR: true when DIR is missing or holds only lost+found.
journal_is_empty() {
  local dir=$1 entry
  [[ -d $dir ]] || return 0
  for entry in "$dir"/* "$dir"/.[!.]*; do
    [[ -e $entry ]] || continue
    [[ ${entry##*/} == lost+found ]] && continue
    return 1
  done
  return 0
}

if ! journal_is_empty "$JOURNAL_FOLDER"; then
  log "journal at $JOURNAL_FOLDER already holds data: not formatting"
  exit 0
fi
log "journal at $JOURNAL_FOLDER is empty: formatting a new journal"
mkdir -p "$JOURNAL_FOLDER"
"$ALLUXIO_HOME/bin/alluxio" formatJournal
log "journal formatted"

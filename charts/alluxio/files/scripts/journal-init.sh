#!/usr/bin/env bash
# journal-init.sh - init container "journal" of every master pod: refuses a journal volume that holds
# the other journal type, and formats a BRAND-NEW journal when asked, never an existing one.
#
# 1. The journal type the chart configures (JOURNAL_TYPE: UFS for 1 master, EMBEDDED for 3 or more)
#    must match what the volume holds. A UFS journal keeps one folder per master
#    (<folder>/FileSystemMaster/v1, ...); the embedded (Raft) journal keeps <folder>/raft. Alluxio
#    would start the other type on an empty namespace and ignore the existing metadata (raising
#    master.replicaCount from 1 to 3 flips UFS to EMBEDDED), so the container exits with the values
#    to set back and the migration path; the volume is not touched.
# 2. RUN_FORMAT=true: a journal folder holding nothing but lost+found is formatted with
#    `alluxio formatJournal`. Alluxio 2.9 needs no format (see the chart README), so this is off by
#    default.
# Inputs: JOURNAL_FOLDER, JOURNAL_TYPE (required), RUN_FORMAT (default false), ALLUXIO_HOME.
set -euo pipefail

: "${JOURNAL_FOLDER:?JOURNAL_FOLDER is required}"
: "${JOURNAL_TYPE:?JOURNAL_TYPE is required}"
RUN_FORMAT=${RUN_FORMAT:-false}
ALLUXIO_HOME=${ALLUXIO_HOME:-/opt/alluxio}
# The core masters' UFS journal folders (Alluxio 2.9 MasterUtils / ServiceUtils master names).
UFS_MASTERS=(BlockMaster FileSystemMaster JournalMaster MetaMaster MetricsMaster ThrottleMaster TableMaster)

log() { printf '%s journal-init: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2; }

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

# held_type DIR: prints UFS, EMBEDDED or nothing (no core master journal yet).
held_type() {
  local dir=$1 m
  if [[ -d $dir/raft ]]; then
    echo EMBEDDED
    return
  fi
  for m in "${UFS_MASTERS[@]}"; do
    if [[ -d $dir/$m/v1 ]]; then
      echo UFS
      return
    fi
  done
}

main() {
  local held
  held=$(held_type "$JOURNAL_FOLDER")
  if [[ -n $held && $held != "$JOURNAL_TYPE" ]]; then
    if [[ $held == UFS ]]; then
      log "REFUSED: $JOURNAL_FOLDER holds a UFS journal (the metadata of a single master), but this release
  now configures the EMBEDDED journal (master.replicaCount > 1 or journal.type EMBEDDED). Alluxio would
  start an empty namespace and ignore these files. The volume is left untouched.
  To go back: helm upgrade with master.replicaCount=1 (and journal.type UFS or empty).
  To move to 3 masters: on the single master, 'alluxio fsadmin backup'; then install the masters on new
  journal volumes with -Dalluxio.master.journal.init.from.backup=<backup URI> (chart README, Operations)."
    else
      log "REFUSED: $JOURNAL_FOLDER holds an embedded (Raft) journal, but this release now configures the UFS
  journal (master.replicaCount 1 or journal.type UFS). Alluxio would start an empty namespace and ignore
  these files. The volume is left untouched. To go back: helm upgrade with the previous
  master.replicaCount (and journal.type EMBEDDED or empty); to change, migrate through 'alluxio fsadmin
  backup' and -Dalluxio.master.journal.init.from.backup (chart README, Operations)."
    fi
    exit 1
  fi
  log "journal at $JOURNAL_FOLDER: ${held:-none yet}; configured: $JOURNAL_TYPE"
  if [[ $RUN_FORMAT != true ]]; then
    return 0
  fi
  if ! journal_is_empty "$JOURNAL_FOLDER"; then
    log "journal at $JOURNAL_FOLDER already holds data: not formatting"
    return 0
  fi
  log "journal at $JOURNAL_FOLDER is empty: formatting a new journal"
  mkdir -p "$JOURNAL_FOLDER"
  "$ALLUXIO_HOME/bin/alluxio" formatJournal
  log "journal formatted"
}

main "$@"

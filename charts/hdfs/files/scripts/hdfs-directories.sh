#!/usr/bin/env bash
# hdfs-directories.sh - the directories Job (values `directories`): create directories in HDFS as
# the HDFS superuser and give them their owner, group and mode, e.g. the root of Alluxio's under
# storage owned by the user Alluxio runs as (with dfs.permissions.enabled no other user may
# create it under /).
#
# HDFS_DIRECTORIES holds one directory per line: "<path> <owner> <group> <mode>", "-" for a field
# left as HDFS makes it. A directory that exists keeps its content; owner, group and mode are set
# again on every run (helm upgrade puts back what the values say). Nothing is ever deleted.
#
# The Job runs right after install/upgrade, often before HDFS has left safe mode: every step is
# retried until it succeeds or DIRECTORIES_TIMEOUT_SECONDS pass.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# apply FS_ROOT: one pass over every directory; fails at the first refused command.
apply() {
  local fs_root=$1 path owner group mode
  while read -r path owner group mode; do
    [[ -n $path ]] || continue
    hdfs dfs -mkdir -p "$fs_root$path" || return 1
    if [[ $owner != - || $group != - ]]; then
      local who=""
      [[ $owner == - ]] || who=$owner
      [[ $group == - ]] || who="$who:$group"
      hdfs dfs -chown "$who" "$fs_root$path" || return 1
    fi
    if [[ $mode != - ]]; then
      hdfs dfs -chmod "$mode" "$fs_root$path" || return 1
    fi
    log "$path: present (owner ${owner}, group ${group}, mode ${mode})"
  done <<<"$HDFS_DIRECTORIES"
}

main() {
  local fs_root attempt=1
  require_env HDFS_DIRECTORIES HDFS_NAMESERVICE
  bool_setting HDFS_HA_ENABLED false
  int_setting DIRECTORIES_TIMEOUT_SECONDS 600
  int_setting DIRECTORIES_RETRY_SECONDS 10
  if [[ $HDFS_HA_ENABLED == true ]]; then
    fs_root=hdfs://$HDFS_NAMESERVICE
  else
    fs_root=${HDFS_DEFAULT_FS:-}
    fs_root=${fs_root%/}
  fi
  kerberos_login
  deadline_start "$DIRECTORIES_TIMEOUT_SECONDS"
  until apply "$fs_root"; do
    if deadline_passed; then
      die "the directories could not be created within ${DIRECTORIES_TIMEOUT_SECONDS}s (is HDFS up and out of safe mode? the errors above say why)"
    fi
    log "attempt $attempt failed (HDFS starting or in safe mode?); next in ${DIRECTORIES_RETRY_SECONDS}s"
    attempt=$((attempt + 1))
    sleep "$DIRECTORIES_RETRY_SECONDS"
  done
  log "done: every directory is present with its owner, group and mode"
}

main "$@"

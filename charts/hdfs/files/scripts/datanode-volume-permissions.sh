#!/usr/bin/env bash
# datanode-volume-permissions.sh - opt-in root init container of the DataNode pod
# (datanode.volumePermissions.enabled).
#
# A hostPath directory that the kubelet creates (type DirectoryOrCreate) is root:root 0755, and a
# node directory prepared by hand is whatever its admin made it: the DataNode (uid 1000) can write
# neither. For each data directory in DATANODE_DATA_DIRS (the folder "data" inside each mounted
# volume) this creates it when missing and gives it to DATANODE_OWNER ("uid:gid") with mode 700,
# the mode the DataNode itself sets (dfs.datanode.data.dir.perm). It changes only that folder: not
# the volume root, not the blocks inside (they already belong to the DataNode), nothing else.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local dir owner
  require_env DATANODE_DATA_DIRS DATANODE_OWNER
  owner=$DATANODE_OWNER
  [[ $owner =~ ^[0-9]+:[0-9]+$ ]] || die "DATANODE_OWNER must be uid:gid, got '$owner'"
  while IFS= read -r dir; do
    if [[ ! -d $dir ]]; then
      mkdir "$dir"
      log "created $dir"
    fi
    if [[ $(stat -c '%u:%g %a' "$dir") != "$owner 700" ]]; then
      chown "$owner" "$dir"
      chmod 700 "$dir"
      log "$dir now belongs to $owner, mode 700"
    else
      log "$dir already belongs to $owner, mode 700"
    fi
  done < <(split_list "$DATANODE_DATA_DIRS")
}

main "$@"

#!/usr/bin/env bash
# worker-volume-permissions.sh - opt-in root init container of the workers
# (worker.volumePermissions.enabled). A hostPath directory the kubelet creates (DirectoryOrCreate) is
# root:root 0755, which the worker (uid 1000) cannot write: a tier there becomes "lost storage" and a
# domain socket cannot be bound (the worker exits).
#  - each hostPath tier directory in TIER_DIRS (space separated): creates the folder the worker keeps
#    its blocks in (alluxioworker, Alluxio's alluxio.worker.data.folder) owned by WORKER_OWNER, and
#    leaves the directory itself and anything else in it alone;
#  - SOCKET_DIR (the worker's domain socket directory on the node, dedicated to Alluxio): owned by
#    WORKER_OWNER, mode 0755 (clients on the node connect to the sockets in it).
# Inputs: TIER_DIRS, SOCKET_DIR (either may be empty), WORKER_OWNER (uid:gid).
set -euo pipefail

: "${WORKER_OWNER:?WORKER_OWNER is required}"
TIER_DIRS=${TIER_DIRS:-}
SOCKET_DIR=${SOCKET_DIR:-}

log() { printf '%s worker-volume-permissions: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2; }

for dir in $TIER_DIRS; do
  mkdir -p "$dir/alluxioworker"
  chown "$WORKER_OWNER" "$dir/alluxioworker"
  chmod 0755 "$dir/alluxioworker"
  log "$dir/alluxioworker: $(stat -c '%u:%g %a' "$dir/alluxioworker")"
done
if [[ -n $SOCKET_DIR ]]; then
  chown "$WORKER_OWNER" "$SOCKET_DIR"
  chmod 0755 "$SOCKET_DIR"
  log "$SOCKET_DIR: $(stat -c '%u:%g %a' "$SOCKET_DIR")"
fi

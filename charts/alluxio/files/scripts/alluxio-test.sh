#!/usr/bin/env bash
# alluxio-test.sh - the `helm test` pod: writes a file through Alluxio, reads it back, reports
# the storage tier its block landed in, and deletes it (on every exit path).
set -euo pipefail

ALLUXIO=${ALLUXIO_HOME:-/opt/alluxio}/bin/alluxio
REMOTE="/helm-test/$(date +%s)-$$"
LOCAL=$(mktemp)

log() { printf '%s alluxio-test: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2; }

cleanup() {
  rm -f "$LOCAL" "$LOCAL.back"
  "$ALLUXIO" fs rm -R "/helm-test" >/dev/null 2>&1 || true
}
trap cleanup EXIT

head -c 1048576 /dev/urandom >"$LOCAL"
log "masters report:"
"$ALLUXIO" fsadmin report summary >&2
log "writing $REMOTE (MUST_CACHE, so the block lands in the tiered store)"
ALLUXIO_USER_JAVA_OPTS="${ALLUXIO_USER_JAVA_OPTS:-} -Dalluxio.user.file.writetype.default=MUST_CACHE" \
  "$ALLUXIO" fs copyFromLocal "$LOCAL" "$REMOTE"
"$ALLUXIO" fs cat "$REMOTE" >"$LOCAL.back"
if ! cmp -s "$LOCAL" "$LOCAL.back"; then
  log "FAILED: the file read back differs from the file written"
  exit 1
fi
log "read back $REMOTE: content matches"
tiers=$("$ALLUXIO" fs stat "$REMOTE" | grep -o 'tierAlias=[A-Z]*' | sort -u | tr '\n' ' ' || true)
log "cache tier(s) of $REMOTE: ${tiers:-unknown}"
log "OK"

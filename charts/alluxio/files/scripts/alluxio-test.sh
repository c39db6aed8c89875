#!/usr/bin/env bash
# alluxio-test.sh - the `helm test` pod: writes a file through Alluxio, reads it back, reports the
# storage tier its block landed in, and deletes it (on every exit path). With an under storage
# (UNDER_STORAGE, the root UFS URI) the file is written CACHE_THROUGH, so the test fails when the
# under storage cannot be written; without one, MUST_CACHE (the release's default then).
set -euo pipefail

ALLUXIO=${ALLUXIO_HOME:-/opt/alluxio}/bin/alluxio
REMOTE="/helm-test/$(date +%s)-$$"
LOCAL=$(mktemp)
UNDER_STORAGE=${UNDER_STORAGE:-}

log() { printf '%s alluxio-test: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2; }

cleanup() {
  rm -f "$LOCAL" "$LOCAL.back"
  "$ALLUXIO" fs rm -R "/helm-test" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [[ -n $UNDER_STORAGE ]]; then write_type=CACHE_THROUGH; else write_type=MUST_CACHE; fi
head -c 1048576 /dev/urandom >"$LOCAL"
log "masters report:"
"$ALLUXIO" fsadmin report summary >&2
log "writing $REMOTE ($write_type${UNDER_STORAGE:+: through to $UNDER_STORAGE})"
# copyFromLocal does not create the parent folder.
ALLUXIO_USER_JAVA_OPTS="${ALLUXIO_USER_JAVA_OPTS:-} -Dalluxio.user.file.writetype.default=$write_type" \
  "$ALLUXIO" fs mkdir "${REMOTE%/*}" >/dev/null
ALLUXIO_USER_JAVA_OPTS="${ALLUXIO_USER_JAVA_OPTS:-} -Dalluxio.user.file.writetype.default=$write_type" \
  "$ALLUXIO" fs copyFromLocal "$LOCAL" "$REMOTE"
"$ALLUXIO" fs cat "$REMOTE" >"$LOCAL.back"
if ! cmp -s "$LOCAL" "$LOCAL.back"; then
  log "FAILED: the file read back differs from the file written"
  exit 1
fi
log "read back $REMOTE: content matches"
stat=$("$ALLUXIO" fs stat "$REMOTE")
if [[ -n $UNDER_STORAGE ]] && ! grep -q 'persistenceState=PERSISTED' <<<"$stat"; then
  log "FAILED: $REMOTE is not persisted to the under storage: $(grep -o 'persistenceState=[A-Z_]*' <<<"$stat" || echo unknown)"
  exit 1
fi
tiers=$(grep -o 'tierAlias=[A-Z]*' <<<"$stat" | sort -u | tr '\n' ' ' || true)
log "cache tier(s) of $REMOTE: ${tiers:-unknown}"
log "OK"

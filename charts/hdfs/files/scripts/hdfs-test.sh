#!/usr/bin/env bash
# hdfs-test.sh - the `helm test` pod: a write/read/delete round trip through HDFS and, in HA
# mode, a check that exactly one NameNode is active.
#
# The file goes to hdfs://$HDFS_NAMESERVICE/tmp/... in HA mode (the logical nameservice, so the
# client failover proxy is exercised); without HA to $HDFS_DEFAULT_FS/tmp/... (or /tmp/... on
# the configured fs.defaultFS when HDFS_DEFAULT_FS is unset). The file is removed on every
# exit path.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

WORK_DIR=""
REMOTE_FILE=""

cleanup() {
  local rc=$?
  if [[ -n $REMOTE_FILE ]]; then
    if hdfs dfs -rm -f -skipTrash "$REMOTE_FILE" >/dev/null 2>&1; then
      log "cleanup: removed $REMOTE_FILE"
    else
      log "cleanup: could not remove $REMOTE_FILE (remove it by hand)"
    fi
  fi
  [[ -z $WORK_DIR ]] || rm -rf "$WORK_DIR"
  exit "$rc"
}

fail() {
  log "FAILED: $*"
  exit 1
}

main() {
  local stamp base fs_root out active_count
  require_env POD_NAME HDFS_NAMESERVICE
  bool_setting HDFS_HA_ENABLED false

  if [[ $HDFS_HA_ENABLED == true ]]; then
    fs_root=hdfs://$HDFS_NAMESERVICE
  else
    fs_root=${HDFS_DEFAULT_FS:-}
    fs_root=${fs_root%/}
  fi
  stamp=$(date +%s)
  base=helm-test-$POD_NAME-$stamp
  WORK_DIR=$(mktemp -d)
  trap cleanup EXIT
  printf 'helm test of HDFS nameservice %s from pod %s at %s\n' "$HDFS_NAMESERVICE" "$POD_NAME" "$stamp" >"$WORK_DIR/sent"

  kerberos_login

  log "step 1: make sure ${fs_root}/tmp exists"
  hdfs dfs -mkdir -p "$fs_root/tmp" || fail "could not create ${fs_root}/tmp (is HDFS up and out of safe mode?)"

  REMOTE_FILE=$fs_root/tmp/$base
  log "step 2: write $REMOTE_FILE"
  hdfs dfs -put "$WORK_DIR/sent" "$REMOTE_FILE" || fail "could not write $REMOTE_FILE"

  log "step 3: read it back"
  hdfs dfs -cat "$REMOTE_FILE" >"$WORK_DIR/received" || fail "could not read $REMOTE_FILE"
  cmp -s "$WORK_DIR/sent" "$WORK_DIR/received" ||
    fail "content read back from $REMOTE_FILE differs from what was written"
  log "read back $(wc -c <"$WORK_DIR/received" | tr -d ' ') bytes, identical to what was written"

  log "step 4: delete it"
  hdfs dfs -rm -skipTrash "$REMOTE_FILE" || fail "could not delete $REMOTE_FILE"
  REMOTE_FILE=""

  if [[ $HDFS_HA_ENABLED == true ]]; then
    log "step 5: HA state of the NameNodes (hdfs haadmin -ns $HDFS_NAMESERVICE -getAllServiceState)"
    out=$(hdfs haadmin -ns "$HDFS_NAMESERVICE" -getAllServiceState) ||
      fail "hdfs haadmin -getAllServiceState failed"
    log_lines "$out"
    active_count=$(grep -cw active <<<"$out" || true)
    if ((active_count != 1)); then
      fail "expected exactly one active NameNode, found $active_count"
    fi
    log "exactly one NameNode is active"
  fi
  log "PASSED: HDFS write/read/delete round trip works"
}

main "$@"

#!/usr/bin/env bash
# zookeeper-probe.sh ruok|ready - probes for the bundled ZooKeeper via 4-letter words.
#   ruok  (liveness):  sends "ruok", healthy iff the answer is "imok"
#   ready (readiness): sends "srvr", ready iff it reports "Mode: leader|follower|standalone"
# The chart whitelists ruok, srvr and mntr (4lw.commands.whitelist).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local mode=${1:-} port=${ZOOKEEPER_CLIENT_PORT:-2181} answer="" answer_one_line line
  case $mode in
    ruok)
      answer=$(four_letter_word 127.0.0.1 "$port" ruok) || true
      if [[ $answer == imok* ]]; then
        exit 0
      fi
      log "liveness failed: ZooKeeper on 127.0.0.1:$port answered 'ruok' with '${answer:-<nothing>}' instead of 'imok'"
      exit 1
      ;;
    ready)
      answer=$(four_letter_word 127.0.0.1 "$port" srvr) || true
      while IFS= read -r line; do
        line=${line%$'\r'}
        if [[ $line =~ ^Mode:[[:space:]]*(leader|follower|standalone)[[:space:]]*$ ]]; then
          exit 0
        fi
      done <<<"$answer"
      answer_one_line=$(printf '%s' "$answer" | tr -s '\r\n' '  ')
      log "not ready: ZooKeeper on 127.0.0.1:$port is not serving as leader, follower or standalone; 'srvr' answered: ${answer_one_line:-<nothing>}"
      exit 1
      ;;
    *)
      die "usage: zookeeper-probe.sh ruok|ready (got '${mode}')"
      ;;
  esac
}

main "$@"

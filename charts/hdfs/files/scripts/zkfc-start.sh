#!/usr/bin/env bash
# zkfc-start.sh - entry point of the ZKFailoverController container.
#
# `hdfs zkfc -formatZK -nonInteractive` creates the HA parent znode in ZooKeeper. It is
# idempotent in practice: exit 0 = created now, exit 2 = already there (left untouched
# because of -nonInteractive). Any other result (ZooKeeper not reachable yet, a race with the
# peer NameNode's ZKFC creating the same znode) is retried until BOOTSTRAP_TIMEOUT_SECONDS.
# Then the script execs the long-running `hdfs zkfc` so it is the container's main process.
#
# Before that, a restarted NameNode's ZKFC lets a standby peer take over first. When a pod dies
# without a graceful stop (kill, node loss, force deletion) its ZKFC's ZooKeeper session, and with it
# the election lock, lives on until the session expires (ha.zookeeper.session-timeout.ms). If the
# replacement pod's ZKFC joins the election before that, both ZKFCs wait on the same lock and the
# replacement may win it: the nameservice's active NameNode is then one that just started, in safe mode
# until its block reports arrive (no writes for up to a minute). So while a peer NameNode answers as a
# healthy standby and none is active, this script waits, at most ZK_SESSION_TIMEOUT_SECONDS + 5 s,
# for a peer to become active, then starts the ZKFC, which joins as standby. With no peer answering,
# or a peer already active, it starts at once; on a first install (both standby, no lock) both wait
# the full bound once. NAMENODE_HTTP_ADDRESSES lists every NameNode as host:httpPort (this pod's
# own entry is skipped; empty with TLS, where their JMX is HTTPS only: no wait).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# peer_states: print "host=state" for each PEER_NAMENODES entry (state from its NameNodeStatus JMX,
# or "unreachable").
peer_states() {
  local peer host port state
  for peer in $(split_list "${NAMENODE_HTTP_ADDRESSES:-}"); do
    split_host_port "$peer" || continue
    host=$ADDR_HOST port=$ADDR_PORT state=unreachable
    # This pod itself: <pod name>.<headless service>...
    [[ $host == "$(hostname)" || $host == "$(hostname)".* ]] && continue
    if http_get "$host" "$port" '/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus' 3; then
      state=$(json_string_field "$HTTP_BODY" State) || state=unknown
    fi
    printf '%s=%s\n' "$host" "$state"
  done
}

wait_for_standby_peer_takeover() {
  local bound states started=$SECONDS
  int_setting ZK_SESSION_TIMEOUT_SECONDS 10
  bound=$((ZK_SESSION_TIMEOUT_SECONDS + 5))
  [[ -n ${NAMENODE_HTTP_ADDRESSES:-} ]] || return 0
  while true; do
    states=$(peer_states)
    [[ -n $states ]] || return 0
    if [[ $states == *=active* ]]; then
      log "a peer NameNode is active ($(tr '\n' ' ' <<<"$states")): joining the election as standby"
      return 0
    fi
    if [[ $states != *=standby* ]]; then
      log "no peer NameNode is a standby that could take over ($(tr '\n' ' ' <<<"$states")): joining the election now"
      return 0
    fi
    if ((SECONDS - started >= bound)); then
      log "no peer NameNode became active within ${bound}s ($(tr '\n' ' ' <<<"$states")): joining the election"
      return 0
    fi
    if ((SECONDS == started || (SECONDS - started) % 5 == 0)); then
      log "peer NameNode standby, none active ($(tr '\n' ' ' <<<"$states")): a lock left by a NameNode that died may still be held for up to ${ZK_SESSION_TIMEOUT_SECONDS}s; letting the peer take over first (at most ${bound}s)"
    fi
    sleep 1
  done
}

main() {
  local rc round=0
  int_setting BOOTSTRAP_TIMEOUT_SECONDS 600
  int_setting BOOTSTRAP_RETRY_SECONDS 10
  int_setting ZKFC_FORMAT_TIMEOUT_SECONDS 120
  # ZooKeeper SASL (Kerberos): the JAAS "Client" section HDFS_ZKFC_OPTS points at.
  if kerberos_enabled && [[ -n ${ZK_JAAS_FILE:-} ]]; then
    write_jaas "$ZK_JAAS_FILE" Client
  fi
  deadline_start "$BOOTSTRAP_TIMEOUT_SECONDS"
  while true; do
    round=$((round + 1))
    log "round $round: running 'hdfs zkfc -formatZK -nonInteractive' to make sure the HA znode exists in ZooKeeper"
    rc=0
    timeout "$ZKFC_FORMAT_TIMEOUT_SECONDS" hdfs zkfc -formatZK -nonInteractive || rc=$?
    case $rc in
      0)
        log "HA znode created in ZooKeeper (first ZKFC of this nameservice)"
        break
        ;;
      2)
        log "HA znode already exists in ZooKeeper (exit code 2); leaving it as it is"
        break
        ;;
      124)
        log "round $round: 'zkfc -formatZK' did not finish within ${ZKFC_FORMAT_TIMEOUT_SECONDS}s (ZooKeeper probably unreachable)"
        ;;
      *)
        log "round $round: 'zkfc -formatZK' failed with exit code $rc (ZooKeeper not ready yet, or racing the other ZKFC)"
        ;;
    esac
    if deadline_passed; then
      log_lines "giving up after $(elapsed_seconds)s: could not make sure the HA znode exists in ZooKeeper.
Last 'hdfs zkfc -formatZK -nonInteractive' exit code: $rc.
Check that ZooKeeper (ha.zookeeper.quorum${ZOOKEEPER_QUORUM:+ = $ZOOKEEPER_QUORUM}) is running and reachable
from this pod. Kubernetes will restart this container."
      exit 1
    fi
    log "retrying in ${BOOTSTRAP_RETRY_SECONDS}s ($(elapsed_seconds)s of ${BOOTSTRAP_TIMEOUT_SECONDS}s elapsed)"
    sleep "$BOOTSTRAP_RETRY_SECONDS"
  done
  wait_for_standby_peer_takeover
  log "starting the failover controller: exec hdfs zkfc"
  exec hdfs zkfc
}

main "$@"

#!/usr/bin/env bash
# namenode-bootstrap.sh - NameNode init container: prepare the metadata directory.
#
# What to do is decided from the state of the cluster, never from the pod's ordinal:
#
#   complete metadata (current/VERSION and an fsimage)      -> nothing; never format, never
#                                                               bootstrapStandby over it.
#   incomplete metadata (VERSION but no fsimage, no edits:  -> moved aside to <dir>.incomplete-<time>
#     an interrupted format or bootstrapStandby; Hadoop        (kept, never deleted), then decided
#     writes VERSION first and the fsimage last)                as for no metadata below
#   anything else that is not complete                      -> refuse (exit 1) and explain
#   non-HA, no metadata                                     -> hdfs namenode -format
#   HA, no metadata, each round until the timeout:
#     another NameNode answers active/standby               -> hdfs namenode -bootstrapStandby
#                                                               (copy its namespace)
#     a JournalNode holds a journal for this nameservice    -> wait: the namespace exists and a
#     that a NameNode has written to (or may have)             NameNode holding it may be
#                                                               starting; formatting would
#                                                               replace it with an empty one
#     every JournalNode answered, none has our journal      -> brand-new cluster: format, but
#     or only journals no NameNode ever wrote to (the         only while holding the format
#     trace of an interrupted format)                          claim in ZooKeeper; with -force
#                                                               only in the second case
#     otherwise (JournalNodes unreachable)                  -> wait
#   timeout -> exit 1 with an explanation; Kubernetes restarts the init container, which
#   looks at the state again from scratch.
#
# Why a claim in ZooKeeper: the NameNode StatefulSet starts its pods in parallel, so on a
# brand-new cluster both NameNodes reach the "JournalNodes are empty, no peer is up" decision
# at the same moment. Both would format; each format creates a new random namespaceID, the
# JournalNodes end up with one of them and the other NameNode can never join (mismatched
# namespaceID), or worse, the second format wipes the first one's journal. An atomic
# "create znode" in ZooKeeper picks exactly one formatter: /hdfs-bootstrap/<nameservice>
# holds the name of the pod allowed to format. Everyone else waits until that NameNode is up
# and then bootstraps from it. The claim is never deleted: if the claiming pod restarts before
# finishing, it reads the claim back as its own and formats again; once any NameNode has
# metadata, this code path is not reached any more.
#
# Format runs with -nonInteractive, so Hadoop refuses to format if the local directory or the
# JournalNodes already hold data, a second safety net. The one exception is a format interrupted
# after it formatted some JournalNodes (Hadoop formats the local VERSION, then every JournalNode,
# then writes the fsimage): those journals are formatted but no NameNode ever wrote to them (their
# promised and writer epochs are 0, which a NameNode sets before its first edit), and the claim
# holder formats again with -force. A journal with any epoch, or one whose epochs cannot be read, is
# never formatted.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CLAIM_PARENT=/hdfs-bootstrap

# ---------------------------------------------------------------------------------------
# Format / bootstrapStandby
# ---------------------------------------------------------------------------------------
run_format() {
  local -a args=(namenode -format -nonInteractive)
  local rc=0
  if [[ ${1:-} == --force-unused-journals ]]; then
    # Only reached when every JournalNode answered with no journal or a journal no NameNode ever
    # wrote to (an interrupted format), and this pod holds the format claim: see the header.
    args+=(-force)
  fi
  if [[ -n ${HDFS_CLUSTER_ID:-} ]]; then
    args+=(-clusterId "$HDFS_CLUSTER_ID")
  fi
  log "running: hdfs ${args[*]}"
  hdfs "${args[@]}" || rc=$?
  if ((rc == 0)); then
    log "format finished: $NAMENODE_NAME_DIR now holds a new, empty namespace"
  else
    log "format failed with exit code $rc (with -nonInteractive Hadoop refuses to format when the name directory or the JournalNodes already hold data; see the output above)"
  fi
  exit "$rc"
}

run_bootstrap_standby() {
  local peer=$1 rc=0 out
  log "NameNode $peer is up, so this namespace exists: copying it with 'hdfs namenode -bootstrapStandby -nonInteractive'"
  out=$(mktemp)
  hdfs namenode -bootstrapStandby -nonInteractive 2>&1 | tee "$out" >&2 || rc=$?
  # Exit code 6 (logs unavailable) with "Invalid log manifest ... overlaps": a JournalNode that was
  # restarted in the middle of an edit log segment keeps that segment as a second in-progress one
  # (HDFS-16645, not fixed in 3.4), and the JournalNodes then refuse the in-progress listing that the
  # pre-check asks for. The finalized edits the standby tails are unaffected: copy the image without
  # the pre-check (-skipSharedEditsCheck); the NameNode checks the edits itself when it starts.
  if ((rc == 6)) && grep -q 'Invalid log manifest' "$out"; then
    log "bootstrapStandby's shared edits pre-check failed on a residual in-progress segment of a restarted JournalNode (HDFS-16645); copying the image again with -skipSharedEditsCheck"
    metadata_state "$NAMENODE_NAME_DIR"
    if [[ $META_STATE == incomplete ]]; then
      set_aside "$NAMENODE_NAME_DIR"
    fi
    rc=0
    hdfs namenode -bootstrapStandby -nonInteractive -skipSharedEditsCheck || rc=$?
  fi
  rm -f "$out"
  if ((rc == 0)); then
    log "bootstrapStandby finished: $NAMENODE_NAME_DIR now holds a copy of the namespace from $peer"
  else
    log "bootstrapStandby failed with exit code $rc; Kubernetes will restart this init container and it will try again"
  fi
  exit "$rc"
}

# ---------------------------------------------------------------------------------------
# Peer NameNodes
# ---------------------------------------------------------------------------------------

# peer_state ID: set PEER_STATE to the HA state NameNode ID reports ("" when it does not
# answer) and PEER_ERROR to why it did not answer.
peer_state() {
  local id=$1 out rc=0 line
  PEER_STATE=""
  PEER_ERROR=""
  out=$(timeout "$HAADMIN_TIMEOUT_SECONDS" hdfs haadmin \
    -Dipc.client.connect.max.retries=1 \
    -Dipc.client.connect.max.retries.on.timeouts=1 \
    -ns "$HDFS_NAMESERVICE" -getServiceState "$id" 2>"$ERR_FILE") || rc=$?
  if ((rc != 0)); then
    PEER_ERROR="haadmin exit code $rc"
    ((rc == 124)) && PEER_ERROR+=" (no answer within ${HAADMIN_TIMEOUT_SECONDS}s)"
    line=$(grep -v '^[[:space:]]*at ' "$ERR_FILE" 2>/dev/null | tail -n 1 | head -c 300 || true)
    [[ -z $line ]] || PEER_ERROR+=": $line"
    return 0
  fi
  # stdout is just the state ("active", "standby", ...); logs go to stderr.
  while IFS= read -r line; do
    line=${line//[[:space:]]/}
    [[ -z $line ]] || PEER_STATE=$line
  done <<<"$out"
}

# check_peers: set PEER_UP to the first other NameNode answering active/standby (or ""),
# and PEER_SUMMARY to a human readable list.
check_peers() {
  local id
  PEER_UP=""
  PEER_SUMMARY=""
  for id in "${NN_IDS[@]}"; do
    [[ $id == "$SELF_ID" ]] && continue
    peer_state "$id"
    case $PEER_STATE in
      active | standby)
        PEER_SUMMARY+=" $id=$PEER_STATE"
        [[ -n $PEER_UP ]] || PEER_UP=$id
        ;;
      "")
        PEER_SUMMARY+=" $id=not-answering"
        log "NameNode $id did not answer ($PEER_ERROR)"
        ;;
      *)
        PEER_SUMMARY+=" $id=$PEER_STATE"
        log "NameNode $id answers but is '$PEER_STATE', not active or standby yet"
        ;;
    esac
  done
  PEER_SUMMARY=${PEER_SUMMARY# }
  [[ -n $PEER_SUMMARY ]] || PEER_SUMMARY="(no other NameNode configured)"
}

# ---------------------------------------------------------------------------------------
# JournalNodes
# ---------------------------------------------------------------------------------------

# journal_state HOST:PORT: set JN_STATE to one of
#   formatted    - the JournalNode holds a (formatted) journal for $HDFS_NAMESERVICE that a NameNode
#                  has written to, or whose epochs it cannot tell (journal not opened since it started)
#   unused       - a formatted journal no NameNode ever wrote to: promised and writer epochs 0
#                  (what an interrupted format leaves)
#   empty        - it answered and holds no formatted journal for $HDFS_NAMESERVICE
#   unreachable  - no usable answer (JN_ERROR says why)
journal_state() {
  local addr=$1 status entry re
  JN_STATE=unreachable
  JN_ERROR=""
  if ! split_host_port "$addr"; then
    JN_ERROR="'$addr' is not host:port"
    return 0
  fi
  if [[ ${JOURNALNODE_HTTP_SCHEME:-http} == https ]]; then
    # HTTPS only (security.tls): the Hadoop client fetches every bean (no query string over it).
    if ! https_get "$ADDR_HOST" "$ADDR_PORT" /jmx; then
      JN_ERROR=$HTTP_ERROR
      return 0
    fi
  elif ! http_get "$ADDR_HOST" "$ADDR_PORT" '/jmx?qry=Hadoop:service=JournalNode,name=JournalNodeInfo'; then
    JN_ERROR=$HTTP_ERROR
    return 0
  fi
  if ! status=$(json_string_field "$HTTP_BODY" JournalsStatus); then
    JN_ERROR="$addr answered, but its JMX has no JournalsStatus attribute"
    return 0
  fi
  # JournalsStatus is JSON inside a JSON string, e.g. {\"hdfs\":{\"Formatted\":\"true\"}}
  status=${status//\\\"/\"}
  # The nameservice must match as a whole quoted key: "hdfs" must not match "hdfs2".
  re="\"$(regex_quote "$HDFS_NAMESERVICE")\"[[:space:]]*:[[:space:]]*\\{([^}]*)\\}"
  JN_STATE=empty
  if [[ $status =~ $re ]]; then
    entry=${BASH_REMATCH[1]}
    # "Formatted":"false" means the JournalNode opened the journal (a NameNode asked about
    # it) but it was never formatted: no namespace exists there yet.
    if ! [[ $entry =~ \"Formatted\"[[:space:]]*:[[:space:]]*\"?false ]]; then
      JN_STATE=formatted
      if journal_epochs_zero "$ADDR_HOST" "$ADDR_PORT"; then
        JN_STATE=unused
      fi
    fi
  fi
}

# journal_epochs_zero HOST PORT: return 0 iff the JournalNode's Journal-<nameservice> metrics show
# LastPromisedEpoch 0 and LastWriterEpoch 0 (both read from its disk). Any doubt returns 1.
journal_epochs_zero() {
  local bean re promised writer
  if [[ ${JOURNALNODE_HTTP_SCHEME:-http} == https ]]; then
    https_get "$1" "$2" /jmx || return 1
  else
    http_get "$1" "$2" "/jmx?qry=Hadoop:service=JournalNode,name=Journal-$HDFS_NAMESERVICE" || return 1
  fi
  [[ $HTTP_BODY == *"name=Journal-$HDFS_NAMESERVICE\""* ]] || return 1
  bean=${HTTP_BODY#*"name=Journal-$HDFS_NAMESERVICE\""}
  bean=${bean%%\}*}
  re='"LastPromisedEpoch"[[:space:]]*:[[:space:]]*([0-9]+)'
  [[ $bean =~ $re ]] || return 1
  promised=${BASH_REMATCH[1]}
  re='"LastWriterEpoch"[[:space:]]*:[[:space:]]*([0-9]+)'
  [[ $bean =~ $re ]] || return 1
  writer=${BASH_REMATCH[1]}
  ((promised == 0 && writer == 0))
}

# check_journals: set JN_WITH_JOURNAL, JN_UNUSED, JN_EMPTY, JN_UNREACHABLE (space separated
# lists), JN_UNREACHABLE_DETAIL (one line per unreachable JournalNode) and JN_SUMMARY.
check_journals() {
  local addr
  JN_WITH_JOURNAL=""
  JN_UNUSED=""
  JN_EMPTY=""
  JN_UNREACHABLE=""
  JN_UNREACHABLE_DETAIL=""
  JN_SUMMARY=""
  for addr in "${JN_ADDRS[@]}"; do
    journal_state "$addr"
    case $JN_STATE in
      formatted)
        JN_WITH_JOURNAL+=" $addr"
        JN_SUMMARY+=" $addr=has-journal-for-$HDFS_NAMESERVICE"
        ;;
      unused)
        JN_UNUSED+=" $addr"
        JN_SUMMARY+=" $addr=journal-never-written-for-$HDFS_NAMESERVICE"
        ;;
      empty)
        JN_EMPTY+=" $addr"
        JN_SUMMARY+=" $addr=no-journal-for-$HDFS_NAMESERVICE"
        ;;
      *)
        JN_UNREACHABLE+=" $addr"
        JN_SUMMARY+=" $addr=unreachable"
        JN_UNREACHABLE_DETAIL+="  - $JN_ERROR"$'\n'
        ;;
    esac
  done
  JN_WITH_JOURNAL=${JN_WITH_JOURNAL# }
  JN_UNUSED=${JN_UNUSED# }
  JN_EMPTY=${JN_EMPTY# }
  JN_UNREACHABLE=${JN_UNREACHABLE# }
  JN_SUMMARY=${JN_SUMMARY# }
}

# ---------------------------------------------------------------------------------------
# Format claim in ZooKeeper
# ---------------------------------------------------------------------------------------

# zk_cli CMD ARGS...: run one ZooKeeper CLI command against $ZOOKEEPER_QUORUM and exit.
# ZK_CLIENT_JVM_OPTS (ZooKeeper SASL with Kerberos) are JVM options, e.g. the JAAS file.
zk_cli() {
  local -a opts=()
  if [[ -z ${HADOOP_CLASSPATH_CACHE:-} ]]; then
    HADOOP_CLASSPATH_CACHE=$(hadoop classpath)
  fi
  if [[ -n ${ZK_CLIENT_JVM_OPTS:-} ]]; then
    read -r -a opts <<<"$ZK_CLIENT_JVM_OPTS"
  fi
  timeout "$ZK_CLI_TIMEOUT_SECONDS" java ${opts[@]+"${opts[@]}"} -cp "$HADOOP_CLASSPATH_CACHE" \
    org.apache.zookeeper.ZooKeeperMain -server "$ZOOKEEPER_QUORUM" "$@"
}

# take_format_claim: return 0 iff this pod holds /hdfs-bootstrap/<ns>. Otherwise set
# CLAIM_STATE to claim-held (CLAIM_OWNER = the holder) or zookeeper-unreachable.
take_format_claim() {
  local znode=$CLAIM_PARENT/$HDFS_NAMESERVICE out line owner=""
  CLAIM_OWNER=""
  # With ZooKeeper SASL the claim is writable by the HDFS principal only (ZK_CLAIM_ACL), and so is
  # its parent: ZooKeeper checks a delete against the parent's ACL, so an open parent would let
  # any client delete the claim and a second NameNode format.
  zk_cli create "$CLAIM_PARENT" "" ${ZK_CLAIM_ACL:+"$ZK_CLAIM_ACL"} >/dev/null 2>&1 || true
  zk_cli create "$znode" "$POD_NAME" ${ZK_CLAIM_ACL:+"$ZK_CLAIM_ACL"} >/dev/null 2>&1 || true
  if ! out=$(zk_cli get "$znode" 2>/dev/null); then
    CLAIM_STATE=zookeeper-unreachable
    return 1
  fi
  # ZooKeeperMain mixes log and "WATCHER::" lines into stdout; the znode data is a line of
  # its own, so compare whole lines.
  while IFS= read -r line; do
    line=${line%$'\r'}
    if [[ $line == "$POD_NAME" ]]; then
      return 0
    fi
    # Remember something that looks like a pod name, to tell the operator who holds it.
    if [[ -z $owner && $line =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]]; then
      owner=$line
    fi
  done <<<"$out"
  if [[ -z $owner ]]; then
    CLAIM_STATE=zookeeper-unreachable
    return 1
  fi
  CLAIM_OWNER=$owner
  CLAIM_STATE=claim-held
  return 1
}

# ---------------------------------------------------------------------------------------
# Timeout explanations
# ---------------------------------------------------------------------------------------
give_up() {
  local waited
  waited=$(elapsed_seconds)
  local head="giving up after ${waited}s: NameNode $SELF_ID (pod $POD_NAME) has no metadata in $NAMENODE_NAME_DIR and could not be prepared."
  case $LAST_STATE in
    journal-exists)
      log_lines "$head
The JournalNodes hold edit logs for nameservice '$HDFS_NAMESERVICE' ($JN_WITH_JOURNAL),
so this HDFS namespace already exists, but no NameNode with metadata is running
(other NameNodes: $PEER_SUMMARY).
REFUSING TO FORMAT: formatting would create a new, empty namespace and make the existing
edits and every block stored on the DataNodes unusable.
What to do:
  - If another NameNode still has its metadata volume, get that NameNode running (check its pod,
    its PVC and its logs). This pod will then copy the metadata with -bootstrapStandby by itself.
  - If every NameNode lost its volume, restore a NameNode metadata directory (current/VERSION,
    fsimage files) from a backup onto one NameNode's volume and start it; the others follow.
  - Do not run 'hdfs namenode -format' on this cluster: it destroys the existing namespace.
Kubernetes will restart this init container and it will check again."
      ;;
    journalnodes-unreachable)
      log_lines "$head
Not every JournalNode answered, so it is unknown whether nameservice '$HDFS_NAMESERVICE'
already has a journal. Formatting without knowing could destroy an existing namespace, so this
pod did not format. JournalNodes that did not answer:
${JN_UNREACHABLE_DETAIL%$'\n'}
Other NameNodes: $PEER_SUMMARY.
Check the JournalNode pods (kubectl get pods, kubectl logs) and their service DNS names.
Kubernetes will restart this init container and it will check again."
      ;;
    claim-held)
      log_lines "$head
This is a brand-new cluster (no JournalNode has a journal for '$HDFS_NAMESERVICE' and no other
NameNode is up). Pod '$CLAIM_OWNER' holds the format claim in ZooKeeper
(znode $CLAIM_PARENT/$HDFS_NAMESERVICE), so that pod formats and this one bootstraps from it
once it is up. It has not come up yet: check pod '$CLAIM_OWNER' and its init container logs.
If that pod no longer exists (for example fewer NameNode replicas now), delete the znode with
the ZooKeeper CLI ('deleteall $CLAIM_PARENT/$HDFS_NAMESERVICE') so another NameNode can claim it.
Kubernetes will restart this init container and it will check again."
      ;;
    zookeeper-unreachable)
      log_lines "$head
This looks like a brand-new cluster, but the format claim could not be read from or written to
ZooKeeper ($ZOOKEEPER_QUORUM), and formatting without the claim could race the other NameNode.
Check the ZooKeeper pods and that this pod can reach them.
Kubernetes will restart this init container and it will check again."
      ;;
    *)
      log_lines "$head
Last state: ${LAST_STATE:-unknown}. Other NameNodes: $PEER_SUMMARY. JournalNodes: $JN_SUMMARY."
      ;;
  esac
  exit 1
}

# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------
ha_bootstrap() {
  local round=0 id found=false
  require_env HDFS_NAMESERVICE NAMENODE_IDS JOURNALNODE_HTTP_ADDRESSES ZOOKEEPER_QUORUM
  int_setting HAADMIN_TIMEOUT_SECONDS 60
  int_setting ZK_CLI_TIMEOUT_SECONDS 60

  mapfile -t NN_IDS < <(split_list "$NAMENODE_IDS")
  mapfile -t JN_ADDRS < <(split_list "$JOURNALNODE_HTTP_ADDRESSES")
  SELF_ID=nn$(pod_ordinal "$POD_NAME")
  for id in ${NN_IDS[@]+"${NN_IDS[@]}"}; do
    [[ $id == "$SELF_ID" ]] && found=true
  done
  if [[ $found != true ]]; then
    die "this pod ($POD_NAME) would be NameNode id '$SELF_ID', which is not in NAMENODE_IDS='$NAMENODE_IDS'. The pod's ordinal must match one of dfs.ha.namenodes.$HDFS_NAMESERVICE; check the NameNode replica count against the chart's NameNode id list."
  fi
  if ((${#JN_ADDRS[@]} == 0)); then
    die "JOURNALNODE_HTTP_ADDRESSES holds no address"
  fi

  ERR_FILE=$(mktemp)
  # shellcheck disable=SC2064 # expand now: the path is fixed
  trap "rm -f '$ERR_FILE'" EXIT

  # Kerberos: a ticket for 'hdfs haadmin', and the JAAS file of the ZooKeeper CLI (format claim).
  kerberos_login
  if kerberos_enabled && [[ -n ${ZK_CLIENT_JVM_OPTS:-} ]]; then
    write_jaas "${ZK_JAAS_FILE:-/tmp/jaas/zookeeper-client.conf}" Client
  fi

  log "HA nameservice '$HDFS_NAMESERVICE': this is NameNode $SELF_ID (pod $POD_NAME) with no metadata in $NAMENODE_NAME_DIR"
  log "deciding between bootstrapStandby (another NameNode is up), format (brand-new cluster) and waiting; will give up after ${BOOTSTRAP_TIMEOUT_SECONDS}s"
  deadline_start "$BOOTSTRAP_TIMEOUT_SECONDS"
  LAST_STATE=""
  PEER_SUMMARY=""
  JN_SUMMARY=""
  while true; do
    round=$((round + 1))

    check_peers
    log "round $round: other NameNodes: $PEER_SUMMARY"
    if [[ -n $PEER_UP ]]; then
      run_bootstrap_standby "$PEER_UP"
    fi

    check_journals
    log "round $round: JournalNodes: $JN_SUMMARY"
    if [[ -n $JN_WITH_JOURNAL ]]; then
      LAST_STATE=journal-exists
      log "round $round: decision: WAIT. JournalNodes hold a journal for '$HDFS_NAMESERVICE' ($JN_WITH_JOURNAL), so the namespace exists but no NameNode holding it is up yet; it may be starting or formatting right now. Not formatting."
    elif [[ -z $JN_UNREACHABLE ]]; then
      if [[ -n $JN_UNUSED ]]; then
        log "round $round: every JournalNode answered; $JN_UNUSED hold a journal for '$HDFS_NAMESERVICE' that no NameNode ever wrote to (promised and writer epochs 0: an interrupted format), the others none: no namespace was ever used; taking the format claim in ZooKeeper ($ZOOKEEPER_QUORUM, znode $CLAIM_PARENT/$HDFS_NAMESERVICE)"
      else
        log "round $round: every JournalNode answered and none holds a journal for '$HDFS_NAMESERVICE': brand-new cluster; taking the format claim in ZooKeeper ($ZOOKEEPER_QUORUM, znode $CLAIM_PARENT/$HDFS_NAMESERVICE)"
      fi
      if take_format_claim; then
        if [[ -n $JN_UNUSED ]]; then
          log "round $round: decision: FORMAT AGAIN with -force (the unused journals on $JN_UNUSED are replaced). This pod ($POD_NAME) holds the format claim."
          run_format --force-unused-journals
        fi
        log "round $round: decision: FORMAT. This pod ($POD_NAME) holds the format claim."
        run_format
      fi
      LAST_STATE=$CLAIM_STATE
      if [[ $CLAIM_STATE == claim-held ]]; then
        log "round $round: decision: WAIT. Pod '$CLAIM_OWNER' holds the format claim and is formatting; this pod will bootstrap from it once it is up."
      else
        log "round $round: decision: WAIT. Could not read or take the format claim in ZooKeeper ($ZOOKEEPER_QUORUM); not formatting without it."
      fi
    else
      LAST_STATE=journalnodes-unreachable
      log "round $round: decision: WAIT. JournalNodes not answering: $JN_UNREACHABLE. Cannot tell whether a journal exists, so not formatting."
    fi

    if deadline_passed; then
      give_up
    fi
    log "round $round: next check in ${BOOTSTRAP_RETRY_SECONDS}s ($(elapsed_seconds)s of ${BOOTSTRAP_TIMEOUT_SECONDS}s elapsed)"
    sleep "$BOOTSTRAP_RETRY_SECONDS"
  done
}

# dir_entries DIR: print the names in DIR (including dot files), space separated.
dir_entries() {
  local path names=""
  [[ -d $1 ]] || return 0
  for path in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [[ -e $path || -L $path ]] && names+=" ${path##*/}"
  done
  printf '%s\n' "${names# }"
}

# metadata_state DIR: set META_STATE to
#   complete    - current/VERSION and at least one current/fsimage_<txid>
#   empty       - DIR missing or empty
#   incomplete  - no fsimage and no edits, nothing but VERSION/seen_txid/empty folders: what an
#                 interrupted format or bootstrapStandby leaves (Hadoop writes VERSION and seen_txid
#                 first and the fsimage last)
#   unknown     - anything else (fsimage without VERSION, edits without fsimage, ...)
# and META_DETAIL to the names found.
metadata_state() {
  local dir=$1 path name have_version=false have_image=false other=""
  META_DETAIL=$(dir_entries "$dir")
  if [[ -z $META_DETAIL ]]; then
    META_STATE=empty
    return 0
  fi
  [[ -f $dir/current/VERSION ]] && have_version=true
  for path in "$dir"/current/fsimage_*; do
    name=${path##*/}
    [[ $name =~ ^fsimage_[0-9]+$ ]] && have_image=true
  done
  if [[ $have_version == true && $have_image == true ]]; then
    META_STATE=complete
    return 0
  fi
  for path in "$dir"/* "$dir"/current/*; do
    [[ -e $path ]] || continue
    name=${path#"$dir"/}
    case $name in
      current | current/VERSION | current/seen_txid | in_use.lock | current/*.tmp) ;;
      *) other+=" $name" ;;
    esac
  done
  META_DETAIL="VERSION=$have_version fsimage=$have_image${other:+ other:$other}"
  if [[ $have_image == false && -z $other ]]; then
    META_STATE=incomplete
  else
    META_STATE=unknown
  fi
}

# set_aside DIR: rename an incomplete metadata directory to DIR.incomplete-<UTC time> (never delete).
set_aside() {
  local target
  target="$1.incomplete-$(date -u '+%Y%m%dT%H%M%SZ')"
  mv "$1" "$target"
  log "moved the incomplete metadata to $target (kept for inspection; remove it once the NameNode runs)"
}

main() {
  require_env NAMENODE_NAME_DIR POD_NAME
  int_setting BOOTSTRAP_TIMEOUT_SECONDS 600
  int_setting BOOTSTRAP_RETRY_SECONDS 10
  bool_setting HDFS_HA_ENABLED false

  metadata_state "$NAMENODE_NAME_DIR"
  case $META_STATE in
    complete)
      log "existing metadata in $NAMENODE_NAME_DIR (current/VERSION and an fsimage), not formatting and not bootstrapping; the NameNode starts from it"
      exit 0
      ;;
    incomplete)
      log "$NAMENODE_NAME_DIR holds incomplete metadata ($META_DETAIL): a format or bootstrapStandby was interrupted before it wrote the fsimage"
      set_aside "$NAMENODE_NAME_DIR"
      ;;
    unknown)
      die "$NAMENODE_NAME_DIR is neither empty nor complete NameNode metadata ($META_DETAIL). Not formatting and not bootstrapping over it: inspect it (kubectl exec into this pod's bootstrap container, or mount the PVC), restore it from a backup or move it away by hand."
      ;;
  esac

  if [[ $HDFS_HA_ENABLED != true ]]; then
    log "non-HA NameNode with no metadata in $NAMENODE_NAME_DIR: formatting a new namespace"
    run_format
  fi
  ha_bootstrap
}

main "$@"

#!/usr/bin/env bash
# zookeeper-start.sh - entry point of the bundled ZooKeeper (image zookeeper:3.9).
#
# 1. myid = StatefulSet ordinal + 1 (pod "<name>-zookeeper-2" -> 3), written to
#    $ZOO_DATA_DIR/myid. The file is rewritten only when it differs: the image's own
#    entrypoint may already have written "1" there, and an unchanged file is left alone.
# 2. Heap: JVM_MAX_RAM_PERCENTAGE of the container memory limit, exported as ZK_SERVER_HEAP
#    (MiB; zkEnv.sh turns it into -Xmx). Without a memory limit ZooKeeper's default is kept.
# 3. exec zkServer.sh start-foreground (config comes from the mounted /conf/zoo.cfg).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

main() {
  local data_dir=${ZOO_DATA_DIR:-/data} ordinal myid current="" heap
  require_env POD_NAME
  ordinal=$(pod_ordinal "$POD_NAME")
  myid=$((ordinal + 1))

  mkdir -p "$data_dir"
  if [[ -f $data_dir/myid ]]; then
    current=$(tr -d '[:space:]' <"$data_dir/myid")
  fi
  if [[ $current == "$myid" ]]; then
    log "pod $POD_NAME (ordinal $ordinal): $data_dir/myid already holds $myid, leaving it"
  else
    printf '%s\n' "$myid" >"$data_dir/myid"
    if [[ -n $current ]]; then
      log "pod $POD_NAME (ordinal $ordinal): $data_dir/myid held '$current', rewrote it to $myid"
    else
      log "pod $POD_NAME (ordinal $ordinal): wrote myid $myid to $data_dir/myid"
    fi
  fi

  heap=$(heap_mib_from_limit)
  if [[ -n $heap ]]; then
    export ZK_SERVER_HEAP=$heap
    log "ZooKeeper heap: ZK_SERVER_HEAP=${heap} (MiB, becomes -Xmx${heap}m)"
  else
    log "no container memory limit: keeping ZooKeeper's default heap"
  fi

  # Kerberos (security.kerberos.zookeeperSasl): the JAAS "Server" section with this server's
  # principal; zoo.cfg enables the SASL authentication provider.
  if [[ ${KERBEROS_ENABLED:-false} == true && -n ${ZK_JAAS_FILE:-} ]]; then
    write_jaas "$ZK_JAAS_FILE" Server
    export SERVER_JVMFLAGS="${SERVER_JVMFLAGS:+$SERVER_JVMFLAGS }-Djava.security.auth.login.config=$ZK_JAAS_FILE"
    log "ZooKeeper SASL: SERVER_JVMFLAGS=$SERVER_JVMFLAGS"
  fi

  log "starting: zkServer.sh start-foreground"
  exec zkServer.sh start-foreground
}

main "$@"

#!/usr/bin/env bash
# zkServer.sh of the zookeeper image twin: `start-foreground` as ZooKeeper's own bin/zkServer.sh and
# bin/zkEnv.sh (apache/zookeeper tag release-3.9.3) run it in the official image, written here from
# the facts listed in ../image.yaml: ZOOCFGDIR (default <install>/conf) with its optional
# zookeeper-env.sh and java.env, the config file $ZOOCFGDIR/zoo.cfg (or the 2nd argument), the
# classpath (lib jars, then $ZOOCFGDIR, where logback.xml is found), -Xmx from ZK_SERVER_HEAP
# (default 1000 MiB) before SERVER_JVMFLAGS and JVMFLAGS (a later -Xmx wins), remote JMX flags, the
# out-of-memory flags, dataDir created when missing, no pid file, java from JAVA_HOME or PATH.
# Other commands (start, stop, status, ...) are not part of the twin.
bindir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=$(dirname "$bindir")

if [[ ${1:-} != start-foreground ]]; then
  echo "zkServer.sh (image twin): only 'start-foreground' is reproduced, got '${1:-}'" >&2
  exit 1
fi

ZOOCFGDIR=${ZOOCFGDIR:-$prefix/conf}
if [[ -f $ZOOCFGDIR/zookeeper-env.sh ]]; then
  . "$ZOOCFGDIR/zookeeper-env.sh"
fi
ZOOCFG="$ZOOCFGDIR/${2:-zoo.cfg}"
if [[ -f $ZOOCFGDIR/java.env ]]; then
  . "$ZOOCFGDIR/java.env"
fi
ZOO_LOG_DIR=${ZOO_LOG_DIR:-$prefix/logs}

if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
  JAVA=$JAVA_HOME/bin/java
elif type -p java >/dev/null; then
  JAVA=java
else
  echo "Error: JAVA_HOME is not set and java could not be found in PATH." >&2
  exit 1
fi

classpath=""
for jar in "$prefix"/lib/*.jar; do
  classpath="$jar:$classpath"
done
CLASSPATH="$classpath$ZOOCFGDIR:${CLASSPATH:-}"

ZK_SERVER_HEAP=${ZK_SERVER_HEAP:-1000}
SERVER_JVMFLAGS="-Xmx${ZK_SERVER_HEAP}m ${SERVER_JVMFLAGS:-}"
if [[ -n ${JMXDISABLE:-} ]]; then
  ZOOMAIN=org.apache.zookeeper.server.quorum.QuorumPeerMain
elif [[ ${JMXLOCALONLY:-false} == true ]]; then
  ZOOMAIN="-Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.local.only=true org.apache.zookeeper.server.quorum.QuorumPeerMain"
else
  ZOOMAIN="-Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.local.only=false org.apache.zookeeper.server.quorum.QuorumPeerMain"
fi
JVMFLAGS="$SERVER_JVMFLAGS ${JVMFLAGS:-}"

echo "ZooKeeper JMX enabled by default" >&2
echo "Using config: $ZOOCFG" >&2
datadir=$(grep -E '^[[:space:]]*dataDir' "$ZOOCFG" 2>/dev/null | sed -e 's/.*=//' | tail -n 1)
if [[ -n $datadir && ! -d $datadir ]]; then
  mkdir -p "$datadir"
fi
if [[ ! -w $ZOO_LOG_DIR ]]; then
  mkdir -p "$ZOO_LOG_DIR"
fi
ZOO_LOG_FILE=${ZOO_LOG_FILE:-zookeeper-${USER:-}-server-$(hostname).log}
# shellcheck disable=SC2086 # JVMFLAGS and ZOOMAIN are word lists, as in the original
exec "$JAVA" "-Dzookeeper.log.dir=$ZOO_LOG_DIR" "-Dzookeeper.log.file=$ZOO_LOG_FILE" \
  -XX:+HeapDumpOnOutOfMemoryError "-XX:OnOutOfMemoryError=kill -9 %p" -cp "$CLASSPATH" $JVMFLAGS $ZOOMAIN "$ZOOCFG"

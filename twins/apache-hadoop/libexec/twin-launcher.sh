#!/usr/bin/env bash
# Launcher of the apache/hadoop image twin: what the image's /opt/hadoop/bin/hdfs and
# /opt/hadoop/bin/hadoop do for the subcommands the hdfs chart's containers, scripts, probes and
# `helm test` use, run with the real Hadoop classes (jars from Maven Central, see ../pom.xml).
# Source of the behaviour reproduced: hadoop-hdfs-project/hadoop-hdfs/src/main/bin/hdfs,
# hadoop-common-project/hadoop-common/src/main/bin/hadoop and hadoop-functions.sh at
# rel/release-3.4.1 (see facts.yaml beside this directory). Not reproduced: daemon mode (--daemon),
# --config/--loglevel options, shell profiles, native libraries.
# Usage (through bin/hdfs or bin/hadoop): twin-launcher.sh hdfs|hadoop SUBCOMMAND [ARGS...]
set -euo pipefail

program=$1
shift
HADOOP_HOME=${HADOOP_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HADOOP_CONF_DIR=${HADOOP_CONF_DIR:-$HADOOP_HOME/etc/hadoop}
HADOOP_LOG_DIR=${HADOOP_LOG_DIR:-$HADOOP_HOME/logs}

usage() {
  echo "Usage: $program SUBCOMMAND [ARGS]; subcommands of this image twin:" >&2
  echo "  hdfs: namenode datanode journalnode zkfc haadmin dfsadmin dfs fsck getconf classpath version" >&2
  echo "  hadoop: fs classpath version jar CLASSNAME" >&2
  exit 1
}
(($# >= 1)) || usage
subcmd=$1
shift

daemon=false
class=""
case "$program:$subcmd" in
  hdfs:namenode) class=org.apache.hadoop.hdfs.server.namenode.NameNode; daemon=true ;;
  hdfs:datanode) class=org.apache.hadoop.hdfs.server.datanode.DataNode; daemon=true ;;
  hdfs:journalnode) class=org.apache.hadoop.hdfs.qjournal.server.JournalNode; daemon=true ;;
  hdfs:zkfc) class=org.apache.hadoop.hdfs.tools.DFSZKFailoverController; daemon=true ;;
  hdfs:haadmin) class=org.apache.hadoop.hdfs.tools.DFSHAAdmin ;;
  hdfs:dfsadmin) class=org.apache.hadoop.hdfs.tools.DFSAdmin ;;
  hdfs:dfs | hadoop:fs) class=org.apache.hadoop.fs.FsShell ;;
  hdfs:getconf) class=org.apache.hadoop.hdfs.tools.GetConf ;;
  hdfs:fsck) class=org.apache.hadoop.hdfs.tools.DFSck ;;
  hdfs:version | hadoop:version) class=org.apache.hadoop.util.VersionInfo ;;
  hadoop:*.*) class=$subcmd ;;  # `hadoop CLASSNAME`
  *:classpath) ;;
  *) echo "$program: subcommand '$subcmd' is not supported by this image twin" >&2; usage ;;
esac

# Classpath as the image builds it: the configuration directory first, then the jars.
classpath="$HADOOP_CONF_DIR:$HADOOP_HOME/share/hadoop/hdfs:$HADOOP_HOME/share/hadoop/lib/*"
if [[ -n ${HADOOP_CLASSPATH:-} ]]; then
  classpath="$classpath:$HADOOP_CLASSPATH"
fi
if [[ $subcmd == classpath ]]; then
  printf '%s\n' "$classpath"
  exit 0
fi

# hadoop-functions.sh refuses to run without JAVA_HOME ("JAVA_HOME is not set and could not be found").
if [[ -z ${JAVA_HOME:-} || ! -x $JAVA_HOME/bin/java ]]; then
  echo "ERROR: JAVA_HOME is not set and could not be found." >&2
  exit 1
fi
java=$JAVA_HOME/bin/java
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-4}

# Options in the order hadoop-functions.sh composes them (hadoop_bootstrap, the subcommand case,
# hadoop_add_client_opts, hadoop_subcommand_opts, hadoop_finalize): HADOOP_OPTS (default
# -Djava.net.preferIPv4Stack=true), the NameNode's audit logger, HADOOP_CLIENT_OPTS for client
# commands only, HDFS_<SUBCMD>_OPTS (hdfs-config.sh defaults for the NameNode and DataNode when
# unset), then the finalize settings, each only when its key is not already present.
HADOOP_OPTS=${HADOOP_OPTS:-"-Djava.net.preferIPv4Stack=true"}
HDFS_NAMENODE_OPTS=${HDFS_NAMENODE_OPTS:-"-Dhadoop.security.logger=INFO,RFAS"}
HDFS_DATANODE_OPTS=${HDFS_DATANODE_OPTS:-"-Dhadoop.security.logger=ERROR,RFAS"}
opts=()
add_words() { local -a words; read -r -a words <<<"$1"; opts+=(${words[@]+"${words[@]}"}); }
add_words "$HADOOP_OPTS"
if [[ $program:$subcmd == hdfs:namenode ]]; then
  opts+=("-Dhdfs.audit.logger=${HDFS_AUDIT_LOGGER:-INFO,NullAppender}")
fi
if [[ $daemon != true ]]; then
  add_words "${HADOOP_CLIENT_OPTS:-}"
fi
if [[ $program == hdfs ]]; then
  var="HDFS_${subcmd^^}_OPTS"
  add_words "${!var:-}"
fi
add_param() {  # add_param KEY OPTION: hadoop_add_param (only when KEY is not present yet)
  [[ " ${opts[*]} " == *"$1"* ]] || opts+=("$2")
}
if [[ -n ${HADOOP_HEAPSIZE_MAX:-} ]]; then
  heap=$HADOOP_HEAPSIZE_MAX
  [[ $heap =~ ^[0-9]+$ ]] && heap="${heap}m"
  add_param -Xmx "-Xmx$heap"
fi
add_param hadoop.log.dir "-Dhadoop.log.dir=$HADOOP_LOG_DIR"
add_param hadoop.log.file "-Dhadoop.log.file=${HADOOP_LOGFILE:-hadoop.log}"
add_param hadoop.home.dir "-Dhadoop.home.dir=$HADOOP_HOME"
add_param hadoop.id.str "-Dhadoop.id.str=${HADOOP_IDENT_STRING:-${USER:-}}"
add_param hadoop.root.logger "-Dhadoop.root.logger=${HADOOP_ROOT_LOGGER:-INFO,console}"
add_param hadoop.policy.file "-Dhadoop.policy.file=${HADOOP_POLICYFILE:-hadoop-policy.xml}"
add_param hadoop.security.logger "-Dhadoop.security.logger=${HADOOP_SECURITY_LOGGER:-INFO,NullAppender}"

# A daemon in the foreground (hadoop_start_daemon) writes its pid file to HADOOP_PID_DIR first and
# only warns when it cannot.
if [[ $daemon == true ]]; then
  pidfile="${HADOOP_PID_DIR:-/tmp}/hadoop-${HADOOP_IDENT_STRING:-${USER:-}}-$subcmd.pid"
  if ! echo $$ >"$pidfile" 2>/dev/null; then
    echo "ERROR:  Cannot write $subcmd pid $pidfile." >&2
  fi
fi
exec "$java" "-Dproc_$subcmd" "${opts[@]}" -cp "$classpath" "$class" "$@"

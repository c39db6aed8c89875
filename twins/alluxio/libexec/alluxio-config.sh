# shellcheck shell=bash
# Twin of Alluxio 2.9.5 libexec/alluxio-config.sh (sourced by bin/alluxio and bin/launch-process):
# the paths, the JVM options it composes and their order, as image.yaml lists them with sources.
# Differences, on purpose: the class path is lib/*.jar (the image has one assembly jar), and the
# "Java 8 or Java 11" check is not made (the twin runs the machine's Java 17).
ALLUXIO_HOME=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
ALLUXIO_CONF_DIR=${ALLUXIO_CONF_DIR:-$ALLUXIO_HOME/conf}
ALLUXIO_LOGS_DIR=${ALLUXIO_LOGS_DIR:-$ALLUXIO_HOME/logs}
ALLUXIO_USER_LOGS_DIR=${ALLUXIO_USER_LOGS_DIR:-$ALLUXIO_LOGS_DIR/user}
if [[ -e $ALLUXIO_CONF_DIR/alluxio-env.sh ]]; then
  # shellcheck source=/dev/null
  . "$ALLUXIO_CONF_DIR/alluxio-env.sh"
fi
if [[ -z ${JAVA:-} ]]; then
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java
  else JAVA=$(command -v java) || { echo "Error: Cannot find 'java' on path or under \$JAVA_HOME/bin/."; exit 1; }
  fi
fi
ALLUXIO_SERVER_CLASSPATH="$ALLUXIO_CONF_DIR/:${ALLUXIO_CLASSPATH:-}:$ALLUXIO_HOME/lib/*"
ALLUXIO_CLIENT_CLASSPATH="$ALLUXIO_SERVER_CLASSPATH"

ALLUXIO_JAVA_OPTS="${ALLUXIO_JAVA_OPTS:-} -Dalluxio.home=$ALLUXIO_HOME"
ALLUXIO_JAVA_OPTS+=" -Dalluxio.conf.dir=$ALLUXIO_CONF_DIR -Dalluxio.logs.dir=$ALLUXIO_LOGS_DIR -Dalluxio.user.logs.dir=$ALLUXIO_USER_LOGS_DIR"
if [[ -n ${ALLUXIO_RAM_FOLDER:-} ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.worker.tieredstore.level0.alias=MEM -Dalluxio.worker.tieredstore.level0.dirs.path=$ALLUXIO_RAM_FOLDER"
fi
if [[ -n ${ALLUXIO_MASTER_HOSTNAME:-} ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.master.hostname=$ALLUXIO_MASTER_HOSTNAME"
fi
if [[ -n ${ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS:-} ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.master.mount.table.root.ufs=$ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS"
fi
if [[ -n ${ALLUXIO_WORKER_MEMORY_SIZE:-} ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.worker.ramdisk.size=$ALLUXIO_WORKER_MEMORY_SIZE"
fi
ALLUXIO_JAVA_OPTS+=" -Dlog4j.configuration=file:$ALLUXIO_CONF_DIR/log4j.properties"
ALLUXIO_JAVA_OPTS+=" -Dorg.apache.jasper.compiler.disablejsr199=true -Djava.net.preferIPv4Stack=true"
ALLUXIO_JAVA_OPTS+=" -Dorg.apache.ratis.thirdparty.io.netty.allocator.useCacheForAllThreads=false"

# Per process: its defaults, then ALLUXIO_JAVA_OPTS, then the process's own variable (later wins).
ALLUXIO_MASTER_JAVA_OPTS=" -Dalluxio.logger.type=${ALLUXIO_MASTER_LOGGER:-MASTER_LOGGER} -Dalluxio.master.audit.logger.type=MASTER_AUDIT_LOGGER $ALLUXIO_JAVA_OPTS ${ALLUXIO_MASTER_JAVA_OPTS:-}"
ALLUXIO_JOB_MASTER_JAVA_OPTS=" -Dalluxio.logger.type=${ALLUXIO_JOB_MASTER_LOGGER:-JOB_MASTER_LOGGER} -Dalluxio.job.master.audit.logger.type=JOB_MASTER_AUDIT_LOGGER $ALLUXIO_JAVA_OPTS ${ALLUXIO_JOB_MASTER_JAVA_OPTS:-}"
ALLUXIO_WORKER_JAVA_OPTS=" -Dalluxio.logger.type=${ALLUXIO_WORKER_LOGGER:-WORKER_LOGGER} $ALLUXIO_JAVA_OPTS ${ALLUXIO_WORKER_JAVA_OPTS:-}"
ALLUXIO_JOB_WORKER_JAVA_OPTS=" -Dalluxio.logger.type=${ALLUXIO_JOB_WORKER_LOGGER:-JOB_WORKER_LOGGER} $ALLUXIO_JAVA_OPTS ${ALLUXIO_JOB_WORKER_JAVA_OPTS:-}"
ALLUXIO_FUSE_JAVA_OPTS=" -Dalluxio.logger.type=FUSE_LOGGER -Xms1G -Xmx1G -XX:MaxDirectMemorySize=4g $ALLUXIO_JAVA_OPTS ${ALLUXIO_FUSE_JAVA_OPTS:-}"
ALLUXIO_USER_JAVA_OPTS=" -Dalluxio.logger.type=USER_LOGGER $ALLUXIO_JAVA_OPTS ${ALLUXIO_USER_JAVA_OPTS:-}"

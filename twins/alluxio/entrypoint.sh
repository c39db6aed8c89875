#!/usr/bin/env bash
# Twin of the alluxio/alluxio:2.9.5 image's /entrypoint.sh (Alluxio integration/docker/entrypoint.sh
# at the 2.9.5 release commit 3cb752d08f): the behaviour the chart depends on, written for the tests.
# Each behaviour and its source is listed in twins/alluxio/image.yaml; what is not reproduced:
# the dynamic non-root user switch (only when the container starts as uid 0 with ALLUXIO_UID set),
# proxy, logserver, mount and csiserver.
set -e
ALLUXIO_HOME=/opt/alluxio
ENV_VARS=" ALLUXIO_CLASSPATH ALLUXIO_HOSTNAME ALLUXIO_JARS ALLUXIO_JAVA_OPTS ALLUXIO_MASTER_JAVA_OPTS
 ALLUXIO_PROXY_JAVA_OPTS ALLUXIO_RAM_FOLDER ALLUXIO_USER_JAVA_OPTS ALLUXIO_WORKER_JAVA_OPTS
 ALLUXIO_JOB_MASTER_JAVA_OPTS ALLUXIO_JOB_WORKER_JAVA_OPTS ALLUXIO_FUSE_JAVA_OPTS "

usage() {
  echo "Usage: COMMAND [COMMAND_OPTIONS]"
  echo "COMMAND: master|master-only|worker|worker-only [--no-format], job-master, job-worker,"
  echo "         fuse [--fuse-opts=opt1,...] [mount_point] [alluxio_path]"
  exit 1
}

# The environment variables above go to conf/alluxio-env.sh (sourced by libexec/alluxio-config.sh),
# once: an existing file is kept. ALLUXIO_LOG4J_PROPERTIES / ALLUXIO_SITE_PROPERTIES replace
# those files. Nothing else of the environment becomes a property.
write_conf() {
  local name
  if [[ ! -f conf/alluxio-env.sh ]]; then
    while IFS= read -r name; do
      if [[ $ENV_VARS == *" $name "* ]]; then
        printf 'export %s="%s"\n' "$name" "${!name}" >> conf/alluxio-env.sh
      fi
    done < <(compgen -e)
  fi
  if [[ -f /tmp/log4j.properties && ! -f conf/log4j.properties ]]; then
    cp /tmp/log4j.properties conf/log4j.properties
  fi
  if [[ -n ${ALLUXIO_LOG4J_PROPERTIES:-} ]]; then echo "$ALLUXIO_LOG4J_PROPERTIES" > conf/log4j.properties; fi
  if [[ -n ${ALLUXIO_SITE_PROPERTIES:-} ]]; then echo "$ALLUXIO_SITE_PROPERTIES" > conf/alluxio-site.properties; fi
}

# Workers only: when the top tier is MEM (as the configuration says) and no level0 dirs.path is in
# the JVM options, the RAM folder defaults to /dev/shm, which alluxio-config.sh then passes as
# -Dalluxio.worker.tieredstore.level0.dirs.path (a JVM property: it beats the site file).
set_ram_folder() {
  local alias
  alias=$("$ALLUXIO_HOME/bin/alluxio" getConf alluxio.worker.tieredstore.level0.alias)
  [[ $alias == MEM ]] || return 0
  if [[ "${ALLUXIO_JAVA_OPTS:-} ${ALLUXIO_WORKER_JAVA_OPTS:-}" != *alluxio.worker.tieredstore.level0.dirs.path* ]]; then
    export ALLUXIO_RAM_FOLDER=${ALLUXIO_RAM_FOLDER:-/dev/shm}
  fi
}

# master/worker: no option formats the journal (worker: the tier folders) on every start.
format_unless_no_format() {  # format_unless_no_format COMMAND OPTION
  if [[ -n $2 && $2 != --no-format ]]; then usage; fi
  if [[ $2 != --no-format ]]; then "$ALLUXIO_HOME/bin/alluxio" "$1"; fi
}

forward() {  # forward SIGNAL: to every background process, then wait for them
  local sig=$1 pid
  [[ $sig == 2 ]] && sig=1
  for pid in $(jobs -p); do kill "-$sig" "$pid" 2>/dev/null || true; done
  wait
}

main() {
  (($# >= 1)) || usage
  local service=$1 option=${2:-}
  local -a processes=()
  cd "$ALLUXIO_HOME"
  write_conf
  case $service in
    master) format_unless_no_format formatMaster "$option"; processes=(job_master master) ;;
    master-only) format_unless_no_format formatMaster "$option"; processes=(master) ;;
    worker) set_ram_folder; format_unless_no_format formatWorker "$option"; processes=(job_worker worker) ;;
    worker-only) set_ram_folder; format_unless_no_format formatWorker "$option"; processes=(worker) ;;
    job-master) processes=(job_master) ;;
    job-worker) processes=(job_worker) ;;
    fuse)
      shift
      if [[ -n ${FUSE_ALLUXIO_PATH:-} || -n ${MOUNT_POINT:-} ]]; then
        echo "Use of environment variables FUSE_ALLUXIO_PATH and MOUNT_POINT for Alluxio Fuse are deprecated."
        usage
      fi
      if [[ ${1:-} == --fuse-opts=* ]]; then
        local opts=${1#--fuse-opts=}
        shift
        exec integration/fuse/bin/alluxio-fuse mount -n -o "$opts" "$@"
      fi
      exec integration/fuse/bin/alluxio-fuse mount -n "$@"
      ;;
    *) usage ;;
  esac
  if ((${#processes[@]} == 1)); then
    exec ./bin/launch-process "${processes[0]}" -c
  fi
  local sig
  for sig in {1..31}; do trap "forward $sig" "$sig" 2>/dev/null || true; done
  trap "forward 1" EXIT
  local p
  for p in "${processes[@]}"; do ./bin/launch-process "$p" -c & done
  wait
}

main "$@"

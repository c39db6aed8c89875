#!/usr/bin/env bash
# jvm-opts.sh - heap size from the container memory limit.
#
# Some launchers (ZooKeeper's zkEnv.sh, Hadoop's HADOOP_HEAPSIZE_MAX) set their own fixed
# -Xmx, which overrides the JVM's container-aware -XX:MaxRAMPercentage. This script computes
#   heap MiB = container memory limit * JVM_MAX_RAM_PERCENTAGE / 100
# so such a launcher can be given a size that fits the pod.
#
# Executed:  jvm-opts.sh          prints the heap in MiB, e.g. "768" (prints nothing if the
#                                 container has no memory limit)
#            jvm-opts.sh --xmx    prints "-Xmx768m" (or nothing)
# Sourced:   . jvm-opts.sh        defines the functions and exports JVM_HEAP_MIB (empty when
#                                 there is no limit)
# Inputs: JVM_MAX_RAM_PERCENTAGE (default 75), CGROUP_MEMORY_FILE (optional override; default
# /sys/fs/cgroup/memory.max, then /sys/fs/cgroup/memory/memory.limit_in_bytes).
# Diagnostics go to stderr.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

jvm_opts_main() {
  local mib
  mib=$(heap_mib_from_limit)
  case ${1:-} in
    "") [[ -z $mib ]] || printf '%s\n' "$mib" ;;
    --xmx) [[ -z $mib ]] || printf -- '-Xmx%sm\n' "$mib" ;;
    *)
      log "usage: jvm-opts.sh [--xmx]"
      return 2
      ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  jvm_opts_main "$@"
else
  JVM_HEAP_MIB=$(heap_mib_from_limit)
  export JVM_HEAP_MIB
fi

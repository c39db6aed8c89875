#!/usr/bin/env bash
# topology.sh - HDFS rack topology script (net.topology.script.file.name).
#
# Hadoop's ScriptBasedMapping runs it in the NameNode with up to net.topology.script.number.args
# IP addresses or host names as arguments and reads back one rack per argument, in the same
# order, separated by spaces. The racks come from the map file written by the topology-mapper
# sidecar (files/topology/mapper.py): one "<ip-or-hostname> <rack>" pair per line, racks of the
# form /<zone>/<node>. Lines starting with '#' are comments.
#
# When any address is missing from the map (or the map is not written yet), the script prints
# nothing and exits 1. Hadoop then caches nothing for these addresses and asks again next time
# (CachedDNSToSwitchMapping caches only answers; a default rack would be cached for good): a
# DataNode is refused and registers again 5 s later (the chart sets
# dfs.namenode.reject-unresolved-dn-topology-mapping), a client is sorted as off-rack for that call.
# What stays cached: an address's rack from its first answer until the NameNode restarts. A new pod
# that gets the address of a pod that ran on another node keeps that node's rack (see "Rack
# awareness" in the chart README).
#
# Environment: TOPOLOGY_MAP_FILE (default /var/run/hdfs-topology/topology.map).
#
# Speed matters: the NameNode calls this synchronously when DataNodes register and when it
# sorts block locations for a new client, so the map file is read once into an associative
# array and no process is started per argument.
set -euo pipefail

# The script's directory without running dirname (no process start).
SCRIPT_DIR=.
if [[ ${BASH_SOURCE[0]} == */* ]]; then
  SCRIPT_DIR=${BASH_SOURCE[0]%/*}
fi
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SCRIPT_DIR/lib.sh"

MAP_FILE=${TOPOLOGY_MAP_FILE:-/var/run/hdfs-topology/topology.map}

declare -A RACKS=()

# load_map FILE: fill RACKS from FILE; log (to stderr, which Hadoop discards) when it is unreadable.
load_map() {
  local key rack _rest
  if [[ ! -r $1 ]]; then
    log "map file $1 not readable yet"
    return 0
  fi
  while read -r key rack _rest || [[ -n ${key:-} ]]; do
    if [[ -z ${key:-} || $key == \#* || -z ${rack:-} ]]; then
      continue
    fi
    RACKS[$key]=$rack
  done <"$1"
}

# rack_of ADDRESS: set RACK to the rack of ADDRESS, or "" when the map does not know it. A host
# name that is not in the map is tried again without its domain (pod-0.svc.ns.svc.cluster.local -> pod-0).
rack_of() {
  local addr=$1 short
  RACK=""
  if [[ -n $addr ]]; then
    RACK=${RACKS[$addr]:-}
  fi
  if [[ -z $RACK && $addr == *[a-zA-Z]* && $addr != *:* && $addr == *.* ]]; then
    short=${addr%%.*}
    RACK=${RACKS[$short]:-}
  fi
}

main() {
  local addr out="" unknown=""
  load_map "$MAP_FILE"
  for addr in "$@"; do
    rack_of "$addr"
    if [[ -z $RACK ]]; then
      unknown+=" $addr"
    fi
    out+="${out:+ }$RACK"
  done
  if [[ -n $unknown ]]; then
    log "no rack known yet for:$unknown (the NameNode asks again later)"
    exit 1
  fi
  printf '%s\n' "$out"
}

main "$@"

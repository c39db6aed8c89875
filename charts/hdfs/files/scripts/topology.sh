#!/usr/bin/env bash
# topology.sh - HDFS rack topology script (net.topology.script.file.name).
#
# Hadoop's ScriptBasedMapping runs it in the NameNode with up to net.topology.script.number.args
# IP addresses or host names as arguments and reads back one rack per argument, in the same
# order, separated by spaces. The racks come from the map file written by the topology-mapper
# sidecar (files/topology/mapper.py): one "<ip-or-hostname> <rack>" pair per line, racks of the
# form /<zone>/<node>. Lines starting with '#' are comments.
#
# An address missing from the map, or a missing map file, gets TOPOLOGY_DEFAULT_RACK
# (default /default-rack). The chart sets it to a rack as deep as the mapped ones
# (/default-zone/default-rack): HDFS refuses DataNodes whose rack depth differs from the others.
#
# Environment: TOPOLOGY_MAP_FILE (default /var/run/hdfs-topology/topology.map),
# TOPOLOGY_DEFAULT_RACK (default /default-rack).
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
DEFAULT_RACK=${TOPOLOGY_DEFAULT_RACK:-/default-rack}

declare -A RACKS=()

# load_map FILE: fill RACKS from FILE; log (to stderr, which Hadoop discards) when it is unreadable.
load_map() {
  local key rack _rest
  if [[ ! -r $1 ]]; then
    log "map file $1 not readable yet; answering $DEFAULT_RACK"
    return 0
  fi
  while read -r key rack _rest || [[ -n ${key:-} ]]; do
    if [[ -z ${key:-} || $key == \#* || -z ${rack:-} ]]; then
      continue
    fi
    RACKS[$key]=$rack
  done <"$1"
}

# rack_of ADDRESS: set RACK to the rack of ADDRESS. A host name that is not in the map is
# tried again without its domain (pod-0.svc.ns.svc.cluster.local -> pod-0).
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
  if [[ -z $RACK ]]; then
    RACK=$DEFAULT_RACK
  fi
}

main() {
  local addr out=""
  load_map "$MAP_FILE"
  for addr in "$@"; do
    rack_of "$addr"
    out+="${out:+ }$RACK"
  done
  printf '%s\n' "$out"
}

main "$@"

#!/usr/bin/env bash
# Twin of the apache/zeppelin image's bin/zeppelin.sh (Zeppelin v0.12.0), for what the chart relies on:
# in a container, a uid without a passwd entry gets one ("zeppelin", home $ZEPPELIN_HOME) appended to
# /etc/passwd when the process may write it (group 0 with the image's modes), else a warning. The
# Zeppelin server itself is not reproduced (not on Maven Central): this process then only stays up, so
# that the Spark interpreter's launches (bin/interpreter.sh, also a twin) can be run in the pod.
set -euo pipefail
# shellcheck source=passwd-entry.sh
. "$(dirname "$0")/passwd-entry.sh"
echo "zeppelin.sh twin: uid $(id -u) gid $(id -g) user '$(getent passwd "$(id -u)" | cut -d: -f1)'; no Zeppelin server in this twin, waiting"
exec sleep infinity

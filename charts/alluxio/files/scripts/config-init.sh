#!/usr/bin/env bash
# config-init.sh - assembles the writable Alluxio configuration directory of a pod.
#
# The image's /opt/alluxio/conf holds defaults (log4j.properties, metrics, ...). The pod mounts
# an emptyDir over that path in its Alluxio containers, because the image entrypoint appends
# alluxio-env.sh to it while the root filesystem stays read-only. This init container sees the
# image's original directory, copies it to the emptyDir (mounted here at $CONF_OUT) and adds the
# chart's alluxio-site.properties on top.
# Inputs: CONF_OUT (default /conf-out), CHART_CONF (default /opt/alluxio-chart-conf).
set -euo pipefail

CONF_OUT=${CONF_OUT:-/conf-out}
CHART_CONF=${CHART_CONF:-/opt/alluxio-chart-conf}
IMAGE_CONF=${IMAGE_CONF:-/opt/alluxio/conf}

if [[ -d $IMAGE_CONF ]]; then
  cp -R "$IMAGE_CONF"/. "$CONF_OUT"/
fi
# A stale alluxio-env.sh from a previous container run would be appended to again.
rm -f "$CONF_OUT/alluxio-env.sh"
cp "$CHART_CONF/alluxio-site.properties" "$CONF_OUT/alluxio-site.properties"
echo "config-init: $(grep -c '=' "$CONF_OUT/alluxio-site.properties") properties written to $CONF_OUT" >&2

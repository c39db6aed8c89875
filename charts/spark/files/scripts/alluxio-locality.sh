#!/bin/sh
# Alluxio's tiered-identity script (alluxio.locality.script), run by the Alluxio client inside each
# executor: the executor's node is the node of the worker pod that launched it, whose NODE_NAME
# (downward API, spec.nodeName) executors inherit. Alluxio workers name their node the same way
# (alluxio.locality.node=$(NODE_NAME)), so a client prefers, and reads through the domain socket of,
# the worker on its own node. Prints nothing without NODE_NAME: the client then uses its host name.
if [ -n "${NODE_NAME:-}" ]; then
  echo "node=${NODE_NAME}"
fi

#!/usr/bin/env bash
# Build the apache/zeppelin image twin into DEST (called by bin/setup, which decides when to rebuild):
#   DEST/zeppelin-home   what the chart relies on in /opt/zeppelin: bin/zeppelin.sh and bin/interpreter.sh
#                        twins (twins/zeppelin/bin: the passwd entry and the Spark interpreter's launch;
#                        Zeppelin's server and interpreter jars are not on Maven Central), an empty conf,
#                        logs, run, notebook and webapps owned root:root 775 as the image has them
#   DEST/conda-python    /opt/conda/envs/python_3_with_R: a relocatable CPython 3.9 prefix (conda-python.sh)
# (facts: image.yaml). Usage: build.sh DEST TAG
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest=$1
home="$dest/zeppelin-home"
rm -rf "$home"
mkdir -p "$home/bin" "$home/conf" "$home/logs" "$home/run" "$home/notebook"
cp "$here/bin/zeppelin-twin.sh" "$home/bin/zeppelin.sh"
cp "$here/bin/interpreter-twin.sh" "$home/bin/interpreter.sh"
cp "$here/bin/passwd-entry.sh" "$home/bin/passwd-entry.sh"
chown -R 0:0 "$home"
chmod 755 "$home/bin" "$home/bin/"*.sh
chmod 775 "$home" "$home/conf" "$home/logs" "$home/run" "$home/notebook"
"$here/conda-python.sh" "$dest/conda-python"
chown -R 0:0 "$dest/conda-python"
chmod -R u+rwX,g+rwX,o+rX "$dest/conda-python"

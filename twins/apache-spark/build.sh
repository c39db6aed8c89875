#!/usr/bin/env bash
# Build the apache/spark image twin into DEST (called by bin/setup, which decides when to rebuild):
#   DEST/spark-home   the Spark distribution of the pyspark package in .venv (requirements.txt pins it
#                     to the image's Spark version): bin, sbin, jars, python/lib, examples, data
#                     (with work-dir, the image's WORKDIR)
# owned 185:185 as in the image (facts: image.yaml). Usage: build.sh DEST TAG (TAG: the image's tag,
# its Spark version; the build stops when the pyspark package is another version).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest=$1
tag=$2
venv_python="$here/../../.venv/bin/python"
[[ -x $venv_python ]] || { echo "build.sh: .venv missing (bin/setup creates it first)" >&2; exit 1; }
pyspark=$("$venv_python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
version=$("$venv_python" -c 'import pyspark; print(pyspark.__version__)')
[[ $version == "${tag%%-*}" ]] || { echo "build.sh: pyspark $version in .venv, the image is Spark ${tag%%-*} (requirements.txt)" >&2; exit 1; }
home="$dest/spark-home"
mkdir -p "$home"
for part in bin sbin jars python examples data; do
  cp -r "$pyspark/$part" "$home/"
done
# The package's own modules stand in for the distribution's python/pyspark folder.
find "$home" -name '*.cmd' -delete
mkdir -p "$home/work-dir"
chmod g+w "$home/work-dir"
chown -R 185:185 "$home"

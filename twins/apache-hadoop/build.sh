#!/usr/bin/env bash
# Build the apache/hadoop image twin into DEST (called by bin/setup, which decides when to rebuild):
#   DEST/opt/hadoop/bin/{hdfs,hadoop}, libexec/twin-launcher.sh   this folder's launchers
#   DEST/opt/hadoop/share/hadoop/lib/*.jar                        the Hadoop server jars (Maven Central)
#   DEST/opt/hadoop/share/hadoop/hdfs/webapps/                    the daemons' web UIs
# owned 1000:100 as in the image (facts: image.yaml). Usage: build.sh DEST HADOOP_VERSION
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest=$1
version=$2
# shellcheck source=../lib.sh
. "$here/../lib.sh"
twin_maven_setup "$here/pom.xml"
home="$dest/opt/hadoop"
mkdir -p "$home/share/hadoop/lib" "$home/share/hadoop/hdfs"
# -C: fail on a checksum mismatch; -B: no progress bars.
mvn_quiet -Dhadoop.version="$version" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$home/share/hadoop/lib"
mvn_quiet -Dhadoop.version="$version" dependency:unpack-dependencies \
  -DincludeClassifiers=tests -Dincludes='webapps/**' -DoutputDirectory="$home/share/hadoop/hdfs"
[[ -f $home/share/hadoop/lib/hadoop-hdfs-$version.jar ]] || { echo "build.sh: hadoop-hdfs-$version.jar missing after Maven" >&2; exit 1; }
[[ -d $home/share/hadoop/hdfs/webapps/hdfs ]] || { echo "build.sh: webapps/hdfs missing after Maven" >&2; exit 1; }
cp -r "$here/bin" "$here/libexec" "$home/"
mkdir -p "$home/etc/hadoop"
chown -R 1000:100 "$home"

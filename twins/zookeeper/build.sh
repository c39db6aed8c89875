#!/usr/bin/env bash
# Build the zookeeper image twin into DEST (called by bin/setup): the distribution's lib/ jars from
# Maven Central and this folder's bin/zkServer.sh under DEST/apache-zookeeper-bin, and the image's
# empty /conf, /data, /datalog, /logs folders, all owned 1000:1000 as in the image (facts:
# image.yaml). Usage: build.sh DEST ZOOKEEPER_VERSION
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest=$1
version=$2
# shellcheck source=../lib.sh
. "$here/../lib.sh"
twin_maven_setup "$here/pom.xml"
home="$dest/apache-zookeeper-bin"
mkdir -p "$home/lib" "$home/conf"
mvn_quiet -Dzookeeper.version="$version" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$home/lib"
[[ -f $home/lib/zookeeper-$version.jar ]] || { echo "build.sh: zookeeper-$version.jar missing after Maven" >&2; exit 1; }
cp -r "$here/bin" "$home/"
mkdir -p "$dest/conf" "$dest/data" "$dest/datalog" "$dest/logs"
chown -R 1000:1000 "$home" "$dest/conf" "$dest/data" "$dest/datalog" "$dest/logs"

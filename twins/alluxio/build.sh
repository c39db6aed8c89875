#!/usr/bin/env bash
# Build the alluxio/alluxio image twin into DEST (called by bin/setup, which decides when to rebuild):
#   DEST/alluxio-home/lib/*.jar          the Alluxio modules of pom.xml (Maven Central)
#   DEST/alluxio-home/client/alluxio-TAG-client.jar  the shaded client jar (Maven Central), at the image's path
#   DEST/alluxio-home/{bin,libexec,conf}  this folder's twins of the image's scripts and log4j file
#   DEST/entrypoint.sh                   the twin of the image's /entrypoint.sh
#   DEST/journal, DEST/mnt-alluxio-fuse  the image's /journal and /mnt/alluxio-fuse
# owned 1000:1000 as in the image (facts: image.yaml). Usage: build.sh DEST TAG (the tag is the
# image's; the jars' version is pom.xml's, see there why).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest=$1
# shellcheck source=../lib.sh
. "$here/../lib.sh"
twin_maven_setup "$here/pom.xml"
home="$dest/alluxio-home"
rm -rf "$home/lib"
mvn_quiet dependency:copy-dependencies -DincludeScope=runtime -DexcludeArtifactIds=log4j-slf4j-impl \
  -DoutputDirectory="$home/lib"
ls "$home/lib"/alluxio-core-server-master-*.jar >/dev/null 2>&1 || { echo "build.sh: alluxio-core-server-master missing after Maven" >&2; exit 1; }
# The image's client jar, which Spark pods copy (libexec/alluxio-config.sh: ALLUXIO_CLIENT_CLASSPATH is
# ${ALLUXIO_HOME}/client/alluxio-${VERSION}-client.jar): the shaded client of the jars' version
# (org.alluxio:alluxio-shaded-client, the distribution's shaded/client module), under the image's name.
version=$(sed -n 's|.*<alluxio.version>\(.*\)</alluxio.version>.*|\1|p' "$here/pom.xml")
rm -rf "$home/client"
mvn_quiet dependency:copy -Dartifact="org.alluxio:alluxio-shaded-client:$version" -DoutputDirectory="$home/client"
mv "$home/client/alluxio-shaded-client-$version.jar" "$home/client/alluxio-$2-client.jar"
mkdir -p "$home/logs"
cp -r "$here/bin" "$here/libexec" "$here/conf" "$here/integration" "$home/"
cp "$here/entrypoint.sh" "$dest/entrypoint.sh"
mkdir -p "$dest/journal" "$dest/mnt-alluxio-fuse"
chown -R 1000:1000 "$home" "$dest/entrypoint.sh" "$dest/journal" "$dest/mnt-alluxio-fuse"

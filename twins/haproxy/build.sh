#!/usr/bin/env bash
# The haproxy image twin: Debian's haproxy (bin/setup installs it) serves as the image's; the twin only
# provides the image's home /var/lib/haproxy owned by uid 99 and its configuration folder (facts: image.yaml). Usage: build.sh DEST TAG
set -euo pipefail
command -v haproxy >/dev/null 2>&1 || { echo "twins/haproxy: haproxy not found (bin/setup installs Debian's haproxy)" >&2; exit 1; }
mkdir -p "$1/home"
chown 99:99 "$1/home"
# The image has /usr/local/etc/haproxy, where the chart mounts its configuration; the test pods' /usr is
# this machine's, read-only, so the mount point must exist here (an empty folder; Debian's haproxy
# itself uses /etc/haproxy).
mkdir -p /usr/local/etc/haproxy

#!/usr/bin/env bash
# The rocker/rstudio twin needs no files of its own: Debian's R (bin/setup installs r-base-core) serves as
# the image's R (facts: image.yaml). Usage: build.sh DEST TAG
set -euo pipefail
command -v Rscript >/dev/null 2>&1 || { echo "twins/rstudio: Rscript not found (bin/setup installs Debian's r-base-core)" >&2; exit 1; }
mkdir -p "$1"

#!/usr/bin/env bash
# The python image twin needs no files of its own: the machine's python3 serves (facts: image.yaml).
# Usage: build.sh DEST TAG
set -euo pipefail
mkdir -p "$1"

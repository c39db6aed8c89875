#!/usr/bin/env bash
# The twin of the apache/zeppelin image's conda environment /opt/conda/envs/python_3_with_R, as far as
# the chart relies on it: a self-contained prefix whose bin/python is CPython 3.9 (the image's minor
# version; image.yaml), with its libraries found through RPATH ($ORIGIN), as conda lays them out, so the
# prefix works wherever it is copied (the chart copies it into the Spark workers). Not conda's build:
# Debian bullseye's python3.9 packages (the machine's own Python is 3.11), fetched with apt from
# deb.debian.org with the archive's signature checked, unpacked into the prefix. Usage: conda-python.sh PREFIX
set -euo pipefail
prefix=$1
packages=(python3.9-minimal libpython3.9-minimal libpython3.9-stdlib libffi7 libssl1.1)
if ! command -v patchelf >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends patchelf >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bullseye main" > "$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Dir::State::status=/dev/null
          -o APT::Architecture=amd64 -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" -qq update >/dev/null
(cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}" >/dev/null)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
rm -rf "$prefix"
mkdir -p "$prefix/bin" "$prefix/lib"
cp -a "$work/root/usr/bin/python3.9" "$prefix/bin/"
ln -s python3.9 "$prefix/bin/python3"
ln -s python3.9 "$prefix/bin/python"
cp -a "$work/root/usr/lib/python3.9" "$prefix/lib/"
cp -a "$work"/root/usr/lib/x86_64-linux-gnu/{libffi.so.7*,libssl.so.1.1,libcrypto.so.1.1} "$prefix/lib/"
# conda's layout: the prefix's own lib folder before the system's
patchelf --set-rpath '$ORIGIN' "$prefix/lib/libssl.so.1.1"
for module in "$prefix"/lib/python3.9/lib-dynload/*.so; do
  if ldd "$module" 2>/dev/null | grep -q -E 'lib(ffi\.so\.7|ssl\.so\.1\.1|crypto\.so\.1\.1)'; then
    patchelf --set-rpath '$ORIGIN/../..' "$module"
  fi
done
version=$(env -i "$prefix/bin/python" -c 'import sys, ssl, ctypes, json, socket; print("%d.%d" % sys.version_info[:2])')
[[ "$version" == 3.9 ]] || { echo "conda-python.sh: built Python $version, not 3.9" >&2; exit 1; }

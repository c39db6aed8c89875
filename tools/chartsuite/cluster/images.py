"""Container images for the test cluster, built without a registry: the image twins as real images.

Every image is a Debian bookworm base layer plus one layer of its own:

- the **base layer** (``build_base``): a Debian rootfs from ``mmdebstrap`` with the userland the chart
  scripts call (bash, coreutils, ``hostname``, ``timeout``, Python 3, Java 17, ``kinit``, ``tini``,
  HAProxy, FUSE), the same userland the real-daemon tier (tests/local) gives the twins from the machine;
- the **twin layer** (``twin_layer``): the paths, users and groups that ``twins/<image>/image.yaml``
  lists (the folders bin/setup builds into ``.tools/twins/<image>``), ``/opt/java/openjdk`` as a link to
  the base layer's Java where the image has its Java there, and the image's entrypoint, user, working
  directory and environment in the image config.

The facts each twin reproduces, with their sources, and those it cannot are in its image.yaml; this
module only turns them into an image. ``binary_layer`` makes the layer of an image of one static Go
program (the pause container, CoreDNS, local-path-provisioner).
"""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tarfile
from pathlib import Path

import yaml

from chartsuite.cluster import oci
from chartsuite.model import paths

TWIN_SOURCES = paths.REPO_ROOT / "twins"
TWIN_BUILDS = paths.REPO_ROOT / ".tools" / "twins"
JAVA_IN_BASE = "/usr/lib/jvm/java-17-openjdk-amd64"
BASE_SUITE = "bookworm"
BASE_MIRRORS = ("deb http://deb.debian.org/debian bookworm main",
                "deb http://deb.debian.org/debian bookworm-updates main",
                "deb http://deb.debian.org/debian-security bookworm-security main")
# What the chart scripts and the twins call (the same programs the real-daemon tier takes from the
# machine): Java 17 and Python 3 (the twins' runtimes, image.yaml says where the images differ),
# procps/iproute2/netcat/curl/dnsutils/jq for probes and scripts, krb5-user for kinit, tini (the
# alluxio and zeppelin entrypoints), fuse3/libfuse2 (Alluxio FUSE), haproxy (the haproxy twin).
BASE_PACKAGES = ("openjdk-17-jre-headless", "python3", "procps", "iproute2", "netcat-openbsd", "curl",
                 "ca-certificates", "dnsutils", "jq", "krb5-user", "tini", "fuse3", "libfuse2", "haproxy")
# The image local-path-provisioner's helper pods and the cluster's own test pods run.
BASE_IMAGE = "chartsuite.local/debian:bookworm"


def base_stamp() -> str:
    """The hash (hex str) that decides whether the base layer must be rebuilt: suite, mirrors, packages."""
    return hashlib.sha256(repr((BASE_SUITE, BASE_MIRRORS, BASE_PACKAGES)).encode()).hexdigest()


def build_base(dest: Path, log=print) -> Path:
    """Build (or keep, when its stamp matches) the base layer tar at ``dest`` with mmdebstrap.

    Returns ``dest``. Takes about 1.5 min and 450 MB the first time. The layer has no ``/dev``
    entries (the runtime mounts its own /dev) and no documentation (/usr/share/doc; man pages stay: the JDK's postinst links them).
    Raises:
        subprocess.CalledProcessError: mmdebstrap failed (its output is in ``dest``.log).
    """
    stamp_file = dest.with_suffix(".stamp")
    if dest.is_file() and stamp_file.is_file() and stamp_file.read_text().strip() == base_stamp():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial.tar")
    log(f"building the base layer (mmdebstrap {BASE_SUITE} minbase + {len(BASE_PACKAGES)} packages; about 1.5 min) ...")
    command = ["mmdebstrap", "--variant=minbase", "--mode=root", f"--include={','.join(BASE_PACKAGES)}",
               "--skip=output/dev", "--dpkgopt=path-exclude=/usr/share/doc/*",
               "--dpkgopt=path-exclude=/usr/share/locale/*",
               BASE_SUITE, str(partial), *BASE_MIRRORS]
    with dest.with_suffix(".log").open("w") as out:
        subprocess.run(command, check=True, stdout=out, stderr=subprocess.STDOUT)
    partial.replace(dest)
    stamp_file.write_text(base_stamp() + "\n")
    return dest


def twin_definition(name: str) -> dict:
    """The parsed ``twins/<name>/image.yaml`` (dict). Raises OSError/yaml.YAMLError when unreadable."""
    return yaml.safe_load((TWIN_SOURCES / name / "image.yaml").read_text())


def twin_names() -> list[str]:
    """Every twin under twins/ (sorted list of str)."""
    return sorted(p.parent.name for p in TWIN_SOURCES.glob("*/image.yaml"))


def _fill(text, tag: str) -> str:
    """``{tag}`` in an image.yaml path or value is the image's tag (``/apache-zookeeper-{tag}-bin``)."""
    return str(text).replace("{tag}", tag)


def _numeric(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Keep a tar entry's numeric owner only: the image's /etc/passwd, not the machine's, names it."""
    info.uname = info.gname = ""
    return info


def _directory(archive: tarfile.TarFile, name: str, seen: set[str]) -> None:
    """Add the parents of ``name`` as root-owned 0755 folders, once each."""
    parts = name.strip("/").split("/")[:-1]
    for i in range(1, len(parts) + 1):
        folder = "/".join(parts[:i])
        if folder in seen:
            continue
        seen.add(folder)
        info = tarfile.TarInfo(folder)
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        archive.addfile(info)


def twin_layer(name: str, dest: Path) -> Path:
    """Write the twin layer of image ``name`` (a twins/ folder name) to ``dest`` and return it.

    The layer holds the image.yaml ``twin.paths`` (from ``.tools/twins/<name>``, owners kept),
    ``/etc/passwd`` and ``/etc/group`` as image.yaml gives them (mode ``passwdMode``, default 0644),
    and ``/opt/java/openjdk`` -> the base layer's Java 17 where a path says ``java``.
    Raises:
        FileNotFoundError: the twin is not built (bin/setup builds it).
    """
    spec = twin_definition(name)
    twin, tag = spec["twin"], str(spec["tag"])
    built = TWIN_BUILDS / name
    if not (built / ".stamp").is_file():
        raise FileNotFoundError(f"image twin {name} is not built in .tools/twins (bin/setup builds it)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    seen: set[str] = set()
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
        for file_name, text_key in (("etc/passwd", "passwd"), ("etc/group", "group_file")):
            _directory(archive, file_name, seen)
            data = twin[text_key].encode()
            info = tarfile.TarInfo(file_name)
            info.size = len(data)
            info.mode = int(str(twin.get("passwdMode", "0644")), 8) if text_key == "passwd" else 0o644
            archive.addfile(info, io.BytesIO(data))
        for image_path, source in sorted((twin.get("paths") or {}).items()):
            arcname = _fill(image_path, tag).strip("/")
            _directory(archive, arcname, seen)
            if source == "java":
                info = tarfile.TarInfo(arcname)
                info.type = tarfile.SYMTYPE
                info.linkname = JAVA_IN_BASE
                archive.addfile(info)
                continue
            archive.add(str(built / source), arcname=arcname, filter=_numeric)
            seen.add(arcname)
    partial.replace(dest)
    return dest


def twin_config(name: str) -> oci.ImageConfig:
    """The runtime config of twin ``name``'s image: user ``uid:gid``, env, working directory, and the
    entrypoint/cmd from image.yaml's ``twin.entrypoint``/``twin.cmd`` (lists), the image's own."""
    spec = twin_definition(name)
    twin, tag = spec["twin"], str(spec["tag"])
    env = {k: _fill(v, tag) for k, v in (twin.get("env") or {}).items() if not k.startswith("__")}
    return oci.ImageConfig(user=f"{twin['user']}:{twin['group']}", env=env,
                           entrypoint=twin.get("entrypoint"), cmd=twin.get("cmd"),
                           workdir=_fill(twin.get("workdir", "/"), tag))


def twin_reference(name: str) -> str:
    """The full name of twin ``name``'s image, e.g. ``docker.io/apache/hadoop:3.4.1``."""
    spec = twin_definition(name)
    return oci.normalise(f"{spec['image']}:{spec['tag']}")


def binary_layer(binary: Path, dest: Path, path_in_image: str) -> Path:
    """Write a layer with one static program at ``path_in_image`` (mode 0755, root-owned), ``/tmp``
    (1777) and an ``/etc/passwd`` naming root and nobody; returns ``dest``. Raises OSError when the
    program cannot be read or the layer written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    seen: set[str] = set()
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
        arcname = path_in_image.strip("/")
        _directory(archive, arcname, seen)
        info = archive.gettarinfo(str(binary), arcname=arcname)
        info.uid = info.gid = 0
        info.mode = 0o755
        _numeric(info)
        with binary.open("rb") as handle:
            archive.addfile(info, handle)
        tmp = tarfile.TarInfo("tmp")
        tmp.type, tmp.mode = tarfile.DIRTYPE, 0o1777
        archive.addfile(tmp)
        _directory(archive, "etc/passwd", seen)
        data = b"root:x:0:0:root:/:/nonexistent\nnobody:x:65534:65534:nobody:/:/nonexistent\n"
        entry = tarfile.TarInfo("etc/passwd")
        entry.size, entry.mode = len(data), 0o644
        archive.addfile(entry, io.BytesIO(data))
    partial.replace(dest)
    return dest


def import_archive(archive: Path, ctr: str, address: str) -> None:
    """Import an OCI archive into containerd's ``k8s.io`` namespace (the CRI plugin's), with
    ``ctr -a ADDRESS -n k8s.io images import``. Raises subprocess.CalledProcessError on failure."""
    subprocess.run([ctr, "-a", address, "-n", "k8s.io", "images", "import",
                    "--all-platforms", str(archive)], check=True, stdout=subprocess.DEVNULL)


def file_stamp(*files: Path) -> str:
    """A hash (hex str) of the files' paths, sizes and modification times: cheap staleness for big
    layers. Raises OSError when a file is missing."""
    digest = hashlib.sha256()
    for f in files:
        st = os.stat(f)
        digest.update(f"{f}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()

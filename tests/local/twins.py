"""The image twins the local pods run: each is described, with the facts it reproduces and their
sources, by ``twins/<image>/image.yaml`` and built by ``bin/setup`` into ``.tools/twins/<image>``."""
from __future__ import annotations

from pathlib import Path

import yaml

from kubelet import Image

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "twins"
BUILT = ROOT / ".tools" / "twins"
JAVA_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")


def definition(name):
    """The parsed ``twins/<name>/image.yaml`` (dict)."""
    return yaml.safe_load((SOURCES / name / "image.yaml").read_text())


def available(name):
    """(bool, reason): whether twin ``name`` is built and current (bin/setup builds it)."""
    if not (BUILT / name / ".stamp").exists():
        return False, f"image twin {name} is not built in .tools/twins (bin/setup builds it; it needs mvn, java and root)"
    if not JAVA_HOME.is_dir():
        return False, f"no JDK at {JAVA_HOME} (the twins mount the machine's Java 17 where the image has its Java)"
    return True, ""


def image(name):
    """A kubelet.Image for twin ``name``: user, files and paths from its image.yaml, the paths
    pointing into the built twin (``java`` means the machine's JDK)."""
    spec = definition(name)
    twin = spec["twin"]
    tag = str(spec["tag"])

    def fill(text):  # "{tag}" in a path or value is the image's tag (/apache-zookeeper-{tag}-bin)
        return str(text).replace("{tag}", tag)
    paths = {}
    for path, source in (twin.get("paths") or {}).items():
        paths[fill(path)] = str(JAVA_HOME if source == "java" else BUILT / name / source)
    return Image(repository=spec["image"], tag=tag, user=int(twin["user"]), group=int(twin["group"]),
                 passwd=twin["passwd"], group_file=twin["group_file"],
                 workdir=fill(twin.get("workdir", "/")), env={k: fill(v) for k, v in (twin.get("env") or {}).items()},
                 paths=paths, facts=str(SOURCES / name / "image.yaml"),
                 passwd_mode=int(str(twin.get("passwdMode", "0644")), 8))

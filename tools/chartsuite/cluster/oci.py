"""Write container images as OCI image-layout archives, which ``ctr images import`` takes.

The layout follows the OCI Image Format Specification v1.1 (image-layout.md, manifest.md, config.md):
an ``oci-layout`` file, ``index.json`` naming one manifest, and content-addressed blobs under
``blobs/sha256/``. Layers are uncompressed tar files (media type
``application/vnd.oci.image.layer.v1.tar``), so a layer's digest is also its DiffID. The reference
name goes in the index's ``io.containerd.image.name`` annotation, the name containerd's importer
uses as is (containerd 1.6 ``images/archive/importer.go``), and in ``org.opencontainers.image.ref.name``
(the tag), the annotation the OCI spec defines.
"""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar"
CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"


@dataclass
class ImageConfig:
    """The runtime part of an OCI image config (config.md ``config``): what a container of the image
    runs when the pod spec does not say. ``user`` is ``"uid:gid"``; ``env`` maps names to values."""
    user: str = "0:0"
    env: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    workdir: str = "/"

    def as_json(self) -> dict:
        """The ``config`` object of the image config JSON (dict)."""
        doc = {"User": self.user, "Env": [f"{k}={v}" for k, v in self.env.items()], "WorkingDir": self.workdir}
        if self.entrypoint:
            doc["Entrypoint"] = list(self.entrypoint)
        if self.cmd:
            doc["Cmd"] = list(self.cmd)
        return doc


def _sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    """Add a regular file ``name`` holding ``data`` (mode 0644, root-owned) to ``archive``."""
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


@dataclass
class Image:
    """One image of a layout: its full reference (``docker.io/apache/hadoop:3.4.1``, what kubelet asks
    containerd for after normalising a pod's ``apache/hadoop:3.4.1``), its uncompressed layer tars,
    lowest first, and its runtime config."""
    reference: str
    layers: list[Path]
    config: ImageConfig


def write_layout(archive_path: Path, images: list[Image]) -> list[str]:
    """Write one OCI image-layout tar holding ``images`` (a layer shared by several is stored once)
    and return their manifest digests (``sha256:<hex>``, in the order given).

    Raises:
        OSError: a layer cannot be read or the archive cannot be written.
    """
    digests: dict[Path, tuple[str, int]] = {}
    for image in images:
        for layer in image.layers:
            if layer not in digests:
                digests[layer] = (_sha256_file(layer), layer.stat().st_size)
    blobs: dict[str, bytes] = {}
    entries = []
    for image in images:
        config_doc = {
            "architecture": "amd64", "os": "linux", "config": image.config.as_json(),
            "rootfs": {"type": "layers", "diff_ids": [f"sha256:{digests[p][0]}" for p in image.layers]},
            "history": [{"created_by": f"chartsuite layer {p.name}"} for p in image.layers],
        }
        config_bytes = json.dumps(config_doc, sort_keys=True).encode()
        config_digest = hashlib.sha256(config_bytes).hexdigest()
        manifest = {
            "schemaVersion": 2, "mediaType": MANIFEST_MEDIA_TYPE,
            "config": {"mediaType": CONFIG_MEDIA_TYPE, "digest": f"sha256:{config_digest}",
                       "size": len(config_bytes)},
            "layers": [{"mediaType": LAYER_MEDIA_TYPE, "digest": f"sha256:{digests[p][0]}", "size": digests[p][1]}
                       for p in image.layers],
        }
        manifest_bytes = json.dumps(manifest, sort_keys=True).encode()
        manifest_digest = hashlib.sha256(manifest_bytes).hexdigest()
        blobs[config_digest] = config_bytes
        blobs[manifest_digest] = manifest_bytes
        last = image.reference.rsplit("/", 1)[-1]
        tag = last.rsplit(":", 1)[1] if ":" in last else "latest"
        entries.append({"mediaType": MANIFEST_MEDIA_TYPE, "digest": f"sha256:{manifest_digest}",
                        "size": len(manifest_bytes),
                        "annotations": {"io.containerd.image.name": image.reference,
                                        "org.opencontainers.image.ref.name": tag}})
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}
    partial = archive_path.with_suffix(".partial")
    archive_path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
        _add_bytes(archive, "oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode())
        _add_bytes(archive, "index.json", json.dumps(index, sort_keys=True).encode())
        for digest, data in blobs.items():
            _add_bytes(archive, f"blobs/sha256/{digest}", data)
        for path, (digest, _) in digests.items():
            archive.add(str(path), arcname=f"blobs/sha256/{digest}", recursive=False)
    partial.replace(archive_path)
    return [e["digest"] for e in entries]


def normalise(image: str) -> str:
    """The full name containerd stores for a pod's ``image`` (str -> str), as kubelet's docker
    reference normalisation does: ``apache/hadoop:3.4.1`` -> ``docker.io/apache/hadoop:3.4.1``,
    ``haproxy:3.2`` and ``docker.io/haproxy:3.2`` -> ``docker.io/library/haproxy:3.2``; a name with
    another registry host is unchanged (containerd's CRI normalises with the same rules,
    github.com/distribution/reference ParseDockerRef)."""
    first, _, rest = image.partition("/")
    if first in ("docker.io", "index.docker.io") and rest:
        return f"docker.io/{rest}" if "/" in rest else f"docker.io/library/{rest}"
    if rest and ("." in first or ":" in first or first == "localhost"):
        return image
    if not rest:
        return f"docker.io/library/{image}"
    return f"docker.io/{image}"

"""The test cluster's pieces that need no root (chartsuite.cluster): OCI archives that follow the
image-layout spec, image names as kubelet normalises them, the twins' layers, the add-ons' objects
(valid Kubernetes objects; CoreDNS without an upstream), the network layout (only 198.18.0.0/15),
and the component configuration. The cluster itself runs in tests/cluster (bin/test --live)."""
from __future__ import annotations

import hashlib
import ipaddress
import json
import tarfile

import pytest
import yaml

from chartsuite.checks.manifests import validate_objects
from chartsuite.cluster import addons, components, images, layout, machine, oci


def _blob(archive: tarfile.TarFile, digest: str) -> bytes:
    return archive.extractfile(f"blobs/sha256/{digest.split(':', 1)[1]}").read()


def _layer(tmp_path, name, files):
    path = tmp_path / f"{name}.tar"
    with tarfile.open(path, "w") as t:
        for file_name, data in files.items():
            info = tarfile.TarInfo(file_name)
            info.size = len(data)
            t.addfile(info, __import__("io").BytesIO(data))
    return path


def test_oci_layout_digests_and_shared_layers(tmp_path):
    base = _layer(tmp_path, "base", {"bin/sh": b"#!shell"})
    top_a = _layer(tmp_path, "a", {"opt/a": b"a"})
    top_b = _layer(tmp_path, "b", {"opt/b": b"b"})
    archive_path = tmp_path / "images.tar"
    digests = oci.write_layout(archive_path, [
        oci.Image("docker.io/apache/hadoop:3.4.1", [base, top_a],
                  oci.ImageConfig(user="1000:100", env={"JAVA_HOME": "/opt/java/openjdk"}, workdir="/opt/hadoop")),
        oci.Image("chartsuite.local/pause:1", [base, top_b], oci.ImageConfig(entrypoint=["/pause"])),
    ])
    with tarfile.open(archive_path) as archive:
        names = archive.getnames()
        assert json.loads(archive.extractfile("oci-layout").read()) == {"imageLayoutVersion": "1.0.0"}
        index = json.loads(archive.extractfile("index.json").read())
        base_digest = hashlib.sha256(base.read_bytes()).hexdigest()
        assert names.count(f"blobs/sha256/{base_digest}") == 1, "a shared layer is stored once"
        refs = [m["annotations"]["io.containerd.image.name"] for m in index["manifests"]]
        assert refs == ["docker.io/apache/hadoop:3.4.1", "chartsuite.local/pause:1"]
        assert [m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"]] == ["3.4.1", "1"]
        assert [m["digest"] for m in index["manifests"]] == digests
        for entry in index["manifests"]:
            manifest_bytes = _blob(archive, entry["digest"])
            assert hashlib.sha256(manifest_bytes).hexdigest() == entry["digest"].split(":")[1]
            assert len(manifest_bytes) == entry["size"]
            manifest = json.loads(manifest_bytes)
            config_bytes = _blob(archive, manifest["config"]["digest"])
            config = json.loads(config_bytes)
            for layer, diff_id in zip(manifest["layers"], config["rootfs"]["diff_ids"]):
                data = _blob(archive, layer["digest"])
                assert hashlib.sha256(data).hexdigest() == layer["digest"].split(":")[1] == diff_id.split(":")[1]
                assert layer["size"] == len(data)
                assert layer["mediaType"] == oci.LAYER_MEDIA_TYPE
        hadoop = json.loads(_blob(archive, json.loads(_blob(archive, digests[0]))["config"]["digest"]))
        assert hadoop["config"]["User"] == "1000:100"
        assert hadoop["config"]["Env"] == ["JAVA_HOME=/opt/java/openjdk"]
        assert hadoop["config"]["WorkingDir"] == "/opt/hadoop"
        assert "Entrypoint" not in hadoop["config"]


@pytest.mark.parametrize("image, full", [
    ("apache/hadoop:3.4.1", "docker.io/apache/hadoop:3.4.1"),
    ("zookeeper:3.9.3", "docker.io/library/zookeeper:3.9.3"),
    ("docker.io/apache/zeppelin:0.12.0", "docker.io/apache/zeppelin:0.12.0"),
    ("docker.io/haproxy:3.2.21", "docker.io/library/haproxy:3.2.21"),
    ("chartsuite.local/pause:1", "chartsuite.local/pause:1"),
    ("localhost/x:1", "localhost/x:1"),
])
def test_image_names_normalised_as_kubelet_does(image, full):
    assert oci.normalise(image) == full


def test_twin_image_configs_keep_harness_keys_out():
    for name in images.twin_names():
        config = images.twin_config(name)
        assert not any(key.startswith("__") for key in config.env), f"{name}: harness-only keys stay out of the image"


def test_zeppelin_twin_keeps_the_image_entrypoint():
    # apache/zeppelin 0.12.0: ENTRYPOINT ["/usr/bin/tini", "--"], CMD ["bin/zeppelin.sh"] (twins/zeppelin/image.yaml)
    config = images.twin_config("zeppelin")
    assert config.entrypoint == ["/usr/bin/tini", "--"] and config.cmd == ["bin/zeppelin.sh"]
    assert config.workdir == "/opt/zeppelin"


def test_twin_layer_has_the_image_users_paths_and_java_link(tmp_path):
    if not (images.TWIN_BUILDS / "zookeeper" / ".stamp").is_file():
        pytest.skip("the zookeeper twin is not built in .tools/twins (bin/setup builds it as root)")
    layer = images.twin_layer("zookeeper", tmp_path / "zk.tar")
    tag = str(images.twin_definition("zookeeper")["tag"])
    with tarfile.open(layer) as t:
        members = {m.name: m for m in t.getmembers()}
        passwd = t.extractfile("etc/passwd").read().decode()
    assert "zookeeper:x:1000:1000:" in passwd
    java = members["opt/java/openjdk"]
    assert java.issym() and java.linkname == images.JAVA_IN_BASE
    home = members[f"apache-zookeeper-{tag}-bin"]
    assert home.isdir() and (home.uid, home.gid) == (1000, 1000) and home.uname == ""
    assert members["data"].uid == 1000


def test_binary_layer_holds_one_root_owned_program(tmp_path):
    program = tmp_path / "prog"
    program.write_bytes(b"\x7fELF-not-really")
    layer = images.binary_layer(program, tmp_path / "layer.tar", "/coredns")
    with tarfile.open(layer) as t:
        member = t.getmember("coredns")
        assert (member.uid, member.gid, member.mode) == (0, 0, 0o755)
        assert t.getmember("tmp").mode == 0o1777


def test_addons_are_valid_kubernetes_objects():
    objects = addons.coredns() + addons.local_path("/srv/volumes")
    assert validate_objects(objects, kube_versions=["1.35"]) == []


def test_coredns_never_forwards_and_serves_the_cluster_zone():
    assert "forward" not in addons.COREFILE and "proxy" not in addons.COREFILE
    assert f"kubernetes {layout.CLUSTER_DOMAIN}" in addons.COREFILE
    service = next(o for o in addons.coredns() if o["kind"] == "Service")
    assert service["spec"]["clusterIP"] == layout.DNS_SERVICE_IP


def test_default_storage_class_is_local_path_with_the_helper_on_the_base_image():
    objects = addons.local_path("/srv/volumes")
    storage_class = next(o for o in objects if o["kind"] == "StorageClass")
    assert storage_class["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"
    assert storage_class["volumeBindingMode"] == "WaitForFirstConsumer"
    config = next(o for o in objects if o["kind"] == "ConfigMap")
    assert json.loads(config["data"]["config.json"])["nodePathMap"][0]["paths"] == ["/srv/volumes"]
    assert json.loads(config["data"]["helperPod.yaml"])["spec"]["containers"][0]["image"] == images.BASE_IMAGE


def test_every_address_is_in_the_benchmarking_range():
    cluster_range = ipaddress.ip_network(layout.CLUSTER_RANGE)
    assert cluster_range == ipaddress.ip_network("198.18.0.0/15")
    for address in (layout.NODE_IP, layout.API_SERVICE_IP, layout.DNS_SERVICE_IP):
        assert ipaddress.ip_address(address) in cluster_range
    for network in (layout.POD_CIDR, layout.SERVICE_CIDR):
        assert ipaddress.ip_network(network).subnet_of(cluster_range)
    assert ipaddress.ip_address(layout.API_SERVICE_IP) in ipaddress.ip_network(layout.SERVICE_CIDR)


def test_component_configuration(tmp_path):
    dirs = layout.Dirs(tmp_path)
    components.write_configs(dirs)
    kubelet = yaml.safe_load((dirs.etc / "kubelet.yaml").read_text())
    assert kubelet["failCgroupV1"] is False and kubelet["cgroupDriver"] == "cgroupfs"
    assert kubelet["resolvConf"] == str(dirs.etc / "resolv.conf") and kubelet["readOnlyPort"] == 0
    assert (dirs.etc / "resolv.conf").read_text() == f"nameserver {layout.DNS_SERVICE_IP}\n"
    proxy = yaml.safe_load((dirs.etc / "kube-proxy.yaml").read_text())
    assert proxy["mode"] == "iptables" and proxy["conntrack"]["maxPerCore"] == 0
    assert proxy["iptables"]["localhostNodePorts"] is False
    cni = json.loads((dirs.cni_conf / "10-chartsuite.conflist").read_text())
    bridge = cni["plugins"][0]
    assert bridge["ipMasq"] is False and bridge["ipam"]["routes"] == [{"dst": layout.CLUSTER_RANGE}]
    assert 'restrict_oom_score_adj = true' in (dirs.etc / "containerd.toml").read_text()
    argv = {c.name: c.argv for c in components.components(dirs)}
    assert list(argv) == ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "containerd",
                          "kubelet", "kube-proxy", "kube-router"]
    assert "--run-router=false" in argv["kube-router"] and "--run-firewall=true" in argv["kube-router"]


def test_snapshot_differences():
    before = {"sysctls": {"kernel.panic": "1"}, "mounts": ["/a", "/b"], "links": ["lo"]}
    after = {"sysctls": {"kernel.panic": "10"}, "mounts": ["/b", "/a"], "links": ["lo", "csbr0"]}
    assert machine.differences(before, after) == {"sysctls": ({"kernel.panic": "1"}, {"kernel.panic": "10"}),
                                                  "links": (["lo"], ["lo", "csbr0"])}

"""The HDFS chart's rendered client configuration, loaded by the real Hadoop client classes
(hadoop-client-api from pyspark): the nameservice resolves to every NameNode RPC address, the
failover proxy provider class loads, the default file system is a logical HA URI, and a
FileSystem instance can be created for it. Non-HA: the default FS is the NameNode address."""
import pytest
import yaml

import hadoop_client
from harness import Cluster, workload
from harness import ROOT
from chartsuite import helm


ok, reason = hadoop_client.available()
pytestmark = pytest.mark.skipif(not ok, reason=reason)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    build_dir = tmp_path_factory.mktemp("java")
    hadoop_client.compile_check(build_dir)
    return build_dir


def client_view(build, tmp_path, objects, configmap):
    """What the Hadoop client makes of the ConfigMap, with pod DNS names on loopback addresses."""
    cm = workload(objects, "ConfigMap", configmap)
    for name in ("core-site.xml", "hdfs-site.xml"):
        (tmp_path / name).write_text(cm["data"][name])
    hosts = {fqdn: ip for fqdn, (_, ip) in Cluster(objects, tmp_path).addresses.items()}
    return hadoop_client.run_check(build, tmp_path, hosts)


@pytest.mark.parametrize("values, namenodes", [
    ({}, 2),
    ({"namenode.replicaCount": 3, "ha.nameservice": "analytics"}, 3),
])
def test_ha_nameservice_resolves_to_every_namenode(build, tmp_path, values, namenodes):
    objects = helm.render(ROOT / "charts" / "hdfs", set_values=values, release="lc", namespace="data")
    view = client_view(build, tmp_path, objects, "lc-hdfs-config")
    ns = values.get("ha.nameservice", "lc-hdfs")
    assert view["defaultFS"] == f"hdfs://{ns}"
    assert view["logical"] == "true"
    assert view["provider"] == "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider"
    assert view["filesystem"] == "org.apache.hadoop.hdfs.DistributedFileSystem"
    expected = {f"nameservice.{ns}.nn{i}": f"lc-hdfs-namenode-{i}.lc-hdfs-namenode-headless.data.svc.cluster.local:8020"
                for i in range(namenodes)}
    assert {k: v for k, v in view.items() if k.startswith("nameservice.")} == expected


def test_non_ha_default_fs_is_the_namenode(build, tmp_path):
    objects = helm.render(ROOT / "charts" / "hdfs", [ROOT / "charts/hdfs/ci/nonha-values.yaml"], release="lc",
                          namespace="data")
    view = client_view(build, tmp_path, objects, "lc-hdfs-config")
    assert view["defaultFS"] == "hdfs://lc-hdfs-namenode-0.lc-hdfs-namenode-headless.data.svc.cluster.local:8020"
    assert view["logical"] == "false"
    assert view["nameservice.null.null"] == "lc-hdfs-namenode-0.lc-hdfs-namenode-headless.data.svc.cluster.local:8020"
    assert view["filesystem"] == "org.apache.hadoop.hdfs.DistributedFileSystem"


def test_a_broken_provider_class_is_caught(build, tmp_path):
    """The check can fail: a misspelt failover proxy provider does not load."""
    objects = helm.render(ROOT / "charts" / "hdfs", release="lc", namespace="data",
                          set_values={"configOverrides.hdfs-site\\.xml.dfs\\.client\\.failover\\.proxy\\.provider\\.lc-hdfs":
                                      "org.apache.hadoop.hdfs.server.namenode.ha.NoSuchProvider"})
    with pytest.raises(Exception) as err:
        client_view(build, tmp_path, objects, "lc-hdfs-config")
    assert "NoSuchProvider" in str(err.value)


def test_umbrella_rendering_gives_the_same_client_view(build, tmp_path):
    """The umbrella renders the HDFS client configuration Spark and Alluxio mount; the Hadoop client
    resolves its nameservice exactly as for the HDFS chart alone given the umbrella's hdfs.configOverrides
    (the history server's group mapping)."""
    objects = helm.render(ROOT / "charts" / "umbrella", release="lc", namespace="data")
    view = client_view(build, tmp_path, objects, "lc-hdfs-config")
    assert view["defaultFS"] == "hdfs://lc-hdfs"
    assert view["logical"] == "true"
    assert view["provider"] == "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider"
    assert {k: v for k, v in view.items() if k.startswith("nameservice.")} == {
        f"nameservice.lc-hdfs.nn{i}": f"lc-hdfs-namenode-{i}.lc-hdfs-namenode-headless.data.svc.cluster.local:8020"
        for i in range(2)}
    overrides = yaml.safe_load((ROOT / "charts" / "umbrella" / "values.yaml").read_text())["hdfs"].get("configOverrides", {})
    (tmp_path / "overrides.yaml").write_text(yaml.safe_dump({"configOverrides": overrides}))
    alone = helm.render(ROOT / "charts" / "hdfs", values_files=[tmp_path / "overrides.yaml"], release="lc",
                        namespace="data")
    assert workload(objects, "ConfigMap", "lc-hdfs-config")["data"] == workload(alone, "ConfigMap", "lc-hdfs-config")["data"]

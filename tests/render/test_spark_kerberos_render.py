"""Render tests of the Spark chart's Kerberos client (kerberos.*): the drivers (Zeppelin, RStudio,
helm test) get krb5.conf, the keytab and spark.kerberos.* in spark-defaults.conf; masters and
workers get nothing; profiles without kerberos.enabled have none of it."""
import pytest

from conftest import RELEASE, chart_profiles

FULL = f"{RELEASE}-spark"
PROFILE = "kerberos-values"
DRIVERS = ("zeppelin", "rstudio", "test")


def defaults_conf(objects):
    cm = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == f"{FULL}-config")
    lines = [line.split(" ", 1) for line in cm["data"]["spark-defaults.conf"].splitlines()
             if line and not line.startswith("#")]
    return dict(lines)


def pods(objects):
    for o in objects:
        if o["kind"] in ("StatefulSet", "Deployment", "Pod"):
            component = o["metadata"]["labels"]["app.kubernetes.io/component"]
            yield component, (o["spec"] if o["kind"] == "Pod" else o["spec"]["template"]["spec"])


def test_spark_defaults_name_the_principal_and_keytab(renders):
    conf = defaults_conf(renders.get("spark", PROFILE))
    assert conf["spark.kerberos.principal"] == "spark@EXAMPLE.COM"
    assert conf["spark.kerberos.keytab"] == "/etc/security/keytabs/spark.keytab"
    assert conf["spark.kerberos.access.hadoopFileSystems"] == "hdfs://hdfs-hdfs"


def test_only_drivers_mount_krb5_and_the_keytab(renders):
    seen = set()
    for component, spec in pods(renders.get("spark", PROFILE)):
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        main = spec["containers"][0]
        mounts = {m["mountPath"]: m for m in main.get("volumeMounts", [])}
        if component in DRIVERS:
            seen.add(component)
            assert volumes["krb5"]["configMap"]["name"] == "hdfs-hdfs-krb5"
            assert volumes["keytab"]["secret"] == {"secretName": "spark-keytab", "defaultMode": 0o440}
            assert mounts["/etc/krb5.conf"]["subPath"] == "krb5.conf"
            assert mounts["/etc/security/keytabs"]["readOnly"] is True
            assert {"name": "KRB5_CONFIG", "value": "/etc/krb5.conf"} in main["env"]
        else:
            assert not {"krb5", "keytab"} & set(volumes), component
    assert seen == set(DRIVERS)


@pytest.mark.parametrize("profile", [p for p, _ in chart_profiles("spark") if p != PROFILE])
def test_profiles_without_kerberos_have_none_of_it(renders, profile):
    objects = renders.get("spark", profile)
    assert not [k for k in defaults_conf(objects) if k.startswith("spark.kerberos.")]
    for component, spec in pods(objects):
        assert not {"krb5", "keytab"} & {v["name"] for v in spec.get("volumes", [])}, component

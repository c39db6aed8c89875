"""chartsuite.checks.password_secrets: which Secrets a values file expects, and random passwords."""
import yaml

from chartsuite.model.paths import REPO_ROOT

from chartsuite.checks import password_secrets


def test_expected_secrets_of_the_laptop_example():
    values = yaml.safe_load(open(REPO_ROOT / "examples" / "stack-kind-laptop.yaml"))
    assert password_secrets.expected(values) == {"notebooks": {"zeppelin", "rstudio"}}


def test_expected_defaults_the_key_and_ignores_empty_names():
    values = {"a": {"auth": {"existingSecret": "s1"}}, "b": [{"existingSecret": ""}],
              "c": {"existingSecret": "s2", "existingSecretPasswordKey": "pw"}}
    assert password_secrets.expected(values) == {"s1": {"password"}, "s2": {"pw"}}


def test_spark_rpc_secret_key_and_object_store_credentials():
    """The Spark RPC block expects its secretKey; alluxio's S3 key Secret is not a password to invent."""
    values = {"spark": {"auth": {"existingSecret": "rpc", "secretKey": "secret"},
                        "zeppelin": {"auth": {"existingSecret": "logins"}}},
              "alluxio": {"ufs": {"credentials": {"existingSecret": "s3-keys", "secretKey": ""}}}}
    assert password_secrets.expected(values) == {"rpc": {"secret"}, "logins": {"password"}}
    assert password_secrets.expected({"auth": {"existingSecret": "rpc"}}) == {"rpc": {"spark-auth-secret"}}


def test_random_passwords_differ_and_are_long():
    a, b = password_secrets.random_password(), password_secrets.random_password()
    assert a != b and len(a) >= 24

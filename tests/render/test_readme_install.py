"""README.md's "Install" section works as pasted: each ```bash block of it is one scenario, run in order
against Helm 4's `helm install --dry-run=client` (no cluster here): every namespace an install uses
exists (created by an earlier command or --create-namespace), no release is installed twice in a
namespace, every Secret a values file names (existingSecret and its key) is created earlier in the block
with that key, `helm test` names a release of the block, and each install renders."""
import re
import shlex

import pytest

from conftest import ROOT
from chartsuite.model.yamlio import load_values
import helm_commands


def install_blocks():
    """The ```bash blocks of README.md's "## Install" section: list of command lists (continuation
    lines joined, comments dropped)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    out = []
    for block in blocks:
        joined = block.replace("\\\n", " ")
        out.append([line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")])
    return out


def secrets_named(values, found=None, path=""):
    """(Secret name, key) pairs a values tree points at: every map with existingSecret set, with its
    existingSecret*Key (or the chart's default key "password")."""
    found = set() if found is None else found
    if isinstance(values, dict):
        if values.get("existingSecret"):
            keys = [v for k, v in values.items() if k.startswith("existingSecret") and k.endswith("Key") and v]
            for key in keys or ["password"]:
                found.add((values["existingSecret"], key))
        for k, v in values.items():
            secrets_named(v, found, f"{path}.{k}")
    return found


def option(argv, *names):
    """The value of the first of ``names`` in argv (``-n ns`` or ``--namespace=ns``), else None."""
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


BLOCKS = install_blocks()


def test_the_install_section_has_its_scenarios():
    assert len(BLOCKS) >= 3 and all(any(c.startswith("helm install") for c in b) for b in BLOCKS), BLOCKS


@pytest.mark.parametrize("block", range(len(BLOCKS)))
def test_each_install_block_works_when_pasted(block, tmp_path):
    namespaces, secrets, releases = {"default"}, set(), set()
    for command in BLOCKS[block]:
        argv = shlex.split(command)
        if argv[:3] == ["kubectl", "create", "namespace"]:
            namespaces.add(argv[3])
        elif argv[0] == "kubectl" and "secret" in argv and "create" in argv:
            ns = option(argv, "-n", "--namespace") or "default"
            assert ns in namespaces, f"{command}: namespace {ns} does not exist yet"
            name = argv[argv.index("generic") + 1]
            for arg in argv:
                if arg.startswith("--from-literal="):
                    secrets.add((ns, name, arg.split("=", 2)[1]))
        elif argv[:2] == ["helm", "install"]:
            release, chart = argv[2], argv[3]
            ns = option(argv, "-n", "--namespace") or "default"
            assert ns in namespaces or "--create-namespace" in argv, f"{command}: namespace {ns} does not exist"
            namespaces.add(ns)
            assert (ns, release) not in releases, f"{command}: release {release} is installed twice in {ns}"
            releases.add((ns, release))
            files = [argv[i + 1] for i, a in enumerate(argv) if a in ("-f", "--values")]
            for path in files:
                for name, key in secrets_named(load_values(ROOT / path)):
                    assert (ns, name, key) in secrets, f"{command}: {path} needs Secret {name} with key {key} in {ns}"
            objects, notes = helm_commands.install_dry_run(ROOT / chart, [ROOT / f for f in files], release=release, namespace=ns)
            assert objects and notes.strip(), command
        elif argv[:2] == ["helm", "test"]:
            ns = option(argv, "-n", "--namespace") or "default"
            assert (ns, argv[2]) in releases, f"{command}: no release {argv[2]} in {ns} above"
        else:
            pytest.fail(f"README install block {block}: a command this test does not know: {command}")

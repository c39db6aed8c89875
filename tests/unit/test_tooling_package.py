"""The Python tooling is one installed package: every command of pyproject.toml runs as its console
entry point (.venv/bin/<name>, installed by bin/setup's `pip install -e .`) and as
`python tools/<module>.py`, and both are the same code."""
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from chartsuite.model.paths import REPO_ROOT

SCRIPTS = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
BIN = Path(sysconfig.get_path("scripts"))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_entry_point_and_script_run_the_same_command(name):
    target = SCRIPTS[name]
    module = target.split(":")[0].rsplit(".", 1)[1]
    entry = BIN / name
    if not entry.is_file():
        pytest.skip(f"{entry} missing: run bin/setup (it installs the package with pip install -e .)")
    via_entry = subprocess.run([str(entry), "--help"], capture_output=True, text=True, timeout=60)
    via_script = subprocess.run([sys.executable, str(REPO_ROOT / "tools" / f"{module}.py"), "--help"],
                                capture_output=True, text=True, timeout=60)
    assert via_entry.returncode == 0, via_entry.stderr
    assert via_script.returncode == 0, via_script.stderr
    # The usage lines differ only in the program name (which also changes their wrapping).
    assert re.findall(r"--[\w-]+", via_entry.stdout) == re.findall(r"--[\w-]+", via_script.stdout)


def test_the_package_is_imported_from_this_checkout():
    import chartsuite
    assert Path(chartsuite.__file__).resolve() == REPO_ROOT / "tools" / "chartsuite" / "__init__.py"


def test_no_tool_edits_sys_path():
    offenders = [str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "tools").rglob("*.py")
                 if "sys.path" in p.read_text(encoding="utf-8")]
    assert offenders == []

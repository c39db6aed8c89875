"""NOTES.txt never shows a secret (issue 8: "nothing secret in ... NOTES.txt"). `helm template`
does not render NOTES.txt, so every profile whose render holds a Secret is installed with
`helm install --dry-run=client` (Helm 4; no cluster, so generated values are fresh, as in a first
install) and each Secret value of that same install is looked for in its NOTES."""
import concurrent.futures

import pytest

from conftest import NAMESPACE, RELEASE, ROOT, application_charts, chart_profiles
from secret_leaks import secret_values
import helm_commands

CASES = [(chart, profile) for chart in application_charts() for profile, _ in chart_profiles(chart)]


def leaks(objects, notes):
    """Secret values of ``objects`` found in ``notes``: list of (first 4 characters + '...')."""
    return sorted(s[:4] + "..." for s in secret_values(objects) if s in notes)


@pytest.fixture(scope="module")
def installs(renders):
    """{(chart, profile): (objects, notes)} for the profiles whose template render has a Secret."""
    with_secrets = [(c, p) for c, p in CASES if any(o["kind"] == "Secret" for o in renders.get(c, p))]

    def run(case):
        chart, profile = case
        values = dict(chart_profiles(chart))[profile]
        return helm_commands.install_dry_run(ROOT / "charts" / chart, [values] if values else [], release=RELEASE,
                                    namespace=NAMESPACE)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(with_secrets, pool.map(run, with_secrets)))


def test_profiles_with_secrets_are_checked(installs):
    """The check has something to check: the notebook and auth Secrets of the Spark profiles at least."""
    assert any(chart == "spark" for chart, _ in installs), sorted(installs)
    for (chart, profile), (objects, notes) in installs.items():
        assert notes.strip(), f"{chart} [{profile}]: no NOTES rendered"
        assert secret_values(objects), f"{chart} [{profile}]: the dry-run install has no Secret value"


def test_notes_show_no_secret(installs):
    found = {case: leaks(objects, notes) for case, (objects, notes) in installs.items()}
    assert {case: v for case, v in found.items() if v} == {}


def test_the_notes_check_can_fail():
    """A NOTES text that prints a password is caught; one that names only the Secret is not."""
    import base64

    secret = {"kind": "Secret", "metadata": {"name": "s"}, "data": {"p": base64.b64encode(b"hunter22").decode()}}
    assert leaks([secret], "Password: hunter22") == ["hunt..."]
    assert leaks([secret], "kubectl get secret s -o jsonpath='{.data.p}' | base64 -d") == []

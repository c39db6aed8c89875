"""tests/local: a failed test that used a running release (the fixtures named ha, secure or release)
gets the tail of every pod's container logs in its report."""
import pytest

RELEASE_FIXTURES = ("ha", "secure", "release")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in RELEASE_FIXTURES:
        release = getattr(item, "funcargs", {}).get(name)
        cluster = getattr(release, "cluster", None)
        if cluster is not None:
            report.sections.append(("pod logs", cluster.logs(tail=2500)))


# The real-daemon groups (pytest-xdist --dist loadgroup runs each on one worker), longest first, so
# that the workers that take them first are not left with a long one at the end: the stack's data
# locality (two installs of the whole umbrella on three nodes), the HDFS failovers
# and operations, the Alluxio defaults (with FUSE and the bare-metal workers), the Alluxio masters
# (with the tiers), Alluxio over the umbrella's HDFS, the Kerberos cluster, then the HDFS bootstrap and
# hostPath clusters.
GROUP_ORDER = ("stack-locality-real", "hdfs-ha-real", "hdfs-operations-real", "alluxio-real", "alluxio-ha-real",
               "alluxio-hdfs-real", "hdfs-kerberos-real", "hdfs-bootstrap-real")


def pytest_collection_modifyitems(config, items):
    """Move the real-daemon groups to the front, longest first; everything else keeps its order."""
    def group(item):
        marker = item.get_closest_marker("xdist_group")
        name = marker.args[0] if marker and marker.args else None
        return GROUP_ORDER.index(name) if name in GROUP_ORDER else len(GROUP_ORDER)
    items[:] = sorted(items, key=group)  # sorted() is stable: the order inside a group is kept

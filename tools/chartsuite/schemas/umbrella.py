"""values.schema.json of charts/umbrella.

The umbrella renders no objects of its own: its values are ``global`` (shared by every chart,
with the ``stack`` wiring flags the enabled charts export to it) and one section per subchart. Helm validates each section against
that subchart's own schema, so the sections are open here except for their ``enabled`` flag.
"""
from . import blocks as b


def _section(chart, what):
    return {
        "type": "object",
        "description": f"Values of charts/{chart} ({what}); see that chart's README",
        "properties": {"enabled": b.boolean(f"Deploy {chart} in this release (the one flag: the other charts learn it "
                                                        f"from global.stack.{chart}, imported from the chart)")},
    }


SMALL = "requests of the default install, sized so the whole stack fits one 4-CPU / 8-GiB node; see that chart's schema"


NAMES = {"namenode": "NameNodes", "journalnode": "JournalNodes", "zookeeper": "ZooKeeper servers",
         "datanode": "DataNodes", "master": "Masters", "worker": "Workers", "jobMaster": "Job masters",
         "jobWorker": "Job workers"}


def _sized(section, components):
    """Document the subchart components whose requests the umbrella's values.yaml sets (open objects:
    the subchart's own schema checks them)."""
    for name in components:
        section["properties"][name] = {"type": "object", "description": f"{NAMES[name]}: {SMALL}"}
    return section


def _hdfs_section():
    """The hdfs section: what the umbrella itself sets there (the rest is charts/hdfs's schema)."""
    section = _section("hdfs", "HA HDFS")
    section["properties"]["directories"] = {
        "type": ["object", "null"],
        "description": "HDFS directories the hdfs chart's Job makes as the superuser (hdfs.directories.items): "
                       "the umbrella adds Alluxio's under-storage root, handed to the user alluxio, and the Spark "
                       "event log directory (1777, owned by spark)"}
    section["properties"]["configOverrides"] = {
        "type": "object",
        "description": "Extra HDFS properties (charts/hdfs configOverrides): the umbrella maps the Spark history "
                       "server's user to the group spark (hadoop.user.group.static.mapping.overrides), so it reads "
                       "every driver's event log"}
    return section


def _spark_section():
    """The spark section: small requests, and the history server over the release's HDFS."""
    section = _sized(_section("spark", "Spark, Zeppelin, RStudio"), ("master", "worker"))
    section["properties"]["historyServer"] = {
        "type": "object",
        "description": "The Spark history server, on while HDFS is in the release, reading the event logs every "
                       "driver writes to hdfs:///spark-events (made by the hdfs chart); see charts/spark's schema"}
    return section


def _alluxio_section():
    """The alluxio section: small requests and a 512Mi MEM tier for the default install."""
    section = _sized(_section("alluxio", "Alluxio tiered cache"), ("master", "jobMaster", "worker", "jobWorker"))
    section["properties"]["tieredStore"] = {
        "type": "object",
        "description": "The default install's tiered store: one MEM level of 512Mi per worker (the quota is added to "
                       "the worker's memory request and limit); see charts/alluxio's schema"}
    return section


def schema():
    """The umbrella chart's values schema (charts/umbrella/values.schema.json before required keys are added).

    Args: none.
    Returns: a blocks.document() dict (JSON Schema draft-07, closed root): ``global`` with the
        closed ``stack`` flags (Helm import-values), ``common``, and open hdfs, spark, alluxio
        sections whose ``enabled`` flag alone is typed (Helm checks each section against that
        subchart's own schema)."""
    glob = b.globals_block()
    glob["properties"]["stack"] = b.closed({
        chart: b.closed({"enabled": b.boolean(f"{chart} is part of this release")},
                        f"Imported from charts/{chart} (exports.stack) when {chart}.enabled; do not set")
        for chart in ("hdfs", "spark", "alluxio")
    }, "Charts of this release, imported from each enabled chart (Chart.yaml import-values) and read by the "
       "charts to wire themselves to each other; set <chart>.enabled instead")
    return b.document({
        "global": glob,
        "common": b.open_object("Values of the common library subchart (none are used)"),
        "hdfs": _sized(_hdfs_section(), ("namenode", "journalnode", "zookeeper", "datanode")),
        "spark": _spark_section(),
        "alluxio": _alluxio_section(),
    }, "umbrella chart values", "Values of the umbrella chart: HDFS, Spark and Alluxio wired together")

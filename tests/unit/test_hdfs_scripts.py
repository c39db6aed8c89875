"""Scenario tests for the HDFS chart's bash scripts (charts/hdfs/files/scripts).

The real scripts run under `bash -euo pipefail`, exactly as the chart runs them, with fake
`hdfs`, `hadoop`, `java` and `zkServer.sh` executables first on PATH (tests/unit/fakes/
fake_hadoop.py). The fakes record every invocation, so each test asserts precisely which
Hadoop commands ran (format or not, bootstrapStandby or not, never -force). JournalNode and
NameNode JMX are real HTTP servers on 127.0.0.1; "unreachable" is a closed port.
"""

import os
import socket
import socketserver
import subprocess
import threading

import pytest

from script_sandbox import (SCRIPTS, HttpServer, Sandbox, closed_port,  # noqa: F401
                            jmx, journalnode_jmx)

FORMAT = ["namenode", "-format", "-nonInteractive"]
BOOTSTRAP_STANDBY = ["namenode", "-bootstrapStandby", "-nonInteractive"]
ZK_QUORUM = "zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181"
CLAIM = "/hdfs-bootstrap/hdfs"


@pytest.fixture
def sandbox(tmp_path):
    return Sandbox(tmp_path)


@pytest.fixture
def http_servers():
    servers = []

    def start(respond):
        server = HttpServer(respond)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


EPOCHS = "__epochs__"  # journalnodes() spec key: (LastPromisedEpoch, LastWriterEpoch) of Journal-hdfs


@pytest.fixture
def journalnodes(http_servers):
    """journalnodes(spec, ...) -> list of host:port. spec: dict of journals, or None = down."""

    def start(*specs):
        addresses = []
        for spec in specs:
            if spec is None:
                addresses.append(f"127.0.0.1:{closed_port()}")
                continue
            epochs = spec.get(EPOCHS)
            body = journalnode_jmx({k: v for k, v in spec.items() if k != EPOCHS})

            def respond(path, body=body, epochs=epochs):
                if path == "/jmx?qry=Hadoop:service=JournalNode,name=JournalNodeInfo":
                    return 200, body
                if path == "/jmx?qry=Hadoop:service=JournalNode,name=Journal-hdfs" and epochs:
                    return 200, jmx({"name": "Hadoop:service=JournalNode,name=Journal-hdfs",
                                     "LastPromisedEpoch": epochs[0], "LastWriterEpoch": epochs[1],
                                     "LastWrittenTxId": 0, "LastJournalTimestamp": 0})
                return 404, "{}"

            addresses.append(http_servers(respond).address)
        return addresses

    return start


# --------------------------------------------------------------------------------------
# namenode-bootstrap.sh
# --------------------------------------------------------------------------------------
EMPTY = {}  # a JournalNode that answers and holds no journal
OURS = {"hdfs": "true"}  # a JournalNode holding this nameservice's journal (its epochs unknown)
UNUSED = {"hdfs": "true", EPOCHS: (0, 0)}  # formatted, no NameNode ever wrote to it
WRITTEN = {"hdfs": "true", EPOCHS: (3, 3)}  # formatted and written to


def bootstrap_env(sandbox, jn_addresses, pod="hdfs-namenode-0", ha=True, **extra):
    env = {
        "POD_NAME": pod,
        "HDFS_NAMESERVICE": "hdfs",
        "HDFS_HA_ENABLED": "true" if ha else "false",
        "NAMENODE_NAME_DIR": str(sandbox.root / "name"),
        "NAMENODE_IDS": "nn0,nn1",
        "JOURNALNODE_HTTP_ADDRESSES": ",".join(jn_addresses),
        "ZOOKEEPER_QUORUM": ZK_QUORUM,
        "BOOTSTRAP_TIMEOUT_SECONDS": "2",
        "BOOTSTRAP_RETRY_SECONDS": "1",
    }
    env.update(extra)
    return env


def run_bootstrap(sandbox, jn_addresses, **kwargs):
    return sandbox.run("namenode-bootstrap.sh", env=bootstrap_env(sandbox, jn_addresses, **kwargs))


def write_metadata(sandbox, image=True, extra=()):
    """A NameNode metadata folder: VERSION and seen_txid, with an fsimage when ``image`` (complete
    metadata) or without (what an interrupted format or bootstrapStandby leaves); ``extra`` names
    more files under current/."""
    current = sandbox.root / "name" / "current"
    current.mkdir(parents=True)
    (current / "VERSION").write_text("namespaceID=42\n")
    (current / "seen_txid").write_text("0\n")
    if image:
        (current / "fsimage_0000000000000000000").write_text("image")
        (current / "fsimage_0000000000000000000.md5").write_text("md5")
    for name in extra:
        (current / name).write_text("x")


@pytest.mark.parametrize("cluster_id, expected", [
    ("", FORMAT),
    ("CID-test-1", FORMAT + ["-clusterId", "CID-test-1"]),
])
def test_fresh_cluster_formats_once_with_the_claim(sandbox, journalnodes, cluster_id, expected):
    jns = journalnodes(EMPTY, EMPTY, EMPTY)
    result = run_bootstrap(sandbox, jns, HDFS_CLUSTER_ID=cluster_id)
    assert result.rc == 0, result
    assert result.namenode_calls() == [expected], result
    assert sandbox.znodes()[CLAIM] == "hdfs-namenode-0"
    assert ["get", CLAIM] in result.zk_commands()
    assert len(result.haadmin_state_queries("nn1")) == 1
    assert result.haadmin_state_queries("nn0") == [], "must not ask itself"
    assert "brand-new cluster" in result.stderr
    assert "decision: FORMAT" in result.stderr


def test_fresh_cluster_rerun_by_claim_holder_formats_again(sandbox, journalnodes):
    """A claim holder whose format was interrupted re-reads the claim as its own."""
    sandbox.scenario["znodes"] = {"/hdfs-bootstrap": "", CLAIM: "hdfs-namenode-1"}
    result = run_bootstrap(sandbox, journalnodes(EMPTY, EMPTY, EMPTY), pod="hdfs-namenode-1")
    assert result.rc == 0, result
    assert result.namenode_calls() == [FORMAT]


def test_fresh_cluster_claim_held_by_other_pod_waits(sandbox, journalnodes):
    sandbox.scenario["znodes"] = {"/hdfs-bootstrap": "", CLAIM: "hdfs-namenode-1"}
    # A window for several polling rounds even on a loaded machine (each round runs fakes).
    result = run_bootstrap(sandbox, journalnodes(EMPTY, EMPTY, EMPTY), BOOTSTRAP_TIMEOUT_SECONDS="5")
    assert result.rc == 1, result
    assert result.namenode_calls() == [], result
    assert len(result.haadmin_state_queries("nn1")) >= 2, "must keep checking for the peer"
    assert sandbox.znodes()[CLAIM] == "hdfs-namenode-1", "claim must not be taken over"
    assert "Pod 'hdfs-namenode-1' holds the format claim" in result.stderr


def test_fresh_cluster_claim_held_by_other_then_peer_comes_up(sandbox, journalnodes):
    sandbox.scenario["znodes"] = {"/hdfs-bootstrap": "", CLAIM: "hdfs-namenode-1"}
    sandbox.scenario["peers"] = {"nn1": {"state": "active", "after": 1}}
    result = run_bootstrap(sandbox, journalnodes(EMPTY, EMPTY, EMPTY),
                           BOOTSTRAP_TIMEOUT_SECONDS="20")
    assert result.rc == 0, result
    assert result.namenode_calls() == [BOOTSTRAP_STANDBY], result
    assert len(result.haadmin_state_queries("nn1")) == 2


@pytest.mark.parametrize("ha", [True, False])
def test_existing_metadata_means_no_hadoop_call_at_all(sandbox, journalnodes, ha):
    write_metadata(sandbox)
    sandbox.scenario["peers"] = {"nn1": {"state": "active"}}
    result = run_bootstrap(sandbox, journalnodes(OURS, OURS, OURS), ha=ha)
    assert result.rc == 0, result
    assert result.calls == []
    assert "existing metadata" in result.stderr
    assert "not formatting" in result.stderr


@pytest.mark.parametrize("ha", [True, False])
def test_incomplete_metadata_is_set_aside_and_redone(sandbox, journalnodes, ha):
    """VERSION without an fsimage: a format or bootstrapStandby was interrupted (Hadoop writes VERSION
    first, the fsimage last). The folder is kept aside, never deleted, and the step is redone."""
    write_metadata(sandbox, image=False)
    sandbox.scenario["peers"] = {"nn1": {"state": "active"}}
    result = run_bootstrap(sandbox, journalnodes(OURS, OURS, OURS), ha=ha)
    assert result.rc == 0, result
    assert result.namenode_calls() == [BOOTSTRAP_STANDBY if ha else FORMAT], result
    aside = list(sandbox.root.glob("name.incomplete-*"))
    assert len(aside) == 1 and (aside[0] / "current" / "VERSION").read_text() == "namespaceID=42\n"
    assert "incomplete metadata" in result.stderr


@pytest.mark.parametrize("extra, image", [(("edits_0000000000000000001-0000000000000000002",), False),
                                          (("fsimage_0000000000000000005",), True)])
def test_metadata_neither_empty_nor_complete_is_left_alone(sandbox, journalnodes, extra, image):
    write_metadata(sandbox, image=image, extra=extra)
    (sandbox.root / "name" / "current" / "VERSION").unlink() if image else None
    result = run_bootstrap(sandbox, journalnodes(OURS, OURS, OURS))
    assert result.rc == 1, result
    assert result.calls == [], result
    assert "neither empty nor complete" in result.stderr
    assert not list(sandbox.root.glob("name.incomplete-*"))


def test_journals_formatted_but_never_written_are_formatted_again_by_the_claim_holder(sandbox, journalnodes):
    """An interrupted format formatted two JournalNodes (epochs still 0) and not the third: no
    NameNode ever wrote there, so the claim holder formats again, with -force."""
    result = run_bootstrap(sandbox, journalnodes(UNUSED, UNUSED, EMPTY))
    assert result.rc == 0, result
    assert result.namenode_calls(allow_force=True) == [FORMAT + ["-force"]], result
    assert sandbox.znodes()[CLAIM] == "hdfs-namenode-0"
    assert "journal-never-written" in result.stderr


def test_journals_with_an_epoch_are_never_formatted(sandbox, journalnodes):
    result = run_bootstrap(sandbox, journalnodes(UNUSED, WRITTEN, EMPTY), BOOTSTRAP_TIMEOUT_SECONDS="3")
    assert result.rc == 1, result
    assert result.namenode_calls() == [], result
    assert "REFUSING TO FORMAT" in result.stderr


def test_bootstrap_standby_retried_without_the_precheck_after_a_residual_segment(sandbox, journalnodes):
    """Exit code 6 with "Invalid log manifest": a JournalNode restarted mid-segment keeps a second
    in-progress segment (HDFS-16645); the copy is redone with -skipSharedEditsCheck."""
    sandbox.scenario.update(peers={"nn1": {"state": "active"}}, bootstrap_rc=[6, 0],
                            bootstrap_stderr="QuorumException: ... Invalid log manifest (log [1424-? (in-progress)] "
                                             "overlaps [15352-? (in-progress)])")
    result = run_bootstrap(sandbox, journalnodes(OURS, OURS, OURS))
    assert result.rc == 0, result
    assert result.namenode_calls() == [BOOTSTRAP_STANDBY, BOOTSTRAP_STANDBY + ["-skipSharedEditsCheck"]], result
    assert "HDFS-16645" in result.stderr


@pytest.mark.parametrize("pod, peer_id, peer_state", [
    ("hdfs-namenode-0", "nn1", "active"),  # nn0 lost its volume: must not format
    ("hdfs-namenode-0", "nn1", "standby"),
    ("hdfs-namenode-1", "nn0", "active"),
])
def test_lost_volume_with_peer_up_bootstraps_standby(sandbox, journalnodes, pod, peer_id,
                                                     peer_state):
    sandbox.scenario["peers"] = {peer_id: {"state": peer_state}}
    result = run_bootstrap(sandbox, journalnodes(OURS, OURS, OURS), pod=pod)
    assert result.rc == 0, result
    assert result.namenode_calls() == [BOOTSTRAP_STANDBY], result
    assert result.zk_commands() == [], "no format claim needed when a peer is up"
    query = result.haadmin_state_queries(peer_id)[0]
    assert query[:4] == ["haadmin", "-Dipc.client.connect.max.retries=1",
                         "-Dipc.client.connect.max.retries.on.timeouts=1", "-ns"]


def test_bootstrap_standby_failure_is_the_exit_code(sandbox, journalnodes):
    sandbox.scenario.update(peers={"nn1": {"state": "active"}}, bootstrap_rc=6)
    result = run_bootstrap(sandbox, journalnodes(OURS, OURS, OURS))
    assert result.rc == 6, result
    assert result.namenode_calls() == [BOOTSTRAP_STANDBY]


def test_peer_still_initializing_is_not_a_bootstrap_source(sandbox, journalnodes):
    sandbox.scenario["peers"] = {"nn1": {"state": "initializing"}}
    result = run_bootstrap(sandbox, journalnodes(OURS, OURS, OURS))
    assert result.rc == 1, result
    assert result.namenode_calls() == []


@pytest.mark.parametrize("journals", [
    (OURS, OURS, OURS),
    (OURS, EMPTY, None),  # one JN lost its disk, one is down: one journal is enough
])
def test_both_volumes_lost_but_journal_exists_refuses_to_format(sandbox, journalnodes, journals):
    result = run_bootstrap(sandbox, journalnodes(*journals), BOOTSTRAP_TIMEOUT_SECONDS="5")
    assert result.rc == 1, result
    assert result.namenode_calls() == [], result
    assert result.zk_commands() == [], "must not even try to claim the format"
    assert len(result.haadmin_state_queries("nn1")) >= 2, "must retry before giving up"
    assert "REFUSING TO FORMAT" in result.stderr
    assert "JournalNodes hold edit logs for nameservice 'hdfs'" in result.stderr
    assert "no NameNode with metadata is running" in result.stderr
    assert "restore a NameNode metadata directory" in result.stderr


def test_unreachable_journalnodes_retry_then_fail_naming_them(sandbox, journalnodes):
    jns = journalnodes(None, EMPTY, None)
    result = run_bootstrap(sandbox, jns, BOOTSTRAP_TIMEOUT_SECONDS="5")
    assert result.rc == 1, result
    assert result.namenode_calls() == [], result
    assert result.zk_commands() == []
    assert len(result.haadmin_state_queries("nn1")) >= 2, "more than one round expected"
    message = result.stderr.split("could not be prepared", 1)[1]
    assert "JournalNodes that did not answer" in message
    assert jns[0] in message and jns[2] in message
    assert jns[1] not in message.split("Other NameNodes")[0]


def test_journalnode_without_journals_status_counts_as_unreachable(sandbox, journalnodes,
                                                                  http_servers):
    broken = http_servers(lambda path: (200, jmx({"name": "something else"})))
    result = run_bootstrap(sandbox, journalnodes(EMPTY, EMPTY) + [broken.address])
    assert result.rc == 1, result
    assert result.namenode_calls() == []
    assert "no JournalsStatus attribute" in result.stderr


@pytest.mark.parametrize("journals, formats", [
    ({"hdfs2": "true"}, True),  # another nameservice's journal is not ours
    ({"hdfs-old": "true", "xhdfs": "true"}, True),
    ({"hdfs": "false"}, True),  # opened but never formatted
    ({"hdfs2": "true", "hdfs": "true"}, False),
])
def test_journal_must_match_the_nameservice_exactly(sandbox, journalnodes, journals, formats):
    result = run_bootstrap(sandbox, journalnodes(journals, journals, journals))
    assert result.namenode_calls() == ([FORMAT] if formats else []), result
    assert result.rc == (0 if formats else 1)


def test_nameservice_with_regex_characters_matches_literally(sandbox, journalnodes):
    result = run_bootstrap(sandbox, journalnodes(*[{"hdfsXprod": "true"}] * 3),
                           HDFS_NAMESERVICE="hdfs.prod")
    assert result.namenode_calls() == [FORMAT], result


def test_zookeeper_unreachable_means_no_format(sandbox, journalnodes):
    sandbox.scenario["zk_unreachable"] = True
    result = run_bootstrap(sandbox, journalnodes(EMPTY, EMPTY, EMPTY))
    assert result.rc == 1, result
    assert result.namenode_calls() == []
    assert "could not be read from or written to" in result.stderr


def test_pod_ordinal_not_in_namenode_ids_is_an_error(sandbox, journalnodes):
    result = run_bootstrap(sandbox, journalnodes(EMPTY), pod="hdfs-namenode-2")
    assert result.rc == 1
    assert result.calls == []
    assert "'nn2', which is not in NAMENODE_IDS='nn0,nn1'" in result.stderr


def test_non_ha_without_metadata_formats(sandbox):
    result = sandbox.run("namenode-bootstrap.sh", env=bootstrap_env(
        sandbox, [], ha=False, NAMENODE_IDS="", JOURNALNODE_HTTP_ADDRESSES="",
        ZOOKEEPER_QUORUM=""))
    assert result.rc == 0, result
    assert result.namenode_calls() == [FORMAT]
    assert [c["prog"] for c in result.calls] == ["hdfs"]


def test_non_ha_format_failure_is_the_exit_code(sandbox):
    sandbox.scenario["format_rc"] = 1
    result = run_bootstrap(sandbox, [], ha=False)
    assert result.rc == 1
    assert result.namenode_calls() == [FORMAT]
    assert "format failed with exit code 1" in result.stderr


# --------------------------------------------------------------------------------------
# zkfc-start.sh
# --------------------------------------------------------------------------------------
ZKFC_ENV = {"BOOTSTRAP_TIMEOUT_SECONDS": "3", "BOOTSTRAP_RETRY_SECONDS": "1"}
FORMAT_ZK = ["zkfc", "-formatZK", "-nonInteractive"]


@pytest.mark.parametrize("rcs, expected_format_calls, message", [
    ([0], 1, "HA znode created"),
    ([2], 1, "already exists"),
    ([1, 0], 2, "failed with exit code 1"),
])
def test_zkfc_formats_zk_then_execs_zkfc(sandbox, rcs, expected_format_calls, message):
    sandbox.scenario["formatzk_rcs"] = rcs
    result = sandbox.run("zkfc-start.sh", env=ZKFC_ENV)
    assert result.rc == 0, result
    assert result.hdfs() == [FORMAT_ZK] * expected_format_calls + [["zkfc"]]
    assert message in result.stderr
    assert "fake zkfc running" in result.stdout


def test_zkfc_gives_up_when_zookeeper_never_works(sandbox):
    sandbox.scenario["formatzk_rcs"] = [1]
    result = sandbox.run("zkfc-start.sh", env=ZKFC_ENV)
    assert result.rc == 1
    assert ["zkfc"] not in result.hdfs()
    assert len(result.hdfs()) >= 2
    assert "giving up" in result.stderr


# --------------------------------------------------------------------------------------
# datanode-wait.sh
# --------------------------------------------------------------------------------------
def test_datanode_wait_succeeds_once_a_namenode_listens(sandbox):
    down, later = closed_port(), closed_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def open_later():
        listener.bind(("127.0.0.1", later))
        listener.listen(8)

    timer = threading.Timer(1.5, open_later)
    timer.start()
    try:
        result = sandbox.run("datanode-wait.sh", env={
            "NAMENODE_RPC_ADDRESSES": f"127.0.0.1:{down}, 127.0.0.1:{later}", **data_dirs(sandbox),
            "BOOTSTRAP_TIMEOUT_SECONDS": "20", "BOOTSTRAP_RETRY_SECONDS": "1"})
    finally:
        timer.cancel()
        listener.close()
    assert result.rc == 0, result
    assert "round 1: no NameNode RPC port answers yet" in result.stderr
    assert f"NameNode RPC port 127.0.0.1:{later} accepts connections" in result.stderr


def test_datanode_wait_times_out(sandbox):
    port = closed_port()
    result = sandbox.run("datanode-wait.sh", env={
        "NAMENODE_RPC_ADDRESSES": f"127.0.0.1:{port}", **data_dirs(sandbox),
        "BOOTSTRAP_TIMEOUT_SECONDS": "1", "BOOTSTRAP_RETRY_SECONDS": "1"})
    assert result.rc == 1
    assert "giving up" in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr.split("giving up", 1)[1]


def data_dirs(sandbox, count=2):
    """DATANODE_DATA_DIRS: the folder "data" of ``count`` volume folders (created, data folders not)."""
    dirs = []
    for i in range(count):
        (sandbox.root / f"data{i}").mkdir(exist_ok=True)
        dirs.append(str(sandbox.root / f"data{i}" / "data"))
    return {"DATANODE_DATA_DIRS": ",".join(dirs)}


def test_datanode_wait_refuses_a_datanode_storage_at_a_volume_root(sandbox):
    """Chart 0.2.0 used the volume root as the data directory; blocks found there are not left behind."""
    env = data_dirs(sandbox)
    (sandbox.root / "data1" / "current").mkdir()
    (sandbox.root / "data1" / "current" / "VERSION").write_text("storageType=DATA_NODE\n")
    result = sandbox.run("datanode-wait.sh", env={"NAMENODE_RPC_ADDRESSES": f"127.0.0.1:{closed_port()}", **env,
                                                  "BOOTSTRAP_TIMEOUT_SECONDS": "1"})
    assert result.rc == 1, result
    assert f"{sandbox.root / 'data1'} holds a DataNode storage at its root" in result.stderr
    assert "giving up" not in result.stderr


# --------------------------------------------------------------------------------------
# namenode-probe.sh
# --------------------------------------------------------------------------------------
def namenode_status(state):
    return jmx({
        "name": "Hadoop:service=NameNode,name=NameNodeStatus",
        "modelerType": "org.apache.hadoop.hdfs.server.namenode.NameNode",
        "SecurityEnabled": False, "NNRole": "NameNode", "HostAndPort": "hdfs-namenode-0:8020",
        "State": state, "LastHATransitionTime": 0, "BytesWithFutureGenerationStamps": 0,
    })


def namenode_info(safemode):
    return jmx({"name": "Hadoop:service=NameNode,name=NameNodeInfo", "Safemode": safemode, "Total": 1})


SAFEMODE_ON = "Safe mode is ON. The reported blocks 0 needs additional 2 blocks to reach the threshold 0.9990."


@pytest.mark.parametrize("state, safemode, ready", [
    ("active", "", True), ("active", SAFEMODE_ON, True), ("standby", "", True), ("standby", SAFEMODE_ON, False),
    ("initializing", "", False), ("observer", "", False)])
def test_namenode_probe(sandbox, http_servers, state, safemode, ready):
    """Ready: active, or standby out of safe mode (it has the block reports to take over at once)."""
    def respond(path):
        if path == "/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus":
            return 200, namenode_status(state)
        if path == "/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo":
            return 200, namenode_info(safemode)
        return 404, "{}"
    server = http_servers(respond)
    result = sandbox.run("namenode-probe.sh", env={"NAMENODE_HTTP_PORT": str(server.port)})
    assert result.rc == (0 if ready else 1), result
    if not ready and state == "standby":
        assert "still in safe mode" in result.stderr
    elif not ready:
        assert f"State '{state}'" in result.stderr


def test_namenode_probe_fails_when_nothing_listens(sandbox):
    result = sandbox.run("namenode-probe.sh", env={"NAMENODE_HTTP_PORT": str(closed_port())})
    assert result.rc == 1
    assert "not ready" in result.stderr


# --------------------------------------------------------------------------------------
# zookeeper-probe.sh
# --------------------------------------------------------------------------------------
class FourLetterWordServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, answers):
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                word = self.request.recv(4).decode()
                self.request.sendall(answers.get(word, "").encode())

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()


@pytest.fixture
def four_letter_server():
    servers = []

    def start(answers):
        server = FourLetterWordServer(answers)
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


SRVR_FOLLOWER = ("Zookeeper version: 3.9.2-e454e8c7283100c7caec6dcae2bc82aaecb63023, built on "
                 "2024-02-12 20:59 UTC\nLatency min/avg/max: 0/0.0/0\nReceived: 3\nSent: 2\n"
                 "Connections: 1\nOutstanding: 0\nZxid: 0x100000000\nMode: follower\n"
                 "Node count: 5\n")


@pytest.mark.parametrize("mode, answers, healthy", [
    ("ruok", {"ruok": "imok"}, True),
    ("ruok", {}, False),
    ("ready", {"srvr": SRVR_FOLLOWER}, True),
    ("ready", {"srvr": SRVR_FOLLOWER.replace("follower", "leader")}, True),
    ("ready", {"srvr": SRVR_FOLLOWER.replace("follower", "standalone")}, True),
    ("ready", {"srvr": "This ZooKeeper instance is not currently serving requests\n"}, False),
    ("ready", {"ruok": "imok"}, False),
])
def test_zookeeper_probe(sandbox, four_letter_server, mode, answers, healthy):
    port = four_letter_server(answers)
    result = sandbox.run("zookeeper-probe.sh", mode, env={"ZOOKEEPER_CLIENT_PORT": str(port)})
    assert result.rc == (0 if healthy else 1), result


def test_zookeeper_probe_fails_without_server(sandbox):
    result = sandbox.run("zookeeper-probe.sh", "ruok",
                         env={"ZOOKEEPER_CLIENT_PORT": str(closed_port())})
    assert result.rc == 1
    assert "instead of 'imok'" in result.stderr


# --------------------------------------------------------------------------------------
# zookeeper-start.sh and jvm-opts.sh
# --------------------------------------------------------------------------------------
GIB = 1024 ** 3
CGROUP_V1_UNLIMITED = "9223372036854771712"


def zk_env(sandbox, cgroup_value, percent="75", pod="hdfs-zookeeper-2"):
    cgroup = sandbox.root / "memory.max"
    cgroup.write_text(f"{cgroup_value}\n")
    return {"POD_NAME": pod, "ZOO_DATA_DIR": str(sandbox.root / "data"),
            "JVM_MAX_RAM_PERCENTAGE": percent, "CGROUP_MEMORY_FILE": str(cgroup)}


@pytest.mark.parametrize("limit, percent, heap", [
    (GIB, "75", "768"),
    (2 * GIB, "50.0", "1024"),
    ("max", "75", None),
    (CGROUP_V1_UNLIMITED, "75", None),
])
def test_zookeeper_start_heap_and_exec(sandbox, limit, percent, heap):
    result = sandbox.run("zookeeper-start.sh", env=zk_env(sandbox, limit, percent))
    assert result.rc == 0, result
    [call] = result.calls
    assert call["prog"] == "zkServer.sh" and call["argv"] == ["start-foreground"]
    assert call["env"].get("ZK_SERVER_HEAP") == heap
    assert (sandbox.root / "data" / "myid").read_text() == "3\n"


@pytest.mark.parametrize("existing, rewritten", [(None, True), ("1\n", True), ("3\n", False)])
def test_zookeeper_start_myid(sandbox, existing, rewritten):
    data = sandbox.root / "data"
    data.mkdir()
    if existing is not None:
        (data / "myid").write_text(existing)
        os.utime(data / "myid", (1, 1))
    result = sandbox.run("zookeeper-start.sh", env=zk_env(sandbox, GIB))
    assert result.rc == 0, result
    assert (data / "myid").read_text() == "3\n"
    assert ((data / "myid").stat().st_mtime != 1) == rewritten
    assert "myid" in result.stderr


@pytest.mark.parametrize("args, limit, expected", [
    ([], GIB, "768\n"), (["--xmx"], GIB, "-Xmx768m\n"), ([], "max", ""), (["--xmx"], "max", "")])
def test_jvm_opts(sandbox, args, limit, expected):
    result = sandbox.run("jvm-opts.sh", *args, env=zk_env(sandbox, limit))
    assert result.rc == 0, result
    assert result.stdout == expected


def test_jvm_opts_rejects_bad_percentage(sandbox):
    result = sandbox.run("jvm-opts.sh", env=zk_env(sandbox, GIB, percent="150"))
    assert result.rc != 0
    assert "JVM_MAX_RAM_PERCENTAGE" in result.stderr


# --------------------------------------------------------------------------------------
# hdfs-test.sh
# --------------------------------------------------------------------------------------
ONE_ACTIVE = ("hdfs-namenode-0.hdfs-namenode.default.svc.cluster.local:8020 active\n"
              "hdfs-namenode-1.hdfs-namenode.default.svc.cluster.local:8020 standby\n")
TWO_ACTIVE = ONE_ACTIVE.replace("standby", "active")
TEST_ENV = {"POD_NAME": "hdfs-test", "HDFS_NAMESERVICE": "hdfs", "HDFS_HA_ENABLED": "true"}


def stored_files(sandbox):
    store = sandbox.state / "hdfs-fs"
    return list(store.iterdir()) if store.exists() else []


def test_hdfs_test_passes(sandbox):
    sandbox.scenario["all_service_state"] = ONE_ACTIVE
    result = sandbox.run("hdfs-test.sh", env=TEST_ENV)
    assert result.rc == 0, result
    ops = [argv[:2] for argv in result.hdfs()]
    assert ops == [["dfs", "-mkdir"], ["dfs", "-put"], ["dfs", "-cat"], ["dfs", "-rm"],
                   ["haadmin", "-ns"]]
    remote = result.hdfs(["dfs", "-put"])[0][-1]
    assert remote.startswith("hdfs://hdfs/tmp/helm-test-hdfs-test-")
    assert result.hdfs(["dfs", "-rm"]) == [["dfs", "-rm", "-skipTrash", remote]]
    assert stored_files(sandbox) == []
    assert "PASSED" in result.stderr


@pytest.mark.parametrize("default_fs, prefix", [
    ("hdfs://hdfs-namenode-0.hdfs-namenode:8020/", "hdfs://hdfs-namenode-0.hdfs-namenode:8020/tmp/"),
    ("", "/tmp/"),
])
def test_hdfs_test_non_ha_uses_default_fs_and_skips_haadmin(sandbox, default_fs, prefix):
    result = sandbox.run("hdfs-test.sh", env={**TEST_ENV, "HDFS_HA_ENABLED": "false",
                                             "HDFS_DEFAULT_FS": default_fs})
    assert result.rc == 0, result
    assert result.hdfs(["haadmin"]) == []
    assert result.hdfs(["dfs", "-put"])[0][-1].startswith(prefix + "helm-test-hdfs-test-")


def test_hdfs_test_fails_with_two_active_namenodes(sandbox):
    sandbox.scenario["all_service_state"] = TWO_ACTIVE
    result = sandbox.run("hdfs-test.sh", env=TEST_ENV)
    assert result.rc == 1, result
    assert "expected exactly one active NameNode, found 2" in result.stderr


def test_hdfs_test_fails_on_corrupt_read_and_still_removes_the_file(sandbox):
    sandbox.scenario.update(all_service_state=ONE_ACTIVE, cat_mangle=True)
    result = sandbox.run("hdfs-test.sh", env=TEST_ENV)
    assert result.rc == 1, result
    assert "differs from what was written" in result.stderr
    assert len(result.hdfs(["dfs", "-rm"])) == 1
    assert stored_files(sandbox) == []


# --------------------------------------------------------------------------------------
# Static checks
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.sh")))
def test_scripts_parse(script):
    subprocess.run(["bash", "-n", str(SCRIPTS / script)], check=True)



# --------------------------------------------------------------------------------------
# Kerberos and HTTPS (security.kerberos / security.tls)
# --------------------------------------------------------------------------------------
def secure_env(sandbox, **extra):
    """What the chart sets in a secure NameNode pod (templates/_security.tpl)."""
    keytab = sandbox.root / "hdfs.keytab"
    keytab.write_bytes(b"\x05\x02fake keytab")
    env = {"KERBEROS_ENABLED": "true", "KERBEROS_KEYTAB": str(keytab),
           "KERBEROS_PRINCIPAL": "hdfs/hdfs-namenode-0.hdfs-namenode-headless.ns.svc.cluster.local@EXAMPLE.COM",
           "KRB5CCNAME": f"FILE:{sandbox.root}/krb5cc", "HDFS_TRUSTSTORE": "/etc/security/tls/truststore.jks",
           "HDFS_STORE_TYPE": "jks"}
    env.update(extra)
    return env


def kinit_calls(result):
    return [c["argv"] for c in result.calls if c["prog"] == "kinit"]


def test_secure_bootstrap_reads_journalnodes_over_https_and_claims_with_sasl(sandbox):
    """HTTPS-only JournalNodes are read through the Hadoop client; haadmin runs with a ticket;
    the ZooKeeper CLI gets the JAAS file and the claim a SASL ACL."""
    jns = ["jn-0:8481", "jn-1:8481", "jn-2:8481"]
    sandbox.scenario["https"] = {f"{jn}/jmx": journalnode_jmx(EMPTY) for jn in jns}
    jaas = sandbox.root / "jaas" / "zookeeper-client.conf"
    opts = f"-Djava.security.auth.login.config={jaas} -Dzookeeper.sasl.client.username=zookeeper"
    result = run_bootstrap(sandbox, jns, **secure_env(
        sandbox, JOURNALNODE_HTTP_SCHEME="https", ZK_CLIENT_JVM_OPTS=opts, ZK_JAAS_FILE=str(jaas),
        ZK_CLAIM_ACL="sasl:hdfs:cdrwa,world:anyone:r"))
    assert result.rc == 0, result
    assert result.namenode_calls() == [FORMAT]
    env = secure_env(sandbox)
    assert kinit_calls(result) == [["-kt", env["KERBEROS_KEYTAB"], env["KERBEROS_PRINCIPAL"]]]
    fetched = [c["argv"][2] for c in result.calls if c["prog"] == "hadoop" and c["argv"][:2] == ["fs", "-cat"]]
    assert sorted(fetched) == sorted(f"https://{jn}/jmx" for jn in jns)
    https_opts = [c["env"]["HADOOP_CLIENT_OPTS"] for c in result.calls if c["prog"] == "hadoop" and c["argv"][0] == "fs"]
    assert all("-Djavax.net.ssl.trustStore=/etc/security/tls/truststore.jks" in o for o in https_opts)
    assert ["create", CLAIM, "hdfs-namenode-0", "sasl:hdfs:cdrwa,world:anyone:r"] in result.zk_commands()
    # The parent too: ZooKeeper authorises deleting the claim with the parent's ACL.
    assert ["create", CLAIM.rsplit("/", 1)[0], "", "sasl:hdfs:cdrwa,world:anyone:r"] in result.zk_commands()
    assert all(p == opts.split() for p in result.zk_jvm_props())
    text = jaas.read_text()
    assert "Client {" in text and f'principal="{env["KERBEROS_PRINCIPAL"]}"' in text
    assert f'keyTab="{env["KERBEROS_KEYTAB"]}"' in text
    assert oct(jaas.stat().st_mode & 0o777) == "0o600"


def test_secure_bootstrap_waits_when_an_https_journalnode_has_our_journal(sandbox):
    jns = ["jn-0:8481", "jn-1:8481", "jn-2:8481"]
    sandbox.scenario["https"] = {f"{jns[0]}/jmx": journalnode_jmx(OURS), f"{jns[1]}/jmx": journalnode_jmx(EMPTY)}
    result = run_bootstrap(sandbox, jns, **secure_env(sandbox, JOURNALNODE_HTTP_SCHEME="https"))
    assert result.rc == 1
    assert result.namenode_calls() == []
    assert "REFUSING TO FORMAT" in result.stderr
    assert "https://jn-2:8481/jmx failed" in result.stderr or "jn-2:8481=unreachable" in result.stderr


def system_path_without(tmp_path, *programs):
    """A PATH of the system's programs (/usr/bin, /bin) minus ``programs``, as symlinks in one dir:
    an image without them, whatever this machine has installed (bin/setup installs kinit)."""
    out = tmp_path / "system-bin"
    out.mkdir()
    for d in ("/usr/bin", "/bin"):
        for entry in os.scandir(d):
            if entry.name not in programs and not (out / entry.name).exists():
                (out / entry.name).symlink_to(entry.path)
    return str(out)


def test_secure_bootstrap_without_kinit_fails_naming_the_image(tmp_path):
    sandbox = Sandbox(tmp_path, fakes=("hdfs", "hadoop", "java"))
    result = sandbox.run("namenode-bootstrap.sh", env={
        **bootstrap_env(sandbox, ["jn-0:8481"]), **secure_env(sandbox),
        "PATH": f"{sandbox.bin}:{system_path_without(tmp_path, 'kinit')}"})
    assert result.rc == 1
    assert "'kinit' (the MIT Kerberos client) is not in this image" in result.stderr
    assert result.namenode_calls() == []


def test_secure_bootstrap_kinit_failure_and_missing_keytab_are_named(sandbox):
    sandbox.scenario["kinit_rc"] = 1
    result = run_bootstrap(sandbox, ["jn-0:8481"], **secure_env(sandbox))
    assert result.rc == 1 and "kinit -kt" in result.stderr and "failed (exit code 1)" in result.stderr
    sandbox.scenario["kinit_rc"] = 0
    result = run_bootstrap(sandbox, ["jn-0:8481"], **secure_env(sandbox, KERBEROS_KEYTAB="/nonexistent.keytab"))
    assert result.rc == 1 and "keytab /nonexistent.keytab is missing" in result.stderr
    assert result.namenode_calls() == []


def test_zkfc_writes_its_jaas_client_section_before_formatzk(sandbox):
    jaas = sandbox.root / "jaas" / "client.conf"
    result = sandbox.run("zkfc-start.sh", env={**ZKFC_ENV, **secure_env(sandbox, ZK_JAAS_FILE=str(jaas))})
    assert result.rc == 0, result
    assert result.hdfs() == [FORMAT_ZK, ["zkfc"]]
    assert jaas.read_text().startswith("Client {")
    # Not secure: no JAAS file even when a path is given.
    other = sandbox.root / "jaas" / "unused.conf"
    result = sandbox.run("zkfc-start.sh", env={**ZKFC_ENV, "ZK_JAAS_FILE": str(other)})
    assert result.rc == 0 and not other.exists()


def test_zookeeper_start_with_sasl_writes_the_server_section(sandbox):
    jaas = sandbox.root / "jaas" / "server.conf"
    env = {**zk_env(sandbox, GIB), **secure_env(sandbox, ZK_JAAS_FILE=str(jaas),
           KERBEROS_PRINCIPAL="zookeeper/hdfs-zookeeper-2.zk-headless.ns.svc.cluster.local@EXAMPLE.COM")}
    result = sandbox.run("zookeeper-start.sh", env=env)
    assert result.rc == 0, result
    [call] = result.calls
    assert call["env"]["SERVER_JVMFLAGS"] == f"-Djava.security.auth.login.config={jaas}"
    text = jaas.read_text()
    assert text.startswith("Server {") and 'principal="zookeeper/hdfs-zookeeper-2.' in text


def test_hdfs_test_logs_in_first_when_secure(sandbox):
    sandbox.scenario["all_service_state"] = "nn0:8020 active\nnn1:8020 standby\n"
    result = sandbox.run("hdfs-test.sh", env={"POD_NAME": "t", "HDFS_NAMESERVICE": "hdfs",
                                              "HDFS_HA_ENABLED": "true", **secure_env(sandbox)})
    assert result.rc == 0, result
    assert result.calls[0]["prog"] == "kinit"

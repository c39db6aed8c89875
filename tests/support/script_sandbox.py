"""Run the HDFS chart's bash scripts as the chart runs them, against fakes.

A Sandbox is a temp dir whose bin/ holds fake `hdfs`, `hadoop`, `java` (ZooKeeperMain) and
`zkServer.sh` programs (tests/unit/fakes/fake_hadoop.py) that record every call and answer
from a per-test scenario; HttpServer serves JournalNode/NameNode JMX on 127.0.0.1.
Used by tests/unit/test_hdfs_scripts.py and tests/local/ (which swaps fakes for real programs).
"""

import http.server
import json
import os
import shlex
import socket
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "charts" / "hdfs" / "files" / "scripts"
FAKE = REPO / "tests" / "unit" / "fakes" / "fake_hadoop.py"
FAKE_PROGRAMS = ("hdfs", "hadoop", "java", "zkServer.sh", "kinit")


# --------------------------------------------------------------------------------------
# Running scripts against fakes
# --------------------------------------------------------------------------------------
class Result:
    def __init__(self, proc, calls):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.calls = calls

    def hdfs(self, prefix=()):
        """argv of every recorded `hdfs` call (optionally only those starting with prefix)."""
        found = [c["argv"] for c in self.calls if c["prog"] == "hdfs"]
        return [a for a in found if a[: len(prefix)] == list(prefix)]

    def namenode_calls(self, allow_force=False):
        """argv of every `hdfs namenode` call; fails on -force unless allow_force (the one case the
        bootstrap script uses it: journals an interrupted format left, never written to)."""
        calls = self.hdfs(["namenode"])
        for argv in calls:
            assert allow_force or "-force" not in argv, f"format/bootstrap must never use -force: {argv}"
        return calls

    def haadmin_state_queries(self, nn_id):
        return [a for a in self.hdfs(["haadmin"]) if a[-2:] == ["-getServiceState", nn_id]]

    def zk_commands(self):
        return [self._without_jvm_props(c["argv"])[5:] for c in self.calls if c["prog"] == "java"]

    def zk_jvm_props(self):
        """The leading -D options of every ZooKeeper CLI call (list of lists of str)."""
        return [c["argv"][:len(c["argv"]) - len(self._without_jvm_props(c["argv"]))]
                for c in self.calls if c["prog"] == "java"]

    @staticmethod
    def _without_jvm_props(argv):
        while argv and argv[0].startswith("-D"):
            argv = argv[1:]
        return argv

    def __repr__(self):
        return f"rc={self.rc}\n--- stderr ---\n{self.stderr}\n--- calls ---\n{self.calls}"


class Sandbox:
    """A temp dir with fake Hadoop programs on PATH, a scenario file and an invocation log."""

    def __init__(self, root, fakes=FAKE_PROGRAMS):
        """root: empty temp dir (Path); fakes: names of the programs to fake (tuple of str)."""
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir()
        for prog in fakes:
            wrapper = self.bin / prog
            wrapper.write_text(
                f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(FAKE))} '
                f'{prog} "$@"\n')
            wrapper.chmod(0o755)
        self.state = root / "state"
        self.state.mkdir()
        self.scenario_file = self.state / "scenario.json"
        self.log = root / "calls.jsonl"
        self.scenario = {}

    def znodes(self):
        path = self.state / "znodes.json"
        return json.loads(path.read_text()) if path.exists() else self.scenario.get("znodes", {})

    def run(self, script, *args, env=None, timeout=30):
        self.scenario_file.write_text(json.dumps(self.scenario))
        self.log.write_text("")
        full_env = {
            "PATH": f"{self.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
            "HADOOP_CONF_DIR": str(self.root / "conf"),
            "FAKE_SCENARIO": str(self.scenario_file),
            "FAKE_LOG": str(self.log),
        }
        full_env.update(env or {})
        proc = subprocess.run(
            ["bash", "-euo", "pipefail", str(SCRIPTS / script), *args],
            env=full_env, capture_output=True, text=True, timeout=timeout)
        calls = [json.loads(line) for line in self.log.read_text().splitlines() if line]
        return Result(proc, calls)


# --------------------------------------------------------------------------------------
# Tiny servers on 127.0.0.1
# --------------------------------------------------------------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        status, body = self.server.respond(self.path)
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class HttpServer:
    """HTTP server in a thread; `respond(path) -> (status, body)` decides the answer."""

    def __init__(self, respond):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.respond = respond
        self.requests = []
        self.port = self.httpd.server_address[1]
        self.address = f"127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def jmx(bean):
    """Hadoop-style JMX JSON (`"key" : value` spacing) for one bean."""
    return json.dumps({"beans": [bean]}, indent=2, separators=(",", " : "))


def journalnode_jmx(journals):
    """JournalNodeInfo bean; `journals` maps journal id -> "true"/"false" (Formatted)."""
    status = {jid: {"Formatted": formatted} for jid, formatted in journals.items()}
    return jmx({
        "name": "Hadoop:service=JournalNode,name=JournalNodeInfo",
        "modelerType": "org.apache.hadoop.hdfs.qjournal.server.JournalNode",
        "JournalsStatus": json.dumps(status, separators=(",", ":")),
        "ClusterIds": ["CID-5d0b6b7e"] if journals else [],
        "Version": "3.3.6, r1be78238728da9266a4f88195058f08fd012bf9c",
        "RpcPortNumber": 8485,
        "HttpServerURI": "http://0.0.0.0:8480",
    })


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

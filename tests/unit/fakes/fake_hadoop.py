"""Fake `hdfs`, `hadoop`, `java` (ZooKeeperMain only) and `zkServer.sh` for the script tests.

Invoked as ``python fake_hadoop.py <program-name> <argv...>`` by small wrapper scripts that
the tests put first on PATH. Every invocation is appended to $FAKE_LOG as one JSON line
({"prog": ..., "argv": [...], "env": {...}}). Behaviour comes from the JSON scenario file
$FAKE_SCENARIO; mutable state (znodes, counters, the fake HDFS namespace) lives next to it.

Scenario keys (all optional):
  hadoop_classpath: what `hadoop classpath` prints (tests/local point it at a real ZooKeeper jar)
  peers:            {"nn1": {"state": "active", "after": 0}}  -- `haadmin -getServiceState`:
                    answers `state` once it has been asked `after` times before; ids not
                    listed behave like a NameNode that is down (connection refused, exit 255)
  format_rc:        exit code of `hdfs namenode -format` (default 0)
  bootstrap_rc:     exit code of `hdfs namenode -bootstrapStandby` (default 0); a list gives the
                    codes of successive calls (the last one repeats)
  bootstrap_stderr: what a failing -bootstrapStandby prints on stderr
  formatzk_rcs:     exit codes of successive `hdfs zkfc -formatZK` calls (last one repeats)
  zkfc_rc:          exit code of the long-running `hdfs zkfc` (default 0)
  zk_unreachable:   ZooKeeperMain fails with connection loss
  znodes:           initial ZooKeeper znodes {path: data}
  all_service_state: stdout of `hdfs haadmin -getAllServiceState`
  cat_mangle:       `hdfs dfs -cat` returns different bytes than were written
  https:            {"host:port/path": body} answered by `hadoop fs -cat https://host:port/path`
                    (HTTPS JMX through the Hadoop client); other URLs fail like a refused connection
  kinit_rc:         exit code of `kinit` (default 0)
"""

import base64
import fcntl
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

SCENARIO_FILE = Path(os.environ["FAKE_SCENARIO"])
STATE_DIR = SCENARIO_FILE.parent
LOG_FILE = Path(os.environ["FAKE_LOG"])
LOGGED_ENV = ("ZK_SERVER_HEAP", "HADOOP_CLIENT_OPTS", "SERVER_JVMFLAGS", "KRB5CCNAME")


def scenario():
    return json.loads(SCENARIO_FILE.read_text())


@contextmanager
def locked_state(name, default):
    """Read-modify-write a JSON state file under an exclusive lock (atomic for the fakes)."""
    path = STATE_DIR / name
    with open(STATE_DIR / (name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(path.read_text()) if path.exists() else default
        yield state
        path.write_text(json.dumps(state))


def record(prog, argv):
    entry = {"prog": prog, "argv": argv,
             "env": {k: os.environ[k] for k in LOGGED_ENV if k in os.environ}}
    with open(LOG_FILE, "a") as log:
        log.write(json.dumps(entry) + "\n")


def bump(counter):
    """Return how many times `counter` was bumped before this call."""
    with locked_state("counters.json", {}) as counters:
        seen = counters.get(counter, 0)
        counters[counter] = seen + 1
    return seen


def connection_refused(target):
    print(f"Operation failed: Call From fake-pod to {target} failed on connection exception: "
          "java.net.ConnectException: Connection refused", file=sys.stderr)
    print("        at org.apache.hadoop.ipc.Client.call(Client.java:1)", file=sys.stderr)
    return 255


# --- hdfs -------------------------------------------------------------------------------
def hdfs_haadmin(args, sc):
    if "-getServiceState" in args:
        nn_id = args[args.index("-getServiceState") + 1]
        asked_before = bump("haadmin-" + nn_id)
        peer = sc.get("peers", {}).get(nn_id)
        if peer is None or asked_before < peer.get("after", 0):
            return connection_refused(nn_id)
        print(peer["state"])
        return 0
    if "-getAllServiceState" in args:
        sys.stdout.write(sc.get("all_service_state", ""))
        return 0
    print(f"fake haadmin: unsupported {args}", file=sys.stderr)
    return 99


def hdfs_namenode(args, sc):
    if "-format" in args:
        rc = sc.get("format_rc", 0)
        if rc == 0:
            write_metadata()
        return rc
    if "-bootstrapStandby" in args:
        rcs = sc.get("bootstrap_rc", 0)
        rcs = rcs if isinstance(rcs, list) else [rcs]
        rc = rcs[min(bump("bootstrap_calls"), len(rcs) - 1)]
        if rc == 0:
            write_metadata()
        else:
            print(sc.get("bootstrap_stderr", ""), file=sys.stderr)
        return rc
    print(f"fake namenode: unsupported {args}", file=sys.stderr)
    return 99


def write_metadata():
    """What a successful format or bootstrapStandby leaves: VERSION, seen_txid and an fsimage."""
    current = Path(os.environ["NAMENODE_NAME_DIR"]) / "current"
    current.mkdir(parents=True, exist_ok=True)
    (current / "VERSION").write_text("namespaceID=1\n")
    (current / "seen_txid").write_text("0\n")
    (current / "fsimage_0000000000000000000").write_text("image")


def hdfs_zkfc(args, sc):
    if "-formatZK" in args:
        rcs = sc.get("formatzk_rcs", [0])
        return rcs[min(bump("formatZK"), len(rcs) - 1)]
    print("fake zkfc running")
    return sc.get("zkfc_rc", 0)


def fs_file(remote):
    store = STATE_DIR / "hdfs-fs"
    store.mkdir(exist_ok=True)
    return store / base64.urlsafe_b64encode(remote.encode()).decode()


def hdfs_dfs(args, sc):
    op, rest = args[0], [a for a in args[1:] if not a.startswith("-")]
    if op == "-mkdir":
        return 0
    if op == "-put":
        local, remote = rest
        target = fs_file(remote)
        if target.exists():
            print(f"put: `{remote}': File exists", file=sys.stderr)
            return 1
        target.write_bytes(Path(local).read_bytes())
        return 0
    if op == "-cat":
        target = fs_file(rest[0])
        if not target.exists():
            print(f"cat: `{rest[0]}': No such file or directory", file=sys.stderr)
            return 1
        data = target.read_bytes()
        sys.stdout.buffer.write(data + b"garbage" if sc.get("cat_mangle") else data)
        return 0
    if op == "-rm":
        target = fs_file(rest[0])
        if target.exists():
            target.unlink()
            return 0
        return 0 if "-f" in args else 1
    print(f"fake dfs: unsupported {args}", file=sys.stderr)
    return 99


def hdfs(argv, sc):
    handlers = {"haadmin": hdfs_haadmin, "namenode": hdfs_namenode,
                "zkfc": hdfs_zkfc, "dfs": hdfs_dfs}
    if not argv or argv[0] not in handlers:
        print(f"fake hdfs: unsupported {argv}", file=sys.stderr)
        return 99
    return handlers[argv[0]](argv[1:], sc)


# --- hadoop / java (ZooKeeperMain) / zkServer.sh -----------------------------------------
def hadoop(argv, sc):
    if argv == ["classpath"]:
        print(sc.get("hadoop_classpath", "/opt/hadoop/etc/hadoop:/opt/hadoop/share/hadoop/common/lib/*"))
        return 0
    if argv[:2] == ["fs", "-cat"] and argv[2].startswith("https://"):
        url = argv[2][len("https://"):]
        if url in sc.get("https", {}):
            sys.stdout.write(sc["https"][url])
            return 0
        print(f"cat: java.net.ConnectException: Connection refused ({url})", file=sys.stderr)
        return 1
    return 99


def kinit(argv, sc):
    return sc.get("kinit_rc", 0)


def java(argv, sc):
    while argv and argv[0].startswith("-D"):  # JVM system properties (ZooKeeper SASL)
        argv = argv[1:]
    if (len(argv) < 6 or argv[0] != "-cp" or argv[2] != "org.apache.zookeeper.ZooKeeperMain"
            or argv[3] != "-server"):
        print(f"fake java: unexpected command line {argv}", file=sys.stderr)
        return 99
    command, args = argv[5], argv[6:]
    print(f"Connecting to {argv[4]}")
    if sc.get("zk_unreachable"):
        print("KeeperErrorCode = ConnectionLoss", file=sys.stderr)
        return 1
    print("\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null")
    with locked_state("znodes.json", dict(sc.get("znodes", {}))) as znodes:
        path = args[0]
        if command == "create":
            parent = path.rsplit("/", 1)[0]
            if parent and parent not in znodes:
                print(f"Node does not exist: {parent}", file=sys.stderr)
                return 1
            if path in znodes:
                print(f"Node already exists: {path}", file=sys.stderr)
                return 1
            znodes[path] = args[1] if len(args) > 1 else ""
            print(f"Created {path}")
            return 0
        if command == "get":
            if path not in znodes:
                print(f"Node does not exist: {path}", file=sys.stderr)
                return 1
            print(znodes[path])
            return 0
    print(f"fake ZooKeeperMain: unsupported command {command}", file=sys.stderr)
    return 99


def zkserver(argv, sc):
    print("fake ZooKeeper server started")
    return 0


def main():
    prog, argv = sys.argv[1], sys.argv[2:]
    record(prog, argv)
    handler = {"hdfs": hdfs, "hadoop": hadoop, "java": java, "zkServer.sh": zkserver, "kinit": kinit}[prog]
    sys.exit(handler(argv, scenario()))


if __name__ == "__main__":
    main()

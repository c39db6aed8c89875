"""A real ZooKeeper server for tests/local, from Debian's zookeeper package.

start_standalone(tmp_dir) runs org.apache.zookeeper.server.ZooKeeperServerMain on a free
127.0.0.1 port and returns a ZooKeeperServer; stop() kills it. The caller skips the test
when available() is False (reason: what is missing).
"""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ZOOKEEPER_JAR = Path("/usr/share/java/zookeeper.jar")
CLASSPATH = f"/etc/zookeeper/conf:{ZOOKEEPER_JAR}"


def available():
    """(bool, reason): whether a real ZooKeeper server and java can run here."""
    if not ZOOKEEPER_JAR.exists():
        return False, f"{ZOOKEEPER_JAR} missing: Debian's zookeeper package is not installed (bin/setup installs it as root)"
    if not shutil.which("java"):
        return False, "no java on PATH"
    return True, ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ZooKeeperServer:
    """A standalone ZooKeeper server process on 127.0.0.1:port, data under tmp_dir.

    max_session_timeout_ms: the server's maxSessionTimeout (ZooKeeper caps every client's requested
    session timeout at it; default None keeps ZooKeeper's default, 20 x tickTime = 40000 ms)."""

    def __init__(self, tmp_dir, max_session_timeout_ms=None):
        self.port = free_port()
        self.dir = Path(tmp_dir)
        (self.dir / "data").mkdir(parents=True, exist_ok=True)
        cfg = self.dir / "zoo.cfg"
        cfg.write_text(f"dataDir={self.dir / 'data'}\nclientPort={self.port}\nclientPortAddress=127.0.0.1\n"
                       "tickTime=2000\nadmin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n"
                       + (f"maxSessionTimeout={max_session_timeout_ms}\n" if max_session_timeout_ms else ""))
        self.log = open(self.dir / "server.log", "w")
        self.proc = subprocess.Popen(
            ["java", "-Xmx256m", "-cp", CLASSPATH, "org.apache.zookeeper.server.ZooKeeperServerMain", str(cfg)],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "JAVA_TOOL_OPTIONS": ""})
        self._wait_serving(timeout=30)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def _wait_serving(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ZooKeeper exited: {(self.dir / 'server.log').read_text()[-2000:]}")
            try:
                # "ruok" answers imok before the server serves requests; "srvr" tells.
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"srvr")
                    if b"Mode: " in s.makefile("rb").read():
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"ZooKeeper did not serve within {timeout}s")

    def cli(self, *args, timeout=60):
        """Run one ZooKeeperMain command; return CompletedProcess (text)."""
        return subprocess.run(["java", "-cp", CLASSPATH, "org.apache.zookeeper.ZooKeeperMain", "-server",
                               self.address, *args], capture_output=True, text=True, timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()

"""A throwaway MIT Kerberos KDC for tests/local (Debian's krb5-kdc, krb5-admin-server, krb5-user).

KDC(tmp_dir, realm, host) creates a realm database under tmp_dir (``kdb5_util create -s`` with a
random master password), starts ``krb5kdc -n`` (foreground) listening on a free port of ``host``
(default 127.0.0.1; the pods of tests/local/kubelet.py reach it on their bridge's address; UDP and
TCP), and waits until it accepts TCP connections. Every tool runs with its own environment
(KRB5_CONFIG = <tmp_dir>/krb5.conf, KRB5_KDC_PROFILE = <tmp_dir>/kdc.conf), so the machine's
/etc/krb5.conf and /etc/krb5kdc are never read or changed.

    kdc = KDC(tmp_path)
    kdc.add_principal("hdfs/host.example@LOCAL.TEST")
    kdc.export_keytab(tmp_path / "hdfs.keytab", "hdfs/host.example@LOCAL.TEST")
    kdc.stop()

The caller skips its tests when available() is False (the reason names what is missing).
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

TOOLS = ("krb5kdc", "kdb5_util", "kadmin.local", "kinit", "klist")
SBIN = ("/usr/sbin", "/usr/local/sbin")


def tool(name):
    """Absolute path of a Kerberos tool (searched on PATH, then /usr/sbin), or None."""
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(SBIN))


def available():
    """(bool, reason): whether an MIT KDC and its client tools can run here.

    reason names the missing programs and the Debian packages holding them (installed by bin/setup)."""
    missing = [t for t in TOOLS if not tool(t)]
    if missing:
        return False, (f"MIT Kerberos tools missing: {', '.join(missing)} (Debian packages krb5-kdc, "
                       "krb5-admin-server and krb5-user; bin/setup installs them as root)")
    return True, ""


def free_port():
    """A TCP port on 127.0.0.1 that is free now (int)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class KadminError(RuntimeError):
    """kadmin.local reported an error (the message holds its output)."""


class KDC:
    """An MIT KDC for ``realm`` on 127.0.0.1:<port>, its database and logs under ``tmp_dir``.

    Attributes: realm (str), port (int), address ("127.0.0.1:<port>"), dir (Path),
    env (dict: the environment the Kerberos tools of this realm run with)."""

    def __init__(self, tmp_dir, realm="LOCAL.TEST", ticket_lifetime="1h", host="127.0.0.1"):
        self.realm = realm
        self.host = host
        self.dir = Path(tmp_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.address = f"{host}:{self.port}"
        (self.dir / "kdc.conf").write_text(
            "[kdcdefaults]\n"
            f"  kdc_listen = {host}:{self.port}\n"
            f"  kdc_tcp_listen = {host}:{self.port}\n"
            "[realms]\n"
            f"  {realm} = {{\n"
            f"    database_name = {self.dir / 'principal'}\n"
            f"    key_stash_file = {self.dir / 'stash'}\n"
            f"    acl_file = {self.dir / 'kadm5.acl'}\n"
            f"    max_life = {ticket_lifetime}\n"
            "    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n"
            "  }\n"
            "[logging]\n"
            f"  kdc = FILE:{self.dir / 'kdc.log'}\n"
            f"  admin_server = FILE:{self.dir / 'kadmin.log'}\n")
        (self.dir / "kadm5.acl").write_text("")
        # The KDC's own client configuration (used by kadmin.local for the default realm, and by
        # tests that want a known-good krb5.conf to compare with).
        self.krb5_conf = self.dir / "krb5.conf"
        self.krb5_conf.write_text(
            "[libdefaults]\n"
            f"  default_realm = {realm}\n"
            "  dns_lookup_kdc = false\n"
            "  dns_lookup_realm = false\n"
            "  rdns = false\n"
            "[realms]\n"
            f"  {realm} = {{\n    kdc = {self.address}\n  }}\n")
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                    "KRB5_CONFIG": str(self.krb5_conf), "KRB5_KDC_PROFILE": str(self.dir / "kdc.conf"),
                    "KRB5CCNAME": f"FILE:{self.dir / 'ccache'}"}
        self._run(tool("kdb5_util"), "create", "-s", "-r", realm, "-P", secrets.token_urlsafe(24))
        self.log = open(self.dir / "krb5kdc.out", "w")
        self.proc = subprocess.Popen([tool("krb5kdc"), "-n", "-r", realm], env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_listening(timeout=20)

    def _run(self, *argv, timeout=30):
        proc = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise KadminError(f"{' '.join(map(str, argv[:2]))} failed ({proc.returncode}): {proc.stderr}{proc.stdout}")
        return proc

    def _wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"krb5kdc exited ({self.proc.returncode}): {self.logs()}")
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"krb5kdc did not listen on {self.address} within {timeout}s: {self.logs()}")

    def kadmin(self, query):
        """Run one kadmin.local query (str) on this realm; return its stdout.

        Raises KadminError when kadmin.local fails or prints an error (it exits 0 for some)."""
        proc = self._run(tool("kadmin.local"), "-r", self.realm, "-q", query)
        # kadmin.local reports most query errors on stderr without a non-zero exit code.
        # Informational lines are not errors: who kadmin.local acts as, and "No policy specified".
        errors = [line for line in proc.stderr.splitlines()
                  if line.strip() and not line.startswith(("Authenticating as principal", "No policy specified"))]
        if errors:
            raise KadminError(f"kadmin.local -q {query!r}: {' '.join(errors)}")
        return proc.stdout

    def principal(self, name):
        """``name`` with this realm appended when it has none (str)."""
        return name if "@" in name else f"{name}@{self.realm}"

    def add_principal(self, name):
        """Create principal ``name`` (realm optional) with random keys; return its full name."""
        full = self.principal(name)
        self.kadmin(f"addprinc -randkey {full}")
        return full

    def export_keytab(self, path, *names):
        """Write the keys of ``names`` to keytab ``path`` (Path). Like `ktadd`, this gives each
        principal new random keys (its key version number goes up), so older keytabs stop working."""
        self.kadmin(f"ktadd -k {path} " + " ".join(self.principal(n) for n in names))
        return Path(path)

    def change_keys(self, name):
        """New random keys for ``name`` (`cpw -randkey`): keytabs exported before are refused."""
        self.kadmin(f"cpw -randkey {self.principal(name)}")

    def logs(self):
        """The KDC's log (str, last 3000 characters), for failure messages."""
        path = self.dir / "kdc.log"
        return path.read_text()[-3000:] if path.exists() else ""

    def stop(self):
        """Kill the KDC process (idempotent)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.log.close()

"""The cluster's certificates, made with openssl: one CA, the serving certificates of the API server
and the kubelet, a client certificate per component, and the service-account key pair.

Identities follow Kubernetes' documented names (kubernetes.io/docs/setup/best-practices/certificates/
and the Node authorizer's ``system:node:<name>`` in group ``system:nodes``). The API server's
client certificate for the kubelet and kube-router's are in ``system:masters``: this cluster is a
test fixture on one machine, not a production control plane.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from chartsuite.cluster import layout

CLIENTS = {  # file stem: (CN, O)
    "admin": ("chartsuite-admin", "system:masters"),
    "kube-controller-manager": ("system:kube-controller-manager", ""),
    "kube-scheduler": ("system:kube-scheduler", ""),
    "kubelet-client": (f"system:node:{layout.NODE_NAME}", "system:nodes"),
    "kube-proxy": ("system:kube-proxy", ""),
    "apiserver-kubelet-client": ("kube-apiserver-kubelet-client", "system:masters"),
    "kube-router": ("kube-router", "system:masters"),
}


def _openssl(*args: str, cwd: Path) -> None:
    """Run openssl quietly in ``cwd``; raises subprocess.CalledProcessError with its output on failure."""
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _certificate(pki: Path, stem: str, subject: str, extensions: str) -> None:
    """A 2048-bit RSA key ``stem.key`` and a certificate ``stem.crt`` signed by the CA, valid 30 days."""
    (pki / f"{stem}.ext").write_text(extensions)
    _openssl("genrsa", "-out", f"{stem}.key", "2048", cwd=pki)
    _openssl("req", "-new", "-key", f"{stem}.key", "-subj", subject, "-out", f"{stem}.csr", cwd=pki)
    _openssl("x509", "-req", "-in", f"{stem}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "30", "-sha256", "-extfile", f"{stem}.ext", "-out", f"{stem}.crt", cwd=pki)


def create(pki: Path) -> None:
    """Write every certificate and key into ``pki`` (created; existing files are replaced).

    Files: ``ca.{crt,key}``; ``apiserver.{crt,key}`` (SANs: the node address, the kubernetes Service
    address, 127.0.0.1 and the kubernetes.default names); ``kubelet.{crt,key}`` (serving, SANs the
    node address and name); one ``<stem>.{crt,key}`` per entry of CLIENTS; ``sa.key``/``sa.pub``.
    Raises:
        subprocess.CalledProcessError: openssl failed.
    """
    pki.mkdir(parents=True, exist_ok=True)
    _openssl("genrsa", "-out", "ca.key", "2048", cwd=pki)
    _openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=chartsuite-test-cluster-ca", "-days", "30",
             "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", "-out", "ca.crt", cwd=pki)
    names = ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
             f"kubernetes.default.svc.{layout.CLUSTER_DOMAIN}", "localhost"]
    sans = ",".join([f"IP:{layout.NODE_IP}", f"IP:{layout.API_SERVICE_IP}", "IP:127.0.0.1"]
                    + [f"DNS:{n}" for n in names])
    server = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    _certificate(pki, "apiserver", "/CN=kube-apiserver",
                 server + f"extendedKeyUsage=serverAuth\nsubjectAltName={sans}\n")
    _certificate(pki, "kubelet", f"/CN={layout.NODE_NAME}",
                 server + f"extendedKeyUsage=serverAuth\nsubjectAltName=IP:{layout.NODE_IP},DNS:{layout.NODE_NAME}\n")
    for stem, (cn, org) in CLIENTS.items():
        subject = f"/CN={cn}" + (f"/O={org}" if org else "")
        _certificate(pki, stem, subject, server + "extendedKeyUsage=clientAuth\n")
    _openssl("genrsa", "-out", "sa.key", "2048", cwd=pki)
    _openssl("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=pki)
    for leftover in list(pki.glob("*.csr")) + list(pki.glob("*.ext")):
        leftover.unlink()


def kubeconfig(path: Path, pki: Path, stem: str, server: str) -> None:
    """Write a kubeconfig at ``path`` for client certificate ``stem`` against ``server`` (an https URL),
    the CA and the key referenced by absolute path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""apiVersion: v1
kind: Config
clusters:
- name: chartsuite
  cluster:
    certificate-authority: {pki / 'ca.crt'}
    server: {server}
users:
- name: {stem}
  user:
    client-certificate: {pki / f'{stem}.crt'}
    client-key: {pki / f'{stem}.key'}
contexts:
- name: chartsuite
  context:
    cluster: chartsuite
    user: {stem}
current-context: chartsuite
""")

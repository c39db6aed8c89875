"""A real single-node Kubernetes on this machine, for the live tests (``bin/cluster up|down|status``).

Real upstream components only: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet
and kube-proxy built from the Go module proxy (tools/go/*), containerd, runc and the CNI plugins from
Debian, CoreDNS (only its ``kubernetes`` plugin: no upstream resolver), kube-router as the
NetworkPolicy enforcer and local-path-provisioner as the default StorageClass. The charts' images are
the image twins (twins/*/image.yaml) packed as OCI images and imported into containerd.

Modules: ``layout`` (every address, port and path: the one place for them), ``pki`` (certificates),
``machine`` (what the cluster changes on the machine, recorded and undone), ``components`` (each
process's configuration and command line), ``images`` and ``oci`` (images without a registry),
``addons`` (CoreDNS, local-path-provisioner), ``cluster`` (up, down, status).
"""

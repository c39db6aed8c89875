"""netpol: the NetworkPolicy evaluator the render tests rely on, checked on hand-written
policies whose answers follow the NetworkPolicy API documentation, and shown to catch broken ones."""
import pytest

import netpol
from netpol import Pod

NS = "data"


def policy(selector, ingress, namespace=NS, types=("Ingress",)):
    return {"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": namespace},
            "spec": {"podSelector": selector, "policyTypes": list(types), "ingress": ingress}}


SERVER = Pod("server", NS, {"app": "db", "tier": "back"}, ports={"rpc": 8020, "http": 9870}, numbers={8020, 9870})
FRIEND = Pod("friend", NS, {"app": "web"})
STRANGER = Pod("stranger", NS, {})
FAR_FRIEND = Pod("far-friend", "elsewhere", {"app": "web"})
NODE = Pod("node", NS, {"app": "web"}, host_network=True, ip="10.1.2.3")

ONLY_FRIENDS_ON_RPC = policy({"matchLabels": {"app": "db"}},
                             [{"ports": [{"port": "rpc"}], "from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}])


def test_unselected_pod_accepts_everything():
    other = policy({"matchLabels": {"app": "other"}}, [])
    assert netpol.allowed(STRANGER, SERVER, 8020, [other])


def test_selected_pod_without_rules_accepts_nothing():
    assert not netpol.allowed(FRIEND, SERVER, 8020, [policy({}, [])])


def test_named_port_and_pod_selector():
    assert netpol.allowed(FRIEND, SERVER, "rpc", [ONLY_FRIENDS_ON_RPC])
    assert netpol.allowed(FRIEND, SERVER, 8020, [ONLY_FRIENDS_ON_RPC])
    assert not netpol.allowed(FRIEND, SERVER, "http", [ONLY_FRIENDS_ON_RPC])
    assert not netpol.allowed(STRANGER, SERVER, "rpc", [ONLY_FRIENDS_ON_RPC])


def test_pod_selector_alone_stays_in_the_policy_namespace():
    assert not netpol.allowed(FAR_FRIEND, SERVER, "rpc", [ONLY_FRIENDS_ON_RPC])


def test_namespace_selector_with_and_without_pod_selector():
    by_ns = policy({}, [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "elsewhere"}}}]}])
    assert netpol.allowed(FAR_FRIEND, SERVER, 8020, [by_ns])
    assert not netpol.allowed(FRIEND, SERVER, 8020, [by_ns])
    both = policy({}, [{"from": [{"namespaceSelector": {"matchLabels": {"team": "a"}},
                                  "podSelector": {"matchLabels": {"app": "web"}}}]}])
    assert netpol.allowed(FAR_FRIEND, SERVER, 8020, [both], namespaces={"elsewhere": {"team": "a"}})
    assert not netpol.allowed(FAR_FRIEND, SERVER, 8020, [both], namespaces={"elsewhere": {"team": "b"}})


def test_match_expressions():
    sel = {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]},
                                {"key": "blocked", "operator": "DoesNotExist"}]}
    p = policy({}, [{"from": [{"podSelector": sel}]}])
    assert netpol.allowed(FRIEND, SERVER, 1, [p])
    assert not netpol.allowed(Pod("b", NS, {"app": "web", "blocked": "1"}), SERVER, 1, [p])
    assert not netpol.allowed(STRANGER, SERVER, 1, [p])
    with pytest.raises(ValueError, match="operator"):
        netpol.selector_matches({"matchExpressions": [{"key": "a", "operator": "Near"}]}, {})


def test_port_range_and_empty_rule_parts():
    ranged = policy({}, [{"ports": [{"port": 4040, "endPort": 4056}]}])
    assert netpol.allowed(STRANGER, SERVER, 4041, [ranged])
    assert not netpol.allowed(STRANGER, SERVER, 4057, [ranged])
    assert netpol.allowed(STRANGER, SERVER, 12345, [policy({}, [{}])])
    udp = policy({}, [{"ports": [{"port": 53, "protocol": "UDP"}]}])
    assert not netpol.allowed(STRANGER, SERVER, 53, [udp])


def test_host_network_pods_are_not_subject_and_only_match_ip_blocks():
    host_server = Pod("host-server", NS, {"app": "db"}, host_network=True)
    assert netpol.allowed(STRANGER, host_server, 8020, [ONLY_FRIENDS_ON_RPC])
    assert not netpol.allowed(NODE, SERVER, "rpc", [ONLY_FRIENDS_ON_RPC])
    blocks = policy({}, [{"from": [{"ipBlock": {"cidr": "10.1.0.0/16", "except": ["10.1.9.0/24"]}}]}])
    assert netpol.allowed(NODE, SERVER, 8020, [blocks])
    assert not netpol.allowed(Pod("n2", NS, {}, host_network=True, ip="10.1.9.9"), SERVER, 8020, [blocks])
    assert not netpol.allowed(FRIEND, SERVER, 8020, [blocks])


def test_policies_of_other_namespaces_do_not_select():
    assert netpol.allowed(STRANGER, SERVER, 8020, [policy({}, [], namespace="elsewhere")])


def test_unknown_port_name_and_egress_are_errors():
    with pytest.raises(ValueError, match="no container port named 'nope'"):
        netpol.allowed(FRIEND, SERVER, "nope", [])
    with pytest.raises(ValueError, match="Egress"):
        netpol.policies_from_objects([policy({}, [], types=("Ingress", "Egress"))])


def test_pods_from_objects_reads_templates_ports_and_host_network():
    objects = [{"kind": "StatefulSet", "metadata": {"name": "nn"}, "spec": {"template": {
        "metadata": {"labels": {"c": "nn"}},
        "spec": {"hostNetwork": True, "containers": [{"ports": [{"name": "rpc", "containerPort": 8020}]}],
                 "initContainers": [{"ports": [{"containerPort": 1}]}]}}}},
        {"kind": "ConfigMap", "metadata": {"name": "x"}}]
    [pod] = netpol.pods_from_objects(objects, NS)
    assert (pod.name, pod.namespace, pod.labels, pod.ports, pod.numbers, pod.host_network) == \
        ("StatefulSet/nn", NS, {"c": "nn"}, {"rpc": 8020}, {8020, 1}, True)


def test_check_matrix_reports_a_broken_policy():
    intended = [(FRIEND, SERVER, "rpc", True), (STRANGER, SERVER, "rpc", False)]
    assert netpol.check_matrix(intended, [ONLY_FRIENDS_ON_RPC]) == []
    # Broken: the rule forgot its "from", so every pod reaches the port.
    broken = policy({"matchLabels": {"app": "db"}}, [{"ports": [{"port": "rpc"}]}])
    assert netpol.check_matrix(intended, [broken]) == ["stranger -> server:rpc: expected denied, got allowed"]
    # Broken: the rule names a port the server does not have.
    typo = policy({"matchLabels": {"app": "db"}},
                  [{"ports": [{"port": "rcp"}], "from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}])
    assert netpol.check_matrix(intended, [typo]) == ["friend -> server:rpc: expected allowed, got denied"]

"""Hand-written lab specs used by the lab tests and the benchmark."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from countynet.lab.spec import HostNode, LabSpec, Link, PopNode, RouterNode, Segment, Shaping


def small_spec(name: str, mgmt_net: str = "172.28.90.0/24") -> LabSpec:
    """3 routers in a chain (r1-r2 20 Mbit/s, r2-r3 5 % loss), a sector on r3 with stations s1, s2,
    a PoP behind r1, a host behind s1; management on mgmt_net (gateway .1, routers .11-.13, .21, .22)."""
    ip = IPv4Interface
    net = IPv4Network(mgmt_net)

    def mgmt(host: int) -> IPv4Interface:
        return ip(f"{net[host]}/{net.prefixlen}")

    return LabSpec(
        name=name,
        mgmt_gateways=[mgmt(1)],
        nodes=[
            RouterNode("r1", mgmt(11), "ios"),
            RouterNode("r2", mgmt(12), "routeros"),
            RouterNode("r3", mgmt(13), "routeros"),
            RouterNode("s1", mgmt(21), "routeros"),
            RouterNode("s2", mgmt(22), None),
            PopNode(
                "pop",
                asn=65000,
                interfaces={"eth0": ip("10.255.0.1/30")},
                bgp_neighbors=[(IPv4Address("10.255.0.2"), 65101)],
                announce=[IPv4Network("10.200.0.0/24")],
                services=[(IPv4Address("10.200.0.10"), [443, 8080]), (IPv4Address("10.200.0.20"), [53])],
            ),
            HostNode("h1", {"eth0": ip("10.50.1.10/24")}, IPv4Address("10.50.1.1")),
        ],
        links=[
            Link("pop-r1", ("pop", "eth0"), ("r1", "nofbi0")),
            Link("r1-r2", ("r1", "eth1"), ("r2", "ether1"), Shaping(rate_mbit=20)),
            Link("r2-r3", ("r2", "ether2"), ("r3", "ether1"), Shaping(loss_pct=5)),
            Link("s1-h1", ("s1", "ether2"), ("h1", "eth0")),
        ],
        segments=[
            Segment("sector-a", ("r3", "wlan1"), [("s1", "wlan1", Shaping(rate_mbit=50)), ("s2", "wlan1", None)]),
        ],
    )


def chain_spec(name: str, n: int, mgmt_prefix: str = "172.29.0.0/16") -> LabSpec:
    """n routers in a chain (the scale benchmark)."""
    net = IPv4Network(mgmt_prefix)
    hosts = net.hosts()
    gw = next(hosts)
    nodes = [RouterNode(f"r{i}", IPv4Interface(f"{next(hosts)}/{net.prefixlen}"), "routeros") for i in range(n)]
    links = [Link(f"l{i}", (f"r{i}", "ether2"), (f"r{i + 1}", "ether1")) for i in range(n - 1)]
    return LabSpec(name, nodes, links, [], [IPv4Interface(f"{gw}/{net.prefixlen}")])

"""Turn a LabSpec into `ip`/`tc`/`nft` batch text: pure functions, so the plan is testable without root.

Shaping: tbf for rate on each end's egress; random loss with an nftables netdev-ingress rule on each
end, each direction dropping 1 - sqrt(1 - p) so that the round trip (what ping sees) loses p.
Delay is not emulated (no netem on this kernel).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from countynet.lab.spec import HostNode, LabSpec, PopNode, RouterNode, Shaping
from countynet.lab.state import lab_tag, netns_name

NFT_TABLE = "countynet_lab"


@dataclass
class NetPlan:
    """Batch lines per stage; per-namespace dicts are keyed by namespace name."""

    netns: list[str] = field(default_factory=list)
    root_links: list[str] = field(default_factory=list)
    root_batch: list[str] = field(default_factory=list)
    create: dict[str, list[str]] = field(default_factory=dict)
    configure: dict[str, list[str]] = field(default_factory=dict)
    tc: dict[str, list[str]] = field(default_factory=dict)
    nft: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def add(self, stage: dict[str, list[str]], ns: str, line: str) -> None:
        stage.setdefault(ns, []).append(line)


def mgmt_bridge(lab: str) -> str:
    return f"{lab_tag(lab)}br"


def mgmt_veth(lab: str, index: int) -> str:
    return f"{lab_tag(lab)}m{index}"


def tbf_line(dev: str, rate_mbit: float) -> str:
    """tbf sized for TCP to reach the rate: burst >= 4 ms of traffic, 50 ms queue."""
    rate_bps = rate_mbit * 1_000_000
    burst = max(16_000, int(rate_bps / 8 * 0.004))
    return f"qdisc replace dev {dev} root tbf rate {int(rate_bps)}bit burst {burst} latency 50ms"


def per_direction_permille(loss_pct: float) -> int:
    """Drop probability per direction (in 1/1000) giving `loss_pct` round-trip loss."""
    p = min(max(loss_pct, 0.0), 100.0) / 100.0
    return round(1000 * (1 - math.sqrt(1 - p)))


def nft_script(rules: list[tuple[str, int]]) -> str:
    chains = "".join(
        f'  chain in_{i} {{ type filter hook ingress device "{dev}" priority 0; policy accept;'
        f" numgen random mod 1000 < {permille} drop; }}\n"
        for i, (dev, permille) in enumerate(rules)
    )
    return f"table netdev {NFT_TABLE} {{\n{chains}}}\n"


def _shape(p: NetPlan, ns: str, dev: str, s: Shaping | None) -> None:
    """tbf for rate on `dev`'s egress, an nft ingress drop rule for loss."""
    if s is None:
        return
    if s.rate_mbit:
        p.add(p.tc, ns, tbf_line(dev, s.rate_mbit))
    permille = per_direction_permille(s.loss_pct)
    if permille > 0:
        p.nft.setdefault(ns, []).append((dev, permille))


def _mgmt(p: NetPlan, spec: LabSpec, ns: dict[str, str]) -> None:
    """The management bridge in the root namespace, one veth from it to each router's mgmt0."""
    br = mgmt_bridge(spec.name)
    if spec.routers:
        p.root_links.append(br)
        p.root_batch.append(f"link add {br} type bridge")
        p.root_batch += [f"addr add {g} dev {br}" for g in spec.mgmt_gateways]
        p.root_batch.append(f"link set {br} up")
    for i, r in enumerate(spec.routers):
        veth = mgmt_veth(spec.name, i)
        p.root_links.append(veth)
        p.root_batch.append(f"link add {veth} type veth peer name mgmt0 netns {ns[r.name]}")
        p.root_batch.append(f"link set {veth} master {br} up")
        p.add(p.configure, ns[r.name], f"addr add {r.mgmt} dev mgmt0")
        p.add(p.configure, ns[r.name], "link set mgmt0 up")


def _wires(p: NetPlan, spec: LabSpec, ns: dict[str, str]) -> None:
    """Links as veth pairs; segments (sectors) as a bridge on the owner with a veth per member."""
    for link in spec.links:
        (an, ai), (bn, bi) = link.a, link.b
        p.add(p.create, ns[an], f"link add {ai} type veth peer name {bi} netns {ns[bn]}")
        p.add(p.configure, ns[an], f"link set {ai} up")
        p.add(p.configure, ns[bn], f"link set {bi} up")
        _shape(p, ns[an], ai, link.shaping)
        _shape(p, ns[bn], bi, link.shaping)

    for j, seg in enumerate(spec.segments):
        on, oi = seg.owner
        p.add(p.create, ns[on], f"link add {oi} type bridge")
        p.add(p.configure, ns[on], f"link set {oi} up")
        for k, (mn, mi, s) in enumerate(seg.members):
            port = f"sg{j}m{k}"
            p.add(p.create, ns[on], f"link add {port} type veth peer name {mi} netns {ns[mn]}")
            p.add(p.create, ns[on], f"link set {port} master {oi}")
            p.add(p.configure, ns[on], f"link set {port} up")
            p.add(p.configure, ns[mn], f"link set {mi} up")
            _shape(p, ns[on], port, s)
            _shape(p, ns[mn], mi, s)


def plan(spec: LabSpec) -> NetPlan:
    p = NetPlan()
    ns = {n.name: netns_name(spec.name, n.name) for n in spec.nodes}
    p.netns = [ns[n.name] for n in spec.nodes]
    p.root_batch += [f"netns add {x}" for x in p.netns]
    _mgmt(p, spec, ns)
    for n in spec.nodes:
        p.add(p.configure, ns[n.name], "link set lo up")
    _wires(p, spec, ns)
    for n in spec.nodes:
        if isinstance(n, PopNode | HostNode):
            for ifname, addr in n.interfaces.items():
                p.add(p.configure, ns[n.name], f"addr add {addr} dev {ifname}")
        if isinstance(n, PopNode):
            for svc, _ports in n.services:
                p.add(p.configure, ns[n.name], f"addr add {svc}/32 dev lo")
        if isinstance(n, HostNode) and n.gateway is not None:
            p.add(p.configure, ns[n.name], f"route add default via {n.gateway}")
    return p


def is_frr_node(n: object) -> bool:
    return isinstance(n, RouterNode | PopNode)

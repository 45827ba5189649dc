"""The virtual lab: every device as a network namespace with FRR and sshd, links shaped like the radios.

lab = lab_up(spec)                        # or Lab.load(name) from another process
host, port, user, key = lab.ssh_target("r1")   # SSH with lab.known_hosts
lab.exec("r1", ["vtysh", "-c", "show ip route"])  # inside the node, from the host
lab_down(spec.name)                       # idempotent; cleanup_stale() for crashed runs
"""

from countynet.lab.build import lab_up
from countynet.lab.manager import (
    Lab,
    SshTarget,
    cleanup_stale,
    lab_down,
    lab_status,
    list_labs,
    require_lab_host,
    unavailable_reason,
)
from countynet.lab.spec import HostNode, LabSpec, Link, PopNode, RouterNode, Segment, Shaping

__all__ = [
    "HostNode",
    "Lab",
    "LabSpec",
    "Link",
    "PopNode",
    "RouterNode",
    "Segment",
    "Shaping",
    "SshTarget",
    "cleanup_stale",
    "lab_down",
    "lab_status",
    "lab_up",
    "list_labs",
    "require_lab_host",
    "unavailable_reason",
]

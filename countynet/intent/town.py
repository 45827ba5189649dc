"""Per-town facts computed once and shared by all of the town's devices' intents."""

from __future__ import annotations

from ipaddress import IPv4Interface

from countynet.allocate.addressing import handoff
from countynet.intent.names import MGMT_ACL
from countynet.intent.secrets import placeholder, ref_of
from countynet.inventory.loader import Inventory
from countynet.inventory.model import Town


class TownFacts:
    """Per-town facts computed once and shared by all of the town's devices."""

    def __init__(self, inv: Inventory, town: Town) -> None:
        net = inv.network
        m = net.management
        d = net.defaults
        self.town = town
        self.handoff = handoff(inv, town.name)
        pop = self.handoff.pop if self.handoff else next((p for p in inv.nofbi.pops if p.name == town.nofbi_pop), None)
        carried = [s for s in (pop.services if pop else []) if s in net.services]
        self.service_prefixes = sorted({str(p) for s in carried for p in net.services[s].prefixes})
        mgmt_gw = IPv4Interface((int(town.management.network_address) + 1, town.management.prefixlen))
        self.hello, self.dead = d.ospf_hello_s, d.ospf_dead_s
        self.bgp_keepalive, self.bgp_hold = d.bgp_keepalive_s, d.bgp_hold_s
        refs = {
            "admin_password": ref_of(m.admin_password, "admin_password"),
            "snmp_auth": ref_of(m.snmp_auth, "snmp_auth") if m.snmp == "v3" else None,
            "snmp_priv": ref_of(m.snmp_priv, "snmp_priv") if m.snmp == "v3" else None,
            "wireless_psk": ref_of(town.wireless.psk, f"{town.name}.wireless.psk")
            if town.wireless.security.endswith("psk")
            else None,
        }
        self.secrets = {k: v for k, v in refs.items() if v}
        self.management = {
            "gateway": str(mgmt_gw.ip),
            "subnet": str(town.management),
            "ntp": [str(a) for a in m.ntp_servers],
            "syslog": [str(a) for a in m.syslog_servers],
            "dns": [str(a) for a in m.dns_servers],
            "domain": m.domain,
            "banner": m.banner,
            "users": [
                {
                    "name": m.admin_user,
                    "privilege": 15,
                    "password": placeholder(refs["admin_password"]),
                    "ssh_key": m.ssh_public_key,
                }
            ],
            "snmp": {
                "version": "v3",
                "user": m.snmp_user,
                "auth": placeholder(refs["snmp_auth"]),
                "priv": placeholder(refs["snmp_priv"]),
            }
            if m.snmp == "v3" and refs["snmp_auth"] and refs["snmp_priv"]
            else None,
            "mgmt_acl": {"name": MGMT_ACL, "subnet": str(town.management), "port": 22},
        }
        self.wireless = {"security": town.wireless.security, "psk": placeholder(refs["wireless_psk"])}
        self.packages = {n: rm.radio_package for n, rm in net.radio_models.items()}
        self.carried = set(carried)



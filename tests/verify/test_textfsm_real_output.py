"""Our FRR TextFSM templates on real FRR 8.4 output captured from the lab (tests/verify/fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from countynet.verify.parse import ParseError, parse

FIX = Path(__file__).parent / "fixtures"


def test_base_station_sees_every_station_full_as_dr() -> None:
    rows = parse("frr", "show ip ospf neighbor", (FIX / "frr_bs_show_ip_ospf_neighbor.txt").read_text())
    sector = [r for r in rows if r["interface"].startswith("sec-")]
    assert len(sector) >= 10
    assert all(r["state"].startswith("Full/") for r in sector)
    assert {r["interface"] for r in rows} >= {"up0", "dn1", "sec-s1"}


def test_station_rows_include_two_way_neighbours() -> None:
    rows = parse("frr", "show ip ospf neighbor", (FIX / "frr_station_show_ip_ospf_neighbor.txt").read_text())
    assert rows and all(r["interface"] == "up0" for r in rows)
    assert any(r["state"].startswith("Full/") for r in rows)


def test_bgp_summary_with_a_description_column() -> None:
    rows = parse("frr", "show bgp summary", (FIX / "frr_hub_show_bgp_summary.txt").read_text())
    assert rows == [
        {
            "router_id": "10.96.128.5",
            "local_as": "65105",
            "neighbor": "10.254.0.8",
            "version": "4",
            "remote_as": "37061",
            "msg_rcvd": rows[0]["msg_rcvd"],
            "msg_sent": rows[0]["msg_sent"],
            "up_down": rows[0]["up_down"],
            "state_pfxrcd": "5",
            "pfxsnt": "1",
        }
    ]


def test_interface_brief() -> None:
    rows = parse("frr", "show interface brief", (FIX / "frr_hub_show_interface_brief.txt").read_text())
    by = {r["interface"]: r for r in rows}
    assert by["nofbi0"]["status"] == "up" and by["nofbi0"]["addresses"] == ["10.254.0.9/31"]
    assert set(by) >= {"lo", "mgmt0", "dn1", "dn2", "dn3"}


@pytest.mark.parametrize(
    "command,fixture",
    [
        ("show bgp summary", "frr_hub_show_bgp_summary.txt"),
        ("show ip ospf neighbor", "frr_bs_show_ip_ospf_neighbor.txt"),
    ],
)
def test_malformed_output_is_a_parse_failure(command: str, fixture: str) -> None:
    text = (FIX / fixture).read_text()
    garbled = text.replace("Neighbor", "Neighbour", 1)  # a header our template does not know
    with pytest.raises(ParseError):
        parse("frr", command, garbled)
    cut = "\n".join(line[:20] for line in text.splitlines())  # truncated lines
    with pytest.raises(ParseError):
        parse("frr", command, cut)

"""`countynet diff` on a real git history: exactly the affected devices, addresses and links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from review_repo import SECRETS, Repo

Names = Callable[[dict[str, Any], str], set[str]]

CLINIC = """  - name: rru-clinic
    agency: Ruiru Health Centre
    kind: health-centre
    location: {lat: -1.1420, lon: 36.9660, elevation_m: 1528}
    connect: {sector: rru-bs1/s1}
"""


def add_clinic(repo: Repo) -> None:
    repo.edit("ruiru", "  - name: rru-police\n", CLINIC + "  - name: rru-police\n")
    repo.allocate()
    repo.commit("ruiru: add the health centre")


def comparable(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan without what legitimately differs between scoped and full evaluation."""
    return {k: v for k, v in plan.items() if k not in ("mode", "seconds", "rendered")}


def test_add_site(repo: Repo, names: Names) -> None:
    add_clinic(repo)
    plan = repo.plan("--base", "HEAD~1")
    assert plan["mode"] == "scoped"
    assert names(plan, "added") == {"rru-clinic"}
    # rru-bs1's sector gained a station: its downlink queue (QoS) is re-rated to the sector's new
    # equal-air-time capacity, a real change of rru-bs1's config the reviewer sees
    assert names(plan, "changed") == {"rru-bs1"} and names(plan, "removed") == set()
    assert plan["intent_only"] == []
    assert {(a["category"], a["key"], a["status"]) for a in plan["allocations"]} == {
        ("loopbacks", "rru-clinic", "added"),
        ("stations", "rru-clinic", "added"),
        ("lans", "rru-clinic/staff", "added"),
        ("management", "rru-clinic", "added"),
    }
    assert [(r["id"], r["status"]) for r in plan["radio"]] == [("sector:rru-bs1/s1>rru-clinic", "added")]
    assert plan["sites"] == {"added": [{"town": "ruiru", "site": "rru-clinic"}], "removed": []}
    assert plan["changed_towns"] == ["ruiru"]
    assert plan["summary"]["addresses_moved"] == 0
    # only the new device and its one intent-changed neighbour were rendered (1 + 2)
    assert plan["rendered"] == 3
    added = next(d for d in plan["devices"] if d["host"] == "rru-clinic")
    assert added["diff"].startswith("--- /dev/null\n+++ b/rru-clinic.rsc")
    assert added["lines_removed"] == 0 and added["lines_added"] > 20


def test_sector_channel(repo: Repo, names: Names) -> None:
    repo.edit("ruiru", "frequency_mhz: 5825", "frequency_mhz: 5805")
    repo.commit("ruiru: rru-bs2/s1 to 5805 MHz")
    plan = repo.plan("--base", "HEAD~1")
    assert names(plan, "changed") == {"rru-bs2", "rru-school"}
    assert len(plan["devices"]) == 2
    assert plan["allocations"] == []
    (link,) = plan["radio"]
    assert link["id"] == "sector:rru-bs2/s1>rru-school" and link["status"] == "changed"
    assert link["changes"]["frequency_mhz"] == {"old": 5825, "new": 5805}
    bs2 = next(d for d in plan["devices"] if d["host"] == "rru-bs2")
    assert "-" in bs2["diff"] and "frequency=5825" in bs2["diff"] and "frequency=5805" in bs2["diff"]
    assert plan["changed_towns"] == ["ruiru"]


def test_move_aggregate_is_loud(repo: Repo, names: Names) -> None:
    repo.edit("ruiru", "aggregate: 10.100.0.0/20", "aggregate: 10.101.0.0/20")
    repo.allocate()
    repo.commit("ruiru: new aggregate")
    plan = repo.plan("--base", "HEAD~1")
    ruiru = {"rru-hub", "rru-bs1", "rru-bs2", "rru-subcounty", "rru-hospital", "rru-school", "rru-police"}
    assert names(plan, "changed") == ruiru
    moved = [a for a in plan["allocations"] if a["status"] == "moved"]
    assert plan["summary"]["addresses_moved"] == len(moved) > 10
    assert all(a["town"] == "ruiru" and a["new"].startswith("10.101.") for a in moved)
    assert not [a for a in plan["allocations"] if a["category"] == "management"]  # its pool did not move
    code, out, _ = repo.diff("--base", "HEAD~1", "--markdown", "plan.md")
    assert code == 0
    assert "EXISTING ADDRESSES MOVE" in out
    md = (repo.top / "plan.md").read_text()
    assert "[!WARNING]" in md and f"**{len(moved)} existing addresses MOVE.**" in md


def test_unrelated_town_untouched(repo: Repo) -> None:
    """Juja shares nothing with the change: none of its devices, addresses or links appear."""
    add_clinic(repo)
    repo.edit("ruiru", "frequency_mhz: 5825", "frequency_mhz: 5805")
    repo.commit("channel")
    plan = repo.plan("--base", "HEAD~2")
    text = str({k: plan[k] for k in ("devices", "allocations", "radio", "sites", "intent_only")})
    assert "jja-" not in text and "juja" not in text
    assert plan["changed_towns"] == ["ruiru"]


@pytest.mark.parametrize("change", ["site", "channel", "aggregate"])
def test_scoped_equals_full(repo: Repo, change: str) -> None:
    """The town-scoped shortcut gives the same plan as evaluating every town."""
    if change == "site":
        add_clinic(repo)
    elif change == "channel":
        repo.edit("ruiru", "frequency_mhz: 5825", "frequency_mhz: 5805")
        repo.commit("c")
    else:
        repo.edit("ruiru", "aggregate: 10.100.0.0/20", "aggregate: 10.101.0.0/20")
        repo.commit("c")  # lock not refreshed: the allocator moves the entries itself
    scoped, full = repo.plan("--base", "HEAD~1"), repo.plan("--base", "HEAD~1", "--full")
    assert scoped["mode"] == "scoped" and full["mode"] == "full"
    assert comparable(scoped) == comparable(full)
    assert scoped["devices"]


def test_shared_file_change_is_full(repo: Repo, names: Names) -> None:
    net = repo.inv / "network.yml"
    net.write_text(net.read_text().replace("ntp_servers: [10.250.60.1, 10.250.60.2]", "ntp_servers: [10.250.60.1]"))
    repo.commit("one NTP server")
    plan = repo.plan("--base", "HEAD~1")
    assert plan["mode"] == "full"
    assert {d["town"] for d in plan["devices"]} == {"ruiru", "juja"}
    assert plan["changed_towns"] == ["juja", "ruiru"]


def test_template_change_renders_each_side_with_its_templates(repo: Repo, names: Names) -> None:
    tpl = repo.top / "templates" / "ios" / "_base.j2"  # hubs are the only IOS devices
    tpl.write_text(tpl.read_text() + "! reviewed template line\n")
    repo.commit("hub template")
    plan = repo.plan("--base", "HEAD~1")
    assert plan["templates_changed"] and plan["mode"] == "full"
    assert names(plan, "changed") == {"rru-hub", "jja-hub"}
    for d in plan["devices"]:
        assert "+! reviewed template line" in d["diff"]


def test_head_revision_and_working_tree(repo: Repo, names: Names) -> None:
    """--head REV reads the revision, not the working tree; uncommitted edits count without --head."""
    add_clinic(repo)
    repo.edit("ruiru", "frequency_mhz: 5825", "frequency_mhz: 5805")  # not committed
    committed = repo.plan("--base", "HEAD~1", "--head", "HEAD")
    assert names(committed, "added") == {"rru-clinic"} and names(committed, "changed") == {"rru-bs1"}
    assert committed["head"]["commit"]
    working = repo.plan("--base", "HEAD~1")
    assert names(working, "changed") == {"rru-bs1", "rru-bs2", "rru-school"}
    assert working["head"]["commit"] is None


def test_no_change(repo: Repo) -> None:
    plan = repo.plan("--base", "HEAD")
    assert plan["devices"] == [] and plan["changed_towns"] == [] and plan["rendered"] == 0


def test_changed_towns_output(repo: Repo) -> None:
    add_clinic(repo)
    code, out, _ = repo.diff("--base", "HEAD~1", "--changed-towns")
    assert (code, out) == (0, "ruiru\n")


def test_bad_revision_exit_2(repo: Repo) -> None:
    code, out, err = repo.diff("--base", "no-such-branch")
    assert code == 2
    assert err.strip() == (
        "error: unknown git revision 'no-such-branch' "
        "(check the name, or fetch it first (CI: actions/checkout with fetch-depth: 0))"
    )
    assert "Traceback" not in out + err
    code, _, err = repo.diff("--base", "HEAD", "--head", "deadbeef")
    assert code == 2 and "unknown git revision 'deadbeef'" in err


def test_not_a_repository_exit_2(tmp_path: Any, repo: Repo) -> None:
    import shutil

    shutil.rmtree(repo.top / ".git")
    code, _, err = repo.diff("--base", "HEAD")
    assert code == 2 and "is not inside a git repository" in err and len(err.strip().splitlines()) == 1


def test_head_with_error_exit_1(repo: Repo) -> None:
    repo.edit("ruiru", "connect: {sector: rru-bs2/s1}", "connect: {sector: rru-bs9/s1}")
    code, out, _ = repo.diff("--base", "HEAD", "--markdown", "plan.md")
    assert code == 1
    assert "head has errors" in out
    plan = repo.plan("--base", "HEAD")
    assert plan["summary"]["errors"] >= 1
    assert any("rru-bs9" in f["message"] for f in plan["findings"])
    assert any(f["file"] and f["file"].endswith("towns/ruiru.yml") for f in plan["findings"])
    assert "❌ head has errors" in (repo.top / "plan.md").read_text()


def test_head_that_does_not_load_exit_1(repo: Repo) -> None:
    repo.town("ruiru").write_text(repo.town("ruiru").read_text() + "sites: [unclosed\n")
    repo.commit("broken")
    code, _, err = repo.diff("--base", "HEAD~1", "--head", "HEAD")
    assert code == 1, err
    plan = repo.plan("--base", "HEAD~1", "--head", "HEAD")
    assert plan["devices"] == [] and plan["summary"]["errors"] >= 1
    # paths of an extracted revision are shown as in the repository, not the temporary copy
    assert {f["file"] for f in plan["findings"]} == {"inventory/towns/ruiru.yml"}


def test_secrets_never_in_outputs(repo: Repo) -> None:
    """Every output path of a plan that touches every secret-bearing line holds placeholders only."""
    net = repo.inv / "network.yml"
    net.write_text(net.read_text().replace("admin_user: netops", "admin_user: ops"))
    repo.edit("ruiru", "  - name: rru-police\n", CLINIC + "  - name: rru-police\n")  # a whole new config
    repo.allocate()
    outputs = []
    for args in ([], ["--json"], ["--markdown", "plan.md"]):
        code, out, err = repo.diff("--base", "HEAD", *args)
        assert code == 0, err
        outputs += [out, err]
    outputs.append((repo.top / "plan.md").read_text())
    text = "\n".join(outputs)
    assert "{{secret:env:COUNTYNET_ADMIN_PASSWORD}}" in text
    assert "{{secret:env:COUNTYNET_WIFI_PSK}}" in text
    for value in SECRETS.values():
        assert value not in text


def test_markdown_fits_a_comment(repo: Repo) -> None:
    """A change touching every device stays under the size cap, cutting diffs with a line count."""
    from countynet.review import compute_plan, to_markdown

    repo.edit("ruiru", "aggregate: 10.100.0.0/20", "aggregate: 10.101.0.0/20")
    plan = compute_plan(repo.inv, "HEAD")
    full = to_markdown(plan)
    assert "<details>" in full and "```diff" in full
    small = to_markdown(plan, limit=6_000)
    assert len(small) < 6_500
    assert "more devices not shown" in small or "more lines" in small
    one = plan.devices[0]
    one.diff = one.diff + [f"+line {n}" for n in range(1000)]
    assert "more lines" in to_markdown(plan)


def test_new_town_file(repo: Repo, names: Names) -> None:
    """A town that does not exist on the base: all its devices are added, no other town is touched."""
    text = repo.town("juja").read_text().replace("name: juja", "name: kikuyu").replace("jja-", "kky-")
    text = text.replace("asn: 65191", "asn: 65192").replace("10.100.16.0/20", "10.100.32.0/20")
    repo.town("kikuyu").write_text(text.replace("172.28.91.0/24", "172.28.92.0/24"))
    plan = repo.plan("--base", "HEAD")
    assert plan["mode"] == "scoped"
    assert plan["towns"]["added"] == ["kikuyu"]
    assert names(plan, "added") == {d for d in names(plan, "added") if d.startswith("kky-")} != set()
    assert names(plan, "changed") == set() and plan["changed_towns"] == ["kikuyu"]
    assert not [n for n in plan["notes"] if "cannot be loaded" in n or "does not load" in n]


def test_lock_in_another_layout_falls_back_to_full(repo: Repo) -> None:
    """A hand-edited lock (flow style) cannot be split by town: every town is compared instead."""
    lock = repo.inv / "allocations.yml"
    lock.write_text(lock.read_text().replace("  juja:\n", "  juja:  # hand edit\n"))
    plan = repo.plan("--base", "HEAD")
    assert plan["mode"] == "full" and plan["devices"] == []


def test_inventory_new_at_head(repo: Repo, names: Names) -> None:
    """A base without the inventory folder: every device is added, with a note saying why."""
    from review_repo import git

    git(repo.top, "rm", "-rq", "inventory")
    repo.commit("no inventory yet")
    git(repo.top, "checkout", "HEAD~1", "--", "inventory")
    repo.commit("inventory")
    plan = repo.plan("--base", "HEAD~1", "--head", "HEAD")
    assert names(plan, "added") and not names(plan, "changed") and not names(plan, "removed")
    assert any("does not exist at HEAD~1" in n for n in plan["notes"])
    assert plan["changed_towns"] == ["juja", "ruiru"]
    code, _, err = repo.diff("--base", "HEAD", "--head", "HEAD~1")
    assert code == 2 and "no inventory folder 'inventory' at HEAD~1" in err


def test_unwritable_markdown_exit_2(repo: Repo) -> None:
    code, _, err = repo.diff("--base", "HEAD", "--markdown", "no/such/dir/plan.md")
    assert code == 2 and err.startswith("error: cannot write no/such/dir/plan.md")


def test_radio_noise_threshold() -> None:
    from countynet.review.plan import _differs

    assert not _differs("margin_db", 18.9, 18.95)
    assert _differs("margin_db", 18.9, 19.1)
    assert not _differs("clearance_pct", 434.5, 434.1)
    assert _differs("frequency_mhz", 5825.0, 5805.0)
    assert _differs("verdict", "ok", "warning")


def test_markdown_draws_the_changed_topology_in_mermaid(repo: Repo) -> None:
    from countynet.review import compute_plan, to_markdown

    add_clinic(repo)
    text = to_markdown(compute_plan(repo.inv, "HEAD~1"))
    block = text[text.index("```mermaid\n") : text.index("```", text.index("```mermaid\n") + 3)]
    assert 'subgraph n_town_ruiru["ruiru"]' in block
    assert 'n_rru_clinic["rru-clinic"]:::added' in block
    assert 'n_rru_bs1["rru-bs1"]:::changed' in block  # its sector's downlink queue is re-rated
    assert "n_rru_bs1 -- \"rru-clinic" in block and '" --> n_rru_clinic' in block
    assert text.index("```mermaid") < text.index("### Device configs")

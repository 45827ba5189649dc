"""`countynet awx export` for the shipped inventory is accepted by what AWX accepts: every task of apply.yml
against the awx.awx module's argument spec (ansible-core's own validator), credential types against AWX's
JSON schemas, and the objects against each other (names, nodes, edges, slicing, regions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import jsonschema
import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from typer.testing import CliRunner

from countynet.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
SPECS = json.loads((DATA / "awx_awx_24.6.1_argument_specs.json").read_text())["modules"]
CT_SCHEMA = json.loads((DATA / "awx_credential_type_schema.json").read_text())
runner = CliRunner()


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("awx")
    r = runner.invoke(app, ["--inventory", str(ROOT / "inventory"), "awx", "export", "--out", str(out),
                            "--scm-url", "https://git.example.invalid/countynet.git", "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    play = yaml.load((out / "apply.yml").read_text(), Loader=_Loader)
    tasks = []
    for task in play[0]["tasks"]:
        (module,) = [k for k in task if k != "name"]
        tasks.append((module, task[module]))
    return {"tasks": tasks, "summary": json.loads(r.output), "out": out}


def of(export: dict[str, Any], module: str) -> list[dict[str, Any]]:
    return [p for m, p in export["tasks"] if m == f"awx.awx.{module}"]


def test_every_task_passes_the_awx_awx_argument_spec(export: dict[str, Any]) -> None:
    assert len(export["tasks"]) > 40
    for module, params in export["tasks"]:
        ns, coll, name = module.split(".")
        assert (ns, coll) == ("awx", "awx") and name in SPECS, module
        spec = SPECS[name]
        validator = ArgumentSpecValidator(spec["argument_spec"], mutually_exclusive=spec.get("mutually_exclusive"),
                                          required_if=spec.get("required_if"))  # fmt: skip
        result = validator.validate(params)
        assert result.error_messages == [], (module, params.get("name") or params.get("identifier"))


def test_the_validator_would_catch_a_wrong_export() -> None:
    spec = SPECS["job_template"]["argument_spec"]
    bad = ArgumentSpecValidator(spec).validate({"name": "x", "job_type": "deploy", "job_slice": 2})
    assert any("job_slice" in m for m in bad.error_messages)  # unsupported parameter
    assert any("job_type" in m for m in bad.error_messages)  # not one of run/check


def test_credential_types_are_valid_custom_types(export: dict[str, Any]) -> None:
    types = {t["name"]: t for t in of(export, "credential_type")}
    assert sorted(types) == ["countynet Wi-Fi keys", "countynet device login", "countynet management secrets"]
    for ct in types.values():
        assert ct["kind"] in CT_SCHEMA["custom_kinds"]
        jsonschema.validate(ct["inputs"], CT_SCHEMA["inputs"])
        jsonschema.validate(ct["injectors"], CT_SCHEMA["injectors"])
        ids = [f["id"] for f in ct["inputs"]["fields"]]
        assert len(ids) == len(set(ids)) and not set(ids) & set(CT_SCHEMA["reserved_field_ids"])
        for env, template in ct["injectors"]["env"].items():
            assert env not in CT_SCHEMA["env_blocklist"] and not env.startswith(CT_SCHEMA["env_forbidden_prefix"])
            _render_injector(template, ids, ct["injectors"])
        assert all(f["secret"] for f in ct["inputs"]["fields"] if f["id"] != "countynet_username")
    # exactly the environment variables the shipped configs' placeholders name (plus the login)
    env = {e for ct in types.values() for e in ct["injectors"]["env"]}
    assert env == {"COUNTYNET_USERNAME", "COUNTYNET_PASSWORD", "COUNTYNET_ADMIN_PASSWORD", "COUNTYNET_SNMP_AUTH",
                   "COUNTYNET_SNMP_PRIV", "COUNTYNET_WIFI_PSK"}  # fmt: skip
    # the credential type files for the UI are the same definitions
    for path in (export["out"] / "credential_types").glob("*.yml"):
        body = yaml.safe_load(path.read_text())
        assert body["inputs"] == types[body["name"]]["inputs"]
        assert body["injectors"] == types[body["name"]]["injectors"]


def _render_injector(template: str, ids: list[str], injectors: dict[str, Any]) -> None:
    """As AWX checks an injector: only defined fields, and tower.filename only with a file injector."""
    ns: dict[str, Any] = {i: "x" for i in ids}
    if "template" in injectors.get("file", {}):
        ns["tower"] = {"filename": "/tmp/f"}
    jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(template).render(ns)


def test_a_vault_reference_adds_the_vault_type(tmp_path: Path) -> None:
    import shutil

    inv = tmp_path / "inv"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", inv)
    town = inv / "towns" / "ruiru.yml"
    town.write_text(town.read_text().replace("psk: {env: COUNTYNET_WIFI_PSK}", "psk: {vault: ruiru_wifi_psk}"))
    r = runner.invoke(app, ["--inventory", str(inv), "awx", "export", "--out", str(tmp_path / "o"), "--scm-url", "u"])
    assert r.exit_code == 0, r.output
    play = yaml.load((tmp_path / "o" / "apply.yml").read_text(), Loader=_Loader)
    types = {t["awx.awx.credential_type"]["name"]: t["awx.awx.credential_type"] for t in play[0]["tasks"]
             if "awx.awx.credential_type" in t}  # fmt: skip
    assert "countynet Wi-Fi keys" not in types  # the only Wi-Fi key now lives in the vault
    vault = types["countynet vault"]
    jsonschema.validate(vault["inputs"], CT_SCHEMA["inputs"])
    jsonschema.validate(vault["injectors"], CT_SCHEMA["injectors"])
    ids = [f["id"] for f in vault["inputs"]["fields"]]
    for template in [*vault["injectors"]["env"].values(), *vault["injectors"]["file"].values()]:
        _render_injector(template, ids, vault["injectors"])
    assert set(vault["injectors"]["env"]) == {"COUNTYNET_VAULT_FILE", "COUNTYNET_VAULT_PASSWORD_FILE"}
    jt = next(t["awx.awx.job_template"] for t in play[0]["tasks"] if t.get("awx.awx.job_template", {}).get("name")
              == "countynet deploy")  # fmt: skip
    assert "countynet vault" in jt["credentials"]


def test_objects_refer_to_objects_created_before_them(export: dict[str, Any]) -> None:
    seen: dict[str, set[str]] = {}
    jts = {p["name"]: p for p in of(export, "job_template")}
    ctype_names = {p["name"] for p in of(export, "credential_type")}
    for module, p in export["tasks"]:
        kind = module.rsplit(".", 1)[1]
        if kind == "job_template":
            assert p["project"] in seen["project"] and p["inventory"] in seen["inventory"]
            assert p["execution_environment"] in seen["execution_environment"]
            assert p["playbook"].startswith("playbooks/") and (ROOT / p["playbook"]).is_file(), p["playbook"]
            assert set(p.get("credentials", [])) <= ctype_names  # one credential of each type, named like it
        if kind == "inventory_source":
            assert p["source_project"] in seen["project"] and (ROOT / p["source_path"]).is_file()
        if kind == "workflow_job_template_node":
            wf = p["workflow_job_template"]
            assert wf in seen["workflow_job_template"]
            assert p["unified_job_template"] in jts or p["unified_job_template"] in seen["workflow_job_template"]
            for edge in p.get("success_nodes", []) + p.get("failure_nodes", []):
                assert f"{wf}/{edge}" in seen["node"], (wf, p["identifier"], edge)  # children first
            for group in p.get("instance_groups", []):
                assert group in seen["instance_group"]
                assert jts[p["unified_job_template"]]["ask_instance_groups_on_launch"]
            if "limit" in p:
                assert jts[p["unified_job_template"]]["ask_limit_on_launch"]
            seen.setdefault("node", set()).add(f"{wf}/{p['identifier']}")
        seen.setdefault(kind, set()).add(p.get("name", ""))


def test_waves_and_edges(export: dict[str, Any]) -> None:
    waves = export["summary"]["waves"]
    assert waves[0] == ["mwingi"]  # the smallest town is the canary
    assert sorted(t for w in waves for t in w) == ["malindi", "mwingi", "naivasha", "nanyuki", "thika", "webuye"]
    assert all(len(w) <= 3 for w in waves)
    nodes = of(export, "workflow_job_template_node")
    for number, wave in enumerate(waves, 1):
        wf = f"countynet wave {number}: {', '.join(wave)}"
        by_id = {n["identifier"]: n for n in nodes if n["workflow_job_template"] == wf}
        # one chain per region, side by side; the shipped towns of a wave are in different regions
        assert by_id["validate"]["success_nodes"] == [f"check-{t}" for t in wave]
        for town in wave:
            deploy, verify = by_id[f"deploy-{town}"], by_id[f"verify-{town}"]
            assert by_id[f"check-{town}"]["success_nodes"] == [f"deploy-{town}"]
            assert deploy["success_nodes"] == [f"verify-{town}"]
            assert deploy["failure_nodes"] == verify["failure_nodes"] == [f"rollback-{town}"]
            assert verify["success_nodes"] == [f"acceptance-{town}"]
            assert "success_nodes" not in by_id[f"acceptance-{town}"]  # last (only) town of its region
            assert "success_nodes" not in by_id[f"rollback-{town}"]  # a rollback ends the wave
            assert {by_id[f"{k}-{town}"]["limit"] for k in ("check", "deploy", "verify", "rollback")} == {f"town_{town}"}
    rollout = [n for n in nodes if n["workflow_job_template"] == "countynet rollout"]
    assert [n["identifier"] for n in reversed(rollout)] == [f"wave-{i}" for i in range(1, len(waves) + 1)]


def test_slicing_only_for_the_per_host_verify_job(export: dict[str, Any]) -> None:
    slices = {p["name"]: p["job_slice_count"] for p in of(export, "job_template")}
    assert slices.pop("countynet verify") == 2
    assert set(slices.values()) == {1}  # deploy keeps its staged order: never sliced
    forks = {p["name"]: p.get("forks") for p in of(export, "job_template")}
    assert forks["countynet deploy"] == forks["countynet verify"] == 10 and forks["countynet validate"] is None
    check = next(p for p in of(export, "job_template") if p["name"] == "countynet deploy-check")
    assert check["job_type"] == "check" and check["diff_mode"] is True
    rollback = next(p for p in of(export, "job_template") if p["name"] == "countynet rollback")
    assert rollback["scm_branch"] == "last-good" and rollback["extra_vars"] == {"countynet_run_suffix": "-rollback"}
    assert next(p for p in of(export, "project"))["allow_override"] is True


def test_regions_route_each_town(export: dict[str, Any]) -> None:
    groups = {p["name"] for p in of(export, "instance_group")}
    assert groups == {"countynet-coast", "countynet-eastern", "countynet-rift-valley", "countynet-central",
                      "countynet-western"}  # fmt: skip
    deploy = {n["limit"]: n["instance_groups"] for n in of(export, "workflow_job_template_node")
              if n["identifier"].startswith("deploy-")}  # fmt: skip
    assert deploy["town_malindi"] == ["countynet-coast"] and deploy["town_webuye"] == ["countynet-western"]


def test_towns_of_one_region_follow_each_other() -> None:
    from countynet.awx import AwxOptions
    from countynet.awx.workflows import Town, wave_nodes

    towns = [Town("a", "coast"), Town("b", "western"), Town("c", "coast")]
    by_id = {n["identifier"]: n for n in wave_nodes(AwxOptions("u"), 2, towns)}
    assert by_id["validate"]["success_nodes"] == ["check-a", "check-b"]
    assert by_id["acceptance-a"]["success_nodes"] == ["check-c"]  # the coast in order: a, then c
    assert "success_nodes" not in by_id["acceptance-b"] and "success_nodes" not in by_id["acceptance-c"]
    assert by_id["deploy-c"]["instance_groups"] == ["countynet-coast"]


def test_town_choice_and_bad_input(tmp_path: Path) -> None:
    base = ["--inventory", str(ROOT / "inventory"), "awx", "export", "--scm-url", "u", "--json"]
    r = runner.invoke(app, [*base, "--out", str(tmp_path / "a"), "--town", "thika", "--town", "mwingi"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["waves"] == [["thika"], ["mwingi"]]
    r = runner.invoke(app, [*base, "--out", str(tmp_path / "b"), "--town", "nairobi"])
    assert r.exit_code == 2
    assert r.output == "error: unknown town(s): nairobi (towns are: malindi, mwingi, naivasha, nanyuki, thika, webuye)\n"
    r = runner.invoke(app, [*base, "--out", str(tmp_path / "c"), "--wave-size", "0"])
    assert r.exit_code == 2 and "--wave-size" in r.output
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()

"""A deploy run the fault tests can kill: the real engine on the lab, with every device's planned
config changed harmlessly (the loopback description gets a tag), so each device has a diff.

    python3 faults_run.py INVENTORY LAB TAG [--resume RUN] [--batch-size N] [--revert-in S]

Prints the report as JSON on stdout. COUNTYNET_STATE decides where the journal goes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from countynet.deploy.engine import DeployOptions, deploy
from countynet.deploy.gate import gate_specs
from countynet.errors import CountynetError
from countynet.jobs.common import FieldAccess
from countynet.jobs.connect import nornir_for, payloads, resolver_for
from countynet.jobs.render import configs_to_push
from countynet.lab import Lab
from countynet.model import open_model


def tagged(text: str, tag: str) -> str:
    return text.replace(" description router id\n", f" description router id {tag}\n", 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("inventory")
    ap.add_argument("lab")
    ap.add_argument("tag")
    ap.add_argument("--resume")
    ap.add_argument("--batch-size", type=int, default=0)
    ap.add_argument("--revert-in", type=int, default=60)
    a = ap.parse_args()
    try:
        model = open_model(a.inventory)
        devices = set(model.select())
        lab = Lab.load(a.lab)
        resolver = resolver_for(FieldAccess(), lab)
        texts = {d: tagged(t, a.tag) for d, t in configs_to_push(model, devices, "frr", resolver).items()}
        payload, redact = payloads(texts, resolver)
        nr = nornir_for(model, devices, lab, FieldAccess())
        opts = DeployOptions(True, a.revert_in, 0, a.batch_size or None, 10, 20.0)
        gates = gate_specs(model.intents(devices, "frr"), model.health_prefixes(devices))
        report = deploy(nr, payload, model.targets(devices), opts, redact=redact, resume=a.resume, gates=gates)
    except CountynetError as exc:
        print(json.dumps({"error": str(exc)}))
        return 2
    print(json.dumps({"run": report.run_id, "stopped": report.stopped, "holds": report.holds,
                      "devices": [r.as_dict() for r in report.results]}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

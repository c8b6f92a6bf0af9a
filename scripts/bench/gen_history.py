#!/usr/bin/env python3
"""Writes N lm-eval results files of one model, a day apart, whose arc_easy/acc wanders
around 0.80 (a history for govgate's `trend` check), from the demo fixture's shape.

usage: gen_history.py OUT_DIR N
"""
import json, os, random, sys

out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(11)
with open(os.path.join(os.path.dirname(__file__), "../../fixtures/demo/acme-7b-v2/results_2026-03-02T14-05-33.518112.json")) as f:
    base = json.load(f)
for i in range(n):
    doc = json.loads(json.dumps(base))
    for task, entry in doc["results"].items():
        for k, v in list(entry.items()):
            if isinstance(v, float) and "stderr" not in k:
                entry[k] = round(min(1.0, max(0.0, v + rng.gauss(0, 0.004))), 6)
    day = 1_700_000_000 + i * 86_400
    doc["date"] = day
    d = os.path.join(out, f"run{i:04d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"results_{i:04d}.json"), "w") as f:
        json.dump(doc, f)

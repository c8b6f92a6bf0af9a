#!/usr/bin/env python3
"""Writes N decision records (JSON Lines) with GROUPS groups and a `context` field of PAD
bytes, plus a rubric whose fairness check reads them, for timing govgate's `fairness` check.

usage: gen_records.py OUT_DIR N PAD GROUPS
"""
import json
import os
import random
import sys

out, n, pad, groups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(7)
os.makedirs(out, exist_ok=True)
filler = "x" * pad
with open(os.path.join(out, "decisions.jsonl"), "w") as f:
    for i in range(n):
        g = f"g{rng.randrange(groups)}"
        label = int(rng.random() < 0.6)
        pred = int(rng.random() < (0.55 if label else 0.25))
        f.write(json.dumps({"id": i, "applicant": {"group": g, "context": filler},
                            "approved": pred, "repaid": label}) + "\n")
with open(os.path.join(out, "rubric.yaml"), "w") as f:
    f.write("version: 1\nname: bench-fairness\nprocesses:\n  S7P2:\n"
            "    - id: parity\n      level: 1\n"
            "      fairness: { records: decisions.jsonl, group: applicant.group, prediction: approved,\n"
            "                  label: repaid, min_ratio: 0.8, max_equalized_odds_difference: 0.1 }\n")
# `check` needs an evaluation input; a tiny results file stands in.
os.makedirs(os.path.join(out, "run"), exist_ok=True)
with open(os.path.join(out, "run", "results.json"), "w") as f:
    json.dump({"results": {"t": {"acc": 0.5}}, "versions": {"t": 0}}, f)

#!/usr/bin/env python3
"""Writes N reference and N production records (JSON Lines, about 200 bytes a line) with
mixed numeric and categorical fields, for timing govgate's drift check against Evidently.

  score            float in [0, 1] (production shifted by 0.05)
  features.length  integer, about 180 ± 40 (production longer)
  features.tokens  integer
  meta.lang        en / de / fr / es / it (production: more es)
  meta.source      web / app
  label            0 / 1
  prompt           text, not compared

usage: gen_production.py OUT_DIR N
"""
import json
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
for name, shift, seed in [("reference", 0.0, 1), ("production", 0.05, 2)]:
    rng = random.Random(seed)
    langs = ["en", "de", "fr", "es", "it"]
    weights = [0.5, 0.2, 0.12, 0.1 + shift, 0.08]
    with open(os.path.join(out, f"{name}.jsonl"), "w") as f:
        for i in range(n):
            length = max(1, int(rng.gauss(180 + shift * 200, 40)))
            rec = {
                "ts": f"2026-11-{1 + (i * 7) // n + (14 if shift else 0):02d}T{(i % 86400) // 3600:02d}:00:00Z",
                "score": round(min(1.0, max(0.0, rng.betavariate(5, 3) + shift)), 4),
                "features": {"length": length, "tokens": max(1, int(length / 3.9 + rng.gauss(0, 4)))},
                "meta": {"lang": rng.choices(langs, weights)[0], "source": rng.choice(["web", "web", "app"])},
                "label": int(rng.random() < 0.4),
                "prompt": "customer question number %07d about the order" % i,
            }
            f.write(json.dumps(rec) + "\n")

#!/usr/bin/env python3
"""Writes N production records (JSON Lines) shaped like fixtures/release/production — model,
A/B arm, thumbs_up on 37% of requests, latency, doc_id on some — each with a `context` field
of PAD bytes the checks never read, plus a rubric with the three S7P6 checks (ab_test with a
guardrail and the sample-ratio test, agreement with kappa against fixtures/release's runs,
feedback with a 7-day window), for timing them.

usage: gen_traffic.py OUT_DIR N PAD
"""
import json
import os
import random
import sys

out, n, pad = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(11)
os.makedirs(out, exist_ok=True)
filler = "x" * pad
start = 1793577600  # 2026-11-02T00:00:00Z
span = 21 * 86400
models = [("acme/helpdesk-7b-v1", None, 0.58), ("acme/helpdesk-7b-v2", "A", 0.62),
          ("acme/helpdesk-7b-v3", "B", 0.68)]
with open(os.path.join(out, "traffic.jsonl"), "w") as f:
    for i in range(n):
        t = start + span * i // n
        model, arm, p = models[0] if i < n // 5 else models[1 + (rng.random() < 0.5)]
        r = {"ts": t, "request_id": i, "model_id": model, "latency_ms": round(rng.gauss(820, 160))}
        if arm:
            r["arm"] = arm
        if rng.random() < 0.37:
            r["thumbs_up"] = rng.random() < p
            if rng.random() < 0.4:
                r["doc_id"] = rng.randrange(600)
        r["context"] = filler
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
with open(os.path.join(out, "rubric.yaml"), "w") as f:
    f.write("""version: 1
name: bench-s7p6
processes:
  S7P6:
    - id: ab
      level: 1
      ab_test: { variant: arm, control: A, treatment: B, outcome: thumbs_up, min_lift: 0.01,
                 min_samples: 1000, expected_split: { A: 0.5, B: 0.5 }, guardrails: [latency_ms] }
    - id: agree
      level: 1
      agreement: { offline: "*/acc@none", online: { model: model_id, outcome: thumbs_up },
                   min_spearman: 0.6, kappa: { item: doc_id, min: 0.0 } }
    - id: fb
      level: 1
      feedback: { timestamp: ts, field: thumbs_up, max_age: 7d, min_events: 100,
                  coverage: { of: production, min: 0.05 } }
""")

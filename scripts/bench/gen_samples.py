#!/usr/bin/env python3
"""Writes a pair of lm-eval runs (baseline, current) whose boolq samples log has N documents,
each line padded with a `doc` of PAD bytes, for timing govgate on large samples logs.

usage: gen_samples.py OUT_DIR N PAD
"""
import json
import os
import random
import sys

out, n, pad = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
filler = "x" * pad
for name, stamp, p in [("base", "2025-01-01T00-00-00.000001", 0.70), ("cand", "2025-01-02T00-00-00.000002", 0.69)]:
    d = os.path.join(out, name, "acme__big")
    os.makedirs(d, exist_ok=True)
    total = 0
    with open(os.path.join(d, f"samples_boolq_{stamp}.jsonl"), "w") as f:
        for i in range(n):
            acc = 1.0 if rng.random() < p else 0.0
            total += acc
            f.write(json.dumps({"doc_id": i, "doc": {"passage": filler, "idx": i}, "target": "1",
                                "arguments": {"gen_args_0": {"arg_0": "ctx", "arg_1": " yes"}},
                                "resps": [[["-0.5", "False"]]], "filtered_resps": [["-0.5", "False"]],
                                "filter": "none", "metrics": ["acc"], "doc_hash": "0" * 64,
                                "prompt_hash": "0" * 64, "target_hash": "0" * 64, "acc": acc}) + "\n")
    mean = total / n
    se = (mean * (1 - mean) / (n - 1)) ** 0.5
    res = {"results": {"boolq": {"alias": "boolq", "acc,none": mean, "acc_stderr,none": se}},
           "versions": {"boolq": 2.0}, "higher_is_better": {"boolq": {"acc": True}},
           "n-samples": {"boolq": {"original": n, "effective": n}},
           "config": {"model": "hf", "model_args": "pretrained=acme/big", "limit": None}}
    with open(os.path.join(d, f"results_{stamp}.json"), "w") as f:
        json.dump(res, f, indent=2)

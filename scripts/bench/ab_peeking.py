#!/usr/bin/env python3
"""Peeking at an A/B test every day: the realised false-positive rate of `ab_test` with its
fixed-horizon test and with `sequential: true` (the mSPRT), by simulation through the binary.

Not a test: a measurement, whose numbers go into the README and docs/checks/ab_test.md.
Each replicate is one experiment of DAYS days; every day adds PER_DAY records per arm (arm
A or B, a 0/1 outcome `converted`) as a new JSON Lines file, and the release binary is run
once on all the days so far — a scheduled gate looking at the accumulating records — with
a rubric of two checks on the same records: `fixed` (the default Wald test) and
`sequential` (`sequential: true, horizon: DAYS x PER_DAY`). The JSON report gives each
check's outcome finding: its status, p-value and interval.

Scenarios:
  aa     A and B convert at 0.20 (no difference): any "significant" look is a false positive
  lift   B converts at 0.23: the cost of the sequential test in power and in days

Per check: the share of experiments with p < alpha at ANY of the daily looks (a two-sided
false positive of a gate that stops at the first significant look), the share whose gate
PASSED at any look (treatment shown better: one-sided), and the same at the last look alone
(the one fixed-horizon test the p-value is valid for), each with a 95% Wilson interval.

  cargo build --release
  python3 scripts/bench/ab_peeking.py                  # 2000 A/A and 500 lift experiments
  python3 scripts/bench/ab_peeking.py --reps 50 --only aa

Requires numpy. Writes scripts/bench/ab_peeking.json.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

BIN = os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "govgate")
DAYS = 30
PER_DAY = 300
ALPHA = 0.05
SCENARIOS = {"aa": (0.20, 0.20), "lift": (0.20, 0.23)}

RUBRIC = f"""version: 1
name: peeking
processes:
  S7P6:
    - {{ id: fixed, level: 2, ab_test: {{ records: "days/*.jsonl", variant: arm, control: A, treatment: B, outcome: converted, alpha: {ALPHA} }} }}
    - {{ id: sequential, level: 2, ab_test: {{ records: "days/*.jsonl", variant: arm, control: A, treatment: B, outcome: converted, alpha: {ALPHA}, sequential: true, horizon: {DAYS * PER_DAY} }} }}
"""


def wilson(k, n, z=1.959963984540054):
    if n == 0:
        return [0.0, 1.0]
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [c - h, c + h]


def experiment(seed, rates):
    rng = np.random.default_rng(seed)
    root = tempfile.mkdtemp(prefix="govgate-peek-")
    try:
        os.makedirs(os.path.join(root, "days"))
        with open(os.path.join(root, "gate.yaml"), "w") as f:
            f.write(RUBRIC)
        looks = {"fixed": [], "sequential": []}
        for day in range(DAYS):
            a = (rng.random(PER_DAY) < rates[0]).astype(int)
            b = (rng.random(PER_DAY) < rates[1]).astype(int)
            lines = []
            for i in range(PER_DAY):
                lines.append(f'{{"arm": "A", "converted": {a[i]}}}')
                lines.append(f'{{"arm": "B", "converted": {b[i]}}}')
            with open(os.path.join(root, "days", f"{day:02d}.jsonl"), "w") as f:
                f.write("\n".join(lines) + "\n")
            out = subprocess.run([BIN, "check", "-r", os.path.join(root, "gate.yaml"), "-f", "json"],
                                 capture_output=True, text=True, cwd=root)
            if out.returncode not in (0, 1):
                raise SystemExit(f"govgate exited {out.returncode}: {out.stderr}")
            rep = json.loads(out.stdout)
            for c in rep["checks"]:
                f0 = c["findings"][0]
                looks[c["id"]].append((f0["status"], f0["detail"]["p_value"]))
        return looks
    finally:
        shutil.rmtree(root, ignore_errors=True)


def summarize(all_looks, reps):
    out = {}
    for check in ("fixed", "sequential"):
        ever_sig = sum(any(p < ALPHA for _, p in L[check]) for L in all_looks)
        ever_pass = sum(any(s == "pass" for s, _ in L[check]) for L in all_looks)
        last_sig = sum(L[check][-1][1] < ALPHA for L in all_looks)
        last_pass = sum(L[check][-1][0] == "pass" for L in all_looks)
        first = [next(d + 1 for d, (s, _) in enumerate(L[check]) if s == "pass")
                 for L in all_looks if any(s == "pass" for s, _ in L[check])]
        out[check] = {
            "significant_at_any_look": {"count": ever_sig, "rate": ever_sig / reps,
                                        "wilson95": wilson(ever_sig, reps)},
            "passed_at_any_look": {"count": ever_pass, "rate": ever_pass / reps,
                                   "wilson95": wilson(ever_pass, reps)},
            "significant_at_last_look": {"count": last_sig, "rate": last_sig / reps,
                                         "wilson95": wilson(last_sig, reps)},
            "passed_at_last_look": {"count": last_pass, "rate": last_pass / reps,
                                    "wilson95": wilson(last_pass, reps)},
            "median_first_pass_day": float(np.median(first)) if first else None,
        }
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--only", choices=sorted(SCENARIOS))
    ap.add_argument("--seed", type=int, default=20261207)
    args = ap.parse_args()
    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    result = {"binary": version, "days": DAYS, "per_day_per_arm": PER_DAY, "alpha": ALPHA,
              "horizon": DAYS * PER_DAY, "seed": args.seed, "scenarios": {}}
    for name, rates in SCENARIOS.items():
        if args.only and name != args.only:
            continue
        reps = args.reps or (2000 if name == "aa" else 500)
        start = time.time()
        seeds = [args.seed * 1000 + i + (0 if name == "aa" else 500_000) for i in range(reps)]
        with ThreadPoolExecutor(max_workers=2) as ex:
            looks = list(ex.map(lambda s: experiment(s, rates), seeds))
        res = summarize(looks, reps)
        res.update({"rates": list(rates), "reps": reps, "seconds": round(time.time() - start, 1)})
        result["scenarios"][name] = res
        print(name, json.dumps(res, indent=1))
    path = os.path.join(os.path.dirname(__file__), "ab_peeking.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The realised error rates of govgate's regression gate, by simulation through the binary.

Not a test: a measurement, whose numbers go into the README ("How govgate decides"). Each
replicate writes a current and a baseline lm-eval run of T tasks of N documents (results
JSON with acc, its stderr and n; with --paired also the samples logs, same documents and
doc_hashes on both sides), runs the release binary once with a rubric of two checks over
"*/acc" (max_drop 0.01, alpha 0.05) — the default Holm correction and `correction: none` —
and reads the JSON report.

Scenarios (same model: every document i of a task has its own probability of being right,
p_i ~ Beta(6, 4) (mean 0.6), and each run draws its answers independently, so the two runs
are correlated through the documents, as two runs of one model are):
  null     no true change on any task
  drop     three tasks truly drop from 0.60 to 0.35 (each p_i scaled by 0.35/0.60)

For each, the false-alarm rate (null: the share of replicates whose check failed) or the
power (drop: the share that failed, and the share of the three dropped tasks caught), with
a 95% Wilson interval of the simulated rate.

  cargo build --release
  python3 scripts/bench/decide.py                       # every scenario, 1000 replicates
  python3 scripts/bench/decide.py --reps 200 --only unpaired-null

Requires numpy. Writes scripts/bench/decide.json with the numbers.
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

BIN = os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "govgate")

RUBRIC = """version: 1
name: simulation
require: { S7P1: 1 }
processes:
  S7P1:
    - { id: holm, level: 1, regression: { metric: "*/acc", max_drop: 0.01, alpha: 0.05 } }
    - { id: none, level: 1, advisory: true, regression: { metric: "*/acc", max_drop: 0.01, alpha: 0.05, correction: none } }
"""


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


def write_run(root, stamp, tasks, answers, paired):
    """An lm-eval 0.4.8 results file (and samples logs) for `answers[task] = 0/1 array`."""
    os.makedirs(root, exist_ok=True)
    results, nsamp, hib, versions, nshot, hashes = {}, {}, {}, {}, {}, {}
    for t in tasks:
        a = answers[t]
        n = len(a)
        acc = float(a.mean())
        se = float(a.std(ddof=1) / math.sqrt(n))
        results[t] = {"alias": t, "acc,none": acc, "acc_stderr,none": se}
        nsamp[t] = {"original": n, "effective": n}
        hib[t] = {"acc": True}
        versions[t] = 1.0
        nshot[t] = 0
        if paired:
            rows = []
            for i, x in enumerate(a):
                dh, ph, th = sha(f"{t} doc {i}"), sha(f"{t} prompt {i}"), sha(f"{t} target {i}")
                rows.append(f'{{"doc_id": {i}, "filter": "none", "doc_hash": "{dh}", "prompt_hash": "{ph}", '
                            f'"target_hash": "{th}", "acc": {float(x)}}}')
            hashes[t] = sha("".join(sha(f"{t} doc {i}") + sha(f"{t} prompt {i}") + sha(f"{t} target {i}")
                                    for i in range(n)))
            with open(os.path.join(root, f"samples_{t}_{stamp}.jsonl"), "w") as f:
                f.write("\n".join(rows) + "\n")
    doc = {"results": results, "versions": versions, "n-shot": nshot, "higher_is_better": hib,
           "n-samples": nsamp, "task_hashes": hashes,
           "config": {"model": "hf", "model_args": "pretrained=acme/sim", "limit": None},
           "date": 1750000000.0}
    with open(os.path.join(root, f"results_{stamp}.json"), "w") as f:
        json.dump(doc, f)


def replicate(rng, tmp, tasks, n, dropped, paired, correlated_p):
    cur, base = {}, {}
    for t in tasks:
        p = correlated_p(rng, n)
        base[t] = (rng.random(n) < p).astype(float)
        pc = p * (0.35 / 0.60) if t in dropped else p
        cur[t] = (rng.random(n) < pc).astype(float)
    write_run(os.path.join(tmp, "cur", "run"), "2026-12-01T00-00-00.000001", tasks, cur, paired)
    write_run(os.path.join(tmp, "base", "run"), "2026-11-01T00-00-00.000001", tasks, base, paired)
    out = subprocess.run([BIN, "check", os.path.join(tmp, "cur"), "--baseline", os.path.join(tmp, "base"),
                          "--rubric", os.path.join(tmp, "r.yaml"), "--format", "json"],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"govgate exited {out.returncode}: {out.stderr}")
    rep = json.loads(out.stdout)
    res = {}
    for c in rep["checks"]:
        fails = [f["subject"].split("/")[0] for f in c["findings"] if f["status"] == "fail"]
        odd = [f for f in c["findings"] if f["status"] not in ("pass", "fail")]
        if odd:
            sys.exit(f"unexpected finding: {odd[0]['status']}: {odd[0]['message']}")
        methods = {f["detail"]["test"]["method"] for f in c["findings"]}
        res[c["id"]] = {"failed": bool(fails), "caught": sum(1 for t in fails if t in dropped),
                        "false": sum(1 for t in fails if t not in dropped), "methods": sorted(methods)}
    return res


def wilson(k, n, z=1.959963984540054):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--tasks", type=int, default=60)
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: cargo build --release")
    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    tasks = [f"task{i:02d}" for i in range(args.tasks)]

    def beta_p(rng, n):
        return rng.beta(6.0, 4.0, n)

    scenarios = [
        ("unpaired-null", False, set()),
        ("paired-null", True, set()),
        ("unpaired-drop", False, set(tasks[:3])),
        ("paired-drop", True, set(tasks[:3])),
    ]
    table = {"binary": version, "tasks": args.tasks, "docs": args.docs, "reps": args.reps,
             "seed": args.seed, "alpha": 0.05, "max_drop": 0.01, "scenarios": {}}
    for name, paired, dropped in scenarios:
        if args.only and name != args.only:
            continue
        rng = np.random.default_rng([args.seed, len(name), int(paired), len(dropped)])
        counts = {"holm": [0, 0, 0], "none": [0, 0, 0]}  # failed reps, dropped caught, others failed
        methods = set()
        t0 = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "r.yaml"), "w") as f:
                f.write(RUBRIC)
            for _ in range(args.reps):
                r = replicate(rng, tmp, tasks, args.docs, dropped, paired, beta_p)
                for k in counts:
                    counts[k][0] += r[k]["failed"]
                    counts[k][1] += r[k]["caught"]
                    counts[k][2] += r[k]["false"]
                    methods.update(r[k]["methods"])
        secs = time.time() - t0
        row = {"paired": paired, "dropped": sorted(dropped), "methods": sorted(methods), "seconds": round(secs, 1)}
        for k, (failed, caught, false) in counts.items():
            lo, hi = wilson(failed, args.reps)
            entry = {"failed": failed, "rate": failed / args.reps, "wilson95": [lo, hi]}
            if dropped:
                entry["dropped_caught_per_task"] = caught / (args.reps * len(dropped))
                entry["unchanged_failed_per_rep"] = false / args.reps
            row[k] = entry
        table["scenarios"][name] = row
        what = "power" if dropped else "false alarms"
        print(f"{name:15s} ({', '.join(sorted(methods))}; {args.reps} reps, {secs:.0f} s)")
        for k in ("holm", "none"):
            e = row[k]
            extra = ""
            if dropped:
                extra = (f"; each dropped task caught {e['dropped_caught_per_task']:.3f}, "
                         f"unchanged tasks failed {e['unchanged_failed_per_rep']:.3f} per rep")
            print(f"  correction {k:5s}: {what} {e['rate']:.3f} [{e['wilson95'][0]:.3f}, {e['wilson95'][1]:.3f}]{extra}")
    if not args.only:
        with open(os.path.join(os.path.dirname(__file__), "decide.json"), "w") as f:
            json.dump(table, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()

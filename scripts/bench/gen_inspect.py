#!/usr/bin/env python3
"""Writes a large Inspect AI log pair for scripts/bench/inspect.sh.

usage: gen_inspect.py DIR N PAD

DIR/cur/log.eval and DIR/base/log.eval: N samples each (one epoch, choice scorer, letters
C/I, metadata.group f/m), every sample carrying about PAD bytes of transcript (`events`),
members DEFLATE-compressed (Python's zipfile has no Zstandard before 3.14; govgate reads both
the same way); DIR/cur/log.json: the current run as a `--log-format json` document. The
header's metrics are the means of the written values, as Inspect computes them.
"""
import json, math, os, random, sys, zipfile

out, n, pad = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def run(seed):
    rng = random.Random(seed)
    vals = [1 if rng.random() < 0.7 else 0 for _ in range(n)]
    return vals


def header(vals, status="success"):
    mean = sum(vals) / len(vals)
    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1))
    return {
        "version": 2, "status": status,
        "eval": {"eval_id": "E", "run_id": "R", "created": "2026-11-23T00:00:00+00:00",
                 "task": "bench", "task_id": "T", "task_version": 1,
                 "dataset": {"name": "bench", "samples": n, "sample_ids": [], "shuffled": False},
                 "model": "mockllm/model", "model_args": {}, "config": {"epochs": 1},
                 "revision": {"type": "git", "origin": "x", "commit": "99bf5f6", "dirty": False},
                 "packages": {"inspect_ai": "0.3.285"},
                 "scorers": [{"name": "choice", "options": {}, "metrics": []}]},
        "plan": {"name": "plan", "steps": [], "config": {"seed": 1}},
        "results": {"total_samples": n, "completed_samples": n, "scores": [
            {"name": "choice", "scorer": "choice", "scored_samples": n, "unscored_samples": 0,
             "params": {}, "metrics": {
                 "accuracy": {"name": "accuracy", "value": mean, "params": {}},
                 "stderr": {"name": "stderr", "value": sd / math.sqrt(len(vals)), "params": {}}}}]},
        "stats": {"started_at": "", "completed_at": "", "model_usage": {}},
    }


def sample(i, v):
    return {"id": f"s{i:07d}", "epoch": 1, "input": "q", "target": "A",
            "messages": [], "output": {"model": "m", "choices": [], "completion": "A" if v else "B"},
            "scores": {"choice": {"value": "C" if v else "I", "answer": "A", "history": []}},
            "metadata": {"group": "f" if i % 2 else "m"},
            "events": [{"event": "info", "data": "x" * pad}], "uuid": f"u{i}"}


def reductions(vals):
    return [{"scorer": "choice", "samples": [
        {"value": float(v), "sample_id": f"s{i:07d}", "history": []} for i, v in enumerate(vals)]}]


def write_eval(path, vals):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i, v in enumerate(vals):
            z.writestr(f"samples/s{i:07d}_epoch_1.json", json.dumps(sample(i, v)))
        z.writestr("summaries.json", json.dumps([{"id": f"s{i:07d}", "epoch": 1} for i in range(n)]))
        z.writestr("reductions.json", json.dumps(reductions(vals)))
        z.writestr("header.json", json.dumps(header(vals)))


def write_json(path, vals):
    with open(path, "w") as f:
        doc = header(vals)
        body = json.dumps(doc, indent=2)[:-2]
        f.write(body + ',\n  "samples": [\n')
        for i, v in enumerate(vals):
            f.write(("" if i == 0 else ",\n") + json.dumps(sample(i, v), indent=2))
        f.write('\n  ],\n  "reductions": ' + json.dumps(reductions(vals)) + "\n}\n")


cur, base = run(1), run(2)
write_eval(os.path.join(out, "cur", "log.eval"), cur)
write_eval(os.path.join(out, "base", "log.eval"), base)
os.makedirs(os.path.join(out, "json"), exist_ok=True)
write_json(os.path.join(out, "json", "log.json"), cur)

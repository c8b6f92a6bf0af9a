#!/usr/bin/env python3
"""Independent reads of promptfoo outputs, for tests/promptfoo.rs to compare govgate with.

For every promptfoo `results.json` (and its `results.jsonl` rows) under fixtures/promptfoo
and, when present, the corpus's tools-2026/promptfoo (GOVGATE_CORPUS or ../shared/corpus),
read with Python's json (not govgate), per task (prompt label : provider label):

  pass_rate   passes over all rows (errors, failureReason 2, do not pass); checked here
              against promptfoo's own prompts[].metrics testPassCount / (pass+fail+error)
  error_rate, score, each named score (mean over the rows that have it), latency_ms
  stderr      over the tests' own means (a test = description + sorted vars), ddof 1 / sqrt(n)
  n           distinct tests with a value; trials: with --repeat k, the sd (ddof 1) of the k
              per-round means (round i = the i-th row of each test)

and, for the fixtures' base and cand evals, the paired pass_rate comparison over tests
(cand's per-test mean of its repeats): exact McNemar (statsmodels, exact=True).

usage: scripts/reference/promptfoo_reference.py   (writes promptfoo_reference.json beside it)
"""
import glob
import json
import math
import os
from collections import OrderedDict, defaultdict

from statsmodels.stats.contingency_tables import mcnemar

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def task_of(r):
    p = (r.get("prompt") or {}).get("label") or r.get("promptId")
    v = (r.get("provider") or {}).get("label") or (r.get("provider") or {}).get("id")
    return f"{p}:{v}".replace("/", "_")


def test_of(r):
    case = r.get("testCase") or {}
    vars_ = r.get("vars") or case.get("vars") or {}
    return (case.get("description") or "", tuple(sorted((k, json.dumps(v)) for k, v in vars_.items())))


def sd(x):
    if len(x) < 2:
        return None
    m = sum(x) / len(x)
    return math.sqrt(sum((v - m) ** 2 for v in x) / (len(x) - 1))


def metric(rows, value):
    by_test = OrderedDict()
    for r in rows:
        v = value(r)
        if v is not None:
            by_test.setdefault(test_of(r), []).append(float(v))
    allv = [v for vs in by_test.values() for v in vs]
    if not allv:
        return None
    means = [sum(v) / len(v) for v in by_test.values()]
    s = sd(means)
    rounds = max(len(v) for v in by_test.values())
    trials = None
    if rounds > 1 and all(len(v) == rounds for v in by_test.values()):
        per_round = [sum(v[i] for v in by_test.values()) / len(by_test) for i in range(rounds)]
        trials = {"count": rounds, "sd": sd(per_round)}
    return {"value": sum(allv) / len(allv), "stderr": None if s is None else s / math.sqrt(len(means)),
            "n": len(by_test), "trials": trials}


def read(path, root):
    if path.endswith(".jsonl"):
        rows = [json.loads(l) for l in open(path) if l.strip()]
        prompts = None
    else:
        d = json.load(open(path))
        rows = d["results"]["results"]
        prompts = d["results"]["prompts"]
    tasks = defaultdict(list)
    for r in rows:
        tasks[task_of(r)].append(r)
    out = {}
    for t, rs in tasks.items():
        m = {
            "pass_rate": metric(rs, lambda r: 1.0 if r["success"] else 0.0),
            "error_rate": metric(rs, lambda r: 1.0 if r.get("failureReason") == 2 else 0.0),
            "score": metric(rs, lambda r: r.get("score")),
            "latency_ms": metric(rs, lambda r: r.get("latencyMs")),
        }
        # assertions pooled: all, and per type
        comps = [c for r in rs for c in ((r.get("gradingResult") or {}).get("componentResults") or [])
                 if isinstance(c.get("pass"), bool)]
        pooled = {}
        for c in comps:
            for key in ("", c["assertion"]["type"]):
                p_, f_ = pooled.get(key, (0, 0))
                pooled[key] = (p_ + c["pass"], f_ + (not c["pass"]))
        m["assertions"] = {k: v[0] / (v[0] + v[1]) for k, v in sorted(pooled.items())}
        names = sorted({k for r in rs for k in (r.get("namedScores") or {})})
        for name in names:
            m[name] = metric(rs, lambda r, name=name: (r.get("namedScores") or {}).get(name))
        out[t] = m
        if prompts is not None:
            label, provider = t.split(":", 1)
            p = [x for x in prompts if x.get("label") == label and x.get("provider") == provider][0]["metrics"]
            total = p["testPassCount"] + p["testFailCount"] + p["testErrorCount"]
            assert abs(p["testPassCount"] / total - m["pass_rate"]["value"]) < 1e-15, (path, t)
    return {"path": os.path.relpath(path, root), "tasks": out}


def paired(base, cand):
    def per_test(path):
        rows = json.load(open(path))["results"]["results"]
        by = defaultdict(list)
        for r in rows:
            by[test_of(r)].append(1.0 if r["success"] else 0.0)
        return {k: sum(v) / len(v) for k, v in by.items()}
    b, c = per_test(base), per_test(cand)
    ids = sorted(set(b) & set(c))
    assert all(b[i] in (0, 1) and c[i] in (0, 1) for i in ids)
    n10 = sum(1 for i in ids if b[i] == 1 and c[i] == 0)
    n01 = sum(1 for i in ids if b[i] == 0 and c[i] == 1)
    n11 = sum(1 for i in ids if b[i] == 1 and c[i] == 1)
    n00 = sum(1 for i in ids if b[i] == 0 and c[i] == 0)
    return {"n": len(ids), "delta": sum(c[i] for i in ids) / len(ids) - sum(b[i] for i in ids) / len(ids),
            "p": float(mcnemar([[n11, n10], [n01, n00]], exact=True).pvalue)}


def files(base):
    return sorted(glob.glob(os.path.join(base, "**", "results.json"), recursive=True)
                  + glob.glob(os.path.join(base, "**", "results.jsonl"), recursive=True))


def main():
    fx = os.path.join(REPO, "fixtures", "promptfoo")
    out = {"fixtures": [read(p, REPO) for p in files(fx)],
           "paired": paired(os.path.join(fx, "base", "results.json"), os.path.join(fx, "cand", "results.json"))}
    corpus = os.environ.get("GOVGATE_CORPUS", os.path.join(REPO, "..", "shared", "corpus"))
    pf = os.path.join(corpus, "tools-2026", "promptfoo")
    out["corpus"] = [read(p, pf) for p in files(pf)] if os.path.isdir(pf) else []
    with open(os.path.join(HERE, "promptfoo_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

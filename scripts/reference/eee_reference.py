#!/usr/bin/env python3
"""Independent reads of Every Eval Ever (schema 0.3.x) records, for tests/eee.rs.

For every aggregate under fixtures/eee (and, when present, the corpus's tools-2026/eee/A),
read with Python's json (not govgate): per `evaluation_results[]` entry the task and variant
(`evaluation_name` split at `/`), the metric (`metric_config.metric_name`, else
`metric_id`), the score, `uncertainty.standard_error.value`, `num_samples`,
`source_data.samples_number`, the direction (`lower_is_better`), and whether the samples
file's SHA-256 equals `detailed_evaluation_results.checksum`; the schema version of every
legacy file. For the fixtures' base and cand: the paired accuracy comparison over the
samples files (joined on `sample_id`): exact McNemar (statsmodels, exact=True).

usage: scripts/reference/eee_reference.py   (writes eee_reference.json beside it)
"""
import glob
import hashlib
import json
import os

from statsmodels.stats.contingency_tables import mcnemar

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def read(path, root):
    d = json.load(open(path))
    out = []
    for r in d["evaluation_results"]:
        name = r["evaluation_name"]
        task, _, variant = name.partition("/")
        mc = r["metric_config"]
        sd = r["score_details"]
        unc = sd.get("uncertainty") or {}
        out.append({"task": task, "variant": variant or None,
                    "metric": mc.get("metric_name") or mc.get("metric_id"),
                    "value": sd["score"],
                    "stderr": (unc.get("standard_error") or {}).get("value"),
                    "stderr_method": (unc.get("standard_error") or {}).get("method"),
                    "n": unc.get("num_samples"),
                    "dataset_size": (r.get("source_data") or {}).get("samples_number"),
                    "higher_is_better": None if mc.get("lower_is_better") is None else not mc["lower_is_better"]})
    samples = path[:-len(".json")] + "_samples.jsonl"
    checksum_ok = None
    if os.path.exists(samples) and "detailed_evaluation_results" in d:
        checksum_ok = hashlib.sha256(open(samples, "rb").read()).hexdigest() == d["detailed_evaluation_results"]["checksum"]
    return {"path": os.path.relpath(path, root), "schema_version": d["schema_version"],
            "model": d["model_info"].get("id") or d["model_info"].get("name"),
            "results": out, "checksum_ok": checksum_ok}


def scores(path, result_id):
    return {l["sample_id"]: float(l["evaluation"]["score"]) for l in map(json.loads, open(path))
            if l["evaluation_result_id"] == result_id}


def main():
    fx = os.path.join(REPO, "fixtures", "eee")
    aggregates = lambda base: sorted(p for p in glob.glob(os.path.join(base, "**", "*.json"), recursive=True)
                                     if not p.endswith("_samples.jsonl"))
    current = [p for p in aggregates(fx) if "/legacy/" not in p]
    out = {"fixtures": [read(p, REPO) for p in current],
           "legacy": [{"path": os.path.relpath(p, REPO), "schema_version": json.load(open(p))["schema_version"]}
                      for p in aggregates(os.path.join(fx, "legacy"))]}
    b = scores(glob.glob(os.path.join(fx, "base", "**", "*_samples.jsonl"), recursive=True)[0], "acc")
    c = scores(glob.glob(os.path.join(fx, "cand", "**", "*_samples.jsonl"), recursive=True)[0], "acc")
    ids = sorted(set(b) & set(c))
    t = [[sum(1 for i in ids if b[i] == x and c[i] == y) for y in (1, 0)] for x in (1, 0)]
    out["paired"] = {"n": len(ids), "delta": sum(c[i] for i in ids) / len(ids) - sum(b[i] for i in ids) / len(ids),
                     "p": float(mcnemar(t, exact=True).pvalue)}
    corpus = os.environ.get("GOVGATE_CORPUS", os.path.join(REPO, "..", "shared", "corpus"))
    eee = os.path.join(corpus, "tools-2026", "eee")
    out["corpus"] = [read(p, eee) for p in aggregates(os.path.join(eee, "A", "data"))] if os.path.isdir(eee) else []
    out["corpus_legacy"] = ([{"path": os.path.relpath(p, eee), "schema_version": json.load(open(p))["schema_version"]}
                             for p in aggregates(os.path.join(eee, "legacy_0.2.x"))] if os.path.isdir(eee) else [])
    with open(os.path.join(HERE, "eee_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Independent reads of lighteval outputs, for tests/lighteval.rs to compare govgate with.

For every lighteval results file under fixtures/lighteval and, when present, the corpus's
tools-2026/lighteval (GOVGATE_CORPUS or ../shared/corpus), read with Python's json and
pyarrow (not govgate):

  tasks      each `results` key but `all` and `…:_average|<n>`: the task (the key less its
             `|<n>`), n-shot, every metric's value and `<metric>_stderr`, the version
             (`versions`, else `config_tasks[key].version`), `hash_examples`, and the rows
             of its details Parquet (the documents evaluated) when the file exists
  groups     `all` and the `:_average` entries: the members' plain mean and the standard
             error of that mean, sqrt(sum se_i^2) / k — and the file's own `_stderr`, the
             arithmetic mean of the members' (which govgate must not use)
  limit      `config_general.max_samples`

and, for the fixtures' base and cand runs, the paired comparison of each task over the
details' per-document scores (joined on `doc.id`): the difference of means and the exact
McNemar p-value (statsmodels.stats.contingency_tables.mcnemar, exact=True).

usage: scripts/reference/lighteval_reference.py   (writes lighteval_reference.json beside it)
"""
import glob
import json
import math
import os

import pyarrow.parquet as pq
from statsmodels.stats.contingency_tables import mcnemar

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def split_key(key):
    task, _, k = key.rpartition("|")
    if task and k.isdigit():
        return task, int(k)
    return key, None


def is_average(key):
    return key == "all" or split_key(key)[0].endswith(":_average")


def details_dir(results_path):
    stamp = os.path.basename(results_path)[len("results_"):-len(".json")]
    model_dir = os.path.dirname(results_path)
    parts = model_dir.split(os.sep)
    i = len(parts) - 1 - parts[::-1].index("results")
    out = os.sep.join(parts[:i])
    model = os.sep.join(parts[i + 1:])
    return os.path.join(out, "details", model, stamp), stamp


def read(path, root):
    d = json.load(open(path))
    results = d["results"]
    keys = [k for k in results if not is_average(k)]
    shots = {}
    for k in keys:
        t, n = split_key(k)
        shots.setdefault(t, []).append(n)
    name = lambda k: k if len(shots[split_key(k)[0]]) > 1 else split_key(k)[0]
    ddir, stamp = details_dir(path)
    tasks = {}
    for k in keys:
        cfg = d.get("config_tasks", {}).get(k, {})
        version = d.get("versions", {}).get(k, cfg.get("version"))
        det = os.path.join(ddir, f"details_{k}_{stamp}.parquet")
        rows = pq.ParquetFile(det).metadata.num_rows if os.path.exists(det) else None
        if rows is not None:
            # counted from the data, as govgate counts it
            rows = pq.read_table(det, columns=["metric"]).num_rows
        tasks[name(k)] = {
            "n_shot": split_key(k)[1],
            "metrics": {m: {"value": v, "stderr": results[k].get(f"{m}_stderr")}
                        for m, v in results[k].items() if not m.endswith("_stderr")},
            "version": None if version is None else str(version),
            "hash_examples": d.get("summary_tasks", {}).get(k, {}).get("hashes", {}).get("hash_examples"),
            "documents": rows,
        }
    groups = {}
    for k in results:
        if not is_average(k):
            continue
        prefix, n = split_key(k)
        stem = prefix[: -len("_average")] if prefix.endswith("_average") else prefix
        members = [name(m) for m in keys if k == "all" or (split_key(m)[0].startswith(stem) and split_key(m)[1] == n)]
        g = {}
        for m, v in results[k].items():
            if m.endswith("_stderr"):
                continue
            of = [tasks[t]["metrics"][m] for t in members if m in tasks[t]["metrics"]]
            ses = [x["stderr"] for x in of]
            g[m] = {
                "value": v,
                "mean_of_members": sum(x["value"] for x in of) / len(of),
                "stderr_of_mean": math.sqrt(sum(s * s for s in ses)) / len(of) if all(s is not None for s in ses) else None,
                "file_stderr": results[k].get(f"{m}_stderr"),
            }
        groups[prefix] = g
    return {
        "path": os.path.relpath(path, root),
        "model": d["config_general"].get("model_name"),
        "limit": d["config_general"].get("max_samples"),
        "tasks": tasks,
        "groups": groups,
    }


def per_doc(det, metric):
    t = pq.read_table(det, columns=["doc", "metric"]).to_pylist()
    return {r["doc"]["id"]: float(r["metric"][metric]) for r in t}


def paired(base_path, cand_path):
    out = {}
    for key, metric in [("yesno|0", "acc"), ("arith|3", "em")]:
        bd, bs = details_dir(base_path)
        cd, cs = details_dir(cand_path)
        b = per_doc(os.path.join(bd, f"details_{key}_{bs}.parquet"), metric)
        c = per_doc(os.path.join(cd, f"details_{key}_{cs}.parquet"), metric)
        ids = sorted(set(b) & set(c))
        n11 = sum(1 for i in ids if b[i] == 1 and c[i] == 1)
        n10 = sum(1 for i in ids if b[i] == 1 and c[i] == 0)
        n01 = sum(1 for i in ids if b[i] == 0 and c[i] == 1)
        n00 = sum(1 for i in ids if b[i] == 0 and c[i] == 0)
        res = mcnemar([[n11, n10], [n01, n00]], exact=True)
        out[f"{split_key(key)[0]}/{metric}"] = {
            "n": len(ids),
            "delta": sum(c[i] for i in ids) / len(ids) - sum(b[i] for i in ids) / len(ids),
            "discordant": [n10, n01],
            "p": float(res.pvalue),
        }
    return out


def main():
    fixtures = sorted(glob.glob(os.path.join(REPO, "fixtures", "lighteval", "*", "results", "**", "results_*.json"), recursive=True))
    out = {"fixtures": [read(p, REPO) for p in fixtures]}
    base = [p for p in fixtures if "/base/" in p][0]
    cand = [p for p in fixtures if "/cand/" in p][0]
    out["paired"] = paired(base, cand)
    corpus = os.environ.get("GOVGATE_CORPUS", os.path.join(REPO, "..", "shared", "corpus"))
    lt = os.path.join(corpus, "tools-2026", "lighteval")
    files = sorted(glob.glob(os.path.join(lt, "**", "results", "**", "results_*.json"), recursive=True))
    out["corpus"] = [read(p, lt) for p in files]
    with open(os.path.join(HERE, "lighteval_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

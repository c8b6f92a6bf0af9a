#!/usr/bin/env python3
"""Reference values for the `calibration` check: the expected calibration error as HELM
computes `ece_10_bin` — `calibration.get_ece_em(max_probs, correct, num_bins=10)` of the
`uncertainty-calibration` package (0.1.4), which `helm/benchmark/metrics/basic_metrics.py`
imports as `cal` — and the equal-width `calibration.get_ece`, on the fixtures of
fixtures/calibration and on generated edge cases (ties across bin edges, fewer values than
bins, every confidence equal, confidences of exactly 0 and 1). Each bin's count, mean
confidence and accuracy come from the package's own binning (`get_equal_bins`,
`get_equal_prob_bins`, `bin`).

Runs' own confidences, read independently of govgate: an lm-eval samples log's probability
of the chosen answer — the largest softmax of `filtered_resps`' log-likelihoods — against its
`acc` (fixtures/release/baseline; with GOVGATE_CORPUS set, also the corpus's
lmeval-generated synth_arith_mc), and HELM's per-instance `max_prob` and `exact_match` of
the test split, unperturbed, whose ECE must equal the run's own `ece_10_bin` in stats.json
(the corpus's helm-generated runs).

Writes scripts/reference/calibration_reference.json (run from the repository root):
  pip install uncertainty-calibration==0.1.4 numpy
  python3 scripts/reference/calibration_reference.py
"""
import json
import math
import os
import platform

import calibration as cal
import numpy as np
from calibration.utils import bin as cal_bin, get_equal_bins, get_equal_prob_bins


def bins_of(probs, correct, num_bins, equal_mass):
    edges = get_equal_bins(probs, num_bins) if equal_mass else get_equal_prob_bins(probs, num_bins)
    out = []
    for upper, b in zip(edges, cal_bin(list(zip(probs, correct)), edges)):
        if len(b) == 0:
            continue
        b = np.array(b)
        out.append({"upper": float(upper), "n": int(len(b)), "confidence": float(b[:, 0].mean()),
                    "accuracy": float(b[:, 1].mean())})
    return out


def case(name, probs, correct, num_bins=10):
    probs = [float(p) for p in probs]
    correct = [int(c) for c in correct]
    return {
        "name": name, "probs": probs, "correct": correct, "bins": num_bins,
        "ece_equal_mass": float(cal.get_ece_em(probs, np.array(correct), num_bins=num_bins)),
        "ece_equal_width": float(cal.get_ece(probs, np.array(correct), num_bins=num_bins)),
        "bins_equal_mass": bins_of(probs, correct, num_bins, True),
        "bins_equal_width": bins_of(probs, correct, num_bins, False),
    }


def read(path):
    with open(path) as f:
        recs = [json.loads(line) for line in f]
    return [r["confidence"] for r in recs], [int(bool(r["correct"])) for r in recs]


def softmax_max(lls):
    lls = [float(x) for x in lls]
    top = max(lls)
    return 1.0 / sum(math.exp(l - top) for l in lls)


def lmeval_choices(path):
    probs, correct = [], []
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("filter", "none") != "none":
                continue
            probs.append(softmax_max([c[0] for c in rec["filtered_resps"]]))
            correct.append(int(float(rec["acc"])))
    return {"n": len(probs), "ece_equal_mass": float(cal.get_ece_em(probs, np.array(correct), num_bins=10)),
            "mean_confidence": float(np.mean(probs)), "accuracy": float(np.mean(correct))}


def helm_run(d):
    with open(os.path.join(d, "stats.json")) as f:
        stats = json.load(f)
    helm = [x["mean"] for x in stats
            if x["name"]["name"] == "ece_10_bin" and "perturbation" not in x["name"]]
    with open(os.path.join(d, "per_instance_stats.json")) as f:
        inst = json.load(f)
    probs, correct = [], []
    for i in inst:
        st = {x["name"]["name"]: x["sum"] / x["count"] for x in i["stats"] if x.get("count")
              if "perturbation" not in x["name"] and x["name"].get("split") == "test"}
        if "max_prob" in st and "exact_match" in st:
            probs.append(st["max_prob"])
            correct.append(int(st["exact_match"]))
    return {"helm_ece_10_bin": helm[0] if helm else None, "n": len(probs),
            "ece_equal_mass": float(cal.get_ece_em(probs, np.array(correct), num_bins=10)) if probs else None}


def main():
    rng = np.random.default_rng(3)
    cases = [
        case("ties", [0.1, 0.1, 0.1, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 1.0, 1.0, 0.0],
             [0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0]),
        case("fewer-than-bins", [0.3, 0.6, 0.95], [0, 1, 1]),
        case("all-equal", [0.7] * 50, [1] * 30 + [0] * 20),
        case("edges", [0.1, 0.2, 0.30000000000000004, 0.3, 0.7, 0.8, 0.9, 1.0, 0.0, 0.05],
             [1, 0, 1, 0, 1, 0, 1, 1, 0, 0], num_bins=5),
        case("random-15", rng.uniform(0, 1, 777).round(4), (rng.uniform(0, 1, 777) < 0.6).astype(int),
             num_bins=15),
    ]
    fixtures = {}
    for name in ("calibrated", "overconfident", "small"):
        p, c = read(f"fixtures/calibration/{name}.jsonl")
        fixtures[name] = case(name, p, c)
        del fixtures[name]["probs"], fixtures[name]["correct"]
        fixtures[name]["n"] = len(p)
    runs = {"release_baseline": lmeval_choices(
        "fixtures/release/baseline/acme__helpdesk-7b-v2/samples_helpdesk_qa_2026-10-30T09-00-00.000000.jsonl")}
    corpus = os.environ.get("GOVGATE_CORPUS")
    if corpus:
        runs["corpus_synth_arith_mc"] = lmeval_choices(os.path.join(
            corpus, "lmeval-generated/run_f_modelB_tasks_no_group/oracle-model-B/"
            "samples_synth_arith_mc_2026-11-23T00-01-00.369967.jsonl"))
        helm = os.path.join(corpus, "helm-generated/runs/v1")
        for d in sorted(os.listdir(helm)):
            if os.path.exists(os.path.join(helm, d, "per_instance_stats.json")) and "max_prob" in open(
                    os.path.join(helm, d, "per_instance_stats.json")).read():
                runs["helm:" + d] = helm_run(os.path.join(helm, d))
    out = {"versions": {"python": platform.python_version(), "numpy": np.__version__,
                        "uncertainty-calibration": "0.1.4"},
           "cases": cases, "fixtures": fixtures, "runs": runs}
    with open("scripts/reference/calibration_reference.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, v in fixtures.items():
        print(k, v["n"], v["ece_equal_mass"], v["ece_equal_width"])


if __name__ == "__main__":
    main()

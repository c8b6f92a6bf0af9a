#!/usr/bin/env python3
"""Reference values for govgate's `fairness` check, computed with fairlearn and Aequitas on
the committed fixtures.

  per-group selection rate     fairlearn.metrics.MetricFrame(selection_rate)
  per-group TPR / FPR          fairlearn.metrics true_positive_rate / false_positive_rate
  per-group mean score         fairlearn.metrics.MetricFrame(mean of the score)
  demographic-parity diff.     fairlearn.metrics.demographic_parity_difference (between_groups)
  demographic-parity ratio     fairlearn.metrics.demographic_parity_ratio (between_groups)
  score difference / ratio     MetricFrame.difference() / .ratio() (between_groups)
  equalized-odds difference    fairlearn.metrics.equalized_odds_difference (worst_case)
  disparity vs majority group  aequitas Bias().get_disparity_major_group -> pprev_disparity
                               (predicted prevalence = selection rate); for scores, the group
                               mean over the majority group's mean

The records are read here independently of govgate (plain json); the group filter is the
documented one: records without the group attribute are dropped, then groups with fewer than
`min_group_size` records are left out before any across-group number is computed.

Writes scripts/reference/s7p2_reference.json (run from the repository root):
  pip install fairlearn==0.15.0 aequitas==1.1.0
  python3 scripts/reference/s7p2_reference.py
"""
import json
import platform
from collections import Counter

import fairlearn
import numpy as np
import pandas as pd
from aequitas.bias import Bias
from aequitas.group import Group
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

HELM_MMLU = "fixtures/helm/benchmark_output/runs/v1/mmlu:subject=anatomy,model=acme_tiny-7b"


def lookup(rec, path):
    for part in path.split("."):
        if not isinstance(rec, dict) or part not in rec:
            return None
        rec = rec[part]
    return rec


def norm(v):
    """govgate's category normalisation: booleans and integral numbers as "0"/"1"/…"""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)) and float(v).is_integer():
        return str(int(v))
    return None if v is None else str(v)


def jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def helm_records():
    """HELM per-instance stats joined with scenario_state instances (unperturbed)."""
    with open(f"{HELM_MMLU}/scenario_state.json") as f:
        states = json.load(f)["request_states"]
    inst = {}
    for s in states:
        i = s["instance"]
        if "perturbation" not in i:
            inst.setdefault(i["id"], i)
    with open(f"{HELM_MMLU}/per_instance_stats.json") as f:
        rows = json.load(f)
    out = []
    for r in rows:
        if "perturbation" in r:
            continue
        stats = {s["name"]["name"]: s["mean"] for s in r["stats"] if s["count"] > 0}
        out.append({"instance": inst.get(r["instance_id"]), "stats": stats})
    return out


def kept_groups(groups, min_group_size):
    sizes = Counter(groups)
    kept = sorted(g for g, n in sizes.items() if n >= min_group_size)
    excluded = {g: n for g, n in sorted(sizes.items()) if n < min_group_size}
    return kept, excluded


def selection_case(name, path, records, group, prediction, label, positive, min_group_size):
    rows = [
        (norm(lookup(r, group)), norm(lookup(r, prediction)), norm(lookup(r, label)))
        for r in records
    ]
    rows = [x for x in rows if x[0] is not None]
    kept, excluded = kept_groups([g for g, _, _ in rows], min_group_size)
    rows = [x for x in rows if x[0] in kept]
    sf = np.array([g for g, _, _ in rows])
    y_pred = np.array([int(p == positive) for _, p, _ in rows])
    y_true = np.array([int(lab == positive) for _, _, lab in rows])
    mf = MetricFrame(
        metrics={"rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=y_true, y_pred=y_pred, sensitive_features=sf,
    )
    # Aequitas: binary score column, label_value, attribute column of strings.
    df = pd.DataFrame({"score": y_pred, "label_value": y_true, "group": sf})
    xtab, _ = Group().get_crosstabs(df)
    bdf = Bias().get_disparity_major_group(xtab, original_df=df)
    disp = {row.attribute_value: float(row.pprev_disparity) for row in bdf.itertuples()}
    (major,) = set(bdf["pprev_ref_group_value"])
    return {
        "name": name, "file": path, "mode": "selection", "group": group,
        "prediction": prediction, "label": label, "positive": positive,
        "min_group_size": min_group_size,
        "groups": {
            g: {"n": int((sf == g).sum()), "rate": float(mf.by_group.loc[g, "rate"]),
                "tpr": float(mf.by_group.loc[g, "tpr"]), "fpr": float(mf.by_group.loc[g, "fpr"]),
                "disparity": disp[g]}
            for g in kept
        },
        "excluded": excluded,
        "reference_group": major,
        "difference": float(demographic_parity_difference(y_true, y_pred, sensitive_features=sf)),
        "ratio": float(demographic_parity_ratio(y_true, y_pred, sensitive_features=sf)),
        "equalized_odds_difference": float(
            equalized_odds_difference(y_true, y_pred, sensitive_features=sf)),
    }


def score_case(name, path, records, group, score, min_group_size):
    rows = [(norm(lookup(r, group)), lookup(r, score)) for r in records]
    rows = [(g, float(s)) for g, s in rows if g is not None and s is not None]
    kept, excluded = kept_groups([g for g, _ in rows], min_group_size)
    rows = [x for x in rows if x[0] in kept]
    sf = np.array([g for g, _ in rows])
    y = np.array([s for _, s in rows])
    mf = MetricFrame(metrics=lambda yt, yp: float(np.mean(yt)), y_true=y, y_pred=y,
                     sensitive_features=sf)
    # The majority group as Aequitas picks it, the largest; govgate's documented tie rule
    # (winogender has three groups of 40) takes the first by name.
    sizes = {g: int((sf == g).sum()) for g in kept}
    major = min(g for g in kept if sizes[g] == max(sizes.values()))
    means = {g: float(mf.by_group.loc[g]) for g in kept}
    return {
        "name": name, "file": path, "mode": "score", "group": group, "score": score,
        "min_group_size": min_group_size,
        "groups": {g: {"n": int((sf == g).sum()), "rate": means[g],
                       "disparity": means[g] / means[major]} for g in kept},
        "excluded": excluded,
        "reference_group": major,
        "difference": float(mf.difference(method="between_groups")),
        "ratio": float(mf.ratio(method="between_groups")),
    }


def main():
    cases = []
    for name, path in [
        ("loans", "fixtures/s7p2/records/loan_decisions.jsonl"),
        ("loans_biased", "fixtures/s7p2/records/loan_decisions_biased.jsonl"),
    ]:
        cases.append(selection_case(name, path, jsonl(path), "applicant.gender", "approved",
                                    "repaid", "1", 30))
    path = "fixtures/s7p2/evaluation/group_outcomes.jsonl"
    cases.append(selection_case("group_outcomes", path, jsonl(path), "group", "prediction",
                                "label", "1", 30))
    path = "fixtures/s7p2/lmeval/acme__tiny-1b"
    samples = jsonl(f"{path}/samples_winogender_tiny_2025-09-01T12-00-00.000001.jsonl")
    cases.append(score_case("winogender", path, samples, "doc.gender", "acc", 30))
    cases.append(score_case("helm_region", "fixtures/helm/benchmark_output/runs/v1",
                            helm_records(), "instance.extra_data.region", "stats.exact_match", 5))
    out = {
        "generated_by": "scripts/reference/s7p2_reference.py",
        "versions": {"python": platform.python_version(), "fairlearn": fairlearn.__version__,
                     "aequitas": "1.1.0", "pandas": pd.__version__, "numpy": np.__version__},
        "cases": cases,
    }
    with open("scripts/reference/s7p2_reference.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

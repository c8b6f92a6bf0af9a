#!/usr/bin/env python3
"""Reference values for the `calibration` check: the expected calibration error as HELM
computes `ece_10_bin` — `calibration.get_ece_em(max_probs, correct, num_bins=10)` of the
`uncertainty-calibration` package (0.1.4), which `helm/benchmark/metrics/basic_metrics.py`
imports as `cal` — and the equal-width `calibration.get_ece`, on the fixtures of
fixtures/calibration and on generated edge cases (ties across bin edges, fewer values than
bins, every confidence equal, confidences of exactly 0 and 1). Each bin's count, mean
confidence and accuracy come from the package's own binning (`get_equal_bins`,
`get_equal_prob_bins`, `bin`).

Writes scripts/reference/calibration_reference.json (run from the repository root):
  pip install uncertainty-calibration==0.1.4 numpy
  python3 scripts/reference/calibration_reference.py
"""
import json
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
    out = {"versions": {"python": platform.python_version(), "numpy": np.__version__,
                        "uncertainty-calibration": "0.1.4"},
           "cases": cases, "fixtures": fixtures}
    with open("scripts/reference/calibration_reference.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, v in fixtures.items():
        print(k, v["n"], v["ece_equal_mass"], v["ece_equal_width"])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for govgate's S7P1 statistics, computed with the reference libraries.

  normal quantile / tail     scipy.stats.norm.ppf / norm.sf
  unpaired z-test            lm-eval scripts/model_comparator.py formula, scipy norm.sf
  McNemar exact / chi2       statsmodels.stats.contingency_tables.mcnemar
  stderr of a mean           numpy std(ddof=1)/sqrt(n)  (lm-eval's mean_stderr)
  MDE                        (norm.ppf(1-alpha/2) + norm.ppf(power)) * se
  paired bootstrap           the resampling indices come from govgate's documented generator
                             (xoshiro256** seeded by SplitMix64, Lemire bounded integers),
                             re-implemented here; the resample means, numpy percentiles
                             (method="linear") and p-value are computed here independently.
                             scipy.stats.bootstrap (percentile CI, its own RNG) is recorded as
                             an independent cross-check with a Monte-Carlo tolerance.

Writes scripts/reference/s7p1_reference.json (run from the repository root):
  pip install scipy statsmodels numpy
  python3 scripts/reference/s7p1_reference.py
"""
import json
import math
import platform

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
from statsmodels.stats.contingency_tables import mcnemar

M64 = (1 << 64) - 1
# src/stats/bootstrap.rs DEFAULT_SEED and DEFAULT_RESAMPLES
DEFAULT_SEED = 0x6F76_6761_7465
DEFAULT_RESAMPLES = 10_000


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Xoshiro256:
    def __init__(self, seed):
        s = []
        st_ = seed
        for _ in range(4):
            st_, out = splitmix64(st_)
            s.append(out)
        self.s = s

    def next_u64(self):
        s = self.s
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        m = self.next_u64() * n
        low = m & M64
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                m = self.next_u64() * n
                low = m & M64
        return m >> 64


def bootstrap_replica(d, resamples, seed, confidence):
    rng = Xoshiro256(seed)
    n = len(d)
    means = np.empty(resamples)
    for b in range(resamples):
        idx = [rng.below(n) for _ in range(n)]
        means[b] = np.asarray(d)[idx].sum() / n
    tail = (1 - confidence) / 2
    lo, hi = np.percentile(means, [100 * tail, 100 * (1 - tail)], method="linear")
    le0 = int((means <= 0).sum())
    ge0 = int((means >= 0).sum())
    p = min(1.0, 2 * min(le0, ge0) / resamples)
    return {"mean": float(np.mean(d)), "ci_low": float(lo), "ci_high": float(hi), "p_value": p}


def scipy_bootstrap(d, confidence):
    res = st.bootstrap((np.asarray(d),), np.mean, n_resamples=DEFAULT_RESAMPLES, method="percentile",
                       confidence_level=confidence, random_state=np.random.default_rng(12345))
    se = float(np.std(d, ddof=1) / math.sqrt(len(d)))
    # Two independent percentile bootstraps differ by about sqrt(2) * sqrt(q(1-q)/B) / phi(z_q) * se
    # at the 2.5% quantile (0.038 se for B = 10000); allow five of those.
    q = (1 - confidence) / 2
    mc = math.sqrt(2) * math.sqrt(q * (1 - q) / DEFAULT_RESAMPLES) / st.norm.pdf(st.norm.ppf(q)) * se
    return {"ci_low": float(res.confidence_interval.low), "ci_high": float(res.confidence_interval.high),
            "tolerance": 5 * mc}


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    out = {
        "generated_by": "scripts/reference/s7p1_reference.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
    }
    out["normal_ppf"] = [{"p": p, "value": float(st.norm.ppf(p))}
                         for p in [0.5, 0.8, 0.9, 0.95, 0.975, 0.995, 0.9999, 0.025]]
    out["normal_sf"] = [{"z": z, "value": float(st.norm.sf(z))}
                        for z in [0.0, 0.5, 1.0, 1.959963984540054, 2.5, 3.0, 5.0, 8.0, -1.5]]

    zcases = [(0.665, 0.03344, 0.74, 0.03109), (0.4331, 0.004945, 0.4412, 0.004955),
              (0.6123, 0.0041, 0.6200, 0.0041), (0.5, 0.05, 0.5, 0.05), (0.9, 0.001, 0.2, 0.002)]
    out["ztest"] = []
    for a, sa, b, sb in zcases:
        z = (a - b) / math.sqrt(sa ** 2 + sb ** 2)
        out["ztest"].append({"a": a, "se_a": sa, "b": b, "se_b": sb, "z": z, "p_value": float(2 * st.norm.sf(abs(z)))})

    out["mcnemar"] = []
    for b, c in [(25, 10), (9, 5), (0, 10), (3, 1), (50, 50), (120, 80), (1, 0), (400, 350), (0, 0)]:
        table = [[100, b], [c, 100]]
        ex = mcnemar(table, exact=True)
        row = {"b": b, "c": c, "exact_statistic": float(ex.statistic), "exact_p": float(ex.pvalue)}
        if b + c > 0:
            for corr in [True, False]:
                r = mcnemar(table, exact=False, correction=corr)
                key = "chi2_corrected" if corr else "chi2_uncorrected"
                row[key + "_statistic"] = float(r.statistic)
                row[key + "_p"] = float(r.pvalue)
        out["mcnemar"].append(row)

    rng = np.random.default_rng(7)
    arrays = {
        "binary": [float(x) for x in rng.integers(0, 2, 57)],
        "continuous": [float(x) for x in np.round(rng.normal(0.3, 1.7, 83), 6)],
    }
    out["stderr_of_mean"] = [{"name": k, "values": v, "mean": float(np.mean(v)),
                              "stderr": float(np.std(v, ddof=1) / math.sqrt(len(v)))} for k, v in arrays.items()]

    out["mde"] = [{"se": se, "alpha": a, "power": pw,
                   "value": float((st.norm.ppf(1 - a / 2) + st.norm.ppf(pw)) * se)}
                  for se, a, pw in [(0.01, 0.05, 0.8), (0.0291741435738, 0.05, 0.8), (1.0, 0.01, 0.9), (0.5, 0.1, 0.8)]]

    # Bootstrap on a synthetic array, with the default seed and a second seed.
    synth = [float(x) for x in np.round(rng.normal(-0.02, 0.3, 64), 6)]
    out["bootstrap"] = []
    for seed, resamples, conf in [(DEFAULT_SEED, DEFAULT_RESAMPLES, 0.95), (42, 2000, 0.9)]:
        r = bootstrap_replica(synth, resamples, seed, conf)
        r.update({"diffs": synth, "seed": seed, "resamples": resamples, "confidence": conf,
                  "scipy": scipy_bootstrap(synth, conf) if resamples == DEFAULT_RESAMPLES else None})
        out["bootstrap"].append(r)

    # The paired fixtures: what govgate check must report on them.
    base = "fixtures/paired/base/acme__tiny-1b-v1/"
    cand = "fixtures/paired/cand/acme__tiny-1b-v2/"
    bq_b = {r["doc_id"]: r["acc"] for r in read_jsonl(base + "samples_boolq_2025-06-01T10-00-00.000001.jsonl")}
    bq_c = {r["doc_id"]: r["acc"] for r in read_jsonl(cand + "samples_boolq_2025-06-08T10-00-00.000002.jsonl")}
    b = sum(1 for k in bq_b if bq_b[k] == 1 and bq_c[k] == 0)
    c = sum(1 for k in bq_b if bq_b[k] == 0 and bq_c[k] == 1)
    ex = mcnemar([[0, b], [c, 0]], exact=True)
    d = [bq_c[k] - bq_b[k] for k in sorted(bq_b)]
    se = float(np.std(d, ddof=1) / math.sqrt(len(d)))
    z95 = float(st.norm.ppf(0.975))
    fixtures = {"boolq_acc": {"method": "mcnemar-exact", "n": len(d), "baseline_only": b, "current_only": c,
                              "p_value": float(ex.pvalue), "delta": float(np.mean(d)), "se": se,
                              "ci_low": float(np.mean(d)) - z95 * se, "ci_high": float(np.mean(d)) + z95 * se,
                              "mde": float((z95 + st.norm.ppf(0.8)) * se)}}
    tq_b = {r["doc_id"]: r["rouge1_max"] for r in read_jsonl(base + "samples_truthfulqa_gen_2025-06-01T10-00-00.000001.jsonl")}
    tq_c = {r["doc_id"]: r["rouge1_max"] for r in read_jsonl(cand + "samples_truthfulqa_gen_2025-06-08T10-00-00.000002.jsonl")}
    dt = [tq_c[k] - tq_b[k] for k in sorted(tq_b)]
    bt = bootstrap_replica(dt, DEFAULT_RESAMPLES, DEFAULT_SEED, 0.95)
    bt.update({"method": "paired-bootstrap", "n": len(dt),
               "se": float(np.std(dt, ddof=1) / math.sqrt(len(dt))), "scipy": scipy_bootstrap(dt, 0.95)})
    fixtures["truthfulqa_rouge1_max"] = bt
    with open(base + "results_2025-06-01T10-00-00.000001.json") as f:
        rb = json.load(f)["results"]["hellaswag"]
    with open(cand + "results_2025-06-08T10-00-00.000002.json") as f:
        rc = json.load(f)["results"]["hellaswag"]
    zse = math.sqrt(rc["acc_stderr,none"] ** 2 + rb["acc_stderr,none"] ** 2)
    z = (rc["acc,none"] - rb["acc,none"]) / zse
    fixtures["hellaswag_acc"] = {"method": "unpaired-z", "z": z, "p_value": float(2 * st.norm.sf(abs(z))),
                                 "se": zse, "mde": float((z95 + st.norm.ppf(0.8)) * zse)}
    out["fixtures"] = fixtures

    with open("scripts/reference/s7p1_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote scripts/reference/s7p1_reference.json")


if __name__ == "__main__":
    main()

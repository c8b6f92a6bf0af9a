#!/usr/bin/env python3
"""Reference values for govgate's S7P1 statistics, computed with the reference libraries.

  normal quantile / tail     scipy.stats.norm.ppf / norm.sf
  unpaired z-test            lm-eval scripts/model_comparator.py formula, scipy norm.sf
  McNemar exact / chi2       statsmodels.stats.contingency_tables.mcnemar
  McNemar's interval         statsmodels proportion_confint(c, b + c, method="beta") (Clopper-Pearson
                             on the discordant split), mapped to the difference: (b+c)/n * (2*pi - 1)
  Welch from stderrs         scipy.stats.ttest_ind_from_stats(equal_var=False), scipy t.ppf
  family of tests            statsmodels multipletests(method="holm")
  stderr of a mean           numpy std(ddof=1)/sqrt(n)  (lm-eval's mean_stderr)
  MDE                        (norm.ppf(1-alpha/2) + norm.ppf(power)) * se
  paired bootstrap           the resampling indices come from govgate's documented generator
                             (xoshiro256** seeded by SplitMix64, Lemire bounded integers),
                             re-implemented here; the resample means, the (B+1) order-statistic
                             percentile interval (Davison & Hinkley 1997, 5.2) and the p-value
                             2(min(#<=0, #>=0) + 1)/(B + 1) are computed here independently.
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
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

M64 = (1 << 64) - 1
# src/stats/bootstrap.rs DEFAULT_SEED and DEFAULT_RESAMPLES
DEFAULT_SEED = 0x6F76_6761_7465
DEFAULT_RESAMPLES = 9_999


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


def bootstrap_means(d, resamples, seed):
    rng = Xoshiro256(seed)
    n = len(d)
    means = np.empty(resamples)
    for b in range(resamples):
        idx = [rng.below(n) for _ in range(n)]
        # summed left to right, as govgate does
        s = 0.0
        for i in idx:
            s += d[i]
        means[b] = s / n
    return np.sort(means)


def order_interval(sorted_means, level):
    """(B+1) order statistics: j = ceil(level (B+1) / 2) - 1, [m*_(j), m*_(B+1-j)] (1-based)."""
    B = len(sorted_means)
    j = math.ceil(level * (B + 1) / 2) - 1
    if j < 1:
        return (-math.inf, math.inf)
    return (float(sorted_means[j - 1]), float(sorted_means[B - j]))


def bootstrap_replica(d, resamples, seed, confidence):
    means = bootstrap_means(d, resamples, seed)
    lo, hi = order_interval(means, 1 - confidence)
    le0 = int((means <= 0).sum())
    ge0 = int((means >= 0).sum())
    p = min(1.0, 2 * (min(le0, ge0) + 1) / (resamples + 1))
    return {"mean": float(np.mean(d)), "ci_low": lo, "ci_high": hi, "p_value": p, "means": means}


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
        r.pop("means")
        r.update({"diffs": synth, "seed": seed, "resamples": resamples, "confidence": conf,
                  "scipy": scipy_bootstrap(synth, conf) if resamples == DEFAULT_RESAMPLES else None})
        out["bootstrap"].append(r)

    # The paired fixtures: what govgate check must report on them. The default rubric's
    # `no-regression` (metric "*/*", alpha 0.05) makes four tests; Holm adjusts them together.
    alpha = 0.05
    base = "fixtures/paired/base/acme__tiny-1b-v1/"
    cand = "fixtures/paired/cand/acme__tiny-1b-v2/"
    tests = {}

    def mcnemar_test(metric, fb, fc):
        b_ = {r["doc_id"]: r[metric] for r in read_jsonl(base + fb)}
        c_ = {r["doc_id"]: r[metric] for r in read_jsonl(cand + fc)}
        b = sum(1 for k in b_ if b_[k] == 1 and c_[k] == 0)
        c = sum(1 for k in b_ if b_[k] == 0 and c_[k] == 1)
        d = [c_[k] - b_[k] for k in sorted(b_)]
        n = len(d)

        def interval(level):
            lo, hi = proportion_confint(c, b + c, alpha=level, method="beta")
            return ((b + c) / n * (2 * lo - 1), (b + c) / n * (2 * hi - 1))
        return {"method": "mcnemar-exact", "n": n, "baseline_only": b, "current_only": c,
                "p_value": float(mcnemar([[0, b], [c, 0]], exact=True).pvalue), "delta": float(np.mean(d)),
                "se": float(np.std(d, ddof=1) / math.sqrt(n)), "interval": interval}

    tests["boolq/acc@none"] = mcnemar_test("acc", "samples_boolq_2025-06-01T10-00-00.000001.jsonl",
                                           "samples_boolq_2025-06-08T10-00-00.000002.jsonl")
    tests["truthfulqa_gen/rouge1_acc@none"] = mcnemar_test(
        "rouge1_acc", "samples_truthfulqa_gen_2025-06-01T10-00-00.000001.jsonl",
        "samples_truthfulqa_gen_2025-06-08T10-00-00.000002.jsonl")
    tq_b = {r["doc_id"]: r["rouge1_max"] for r in read_jsonl(base + "samples_truthfulqa_gen_2025-06-01T10-00-00.000001.jsonl")}
    tq_c = {r["doc_id"]: r["rouge1_max"] for r in read_jsonl(cand + "samples_truthfulqa_gen_2025-06-08T10-00-00.000002.jsonl")}
    dt = [tq_c[k] - tq_b[k] for k in sorted(tq_b)]
    bt = bootstrap_replica(dt, DEFAULT_RESAMPLES, DEFAULT_SEED, 1 - alpha)
    means = bt.pop("means")
    bt.update({"method": "paired-bootstrap", "n": len(dt), "delta": bt["mean"],
               "se": float(np.std(dt, ddof=1) / math.sqrt(len(dt))), "scipy": scipy_bootstrap(dt, 0.95),
               "interval": lambda level: order_interval(means, level)})
    tests["truthfulqa_gen/rouge1_max@none"] = bt
    with open(base + "results_2025-06-01T10-00-00.000001.json") as f:
        rb = json.load(f)
    with open(cand + "results_2025-06-08T10-00-00.000002.json") as f:
        rc = json.load(f)
    nb_, nc_ = rb["n-samples"]["hellaswag"]["effective"], rc["n-samples"]["hellaswag"]["effective"]
    xb, sb = rb["results"]["hellaswag"]["acc,none"], rb["results"]["hellaswag"]["acc_stderr,none"]
    xc, sc = rc["results"]["hellaswag"]["acc,none"], rc["results"]["hellaswag"]["acc_stderr,none"]
    welch = st.ttest_ind_from_stats(xc, sc * math.sqrt(nc_), nc_, xb, sb * math.sqrt(nb_), nb_, equal_var=False)
    wse = math.sqrt(sc ** 2 + sb ** 2)
    wdf = (sc ** 2 + sb ** 2) ** 2 / (sc ** 4 / (nc_ - 1) + sb ** 4 / (nb_ - 1))
    tests["hellaswag/acc@none"] = {
        "method": "welch-t", "statistic": float(welch.statistic), "p_value": float(welch.pvalue),
        "df": wdf, "se": wse, "delta": xc - xb,
        "interval": lambda level: (xc - xb - st.t.ppf(1 - level / 2, wdf) * wse,
                                   xc - xb + st.t.ppf(1 - level / 2, wdf) * wse)}

    names = sorted(tests)
    ps = [tests[k]["p_value"] for k in names]
    reject, p_adj, _, _ = multipletests(ps, alpha=alpha, method="holm")
    # the level Holm judged each test at: alpha/(m - k) while rejecting (k = sorted position,
    # the first of its ties), alpha/(m - r) from the first acceptance r on
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    r = next((pos for pos, i in enumerate(order) if not reject[i]), m)
    level = [None] * m
    first = 0
    for pos, i in enumerate(order):
        if pos > 0 and ps[i] != ps[order[pos - 1]]:
            first = pos
        level[i] = alpha / (m - first) if pos < r else alpha / (m - r)
    fixtures = {}
    for k, name in enumerate(names):
        t = dict(tests[name])
        interval = t.pop("interval")
        lo, hi = interval(alpha)
        alo, ahi = interval(level[k])
        t.update({"ci_low": lo, "ci_high": hi, "p_adjusted": float(p_adj[k]), "family_size": m,
                  "adjusted_confidence": 1 - level[k], "adjusted_ci_low": alo, "adjusted_ci_high": ahi,
                  "significant": bool(p_adj[k] < alpha),
                  "mde": float((st.norm.ppf(1 - level[k] / 2) + st.norm.ppf(0.8)) * t["se"])})
        fixtures[name] = t
    out["fixtures"] = fixtures

    with open("scripts/reference/s7p1_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote scripts/reference/s7p1_reference.json")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for how govgate decides (issue 14), computed with the reference libraries.

  adjusted p-values          statsmodels.stats.multitest.multipletests, methods holm,
                             bonferroni, fdr_bh (ties, p = 1, a family of one, zeros, 60 tests)
  decision levels            the level each test was judged at, worked out here from the
                             rejections p_adj < alpha (statsmodels' p_adj, govgate's strict rule): Holm alpha/(m - k) while rejecting (k the
                             sorted position, first of its ties) and alpha/(m - r) from the first
                             acceptance r on; Bonferroni alpha/m; BH max(R, 1) alpha/m
  Clopper-Pearson            statsmodels proportion_confint(method="beta")
  McNemar exact + interval   statsmodels mcnemar(exact=True); the exact conditional interval is
                             proportion_confint(c, b + c, method="beta") mapped to the
                             difference: (b + c)/n * (2 pi - 1)
  t quantiles and tails      scipy.stats.t.ppf / t.sf
  Welch from stderrs         scipy.stats.ttest_ind_from_stats(equal_var=False)
  clustered standard error   Inspect AI's own inspect_ai.scorer._metrics.std._clustered_stderr
                             and its ci(method="t", cluster=...) metric on SampleScores
  paired / cluster bootstrap govgate's documented generator (xoshiro256** seeded by SplitMix64,
                             Lemire bounded integers) re-implemented here; clusters numbered in
                             ascending key order, each round draws C of them; p and the (B + 1)
                             order-statistic intervals computed here

Writes scripts/reference/decide_reference.json (run from the repository root):
  pip install scipy statsmodels numpy inspect-ai
  python3 scripts/reference/decide_reference.py
"""
import json
import math
import os
import platform
import sys

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, os.path.dirname(__file__))
from s7p1_reference import Xoshiro256, order_interval  # noqa: E402

import inspect_ai  # noqa: E402
from inspect_ai.scorer import SampleScore, Score  # noqa: E402
from inspect_ai.scorer._metrics.std import _clustered_stderr, ci  # noqa: E402

ALPHA = 0.05


def levels(ps, reject, method, alpha):
    m = len(ps)
    if method == "bonferroni":
        return [alpha / m] * m
    if method == "fdr_bh":
        r = int(sum(reject))
        return [max(r, 1) * alpha / m] * m
    order = sorted(range(m), key=lambda i: (ps[i], i))
    stop = next((pos for pos, i in enumerate(order) if not reject[i]), m)
    out = [None] * m
    first = 0
    for pos, i in enumerate(order):
        if pos > 0 and ps[i] != ps[order[pos - 1]]:
            first = pos
        out[i] = alpha / (m - first) if pos < stop else alpha / (m - stop)
    return out


def families():
    rng = np.random.default_rng(14)
    sixty = [float(x) for x in np.round(rng.uniform(0, 1, 57), 6)] + [0.0004, 0.0011, 0.03]
    cases = {
        "textbook": [0.01, 0.04, 0.03, 0.005],
        "ties": [0.01, 0.01, 0.02, 0.5, 0.5],
        "ones": [1.0, 0.2, 1.0],
        "one": [0.03],
        "zeros": [0.0, 0.001, 0.9],
        "identical": [0.04] * 5,
        "sixty": sixty,
        "holm_stops": [0.04, 0.01, 0.03],
    }
    out = []
    for name, ps in cases.items():
        for method in ("holm", "bonferroni", "fdr_bh"):
            reject, adj, _, _ = multipletests(ps, alpha=ALPHA, method=method)
            # govgate rejects at p_adj < alpha (statsmodels at <=): the levels follow that rule
            strict = [bool(x < ALPHA) for x in adj]
            out.append({"name": name, "method": method, "p": ps, "alpha": ALPHA,
                        "p_adjusted": [float(x) for x in adj], "reject": [bool(x) for x in reject],
                        "levels": levels(ps, strict, method, ALPHA)})
    return out


def clopper_pearson():
    out = []
    for x, n, level in [(0, 10, 0.05), (10, 10, 0.05), (3, 8, 0.05), (17, 40, 0.01), (1, 1, 0.05),
                        (120, 200, 0.0125), (5, 35, 0.001), (0, 1, 0.2)]:
        lo, hi = proportion_confint(x, n, alpha=level, method="beta")
        out.append({"x": x, "n": n, "level": level, "low": float(lo), "high": float(hi)})
    return out


def mcnemar_intervals():
    out = []
    for b, c, n, level in [(0, 3, 10, 0.05), (30, 10, 200, 0.05), (30, 10, 200, 0.0125), (9, 5, 120, 0.05),
                           (0, 0, 50, 0.05), (1, 0, 2, 0.05), (400, 350, 5000, 0.001), (12, 2, 14, 0.05)]:
        p = float(mcnemar([[0, b], [c, 0]], exact=True).pvalue)
        if b + c == 0:
            lo, hi = 0.0, 0.0
        else:
            pl, ph = proportion_confint(c, b + c, alpha=level, method="beta")
            lo, hi = (b + c) / n * (2 * pl - 1), (b + c) / n * (2 * ph - 1)
        out.append({"b": b, "c": c, "n": n, "level": level, "p": p, "low": float(lo), "high": float(hi),
                    "excludes_zero": bool(lo > 0 or hi < 0)})
    return out


def t_dist():
    out = []
    for q, df in [(0.975, 1), (0.975, 9), (0.99375, 149), (0.9995, 4.7), (0.975, 20081.9), (0.999999, 3)]:
        out.append({"q": q, "df": df, "ppf": float(st.t.ppf(q, df))})
    tails = [{"t": t, "df": df, "sf": float(st.t.sf(t, df))} for t, df in
             [(2.5, 4), (0.1, 30), (6.0, 2.5), (-1.3, 12), (3.8, 1000)]]
    return out, tails


def welch_from_stats():
    out = []
    for a, sa, na, b, sb, nb in [(0.65, 0.0479, 100, 0.80, 0.0402, 100), (0.4331, 0.004945, 10042, 0.4412, 0.004955, 10042),
                                 (47.6, 2.6, 120, 48.4, 2.5, 120), (0.5, 0.05, 20, 0.62, 0.02, 200)]:
        r = st.ttest_ind_from_stats(a, sa * math.sqrt(na), na, b, sb * math.sqrt(nb), nb, equal_var=False)
        df = (sa ** 2 + sb ** 2) ** 2 / (sa ** 4 / (na - 1) + sb ** 4 / (nb - 1))
        out.append({"a": a, "se_a": sa, "n_a": na, "b": b, "se_b": sb, "n_b": nb,
                    "t": float(r.statistic), "p": float(r.pvalue), "df": df})
    return out


def clustered():
    rng = np.random.default_rng(4)
    cases = []
    # passages of 1 to 6 questions, whole passages tending to be right or wrong
    ids, vals = [], []
    for c in range(30):
        k = int(rng.integers(1, 7))
        p = float(rng.uniform(0.1, 0.9))
        for _ in range(k):
            ids.append(1000 + 7 * c)
            vals.append(float(rng.random() < p))
    cases.append(("passages", vals, ids))
    cases.append(("continuous", [float(x) for x in np.round(rng.normal(0.3, 1.0, 24), 5)],
                  [int(x) for x in rng.integers(0, 5, 24)]))
    cases.append(("singletons", [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0], list(range(7))))
    out = []
    for name, vals, ids in cases:
        groups = {}
        for v, i in zip(vals, ids):
            groups.setdefault(i, []).append(v)
        partition = [groups[k] for k in groups]
        se = float(_clustered_stderr(partition))
        scores = [SampleScore(score=Score(value=v), sample_id=j, sample_metadata={"c": i})
                  for j, (v, i) in enumerate(zip(vals, ids))]
        ints = {}
        for level in (0.95, 0.99):
            r = ci(level=level, cluster="c")(scores)
            ints[str(level)] = [float(r["lower"]), float(r["upper"])]
        out.append({"name": name, "values": vals, "clusters": ids, "se": se, "n_clusters": len(groups),
                    "mean": float(np.mean(vals)), "ci": ints})
    return out


def bootstrap_case(d, resamples, seed, levels_, clusters=None):
    rng = Xoshiro256(seed)
    means = np.empty(resamples)
    if clusters is None:
        n = len(d)
        for b in range(resamples):
            s = 0.0
            for _ in range(n):
                s += d[rng.below(n)]
            means[b] = s / n
    else:
        keys = sorted(set(clusters))
        sums = {k: 0.0 for k in keys}
        counts = {k: 0 for k in keys}
        for v, k in zip(d, clusters):
            sums[k] += v
            counts[k] += 1
        c = len(keys)
        for b in range(resamples):
            s, k_ = 0.0, 0
            for _ in range(c):
                key = keys[rng.below(c)]
                s += sums[key]
                k_ += counts[key]
            means[b] = s / k_
    means = np.sort(means)
    le0 = int((means <= 0).sum())
    ge0 = int((means >= 0).sum())
    p = min(1.0, 2 * (min(le0, ge0) + 1) / (resamples + 1))
    return {"diffs": d, "clusters": clusters, "resamples": resamples, "seed": seed, "p": p,
            # an unbounded end (the resamples cannot resolve the level) as the text "inf"
            "intervals": {str(lv): [x if math.isfinite(x) else ("inf" if x > 0 else "-inf")
                                    for x in order_interval(means, lv)] for lv in levels_}}


def bootstraps():
    rng = np.random.default_rng(41)
    d = [float(x) for x in np.round(rng.normal(-0.1, 0.8, 50), 6)]
    big = [float(x) for x in np.round(rng.normal(0.5, 0.3, 40), 6)]
    cl = [int(x) for x in rng.integers(0, 9, 50)]
    return [
        bootstrap_case(d, 1999, 7, [0.05, 0.0125, 0.001]),
        bootstrap_case(big, 999, 11, [0.05, 0.002]),
        bootstrap_case(d, 1999, 7, [0.05, 0.01], clusters=[1000 + 3 * c for c in cl]),
    ]


def digest(text):
    """govgate's evidence::digest: the first 8 bytes of SHA-256, big-endian."""
    import hashlib
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def cli_cases():
    """What `govgate check` must report on runs tests/decide.rs writes from these values."""
    rng = np.random.default_rng(1404)
    # 24 passages of 2 to 6 questions; each passage has its own chance, and the current run
    # loses a little on some passages
    passages, base, cur = [], [], []
    for c in range(24):
        k = int(rng.integers(2, 7))
        p = float(rng.uniform(0.2, 0.95))
        worse = c % 3 == 0
        for _ in range(k):
            passages.append(100 + c)
            b = float(rng.random() < p)
            base.append(b)
            cur.append(float(rng.random() < (p * 0.6 if worse else p)))
    d = [x - y for x, y in zip(cur, base)]
    groups = {}
    for v, k in zip(d, passages):
        groups.setdefault(k, []).append(v)
    se = float(_clustered_stderr([groups[k] for k in groups]))
    C = len(groups)
    mean = float(np.mean(d))
    t = mean / se
    paired = {"passages": passages, "baseline": base, "current": cur, "mean": mean, "se": se,
              "clusters": C, "df": C - 1, "t": t, "p": float(2 * st.t.sf(abs(t), C - 1)),
              "ci": [mean - st.t.ppf(0.975, C - 1) * se, mean + st.t.ppf(0.975, C - 1) * se]}
    # the current run's own clustered interval (threshold with confidence and cluster)
    cg = {}
    for v, k in zip(cur, passages):
        cg.setdefault(k, []).append(v)
    scores = [SampleScore(score=Score(value=v), sample_id=j, sample_metadata={"p": k})
              for j, (v, k) in enumerate(zip(cur, passages))]
    r = ci(level=0.95, cluster="p")(scores)
    threshold = {"mean": float(np.mean(cur)), "se": float(_clustered_stderr([cg[k] for k in cg])),
                 "lower": float(r["lower"]), "upper": float(r["upper"])}
    # continuous scores on the same passages: the cluster bootstrap, clusters ordered by the
    # digest of their key's text as govgate orders them
    cb = [float(x) for x in np.round(rng.uniform(0, 1, len(passages)), 4)]
    cc = [float(round(x + (0.15 if k % 2 else -0.05), 4)) for x, k in zip(cb, passages)]
    dd = [x - y for x, y in zip(cc, cb)]
    boot = bootstrap_case(dd, 9999, 0x6F76_6761_7465, [0.05], clusters=[digest(str(k)) for k in passages])
    continuous = {"baseline": cb, "current": cc, "p": boot["p"], "ci": boot["intervals"]["0.05"],
                  "mean": float(np.mean(dd))}
    return {"paired_binary": paired, "threshold": threshold, "continuous": continuous}


def main():
    ppf, sf = t_dist()
    out = {
        "generated_by": "scripts/reference/decide_reference.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__, "inspect_ai": inspect_ai.__version__},
        "families": families(),
        "clopper_pearson": clopper_pearson(),
        "mcnemar": mcnemar_intervals(),
        "t_ppf": ppf,
        "t_sf": sf,
        "welch_from_stats": welch_from_stats(),
        "clustered": clustered(),
        "bootstrap": bootstraps(),
        "cli": cli_cases(),
    }
    with open("scripts/reference/decide_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote scripts/reference/decide_reference.json")


if __name__ == "__main__":
    main()

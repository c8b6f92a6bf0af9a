#!/usr/bin/env python3
"""Reference values for the `ab_test` check's `sequential:` (mSPRT) and `covariate:` (CUPED).

  mSPRT, Bernoulli and normal   the `msprt` package (0.1.2), its own per-prefix likelihood
                                ratios (`_calculate_sequential_probability_ratio_for_*`) on
                                generated sequences; the confidence sequence's ends found by
                                solving the package's ratio = 1/alpha for theta with scipy
                                brentq (an inversion independent of govgate's closed form)
  CUPED                         theta from a statsmodels OLS fit of the outcome on the
                                covariate over both arms' records; the adjusted outcomes
                                y - theta (x - mean x) compared by scipy ttest_ind(equal_var=False)
                                with its confidence_interval; the variance reduction from numpy
  on fixtures/s7p6/sequential   the same, on the committed records

Writes scripts/reference/sequential_reference.json (run from the repository root):
  pip install msprt==0.1.2 scipy statsmodels numpy
  python3 scripts/reference/sequential_reference.py
"""
import json
import math
import platform
import warnings

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
import statsmodels.api as sm
from msprt.msprt_ import MSPRT

TRAFFIC = "fixtures/s7p6/sequential/traffic.jsonl"
ALPHA = 0.05


def bernoulli_ratio(x, y, tau, theta):
    """The package's ratio on all of x and y (its loop stops one short: pad by one)."""
    xs = np.append(np.asarray(x, dtype=float), 0.0)
    ys = np.append(np.asarray(y, dtype=float), 0.0)
    out = MSPRT()._calculate_sequential_probability_ratio_for_bernoulli_distribution(
        xs, ys, 0, tau, theta)
    return float(out[len(x)])


def normal_ratio(x, y, sigma, tau, theta):
    out = MSPRT()._calculate_sequential_probability_ratio_for_normal_distribution(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float), 0, sigma, tau, theta)
    return float(out[len(x) - 1])


def sequence_ends(ratio, delta, alpha, scale):
    """theta on each side of delta where ratio(theta) = 1/alpha."""
    f = lambda th: math.log(ratio(th)) - math.log(1.0 / alpha)
    lo = scipy.optimize.brentq(f, delta - 50 * scale, delta, xtol=1e-14, rtol=1e-15, maxiter=500)
    hi = scipy.optimize.brentq(f, delta, delta + 50 * scale, xtol=1e-14, rtol=1e-15, maxiter=500)
    return lo, hi


def bernoulli_cases():
    rng = np.random.default_rng(7)
    out = []
    for n, px, py, tau, theta in [(50, 0.3, 0.3, 0.1, 0.0), (400, 0.36, 0.30, 0.05, 0.0),
                                  (400, 0.36, 0.30, 0.05, -0.02), (2000, 0.1, 0.12, 0.02, 0.0),
                                  (120, 0.5, 0.5, 1.0, 0.0)]:
        x = (rng.random(n) < px).astype(int)
        y = (rng.random(n) < py).astype(int)
        lam = bernoulli_ratio(x, y, tau, theta)
        delta = x.mean() - y.mean()
        v = (x.mean() * (1 - x.mean()) + y.mean() * (1 - y.mean())) / n
        lo, hi = sequence_ends(lambda th: bernoulli_ratio(x, y, tau, th), delta, ALPHA,
                               math.sqrt(v))
        out.append({"n": n, "x_ones": int(x.sum()), "y_ones": int(y.sum()), "tau": tau,
                    "theta": theta, "alpha": ALPHA, "lambda": lam, "ci_low": lo, "ci_high": hi})
    return out


def normal_cases():
    rng = np.random.default_rng(11)
    out = []
    for n, mx, my, sigma, tau, theta in [(30, 0.0, 0.0, 1.0, 0.5, 0.0),
                                         (500, 10.3, 10.0, 2.0, 0.3, 0.0),
                                         (500, 10.3, 10.0, 2.0, 0.3, 0.5)]:
        x = rng.normal(mx, sigma, n)
        y = rng.normal(my, sigma, n)
        lam = normal_ratio(x, y, sigma, tau, theta)
        out.append({"n": n, "mean_x": float(x.mean()), "mean_y": float(y.mean()),
                    "sigma": sigma, "tau": tau, "theta": theta, "lambda": lam})
    return out


def records():
    with open(TRAFFIC) as f:
        return [json.loads(line) for line in f if line.strip()]


def fixture_msprt(recs, tau):
    """`converted`, B (treatment) against A, equal arms: the package's x is B, y is A."""
    b = [r["converted"] for r in recs if r["arm"] == "B"]
    a = [r["converted"] for r in recs if r["arm"] == "A"]
    assert len(a) == len(b)
    lam = bernoulli_ratio(b, a, tau, 0.0)
    delta = float(np.mean(b) - np.mean(a))
    lo, hi = sequence_ends(lambda th: bernoulli_ratio(b, a, tau, th), delta, ALPHA, 0.02)
    return {"n": len(a), "tau": tau, "alpha": ALPHA, "lift": delta, "lambda": lam,
            "p": min(1.0, 1.0 / lam), "ci_low": lo, "ci_high": hi}


def fixture_cuped(recs, outcome, covariate):
    pairs = [r for r in recs if covariate in r]
    y = np.array([r[outcome] for r in pairs], dtype=float)
    x = np.array([r[covariate] for r in pairs], dtype=float)
    arm = np.array([r["arm"] for r in pairs])
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    theta = float(fit.params[1])
    adj = y - theta * (x - x.mean())
    t_adj, c_adj = adj[arm == "B"], adj[arm == "A"]
    t_raw, c_raw = y[arm == "B"], y[arm == "A"]
    res = st.ttest_ind(t_adj, c_adj, equal_var=False)
    ci = res.confidence_interval(1 - ALPHA)
    var = lambda t, c: t.var(ddof=1) / len(t) + c.var(ddof=1) / len(c)
    return {
        "outcome": outcome, "covariate": covariate, "theta": theta,
        "pairs": [int((arm == "A").sum()), int((arm == "B").sum())],
        "without_covariate": [sum(1 for r in recs if covariate not in r and r["arm"] == k)
                              for k in ("A", "B")],
        "lift": float(t_adj.mean() - c_adj.mean()),
        "unadjusted_lift": float(t_raw.mean() - c_raw.mean()),
        "t": float(res.statistic), "df": float(res.df), "p": float(res.pvalue),
        "ci_low": float(ci.low), "ci_high": float(ci.high),
        "variance_reduction": float(1 - var(t_adj, c_adj) / var(t_raw, c_raw)),
    }


def main():
    # the package's loop computes its ratio from the first prefix on, where an empty or
    # constant prefix divides by zero; those entries are not used here
    warnings.simplefilter("ignore", RuntimeWarning)
    recs = records()
    out = {
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                     "msprt": "0.1.2"},
        "bernoulli": bernoulli_cases(),
        "normal": normal_cases(),
        "fixture_msprt": fixture_msprt(recs, 0.05),
        "fixture_cuped_spend": fixture_cuped(recs, "spend", "pre_spend"),
        "fixture_cuped_converted": fixture_cuped(recs, "converted", "pre_spend"),
    }
    with open("scripts/reference/sequential_reference.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps(out["fixture_msprt"]), json.dumps(out["fixture_cuped_spend"]))


if __name__ == "__main__":
    main()

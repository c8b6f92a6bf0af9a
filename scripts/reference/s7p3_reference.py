#!/usr/bin/env python3
"""Reference values for govgate's drift statistics (S7P3), computed with scipy and with
Evidently's own drift code on the same data.

  KS two-sample p-value        scipy.stats.ks_2samp (exact for max(n1, n2) <= 10000, else
                               asymptotic via scipy.stats.kstwo.sf)
  kstwo.sf(x, n), smirnov      scipy.stats.kstwo.sf, scipy.special.smirnov, over a grid
                               that reaches every branch of scipy's _kolmogn
  ks, chisquare, z, psi,       evidently.legacy.calculations.stattests: _ks_stat_test,
  kl_div, jensenshannon,       _chi_stat_test, _z_stat_test, _psi, _kl_div, _jensenshannon,
  hellinger, wasserstein, TVD  _hellinger_distance, _wasserstein_distance_norm, _tvd_stattest
                               (TVD: the distance exactly; its permutation p-value comes from
                               numpy's seeded RNG and is compared within Monte-Carlo error)
  default method               registry._get_default_stattest
  Sturges edges                numpy.histogram_bin_edges(bins="sturges")

Every data set is a recipe that govgate's test rebuilds with the same float operations:
  lcg:     value_i = ((i*a + c) % m) * scale + offset       (floats)
  int_lcg: value_i = (i*a + c) % m + offset                 (integers)
  cat_lcg: label_i = labels[((i*a + c) % m) % len(labels)]
  list:    the values as given

Writes scripts/reference/s7p3_reference.json (run from the repository root):
  pip install evidently==0.7.23 "pandas<3" scipy numpy
  python3 scripts/reference/s7p3_reference.py
"""
import json
import math
import platform
import warnings

import evidently
import numpy as np
import pandas as pd
import scipy
import scipy.special
import scipy.stats as st
from evidently.legacy.calculations.stattests import registry
from evidently.legacy.calculations.stattests.chisquare_stattest import _chi_stat_test
from evidently.legacy.calculations.stattests.hellinger_distance import _hellinger_distance
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon
from evidently.legacy.calculations.stattests.kl_div import _kl_div
from evidently.legacy.calculations.stattests.ks_stattest import _ks_stat_test
from evidently.legacy.calculations.stattests.psi import _psi
from evidently.legacy.calculations.stattests.tvd_stattest import _total_variation_distance, _tvd_stattest
from evidently.legacy.calculations.stattests.wasserstein_distance_norm import _wasserstein_distance_norm
from evidently.legacy.calculations.stattests.z_stattest import _z_stat_test
from evidently.legacy.core import ColumnType

warnings.simplefilter("ignore")


def gen(spec):
    k = spec["kind"]
    n = spec.get("n", 0)
    a, c, m = spec.get("a", 1), spec.get("c", 0), spec.get("m", 1)
    if k == "lcg":
        return [((i * a + c) % m) * spec["scale"] + spec["offset"] for i in range(n)]
    if k == "int_lcg":
        return [(i * a + c) % m + spec["offset"] for i in range(n)]
    if k == "cat_lcg":
        labels = spec["labels"]
        return [labels[((i * a + c) % m) % len(labels)] for i in range(n)]
    if k == "list":
        return list(spec["values"])
    raise ValueError(k)


def lcg(n, a, c, m, scale, offset):
    return {"kind": "lcg", "n": n, "a": a, "c": c, "m": m, "scale": scale, "offset": offset}


def int_lcg(n, a, c, m, offset):
    return {"kind": "int_lcg", "n": n, "a": a, "c": c, "m": m, "offset": offset}


def cat_lcg(n, a, c, m, labels):
    return {"kind": "cat_lcg", "n": n, "a": a, "c": c, "m": m, "labels": labels}


def lst(values):
    return {"kind": "list", "values": values}


NUM = ColumnType.Numerical
CAT = ColumnType.Categorical

# (name, type, reference recipe, current recipe)
CASES = [
    ("shift_small", "num", lcg(200, 7919, 3, 10007, 0.001, 0.0), lcg(300, 104729, 11, 10009, 0.001, 0.8)),
    ("equal_sizes", "num", lcg(500, 7919, 5, 10007, 0.01, 0.0), lcg(500, 6007, 1, 10007, 0.0105, -2.0)),
    ("no_drift", "num", lcg(800, 7919, 5, 10007, 0.01, 0.0), lcg(900, 6007, 17, 10007, 0.01, 0.0)),
    ("large_shift", "num", lcg(12000, 7919, 5, 100003, 0.0001, 0.0), lcg(15000, 6007, 1, 100003, 0.0001, 0.15)),
    ("large_same", "num", lcg(20000, 7919, 5, 100003, 0.0001, 0.0), lcg(25000, 6007, 1, 100003, 0.0001, 0.0)),
    ("ties", "num", lcg(400, 7919, 5, 10, 1.0, 0.0), lcg(350, 6007, 1, 12, 1.0, 0.0)),
    ("int_many", "num", int_lcg(600, 7919, 5, 1000, 0), int_lcg(700, 6007, 1, 1100, 50)),
    ("int_narrow", "num", int_lcg(2000, 7919, 5, 25, 0), int_lcg(1500, 6007, 1, 30, 2)),
    ("empty_bins", "num", lst([float(x) for x in range(30)] + [100.0]), lst([float(x) for x in range(60, 90)])),
    ("constant_same", "num", lst([5.0] * 50), lst([5.0] * 40)),
    ("constant_diff", "num", lst([1.0] * 50), lst([2.0] * 40)),
    ("n_one", "num", lst([0.5]), lst([0.7])),
    ("identical", "num", lcg(300, 7919, 5, 10007, 0.01, 1.0), lcg(300, 7919, 5, 10007, 0.01, 1.0)),
    ("few_unique_small", "num", lcg(500, 7919, 5, 4, 1.0, 0.0), lcg(400, 6007, 1, 5, 1.0, 0.0)),
    ("few_unique_large", "num", lcg(3000, 7919, 5, 3, 1.0, 0.0), lcg(2500, 6007, 1, 3, 1.0, 0.5)),
    ("binary_num", "num", lcg(900, 7919, 5, 2, 1.0, 0.0), lcg(800, 6007, 3, 3, 1.0, 0.0)),
    ("cat_three", "cat", cat_lcg(600, 7919, 5, 97, ["en", "de", "fr"]), cat_lcg(500, 6007, 1, 89, ["en", "de", "fr", "fr"])),
    ("cat_new_label", "cat", cat_lcg(400, 7919, 5, 97, ["a", "b", "c"]), cat_lcg(450, 6007, 1, 89, ["a", "b", "c", "d"])),
    ("cat_binary", "cat", cat_lcg(700, 7919, 5, 97, ["no", "yes"]), cat_lcg(650, 6007, 1, 89, ["no", "yes", "yes"])),
    ("cat_single", "cat", lst(["x"] * 30), lst(["x"] * 20)),
    ("cat_single_diff", "cat", lst(["x"] * 30), lst(["y"] * 20)),
    ("cat_large", "cat", cat_lcg(5000, 7919, 5, 997, ["a", "b", "c", "d", "e"]), cat_lcg(6000, 6007, 1, 991, ["a", "b", "c", "d", "e", "e"])),
    ("cat_identical", "cat", cat_lcg(300, 7919, 5, 97, ["p", "q", "r"]), cat_lcg(300, 7919, 5, 97, ["p", "q", "r"])),
]

NUM_METHODS = {"ks": _ks_stat_test, "psi": _psi, "kl_div": _kl_div, "jensenshannon": _jensenshannon,
               "hellinger": _hellinger_distance, "wasserstein": _wasserstein_distance_norm}
CAT_METHODS = {"chisquare": _chi_stat_test, "z": _z_stat_test, "psi": _psi, "kl_div": _kl_div,
               "jensenshannon": _jensenshannon, "hellinger": _hellinger_distance, "tvd": _tvd_stattest}
DEFAULT_THRESHOLD = {"ks": 0.05, "chisquare": 0.05, "z": 0.05, "psi": 0.1, "kl_div": 0.1, "jensenshannon": 0.1,
                     "hellinger": 0.1, "wasserstein": 0.1, "tvd": 0.1}


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def case_values(name, kind, rspec, cspec):
    ref, cur = gen(rspec), gen(cspec)
    ctype = NUM if kind == "num" else CAT
    out = {"name": name, "type": kind, "reference": rspec, "current": cspec, "methods": {}}
    rs, cs = pd.Series(ref), pd.Series(cur)
    out["default_method"] = registry._get_default_stattest(rs, cs, ctype).name
    methods = NUM_METHODS if kind == "num" else CAT_METHODS
    if kind == "num" and pd.concat([rs, cs]).nunique() <= 5:
        methods = dict(methods, chisquare=_chi_stat_test, z=_z_stat_test)
    for mname, fn in methods.items():
        if mname == "z" and pd.concat([rs, cs]).nunique() > 2 and kind == "num":
            continue
        thr = DEFAULT_THRESHOLD[mname]
        try:
            value, drift = fn(pd.Series(ref), pd.Series(cur), ctype, thr)
        except Exception as e:  # noqa: BLE001 - recorded as what Evidently does
            out["methods"][mname] = {"error": f"{type(e).__name__}: {e}"}
            continue
        rec = {"value": num(value), "drift": bool(drift), "threshold": thr}
        if mname == "tvd":
            rec["distance"] = num(_total_variation_distance(pd.Series(ref), pd.Series(cur)))
            rec["iterations"] = 1000
        out["methods"][mname] = rec
    if kind == "num":
        r = st.ks_2samp(ref, cur)
        out["ks_2samp"] = {"statistic": num(r.statistic), "pvalue": num(r.pvalue),
                           "method": "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"}
        if pd.Series(ref).nunique() > 20:
            out["sturges_edges"] = [num(e) for e in np.histogram_bin_edges(
                np.asarray(pd.concat([rs, cs]).values), bins="sturges")]
    return out


def kstwo_grid():
    rows = []
    ns = [1, 2, 3, 5, 10, 50, 100, 140, 141, 200, 500, 1000, 5000, 20000, 100000, 100001, 400000,
          500000, 1000000, 1500000]
    for n in ns:
        xs = sorted({0.3 / n, 0.5 / n, 0.75 / n, 1.0 / n, 1.5 / n, 2.5 / n, 0.6 / math.sqrt(n),
                     0.8 / math.sqrt(n), 1.0 / math.sqrt(n), 1.2 / math.sqrt(n), 1.6 / math.sqrt(n),
                     2.0 / math.sqrt(n), 3.0 / math.sqrt(n), 5.0 / math.sqrt(n), 0.01, 0.05, 0.1, 0.2,
                     0.3, 0.45, 0.5, 0.7, 0.9, 1.0 - 1.0 / n, 1.0 - 0.5 / n})
        for x in xs:
            if 0 < x < 1:
                rows.append({"n": n, "x": x, "sf": num(st.kstwo.sf(x, n))})
    return rows


def smirnov_grid():
    rows = []
    for n in [1, 2, 5, 10, 11, 100, 1000, 10000, 100000, 999999, 1000000, 1000001, 3000000]:
        for x in sorted({0.2 / n, 1.0 / n, 2.0 / n, 0.3 / math.sqrt(n), 0.5 / math.sqrt(n),
                         1.0 / math.sqrt(n), 2.0 / math.sqrt(n), 4.0 / math.sqrt(n), 0.01, 0.1, 0.3,
                         0.5, 0.8, 1.0 - 2.0 / n, 1.0 - 0.5 / n}):
            if 0 < x < 1:
                rows.append({"n": n, "x": x, "sf": num(scipy.special.smirnov(n, x))})
    return rows


def sturges_grid():
    rows = []
    for vals in [[0.0, 1.0], [1.0, 2.0, 3.0, 4.0], [0.1 * i for i in range(1024)],
                 [0.37 * i - 5.0 for i in range(1000)], [3.0] * 7, [1e-9 * i for i in range(33)]]:
        rows.append({"values": vals, "edges": [num(e) for e in np.histogram_bin_edges(np.asarray(vals), bins="sturges")]})
    for vals in [[0, 1, 2, 3], list(range(0, 5000, 7)), [2, 2, 2], list(range(100))]:
        rows.append({"values": vals, "integer": True,
                     "edges": [num(e) for e in np.histogram_bin_edges(np.asarray(vals), bins="sturges")]})
    return rows


FIXTURE_NUM = ["score", "features.length", "features.tokens", "label"]
FIXTURE_CAT = ["meta.lang", "meta.source"]


def load_jsonl(path):
    with open(path) as f:
        return pd.json_normalize([json.loads(line) for line in f])


def fixtures():
    """Evidently's DataDriftPreset (default methods) on the S7P3 fixtures, and one
    explicit method per column type, read end to end by govgate's CLI test."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    cols = FIXTURE_NUM + FIXTURE_CAT
    ref = load_jsonl("fixtures/s7p3/reference/requests.jsonl")[cols]
    out = {}
    for name in ["stable", "drifted"]:
        cur = load_jsonl(f"fixtures/s7p3/{name}/requests.jsonl")[cols]
        definition = DataDefinition(numerical_columns=FIXTURE_NUM, categorical_columns=FIXTURE_CAT)
        snap = Report([DataDriftPreset(columns=cols)]).run(
            Dataset.from_pandas(cur, data_definition=definition),
            Dataset.from_pandas(ref, data_definition=definition))
        auto = {}
        for m in snap.dict()["metrics"]:
            cfg = m.get("config", {})
            if cfg.get("column") in cols and "method" in cfg:
                auto[cfg["column"]] = {"value": num(m["value"]), "method": cfg["method"],
                                       "threshold": cfg.get("threshold")}
        explicit = {}
        for col in cols:
            ctype = NUM if col in FIXTURE_NUM else CAT
            for mname, fn in [("psi", _psi), ("kl_div", _kl_div), ("jensenshannon", _jensenshannon)]:
                v, drift = fn(ref[col].copy(), cur[col].copy(), ctype, DEFAULT_THRESHOLD[mname])
                explicit.setdefault(col, {})[mname] = {"value": num(v), "drift": bool(drift)}
            if ctype == NUM:
                v, drift = _ks_stat_test(ref[col].copy(), cur[col].copy(), ctype, 0.05)
                explicit[col]["ks"] = {"value": num(v), "drift": bool(drift)}
            else:
                v, drift = _chi_stat_test(ref[col].copy(), cur[col].copy(), ctype, 0.05)
                explicit[col]["chisquare"] = {"value": num(v), "drift": bool(drift)}
        out[name] = {"auto": auto, "explicit": explicit}
    return out


def main():
    out = {
        "generated_by": "scripts/reference/s7p3_reference.py",
        "versions": {"python": platform.python_version(), "evidently": evidently.__version__,
                     "scipy": scipy.__version__, "numpy": np.__version__, "pandas": pd.__version__},
        "cases": [case_values(*c) for c in CASES],
        "kstwo_sf": kstwo_grid(),
        "smirnov": smirnov_grid(),
        "sturges": sturges_grid(),
        "fixtures": fixtures(),
    }
    with open("scripts/reference/s7p3_reference.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Evidently's side of the drift benchmark: reads the same JSON Lines files govgate reads,
runs DataDriftPreset on the same columns (Evidently's default methods and thresholds),
and writes what it found and how long each part took.

usage: evidently_drift.py DIR OUT.json
  DIR holds reference.jsonl and production.jsonl (scripts/bench/gen_production.py)
"""
import json
import sys
import time

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

NUM = ["score", "features.length", "features.tokens", "label"]
CAT = ["meta.lang", "meta.source"]


def load(path):
    with open(path) as f:
        records = [json.loads(line) for line in f]
    return pd.json_normalize(records)[NUM + CAT]


def main():
    d, out = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    ref = load(f"{d}/reference.jsonl")
    cur = load(f"{d}/production.jsonl")
    t1 = time.perf_counter()
    definition = DataDefinition(numerical_columns=NUM, categorical_columns=CAT)
    report = Report([DataDriftPreset(columns=NUM + CAT)])
    snap = report.run(Dataset.from_pandas(cur, data_definition=definition),
                      Dataset.from_pandas(ref, data_definition=definition))
    t2 = time.perf_counter()
    result = snap.dict()
    fields = {}
    for m in result["metrics"]:
        cfg = m.get("config", {})
        col = cfg.get("column")
        if col and "method" in cfg:
            fields[col] = {"value": m["value"], "method": cfg["method"], "threshold": cfg.get("threshold")}
    with open(out, "w") as f:
        json.dump({"load_seconds": t1 - t0, "drift_seconds": t2 - t1, "total_seconds": t2 - t0,
                   "fields": fields}, f, indent=1, default=str)


if __name__ == "__main__":
    main()

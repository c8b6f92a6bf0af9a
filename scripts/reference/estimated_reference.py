#!/usr/bin/env python3
"""Reference values for the `estimated_performance` check: NannyML 0.13's CBPE on
fixtures/s7p3/estimated, for accuracy, precision, recall and F1, chunked by 2000 records, by
UTC day, and as one chunk of the whole window, with and without calibration.

NannyML decides whether to calibrate by a cross-validated ECE comparison on the reference
(`nannyml.calibration.needs_calibration`, a StratifiedShuffleSplit with scikit-learn's
random_state=42); govgate does not draw random splits and calibrates whenever the rubric
says `calibration: isotonic` (the default). So that the two compute the same thing, this
script replaces `needs_calibration` in CBPE's module by a function returning True (or False
for `calibration: none`) — and reports what NannyML itself decided, for the record.

Also the isotonic calibrator alone (nannyml.calibration.IsotonicCalibrator, which is
scikit-learn's IsotonicRegression(out_of_bounds="clip")) at a grid of scores, and the
realised metrics of the reference (scikit-learn).

Writes scripts/reference/estimated_reference.json (run from the repository root):
  pip install nannyml==0.13.1
  python3 scripts/reference/estimated_reference.py
"""
import json
import os
import platform
import warnings

# NannyML reports usage to a web service unless told not to (this machine has no network)
os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"

import numpy as np
import pandas as pd
import sklearn
import nannyml
import nannyml.performance_estimation.confidence_based.cbpe as cbpe_module
from nannyml.calibration import IsotonicCalibrator, needs_calibration
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

DIR = "fixtures/s7p3/estimated"
METRICS = ["accuracy", "precision", "recall", "f1"]


def load(name):
    with open(f"{DIR}/{name}") as f:
        df = pd.json_normalize([json.loads(line) for line in f])
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    return df


def run(reference, analysis, calibrate, **chunking):
    original = cbpe_module.needs_calibration
    cbpe_module.needs_calibration = lambda **kw: calibrate
    try:
        est = nannyml.CBPE(y_pred_proba="y_pred_proba", y_pred="y_pred", y_true="y_true",
                           problem_type="classification_binary", metrics=METRICS,
                           timestamp_column_name="ts", **chunking)
        est.fit(reference)
        res = est.estimate(analysis).filter(period="analysis").to_df()
    finally:
        cbpe_module.needs_calibration = original
    chunks = []
    for _, row in res.iterrows():
        key = row[("chunk", "key")]
        out = {"key": str(key), "n": int(row[("chunk", "end_index")] - row[("chunk", "start_index")] + 1)}
        for m in METRICS:
            out[m] = {
                "estimate": float(row[(m, "value")]),
                "sampling_error": float(row[(m, "sampling_error")]),
                "lower": float(row[(m, "lower_confidence_boundary")]),
                "upper": float(row[(m, "upper_confidence_boundary")]),
            }
        chunks.append(out)
    return chunks


def main():
    warnings.simplefilter("ignore")
    reference, analysis = load("reference.jsonl"), load("production.jsonl")
    decided = bool(needs_calibration(y_true=reference["y_true"], y_pred_proba=reference["y_pred_proba"],
                                     calibrator=IsotonicCalibrator()))
    y, yhat = reference["y_true"], reference["y_pred"]
    realized = {"accuracy": accuracy_score(y, yhat), "precision": precision_score(y, yhat),
                "recall": recall_score(y, yhat), "f1": f1_score(y, yhat)}
    cal = IsotonicCalibrator()
    cal.fit(reference["y_pred_proba"].to_numpy(), reference["y_true"].to_numpy())
    grid = [0.0, 1e-6, 0.01, 0.1, 0.25, 0.4999, 0.5, 0.6, 0.75, 0.9, 0.99, 0.999999, 1.0]
    grid += [float(x) for x in reference["y_pred_proba"].iloc[:40]]
    out = {
        "versions": {"python": platform.python_version(), "nannyml": nannyml.__version__,
                     "pandas": pd.__version__, "numpy": np.__version__,
                     "scikit-learn": sklearn.__version__},
        "nannyml_needs_calibration": decided,
        "reference_realized": {k: float(v) for k, v in realized.items()},
        "isotonic": [{"x": x, "y": float(cal.calibrate(np.array([x]))[0])} for x in grid],
        "size_2000": run(reference, analysis, True, chunk_size=2000),
        "size_2500": run(reference, analysis, True, chunk_size=2500),
        "day": run(reference, analysis, True, chunk_period="D"),
        "all": run(reference, analysis, True, chunk_number=1),
        "all_uncalibrated": run(reference, analysis, False, chunk_number=1),
    }
    with open("scripts/reference/estimated_reference.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("needs_calibration:", decided, "realized:", out["reference_realized"])
    for c in out["day"]:
        print(c["key"], c["n"], c["accuracy"])


if __name__ == "__main__":
    main()

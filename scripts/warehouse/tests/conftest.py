"""Shared pieces of the warehouse tests: the govgate binary, the engines, scratch records.

Run from the repository root after `cargo build` (or `cargo test`, which builds it):
    python3 -m pytest scripts/warehouse/tests
GOVGATE_BIN names another binary (default target/debug/govgate). Both engines must be
installed (`pip install duckdb "pyspark>=4,<5" pytest`, a Java 17 runtime): a missing one
fails the suite rather than skipping, since CI relies on these tests to say the SQL runs
there. GOVGATE_WAREHOUSE_ENGINES=duckdb narrows the run by hand.
"""
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
WAREHOUSE = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(WAREHOUSE))
sys.path.insert(0, WAREHOUSE)

import engine as eng  # noqa: E402

ENGINES = [e for e in os.environ.get("GOVGATE_WAREHOUSE_ENGINES", "duckdb,spark").split(",") if e]


def govgate_bin():
    path = os.environ.get("GOVGATE_BIN", os.path.join(ROOT, "target", "debug", "govgate"))
    if not os.path.exists(path):
        pytest.fail(f"no govgate binary at {path}: run `cargo build` first or set GOVGATE_BIN")
    return path


def govgate(*args, cwd=None):
    """(exit code, parsed JSON report or None, stderr) of `govgate check … --format json`."""
    p = subprocess.run([govgate_bin(), *args], capture_output=True, text=True, cwd=cwd)
    try:
        report = json.loads(p.stdout) if p.stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    return p.returncode, report, p.stderr


@pytest.fixture(params=ENGINES)
def engine_name(request):
    return request.param


def open_engine(name):
    return eng.connect(name)


def write_rubric(path, checks, process="S7P3", require=None):
    lines = ["version: 1", "name: warehouse-test"]
    if require is not None:
        lines.append(f"require: {{ {process}: {require} }}")
    lines += ["processes:", f"  {process}:"]
    lines += [f"    - {c}" for c in checks]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def findings(report):
    """Every check's findings, by check id, without the parts that name the files read."""
    out = {}
    for check in report["checks"]:
        out[check["id"]] = {
            "status": check["status"],
            "findings": check["findings"],
        }
    return out

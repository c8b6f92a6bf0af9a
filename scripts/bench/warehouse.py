#!/usr/bin/env python3
"""Times the warehouse path at scale: 2 x N records (six drift fields, an A/B arm with a 0/1
outcome and a latency guardrail) as Parquet; the histogram and ab_test summary queries in
DuckDB and in Spark (local[2]); govgate (release) on the raw records and on the documents.
Checks that PSI on every field is bit-identical between the raw and the documents' runs,
and writes scripts/bench/warehouse.json. Median of RUNS runs each (machine otherwise idle).

usage: python3 scripts/bench/warehouse.py [N] [RUNS]   (default 1000000 3; cargo build
--release first; pip install duckdb "pyspark>=4,<5")
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "warehouse"))
import engine as eng  # noqa: E402
import histograms  # noqa: E402
import summaries  # noqa: E402

FIELDS = ["score", "tokens", "latency_ms", "features.ratio", "lang", "source"]
BIN = os.path.join(ROOT, "target", "release", "govgate")


def generate(path, n, seed, shift):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed})")
    con.execute(f"""
      COPY (SELECT
        round(least(1.0, greatest(0.0, 0.55 + {shift} + 0.12 * (random() + random() + random() - 1.5) * 2)), 4) AS score,
        CAST(60 + 200 * random() * random() + {shift} * 100 AS BIGINT) AS tokens,
        CAST(380 + 90 * random() AS BIGINT) AS latency_ms,
        struct_pack(ratio := exp(random() * 2 - 1 + {shift})) AS features,
        (['en','en','en','de','fr','es'])[1 + CAST(floor(random() * 6) AS BIGINT)] AS lang,
        (['web','app','api'])[1 + CAST(floor(random() * 3) AS BIGINT)] AS source,
        CASE WHEN random() < 0.5 THEN 'A' ELSE 'B' END AS arm,
        CAST(random() < 0.2 AS BIGINT) AS converted
      FROM range({n})) TO '{path}' (FORMAT parquet)""")
    con.close()


def timed(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work = tempfile.mkdtemp(prefix="govgate-warehouse-bench-")
    ref, prod = f"{work}/reference.parquet", f"{work}/production.parquet"
    generate(ref, n, 0.1, 0.0)
    generate(prod, n, 0.2, 0.05)
    rubric = f"{work}/gate.yaml"
    with open(rubric, "w") as f:
        f.write("version: 1\nname: bench\nprocesses:\n  S7P3:\n"
                f"    - {{ id: psi, level: 1, drift: {{ fields: {json.dumps(FIELDS)}, method: psi }} }}\n"
                "  S7P6:\n"
                "    - { id: ab, level: 1, ab_test: { variant: arm, control: A, treatment: B, "
                "outcome: converted, guardrails: [latency_ms] } }\n")
    result = {"records_per_window": n, "runs": runs, "fields": FIELDS}
    written = {}
    for name in ("duckdb", "spark"):
        times = []
        for _ in range(runs):
            db = eng.connect(name)
            t0 = time.perf_counter()
            db.register("reference", ref)
            db.register("production", prod)
            db.register("records", prod)
            docs = histograms.histograms(db, FIELDS)
            ab = summaries.ab_test(db, "arm", "converted", ["latency_ms"])
            times.append(time.perf_counter() - t0)
            db.close()
        # one folder per window: the production window's histograms beside its A/B summary
        out = f"{work}/{name}"
        for side, doc in docs.items():
            histograms.write({"histograms": doc}, f"{out}/{side}")
        summaries.write(ab, f"{out}/production/ab_test.json")
        result[f"{name}_seconds"] = statistics.median(times)
        written[name] = docs
    result["histograms_equal_between_engines"] = written["duckdb"] == written["spark"]
    reports = {}
    for label, args in [("raw", ["--reference", ref, "--production", prod]),
                        ("documents", ["--reference", f"{work}/duckdb/reference",
                                       "--production", f"{work}/duckdb/production"])]:
        times = []
        for _ in range(runs):
            t, p = timed(lambda: subprocess.run([BIN, "check", "--rubric", rubric, *args,
                                                 "--format", "json"], capture_output=True, text=True))
            times.append(t)
        reports[label] = json.loads(p.stdout)
        result[f"govgate_{label}_seconds"] = statistics.median(times)
    psi = {k: {f["subject"]: f["detail"]["value"] for f in r["checks"][0]["findings"]}
           for k, r in reports.items()}
    result["psi_bit_identical"] = psi["raw"] == psi["documents"]
    result["psi"] = psi["raw"]
    result["ab_status"] = [reports[k]["checks"][1]["status"] for k in ("raw", "documents")]
    result["document_bytes"] = sum(os.path.getsize(os.path.join(d, f))
                                   for d, _, fs in os.walk(f"{work}/duckdb") for f in fs)
    result["parquet_bytes"] = os.path.getsize(ref) + os.path.getsize(prod)
    print(json.dumps(result, indent=1))
    with open(os.path.join(ROOT, "scripts", "bench", "warehouse.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

"""Records with the shapes that trip SQL engines: nulls and absent fields, NaN and
infinities (Parquet only: JSON has no NaN), integer and float columns, a one-value column,
few-valued numbers, categories with an empty string, booleans, nested fields.

Deterministic (a seeded generator), written as JSON Lines by Python's json and as Parquet by
DuckDB from typed columns.
"""
import json
import math
import random

# field -> what it exercises
FIELDS = {
    "score": "float, many values, nulls and absent (NaN and infinities in Parquet)",
    "tokens": "integer, many values: Sturges width at least 1",
    "stars": "integer, 5 values: counted per value",
    "temperature": "float, 3 values: counted per value",
    "constant": "one value in both windows",
    "lang": "category, with nulls and an empty string",
    "flag": "boolean: categories 0 and 1",
    "features.length": "nested integer, many values",
    "features.ratio": "nested float, many values",
    "meta.source": "nested category",
}
BINNED = ["score", "tokens", "features.length", "features.ratio"]
COUNTED = ["stars", "temperature", "constant", "lang", "flag", "meta.source"]


def rows(n, seed, shift=0.0, parquet=False):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        r = {}
        u = rnd.random()
        if u < 0.03:
            pass  # absent
        elif u < 0.06:
            r["score"] = None
        elif parquet and u < 0.08:
            r["score"] = math.nan
        else:
            r["score"] = round(min(1.0, max(0.0, rnd.gauss(0.6 + shift, 0.15))), 4)
        r["tokens"] = max(1, int(rnd.gauss(120 + 40 * shift, 35)))
        r["stars"] = rnd.choice([1, 2, 3, 4, 5] if shift == 0 else [1, 2, 3, 3, 4, 5, 5])
        r["temperature"] = rnd.choice([0.0, 0.5, 1.0])
        r["constant"] = 7
        lang = rnd.choice(["en", "en", "de", "fr", "es", "", None] + (["ja"] if shift else []))
        if lang is not None or rnd.random() < 0.5:
            r["lang"] = lang
        r["flag"] = rnd.random() < (0.3 + shift / 2)
        ratio = rnd.lognormvariate(0, 0.5 + shift)
        if parquet and i % 97 == 5:
            ratio = math.inf if i % 2 else -math.inf
        r["features"] = {"length": int(rnd.expovariate(1 / (200 + 100 * shift))), "ratio": ratio}
        r["meta"] = {"source": rnd.choice(["web", "app", "api"])}
        out.append(r)
    return out


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, allow_nan=False) + "\n")


def write_parquet(path, records):
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t (score DOUBLE, tokens BIGINT, stars BIGINT, temperature DOUBLE, "
        "constant BIGINT, lang VARCHAR, flag BOOLEAN, "
        "features STRUCT(length BIGINT, ratio DOUBLE), meta STRUCT(source VARCHAR))"
    )
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [r.get("score"), r["tokens"], r["stars"], r["temperature"], r["constant"],
             r.get("lang"), r["flag"], r["features"], r["meta"]]
            for r in records
        ],
    )
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()


def windows(directory, fmt, n_reference=1500, n_production=1200):
    """Writes reference and production records; returns their paths."""
    parquet = fmt == "parquet"
    ext = "parquet" if parquet else "jsonl"
    write = write_parquet if parquet else write_jsonl
    paths = []
    for name, n, seed, shift in [("reference", n_reference, 1, 0.0), ("production", n_production, 2, 0.2)]:
        path = f"{directory}/{name}.{ext}"
        write(path, rows(n, seed, shift, parquet))
        paths.append(path)
    return paths

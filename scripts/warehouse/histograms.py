#!/usr/bin/env python3
"""Runs scripts/warehouse/histograms.sql in DuckDB or Spark over two record sets and writes
the two govgate histogram documents, OUT_DIR/reference.json and OUT_DIR/production.json.

usage: histograms.py [--engine duckdb|spark] REFERENCE PRODUCTION OUT_DIR FIELD [FIELD ...]
  REFERENCE, PRODUCTION: JSON Lines or Parquet (a file, a directory for Spark, a glob for
  DuckDB); nested fields are addressed with dots (features.length).
  pip install duckdb            (--engine duckdb, the default)
  pip install "pyspark>=4,<5"   (--engine spark; needs a Java 17 runtime)

The documents are what `govgate check --reference OUT_DIR/reference.json --production
OUT_DIR/production.json` reads; the binned drift methods give the same numbers on them as on
the records (docs/warehouse.md).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine as eng  # noqa: E402

SIDES = ("reference", "production")
# a numeric field is binned when its reference has more distinct finite values than this
MAX_VALUES = 20


def histograms(db, fields):
    """The two documents as dicts, from relations `reference` and `production`."""
    queries, shims = eng.load("histograms.sql")
    shim = shims[db.name]
    records = dict(db.rows(eng.render(queries["records"], shim)))
    docs = {side: {} for side in SIDES}
    for field in fields:
        kind = db.column_type("reference", field) or db.column_type("production", field)
        if kind is None:
            raise SystemExit(f"no column `{field}` in either window")
        numeric = kind in ("integer", "float")
        rows = None
        if numeric:
            distinct = db.rows(eng.render(queries["distinct_reference"], shim, field=field))[0][0]
            if distinct > MAX_VALUES:
                sql = eng.render(queries["numeric_bins"], shim, field=field,
                                 min_width=1 if kind == "integer" else 0)
                rows = db.rows(sql)
                for side in SIDES:
                    mine = [r for r in rows if r[0] == side]
                    docs[side][field] = {
                        "edges": [float(r[2]) for r in mine] + [float(mine[-1][3])],
                        "counts": [int(r[4]) for r in mine],
                    }
        if rows is None:
            query = "numeric_values" if numeric else "category_values"
            rows = db.rows(eng.render(queries[query], shim, field=field))
            key = "values" if numeric else "categories"
            for side in SIDES:
                counts = {value_key(r[1], numeric): int(r[2]) for r in rows if r[0] == side}
                docs[side][field] = {key: counts}
        for side in SIDES:
            doc = docs[side][field]
            counted = sum(doc.get("counts", [])) + sum(doc.get("values", doc.get("categories", {})).values())
            doc["missing"] = int(records[side]) - counted
    return {
        side: {"govgate_histograms": 1, "records": int(records[side]), "fields": docs[side]}
        for side in SIDES
    }


def value_key(v, numeric):
    """A count's key: a number as the shortest text that reads back to the same double, text
    as it is (govgate normalises `true`/`false` and integral numbers as it does for records)."""
    if numeric:
        return repr(float(v))
    return str(v)


def write(docs, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for side, doc in docs.items():
        with open(os.path.join(out_dir, f"{side}.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engine", choices=eng.ENGINES, default="duckdb")
    p.add_argument("reference")
    p.add_argument("production")
    p.add_argument("out_dir")
    p.add_argument("fields", nargs="+", metavar="field")
    a = p.parse_args(argv)
    db = eng.connect(a.engine)
    db.register("reference", a.reference)
    db.register("production", a.production)
    write(histograms(db, a.fields), a.out_dir)
    db.close()


if __name__ == "__main__":
    main()

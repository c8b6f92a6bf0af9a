#!/usr/bin/env python3
"""Runs scripts/warehouse/histograms.sql in DuckDB over two record sets and writes the two
govgate histogram documents (reference.json, production.json).

usage: histograms.py REFERENCE PRODUCTION OUT_DIR FIELD [FIELD ...]
  REFERENCE, PRODUCTION: anything DuckDB reads (JSON Lines, CSV, Parquet); nested JSON
  fields are addressed with dots (features.length).
  pip install duckdb
"""
import json
import os
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))


def queries():
    text = open(os.path.join(HERE, "histograms.sql")).read()
    out, name, buf = {}, None, []
    for line in text.splitlines():
        if line.startswith("-- name: "):
            if name:
                out[name] = "\n".join(buf)
            name, buf = line.split()[2], []
        elif name and not line.startswith("--"):
            buf.append(line)
    out[name] = "\n".join(buf)
    return out


def main():
    ref, cur, out_dir, fields = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    q = queries()
    con = duckdb.connect()
    con.execute(f"CREATE VIEW reference AS SELECT * FROM read_json_auto('{ref}')")
    con.execute(f"CREATE VIEW production AS SELECT * FROM read_json_auto('{cur}')")
    docs = {"reference": {}, "production": {}}
    counts = {"reference": 0, "production": 0}
    for side in docs:
        counts[side] = con.execute(f"SELECT count(*) FROM {side}").fetchone()[0]
    for field in fields:
        col_type = con.execute(f"SELECT typeof({field}) FROM reference LIMIT 1").fetchone()[0]
        numeric = col_type in ("BIGINT", "INTEGER", "DOUBLE", "FLOAT", "HUGEINT", "SMALLINT", "TINYINT")
        integer = col_type in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT")
        distinct = con.execute(f"SELECT count(DISTINCT {field}) FROM reference").fetchone()[0]
        if numeric and distinct > 20:
            rows = con.execute(q["numeric_bins"].format(field=field, min_width=1 if integer else 0)).fetchall()
            for side in docs:
                mine = [r for r in rows if r[0] == side]
                edges = [r[2] for r in mine] + [mine[-1][3]]
                docs[side][field] = {"edges": edges, "counts": [r[4] for r in mine]}
        else:
            rows = con.execute(q["value_counts"].format(field=field)).fetchall()
            key = "values" if numeric else "categories"
            for side in docs:
                docs[side][field] = {key: {str(r[1]): r[2] for r in rows if r[0] == side}}
    os.makedirs(out_dir, exist_ok=True)
    for side, fields_doc in docs.items():
        with open(os.path.join(out_dir, f"{side}.json"), "w") as f:
            json.dump({"govgate_histograms": 1, "records": counts[side], "fields": fields_doc}, f,
                      indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()

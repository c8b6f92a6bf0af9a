#!/usr/bin/env python3
"""Runs scripts/warehouse/summaries.sql in DuckDB or Spark and writes govgate summary
documents for the `ab_test` and `feedback` checks: the sufficient statistics of the records,
read by govgate in place of the records (docs/warehouse.md).

usage:
  summaries.py [--engine duckdb|spark] ab_test RECORDS OUT.json --variant F --outcome F
               [--guardrail F ...] [--covariate F]
  summaries.py [--engine duckdb|spark] feedback RECORDS OUT.json --timestamp F [--field F]
               [--max-age 7d] [--now RFC3339] [--traffic TRAFFIC TRAFFIC_OUT.json
               [--traffic-timestamp F]]
RECORDS: JSON Lines or Parquet (a file; for Spark also a directory). Without --now, now is
the newest timestamp of the records and the traffic together, as govgate's.
"""
import argparse
import datetime
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine as eng  # noqa: E402

VERSION = 1


def _num(x):
    """A statistic for JSON: a finite float, or None (a mean of nothing, a variance of one)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _numeric_column(db, field, what):
    kind = db.column_type("records", field)
    if kind is None:
        raise SystemExit(f"no column `{field}` (the {what}) in the records")
    if kind not in ("integer", "float", "boolean"):
        raise SystemExit(f"the {what} `{field}` is {kind} in the engine, not numbers")


def ab_test(db, variant, outcome, guardrails=(), covariate=None):
    """The `ab_test` summary of relation `records`."""
    queries, shims = eng.load("summaries.sql")
    shim = shims[db.name]
    if db.column_type("records", variant) is None:
        raise SystemExit(f"no column `{variant}` (the variant) in the records")
    _numeric_column(db, outcome, "outcome")
    arms, no_variant, records = {}, 0, 0
    for arm, n_rec, n, mean, var, ones, other, not_numeric in db.rows(
        eng.render(queries["ab_arms"], shim, variant=variant, outcome=outcome)
    ):
        records += n_rec
        if arm is None:
            no_variant += n_rec
            continue
        arms[str(arm)] = {
            "records": int(n_rec),
            "outcome": {"n": int(n), "mean": _num(mean), "variance": _num(var),
                        "ones": int(ones), "other": int(other), "not_numeric": int(not_numeric)},
            "guardrails": {},
            "covariate": None,
        }
    for g in guardrails:
        _numeric_column(db, g, "guardrail")
        for arm, n, mean, var in db.rows(eng.render(queries["ab_guardrail"], shim, variant=variant, field=g)):
            if arm is not None:
                arms[str(arm)]["guardrails"][g] = {"n": int(n), "mean": _num(mean), "variance": _num(var)}
    if covariate:
        _numeric_column(db, covariate, "covariate")
        sql = eng.render(queries["ab_covariate"], shim, variant=variant, outcome=outcome, covariate=covariate)
        for arm, n, mx, my, vx, vy, cxy, without in db.rows(sql):
            if arm is not None:
                arms[str(arm)]["covariate"] = {
                    "n": int(n), "mean_x": _num(mx), "mean_y": _num(my), "var_x": _num(vx),
                    "var_y": _num(vy), "cov_xy": _num(cxy), "without": int(without or 0)}
    return {"govgate_summary": VERSION, "check": "ab_test", "variant": variant, "outcome": outcome,
            "guardrails": list(guardrails), "covariate": covariate, "records": int(records),
            "no_variant": int(no_variant), "arms": arms}


def parse_duration(text):
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    if not text or text[-1] not in units:
        raise SystemExit(f"max_age `{text}`: a number and a unit, s m h d w (7d, 36h)")
    return float(text[:-1]) * units[text[-1]]


def parse_now(text):
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.timestamp()


def _literal(x):
    return f"CAST('{float(x)!r}' AS DOUBLE)"


def time_expr(db, shim, relation, timestamp):
    """The timestamp as UNIX seconds: text, dates and timestamps parsed; numbers as they are."""
    kind = db.column_type(relation, timestamp)
    if kind in ("integer", "float"):
        return f"CAST({timestamp} AS DOUBLE)"
    return eng.render(shim["time_of_text"], {}, timestamp=timestamp)


def newest(db, relation, timestamp):
    queries, shims = eng.load("summaries.sql")
    shim = shims[db.name]
    t = time_expr(db, shim, relation, timestamp)
    return db.rows(eng.render(queries["feedback_newest"], shim, relation=relation, time=t))[0][0]


def feedback(db, relation, timestamp, field, max_age, now):
    """The `feedback` summary of one source (relation), counted to `now` (UNIX seconds)."""
    queries, shims = eng.load("summaries.sql")
    shim = shims[db.name]
    t = time_expr(db, shim, relation, timestamp)
    event = "TRUE" if field is None else f"({field}) IS NOT NULL"
    in_window = "TRUE" if max_age is None else f"t >= {_literal(now - max_age)}"
    row = db.rows(eng.render(queries["feedback_window"], shim, relation=relation, time=t,
                             event=event, now=_literal(now), in_window=in_window))[0]
    records, no_ts, after, newest_t, newest_event, events, in_win = row
    return {"govgate_summary": VERSION, "check": "feedback", "timestamp": timestamp, "field": field,
            "now": float(now), "max_age_seconds": max_age, "records": int(records),
            "no_timestamp": int(no_ts), "after_now": int(after), "newest": _num(newest_t),
            "newest_event": _num(newest_event), "events_in_window": int(events),
            "records_in_window": int(in_win)}


def feedback_docs(db, timestamp, field=None, max_age=None, now=None, traffic_timestamp=None,
                  traffic=False):
    """The feedback document (relation `records`) and, with `traffic`, the traffic's
    (relation `traffic`), counted to one now: given, else the newest of both."""
    if now is None:
        stamps = [newest(db, "records", timestamp)]
        if traffic:
            stamps.append(newest(db, "traffic", traffic_timestamp or timestamp))
        stamps = [s for s in stamps if s is not None]
        if not stamps:
            raise SystemExit(f"no record has a readable `{timestamp}`")
        now = max(stamps)
    docs = [feedback(db, "records", timestamp, field, max_age, now)]
    if traffic:
        docs.append(feedback(db, "traffic", traffic_timestamp or timestamp, None, max_age, now))
    return docs


def write(doc, path):
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engine", choices=eng.ENGINES, default="duckdb")
    sub = p.add_subparsers(dest="check", required=True)
    a = sub.add_parser("ab_test")
    a.add_argument("records")
    a.add_argument("out")
    a.add_argument("--variant", required=True)
    a.add_argument("--outcome", required=True)
    a.add_argument("--guardrail", action="append", default=[])
    a.add_argument("--covariate")
    f = sub.add_parser("feedback")
    f.add_argument("records")
    f.add_argument("out")
    f.add_argument("--timestamp", required=True)
    f.add_argument("--field")
    f.add_argument("--max-age")
    f.add_argument("--now")
    f.add_argument("--traffic", nargs=2, metavar=("TRAFFIC", "TRAFFIC_OUT"))
    f.add_argument("--traffic-timestamp")
    args = p.parse_args(argv)
    db = eng.connect(args.engine)
    db.register("records", args.records)
    if args.check == "ab_test":
        write(ab_test(db, args.variant, args.outcome, args.guardrail, args.covariate), args.out)
    else:
        if args.traffic:
            db.register("traffic", args.traffic[0])
        max_age = parse_duration(args.max_age) if args.max_age else None
        now = parse_now(args.now) if args.now else None
        docs = feedback_docs(db, args.timestamp, args.field, max_age, now,
                             args.traffic_timestamp, bool(args.traffic))
        write(docs[0], args.out)
        if args.traffic:
            write(docs[1], args.traffic[1])
    db.close()


if __name__ == "__main__":
    main()

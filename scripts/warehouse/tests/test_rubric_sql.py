"""`govgate rubric sql` prints the queries the scripts run — the same text, rendered the same
way — and they run in the engine of their dialect and give the documents' numbers."""
import os

import pytest

from conftest import ENGINES, ROOT, eng, govgate_bin, open_engine
import summaries

import subprocess

GATE = os.path.join(ROOT, "fixtures", "warehouse", "gate.yaml")
RECORDS = os.path.join(ROOT, "fixtures", "warehouse", "records")
NOW = "2026-11-21T23:57:07Z"


def printed(dialect, now=NOW):
    args = [govgate_bin(), "rubric", "sql", "--dialect", dialect, GATE]
    if now:
        args += ["--now", now]
    p = subprocess.run(args, capture_output=True, text=True, check=True)
    blocks, title, buf = {}, None, []
    for line in p.stdout.splitlines():
        if line.startswith("-- query: "):
            title, buf = line[len("-- query: "):], []
        elif title is not None:
            if line == "" and buf and buf[-1].endswith(";"):
                blocks[title] = "\n".join(buf)
                title = None
            else:
                buf.append(line)
    return blocks


def expected(dialect):
    h, hs = eng.load("histograms.sql")
    s, ss = eng.load("summaries.sql")
    hd, sd = hs[dialect], ss[dialect]
    out = {"inputs-stable records": eng.render(h["records"], hd)}
    for f in ("score", "lang"):
        out[f"inputs-stable {f} distinct_reference"] = eng.render(h["distinct_reference"], hd, field=f)
        for w in (0, 1):
            out[f"inputs-stable {f} numeric_bins min_width={w}"] = eng.render(
                h["numeric_bins"], hd, field=f, min_width=w)
        out[f"inputs-stable {f} numeric_values"] = eng.render(h["numeric_values"], hd, field=f)
        out[f"inputs-stable {f} category_values"] = eng.render(h["category_values"], hd, field=f)
    out["b-converts-better ab_arms"] = eng.render(s["ab_arms"], sd, variant="arm", outcome="converted")
    out["b-converts-better ab_guardrail latency_ms"] = eng.render(
        s["ab_guardrail"], sd, variant="arm", field="latency_ms")
    now = summaries.parse_now(NOW)
    out["feedback-flowing feedback_window feedback"] = eng.render(
        s["feedback_window"], sd, relation="feedback",
        time=eng.render(sd["time_of_text"], {}, timestamp="ts"),
        event="(rating) IS NOT NULL", now=summaries._literal(now),
        in_window=f"t >= {summaries._literal(now - 7 * 86400.0)}")
    return out


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_the_printed_queries_are_the_scripts_queries(dialect):
    assert printed(dialect) == expected(dialect)


def test_the_printed_queries_run_and_give_the_documents_numbers(engine_name):
    assert set(ENGINES) == {"duckdb", "spark"}
    db = open_engine(engine_name)
    ref, prod = os.path.join(RECORDS, "reference.jsonl"), os.path.join(RECORDS, "production.jsonl")
    for relation, path in [("reference", ref), ("production", prod), ("records", prod),
                           ("feedback", prod)]:
        db.register(relation, path)
    blocks = printed(engine_name)
    for title, sql in blocks.items():
        if "lang numeric" in title or "lang distinct" in title:
            continue  # number queries on a text column: not the ones to run for it
        db.rows(sql.rstrip(";"))
    # the feedback window's counts are the committed summary's
    row = db.rows(blocks["feedback-flowing feedback_window feedback"].rstrip(";"))[0]
    doc = summaries.feedback(db, "feedback", "ts", "rating", 7 * 86400.0, summaries.parse_now(NOW))
    assert [int(x) for x in (row[0], row[1], row[2], row[5], row[6])] == [
        doc["records"], doc["no_timestamp"], doc["after_now"], doc["events_in_window"],
        doc["records_in_window"]]
    assert float(row[4]) == doc["newest_event"]
    # the arms' counts are the summary's
    arms = {r[0]: (int(r[1]), int(r[2]), int(r[5])) for r in
            db.rows(blocks["b-converts-better ab_arms"].rstrip(";"))}
    ab = summaries.ab_test(db, "arm", "converted", ["latency_ms"])
    assert arms == {k: (v["records"], v["outcome"]["n"], v["outcome"]["ones"])
                    for k, v in ab["arms"].items()}
    db.close()


def test_without_now_the_window_waits_for_it():
    blocks = printed("duckdb", now=None)
    assert "feedback-flowing feedback_newest feedback" in blocks
    w = blocks["feedback-flowing feedback_window feedback"]
    assert "t <= {now}" in w and "t >= {now} - CAST('604800.0' AS DOUBLE)" in w

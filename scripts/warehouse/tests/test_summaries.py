"""The summary SQL in DuckDB and in Spark: `ab_test` and `feedback` give the same findings on
the summary documents as on the raw records.

Feedback counts are integers and times whole seconds: identical. A/B statistics are means
and variances summed in another order than govgate's one pass (the engine's avg and
var_samp against Welford's update): every status, message and count is identical, and every
number agrees to REL relative to the finding's scale, p-values to P_REL as -log p (a
p-value of 1e-92 magnifies its z's last-bit difference 400 times); the largest differences
measured are printed.
"""
import json
import math
import os
import random
import shutil

import pytest

from conftest import ENGINES, ROOT, govgate, open_engine, write_rubric
import summaries
import records as recgen

# the tolerance where the order of summation differs (measured: well below it)
REL = 1e-12
# p-values (and the sequential likelihood ratio), compared as -log p: they go through the
# t, normal and chi-square tails, whose conditioning magnifies a statistic's (and a Welch
# df's) last-bit difference — measured up to 1.3e-11 at p = 0.125 with df = 3669
P_VALUES = {"p_value", "p_adjusted", "adjusted_p", "p", "likelihood_ratio"}
P_REL = 1e-10


def ab_rows(n, seed, parquet=False):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        u = rnd.random()
        arm = "A" if u < 0.48 else "B" if u < 0.96 else ("C" if u < 0.98 else None)
        r = {"ts": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"}
        if arm is not None:
            r["arm"] = arm
        lift = 0.04 if arm == "B" else 0.0
        r["converted"] = int(rnd.random() < 0.2 + lift)
        r["clicked"] = rnd.random() < 0.5 + lift
        pre = rnd.lognormvariate(3, 0.6)
        r["pre_spend"] = None if i % 41 == 0 else round(pre, 2)
        spend = max(0.0, 0.8 * pre + rnd.gauss(5 + 10 * lift, 4))
        r["spend"] = round(spend, 2) if i % 53 else None
        latency = int(rnd.gauss(500 + (40 if arm == "B" else 0), 60))
        r["latency_ms"] = latency if i % 29 else None
        r["csat"] = rnd.choice([1.0, 2.0, 3.0, 4.0, 4.5, 5.0])
        if parquet and i % 67 == 3:
            r["csat"] = math.nan
        if parquet and i % 71 == 4:
            r["pre_spend"] = math.inf
        out.append(r)
    return out


def write_ab_parquet(path, rows):
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE t (ts VARCHAR, arm VARCHAR, converted BIGINT, clicked BOOLEAN, "
                "pre_spend DOUBLE, spend DOUBLE, latency_ms BIGINT, csat DOUBLE)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [[r["ts"], r.get("arm"), r["converted"], r["clicked"], r["pre_spend"],
                      r["spend"], r["latency_ms"], r["csat"]] for r in rows])
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()


@pytest.fixture(scope="module", params=["jsonl", "parquet"])
def ab_records(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(f"ab-{request.param}")
    rows = ab_rows(4000, 7, parquet=request.param == "parquet")
    path = str(d / f"traffic.{request.param}")
    if request.param == "parquet":
        write_ab_parquet(path, rows)
    else:
        recgen.write_jsonl(path, rows)
    return path


AB_CHECKS = [
    # 0/1 outcome: Wald's z; the split; three guardrails (an integer, a float, a boolean)
    ("conv", "{ id: conv, level: 1, ab_test: { variant: arm, control: A, treatment: B, "
     "outcome: converted, min_lift: 0.02, expected_split: { A: 0.5, B: 0.5 }, "
     "guardrails: [latency_ms, { field: csat, higher_is_better: true }, "
     "{ field: clicked, higher_is_better: true, max_degradation: 0.05 }] } }",
     dict(outcome="converted", guardrails=["latency_ms", "csat", "clicked"])),
    # a boolean outcome, sequential
    ("click", "{ id: click, level: 1, ab_test: { variant: arm, control: A, treatment: B, "
     "outcome: clicked, sequential: true, horizon: 5000 } }",
     dict(outcome="clicked", guardrails=[])),
    # a numeric outcome: Welch's t, CUPED on a covariate with gaps
    ("spend", "{ id: spend, level: 1, ab_test: { variant: arm, control: A, treatment: B, "
     "outcome: spend, covariate: pre_spend, guardrails: [latency_ms] } }",
     dict(outcome="spend", guardrails=["latency_ms"], covariate="pre_spend")),
    # numeric and sequential
    ("spend-seq", "{ id: spend-seq, level: 1, ab_test: { variant: arm, control: A, "
     "treatment: B, outcome: spend, sequential: true, min_lift: 1.0 } }",
     dict(outcome="spend", guardrails=[])),
]


def scale_of(x):
    """The largest magnitude among a finding's numbers (p-values aside)."""
    if isinstance(x, dict):
        return max([scale_of(v) for k, v in x.items() if k not in P_VALUES] + [0.0])
    if isinstance(x, list):
        return max([scale_of(v) for v in x] + [0.0])
    if isinstance(x, float) and math.isfinite(x):
        return abs(x)
    return 0.0


def close(a, b, path, worst, scale=None):
    """a and b equal: strings, counts and flags exactly, floats to REL — relative to the
    larger of the two, or to the finding's scale for a number that is a difference of larger
    ones (an interval's end near zero is the lift less its half-width)."""
    if scale is None:
        scale = scale_of(a)
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            close(a[k], b[k], f"{path}.{k}", worst, scale)
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{i}]", worst, scale)
    elif isinstance(a, float) and isinstance(b, (float, int)) and not isinstance(a, bool):
        if a == b:
            return
        if path.rsplit(".", 1)[-1] in P_VALUES and a > 0 and b > 0:
            # a p-value far in the tail magnifies its statistic's last-bit difference (the
            # relative error of exp(-z^2/2) is z^2 times z's): compared as -log p
            a, b = -math.log(a), -math.log(b)
            rel = abs(a - b) / max(abs(a), abs(b))
            worst.append((rel, path))
            assert rel <= P_REL, (path, a, b)
        else:
            rel = abs(a - b) / max(abs(a), abs(b), scale)
            worst.append((rel, path))
            assert rel <= REL, (path, a, b)
    else:
        assert a == b, (path, a, b)


def test_ab_test_on_summaries_gives_the_findings_of_the_records(ab_records, tmp_path, capsys):
    worst = []
    docs_by_engine = {}
    for name in ENGINES:
        db = open_engine(name)
        db.register("records", ab_records)
        docs = {}
        for cid, _, spec in AB_CHECKS:
            docs[cid] = summaries.ab_test(db, "arm", spec["outcome"], spec["guardrails"],
                                          spec.get("covariate"))
        db.close()
        docs_by_engine[name] = docs
    assert set(docs_by_engine) == {"duckdb", "spark"}
    # the engines agree: counts exactly, moments to REL (their own summation orders)
    close(docs_by_engine["duckdb"], docs_by_engine["spark"], "engines", worst)
    for cid, check, _ in AB_CHECKS:
        rubric = write_rubric(str(tmp_path / f"{cid}.yaml"), [check], process="S7P6", require=1)
        code, raw, err = govgate("check", "--rubric", rubric, "--production", ab_records,
                                 "--format", "json")
        assert raw is not None, err
        assert raw["checks"][0]["status"] in ("pass", "fail"), raw["checks"][0]["message"]
        for name, docs in docs_by_engine.items():
            doc = tmp_path / f"{cid}-{name}.json"
            summaries.write(docs[cid], str(doc))
            code_s, rep, err_s = govgate("check", "--rubric", rubric, "--production", str(doc),
                                         "--format", "json")
            assert rep is not None, err_s
            assert code_s == code, (cid, name)
            a, b = raw["checks"][0], rep["checks"][0]
            assert a["status"] == b["status"], (cid, name)
            assert len(a["findings"]) == len(b["findings"])
            for fa, fb in zip(a["findings"], b["findings"]):
                for key in ("subject", "status", "message", "observed", "expected"):
                    assert fa[key] == fb[key], (cid, name, key, fa[key], fb[key])
                close(fa["detail"], fb["detail"], f"{cid}/{name}/{fa['subject']}", worst)
            # the report lists the summary as what it is
            assert rep["records"][0]["format"] == "govgate summary"
    # not vacuous: the 0/1 outcome's test, the split and a guardrail were decided on numbers
    with capsys.disabled():
        stats = [w for w in worst if w[1].rsplit(".", 1)[-1] not in P_VALUES]
        ps = [w for w in worst if w[1].rsplit(".", 1)[-1] in P_VALUES]
        for what, ws in [("statistics", stats), ("p-values (-log p)", ps)]:
            rel, where = max(ws) if ws else (0.0, "-")
            print(f"\n  ab_test summaries, {what}: {len(ws)} differ in the last bits, "
                  f"largest relative difference {rel:.3g} at {where}")


FEEDBACK_CHECKS = [
    "{ id: fb, level: 1, feedback: { timestamp: ts, max_age: 7d, min_events: 50, "
    "coverage: { of: requests, min: 0.05 } } }",
    "{ id: all, level: 1, feedback: { timestamp: ts, min_events: 100, "
    "coverage: { of: requests, min: 0.03 } } }",
    "{ id: rated, level: 1, feedback: { timestamp: ts, field: rating, max_age: 36h, "
    "min_events: 10 } }",
]


def feedback_rows(seed):
    """Events with a gap, some without a timestamp or with one govgate cannot read, some
    without the `rating` field; requests over a longer span."""
    rnd = random.Random(seed)
    events, requests = [], []
    for i in range(3000):
        t = 1793577600 + i * 311 + rnd.randrange(0, 200)  # from 2026-11-01
        stamp = recgen_time(t)
        requests.append({"ts": stamp if i % 97 else None, "request_id": f"q{i:05d}"})
        if rnd.random() < 0.08 and not 1200 < i < 1500:
            e = {"ts": stamp, "request_id": f"q{i:05d}"}
            if rnd.random() < 0.8:
                e["rating"] = rnd.randint(1, 5)
            if i % 89 == 0:
                e["ts"] = "not a time"
            events.append(e)
    return events, requests


def recgen_time(t):
    import datetime

    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("now", [None, "2026-12-04T00:00:00Z"])
def test_feedback_on_summaries_gives_the_findings_of_the_records(engine_name, tmp_path, now):
    events, requests = feedback_rows(3)
    ev, rq = str(tmp_path / "events.jsonl"), str(tmp_path / "requests.jsonl")
    recgen.write_jsonl(ev, events)
    recgen.write_jsonl(rq, requests)
    db = open_engine(engine_name)
    db.register("records", ev)
    db.register("traffic", rq)
    now_s = summaries.parse_now(now) if now else None
    specs = {"fb": ("ts", None, 7 * 86400.0, True), "all": ("ts", None, None, True),
             "rated": ("ts", "rating", 36 * 3600.0, False)}
    for cid, check in zip(specs, FEEDBACK_CHECKS):
        ts, field, max_age, traffic = specs[cid]
        docs = summaries.feedback_docs(db, ts, field, max_age, now_s, traffic=traffic)
        d = tmp_path / cid
        summaries.write(docs[0], str(d / "events.json"))
        rubric = write_rubric(str(tmp_path / f"{cid}.yaml"), [check], process="S7P6", require=1)
        now_args = ["--now", now] if now else []
        raw_args = ["--production", ev] + (["--requests", rq] if traffic else [])
        sum_args = ["--production", str(d / "events.json")]
        if traffic:
            summaries.write(docs[1], str(d / "requests.json"))
            sum_args += ["--requests", str(d / "requests.json")]
        code, raw, err = govgate("check", "--rubric", rubric, *raw_args, *now_args, "--format", "json")
        code_s, rep, err_s = govgate("check", "--rubric", rubric, *sum_args, *now_args, "--format", "json")
        assert raw is not None and rep is not None, (err, err_s)
        assert code == code_s
        # counts and whole-second times: the findings are identical, detail and all
        assert raw["checks"][0]["findings"] == rep["checks"][0]["findings"], cid
        assert raw["checks"][0]["status"] == rep["checks"][0]["status"]
    db.close()


def test_a_summary_for_another_question_is_not_evidence(tmp_path):
    db = open_engine("duckdb")
    path = str(tmp_path / "t.jsonl")
    recgen.write_jsonl(path, ab_rows(400, 1))
    db.register("records", path)
    doc = summaries.ab_test(db, "arm", "converted", ["latency_ms"])
    summaries.write(doc, str(tmp_path / "conv.json"))
    # another outcome, a guardrail the summary lacks, a covariate it lacks
    for check, says in [
        ("outcome: spend", "summarises outcome `converted` by `arm`, this check compares `spend` by `arm`"),
        ("outcome: converted, guardrails: [csat]", "holds no guardrail `csat`"),
        ("outcome: converted, covariate: pre_spend", "holds no covariate `pre_spend`"),
    ]:
        rubric = write_rubric(str(tmp_path / "g.yaml"), [
            f"{{ id: ab, level: 1, ab_test: {{ variant: arm, control: A, treatment: B, {check} }} }}"
        ], process="S7P6", require=1)
        code, rep, err = govgate("check", "--rubric", rubric, "--production",
                                 str(tmp_path / "conv.json"), "--format", "json")
        assert code == 1, err
        (f,) = rep["checks"][0]["findings"]
        assert f["status"] == "missing" and says in f["message"], f["message"]
    # a feedback summary counted in another window, or to another now
    ev = str(tmp_path / "ev.jsonl")
    recgen.write_jsonl(ev, [{"ts": "2026-11-01T00:00:00Z"}, {"ts": "2026-11-03T00:00:00Z"}])
    db.register("records", ev)
    (fdoc,) = summaries.feedback_docs(db, "ts", None, 86400.0)
    summaries.write(fdoc, str(tmp_path / "fb.json"))
    for check, args, says in [
        ("max_age: 2d", [], "was counted in a window of max_age 1d, this check's is 2d"),
        ("max_age: 1d", ["--now", "2026-11-05T00:00:00Z"],
         "a summary counted its window to 2026-11-03T00:00:00Z, this check's now is 2026-11-05T00:00:00Z"),
    ]:
        rubric = write_rubric(str(tmp_path / "f.yaml"), [
            f"{{ id: fb, level: 1, feedback: {{ timestamp: ts, {check}, min_events: 1 }} }}"
        ], process="S7P6", require=1)
        code, rep, err = govgate("check", "--rubric", rubric, "--production",
                                 str(tmp_path / "fb.json"), *args, "--format", "json")
        assert code == 1, err
        (f,) = rep["checks"][0]["findings"]
        assert f["status"] == "missing" and says in f["message"], f["message"]
    db.close()


def test_checks_that_need_the_records_say_so_on_a_summary(tmp_path):
    doc = {"govgate_summary": 1, "check": "ab_test", "variant": "arm", "outcome": "y",
           "records": 0, "arms": {}}
    p = tmp_path / "s.json"
    p.write_text(json.dumps(doc))
    for check, says in [
        ("{ id: k, level: 1, agreement: { offline: \"*/acc\", online: { model: m, outcome: y }, min_spearman: 0.5 } }",
         "`agreement` needs the records themselves"),
        ("{ id: d, level: 1, drift: { fields: [y], method: psi } }",
         "drift reads records or histogram documents"),
        ("{ id: f, level: 1, fairness: { records: production, group: arm, prediction: y, "
         "label: y, max_difference: 0.1 } }",
         "holds counts and sums, not records"),
        ("{ id: c, level: 1, calibration: { records: production, confidence: p, correct: y, max_ece: 0.1 } }",
         "`calibration` needs the records themselves"),
    ]:
        process = {"agreement": "S7P6", "drift": "S7P3", "fairness": "S7P2",
                   "calibration": "S7P1"}[check.split(",")[2].split(":")[0].strip()]
        rubric = write_rubric(str(tmp_path / "g.yaml"), [check], process=process)
        # agreement compares the runs' offline metrics with the records' online outcomes
        args = ["--reference", str(p), "--production", str(p)] if "drift" in check else \
            [os.path.join(ROOT, "fixtures", "demo"), "--production", str(p)]
        code, rep, err = govgate("check", "--rubric", rubric, *args)
        assert code == 2, (code, err)
        assert says in err and "s.json" in err, err


def test_the_committed_warehouse_fixture_is_what_the_sql_writes(tmp_path):
    # fixtures/warehouse: the records and the documents DuckDB computes from them, written
    # again here byte for byte; Spark's documents from the same records agree with them
    import subprocess
    import sys

    gen = os.path.join(ROOT, "scripts", "fixtures", "generate_warehouse.py")
    subprocess.run([sys.executable, gen, str(tmp_path)], check=True, cwd=ROOT,
                   capture_output=True)
    fixture = os.path.join(ROOT, "fixtures", "warehouse")
    names = ["records/reference.jsonl", "records/production.jsonl",
             "summaries/reference/histograms.json", "summaries/production/histograms.json",
             "summaries/production/ab_test.json", "summaries/production/feedback.json"]
    for name in names:
        with open(os.path.join(fixture, name), "rb") as a, open(tmp_path / name, "rb") as b:
            assert a.read() == b.read(), name
    if "spark" not in ENGINES:
        pytest.fail("the Spark engine is required")
    db = open_engine("spark")
    db.register("records", os.path.join(fixture, "records", "production.jsonl"))
    spark_ab = summaries.ab_test(db, "arm", "converted", ["latency_ms"])
    (spark_fb,) = summaries.feedback_docs(db, "ts", "rating", 7 * 86400.0)
    with open(os.path.join(fixture, "summaries/production/ab_test.json")) as f:
        close(json.load(f), spark_ab, "ab_test.json", [])
    with open(os.path.join(fixture, "summaries/production/feedback.json")) as f:
        assert json.load(f) == spark_fb


def test_partitions_add_up_as_summaries_and_beside_records(tmp_path):
    # a window summarised partition by partition (two documents), or half summarised and
    # half raw, gives the findings of the whole window's records
    rows = ab_rows(3000, 5)
    whole, p1, p2 = (str(tmp_path / n) for n in ("whole.jsonl", "p1.jsonl", "p2.jsonl"))
    recgen.write_jsonl(whole, rows)
    recgen.write_jsonl(p1, rows[:1700])
    recgen.write_jsonl(p2, rows[1700:])
    both, mixed = tmp_path / "both", tmp_path / "mixed"
    both.mkdir()
    mixed.mkdir()
    db = open_engine("duckdb")
    for i, part in enumerate([p1, p2]):
        db.register("records", part)
        doc = summaries.ab_test(db, "arm", "spend", ["latency_ms"], "pre_spend")
        summaries.write(doc, str(both / f"part{i}.json"))
    db.close()
    shutil.copy(both / "part0.json", mixed / "part0.json")
    shutil.copy(p2, mixed / "part1.jsonl")
    rubric = write_rubric(str(tmp_path / "g.yaml"), [AB_CHECKS[2][1]], process="S7P6", require=1)
    _, raw, err = govgate("check", "--rubric", rubric, "--production", whole, "--format", "json")
    assert raw is not None, err
    worst = []
    for window in (both, mixed):
        _, rep, err = govgate("check", "--rubric", rubric, "--production", str(window), "--format", "json")
        assert rep is not None, err
        a, b = raw["checks"][0], rep["checks"][0]
        assert a["status"] == b["status"]
        for fa, fb in zip(a["findings"], b["findings"]):
            for key in ("subject", "status", "message", "observed", "expected"):
                assert fa[key] == fb[key], (window.name, key, fa[key], fb[key])
            close(fa["detail"], fb["detail"], f"{window.name}/{fa['subject']}", worst)
        # the records the report lists: two summaries, or a summary and a records file
        formats = sorted(r["format"] for r in rep["records"])
        assert formats == (["govgate summary"] * 2 if window is both
                           else ["JSON Lines records", "govgate summary"]), formats

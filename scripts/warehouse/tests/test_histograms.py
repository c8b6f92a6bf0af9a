"""The histogram SQL in DuckDB and in Spark: the same documents from both, and the same
verdict and bit-identical values from govgate on the documents as on the raw records."""
import json
import math

import pytest

from conftest import ENGINES, eng, govgate, open_engine, write_rubric
import histograms
import records

BINNED_METHODS = ["psi", "kl_div", "jensenshannon"]
COUNT_METHODS = ["chisquare", "tvd"]
CATEGORY_METHODS = ["hellinger"]
CATEGORICAL = ["lang", "flag", "meta.source"]


@pytest.fixture(scope="module", params=["jsonl", "parquet"])
def windows(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(f"records-{request.param}")
    return request.param, records.windows(str(d), request.param)


@pytest.fixture(scope="module")
def documents(windows, tmp_path_factory):
    """Each engine's documents for both windows."""
    fmt, (ref, prod) = windows
    out = {}
    for name in ENGINES:
        db = open_engine(name)
        db.register("reference", ref)
        db.register("production", prod)
        docs = histograms.histograms(db, list(records.FIELDS))
        d = tmp_path_factory.mktemp(f"docs-{fmt}-{name}")
        histograms.write(docs, str(d))
        out[name] = (docs, d)
        db.close()
    return out


def test_the_engines_write_the_same_documents(documents):
    assert set(documents) == set(ENGINES) == {"duckdb", "spark"}, ENGINES
    duck, spark = documents["duckdb"][0], documents["spark"][0]
    assert duck == spark
    # and the documents say what the records hold: every field, binned or counted as designed
    for side in ("reference", "production"):
        fields = duck[side]["fields"]
        assert sorted(fields) == sorted(records.FIELDS)
        for f in records.BINNED:
            assert "edges" in fields[f], f
            assert len(fields[f]["edges"]) == len(fields[f]["counts"]) + 1
        for f in records.COUNTED:
            assert "values" in fields[f] or "categories" in fields[f], f
    ref = duck["reference"]
    assert ref["records"] == 1500 and duck["production"]["records"] == 1200
    # absent, null (and in Parquet NaN) scores are missing; an empty string is a category
    assert ref["fields"]["score"]["missing"] > 0
    assert "" in ref["fields"]["lang"]["categories"]
    assert ref["fields"]["constant"]["values"] == {"7.0": 1500}
    # the integer column's bins are at least 1 wide
    edges = ref["fields"]["tokens"]["edges"]
    assert min(b - a for a, b in zip(edges, edges[1:])) >= 1


def drift_rubric(path, methods, fields):
    checks = [
        f"{{ id: {m}, level: 1, drift: {{ fields: {json.dumps(fields)}, method: {m} }} }}"
        for m in methods
    ]
    return write_rubric(path, checks)


@pytest.mark.parametrize("which", ["binned", "counted", "categorical", "binary"])
def test_govgate_gives_the_raw_records_numbers_on_the_documents(windows, documents, tmp_path, which):
    fmt, (ref, prod) = windows
    if which == "binned":
        methods, fields = BINNED_METHODS, list(records.FIELDS)
    elif which == "counted":
        methods, fields = COUNT_METHODS, records.COUNTED
    elif which == "categorical":
        methods, fields = CATEGORY_METHODS, CATEGORICAL
    else:
        methods, fields = ["z"], ["flag"]
    rubric = drift_rubric(str(tmp_path / "gate.yaml"), methods, fields)
    code, raw, err = govgate("check", "--rubric", rubric, "--reference", ref, "--production", prod,
                             "--format", "json")
    assert raw is not None, err
    for name, (_, d) in documents.items():
        code_d, docs, err_d = govgate("check", "--rubric", rubric,
                                      "--reference", str(d / "reference.json"),
                                      "--production", str(d / "production.json"),
                                      "--format", "json")
        assert docs is not None, err_d
        assert code_d == code, (name, err_d)
        for a, b in zip(raw["checks"], docs["checks"]):
            assert a["id"] == b["id"]
            assert a["status"] == b["status"], (name, a["id"])
            assert len(a["findings"]) == len(fields)
            for fa, fb in zip(a["findings"], b["findings"]):
                # the whole finding: message, status, value (parsed back: bit for bit), the
                # histogram, the missing counts
                assert fa == fb, (name, a["id"], fa["subject"])
                v = fa["detail"]["value"]
                assert v is not None and math.isfinite(v), (name, a["id"], fa["subject"])
    # the gate is not vacuous: the production window drifted on some fields and not others
    statuses = {f["status"] for c in raw["checks"] for f in c["findings"]}
    assert statuses <= {"pass", "fail"} and "fail" in statuses, statuses


def test_methods_that_need_raw_values_say_so_on_documents(windows, documents, tmp_path):
    # KS, Wasserstein and numeric Hellinger need every value: on a document they are an
    # error naming why, never a pass
    _, d = documents["duckdb"]
    checks = [
        "{ id: ks, level: 1, drift: { fields: [score], method: ks } }",
        "{ id: wasserstein, level: 1, drift: { fields: [tokens], method: wasserstein } }",
        "{ id: hellinger, level: 1, drift: { fields: [stars], method: hellinger } }",
    ]
    rubric = write_rubric(str(tmp_path / "gate.yaml"), checks, require=1)
    code, rep, err = govgate("check", "--rubric", rubric, "--reference", str(d / "reference.json"),
                             "--production", str(d / "production.json"), "--format", "json")
    assert code == 1, err
    for c in rep["checks"]:
        (f,) = c["findings"]
        assert f["status"] == "error", c["id"]
        assert "needs every raw value" in f["message"], f["message"]


def test_spark_log2_is_exact_at_powers_of_two():
    # Spark's log2 is ln(x)/ln(2): 2^29 gives 29.000000000000004, one Sturges bin more than
    # numpy's log2. The shim rounds exact powers of two and leaves other counts alone.
    if "spark" not in ENGINES:
        pytest.fail("the Spark engine is required")
    db = open_engine("spark")
    _, shims = eng.load("histograms.sql")
    raw = db.rows("SELECT log2(CAST(536870912 AS BIGINT))")[0][0]
    assert raw == 29.000000000000004
    for n in [1, 2, 1024, 536870912, 2**31, 2**39, 1500, 2700, 536870913]:
        sql = f"SELECT {shims['spark']['log2_n']} FROM (SELECT CAST({n} AS BIGINT) AS n) t"
        got = db.rows(sql)[0][0]
        assert got == math.log2(n) or abs(got - math.log2(n)) <= 2 * math.ulp(math.log2(n)), n
        if n & (n - 1) == 0:
            assert got == math.log2(n), n


def test_spark_submit_runs_the_script_as_a_cluster_would(tmp_path):
    # `spark-submit --master …` starts the session the script then uses (as on a cluster,
    # where the master is YARN, Kubernetes or Databricks'): the documents are the committed
    # DuckDB ones, byte for byte
    import os
    import subprocess

    import pyspark

    from conftest import ROOT

    submit = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")
    records = os.path.join(ROOT, "fixtures", "warehouse", "records")
    p = subprocess.run(
        [submit, "--master", "local[1]", os.path.join(ROOT, "scripts", "warehouse", "histograms.py"),
         "--engine", "spark", os.path.join(records, "reference.jsonl"),
         os.path.join(records, "production.jsonl"), str(tmp_path), "score", "lang"],
        capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]
    for side in ("reference", "production"):
        committed = os.path.join(ROOT, "fixtures", "warehouse", "summaries", side, "histograms.json")
        with open(committed, "rb") as a, open(tmp_path / f"{side}.json", "rb") as b:
            assert a.read() == b.read(), side


def test_a_notebook_session_and_its_tables_are_an_engine():
    # Databricks: the notebook's session and its tables (DataFrames) in place of files
    import os

    from conftest import ROOT

    session = eng.spark_session()
    db = eng.Spark(session=session)
    records = os.path.join(ROOT, "fixtures", "warehouse", "records")
    for side in ("reference", "production"):
        db.register_frame(side, session.read.json(os.path.join(records, f"{side}.jsonl")))
    docs = histograms.histograms(db, ["score", "lang"])
    for side in ("reference", "production"):
        with open(os.path.join(ROOT, "fixtures", "warehouse", "summaries", side, "histograms.json")) as f:
            assert json.load(f) == docs[side], side

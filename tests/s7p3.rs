//! S7P3 end to end: drift between records windows (JSON Lines, JSON array, CSV, histogram
//! documents, time windows) and trends over run history, through the CLI.
//!
//! Numbers are held to Evidently 0.7.23 run on the same fixture files
//! (`scripts/reference/s7p3_reference.py`, the `fixtures` section of its JSON) at 1e-9
//! relative; verdicts and exit codes follow from them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{govgate, json, rubric, scratch, write};
use serde_json::Value;

const FIELDS: &str = "[score, features.length, features.tokens, label, meta.lang, meta.source]";

fn reference() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("scripts/reference/s7p3_reference.json"))
            .expect("reference JSON (run scripts/reference/s7p3_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "nan" => f64::NAN,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-9 * a.abs().max(b.abs());
    assert!(
        (a - b).abs() <= tol,
        "{what}: govgate {a:e} vs Evidently {b:e}"
    );
}

/// A rubric in a scratch directory with these S7P3 check lines.
fn s7p3_rubric(name: &str, require: &str, checks: &str) -> PathBuf {
    let dir = scratch(&format!("s7p3-{name}"));
    rubric(&dir, "r.yaml", require, &format!("  S7P3:\n{checks}"))
}

/// `govgate check --rubric R -f json ARGS…`: exit code, report (or stderr on exit 2).
fn check(r: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec![
        "check",
        "--rubric",
        r.to_str().expect("utf-8"),
        "-f",
        "json",
    ];
    all.extend(args);
    let out = govgate(&all);
    let report = if out.code == 2 {
        Value::Null
    } else {
        json(&out.stdout)
    };
    (out.code, report, out.stderr)
}

/// field -> (method, value, drift, finding status) of a check.
fn fields(report: &Value, id: &str) -> BTreeMap<String, (String, f64, bool, String)> {
    common::check(report, id)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["detail"]["kind"] == "drift")
        .map(|x| {
            let d = &x["detail"];
            (
                d["field"].as_str().expect("field").to_owned(),
                (
                    d["method"].as_str().expect("method").to_owned(),
                    f(&d["value"]),
                    d["drift"].as_bool().expect("drift"),
                    x["status"].as_str().expect("status").to_owned(),
                ),
            )
        })
        .collect()
}

/// Evidently's display name of a method.
fn evidently_name(m: &str) -> &'static str {
    match m {
        "wasserstein" => "Wasserstein distance (normed)",
        "jensenshannon" => "Jensen-Shannon distance",
        "ks" => "K-S p_value",
        "chisquare" => "chi-square p_value",
        "z" => "Z-test p_value",
        other => panic!("method {other}"),
    }
}

#[test]
fn auto_methods_match_evidently_and_gate_the_exit_code() {
    let r = reference();
    let rub = s7p3_rubric(
        "auto",
        "{ S7P3: 2 }",
        &format!("    - {{ id: inputs, level: 2, drift: {{ fields: {FIELDS} }} }}\n"),
    );
    for (window, code) in [("stable", 0), ("drifted", 1)] {
        let (got_code, rep, err) = check(
            &rub,
            &[
                "--reference",
                "fixtures/s7p3/reference",
                "--production",
                &format!("fixtures/s7p3/{window}"),
            ],
        );
        assert_eq!(got_code, code, "{window}: {err}");
        let got = fields(&rep, "inputs");
        let want = r["fixtures"][window]["auto"].as_object().expect("auto");
        assert_eq!(got.len(), 6, "{window}");
        for (field, w) in want {
            let (method, value, drift, status) = &got[field];
            assert_eq!(evidently_name(method), w["method"], "{window}/{field}");
            close(*value, f(&w["value"]), &format!("{window}/{field}"));
            let thr = f(&w["threshold"]);
            assert_eq!(*drift, *value >= thr, "{window}/{field}: verdict");
            assert_eq!(status, if *drift { "fail" } else { "pass" });
        }
    }
}

#[test]
fn explicit_methods_match_evidently() {
    let r = reference();
    let mut lines = String::new();
    for m in ["psi", "kl_div", "jensenshannon"] {
        lines.push_str(&format!(
            "    - {{ id: {m}, level: 1, drift: {{ fields: {FIELDS}, method: {m} }} }}\n"
        ));
    }
    lines.push_str("    - { id: ks, level: 1, drift: { fields: [score, features.length, features.tokens, label], method: ks } }\n");
    lines.push_str("    - { id: chisquare, level: 1, drift: { fields: [meta.lang, meta.source], method: chisquare } }\n");
    let rub = s7p3_rubric("explicit", "{}", &lines);
    let mut compared = 0;
    for window in ["stable", "drifted"] {
        let (code, rep, err) = check(
            &rub,
            &[
                "--reference",
                "fixtures/s7p3/reference/requests.jsonl",
                "--production",
                &format!("fixtures/s7p3/{window}/requests.jsonl"),
            ],
        );
        assert_eq!(code, 0, "{err}");
        for (field, methods) in r["fixtures"][window]["explicit"]
            .as_object()
            .expect("explicit")
        {
            for (m, w) in methods.as_object().expect("methods") {
                let got = fields(&rep, m);
                let (method, value, drift, _) = &got[field];
                assert_eq!(method, m);
                close(*value, f(&w["value"]), &format!("{window}/{field}/{m}"));
                assert_eq!(
                    *drift,
                    w["drift"].as_bool().expect("drift"),
                    "{window}/{field}/{m}"
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 2 * (4 * 4 + 2 * 4));
}

#[test]
fn csv_and_json_arrays_read_the_same_numbers_as_json_lines() {
    let rub = s7p3_rubric(
        "formats",
        "{}",
        &format!(
            "    - {{ id: auto, level: 1, drift: {{ fields: {FIELDS} }} }}\n    - {{ id: psi, level: 1, drift: {{ fields: {FIELDS}, method: psi }} }}\n"
        ),
    );
    let run = |r: &str, p: &str| {
        let (code, rep, err) = check(&rub, &["--reference", r, "--production", p]);
        assert_eq!(code, 0, "{err}");
        (fields(&rep, "auto"), fields(&rep, "psi"))
    };
    let jsonl = run(
        "fixtures/s7p3/reference/requests.jsonl",
        "fixtures/s7p3/drifted/requests.jsonl",
    );
    let csv = run(
        "fixtures/s7p3/csv/reference.csv",
        "fixtures/s7p3/csv/drifted.csv",
    );
    let array = run(
        "fixtures/s7p3/array/reference.json",
        "fixtures/s7p3/drifted/requests.jsonl",
    );
    assert_eq!(jsonl, csv, "CSV");
    assert_eq!(jsonl, array, "JSON array");
}

#[test]
fn histogram_documents_give_the_numbers_raw_records_give() {
    // The report keeps each field's histograms on shared bins; written back as histogram
    // documents (what a warehouse query produces), the binned methods give the same value.
    let rub = s7p3_rubric(
        "hist-raw",
        "{}",
        &["psi", "kl_div", "jensenshannon"]
            .iter()
            .map(|m| {
                format!(
                    "    - {{ id: {m}, level: 1, drift: {{ fields: {FIELDS}, method: {m} }} }}\n"
                )
            })
            .collect::<String>(),
    );
    let (code, raw, err) = check(
        &rub,
        &[
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/drifted",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let dir = scratch("s7p3-hist-docs");
    let mut docs: [BTreeMap<String, Value>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for finding in common::check(&raw, "psi")["findings"]
        .as_array()
        .expect("findings")
    {
        let d = &finding["detail"];
        let h = &d["histogram"];
        for (side, doc) in ["reference", "production"].iter().zip(docs.iter_mut()) {
            let field = d["field"].as_str().expect("field").to_owned();
            let entry = if let Some(edges) = h.get("edges") {
                serde_json::json!({"edges": edges, "counts": h[side]})
            } else {
                let values = h["values"].as_array().expect("values");
                let counts: serde_json::Map<String, Value> = values
                    .iter()
                    .zip(h[side].as_array().expect("counts"))
                    .map(|(k, c)| (k.as_str().expect("key").to_owned(), c.clone()))
                    .collect();
                let key = if d["field_type"] == "numeric" {
                    "values"
                } else {
                    "categories"
                };
                serde_json::json!({ key: counts })
            };
            doc.insert(field, entry);
        }
    }
    let paths: Vec<PathBuf> = ["reference", "production"]
        .iter()
        .zip(&docs)
        .map(|(side, fields)| {
            write(
                &dir.join(format!("{side}.json")),
                &serde_json::to_string_pretty(&serde_json::json!({
                    "govgate_histograms": 1, "records": 1, "fields": fields
                }))
                .expect("json"),
            )
        })
        .collect();
    let (code, agg, err) = check(
        &rub,
        &[
            "--reference",
            paths[0].to_str().expect("p"),
            "--production",
            paths[1].to_str().expect("p"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    for m in ["psi", "kl_div", "jensenshannon"] {
        let (a, b) = (fields(&raw, m), fields(&agg, m));
        assert_eq!(a.len(), 6);
        for (field, (_, v, drift, _)) in &a {
            let (_, w, d2, _) = &b[field];
            assert_eq!(v.to_bits(), w.to_bits(), "{m}/{field}: {v} vs {w}");
            assert_eq!(drift, d2);
        }
    }
    // the raw-values methods say why they cannot run on histograms
    let rub = s7p3_rubric(
        "hist-ks",
        "{}",
        "    - { id: ks, level: 1, drift: { fields: [score], method: ks } }\n    - { id: auto, level: 1, drift: { fields: [score] } }\n",
    );
    let (_, rep, _) = check(
        &rub,
        &[
            "--reference",
            paths[0].to_str().expect("p"),
            "--production",
            paths[1].to_str().expect("p"),
        ],
    );
    let ks = &common::check(&rep, "ks")["findings"][0];
    assert_eq!(ks["status"], "error");
    assert_eq!(
        ks["message"],
        "ks on `score` (numeric): ks needs every raw value; the input holds counts"
    );
    assert_eq!(
        common::check(&rep, "auto")["findings"][0]["status"],
        "error"
    );
}

#[test]
fn time_windows_select_records() {
    let rub = s7p3_rubric(
        "windows",
        "{ S7P3: 2 }",
        "    - { id: last-week, level: 2, drift: { fields: [score, meta.lang], timestamp: ts, window: { last: 7d } } }\n",
    );
    let (code, rep, err) = check(
        &rub,
        &[
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/windowed",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let f0 = &common::check(&rep, "last-week")["findings"][0];
    // 7 days up to the newest timestamp, inclusive: the 700 drifted records and the last
    // steady one, stamped exactly 7 days before the newest
    assert_eq!(f0["detail"]["production_n"], 701);
    assert_eq!(f0["status"], "fail");

    let rub = s7p3_rubric(
        "windows-range",
        "{ S7P3: 2 }",
        "    - { id: steady, level: 2, drift: { fields: [score, meta.lang], timestamp: ts, window: { from: 2026-11-09, to: \"2026-11-30T00:00:00Z\" } } }\n",
    );
    let (code, rep, err) = check(
        &rub,
        &[
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/windowed",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        common::check(&rep, "steady")["findings"][0]["detail"]["production_n"],
        2100
    );
}

#[test]
fn drift_share_is_the_dataset_verdict() {
    let rub = s7p3_rubric(
        "share",
        "{ S7P3: 2 }",
        "    - { id: half, level: 2, drift: { fields: [\"*\"], exclude: [id], drift_share: 0.5 } }\n    - { id: most, level: 2, advisory: true, drift: { fields: [\"*\"], exclude: [id], drift_share: 0.9 } }\n",
    );
    let (code, rep, err) = check(
        &rub,
        &[
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/drifted",
        ],
    );
    assert_eq!(code, 1, "{err}");
    // score, features.length, features.tokens and meta.lang drift; label and meta.source
    // do not: 4 of 6 (ts and prompt are mostly distinct text, set aside)
    let half = &common::check(&rep, "half")["findings"][0];
    assert_eq!(half["subject"], "dataset");
    assert_eq!(half["status"], "fail");
    assert_eq!(
        half["message"],
        "4 of 6 fields drifted: share 0.6667 >= drift_share 0.5; set aside as text or \
         identifiers (mostly distinct values; name a field to compare it): prompt, ts"
    );
    let most = &common::check(&rep, "most")["findings"][0];
    assert_eq!(most["status"], "pass");
}

#[test]
fn missing_windows_fields_and_wrong_methods_are_not_passes() {
    let rub = s7p3_rubric(
        "missing",
        "{}",
        "    - { id: nofield, level: 1, drift: { fields: [score, features.colour] } }\n    - { id: wrong, level: 1, drift: { fields: [meta.lang], method: ks } }\n",
    );
    let (code, rep, err) = check(&rub, &["--reference", "fixtures/s7p3/reference"]);
    assert_eq!(code, 0, "{err}");
    let f0 = &common::check(&rep, "nofield")["findings"][0];
    assert_eq!(f0["status"], "missing");
    assert_eq!(
        f0["message"],
        "no production records to compare (`--production PATH` or `inputs.production` in the rubric)"
    );
    let (_, rep, _) = check(
        &rub,
        &[
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/stable",
        ],
    );
    let nofield = common::check(&rep, "nofield");
    assert_eq!(nofield["status"], "missing");
    assert_eq!(
        nofield["findings"][1]["message"],
        "features.colour: no value in the reference records"
    );
    let wrong = &common::check(&rep, "wrong")["findings"][0];
    assert_eq!(wrong["status"], "error");
    assert_eq!(
        wrong["message"],
        "ks on `meta.lang` (categorical): ks is for numeric fields"
    );
}

#[test]
fn malformed_records_exit_2_naming_file_and_line() {
    let rub = s7p3_rubric(
        "bad",
        "{}",
        "    - { id: d, level: 1, drift: { fields: [score] } }\n",
    );
    let cases = [
        (
            "fixtures/s7p3/bad/cut.jsonl",
            "error: fixtures/s7p3/bad/cut.jsonl:3:41: the record ends early: a JSON Lines record must end on the line it starts (truncated or cut line?)\n",
        ),
        (
            "fixtures/s7p3/bad/ragged.csv",
            "error: fixtures/s7p3/bad/ragged.csv:4:1: a row with 2 fields where the header has 3 (a cut or malformed line?)\n",
        ),
        (
            "fixtures/s7p3/nowhere",
            "error: fixtures/s7p3/nowhere: no such file or directory\n",
        ),
        (
            "fixtures/s7p2/cards",
            "error: fixtures/s7p2/cards: no records files here (.jsonl, .ndjson, .json, .csv or Inspect .eval)\n",
        ),
        (
            // an evaluation results file is not a window of records
            "fixtures/history/steady",
            "error: fixtures/history/steady/acme__tiny-1b/results_2026-10-12T12-00-00.000000.json: a JSON object spread over several lines, not records: give JSON Lines (one object a line), a JSON array of objects, or CSV\n",
        ),
    ];
    for (input, expected) in cases {
        let out = govgate(&[
            "check",
            "--rubric",
            rub.to_str().expect("p"),
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            input,
        ]);
        assert_eq!(out.code, 2, "{input}");
        assert_eq!(out.stderr, expected, "{input}");
        assert_eq!(out.stdout, "", "{input}");
    }
}

#[test]
fn trends_over_history() {
    let rub = s7p3_rubric(
        "trend",
        "{ S7P3: 3 }",
        "    - { id: slide, level: 3, trend: { metric: arc_easy/acc, max_drop_from_best: 0.02, band: { reference_runs: 4, sigmas: 3 } } }\n",
    );
    let run = |current: &str| {
        let (code, rep, err) = check(&rub, &[current, "--history", "fixtures/history/runs"]);
        assert_ne!(code, 2, "{err}");
        (code, rep)
    };
    // history 0.701, 0.712, 0.706, 0.709, 0.704 (weekly from 2026-09-07), then 0.688:
    // 0.024 below the best 0.712 (> 0.02); band of the first four: mean 0.707, squared
    // deviations 36, 25, 1, 4 (e-6) -> population sd sqrt(16.5e-6) = 0.0040620,
    // lower 0.707 - 3 x 0.0040620 = 0.694814 -> both bounds crossed
    let (code, rep) = run("fixtures/history/slide");
    assert_eq!(code, 1);
    let f0 = &common::check(&rep, "slide")["findings"][0];
    assert_eq!(f0["status"], "fail");
    assert_eq!(f0["subject"], "arc_easy/acc@none");
    let d = &f0["detail"];
    let series: Vec<f64> = d["series"]
        .as_array()
        .expect("series")
        .iter()
        .map(|p| f(&p["value"]))
        .collect();
    assert_eq!(series, [0.701, 0.712, 0.706, 0.709, 0.704, 0.688]);
    assert_eq!(d["series"][0]["date"], "2026-09-07T12:00:00Z");
    assert!((f(&d["drop_from_best"]) - 0.024).abs() < 1e-12);
    assert!((f(&d["band"]["mean"]) - 0.707).abs() < 1e-12);
    assert!((f(&d["band"]["sd"]) - 16.5e-6f64.sqrt()).abs() < 1e-12);
    assert_eq!(
        f0["message"],
        "arc_easy/acc@none: latest 0.688 is 0.024 lower than the best 0.712 \
         (2026-09-14T12:00:00Z) > max_drop_from_best 0.02; latest 0.688 is outside the band \
         0.6948..0.7192 (mean 0.707 ± 3·sd 0.004062 of the first 4 runs)"
    );
    // a steady latest run passes both
    let (code, rep) = run("fixtures/history/steady");
    assert_eq!(code, 0);
    assert_eq!(common::check(&rep, "slide")["status"], "pass");
    // without history there is nothing to follow
    let (_, rep, _) = check(&rub, &["fixtures/history/steady"]);
    assert_eq!(common::check(&rep, "slide")["status"], "missing");
}

#[test]
fn drift_and_trend_are_validated_with_locations() {
    let r = s7p3_rubric(
        "invalid",
        "{}",
        "    - { id: a, level: 1, drift: { fields: [], method: psy } }\n\
         \x20   - { id: b, level: 1, drift: { fields: [x], drift_share: 1.5, threshold: 0 } }\n\
         \x20   - { id: c, level: 1, drift: { fields: [x], window: { last: 7d } } }\n\
         \x20   - { id: d, level: 1, drift: { fields: [x], timestamp: ts, window: { last: 7 } } }\n\
         \x20   - { id: e, level: 1, drift: { fields: [x], kind: { x: text } } }\n\
         \x20   - { id: f, level: 1, trend: { metric: mmlu/acc } }\n\
         \x20   - { id: g, level: 1, trend: { metric: mmlu/acc, band: { reference_runs: 1, sigmas: 3 } } }\n",
    );
    let out = govgate(&["rubric", "validate", r.to_str().expect("p")]);
    assert_eq!(out.code, 2);
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("/r.yaml:") && !l.starts_with("error:"))
        .collect();
    let expect = [
        (":6:", "`fields` needs at least one field path or glob"),
        (":6:", "unknown drift method `psy`; did you mean `psi`?"),
        (":7:", "`drift_share` must be in (0, 1], got 1.5"),
        (":7:", "`threshold` must be above 0, got 0"),
        (":8:", "`window` needs `timestamp`"),
        (":9:", "`last` must be a duration like `7d`"),
        (
            ":10:",
            "`kind` of `x` is `numeric` or `categorical`, got `text`",
        ),
        (
            ":11:",
            "a trend check needs `max_drop_from_best`, `band` or both",
        ),
        (":12:", "`reference_runs` must be at least 2"),
    ];
    assert_eq!(lines.len(), expect.len(), "{}", out.stderr);
    for (line, (at, msg)) in lines.iter().zip(expect) {
        assert!(
            line.contains(at) && line.contains(msg),
            "{line}\nshould hold {at} {msg}"
        );
    }
}

#[test]
fn the_default_rubric_reports_s7p3_when_records_are_given() {
    let row = |args: &[&str]| {
        let mut all = vec!["check"];
        all.extend(args);
        let out = govgate(&all);
        assert_eq!(out.code, 0, "S7P3 is not required: {}", out.stderr);
        common::process_row(&out.stdout, "S7P3")
    };
    // steady records and a steady latest run: every S7P3 check passes
    assert_eq!(
        row(&[
            "fixtures/history/steady",
            "--history",
            "fixtures/history/runs",
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/stable",
        ])[2..6],
        ["3", "-", "not-required", "4/4 checks pass"]
    );
    // drifted records: 4 of 6 compared fields drifted (ts, id, prompt set aside as text)
    assert_eq!(
        row(&[
            "fixtures/history/steady",
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/drifted",
        ])[2..6],
        [
            "1",
            "-",
            "not-required",
            "1/4 checks pass; L2 dataset-drift: fail"
        ]
    );
}

#[test]
fn histograms_from_the_documented_warehouse_sql_match_raw_records() {
    // fixtures/s7p3/warehouse was written by scripts/warehouse/histograms.py, running
    // scripts/warehouse/histograms.sql in DuckDB over the reference and drifted records.
    let rub = s7p3_rubric(
        "warehouse",
        "{}",
        &["psi", "kl_div", "jensenshannon"]
            .iter()
            .map(|m| {
                format!(
                    "    - {{ id: {m}, level: 1, drift: {{ fields: {FIELDS}, method: {m} }} }}\n"
                )
            })
            .collect::<String>(),
    );
    let run = |r: &str, p: &str| {
        let (code, rep, err) = check(&rub, &["--reference", r, "--production", p]);
        assert_eq!(code, 0, "{err}");
        rep
    };
    let raw = run("fixtures/s7p3/reference", "fixtures/s7p3/drifted");
    let sql = run(
        "fixtures/s7p3/warehouse/reference.json",
        "fixtures/s7p3/warehouse/production.json",
    );
    for m in ["psi", "kl_div", "jensenshannon"] {
        let (a, b) = (fields(&raw, m), fields(&sql, m));
        assert_eq!(a.len(), 6, "{m}");
        for (field, (_, v, _, _)) in &a {
            assert_eq!(v.to_bits(), b[field].1.to_bits(), "{m}/{field}");
        }
    }
    // the report lists the documents as what they are
    assert_eq!(sql["records"][0]["format"], "govgate histograms");
    assert_eq!(sql["records"][0]["records"], 1500);
}

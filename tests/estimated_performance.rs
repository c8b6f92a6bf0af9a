//! `estimated_performance` against NannyML 0.13's CBPE on `fixtures/s7p3/estimated`
//! (`scripts/reference/estimated_reference.py`, output committed beside it): the isotonic
//! calibrator, the estimate, its sampling error and band for accuracy, precision, recall and
//! F1, per 2000 and 2500 records, per UTC day, and for the whole window, calibrated or not.
//! Held to 1e-9 relative (the isotonic fit is exact; the sums differ only in order).

mod common;

use common::{check, govgate_in, json, root, scratch, write};
use govgate::stats::isotonic::Isotonic;
use serde_json::Value;

fn reference() -> Value {
    common::reference_json("estimated_reference.json")
}

fn f(v: &Value) -> f64 {
    common::num(v)
}

fn close(got: f64, want: f64, what: &str) {
    common::close_rel(got, want, 1e-9, what);
}

fn records(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("fixtures/s7p3/estimated").join(name))
        .expect("fixture");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn the_isotonic_calibrator_matches_nannyml_s() {
    let pts: Vec<(f64, f64)> = records("reference.jsonl")
        .iter()
        .map(|r| (f(&r["y_pred_proba"]), f(&r["y_true"])))
        .collect();
    let iso = Isotonic::fit(&pts).expect("fit");
    for p in reference()["isotonic"].as_array().expect("grid") {
        close(
            iso.predict(f(&p["x"])),
            f(&p["y"]),
            &format!("at {}", p["x"]),
        );
    }
}

fn findings(dir: &std::path::Path, body: &str) -> Vec<Value> {
    let r = write(
        &dir.join("gate.yaml"),
        &format!(
            "version: 1\nname: cbpe\nprocesses:\n  S7P3:\n    - {{ id: est, level: 2, estimated_performance: {{ score: y_pred_proba, prediction: y_pred, label: y_true, {body} }} }}\n"
        ),
    );
    let est = root().join("fixtures/s7p3/estimated");
    let (reff, prod) = (est.join("reference.jsonl"), est.join("production.jsonl"));
    let out = govgate_in(
        dir,
        &[
            "check",
            "-r",
            r.to_str().expect("utf-8"),
            "--reference",
            reff.to_str().expect("utf-8"),
            "--production",
            prod.to_str().expect("utf-8"),
            "-f",
            "json",
        ],
    );
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    check(&json(&out.stdout), "est")["findings"]
        .as_array()
        .expect("findings")
        .clone()
}

#[test]
fn every_metric_and_chunking_matches_nannyml_s_cbpe() {
    let dir = scratch("cbpe-chunks");
    let r = reference();
    let cases = [
        ("size_2000", "chunk: { size: 2000 }"),
        ("size_2500", "chunk: { size: 2500 }"),
        ("day", "chunk: { period: day, timestamp: ts }"),
        ("all", ""),
        ("all_uncalibrated", "calibration: none"),
    ];
    let mut compared = 0;
    for (key, chunk) in cases {
        for metric in ["accuracy", "precision", "recall", "f1"] {
            let fs = findings(&dir, &format!("metric: {metric}, min: 0.5, {chunk}"));
            let want = r[key].as_array().expect("chunks");
            assert_eq!(fs.len(), want.len(), "{key} {metric}");
            for (got, w) in fs.iter().zip(want) {
                let d = &got["detail"];
                if key.starts_with("all") {
                    assert_eq!(d["chunk"], "all");
                } else {
                    assert_eq!(d["chunk"], w["key"], "{key}");
                }
                assert_eq!(d["n"], w["n"], "{key}");
                let what = format!("{key} {metric} {}", w["key"]);
                for (ours, theirs) in [
                    ("estimate", "estimate"),
                    ("sampling_error", "sampling_error"),
                    ("lower", "lower"),
                    ("upper", "upper"),
                ] {
                    close(
                        f(&d[ours]),
                        f(&w[metric][theirs]),
                        &format!("{what} {ours}"),
                    );
                }
                close(
                    f(&d["reference_realized"]),
                    f(&r["reference_realized"][metric]),
                    "realised",
                );
                assert_eq!(d["calibrated"], key != "all_uncalibrated");
                compared += 1;
            }
        }
    }
    // 3 + 3 + 3 + 1 + 1 chunks, four metrics each
    assert_eq!(compared, 44);
}

#[test]
fn the_third_day_s_drop_fails_and_the_first_two_pass() {
    let dir = scratch("cbpe-gate");
    let r = reference();
    let fs = findings(
        &dir,
        "metric: accuracy, max_drop: 0.05, chunk: { period: day, timestamp: ts }",
    );
    let status: Vec<&str> = fs
        .iter()
        .map(|x| x["status"].as_str().expect("s"))
        .collect();
    assert_eq!(status, ["pass", "pass", "fail"], "{fs:#?}");
    let floor = f(&r["reference_realized"]["accuracy"]) - 0.05;
    close(f(&fs[2]["detail"]["floor"]), floor, "floor");
    assert!(f(&fs[2]["detail"]["upper"]) < floor);
    let msg = fs[2]["message"].as_str().expect("message");
    assert!(
        msg.contains("estimated accuracy 2026-11-04") && msg.contains("the whole band is below"),
        "{msg}"
    );
    // a floor the estimate misses only within the band passes, and says so
    let day3 = &r["day"][2]["accuracy"];
    let within = (f(&day3["estimate"]) + f(&day3["upper"])) / 2.0;
    let fs = findings(
        &dir,
        &format!("metric: accuracy, min: {within}, chunk: {{ period: day, timestamp: ts }}"),
    );
    assert_eq!(fs[2]["status"], "pass");
    assert!(
        fs[2]["message"]
            .as_str()
            .expect("m")
            .contains("within the sampling error")
    );
}

#[test]
fn missing_and_wrong_inputs_never_pass() {
    let dir = scratch("cbpe-bad");
    // labels that are not 0/1 on the reference
    let bad = write(
        &dir.join("bad.jsonl"),
        "{\"y_pred_proba\": 0.9, \"y_pred\": 1, \"y_true\": \"yes\"}\n{\"y_pred_proba\": 1.2, \"y_pred\": 1, \"y_true\": 1}\n",
    );
    assert!(bad.is_file());
    let fs = findings(&dir, "reference: bad.jsonl, min: 0.5");
    assert_eq!(fs[0]["status"], "error", "{fs:?}");
    let msg = fs[0]["message"].as_str().expect("m");
    assert!(
        msg.contains("1 a `y_pred_proba` that is not a probability")
            && msg.contains("1 a `y_true` that is not 0/1"),
        "{msg}"
    );
    // a reference without labels: missing, naming the fields
    std::fs::copy(
        root().join("fixtures/s7p3/estimated/production.jsonl"),
        dir.join("unlabelled.jsonl"),
    )
    .expect("copy");
    let fs = findings(&dir, "reference: unlabelled.jsonl, min: 0.5");
    assert_eq!(fs[0]["status"], "missing", "{fs:?}");
    assert!(
        fs[0]["message"]
            .as_str()
            .expect("m")
            .contains("no reference record holds")
    );
    // rubric mistakes, each at its position
    for (body, says) in [
        ("min: 0.5, threshold: 0.5", "not both"),
        ("min: 1.5", "`min` must be between 0 and 1"),
        (
            "max_drop: 0.1, metric: auroc",
            "`metric` is `accuracy`, `precision`, `recall` or `f1`",
        ),
        (
            "min: 0.5, chunk: { period: week, timestamp: ts }",
            "`period` is `day`",
        ),
        (
            "min: 0.5, chunk: { period: day }",
            "needs `timestamp: FIELD`",
        ),
        (
            "min: 0.5, calibration: platt",
            "`calibration` is `isotonic` or `none`",
        ),
        ("metric: f1", "needs `min`"),
    ] {
        common::rubric_refused(
            &dir,
            &format!(
                "version: 1\nname: cbpe\nprocesses:\n  S7P3:\n    - {{ id: est, level: 2, estimated_performance: {{ score: y_pred_proba, prediction: y_pred, label: y_true, {body} }} }}\n"
            ),
            says,
        );
    }
}

//! The shipped `production-monitoring` rubric on its example: the new S7P3 and S7P6 kinds
//! (`estimated_performance`, `ab_test` with `sequential` and `covariate`) reach level 3 on
//! healthy records, and a shifted day that the input drift does not see brings S7P3 to 2.

mod common;

use common::{check, govgate, json, process_row};

const REFERENCE: &str = "fixtures/s7p3/estimated/reference.jsonl";

fn run(production: &str, format: Option<&str>) -> common::Out {
    let mut args = vec![
        "check",
        "--rubric",
        "production-monitoring",
        "--reference",
        REFERENCE,
        "--production",
        production,
        "--requests",
        "fixtures/monitoring/ab.jsonl",
    ];
    if let Some(f) = format {
        args.extend(["-f", f]);
    }
    govgate(&args)
}

#[test]
fn healthy_days_and_a_better_treatment_reach_level_3_on_s7p3_and_s7p6() {
    let out = run("fixtures/monitoring/production.jsonl", None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for p in ["S7P3", "S7P6"] {
        let row = process_row(&out.stdout, p);
        assert_eq!(
            (row[2].as_str(), row[3].as_str(), row[4].as_str()),
            ("3", "3", "pass"),
            "{row:?}"
        );
    }
    let rep = json(&run("fixtures/monitoring/production.jsonl", Some("json")).stdout);
    // the always-valid tests and CUPED are what passed S7P6
    for id in ["b-not-worse", "b-converts-better", "b-raises-spend"] {
        let d = &check(&rep, id)["findings"][0]["detail"];
        assert_eq!(d["method"], "msprt", "{id}");
        assert_eq!(d["sequential"]["tau_from"], "horizon", "{id}");
    }
    let cuped = &check(&rep, "b-raises-spend")["findings"][0]["detail"]["cuped"];
    assert!(
        cuped["variance_reduction"].as_f64().expect("reduction") > 0.5,
        "{cuped}"
    );
    // two days, each estimated
    let days = check(&rep, "accuracy-holds-daily")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["detail"]["chunk"].as_str().expect("chunk").to_owned())
        .collect::<Vec<_>>();
    assert_eq!(days, ["2026-11-02", "2026-11-03"]);
}

#[test]
fn a_shifted_day_the_drift_check_misses_brings_s7p3_to_level_2() {
    let out = run("fixtures/s7p3/estimated/production.jsonl", None);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let row = process_row(&out.stdout, "S7P3");
    assert_eq!((row[2].as_str(), row[4].as_str()), ("2", "fail"), "{row:?}");
    assert!(
        out.stdout.contains("FAIL: S7P3 at level 2, required 3"),
        "{}",
        out.stdout
    );
    let rep = json(&run("fixtures/s7p3/estimated/production.jsonl", Some("json")).stdout);
    assert_eq!(check(&rep, "input-drift")["status"], "pass");
    assert_eq!(check(&rep, "accuracy-holds")["status"], "pass");
    let daily = check(&rep, "accuracy-holds-daily");
    assert_eq!(daily["status"], "fail");
    let failing: Vec<&str> = daily["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["detail"]["chunk"].as_str().expect("chunk"))
        .collect();
    assert_eq!(failing, ["2026-11-04"]);
}

/// The HTML report draws each estimated chunk: its estimate and band against the floor and
/// the reference's realised value, in well-formed SVG.
#[test]
fn the_html_report_draws_each_estimated_chunk_against_its_floor() {
    let out = run("fixtures/s7p3/estimated/production.jsonl", Some("html"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let charts: Vec<&str> = out
        .stdout
        .split("<svg")
        .skip(1)
        .map(|s| &s[..s.find("</svg>").expect("closed")])
        .filter(|s| s.contains("estimated, ± 3 sampling errors"))
        .collect();
    // the whole window and three days
    assert_eq!(charts.len(), 4);
    for c in charts {
        let svg = format!("<svg{c}</svg>");
        roxmltree::Document::parse(&svg).expect("well-formed SVG");
        assert!(c.contains(">floor<") && c.contains(">reference<"), "{c}");
    }
}

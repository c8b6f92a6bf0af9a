//! The warehouse path: a gate on the summaries an engine computed (histogram documents for
//! `drift`, summary documents for `ab_test` and `feedback`) reaches the verdict it reaches
//! on the raw records. fixtures/warehouse was written by
//! scripts/fixtures/generate_warehouse.py (DuckDB); scripts/warehouse/tests holds the same
//! documents from Spark to these and runs the edge cases in both engines.

mod common;

use common::{check, govgate, json};
use serde_json::Value;

const GATE: &str = "fixtures/warehouse/gate.yaml";

fn run(reference: &str, production: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "check",
        "--rubric",
        GATE,
        "--reference",
        reference,
        "--production",
        production,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = govgate(&args);
    (out.code, json(&out.stdout))
}

fn raw(extra: &[&str]) -> (i32, Value) {
    run(
        "fixtures/warehouse/records/reference.jsonl",
        "fixtures/warehouse/records/production.jsonl",
        extra,
    )
}

fn summarised(extra: &[&str]) -> (i32, Value) {
    run(
        "fixtures/warehouse/summaries/reference",
        "fixtures/warehouse/summaries/production",
        extra,
    )
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn the_gate_on_summaries_reaches_the_verdict_of_the_records() {
    let (code_raw, a) = raw(&[]);
    let (code_sum, b) = summarised(&[]);
    // the verdict: S7P3 fails (the score drifted), S7P6 passes; exit 1 both ways
    assert_eq!((code_raw, code_sum), (1, 1));
    for (pa, pb) in a["processes"]
        .as_array()
        .expect("processes")
        .iter()
        .zip(b["processes"].as_array().expect("processes"))
    {
        assert_eq!(pa["level"], pb["level"], "{}", pa["id"]);
        assert_eq!(pa["status"], pb["status"], "{}", pa["id"]);
    }
    assert_eq!(check(&a, "inputs-stable")["status"], "fail");
    assert_eq!(check(&a, "b-converts-better")["status"], "pass");
    assert_eq!(check(&a, "feedback-flowing")["status"], "pass");
    for id in ["inputs-stable", "b-converts-better", "feedback-flowing"] {
        let (ca, cb) = (check(&a, id), check(&b, id));
        assert_eq!(ca["status"], cb["status"], "{id}");
        assert_eq!(ca["message"], cb["message"], "{id}");
        let (fa, fb) = (
            ca["findings"].as_array().expect("findings"),
            cb["findings"].as_array().expect("findings"),
        );
        assert_eq!(fa.len(), fb.len(), "{id}");
        for (x, y) in fa.iter().zip(fb) {
            for key in ["subject", "status", "message", "observed", "expected"] {
                assert_eq!(x[key], y[key], "{id} {key}");
            }
        }
    }
    // drift (Evidently's bins computed in SQL) and feedback (counts, whole seconds): the
    // findings are identical, every number bit for bit
    assert_eq!(
        check(&a, "inputs-stable")["findings"],
        check(&b, "inputs-stable")["findings"]
    );
    assert_eq!(
        check(&a, "feedback-flowing")["findings"],
        check(&b, "feedback-flowing")["findings"]
    );
    // the A/B test: the 0/1 outcome's test uses the counts (bit for bit); the means and the
    // guardrail's Welch test come from the engine's avg and var_samp, summed in another
    // order than govgate's one pass: 1e-12 relative
    let ab = |r: &Value, i: usize, key: &str| {
        f(&check(r, "b-converts-better")["findings"][i]["detail"][key])
    };
    for key in ["lift", "ci_low", "ci_high", "p_value", "statistic"] {
        assert_eq!(
            ab(&a, 0, key).to_bits(),
            ab(&b, 0, key).to_bits(),
            "outcome {key}"
        );
    }
    assert_eq!(
        ab(&a, 1, "p_value").to_bits(),
        ab(&b, 1, "p_value").to_bits()
    );
    for key in ["degradation", "ci_low", "ci_high"] {
        common::close_rel(ab(&b, 2, key), ab(&a, 2, key), 1e-12, key);
    }
    // -log p of the guardrail's tail p-value
    common::close_rel(
        -ab(&b, 2, "p_value").ln(),
        -ab(&a, 2, "p_value").ln(),
        1e-10,
        "guardrail p",
    );
    // the report lists what was read: two histogram documents and two summaries
    let formats: Vec<&str> = b["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["format"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        formats,
        [
            "govgate summary",
            "govgate summary",
            "govgate histograms",
            "govgate histograms"
        ]
    );
}

#[test]
fn with_now_given_the_summaries_must_have_been_counted_to_it() {
    // the feedback summary was counted to the newest timestamp: a gate run with another now
    // cannot use it, and says so (the records give an answer, the summary does not)
    let now = ["--now", "2026-11-25T00:00:00Z"];
    let (_, a) = raw(&now);
    let (_, b) = summarised(&now);
    assert_ne!(check(&a, "feedback-flowing")["status"], "missing");
    let fb = check(&b, "feedback-flowing");
    assert_eq!(fb["status"], "missing");
    let msg = fb["findings"][0]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains(
            "counted its window to 2026-11-21T23:57:07Z, this check's now is 2026-11-25T00:00:00Z"
        ),
        "{msg}"
    );
}

#[test]
fn rubric_sql_prints_each_check_s_queries_in_its_dialect() {
    let duck = govgate(&["rubric", "sql", GATE]);
    assert_eq!(duck.code, 0, "{}", duck.stderr);
    let titles: Vec<&str> = duck
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("-- query: "))
        .collect();
    assert_eq!(
        titles,
        [
            "inputs-stable records",
            "inputs-stable score distinct_reference",
            "inputs-stable score numeric_bins min_width=0",
            "inputs-stable score numeric_bins min_width=1",
            "inputs-stable score numeric_values",
            "inputs-stable score category_values",
            "inputs-stable lang distinct_reference",
            "inputs-stable lang numeric_bins min_width=0",
            "inputs-stable lang numeric_bins min_width=1",
            "inputs-stable lang numeric_values",
            "inputs-stable lang category_values",
            "b-converts-better ab_arms",
            "b-converts-better ab_guardrail latency_ms",
            "feedback-flowing feedback_newest feedback",
            "feedback-flowing feedback_window feedback",
        ]
    );
    // DuckDB's spelling, and the now left for the reader without --now
    assert!(duck.stdout.contains("isfinite(x)"));
    assert!(duck.stdout.contains("unnest(generate_series(0, k))"));
    assert!(
        duck.stdout
            .contains("count(CASE WHEN t > {now} THEN 1 END)")
    );
    let spark = govgate(&[
        "rubric",
        "sql",
        "--dialect",
        "spark",
        "--now",
        "2026-11-21T23:57:07Z",
        GATE,
    ]);
    assert_eq!(spark.code, 0, "{}", spark.stderr);
    assert!(
        spark
            .stdout
            .contains("explode(sequence(CAST(0 AS BIGINT), k))")
    );
    assert!(
        spark
            .stdout
            .contains("CASE WHEN (n & (n - 1)) = 0 THEN round(log2(n))")
    );
    assert!(!spark.stdout.contains("isfinite"));
    assert!(!spark.stdout.contains("{now}"));
    // now and the window's start as doubles the engine reads exactly
    assert!(spark.stdout.contains("t > CAST('1795305427.0' AS DOUBLE)"));
    assert!(spark.stdout.contains("t >= CAST('1794700627.0' AS DOUBLE)"));
    // now given: no query for the newest timestamp
    assert!(
        !spark
            .stdout
            .contains("-- query: feedback-flowing feedback_newest")
    );
}

#[test]
fn rubric_sql_refuses_what_it_cannot_answer() {
    // a rubric with no check a summary stands in for
    let none = govgate(&["rubric", "sql", "fixtures/rubrics/release.yaml"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr
            .contains("has no drift, ab_test or feedback check"),
        "{}",
        none.stderr
    );
    assert!(none.stdout.is_empty());
    let bad_now = govgate(&["rubric", "sql", "--now", "yesterday", GATE]);
    assert_eq!(bad_now.code, 2);
    assert!(
        bad_now.stderr.contains("--now `yesterday` is not a time"),
        "{}",
        bad_now.stderr
    );
    let bad_dialect = govgate(&["rubric", "sql", "--dialect", "bigquery", GATE]);
    assert_eq!(bad_dialect.code, 2);
    assert!(
        bad_dialect.stderr.contains("bigquery"),
        "{}",
        bad_dialect.stderr
    );
}

#[test]
fn a_summary_named_as_an_evaluation_output_says_where_it_goes() {
    let out = govgate(&[
        "check",
        "fixtures/warehouse/summaries/production/ab_test.json",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains(
            "ab_test.json: a summary document (records aggregated), not an evaluation output"
        ) && out.stderr.contains("`--production`"),
        "{}",
        out.stderr
    );
}

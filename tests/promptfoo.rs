//! promptfoo outputs end to end, against independent reads
//! (`scripts/reference/promptfoo_reference.py` → `promptfoo_reference.json`: Python's json
//! and statsmodels over the same files): the hand-written fixtures
//! (`scripts/fixtures/generate_promptfoo.py`) and, when `GOVGATE_CORPUS` is set, the real
//! promptfoo 0.123.1 outputs in `tools-2026/promptfoo`, both as JSON and as JSON Lines.

mod common;

use common::{check, govgate, json, num, rubric, scratch};
use serde_json::Value;

fn reference() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("scripts/reference/promptfoo_reference.json"))
            .expect("reference JSON (run scripts/reference/promptfoo_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Means and roots of the same numbers in another order: 1e-12 relative (absolute near 0).
fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300) || (a - b).abs() < 1e-15,
        "{what}: govgate {a} vs reference {b}"
    );
}

fn conforms(run: &Value, want: &Value, what: &str) {
    assert_eq!(run["format"]["tool"], "promptfoo", "{what}");
    let tasks = want["tasks"].as_object().expect("tasks");
    let metrics = run["metrics"].as_array().expect("metrics");
    // every task and metric govgate lists, the reference has (and the other way round)
    let listed: Vec<(String, String)> = metrics
        .iter()
        .filter(|m| m["metric"] != "assert_pass_rate" && m["metric"] != "cost")
        .map(|m| {
            (
                m["task"].as_str().expect("t").to_owned(),
                m["metric"].as_str().expect("m").to_owned(),
            )
        })
        .collect();
    let expected: usize = tasks
        .values()
        .map(|t| {
            t.as_object()
                .expect("m")
                .iter()
                .filter(|(k, v)| *k != "assertions" && !v.is_null())
                .count()
        })
        .sum();
    assert_eq!(listed.len(), expected, "{what}: {listed:?}");
    for (task, ms) in tasks {
        for (name, w) in ms.as_object().expect("metrics") {
            if w.is_null() {
                continue;
            }
            if name == "assertions" {
                // pooled pass rates: all assertions (""), and per assertion type
                for (kind, rate) in w.as_object().expect("pooled") {
                    let variant = if kind.is_empty() {
                        Value::Null
                    } else {
                        Value::from(kind.as_str())
                    };
                    let got = metrics
                        .iter()
                        .find(|m| {
                            m["task"] == *task
                                && m["metric"] == "assert_pass_rate"
                                && m["variant"] == variant
                        })
                        .unwrap_or_else(|| panic!("{what}: no {task}/assert_pass_rate@{kind}"));
                    assert_eq!(num(&got["value"]), num(rate), "{what} {task} {kind}");
                    assert!(got["stderr"].is_null() && got["informational"] == true);
                }
                continue;
            }
            let got = metrics
                .iter()
                .find(|m| m["task"] == *task && m["metric"] == *name)
                .unwrap_or_else(|| panic!("{what}: no {task}/{name}"));
            close(
                num(&got["value"]),
                num(&w["value"]),
                &format!("{what} {task}/{name}"),
            );
            match w["stderr"].as_f64() {
                Some(se) => close(
                    num(&got["stderr"]),
                    se,
                    &format!("{what} {task}/{name} stderr"),
                ),
                None => assert!(got["stderr"].is_null(), "{what} {task}/{name}"),
            }
            assert_eq!(got["n"], w["n"], "{what} {task}/{name} n");
            match w["trials"].as_object() {
                Some(t) => {
                    assert_eq!(got["trials"]["count"], t["count"], "{what} {task}/{name}");
                    close(
                        num(&got["trials"]["sd"]),
                        num(&t["sd"]),
                        &format!("{what} {task}/{name} trials"),
                    );
                }
                None => assert!(got["trials"].is_null(), "{what} {task}/{name} trials"),
            }
        }
    }
}

#[test]
fn the_fixtures_read_as_an_independent_read_reads_them() {
    let r = reference();
    let fixtures = r["fixtures"].as_array().expect("fixtures");
    assert_eq!(fixtures.len(), 4, "base and cand, JSON and JSON Lines");
    for want in fixtures {
        let path = common::root().join(want["path"].as_str().expect("path"));
        conforms(
            &common::inspect_one(&path),
            want,
            &path.display().to_string(),
        );
    }
}

#[test]
fn the_corpus_reads_as_an_independent_read_reads_it() {
    let Some(dir) = common::corpus::dir("tools-2026/promptfoo") else {
        return common::corpus::absent("the_corpus_reads_as_an_independent_read_reads_it");
    };
    let r = reference();
    let corpus = r["corpus"].as_array().expect("corpus");
    assert_eq!(corpus.len(), 4, "two evals, JSON and JSON Lines");
    for want in corpus {
        let path = dir.join(want["path"].as_str().expect("path"));
        conforms(
            &common::inspect_one(&path),
            want,
            &path.display().to_string(),
        );
    }
    // the CSV output is refused, saying which outputs to give instead
    let csv = dir.join("A/r1_single/results.csv");
    let out = govgate(&["check", csv.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("promptfoo's CSV output") && out.stderr.contains("results.jsonl"),
        "{}",
        out.stderr
    );
    // a directory holding results.json, .jsonl and .csv of one eval is one run
    let runs = govgate(&[
        "inspect",
        dir.join("A/r2_repeat3").to_str().expect("utf-8"),
        "-f",
        "json",
    ]);
    assert_eq!(runs.code, 0, "{}", runs.stderr);
    let v = json(&runs.stdout);
    assert_eq!(v["runs"].as_array().expect("runs").len(), 1);
    assert!(
        v["runs"][0]["path"]
            .as_str()
            .expect("p")
            .ends_with("results.json")
    );
}

#[test]
fn the_fixtures_csv_is_refused() {
    let out = govgate(&["check", "fixtures/promptfoo/base/results.csv"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count(),
        1
    );
    assert!(
        out.stderr
            .contains("promptfoo's CSV output, which holds less than its JSON"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_threshold_gates_a_promptfoo_pass_rate() {
    let dir = scratch("promptfoo-threshold");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: floor, level: 1, threshold: { metric: \"support:acme-v1/pass_rate\", min: 0.8 } }\n",
    );
    let rs = r.to_str().expect("utf-8");
    assert_eq!(
        govgate(&["check", "-r", rs, "fixtures/promptfoo/base", "-q"]).code,
        0
    );
    let out = govgate(&["check", "-r", rs, "fixtures/promptfoo/cand", "-f", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let rep = json(&out.stdout);
    assert_eq!(
        num(&check(&rep, "floor")["findings"][0]["detail"]["value"]),
        0.675
    );
}

#[test]
fn a_paired_regression_between_two_evals_of_one_suite_matches_statsmodels() {
    let dir = scratch("promptfoo-paired");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: reg, level: 1, regression: { metric: \"support:acme-v1/pass_rate\", max_drop: 0.01, alpha: 0.05 } }\n",
    );
    let out = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        "fixtures/promptfoo/cand",
        "-b",
        "fixtures/promptfoo/base",
        "-f",
        "json",
    ]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let rep = json(&out.stdout);
    let t = &check(&rep, "reg")["findings"][0]["detail"]["test"];
    let want = &reference()["paired"];
    assert_eq!(t["method"], "mcnemar-exact", "{t}");
    assert_eq!(t["n"], want["n"]);
    close(num(&t["delta"]), num(&want["delta"]), "delta");
    let (p, q) = (num(&t["p_value"]), num(&want["p"]));
    assert!((p - q).abs() <= 1e-9 * p.max(q), "p {p} vs statsmodels {q}");
    // 6 tests lost, none gained: p = 2 · 0.5^6 = 0.03125 < 0.05, and the drop is over 0.01
    assert_eq!(check(&rep, "reg")["status"], "fail");
}

#[test]
fn coverage_counts_the_tests_run_against_the_suite() {
    let dir = scratch("promptfoo-coverage");
    // a suite of 40 tests of which 10 ran (promptfoo's --filter-first-n)
    let text = std::fs::read_to_string("fixtures/promptfoo/base/results.json").expect("fixture");
    let mut doc: Value = serde_json::from_str(&text).expect("json");
    let rows = doc["results"]["results"].as_array_mut().expect("rows");
    rows.truncate(10);
    let cut = dir.join("results.json");
    std::fs::write(&cut, serde_json::to_string(&doc).expect("json")).expect("write");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: cov, level: 1, coverage: { tasks: [\"*\"] } }\n",
    );
    let rs = r.to_str().expect("utf-8");
    assert_eq!(
        govgate(&["check", "-r", rs, "fixtures/promptfoo/base", "-q"]).code,
        0
    );
    let out = govgate(&[
        "check",
        "-r",
        rs,
        cut.to_str().expect("utf-8"),
        "-f",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let rep = json(&out.stdout);
    let msg = check(&rep, "cov")["findings"][0]["message"]
        .as_str()
        .expect("m")
        .to_owned();
    assert!(msg.contains("10"), "{msg}");
    assert_eq!(check(&rep, "cov")["status"], "fail", "{msg}");
}

#[test]
fn repeat_rounds_are_trials() {
    let dir = scratch("promptfoo-trials");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P5: 1 }",
        "  S7P5:\n    - { id: rep, level: 1, trials: { metric: \"support:acme-v1/score\", min_runs: 2, max_sd: 0.05 } }\n",
    );
    let rs = r.to_str().expect("utf-8");
    let out = govgate(&["check", "-r", rs, "fixtures/promptfoo/cand", "-f", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rep = json(&out.stdout);
    let c = check(&rep, "rep");
    assert!(
        c["message"]
            .as_str()
            .expect("m")
            .contains("2 --repeat rounds of"),
        "{c}"
    );
    let want = reference()["fixtures"]
        .as_array()
        .expect("f")
        .iter()
        .find(|x| x["path"] == "fixtures/promptfoo/cand/results.json")
        .map(|x| x["tasks"]["support:acme-v1"]["score"]["trials"]["sd"].clone())
        .expect("cand");
    close(
        num(&c["findings"][0]["detail"]["spread"]["sd"]),
        num(&want),
        "sd",
    );
    // one round only: nothing to measure
    let out = govgate(&["check", "-r", rs, "fixtures/promptfoo/base", "-f", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(check(&json(&out.stdout), "rep")["status"], "missing");
}

#[test]
fn a_promptfoo_export_without_its_config_is_still_told_apart() {
    let dir = scratch("promptfoo-minimal");
    for (name, text, says) in [
        (
            "empty.json",
            r#"{"evalId": "x", "results": {"version": 3, "results": []}}"#,
            "a promptfoo output with no result rows",
        ),
        (
            "noprompt.json",
            r#"{"evalId": "x", "results": {"version": 3, "results": [{"success": true}]}}"#,
            "result 0 names no prompt, provider or `success`",
        ),
    ] {
        let p = common::write(&dir.join(name), text);
        let out = govgate(&["check", p.to_str().expect("utf-8")]);
        assert_eq!(out.code, 2, "{name}");
        assert!(out.stderr.contains(says), "{name}: {}", out.stderr);
    }
}

//! lighteval results and details, end to end, against independent reads
//! (`scripts/reference/lighteval_reference.py` → `lighteval_reference.json`: Python's json,
//! pyarrow and statsmodels over the same files): the hand-written fixtures
//! (`scripts/fixtures/generate_lighteval.py`) and, when `GOVGATE_CORPUS` is set, the real
//! lighteval 0.13 outputs in `tools-2026/lighteval`.

mod common;

use std::path::PathBuf;

use common::{check, govgate, json, num, rubric, scratch};
use serde_json::Value;

fn reference() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("scripts/reference/lighteval_reference.json"))
            .expect("reference JSON (run scripts/reference/lighteval_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

/// |a − b| ≤ 1e-12 · max(|a|, |b|) (exact arithmetic on both sides: a mean and a root).
fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()),
        "{what}: govgate {a} vs reference {b}"
    );
}

/// Every value of one reference entry equals govgate's read of the same file.
fn conforms(run: &Value, want: &Value, what: &str) {
    assert_eq!(run["format"]["tool"], "lighteval", "{what}");
    assert_eq!(run["model"]["name"], want["model"], "{what}");
    match want["limit"].as_f64() {
        Some(l) => assert_eq!(num(&run["provenance"]["limit"]), l, "{what}"),
        None => assert!(run["provenance"]["limit"].is_null(), "{what}"),
    }
    let metric = |task: &str, m: &str| -> Value {
        run["metrics"]
            .as_array()
            .expect("metrics")
            .iter()
            .find(|x| x["task"] == task && x["metric"] == m)
            .cloned()
            .unwrap_or_else(|| panic!("{what}: no metric {task}/{m}"))
    };
    let tasks = want["tasks"].as_object().expect("tasks");
    for (task, t) in tasks {
        for (m, v) in t["metrics"].as_object().expect("metrics") {
            let got = metric(task, m);
            // both sides parse the same decimal text: bit-equal
            assert_eq!(num(&got["value"]), num(&v["value"]), "{what} {task}/{m}");
            assert_eq!(got["stderr"], v["stderr"], "{what} {task}/{m} stderr");
            assert_eq!(got["group"], false);
            assert_eq!(got["n"], t["documents"], "{what} {task}/{m} n");
        }
        let info = run["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .find(|x| x["name"] == *task)
            .unwrap_or_else(|| panic!("{what}: no task {task}"));
        let measured = &info["measured"];
        assert_eq!(measured["n_shot"], t["n_shot"].to_string(), "{what} {task}");
        assert_eq!(measured["task_version"], t["version"], "{what} {task}");
        assert_eq!(measured["task_hash"], t["hash_examples"], "{what} {task}");
        assert_eq!(info["n_effective"], t["documents"], "{what} {task}");
        assert_eq!(
            info["samples"].is_null(),
            t["documents"].is_null(),
            "{what} {task}: details"
        );
    }
    // no task keeps its shot count in its name, and none is `all`
    for x in run["tasks"].as_array().expect("tasks") {
        let name = x["name"].as_str().expect("name");
        if x["is_group"] == false {
            assert!(tasks.contains_key(name), "{what}: task {name}");
        }
    }
    for (group, g) in want["groups"].as_object().expect("groups") {
        for (m, v) in g.as_object().expect("metrics") {
            let got = metric(group, m);
            assert_eq!(got["group"], true, "{what} {group}");
            close(
                num(&got["value"]),
                num(&v["value"]),
                &format!("{what} {group}/{m}"),
            );
            close(
                num(&got["value"]),
                num(&v["mean_of_members"]),
                &format!("{what} {group}/{m} mean"),
            );
            match v["stderr_of_mean"].as_f64() {
                Some(se) => {
                    close(
                        num(&got["stderr"]),
                        se,
                        &format!("{what} {group}/{m} stderr"),
                    );
                    assert_eq!(got["stderr_kind"], "of-mean", "{what}");
                }
                None => assert!(got["stderr"].is_null(), "{what}"),
            }
        }
    }
}

#[test]
fn the_fixtures_read_as_an_independent_read_reads_them() {
    let r = reference();
    let fixtures = r["fixtures"].as_array().expect("fixtures");
    assert_eq!(fixtures.len(), 3);
    for want in fixtures {
        let path = common::root().join(want["path"].as_str().expect("path"));
        conforms(
            &common::inspect_one(&path),
            want,
            &path.display().to_string(),
        );
    }
    // lighteval's own `_stderr` of an average (the members' arithmetic mean) is not used
    let limited = fixtures
        .iter()
        .find(|x| x["path"].as_str().expect("p").contains("limited"))
        .expect("limited");
    let g = &limited["groups"]["all"]["acc"];
    assert!(
        (num(&g["file_stderr"]) - num(&g["stderr_of_mean"])).abs() > 0.04,
        "{g}"
    );
}

#[test]
fn the_corpus_reads_as_an_independent_read_reads_it() {
    let Some(dir) = common::corpus::dir("tools-2026/lighteval") else {
        return common::corpus::absent("the_corpus_reads_as_an_independent_read_reads_it");
    };
    let r = reference();
    let corpus = r["corpus"].as_array().expect("corpus");
    let files = common::corpus::files_with(&dir, &["json"]);
    let results: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.to_string_lossy().contains("/results/"))
        .collect();
    assert_eq!(
        results.len(),
        corpus.len(),
        "every results file has a reference entry"
    );
    for want in corpus {
        let path = dir.join(want["path"].as_str().expect("path"));
        conforms(
            &common::inspect_one(&path),
            want,
            &path.display().to_string(),
        );
    }
    // the 2-shot run is not compared with the 0-shot one — nor are their `all` averages
    let scratch_dir = scratch("lighteval-corpus-nshot");
    let r = rubric(
        &scratch_dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: reg, level: 1, regression: { metric: \"*/*\", max_drop: 0.01 } }\n",
    );
    let out = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        dir.join("A/a3_dummy_seed1_2shot/results")
            .to_str()
            .expect("utf-8"),
        "-b",
        dir.join("A/a1_dummy_seed1/results")
            .to_str()
            .expect("utf-8"),
        "-f",
        "json",
    ]);
    let rep = json(&out.stdout);
    let findings = check(&rep, "reg")["findings"]
        .as_array()
        .expect("f")
        .clone();
    assert_eq!(findings.len(), 4, "{findings:?}");
    for x in &findings {
        assert_eq!(x["status"], "error", "{x}");
        assert!(x["message"].as_str().expect("m").contains("n-shot"), "{x}");
    }
}

#[test]
fn a_limited_run_is_not_full_coverage() {
    // read as lm-eval 0.3, this file was "no limit" and passed coverage
    let dir = scratch("lighteval-coverage");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: cov, level: 1, coverage: { tasks: [\"*\"] } }\n",
    );
    let out = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        "fixtures/lighteval/limited",
        "-f",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let rep = json(&out.stdout);
    let c = check(&rep, "cov");
    assert_eq!(c["status"], "fail", "{c}");
    let msgs: Vec<&str> = c["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|x| x["message"].as_str().expect("m"))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("leaderboard|mmlu:anatomy") && m.contains("--max-samples 10")),
        "{msgs:?}"
    );
    // the full runs cover their tasks, with the documents counted from the details
    let out = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        "fixtures/lighteval/cand",
        "-q",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let min = rubric(
        &dir,
        "min.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: cov, level: 1, coverage: { tasks: [yesno], min_samples: 201 } }\n",
    );
    let out = govgate(&[
        "check",
        "-r",
        min.to_str().expect("utf-8"),
        "fixtures/lighteval/cand",
        "-f",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let rep = json(&out.stdout);
    assert!(
        check(&rep, "cov")["findings"][0]["message"]
            .as_str()
            .expect("m")
            .contains("n = 200 < min_samples 201"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_threshold_gates_a_lighteval_metric() {
    let dir = scratch("lighteval-threshold");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: floor, level: 1, threshold: { metric: yesno/acc, min: 0.78 } }\n",
    );
    let rs = r.to_str().expect("utf-8");
    let want = reference();
    let value = |run: &str| {
        want["fixtures"]
            .as_array()
            .expect("f")
            .iter()
            .find(|x| x["path"].as_str().expect("p").contains(run))
            .map(|x| num(&x["tasks"]["yesno"]["metrics"]["acc"]["value"]))
            .expect("run")
    };
    assert!(value("/base/") >= 0.78 && value("/cand/") < 0.78);
    let base = govgate(&["check", "-r", rs, "fixtures/lighteval/base", "-q"]);
    assert_eq!(base.code, 0, "{}", base.stderr);
    let cand = govgate(&["check", "-r", rs, "fixtures/lighteval/cand", "-f", "json"]);
    assert_eq!(cand.code, 1, "{}", cand.stderr);
    let rep = json(&cand.stdout);
    let d = &check(&rep, "floor")["findings"][0]["detail"];
    assert_eq!(num(&d["value"]), value("/cand/"));
}

#[test]
fn a_paired_regression_between_two_runs_matches_statsmodels() {
    let dir = scratch("lighteval-paired");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: reg, level: 1, regression: { metric: \"*/*\", max_drop: 0.01, alpha: 0.05 } }\n",
    );
    let out = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        "fixtures/lighteval/cand",
        "-b",
        "fixtures/lighteval/base",
        "-f",
        "json",
    ]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let rep = json(&out.stdout);
    let want = &reference()["paired"];
    let findings = check(&rep, "reg")["findings"]
        .as_array()
        .expect("findings")
        .clone();
    for (label, w) in want.as_object().expect("paired") {
        let finding = findings
            .iter()
            .find(|x| {
                x["subject"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(label.as_str()))
            })
            .unwrap_or_else(|| panic!("no finding for {label}"));
        let t = &finding["detail"]["test"];
        assert_eq!(t["method"], "mcnemar-exact", "{label}: {finding}");
        assert_eq!(t["paired"], true);
        assert_eq!(t["n"], w["n"], "{label}");
        close(num(&t["delta"]), num(&w["delta"]), label);
        let (p, q) = (num(&t["p_value"]), num(&w["p"]));
        assert!(
            (p - q).abs() <= 1e-9 * p.max(q),
            "{label}: p {p} vs statsmodels {q}"
        );
    }
    // yesno lost 4 points (12 right answers lost, 4 gained): over the tolerance, p = 0.077
    let yes = findings
        .iter()
        .find(|x| {
            x["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("yesno/acc"))
        })
        .expect("yesno");
    assert_eq!(
        yes["status"], "pass",
        "not significant at 0.05 after Holm: {yes}"
    );
}

#[test]
fn a_lighteval_file_without_versions_is_still_told_apart() {
    let dir = scratch("lighteval-minimal");
    let p = common::write(
        &dir.join("results_2026-01-01T00-00-00.000000.json"),
        r#"{"config_general": {"max_samples": "ten"}, "results": {"a|0": {"acc": 0.5}}}"#,
    );
    let out = govgate(&["check", p.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`config_general.max_samples` is not a number"),
        "{}",
        out.stderr
    );
    // `all` that is not the plain mean of its tasks is not vouched for: no `all` metric
    let q = common::write(
        &dir.join("results_2026-01-02T00-00-00.000000.json"),
        r#"{"config_general": {}, "results": {"all": {"acc": 0.5}, "a|0": {"acc": 0.4}}}"#,
    );
    let run = common::inspect_one(&q);
    let tasks: Vec<&str> = run["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| m["task"].as_str().expect("task"))
        .collect();
    assert_eq!(tasks, ["a"]);
}

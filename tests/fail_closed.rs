//! Fail closed on real outputs (issue 15): limits judged on what was evaluated, unknown
//! limits never read as "no limit", n = 0 never coverage, summary tables that keep their
//! identity. Each test reads a hand-written fixture true to the format it names.

mod common;

use common::*;

/// The findings of one check of a JSON report, as (subject, status, message).
fn findings(report: &serde_json::Value, id: &str) -> Vec<(String, String, String)> {
    check(report, id)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().unwrap_or("").to_owned(),
                f["status"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn report(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = govgate(&all);
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    json(&out.stdout)
}

// ---- 1. Limits and counts -------------------------------------------------------------

#[test]
fn helm_max_eval_instances_caps_all_splits_together() {
    // mmlu: max_eval_instances 20, num_instances test 19 + valid 1; boolq: 10, 9 + 1
    let r = report(&["fixtures/helm/capped/runs/v1"]);
    let full = findings(&r, "full-tasks");
    let mmlu = full
        .iter()
        .find(|f| f.0 == "mmlu:subject=anatomy")
        .expect("mmlu");
    assert_eq!(mmlu.1, "fail", "{mmlu:?}");
    assert_eq!(
        mmlu.2,
        "mmlu:subject=anatomy: the run was made with max_eval_instances = 20 and 20 instances \
         were evaluated across its splits (test 19, valid 1)"
    );
    let boolq = full.iter().find(|f| f.0 == "boolq").expect("boolq");
    assert_eq!(boolq.1, "fail");
    assert!(boolq.2.contains("(test 9, valid 1)"), "{boolq:?}");
    // provenance's forbid_limit makes the same judgement
    for (_, status, message) in findings(&r, "provenance-complete") {
        assert_eq!(status, "fail");
        assert!(
            message.contains("instances were evaluated across its splits"),
            "{message}"
        );
    }
    // a cap the splits together stayed under did not cut the run (mmlu: 40 of 1000)
    let r =
        report(&["fixtures/helm/benchmark_output/runs/v1/mmlu:subject=anatomy,model=acme_tiny-7b"]);
    let full = findings(&r, "full-tasks");
    assert_eq!(full[0].1, "pass", "{full:?}");
}

#[test]
fn a_summary_table_leaves_the_limit_unknown_not_absent() {
    let r = report(&["fixtures/helm/summarize/runs/v1/groups/json/mmlu_accuracy.json"]);
    let full = findings(&r, "full-tasks");
    assert!(!full.is_empty());
    for (subject, status, message) in &full {
        assert_eq!(status, "missing", "{subject}: {message}");
        assert!(
            message.contains(
                "whether a limit applied is not recorded (looked for \
                 `adapter_spec.max_eval_instances` in run_spec.json"
            ),
            "{message}"
        );
    }
    for (_, status, message) in findings(&r, "provenance-complete") {
        assert_ne!(status, "pass");
        assert!(message.contains("whether a limit applied is not recorded"));
    }
    // allow_limit: true does not ask
    assert!(
        findings(&r, "results-present")
            .iter()
            .all(|f| f.1 == "pass")
    );
    // inspect says so too
    let out = govgate(&[
        "inspect",
        "fixtures/helm/summarize/runs/v1/groups/json/mmlu_accuracy.json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("limit not recorded"), "{}", out.stdout);
    assert!(!out.stdout.contains("no limit"), "{}", out.stdout);
}

#[test]
fn a_task_that_scored_nothing_is_never_covered() {
    // acme_custom_qa: n-samples original 0, effective 0, config.limit null
    let r = report(&["fixtures/lmeval/empty-task"]);
    for id in ["results-present", "full-tasks"] {
        let f = findings(&r, id);
        let empty = f.iter().find(|f| f.0 == "acme_custom_qa").expect("task");
        assert_eq!(empty.1, "fail", "{id}: {empty:?}");
        assert_eq!(empty.2, "acme_custom_qa: no sample was scored (n = 0)");
        let arc = f.iter().find(|f| f.0 == "arc_easy").expect("arc");
        assert_eq!(arc.1, "pass", "{id}: {arc:?}");
    }
}

// ---- 2. Summary tables keep their identity --------------------------------------------

#[test]
fn every_table_of_a_group_list_is_read_under_its_own_name() {
    // groups/mmlu.json: the Accuracy table, then one per subject (anatomy, astronomy)
    let out = govgate(&[
        "inspect",
        "fixtures/helm/summarize/runs/v1/groups/mmlu.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2);
    let selectors: Vec<(String, f64)> = runs[0]["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| {
            (
                m["selector"].as_str().unwrap_or("").to_owned(),
                m["value"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    assert_eq!(
        selectors,
        vec![
            ("Accuracy/Mean win rate".to_owned(), 1.0),
            ("MMLU/EM".to_owned(), 0.61),
            ("MMLU (subject: anatomy)/EM".to_owned(), 0.55),
            ("MMLU (subject: astronomy)/EM".to_owned(), 0.67),
        ]
    );
}

#[test]
fn a_subject_table_never_answers_for_the_benchmark() {
    // groups/json/mmlu_mmlu_subject:anatomy.json alone: `MMLU/EM` is not in it
    let table = "fixtures/helm/summarize/runs/v1/groups/json/mmlu_mmlu_subject:anatomy.json";
    let dir = scratch("subject_table");
    let rubric = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: mmlu\n      level: 1\n      threshold: { metric: \"MMLU/EM\", min: 0.5 }\n    - id: anatomy\n      level: 1\n      threshold: { metric: \"MMLU (subject: anatomy)/EM\", min: 0.5 }\n",
    );
    let out = govgate(&[
        "check",
        table,
        "--rubric",
        rubric.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    let r = json(&out.stdout);
    assert_eq!(check(&r, "mmlu")["status"], "missing");
    assert_eq!(check(&r, "anatomy")["status"], "pass");
}

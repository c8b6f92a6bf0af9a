//! Comparability before comparison, through the CLI: runs that did not measure the same
//! thing (n-shot, task version, task hash, documents, limit, HELM adapter settings, Inspect
//! task versions) are never compared — the finding is an `error` naming each difference —
//! unless the rubric accepts the difference; `inspect --baseline` shows it per task.

mod common;

use common::lmeval::{self, Task};
use common::*;
use serde_json::Value;

fn gate(dir: &std::path::Path, checks: &str, extra: &[&str]) -> (i32, Value) {
    rubric(dir, "r.yaml", "{S7P1: 1}", &format!("  S7P1:\n{checks}"));
    let mut args = vec!["check", "--rubric", "r.yaml", "--format", "json"];
    args.extend_from_slice(extra);
    let out = govgate_in(dir, &args);
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    (out.code, json(&out.stdout))
}

fn findings(rep: &Value, id: &str) -> Vec<Value> {
    check(rep, id)["findings"]
        .as_array()
        .expect("findings")
        .clone()
}

fn message(f: &Value) -> String {
    f["message"].as_str().expect("message").to_owned()
}

/// A run of one task `t` (`acc` over 40 documents, 24 right) with samples logs.
fn run(dir: &std::path::Path, stamp: &str, task: Task, opts: lmeval::Run) {
    lmeval::write(dir, stamp, &opts, &[task]);
}

fn values(right: usize) -> Vec<f64> {
    (0..40).map(|i| if i < right { 1.0 } else { 0.0 }).collect()
}

fn with_samples() -> lmeval::Run {
    lmeval::Run {
        samples: true,
        ..lmeval::Run::default()
    }
}

const REG: &str =
    "    - { id: reg, level: 1, regression: { metric: t/acc, max_drop: 0.5, alpha: 0.05 } }\n";

#[test]
fn a_zero_shot_run_is_not_judged_against_a_five_shot_baseline() {
    let dir = scratch("cmp-nshot");
    run(
        &dir.join("cur"),
        "2026-12-01T00-00-00.000001",
        Task::new("t", &values(24)),
        lmeval::Run::default(),
    );
    run(
        &dir.join("base"),
        "2026-11-01T00-00-00.000001",
        Task {
            n_shot: 5,
            version: "2.0".into(),
            ..Task::new("t", &values(30))
        },
        lmeval::Run::default(),
    );
    let (code, rep) = gate(&dir, REG, &["cur", "--baseline", "base"]);
    assert_eq!(code, 1, "not comparable is never a pass");
    let f = &findings(&rep, "reg")[0];
    assert_eq!(f["status"], "error");
    let m = message(f);
    assert!(
        m.contains("t/acc@none is not comparable with baseline"),
        "{m}"
    );
    assert!(
        m.contains(": task version 1.0 vs 2.0; n-shot 0 vs 5; not compared"),
        "{m}"
    );
    assert!(
        m.contains("`accept_differences: [task_version, n_shot]`"),
        "{m}"
    );
    assert!(f["detail"].is_null(), "nothing was compared");

    // a rubric that changed both on purpose compares, and the finding still says so
    let (code, rep) = gate(
        &dir,
        "    - { id: reg, level: 1, regression: { metric: t/acc, max_drop: 0.5, alpha: 0.05, accept_differences: [n_shot, task_version] } }\n",
        &["cur", "--baseline", "base"],
    );
    assert_eq!(code, 0);
    let f = &findings(&rep, "reg")[0];
    assert_eq!(f["status"], "pass");
    let m = message(f);
    assert!(
        m.contains("task version 1.0 vs 2.0 (accepted); n-shot 0 vs 5 (accepted)"),
        "{m}"
    );
    let d = &f["detail"]["comparability"]["differences"];
    assert_eq!(d[0]["aspect"], "task_version");
    assert_eq!(d[1]["aspect"], "n_shot");
    assert_eq!(d[1]["accepted"], true);
}

#[test]
fn documents_whose_doc_hash_differs_are_not_pairs() {
    // the same doc_ids, other documents: the data set changed under the task (and with it
    // the task hash)
    let dir = scratch("cmp-doc-hash");
    run(
        &dir.join("cur"),
        "2026-12-01T00-00-00.000001",
        Task {
            docs: "v2".into(),
            ..Task::new("t", &values(24))
        },
        with_samples(),
    );
    run(
        &dir.join("base"),
        "2026-11-01T00-00-00.000001",
        Task::new("t", &values(24)),
        with_samples(),
    );
    let (code, rep) = gate(&dir, REG, &["cur", "--baseline", "base"]);
    assert_eq!(code, 1);
    let m = message(&findings(&rep, "reg")[0]);
    assert!(m.contains("task hash "), "{m}");

    // accepting the task hash still leaves the documents, found pair by pair
    let (code, rep) = gate(
        &dir,
        "    - { id: reg, level: 1, regression: { metric: t/acc, max_drop: 0.5, alpha: 0.05, accept_differences: [task_hash] } }\n",
        &["cur", "--baseline", "base"],
    );
    assert_eq!(code, 1);
    let f = &findings(&rep, "reg")[0];
    assert_eq!(f["status"], "error");
    let m = message(f);
    assert!(
        m.contains(
            "documents 40 of 40 shared doc_ids hold other documents (doc_hash differs, first at doc_id 0)"
        ),
        "{m}"
    );
    assert!(m.contains("`accept_differences: [documents]`"), "{m}");

    // accepting the documents too: compared, but not as pairs
    let (code, rep) = gate(
        &dir,
        "    - { id: reg, level: 1, regression: { metric: t/acc, max_drop: 0.5, alpha: 0.05, accept_differences: [task_hash, documents] } }\n",
        &["cur", "--baseline", "base"],
    );
    assert_eq!(code, 0);
    let t = &findings(&rep, "reg")[0]["detail"]["test"];
    assert_eq!(t["method"], "welch-t");
    assert!(
        t["unpaired_because"]
            .as_str()
            .expect("why")
            .starts_with("documents 40 of 40 shared doc_ids hold other documents"),
        "{t}"
    );
}

#[test]
fn a_limited_run_is_not_compared_with_a_full_one() {
    let dir = scratch("cmp-limit");
    run(
        &dir.join("cur"),
        "2026-12-01T00-00-00.000001",
        Task::new("t", &values(24)),
        lmeval::Run {
            limit: Some(40.0),
            ..lmeval::Run::default()
        },
    );
    run(
        &dir.join("base"),
        "2026-11-01T00-00-00.000001",
        Task::new("t", &values(24)),
        lmeval::Run::default(),
    );
    let (_, rep) = gate(&dir, REG, &["cur", "--baseline", "base"]);
    let m = message(&findings(&rep, "reg")[0]);
    assert!(m.contains("limit 40 vs none"), "{m}");
}

#[test]
fn a_different_harness_version_is_a_note_not_a_refusal() {
    let dir = scratch("cmp-harness");
    let v = |s: &str| lmeval::Run {
        lm_eval_version: Some(s.into()),
        ..lmeval::Run::default()
    };
    run(
        &dir.join("cur"),
        "2026-12-01T00-00-00.000001",
        Task::new("t", &values(24)),
        v("0.4.9"),
    );
    run(
        &dir.join("base"),
        "2026-11-01T00-00-00.000001",
        Task::new("t", &values(24)),
        v("0.4.8"),
    );
    let (code, rep) = gate(&dir, REG, &["cur", "--baseline", "base"]);
    assert_eq!(code, 0);
    let f = &findings(&rep, "reg")[0];
    assert_eq!(f["status"], "pass");
    let m = message(f);
    assert!(
        m.contains("lm-eval 0.4.9 vs 0.4.8: scores can move across harness versions"),
        "{m}"
    );
}

#[test]
fn inspect_evals_task_versions_compare_on_their_comparability_number() {
    use common::inspect::Log;
    let dir = scratch("cmp-inspect-nx");
    let log = |v: &str| Log {
        task_version: v.into(),
        ..Log::quiz()
    };
    write(&dir.join("cur/a.json"), &log("\"2-B\"").json());
    write(&dir.join("base/a.json"), &log("\"2-A\"").json());
    write(&dir.join("old/a.json"), &log("\"1-A\"").json());
    let reg = "    - { id: reg, level: 1, regression: { metric: quiz/accuracy, max_drop: 0.5 } }\n";
    let (code, rep) = gate(&dir, reg, &["cur", "--baseline", "base"]);
    assert_eq!(
        code, 0,
        "2-B against 2-A: the interface changed, not the results"
    );
    let m = message(&findings(&rep, "reg")[0]);
    assert!(
        m.contains("task version 2-B vs 2-A: the same comparability version 2"),
        "{m}"
    );
    let (code, rep) = gate(&dir, reg, &["cur", "--baseline", "old"]);
    assert_eq!(code, 1);
    let f = &findings(&rep, "reg")[0];
    assert_eq!(f["status"], "error");
    assert!(
        message(f).contains("task version 2-B vs 1-A"),
        "{}",
        message(f)
    );
}

#[test]
fn helm_runs_with_other_adapter_settings_are_not_compared() {
    // a copy of a HELM run whose adapter gives 0 in-context examples instead of 5, and other
    // instructions
    let dir = scratch("cmp-helm");
    let src = root()
        .join("fixtures/helm/benchmark_output/runs/latest/mmlu:subject=anatomy,model=acme_tiny-7b");
    for side in ["cur", "base"] {
        let to = dir
            .join(side)
            .join("mmlu:subject=anatomy,model=acme_tiny-7b");
        std::fs::create_dir_all(&to).expect("mkdir");
        for f in ["run_spec.json", "stats.json", "per_instance_stats.json"] {
            std::fs::copy(src.join(f), to.join(f)).expect("copy");
        }
    }
    let spec = dir.join("cur/mmlu:subject=anatomy,model=acme_tiny-7b/run_spec.json");
    let text = std::fs::read_to_string(&spec)
        .expect("spec")
        .replace("\"max_train_instances\": 5", "\"max_train_instances\": 0")
        .replace(
            "\"instructions\": \"\"",
            "\"instructions\": \"Answer briefly.\"",
        );
    write(&spec, &text);
    let (code, rep) = gate(
        &dir,
        "    - { id: reg, level: 1, regression: { metric: \"mmlu*/exact_match@test\", max_drop: 0.5 } }\n",
        &["cur", "--baseline", "base"],
    );
    assert_eq!(code, 1);
    let f = &findings(&rep, "reg")[0];
    assert_eq!(f["status"], "error");
    let m = message(f);
    assert!(m.contains("n-shot 0 vs 5"), "{m}");
    assert!(m.contains("prompt settings differ (instructions)"), "{m}");
    assert!(m.contains("`accept_differences: [n_shot, prompt]`"), "{m}");
}

#[test]
fn inspect_with_a_baseline_says_per_task_what_differs() {
    let dir = scratch("cmp-inspect-cmd");
    run(
        &dir.join("cur"),
        "2026-12-01T00-00-00.000001",
        Task::new("t", &values(24)),
        with_samples(),
    );
    run(
        &dir.join("base"),
        "2026-11-01T00-00-00.000001",
        Task {
            n_shot: 5,
            ..Task::new("t", &values(24))
        },
        with_samples(),
    );
    let out = govgate_in(&dir, &["inspect", "cur", "--baseline", "base"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("\ncomparability with the baseline (what each task measured):\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "  t: cur/results_2026-12-01T00-00-00.000001.json vs baseline base/results_2026-11-01T00-00-00.000001.json: NOT comparable: n-shot 0 vs 5\n"
        ),
        "{}",
        out.stdout
    );
    let out = govgate_in(&dir, &["inspect", "cur", "--baseline", "cur", "-f", "json"]);
    let rep = json(&out.stdout);
    assert_eq!(rep["comparability"][0]["comparable"], true);
    let out = govgate_in(
        &dir,
        &["inspect", "cur", "--baseline", "base", "-f", "json"],
    );
    let rep = json(&out.stdout);
    let p = &rep["comparability"][0];
    assert_eq!(p["task"], "t");
    assert_eq!(p["comparable"], false);
    assert_eq!(p["differences"][0]["aspect"], "n_shot");
    assert_eq!(p["differences"][0]["current"], "0");
    assert_eq!(p["differences"][0]["baseline"], "5");
    // without --baseline the listing has no comparability
    let out = govgate_in(&dir, &["inspect", "cur", "-f", "json"]);
    assert!(json(&out.stdout)["comparability"].is_null());
}

#[test]
fn a_trend_over_runs_of_another_task_version_is_an_error() {
    let dir = scratch("cmp-trend");
    for (i, version) in ["1.0", "1.0", "2.0"].iter().enumerate() {
        run(
            &dir.join(format!("h{i}")),
            &format!("2026-1{i}-01T00-00-00.000001"),
            Task {
                version: (*version).into(),
                ..Task::new("t", &values(24 + i))
            },
            lmeval::Run::default(),
        );
    }
    let (code, rep) = gate(
        &dir,
        "    - { id: trend, level: 1, trend: { metric: t/acc, max_drop_from_best: 0.1 } }\n",
        &["h2", "--history", "h0", "--history", "h1"],
    );
    assert_eq!(code, 1);
    let f = &findings(&rep, "trend")[0];
    assert_eq!(f["status"], "error");
    let m = message(f);
    assert!(
        m.contains("2 of 2 earlier runs did not measure what the latest"),
        "{m}"
    );
    assert!(m.contains("task version 2.0 vs 1.0"), "{m}");
}

#[test]
fn repeats_and_trials_group_only_comparable_runs() {
    // two runs made alike but for the few-shot count: not repeats, and the finding says why
    let dir = scratch("cmp-repeats");
    for (i, shots) in [0, 5].iter().enumerate() {
        run(
            &dir.join(format!("r{i}")),
            &format!("2026-1{i}-01T00-00-00.000001"),
            Task {
                n_shot: *shots,
                ..Task::new("t", &values(24))
            },
            lmeval::Run::default(),
        );
    }
    let (_, rep) = gate(
        &dir,
        "    - { id: rep, level: 1, repeatability: { metric: t/acc, tolerance: 0.0 } }\n    - { id: trials, level: 1, trials: { metric: t/acc, min_runs: 2 } }\n",
        &["r0", "r1"],
    );
    let f = &findings(&rep, "rep")[0];
    assert_eq!(f["status"], "missing");
    assert!(
        message(f).contains("they differ in n-shot 0 vs 5"),
        "{}",
        message(f)
    );
    let t = &findings(&rep, "trials")[0];
    assert_eq!(
        t["status"],
        "missing",
        "one run per evaluation: {}",
        message(t)
    );
    // accepting the difference makes them repeats (which agree exactly)
    let (_, rep) = gate(
        &dir,
        "    - { id: rep, level: 1, repeatability: { metric: t/acc, tolerance: 0.0, accept_differences: [n_shot] } }\n",
        &["r0", "r1"],
    );
    assert_eq!(findings(&rep, "rep")[0]["status"], "pass");
}

#[test]
fn a_sweep_may_differ_only_in_what_it_sweeps() {
    // a few-shot sweep: n-shot differs on purpose; the task version must not
    let dir = scratch("cmp-sweep");
    for (i, (shots, version)) in [(0, "1.0"), (1, "1.0"), (3, "2.0")].iter().enumerate() {
        run(
            &dir.join(format!("s{i}")),
            &format!("2026-1{i}-01T00-00-00.000001"),
            Task {
                n_shot: *shots,
                version: (*version).into(),
                ..Task::new("t", &values(20 + 4 * i))
            },
            lmeval::Run::default(),
        );
    }
    let sweep = "    - { id: sweep, level: 1, sweep: { metric: t/acc, over: [num_fewshot], min_configs: 2 } }\n";
    let (code, rep) = gate(&dir, sweep, &["s0", "s1", "s2"]);
    assert_eq!(code, 1);
    let f = &findings(&rep, "sweep")[0];
    assert_eq!(f["status"], "error");
    let m = message(f);
    assert!(
        m.contains("differ in more than the swept num_fewshot"),
        "{m}"
    );
    assert!(m.contains("task version 1.0 vs 2.0"), "{m}");
    assert!(
        !m.contains("n-shot"),
        "the swept n-shot is not a difference: {m}"
    );
    let (code, rep) = gate(&dir, sweep, &["s0", "s1"]);
    assert_eq!(code, 0);
    assert_eq!(findings(&rep, "sweep")[0]["status"], "pass");
}

#[test]
fn rubric_keys_of_issue_14_are_validated_with_their_locations() {
    let dir = scratch("cmp-rubric-errors");
    rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: a, level: 1, regression: { metric: t/acc, max_drop: 0.1, alpha: 0.05, correction: holmes, accept_differences: [n_shots, limit, limit] } }\n    - { id: b, level: 1, regression: { metric: t/acc, max_drop: 0.1, cluster: doc.passage } }\n    - { id: c, level: 1, threshold: { metric: t/acc, min: 0.1, cluster: doc.passage } }\n",
    );
    let out = govgate_in(&dir, &["rubric", "validate", "r.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    let e = &out.stderr;
    assert!(
        e.contains("r.yaml:6:95: unknown correction `holmes`; did you mean `holm`? (one of holm, bonferroni, bh, none)"),
        "{e}"
    );
    assert!(
        e.contains("r.yaml:6:124: unknown difference `n_shots`; did you mean `n_shot`?"),
        "{e}"
    );
    assert!(e.contains("r.yaml:6:140: `limit` is listed twice"), "{e}");
    assert!(
        e.contains("r.yaml:7:79: `cluster` applies to the significance tests; it needs `alpha`"),
        "{e}"
    );
    assert!(
        e.contains("r.yaml:8:73: `cluster` widens a confidence interval; it needs `confidence`"),
        "{e}"
    );
}

#[test]
fn a_sweeps_leads_are_one_family() {
    // two tasks swept over three temperatures, 200 documents each, no samples logs: Welch's
    // t from the stderrs and sizes. a: best 0.60 against 0.50 (t = 2.015247997095126,
    // p = 0.04455076759649332, scipy ttest_ind_from_stats); b: best 0.70 against 0.55
    // (t = 3.128399789972763, p = 0.001887839857942737). Holm over the two leads
    // (statsmodels multipletests): a 0.04455, b 0.003776 — both still below 0.05; the
    // report carries the family of two.
    let dir = scratch("cmp-sweep-family");
    let n = 200;
    let acc = |k: usize| -> Vec<f64> { (0..n).map(|i| if i < k { 1.0 } else { 0.0 }).collect() };
    for (i, (t, ka, kb)) in [(0.0, 120, 140), (0.5, 100, 110), (1.0, 90, 100)]
        .iter()
        .enumerate()
    {
        lmeval::write(
            &dir.join(format!("t{i}")),
            &format!("2026-1{i}-01T00-00-00.000001"),
            &lmeval::Run {
                gen_kwargs: Some(format!("temperature={t}")),
                ..lmeval::Run::default()
            },
            &[Task::new("a", &acc(*ka)), Task::new("b", &acc(*kb))],
        );
    }
    let (_, rep) = gate(
        &dir,
        "    - { id: sweep, level: 1, sweep: { metric: \"*/acc\", over: [gen_kwargs.temperature], require_significant: true } }\n",
        &["t0", "t1", "t2"],
    );
    let fs = findings(&rep, "sweep");
    assert_eq!(fs.len(), 2);
    for f in &fs {
        let t = &f["detail"]["test"];
        assert_eq!(t["method"], "welch-t", "{f}");
        assert_eq!(t["family_size"], 2);
        assert_eq!(t["correction"], "holm");
    }
    let a = fs
        .iter()
        .find(|f| f["subject"].as_str().is_some_and(|s| s.starts_with("a/")))
        .expect("a");
    let t = &a["detail"]["test"];
    let p = t["p_value"].as_f64().expect("p");
    assert!((p - 0.04455076759649332).abs() < 1e-9 * p, "{p}");
    let adj = t["p_adjusted"].as_f64().expect("p_adj");
    assert!((adj - 0.04455076759649332).abs() < 1e-9 * adj, "{adj}");
    assert!(message(a).contains("Holm over 2 tests"), "{}", message(a));
}

#[test]
fn models_ranked_on_different_evaluations_are_not_ranked() {
    // the release example, with the retired v1 evaluated on another version of the task
    let dir = scratch("cmp-agreement");
    let src = root().join("fixtures/release");
    for rel in [
        "candidate/seed-1234/acme__helpdesk-7b-v3/results_2026-11-20T09-00-00.000000.json",
        "baseline/acme__helpdesk-7b-v2/results_2026-10-30T09-00-00.000000.json",
        "history/v1/acme__helpdesk-7b-v1/results_2026-10-01T09-00-00.000000.json",
        "production/traffic.jsonl",
    ] {
        let text = std::fs::read_to_string(src.join(rel)).expect("fixture");
        let text = if rel.starts_with("history/v1") {
            text.replace(
                "\"versions\": {\n    \"helpdesk_qa\": 1.0",
                "\"versions\": {\n    \"helpdesk_qa\": 2.0",
            )
        } else {
            text
        };
        write(&dir.join(rel), &text);
    }
    let edited = std::fs::read_to_string(
        dir.join("history/v1/acme__helpdesk-7b-v1/results_2026-10-01T09-00-00.000000.json"),
    )
    .expect("edited");
    assert!(edited.contains("\"helpdesk_qa\": 2.0"), "the edit took");
    let (code, rep) = gate(
        &dir,
        "    - { id: agree, level: 1, agreement: { offline: \"*/acc@none\", online: { records: production, model: model_id, outcome: thumbs_up }, min_spearman: 0.6 } }\n",
        &[
            "candidate",
            "--baseline",
            "baseline",
            "--history",
            "history",
            "--production",
            "production",
        ],
    );
    assert_eq!(code, 1);
    let f = &findings(&rep, "agree")[0];
    assert_eq!(f["status"], "error");
    let m = message(f);
    assert!(
        m.contains("the models' offline runs are not one evaluation"),
        "{m}"
    );
    assert!(m.contains("task version 1.0 vs 2.0"), "{m}");
}

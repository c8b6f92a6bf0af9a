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

/// `govgate check ARGS --rubric R --format json`, R a rubric of these processes written to
/// the scratch directory `name`.
fn check_with(name: &str, require: &str, processes: &str, args: &[&str]) -> Out {
    let r = rubric(&scratch(name), "r.yaml", require, processes);
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--rubric", r.to_str().expect("utf-8"), "--format", "json"]);
    govgate(&all)
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
    // a group without metrics of its own is scored through its subtasks, nested or not
    let r = report(&["fixtures/lmeval/nested-groups"]);
    let f = findings(&r, "results-present");
    assert_eq!(f.len(), 3);
    assert!(f.iter().all(|f| f.1 == "pass"), "{f:?}");
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
    let out = check_with(
        "subject_table",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: mmlu\n      level: 1\n      threshold: { metric: \"MMLU/EM\", min: 0.5 }\n    - id: anatomy\n      level: 1\n      threshold: { metric: \"MMLU (subject: anatomy)/EM\", min: 0.5 }\n",
        &[table],
    );
    assert_eq!(out.code, 1, "{out:?}");
    let r = json(&out.stdout);
    assert_eq!(check(&r, "mmlu")["status"], "missing");
    assert_eq!(check(&r, "anatomy")["status"], "pass");
}

// ---- 3. Inspect AI logs of every schema, and only those -------------------------------

#[test]
fn a_schema_1_inspect_log_is_read_as_inspect_migrates_it() {
    // results.scorer + results.metrics (accuracy 0.75, bootstrap_std 0.2174); samples
    // with a single `score`
    let out = govgate(&[
        "inspect",
        "fixtures/inspect/schema-v1.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    let metrics = v["runs"][0]["metrics"].as_array().expect("metrics");
    assert_eq!(metrics.len(), 1, "{metrics:?}");
    assert_eq!(metrics[0]["selector"], "arith/accuracy");
    assert_eq!(metrics[0]["value"], 0.75);
    // bootstrap_std is the standard error of the mean, not a metric of its own
    assert_eq!(metrics[0]["stderr"], 0.2174);
    let r = report(&["fixtures/inspect/schema-v1.json"]);
    let f = findings(&r, "results-present");
    assert_eq!(f[0].1, "pass", "{f:?}");
    assert_eq!(f[0].2, "arith: present, n = 4");
    // a threshold on the migrated metric: 0.75 >= 0.7 with its bootstrap standard error
    let out = check_with(
        "inspect-v1-threshold",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: acc\n      level: 1\n      threshold: { metric: arith/accuracy, min: 0.7 }\n",
        &["fixtures/inspect/schema-v1.json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(check(&json(&out.stdout), "acc")["status"], "pass");
}

#[test]
fn a_log_without_results_fails_results_present() {
    // `inspect eval --no-score`: status success, four samples, no `results`
    let r = report(&["fixtures/inspect/no-score.json"]);
    let f = findings(&r, "results-present");
    assert_eq!(
        f,
        vec![(
            "arith".to_owned(),
            "fail".to_owned(),
            "arith: the file records no score for it (no results)".to_owned()
        )]
    );
    assert_eq!(check(&r, "results-present")["status"], "fail");
    assert_eq!(r["processes"][0]["level"], 0);
}

#[test]
fn a_log_schema_newer_than_inspect_knows_is_refused() {
    let out = govgate(&["check", "fixtures/inspect/schema-v3.json"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr.trim_end(),
        "error: fixtures/inspect/schema-v3.json: Unable to read version 3 of log format: \
         Inspect AI reads log schema versions up to 2 (the log was written by a newer \
         Inspect; a govgate that knows it is needed)"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn ci_bounds_unscored_samples_fallbacks_and_krippendorff_alpha() {
    // 9 samples: 6 C, 2 I, 1 unscored (NaN, parse_error); sample 3 served by a fallback
    let log = "fixtures/inspect/ci-unscored-fallback.json";
    let out = govgate(&["inspect", log, "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    let metrics = v["runs"][0]["metrics"].as_array().expect("metrics");
    let get = |sel: &str| {
        metrics
            .iter()
            .find(|m| m["selector"] == sel)
            .unwrap_or_else(|| panic!("{sel} in {metrics:?}"))
    };
    let acc = get("inspect_evals/mmlu_0_shot/accuracy");
    assert_eq!(acc["n"], 8); // scored_samples: the unscored one is not in it
    assert_eq!(acc["stderr"], 0.16366341767699427);
    // the ci() bounds are the interval of the mean: read, shown, not gated
    let lo = get("inspect_evals/mmlu_0_shot/ci_lower");
    assert_eq!(lo["value"], 0.3629946356127588);
    assert_eq!(lo["informational"], true);
    assert_eq!(
        get("inspect_evals/mmlu_0_shot/ci_upper")["value"],
        1.137005364387241
    );
    let ka = get("inspect_evals/mmlu_0_shot/krippendorff_alpha");
    assert_eq!(ka["higher_is_better"], true);
    let text = govgate(&["inspect", log]);
    assert!(
        text.stdout.contains(
            "inspect_evals/mmlu_0_shot: 9 of 9 completed, none errored, 1 unscored \
             (`Score.unscored()`: left out of n and of Inspect's metrics, neither wrong nor \
             missing), 1 served in part by a fallback model (`model_fallbacks`)"
        ),
        "{}",
        text.stdout
    );

    // coverage: the fallback fails the task; the unscored sample is said, not failed
    let r = report(&[log]);
    let f = findings(&r, "results-present");
    assert_eq!(f[0].1, "fail");
    assert_eq!(
        f[0].2,
        "inspect_evals/mmlu_0_shot: 1 sample was served, in part, by a fallback model \
         (`model_fallbacks`): its score is not only this model's (1 more unscored: \
         `Score.unscored()`, left out of n and of Inspect's metrics, counted neither wrong \
         nor missing)"
    );
    assert_eq!(
        check(&r, "results-present")["findings"][0]["observed"],
        "n = 8, 1 unscored, 1 with a fallback model"
    );
    // without the fallback, the unscored sample alone does not fail coverage
    let dir = scratch("inspect-unscored-only");
    let text = std::fs::read_to_string(root().join(log)).expect("fixture");
    assert!(text.contains("\"model_fallbacks\""));
    let no_fallback = text.replace("\"model_fallbacks\"", "\"model_fallbacks_removed\"");
    let p = write(&dir.join("unscored.json"), &no_fallback);
    let r = report(&[p.to_str().expect("utf-8")]);
    let f = findings(&r, "full-tasks");
    assert_eq!(f[0].1, "pass", "{f:?}");
    assert!(f[0].2.contains("present, n = 8 (1 more unscored"), "{f:?}");
    // enough-samples counts the scored ones: 8 < 100
    let f = findings(&r, "enough-samples");
    assert!(f[0].2.contains("n = 8 < min_samples 100"), "{f:?}");
}

#[test]
fn a_task_with_a_slash_is_named_as_users_write_it() {
    let log = "fixtures/inspect/ci-unscored-fallback.json";
    for (id, metric) in [
        ("plain", "inspect_evals/mmlu_0_shot/accuracy"),
        ("escaped", "inspect_evals[/]mmlu_0_shot/accuracy"),
        ("variant", "inspect_evals/mmlu_0_shot/accuracy@match"),
        ("glob", "inspect_evals/*/accuracy"),
    ] {
        let out = check_with(
            &format!("inspect-slash-{id}"),
            "{ S7P1: 1 }",
            &format!(
                "  S7P1:\n    - id: acc\n      level: 1\n      threshold: {{ metric: \"{metric}\", min: 0.7 }}\n"
            ),
            &[log],
        );
        assert_eq!(out.code, 0, "{metric}: {out:?}");
        let r = json(&out.stdout);
        let f = &check(&r, "acc")["findings"][0];
        assert_eq!(f["status"], "pass", "{metric}: {f}");
        assert_eq!(
            f["subject"], "inspect_evals/mmlu_0_shot/accuracy@match",
            "{metric}"
        );
    }
}

// ---- 4. Run identity ------------------------------------------------------------------

#[test]
fn a_trend_follows_one_model_never_a_suite_of_models() {
    // groups/mmlu.json: one row per model (Acme Tiny 7B 0.61, Acme Tiny 7B v0 0.58)
    let out = check_with(
        "trend-one-model",
        "{ S7P3: 1 }",
        "  S7P3:\n    - id: trend\n      level: 1\n      trend: { metric: \"MMLU/EM\", max_drop_from_best: 0.01 }\n",
        &["fixtures/helm/summarize/runs/v1/groups/mmlu.json"],
    );
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    let r = json(&out.stdout);
    let f = findings(&r, "trend");
    assert_eq!(
        f,
        vec![
            (
                "MMLU/EM [Acme Tiny 7B]".to_owned(),
                "missing".to_owned(),
                "MMLU/EM [Acme Tiny 7B]: 1 run(s) hold this metric; a trend needs at least \
                 two (add --history)"
                    .to_owned()
            ),
            (
                "MMLU/EM [Acme Tiny 7B v0]".to_owned(),
                "missing".to_owned(),
                "MMLU/EM [Acme Tiny 7B v0]: 1 run(s) hold this metric; a trend needs at \
                 least two (add --history)"
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn gpt_neox_checkpoints_are_told_apart_and_an_unnamed_one_is_not_named() {
    // lm-eval v0.3 through gpt-neox: model "neox", model_args = NeoXArgs as an object
    let out = govgate(&["inspect", "fixtures/lmeval/neox", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    let models: Vec<(String, String)> = v["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| {
            (
                r["model"]["name"].as_str().unwrap_or("").to_owned(),
                r["model"]["revision"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        models,
        vec![
            (
                "/mnt/ckpts/pythia-160m".to_owned(),
                "iteration 143000".to_owned()
            ),
            (
                "/mnt/ckpts/pythia-160m".to_owned(),
                "iteration 71000".to_owned()
            ),
        ]
    );
    // two checkpoints are two models: no duplicate-run warning, no common trend
    let out = check_with(
        "neox-trend",
        "{ S7P3: 1 }",
        "  S7P3:\n    - id: trend\n      level: 1\n      trend: { metric: \"piqa/acc\", max_drop_from_best: 0.001 }\n",
        &["fixtures/lmeval/neox"],
    );
    assert!(
        !out.stderr.contains("report the same tasks"),
        "{}",
        out.stderr
    );
    let r = json(&out.stdout);
    let subjects: Vec<String> = findings(&r, "trend").into_iter().map(|f| f.0).collect();
    assert_eq!(
        subjects,
        vec![
            "piqa/acc [/mnt/ckpts/pythia-160m@iteration 143000]",
            "piqa/acc [/mnt/ckpts/pythia-160m@iteration 71000]"
        ]
    );
    // a file that records no checkpoint: the model is not recorded, not "neox"
    let out = govgate(&["inspect", "fixtures/lmeval/neox-unnamed"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("  model:      (not recorded) (neox; NeoXArgs, 18 settings)\n"),
        "{}",
        out.stdout
    );
}

// ---- 5. Nothing dropped in silence ----------------------------------------------------

#[test]
fn a_metric_that_is_not_a_number_is_listed_and_an_exact_selector_says_why() {
    // lmms-eval: `accuracy_by_topic,none` is a dict of per-topic accuracies
    let dir_ = "fixtures/lmms/dict-metric";
    let out = govgate(&["inspect", dir_]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "  not gateable: mmstar_tiny/accuracy_by_topic@none (a JSON object) (present, not a \
             number)\n"
        ),
        "{}",
        out.stdout
    );
    let v = json(&govgate(&["inspect", dir_, "--format", "json"]).stdout);
    assert_eq!(
        v["runs"][0]["not_gateable"][0]["name"], "accuracy_by_topic",
        "{v}"
    );
    let out = check_with(
        "not-numeric",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: exact\n      level: 1\n      threshold: { metric: mmstar_tiny/accuracy_by_topic, min: 0.5 }\n    - id: pattern\n      level: 1\n      threshold: { metric: \"mmstar_tiny/accuracy_by_*\", min: 0.5 }\n    - id: average\n      level: 1\n      threshold: { metric: mmstar_tiny/average, min: 0.5 }\n",
        &[dir_],
    );
    assert_eq!(out.code, 1, "{out:?}");
    let r = json(&out.stdout);
    let exact = &check(&r, "exact")["findings"][0];
    assert_eq!(exact["status"], "error");
    assert_eq!(
        exact["message"],
        "`mmstar_tiny/accuracy_by_topic` names a metric whose value is not a number \
         (mmstar_tiny/accuracy_by_topic@none is a JSON object): it is in the file but cannot \
         be gated"
    );
    let pattern = &check(&r, "pattern")["findings"][0];
    assert_eq!(pattern["status"], "missing");
    assert!(
        pattern["message"].as_str().expect("m").ends_with(
            "(not gateable, not a number: mmstar_tiny/accuracy_by_topic@none is a JSON object)"
        ),
        "{pattern}"
    );
    assert_eq!(check(&r, "average")["status"], "pass");
}

#[test]
fn the_promptsource_fork_is_read_task_by_prompt() {
    // BigScience fork: `results` a list of per-metric records, `table_results` keyed
    // task+prompt, `versions` keyed task+prompt, `config.seed`
    for dir_ in [
        "fixtures/lmeval/promptsource",
        "fixtures/lmeval/promptsource-list",
    ] {
        let out = govgate(&["inspect", dir_, "--format", "json"]);
        assert_eq!(out.code, 0, "{dir_}: {out:?}");
        let v = json(&out.stdout);
        let run = &v["runs"][0];
        assert_eq!(
            run["format"]["inferred"],
            "BigScience promptsource fork (0.2-era)"
        );
        assert_eq!(run["model"]["name"], "bigscience/bloom-560m");
        assert_eq!(run["provenance"]["task_versions"]["wnli"], "1");
        assert_eq!(run["provenance"]["seeds"]["seed"], 1234);
        let got: Vec<(String, f64, f64)> = run["metrics"]
            .as_array()
            .expect("metrics")
            .iter()
            .map(|m| {
                (
                    m["selector"].as_str().unwrap_or("").to_owned(),
                    m["value"].as_f64().unwrap_or(f64::NAN),
                    m["stderr"].as_f64().unwrap_or(f64::NAN),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "wnli/acc@confident".to_owned(),
                    0.4507042253521127,
                    0.0594755085
                ),
                (
                    "wnli/acc_norm@confident".to_owned(),
                    0.43661971830985913,
                    0.0592793
                ),
                (
                    "wnli/acc@imply".to_owned(),
                    0.4225352112676056,
                    0.05903984205682581
                ),
                (
                    "wnli/acc_norm@imply".to_owned(),
                    0.43661971830985913,
                    0.0592793
                ),
            ],
            "{dir_}"
        );
    }
    // an object that is neither: the message names both shapes it looked for
    let dir = scratch("not-results");
    let p = write(&dir.join("x.json"), r#"{"results": [1, 2], "other": 3}"#);
    let out = govgate(&["check", p.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("or the promptsource fork's `results` list with `table_results`/`versions`"),
        "{}",
        out.stderr
    );
}

#[test]
fn metrics_of_unknown_direction_under_a_pattern_are_listed_not_gated() {
    // HELM: max_prob, logprob, logprob_per_byte have no direction (schema or built-in)
    let r = report(&[
        "fixtures/helm/directions/runs/v1",
        "--baseline",
        "fixtures/helm/directions/runs/v0",
    ]);
    let c = check(&r, "no-regression");
    assert_eq!(c["status"], "pass", "{c}");
    let run = "commonsense:dataset=hellaswag,method=multiple_choice_joint";
    assert_eq!(
        c["not_gated"],
        serde_json::json!([
            format!("{run}/logprob@valid"),
            format!("{run}/logprob_per_byte@valid"),
            format!("{run}/max_prob@valid"),
        ])
    );
    assert!(
        c["message"].as_str().expect("m").contains(&format!(
            "; not gated (direction unknown): {run}/logprob@valid"
        )),
        "{c}"
    );
    // S7P1 level 3 is reachable with the default rubric
    assert_eq!(r["processes"][0]["level"], 3, "{}", r["processes"][0]);
    // the default rubric's trend and sweep (`*/*`) leave them out the same way
    let r = report(&[
        "fixtures/helm/directions/runs/v1",
        "--history",
        "fixtures/helm/directions/runs/v0",
    ]);
    for id in ["metric-trend", "temperature-sweep"] {
        let c = check(&r, id);
        assert_ne!(c["status"], "error", "{id}: {c}");
        assert_eq!(
            c["not_gated"].as_array().map(Vec::len),
            Some(3),
            "{id}: {c}"
        );
        assert!(
            c["findings"]
                .as_array()
                .expect("f")
                .iter()
                .all(|f| f["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains("exact_match"))),
            "{id}: {c}"
        );
    }

    // lm-eval v0.3 crows_pairs: likelihood_diff is lower-is-better; pct_stereotype (best at
    // 50%) has no direction
    let r = report(&[
        "fixtures/lmeval/crows/current",
        "--baseline",
        "fixtures/lmeval/crows/baseline",
    ]);
    let c = check(&r, "no-regression");
    assert_eq!(c["status"], "pass", "{c}");
    assert_eq!(
        c["not_gated"],
        serde_json::json!(["crows_pairs_english/pct_stereotype"])
    );
    let gated: Vec<&str> = c["findings"]
        .as_array()
        .expect("f")
        .iter()
        .map(|f| f["subject"].as_str().unwrap_or(""))
        .collect();
    assert!(
        gated.contains(&"crows_pairs_english/likelihood_diff"),
        "{gated:?}"
    );

    // a pattern that leaves nothing of known direction is an error that lists them
    let out = check_with(
        "unknown-direction-all",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: reg\n      level: 1\n      regression: { metric: \"commonsense*/{max_prob,logprob}\", max_drop: 0.01 }\n",
        &[
            "fixtures/helm/directions/runs/v1",
            "--baseline",
            "fixtures/helm/directions/runs/v0",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    let r = json(&out.stdout);
    let c = check(&r, "reg");
    assert_eq!(c["status"], "error", "{c}");
    assert_eq!(
        c["message"],
        format!(
            "every metric `commonsense*/{{max_prob,logprob}}` matches is of unknown direction \
             ({run}/logprob@valid, {run}/max_prob@valid): none can be gated; set \
             `higher_is_better:` in the check or name metrics of known direction"
        )
    );

    // an exact selector on one is still an error
    let out = check_with(
        "unknown-direction-exact",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: reg\n      level: 1\n      regression: { metric: crows_pairs_english/pct_stereotype, max_drop: 0.01 }\n",
        &[
            "fixtures/lmeval/crows/current",
            "--baseline",
            "fixtures/lmeval/crows/baseline",
        ],
    );
    let r = json(&out.stdout);
    let f = &check(&r, "reg")["findings"][0];
    assert_eq!(f["status"], "error", "{f}");
    assert!(
        f["message"]
            .as_str()
            .expect("m")
            .starts_with("the direction of crows_pairs_english/pct_stereotype is unknown"),
        "{f}"
    );
}

// ---- 6. The 2026 format changes -------------------------------------------------------

#[test]
fn lm_eval_0_5_scorer_keys_composite_metrics_and_repeats() {
    // 0.5.0.dev2: `<metric>,<scorer>` keys, `pass@1(exact_match)`, samples with
    // `scores_per_repeat` (repeats: 2); baseline 20/30 solved on average, current 12/30
    let out = govgate(&["inspect", "fixtures/lmeval/v05/current", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    let run = &v["runs"][0];
    assert_eq!(run["format"]["version"], "0.5.0.dev2");
    let metrics = run["metrics"].as_array().expect("metrics");
    let composite = metrics
        .iter()
        .find(|m| m["metric"] == "pass@1(exact_match)")
        .expect("composite metric");
    assert_eq!(composite["variant"], "strict_match"); // the scorer
    assert_eq!(composite["value"], 0.4);
    assert_eq!(composite["n"], 30);
    assert_eq!(composite["higher_is_better"], true);
    assert_eq!(composite["selector"], "gsm8k_tiny/pass[@]1(exact_match)");

    // paired on the per-document reduced values (each a mean of two repeats)
    let out = check_with(
        "lmeval-05",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: reg\n      level: 1\n      regression: { metric: \"gsm8k_tiny/pass[@]1(exact_match)@strict_match\", max_drop: 0.05, alpha: 0.05 }\n",
        &[
            "fixtures/lmeval/v05/current",
            "--baseline",
            "fixtures/lmeval/v05/baseline",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    let r = json(&out.stdout);
    let f = &check(&r, "reg")["findings"][0];
    assert_eq!(f["status"], "fail", "{f}");
    let t = &f["detail"]["test"];
    assert_eq!(t["method"], "paired-bootstrap");
    assert_eq!(t["n"], 30);
    assert!((t["delta"].as_f64().expect("delta") - (0.4 - 2.0 / 3.0)).abs() < 1e-12);
}

#[test]
fn lmms_eval_0_7_k_samples_keys_carry_their_directions() {
    let out = govgate(&["inspect", "fixtures/lmms/v07-ksamples", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    let dirs: Vec<(String, bool)> = v["runs"][0]["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| {
            (
                m["metric"].as_str().unwrap_or("").to_owned(),
                m["higher_is_better"].as_bool().expect("a direction"),
            )
        })
        .collect();
    assert_eq!(
        dirs,
        vec![
            ("exact_match".to_owned(), true),
            ("exact_match_expected_accuracy".to_owned(), true),
            ("exact_match_consensus_accuracy".to_owned(), true),
            ("exact_match_internal_variance".to_owned(), false),
            ("exact_match_consistency_rate".to_owned(), true),
        ]
    );
}

#[test]
fn helm_0_5_15_default_suite_is_found() {
    // helm-run without --suite (≥ 0.5.15): benchmark_output/runs/default/
    let r = report(&["fixtures/helm/default-suite/benchmark_output"]);
    let f = findings(&r, "full-tasks");
    assert_eq!(
        f,
        vec![(
            "mmlu:subject=anatomy,method=multiple_choice_joint".to_owned(),
            "pass".to_owned(),
            "mmlu:subject=anatomy,method=multiple_choice_joint: present, n = 135".to_owned()
        )]
    );
}

#[test]
fn a_window_mixing_histograms_and_records_is_refused_naming_the_odd_file() {
    // each file is detected from the first bytes of the read that scans it; the first file
    // decides what the window is, and the first file of the other kind is named
    let records = "fixtures/parquet/jsonl/reference.jsonl";
    let histograms = "fixtures/s7p3/warehouse/reference.json";
    for (first, second, named) in [
        (records, histograms, histograms),
        (histograms, records, records),
    ] {
        let out = govgate(&[
            "check",
            "fixtures/demo",
            "--reference",
            first,
            "--reference",
            second,
            "--production",
            "fixtures/parquet/jsonl/production.jsonl",
        ]);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert_eq!(
            out.stderr
                .lines()
                .filter(|l| l.starts_with("error:"))
                .collect::<Vec<_>>(),
            vec![format!(
                "error: {named}: this window mixes histogram documents with raw records; give one or the other"
            )],
            "{}",
            out.stderr
        );
    }
}

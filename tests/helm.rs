//! Reading HELM: run directories, suites, benchmark_output, summary tables — one test per
//! trap of `reference/formats-helm.md`, on the fixtures of `scripts/fixtures/generate_helm.py`.

mod common;

use std::path::PathBuf;

use common::*;
use govgate::evidence;
use govgate::model::{DirectionSource, Metric, Run, SampleSource, StderrKind, Tool};

const OUT: &str = "fixtures/helm/benchmark_output";
const MMLU: &str = "fixtures/helm/benchmark_output/runs/v1/mmlu:subject=anatomy,model=acme_tiny-7b";
const BOOLQ: &str =
    "fixtures/helm/benchmark_output/runs/v1/boolq:model=acme_tiny-7b,data_augmentation=canonical";

fn load(p: &str) -> Vec<Run> {
    evidence::load(&[root().join(p)]).unwrap_or_else(|e| panic!("{e}"))
}

fn one(p: &str) -> Run {
    let mut runs = load(p);
    assert_eq!(runs.len(), 1);
    runs.remove(0)
}

fn metric<'a>(run: &'a Run, name: &str, variant: Option<&str>) -> Option<&'a Metric> {
    run.metrics
        .iter()
        .find(|m| m.name == name && m.variant.as_deref() == variant)
}

#[test]
fn an_output_folder_yields_every_run_once_and_skips_caches() {
    // eval_cache/cache.json and scenarios/…/test.json are not JSON: reading either would be
    // exit code 2. runs/latest is a link to v1: following it would double every v1 run.
    let runs = load(OUT);
    let mut names: Vec<String> = runs.iter().filter_map(|r| r.name.clone()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bbq:subject=all,method=multiple_choice_joint,model=acme_tiny-7b",
            "boolq:model=acme_tiny-7b,data_augmentation=canonical",
            "mmlu:subject=anatomy,model=acme_tiny-7b",
            "mmlu:subject=anatomy,model=acme_tiny-7b-v0",
            "real_toxicity_prompts:model=acme_tiny-7b",
        ]
    );
    // a suite, a run directory, and a run's stats.json all work as inputs
    assert_eq!(load(&format!("{OUT}/runs/v1")).len(), 4);
    assert_eq!(
        one(MMLU).name.as_deref(),
        Some("mmlu:subject=anatomy,model=acme_tiny-7b")
    );
    assert_eq!(one(&format!("{MMLU}/stats.json")).tasks.len(), 1);
    assert_eq!(
        one(&format!("{MMLU}/per_instance_stats.json")).tasks.len(),
        1
    );
}

#[test]
fn mapping_to_the_normalized_model() {
    let run = one(MMLU);
    assert_eq!(run.format.tool, Tool::Helm);
    assert_eq!(run.format.to_string(), "HELM ≥0.5 (inferred from its keys)");
    assert_eq!(run.model.name.as_deref(), Some("acme/tiny-7b"));
    // the task is the run name without model=: the v0 run of another model pairs with it
    assert_eq!(run.tasks[0].name, "mmlu:subject=anatomy");
    assert_eq!(run.tasks[0].alias.as_deref(), Some("MMLUScenario"));
    let p = &run.provenance;
    assert_eq!(p.limit, Some(1000.0)); // max_eval_instances
    assert_eq!(
        p.generation.get("temperature").map(String::as_str),
        Some("0.0")
    );
    assert_eq!(
        p.generation.get("num_train_trials").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        p.generation.get("method").map(String::as_str),
        Some("multiple_choice_joint")
    );
    assert_eq!(p.date.as_deref(), Some("2026-02-01")); // the suite's summary.json
    assert_eq!(
        run.tasks[0].samples,
        Some(SampleSource::HelmPerInstance(
            root().join(MMLU).join("per_instance_stats.json")
        ))
    );
}

#[test]
fn count_zero_is_no_value_not_zero() {
    let run = one(MMLU);
    assert!(metric(&run, "training_co2_cost", Some("test")).is_none());
    assert_eq!(
        run.unmeasured,
        ["training_co2_cost@test", "training_energy_cost@test"]
    );
    let dir = scratch("helm-count0");
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: co2, level: 1, threshold: { metric: \"*/training_co2_cost\", max: 1 } }\n",
    );
    let out = govgate(&[
        "check",
        MMLU,
        "--rubric",
        r.to_str().expect("p"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(check(&json(&out.stdout), "co2")["status"], "missing");
}

#[test]
fn sample_size_is_num_instances_not_count() {
    let run = one(MMLU);
    // every stat has count 1 (one train trial); there are 40 test and 5 valid instances
    assert_eq!(
        metric(&run, "exact_match", Some("test")).and_then(|m| m.n),
        Some(40)
    );
    assert_eq!(
        metric(&run, "exact_match", Some("valid")).and_then(|m| m.n),
        Some(5)
    );
    assert_eq!(run.tasks[0].n_effective, Some(40));
}

#[test]
fn stderr_comes_from_per_instance_values_not_trial_variance() {
    let run = one(MMLU);
    // stats.json says stddev 0 (one trial). Per instance: 21 of 40 correct, so the sample
    // variance is (21·0.475² + 19·0.525²)/39 = 9.975/39 and the stderr √(9.975/39/40).
    let em = metric(&run, "exact_match", Some("test")).expect("em");
    let expected = (9.975f64 / 39.0 / 40.0).sqrt();
    assert!(
        (em.stderr.expect("stderr") - expected).abs() < 1e-15,
        "{:?}",
        em.stderr
    );
    assert_eq!(em.stderr_kind, Some(StderrKind::PerInstance));
    // no per-instance file: no stderr
    let boolq = one(BOOLQ);
    assert_eq!(
        metric(&boolq, "exact_match", Some("test")).and_then(|m| m.stderr),
        None
    );
}

#[test]
fn worst_case_rows_are_variants_and_trivial_ones_are_informational() {
    let run = one(MMLU);
    let w = metric(&run, "exact_match", Some("test+fairness:worst")).expect("worst");
    assert_eq!(w.value, 0.525);
    // no perturbation ran, so the worst rows copy the original: patterns skip them
    assert!(w.informational);
    let boolq = one(BOOLQ);
    let f = metric(&boolq, "exact_match", Some("test+fairness:worst")).expect("worst");
    assert_eq!(f.value, 0.74);
    assert!(!f.informational);
    assert_eq!(
        metric(&boolq, "exact_match", Some("test+dialect:perturbed")).map(|m| m.value),
        Some(0.76)
    );
    let names: Vec<(&str, bool, bool)> = boolq
        .perturbations
        .iter()
        .map(|p| (p.name.as_str(), p.robustness, p.fairness))
        .collect();
    assert_eq!(
        names,
        [
            ("mild_mix", true, false),
            ("dialect", false, true),
            ("person_name", false, true),
            ("gender", false, true)
        ]
    );
}

#[test]
fn sub_splits_directions_and_bookkeeping() {
    let run =
        one("fixtures/helm/benchmark_output/runs/v1/real_toxicity_prompts:model=acme_tiny-7b");
    let t = metric(&run, "toxic_frac", Some("test.toxic")).expect("toxic_frac");
    assert_eq!((t.value, t.n), (0.04, Some(150)));
    assert_eq!(
        (t.higher_is_better, t.direction_source),
        (Some(false), Some(DirectionSource::File))
    );
    let bias = metric(
        &run,
        "bias_metric:mode=associations,demographic_category=gender,target_category=profession",
        Some("test"),
    )
    .expect("bias");
    assert_eq!(
        (bias.higher_is_better, bias.direction_source),
        (Some(false), Some(DirectionSource::BuiltIn))
    );
    assert!(
        metric(&one(MMLU), "num_prompt_tokens", Some("test"))
            .expect("tokens")
            .informational
    );
}

#[test]
fn a_dropped_nan_stat_is_missing() {
    // HELM removes NaN stats before writing: boolq has no f1_score row at all
    let dir = scratch("helm-nan");
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: f1, level: 1, threshold: { metric: \"boolq*/f1_score\", min: 0.5 } }\n",
    );
    let out = govgate(&[
        "check",
        BOOLQ,
        "--rubric",
        r.to_str().expect("p"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let report = json(&out.stdout);
    assert_eq!(check(&report, "f1")["status"], "missing");
}

#[test]
fn max_eval_instances_reached_is_a_limited_run() {
    // boolq: max_eval_instances 100 and 100 instances; mmlu: 1000 and 40 (not reached)
    let out = govgate(&["check", &format!("{OUT}/runs/v1"), "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let r = json(&out.stdout);
    let full = check(&r, "full-tasks")["findings"]
        .as_array()
        .expect("f")
        .clone();
    let status =
        |task: &str| full.iter().find(|f| f["subject"] == task).expect(task)["status"].clone();
    assert_eq!(status("boolq:data_augmentation=canonical"), "fail");
    assert_eq!(status("mmlu:subject=anatomy"), "pass");
    let msg = full
        .iter()
        .find(|f| f["subject"] == "boolq:data_augmentation=canonical")
        .expect("boolq")["message"]
        .clone();
    assert_eq!(
        msg,
        "boolq:data_augmentation=canonical: the run was made with max_eval_instances = 100"
    );
}

#[test]
fn runs_of_two_models_pair_by_instance_across_suites() {
    // v0 differs from v1 on 9 test instances: 7 it got right and v1 wrong, 2 the reverse.
    // McNemar exact: 2·P(X ≤ 2), X ~ Bin(9, ½) = 2·(1 + 9 + 36)/512 = 0.1796875.
    let out = govgate(&[
        "check",
        MMLU,
        "--baseline",
        &format!("{OUT}/runs/v0"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let r = json(&out.stdout);
    let f = check(&r, "no-regression")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["subject"] == "mmlu:subject=anatomy/exact_match@test")
        .expect("exact_match")
        .clone();
    let t = &f["detail"]["test"];
    assert_eq!(t["method"], "mcnemar-exact");
    assert_eq!(t["n"], 40);
    assert_eq!(t["discordant"]["baseline_only"], 7);
    assert_eq!(t["discordant"]["current_only"], 2);
    assert!(
        (t["p_value"].as_f64().expect("p") - 0.1796875).abs() < 1e-12,
        "{t}"
    );
    assert_eq!(f["status"], "pass"); // 19% worse, not significant at 0.05
}

#[test]
fn summary_tables_are_read_when_named() {
    let table = format!("{OUT}/runs/v1/groups/json/core_scenarios_accuracy.json");
    let runs = load(&table);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].model.name.as_deref(), Some("Acme Tiny 7B"));
    let fair = runs[0]
        .metrics
        .iter()
        .find(|m| m.task == "BoolQ" && m.variant.as_deref() == Some("Fairness"))
        .expect("fairness cell");
    assert_eq!(fair.value, 0.74);
    // an empty cell ("No matching runs") is absent, not 0
    assert!(runs[1].metrics.iter().all(|m| m.task != "BoolQ"));
    assert_eq!(
        runs[1]
            .metrics
            .iter()
            .find(|m| m.task == "MMLU")
            .map(|m| m.value),
        Some(0.65)
    );
    // the index tables of groups.json list groups, not models
    let out = govgate(&["check", &format!("{OUT}/runs/v1/groups.json")]);
    assert_eq!(out.code, 2);
    // a suite-level file named by itself is refused with a hint
    let out = govgate(&["check", &format!("{OUT}/runs/v1/schema.json")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("a helm-summarize suite file"),
        "{}",
        out.stderr
    );
}

#[test]
fn inspect_shows_runs_perturbations_and_unmeasured_stats() {
    let out = govgate(&["inspect", BOOLQ, MMLU]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("  run:        boolq:model=acme_tiny-7b,data_augmentation=canonical\n")
    );
    assert!(out.stdout.contains(
        "  perturbed:  mild_mix (robustness), dialect (fairness), person_name (fairness), gender (fairness)\n"
    ));
    assert!(out.stdout.contains(
        "  unmeasured: training_co2_cost@test, training_energy_cost@test (count 0: no value, not zero)\n"
    ));
    let line = out
        .stdout
        .lines()
        .find(|l| {
            l.trim_start()
                .starts_with("boolq:data_augmentation=canonical/exact_match@test+fairness:worst")
        })
        .expect("fairness worst line");
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[1..], ["0.74", "-", "100", "higher", "(file)"]);
}

#[test]
fn a_run_file_outside_a_run_directory_is_an_error() {
    let dir = scratch("helm-stray");
    let stats = std::fs::read_to_string(root().join(MMLU).join("stats.json")).expect("read");
    let p: PathBuf = write(&dir.join("stats.json"), &stats);
    let out = govgate(&["check", p.to_str().expect("p")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("a HELM run file outside a run directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn keys_helm_leaves_out_are_absent_not_zero() {
    // An early (0.2-era) run: adapter_spec without model_deployment, num_trials,
    // temperature or max_eval_instances; a Stat without `split`, one without `mean` (value
    // from sum / count), one without min/max/variance; no num_instances, no
    // per_instance_stats.json.
    let dir = scratch("helm-absent-keys").join("runs/v0/toy:model=acme_old");
    write(
        &dir.join("run_spec.json"),
        r#"{"name": "toy:model=acme_old",
            "scenario_spec": {"class_name": "helm.benchmark.scenarios.toy.ToyScenario", "args": {}},
            "adapter_spec": {"method": "generation", "model": "acme/old", "max_train_instances": 5},
            "metric_specs": [], "groups": ["toy"]}"#,
    );
    write(
        &dir.join("stats.json"),
        r#"[{"name": {"name": "exact_match", "split": "test"}, "count": 1, "sum": 0.5, "sum_squared": 0.25},
            {"name": {"name": "quasi_exact_match"}, "count": 2, "sum": 1.2, "sum_squared": 0.8, "mean": 0.6}]"#,
    );
    let run = evidence::load(std::slice::from_ref(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let run = &run[0];
    assert_eq!(
        run.format.to_string(),
        "HELM 0.2.x (inferred from its keys)"
    );
    assert_eq!(run.model.name.as_deref(), Some("acme/old"));
    let p = &run.provenance;
    assert_eq!(p.limit, None, "no max_eval_instances: not a limit of 0");
    assert_eq!(p.date, None);
    assert!(!p.generation.contains_key("temperature"));
    assert!(!p.generation.contains_key("num_trials"));
    assert_eq!(
        p.generation.get("method").map(String::as_str),
        Some("generation")
    );
    // mean absent: sum / count; no num_instances: n unknown, not 0; no stderr
    let em = metric(run, "exact_match", Some("test")).expect("exact_match");
    assert_eq!((em.value, em.n, em.stderr), (0.5, None, None));
    // split absent: no variant
    let q = metric(run, "quasi_exact_match", None).expect("no split");
    assert_eq!((q.value, q.n), (0.6, None));
    assert_eq!(run.tasks[0].samples, None);
}

#[test]
fn check_and_inspect_work_on_every_fixture_run_suite_output_and_table() {
    let mut inputs = vec![OUT.to_owned()];
    for suite in ["v0", "v1"] {
        let dir = root().join(OUT).join("runs").join(suite);
        inputs.push(format!("{OUT}/runs/{suite}"));
        for e in std::fs::read_dir(&dir).expect("suite").flatten() {
            if e.path().join("run_spec.json").is_file() {
                inputs.push(format!(
                    "{OUT}/runs/{suite}/{}",
                    e.file_name().to_string_lossy()
                ));
            }
        }
    }
    for e in std::fs::read_dir(root().join(OUT).join("runs/v1/groups/json"))
        .expect("tables")
        .flatten()
    {
        inputs.push(format!(
            "{OUT}/runs/v1/groups/json/{}",
            e.file_name().to_string_lossy()
        ));
    }
    // 1 output folder, 2 suites, 5 runs, and the summary tables
    assert!(inputs.len() >= 9, "{inputs:?}");
    for input in &inputs {
        for cmd in ["check", "inspect"] {
            let out = govgate(&[cmd, input]);
            assert!(out.code == 0 || out.code == 1, "{cmd} {input}: {out:?}");
            assert!(!out.stdout.is_empty(), "{cmd} {input}");
        }
    }
}

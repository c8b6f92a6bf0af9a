//! S7P5 and S7P6 end to end: each check passing and failing on the generated runs and
//! records (`scripts/fixtures/generate_s7p56.py`), its numbers read from the JSON report and
//! compared with the values statsmodels, scipy, scikit-learn and lmms-eval compute from the
//! same files (`scripts/reference/s7p56_reference.py` → `s7p56_reference.json`, 1e-9
//! relative); the release example reaching level 3 on both processes; rubric errors.

mod common;

use common::{Out, check, govgate, json, process_row, rubric, scratch};
use serde_json::Value;

const CANDIDATE: &str = "fixtures/release/candidate";
const BASELINE: &str = "fixtures/release/baseline";
const HISTORY: &str = "fixtures/release/history";
const TRAFFIC: &str = "fixtures/release/production";

/// z₀.₉₇₅ + z₀.₈ (scipy `norm.ppf(0.975) + norm.ppf(0.8)`).
const Z_POWER: f64 = 1.959963984540054 + 0.8416212335729143;

fn reference() -> Value {
    let path = common::root().join("scripts/reference/s7p56_reference.json");
    let text = std::fs::read_to_string(&path)
        .expect("reference JSON (run scripts/reference/s7p56_reference.py)");
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["fixtures"].clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

/// |a − b| ≤ 1e-9 · max(|a|, |b|).
fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-9 * a.abs().max(b.abs());
    assert!((a - b).abs() <= tol, "{what}: govgate {a} vs reference {b}");
}

/// Runs `check` with a one-process rubric of `checks` (YAML list items, indented by 4).
fn run(name: &str, process: &str, checks: &str, args: &[&str]) -> Out {
    let dir = scratch(&format!("s7p56-{name}"));
    let r = rubric(&dir, "r.yaml", "{}", &format!("  {process}:\n{checks}"));
    let mut all = vec!["check", "--rubric", r.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    govgate(&all)
}

/// The same, with `-f json`, parsed; the check must have run (exit 0 or 1).
fn report(name: &str, process: &str, checks: &str, args: &[&str]) -> Value {
    let mut a = vec!["-f", "json"];
    a.extend_from_slice(args);
    let out = run(name, process, checks, &a);
    assert!(out.code == 0 || out.code == 1, "{name}: {}", out.stderr);
    json(&out.stdout)
}

fn findings(rep: &Value, id: &str) -> Vec<Value> {
    check(rep, id)["findings"]
        .as_array()
        .expect("findings")
        .clone()
}

fn status(rep: &Value, id: &str) -> String {
    check(rep, id)["status"]
        .as_str()
        .expect("status")
        .to_owned()
}

fn message(rep: &Value, id: &str) -> String {
    check(rep, id)["message"]
        .as_str()
        .expect("message")
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// S7P5: trials

#[test]
fn trials_pass_on_three_seeds_and_match_scipy() {
    let r = reference();
    let rep = report(
        "trials-pass",
        "S7P5",
        "    - { id: t, level: 2, trials: { metric: \"*/acc@none\", min_runs: 3, max_sd: 0.01 } }\n",
        &[CANDIDATE],
    );
    assert_eq!(status(&rep, "t"), "pass");
    // three current runs, one group: one finding
    let fs = findings(&rep, "t");
    assert_eq!(fs.len(), 1);
    let d = &fs[0]["detail"];
    assert_eq!(d["kind"], "trials");
    assert_eq!(d["source"], "runs");
    let s = &d["spread"];
    assert_eq!(u(&s["runs"]), 3);
    let t = &r["trials"];
    for k in ["mean", "sd", "ci_low", "ci_high"] {
        close(f(&s[k]), f(&t[k]), k);
    }
    let seeds: Vec<&str> = d["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|x| x["seeds"].as_str().expect("seeds"))
        .collect();
    assert!(seeds[1].contains("random_seed=42"), "{seeds:?}");
}

#[test]
fn trials_fail_on_too_few_runs_and_on_a_wide_spread() {
    // one run: no repeat at all, the evidence is missing
    let one = report(
        "trials-one",
        "S7P5",
        "    - { id: t, level: 1, trials: { metric: \"arc_easy/acc@none\", min_runs: 3 } }\n",
        &["fixtures/demo"],
    );
    assert_eq!(status(&one, "t"), "missing");
    let m = message(&one, "t");
    assert!(m.contains("1 run(s)") && m.contains("no repeat"), "{m}");
    // two seeds where three are asked: shown insufficient
    let two = report(
        "trials-two",
        "S7P5",
        "    - { id: t, level: 1, trials: { metric: \"*/acc@none\", min_runs: 3 } }\n",
        &[
            "fixtures/release/candidate/seed-1234",
            "fixtures/release/candidate/seed-42",
        ],
    );
    assert_eq!(status(&two, "t"), "fail");
    let m = message(&two, "t");
    assert!(m.contains("2 run(s)") && m.contains("needs 3"), "{m}");

    let wide = report(
        "trials-wide",
        "S7P5",
        "    - { id: t, level: 2, trials: { metric: \"*/acc@none\", min_runs: 3, max_sd: 0.004 } }\n",
        &[CANDIDATE],
    );
    assert_eq!(status(&wide, "t"), "fail");
    // the sd of 0.741667, 0.736667, 0.745 is 0.0041944 (scipy, see the reference)
    let m = message(&wide, "t");
    assert!(m.contains("between-run sd 0.004194 > 0.004"), "{m}");
}

#[test]
fn helm_trials_count_as_runs() {
    let r = reference();
    let rep = report(
        "trials-helm",
        "S7P5",
        "    - { id: t, level: 2, trials: { metric: \"helpdesk_qa/exact_match@test\", min_runs: 3, max_sd: 0.05 } }\n    - { id: four, level: 3, trials: { metric: \"helpdesk_qa/exact_match@test\", min_runs: 4 } }\n",
        &["fixtures/s7p5/helm-trials"],
    );
    assert_eq!(status(&rep, "t"), "pass");
    let d = &findings(&rep, "t")[0]["detail"];
    assert_eq!(d["source"], "helm-trials");
    let h = &r["helm_trials"];
    assert_eq!(u(&d["spread"]["runs"]), u(&h["count"]));
    for k in ["mean", "sd", "ci_low", "ci_high"] {
        close(f(&d["spread"][k]), f(&h[k]), k);
    }
    assert_eq!(status(&rep, "four"), "fail");
    assert!(message(&rep, "four").contains("3 HELM trials"));
}

// ---------------------------------------------------------------------------------------
// S7P5: power

#[test]
fn power_is_paired_on_baseline_samples_and_matches_lmms_eval() {
    let r = reference();
    let rep = report(
        "power-paired",
        "S7P5",
        "    - { id: p, level: 2, power: { metric: \"*/acc@none\", detect: 0.04 } }\n    - { id: tight, level: 3, power: { metric: \"*/acc@none\", detect: 0.02 } }\n",
        &[CANDIDATE, "--baseline", BASELINE],
    );
    assert_eq!(status(&rep, "p"), "pass");
    assert_eq!(status(&rep, "tight"), "fail");
    let pass = findings(&rep, "p");
    let fail = findings(&rep, "tight");
    assert_eq!(pass.len(), 3);
    for (i, row) in r["power"].as_array().expect("rows").iter().enumerate() {
        let d = &pass[i]["detail"];
        assert_eq!(d["design"], "paired-measured");
        assert_eq!(u(&d["n"]), u(&row["n"]));
        for (k, key) in [
            ("sd", "sd"),
            ("sd_baseline", "sd_baseline"),
            ("correlation", "correlation"),
            ("var_diff", "var_diff"),
            ("mde", "mde"),
            ("achieved_power", "power_0.04"),
        ] {
            close(f(&d[k]), f(&row[key]), &format!("{k} of {}", row["seed"]));
        }
        assert_eq!(u(&d["n_needed"]), u(&row["min_n_0.04"]));
        let tight = &fail[i];
        assert_eq!(tight["status"], "fail");
        assert_eq!(u(&tight["detail"]["n_needed"]), u(&row["min_n_0.02"]));
        let m = tight["message"].as_str().expect("message");
        assert!(
            m.contains(&format!("needs n={} documents", row["min_n_0.02"])),
            "{m}"
        );
    }
}

#[test]
fn power_without_samples_uses_the_stderr_or_the_proportion() {
    // demo arc_easy: acc 0.8118686868686869, stderr 0.00801939549239811, n 2376, no samples:
    // two independent samples with σ = stderr·√n, MDE = Z·√(2σ²/n) = Z·stderr·√2
    let rep = report(
        "power-stderr",
        "S7P5",
        "    - { id: p, level: 1, power: { metric: \"arc_easy/acc@none\", detect: 0.05 } }\n",
        &["fixtures/demo"],
    );
    let d = &findings(&rep, "p")[0]["detail"];
    assert_eq!(d["design"], "independent-stderr");
    assert_eq!(u(&d["n"]), 2376);
    close(
        f(&d["mde"]),
        Z_POWER * 0.00801939549239811 * 2f64.sqrt(),
        "MDE from stderr",
    );
    assert_eq!(status(&rep, "p"), "pass");

    // HELM exact_match 0.72 over 500 instances, no stderr: σ² = p(1 − p)
    let rep = report(
        "power-proportion",
        "S7P5",
        "    - { id: p, level: 1, power: { metric: \"helpdesk_qa/exact_match@test\", detect: 0.05 } }\n",
        &["fixtures/s7p5/helm-trials"],
    );
    let d = &findings(&rep, "p")[0]["detail"];
    assert_eq!(d["design"], "independent-proportion");
    let p = 0.7200000000000001f64;
    let expected = Z_POWER * (2.0 * p * (1.0 - p) / 500.0).sqrt();
    close(f(&d["mde"]), expected, "MDE from p(1-p)");
    // 0.0796 > 0.05
    assert_eq!(status(&rep, "p"), "fail");
}

#[test]
fn power_with_samples_but_no_baseline_assumes_the_correlation() {
    let rep = report(
        "power-assumed",
        "S7P5",
        "    - { id: p, level: 1, power: { metric: \"*/acc@none\", detect: 0.05, correlation: 0.3 } }\n",
        &["fixtures/release/candidate/seed-1234"],
    );
    let d = &findings(&rep, "p")[0]["detail"];
    assert_eq!(d["design"], "paired-assumed");
    let sd = f(&reference()["power"][0]["sd"]);
    close(f(&d["var_diff"]), 2.0 * sd * sd * (1.0 - 0.3), "2σ²(1 − ρ)");
}

// ---------------------------------------------------------------------------------------
// S7P5: sweep

#[test]
fn sweep_reports_the_best_setting_and_its_significance() {
    let r = reference();
    let rep = report(
        "sweep-pass",
        "S7P5",
        "    - { id: s, level: 3, sweep: { metric: \"*/*\", over: [gen_kwargs.temperature], min_configs: 3, require_significant: true } }\n    - { id: four, level: 3, sweep: { metric: \"*/*\", over: [gen_kwargs.temperature], min_configs: 4 } }\n",
        &[CANDIDATE, "--history", HISTORY],
    );
    assert_eq!(status(&rep, "s"), "pass");
    let fs = findings(&rep, "s");
    // helpdesk_qa's runs record no temperature: only helpdesk_gen is swept
    assert_eq!(fs.len(), 1);
    let d = &fs[0]["detail"];
    let settings = d["settings"].as_array().expect("settings");
    let names: Vec<&str> = settings
        .iter()
        .map(|s| s["setting"].as_str().expect("setting"))
        .collect();
    assert_eq!(
        names,
        [
            "gen_kwargs.temperature=0",
            "gen_kwargs.temperature=0.4",
            "gen_kwargs.temperature=0.8"
        ]
    );
    let sw = &r["sweep"];
    for (s, k) in settings.iter().zip(["0", "0.4", "0.8"]) {
        close(f(&s["score"]), f(&sw["scores"][k]), k);
    }
    let t = &d["test"];
    assert_eq!(t["method"], "mcnemar-exact");
    assert_eq!(
        u(&t["discordant"]["current_only"]),
        u(&sw["best_only"]),
        "documents only the best setting got right"
    );
    assert_eq!(
        u(&t["discordant"]["baseline_only"]),
        u(&sw["runner_up_only"])
    );
    close(f(&t["p_value"]), f(&sw["p"]), "McNemar p");
    assert_eq!(d["significant"], true);
    assert_eq!(status(&rep, "four"), "fail");
    assert!(message(&rep, "four").contains("needs >= 4 settings"));
}

#[test]
fn a_flat_sweep_is_not_significant() {
    let rep = report(
        "sweep-flat",
        "S7P5",
        "    - { id: strict, level: 3, sweep: { metric: \"*/*\", over: [gen_kwargs.temperature], require_significant: true } }\n    - { id: lenient, level: 2, sweep: { metric: \"*/*\", over: [gen_kwargs.temperature] } }\n",
        &["fixtures/s7p5/sweep-flat"],
    );
    assert_eq!(status(&rep, "strict"), "fail");
    assert_eq!(status(&rep, "lenient"), "pass");
    let d = &findings(&rep, "lenient")[0]["detail"];
    // no samples logs: Welch's t-test on the stderrs and sizes, 0.50 against 0.49
    assert_eq!(d["test"]["method"], "welch-t");
    assert_eq!(d["significant"], false);
    let m = message(&rep, "lenient");
    assert!(m.contains("not significantly better"), "{m}");
}

#[test]
fn a_sweep_without_recorded_settings_is_missing() {
    let rep = report(
        "sweep-none",
        "S7P5",
        "    - { id: s, level: 3, sweep: { metric: \"*/*\", over: [gen_kwargs.temperature] } }\n",
        &["fixtures/demo"],
    );
    assert_eq!(status(&rep, "s"), "missing");
    assert!(message(&rep, "s").contains("records gen_kwargs.temperature"));
}

// ---------------------------------------------------------------------------------------
// S7P6: ab_test

const AB: &str = "    - id: ab\n      level: 2\n      ab_test: { variant: arm, control: A, treatment: B, outcome: thumbs_up, min_lift: 0.01, min_samples: 1000, expected_split: { A: 0.5, B: 0.5 }, guardrails: [latency_ms] }\n";

#[test]
fn ab_test_matches_statsmodels_and_scipy() {
    let r = reference();
    let rep = report("ab-pass", "S7P6", AB, &["--production", TRAFFIC]);
    assert_eq!(status(&rep, "ab"), "pass");
    let fs = findings(&rep, "ab");
    assert_eq!(fs.len(), 3, "outcome, sample ratio, one guardrail");
    let o = &fs[0]["detail"];
    let ab = &r["ab_test"]["outcome"];
    assert_eq!(o["method"], "two-proportion-z");
    assert_eq!(u(&o["treatment"]["n"]), u(&ab["n_a"]));
    assert_eq!(u(&o["control"]["n"]), u(&ab["n_b"]));
    close(f(&o["treatment"]["mean"]), f(&ab["mean_a"]), "B rate");
    close(f(&o["lift"]), f(&ab["delta"]), "lift");
    close(f(&o["statistic"]), f(&ab["z"]), "z");
    close(f(&o["p_value"]), f(&ab["p"]), "p");
    close(f(&o["ci_low"]), f(&ab["ci_low"]), "ci_low");
    close(f(&o["ci_high"]), f(&ab["ci_high"]), "ci_high");

    let s = &fs[1]["detail"];
    let srm = &r["ab_test"]["srm"];
    assert_eq!(u(&s["arms"][0][1]), u(&srm["observed"][0]));
    close(f(&s["statistic"]), f(&srm["statistic"]), "chi2");
    close(f(&s["p_value"]), f(&srm["p"]), "SRM p");

    let g = &fs[2]["detail"];
    let lat = &r["ab_test"]["latency"];
    // latency: lower is better, degradation = B − A
    close(f(&g["degradation"]), f(&lat["delta"]), "latency delta");
    close(f(&g["p_value"]), f(&lat["p"]), "latency p");
    close(f(&g["ci_low"]), f(&lat["ci_low"]), "latency ci_low");
    close(f(&g["ci_high"]), f(&lat["ci_high"]), "latency ci_high");
}

#[test]
fn a_sample_ratio_mismatch_fails() {
    let r = reference();
    let rep = report(
        "ab-srm",
        "S7P6",
        "    - { id: ab, level: 2, ab_test: { variant: arm, control: A, treatment: B, outcome: thumbs_up, min_lift: 0.1, min_samples: 100, expected_split: { A: 0.5, B: 0.5 } } }\n",
        &["--production", "fixtures/s7p6/srm"],
    );
    assert_eq!(status(&rep, "ab"), "fail");
    let srm = findings(&rep, "ab")
        .into_iter()
        .find(|x| x["subject"] == "sample ratio")
        .expect("SRM finding");
    assert_eq!(srm["status"], "fail");
    let want = &r["s7p6_srm"];
    close(
        f(&srm["detail"]["statistic"]),
        f(&want["statistic"]),
        "chi2",
    );
    close(f(&srm["detail"]["p_value"]), f(&want["p"]), "p");
    assert!(
        srm["message"]
            .as_str()
            .expect("m")
            .contains("A 1100, B 900 against A 0.5, B 0.5")
    );
}

#[test]
fn a_degraded_guardrail_fails_and_csv_reads_the_same() {
    let r = reference();
    let checks = "    - { id: ab, level: 2, ab_test: { variant: arm, control: A, treatment: B, outcome: thumbs_up, min_lift: 0.05, min_samples: 1000, guardrails: [latency_ms] } }\n    - { id: csat, level: 2, ab_test: { variant: arm, control: A, treatment: B, outcome: csat, min_lift: 0.5, min_samples: 1000 } }\n";
    let jsonl = report(
        "ab-degraded",
        "S7P6",
        checks,
        &["--production", "fixtures/s7p6/degraded/traffic.jsonl"],
    );
    let csv = report(
        "ab-degraded-csv",
        "S7P6",
        checks,
        &["--production", "fixtures/s7p6/degraded/traffic.csv"],
    );
    let want = &r["s7p6_degraded"];
    for rep in [&jsonl, &csv] {
        assert_eq!(status(rep, "ab"), "fail");
        let fs = findings(rep, "ab");
        // the outcome is within the 0.05 margin; the guardrail is not
        assert_eq!(fs[0]["status"], "pass");
        close(
            f(&fs[0]["detail"]["lift"]),
            f(&want["thumbs"]["delta"]),
            "lift",
        );
        assert_eq!(fs[1]["status"], "fail");
        assert!(
            fs[1]["message"]
                .as_str()
                .expect("m")
                .contains("degraded significantly")
        );
        close(
            f(&fs[1]["detail"]["degradation"]),
            f(&want["latency"]["delta"]),
            "latency",
        );
        close(
            f(&fs[1]["detail"]["p_value"]),
            f(&want["latency"]["p"]),
            "p",
        );
        // csat 1–5: not binary, Welch
        let c = &findings(rep, "csat")[0]["detail"];
        assert_eq!(c["method"], "welch-t");
        for (k, key) in [
            ("lift", "delta"),
            ("statistic", "t"),
            ("df", "df"),
            ("p_value", "p"),
            ("ci_low", "ci_low"),
            ("ci_high", "ci_high"),
        ] {
            close(f(&c[k]), f(&want["csat"][key]), k);
        }
    }
    // the same records give the same findings whether JSON Lines or CSV
    assert_eq!(
        serde_json::to_string(&findings(&jsonl, "csat")).expect("s"),
        serde_json::to_string(&findings(&csv, "csat")).expect("s")
    );
}

#[test]
fn ab_test_fails_closed() {
    // an arm nobody was assigned to: missing, naming the arms seen
    let rep = report(
        "ab-no-arm",
        "S7P6",
        "    - { id: ab, level: 2, ab_test: { variant: arm, control: A, treatment: C, outcome: thumbs_up } }\n",
        &["--production", TRAFFIC],
    );
    assert_eq!(status(&rep, "ab"), "missing");
    let m = message(&rep, "ab");
    assert!(
        m.contains("no record of arm `C`") && m.contains("arms seen: A, B"),
        "{m}"
    );
    // too few rated requests per arm
    let rep = report(
        "ab-small",
        "S7P6",
        "    - { id: ab, level: 2, ab_test: { variant: arm, control: A, treatment: B, outcome: thumbs_up, min_samples: 2000 } }\n",
        &["--production", TRAFFIC],
    );
    assert_eq!(status(&rep, "ab"), "fail");
    assert!(message(&rep, "ab").contains("needs 2000"));
    // no production records at all
    let rep = report(
        "ab-none",
        "S7P6",
        "    - { id: ab, level: 2, ab_test: { variant: arm, control: A, treatment: B, outcome: thumbs_up } }\n",
        &["fixtures/demo"],
    );
    assert_eq!(status(&rep, "ab"), "missing");
    assert!(message(&rep, "ab").contains("no production records given"));
}

// ---------------------------------------------------------------------------------------
// S7P6: agreement

const AGREE: &str = "    - id: a\n      level: 3\n      agreement: { offline: \"*/acc@none\", online: { model: model_id, outcome: thumbs_up }, min_spearman: 0.6, min_models: 3, kappa: { item: doc_id, min: 0.2 } }\n";

#[test]
fn agreement_matches_scipy_and_sklearn() {
    let r = reference();
    let rep = report(
        "agree-pass",
        "S7P6",
        AGREE,
        &[
            CANDIDATE,
            "--baseline",
            BASELINE,
            "--history",
            HISTORY,
            "--production",
            TRAFFIC,
        ],
    );
    assert_eq!(status(&rep, "a"), "pass", "{}", message(&rep, "a"));
    let d = &findings(&rep, "a")[0]["detail"];
    let want = &r["agreement"];
    let models = d["models"].as_array().expect("models");
    assert_eq!(models.len(), 3);
    for m in models {
        // the report names a version `name@revision`; the records use the name
        let model = m["model"].as_str().expect("model");
        let name = model.split('@').next().expect("name");
        assert!(model.len() == name.len() + 13, "{model}: name@revision");
        close(f(&m["offline"]), f(&want["offline"][name]), name);
        close(f(&m["online"]), f(&want["online"][name]), name);
        assert_eq!(u(&m["records"]), u(&want["records"][name]));
    }
    close(f(&d["spearman"]), f(&want["spearman"]), "rho");
    assert_eq!(u(&d["kappa"]["pairs"]), u(&want["pairs"]));
    close(f(&d["kappa"]["kappa"]), f(&want["kappa"]), "kappa");
}

#[test]
fn agreement_fails_when_production_ranks_models_the_other_way() {
    let r = reference();
    let rep = report(
        "agree-fail",
        "S7P6",
        "    - { id: a, level: 3, agreement: { offline: \"*/acc@none\", online: { model: model_id, outcome: thumbs_up }, min_spearman: 0.6 } }\n",
        &[
            CANDIDATE,
            "--baseline",
            BASELINE,
            "--history",
            HISTORY,
            "--production",
            "fixtures/s7p6/disagree",
        ],
    );
    assert_eq!(status(&rep, "a"), "fail");
    let d = &findings(&rep, "a")[0]["detail"];
    close(f(&d["spearman"]), f(&r["s7p6_disagree"]["spearman"]), "rho");
    assert!(message(&rep, "a").contains("Spearman -1 < 0.6"));
}

#[test]
fn agreement_needs_enough_models() {
    // without the history run, v1 is online only: two models on both sides
    let rep = report(
        "agree-few",
        "S7P6",
        AGREE,
        &[CANDIDATE, "--baseline", BASELINE, "--production", TRAFFIC],
    );
    assert_eq!(status(&rep, "a"), "missing");
    let m = message(&rep, "a");
    assert!(
        m.contains("2 model(s) both evaluated offline and seen online")
            && m.ends_with("online only: acme/helpdesk-7b-v1")
            && m.contains("offline only: none"),
        "{m}"
    );
}

#[test]
fn versions_of_one_model_name_are_told_apart_by_revision() {
    // the three helpdesk runs, renamed to one model name with three revisions
    let dir = scratch("s7p56-agree-revisions");
    let sources = [
        (BASELINE, "r2"),
        ("fixtures/release/history/v1", "r1"),
        ("fixtures/release/candidate/seed-1234", "r3"),
    ];
    for (i, (src, rev)) in sources.iter().enumerate() {
        let path = std::fs::read_dir(common::root().join(src))
            .expect("dir")
            .flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).expect("model dir").flatten())
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("results_"))
            })
            .expect("a results file");
        let mut doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        doc["model_name"] = Value::from("acme/helpdesk");
        doc["config"]["model_args"] =
            Value::from(format!("pretrained=acme/helpdesk,revision={rev}"));
        common::write(
            &dir.join(format!(
                "runs/{i}/results_2026-11-2{i}T00-00-00.000000.json"
            )),
            &doc.to_string(),
        );
    }
    // online: r1 < r2 < r3 by revision id, and the bare name, which names no single version
    let mut lines = String::new();
    for (id, ups) in [
        ("r1", 5),
        ("acme/helpdesk@r2", 6),
        ("r3", 7),
        ("acme/helpdesk", 9),
    ] {
        for k in 0..10 {
            lines.push_str(&format!(
                "{{\"model_id\": \"{id}\", \"thumbs_up\": {}}}\n",
                k < ups
            ));
        }
    }
    common::write(&dir.join("online.jsonl"), &lines);
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        "  S7P6:\n    - { id: a, level: 3, agreement: { offline: \"*/acc@none\", online: { model: model_id, outcome: thumbs_up }, min_spearman: 0.9 } }\n",
    );
    let out = govgate(&[
        "check",
        "--rubric",
        r.to_str().expect("p"),
        "-f",
        "json",
        dir.join("runs").to_str().expect("p"),
        "--production",
        dir.join("online.jsonl").to_str().expect("p"),
    ]);
    let rep = json(&out.stdout);
    assert_eq!(status(&rep, "a"), "pass", "{}", message(&rep, "a"));
    let d = &findings(&rep, "a")[0]["detail"];
    let got: Vec<(String, f64)> = d["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| (m["model"].as_str().expect("m").to_owned(), f(&m["online"])))
        .collect();
    assert_eq!(
        got,
        [
            ("acme/helpdesk@r2".to_owned(), 0.6),
            ("acme/helpdesk@r1".to_owned(), 0.5),
            ("acme/helpdesk@r3".to_owned(), 0.7)
        ]
    );
    assert_eq!(d["online_only"], serde_json::json!(["acme/helpdesk"]));
    assert_eq!(f(&d["spearman"]), 1.0);
}

// ---------------------------------------------------------------------------------------
// S7P6: feedback

const FEEDBACK: &str = "    - id: fb\n      level: 2\n      feedback: { timestamp: ts, field: thumbs_up, max_age: 7d, min_events: 500, coverage: { of: production, min: 0.05 } }\n";

#[test]
fn feedback_is_fresh_plentiful_and_covers_the_traffic() {
    let r = reference();
    let rep = report("fb-pass", "S7P6", FEEDBACK, &["--production", TRAFFIC]);
    assert_eq!(status(&rep, "fb"), "pass");
    let fs = findings(&rep, "fb");
    let subjects: Vec<&str> = fs
        .iter()
        .map(|x| x["subject"].as_str().expect("s"))
        .collect();
    assert_eq!(subjects, ["freshness", "volume", "coverage"]);
    let d = &fs[0]["detail"];
    let want = &r["feedback"];
    close(f(&d["now"]), f(&want["now"]), "now");
    assert_eq!(d["now_from"], "the newest timestamp in the records");
    assert_eq!(u(&d["events"]), u(&want["events"]));
    assert_eq!(u(&d["traffic"]), u(&want["traffic"]));
    close(f(&d["coverage"]), f(&want["coverage"]), "coverage");
    close(f(&d["newest_event"]), f(&want["newest_event"]), "newest");
}

#[test]
fn now_makes_old_feedback_stale() {
    // two weeks after the last record nothing is in the 7-day window
    let rep = report(
        "fb-now",
        "S7P6",
        FEEDBACK,
        &["--production", TRAFFIC, "--now", "2026-12-07T00:00:00Z"],
    );
    assert_eq!(status(&rep, "fb"), "fail");
    let fs = findings(&rep, "fb");
    assert_eq!(fs[0]["status"], "fail");
    assert_eq!(fs[0]["detail"]["now_from"], "--now");
    assert_eq!(u(&fs[1]["detail"]["events"]), 0);
    assert_eq!(fs[2]["status"], "missing", "no traffic in the window");
    // a malformed --now is a usage error
    let out = run(
        "fb-bad-now",
        "S7P6",
        FEEDBACK,
        &["--production", TRAFFIC, "--now", "soon"],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--now soon: not a time"),
        "{}",
        out.stderr
    );
}

#[test]
fn feedback_events_against_a_separate_request_log() {
    let r = reference();
    let want = &r["s7p6_feedback"];
    let rep = report(
        "fb-requests",
        "S7P6",
        "    - { id: fb, level: 2, feedback: { timestamp: ts, max_age: 7d, min_events: 50, coverage: { of: requests, min: 0.05 } } }\n    - { id: all, level: 1, feedback: { timestamp: ts, min_events: 100, coverage: { of: requests, min: 0.03 } } }\n",
        &[
            "--production",
            "fixtures/s7p6/feedback/events.jsonl",
            "--requests",
            "fixtures/s7p6/feedback/requests.jsonl",
        ],
    );
    // the events stopped nine days before the newest request
    assert_eq!(status(&rep, "fb"), "fail");
    let fs = findings(&rep, "fb");
    let d = &fs[0]["detail"];
    close(f(&d["now"]), f(&want["now"]), "now (the newest request)");
    close(f(&d["age_seconds"]), f(&want["age"]), "age");
    assert!(
        fs[0]["message"]
            .as_str()
            .expect("m")
            .contains("older than 7d")
    );
    assert_eq!(fs[2]["status"], "fail", "0 events over the week's requests");
    // without a window: every event over every request
    assert_eq!(status(&rep, "all"), "pass");
    let d = &findings(&rep, "all")[1]["detail"];
    assert_eq!(u(&d["events"]), u(&want["events_all"]));
    assert_eq!(u(&d["traffic"]), u(&want["requests_all"]));
}

// ---------------------------------------------------------------------------------------
// the pre-release example

#[test]
fn the_release_example_reaches_level_3_on_s7p5_and_s7p6() {
    let out = govgate(&[
        "check",
        "--rubric",
        "release-readiness",
        CANDIDATE,
        "--baseline",
        BASELINE,
        "--history",
        HISTORY,
        "--production",
        TRAFFIC,
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for (id, level) in [
        ("S7P1", "3"),
        ("S7P2", "0"),
        ("S7P3", "0"),
        ("S7P4", "2"),
        ("S7P5", "3"),
        ("S7P6", "3"),
    ] {
        assert_eq!(
            process_row(&out.stdout, id)[2],
            level,
            "{id}:\n{}",
            out.stdout
        );
    }
    assert!(out.stdout.contains("PASS: every required level is met"));
}

// ---------------------------------------------------------------------------------------
// rubric errors

#[test]
fn invalid_s7p5_and_s7p6_checks_are_rejected_with_locations() {
    let dir = scratch("s7p56-invalid");
    let r = rubric(
        &dir,
        "bad.yaml",
        "{}",
        "  S7P5:\n\
         \x20   - { id: a, level: 1, power: { metric: \"*/acc\", detect: 0 } }\n\
         \x20   - { id: b, level: 1, sweep: { metric: \"*/acc\", over: [temperature] } }\n\
         \x20   - { id: c, level: 1, trials: { metric: \"*/acc\", min_runs: 1 } }\n\
         \x20 S7P6:\n\
         \x20   - { id: d, level: 1, ab_test: { variant: arm, control: A, treatment: A, outcome: y } }\n\
         \x20   - { id: e, level: 1, ab_test: { variant: arm, control: A, treatment: B, outcome: y, expected_split: { A: 1 } } }\n\
         \x20   - { id: f, level: 1, feedback: { timestamp: ts } }\n\
         \x20   - { id: g, level: 1, feedback: { timestamp: ts, coverage: { of: production, min: 0.1 } } }\n\
         \x20   - { id: h, level: 1, agreement: { offline: \"*/acc\", online: { model: m, outcome: y }, min_spearman: 2, min_models: 2 } }\n\
         \x20   - { id: i, level: 1, ab_test: { variant: arm, control: A, treatment: B, outcome: y, guardrails: [y] } }\n\
         \x20   - { id: j, level: 1, ab_test: { variant: arm, control: A, treatment: B, outcome: y, guardrails: [{ field: z, higher_is_better: true, colour: red }] } }\n",
    );
    let out = govgate(&["rubric", "validate", r.to_str().expect("p")]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    for want in [
        "bad.yaml:6:",
        "`detect` is the smallest difference to detect and must be above 0, got 0",
        "bad.yaml:7:",
        "unknown sweep parameter `temperature`",
        "`min_runs` must be at least 2, got 1",
        "`control` and `treatment` are both `A`",
        "`expected_split` has no share for the treatment arm `B`",
        "a feedback check needs `max_age`, `min_events`, `coverage`, or several",
        "coverage of the feedback records themselves needs `field`",
        "`min_spearman` must be between -1 and 1, got 2",
        "`min_models` must be at least 3, got 2",
        "`y` is the outcome; a guardrail watches another field",
        "bad.yaml:16:",
        "unknown key `colour` (expected one of `field`, `higher_is_better`, `max_degradation`)",
    ] {
        assert!(
            out.stderr.contains(want),
            "missing {want:?} in:\n{}",
            out.stderr
        );
    }
}

#[test]
fn the_contract_forms_are_valid_rubric_yaml() {
    // the check kinds exactly as the S7P5 / S7P6 contract writes them
    let dir = scratch("s7p56-contract");
    let r = rubric(
        &dir,
        "contract.yaml",
        "{}",
        r#"  S7P5:
    - { id: t, level: 1, trials: { metric: "*/acc", min_runs: 3, max_sd: 0.01 } }
    - { id: p, level: 2, power: { metric: "*/acc", detect: 0.02, alpha: 0.05, power: 0.8 } }
    - { id: s, level: 3, sweep: { metric: "*/acc", over: [gen_kwargs.temperature, num_fewshot], min_configs: 3 } }
  S7P6:
    - id: ab
      level: 2
      ab_test:
        variant: arm              # field naming the arm
        control: A
        treatment: B
        outcome: thumbs_up        # 0/1 (two-proportion z-test) or numeric (Welch t-test)
        min_lift: 0.0             # treatment must not be worse than control by more than this…
        alpha: 0.05               # …with significance
        min_samples: 1000         # per arm
        expected_split: { A: 0.5, B: 0.5 }   # sample-ratio-mismatch check (chi-square, p < 0.001 fails)
        guardrails: [latency_ms]  # must not degrade significantly
    - { id: a, level: 3, agreement: { offline: "*/acc", online: { records: production, model: model_id, outcome: thumbs_up }, min_spearman: 0.6, min_models: 3 } }
    - { id: f, level: 1, feedback: { records: production, timestamp: ts, max_age: 7d, min_events: 500, coverage: { of: requests, min: 0.05 } } }
"#,
    );
    let out = govgate(&["rubric", "validate", r.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_histogram_document_is_not_records_for_an_ab_test() {
    let out = run(
        "ab-histogram",
        "S7P6",
        "    - { id: ab, level: 2, ab_test: { variant: arm, control: A, treatment: B, outcome: thumbs_up } }\n",
        &["--production", "fixtures/s7p3/warehouse"],
    );
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("`ab_test` needs the records themselves"),
        "{}",
        out.stderr
    );
}

//! S7P2 end to end: the shipped EU AI Act rubric reaches level 3 on complete evidence and
//! drops, with a reason, on evidence missing each piece; the `fairness`, `perturbation_gap`,
//! `documentation` and `threshold abs` checks on lm-eval samples, HELM runs and plain
//! records; the shipped rubrics by name.
//!
//! Expected numbers are worked out by hand from the fixtures' construction
//! (`scripts/fixtures/generate_s7p2.py`, `generate_helm.py`):
//!
//! * evaluation/group_outcomes.jsonl: F 120 (selected 54: 0.45; TPR 44/80, FPR 10/40),
//!   M 150 (75: 0.5; TPR 60/100, FPR 15/50), X 12 (below 30, left out): difference 0.05,
//!   ratio 0.9, equalized odds max(0.05, 0.05) = 0.05.
//! * evaluation-biased: F selected 36/120 = 0.3, M 0.5: difference 0.2, ratio 0.6; TPR
//!   28/80 = 0.35 vs 0.6: equalized odds 0.25.
//! * evaluation-unequal-errors: F selected 54/120 = 0.45, M 0.5 (parity holds), TPR 36/80 =
//!   0.45 vs 0.6 and FPR 18/40 = 0.45 vs 0.3: equalized odds 0.15.
//! * HELM boolq (data_augmentation=canonical): exact_match@test 0.78, fairness worst 0.74
//!   (gap 0.04), robustness worst 0.73 (gap 0.05); mmlu exact_match@test 0.525, @valid 0.6;
//!   BBQ accuracy 0.62, ambiguous bias −0.08, disambiguated bias 0.12.
//! * winogender_tiny samples: acc by doc.gender female 28/40 = 0.7, male 32/40 = 0.8,
//!   neutral 30/40 = 0.75: difference 0.1, ratio 0.875.

mod common;

use std::path::{Path, PathBuf};

use common::{check, govgate, govgate_in, json, process_row, rubric, scratch, write};
use serde_json::Value;

fn helm_v1() -> String {
    common::root()
        .join("fixtures/helm/benchmark_output/runs/v1")
        .display()
        .to_string()
}

fn fixture(rel: &str) -> PathBuf {
    common::root().join("fixtures/s7p2").join(rel)
}

/// A release folder as the EU AI Act rubric expects it: MODEL_CARD.md from `card` and
/// evaluation/group_outcomes.jsonl from `outcomes` (either may be left out).
fn release(name: &str, card: Option<&str>, outcomes: Option<&str>) -> PathBuf {
    let dir = scratch(&format!("s7p2-{name}"));
    if let Some(card) = card {
        std::fs::copy(
            fixture(&format!("cards/{card}.md")),
            dir.join("MODEL_CARD.md"),
        )
        .expect("copy card");
    }
    if let Some(o) = outcomes {
        std::fs::create_dir_all(dir.join("evaluation")).expect("mkdir");
        std::fs::copy(
            fixture(&format!("{o}/group_outcomes.jsonl")),
            dir.join("evaluation/group_outcomes.jsonl"),
        )
        .expect("copy outcomes");
    }
    dir
}

/// `govgate check --rubric eu-ai-act -f json INPUTS` run in `dir`.
fn eu(dir: &Path, inputs: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", "--rubric", "eu-ai-act", "-f", "json"];
    args.extend(inputs);
    let out = govgate_in(dir, &args);
    assert!(
        out.code == 0 || out.code == 1,
        "{}: {}",
        dir.display(),
        out.stderr
    );
    (out.code, json(&out.stdout))
}

/// `govgate check --rubric RUBRIC -f json INPUT`, expecting exit `code`; the report.
/// Checks with a rubric written in a scratch directory, which names fixtures outside it.
fn check_json(rubric: &Path, input: &str, code: i32) -> Value {
    let out = govgate(&[
        "check",
        "--allow-outside-root",
        "--rubric",
        rubric.to_str().expect("utf-8"),
        "-f",
        "json",
        input,
    ]);
    assert_eq!(out.code, code, "{}", out.stderr);
    json(&out.stdout)
}

/// Asserts that a finding's message ends with `suffix` (its start names the source path).
fn message_ends(finding: &Value, suffix: &str) {
    let m = finding["message"].as_str().expect("message");
    assert!(m.ends_with(suffix), "{m}\nshould end with\n{suffix}");
}

fn s7p2(report: &Value) -> &Value {
    &report["processes"][1]
}

/// The messages of a check's findings that did not pass.
fn problems(report: &Value, id: &str) -> Vec<String> {
    check(report, id)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] != "pass")
        .map(|f| {
            format!(
                "{}: {}",
                f["status"].as_str().unwrap_or("?"),
                f["message"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn eu_ai_act_reaches_level_3_on_complete_evidence() {
    let dir = release("complete", Some("good"), Some("evaluation"));
    let (code, r) = eu(&dir, &[&helm_v1()]);
    assert_eq!(code, 0, "{r:#}");
    let p = s7p2(&r);
    assert_eq!(p["level"], 3);
    assert_eq!(p["required"], 3);
    assert_eq!(p["summary"], "7/7 checks pass");
    // The numbers behind the passes, as worked out above.
    let parity = &check(&r, "group-parity")["findings"][0]["detail"];
    assert_eq!(parity["groups"][0]["n"], 120);
    assert_eq!(parity["groups"][0]["rate"], 0.45);
    assert_eq!(parity["groups"][1]["rate"], 0.5);
    assert_eq!(parity["groups"][2]["group"], "X");
    assert_eq!(parity["groups"][2]["excluded"], true);
    assert!((parity["ratio"].as_f64().expect("ratio") - 0.9).abs() < 1e-12);
    let gap = &check(&r, "fairness-under-perturbation")["findings"][0];
    assert_eq!(
        gap["subject"],
        "boolq:data_augmentation=canonical/exact_match@test"
    );
    assert!((gap["detail"]["gap"].as_f64().expect("gap") - 0.04).abs() < 1e-12);
    assert_eq!(
        gap["detail"]["applied"],
        serde_json::json!(["dialect", "person_name", "gender"])
    );
    let claims: Vec<&str> = check(&r, "card-complete-and-true")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .filter(|m| m.starts_with("claim "))
        .collect();
    assert_eq!(
        claims,
        [
            "claim MMLU/exact_match = 0.525 matches mmlu:subject=anatomy/exact_match@test = 0.525 (within 0.005)",
            "claim BoolQ/exact_match = 0.78 matches boolq:data_augmentation=canonical/exact_match@test = 0.78 (within 0.005)",
            "claim BBQ/bbq_accuracy = 62% matches bbq:subject=all,method=multiple_choice_joint/bbq_accuracy@test = 0.62 (within 0.005)",
        ]
    );
}

#[test]
fn a_copied_rubric_resolves_its_paths_next_to_itself() {
    // `govgate rubric show eu-ai-act > rubric.yaml`, then run from elsewhere.
    let dir = release("copied", Some("good"), Some("evaluation"));
    let shown = govgate(&["rubric", "show", "eu-ai-act"]);
    assert_eq!(shown.code, 0);
    let file = write(&dir.join("rubric.yaml"), &shown.stdout);
    let out = govgate(&[
        "check",
        "--rubric",
        file.to_str().expect("utf-8"),
        &helm_v1(),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        process_row(&out.stdout, "S7P2")[2..6],
        ["3", "3", "pass", "7/7 checks pass"]
    );
}

/// (case, card, outcomes, input, level, summary, the check that blocks, its first problem)
type Piece<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    u64,
    &'a str,
    &'a str,
    &'a str,
);

#[test]
fn eu_ai_act_drops_with_a_reason_for_each_missing_piece() {
    let boolq_less = format!("{}/mmlu:subject=anatomy,model=acme_tiny-7b", helm_v1());
    let cases: &[Piece] = &[
        (
            "no-card",
            None,
            Some("evaluation"),
            "",
            0,
            "4/7 checks pass; L1 card-general-description: missing",
            "card-general-description",
            "missing: MODEL_CARD.md does not exist",
        ),
        (
            "missing-section",
            Some("missing_section"),
            Some("evaluation"),
            "",
            0,
            "5/7 checks pass; L1 card-general-description: fail",
            "card-general-description",
            "fail: MODEL_CARD.md: no section \"Intended Use\"",
        ),
        (
            "empty-section",
            Some("empty_section"),
            Some("evaluation"),
            "",
            1,
            "6/7 checks pass; L2 card-evaluation: fail",
            "card-evaluation",
            // only an HTML comment and HF's placeholder under the heading (line 44)
            "fail: MODEL_CARD.md:44: section \"Limitations\" is empty",
        ),
        (
            "no-outcomes",
            Some("good"),
            None,
            "",
            1,
            "5/7 checks pass; L2 group-parity: missing",
            "group-parity",
            "missing: no records file at evaluation/group_outcomes.jsonl (named by `records:`, relative to the rubric)",
        ),
        (
            "biased",
            Some("good"),
            Some("evaluation-biased"),
            "",
            1,
            "5/7 checks pass; L2 group-parity: fail",
            "group-parity",
            "fail: evaluation/group_outcomes.jsonl: difference 0.2 > 0.1; ratio 0.6 < 0.8; selection_rate by group: F 0.3 (n=120), M 0.5 (n=150)",
        ),
        (
            "unequal-errors",
            Some("good"),
            Some("evaluation-unequal-errors"),
            "",
            2,
            "6/7 checks pass; L3 group-error-rates: fail",
            "group-error-rates",
            "fail: evaluation/group_outcomes.jsonl: equalized odds difference 0.15 > 0.1; selection_rate by group: F 0.45 (n=120), M 0.5 (n=150)",
        ),
        (
            // compared with the test split (0.525), not the closer validation split (0.6)
            "wrong-claim",
            Some("wrong_claim"),
            Some("evaluation"),
            "",
            2,
            "6/7 checks pass; L3 card-complete-and-true: fail",
            "card-complete-and-true",
            "fail: claim MMLU/exact_match = 0.61 but the evidence says mmlu:subject=anatomy/exact_match@test = 0.525 (off by 0.085, tolerance 0.005)",
        ),
        (
            "no-claims",
            Some("no_claims"),
            Some("evaluation"),
            "",
            2,
            "6/7 checks pass; L3 card-complete-and-true: fail",
            "card-complete-and-true",
            "fail: MODEL_CARD.md: front matter has no `model-index`",
        ),
        (
            "no-perturbation",
            Some("good"),
            Some("evaluation"),
            &boolq_less,
            2,
            "4/7 checks pass; L3 fairness-under-perturbation: missing",
            "fairness-under-perturbation",
            "missing: no metric matches `*data_augmentation=*/exact_match@test` in the current runs (`govgate inspect` lists the selectors)",
        ),
    ];
    for (name, card, outcomes, input, level, summary, blocker, problem) in cases {
        let dir = release(name, *card, *outcomes);
        let input = if input.is_empty() {
            helm_v1()
        } else {
            input.to_string()
        };
        let (code, r) = eu(&dir, &[&input]);
        assert_eq!(code, 1, "{name}: S7P2 is required at 3");
        let p = s7p2(&r);
        assert_eq!(p["level"], *level, "{name}: {p:#}");
        assert_eq!(p["summary"], *summary, "{name}");
        assert_eq!(p["blocked_by"], *blocker, "{name}");
        assert_eq!(problems(&r, blocker)[0], *problem, "{name}");
    }
}

#[test]
fn no_claims_is_missing_not_passing() {
    let dir = release("no-claims-detail", Some("no_claims"), Some("evaluation"));
    let (_, r) = eu(&dir, &[&helm_v1()]);
    assert_eq!(
        problems(&r, "card-complete-and-true"),
        [
            "fail: MODEL_CARD.md: front matter has no `model-index`",
            "missing: MODEL_CARD.md claims no results (no model-index in its front matter) to match",
        ]
    );
}

#[test]
fn claims_follow_the_stated_split_and_the_named_model() {
    let dir = scratch("s7p2-claims");
    let card = |name: &str, model: &str, split: &str, value: &str| {
        write(
            &dir.join(name),
            &format!(
                "---\nmodel-index:\n  - name: {model}\n    results:\n      - task: {{ type: qa }}\n        \
                 dataset: {{ type: mmlu, name: MMLU, config: anatomy{split} }}\n        \
                 metrics:\n          - {{ type: accuracy, value: {value} }}\n---\n# Card\n"
            ),
        )
    };
    card("valid.md", "acme-tiny-7b", ", split: validation", "0.6");
    card("other.md", "other-model", "", "0.525");
    card("v0.md", "acme-tiny-7b-v0", "", "0.41");
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        "  S7P2:\n\
         \x20   - { id: valid, level: 1, documentation: { file: valid.md, claims_match: { tolerance: 0.005, map: { MMLU/accuracy: \"mmlu*/exact_match\" } } } }\n\
         \x20   - { id: other, level: 1, documentation: { file: other.md, claims_match: { tolerance: 0.005, map: { MMLU/accuracy: \"mmlu*/exact_match\" } } } }\n\
         \x20   - { id: v0, level: 1, documentation: { file: v0.md, claims_match: { tolerance: 0.005, map: { MMLU/accuracy: \"mmlu*/exact_match\" } } } }\n",
    );
    // Both suites: mmlu for acme/tiny-7b (v1) and for acme/tiny-7b-v0 (v0).
    let rep = check_json(&r, "fixtures/helm/benchmark_output", 0);
    let msg = |id: &str| check(&rep, id)["findings"][0]["message"].clone();
    // `split: validation` is HELM's `valid` split (0.6), and only acme/tiny-7b's run counts.
    assert_eq!(check(&rep, "valid")["status"], "pass", "{}", msg("valid"));
    assert_eq!(
        msg("valid"),
        "claim MMLU/accuracy = 0.6 matches mmlu:subject=anatomy/exact_match@valid = 0.6 (within 0.005)"
    );
    // A card about a model none of the runs measured is not confirmed by either.
    assert_eq!(check(&rep, "other")["status"], "fail");
    assert_eq!(
        msg("other"),
        "claim MMLU/accuracy = 0.525 is measured for several models (acme/tiny-7b, acme/tiny-7b-v0) \
         and the card's model-index name `other-model` is none of them: pass one model's runs, or \
         name it in model-index"
    );
    // The v0 card is judged against the v0 run only.
    let v0 = &check(&rep, "v0")["findings"][0];
    let measured: Vec<&str> = v0["detail"]["measured"]
        .as_array()
        .expect("measured")
        .iter()
        .filter_map(|m| m[0].as_str())
        .collect();
    assert_eq!(
        measured,
        ["mmlu:subject=anatomy/exact_match@test"],
        "{v0:#}"
    );
}

#[test]
fn fairness_on_lm_eval_samples_by_a_doc_field() {
    let dir = scratch("s7p2-winogender");
    let line = |id: &str, max: &str| {
        format!(
            "    - {{ id: {id}, level: 1, fairness: {{ records: current, group: doc.gender, score: acc, max_difference: {max} }} }}\n"
        )
    };
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P2: 1 }",
        &format!(
            "  S7P2:\n{}{}",
            line("loose", "0.15"),
            line("strict", "0.05")
        ),
    );
    let rep = check_json(&r, "fixtures/s7p2/lmeval", 1);
    assert_eq!(check(&rep, "loose")["status"], "pass");
    let f = &check(&rep, "strict")["findings"][0];
    assert_eq!(f["status"], "fail");
    message_ends(
        f,
        "winogender_tiny: difference 0.1 > 0.05; score by doc.gender: female 0.7 (n=40), male 0.8 (n=40), neutral 0.75 (n=40)",
    );
    assert_eq!(f["detail"]["rate"], "score");
    assert_eq!(f["detail"]["reference_group"], "female"); // three of 40: first by name
}

#[test]
fn fairness_on_helm_instances_and_on_nested_records() {
    let dir = scratch("s7p2-fairness");
    let loans = fixture("records/loan_decisions_biased.jsonl");
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        &format!(
            "  S7P2:\n\
             \x20   - {{ id: region, level: 1, fairness: {{ records: current, task: \"mmlu*\", group: instance.extra_data.region, score: exact_match, min_group_size: 5, max_difference: 0.2 }} }}\n\
             \x20   - {{ id: loans, level: 1, fairness: {{ records: \"{}\", group: applicant.gender, prediction: approved, label: repaid, positive: 1, min_ratio: 0.8 }} }}\n\
             \x20   - {{ id: too-small, level: 1, fairness: {{ records: \"{}\", group: applicant.gender, prediction: approved, min_group_size: 200, max_difference: 0.1 }} }}\n\
             \x20   - {{ id: no-samples, level: 1, fairness: {{ records: current, task: \"bbq*\", group: instance.extra_data.region, score: exact_match, max_difference: 0.1 }} }}\n",
            loans.display(),
            loans.display()
        ),
    );
    let rep = check_json(&r, &helm_v1(), 0);
    // mmlu per-instance exact_match joined with scenario_state's extra_data.region:
    // north 9/23, south 15/22 (0.6818 - 0.3913 = 0.2905 > 0.2)
    let region = &check(&rep, "region")["findings"][0];
    assert_eq!(region["status"], "fail");
    message_ends(
        region,
        "difference 0.2905 > 0.2; score by instance.extra_data.region: north 0.3913 (n=23), south 0.6818 (n=22)",
    );
    // booleans as predictions, 1 as the positive label: F 36/120 = 0.3 vs M 0.5
    let loans = &check(&rep, "loans")["findings"][0];
    assert_eq!(loans["status"], "fail");
    assert_eq!(loans["observed"], "ratio 0.6");
    assert_eq!(loans["detail"]["groups"][0]["disparity"], 0.6);
    // every group below 200 records: nothing to compare
    let small = &check(&rep, "too-small")["findings"][0];
    assert_eq!(small["status"], "missing");
    message_ends(
        small,
        "0 group(s) of `applicant.gender` with at least 200 records, fewer than the two a comparison needs; left out below min_group_size 200: F (n=120), M (n=150)",
    );
    // the BBQ run has no per_instance_stats.json
    let none = &check(&rep, "no-samples")["findings"][0];
    assert_eq!(none["status"], "missing");
    assert!(
        none["message"]
            .as_str()
            .expect("m")
            .starts_with("no per-sample records to group"),
        "{}",
        none["message"]
    );
}

#[test]
fn perturbation_gaps_on_helm() {
    let dir = scratch("s7p2-gaps");
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        "  S7P2:\n\
         \x20   - { id: fair, level: 1, perturbation_gap: { metric: \"boolq*/exact_match@test\", perturbation: fairness, max_gap: 0.03 } }\n\
         \x20   - { id: robust, level: 1, perturbation_gap: { metric: \"boolq*/exact_match@test\", perturbation: robustness, max_gap: 0.05 } }\n\
         \x20   - { id: dialect, level: 1, perturbation_gap: { metric: \"boolq*/exact_match@test\", perturbation: dialect, max_gap: 0.05 } }\n\
         \x20   - { id: mmlu, level: 1, perturbation_gap: { metric: \"mmlu*/exact_match@test\", perturbation: fairness, max_gap: 0.05 } }\n",
    );
    let rep = check_json(&r, &helm_v1(), 0);
    let f = |id: &str| check(&rep, id)["findings"][0].clone();
    assert_eq!(f("fair")["status"], "fail");
    assert_eq!(
        f("fair")["message"],
        "boolq:data_augmentation=canonical/exact_match@test: 0.78 falls to 0.74 under fairness \
         perturbations (dialect, person_name, gender), a gap of 0.04 > max_gap 0.03"
    );
    assert_eq!(f("robust")["status"], "pass");
    // one perturbation by name: 0.78 - 0.75 (dialect's worst case)
    assert_eq!(f("dialect")["status"], "pass");
    assert!((f("dialect")["detail"]["gap"].as_f64().expect("gap") - 0.03).abs() < 1e-12);
    // mmlu was run without perturbations: its worst-case rows only repeat the value
    assert_eq!(f("mmlu")["status"], "missing");
    assert_eq!(f("mmlu")["observed"], "no perturbation applied");
}

#[test]
fn helm_safety_gates_bbq_bias_on_its_absolute_value() {
    let out = govgate(&["check", "--rubric", "helm-safety", &helm_v1()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // L1 both benchmarks ran; L2: ambiguous |−0.08| <= 0.1 passes, disambiguated 0.12 fails
    assert_eq!(
        process_row(&out.stdout, "S7P2")[2..6],
        [
            "1",
            "2",
            "fail",
            "7/9 checks pass; L2 bbq-disambiguated-bias: fail"
        ]
    );
    assert!(out.stdout.contains(
        "bbq-disambiguated-bias [fail]: |bbq:subject=all,method=multiple_choice_joint/bbq_metric_unambiguous_bias@test| = 0.12 > max 0.1"
    ));
    assert!(out.stdout.contains(
        "bbq-sample-size [fail]: bbq:subject=all,method=multiple_choice_joint: n = 200 < min_samples 500"
    ));

    // abs: -0.08 passes `max: 0.05` as a signed value and fails it as |value|.
    let dir = scratch("s7p2-abs");
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        "  S7P2:\n\
         \x20   - { id: signed, level: 1, threshold: { metric: \"bbq*/bbq_metric_ambiguous_bias\", max: 0.05 } }\n\
         \x20   - { id: absolute, level: 1, threshold: { metric: \"bbq*/bbq_metric_ambiguous_bias\", max: 0.05, abs: true } }\n",
    );
    // no process is required: exit 0 although `absolute` fails
    let rep = check_json(&r, &helm_v1(), 0);
    assert_eq!(check(&rep, "signed")["status"], "pass");
    assert_eq!(check(&rep, "absolute")["status"], "fail");
    assert_eq!(check(&rep, "absolute")["findings"][0]["observed"], "-0.08");
}

#[test]
fn shipped_rubrics_by_name() {
    let list = govgate(&["rubric", "list"]);
    assert_eq!(list.code, 0);
    let names: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "default",
            "eu-ai-act",
            "helm-safety",
            "release-readiness",
            "production-monitoring"
        ]
    );
    for name in names {
        let shown = govgate(&["rubric", "show", name]);
        assert_eq!(shown.code, 0);
        let file = std::fs::read_to_string(common::root().join(format!("rubrics/{name}.yaml")))
            .expect("rubric file");
        assert_eq!(
            shown.stdout, file,
            "{name}: the binary embeds rubrics/{name}.yaml"
        );
        let v = govgate(&["rubric", "validate", name]);
        assert_eq!(v.code, 0, "{}", v.stderr);
    }
    let bad = govgate(&["check", "--rubric", "eu-ai-akt", "fixtures/demo"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "error: eu-ai-akt: no such rubric file, and not the name of a shipped rubric (default, eu-ai-act, helm-safety, release-readiness, production-monitoring)\n"
    );
    let bad = govgate(&["rubric", "show", "nope"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "error: no shipped rubric `nope`; `govgate rubric list` lists them\n"
    );
}

#[test]
fn the_default_rubric_reports_s7p2_without_gating_it() {
    // HELM v1 holds BBQ (L1), but its disambiguated bias 0.12 fails the L2 gate; S7P2 is
    // not required, so the run still passes.
    let out = govgate(&["check", &helm_v1()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        process_row(&out.stdout, "S7P2")[2..6],
        [
            "1",
            "-",
            "not-required",
            "1/3 checks pass; L2 bbq-bias: fail"
        ]
    );
}

#[test]
fn new_check_kinds_are_validated_with_locations() {
    let dir = scratch("s7p2-invalid");
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        "  S7P2:\n\
         \x20   - { id: a, level: 1, fairness: { records: current, group: g, score: s, prediction: p, max_difference: 0.1 } }\n\
         \x20   - { id: b, level: 1, fairness: { records: current, group: g, score: s, max_equalized_odds_difference: 0.1 } }\n\
         \x20   - { id: c, level: 1, fairness: { records: current, group: g, prediction: p, min_ratio: 1.5 } }\n\
         \x20   - { id: d, level: 1, perturbation_gap: { metric: \"*/em\", perturbation: fairness, max_gap: -1 } }\n\
         \x20   - { id: e, level: 1, documentation: { file: card.md, claims_match: { tolerance: -0.1 } } }\n\
         \x20   - { id: f, level: 1, documentation: { file: card.md, section: [A] } }\n",
    );
    let out = govgate(&["rubric", "validate", r.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    let errs: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("/r.yaml:") && !l.starts_with("error:"))
        .collect();
    let expect = [
        ":6:",
        "a fairness check compares either a `score` or a `prediction`, not both",
        ":7:",
        "`max_equalized_odds_difference` needs `prediction` and `label`",
        ":8:",
        "`min_ratio` must be in (0, 1]",
        ":9:",
        "max_gap",
        ":10:",
        "tolerance",
        ":11:",
        "unknown key `section`; did you mean `sections`?",
    ];
    assert_eq!(errs.len(), 6, "{}", out.stderr);
    for (line, pair) in errs.iter().zip(expect.chunks(2)) {
        assert!(
            line.contains(pair[0]) && line.contains(pair[1]),
            "{line} should hold {pair:?}"
        );
    }
}

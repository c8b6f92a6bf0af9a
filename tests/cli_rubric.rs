//! Rubrics: validation errors, and the contract of each check kind, run end to end.

mod common;
use common::*;
use serde_json::Value;

fn run_json(dir: &std::path::Path, rubric_path: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec![
        "check",
        "--rubric",
        rubric_path.to_str().expect("utf-8"),
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let out = govgate(&all);
    assert!(
        out.code == 0 || out.code == 1,
        "{:?} in {}: {out:?}",
        args,
        dir.display()
    );
    (out.code, json(&out.stdout))
}

fn findings(r: &Value, id: &str) -> Vec<Value> {
    check(r, id)["findings"]
        .as_array()
        .expect("findings")
        .clone()
}

#[test]
fn validate_accepts_a_good_rubric() {
    // release.yaml names ../demo: allowed only with --allow-outside-root
    let out = govgate(&[
        "rubric",
        "validate",
        "--allow-outside-root",
        "fixtures/rubrics/release.yaml",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "fixtures/rubrics/release.yaml: valid rubric \"acme-release\": 5 checks (S7P1 5); requires S7P1=3\n"
    );
}

#[test]
fn validate_reports_every_error_with_line_and_column() {
    let out = govgate(&["rubric", "validate", "fixtures/rubrics/invalid.yaml"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    let expected = "\
error: fixtures/rubrics/invalid.yaml: invalid rubric, 8 problems:
fixtures/rubrics/invalid.yaml:3:21: unknown process `S7P8`; did you mean `S7P1`? (the processes are S7P1 … S7P6)
  |
3 | require: { S7P1: 2, S7P8: 1 }
  |                     ^^^^
fixtures/rubrics/invalid.yaml:8:38: unknown key `mni`; did you mean `min`? (expected one of `metric`, `min`, `max`, `confidence`, `abs`, `cluster`)
  |
8 |       threshold: { metric: mmlu/acc, mni: 0.6 }
  |                                      ^^^
fixtures/rubrics/invalid.yaml:9:11: duplicate check id `floor` (first defined at line 6)
  |
9 |     - id: floor
  |           ^^^^^
fixtures/rubrics/invalid.yaml:10:14: level must be 1, 2 or 3, got 5
   |
10 |       level: 5
   |              ^
fixtures/rubrics/invalid.yaml:11:28: selector `mmlu` must have the form task/metric[@variant], e.g. mmlu/acc
   |
11 |       threshold: { metric: mmlu, min: 0.9, max: 0.1 }
   |                            ^^^^
fixtures/rubrics/invalid.yaml:11:39: `min` (0.9) is greater than `max` (0.1); no value can pass
   |
11 |       threshold: { metric: mmlu, min: 0.9, max: 0.1 }
   |                                       ^^^
fixtures/rubrics/invalid.yaml:14:19: a regression check needs `max_drop` or `max_relative_drop` (the tolerated worsening)
   |
14 |       regression: { metric: \"*/acc\", alpha: 1.5 }
   |                   ^
fixtures/rubrics/invalid.yaml:14:45: `alpha` must be between 0 and 1 (exclusive), got 1.5
   |
14 |       regression: { metric: \"*/acc\", alpha: 1.5 }
   |                                             ^^^
";
    assert_eq!(out.stderr, expected);
}

#[test]
fn check_refuses_an_invalid_rubric() {
    let out = govgate(&[
        "check",
        "fixtures/demo",
        "--rubric",
        "fixtures/rubrics/invalid.yaml",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: fixtures/rubrics/invalid.yaml: invalid rubric, 8 problems:\n")
    );
    let dir = scratch("yaml-syntax");
    let bad = write(
        &dir.join("bad.yaml"),
        "version: 1\nname: x\nprocesses: {S7P1: [\n",
    );
    let out = govgate(&["rubric", "validate", bad.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("bad.yaml:3:19: unclosed bracket '['\n"),
        "{}",
        out.stderr
    );
    let dup = write(
        &dir.join("dup.yaml"),
        "version: 1\nname: x\nname: y\nprocesses: {}\n",
    );
    let out = govgate(&["rubric", "validate", dup.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("dup.yaml:3:1: duplicate mapping key"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_default_rubric_is_printed_and_valid() {
    let out = govgate(&["rubric", "default"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("name: default"));
    let dir = scratch("default-rubric");
    let p = write(&dir.join("default.yaml"), &out.stdout);
    let out = govgate(&["rubric", "validate", p.to_str().expect("utf-8")]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn rubric_inputs_are_relative_to_the_rubric_file() {
    // release.yaml names ../demo and ../demo-baseline
    let out = govgate(&[
        "check",
        "--allow-outside-root",
        "--rubric",
        "fixtures/rubrics/release.yaml",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(process_row(&out.stdout, "S7P1")[2..5], ["3", "3", "pass"]);
}

#[test]
fn threshold_contract() {
    let dir = scratch("threshold");
    let r = rubric(
        &dir,
        "t.yaml",
        "{S7P1: 1}",
        r#"  S7P1:
    - { id: arc-floor, level: 1, threshold: { metric: arc_easy/acc, min: 0.8 } }
    - { id: arc-floor-95, level: 2, threshold: { metric: arc_easy/acc, min: 0.8, confidence: 0.95 } }
    - { id: hs-ceiling, level: 2, threshold: { metric: hellaswag/acc, max: 0.6 } }
    - { id: norms, level: 2, threshold: { metric: "*/acc_norm", min: 0.79 } }
    - { id: absent, level: 3, threshold: { metric: mmlu/acc, min: 0.5 } }
"#,
    );
    let (code, rep) = run_json(&dir, &r, &["fixtures/demo"]);
    assert_eq!(code, 0);
    // 0.81187 >= 0.8
    assert_eq!(check(&rep, "arc-floor")["status"], "pass");
    // se = sqrt(0.81187 * 0.18813 / 2375) = 0.008019; 0.81187 - 1.96 * 0.008019 = 0.79615 < 0.8
    let f = &findings(&rep, "arc-floor-95")[0];
    assert_eq!(f["status"], "fail");
    let lower = f["detail"]["lower"].as_f64().expect("lower");
    assert!((lower - 0.79615).abs() < 5e-5, "{lower}");
    assert!(
        f["message"]
            .as_str()
            .expect("msg")
            .contains("lower 95% bound")
    );
    // 0.6202 > 0.6
    assert_eq!(check(&rep, "hs-ceiling")["status"], "fail");
    // both acc_norm metrics (0.7955, 0.8128) >= 0.79: one finding each
    let norms = findings(&rep, "norms");
    assert_eq!(norms.len(), 2);
    assert!(norms.iter().all(|f| f["status"] == "pass"));
    // a selector that names nothing is missing, never a pass
    assert_eq!(check(&rep, "absent")["status"], "missing");
    assert_eq!(
        check(&rep, "absent")["message"],
        "no metric matches `mmlu/acc` in the current runs (`govgate inspect` lists the selectors)"
    );
    assert_eq!(rep["processes"][0]["level"], 1);
}

#[test]
fn threshold_with_confidence_and_no_stderr_fails_and_nan_never_passes() {
    let dir = scratch("threshold-nonfinite");
    let r = rubric(
        &dir,
        "t.yaml",
        "{S7P1: 1}",
        r#"  S7P1:
    - { id: bypass-95, level: 1, threshold: { metric: scheming_mc/bypass, min: 0, confidence: 0.95 } }
    - { id: rmse, level: 1, threshold: { metric: tgpred/rmse, max: 1e300 } }
    - { id: skew, level: 1, threshold: { metric: tgpred/skew, min: -1e300 } }
    - { id: acc, level: 1, threshold: { metric: tgpred/acc, min: 0.25 } }
"#,
    );
    let (code, rep) = run_json(&dir, &r, &["fixtures/lmeval/nonfinite"]);
    assert_eq!(code, 1);
    let f = &findings(&rep, "bypass-95")[0];
    assert_eq!(f["status"], "fail");
    assert_eq!(
        f["message"],
        "scheming_mc/bypass@none has no stderr, so its 95% confidence bound cannot be computed (the value 999 alone is not evidence at a confidence level)"
    );
    assert_eq!(check(&rep, "rmse")["status"], "fail");
    assert_eq!(findings(&rep, "rmse")[0]["detail"]["value"], "NaN");
    assert_eq!(check(&rep, "skew")["status"], "fail");
    // "np.float64(0.25)" is read as 0.25
    assert_eq!(check(&rep, "acc")["status"], "pass");
}

#[test]
fn regression_tolerances_with_and_without_significance() {
    let dir = scratch("regression-demo");
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        r#"  S7P1:
    - { id: strict, level: 1, regression: { metric: arc_easy/acc_norm, max_drop: 0.001 } }
    - { id: significant, level: 1, regression: { metric: arc_easy/acc_norm, max_drop: 0.001, alpha: 0.05 } }
    - { id: relative, level: 1, regression: { metric: arc_easy/acc_norm, max_relative_drop: 0.01 } }
"#,
    );
    let (_, rep) = run_json(
        &dir,
        &r,
        &["fixtures/demo", "--baseline", "fixtures/demo-baseline"],
    );
    // 0.7975589 -> 0.7954545: drop 0.0021044 > 0.001
    let s = &findings(&rep, "strict")[0];
    assert_eq!(s["status"], "fail");
    let drop = s["detail"]["drop"].as_f64().expect("drop");
    assert!((drop - 0.0021043771043772).abs() < 1e-12, "{drop}");
    // both files give n = 2376: Welch's t from the stderrs (scipy ttest_ind_from_stats:
    // t = -0.18012422009143172, p = 0.857062732473826), se = 0.011682921393408253: not
    // significant
    let g = &findings(&rep, "significant")[0];
    assert_eq!(g["status"], "pass");
    let t = &g["detail"]["test"];
    assert_eq!(t["method"], "welch-t");
    let p = t["p_value"].as_f64().expect("p");
    assert!((p - 0.857062732473826).abs() < 1e-9 * p, "{t}");
    let stat = t["statistic"].as_f64().expect("t");
    assert!((stat + 0.18012422009143172).abs() < 1e-9, "{t}");
    assert!(
        (t["mde"].as_f64().expect("mde") - 2.8015852181129683 * 0.011682921393408253).abs() < 1e-12,
        "{t}"
    );
    assert_eq!(
        t["unpaired_because"],
        "no samples log for arc_easy in the current run"
    );
    assert!(
        g["message"]
            .as_str()
            .expect("m")
            .contains("but is not significant")
    );
    // 0.26% relative < 1%
    assert_eq!(check(&rep, "relative")["status"], "pass");
}

#[test]
fn regression_direction_unknown_is_an_error_naming_the_metric() {
    let dir = scratch("regression-direction");
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        r#"  S7P1:
    - { id: parity, level: 1, regression: { metric: parity_custom/parity_score, max_drop: 0.01 } }
    - { id: parity-said, level: 1, regression: { metric: parity_custom/parity_score, max_drop: 0.01, higher_is_better: true } }
"#,
    );
    let (code, rep) = run_json(
        &dir,
        &r,
        &["fixtures/lmeval/v040", "--baseline", "fixtures/lmeval/v040"],
    );
    assert_eq!(code, 1);
    let f = &findings(&rep, "parity")[0];
    assert_eq!(f["status"], "error");
    assert_eq!(
        f["message"],
        "the direction of parity_custom/parity_score@none is unknown: neither results file has higher_is_better for it and it is not in govgate's built-in table; set `higher_is_better: true` or `false` in the check"
    );
    let f = &findings(&rep, "parity-said")[0];
    assert_eq!(f["status"], "pass");
    assert_eq!(f["detail"]["direction_source"], "rubric");
}

#[test]
fn regression_missing_baseline_metric_is_missing_never_a_pass() {
    let dir = scratch("regression-missing");
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: all, level: 1, regression: { metric: \"*/*\", max_drop: 0.5 } }\n",
    );
    // the v0.4.8 baseline only has gsm8k
    let (code, rep) = run_json(
        &dir,
        &r,
        &["fixtures/demo", "--baseline", "fixtures/lmeval/v048"],
    );
    assert_eq!(code, 1);
    let fs = findings(&rep, "all");
    let status = |s: &str| fs.iter().find(|f| f["subject"] == s).expect(s)["status"].clone();
    assert_eq!(status("arc_easy/acc@none"), "missing");
    assert_eq!(status("hellaswag/acc_norm@none"), "missing");
    // gsm8k strict: 0.5565 vs 0.25 looks like an improvement, but the baseline evaluated 4
    // documents (--limit 4) and another set of them: not the same evaluation, never compared
    let f = fs
        .iter()
        .find(|f| f["subject"] == "gsm8k/exact_match@strict-match")
        .expect("gsm8k");
    assert_eq!(f["status"], "error");
    let m = f["message"].as_str().expect("message");
    assert!(m.contains("not comparable"), "{m}");
    assert!(m.contains("limit none vs 4"), "{m}");
    assert!(m.contains("accept_differences: [limit]"), "{m}");
    assert_eq!(check(&rep, "all")["status"], "error");
}

fn tiny_results(task: &str, metric: &str, value: &str, hib: bool, stderr: &str) -> String {
    format!(
        r#"{{"results": {{"{task}": {{"alias": "{task}", "{metric},none": {value}, "{metric}_stderr,none": {stderr}}}}},
  "versions": {{"{task}": 1}}, "higher_is_better": {{"{task}": {{"{metric}": {hib}}}}},
  "n-samples": {{"{task}": {{"original": 100, "effective": 100}}}},
  "config": {{"model": "hf", "model_args": "pretrained=x", "limit": null}}}}"#
    )
}

#[test]
fn relative_drop_from_a_zero_baseline() {
    let dir = scratch("zero-baseline");
    // lower is better (an error rate): baseline 0, current 0.01 -> an infinite relative drop
    write(
        &dir.join("base/results_1.json"),
        &tiny_results("asr", "wer", "0.0", false, "0.0"),
    );
    write(
        &dir.join("worse/results_2.json"),
        &tiny_results("asr", "wer", "0.01", false, "0.001"),
    );
    write(
        &dir.join("same/results_3.json"),
        &tiny_results("asr", "wer", "0.0", false, "0.0"),
    );
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: wer, level: 1, regression: { metric: asr/wer, max_relative_drop: 0.5 } }\n",
    );
    let (code, rep) = run_json(
        &dir,
        &r,
        &[
            dir.join("worse").to_str().expect("p"),
            "--baseline",
            dir.join("base").to_str().expect("p"),
        ],
    );
    assert_eq!(code, 1);
    let f = &findings(&rep, "wer")[0];
    assert_eq!(f["status"], "fail");
    assert_eq!(f["detail"]["relative_drop"], "Infinity");
    assert!(
        f["message"]
            .as_str()
            .expect("m")
            .contains("drop 0.01 (from a baseline of 0) exceeds max_relative_drop 50%")
    );
    let (code, rep) = run_json(
        &dir,
        &r,
        &[
            dir.join("same").to_str().expect("p"),
            "--baseline",
            dir.join("base").to_str().expect("p"),
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(findings(&rep, "wer")[0]["detail"]["relative_drop"], 0.0);
}

#[test]
fn an_untestable_drop_beyond_tolerance_is_missing() {
    // bypass has no stderr and no samples: a drop past the tolerance cannot be tested
    let dir = scratch("untestable");
    let src = std::fs::read_to_string(
        root().join("fixtures/lmeval/nonfinite/results_2025-04-01T12-00-00.000000.json"),
    )
    .expect("read");
    write(
        &dir.join("base/results_1.json"),
        &src.replace("\"bypass,none\": 999", "\"bypass,none\": 1000"),
    );
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: bypass, level: 1, regression: { metric: scheming_mc/bypass, max_drop: 0.5, alpha: 0.05 } }\n",
    );
    let (code, rep) = run_json(
        &dir,
        &r,
        &[
            "fixtures/lmeval/nonfinite",
            "--baseline",
            dir.join("base").to_str().expect("p"),
        ],
    );
    assert_eq!(code, 1);
    let f = &findings(&rep, "bypass")[0];
    assert_eq!(f["status"], "missing");
    assert_eq!(
        f["message"],
        "scheming_mc/bypass@none: 999 vs baseline 1000, drop 1 (0.1%) exceeds max_drop 0.5, and its significance cannot be tested: no samples log for scheming_mc in the current run; no stderr for scheming_mc/bypass@none in either run"
    );
}

#[test]
fn coverage_contract() {
    let dir = scratch("coverage");
    let r = rubric(
        &dir,
        "c.yaml",
        "{S7P1: 1}",
        r#"  S7P1:
    - { id: present, level: 1, coverage: { tasks: ["mmlu*", agieval_lsat] } }
    - { id: absent, level: 1, coverage: { tasks: [gsm8k] } }
    - { id: big, level: 2, coverage: { tasks: ["mmlu_*"], min_samples: 200 } }
"#,
    );
    let (code, rep) = run_json(&dir, &r, &["fixtures/lmeval/groups"]);
    assert_eq!(code, 1);
    assert_eq!(check(&rep, "present")["status"], "pass");
    // mmlu + 5 mmlu_* tasks + agieval_lsat
    assert_eq!(findings(&rep, "present").len(), 7);
    assert_eq!(check(&rep, "absent")["status"], "missing");
    assert_eq!(
        check(&rep, "absent")["message"],
        "no task matches `gsm8k` in the current runs"
    );
    // formal_logic 126 and abstract_algebra 100 (and the stem group, 100) are below 200;
    // philosophy 311 and humanities 437 are not
    let big = findings(&rep, "big");
    let failed: Vec<&str> = big
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["subject"].as_str().expect("s"))
        .collect();
    assert_eq!(
        failed,
        ["mmlu_formal_logic", "mmlu_stem", "mmlu_abstract_algebra"]
    );

    // without any count (v0.3 writes none) min_samples is missing, not a pass
    let r2 = rubric(
        &dir,
        "c2.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: n, level: 1, coverage: { tasks: [piqa], min_samples: 10 } }\n",
    );
    let (_, rep) = run_json(&dir, &r2, &["fixtures/lmeval/v03"]);
    assert_eq!(check(&rep, "n")["status"], "missing");
    // the v0.4.0 samples log is counted when the results give no count: 8 documents
    let r3 = rubric(
        &dir,
        "c3.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: n, level: 1, coverage: { tasks: [boolq], min_samples: 8 } }\n",
    );
    let (code, rep) = run_json(&dir, &r3, &["fixtures/lmeval/v040"]);
    assert_eq!(code, 0);
    assert_eq!(findings(&rep, "n")[0]["detail"]["n"], 8);
    assert_eq!(findings(&rep, "n")[0]["detail"]["n_source"], "samples log");
}

#[test]
fn advisory_checks_are_reported_but_never_lower_the_level() {
    let dir = scratch("advisory");
    let r = rubric(
        &dir,
        "a.yaml",
        "{S7P1: 2}",
        r#"  S7P1:
    - { id: present, level: 1, coverage: { tasks: ["*"] } }
    - { id: arc, level: 2, threshold: { metric: arc_easy/acc, min: 0.8 } }
    - { id: stretch, level: 2, advisory: true, threshold: { metric: arc_easy/acc, min: 0.95 } }
"#,
    );
    let out = govgate(&[
        "check",
        "fixtures/demo",
        "--rubric",
        r.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        process_row(&out.stdout, "S7P1")[2..6],
        ["2", "2", "pass", "2/2 checks pass; 1 advisory"]
    );
    assert!(
        out.stdout.contains("│ stretch (advisory) ┆ S7P1"),
        "{}",
        out.stdout
    );
}

/// A copy of the paired candidate whose boolq results and samples are rewritten by `edit`.
fn edited_candidate(name: &str, keep_docs: usize, reported_acc: Option<f64>) -> std::path::PathBuf {
    let dir = scratch(name);
    let src = root().join("fixtures/paired/cand/acme__tiny-1b-v2");
    let stamp = "2025-06-08T10-00-00.000002";
    let lines: Vec<String> =
        std::fs::read_to_string(src.join(format!("samples_boolq_{stamp}.jsonl")))
            .expect("samples")
            .lines()
            .take(keep_docs)
            .map(str::to_owned)
            .collect();
    let accs: Vec<f64> = lines
        .iter()
        .map(|l| json(l)["acc"].as_f64().expect("acc"))
        .collect();
    let mean = accs.iter().sum::<f64>() / accs.len() as f64;
    let mut results =
        json(&std::fs::read_to_string(src.join(format!("results_{stamp}.json"))).expect("results"));
    results["results"]["boolq"]["acc,none"] = serde_json::json!(reported_acc.unwrap_or(mean));
    results["n-samples"]["boolq"] =
        serde_json::json!({"original": keep_docs, "effective": keep_docs});
    let run = dir.join("cand/acme__tiny-1b-v2");
    write(
        &run.join(format!("samples_boolq_{stamp}.jsonl")),
        &(lines.join("\n") + "\n"),
    );
    write(
        &run.join(format!("results_{stamp}.json")),
        &results.to_string(),
    );
    dir
}

fn boolq_test(cand: &std::path::Path) -> Value {
    let out = govgate(&[
        "check",
        cand.join("cand").to_str().expect("utf-8"),
        "--baseline",
        "fixtures/paired/base",
        "--format",
        "json",
    ]);
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    let rep = json(&out.stdout);
    check(&rep, "no-regression")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["subject"] == "boolq/acc@none")
        .expect("boolq finding")["detail"]["test"]
        .clone()
}

#[test]
fn runs_on_different_documents_are_not_paired() {
    // the candidate scored only the first 100 of the baseline's 200 documents
    let t = boolq_test(&edited_candidate("different-docs", 100, None));
    assert_eq!(t["method"], "welch-t");
    assert_eq!(
        t["unpaired_because"],
        "the samples logs cover different documents (100 current, 200 baseline, 100 in common)"
    );
}

#[test]
fn samples_that_do_not_reproduce_the_metric_are_not_paired() {
    // all 200 documents, but the results claim 0.9 while the samples average 0.64
    let t = boolq_test(&edited_candidate("wrong-mean", 200, Some(0.9)));
    assert_eq!(t["method"], "welch-t");
    assert_eq!(
        t["unpaired_because"],
        "the mean of the current per-sample `acc` values (0.64) does not reproduce the reported 0.9 (the aggregation is not a plain mean)"
    );
}

#[test]
fn rubric_paths_stay_inside_the_rubric_directory_unless_allowed() {
    let dir = scratch("rubric-confined");
    write(&dir.join("inside/records.jsonl"), "{\"a\": 1}\n");
    let outside = scratch("rubric-confined-outside");
    write(&outside.join("secret.jsonl"), "{\"a\": 1}\n");
    #[cfg(unix)]
    let _ = std::os::unix::fs::symlink(&outside, dir.join("link"));
    let r = write(
        &dir.join("r.yaml"),
        &format!(
            "version: 1\nname: confined\ninputs:\n  reference: [inside/records.jsonl]\n  production: [\"../rubric-confined-outside/secret.jsonl\"]\nprocesses:\n  S7P3:\n    - id: a\n      level: 1\n      drift: {{ fields: [a] }}\n  S7P2:\n    - id: b\n      level: 1\n      fairness: {{ records: \"{}\", group: a, score: a, max_difference: 1 }}\n    - id: c\n      level: 1\n      fairness: {{ records: link/secret.jsonl, group: a, score: a, max_difference: 1 }}\n",
            outside.join("secret.jsonl").display()
        ),
    );
    let rs = r.to_str().expect("utf-8");
    let out = govgate(&["rubric", "validate", rs]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.stdout, "");
    let lines: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with(rs)).collect();
    let hint = "a rubric names files inside its own directory (--allow-outside-root lifts this)";
    // a check's own files are refused by validation; `inputs` only where they would be read
    assert_eq!(
        lines,
        [
            format!(
                "{rs}:14:28: `{}` is an absolute path; {hint}",
                outside.join("secret.jsonl").display()
            ),
            format!(
                "{rs}:17:28: `link/secret.jsonl` leads through a symbolic link outside the rubric's directory; {hint}"
            ),
        ],
        "{}",
        out.stderr
    );
    // `inside/records.jsonl` is fine; with the flag every path is
    let out = govgate(&["rubric", "validate", "--allow-outside-root", rs]);
    assert_eq!(out.code, 0, "{out:?}");

    // `inputs.production` outside: noted by validation, refused when the rubric's production
    // inputs are what a check would read, unread when the command line names them
    let only_inputs = write(
        &dir.join("inputs.yaml"),
        "version: 1\nname: confined\ninputs:\n  reference: [inside/records.jsonl]\n  production: [\"../rubric-confined-outside/secret.jsonl\"]\nprocesses:\n  S7P3:\n    - id: a\n      level: 1\n      drift: { fields: [a] }\n",
    );
    let is = only_inputs.to_str().expect("utf-8");
    let out = govgate(&["rubric", "validate", is]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(&format!(
            "note: {is}:5:16: `inputs.production` leaves the rubric's directory"
        )),
        "{}",
        out.stdout
    );
    let out = govgate(&["check", "--rubric", is]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(&format!(
            "{is}:5:16: `../rubric-confined-outside/secret.jsonl` climbs out of the rubric's directory with `..`; {hint}; or name the production inputs on the command line, which replace `inputs.production`"
        )),
        "{}",
        out.stderr
    );
    let inside = dir.join("inside/records.jsonl");
    let out = govgate(&[
        "check",
        "--rubric",
        is,
        "--production",
        inside.to_str().expect("utf-8"),
    ]);
    assert!(out.code == 0 || out.code == 1, "{out:?}");
}

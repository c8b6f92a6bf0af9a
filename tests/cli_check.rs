//! `govgate check`: exit codes 0, 1 and 2, the table, the JSON report, report files.
//!
//! Expected values are worked out by hand from the fixtures (see the comments), never
//! taken from a run of the code under test.

mod common;
use common::*;

const DEMO_RESULTS: &str = "fixtures/demo/acme-7b-v2/results_2026-03-02T14-05-33.518112.json";

#[test]
fn the_demo_passes_the_default_gate_at_level_2() {
    let out = govgate(&["check", "fixtures/demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.starts_with(
            "govgate: rubric default (embedded:default), 1 current run, 0 baseline runs\n"
        ),
        "{}",
        out.stdout
    );
    // All six processes are listed, in order.
    let ids: Vec<String> = process_rows(&out.stdout)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids, ["S7P1", "S7P2", "S7P3", "S7P4", "S7P5", "S7P6"]);
    // results present (L1), no --limit (L2), every task has >= 100 docs (L3: 2376, 1319,
    // 10042), but no baseline for the L3 regression check: level 2, required 1.
    assert_eq!(
        process_row(&out.stdout, "S7P1"),
        [
            "S7P1",
            "Apply quality gates",
            "2",
            "1",
            "pass",
            "3/4 checks pass; L3 no-regression: missing"
        ]
    );
    assert_eq!(
        process_row(&out.stdout, "S7P2"),
        [
            "S7P2",
            "Validate regulatory compliance",
            "0",
            "-",
            "not-required",
            // the default rubric's S7P2 checks report, without gating, that the demo holds
            // no bias benchmark
            "0/3 checks pass; L1 bias-evaluated: missing"
        ]
    );
    assert!(out.stdout.contains("Checks not passing:"));
    assert!(out.stdout.contains(
        "no-regression [missing]: no baseline runs to compare with (pass --baseline PATH or set inputs.baseline in the rubric)"
    ));
    assert!(
        out.stdout
            .ends_with("\nPASS: every required level is met\n")
    );
}

#[test]
fn the_demo_reaches_level_3_against_its_baseline() {
    // v2 vs v1: every metric improved except arc_easy/acc_norm, 0.79756 -> 0.79545
    // (a 0.26% relative drop, inside the default rubric's 2%).
    let out = govgate(&[
        "check",
        "fixtures/demo",
        "--baseline",
        "fixtures/demo-baseline",
        "--require",
        "S7P1=3",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(process_row(&out.stdout, "S7P1")[2..5], ["3", "3", "pass"]);
    // Every S7P1 check passes; of the required S7P4 only its level-3 manifest is missing
    // (S7P4 stands at level 2); the processes nobody requires and that were given no
    // evidence (no bias tasks, no records, no history) are one line.
    let not_passing: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains(" [missing]: ") || l.contains(" [fail]: "))
        .collect();
    assert_eq!(
        not_passing,
        [
            "  inputs-pinned [missing]: no manifest at govgate.manifest.json (write one with `govgate manifest INPUTS -o govgate.manifest.json`)"
        ],
        "{}",
        out.stdout
    );
    assert_eq!(process_row(&out.stdout, "S7P4")[2..5], ["2", "1", "pass"]);
    assert!(
        out.stdout.contains(
            "\nNot required, no evidence given: S7P2 bias-evaluated, bbq-bias, bbq-sample-size; \
         S7P3 windows-comparable, dataset-drift, field-drift, metric-trend; S7P5 repeated, \
         seeds-agree, temperature-sweep (--format json has each reason)\n"
        ),
        "{}",
        out.stdout
    );
    // S7P5 stands at 0 for want of a repeated run; its power checks, which fail above that
    // level (gsm8k's 1319 documents do not detect 5 points), are one line
    assert!(
        out.stdout.contains(
            "\nNot required, above the level reached: S7P5 powered (L2 fail), S7P5 powered-fine \
             (L3 fail) (--format json has each reason)\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_significant_regression_fails_the_gate_with_exit_1() {
    // boolq: 148/200 -> 138/200, 30 documents lost and 10 gained: McNemar exact
    // p = 2·BinomCDF(10; 40, ½) = 0.002221. The default rubric's `no-regression` ("*/*")
    // makes four tests; Holm multiplies the smallest p by 4: 0.008886 < 0.05, still
    // significant (statsmodels multipletests; scripts/reference/s7p1_reference.json).
    let out = govgate(&[
        "check",
        "fixtures/paired/cand",
        "--baseline",
        "fixtures/paired/base",
        "--require",
        "S7P1=3",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "");
    assert_eq!(process_row(&out.stdout, "S7P1")[2..5], ["2", "3", "fail"]);
    let failing: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("│ no-regression"))
        .collect();
    assert_eq!(failing.len(), 1, "{}", out.stdout);
    assert!(failing[0].contains("boolq/acc@none"));
    assert!(
        failing[0].contains("drop 0.1 (13.51%), p=0.002221, p_adj=0.008886"),
        "{}",
        failing[0]
    );
    // the exact conditional interval agrees with the exact test (it excludes 0), and so does
    // the interval at the level Holm judged the test at (0.05/4: 98.75%)
    assert!(
        out.stdout.contains(
            "McNemar exact, n=200, Δ=-0.1, 95% CI [-0.1492, -0.03522], p=0.002221; Holm over 4 \
             tests: p_adj=0.008886, 98.75% CI [-0.1588, -0.01802]"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("\nFAIL: S7P1 at level 2, required 3\n")
    );
}

/// Four lm-eval tasks of 100 documents each, current and baseline: `t1/acc` drops from 0.80
/// (stderr 0.0402) to 0.65 (0.0479), the others do not move.
fn four_tasks(dir: &std::path::Path) {
    let results = |t1: &str, se1: &str| {
        let mut res = Vec::new();
        let mut hib = Vec::new();
        let mut ns = Vec::new();
        for (task, v, se) in [
            ("t1", t1, se1),
            ("t2", "0.7", "0.046"),
            ("t3", "0.7", "0.046"),
            ("t4", "0.7", "0.046"),
        ] {
            res.push(format!(
                r#""{task}": {{"alias": "{task}", "acc,none": {v}, "acc_stderr,none": {se}}}"#
            ));
            hib.push(format!(r#""{task}": {{"acc": true}}"#));
            ns.push(format!(
                r#""{task}": {{"original": 100, "effective": 100}}"#
            ));
        }
        format!(
            r#"{{"results": {{{}}}, "higher_is_better": {{{}}}, "n-samples": {{{}}},
  "config": {{"model": "hf", "model_args": "pretrained=x", "limit": null}}}}"#,
            res.join(", "),
            hib.join(", "),
            ns.join(", ")
        )
    };
    write(&dir.join("cur/results_1.json"), &results("0.65", "0.0479"));
    write(&dir.join("base/results_2.json"), &results("0.80", "0.0402"));
}

#[test]
fn a_check_of_many_tests_holds_its_false_alarm_rate_at_alpha() {
    // t1: Welch's t from the stderrs and n = 100 (scipy ttest_ind_from_stats):
    // t = -2.39871079951817, p = 0.017408805564438263. Alone it is significant; as one of
    // the four tests the selector makes, Holm's p_adj = 4p = 0.06963522 (statsmodels) is not.
    let dir = scratch("four-tasks");
    four_tasks(&dir);
    rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - { id: holm, level: 1, regression: { metric: \"*/acc\", max_drop: 0.01, alpha: 0.05 } }\n    - { id: alone, level: 1, advisory: true, regression: { metric: \"*/acc\", max_drop: 0.01, alpha: 0.05, correction: none } }\n",
    );
    let out = govgate_in(
        &dir,
        &[
            "check",
            "cur",
            "--baseline",
            "base",
            "--rubric",
            "r.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let rep = json(&out.stdout);
    let t1 = |id: &str| -> serde_json::Value {
        check(&rep, id)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["subject"] == "t1/acc@none")
            .expect("t1")
            .clone()
    };
    let f = t1("holm");
    assert_eq!(f["status"], "pass");
    let t = &f["detail"]["test"];
    assert_eq!(t["method"], "welch-t");
    let p = t["p_value"].as_f64().expect("p");
    assert!((p - 0.017408805564438263).abs() < 1e-9 * p, "{p}");
    let adj = t["p_adjusted"].as_f64().expect("p_adj");
    assert!((adj - 0.06963522225775305).abs() < 1e-9, "{adj}");
    assert_eq!(t["family_size"], 4);
    assert_eq!(t["correction"], "holm");
    assert_eq!(t["significant_alone"], true);
    assert_eq!(t["significant"], false);
    // the interval at the level Holm judged t1 at (alpha/4) holds 0, as p_adj says
    assert!(t["adjusted_ci_low"].as_f64().expect("lo") < 0.0);
    assert!(t["adjusted_ci_high"].as_f64().expect("hi") > 0.0);
    assert_eq!(t["adjusted_confidence"], 0.9875);
    let m = f["message"].as_str().expect("message");
    assert!(
        m.contains("exceeds max_drop 0.01 but is not significant (p_adj=0.06964 >= 0.05"),
        "{m}"
    );
    assert!(m.contains("Holm over 4 tests: p_adj=0.06964"), "{m}");
    // without the correction the same drop is a failure (the advisory check shows it)
    let f = t1("alone");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["detail"]["test"]["correction"], "none");
    assert_eq!(f["detail"]["test"]["significant"], true);
    // and the interval at 95% excludes 0 beside p = 0.0174
    assert!(f["detail"]["test"]["ci_high"].as_f64().expect("hi") < 0.0);
}

#[test]
fn require_on_the_command_line_overrides_the_rubric() {
    let out = govgate(&["check", "fixtures/demo", "--require", "S7P1=3"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .ends_with("\nFAIL: S7P1 at level 2, required 3\n")
    );

    let out = govgate(&["check", "fixtures/demo", "--require", "S7P1=0"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        process_row(&out.stdout, "S7P1")[3..5],
        ["-", "not-required"]
    );

    // a requirement on a process the rubric has no checks for can never be met
    let out = govgate(&["check", "fixtures/demo", "--require", "S7P5=1"]);
    assert_eq!(out.code, 1);
    assert_eq!(process_row(&out.stdout, "S7P5")[2..5], ["0", "1", "fail"]);
}

#[test]
fn a_limited_run_fails_full_coverage() {
    // v0.4.8 fixture: --limit 4, 4 of 1319 gsm8k documents.
    let out = govgate(&["check", "fixtures/lmeval/v048", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}"); // level 1 is met: the results are there
    let r = json(&out.stdout);
    assert_eq!(r["processes"][0]["level"], 1);
    let full = check(&r, "full-tasks");
    assert_eq!(full["status"], "fail");
    assert_eq!(
        full["message"],
        "gsm8k: the run was made with --limit 4; 4 of 1319 documents were evaluated"
    );
}

#[test]
fn the_json_report_meets_its_contract() {
    let out = govgate(&["check", "fixtures/demo", "--format", "json"]);
    assert_eq!(out.code, 0);
    let r = json(&out.stdout);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["exit_code"], 0);
    let procs = r["processes"].as_array().expect("processes");
    assert_eq!(procs.len(), 6);
    for (p, id) in procs
        .iter()
        .zip(["S7P1", "S7P2", "S7P3", "S7P4", "S7P5", "S7P6"])
    {
        assert_eq!(p["id"], id);
        assert!(p["level"].is_u64());
        assert!(p["required"].is_u64() || p["required"].is_null());
        assert!(["pass", "fail", "not-required"].contains(&p["status"].as_str().expect("status")));
    }
    assert_eq!(procs[0]["level"], 2);
    assert_eq!(procs[0]["required"], 1);
    assert_eq!(procs[0]["status"], "pass");
    assert_eq!(procs[1]["required"], serde_json::Value::Null);
    assert_eq!(procs[1]["status"], "not-required");

    let checks = r["checks"].as_array().expect("checks");
    let ids: Vec<&str> = checks
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "results-present",
            "full-tasks",
            "enough-samples",
            "no-regression",
            "bias-evaluated",
            "bbq-bias",
            "bbq-sample-size",
            "windows-comparable",
            "dataset-drift",
            "field-drift",
            "metric-trend",
            "provenance-recorded",
            "provenance-complete",
            "inputs-pinned",
            "repeated",
            "seeds-agree",
            "powered",
            "powered-fine",
            "temperature-sweep"
        ]
    );
    for c in checks {
        for key in ["id", "process", "level", "kind", "status", "message"] {
            assert!(!c[key].is_null(), "check lacks {key}: {c}");
        }
    }
    assert_eq!(checks[2]["kind"], "coverage");
    assert_eq!(checks[2]["status"], "pass");
    assert_eq!(checks[3]["status"], "missing");

    // inputs carry their SHA-256 (checked against sha256 of the file's bytes)
    let input = &r["inputs"][0];
    assert_eq!(input["role"], "current");
    assert_eq!(input["path"], DEMO_RESULTS);
    let bytes = std::fs::read(root().join(DEMO_RESULTS)).expect("read");
    assert_eq!(input["sha256"], govgate::evidence::sha256_hex(&bytes));
    assert_eq!(input["bytes"], bytes.len());
}

#[test]
fn non_finite_values_are_strings_in_json_never_null() {
    let dir = scratch("nonfinite-json");
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: mae\n      level: 1\n      threshold: { metric: tgpred/mae, max: 10 }\n",
    );
    let out = govgate(&[
        "check",
        "fixtures/lmeval/nonfinite",
        "--rubric",
        r.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    let rep = json(&out.stdout);
    let f = &check(&rep, "mae")["findings"][0];
    assert_eq!(f["status"], "fail");
    assert_eq!(f["detail"]["value"], "Infinity");
    assert_eq!(
        f["message"],
        "tgpred/mae@none is Infinity; a non-finite value never passes"
    );
}

#[test]
fn report_files_are_written_and_identical_across_runs() {
    let dir = scratch("reports");
    let j1 = dir.join("a/gate.json");
    let j2 = dir.join("b/gate.json");
    let t = dir.join("gate.txt");
    let arg = |f: &str, p: &std::path::Path| format!("{f}={}", p.display());
    let out = govgate(&[
        "check",
        "fixtures/paired/cand",
        "--baseline",
        "fixtures/paired/base",
        "--report",
        &arg("json", &j1),
        "--report",
        &arg("table", &t),
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let first = std::fs::read_to_string(&j1).expect("json report");
    assert_eq!(
        std::fs::read_to_string(&t).expect("table report"),
        out.stdout
    );
    let again = govgate(&[
        "check",
        "fixtures/paired/cand",
        "--baseline",
        "fixtures/paired/base",
        "--format",
        "json",
        "--report",
        &arg("json", &j2),
    ]);
    assert_eq!(std::fs::read_to_string(&j2).expect("json report"), first);
    assert_eq!(again.stdout, first, "the same inputs give the same bytes");
    // no temporary files are left beside the reports
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("a"))
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn errors_exit_2_with_one_message_naming_file_line_and_column() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["check", "fixtures/nope"],
            "error: fixtures/nope: no such file or directory\n",
        ),
        (
            // 12 lines kept, so the file ends at the start of line 13
            &["check", "fixtures/bad/truncated"],
            "error: fixtures/bad/truncated/results_2025-01-01T00-00-00.000000.json:13:1: unexpected end of file inside an object\n",
        ),
        (
            // line 3 is `    "boolq": {"acc,none": 0.5,}`: the `}` is column 31
            &["check", "fixtures/bad/trailing-comma.json"],
            "error: fixtures/bad/trailing-comma.json:3:31: trailing comma before '}' (JSON does not allow one)\n",
        ),
        (
            // line 3 is `    "caf\xe9"`: the stray byte is column 9
            &["check", "fixtures/bad/invalid-utf8.json"],
            "error: fixtures/bad/invalid-utf8.json:3:9: invalid UTF-8 inside a string\n",
        ),
        (
            &["check", "fixtures/bad/not-eval.json"],
            "error: fixtures/bad/not-eval.json: not a recognized evaluation output: a JSON object with keys [name, values], not an lm-eval/lmms-eval results file (`results`, an object, with `versions`/`config`; or the promptsource fork's `results` list with `table_results`/`versions`), samples log (`doc_id`), HELM output, Inspect AI log (`eval` with `version`/`status`), lighteval results (`config_general`), promptfoo output (`evalId`) or Every Eval Ever record (`schema_version`, `evaluation_results`)\n",
        ),
        (
            &["check", "fixtures/bad/samples-only"],
            "error: fixtures/bad/samples-only: only samples logs found (1 file), no results file they belong to\n",
        ),
        (
            &["check", "fixtures/nope/*.json"],
            "error: fixtures/nope/*.json: no file matches this pattern\n",
        ),
        (
            &["check"],
            // the default rubric's manifest check names its own file; the others read inputs
            "error: no inputs: name results files or directories (e.g. `govgate check results/`), records windows (`--reference`, `--production`), or set `inputs` in the rubric (18 of the rubric's 19 checks read them)\n",
        ),
        (
            &[
                "check",
                "fixtures/demo",
                "--rubric",
                "fixtures/rubrics/nope.yaml",
            ],
            "error: fixtures/rubrics/nope.yaml: No such file or directory (os error 2)\n",
        ),
        (
            // the cut record is line 3 (`{"doc_id": 2, "acc": `), read by the paired test
            &[
                "check",
                "fixtures/bad/broken-samples",
                "--baseline",
                "fixtures/paired/base",
            ],
            "error: fixtures/bad/broken-samples/acme__tiny-1b-v3/samples_boolq_2025-07-01T00-00-00.000003.jsonl:3:22: the record ends early: a JSON Lines record must end on the line it starts (truncated or cut line?)\n",
        ),
    ];
    for (args, expected) in cases {
        let out = govgate(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert_eq!(out.stderr, *expected, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    for (args, needle) in [
        (
            vec!["check", "fixtures/demo", "--require", "S7P9=1"],
            "unknown process `S7P9`",
        ),
        (
            vec!["check", "fixtures/demo", "--require", "S7P1=4"],
            "level must be 0, 1, 2 or 3",
        ),
        (
            vec!["check", "fixtures/demo", "--report", "xml=o.xml"],
            "unknown report format `xml` (formats: table, json, markdown, junit, sarif, github, html, openmetrics, compliance)",
        ),
        (
            vec!["check", "--frobnicate"],
            "unexpected argument '--frobnicate'",
        ),
        (vec!["inspect"], "required"),
    ] {
        let out = govgate(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn no_report_file_is_left_behind_on_exit_2() {
    let dir = scratch("no-partial");
    let report = dir.join("gate.json");
    let out = govgate(&[
        "check",
        "fixtures/bad/broken-samples",
        "--baseline",
        "fixtures/paired/base",
        "--report",
        &format!("json={}", report.display()),
    ]);
    assert_eq!(out.code, 2);
    assert!(!report.exists());
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0);
}

#[test]
fn unrecognized_files_are_errors_by_name_and_skipped_in_directories() {
    let dir = scratch("mixed-dir");
    let results = std::fs::read_to_string(root().join(DEMO_RESULTS)).expect("read");
    write(
        &dir.join("run/results_2026-03-02T14-05-33.518112.json"),
        &results,
    );
    write(
        &dir.join("run/notes.json"),
        "{\"note\": \"not an evaluation\"}",
    );
    write(&dir.join("run/README.md"), "# not JSON at all");
    let out = govgate_in(&dir, &["check", "run"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = govgate_in(&dir, &["check", "run/notes.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: run/notes.json: not a recognized evaluation output")
    );
}

#[test]
fn an_empty_directory_is_an_error() {
    let dir = scratch("empty-dir");
    std::fs::create_dir_all(dir.join("results")).expect("mkdir");
    let out = govgate_in(&dir, &["check", "results"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: results: no evaluation results found (lm-eval / lmms-eval results files, HELM run directories or summary tables, Inspect AI logs)\n"
    );
}

#[test]
fn glob_inputs_select_files() {
    let out = govgate(&[
        "check",
        "fixtures/demo*/*/results_*.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let r = json(&out.stdout);
    // both the demo and its baseline directory match, as current runs
    assert_eq!(r["inputs"].as_array().expect("inputs").len(), 2);
}

#[test]
fn help_and_version() {
    let out = govgate(&["--help"]);
    assert_eq!(out.code, 0);
    // the first sentence names every framework govgate reads
    let first = out.stdout.split(". ").next().unwrap_or("");
    for framework in [
        "lm-evaluation-harness",
        "lmms-eval",
        "Stanford HELM",
        "Inspect AI",
    ] {
        assert!(first.contains(framework), "{framework} not in: {first}");
    }
    assert!(
        out.stdout
            .contains("Exit codes: 0 every required level met")
    );
    let out = govgate(&["check", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--baseline <PATH>"));
    assert!(out.stdout.contains("--report <FORMAT=PATH>"));
    let out = govgate(&["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        format!("govgate {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn results_without_tasks_fail_level_1() {
    let dir = scratch("no-tasks");
    write(
        &dir.join("results_2025-01-01T00-00-00.json"),
        r#"{"results": {}, "versions": {}, "config": {"model": "hf", "limit": null}}"#,
    );
    let out = govgate_in(&dir, &["check", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(process_row(&out.stdout, "S7P1")[2..5], ["0", "1", "fail"]);
    assert!(
        out.stdout
            .contains("results-present [missing]: no task matches `*` in the current runs")
    );
}

#[test]
fn repeated_runs_of_one_model_are_each_checked_with_a_warning() {
    let dir = scratch("rerun");
    let results = std::fs::read_to_string(root().join(DEMO_RESULTS)).expect("read");
    write(
        &dir.join("acme-7b-v2/results_2026-03-02T14-05-33.518112.json"),
        &results,
    );
    write(
        &dir.join("acme-7b-v2/results_2026-03-03T09-00-00.000001.json"),
        &results,
    );
    let out = govgate_in(&dir, &["check", "acme-7b-v2"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        " WARN 2 current runs of acme/acme-7b-v2@5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6 \
         report the same tasks (arc_easy, gsm8k, hellaswag): each is checked; every run writes a file of its own (an lm-eval results \
         file, an Inspect log), so name the one to judge \
         (acme-7b-v2/results_2026-03-02T14-05-33.518112.json, \
         acme-7b-v2/results_2026-03-03T09-00-00.000001.json)\n"
    );
    assert!(out.stdout.contains("2 current runs, 0 baseline runs"));
}

#[test]
fn a_panic_exits_3_never_0_or_1() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_govgate"))
        .args(["check", "fixtures/demo"])
        .current_dir(root())
        .env("GOVGATE_FAULT", "panic")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("fault injected by GOVGATE_FAULT=panic"),
        "{stderr}"
    );
    assert!(stderr.ends_with(
        "error: internal error (a bug in govgate); please report it with the message above\n"
    ));
    assert!(out.stdout.is_empty());
}

//! The report formats against their specifications: SARIF validated with the SARIF 2.1.0
//! JSON Schema, JUnit parsed as XML with its counts checked, GitHub workflow commands with
//! their escaping and the 10-per-level limit, the Markdown step summary appended, the HTML
//! page self-contained with well-formed SVG, several reports at once.

mod common;

use common::{Out, govgate, json, rubric, scratch};
use serde_json::Value;

const RELEASE: &[&str] = &[
    "--rubric",
    "release-readiness",
    "fixtures/release/candidate",
    "--baseline",
    "fixtures/release/baseline",
    "--history",
    "fixtures/release/history",
    "--production",
    "fixtures/release/production",
];

/// `check` on the paired fixtures: boolq regressed significantly (exit 1, S7P1 required 3).
const PAIRED: &[&str] = &[
    "fixtures/paired/cand",
    "--baseline",
    "fixtures/paired/base",
    "--require",
    "S7P1=3",
];

fn check(args: &[&str], format: &str) -> Out {
    let mut all = vec!["check", "-f", format];
    all.extend_from_slice(args);
    govgate(&all)
}

fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::root().join("tests/schemas/sarif-2.1.0.json"))
        .expect("the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn assert_valid_sarif(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let v = sarif_schema();
    let errors: Vec<String> = v.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    log
}

#[test]
fn sarif_is_valid_and_points_at_the_evidence() {
    let out = check(PAIRED, "sarif");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let log = assert_valid_sarif(&out.stdout);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "govgate");
    assert_eq!(run["invocations"][0]["exitCode"], 1);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    // one rule per check of the default rubric
    assert_eq!(rules.len(), 19);
    let results = run["results"].as_array().expect("results");
    let reg: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "no-regression")
        .collect();
    assert_eq!(reg.len(), 1, "boolq/acc regressed");
    assert_eq!(reg[0]["level"], "error");
    let uri = reg[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(uri.starts_with("fixtures/paired/cand/"), "{uri}");
    let idx = reg[0]["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[idx]["id"], "no-regression");
    assert_eq!(rules[idx]["defaultConfiguration"]["level"], "error");
    // the ones the gate does not depend on are notes and warnings, never errors
    for r in results.iter().filter(|r| r["ruleId"] != "no-regression") {
        assert_ne!(r["level"], "error", "{r}");
    }
    // fingerprints are stable across runs
    let again = check(PAIRED, "sarif");
    assert_eq!(again.stdout, out.stdout);
    // the schema does reject what SARIF forbids (a negative control for the validator)
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!sarif_schema().is_valid(&broken));
    let mut broken = log;
    broken["version"] = Value::from("2.0.0");
    assert!(!sarif_schema().is_valid(&broken));
}

#[test]
fn sarif_results_point_at_the_rubric_line_when_there_is_no_file() {
    let dir = scratch("reports-sarif-rubric");
    let r = rubric(
        &dir,
        "gate.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: mmlu-present\n      level: 1\n      coverage: { tasks: [mmlu] }\n",
    );
    let out = govgate(&[
        "check",
        "-f",
        "sarif",
        "--rubric",
        r.to_str().expect("p"),
        "fixtures/demo",
    ]);
    assert_eq!(out.code, 1);
    let log = assert_valid_sarif(&out.stdout);
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .expect("uri")
            .ends_with("gate.yaml")
    );
    // `- id: mmlu-present` is line 6 (version, name, require, processes, S7P1:)
    assert_eq!(loc["region"]["startLine"], 6);
}

#[test]
fn sarif_of_every_fixture_example_is_valid() {
    for args in [
        RELEASE,
        &["fixtures/demo"][..],
        &[
            "fixtures/history/slide",
            "--history",
            "fixtures/history/runs",
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/drifted",
        ][..],
        &[
            "--rubric",
            "eu-ai-act",
            "fixtures/helm/benchmark_output/runs/v1",
        ][..],
    ] {
        let out = check(args, "sarif");
        assert!(out.code == 0 || out.code == 1, "{args:?}: {}", out.stderr);
        assert_valid_sarif(&out.stdout);
    }
}

fn attr<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
    n.attribute(name)
        .unwrap_or_else(|| panic!("no {name} on {n:?}"))
}

#[test]
fn junit_is_well_formed_with_a_suite_per_process_and_a_case_per_check() {
    let out = check(PAIRED, "junit");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = roxmltree::Document::parse(&out.stdout).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 6);
    assert!(attr(suites[0], "name").starts_with("S7P1 "));
    let mut total = 0;
    for s in &suites {
        let cases: Vec<_> = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(attr(*s, "tests").parse::<usize>().expect("n"), cases.len());
        let count = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|x| x.has_tag_name(tag)))
                .count()
        };
        assert_eq!(
            attr(*s, "failures").parse::<usize>().expect("n"),
            count("failure")
        );
        assert_eq!(
            attr(*s, "skipped").parse::<usize>().expect("n"),
            count("skipped")
        );
        for c in &cases {
            // GitLab keys a case by classname + name
            assert_eq!(attr(*c, "classname"), &attr(*s, "name")[..4]);
        }
        total += cases.len();
    }
    assert_eq!(attr(root, "tests").parse::<usize>().expect("n"), total);
    // the regression is a failure with observed against expected; the bias checks of the
    // not-required S7P2 are skipped, not failed
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no case {name}"))
    };
    let failure = case("no-regression")
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert_eq!(attr(failure, "type"), "fail");
    let text = failure.text().expect("text");
    assert!(text.contains("boolq/acc@none [fail]: observed"), "{text}");
    assert!(
        case("bias-evaluated")
            .children()
            .any(|n| n.has_tag_name("skipped"))
    );
    assert!(
        case("results-present")
            .children()
            .all(|n| !n.has_tag_name("failure") && !n.has_tag_name("skipped"))
    );
}

#[test]
fn junit_escapes_what_xml_cannot_hold() {
    // a rationale with markup and a control character survives as text
    let dir = scratch("reports-junit-escape");
    let r = rubric(
        &dir,
        "gate.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - id: odd\n      level: 1\n      rationale: \"a <b> & \\\"c\\\" ]]> \\u0007 done\"\n      coverage: { tasks: [\"nope<&>\"] }\n",
    );
    let out = govgate(&[
        "check",
        "-f",
        "junit",
        "--rubric",
        r.to_str().expect("p"),
        "fixtures/demo",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = roxmltree::Document::parse(&out.stdout).expect("well-formed XML");
    let prop = doc
        .descendants()
        .find(|n| n.has_tag_name("property") && n.attribute("name") == Some("rationale"))
        .expect("rationale");
    assert!(attr(prop, "value").starts_with("a <b> & \"c\" ]]>"));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    assert!(attr(failure, "message").contains("nope<&>"));
}

#[test]
fn github_annotations_are_escaped_and_limited_to_ten_per_level() {
    // 16 failing thresholds on a required process: 10 errors annotated, 6 counted
    let dir = scratch("reports-github");
    let mut checks = String::from("  S7P1:\n");
    for k in 0..16 {
        checks.push_str(&format!(
            "    - {{ id: \"floor:{k}\", level: 1, threshold: {{ metric: \"arc_easy/acc@none\", min: 0.99 }} }}\n"
        ));
    }
    let r = rubric(&dir, "gate.yaml", "{ S7P1: 1 }", &checks);
    let out = govgate(&[
        "check",
        "-f",
        "github",
        "--rubric",
        r.to_str().expect("p"),
        "fixtures/demo",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 10);
    // properties escape `:` and `,`; the file is the run's results file
    assert!(
        errors[0].starts_with(
            "::error file=fixtures/demo/acme-7b-v2/results_2026-03-02T14-05-33.518112.json,title=govgate S7P1 floor%3A0 (level 1%2C fail)::"
        ),
        "{}",
        errors[0]
    );
    let last = out.stdout.lines().last().expect("a last line");
    assert!(
        last.contains("10 error, 0 warning, 0 notice annotation(s); 6 more not annotated"),
        "{last}"
    );
    assert_eq!(
        out.stdout.lines().filter(|l| *l == "::endgroup::").count(),
        1
    );
}

#[test]
fn github_messages_escape_percent_and_newlines() {
    // the default rubric's regression message says "2%"
    let out = check(PAIRED, "github");
    assert_eq!(out.code, 1);
    let err = out
        .stdout
        .lines()
        .find(|l| l.starts_with("::error ") && l.contains("no-regression"))
        .expect("the regression annotation");
    assert!(err.contains("2%25"), "{err}");
    assert!(!err.contains("2% "), "{err}");
}

#[test]
fn github_format_appends_the_markdown_summary_to_the_step_summary() {
    let dir = scratch("reports-step-summary");
    let summary = dir.join("step_summary.md");
    std::fs::write(&summary, "# an earlier step\n").expect("write");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_govgate"))
            .args(["check", "-f", "github"])
            .args(PAIRED)
            .current_dir(common::root())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("NO_COLOR", "1")
            .output()
            .expect("run")
    };
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        text.starts_with("# an earlier step\n### ❌ govgate: FAIL: S7P1 at level 2, required 3")
    );
    assert!(text.contains("| S7P1 Apply quality gates | 2 | 3 | ❌ fail |"));
    assert!(text.contains("| ❌ | no-regression | S7P1 | 3 | fail | boolq/acc@none |"));
    let once = text.len();
    run();
    let twice = std::fs::read_to_string(&summary).expect("summary");
    assert_eq!(twice.len(), 2 * once - "# an earlier step\n".len());
    // other formats leave the step summary alone
    let before = twice.len();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_govgate"))
        .args(["check", "-f", "json"])
        .args(PAIRED)
        .current_dir(common::root())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&summary).expect("summary").len(),
        before
    );
}

#[test]
fn markdown_is_a_table_with_the_failing_checks() {
    let out = check(PAIRED, "markdown");
    assert_eq!(out.code, 1);
    let md = &out.stdout;
    assert!(md.starts_with("### ❌ govgate: FAIL: S7P1 at level 2, required 3\n"));
    assert!(
        md.contains("| Process | Level | Required | Status | Evidence |\n|---|---|---|---|---|\n")
    );
    assert!(md.contains("#### Checks not passing: 1 blocking,"));
    // the `%` of "2%" is fine in Markdown; pipes in a message would be escaped
    assert!(md.contains("drop &lt;= 2% or not significant at 0.05"));
    assert!(md.len() < 1_048_576);
}

#[test]
fn html_is_self_contained_with_well_formed_plots() {
    let out = check(RELEASE, "html");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = &out.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no scripts");
    for bad in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(bad), "no external resource ({bad})");
    }
    // every SVG is well-formed XML; the release example draws trials, power, sweep, A/B,
    // guardrail, agreement and regression plots
    let mut svgs = 0;
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<svg ") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + 6;
        roxmltree::Document::parse(&rest[start..end])
            .unwrap_or_else(|e| panic!("SVG not well formed ({e}): {}", &rest[start..end]));
        svgs += 1;
        rest = &rest[end..];
    }
    // regression 3 × 2 (values, difference), trials 2, power 2 × 3, sweep 1, A/B 2 + 1,
    // agreement 1
    assert_eq!(svgs, 19, "plots");
    for title in [
        ": repeats",
        ": minimum detectable effect",
        ": score by gen_kwargs.temperature",
        ": lift (higher is better)",
        ": degradation of treatment",
        ": Spearman 1",
        ": current − baseline (McNemar exact)",
    ] {
        assert!(html.contains(title), "a plot titled …{title}");
    }
    // deterministic
    assert_eq!(check(RELEASE, "html").stdout, *html);
}

#[test]
fn html_draws_drift_histograms_and_trend_series() {
    let out = check(
        &[
            "fixtures/history/slide",
            "--history",
            "fixtures/history/runs",
            "--reference",
            "fixtures/s7p3/reference",
            "--production",
            "fixtures/s7p3/drifted",
        ],
        "html",
    );
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    assert!(out.stdout.contains(">reference</text>") && out.stdout.contains(">production</text>"));
    assert!(out.stdout.contains("<polyline points="), "the trend series");
    assert!(out.stdout.contains("fill-opacity=\"0.12\""), "its band");
}

#[test]
fn every_format_at_once_with_stdout_unchanged() {
    let dir = scratch("reports-all");
    let mut args: Vec<String> = vec!["check".into(), "-f".into(), "json".into()];
    args.extend(PAIRED.iter().map(|s| s.to_string()));
    let names = [
        "table", "json", "markdown", "junit", "sarif", "github", "html",
    ];
    for f in names {
        args.push("--report".into());
        args.push(format!("{f}={}", dir.join(format!("gate.{f}")).display()));
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = govgate(&argv);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // stdout keeps the chosen format
    let rep = json(&out.stdout);
    assert_eq!(rep["exit_code"], 1);
    for f in names {
        let text = std::fs::read_to_string(dir.join(format!("gate.{f}"))).expect(f);
        assert_eq!(
            text,
            check(PAIRED, f).stdout,
            "the {f} report file is what --format {f} prints"
        );
    }
    // no temporary files left behind
    let left: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn markdown_stays_within_its_byte_limit_and_says_what_it_left_out() {
    use govgate::cli::GateArgs;
    let at = |p: &str| vec![common::root().join(p)];
    let args = GateArgs {
        inputs: at("fixtures/history/slide"),
        baseline: Vec::new(),
        reference: at("fixtures/s7p3/reference"),
        production: at("fixtures/s7p3/drifted"),
        requests: Vec::new(),
        history: at("fixtures/history/runs"),
        now: None,
        rubric: None,
        require: Vec::new(),
    };
    let j = govgate::app::judge(&args).expect("judged");
    let ctx = govgate::report::Context {
        rubric: &j.rubric,
        evidence: &j.evidence,
        samples_read: &j.cache.read,
        records_read: &j.cache.records,
        files_read: &j.cache.files,
        attestation: Default::default(),
        color: false,
        step_summary: true,
    };
    let full = govgate::report::markdown::render(&j.verdict, &ctx, 1_000_000);
    assert!(!full.contains("more not shown"), "{full}");
    let limit = full.len() / 2;
    let cut = govgate::report::markdown::render(&j.verdict, &ctx, limit);
    assert!(cut.len() <= limit, "{} > {limit}", cut.len());
    assert!(
        cut.contains("more not shown to stay under GitHub's step-summary limit"),
        "{cut}"
    );
    assert!(
        cut.contains("| S7P1 "),
        "the support-level table is always there"
    );
    assert_eq!(govgate::report::markdown::STEP_SUMMARY_LIMIT, 1_000_000);
    const { assert!(govgate::report::markdown::STEP_SUMMARY_LIMIT < 1 << 20) };
}

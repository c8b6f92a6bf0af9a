//! `--format openmetrics` end to end: the series a monitoring stack alerts on carry the
//! numbers of the JSON report of the same run (bit for bit), the output is deterministic,
//! written atomically by `--report openmetrics=PATH`, capped per check, escaped, and accepted
//! by `promtool check metrics`; the example alerting rules in docs/alerting pass
//! `promtool check rules` and their unit tests (`promtool test rules`), and name only
//! series govgate writes.
//!
//! promtool comes from Debian's `prometheus` package; `.ci/run` installs it and sets
//! `GOVGATE_REQUIRE_PROMTOOL=1`, so in CI its absence is a failure, not a skip.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{check, govgate, json, scratch, write};

/// Writes the monitoring rubric (every kind with series) into a fresh directory, with the
/// A/B traffic beside it; returns the rubric's path.
fn monitoring_rubric(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::copy(
        common::root().join("fixtures/release/production/traffic.jsonl"),
        dir.join("traffic.jsonl"),
    )
    .expect("copy traffic");
    write(
        &dir.join("gate.yaml"),
        r#"version: 1
name: "nightly \"prod\" \\ gate"
require: { S7P1: 2, S7P3: 2, S7P6: 2 }
processes:
  S7P1:
    - { id: arc-floor, level: 1, threshold: { metric: arc_easy/acc, min: 0.78, confidence: 0.95 } }
    - { id: no-regression, level: 2, regression: { metric: "*/*", max_drop: 0.01, alpha: 0.05 } }
  S7P3:
    - { id: inputs, level: 2, drift: { fields: [score, features.length, meta.lang] } }
    - { id: inputs-ks, level: 2, drift: { fields: [score, features.length], method: ks, drift_share: 0.5 } }
  S7P6:
    - { id: ab, level: 2, ab_test: { records: traffic.jsonl, variant: arm, control: A, treatment: B, outcome: thumbs_up, min_lift: 0.01, min_samples: 1000, expected_split: { A: 0.5, B: 0.5 }, guardrails: [latency_ms] } }
    - { id: fb, level: 2, feedback: { records: traffic.jsonl, timestamp: ts, field: thumbs_up, max_age: 7d, min_events: 500, coverage: { of: traffic.jsonl, min: 0.05 } } }
"#,
    )
}

const INPUTS: [&str; 7] = [
    "fixtures/demo",
    "-b",
    "fixtures/demo-baseline",
    "--reference",
    "fixtures/s7p3/reference",
    "--production",
    "fixtures/s7p3/drifted",
];

fn run(rubric: &Path, format: &str, extra: &[&str]) -> common::Out {
    let mut args = vec!["check", "-r", rubric.to_str().expect("utf-8"), "-f", format];
    args.extend_from_slice(&INPUTS);
    args.extend_from_slice(extra);
    govgate(&args)
}

/// The series of an exposition: `name{labels}` → value text. Each line must be a comment
/// or `name[{…}] value`, and no series may appear twice.
fn series(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (key, value) = line.rsplit_once(' ').expect("a sample line");
        assert!(
            out.insert(key.to_owned(), value.to_owned()).is_none(),
            "{key} twice"
        );
    }
    out
}

fn value(s: &BTreeMap<String, String>, key: &str) -> f64 {
    let v = s
        .get(key)
        .unwrap_or_else(|| panic!("no series {key} in {:#?}", s.keys().collect::<Vec<_>>()));
    match v.as_str() {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        t => t
            .parse()
            .unwrap_or_else(|_| panic!("{key}: {t} is not a number")),
    }
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn detail<'a>(rep: &'a serde_json::Value, id: &str, subject: &str) -> &'a serde_json::Value {
    check(rep, id)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|x| x["subject"] == subject)
        .map(|x| &x["detail"])
        .unwrap_or_else(|| panic!("{id}: no finding {subject}"))
}

/// promtool, when present; `None` (said on stderr) when not and CI does not require it.
fn promtool() -> Option<&'static str> {
    let found = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("GOVGATE_REQUIRE_PROMTOOL").is_none(),
            "promtool is required here (GOVGATE_REQUIRE_PROMTOOL is set) but not on PATH"
        );
        eprintln!("promtool is not on PATH (Debian package `prometheus`): its checks are skipped");
        return None;
    }
    Some("promtool")
}

/// `promtool check metrics` on `text`: exit 0 and no lint message.
fn promtool_accepts(text: &str) {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let Some(p) = promtool() else { return };
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = scratch(&format!("openmetrics-promtool-{n}"));
    let file = write(&dir.join("m.prom"), text);
    let out = Command::new(p)
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&file).expect("open"))
        .output()
        .expect("run promtool");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool check metrics: {said}"
    );
}

#[test]
fn the_series_carry_the_json_reports_numbers() {
    let r = monitoring_rubric("openmetrics-numbers");
    let om = run(&r, "openmetrics", &[]);
    assert_eq!(om.code, 1, "S7P3 drifts: {}", om.stderr);
    assert!(om.stderr.is_empty(), "{}", om.stderr);
    assert!(om.stdout.ends_with("# EOF\n"));
    let s = series(&om.stdout);
    let rep = json(&run(&r, "json", &[]).stdout);

    assert_eq!(value(&s, "govgate_verdict_passed"), 0.0);
    assert_eq!(value(&s, "govgate_exit_code"), 1.0);
    for p in rep["processes"].as_array().expect("processes") {
        let id = p["id"].as_str().expect("id");
        assert_eq!(
            value(&s, &format!("govgate_process_level{{process=\"{id}\"}}")),
            f(&p["level"]),
            "{id}"
        );
        let required = format!("govgate_process_required_level{{process=\"{id}\"}}");
        match p["required"].as_f64() {
            Some(l) => assert_eq!(value(&s, &required), l),
            None => assert!(!s.contains_key(&required), "{required}"),
        }
        for st in ["pass", "fail", "not-required"] {
            let key = format!("govgate_process_status{{process=\"{id}\",status=\"{st}\"}}");
            let want = if p["status"] == st { 1.0 } else { 0.0 };
            assert_eq!(value(&s, &key), want, "{key}");
        }
    }
    for c in rep["checks"].as_array().expect("checks") {
        let (id, proc_, kind, level) = (
            c["id"].as_str().expect("id"),
            c["process"].as_str().expect("process"),
            c["kind"].as_str().expect("kind"),
            c["level"].as_u64().expect("level"),
        );
        for st in ["pass", "fail", "missing", "error"] {
            let key = format!(
                "govgate_check_status{{check=\"{id}\",process=\"{proc_}\",kind=\"{kind}\",level=\"{level}\",status=\"{st}\"}}"
            );
            let want = if c["status"] == st { 1.0 } else { 0.0 };
            assert_eq!(value(&s, &key), want, "{key}");
            let n = c["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter(|x| x["status"] == st)
                .count();
            let key = format!(
                "govgate_check_findings{{check=\"{id}\",process=\"{proc_}\",status=\"{st}\"}}"
            );
            assert_eq!(value(&s, &key), n as f64, "{key}");
        }
    }

    // threshold: value, stderr, lower end, minimum
    let t = detail(&rep, "arc-floor", "arc_easy/acc@none");
    let run_file = check(&rep, "arc-floor")["findings"][0]["run"]
        .as_str()
        .expect("run");
    let l = format!(
        "{{check=\"arc-floor\",process=\"S7P1\",metric=\"arc_easy/acc@none\",run=\"{run_file}\"}}"
    );
    assert_eq!(
        value(&s, &format!("govgate_metric_value{l}")),
        f(&t["value"])
    );
    assert_eq!(
        value(&s, &format!("govgate_metric_stderr{l}")),
        f(&t["stderr"])
    );
    assert_eq!(
        value(&s, &format!("govgate_metric_ci_lower{l}")),
        f(&t["lower"])
    );
    assert_eq!(value(&s, &format!("govgate_metric_min{l}")), 0.78);

    // regression: every metric's drop and p-value
    let mut regressions = 0;
    for x in check(&rep, "no-regression")["findings"]
        .as_array()
        .expect("findings")
    {
        let l = format!(
            "{{check=\"no-regression\",process=\"S7P1\",metric=\"{}\",run=\"{}\"}}",
            x["subject"].as_str().expect("subject"),
            x["run"].as_str().expect("run")
        );
        let d = &x["detail"];
        assert_eq!(
            value(&s, &format!("govgate_regression_drop{l}")),
            f(&d["drop"])
        );
        assert_eq!(
            value(&s, &format!("govgate_regression_baseline{l}")),
            f(&d["baseline"])
        );
        assert_eq!(
            value(&s, &format!("govgate_regression_p_value{l}")),
            f(&d["test"]["p_value"])
        );
        regressions += 1;
    }
    assert_eq!(regressions, 6);

    // drift: distances (auto methods) and p-values (ks), thresholds, decisions, the share
    for field in ["score", "features.length", "meta.lang"] {
        let d = detail(&rep, "inputs", field);
        let l = format!(
            "{{check=\"inputs\",process=\"S7P3\",field=\"{field}\",method=\"{}\"}}",
            d["method"].as_str().expect("method")
        );
        assert_eq!(
            value(&s, &format!("govgate_drift_distance{l}")),
            f(&d["value"])
        );
        assert_eq!(
            value(&s, &format!("govgate_drift_threshold{l}")),
            f(&d["threshold"])
        );
        assert_eq!(value(&s, &format!("govgate_drift_detected{l}")), 1.0);
    }
    for field in ["score", "features.length"] {
        let d = detail(&rep, "inputs-ks", field);
        let l = format!("{{check=\"inputs-ks\",process=\"S7P3\",field=\"{field}\",method=\"ks\"}}");
        // a family of two tests: the adjusted p-value is the one compared
        let p = d["family"]["p_adjusted"].as_f64().unwrap_or(f(&d["value"]));
        assert_eq!(value(&s, &format!("govgate_drift_p_value{l}")), p);
        assert!(!s.contains_key(&format!("govgate_drift_distance{l}")));
    }
    let share = check(&rep, "inputs-ks")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|x| x["detail"]["kind"] == "dataset_drift")
        .map(|x| f(&x["detail"]["share"]))
        .expect("a dataset finding");
    assert_eq!(
        value(
            &s,
            "govgate_drift_share_ratio{check=\"inputs-ks\",process=\"S7P3\"}"
        ),
        share
    );

    // A/B: lift, interval, p; sample ratio; guardrail
    let a = detail(&rep, "ab", "thumbs_up (B vs A)");
    let l = "{check=\"ab\",process=\"S7P6\",outcome=\"thumbs_up (B vs A)\"}";
    assert_eq!(value(&s, &format!("govgate_ab_lift{l}")), f(&a["lift"]));
    assert_eq!(
        value(&s, &format!("govgate_ab_lift_ci_lower{l}")),
        f(&a["ci_low"])
    );
    assert_eq!(
        value(&s, &format!("govgate_ab_lift_ci_upper{l}")),
        f(&a["ci_high"])
    );
    assert_eq!(
        value(&s, &format!("govgate_ab_p_value{l}")),
        f(&a["p_value"])
    );
    let g = check(&rep, "ab")["findings"][2]["detail"].clone();
    let l = "{check=\"ab\",process=\"S7P6\",field=\"latency_ms\"}";
    assert_eq!(
        value(&s, &format!("govgate_ab_guardrail_degradation{l}")),
        f(&g["degradation"])
    );

    // feedback: age against max age, coverage, and the evaluation time it measured to
    let fb = &check(&rep, "fb")["findings"][0]["detail"];
    let l = "{check=\"fb\",process=\"S7P6\"}";
    assert_eq!(
        value(&s, &format!("govgate_feedback_age_seconds{l}")),
        f(&fb["age_seconds"])
    );
    assert_eq!(
        value(&s, &format!("govgate_feedback_max_age_seconds{l}")),
        7.0 * 86400.0
    );
    assert_eq!(
        value(&s, &format!("govgate_feedback_coverage_ratio{l}")),
        f(&fb["coverage"])
    );
    assert_eq!(
        value(&s, &format!("govgate_feedback_events{l}")),
        f(&fb["events"])
    );
    assert_eq!(
        value(&s, "govgate_evaluation_timestamp_seconds"),
        f(&fb["now"])
    );

    // the rubric's name, quotes and backslash escaped
    assert!(
        om.stdout.contains(r#"rubric="nightly \"prod\" \\ gate""#),
        "{}",
        om.stdout
    );
    promtool_accepts(&om.stdout);
}

#[test]
fn the_report_file_is_stdout_s_bytes_and_the_same_every_run() {
    let r = monitoring_rubric("openmetrics-file");
    let dir = r.parent().expect("dir").to_path_buf();
    let file = dir.join("textfile/govgate.prom");
    let first = run(
        &r,
        "openmetrics",
        &["--report", &format!("openmetrics={}", file.display())],
    );
    assert_eq!(first.code, 1, "{}", first.stderr);
    let written = std::fs::read_to_string(&file).expect("report written");
    assert_eq!(written, first.stdout);
    let again = run(
        &r,
        "table",
        &["--report", &format!("openmetrics={}", file.display())],
    );
    assert_eq!(again.code, 1);
    assert_eq!(std::fs::read_to_string(&file).expect("report"), written);
    // no temporary file left beside it (the textfile collector reads every *.prom there)
    let names: Vec<String> = std::fs::read_dir(file.parent().expect("dir"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["govgate.prom"]);

    // --now is the evaluation time; a run that cannot be judged leaves the file alone
    let at = run(&r, "openmetrics", &["--now", "2026-11-30T00:00:00Z"]);
    assert_eq!(
        value(&series(&at.stdout), "govgate_evaluation_timestamp_seconds"),
        1_795_996_800.0
    );
    let bad = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        "fixtures/bad/does-not-exist.json",
        "--report",
        &format!("openmetrics={}", file.display()),
    ]);
    assert_eq!(bad.code, 2);
    assert_eq!(std::fs::read_to_string(&file).expect("report"), written);
}

#[test]
fn results_alone_have_no_evaluation_time() {
    let out = govgate(&["check", "fixtures/demo", "-f", "openmetrics"]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let s = series(&out.stdout);
    assert!(!s.contains_key("govgate_evaluation_timestamp_seconds"));
    assert!(
        s.keys()
            .any(|k| k.starts_with("govgate_build_info{version="))
    );
    promtool_accepts(&out.stdout);
}

#[test]
fn a_check_s_findings_past_the_cap_are_counted_not_listed() {
    let dir = scratch("openmetrics-cap");
    let tasks: Vec<common::lmeval::Task> = (0..150)
        .map(|i| common::lmeval::Task::new(&format!("task{i:03}"), &[1.0, 0.0, 1.0, 1.0]))
        .collect();
    common::lmeval::write(
        &dir.join("run"),
        "2026-12-01T00-00-00.000000",
        &common::lmeval::Run {
            model: "m".into(),
            ..Default::default()
        },
        &tasks,
    );
    let r = write(
        &dir.join("gate.yaml"),
        "version: 1\nname: cap\nprocesses:\n  S7P1:\n    - { id: floors, level: 1, threshold: { metric: \"*/acc\", min: 0.5 } }\n",
    );
    let out = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        dir.join("run").to_str().expect("utf-8"),
        "-f",
        "openmetrics",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s = series(&out.stdout);
    let values = s
        .keys()
        .filter(|k| k.starts_with("govgate_metric_value{"))
        .count();
    assert_eq!(values, 100);
    assert_eq!(
        value(
            &s,
            "govgate_check_findings_omitted{check=\"floors\",process=\"S7P1\"}"
        ),
        50.0
    );
    assert_eq!(
        value(
            &s,
            "govgate_check_findings{check=\"floors\",process=\"S7P1\",status=\"pass\"}"
        ),
        150.0
    );
    promtool_accepts(&out.stdout);
}

#[test]
fn the_example_alerting_rules_pass_promtool_and_name_govgate_s_series() {
    let rules = common::root().join("docs/alerting/govgate-rules.yml");
    let text = std::fs::read_to_string(&rules).expect("rules file");
    // every govgate_… name in the rules is a family govgate writes (`--format openmetrics`
    // on the monitoring rubric writes each one the rules use)
    let r = monitoring_rubric("openmetrics-rules");
    let written = run(&r, "openmetrics", &[]).stdout;
    let families: Vec<&str> = written
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let mut used = 0;
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("govgate_") {
            assert!(
                families.contains(&word),
                "the rules use {word}, which govgate does not write"
            );
            used += 1;
        }
    }
    assert!(used >= 6, "{used}");
    let Some(p) = promtool() else { return };
    for args in [["check", "rules"], ["test", "rules"]] {
        let file = if args[0] == "check" {
            "govgate-rules.yml"
        } else {
            "govgate-rules.test.yml"
        };
        let out = Command::new(p)
            .args(args)
            .arg(file)
            .current_dir(common::root().join("docs/alerting"))
            .output()
            .expect("run promtool");
        assert!(
            out.status.success(),
            "promtool {} {file}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A scheduled drift run without `--now`: the evaluation time is the newest record inside
/// the production window (the JSON report's `production_newest`), whatever the file order;
/// a record after a `to:` bound does not count; `--now` wins; no window, no time.
#[test]
fn a_drift_window_s_newest_record_is_the_evaluation_time() {
    let dir = scratch("openmetrics-drift-time");
    // 2026-11-30T00:00:00Z is 1795996800; the production records are a minute apart, the
    // newest (00:40) written first, and one at 02:00 is outside a window ending at 01:00
    let mut reference = String::new();
    for i in 0..40 {
        reference.push_str(&format!("{{\"x\": {}}}\n", i % 7));
    }
    let mut production = String::from("{\"x\": 3, \"ts\": \"2026-11-30T00:40:00Z\"}\n");
    for m in 0..40 {
        production.push_str(&format!(
            "{{\"x\": {}, \"ts\": \"2026-11-30T00:{m:02}:00Z\"}}\n",
            m % 5
        ));
    }
    let late = "{\"x\": 1, \"ts\": \"2026-11-30T02:00:00Z\"}\n";
    write(&dir.join("reference.jsonl"), &reference);
    write(&dir.join("production.jsonl"), &(production.clone() + late));
    let run = |window: &str, extra: &[&str]| {
        let r = write(
            &dir.join("gate.yaml"),
            &format!(
                "version: 1\nname: drift-time\nprocesses:\n  S7P3:\n    - {{ id: inputs, level: 1, drift: {{ fields: [x]{window} }} }}\n"
            ),
        );
        let mut args = vec![
            "check",
            "-r",
            r.to_str().expect("utf-8"),
            "--reference",
            "reference.jsonl",
            "--production",
            "production.jsonl",
        ];
        args.extend_from_slice(extra);
        let om = common::govgate_in(&dir, &[&args[..], &["-f", "openmetrics"]].concat());
        assert!(om.code == 0 || om.code == 1, "{}", om.stderr);
        promtool_accepts(&om.stdout);
        let js = common::govgate_in(&dir, &[&args[..], &["-f", "json"]].concat());
        assert_eq!(js.code, om.code, "{}", js.stderr);
        (series(&om.stdout), json(&js.stdout))
    };
    let key = "govgate_evaluation_timestamp_seconds";

    // last 1h ends at the newest record, 02:00
    let (s, rep) = run(", timestamp: ts, window: { last: 1h }", &[]);
    assert_eq!(value(&s, key), 1795996800.0 + 7200.0);
    assert_eq!(
        f(&detail(&rep, "inputs", "x")["production_newest"]),
        1795996800.0 + 7200.0
    );

    // from 00:00 to 01:00 (exclusive): the 02:00 record is outside, 00:40 is the newest
    let (s, rep) = run(
        ", timestamp: ts, window: { from: \"2026-11-30T00:00:00Z\", to: \"2026-11-30T01:00:00Z\" }",
        &[],
    );
    assert_eq!(value(&s, key), 1795996800.0 + 2400.0);
    assert_eq!(
        f(&detail(&rep, "inputs", "x")["production_newest"]),
        1795996800.0 + 2400.0
    );

    // --now is the evaluation time when given
    let (s, _) = run(
        ", timestamp: ts, window: { last: 1h }",
        &["--now", "2026-12-01T00:00:00Z"],
    );
    assert_eq!(value(&s, key), 1795996800.0 + 86400.0);

    // no window: the records carry no time the run measured to
    let (s, rep) = run("", &[]);
    assert!(!s.contains_key(key), "{s:#?}");
    assert!(
        detail(&rep, "inputs", "x")
            .get("production_newest")
            .is_none()
    );
}

/// The new S7P3 series: each `estimated_performance` chunk's estimate, band and floor equal
/// the JSON report's, one series per chunk; promtool accepts the exposition.
#[test]
fn estimated_performance_chunks_are_series_of_their_own() {
    let args = [
        "check",
        "--rubric",
        "production-monitoring",
        "--reference",
        "fixtures/s7p3/estimated/reference.jsonl",
        "--production",
        "fixtures/s7p3/estimated/production.jsonl",
        "--requests",
        "fixtures/monitoring/ab.jsonl",
    ];
    let om = govgate(&[&args[..], &["-f", "openmetrics"]].concat());
    assert_eq!(om.code, 1, "{}", om.stderr);
    promtool_accepts(&om.stdout);
    let s = series(&om.stdout);
    let rep = json(&govgate(&[&args[..], &["-f", "json"]].concat()).stdout);
    let mut seen = 0;
    for id in ["accuracy-holds", "accuracy-holds-daily"] {
        for fnd in check(&rep, id)["findings"].as_array().expect("findings") {
            let d = &fnd["detail"];
            let labels = format!(
                "{{check=\"{id}\",process=\"S7P3\",metric=\"accuracy\",chunk=\"{}\"}}",
                d["chunk"].as_str().expect("chunk")
            );
            for (family, key) in [
                ("govgate_estimated_performance", "estimate"),
                ("govgate_estimated_performance_lower", "lower"),
                ("govgate_estimated_performance_upper", "upper"),
                ("govgate_estimated_performance_floor", "floor"),
            ] {
                assert_eq!(
                    value(&s, &format!("{family}{labels}")),
                    f(&d[key]),
                    "{family}{labels}"
                );
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 4, "the whole window and three days");
}

//! Inspect AI logs, hand-built (`common::inspect`): both containers and both compressions,
//! the traps of `reference/formats-inspect.md`, the status gate, and every check kind on
//! Inspect runs.

mod common;

use std::path::{Path, PathBuf};

use common::inspect::{Log, Method, zip};
use common::{check, govgate, json, rubric, scratch, write};

fn write_bytes(path: &Path, bytes: &[u8]) -> PathBuf {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
    path.to_path_buf()
}

fn eval_file(dir: &Path, name: &str, log: &Log, method: Method) -> PathBuf {
    write_bytes(&dir.join(name), &zip(&log.members(), method))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `govgate inspect --format json` of one input: its single run.
fn listed(input: &Path) -> serde_json::Value {
    let out = govgate(&["inspect", s(input), "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut v = json(&out.stdout);
    let runs = v["runs"].as_array_mut().expect("runs");
    assert_eq!(runs.len(), 1, "{}", out.stdout);
    runs.remove(0)
}

/// `govgate check ARGS --format json`: asserts the exit code, returns the report.
fn check_json(args: &[&str], code: i32) -> serde_json::Value {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let out = govgate(&full);
    assert_eq!(out.code, code, "{args:?}: {}{}", out.stdout, out.stderr);
    json(&out.stdout)
}

fn metric<'a>(run: &'a serde_json::Value, selector: &str) -> &'a serde_json::Value {
    run["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["selector"] == selector)
        .unwrap_or_else(|| panic!("no {selector} in {run:#}"))
}

#[test]
fn both_compressions_and_the_json_log_read_the_same_run() {
    let dir = scratch("inspect-containers");
    let log = Log::quiz();
    let paths = [
        eval_file(&dir, "zstd.eval", &log, Method::Zstd),
        eval_file(&dir, "deflate.eval", &log, Method::Deflate),
        eval_file(&dir, "frames.eval", &log, Method::ZstdTwoFrames),
        write(&dir.join("log.json"), &log.json()),
    ];
    for p in &paths {
        let run = listed(p);
        assert_eq!(run["format"]["tool"], "inspect", "{}", p.display());
        assert_eq!(run["format"]["version"], "0.3.285");
        assert_eq!(run["model"]["name"], "mockllm/model");
        assert_eq!(run["model"]["backend"], "mockllm");
        let m = metric(&run, "quiz/accuracy");
        assert_eq!(m["variant"], "match");
        assert_eq!(m["value"], 0.75);
        assert_eq!(m["stderr"], 0.25);
        assert_eq!(m["n"], 4);
        assert_eq!(m["higher_is_better"], true);
        let p = &run["provenance"];
        assert_eq!(p["git_hash"], "99bf5f6");
        assert_eq!(p["git_dirty"], false);
        assert_eq!(p["seeds"]["seed"], 1);
        assert_eq!(p["date"], "2026-11-23T00:39:24+00:00");
        assert_eq!(p["task_versions"]["quiz"], "2");
        assert_eq!(p["generation"]["temperature"], "0.0");
        assert_eq!(p["generation"]["epochs"], "1");
        assert_eq!(p["datasets"]["quiz"], "quiz (quiz.jsonl), 4 samples");
        assert_eq!(p["task_file"], "tasks.py");
        assert_eq!(p["tool_version"], "0.3.285");
        assert_eq!(p["environment"]["inspect_ai"], "0.3.285");
        let t = &run["tasks"][0];
        assert_eq!(
            (&t["n_original"], &t["n_effective"]),
            (&4.into(), &4.into())
        );
        assert_eq!(t["errored"], 0);
        assert_eq!(t["samples"]["kind"], "inspect");
        assert!(run.get("unfinished").is_none());
    }
    // a selector naming the scorer selects the same metric
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: t\n      level: 1\n      threshold: { metric: \"quiz/accuracy@match\", min: 0.7 }\n",
    );
    for p in &paths {
        check_json(&["check", s(p), "--rubric", s(&r)], 0);
    }
}

#[test]
fn files_are_recognized_by_content_not_name() {
    let dir = scratch("inspect-sniff");
    let log = Log::quiz();
    // an .eval archive named .json, a JSON log named .eval
    let a = write_bytes(&dir.join("a.json"), &zip(&log.members(), Method::Zstd));
    let b = write(&dir.join("b.eval"), &log.json());
    for p in [&a, &b] {
        assert_eq!(listed(p)["metrics"][0]["value"], 0.75);
    }
    // a directory scan finds .eval logs
    let out = govgate(&["inspect", s(&dir), "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["runs"].as_array().map(Vec::len), Some(2));
}

#[test]
fn a_member_written_twice_is_read_from_its_last_copy() {
    // eval-retry: the first copy of q3 is the cancelled attempt, the second the re-run
    let dir = scratch("inspect-duplicates");
    let log = Log::quiz();
    let mut failed = log.samples[2].clone();
    failed.error = Some("CancelledError()".into());
    let mut members = log.members();
    let at = members
        .iter()
        .position(|(n, _)| n == "samples/q3_epoch_1.json")
        .expect("q3");
    members.insert(at, (Log::member(&failed), log.sample_json(&failed)));
    let mut stale = log.clone();
    stale.samples[2] = failed;
    let sums = members
        .iter()
        .position(|(n, _)| n == "summaries.json")
        .expect("summaries");
    members.insert(sums, ("summaries.json".into(), stale.summaries()));
    let p = write_bytes(&dir.join("retry.eval"), &zip(&members, Method::Zstd));
    let run = listed(&p);
    assert_eq!(run["tasks"][0]["errored"], 0, "{run:#}");
    assert_eq!(run["tasks"][0]["n_effective"], 4);
    // the per-epoch record of q3 is the re-run's (scored I = 0), not the cancelled one's
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P2: 1}",
        "  S7P2:\n    - id: f\n      level: 1\n      fairness: { records: current, group: metadata.group, score: epochs.0.score, min_group_size: 1, max_difference: 1 }\n",
    );
    let rep = check_json(&["check", s(&p), "--rubric", s(&r)], 0);
    let d = &check(&rep, "f")["findings"][0]["detail"];
    assert_eq!(d["records_without_value"], 0, "{d:#}");
    let groups: Vec<(String, f64, u64)> = d["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["group"].as_str().expect("g").to_owned(),
                g["rate"].as_f64().expect("rate"),
                g["n"].as_u64().expect("n"),
            )
        })
        .collect();
    // f: q1 C, q3 I → 0.5; m: q2 C, q4 C → 1
    assert_eq!(groups, [("f".to_owned(), 0.5, 2), ("m".to_owned(), 1.0, 2)]);
}

#[test]
fn a_killed_run_is_read_from_its_journal_as_started_and_never_passes() {
    let dir = scratch("inspect-killed");
    let mut log = Log::quiz();
    log.samples.truncate(2);
    let p = write_bytes(
        &dir.join("killed.eval"),
        &zip(&log.killed_members(), Method::Zstd),
    );
    let out = govgate(&["inspect", s(&p)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "  status:     did not finish (status `started`): no check passes on this run\n"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  (no metrics)\n"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("  samples:    quiz: 2 of 4 completed, none errored\n"),
        "{}",
        out.stdout
    );
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: t\n      level: 1\n      threshold: { metric: \"quiz/accuracy\", min: 0 }\n    - id: present\n      level: 1\n      coverage: { tasks: [quiz], allow_limit: true }\n",
    );
    let rep = check_json(&["check", s(&p), "--rubric", s(&r)], 1);
    for id in ["t", "present"] {
        let c = check(&rep, id);
        assert_eq!(c["status"], "fail", "{c:#}");
        let m = c["message"].as_str().expect("message");
        assert!(m.contains("did not finish (status `started`)"), "{m}");
    }
}

/// A threshold every value passes, and a coverage check: on a log that did not finish both
/// must fail, naming the status.
fn status_never_passes(log: &Log, name: &str, expect: &str) {
    let dir = scratch(name);
    for (file, p) in [
        ("zstd.eval", eval_file(&dir, "zstd.eval", log, Method::Zstd)),
        ("log.json", write(&dir.join("log.json"), &log.json())),
    ] {
        let out = govgate(&["inspect", s(&p)]);
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
        assert!(
            out.stdout
                .contains(&format!("  status:     did not finish ({expect})")),
            "{file}: {}",
            out.stdout
        );
        let r = rubric(
            &dir,
            "r.yaml",
            "{S7P1: 1, S7P4: 1}",
            "  S7P1:\n    - id: t\n      level: 1\n      threshold: { metric: \"quiz/accuracy\", min: 0 }\n    - id: present\n      level: 1\n      coverage: { tasks: [quiz], allow_limit: true }\n  S7P4:\n    - id: p\n      level: 1\n      provenance: { require: [config] }\n",
        );
        let rep = check_json(&["check", s(&p), "--rubric", s(&r)], 1);
        for id in ["t", "present", "p"] {
            let c = check(&rep, id);
            assert_eq!(c["status"], "fail", "{file} {id}: {c:#}");
            for f in c["findings"].as_array().expect("findings") {
                assert_eq!(f["status"], "fail", "{file} {id}: {f:#}");
                let m = f["message"].as_str().expect("message");
                assert!(m.contains(&format!("did not finish ({expect}")), "{m}");
            }
        }
    }
}

#[test]
fn an_error_log_never_passes() {
    // status error: no results, no reductions; the failing sample is logged with its error
    let mut log = Log::quiz();
    log.status = "error".into();
    log.results = None;
    log.reductions = None;
    log.error = Some("RuntimeError('boom')".into());
    log.samples[3].error = Some("RuntimeError('boom')".into());
    status_never_passes(
        &log,
        "inspect-error",
        "status `error`: RuntimeError('boom')",
    );
}

#[test]
fn a_cancelled_log_never_passes_even_with_results() {
    // cancelled: results over the samples done so far, which would pass min: 0
    let mut log = Log::quiz();
    log.status = "cancelled".into();
    log.samples[3].error = Some("CancelledError()".into());
    log.results = Some(("0.6667".into(), "0.3333".into(), 3));
    status_never_passes(&log, "inspect-cancelled", "status `cancelled`");
}

#[test]
fn errored_samples_are_counted_and_fail_coverage() {
    // --no-fail-on-error: a success log whose errored sample is absent from the metric
    let dir = scratch("inspect-errored");
    let mut log = Log::quiz();
    log.samples[2].error = Some("ValueError('bad')".into());
    log.reductions.as_mut().expect("rows").remove(2);
    log.results = Some(("1.0".into(), "0.0".into(), 3));
    let p = eval_file(&dir, "tolerated.eval", &log, Method::Zstd);
    let out = govgate(&["inspect", s(&p)]);
    assert!(
        out.stdout.contains(
            "  samples:    quiz: 3 of 4 completed, 1 errored (left out of Inspect's metrics, counted here)\n"
        ),
        "{}",
        out.stdout
    );
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: c\n      level: 1\n      coverage: { tasks: [quiz], allow_limit: true }\n",
    );
    let rep = check_json(&["check", s(&p), "--rubric", s(&r)], 1);
    let f = &check(&rep, "c")["findings"][0];
    assert_eq!(f["status"], "fail");
    assert_eq!(
        f["message"],
        "quiz: 1 sample ended in an error (Inspect leaves it out of its metrics)"
    );
    assert_eq!(f["observed"], "n = 3, 1 errored");
}

#[test]
fn limits_epochs_and_ranges_in_coverage_and_provenance() {
    let dir = scratch("inspect-limit");
    let mut log = Log::quiz();
    log.config = "\"limit\": [1, 3]".into();
    log.samples = vec![log.samples[1].clone(), log.samples[2].clone()];
    log.dataset_samples = 4;
    let p = write(&dir.join("range.json"), &log.json());
    let run = listed(&p);
    assert_eq!(run["provenance"]["limit"], 2.0);
    assert_eq!(run["provenance"]["limit_range"], serde_json::json!([1, 3]));
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: c\n      level: 1\n      coverage: { tasks: [quiz] }\n  S7P4:\n    - id: p\n      level: 1\n      provenance: { require: [config], forbid_limit: true }\n",
    );
    let rep = check_json(&["check", s(&p), "--rubric", s(&r)], 1);
    assert_eq!(
        check(&rep, "c")["findings"][0]["message"],
        "quiz: the run was made with --limit 2-3; 2 of 4 documents were evaluated"
    );
    let pm = check(&rep, "p")["message"].as_str().expect("m").to_owned();
    assert!(
        pm.contains("config.limit = [1, 3] (samples 2 to 3)"),
        "{pm}"
    );

    // three epochs: n counts sample ids, not the 3 × 4 records
    let mut log = Log::quiz();
    log.config = "\"epochs\": 3".into();
    let mut samples = Vec::new();
    for e in 1..=3 {
        for x in &log.samples {
            let mut y = x.clone();
            y.epoch = e;
            samples.push(y);
        }
    }
    log.samples = samples;
    let p = eval_file(&dir, "epochs.eval", &log, Method::Deflate);
    let r = rubric(
        &dir,
        "e.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: c\n      level: 1\n      coverage: { tasks: [quiz], min_samples: 5 }\n",
    );
    let rep = check_json(&["check", s(&p), "--rubric", s(&r)], 1);
    let f = &check(&rep, "c")["findings"][0];
    assert_eq!(f["message"], "quiz: n = 4 < min_samples 5");
    assert_eq!(f["observed"], "n = 4 × 3 epochs");
}

#[test]
fn grouped_metrics_and_reducers_become_variants() {
    let dir = scratch("inspect-variants");
    let log = Log::quiz();
    let grouped = r#"{"total_samples": 4, "completed_samples": 4, "scores": [
        {"name": "match", "scorer": "match", "reducer": "mean", "scored_samples": 4, "params": {},
         "metrics": {"accuracy": {"name": "accuracy", "value": 0.75, "params": {}},
                     "stderr": {"name": "stderr", "value": 0.25, "params": {}},
                     "f": {"name": "f", "group": "grouped", "value": 0.5, "params": {"metric": {"type": "metric", "name": "accuracy", "params": {}}, "group_key": "group"}},
                     "m": {"name": "m", "value": 1.0, "params": {"metric": {"type": "metric", "name": "accuracy", "params": {}}, "group_key": "group"}},
                     "all": {"name": "all", "group": "grouped", "value": 0.75, "params": {"metric": {"type": "metric", "name": "accuracy", "params": {}}, "group_key": "group"}}}},
        {"name": "match", "scorer": "match", "reducer": "pass_at_2", "scored_samples": 4, "params": {},
         "metrics": {"accuracy": {"name": "accuracy", "value": 1.0, "params": {}},
                     "stderr": {"name": "stderr", "value": 0.0, "params": {}}}},
        {"name": "overlap", "scorer": "overlap", "params": {},
         "metrics": {"mean": {"name": "mean", "value": NaN, "params": {}},
                     "stderr": {"name": "stderr", "value": NaN, "params": {}}}}]}"#;
    let header = log.header();
    let start = header.find("\"results\": ").expect("results") + "\"results\": ".len();
    let end = header.find(", \"stats\"").expect("stats");
    let header = format!("{}{grouped}{}", &header[..start], &header[end..]);
    let mut members = log.members();
    members.pop();
    members.push(("header.json".into(), header));
    let p = write_bytes(&dir.join("v.eval"), &zip(&members, Method::Zstd));
    let run = listed(&p);
    let sel: Vec<(&str, f64)> = run["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| {
            (
                m["selector"].as_str().expect("sel"),
                m["value"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .filter(|(_, v)| !v.is_nan())
        .collect();
    assert_eq!(
        sel,
        [
            ("quiz/accuracy@match:mean", 0.75),
            // 0.3.205 writes no `group` tag: `params.group_key` tells a grouped metric
            ("quiz/accuracy@match:mean+group=f", 0.5),
            ("quiz/accuracy@match:mean+group=m", 1.0),
            ("quiz/accuracy@match:mean+group=all", 0.75),
            ("quiz/accuracy@match:pass_at_2", 1.0),
        ]
    );
    // the NaN mean of 0.3.70 is read as NaN: a threshold on it never passes
    assert_eq!(metric(&run, "quiz/mean")["value"], "NaN");
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: t\n      level: 1\n      threshold: { metric: \"quiz/mean@overlap\", min: 0 }\n",
    );
    let rep = check_json(&["check", s(&p), "--rubric", s(&r)], 1);
    assert_eq!(check(&rep, "t")["status"], "fail");
}

/// Two runs of the same four questions: the baseline right on q1–q4, the current one wrong
/// on q2 and q4.
fn paired_logs(dir: &Path) -> (PathBuf, PathBuf) {
    let mut base = Log::quiz();
    for (x, r) in base
        .samples
        .iter_mut()
        .zip(base.reductions.as_mut().expect("r"))
    {
        x.value = "\"C\"".into();
        r.1 = "1.0".into();
    }
    base.results = Some(("1.0".into(), "0.0".into(), 4));
    let mut cur = Log::quiz();
    for i in [1, 3] {
        cur.samples[i].value = "\"I\"".into();
        cur.reductions.as_mut().expect("r")[i].1 = "0.0".into();
    }
    // q3 stays I: values 1, 0, 0, 0
    cur.results = Some(("0.25".into(), "0.25".into(), 4));
    (
        eval_file(dir, "current.eval", &cur, Method::Zstd),
        write(&dir.join("baseline.json"), &base.json()),
    )
}

#[test]
fn a_paired_regression_between_two_inspect_runs_uses_mcnemar() {
    let dir = scratch("inspect-paired");
    let (cur, base) = paired_logs(&dir);
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: reg\n      level: 1\n      regression: { metric: \"quiz/accuracy@match\", max_drop: 0.01, alpha: 0.05 }\n",
    );
    // the drop exceeds max_drop but four questions cannot show it is real: a pass
    let rep = check_json(
        &["check", s(&cur), "--baseline", s(&base), "--rubric", s(&r)],
        0,
    );
    let f = &check(&rep, "reg")["findings"][0];
    let t = &f["detail"]["test"];
    assert_eq!(t["method"], "mcnemar-exact", "{f:#}");
    assert_eq!(t["paired"], true);
    assert_eq!(t["n"], 4);
    // 3 discordant pairs, all baseline-only: exact two-sided p = 2 · 0.5³ = 0.25
    assert_eq!(t["discordant"]["baseline_only"], 3);
    assert_eq!(t["discordant"]["current_only"], 0);
    let p = t["p_value"].as_f64().expect("p");
    assert!((p - 0.25).abs() < 1e-12, "{p}");
    assert!(
        f["message"].as_str().expect("m").contains("McNemar exact"),
        "{f:#}"
    );
}

#[test]
fn trials_power_and_provenance_on_inspect_runs() {
    let dir = scratch("inspect-trials");
    let mut a = Log::quiz();
    a.seed = Some(1);
    let mut b = Log::quiz();
    b.seed = Some(2);
    b.results = Some(("0.5".into(), "0.2887".into(), 4));
    let mut c = Log::quiz();
    c.seed = Some(3);
    c.dirty = true;
    let pa = eval_file(&dir, "runs/a.eval", &a, Method::Zstd);
    eval_file(&dir, "runs/b.eval", &b, Method::Zstd);
    write(&dir.join("runs/c.json"), &c.json());
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P5: 1}",
        "  S7P5:\n    - id: trials\n      level: 1\n      trials: { metric: \"quiz/accuracy\", min_runs: 3 }\n    - id: power\n      level: 1\n      power: { metric: \"quiz/accuracy\", detect: 0.05 }\n  S7P4:\n    - id: prov\n      level: 1\n      provenance: { require: [seeds, tool_version, git_hash, dataset, task_versions, date] }\n",
    );
    let runs = dir.join("runs");
    let out = govgate(&["check", s(&runs), "--rubric", s(&r), "--format", "json"]);
    let rep = json(&out.stdout);
    // three runs that differ only in their seed form one group
    let t = &check(&rep, "trials")["findings"][0];
    assert_eq!(t["status"], "pass", "{t:#}");
    let d = &t["detail"];
    assert_eq!(d["spread"]["runs"], 3);
    let seeds: Vec<&str> = d["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["seeds"].as_str().expect("seeds"))
        .collect();
    assert_eq!(seeds, ["seed=1", "seed=2", "seed=3"]);
    // power from n = scored_samples = 4: far from detecting 5 points
    let pw = &check(&rep, "power")["findings"][0];
    assert_eq!(pw["status"], "fail", "{pw:#}");
    assert_eq!(pw["detail"]["n"], 4, "{pw:#}");
    // provenance: the dirty tree's commit is not the code that ran
    let prov = check(&rep, "prov");
    let by_run = |name: &str| {
        prov["findings"]
            .as_array()
            .expect("f")
            .iter()
            .find(|f| f["run"].as_str().is_some_and(|r| r.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} in {prov:#}"))
            .clone()
    };
    assert_eq!(by_run("a.eval")["status"], "pass", "{prov:#}");
    let c = by_run("c.json");
    assert_eq!(c["status"], "fail");
    assert!(
        c["message"]
            .as_str()
            .expect("m")
            .contains("commit 99bf5f6 had uncommitted changes (`dirty: true`)"),
        "{c:#}"
    );
    let _ = pa;
}

#[test]
fn fairness_and_drift_read_one_record_per_sample() {
    let dir = scratch("inspect-records");
    let log = Log::quiz();
    let p = eval_file(&dir, "quiz.eval", &log, Method::Zstd);
    let j = write(&dir.join("quiz.json"), &log.json());
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P2: 1, S7P3: 1}",
        "  S7P2:\n    - id: parity\n      level: 1\n      fairness: { records: current, group: metadata.group, score: score, min_group_size: 2, max_difference: 0.4 }\n  S7P3:\n    - id: drift\n      level: 1\n      drift: { fields: [score, metadata.group, output] }\n",
    );
    let out = govgate(&[
        "check",
        s(&p),
        "--rubric",
        s(&r),
        "--reference",
        s(&j),
        "--production",
        s(&p),
        "--format",
        "json",
    ]);
    let rep = json(&out.stdout);
    // f: q1 1, q3 0 → 0.5; m: q2 1, q4 1 → 1; difference 0.5 > 0.4
    let f = &check(&rep, "parity")["findings"][0];
    assert_eq!(f["status"], "fail", "{f:#}");
    assert_eq!(f["detail"]["difference"], 0.5);
    // the same log as both windows: nothing drifted, 4 records a side
    let d = check(&rep, "drift");
    assert_eq!(d["status"], "pass", "{d:#}");
    let read: Vec<(&str, &str, u64)> = rep["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            (
                r["role"].as_str().expect("role"),
                r["format"].as_str().expect("format"),
                r["records"].as_u64().expect("n"),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            ("production", "Inspect AI log (one record per sample)", 4),
            ("reference", "Inspect AI log (one record per sample)", 4)
        ]
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
}

#[test]
fn unsupported_or_broken_logs_exit_2_naming_the_file() {
    let dir = scratch("inspect-bad");
    let log = Log::quiz();
    // the experimental chunked layout
    let mut chunked = log.members();
    chunked.push((
        "samples/q1_epoch_1/sample.json".into(),
        log.sample_json(&log.samples[0]),
    ));
    let p = write_bytes(&dir.join("chunked.eval"), &zip(&chunked, Method::Zstd));
    let out = govgate(&["check", s(&p)]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        format!(
            "error: {}: member `samples/q1_epoch_1/sample.json`: this log uses Inspect's \
             experimental chunked sample layout (`inspect log convert-chunked`), which \
             Inspect's own reader does not read either; unsupported — convert it back or give \
             the original log\n",
            p.display()
        )
    );
    // a malformed header member: its line and column
    let mut bad = log.members();
    bad.pop();
    bad.push((
        "header.json".into(),
        "{\"version\": 2,\n \"status\": }".into(),
    ));
    let p = write_bytes(&dir.join("badheader.eval"), &zip(&bad, Method::Deflate));
    let out = govgate(&["inspect", s(&p)]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "error: {}: member `header.json`, line 2, column 12: expected a value, found '}}'\n",
            p.display()
        )
    );
    // a truncated archive (the central directory cut off)
    let bytes = zip(&log.members(), Method::Zstd);
    let p = write_bytes(&dir.join("truncated.eval"), &bytes[..bytes.len() / 2]);
    let out = govgate(&["check", s(&p)]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.starts_with(&format!(
            "error: {}: not a readable .eval archive: ",
            p.display()
        )),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // a ZIP that is not an Inspect log
    let p = write_bytes(
        &dir.join("other.eval"),
        &zip(&[("readme.txt".into(), "hello".into())], Method::Deflate),
    );
    let out = govgate(&["check", s(&p)]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "error: {}: not a recognized evaluation output: a ZIP archive without \
             `header.json` or `_journal/start.json`, not an Inspect AI .eval log\n",
            p.display()
        )
    );
    // none of these left a panic behind
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn member_names_are_never_paths() {
    // a member named like a path outside the archive is looked up, never written
    let dir = scratch("inspect-names");
    let log = Log::quiz();
    let mut members = log.members();
    members.insert(0, ("../../escaped.json".into(), "{}".into()));
    members.insert(0, ("/tmp/govgate-absolute-member.json".into(), "{}".into()));
    let p = write_bytes(&dir.join("names.eval"), &zip(&members, Method::Zstd));
    let out = govgate(&["inspect", s(&p)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!dir.join("../../escaped.json").exists());
    assert!(!Path::new("/tmp/govgate-absolute-member.json").exists());
}

#[test]
fn sample_ids_may_be_integers_or_strings() {
    let dir = scratch("inspect-ids");
    let mut log = Log::quiz();
    for (i, x) in log.samples.iter_mut().enumerate() {
        if i % 2 == 0 {
            x.id = format!("{}", i + 1);
        }
    }
    for (i, r) in log.reductions.as_mut().expect("r").iter_mut().enumerate() {
        if i % 2 == 0 {
            r.0 = format!("{}", i + 1);
        }
    }
    let cur = eval_file(&dir, "cur.eval", &log, Method::Zstd);
    let base = write(&dir.join("base.json"), &log.json());
    let r = rubric(
        &dir,
        "r.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: reg\n      level: 1\n      regression: { metric: \"quiz/accuracy\", max_drop: 0.01, alpha: 0.05 }\n",
    );
    let rep = check_json(
        &["check", s(&cur), "--baseline", s(&base), "--rubric", s(&r)],
        0,
    );
    let t = &check(&rep, "reg")["findings"][0]["detail"]["test"];
    assert_eq!(t["paired"], true, "{t:#}");
    assert_eq!(t["n"], 4);
}

#[test]
fn damaged_logs_are_errors_never_panics() {
    // every truncation point of a small archive and of a JSON log, and byte flips at
    // pseudo-random places: the reader returns a run or an error, and never panics
    let dir = scratch("inspect-damaged");
    let mut log = Log::quiz();
    log.samples.truncate(2);
    log.reductions.as_mut().expect("r").truncate(2);
    let logs = [
        ("x.eval", zip(&log.members(), Method::Zstd)),
        ("y.eval", zip(&log.members(), Method::Deflate)),
        ("z.json", log.json().into_bytes()),
    ];
    let keys: std::collections::HashSet<String> =
        ["metadata", "target", "output"].map(str::to_owned).into();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut ok, mut err) = (0, 0);
    for (name, bytes) in &logs {
        let p = dir.join(name);
        let mut variants: Vec<Vec<u8>> = (0..bytes.len())
            .step_by(7)
            .map(|cut| bytes[..cut].to_vec())
            .collect();
        for _ in 0..300 {
            let mut b = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % b.len() as u64) as usize;
                b[at] ^= 1 << (next() % 8);
            }
            variants.push(b);
        }
        for v in variants {
            write_bytes(&p, &v);
            match govgate::evidence::inspect::read_run(&p) {
                Ok(_) => {
                    ok += 1;
                    let _ = govgate::evidence::inspect::for_each_record(&p, &keys, |_| {});
                    let _ = govgate::evidence::inspect::read_values(&p, Some("match"), None);
                }
                Err(e) => {
                    err += 1;
                    assert!(e.to_string().contains(name), "{e}");
                }
            }
        }
    }
    eprintln!("damaged logs: {ok} still read, {err} refused with an error naming the file");
    assert!(err > 0 && ok > 0);
}

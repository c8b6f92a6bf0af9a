//! Conformance over real logs written by Inspect AI 0.3.70, 0.3.205 and 0.3.285
//! (`$GOVGATE_CORPUS/inspect`; `.ci/run` sets the variable to `../shared/corpus`). When the
//! corpus is absent these tests say so and check nothing.
//!
//! The expected metrics are read here independently of govgate's reader: the log's
//! `header.json` (or the JSON log) through serde_json, after bare `NaN` / `Infinity`
//! tokens outside strings are turned into marker strings, and the mapping rules of the
//! docs/inputs.md's Inspect section applied by hand.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use govgate::evidence::inspect;
use govgate::model::SampleSource;

use common::corpus::{absent, python_json};

fn corpus() -> Option<PathBuf> {
    common::corpus::dir("inspect")
}

/// Every `.eval` and `.json` log under the corpus folder.
fn logs(dir: &Path) -> Vec<PathBuf> {
    common::corpus::files_with(dir, &["eval", "json"])
}

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => match s.as_str() {
            "__nan__" => Some(f64::NAN),
            "__inf__" => Some(f64::INFINITY),
            "__-inf__" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// The log without its samples: `header.json` of an `.eval` (else `_journal/start.json`),
/// or the JSON log.
fn header(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).expect("read log");
    if bytes.starts_with(b"PK\x03\x04") {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let name = if z.index_for_name("header.json").is_some() {
            "header.json"
        } else {
            "_journal/start.json"
        };
        let mut text = String::new();
        z.by_name(name)
            .expect("member")
            .read_to_string(&mut text)
            .expect("utf-8 member");
        python_json(&text)
    } else {
        python_json(std::str::from_utf8(&bytes).expect("utf-8 log"))
    }
}

type Key = (String, String, String);

/// `(task, metric, variant) → (value, scored_samples)` by docs/inputs.md's mapping.
fn expected(doc: &serde_json::Value) -> BTreeMap<Key, (f64, Option<u64>)> {
    let task = doc["eval"]["task"].as_str().expect("eval.task").to_owned();
    let mut out = BTreeMap::new();
    let Some(scores) = doc["results"]["scores"].as_array() else {
        return out;
    };
    let names: Vec<&str> = scores
        .iter()
        .map(|s| s["name"].as_str().expect("score name"))
        .collect();
    for s in scores {
        let name = s["name"].as_str().expect("name");
        let label = if names.iter().filter(|n| **n == name).count() > 1 {
            format!("{name}:{}", s["reducer"].as_str().unwrap_or("mean"))
        } else {
            name.to_owned()
        };
        let n = s["scored_samples"].as_u64();
        for (key, m) in s["metrics"].as_object().expect("metrics") {
            if key == "stderr" {
                continue;
            }
            let group_key = m["params"]["group_key"].as_str();
            let grouped = m["group"] == "grouped" || group_key.is_some();
            let (metric, variant) = if grouped {
                (
                    m["params"]["metric"]["name"]
                        .as_str()
                        .expect("inner")
                        .to_owned(),
                    format!("{label}+{}={key}", group_key.expect("group_key")),
                )
            } else {
                (key.clone(), label.clone())
            };
            let value = number(&m["value"]).expect("numeric value");
            out.insert(
                (task.clone(), metric, variant),
                (value, if grouped { None } else { n }),
            );
        }
    }
    out
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

#[test]
fn every_inspect_log_loads_with_exactly_the_values_it_holds() {
    let Some(dir) = corpus() else {
        return absent("every_inspect_log_loads_with_exactly_the_values_it_holds");
    };
    let files = logs(&dir);
    assert!(
        files.len() >= 10,
        "{} logs under {}",
        files.len(),
        dir.display()
    );
    let (mut values, mut unfinished, mut nan) = (0, 0, 0);
    for path in &files {
        let doc = header(path);
        let run = inspect::read_run(path).unwrap_or_else(|e| panic!("{e}"));
        let want = expected(&doc);
        let got: BTreeMap<Key, (f64, Option<u64>)> = run
            .metrics
            .iter()
            .map(|m| {
                (
                    (
                        m.task.clone(),
                        m.name.clone(),
                        m.variant.clone().expect("variant"),
                    ),
                    (m.value, m.n),
                )
            })
            .collect();
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{}",
            path.display()
        );
        for (k, (v, n)) in &want {
            let (gv, gn) = got[k];
            assert!(same(gv, *v), "{} {k:?}: {gv} != {v}", path.display());
            if n.is_some() {
                assert_eq!(gn, *n, "{} {k:?}", path.display());
            }
            values += 1;
            nan += usize::from(v.is_nan());
        }
        // the status: only `success` is finished
        let status = doc["status"].as_str().unwrap_or("started");
        assert_eq!(
            run.unfinished.as_ref().map(|u| u.status.as_str()),
            (status != "success").then_some(status),
            "{}",
            path.display()
        );
        unfinished += usize::from(run.unfinished.is_some());
        assert_eq!(
            run.format.version.as_deref(),
            doc["eval"]["packages"]["inspect_ai"].as_str()
        );
    }
    eprintln!(
        "{} Inspect logs: {values} metric values equal the log's ({nan} NaN), {unfinished} \
         logs that did not finish",
        files.len()
    );
    // measured on the corpus of 2026-11-23: 17 logs, 67 values
    assert!(values >= 67, "{values}");
    assert!(unfinished >= 2, "{unfinished}");
}

#[test]
fn per_sample_values_reproduce_every_mean_metric() {
    let Some(dir) = corpus() else {
        return absent("per_sample_values_reproduce_every_mean_metric");
    };
    let mut checked = 0;
    for path in logs(&dir) {
        let run = inspect::read_run(&path).unwrap_or_else(|e| panic!("{e}"));
        if run.unfinished.is_some() {
            continue;
        }
        let Some(SampleSource::Inspect(src)) = &run.tasks[0].samples else {
            panic!("{}: no per-sample source", path.display());
        };
        for m in &run.metrics {
            if !m.value.is_finite() || !(m.name == "accuracy" || m.name == "mean") {
                continue;
            }
            let v = inspect::read_values(src, m.variant.as_deref(), None)
                .unwrap_or_else(|e| panic!("{e}"));
            let mean = v.values.iter().map(|(_, x)| x).sum::<f64>() / v.values.len() as f64;
            assert!(
                (mean - m.value).abs() <= 1e-12 * m.value.abs().max(1.0),
                "{} {}: mean of {} values {mean} != {}",
                path.display(),
                m.label(),
                v.values.len(),
                m.value
            );
            if let Some(n) = m.n
                && !m.variant.as_deref().unwrap_or("").contains('+')
            {
                assert_eq!(v.values.len() as u64, n, "{} {}", path.display(), m.label());
            }
            checked += 1;
        }
    }
    eprintln!("{checked} Inspect metrics reproduced from their logs' per-sample values");
    // measured on the corpus of 2026-11-23: 58
    assert!(checked >= 58, "{checked}");
}

#[test]
fn inspect_and_check_work_on_every_log_and_unfinished_ones_never_pass() {
    let Some(dir) = corpus() else {
        return absent("inspect_and_check_work_on_every_log_and_unfinished_ones_never_pass");
    };
    let scratch = common::scratch("corpus-inspect");
    let rubric = common::rubric(
        &scratch,
        "any.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: any-value\n      level: 1\n      threshold: { metric: \"*/*\", min: -1000000 }\n    - id: present\n      level: 1\n      coverage: { tasks: [\"*\"], allow_limit: true }\n",
    );
    let mut runs = 0;
    for path in logs(&dir) {
        let p = path.to_str().expect("utf-8");
        let out = common::govgate(&["inspect", p]);
        assert_eq!(out.code, 0, "{p}: {}", out.stderr);
        for args in [
            vec!["check", p],
            vec![
                "check",
                p,
                "--rubric",
                rubric.to_str().expect("utf-8"),
                "--format",
                "json",
            ],
        ] {
            let out = common::govgate(&args);
            assert!(
                out.code == 0 || out.code == 1,
                "{args:?}: exit {}: {}",
                out.code,
                out.stderr
            );
            assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
            runs += 1;
        }
        let out = common::govgate(&[
            "check",
            p,
            "--rubric",
            rubric.to_str().expect("utf-8"),
            "--format",
            "json",
        ]);
        let rep = common::json(&out.stdout);
        let finished = inspect::read_run(&path)
            .map(|r| r.unfinished.is_none())
            .unwrap_or(false);
        if !finished {
            assert_eq!(out.code, 1, "{p}");
            for c in rep["checks"].as_array().expect("checks") {
                assert_eq!(c["status"], "fail", "{p}: {c:#}");
                for f in c["findings"].as_array().expect("findings") {
                    assert!(
                        f["message"].as_str().expect("m").contains("did not finish"),
                        "{p}: {f:#}"
                    );
                }
            }
        }
    }
    eprintln!("govgate check ran {runs} times on the Inspect corpus, never exiting 2");
}

#[test]
fn a_paired_regression_between_corpus_runs_names_mcnemar() {
    let Some(dir) = corpus() else {
        return absent("a_paired_regression_between_corpus_runs_names_mcnemar");
    };
    // the same arith_mcq run as .eval (0.3.285 default) and as JSON: same answers
    let cur = dir.join("a_eval_default");
    let base = dir.join("b_json");
    let scratch = common::scratch("corpus-inspect-paired");
    let rubric = common::rubric(
        &scratch,
        "reg.yaml",
        "{S7P1: 1}",
        "  S7P1:\n    - id: reg\n      level: 1\n      regression: { metric: \"arith_mcq/accuracy@choice\", max_drop: 0.02, alpha: 0.05 }\n",
    );
    let out = common::govgate(&[
        "check",
        cur.to_str().expect("utf-8"),
        "--baseline",
        base.to_str().expect("utf-8"),
        "--rubric",
        rubric.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let rep = common::json(&out.stdout);
    let f = &common::check(&rep, "reg")["findings"][0];
    assert_eq!(f["detail"]["test"]["method"], "mcnemar-exact", "{f:#}");
    assert_eq!(f["detail"]["test"]["n"], 40);
    assert!(f["message"].as_str().expect("m").contains("McNemar exact"));
}

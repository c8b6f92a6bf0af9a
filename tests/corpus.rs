//! Conformance over real files written by lm-evaluation-harness and lmms-eval
//! (`$GOVGATE_CORPUS/{lmeval,lmeval-generated,lmms-generated}`; `.ci/run` sets the
//! variable to `../shared/corpus`). When the corpus is absent these tests say so and
//! check nothing.
//!
//! The expected metrics are read here independently of govgate's reader: serde_json on
//! the file after the bare `NaN` / `Infinity` tokens are turned into marker strings, and
//! the format rules of `reference/formats-lmeval.md` applied by hand.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use govgate::evidence::{self, FileKind};

const LMEVAL_DIRS: &[&str] = &["lmeval", "lmeval-generated", "lmms-generated"];

use common::corpus::{absent, python_json};

fn corpus() -> Option<PathBuf> {
    common::corpus::dir("")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    common::corpus::files_with(dir, &["json", "jsonl"])
}

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => match s.as_str() {
            "__nan__" => Some(f64::NAN),
            "__inf__" => Some(f64::INFINITY),
            "__-inf__" => Some(f64::NEG_INFINITY),
            _ => s
                .strip_prefix("np.float64(")
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|x| x.parse().ok()),
        },
        _ => None,
    }
}

fn is_stderr(metric: &str) -> bool {
    ["_stderr", "_stderr_clt", "_stderr_clustered"]
        .iter()
        .any(|s| metric.ends_with(s))
}

type Key = (String, String, Option<String>);

/// Every metric value a results file holds, by the documented format rules.
fn expected_metrics(doc: &serde_json::Value) -> BTreeMap<Key, f64> {
    let results = doc["results"].as_object().expect("results object");
    let legacy = !results
        .values()
        .filter_map(|e| e.as_object())
        .any(|e| e.keys().any(|k| k.contains(',')));
    let mut out = BTreeMap::new();
    for (task, entry) in results {
        for (key, val) in entry.as_object().expect("task entry") {
            let (metric, filter) = match key.split_once(',') {
                Some((m, f)) => (m, Some(f.to_owned())),
                None if legacy => (key.as_str(), None),
                None => continue, // alias, name, sample_len, " ", paired_* …
            };
            if is_stderr(metric) {
                continue;
            }
            if let Some(x) = number(val) {
                out.insert((task.clone(), metric.to_owned(), filter), x);
            }
        }
    }
    out
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

#[test]
fn every_results_file_loads_with_exactly_the_values_it_holds() {
    let Some(root) = corpus() else {
        return absent("every_results_file_loads_with_exactly_the_values_it_holds");
    };
    let (mut files, mut metrics) = (0, 0);
    for d in LMEVAL_DIRS {
        for path in files_under(&root.join(d)) {
            match evidence::sniff(&path).unwrap_or_else(|e| panic!("{e}")) {
                FileKind::LmEvalResults => {}
                FileKind::Unrecognized(what) => panic!("{}: unrecognized: {what}", path.display()),
                _ => continue,
            }
            let run = evidence::read_results(&path).unwrap_or_else(|e| panic!("{e}"));
            let doc = python_json(&std::fs::read_to_string(&path).expect("read"));
            let expected = expected_metrics(&doc);
            let got: BTreeMap<Key, f64> = run
                .metrics
                .iter()
                .map(|m| ((m.task.clone(), m.name.clone(), m.variant.clone()), m.value))
                .collect();
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>(),
                "{}",
                path.display()
            );
            for (k, v) in &expected {
                assert!(
                    same(got[k], *v),
                    "{}: {k:?}: read {} but the file says {v}",
                    path.display(),
                    got[k]
                );
            }
            // a plain `_stderr` that is a number is the stderr read
            for m in &run.metrics {
                let key = match &m.variant {
                    Some(f) => format!("{}_stderr,{f}", m.name),
                    None => format!("{}_stderr", m.name),
                };
                if let Some(se) = doc["results"][&m.task].get(&key).and_then(number) {
                    assert!(
                        same(m.stderr.expect("stderr"), se),
                        "{}: {key}",
                        path.display()
                    );
                }
            }
            files += 1;
            metrics += expected.len();
        }
    }
    assert!(
        files >= 13,
        "expected the corpus's 13 results files, found {files}"
    );
    eprintln!("corpus: {files} results files, {metrics} metric values read exactly");
}

#[test]
fn samples_logs_in_the_corpus_are_attached_and_readable() {
    let Some(root) = corpus() else {
        return absent("samples_logs_in_the_corpus_are_attached_and_readable");
    };
    let mut attached = 0;
    for d in LMEVAL_DIRS {
        for run in evidence::load(&[root.join(d)]).unwrap_or_else(|e| panic!("{e}")) {
            for t in &run.tasks {
                let Some(path) = &t.samples else { continue };
                attached += 1;
                for m in run.metrics.iter().filter(|m| m.task == t.name) {
                    let v = evidence::samples::read_metric(
                        path,
                        &m.name,
                        m.variant.as_deref(),
                        &t.filters,
                        None,
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                    // where per-sample values are plain scores their mean is the reported metric
                    if v.non_scalar == 0 && !v.values.is_empty() && m.name != "f1" {
                        let mean = v.mean().expect("mean");
                        assert!(
                            (mean - m.value).abs() <= 1e-9 * m.value.abs().max(1.0),
                            "{}: {} mean {mean} vs reported {}",
                            path.path().display(),
                            m.label(),
                            m.value
                        );
                    }
                }
            }
        }
    }
    assert!(
        attached >= 11,
        "expected the corpus's samples logs to be attached, got {attached}"
    );
}

#[test]
fn govgate_check_never_exits_2_on_the_corpus() {
    let Some(root) = corpus() else {
        return absent("govgate_check_never_exits_2_on_the_corpus");
    };
    let mut inputs: Vec<PathBuf> = Vec::new();
    for d in LMEVAL_DIRS {
        for p in files_under(&root.join(d)) {
            if matches!(evidence::sniff(&p), Ok(FileKind::LmEvalResults)) {
                inputs.push(p);
            }
        }
        for e in std::fs::read_dir(root.join(d)).expect("dir").flatten() {
            if e.path().is_dir() {
                inputs.push(e.path());
            }
        }
    }
    let s = |p: &Path| p.to_str().expect("utf-8").to_owned();
    for input in &inputs {
        for cmd in [
            vec!["check".to_owned(), s(input)],
            vec!["inspect".to_owned(), s(input)],
        ] {
            let args: Vec<&str> = cmd.iter().map(String::as_str).collect();
            let out = common::govgate(&args);
            assert!(out.code == 0 || out.code == 1, "{args:?}: {out:?}");
        }
    }
    // runs compared with each other, with their samples: paired tests on real logs
    let g = root.join("lmeval-generated");
    let l = root.join("lmms-generated");
    // (current, baseline, whether their samples logs cover the same documents)
    for (cur, base, same_docs) in [
        (
            g.join("run_f_modelB_tasks_no_group"),
            g.join("run_e_dummy_no_model_args"),
            true,
        ),
        (
            g.join("run_e_dummy_no_model_args"),
            g.join("run_f_modelB_tasks_no_group"),
            true,
        ),
        (
            l.join("run_d_modelA_limit10"),
            l.join("run_e_builtin_dummy"),
            false,
        ),
        (
            l.join("run_e_builtin_dummy"),
            l.join("run_d_modelA_limit10"),
            false,
        ),
    ] {
        let out = common::govgate(&[
            "check",
            &s(&cur),
            "--baseline",
            &s(&base),
            "--format",
            "json",
        ]);
        assert!(out.code == 0 || out.code == 1, "{out:?}");
        let rep = common::json(&out.stdout);
        let findings = common::check(&rep, "no-regression")["findings"]
            .as_array()
            .expect("findings")
            .clone();
        let methods: Vec<&str> = findings
            .iter()
            .filter_map(|f| f["detail"]["test"]["method"].as_str())
            .collect();
        if same_docs {
            assert!(
                methods.contains(&"mcnemar-exact"),
                "{}: {methods:?}",
                cur.display()
            );
        } else {
            // --limit 10 against the full run: not the same evaluation, so never compared
            // (neither paired on a subset nor tested unpaired): every finding is an error
            // naming the limits
            assert!(methods.is_empty(), "{methods:?}");
            assert!(!findings.is_empty());
            for f in &findings {
                assert_eq!(f["status"], "error", "{f}");
                let m = f["message"].as_str().expect("message");
                assert!(
                    m.contains("not comparable")
                        && (m.contains("limit 10 vs none") || m.contains("limit none vs 10")),
                    "{m}"
                );
            }
        }
    }
    eprintln!(
        "corpus: check and inspect ran on {} inputs without exit code 2",
        inputs.len()
    );
}

/// HELM run directories (with run_spec.json and stats.json) under a corpus folder.
fn helm_run_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = files_under(dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "run_spec.json"))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .filter(|d| d.join("stats.json").is_file())
        .collect();
    out.sort();
    out
}

/// `split[.sub_split][+perturbation:computed_on]`, HELM's MetricName as govgate names variants.
fn helm_variant(name: &serde_json::Value) -> Option<String> {
    let mut v = name["split"].as_str().unwrap_or("").to_owned();
    if let Some(s) = name["sub_split"].as_str() {
        v = format!("{v}.{s}");
    }
    if let Some(p) = name.get("perturbation") {
        let on = p["computed_on"].as_str().unwrap_or("perturbed");
        v = format!(
            "{v}+{}:{on}",
            p["name"].as_str().expect("perturbation name")
        );
    }
    (!v.is_empty()).then_some(v)
}

#[test]
fn every_helm_run_loads_with_every_stat_it_measured() {
    let Some(root) = corpus() else {
        return absent("every_helm_run_loads_with_every_stat_it_measured");
    };
    let (mut runs_seen, mut stats_seen, mut unmeasured_seen) = (0, 0, 0);
    for d in ["helm", "helm-generated"] {
        for dir in helm_run_dirs(&root.join(d)) {
            let runs = evidence::load(std::slice::from_ref(&dir)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(runs.len(), 1, "{}", dir.display());
            let run = &runs[0];
            let stats: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join("stats.json")).expect("read"),
            )
            .expect("stats.json is JSON");
            let mut expected: Vec<(String, Option<String>, f64)> = Vec::new();
            let mut unmeasured = 0;
            for row in stats.as_array().expect("array") {
                let count = row["count"].as_f64().unwrap_or(0.0);
                match row.get("mean").and_then(|m| m.as_f64()) {
                    Some(mean) if count > 0.0 => expected.push((
                        row["name"]["name"].as_str().expect("name").to_owned(),
                        helm_variant(&row["name"]),
                        mean,
                    )),
                    _ => unmeasured += 1,
                }
            }
            let mut got: Vec<(String, Option<String>, f64)> = run
                .metrics
                .iter()
                .map(|m| {
                    // rows told apart by their perturbation parameters get `#2`, `#3`
                    let v = m
                        .variant
                        .as_deref()
                        .map(|v| v.split('#').next().unwrap_or(v).to_owned());
                    (m.name.clone(), v.filter(|v| !v.is_empty()), m.value)
                })
                .collect();
            let key = |a: &(String, Option<String>, f64)| (a.0.clone(), a.1.clone(), a.2.to_bits());
            expected.sort_by_key(key);
            got.sort_by_key(key);
            assert_eq!(got, expected, "{}", dir.display());
            assert_eq!(run.unmeasured.len(), unmeasured, "{}", dir.display());
            runs_seen += 1;
            stats_seen += expected.len();
            unmeasured_seen += unmeasured;
        }
    }
    assert!(
        runs_seen >= 11,
        "expected the corpus's 11 HELM runs, found {runs_seen}"
    );
    eprintln!(
        "corpus: {runs_seen} HELM runs, {stats_seen} stats read with their values, {unmeasured_seen} count-0 stats left unmeasured"
    );
}

#[test]
fn govgate_works_on_every_helm_run_suite_output_folder_and_table() {
    let Some(root) = corpus() else {
        return absent("govgate_works_on_every_helm_run_suite_output_folder_and_table");
    };
    let mut inputs: Vec<PathBuf> = vec![root.join("helm"), root.join("helm-generated")];
    for d in ["helm", "helm-generated"] {
        let dirs = helm_run_dirs(&root.join(d));
        for run in &dirs {
            if let Some(suite) = run.parent()
                && !inputs.contains(&suite.to_path_buf())
            {
                inputs.push(suite.to_path_buf());
                if let Some(out) = suite.parent().and_then(Path::parent)
                    && !inputs.contains(&out.to_path_buf())
                {
                    inputs.push(out.to_path_buf()); // benchmark_output/
                }
            }
        }
        inputs.extend(dirs);
        inputs.extend(
            files_under(&root.join(d))
                .into_iter()
                .filter(|p| p.parent().is_some_and(|q| q.ends_with("groups/json"))),
        );
    }
    let s = |p: &Path| p.to_str().expect("utf-8").to_owned();
    let mut judged = 0;
    for input in &inputs {
        // the default rubric (S7P1 and S7P2), the two shipped S7P2 rubrics, and inspect
        for args in [
            vec!["check"],
            vec!["check", "--rubric", "helm-safety"],
            vec!["check", "--rubric", "eu-ai-act"],
            vec!["inspect"],
        ] {
            let mut args = args.clone();
            let input = s(input);
            args.push(&input);
            let out = common::govgate(&args);
            assert!(out.code == 0 || out.code == 1, "{args:?}: {out:?}");
            judged += 1;
        }
    }
    eprintln!(
        "corpus: check (default, helm-safety, eu-ai-act) and inspect ran {judged} times on {} \
         HELM inputs without exit code 2",
        inputs.len()
    );
}

//! promptfoo eval outputs (`promptfoo eval -o results.json`, or `-o results.jsonl`, one
//! result per line), results `version: 3` as promptfoo 0.123 writes them (the corpus's
//! `tools-2026/promptfoo`). The CSV output holds less (no per-assertion results, no test
//! identity) and is refused with a message saying so.
//!
//! A file is a run; a task is one prompt × provider, named `<prompt label>:<provider label>`
//! (the prompt's id and the provider's id where they have no label; `/` becomes `_`, as a
//! selector splits task from metric at `/`). Each result row is one test of one task; a
//! test is known by its description and `vars` (`testIdx` alone shifts under `--repeat`).
//! Per task:
//!
//! * `pass_rate` — passes over passes + failures + errors: an errored test (failureReason 2)
//!   does not pass; `error_rate` — errors over all;
//! * `score` (the row's aggregate score) and each named score (`namedScores`), means over
//!   the rows that have them;
//! * `assert_pass_rate` — passing assertions over all (`gradingResult.componentResults`),
//!   and per assertion type as its variant (`assert_pass_rate@contains`;
//!   assertions of one test are not independent, so no standard error, and a pattern
//!   selector passes over it: named exactly, it is gated);
//! * `latency_ms` and `cost`, means (lower is better).
//!
//! Means of per-test values carry the standard error of the mean over tests (ddof 1), and
//! `n` is the number of distinct tests: with `--repeat k` each test's k rows are averaged
//! first (rows of one test are not independent), and the k repeat rounds — the i-th row of
//! each test is round i — give the value's spread across trials.

use std::collections::BTreeMap;
use std::path::Path;

use super::json::{Object, Value};
use crate::error::{Error, Result};
use crate::model::{
    Aspect, DirectionSource, Format, Metric, ModelInfo, Provenance, Run, SampleSource, Source,
    StderrKind, TaskInfo, Tool, TrialSpread,
};

/// Whether a parsed document is a promptfoo `-o results.json` export.
pub fn is_promptfoo(top: &Object) -> bool {
    top.contains_key("evalId")
        && top
            .get("results")
            .and_then(Value::as_object)
            .is_some_and(|r| r.get("results").and_then(Value::as_array).is_some())
}

/// Whether the keys of a JSON Lines file's first record are a promptfoo result row's.
pub fn is_result_row(keys: &[(String, u8)]) -> bool {
    let has = |k: &str| keys.iter().any(|(key, _)| key == k);
    has("promptIdx")
        && has("testIdx")
        && has("success")
        && (has("gradingResult") || has("testCase"))
}

/// One result row as govgate keeps it.
#[derive(Debug, Clone)]
struct Row {
    task: String,
    test: u64,
    status: RowStatus,
    score: Option<f64>,
    named: Vec<(String, f64)>,
    /// Each assertion's type and whether it passed.
    asserts: Vec<(String, bool)>,
    latency: Option<f64>,
    cost: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum RowStatus {
    Pass,
    Fail,
    Error,
}

fn row(o: &Object) -> Option<Row> {
    let text = |v: Option<&Value>, k: &str| {
        v.and_then(|x| x.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let prompt = o.get("prompt");
    let provider = o.get("provider");
    let p = text(prompt, "label")
        .or_else(|| o.get("promptId").and_then(Value::as_str).map(str::to_owned))
        .or_else(|| {
            o.get("promptIdx")
                .and_then(Value::as_i64)
                .map(|i| format!("prompt{i}"))
        })?;
    let v = text(provider, "label")
        .or_else(|| text(provider, "id"))
        .or_else(|| provider.and_then(Value::as_str).map(str::to_owned))?;
    let task = format!("{p}:{v}").replace('/', "_");
    let status = match (
        o.get("success").and_then(Value::as_bool),
        o.get("failureReason").and_then(Value::as_i64),
    ) {
        (_, Some(2)) => RowStatus::Error,
        (Some(true), _) => RowStatus::Pass,
        (Some(false), _) => RowStatus::Fail,
        (None, _) => return None,
    };
    let grading = o.get("gradingResult").and_then(Value::as_object);
    let named = o
        .get("namedScores")
        .and_then(Value::as_object)
        .map(|n| {
            n.iter()
                .filter_map(|(k, v)| v.as_f64().map(|x| (k.to_owned(), x)))
                .collect()
        })
        .unwrap_or_default();
    let mut asserts = Vec::new();
    for c in grading
        .and_then(|g| g.get("componentResults"))
        .and_then(Value::as_array)
        .unwrap_or_default()
    {
        if let Some(pass) = c.get("pass").and_then(Value::as_bool) {
            let kind = c
                .get("assertion")
                .and_then(|a| a.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            asserts.push((kind.to_owned(), pass));
        }
    }
    Some(Row {
        task,
        test: identity(o),
        status,
        score: o.get("score").and_then(Value::as_f64),
        named,
        asserts,
        latency: o.get("latencyMs").and_then(Value::as_f64),
        cost: o.get("cost").and_then(Value::as_f64),
    })
}

/// A test's identity: its description and `vars` (sorted), digested.
fn identity(o: &Object) -> u64 {
    let case = o.get("testCase");
    let description = case
        .and_then(|c| c.get("description"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let vars = o
        .get("vars")
        .or_else(|| case.and_then(|c| c.get("vars")))
        .and_then(Value::as_object);
    let mut pairs: Vec<String> = vars
        .map(|v| v.iter().map(|(k, x)| format!("{k}={x:?}")).collect())
        .unwrap_or_default();
    pairs.sort();
    super::digest(&format!("{description}\u{0}{}", pairs.join("\u{0}")))
}

/// The rows of a promptfoo export (JSON) or results stream (JSON Lines).
fn rows(path: &Path) -> Result<(Vec<Row>, Option<Object>)> {
    let mut head = [0u8; 1];
    let n = super::input::head(path, &mut head)?;
    let mut out = Vec::new();
    let bad = |k: usize| {
        Error::input(
            path,
            format!("result {k} names no prompt, provider or `success`"),
        )
    };
    if n == 1 && head[0] == b'{' {
        let bytes = super::input::read(path)?;
        if let Ok(doc) = super::json::parse_document(&bytes)
            && let Some(top) = doc.as_object()
            && is_promptfoo(top)
        {
            let results = top
                .get("results")
                .and_then(|r| r.get("results"))
                .and_then(Value::as_array)
                .unwrap_or_default();
            for (k, r) in results.iter().enumerate() {
                let o = r.as_object().ok_or_else(|| bad(k))?;
                out.push(row(o).ok_or_else(|| bad(k))?);
            }
            return Ok((out, Some(top.clone())));
        }
    }
    let mut stream =
        super::json::RecordStream::new(super::meter::Metered(super::input::open(path)?));
    let mut k = 0;
    while let Some(o) = stream
        .next_record(&|_: &str| true)
        .map_err(|e| Error::json(path, e))?
    {
        out.push(row(&o).ok_or_else(|| bad(k))?);
        k += 1;
    }
    Ok((out, None))
}

/// Reads a promptfoo export or results stream into a [`Run`].
pub fn read(path: &Path, source: Source) -> Result<Run> {
    let (rows, top) = rows(path)?;
    if rows.is_empty() {
        return Err(Error::input(path, "a promptfoo output with no result rows"));
    }
    let top = top.as_ref();
    let get = |keys: &[&str]| -> Option<&Value> {
        let mut cur = top?.get(keys[0])?;
        for k in &keys[1..] {
            cur = cur.get(k)?;
        }
        Some(cur)
    };
    let version = get(&["metadata", "promptfooVersion"])
        .and_then(Value::as_str)
        .map(str::to_owned);
    let repeat = get(&["runtimeOptions", "repeat"]).and_then(Value::as_u64);
    // the suite as configured: its tests, when the config lists them (a `file://` reference
    // does not say how many); fewer distinct tests run than listed is a limited run
    let defined = get(&["config", "tests"])
        .and_then(Value::as_array)
        .map(|t| t.len() as u64);
    let mut p = Provenance {
        config_recorded: defined.is_some(),
        date: get(&["metadata", "evaluationCreatedAt"])
            .or_else(|| get(&["results", "timestamp"]))
            .and_then(Value::as_str)
            .map(str::to_owned),
        ..Provenance::default()
    };
    p.tool_version = version.clone();
    if let Some(node) = get(&["metadata", "nodeVersion"]).and_then(Value::as_str) {
        p.environment.insert("node".into(), node.to_owned());
    }
    if let Some(d) = get(&["config", "description"]).and_then(Value::as_str) {
        p.datasets
            .extend(rows.iter().map(|r| (r.task.clone(), d.to_owned())));
    }
    if let Some(r) = repeat {
        p.generation.insert("repeat".into(), r.to_string());
    }
    if let Some(d) = defined {
        let mut distinct: Vec<(&str, u64)> =
            rows.iter().map(|r| (r.task.as_str(), r.test)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let most = distinct
            .chunk_by(|a, b| a.0 == b.0)
            .map(|c| c.len() as u64)
            .max()
            .unwrap_or(0);
        if most < d {
            p.limit = Some(most as f64);
        }
    }
    let description = get(&["config", "description"])
        .and_then(Value::as_str)
        .map(str::to_owned);

    let mut by_task: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        by_task.entry(&r.task).or_default().push(r);
    }
    let mut tasks = Vec::new();
    let mut metrics = Vec::new();
    for (task, rs) in &by_task {
        let mut tests: Vec<u64> = rs.iter().map(|r| r.test).collect();
        tests.sort_unstable();
        tests.dedup();
        let mut measured = BTreeMap::new();
        measured.insert(
            Aspect::Samples,
            format!(
                "{} tests, {:016x}",
                tests.len(),
                super::digest(&format!("{tests:?}"))
            ),
        );
        if let Some(d) = &description {
            measured.insert(Aspect::Dataset, d.clone());
        }
        tasks.push(TaskInfo {
            name: (*task).to_owned(),
            n_effective: Some(tests.len() as u64),
            n_original: defined,
            samples: Some(SampleSource::Promptfoo(
                path.to_path_buf(),
                (*task).to_owned(),
            )),
            measured,
            ..TaskInfo::default()
        });
        let mut push = |name: &str, value: Option<PerTest>, higher: bool| {
            if let Some(PerTest {
                value,
                stderr,
                trials,
                tests,
            }) = value
            {
                metrics.push(Metric {
                    task: (*task).to_owned(),
                    name: name.to_owned(),
                    variant: None,
                    value,
                    stderr,
                    stderr_kind: stderr.map(|_| StderrKind::PerInstance),
                    n: Some(tests),
                    higher_is_better: Some(higher),
                    direction_source: Some(DirectionSource::BuiltIn),
                    is_group: false,
                    informational: false,
                    trials,
                });
            }
        };
        push(
            "pass_rate",
            per_test(rs, &|r| Some(flag(r.status == RowStatus::Pass))),
            true,
        );
        push(
            "error_rate",
            per_test(rs, &|r| Some(flag(r.status == RowStatus::Error))),
            false,
        );
        push("score", per_test(rs, &|r| r.score), true);
        let mut names: Vec<&str> = rs
            .iter()
            .flat_map(|r| r.named.iter().map(|(k, _)| k.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let value = per_test(rs, &|r| {
                r.named.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
            });
            push(name, value, true);
        }
        push("latency_ms", per_test(rs, &|r| r.latency), false);
        if rs.iter().any(|r| r.cost.is_some_and(|c| c != 0.0)) {
            push("cost", per_test(rs, &|r| r.cost), false);
        }
        // assertions, pooled: all of them, and per assertion type as the variant
        let mut pooled: BTreeMap<Option<&str>, (u64, u64)> = BTreeMap::new();
        for (kind, pass) in rs.iter().flat_map(|r| &r.asserts) {
            for key in [None, Some(kind.as_str())] {
                let e = pooled.entry(key).or_default();
                if *pass {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
        for (kind, (pass, fail)) in pooled {
            metrics.push(Metric {
                task: (*task).to_owned(),
                name: "assert_pass_rate".into(),
                variant: kind.map(str::to_owned),
                value: pass as f64 / (pass + fail) as f64,
                stderr: None,
                stderr_kind: None,
                n: Some(tests.len() as u64),
                higher_is_better: Some(true),
                direction_source: Some(DirectionSource::BuiltIn),
                is_group: false,
                // pooled over assertions, not a mean of per-test values: named exactly it
                // is read, a pattern passes over it
                informational: true,
                trials: None,
            });
        }
    }
    let mut run = Run::of(
        source,
        Format {
            tool: Tool::Promptfoo,
            version,
            inferred: if top.is_some() {
                None
            } else {
                Some("results `version: 3` rows (JSON Lines)".into())
            },
        },
        ModelInfo {
            name: (by_task.len() == 1).then(|| rows[0].task.clone()),
            ..ModelInfo::default()
        },
        p,
        tasks,
        metrics,
    );
    run.name = get(&["evalId"]).and_then(Value::as_str).map(str::to_owned);
    Ok(run)
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// A task's metric over its tests.
struct PerTest {
    value: f64,
    stderr: Option<f64>,
    trials: Option<TrialSpread>,
    /// Tests with a value.
    tests: u64,
}

/// The mean over the rows that have a value, the standard error of the mean over the tests'
/// own means (ddof 1; none with fewer than two tests), and, with repeats, the spread of the
/// per-round means (round i = the i-th row of each test).
fn per_test(rows: &[&Row], value: &dyn Fn(&Row) -> Option<f64>) -> Option<PerTest> {
    let mut by_test: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    for r in rows {
        if let Some(v) = value(r) {
            by_test.entry(r.test).or_default().push(v);
        }
    }
    let all: Vec<f64> = by_test.values().flatten().copied().collect();
    if all.is_empty() {
        return None;
    }
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    let means: Vec<f64> = by_test
        .values()
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        .collect();
    let stderr = sd(&means).map(|s| s / (means.len() as f64).sqrt());
    let rounds = by_test.values().map(Vec::len).max().unwrap_or(1);
    let trials = (rounds > 1 && by_test.values().all(|v| v.len() == rounds)).then(|| {
        let per_round: Vec<f64> = (0..rounds)
            .map(|i| by_test.values().map(|v| v[i]).sum::<f64>() / by_test.len() as f64)
            .collect();
        TrialSpread {
            count: rounds as u64,
            sd: sd(&per_round).unwrap_or(0.0),
        }
    });
    Some(PerTest {
        value: mean,
        stderr,
        trials,
        tests: by_test.len() as u64,
    })
}

/// Sample standard deviation (ddof 1); `None` below two values.
fn sd(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = x.iter().sum::<f64>() / x.len() as f64;
    Some((x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt())
}

/// `metric`'s per-test values of `task` (each test's mean over its repeats), keyed by the
/// test's identity, for paired tests between two evals of the same suite.
pub fn read_values(path: &Path, task: &str, metric: &str) -> Result<super::samples::SampleValues> {
    let (sha256, _) = super::hash_file(path)?;
    let (rows, _) = rows(path)?;
    let mut out = super::samples::SampleValues::new(path, sha256, super::json::RecordLayout::Array);
    let mut by_test: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.task == task) {
        let v = match metric {
            "pass_rate" => Some(flag(r.status == RowStatus::Pass)),
            "error_rate" => Some(flag(r.status == RowStatus::Error)),
            "score" => r.score,
            "latency_ms" => r.latency,
            "cost" => r.cost,
            name => r.named.iter().find(|(k, _)| k == name).map(|(_, v)| *v),
        };
        // a row without the metric (an errored test has no named scores) is not a value
        if let Some(v) = v {
            by_test.entry(r.test).or_default().push(v);
        }
    }
    let rows = by_test
        .into_iter()
        .map(|(t, v)| (t, v.iter().sum::<f64>() / v.len() as f64, 0, None))
        .collect();
    out.set_rows(rows, false);
    Ok(out)
}

/// The refusal of promptfoo's CSV output, when a file's first line is its header.
pub fn csv_header(first_line: &str) -> bool {
    first_line.starts_with("Description,")
        && first_line.contains(",Status,")
        && first_line.contains("Score")
}

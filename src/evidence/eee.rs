//! Every Eval Ever (`evaleval/every_eval_ever`) records, schema 0.3.x: one normalised
//! aggregate per evaluation (`<uuid>.json`) and its per-sample companion
//! (`<uuid>_samples.jsonl`), as EEE's converters from lm-eval, HELM and Inspect write them
//! (the corpus's `tools-2026/eee`; its `schema/` holds `eval.schema.json` 0.3.0).
//!
//! A file of another major schema version (0.2.x records are common) is refused with the
//! version named. Of each `evaluation_results[]` entry govgate reads, and checks the type
//! of: `evaluation_name` (`<task>` or `<task>/<filter>`: the task and the variant),
//! `metric_config.metric_name` (else `metric_id`) and `lower_is_better`,
//! `score_details.score`, `uncertainty.standard_error.value` with its `method` (kept in the
//! run's provenance as `stderr_method <selector>`) and `num_samples`, and `source_data.samples_number` (the dataset's size: a run over fewer
//! samples than it is limited). The samples file's SHA-256 must equal
//! `detailed_evaluation_results.checksum`; its lines give per-sample `evaluation.score`s keyed
//! by `sample_id`, with `sample_hash` as each sample's identity, for paired tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::json::{Object, Value};
use crate::error::{Error, Result};
use crate::model::{
    DirectionSource, Format, Metric, ModelInfo, Provenance, Run, SampleSource, Source, StderrKind,
    TaskInfo, Tool,
};

/// Whether top-level keys are an EEE aggregate's.
pub fn is_aggregate(keys: &[(String, u8)]) -> bool {
    let has = |k: &str| keys.iter().any(|(key, _)| key == k);
    has("schema_version") && has("evaluation_results")
}

/// Whether top-level keys are an EEE samples line's.
pub fn is_samples_line(keys: &[(String, u8)]) -> bool {
    let has = |k: &str| keys.iter().any(|(key, _)| key == k);
    has("schema_version") && has("sample_id") && has("evaluation_result_id")
}

/// Reads an aggregate file into a [`Run`].
pub fn read(path: &Path) -> Result<Run> {
    let bytes = super::input::read(path)?;
    let doc = super::json::parse_document(&bytes).map_err(|e| Error::json(path, e))?;
    let source = Source {
        path: path.to_path_buf(),
        sha256: super::sha256_hex(&bytes),
        bytes: bytes.len() as u64,
    };
    let bad = |m: String| Error::input(path, m);
    let top = doc
        .as_object()
        .ok_or_else(|| bad("an Every Eval Ever record must be a JSON object".into()))?;
    let version = top
        .get("schema_version")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`schema_version` is not a string".into()))?;
    if !version.starts_with("0.3.") {
        return Err(bad(format!(
            "Every Eval Ever schema {version}: govgate reads schema 0.3.x (convert the \
             evaluation again with every-eval-ever 0.3)"
        )));
    }
    let text = |o: Option<&Value>, k: &str| {
        o.and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let model_info = top.get("model_info");
    let library = top.get("eval_library");
    let mut p = Provenance {
        tool_version: match (text(library, "name"), text(library, "version")) {
            (Some(n), Some(v)) => Some(format!("{n} {v}")),
            (Some(n), None) => Some(n),
            _ => None,
        },
        date: top
            .get("evaluation_timestamp")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<f64>().ok())
            .map(super::production::format_time),
        ..Provenance::default()
    };
    let results = top
        .get("evaluation_results")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("`evaluation_results` is not a list".into()))?;
    let samples = samples_file(path);
    if let Some(s) = &samples {
        verify_checksum(path, top, s)?;
    }
    let mut tasks: BTreeMap<String, TaskInfo> = BTreeMap::new();
    let mut metrics = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let at = |field: &str| format!("`evaluation_results[{i}].{field}`");
        let r = r
            .as_object()
            .ok_or_else(|| bad(format!("{} is not an object", at(""))))?;
        let name = r
            .get("evaluation_name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("{} is not a string", at("evaluation_name"))))?;
        let (task, variant) = match name.split_once('/') {
            Some((t, v)) => (t.to_owned(), Some(v.to_owned())),
            None => (name.to_owned(), None),
        };
        let config = r
            .get("metric_config")
            .and_then(Value::as_object)
            .ok_or_else(|| bad(format!("{} is not an object", at("metric_config"))))?;
        let metric = config
            .get("metric_name")
            .or_else(|| config.get("metric_id"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                bad(format!(
                    "{} has no `metric_name` or `metric_id`",
                    at("metric_config")
                ))
            })?;
        let lower = match config.get("lower_is_better") {
            Some(Value::Bool(b)) => Some(*b),
            None | Some(Value::Null) => None,
            Some(_) => {
                return Err(bad(format!(
                    "{} is not a boolean",
                    at("metric_config.lower_is_better")
                )));
            }
        };
        let details = r.get("score_details");
        let value = details
            .and_then(|d| d.get("score"))
            .and_then(Value::as_f64)
            .ok_or_else(|| bad(format!("{} is not a number", at("score_details.score"))))?;
        let uncertainty = details.and_then(|d| d.get("uncertainty"));
        let se = uncertainty.and_then(|u| u.get("standard_error"));
        let stderr = se.and_then(|s| s.get("value")).and_then(Value::as_f64);
        // how the standard error was made, kept with the metric it belongs to
        if let Some(method) = se.and_then(|s| s.get("method")).and_then(Value::as_str) {
            let key = match &variant {
                Some(v) => format!("stderr_method {task}/{metric}@{v}"),
                None => format!("stderr_method {task}/{metric}"),
            };
            p.generation.insert(key, method.to_owned());
        }
        let n = uncertainty
            .and_then(|u| u.get("num_samples"))
            .and_then(Value::as_u64);
        let source_data = r.get("source_data");
        let dataset = source_data
            .and_then(|s| s.get("samples_number"))
            .and_then(Value::as_u64);
        if let Some(d) = text(source_data, "dataset_name") {
            let repo = text(source_data, "hf_repo")
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            p.datasets.insert(task.clone(), format!("{d}{repo}"));
        }
        if let Some(k) = r
            .get("generation_config")
            .and_then(|g| g.get("additional_details"))
            .and_then(|a| a.get("num_fewshot"))
            .and_then(|k| match k {
                Value::Str(s) => s.parse::<i64>().ok(),
                other => other.as_i64(),
            })
        {
            p.num_fewshot.insert(task.clone(), k);
        }
        let entry = tasks.entry(task.clone()).or_insert_with(|| TaskInfo {
            name: task.clone(),
            n_original: dataset,
            n_effective: n,
            ..TaskInfo::default()
        });
        if entry.samples.is_none()
            && let Some(s) = &samples
        {
            entry.samples = Some(SampleSource::Eee(s.clone(), task.clone()));
        }
        metrics.push(Metric {
            task,
            name: metric.to_owned(),
            variant,
            value,
            stderr,
            stderr_kind: stderr.map(|_| StderrKind::Stderr),
            n,
            higher_is_better: lower.map(|l| !l),
            direction_source: lower.map(|_| DirectionSource::File),
            is_group: false,
            informational: false,
            trials: None,
        });
    }
    let mut tasks: Vec<TaskInfo> = tasks.into_values().collect();
    for t in &mut tasks {
        t.measured = super::lmeval::measured(&p, &t.name);
    }
    p.environment
        .insert("eee_schema".into(), version.to_owned());
    let mut run = Run::of(
        source,
        Format {
            tool: Tool::Eee,
            version: Some(version.to_owned()),
            inferred: None,
        },
        ModelInfo {
            name: text(model_info, "id").or_else(|| text(model_info, "name")),
            ..ModelInfo::default()
        },
        p,
        tasks,
        metrics,
    );
    run.name = text(Some(&doc), "evaluation_id");
    Ok(run)
}

/// `<uuid>_samples.jsonl` beside `<uuid>.json`, when it exists.
fn samples_file(aggregate: &Path) -> Option<PathBuf> {
    let stem = aggregate.file_stem()?.to_str()?;
    let p = aggregate.with_file_name(format!("{stem}_samples.jsonl"));
    p.is_file().then_some(p)
}

/// The samples file must be the one the aggregate names by its SHA-256.
fn verify_checksum(path: &Path, top: &Object, samples: &Path) -> Result<()> {
    let Some(detailed) = top.get("detailed_evaluation_results") else {
        return Ok(());
    };
    let algorithm = detailed.get("hash_algorithm").and_then(Value::as_str);
    let Some(want) = detailed.get("checksum").and_then(Value::as_str) else {
        return Ok(());
    };
    if algorithm.is_some_and(|a| !a.eq_ignore_ascii_case("sha256")) {
        return Ok(());
    }
    let (got, _) = super::hash_file(samples)?;
    if !got.eq_ignore_ascii_case(want) {
        return Err(Error::input(
            samples,
            format!(
                "its SHA-256 is {got}, but {} names its samples file by {want}: not the samples \
                 of that evaluation",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// The `evaluation_result_id` of `task`'s `metric` (with its filter `variant`) in the
/// aggregate beside a samples file: the entry whose `evaluation_name` is `task` (or
/// `task/variant`) and whose `metric_name` (else `metric_id`) is `metric`.
fn result_id(
    samples: &Path,
    task: &str,
    metric: &str,
    variant: Option<&str>,
) -> Result<Option<String>> {
    let name = samples
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix("_samples.jsonl"))
        .map(|stem| samples.with_file_name(format!("{stem}.json")));
    let Some(aggregate) = name.filter(|p| p.is_file()) else {
        return Ok(None);
    };
    let bytes = super::input::read(&aggregate)?;
    let doc = super::json::parse_document(&bytes).map_err(|e| Error::json(&aggregate, e))?;
    let evaluation = match variant {
        Some(v) => format!("{task}/{v}"),
        None => task.to_owned(),
    };
    Ok(doc
        .get("evaluation_results")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .find(|r| {
            r.get("evaluation_name").and_then(Value::as_str) == Some(evaluation.as_str())
                && r.get("metric_config")
                    .and_then(|c| c.get("metric_name").or_else(|| c.get("metric_id")))
                    .and_then(Value::as_str)
                    == Some(metric)
        })
        .and_then(|r| r.get("evaluation_result_id"))
        .and_then(Value::as_str)
        .map(str::to_owned))
}

/// The per-sample scores of `task`'s `metric` (filter `variant`): the samples lines of its
/// `evaluation_result_id`, keyed by `sample_id` (a digest of its text), with `sample_hash`
/// (digested) as each sample's identity.
pub fn read_values(
    path: &Path,
    task: &str,
    metric: &str,
    variant: Option<&str>,
) -> Result<super::samples::SampleValues> {
    let (sha256, _) = super::hash_file(path)?;
    let Some(result_id) = result_id(path, task, metric, variant)? else {
        // no entry names it: no values, which the check reports as missing
        return Ok(super::samples::SampleValues::new(
            path,
            sha256,
            super::json::RecordLayout::Lines,
        ));
    };
    let result_id = result_id.as_str();
    let mut out = super::samples::SampleValues::new(path, sha256, super::json::RecordLayout::Lines);
    let mut stream =
        super::json::RecordStream::new(super::meter::Metered(super::input::open(path)?));
    let mut rows = Vec::new();
    while let Some(rec) = stream
        .next_record(&|_: &str| true)
        .map_err(|e| Error::json(path, e))?
    {
        if rec.get("evaluation_result_id").and_then(Value::as_str) != Some(result_id) {
            continue;
        }
        let id = match rec.get("sample_id") {
            Some(Value::Str(s)) => s.clone(),
            Some(Value::Int(i)) => i.to_string(),
            _ => {
                out.without_doc_id += 1;
                continue;
            }
        };
        let score = match rec.get("evaluation").and_then(|e| e.get("score")) {
            Some(Value::Bool(b)) => Some(if *b { 1.0 } else { 0.0 }),
            Some(v) => v.as_f64(),
            None => None,
        };
        let Some(score) = score else {
            out.non_scalar += 1;
            continue;
        };
        let hash = rec
            .get("sample_hash")
            .and_then(Value::as_str)
            .map_or(0, super::digest);
        rows.push((super::helm::instance_key(&id), score, hash, None));
    }
    out.set_rows(rows, false);
    Ok(out)
}

//! lighteval (Hugging Face) results files: `results/<model>/results_<timestamp>.json`,
//! written by lighteval's `EvaluationTracker` (read here as 0.13 writes them; see
//! `reference/field-2026.md` and the corpus's `tools-2026/lighteval/PROVENANCE.md`).
//!
//! Told from lm-eval's v0.3 layout — which it resembles: a `results` object of bare metric
//! keys with `<metric>_stderr`, and `versions` — by its `config_general` block. What it holds:
//!
//! * `results` keyed `"<task>|<n_fewshot>"` (older versions `"<suite>|<task>|<n>"`): the
//!   shot count becomes the task's n-shot, not part of its name — unless the file holds the
//!   same task at two shot counts, which then keep their `|<n>` to stay apart.
//! * `all`, and `<prefix>:_average|<n>` groups (named without the `|<n>`, as tasks are):
//!   lighteval averages the members' values and,
//!   arithmetically, their standard errors (`logging/info_loggers.py`), which is not a
//!   standard error. They are read as groups whose value is kept only where it is the plain
//!   mean of its members, with the standard error of that mean, `sqrt(Σ seᵢ²) / k`
//!   (independent tasks), where every member has one — never the file's.
//! * `config_general.max_samples` is the limit (`null`: none); `model_config.seed` and
//!   `generation_parameters` are provenance; `lighteval_sha` (`"?"` when unknown) the git hash.
//! * task versions from `versions`, or from `config_tasks[*].version` when it is empty; a
//!   task's `hash_examples` (`summary_tasks[*].hashes`) decides comparability between runs;
//!   `config_tasks[*].metrics[*].higher_is_better` gives each metric's direction.
//! * `details/<model>/<timestamp>/details_<task>|<n>_<timestamp>.parquet`, found beside the
//!   results directory: one row per document, `doc.id` and `metric.<name>` — the per-sample
//!   values paired tests use, and the document count where `config_tasks` says `-1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::json::{Object, Value};
use crate::error::{Error, Result};
use crate::model::{
    DirectionSource, Format, Metric, ModelInfo, Provenance, Run, SampleSource, Source, StderrKind,
    TaskInfo, Tool,
};

/// Whether a results document is lighteval's.
pub fn is_lighteval(top: &Object) -> bool {
    top.get("config_general")
        .is_some_and(|v| v.as_object().is_some())
        && top.get("results").is_some_and(|v| v.as_object().is_some())
}

/// A `results` key split into its task and shot count: `task|5` → (`task`, 5); a key
/// without a numeric `|<n>` suffix is its own task with no shot count.
pub fn split_key(key: &str) -> (&str, Option<i64>) {
    match key.rsplit_once('|') {
        Some((task, n)) if !task.is_empty() => match n.parse::<i64>() {
            Ok(k) if k >= 0 => (task, Some(k)),
            _ => (key, None),
        },
        _ => (key, None),
    }
}

/// Whether a `results` entry is one of lighteval's averages: `all`, `…:_average|<n>`.
fn is_average(key: &str) -> bool {
    key == "all" || split_key(key).0.ends_with(":_average")
}

/// Reads a parsed lighteval results document into a [`Run`].
pub fn read(path: &Path, source: Source, top: &Object) -> Result<Run> {
    let bad = |m: &str| Error::input(path, m.to_owned());
    let general = top
        .get("config_general")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`config_general` is missing or is not an object"))?;
    let results = top
        .get("results")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`results` is missing or is not an object"))?;
    let config_tasks = top.get("config_tasks").and_then(Value::as_object);
    let summary_tasks = top.get("summary_tasks").and_then(Value::as_object);

    // task names: the key less its shot count, unless two keys share a task
    let mut shots_of: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (key, _) in results.iter().filter(|(k, _)| !is_average(k)) {
        let (task, k) = split_key(key);
        shots_of.entry(task).or_default().extend(k);
    }
    let name_of = |key: &str| -> String {
        let (task, _) = split_key(key);
        if shots_of.get(task).is_some_and(|v| v.len() > 1) {
            key.to_owned()
        } else {
            task.to_owned()
        }
    };

    let model_config = general.get("model_config").and_then(Value::as_object);
    let text = |o: Option<&Object>, k: &str| {
        o.and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let model_name = text(Some(general), "model_name").or_else(|| text(model_config, "model_name"));
    let model = ModelInfo {
        name: model_name.clone(),
        backend: None,
        args: None,
        revision: text(model_config, "revision").or_else(|| text(Some(general), "model_revision")),
        sha: text(Some(general), "model_sha").filter(|s| !s.is_empty()),
        dtype: text(model_config, "dtype").or_else(|| text(Some(general), "model_dtype")),
        num_parameters: None,
    };

    let mut p = Provenance {
        config_recorded: true,
        git_hash: text(Some(general), "lighteval_sha").filter(|s| !s.is_empty() && s != "?"),
        date: date_from_name(path),
        ..Provenance::default()
    };
    p.limit = match general.get("max_samples") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .ok_or_else(|| bad("`config_general.max_samples` is not a number"))?,
        ),
    };
    if let Some(seed) = model_config
        .and_then(|m| m.get("seed"))
        .and_then(Value::as_i64)
    {
        p.seeds.insert("seed".into(), seed);
    }
    if let Some(g) = model_config
        .and_then(|m| m.get("generation_parameters"))
        .and_then(Value::as_object)
    {
        for (k, v) in g.iter() {
            if let Some(s) = scalar_text(v) {
                p.generation.insert(k.to_owned(), s);
            }
        }
    }
    if let Some(n) = general.get("num_fewshot_seeds").and_then(Value::as_i64) {
        p.generation
            .insert("num_fewshot_seeds".into(), n.to_string());
    }
    let versions = top.get("versions").and_then(Value::as_object);
    for (key, _) in results.iter().filter(|(k, _)| !is_average(k)) {
        let name = name_of(key);
        if let (_, Some(k)) = split_key(key) {
            p.num_fewshot.insert(name.clone(), k);
        }
        let config = config_tasks
            .and_then(|c| c.get(key))
            .and_then(Value::as_object);
        let version = versions
            .and_then(|v| v.get(key))
            .and_then(scalar_text)
            .or_else(|| config.and_then(|c| c.get("version")).and_then(scalar_text));
        if let Some(v) = version {
            p.task_versions.insert(name.clone(), v);
        }
        if let Some(h) = summary_tasks
            .and_then(|s| s.get(key))
            .and_then(|s| s.get("hashes"))
            .and_then(|h| h.get("hash_examples"))
            .and_then(Value::as_str)
        {
            p.task_hashes.insert(name.clone(), h.to_owned());
        }
        if let Some(repo) = config
            .and_then(|c| c.get("hf_repo"))
            .and_then(Value::as_str)
        {
            let subset = config
                .and_then(|c| c.get("hf_subset"))
                .and_then(Value::as_str)
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            p.datasets.insert(name.clone(), format!("{repo}{subset}"));
        }
    }

    let details = details_dir(path);
    let mut tasks = Vec::new();
    let mut metrics = Vec::new();
    for (key, entry) in results.iter().filter(|(k, _)| !is_average(k)) {
        let entry = entry
            .as_object()
            .ok_or_else(|| Error::input(path, format!("`results.{key}` is not an object")))?;
        let name = name_of(key);
        let config = config_tasks
            .and_then(|c| c.get(key))
            .and_then(Value::as_object);
        let samples = details.as_deref().and_then(|d| details_file(d, key));
        // the documents evaluated: the config's count where it keeps one (0.13 writes -1),
        // else the details file's rows, counted from its `metric` column
        let n_docs = match config
            .and_then(|c| c.get("effective_num_docs"))
            .and_then(Value::as_u64)
        {
            Some(n) => Some(n),
            None => match &samples {
                Some(p) => Some(super::parquet::for_each_record(
                    p,
                    Some(&["metric".to_owned()]),
                    &mut |_| {},
                )?),
                None => None,
            },
        };
        for (m, v) in entry.iter().filter(|(m, _)| !m.ends_with("_stderr")) {
            let Some(value) = v.as_f64() else { continue };
            let stderr = entry.get(&format!("{m}_stderr")).and_then(Value::as_f64);
            let higher = config.and_then(|c| direction(c, m));
            metrics.push(Metric {
                task: name.clone(),
                name: m.to_owned(),
                variant: None,
                value,
                stderr,
                stderr_kind: stderr.map(|_| StderrKind::Stderr),
                n: n_docs,
                higher_is_better: higher,
                direction_source: higher.map(|_| DirectionSource::TaskConfig),
                is_group: false,
                informational: false,
                trials: None,
            });
        }
        tasks.push(TaskInfo {
            name: name.clone(),
            n_original: config
                .and_then(|c| c.get("original_num_docs"))
                .and_then(Value::as_u64),
            n_effective: n_docs,
            samples: samples.map(SampleSource::Lighteval),
            ..TaskInfo::default()
        });
    }
    groups(results, &name_of, &mut tasks, &mut metrics);
    for t in tasks.iter_mut().filter(|t| !t.is_group) {
        t.measured = super::lmeval::measured(&p, &t.name);
    }
    // a group measured what its members did: each setting is theirs, in member order, so
    // that two `all`s over differently set-up tasks are not compared either
    let leaves: BTreeMap<String, BTreeMap<crate::model::Aspect, String>> = tasks
        .iter()
        .filter(|t| !t.is_group)
        .map(|t| (t.name.clone(), t.measured.clone()))
        .collect();
    for g in tasks.iter_mut().filter(|t| t.is_group) {
        let mut joined: BTreeMap<crate::model::Aspect, Vec<String>> = BTreeMap::new();
        for m in &g.subtasks {
            for (aspect, v) in leaves.get(m).into_iter().flatten() {
                joined.entry(*aspect).or_default().push(format!("{m}={v}"));
            }
        }
        g.measured = joined.into_iter().map(|(a, v)| (a, v.join(", "))).collect();
    }

    Ok(Run::of(
        source,
        Format {
            tool: Tool::Lighteval,
            version: None,
            inferred: Some("0.13 layout".into()),
        },
        model,
        p,
        tasks,
        metrics,
    ))
}

/// A metric's direction from its task config's `metrics` list (`metric_name` a name or a
/// list of names).
fn direction(config: &Object, metric: &str) -> Option<bool> {
    config
        .get("metrics")
        .and_then(Value::as_array)?
        .iter()
        .filter_map(Value::as_object)
        .find(|m| match m.get("metric_name") {
            Some(Value::Str(s)) => s == metric,
            Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(metric)),
            _ => false,
        })
        .and_then(|m| m.get("higher_is_better"))
        .and_then(|h| match h {
            Value::Bool(b) => Some(*b),
            // one flag per name, for a metric with several names
            Value::Object(o) => o.get(metric).and_then(Value::as_bool),
            _ => None,
        })
}

/// `all` and `…:_average|<n>`: a group per entry, with each metric whose value is the plain
/// mean of its members' (to 1e-12) and the standard error of that mean where every member
/// has one. The file's own `_stderr` of an average is never used.
fn groups(
    results: &Object,
    name_of: &dyn Fn(&str) -> String,
    tasks: &mut Vec<TaskInfo>,
    metrics: &mut Vec<Metric>,
) {
    for (key, entry) in results.iter().filter(|(k, _)| is_average(k)) {
        let Some(entry) = entry.as_object() else {
            continue;
        };
        let (prefix, shots) = split_key(key);
        let members: Vec<String> = results
            .iter()
            .filter(|(k, _)| !is_average(k))
            .filter(|(k, _)| {
                key == "all" || {
                    let (task, n) = split_key(k);
                    let stem = prefix.trim_end_matches("_average");
                    task.starts_with(stem) && n == shots
                }
            })
            .map(|(k, _)| name_of(k))
            .collect();
        // named as tasks are: without the shot count
        let group = prefix.to_owned();
        for (m, v) in entry.iter().filter(|(m, _)| !m.ends_with("_stderr")) {
            let Some(value) = v.as_f64() else { continue };
            let of: Vec<&Metric> = metrics
                .iter()
                .filter(|x| !x.is_group && x.name == m && members.contains(&x.task))
                .collect();
            if of.is_empty() {
                continue;
            }
            let k = of.len() as f64;
            let mean = of.iter().map(|x| x.value).sum::<f64>() / k;
            if (mean - value).abs() > 1e-12 * mean.abs().max(value.abs()).max(1e-300) {
                // not the plain mean of the tasks found: a number govgate cannot vouch for
                continue;
            }
            let stderr = of
                .iter()
                .map(|x| x.stderr.map(|s| s * s))
                .sum::<Option<f64>>()
                .map(|v| v.sqrt() / k);
            let higher = of[0]
                .higher_is_better
                .filter(|h| of.iter().all(|x| x.higher_is_better == Some(*h)));
            let n = of.iter().map(|x| x.n).sum::<Option<u64>>();
            metrics.push(Metric {
                task: group.clone(),
                name: m.to_owned(),
                variant: None,
                value,
                stderr,
                stderr_kind: stderr.map(|_| StderrKind::OfMean),
                n,
                higher_is_better: higher,
                direction_source: higher.map(|_| DirectionSource::TaskConfig),
                is_group: true,
                informational: false,
                trials: None,
            });
        }
        if metrics.iter().any(|x| x.task == group) {
            // documents: the sum over the members, where each is known
            let n = members
                .iter()
                .map(|m| {
                    tasks
                        .iter()
                        .find(|t| &t.name == m)
                        .and_then(|t| t.n_effective)
                })
                .sum::<Option<u64>>();
            tasks.push(TaskInfo {
                name: group,
                is_group: true,
                subtasks: members,
                n_effective: n,
                ..TaskInfo::default()
            });
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(super::json::fmt_float(*f)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `results_2026-12-04T18-46-10.457348.json` → `2026-12-04T18:46:10.457348`.
fn date_from_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?.strip_prefix("results_")?;
    let (day, time) = stem.split_once('T')?;
    if day.len() != 10 || !time.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{day}T{}", time.replacen('-', ":", 2)))
}

/// `<out>/details/<model>/<timestamp>/` for `<out>/results/<model>/results_<timestamp>.json`
/// (`<model>` may be nested: lighteval writes `acme/tiny-7b` as two directories).
fn details_dir(results: &Path) -> Option<PathBuf> {
    let stamp = results
        .file_stem()?
        .to_str()?
        .strip_prefix("results_")?
        .to_owned();
    let model_dir = results.parent()?;
    let top = model_dir
        .ancestors()
        .skip(1)
        .find(|a| a.file_name().is_some_and(|n| n == "results"))?;
    let model = model_dir.strip_prefix(top).ok()?;
    let dir = top.parent()?.join("details").join(model).join(&stamp);
    dir.is_dir().then_some(dir)
}

/// The details Parquet of `key` (`task|n`) in a run's details directory.
fn details_file(dir: &Path, key: &str) -> Option<PathBuf> {
    let stamp = dir.file_name()?.to_str()?;
    let p = dir.join(format!("details_{key}_{stamp}.parquet"));
    p.is_file().then_some(p)
}

/// `metric`'s per-document values from a details Parquet: `metric.<metric>` per row, keyed
/// by `doc.id` (a digest of the id text), with a digest of `doc.query` as the document's
/// hash (two runs pair only where their documents are the same text), and each document's
/// cluster when asked. Booleans count as 0/1; a row without a numeric value is counted as
/// not scalar, one without `doc.id` as without an id.
pub fn read_values(
    path: &Path,
    metric: &str,
    cluster: Option<&str>,
) -> Result<super::samples::SampleValues> {
    use super::samples::SampleValues;
    let (sha256, _) = super::hash_file(path)?;
    let value_col = format!("metric.{metric}");
    // the reader projects top-level columns (a struct column whole)
    let mut columns = vec!["doc".to_owned(), "metric".to_owned()];
    if let Some(top) = cluster.and_then(|c| c.split('.').next())
        && !columns.iter().any(|c| c == top)
    {
        columns.push(top.to_owned());
    }
    let mut out = SampleValues::new(path, sha256, super::json::RecordLayout::Array);
    let mut rows = Vec::new();
    let lookup = |rec: &Object, dotted: &str| -> Option<Value> {
        let mut cur = rec.get(dotted.split('.').next()?)?;
        for seg in dotted.split('.').skip(1) {
            cur = cur.get(seg)?;
        }
        Some(cur.clone())
    };
    super::parquet::for_each_record(path, Some(&columns), &mut |rec| {
        let id = match lookup(rec, "doc.id") {
            Some(Value::Str(s)) => Some(s),
            Some(Value::Int(i)) => Some(i.to_string()),
            _ => None,
        };
        let Some(id) = id else {
            out.without_doc_id += 1;
            return;
        };
        let value = match lookup(rec, &value_col) {
            Some(Value::Bool(b)) => Some(if b { 1.0 } else { 0.0 }),
            Some(v) => v.as_f64(),
            None => None,
        };
        let Some(value) = value else {
            out.non_scalar += 1;
            return;
        };
        let hash = match lookup(rec, "doc.query") {
            Some(Value::Str(q)) => super::digest(&q),
            _ => 0,
        };
        let c = cluster.and_then(|c| super::samples::cluster_key(rec, c));
        rows.push((super::helm::instance_key(&id), value, hash, c));
    })?;
    out.set_rows(rows, cluster.is_some());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_into_task_and_shots() {
        assert_eq!(split_key("synth_arith_mc|0"), ("synth_arith_mc", Some(0)));
        assert_eq!(
            split_key("leaderboard|mmlu:anatomy|5"),
            ("leaderboard|mmlu:anatomy", Some(5))
        );
        assert_eq!(split_key("all"), ("all", None));
        assert_eq!(split_key("task|x"), ("task|x", None));
        assert_eq!(split_key("|3"), ("|3", None));
        assert!(is_average("all"));
        assert!(is_average("leaderboard|mmlu:_average|5"));
        assert!(!is_average("leaderboard|mmlu:anatomy|5"));
    }

    #[test]
    fn dates_come_from_the_file_name() {
        assert_eq!(
            date_from_name(Path::new("r/m/results_2026-12-04T18-46-10.457348.json")).as_deref(),
            Some("2026-12-04T18:46:10.457348")
        );
        assert_eq!(date_from_name(Path::new("results.json")), None);
    }
}

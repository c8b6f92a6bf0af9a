//! lm-evaluation-harness and lmms-eval results files.
//!
//! One reader covers every version, because lmms-eval is a fork that keeps lm-eval's
//! layout. What differs (see `reference/formats-lmeval.md`):
//!
//! * lm-eval v0.3 writes bare metric keys (`acc`, `acc_stderr`); v0.4+ writes
//!   `"<metric>,<filter>"` and `"<metric>_stderr,<filter>"`. The key is split at the first
//!   comma, as lm-eval's own table printer does.
//! * stderr may be the string `"N/A"` (no stderr); lmms-eval adds `_stderr_clt` and
//!   `_stderr_clustered` keys. The plain `_stderr` is used when it is a number, then the
//!   clustered one, then the CLT one; which one is recorded.
//! * numbers may be the Python tokens `NaN` / `Infinity`, or numpy reprs written as strings
//!   (`"np.float64(0.25)"`).
//! * groups appear in `results` (and again in `groups`); they are read once, from
//!   `results`, and marked as groups. Aliases lose their `" - "` indentation prefixes.
//! * lmms-eval ≤ 0.2.2 writes `model_configs` where later versions write `config`; its
//!   `date` is a `"YYYYMMDD_HHMMSS"` string where lm-eval writes UNIX time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::direction;
use super::json::{Object, Value};
use crate::error::{Error, Result};
use crate::model::{
    Aspect, DirectionSource, Format, Metric, ModelInfo, NotNumeric, Provenance, Run, Source,
    StderrKind, TaskInfo, Tool,
};

/// Keys inside a task entry that are not metrics.
const NON_METRIC_KEYS: &[&str] = &[
    "alias",
    "name",
    "sample_len",
    "sample_count",
    "samples",
    " ",
];

/// Top-level keys only lmms-eval writes.
const LMMS_ONLY_KEYS: &[&str] = &[
    "lmms_eval_version",
    "model_configs",
    "throughput",
    "usage",
    "efficiency",
    "git_branch",
];

/// Keys whose presence at the top level (next to `results`) identifies a results file.
pub const COMPANION_KEYS: &[&str] = &[
    "versions",
    "config",
    "configs",
    "n-shot",
    "model_configs",
    "group_subtasks",
];

mod metrics;
mod promptsource;
mod types;

use metrics::*;
use promptsource::*;
use types::*;

/// Reads a parsed results document into a [`Run`].
pub fn read(path: &Path, source: Source, doc: &Value) -> Result<Run> {
    let top = doc
        .as_object()
        .ok_or_else(|| Error::input(path, "a results file must be a JSON object"))?;
    let promptsource = is_promptsource(top);
    let converted;
    let top = if promptsource {
        converted = from_promptsource(top).map_err(|m| Error::input(path, m))?;
        &converted
    } else {
        top
    };
    let results = top
        .get("results")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::input(path, "`results` is missing or is not an object"))?;
    check_types(top, results).map_err(|m| Error::input(path, m))?;

    let legacy = !results
        .iter()
        .filter_map(|(_, e)| e.as_object())
        .any(|e| e.keys().any(|k| k.contains(',')));
    let mut format = detect_format(top, results, legacy);
    if promptsource {
        format.inferred = Some("BigScience promptsource fork (0.2-era)".into());
    }
    let config = top
        .get("config")
        .or_else(|| top.get("model_configs"))
        .and_then(Value::as_object);

    let model = model_info(top, config);
    let provenance = provenance(top, config, &format);
    let (mut tasks, metrics, not_numeric) = tasks_and_metrics(top, results, legacy);
    for t in &mut tasks {
        t.measured = measured(&provenance, &t.name);
    }

    let mut run = Run::of(source, format, model, provenance, tasks, metrics);
    run.not_numeric = not_numeric;
    Ok(run)
}

/// What an lm-eval / lmms-eval task's numbers measured (comparability): its version
/// (`versions`), its few-shot count (`n-shot`, or v0.3's one `num_fewshot`), its
/// `task_hashes` entry, the dataset its config names, and the limit (`none` when the run's
/// configuration is recorded without one).
pub(crate) fn measured(p: &Provenance, task: &str) -> BTreeMap<Aspect, String> {
    let mut m = BTreeMap::new();
    if let Some(v) = p.task_versions.get(task) {
        m.insert(Aspect::TaskVersion, v.clone());
    }
    if let Some(n) = p.num_fewshot.get(task).or_else(|| p.num_fewshot.get("*")) {
        m.insert(Aspect::NShot, n.to_string());
    }
    if let Some(h) = p.task_hashes.get(task) {
        m.insert(Aspect::TaskHash, h.clone());
    }
    if let Some(d) = p.datasets.get(task) {
        m.insert(Aspect::Dataset, d.clone());
    }
    if p.config_recorded {
        m.insert(
            Aspect::Limit,
            p.limit.map_or_else(
                || "none".to_owned(),
                |l| {
                    if l.fract() == 0.0 && l.abs() < 1e15 {
                        format!("{}", l as i64)
                    } else {
                        super::json::fmt_float(l)
                    }
                },
            ),
        );
    }
    m
}

fn detect_format(top: &Object, results: &Object, legacy: bool) -> Format {
    let date_is_string = matches!(top.get("date"), Some(Value::Str(_)));
    let is_lmms = date_is_string || LMMS_ONLY_KEYS.iter().any(|k| top.contains_key(k));
    let any_entry_key = |pred: &dyn Fn(&str) -> bool| {
        results
            .iter()
            .filter_map(|(_, e)| e.as_object())
            .any(|e| e.keys().any(pred))
    };
    if is_lmms {
        let version = top
            .get("lmms_eval_version")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let inferred = if top.contains_key("model_configs") {
            "≤0.2.2"
        } else if top.contains_key("git_branch") || top.contains_key("usage") {
            "≥0.7"
        } else if any_entry_key(&|k| k.contains("_stderr_clt,")) {
            "≥0.6"
        } else {
            "0.2.3–0.5"
        };
        let inferred = match &version {
            Some(v) if !v.contains("unknown") => None,
            _ => Some(inferred.to_owned()),
        };
        return Format {
            tool: Tool::LmmsEval,
            version,
            inferred,
        };
    }
    if let Some(v) = top.get("lm_eval_version").and_then(Value::as_str) {
        return Format {
            tool: Tool::LmEval,
            version: Some(v.to_owned()),
            inferred: None,
        };
    }
    let inferred = if legacy {
        "0.3.x"
    } else if any_entry_key(&|k| k == "name" || k == "sample_len") {
        "≥0.4.12"
    } else if top.contains_key("higher_is_better") {
        "0.4.3–0.4.8"
    } else if top.contains_key("n-samples") || top.contains_key("task_hashes") {
        "0.4.2–0.4.3"
    } else if top.contains_key("date") || top.contains_key("group_subtasks") {
        "0.4.2"
    } else {
        "0.4.0–0.4.1"
    };
    Format {
        tool: Tool::LmEval,
        version: None,
        inferred: Some(inferred.to_owned()),
    }
}

fn non_empty_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `key=value,key=value` model arguments (or an object) as pairs.
fn model_arg_pairs(v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Str(s) => s
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect(),
        Value::Object(o) => o.iter().map(|(k, v)| (k.to_owned(), v.display())).collect(),
        _ => Vec::new(),
    }
}

fn model_info(top: &Object, config: Option<&Object>) -> ModelInfo {
    let cfg = |k: &str| config.and_then(|c| c.get(k));
    let args_value = cfg("model_args");
    let from_args = args_value.and_then(|a| {
        let pairs = model_arg_pairs(a);
        ["pretrained", "model", "path", "engine", "peft", "delta"]
            .iter()
            .find_map(|want| {
                pairs
                    .iter()
                    .find(|(k, _)| k == want)
                    .map(|(_, v)| v.clone())
            })
            .filter(|v| !v.is_empty())
    });
    // gpt-neox's evaluation wrapper writes `model: "neox"` and its whole NeoXArgs as the
    // `model_args` object: the checkpoint loaded (`load`) and its step (`iteration`) are
    // the model; "neox" names the wrapper, not a model, and is never taken for one
    let neox = matches!(args_value, Some(Value::Object(o)) if o.contains_key("load") || o.contains_key("iteration"))
        || non_empty_str(cfg("model")).as_deref() == Some("neox");
    let neox_arg = |k: &str| match args_value {
        Some(Value::Object(o)) => non_empty_str(o.get(k))
            .or_else(|| o.get(k).and_then(Value::as_i64).map(|i| i.to_string())),
        _ => None,
    };
    let name = non_empty_str(top.get("model_name"))
        .or(from_args)
        .or_else(|| if neox { neox_arg("load") } else { None })
        .or_else(|| {
            if neox {
                None
            } else {
                non_empty_str(cfg("model"))
            }
        });
    let neox_revision = if neox {
        neox_arg("iteration").map(|i| format!("iteration {i}"))
    } else {
        None
    };
    let args = args_value.and_then(|a| match a {
        Value::Str(s) if s.is_empty() => None,
        Value::Object(o) if o.is_empty() => None,
        Value::Object(o) if neox => Some(format!("NeoXArgs, {} settings", o.len())),
        Value::Null => None,
        other => Some(other.display()),
    });
    ModelInfo {
        name,
        backend: non_empty_str(cfg("model")),
        args,
        revision: non_empty_str(cfg("model_revision")).or(neox_revision),
        sha: non_empty_str(cfg("model_sha")),
        dtype: non_empty_str(cfg("model_dtype")),
        num_parameters: cfg("model_num_parameters").and_then(Value::as_u64),
    }
}

fn provenance(top: &Object, config: Option<&Object>, format: &Format) -> Provenance {
    let cfg = |k: &str| config.and_then(|c| c.get(k));
    let mut p = Provenance {
        tool_version: format.version.clone(),
        git_hash: non_empty_str(top.get("git_hash")),
        date: top.get("date").and_then(|d| match d {
            Value::Int(_) | Value::Float(_) => d.as_f64().and_then(unix_to_iso),
            Value::Str(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }),
        limit: cfg("limit").and_then(Value::as_f64),
        batch_size: cfg("batch_size")
            .filter(|v| !v.is_null())
            .map(Value::display),
        bootstrap_iters: cfg("bootstrap_iters").and_then(Value::as_i64),
        gen_kwargs: cfg("gen_kwargs").and_then(|g| match g {
            Value::Null => None,
            Value::Str(s) if s.is_empty() => None,
            other => Some(other.display()),
        }),
        transformers_version: non_empty_str(top.get("transformers_version")).filter(|v| v != "N/A"),
        chat_template_sha: non_empty_str(top.get("chat_template_sha")),
        system_instruction_sha: non_empty_str(top.get("system_instruction_sha")),
        ..Provenance::default()
    };
    p.config_recorded = config.is_some();
    if let Some(env) = non_empty_str(top.get("pretty_env_info")).filter(|e| !e.starts_with("N/A")) {
        let first = env.lines().next().unwrap_or_default().trim().to_owned();
        p.environment.insert("pretty_env_info".into(), first);
    }
    for key in ["transformers_version", "upper_git_hash"] {
        if let Some(v) = non_empty_str(top.get(key)).filter(|v| v != "N/A") {
            p.environment.insert(key.into(), v);
        }
    }
    if let Some(configs) = top.get("configs").and_then(Value::as_object) {
        for (task, c) in configs.iter() {
            let Some(c) = c.as_object() else { continue };
            let output = c
                .get("output_type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let gen_kwargs = c
                .get("generation_kwargs")
                .is_some_and(|g| g.as_object().is_some_and(|o| !o.is_empty()));
            p.task_outputs.insert(task.to_owned(), (output, gen_kwargs));
            if let Some(path) = c.get("dataset_path").and_then(Value::as_str)
                && !path.is_empty()
            {
                let name = c.get("dataset_name").and_then(Value::as_str);
                let d = match name {
                    Some(n) if !n.is_empty() => format!("{path} {n}"),
                    _ => path.to_owned(),
                };
                p.datasets.insert(task.to_owned(), d);
            }
        }
    }
    p.model_args_revision = cfg("model_args").and_then(|a| {
        model_arg_pairs(a)
            .into_iter()
            .find(|(k, _)| k == "revision")
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
    });
    // (`seed`: the promptsource fork's one seed)
    for seed in [
        "random_seed",
        "numpy_seed",
        "torch_seed",
        "fewshot_seed",
        "seed",
    ] {
        if let Some(s) = cfg(seed).and_then(Value::as_i64) {
            p.seeds.insert(seed.to_owned(), s);
        }
    }
    if let Some(shots) = top.get("n-shot").and_then(Value::as_object) {
        for (t, n) in shots.iter() {
            if let Some(n) = n.as_i64() {
                p.num_fewshot.insert(t.to_owned(), n);
            }
        }
    } else if let Some(n) = cfg("num_fewshot").and_then(Value::as_i64) {
        p.num_fewshot.insert("*".to_owned(), n);
    }
    if let Some(versions) = top.get("versions").and_then(Value::as_object) {
        for (t, v) in versions.iter() {
            if !v.is_null() {
                p.task_versions.insert(t.to_owned(), v.display());
            }
        }
    }
    if let Some(hashes) = top.get("task_hashes").and_then(Value::as_object) {
        for (t, h) in hashes.iter() {
            if let Some(h) = h.as_str().filter(|h| !h.is_empty()) {
                p.task_hashes.insert(t.to_owned(), h.to_owned());
            }
        }
    }
    p
}

/// UNIX seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn unix_to_iso(secs: f64) -> Option<String> {
    if !secs.is_finite() || secs.abs() > 1e13 {
        return None;
    }
    let s = secs.floor() as i64;
    let days = s.div_euclid(86_400);
    let rem = s.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::json::parse_document;

    fn run_of(json: &str) -> Run {
        let doc = parse_document(json.as_bytes()).expect("valid json");
        let source = Source {
            path: "t.json".into(),
            sha256: String::new(),
            bytes: json.len() as u64,
        };
        read(Path::new("t.json"), source, &doc).expect("reads")
    }

    fn metric<'a>(run: &'a Run, task: &str, name: &str, variant: Option<&str>) -> &'a Metric {
        run.metrics
            .iter()
            .find(|m| m.task == task && m.name == name && m.variant.as_deref() == variant)
            .unwrap_or_else(|| panic!("no metric {task}/{name}@{variant:?}"))
    }

    #[test]
    fn legacy_v03_bare_keys() {
        let run = run_of(
            r#"{"results": {"piqa": {"acc": 0.64, "acc_stderr": 0.011, "acc_norm": 0.65, "acc_norm_stderr": 0.0111}},
                "versions": {"piqa": 0},
                "config": {"model": "hf-causal", "model_args": "pretrained=bigscience/bloom-560m", "num_fewshot": 0, "limit": null}}"#,
        );
        assert_eq!(run.format.tool, Tool::LmEval);
        assert_eq!(run.format.inferred.as_deref(), Some("0.3.x"));
        assert_eq!(run.metrics.len(), 2);
        let acc = metric(&run, "piqa", "acc", None);
        assert_eq!(acc.value, 0.64);
        assert_eq!(acc.stderr, Some(0.011));
        assert_eq!(acc.higher_is_better, Some(true));
        assert_eq!(acc.direction_source, Some(DirectionSource::BuiltIn));
        assert_eq!(run.model.name.as_deref(), Some("bigscience/bloom-560m"));
        assert_eq!(run.provenance.num_fewshot.get("*"), Some(&0));
        assert_eq!(run.provenance.limit, None);
    }

    #[test]
    fn v04_filters_na_stderr_and_direction_from_file() {
        let run = run_of(
            r#"{"results": {"gsm8k": {"alias": "gsm8k", "exact_match,strict-match": 0.69, "exact_match_stderr,strict-match": "N/A",
                                      "exact_match,flexible-extract": 0.7, "exact_match_stderr,flexible-extract": 0.0127}},
                "higher_is_better": {"gsm8k": {"exact_match": true}},
                "n-samples": {"gsm8k": {"original": 1319, "effective": 1319}},
                "config": {"model": "hf", "model_args": "pretrained=a/b,dtype=auto", "limit": null, "random_seed": 0, "numpy_seed": 1234},
                "lm_eval_version": "0.4.9.1", "date": 1718000000.5}"#,
        );
        assert_eq!(run.format.version.as_deref(), Some("0.4.9.1"));
        let strict = metric(&run, "gsm8k", "exact_match", Some("strict-match"));
        assert_eq!(strict.stderr, None);
        assert_eq!(strict.n, Some(1319));
        assert_eq!(strict.direction_source, Some(DirectionSource::File));
        let flex = metric(&run, "gsm8k", "exact_match", Some("flexible-extract"));
        assert_eq!(flex.stderr, Some(0.0127));
        assert_eq!(
            run.tasks[0].filters,
            vec!["strict-match", "flexible-extract"]
        );
        assert_eq!(run.provenance.seeds.get("numpy_seed"), Some(&1234));
        assert_eq!(run.provenance.date.as_deref(), Some("2024-06-10T06:13:20Z"));
    }

    #[test]
    fn non_finite_values_and_numpy_reprs_are_read() {
        let run = run_of(
            r#"{"results": {"t": {"mae,none": Infinity, "mae_stderr,none": NaN, "acc,none": "np.float64(0.25)", "x,none": "N/A"}},
                "versions": {"t": 1}}"#,
        );
        let mae = metric(&run, "t", "mae", Some("none"));
        assert_eq!(mae.value, f64::INFINITY);
        assert!(mae.stderr.expect("stderr").is_nan());
        assert_eq!(mae.higher_is_better, Some(false));
        assert_eq!(metric(&run, "t", "acc", Some("none")).value, 0.25);
        assert!(run.metrics.iter().all(|m| m.name != "x"));
    }

    #[test]
    fn lmms_clt_stderr_used_when_plain_is_na() {
        let run = run_of(
            r#"{"results": {"mme": {"alias": "mme", "mme_cognition_score,none": 162.5, "mme_cognition_score_stderr,none": "N/A",
                                    "mme_cognition_score_stderr_clt,none": 0.125, "mme_cognition_score_stderr_clustered,none": "N/A",
                                    "paired_baseline": "x", "paired_pvalue": 0.2}},
                "versions": {"mme": "Yaml"}, "config": {"limit": 8.0}, "date": "20260923_172512",
                "lmms_eval_version": "main@v0.6-239", "higher_is_better": {"mme": {"mme_cognition_score": true}}}"#,
        );
        assert_eq!(run.format.tool, Tool::LmmsEval);
        assert_eq!(run.metrics.len(), 1);
        let m = &run.metrics[0];
        assert_eq!(m.stderr, Some(0.125));
        assert_eq!(m.stderr_kind, Some(StderrKind::Clt));
        assert_eq!(run.provenance.limit, Some(8.0));
        assert_eq!(run.provenance.date.as_deref(), Some("20260923_172512"));
        assert_eq!(
            run.provenance.task_versions.get("mme").map(String::as_str),
            Some("Yaml")
        );
    }

    #[test]
    fn groups_are_read_once_with_sizes_summed_over_subtasks() {
        let run = run_of(
            r#"{"results": {
                  "suite": {"acc,none": 0.5, "acc_stderr,none": 0.01, "alias": "suite"},
                  "a": {"alias": " - a", "acc,none": 0.4},
                  "b": {"alias": "  - b", "acc,none": 0.6, "f1,none": 0.3}},
                "groups": {"suite": {"acc,none": 0.5, "acc_stderr,none": 0.01, "alias": "suite"}},
                "group_subtasks": {"suite": ["a", "b"], "a": [], "b": []},
                "n-samples": {"a": {"original": 100, "effective": 100}, "b": {"original": 50, "effective": 40}},
                "configs": {"b": {"metric_list": [{"metric": "f1", "higher_is_better": true}]}}}"#,
        );
        assert_eq!(run.metrics.iter().filter(|m| m.task == "suite").count(), 1);
        let g = metric(&run, "suite", "acc", Some("none"));
        assert!(g.is_group);
        assert_eq!(g.n, Some(140));
        assert_eq!(run.tasks[0].n_effective, Some(140));
        assert_eq!(run.tasks[0].n_original, Some(150));
        assert_eq!(run.tasks[1].alias.as_deref(), Some("a"));
        assert_eq!(run.tasks[2].alias.as_deref(), Some("b"));
        let f1 = metric(&run, "b", "f1", Some("none"));
        assert_eq!(f1.direction_source, Some(DirectionSource::TaskConfig));
        assert_eq!(f1.n, Some(40));
    }

    #[test]
    fn unknown_direction_stays_unknown() {
        let run = run_of(r#"{"results": {"t": {"parity_score,none": 0.5}}, "versions": {"t": 1}}"#);
        assert_eq!(run.metrics[0].higher_is_better, None);
    }

    #[test]
    fn unix_dates() {
        assert_eq!(unix_to_iso(0.0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            unix_to_iso(951_782_400.0).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(
            unix_to_iso(1_763_856_780.9).as_deref(),
            Some("2025-11-23T00:13:00Z")
        );
        assert_eq!(unix_to_iso(f64::NAN), None);
    }
}

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

/// A field of the wrong type, where the format fixes the type: an error naming the field
/// (a count that is not a non-negative integer, a direction that is not a boolean, a limit
/// that is not a non-negative number). Fields a check would read are refused rather than
/// skipped, so a malformed file cannot pass as one that says less.
fn check_types(top: &Object, results: &Object) -> std::result::Result<(), String> {
    let shown = |v: &Value| {
        let t = v.to_json();
        if t.len() > 40 {
            format!(
                "{}…",
                &t[..t.char_indices().nth(40).map_or(t.len(), |(i, _)| i)]
            )
        } else {
            t
        }
    };
    let count = |field: String, v: &Value| match v {
        // 0 is a count (a task that scored nothing, which `coverage` fails), not a type error
        Value::Int(i) if *i >= 0 => Ok(()),
        _ => Err(format!(
            "`{field}` must be a whole number of documents, found {}",
            shown(v)
        )),
    };
    for (task, entry) in results.iter() {
        let Some(entry) = entry.as_object() else {
            return Err(format!(
                "`results.{task}` must be an object of metrics, found {}",
                shown(entry)
            ));
        };
        if let Some(v) = entry.get("sample_len") {
            count(format!("results.{task}.sample_len"), v)?;
        }
    }
    if let Some(ns) = top.get("n-samples") {
        let Some(ns) = ns.as_object() else {
            return Err(format!(
                "`n-samples` must be an object, found {}",
                shown(ns)
            ));
        };
        for (task, n) in ns.iter() {
            let Some(n) = n.as_object() else {
                return Err(format!(
                    "`n-samples.{task}` must be an object, found {}",
                    shown(n)
                ));
            };
            for key in ["original", "effective"] {
                if let Some(v) = n.get(key) {
                    count(format!("n-samples.{task}.{key}"), v)?;
                }
            }
        }
    }
    if let Some(hib) = top.get("higher_is_better") {
        let Some(hib) = hib.as_object() else {
            return Err(format!(
                "`higher_is_better` must be an object, found {}",
                shown(hib)
            ));
        };
        for (task, m) in hib.iter() {
            let Some(m) = m.as_object() else {
                return Err(format!(
                    "`higher_is_better.{task}` must be an object, found {}",
                    shown(m)
                ));
            };
            for (metric, b) in m.iter() {
                if !matches!(b, Value::Bool(_) | Value::Null) {
                    return Err(format!(
                        "`higher_is_better.{task}.{metric}` must be true or false, found {}",
                        shown(b)
                    ));
                }
            }
        }
    }
    // the other fields govgate reads, each with the types lm-eval and lmms-eval write
    let field = |name: &str, v: Option<&Value>, kinds: &str, what: &str| match v {
        Some(v) if !v.is_kind(kinds) => Err(format!("`{name}` must be {what}, found {}", shown(v))),
        _ => Ok(()),
    };
    for key in [
        "git_hash",
        "lm_eval_version",
        "lmms_eval_version",
        "transformers_version",
        "model_name",
        "pretty_env_info",
        "chat_template_sha",
        "system_instruction_sha",
        "upper_git_hash",
    ] {
        field(key, top.get(key), "str|null", "text")?;
    }
    field("date", top.get("date"), "num|str|null", "a time")?;
    for key in [
        "versions",
        "n-shot",
        "task_hashes",
        "configs",
        "group_subtasks",
        "groups",
    ] {
        field(key, top.get(key), "obj|null", "an object")?;
    }
    if let Some(Value::Object(h)) = top.get("task_hashes") {
        for (t, v) in h.iter() {
            field(&format!("task_hashes.{t}"), Some(v), "str|null", "text")?;
        }
    }
    if let Some(Value::Object(n)) = top.get("n-shot") {
        for (t, v) in n.iter() {
            field(
                &format!("n-shot.{t}"),
                Some(v),
                "int|null",
                "a whole number",
            )?;
        }
    }
    if let Some(Value::Object(g)) = top.get("group_subtasks") {
        for (t, v) in g.iter() {
            field(
                &format!("group_subtasks.{t}"),
                Some(v),
                "arr",
                "an array of task names",
            )?;
        }
    }
    if let Some(config) = top.get("config") {
        field("config", Some(config), "obj|null", "an object")?;
        for key in [
            "random_seed",
            "numpy_seed",
            "torch_seed",
            "fewshot_seed",
            "bootstrap_iters",
        ] {
            field(
                &format!("config.{key}"),
                config.get(key),
                "int|null",
                "a whole number",
            )?;
        }
        for key in ["model", "model_sha", "model_revision", "model_dtype"] {
            field(
                &format!("config.{key}"),
                config.get(key),
                "str|null",
                "text",
            )?;
        }
        field(
            "config.model_args",
            config.get("model_args"),
            "str|obj|null",
            "text or an object",
        )?;
        field(
            "config.gen_kwargs",
            config.get("gen_kwargs"),
            "str|obj|null",
            "text or an object",
        )?;
    }
    if let Some(limit) = top.get("config").and_then(|c| c.get("limit")) {
        match limit {
            Value::Null => {}
            Value::Int(i) if *i >= 0 => {}
            Value::Float(f) if f.is_finite() && *f >= 0.0 => {}
            other => {
                return Err(format!(
                    "`config.limit` must be null or a non-negative number, found {}",
                    shown(other)
                ));
            }
        }
    }
    Ok(())
}

/// Keys of a BigScience promptsource record that describe the prompt, not a metric
/// (`task.get_logging_info()` in bigscience-workshop/lm-evaluation-harness).
const PROMPTSOURCE_INFO_KEYS: &[&str] = &[
    "task_name",
    "prompt_name",
    "fixed_answer_choice_list",
    "dataset_path",
    "dataset_name",
    "subset",
    "prompt_id",
    "prompt_jinja",
    "prompt_original_task",
    "comment",
];

/// Whether a document is the BigScience promptsource fork's (BLOOM-era results, Pythia's
/// bias evaluations): `results` a list of per-prompt records.
pub fn is_promptsource(top: &Object) -> bool {
    matches!(top.get("results"), Some(Value::Array(_)))
}

/// The promptsource fork's document in the layout the rest of this reader knows: each
/// `table_results` entry (`"<task>+<prompt>"`: task_name, prompt_name, metrics and their
/// `_stderr`) becomes `results.<task>["<metric>,<prompt>"]`, so the task is `task_name` and
/// the variant its prompt; `versions` keyed `task+prompt` become per-task. Without
/// `table_results`, the `results` list (one record per metric) is gathered the same way.
fn from_promptsource(top: &Object) -> std::result::Result<Object, String> {
    let records: Vec<&Object> = match top.get("table_results") {
        Some(Value::Object(t)) => t
            .iter()
            .map(|(k, v)| {
                v.as_object()
                    .ok_or_else(|| format!("`table_results.{k}` must be an object"))
            })
            .collect::<std::result::Result<_, _>>()?,
        _ => match top.get("results") {
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_object()
                        .ok_or_else(|| format!("`results[{i}]` must be an object"))
                })
                .collect::<std::result::Result<_, _>>()?,
            _ => Vec::new(),
        },
    };
    let mut results: Vec<(String, Object)> = Vec::new();
    let mut versions = Object::default();
    for (i, r) in records.into_iter().enumerate() {
        let task = r
            .get("task_name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("promptsource record {i} has no `task_name` (text)"))?;
        let prompt = match r.get("prompt_name") {
            Some(Value::Str(p)) => p.clone(),
            None | Some(Value::Null) => "none".to_owned(),
            Some(other) => {
                return Err(format!(
                    "`prompt_name` of record {i} must be text, found {}",
                    other.display()
                ));
            }
        };
        let entry = match results.iter_mut().find(|(t, _)| t == task) {
            Some((_, e)) => e,
            None => {
                results.push((task.to_owned(), Object::default()));
                &mut results.last_mut().expect("just pushed").1
            }
        };
        for (k, v) in r.iter() {
            if PROMPTSOURCE_INFO_KEYS.contains(&k) {
                continue;
            }
            let key = format!("{k},{prompt}");
            if !entry.contains_key(&key) {
                entry.0.push((key, v.clone()));
            }
        }
        if let Some(v) = top
            .get("versions")
            .and_then(|vs| vs.get(&format!("{task}+{prompt}")))
            && !versions.contains_key(task)
        {
            versions.0.push((task.to_owned(), v.clone()));
        }
    }
    let mut out = Object::default();
    for (k, v) in top.iter() {
        match k {
            "results" => out.0.push((
                "results".into(),
                Value::Object(Object(
                    results
                        .iter()
                        .map(|(t, e)| (t.clone(), Value::Object(e.clone())))
                        .collect(),
                )),
            )),
            "versions" => out
                .0
                .push(("versions".into(), Value::Object(versions.clone()))),
            "table_results" => {}
            _ => out.0.push((k.to_owned(), v.clone())),
        }
    }
    Ok(out)
}

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

    Ok(Run {
        source,
        name: None,
        format,
        model,
        provenance,
        tasks,
        metrics,
        perturbations: Vec::new(),
        unmeasured: Vec::new(),
        unfinished: None,
        not_numeric,
    })
}

/// What an lm-eval / lmms-eval task's numbers measured (comparability): its version
/// (`versions`), its few-shot count (`n-shot`, or v0.3's one `num_fewshot`), its
/// `task_hashes` entry, the dataset its config names, and the limit (`none` when the run's
/// configuration is recorded without one).
fn measured(p: &Provenance, task: &str) -> BTreeMap<Aspect, String> {
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

/// A metric value: a number, or a numpy repr written as a string.
fn metric_number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(_) | Value::Float(_) => v.as_f64(),
        Value::Str(s) => numpy_repr(s),
        _ => None,
    }
}

/// `"np.float64(0.25)"` (lm-eval's `handle_non_serializable` writes `str(o)`).
fn numpy_repr(s: &str) -> Option<f64> {
    let inner = s
        .strip_prefix("np.")?
        .split_once('(')?
        .1
        .strip_suffix(')')?;
    match inner {
        "nan" => Some(f64::NAN),
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => inner.parse().ok(),
    }
}

/// A stderr value: a number, `None` for `"N/A"` and anything else non-numeric.
fn stderr_number(v: &Value) -> Option<f64> {
    metric_number(v)
}

/// `acc_stderr` → (`acc`, Stderr); `x_stderr_clt` → (`x`, Clt); otherwise `None`.
fn stderr_base(metric: &str) -> Option<(&str, StderrKind)> {
    for (suffix, kind) in [
        ("_stderr_clustered", StderrKind::Clustered),
        ("_stderr_clt", StderrKind::Clt),
        ("_stderr", StderrKind::Stderr),
    ] {
        if let Some(base) = metric.strip_suffix(suffix)
            && !base.is_empty()
        {
            return Some((base, kind));
        }
    }
    None
}

fn clean_alias(alias: &str) -> String {
    let t = alias.trim_start();
    t.strip_prefix("- ").unwrap_or(t).trim().to_owned()
}

type MetricKey = (String, String, Option<String>);

/// Stderr values of a task entry by (metric, filter), each with the key kind it came from.
type Stderrs = HashMap<(String, Option<String>), Vec<(StderrKind, Option<f64>)>>;

/// The tasks, the numeric metrics, and the metrics whose value is not a number.
type Read3 = (Vec<TaskInfo>, Vec<Metric>, Vec<NotNumeric>);

fn tasks_and_metrics(top: &Object, results: &Object, legacy: bool) -> Read3 {
    let groups_section: HashSet<&str> = top
        .get("groups")
        .and_then(Value::as_object)
        .map(|g| g.keys().collect())
        .unwrap_or_default();
    let group_subtasks = top.get("group_subtasks").and_then(Value::as_object);
    let n_samples = top.get("n-samples").and_then(Value::as_object);
    let file_hib = top.get("higher_is_better").and_then(Value::as_object);
    let configs = top.get("configs").and_then(Value::as_object);

    let mut tasks = Vec::new();
    let mut metrics: Vec<Metric> = Vec::new();
    let mut sample_counts: HashMap<MetricKey, u64> = HashMap::new();
    let mut not_numeric: Vec<NotNumeric> = Vec::new();

    for (task, entry) in results.iter() {
        let Some(entry) = entry.as_object() else {
            tracing::debug!(task, "results entry is not an object; skipped");
            continue;
        };
        let subtasks: Vec<String> = group_subtasks
            .and_then(|g| g.get(task))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let is_group = groups_section.contains(task)
            || !subtasks.is_empty()
            || entry.contains_key("sample_count");
        let ns = n_samples.and_then(|n| n.get(task));
        let n_original = ns.and_then(|n| n.get("original")).and_then(Value::as_u64);
        let n_effective = ns
            .and_then(|n| n.get("effective"))
            .and_then(Value::as_u64)
            .or_else(|| entry.get("sample_len").and_then(Value::as_u64));
        if let Some(counts) = entry.get("sample_count").and_then(Value::as_object) {
            for (k, c) in counts.iter() {
                if let (Some(c), Some((m, f))) = (c.as_u64(), k.split_once(',')) {
                    sample_counts.insert((task.to_owned(), m.to_owned(), Some(f.to_owned())), c);
                }
            }
        }

        // metric values in file order, stderrs by (metric, filter)
        let mut values: Vec<(String, Option<String>, f64)> = Vec::new();
        let mut stderrs: Stderrs = HashMap::new();
        for (key, val) in entry.iter() {
            if NON_METRIC_KEYS.contains(&key) {
                continue;
            }
            let (mpart, filter) = match key.split_once(',') {
                Some((m, f)) => (m, Some(f.to_owned())),
                None if legacy => (key, None),
                None if key.starts_with("paired_") => continue, // lmms-eval --baseline output
                None => (key, None),
            };
            if let Some((base, kind)) = stderr_base(mpart) {
                stderrs
                    .entry((base.to_owned(), filter))
                    .or_default()
                    .push((kind, stderr_number(val)));
                continue;
            }
            match metric_number(val) {
                Some(v) => values.push((mpart.to_owned(), filter, v)),
                None => {
                    // present but not a number (lmms-eval `accuracy_by_topic`: a dict):
                    // listed, never gated
                    let kind = match val {
                        Value::Object(_) => Some("a JSON object"),
                        Value::Array(_) => Some("a list"),
                        Value::Str(t) if t != "N/A" => Some("text"),
                        Value::Bool(_) => Some("true or false"),
                        _ => None,
                    };
                    match kind {
                        Some(kind) => not_numeric.push(NotNumeric {
                            task: task.to_owned(),
                            name: mpart.to_owned(),
                            variant: filter,
                            kind: kind.to_owned(),
                        }),
                        None => tracing::debug!(task, key, "metric without a value; skipped"),
                    }
                }
            }
        }

        let mut filters: Vec<String> = configs
            .and_then(|c| c.get(task))
            .and_then(|c| c.get("filter_list"))
            .and_then(Value::as_array)
            .map(|fl| {
                fl.iter()
                    .filter_map(|f| f.get("name").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if filters.is_empty() {
            for (_, f, _) in &values {
                if let Some(f) = f
                    && !filters.contains(f)
                {
                    filters.push(f.clone());
                }
            }
        }

        for (name, variant, value) in values {
            let (stderr, stderr_kind) = stderrs
                .get(&(name.clone(), variant.clone()))
                .map(|list| pick_stderr(list))
                .unwrap_or((None, None));
            let (higher_is_better, direction_source) = direction_of(task, &name, file_hib, configs);
            metrics.push(Metric {
                task: task.to_owned(),
                name,
                variant,
                value,
                stderr,
                stderr_kind,
                n: None, // filled below
                higher_is_better,
                direction_source,
                is_group,
                informational: false,
                trials: None,
            });
        }

        tasks.push(TaskInfo {
            name: task.to_owned(),
            alias: entry.get("alias").and_then(Value::as_str).map(clean_alias),
            is_group,
            subtasks,
            n_original,
            n_effective,
            filters,
            samples: None,
            instances: None,
            errored: None,
            epochs: None,
            split_counts: Default::default(),
            unscored: None,
            fallbacks: None,
            measured: Default::default(),
        });
    }

    fill_group_counts(&mut tasks);
    fill_sample_sizes(&tasks, &mut metrics, &sample_counts);
    (tasks, metrics, not_numeric)
}

/// A group's document counts, when the file gives none, are the sums over its subtasks
/// (recursively), if every one is known.
fn fill_group_counts(tasks: &mut [TaskInfo]) {
    fn sum(
        name: &str,
        tasks: &[TaskInfo],
        pick: fn(&TaskInfo) -> Option<u64>,
        depth: usize,
    ) -> Option<u64> {
        let t = tasks.iter().find(|t| t.name == name)?;
        if let Some(n) = pick(t) {
            return Some(n);
        }
        if !t.is_group || t.subtasks.is_empty() || depth > 32 {
            return None;
        }
        t.subtasks.iter().try_fold(0u64, |acc, c| {
            sum(c, tasks, pick, depth + 1).map(|n| acc.saturating_add(n))
        })
    }
    let counts: Vec<(Option<u64>, Option<u64>)> = tasks
        .iter()
        .map(|t| {
            (
                sum(&t.name, tasks, |t| t.n_original, 0),
                sum(&t.name, tasks, |t| t.n_effective, 0),
            )
        })
        .collect();
    for (t, (o, e)) in tasks.iter_mut().zip(counts) {
        t.n_original = o;
        t.n_effective = e;
    }
}

/// `_stderr` if numeric, else `_stderr_clustered`, else `_stderr_clt`.
fn pick_stderr(list: &[(StderrKind, Option<f64>)]) -> (Option<f64>, Option<StderrKind>) {
    for want in [StderrKind::Stderr, StderrKind::Clustered, StderrKind::Clt] {
        if let Some((k, Some(v))) = list.iter().find(|(k, v)| *k == want && v.is_some()) {
            return (Some(*v), Some(*k));
        }
    }
    (None, None)
}

fn direction_of(
    task: &str,
    metric: &str,
    file_hib: Option<&Object>,
    configs: Option<&Object>,
) -> (Option<bool>, Option<DirectionSource>) {
    if let Some(b) = file_hib
        .and_then(|h| h.get(task))
        .and_then(|t| t.get(metric))
        .and_then(Value::as_bool)
    {
        return (Some(b), Some(DirectionSource::File));
    }
    if let Some(b) = configs
        .and_then(|c| c.get(task))
        .and_then(|c| c.get("metric_list"))
        .and_then(Value::as_array)
        .and_then(|ml| {
            ml.iter()
                .find(|m| m.get("metric").and_then(Value::as_str) == Some(metric))
                .and_then(|m| m.get("higher_is_better"))
                .and_then(Value::as_bool)
        })
    {
        return (Some(b), Some(DirectionSource::TaskConfig));
    }
    match direction::builtin(metric) {
        Some(b) => (Some(b), Some(DirectionSource::BuiltIn)),
        None => (None, None),
    }
}

/// Sample sizes: a task's effective count; a group metric's `sample_count` when written
/// (lm-eval ≥ 0.4.12), else the sum over its subtasks that report the same metric
/// (lm-eval's `weight_by_size` aggregation), when every one of them is known.
fn fill_sample_sizes(
    tasks: &[TaskInfo],
    metrics: &mut [Metric],
    sample_counts: &HashMap<MetricKey, u64>,
) {
    let by_name: HashMap<&str, &TaskInfo> = tasks.iter().map(|t| (t.name.as_str(), t)).collect();
    let present: HashSet<(&str, &str, Option<&str>)> = metrics.iter().map(Metric::key).collect();

    fn n_of(
        task: &str,
        name: &str,
        variant: Option<&str>,
        by_name: &HashMap<&str, &TaskInfo>,
        present: &HashSet<(&str, &str, Option<&str>)>,
        sample_counts: &HashMap<MetricKey, u64>,
        depth: usize,
    ) -> Option<u64> {
        let t = by_name.get(task)?;
        if !t.is_group {
            return t.n_effective;
        }
        let key = (task.to_owned(), name.to_owned(), variant.map(str::to_owned));
        if let Some(c) = sample_counts.get(&key) {
            return Some(*c);
        }
        if depth > 32 || t.subtasks.is_empty() {
            return None;
        }
        let mut total = 0u64;
        let mut any = false;
        for child in &t.subtasks {
            if !present.contains(&(child.as_str(), name, variant)) {
                continue;
            }
            any = true;
            let n = n_of(
                child,
                name,
                variant,
                by_name,
                present,
                sample_counts,
                depth + 1,
            )?;
            total = total.saturating_add(n);
        }
        any.then_some(total)
    }

    let sizes: Vec<Option<u64>> = metrics
        .iter()
        .map(|m| {
            n_of(
                &m.task,
                &m.name,
                m.variant.as_deref(),
                &by_name,
                &present,
                sample_counts,
                0,
            )
        })
        .collect();
    for (m, n) in metrics.iter_mut().zip(sizes) {
        m.n = n;
    }
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

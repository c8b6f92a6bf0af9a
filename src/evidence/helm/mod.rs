//! Stanford HELM outputs: run directories, suites, `benchmark_output/`, and helm-summarize
//! tables. See `reference/formats-helm.md`.
//!
//! A run directory (`runs/<suite>/<run_name>/`) holds `run_spec.json` and `stats.json`, and
//! usually `per_instance_stats.json` and `scenario_state.json`. The traps, and what govgate
//! does about each:
//!
//! * keys whose value is None are omitted: absent is None, never 0;
//! * a Stat with `count: 0` has no mean: it was never measured, so it is not a metric (it is
//!   listed as unmeasured, and a check that selects it finds nothing: `missing`);
//! * `count` is the number of train trials, not of instances: the sample size is the
//!   `num_instances` stat of the same split;
//! * `variance` / `stddev` are the population spread *across trials* (zero with one trial):
//!   they are not a standard error and are not used. The stderr comes from
//!   `per_instance_stats.json` instead (sample stddev over instances / √n), when the run had
//!   one train trial and the per-instance mean reproduces the reported mean;
//! * rows with `perturbation.computed_on: "worst"` (`robustness`, `fairness`, one per
//!   perturbation) are variants of the base metric, present even when no perturbation ran;
//! * NaN stats were dropped by HELM before writing: an absent metric is reported `missing`.
//!
//! Mapping: the model is `adapter_spec.model` (deployment `adapter_spec.model_deployment`);
//! the task is the run name without its `model=` / `model_deployment=` arguments (so runs of
//! different models on the same scenario pair up); the variant is
//! `split[.sub_split][+perturbation:computed_on]`, e.g. `test`, `test+fairness:worst`,
//! `test+mild_mix:perturbed`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::json::{self, Object, RecordStream, Value};
use super::samples::SampleValues;
use super::{MAX_RESULTS_BYTES, direction, sha256_hex};
use crate::error::{Error, Result};
use crate::model::{
    Aspect, DirectionSource, Format, Metric, ModelInfo, Perturbation, Provenance, Run,
    SampleSource, Source, StderrKind, TaskInfo, Tool, TrialSpread,
};

mod instances;
mod tables;

use instances::*;
pub use instances::{instance_key, read_instance_values};
pub use tables::{is_table, read_tables};

/// Files helm-run writes into a run directory.
pub const RUN_FILES: &[&str] = &[
    "run_spec.json",
    "stats.json",
    "per_instance_stats.json",
    "scenario_state.json",
    "scenario.json",
    "instances.json",
    "display_predictions.json",
    "display_requests.json",
];

/// HELM's general-information and efficiency stats (schema_classic's
/// `general_information` / `efficiency` groups): bookkeeping, not performance.
pub fn is_informational(name: &str) -> bool {
    const PREFIXES: &[&str] = &["num_", "finish_reason_", "training_"];
    const NAMES: &[&str] = &[
        "batch_size",
        "prompt_truncated",
        "inference_runtime",
        "inference_denoised_runtime",
        "inference_idealized_runtime",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p)) || NAMES.contains(&name)
}

/// Directories of `benchmark_output/` that hold caches and downloaded data, not runs.
pub const SKIP_DIRS: &[&str] = &["eval_cache", "scenarios", "scenario_instances", "models"];

/// A whole HELM JSON file, refused above `MAX_RESULTS_BYTES`.
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > MAX_RESULTS_BYTES {
        return Err(Error::input(
            path,
            format!("{} bytes is too large", meta.len()),
        ));
    }
    super::input::read(path)
}

fn read_json(path: &Path) -> Result<Value> {
    json::parse_document(&read_bytes(path)?).map_err(|e| Error::json(path, e))
}

fn str_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The run spec's fields govgate reads, with the types HELM writes.
fn check_run_spec(spec: &Value) -> std::result::Result<(), String> {
    let adapter = spec.get("adapter_spec");
    let mut fields: Vec<(String, Option<&Value>, &str, &str)> = vec![
        ("name".into(), spec.get("name"), "str|null", "text"),
        ("adapter_spec".into(), adapter, "obj|null", "an object"),
        (
            "scenario_spec".into(),
            spec.get("scenario_spec"),
            "obj|null",
            "an object",
        ),
        (
            "scenario_spec.class_name".into(),
            spec.get("scenario_spec").and_then(|s| s.get("class_name")),
            "str|null",
            "text",
        ),
        (
            "scenario_spec.args".into(),
            spec.get("scenario_spec").and_then(|s| s.get("args")),
            "obj|null",
            "an object",
        ),
    ];
    for (key, kinds, what) in [
        ("model", "str|null", "text"),
        ("model_deployment", "str|null", "text"),
        ("method", "str|null", "text"),
        ("max_eval_instances", "int|null", "a whole number"),
        ("temperature", "num|null", "a number"),
        ("max_tokens", "int|null", "a whole number"),
        ("num_train_trials", "int|null", "a whole number"),
        ("num_trials", "int|null", "a whole number"),
        ("num_outputs", "int|null", "a whole number"),
    ] {
        fields.push((
            format!("adapter_spec.{key}"),
            adapter.and_then(|a| a.get(key)),
            kinds,
            what,
        ));
    }
    for (name, v, kinds, what) in fields {
        if let Some(v) = v
            && !v.is_kind(kinds)
        {
            return Err(format!("`{name}` must be {what}, found {}", v.display()));
        }
    }
    Ok(())
}

/// Each stat of a `stats.json` as HELM writes it: an object with a `name` object naming the
/// metric (a string), a non-negative whole `count`, and numbers (NaN allowed) for `sum`,
/// `sum_squared`, `min`, `max`, `mean`, `variance`, `stddev`. Anything else is refused,
/// naming the stat by its position.
fn check_stats(rows: &[Value]) -> std::result::Result<(), String> {
    for (i, row) in rows.iter().enumerate() {
        let Some(o) = row.as_object() else {
            return Err(format!(
                "stat {i} must be an object, found {}",
                row.display()
            ));
        };
        match o.get("name") {
            Some(Value::Object(n)) if matches!(n.get("name"), Some(Value::Str(_))) => {}
            other => {
                return Err(format!(
                    "stat {i}: `name` must be an object with a string `name`, found {}",
                    other.map_or("nothing".into(), Value::display)
                ));
            }
        }
        if let Some(c) = o.get("count")
            && !matches!(c, Value::Int(n) if *n >= 0)
        {
            return Err(format!(
                "stat {i}: `count` must be a non-negative whole number, found {}",
                c.display()
            ));
        }
        for key in [
            "sum",
            "sum_squared",
            "min",
            "max",
            "mean",
            "variance",
            "stddev",
        ] {
            if let Some(v) = o.get(key)
                && !matches!(v, Value::Int(_) | Value::Float(_) | Value::Null)
            {
                return Err(format!(
                    "stat {i}: `{key}` must be a number, found {}",
                    v.display()
                ));
            }
        }
    }
    Ok(())
}

/// The task a run name stands for: the name without `model=` / `model_deployment=`.
pub fn task_name(run_name: &str) -> String {
    let Some((scenario, args)) = run_name.split_once(':') else {
        return run_name.to_owned();
    };
    let kept: Vec<&str> = args
        .split(',')
        .filter(|a| !a.starts_with("model=") && !a.starts_with("model_deployment="))
        .collect();
    if kept.is_empty() {
        scenario.to_owned()
    } else {
        format!("{scenario}:{}", kept.join(","))
    }
}

/// A stat's `perturbation` object.
#[derive(Debug, Clone, PartialEq)]
struct Pert {
    name: String,
    robustness: bool,
    fairness: bool,
    computed_on: String,
}

fn pert_of(v: Option<&Value>) -> Option<Pert> {
    let o = v?.as_object()?;
    Some(Pert {
        name: str_of(o.get("name"))?.to_owned(),
        robustness: o
            .get("robustness")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        fairness: o.get("fairness").and_then(Value::as_bool).unwrap_or(false),
        // PerturbationDescription's default
        computed_on: str_of(o.get("computed_on"))
            .unwrap_or("perturbed")
            .to_owned(),
    })
}

/// The parts of a `MetricName` object: (name, variant, split, sub_split, perturbation).
struct StatName {
    name: String,
    split: Option<String>,
    sub_split: Option<String>,
    pert: Option<Pert>,
}

impl StatName {
    fn parse(v: Option<&Value>) -> Option<StatName> {
        let o = v?.as_object()?;
        Some(StatName {
            name: str_of(o.get("name"))?.to_owned(),
            split: str_of(o.get("split")).map(str::to_owned),
            sub_split: str_of(o.get("sub_split")).map(str::to_owned),
            pert: pert_of(o.get("perturbation")),
        })
    }

    /// `split[.sub_split][+perturbation:computed_on]`; `None` when nothing is set.
    fn variant(&self) -> Option<String> {
        let mut v = self.split.clone().unwrap_or_default();
        if let Some(s) = &self.sub_split {
            v.push('.');
            v.push_str(s);
        }
        if let Some(p) = &self.pert {
            v.push('+');
            v.push_str(&p.name);
            v.push(':');
            v.push_str(&p.computed_on);
        }
        (!v.is_empty()).then_some(v)
    }
}

/// A Stat's value: its mean, or sum/count; `None` for `count: 0` (never measured).
fn stat_value(o: &Object) -> Option<f64> {
    let count = o.get("count").and_then(Value::as_f64).unwrap_or(0.0);
    if count <= 0.0 {
        return None;
    }
    o.get("mean")
        .and_then(Value::as_f64)
        .or_else(|| Some(o.get("sum").and_then(Value::as_f64)? / count))
}

/// The sample standard deviation of `count` trials from their population variance (HELM's
/// `variance` is `sum_squared/count − mean²`): `√(variance·k/(k − 1))`. `None` below two
/// trials or for a variance that is not a finite number ≥ 0 (tiny negative rounding is 0).
pub fn trial_sd(count: u64, variance: f64) -> Option<f64> {
    if count < 2 || !variance.is_finite() || variance < -1e-12 {
        return None;
    }
    let k = count as f64;
    Some((variance.max(0.0) * k / (k - 1.0)).sqrt())
}

/// A Stat's spread across train trials when it averages more than one (`count` > 1): from
/// `variance`, else `stddev`², else `sum_squared/count − mean²`.
fn trial_spread(o: &Object) -> Option<TrialSpread> {
    let count = o.get("count").and_then(Value::as_u64)?;
    if count < 2 {
        return None;
    }
    let num = |k: &str| o.get(k).and_then(Value::as_f64);
    let variance = num("variance")
        .or_else(|| num("stddev").map(|s| s * s))
        .or_else(|| {
            let mean = num("mean").or_else(|| Some(num("sum")? / count as f64))?;
            Some(num("sum_squared")? / count as f64 - mean * mean)
        })?;
    Some(TrialSpread {
        count,
        sd: trial_sd(count, variance)?,
    })
}

/// Directions from a suite's `schema.json` (`metrics[].lower_is_better`).
pub fn schema_directions(suite_dir: &Path) -> BTreeMap<String, bool> {
    let path = suite_dir.join("schema.json");
    let Ok(doc) = read_json(&path) else {
        return BTreeMap::new();
    };
    doc.get("metrics")
        .and_then(Value::as_array)
        .map(|ms| {
            ms.iter()
                .filter_map(|m| {
                    let name = str_of(m.get("name"))?;
                    let lower = m.get("lower_is_better").and_then(Value::as_bool)?;
                    Some((name.to_owned(), !lower))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn inferred_version(adapter: Option<&Object>) -> &'static str {
    let has = |k: &str| adapter.is_some_and(|a| a.contains_key(k));
    if has("num_trials") || has("eval_splits") {
        "≥0.5"
    } else if has("model_deployment") || has("global_suffix") {
        "0.4.x"
    } else if has("multi_label") {
        "0.3.x"
    } else {
        "0.2.x"
    }
}

/// Adapter fields kept as generation parameters (prompt text is left out).
const GENERATION_KEYS: &[&str] = &[
    "method",
    "temperature",
    "max_tokens",
    "num_outputs",
    "num_train_trials",
    "num_trials",
    "max_train_instances",
    "max_eval_instances",
    "random",
    "sample_train",
    "multi_label",
    "eval_splits",
    "stop_sequences",
];

/// Adapter fields that shape the prompt: a difference in any makes a different evaluation.
const PROMPT_KEYS: &[&str] = &[
    "global_prefix",
    "global_suffix",
    "instructions",
    "input_prefix",
    "input_suffix",
    "reference_prefix",
    "reference_prefix_characters",
    "reference_suffix",
    "chain_of_thought_prefix",
    "chain_of_thought_suffix",
    "output_prefix",
    "output_suffix",
    "instance_prefix",
    "substitutions",
    "multi_label",
    "sample_train",
];

/// What a HELM run's numbers measured (comparability): the scenario, the adaptation method,
/// the in-context examples (`max_train_instances`), the prompt settings, the outputs per
/// request, the trials and `max_eval_instances`. Prompt texts longer than 40 characters are
/// kept as a SHA-256 prefix.
fn measured(adapter: &Object, scenario: Option<&str>) -> BTreeMap<Aspect, String> {
    let mut m = BTreeMap::new();
    let shown = |v: &Value| -> String {
        let t = v.to_json();
        if t.chars().count() > 40 {
            format!("sha256:{}", &super::sha256_hex(t.as_bytes())[..12])
        } else {
            t
        }
    };
    if let Some(s) = scenario {
        m.insert(Aspect::Scenario, s.to_owned());
    }
    if let Some(v) = adapter.get("method").and_then(Value::as_str) {
        m.insert(Aspect::Method, v.to_owned());
    }
    if let Some(v) = adapter.get("max_train_instances").filter(|v| !v.is_null()) {
        m.insert(Aspect::NShot, v.display());
    }
    let prompt: Vec<(String, String)> = PROMPT_KEYS
        .iter()
        .filter_map(|k| adapter.get(k).map(|v| ((*k).to_owned(), shown(v))))
        .collect();
    if !prompt.is_empty() {
        m.insert(Aspect::Prompt, super::measured_object(&prompt));
    }
    if let Some(v) = adapter.get("num_outputs").filter(|v| !v.is_null()) {
        m.insert(Aspect::Outputs, v.display());
    }
    let trials: Vec<(String, String)> = ["num_train_trials", "num_trials"]
        .iter()
        .filter_map(|k| {
            adapter
                .get(k)
                .filter(|v| !v.is_null())
                .map(|v| ((*k).to_owned(), v.display()))
        })
        .collect();
    if !trials.is_empty() {
        m.insert(Aspect::Trials, super::measured_object(&trials));
    }
    m.insert(
        Aspect::Limit,
        adapter
            .get("max_eval_instances")
            .filter(|v| !v.is_null())
            .map_or_else(|| "none".to_owned(), Value::display),
    );
    m
}

/// Reads a HELM run directory. `directions` are the suite schema's, when there is one.
pub fn read_run_dir(dir: &Path, directions: &BTreeMap<String, bool>) -> Result<Run> {
    let spec_path = dir.join("run_spec.json");
    let stats_path = dir.join("stats.json");
    let spec = read_json(&spec_path)?;
    let run_name = str_of(spec.get("name"))
        .map(str::to_owned)
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let adapter = spec.get("adapter_spec").and_then(Value::as_object);

    let meta = std::fs::metadata(&stats_path).map_err(|e| Error::io(&stats_path, e))?;
    if meta.len() > MAX_RESULTS_BYTES {
        return Err(Error::input(
            &stats_path,
            format!("{} bytes is too large", meta.len()),
        ));
    }
    let bytes = super::input::read(&stats_path)?;
    let stats = json::parse_document(&bytes).map_err(|e| Error::json(&stats_path, e))?;
    let rows = stats.as_array().ok_or_else(|| {
        Error::input(
            &stats_path,
            "a HELM stats.json must be a JSON array of stats",
        )
    })?;

    check_stats(rows).map_err(|m| Error::input(&stats_path, m))?;
    check_run_spec(&spec).map_err(|m| Error::input(dir.join("run_spec.json"), m))?;

    let task = task_name(&run_name);
    let a = |k: &str| adapter.and_then(|o| o.get(k));
    let mut generation = BTreeMap::new();
    for k in GENERATION_KEYS {
        if let Some(v) = a(k).filter(|v| !v.is_null()) {
            generation.insert((*k).to_owned(), v.display());
        }
    }
    let scenario = spec
        .get("scenario_spec")
        .and_then(Value::as_object)
        .and_then(|sc| {
            let class = str_of(sc.get("class_name"))?;
            let args = sc
                .get("args")
                .and_then(Value::as_object)
                .map(|a| {
                    a.iter()
                        .map(|(k, v)| format!("{k}={}", v.display()))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            Some(format!("{class}({args})"))
        });
    let measured = adapter
        .map(|a| measured(a, scenario.as_deref()))
        .unwrap_or_default();
    let provenance = Provenance {
        config_recorded: adapter.is_some(),
        scenario,
        model_deployment: str_of(a("model_deployment")).map(str::to_owned),
        limit: a("max_eval_instances").and_then(Value::as_f64),
        date: dir
            .parent()
            .map(|suite| suite.join("summary.json"))
            .and_then(|p| read_json(&p).ok())
            .and_then(|s| str_of(s.get("date")).map(str::to_owned)),
        generation,
        ..Provenance::default()
    };
    let model = ModelInfo {
        name: str_of(a("model"))
            .or(str_of(a("model_deployment")))
            .map(str::to_owned),
        // the deployment, when it differs from the model
        backend: str_of(a("model_deployment"))
            .filter(|d| Some(*d) != str_of(a("model")))
            .map(str::to_owned),
        ..ModelInfo::default()
    };

    // num_instances per (split, sub_split), unperturbed
    let mut instances: HashMap<(Option<String>, Option<String>), f64> = HashMap::new();
    let mut metrics: Vec<Metric> = Vec::new();
    let mut seen: HashSet<(String, Option<String>)> = HashSet::new();
    let mut unmeasured = Vec::new();
    let mut perturbations: Vec<Perturbation> = Vec::new();
    // (split, sub_split) of each metric, for its sample size once num_instances is known
    let mut splits: Vec<(Option<String>, Option<String>)> = Vec::new();
    for row in rows {
        let Some(o) = row.as_object() else { continue };
        let Some(name) = StatName::parse(o.get("name")) else {
            continue;
        };
        if let Some(p) = &name.pert
            && p.computed_on == "perturbed"
            && !perturbations.iter().any(|x| x.name == p.name)
        {
            perturbations.push(Perturbation {
                name: p.name.clone(),
                robustness: p.robustness,
                fairness: p.fairness,
            });
        }
        let mut variant = name.variant();
        let Some(value) = stat_value(o) else {
            unmeasured.push(match &variant {
                Some(v) => format!("{}@{v}", name.name),
                None => name.name.clone(),
            });
            continue;
        };
        if name.name == "num_instances" && name.pert.is_none() {
            instances.insert((name.split.clone(), name.sub_split.clone()), value);
        }
        // two rows can differ only in perturbation parameters: keep both, told apart
        let mut k = 2;
        while seen.contains(&(name.name.clone(), variant.clone())) {
            variant = Some(format!("{}#{k}", name.variant().unwrap_or_default()));
            k += 1;
        }
        seen.insert((name.name.clone(), variant.clone()));
        let (hib, src) = match directions.get(&name.name) {
            Some(h) => (Some(*h), Some(DirectionSource::File)),
            None => match direction::builtin(&name.name) {
                Some(h) => (Some(h), Some(DirectionSource::BuiltIn)),
                None => (None, None),
            },
        };
        splits.push((name.split.clone(), name.sub_split.clone()));
        metrics.push(Metric {
            task: task.clone(),
            name: name.name.clone(),
            variant,
            value,
            stderr: None,
            stderr_kind: None,
            n: None,
            higher_is_better: hib,
            direction_source: src,
            is_group: false,
            informational: is_informational(&name.name),
            trials: trial_spread(o),
        });
    }
    // num_instances of the same split and sub_split (it may come after the rows)
    for (m, (split, sub_split)) in metrics.iter_mut().zip(splits) {
        m.n = instances
            .get(&(split.clone(), sub_split))
            .or_else(|| instances.get(&(split, None)))
            .map(|x| *x as u64);
    }

    // Worst-case rows of a kind no perturbation applied are copies of the unperturbed
    // value: informational, like the bookkeeping stats.
    let applied = |f: fn(&Perturbation) -> bool| perturbations.iter().any(f);
    let (robust, fair) = (applied(|p| p.robustness), applied(|p| p.fairness));
    for m in &mut metrics {
        if let Some(v) = &m.variant
            && ((v.ends_with("+robustness:worst") && !robust)
                || (v.ends_with("+fairness:worst") && !fair))
        {
            m.informational = true;
        }
    }

    let per_instance = dir.join("per_instance_stats.json");
    let per_instance = per_instance.is_file().then_some(per_instance);
    let trials = a("num_train_trials").and_then(Value::as_f64).unwrap_or(1.0);
    if let Some(p) = &per_instance
        && trials <= 1.0
    {
        fill_stderr(p, &mut metrics)?;
    }
    let scenario_state = dir.join("scenario_state.json");
    // instances per split (a split's own row, else the sum of its sub-splits'): HELM's
    // max_eval_instances caps all splits together
    let mut split_counts: BTreeMap<String, u64> = BTreeMap::new();
    for ((split, sub_split), k) in &instances {
        let Some(split) = split else { continue };
        if sub_split.is_none() || !instances.contains_key(&(Some(split.clone()), None)) {
            *split_counts.entry(split.clone()).or_default() += *k as u64;
        }
    }
    let n_effective = instances
        .get(&(Some("test".into()), None))
        .or_else(|| instances.values().next())
        .map(|x| *x as u64);

    Ok(Run {
        source: Source {
            path: stats_path,
            sha256: sha256_hex(&bytes),
            bytes: bytes.len() as u64,
        },
        name: Some(run_name.clone()),
        format: Format {
            tool: Tool::Helm,
            version: None,
            inferred: Some(inferred_version(adapter).to_owned()),
        },
        model,
        provenance,
        tasks: vec![TaskInfo {
            name: task,
            alias: spec
                .get("scenario_spec")
                .and_then(|s| str_of(s.get("class_name")))
                .map(|c| c.rsplit('.').next().unwrap_or(c).to_owned()),
            n_effective,
            samples: per_instance.map(SampleSource::HelmPerInstance),
            instances: scenario_state.is_file().then_some(scenario_state),
            split_counts,
            measured,
            ..TaskInfo::default()
        }],
        metrics,
        perturbations,
        unmeasured,
        unfinished: None,
        not_numeric: Vec::new(),
    })
}

/// The run directory a HELM run file belongs to, when it is one (has `run_spec.json` and
/// `stats.json`).
pub fn run_dir_of(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    (dir.join("run_spec.json").is_file() && dir.join("stats.json").is_file())
        .then(|| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_names_drop_the_model() {
        assert_eq!(
            task_name(
                "bbq:subject=all,method=multiple_choice_joint,model=openai_gpt-4-turbo-2024-04-09"
            ),
            "bbq:subject=all,method=multiple_choice_joint"
        );
        assert_eq!(task_name("simple1:model=simple_model1"), "simple1");
        assert_eq!(
            task_name("simple_mcqa:model=simple_oracle-model-b,data_augmentation=robustness"),
            "simple_mcqa:data_augmentation=robustness"
        );
        assert_eq!(task_name("mmlu"), "mmlu");
    }

    #[test]
    fn variants() {
        let v = |s: &str| {
            let doc = json::parse_document(s.as_bytes()).expect("json");
            StatName::parse(Some(&doc)).expect("name").variant()
        };
        assert_eq!(
            v(r#"{"name": "exact_match", "split": "test"}"#).as_deref(),
            Some("test")
        );
        assert_eq!(
            v(r#"{"name": "toxic_frac", "split": "test", "sub_split": "toxic"}"#).as_deref(),
            Some("test.toxic")
        );
        assert_eq!(
            v(r#"{"name": "em", "split": "test", "perturbation": {"name": "fairness", "robustness": false, "fairness": true, "computed_on": "worst"}}"#)
                .as_deref(),
            Some("test+fairness:worst")
        );
        // computed_on absent: PerturbationDescription's default, "perturbed"
        assert_eq!(
            v(r#"{"name": "em", "split": "valid", "perturbation": {"name": "typos"}}"#).as_deref(),
            Some("valid+typos:perturbed")
        );
        assert_eq!(v(r#"{"name": "training_co2_cost"}"#), None);
    }

    #[test]
    fn count_zero_is_no_value() {
        let o = |s: &str| json::parse_document(s.as_bytes()).expect("json");
        let z = o(r#"{"count": 0, "sum": 0, "sum_squared": 0}"#);
        assert_eq!(stat_value(z.as_object().expect("obj")), None);
        let one = o(r#"{"count": 1, "sum": 0.9, "mean": 0.9}"#);
        assert_eq!(stat_value(one.as_object().expect("obj")), Some(0.9));
        let no_mean = o(r#"{"count": 2, "sum": 1.0}"#);
        assert_eq!(stat_value(no_mean.as_object().expect("obj")), Some(0.5));
    }

    #[test]
    fn informational_stats() {
        for n in [
            "num_instances",
            "num_prompt_tokens",
            "finish_reason_stop",
            "batch_size",
            "inference_runtime",
            "training_co2_cost",
        ] {
            assert!(is_informational(n), "{n}");
        }
        for n in [
            "exact_match",
            "toxic_frac",
            "bbq_metric_ambiguous_bias",
            "logprob",
        ] {
            assert!(!is_informational(n), "{n}");
        }
    }

    #[test]
    fn instance_keys_are_stable() {
        assert_eq!(instance_key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(instance_key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(instance_key("id1"), instance_key("id2"));
    }
}

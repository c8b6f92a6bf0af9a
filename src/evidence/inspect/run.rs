//! An Inspect AI log's header turned into a [`Run`]: provenance, metrics, what it measured.

#[allow(unused_imports)]
use super::*;

pub(super) fn to_run(path: &Path, source: Source, h: &Header) -> Result<Run> {
    let Some(eval) = h.eval() else {
        return Err(Error::input(
            path,
            "an Inspect AI log without an `eval` object",
        ));
    };
    let Some(task) = text(eval.get("task")) else {
        return Err(Error::input(path, "an Inspect AI log without `eval.task`"));
    };
    if h.status.is_empty() {
        return Err(Error::input(
            path,
            "an Inspect AI log without a `status` (expected success, error, cancelled or started)",
        ));
    }
    check_header(&h.doc).map_err(|m| Error::input(path, m))?;
    let config = eval.get("config").and_then(Value::as_object);
    let plan_config = h
        .doc
        .get("plan")
        .and_then(|p| p.get("config"))
        .and_then(Value::as_object);
    let model_config = eval.get("model_generate_config").and_then(Value::as_object);
    let model_args = eval.get("model_args").and_then(Value::as_object);
    let version = eval
        .get("packages")
        .and_then(|p| p.get("inspect_ai"))
        .and_then(Value::as_str)
        .map(str::to_owned);

    let model_name = text(eval.get("model"));
    let model = ModelInfo {
        backend: model_name
            .as_deref()
            .and_then(|m| m.split_once('/'))
            .map(|(p, _)| p.to_owned()),
        name: model_name,
        args: model_args.filter(|a| !a.is_empty()).map(|a| {
            a.iter()
                .map(|(k, v)| format!("{k}={}", text(Some(v)).unwrap_or_else(|| "null".into())))
                .collect::<Vec<_>>()
                .join(",")
        }),
        revision: model_args.and_then(|a| text(a.get("revision"))),
        ..ModelInfo::default()
    };

    let mut p = Provenance {
        tool_version: version.clone(),
        config_recorded: config.is_some(),
        date: text(eval.get("created")),
        task_file: text(eval.get("task_file")),
        ..Provenance::default()
    };
    if let Some(rev) = eval.get("revision") {
        p.git_hash = text(rev.get("commit"));
        p.git_dirty = rev.get("dirty").and_then(Value::as_bool);
    }
    // the generation seed: plan.config (always), model_generate_config (CLI models)
    if let Some(seed) = plan_config
        .and_then(|c| c.get("seed"))
        .or_else(|| model_config.and_then(|c| c.get("seed")))
        .and_then(Value::as_i64)
    {
        p.seeds.insert("seed".into(), seed);
    }
    let shuffle = config.and_then(|c| c.get("sample_shuffle"));
    if let Some(s) = shuffle.and_then(Value::as_i64) {
        p.seeds.insert("sample_shuffle".into(), s);
    }
    match config.and_then(|c| c.get("limit")) {
        Some(Value::Array(a)) if a.len() == 2 => {
            if let (Some(start), Some(end)) = (a[0].as_u64(), a[1].as_u64()) {
                p.limit = Some(end.saturating_sub(start) as f64);
                p.limit_range = Some((start, end));
            }
        }
        Some(l) => p.limit = l.as_f64(),
        None => {}
    }
    for c in [plan_config, model_config].into_iter().flatten() {
        for (k, v) in c.iter() {
            if k != "seed"
                && !p.generation.contains_key(k)
                && let Some(t) = text(Some(v))
            {
                p.generation.insert(k.to_owned(), t);
            }
        }
    }
    let epochs = h.epochs();
    p.generation.insert("epochs".into(), epochs.to_string());
    if let Some(r) = config
        .and_then(|c| c.get("epochs_reducer"))
        .and_then(Value::as_array)
    {
        let names: Vec<String> = r.iter().filter_map(|x| text(Some(x))).collect();
        if !names.is_empty() {
            p.generation
                .insert("epochs_reducer".into(), names.join(","));
        }
    }
    if let Some(Value::Bool(true)) = shuffle {
        p.generation.insert("sample_shuffle".into(), "true".into());
    }
    if let Some(pk) = eval.get("packages").and_then(Value::as_object) {
        for (k, v) in pk.iter() {
            if let Some(t) = text(Some(v)) {
                p.environment.insert(k.to_owned(), t);
            }
        }
    }
    if let Some(v) = text(eval.get("task_version")) {
        p.task_versions.insert(task.clone(), v);
    }
    p.model_args_revision = model.revision.clone();
    let dataset = eval.get("dataset");
    let n_original = dataset
        .and_then(|d| d.get("samples"))
        .and_then(Value::as_u64);
    let described = dataset.and_then(|d| {
        let name = text(d.get("name"));
        let location = text(d.get("location"));
        let what = match (name, location) {
            (Some(n), Some(l)) if n != l => format!("{n} ({l})"),
            (Some(n), _) => n,
            (None, Some(l)) => l,
            (None, None) => return None,
        };
        Some(match n_original {
            Some(n) => format!("{what}, {n} samples"),
            None => what,
        })
    });
    if let Some(d) = described {
        p.datasets.insert(task.clone(), d);
    }

    let errored = h.listed.iter().filter(|l| l.errored).count() as u64;
    let mut done: Vec<u64> = h
        .listed
        .iter()
        .filter(|l| !l.errored)
        .map(|l| l.id)
        .collect();
    done.sort_unstable();
    done.dedup();

    // samples with a fallback model's answer in them (last listing per sample and epoch)
    let mut fell_back: Vec<u64> = h
        .listed
        .iter()
        .filter(|l| l.fallback)
        .map(|l| l.id)
        .collect();
    fell_back.sort_unstable();
    fell_back.dedup();
    let unscored = unscored_of(h);

    let (metrics, unmeasured) = metrics_of(&task, h);
    let unfinished = if h.status != "success" {
        Some(Unfinished {
            status: h.status.clone(),
            message: h
                .doc
                .get("error")
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .map(|m| m.lines().next().unwrap_or(m).to_owned()),
        })
    } else if h.doc.get("invalidated").and_then(Value::as_bool) == Some(true) {
        Some(Unfinished {
            status: "invalidated".into(),
            message: Some("the log was marked invalid after the run".into()),
        })
    } else {
        None
    };
    let display = text(eval.get("task_display_name")).filter(|d| *d != task);
    let measured = measured(eval, h, config);
    Ok(Run {
        source,
        name: text(eval.get("eval_id")).or_else(|| text(eval.get("task_id"))),
        format: Format {
            tool: Tool::Inspect,
            version,
            inferred: None,
        },
        model,
        provenance: p,
        tasks: vec![TaskInfo {
            name: task,
            alias: display,
            n_original,
            // documents completed; `unscored` of them a scorer could not score
            n_effective: Some(done.len() as u64),
            samples: Some(SampleSource::Inspect(path.to_path_buf())),
            errored: Some(errored),
            epochs: Some(epochs),
            unscored,
            fallbacks: Some(fell_back.len() as u64),
            measured,
            ..TaskInfo::default()
        }],
        metrics,
        perturbations: Vec::new(),
        unmeasured,
        unfinished,
        not_numeric: Vec::new(),
    })
}

/// The fields a check reads, where the format fixes their type: refused, naming the
/// field, rather than skipped (a malformed log must not pass as one that says less).
pub(super) fn check_header(doc: &Object) -> std::result::Result<(), String> {
    let shown = |v: &Value| {
        let t = v.display();
        match t.char_indices().nth(40) {
            Some((i, _)) => format!("{}…", &t[..i]),
            None => t,
        }
    };
    let eval = doc.get("eval");
    // a schema Inspect itself refuses is never read as if it were known
    match doc.get("version") {
        None | Some(Value::Null) => {}
        Some(Value::Int(v)) if *v > LOG_SCHEMA_VERSION => {
            return Err(format!(
                "Unable to read version {v} of log format: Inspect AI reads log schema \
                 versions up to {LOG_SCHEMA_VERSION} (the log was written by a newer Inspect; \
                 a govgate that knows it is needed)"
            ));
        }
        Some(Value::Int(v)) if *v >= 1 => {}
        Some(other) => {
            return Err(format!(
                "`version` must be a log schema version (a positive integer), found {}",
                shown(other)
            ));
        }
    }
    if let Some(r) = doc.get("results")
        && r.get("scorer").is_some()
        && r.get("scores").is_some()
    {
        return Err(
            "`results` has both `scorer` (log schema 1) and `scores` (schema 2): Inspect \
             refuses such a log"
                .into(),
        );
    }
    // the fields read into the run, with the types Inspect writes
    for (path, kinds, what) in [
        ("eval", "obj", "an object"),
        ("eval.task", "str", "text"),
        ("eval.model", "str|null", "text"),
        ("eval.created", "str|null", "text"),
        ("eval.eval_id", "str|null", "text"),
        ("eval.task_id", "str|null", "text"),
        ("eval.task_file", "str|null", "text"),
        ("eval.task_display_name", "str|null", "text"),
        ("eval.task_version", "int|str|null", "a number or text"),
        ("eval.model_args", "obj|null", "an object"),
        ("eval.model_generate_config", "obj|null", "an object"),
        ("eval.config", "obj|null", "an object"),
        (
            "eval.config.sample_shuffle",
            "bool|int|null",
            "true, false or a seed",
        ),
        ("eval.dataset", "obj|null", "an object"),
        ("eval.dataset.name", "str|null", "text"),
        ("eval.dataset.location", "str|null", "text"),
        ("eval.revision", "obj|null", "an object"),
        ("eval.revision.commit", "str|null", "text"),
        ("eval.revision.dirty", "bool|null", "true or false"),
        ("eval.packages", "obj|null", "an object"),
        ("eval.packages.inspect_ai", "str|null", "text"),
        ("plan", "obj|null", "an object"),
        ("plan.config", "obj|null", "an object"),
        ("plan.config.seed", "int|null", "a whole number"),
        (
            "eval.model_generate_config.seed",
            "int|null",
            "a whole number",
        ),
        ("results", "obj|null", "an object"),
        ("error", "obj|null", "an object"),
        ("invalidated", "bool|null", "true or false"),
    ] {
        if let Some(v) = crate::evidence::records::lookup(doc, path)
            && !v.is_kind(kinds)
        {
            return Err(format!("`{path}` must be {what}, found {}", shown(v)));
        }
    }
    let config = eval.and_then(|e| e.get("config"));
    match config.and_then(|c| c.get("limit")) {
        None | Some(Value::Null) => {}
        Some(Value::Int(n)) if *n >= 0 => {}
        Some(Value::Array(a))
            if a.len() == 2
                && matches!((&a[0], &a[1]), (Value::Int(x), Value::Int(y)) if 0 <= *x && x <= y) => {
        }
        Some(other) => {
            return Err(format!(
                "`eval.config.limit` must be a non-negative integer or a [start, end] pair, found {}",
                shown(other)
            ));
        }
    }
    if let Some(e) = config.and_then(|c| c.get("epochs"))
        && !matches!(e, Value::Int(n) if *n >= 1)
    {
        return Err(format!(
            "`eval.config.epochs` must be a positive integer, found {}",
            shown(e)
        ));
    }
    if let Some(n) = eval
        .and_then(|e| e.get("dataset"))
        .and_then(|d| d.get("samples"))
        && !matches!(n, Value::Int(x) if *x >= 0)
    {
        return Err(format!(
            "`eval.dataset.samples` must be a non-negative integer, found {}",
            shown(n)
        ));
    }
    let Some(results) = doc.get("results") else {
        return Ok(());
    };
    let Some(scores) = results.get("scores") else {
        return Ok(());
    };
    let Some(scores) = scores.as_array() else {
        return Err(format!(
            "`results.scores` must be an array, found {}",
            shown(scores)
        ));
    };
    for (i, sc) in scores.iter().enumerate() {
        for key in ["scored_samples", "unscored_samples"] {
            if let Some(n) = sc.get(key)
                && !matches!(n, Value::Int(x) if *x >= 0)
            {
                return Err(format!(
                    "`results.scores[{i}].{key}` must be a non-negative integer, found {}",
                    shown(n)
                ));
            }
        }
        let Some(metrics) = sc.get("metrics") else {
            continue;
        };
        let Some(metrics) = metrics.as_object() else {
            return Err(format!(
                "`results.scores[{i}].metrics` must be an object, found {}",
                shown(metrics)
            ));
        };
        for (k, m) in metrics.iter() {
            match m.get("value") {
                None | Some(Value::Int(_) | Value::Float(_) | Value::Null) => {}
                Some(other) => {
                    return Err(format!(
                        "`results.scores[{i}].metrics.{k}.value` must be a number, found {}",
                        shown(other)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The metrics Inspect writes as the standard error of a score's mean, in preference order.
const SE_METRICS: &[&str] = &["stderr", "bootstrap_stderr", "bootstrap_std"];

/// A `ci()` / `ci_wilson()` metric's bound (Inspect ≥ 0.3.260 writes a mapping metric
/// as one entry per key, `lower` and `upper`, with the metric as their `group`):
/// `ci_lower` / `ci_wilson_upper`, the interval of the score's mean.
fn ci_bound(m: &Value, key: &str) -> Option<String> {
    let group = m.get("group").and_then(Value::as_str)?;
    if !(group == "ci" || group.starts_with("ci_")) {
        return None;
    }
    let bound = m.get("name").and_then(Value::as_str).unwrap_or(key);
    matches!(bound, "lower" | "upper").then(|| format!("{group}_{bound}"))
}

/// Samples a scorer left unscored (`Score.unscored()`: value NaN, a reason such as a
/// grade that could not be parsed): `results.scores[].unscored_samples` (the most of any
/// score), else the NaN rows of the first reduction. `None` when the log says nothing.
fn unscored_of(h: &Header) -> Option<u64> {
    let from_results = h
        .doc
        .get("results")
        .and_then(|r| r.get("scores"))
        .and_then(Value::as_array)
        .and_then(|e| {
            e.iter()
                .filter_map(|x| x.get("unscored_samples").and_then(Value::as_u64))
                .max()
        });
    from_results.or_else(|| {
        h.reductions.first().map(|r| {
            r.rows
                .iter()
                .filter(|(_, v)| v.is_some_and(f64::is_nan))
                .count() as u64
        })
    })
}

/// The metrics of `results.scores`, and the metric entries without a numeric value.
pub(super) fn metrics_of(task: &str, h: &Header) -> (Vec<Metric>, Vec<String>) {
    let mut metrics = Vec::new();
    let mut unmeasured = Vec::new();
    let Some(entries) = h
        .doc
        .get("results")
        .and_then(|r| r.get("scores"))
        .and_then(Value::as_array)
    else {
        return (metrics, unmeasured);
    };
    let scores = h.scores();
    for (entry, score) in entries.iter().zip(&scores) {
        let n = entry
            .get("scored_samples")
            .and_then(Value::as_u64)
            .or_else(|| h.reduction(score).map(|r| r.rows.len() as u64));
        let Some(ms) = entry.get("metrics").and_then(Value::as_object) else {
            continue;
        };
        // the standard error of the mean: `stderr()`, else `bootstrap_stderr()` (schema 1
        // logs: `bootstrap_std`, the sd of the bootstrapped means)
        let se_key = SE_METRICS
            .iter()
            .copied()
            .find(|k| ms.get(k).is_some())
            .unwrap_or("stderr");
        let stderr = ms
            .get(se_key)
            .and_then(|m| m.get("value"))
            .and_then(Value::as_f64);
        let clustered = ms
            .get(se_key)
            .and_then(|m| m.get("params"))
            .and_then(|p| p.get("cluster"))
            .is_some_and(|c| !c.is_null());
        for (key, m) in ms.iter() {
            if key == se_key {
                continue;
            }
            let params = m.get("params");
            let group_key = params
                .and_then(|p| p.get("group_key"))
                .and_then(Value::as_str);
            let grouped = m.get("group").and_then(Value::as_str) == Some("grouped")
                || (group_key.is_some() && params.and_then(|p| p.get("metric")).is_some());
            let (name, variant) = if grouped {
                let inner = params
                    .and_then(|p| p.get("metric"))
                    .and_then(|x| x.get("name"))
                    .and_then(Value::as_str)
                    .map(|s| s.rsplit('/').next().unwrap_or(s))
                    .unwrap_or(key);
                (
                    inner.to_owned(),
                    format!("{}+{}={key}", score.label, group_key.unwrap_or("group")),
                )
            } else if let Some(bound) = ci_bound(m, key) {
                (bound, score.label.clone())
            } else {
                (key.to_owned(), score.label.clone())
            };
            let Some(value) = m.get("value").and_then(Value::as_f64) else {
                unmeasured.push(format!("{task}/{name}@{variant} (no numeric value)"));
                continue;
            };
            let interval = ci_bound(m, key).is_some();
            let of_mean = !grouped && (name == "accuracy" || name == "mean");
            let dir = direction::builtin(&name);
            metrics.push(Metric {
                task: task.to_owned(),
                name,
                variant: Some(variant),
                value,
                stderr: if of_mean { stderr } else { None },
                stderr_kind: (of_mean && stderr.is_some()).then_some(if clustered {
                    StderrKind::Clustered
                } else {
                    StderrKind::Stderr
                }),
                n: if grouped { None } else { n },
                higher_is_better: dir,
                direction_source: dir.map(|_| DirectionSource::BuiltIn),
                is_group: false,
                // a bound of an interval describes the mean; it is not gated itself
                informational: interval,
                trials: None,
            });
        }
    }
    (metrics, unmeasured)
}

/// What an Inspect AI log's numbers measured (comparability): the task version (the
/// `full_task_version` inspect_evals writes in `eval.metadata` when there is one, else
/// `eval.task_version`), the dataset's name and location, the sample ids listed (a
/// fingerprint), the scorers with their parameters, and the limit.
pub(super) fn measured(
    eval: &Object,
    h: &Header,
    config: Option<&Object>,
) -> std::collections::BTreeMap<Aspect, String> {
    let mut m = std::collections::BTreeMap::new();
    let full = eval
        .get("metadata")
        .and_then(|x| x.get("full_task_version"))
        .and_then(|v| text(Some(v)));
    if let Some(v) = full.or_else(|| text(eval.get("task_version"))) {
        m.insert(Aspect::TaskVersion, v);
    }
    if let Some(d) = eval.get("dataset") {
        let name = text(d.get("name"));
        let location = text(d.get("location"));
        let what = match (name, location) {
            (Some(n), Some(l)) if n != l => Some(format!("{n} ({l})")),
            (Some(n), _) => Some(n),
            (None, Some(l)) => Some(l),
            (None, None) => None,
        };
        if let Some(w) = what {
            m.insert(Aspect::Dataset, w);
        }
    }
    let mut ids: Vec<u64> = h.listed.iter().map(|l| l.id).collect();
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        let bytes: Vec<u8> = ids.iter().flat_map(|i| i.to_be_bytes()).collect();
        let fp = crate::evidence::sha256_hex(&bytes);
        m.insert(
            Aspect::Samples,
            format!("{} ids, fingerprint {}", ids.len(), &fp[..12]),
        );
    }
    let scores = h
        .doc
        .get("results")
        .and_then(|r| r.get("scores"))
        .and_then(Value::as_array);
    if let Some(entries) = scores {
        let mut o = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let name = text(e.get("name")).unwrap_or_else(|| format!("score{}", i + 1));
            let scorer = text(e.get("scorer")).unwrap_or_default();
            let params = e.get("params").map(Value::to_json).unwrap_or_default();
            o.push((name, format!("{scorer}{params}")));
        }
        if !o.is_empty() {
            m.insert(Aspect::Scorer, crate::evidence::measured_object(&o));
        }
    }
    if let Some(c) = config {
        let limit = match c.get("limit") {
            None | Some(Value::Null) => "none".to_owned(),
            Some(v) => v.to_json(),
        };
        m.insert(Aspect::Limit, limit);
    }
    m
}

//! A results file's tasks and metrics: values (numbers, numpy reprs), standard errors
//! (plain, clustered, CLT), directions, group counts and sample sizes.

use super::*;

/// A metric value: a number, or a numpy repr written as a string.
pub(super) fn metric_number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(_) | Value::Float(_) => v.as_f64(),
        Value::Str(s) => numpy_repr(s),
        _ => None,
    }
}

/// `"np.float64(0.25)"` (lm-eval's `handle_non_serializable` writes `str(o)`).
pub(super) fn numpy_repr(s: &str) -> Option<f64> {
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
pub(super) fn stderr_number(v: &Value) -> Option<f64> {
    metric_number(v)
}

/// `acc_stderr` → (`acc`, Stderr); `x_stderr_clt` → (`x`, Clt); otherwise `None`.
pub(super) fn stderr_base(metric: &str) -> Option<(&str, StderrKind)> {
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

pub(super) fn clean_alias(alias: &str) -> String {
    let t = alias.trim_start();
    t.strip_prefix("- ").unwrap_or(t).trim().to_owned()
}

pub(super) type MetricKey = (String, String, Option<String>);

/// Stderr values of a task entry by (metric, filter), each with the key kind it came from.
pub(super) type Stderrs = HashMap<(String, Option<String>), Vec<(StderrKind, Option<f64>)>>;

/// The tasks, the numeric metrics, and the metrics whose value is not a number.
pub(super) type Read3 = (Vec<TaskInfo>, Vec<Metric>, Vec<NotNumeric>);

pub(super) fn tasks_and_metrics(top: &Object, results: &Object, legacy: bool) -> Read3 {
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
            ..TaskInfo::default()
        });
    }

    fill_group_counts(&mut tasks);
    fill_sample_sizes(&tasks, &mut metrics, &sample_counts);
    (tasks, metrics, not_numeric)
}

/// A group's document counts, when the file gives none, are the sums over its subtasks
/// (recursively), if every one is known.
pub(super) fn fill_group_counts(tasks: &mut [TaskInfo]) {
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
pub(super) fn pick_stderr(list: &[(StderrKind, Option<f64>)]) -> (Option<f64>, Option<StderrKind>) {
    for want in [StderrKind::Stderr, StderrKind::Clustered, StderrKind::Clt] {
        if let Some((k, Some(v))) = list.iter().find(|(k, v)| *k == want && v.is_some()) {
            return (Some(*v), Some(*k));
        }
    }
    (None, None)
}

pub(super) fn direction_of(
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
pub(super) fn fill_sample_sizes(
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

//! The BigScience promptsource fork of lm-eval (BLOOM-era results; Pythia's bias
//! evaluations): `results` is a list of per-prompt records, `table_results` and `versions`
//! are keyed `task+prompt`. Converted into the layout the rest of the reader knows.

use super::*;

/// Keys of a BigScience promptsource record that describe the prompt, not a metric
/// (`task.get_logging_info()` in bigscience-workshop/lm-evaluation-harness).
pub(super) const PROMPTSOURCE_INFO_KEYS: &[&str] = &[
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
pub(super) fn from_promptsource(top: &Object) -> std::result::Result<Object, String> {
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

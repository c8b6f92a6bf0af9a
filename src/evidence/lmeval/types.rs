//! The fields of a results file whose type the format fixes, checked before anything is
//! read: a malformed file is refused, naming the field, rather than read as one that says
//! less.

use super::*;

/// A field of the wrong type, where the format fixes the type: an error naming the field
/// (a count that is not a non-negative integer, a direction that is not a boolean, a limit
/// that is not a non-negative number). Fields a check would read are refused rather than
/// skipped, so a malformed file cannot pass as one that says less.
pub(super) fn check_types(top: &Object, results: &Object) -> std::result::Result<(), String> {
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

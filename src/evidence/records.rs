//! Per-record data for checks that group records: generic JSON Lines records, lm-eval
//! samples logs, and HELM per-instance stats joined with their instances.
//!
//! Fields are named by dotted paths (`doc.gender`, `instance.extra_data.region`,
//! `filtered_resps.0`); only the keys a path names are built while streaming, so memory
//! follows what the check keeps (one tally per group), not the file.
//!
//! A HELM record is `{"instance_id", "train_trial_index", "stats": {<metric>: <value>},
//! "instance": <the instance from scenario_state.json>}` — the per-instance values of the
//! unperturbed instance, with the instance's own fields (`split`, `sub_split`,
//! `extra_data`, `references`, …) under `instance`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::json::{Object, RecordStream, Value};
use crate::error::{Error, Result};

/// The value at a dotted path; numeric segments index arrays.
pub fn lookup<'a>(obj: &'a Object, path: &str) -> Option<&'a Value> {
    let mut segs = path.split('.');
    let mut cur = obj.get(segs.next()?)?;
    for seg in segs {
        cur = match cur {
            Value::Object(o) => o.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A value as a category: text as is, booleans as `1` / `0`, integral numbers without a
/// fraction; `None` for null, arrays and objects.
pub fn category(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(crate::text::normalize_category(s)),
        Value::Bool(b) => Some(if *b { "1".into() } else { "0".into() }),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(crate::text::normalize_category(&super::json::fmt_float(*f))),
        _ => None,
    }
}

/// A value as a number: numbers, and booleans as 1 / 0.
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(_) | Value::Float(_) => v.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// The object keys the paths name (every non-numeric segment), for a streaming filter.
pub fn path_keys(paths: &[&str]) -> HashSet<String> {
    paths
        .iter()
        .flat_map(|p| p.split('.'))
        .filter(|s| s.parse::<usize>().is_err())
        .map(str::to_owned)
        .collect()
}

/// Streams the records of a JSON Lines (or JSON array) file, or of a Parquet or Arrow IPC
/// file (the columns `keys` names).
pub fn for_each_record(
    path: &Path,
    keys: &HashSet<String>,
    mut f: impl FnMut(&Object),
) -> Result<()> {
    // the format from the first bytes of the one read (Parquet and Arrow are read by random
    // access from their footers instead)
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, super::input::open(path)?);
    let head = std::io::BufRead::fill_buf(&mut reader).map_err(|e| Error::io(path, e))?;
    let (parquet, arrow) = (
        super::parquet::is_parquet(head),
        super::arrow::is_arrow(head),
    );
    if parquet || arrow {
        drop(reader);
        let columns: Vec<String> = keys.iter().cloned().collect();
        if parquet {
            super::parquet::for_each_record(path, Some(&columns), &mut |o| f(o))?;
        } else {
            super::arrow::for_each_record(path, Some(&columns), &mut |o| f(o))?;
        }
        return Ok(());
    }
    // a govgate document (an engine's histograms or sums) is one JSON object, which would
    // read as one record: refused as what it is
    if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && matches!(
            super::production::detect(path),
            Ok(super::production::Format::Histograms | super::production::Format::Summary)
        )
    {
        return Err(Error::input(
            path,
            "a govgate histogram or summary document holds counts and sums, not records: \
             this check needs the records themselves (JSON Lines, a JSON array, CSV, Parquet \
             or Arrow IPC)",
        ));
    }
    let mut stream = RecordStream::new(super::meter::Metered(reader));
    let want = |k: &str| keys.contains(k);
    while let Some(rec) = stream
        .next_record(&want)
        .map_err(|e| Error::json(path, e))?
    {
        f(&rec);
    }
    Ok(())
}

/// Streams an lm-eval samples log, giving each record with its filter (the `filter` field,
/// or the k-th of `filters` for a document's k-th record).
pub fn for_each_sample(
    path: &Path,
    keys: &HashSet<String>,
    filters: &[String],
    mut f: impl FnMut(Option<&str>, &Object),
) -> Result<()> {
    let mut keys = keys.clone();
    keys.insert("doc_id".into());
    keys.insert("filter".into());
    let mut occurrences: HashMap<u64, usize> = HashMap::new();
    for_each_record(path, &keys, |rec| {
        let filter = match rec.get("filter").and_then(Value::as_str) {
            Some(x) => Some(x.to_owned()),
            None => rec.get("doc_id").and_then(Value::as_u64).and_then(|d| {
                let k = occurrences.entry(d).or_insert(0);
                let x = filters.get(*k).cloned();
                *k += 1;
                x
            }),
        };
        f(filter.as_deref(), rec);
    })
}

/// Streams a HELM run's unperturbed per-instance records joined with their instances.
///
/// Each record is `{<stat>: mean, …, instance_id, stats: {<stat>: mean, …}, train_trial_index,
/// instance: {…}}`: the stats with a value (count > 0), and the instance from
/// `scenario_state.json` (its `extra_data`, `references`, `split`, …) when that file exists
/// and a path asks for `instance`.
pub fn for_each_instance(
    per_instance: &Path,
    scenario_state: Option<&Path>,
    keys: &HashSet<String>,
    mut f: impl FnMut(&Object),
) -> Result<()> {
    // instance id -> instance (only the keys the paths need), unperturbed instances only
    let mut instances: HashMap<String, Value> = HashMap::new();
    if let Some(state) = scenario_state
        && keys.contains("instance")
    {
        let mut want = keys.clone();
        want.extend(["instance", "id", "perturbation"].map(str::to_owned));
        let file = super::input::open(state)?;
        let mut stream =
            RecordStream::with_wrapper_key(super::meter::Metered(file), "request_states");
        let filter = |k: &str| want.contains(k);
        while let Some(rec) = stream
            .next_record(&filter)
            .map_err(|e| Error::json(state, e))?
        {
            let Some(inst) = rec.get("instance") else {
                continue;
            };
            if inst.get("perturbation").is_some() {
                continue;
            }
            if let Some(id) = inst.get("id").and_then(Value::as_str) {
                instances
                    .entry(id.to_owned())
                    .or_insert_with(|| inst.clone());
            }
        }
    }
    let file = super::input::open(per_instance)?;
    let mut stream = RecordStream::new(super::meter::Metered(file));
    let want = |k: &str| {
        matches!(
            k,
            "instance_id" | "perturbation" | "train_trial_index" | "stats"
        ) || matches!(k, "name" | "count" | "sum" | "mean")
    };
    while let Some(rec) = stream
        .next_record(&want)
        .map_err(|e| Error::json(per_instance, e))?
    {
        if rec.get("perturbation").is_some() {
            continue;
        }
        let Some(id) = rec.get("instance_id").and_then(Value::as_str) else {
            continue;
        };
        let mut stats = Vec::new();
        for s in rec
            .get("stats")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = s
                .get("name")
                .and_then(|n| n.get("name"))
                .and_then(Value::as_str);
            let count = s.get("count").and_then(Value::as_f64).unwrap_or(0.0);
            let value = s
                .get("mean")
                .and_then(Value::as_f64)
                .or_else(|| Some(s.get("sum").and_then(Value::as_f64)? / count));
            if let (Some(name), Some(v), true) = (name, value, count > 0.0) {
                stats.push((name.to_owned(), Value::Float(v)));
            }
        }
        // Each stat also at the top level, as lm-eval samples carry their scores, so that
        // `score: exact_match` reads either framework; `stats.<name>` is the explicit form.
        let mut joined: Vec<(String, Value)> = stats
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "instance_id" | "stats" | "instance" | "train_trial_index"
                )
            })
            .cloned()
            .collect();
        joined.push(("instance_id".to_owned(), Value::Str(id.to_owned())));
        joined.push(("stats".to_owned(), Value::Object(Object(stats))));
        if let Some(t) = rec.get("train_trial_index") {
            joined.push(("train_trial_index".to_owned(), t.clone()));
        }
        if let Some(inst) = instances.get(id) {
            joined.push(("instance".to_owned(), inst.clone()));
        }
        f(&Object(joined));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::json::parse_document;

    fn obj(s: &str) -> Object {
        match parse_document(s.as_bytes()).expect("json") {
            Value::Object(o) => o,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn dotted_paths() {
        let o =
            obj(r#"{"doc": {"gender": "f", "tags": ["a", "b"]}, "acc": 1.0, "resps": [["x"]]}"#);
        assert_eq!(lookup(&o, "doc.gender").and_then(Value::as_str), Some("f"));
        assert_eq!(lookup(&o, "doc.tags.1").and_then(Value::as_str), Some("b"));
        assert_eq!(lookup(&o, "resps.0.0").and_then(Value::as_str), Some("x"));
        assert_eq!(lookup(&o, "acc").and_then(number), Some(1.0));
        assert!(lookup(&o, "doc.missing").is_none());
        assert!(lookup(&o, "acc.x").is_none());
    }

    #[test]
    fn categories_normalize() {
        let c = |s: &str| category(&parse_document(s.as_bytes()).expect("json"));
        assert_eq!(c("1").as_deref(), Some("1"));
        assert_eq!(c("1.0").as_deref(), Some("1"));
        assert_eq!(c("true").as_deref(), Some("1"));
        assert_eq!(c("\"yes\"").as_deref(), Some("yes"));
        assert_eq!(c("0.5").as_deref(), Some("0.5"));
        assert_eq!(c("null"), None);
        assert_eq!(c("[1]"), None);
    }

    #[test]
    fn path_keys_skip_indices() {
        let k = path_keys(&["doc.gender", "filtered_resps.0", "acc"]);
        let mut v: Vec<&str> = k.iter().map(String::as_str).collect();
        v.sort();
        assert_eq!(v, ["acc", "doc", "filtered_resps", "gender"]);
    }
}

//! Per-sample records of an Inspect AI log, streamed: one record per sample (reduced across
//! epochs), its values for paired tests, and its clusters.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------
// Per-sample records

/// One sample of one epoch, with the fields asked for.
#[derive(Debug, Default)]
pub(super) struct EpochSample {
    id: Option<Value>,
    epoch: u64,
    /// The sample's scores: `(scorer, value as Inspect's value_to_float reads it)`.
    scores: Vec<(String, Option<f64>)>,
    /// Each score's own `metadata` (a judge's confidence, say), when asked for.
    score_metadata: Vec<(String, Value)>,
    metadata: Option<Value>,
    target: Option<Value>,
    output: Option<String>,
    error: Option<String>,
}

/// Which optional fields to build.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Want {
    metadata: bool,
    score_metadata: bool,
    target: bool,
    output: bool,
}

impl Want {
    fn of(keys: &std::collections::HashSet<String>) -> Want {
        Want {
            metadata: keys.contains("metadata"),
            score_metadata: keys.contains("score_metadata"),
            target: keys.contains("target"),
            output: keys.contains("output") || keys.contains("epochs"),
        }
    }
}

pub(super) fn output_keys(k: &str) -> bool {
    matches!(
        k,
        "completion" | "choices" | "message" | "content" | "text" | "type"
    )
}

/// The completion of a `ModelOutput`: `completion`, else (Inspect 0.3.70 writes none) the
/// text of the first choice's message.
pub(super) fn completion(output: &Value) -> Option<String> {
    if let Some(c) = output.get("completion").and_then(Value::as_str) {
        return Some(c.to_owned());
    }
    let content = output
        .get("choices")?
        .as_array()?
        .first()?
        .get("message")?
        .get("content")?;
    match content {
        Value::Str(s) => Some(s.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(""),
        ),
        _ => None,
    }
}

pub(super) fn read_sample<R: Read>(r: &mut JsonReader<R>, want: Want) -> json::Result<EpochSample> {
    let mut s = EpochSample {
        epoch: 1,
        ..EpochSample::default()
    };
    r.for_each_entry(|key, r| {
        match key {
            "id" => s.id = Some(r.parse_value()?),
            "epoch" => s.epoch = r.parse_value()?.as_u64().unwrap_or(1),
            // schema 1: one `score`, keyed as Inspect keys it until it knows the scorer
            "score" => {
                let v = r.parse_value()?;
                if let (true, Some(m)) = (want.score_metadata, v.get("metadata")) {
                    s.score_metadata = vec![(SCORER_PLACEHOLDER.to_owned(), m.clone())];
                }
                s.scores = vec![(
                    SCORER_PLACEHOLDER.to_owned(),
                    v.get("value").and_then(score_value),
                )];
            }
            "scores" => {
                if let Value::Object(o) = r.parse_value()? {
                    if want.score_metadata {
                        s.score_metadata =
                            o.0.iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.get("metadata")?.clone())))
                                .collect();
                    }
                    s.scores =
                        o.0.into_iter()
                            .map(|(k, v)| {
                                let x = v.get("value").and_then(score_value);
                                (k, x)
                            })
                            .collect();
                }
            }
            "metadata" if want.metadata => s.metadata = Some(r.parse_value()?),
            "target" if want.target => s.target = Some(r.parse_value()?),
            "output" if want.output => {
                s.output = completion(&r.parse_value_filtered(&output_keys)?);
            }
            "error" => {
                let e = r.parse_value_filtered(&|k: &str| k == "message")?;
                s.error = match e {
                    Value::Null => None,
                    Value::Str(m) => Some(m),
                    other => Some(
                        other
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("error")
                            .to_owned(),
                    ),
                };
            }
            _ => r.skip_value()?,
        }
        Ok(())
    })?;
    Ok(s)
}

/// Reduced values of one score, by sample id.
pub(super) type ByID = HashMap<u64, Option<f64>>;

/// The record of one sample id: reduced across its epochs (see [`for_each_record`]).
pub(super) fn record(
    id_key: &str,
    mut epochs: Vec<EpochSample>,
    scores: &[Score],
    reduced: &[(String, ByID)],
) -> Object {
    epochs.sort_by_key(|e| e.epoch);
    let key = instance_key(id_key);
    let first_scorer = scores.first().map(|s| s.scorer.as_str());
    let mut o = Object::default();
    let id = epochs
        .iter()
        .find_map(|e| e.id.clone())
        .unwrap_or_else(|| Value::Str(id_key.to_owned()));
    o.0.push(("id".into(), id));
    // a schema-1 sample's placeholder key is the first scorer's (as Inspect renames it)
    let named = |k: &str| -> String {
        match (k, first_scorer) {
            (SCORER_PLACEHOLDER, Some(f)) => f.to_owned(),
            _ => k.to_owned(),
        }
    };
    let raw = |e: &EpochSample, scorer: &str| {
        e.scores
            .iter()
            .find(|(k, _)| named(k) == scorer)
            .and_then(|(_, v)| *v)
    };
    // the first score's reduced value; without its reductions (a run that did not
    // finish), the mean over the epochs that were scored
    let first_label = scores.first().map(|s| s.label.as_str());
    let score = match reduced
        .first()
        .filter(|(l, _)| Some(l.as_str()) == first_label)
    {
        Some((_, by_id)) => by_id.get(&key).map(|v| v.unwrap_or(f64::NAN)),
        None => first_scorer.and_then(|sc| {
            let xs: Vec<f64> = epochs.iter().filter_map(|e| raw(e, sc)).collect();
            (!xs.is_empty()).then(|| crate::stats::describe::mean(xs.iter().copied()))
        }),
    };
    if let Some(x) = score {
        o.0.push(("score".into(), Value::Float(x)));
    }
    let mut by_label = Object::default();
    for (label, by_id) in reduced {
        if let Some(v) = by_id.get(&key) {
            by_label
                .0
                .push((label.clone(), Value::Float(v.unwrap_or(f64::NAN))));
        }
    }
    o.0.push(("scores".into(), Value::Object(by_label)));
    let first = epochs.first();
    if let Some(m) = first.and_then(|e| e.metadata.clone()) {
        o.0.push(("metadata".into(), m));
    }
    if let Some(e) = first.filter(|e| !e.score_metadata.is_empty()) {
        let by_scorer = e
            .score_metadata
            .iter()
            .map(|(k, m)| (named(k), m.clone()))
            .collect();
        o.0.push(("score_metadata".into(), Value::Object(Object(by_scorer))));
    }
    if let Some(t) = first.and_then(|e| e.target.clone()) {
        o.0.push(("target".into(), t));
    }
    if let Some(out) = first.and_then(|e| e.output.clone()) {
        o.0.push(("output".into(), Value::Str(out)));
    }
    if let Some(err) = epochs.iter().find_map(|e| e.error.clone()) {
        o.0.push(("error".into(), Value::Str(err)));
    }
    let per_epoch: Vec<Value> = epochs
        .iter()
        .map(|e| {
            let mut x = Object::default();
            x.0.push(("epoch".into(), Value::Int(e.epoch as i64)));
            if let Some(v) = first_scorer.and_then(|sc| raw(e, sc)) {
                x.0.push(("score".into(), Value::Float(v)));
            }
            let s: Vec<(String, Value)> = e
                .scores
                .iter()
                .filter_map(|(k, v)| v.map(|v| (named(k), Value::Float(v))))
                .collect();
            x.0.push(("scores".into(), Value::Object(Object(s))));
            if let Some(out) = &e.output {
                x.0.push(("output".into(), Value::Str(out.clone())));
            }
            if let Some(err) = &e.error {
                x.0.push(("error".into(), Value::Str(err.clone())));
            }
            Value::Object(x)
        })
        .collect();
    o.0.push(("epochs".into(), Value::Array(per_epoch)));
    o
}

pub(super) fn reduced_by_label(h: &Header) -> (Vec<Score>, Vec<(String, ByID)>) {
    let scores = h.scores();
    let reduced = scores
        .iter()
        .filter_map(|s| {
            let r = h.reduction(s)?;
            Some((s.label.clone(), r.rows.iter().cloned().collect::<ByID>()))
        })
        .collect();
    (scores, reduced)
}

/// Streams a log's per-sample records, one per sample id, in Inspect's sample order:
///
/// ```text
/// { id, score, scores: {<score label>: reduced value}, metadata,
///   score_metadata: {<scorer>: its metadata, first epoch}, target, output, error,
///   epochs: [ {epoch, score, scores: {<scorer>: value}, output, error}, … ] }
/// ```
///
/// `score` is the run's first score reduced across epochs (from `reductions`; for a run
/// that wrote none, the mean over the epochs scored), absent for an errored sample and NaN
/// for an unscored one. `metadata`, `score_metadata`, `target` and `output` (the first
/// epoch's completion) are built only when `keys` names them. Memory: one sample at a time for an `.eval`
/// log and for a single-epoch JSON log; a multi-epoch JSON log (whose samples are ordered
/// epoch by epoch) keeps the asked-for fields of every sample until its last epoch.
pub fn for_each_record(
    path: &Path,
    keys: &std::collections::HashSet<String>,
    mut f: impl FnMut(&Object),
) -> Result<()> {
    let want = Want::of(keys);
    match open(path)? {
        Container::Zip(mut archive) => {
            let header = read_zip_header(&mut archive, path)?;
            let (scores, reduced) = reduced_by_label(&header);
            let mut by_id: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
            for (id, _, name) in sample_members(&archive, path)? {
                by_id
                    .entry(order_key(&id))
                    .or_insert_with(|| (id.clone(), Vec::new()))
                    .1
                    .push(name);
            }
            for (_, (id, names)) in by_id {
                let mut epochs = Vec::with_capacity(names.len());
                for name in names {
                    if let Some(s) =
                        with_member(&mut archive, path, &name, MAX_SAMPLE_MEMBER_BYTES, |r| {
                            let s = read_sample(r, want)?;
                            if !r.at_end()? {
                                return Err(r.error("trailing characters after the sample"));
                            }
                            Ok(s)
                        })?
                    {
                        epochs.push(s);
                    }
                }
                let key = epochs
                    .iter()
                    .find_map(|e| e.id.as_ref().and_then(id_text))
                    .unwrap_or(id);
                f(&record(&key, epochs, &scores, &reduced));
            }
        }
        Container::Json => {
            // first pass: header and reductions (they follow the samples in the file)
            let file = crate::evidence::input::open(path)?;
            let header = read_json_header(&mut JsonReader::new(meter::Metered(file)))
                .map_err(|e| Error::json(path, e))?;
            let (scores, reduced) = reduced_by_label(&header);
            let single = header.epochs() == 1;
            let file = crate::evidence::input::open(path)?;
            let mut reader = JsonReader::new(meter::Metered(file));
            let mut pending: BTreeMap<String, (String, Vec<EpochSample>)> = BTreeMap::new();
            reader
                .for_each_entry(|key, r| {
                    if key != "samples" {
                        return r.skip_value();
                    }
                    r.for_each_element(|r| {
                        let s = read_sample(r, want)?;
                        let id = s.id.as_ref().and_then(id_text).unwrap_or_default();
                        if single {
                            f(&record(&id, vec![s], &scores, &reduced));
                        } else {
                            pending
                                .entry(order_key(&id))
                                .or_insert_with(|| (id.clone(), Vec::new()))
                                .1
                                .push(s);
                        }
                        Ok(())
                    })
                })
                .map_err(|e| Error::json(path, e))?;
            for (_, (id, epochs)) in pending {
                f(&record(&id, epochs, &scores, &reduced));
            }
        }
    }
    Ok(())
}

/// The per-sample values behind a metric's variant (`score label[+group_key=group]`):
/// the score's reduced values from `reductions`, keyed by sample id, NaN (unscored) left
/// out as Inspect leaves them out of its metrics; for a group, the samples whose
/// `metadata.<group_key>` is the group.
///
/// With `cluster` (`metadata.<key>`), each sample's cluster is the digest of that metadata
/// value.
pub fn read_values(
    path: &Path,
    variant: Option<&str>,
    cluster: Option<&str>,
) -> Result<SampleValues> {
    let file = crate::evidence::input::open(path)?;
    let (sha256, _) = HashingReader::new(file)
        .finish()
        .map_err(|e| Error::io(path, e))?;
    let header = match open(path)? {
        Container::Zip(mut archive) => read_zip_header(&mut archive, path)?,
        Container::Json => {
            let file = crate::evidence::input::open(path)?;
            read_json_header(&mut JsonReader::new(meter::Metered(file)))
                .map_err(|e| Error::json(path, e))?
        }
    };
    let (label, group) = match variant {
        Some(v) => match v.split_once('+') {
            Some((l, g)) => (Some(l), g.split_once('=')),
            None => (Some(v), None),
        },
        None => (None, None),
    };
    let scores = header.scores();
    let score = match label {
        Some(l) => scores.iter().find(|s| s.label == l),
        None => scores.first(),
    };
    let rows: Vec<(u64, Option<f64>)> = score
        .and_then(|s| header.reduction(s))
        .map(|r| r.rows.clone())
        .unwrap_or_default();
    // a group's members; `all` is every sample
    let members: Option<std::collections::HashSet<u64>> = match group {
        Some((key, value)) if value != "all" => {
            let mut ids = std::collections::HashSet::new();
            let keys: std::collections::HashSet<String> =
                ["metadata".to_owned()].into_iter().collect();
            for_each_record(path, &keys, |rec| {
                let g = rec
                    .get("metadata")
                    .and_then(|m| m.get(key))
                    .and_then(|v| text(Some(v)));
                if g.as_deref() == Some(value)
                    && let Some(id) = rec.get("id").and_then(id_text)
                {
                    ids.insert(instance_key(&id));
                }
            })?;
            Some(ids)
        }
        _ => None,
    };
    // each sample's cluster, by id
    let clusters: Option<std::collections::HashMap<u64, u64>> = match cluster {
        Some(field) => {
            let mut map = std::collections::HashMap::new();
            let top = field.split('.').next().unwrap_or(field).to_owned();
            let keys: std::collections::HashSet<String> = [top].into_iter().collect();
            for_each_record(path, &keys, |rec| {
                if let (Some(id), Some(c)) = (
                    rec.get("id").and_then(id_text),
                    crate::evidence::samples::cluster_key(rec, field),
                ) {
                    map.insert(instance_key(&id), c);
                }
            })?;
            Some(map)
        }
        None => None,
    };
    let mut out = SampleValues::new(path, sha256, json::RecordLayout::Array);
    let mut kept = Vec::new();
    for (id, v) in rows {
        if members.as_ref().is_some_and(|m| !m.contains(&id)) {
            continue;
        }
        match v {
            Some(x) if x.is_nan() => out.unscored += 1,
            Some(x) => kept.push((
                id,
                x,
                0,
                clusters.as_ref().and_then(|c| c.get(&id).copied()),
            )),
            None => out.non_scalar += 1,
        }
    }
    out.set_rows(kept, cluster.is_some());
    Ok(out)
}

/// Distinct sample ids a log lists (any epoch, errored or not).
pub fn count_samples(path: &Path) -> Result<u64> {
    let header = match open(path)? {
        Container::Zip(mut archive) => read_zip_header(&mut archive, path)?,
        Container::Json => {
            let file = crate::evidence::input::open(path)?;
            read_json_header(&mut JsonReader::new(meter::Metered(file)))
                .map_err(|e| Error::json(path, e))?
        }
    };
    let mut ids: Vec<u64> = header.listed.iter().map(|l| l.id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids.len() as u64)
}

//! `per_instance_stats.json`: per-instance values, streamed, for standard errors over
//! instances and for paired tests.

use super::*;

/// Welford accumulator.
#[derive(Default)]
pub(super) struct Acc {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Acc {
    fn add(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }
}

/// Standard errors from per-instance values: one pass over `per_instance_stats.json`.
pub(super) fn fill_stderr(path: &Path, metrics: &mut [Metric]) -> Result<()> {
    let wanted: HashSet<(String, Option<String>)> = metrics
        .iter()
        .map(|m| (m.name.clone(), m.variant.clone()))
        .collect();
    let mut acc: HashMap<(String, Option<String>), Acc> = HashMap::new();
    for_each_instance(path, |rec| {
        for (key, value) in instance_values(rec) {
            if value.is_finite() && wanted.contains(&key) {
                acc.entry(key).or_default().add(value);
            }
        }
    })?;
    for m in metrics {
        let Some(a) = acc.get(&(m.name.clone(), m.variant.clone())) else {
            continue;
        };
        // only when the per-instance values are the ones behind the reported mean
        if a.n >= 2 && (a.mean - m.value).abs() <= 1e-9 * m.value.abs().max(1.0) {
            m.stderr = Some((a.m2 / (a.n - 1) as f64).sqrt() / (a.n as f64).sqrt());
            m.stderr_kind = Some(StderrKind::PerInstance);
        }
    }
    Ok(())
}

/// Streams the records of a `per_instance_stats.json`.
pub(super) fn for_each_instance(path: &Path, mut f: impl FnMut(&Object)) -> Result<()> {
    let file = crate::evidence::input::open(path)?;
    let mut stream = RecordStream::new(crate::evidence::meter::Metered(file));
    let want = |k: &str| {
        matches!(
            k,
            "instance_id" | "perturbation" | "train_trial_index" | "stats"
        ) || matches!(
            k,
            "name" | "split" | "sub_split" | "computed_on" | "robustness"
        ) || matches!(k, "fairness" | "count" | "sum" | "mean")
    };
    let mut i = 0usize;
    while let Some(rec) = stream
        .next_record(&want)
        .map_err(|e| Error::json(path, e))?
    {
        // HELM writes one array of {instance_id, stats: [...]} records
        if stream.layout() != Some(json::RecordLayout::Array) {
            return Err(Error::input(
                path,
                "a per_instance_stats.json must be a JSON array of instance records",
            ));
        }
        if !matches!(rec.get("instance_id"), Some(Value::Str(_)))
            || !matches!(rec.get("stats"), Some(Value::Array(_)))
        {
            return Err(Error::input(
                path,
                format!("instance record {i} needs a string `instance_id` and a `stats` array"),
            ));
        }
        if let Some(Value::Array(stats)) = rec.get("stats") {
            check_stats(stats)
                .map_err(|m| Error::input(path, format!("instance record {i}: {m}")))?;
        }
        f(&rec);
        i += 1;
    }
    Ok(())
}

/// `((metric, variant), value)` of every measured stat of one per-instance record.
pub(super) fn instance_values(rec: &Object) -> Vec<((String, Option<String>), f64)> {
    let Some(stats) = rec.get("stats").and_then(Value::as_array) else {
        return Vec::new();
    };
    stats
        .iter()
        .filter_map(|s| {
            let o = s.as_object()?;
            let name = StatName::parse(o.get("name"))?;
            let v = stat_value(o)?;
            Some(((name.name.clone(), name.variant()), v))
        })
        .collect()
}

/// FNV-1a, a stable 64-bit key for a HELM instance id (pairing needs equality only).
pub fn instance_key(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One metric's per-instance values from a `per_instance_stats.json`, keyed by instance
/// (averaged over train trials).
pub fn read_instance_values(
    path: &Path,
    metric: &str,
    variant: Option<&str>,
) -> Result<SampleValues> {
    let mut hashing = crate::evidence::input::open_read_ahead(path)?;
    let mut by_instance: BTreeMap<u64, (f64, u32)> = BTreeMap::new();
    let mut without_id = 0;
    {
        let mut stream = RecordStream::new(&mut hashing);
        let want = |_: &str| true;
        while let Some(rec) = stream
            .next_record(&want)
            .map_err(|e| Error::json(path, e))?
        {
            let Some(id) = str_of(rec.get("instance_id")) else {
                without_id += 1;
                continue;
            };
            for ((name, v), x) in instance_values(&rec) {
                if name == metric && v.as_deref() == variant {
                    let e = by_instance.entry(instance_key(id)).or_insert((0.0, 0));
                    e.0 += x;
                    e.1 += 1;
                }
            }
        }
    }
    let (sha256, _) = hashing.finish().map_err(|e| Error::io(path, e))?;
    let mut out = SampleValues::new(path, sha256, json::RecordLayout::Array);
    out.values = by_instance
        .into_iter()
        .map(|(k, (s, c))| (k, s / f64::from(c)))
        .collect();
    out.without_doc_id = without_id;
    Ok(out)
}

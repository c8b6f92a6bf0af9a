//! Pre-aggregated histogram documents: a window summarised where the data lives (a
//! warehouse), read in place of its records.

use std::io::Read;
use std::path::Path;

use super::{FileRead, Format, Request, Side};
use crate::error::{Error, Result};
use crate::evidence::HashingReader;
use crate::evidence::json::{self, Value};
use crate::stats::drift::{Key, Sample};

/// Reads a histogram document into `side`:
///
/// ```json
/// {"govgate_histograms": 1,
///  "records": 100000,
///  "fields": {
///    "score":           {"edges": [0.0, 0.25, 0.5, 0.75, 1.0], "counts": [10, 40, 35, 15]},
///    "features.length": {"values": {"12": 3, "13": 9}},
///    "meta.lang":       {"categories": {"en": 800, "de": 150}, "missing": 50}}}
/// ```
///
/// `edges` + `counts` is a numeric histogram (counts has one entry fewer; numpy's bins:
/// `[e_i, e_i+1)`, the last closed); `values` counts distinct numbers; `categories` counts
/// categories. Several documents of one window add up (numeric histograms must share
/// edges).
pub fn read_histograms(path: &Path, req: &Request, side: &mut Side) -> Result<()> {
    let (doc, sha256, n) = read_document(path, "govgate_histograms")?;
    let bad = |m: String| Error::input(path, m);
    let Some(fields) = doc.get("fields").and_then(Value::as_object) else {
        return Err(bad("`fields` must be an object of field histograms".into()));
    };
    let records = doc.get("records").and_then(Value::as_u64).unwrap_or(0);
    for (name, spec) in fields.iter() {
        let wanted = req.fields.iter().any(|f| f == name)
            || (req.patterns.iter().any(|g| g.is_match(name))
                && !req.exclude.iter().any(|g| g.is_match(name)));
        if !wanted {
            continue;
        }
        let sample = histogram_field(spec).map_err(|m| bad(format!("field `{name}`: {m}")))?;
        let missing = spec.get("missing").and_then(Value::as_u64).unwrap_or(0);
        let entry = side.fields.entry(name.to_owned()).or_default();
        entry.missing += missing;
        entry.aggregated = Some(match entry.aggregated.take() {
            None => sample,
            Some(prev) => merge(prev, sample).map_err(|m| bad(format!("field `{name}`: {m}")))?,
        });
    }
    side.records += records;
    side.used += records;
    side.files.push(FileRead {
        path: path.to_path_buf(),
        format: Format::Histograms,
        sha256,
        bytes: n,
        records,
    });
    Ok(())
}

/// A govgate document (histograms, a summary), read whole — they are small — and hashed:
/// `(document, SHA-256, bytes)`; refused unless its `key` is 1, the format version.
pub(super) fn read_document(path: &Path, key: &str) -> Result<(Value, String, u64)> {
    let file = crate::evidence::input::open(path)?;
    let mut reader = HashingReader::new(file);
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let doc = json::parse_document(&bytes).map_err(|e| Error::json(path, e))?;
    if doc.get(key).and_then(Value::as_i64) != Some(1) {
        return Err(Error::input(
            path,
            format!("`{key}` must be 1 (the format version)"),
        ));
    }
    let (sha256, n) = reader.finish().map_err(|e| Error::io(path, e))?;
    Ok((doc, sha256, n))
}

fn counts_of(v: &Value, what: &str) -> std::result::Result<Vec<(String, u64)>, String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("`{what}` must map values to counts"))?;
    o.iter()
        .map(|(k, c)| {
            c.as_u64()
                .map(|c| (k.to_owned(), c))
                .ok_or_else(|| format!("`{what}.{k}` must be a count (an integer >= 0)"))
        })
        .collect()
}

fn histogram_field(spec: &Value) -> std::result::Result<Sample, String> {
    if let Some(edges) = spec.get("edges") {
        let edges: Vec<f64> = edges
            .as_array()
            .ok_or("`edges` must be an array of numbers")?
            .iter()
            .map(|e| e.as_f64().filter(|x| x.is_finite()))
            .collect::<Option<_>>()
            .ok_or("`edges` must be finite numbers")?;
        let counts: Vec<u64> = spec
            .get("counts")
            .and_then(Value::as_array)
            .ok_or("`edges` needs `counts`")?
            .iter()
            .map(Value::as_u64)
            .collect::<Option<_>>()
            .ok_or("`counts` must be integers >= 0")?;
        if edges.len() < 2 || counts.len() + 1 != edges.len() {
            return Err(format!(
                "{} edges need {} counts, found {}",
                edges.len(),
                edges.len().saturating_sub(1),
                counts.len()
            ));
        }
        if edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err("`edges` must increase strictly".into());
        }
        return Ok(Sample::Histogram { edges, counts });
    }
    if let Some(v) = spec.get("values") {
        let mut pairs: Vec<(f64, u64)> = counts_of(v, "values")?
            .into_iter()
            .map(|(k, c)| {
                k.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(|x| (x, c))
                    .ok_or_else(|| format!("`values` key `{k}` is not a number"))
            })
            .collect::<std::result::Result<_, _>>()?;
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        pairs.dedup_by(|a, b| {
            if a.0 == b.0 {
                b.1 += a.1;
                true
            } else {
                false
            }
        });
        return Ok(Sample::Counts {
            keys: pairs.iter().map(|(x, _)| Key::Num(*x)).collect(),
            counts: pairs.iter().map(|(_, c)| *c).collect(),
        });
    }
    if let Some(v) = spec.get("categories") {
        // keys normalised as a record's categories are (`true` → `1`, `2.0` → `2`), so an
        // engine's text for a boolean or an integral number counts where the record's does
        let mut merged: std::collections::BTreeMap<String, u64> = Default::default();
        for (k, c) in counts_of(v, "categories")? {
            let slot = merged
                .entry(crate::text::normalize_category(&k))
                .or_default();
            *slot = slot
                .checked_add(c)
                .ok_or_else(|| format!("`categories` counts of `{k}` overflow"))?;
        }
        return Ok(Sample::Counts {
            keys: merged.keys().map(|k| Key::Text(k.clone())).collect(),
            counts: merged.into_values().collect(),
        });
    }
    Err("a field needs `edges` and `counts`, `values`, or `categories`".into())
}

fn merge(a: Sample, b: Sample) -> std::result::Result<Sample, String> {
    match (a, b) {
        (
            Sample::Histogram { edges, counts },
            Sample::Histogram {
                edges: e2,
                counts: c2,
            },
        ) => {
            if edges != e2 {
                return Err("documents of one window must share the histogram's edges".into());
            }
            let counts = counts.iter().zip(&c2).map(|(x, y)| x + y).collect();
            Ok(Sample::Histogram { edges, counts })
        }
        (
            Sample::Counts { keys, counts },
            Sample::Counts {
                keys: k2,
                counts: c2,
            },
        ) => {
            let mut all: Vec<(Key, u64)> = keys.into_iter().zip(counts).collect();
            for (k, c) in k2.into_iter().zip(c2) {
                match all.iter_mut().find(|(x, _)| *x == k) {
                    Some((_, n)) => *n += c,
                    None => all.push((k, c)),
                }
            }
            all.sort_by(|a, b| match (&a.0, &b.0) {
                (Key::Num(x), Key::Num(y)) => x.total_cmp(y),
                (Key::Text(x), Key::Text(y)) => x.cmp(y),
                (Key::Num(_), Key::Text(_)) => std::cmp::Ordering::Less,
                (Key::Text(_), Key::Num(_)) => std::cmp::Ordering::Greater,
            });
            Ok(Sample::Counts {
                keys: all.iter().map(|(k, _)| k.clone()).collect(),
                counts: all.iter().map(|(_, c)| *c).collect(),
            })
        }
        _ => Err("documents of one window hold this field in different forms".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_keys_are_normalised_as_records_are() {
        // an engine writes a boolean as `true`/`True`, an integral number as `2.0`: the
        // record reader counts those as `1` and `2`, so the document's keys are merged there
        let doc = json::parse_document(
            br#"{"categories": {"true": 3, "True": 2, "false": 4, "2.0": 1, "2": 5, "en": 6}}"#,
        )
        .expect("json");
        let Sample::Counts { keys, counts } = histogram_field(&doc).expect("field") else {
            panic!("counts expected");
        };
        let labels: Vec<String> = keys.iter().map(Key::label).collect();
        assert_eq!(labels, ["0", "1", "2", "en"]);
        assert_eq!(counts, [4, 5, 6, 6]);
    }
}

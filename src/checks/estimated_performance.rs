//! `estimated_performance`: a binary classifier's (or judge's) accuracy, precision, recall
//! or F1 on an unlabelled production window, estimated from its confidence as NannyML's
//! confidence-based performance estimation (CBPE) does ([`crate::stats::cbpe`]).
//!
//! The scores of the labelled reference window are calibrated by isotonic regression
//! ([`crate::stats::isotonic`], NannyML's default calibrator); each production record's
//! calibrated probability and predicted class give the expected confusion matrix of its
//! chunk, and the estimate its sampling error from the reference (NannyML's band: ± 3
//! sampling errors). A chunk fails when its whole band lies below the floor — `min`, or the
//! reference's realised value less `max_drop` — so a drop within the sampling noise of a
//! small chunk does not fail the gate, and one beyond it does.
//!
//! ## Configuration
//! ```yaml
//! - id: accuracy-holds-unlabelled
//!   level: 2
//!   estimated_performance: { score: y_pred_proba, prediction: y_pred, label: y_true,
//!                            metric: accuracy, max_drop: 0.05, chunk: { size: 5000 } }
//! ```
//!
//! ## Failure
//! No reference or production records, or none holding the fields: `missing`. A score outside
//! [0, 1], or a label or prediction that is not 0/1 or a boolean: `error`, naming how many.
//! A chunk whose band lies wholly below the floor: `fail`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Detail, Finding, SampleCache, Status, row_files};
use crate::error::Result;
use crate::evidence::production::{self, Scalar};
use crate::num::fmt;
use crate::rubric::{Chunk, EstimatedPerformance, Prediction};
use crate::stats::cbpe::{self, Confusion, Metric, SAMPLING_ERROR_RANGE};
use crate::stats::isotonic::Isotonic;

/// One chunk's estimate.
#[derive(Debug, Clone, Serialize)]
pub struct EstimateDetail {
    pub metric: Metric,
    /// NannyML's key (`[0:4999]`) or the UTC day; `all` without chunks.
    pub chunk: String,
    pub n: u64,
    #[serde(serialize_with = "crate::num::ser")]
    pub estimate: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub sampling_error: f64,
    /// The band, estimate ± 3 sampling errors clipped to [0, 1].
    #[serde(serialize_with = "crate::num::ser")]
    pub lower: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub upper: f64,
    /// The metric realised on the labelled reference.
    #[serde(serialize_with = "crate::num::ser")]
    pub reference_realized: f64,
    /// The floor the band is compared with: the higher of `min` and
    /// `reference_realized − max_drop`.
    #[serde(serialize_with = "crate::num::ser")]
    pub floor: f64,
    pub calibrated: bool,
}

/// A labelled or unlabelled record's values, checked.
struct Row {
    score: f64,
    predicted: bool,
    label: Option<bool>,
    time: Option<f64>,
}

#[derive(Default)]
struct Bad {
    score: u64,
    label: u64,
    prediction: u64,
    incomplete: u64,
}

/// Reads `files`, giving each complete row to `f` and counting the others.
fn read(
    e: &EstimatedPerformance,
    files: &[std::path::PathBuf],
    labelled: bool,
    bad: &mut Bad,
    f: &mut dyn FnMut(Row),
) -> Result<Vec<production::FileRead>> {
    let mut fields = vec![e.score.clone()];
    if let Prediction::Field(p) = &e.prediction {
        fields.push(p.clone());
    }
    let at_label = fields.len();
    if labelled {
        fields.push(e.label.clone());
    }
    let at_time = fields.len();
    let day = match (&e.chunk, labelled) {
        (Some(Chunk::Day(t)), false) => {
            fields.push(t.clone());
            true
        }
        _ => false,
    };
    production::read_rows(files, &fields, "estimated_performance", &mut |row| {
        let Some(s) = &row[0] else {
            bad.incomplete += 1;
            return;
        };
        let Some(score) = s.number().filter(|x| (0.0..=1.0).contains(x)) else {
            bad.score += 1;
            return;
        };
        let predicted = match &e.prediction {
            Prediction::Threshold(t) => score >= *t,
            Prediction::Field(_) => match row[1].as_ref().map(Scalar::class) {
                Some(Some(c)) => c,
                Some(None) => {
                    bad.prediction += 1;
                    return;
                }
                None => {
                    bad.incomplete += 1;
                    return;
                }
            },
        };
        let label = if labelled {
            match row[at_label].as_ref().map(Scalar::class) {
                Some(Some(c)) => Some(c),
                Some(None) => {
                    bad.label += 1;
                    return;
                }
                None => {
                    bad.incomplete += 1;
                    return;
                }
            }
        } else {
            None
        };
        let time = if day {
            row[at_time].as_ref().and_then(Scalar::time)
        } else {
            None
        };
        if day && time.is_none() {
            bad.incomplete += 1;
            return;
        }
        f(Row {
            score,
            predicted,
            label,
            time,
        });
    })
}

fn expected(e: &EstimatedPerformance) -> String {
    let mut parts = Vec::new();
    if let Some(m) = e.min {
        parts.push(format!(">= {}", fmt(m)));
    }
    if let Some(d) = e.max_drop {
        parts.push(format!("drop <= {} from the reference", fmt(d)));
    }
    format!(
        "estimated {} {}, beyond 3 sampling errors",
        e.metric.name(),
        parts.join(" and ")
    )
}

pub fn run(
    e: &EstimatedPerformance,
    evidence: &crate::model::Evidence,
    cache: &mut SampleCache,
) -> Result<Vec<Finding>> {
    let subject = format!("estimated {}", e.metric.name());
    let expected = expected(e);
    let missing = |why: String| {
        let mut f = Finding::pending(&subject, &expected);
        f.message = format!("{subject}: {why}");
        f.observed = "no records".into();
        vec![f]
    };
    let ref_files = match row_files(&e.reference, evidence)? {
        Ok(f) => f,
        Err(why) => return Ok(missing(format!("the labelled reference: {why}"))),
    };
    let prod_files = match row_files(&e.records, evidence)? {
        Ok(f) => f,
        Err(why) => return Ok(missing(format!("the unlabelled records: {why}"))),
    };

    // the reference: scores and labels for the calibration, labels and predictions for the
    // realised value and the sampling error
    let mut bad = Bad::default();
    let mut fit: Vec<(f64, f64)> = Vec::new();
    let mut labelled: Vec<(bool, bool)> = Vec::new();
    let reads = read(e, &ref_files, true, &mut bad, &mut |r| {
        let y = r.label.unwrap_or(false);
        fit.push((r.score, f64::from(u8::from(y))));
        labelled.push((y, r.predicted));
    })?;
    cache.note_records(&e.reference, reads);
    if let Some(f) = bad_values(&subject, &expected, &bad, "reference", e) {
        return Ok(vec![f]);
    }
    if labelled.is_empty() {
        return Ok(missing(format!(
            "no reference record holds `{}`, `{}`{}",
            e.score,
            e.label,
            match &e.prediction {
                Prediction::Field(p) => format!(" and `{p}`"),
                Prediction::Threshold(_) => String::new(),
            }
        )));
    }
    let calibrator = if e.isotonic {
        Isotonic::fit(&fit)
    } else {
        None
    };
    let mut realized = Confusion::default();
    for (y, yhat) in &labelled {
        realized.add(f64::from(u8::from(*y)), *yhat);
    }
    let reference_realized = realized.metric(e.metric);
    let components = cbpe::sampling_components(&labelled, e.metric);

    // the production window, chunk by chunk
    let mut bad = Bad::default();
    let mut chunks: BTreeMap<String, (u64, Confusion)> = BTreeMap::new();
    let mut index = 0u64;
    let reads = read(e, &prod_files, false, &mut bad, &mut |r| {
        let p = calibrator.as_ref().map_or(r.score, |c| c.predict(r.score));
        let (order, key) = match (&e.chunk, r.time) {
            (Some(Chunk::Size(size)), _) => (index / size * size, String::new()),
            (Some(Chunk::Day(_)), Some(t)) => {
                let day = (t / 86_400.0).floor();
                let date = production::format_time(day * 86_400.0);
                (
                    day.max(0.0) as u64,
                    date.get(..10).unwrap_or(&date).to_owned(),
                )
            }
            _ => (0, "all".to_owned()),
        };
        index += 1;
        let slot = chunks
            .entry(format!("{order:020}{key}"))
            .or_insert((order, Confusion::default()));
        slot.1.add(p, r.predicted);
    })?;
    cache.note_records(&e.records, reads);
    if let Some(f) = bad_values(&subject, &expected, &bad, "production", e) {
        return Ok(vec![f]);
    }
    if chunks.is_empty() {
        return Ok(missing(format!(
            "no unlabelled record holds `{}`{}",
            e.score,
            match &e.prediction {
                Prediction::Field(p) => format!(" and `{p}`"),
                Prediction::Threshold(_) => String::new(),
            }
        )));
    }
    let floor = e
        .min
        .into_iter()
        .chain(e.max_drop.map(|d| reference_realized - d))
        .fold(f64::NEG_INFINITY, f64::max);
    let mut out = Vec::new();
    for (sort_key, (order, confusion)) in chunks {
        // NannyML keys a size-based chunk by the records it holds (the last may be short)
        let key = match &e.chunk {
            Some(Chunk::Size(_)) => format!("[{order}:{}]", order + confusion.n - 1),
            _ => sort_key[20..].to_owned(),
        };
        out.push(chunk_finding(
            e,
            &subject,
            &expected,
            &key,
            confusion,
            components,
            reference_realized,
            floor,
            calibrator.is_some(),
        ));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn chunk_finding(
    e: &EstimatedPerformance,
    subject: &str,
    expected: &str,
    key: &str,
    confusion: Confusion,
    components: Option<(f64, f64)>,
    reference_realized: f64,
    floor: f64,
    calibrated: bool,
) -> Finding {
    let name = if key == "all" {
        subject.to_owned()
    } else {
        format!("{subject} {key}")
    };
    let mut f = Finding::pending(&name, expected);
    let estimate = confusion.metric(e.metric);
    let se = components.map_or(f64::NAN, |c| cbpe::sampling_error(c, confusion.n));
    let (lower, upper) = (
        (estimate - SAMPLING_ERROR_RANGE * se).max(0.0),
        (estimate + SAMPLING_ERROR_RANGE * se).min(1.0),
    );
    let stats = format!(
        "{} {} (n={}), band [{}, {}] (± 3 sampling errors of {}); reference realised {}",
        e.metric.name(),
        fmt(estimate),
        confusion.n,
        fmt(lower),
        fmt(upper),
        fmt(se),
        fmt(reference_realized)
    );
    f.observed = format!("{} [{}, {}]", fmt(estimate), fmt(lower), fmt(upper));
    (f.status, f.message) = if !se.is_finite() {
        (
            Status::Error,
            format!(
                "{name}: {stats}: the reference has no record the {} is defined on, so it gives no sampling error",
                e.metric.name()
            ),
        )
    } else if upper < floor {
        (
            Status::Fail,
            format!("{name}: {stats}: the whole band is below {}", fmt(floor)),
        )
    } else if estimate < floor {
        (
            Status::Pass,
            format!(
                "{name}: {stats}: below {} but within the sampling error (a larger chunk would tell)",
                fmt(floor)
            ),
        )
    } else {
        (Status::Pass, format!("{name}: {stats}"))
    };
    f.detail = Some(Detail::EstimatedPerformance(Box::new(EstimateDetail {
        metric: e.metric,
        chunk: key.to_owned(),
        n: confusion.n,
        estimate,
        sampling_error: se,
        lower,
        upper,
        reference_realized,
        floor,
        calibrated,
    })));
    f
}

/// An `error` finding when some records hold values of the wrong kind.
fn bad_values(
    subject: &str,
    expected: &str,
    bad: &Bad,
    side: &str,
    e: &EstimatedPerformance,
) -> Option<Finding> {
    let mut parts = Vec::new();
    if bad.score > 0 {
        parts.push(format!(
            "{} a `{}` that is not a probability in [0, 1]",
            bad.score, e.score
        ));
    }
    if bad.label > 0 {
        parts.push(format!(
            "{} a `{}` that is not 0/1 or a boolean",
            bad.label, e.label
        ));
    }
    if let (true, Prediction::Field(p)) = (bad.prediction > 0, &e.prediction) {
        parts.push(format!(
            "{} a `{p}` that is not 0/1 or a boolean",
            bad.prediction
        ));
    }
    if parts.is_empty() {
        if bad.incomplete > 0 {
            tracing::info!(
                "estimated_performance: {} {side} record(s) without every field, left out",
                bad.incomplete
            );
        }
        return None;
    }
    let mut f = Finding::pending(subject, expected);
    f.status = Status::Error;
    f.message = format!("{subject}: {side} records hold {}", parts.join("; "));
    f.observed = "values of the wrong kind".into();
    Some(f)
}

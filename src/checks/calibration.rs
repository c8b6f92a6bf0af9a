//! `calibration`: is the model's confidence honest? From per-sample (or per-request)
//! confidence and correctness, the expected calibration error ([`crate::stats::calibration`]:
//! HELM's `ece_10_bin` with the default equal-mass bins) must be at most `max_ece`.
//!
//! ## Configuration
//! ```yaml
//! - id: confidence-is-honest
//!   level: 2
//!   calibration: { records: current, confidence: confidence, correct: acc, max_ece: 0.1 }
//! ```
//!
//! ## Failure
//! No records, or no record holding both fields: `missing`. A confidence outside [0, 1] or
//! not a number, or a correctness that is not 0/1 or a boolean: `error`, naming how many.
//! Fewer than `min_samples` pairs (HELM: "not reliable for small datasets (e.g., with < 300
//! examples)") or an ECE above `max_ece`: `fail`. The finding carries every non-empty bin
//! (the reliability diagram the HTML report draws).

use serde::Serialize;

use super::{Detail, Finding, SampleCache, Status, row_files};
use crate::error::Result;
use crate::evidence::production::{self, Scalar};
use crate::num::fmt;
use crate::rubric::Calibration;
use crate::stats::calibration::{self, Bin, Binning};

/// The finding's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationDetail {
    pub confidence: String,
    pub correct: String,
    pub binning: Binning,
    pub bins: usize,
    /// Pairs of a confidence and a correctness.
    pub n: u64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ece: f64,
    pub max_ece: f64,
    /// The mean confidence and the accuracy over every pair (their gap is the 1-bin ECE).
    #[serde(serialize_with = "crate::num::ser")]
    pub mean_confidence: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub accuracy: f64,
    /// The non-empty bins, lowest confidence first.
    pub reliability: Vec<Bin>,
}

pub fn run(
    c: &Calibration,
    evidence: &crate::model::Evidence,
    cache: &mut SampleCache,
) -> Result<Vec<Finding>> {
    let subject = format!("{} vs {}", c.confidence, c.correct);
    let expected = format!("ECE <= {} over >= {} pairs", fmt(c.max_ece), c.min_samples);
    let mut f = Finding::pending(&subject, &expected);
    let files = match row_files(&c.records, evidence)? {
        Ok(files) => files,
        Err(why) => {
            f.message = format!("{subject}: {why}");
            f.observed = "no records".into();
            return Ok(vec![f]);
        }
    };
    let fields = [c.confidence.clone(), c.correct.clone()];
    let mut pairs: Vec<(f64, bool)> = Vec::new();
    let (mut records, mut bad_conf, mut bad_correct) = (0u64, 0u64, 0u64);
    let reads = production::read_rows(&files, &fields, "calibration", &mut |row| {
        records += 1;
        let (Some(p), Some(y)) = (&row[0], &row[1]) else {
            return;
        };
        let conf = p.number().filter(|x| (0.0..=1.0).contains(x));
        let right = match y {
            Scalar::Bool(b) => Some(*b),
            other => match other.number() {
                Some(1.0) => Some(true),
                Some(0.0) => Some(false),
                _ => None,
            },
        };
        match (conf, right) {
            (Some(p), Some(r)) => pairs.push((p, r)),
            (None, _) => bad_conf += 1,
            (_, None) => bad_correct += 1,
        }
    })?;
    cache.note_records(&c.records, reads);
    let source = format!(
        "{records} record(s) in {} file(s) of {}",
        files.len(),
        c.records.label()
    );
    if bad_conf + bad_correct > 0 {
        f.status = Status::Error;
        f.message = format!(
            "{subject}: {bad_conf} record(s) hold a `{}` that is not a number in [0, 1] and {bad_correct} a `{}` that is not 0/1 or a boolean ({source})",
            c.confidence, c.correct
        );
        f.observed = "values out of range".into();
        return Ok(vec![f]);
    }
    let Some((ece, bins)) = calibration::ece(&pairs, c.bins, c.binning) else {
        f.message = format!(
            "{subject}: no record holds both `{}` and `{}` ({source})",
            c.confidence, c.correct
        );
        f.observed = "no pairs".into();
        return Ok(vec![f]);
    };
    let n = pairs.len() as u64;
    let mean_confidence = pairs.iter().map(|(p, _)| p).sum::<f64>() / n as f64;
    let accuracy = pairs.iter().filter(|(_, r)| *r).count() as f64 / n as f64;
    let binning = match c.binning {
        Binning::EqualMass => "equal-mass",
        Binning::EqualWidth => "equal-width",
    };
    let stats = format!(
        "ECE {} ({} {binning} bins, n={n}); mean confidence {}, accuracy {}",
        fmt(ece),
        c.bins,
        fmt(mean_confidence),
        fmt(accuracy)
    );
    f.observed = format!("ECE {}", fmt(ece));
    let mut problems = Vec::new();
    if n < c.min_samples {
        problems.push(format!(
            "{n} pairs, fewer than {} (an ECE of {} bins is not reliable on so few)",
            c.min_samples, c.bins
        ));
    }
    if ece > c.max_ece {
        let side = if mean_confidence > accuracy {
            "over"
        } else {
            "under"
        };
        problems.push(format!(
            "ECE above {}: the model is {side}confident",
            fmt(c.max_ece)
        ));
    }
    (f.status, f.message) = if problems.is_empty() {
        (Status::Pass, format!("{subject}: {stats}"))
    } else {
        (
            Status::Fail,
            format!("{subject}: {stats}; {}", problems.join("; ")),
        )
    };
    f.detail = Some(Detail::Calibration(Box::new(CalibrationDetail {
        confidence: c.confidence.clone(),
        correct: c.correct.clone(),
        binning: c.binning,
        bins: c.bins,
        n,
        ece,
        max_ece: c.max_ece,
        mean_confidence,
        accuracy,
        reliability: bins,
    })));
    Ok(vec![f])
}

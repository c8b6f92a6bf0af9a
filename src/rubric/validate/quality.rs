//! Validation of the S7P1 quality-gate kinds: `threshold`, `regression`, `coverage`, `calibration`.

#[allow(unused_imports)]
use super::*;

pub(super) fn threshold(t: &Sp<RawThreshold>, errors: &mut Vec<DeError>) -> Option<Threshold> {
    let raw = &t.value;
    let sel = selector(&raw.metric, errors);
    let min = finite(&raw.min, "min", errors);
    let max = finite(&raw.max, "max", errors);
    let confidence = probability(&raw.confidence, "confidence", errors);
    if raw.min.is_none() && raw.max.is_none() {
        errors.push(DeError::at(t.loc, "a threshold needs `min`, `max` or both"));
        return None;
    }
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        let loc = raw.min.as_ref().map(|m| m.loc).unwrap_or(t.loc);
        errors.push(DeError::at(
            loc,
            format!("`min` ({lo}) is greater than `max` ({hi}); no value can pass"),
        ));
        return None;
    }
    if raw.confidence.is_some() && confidence.is_none() {
        return None;
    }
    let cluster = cluster(&raw.cluster, errors)?;
    if let (Some(c), None) = (&raw.cluster, &raw.confidence) {
        errors.push(DeError::at(
            c.loc,
            "`cluster` widens a confidence interval; it needs `confidence`",
        ));
        return None;
    }
    Some(Threshold {
        selector: sel?,
        min,
        max,
        confidence,
        abs: raw.abs.unwrap_or(false),
        cluster,
    })
}

pub(super) fn regression(r: &Sp<RawRegression>, errors: &mut Vec<DeError>) -> Option<Regression> {
    let raw = &r.value;
    let sel = selector(&raw.metric, errors);
    let max_drop = non_negative(&raw.max_drop, "max_drop", errors);
    let max_relative_drop = non_negative(&raw.max_relative_drop, "max_relative_drop", errors);
    let alpha = probability(&raw.alpha, "alpha", errors);
    if raw.max_drop.is_none() && raw.max_relative_drop.is_none() {
        errors.push(DeError::at(
            r.loc,
            "a regression check needs `max_drop` or `max_relative_drop` (the tolerated worsening)",
        ));
        return None;
    }
    let correction = correction(&raw.correction, Correction::Holm, errors);
    let cluster = cluster(&raw.cluster, errors);
    let accept = accept_differences(&raw.accept_differences, errors);
    if raw.alpha.is_none() {
        for (key, loc) in [
            ("correction", raw.correction.as_ref().map(|c| c.loc)),
            ("cluster", raw.cluster.as_ref().map(|c| c.loc)),
        ] {
            if let Some(loc) = loc {
                errors.push(DeError::at(
                    loc,
                    format!("`{key}` applies to the significance tests; it needs `alpha`"),
                ));
                return None;
            }
        }
    }
    if (raw.max_drop.is_some() && max_drop.is_none())
        || (raw.max_relative_drop.is_some() && max_relative_drop.is_none())
        || (raw.alpha.is_some() && alpha.is_none())
    {
        return None;
    }
    Some(Regression {
        selector: sel?,
        max_drop,
        max_relative_drop,
        alpha,
        higher_is_better: raw.higher_is_better,
        correction: correction?,
        cluster: cluster?,
        accept: accept?,
    })
}

pub(super) fn coverage(c: &Sp<RawCoverage>, errors: &mut Vec<DeError>) -> Option<Coverage> {
    let raw = &c.value;
    let mut ok = true;
    if raw.tasks.value.is_empty() {
        errors.push(DeError::at(
            raw.tasks.loc,
            "`tasks` needs at least one task name or glob (`*` for every task)",
        ));
        ok = false;
    }
    let mut tasks = Vec::new();
    for t in &raw.tasks.value {
        match glob(t.value.trim()) {
            Ok(m) => tasks.push((t.value.trim().to_owned(), m)),
            Err(msg) => {
                errors.push(DeError::at(t.loc, msg));
                ok = false;
            }
        }
    }
    if let Some(n) = &raw.min_samples
        && n.value < 1
    {
        errors.push(DeError::at(n.loc, "`min_samples` must be at least 1"));
        ok = false;
    }
    ok.then(|| Coverage {
        tasks,
        min_samples: raw.min_samples.as_ref().map(|n| n.value),
        allow_limit: raw.allow_limit.unwrap_or(false),
    })
}

/// The most bins a `calibration` check may ask for.
const MAX_CALIBRATION_BINS: u64 = 1000;

pub(super) fn calibration(
    c: &Sp<RawCalibration>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Calibration> {
    use crate::stats::calibration::Binning;
    let raw = &c.value;
    let records = row_source(
        raw.records.as_ref(),
        "records",
        RowSource::Runs(crate::model::Role::Current),
        base,
        errors,
    );
    let confidence = record_path(&raw.confidence, "confidence", errors);
    let correct = record_path(&raw.correct, "correct", errors);
    let max_ece = match finite(&Some(raw.max_ece.clone()), "max_ece", errors) {
        Some(x) if (0.0..=1.0).contains(&x) => Some(x),
        Some(x) => {
            errors.push(DeError::at(
                raw.max_ece.loc,
                format!("`max_ece` is a calibration error in [0, 1], got {x}"),
            ));
            None
        }
        None => None,
    };
    let bins = match count_at_least(&raw.bins, "bins", 1, 10, errors) {
        // each bin is a row of the reliability diagram: more than this is a typo
        Some(b) if b > MAX_CALIBRATION_BINS => {
            errors.push(DeError::at(
                raw.bins.as_ref().map_or(c.loc, |b| b.loc),
                format!("`bins` is at most {MAX_CALIBRATION_BINS}, got {b}"),
            ));
            None
        }
        other => other,
    };
    let min_samples = count_at_least(&raw.min_samples, "min_samples", 1, 300, errors);
    let binning = match &raw.binning {
        None => Some(Binning::EqualMass),
        Some(b) => match b.value.trim() {
            "equal_mass" => Some(Binning::EqualMass),
            "equal_width" => Some(Binning::EqualWidth),
            other => {
                errors.push(DeError::at(
                    b.loc,
                    format!("`binning` is `equal_mass` or `equal_width`; got `{other}`"),
                ));
                None
            }
        },
    };
    if let (Some(a), Some(b)) = (&confidence, &correct)
        && a == b
    {
        errors.push(DeError::at(
            raw.correct.loc,
            format!("`confidence` and `correct` are both `{a}`"),
        ));
        return None;
    }
    Some(Calibration {
        records: records?,
        confidence: confidence?,
        correct: correct?,
        max_ece: max_ece?,
        bins: usize::try_from(bins?).ok()?,
        binning: binning?,
        min_samples: min_samples?,
    })
}

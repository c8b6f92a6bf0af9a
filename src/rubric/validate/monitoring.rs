//! Validation of the S7P3 monitoring kinds: `drift` (with its windows), `trend` and
//! `estimated_performance`.

#[allow(unused_imports)]
use super::*;

/// A time in a window: RFC 3339 (or a bare date), or UNIX seconds.
pub(super) fn time(v: &Sp<String>, key: &str, errors: &mut Vec<DeError>) -> Option<f64> {
    let t = v.value.trim();
    let parsed =
        production::parse_time(t).or_else(|| t.parse::<f64>().ok().filter(|x| x.is_finite()));
    if parsed.is_none() {
        errors.push(DeError::at(
            v.loc,
            format!(
                "`{key}` must be an RFC 3339 time (`2026-11-16T00:00:00Z`), a date \
                 (`2026-11-16`) or UNIX seconds; got `{t}`"
            ),
        ));
    }
    parsed
}

pub(super) fn window(
    w: &Sp<RawWindow>,
    timestamp: Option<&str>,
    key: &str,
    errors: &mut Vec<DeError>,
) -> Option<Window> {
    let raw = &w.value;
    let Some(ts) = timestamp else {
        errors.push(DeError::at(
            w.loc,
            format!("`{key}` needs `timestamp`: the field whose time selects the records"),
        ));
        return None;
    };
    let span = match (&raw.last, &raw.from, &raw.to) {
        (Some(last), None, None) => match production::parse_duration(&last.value) {
            Some(secs) => Span::Last(secs),
            None => {
                errors.push(DeError::at(
                    last.loc,
                    format!(
                        "`last` must be a duration like `7d`, `36h`, `30m`, `90s` or `2w`; got `{}`",
                        last.value.trim()
                    ),
                ));
                return None;
            }
        },
        (None, from, to) if from.is_some() || to.is_some() => {
            let f = from.as_ref().map(|v| time(v, "from", errors));
            let t = to.as_ref().map(|v| time(v, "to", errors));
            let (f, t) = (
                f.unwrap_or(Some(f64::NEG_INFINITY)),
                t.unwrap_or(Some(f64::INFINITY)),
            );
            let (f, t) = (f?, t?);
            if f >= t {
                errors.push(DeError::at(
                    w.loc,
                    format!("`{key}` is empty: `from` is not before `to`"),
                ));
                return None;
            }
            Span::Range {
                from: f.is_finite().then_some(f),
                to: t.is_finite().then_some(t),
            }
        }
        _ => {
            errors.push(DeError::at(
                w.loc,
                format!("`{key}` is `{{ last: 7d }}` or `{{ from: …, to: … }}` (either end may be left out)"),
            ));
            return None;
        }
    };
    Some(Window {
        timestamp: ts.to_owned(),
        span,
    })
}

pub(super) fn drift(d: &Sp<RawDrift>, errors: &mut Vec<DeError>) -> Option<Drift> {
    let raw = &d.value;
    let mut ok = true;
    if raw.fields.value.is_empty() {
        errors.push(DeError::at(
            raw.fields.loc,
            "`fields` needs at least one field path or glob (`\"*\"` for every field)",
        ));
        ok = false;
    }
    let (mut fields, mut patterns) = (Vec::new(), Vec::new());
    for f in &raw.fields.value {
        let t = f.value.trim();
        if t.contains(['*', '?', '[', '{']) {
            match glob(t) {
                Ok(m) => patterns.push((t.to_owned(), m)),
                Err(msg) => {
                    errors.push(DeError::at(f.loc, msg));
                    ok = false;
                }
            }
        } else if t.is_empty() {
            errors.push(DeError::at(f.loc, "an empty field name"));
            ok = false;
        } else if fields.iter().any(|x| x == t) {
            errors.push(DeError::at(f.loc, format!("field `{t}` is listed twice")));
            ok = false;
        } else {
            fields.push(t.to_owned());
        }
    }
    let mut exclude = Vec::new();
    for e in raw.exclude.iter().flatten() {
        match glob(e.value.trim()) {
            Ok(m) => exclude.push(m),
            Err(msg) => {
                errors.push(DeError::at(e.loc, msg));
                ok = false;
            }
        }
    }
    let method = match &raw.method {
        None => None,
        Some(m) if m.value.trim() == "auto" => None,
        Some(m) => match DriftMethod::parse(m.value.trim()) {
            Some(x) => Some(x),
            None => {
                let names: Vec<&str> = std::iter::once("auto")
                    .chain(DriftMethod::ALL.iter().map(|x| x.name()))
                    .collect();
                let hint = did_you_mean(m.value.trim(), &names)
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                errors.push(DeError::at(
                    m.loc,
                    format!(
                        "unknown drift method `{}`; {hint}the methods are {}",
                        m.value.trim(),
                        names.join(", ")
                    ),
                ));
                ok = false;
                None
            }
        },
    };
    let threshold = match finite(&raw.threshold, "threshold", errors) {
        Some(t) if t <= 0.0 => {
            errors.push(DeError::at(
                raw.threshold.as_ref().map(|x| x.loc).unwrap_or(d.loc),
                format!("`threshold` must be above 0, got {t}"),
            ));
            ok = false;
            None
        }
        Some(t) if t >= 1.0 && method.is_some_and(|m| m.is_p_value()) => {
            errors.push(DeError::at(
                raw.threshold.as_ref().map(|x| x.loc).unwrap_or(d.loc),
                format!(
                    "`{}` compares a p-value: `threshold` must be below 1, got {t}",
                    method.map_or("", |m| m.name())
                ),
            ));
            ok = false;
            None
        }
        t => t,
    };
    if raw.threshold.is_some() && threshold.is_none() {
        ok = false;
    }
    let drift_share = match finite(&raw.drift_share, "drift_share", errors) {
        Some(x) if x > 0.0 && x <= 1.0 => Some(x),
        Some(x) => {
            errors.push(DeError::at(
                raw.drift_share.as_ref().map(|v| v.loc).unwrap_or(d.loc),
                format!("`drift_share` must be in (0, 1], got {x}"),
            ));
            ok = false;
            None
        }
        None => None,
    };
    let mut kinds = std::collections::BTreeMap::new();
    for (field, k) in raw.kind.iter().flatten() {
        match k.value.trim() {
            "numeric" | "numerical" => {
                kinds.insert(field.clone(), production::Kind::Numeric);
            }
            "categorical" => {
                kinds.insert(field.clone(), production::Kind::Categorical);
            }
            other => {
                errors.push(DeError::at(
                    k.loc,
                    format!("`kind` of `{field}` is `numeric` or `categorical`, got `{other}`"),
                ));
                ok = false;
            }
        }
    }
    let ts = raw.timestamp.as_ref().map(|t| t.value.trim().to_owned());
    if let Some(t) = &raw.timestamp
        && raw.window.is_none()
        && raw.reference_window.is_none()
    {
        errors.push(DeError::at(
            t.loc,
            "`timestamp` selects records for a `window` or `reference_window`; add one",
        ));
        ok = false;
    }
    let win = raw
        .window
        .as_ref()
        .map(|w| window(w, ts.as_deref(), "window", errors));
    let ref_win = raw
        .reference_window
        .as_ref()
        .map(|w| window(w, ts.as_deref(), "reference_window", errors));
    if matches!(win, Some(None)) || matches!(ref_win, Some(None)) {
        ok = false;
    }
    let correction = match &raw.correction {
        None => Some(None),
        Some(_) => correction(&raw.correction, Correction::Holm, errors).map(Some),
    };
    let correction = correction?;
    ok.then(|| Drift {
        correction,
        fields,
        patterns,
        exclude,
        method,
        threshold,
        drift_share,
        kinds,
        window: win.flatten(),
        reference_window: ref_win.flatten(),
    })
}

pub(super) fn trend(t: &Sp<RawTrend>, base: &Path, errors: &mut Vec<DeError>) -> Option<Trend> {
    let raw = &t.value;
    let sel = selector(&raw.metric, errors);
    let max_drop = non_negative(&raw.max_drop_from_best, "max_drop_from_best", errors);
    let mut ok = !(raw.max_drop_from_best.is_some() && max_drop.is_none());
    let band = match &raw.band {
        None => None,
        Some(b) => {
            if b.value.reference_runs.value < 2 {
                errors.push(DeError::at(
                    b.value.reference_runs.loc,
                    "`reference_runs` must be at least 2 (a standard deviation needs two runs)",
                ));
                ok = false;
            }
            let sig = &b.value.sigmas;
            if !(sig.value.is_finite() && sig.value > 0.0) {
                errors.push(DeError::at(sig.loc, "`sigmas` must be a number above 0"));
                ok = false;
            }
            Some((b.value.reference_runs.value, sig.value))
        }
    };
    if raw.max_drop_from_best.is_none() && raw.band.is_none() {
        errors.push(DeError::at(
            t.loc,
            "a trend check needs `max_drop_from_best`, `band` or both",
        ));
        ok = false;
    }
    let history = resolve(&raw.history, base, errors);
    let accept = accept_differences(&raw.accept_differences, errors);
    let (sel, accept) = (sel?, accept?);
    ok.then(|| Trend {
        selector: sel,
        history,
        max_drop_from_best: max_drop,
        band,
        higher_is_better: raw.higher_is_better,
        accept,
    })
}

pub(super) fn estimated_performance(
    e: &Sp<RawEstimatedPerformance>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<EstimatedPerformance> {
    use crate::stats::cbpe::Metric;
    let raw = &e.value;
    let mut ok = true;
    let reference = row_source(
        raw.reference.as_ref(),
        "reference",
        RowSource::Reference,
        base,
        errors,
    );
    let records = row_source(
        raw.records.as_ref(),
        "records",
        RowSource::Production,
        base,
        errors,
    );
    let score = record_path(&raw.score, "score", errors);
    let label = record_path(&raw.label, "label", errors);
    let prediction = match (&raw.prediction, &raw.threshold) {
        (Some(p), None) => record_path(p, "prediction", errors).map(Prediction::Field),
        (None, Some(t)) if t.value.is_finite() && (0.0..=1.0).contains(&t.value) => {
            Some(Prediction::Threshold(t.value))
        }
        (None, Some(t)) => {
            errors.push(DeError::at(
                t.loc,
                format!("`threshold` is a probability in [0, 1], got {}", t.value),
            ));
            None
        }
        (Some(_), Some(t)) => {
            errors.push(DeError::at(
                t.loc,
                "give `prediction` (a field) or `threshold` (on the score), not both",
            ));
            None
        }
        (None, None) => {
            errors.push(DeError::at(
                e.loc,
                "`estimated_performance` needs the predicted class: `prediction: FIELD` or `threshold: 0.5` on the score",
            ));
            None
        }
    };
    let metric = match &raw.metric {
        None => Some(Metric::Accuracy),
        Some(m) => match Metric::ALL.iter().find(|(n, _)| *n == m.value.trim()) {
            Some((_, x)) => Some(*x),
            None => {
                errors.push(DeError::at(
                    m.loc,
                    format!(
                        "`metric` is `accuracy`, `precision`, `recall` or `f1`; got `{}`",
                        m.value.trim()
                    ),
                ));
                None
            }
        },
    };
    let unit = |v: &Option<Sp<f64>>, key: &str, errors: &mut Vec<DeError>| -> Option<Option<f64>> {
        match v {
            None => Some(None),
            Some(x) if x.value.is_finite() && (0.0..=1.0).contains(&x.value) => Some(Some(x.value)),
            Some(x) => {
                errors.push(DeError::at(
                    x.loc,
                    format!("`{key}` must be between 0 and 1, got {}", x.value),
                ));
                None
            }
        }
    };
    let min = unit(&raw.min, "min", errors);
    let max_drop = unit(&raw.max_drop, "max_drop", errors);
    if raw.min.is_none() && raw.max_drop.is_none() {
        errors.push(DeError::at(
            e.loc,
            "`estimated_performance` needs `min` (a floor on the estimate), `max_drop` (below the reference's realised value) or both",
        ));
        ok = false;
    }
    let chunk = match &raw.chunk {
        None => Some(None),
        Some(c) => match (&c.value.size, &c.value.period) {
            (Some(s), None) if s.value >= 1 => {
                if let Some(t) = &c.value.timestamp {
                    errors.push(DeError::at(
                        t.loc,
                        "`timestamp` goes with `period`; a size-based chunk takes records in file order",
                    ));
                    ok = false;
                }
                Some(Some(Chunk::Size(s.value)))
            }
            (Some(s), None) => {
                errors.push(DeError::at(s.loc, "`size` must be at least 1"));
                None
            }
            (None, Some(p)) if p.value.trim() == "day" => match &c.value.timestamp {
                Some(t) => record_path(t, "timestamp", errors).map(|t| Some(Chunk::Day(t))),
                None => {
                    errors.push(DeError::at(
                        p.loc,
                        "`period: day` needs `timestamp: FIELD`, the field each record's day is read from",
                    ));
                    None
                }
            },
            (None, Some(p)) => {
                errors.push(DeError::at(
                    p.loc,
                    format!("`period` is `day`; got `{}`", p.value.trim()),
                ));
                None
            }
            _ => {
                errors.push(DeError::at(
                    c.loc,
                    "a `chunk` is `{ size: N }` or `{ period: day, timestamp: FIELD }`",
                ));
                None
            }
        },
    };
    let isotonic = match &raw.calibration {
        None => Some(true),
        Some(c) => match c.value.trim() {
            "isotonic" => Some(true),
            "none" => Some(false),
            other => {
                errors.push(DeError::at(
                    c.loc,
                    format!("`calibration` is `isotonic` or `none`; got `{other}`"),
                ));
                None
            }
        },
    };
    if let (Some(s), Some(l)) = (&score, &label)
        && s == l
    {
        errors.push(DeError::at(
            raw.label.loc,
            format!("`score` and `label` are both `{s}`"),
        ));
        ok = false;
    }
    let out = EstimatedPerformance {
        reference: reference?,
        records: records?,
        score: score?,
        prediction: prediction?,
        label: label?,
        metric: metric?,
        min: min?,
        max_drop: max_drop?,
        chunk: chunk?,
        isotonic: isotonic?,
    };
    ok.then_some(out)
}

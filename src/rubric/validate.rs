//! Phase 2: from what was written to what checks may rely on.
//!
//! Collects every semantic error with its location: version, levels, process ids, unique
//! check ids, exactly one kind per check, finite numbers, probabilities in (0, 1),
//! `min ≤ max`, non-negative tolerances, selectors and globs that compile.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::raw::{
    KIND_KEYS, RawCheck, RawCoverage, RawDocumentation, RawDrift, RawFairness, RawManifest,
    RawPerturbationGap, RawProvenance, RawRegression, RawRepeatability, RawRubric, RawThreshold,
    RawTrend, RawWindow,
};
use super::raw::{
    RawAbTest, RawAgreement, RawFeedback, RawGuardrail, RawPower, RawSweep, RawTrials,
};
use super::selector::{Selector, glob};
use super::yaml::{DeError, Loc, Sp, did_you_mean};
use super::{
    AbTest, Agreement, Feedback, FeedbackCoverage, Guardrail, Power, RowSource, Sweep, SweepParam,
    Trials,
};
use super::{
    Check, CheckKind, ClaimsMatch, Coverage, Documentation, Fairness, FairnessMode, Inputs, Origin,
    PerturbationGap, ProcessId, RecordsSource, Regression, Rubric, Threshold, normalize_category,
};
use super::{Drift, Manifest, Provenance, Repeatability, Tolerance, Trend};
use crate::checks::provenance::Item as ProvenanceItem;
use crate::evidence::production::{self, Span, Window};
use crate::model::Role;
use crate::stats::drift::Method as DriftMethod;

const PROCESS_NAMES: &[&str] = &["S7P1", "S7P2", "S7P3", "S7P4", "S7P5", "S7P6"];

fn process_id(name: &str, loc: Loc, errors: &mut Vec<DeError>) -> Option<ProcessId> {
    let id = ProcessId::parse(name);
    if id.is_none() {
        let hint = did_you_mean(name, PROCESS_NAMES)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        errors.push(DeError::at(
            loc,
            format!("unknown process `{name}`{hint} (the processes are S7P1 … S7P6)"),
        ));
    }
    id
}

fn finite(v: &Option<Sp<f64>>, key: &str, errors: &mut Vec<DeError>) -> Option<f64> {
    let v = v.as_ref()?;
    if v.value.is_finite() {
        Some(v.value)
    } else {
        errors.push(DeError::at(
            v.loc,
            format!("`{key}` must be a finite number"),
        ));
        None
    }
}

/// A probability strictly between 0 and 1.
fn probability(v: &Option<Sp<f64>>, key: &str, errors: &mut Vec<DeError>) -> Option<f64> {
    let x = finite(v, key, errors)?;
    if x > 0.0 && x < 1.0 {
        Some(x)
    } else {
        errors.push(DeError::at(
            v.as_ref().map(|s| s.loc).unwrap_or_default(),
            format!("`{key}` must be between 0 and 1 (exclusive), got {x}"),
        ));
        None
    }
}

fn non_negative(v: &Option<Sp<f64>>, key: &str, errors: &mut Vec<DeError>) -> Option<f64> {
    let x = finite(v, key, errors)?;
    if x >= 0.0 {
        Some(x)
    } else {
        errors.push(DeError::at(
            v.as_ref().map(|s| s.loc).unwrap_or_default(),
            format!("`{key}` must be zero or more, got {x}"),
        ));
        None
    }
}

fn selector(metric: &Sp<String>, errors: &mut Vec<DeError>) -> Option<Selector> {
    match Selector::parse(metric.value.trim()) {
        Ok(s) => Some(s),
        Err(msg) => {
            errors.push(DeError::at(metric.loc, msg));
            None
        }
    }
}

fn threshold(t: &Sp<RawThreshold>, errors: &mut Vec<DeError>) -> Option<Threshold> {
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
    Some(Threshold {
        selector: sel?,
        min,
        max,
        confidence,
        abs: raw.abs.unwrap_or(false),
    })
}

fn regression(r: &Sp<RawRegression>, errors: &mut Vec<DeError>) -> Option<Regression> {
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
    })
}

fn coverage(c: &Sp<RawCoverage>, errors: &mut Vec<DeError>) -> Option<Coverage> {
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

/// A dotted path into a record (`doc.gender`, `filtered_resps.0`).
fn record_path(p: &Sp<String>, key: &str, errors: &mut Vec<DeError>) -> Option<String> {
    let text = p.value.trim();
    if text.is_empty() || text.split('.').any(str::is_empty) {
        errors.push(DeError::at(
            p.loc,
            format!("`{key}` must be a dotted path into a record, like `doc.gender`; got `{text}`"),
        ));
        return None;
    }
    Some(text.to_owned())
}

fn fairness(f: &Sp<RawFairness>, base: &Path, errors: &mut Vec<DeError>) -> Option<Fairness> {
    let raw = &f.value;
    let mut ok = true;
    let records = match raw.records.value.trim() {
        "current" => RecordsSource::Role(Role::Current),
        "baseline" => RecordsSource::Role(Role::Baseline),
        "" => {
            errors.push(DeError::at(
                raw.records.loc,
                "`records` is `current`, `baseline`, or a path to JSON Lines records",
            ));
            ok = false;
            RecordsSource::Role(Role::Current)
        }
        path => RecordsSource::Files(confine(base, path, raw.records.loc, errors)),
    };
    let group = record_path(&raw.group, "group", errors);
    let score = raw
        .score
        .as_ref()
        .and_then(|s| record_path(s, "score", errors));
    let prediction = raw
        .prediction
        .as_ref()
        .and_then(|s| record_path(s, "prediction", errors));
    let label = raw
        .label
        .as_ref()
        .and_then(|s| record_path(s, "label", errors));
    let mode = match (&raw.score, &raw.prediction, &raw.label) {
        (Some(_), Some(p), _) => {
            errors.push(DeError::at(
                p.loc,
                "a fairness check compares either a `score` or a `prediction`, not both",
            ));
            None
        }
        (_, None, Some(l)) => {
            errors.push(DeError::at(
                l.loc,
                "`label` needs a `prediction` to compare with",
            ));
            None
        }
        (Some(_), None, None) => score.map(FairnessMode::Score),
        (None, Some(_), _) => {
            prediction.map(|prediction| FairnessMode::Selection { prediction, label })
        }
        (None, None, None) => {
            errors.push(DeError::at(
                f.loc,
                "a fairness check needs a `score` (mean per group) or a `prediction` (selection rate per group)",
            ));
            None
        }
    };
    let max_difference = non_negative(&raw.max_difference, "max_difference", errors);
    let max_eo = non_negative(
        &raw.max_equalized_odds_difference,
        "max_equalized_odds_difference",
        errors,
    );
    let min_ratio = match finite(&raw.min_ratio, "min_ratio", errors) {
        Some(r) if r > 0.0 && r <= 1.0 => Some(r),
        Some(r) => {
            errors.push(DeError::at(
                raw.min_ratio.as_ref().map(|m| m.loc).unwrap_or(f.loc),
                format!("`min_ratio` must be in (0, 1] (0.8 is the four-fifths rule), got {r}"),
            ));
            ok = false;
            None
        }
        None => None,
    };
    if raw.max_difference.is_none()
        && raw.min_ratio.is_none()
        && raw.max_equalized_odds_difference.is_none()
    {
        errors.push(DeError::at(
            f.loc,
            "a fairness check needs `max_difference`, `min_ratio` or `max_equalized_odds_difference`",
        ));
        ok = false;
    }
    if let Some(e) = &raw.max_equalized_odds_difference
        && raw.label.is_none()
    {
        errors.push(DeError::at(
            e.loc,
            "`max_equalized_odds_difference` needs `prediction` and `label` (true and false positive rates)",
        ));
        ok = false;
    }
    let min_group_size = match &raw.min_group_size {
        Some(n) if n.value < 1 => {
            errors.push(DeError::at(n.loc, "`min_group_size` must be at least 1"));
            ok = false;
            1
        }
        Some(n) => n.value,
        None => 30,
    };
    let task = match &raw.task {
        Some(t) => match glob(t.value.trim()) {
            Ok(m) => Some((t.value.trim().to_owned(), m)),
            Err(msg) => {
                errors.push(DeError::at(t.loc, msg));
                ok = false;
                None
            }
        },
        None => None,
    };
    if (raw.max_difference.is_some() && max_difference.is_none())
        || (raw.max_equalized_odds_difference.is_some() && max_eo.is_none())
        || (raw.min_ratio.is_some() && min_ratio.is_none())
    {
        ok = false;
    }
    let (group, mode) = (group?, mode?);
    ok.then(|| Fairness {
        records,
        group,
        task,
        mode,
        positive: normalize_category(raw.positive.as_ref().map(|p| p.value.trim()).unwrap_or("1")),
        min_group_size,
        max_difference,
        min_ratio,
        max_equalized_odds_difference: max_eo,
    })
}

fn perturbation_gap(
    g: &Sp<RawPerturbationGap>,
    errors: &mut Vec<DeError>,
) -> Option<PerturbationGap> {
    let raw = &g.value;
    let sel = selector(&raw.metric, errors);
    let max_gap = non_negative(&Some(raw.max_gap.clone()), "max_gap", errors);
    let perturbation = raw.perturbation.value.trim().to_owned();
    if perturbation.is_empty() {
        errors.push(DeError::at(
            raw.perturbation.loc,
            "`perturbation` names `fairness`, `robustness` or one perturbation (`dialect`, `mild_mix`)",
        ));
        return None;
    }
    Some(PerturbationGap {
        selector: sel?,
        perturbation,
        max_gap: max_gap?,
    })
}

fn documentation(
    d: &Sp<RawDocumentation>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Documentation> {
    let raw = &d.value;
    let mut ok = true;
    let file = raw.file.value.trim();
    if file.is_empty() {
        errors.push(DeError::at(
            raw.file.loc,
            "`file` must name the model card or document",
        ));
        ok = false;
    }
    let texts = |list: &Option<Vec<Sp<String>>>, key: &str, errors: &mut Vec<DeError>| {
        let mut out = Vec::new();
        for item in list.iter().flatten() {
            let t = item.value.trim();
            if t.is_empty() {
                errors.push(DeError::at(item.loc, format!("an empty entry in `{key}`")));
            } else {
                out.push(t.to_owned());
            }
        }
        out
    };
    let sections = texts(&raw.sections, "sections", errors);
    let fields = texts(&raw.fields, "fields", errors);
    let claims_match = match &raw.claims_match {
        Some(c) => {
            let tolerance = non_negative(&Some(c.value.tolerance.clone()), "tolerance", errors);
            let mut map = std::collections::BTreeMap::new();
            for (claim, sel) in c.value.map.iter().flatten() {
                match selector(sel, errors) {
                    Some(s) => {
                        map.insert(claim.clone(), s);
                    }
                    None => ok = false,
                }
            }
            match tolerance {
                Some(tolerance) => Some(ClaimsMatch { tolerance, map }),
                None => {
                    ok = false;
                    None
                }
            }
        }
        None => None,
    };
    let file = confine(base, file, raw.file.loc, errors);
    ok.then_some(Documentation {
        file,
        sections,
        fields,
        claims_match,
    })
}

/// A time in a window: RFC 3339 (or a bare date), or UNIX seconds.
fn time(v: &Sp<String>, key: &str, errors: &mut Vec<DeError>) -> Option<f64> {
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

fn window(
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

fn drift(d: &Sp<RawDrift>, errors: &mut Vec<DeError>) -> Option<Drift> {
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
    ok.then(|| Drift {
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

fn trend(t: &Sp<RawTrend>, base: &Path, errors: &mut Vec<DeError>) -> Option<Trend> {
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
    let sel = sel?;
    ok.then(|| Trend {
        selector: sel,
        history,
        max_drop_from_best: max_drop,
        band,
        higher_is_better: raw.higher_is_better,
    })
}

fn provenance(p: &Sp<RawProvenance>, errors: &mut Vec<DeError>) -> Option<Provenance> {
    let raw = &p.value;
    let mut ok = true;
    let mut require = Vec::new();
    for item in raw.require.iter().flatten() {
        let t = item.value.trim();
        match ProvenanceItem::parse(t) {
            Some(i) if require.contains(&i) => {
                errors.push(DeError::at(item.loc, format!("`{t}` is listed twice")));
                ok = false;
            }
            Some(i) => require.push(i),
            None => {
                let names: Vec<&str> = ProvenanceItem::ALL.iter().map(|i| i.name()).collect();
                let hint = did_you_mean(t, &names)
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                errors.push(DeError::at(
                    item.loc,
                    format!(
                        "unknown provenance item `{t}`; {hint}the items are {}",
                        names.join(", ")
                    ),
                ));
                ok = false;
            }
        }
    }
    let forbid_limit = raw.forbid_limit.unwrap_or(false);
    if require.is_empty() && !forbid_limit && ok {
        errors.push(DeError::at(
            p.loc,
            "a provenance check needs `require` items, `forbid_limit: true`, or both",
        ));
        ok = false;
    }
    ok.then_some(Provenance {
        require,
        forbid_limit,
    })
}

fn manifest(m: &Sp<RawManifest>, base: &Path, errors: &mut Vec<DeError>) -> Option<Manifest> {
    let raw = &m.value;
    let file = raw.file.value.trim();
    if file.is_empty() {
        errors.push(DeError::at(raw.file.loc, "`file` must name the manifest"));
        return None;
    }
    let root = match &raw.root {
        Some(r) if r.value.trim().is_empty() => {
            errors.push(DeError::at(r.loc, "`root` must name a directory"));
            return None;
        }
        Some(r) => confine(base, r.value.trim(), r.loc, errors),
        None if base.as_os_str().is_empty() => PathBuf::from("."),
        None => base.to_path_buf(),
    };
    Some(Manifest {
        file: confine(base, file, raw.file.loc, errors),
        root,
    })
}

fn repeatability(r: &Sp<RawRepeatability>, errors: &mut Vec<DeError>) -> Option<Repeatability> {
    let raw = &r.value;
    let sel = selector(&raw.metric, errors);
    let t = raw.tolerance.value.trim();
    let tolerance = if t == "stderr" {
        Some(Tolerance::Stderr)
    } else {
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(Tolerance::Absolute(x)),
            _ => {
                errors.push(DeError::at(
                    raw.tolerance.loc,
                    format!("`tolerance` is a number (0 or more) or `stderr`, got `{t}`"),
                ));
                None
            }
        }
    };
    Some(Repeatability {
        selector: sel?,
        tolerance: tolerance?,
    })
}

/// `min_runs`-like counts: at least `least`, `default` when absent.
fn count_at_least(
    v: &Option<Sp<u64>>,
    key: &str,
    least: u64,
    default: u64,
    errors: &mut Vec<DeError>,
) -> Option<u64> {
    match v {
        None => Some(default),
        Some(n) if n.value < least => {
            errors.push(DeError::at(
                n.loc,
                format!("`{key}` must be at least {least}, got {}", n.value),
            ));
            None
        }
        Some(n) => Some(n.value),
    }
}

/// A number in `[lo, hi]`.
fn within(v: &Sp<f64>, key: &str, lo: f64, hi: f64, errors: &mut Vec<DeError>) -> Option<f64> {
    let x = finite(&Some(v.clone()), key, errors)?;
    if (lo..=hi).contains(&x) {
        Some(x)
    } else {
        errors.push(DeError::at(
            v.loc,
            format!("`{key}` must be between {lo} and {hi}, got {x}"),
        ));
        None
    }
}

/// A probability, `default` when absent; `Err` when given and invalid.
fn probability_or(
    v: &Option<Sp<f64>>,
    key: &str,
    default: f64,
    errors: &mut Vec<DeError>,
) -> Option<f64> {
    match v {
        None => Some(default),
        Some(_) => probability(v, key, errors),
    }
}

fn trials(t: &Sp<RawTrials>, errors: &mut Vec<DeError>) -> Option<Trials> {
    let raw = &t.value;
    let sel = selector(&raw.metric, errors);
    let min_runs = count_at_least(&raw.min_runs, "min_runs", 2, 3, errors);
    let max_sd = non_negative(&raw.max_sd, "max_sd", errors);
    if raw.max_sd.is_some() && max_sd.is_none() {
        return None;
    }
    Some(Trials {
        selector: sel?,
        min_runs: min_runs?,
        max_sd,
    })
}

fn power(p: &Sp<RawPower>, errors: &mut Vec<DeError>) -> Option<Power> {
    let raw = &p.value;
    let sel = selector(&raw.metric, errors);
    let detect = match finite(&Some(raw.detect.clone()), "detect", errors) {
        Some(d) if d > 0.0 => Some(d),
        Some(d) => {
            errors.push(DeError::at(
                raw.detect.loc,
                format!(
                    "`detect` is the smallest difference to detect and must be above 0, got {d}"
                ),
            ));
            None
        }
        None => None,
    };
    let alpha = probability_or(&raw.alpha, "alpha", 0.05, errors);
    let pw = probability_or(
        &raw.power,
        "power",
        crate::stats::power::DEFAULT_POWER,
        errors,
    );
    let correlation = match &raw.correlation {
        None => Some(None),
        Some(c) => match finite(&raw.correlation, "correlation", errors) {
            Some(x) if x > -1.0 && x < 1.0 => Some(Some(x)),
            Some(x) => {
                errors.push(DeError::at(
                    c.loc,
                    format!("`correlation` must be between -1 and 1 (exclusive), got {x}"),
                ));
                None
            }
            None => None,
        },
    };
    Some(Power {
        selector: sel?,
        detect: detect?,
        alpha: alpha?,
        power: pw?,
        correlation: correlation?,
    })
}

fn sweep(s: &Sp<RawSweep>, errors: &mut Vec<DeError>) -> Option<Sweep> {
    let raw = &s.value;
    let sel = selector(&raw.metric, errors);
    let mut ok = true;
    if raw.over.value.is_empty() {
        errors.push(DeError::at(
            raw.over.loc,
            "`over` needs at least one parameter (`gen_kwargs.temperature`, `num_fewshot`)",
        ));
        ok = false;
    }
    let mut over: Vec<(String, SweepParam)> = Vec::new();
    for p in &raw.over.value {
        let t = p.value.trim();
        match SweepParam::parse(t) {
            Some(param) if over.iter().any(|(_, q)| *q == param) => {
                errors.push(DeError::at(p.loc, format!("`{t}` is listed twice")));
                ok = false;
            }
            Some(param) => over.push((t.to_owned(), param)),
            None => {
                errors.push(DeError::at(
                    p.loc,
                    format!(
                        "unknown sweep parameter `{t}`; a parameter is `num_fewshot`, `limit`, \
                         `gen_kwargs.<key>` (lm-eval gen_kwargs, HELM adapter_spec), \
                         `model_args.<key>` or `seeds.<key>`"
                    ),
                ));
                ok = false;
            }
        }
    }
    let min_configs = count_at_least(&raw.min_configs, "min_configs", 2, 3, errors);
    let alpha = probability_or(&raw.alpha, "alpha", 0.05, errors);
    let (sel, min_configs, alpha) = (sel?, min_configs?, alpha?);
    ok.then(|| Sweep {
        selector: sel,
        over,
        min_configs,
        alpha,
        require_significant: raw.require_significant.unwrap_or(false),
        higher_is_better: raw.higher_is_better,
    })
}

/// `production` / `reference` / `requests`, or a path or glob relative to the rubric.
fn row_source(
    v: Option<&Sp<String>>,
    key: &str,
    default: RowSource,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<RowSource> {
    let Some(v) = v else {
        return Some(default);
    };
    Some(match v.value.trim() {
        "production" => RowSource::Production,
        "reference" => RowSource::Reference,
        "requests" => RowSource::Requests,
        "" => {
            errors.push(DeError::at(
                v.loc,
                format!("`{key}` is `production`, `reference`, `requests`, or a path to records"),
            ));
            return None;
        }
        path => RowSource::Files(confine(base, path, v.loc, errors)),
    })
}

fn guardrails(
    list: &Option<Vec<Sp<RawGuardrail>>>,
    outcome: &str,
    errors: &mut Vec<DeError>,
) -> Option<Vec<Guardrail>> {
    let mut out: Vec<Guardrail> = Vec::new();
    let mut ok = true;
    for g in list.iter().flatten() {
        let (field, hib, margin) = match &g.value {
            RawGuardrail::Field(f) => (f.trim().to_owned(), false, 0.0),
            RawGuardrail::Spec(s) => (
                s.field.trim().to_owned(),
                s.higher_is_better.unwrap_or(false),
                s.max_degradation.unwrap_or(0.0),
            ),
        };
        if field.is_empty() || field.split('.').any(str::is_empty) {
            errors.push(DeError::at(
                g.loc,
                format!("a guardrail is a dotted field path like `latency_ms`; got `{field}`"),
            ));
            ok = false;
        } else if field == outcome {
            errors.push(DeError::at(
                g.loc,
                format!("`{field}` is the outcome; a guardrail watches another field"),
            ));
            ok = false;
        } else if out.iter().any(|x| x.field == field) {
            errors.push(DeError::at(
                g.loc,
                format!("guardrail `{field}` is listed twice"),
            ));
            ok = false;
        } else if !(margin.is_finite() && margin >= 0.0) {
            errors.push(DeError::at(
                g.loc,
                format!("`max_degradation` of `{field}` must be zero or more, got {margin}"),
            ));
            ok = false;
        } else {
            out.push(Guardrail {
                field,
                higher_is_better: hib,
                max_degradation: margin,
            });
        }
    }
    ok.then_some(out)
}

fn ab_test(a: &Sp<RawAbTest>, base: &Path, errors: &mut Vec<DeError>) -> Option<AbTest> {
    let raw = &a.value;
    let mut ok = true;
    let records = row_source(
        raw.records.as_ref(),
        "records",
        RowSource::Production,
        base,
        errors,
    );
    let variant = record_path(&raw.variant, "variant", errors);
    let outcome = record_path(&raw.outcome, "outcome", errors);
    let control = normalize_category(raw.control.value.trim());
    let treatment = normalize_category(raw.treatment.value.trim());
    for (v, key) in [(&raw.control, "control"), (&raw.treatment, "treatment")] {
        if v.value.trim().is_empty() {
            errors.push(DeError::at(
                v.loc,
                format!("`{key}` names an arm (a value of `variant`)"),
            ));
            ok = false;
        }
    }
    if ok && control == treatment {
        errors.push(DeError::at(
            raw.treatment.loc,
            format!("`control` and `treatment` are both `{control}`"),
        ));
        ok = false;
    }
    let min_lift = finite(&raw.min_lift, "min_lift", errors);
    if raw.min_lift.is_some() && min_lift.is_none() {
        ok = false;
    }
    let alpha = probability_or(&raw.alpha, "alpha", 0.05, errors);
    let min_samples = count_at_least(&raw.min_samples, "min_samples", 2, 100, errors);
    let expected_split = match &raw.expected_split {
        None => None,
        Some(split) => {
            let mut arms: Vec<(String, f64)> = Vec::new();
            for (arm, share) in &split.value {
                match finite(&Some(share.clone()), "expected_split", errors) {
                    Some(x) if x > 0.0 => arms.push((normalize_category(arm.trim()), x)),
                    Some(x) => {
                        errors.push(DeError::at(
                            share.loc,
                            format!("the expected share of `{arm}` must be above 0, got {x}"),
                        ));
                        ok = false;
                    }
                    None => ok = false,
                }
            }
            for (arm, key) in [(&control, "control"), (&treatment, "treatment")] {
                if !split
                    .value
                    .keys()
                    .any(|k| normalize_category(k.trim()) == *arm)
                {
                    errors.push(DeError::at(
                        split.loc,
                        format!("`expected_split` has no share for the {key} arm `{arm}`"),
                    ));
                    ok = false;
                }
            }
            Some(arms)
        }
    };
    let outcome = outcome?;
    let guardrails = guardrails(&raw.guardrails, &outcome, errors);
    let (records, variant, alpha, min_samples, guardrails) =
        (records?, variant?, alpha?, min_samples?, guardrails?);
    ok.then(|| AbTest {
        records,
        variant,
        control,
        treatment,
        outcome,
        higher_is_better: raw.higher_is_better.unwrap_or(true),
        min_lift: min_lift.unwrap_or(0.0),
        alpha,
        min_samples,
        expected_split,
        guardrails,
    })
}

fn agreement(a: &Sp<RawAgreement>, base: &Path, errors: &mut Vec<DeError>) -> Option<Agreement> {
    let raw = &a.value;
    let online = &raw.online.value;
    let offline = selector(&raw.offline, errors);
    let records = row_source(
        online.records.as_ref(),
        "records",
        RowSource::Production,
        base,
        errors,
    );
    let model = record_path(&online.model, "model", errors);
    let outcome = record_path(&online.outcome, "outcome", errors);
    let min_spearman = within(&raw.min_spearman, "min_spearman", -1.0, 1.0, errors);
    let min_models = count_at_least(&raw.min_models, "min_models", 3, 3, errors);
    let kappa = match &raw.kappa {
        None => Some(None),
        Some(k) => {
            let item = record_path(&k.value.item, "item", errors);
            let min = within(&k.value.min, "min", -1.0, 1.0, errors);
            match (item, min) {
                (Some(i), Some(m)) => Some(Some((i, m))),
                _ => None,
            }
        }
    };
    Some(Agreement {
        offline: offline?,
        records: records?,
        model: model?,
        outcome: outcome?,
        higher_is_better: online.higher_is_better.unwrap_or(true),
        min_spearman: min_spearman?,
        min_models: min_models?,
        kappa: kappa?,
    })
}

fn feedback(f: &Sp<RawFeedback>, base: &Path, errors: &mut Vec<DeError>) -> Option<Feedback> {
    let raw = &f.value;
    let mut ok = true;
    let records = row_source(
        raw.records.as_ref(),
        "records",
        RowSource::Production,
        base,
        errors,
    );
    let timestamp = record_path(&raw.timestamp, "timestamp", errors);
    let field = match &raw.field {
        None => Some(None),
        Some(x) => record_path(x, "field", errors).map(Some),
    };
    let max_age = match &raw.max_age {
        None => Some(None),
        Some(m) => match production::parse_duration(&m.value) {
            Some(secs) => Some(Some(secs)),
            None => {
                errors.push(DeError::at(
                    m.loc,
                    format!("`max_age` must be a duration like `7d`, `36h`, `30m`, `90s` or `2w`; got `{}`", m.value.trim()),
                ));
                None
            }
        },
    };
    let min_events = match &raw.min_events {
        None => Some(None),
        Some(_) => count_at_least(&raw.min_events, "min_events", 1, 1, errors).map(Some),
    };
    let coverage = match &raw.coverage {
        None => Some(None),
        Some(c) => {
            let of = row_source(c.value.of.as_ref(), "of", RowSource::Requests, base, errors);
            let min = match finite(&Some(c.value.min.clone()), "min", errors) {
                Some(x) if x > 0.0 && x <= 1.0 => Some(x),
                Some(x) => {
                    errors.push(DeError::at(
                        c.value.min.loc,
                        format!("`min` is a share of the traffic in (0, 1], got {x}"),
                    ));
                    None
                }
                None => None,
            };
            let ts = match &c.value.timestamp {
                Some(t) => record_path(t, "timestamp", errors),
                None => timestamp.clone(),
            };
            if let (Some(of), Some(records), Some(None)) = (&of, &records, &field)
                && of == records
            {
                errors.push(DeError::at(
                    c.loc,
                    "coverage of the feedback records themselves needs `field`: the field a \
                     record with feedback carries (else every record counts and coverage is 1)",
                ));
                ok = false;
            }
            match (of, min, ts) {
                (Some(of), Some(min), Some(timestamp)) => {
                    Some(Some(FeedbackCoverage { of, min, timestamp }))
                }
                _ => None,
            }
        }
    };
    if raw.max_age.is_none() && raw.min_events.is_none() && raw.coverage.is_none() {
        errors.push(DeError::at(
            f.loc,
            "a feedback check needs `max_age`, `min_events`, `coverage`, or several",
        ));
        ok = false;
    }
    let (records, timestamp, field, max_age, min_events, coverage) = (
        records?,
        timestamp?,
        field?,
        max_age?,
        min_events?,
        coverage?,
    );
    ok.then_some(Feedback {
        records,
        timestamp,
        field,
        max_age,
        min_events,
        coverage,
    })
}

fn check_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
}

/// Registers a check id; false (with an error) when malformed or already used.
fn register_id(id: &Sp<String>, ids: &mut HashMap<String, Loc>, errors: &mut Vec<DeError>) -> bool {
    let text = id.value.trim();
    if !check_id_ok(text) {
        errors.push(DeError::at(
            id.loc,
            format!(
                "check id `{text}` must be non-empty and use letters, digits and - _ . : / only"
            ),
        ));
        false
    } else if let Some(first) = ids.get(text) {
        errors.push(DeError::at(
            id.loc,
            format!(
                "duplicate check id `{text}` (first defined at line {})",
                first.line
            ),
        ));
        false
    } else {
        ids.insert(text.to_owned(), id.loc);
        true
    }
}

fn check(
    raw: &RawCheck,
    loc: Loc,
    process: Option<ProcessId>,
    id_ok: bool,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Check> {
    let id = raw.id.value.trim().to_owned();
    let mut ok = id_ok;
    if !(1..=3).contains(&raw.level.value) {
        errors.push(DeError::at(
            raw.level.loc,
            format!("level must be 1, 2 or 3, got {}", raw.level.value),
        ));
        ok = false;
    }

    let present: Vec<(&str, Loc)> = [
        raw.threshold.as_ref().map(|t| ("threshold", t.loc)),
        raw.regression.as_ref().map(|t| ("regression", t.loc)),
        raw.coverage.as_ref().map(|t| ("coverage", t.loc)),
        raw.fairness.as_ref().map(|t| ("fairness", t.loc)),
        raw.perturbation_gap
            .as_ref()
            .map(|t| ("perturbation_gap", t.loc)),
        raw.documentation.as_ref().map(|t| ("documentation", t.loc)),
        raw.drift.as_ref().map(|t| ("drift", t.loc)),
        raw.trend.as_ref().map(|t| ("trend", t.loc)),
        raw.provenance.as_ref().map(|t| ("provenance", t.loc)),
        raw.manifest.as_ref().map(|t| ("manifest", t.loc)),
        raw.repeatability.as_ref().map(|t| ("repeatability", t.loc)),
        raw.trials.as_ref().map(|t| ("trials", t.loc)),
        raw.power.as_ref().map(|t| ("power", t.loc)),
        raw.sweep.as_ref().map(|t| ("sweep", t.loc)),
        raw.ab_test.as_ref().map(|t| ("ab_test", t.loc)),
        raw.agreement.as_ref().map(|t| ("agreement", t.loc)),
        raw.feedback.as_ref().map(|t| ("feedback", t.loc)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let kinds = [
        raw.threshold
            .as_ref()
            .map(|t| threshold(t, errors).map(CheckKind::Threshold)),
        raw.regression
            .as_ref()
            .map(|r| regression(r, errors).map(CheckKind::Regression)),
        raw.coverage
            .as_ref()
            .map(|c| coverage(c, errors).map(CheckKind::Coverage)),
        raw.fairness
            .as_ref()
            .map(|f| fairness(f, base, errors).map(CheckKind::Fairness)),
        raw.perturbation_gap
            .as_ref()
            .map(|g| perturbation_gap(g, errors).map(CheckKind::PerturbationGap)),
        raw.documentation
            .as_ref()
            .map(|d| documentation(d, base, errors).map(CheckKind::Documentation)),
        raw.drift
            .as_ref()
            .map(|d| drift(d, errors).map(CheckKind::Drift)),
        raw.trend
            .as_ref()
            .map(|t| trend(t, base, errors).map(CheckKind::Trend)),
        raw.provenance
            .as_ref()
            .map(|p| provenance(p, errors).map(CheckKind::Provenance)),
        raw.manifest
            .as_ref()
            .map(|m| manifest(m, base, errors).map(CheckKind::Manifest)),
        raw.repeatability
            .as_ref()
            .map(|r| repeatability(r, errors).map(CheckKind::Repeatability)),
        raw.trials
            .as_ref()
            .map(|t| trials(t, errors).map(CheckKind::Trials)),
        raw.power
            .as_ref()
            .map(|p| power(p, errors).map(CheckKind::Power)),
        raw.sweep
            .as_ref()
            .map(|s| sweep(s, errors).map(CheckKind::Sweep)),
        raw.ab_test
            .as_ref()
            .map(|a| ab_test(a, base, errors).map(CheckKind::AbTest)),
        raw.agreement
            .as_ref()
            .map(|a| agreement(a, base, errors).map(CheckKind::Agreement)),
        raw.feedback
            .as_ref()
            .map(|f| feedback(f, base, errors).map(CheckKind::Feedback)),
    ];
    let kind = match present.len() {
        0 => {
            let list: Vec<String> = KIND_KEYS.iter().map(|k| format!("`{k}`")).collect();
            errors.push(DeError::at(
                loc,
                format!(
                    "check `{id}` has no check kind; add one of {}",
                    list.join(", ")
                ),
            ));
            None
        }
        1 => kinds.into_iter().flatten().next().flatten(),
        _ => {
            errors.push(DeError::at(
                present[1].1,
                format!(
                    "check `{id}` has more than one check kind (`{}` and `{}`); a check has \
                     exactly one, so split it into two checks",
                    present[0].0, present[1].0
                ),
            ));
            None
        }
    };
    let (kind, process) = (kind?, process?);
    ok.then(|| Check {
        id,
        process,
        level: raw.level.value,
        advisory: raw.advisory.as_ref().is_some_and(|a| a.value),
        rationale: raw.rationale.clone(),
        kind,
        line: loc.line,
    })
}

thread_local! {
    /// Whether rubric paths may lead outside the rubric's directory (`--allow-outside-root`),
    /// for rubrics read on this thread: the command line sets it once on the main thread.
    static ALLOW_OUTSIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Lets rubric paths read on this thread lead outside the rubric's directory
/// (`--allow-outside-root`); returns the previous setting.
pub fn set_allow_outside_root(allow: bool) -> bool {
    ALLOW_OUTSIDE.with(|a| a.replace(allow))
}

/// A path the rubric names, resolved against the rubric's directory `base` and kept inside
/// it: an absolute path, one that climbs out with `..`, or one that leads through a
/// symbolic link outside is an error at its location, unless `--allow-outside-root`.
pub(super) fn confine(base: &Path, text: &str, loc: Loc, errors: &mut Vec<DeError>) -> PathBuf {
    let p = Path::new(text);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    if ALLOW_OUTSIDE.with(std::cell::Cell::get) {
        return joined;
    }
    let refuse = |why: &str| {
        DeError::at(
            loc,
            format!(
                "`{text}` {why}; a rubric names files inside its own directory \
                 (--allow-outside-root lifts this)"
            ),
        )
    };
    if p.is_absolute() || text.starts_with('/') || text.starts_with('\\') {
        errors.push(refuse("is an absolute path"));
        return joined;
    }
    let mut depth: i64 = 0;
    for c in p.components() {
        match c {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    errors.push(refuse("climbs out of the rubric's directory with `..`"));
                    return joined;
                }
            }
            std::path::Component::RootDir | std::path::Component::Prefix(_) => {
                errors.push(refuse("is an absolute path"));
                return joined;
            }
        }
    }
    // the nearest existing ancestor must stay inside (a symlink may point anywhere)
    let dir = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    if let Ok(root) = std::fs::canonicalize(dir) {
        let mut probe = joined.as_path();
        loop {
            if probe.symlink_metadata().is_ok() {
                if let Ok(real) = std::fs::canonicalize(probe)
                    && !real.starts_with(&root)
                {
                    errors.push(refuse(
                        "leads through a symbolic link outside the rubric's directory",
                    ));
                }
                break;
            }
            match probe.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => probe = parent,
                _ => break,
            }
        }
    }
    joined
}

fn resolve(
    paths: &Option<Vec<Sp<String>>>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths.iter().flatten() {
        let s = p.value.trim();
        if s.is_empty() {
            errors.push(DeError::at(p.loc, "an input path must not be empty"));
            continue;
        }
        out.push(confine(base, s, p.loc, errors));
    }
    out
}

pub(super) fn validate(
    raw: RawRubric,
    origin: Origin,
    base_dir: &Path,
    errors: &mut Vec<DeError>,
) -> Rubric {
    if let Some(v) = &raw.version
        && v.value != 1
    {
        errors.push(DeError::at(
            v.loc,
            format!(
                "unsupported rubric version {} (this govgate reads version 1)",
                v.value
            ),
        ));
    }
    let name = match &raw.name {
        Some(n) if n.value.trim().is_empty() => {
            errors.push(DeError::at(n.loc, "`name` must not be empty"));
            String::new()
        }
        Some(n) => n.value.trim().to_owned(),
        None => String::new(),
    };

    let mut require = [None; 6];
    for (key, level) in &raw.require {
        let pid = process_id(&key.name, key.loc, errors);
        if let Some(level) = level {
            if level.value > 3 {
                errors.push(DeError::at(
                    level.loc,
                    format!("a required level must be 0, 1, 2 or 3, got {}", level.value),
                ));
            } else if let Some(pid) = pid {
                require[pid.index()] = (level.value > 0).then_some(level.value);
            }
        }
    }

    let mut ids = HashMap::new();
    let mut checks = Vec::new();
    for proc in &raw.processes {
        let pid = process_id(&proc.key.name, proc.key.loc, errors);
        for slot in &proc.checks {
            let id_ok = slot
                .id
                .as_ref()
                .is_some_and(|id| register_id(id, &mut ids, errors));
            if let Some(c) = &slot.check
                && let Some(c) = check(c, slot.loc, pid, id_ok, base_dir, errors)
            {
                checks.push(c);
            }
        }
    }

    let inputs = match &raw.inputs {
        Some(i) => Inputs {
            current: resolve(&i.current, base_dir, errors),
            baseline: resolve(&i.baseline, base_dir, errors),
            reference: resolve(&i.reference, base_dir, errors),
            production: resolve(&i.production, base_dir, errors),
            requests: resolve(&i.requests, base_dir, errors),
            history: resolve(&i.history, base_dir, errors),
        },
        None => Inputs::default(),
    };

    Rubric {
        name,
        description: raw.description,
        origin,
        sha256: String::new(),
        require,
        inputs,
        checks,
    }
}

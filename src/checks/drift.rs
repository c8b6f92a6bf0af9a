//! `drift`: has what the model sees moved since it was validated?
//!
//! ## What it checks
//! Each field of the production window is compared with the same field of the reference
//! window by one of Evidently's drift methods, with Evidently's definitions, default
//! thresholds and comparison operators (`stats::drift`). With `method: auto` (the default)
//! the method is Evidently's choice: for a reference of at most 1000 values, `ks` on
//! numbers with more than 5 distinct values, else `chisquare` (more than 2 distinct) or `z`;
//! for more, `wasserstein` on numbers with more than 5 distinct values, else
//! `jensenshannon`. Without `drift_share` every drifted field fails the check; with it, the
//! check fails when the share of drifted fields is at least `drift_share` (Evidently's
//! dataset drift, 0.5 in its `DataDriftPreset`).
//!
//! **Many fields, one false-alarm rate.** Without `drift_share`, one drifted field fails
//! the check, so the per-field tests (the p-value methods: `ks`, `chisquare`, `z`, `tvd`)
//! are adjusted as one family before any field is called drifted — Holm by default, so the
//! chance that a check over 40 unchanged fields goes red stays at the method's threshold.
//! With `drift_share` the fields are judged one by one at the threshold, as Evidently does
//! (its share of drifted columns is the convention kept), unless `correction:` says
//! otherwise. Distances (`psi`, `wasserstein`, `jensenshannon`, …) are not tests and are
//! never adjusted.
//!
//! ## Why it matters
//! A model validated on one distribution and served another is no longer the model that
//! was validated (EU AI Act Annex IV 9, post-market monitoring; NIST AI RMF MEASURE 2.4).
//!
//! ## Configuration
//! ```yaml
//! - id: input-drift
//!   level: 2
//!   drift: { fields: [score, features.length, meta.lang], method: auto, drift_share: 0.5,
//!            timestamp: ts, window: { last: 7d } }
//! ```
//!
//! ## Failure
//! A drifted field fails (or, with `drift_share`, a share of drifted fields at least it).
//! No `--reference` or `--production` records, or a field without values on either side,
//! is `missing`. A method that does not apply to a field (KS on categories; a raw-values
//! method on a histogram) is an `error` naming both. Each finding states the operator:
//! `psi 0.23 >= 0.1: drift`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::{Detail, Finding, Status};
use crate::error::Result;
use crate::evidence::production::{self, FileRead, Kind, Pair, Request, Side, Unusable};
use crate::model::Evidence;
use crate::num::fmt;
use crate::rubric::Drift;
use crate::stats::drift::{self, Bins, Method, Operator};
use crate::stats::multiplicity::{self, Correction};

/// One field's comparison, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDrift {
    pub field: String,
    /// `numeric` or `categorical` (`kind` is the detail's own tag).
    pub field_type: Kind,
    pub method: &'static str,
    /// Chosen by `auto`.
    pub auto: bool,
    /// p-value or distance.
    #[serde(serialize_with = "crate::num::ser")]
    pub value: f64,
    /// The statistic behind a p-value (KS D, chi-square, TVD).
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub statistic: Option<f64>,
    pub threshold: f64,
    /// The comparison that means drift: `<=`, `<` or `>=`.
    pub drift_when: &'static str,
    pub drift: bool,
    /// For a p-value method judged as one of the check's family of field tests: the
    /// adjusted p-value (compared with the threshold instead of `value`), the family's
    /// size and its correction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<crate::stats::multiplicity::Adjusted>,
    pub reference_n: u64,
    pub production_n: u64,
    pub reference_missing: u64,
    pub production_missing: u64,
    /// The two histograms on shared bins (Sturges edges or distinct values).
    pub histogram: Histogram,
    /// With a time window: the newest timestamp among the production window's records
    /// (UNIX seconds) — the time a scheduled run without `--now` measured to, which the
    /// OpenMetrics report gives as the evaluation's time.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub production_newest: Option<f64>,
}

/// Both sides' counts on the same bins.
#[derive(Debug, Clone, Serialize)]
pub struct Histogram {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edges: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    pub reference: Vec<u64>,
    pub production: Vec<u64>,
}

/// The dataset-level numbers behind a `drift_share` verdict.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetDrift {
    pub fields: usize,
    pub drifted: usize,
    pub share: f64,
    pub drift_share: f64,
    /// Fields a pattern found but that could not be compared (text, identifiers).
    pub set_aside: Vec<String>,
}

fn request(d: &Drift, window: Option<production::Window>, now: Option<f64>) -> Request {
    Request {
        fields: d.fields.clone(),
        patterns: d.patterns.iter().map(|(_, g)| g.clone()).collect(),
        exclude: d.exclude.clone(),
        kinds: d.kinds.clone(),
        window,
        now,
    }
}

fn expected(d: &Drift) -> String {
    match d.drift_share {
        Some(s) => format!("share of drifted fields < {}", fmt(s)),
        None => "no drift".into(),
    }
}

fn missing(subject: &str, message: String, d: &Drift) -> Finding {
    Finding {
        subject: subject.into(),
        run: None,
        baseline: None,
        status: Status::Missing,
        message,
        observed: "absent".into(),
        expected: expected(d),
        detail: None,
    }
}

/// Reads both windows, the reference on a second thread.
fn read_both(d: &Drift, evidence: &Evidence) -> Result<(Side, Side)> {
    let ref_req = request(d, d.reference_window.clone(), evidence.now);
    let prod_req = request(d, d.window.clone(), evidence.now);
    std::thread::scope(|s| {
        let handle = s.spawn(|| production::read_side(&evidence.reference, &ref_req));
        let prod = production::read_side(&evidence.production, &prod_req);
        let reference = match handle.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        Ok((reference?, prod?))
    })
}

/// The files read and each window's counts, for the report.
pub struct Read {
    pub reference: Vec<FileRead>,
    pub production: Vec<FileRead>,
}

pub fn run(d: &Drift, evidence: &Evidence) -> Result<(Vec<Finding>, Read)> {
    let mut read = Read {
        reference: Vec::new(),
        production: Vec::new(),
    };
    for (role, files) in [
        ("reference", &evidence.reference),
        ("production", &evidence.production),
    ] {
        if files.is_empty() {
            return Ok((
                vec![missing(
                    role,
                    format!(
                        "no {role} records to compare (`--{role} PATH` or `inputs.{role}` in the rubric)"
                    ),
                    d,
                )],
                read,
            ));
        }
    }
    let (mut reference, mut prod) = read_both(d, evidence)?;
    read.reference = reference.files.clone();
    read.production = prod.files.clone();

    // fields: the ones named, then the ones the patterns found on either side
    let mut names: Vec<String> = d.fields.clone();
    let mut found: Vec<String> = reference
        .fields
        .keys()
        .chain(prod.fields.keys())
        .filter(|k| !d.fields.contains(k))
        .cloned()
        .collect();
    found.sort();
    found.dedup();
    names.extend(found);

    let window_note = window_note(&reference, &prod);
    let prod_newest = prod.newest;
    // each field's values taken out of the windows (held once), then the fields compared —
    // on two threads while they are small, each taking every other field one at a time —
    // and the outcomes put back in the fields' order
    let work: Vec<FieldWork<'_>> = names
        .iter()
        .map(|name| {
            (
                name,
                reference.fields.remove(name),
                prod.fields.remove(name),
            )
        })
        .collect();
    let judge = |(name, r, p): FieldWork<'_>| -> FieldOutcome {
        let named = d.fields.contains(name);
        let (ref_missing, prod_missing) = (
            r.as_ref().map_or(0, |f| f.missing),
            p.as_ref().map_or(0, |f| f.missing),
        );
        let pair = match production::pair(r, p, d.kinds.get(name).copied()) {
            Ok(pair) => pair,
            Err(Unusable::TooManyCategories) if !named => return FieldOutcome::SetAside,
            Err(e) => return FieldOutcome::Other(unusable(name, e, d, &window_note)),
        };
        // a pattern does not take text or identifiers (mostly distinct values)
        if !named && pair.kind == Kind::Categorical && looks_like_text(&pair.reference) {
            return FieldOutcome::SetAside;
        }
        match field_finding(d, name, &pair, (ref_missing, prod_missing), prod_newest) {
            Ok((f, drifted)) => FieldOutcome::Compared(f, drifted),
            Err(f) => FieldOutcome::Other(*f),
        }
    };
    let mut outcomes: Vec<Option<FieldOutcome>> = Vec::new();
    outcomes.resize_with(work.len(), || None);
    // two at once only while a field's expanded samples stay small (both windows together
    // at most PAIRED_VALUES values, 8 bytes each): past that, one at a time, so that the
    // memory a large window costs is one field's samples, not two
    let present = |f: &Option<production::Field>| f.as_ref().map_or(0, |f| f.present());
    let small = work
        .iter()
        .all(|(_, r, p)| present(r) + present(p) <= PAIRED_VALUES);
    if small {
        let (even, odd): (Vec<_>, Vec<_>) =
            work.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
        std::thread::scope(|s| {
            let other = s.spawn(|| {
                odd.into_iter()
                    .map(|(i, w)| (i, judge(w)))
                    .collect::<Vec<_>>()
            });
            for (i, w) in even {
                outcomes[i] = Some(judge(w));
            }
            // a panic on the other thread is a bug: passed on as one
            match other.join() {
                Ok(theirs) => {
                    for (i, o) in theirs {
                        outcomes[i] = Some(o);
                    }
                }
                Err(e) => std::panic::resume_unwind(e),
            }
        });
    } else {
        for (i, w) in work.into_iter().enumerate() {
            outcomes[i] = Some(judge(w));
        }
    }
    let mut findings = Vec::new();
    let mut compared: Vec<(usize, bool)> = Vec::new();
    let mut set_aside = Vec::new();
    for (name, outcome) in names.iter().zip(outcomes) {
        match outcome {
            Some(FieldOutcome::SetAside) => set_aside.push(name.clone()),
            Some(FieldOutcome::Other(f)) => findings.push(f),
            Some(FieldOutcome::Compared(f, drifted)) => {
                compared.push((findings.len(), drifted));
                findings.push(f);
            }
            None => {}
        }
    }
    adjust_fields(d, &mut findings, &mut compared);
    let compared: Vec<bool> = compared.into_iter().map(|(_, x)| x).collect();
    if names.is_empty() || (findings.is_empty() && compared.is_empty()) {
        findings.push(missing(
            "fields",
            format!(
                "no field matches {} in the records{window_note}",
                d.patterns
                    .iter()
                    .map(|(p, _)| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            d,
        ));
    }
    if d.drift_share.is_none() && !set_aside.is_empty() {
        findings.push(Finding {
            subject: "set aside".into(),
            run: None,
            baseline: None,
            status: Status::Pass,
            message: format!(
                "not compared, text or identifiers (mostly distinct values; name a field to \
                 compare it): {}",
                set_aside.join(", ")
            ),
            observed: format!("{} fields", set_aside.len()),
            expected: expected(d),
            detail: None,
        });
    }
    if let Some(share_limit) = d.drift_share {
        let drifted = compared.iter().filter(|x| **x).count();
        let total = compared.len();
        if total > 0 {
            let share = drifted as f64 / total as f64;
            let fails = share >= share_limit;
            let mut message = format!(
                "{drifted} of {total} fields drifted: share {} {} drift_share {}",
                fmt(share),
                if fails { ">=" } else { "<" },
                fmt(share_limit)
            );
            if !set_aside.is_empty() {
                message.push_str(&format!(
                    "; set aside as text or identifiers (mostly distinct values; name a field to \
                     compare it): {}",
                    set_aside.join(", ")
                ));
            }
            findings.insert(
                0,
                Finding {
                    subject: "dataset".into(),
                    run: None,
                    baseline: None,
                    status: if fails { Status::Fail } else { Status::Pass },
                    message,
                    observed: format!("{drifted}/{total} drifted"),
                    expected: expected(d),
                    detail: Some(Detail::DatasetDrift(DatasetDrift {
                        fields: total,
                        drifted,
                        share,
                        drift_share: share_limit,
                        set_aside,
                    })),
                },
            );
        }
    }
    Ok((findings, read))
}

/// The correction a drift check applies to its per-field p-values: the rubric's, else Holm
/// when each drifted field fails the check, none with `drift_share` (Evidently's share of
/// drifted columns judges each column at the threshold).
pub fn correction(d: &Drift) -> Correction {
    d.correction.unwrap_or(if d.drift_share.is_none() {
        Correction::Holm
    } else {
        Correction::None
    })
}

/// Adjusts the p-values of the fields compared by a p-value method as one family and judges
/// each field on its adjusted p-value (the method's operator and threshold unchanged).
fn adjust_fields(d: &Drift, findings: &mut [Finding], compared: &mut [(usize, bool)]) {
    let c = correction(d);
    let tested: Vec<usize> = compared
        .iter()
        .enumerate()
        .filter(|(_, (i, _))| matches!(&findings[*i].detail, Some(Detail::Drift(f)) if is_test(f)))
        .map(|(k, _)| k)
        .collect();
    if tested.len() < 2 || c == Correction::None {
        return;
    }
    let ps: Vec<f64> = tested
        .iter()
        .map(|&k| match &findings[compared[k].0].detail {
            Some(Detail::Drift(f)) => f.value,
            _ => f64::NAN,
        })
        .collect();
    // the thresholds are the methods' (0.05, or 0.1 for tvd): adjusted p-values do not
    // depend on them, decisions do
    let adjusted = multiplicity::family(&ps, 0.05, c);
    for (&k, adj) in tested.iter().zip(adjusted) {
        let i = compared[k].0;
        let f = &mut findings[i];
        let Some(Detail::Drift(detail)) = &mut f.detail else {
            continue;
        };
        let op = match detail.drift_when {
            "<=" => Operator::PAtMost,
            _ => Operator::PBelow,
        };
        let drifted = op.drifted(adj.p_adjusted, detail.threshold);
        let verdict = if drifted {
            format!(
                "{} over {} fields: p_adj {} {} {}: drift",
                c.label(),
                adj.family_size,
                crate::num::p(adj.p_adjusted),
                op.symbol(),
                fmt(detail.threshold)
            )
        } else {
            format!(
                "{} over {} fields: p_adj {} {} {}: no drift",
                c.label(),
                adj.family_size,
                crate::num::p(adj.p_adjusted),
                op.negated(),
                fmt(detail.threshold)
            )
        };
        // `name: <method> p … : drift|no drift` → the raw comparison, then the family's
        f.message = format!("{}; {verdict}", f.message);
        f.observed = format!("{}, p_adj {}", f.observed, crate::num::p(adj.p_adjusted));
        detail.drift = drifted;
        detail.family = Some(adj);
        compared[k].1 = drifted;
        f.status = if drifted && d.drift_share.is_none() {
            Status::Fail
        } else {
            Status::Pass
        };
    }
}

/// A field judged by a p-value (a test), not a distance.
fn is_test(f: &FieldDrift) -> bool {
    matches!(f.drift_when, "<=" | "<")
}

/// More than 50 distinct categories making up more than half of the values: free text or
/// an identifier, whose "drift" says nothing (a pattern leaves such fields out; naming one
/// compares it).
/// The most values (both windows) a field may hold for two fields to be compared at once:
/// 4,000,000 values, 32 MB expanded, so comparing two at once adds at most 32 MB.
const PAIRED_VALUES: u64 = 4_000_000;

/// A field to compare: its name and both windows' values.
type FieldWork<'a> = (
    &'a String,
    Option<production::Field>,
    Option<production::Field>,
);

/// What comparing one field came to.
enum FieldOutcome {
    /// Not compared: text or identifiers under a pattern.
    SetAside,
    /// Compared: its finding and whether it drifted.
    Compared(Finding, bool),
    /// Not comparable, or its comparison could not be made: a finding saying why.
    Other(Finding),
}

fn looks_like_text(s: &drift::Sample) -> bool {
    match s {
        drift::Sample::Counts { counts, .. } => {
            let n: u64 = counts.iter().sum();
            counts.len() > 50 && (counts.len() as u64) * 2 > n
        }
        _ => false,
    }
}

fn window_note(reference: &Side, prod: &Side) -> String {
    let mut parts = Vec::new();
    for (role, side) in [("reference", reference), ("production", prod)] {
        if let Some((from, to)) = side.bounds {
            let span = match (from, to) {
                (Some(f), Some(t)) => format!(
                    "{} to {}",
                    production::format_time(f),
                    production::format_time(t)
                ),
                (Some(f), None) => format!("from {}", production::format_time(f)),
                (None, Some(t)) => format!("before {}", production::format_time(t)),
                (None, None) => "no timestamps found".into(),
            };
            parts.push(format!(
                "{role} window {span}: {} of {} records{}",
                side.used,
                side.records,
                if side.no_timestamp > 0 {
                    format!(", {} without a readable timestamp", side.no_timestamp)
                } else {
                    String::new()
                }
            ));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

fn unusable(name: &str, e: Unusable, d: &Drift, window_note: &str) -> Finding {
    let (status, message, observed) = match e {
        Unusable::Absent(side) => (
            Status::Missing,
            format!("{name}: no value in the {side} records{window_note}"),
            format!("no {side} values"),
        ),
        Unusable::TooManyCategories => (
            Status::Error,
            format!(
                "{name}: more than {} distinct values (text or an identifier?); declare \
                 `kind: {{ {name}: categorical }}` to compare it anyway",
                production::MAX_CATEGORIES
            ),
            "too many categories".into(),
        ),
        Unusable::NotNumeric(n) => (
            Status::Error,
            format!("{name}: declared numeric, but {n} values are text"),
            format!("{n} text values"),
        ),
    };
    Finding {
        subject: name.into(),
        run: None,
        baseline: None,
        status,
        message,
        observed,
        expected: expected(d),
        detail: None,
    }
}

fn histogram(bins: Option<(Bins, Vec<u64>, Vec<u64>)>) -> Histogram {
    match bins {
        Some((Bins::Edges(e), r, p)) => Histogram {
            edges: Some(e),
            values: None,
            reference: r,
            production: p,
        },
        Some((Bins::Keys(k), r, p)) => Histogram {
            edges: None,
            values: Some(k.iter().map(|k| k.label()).collect()),
            reference: r,
            production: p,
        },
        None => Histogram {
            edges: None,
            values: None,
            reference: Vec::new(),
            production: Vec::new(),
        },
    }
}

/// One field: the method, the comparison, the finding; `Err` is an `error` finding.
fn field_finding(
    d: &Drift,
    name: &str,
    pair: &Pair,
    (ref_missing, prod_missing): (u64, u64),
    prod_newest: Option<f64>,
) -> std::result::Result<(Finding, bool), Box<Finding>> {
    let (r, p) = (&pair.reference, &pair.production);
    let numeric = pair.kind == Kind::Numeric;
    let (method, auto) = match d.method {
        Some(m) => (m, false),
        None => match drift::union_distinct(r, p) {
            Some(u) => (drift::default_method(r.len(), u, numeric), true),
            None => {
                return Err(Box::new(error_finding(
                    d,
                    name,
                    "`method: auto` counts distinct values, which a binned histogram does not \
                     keep; name a binned method (psi, jensenshannon, kl_div)"
                        .into(),
                )));
            }
        },
    };
    let threshold = d.threshold.unwrap_or(method.default_threshold());
    let c = drift::compare(method, r, p, threshold).map_err(|drift::Unsupported::Type(m)| {
        Box::new(error_finding(
            d,
            name,
            format!("{} on `{name}` ({:?}): {m}", method.name(), pair.kind).to_lowercase(),
        ))
    })?;
    // bins for the report even when the method needs none
    let bins = c.bins.clone().or_else(|| drift::binned(r, p).ok());
    let op = method.operator();
    let quantity = if method.is_p_value() {
        format!("{} p", method.name())
    } else {
        method.name().to_owned()
    };
    let verdict = if c.drift {
        format!(
            "{quantity} {} {} {}: drift",
            crate::num::p(c.value),
            op.symbol(),
            fmt(threshold)
        )
    } else {
        format!(
            "{quantity} {} {} {}: no drift",
            crate::num::p(c.value),
            op.negated(),
            fmt(threshold)
        )
    };
    let stat = match (method, c.statistic) {
        (Method::Ks, Some(s)) => format!(", D {}", fmt(s)),
        (Method::ChiSquare, Some(s)) => format!(", chi-square {}", fmt(s)),
        (Method::Tvd, Some(s)) => format!(", TVD {}", fmt(s)),
        _ => String::new(),
    };
    let message = format!(
        "{name}: {verdict}{stat}{} (reference n={}, production n={})",
        if auto { " (auto)" } else { "" },
        r.len(),
        p.len()
    );
    let detail = FieldDrift {
        field: name.into(),
        field_type: pair.kind,
        method: method.name(),
        auto,
        value: c.value,
        statistic: c.statistic,
        threshold,
        drift_when: op.symbol(),
        drift: c.drift,
        family: None,
        reference_n: r.len(),
        production_n: p.len(),
        reference_missing: ref_missing,
        production_missing: prod_missing,
        histogram: histogram(bins),
        production_newest: prod_newest,
    };
    // with drift_share the verdict is the dataset's; a field's drift is reported, not failed
    let status = if c.drift && d.drift_share.is_none() {
        Status::Fail
    } else {
        Status::Pass
    };
    Ok((
        Finding {
            subject: name.into(),
            run: None,
            baseline: None,
            status,
            message,
            observed: format!("{quantity} {}", crate::num::p(c.value)),
            expected: format!("{} {}", op.negated(), fmt(threshold)),
            detail: Some(Detail::Drift(Box::new(detail))),
        },
        c.drift,
    ))
}

fn error_finding(d: &Drift, name: &str, message: String) -> Finding {
    Finding {
        subject: name.into(),
        run: None,
        baseline: None,
        status: Status::Error,
        message,
        observed: "not comparable".into(),
        expected: expected(d),
        detail: None,
    }
}

/// Records files the checks read, by role and path, for the report.
pub type RecordsRead = BTreeMap<(String, PathBuf), FileRead>;

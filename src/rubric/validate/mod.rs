//! Phase 2: from what was written to what checks may rely on.
//!
//! Collects every semantic error with its location: version, levels, process ids, unique
//! check ids, exactly one kind per check, finite numbers, probabilities in (0, 1),
//! `min ≤ max`, non-negative tolerances, selectors and globs that compile.
//!
//! This module holds the shared helpers, the check dispatch and the paths; each process's
//! kinds are validated in their own file.

mod compliance;
mod feedback;
mod iteration;
mod monitoring;
mod quality;
mod reproducibility;

use compliance::{documentation, fairness, perturbation_gap};
use feedback::{ab_test, agreement, feedback};
use iteration::{power, sweep, trials};
use monitoring::{drift, estimated_performance, trend};
use quality::{calibration, coverage, regression, threshold};
use reproducibility::{manifest, provenance, repeatability};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::raw::{
    KIND_KEYS, RawCheck, RawCoverage, RawDocumentation, RawDrift, RawFairness, RawManifest,
    RawPerturbationGap, RawProvenance, RawRegression, RawRepeatability, RawRubric, RawThreshold,
    RawTrend, RawWindow,
};
use super::raw::{
    RawAbTest, RawAgreement, RawCalibration, RawEstimatedPerformance, RawFeedback, RawGuardrail,
    RawPower, RawSweep, RawTrials,
};
use super::selector::{Selector, glob};
use super::yaml::{DeError, Loc, Sp, did_you_mean};
use super::{
    AbTest, Agreement, Calibration, Chunk, EstimatedPerformance, Feedback, FeedbackCoverage,
    Guardrail, Power, Prediction, RowSource, Sweep, SweepParam, Trials,
};
use super::{
    Check, CheckKind, ClaimsMatch, Coverage, Documentation, Fairness, FairnessMode, Inputs, Origin,
    PerturbationGap, ProcessId, RecordsSource, Regression, Rubric, Threshold, normalize_category,
};
use super::{Drift, Manifest, Provenance, Repeatability, Tolerance, Trend};
use crate::checks::provenance::Item as ProvenanceItem;
use crate::evidence::production::{self, Span, Window};
use crate::model::{Aspect, Role};
use crate::stats::drift::Method as DriftMethod;
use crate::stats::multiplicity::Correction;

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

/// `correction:`: one of `holm`, `bonferroni`, `bh`, `none`; `default` when absent. `None`
/// (with an error) when it names no correction.
fn correction(
    v: &Option<Sp<String>>,
    default: Correction,
    errors: &mut Vec<DeError>,
) -> Option<Correction> {
    let Some(v) = v else {
        return Some(default);
    };
    let text = v.value.trim();
    if let Some(c) = Correction::parse(text) {
        return Some(c);
    }
    let names: Vec<&str> = Correction::ALL.iter().map(|(n, _)| *n).collect();
    let hint = did_you_mean(text, &names)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    errors.push(DeError::at(
        v.loc,
        format!(
            "unknown correction `{text}`{hint} (one of {})",
            names.join(", ")
        ),
    ));
    None
}

/// `accept_differences:`: aspects of comparability, each named once. `None` (with an error
/// per bad entry) when one names no aspect.
fn accept_differences(
    v: &Option<Sp<Vec<Sp<String>>>>,
    errors: &mut Vec<DeError>,
) -> Option<Vec<Aspect>> {
    let Some(v) = v else {
        return Some(Vec::new());
    };
    let names: Vec<&str> = Aspect::ALL.iter().map(|a| a.as_str()).collect();
    let mut out = Vec::new();
    let mut ok = true;
    for item in &v.value {
        let text = item.value.trim();
        match Aspect::parse(text) {
            Some(a) if !out.contains(&a) => out.push(a),
            Some(_) => {
                errors.push(DeError::at(item.loc, format!("`{text}` is listed twice")));
                ok = false;
            }
            None => {
                let hint = did_you_mean(text, &names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errors.push(DeError::at(
                    item.loc,
                    format!(
                        "unknown difference `{text}`{hint} (one of {})",
                        names.join(", ")
                    ),
                ));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// `cluster:`: a dotted per-sample field. `Some(None)` when absent, `None` when invalid.
fn cluster(v: &Option<Sp<String>>, errors: &mut Vec<DeError>) -> Option<Option<String>> {
    match v {
        None => Some(None),
        Some(p) => record_path(p, "cluster", errors).map(Some),
    }
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

/// `production` / `reference` / `requests`, or a path or glob relative to the rubric.
/// What a `records:` value names: the same six role names for every check kind, or a path
/// or glob relative to the rubric.
pub(super) enum Named {
    /// `current`, `baseline`, `history`: the runs' per-sample records.
    Runs(crate::model::Role),
    /// `production`, `reference`, `requests`: the records windows.
    Window(RowSource),
    Path(PathBuf),
}

/// Reads a `records:`-like value (`key` names it in the error).
pub(super) fn records_name(
    v: &Sp<String>,
    key: &str,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Named> {
    use crate::model::Role;
    Some(match v.value.trim() {
        "current" => Named::Runs(Role::Current),
        "baseline" => Named::Runs(Role::Baseline),
        "history" => Named::Runs(Role::History),
        "production" => Named::Window(RowSource::Production),
        "reference" => Named::Window(RowSource::Reference),
        "requests" => Named::Window(RowSource::Requests),
        "" => {
            errors.push(DeError::at(
                v.loc,
                format!(
                    "`{key}` is a role — `current`, `baseline`, `history` (the runs' per-sample \
                     records), `reference`, `production`, `requests` (the records windows) — \
                     or a path or glob to records, relative to the rubric"
                ),
            ));
            return None;
        }
        path => Named::Path(confine(base, path, v.loc, errors)),
    })
}

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
    Some(match records_name(v, key, base, errors)? {
        Named::Runs(role) => RowSource::Runs(role),
        Named::Window(w) => w,
        Named::Path(p) => RowSource::Files(p),
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
        raw.calibration.as_ref().map(|t| ("calibration", t.loc)),
        raw.estimated_performance
            .as_ref()
            .map(|t| ("estimated_performance", t.loc)),
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
        raw.calibration
            .as_ref()
            .map(|c| calibration(c, base, errors).map(CheckKind::Calibration)),
        raw.estimated_performance
            .as_ref()
            .map(|e| estimated_performance(e, base, errors).map(CheckKind::EstimatedPerformance)),
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

/// Paths the rubric makes govgate read (a check's own files), each confined to the rubric's
/// directory.
fn resolve(
    paths: &Option<Vec<Sp<String>>>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Vec<PathBuf> {
    let mut outside = Vec::new();
    let out = resolve_input(paths, base, errors, "", &mut outside);
    errors.extend(outside.into_iter().map(|(_, e)| e));
    out
}

/// An `inputs` role's paths; those leaving the rubric's directory go to `refused` (the
/// command line may name that role's inputs instead, and then they are never read).
fn resolve_input(
    paths: &Option<Vec<Sp<String>>>,
    base: &Path,
    errors: &mut Vec<DeError>,
    role: &'static str,
    refused: &mut Vec<(&'static str, DeError)>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths.iter().flatten() {
        let s = p.value.trim();
        if s.is_empty() {
            errors.push(DeError::at(p.loc, "an input path must not be empty"));
            continue;
        }
        let mut outside = Vec::new();
        out.push(confine(base, s, p.loc, &mut outside));
        refused.extend(outside.into_iter().map(|mut e| {
            if !role.is_empty() {
                e.message.push_str(&format!(
                    "; or name the {role} inputs on the command line, which replace \
                     `inputs.{role}`"
                ));
            }
            (role, e)
        }));
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

    let mut refused = Vec::new();
    let inputs = match &raw.inputs {
        Some(i) => Inputs {
            current: resolve_input(&i.current, base_dir, errors, "current", &mut refused),
            baseline: resolve_input(&i.baseline, base_dir, errors, "baseline", &mut refused),
            reference: resolve_input(&i.reference, base_dir, errors, "reference", &mut refused),
            production: resolve_input(&i.production, base_dir, errors, "production", &mut refused),
            requests: resolve_input(&i.requests, base_dir, errors, "requests", &mut refused),
            history: resolve_input(&i.history, base_dir, errors, "history", &mut refused),
        },
        None => Inputs::default(),
    };

    Rubric {
        name,
        description: raw.description,
        origin,
        sha256: String::new(),
        text: String::new(),
        require,
        inputs,
        refused_inputs: refused,
        checks,
    }
}

//! Checks: evidence in, data out. One file per check kind; this module dispatches on the
//! closed [`CheckKind`] enum and rolls each check's findings up into an [`Outcome`].
//!
//! Checks never print. A check that cannot find its evidence reports `missing` (fail
//! closed); a check that cannot be evaluated (an unknown metric direction) reports `error`.
//! Neither ever counts as a pass.

pub mod ab_test;
pub mod agreement;
pub mod calibration;
pub mod coverage;
pub mod documentation;
pub mod drift;
pub mod estimated_performance;
pub mod fairness;
pub mod feedback;
pub mod limit;
pub mod manifest;
pub mod perturbation_gap;
pub mod power;
pub mod provenance;
pub mod regression;
pub mod repeatability;
pub mod significance;
pub mod sweep;
pub mod threshold;
pub mod trend;
pub mod trials;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

use serde::Serialize;

use crate::error::Result;
use crate::evidence::production::FileRead;
use crate::evidence::samples::{self, SampleValues};
use crate::model::{Evidence, SampleSource};
use crate::rubric::{Check, CheckKind, ProcessId, RowSource, Rubric};

/// What a finding observed when no metric matches its selector.
const NO_SUCH_METRIC: &str = "no such metric";

/// Status of a check or of one of its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// The evidence shows the requirement is not met.
    Fail,
    /// The evidence the check needs is absent.
    Missing,
    /// The check could not be evaluated on the evidence present.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Missing => "missing",
            Status::Error => "error",
        }
    }

    /// Which status a check takes when its findings differ: a shown failure outranks an
    /// evaluation error, which outranks absent evidence.
    fn severity(self) -> u8 {
        match self {
            Status::Pass => 0,
            Status::Missing => 1,
            Status::Error => 2,
            Status::Fail => 3,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check's result on one subject: a metric, a task, a metric against a baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What was checked: a metric label (`mmlu/acc@none`), a task, or a selector.
    pub subject: String,
    /// The current run's file, when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<PathBuf>,
    /// The baseline run's file, for comparisons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<PathBuf>,
    pub status: Status,
    pub message: String,
    /// What was seen, for a table cell.
    pub observed: String,
    /// What was required, for a table cell.
    pub expected: String,
    /// The numbers behind the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

impl Finding {
    /// A finding about `subject` that starts `missing`, for a check to fill in.
    pub fn pending(subject: &str, expected: &str) -> Finding {
        Finding {
            subject: subject.to_owned(),
            run: None,
            baseline: None,
            status: Status::Missing,
            message: String::new(),
            observed: String::new(),
            expected: expected.to_owned(),
            detail: None,
        }
    }

    /// The finding of a selector that names no metric of the current runs: `missing`.
    pub fn no_metric(selector: &crate::rubric::Selector, expected: String) -> Finding {
        Finding {
            subject: selector.text.clone(),
            run: None,
            baseline: None,
            status: Status::Missing,
            message: format!(
                "no metric matches `{selector}` in the current runs (`govgate inspect` lists the selectors)"
            ),
            observed: NO_SUCH_METRIC.into(),
            expected,
            detail: None,
        }
    }
}

/// The numbers behind a finding, per check kind.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    Threshold(threshold::ThresholdDetail),
    Regression(Box<regression::RegressionDetail>),
    Coverage(coverage::CoverageDetail),
    Fairness(fairness::FairnessDetail),
    PerturbationGap(perturbation_gap::PerturbationGapDetail),
    Claim(documentation::ClaimDetail),
    Drift(Box<drift::FieldDrift>),
    DatasetDrift(drift::DatasetDrift),
    Trend(trend::TrendDetail),
    Provenance(provenance::ProvenanceDetail),
    Trials(trials::TrialsDetail),
    Power(power::PowerDetail),
    Sweep(Box<sweep::SweepDetail>),
    AbOutcome(Box<ab_test::AbOutcome>),
    SampleRatio(ab_test::SampleRatio),
    Guardrail(Box<ab_test::GuardrailDetail>),
    Agreement(Box<agreement::AgreementDetail>),
    Feedback(Box<feedback::FeedbackDetail>),
    Calibration(Box<calibration::CalibrationDetail>),
    EstimatedPerformance(Box<estimated_performance::EstimateDetail>),
}

/// A check's result.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: String,
    pub process: ProcessId,
    pub level: u8,
    pub kind: &'static str,
    pub advisory: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    pub status: Status,
    /// One line: what happened.
    pub message: String,
    pub findings: Vec<Finding>,
    /// Metrics a pattern selector matched that the check left ungated (direction unknown),
    /// by label: said, never silently dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_gated: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }
}

/// Which per-sample values: source, metric, variant, cluster field.
type SampleKey = (SampleSource, String, Option<String>, Option<String>);

/// Per-sample values read during a run of the checks, cached by file, metric and filter,
/// and the files read with their hashes (for the report's input list).
#[derive(Debug, Default)]
pub struct SampleCache {
    values: BTreeMap<SampleKey, Rc<SampleValues>>,
    /// Every samples log read, with its SHA-256.
    pub read: BTreeMap<PathBuf, String>,
    /// Every records file read (`drift`), by role.
    pub records: drift::RecordsRead,
    /// Other files checks read on their own — a model card, a manifest, a fairness check's
    /// records, a trend's history named by the rubric — with what they are and their SHA-256,
    /// for the reports' input lists.
    pub files: BTreeMap<PathBuf, NotedFile>,
}

/// A file a check read, as the reports list it.
#[derive(Debug, Clone, Serialize)]
pub struct NotedFile {
    /// What the file is to the check that read it (`model_card`, `manifest`, `records`,
    /// `history`).
    pub what: &'static str,
    pub sha256: String,
    pub bytes: u64,
}

impl SampleCache {
    /// Notes the records files an S7P6 check read, under its source's role (`rubric` for
    /// files the rubric names).
    pub fn note_records(&mut self, src: &RowSource, reads: Vec<FileRead>) {
        let role = match src {
            RowSource::Files(_) => "rubric".to_owned(),
            other => other.label(),
        };
        for f in reads {
            self.records.insert((role.clone(), f.path.clone()), f);
        }
    }

    /// Notes a file a check read (hashed here, once per file).
    pub fn note_file(&mut self, path: &std::path::Path, what: &'static str) -> Result<()> {
        if !self.files.contains_key(path) {
            let (sha256, bytes) = crate::evidence::hash_file(path)?;
            self.files.insert(
                path.to_path_buf(),
                NotedFile {
                    what,
                    sha256,
                    bytes,
                },
            );
        }
        Ok(())
    }

    /// `metric`'s per-document values for `variant` in a per-sample source, with each
    /// document's cluster when `cluster` names a field.
    pub fn values(
        &mut self,
        source: &SampleSource,
        metric: &str,
        variant: Option<&str>,
        filters: &[String],
        cluster: Option<&str>,
    ) -> Result<Rc<SampleValues>> {
        let key = (
            source.clone(),
            metric.to_owned(),
            variant.map(str::to_owned),
            cluster.map(str::to_owned),
        );
        if let Some(v) = self.values.get(&key) {
            return Ok(Rc::clone(v));
        }
        let v = Rc::new(samples::read_metric(
            source, metric, variant, filters, cluster,
        )?);
        self.read
            .insert(source.path().to_path_buf(), v.sha256.clone());
        self.values.insert(key, Rc::clone(&v));
        Ok(v)
    }
}

/// The records files of an S7P6 check's source; `Err` with the reason when there are none
/// (the finding is then `missing`).
pub(crate) fn row_files(
    src: &RowSource,
    evidence: &Evidence,
) -> Result<std::result::Result<Vec<PathBuf>, String>> {
    let (files, role) = match src {
        RowSource::Runs(role) => return Ok(run_record_files(*role, evidence)),
        RowSource::Production => (&evidence.production, "production"),
        RowSource::Reference => (&evidence.reference, "reference"),
        RowSource::Requests => (&evidence.requests, "requests"),
        RowSource::Files(p) => {
            let found = crate::evidence::rubric_files(p)?;
            return Ok(if found.is_empty() {
                Err(format!(
                    "no records file at {} (named in the rubric, relative to it)",
                    p.display()
                ))
            } else {
                Ok(found)
            });
        }
    };
    Ok(if files.is_empty() {
        Err(format!(
            "no {role} records given (`--{role}` or the rubric's `inputs.{role}`)"
        ))
    } else {
        Ok(files.clone())
    })
}

/// Notes the files a check read that no input role lists: its model card, its manifest,
/// its records, the history runs the rubric names for it.
fn note_files(check: &Check, evidence: &Evidence, cache: &mut SampleCache) -> Result<()> {
    match &check.kind {
        CheckKind::Documentation(d) if d.file.is_file() => cache.note_file(&d.file, "model_card"),
        CheckKind::Manifest(m) if m.file.is_file() => cache.note_file(&m.file, "manifest"),
        CheckKind::Fairness(f) => {
            for (path, what) in fairness::files(f, evidence)? {
                cache.note_file(&path, what)?;
            }
            Ok(())
        }
        CheckKind::Trend(t) if !t.history.is_empty() => {
            for run in crate::evidence::load(&t.history)? {
                cache.note_file(&run.source.path, "history")?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The per-sample records of a role's runs as row files: lm-eval samples logs and Inspect AI
/// logs (one row per sample); `Err` with the reason when there are none.
fn run_record_files(
    role: crate::model::Role,
    evidence: &Evidence,
) -> std::result::Result<Vec<PathBuf>, String> {
    let runs = evidence.runs(role);
    let mut files: Vec<PathBuf> = Vec::new();
    let mut helm = false;
    for task in runs.iter().flat_map(|r| &r.tasks) {
        match &task.samples {
            Some(
                SampleSource::LmEval(p) | SampleSource::Inspect(p) | SampleSource::Lighteval(p),
            ) if !files.contains(p) => {
                files.push(p.clone());
            }
            Some(
                SampleSource::LmEval(_) | SampleSource::Inspect(_) | SampleSource::Lighteval(_),
            ) => {}
            Some(SampleSource::HelmPerInstance(_) | SampleSource::Promptfoo(..)) => helm = true,
            Some(SampleSource::Eee(p, _)) if !files.contains(p) => files.push(p.clone()),
            Some(SampleSource::Eee(..)) => {}
            None => {}
        }
    }
    if !files.is_empty() {
        return Ok(files);
    }
    Err(if runs.is_empty() {
        format!("no {role} runs given")
    } else if helm {
        format!(
            "the {role} runs are HELM or promptfoo runs, whose per-instance results are not \
             records with fields; name records files instead"
        )
    } else {
        format!(
            "the {role} runs have no per-sample records (lm-eval --log_samples, Inspect AI \
             samples)"
        )
    })
}

/// Runs every check of the rubric on the evidence, in rubric order.
pub fn run(rubric: &Rubric, evidence: &Evidence, cache: &mut SampleCache) -> Result<Vec<Outcome>> {
    rubric
        .checks
        .iter()
        .map(|check| run_one(check, rubric, evidence, cache))
        .collect()
}

fn run_one(
    check: &Check,
    rubric: &Rubric,
    evidence: &Evidence,
    cache: &mut SampleCache,
) -> Result<Outcome> {
    // metrics a pattern matched but left ungated (regression, trend, sweep)
    let mut not_gated: Vec<String> = Vec::new();
    let findings = match &check.kind {
        CheckKind::Threshold(t) => threshold::run(t, evidence, cache)?,
        CheckKind::Regression(r) => {
            let (findings, ungated) = regression::run(r, evidence, cache)?;
            not_gated = ungated;
            findings
        }
        CheckKind::Coverage(c) => coverage::run(c, evidence)?,
        CheckKind::Fairness(f) => fairness::run(f, evidence)?,
        CheckKind::PerturbationGap(g) => perturbation_gap::run(g, evidence),
        CheckKind::Documentation(d) => documentation::run(d, evidence)?,
        CheckKind::Drift(d) => {
            let (findings, read) = drift::run(d, evidence)?;
            for (role, files) in [
                ("reference", read.reference),
                ("production", read.production),
            ] {
                for f in files {
                    cache.records.insert((role.to_owned(), f.path.clone()), f);
                }
            }
            findings
        }
        CheckKind::Trend(t) => {
            let (findings, ungated) = trend::run(t, evidence)?;
            not_gated = ungated;
            findings
        }
        CheckKind::Provenance(p) => provenance::run(p, evidence),
        CheckKind::Manifest(m) => manifest::run(m, evidence, rubric)?,
        CheckKind::Repeatability(r) => repeatability::run(r, evidence),
        CheckKind::Trials(t) => trials::run(t, evidence),
        CheckKind::Power(p) => power::run(p, evidence, cache)?,
        CheckKind::Sweep(s) => {
            let (findings, ungated) = sweep::run(s, evidence, cache)?;
            not_gated = ungated;
            findings
        }
        CheckKind::AbTest(a) => ab_test::run(a, evidence, cache)?,
        CheckKind::Agreement(a) => agreement::run(a, evidence, cache)?,
        CheckKind::Feedback(f) => feedback::run(f, evidence, cache)?,
        CheckKind::Calibration(c) => calibration::run(c, evidence, cache)?,
        CheckKind::EstimatedPerformance(e) => estimated_performance::run(e, evidence, cache)?,
    };
    note_files(check, evidence, cache)?;
    let mut findings = findings;
    gate_unfinished(&mut findings, evidence);
    name_not_numeric(&mut findings, evidence);
    let mut outcome = outcome(check, findings);
    // (the finding of a selector with nothing left to gate lists them already)
    let all_ungated = matches!(outcome.findings.as_slice(),
        [f] if f.run.is_none() && f.observed == DIRECTION_UNKNOWN);
    if !all_ungated {
        outcome.message.push_str(&not_gated_text(&not_gated));
    }
    outcome.not_gated = not_gated;
    tracing::debug!(
        check = %outcome.id,
        process = %outcome.process.as_str(),
        level = outcome.level,
        status = ?outcome.status,
        findings = outcome.findings.len(),
        "checked"
    );
    for f in &outcome.findings {
        tracing::trace!(check = %outcome.id, status = ?f.status, "{}", f.message);
    }
    Ok(outcome)
}

/// Nothing read from a run that did not finish passes (an Inspect AI log whose status is
/// `error`, `cancelled` or `started`: Inspect exits 0 for those, so the gate must not).
/// A finding about such a run fails, with the reason first. A finding that found no
/// metric for a selector fails too when a current run of a task the selector names did not
/// finish and wrote no results: that is why the metric is missing.
fn gate_unfinished(findings: &mut [Finding], evidence: &Evidence) {
    let unfinished: BTreeMap<&std::path::Path, &crate::model::Unfinished> =
        [&evidence.current, &evidence.baseline, &evidence.history]
            .into_iter()
            .flatten()
            .filter_map(|r| r.unfinished.as_ref().map(|u| (r.source.path.as_path(), u)))
            .collect();
    if unfinished.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        let hit = [f.run.as_deref(), f.baseline.as_deref()]
            .into_iter()
            .flatten()
            .find_map(|p| unfinished.get(p).map(|u| (p, *u)));
        if let Some((path, u)) = hit {
            f.status = Status::Fail;
            f.message = format!(
                "{} did not finish ({u}), so nothing read from it can pass; {}",
                path.display(),
                f.message
            );
            continue;
        }
        if f.run.is_some() || f.status == Status::Pass || f.observed != NO_SUCH_METRIC {
            continue;
        }
        let Ok(selector) = crate::rubric::Selector::parse(&f.subject) else {
            continue;
        };
        if let Some((run, u)) = evidence.current.iter().find_map(|r| {
            r.unfinished
                .as_ref()
                .filter(|_| {
                    r.metrics.is_empty() && r.tasks.iter().any(|t| selector.matches_task(&t.name))
                })
                .map(|u| (r, u))
        }) {
            f.status = Status::Fail;
            f.run = Some(run.source.path.clone());
            f.message = format!(
                "{} did not finish ({u}) and has no value for `{}`; {}",
                run.label(),
                f.subject,
                f.message
            );
        }
    }
}

/// Whether a metric a **pattern** selector matched is left ungated for want of a direction:
/// the check sets no `higher_is_better`, and neither the metric's own file nor any of `peers`
/// (the runs it is compared with) nor the built-in table knows one. Such metrics (HELM's
/// `max_prob`, `logprob`; lm-eval's crows_pairs `pct_stereotype`) are listed in the outcome as
/// not gated, the way bookkeeping stats are left out of patterns; a selector naming one
/// exactly is an `error`, as before.
pub(crate) fn direction_unknown(
    selector: &crate::rubric::Selector,
    set: Option<bool>,
    m: &crate::model::Metric,
    peers: &[&crate::model::Run],
) -> bool {
    set.is_none()
        && !selector.names_one_metric()
        && m.higher_is_better.is_none()
        && peers
            .iter()
            .flat_map(|r| r.metrics.iter())
            .filter(|x| x.key() == m.key())
            .all(|x| x.higher_is_better.is_none())
}

/// The labels of `metrics`, sorted, each once.
pub(crate) fn labels<'a>(metrics: impl Iterator<Item = &'a crate::model::Metric>) -> Vec<String> {
    let mut out: Vec<String> = metrics.map(|m| m.label()).collect();
    out.sort();
    out.dedup();
    out
}

/// The finding of a pattern selector every metric of which is of unknown direction.
pub(crate) fn nothing_to_gate(
    selector: &crate::rubric::Selector,
    not_gated: &[String],
    expected: String,
) -> Finding {
    Finding {
        subject: selector.text.clone(),
        run: None,
        baseline: None,
        status: Status::Error,
        message: format!(
            "every metric `{selector}` matches is of unknown direction ({}): none can be gated; \
             set `higher_is_better:` in the check or name metrics of known direction",
            not_gated.join(", ")
        ),
        observed: DIRECTION_UNKNOWN.into(),
        expected,
        detail: None,
    }
}

/// What a finding observed when a selector left nothing of known direction.
const DIRECTION_UNKNOWN: &str = "direction unknown";

/// `; not gated (direction unknown): a, b, … and N more`, or nothing.
fn not_gated_text(labels: &[String]) -> String {
    const SHOWN: usize = 8;
    if labels.is_empty() {
        return String::new();
    }
    let mut t = format!(
        "; not gated (direction unknown): {}",
        labels
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    if labels.len() > SHOWN {
        t.push_str(&format!(" and {} more", labels.len() - SHOWN));
    }
    t
}

/// A selector that found no metric but names one whose value is not a number (lmms-eval's
/// `accuracy_by_topic,none`, a dict) says so: an exact name is an `error` (the metric is
/// there and cannot be gated); a pattern's `missing` finding names what it passed over.
fn name_not_numeric(findings: &mut [Finding], evidence: &Evidence) {
    for f in findings.iter_mut() {
        if f.run.is_some() || f.observed != NO_SUCH_METRIC {
            continue;
        }
        let Ok(selector) = crate::rubric::Selector::parse(&f.subject) else {
            continue;
        };
        let hits: Vec<String> = evidence
            .current
            .iter()
            .flat_map(|r| r.not_numeric.iter())
            .filter(|n| selector.matches_parts(&n.task, &n.name, n.variant.as_deref()))
            .map(|n| format!("{} is {}", n.label(), n.kind))
            .collect();
        if hits.is_empty() {
            continue;
        }
        if selector.names_one_metric() {
            f.status = Status::Error;
            f.observed = "not a number".into();
            f.message = format!(
                "`{selector}` names a metric whose value is not a number ({}): it is in the \
                 file but cannot be gated",
                hits.join("; ")
            );
        } else {
            f.message.push_str(&format!(
                " (not gateable, not a number: {})",
                hits.join("; ")
            ));
        }
    }
}

/// Rolls findings up: the most severe status wins, and the message says how many of what.
fn outcome(check: &Check, findings: Vec<Finding>) -> Outcome {
    let status = findings
        .iter()
        .map(|f| f.status)
        .max_by_key(|s| s.severity())
        .unwrap_or(Status::Missing);
    let message = summarize(&findings, status);
    Outcome {
        id: check.id.clone(),
        process: check.process,
        level: check.level,
        kind: check.kind.name(),
        advisory: check.advisory,
        rationale: check.rationale.clone(),
        status,
        message,
        findings,
        not_gated: Vec::new(),
    }
}

fn summarize(findings: &[Finding], status: Status) -> String {
    match findings {
        [] => "no findings".into(),
        [one] => one.message.clone(),
        many => {
            let n = many.len();
            if status == Status::Pass {
                return format!("all {n} pass");
            }
            let bad: Vec<&Finding> = many.iter().filter(|f| f.status == status).collect();
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for f in many {
                *counts.entry(f.status.as_str()).or_default() += 1;
            }
            let tally: Vec<String> = ["pass", "fail", "missing", "error"]
                .iter()
                .filter_map(|s| counts.get(s).map(|c| format!("{c} {s}")))
                .collect();
            format!("{} of {n}: {}", tally.join(", "), bad[0].message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(status: Status, msg: &str) -> Finding {
        Finding {
            subject: "s".into(),
            run: None,
            baseline: None,
            status,
            message: msg.into(),
            observed: String::new(),
            expected: String::new(),
            detail: None,
        }
    }

    #[test]
    fn the_most_severe_status_wins() {
        let s = |fs: &[Status]| {
            fs.iter()
                .map(|s| finding(*s, "m"))
                .map(|f| f.status)
                .max_by_key(|s| s.severity())
        };
        assert_eq!(s(&[Status::Pass, Status::Missing]), Some(Status::Missing));
        assert_eq!(s(&[Status::Missing, Status::Fail]), Some(Status::Fail));
        assert_eq!(s(&[Status::Error, Status::Missing]), Some(Status::Error));
    }

    #[test]
    fn summaries_count_and_quote_the_first_problem() {
        let fs = vec![
            finding(Status::Pass, "ok"),
            finding(Status::Fail, "a/acc = 0.5 < 0.6"),
            finding(Status::Fail, "b/acc = 0.4 < 0.6"),
        ];
        assert_eq!(
            summarize(&fs, Status::Fail),
            "1 pass, 2 fail of 3: a/acc = 0.5 < 0.6"
        );
        assert_eq!(summarize(&fs[..1], Status::Pass), "ok");
    }
}

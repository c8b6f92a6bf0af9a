//! The rubric: which checks support which governance process, at which level.
//!
//! Parsing has two phases. Phase 1 ([`raw`]) deserializes the YAML into strict serde
//! structs (unknown keys, duplicate keys and wrong types are errors). Phase 2
//! ([`validate`]) checks meaning: levels 1–3, probabilities in (0, 1), `min ≤ max`, unique
//! ids, known process ids, valid selectors and globs. Both phases collect every error with
//! its line and column; checks only ever see the validated types below.

pub mod explain;
pub mod init;
pub mod raw;
pub mod schema;
pub mod selector;
mod validate;
pub use crate::yaml;
pub use validate::set_allow_outside_root;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
pub use selector::Selector;
use yaml::DeError;

/// The six governance processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ProcessId {
    S7P1,
    S7P2,
    S7P3,
    S7P4,
    S7P5,
    S7P6,
}

impl ProcessId {
    pub const ALL: [ProcessId; 6] = [
        ProcessId::S7P1,
        ProcessId::S7P2,
        ProcessId::S7P3,
        ProcessId::S7P4,
        ProcessId::S7P5,
        ProcessId::S7P6,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProcessId::S7P1 => "S7P1",
            ProcessId::S7P2 => "S7P2",
            ProcessId::S7P3 => "S7P3",
            ProcessId::S7P4 => "S7P4",
            ProcessId::S7P5 => "S7P5",
            ProcessId::S7P6 => "S7P6",
        }
    }

    /// The process's name.
    pub fn name(self) -> &'static str {
        match self {
            ProcessId::S7P1 => "Apply quality gates",
            ProcessId::S7P2 => "Validate regulatory compliance",
            ProcessId::S7P3 => "Monitor production drift and degradation",
            ProcessId::S7P4 => "Document reproducibility",
            ProcessId::S7P5 => "Plan iteration cycles",
            ProcessId::S7P6 => "Integrate production feedback",
        }
    }

    pub fn parse(s: &str) -> Option<ProcessId> {
        ProcessId::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for ProcessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rubric came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary (`rubrics/<name>.yaml`).
    Embedded(&'static str),
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Embedded(name) => write!(f, "embedded:{name}"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A validated rubric.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub name: String,
    pub description: Option<String>,
    pub origin: Origin,
    pub sha256: String,
    /// The rubric's text as read (what `sha256` is of), for reports that quote its checks.
    pub text: String,
    /// Required level per process (`None`: not required).
    pub require: [Option<u8>; 6],
    pub inputs: Inputs,
    /// `inputs` paths that leave the rubric's directory, by role, with the error each is:
    /// raised only when that role's inputs are read from the rubric (the command line
    /// naming the role's inputs replaces them, and they are never read).
    pub refused_inputs: Vec<(&'static str, DeError)>,
    pub checks: Vec<Check>,
}

impl Rubric {
    /// The error for `inputs` paths of `roles` that leave the rubric's directory, if any.
    pub fn refused(&self, roles: &[&str]) -> Option<RubricError> {
        let errors: Vec<DeError> = self
            .refused_inputs
            .iter()
            .filter(|(r, _)| roles.contains(r))
            .map(|(_, e)| e.clone())
            .collect();
        (!errors.is_empty()).then(|| RubricError {
            origin: self.origin.to_string(),
            text: self.text.clone(),
            errors,
        })
    }
}

/// Default inputs named by the rubric (`inputs:`), resolved against its directory: the same
/// roles the command line names.
pub use crate::evidence::Inputs;

/// A validated check.
#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub process: ProcessId,
    /// 1, 2 or 3.
    pub level: u8,
    pub advisory: bool,
    pub rationale: Option<String>,
    pub kind: CheckKind,
    /// Line of the check in the rubric.
    pub line: u32,
}

/// The closed set of check kinds.
#[derive(Debug, Clone)]
pub enum CheckKind {
    Threshold(Threshold),
    Regression(Regression),
    Coverage(Coverage),
    Fairness(Fairness),
    PerturbationGap(PerturbationGap),
    Documentation(Documentation),
    Drift(Drift),
    Trend(Trend),
    Provenance(Provenance),
    Manifest(Manifest),
    Repeatability(Repeatability),
    Trials(Trials),
    Power(Power),
    Sweep(Sweep),
    AbTest(AbTest),
    Agreement(Agreement),
    Feedback(Feedback),
    Calibration(Calibration),
    EstimatedPerformance(EstimatedPerformance),
}

impl CheckKind {
    /// The check reads only files the rubric names (records, a model card, a manifest), no
    /// input given on the command line or by the rubric's `inputs`: a rubric of such checks
    /// alone needs no other input.
    pub fn names_its_evidence(&self) -> bool {
        let files = |s: &RowSource| matches!(s, RowSource::Files(_));
        match self {
            CheckKind::Fairness(f) => matches!(f.records, RecordsSource::Files(_)),
            // claims are compared with the runs' measurements
            CheckKind::Documentation(d) => d.claims_match.is_none(),
            CheckKind::Manifest(_) => true,
            CheckKind::AbTest(a) => files(&a.records),
            CheckKind::Calibration(c) => files(&c.records),
            CheckKind::EstimatedPerformance(e) => files(&e.reference) && files(&e.records),
            CheckKind::Feedback(f) => {
                files(&f.records) && f.coverage.as_ref().is_none_or(|c| files(&c.of))
            }
            _ => false,
        }
    }

    /// The kind's key in a rubric.
    pub fn name(&self) -> &'static str {
        match self {
            CheckKind::Threshold(_) => "threshold",
            CheckKind::Regression(_) => "regression",
            CheckKind::Coverage(_) => "coverage",
            CheckKind::Fairness(_) => "fairness",
            CheckKind::PerturbationGap(_) => "perturbation_gap",
            CheckKind::Documentation(_) => "documentation",
            CheckKind::Drift(_) => "drift",
            CheckKind::Trend(_) => "trend",
            CheckKind::Provenance(_) => "provenance",
            CheckKind::Manifest(_) => "manifest",
            CheckKind::Repeatability(_) => "repeatability",
            CheckKind::Trials(_) => "trials",
            CheckKind::Power(_) => "power",
            CheckKind::Sweep(_) => "sweep",
            CheckKind::AbTest(_) => "ab_test",
            CheckKind::Agreement(_) => "agreement",
            CheckKind::Feedback(_) => "feedback",
            CheckKind::Calibration(_) => "calibration",
            CheckKind::EstimatedPerformance(_) => "estimated_performance",
        }
    }
}

/// `threshold`: the metric is within bounds (optionally at a confidence level).
#[derive(Debug, Clone)]
pub struct Threshold {
    pub selector: Selector,
    /// `value >= min` passes.
    pub min: Option<f64>,
    /// `value <= max` passes.
    pub max: Option<f64>,
    /// Compare the bound-side end of the two-sided CI instead of the value.
    pub confidence: Option<f64>,
    /// Compare |value| (signed bias scores).
    pub abs: bool,
    /// With `confidence`: a dotted per-sample field whose value groups items into clusters;
    /// the interval then uses the clustered standard error (t on `C − 1` degrees of
    /// freedom) from the current run's per-sample records.
    pub cluster: Option<String>,
}

/// `regression`: the metric did not get worse than the baseline by more than a tolerance.
#[derive(Debug, Clone)]
pub struct Regression {
    pub selector: Selector,
    pub max_drop: Option<f64>,
    pub max_relative_drop: Option<f64>,
    /// Fail only when the drop is also significant at this level.
    pub alpha: Option<f64>,
    /// Overrides the direction the evidence gives.
    pub higher_is_better: Option<bool>,
    /// How the check's tests are adjusted as one family (default Holm).
    pub correction: Correction,
    /// A dotted per-sample field grouping items into clusters (clustered standard errors,
    /// cluster bootstrap).
    pub cluster: Option<String>,
    /// Differences between current and baseline the rubric accepts on purpose.
    pub accept: Vec<Aspect>,
}

pub use crate::model::Aspect;
pub use crate::stats::multiplicity::Correction;

/// `coverage`: tasks present, evaluated on enough samples, not with `--limit`.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub tasks: Vec<(String, globset::GlobMatcher)>,
    pub min_samples: Option<u64>,
    pub allow_limit: bool,
}

/// Where a fairness check's records come from. Every kind's `records:` takes the same
/// names: the run roles `current`, `baseline`, `history`, the records windows `reference`,
/// `production`, `requests`, or a path or glob.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordsSource {
    /// The per-sample values of that role's runs (lm-eval samples logs, HELM
    /// per-instance stats joined with their instances).
    Role(crate::model::Role),
    /// The records files of an input window (`RowSource::Production`, `Reference` or
    /// `Requests`).
    Window(RowSource),
    /// JSON Lines (or JSON array) record files: a path or a glob, resolved against the
    /// rubric's directory.
    Files(PathBuf),
}

/// What a fairness check compares across groups.
#[derive(Debug, Clone, PartialEq)]
pub enum FairnessMode {
    /// The mean of a per-record score (accuracy parity).
    Score(String),
    /// The selection rate of a prediction (demographic parity), and with a label the true
    /// and false positive rates (equalized odds).
    Selection {
        prediction: String,
        label: Option<String>,
    },
}

/// `fairness`: outcomes compared across groups, as fairlearn and Aequitas define them.
#[derive(Debug, Clone)]
pub struct Fairness {
    pub records: RecordsSource,
    /// Dotted path to the group attribute.
    pub group: String,
    pub task: Option<(String, globset::GlobMatcher)>,
    pub mode: FairnessMode,
    /// The positive class, normalized (`true` → `1`, `1.0` → `1`).
    pub positive: String,
    pub min_group_size: u64,
    pub max_difference: Option<f64>,
    pub min_ratio: Option<f64>,
    pub max_equalized_odds_difference: Option<f64>,
}

/// `perturbation_gap`: a metric against its worst case under a kind of perturbation (HELM).
#[derive(Debug, Clone)]
pub struct PerturbationGap {
    pub selector: Selector,
    pub perturbation: String,
    pub max_gap: f64,
}

/// `documentation`: a model card or technical documentation, checked against the evidence.
#[derive(Debug, Clone)]
pub struct Documentation {
    pub file: PathBuf,
    pub sections: Vec<String>,
    pub fields: Vec<String>,
    pub claims_match: Option<ClaimsMatch>,
}

/// `claims_match`: the card's model-index results must match the evidence.
#[derive(Debug, Clone)]
pub struct ClaimsMatch {
    pub tolerance: f64,
    /// Claim id (`<dataset>/<metric>`) → selector.
    pub map: std::collections::BTreeMap<String, Selector>,
}

/// `drift`: the production window's fields against the reference window's (Evidently's
/// methods).
#[derive(Debug, Clone)]
pub struct Drift {
    /// Exact field paths.
    pub fields: Vec<String>,
    /// Field globs (`*`, `features.*`), as written and compiled.
    pub patterns: Vec<(String, globset::GlobMatcher)>,
    pub exclude: Vec<globset::GlobMatcher>,
    /// `None`: `auto`.
    pub method: Option<crate::stats::drift::Method>,
    pub threshold: Option<f64>,
    pub drift_share: Option<f64>,
    pub kinds: std::collections::BTreeMap<String, crate::evidence::production::Kind>,
    pub window: Option<crate::evidence::production::Window>,
    pub reference_window: Option<crate::evidence::production::Window>,
    /// How per-field p-values are adjusted; `None`: Holm when each drifted field fails the
    /// check, none with `drift_share` (Evidently's share of drifted columns).
    pub correction: Option<Correction>,
}

/// `trend`: a metric over the history of evaluation runs.
#[derive(Debug, Clone)]
pub struct Trend {
    pub selector: Selector,
    /// Runs of this check's own history (resolved), else the evidence's.
    pub history: Vec<PathBuf>,
    pub max_drop_from_best: Option<f64>,
    /// (reference runs, sigmas)
    pub band: Option<(u64, f64)>,
    pub higher_is_better: Option<bool>,
    /// Differences between the series' runs the rubric accepts on purpose.
    pub accept: Vec<Aspect>,
}

/// `provenance`: every current run records the required items.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub require: Vec<crate::checks::provenance::Item>,
    pub forbid_limit: bool,
}

/// `manifest`: a committed manifest matches the files on disk and covers the inputs.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub file: PathBuf,
    pub root: PathBuf,
}

/// How close repeated runs must agree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    Absolute(f64),
    /// Within the standard error of their difference, `sqrt(se_a² + se_b²)`.
    Stderr,
}

/// `repeatability`: runs with identical provenance agree on a metric.
#[derive(Debug, Clone)]
pub struct Repeatability {
    pub selector: Selector,
    pub tolerance: Tolerance,
    /// Differences that do not keep runs from being repeats.
    pub accept: Vec<Aspect>,
}

/// `trials`: repeated runs (seeds, HELM trials) of the same evaluation agree.
#[derive(Debug, Clone)]
pub struct Trials {
    pub selector: Selector,
    /// At least 2.
    pub min_runs: u64,
    pub max_sd: Option<f64>,
    /// Differences that do not keep runs from being trials of one evaluation.
    pub accept: Vec<Aspect>,
}

/// `power`: the run is large enough to detect `detect`.
#[derive(Debug, Clone)]
pub struct Power {
    pub selector: Selector,
    /// Above 0.
    pub detect: f64,
    pub alpha: f64,
    pub power: f64,
    /// Correlation of two models' per-sample scores assumed when no baseline samples
    /// measure it; `None`: lmms-eval's 0.5.
    pub correlation: Option<f64>,
}

/// A parameter a sweep varies, as recorded in a run's provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SweepParam {
    /// The task's few-shot count.
    NumFewshot,
    /// A generation setting: lm-eval `gen_kwargs`, HELM `adapter_spec`.
    Generation(String),
    /// An lm-eval `model_args` entry (`dtype`, `max_length`).
    ModelArg(String),
    /// A seed (`random_seed`, `numpy_seed`, `torch_seed`, `fewshot_seed`).
    Seed(String),
    /// `--limit`.
    Limit,
}

impl SweepParam {
    /// Parses `num_fewshot`, `gen_kwargs.K`, `adapter_spec.K`, `model_args.K`,
    /// `seeds.K` or `limit`.
    pub fn parse(s: &str) -> Option<SweepParam> {
        let (head, key) = match s.split_once('.') {
            Some((h, k)) if !k.is_empty() => (h, Some(k.to_owned())),
            Some(_) => return None,
            None => (s, None),
        };
        match (head, key) {
            ("num_fewshot", None) => Some(SweepParam::NumFewshot),
            ("limit", None) => Some(SweepParam::Limit),
            ("gen_kwargs" | "adapter_spec" | "generation", Some(k)) => {
                Some(SweepParam::Generation(k))
            }
            ("model_args", Some(k)) => Some(SweepParam::ModelArg(k)),
            ("seeds" | "seed", Some(k)) => Some(SweepParam::Seed(k)),
            _ => None,
        }
    }
}

/// `sweep`: runs over settings of some parameters; the best setting, and whether it is
/// significantly better than the runner-up.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub selector: Selector,
    /// (as written, parsed)
    pub over: Vec<(String, SweepParam)>,
    /// At least 2.
    pub min_configs: u64,
    pub alpha: f64,
    pub require_significant: bool,
    pub higher_is_better: Option<bool>,
    /// How the best-against-runner-up tests of the check's metrics are adjusted (default Holm).
    pub correction: Correction,
    /// Differences between the settings' runs the rubric accepts (beyond the swept
    /// parameters themselves).
    pub accept: Vec<Aspect>,
}

/// Where an S7P6 check reads records: an input role or files the rubric names.
#[derive(Debug, Clone, PartialEq)]
pub enum RowSource {
    Production,
    Reference,
    Requests,
    /// The per-sample records of that role's runs (lm-eval samples logs, Inspect AI logs),
    /// one row per sample.
    Runs(crate::model::Role),
    /// A path or glob, resolved against the rubric's directory.
    Files(PathBuf),
}

impl RowSource {
    /// The role's name, or the path as given.
    pub fn label(&self) -> String {
        match self {
            RowSource::Production => "production".into(),
            RowSource::Reference => "reference".into(),
            RowSource::Requests => "requests".into(),
            RowSource::Runs(role) => role.to_string(),
            RowSource::Files(p) => p.display().to_string(),
        }
    }
}

/// A field of an A/B test that must not degrade.
#[derive(Debug, Clone, PartialEq)]
pub struct Guardrail {
    pub field: String,
    pub higher_is_better: bool,
    /// Degradation tolerated before it counts (metric units, at least 0).
    pub max_degradation: f64,
}

/// `ab_test`: treatment against control on production records.
#[derive(Debug, Clone)]
pub struct AbTest {
    pub records: RowSource,
    pub variant: String,
    /// Normalized arm names.
    pub control: String,
    pub treatment: String,
    pub outcome: String,
    pub higher_is_better: bool,
    /// The non-inferiority margin: the interval of the lift must lie above `−min_lift`.
    pub min_lift: f64,
    pub alpha: f64,
    pub min_samples: u64,
    /// (normalized arm, share) in the order written.
    pub expected_split: Option<Vec<(String, f64)>>,
    pub guardrails: Vec<Guardrail>,
    /// How the guardrails' tests are adjusted as one family (default Holm).
    pub correction: Correction,
    /// Always-valid (mSPRT) tests and intervals in place of the fixed-horizon ones.
    pub sequential: Option<Sequential>,
    /// The CUPED covariate field.
    pub covariate: Option<String>,
}

/// `ab_test: { sequential: true, tau }`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sequential {
    /// The mixing standard deviation when the rubric gives one.
    pub tau: Option<f64>,
    /// Records per arm at which the sequence is narrowest, when the rubric gives it.
    pub horizon: Option<u64>,
}

/// `agreement`: offline metric and online outcome rank model versions alike.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub offline: Selector,
    pub records: RowSource,
    pub model: String,
    pub outcome: String,
    pub higher_is_better: bool,
    pub min_spearman: f64,
    /// At least 3.
    pub min_models: u64,
    /// (item id field, minimum kappa)
    pub kappa: Option<(String, f64)>,
    /// Differences between the models' offline runs the rubric accepts.
    pub accept: Vec<Aspect>,
}

/// `feedback`: production feedback is fresh, plentiful and covers the traffic.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub records: RowSource,
    pub timestamp: String,
    pub field: Option<String>,
    /// Seconds.
    pub max_age: Option<f64>,
    pub min_events: Option<u64>,
    pub coverage: Option<FeedbackCoverage>,
}

/// `calibration`: the model's stated confidence matches how often it is right.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub records: RowSource,
    pub confidence: String,
    pub correct: String,
    pub max_ece: f64,
    pub bins: usize,
    pub binning: crate::stats::calibration::Binning,
    pub min_samples: u64,
}

/// `estimated_performance`: a classifier's performance on unlabelled records, estimated
/// from its calibrated confidence (NannyML's CBPE).
#[derive(Debug, Clone)]
pub struct EstimatedPerformance {
    pub reference: RowSource,
    pub records: RowSource,
    pub score: String,
    pub prediction: Prediction,
    pub label: String,
    pub metric: crate::stats::cbpe::Metric,
    pub min: Option<f64>,
    pub max_drop: Option<f64>,
    pub chunk: Option<Chunk>,
    /// Isotonic calibration on the reference (else the scores are taken as they are).
    pub isotonic: bool,
}

/// How a record's predicted class is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    Field(String),
    /// Positive when the score is at least this.
    Threshold(f64),
}

/// How the unlabelled records are split.
#[derive(Debug, Clone, PartialEq)]
pub enum Chunk {
    Size(u64),
    /// One chunk per UTC calendar day of this timestamp field.
    Day(String),
}

/// The share of traffic with feedback.
#[derive(Debug, Clone)]
pub struct FeedbackCoverage {
    pub of: RowSource,
    pub min: f64,
    pub timestamp: String,
}

pub use crate::text::normalize_category;

/// Every problem found in a rubric.
#[derive(Debug, Clone)]
pub struct RubricError {
    /// The rubric's display name (its path).
    pub origin: String,
    pub text: String,
    pub errors: Vec<DeError>,
}

impl fmt::Display for RubricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors.len() > 1 {
            writeln!(
                f,
                "{}: invalid rubric, {} problems:",
                self.origin,
                self.errors.len()
            )?;
        }
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(&crate::diag::render(
                &self.origin,
                &self.text,
                e.loc,
                &e.message,
            ))?;
        }
        Ok(())
    }
}

impl std::error::Error for RubricError {}

/// The rubrics shipped in `rubrics/`, embedded in the binary so that `--rubric NAME` works
/// wherever govgate is installed: (name, one-line summary, text).
pub const SHIPPED: &[(&str, &str, &str)] = &[
    (
        "default",
        "S7P1 quality gates and S7P4 provenance (required); S7P2 bias and S7P3 drift, reported",
        include_str!("../../rubrics/default.yaml"),
    ),
    (
        "eu-ai-act",
        "S7P2 evidence for EU AI Act Annex IV 1(a), 2(g), 3, 4: model card, group parity, perturbation gaps, true claims",
        include_str!("../../rubrics/eu-ai-act.yaml"),
    ),
    (
        "helm-safety",
        "S7P2 bias and toxicity gates on HELM BBQ and RealToxicityPrompts runs",
        include_str!("../../rubrics/helm-safety.yaml"),
    ),
    (
        "release-readiness",
        "All six processes as a pre-release checklist: quality, provenance, seeds and power, sweeps, A/B test, offline-online agreement, feedback",
        include_str!("../../rubrics/release-readiness.yaml"),
    ),
    (
        "production-monitoring",
        "S7P3 and S7P6 on a schedule: input drift, accuracy estimated without labels per day, an always-valid A/B test with CUPED",
        include_str!("../../rubrics/production-monitoring.yaml"),
    ),
];

/// The embedded default rubric's text.
pub const DEFAULT_RUBRIC: &str = SHIPPED[0].2;

/// The text of a shipped rubric, by name.
pub fn shipped(name: &str) -> Option<&'static str> {
    SHIPPED
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, t)| *t)
}

/// Parses and validates rubric text. `base_dir` resolves the rubric's input paths.
pub fn parse(
    text: &str,
    origin: Origin,
    base_dir: &Path,
) -> std::result::Result<Rubric, RubricError> {
    let fail = |errors: Vec<DeError>| RubricError {
        origin: origin.to_string(),
        text: text.to_owned(),
        errors,
    };
    let root = yaml::parse(text).map_err(|e| fail(vec![e]))?;
    let mut errors = Vec::new();
    let raw = raw::collect(&root, &mut errors);
    let rubric = validate::validate(raw, origin.clone(), base_dir, &mut errors);
    if errors.is_empty() {
        let mut rubric = rubric;
        rubric.sha256 = crate::evidence::sha256_hex(text.as_bytes());
        rubric.text = text.to_owned();
        Ok(rubric)
    } else {
        errors.sort_by_key(|e| e.loc.map(|l| (l.line, l.column)).unwrap_or((0, 0)));
        errors.dedup();
        Err(fail(errors))
    }
}

/// Reads and validates a rubric file.
pub fn load(path: &Path) -> Result<Rubric> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > yaml::MAX_RUBRIC_BYTES as u64 {
        return Err(Error::input(
            path,
            format!(
                "{} bytes is too large for a rubric (limit {})",
                meta.len(),
                yaml::MAX_RUBRIC_BYTES
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text =
        String::from_utf8(bytes).map_err(|e| Error::input(path, format!("not UTF-8 text: {e}")))?;
    let base = path.parent().unwrap_or(Path::new(""));
    Ok(parse(&text, Origin::File(path.to_path_buf()), base)?)
}

/// The embedded default rubric. Its inputs (none) resolve against the working directory.
pub fn embedded_default() -> Result<Rubric> {
    Ok(parse(
        DEFAULT_RUBRIC,
        Origin::Embedded("default"),
        Path::new(""),
    )?)
}

/// A rubric named on the command line: a file, or else the name of a shipped rubric, whose
/// relative paths (a model card, records) then resolve against the working directory.
/// A name that is neither is an input error listing the shipped names.
pub fn resolve(arg: &Path) -> Result<Rubric> {
    let text = arg.to_str().unwrap_or("");
    // Something that looks like a path (`rubrics/x.yaml`, `gate.yml`) is only ever a file.
    if arg.exists() || text.contains(['/', '\\', '.']) || text.is_empty() {
        return load(arg);
    }
    match SHIPPED.iter().find(|(n, _, _)| *n == text) {
        Some((name, _, text)) => Ok(parse(text, Origin::Embedded(name), Path::new(""))?),
        None => Err(Error::input(
            arg,
            format!(
                "no such rubric file, and not the name of a shipped rubric ({})",
                SHIPPED
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Rubric {
        parse(text, Origin::Embedded("test"), Path::new("")).expect("valid rubric")
    }

    fn parse_err(text: &str) -> RubricError {
        parse(text, Origin::File("r.yaml".into()), Path::new("")).expect_err("invalid rubric")
    }

    #[test]
    fn every_shipped_rubric_is_valid_and_resolves_by_name() {
        for (name, _, text) in SHIPPED {
            let r = parse(text, Origin::Embedded(name), Path::new(""))
                .unwrap_or_else(|e| panic!("shipped rubric {name}: {e}"));
            assert_eq!(r.name, *name, "the name inside {name}.yaml");
            let by_name = resolve(Path::new(name)).expect("resolves");
            assert_eq!(by_name.sha256, r.sha256);
        }
        let err = resolve(Path::new("eu-ai-akt")).expect_err("unknown name");
        assert!(
            err.to_string()
                .contains("not the name of a shipped rubric (default, eu-ai-act, helm-safety, release-readiness, production-monitoring)"),
            "{err}"
        );
    }

    #[test]
    fn the_embedded_default_is_valid() {
        let r = embedded_default().expect("default rubric parses");
        assert_eq!(r.name, "default");
        assert_eq!(r.require[ProcessId::S7P1.index()], Some(1));
        assert!(
            r.checks
                .iter()
                .any(|c| matches!(c.kind, CheckKind::Coverage(_)))
        );
        assert!(
            r.checks
                .iter()
                .any(|c| matches!(c.kind, CheckKind::Regression(_)))
        );
    }

    #[test]
    fn a_full_rubric() {
        let r = parse_ok(
            r#"
version: 1
name: release-gate
inputs: { current: results/, baseline: [base/v1/] }
require: { S7P1: 2 }
processes:
  S7P1:
    - id: mmlu-floor
      level: 2
      rationale: "agreed with product"
      threshold: { metric: mmlu/acc, min: 0.60, confidence: 0.95 }
    - id: no-regression
      level: 3
      advisory: true
      regression: { metric: "*/acc", max_drop: 0.01, alpha: 0.05 }
    - id: coverage
      level: 1
      coverage: { tasks: [mmlu*, gsm8k], min_samples: 100 }
"#,
        );
        assert_eq!(r.checks.len(), 3);
        assert_eq!(r.require[0], Some(2));
        assert_eq!(r.inputs.current, vec![PathBuf::from("results/")]);
        assert!(r.checks[1].advisory);
        assert_eq!(r.checks[0].line, 8);
        match &r.checks[0].kind {
            CheckKind::Threshold(t) => {
                assert_eq!(t.min, Some(0.6));
                assert_eq!(t.confidence, Some(0.95));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_error_is_reported_with_its_location() {
        let e = parse_err(
            r#"version: 1
name: bad
colour: red
require: { S7P9: 2, S7P1: 5 }
processes:
  S7P1:
    - id: a
      level: 4
      threshold: { metric: mmlu/acc, mni: 0.5 }
    - id: a
      level: 2
      threshold: { metric: mmlu/acc, min: 0.7, max: 0.6, confidence: 1.5 }
    - id: c
      level: 1
    - id: d
      level: 1
      regression: { metric: "*/acc", alpha: 0.05 }
      coverage: { tasks: [] }
  S7P7: []
"#,
        );
        let msgs: Vec<(u32, String)> = e
            .errors
            .iter()
            .map(|d| (d.loc.map(|l| l.line).unwrap_or(0), d.message.clone()))
            .collect();
        let has =
            |line: u32, needle: &str| msgs.iter().any(|(l, m)| *l == line && m.contains(needle));
        assert!(has(3, "unknown key `colour`"), "{msgs:#?}");
        assert!(has(4, "unknown process `S7P9`"), "{msgs:#?}");
        assert!(has(4, "level must be 0, 1, 2 or 3"), "{msgs:#?}");
        assert!(
            has(9, "unknown key `mni`; did you mean `min`?"),
            "{msgs:#?}"
        );
        assert!(has(10, "duplicate check id `a`"), "{msgs:#?}");
        assert!(
            has(12, "`min` (0.7) is greater than `max` (0.6)"),
            "{msgs:#?}"
        );
        assert!(has(12, "`confidence` must be between 0 and 1"), "{msgs:#?}");
        assert!(has(13, "has no check kind"), "{msgs:#?}");
        assert!(
            has(17, "needs `max_drop` or `max_relative_drop`"),
            "{msgs:#?}"
        );
        assert!(has(18, "more than one check kind"), "{msgs:#?}");
        assert!(has(18, "`tasks` needs at least one"), "{msgs:#?}");
        assert!(has(19, "unknown process `S7P7`"), "{msgs:#?}");
        assert_eq!(msgs.len(), 12, "{msgs:#?}");
        let rendered = e.to_string();
        assert!(
            rendered.starts_with("r.yaml: invalid rubric, "),
            "{rendered}"
        );
        assert!(rendered.contains("r.yaml:9:"), "{rendered}");
    }

    #[test]
    fn semantic_errors_of_a_parsed_check() {
        let e = parse_err(
            "version: 2\nname: x\nprocesses:\n  S7P1:\n    - id: a\n      level: 4\n      threshold: { metric: acc, min: .nan }\n",
        );
        let text = e.to_string();
        assert!(text.contains("unsupported rubric version 2"), "{text}");
        assert!(text.contains("level must be 1, 2 or 3"), "{text}");
        assert!(text.contains("must have the form task/metric"), "{text}");
        assert!(text.contains("`min` must be a finite number"), "{text}");
    }

    #[test]
    fn yaml_syntax_errors() {
        let e = parse_err("version: 1\nname: [x\n");
        assert_eq!(e.errors.len(), 1);
        assert!(e.errors[0].loc.is_some());
        let e = parse_err("version: 1\nversion: 1\n");
        assert!(e.to_string().contains("duplicate"), "{e}");
    }

    proptest::proptest! {
        /// Any text is a rubric or a list of errors, never a panic.
        #[test]
        fn arbitrary_text_never_panics(s in "[a-z0-9:{}\\[\\],\\- \n*/@.\"']{0,120}") {
            let _ = parse(&s, Origin::Embedded("prop"), Path::new(""));
        }
    }

    #[test]
    fn missing_top_level_keys() {
        let e = parse_err("name: x\n");
        let text = e.to_string();
        assert!(text.contains("missing key `version`"), "{text}");
        assert!(text.contains("missing key `processes`"), "{text}");
    }
}

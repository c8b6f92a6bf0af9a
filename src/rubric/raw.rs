//! Phase 1: the rubric as written, in strict serde structs.
//!
//! Every struct denies unknown keys. The top level, each process and each check are
//! deserialized separately from the YAML node tree, so one bad check does not hide the
//! errors of the next: all structural errors of a file are collected.

use schemars::JsonSchema;
use serde::Deserialize;

use super::yaml::{DeError, Key, Kind, Loc, Node, Sp, from_node, unknown_key_message};

/// Keys of the rubric's top level.
pub const TOP_KEYS: &[&str] = &[
    "version",
    "name",
    "description",
    "inputs",
    "require",
    "processes",
];

/// `inputs:` — default input paths, relative to the rubric file. Command-line arguments
/// override them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Inputs")]
pub struct RawInputs {
    /// Evaluation outputs of the candidate (files, directories or globs).
    #[serde(default)]
    pub current: Option<Vec<Sp<String>>>,
    /// Evaluation outputs of the baseline the candidate is compared with.
    #[serde(default)]
    pub baseline: Option<Vec<Sp<String>>>,
    /// Records of the validated reference window (for `drift`).
    #[serde(default)]
    pub reference: Option<Vec<Sp<String>>>,
    /// Records of the production window (for `drift`).
    #[serde(default)]
    pub production: Option<Vec<Sp<String>>>,
    /// Request (traffic) records (for `feedback` coverage).
    #[serde(default)]
    pub requests: Option<Vec<Sp<String>>>,
    /// Earlier evaluation runs (for `trend`).
    #[serde(default)]
    pub history: Option<Vec<Sp<String>>>,
}

/// One check as written: `id`, `level`, and exactly one check kind.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::exactly_one_kind)]
#[schemars(rename = "Check")]
pub struct RawCheck {
    /// Stable identifier, unique in the rubric (used in reports, JUnit names, SARIF rule ids).
    pub id: Sp<String>,
    /// Support level this check belongs to: 1 evidence exists, 2 meets thresholds,
    /// 3 meets them with rigor.
    #[schemars(range(min = 1, max = 3))]
    pub level: Sp<u8>,
    /// Why this check and this threshold (shown in reports).
    #[serde(default)]
    pub rationale: Option<String>,
    /// Reported but never lowers the level.
    #[serde(default)]
    pub advisory: Option<Sp<bool>>,
    #[serde(default)]
    pub threshold: Option<Sp<RawThreshold>>,
    #[serde(default)]
    pub regression: Option<Sp<RawRegression>>,
    #[serde(default)]
    pub coverage: Option<Sp<RawCoverage>>,
    #[serde(default)]
    pub fairness: Option<Sp<RawFairness>>,
    #[serde(default)]
    pub perturbation_gap: Option<Sp<RawPerturbationGap>>,
    #[serde(default)]
    pub documentation: Option<Sp<RawDocumentation>>,
    #[serde(default)]
    pub drift: Option<Sp<RawDrift>>,
    #[serde(default)]
    pub trend: Option<Sp<RawTrend>>,
    #[serde(default)]
    pub provenance: Option<Sp<RawProvenance>>,
    #[serde(default)]
    pub manifest: Option<Sp<RawManifest>>,
    #[serde(default)]
    pub repeatability: Option<Sp<RawRepeatability>>,
    #[serde(default)]
    pub trials: Option<Sp<RawTrials>>,
    #[serde(default)]
    pub power: Option<Sp<RawPower>>,
    #[serde(default)]
    pub sweep: Option<Sp<RawSweep>>,
    #[serde(default)]
    pub ab_test: Option<Sp<RawAbTest>>,
    #[serde(default)]
    pub agreement: Option<Sp<RawAgreement>>,
    #[serde(default)]
    pub feedback: Option<Sp<RawFeedback>>,
    #[serde(default)]
    pub calibration: Option<Sp<RawCalibration>>,
    #[serde(default)]
    pub estimated_performance: Option<Sp<RawEstimatedPerformance>>,
}

/// Names of the check kinds, as written in a rubric.
pub const KIND_KEYS: &[&str] = &[
    "threshold",
    "regression",
    "coverage",
    "fairness",
    "perturbation_gap",
    "documentation",
    "drift",
    "trend",
    "provenance",
    "manifest",
    "repeatability",
    "trials",
    "power",
    "sweep",
    "ab_test",
    "agreement",
    "feedback",
    "calibration",
    "estimated_performance",
];

/// `threshold: { metric, min, max, confidence }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Threshold")]
pub struct RawThreshold {
    /// Selector of the metrics (`task/metric@variant`, globs allowed).
    pub metric: Sp<String>,
    /// Lower bound: value >= min.
    #[serde(default)]
    pub min: Option<Sp<f64>>,
    /// Upper bound: value <= max.
    #[serde(default)]
    pub max: Option<Sp<f64>>,
    /// The bound must hold for the end of this two-sided confidence interval (0.95: value ± 1.96·stderr).
    #[serde(default)]
    pub confidence: Option<Sp<f64>>,
    /// Gate on |value| (signed scores such as BBQ bias, where −0.3 is as biased as 0.3).
    #[serde(default)]
    pub abs: Option<bool>,
    /// A dotted per-sample field whose value groups items that share context (`doc.passage_id`,
    /// Inspect `metadata.<key>`): with `confidence`, the clustered standard error and t on clusters − 1 degrees of freedom.
    #[serde(default)]
    pub cluster: Option<Sp<String>>,
}

/// `regression: { metric, max_drop, max_relative_drop, alpha, higher_is_better, correction,
/// cluster, accept_differences }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Regression")]
pub struct RawRegression {
    /// Selector of the metrics compared with the baseline (`task/metric@variant`, globs allowed).
    pub metric: Sp<String>,
    /// Tolerated absolute worsening (at least 0).
    #[serde(default)]
    pub max_drop: Option<Sp<f64>>,
    /// Tolerated worsening relative to |baseline| (0.02 = 2%).
    #[serde(default)]
    pub max_relative_drop: Option<Sp<f64>>,
    /// Fail only if the drop is also significant at this two-sided level.
    #[serde(default)]
    pub alpha: Option<Sp<f64>>,
    /// Overrides the direction the evidence gives.
    #[serde(default)]
    pub higher_is_better: Option<bool>,
    /// How the check's tests are adjusted as one family: `holm` (default), `bonferroni`,
    /// `bh` (Benjamini–Hochberg) or `none`.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::correction_schema")]
    pub correction: Option<Sp<String>>,
    /// A dotted per-sample field whose value groups items that share context (`doc.passage_id`,
    /// Inspect `metadata.<key>`): clustered standard errors and a cluster bootstrap.
    #[serde(default)]
    pub cluster: Option<Sp<String>>,
    /// Differences between the compared runs accepted on purpose (`n_shot`, `task_version`,
    /// `task_hash`, `documents`, `limit`, `dataset`, `samples`, `scorer`, `scenario`, `method`,
    /// `prompt`, `outputs`, `trials`); the finding still names them.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::aspects_schema")]
    pub accept_differences: Option<Sp<Vec<Sp<String>>>>,
}

/// `coverage: { tasks, min_samples, allow_limit }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Coverage")]
pub struct RawCoverage {
    /// Task names or globs; each must match a task of the current runs.
    pub tasks: Sp<Vec<Sp<String>>>,
    /// Documents each matched task must have evaluated.
    #[serde(default)]
    pub min_samples: Option<Sp<u64>>,
    /// Accept runs made with `--limit` (HELM: `max_eval_instances` reached); default false.
    #[serde(default)]
    pub allow_limit: Option<bool>,
}

/// One entry of a process's list of checks.
#[derive(Debug, Clone)]
pub struct RawCheckSlot {
    pub loc: Loc,
    /// The entry's `id`, read on its own so duplicates are found even when the rest of
    /// the check is malformed.
    pub id: Option<Sp<String>>,
    /// `None` where the check failed to deserialize (its error is collected).
    pub check: Option<RawCheck>,
}

/// A process's list of checks.
#[derive(Debug, Clone)]
pub struct RawProcess {
    pub key: Key,
    pub checks: Vec<RawCheckSlot>,
}

/// The whole rubric as written; `None` where a part failed to deserialize.
#[derive(Debug, Clone, Default)]
pub struct RawRubric {
    pub root: Loc,
    pub version: Option<Sp<u32>>,
    pub name: Option<Sp<String>>,
    pub description: Option<String>,
    pub inputs: Option<RawInputs>,
    pub require: Vec<(Key, Option<Sp<u8>>)>,
    pub processes: Vec<RawProcess>,
}

fn keep<T>(r: Result<T, DeError>, errors: &mut Vec<DeError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Deserializes the rubric's parts from the node tree, collecting every error.
pub fn collect(root: &Node, errors: &mut Vec<DeError>) -> RawRubric {
    let mut raw = RawRubric {
        root: root.loc,
        ..RawRubric::default()
    };
    let Some(entries) = root.entries() else {
        errors.push(DeError::at(
            root.loc,
            format!(
                "a rubric is a mapping with `version`, `name` and `processes`; found {}",
                root.describe()
            ),
        ));
        return raw;
    };
    let mut seen = std::collections::HashSet::new();
    for (key, value) in entries {
        seen.insert(key.name.as_str());
        match key.name.as_str() {
            "version" => raw.version = keep(from_node(value), errors),
            "name" => raw.name = keep(from_node(value), errors),
            "description" => raw.description = keep(from_node(value), errors),
            "inputs" => raw.inputs = keep(from_node(value), errors),
            "require" => raw.require = collect_require(value, errors),
            "processes" => raw.processes = collect_processes(value, errors),
            other => errors.push(DeError::at(key.loc, unknown_key_message(other, TOP_KEYS))),
        }
    }
    for required in ["version", "name", "processes"] {
        if !seen.contains(required) {
            errors.push(DeError::at(root.loc, format!("missing key `{required}`")));
        }
    }
    raw
}

fn collect_require(node: &Node, errors: &mut Vec<DeError>) -> Vec<(Key, Option<Sp<u8>>)> {
    let Some(entries) = node.entries() else {
        errors.push(DeError::at(
            node.loc,
            format!(
                "`require` maps process ids to levels, e.g. {{S7P1: 2}}; found {}",
                node.describe()
            ),
        ));
        return Vec::new();
    };
    entries
        .iter()
        .map(|(k, v)| (k.clone(), keep(from_node(v), errors)))
        .collect()
}

fn collect_processes(node: &Node, errors: &mut Vec<DeError>) -> Vec<RawProcess> {
    let Some(entries) = node.entries() else {
        errors.push(DeError::at(
            node.loc,
            format!(
                "`processes` maps process ids (S7P1 … S7P6) to lists of checks; found {}",
                node.describe()
            ),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let checks = match &value.kind {
            Kind::Seq(items) => items
                .iter()
                .map(|item| RawCheckSlot {
                    loc: item.loc,
                    id: item
                        .entries()
                        .and_then(|e| e.iter().find(|(k, _)| k.name == "id"))
                        .and_then(|(_, v)| from_node(v).ok()),
                    check: keep(from_node::<RawCheck>(item), errors),
                })
                .collect(),
            _ => {
                errors.push(DeError::at(
                    value.loc,
                    format!(
                        "`{}` must be a list of checks (write `[]` for none); found {}",
                        key.name,
                        value.describe()
                    ),
                ));
                Vec::new()
            }
        };
        out.push(RawProcess {
            key: key.clone(),
            checks,
        });
    }
    out
}

/// `fairness: { records, group, score | prediction [+ label], … }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Fairness")]
pub struct RawFairness {
    /// `current`, `baseline`, `history` (the per-sample logs of those runs), `reference`,
    /// `production`, `requests` (the records windows), or a path or glob of JSON Lines or
    /// Parquet records, relative to the rubric.
    pub records: Sp<String>,
    /// Dotted path to the group attribute (`doc.gender`, `instance.extra_data.region`).
    pub group: Sp<String>,
    /// Tasks of the runs to use (glob); default every task with per-sample values.
    #[serde(default)]
    pub task: Option<Sp<String>>,
    /// Per-record score whose mean per group is compared (`acc`, `stats.exact_match`).
    #[serde(default)]
    pub score: Option<Sp<String>>,
    /// Per-record prediction: the selection rate per group is compared.
    #[serde(default)]
    pub prediction: Option<Sp<String>>,
    /// Per-record true label (with `prediction`): true / false positive rates per group.
    #[serde(default)]
    pub label: Option<Sp<String>>,
    /// The positive class of `prediction` and `label` (default 1; `true` counts as 1).
    #[serde(default)]
    pub positive: Option<Sp<String>>,
    /// Groups with fewer records are reported and left out (default 30).
    #[serde(default)]
    pub min_group_size: Option<Sp<u64>>,
    /// Largest allowed demographic-parity difference (max − min group rate).
    #[serde(default)]
    pub max_difference: Option<Sp<f64>>,
    /// Smallest allowed demographic-parity ratio (min / max group rate; 0.8 = four-fifths rule).
    #[serde(default)]
    pub min_ratio: Option<Sp<f64>>,
    /// Largest allowed equalized-odds difference (with `prediction` and `label`).
    #[serde(default)]
    pub max_equalized_odds_difference: Option<Sp<f64>>,
}

/// `perturbation_gap: { metric, perturbation, max_gap }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PerturbationGap")]
pub struct RawPerturbationGap {
    /// Selector of unperturbed metrics (`task/metric@variant`, globs allowed).
    pub metric: Sp<String>,
    /// `fairness`, `robustness`, or one perturbation's name (`dialect`, `mild_mix`).
    pub perturbation: Sp<String>,
    /// Largest allowed `value − worst` (HELM worst-case row), at least 0.
    pub max_gap: Sp<f64>,
}

/// `documentation: { file, sections, fields, claims_match }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Documentation")]
pub struct RawDocumentation {
    /// Markdown file with optional YAML front matter, relative to the rubric.
    pub file: Sp<String>,
    /// Headings that must be present with content (case-insensitive).
    #[serde(default)]
    pub sections: Option<Vec<Sp<String>>>,
    /// Front-matter keys that must be present and non-empty (dotted paths allowed).
    #[serde(default)]
    pub fields: Option<Vec<Sp<String>>>,
    /// Every result the card claims in its `model-index` must match the evidence.
    #[serde(default)]
    pub claims_match: Option<Sp<RawClaimsMatch>>,
}

/// `claims_match: { tolerance, map }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ClaimsMatch")]
pub struct RawClaimsMatch {
    /// Allowed absolute difference between a claimed and a measured value.
    pub tolerance: Sp<f64>,
    /// Claim (`<dataset>/<metric>`, as messages name it) → selector, where names differ.
    #[serde(default)]
    pub map: Option<std::collections::BTreeMap<String, Sp<String>>>,
}

/// `drift: { fields, exclude, method, threshold, drift_share, kind, timestamp, window,
/// reference_window }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Drift")]
pub struct RawDrift {
    /// Dotted paths (or CSV columns), or globs over every field found (`"*"`).
    pub fields: Sp<Vec<Sp<String>>>,
    /// Globs of fields a pattern in `fields` does not take.
    #[serde(default)]
    pub exclude: Option<Vec<Sp<String>>>,
    /// `auto` (Evidently's choice by type and size) or a method name.
    #[serde(default)]
    pub method: Option<Sp<String>>,
    /// The method's threshold (its default otherwise).
    #[serde(default)]
    pub threshold: Option<Sp<f64>>,
    /// Fail when the share of drifted fields is at least this (else: any drifted field).
    #[serde(default)]
    pub drift_share: Option<Sp<f64>>,
    /// `numeric` or `categorical` per field, overriding the inference.
    #[serde(default)]
    pub kind: Option<std::collections::BTreeMap<String, Sp<String>>>,
    /// The timestamp field the windows select on.
    #[serde(default)]
    pub timestamp: Option<Sp<String>>,
    /// The production window.
    #[serde(default)]
    pub window: Option<Sp<RawWindow>>,
    /// The reference window.
    #[serde(default)]
    pub reference_window: Option<Sp<RawWindow>>,
    /// How per-field p-values are adjusted: `holm` (default without `drift_share`),
    /// `bonferroni`, `bh` or `none` (default with `drift_share`, Evidently's convention).
    #[serde(default)]
    #[schemars(schema_with = "super::schema::correction_schema")]
    pub correction: Option<Sp<String>>,
}

/// `{ last: 7d }` or `{ from, to }` (RFC 3339 dates or UNIX seconds).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Window")]
pub struct RawWindow {
    /// The last span before `--now` (`7d`, `36h`, `90m`).
    #[serde(default)]
    pub last: Option<Sp<String>>,
    /// Start (inclusive): RFC 3339 date or time, or UNIX seconds.
    #[serde(default)]
    pub from: Option<Sp<String>>,
    /// End (exclusive): RFC 3339 date or time, or UNIX seconds.
    #[serde(default)]
    pub to: Option<Sp<String>>,
}

/// `trend: { metric, history, max_drop_from_best, band, higher_is_better }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Trend")]
pub struct RawTrend {
    /// Selector of the metric followed across runs.
    pub metric: Sp<String>,
    /// Earlier runs (paths relative to the rubric); default: `--history` / `inputs.history`.
    #[serde(default)]
    pub history: Option<Vec<Sp<String>>>,
    /// Largest allowed worsening of the latest run against the best run so far.
    #[serde(default)]
    pub max_drop_from_best: Option<Sp<f64>>,
    /// Mean ± sigmas·sd of the first `reference_runs` runs (NannyML's standard-deviation
    /// threshold).
    #[serde(default)]
    pub band: Option<Sp<RawBand>>,
    /// Overrides the direction the evidence gives.
    #[serde(default)]
    pub higher_is_better: Option<bool>,
    /// Differences between the compared runs accepted on purpose (`n_shot`, `task_version`,
    /// `task_hash`, `documents`, `limit`, `dataset`, `samples`, `scorer`, `scenario`, `method`,
    /// `prompt`, `outputs`, `trials`); the finding still names them.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::aspects_schema")]
    pub accept_differences: Option<Sp<Vec<Sp<String>>>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Band")]
pub struct RawBand {
    /// The first runs of the history that define the band (at least 2).
    pub reference_runs: Sp<u64>,
    /// Half-width of the band in standard deviations of the reference runs.
    pub sigmas: Sp<f64>,
}

/// `provenance: { require, forbid_limit }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Provenance")]
pub struct RawProvenance {
    /// Items every current run must record.
    #[serde(default)]
    pub require: Option<Vec<Sp<String>>>,
    /// The run must not be limited (`--limit`, HELM's `max_eval_instances` reached).
    #[serde(default)]
    pub forbid_limit: Option<bool>,
}

/// `manifest: { file, root }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Manifest")]
pub struct RawManifest {
    /// The committed manifest, relative to the rubric.
    pub file: Sp<String>,
    /// The directory its subject names are relative to (default: the rubric's).
    #[serde(default)]
    pub root: Option<Sp<String>>,
}

/// `repeatability: { metric, tolerance }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Repeatability")]
pub struct RawRepeatability {
    /// Selector of the metrics (`task/metric@variant`, globs allowed).
    pub metric: Sp<String>,
    /// A number (absolute) or `stderr`.
    pub tolerance: Sp<String>,
    /// Differences between the compared runs accepted on purpose (`n_shot`, `task_version`,
    /// `task_hash`, `documents`, `limit`, `dataset`, `samples`, `scorer`, `scenario`, `method`,
    /// `prompt`, `outputs`, `trials`); the finding still names them.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::aspects_schema")]
    pub accept_differences: Option<Sp<Vec<Sp<String>>>>,
}

/// `trials: { metric, min_runs, max_sd }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Trials")]
pub struct RawTrials {
    /// Selector of the metrics (`task/metric@variant`, globs allowed).
    pub metric: Sp<String>,
    /// Runs (or HELM trials) the group needs (default 3).
    #[serde(default)]
    pub min_runs: Option<Sp<u64>>,
    /// Largest allowed between-run standard deviation.
    #[serde(default)]
    pub max_sd: Option<Sp<f64>>,
    /// Differences between the compared runs accepted on purpose (`n_shot`, `task_version`,
    /// `task_hash`, `documents`, `limit`, `dataset`, `samples`, `scorer`, `scenario`, `method`,
    /// `prompt`, `outputs`, `trials`); the finding still names them.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::aspects_schema")]
    pub accept_differences: Option<Sp<Vec<Sp<String>>>>,
}

/// `power: { metric, detect, alpha, power, correlation }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Power")]
pub struct RawPower {
    /// Selector of the metrics (`task/metric@variant`, globs allowed).
    pub metric: Sp<String>,
    /// The effect the next comparison must be able to detect (absolute, metric units).
    pub detect: Sp<f64>,
    /// Two-sided significance level (default 0.05).
    #[serde(default)]
    pub alpha: Option<Sp<f64>>,
    /// Power (default 0.8).
    #[serde(default)]
    pub power: Option<Sp<f64>>,
    /// Expected correlation of per-sample scores of two models on the same items, when no
    /// baseline samples give it (default 0.5, as lmms-eval).
    #[serde(default)]
    pub correlation: Option<Sp<f64>>,
}

/// `sweep: { metric, over, min_configs, alpha, require_significant, higher_is_better }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Sweep")]
pub struct RawSweep {
    /// Selector of the metric compared across settings.
    pub metric: Sp<String>,
    /// The parameters the runs vary (`gen_kwargs.temperature`, `num_fewshot`, …).
    pub over: Sp<Vec<Sp<String>>>,
    /// Distinct settings needed (default 3).
    #[serde(default)]
    pub min_configs: Option<Sp<u64>>,
    /// Significance level of best against runner-up (default 0.05).
    #[serde(default)]
    pub alpha: Option<Sp<f64>>,
    /// Fail unless the best setting beats the runner-up significantly.
    #[serde(default)]
    pub require_significant: Option<bool>,
    /// Overrides the direction the evidence gives.
    #[serde(default)]
    pub higher_is_better: Option<bool>,
    /// How the check's tests are adjusted as one family: `holm` (default), `bonferroni`,
    /// `bh` (Benjamini–Hochberg) or `none`.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::correction_schema")]
    pub correction: Option<Sp<String>>,
    /// Differences between the compared runs accepted on purpose (`n_shot`, `task_version`,
    /// `task_hash`, `documents`, `limit`, `dataset`, `samples`, `scorer`, `scenario`, `method`,
    /// `prompt`, `outputs`, `trials`); the finding still names them.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::aspects_schema")]
    pub accept_differences: Option<Sp<Vec<Sp<String>>>>,
}

/// A guardrail: a field name (lower is better) or `{ field, higher_is_better, max_degradation }`.
#[derive(Debug, Clone)]
pub enum RawGuardrail {
    Field(String),
    Spec(RawGuardrailSpec),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "GuardrailSpec")]
pub struct RawGuardrailSpec {
    /// The field that must not degrade.
    pub field: String,
    /// Direction of the field (default: lower is better).
    #[serde(default)]
    pub higher_is_better: Option<bool>,
    /// Degradation tolerated before the test (default 0).
    #[serde(default)]
    pub max_degradation: Option<f64>,
}

impl<'de> Deserialize<'de> for RawGuardrail {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawGuardrail;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name or `{ field, higher_is_better, max_degradation }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawGuardrail, E> {
                Ok(RawGuardrail::Field(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawGuardrail, A::Error> {
                RawGuardrailSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawGuardrail::Spec)
            }
        }
        d.deserialize_any(V)
    }
}

/// `ab_test: { records, variant, control, treatment, outcome, … }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AbTest")]
pub struct RawAbTest {
    /// `production` (default), `reference`, `requests` (the records windows), `current`,
    /// `baseline`, `history` (the runs' per-sample records), or a path or glob of records.
    #[serde(default)]
    pub records: Option<Sp<String>>,
    /// The field naming each record's arm.
    pub variant: Sp<String>,
    /// The `variant` value of the control arm.
    pub control: Sp<String>,
    /// The `variant` value of the treatment arm.
    pub treatment: Sp<String>,
    /// The per-record outcome: 0/1 (two-proportion z-test) or numeric (Welch t-test).
    pub outcome: Sp<String>,
    /// Direction of the outcome (default: higher is better).
    #[serde(default)]
    pub higher_is_better: Option<bool>,
    /// Treatment may be worse than control by at most this, shown at `alpha` (default 0).
    #[serde(default)]
    pub min_lift: Option<Sp<f64>>,
    /// Significance level: the lift's two-sided 1 − alpha interval must lie above −min_lift (default 0.05).
    #[serde(default)]
    pub alpha: Option<Sp<f64>>,
    /// Records each arm needs (default 100).
    #[serde(default)]
    pub min_samples: Option<Sp<u64>>,
    /// Intended share of each arm: a sample-ratio mismatch (chi-square p < 0.001) fails.
    #[serde(default)]
    pub expected_split: Option<Sp<std::collections::BTreeMap<String, Sp<f64>>>>,
    /// Fields that must not degrade significantly.
    #[serde(default)]
    pub guardrails: Option<Vec<Sp<RawGuardrail>>>,
    /// How the guardrails' tests are adjusted as one family: `holm` (default), `bonferroni`,
    /// `bh` (Benjamini–Hochberg) or `none`.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::correction_schema")]
    pub correction: Option<Sp<String>>,
    /// Always-valid inference (the mixture sequential probability ratio test) in place of
    /// the fixed-horizon tests, for a gate that looks at accumulating records again and
    /// again (default false).
    #[serde(default)]
    pub sequential: Option<Sp<bool>>,
    /// The mSPRT's mixing standard deviation, on the outcome's scale (default: the one that
    /// makes the interval narrowest when each arm has `min_samples` records).
    #[serde(default)]
    pub tau: Option<Sp<f64>>,
    /// Records per arm at which the mSPRT's sequence is narrowest (sizes `tau`; default
    /// `min_samples`): the experiment's planned size.
    #[serde(default)]
    pub horizon: Option<Sp<u64>>,
    /// A pre-period covariate field: the outcome is adjusted by CUPED,
    /// `y − θ(x − x̄)` with `θ = cov(y, x)/var(x)` pooled across the arms.
    #[serde(default)]
    pub covariate: Option<Sp<String>>,
}

/// `agreement: { offline, online: { records, model, outcome }, min_spearman, min_models, kappa }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Agreement")]
pub struct RawAgreement {
    /// Selector of the offline metric in the evaluation runs.
    pub offline: Sp<String>,
    /// The production records and how to read a model and an outcome from them.
    pub online: Sp<RawOnline>,
    /// Smallest allowed Spearman rank correlation of offline and online results across models.
    pub min_spearman: Sp<f64>,
    /// Models present on both sides needed (default 3, at least 3).
    #[serde(default)]
    pub min_models: Option<Sp<u64>>,
    /// Per-item agreement of offline correctness and the online outcome.
    #[serde(default)]
    pub kappa: Option<Sp<RawKappa>>,
    /// Differences between the compared runs accepted on purpose (`n_shot`, `task_version`,
    /// `task_hash`, `documents`, `limit`, `dataset`, `samples`, `scorer`, `scenario`, `method`,
    /// `prompt`, `outputs`, `trials`); the finding still names them.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::aspects_schema")]
    pub accept_differences: Option<Sp<Vec<Sp<String>>>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Online")]
pub struct RawOnline {
    /// `production` (default), `reference`, `requests` (the records windows), `current`,
    /// `baseline`, `history` (the runs' per-sample records), or a path or glob of records.
    #[serde(default)]
    pub records: Option<Sp<String>>,
    /// The field naming the model (version) that served the record.
    pub model: Sp<String>,
    /// The per-record outcome whose rate per model is ranked.
    pub outcome: Sp<String>,
    /// Direction of the outcome (default: higher is better).
    #[serde(default)]
    pub higher_is_better: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Kappa")]
pub struct RawKappa {
    /// The field carrying the id of an evaluated item (`doc_id`, HELM `instance_id`).
    pub item: Sp<String>,
    /// Smallest allowed Cohen's kappa.
    pub min: Sp<f64>,
}

/// `feedback: { records, timestamp, field, max_age, min_events, coverage }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Feedback")]
pub struct RawFeedback {
    /// `production` (default), `reference`, `requests` (the records windows), `current`,
    /// `baseline`, `history` (the runs' per-sample records), or a path or glob of records.
    #[serde(default)]
    pub records: Option<Sp<String>>,
    /// The timestamp field of a feedback record (RFC 3339 or UNIX seconds).
    pub timestamp: Sp<String>,
    /// A record is a feedback event when it carries this field (default: every record).
    #[serde(default)]
    pub field: Option<Sp<String>>,
    /// The newest event may be at most this old (`7d`, `36h`); also the window counted.
    #[serde(default)]
    pub max_age: Option<Sp<String>>,
    /// Feedback events the window needs.
    #[serde(default)]
    pub min_events: Option<Sp<u64>>,
    /// The share of the traffic that received feedback.
    #[serde(default)]
    pub coverage: Option<Sp<RawFeedbackCoverage>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "FeedbackCoverage")]
pub struct RawFeedbackCoverage {
    /// The traffic: `requests` (default), `production`, `reference`, or a path or glob.
    #[serde(default)]
    pub of: Option<Sp<String>>,
    /// Smallest share of that traffic with feedback.
    pub min: Sp<f64>,
    /// The traffic's timestamp field (default: the feedback's).
    #[serde(default)]
    pub timestamp: Option<Sp<String>>,
}

/// `calibration: { records, confidence, correct, max_ece, bins, binning, min_samples }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Calibration")]
pub struct RawCalibration {
    /// `current` (default), `baseline`, `history` (the runs' per-sample records),
    /// `production`, `reference`, `requests` (the records windows), or a path or glob.
    #[serde(default)]
    pub records: Option<Sp<String>>,
    /// The dotted field holding the model's confidence in its answer, in [0, 1].
    pub confidence: Sp<String>,
    /// The dotted field saying whether the answer was right (0/1 or a boolean).
    pub correct: Sp<String>,
    /// Largest allowed expected calibration error.
    pub max_ece: Sp<f64>,
    /// Number of bins (default 10).
    #[serde(default)]
    pub bins: Option<Sp<u64>>,
    /// `equal_mass` (default: HELM's `ece_10_bin`) or `equal_width`.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::binning_schema")]
    pub binning: Option<Sp<String>>,
    /// Pairs needed for an estimate (default 300: HELM's note on `ece_10_bin`).
    #[serde(default)]
    pub min_samples: Option<Sp<u64>>,
}

/// `estimated_performance: { reference, records, score, prediction | threshold, label, metric,
/// min, max_drop, chunk, calibration }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "EstimatedPerformance")]
pub struct RawEstimatedPerformance {
    /// The labelled window the calibration is fit on: `reference` (default), another role, or
    /// a path or glob of records.
    #[serde(default)]
    pub reference: Option<Sp<String>>,
    /// The unlabelled window estimated: `production` (default), another role, or a path or
    /// glob of records.
    #[serde(default)]
    pub records: Option<Sp<String>>,
    /// The dotted field holding the model's probability of the positive class.
    pub score: Sp<String>,
    /// The dotted field holding the predicted class (0/1 or a boolean).
    #[serde(default)]
    pub prediction: Option<Sp<String>>,
    /// Instead of `prediction`: the class is positive when the score is at least this.
    #[serde(default)]
    pub threshold: Option<Sp<f64>>,
    /// The dotted field holding the true class, read on the reference only.
    pub label: Sp<String>,
    /// `accuracy` (default), `precision`, `recall` or `f1`.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::cbpe_metric_schema")]
    pub metric: Option<Sp<String>>,
    /// A floor on the estimate.
    #[serde(default)]
    pub min: Option<Sp<f64>>,
    /// The largest drop of the estimate below the reference's realised value.
    #[serde(default)]
    pub max_drop: Option<Sp<f64>>,
    /// Estimate per chunk: `{ size: N }` records, or `{ period: day, timestamp: FIELD }`.
    #[serde(default)]
    pub chunk: Option<Sp<RawChunk>>,
    /// `isotonic` (default: NannyML's) or `none` (the scores are already calibrated).
    #[serde(default)]
    #[schemars(schema_with = "super::schema::cbpe_calibration_schema")]
    pub calibration: Option<Sp<String>>,
}

/// `chunk: { size }` or `chunk: { period, timestamp }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Chunk")]
pub struct RawChunk {
    /// Records per chunk, in file order (the last chunk may be smaller).
    #[serde(default)]
    pub size: Option<Sp<u64>>,
    /// `day`: one chunk per UTC calendar day of `timestamp`.
    #[serde(default)]
    pub period: Option<Sp<String>>,
    /// The timestamp field a period reads (RFC 3339 or UNIX seconds).
    #[serde(default)]
    pub timestamp: Option<Sp<String>>,
}

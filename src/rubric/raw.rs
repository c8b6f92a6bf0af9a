//! Phase 1: the rubric as written, in strict serde structs.
//!
//! Every struct denies unknown keys. The top level, each process and each check are
//! deserialized separately from the YAML node tree, so one bad check does not hide the
//! errors of the next: all structural errors of a file are collected.

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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Earlier evaluation runs (for `trend`).
    #[serde(default)]
    pub history: Option<Vec<Sp<String>>>,
}

/// One check as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    /// Stable identifier, unique in the rubric (used in reports, JUnit names, SARIF rule ids).
    pub id: Sp<String>,
    /// Support level this check belongs to: 1 evidence exists, 2 meets thresholds,
    /// 3 meets them with rigor.
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
];

/// `threshold: { metric, min, max, confidence }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThreshold {
    pub metric: Sp<String>,
    #[serde(default)]
    pub min: Option<Sp<f64>>,
    #[serde(default)]
    pub max: Option<Sp<f64>>,
    #[serde(default)]
    pub confidence: Option<Sp<f64>>,
    /// Gate on |value| (signed scores such as BBQ bias, where −0.3 is as biased as 0.3).
    #[serde(default)]
    pub abs: Option<bool>,
}

/// `regression: { metric, max_drop, max_relative_drop, alpha, higher_is_better }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegression {
    pub metric: Sp<String>,
    #[serde(default)]
    pub max_drop: Option<Sp<f64>>,
    #[serde(default)]
    pub max_relative_drop: Option<Sp<f64>>,
    #[serde(default)]
    pub alpha: Option<Sp<f64>>,
    #[serde(default)]
    pub higher_is_better: Option<bool>,
}

/// `coverage: { tasks, min_samples, allow_limit }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCoverage {
    pub tasks: Sp<Vec<Sp<String>>>,
    #[serde(default)]
    pub min_samples: Option<Sp<u64>>,
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFairness {
    /// `current` / `baseline` (the per-sample logs of those runs) or a path or glob of
    /// JSON Lines records, relative to the rubric.
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerturbationGap {
    pub metric: Sp<String>,
    /// `fairness`, `robustness`, or one perturbation's name (`dialect`, `mild_mix`).
    pub perturbation: Sp<String>,
    pub max_gap: Sp<f64>,
}

/// `documentation: { file, sections, fields, claims_match }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClaimsMatch {
    /// Allowed absolute difference between a claimed and a measured value.
    pub tolerance: Sp<f64>,
    /// Claim (`<dataset>/<metric>`, as messages name it) → selector, where names differ.
    #[serde(default)]
    pub map: Option<std::collections::BTreeMap<String, Sp<String>>>,
}

/// `drift: { fields, exclude, method, threshold, drift_share, kind, timestamp, window,
/// reference_window }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
}

/// `{ last: 7d }` or `{ from, to }` (RFC 3339 dates or UNIX seconds).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    #[serde(default)]
    pub last: Option<Sp<String>>,
    #[serde(default)]
    pub from: Option<Sp<String>>,
    #[serde(default)]
    pub to: Option<Sp<String>>,
}

/// `trend: { metric, history, max_drop_from_best, band, higher_is_better }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrend {
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
    #[serde(default)]
    pub higher_is_better: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub reference_runs: Sp<u64>,
    pub sigmas: Sp<f64>,
}

/// `provenance: { require, forbid_limit }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvenance {
    /// Items every current run must record.
    #[serde(default)]
    pub require: Option<Vec<Sp<String>>>,
    /// The run must not be limited (`--limit`, HELM's `max_eval_instances` reached).
    #[serde(default)]
    pub forbid_limit: Option<bool>,
}

/// `manifest: { file, root }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawManifest {
    /// The committed manifest, relative to the rubric.
    pub file: Sp<String>,
    /// The directory its subject names are relative to (default: the rubric's).
    #[serde(default)]
    pub root: Option<Sp<String>>,
}

/// `repeatability: { metric, tolerance }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRepeatability {
    pub metric: Sp<String>,
    /// A number (absolute) or `stderr`.
    pub tolerance: Sp<String>,
}

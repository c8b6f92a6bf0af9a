//! `documentation`: a model card or technical documentation, checked for its sections,
//! its front-matter fields, and — with `claims_match` — its published results against the
//! evaluation evidence.
//!
//! ## What it checks
//! * `sections`: each heading is present (case-insensitive) with content. Hugging Face's
//!   template placeholder `[More Information Needed]` and HTML comments are not content.
//! * `fields`: each front-matter key (dotted paths allowed) is present and non-empty.
//! * `claims_match: { tolerance }`: every result the card claims in its `model-index`
//!   matches a metric of the current runs within the tolerance. A claim names a dataset
//!   (`type`, `name`, `config`) and a metric `type`; it matches a metric whose name is that
//!   type (or its alias: `accuracy` is `acc`, `em` is `exact_match`, …) in a task named like
//!   the dataset (`mmlu`, `MMLU`, HELM's `mmlu:subject=anatomy` with config `anatomy`).
//!   Where names differ, `map:` ties a claim (`<dataset>/<metric>`, as messages print it)
//!   to a selector. A claim above 1 against a metric in [0, 1] is read as a percentage.
//!   When the matching metrics come from runs of several models, only the model the
//!   `model-index` entry names counts (`acme-tiny-7b` is `acme/tiny-7b`); a claim is never
//!   confirmed by another model's score.
//!
//! ## Why it matters
//! EU AI Act Annex IV asks for the intended purpose (1(a)), the validation and testing
//! procedures and results (2(g)) and the accuracy for groups (3); model cards (Mitchell et
//! al., 2019) for intended use, evaluation data and caveats. And what a card publishes
//! must be what was measured.
//!
//! ## Configuration
//! ```yaml
//! - id: model-card
//!   level: 3
//!   documentation:
//!     file: MODEL_CARD.md
//!     sections: [Intended Use, Limitations, Evaluation Data]
//!     fields: [license, model-index]
//!     claims_match: { tolerance: 0.005 }
//! ```
//!
//! ## Failure
//! A missing section, an empty section, a missing or empty field, a claim no metric
//! matches, and a claim off by more than the tolerance each fail, named. A missing file is
//! `missing`; a `claims_match` on a card that claims nothing is `missing`.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Detail, Finding, Status};
use crate::error::Result;
use crate::evidence::card::{self, Card, Claim};
use crate::model::{Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::{ClaimsMatch, Documentation};

/// The numbers behind a claim finding.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDetail {
    pub claim: String,
    pub claimed: String,
    /// The claim as compared (a percentage divided by 100).
    pub compared: Option<f64>,
    /// The metrics the claim was matched with and their values.
    pub measured: Vec<(String, f64)>,
    pub tolerance: f64,
}

/// `accuracy` is `acc`, `em` is `exact_match`, …: names one metric goes by.
const ALIASES: &[&[&str]] = &[
    &["acc", "accuracy"],
    &["exact_match", "em", "exact-match"],
    &["f1", "f1_score"],
    &["acc_norm", "accuracy_norm", "normalized_accuracy"],
    &["mcc", "matthews_correlation"],
    &["pass@1", "pass_at_1"],
];

/// Lowercase, runs of non-alphanumerics as one `_`, trimmed.
fn norm(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

fn metric_names(t: &str) -> BTreeSet<String> {
    let n = norm(t);
    let mut set = BTreeSet::from([n.clone()]);
    for group in ALIASES {
        if group.iter().any(|a| norm(a) == n) {
            set.extend(group.iter().map(|a| norm(a)));
        }
    }
    set
}

fn dataset_names(c: &Claim) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let ty = c
        .dataset_type
        .as_deref()
        .map(|t| t.rsplit('/').next().unwrap_or(t));
    for v in [ty, c.dataset_name.as_deref(), c.dataset_config.as_deref()]
        .into_iter()
        .flatten()
    {
        set.insert(norm(v));
    }
    if let (Some(t), Some(cfg)) = (ty, c.dataset_config.as_deref()) {
        set.insert(norm(&format!("{t}_{cfg}")));
    }
    set
}

/// The names a task goes by: itself, HELM's scenario, and scenario plus argument values.
fn task_names(task: &str) -> BTreeSet<String> {
    let mut set = BTreeSet::from([norm(task)]);
    if let Some((scenario, args)) = task.split_once(':') {
        set.insert(norm(scenario));
        let values: Vec<&str> = args
            .split(',')
            .filter_map(|a| a.split_once('=').map(|(_, v)| v))
            .collect();
        set.insert(norm(&format!("{scenario}_{}", values.join("_"))));
    }
    set
}

/// The model a run measured, as `claims` compares it with a card's `model-index` name.
fn model_of(run: &Run) -> String {
    run.model
        .name
        .clone()
        .unwrap_or_else(|| "unknown model".into())
}

/// The last path segment, normalized: `acme/tiny-7b` and `acme-tiny-7b` both end `tiny_7b`.
fn same_model(run_model: &str, card_model: &str) -> bool {
    let (r, c) = (norm(run_model), norm(card_model));
    let tail = |s: &str| norm(s.rsplit('/').next().unwrap_or(s));
    let t = tail(run_model);
    r == c || t == tail(card_model) || c.ends_with(&format!("_{t}"))
}

/// The metrics a claim may be compared with. Where they were measured for more than one
/// model, only those of the model the card's `model-index` names count (`Err` lists the
/// models when it names none of them): a claim about one model is never confirmed by
/// another's score.
fn candidates<'a>(
    c: &Claim,
    cm: &ClaimsMatch,
    runs: &'a [Run],
) -> std::result::Result<Vec<&'a Metric>, BTreeSet<String>> {
    // A card claims unperturbed results: HELM's `+perturbation` rows are never candidates.
    let unperturbed =
        |m: &Metric| !m.informational && !m.variant.as_deref().unwrap_or("").contains('+');
    let found: Vec<(&Run, &Metric)> = match cm.map.get(&c.id) {
        Some(sel) => sel
            .select(runs)
            .into_iter()
            .filter(|(_, m)| unperturbed(m))
            .collect(),
        None => {
            let (metrics, datasets) = (metric_names(&c.metric_type), dataset_names(c));
            runs.iter()
                .flat_map(|r| r.metrics.iter().map(move |m| (r, m)))
                .filter(|(_, m)| unperturbed(m))
                .filter(|(_, m)| metrics.contains(&norm(&m.name)))
                .filter(|(_, m)| task_names(&m.task).iter().any(|t| datasets.contains(t)))
                .collect()
        }
    };
    let found = on_split(c, found);
    let models: BTreeSet<String> = found.iter().map(|(r, _)| model_of(r)).collect();
    if models.len() <= 1 {
        return Ok(found.into_iter().map(|(_, m)| m).collect());
    }
    let mine: Vec<&Metric> = found
        .iter()
        .filter(|(r, _)| {
            c.model
                .as_deref()
                .is_some_and(|name| same_model(&model_of(r), name))
        })
        .map(|(_, m)| *m)
        .collect();
    if mine.is_empty() {
        Err(models)
    } else {
        Ok(mine)
    }
}

/// HELM measures a metric per split (`exact_match@test`, `@valid`). A claim is compared
/// with the split its `dataset.split` states (`validation` is HELM's `valid`), and without
/// one with `test` where the run has it: a card's number is the test-set number unless it
/// says otherwise. lm-eval metrics carry no split and are left as they are.
fn on_split<'a>(c: &Claim, found: Vec<(&'a Run, &'a Metric)>) -> Vec<(&'a Run, &'a Metric)> {
    let split_of = |r: &Run, m: &Metric| {
        (r.format.tool == crate::model::Tool::Helm).then(|| {
            let v = m.variant.as_deref().unwrap_or("");
            v.split(['.', '+']).next().unwrap_or("").to_owned()
        })
    };
    let wanted = match c.dataset_split.as_deref().map(str::trim) {
        Some("validation") => "valid".to_owned(),
        Some(s) => s.to_owned(),
        None => "test".to_owned(),
    };
    let keep = |r: &Run, m: &Metric| split_of(r, m).is_none_or(|s| s == wanted);
    if c.dataset_split.is_some()
        || found
            .iter()
            .any(|(r, m)| split_of(r, m).as_deref() == Some(&*wanted))
    {
        found.into_iter().filter(|(r, m)| keep(r, m)).collect()
    } else {
        found
    }
}

fn claim_finding(c: &Claim, cm: &ClaimsMatch, runs: &[Run]) -> Finding {
    let found = candidates(c, cm, runs);
    let mut f = Finding {
        subject: format!("claim {}", c.id),
        run: None,
        baseline: None,
        status: Status::Fail,
        message: String::new(),
        observed: String::new(),
        expected: format!("within {} of the evidence", fmt(cm.tolerance)),
        detail: None,
    };
    let Some(claimed) = c.value else {
        f.message = format!("claim {} = {:?} states no number", c.id, c.raw);
        f.observed = format!("{:?}", c.raw);
        return f;
    };
    let found = match found {
        Ok(found) => found,
        Err(models) => {
            f.message = format!(
                "claim {} = {} is measured for several models ({}) and the card's model-index \
                 name {} is none of them: pass one model's runs, or name it in model-index",
                c.id,
                c.raw,
                models.into_iter().collect::<Vec<_>>().join(", "),
                c.model
                    .as_deref()
                    .map_or("(none)".to_owned(), |m| format!("`{m}`"))
            );
            f.observed = "ambiguous model".into();
            return f;
        }
    };
    if found.is_empty() {
        f.message = format!(
            "claim {} = {} matches no metric in the evidence (tie it to one with claims_match.map: {{\"{}\": <selector>}})",
            c.id, c.raw, c.id
        );
        f.observed = "no matching metric".into();
        return f;
    }
    let measured: Vec<(String, f64)> = found.iter().map(|m| (m.label(), m.value)).collect();
    // A percentage against a proportion.
    let compared = if claimed.abs() > 1.0 && found.iter().all(|m| m.value.abs() <= 1.0) {
        claimed / 100.0
    } else {
        claimed
    };
    let best = found
        .iter()
        .min_by(|a, b| {
            (a.value - compared)
                .abs()
                .total_cmp(&(b.value - compared).abs())
        })
        .copied();
    f.detail = Some(Detail::Claim(ClaimDetail {
        claim: c.id.clone(),
        claimed: c.raw.clone(),
        compared: Some(compared),
        measured: measured.clone(),
        tolerance: cm.tolerance,
    }));
    if let Some(m) = best {
        let diff = (m.value - compared).abs();
        f.observed = format!("measured {}", fmt(m.value));
        if diff <= cm.tolerance + 1e-12 {
            f.status = Status::Pass;
            f.message = format!(
                "claim {} = {} matches {} = {} (within {})",
                c.id,
                c.raw,
                m.label(),
                fmt(m.value),
                fmt(cm.tolerance)
            );
        } else {
            f.message = format!(
                "claim {} = {} but the evidence says {} = {} (off by {}, tolerance {})",
                c.id,
                c.raw,
                m.label(),
                fmt(m.value),
                fmt(diff),
                fmt(cm.tolerance)
            );
        }
    }
    f
}

pub fn run(d: &Documentation, evidence: &Evidence) -> Result<Vec<Finding>> {
    let file = d.file.display().to_string();
    let Some(card) = card::read(&d.file)? else {
        return Ok(vec![Finding {
            subject: file.clone(),
            run: None,
            baseline: None,
            status: Status::Missing,
            message: format!("{file} does not exist"),
            observed: "no file".into(),
            expected: "the document".into(),
            detail: None,
        }]);
    };
    let mut out = Vec::new();
    for title in &d.sections {
        out.push(section_finding(&card, &file, title));
    }
    for key in &d.fields {
        let (status, message, observed) = match card.field(key) {
            None => (
                Status::Fail,
                format!("{file}: front matter has no `{key}`"),
                "absent",
            ),
            Some(n) if card::is_empty(n) => (
                Status::Fail,
                format!("{file}: front matter `{key}` is empty"),
                "empty",
            ),
            Some(_) => (
                Status::Pass,
                format!("{file}: front matter has `{key}`"),
                "present",
            ),
        };
        out.push(Finding {
            subject: format!("field {key}"),
            run: None,
            baseline: None,
            status,
            message,
            observed: observed.into(),
            expected: "present, non-empty".into(),
            detail: None,
        });
    }
    if let Some(cm) = &d.claims_match {
        let claims = card.claims();
        if claims.is_empty() {
            out.push(Finding {
                subject: "claims".into(),
                run: None,
                baseline: None,
                status: Status::Missing,
                message: format!(
                    "{file} claims no results (no model-index in its front matter) to match"
                ),
                observed: "no claims".into(),
                expected: "model-index results".into(),
                detail: None,
            });
        }
        for c in &claims {
            out.push(claim_finding(c, cm, &evidence.current));
        }
    }
    if out.is_empty() {
        out.push(Finding {
            subject: file.clone(),
            run: None,
            baseline: None,
            status: Status::Pass,
            message: format!("{file} is present ({} sections)", card.sections.len()),
            observed: "present".into(),
            expected: "the document".into(),
            detail: None,
        });
    }
    Ok(out)
}

fn section_finding(card: &Card, file: &str, title: &str) -> Finding {
    let (status, message, observed) = match card.section(title) {
        None => (
            Status::Fail,
            format!("{file}: no section \"{title}\""),
            "absent".to_owned(),
        ),
        Some(s) if s.content.is_empty() => (
            Status::Fail,
            format!("{file}:{}: section \"{}\" is empty", s.line, s.title),
            "empty".to_owned(),
        ),
        Some(s) => (
            Status::Pass,
            format!(
                "{file}:{}: section \"{}\" ({} characters)",
                s.line,
                s.title,
                s.content.chars().count()
            ),
            format!("{} characters", s.content.chars().count()),
        ),
    };
    Finding {
        subject: format!("section {title}"),
        run: None,
        baseline: None,
        status,
        message,
        observed,
        expected: "present with content".into(),
        detail: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalize_and_alias() {
        assert_eq!(norm("ARC-Easy"), "arc_easy");
        assert_eq!(norm("allenai/ai2_arc"), "allenai_ai2_arc");
        assert!(metric_names("accuracy").contains("acc"));
        assert!(metric_names("EM").contains("exact_match"));
        assert!(task_names("mmlu:subject=anatomy").contains("mmlu_anatomy"));
        assert!(task_names("mmlu:subject=anatomy").contains("mmlu"));
    }

    #[test]
    fn a_card_names_its_model_loosely_but_not_another() {
        assert!(same_model("acme/tiny-7b", "acme-tiny-7b"));
        assert!(same_model("acme/tiny-7b", "tiny-7b"));
        assert!(same_model("meta-llama/Llama-2-7b-hf", "Llama-2-7b-hf"));
        assert!(!same_model("acme/tiny-7b-v0", "acme-tiny-7b"));
        assert!(!same_model("acme/tiny-7b", "acme-tiny-7b-v0"));
        // a suffix counts only at a word boundary
        assert!(!same_model("x/b", "tiny-7b"));
    }
}

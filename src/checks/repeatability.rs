//! `repeatability`: runs made the same way give the same number.
//!
//! ## What it checks
//! Across every run given (current, baseline, history), the runs holding a metric the
//! selector names are grouped by their provenance: model (name, and `model_sha`, revision
//! or HELM deployment), seeds, generation settings (`gen_kwargs`, HELM's `adapter_spec`),
//! the task's version and few-shot count, and the limit. Within each group of two or more,
//! every pair of values must agree within the tolerance: `tolerance: 0.01` absolutely, or
//! `tolerance: stderr` within the standard error of their difference,
//! `|a − b| <= sqrt(se_a² + se_b²)`.
//!
//! ## Why it matters
//! A number that moves when the same run is repeated is noise until shown otherwise;
//! reproducing it is the strongest provenance there is.
//!
//! ## Configuration
//! ```yaml
//! - id: reruns-agree
//!   level: 3
//!   repeatability: { metric: "*/acc", tolerance: 0.0 }
//! ```
//!
//! ## Failure
//! A pair outside the tolerance fails. Fewer than two comparable runs is `missing`, and
//! the runs that hold the metric but differ in provenance are named with what differs.

use std::collections::BTreeMap;

use super::{Finding, Status};
use crate::model::{Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::{Repeatability, Tolerance};

/// The model a run evaluated: its name and, when recorded, the most specific version
/// (`model_sha`, revision, HELM deployment).
pub(crate) fn model_key(run: &Run) -> String {
    let p = &run.provenance;
    format!(
        "{} {}",
        run.model.name.as_deref().unwrap_or("?"),
        run.model
            .sha
            .as_deref()
            .or(run.model.revision.as_deref())
            .or(p.model_args_revision.as_deref())
            .or(p.model_deployment.as_deref())
            .unwrap_or("")
    )
    .trim()
    .to_owned()
}

/// The model a run evaluated as people write it: `name@version`, or the name.
pub(crate) fn model_display(run: &Run) -> String {
    let p = &run.provenance;
    let name = run.model.name.as_deref().unwrap_or("?");
    match run
        .model
        .sha
        .as_deref()
        .or(run.model.revision.as_deref())
        .or(p.model_args_revision.as_deref())
        .or(p.model_deployment.as_deref())
        .filter(|v| !v.is_empty())
    {
        Some(v) => format!("{name}@{v}"),
        None => name.to_owned(),
    }
}

/// What must be identical for two runs of a task to be repeats, as named parts; with
/// `seeds: false` the seeds are left out (`trials`: runs that differ only in their seeds).
pub(crate) fn key(run: &Run, task: &str, seeds: bool) -> Key {
    let p = &run.provenance;
    let model = model_key(run);
    let seeds = if !seeds {
        String::new()
    } else {
        p.seeds
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut generation = p.gen_kwargs.clone().unwrap_or_default();
    for (k, v) in &p.generation {
        generation.push_str(&format!(" {k}={v}"));
    }
    let version = p.task_versions.get(task).cloned().unwrap_or_default();
    let shots = p
        .num_fewshot
        .get(task)
        .or_else(|| p.num_fewshot.get("*"))
        .map(|n| n.to_string())
        .unwrap_or_default();
    let limit = p.limit.map(fmt).unwrap_or_default();
    vec![
        ("model", model),
        ("seeds", seeds),
        ("generation", generation.trim().to_owned()),
        ("task version", version),
        ("few-shot", shots),
        ("limit", limit),
        ("scenario", p.scenario.clone().unwrap_or_default()),
    ]
}

pub fn run(r: &Repeatability, evidence: &Evidence) -> Vec<Finding> {
    let expected = match r.tolerance {
        Tolerance::Absolute(t) => format!("repeats within {}", fmt(t)),
        Tolerance::Stderr => "repeats within the stderr of their difference".into(),
    };
    let runs: Vec<&Run> = evidence
        .current
        .iter()
        .chain(&evidence.baseline)
        .chain(&evidence.history)
        .collect();
    // metric identity -> its occurrences
    let mut by_metric: BTreeMap<String, Vec<(&Run, &Metric)>> = BTreeMap::new();
    for run in &runs {
        for m in run.metrics.iter().filter(|m| r.selector.matches(m)) {
            by_metric.entry(m.label()).or_default().push((run, m));
        }
    }
    if by_metric.is_empty() {
        return vec![Finding::no_metric(&r.selector, expected)];
    }
    by_metric
        .into_iter()
        .map(|(label, occ)| judge(r, &label, occ, &expected))
        .collect()
}

/// The provenance parts two runs must share, by name.
pub(crate) type Key = Vec<(&'static str, String)>;
/// Runs sharing a key, with the metric each holds.
type Group<'r> = (Key, Vec<(&'r Run, &'r Metric)>);

fn judge(r: &Repeatability, label: &str, occ: Vec<(&Run, &Metric)>, expected: &str) -> Finding {
    let mut f = Finding::pending(label, expected);
    // group by provenance key
    let mut groups: Vec<Group<'_>> = Vec::new();
    for (run, m) in occ {
        let k = key(run, &m.task, true);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push((run, m)),
            None => groups.push((k, vec![(run, m)])),
        }
    }
    let comparable: Vec<&Group<'_>> = groups.iter().filter(|(_, m)| m.len() >= 2).collect();
    if comparable.is_empty() {
        let runs: Vec<String> = groups
            .iter()
            .flat_map(|(_, m)| m.iter().map(|(r, _)| r.label()))
            .collect();
        let differs = match groups.as_slice() {
            [a, b, ..] => {
                let parts: Vec<&str> =
                    a.0.iter()
                        .zip(&b.0)
                        .filter(|(x, y)| x.1 != y.1)
                        .map(|(x, _)| x.0)
                        .collect();
                format!("; they differ in {}", parts.join(", "))
            }
            _ => String::new(),
        };
        f.message = format!(
            "{label}: no two runs with identical provenance to compare ({} run(s): {}){differs}",
            runs.len(),
            runs.join(", ")
        );
        f.observed = format!("{} run(s), none repeated", runs.len());
        return f;
    }
    let mut problems = Vec::new();
    let mut spread = 0.0f64;
    let mut pairs = 0;
    for (_, members) in &comparable {
        for i in 0..members.len() {
            for j in (i + 1)..members.len() {
                let ((ra, a), (rb, b)) = (members[i], members[j]);
                pairs += 1;
                let d = (a.value - b.value).abs();
                spread = spread.max(d);
                let bound = match r.tolerance {
                    Tolerance::Absolute(t) => Some(t),
                    Tolerance::Stderr => match (a.stderr, b.stderr) {
                        (Some(x), Some(y)) => Some((x * x + y * y).sqrt()),
                        _ => None,
                    },
                };
                match bound {
                    None => problems.push(format!(
                        "{} or {} has no stderr to compare with",
                        ra.label(),
                        rb.label()
                    )),
                    Some(t) if !d.is_finite() || d > t + 1e-12 * t.max(1.0) => {
                        problems.push(format!(
                            "{} ({}) and {} ({}) differ by {} > {}",
                            ra.label(),
                            fmt(a.value),
                            rb.label(),
                            fmt(b.value),
                            fmt(d),
                            fmt(t)
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    let others: usize = groups
        .iter()
        .filter(|(_, m)| m.len() < 2)
        .map(|(_, m)| m.len())
        .sum();
    let note = if others > 0 {
        format!("; {others} run(s) with other provenance not compared")
    } else {
        String::new()
    };
    f.observed = format!("largest difference {} over {pairs} pair(s)", fmt(spread));
    if problems.is_empty() {
        f.status = Status::Pass;
        f.message = format!(
            "{label}: {pairs} pair(s) of identically made runs agree (largest difference {}){note}",
            fmt(spread)
        );
    } else {
        f.status = Status::Fail;
        f.message = format!("{label}: {}{note}", problems.join("; "));
    }
    f
}

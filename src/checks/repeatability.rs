//! `repeatability`: runs made the same way give the same number.
//!
//! ## What it checks
//! Across every run given (current, baseline, history), the runs holding a metric the
//! selector names are grouped by their provenance: model (name, and `model_sha`, revision
//! or HELM deployment), seeds, generation settings (`gen_kwargs`, HELM's `adapter_spec`),
//! and everything that decides what the task measured ([`crate::comparability`]: task
//! version, few-shot count, task hash, limit, dataset, HELM scenario and adapter, Inspect
//! sample ids and scorers; `accept_differences` sets aspects aside). Within each group of
//! two or more,
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

use std::collections::{BTreeMap, HashMap};

use super::{Finding, Status};
use crate::comparability;
use crate::model::{Aspect, Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::{Repeatability, Tolerance};

/// The model a run evaluated ([`Run::model_key`]).
pub(crate) fn model_key(run: &Run) -> String {
    run.model_key()
}

/// The model a run evaluated as people write it ([`Run::model_display`]).
pub(crate) fn model_display(run: &Run) -> String {
    run.model_display()
}

/// What two runs of a task differ in, beyond comparability: named parts of the provenance
/// (model, seeds, generation settings) that must be identical for them to be repeats,
/// then every difference [`comparability::compare`] refuses. Empty: the same evaluation,
/// made again. With `seeds: false` the seeds may differ (`trials`).
pub(crate) fn differences(
    (a, task_a): (&Run, &str),
    (b, task_b): (&Run, &str),
    seeds: bool,
    accept: &[Aspect],
) -> Vec<String> {
    let mut out: Vec<String> = key(a, task_a, seeds)
        .iter()
        .zip(key(b, task_b, seeds))
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| x.0.to_owned())
        .collect();
    let cmp = comparability::compare(a, task_a, b, task_b).accept(accept);
    out.extend(cmp.refused().iter().map(|d| d.to_string()));
    out
}

/// [`differences`] is empty, for two runs already known to share their [`key`]: only the
/// comparability of the two remains to ask (without formatting the keys again).
pub(crate) fn alike_with_same_key(
    (a, task_a): (&Run, &str),
    (b, task_b): (&Run, &str),
    accept: &[Aspect],
) -> bool {
    comparability::compare(a, task_a, b, task_b)
        .accept(accept)
        .refused()
        .is_empty()
}

/// Runs holding `m` grouped into repeats of one evaluation ([`differences`] empty against
/// the group's first run), groups in first-seen order.
pub(crate) fn groups<'r>(
    occ: &[(&'r Run, &'r Metric)],
    seeds: bool,
    accept: &[Aspect],
) -> Vec<Vec<(&'r Run, &'r Metric)>> {
    let mut groups: Vec<Vec<(&Run, &Metric)>> = Vec::new();
    // runs whose provenance keys differ are never repeats ([`differences`] names the key's
    // parts first): each run is compared only with the groups of its key, in their order,
    // not with every group (2,000 runs of 2,000 models made 2 million comparisons)
    let mut by_key: HashMap<Key, Vec<usize>> = HashMap::new();
    for (run, m) in occ {
        let same_key = by_key.entry(key(run, &m.task, seeds)).or_default();
        let home = same_key.iter().copied().find(|&g| {
            let (r0, m0) = groups[g][0];
            alike_with_same_key((r0, &m0.task), (run, &m.task), accept)
        });
        match home {
            Some(g) => groups[g].push((run, m)),
            None => {
                same_key.push(groups.len());
                groups.push(vec![(run, m)]);
            }
        }
    }
    groups
}

/// The provenance parts, beyond comparability, that must be identical for two runs of a
/// task to be repeats; with `seeds: false` the seeds are left out.
pub(crate) fn key(run: &Run, _task: &str, seeds: bool) -> Key {
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
    vec![
        ("model", model),
        ("seeds", seeds),
        ("generation", generation.trim().to_owned()),
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

fn judge(r: &Repeatability, label: &str, occ: Vec<(&Run, &Metric)>, expected: &str) -> Finding {
    let mut f = Finding::pending(label, expected);
    let groups = groups(&occ, true, &r.accept);
    let comparable: Vec<&Vec<(&Run, &Metric)>> = groups.iter().filter(|m| m.len() >= 2).collect();
    if comparable.is_empty() {
        let runs: Vec<String> = groups
            .iter()
            .flat_map(|m| m.iter().map(|(r, _)| r.label()))
            .collect();
        let differs = match groups.as_slice() {
            [a, b, ..] => {
                let (ra, ma) = a[0];
                let (rb, mb) = b[0];
                let parts = differences((ra, &ma.task), (rb, &mb.task), true, &r.accept);
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
    for members in &comparable {
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
    let others: usize = groups.iter().filter(|m| m.len() < 2).map(|m| m.len()).sum();
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

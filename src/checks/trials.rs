//! `trials`: the evaluation was repeated enough times, and its repeats agree.
//!
//! ## What it checks
//! For every metric the selector names in the current runs, the **group** of runs that
//! share everything in their provenance except their seeds — model and version, generation
//! settings, task version, few-shot count, limit, HELM scenario (the grouping of
//! `repeatability`, seeds left out) — across the current, baseline and history runs. The
//! group needs at least `min_runs` runs, and with `max_sd` a between-run standard
//! deviation of at most that.
//!
//! A HELM run that averaged several train trials (a Stat with `count` > 1), or a promptfoo
//! eval run with `--repeat k` (its k rounds), counts as that many runs: its `mean` and its spread across trials (HELM writes the population variance;
//! the sample standard deviation is `√(variance·k/(k − 1))`). When a group has two or more
//! runs, the runs' own values are used instead.
//!
//! The outcome states the runs used, their mean, the sample standard deviation (ddof = 1)
//! and the 95% interval of the mean, `mean ± t₀.₉₇₅,ₖ₋₁ · sd/√k` (scipy
//! `t.interval(0.95, k − 1, mean, sd/√k)`).
//!
//! ## Why it matters
//! A single run of a sampled or seeded evaluation is one draw. Its spread across seeds is
//! the noise floor below which two models, or two iterations, cannot be told apart.
//!
//! ## Configuration
//! ```yaml
//! - id: three-seeds
//!   level: 2
//!   trials: { metric: "gsm8k/exact_match@strict-match", min_runs: 3, max_sd: 0.01 }
//! ```
//!
//! ## Failure
//! Two or more runs but fewer than `min_runs`, or a standard deviation above `max_sd`,
//! fails and names the runs. A single run (no repeat to measure) is `missing`, as is no
//! current metric matching the selector. A non-finite value fails.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::repeatability::{Key, key};
use super::{Detail, Finding, Status};
use crate::comparability;
use crate::model::{Aspect, Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::Trials;
use crate::stats::{describe, twosample};

/// Confidence of the interval of the mean.
pub const CONFIDENCE: f64 = 0.95;

/// Runs' spread: mean, sample standard deviation and the 95% t-interval of the mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub runs: u64,
    #[serde(serialize_with = "crate::num::ser")]
    pub mean: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub sd: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_low: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_high: f64,
}

/// The spread of `values` (at least two): mean, sd with ddof = 1, and
/// `mean ± t₀.₉₇₅,ₙ₋₁·sd/√n`.
pub fn spread(values: &[f64]) -> Option<Spread> {
    let n = values.len() as u64;
    let mean = describe::mean(values.iter().copied());
    let sd = describe::sample_variance(values)?.sqrt();
    summary(n, mean, sd)
}

/// The same from a summary: `n` runs with `mean` and sample standard deviation `sd`.
pub fn summary(n: u64, mean: f64, sd: f64) -> Option<Spread> {
    if n < 2 || !(mean.is_finite() && sd.is_finite()) {
        return None;
    }
    let half = if sd == 0.0 {
        0.0
    } else {
        twosample::t_quantile(0.5 + CONFIDENCE / 2.0, (n - 1) as f64)? * sd / (n as f64).sqrt()
    };
    Some(Spread {
        runs: n,
        mean,
        sd,
        ci_low: mean - half,
        ci_high: mean + half,
    })
}

/// Where the repeats come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrialsSource {
    /// Separate runs (seeds).
    Runs,
    /// One HELM run's train trials (`count` > 1).
    HelmTrials,
}

/// One run of a group.
#[derive(Debug, Clone, Serialize)]
pub struct RunValue {
    pub run: String,
    #[serde(serialize_with = "crate::num::ser")]
    pub value: f64,
    /// The run's seeds, `name=value` joined.
    pub seeds: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrialsDetail {
    pub source: TrialsSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    pub confidence: f64,
    pub runs: Vec<RunValue>,
    pub min_runs: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_sd: Option<f64>,
}

fn expected(t: &Trials) -> String {
    match t.max_sd {
        Some(sd) => format!(">= {} runs, sd <= {}", t.min_runs, fmt(sd)),
        None => format!(">= {} runs", t.min_runs),
    }
}

fn seeds(run: &Run) -> String {
    run.provenance
        .seeds
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn run(t: &Trials, evidence: &Evidence) -> Vec<Finding> {
    let all: Vec<&Run> = evidence
        .current
        .iter()
        .chain(&evidence.baseline)
        .chain(&evidence.history)
        .collect();
    let mut done: BTreeSet<(String, Vec<std::path::PathBuf>)> = BTreeSet::new();
    let mut out = Vec::new();
    // The runs made alike but for their seeds ([`differences`] of the repeatability check
    // with seeds left out): runs of another provenance key always differ, and among the rest
    // only the comparability signature decides (`comparability::signature`). So each run's
    // key and each run-task's signature are computed once, the runs holding a metric are
    // indexed by (metric, key), and the members of a (metric, key, signature) are found once
    // (2,000 runs of one model were 4 million comparisons a metric).
    let keys: Vec<Key> = all.iter().map(|r| key(r, "", false)).collect();
    let mut signatures: Vec<Vec<(Aspect, comparability::Measured)>> = Vec::new();
    let mut signature_ids: HashMap<Vec<(Aspect, comparability::Measured)>, usize> = HashMap::new();
    let mut signature_of = |r: &Run, task: &str, signatures: &mut Vec<_>| {
        let s = comparability::signature(r, task, &t.accept);
        let next = signature_ids.len();
        *signature_ids.entry(s.clone()).or_insert_with(|| {
            signatures.push(s);
            next
        })
    };
    type MetricKey<'r> = (&'r str, &'r str, Option<&'r str>);
    type Holders<'r> = Vec<(&'r Run, &'r Metric, usize)>;
    let mut candidates: HashMap<(MetricKey<'_>, &Key), Holders<'_>> = HashMap::new();
    for (r, k) in all.iter().zip(&keys) {
        let mut seen = HashSet::new();
        for x in &r.metrics {
            if seen.insert(x.key()) {
                let s = signature_of(r, &x.task, &mut signatures);
                candidates.entry((x.key(), k)).or_default().push((*r, x, s));
            }
        }
    }
    let mut alike: HashMap<(usize, usize), bool> = HashMap::new();
    // members depend only on (metric, key, signature): a pair seen before has the same
    // members, whose finding is already made
    let mut seen: HashSet<(MetricKey<'_>, &Key, usize)> = HashSet::new();
    // `all` begins with the current runs, in order
    for (run, run_key) in evidence.current.iter().zip(&keys) {
        for m in run.metrics.iter().filter(|m| t.selector.matches(m)) {
            let s = signature_of(run, &m.task, &mut signatures);
            if !seen.insert((m.key(), run_key, s)) {
                continue;
            }
            let members: Vec<(&Run, &Metric)> = candidates
                .get(&(m.key(), run_key))
                .into_iter()
                .flatten()
                .filter(|(_, _, o)| {
                    *alike
                        .entry((s, *o))
                        .or_insert_with(|| comparability::alike(&signatures[s], &signatures[*o]))
                })
                .map(|(r, x, _)| (*r, *x))
                .collect();
            let paths: Vec<std::path::PathBuf> =
                members.iter().map(|(r, _)| r.source.path.clone()).collect();
            if !done.insert((m.label(), paths)) {
                continue;
            }
            out.push(judge(t, run, m, &members));
        }
    }
    if out.is_empty() {
        return vec![Finding::no_metric(&t.selector, expected(t))];
    }
    out
}

fn judge(t: &Trials, run: &Run, m: &Metric, members: &[(&Run, &Metric)]) -> Finding {
    let label = m.label();
    let mut f = Finding::pending(&label, &expected(t));
    f.run = Some(run.source.path.clone());
    let runs: Vec<RunValue> = members
        .iter()
        .map(|(r, x)| RunValue {
            run: r.label(),
            value: x.value,
            seeds: seeds(r),
        })
        .collect();
    let names: Vec<String> = runs.iter().map(|r| r.run.clone()).collect();
    let (source, spread) = if members.len() >= 2 {
        let values: Vec<f64> = members.iter().map(|(_, x)| x.value).collect();
        (TrialsSource::Runs, spread(&values))
    } else {
        match m.trials {
            Some(tr) => (TrialsSource::HelmTrials, summary(tr.count, m.value, tr.sd)),
            None => (TrialsSource::Runs, None),
        }
    };
    let count = match source {
        TrialsSource::Runs => members.len() as u64,
        TrialsSource::HelmTrials => m.trials.map_or(1, |tr| tr.count),
    };
    let what = match source {
        TrialsSource::Runs => format!("{count} run(s) ({})", names.join(", ")),
        TrialsSource::HelmTrials => {
            // the repeats inside one run: HELM's train trials, promptfoo's --repeat rounds
            let promptfoo = members
                .first()
                .is_some_and(|(r, _)| r.format.tool == crate::model::Tool::Promptfoo);
            let kind = if promptfoo {
                "--repeat rounds"
            } else {
                "HELM trials"
            };
            format!("{count} {kind} of {}", names.join(", "))
        }
    };
    let mut detail = TrialsDetail {
        source,
        spread,
        confidence: CONFIDENCE,
        runs,
        min_runs: t.min_runs,
        max_sd: t.max_sd,
    };
    if members.iter().any(|(_, x)| !x.value.is_finite()) {
        f.status = Status::Fail;
        f.message = format!("{label}: a value of {what} is not finite");
        f.observed = "non-finite value".into();
        detail.spread = None;
        f.detail = Some(Detail::Trials(detail));
        return f;
    }
    if count < 2 {
        // one run: the evidence of repetition is absent, not shown insufficient
        f.message = format!(
            "{label}: {what}, no repeat made alike except for seeds (rerun with other seeds: \
             lm-eval `--seed`, HELM `--num-train-trials`)"
        );
        f.observed = "1 run".into();
        f.detail = Some(Detail::Trials(detail));
        return f;
    }
    let mut problems = Vec::new();
    if count < t.min_runs {
        problems.push(format!(
            "{what} made alike except for seeds; needs {} (rerun with other seeds: lm-eval \
             `--seed`, HELM `--num-train-trials`)",
            t.min_runs
        ));
    }
    match (&spread, t.max_sd) {
        (Some(s), Some(max)) if s.sd > max + 1e-12 => problems.push(format!(
            "between-run sd {} > {} over {what}",
            fmt(s.sd),
            fmt(max)
        )),
        _ => {}
    }
    f.observed = match &spread {
        Some(s) => format!("{} runs, sd {}", s.runs, fmt(s.sd)),
        None => format!("{count} run(s)"),
    };
    let stats = spread
        .map(|s| {
            format!(
                "mean {}, sd {}, 95% CI [{}, {}]",
                fmt(s.mean),
                fmt(s.sd),
                fmt(s.ci_low),
                fmt(s.ci_high)
            )
        })
        .unwrap_or_default();
    if problems.is_empty() {
        f.status = Status::Pass;
        f.message = format!("{label}: {what}: {stats}");
    } else {
        f.status = Status::Fail;
        let tail = if stats.is_empty() {
            String::new()
        } else {
            format!(" ({stats})")
        };
        f.message = format!("{label}: {}{tail}", problems.join("; "));
    }
    f.detail = Some(Detail::Trials(detail));
    f
}

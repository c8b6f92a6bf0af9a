//! `regression`: a metric did not get worse than the baseline by more than a tolerance.
//!
//! ## What it checks
//! For every metric the selector names in the current runs, the same metric (same task,
//! name and variant) in each baseline run. The **drop** is the change in the metric's bad
//! direction: `baseline − current` when higher is better, `current − baseline` when lower
//! is better (a negative drop is an improvement). The **relative drop** is
//! `drop / |baseline|`; from a baseline of exactly 0 any worsening is an infinite relative
//! drop (it fails every `max_relative_drop`) and no change is 0.
//!
//! Before anything is compared, the two runs must have measured the same thing
//! ([`crate::comparability`]): the same task version, n-shot, task hash, limit, dataset
//! (HELM: scenario and adapter settings; Inspect AI: task version `N`, dataset, sample
//! ids, scorers), and per document the same `doc_hash`. A difference is an `error` naming
//! it, never a pass, unless `accept_differences` lists it.
//!
//! The check fails when the drop exceeds `max_drop` or the relative drop exceeds
//! `max_relative_drop` (either one; comparisons allow 1e-12 for float rounding). With
//! `alpha`, it fails only when the drop exceeds the tolerance **and** is significant: the
//! two-sided test's p-value, **adjusted over every test the check makes** (Holm by default,
//! `correction:`), is below `alpha`. A selector that matches 60 metrics makes 60 tests, and
//! the chance that any of them is a false alarm is still at most `alpha`.
//!
//! The test ([`super::significance`]): paired on the per-sample logs when both runs have
//! them on the same documents (McNemar exact for 0/1 scores, the paired bootstrap
//! otherwise; with `cluster:`, the clustered paired t-test or the cluster bootstrap), else
//! Welch's t-test on the two stderrs and sample sizes (the z-test when the sizes are not
//! recorded).
//!
//! Each finding states the test, the difference with its interval at `1 − alpha`, the
//! p-value, the family's correction, size and adjusted p-value with the interval at the
//! level the correction judged the test at (which excludes 0 exactly when the finding is
//! significant), and the minimum detectable effect at that level (80% power), so "not
//! significant" is not read as "no regression".
//!
//! ## Configuration
//! ```yaml
//! - id: no-regression
//!   level: 3
//!   regression: { metric: "*/acc", max_drop: 0.01, alpha: 0.05 }
//! ```
//!
//! ## Failure
//! No baseline run, or a metric absent from every baseline run: `missing`, never a pass.
//! Runs that are not comparable: `error`. A metric whose direction is unknown (neither file
//! nor built-in table knows it, and the check has no `higher_is_better:`) is an `error`
//! naming it when the selector names it exactly; under a pattern (`*/*`) it is listed in
//! the outcome as not gated (and the check is an `error` if nothing else is left). A non-finite value fails. With `alpha`, a drop beyond the tolerance whose
//! significance cannot be tested (no usable samples, no stderr, a standard error from one
//! observation) is `missing`.

use serde::Serialize;

use super::significance::{self, Made, SigTest, Tested, p_text, test_text};
use super::{Detail, Finding, SampleCache, Status, direction_unknown, labels, nothing_to_gate};
use crate::comparability::{self, Comparison};
use crate::error::Result;
use crate::model::{Aspect, DirectionSource, Evidence, Metric, Run};
use crate::num::{fmt, pct};
use crate::rubric::Regression;

/// Float slack for tolerance comparisons (0.61 − 0.60 is 0.010000000000000009).
const EPS: f64 = 1e-12;

/// The numbers behind a regression finding.
#[derive(Debug, Clone, Serialize)]
pub struct RegressionDetail {
    #[serde(serialize_with = "crate::num::ser")]
    pub current: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub baseline: f64,
    /// `current − baseline`
    #[serde(serialize_with = "crate::num::ser")]
    pub delta: f64,
    /// Worsening in the metric's bad direction (negative: improvement).
    #[serde(serialize_with = "crate::num::ser")]
    pub drop: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub relative_drop: f64,
    pub higher_is_better: bool,
    pub direction_source: DirectionSource,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub max_drop: Option<f64>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub max_relative_drop: Option<f64>,
    pub alpha: Option<f64>,
    /// Whether the drop exceeds a tolerance.
    pub exceeds: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<SigTest>,
    /// Why no test could be made, when `alpha` is set and none was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untested_because: Option<String>,
    /// How current and baseline differ (accepted differences and notes; a refused
    /// difference makes the finding an `error` without this detail).
    #[serde(skip_serializing_if = "comparison_is_empty")]
    pub comparability: Comparison,
}

fn comparison_is_empty(c: &Comparison) -> bool {
    c.differences.is_empty() && c.notes.is_empty()
}

/// `drop / |baseline|`; from a zero baseline, ±∞ for any change and 0 for none.
pub fn relative_drop(drop: f64, baseline: f64) -> f64 {
    if baseline == 0.0 {
        if drop > 0.0 {
            f64::INFINITY
        } else if drop < 0.0 {
            f64::NEG_INFINITY
        } else {
            0.0
        }
    } else {
        drop / baseline.abs()
    }
}

fn tolerance_text(r: &Regression) -> String {
    match (r.max_drop, r.max_relative_drop) {
        (Some(d), Some(rel)) => format!("drop <= {} and <= {}", fmt(d), pct(rel)),
        (Some(d), None) => format!("drop <= {}", fmt(d)),
        (None, Some(rel)) => format!("drop <= {}", pct(rel)),
        (None, None) => "any".into(),
    }
}

fn expected_text(r: &Regression) -> String {
    match r.alpha {
        Some(a) => format!("{} or not significant at {}", tolerance_text(r), fmt(a)),
        None => tolerance_text(r),
    }
}

fn missing(subject: String, run: Option<&Run>, r: &Regression, message: String) -> Finding {
    Finding {
        subject,
        run: run.map(|r| r.source.path.clone()),
        baseline: None,
        status: Status::Missing,
        message,
        observed: "no baseline value".into(),
        expected: expected_text(r),
        detail: None,
    }
}

/// The findings, and the metrics the selector matched but left ungated (direction unknown).
pub fn run(
    r: &Regression,
    evidence: &Evidence,
    cache: &mut SampleCache,
) -> Result<(Vec<Finding>, Vec<String>)> {
    let all = r.selector.select(&evidence.current);
    if all.is_empty() {
        return Ok((
            vec![Finding::no_metric(&r.selector, expected_text(r))],
            Vec::new(),
        ));
    }
    let peers: Vec<&Run> = evidence.baseline.iter().collect();
    let unknown = |m: &Metric| direction_unknown(&r.selector, r.higher_is_better, m, &peers);
    let not_gated = labels(all.iter().map(|(_, m)| *m).filter(|m| unknown(m)));
    let matched: Vec<(&Run, &Metric)> = all.iter().copied().filter(|(_, m)| !unknown(m)).collect();
    if matched.is_empty() {
        return Ok((
            vec![nothing_to_gate(&r.selector, &not_gated, expected_text(r))],
            not_gated,
        ));
    }
    if evidence.baseline.is_empty() {
        return Ok((
            vec![missing(
                r.selector.text.clone(),
                None,
                r,
                "no baseline runs to compare with (pass --baseline PATH or set inputs.baseline in the rubric)"
                    .into(),
            )],
            not_gated,
        ));
    }
    let mut pending = Vec::new();
    for (run, m) in matched {
        let bases: Vec<(&Run, &Metric)> = evidence
            .baseline
            .iter()
            .flat_map(|b| b.metrics.iter().map(move |x| (b, x)))
            .filter(|(_, x)| x.key() == m.key())
            .collect();
        if bases.is_empty() {
            pending.push(Pending::Done(Box::new(missing(
                m.label(),
                Some(run),
                r,
                format!("{} is not in any baseline run", m.label()),
            ))));
            continue;
        }
        for (brun, bm) in bases {
            pending.push(prepare(r, run, m, brun, bm, cache)?);
        }
    }
    // the family: every test the check made, adjusted together before any is decided
    let tests: Vec<Option<Tested>> = pending
        .iter_mut()
        .map(|p| match p {
            Pending::Compared(c) => c.tested.take(),
            Pending::Done(_) => None,
        })
        .collect();
    let alpha = r.alpha.unwrap_or(0.05);
    let finished = significance::adjust(tests, alpha, r.correction);
    let findings = pending
        .into_iter()
        .zip(finished)
        .map(|(p, t)| match p {
            Pending::Done(f) => *f,
            Pending::Compared(c) => decide(r, *c, t),
        })
        .collect();
    Ok((findings, not_gated))
}

/// A comparison before its family is adjusted: decided already, or waiting for its test.
enum Pending {
    Done(Box<Finding>),
    Compared(Box<Compared>),
}

/// Everything a finding needs but the family-adjusted test.
struct Compared {
    finding: Finding,
    head: String,
    change: String,
    verdict: String,
    exceeds: bool,
    detail: RegressionDetail,
    tested: Option<Tested>,
    untested: Option<String>,
}

fn direction(
    r: &Regression,
    m: &Metric,
    bm: &Metric,
) -> std::result::Result<(bool, DirectionSource), String> {
    if let Some(b) = r.higher_is_better {
        return Ok((b, DirectionSource::Rubric));
    }
    match (
        m.higher_is_better.zip(m.direction_source),
        bm.higher_is_better.zip(bm.direction_source),
    ) {
        (Some((a, _)), Some((b, _))) if a != b => Err(format!(
            "the current run says higher_is_better = {a} for {}, the baseline says {b}; \
             set `higher_is_better:` in the check",
            m.label()
        )),
        (Some(d), _) | (None, Some(d)) => Ok(d),
        (None, None) => Err(format!(
            "the direction of {} is unknown: neither results file has higher_is_better for it \
             and it is not in govgate's built-in table; set `higher_is_better: true` or `false` \
             in the check",
            m.label()
        )),
    }
}

/// Compares one current metric with one baseline metric, up to the test.
fn prepare(
    r: &Regression,
    run: &Run,
    m: &Metric,
    brun: &Run,
    bm: &Metric,
    cache: &mut SampleCache,
) -> Result<Pending> {
    let label = m.label();
    let mut finding = Finding {
        subject: label.clone(),
        run: Some(run.source.path.clone()),
        baseline: Some(brun.source.path.clone()),
        status: Status::Pass,
        message: String::new(),
        observed: String::new(),
        expected: expected_text(r),
        detail: None,
    };
    let cmp = comparability::compare(run, &m.task, brun, &bm.task).accept(&r.accept);
    if !cmp.refused().is_empty() {
        return Ok(Pending::Done(Box::new(incomparable(
            finding, &label, brun, &cmp,
        ))));
    }
    let (hib, source) = match direction(r, m, bm) {
        Ok(d) => d,
        Err(msg) => {
            finding.status = Status::Error;
            finding.message = msg;
            finding.observed = "direction unknown".into();
            return Ok(Pending::Done(Box::new(finding)));
        }
    };
    let (c, b) = (m.value, bm.value);
    let head = format!("{label}: {} vs baseline {}", fmt(c), fmt(b));
    if !c.is_finite() || !b.is_finite() {
        finding.status = Status::Fail;
        finding.message = format!("{head}: a non-finite value never passes");
        finding.observed = format!("{} vs {}", fmt(c), fmt(b));
        return Ok(Pending::Done(Box::new(finding)));
    }
    let delta = c - b;
    let drop = if hib { b - c } else { c - b };
    let rel = relative_drop(drop, b);
    let scale = 1f64.max(b.abs()).max(c.abs());
    let over_abs = r.max_drop.is_some_and(|d| drop - d > EPS * scale);
    let over_rel = r
        .max_relative_drop
        .is_some_and(|t| rel - t > EPS * 1f64.max(t.abs()));
    let exceeds = over_abs || over_rel;

    let relative = |r: f64| {
        if r.is_finite() {
            pct(r)
        } else {
            "from a baseline of 0".into()
        }
    };
    let change = if drop > 0.0 {
        format!("drop {} ({})", fmt(drop), relative(rel))
    } else if drop < 0.0 {
        format!("improvement {} ({})", fmt(-drop), relative(-rel))
    } else {
        "no change".into()
    };
    let verdict = if exceeds {
        let which: Vec<String> = [
            over_abs.then(|| format!("max_drop {}", fmt(r.max_drop.unwrap_or(0.0)))),
            over_rel.then(|| {
                format!(
                    "max_relative_drop {}",
                    pct(r.max_relative_drop.unwrap_or(0.0))
                )
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        format!("{change} exceeds {}", which.join(" and "))
    } else {
        format!("{change} within {}", tolerance_text(r))
    };

    let (mut tested, mut untested) = (None, None);
    if let Some(alpha) = r.alpha {
        let made = significance::significance(
            (run, m),
            (brun, bm),
            alpha,
            r.cluster.as_deref(),
            r.accept.contains(&Aspect::Documents),
            cache,
        )?;
        match made {
            Made::Tested(t) => tested = Some(*t),
            Made::Untested(why) => untested = Some(why),
            Made::Incomparable(d) => {
                let mut cmp = cmp;
                cmp.add(d);
                return Ok(Pending::Done(Box::new(incomparable(
                    finding, &label, brun, &cmp,
                ))));
            }
        }
    }
    let detail = RegressionDetail {
        current: c,
        baseline: b,
        delta,
        drop,
        relative_drop: rel,
        higher_is_better: hib,
        direction_source: source,
        max_drop: r.max_drop,
        max_relative_drop: r.max_relative_drop,
        alpha: r.alpha,
        exceeds,
        test: None,
        untested_because: None,
        comparability: cmp,
    };
    Ok(Pending::Compared(Box::new(Compared {
        finding,
        head,
        change,
        verdict,
        exceeds,
        detail,
        tested,
        untested,
    })))
}

/// The finding of two runs that did not measure the same thing: an `error`, never compared.
fn incomparable(mut finding: Finding, label: &str, brun: &Run, cmp: &Comparison) -> Finding {
    let names: Vec<&str> = cmp.refused().iter().map(|d| d.aspect.as_str()).collect();
    finding.status = Status::Error;
    finding.message = format!(
        "{label} is not comparable with baseline {}: {}; not compared (if the change is \
         intended, `accept_differences: [{}]`)",
        brun.label(),
        cmp.refused_text(),
        names.join(", ")
    );
    finding.observed = format!("not comparable: {}", cmp.refused_text());
    finding
}

/// The verdict of one comparison, with its test adjusted over the check's family.
fn decide(r: &Regression, c: Compared, test: Option<SigTest>) -> Finding {
    let Compared {
        mut finding,
        head,
        change,
        verdict,
        exceeds,
        mut detail,
        untested,
        ..
    } = c;
    let (status, message) = match (r.alpha, &test, &untested) {
        (None, _, _) => (
            if exceeds { Status::Fail } else { Status::Pass },
            format!("{head}, {verdict}"),
        ),
        (Some(alpha), Some(t), _) => {
            let stats = test_text(t);
            let p = if t.family_size > 1 && t.correction != crate::rubric::Correction::None {
                format!("p_adj={}", crate::num::p(t.p_adjusted))
            } else {
                p_text(t.p_value, t.p_at_resolution)
            };
            if exceeds && t.significant {
                (
                    Status::Fail,
                    format!(
                        "{head}, {verdict} and is significant ({p} < {}: {stats})",
                        fmt(alpha)
                    ),
                )
            } else if exceeds {
                (
                    Status::Pass,
                    format!(
                        "{head}, {verdict} but is not significant ({p} >= {}: {stats}; changes \
                         smaller than {} go undetected with 80% power)",
                        fmt(alpha),
                        fmt(t.mde)
                    ),
                )
            } else {
                (
                    Status::Pass,
                    format!("{head}, {verdict} ({stats}, MDE {})", fmt(t.mde)),
                )
            }
        }
        (Some(_), None, why) => {
            let why = why.clone().unwrap_or_default();
            if exceeds {
                (
                    Status::Missing,
                    format!("{head}, {verdict}, and its significance cannot be tested: {why}"),
                )
            } else {
                (
                    Status::Pass,
                    format!("{head}, {verdict} (no significance test: {why})"),
                )
            }
        }
    };
    let remarks = detail.comparability.remarks();
    finding.status = status;
    finding.message = if remarks.is_empty() {
        message
    } else {
        format!("{message}; {remarks}")
    };
    finding.observed = match &test {
        Some(t) if t.family_size > 1 && t.correction != crate::rubric::Correction::None => {
            format!(
                "{change}, {}, p_adj={}",
                p_text(t.p_value, t.p_at_resolution),
                crate::num::p(t.p_adjusted)
            )
        }
        Some(t) => format!("{change}, {}", p_text(t.p_value, t.p_at_resolution)),
        None => change,
    };
    detail.test = test;
    detail.untested_because = untested;
    finding.detail = Some(Detail::Regression(Box::new(detail)));
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_drop_from_zero() {
        assert_eq!(relative_drop(0.01, 0.0), f64::INFINITY);
        assert_eq!(relative_drop(0.0, 0.0), 0.0);
        assert_eq!(relative_drop(-0.01, 0.0), f64::NEG_INFINITY);
        assert_eq!(relative_drop(0.01, 0.5), 0.02);
        // a negative baseline: the size of the baseline scales the drop
        assert_eq!(relative_drop(0.1, -2.0), 0.05);
    }
}

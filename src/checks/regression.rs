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
//! The check fails when the drop exceeds `max_drop` or the relative drop exceeds
//! `max_relative_drop` (either one; comparisons allow 1e-12 for float rounding). With
//! `alpha`, it fails only when the drop exceeds the tolerance **and** is significant at
//! `alpha` (two-sided). The test, in order of preference:
//!
//! * both runs have per-sample logs of the task on the same documents (the same `doc_id`s),
//!   whose per-sample values reproduce the reported metric (their mean equals it): a
//!   **paired** test — McNemar exact when every score is 0 or 1, a seeded paired bootstrap
//!   of the mean difference otherwise;
//! * otherwise the **unpaired z-test** on the two stderrs (conservative for runs on the same
//!   items), as lm-eval's `model_comparator.py`.
//!
//! Each finding states the test, the difference, its confidence interval at `1 − alpha`,
//! the p-value, and the minimum detectable effect at that sample size (80% power), so
//! "not significant" is not read as "no regression".
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
//! A metric whose direction is unknown (neither file nor built-in table knows it, and the
//! check has no `higher_is_better:`) is an `error` naming it. A non-finite value fails.
//! With `alpha`, a drop beyond the tolerance whose significance cannot be tested (no
//! usable samples, no stderr) is `missing`.

use std::rc::Rc;

use serde::Serialize;

use super::{Detail, Finding, SampleCache, Status};
use crate::error::Result;
use crate::evidence::samples::SampleValues;
use crate::model::{DirectionSource, Evidence, Metric, Run};
use crate::num::{fmt, p as fmt_p, pct};
use crate::rubric::Regression;
use crate::stats::{bootstrap, describe, mcnemar, normal, power, ztest};

/// Float slack for tolerance comparisons (0.61 − 0.60 is 0.010000000000000009).
const EPS: f64 = 1e-12;

/// How significance was tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestMethod {
    McnemarExact,
    PairedBootstrap,
    UnpairedZ,
}

impl TestMethod {
    pub fn label(self) -> &'static str {
        match self {
            TestMethod::McnemarExact => "McNemar exact",
            TestMethod::PairedBootstrap => "paired bootstrap",
            TestMethod::UnpairedZ => "unpaired z-test",
        }
    }
}

/// Discordant pairs of a McNemar test.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Discordant {
    /// Documents the baseline got right and the current run wrong.
    pub baseline_only: u64,
    /// Documents the current run got right and the baseline wrong.
    pub current_only: u64,
}

/// A significance test of `current − baseline`.
#[derive(Debug, Clone, Serialize)]
pub struct SigTest {
    pub method: TestMethod,
    pub paired: bool,
    /// Documents paired (paired tests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// The difference the test estimates, `current − baseline`.
    #[serde(serialize_with = "crate::num::ser")]
    pub delta: f64,
    /// Standard error of `delta`.
    #[serde(serialize_with = "crate::num::ser")]
    pub se: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_low: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_high: f64,
    /// Confidence of the interval, `1 − alpha`.
    pub confidence: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub p_value: f64,
    pub alpha: f64,
    pub significant: bool,
    /// Smallest true difference this test detects with `power` at `alpha`.
    #[serde(serialize_with = "crate::num::ser")]
    pub mde: f64,
    pub power: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discordant: Option<Discordant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resamples: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Why a paired test was not possible, when the test is unpaired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpaired_because: Option<String>,
}

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

pub fn run(r: &Regression, evidence: &Evidence, cache: &mut SampleCache) -> Result<Vec<Finding>> {
    let matched = r.selector.select(&evidence.current);
    if matched.is_empty() {
        return Ok(vec![Finding::no_metric(&r.selector, expected_text(r))]);
    }
    if evidence.baseline.is_empty() {
        return Ok(vec![missing(
            r.selector.text.clone(),
            None,
            r,
            "no baseline runs to compare with (pass --baseline PATH or set inputs.baseline in the rubric)"
                .into(),
        )]);
    }
    let mut findings = Vec::new();
    for (run, m) in matched {
        let bases: Vec<(&Run, &Metric)> = evidence
            .baseline
            .iter()
            .flat_map(|b| b.metrics.iter().map(move |x| (b, x)))
            .filter(|(_, x)| x.key() == m.key())
            .collect();
        if bases.is_empty() {
            findings.push(missing(
                m.label(),
                Some(run),
                r,
                format!("{} is not in any baseline run", m.label()),
            ));
            continue;
        }
        for (brun, bm) in bases {
            findings.push(compare(r, run, m, brun, bm, cache)?);
        }
    }
    Ok(findings)
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

fn compare(
    r: &Regression,
    run: &Run,
    m: &Metric,
    brun: &Run,
    bm: &Metric,
    cache: &mut SampleCache,
) -> Result<Finding> {
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
    let (hib, source) = match direction(r, m, bm) {
        Ok(d) => d,
        Err(msg) => {
            finding.status = Status::Error;
            finding.message = msg;
            finding.observed = "direction unknown".into();
            return Ok(finding);
        }
    };
    let (c, b) = (m.value, bm.value);
    let head = format!("{label}: {} vs baseline {}", fmt(c), fmt(b));
    if !c.is_finite() || !b.is_finite() {
        finding.status = Status::Fail;
        finding.message = format!("{head}: a non-finite value never passes");
        finding.observed = format!("{} vs {}", fmt(c), fmt(b));
        return Ok(finding);
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

    let mut test = None;
    let mut untested = None;
    if let Some(alpha) = r.alpha {
        match significance(run, m, brun, bm, alpha, cache)? {
            Ok(t) => test = Some(t),
            Err(why) => untested = Some(why),
        }
    }

    let (status, message) = match (r.alpha, &test, &untested) {
        (None, _, _) => (
            if exceeds { Status::Fail } else { Status::Pass },
            format!("{head}, {verdict}"),
        ),
        (Some(alpha), Some(t), _) => {
            let stats = test_text(t);
            if exceeds && t.significant {
                (
                    Status::Fail,
                    format!(
                        "{head}, {verdict} and is significant ({stats} < {})",
                        fmt(alpha)
                    ),
                )
            } else if exceeds {
                (
                    Status::Pass,
                    format!(
                        "{head}, {verdict} but is not significant ({stats} >= {}; changes smaller \
                         than {} go undetected with 80% power)",
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
    finding.status = status;
    finding.message = message;
    finding.observed = match &test {
        Some(t) => format!("{change}, p={}", fmt_p(t.p_value)),
        None => change,
    };
    finding.detail = Some(Detail::Regression(RegressionDetail {
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
        test,
        untested_because: untested,
    }));
    Ok(finding)
}

pub(crate) fn test_text(t: &SigTest) -> String {
    let n = t.n.map(|n| format!(", n={n}")).unwrap_or_default();
    format!(
        "{}{n}, Δ={} [{}, {}], p={}",
        t.method.label(),
        fmt(t.delta),
        fmt(t.ci_low),
        fmt(t.ci_high),
        fmt_p(t.p_value)
    )
}

/// The best available test: paired when per-sample logs allow, unpaired otherwise.
pub(crate) fn significance(
    run: &Run,
    m: &Metric,
    brun: &Run,
    bm: &Metric,
    alpha: f64,
    cache: &mut SampleCache,
) -> Result<std::result::Result<SigTest, String>> {
    match paired_values(run, m, brun, bm, cache)? {
        Ok(pairs) => Ok(Ok(paired_test(&pairs, alpha))),
        Err(not_paired) => Ok(match unpaired_test(m, bm, alpha) {
            Ok(mut t) => {
                t.unpaired_because = Some(not_paired);
                Ok(t)
            }
            Err(why) => Err(format!("{not_paired}; {why}")),
        }),
    }
}

/// Reads one side's per-sample values and checks they measure the reported metric.
pub(crate) fn side_values(
    side: &str,
    run: &Run,
    m: &Metric,
    cache: &mut SampleCache,
) -> Result<std::result::Result<Rc<SampleValues>, String>> {
    let Some(task) = run.task(&m.task) else {
        return Ok(Err(format!("task {} is not in the {side} run", m.task)));
    };
    let Some(source) = &task.samples else {
        return Ok(Err(format!(
            "no samples log for {} in the {side} run",
            m.task
        )));
    };
    let what = match source {
        crate::model::SampleSource::LmEval(_) => "samples log",
        crate::model::SampleSource::HelmPerInstance(_) => "per_instance_stats.json",
        crate::model::SampleSource::Inspect(_) => "Inspect log's reductions",
    };
    let v = cache.values(source, &m.name, m.variant.as_deref(), &task.filters)?;
    let filter = m
        .variant
        .as_deref()
        .map(|f| format!(" for {f}"))
        .unwrap_or_default();
    if v.non_scalar > 0 {
        return Ok(Err(format!(
            "the {side} {what} holds non-numeric per-sample `{}` values (a corpus-level \
             metric is not a mean of per-sample scores)",
            m.name
        )));
    }
    if v.values.is_empty() {
        return Ok(Err(format!(
            "the {side} {what} has no per-sample `{}` values{filter}",
            m.name
        )));
    }
    if v.values.iter().any(|(_, x)| !x.is_finite()) {
        return Ok(Err(format!(
            "a per-sample `{}` value in the {side} {what} is not finite",
            m.name
        )));
    }
    let mean = v.mean().unwrap_or(f64::NAN);
    if (mean - m.value).abs() > 1e-6 * 1f64.max(m.value.abs()) {
        return Ok(Err(format!(
            "the mean of the {side} per-sample `{}` values ({}) does not reproduce the reported {} \
             (the aggregation is not a plain mean)",
            m.name,
            fmt(mean),
            fmt(m.value)
        )));
    }
    Ok(Ok(v))
}

/// `(current, baseline)` per-sample values on the documents both runs scored.
pub(crate) fn paired_values(
    run: &Run,
    m: &Metric,
    brun: &Run,
    bm: &Metric,
    cache: &mut SampleCache,
) -> Result<std::result::Result<Vec<(f64, f64)>, String>> {
    let cur = match side_values("current", run, m, cache)? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let base = match side_values("baseline", brun, bm, cache)? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    // both sides are sorted by doc_id: a merge join
    let (a, b) = (&cur.values, &base.values);
    let (mut i, mut j) = (0, 0);
    let mut pairs = Vec::with_capacity(a.len().min(b.len()));
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                pairs.push((a[i].1, b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    // Paired only on the same documents: otherwise the pairs would test a difference
    // between numbers other than the two reported ones.
    if pairs.len() != a.len() || pairs.len() != b.len() {
        return Ok(Err(format!(
            "the samples logs cover different documents ({} current, {} baseline, {} in common)",
            a.len(),
            b.len(),
            pairs.len()
        )));
    }
    if pairs.len() < 2 {
        return Ok(Err(format!(
            "the samples logs hold {} document(s); a paired test needs at least 2",
            pairs.len()
        )));
    }
    Ok(Ok(pairs))
}

/// McNemar exact for 0/1 scores, the paired bootstrap otherwise.
fn paired_test(pairs: &[(f64, f64)], alpha: f64) -> SigTest {
    let diffs: Vec<f64> = pairs.iter().map(|(c, b)| c - b).collect();
    let n = pairs.len();
    let delta = describe::mean(diffs.iter().copied());
    let se = describe::stderr_of_mean(&diffs).unwrap_or(0.0);
    let confidence = 1.0 - alpha;
    let z = normal::z_for_confidence(confidence);
    let mde = power::mde(se, alpha, power::DEFAULT_POWER);
    let binary = pairs
        .iter()
        .all(|(c, b)| (*c == 0.0 || *c == 1.0) && (*b == 0.0 || *b == 1.0));
    if binary {
        let baseline_only = pairs.iter().filter(|(c, b)| *b == 1.0 && *c == 0.0).count() as u64;
        let current_only = pairs.iter().filter(|(c, b)| *b == 0.0 && *c == 1.0).count() as u64;
        let t = mcnemar::exact(baseline_only, current_only);
        SigTest {
            method: TestMethod::McnemarExact,
            paired: true,
            n: Some(n as u64),
            delta,
            se,
            ci_low: delta - z * se,
            ci_high: delta + z * se,
            confidence,
            p_value: t.p_value,
            alpha,
            significant: t.p_value < alpha,
            mde,
            power: power::DEFAULT_POWER,
            statistic: Some(t.statistic),
            discordant: Some(Discordant {
                baseline_only,
                current_only,
            }),
            resamples: None,
            seed: None,
            unpaired_because: None,
        }
    } else {
        let (resamples, seed) = (bootstrap::DEFAULT_RESAMPLES, bootstrap::DEFAULT_SEED);
        let (ci_low, ci_high, p) =
            match bootstrap::paired_mean_diff(&diffs, resamples, seed, confidence) {
                Some(bs) => (bs.ci_low, bs.ci_high, bs.p_value),
                None => (f64::NAN, f64::NAN, f64::NAN),
            };
        SigTest {
            method: TestMethod::PairedBootstrap,
            paired: true,
            n: Some(n as u64),
            delta,
            se,
            ci_low,
            ci_high,
            confidence,
            p_value: p,
            alpha,
            significant: p < alpha,
            mde,
            power: power::DEFAULT_POWER,
            statistic: None,
            discordant: None,
            resamples: Some(resamples),
            seed: Some(seed),
            unpaired_because: None,
        }
    }
}

/// The unpaired z-test on the two reported stderrs.
fn unpaired_test(m: &Metric, bm: &Metric, alpha: f64) -> std::result::Result<SigTest, String> {
    let (se_c, se_b) = match (m.stderr, bm.stderr) {
        (Some(a), Some(b)) => (a, b),
        (None, Some(_)) => return Err(format!("no stderr for {} in the current run", m.label())),
        (Some(_), None) => return Err(format!("no stderr for {} in the baseline run", m.label())),
        (None, None) => return Err(format!("no stderr for {} in either run", m.label())),
    };
    let t = ztest::unpaired(m.value, se_c, bm.value, se_b).ok_or_else(|| {
        format!(
            "the stderrs of {} are not finite non-negative numbers",
            m.label()
        )
    })?;
    let confidence = 1.0 - alpha;
    let z = normal::z_for_confidence(confidence);
    Ok(SigTest {
        method: TestMethod::UnpairedZ,
        paired: false,
        n: None,
        delta: t.delta,
        se: t.se,
        ci_low: t.delta - z * t.se,
        ci_high: t.delta + z * t.se,
        confidence,
        p_value: t.p_value,
        alpha,
        significant: t.p_value < alpha,
        mde: power::mde(t.se, alpha, power::DEFAULT_POWER),
        power: power::DEFAULT_POWER,
        statistic: Some(t.z),
        discordant: None,
        resamples: None,
        seed: None,
        unpaired_because: None,
    })
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

    #[test]
    fn mcnemar_counts_discordant_pairs_by_side() {
        // baseline right / current wrong on 3 docs, the reverse on 1
        let pairs = [
            (0.0, 1.0),
            (0.0, 1.0),
            (0.0, 1.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 0.0),
        ];
        let t = paired_test(&pairs, 0.05);
        assert_eq!(t.method, TestMethod::McnemarExact);
        let d = t.discordant.expect("discordant");
        assert_eq!((d.baseline_only, d.current_only), (3, 1));
        assert_eq!(t.p_value, mcnemar::exact(3, 1).p_value);
        assert!((t.delta - (-2.0 / 6.0)).abs() < 1e-15);
    }

    #[test]
    fn continuous_scores_use_the_bootstrap() {
        let pairs: Vec<(f64, f64)> = (0..50).map(|i| (0.5 + (i % 3) as f64 * 0.1, 0.5)).collect();
        let t = paired_test(&pairs, 0.05);
        assert_eq!(t.method, TestMethod::PairedBootstrap);
        assert_eq!(t.resamples, Some(bootstrap::DEFAULT_RESAMPLES));
        assert!(t.ci_low <= t.delta && t.delta <= t.ci_high);
    }
}

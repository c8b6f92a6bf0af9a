//! `threshold`: a metric is within bounds.
//!
//! ## What it checks
//! Every metric the selector names in the current runs satisfies
//! `value >= min` and/or `value <= max`. The bounds are direction-independent: `min`
//! always means "at least". With `confidence: c`, the end of the two-sided `c` confidence
//! interval on the bound's side must satisfy the bound instead: `value − q·stderr >= min`,
//! `value + q·stderr <= max`. The multiplier `q` is Student's `t` quantile
//! `t₍₁₊c₎/₂,ₙ₋₁` when the file records the sample size `n` behind the value (as Inspect
//! AI's `ci()`; a standard error from fewer than two observations is none, and the finding
//! is `missing`), and the normal `Φ⁻¹((1 + c)/2)` (1.96 for 0.95) when it does not.
//!
//! With `cluster: <field>` the interval comes from the current run's per-sample records:
//! their mean (which must reproduce the reported value) ± `t₍₁₊c₎/₂,C−1` times the
//! clustered standard error (Inspect AI's `stderr(cluster=…)`, [`crate::stats::cluster`]),
//! for benchmarks that ask several questions about one passage, image or conversation.
//!
//! ## Why it matters
//! A release floor ("MMLU at least 0.60") is the simplest gate there is; with
//! `confidence` it also refuses a pass that rests on noise.
//!
//! ## Configuration
//! ```yaml
//! - id: mmlu-floor
//!   level: 2
//!   threshold: { metric: mmlu/acc, min: 0.60, confidence: 0.95 }
//! ```
//!
//! With `abs: true` the bounds apply to |value| (signed scores such as BBQ bias, where
//! −0.3 is as biased as 0.3); with `confidence`, the interval of |value| is
//! `[0, max(|lo|, |hi|)]` when the value's interval spans 0, else `[min(|lo|, |hi|), max(…)]`.
//!
//! ## Failure
//! A value outside the bounds fails. A non-finite value (NaN, ±Infinity) fails. With
//! `confidence`, a metric without a stderr fails, saying so; one whose stderr comes from
//! fewer than two observations, or whose clusters cannot be read, is `missing`. A selector
//! that names no metric is `missing`.

use serde::Serialize;

use super::{Detail, Finding, SampleCache, Status};
use crate::error::Result;
use crate::model::{Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::Threshold;
use crate::stats::{cluster, normal, twosample};

/// The numbers behind a threshold finding.
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdDetail {
    #[serde(serialize_with = "crate::num::ser")]
    pub value: f64,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub stderr: Option<f64>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub min: Option<f64>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The bounds applied to |value|.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub abs: bool,
    /// The CI multiplier used with `confidence` (a t or normal quantile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub z: Option<f64>,
    /// Degrees of freedom of a t multiplier (`n − 1`, or clusters − 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<f64>,
    /// Clusters behind a clustered standard error, and the field that defines them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The lower / upper CI ends compared with `min` / `max`.
    #[serde(
        serialize_with = "crate::num::ser_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub lower: Option<f64>,
    #[serde(
        serialize_with = "crate::num::ser_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub upper: Option<f64>,
}

fn expected_text(t: &Threshold) -> String {
    let bounds = match (t.min, t.max) {
        (Some(lo), Some(hi)) => format!("in [{}, {}]", fmt(lo), fmt(hi)),
        (Some(lo), None) => format!(">= {}", fmt(lo)),
        (None, Some(hi)) => format!("<= {}", fmt(hi)),
        (None, None) => "any".into(),
    };
    let bounds = if t.abs {
        format!("|value| {bounds}")
    } else {
        bounds
    };
    match t.confidence {
        Some(c) => format!("{bounds} at {}% confidence", fmt(c * 100.0)),
        None => bounds,
    }
}

pub fn run(t: &Threshold, evidence: &Evidence, cache: &mut SampleCache) -> Result<Vec<Finding>> {
    let matched = t.selector.select(&evidence.current);
    if matched.is_empty() {
        return Ok(vec![Finding::no_metric(&t.selector, expected_text(t))]);
    }
    let mut out = Vec::new();
    for (run, m) in matched {
        let label = m.label();
        let (value, spread) = match (t.confidence, &t.cluster) {
            (Some(_), Some(field)) => clustered(run, m, field, cache)?,
            _ => (m.value, Spread::of(m)),
        };
        let (status, message, observed, detail) = evaluate(t, value, spread, &label);
        out.push(Finding {
            subject: label,
            run: Some(run.source.path.clone()),
            baseline: None,
            status,
            message,
            observed,
            expected: expected_text(t),
            detail: Some(Detail::Threshold(detail)),
        });
    }
    Ok(out)
}

/// What a confidence bound rests on: a standard error and its reference distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Spread {
    /// No stderr recorded.
    None,
    /// A stderr without a sample size: the normal quantile.
    Normal(f64),
    /// A stderr with `df` degrees of freedom (`n − 1`, or clusters − 1).
    T {
        se: f64,
        df: f64,
        clusters: Option<(u64, String)>,
    },
    /// Not a standard error to bound with: why.
    Unusable(String),
}

impl Spread {
    /// The reported stderr of a metric, with its sample size when the file gives one.
    fn of(m: &Metric) -> Spread {
        match (m.stderr, m.n) {
            (None, _) => Spread::None,
            (Some(_), Some(n)) if n < 2 => Spread::Unusable(format!(
                "its stderr comes from n = {n}: a standard error from fewer than two \
                 observations is no standard error"
            )),
            (Some(se), Some(n)) => Spread::T {
                se,
                df: (n - 1) as f64,
                clusters: None,
            },
            (Some(se), None) => Spread::Normal(se),
        }
    }

    fn stderr(&self) -> Option<f64> {
        match self {
            Spread::Normal(se) | Spread::T { se, .. } => Some(*se),
            _ => None,
        }
    }
}

/// The mean of the current run's per-sample values and its clustered standard error.
fn clustered(run: &Run, m: &Metric, field: &str, cache: &mut SampleCache) -> Result<(f64, Spread)> {
    let v = match super::significance::side_values("current", run, m, Some(field), cache)? {
        Ok(v) => v,
        Err(why) => {
            return Ok((
                m.value,
                Spread::Unusable(format!(
                    "`cluster: {field}` needs per-sample records: {why}"
                )),
            ));
        }
    };
    if v.without_cluster > 0 {
        return Ok((
            m.value,
            Spread::Unusable(format!(
                "{} of {} documents have no `{field}` to cluster by",
                v.without_cluster,
                v.values.len()
            )),
        ));
    }
    let values: Vec<f64> = v.values.iter().map(|(_, x)| *x).collect();
    Ok(match cluster::stderr(&values, &v.clusters) {
        Some(c) => (
            c.mean,
            Spread::T {
                se: c.se,
                df: (c.clusters - 1) as f64,
                clusters: Some((c.clusters as u64, field.to_owned())),
            },
        ),
        None => (
            m.value,
            Spread::Unusable(format!(
                "the documents fall in fewer than 2 clusters of `{field}`; a clustered standard \
                 error needs at least 2"
            )),
        ),
    })
}

/// Status, message, observed text and numbers of one metric against the threshold.
fn evaluate(
    t: &Threshold,
    value: f64,
    spread: Spread,
    label: &str,
) -> (Status, String, String, ThresholdDetail) {
    let mut detail = ThresholdDetail {
        value,
        stderr: spread.stderr(),
        min: t.min,
        max: t.max,
        confidence: t.confidence,
        abs: t.abs,
        z: None,
        df: None,
        clusters: None,
        cluster: None,
        lower: None,
        upper: None,
    };
    let (status, message, observed) = judge(t, value, spread, label, &mut detail);
    (status, message, observed, detail)
}

fn judge(
    t: &Threshold,
    value: f64,
    spread: Spread,
    label: &str,
    detail: &mut ThresholdDetail,
) -> (Status, String, String) {
    if !value.is_finite() {
        return (
            Status::Fail,
            format!("{label} is {}; a non-finite value never passes", fmt(value)),
            fmt(value),
        );
    }
    let shown = if t.abs { value.abs() } else { value };
    let label = &if t.abs {
        format!("|{label}|")
    } else {
        label.to_owned()
    };
    let Some(c) = t.confidence else {
        // `observed` keeps the sign (the report's `expected` says `|value|`).
        let observed = fmt(value);
        let value = shown;
        let below = t.min.is_some_and(|lo| value < lo);
        let above = t.max.is_some_and(|hi| value > hi);
        let status = if below || above {
            Status::Fail
        } else {
            Status::Pass
        };
        let msg = match (below, above) {
            (true, _) => format!(
                "{label} = {} < min {}",
                fmt(value),
                fmt(t.min.unwrap_or(0.0))
            ),
            (_, true) => format!(
                "{label} = {} > max {}",
                fmt(value),
                fmt(t.max.unwrap_or(0.0))
            ),
            _ => format!("{label} = {} is {}", fmt(value), expected_text(t)),
        };
        return (status, msg, observed);
    };
    let pct = fmt(c * 100.0);
    let (se, z) = match &spread {
        Spread::None => (None, None),
        Spread::Unusable(why) => {
            return (
                Status::Missing,
                format!(
                    "{label} = {}, but {why}; its {pct}% confidence bound cannot be computed",
                    fmt(value)
                ),
                format!("{} (no usable stderr)", fmt(value)),
            );
        }
        Spread::Normal(se) => (Some(*se), Some(normal::z_for_confidence(c))),
        Spread::T { se, df, clusters } => {
            detail.df = Some(*df);
            if let Some((k, field)) = clusters {
                detail.clusters = Some(*k);
                detail.cluster = Some(field.clone());
            }
            (Some(*se), twosample::t_quantile((1.0 + c) / 2.0, *df))
        }
    };
    let Some(se) = se else {
        return (
            Status::Fail,
            format!(
                "{label} has no stderr, so its {pct}% confidence bound cannot be computed \
                 (the value {} alone is not evidence at a confidence level)",
                fmt(value)
            ),
            format!("{} (no stderr)", fmt(value)),
        );
    };
    if !se.is_finite() || se < 0.0 {
        return (
            Status::Fail,
            format!(
                "{label} has stderr {}; a {pct}% bound needs a finite one",
                fmt(se)
            ),
            format!("{} ± {}", fmt(value), fmt(se)),
        );
    }
    let Some(z) = z.filter(|z| z.is_finite()) else {
        return (
            Status::Missing,
            format!("{label}: no {pct}% quantile for its degrees of freedom"),
            fmt(value),
        );
    };
    let (lo, hi) = (value - z * se, value + z * se);
    let (lower, upper) = if !t.abs {
        (lo, hi)
    } else if lo <= 0.0 && hi >= 0.0 {
        (0.0, lo.abs().max(hi.abs()))
    } else {
        (lo.abs().min(hi.abs()), lo.abs().max(hi.abs()))
    };
    let value = shown;
    detail.z = Some(z);
    // how each interval end was computed, for the message
    let how = |sign: char, end: f64| {
        if t.abs {
            fmt(end)
        } else {
            format!(
                "{} {sign} {}×{} = {}",
                fmt(value),
                fmt(z),
                fmt(se),
                fmt(end)
            )
        }
    };
    let mut problems = Vec::new();
    if let Some(min) = t.min {
        detail.lower = Some(lower);
        if lower < min {
            problems.push(format!(
                "lower {pct}% bound {} < min {}",
                how('−', lower),
                fmt(min)
            ));
        }
    }
    if let Some(max) = t.max {
        detail.upper = Some(upper);
        if upper > max {
            problems.push(format!(
                "upper {pct}% bound {} > max {}",
                how('+', upper),
                fmt(max)
            ));
        }
    }
    let observed = format!(
        "{} ± {} ({pct}% CI [{}, {}])",
        fmt(value),
        fmt(se),
        fmt(lower),
        fmt(upper)
    );
    if problems.is_empty() {
        (
            Status::Pass,
            format!(
                "{label} = {} ({pct}% CI [{}, {}]) is {}",
                fmt(value),
                fmt(lower),
                fmt(upper),
                expected_text(t)
            ),
            observed,
        )
    } else {
        (
            Status::Fail,
            format!("{label}: {}", problems.join("; ")),
            observed,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::Selector;

    fn th(min: Option<f64>, max: Option<f64>, confidence: Option<f64>) -> Threshold {
        Threshold {
            selector: Selector::parse("t/m").expect("selector"),
            min,
            max,
            confidence,
            abs: false,
            cluster: None,
        }
    }

    fn normal(se: Option<f64>) -> Spread {
        se.map_or(Spread::None, Spread::Normal)
    }

    fn th_abs(max: f64, confidence: Option<f64>) -> Threshold {
        Threshold {
            abs: true,
            ..th(None, Some(max), confidence)
        }
    }

    fn eval(t: &Threshold, value: f64, stderr: Option<f64>) -> (Status, String) {
        let (s, m, _, _) = evaluate(t, value, normal(stderr), "t/m");
        (s, m)
    }

    #[test]
    fn bounds_are_inclusive() {
        let t = th(Some(0.6), Some(0.8), None);
        assert_eq!(eval(&t, 0.6, None).0, Status::Pass);
        assert_eq!(eval(&t, 0.8, None).0, Status::Pass);
        assert_eq!(eval(&t, 0.5999, None).0, Status::Fail);
        assert_eq!(eval(&t, 0.8001, None).0, Status::Fail);
    }

    #[test]
    fn non_finite_values_never_pass() {
        let t = th(None, Some(1e308), None);
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let (s, m) = eval(&t, v, None);
            assert_eq!(s, Status::Fail);
            assert!(m.contains("non-finite"), "{m}");
        }
    }

    #[test]
    fn confidence_uses_the_interval_end() {
        let t = th(Some(0.6), None, Some(0.95));
        // 0.62 - 1.96 * 0.01 = 0.6008 >= 0.6
        assert_eq!(eval(&t, 0.62, Some(0.01)).0, Status::Pass);
        // 0.62 - 1.96 * 0.011 = 0.5984 < 0.6
        let (s, m) = eval(&t, 0.62, Some(0.011));
        assert_eq!(s, Status::Fail);
        assert!(m.contains("lower 95% bound"), "{m}");
        let t = th(None, Some(0.1), Some(0.95));
        assert_eq!(eval(&t, 0.05, Some(0.03)).0, Status::Fail); // 0.05 + 0.0588 > 0.1
        assert_eq!(eval(&t, 0.05, Some(0.02)).0, Status::Pass); // 0.0892 <= 0.1
    }

    #[test]
    fn abs_gates_the_magnitude_of_signed_scores() {
        let t = th_abs(0.1, None);
        assert_eq!(eval(&t, -0.08, None).0, Status::Pass);
        let (s, m) = eval(&t, -0.3, None);
        assert_eq!(s, Status::Fail);
        assert_eq!(m, "|t/m| = 0.3 > max 0.1");
        // CI of |x|: -0.05 ± 1.96·0.02 = [-0.0892, -0.0108] → |x| in [0.0108, 0.0892]
        let (_, _, _, d) = evaluate(&th_abs(0.1, Some(0.95)), -0.05, normal(Some(0.02)), "t/m");
        assert!((d.upper.expect("upper") - 0.0892).abs() < 1e-4);
        assert_eq!(
            eval(&th_abs(0.08, Some(0.95)), -0.05, Some(0.02)).0,
            Status::Fail
        );
        // an interval spanning 0: |x| in [0, max(|lo|, |hi|)]
        let (_, _, _, d) = evaluate(
            &Threshold {
                min: Some(0.0),
                ..th_abs(1.0, Some(0.95))
            },
            0.01,
            normal(Some(0.02)),
            "t/m",
        );
        assert_eq!(d.lower, Some(0.0));
    }

    #[test]
    fn confidence_without_stderr_fails_with_reason() {
        let t = th(Some(0.6), None, Some(0.95));
        let (s, m) = eval(&t, 0.9, None);
        assert_eq!(s, Status::Fail);
        assert!(m.contains("no stderr"), "{m}");
        let (s, _) = eval(&t, 0.9, Some(f64::NAN));
        assert_eq!(s, Status::Fail);
    }

    #[test]
    fn a_sample_size_makes_the_bound_t_based() {
        let t = th(Some(0.6), None, Some(0.95));
        // n = 10: t(0.975, 9) = 2.2621571627409915 (scipy), 0.65 − 2.262·0.02 = 0.6048
        let spread = Spread::T {
            se: 0.02,
            df: 9.0,
            clusters: None,
        };
        let (s, _, _, d) = evaluate(&t, 0.65, spread, "t/m");
        assert_eq!(s, Status::Pass);
        let q = d.z.expect("q");
        assert!((q - 2.262_157_162_740_991_5).abs() < 1e-9 * q, "{q}");
        // 0.65 − 2.262·0.03 = 0.5821 < 0.6
        let spread = Spread::T {
            se: 0.03,
            df: 9.0,
            clusters: None,
        };
        assert_eq!(evaluate(&t, 0.65, spread, "t/m").0, Status::Fail);
        let (s, m, _, _) = evaluate(&t, 0.9, Spread::Unusable("n = 1".into()), "t/m");
        assert_eq!(s, Status::Missing);
        assert!(m.contains("n = 1"), "{m}");
    }
}

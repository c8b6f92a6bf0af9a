//! `threshold`: a metric is within bounds.
//!
//! ## What it checks
//! Every metric the selector names in the current runs satisfies `value >= min` and/or
//! `value <= max`. The bounds are direction-independent: `min` always means "at least".
//! With `confidence: c`, the end of the two-sided `c` confidence interval on the bound's
//! side must satisfy the bound instead: `value − z·stderr >= min`,
//! `value + z·stderr <= max`, with `z = Φ⁻¹((1 + c)/2)` (1.96 for 0.95).
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
//! `confidence`, a metric without a stderr fails, saying so. A selector that names no
//! metric is `missing`.

use serde::Serialize;

use super::{Detail, Finding, Status};
use crate::model::Evidence;
use crate::num::fmt;
use crate::rubric::Threshold;
use crate::stats::normal;

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
    /// The CI multiplier used with `confidence`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub z: Option<f64>,
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

pub fn run(t: &Threshold, evidence: &Evidence) -> Vec<Finding> {
    let matched = t.selector.select(&evidence.current);
    if matched.is_empty() {
        return vec![Finding::no_metric(&t.selector, expected_text(t))];
    }
    matched
        .into_iter()
        .map(|(run, m)| {
            let label = m.label();
            let (status, message, observed, detail) = evaluate(t, m.value, m.stderr, &label);
            Finding {
                subject: label,
                run: Some(run.source.path.clone()),
                baseline: None,
                status,
                message,
                observed,
                expected: expected_text(t),
                detail: Some(Detail::Threshold(detail)),
            }
        })
        .collect()
}

/// Status, message, observed text and numbers of one metric against the threshold.
fn evaluate(
    t: &Threshold,
    value: f64,
    stderr: Option<f64>,
    label: &str,
) -> (Status, String, String, ThresholdDetail) {
    let mut detail = ThresholdDetail {
        value,
        stderr,
        min: t.min,
        max: t.max,
        confidence: t.confidence,
        abs: t.abs,
        z: None,
        lower: None,
        upper: None,
    };
    let (status, message, observed) = judge(t, value, stderr, label, &mut detail);
    (status, message, observed, detail)
}

fn judge(
    t: &Threshold,
    value: f64,
    stderr: Option<f64>,
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
    let Some(se) = stderr else {
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
    let z = normal::z_for_confidence(c);
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
        }
    }

    fn th_abs(max: f64, confidence: Option<f64>) -> Threshold {
        Threshold {
            abs: true,
            ..th(None, Some(max), confidence)
        }
    }

    fn eval(t: &Threshold, value: f64, stderr: Option<f64>) -> (Status, String) {
        let (s, m, _, _) = evaluate(t, value, stderr, "t/m");
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
        let (_, _, _, d) = evaluate(&th_abs(0.1, Some(0.95)), -0.05, Some(0.02), "t/m");
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
            Some(0.02),
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
}

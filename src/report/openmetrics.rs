//! `--format openmetrics`: the verdict as gauges for a monitoring stack — the OpenMetrics
//! 1.0 text format, which is also Prometheus's text exposition format 0.0.4 (the closing
//! `# EOF` and the `# UNIT` lines are comments to the latter), so the same bytes serve a
//! node_exporter textfile collector, a Pushgateway and an OpenMetrics scraper.
//!
//! Every family is a gauge named `govgate_…` in base units (`_seconds`, `_ratio`), with
//! `# HELP` and `# TYPE`; every series of a check carries `check` (its id) and `process`.
//! Check and process statuses are state sets: one series per possible status, `1` on the
//! one that holds and `0` on the others, so an alert on `{status="fail"} == 1` never sees
//! a series vanish. No sample carries a timestamp (the textfile collector refuses them);
//! the evaluation's own time is a gauge, `govgate_evaluation_timestamp_seconds`, written
//! only when the run has one (`--now`, or the newest record time a `feedback` check or a
//! drift check's production window measured to), so the same inputs give the same bytes.
//!
//! Cardinality is bounded: the finding series of a check cover at most
//! [`MAX_FINDINGS_PER_CHECK`] findings (those not passing first, then the rubric's order),
//! and the rest are counted in `govgate_check_findings_omitted`; the other label values are
//! the rubric's ids, the six processes and the four statuses.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Context, display_path};
use crate::checks::{Detail, Finding, Outcome, Status};
use crate::level::{ProcessStatus, Verdict};
use crate::rubric::CheckKind;

/// Findings of one check that get value series; more are counted, not listed.
pub const MAX_FINDINGS_PER_CHECK: usize = 100;

/// A gauge family: name, unit (a suffix of the name, or empty) and help text.
struct Family {
    name: &'static str,
    unit: &'static str,
    help: &'static str,
}

const fn family(name: &'static str, unit: &'static str, help: &'static str) -> Family {
    Family { name, unit, help }
}

/// Every family, in the order they are written.
const FAMILIES: &[Family] = &[
    family(
        "govgate_build_info",
        "",
        "govgate's version and the rubric judged (name, SHA-256); always 1.",
    ),
    family(
        "govgate_verdict_passed",
        "",
        "1 when every required level is met (exit code 0), else 0.",
    ),
    family(
        "govgate_exit_code",
        "",
        "The exit code of the run: 0 every required level met, 1 a process below its required level.",
    ),
    family(
        "govgate_evaluation_timestamp_seconds",
        "seconds",
        "The time the evaluation measured to (UNIX seconds): --now, else the newest record time a feedback check or a drift window used.",
    ),
    family(
        "govgate_process_level",
        "",
        "The support level (0-3) a governance process reached.",
    ),
    family(
        "govgate_process_required_level",
        "",
        "The level a process must reach (only processes with a requirement).",
    ),
    family(
        "govgate_process_status",
        "",
        "State set: 1 on the process's status (pass, fail, not-required), 0 on the others.",
    ),
    family(
        "govgate_check_status",
        "",
        "State set: 1 on the check's status (pass, fail, missing, error), 0 on the others.",
    ),
    family(
        "govgate_check_findings",
        "",
        "Findings of a check by status.",
    ),
    family(
        "govgate_check_findings_omitted",
        "",
        "Findings of a check beyond the series cap (100 a check), counted but not listed.",
    ),
    family(
        "govgate_metric_value",
        "",
        "A metric's value as a threshold check read it.",
    ),
    family(
        "govgate_metric_stderr",
        "",
        "The standard error of a metric's value, where known.",
    ),
    family(
        "govgate_metric_ci_lower",
        "",
        "The lower end of the confidence interval compared with the minimum.",
    ),
    family(
        "govgate_metric_ci_upper",
        "",
        "The upper end of the confidence interval compared with the maximum.",
    ),
    family(
        "govgate_metric_min",
        "",
        "The minimum a threshold check requires of a metric.",
    ),
    family(
        "govgate_metric_max",
        "",
        "The maximum a threshold check allows a metric.",
    ),
    family(
        "govgate_regression_current",
        "",
        "A metric of the candidate in a regression check.",
    ),
    family(
        "govgate_regression_baseline",
        "",
        "The same metric of the baseline.",
    ),
    family(
        "govgate_regression_drop",
        "",
        "The worsening from baseline to candidate in the metric's bad direction (negative: an improvement).",
    ),
    family(
        "govgate_regression_max_drop",
        "",
        "The largest drop the check tolerates.",
    ),
    family(
        "govgate_regression_p_value",
        "",
        "The p-value of the regression's significance test.",
    ),
    family(
        "govgate_drift_distance",
        "",
        "A field's drift as a distance (Wasserstein, Jensen-Shannon, PSI, ...): drift when at or above the threshold.",
    ),
    family(
        "govgate_drift_p_value",
        "",
        "A field's drift test p-value (adjusted for the check's family of fields where one is): drift when below the threshold.",
    ),
    family(
        "govgate_drift_threshold",
        "",
        "The threshold a field's drift value is compared with.",
    ),
    family(
        "govgate_drift_detected",
        "",
        "1 when a field drifted, else 0.",
    ),
    family(
        "govgate_drift_share_ratio",
        "ratio",
        "The share of compared fields that drifted.",
    ),
    family(
        "govgate_drift_share_threshold_ratio",
        "ratio",
        "The share of drifted fields at which the dataset counts as drifted.",
    ),
    family(
        "govgate_ab_lift",
        "",
        "An A/B test's lift: treatment minus control, in the outcome's good direction.",
    ),
    family(
        "govgate_ab_lift_ci_lower",
        "",
        "The lower end of the lift's confidence interval.",
    ),
    family(
        "govgate_ab_lift_ci_upper",
        "",
        "The upper end of the lift's confidence interval.",
    ),
    family(
        "govgate_ab_p_value",
        "",
        "The p-value of the A/B outcome's test (lift = -min_lift).",
    ),
    family(
        "govgate_ab_sample_ratio_p_value",
        "",
        "The p-value of the sample-ratio test (mismatch when below 0.001).",
    ),
    family(
        "govgate_ab_guardrail_degradation",
        "",
        "A guardrail's worsening of treatment against control (negative: it improved).",
    ),
    family(
        "govgate_ab_guardrail_max_degradation",
        "",
        "The worsening a guardrail tolerates.",
    ),
    family(
        "govgate_ab_guardrail_p_value",
        "",
        "The p-value of a guardrail's test (adjusted for the guardrails' family where one is).",
    ),
    family(
        "govgate_fairness_difference",
        "",
        "The largest difference of a rate between groups.",
    ),
    family(
        "govgate_fairness_ratio",
        "ratio",
        "The smallest ratio of a rate between groups.",
    ),
    family(
        "govgate_feedback_age_seconds",
        "seconds",
        "The age of the newest feedback event at the evaluation time.",
    ),
    family(
        "govgate_feedback_max_age_seconds",
        "seconds",
        "The age the newest feedback event may reach.",
    ),
    family(
        "govgate_feedback_events",
        "",
        "Feedback events in the check's window.",
    ),
    family(
        "govgate_feedback_coverage_ratio",
        "ratio",
        "Feedback events over the traffic records in the window.",
    ),
    family(
        "govgate_feedback_min_coverage_ratio",
        "ratio",
        "The coverage the check requires.",
    ),
    family(
        "govgate_estimated_performance",
        "",
        "A metric estimated without labels (CBPE) on a chunk of the production window.",
    ),
    family(
        "govgate_estimated_performance_lower",
        "",
        "The lower end of the estimate's band (3 sampling errors).",
    ),
    family(
        "govgate_estimated_performance_upper",
        "",
        "The upper end of the estimate's band (3 sampling errors).",
    ),
    family(
        "govgate_estimated_performance_floor",
        "",
        "The floor the band is compared with (min, or the reference's value less max_drop).",
    ),
    family(
        "govgate_calibration_error",
        "",
        "The expected calibration error of confidence against correctness.",
    ),
    family(
        "govgate_calibration_max_error",
        "",
        "The largest expected calibration error the check allows.",
    ),
];

/// Label pairs of one series.
type Labels = Vec<(&'static str, String)>;

/// Series collected per family (indexed as [`FAMILIES`]), each label set once.
struct Metrics {
    series: Vec<Vec<(Labels, f64)>>,
    seen: BTreeSet<(usize, Labels)>,
}

impl Metrics {
    fn new() -> Metrics {
        Metrics {
            series: FAMILIES.iter().map(|_| Vec::new()).collect(),
            seen: BTreeSet::new(),
        }
    }

    /// Adds a series; a label set the family already holds keeps its first value (two
    /// findings of one check on the same subject cannot both be a series).
    fn add(&mut self, name: &str, labels: Labels, value: f64) {
        let Some(i) = FAMILIES.iter().position(|f| f.name == name) else {
            debug_assert!(false, "no family {name}");
            return;
        };
        if self.seen.insert((i, labels.clone())) {
            self.series[i].push((labels, value));
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for (f, series) in FAMILIES.iter().zip(&self.series) {
            if series.is_empty() {
                continue;
            }
            let _ = writeln!(out, "# HELP {} {}", f.name, escape_help(f.help));
            let _ = writeln!(out, "# TYPE {} gauge", f.name);
            if !f.unit.is_empty() {
                let _ = writeln!(out, "# UNIT {} {}", f.name, f.unit);
            }
            for (labels, value) in series {
                out.push_str(f.name);
                if !labels.is_empty() {
                    out.push('{');
                    for (k, (name, v)) in labels.iter().enumerate() {
                        if k > 0 {
                            out.push(',');
                        }
                        let _ = write!(out, "{name}=\"{}\"", escape_label(v));
                    }
                    out.push('}');
                }
                out.push(' ');
                out.push_str(&number(*value));
                out.push('\n');
            }
        }
        out.push_str("# EOF\n");
        out
    }
}

/// A label value as the text format writes it: backslash, double quote and line feed
/// escaped.
pub fn escape_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Help text: backslash and line feed escaped.
fn escape_help(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A sample value: integers without a fraction, other numbers in the shortest form that
/// reads back to the same double, `NaN`, `+Inf`, `-Inf`.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if x.fract() == 0.0 && x.abs() < 1e17 {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    }
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let mut m = Metrics::new();
    m.add(
        "govgate_build_info",
        vec![
            ("version", env!("CARGO_PKG_VERSION").to_owned()),
            ("rubric", ctx.rubric.name.clone()),
            ("rubric_sha256", ctx.rubric.sha256.clone()),
        ],
        1.0,
    );
    m.add("govgate_verdict_passed", vec![], flag(verdict.passed()));
    m.add("govgate_exit_code", vec![], f64::from(verdict.exit_code));
    if let Some(t) = evaluation_time(verdict, ctx) {
        m.add("govgate_evaluation_timestamp_seconds", vec![], t);
    }
    for p in &verdict.processes {
        let pl = || vec![("process", p.id.to_string())];
        m.add("govgate_process_level", pl(), f64::from(p.level));
        if let Some(r) = p.required {
            m.add("govgate_process_required_level", pl(), f64::from(r));
        }
        for s in [
            ProcessStatus::Pass,
            ProcessStatus::Fail,
            ProcessStatus::NotRequired,
        ] {
            let mut l = pl();
            l.push(("status", s.as_str().to_owned()));
            m.add("govgate_process_status", l, flag(p.status == s));
        }
    }
    for o in &verdict.outcomes {
        check_series(&mut m, o, ctx);
    }
    m.render()
}

/// `--now`, else the latest time a check measured to: a `feedback` check's `now` or the
/// newest record of a drift check's production window.
fn evaluation_time(verdict: &Verdict, ctx: &Context<'_>) -> Option<f64> {
    ctx.evidence.now.or_else(|| {
        verdict
            .outcomes
            .iter()
            .flat_map(|o| &o.findings)
            .filter_map(|f| match &f.detail {
                Some(Detail::Feedback(d)) => Some(d.now),
                Some(Detail::Drift(d)) => d.production_newest,
                _ => None,
            })
            .filter(|t| t.is_finite())
            .reduce(f64::max)
    })
}

const STATUSES: [Status; 4] = [Status::Pass, Status::Fail, Status::Missing, Status::Error];

fn check_series(m: &mut Metrics, o: &Outcome, ctx: &Context<'_>) {
    let base = || -> Labels { vec![("check", o.id.clone()), ("process", o.process.to_string())] };
    for s in STATUSES {
        let mut l = base();
        l.push(("kind", o.kind.to_owned()));
        l.push(("level", o.level.to_string()));
        l.push(("status", s.as_str().to_owned()));
        m.add("govgate_check_status", l, flag(o.status == s));
    }
    for s in STATUSES {
        let mut l = base();
        l.push(("status", s.as_str().to_owned()));
        let n = o.findings.iter().filter(|f| f.status == s).count();
        m.add("govgate_check_findings", l, n as f64);
    }
    // those not passing first, each group in the rubric's order
    let mut shown: Vec<&Finding> = o
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .chain(o.findings.iter().filter(|f| f.status == Status::Pass))
        .collect();
    let omitted = shown.len().saturating_sub(MAX_FINDINGS_PER_CHECK);
    shown.truncate(MAX_FINDINGS_PER_CHECK);
    m.add("govgate_check_findings_omitted", base(), omitted as f64);
    let check = ctx.rubric.checks.iter().find(|c| c.id == o.id);
    for f in shown {
        if let Some(d) = &f.detail {
            detail_series(m, base(), f, d, check.map(|c| &c.kind));
        }
    }
}

fn detail_series(m: &mut Metrics, base: Labels, f: &Finding, d: &Detail, kind: Option<&CheckKind>) {
    let with = |pairs: &[(&'static str, String)]| -> Labels {
        let mut l = base.clone();
        l.extend(pairs.iter().cloned());
        l
    };
    match d {
        Detail::Threshold(t) => {
            let mut l = with(&[("metric", f.subject.clone())]);
            if let Some(run) = &f.run {
                l.push(("run", display_path(run)));
            }
            m.add("govgate_metric_value", l.clone(), t.value);
            let opt = [
                ("govgate_metric_stderr", t.stderr),
                ("govgate_metric_ci_lower", t.lower),
                ("govgate_metric_ci_upper", t.upper),
                ("govgate_metric_min", t.min),
                ("govgate_metric_max", t.max),
            ];
            for (name, v) in opt {
                if let Some(v) = v {
                    m.add(name, l.clone(), v);
                }
            }
        }
        Detail::Regression(r) => {
            let mut l = with(&[("metric", f.subject.clone())]);
            if let Some(run) = &f.run {
                l.push(("run", display_path(run)));
            }
            m.add("govgate_regression_current", l.clone(), r.current);
            m.add("govgate_regression_baseline", l.clone(), r.baseline);
            m.add("govgate_regression_drop", l.clone(), r.drop);
            if let Some(x) = r.max_drop {
                m.add("govgate_regression_max_drop", l.clone(), x);
            }
            if let Some(t) = &r.test {
                m.add("govgate_regression_p_value", l, t.p_value);
            }
        }
        Detail::Drift(x) => {
            let l = with(&[("field", x.field.clone()), ("method", x.method.to_owned())]);
            if matches!(x.drift_when, "<=" | "<") {
                let p = x.family.as_ref().map_or(x.value, |a| a.p_adjusted);
                m.add("govgate_drift_p_value", l.clone(), p);
            } else {
                m.add("govgate_drift_distance", l.clone(), x.value);
            }
            m.add("govgate_drift_threshold", l.clone(), x.threshold);
            m.add("govgate_drift_detected", l, flag(x.drift));
        }
        Detail::DatasetDrift(x) => {
            m.add("govgate_drift_share_ratio", base.clone(), x.share);
            m.add("govgate_drift_share_threshold_ratio", base, x.drift_share);
        }
        Detail::AbOutcome(a) => {
            let l = with(&[("outcome", f.subject.clone())]);
            m.add("govgate_ab_lift", l.clone(), a.lift);
            m.add("govgate_ab_lift_ci_lower", l.clone(), a.ci_low);
            m.add("govgate_ab_lift_ci_upper", l.clone(), a.ci_high);
            m.add("govgate_ab_p_value", l, a.p_value);
        }
        Detail::SampleRatio(s) => {
            m.add("govgate_ab_sample_ratio_p_value", base, s.p_value);
        }
        Detail::Guardrail(g) => {
            let l = with(&[("field", g.field.clone())]);
            m.add("govgate_ab_guardrail_degradation", l.clone(), g.degradation);
            m.add(
                "govgate_ab_guardrail_max_degradation",
                l.clone(),
                g.max_degradation,
            );
            let p = g.family.as_ref().map_or(g.p_value, |a| a.p_adjusted);
            m.add("govgate_ab_guardrail_p_value", l, p);
        }
        Detail::Fairness(x) => {
            let l = with(&[("subject", f.subject.clone())]);
            if let Some(v) = x.difference {
                m.add("govgate_fairness_difference", l.clone(), v);
            }
            if let Some(v) = x.ratio {
                m.add("govgate_fairness_ratio", l, v);
            }
        }
        Detail::EstimatedPerformance(x) => {
            let l = with(&[
                ("metric", x.metric.name().to_owned()),
                ("chunk", x.chunk.clone()),
            ]);
            m.add("govgate_estimated_performance", l.clone(), x.estimate);
            m.add("govgate_estimated_performance_lower", l.clone(), x.lower);
            m.add("govgate_estimated_performance_upper", l.clone(), x.upper);
            m.add("govgate_estimated_performance_floor", l, x.floor);
        }
        Detail::Calibration(x) => {
            let l = with(&[("subject", f.subject.clone())]);
            m.add("govgate_calibration_error", l.clone(), x.ece);
            m.add("govgate_calibration_max_error", l, x.max_ece);
        }
        Detail::Feedback(x) => {
            // the check's findings (freshness, volume, coverage) share one detail
            if let Some(age) = x.age_seconds {
                m.add("govgate_feedback_age_seconds", base.clone(), age);
            }
            m.add("govgate_feedback_events", base.clone(), x.events as f64);
            if let Some(c) = x.coverage {
                m.add("govgate_feedback_coverage_ratio", base.clone(), c);
            }
            if let Some(CheckKind::Feedback(fb)) = kind {
                if let Some(a) = fb.max_age {
                    m.add("govgate_feedback_max_age_seconds", base.clone(), a);
                }
                if let Some(c) = &fb.coverage {
                    m.add("govgate_feedback_min_coverage_ratio", base, c.min);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_as_the_same_double() {
        for (x, text) in [
            (0.0, "0"),
            (3.0, "3"),
            (-2.0, "-2"),
            (0.1, "0.1"),
            (1e-7, "1e-7"),
            (1e15, "1000000000000000"),
            (1e300, "1e300"),
            (2.5e-300, "2.5e-300"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ] {
            assert_eq!(number(x), text);
            if x.is_finite() {
                assert_eq!(text.parse::<f64>().ok(), Some(x), "{text}");
            }
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label("two\nlines"), "two\\nlines");
        assert_eq!(escape_label("mmlu/acc@none"), "mmlu/acc@none");
    }

    #[test]
    fn families_are_named_by_the_conventions() {
        let mut names = BTreeSet::new();
        for f in FAMILIES {
            assert!(names.insert(f.name), "{} twice", f.name);
            assert!(f.name.starts_with("govgate_"), "{}", f.name);
            assert!(
                f.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}",
                f.name
            );
            assert!(f.unit.is_empty() || f.name.ends_with(&format!("_{}", f.unit)));
            assert!(!f.name.ends_with("_total") && !f.help.is_empty());
        }
    }
}

//! `ab_test`: the treatment arm of an online experiment is not worse than control, the
//! split is the one intended, and no guardrail degraded.
//!
//! ## What it checks
//! Records (one per request, streamed) carry the arm in `variant` and the result in
//! `outcome`. Three kinds of finding:
//!
//! * **outcome** — `lift = treatment − control` (the difference of the outcome's means, in
//!   the good direction: `control − treatment` when `higher_is_better: false`). An outcome
//!   whose every value is 0 or 1 (booleans count) is compared by Wald's test of two
//!   proportions, `z = (lift + min_lift)/√(p_t q_t/n_t + p_c q_c/n_c)` with its interval
//!   `lift ± z₁₋α/₂·√(p_t q_t/n_t + p_c q_c/n_c)` (statsmodels
//!   `test_proportions_2indep(method="wald", value=…)` and
//!   `confint_proportions_2indep(method="wald")`); any other numeric outcome by Welch's
//!   t-test (scipy `ttest_ind(equal_var=False)`, tested against the margin). It passes when
//!   each arm has `min_samples` records with an outcome and the interval's lower end is
//!   above `−min_lift`: treatment is shown, at `alpha`, to be worse by less than
//!   `min_lift` (non-inferiority; `min_lift: 0` asks for a shown improvement, a negative
//!   `min_lift` for a lift of at least that much). The reported p-value is that of the
//!   test of `lift = −min_lift`, so it is below `alpha` exactly when the interval clears
//!   the margin on one side. (The pass asks for evidence for the treatment: one claim,
//!   not a family; no correction applies.)
//! * **sample ratio** (with `expected_split`) — Pearson's chi-square goodness of fit of the
//!   arms' record counts to the intended shares (scipy `chisquare`); `p < 0.001` is a
//!   sample-ratio mismatch and fails: assignment or logging is broken, and no comparison of
//!   the arms can be trusted.
//! * **guardrail** (each of `guardrails`) — Welch's t-test of the field between the arms;
//!   `degradation` is `treatment − control` (a field where lower is better, the default,
//!   such as latency) or `control − treatment` (`higher_is_better: true`). It fails when
//!   the degradation exceeds `max_degradation` (default 0) significantly: its test of
//!   `degradation = max_degradation` has, **adjusted over every guardrail of the check**
//!   (Holm by default, `correction:`), a p-value below `alpha`; the interval at the level
//!   the correction judged it at then lies above `max_degradation`. Five guardrails of an
//!   unchanged service raise a false alarm at most `alpha` of the time, not five times
//!   that.
//! * **`sequential: true`** — the outcome and the guardrails use the always-valid mSPRT
//!   ([`crate::stats::sequential`]) instead: its p-value `min(1, 1/Λ)` and confidence
//!   sequence may be looked at every day on the accumulating records with the false-positive
//!   rate still `alpha` over all the looks; `tau` (default: narrowest at `min_samples`).
//! * **`covariate:`** — CUPED: the outcome adjusted to `y − θ(x − x̄)`, `θ = cov(y, x)/var(x)`
//!   over both arms, before either test; the variance reduction is reported.
//!
//! ## Configuration
//! ```yaml
//! - id: ab-new-prompt
//!   level: 3
//!   ab_test:
//!     variant: arm
//!     control: A
//!     treatment: B
//!     outcome: thumbs_up
//!     min_lift: 0.0
//!     alpha: 0.05
//!     min_samples: 1000
//!     expected_split: { A: 0.5, B: 0.5 }
//!     guardrails: [latency_ms, { field: csat, higher_is_better: true }]
//! ```
//!
//! ## Failure
//! No records, or no record of an arm: `missing`. An arm below `min_samples`, a lift whose
//! interval reaches `−min_lift`, a sample-ratio mismatch, or a degraded guardrail: `fail`.
//! An outcome that is text on some record is an `error` naming how many.

mod compare;

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Detail, Finding, SampleCache, Status, row_files};
use crate::error::Result;
use crate::evidence::production::summary::{AbSummary, ArmSummary, Summary};
use crate::evidence::production::{self, Scalar};
use crate::num::{fmt, p as fmt_p};
use crate::rubric::{AbTest, Guardrail};
use crate::stats::describe::{Comoments, Running};
use crate::stats::inference::Inference;
use crate::stats::multiplicity::{self, Adjusted};
use crate::stats::{sequential, twosample};

use compare::{Compared, compare_outcome};
pub use compare::{CupedDetail, SequentialDetail};

/// A sample-ratio mismatch below this p-value fails (the usual experimentation-platform
/// threshold).
pub const SRM_ALPHA: f64 = 0.001;

/// Distinct arm names kept for messages beyond the ones the rubric names.
const MAX_OTHER_ARMS: usize = 20;

/// One arm's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Arm {
    pub arm: String,
    /// Records of the arm.
    pub records: u64,
    /// Records with a numeric outcome.
    pub n: u64,
    #[serde(serialize_with = "crate::num::ser")]
    pub mean: f64,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub sd: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AbMethod {
    TwoProportionZ,
    WelchT,
    /// The mixture sequential probability ratio test (always valid).
    Msprt,
}

impl AbMethod {
    fn label(self) -> &'static str {
        match self {
            AbMethod::TwoProportionZ => "Wald two-proportion z-test",
            AbMethod::WelchT => "Welch t-test",
            AbMethod::Msprt => "always-valid mSPRT",
        }
    }
}

/// The outcome's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct AbOutcome {
    pub control: Arm,
    pub treatment: Arm,
    pub method: AbMethod,
    /// `treatment − control` in the good direction.
    #[serde(serialize_with = "crate::num::ser")]
    pub lift: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_low: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_high: f64,
    /// p-value of the test of `lift = −min_lift` (two-sided).
    #[serde(serialize_with = "crate::num::ser")]
    pub p_value: f64,
    /// The test's statistic of `lift = −min_lift`: z or t, or with `sequential` the mixture
    /// likelihood ratio Λ (also in `sequential.likelihood_ratio`).
    #[serde(serialize_with = "crate::num::ser")]
    pub statistic: f64,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub df: Option<f64>,
    pub alpha: f64,
    pub min_lift: f64,
    pub higher_is_better: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequential: Option<SequentialDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cuped: Option<CupedDetail>,
}

/// The sample-ratio test.
#[derive(Debug, Clone, Serialize)]
pub struct SampleRatio {
    /// (arm, records, expected share) in the order of `expected_split`.
    pub arms: Vec<(String, u64, f64)>,
    #[serde(serialize_with = "crate::num::ser")]
    pub statistic: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub p_value: f64,
    pub threshold: f64,
}

/// A guardrail's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct GuardrailDetail {
    pub field: String,
    pub higher_is_better: bool,
    pub control: Arm,
    pub treatment: Arm,
    /// Worsening of treatment against control (negative: it improved).
    #[serde(serialize_with = "crate::num::ser")]
    pub degradation: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_low: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_high: f64,
    /// p-value of the test of `degradation = max_degradation` (two-sided).
    #[serde(serialize_with = "crate::num::ser")]
    pub p_value: f64,
    pub max_degradation: f64,
    /// The guardrails' family: adjusted p-value, size, correction, and the level the
    /// correction judged this guardrail at, with the interval at it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<Adjusted>,
    #[serde(
        serialize_with = "crate::num::ser_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub adjusted_ci_low: Option<f64>,
    #[serde(
        serialize_with = "crate::num::ser_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub adjusted_ci_high: Option<f64>,
    /// The decision: the degradation exceeds `max_degradation` significantly.
    pub degraded: bool,
}

/// Per-arm accumulation while streaming.
#[derive(Debug, Default, Clone)]
struct ArmAcc {
    records: u64,
    outcome: Running,
    /// Outcomes that are 0 or 1.
    binary: bool,
    ones: u64,
    /// Records whose outcome is text, an array or an object, or not finite.
    wrong_type: u64,
    guardrails: Vec<Running>,
    /// (covariate, outcome) of the records with both (with `covariate:`).
    pairs: Comoments,
    /// Records with a numeric outcome but no numeric covariate (with `covariate:`).
    no_covariate: u64,
}

fn new_arm(guards: usize) -> ArmAcc {
    ArmAcc {
        binary: true,
        guardrails: vec![Running::default(); guards],
        ..ArmAcc::default()
    }
}

/// Whether a summary document holds what this check compares: the same arm field and
/// outcome, every guardrail, and the covariate when the check adjusts by one.
fn summary_fits(a: &AbTest, s: &AbSummary) -> std::result::Result<(), String> {
    if s.variant != a.variant || s.outcome != a.outcome {
        return Err(format!(
            "summarises outcome `{}` by `{}`, this check compares `{}` by `{}`",
            s.outcome, s.variant, a.outcome, a.variant
        ));
    }
    let absent: Vec<&str> = a
        .guardrails
        .iter()
        .filter(|g| !s.guardrails.contains(&g.field))
        .map(|g| g.field.as_str())
        .collect();
    if !absent.is_empty() {
        return Err(format!("holds no guardrail `{}`", absent.join("`, `")));
    }
    if let Some(c) = &a.covariate
        && s.covariate.as_ref() != Some(c)
    {
        return Err(format!(
            "holds no covariate `{c}` (CUPED needs its co-moments)"
        ));
    }
    Ok(())
}

/// Adds one arm of a summary document to the arm's accumulation (Chan's merge of moments).
fn add_summary(acc: &mut ArmAcc, a: &AbTest, s: &AbSummary, arm: &ArmSummary) {
    acc.records += arm.records;
    let o = &arm.outcome;
    acc.outcome = acc.outcome.merged(&Running::from_moments(
        o.moments.n,
        o.moments.mean,
        o.moments.variance,
    ));
    acc.ones += o.ones;
    if o.other > 0 {
        acc.binary = false;
    }
    acc.wrong_type += o.not_numeric;
    for (slot, g) in acc.guardrails.iter_mut().zip(&a.guardrails) {
        if let Some((_, m)) = arm.guardrails.iter().find(|(name, _)| *name == g.field) {
            *slot = slot.merged(&Running::from_moments(m.n, m.mean, m.variance));
        }
    }
    if a.covariate.is_some()
        && s.covariate == a.covariate
        && let Some(c) = &arm.covariate
    {
        acc.pairs = acc.pairs.merged(&Comoments::from_moments(
            c.n,
            (c.mean_x, c.mean_y),
            (c.var_x, c.var_y, c.cov_xy),
        ));
        acc.no_covariate += c.without;
    }
}

fn arm_summary(name: &str, records: u64, r: &Running) -> Arm {
    Arm {
        arm: name.to_owned(),
        records,
        n: r.n,
        mean: r.mean(),
        sd: r.variance().map(f64::sqrt),
    }
}

fn expected(a: &AbTest) -> String {
    format!(
        "lift > -{} at alpha {}, >= {} per arm",
        fmt(a.min_lift),
        fmt(a.alpha),
        a.min_samples
    )
}

pub fn run(
    a: &AbTest,
    evidence: &crate::model::Evidence,
    cache: &mut SampleCache,
) -> Result<Vec<Finding>> {
    let subject = format!("{} ({} vs {})", a.outcome, a.treatment, a.control);
    let files = match row_files(&a.records, evidence)? {
        Ok(f) => f,
        Err(why) => {
            let mut f = Finding::pending(&subject, &expected(a));
            f.message = format!("{subject}: {why}");
            f.observed = "no records".into();
            return Ok(vec![f]);
        }
    };
    let mut fields = vec![a.variant.clone(), a.outcome.clone()];
    fields.extend(a.guardrails.iter().map(|g| g.field.clone()));
    let guards = a.guardrails.len();
    // the covariate, when there is one, is read after the guardrails
    fields.extend(a.covariate.iter().cloned());
    let mut arms: BTreeMap<String, ArmAcc> = BTreeMap::new();
    for name in [&a.control, &a.treatment] {
        arms.insert(name.clone(), new_arm(guards));
    }
    for (name, _) in a.expected_split.iter().flatten() {
        arms.entry(name.clone()).or_insert_with(|| new_arm(guards));
    }
    let covariate = a.covariate.is_some();
    let (mut total, mut no_arm, mut other) = (0u64, 0u64, 0u64);
    let mut other_names: Vec<String> = Vec::new();
    // summary documents (an engine's per-arm sums) add to the arms as their records would
    let production::Split {
        records: files,
        summaries: docs,
    } = production::split_summaries(&files)?;
    let mut summary_reads = Vec::new();
    let mut unmatched = Vec::new();
    for (doc, read) in docs {
        let Summary::AbTest(s) = &doc else {
            unmatched.push(format!(
                "{} is a `{}` summary",
                read.path.display(),
                doc.check()
            ));
            continue;
        };
        if let Err(why) = summary_fits(a, s) {
            unmatched.push(format!("{}: {why}", read.path.display()));
            continue;
        }
        total += s.records;
        no_arm += s.no_variant;
        for (name, arm) in &s.arms {
            match arms.get_mut(name) {
                Some(acc) => add_summary(acc, a, s, arm),
                None => {
                    other += arm.records;
                    if other_names.len() < MAX_OTHER_ARMS && !other_names.contains(name) {
                        other_names.push(name.clone());
                    }
                }
            }
        }
        summary_reads.push(read);
    }
    if summary_reads.is_empty() && files.is_empty() {
        let mut f = Finding::pending(&subject, &expected(a));
        f.message = format!(
            "{subject}: no records, and no summary document for this check in {} ({})",
            a.records.label(),
            unmatched.join("; ")
        );
        f.observed = "no records".into();
        cache.note_records(&a.records, summary_reads);
        return Ok(vec![f]);
    }
    let n_files = files.len() + summary_reads.len();
    cache.note_records(&a.records, summary_reads);
    let reads = production::read_rows(&files, &fields, "ab_test", &mut |row| {
        total += 1;
        let Some(arm) = row[0].as_ref().and_then(Scalar::category) else {
            no_arm += 1;
            return;
        };
        let Some(acc) = arms.get_mut(&arm) else {
            other += 1;
            if other_names.len() < MAX_OTHER_ARMS && !other_names.contains(&arm) {
                other_names.push(arm);
            }
            return;
        };
        acc.records += 1;
        match row[1].as_ref() {
            None => {}
            Some(v) => match v.number() {
                Some(y) => {
                    acc.outcome.push(y);
                    if y == 1.0 {
                        acc.ones += 1;
                    } else if y != 0.0 {
                        acc.binary = false;
                    }
                    if covariate {
                        match row[2 + guards].as_ref().and_then(Scalar::number) {
                            Some(x) => acc.pairs.push(x, y),
                            None => acc.no_covariate += 1,
                        }
                    }
                }
                None => acc.wrong_type += 1,
            },
        }
        for (g, slot) in acc.guardrails.iter_mut().zip(&row[2..2 + guards]) {
            if let Some(x) = slot.as_ref().and_then(Scalar::number) {
                g.push(x);
            }
        }
    })?;
    cache.note_records(&a.records, reads);

    let ctl = arms
        .get(&a.control)
        .cloned()
        .unwrap_or_else(|| new_arm(guards));
    let trt = arms
        .get(&a.treatment)
        .cloned()
        .unwrap_or_else(|| new_arm(guards));
    let mut out = Vec::new();
    let seen = |arms: &BTreeMap<String, ArmAcc>| -> String {
        let mut names: Vec<String> = arms
            .iter()
            .filter(|(_, x)| x.records > 0)
            .map(|(k, _)| k.clone())
            .collect();
        names.extend(other_names.iter().cloned());
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    };
    let files_note = format!(
        "{total} record(s) in {} file(s) of {}",
        n_files,
        a.records.label()
    );
    out.push(outcome_finding(
        a,
        &subject,
        &ctl,
        &trt,
        &files_note,
        || seen(&arms),
    ));
    if let Some(split) = &a.expected_split {
        out.push(srm_finding(split, &arms));
    }
    // the guardrails are one family: every test made, adjusted before any is decided
    let pending: Vec<Guard> = a
        .guardrails
        .iter()
        .enumerate()
        .map(|(i, g)| guardrail_test(a, g, &ctl, &trt, i))
        .collect();
    let ps: Vec<f64> = pending
        .iter()
        .map(|g| g.test.as_ref().map_or(f64::NAN, |t| t.p_value))
        .collect();
    let family = multiplicity::family(&ps, a.alpha, a.correction);
    for (g, adj) in pending.into_iter().zip(family) {
        out.push(guardrail_decide(a, g, adj));
    }
    if no_arm > 0 || other > 0 {
        tracing::info!(
            "ab_test: {no_arm} record(s) without `{}`, {other} in other arms ({})",
            a.variant,
            other_names.join(", ")
        );
    }
    Ok(out)
}

fn outcome_finding(
    a: &AbTest,
    subject: &str,
    ctl: &ArmAcc,
    trt: &ArmAcc,
    files_note: &str,
    seen: impl Fn() -> String,
) -> Finding {
    let mut f = Finding::pending(subject, &expected(a));
    for (acc, name) in [(ctl, &a.control), (trt, &a.treatment)] {
        if acc.records == 0 {
            f.message = format!(
                "{subject}: no record of arm `{name}` in `{}` ({files_note}; arms seen: {})",
                a.variant,
                seen()
            );
            f.observed = format!("no arm {name}");
            return f;
        }
    }
    let wrong = ctl.wrong_type + trt.wrong_type;
    if wrong > 0 {
        f.status = Status::Error;
        f.message = format!(
            "{subject}: {wrong} record(s) hold an outcome `{}` that is not a number or boolean",
            a.outcome
        );
        f.observed = "non-numeric outcome".into();
        return f;
    }
    let (c, t) = (
        arm_summary(&a.control, ctl.records, &ctl.outcome),
        arm_summary(&a.treatment, trt.records, &trt.outcome),
    );
    let small: Vec<String> = [&c, &t]
        .iter()
        .filter(|x| x.n < a.min_samples)
        .map(|x| format!("arm {} has {} record(s) with an outcome", x.arm, x.n))
        .collect();
    let Compared {
        method,
        test: cmp,
        sequential,
        cuped,
    } = compare_outcome(a, ctl, trt);
    let arms_text = format!(
        "{} n={} mean {}, {} n={} mean {}",
        a.treatment,
        t.n,
        fmt(t.mean),
        a.control,
        c.n,
        fmt(c.mean)
    );
    let Some(x) = cmp else {
        f.status = Status::Fail;
        f.message = format!(
            "{subject}: {arms_text}: too few outcomes to compare; {}",
            if !small.is_empty() {
                format!("{}; needs {}", small.join(", "), a.min_samples)
            } else if let Some(cov) = &a.covariate {
                format!(
                    "each arm needs at least 2 records with an outcome and a numeric `{cov}` \
                     (control {}, treatment {})",
                    ctl.pairs.n, trt.pairs.n
                )
            } else {
                "each arm needs at least 2".to_owned()
            }
        );
        f.observed = arms_text;
        return f;
    };
    let lift = x.delta;
    let (lo, hi) = x.interval(a.alpha).unwrap_or((f64::NAN, f64::NAN));
    let mut stats = format!(
        "lift {}, {}% {} [{}, {}], p={} ({} of lift = {})",
        fmt(lift),
        fmt((1.0 - a.alpha) * 100.0),
        if sequential.is_some() {
            "confidence sequence"
        } else {
            "CI"
        },
        fmt(lo),
        fmt(hi),
        fmt_p(x.p_value),
        method.label(),
        fmt(-a.min_lift)
    );
    if let Some(q) = &sequential {
        stats.push_str(&format!(
            ", tau {} ({})",
            fmt(q.tau),
            match q.tau_from {
                "tau" => "from the rubric".to_owned(),
                from => format!("narrowest at {from}"),
            }
        ));
    }
    if let Some(cu) = &cuped {
        stats.push_str(&format!(
            "; CUPED on `{}`: theta {}, unadjusted lift {}, variance of the lift reduced by {}%",
            cu.covariate,
            fmt(cu.theta),
            fmt(cu.unadjusted_lift),
            fmt(cu.variance_reduction * 100.0)
        ));
        let (nc, nt) = cu.without_covariate;
        if nc + nt > 0 {
            stats.push_str(&format!(
                " ({} record(s) without a numeric `{}` left out)",
                nc + nt,
                cu.covariate
            ));
        }
    }
    f.observed = format!("lift {} [{}, {}]", fmt(lift), fmt(lo), fmt(hi));
    let mut problems = Vec::new();
    if !small.is_empty() {
        problems.push(format!("{}; needs {}", small.join(", "), a.min_samples));
    }
    let shown = lo > -a.min_lift;
    if !shown {
        problems.push(if a.min_lift == 0.0 {
            format!(
                "the interval reaches {}: treatment is not shown better at alpha {}",
                fmt(lo),
                fmt(a.alpha)
            )
        } else {
            format!(
                "the interval reaches {} <= -{}: treatment may be worse by more than {}",
                fmt(lo),
                fmt(a.min_lift),
                fmt(a.min_lift)
            )
        });
    }
    (f.status, f.message) = if problems.is_empty() {
        (Status::Pass, format!("{subject}: {arms_text}; {stats}"))
    } else {
        (
            Status::Fail,
            format!("{subject}: {arms_text}; {stats}; {}", problems.join("; ")),
        )
    };
    f.detail = Some(Detail::AbOutcome(Box::new(AbOutcome {
        control: c,
        treatment: t,
        method,
        lift,
        ci_low: lo,
        ci_high: hi,
        p_value: x.p_value,
        statistic: x.statistic().unwrap_or(f64::NAN),
        df: x.df(),
        alpha: a.alpha,
        min_lift: a.min_lift,
        higher_is_better: a.higher_is_better,
        sequential: sequential.map(|q| SequentialDetail {
            likelihood_ratio: x.statistic().unwrap_or(f64::NAN),
            ..q
        }),
        cuped,
    })));
    f
}

fn srm_finding(split: &[(String, f64)], arms: &BTreeMap<String, ArmAcc>) -> Finding {
    let expected = format!("split as intended (p >= {SRM_ALPHA})");
    let mut f = Finding::pending("sample ratio", &expected);
    let observed: Vec<u64> = split
        .iter()
        .map(|(k, _)| arms.get(k).map_or(0, |x| x.records))
        .collect();
    let shares: Vec<f64> = split.iter().map(|(_, s)| *s).collect();
    let total: f64 = shares.iter().sum();
    let counts = split
        .iter()
        .zip(&observed)
        .map(|((k, _), n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let intended = split
        .iter()
        .map(|(k, s)| format!("{k} {}", fmt(s / total)))
        .collect::<Vec<_>>()
        .join(", ");
    let Some((stat, p)) = twosample::chisquare_gof(&observed, &shares) else {
        f.message = format!("sample ratio: no records in the arms of `expected_split` ({counts})");
        f.observed = "no records".into();
        return f;
    };
    f.observed = format!("{counts}, p={}", fmt_p(p));
    let head = format!(
        "sample ratio: {counts} against {intended}: chi-square {} p={}",
        fmt(stat),
        fmt_p(p)
    );
    (f.status, f.message) = if p < SRM_ALPHA {
        (
            Status::Fail,
            format!(
                "{head} < {SRM_ALPHA}: sample-ratio mismatch, the assignment or the logging is \
                 broken and the comparison cannot be trusted"
            ),
        )
    } else {
        (Status::Pass, head)
    };
    f.detail = Some(Detail::SampleRatio(SampleRatio {
        arms: split
            .iter()
            .zip(&observed)
            .map(|((k, s), n)| (k.clone(), *n, s / total))
            .collect(),
        statistic: stat,
        p_value: p,
        threshold: SRM_ALPHA,
    }));
    f
}

/// A guardrail before its family is adjusted.
struct Guard {
    finding: Finding,
    detail: Option<GuardrailDetail>,
    /// The test of `degradation = max_degradation`; `None` when the arms agree exactly.
    test: Option<Inference>,
    arms_text: String,
}

fn guardrail_test(a: &AbTest, g: &Guardrail, ctl: &ArmAcc, trt: &ArmAcc, i: usize) -> Guard {
    let subject = format!("{} (guardrail)", g.field);
    let dir = if g.higher_is_better {
        "higher is better"
    } else {
        "lower is better"
    };
    let expected = format!(
        "no significant degradation > {} ({dir})",
        fmt(g.max_degradation)
    );
    let mut f = Finding::pending(&subject, &expected);
    let (cr, tr) = (ctl.guardrails[i], trt.guardrails[i]);
    let c = arm_summary(&a.control, ctl.records, &cr);
    let t = arm_summary(&a.treatment, trt.records, &tr);
    let arms_text = format!(
        "{} mean {} (n={}), {} mean {} (n={})",
        a.treatment,
        fmt(t.mean),
        t.n,
        a.control,
        fmt(c.mean),
        c.n
    );
    let cmp = twosample::welch(
        t.mean,
        tr.variance().unwrap_or(f64::NAN),
        t.n,
        c.mean,
        cr.variance().unwrap_or(f64::NAN),
        c.n,
        a.alpha,
    );
    let Some(x) = cmp else {
        f.message = format!(
            "{subject}: {arms_text}: each arm needs 2 or more numeric values of `{}`",
            g.field
        );
        f.observed = format!("n={} / {}", t.n, c.n);
        return Guard {
            finding: f,
            detail: None,
            test: None,
            arms_text,
        };
    };
    // degradation: treatment worse than control
    let d = if g.higher_is_better {
        -x.delta
    } else {
        x.delta
    };
    let se = (tr.variance().unwrap_or(f64::NAN) / t.n as f64
        + cr.variance().unwrap_or(f64::NAN) / c.n as f64)
        .sqrt();
    let test = match a.sequential {
        // always valid; the mixture sized for `horizon` (else min_samples) records per arm
        // (a rubric's `tau` is on the outcome's scale, not the guardrail's)
        Some(_) => {
            let (vt, vc) = (
                tr.variance().unwrap_or(f64::NAN),
                cr.variance().unwrap_or(f64::NAN),
            );
            let horizon = a
                .sequential
                .and_then(|q| q.horizon)
                .unwrap_or(a.min_samples);
            let tau2 = sequential::mixing_variance(a.alpha, vt, vc, horizon);
            Inference::mixture(d, se * se, tau2, g.max_degradation)
        }
        None => {
            x.df.and_then(|df| Inference::t(d, se, df, g.max_degradation))
        }
    };
    let (lo, hi) = test
        .as_ref()
        .and_then(|t| t.interval(a.alpha))
        .unwrap_or((d, d));
    let detail = GuardrailDetail {
        field: g.field.clone(),
        higher_is_better: g.higher_is_better,
        control: c,
        treatment: t,
        degradation: d,
        ci_low: lo,
        ci_high: hi,
        p_value: test.as_ref().map_or(f64::NAN, |t| t.p_value),
        max_degradation: g.max_degradation,
        family: None,
        adjusted_ci_low: None,
        adjusted_ci_high: None,
        degraded: false,
    };
    Guard {
        finding: f,
        detail: Some(detail),
        test,
        arms_text,
    }
}

fn guardrail_decide(a: &AbTest, g: Guard, adj: Adjusted) -> Finding {
    let Guard {
        mut finding,
        detail,
        test,
        arms_text,
    } = g;
    let Some(mut detail) = detail else {
        return finding;
    };
    let subject = finding.subject.clone();
    let d = detail.degradation;
    let margin = detail.max_degradation;
    let mut stats = format!(
        "degradation {}, {}% CI [{}, {}]",
        fmt(d),
        fmt((1.0 - a.alpha) * 100.0),
        fmt(detail.ci_low),
        fmt(detail.ci_high)
    );
    let degraded = match &test {
        Some(t) => {
            stats.push_str(&format!(
                ", p={} ({} of degradation = {})",
                fmt_p(t.p_value),
                if a.sequential.is_some() {
                    "always-valid mSPRT"
                } else {
                    "Welch t-test"
                },
                fmt(margin)
            ));
            if adj.family_size > 1 && adj.correction != multiplicity::Correction::None {
                let (alo, ahi) = t.interval(adj.level).unwrap_or((f64::NAN, f64::NAN));
                stats.push_str(&format!(
                    "; {} over {} guardrails: p_adj={}, {}% CI [{}, {}]",
                    adj.correction.label(),
                    adj.family_size,
                    fmt_p(adj.p_adjusted),
                    fmt((1.0 - adj.level) * 100.0),
                    fmt(alo),
                    fmt(ahi)
                ));
                detail.adjusted_ci_low = Some(alo);
                detail.adjusted_ci_high = Some(ahi);
            }
            detail.family = Some(adj);
            d > margin && adj.p_adjusted < a.alpha
        }
        // the arms agree exactly within each: the difference is what it is
        None => {
            stats.push_str(" (no spread in either arm)");
            d > margin
        }
    };
    detail.degraded = degraded;
    finding.observed = format!(
        "degradation {} [{}, {}]",
        fmt(d),
        fmt(detail.ci_low),
        fmt(detail.ci_high)
    );
    (finding.status, finding.message) = if degraded {
        (
            Status::Fail,
            format!(
                "{subject}: {arms_text}; {stats}: degraded significantly beyond {}",
                fmt(margin)
            ),
        )
    } else {
        (Status::Pass, format!("{subject}: {arms_text}; {stats}"))
    };
    finding.detail = Some(Detail::Guardrail(Box::new(detail)));
    finding
}

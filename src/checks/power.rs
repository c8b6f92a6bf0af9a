//! `power`: the run is large enough to detect the change the next iteration must show.
//!
//! ## What it checks
//! For every metric the selector names in the current runs: the **minimum detectable
//! effect** of a two-sided comparison at `alpha` with `power`, from the run's sample size
//! `n` and the variance of a difference of two scores,
//! `MDE = (z₁₋α/₂ + z_power)·√(var_diff / n)` (Miller 2024, arXiv:2411.00640; lmms-eval
//! `power_analysis`). It must be at most `detect`. The outcome also states the `n` that
//! would reach `detect`, `⌈((z₁₋α/₂ + z_power)·√var_diff / detect)²⌉`, and the power the
//! run has at `detect`, `Φ(detect/√var_diff·√n − z₁₋α/₂)`.
//!
//! `var_diff`, in order of preference:
//! * **paired, measured** — the current run's samples log and a baseline run's cover the
//!   same documents: the sample variance (ddof = 1) of the per-document differences, which
//!   is `σ_a² + σ_b² − 2ρσ_aσ_b` with the measured σ's and correlation ρ;
//! * **paired, assumed ρ** — the current run's samples log only: `2σ²(1 − ρ)` with σ the
//!   samples' standard deviation and ρ the rubric's `correlation` (default 0.5, lmms-eval's);
//! * **two independent proportions** — no samples log: `2σ²` with `σ = stderr·√n` when the
//!   file gives a stderr, else `σ² = p(1 − p)` for a value `p` in [0, 1] (a proportion's
//!   variance, and the largest any score bounded by [0, 1] with mean `p` can have).
//!
//! ## Why it matters
//! "Not significant" from an evaluation too small to detect the change is no evidence of
//! no change. Planning the next iteration starts from how many samples it needs.
//!
//! ## Configuration
//! ```yaml
//! - id: powered
//!   level: 2
//!   power: { metric: "*/acc@none", detect: 0.02, alpha: 0.05, power: 0.8 }
//! ```
//!
//! ## Failure
//! An MDE above `detect` fails and states the n needed. A metric without a sample size (no
//! samples log, no `n-samples`, no HELM `num_instances`) or without any variance estimate
//! (no samples, no stderr, a value outside [0, 1]) is `missing`. A non-finite value fails.

use serde::Serialize;

use super::significance::{paired_values, side_values};
use super::{Detail, Finding, SampleCache, Status};
use crate::error::Result;
use crate::model::{Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::Power;
use crate::stats::{describe, power};

/// lmms-eval's default correlation of two models' per-sample scores on the same items.
pub const DEFAULT_CORRELATION: f64 = 0.5;

/// How the variance of a difference was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Per-document differences against a baseline's samples.
    PairedMeasured,
    /// The current samples' σ with an assumed correlation.
    PairedAssumed,
    /// Two independent samples, σ from the stderr.
    IndependentStderr,
    /// Two independent proportions, σ² = p(1 − p).
    IndependentProportion,
}

impl Design {
    fn label(self) -> &'static str {
        match self {
            Design::PairedMeasured => "paired, variance of the differences to the baseline",
            Design::PairedAssumed => "paired, σ from the samples",
            Design::IndependentStderr => "two independent samples, σ = stderr·√n",
            Design::IndependentProportion => "two independent proportions, σ² = p(1 − p)",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PowerDetail {
    pub design: Design,
    pub n: u64,
    #[serde(serialize_with = "crate::num::ser")]
    pub sd: f64,
    /// The baseline's σ (paired, measured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd_baseline: Option<f64>,
    /// ρ: measured (paired, measured), assumed (paired, assumed), 0 (independent).
    #[serde(serialize_with = "crate::num::ser")]
    pub correlation: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub var_diff: f64,
    pub alpha: f64,
    pub power: f64,
    pub detect: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub mde: f64,
    /// Samples (pairs, or per arm) needed to detect `detect`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_needed: Option<u64>,
    /// Power at `detect` with the run's n.
    #[serde(serialize_with = "crate::num::ser")]
    pub achieved_power: f64,
    /// Why a paired design with measured correlation was not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_measured_because: Option<String>,
}

fn expected(p: &Power) -> String {
    format!("MDE <= {}", fmt(p.detect))
}

pub fn run(p: &Power, evidence: &Evidence, cache: &mut SampleCache) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    for run in &evidence.current {
        for m in run.metrics.iter().filter(|m| p.selector.matches(m)) {
            out.push(judge(p, run, m, evidence, cache)?);
        }
    }
    if out.is_empty() {
        out.push(Finding::no_metric(&p.selector, expected(p)));
    }
    Ok(out)
}

/// (design, n, σ, σ_baseline, ρ, var_diff, why not measured)
type Variance = (Design, u64, f64, Option<f64>, f64, f64, Option<String>);

/// The variance of a difference, by the best design the evidence allows; `Err` with the
/// reason when there is none.
fn variance(
    p: &Power,
    run: &Run,
    m: &Metric,
    evidence: &Evidence,
    cache: &mut SampleCache,
) -> Result<std::result::Result<Variance, String>> {
    let current = side_values("current", run, m, None, cache)?;
    let samples = match current {
        Ok(v) => v,
        Err(no_samples) => {
            let n = m.n;
            let Some(n) = n.filter(|n| *n >= 2) else {
                return Ok(Err(format!(
                    "no sample size: {no_samples}, and the file gives no n"
                )));
            };
            let (design, sd) = match m.stderr.filter(|s| s.is_finite() && *s > 0.0) {
                Some(se) => (Design::IndependentStderr, se * (n as f64).sqrt()),
                None if (0.0..=1.0).contains(&m.value) => (
                    Design::IndependentProportion,
                    (m.value * (1.0 - m.value)).sqrt(),
                ),
                None => {
                    return Ok(Err(format!(
                        "no variance estimate: {no_samples}, no stderr, and {} is not a \
                         proportion in [0, 1]",
                        fmt(m.value)
                    )));
                }
            };
            return Ok(Ok((
                design,
                n,
                sd,
                None,
                0.0,
                power::var_diff(sd, sd, 0.0),
                Some(no_samples),
            )));
        }
    };
    let values: Vec<f64> = samples.values.iter().map(|(_, v)| *v).collect();
    let n = values.len() as u64;
    let Some(var) = describe::sample_variance(&values) else {
        return Ok(Err("the samples log holds fewer than 2 documents".into()));
    };
    let sd = var.sqrt();
    // a baseline run of the same metric on the same documents: measure the pairing
    let mut why = "no baseline run holds this metric".to_owned();
    for brun in &evidence.baseline {
        let Some(bm) = brun.metrics.iter().find(|x| x.key() == m.key()) else {
            continue;
        };
        match paired_values(run, m, brun, bm, None, cache)? {
            Ok(pairs) => {
                let pairs = pairs.values;
                let diffs: Vec<f64> = pairs.iter().map(|(c, b)| c - b).collect();
                let b: Vec<f64> = pairs.iter().map(|(_, b)| *b).collect();
                let var_diff = describe::sample_variance(&diffs).unwrap_or(0.0);
                let sd_b = describe::sample_variance(&b).unwrap_or(0.0).sqrt();
                // ρ from var_diff = σa² + σb² − 2ρσaσb
                let rho = if sd > 0.0 && sd_b > 0.0 {
                    (var + sd_b * sd_b - var_diff) / (2.0 * sd * sd_b)
                } else {
                    0.0
                };
                return Ok(Ok((
                    Design::PairedMeasured,
                    pairs.len() as u64,
                    sd,
                    Some(sd_b),
                    rho,
                    var_diff,
                    None,
                )));
            }
            Err(e) => why = e.text(),
        }
    }
    let rho = p.correlation.unwrap_or(DEFAULT_CORRELATION);
    Ok(Ok((
        Design::PairedAssumed,
        n,
        sd,
        None,
        rho,
        power::var_diff(sd, sd, rho),
        Some(why),
    )))
}

fn judge(
    p: &Power,
    run: &Run,
    m: &Metric,
    evidence: &Evidence,
    cache: &mut SampleCache,
) -> Result<Finding> {
    let label = m.label();
    let mut f = Finding::pending(&label, &expected(p));
    f.run = Some(run.source.path.clone());
    if !m.value.is_finite() {
        f.status = Status::Fail;
        f.message = format!("{label} is {}, not a finite number", fmt(m.value));
        f.observed = fmt(m.value);
        return Ok(f);
    }
    let (design, n, sd, sd_b, rho, var_diff, why) = match variance(p, run, m, evidence, cache)? {
        Ok(v) => v,
        Err(why) => {
            f.message = format!("{label}: cannot compute the minimum detectable effect: {why}");
            f.observed = "no n or variance".into();
            return Ok(f);
        }
    };
    if var_diff <= 0.0 || !var_diff.is_finite() {
        f.status = Status::Error;
        f.message = format!(
            "{label}: the variance of a difference is {} ({}): every score is the same, so no \
             effect size can be planned from it",
            fmt(var_diff),
            design.label()
        );
        f.observed = "no variance".into();
        return Ok(f);
    }
    let mde = power::mde((var_diff / n as f64).sqrt(), p.alpha, p.power);
    let n_needed = power::required_n(p.detect, var_diff, p.alpha, p.power);
    let achieved = power::achieved(p.detect, var_diff, n, p.alpha);
    let needed = n_needed
        .map(|k| format!("{k}"))
        .unwrap_or_else(|| "?".into());
    let unit = match design {
        Design::PairedMeasured | Design::PairedAssumed => "documents",
        _ => "per arm",
    };
    let head = format!(
        "{label}: n={n}, MDE {} at alpha {}, power {} ({}, σ {}, ρ {})",
        fmt(mde),
        fmt(p.alpha),
        fmt(p.power),
        design.label(),
        fmt(sd),
        fmt(rho)
    );
    f.observed = format!("MDE {}", fmt(mde));
    if mde <= p.detect * (1.0 + 1e-12) {
        f.status = Status::Pass;
        f.message = format!("{head} <= {}; {needed} {unit} would suffice", fmt(p.detect));
    } else {
        f.status = Status::Fail;
        f.message = format!(
            "{head} > {}: detecting {} needs n={needed} {unit} (power now {})",
            fmt(p.detect),
            fmt(p.detect),
            fmt(achieved)
        );
    }
    f.detail = Some(Detail::Power(PowerDetail {
        design,
        n,
        sd,
        sd_baseline: sd_b,
        correlation: rho,
        var_diff,
        alpha: p.alpha,
        power: p.power,
        detect: p.detect,
        mde,
        n_needed,
        achieved_power: achieved,
        not_measured_because: why,
    }));
    Ok(f)
}

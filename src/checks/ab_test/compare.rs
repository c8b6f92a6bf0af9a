//! The outcome's comparison: the fixed-horizon tests (Wald's two proportions, Welch's t),
//! the always-valid mSPRT (`sequential: true`) and the CUPED adjustment (`covariate:`),
//! each in the good direction and against `−min_lift`.

use serde::Serialize;

use super::{AbMethod, ArmAcc};
use crate::rubric::AbTest;
use crate::stats::describe::Comoments;
use crate::stats::inference::Inference;
use crate::stats::{sequential, twosample};

/// The sequential test's parameters (`sequential: true`).
#[derive(Debug, Clone, Serialize)]
pub struct SequentialDetail {
    /// The normal mixture's standard deviation on the lift's scale.
    #[serde(serialize_with = "crate::num::ser")]
    pub tau: f64,
    /// `tau` when the rubric set it; else `horizon` or `min_samples`: the one that makes
    /// the interval narrowest when each arm holds that many records.
    pub tau_from: &'static str,
    /// The variance of the lift behind the test, `s_t²/n_t + s_c²/n_c` (binary outcomes:
    /// `p(1 − p)` per arm, as Johari et al.).
    #[serde(serialize_with = "crate::num::ser")]
    pub variance: f64,
    /// The mixture likelihood ratio `Λ` of `lift = −min_lift` (`p = min(1, 1/Λ)`).
    #[serde(serialize_with = "crate::num::ser")]
    pub likelihood_ratio: f64,
}

/// The CUPED adjustment (`covariate:`).
#[derive(Debug, Clone, Serialize)]
pub struct CupedDetail {
    pub covariate: String,
    /// `cov(y, x)/var(x)` over both arms' records with an outcome and a covariate.
    #[serde(serialize_with = "crate::num::ser")]
    pub theta: f64,
    /// The lift of the outcome before the adjustment, on the same records.
    #[serde(serialize_with = "crate::num::ser")]
    pub unadjusted_lift: f64,
    /// `1 − V_adjusted/V_unadjusted`: the share of the lift's variance the covariate
    /// removed.
    #[serde(serialize_with = "crate::num::ser")]
    pub variance_reduction: f64,
    /// Records with an outcome but no numeric covariate, left out (control, treatment).
    pub without_covariate: (u64, u64),
}

/// The outcome's comparison and what it was made with.
pub(super) struct Compared {
    pub method: AbMethod,
    /// `None`: too few outcomes (or pairs) to compare.
    pub test: Option<Inference>,
    pub sequential: Option<SequentialDetail>,
    pub cuped: Option<CupedDetail>,
}

/// One arm's outcome as the comparison sees it: mean, variance, size.
#[derive(Clone, Copy)]
struct Side {
    mean: f64,
    var: f64,
    n: u64,
}

/// The arms' outcomes (CUPED-adjusted with `covariate:`) compared by the fixed-horizon
/// test — Wald's two proportions for 0/1 outcomes, Welch's t otherwise — or, with
/// `sequential:`, by the mSPRT; in the good direction, against `−min_lift`.
pub(super) fn compare_outcome(a: &AbTest, ctl: &ArmAcc, trt: &ArmAcc) -> Compared {
    let sign = if a.higher_is_better { 1.0 } else { -1.0 };
    let binary = ctl.binary && trt.binary && a.covariate.is_none();
    let plain = |acc: &ArmAcc| Side {
        mean: acc.outcome.mean(),
        var: acc.outcome.variance().unwrap_or(f64::NAN),
        n: acc.outcome.n,
    };
    let (mut c, mut t) = (plain(ctl), plain(trt));
    let mut cuped = None;
    if let Some(cov) = &a.covariate {
        match cuped_sides(ctl, trt) {
            Some((adj_c, adj_t, theta, before)) => {
                let v = |c: Side, t: Side| c.var / c.n as f64 + t.var / t.n as f64;
                cuped = Some(CupedDetail {
                    covariate: cov.clone(),
                    theta,
                    unadjusted_lift: sign * (before.1.mean - before.0.mean),
                    variance_reduction: 1.0 - v(adj_c, adj_t) / v(before.0, before.1),
                    without_covariate: (ctl.no_covariate, trt.no_covariate),
                });
                (c, t) = (adj_c, adj_t);
            }
            None => {
                return Compared {
                    method: AbMethod::WelchT,
                    test: None,
                    sequential: None,
                    cuped: None,
                };
            }
        }
    }
    let delta = sign * (t.mean - c.mean);
    if let Some(seq) = a.sequential {
        // binary outcomes: the Bernoulli variance p(1 − p) of each arm (Johari et al.)
        let var = |s: Side| {
            if binary {
                s.mean * (1.0 - s.mean)
            } else {
                s.var
            }
        };
        let (vc, vt) = (var(c), var(t));
        let v = vc / c.n as f64 + vt / t.n as f64;
        let (tau2, tau_from) = match (seq.tau, seq.horizon) {
            (Some(tau), _) => (tau * tau, "tau"),
            (None, Some(h)) => (sequential::mixing_variance(a.alpha, vc, vt, h), "horizon"),
            (None, None) => (
                sequential::mixing_variance(a.alpha, vc, vt, a.min_samples),
                "min_samples",
            ),
        };
        let test = if c.n > 0 && t.n > 0 {
            Inference::mixture(delta, v, tau2, -a.min_lift)
        } else {
            None
        };
        return Compared {
            method: AbMethod::Msprt,
            test,
            sequential: Some(SequentialDetail {
                tau: tau2.sqrt(),
                tau_from,
                variance: v,
                likelihood_ratio: f64::NAN,
            }),
            cuped,
        };
    }
    if binary {
        // in the good direction: control − treatment when lower is better
        let test = if a.higher_is_better {
            twosample::two_proportions(trt.ones, t.n, ctl.ones, c.n, -a.min_lift)
        } else {
            twosample::two_proportions(ctl.ones, c.n, trt.ones, t.n, -a.min_lift)
        };
        return Compared {
            method: AbMethod::TwoProportionZ,
            test,
            sequential: None,
            cuped,
        };
    }
    let test = twosample::welch(t.mean, t.var, t.n, c.mean, c.var, c.n, a.alpha).and_then(|x| {
        let se = (t.var / t.n as f64 + c.var / c.n as f64).sqrt();
        Inference::t(sign * x.delta, se, x.df?, -a.min_lift)
    });
    Compared {
        method: AbMethod::WelchT,
        test,
        sequential: None,
        cuped,
    }
}

/// CUPED (Deng, Xu, Kohavi and Walker 2013): `θ = cov(y, x)/var(x)` over both arms' pairs,
/// each arm's outcome mean adjusted to `ȳ − θ(x̄_arm − x̄)` and its variance to
/// `var(y) − 2θ·cov(x, y) + θ²·var(x)`. Gives the adjusted (control, treatment), `θ`, and
/// the unadjusted sides on the same records; `None` below two pairs in an arm. A covariate
/// without variance adjusts nothing (`θ = 0`).
fn cuped_sides(ctl: &ArmAcc, trt: &ArmAcc) -> Option<(Side, Side, f64, (Side, Side))> {
    let (pc, pt) = (ctl.pairs, trt.pairs);
    let (vxc, vyc, cxyc) = pc.covariance()?;
    let (vxt, vyt, cxyt) = pt.covariance()?;
    let all = pc.merged(&pt);
    let (vx, _, cxy) = all.covariance()?;
    let theta = if vx > 0.0 { cxy / vx } else { 0.0 };
    let xbar = all.mean_x();
    let adjust = |p: &Comoments, vx: f64, vy: f64, cxy: f64| Side {
        mean: p.mean_y() - theta * (p.mean_x() - xbar),
        var: vy - 2.0 * theta * cxy + theta * theta * vx,
        n: p.n,
    };
    let before = |p: &Comoments, vy: f64| Side {
        mean: p.mean_y(),
        var: vy,
        n: p.n,
    };
    Some((
        adjust(&pc, vxc, vyc, cxyc),
        adjust(&pt, vxt, vyt, cxyt),
        theta,
        (before(&pc, vyc), before(&pt, vyt)),
    ))
}

//! A test of a difference together with the interval that agrees with it.
//!
//! An [`Inference`] is one test of `Δ = null` (usually 0): its estimate, its two-sided
//! p-value, and the basis from which the same method draws a confidence interval at any
//! level. By construction the interval at `1 − γ` excludes `null` exactly when `p < γ`,
//! whatever `γ` a multiplicity correction chooses
//! ([`super::multiplicity::decision_levels`]):
//!
//! | basis | test | interval |
//! |---|---|---|
//! | normal | `z = (Δ − null)/se`, `p = 2·Φ(−\|z\|)` | `Δ ± z₁₋γ/₂·se` |
//! | t | `t = (Δ − null)/se`, `p = 2·T_df.sf(\|t\|)` | `Δ ± t_df,1−γ/2·se` |
//! | McNemar | exact binomial on the discordant pairs | exact conditional (Clopper–Pearson mapped to Δ) |
//! | bootstrap | `p = 2(min(#{m*≤0}, #{m*≥0}) + 1)/(B + 1)` | (B + 1) order statistics |
//! | mixture (mSPRT) | always-valid `p = min(1, 1/Λ)` | the confidence sequence at `1 − γ` ([`super::sequential`]) |

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::bootstrap::Bootstrap;
use super::{mcnemar, normal, sequential};

/// What the interval of an [`Inference`] is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub enum Basis {
    /// A normal reference distribution with standard error `se`.
    Normal { se: f64 },
    /// Student's t with `df` degrees of freedom and standard error `se`.
    T { se: f64, df: f64 },
    /// McNemar's exact test: `b` pairs only the baseline got right, `c` only the current
    /// run, of `n` pairs.
    McNemar { b: u64, c: u64, n: u64 },
    /// A paired (or cluster) bootstrap.
    Bootstrap(Box<Bootstrap>),
    /// The mixture sequential probability ratio test: the difference's variance `v` and
    /// the normal mixture's variance `tau2` ([`super::sequential`]).
    Mixture { v: f64, tau2: f64 },
}

/// One test of `delta = null` and the interval that agrees with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Inference {
    pub delta: f64,
    /// The value tested against (0 for "no difference", a margin for a tolerance test).
    pub null: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    pub basis: Basis,
}

impl Inference {
    /// A z-test of `delta = null` with standard error `se`. `None` unless `delta` is
    /// finite and `se` finite and positive (a zero standard error is no basis for a test).
    pub fn normal(delta: f64, se: f64, null: f64) -> Option<Inference> {
        if !(delta.is_finite() && se.is_finite() && se > 0.0 && null.is_finite()) {
            return None;
        }
        Some(Inference {
            delta,
            null,
            p_value: normal::two_sided_p((delta - null) / se),
            basis: Basis::Normal { se },
        })
    }

    /// The mSPRT of `delta = null` (always valid: it may be looked at after every record).
    /// `None` unless `delta` is finite and `v`, `tau2` finite and positive.
    pub fn mixture(delta: f64, v: f64, tau2: f64, null: f64) -> Option<Inference> {
        // the p-value does not depend on the level the interval is drawn at
        let m = sequential::msprt(delta, v, tau2, null, 0.05)?;
        Some(Inference {
            delta,
            null,
            p_value: m.p_value,
            basis: Basis::Mixture { v, tau2 },
        })
    }

    /// A t-test of `delta = null` with standard error `se` on `df` degrees of freedom
    /// (scipy `t.sf`). `None` unless `delta` is finite, `se` finite and positive, `df > 0`.
    pub fn t(delta: f64, se: f64, df: f64, null: f64) -> Option<Inference> {
        if !(delta.is_finite() && se.is_finite() && se > 0.0 && null.is_finite()) {
            return None;
        }
        let dist = StudentsT::new(0.0, 1.0, df).ok()?;
        let t = (delta - null) / se;
        Some(Inference {
            delta,
            null,
            p_value: (2.0 * dist.sf(t.abs())).min(1.0),
            basis: Basis::T { se, df },
        })
    }

    /// McNemar's exact test on `b` / `c` discordant pairs of `n`; `Δ = (c − b)/n`.
    pub fn mcnemar(b: u64, c: u64, n: u64) -> Option<Inference> {
        if n == 0 || b + c > n {
            return None;
        }
        Some(Inference {
            delta: (c as f64 - b as f64) / n as f64,
            null: 0.0,
            p_value: mcnemar::exact(b, c).p_value,
            basis: Basis::McNemar { b, c, n },
        })
    }

    /// A bootstrap's test of a zero mean difference.
    pub fn bootstrap(b: Bootstrap) -> Inference {
        Inference {
            delta: b.mean,
            null: 0.0,
            p_value: b.p_value,
            basis: Basis::Bootstrap(Box::new(b)),
        }
    }

    /// The two-sided interval at `1 − level`. `None` when the level is outside (0, 1) or,
    /// for a bootstrap, beyond the level its tails were kept for.
    pub fn interval(&self, level: f64) -> Option<(f64, f64)> {
        if !(level > 0.0 && level < 1.0) {
            return None;
        }
        match &self.basis {
            Basis::Normal { se } => {
                let q = normal::quantile(1.0 - level / 2.0);
                Some((self.delta - q * se, self.delta + q * se))
            }
            Basis::T { se, df } => {
                let q = StudentsT::new(0.0, 1.0, *df)
                    .ok()?
                    .inverse_cdf(1.0 - level / 2.0);
                Some((self.delta - q * se, self.delta + q * se))
            }
            Basis::McNemar { b, c, n } => mcnemar::exact_interval(*b, *c, *n, level),
            Basis::Bootstrap(b) => b.interval(level),
            Basis::Mixture { v, tau2 } => {
                let m = sequential::msprt(self.delta, *v, *tau2, self.null, level)?;
                Some((self.delta - m.half_width, self.delta + m.half_width))
            }
        }
    }

    /// The standard error behind the test, where it has one.
    pub fn se(&self) -> Option<f64> {
        match &self.basis {
            Basis::Normal { se } | Basis::T { se, .. } => Some(*se),
            Basis::Mixture { v, .. } => Some(v.sqrt()),
            _ => None,
        }
    }

    /// Degrees of freedom of a t basis.
    pub fn df(&self) -> Option<f64> {
        match &self.basis {
            Basis::T { df, .. } => Some(*df),
            _ => None,
        }
    }

    /// The test statistic: z or t, McNemar's `min(b, c)`, or the mixture likelihood ratio
    /// `Λ` of the mSPRT.
    pub fn statistic(&self) -> Option<f64> {
        match &self.basis {
            Basis::Normal { se } | Basis::T { se, .. } => Some((self.delta - self.null) / se),
            Basis::McNemar { b, c, .. } => Some((*b).min(*c) as f64),
            Basis::Bootstrap(_) => None,
            Basis::Mixture { v, tau2 } => {
                sequential::msprt(self.delta, *v, *tau2, self.null, 0.05).map(|m| m.log_lr.exp())
            }
        }
    }
}

/// Whether an interval lies wholly on one side of `null`.
pub fn excludes(interval: (f64, f64), null: f64) -> bool {
    interval.0 > null || interval.1 < null
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn degenerate_inputs_make_no_test() {
        assert!(Inference::normal(0.1, 0.0, 0.0).is_none());
        assert!(Inference::t(0.1, f64::NAN, 3.0, 0.0).is_none());
        assert!(Inference::t(0.1, 0.1, 0.0, 0.0).is_none());
        assert!(Inference::mcnemar(3, 3, 5).is_none());
    }

    proptest! {
        /// The interval at any level excludes the null exactly when p is below the level.
        #[test]
        fn z_and_t_agree_with_their_intervals(delta in -1.0f64..1.0, se in 0.001f64..0.5,
                                              df in 1.0f64..200.0, null in -0.2f64..0.2,
                                              level in 0.0001f64..0.5) {
            for inf in [Inference::normal(delta, se, null).expect("z"),
                        Inference::t(delta, se, df, null).expect("t"),
                        Inference::mixture(delta, se * se, se * se * df, null).expect("mixture")] {
                let ci = inf.interval(level).expect("ci");
                prop_assume!((inf.p_value - level).abs() > 1e-9 * level);
                prop_assert_eq!(excludes(ci, null), inf.p_value < level);
            }
        }
    }
}

//! Two-sample tests for A/B comparisons, as statsmodels and scipy compute them.
//!
//! * [`two_proportions`]: Wald's test of two proportions against a difference `Δ₀`,
//!   `z = (p₁ − p₂ − Δ₀)/√(p₁q₁/n₁ + p₂q₂/n₂)`, two-sided `p = 2·sf(|z|)` (statsmodels
//!   `test_proportions_2indep(method="wald", compare="diff", value=Δ₀)`), with the interval
//!   that agrees with it, `p₁ − p₂ ± z₁₋α/₂·√(p₁q₁/n₁ + p₂q₂/n₂)` (statsmodels
//!   `confint_proportions_2indep(method="wald")`). (The pooled z-test of equality, whose
//!   p-value does not agree with that interval, is Evidently's `z` drift method, in
//!   `stats::drift`.)
//! * [`welch`]: Welch's t-test of two means with unequal variances —
//!   `t = (m₁ − m₂)/√(v₁/n₁ + v₂/n₂)`, Welch–Satterthwaite degrees of freedom
//!   `df = (v₁/n₁ + v₂/n₂)² / ((v₁/n₁)²/(n₁ − 1) + (v₂/n₂)²/(n₂ − 1))`, `p = 2·T_df.sf(|t|)`,
//!   interval `± T_df.ppf(1 − α/2)·se` (scipy `ttest_ind(equal_var=False)` and its
//!   `confidence_interval`).
//! * [`chisquare_gof`]: Pearson's goodness of fit of counts to expected proportions
//!   (scipy `chisquare(f_obs, f_exp)`) — the sample-ratio-mismatch test of an A/B split.
//!
//! Reference values: `scripts/reference/s7p56_reference.py`.

use statrs::distribution::{ChiSquared, ContinuousCDF, StudentsT};

use super::inference::Inference;

/// A two-sample comparison of `a − b`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Comparison {
    pub delta: f64,
    pub statistic: f64,
    pub p_value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Degrees of freedom (Welch), `None` for the z-test.
    pub df: Option<f64>,
}

/// Wald's test of `x_a/n_a − x_b/n_b = null` with the interval that agrees with it
/// ([`Inference::interval`]). `None` without observations on a side, or when both
/// proportions are 0 or 1 (no variance: no basis for the test).
pub fn two_proportions(x_a: u64, n_a: u64, x_b: u64, n_b: u64, null: f64) -> Option<Inference> {
    if n_a == 0 || n_b == 0 || x_a > n_a || x_b > n_b {
        return None;
    }
    let (na, nb) = (n_a as f64, n_b as f64);
    let (pa, pb) = (x_a as f64 / na, x_b as f64 / nb);
    let se = (pa * (1.0 - pa) / na + pb * (1.0 - pb) / nb).sqrt();
    Inference::normal(pa - pb, se, null)
}

/// Welch's t-test of `mean_a − mean_b` from means, sample variances (ddof = 1) and sizes,
/// with its interval at `1 − alpha`. `None` with fewer than two values on a side.
pub fn welch(
    mean_a: f64,
    var_a: f64,
    n_a: u64,
    mean_b: f64,
    var_b: f64,
    n_b: u64,
    alpha: f64,
) -> Option<Comparison> {
    if n_a < 2 || n_b < 2 {
        return None;
    }
    let (na, nb) = (n_a as f64, n_b as f64);
    let (ua, ub) = (var_a / na, var_b / nb);
    let se = (ua + ub).sqrt();
    let delta = mean_a - mean_b;
    if se == 0.0 {
        let p = if delta == 0.0 { 1.0 } else { 0.0 };
        let t = if delta == 0.0 {
            0.0
        } else {
            delta.signum() * f64::INFINITY
        };
        return Some(Comparison {
            delta,
            statistic: t,
            p_value: p,
            ci_low: delta,
            ci_high: delta,
            df: None,
        });
    }
    let df = (ua + ub).powi(2) / (ua * ua / (na - 1.0) + ub * ub / (nb - 1.0));
    let t = delta / se;
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let p = (2.0 * dist.sf(t.abs())).min(1.0);
    let q = dist.inverse_cdf(1.0 - alpha / 2.0);
    Some(Comparison {
        delta,
        statistic: t,
        p_value: p,
        ci_low: delta - q * se,
        ci_high: delta + q * se,
        df: Some(df),
    })
}

/// Pearson's chi-square goodness of fit of `observed` counts to `expected` proportions
/// (normalized to sum to 1): `(statistic, p)` with `k − 1` degrees of freedom.
pub fn chisquare_gof(observed: &[u64], expected: &[f64]) -> Option<(f64, f64)> {
    if observed.len() != expected.len() || observed.len() < 2 {
        return None;
    }
    let n: u64 = observed.iter().sum();
    let total: f64 = expected.iter().sum();
    let positive = |x: f64| x > 0.0;
    if n == 0 || !positive(total) || !expected.iter().all(|e| positive(*e)) {
        return None;
    }
    let stat: f64 = observed
        .iter()
        .zip(expected)
        .map(|(o, e)| {
            let e = e / total * n as f64;
            let d = *o as f64 - e;
            d * d / e
        })
        .sum();
    let dist = ChiSquared::new((observed.len() - 1) as f64).ok()?;
    Some((stat, dist.sf(stat)))
}

/// The `q` quantile of Student's t with `df` degrees of freedom (scipy `t.ppf`).
pub fn t_quantile(q: f64, df: f64) -> Option<f64> {
    StudentsT::new(0.0, 1.0, df).ok().map(|d| d.inverse_cdf(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_inputs() {
        assert!(two_proportions(1, 0, 1, 2, 0.0).is_none());
        assert!(welch(1.0, 1.0, 1, 1.0, 1.0, 5, 0.05).is_none());
        // identical all-zero arms: no variance, no test
        assert!(two_proportions(0, 10, 0, 10, 0.0).is_none());
        assert!(chisquare_gof(&[5], &[1.0]).is_none());
        assert!(chisquare_gof(&[5, 5], &[1.0, 0.0]).is_none());
    }
}

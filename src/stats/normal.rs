//! The standard normal distribution (statrs), as scipy.stats.norm.

use statrs::distribution::{ContinuousCDF, Normal};

fn standard() -> Normal {
    Normal::standard()
}

/// Φ⁻¹(p), the standard normal quantile — scipy `norm.ppf(p)`.
pub fn quantile(p: f64) -> f64 {
    standard().inverse_cdf(p)
}

/// 1 − Φ(z), the upper tail — scipy `norm.sf(z)`.
pub fn sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    standard().sf(z)
}

/// Φ(z), the lower tail — scipy `norm.cdf(z)` (as `sf(−z)`, accurate in the lower tail).
pub fn cdf(z: f64) -> f64 {
    sf(-z)
}

/// Two-sided p-value of a z statistic, `2·sf(|z|)` clamped to [0, 1].
pub fn two_sided_p(z: f64) -> f64 {
    (2.0 * sf(z.abs())).min(1.0)
}

/// The z multiplier of a two-sided confidence interval at `confidence`:
/// Φ⁻¹((1 + c)/2), e.g. 1.959964 for 0.95.
pub fn z_for_confidence(confidence: f64) -> f64 {
    quantile((1.0 + confidence) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn familiar_values() {
        assert!((z_for_confidence(0.95) - 1.959963984540054).abs() < 1e-12);
        // statrs' tail is accurate to ~5e-11 relative (checked against scipy in tests/)
        assert!((two_sided_p(1.959963984540054) - 0.05).abs() < 0.05 * 1e-10);
        assert_eq!(two_sided_p(0.0), 1.0);
        assert_eq!(two_sided_p(f64::INFINITY), 0.0);
    }
}

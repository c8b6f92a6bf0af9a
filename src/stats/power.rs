//! Power and minimum detectable effect.

use super::normal;

/// Default power for minimum-detectable-effect statements (the usual 80%).
pub const DEFAULT_POWER: f64 = 0.8;

/// Minimum detectable effect of a two-sided test at level `alpha` with the given `power`,
/// for an estimate with standard error `se`: `MDE = (z₁₋α/₂ + z_power)·se` (normal
/// approximation; lmms-eval's `power_analysis` uses the same form with
/// `se = √(var_diff / n)`, after Miller 2024, arXiv:2411.00640).
///
/// A true difference smaller than this would go undetected more than `1 − power` of the
/// time, so "not significant" must not be read as "no difference" below it.
pub fn mde(se: f64, alpha: f64, power: f64) -> f64 {
    (normal::quantile(1.0 - alpha / 2.0) + normal::quantile(power)) * se
}

/// The variance of a paired difference of two scores with standard deviations `sd_a`,
/// `sd_b` and correlation `rho`: `sd_a² + sd_b² − 2ρ·sd_a·sd_b` (lmms-eval
/// `power_analysis`; ρ = 0 for independent samples).
pub fn var_diff(sd_a: f64, sd_b: f64, rho: f64) -> f64 {
    sd_a * sd_a + sd_b * sd_b - 2.0 * rho * sd_a * sd_b
}

/// The smallest sample that detects `effect` with `power` at two-sided `alpha` when the
/// difference has variance `var_diff`: `⌈((z₁₋α/₂ + z_power)·√var_diff / effect)²⌉`
/// (lmms-eval `power_analysis` → `min_n`, after Miller 2024). `None` for a non-positive
/// effect or variance.
pub fn required_n(effect: f64, var_diff: f64, alpha: f64, power: f64) -> Option<u64> {
    if !(effect > 0.0 && var_diff > 0.0) {
        return None;
    }
    let z = normal::quantile(1.0 - alpha / 2.0) + normal::quantile(power);
    let d = effect / var_diff.sqrt();
    let n = (z / d).powi(2).ceil();
    (n.is_finite() && n < 9.0e18).then_some(n as u64)
}

/// The power a two-sided test at `alpha` has with `n` pairs to detect `effect` when the
/// difference has variance `var_diff`: `Φ(effect/√var_diff·√n − z₁₋α/₂)` (lmms-eval
/// `power_analysis` → `current_power`, which it rounds to 4 places).
pub fn achieved(effect: f64, var_diff: f64, n: u64, alpha: f64) -> f64 {
    let d = effect / var_diff.sqrt();
    normal::cdf(d * (n as f64).sqrt() - normal::quantile(1.0 - alpha / 2.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_multiplier() {
        // scipy: norm.ppf(0.975) + norm.ppf(0.8) = 1.959963984540054 + 0.8416212335729143
        assert!((mde(1.0, 0.05, 0.8) - 2.8015852181129683).abs() < 1e-12);
        assert_eq!(mde(0.0, 0.05, 0.8), 0.0);
    }
}

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

//! McNemar's test for paired binary outcomes.
//!
//! Two runs scored 0/1 on the same items give a 2×2 table; only the discordant cells
//! matter: `b` items the baseline got right and the current run wrong, `c` the reverse.

use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF};

/// Result of a McNemar test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McNemar {
    /// `min(b, c)` for the exact test, χ² for the asymptotic one (statsmodels' convention).
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Exact McNemar test: a two-sided binomial test of the discordant counts against p = ½,
/// `p = min(1, 2·BinomCDF(min(b, c); b + c, ½))` — statsmodels
/// `statsmodels.stats.contingency_tables.mcnemar(table, exact=True)`.
/// With no discordant pair (`b + c = 0`) the p-value is 1.
pub fn exact(b: u64, c: u64) -> McNemar {
    let k = b.min(c);
    let n = b + c;
    if n == 0 {
        return McNemar {
            statistic: 0.0,
            p_value: 1.0,
        };
    }
    let p = match Binomial::new(0.5, n) {
        Ok(d) => (2.0 * d.cdf(k)).min(1.0),
        Err(_) => f64::NAN,
    };
    McNemar {
        statistic: k as f64,
        p_value: p,
    }
}

/// Asymptotic McNemar test: `χ² = (|b − c| − 1)² / (b + c)` with the continuity correction,
/// `(b − c)² / (b + c)` without, and `p = P(χ²₁ > χ²)` — statsmodels
/// `mcnemar(table, exact=False, correction=...)`.
/// With `b + c = 0` this returns χ² = 0 and p = 1 (statsmodels returns NaN there).
pub fn chi2(b: u64, c: u64, correction: bool) -> McNemar {
    let n = (b + c) as f64;
    if n == 0.0 {
        return McNemar {
            statistic: 0.0,
            p_value: 1.0,
        };
    }
    let diff = (b as f64 - c as f64).abs();
    let num = if correction { diff - 1.0 } else { diff };
    let stat = num * num / n;
    let p = match ChiSquared::new(1.0) {
        Ok(d) => d.sf(stat),
        Err(_) => f64::NAN,
    };
    McNemar {
        statistic: stat,
        p_value: p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn textbook_values() {
        // b = 0, c = 10: 2 * 0.5^10
        assert!((exact(0, 10).p_value - 2.0 * 0.5f64.powi(10)).abs() < 1e-15);
        assert_eq!(exact(5, 5).p_value, 1.0);
        assert_eq!(exact(0, 0).p_value, 1.0);
        assert_eq!(chi2(0, 0, true).p_value, 1.0);
    }

    proptest! {
        #[test]
        fn symmetric_and_bounded(b in 0u64..500, c in 0u64..500) {
            let e = exact(b, c);
            prop_assert_eq!(e, exact(c, b));
            prop_assert!((0.0..=1.0).contains(&e.p_value));
            let x = chi2(b, c, true);
            prop_assert_eq!(x, chi2(c, b, true));
            prop_assert!((0.0..=1.0).contains(&x.p_value));
        }

        #[test]
        fn more_imbalance_is_more_significant(b in 0u64..200, c in 0u64..200) {
            let (lo, hi) = (b.min(c), b.max(c));
            prop_assert!(exact(lo, hi + 1).p_value <= exact(lo, hi).p_value + 1e-15);
        }
    }
}

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

/// The exact conditional interval of the paired difference that agrees with [`exact`]:
/// given the `d = b + c` discordant pairs, `c ~ Binomial(d, π)` and the difference of the two
/// proportions over the `n` pairs is `Δ = (c − b)/n = d·(2π − 1)/n`; the Clopper–Pearson
/// interval of `π` at `1 − level` ([`super::proportion::clopper_pearson`]) mapped through
/// that line. Both invert the same two one-sided binomial tests, so the interval excludes
/// 0 (π = ½) exactly when the exact p-value is below `level`. `Δ` here is
/// `current − baseline` with `b` the pairs only the baseline got right, `c` only the current
/// run. With no discordant pair the interval is `[0, 0]` (conditionally, Δ is exactly 0).
/// `None` when `b + c > n`, `n = 0` or the level is outside (0, 1).
pub fn exact_interval(b: u64, c: u64, n: u64, level: f64) -> Option<(f64, f64)> {
    let d = b + c;
    if n == 0 || d > n || !(level > 0.0 && level < 1.0) {
        return None;
    }
    if d == 0 {
        return Some((0.0, 0.0));
    }
    let (lo, hi) = super::proportion::clopper_pearson(c, d, level)?;
    let scale = d as f64 / n as f64;
    Some((scale * (2.0 * lo - 1.0), scale * (2.0 * hi - 1.0)))
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

    #[test]
    fn the_issue_example_agrees_with_its_test() {
        // 10 documents, 3 discordant, all for the current run: Δ = 0.3, p = 0.25
        let t = exact(0, 3);
        assert!((t.p_value - 0.25).abs() < 1e-12, "{}", t.p_value);
        let (lo, hi) = exact_interval(0, 3, 10, 0.05).expect("ci");
        assert!(
            lo < 0.0 && hi > 0.0,
            "[{lo}, {hi}] must contain 0 beside p = 0.25"
        );
        assert!((hi - 0.3).abs() < 1e-15, "{hi}");
        assert_eq!(exact_interval(0, 0, 10, 0.05), Some((0.0, 0.0)));
        assert!(exact_interval(6, 6, 10, 0.05).is_none());
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

        /// The interval excludes 0 exactly when the exact p-value is below the level.
        #[test]
        fn interval_agrees_with_the_exact_test(b in 0u64..60, c in 0u64..60, extra in 0u64..40,
                                              level in 0.001f64..0.3) {
            let n = b + c + extra;
            prop_assume!(n > 0);
            let (lo, hi) = exact_interval(b, c, n, level).expect("ci");
            let p = exact(b, c).p_value;
            prop_assume!((p - level).abs() > 1e-9 * level);
            prop_assert_eq!(lo > 0.0 || hi < 0.0, p < level, "b={} c={} p={} [{}, {}]", b, c, p, lo, hi);
            let delta = (c as f64 - b as f64) / n as f64;
            prop_assert!(lo <= delta + 1e-12 && delta <= hi + 1e-12);
        }

        #[test]
        fn more_imbalance_is_more_significant(b in 0u64..200, c in 0u64..200) {
            let (lo, hi) = (b.min(c), b.max(c));
            prop_assert!(exact(lo, hi + 1).p_value <= exact(lo, hi).p_value + 1e-15);
        }
    }
}

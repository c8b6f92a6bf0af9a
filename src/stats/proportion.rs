//! Intervals for a binomial proportion.

use statrs::distribution::{Beta, ContinuousCDF};

/// The Clopper–Pearson ("exact") interval of a proportion `x/n` at `1 − level`:
/// `[B(level/2; x, n − x + 1), B(1 − level/2; x + 1, n − x)]` with `B(q; a, b)` the Beta
/// quantile, `0` as the lower end when `x = 0` and `1` as the upper end when `x = n` —
/// statsmodels `proportion_confint(x, n, alpha=level, method="beta")`. It inverts the two
/// one-sided exact binomial tests at `level/2` each, so it excludes `π₀` exactly when the
/// doubled one-sided binomial p-value is below `level`. `None` for `n = 0`, `x > n` or a
/// level outside (0, 1).
pub fn clopper_pearson(x: u64, n: u64, level: f64) -> Option<(f64, f64)> {
    if n == 0 || x > n || !(level > 0.0 && level < 1.0) {
        return None;
    }
    let (xf, nf) = (x as f64, n as f64);
    let lo = if x == 0 {
        0.0
    } else {
        Beta::new(xf, nf - xf + 1.0).ok()?.inverse_cdf(level / 2.0)
    };
    let hi = if x == n {
        1.0
    } else {
        Beta::new(xf + 1.0, nf - xf)
            .ok()?
            .inverse_cdf(1.0 - level / 2.0)
    };
    Some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        // statsmodels proportion_confint(0, 10, 0.05, "beta") = (0, 0.30849710781876083)
        let (lo, hi) = clopper_pearson(0, 10, 0.05).expect("ci");
        assert_eq!(lo, 0.0);
        assert!((hi - 0.308_497_107_818_760_83).abs() < 1e-12, "{hi}");
        let (lo, hi) = clopper_pearson(10, 10, 0.05).expect("ci");
        assert_eq!(hi, 1.0);
        assert!(
            (lo - (1.0 - 0.308_497_107_818_760_83)).abs() < 1e-12,
            "{lo}"
        );
        assert!(clopper_pearson(1, 0, 0.05).is_none());
    }
}

//! Unpaired z-test of two means from their standard errors.

use super::normal;

/// Result of a z-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZTest {
    /// `a − b`
    pub delta: f64,
    /// Standard error of the difference, `√(se_a² + se_b²)`.
    pub se: f64,
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Unpaired two-sample z-test on means with known standard errors:
/// `z = (a − b) / √(se_a² + se_b²)`, `p = 2·sf(|z|)` — lm-eval's
/// `scripts/model_comparator.py` (`calculate_z_value`), scipy `norm.sf`.
///
/// Treats the two estimates as independent, which is conservative for two runs on the same
/// items (their covariance is positive): prefer a paired test when per-sample logs exist.
/// With both standard errors zero the difference is exact: `p = 1` if `a = b`, else `p = 0`.
/// `None` when a value or standard error is not finite, or a standard error is negative.
pub fn unpaired(a: f64, se_a: f64, b: f64, se_b: f64) -> Option<ZTest> {
    if !(a.is_finite() && b.is_finite() && se_a.is_finite() && se_b.is_finite()) {
        return None;
    }
    if se_a < 0.0 || se_b < 0.0 {
        return None;
    }
    let delta = a - b;
    let se = (se_a * se_a + se_b * se_b).sqrt();
    let (z, p) = if se == 0.0 {
        if delta == 0.0 {
            (0.0, 1.0)
        } else {
            (delta.signum() * f64::INFINITY, 0.0)
        }
    } else {
        let z = delta / se;
        (z, normal::two_sided_p(z))
    };
    Some(ZTest {
        delta,
        se,
        z,
        p_value: p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn degenerate_cases() {
        assert_eq!(unpaired(0.5, 0.0, 0.5, 0.0).map(|t| t.p_value), Some(1.0));
        assert_eq!(unpaired(0.6, 0.0, 0.5, 0.0).map(|t| t.p_value), Some(0.0));
        assert!(unpaired(f64::NAN, 0.1, 0.5, 0.1).is_none());
        assert!(unpaired(0.5, -0.1, 0.5, 0.1).is_none());
    }

    proptest! {
        #[test]
        fn antisymmetric_and_bounded(a in -10.0f64..10.0, b in -10.0f64..10.0,
                                     sa in 0.001f64..5.0, sb in 0.001f64..5.0) {
            let t = unpaired(a, sa, b, sb).expect("finite");
            let u = unpaired(b, sb, a, sa).expect("finite");
            prop_assert!((t.z + u.z).abs() <= 1e-12 * (1.0 + t.z.abs()));
            prop_assert!((t.p_value - u.p_value).abs() <= 1e-15);
            prop_assert!((0.0..=1.0).contains(&t.p_value));
        }
    }
}

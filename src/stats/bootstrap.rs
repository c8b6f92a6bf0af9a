//! Paired bootstrap of a mean difference, seeded and deterministic.

use super::rng::Xoshiro256;

/// Resamples used by the regression check.
pub const DEFAULT_RESAMPLES: u32 = 10_000;
/// Seed used by the regression check (any fixed value; fixed so reports are reproducible).
pub const DEFAULT_SEED: u64 = 0x6f76_6761_7465; // "govgate"

/// Result of a paired bootstrap.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    /// Mean of the observed differences.
    pub mean: f64,
    /// Percentile confidence interval of the mean difference.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Two-sided p-value, `min(1, 2·min(#{m*≤0}, #{m*≥0}) / B)`.
    pub p_value: f64,
    pub resamples: u32,
    pub seed: u64,
}

/// Paired bootstrap of the mean of per-item differences `dᵢ = currentᵢ − baselineᵢ`
/// (Koehn 2004; Berg-Kirkpatrick et al. 2012). Exactly:
///
/// 1. `rng = xoshiro256**` seeded by SplitMix64 from `seed` ([`Xoshiro256::seed_from_u64`]);
/// 2. for each of `B = resamples` rounds, draw `n` indices with `rng.below(n)` in order and
///    take `m*_b = (Σ d[idx]) / n`, summing left to right;
/// 3. the CI is the `(1−c)/2` and `1−(1−c)/2` percentiles of the sorted `m*` with numpy's
///    default ("linear") interpolation ([`percentile_linear`]);
/// 4. `p = min(1, 2·min(#{m* ≤ 0}, #{m* ≥ 0}) / B)`.
///
/// `scripts/reference/s7p1_reference.py` repeats these steps with numpy and compares with
/// `scipy.stats.bootstrap`. `None` for no differences, a non-finite difference, or `B = 0`.
pub fn paired_mean_diff(
    diffs: &[f64],
    resamples: u32,
    seed: u64,
    confidence: f64,
) -> Option<Bootstrap> {
    if diffs.is_empty() || resamples == 0 || diffs.iter().any(|d| !d.is_finite()) {
        return None;
    }
    let n = diffs.len();
    let mut rng = Xoshiro256::seed_from_u64(seed);
    let mut means = Vec::with_capacity(resamples as usize);
    for _ in 0..resamples {
        let mut s = 0.0f64;
        for _ in 0..n {
            s += diffs[rng.below(n as u64) as usize];
        }
        means.push(s / n as f64);
    }
    means.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    let le0 = means.iter().filter(|m| **m <= 0.0).count();
    let ge0 = means.iter().filter(|m| **m >= 0.0).count();
    let p = (2.0 * le0.min(ge0) as f64 / resamples as f64).min(1.0);
    Some(Bootstrap {
        mean: super::describe::mean(diffs.iter().copied()),
        ci_low: percentile_linear(&means, tail),
        ci_high: percentile_linear(&means, 1.0 - tail),
        p_value: p,
        resamples,
        seed,
    })
}

/// The `q`-quantile (0 ≤ q ≤ 1) of sorted values with linear interpolation between closest
/// ranks — numpy `percentile(x, 100q)` with its default `method="linear"` (Hyndman–Fan
/// type 7), including numpy's two-sided `lerp`.
pub fn percentile_linear(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let t = h - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percentile_matches_numpy_examples() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile_linear(&x, 0.0), 1.0);
        assert_eq!(percentile_linear(&x, 1.0), 4.0);
        assert_eq!(percentile_linear(&x, 0.5), 2.5);
        assert_eq!(percentile_linear(&x, 0.25), 1.75);
    }

    #[test]
    fn all_zero_differences_are_not_significant() {
        let b = paired_mean_diff(&[0.0; 50], 1000, 1, 0.95).expect("result");
        assert_eq!(b.p_value, 1.0);
        assert_eq!((b.ci_low, b.ci_high), (0.0, 0.0));
    }

    #[test]
    fn a_clear_shift_is_significant() {
        let d: Vec<f64> = (0..200).map(|i| 0.5 + (i % 7) as f64 * 0.01).collect();
        let b = paired_mean_diff(&d, 2000, 3, 0.95).expect("result");
        assert_eq!(b.p_value, 0.0);
        assert!(b.ci_low > 0.0);
    }

    proptest! {
        #[test]
        fn deterministic_ordered_and_bounded(d in proptest::collection::vec(-1.0f64..1.0, 1..40),
                                             seed in any::<u64>()) {
            let a = paired_mean_diff(&d, 200, seed, 0.9).expect("result");
            let b = paired_mean_diff(&d, 200, seed, 0.9).expect("result");
            prop_assert_eq!(&a, &b);
            prop_assert!(a.ci_low <= a.ci_high);
            prop_assert!((0.0..=1.0).contains(&a.p_value));
            let lo = d.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = d.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(a.ci_low >= lo - 1e-12 && a.ci_high <= hi + 1e-12);
        }

        #[test]
        fn percentile_is_monotone(mut x in proptest::collection::vec(-5.0f64..5.0, 1..30),
                                  q1 in 0.0f64..1.0, q2 in 0.0f64..1.0) {
            x.sort_by(f64::total_cmp);
            let (a, b) = if q1 <= q2 { (q1, q2) } else { (q2, q1) };
            prop_assert!(percentile_linear(&x, a) <= percentile_linear(&x, b) + 1e-12);
        }
    }
}

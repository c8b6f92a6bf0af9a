//! Paired bootstrap of a mean difference (item or cluster resampling), seeded and
//! deterministic, with a p-value and percentile intervals that always agree.

use super::rng::Xoshiro256;

/// Resamples used by the regression check: `B + 1 = 10,000`, so the (B + 1) order
/// statistics of the percentile interval fall on whole numbers at the usual levels
/// (Davison & Hinkley 1997, §5.2).
pub const DEFAULT_RESAMPLES: u32 = 9_999;
/// Seed used by the regression check (any fixed value; fixed so reports are reproducible).
pub const DEFAULT_SEED: u64 = 0x6f76_6761_7465; // "govgate"

/// Result of a paired bootstrap: the observed mean difference, the p-value, and the tails
/// of the sorted resample means, from which an interval at any level up to `max_level` is
/// read ([`Bootstrap::interval`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    /// Mean of the observed differences.
    pub mean: f64,
    /// Resample means at or below 0, and at or above 0.
    pub at_or_below_zero: u32,
    pub at_or_above_zero: u32,
    /// Two-sided p-value, `min(1, 2·(min(#{m* ≤ 0}, #{m* ≥ 0}) + 1)/(B + 1))`: never 0,
    /// at least `2/(B + 1)` (Davison & Hinkley 1997, eq. 4.11; North et al. 2002).
    pub p_value: f64,
    pub resamples: u32,
    pub seed: u64,
    /// Clusters resampled (cluster bootstrap), `None` for items.
    pub clusters: Option<usize>,
    /// The smallest and largest resample means, sorted ascending, as many as an interval at
    /// `max_level` reads.
    low: Vec<f64>,
    high: Vec<f64>,
}

impl Bootstrap {
    /// The percentile interval at `1 − level` from the (B + 1) order statistics: with
    /// `j = ⌈level·(B + 1)/2⌉ − 1`, `[m*₍ⱼ₎, m*₍B+1−ⱼ₎]` of the sorted resample means
    /// (1-based). It excludes 0 exactly when `p_value < level`. When `j < 1` the resamples
    /// cannot resolve the level (p is never below `2/(B + 1)`) and the interval is
    /// unbounded. `None` when `level` is beyond the `max_level` the tails were kept for.
    pub fn interval(&self, level: f64) -> Option<(f64, f64)> {
        let j = order_statistic(level, self.resamples);
        if j == 0 {
            return Some((f64::NEG_INFINITY, f64::INFINITY));
        }
        if j > self.low.len() || j > self.high.len() {
            return None;
        }
        Some((self.low[j - 1], self.high[self.high.len() - j]))
    }

    /// Whether the p-value is at the smallest value the resamples can give, `2/(B + 1)`:
    /// what is known is then only that p is at most that.
    pub fn at_resolution(&self) -> bool {
        self.at_or_below_zero.min(self.at_or_above_zero) == 0
    }
}

/// `j = ⌈level·(B + 1)/2⌉ − 1`, at least 0.
fn order_statistic(level: f64, resamples: u32) -> usize {
    let x = (level * (resamples as f64 + 1.0) / 2.0).ceil() - 1.0;
    if x.is_finite() && x > 0.0 {
        x as usize
    } else {
        0
    }
}

/// Paired bootstrap of the mean of per-item differences `dᵢ = currentᵢ − baselineᵢ`
/// (Koehn 2004; Berg-Kirkpatrick et al. 2012). Exactly:
///
/// 1. `rng = xoshiro256**` seeded by SplitMix64 from `seed` ([`Xoshiro256::seed_from_u64`]);
/// 2. for each of `B = resamples` rounds, draw `n` indices with `rng.below(n)` in order and
///    take `m*_b = (Σ d[idx]) / n`, summing left to right;
/// 3. `p = min(1, 2·(min(#{m* ≤ 0}, #{m* ≥ 0}) + 1)/(B + 1))`;
/// 4. intervals from the sorted `m*` by [`Bootstrap::interval`].
///
/// `scripts/reference/s7p1_reference.py` repeats these steps with numpy and compares with
/// `scipy.stats.bootstrap`. `None` for no differences, a non-finite difference, `B = 0`,
/// or a `max_level` outside (0, 1).
pub fn paired_mean_diff(
    diffs: &[f64],
    resamples: u32,
    seed: u64,
    max_level: f64,
) -> Option<Bootstrap> {
    if diffs.is_empty() || diffs.iter().any(|d| !d.is_finite()) {
        return None;
    }
    let n = diffs.len();
    let mut rng = Xoshiro256::seed_from_u64(seed);
    finish(
        diffs,
        None,
        resamples,
        seed,
        max_level,
        (0..resamples).map(|_| {
            let mut s = 0.0f64;
            for _ in 0..n {
                s += diffs[rng.below(n as u64) as usize];
            }
            s / n as f64
        }),
    )
}

/// Cluster bootstrap of the mean of per-item differences: the `C` clusters (`cluster[i]`
/// is item `i`'s cluster) are resampled with replacement and each resample's mean is that
/// of every item of the clusters drawn, `Σ S_c / Σ n_c` — Inspect AI's cluster bootstrap
/// (`scorer/_metrics/std.py::_bootstrap_means`), with govgate's generator: clusters are
/// numbered in ascending order of their key, and each round draws `C` of them with
/// `rng.below(C)`; the p-value and intervals as [`paired_mean_diff`].
pub fn cluster_mean_diff(
    diffs: &[f64],
    cluster: &[u64],
    resamples: u32,
    seed: u64,
    max_level: f64,
) -> Option<Bootstrap> {
    if diffs.is_empty() || diffs.len() != cluster.len() || diffs.iter().any(|d| !d.is_finite()) {
        return None;
    }
    let groups = super::cluster::sums(diffs, cluster);
    let c = groups.len();
    let mut rng = Xoshiro256::seed_from_u64(seed);
    finish(
        diffs,
        Some(c),
        resamples,
        seed,
        max_level,
        (0..resamples).map(|_| {
            let (mut s, mut k) = (0.0f64, 0u64);
            for _ in 0..c {
                let g = &groups[rng.below(c as u64) as usize];
                s += g.sum;
                k += g.count;
            }
            s / k as f64
        }),
    )
}

fn finish(
    diffs: &[f64],
    clusters: Option<usize>,
    resamples: u32,
    seed: u64,
    max_level: f64,
    means: impl Iterator<Item = f64>,
) -> Option<Bootstrap> {
    if resamples == 0 || !(max_level > 0.0 && max_level < 1.0) {
        return None;
    }
    let mut means: Vec<f64> = means.collect();
    means.sort_by(f64::total_cmp);
    let le0 = means.iter().filter(|m| **m <= 0.0).count() as u32;
    let ge0 = means.iter().filter(|m| **m >= 0.0).count() as u32;
    let p = (2.0 * (le0.min(ge0) as f64 + 1.0) / (resamples as f64 + 1.0)).min(1.0);
    let keep = order_statistic(max_level, resamples).min(means.len());
    Some(Bootstrap {
        mean: super::describe::mean(diffs.iter().copied()),
        at_or_below_zero: le0,
        at_or_above_zero: ge0,
        p_value: p,
        resamples,
        seed,
        clusters,
        low: means[..keep].to_vec(),
        high: means[means.len() - keep..].to_vec(),
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
        let b = paired_mean_diff(&[0.0; 50], 999, 1, 0.05).expect("result");
        assert_eq!(b.p_value, 1.0);
        assert_eq!(b.interval(0.05), Some((0.0, 0.0)));
    }

    #[test]
    fn a_clear_shift_is_significant_but_p_is_never_zero() {
        let d: Vec<f64> = (0..200).map(|i| 0.5 + (i % 7) as f64 * 0.01).collect();
        let b = paired_mean_diff(&d, 1999, 3, 0.05).expect("result");
        assert_eq!(b.p_value, 2.0 / 2000.0);
        assert!(b.at_resolution());
        let (lo, _) = b.interval(0.05).expect("kept");
        assert!(lo > 0.0);
        // a level finer than the resamples resolve: unbounded, so not significant
        assert_eq!(b.interval(0.0005), Some((f64::NEG_INFINITY, f64::INFINITY)));
        assert!(b.interval(0.2).is_none(), "tails kept only up to 0.05");
    }

    #[test]
    fn the_order_statistic_of_the_usual_levels() {
        assert_eq!(order_statistic(0.05, 9_999), 249);
        assert_eq!(order_statistic(0.05 / 60.0, 9_999), 4);
        assert_eq!(order_statistic(0.0001, 9_999), 0);
    }

    #[test]
    fn clusters_are_resampled_whole() {
        // two clusters: all of cluster 1 is +1, all of cluster 2 is −1
        let d = [1.0, 1.0, 1.0, -1.0, -1.0, -1.0];
        let c = [1, 1, 1, 2, 2, 2];
        let b = cluster_mean_diff(&d, &c, 999, 5, 0.05).expect("result");
        assert_eq!(b.clusters, Some(2));
        // a resample is both clusters (0), or one of them twice (±1)
        let (lo, hi) = b.interval(0.05).expect("kept");
        assert_eq!((lo, hi), (-1.0, 1.0));
        assert!(b.p_value > 0.5);
    }

    proptest! {
        #[test]
        fn deterministic_ordered_and_bounded(d in proptest::collection::vec(-1.0f64..1.0, 1..40),
                                             seed in any::<u64>()) {
            let a = paired_mean_diff(&d, 199, seed, 0.1).expect("result");
            let b = paired_mean_diff(&d, 199, seed, 0.1).expect("result");
            prop_assert_eq!(&a, &b);
            let (lo, hi) = a.interval(0.1).expect("kept");
            prop_assert!(lo <= hi);
            prop_assert!(a.p_value > 0.0 && a.p_value <= 1.0);
            let min = d.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = d.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(lo >= min - 1e-12 && hi <= max + 1e-12);
        }

        /// The interval at any level excludes 0 exactly when p is below that level.
        #[test]
        fn interval_and_p_agree(d in proptest::collection::vec(-1.0f64..1.5, 2..30),
                                seed in any::<u64>(), level in 0.0005f64..0.2) {
            let b = paired_mean_diff(&d, 999, seed, 0.2).expect("result");
            let (lo, hi) = b.interval(level).expect("kept");
            let excludes = lo > 0.0 || hi < 0.0;
            let x = level * 1000.0 / 2.0;
            // away from the float boundary of the order statistic
            if (x - x.round()).abs() > 1e-9 {
                prop_assert_eq!(excludes, b.p_value < level, "p={} level={} [{}, {}]", b.p_value, level, lo, hi);
            }
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

//! Sampling the hypergeometric distribution exactly, by inversion from the mode.
//!
//! `P(X = x) = C(K, x)·C(N − K, n − x) / C(N, n)` for `n` draws without replacement from
//! `N` items of which `K` are successes. The probability at the mode comes from
//! log-factorials (`ln Γ`); the search then walks outwards, alternating below and above
//! the mode, with the exact ratios `P(x+1)/P(x) = (K−x)(n−x) / ((x+1)(N−K−n+x+1))` until the
//! cumulative probability passes a uniform draw (Kachitvichyanukul & Schmeiser 1985,
//! "HIN"-style chop-down). The expected number of steps grows with the standard deviation,
//! not with `N`, so a draw from millions of items costs microseconds.

use statrs::function::gamma::ln_gamma;

use super::rng::Xoshiro256;

fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// One draw; requires `successes <= total` and `draws <= total`.
pub fn sample(rng: &mut Xoshiro256, total: u64, successes: u64, draws: u64) -> u64 {
    let (n_all, k, n) = (total, successes, draws);
    let lo = n.saturating_sub(n_all - k);
    let hi = n.min(k);
    if lo == hi {
        return lo;
    }
    let mode = (((n + 1) as f64 * (k + 1) as f64) / (n_all + 2) as f64).floor() as u64;
    let mode = mode.clamp(lo, hi);
    let p_mode = (ln_choose(k, mode) + ln_choose(n_all - k, n - mode) - ln_choose(n_all, n)).exp();
    // uniform in [0, 1) from the top 53 bits
    let mut u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    if u < p_mode {
        return mode;
    }
    u -= p_mode;
    let (kf, nf, rest) = (k as f64, n as f64, (n_all - k) as f64);
    let (mut down, mut up) = (mode, mode);
    let (mut p_down, mut p_up) = (p_mode, p_mode);
    loop {
        let mut moved = false;
        if down > lo {
            let x = down as f64;
            // P(x−1)/P(x) = x·(N−K−n+x) / ((K−x+1)(n−x+1))
            p_down *= x * (rest - nf + x) / ((kf - x + 1.0) * (nf - x + 1.0));
            down -= 1;
            moved = true;
            if u < p_down {
                return down;
            }
            u -= p_down;
        }
        if up < hi {
            let x = up as f64;
            p_up *= (kf - x) * (nf - x) / ((x + 1.0) * (rest - nf + x + 1.0));
            up += 1;
            moved = true;
            if u < p_up {
                return up;
            }
            u -= p_up;
        }
        if !moved {
            // rounding left a sliver of probability unassigned: the mode takes it
            return mode;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_stay_in_support_and_average_to_the_mean() {
        let mut rng = Xoshiro256::seed_from_u64(1);
        let (total, k, n) = (1_000_000u64, 300_000u64, 400_000u64);
        let mut sum = 0.0;
        for _ in 0..2000 {
            let x = sample(&mut rng, total, k, n);
            assert!(x <= k.min(n));
            sum += x as f64;
        }
        // mean n·K/N = 120000, sd ≈ 224; the mean of 2000 draws is within 5 sd / sqrt(2000)
        let mean = sum / 2000.0;
        assert!(
            (mean - 120_000.0).abs() < 5.0 * 224.5 / 2000f64.sqrt(),
            "{mean}"
        );
    }

    #[test]
    fn degenerate_supports() {
        let mut rng = Xoshiro256::seed_from_u64(2);
        assert_eq!(sample(&mut rng, 10, 10, 3), 3);
        assert_eq!(sample(&mut rng, 10, 3, 10), 3);
        // small case: exact frequencies of C(3,x)C(2,2-x)/C(5,2) = 0.1, 0.6, 0.3
        let mut counts = [0u32; 3];
        for _ in 0..100_000 {
            counts[sample(&mut rng, 5, 3, 2) as usize] += 1;
        }
        for (c, p) in counts.iter().zip([0.1, 0.6, 0.3]) {
            let f = f64::from(*c) / 100_000.0;
            assert!((f - p).abs() < 0.006, "{counts:?}");
        }
    }
}

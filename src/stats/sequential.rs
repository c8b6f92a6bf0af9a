//! Always-valid inference for a difference of two means: the mixture sequential
//! probability ratio test (mSPRT) with a normal mixture, as Johari, Koomen, Pekelis and
//! Walsh define it ("Peeking at A/B tests: why it matters, and what to do about it",
//! KDD 2017; "Always valid inference", Operations Research 2022).
//!
//! With the observed difference `Δ`, its variance `V` (`s₁²/n₁ + s₂²/n₂`) and the mixing
//! distribution `N(θ₀, τ²)` over the true difference, the mixture likelihood ratio of
//! `H₀: difference = θ₀` is
//!
//! ```text
//! Λ = √(V / (V + τ²)) · exp( τ² (Δ − θ₀)² / (2 V (V + τ²)) )
//! ```
//!
//! (with `n` observations per arm and `Vₙ = n·V` this is the Bernoulli and normal forms of
//! Johari et al. and of the `msprt` package, which the tests compare to). `Λ` is a
//! non-negative martingale under `H₀`, so by Ville's inequality `P(Λ ever ≥ 1/α) ≤ α`:
//! the always-valid p-value `min(1, 1/Λ)` may be looked at after every new record, every
//! day, as often as wanted, and falls below `α` on a true `H₀` at most `α` of the time
//! over all the looks together. Inverting it gives the confidence sequence
//!
//! ```text
//! Δ ± √( V (V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V)) )
//! ```
//!
//! which holds the true difference at every look at once with probability `1 − α`.
//!
//! `τ` sets where the sequence is narrowest: for a given `V*` the half-width is smallest at
//! `τ² = r·V*` with `r = 2 ln(1/α) + ln(1 + r)` ([`optimal_ratio`]; r ≈ 8.21 at α = 0.05).

/// One look of the mSPRT.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Msprt {
    /// `ln Λ` at the tested difference.
    pub log_lr: f64,
    /// `min(1, 1/Λ)`.
    pub p_value: f64,
    /// Half-width of the `1 − alpha` confidence sequence around the observed difference.
    pub half_width: f64,
}

/// The mSPRT of `difference = null` from the observed difference `delta`, its variance
/// `v` and the mixing variance `tau2`, with the confidence sequence at `1 − alpha`.
/// `None` when `v` or `tau2` is not a positive finite number or `alpha` not in (0, 1).
pub fn msprt(delta: f64, v: f64, tau2: f64, null: f64, alpha: f64) -> Option<Msprt> {
    let ok = |x: f64| x.is_finite() && x > 0.0;
    if !(ok(v) && ok(tau2) && delta.is_finite() && null.is_finite() && alpha > 0.0 && alpha < 1.0) {
        return None;
    }
    let d = delta - null;
    let log_lr = 0.5 * (v / (v + tau2)).ln() + tau2 * d * d / (2.0 * v * (v + tau2));
    let p_value = (-log_lr).exp().min(1.0);
    let half_width =
        (v * (v + tau2) / tau2 * (2.0 * (1.0 / alpha).ln() + ((v + tau2) / v).ln())).sqrt();
    Some(Msprt {
        log_lr,
        p_value,
        half_width,
    })
}

/// `r = τ²/V*` that makes the `1 − alpha` sequence narrowest where the difference's
/// variance is `V*`: the root of `r = 2 ln(1/α) + ln(1 + r)` (the derivative of the squared
/// half-width `V*(1 + 1/r)(2 ln(1/α) + ln(1 + r))` set to zero), by fixed-point iteration
/// (a contraction: the slope `1/(1 + r)` is below 1/7 there).
pub fn optimal_ratio(alpha: f64) -> f64 {
    let l = 2.0 * (1.0 / alpha).ln();
    let mut r = l;
    for _ in 0..200 {
        let next = l + (1.0 + r).ln();
        if (next - r).abs() <= 1e-15 * next {
            return next;
        }
        r = next;
    }
    r
}

/// The default mixing variance: narrowest where each arm holds `per_arm` records, with the
/// arms' per-record variances `var_a` and `var_b` — `τ² = r·(var_a + var_b)/per_arm`,
/// `r` = [`optimal_ratio`].
pub fn mixing_variance(alpha: f64, var_a: f64, var_b: f64, per_arm: u64) -> f64 {
    optimal_ratio(alpha) * (var_a + var_b) / per_arm as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_optimal_ratio_solves_its_equation_and_minimises_the_width() {
        for alpha in [0.01, 0.05, 0.1] {
            let r = optimal_ratio(alpha);
            let l = 2.0 * (1.0f64 / alpha).ln();
            assert!((r - (l + (1.0 + r).ln())).abs() < 1e-12, "{alpha}: {r}");
            let width = |r: f64| msprt(0.0, 1.0, r, 0.0, alpha).expect("ok").half_width;
            assert!(width(r) < width(r * 0.9) && width(r) < width(r * 1.1));
        }
        // the root computed independently (Python, 100 fixed-point steps): 8.211968062068253
        assert!((optimal_ratio(0.05) - 8.211968062068253).abs() < 1e-12);
    }

    #[test]
    fn bad_arguments_give_none() {
        assert!(msprt(0.1, 0.0, 1.0, 0.0, 0.05).is_none());
        assert!(msprt(0.1, 1.0, 0.0, 0.0, 0.05).is_none());
        assert!(msprt(f64::NAN, 1.0, 1.0, 0.0, 0.05).is_none());
        assert!(msprt(0.1, 1.0, 1.0, 0.0, 1.0).is_none());
    }

    proptest! {
        /// The sequence is the inversion of the test: at `null = delta ± half_width`,
        /// `Λ = 1/alpha` exactly; inside it the p-value is above `alpha`, outside below.
        #[test]
        fn the_sequence_inverts_the_test(
            delta in -10.0f64..10.0,
            v in 1e-6f64..10.0,
            ratio in 0.01f64..100.0,
            alpha in 0.001f64..0.5,
        ) {
            let tau2 = ratio * v;
            let m = msprt(delta, v, tau2, 0.0, alpha).expect("ok");
            for side in [-1.0, 1.0] {
                let at = msprt(delta, v, tau2, delta + side * m.half_width, alpha).expect("ok");
                prop_assert!((at.log_lr - (1.0 / alpha).ln()).abs() < 1e-9 * (1.0 + (1.0 / alpha).ln()));
                let inside = msprt(delta, v, tau2, delta + side * 0.99 * m.half_width, alpha).expect("ok");
                let outside = msprt(delta, v, tau2, delta + side * 1.01 * m.half_width, alpha).expect("ok");
                prop_assert!(inside.p_value > alpha && outside.p_value < alpha);
            }
            prop_assert!((0.0..=1.0).contains(&m.p_value));
        }
    }
}

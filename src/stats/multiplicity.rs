//! Multiple-testing corrections: a check that makes several tests at `alpha` adjusts their
//! p-values as one family, so that its false-alarm rate is still `alpha`.
//!
//! * **Holm** (1979), step-down Bonferroni, controls the family-wise error rate (FWER):
//!   with the p-values sorted ascending, `p̃₍ᵢ₎ = min(1, maxⱼ≤ᵢ (m − j + 1)·p₍ⱼ₎)`.
//! * **Bonferroni** controls the FWER: `p̃ᵢ = min(1, m·pᵢ)`.
//! * **Benjamini–Hochberg** (1995) controls the false discovery rate (FDR) for independent
//!   or positively dependent tests: `p̃₍ᵢ₎ = min(1, minⱼ≥ᵢ m·p₍ⱼ₎/j)`.
//! * **none**: `p̃ᵢ = pᵢ`.
//!
//! The adjusted values are statsmodels' `multipletests(p, method="holm" | "bonferroni" |
//! "fdr_bh")[1]` (`scripts/reference/multiplicity_reference.py`). A hypothesis is rejected
//! when `p̃ᵢ < alpha`.
//!
//! [`decision_levels`] gives, for each hypothesis, the level `γᵢ` its own test was in
//! effect judged at: `p̃ᵢ < alpha ⟺ pᵢ < γᵢ`. A confidence interval at `1 − γᵢ` from the
//! same method as the test therefore excludes the null exactly when the corrected decision
//! rejects it, which is how every finding's interval is made to agree with its verdict.

use serde::Serialize;

/// How a family of p-values is adjusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    /// Holm–Bonferroni step-down (FWER).
    #[default]
    Holm,
    /// Bonferroni (FWER).
    Bonferroni,
    /// Benjamini–Hochberg (FDR).
    Bh,
    /// No adjustment: each test at `alpha` on its own.
    None,
}

impl Correction {
    /// Every correction with its rubric spelling.
    pub const ALL: [(&'static str, Correction); 4] = [
        ("holm", Correction::Holm),
        ("bonferroni", Correction::Bonferroni),
        ("bh", Correction::Bh),
        ("none", Correction::None),
    ];

    pub fn parse(s: &str) -> Option<Correction> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, c)| *c)
    }

    /// The rubric spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Correction::Holm => "holm",
            Correction::Bonferroni => "bonferroni",
            Correction::Bh => "bh",
            Correction::None => "none",
        }
    }

    /// How a report names it.
    pub fn label(self) -> &'static str {
        match self {
            Correction::Holm => "Holm",
            Correction::Bonferroni => "Bonferroni",
            Correction::Bh => "Benjamini-Hochberg",
            Correction::None => "no correction",
        }
    }
}

/// Indices of `p` sorted by p-value ascending, ties in input order (a stable order, so the
/// same family always gives the same result).
fn ascending(p: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    idx
}

/// The adjusted p-values of a family, in the input order (statsmodels `multipletests`).
/// A NaN p-value stays NaN and does not count towards the family: leave untested
/// hypotheses out of `p` rather than passing NaN.
pub fn adjust(p: &[f64], c: Correction) -> Vec<f64> {
    let tested: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let mut out = vec![f64::NAN; p.len()];
    let m = tested.len();
    if m == 0 {
        return out;
    }
    let sub: Vec<f64> = tested.iter().map(|&i| p[i]).collect();
    let order = ascending(&sub);
    let mf = m as f64;
    match c {
        Correction::None => {
            for (k, &i) in tested.iter().enumerate() {
                out[i] = sub[k];
            }
        }
        Correction::Bonferroni => {
            for (k, &i) in tested.iter().enumerate() {
                out[i] = (sub[k] * mf).min(1.0);
            }
        }
        Correction::Holm => {
            let mut running = 0.0f64;
            for (rank, &k) in order.iter().enumerate() {
                let v = (m - rank) as f64 * sub[k];
                running = running.max(v);
                out[tested[k]] = running.min(1.0);
            }
        }
        Correction::Bh => {
            let mut running = f64::INFINITY;
            for (rank, &k) in order.iter().enumerate().rev() {
                let v = sub[k] * mf / (rank + 1) as f64;
                running = running.min(v);
                out[tested[k]] = running.min(1.0);
            }
        }
    }
    out
}

/// For each hypothesis, the level `γ` at which the correction in effect judged it:
/// `adjust(p)[i] < alpha` exactly when `p[i] < γ[i]` (NaN for a NaN p-value).
///
/// * none: `γ = alpha`; Bonferroni: `γ = alpha/m`;
/// * Holm: with `r` the first sorted position whose test is not rejected, `γ = alpha/(m − k)`
///   for a rejected hypothesis at sorted position `k` (0-based, the first of its ties), and
///   `γ = alpha/(m − r)` for every hypothesis not rejected — the level at which the
///   step-down stopped;
/// * Benjamini–Hochberg: `γ = max(R, 1)·alpha/m` with `R` the number rejected
///   (Benjamini & Yekutieli 2005, false-coverage-rate adjusted intervals).
pub fn decision_levels(p: &[f64], alpha: f64, c: Correction) -> Vec<f64> {
    let tested: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let mut out = vec![f64::NAN; p.len()];
    let m = tested.len();
    if m == 0 {
        return out;
    }
    let mf = m as f64;
    let adjusted = adjust(p, c);
    match c {
        Correction::None => tested.iter().for_each(|&i| out[i] = alpha),
        Correction::Bonferroni => tested.iter().for_each(|&i| out[i] = alpha / mf),
        Correction::Bh => {
            let rejected = tested.iter().filter(|&&i| adjusted[i] < alpha).count();
            let g = rejected.max(1) as f64 * alpha / mf;
            tested.iter().for_each(|&i| out[i] = g);
        }
        Correction::Holm => {
            let sub: Vec<f64> = tested.iter().map(|&i| p[i]).collect();
            let order = ascending(&sub);
            // the first sorted position not rejected
            let stop = order
                .iter()
                .position(|&k| adjusted[tested[k]] >= alpha)
                .unwrap_or(m);
            let stop_level = if stop < m {
                alpha / (m - stop) as f64
            } else {
                f64::NAN
            };
            let mut first_of_tie = 0;
            for (rank, &k) in order.iter().enumerate() {
                if rank > 0 && sub[k] != sub[order[rank - 1]] {
                    first_of_tie = rank;
                }
                out[tested[k]] = if rank < stop {
                    alpha / (m - first_of_tie) as f64
                } else {
                    stop_level
                };
            }
        }
    }
    out
}

/// One hypothesis's place in its family, as a finding reports it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Adjusted {
    /// The p-value adjusted over the family.
    #[serde(serialize_with = "crate::num::ser")]
    pub p_adjusted: f64,
    /// Tests in the family (the check's tested findings).
    pub family_size: usize,
    pub correction: Correction,
    /// The level the test was in effect judged at (`p_adjusted < alpha ⟺ p < level`).
    #[serde(serialize_with = "crate::num::ser")]
    pub level: f64,
}

/// Adjusts a family at once: for each p-value, its [`Adjusted`] (NaN p-values stay out of
/// the family and get NaN).
pub fn family(p: &[f64], alpha: f64, c: Correction) -> Vec<Adjusted> {
    let adjusted = adjust(p, c);
    let levels = decision_levels(p, alpha, c);
    let m = p.iter().filter(|x| !x.is_nan()).count();
    adjusted
        .into_iter()
        .zip(levels)
        .map(|(p_adjusted, level)| Adjusted {
            p_adjusted,
            family_size: m,
            correction: c,
            level,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn textbook_family() {
        let p = [0.01, 0.04, 0.03, 0.005];
        // Holm: sorted 0.005 0.01 0.03 0.04 → 0.02 0.03 0.06 0.06
        let h = adjust(&p, Correction::Holm);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (a, b) in h.iter().zip(want) {
            assert!((a - b).abs() < 1e-15, "{h:?}");
        }
        // BH: 0.005*4/1=0.02, 0.01*4/2=0.02, 0.03*4/3=0.04, 0.04*4/4=0.04
        let b = adjust(&p, Correction::Bh);
        let want = [0.02, 0.04, 0.04, 0.02];
        for (a, w) in b.iter().zip(want) {
            assert!((a - w).abs() < 1e-15, "{b:?}");
        }
        assert_eq!(adjust(&[0.5, 0.6], Correction::Bonferroni), [1.0, 1.0]);
        assert_eq!(adjust(&[0.02], Correction::Holm), [0.02]);
        assert!(adjust(&[], Correction::Holm).is_empty());
    }

    #[test]
    fn nan_is_left_out_of_the_family() {
        let a = adjust(&[0.01, f64::NAN, 0.02], Correction::Bonferroni);
        assert_eq!(a[0], 0.02);
        assert!(a[1].is_nan());
        assert_eq!(a[2], 0.04);
    }

    #[test]
    fn holm_stops_at_the_first_acceptance() {
        // m = 3, alpha 0.05: 0.01 < 0.0167 rejected; 0.03 >= 0.025 stops; 0.04 not rejected
        let p = [0.04, 0.01, 0.03];
        let g = decision_levels(&p, 0.05, Correction::Holm);
        assert!((g[1] - 0.05 / 3.0).abs() < 1e-18);
        assert!((g[2] - 0.025).abs() < 1e-18);
        assert!((g[0] - 0.025).abs() < 1e-18);
    }

    fn correction() -> impl Strategy<Value = Correction> {
        prop_oneof![
            Just(Correction::Holm),
            Just(Correction::Bonferroni),
            Just(Correction::Bh),
            Just(Correction::None),
        ]
    }

    proptest! {
        /// The corrected decision and the test at its decision level agree, for every
        /// hypothesis of every family; adjusted values are at least the raw ones and in [0, 1].
        #[test]
        fn decisions_agree_with_their_levels(
            p in proptest::collection::vec(prop_oneof![0.0f64..1.0, Just(0.01), Just(1.0)], 1..40),
            alpha in 0.001f64..0.5,
            c in correction(),
        ) {
            let adj = adjust(&p, c);
            let lev = decision_levels(&p, alpha, c);
            for i in 0..p.len() {
                prop_assert!(adj[i] >= p[i] - 1e-15 && adj[i] <= 1.0);
                prop_assert!(lev[i] <= alpha + 1e-15 && lev[i] > 0.0);
                // away from float rounding at the exact boundary
                let margin = (p[i] - lev[i]).abs() > 1e-12 && (adj[i] - alpha).abs() > 1e-12;
                if margin {
                    prop_assert_eq!(adj[i] < alpha, p[i] < lev[i], "i={} p={:?} adj={:?} lev={:?}", i, p, adj, lev);
                }
            }
        }

        /// Holm and BH keep the order of the raw p-values.
        #[test]
        fn monotone(p in proptest::collection::vec(0.0f64..1.0, 1..30), c in correction()) {
            let adj = adjust(&p, c);
            for i in 0..p.len() {
                for j in 0..p.len() {
                    if p[i] < p[j] {
                        prop_assert!(adj[i] <= adj[j] + 1e-15);
                    }
                }
            }
        }
    }
}

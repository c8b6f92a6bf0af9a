//! Expected calibration error: how far a model's stated confidence is from how often it is
//! right, averaged over bins of confidence.
//!
//! `ECE = Σ_b (n_b/n)·|mean confidence_b − accuracy_b|` (the plug-in estimate, L1), with
//! either binning:
//!
//! * **equal mass** (HELM's `ece_10_bin`): the confidences sorted and split into `k` parts
//!   as `numpy.array_split` splits them (the first `n mod k` parts one longer); the edges are
//!   the midpoints between the last value of one part and the first of the next, then 1.0,
//!   duplicates dropped — `calibration.get_ece_em` of the `uncertainty-calibration` package
//!   (0.1.4), which HELM calls with `num_bins=10` on each instance's `max_prob` and
//!   `exact_match` (`helm/benchmark/metrics/basic_metrics.py`, `compute_calibration_metrics`);
//! * **equal width**: edges `1/k, 2/k, …, 1` (`calibration.get_ece`, Guo et al. 2017).
//!
//! A confidence goes to the first bin whose upper edge is at least it (`numpy.searchsorted`,
//! side left): bins are `(e_{i−1}, e_i]`, the first from 0 inclusive.

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bin {
    /// The bin's upper edge (its lower is the previous bin's upper, or 0).
    #[serde(serialize_with = "crate::num::ser")]
    pub upper: f64,
    pub n: u64,
    #[serde(serialize_with = "crate::num::ser")]
    pub confidence: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub accuracy: f64,
}

/// How the bins are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binning {
    EqualMass,
    EqualWidth,
}

/// The ECE of `(confidence, correct)` pairs with `bins` bins, and the non-empty bins.
/// Correctness is 0 or 1 (or, for answers averaged over repeats, the share right). `None`
/// without pairs, with `bins == 0`, or with a confidence outside [0, 1] or not finite.
pub fn ece(pairs: &[(f64, f64)], bins: usize, binning: Binning) -> Option<(f64, Vec<Bin>)> {
    if pairs.is_empty() || bins == 0 || pairs.iter().any(|(p, _)| !(0.0..=1.0).contains(p)) {
        return None;
    }
    let edges = match binning {
        Binning::EqualWidth => (1..=bins).map(|i| i as f64 / bins as f64).collect(),
        Binning::EqualMass => equal_mass_edges(pairs, bins),
    };
    // per bin: count, sum of confidences, count right
    let mut acc = vec![(0u64, 0.0f64, 0.0f64); edges.len()];
    for &(p, right) in pairs {
        let i = edges.partition_point(|e| *e < p).min(edges.len() - 1);
        let a = &mut acc[i];
        a.0 += 1;
        a.1 += p;
        a.2 += right;
    }
    let n = pairs.len() as f64;
    let mut total = 0.0;
    let mut out = Vec::new();
    for (upper, (k, sum, right)) in edges.iter().zip(acc) {
        if k == 0 {
            continue;
        }
        let (conf, accuracy) = (sum / k as f64, right / k as f64);
        total += k as f64 / n * (conf - accuracy).abs();
        out.push(Bin {
            upper: *upper,
            n: k,
            confidence: conf,
            accuracy,
        });
    }
    Some((total, out))
}

/// HELM's equal-mass edges (`calibration.get_equal_bins`).
fn equal_mass_edges(pairs: &[(f64, f64)], bins: usize) -> Vec<f64> {
    let mut sorted: Vec<f64> = pairs.iter().map(|(p, _)| *p).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let k = bins.min(n);
    // numpy.array_split: the first n % k parts have n / k + 1 values
    let (size, extra) = (n / k, n % k);
    let mut starts = Vec::with_capacity(k + 1);
    let mut at = 0;
    for i in 0..k {
        starts.push(at);
        at += size + usize::from(i < extra);
    }
    starts.push(n);
    let mut edges: Vec<f64> = (1..k)
        .map(|i| (sorted[starts[i] - 1] + sorted[starts[i]]) / 2.0)
        .collect();
    edges.push(1.0);
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfectly_calibrated_bin_has_no_error_and_bad_input_none() {
        let pairs = [(0.5, 1.0), (0.5, 0.0), (1.0, 1.0), (1.0, 1.0)];
        let (e, bins) = ece(&pairs, 10, Binning::EqualWidth).expect("ece");
        assert_eq!(e, 0.0);
        assert_eq!(bins.len(), 2);
        assert!(ece(&[], 10, Binning::EqualMass).is_none());
        assert!(ece(&[(1.5, 1.0)], 10, Binning::EqualMass).is_none());
        assert!(ece(&[(f64::NAN, 1.0)], 10, Binning::EqualMass).is_none());
        assert!(ece(&pairs, 0, Binning::EqualMass).is_none());
    }

    #[test]
    fn always_confident_and_half_right_is_off_by_a_half() {
        let pairs: Vec<(f64, f64)> = (0..100).map(|i| (1.0, f64::from(i % 2))).collect();
        for b in [Binning::EqualMass, Binning::EqualWidth] {
            let (e, bins) = ece(&pairs, 10, b).expect("ece");
            assert!((e - 0.5).abs() < 1e-15, "{b:?} {e}");
            assert_eq!(bins.iter().map(|b| b.n).sum::<u64>(), 100);
        }
    }
}

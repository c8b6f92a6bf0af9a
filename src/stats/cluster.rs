//! Cluster-robust standard errors: when several items share a passage, an image or a
//! conversation their scores are correlated, and the standard error that treats them as
//! independent understates the uncertainty (Miller 2024, arXiv:2411.00640, §2.2 and
//! Appendix A).

use std::collections::BTreeMap;

/// One cluster's items: key, sum of the values, count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group {
    pub key: u64,
    pub sum: f64,
    pub count: u64,
}

/// The clusters of `values` (`cluster[i]` is item `i`'s), in ascending key order.
pub fn sums(values: &[f64], cluster: &[u64]) -> Vec<Group> {
    let mut m: BTreeMap<u64, (f64, u64)> = BTreeMap::new();
    for (x, c) in values.iter().zip(cluster) {
        let e = m.entry(*c).or_insert((0.0, 0));
        e.0 += x;
        e.1 += 1;
    }
    m.into_iter()
        .map(|(key, (sum, count))| Group { key, sum, count })
        .collect()
}

/// A clustered standard error of a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clustered {
    pub mean: f64,
    pub se: f64,
    /// Clusters `C`; the t reference distribution has `C − 1` degrees of freedom.
    pub clusters: usize,
    pub n: usize,
}

/// Clustered standard error of the mean with the finite-cluster correction, as Inspect AI
/// computes it (`inspect_ai/scorer/_metrics/std.py::_clustered_stderr`, 0.3.221 and later):
///
/// `SE = √(Σ_c (Σ_{i∈c} (sᵢ − s̄))² · C/(C − 1)) / n`
///
/// Miller 2024's Eq. 4 without the `C/(C − 1)` factor is what lmms-eval's
/// `clustered_stderr` computes; govgate matches Inspect, whose `ci()` pairs this standard
/// error with a t critical value on `C − 1` degrees of freedom. `None` for fewer than two
/// clusters (Inspect returns 0 there; a standard error that cannot be estimated is no
/// standard error), mismatched lengths or a non-finite value.
pub fn stderr(values: &[f64], cluster: &[u64]) -> Option<Clustered> {
    if values.len() != cluster.len() || values.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let n = values.len();
    let mean = super::describe::mean(values.iter().copied());
    let mut dev: BTreeMap<u64, f64> = BTreeMap::new();
    for (x, c) in values.iter().zip(cluster) {
        *dev.entry(*c).or_insert(0.0) += x - mean;
    }
    let c = dev.len();
    if c < 2 {
        return None;
    }
    let v: f64 = dev.values().map(|d| d * d).sum();
    let cf = c as f64;
    Some(Clustered {
        mean,
        se: (v * cf / (cf - 1.0)).sqrt() / n as f64,
        clusters: c,
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singleton_clusters_are_the_iid_standard_error() {
        // with one item per cluster, Σ(sᵢ − s̄)²·n/(n − 1)/n² = s²/n
        let x = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0];
        let ids: Vec<u64> = (0..x.len() as u64).collect();
        let c = stderr(&x, &ids).expect("se");
        let iid = crate::stats::describe::stderr_of_mean(&x).expect("se");
        assert!((c.se - iid).abs() < 1e-15, "{} vs {iid}", c.se);
        assert_eq!(c.clusters, 9);
    }

    #[test]
    fn correlated_items_widen_the_error() {
        // whole passages right or wrong
        let x = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0];
        let ids = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];
        let c = stderr(&x, &ids).expect("se");
        let iid = crate::stats::describe::stderr_of_mean(&x).expect("se");
        assert!(c.se > 1.5 * iid, "{} vs {iid}", c.se);
        assert!(stderr(&x, &[7; 12]).is_none(), "one cluster");
        assert_eq!(
            sums(&x, &ids)[1],
            Group {
                key: 2,
                sum: 0.0,
                count: 3
            }
        );
    }
}

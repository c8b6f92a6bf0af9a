//! Rank correlation and rater agreement.
//!
//! * [`spearman`]: Spearman's ρ, the Pearson correlation of the two samples' ranks, ties
//!   given their average rank (scipy `spearmanr` with `rankdata(method="average")`); its
//!   two-sided p-value from `t = ρ·√((n − 2)/((1 + ρ)(1 − ρ)))` on `n − 2` degrees of freedom
//!   (scipy's default).
//! * [`cohen_kappa`]: Cohen's κ of two raters' labels, `(p_o − p_e)/(1 − p_e)` with `p_o` the
//!   observed agreement and `p_e` the agreement their marginals expect by chance (sklearn
//!   `cohen_kappa_score`, statsmodels `cohens_kappa`).
//!
//! Reference values: `scripts/reference/s7p56_reference.py`.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Ranks 1..n, ties averaged.
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|a, b| x[*a].total_cmp(&x[*b]));
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        // positions i..=j (0-based) share the average of ranks i+1..=j+1
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[idx[k]] = avg;
        }
        i = j + 1;
    }
    ranks
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (x - ma, y - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    (sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0)
}

/// Spearman's ρ and its two-sided p-value; `None` with fewer than three pairs or a constant
/// sample (ρ undefined).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    if x.len() != y.len() || x.len() < 3 {
        return None;
    }
    let (rx, ry) = (average_ranks(x), average_ranks(y));
    let constant = |r: &[f64]| r.iter().all(|v| *v == r[0]);
    if constant(&rx) || constant(&ry) {
        return None;
    }
    let rho = pearson(&rx, &ry);
    let df = (x.len() - 2) as f64;
    let p = if rho.abs() >= 1.0 {
        0.0
    } else {
        let t = rho * (df / ((rho + 1.0) * (1.0 - rho))).sqrt();
        let dist = StudentsT::new(0.0, 1.0, df).ok()?;
        (2.0 * dist.sf(t.abs())).min(1.0)
    };
    Some((rho, p))
}

/// Cohen's κ of paired labels; `None` for no pairs or when chance agreement is certain
/// (`p_e = 1`: both raters always give the same single label, κ undefined).
pub fn cohen_kappa<T: PartialEq + Clone>(pairs: &[(T, T)]) -> Option<f64> {
    let mut counts: Vec<((T, T), u64)> = Vec::new();
    for p in pairs {
        match counts.iter_mut().find(|(q, _)| q == p) {
            Some((_, c)) => *c += 1,
            None => counts.push((p.clone(), 1)),
        }
    }
    cohen_kappa_counts(&counts)
}

/// Cohen's κ from a contingency table: how many pairs have each `(label a, label b)`
/// (pairs absent from the table count 0). `None` as [`cohen_kappa`].
pub fn cohen_kappa_counts<T: PartialEq + Clone>(table: &[((T, T), u64)]) -> Option<f64> {
    let total: u64 = table.iter().map(|(_, c)| c).sum();
    if total == 0 {
        return None;
    }
    let mut labels: Vec<&T> = Vec::new();
    for ((a, b), _) in table {
        for l in [a, b] {
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
    let n = total as f64;
    let agree = table
        .iter()
        .filter(|((a, b), _)| a == b)
        .map(|(_, c)| *c as f64)
        .sum::<f64>()
        / n;
    let expected: f64 = labels
        .iter()
        .map(|l| {
            let pa: u64 = table
                .iter()
                .filter(|((a, _), _)| a == *l)
                .map(|(_, c)| c)
                .sum();
            let pb: u64 = table
                .iter()
                .filter(|((_, b), _)| b == *l)
                .map(|(_, c)| c)
                .sum();
            (pa as f64 / n) * (pb as f64 / n)
        })
        .sum();
    if expected >= 1.0 {
        return None;
    }
    Some((agree - expected) / (1.0 - expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 10.0, 30.0]),
            vec![1.5, 3.0, 1.5, 4.0]
        );
    }

    #[test]
    fn perfect_and_undefined() {
        let (rho, p) = spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]).expect("rho");
        assert_eq!((rho, p), (1.0, 0.0));
        assert!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_none());
        assert_eq!(cohen_kappa(&[(1, 1), (0, 0)]), Some(1.0));
        assert_eq!(cohen_kappa(&[(1, 1), (1, 1)]), None);
    }
}

//! Distribution-drift statistics between a reference and a current sample, exactly as
//! Evidently 0.7 computes them (`evidently/legacy/calculations/stattests/`), on the
//! scipy / numpy functions Evidently calls.
//!
//! Counts-based methods take two count vectors over the same keys (categories, distinct
//! numeric values, or histogram bins) and the two sample sizes:
//!
//! | method | formula | Evidently | drift when |
//! |---|---|---|---|
//! | `psi` | `Σ (r − c)·ln(r / c)` on filled percents | `_psi` | `>= 0.1` |
//! | `kl_div` | `scipy.stats.entropy(r, c)` = `Σ r'·ln(r'/c')`, `r'`, `c'` normalized filled percents | `_kl_div` | `>= 0.1` |
//! | `jensenshannon` | `scipy.spatial.distance.jensenshannon(r, c)` = `sqrt((KL(r‖m) + KL(c‖m))/2)`, `m = (r + c)/2`, natural log, no filling | `_jensenshannon` | `>= 0.1` |
//! | `hellinger` (categorical) | `sqrt(1 − clip(Σ sqrt(r·c), 0, 1))` on `count / n` | `_hellinger_distance` | `>= 0.1` |
//! | `chisquare` | `scipy.stats.chisquare(c_counts, r_counts·n_c/n_r)`: `Σ (o − e)²/e`, `p = chi2.sf(stat, k − 1)` | `_chi_stat_test` | `p < 0.05` |
//! | `z` | pooled two-proportion z of "first sorted key" vs the rest, `p = 2·(1 − Φ(|z|))` | `_z_stat_test` | `p < 0.05` |
//! | `tvd` | `½·Σ |r/n_r − c/n_c|`; p-value: share of 1000 label permutations whose TVD is `>=` it | `_tvd_stattest` | `p < 0.1` |
//!
//! "Filled" percents (Evidently `get_binned_data(..., feel_zeroes=True)`): in each vector
//! separately, zeros become `min_nonzero / 10⁶` when `min_nonzero <= 0.0001`, else
//! `0.0001`.
//!
//! Numeric methods take sorted samples: `ks` (see [`super::ks`]), `wasserstein`
//! (`scipy.stats.wasserstein_distance(r, c) / max(std(r), 0.001)`, population std, drift
//! when `>= 0.1`) and `hellinger` on numbers (densities over Sturges bins of the distinct
//! values, `sqrt(1 − clip(Σ sqrt(h_r·h_c)·w, 0, 1))`).
//!
//! Reference values: `scripts/reference/s7p3_reference.py` runs Evidently's own functions
//! on the same data; `tests/drift_reference.rs` holds these to 1e-9 relative.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use super::binning;
use super::rng::Xoshiro256;

/// Evidently's empty-bin fill of one percent vector (`feel_zeroes`).
fn fill_zeros(p: &mut [f64]) {
    let min_nonzero = p
        .iter()
        .copied()
        .filter(|x| *x != 0.0)
        .fold(f64::INFINITY, f64::min);
    if !min_nonzero.is_finite() {
        return;
    }
    let fill = if min_nonzero <= 0.0001 {
        min_nonzero / 1e6
    } else {
        0.0001
    };
    for x in p.iter_mut().filter(|x| **x == 0.0) {
        *x = fill;
    }
}

fn percents(counts: &[u64], n: u64) -> Vec<f64> {
    counts.iter().map(|c| *c as f64 / n as f64).collect()
}

/// Population stability index on counts over shared keys (Evidently `_psi`).
pub fn psi(reference: &[u64], n_ref: u64, current: &[u64], n_cur: u64) -> f64 {
    let mut r = percents(reference, n_ref);
    let mut c = percents(current, n_cur);
    fill_zeros(&mut r);
    fill_zeros(&mut c);
    r.iter().zip(&c).map(|(r, c)| (r - c) * (r / c).ln()).sum()
}

/// `rel_entr(x, y)` = `x·ln(x/y)` (0 for `x = 0`, ∞ for `y = 0 < x`), scipy.special.
fn rel_entr(x: f64, y: f64) -> f64 {
    if x > 0.0 && y > 0.0 {
        x * (x / y).ln()
    } else if x == 0.0 && y >= 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// Kullback–Leibler divergence `KL(r‖c)` of filled, normalized percents (Evidently
/// `_kl_div`: `scipy.stats.entropy`).
pub fn kl_div(reference: &[u64], n_ref: u64, current: &[u64], n_cur: u64) -> f64 {
    let mut r = percents(reference, n_ref);
    let mut c = percents(current, n_cur);
    fill_zeros(&mut r);
    fill_zeros(&mut c);
    let (sr, sc): (f64, f64) = (r.iter().sum(), c.iter().sum());
    r.iter()
        .zip(&c)
        .map(|(r, c)| rel_entr(r / sr, c / sc))
        .sum()
}

/// Jensen–Shannon distance (natural log) of the percents (Evidently `_jensenshannon`:
/// `scipy.spatial.distance.jensenshannon`).
pub fn jensenshannon(reference: &[u64], n_ref: u64, current: &[u64], n_cur: u64) -> f64 {
    let r = percents(reference, n_ref);
    let c = percents(current, n_cur);
    let (sr, sc): (f64, f64) = (r.iter().sum(), c.iter().sum());
    let (mut left, mut right) = (0.0, 0.0);
    for (r, c) in r.iter().zip(&c) {
        let (p, q) = (r / sr, c / sc);
        let m = (p + q) / 2.0;
        left += rel_entr(p, m);
        right += rel_entr(q, m);
    }
    ((left + right) / 2.0).sqrt()
}

/// Hellinger distance of two categorical distributions (Evidently `_hellinger_distance`).
pub fn hellinger_counts(reference: &[u64], n_ref: u64, current: &[u64], n_cur: u64) -> f64 {
    let s: f64 = reference
        .iter()
        .zip(current)
        .map(|(r, c)| ((*r as f64 / n_ref as f64) * (*c as f64 / n_cur as f64)).sqrt())
        .sum();
    (1.0 - s.clamp(0.0, 1.0)).sqrt()
}

/// Hellinger distance of two numeric samples (Evidently `_hellinger_distance` on a
/// numerical column): densities over Sturges edges of the distinct values of both.
/// `distinct` is the sorted union of distinct values; `integer` the numpy integer dtype.
pub fn hellinger_numeric(
    reference: &[f64],
    current: &[f64],
    distinct: &[f64],
    integer: bool,
) -> f64 {
    let (Some(min), Some(max)) = (distinct.first(), distinct.last()) else {
        return f64::NAN;
    };
    let edges = binning::sturges_edges(*min, *max, distinct.len(), integer);
    let density = |sorted: &[f64]| -> Vec<f64> {
        let counts = binning::histogram(sorted, &edges);
        let total: u64 = counts.iter().sum();
        counts
            .iter()
            .zip(edges.windows(2))
            .map(|(c, w)| *c as f64 / (w[1] - w[0]) / total as f64)
            .collect()
    };
    let (h1, h2) = (density(reference), density(current));
    let first = edges.iter().copied().fold(f64::INFINITY, f64::min);
    let last = edges.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let bin_width = (last - first) / (edges.len() - 1) as f64;
    let mut s = 0.0;
    for (p1, p2) in h1.iter().zip(&h2) {
        s += (p1 * p2).sqrt() * bin_width;
    }
    (1.0 - s.clamp(0.0, 1.0)).sqrt()
}

/// Pearson's chi-square test of the current counts against the reference proportions
/// scaled to the current size (Evidently `_chi_stat_test`); `(statistic, p)`. With a single
/// key scipy's p-value is NaN (0 degrees of freedom), which Evidently reads as no drift;
/// here it is 1.
pub fn chisquare(reference: &[u64], n_ref: u64, current: &[u64], n_cur: u64) -> (f64, f64) {
    let k_norm = n_cur as f64 / n_ref as f64;
    let stat: f64 = reference
        .iter()
        .zip(current)
        .map(|(r, c)| {
            let e = *r as f64 * k_norm;
            let d = *c as f64 - e;
            d * d / e
        })
        .sum();
    let dof = reference.len().saturating_sub(1);
    if dof == 0 {
        return (stat, 1.0);
    }
    let p = if stat.is_infinite() {
        0.0
    } else {
        match ChiSquared::new(dof as f64) {
            Ok(d) => d.sf(stat),
            Err(_) => f64::NAN,
        }
    };
    (stat, p)
}

/// Two-proportion z-test of the first key against all others, pooled variance, two-sided
/// `p = 2·(1 − Φ(|z|))` as Evidently writes it (`_z_stat_test`). Keys must be in sorted
/// order; both samples with the same single value give `p = 1`.
pub fn z_test(reference: &[u64], n_ref: u64, current: &[u64], n_cur: u64) -> f64 {
    let present = |v: &[u64]| v.iter().filter(|c| **c > 0).count();
    if present(reference) == 1
        && present(current) == 1
        && reference.iter().position(|c| *c > 0) == current.iter().position(|c| *c > 0)
    {
        return 1.0;
    }
    // indicator: 0 for the first key, 1 for the others
    let first = |v: &[u64]| v.first().copied().unwrap_or(0);
    let (n1, n2) = (n_ref as f64, n_cur as f64);
    let p1 = (n_ref - first(reference)) as f64 / n1;
    let p2 = (n_cur - first(current)) as f64 / n2;
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    let z = (p1 - p2) / (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let phi = Normal::standard().cdf(z.abs());
    2.0 * (1.0 - phi)
}

/// Total variation distance `½·Σ |r/n_r − c/n_c|` (Evidently `_total_variation_distance`).
pub fn tvd(reference: &[u64], n_ref: u64, current: &[u64], n_cur: u64) -> f64 {
    0.5 * reference
        .iter()
        .zip(current)
        .map(|(r, c)| (*r as f64 / n_ref as f64 - *c as f64 / n_cur as f64).abs())
        .sum::<f64>()
}

/// Evidently's TVD permutation p-value: the share of `iterations` random relabellings of
/// the pooled records (reference size kept) whose TVD is at least the observed one. A
/// relabelling's reference counts are a multivariate hypergeometric draw, sampled one key
/// at a time from govgate's seeded generator, so the p-value is reproducible; Evidently's
/// comes from numpy's generator seeded with 0, so the two agree within Monte-Carlo error.
pub fn tvd_permutation_p(
    reference: &[u64],
    n_ref: u64,
    current: &[u64],
    n_cur: u64,
    iterations: u32,
    seed: u64,
) -> f64 {
    let observed = tvd(reference, n_ref, current, n_cur);
    let pooled: Vec<u64> = reference.iter().zip(current).map(|(r, c)| r + c).collect();
    let mut rng = Xoshiro256::seed_from_u64(seed);
    let mut hits = 0u32;
    let mut r = vec![0u64; pooled.len()];
    let mut c = vec![0u64; pooled.len()];
    for _ in 0..iterations {
        let mut left_total = n_ref + n_cur;
        let mut left_draw = n_ref;
        for (i, k) in pooled.iter().enumerate() {
            let x = hypergeometric(&mut rng, left_total, *k, left_draw);
            r[i] = x;
            c[i] = k - x;
            left_total -= k;
            left_draw -= x;
        }
        if observed <= tvd(&r, n_ref, &c, n_cur) {
            hits += 1;
        }
    }
    f64::from(hits) / f64::from(iterations)
}

/// A draw of the number of successes in `draws` draws without replacement from `total`
/// items of which `successes` are successes.
fn hypergeometric(rng: &mut Xoshiro256, total: u64, successes: u64, draws: u64) -> u64 {
    if draws == 0 || successes == 0 {
        return 0;
    }
    if successes == total {
        return draws;
    }
    if draws == total {
        return successes;
    }
    super::hypergeometric::sample(rng, total, successes, draws)
}

/// Wasserstein-1 distance of two sorted samples divided by `max(std(reference), 0.001)`
/// (Evidently `_wasserstein_distance_norm`; scipy `wasserstein_distance`, numpy `std`).
pub fn wasserstein_normed(reference: &[f64], current: &[f64]) -> f64 {
    let w = wasserstein(reference, current);
    let norm = population_std(reference).max(0.001);
    w / norm
}

/// `scipy.stats.wasserstein_distance(u, v)` of two **sorted** samples: `∫|U − V|`.
pub fn wasserstein(u: &[f64], v: &[f64]) -> f64 {
    let (nu, nv) = (u.len() as f64, v.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut total = 0.0;
    let mut prev: Option<f64> = None;
    // walk the pooled sorted values; between consecutive pooled values the CDFs are flat
    loop {
        let next = match (u.get(i), v.get(j)) {
            (Some(a), Some(b)) => a.min(*b),
            (Some(a), None) => *a,
            (None, Some(b)) => *b,
            (None, None) => break,
        };
        if let Some(p) = prev {
            let du = i as f64 / nu;
            let dv = j as f64 / nv;
            total += (du - dv).abs() * (next - p);
        }
        while i < u.len() && u[i] <= next {
            i += 1;
        }
        while j < v.len() && v[j] <= next {
            j += 1;
        }
        prev = Some(next);
    }
    total
}

/// Population standard deviation (numpy `std`, `ddof=0`).
pub fn population_std(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt()
}

/// The drift methods, by their Evidently names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Ks,
    ChiSquare,
    Z,
    Psi,
    KlDiv,
    JensenShannon,
    Hellinger,
    Wasserstein,
    Tvd,
}

/// How a method's value is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// A p-value: drift when `p <= threshold` (Evidently's `ks`).
    PAtMost,
    /// A p-value: drift when `p < threshold`.
    PBelow,
    /// A distance: drift when `value >= threshold`.
    AtLeast,
}

impl Operator {
    pub fn drifted(self, value: f64, threshold: f64) -> bool {
        match self {
            Operator::PAtMost => value <= threshold,
            Operator::PBelow => value < threshold,
            Operator::AtLeast => value >= threshold,
        }
    }

    /// The comparison that means drift, as the outcome states it (`psi 0.23 >= 0.1`).
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::PAtMost => "<=",
            Operator::PBelow => "<",
            Operator::AtLeast => ">=",
        }
    }

    /// The comparison that means no drift.
    pub fn negated(self) -> &'static str {
        match self {
            Operator::PAtMost => ">",
            Operator::PBelow => ">=",
            Operator::AtLeast => "<",
        }
    }
}

impl Method {
    pub const ALL: [Method; 9] = [
        Method::Ks,
        Method::ChiSquare,
        Method::Z,
        Method::Psi,
        Method::KlDiv,
        Method::JensenShannon,
        Method::Hellinger,
        Method::Wasserstein,
        Method::Tvd,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Method::Ks => "ks",
            Method::ChiSquare => "chisquare",
            Method::Z => "z",
            Method::Psi => "psi",
            Method::KlDiv => "kl_div",
            Method::JensenShannon => "jensenshannon",
            Method::Hellinger => "hellinger",
            Method::Wasserstein => "wasserstein",
            Method::Tvd => "tvd",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == s)
    }

    /// Evidently's default threshold.
    pub fn default_threshold(self) -> f64 {
        match self {
            Method::Ks | Method::ChiSquare | Method::Z => 0.05,
            _ => 0.1,
        }
    }

    pub fn operator(self) -> Operator {
        match self {
            Method::Ks => Operator::PAtMost,
            Method::ChiSquare | Method::Z | Method::Tvd => Operator::PBelow,
            _ => Operator::AtLeast,
        }
    }

    /// Whether the value is a p-value (else a distance).
    pub fn is_p_value(self) -> bool {
        !matches!(self.operator(), Operator::AtLeast)
    }

    /// Methods that need every raw value (not counts or bins).
    pub fn needs_values(self) -> bool {
        matches!(self, Method::Ks | Method::Wasserstein)
    }
}

/// A key of a count table: a distinct number or a category. Numbers sort numerically,
/// text by code point, numbers before text.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Num(f64),
    Text(String),
}

impl Key {
    pub fn label(&self) -> String {
        match self {
            Key::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
            Key::Num(x) => format!("{x:?}"),
            Key::Text(s) => s.clone(),
        }
    }

    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (Key::Num(_), Key::Text(_)) => std::cmp::Ordering::Less,
            (Key::Text(_), Key::Num(_)) => std::cmp::Ordering::Greater,
        }
    }
}

/// One side of a field, as the drift methods see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    /// Raw numbers, sorted; `integer` when every value was an integer (numpy's int64).
    Values { sorted: Vec<f64>, integer: bool },
    /// Counts of distinct values (categories, or numbers from a pre-aggregated input),
    /// keys sorted.
    Counts { keys: Vec<Key>, counts: Vec<u64> },
    /// A pre-aggregated numeric histogram.
    Histogram { edges: Vec<f64>, counts: Vec<u64> },
}

impl Sample {
    pub fn len(&self) -> u64 {
        match self {
            Sample::Values { sorted, .. } => sorted.len() as u64,
            Sample::Counts { counts, .. } | Sample::Histogram { counts, .. } => counts.iter().sum(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the field is numeric (values, a histogram, or counts of numbers).
    pub fn is_numeric(&self) -> bool {
        match self {
            Sample::Values { .. } | Sample::Histogram { .. } => true,
            Sample::Counts { keys, .. } => keys.iter().all(|k| matches!(k, Key::Num(_))),
        }
    }
}

/// Distinct values of a sorted slice, with counts.
fn distinct_counts(sorted: &[f64]) -> Vec<(f64, u64)> {
    let mut out: Vec<(f64, u64)> = Vec::new();
    for x in sorted {
        match out.last_mut() {
            Some((v, c)) if *v == *x => *c += 1,
            _ => out.push((*x, 1)),
        }
    }
    out
}

fn distinct_len(sorted: &[f64]) -> usize {
    let mut n = 0;
    let mut last: Option<f64> = None;
    for x in sorted {
        if last != Some(*x) {
            n += 1;
            last = Some(*x);
        }
    }
    n
}

/// The number of distinct values of both sides together (pandas `nunique` of the concat).
pub fn union_distinct(reference: &Sample, current: &Sample) -> Option<usize> {
    match (reference, current) {
        (Sample::Values { sorted: a, .. }, Sample::Values { sorted: b, .. }) => {
            let mut all: Vec<f64> = Vec::with_capacity(a.len() + b.len());
            merge_sorted(a, b, &mut all);
            Some(distinct_len(&all))
        }
        (Sample::Counts { keys: a, .. }, Sample::Counts { keys: b, .. }) => {
            Some(union_keys(a, b).len())
        }
        _ => None,
    }
}

fn merge_sorted(a: &[f64], b: &[f64], out: &mut Vec<f64>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

fn union_keys(a: &[Key], b: &[Key]) -> Vec<Key> {
    let mut all: Vec<Key> = a.iter().chain(b).cloned().collect();
    all.sort_by(|x, y| x.cmp(y));
    all.dedup_by(|x, y| x.cmp(y) == std::cmp::Ordering::Equal);
    all
}

/// Evidently's default method (`registry._get_default_stattest`): with `N` the reference
/// size and `u` the distinct values of both sides, for `N <= 1000` `ks` on numbers with
/// `u > 5`, else `chisquare` (`u > 2`) or `z`; for `N > 1000` `wasserstein` on numbers with
/// `u > 5`, else `jensenshannon`.
pub fn default_method(n_reference: u64, distinct: usize, numeric: bool) -> Method {
    if n_reference <= 1000 {
        if numeric && distinct > 5 {
            Method::Ks
        } else if distinct > 2 {
            Method::ChiSquare
        } else {
            Method::Z
        }
    } else if numeric && distinct > 5 {
        Method::Wasserstein
    } else {
        Method::JensenShannon
    }
}

/// The bins a result was computed on, for reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Bins {
    Edges(Vec<f64>),
    Keys(Vec<Key>),
}

/// What one method found on one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub method: Method,
    /// The p-value or distance.
    pub value: f64,
    /// The test statistic behind a p-value (`ks` D, chi-square, z-free TVD), if any.
    pub statistic: Option<f64>,
    pub threshold: f64,
    pub drift: bool,
    /// The counts the value came from (both sides on the same bins), when binned.
    pub bins: Option<(Bins, Vec<u64>, Vec<u64>)>,
}

/// Why a method could not be computed on a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Unsupported {
    /// The method is for numbers and the field holds categories, or needs raw values and
    /// the input holds counts.
    Type(String),
}

/// The seed of the TVD permutation test (fixed: the same inputs give the same report).
pub const TVD_SEED: u64 = 0x7476_6400;
/// Evidently's number of TVD permutations.
pub const TVD_ITERATIONS: u32 = 1000;

/// Both sides' raw values, when both are raw values: (reference, current, all integers).
fn both_values<'a>(
    reference: &'a Sample,
    current: &'a Sample,
) -> Option<(&'a [f64], &'a [f64], bool)> {
    match (reference, current) {
        (
            Sample::Values {
                sorted: a,
                integer: ia,
            },
            Sample::Values {
                sorted: b,
                integer: ib,
            },
        ) => Some((a, b, *ia && *ib)),
        _ => None,
    }
}

/// The count table of both sides on shared bins, as Evidently's `get_binned_data` builds it
/// (numbers with more than 20 distinct reference values: Sturges bins over both sides;
/// otherwise one bin per distinct value), or as a pre-aggregated input gives it.
pub fn binned(
    reference: &Sample,
    current: &Sample,
) -> Result<(Bins, Vec<u64>, Vec<u64>), Unsupported> {
    if let Some((a, b, integer)) = both_values(reference, current) {
        return if distinct_len(a) > 20 {
            let min = a[0].min(b[0]);
            let max = a[a.len() - 1].max(b[b.len() - 1]);
            let edges = binning::sturges_edges(min, max, a.len() + b.len(), integer);
            let (ra, rb) = (binning::histogram(a, &edges), binning::histogram(b, &edges));
            Ok((Bins::Edges(edges), ra, rb))
        } else {
            let (da, db) = (distinct_counts(a), distinct_counts(b));
            let keys: Vec<Key> = union_keys(
                &da.iter().map(|(v, _)| Key::Num(*v)).collect::<Vec<_>>(),
                &db.iter().map(|(v, _)| Key::Num(*v)).collect::<Vec<_>>(),
            );
            let lookup = |d: &[(f64, u64)], k: &Key| match k {
                Key::Num(x) => d.iter().find(|(v, _)| v == x).map_or(0, |(_, c)| *c),
                Key::Text(_) => 0,
            };
            let ra = keys.iter().map(|k| lookup(&da, k)).collect();
            let rb = keys.iter().map(|k| lookup(&db, k)).collect();
            Ok((Bins::Keys(keys), ra, rb))
        };
    }
    match (reference, current) {
        (
            Sample::Counts {
                keys: ka,
                counts: ca,
            },
            Sample::Counts {
                keys: kb,
                counts: cb,
            },
        ) => {
            let keys = union_keys(ka, kb);
            let pick = |ks: &[Key], cs: &[u64], k: &Key| {
                ks.iter()
                    .position(|x| x.cmp(k) == std::cmp::Ordering::Equal)
                    .map_or(0, |i| cs[i])
            };
            let ra = keys.iter().map(|k| pick(ka, ca, k)).collect();
            let rb = keys.iter().map(|k| pick(kb, cb, k)).collect();
            Ok((Bins::Keys(keys), ra, rb))
        }
        (
            Sample::Histogram {
                edges: ea,
                counts: ca,
            },
            Sample::Histogram {
                edges: eb,
                counts: cb,
            },
        ) => {
            if ea != eb {
                return Err(Unsupported::Type(
                    "the reference and production histograms have different bin edges; \
                     aggregate both windows on the same edges"
                        .into(),
                ));
            }
            Ok((Bins::Edges(ea.clone()), ca.clone(), cb.clone()))
        }
        _ => Err(Unsupported::Type(
            "the reference and production inputs hold this field in different forms (raw \
             values on one side, counts or a histogram on the other)"
                .into(),
        )),
    }
}

/// Computes `method` (Evidently semantics) on one field.
pub fn compare(
    method: Method,
    reference: &Sample,
    current: &Sample,
    threshold: f64,
) -> Result<Comparison, Unsupported> {
    let (n_ref, n_cur) = (reference.len(), current.len());
    let numeric = reference.is_numeric() && current.is_numeric();
    let values = both_values(reference, current);
    let done = |value: f64, statistic: Option<f64>, bins| Comparison {
        method,
        value,
        statistic,
        threshold,
        drift: method.operator().drifted(value, threshold),
        bins,
    };
    match method {
        Method::Ks | Method::Wasserstein => {
            let Some((a, b, _)) = values else {
                return Err(Unsupported::Type(if numeric {
                    format!(
                        "{} needs every raw value; the input holds counts",
                        method.name()
                    )
                } else {
                    format!("{} is for numeric fields", method.name())
                }));
            };
            if method == Method::Ks {
                let r = super::ks::ks_2samp(a, b)
                    .ok_or_else(|| Unsupported::Type("ks needs values on both sides".into()))?;
                Ok(done(r.p_value, Some(r.statistic), None))
            } else {
                Ok(done(wasserstein_normed(a, b), None, None))
            }
        }
        Method::Hellinger => {
            if let Some((a, b, integer)) = values {
                let mut all = Vec::with_capacity(a.len() + b.len());
                merge_sorted(a, b, &mut all);
                all.dedup();
                Ok(done(hellinger_numeric(a, b, &all, integer), None, None))
            } else if numeric {
                Err(Unsupported::Type(
                    "hellinger on a numeric field needs every raw value; the input holds counts"
                        .into(),
                ))
            } else {
                let (bins, ra, rb) = binned(reference, current)?;
                let v = hellinger_counts(&ra, n_ref, &rb, n_cur);
                Ok(done(v, None, Some((bins, ra, rb))))
            }
        }
        Method::ChiSquare | Method::Z | Method::Tvd => {
            // counts per distinct value (Evidently value_counts), never Sturges bins
            let (bins, ra, rb) = match values {
                Some((a, b, _)) => {
                    let (da, db) = (distinct_counts(a), distinct_counts(b));
                    let keys = union_keys(
                        &da.iter().map(|(v, _)| Key::Num(*v)).collect::<Vec<_>>(),
                        &db.iter().map(|(v, _)| Key::Num(*v)).collect::<Vec<_>>(),
                    );
                    let get = |d: &[(f64, u64)], k: &Key| match k {
                        Key::Num(x) => d.iter().find(|(v, _)| v == x).map_or(0, |(_, c)| *c),
                        Key::Text(_) => 0,
                    };
                    let ra: Vec<u64> = keys.iter().map(|k| get(&da, k)).collect();
                    let rb: Vec<u64> = keys.iter().map(|k| get(&db, k)).collect();
                    (Bins::Keys(keys), ra, rb)
                }
                None => match (reference, current) {
                    (Sample::Histogram { .. }, _) | (_, Sample::Histogram { .. }) => {
                        return Err(Unsupported::Type(format!(
                            "{} counts distinct values; a binned histogram has none",
                            method.name()
                        )));
                    }
                    _ => binned(reference, current)?,
                },
            };
            match method {
                Method::ChiSquare => {
                    let (stat, p) = chisquare(&ra, n_ref, &rb, n_cur);
                    Ok(done(p, Some(stat), Some((bins, ra, rb))))
                }
                Method::Z => {
                    let p = z_test(&ra, n_ref, &rb, n_cur);
                    Ok(done(p, None, Some((bins, ra, rb))))
                }
                _ => {
                    let d = tvd(&ra, n_ref, &rb, n_cur);
                    let p = tvd_permutation_p(&ra, n_ref, &rb, n_cur, TVD_ITERATIONS, TVD_SEED);
                    Ok(done(p, Some(d), Some((bins, ra, rb))))
                }
            }
        }
        Method::Psi | Method::KlDiv | Method::JensenShannon => {
            let (bins, ra, rb) = binned(reference, current)?;
            let v = match method {
                Method::Psi => psi(&ra, n_ref, &rb, n_cur),
                Method::KlDiv => kl_div(&ra, n_ref, &rb, n_cur),
                _ => jensenshannon(&ra, n_ref, &rb, n_cur),
            };
            Ok(done(v, None, Some((bins, ra, rb))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        v
    }

    proptest! {
        #[test]
        fn distances_are_bounded_and_vanish_on_identical_counts(
            counts in proptest::collection::vec((0u64..50, 0u64..50), 1..12)
        ) {
            let r: Vec<u64> = counts.iter().map(|c| c.0 + 1).collect();
            let c: Vec<u64> = counts.iter().map(|c| c.1 + 1).collect();
            let (nr, nc) = (r.iter().sum(), c.iter().sum());
            let js = jensenshannon(&r, nr, &c, nc);
            prop_assert!((0.0..=std::f64::consts::LN_2.sqrt() + 1e-12).contains(&js));
            prop_assert!(psi(&r, nr, &c, nc) >= -1e-12);
            prop_assert!(kl_div(&r, nr, &c, nc) >= -1e-12);
            let t = tvd(&r, nr, &c, nc);
            prop_assert!((0.0..=1.0 + 1e-12).contains(&t));
            let h = hellinger_counts(&r, nr, &c, nc);
            prop_assert!((0.0..=1.0).contains(&h));
            prop_assert!(jensenshannon(&r, nr, &r, nr).abs() < 1e-7);
            prop_assert!(psi(&r, nr, &r, nr).abs() < 1e-12);
            let (_, p) = chisquare(&r, nr, &c, nc);
            prop_assert!((0.0..=1.0).contains(&p));
            let z = z_test(&r, nr, &c, nc);
            prop_assert!((0.0..=1.0).contains(&z));
        }

        #[test]
        fn ks_and_wasserstein_are_symmetric_and_bounded(
            a in proptest::collection::vec(-50i32..50, 1..60),
            b in proptest::collection::vec(-50i32..50, 1..60),
        ) {
            let a = sorted(a.into_iter().map(f64::from).collect());
            let b = sorted(b.into_iter().map(f64::from).collect());
            let ab = super::super::ks::ks_2samp(&a, &b).expect("ks");
            let ba = super::super::ks::ks_2samp(&b, &a).expect("ks");
            prop_assert_eq!(ab.statistic, ba.statistic);
            prop_assert!((0.0..=1.0).contains(&ab.p_value));
            prop_assert!((ab.p_value - ba.p_value).abs() <= 1e-12);
            let w = wasserstein(&a, &b);
            prop_assert!(w >= 0.0);
            prop_assert!((w - wasserstein(&b, &a)).abs() <= 1e-9 * w.max(1.0));
            prop_assert_eq!(wasserstein(&a, &a), 0.0);
        }

        #[test]
        fn binning_counts_every_value_once(
            a in proptest::collection::vec(-1e6f64..1e6, 22..80),
            b in proptest::collection::vec(-1e6f64..1e6, 1..80),
        ) {
            let (a, b) = (sorted(a), sorted(b));
            let ra = Sample::Values { sorted: a.clone(), integer: false };
            let rb = Sample::Values { sorted: b.clone(), integer: false };
            let (_, ca, cb) = binned(&ra, &rb).expect("binned");
            prop_assert_eq!(ca.iter().sum::<u64>(), a.len() as u64);
            prop_assert_eq!(cb.iter().sum::<u64>(), b.len() as u64);
        }
    }

    #[test]
    fn tvd_permutation_p_is_one_on_identical_windows_and_small_on_disjoint_ones() {
        let r = [50, 50, 0];
        assert_eq!(tvd_permutation_p(&r, 100, &r, 100, 200, TVD_SEED), 1.0);
        let c = [0, 0, 100];
        assert_eq!(tvd_permutation_p(&r, 100, &c, 100, 200, TVD_SEED), 0.0);
    }
}

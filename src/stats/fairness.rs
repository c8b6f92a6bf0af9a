//! Group fairness metrics, as fairlearn and Aequitas define them.
//!
//! Per group: the rate compared (the mean of a score, or the selection rate
//! `P(ŷ = positive)`, fairlearn `selection_rate`), and with labels the true positive rate
//! `P(ŷ = pos | y = pos)` and false positive rate `P(ŷ = pos | y ≠ pos)`. Across groups:
//!
//! * demographic-parity difference `max_g r_g − min_g r_g` — fairlearn
//!   `demographic_parity_difference(method="between_groups")` (for a score:
//!   `MetricFrame(...).difference()`);
//! * demographic-parity ratio `min_g r_g / max_g r_g` — fairlearn
//!   `demographic_parity_ratio`; the four-fifths rule is `ratio ≥ 0.8`. With every rate 0
//!   the ratio is 1 (no group is selected more than another; fairlearn returns NaN there);
//! * equalized-odds difference `max(TPR_max − TPR_min, FPR_max − FPR_min)` — fairlearn
//!   `equalized_odds_difference(agg="worst_case")`; groups with no positive (negative) labels
//!   have no TPR (FPR) and are left out of that term;
//! * Aequitas disparity of a group `r_g / r_ref` against the reference group (the largest,
//!   Aequitas' default `majority`): `0/0 = 1`, `x/0` capped at 10; fair when
//!   `τ ≤ disparity ≤ 1/τ` (τ = 0.8).

use std::collections::BTreeMap;

/// Counts of one group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub n: u64,
    /// Sum of scores, or number of positive predictions.
    pub sum: f64,
    /// Records whose label is positive / not positive.
    pub label_pos: u64,
    pub label_neg: u64,
    /// Positive predictions among label-positive / label-negative records.
    pub true_pos: u64,
    pub false_pos: u64,
}

impl Tally {
    /// Adds a score (score mode).
    pub fn add_score(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
    }

    /// Adds a prediction, and a label when there is one (selection mode).
    pub fn add_prediction(&mut self, selected: bool, label_positive: Option<bool>) {
        self.n += 1;
        if selected {
            self.sum += 1.0;
        }
        match label_positive {
            Some(true) => {
                self.label_pos += 1;
                self.true_pos += u64::from(selected);
            }
            Some(false) => {
                self.label_neg += 1;
                self.false_pos += u64::from(selected);
            }
            None => {}
        }
    }

    /// The group's rate: mean score or selection rate.
    pub fn rate(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }

    /// True positive rate, `None` without label-positive records.
    pub fn tpr(&self) -> Option<f64> {
        (self.label_pos > 0).then(|| self.true_pos as f64 / self.label_pos as f64)
    }

    /// False positive rate, `None` without label-negative records.
    pub fn fpr(&self) -> Option<f64> {
        (self.label_neg > 0).then(|| self.false_pos as f64 / self.label_neg as f64)
    }
}

fn extremes(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, x| match acc {
        None => Some((x, x)),
        Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
    })
}

/// `max − min` (fairlearn `between_groups` difference); `None` for no values.
pub fn difference(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    extremes(values).map(|(lo, hi)| hi - lo)
}

/// `min / max` (fairlearn `between_groups` ratio), 1 when every value is 0; `None` for no
/// values.
pub fn ratio(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    extremes(values).map(|(lo, hi)| if hi == 0.0 { 1.0 } else { lo / hi })
}

/// `max(TPR difference, FPR difference)` over the groups where each is defined (fairlearn
/// `equalized_odds_difference`, worst case); `None` when neither is defined for two groups.
pub fn equalized_odds_difference(groups: &BTreeMap<String, Tally>) -> Option<f64> {
    let tprs: Vec<f64> = groups.values().filter_map(Tally::tpr).collect();
    let fprs: Vec<f64> = groups.values().filter_map(Tally::fpr).collect();
    let t = (tprs.len() >= 2).then(|| difference(tprs)).flatten();
    let f = (fprs.len() >= 2).then(|| difference(fprs)).flatten();
    match (t, f) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Aequitas disparity `rate / reference`: `0/0 = 1`, `x/0` capped at 10.
pub fn disparity(rate: f64, reference: f64) -> f64 {
    if reference == 0.0 {
        if rate == 0.0 { 1.0 } else { 10.0 }
    } else {
        (rate / reference).min(10.0)
    }
}

/// The reference group: the largest (Aequitas `majority`), the first by name on ties.
pub fn reference_group(groups: &BTreeMap<String, Tally>) -> Option<&str> {
    groups
        .iter()
        .max_by(|a, b| a.1.n.cmp(&b.1.n).then_with(|| b.0.cmp(a.0)))
        .map(|(g, _)| g.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (selected, label positive) per record.
    type Records<'a> = &'a [(bool, Option<bool>)];

    fn groups(rows: &[(&str, Records<'_>)]) -> BTreeMap<String, Tally> {
        rows.iter()
            .map(|(g, recs)| {
                let mut t = Tally::default();
                for (s, l) in *recs {
                    t.add_prediction(*s, *l);
                }
                (g.to_string(), t)
            })
            .collect()
    }

    #[test]
    fn rates_and_gaps() {
        let g = groups(&[
            (
                "a",
                &[
                    (true, Some(true)),
                    (true, Some(false)),
                    (false, Some(true)),
                    (false, Some(false)),
                ],
            ),
            (
                "b",
                &[
                    (true, Some(true)),
                    (false, Some(false)),
                    (false, Some(false)),
                    (false, Some(true)),
                ],
            ),
        ]);
        assert_eq!(g["a"].rate(), 0.5);
        assert_eq!(g["b"].rate(), 0.25);
        assert_eq!(difference(g.values().map(Tally::rate)), Some(0.25));
        assert_eq!(ratio(g.values().map(Tally::rate)), Some(0.5));
        // TPR: a 1/2, b 1/2; FPR: a 1/2, b 0/2
        assert_eq!(equalized_odds_difference(&g), Some(0.5));
        assert_eq!(reference_group(&g), Some("a")); // tie on n: first by name
    }

    #[test]
    fn conventions_at_zero() {
        assert_eq!(ratio([0.0, 0.0]), Some(1.0));
        assert_eq!(disparity(0.0, 0.0), 1.0);
        assert_eq!(disparity(0.3, 0.0), 10.0);
        assert_eq!(disparity(0.3, 0.6), 0.5);
        assert_eq!(difference(std::iter::empty()), None);
    }

    proptest! {
        #[test]
        fn bounded_and_order_free(rates in proptest::collection::vec(0.0f64..1.0, 1..8)) {
            let d = difference(rates.iter().copied()).expect("values");
            let r = ratio(rates.iter().copied()).expect("values");
            prop_assert!((0.0..=1.0).contains(&d));
            prop_assert!((0.0..=1.0).contains(&r));
            let mut rev = rates.clone();
            rev.reverse();
            prop_assert_eq!(Some(d), difference(rev.iter().copied()));
            prop_assert_eq!(Some(r), ratio(rev));
        }
    }
}

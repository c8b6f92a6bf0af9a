//! Confidence-based performance estimation (CBPE) of a binary classifier without labels, as
//! NannyML 0.13 computes it (`performance_estimation/confidence_based/metrics.py`,
//! `sampling_error/binary_classification.py`).
//!
//! With each record's calibrated probability `p` of the positive class and its predicted
//! class, the expected confusion matrix is `TP = Σ_{ŷ=1} p`, `FP = Σ_{ŷ=1} (1 − p)`,
//! `FN = Σ_{ŷ=0} p`, `TN = Σ_{ŷ=0} (1 − p)`, and
//!
//! * accuracy `(TP + TN)/n`; precision `TP/(TP + FP)`; recall `TP/(TP + FN)`;
//!   F1 `TP/(TP + (FP + FN)/2)` — 0 where the denominator is 0, as NannyML.
//!
//! The sampling error of a chunk of `n` records comes from the labelled reference:
//! `σ/√(n·f)`, with `σ` the standard deviation (ddof 0) of an observation-level version of the
//! metric and `f` the share of records it is defined on — accuracy: each record's correctness,
//! `f = 1`; precision: 1 per true and 0 per false positive, `f` the share predicted positive;
//! recall: 1 per true positive and 0 per false negative, `f` the share actually positive; F1:
//! 1 per TP and 0 per FN and FP, scaled by `len/(TP + (FN + FP)/2)`, `f` their share. NannyML's
//! band is the estimate ± 3 sampling errors, clipped to [0, 1].

/// One of the metrics CBPE estimates for binary outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Accuracy,
    Precision,
    Recall,
    F1,
}

impl Metric {
    pub const ALL: [(&'static str, Metric); 4] = [
        ("accuracy", Metric::Accuracy),
        ("precision", Metric::Precision),
        ("recall", Metric::Recall),
        ("f1", Metric::F1),
    ];

    pub fn name(self) -> &'static str {
        Metric::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("?", |(n, _)| n)
    }
}

/// NannyML's band: this many sampling errors either side.
pub const SAMPLING_ERROR_RANGE: f64 = 3.0;

/// An expected (or, with 0/1 probabilities, a realised) confusion matrix.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Confusion {
    pub n: u64,
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
    pub tn: f64,
}

impl Confusion {
    /// Adds a record: the probability (or the 0/1 label) that it is positive, and whether it
    /// was predicted positive.
    pub fn add(&mut self, p: f64, predicted: bool) {
        self.n += 1;
        if predicted {
            self.tp += p;
            self.fp += 1.0 - p;
        } else {
            self.fn_ += p;
            self.tn += 1.0 - p;
        }
    }

    /// The metric from the matrix; 0 where its denominator is 0 (NaN without records).
    pub fn metric(&self, m: Metric) -> f64 {
        let ratio = |num: f64, den: f64| if den != 0.0 { num / den } else { 0.0 };
        match m {
            Metric::Accuracy if self.n == 0 => f64::NAN,
            Metric::Accuracy => (self.tp + self.tn) / self.n as f64,
            Metric::Precision => ratio(self.tp, self.tp + self.fp),
            Metric::Recall => ratio(self.tp, self.tp + self.fn_),
            Metric::F1 => ratio(self.tp, self.tp + 0.5 * (self.fp + self.fn_)),
        }
    }
}

/// The reference's sampling-error components `(σ, f)` of a metric from its labelled records
/// `(actual, predicted)`; `None` when the metric has no observation there (no positive
/// prediction for precision, say), which NannyML reports as NaN.
pub fn sampling_components(reference: &[(bool, bool)], m: Metric) -> Option<(f64, f64)> {
    let n = reference.len();
    if n == 0 {
        return None;
    }
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut right = 0usize;
    let mut actual_pos = 0usize;
    let mut predicted_pos = 0usize;
    for &(y, yhat) in reference {
        right += usize::from(y == yhat);
        actual_pos += usize::from(y);
        predicted_pos += usize::from(yhat);
        match (y, yhat) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => {}
        }
    }
    // the standard deviation (ddof 0) of `ones` values of `one` and `zeros` of 0
    let sd = |ones: usize, zeros: usize, one: f64| -> Option<f64> {
        let k = ones + zeros;
        if k == 0 {
            return None;
        }
        let mean = ones as f64 * one / k as f64;
        let var = (ones as f64 * (one - mean).powi(2) + zeros as f64 * mean * mean) / k as f64;
        Some(var.sqrt())
    };
    let nf = n as f64;
    match m {
        Metric::Accuracy => Some((sd(right, n - right, 1.0)?, 1.0)),
        Metric::Precision => Some((sd(tp, fp, 1.0)?, predicted_pos as f64 / nf)),
        Metric::Recall => Some((sd(tp, fn_, 1.0)?, actual_pos as f64 / nf)),
        Metric::F1 => {
            let k = tp + fp + fn_;
            if k == 0 {
                return None;
            }
            let factor = k as f64 / ((fn_ + fp) as f64 * 0.5 + tp as f64);
            Some((sd(tp, fp + fn_, factor)?, k as f64 / nf))
        }
    }
}

/// The sampling error of a chunk of `n` records: `σ/√(n·f)`.
pub fn sampling_error((sd, fraction): (f64, f64), n: u64) -> f64 {
    sd / (n as f64 * fraction).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_as_probabilities_give_the_realised_metrics() {
        // actual, predicted: TP 3, FP 1, FN 2, TN 4
        let rows = [
            (true, true),
            (true, true),
            (true, true),
            (false, true),
            (true, false),
            (true, false),
            (false, false),
            (false, false),
            (false, false),
            (false, false),
        ];
        let mut c = Confusion::default();
        for (y, yhat) in rows {
            c.add(f64::from(u8::from(y)), yhat);
        }
        assert_eq!(c.metric(Metric::Accuracy), 0.7);
        assert_eq!(c.metric(Metric::Precision), 0.75);
        assert_eq!(c.metric(Metric::Recall), 0.6);
        assert!((c.metric(Metric::F1) - 6.0 / 9.0).abs() < 1e-15);
        assert_eq!(Confusion::default().metric(Metric::Precision), 0.0);
        assert!(Confusion::default().metric(Metric::Accuracy).is_nan());
        // accuracy's σ: the sd of 7 ones and 3 zeros
        let (sd, f) = sampling_components(&rows, Metric::Accuracy).expect("components");
        assert!((sd - (0.21f64).sqrt()).abs() < 1e-15 && f == 1.0);
        assert!((sampling_error((sd, f), 100) - sd / 10.0).abs() < 1e-15);
        assert!(sampling_components(&[(true, false)], Metric::Precision).is_none());
    }
}

//! Isotonic regression (non-decreasing), as scikit-learn's `IsotonicRegression(increasing=True,
//! out_of_bounds="clip")` fits and predicts it — the calibrator NannyML's CBPE uses by default.
//!
//! Fit: the points sorted by `x`; equal `x` merged into one point, its `y` the mean (weight the
//! count); the pool-adjacent-violators algorithm (Ayer et al. 1955) on the weighted means gives
//! the non-decreasing fit of least squares. Predict: linear interpolation between the fitted
//! points (`numpy.interp`), `x` outside the fitted range clipped to its ends.

/// A fitted isotonic function.
#[derive(Debug, Clone, PartialEq)]
pub struct Isotonic {
    xs: Vec<f64>,
    ys: Vec<f64>,
}

impl Isotonic {
    /// Fits `(x, y)` points. `None` without points or with a value that is not finite.
    pub fn fit(points: &[(f64, f64)]) -> Option<Isotonic> {
        if points.is_empty()
            || points
                .iter()
                .any(|(x, y)| !(x.is_finite() && y.is_finite()))
        {
            return None;
        }
        let mut sorted = points.to_vec();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        // unique x: (x, sum of y, weight)
        let mut xs: Vec<f64> = Vec::new();
        let mut sums: Vec<f64> = Vec::new();
        let mut weights: Vec<f64> = Vec::new();
        for (x, y) in sorted {
            if xs.last() == Some(&x) {
                if let (Some(s), Some(w)) = (sums.last_mut(), weights.last_mut()) {
                    *s += y;
                    *w += 1.0;
                }
            } else {
                xs.push(x);
                sums.push(y);
                weights.push(1.0);
            }
        }
        // pool adjacent violators: blocks of (mean, weight, how many unique x)
        let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(xs.len());
        for (s, w) in sums.iter().zip(&weights) {
            let mut cur = (s / w, *w, 1usize);
            while let Some(&(m, bw, k)) = blocks.last() {
                if m <= cur.0 {
                    break;
                }
                blocks.pop();
                let tw = bw + cur.1;
                cur = ((m * bw + cur.0 * cur.1) / tw, tw, k + cur.2);
            }
            blocks.push(cur);
        }
        let ys: Vec<f64> = blocks
            .iter()
            .flat_map(|&(m, _, k)| std::iter::repeat_n(m, k))
            .collect();
        Some(Isotonic { xs, ys })
    }

    /// The fitted function at `x` (clipped to the fitted range; `NaN` stays `NaN`).
    pub fn predict(&self, x: f64) -> f64 {
        let n = self.xs.len();
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= self.xs[0] {
            return self.ys[0];
        }
        if x >= self.xs[n - 1] {
            return self.ys[n - 1];
        }
        // the first fitted x above `x`; `x` lies in [xs[i-1], xs[i])
        let i = self.xs.partition_point(|v| *v <= x);
        let (x0, x1, y0, y1) = (self.xs[i - 1], self.xs[i], self.ys[i - 1], self.ys[i]);
        y0 + (x - x0) * (y1 - y0) / (x1 - x0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violators_are_pooled_and_ties_merged() {
        // y = 1, 3, 2 at x = 1, 2, 3: the last two pool to 2.5
        let f = Isotonic::fit(&[(1.0, 1.0), (2.0, 3.0), (3.0, 2.0)]).expect("fit");
        assert_eq!(f.predict(1.0), 1.0);
        assert_eq!(f.predict(2.0), 2.5);
        assert_eq!(f.predict(3.0), 2.5);
        assert_eq!(f.predict(1.5), 1.75);
        assert_eq!(f.predict(0.0), 1.0);
        assert_eq!(f.predict(9.0), 2.5);
        // two points at one x are one point of their mean
        let g = Isotonic::fit(&[(0.5, 0.0), (0.5, 1.0), (0.9, 1.0)]).expect("fit");
        assert_eq!(g.predict(0.5), 0.5);
        assert_eq!(g.predict(0.7), 0.75);
        assert!(Isotonic::fit(&[]).is_none());
        assert!(Isotonic::fit(&[(f64::NAN, 1.0)]).is_none());
    }

    #[test]
    fn the_fit_never_decreases() {
        let pts: Vec<(f64, f64)> = (0..200)
            .map(|i| {
                (
                    (i * 37 % 101) as f64 / 100.0,
                    ((i * 53) % 7 == 0) as u8 as f64,
                )
            })
            .collect();
        let f = Isotonic::fit(&pts).expect("fit");
        let mut last = f64::NEG_INFINITY;
        for k in 0..=100 {
            let v = f.predict(k as f64 / 100.0);
            assert!(v >= last - 1e-15, "{k}: {v} < {last}");
            last = v;
        }
    }
}

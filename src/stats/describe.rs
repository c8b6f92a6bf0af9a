//! Means, variances and standard errors.

/// Arithmetic mean with Neumaier-compensated summation; `NaN` for no values.
pub fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut sum = 0.0f64;
    let mut comp = 0.0f64;
    let mut n = 0u64;
    for x in values {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            comp += (sum - t) + x;
        } else {
            comp += (x - t) + sum;
        }
        sum = t;
        n += 1;
    }
    if n == 0 {
        f64::NAN
    } else {
        (sum + comp) / n as f64
    }
}

/// Sample variance with Bessel's correction, `Σ(xᵢ − x̄)² / (n − 1)` (numpy `var(ddof=1)`);
/// `None` for fewer than two values.
pub fn sample_variance(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values.iter().copied());
    let ss = mean(values.iter().map(|x| (x - m) * (x - m))) * values.len() as f64;
    Some(ss / (values.len() - 1) as f64)
}

/// Standard error of the mean, `s / √n` with `s` the Bessel-corrected standard deviation —
/// lm-eval's `mean_stderr` (`lm_eval/api/metrics.py`), Miller 2024's SE_CLT.
pub fn stderr_of_mean(values: &[f64]) -> Option<f64> {
    sample_variance(values).map(|v| (v / values.len() as f64).sqrt())
}

/// Streaming mean and variance (Welford 1962): one pass, constant memory, for records read
/// one at a time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Running {
    pub n: u64,
    mean: f64,
    m2: f64,
}

impl Running {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// The mean; `NaN` with no values.
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }

    /// The sample variance (ddof = 1); `None` below two values.
    pub fn variance(&self) -> Option<f64> {
        (self.n >= 2).then(|| self.m2 / (self.n - 1) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cases() {
        assert_eq!(mean([1.0, 2.0, 3.0]), 2.0);
        assert!(mean(std::iter::empty()).is_nan());
        assert_eq!(sample_variance(&[1.0, 2.0, 3.0, 4.0]), Some(5.0 / 3.0));
        assert_eq!(sample_variance(&[1.0]), None);
        let se = stderr_of_mean(&[0.0, 1.0, 1.0, 0.0]).expect("se");
        assert!((se - (1.0f64 / 3.0 / 4.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn compensated_sum_keeps_small_terms() {
        let xs = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(mean(xs), 0.5);
    }

    #[test]
    fn running_matches_two_pass() {
        let xs = [3.1, 2.9, 3.3, 3.0, 2.5, 1e3, -7.25];
        let mut r = Running::default();
        xs.iter().for_each(|x| r.push(*x));
        assert_eq!(r.n, 7);
        assert!((r.mean() - mean(xs)).abs() < 1e-12);
        let v = sample_variance(&xs).expect("var");
        assert!((r.variance().expect("var") - v).abs() < 1e-9 * v);
        assert!(Running::default().mean().is_nan());
    }
}

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

    /// From a count, mean and sample variance (a summary an engine computed: `count`,
    /// `avg`, `var_samp`); the variance is ignored below two values.
    pub fn from_moments(n: u64, mean: f64, variance: f64) -> Running {
        Running {
            n,
            mean: if n == 0 { 0.0 } else { mean },
            m2: if n >= 2 {
                variance * (n - 1) as f64
            } else {
                0.0
            },
        }
    }

    /// Both parts together (Chan, Golub and LeVeque 1979):
    /// `M2 = M2_a + M2_b + δ²·n_a·n_b/n`, `δ = mean_b − mean_a`.
    pub fn merged(&self, o: &Running) -> Running {
        if self.n == 0 {
            return *o;
        }
        if o.n == 0 {
            return *self;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = na + nb;
        let d = o.mean - self.mean;
        Running {
            n: self.n + o.n,
            mean: self.mean + d * nb / n,
            m2: self.m2 + o.m2 + d * d * na * nb / n,
        }
    }
}

/// Streaming means, variances and covariance of pairs `(x, y)` (Welford's update for
/// co-moments), mergeable across groups (Chan, Golub and LeVeque 1979): the per-arm sums a
/// CUPED adjustment needs, in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Comoments {
    pub n: u64,
    mean_x: f64,
    mean_y: f64,
    m2_x: f64,
    m2_y: f64,
    c_xy: f64,
}

impl Comoments {
    pub fn push(&mut self, x: f64, y: f64) {
        self.n += 1;
        let n = self.n as f64;
        let dx = x - self.mean_x;
        self.mean_x += dx / n;
        let dy = y - self.mean_y;
        self.mean_y += dy / n;
        self.m2_x += dx * (x - self.mean_x);
        self.m2_y += dy * (y - self.mean_y);
        self.c_xy += dx * (y - self.mean_y);
    }

    /// From a summary: count, means, sample variances and sample covariance (an engine's
    /// `avg`, `var_samp`, `covar_samp`); the second moments are ignored below two pairs.
    pub fn from_moments(
        n: u64,
        (mean_x, mean_y): (f64, f64),
        (var_x, var_y, cov_xy): (f64, f64, f64),
    ) -> Comoments {
        let d = if n >= 2 { (n - 1) as f64 } else { 0.0 };
        let scaled = |v: f64| if n >= 2 { v * d } else { 0.0 };
        Comoments {
            n,
            mean_x: if n == 0 { 0.0 } else { mean_x },
            mean_y: if n == 0 { 0.0 } else { mean_y },
            m2_x: scaled(var_x),
            m2_y: scaled(var_y),
            c_xy: scaled(cov_xy),
        }
    }

    /// Both groups' pairs together.
    pub fn merged(&self, o: &Comoments) -> Comoments {
        if self.n == 0 {
            return *o;
        }
        if o.n == 0 {
            return *self;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = na + nb;
        let (dx, dy) = (o.mean_x - self.mean_x, o.mean_y - self.mean_y);
        Comoments {
            n: self.n + o.n,
            mean_x: self.mean_x + dx * nb / n,
            mean_y: self.mean_y + dy * nb / n,
            m2_x: self.m2_x + o.m2_x + dx * dx * na * nb / n,
            m2_y: self.m2_y + o.m2_y + dy * dy * na * nb / n,
            c_xy: self.c_xy + o.c_xy + dx * dy * na * nb / n,
        }
    }

    pub fn mean_x(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean_x }
    }

    pub fn mean_y(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean_y }
    }

    /// Sample variances and covariance (ddof = 1) `(var x, var y, cov xy)`; `None` below
    /// two pairs.
    pub fn covariance(&self) -> Option<(f64, f64, f64)> {
        let d = self.n.checked_sub(1).filter(|d| *d > 0)? as f64;
        Some((self.m2_x / d, self.m2_y / d, self.c_xy / d))
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
    fn running_parts_merge_to_the_whole() {
        let xs = [3.1, 2.9, 3.3, 3.0, 2.5, 1e3, -7.25, 0.0, 11.5];
        let mut whole = Running::default();
        xs.iter().for_each(|x| whole.push(*x));
        for cut in 0..=xs.len() {
            let (mut a, mut b) = (Running::default(), Running::default());
            xs[..cut].iter().for_each(|x| a.push(*x));
            xs[cut..].iter().for_each(|x| b.push(*x));
            // through moments, as a summary document carries them
            let a = Running::from_moments(a.n, a.mean(), a.variance().unwrap_or(f64::NAN));
            let m = a.merged(&b);
            assert_eq!(m.n, whole.n);
            assert!((m.mean() - whole.mean()).abs() <= 1e-13 * whole.mean().abs());
            let (v, w) = (m.variance().expect("v"), whole.variance().expect("w"));
            assert!((v - w).abs() <= 1e-12 * w, "{cut}: {v} {w}");
        }
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

    #[test]
    fn comoments_match_two_pass_and_merge() {
        let xs = [3.1, 2.9, 3.3, 3.0, 2.5, 1e3, -7.25, 0.5];
        let ys = [1.0, 0.0, 2.0, 1.5, 0.5, 400.0, -2.0, 0.0];
        let (mx, my) = (mean(xs), mean(ys));
        let d = (xs.len() - 1) as f64;
        let cov = xs
            .iter()
            .zip(&ys)
            .map(|(x, y)| (x - mx) * (y - my))
            .sum::<f64>()
            / d;
        let mut all = Comoments::default();
        let (mut a, mut b) = (Comoments::default(), Comoments::default());
        for (i, (x, y)) in xs.iter().zip(&ys).enumerate() {
            all.push(*x, *y);
            if i % 3 == 0 {
                a.push(*x, *y)
            } else {
                b.push(*x, *y)
            }
        }
        for m in [all, a.merged(&b), b.merged(&a)] {
            let (vx, vy, c) = m.covariance().expect("n >= 2");
            assert!((vx - sample_variance(&xs).expect("v")).abs() < 1e-9 * vx);
            assert!((vy - sample_variance(&ys).expect("v")).abs() < 1e-9 * vy);
            assert!((c - cov).abs() < 1e-9 * cov.abs());
            assert!((m.mean_x() - mx).abs() < 1e-12 && (m.mean_y() - my).abs() < 1e-12);
        }
        assert_eq!(Comoments::default().merged(&a), a);
        assert!(Comoments::default().covariance().is_none());
    }
}

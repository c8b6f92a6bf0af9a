//! The two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(a, b)`
//! (`method="auto"`) computes it — Evidently's `ks` drift method.
//!
//! * Statistic `D = max_x |F_a(x) − F_b(x)|` over the pooled sample (scipy: `searchsorted`
//!   CDFs; ties need no special case).
//! * `max(n_a, n_b) <= 10000`: the **exact** p-value. With `g = gcd`, `h = round(D·lcm)`:
//!   equal sizes by the alternating binomial sum of `_compute_prob_outside_square`;
//!   otherwise the lattice-path recursion of `_compute_outer_prob_inside_method` (Hodges
//!   1958; Viehmann 2021, arXiv:2102.08037). A recursion that overflows falls back to the
//!   asymptotic p-value, as scipy does.
//! * Larger samples: `kstwo.sf(D, round(n_a·n_b/(n_a+n_b)))`, the distribution of the
//!   one-sample statistic `D_n`, by the algorithm scipy's `_kolmogn` takes from Simard &
//!   L'Ecuyer (2011): Ruben–Gambino at the ends, the Durbin matrix (Marsaglia, Tsang & Wang
//!   2003), Pomeranz (1974), Pelz–Good (1976), and `2·smirnov(n, x)` (the one-sided
//!   Birnbaum–Tingey sum of cephes' `smirnov`, here with a scaled mantissa/exponent instead
//!   of double-double arithmetic).
//!
//! Reference values: `scripts/reference/s7p3_reference.py` (scipy 1.17), held to 1e-9
//! relative in `tests/drift_reference.rs`.

/// The outcome of a two-sample KS test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KsResult {
    /// `D`; for the exact method rounded to `h / lcm(n_a, n_b)` as scipy reports it.
    pub statistic: f64,
    pub p_value: f64,
    /// Whether the exact distribution was used.
    pub exact: bool,
}

/// scipy's `MAX_AUTO_N`: above it `method="auto"` is asymptotic.
const MAX_AUTO_N: usize = 10_000;

/// Two-sided KS test of two **sorted**, non-empty samples; `None` when either is empty.
pub fn ks_2samp(a: &[f64], b: &[f64]) -> Option<KsResult> {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let d = statistic(a, b);
    if n1.max(n2) <= MAX_AUTO_N {
        let g = gcd(n1 as u64, n2 as u64);
        let lcm = (n1 as u64 / g) * n2 as u64;
        let h = (d * lcm as f64).round_ties_even() as u64;
        let d_exact = h as f64 / lcm as f64;
        if h == 0 {
            return Some(KsResult {
                statistic: d_exact,
                p_value: 1.0,
                exact: true,
            });
        }
        let p = if n1 == n2 {
            prob_outside_square(n1 as u64, h)
        } else {
            outer_prob_inside(n1 as u64, n2 as u64, g, h)
        };
        if p.is_finite() && (0.0..=1.0).contains(&p) {
            return Some(KsResult {
                statistic: d_exact,
                p_value: p,
                exact: true,
            });
        }
        // scipy: "Exact calculation unsuccessful. Switching to method=asymp" with the
        // rounded statistic
        return Some(asymptotic(d_exact, n1, n2));
    }
    Some(asymptotic(d, n1, n2))
}

fn asymptotic(d: f64, n1: usize, n2: usize) -> KsResult {
    let (m, n) = if n1 >= n2 {
        (n1 as f64, n2 as f64)
    } else {
        (n2 as f64, n1 as f64)
    };
    let en = m * n / (m + n);
    let p = kstwo_sf(d, en.round_ties_even() as u64);
    KsResult {
        statistic: d,
        p_value: p.clamp(0.0, 1.0),
        exact: false,
    }
}

/// `max |F_a − F_b|` as scipy computes it: `i/n_a − j/n_b` at every pooled value, `i`, `j`
/// the counts `<=` it.
fn statistic(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let (mut max_s, mut min_s) = (f64::NEG_INFINITY, f64::INFINITY);
    while i < a.len() || j < b.len() {
        let v = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.min(*y),
            (Some(x), None) => *x,
            (None, Some(y)) => *y,
            (None, None) => break,
        };
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        let diff = i as f64 / n1 - j as f64 / n2;
        max_s = max_s.max(diff);
        min_s = min_s.min(diff);
    }
    let min_s = (-min_s).clamp(0.0, 1.0);
    if min_s > max_s { min_s } else { max_s }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// P(D_{n,n} >= h/n): `2·Σ (−1)^(k+1) C(2n, n−kh) / C(2n, n)` by scipy's Horner form.
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let mut p = 0.0;
    let mut k = (n / h) as i64;
    while k >= 0 {
        let kk = k as u64;
        let mut p1 = 1.0;
        for j in 0..h {
            // (n - k h - j) may go negative in scipy's integer arithmetic (then the factor
            // is a negative float); keep it signed
            let num = n as f64 - (kk * h) as f64 - j as f64;
            p1 = num * p1 / (n as f64 + (kk * h) as f64 + j as f64 + 1.0);
        }
        p = p1 * (1.0 - p);
        k -= 1;
    }
    2.0 * p
}

/// The proportion of lattice paths from (0,0) to (m,n) that leave the band
/// `|x/m − y/n| < h/lcm`, by scipy's 1 − p recursion over a sliding column window.
fn outer_prob_inside(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (mg, ng) = ((m / g) as i64, (n / g) as i64);
    let (m, n, h) = (m as i64, n as i64, h as i64);
    let ceil_div = |a: i64, b: i64| -> i64 { (a as f64 / b as f64).ceil() as i64 };
    let floor_div = |a: i64, b: i64| -> i64 { (a as f64 / b as f64).floor() as i64 };
    let mut minj: i64 = 0;
    let mut maxj: i64 = ceil_div(h, mg).min(n + 1);
    let mut curlen = maxj - minj;
    let len_a = (2 * maxj + 2).min(n + 1) as usize;
    let mut a = vec![1.0f64; len_a];
    for v in a.iter_mut().take(maxj as usize).skip(minj as usize) {
        *v = 0.0;
    }
    for i in 1..=m {
        let (lastminj, lastlen) = (minj, curlen);
        minj = (floor_div(ng * i - h, mg) + 1).max(0).min(n);
        maxj = ceil_div(ng * i + h, mg).min(n + 1);
        if maxj <= minj {
            return 1.0;
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        for jj in 0..(maxj - minj) {
            let j = jj + minj;
            let idx = (jj + minj - lastminj) as usize;
            val = (a[idx] * i as f64 + val * j as f64) / (i + j) as f64;
            a[jj as usize] = val;
        }
        curlen = maxj - minj;
        if lastlen > curlen {
            let from = (maxj - minj) as usize;
            let to = (from + (lastlen - curlen) as usize).min(a.len());
            for v in &mut a[from..to] {
                *v = 1.0;
            }
        }
    }
    a[(maxj - minj - 1) as usize]
}

const E128: i32 = 128;
/// 2^128 and 2^-128, scipy's `_EP128`, `_EM128`.
const EP128: f64 = 3.402_823_669_209_385e38;
const EM128: f64 = 2.938_735_877_055_719e-39;

/// `kstwo.sf(x, n)` = P(D_n > x), scipy `_kolmogn(n, x, cdf=False)`.
pub fn kstwo_sf(x: f64, n: u64) -> f64 {
    if x.is_nan() || n == 0 {
        return f64::NAN;
    }
    let nf = n as f64;
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let t = nf * x;
    if t <= 1.0 {
        if t <= 0.5 {
            return 1.0;
        }
        let prob = if n <= 140 {
            let mut p = 1.0;
            for i in 1..=n {
                p *= i as f64 * (1.0 / nf) * (2.0 * t - 1.0);
            }
            p
        } else {
            (log_nfactorial_div_n_pow_n(nf) + nf * (2.0 * t - 1.0).ln()).exp()
        };
        return clip(1.0 - prob);
    }
    if t >= nf - 1.0 {
        return clip(2.0 * (1.0 - x).powf(nf));
    }
    if x >= 0.5 {
        return clip(2.0 * smirnov(n, x));
    }
    let nxsquared = t * x;
    if n <= 140 {
        if nxsquared <= 0.754693 {
            return clip(1.0 - durbin_matrix_cdf(n, x));
        }
        if nxsquared <= 4.0 {
            return clip(1.0 - pomeranz_cdf(n, x));
        }
        return clip(2.0 * smirnov(n, x));
    }
    if nxsquared >= 370.0 {
        return 0.0;
    }
    if nxsquared >= 2.2 {
        return clip(2.0 * smirnov(n, x));
    }
    let cdf = if n <= 100_000 && nf * x.powf(1.5) <= 1.4 {
        durbin_matrix_cdf(n, x)
    } else {
        pelz_good_cdf(n, x)
    };
    clip(1.0 - cdf)
}

fn clip(p: f64) -> f64 {
    p.clamp(0.0, 1.0)
}

/// log(n! / n^n) by Stirling's series (scipy `_log_nfactorial_div_n_pow_n`).
fn log_nfactorial_div_n_pow_n(n: f64) -> f64 {
    // scipy's literals (B_2j / (2j (2j − 1))), kept as written
    #[allow(clippy::excessive_precision)]
    const STIRLING: [f64; 8] = [
        -2.955_065_359_477_124_2e-2,
        6.410_256_410_256_410_3e-3,
        -1.917_526_917_526_917_5e-3,
        8.417_508_417_508_417_5e-4,
        -5.952_380_952_380_952_4e-4,
        7.936_507_936_507_936_5e-4,
        -2.777_777_777_777_777_8e-3,
        8.333_333_333_333_333_3e-2,
    ];
    let rn = 1.0 / n;
    let x = rn / n;
    let mut poly = 0.0;
    for c in STIRLING {
        poly = poly * x + c;
    }
    n.ln() / 2.0 - n + (2.0 * std::f64::consts::PI).ln() / 2.0 + rn * poly
}

/// Pr(D_n <= d) by Durbin's matrix, Marsaglia–Tsang–Wang (scipy `_kolmogn_DMTW`).
fn durbin_matrix_cdf(n: u64, d: f64) -> f64 {
    if d >= 1.0 {
        return 1.0;
    }
    let nd = n as f64 * d;
    if nd <= 0.5 {
        return 0.0;
    }
    let k = nd.ceil() as usize;
    let h = k as f64 - nd;
    let m = 2 * k - 1;
    let mut hm = vec![0.0f64; m * m];
    let idx = |r: usize, c: usize| r * m + c;
    let mut v: Vec<f64> = (1..=m).map(|i| 1.0 - h.powi(i as i32)).collect();
    let mut w = vec![0.0f64; m];
    let mut fac = 1.0f64;
    for j in 1..=m {
        w[j - 1] = fac;
        fac /= j as f64;
        v[j - 1] *= fac;
    }
    let tt = (2.0 * h - 1.0).max(0.0).powi(m as i32) - 2.0 * h.powi(m as i32);
    v[m - 1] = (1.0 + tt) * fac;
    for i in 1..m {
        for (r, wv) in ((i - 1)..m).zip(w.iter()) {
            hm[idx(r, i)] = *wv;
        }
    }
    for r in 0..m {
        hm[idx(r, 0)] = v[r];
    }
    for c in 0..m {
        hm[idx(m - 1, c)] = v[m - 1 - c];
    }
    let mut pwr = vec![0.0f64; m * m];
    for i in 0..m {
        pwr[idx(i, i)] = 1.0;
    }
    let matmul = |a: &[f64], b: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0f64; m * m];
        for r in 0..m {
            for kk in 0..m {
                let av = a[r * m + kk];
                if av == 0.0 {
                    continue;
                }
                for c in 0..m {
                    out[r * m + c] += av * b[kk * m + c];
                }
            }
        }
        out
    };
    let (mut nn, mut expnt, mut hexpnt) = (n, 0i32, 0i32);
    while nn > 0 {
        if nn % 2 == 1 {
            pwr = matmul(&pwr, &hm);
            expnt += hexpnt;
        }
        hm = matmul(&hm, &hm);
        hexpnt *= 2;
        if hm[idx(k - 1, k - 1)].abs() > EP128 {
            for x in &mut hm {
                *x /= EP128;
            }
            hexpnt += E128;
        }
        nn /= 2;
    }
    let mut p = pwr[idx(k - 1, k - 1)];
    let nf = n as f64;
    for i in 1..=n {
        p = i as f64 * p / nf;
        if p.abs() < EM128 {
            p *= EP128;
            expnt -= E128;
        }
    }
    if expnt != 0 {
        p = ldexp(p, expnt);
    }
    clip(p)
}

fn ldexp(x: f64, e: i32) -> f64 {
    // split to stay within the exponent range of 2^e
    let mut x = x;
    let mut e = e;
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

/// Row endpoints of Pomeranz's recursion (scipy `_pomeranz_compute_j1j2`).
fn pomeranz_j1j2(i: i64, n: i64, ll: i64, ceilf: i64, roundf: i64) -> (i64, i64) {
    let (j1, j2) = if i == 0 {
        (-ll - ceilf - 1, ll + ceilf - 1)
    } else {
        let (ip1div2, ip1mod2) = ((i + 1) / 2, (i + 1) % 2);
        if ip1mod2 == 0 {
            if ip1div2 == n + 1 {
                (n - ll - ceilf - 1, n + ll + ceilf - 1)
            } else {
                (ip1div2 - 1 - ll - roundf - 1, ip1div2 + ll - 1 + ceilf - 1)
            }
        } else {
            (ip1div2 - 1 - ll - 1, ip1div2 + ll + roundf - 1)
        }
    };
    ((j1 + 2).max(0), j2.min(n))
}

/// Pr(D_n <= x) by Pomeranz's recursion (scipy `_kolmogn_Pomeranz`).
fn pomeranz_cdf(n: u64, x: f64) -> f64 {
    let nf = n as f64;
    let ni = n as i64;
    let t = nf * x;
    let ll = t.floor() as i64;
    let f = t - ll as f64;
    let g = f.min(1.0 - f);
    let ceilf = i64::from(f > 0.0);
    let roundf = i64::from(f > 0.5);
    let npwrs = (2 * (ll + 1)) as usize;
    let mut gpower = vec![0.0f64; npwrs];
    let mut twogpower = vec![0.0f64; npwrs];
    let mut onem2gpower = vec![0.0f64; npwrs];
    gpower[0] = 1.0;
    twogpower[0] = 1.0;
    onem2gpower[0] = 1.0;
    let mut expnt: i32 = 0;
    let (g_over_n, two_g_over_n, one_minus_two_g_over_n) =
        (g / nf, 2.0 * g / nf, (1.0 - 2.0 * g) / nf);
    for m in 1..npwrs {
        gpower[m] = gpower[m - 1] * g_over_n / m as f64;
        twogpower[m] = twogpower[m - 1] * two_g_over_n / m as f64;
        onem2gpower[m] = onem2gpower[m - 1] * one_minus_two_g_over_n / m as f64;
    }
    let mut v0 = vec![0.0f64; npwrs];
    let mut v1 = vec![0.0f64; npwrs];
    v1[0] = 1.0;
    let (mut v0s, mut v1s) = (0i64, 0i64);
    let (mut j1, mut _j2) = pomeranz_j1j2(0, ni, ll, ceilf, roundf);
    for i in 1..(2 * ni + 2) {
        let k1 = j1;
        std::mem::swap(&mut v0, &mut v1);
        std::mem::swap(&mut v0s, &mut v1s);
        v1.iter_mut().for_each(|x| *x = 0.0);
        let (nj1, nj2) = pomeranz_j1j2(i, ni, ll, ceilf, roundf);
        j1 = nj1;
        _j2 = nj2;
        let pwrs = if i == 1 || i == 2 * ni + 1 {
            &gpower
        } else if i % 2 == 1 {
            &twogpower
        } else {
            &onem2gpower
        };
        let ln2 = nj2 - k1 + 1;
        if ln2 > 0 {
            let ln2u = ln2 as usize;
            let start = (k1 - v0s) as usize;
            // np.convolve(V0[start:start+ln2], pwrs[:ln2]) (full convolution)
            let a = &v0[start..(start + ln2u).min(v0.len())];
            let b = &pwrs[..ln2u.min(pwrs.len())];
            let mut conv = vec![0.0f64; a.len() + b.len() - 1];
            for (ia, av) in a.iter().enumerate() {
                for (ib, bv) in b.iter().enumerate() {
                    conv[ia + ib] += av * bv;
                }
            }
            let conv_start = (nj1 - k1) as usize;
            let conv_len = (nj2 - nj1 + 1) as usize;
            v1[..conv_len].copy_from_slice(&conv[conv_start..conv_start + conv_len]);
            let max = v1.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if 0.0 < max && max < EM128 {
                v1.iter_mut().for_each(|x| *x *= EP128);
                expnt -= E128;
            }
            v1s = v0s + nj1 - k1;
        }
    }
    let mut ans = v1[(ni - v1s) as usize];
    for m in 1..=n {
        if ans.abs() > EP128 {
            ans *= EM128;
            expnt += E128;
        }
        ans *= m as f64;
    }
    if expnt != 0 {
        ans = ldexp(ans, expnt);
    }
    clip(ans)
}

/// Pr(D_n <= x) by the Pelz–Good approximation (scipy `_kolmogn_PelzGood`).
fn pelz_good_cdf(n: u64, x: f64) -> f64 {
    use std::f64::consts::PI;
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let nf = n as f64;
    let z = nf.sqrt() * x;
    let (z2, z3, z4, z6) = (z * z, z.powi(3), z.powi(4), z.powi(6));
    let pi2 = PI * PI;
    let pi4 = pi2 * pi2;
    let pi6 = pi4 * pi2;
    let qlog = -pi2 / 8.0 / z2;
    if qlog < -708.0 {
        return 0.0;
    }
    let q = qlog.exp();
    let (k1a, k1b) = (-z2, pi2 / 4.0);
    let k2a = 6.0 * z6 + 2.0 * z4;
    let k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0;
    let k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
    let k3d = pi6 * (5.0 - 30.0 * z2) / 64.0;
    let k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
    let k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0;
    let k3a = -30.0 * z6 - 90.0 * z.powi(8);
    let mut k = [0.0f64; 4];
    let maxk = (16.0 * z / PI).ceil() as i64;
    for kk in (1..=maxk).rev() {
        let m = (2 * kk - 1) as f64;
        let (m2, m4, m6) = (m * m, m.powi(4), m.powi(6));
        let qpower = q.powf((8 * kk) as f64);
        let coeffs = [
            1.0,
            k1a + k1b * m2,
            k2a + k2b * m2 + k2c * m4,
            k3a + k3b * m2 + k3c * m4 + k3d * m6,
        ];
        for (kv, c) in k.iter_mut().zip(coeffs) {
            *kv = *kv * qpower + c;
        }
    }
    let sqrt2pi = (2.0 * PI).sqrt();
    let denom = [z, 6.0 * z4, 72.0 * z.powi(7), 6480.0 * z.powi(10)];
    for (kv, d) in k.iter_mut().zip(denom) {
        *kv = *kv * q * sqrt2pi / d;
    }
    let q2 = (-pi2 / 2.0 / z2).exp();
    let sqrt3z = 3f64.sqrt() * z;
    let (mut k2extra, mut k3extra) = (0.0, 0.0);
    for kk in (1..=maxk).rev() {
        let ks = kk as f64;
        let ksq = ks * ks;
        let qp = q2.powf(ksq);
        let kspi = PI * ks;
        k2extra += ksq * qp;
        k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
    }
    k[2] += k2extra * (pi2 * sqrt2pi / (-36.0 * z3));
    k[3] += k3extra * (pi2 * sqrt2pi / (216.0 * z6));
    for (i, kv) in k.iter_mut().enumerate() {
        *kv /= nf.powf(i as f64 / 2.0);
    }
    k.iter().sum()
}

/// One-sided `smirnov(n, x)` = P(D_n⁺ > x), cephes' algorithm (scipy.special.smirnov).
pub fn smirnov(n: u64, x: f64) -> f64 {
    if !(0.0..=1.0).contains(&x) || n == 0 {
        return f64::NAN;
    }
    if n == 1 {
        return 1.0 - x;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x == 1.0 {
        return 0.0;
    }
    let ni = n as i64;
    let nf = n as f64;
    // floor(n·x) and its remainder, from the exact product
    let nx_hi = nf * x;
    let nx_lo = nf.mul_add(x, -nx_hi);
    let mut nxfl = nx_hi.floor();
    let mut alpha = (nx_hi - nxfl) + nx_lo;
    if alpha < 0.0 {
        nxfl -= 1.0;
        alpha += 1.0;
    }
    if alpha >= 1.0 {
        nxfl += 1.0;
        alpha -= 1.0;
    }
    let nxfl = nxfl as i64;
    let mut n1mxfl = ni - nxfl - i64::from(alpha != 0.0);
    let mut n1mxceil = ni - nxfl;
    if alpha == 0.0 {
        n1mxfl -= 1;
        n1mxceil += 1;
    }
    // x <= 1/n
    if nxfl == 0 || (nxfl == 1 && alpha == 0.0) {
        let t = (1.0 + x).powf(nf - 1.0);
        let cdf = x * t;
        return clip(1.0 - cdf);
    }
    // cephes MINLOG
    if -2.0 * nf * x * x < -7.083_964_185_322_641e2 {
        return 0.0;
    }
    if nxfl >= ni - 1 {
        return clip((1.0 - x).powf(nf));
    }
    if n > 1_000_000 {
        let logp = -(6.0 * nf * x + 1.0).powi(2) / 18.0 / nf;
        // p ~ e^(-(6nx+1)^2 / 18n); cephes takes sf = 1 − cdf, cdf = −expm1(log p), when
        // p >= 1/2
        return clip(if logp < -std::f64::consts::LN_2 {
            logp.exp()
        } else {
            1.0 - (-logp.exp_m1())
        });
    }
    let n_upper_terms = ni - n1mxceil + 1;
    let use_upper =
        (n_upper_terms <= 1 && x < 0.5) || (ni >= 10 && n_upper_terms <= 3 && x <= 0.5 / nf.sqrt());
    let (start, step, n_terms) = if use_upper {
        (ni, -1i64, ni - n1mxceil + 1)
    } else {
        (0, 1, n1mxfl + 1)
    };
    let vmid = ni / 2;
    // binomial C(n, j) as mantissa · 2^exponent
    let (mut cman, mut cexp) = (1.0f64, 0i32);
    let first = if use_upper {
        (1.0 + x).powf(nf - 1.0)
    } else {
        // (1 − x)^n / x, scaled: it underflows for large n
        let l = nf * (-x).ln_1p() / std::f64::consts::LN_2 - x.log2();
        let e = l.floor();
        ldexp((l - e).exp2(), e as i32)
    };
    let mut sum = first;
    update_binomial(&mut cman, &mut cexp, ni, 0);
    for j in 1..n_terms {
        let v = start + j * step;
        let aj = term(ni, v, nx_hi, nx_lo, cman, cexp);
        if aj.is_finite() && aj != 0.0 {
            sum += aj;
        }
        if aj != 0.0 {
            if 4.0 * (n_terms - j) as f64 * aj.abs() < f64::EPSILON * sum && j != n_terms - 1 {
                break;
            }
        } else if j > vmid {
            break;
        }
        update_binomial(&mut cman, &mut cexp, ni, j);
    }
    let prob = x * sum;
    if step < 0 {
        clip(1.0 - prob)
    } else {
        clip(prob)
    }
}

/// C(n, j+1) from C(n, j): multiply by (n−j)/(j+1), keeping the mantissa in [0.5, 1).
fn update_binomial(man: &mut f64, expo: &mut i32, n: i64, j: i64) {
    let m = *man * ((n - j) as f64 / (j as f64 + 1.0));
    let (f, e) = frexp(m);
    *man = f;
    *expo += e;
}

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let e = x.abs().log2().floor() as i32 + 1;
    let mut f = x / 2f64.powi(e);
    let mut e = e;
    // correct the rounding of log2 at exact powers of two
    if f.abs() >= 1.0 {
        f /= 2.0;
        e += 1;
    } else if f.abs() < 0.5 {
        f *= 2.0;
        e -= 1;
    }
    (f, e)
}

/// `A_v = C(n, v)·(1 − x − v/n)^(n−v)·(x + v/n)^(v−1)`, scaled to avoid under- and
/// overflow: each power as `2^(m·log2(base))` split into mantissa and exponent.
fn term(n: i64, v: i64, nx_hi: f64, nx_lo: f64, cman: f64, cexp: i32) -> f64 {
    let nf = n as f64;
    // 1 − x − v/n = ((n − v) − n·x)/n with n·x from its exact two-part product
    let t2x = (((n - v) as f64 - nx_hi) - nx_lo) / nf;
    let t1x = ((v as f64 + nx_hi) + nx_lo) / nf;
    // beyond n(1 − x) (the upper sum) the base 1 − x − v/n is negative
    let sign = if t2x < 0.0 && (n - v) % 2 == 1 {
        -1.0
    } else {
        1.0
    };
    let l2 = (n - v) as f64 * t2x.abs().log2();
    let l1 = (v - 1) as f64 * t1x.log2();
    let total = l1 + l2;
    let e = total.floor();
    let frac = total - e;
    let mant = sign * cman * frac.exp2();
    ldexp(mant, cexp + e as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistic_with_ties_and_the_exact_small_cases() {
        // scipy.stats.ks_2samp([1, 2, 3], [1, 2, 3]) -> D 0, p 1
        let r = ks_2samp(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]).expect("result");
        assert_eq!((r.statistic, r.p_value), (0.0, 1.0));
        // disjoint samples of 3 and 3: D = 1, p = 2/C(6,3) = 0.1
        let r = ks_2samp(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).expect("result");
        assert_eq!(r.statistic, 1.0);
        assert!((r.p_value - 0.1).abs() < 1e-15);
        assert!(ks_2samp(&[], &[1.0]).is_none());
    }

    #[test]
    fn frexp_matches_c() {
        assert_eq!(frexp(1.0), (0.5, 1));
        assert_eq!(frexp(0.75), (0.75, 0));
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(-3.0), (-0.75, 2));
    }
}

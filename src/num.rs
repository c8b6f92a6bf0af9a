//! Numbers in messages and reports.
//!
//! JSON cannot carry NaN or infinities and serde_json silently writes them as `null`,
//! which would hide exactly the values a gate must flag. Reports therefore write
//! non-finite numbers as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (the tokens the
//! frameworks themselves write).

use serde::Serializer;

/// Serializes an `f64`, non-finite values as strings.
pub fn ser<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else {
        s.serialize_str(&crate::evidence::json::fmt_float(*v))
    }
}

/// Serializes an `Option<f64>`, non-finite values as strings.
pub fn ser_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => ser(x, s),
        None => s.serialize_none(),
    }
}

/// A short human rendering: four significant digits, trailing zeros trimmed, scientific
/// notation for very large or small magnitudes, `NaN` / `Infinity` spelled out.
pub fn fmt(x: f64) -> String {
    if !x.is_finite() {
        return crate::evidence::json::fmt_float(x);
    }
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&exp) {
        let s = format!("{x:.3e}");
        // 1.230e-5 -> 1.23e-5
        return match s.split_once('e') {
            Some((m, e)) => {
                let m = m.trim_end_matches('0').trim_end_matches('.');
                format!("{m}e{e}")
            }
            None => s,
        };
    }
    let decimals = (3 - exp).clamp(0, 8) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A percentage with up to two decimals: `0.0123` → `1.23%`.
pub fn pct(x: f64) -> String {
    if !x.is_finite() {
        return crate::evidence::json::fmt_float(x);
    }
    let s = format!("{:.2}", x * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// A p-value: four significant digits, `<1e-16` below double precision's reach.
pub fn p(x: f64) -> String {
    if x.is_finite() && x > 0.0 && x < 1e-16 {
        return "<1e-16".into();
    }
    fmt(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings() {
        assert_eq!(fmt(0.7916666666666666), "0.7917");
        assert_eq!(fmt(999.0), "999");
        assert_eq!(fmt(0.05), "0.05");
        assert_eq!(fmt(162.5), "162.5");
        assert_eq!(fmt(4.136982815151818), "4.137");
        assert_eq!(fmt(0.00001234), "1.234e-5");
        assert_eq!(fmt(-0.0123), "-0.0123");
        assert_eq!(fmt(1234567.0), "1.235e6");
        assert_eq!(fmt(f64::NAN), "NaN");
        assert_eq!(pct(0.0123), "1.23%");
        assert_eq!(pct(0.02), "2%");
        assert_eq!(p(1e-30), "<1e-16");
    }

    #[test]
    fn json_keeps_non_finite_values_visible() {
        #[derive(serde::Serialize)]
        struct T {
            #[serde(serialize_with = "ser")]
            a: f64,
            #[serde(serialize_with = "ser_opt")]
            b: Option<f64>,
        }
        let s = serde_json::to_string(&T {
            a: f64::NAN,
            b: Some(f64::NEG_INFINITY),
        })
        .expect("json");
        assert_eq!(s, r#"{"a":"NaN","b":"-Infinity"}"#);
    }
}

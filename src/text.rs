//! Text helpers shared by the readers and the rubric: how a categorical value is spelled
//! for comparison, and how a glob is compiled. They live below both so that `evidence/`
//! does not reach up into `rubric/`.

use globset::{GlobBuilder, GlobMatcher};

/// Normalizes a categorical value for comparison: `true`/`false` → `1`/`0`, integral
/// numbers without a fraction (`1.0` → `1`), other text as is.
pub fn normalize_category(s: &str) -> String {
    match s {
        "true" | "True" => return "1".into(),
        "false" | "False" => return "0".into(),
        _ => {}
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        _ => s.to_owned(),
    }
}

/// Compiles one glob (no path semantics: `*` matches any characters).
pub fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    GlobBuilder::new(pattern)
        .literal_separator(false)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))
}

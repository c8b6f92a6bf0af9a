//! Summary documents: the sufficient statistics of an A/B test's arms or of a feedback
//! window, computed where the records live (`scripts/warehouse/summaries.sql`, `govgate
//! rubric sql`) and read in place of the records by `ab_test` and `feedback`.
//!
//! ```json
//! {"govgate_summary": 1, "check": "ab_test",
//!  "variant": "arm", "outcome": "converted", "guardrails": ["latency_ms"], "covariate": null,
//!  "records": 20000, "no_variant": 0,
//!  "arms": {"A": {"records": 10000,
//!                 "outcome": {"n": 9990, "mean": 0.2, "variance": 0.16, "ones": 1998,
//!                             "other": 0, "not_numeric": 0},
//!                 "guardrails": {"latency_ms": {"n": 9000, "mean": 120.5, "variance": 400.1}},
//!                 "covariate": null}}}
//!
//! {"govgate_summary": 1, "check": "feedback", "timestamp": "ts", "field": "thumbs_up",
//!  "now": 1796083200, "max_age_seconds": 604800,
//!  "records": 5000, "no_timestamp": 3, "after_now": 0, "newest": 1796083200,
//!  "newest_event": 1796079600, "events_in_window": 812, "records_in_window": 4100}
//! ```
//!
//! Means and sample variances (ddof = 1) rather than sums of squares: `Σx² − (Σx)²/n`
//! loses the variance's digits when the mean is large against the spread (latencies,
//! timestamps); every engine's `var_samp` is computed stably. Times are UNIX seconds.

use std::path::Path;

use crate::error::{Error, Result};
use crate::evidence::json::Value;

use super::{FileRead, Format};

/// Count, mean and sample variance of one numeric field of one group.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    pub n: u64,
    /// `NaN` with no value.
    pub mean: f64,
    /// Sample variance (ddof = 1); `NaN` below two values.
    pub variance: f64,
}

/// An A/B outcome's moments, with what tells a 0/1 outcome.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct OutcomeMoments {
    pub moments: Moments,
    /// Outcomes equal to 1.
    pub ones: u64,
    /// Numeric outcomes other than 0 and 1.
    pub other: u64,
    /// Outcomes present but not a number or boolean.
    pub not_numeric: u64,
}

/// Means, sample variances and sample covariance of (covariate, outcome) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PairMoments {
    pub n: u64,
    pub mean_x: f64,
    pub mean_y: f64,
    pub var_x: f64,
    pub var_y: f64,
    pub cov_xy: f64,
    /// Records with a numeric outcome but no numeric covariate.
    pub without: u64,
}

/// One arm of an A/B summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArmSummary {
    pub records: u64,
    pub outcome: OutcomeMoments,
    /// In the order of the document's `guardrails`.
    pub guardrails: Vec<(String, Moments)>,
    pub covariate: Option<PairMoments>,
}

/// An `ab_test` summary document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AbSummary {
    pub variant: String,
    pub outcome: String,
    pub guardrails: Vec<String>,
    pub covariate: Option<String>,
    pub records: u64,
    pub no_variant: u64,
    /// Arm names normalised as records' categories are.
    pub arms: Vec<(String, ArmSummary)>,
}

/// A `feedback` summary document: one source's counts, with the window they were made in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedbackSummary {
    pub timestamp: String,
    pub field: Option<String>,
    /// The now the window ends at (UNIX seconds).
    pub now: f64,
    pub max_age: Option<f64>,
    pub records: u64,
    pub no_timestamp: u64,
    pub after_now: u64,
    /// The newest timestamp of any record (UNIX seconds).
    pub newest: Option<f64>,
    /// The newest event at or before now.
    pub newest_event: Option<f64>,
    pub events_in_window: u64,
    pub records_in_window: u64,
}

/// A summary document, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Summary {
    AbTest(AbSummary),
    Feedback(FeedbackSummary),
}

impl Summary {
    /// The check the document summarises for.
    pub fn check(&self) -> &'static str {
        match self {
            Summary::AbTest(_) => "ab_test",
            Summary::Feedback(_) => "feedback",
        }
    }
}

type Field<T> = std::result::Result<T, String>;

fn count(v: &Value, key: &str) -> Field<u64> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(x) => x
            .as_u64()
            .ok_or_else(|| format!("`{key}` must be a count (an integer >= 0)")),
    }
}

/// A number, or `NaN` for null / absent (a mean of nothing, a variance of one value).
fn number(v: &Value, key: &str) -> Field<f64> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(f64::NAN),
        Some(x) => x
            .as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{key}` must be a finite number or null")),
    }
}

fn text(v: &Value, key: &str) -> Field<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("`{key}` must be text"))
}

fn optional_text(v: &Value, key: &str) -> Field<Option<String>> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(x) => x
            .as_str()
            .map(|s| Some(s.to_owned()))
            .ok_or_else(|| format!("`{key}` must be text or null")),
    }
}

fn optional_number(v: &Value, key: &str) -> Field<Option<f64>> {
    let x = number(v, key)?;
    Ok((!x.is_nan()).then_some(x))
}

fn moments(v: &Value, what: &str) -> Field<Moments> {
    let m = Moments {
        n: count(v, "n")?,
        mean: number(v, "mean")?,
        variance: number(v, "variance")?,
    };
    if m.n > 0 && m.mean.is_nan() {
        return Err(format!("{what}: `mean` must be a number when `n` > 0"));
    }
    if m.n > 1 && (m.variance.is_nan() || m.variance < 0.0) {
        return Err(format!(
            "{what}: `variance` must be a number >= 0 when `n` > 1"
        ));
    }
    Ok(m)
}

fn pair_moments(v: &Value) -> Field<PairMoments> {
    let p = PairMoments {
        n: count(v, "n")?,
        mean_x: number(v, "mean_x")?,
        mean_y: number(v, "mean_y")?,
        var_x: number(v, "var_x")?,
        var_y: number(v, "var_y")?,
        cov_xy: number(v, "cov_xy")?,
        without: count(v, "without")?,
    };
    if p.n > 1
        && [p.mean_x, p.mean_y, p.var_x, p.var_y, p.cov_xy]
            .iter()
            .any(|x| x.is_nan())
    {
        return Err("covariate: means, variances and `cov_xy` must be numbers when `n` > 1".into());
    }
    Ok(p)
}

fn ab_summary(doc: &Value) -> Field<AbSummary> {
    let guardrails: Vec<String> = match doc.get("guardrails") {
        None | Some(Value::Null) => Vec::new(),
        Some(g) => g
            .as_array()
            .ok_or("`guardrails` must be an array of field names")?
            .iter()
            .map(|x| x.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or("`guardrails` must be an array of field names")?,
    };
    let mut s = AbSummary {
        variant: text(doc, "variant")?,
        outcome: text(doc, "outcome")?,
        covariate: optional_text(doc, "covariate")?,
        records: count(doc, "records")?,
        no_variant: count(doc, "no_variant")?,
        guardrails,
        arms: Vec::new(),
    };
    let arms = doc
        .get("arms")
        .and_then(Value::as_object)
        .ok_or("`arms` must map each arm to its statistics")?;
    let mut merged: std::collections::BTreeMap<String, ArmSummary> = Default::default();
    for (name, arm) in arms.iter() {
        let at = |m: String| format!("arm `{name}`: {m}");
        let o = arm
            .get("outcome")
            .ok_or_else(|| at("`outcome` is required".into()))?;
        let outcome = OutcomeMoments {
            moments: moments(o, "outcome").map_err(at)?,
            ones: count(o, "ones").map_err(at)?,
            other: count(o, "other").map_err(at)?,
            not_numeric: count(o, "not_numeric").map_err(at)?,
        };
        if outcome.ones + outcome.other > outcome.moments.n {
            return Err(at("`ones` + `other` exceed `n`".into()));
        }
        let mut guards = Vec::new();
        for g in &s.guardrails {
            let m = match arm.get("guardrails").and_then(|x| x.get(g)) {
                Some(v) => moments(v, &format!("guardrail `{g}`")).map_err(at)?,
                None => return Err(at(format!("guardrail `{g}` has no statistics"))),
            };
            guards.push((g.clone(), m));
        }
        let covariate = match (&s.covariate, arm.get("covariate")) {
            (None, _) => None,
            (Some(_), Some(v)) if !v.is_null() => Some(pair_moments(v).map_err(at)?),
            (Some(c), _) => return Err(at(format!("covariate `{c}` has no statistics"))),
        };
        let records = count(arm, "records").map_err(at)?;
        let over = |n: u64| n > records;
        if over(outcome.moments.n + outcome.not_numeric)
            || guards.iter().any(|(_, m)| over(m.n))
            || covariate
                .as_ref()
                .is_some_and(|c| c.n + c.without > outcome.moments.n)
        {
            return Err(at(
                "counts exceed the arm's `records` (or the covariate's pairs its outcomes)".into(),
            ));
        }
        let summary = ArmSummary {
            records,
            outcome,
            guardrails: guards,
            covariate,
        };
        // the arm named as records name it (`true` → `1`, `2.0` → `2`); two names of one
        // arm are one arm
        let key = crate::text::normalize_category(name);
        if merged.insert(key.clone(), summary).is_some() {
            return Err(format!(
                "arms `{key}` appear twice (as written and normalised)"
            ));
        }
    }
    s.arms = merged.into_iter().collect();
    Ok(s)
}

fn feedback_summary(doc: &Value) -> Field<FeedbackSummary> {
    let now = number(doc, "now")?;
    if now.is_nan() {
        return Err("`now` (UNIX seconds) is required".into());
    }
    let s = FeedbackSummary {
        timestamp: text(doc, "timestamp")?,
        field: optional_text(doc, "field")?,
        now,
        max_age: optional_number(doc, "max_age_seconds")?,
        records: count(doc, "records")?,
        no_timestamp: count(doc, "no_timestamp")?,
        after_now: count(doc, "after_now")?,
        newest: optional_number(doc, "newest")?,
        newest_event: optional_number(doc, "newest_event")?,
        events_in_window: count(doc, "events_in_window")?,
        records_in_window: count(doc, "records_in_window")?,
    };
    if s.events_in_window > s.records_in_window
        || s.records_in_window + s.no_timestamp + s.after_now > s.records
    {
        return Err("the window's counts exceed the records".into());
    }
    if s.newest_event.is_some_and(|t| t > s.now) {
        return Err("`newest_event` is after `now`: the window ends at now".into());
    }
    Ok(s)
}

/// Reads a summary document (small: read whole, hashed).
pub fn read_summary(path: &Path) -> Result<(Summary, FileRead)> {
    let (doc, sha256, n) = super::histograms::read_document(path, "govgate_summary")?;
    let bad = |m: String| Error::input(path, m);
    let summary = match doc.get("check").and_then(Value::as_str) {
        Some("ab_test") => Summary::AbTest(ab_summary(&doc).map_err(bad)?),
        Some("feedback") => Summary::Feedback(feedback_summary(&doc).map_err(bad)?),
        _ => {
            return Err(bad(
                "`check` must be `ab_test` or `feedback` (the check the summary is for)".into(),
            ));
        }
    };
    let records = match &summary {
        Summary::AbTest(s) => s.records,
        Summary::Feedback(s) => s.records,
    };
    Ok((
        summary,
        FileRead {
            path: path.to_path_buf(),
            format: Format::Summary,
            sha256,
            bytes: n,
            records,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Summary> {
        let dir = std::env::temp_dir().join(format!("govgate-summary-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let i = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = dir.join(format!("{i}.json"));
        std::fs::write(&p, text).expect("write");
        let out = read_summary(&p).map(|(s, _)| s);
        let _ = std::fs::remove_file(&p);
        out
    }

    #[test]
    fn an_ab_summary_reads_with_arms_normalised() {
        let s = read(
            r#"{"govgate_summary": 1, "check": "ab_test", "variant": "arm", "outcome": "y",
                "guardrails": ["lat"], "records": 7,
                "arms": {"true": {"records": 3, "outcome": {"n": 3, "mean": 0.5, "variance": 0.25,
                                  "ones": 1, "other": 1},
                                  "guardrails": {"lat": {"n": 1, "mean": 9, "variance": null}}},
                         "B": {"records": 4, "outcome": {"n": 0, "mean": null, "variance": null},
                               "guardrails": {"lat": {"n": 0}}}}}"#,
        )
        .expect("reads");
        let Summary::AbTest(a) = s else {
            panic!("ab_test")
        };
        assert_eq!(a.arms[0].0, "1");
        assert_eq!(a.arms[0].1.outcome.ones, 1);
        assert_eq!(a.arms[0].1.guardrails[0].1.mean, 9.0);
        assert!(a.arms[0].1.guardrails[0].1.variance.is_nan());
        assert_eq!(a.arms[1].0, "B");
    }

    #[test]
    fn a_summary_that_contradicts_itself_is_refused_saying_where() {
        for (text, says) in [
            (r#"{"govgate_summary": 2, "check": "ab_test"}"#, "must be 1"),
            (
                r#"{"govgate_summary": 1, "check": "drift"}"#,
                "`check` must be",
            ),
            (
                r#"{"govgate_summary": 1, "check": "ab_test", "variant": "a", "outcome": "y",
                    "arms": {"A": {"records": 1, "outcome": {"n": 2, "mean": 1, "variance": 0,
                    "ones": 2, "other": 1}}}}"#,
                "exceed `n`",
            ),
            (
                r#"{"govgate_summary": 1, "check": "ab_test", "variant": "a", "outcome": "y",
                    "arms": {"A": {"records": 1, "outcome": {"n": 3, "mean": 1}}}}"#,
                "`variance` must be",
            ),
            (
                r#"{"govgate_summary": 1, "check": "ab_test", "variant": "a", "outcome": "y",
                    "guardrails": ["g"], "arms": {"A": {"outcome": {"n": 0}}}}"#,
                "guardrail `g` has no statistics",
            ),
            (
                r#"{"govgate_summary": 1, "check": "feedback", "timestamp": "ts", "now": 10,
                    "records": 2, "events_in_window": 3, "records_in_window": 2}"#,
                "exceed the records",
            ),
            (
                r#"{"govgate_summary": 1, "check": "feedback", "timestamp": "ts", "records": 2}"#,
                "`now`",
            ),
            (
                r#"{"govgate_summary": 1, "check": "feedback", "timestamp": "ts", "now": 10,
                    "newest_event": 11, "records": 2}"#,
                "after `now`",
            ),
            (
                r#"{"govgate_summary": 1, "check": "ab_test", "variant": "a", "outcome": "y",
                    "arms": {"A": {"records": 1, "outcome": {"n": 2, "mean": 1, "variance": 0}}}}"#,
                "exceed the arm's `records`",
            ),
        ] {
            let e = read(text).expect_err(says).to_string();
            assert!(e.contains(says), "{e} / {says}");
        }
    }
}

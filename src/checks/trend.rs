//! `trend`: has how well the model does degraded over the history of evaluation runs?
//!
//! ## What it checks
//! The metric the selector names is followed across the history runs and the current runs,
//! ordered by the date each run records (lm-eval `date`, lmms-eval `date`, HELM's suite
//! date), else by the file's modification time. One series per metric (task, name,
//! variant) **and model** (name and revision or deployment): a HELM suite holding one run
//! per model is not a history, and with several models each series names its model. The
//! latest point is judged:
//!
//! * `max_drop_from_best: D` — its worsening against the best point so far (in the
//!   metric's direction) must be at most `D`;
//! * `band: { reference_runs: N, sigmas: k }` — NannyML's standard-deviation threshold: the
//!   first `N` points give `mean ± k·sd` (population sd, numpy's `std`), and the latest
//!   point must not fall outside it on the bad side (an improvement beyond the band is
//!   reported, not failed: this is a degradation gate).
//!
//! Every earlier point that crossed is listed too, so a recovered dip stays visible.
//!
//! Every point must have measured what the latest run measured ([`crate::comparability`]:
//! task version, n-shot, task hash, limit, dataset, …); a series that mixes evaluations is
//! an `error` naming the runs and what differs, unless `accept_differences` lists it.
//!
//! These are fixed rules, not tests at a significance level: a wide selector makes one
//! comparison per metric against the same bounds, and the band keeps NannyML's convention
//! (the share of points a `k`-sigma band flags by chance grows with the number of series).
//!
//! ## Why it matters
//! A model re-evaluated each week can lose a point a week with every single run "within
//! noise" of the last; a trend against the best run, or against a validated band, catches
//! the slide (EU AI Act Annex IV 9, post-market monitoring).
//!
//! ## Configuration
//! ```yaml
//! - id: no-slide
//!   level: 3
//!   trend: { metric: mmlu/acc, history: runs/, max_drop_from_best: 0.02,
//!            band: { reference_runs: 5, sigmas: 3 } }
//! ```
//!
//! ## Failure
//! A latest point past either bound fails. Fewer than two points, or a band with no point
//! after its reference runs, is `missing`; a metric of unknown direction is an `error` when the
//! selector names it exactly, and listed as not gated under a pattern (`*/*`).

use std::path::PathBuf;

use serde::Serialize;

use super::repeatability::{model_display, model_key};
use super::{Detail, Finding, Status, direction_unknown, labels, nothing_to_gate};
use crate::comparability;
use crate::error::Result;
use crate::evidence;
use crate::evidence::production::{format_time, parse_time};
use crate::model::{Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::Trend;

/// Float slack for the comparisons with bounds.
const EPS: f64 = 1e-12;

/// A series' identity: the metric's label and the model's key.
type SeriesKey = (String, String);

/// One point of a series.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// RFC 3339 (UTC) of the run's date or file time.
    pub date: Option<String>,
    /// `run` (the date the run records) or `file` (modification time).
    pub date_source: &'static str,
    pub run: PathBuf,
    #[serde(serialize_with = "crate::num::ser")]
    pub value: f64,
    /// Past a bound.
    pub crossed: bool,
}

/// The numbers behind a trend finding.
#[derive(Debug, Clone, Serialize)]
pub struct TrendDetail {
    pub series: Vec<Point>,
    pub higher_is_better: bool,
    #[serde(serialize_with = "crate::num::ser")]
    pub best: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub latest: f64,
    /// Worsening of the latest point against the best so far.
    #[serde(serialize_with = "crate::num::ser")]
    pub drop_from_best: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_drop_from_best: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub reference_runs: u64,
    pub sigmas: f64,
    pub mean: f64,
    pub sd: f64,
    pub lower: f64,
    pub upper: f64,
}

/// A run's date as UNIX seconds, and where it came from.
fn date_of(run: &Run) -> (Option<f64>, &'static str) {
    if let Some(d) = &run.provenance.date
        && let Some(t) = parse_time(d).or_else(|| lmms_date(d))
    {
        return (Some(t), "run");
    }
    let mtime = std::fs::metadata(&run.source.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs_f64());
    (mtime, "file")
}

/// lmms-eval's `YYYYMMDD_HHMMSS` (UTC).
fn lmms_date(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() != 15
        || b[8] != b'_'
        || !s[..8]
            .bytes()
            .chain(s[9..].bytes())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    parse_time(&format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15]
    ))
}

/// The findings, and the metrics the selector matched but left ungated (direction unknown).
pub fn run(t: &Trend, evidence: &Evidence) -> Result<(Vec<Finding>, Vec<String>)> {
    let own;
    let history: &[Run] = if t.history.is_empty() {
        &evidence.history
    } else {
        own = evidence::load(&t.history)?;
        &own
    };
    // history and current runs, each file once (each path resolved once: a history of
    // thousands of runs must not cost a resolution per pair)
    let mut runs: Vec<&Run> = Vec::new();
    // (a helm-summarize table holds one run per model row: a file and a run name)
    let mut seen: std::collections::HashSet<(std::path::PathBuf, Option<&str>)> =
        std::collections::HashSet::new();
    for r in history.iter().chain(&evidence.current) {
        let key = std::fs::canonicalize(&r.source.path).unwrap_or_else(|_| r.source.path.clone());
        if seen.insert((key, r.name.as_deref())) {
            runs.push(r);
        }
    }
    let expected = expected(t);
    if runs.is_empty() {
        return Ok((
            vec![Finding {
                subject: t.selector.text.clone(),
                run: None,
                baseline: None,
                status: Status::Missing,
                message: "no runs to follow: pass `--history PATH` (earlier runs) and the current \
                      run, or set `history` in the check"
                    .into(),
                observed: "no runs".into(),
                expected,
                detail: None,
            }],
            Vec::new(),
        ));
    }
    // series per metric identity and model: a suite holding one run per model is not a
    // history, and one model's runs are never judged against another's
    let mut series: Vec<(SeriesKey, Vec<(&Run, &Metric)>)> = Vec::new();
    let unknown = |m: &Metric| direction_unknown(&t.selector, t.higher_is_better, m, &runs);
    let matched: Vec<&Metric> = runs
        .iter()
        .flat_map(|r| r.metrics.iter())
        .filter(|m| t.selector.matches(m))
        .collect();
    let not_gated = labels(matched.iter().copied().filter(|m| unknown(m)));
    if !matched.is_empty() && matched.iter().all(|m| unknown(m)) {
        return Ok((
            vec![nothing_to_gate(&t.selector, &not_gated, expected)],
            not_gated,
        ));
    }
    for r in &runs {
        let model = model_key(r);
        for m in r
            .metrics
            .iter()
            .filter(|m| t.selector.matches(m) && !unknown(m))
        {
            let key = (m.label(), model.clone());
            match series.iter_mut().find(|(k, _)| *k == key) {
                Some((_, pts)) => pts.push((r, m)),
                None => series.push((key, vec![(r, m)])),
            }
        }
    }
    if series.is_empty() {
        return Ok((vec![Finding::no_metric(&t.selector, expected)], not_gated));
    }
    let models: std::collections::BTreeSet<&str> =
        series.iter().map(|((_, m), _)| m.as_str()).collect();
    let several = models.len() > 1;
    let findings = series
        .iter()
        .map(|((label, _), pts)| {
            let label = if several {
                format!("{label} [{}]", model_display(pts[0].0))
            } else {
                label.clone()
            };
            judge(t, &label, pts.clone(), &expected)
        })
        .collect();
    Ok((findings, not_gated))
}

fn expected(t: &Trend) -> String {
    let mut parts = Vec::new();
    if let Some(d) = t.max_drop_from_best {
        parts.push(format!("drop from best <= {}", fmt(d)));
    }
    if let Some((n, k)) = t.band {
        parts.push(format!("within mean ± {}·sd of the first {n} runs", fmt(k)));
    }
    parts.join(", ")
}

/// A point while judging: date, its source, the run, the value, the run's direction.
type Pt<'r> = (Option<f64>, &'static str, &'r Run, f64, Option<bool>);

fn judge(t: &Trend, label: &str, pts: Vec<(&Run, &Metric)>, expected: &str) -> Finding {
    let mut f = Finding::pending(label, expected);
    let mut points: Vec<Pt<'_>> = pts
        .iter()
        .map(|(r, m)| {
            let (d, src) = date_of(r);
            (d, src, *r, m.value, m.higher_is_better)
        })
        .collect();
    // by date, undated last, then by path: a stable order
    points.sort_by(|a, b| {
        let key = |d: Option<f64>| d.unwrap_or(f64::INFINITY);
        key(a.0)
            .total_cmp(&key(b.0))
            .then_with(|| a.2.source.path.cmp(&b.2.source.path))
    });
    f.run = points.last().map(|p| p.2.source.path.clone());
    if points.len() < 2 {
        f.message = format!(
            "{label}: {} run(s) hold this metric; a trend needs at least two (add --history)",
            points.len()
        );
        f.observed = format!("{} run", points.len());
        return f;
    }
    // every point must have measured what the latest did
    let task = pts
        .first()
        .map(|(_, m)| m.task.as_str())
        .unwrap_or_default();
    if let Some(latest) = points.last().map(|p| p.2) {
        let mut refused = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for p in &points[..points.len() - 1] {
            let cmp = comparability::compare(latest, task, p.2, task).accept(&t.accept);
            if !cmp.refused().is_empty() {
                refused.push(format!("{}: {}", p.2.label(), cmp.refused_text()));
                for d in cmp.refused() {
                    if !names.contains(&d.aspect.as_str()) {
                        names.push(d.aspect.as_str());
                    }
                }
            }
        }
        if !refused.is_empty() {
            f.status = Status::Error;
            f.message = format!(
                "{label}: {} of {} earlier runs did not measure what the latest ({}) did, so the \
                 series is not one evaluation; not compared (if intended, \
                 `accept_differences: [{}]`): {}",
                refused.len(),
                points.len() - 1,
                latest.label(),
                names.join(", "),
                refused.join("; ")
            );
            f.observed = format!("{} not comparable", refused.len());
            return f;
        }
    }
    let higher = t
        .higher_is_better
        .or_else(|| points.iter().rev().find_map(|p| p.4));
    let Some(higher) = higher else {
        f.status = Status::Error;
        f.message = format!(
            "the direction of {label} is unknown; set `higher_is_better` in the trend check"
        );
        f.observed = "direction unknown".into();
        return f;
    };
    if let Some(bad) = points.iter().find(|p| !p.3.is_finite()) {
        f.status = Status::Fail;
        f.message = format!(
            "{label} is {} in {}; a non-finite value never passes",
            fmt(bad.3),
            bad.2.source.path.display()
        );
        f.observed = fmt(bad.3);
        return f;
    }
    // worsening of b against a, in the metric's direction
    let worse = |best: f64, x: f64| if higher { best - x } else { x - best };
    let better = |a: f64, b: f64| if higher { b > a } else { b < a };
    let values: Vec<f64> = points.iter().map(|p| p.3).collect();
    let mut crossed = vec![false; values.len()];
    let mut reasons: Vec<String> = Vec::new();
    let n = values.len();

    // best so far and drops
    let mut best_idx = 0;
    let mut drops = vec![0.0; n];
    for i in 0..n {
        if better(values[best_idx], values[i]) {
            best_idx = i;
        }
        drops[i] = worse(values[best_idx], values[i]);
    }
    let mut best_latest = 0;
    for i in 0..n {
        if better(values[best_latest], values[i]) {
            best_latest = i;
        }
    }
    if let Some(max) = t.max_drop_from_best {
        for i in 0..n {
            if drops[i] > max + EPS * 1f64.max(max) {
                crossed[i] = true;
            }
        }
        if crossed[n - 1] {
            reasons.push(format!(
                "latest {} is {} {} than the best {} ({}) > max_drop_from_best {}",
                fmt(values[n - 1]),
                fmt(drops[n - 1]),
                if higher { "lower" } else { "higher" },
                fmt(values[best_latest]),
                when(&points[best_latest]),
                fmt(max)
            ));
        }
    }
    let mut band = None;
    let mut band_missing = false;
    let mut improved_past_band = false;
    if let Some((nref, k)) = t.band {
        let nref = nref as usize;
        if n <= nref {
            band_missing = true;
        } else {
            let refv = &values[..nref];
            let mean = refv.iter().sum::<f64>() / nref as f64;
            let sd =
                (refv.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nref as f64).sqrt();
            let (lower, upper) = (mean - k * sd, mean + k * sd);
            for i in nref..n {
                let bad_side = if higher {
                    values[i] < lower - EPS
                } else {
                    values[i] > upper + EPS
                };
                if bad_side {
                    crossed[i] = true;
                }
            }
            let last = values[n - 1];
            improved_past_band = if higher { last > upper } else { last < lower };
            let last_bad = if higher {
                last < lower - EPS
            } else {
                last > upper + EPS
            };
            if last_bad {
                reasons.push(format!(
                    "latest {} is outside the band {}..{} (mean {} ± {}·sd {} of the first {nref} runs)",
                    fmt(last),
                    fmt(lower),
                    fmt(upper),
                    fmt(mean),
                    fmt(k),
                    fmt(sd)
                ));
            }
            band = Some(Band {
                reference_runs: nref as u64,
                sigmas: k,
                mean,
                sd,
                lower,
                upper,
            });
        }
    }
    let series: Vec<Point> = points
        .iter()
        .zip(&crossed)
        .map(|(p, c)| Point {
            date: p.0.map(format_time),
            date_source: p.1,
            run: p.2.source.path.clone(),
            value: p.3,
            crossed: *c,
        })
        .collect();
    let earlier: Vec<String> = series[..n - 1]
        .iter()
        .filter(|p| p.crossed)
        .map(|p| {
            format!(
                "{} {}",
                p.date.as_deref().unwrap_or("undated"),
                fmt(p.value)
            )
        })
        .collect();
    f.detail = Some(Detail::Trend(TrendDetail {
        series,
        higher_is_better: higher,
        best: values[best_latest],
        latest: values[n - 1],
        drop_from_best: drops[n - 1],
        max_drop_from_best: t.max_drop_from_best,
        band: band.clone(),
    }));
    f.observed = format!(
        "latest {} ({} runs), best {}",
        fmt(values[n - 1]),
        n,
        fmt(values[best_latest])
    );
    let earlier_note = if earlier.is_empty() {
        String::new()
    } else {
        format!("; crossed earlier at {}", earlier.join(", "))
    };
    if !reasons.is_empty() {
        f.status = Status::Fail;
        f.message = format!("{label}: {}{earlier_note}", reasons.join("; "));
    } else if band_missing && t.max_drop_from_best.is_none() {
        f.status = Status::Missing;
        f.message = format!(
            "{label}: {n} runs, but the band needs more than its {} reference runs to judge one",
            t.band.map_or(0, |b| b.0)
        );
    } else {
        f.status = if band_missing {
            Status::Missing
        } else {
            Status::Pass
        };
        let mut parts = vec![format!(
            "latest {} over {n} runs, {} from the best {}",
            fmt(values[n - 1]),
            fmt(drops[n - 1]),
            fmt(values[best_latest])
        )];
        if let Some(b) = &band {
            parts.push(format!(
                "inside the band {}..{}{}",
                fmt(b.lower),
                fmt(b.upper),
                if improved_past_band {
                    " (beyond it on the good side)"
                } else {
                    ""
                }
            ));
        }
        if band_missing {
            parts.push(format!(
                "the band needs more than its {} reference runs",
                t.band.map_or(0, |b| b.0)
            ));
        }
        f.message = format!("{label}: {}{earlier_note}", parts.join("; "));
    }
    f
}

fn when(p: &Pt<'_>) -> String {
    match p.0 {
        Some(t) => format_time(t),
        None => p.2.source.path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lmms_dates_parse() {
        assert_eq!(
            lmms_date("20260923_172512"),
            parse_time("2026-09-23T17:25:12Z")
        );
        assert_eq!(lmms_date("2026-09-23"), None);
    }
}

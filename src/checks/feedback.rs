//! `feedback`: production feedback is fresh, plentiful, and covers enough of the traffic.
//!
//! ## What it checks
//! The feedback records (`records`, default the production records) are **events** — every
//! record, or with `field` only the records that carry it (a `thumbs_up` present on some
//! request logs). Each has a time in `timestamp` (RFC 3339 or UNIX seconds).
//!
//! **Now** is `--now` when given, else the newest timestamp in the records this check reads
//! (the feedback and, with `coverage`, the traffic): the same files give the same verdict
//! whenever they are checked. With `--now` in CI, freshness is measured against the clock.
//!
//! The **window** is `[now − max_age, now]` with `max_age`, else every record up to now.
//! Findings, one per criterion given:
//!
//! * **freshness** (`max_age`) — the newest event is at most `max_age` old;
//! * **volume** (`min_events`) — at least that many events in the window;
//! * **coverage** (`coverage: { of, min }`) — events in the window over the traffic records
//!   in the window (`of`: `requests` by default, `production`, `reference`, or a path; with
//!   its own `timestamp` if the traffic names the time differently) is at least `min`.
//!
//! Records without a readable timestamp, and records after now, are left out and counted.
//!
//! ## Configuration
//! ```yaml
//! - id: feedback-flowing
//!   level: 2
//!   feedback:
//!     records: production
//!     timestamp: ts
//!     field: thumbs_up
//!     max_age: 7d
//!     min_events: 500
//!     coverage: { of: requests, min: 0.05 }
//! ```
//!
//! ## Failure
//! No records, or none with a readable timestamp: `missing`. A stale newest event, too few
//! events, or too little coverage: `fail`. No traffic in the window: coverage `missing`.

use serde::Serialize;

use super::{Finding, SampleCache, Status, row_files};
use crate::error::Result;
use crate::evidence::production::{self, FileRead, Scalar, format_time};
use crate::model::Evidence;
use crate::num::pct;
use crate::rubric::{Feedback, RowSource};

/// What was counted.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackDetail {
    /// UNIX seconds, and as RFC 3339.
    pub now: f64,
    pub now_text: String,
    /// `--now`, or the newest timestamp read.
    pub now_from: &'static str,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub window_from: Option<f64>,
    pub records: u64,
    pub no_timestamp: u64,
    pub after_now: u64,
    pub events: u64,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub newest_event: Option<f64>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub age_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic: Option<u64>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub coverage: Option<f64>,
}

/// `7d 3h`-style age.
fn age_text(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// One pass over one source: timestamps, and whether the event field is present.
#[derive(Debug, Default)]
struct Pass {
    records: u64,
    no_timestamp: u64,
    after_now: u64,
    /// Records (with the field, when asked) in the window.
    in_window: u64,
    /// Every record in the window, with the field or not.
    all_in_window: u64,
    newest: Option<f64>,
}

/// Streams `files` counting records in `[from, to]`, or only finding the newest time when
/// `bounds` is `None`.
fn count(
    files: &[std::path::PathBuf],
    timestamp: &str,
    field: Option<&str>,
    bounds: Option<(Option<f64>, f64)>,
) -> Result<(Pass, Vec<FileRead>)> {
    let mut fields = vec![timestamp.to_owned()];
    if let Some(f) = field {
        fields.push(f.to_owned());
    }
    let mut p = Pass::default();
    let reads = production::read_rows(files, &fields, "feedback", &mut |row| {
        p.records += 1;
        let Some(t) = row[0].as_ref().and_then(Scalar::time) else {
            p.no_timestamp += 1;
            return;
        };
        let is_event = field.is_none() || row.get(1).is_some_and(Option::is_some);
        let Some((from, to)) = bounds else {
            p.newest = Some(p.newest.map_or(t, |n: f64| n.max(t)));
            return;
        };
        if t > to {
            p.after_now += 1;
            return;
        }
        if from.is_none_or(|f| t >= f) {
            p.all_in_window += 1;
        }
        if is_event {
            p.newest = Some(p.newest.map_or(t, |n: f64| n.max(t)));
            if from.is_none_or(|f| t >= f) {
                p.in_window += 1;
            }
        }
    })?;
    Ok((p, reads))
}

pub fn run(fb: &Feedback, evidence: &Evidence, cache: &mut SampleCache) -> Result<Vec<Finding>> {
    let subject = format!("feedback in {}", fb.records.label());
    let pending = |what: &str, why: String| {
        let mut f = Finding::pending(what, "");
        f.message = why;
        f.observed = "no records".into();
        f
    };
    let files = match row_files(&fb.records, evidence)? {
        Ok(f) => f,
        Err(why) => return Ok(vec![pending(&subject, format!("{subject}: {why}"))]),
    };
    let traffic_files = match &fb.coverage {
        Some(c) if c.of != fb.records => match row_files(&c.of, evidence)? {
            Ok(f) => Some(Ok(f)),
            Err(why) => Some(Err(why)),
        },
        _ => None,
    };
    // now: --now, else the newest timestamp read (feedback and traffic)
    let (now, now_from) = match evidence.now {
        Some(n) => (Some(n), "--now"),
        None => {
            let (p, _) = count(&files, &fb.timestamp, None, None)?;
            let mut newest = p.newest;
            if let (Some(Ok(tf)), Some(c)) = (&traffic_files, &fb.coverage) {
                let (q, _) = count(tf, &c.timestamp, None, None)?;
                newest = match (newest, q.newest) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            (newest, "the newest timestamp in the records")
        }
    };
    let Some(now) = now else {
        return Ok(vec![pending(
            &subject,
            format!(
                "{subject}: no record has a readable `{}` (RFC 3339 or UNIX seconds)",
                fb.timestamp
            ),
        )]);
    };
    let from = fb.max_age.map(|a| now - a);
    let (events, reads) = count(
        &files,
        &fb.timestamp,
        fb.field.as_deref(),
        Some((from, now)),
    )?;
    cache.note_records(&fb.records, reads);
    // the traffic in the same window
    let traffic: Option<std::result::Result<u64, String>> = match (&fb.coverage, traffic_files) {
        (None, _) => None,
        // coverage of the feedback records themselves: every record is traffic
        (Some(_), None) => Some(Ok(events.all_in_window)),
        (Some(_), Some(Err(why))) => Some(Err(why)),
        (Some(c), Some(Ok(tf))) => {
            let (t, reads) = count(&tf, &c.timestamp, None, Some((from, now)))?;
            cache.note_records(&c.of, reads);
            Some(if t.records > 0 && t.no_timestamp == t.records {
                Err(format!(
                    "no traffic record has a readable `{}`",
                    c.timestamp
                ))
            } else {
                Ok(t.in_window)
            })
        }
    };
    let age = events.newest.map(|t| now - t);
    let detail = FeedbackDetail {
        now,
        now_text: format_time(now),
        now_from,
        window_from: from,
        records: events.records,
        no_timestamp: events.no_timestamp,
        after_now: events.after_now,
        events: events.in_window,
        newest_event: events.newest,
        age_seconds: age,
        traffic: traffic.as_ref().and_then(|t| t.as_ref().ok().copied()),
        coverage: match &traffic {
            Some(Ok(t)) if *t > 0 => Some(events.in_window as f64 / *t as f64),
            _ => None,
        },
    };
    let what = match &fb.field {
        Some(f) => format!("records with `{f}`"),
        None => "records".into(),
    };
    let window = match fb.max_age {
        Some(a) => format!("in the last {} to {}", age_text(a), format_time(now)),
        None => format!("up to {}", format_time(now)),
    };
    let mut left_out = Vec::new();
    if events.no_timestamp > 0 {
        left_out.push(format!(
            "{} without a readable timestamp",
            events.no_timestamp
        ));
    }
    if events.after_now > 0 {
        left_out.push(format!("{} after now", events.after_now));
    }
    let note = if left_out.is_empty() {
        String::new()
    } else {
        format!(" ({} left out)", left_out.join(", "))
    };
    let mut out = Vec::new();
    if let Some(max) = fb.max_age {
        let expected = format!("newest event <= {} old", age_text(max));
        let mut f = Finding::pending("freshness", &expected);
        match age {
            None => {
                f.status = Status::Fail;
                f.message = format!(
                    "freshness: no feedback event ({what}) up to {}{note}",
                    format_time(now)
                );
                f.observed = "no events".into();
            }
            Some(a) => {
                let head = format!(
                    "freshness: the newest feedback event is {} old (at {}, now {} from {now_from})",
                    age_text(a),
                    format_time(now - a),
                    format_time(now)
                );
                f.observed = format!("{} old", age_text(a));
                (f.status, f.message) = if a <= max {
                    (Status::Pass, head)
                } else {
                    (
                        Status::Fail,
                        format!("{head}: older than {}", age_text(max)),
                    )
                };
            }
        }
        out.push(f);
    }
    if let Some(min) = fb.min_events {
        let mut f = Finding::pending("volume", &format!(">= {min} events"));
        let head = format!("volume: {} {what} {window}{note}", events.in_window);
        f.observed = format!("{} events", events.in_window);
        (f.status, f.message) = if events.in_window >= min {
            (Status::Pass, head)
        } else {
            (Status::Fail, format!("{head}, needs {min}"))
        };
        out.push(f);
    }
    if let Some(c) = &fb.coverage {
        let mut f = Finding::pending("coverage", &format!(">= {} of traffic", pct(c.min)));
        let of = match &c.of {
            RowSource::Files(_) => "the traffic records".to_owned(),
            other if *other == fb.records => format!("all {} records", other.label()),
            other => format!("the {} records", other.label()),
        };
        match &traffic {
            Some(Ok(t)) if *t > 0 => {
                let share = events.in_window as f64 / *t as f64;
                let head = format!(
                    "coverage: {} {what} over {t} of {of} {window}: {}",
                    events.in_window,
                    pct(share)
                );
                f.observed = pct(share);
                (f.status, f.message) = if share >= c.min - 1e-12 {
                    (Status::Pass, head)
                } else {
                    (Status::Fail, format!("{head} < {}", pct(c.min)))
                };
            }
            Some(Ok(_)) => {
                f.message = format!("coverage: no traffic in {of} {window}");
                f.observed = "no traffic".into();
            }
            Some(Err(why)) => {
                f.message = format!("coverage: {why}");
                f.observed = "no traffic".into();
            }
            None => {}
        }
        out.push(f);
    }
    for f in &mut out {
        f.detail = Some(super::Detail::Feedback(Box::new(detail.clone())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::age_text;

    #[test]
    fn ages_read_as_people_write_them() {
        assert_eq!(age_text(3.0), "3s");
        assert_eq!(age_text(600.0), "10m");
        assert_eq!(age_text(7_200.0), "2h");
        assert_eq!(age_text(7_500.0), "2h 5m");
        assert_eq!(age_text(7.0 * 86_400.0), "7d");
        assert_eq!(age_text(9.0 * 86_400.0 + 3_600.0 * 5.0), "9d 5h");
    }
}

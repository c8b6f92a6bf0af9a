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
use crate::evidence::production::summary::{FeedbackSummary, Summary};
use crate::evidence::production::{self, FileRead, Scalar, Split, format_time};
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

/// Streams the records of `files` as `(records so far, timestamp and whether it is an event)`:
/// `None` for a record without a readable timestamp; with `field`, an event is a record that
/// carries it.
fn each_record(
    files: &[std::path::PathBuf],
    timestamp: &str,
    field: Option<&str>,
    f: &mut dyn FnMut(Option<(f64, bool)>),
) -> Result<Vec<FileRead>> {
    let mut fields = vec![timestamp.to_owned()];
    if let Some(name) = field {
        fields.push(name.to_owned());
    }
    production::read_rows(files, &fields, "feedback", &mut |row| {
        let t = row[0].as_ref().and_then(Scalar::time);
        let is_event = field.is_none() || row.get(1).is_some_and(Option::is_some);
        f(t.map(|t| (t, is_event)));
    })
}

/// Streams `files` counting records in `[from, to]` (now known: `--now`, or a second read
/// when [`Pending`] kept too much).
fn count(
    files: &[std::path::PathBuf],
    timestamp: &str,
    field: Option<&str>,
    (from, to): (Option<f64>, f64),
) -> Result<(Pass, Vec<FileRead>)> {
    let mut p = Pass::default();
    let reads = each_record(files, timestamp, field, &mut |rec| {
        p.records += 1;
        let Some((t, is_event)) = rec else {
            p.no_timestamp += 1;
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

/// Records kept by [`Pending`] before it gives up and the files are read again with now
/// known (16 bytes each: 128 MB).
const PENDING_BUDGET: usize = 8 << 20;

/// One source read once before now is known (no `--now`). Now will be the newest timestamp
/// of the check's sources, at least this source's newest, so a record older than this
/// source's newest less `max_age` can never fall in the window and is dropped as the reading
/// goes on; the rest are kept as (time, event or not) and counted once now is known. Without
/// `max_age` the window is every record up to now — all of them — and nothing is kept.
#[derive(Debug, Default)]
struct Pending {
    records: u64,
    no_timestamp: u64,
    /// The newest timestamp of any record.
    newest: Option<f64>,
    /// The newest event's.
    newest_event: Option<f64>,
    /// Records with a timestamp, and events (used without `max_age`).
    timed: u64,
    events: u64,
    kept: Vec<(f64, bool)>,
    /// Kept after the last compaction.
    live: usize,
    /// More than [`PENDING_BUDGET`] to keep: the caller reads again.
    over: bool,
}

impl Pending {
    fn read(
        files: &[std::path::PathBuf],
        timestamp: &str,
        field: Option<&str>,
        max_age: Option<f64>,
        budget: usize,
    ) -> Result<(Pending, Vec<FileRead>)> {
        let mut p = Pending::default();
        let reads = each_record(files, timestamp, field, &mut |rec| {
            p.records += 1;
            let Some((t, is_event)) = rec else {
                p.no_timestamp += 1;
                return;
            };
            p.newest = Some(p.newest.map_or(t, |n: f64| n.max(t)));
            p.timed += 1;
            if is_event {
                p.events += 1;
                p.newest_event = Some(p.newest_event.map_or(t, |n: f64| n.max(t)));
            }
            // behind the newest by more than the window: never inside
            let Some(age) = max_age.filter(|a| p.newest.is_some_and(|n| t >= n - a)) else {
                return;
            };
            if p.over {
                return;
            }
            p.kept.push((t, is_event));
            if p.kept.len() >= 2 * p.live.max(4096) {
                let start = p.newest.map_or(f64::NEG_INFINITY, |n| n - age);
                p.kept.retain(|(t, _)| *t >= start);
                p.live = p.kept.len();
            }
            if p.kept.len() > budget {
                p.over = true;
                p.kept = Vec::new();
            }
        })?;
        Ok((p, reads))
    }

    /// The counts with now known, as [`count`] makes them; `None` when the records were too
    /// many to keep.
    fn settle(&self, now: f64, max_age: Option<f64>) -> Option<Pass> {
        let mut pass = Pass {
            records: self.records,
            no_timestamp: self.no_timestamp,
            // now is at least every timestamp read
            after_now: 0,
            newest: self.newest_event,
            ..Pass::default()
        };
        match max_age {
            None => {
                pass.all_in_window = self.timed;
                pass.in_window = self.events;
            }
            Some(_) if self.over => return None,
            Some(age) => {
                let from = now - age;
                for (t, is_event) in &self.kept {
                    if *t >= from {
                        pass.all_in_window += 1;
                        pass.in_window += u64::from(*is_event);
                    }
                }
            }
        }
        Some(pass)
    }
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
    // summary documents (an engine's counts of the window) stand for their records
    let events_split = production::split_summaries(&files)?;
    let traffic_files = match traffic_files {
        Some(Ok(tf)) => Some(Ok(production::split_summaries(&tf)?)),
        Some(Err(why)) => Some(Err(why)),
        None => None,
    };
    // summaries stand in when one fits either source, or when a source holds nothing else
    let ev_key = (fb.timestamp.as_str(), fb.field.as_deref(), fb.max_age);
    let mut use_summaries = fitting(&events_split.summaries, ev_key).next().is_some()
        || (events_split.records.is_empty() && !events_split.summaries.is_empty());
    if let (Some(Ok(t)), Some(c)) = (&traffic_files, &fb.coverage) {
        use_summaries |= fitting(&t.summaries, (&c.timestamp, None, fb.max_age))
            .next()
            .is_some()
            || (t.records.is_empty() && !t.summaries.is_empty());
    }
    if use_summaries {
        return Ok(from_summaries(
            fb,
            evidence,
            cache,
            &subject,
            events_split,
            traffic_files,
        ));
    }
    let files = events_split.records;
    let traffic_files = traffic_files.map(|t| t.map(|t| t.records));
    // now: --now, else the newest timestamp read (feedback and traffic), found in the same
    // pass that counts (see [`Pending`])
    let traffic_of = match (&traffic_files, &fb.coverage) {
        (Some(Ok(tf)), Some(c)) => Some((tf, c)),
        _ => None,
    };
    let (now, now_from, read) = match evidence.now {
        Some(n) => (Some(n), "--now", None),
        None => {
            let events = Pending::read(
                &files,
                &fb.timestamp,
                fb.field.as_deref(),
                fb.max_age,
                PENDING_BUDGET,
            )?;
            let traffic = match traffic_of {
                Some((tf, c)) => Some(Pending::read(
                    tf,
                    &c.timestamp,
                    None,
                    fb.max_age,
                    PENDING_BUDGET,
                )?),
                None => None,
            };
            let newest = match (events.0.newest, traffic.as_ref().and_then(|t| t.0.newest)) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            (
                newest,
                "the newest timestamp in the records",
                Some((events, traffic)),
            )
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
    let (pending_events, pending_traffic) = match read {
        Some((e, t)) => (Some(e), t),
        None => (None, None),
    };
    // counted from the pass already made, or read (again, when that pass kept too much)
    let events = match pending_events {
        Some((p, reads)) if let Some(pass) = p.settle(now, fb.max_age) => {
            cache.note_records(&fb.records, reads);
            pass
        }
        _ => {
            let (pass, reads) = count(&files, &fb.timestamp, fb.field.as_deref(), (from, now))?;
            cache.note_records(&fb.records, reads);
            pass
        }
    };
    // the traffic in the same window
    let traffic: Option<std::result::Result<u64, String>> = match (&fb.coverage, traffic_files) {
        (None, _) => None,
        // coverage of the feedback records themselves: every record is traffic
        (Some(_), None) => Some(Ok(events.all_in_window)),
        (Some(_), Some(Err(why))) => Some(Err(why)),
        (Some(c), Some(Ok(tf))) => {
            let t = match pending_traffic {
                Some((p, reads)) if let Some(pass) = p.settle(now, fb.max_age) => {
                    cache.note_records(&c.of, reads);
                    pass
                }
                _ => {
                    let (pass, reads) = count(&tf, &c.timestamp, None, (from, now))?;
                    cache.note_records(&c.of, reads);
                    pass
                }
            };
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
    Ok(judge(fb, (now, now_from), &events, traffic))
}

/// The findings from the counts, however they were made (records read, or summaries).
fn judge(
    fb: &Feedback,
    (now, now_from): (f64, &'static str),
    events: &Pass,
    traffic: Option<std::result::Result<u64, String>>,
) -> Vec<Finding> {
    let from = fb.max_age.map(|a| now - a);
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
    out
}

/// A summary document's fit to one source of this check: the same timestamp field, event
/// field and `max_age`.
fn summary_fits(
    s: &FeedbackSummary,
    timestamp: &str,
    field: Option<&str>,
    max_age: Option<f64>,
) -> std::result::Result<(), String> {
    if s.timestamp != timestamp || s.field.as_deref() != field {
        let ev = |f: Option<&str>| f.map_or("every record".to_owned(), |f| format!("`{f}`"));
        return Err(format!(
            "counts {} by `{}`, this source is counted as {} by `{timestamp}`",
            ev(s.field.as_deref()),
            s.timestamp,
            ev(field)
        ));
    }
    if s.max_age != max_age {
        let show = |a: Option<f64>| a.map_or("none".to_owned(), age_text);
        return Err(format!(
            "was counted in a window of max_age {}, this check's is {}",
            show(s.max_age),
            show(max_age)
        ));
    }
    Ok(())
}

/// The feedback summaries among `docs` that fit one source of this check (others — another
/// check's, another field's or window's — are not its evidence and are passed over).
fn fitting<'a>(
    docs: &'a [(Summary, FileRead)],
    key: (&'a str, Option<&'a str>, Option<f64>),
) -> impl Iterator<Item = (&'a FeedbackSummary, &'a FileRead)> + 'a {
    docs.iter().filter_map(move |(doc, read)| match doc {
        Summary::Feedback(s) if summary_fits(s, key.0, key.1, key.2).is_ok() => Some((s, read)),
        _ => None,
    })
}

/// One source given as summary documents: the ones that fit; none, or records beside
/// them, is an error saying why.
fn summary_source(
    docs: &[(Summary, FileRead)],
    raw: &[std::path::PathBuf],
    key: (&str, Option<&str>, Option<f64>),
) -> std::result::Result<(Vec<FeedbackSummary>, Vec<FileRead>), String> {
    let (out, reads): (Vec<FeedbackSummary>, Vec<FileRead>) = fitting(docs, key)
        .map(|(s, r)| (s.clone(), r.clone()))
        .unzip();
    if let Some(p) = raw.first() {
        return Err(if out.is_empty() {
            format!(
                "{} holds records where the check's other source is summary documents: give \
                 both as records or both as summaries",
                p.display()
            )
        } else {
            format!(
                "{} holds records beside summary documents of the same source: give one or \
                 the other",
                p.display()
            )
        });
    }
    if out.is_empty() {
        let why: Vec<String> = docs
            .iter()
            .map(|(doc, read)| match doc {
                Summary::Feedback(s) => format!(
                    "{}: {}",
                    read.path.display(),
                    summary_fits(s, key.0, key.1, key.2)
                        .err()
                        .unwrap_or_default()
                ),
                other => format!("{} is a `{}` summary", read.path.display(), other.check()),
            })
            .collect();
        return Err(format!(
            "no summary document counts this source ({})",
            why.join("; ")
        ));
    }
    Ok((out, reads))
}

/// The counts of one source's summaries, made at `now`.
fn summed(docs: &[FeedbackSummary], now: f64) -> std::result::Result<Pass, String> {
    let mut p = Pass::default();
    for s in docs {
        if s.now != now {
            return Err(format!(
                "a summary counted its window to {}, this check's now is {}: run the query \
                 with now = {}",
                format_time(s.now),
                format_time(now),
                format_time(now)
            ));
        }
        p.records += s.records;
        p.no_timestamp += s.no_timestamp;
        p.after_now += s.after_now;
        p.in_window += s.events_in_window;
        p.all_in_window += s.records_in_window;
        p.newest = match (p.newest, s.newest_event) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(p)
}

/// The findings when the feedback (and the traffic) are summary documents.
fn from_summaries(
    fb: &Feedback,
    evidence: &Evidence,
    cache: &mut SampleCache,
    subject: &str,
    events: Split,
    traffic: Option<std::result::Result<Split, String>>,
) -> Vec<Finding> {
    let unusable = |why: String| {
        let mut f = Finding::pending(subject, "");
        f.message = format!("{subject}: {why}");
        f.observed = "summaries unusable".into();
        vec![f]
    };
    let (ev, ev_reads) = match summary_source(
        &events.summaries,
        &events.records,
        (&fb.timestamp, fb.field.as_deref(), fb.max_age),
    ) {
        Ok(x) => x,
        Err(why) => return unusable(why),
    };
    cache.note_records(&fb.records, ev_reads);
    let tr = match (traffic, &fb.coverage) {
        (Some(Ok(t)), Some(c)) => {
            match summary_source(&t.summaries, &t.records, (&c.timestamp, None, fb.max_age)) {
                Ok((t, reads)) => {
                    cache.note_records(&c.of, reads);
                    Some(Ok(t))
                }
                Err(why) => return unusable(format!("coverage traffic: {why}")),
            }
        }
        (Some(Err(why)), _) => Some(Err(why)),
        _ => None,
    };
    let newest = ev
        .iter()
        .chain(tr.iter().flat_map(|t| t.iter().flatten()))
        .filter_map(|s| s.newest)
        .reduce(f64::max);
    let (now, now_from) = match (evidence.now, newest) {
        (Some(n), _) => (n, "--now"),
        (None, Some(n)) => (n, "the newest timestamp in the records"),
        (None, None) => {
            return unusable(format!(
                "no record has a readable `{}` (RFC 3339 or UNIX seconds)",
                fb.timestamp
            ));
        }
    };
    let events = match summed(&ev, now) {
        Ok(p) => p,
        Err(why) => return unusable(why),
    };
    let traffic = match (tr, &fb.coverage) {
        (None, None) => None,
        (None, Some(_)) => Some(Ok(events.all_in_window)),
        (Some(Err(why)), _) => Some(Err(why)),
        (Some(Ok(t)), c) => match summed(&t, now) {
            Ok(p) if p.records > 0 && p.no_timestamp == p.records => Some(Err(format!(
                "no traffic record has a readable `{}`",
                c.as_ref()
                    .map_or(fb.timestamp.as_str(), |c| c.timestamp.as_str())
            ))),
            Ok(p) => Some(Ok(p.in_window)),
            Err(why) => return unusable(format!("coverage traffic: {why}")),
        },
    };
    judge(fb, (now, now_from), &events, traffic)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counted in the one pass that finds now, the window holds what a second pass with
    /// now known counts ([`count`], the reader with `--now`): 12,000 records out of time
    /// order, some without a readable timestamp, events marked by a field on some; windows
    /// from an hour to none; and past the budget the pass says so instead of guessing.
    #[test]
    fn one_pass_counts_what_two_passes_count() {
        let dir = std::env::temp_dir().join(format!("govgate-feedback-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut state: u64 = 11;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut text = String::new();
        for i in 0..12_000u64 {
            let t = 1_793_000_000 + i * 60 + next(86_400);
            let ts = match next(40) {
                0 => String::new(),
                1 => r#""ts": "soon", "#.to_owned(),
                _ => format!(r#""ts": {t}, "#),
            };
            let thumbs = if next(3) == 0 { r#", "thumbs": 1"# } else { "" };
            text.push_str(&format!("{{{ts}\"id\": {i}{thumbs}}}\n"));
        }
        // the newest record, then late arrivals just inside (and just outside) each window's
        // start: what a pass that drops too early would lose
        let newest = 1_793_000_000 + 12_000 * 60 + 86_400;
        text.push_str(&format!("{{\"ts\": {newest}, \"thumbs\": 1}}\n"));
        for age in [3_600u64, 3 * 86_400] {
            for k in 0..40u64 {
                let t = newest - age - 100 + k * 10;
                text.push_str(&format!("{{\"ts\": {t}, \"thumbs\": 1}}\n"));
            }
        }
        let file = dir.join("feedback.jsonl");
        std::fs::write(&file, text).expect("write");
        let files = vec![file];
        for field in [None, Some("thumbs")] {
            for max_age in [Some(3_600.0), Some(86_400.0 * 3.0), Some(1e9), None] {
                let (p, reads) =
                    Pending::read(&files, "ts", field, max_age, PENDING_BUDGET).expect("read");
                assert_eq!(reads.len(), 1);
                let now = p.newest.expect("timestamps");
                let one = p.settle(now, max_age).expect("kept");
                let (two, _) =
                    count(&files, "ts", field, (max_age.map(|a| now - a), now)).expect("read");
                assert_eq!(
                    format!("{one:?}"),
                    format!("{two:?}"),
                    "{field:?} {max_age:?}"
                );
                assert!(one.in_window > 0 && one.no_timestamp > 0, "{one:?}");
                // with a later now (the traffic's newest), the same
                let later = now + 1_800.0;
                let one = p.settle(later, max_age).expect("kept");
                let (two, _) =
                    count(&files, "ts", field, (max_age.map(|a| later - a), later)).expect("read");
                assert_eq!(
                    format!("{one:?}"),
                    format!("{two:?}"),
                    "{field:?} {max_age:?}"
                );
                // nothing kept: a window must be read again; no window needs nothing kept
                let (small, _) = Pending::read(&files, "ts", field, max_age, 0).expect("read");
                assert_eq!(small.settle(now, max_age).is_none(), max_age.is_some());
            }
        }
    }

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

//! `calibration`: is the model's confidence honest? From per-sample (or per-request)
//! confidence and correctness, the expected calibration error ([`crate::stats::calibration`]:
//! HELM's `ece_10_bin` with the default equal-mass bins) must be at most `max_ece`.
//!
//! ## Configuration
//! ```yaml
//! - id: confidence-is-honest
//!   level: 2
//!   calibration: { records: current, confidence: confidence, correct: acc, max_ece: 0.1 }
//! ```
//!
//! ## Failure
//! No records, or no record holding both fields: `missing`. A confidence outside [0, 1] or
//! not a number, or a correctness that is not 0/1 or a boolean: `error`, naming how many.
//! Fewer than `min_samples` pairs (HELM: "not reliable for small datasets (e.g., with < 300
//! examples)") or an ECE above `max_ece`: `fail`. The finding carries every non-empty bin
//! (the reliability diagram the HTML report draws).

use serde::Serialize;

use super::{Detail, Finding, SampleCache, Status, row_files};
use crate::error::Result;
use crate::evidence::helm::read_instance_values;
use crate::evidence::production;
use crate::evidence::samples;
use crate::model::{Run, SampleSource};
use crate::num::fmt;
use crate::rubric::Calibration;
use crate::rubric::RowSource;
use crate::stats::calibration::{self, Bin, Binning};

/// The finding's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationDetail {
    pub confidence: String,
    pub correct: String,
    pub binning: Binning,
    pub bins: usize,
    /// Pairs of a confidence and a correctness.
    pub n: u64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ece: f64,
    pub max_ece: f64,
    /// The mean confidence and the accuracy over every pair (their gap is the 1-bin ECE).
    #[serde(serialize_with = "crate::num::ser")]
    pub mean_confidence: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub accuracy: f64,
    /// The non-empty bins, lowest confidence first.
    pub reliability: Vec<Bin>,
    /// On a HELM run, HELM's own `ece_10_bin`, which the computed one must equal.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub helm_ece_10_bin: Option<f64>,
}

pub fn run(
    c: &Calibration,
    evidence: &crate::model::Evidence,
    cache: &mut SampleCache,
) -> Result<Vec<Finding>> {
    let subject = format!("{} vs {}", c.confidence, c.correct);
    let expected = format!("ECE <= {} over >= {} pairs", fmt(c.max_ece), c.min_samples);
    // HELM runs: per-instance stats, one finding per run
    let mut out = Vec::new();
    let choices = c.confidence == samples::CHOICE_PROBABILITY;
    let mut no_choices = Vec::new();
    if let RowSource::Runs(role) = &c.records {
        for run in evidence.runs(*role) {
            for task in &run.tasks {
                match &task.samples {
                    Some(SampleSource::HelmPerInstance(p)) => {
                        out.push(helm_finding(c, run, &task.name, p, &expected, cache)?);
                    }
                    Some(source @ SampleSource::LmEval(p)) if choices => {
                        let f = choices_finding(c, run, task, source, p, &expected, cache)?;
                        // a generation task has no choices: no confidence to judge
                        if f.status == Status::Missing {
                            no_choices.push(f);
                        } else {
                            out.push(f);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if choices {
        if out.is_empty() && !no_choices.is_empty() {
            return Ok(no_choices);
        }
        if !no_choices.is_empty() {
            tracing::info!(
                "calibration: {} task(s) without choices (generation tasks) left out",
                no_choices.len()
            );
        }
        if out.is_empty() {
            let mut f = Finding::pending(&subject, &expected);
            f.message = format!(
                "{subject}: `confidence: choices` reads the choices' log-likelihoods of lm-eval \
                 samples logs, and the {} runs have none (run lm-eval with --log_samples)",
                c.records.label()
            );
            f.observed = "no samples logs".into();
            out.push(f);
        }
        return Ok(out);
    }
    let files = match row_files(&c.records, evidence)? {
        Ok(files) => files,
        // HELM runs alone: their findings are the check's
        Err(_) if !out.is_empty() => return Ok(out),
        Err(why) => {
            let mut f = Finding::pending(&subject, &expected);
            f.message = format!("{subject}: {why}");
            f.observed = "no records".into();
            return Ok(vec![f]);
        }
    };
    out.extend(rows_finding(c, &files, &subject, &expected, cache)?);
    Ok(out)
}

/// The check on records (or the runs' per-sample records): one finding.
fn rows_finding(
    c: &Calibration,
    files: &[std::path::PathBuf],
    subject: &str,
    expected: &str,
    cache: &mut SampleCache,
) -> Result<Vec<Finding>> {
    let mut f = Finding::pending(subject, expected);
    let fields = [c.confidence.clone(), c.correct.clone()];
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    let (mut records, mut bad_conf, mut bad_correct) = (0u64, 0u64, 0u64);
    let reads = production::read_rows(files, &fields, "calibration", &mut |row| {
        records += 1;
        let (Some(p), Some(y)) = (&row[0], &row[1]) else {
            return;
        };
        let conf = p.number().filter(|x| (0.0..=1.0).contains(x));
        let right = y.class();
        match (conf, right) {
            (Some(p), Some(r)) => pairs.push((p, f64::from(u8::from(r)))),
            (None, _) => bad_conf += 1,
            (_, None) => bad_correct += 1,
        }
    })?;
    cache.note_records(&c.records, reads);
    let source = format!(
        "{records} record(s) in {} file(s) of {}",
        files.len(),
        c.records.label()
    );
    if bad_conf + bad_correct > 0 {
        f.status = Status::Error;
        f.message = format!(
            "{subject}: {bad_conf} record(s) hold a `{}` that is not a number in [0, 1] and {bad_correct} a `{}` that is not 0/1 or a boolean ({source})",
            c.confidence, c.correct
        );
        f.observed = "values out of range".into();
        return Ok(vec![f]);
    }
    let Some(judged) = judge(c, subject, &pairs) else {
        f.message = format!(
            "{subject}: no record holds both `{}` and `{}` ({source})",
            c.confidence, c.correct
        );
        f.observed = "no pairs".into();
        return Ok(vec![f]);
    };
    f = judged.finding(expected);
    Ok(vec![f])
}

/// A computed ECE and its finding's parts.
struct Judged {
    subject: String,
    status: Status,
    message: String,
    observed: String,
    detail: CalibrationDetail,
}

impl Judged {
    fn finding(self, expected: &str) -> Finding {
        let mut f = Finding::pending(&self.subject, expected);
        f.status = self.status;
        f.message = self.message;
        f.observed = self.observed;
        f.detail = Some(Detail::Calibration(Box::new(self.detail)));
        f
    }
}

/// The ECE of `(confidence, correctness)` pairs against the check's bounds; `None` without
/// pairs. Correctness is 0/1, or a fraction for HELM instances averaged over train trials.
fn judge(c: &Calibration, subject: &str, pairs: &[(f64, f64)]) -> Option<Judged> {
    let (ece, bins) = calibration::ece(pairs, c.bins, c.binning)?;
    let n = pairs.len() as u64;
    let mean_confidence = pairs.iter().map(|(p, _)| p).sum::<f64>() / n as f64;
    let accuracy = pairs.iter().map(|(_, y)| y).sum::<f64>() / n as f64;
    let binning = match c.binning {
        Binning::EqualMass => "equal-mass",
        Binning::EqualWidth => "equal-width",
    };
    let stats = format!(
        "ECE {} ({} {binning} bins, n={n}); mean confidence {}, accuracy {}",
        fmt(ece),
        c.bins,
        fmt(mean_confidence),
        fmt(accuracy)
    );
    let mut problems = Vec::new();
    if n < c.min_samples {
        problems.push(format!(
            "{n} pairs, fewer than {} (an ECE of {} bins is not reliable on so few)",
            c.min_samples, c.bins
        ));
    }
    if ece > c.max_ece {
        let side = if mean_confidence > accuracy {
            "over"
        } else {
            "under"
        };
        problems.push(format!(
            "ECE above {}: the model is {side}confident",
            fmt(c.max_ece)
        ));
    }
    let (status, message) = if problems.is_empty() {
        (Status::Pass, format!("{subject}: {stats}"))
    } else {
        (
            Status::Fail,
            format!("{subject}: {stats}; {}", problems.join("; ")),
        )
    };
    Some(Judged {
        subject: subject.to_owned(),
        status,
        message,
        observed: format!("ECE {}", fmt(ece)),
        detail: CalibrationDetail {
            confidence: c.confidence.clone(),
            correct: c.correct.clone(),
            binning: c.binning,
            bins: c.bins,
            n,
            ece,
            max_ece: c.max_ece,
            mean_confidence,
            accuracy,
            reliability: bins,
            helm_ece_10_bin: None,
        },
    })
}

/// A HELM run: `confidence` and `correct` name per-instance stats (HELM's own are `max_prob`
/// and `exact_match`), paired by instance on the split HELM's `ece_10_bin` names (else
/// `test`), unperturbed. HELM computes `ece_10_bin` itself when the model gave
/// log-probabilities; with 10 equal-mass bins on `max_prob` and `exact_match` govgate's value
/// must equal it (a difference is an `error`), and a HELM run without it is `missing`:
/// HELM skipped calibration because there were no log-probabilities, and `max_prob` is then
/// no confidence.
fn helm_finding(
    c: &Calibration,
    run: &Run,
    task: &str,
    per_instance: &std::path::Path,
    expected: &str,
    cache: &mut SampleCache,
) -> Result<Finding> {
    let subject = format!(
        "{} vs {} in {task} ({})",
        c.confidence,
        c.correct,
        run.label()
    );
    let helm_ece = run.metrics.iter().find(|m| {
        m.task == task
            && m.name == "ece_10_bin"
            && !m.variant.as_deref().unwrap_or("").contains('+')
    });
    let split = helm_ece
        .and_then(|m| m.variant.clone())
        .unwrap_or_else(|| "test".to_owned());
    let helm_way = c.confidence == "max_prob" && c.correct == "exact_match";
    let mut f = Finding::pending(&subject, expected);
    if helm_ece.is_none() && helm_way {
        f.message = format!(
            "{subject}: the run has no ece_10_bin: HELM computes calibration only when the model \
             gave log-probabilities, so max_prob is no confidence here"
        );
        f.observed = "no log-probabilities".into();
        return Ok(f);
    }
    let conf = read_instance_values(per_instance, &c.confidence, Some(&split))?;
    let right = read_instance_values(per_instance, &c.correct, Some(&split))?;
    cache.note_file(per_instance, "samples")?;
    let (pairs, bad) = pair_by_key(conf.values, right.values, |p, y| {
        (0.0..=1.0).contains(&p) && (0.0..=1.0).contains(&y)
    });
    if bad > 0 {
        f.status = Status::Error;
        f.message = format!(
            "{subject}: {bad} instance(s) of {} hold a `{}` or `{}` outside [0, 1]",
            per_instance.display(),
            c.confidence,
            c.correct
        );
        f.observed = "values out of range".into();
        return Ok(f);
    }
    let Some(mut judged) = judge(c, &subject, &pairs) else {
        f.message = format!(
            "{subject}: no instance of {} (split {split}) holds both `{}` and `{}`",
            per_instance.display(),
            c.confidence,
            c.correct
        );
        f.observed = "no pairs".into();
        return Ok(f);
    };
    if let (Some(m), true, true, Binning::EqualMass) = (helm_ece, helm_way, c.bins == 10, c.binning)
    {
        judged.detail.helm_ece_10_bin = Some(m.value);
        let ours = judged.detail.ece;
        if (ours - m.value).abs() > 1e-9 * m.value.abs().max(1e-3) {
            judged.status = Status::Error;
            judged.message = format!(
                "{}: HELM's ece_10_bin is {} but its per-instance stats give {}: the run's files disagree",
                judged.subject, m.value, ours
            );
        } else {
            judged
                .message
                .push_str(&format!("; equals HELM's ece_10_bin {}", fmt(m.value)));
        }
    }
    Ok(judged.finding(expected))
}

/// An lm-eval task's samples log with `confidence: choices`: each document's probability of
/// the model's own answer (the largest softmax of the choices' log-likelihoods), paired by
/// `doc_id` with `correct` (its `acc`), on the `none` filter (else the task's first).
fn choices_finding(
    c: &Calibration,
    run: &Run,
    task: &crate::model::TaskInfo,
    source: &SampleSource,
    path: &std::path::Path,
    expected: &str,
    cache: &mut SampleCache,
) -> Result<Finding> {
    let subject = format!(
        "{} vs {} in {} ({})",
        c.confidence,
        c.correct,
        task.name,
        run.label()
    );
    let filter = if task.filters.iter().any(|f| f == "none") {
        Some("none")
    } else {
        task.filters.first().map(String::as_str)
    };
    let conf = samples::read_metric(
        source,
        samples::CHOICE_PROBABILITY,
        filter,
        &task.filters,
        None,
    )?;
    let right = samples::read_metric(source, &c.correct, filter, &task.filters, None)?;
    cache.note_file(path, "samples")?;
    let (pairs, bad) = pair_by_key(conf.values, right.values, |_, y| y == 0.0 || y == 1.0);
    let mut f = Finding::pending(&subject, expected);
    if bad > 0 {
        f.status = Status::Error;
        f.message = format!(
            "{subject}: {bad} document(s) of {} hold a `{}` that is not 0/1",
            path.display(),
            c.correct
        );
        f.observed = "values out of range".into();
        return Ok(f);
    }
    match judge(c, &subject, &pairs) {
        Some(judged) => Ok(judged.finding(expected)),
        None => {
            f.message = format!(
                "{subject}: no document of {} has both two or more choices with log-likelihoods and a `{}` (a generation task has no choices)",
                path.display(),
                c.correct
            );
            f.observed = "no pairs".into();
            Ok(f)
        }
    }
}

/// Per-document `(confidence, correctness)` paired by document key (documents with only one
/// of the two are left out), and how many pairs `valid` refused.
fn pair_by_key(
    confidence: Vec<(u64, f64)>,
    correct: Vec<(u64, f64)>,
    valid: impl Fn(f64, f64) -> bool,
) -> (Vec<(f64, f64)>, u64) {
    let correct: std::collections::BTreeMap<u64, f64> = correct.into_iter().collect();
    let mut pairs = Vec::new();
    let mut bad = 0u64;
    for (k, p) in confidence {
        let Some(&y) = correct.get(&k) else { continue };
        if valid(p, y) {
            pairs.push((p, y));
        } else {
            bad += 1;
        }
    }
    (pairs, bad)
}

//! `fairness`: outcomes compared across groups of records.
//!
//! ## What it checks
//! Records carrying a group attribute — lm-eval samples logs (`doc.<field>`), HELM
//! per-instance stats joined with their instances (`instance.<field>`), or JSON Lines
//! records named by path — are tallied per group: the mean of a `score`, or the selection
//! rate of a `prediction` (and with a `label`, the true and false positive rates). Then:
//!
//! * `max_difference`: demographic-parity difference, max − min group rate (fairlearn
//!   `between_groups`);
//! * `min_ratio`: demographic-parity ratio, min / max group rate; 0.8 is the four-fifths
//!   rule (Aequitas: every disparity in [0.8, 1.25]);
//! * `max_equalized_odds_difference`: max of the TPR and FPR differences (fairlearn,
//!   worst case).
//!
//! Groups with fewer than `min_group_size` records (default 30) are reported and left out.
//! Each source (a run's task and filter, or a records file) is judged on its own.
//!
//! ## Why it matters
//! EU AI Act Annex IV 2(g) asks for "potentially discriminatory impacts" and 3 for the
//! "degrees of accuracy for specific persons or groups"; NIST AI RMF MEASURE 2.11 for
//! fairness and bias evaluated and documented. Frameworks report one number per task; this
//! check computes the per-group numbers they do not.
//!
//! ## Configuration
//! ```yaml
//! - id: approval-parity
//!   level: 2
//!   fairness: { records: eval/decisions.jsonl, group: applicant.gender, prediction: approved,
//!               label: repaid, positive: 1, min_group_size: 30, max_difference: 0.05,
//!               min_ratio: 0.8, max_equalized_odds_difference: 0.1 }
//! ```
//!
//! ## Failure
//! A difference, ratio or equalized-odds gap beyond its bound fails. No records file at the
//! path (or none matching the glob), runs without per-sample records, or fewer than two
//! groups of `min_group_size`, is `missing`. A records file that cannot be read or parsed
//! is an input error (exit code 2).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::{Detail, Finding, Status};
use crate::error::Result;
use crate::evidence::json::Object;
use crate::evidence::records;
use crate::model::{Evidence, SampleSource};
use crate::num::fmt;
use crate::rubric::{Fairness, FairnessMode, RecordsSource};
use crate::stats::fairness::{self as fx, Tally};

/// One group's row in a fairness finding.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    pub group: String,
    pub n: u64,
    /// Mean score or selection rate.
    #[serde(serialize_with = "crate::num::ser")]
    pub rate: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tpr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fpr: Option<f64>,
    /// Aequitas disparity against the reference group (`None` for excluded groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disparity: Option<f64>,
    /// Left out: fewer records than `min_group_size`.
    pub excluded: bool,
}

/// The numbers behind a fairness finding.
#[derive(Debug, Clone, Serialize)]
pub struct FairnessDetail {
    /// `score` or `selection_rate`.
    pub rate: &'static str,
    pub groups: Vec<GroupRow>,
    pub reference_group: Option<String>,
    pub difference: Option<f64>,
    pub ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equalized_odds_difference: Option<f64>,
    pub min_group_size: u64,
    /// Records without the group attribute / without a usable score, prediction or label.
    pub records_without_group: u64,
    pub records_without_value: u64,
}

/// A stream of records to tally.
enum Source {
    Lines(PathBuf),
    Samples {
        path: PathBuf,
        filters: Vec<String>,
    },
    Helm {
        per_instance: PathBuf,
        scenario_state: Option<PathBuf>,
    },
    /// An Inspect AI log: one record per sample, reduced across epochs.
    Inspect(PathBuf),
}

/// Tallies per source label.
type Tallies = BTreeMap<String, (BTreeMap<String, Tally>, u64, u64)>;

fn expected(f: &Fairness) -> String {
    let mut parts = Vec::new();
    if let Some(d) = f.max_difference {
        parts.push(format!("difference <= {}", fmt(d)));
    }
    if let Some(r) = f.min_ratio {
        parts.push(format!("ratio >= {}", fmt(r)));
    }
    if let Some(e) = f.max_equalized_odds_difference {
        parts.push(format!("equalized odds <= {}", fmt(e)));
    }
    parts.join(", ")
}

/// The sources a check reads, each with the label its finding carries.
fn sources(f: &Fairness, evidence: &Evidence) -> Result<Vec<(String, Option<PathBuf>, Source)>> {
    match &f.records {
        RecordsSource::Files(pattern) => Ok(crate::evidence::rubric_files(pattern)?
            .into_iter()
            .map(|p| (p.display().to_string(), None, Source::Lines(p)))
            .collect()),
        // no files: `run` says why (the window's reason)
        RecordsSource::Window(w) => Ok(super::row_files(w, evidence)?
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.display().to_string(), None, Source::Lines(p)))
            .collect()),
        RecordsSource::Role(role) => {
            let mut out = Vec::new();
            for run in evidence.runs(*role) {
                for task in &run.tasks {
                    if let Some((_, g)) = &f.task
                        && !g.is_match(&task.name)
                    {
                        continue;
                    }
                    let label = format!("{} {}", run.label(), task.name);
                    match &task.samples {
                        Some(SampleSource::LmEval(p)) => out.push((
                            label,
                            Some(run.source.path.clone()),
                            Source::Samples {
                                path: p.clone(),
                                filters: task.filters.clone(),
                            },
                        )),
                        Some(SampleSource::HelmPerInstance(p)) => out.push((
                            label,
                            Some(run.source.path.clone()),
                            Source::Helm {
                                per_instance: p.clone(),
                                scenario_state: task.instances.clone(),
                            },
                        )),
                        Some(SampleSource::Inspect(p)) => out.push((
                            label,
                            Some(run.source.path.clone()),
                            Source::Inspect(p.clone()),
                        )),
                        // promptfoo rows carry no fields to group by beyond their vars
                        Some(SampleSource::Promptfoo(..)) => {}
                        // EEE sample lines are records (`metadata`, `input`, `evaluation`)
                        Some(SampleSource::Eee(p, _)) => out.push((
                            label,
                            Some(run.source.path.clone()),
                            Source::Lines(p.clone()),
                        )),
                        // a details Parquet is records: one row per document
                        Some(SampleSource::Lighteval(p)) => out.push((
                            label,
                            Some(run.source.path.clone()),
                            Source::Lines(p.clone()),
                        )),
                        None => {}
                    }
                }
            }
            Ok(out)
        }
    }
}

/// Adds one record to the tallies of `key`.
fn tally(f: &Fairness, tallies: &mut Tallies, key: String, rec: &Object) {
    let entry = tallies.entry(key).or_default();
    let Some(group) = records::lookup(rec, &f.group).and_then(records::category) else {
        entry.1 += 1;
        return;
    };
    match &f.mode {
        FairnessMode::Score(path) => match records::lookup(rec, path).and_then(records::number) {
            Some(x) if x.is_finite() => entry.0.entry(group).or_default().add_score(x),
            _ => entry.2 += 1,
        },
        FairnessMode::Selection { prediction, label } => {
            let Some(pred) = records::lookup(rec, prediction).and_then(records::category) else {
                entry.2 += 1;
                return;
            };
            let lab = match label {
                Some(l) => match records::lookup(rec, l).and_then(records::category) {
                    Some(v) => Some(v == f.positive),
                    None => {
                        entry.2 += 1;
                        return;
                    }
                },
                None => None,
            };
            entry
                .0
                .entry(group)
                .or_default()
                .add_prediction(pred == f.positive, lab);
        }
    }
}

/// The files a check reads that are not run files themselves (records named by the rubric,
/// samples logs, HELM per-instance stats and scenario states), with what each is.
pub fn files(f: &Fairness, evidence: &Evidence) -> Result<Vec<(PathBuf, &'static str)>> {
    let mut out = Vec::new();
    for (_, _, source) in sources(f, evidence)? {
        match source {
            Source::Lines(p) => out.push((p, "records")),
            Source::Samples { path, .. } => out.push((path, "samples")),
            Source::Helm {
                per_instance,
                scenario_state,
            } => {
                out.push((per_instance, "samples"));
                out.extend(scenario_state.map(|p| (p, "samples")));
            }
            // the run's own file, listed with the runs
            Source::Inspect(_) => {}
        }
    }
    Ok(out)
}

pub fn run(f: &Fairness, evidence: &Evidence) -> Result<Vec<Finding>> {
    let srcs = sources(f, evidence)?;
    if let (true, RecordsSource::Files(pattern)) = (srcs.is_empty(), &f.records) {
        return Ok(vec![Finding {
            subject: pattern.display().to_string(),
            run: None,
            baseline: None,
            status: Status::Missing,
            message: format!(
                "no records file at {} (named by `records:`, relative to the rubric)",
                pattern.display()
            ),
            observed: "no file".into(),
            expected: expected(f),
            detail: None,
        }]);
    }
    if let (true, RecordsSource::Window(w)) = (srcs.is_empty(), &f.records) {
        let why = super::row_files(w, evidence)?
            .err()
            .unwrap_or_else(|| format!("no {} records", w.label()));
        return Ok(vec![Finding {
            subject: w.label(),
            run: None,
            baseline: None,
            status: Status::Missing,
            message: why,
            observed: "no records".into(),
            expected: expected(f),
            detail: None,
        }]);
    }
    if srcs.is_empty() {
        return Ok(vec![Finding {
            subject: f.group.clone(),
            run: None,
            baseline: None,
            status: Status::Missing,
            message: "no per-sample records to group: the runs have no samples logs (lm-eval \
                      --log_samples), HELM per_instance_stats.json or Inspect AI samples"
                .into(),
            observed: "no records".into(),
            expected: expected(f),
            detail: None,
        }]);
    }
    let mut paths = vec![f.group.as_str()];
    match &f.mode {
        FairnessMode::Score(s) => paths.push(s),
        FairnessMode::Selection { prediction, label } => {
            paths.push(prediction);
            if let Some(l) = label {
                paths.push(l);
            }
        }
    }
    let keys = records::path_keys(&paths);
    let mut findings = Vec::new();
    for (label, run_path, source) in srcs {
        let mut tallies: Tallies = BTreeMap::new();
        match &source {
            Source::Lines(p) => {
                records::for_each_record(p, &keys, |r| tally(f, &mut tallies, label.clone(), r))?
            }
            Source::Helm {
                per_instance,
                scenario_state,
            } => records::for_each_instance(per_instance, scenario_state.as_deref(), &keys, |r| {
                tally(f, &mut tallies, label.clone(), r)
            })?,
            Source::Inspect(p) => crate::evidence::inspect::for_each_record(p, &keys, |r| {
                tally(f, &mut tallies, label.clone(), r)
            })?,
            Source::Samples { path, filters } => {
                records::for_each_sample(path, &keys, filters, |filter, r| {
                    let key = match filter {
                        Some(x) if filters.len() > 1 || x != "none" => format!("{label}@{x}"),
                        _ => label.clone(),
                    };
                    tally(f, &mut tallies, key, r)
                })?
            }
        }
        for (subject, (groups, no_group, no_value)) in tallies {
            findings.push(judge(
                f,
                subject,
                run_path.clone(),
                groups,
                no_group,
                no_value,
            ));
        }
    }
    Ok(findings)
}

fn judge(
    f: &Fairness,
    subject: String,
    run: Option<PathBuf>,
    groups: BTreeMap<String, Tally>,
    no_group: u64,
    no_value: u64,
) -> Finding {
    let (kept, small): (BTreeMap<String, Tally>, BTreeMap<String, Tally>) = groups
        .into_iter()
        .partition(|(_, t)| t.n >= f.min_group_size);
    let reference = fx::reference_group(&kept).map(str::to_owned);
    let ref_rate = reference.as_ref().map(|r| kept[r].rate());
    let mut rows: Vec<GroupRow> = kept
        .iter()
        .map(|(g, t)| GroupRow {
            group: g.clone(),
            n: t.n,
            rate: t.rate(),
            tpr: t.tpr(),
            fpr: t.fpr(),
            disparity: ref_rate.map(|r| fx::disparity(t.rate(), r)),
            excluded: false,
        })
        .collect();
    rows.extend(small.iter().map(|(g, t)| GroupRow {
        group: g.clone(),
        n: t.n,
        rate: t.rate(),
        tpr: t.tpr(),
        fpr: t.fpr(),
        disparity: None,
        excluded: true,
    }));
    let difference = fx::difference(kept.values().map(Tally::rate));
    let ratio = fx::ratio(kept.values().map(Tally::rate));
    let eo = match &f.mode {
        FairnessMode::Selection { label: Some(_), .. } => fx::equalized_odds_difference(&kept),
        _ => None,
    };
    let rate_name = match f.mode {
        FairnessMode::Score(_) => "score",
        FairnessMode::Selection { .. } => "selection_rate",
    };
    let table: Vec<String> = rows
        .iter()
        .filter(|r| !r.excluded)
        .map(|r| format!("{} {} (n={})", r.group, fmt(r.rate), r.n))
        .collect();
    let excluded: Vec<String> = rows
        .iter()
        .filter(|r| r.excluded)
        .map(|r| format!("{} (n={})", r.group, r.n))
        .collect();
    let detail = FairnessDetail {
        rate: rate_name,
        groups: rows,
        reference_group: reference,
        difference,
        ratio,
        equalized_odds_difference: eo,
        min_group_size: f.min_group_size,
        records_without_group: no_group,
        records_without_value: no_value,
    };
    let mut finding = Finding {
        subject: subject.clone(),
        run,
        baseline: None,
        status: Status::Pass,
        message: String::new(),
        observed: String::new(),
        expected: expected(f),
        detail: None,
    };
    let excluded_note = if excluded.is_empty() {
        String::new()
    } else {
        format!(
            "; left out below min_group_size {}: {}",
            f.min_group_size,
            excluded.join(", ")
        )
    };
    if kept.len() < 2 {
        finding.status = Status::Missing;
        finding.message = format!(
            "{subject}: {} group(s) of `{}` with at least {} records, fewer than the two a \
             comparison needs{excluded_note}",
            kept.len(),
            f.group,
            f.min_group_size
        );
        finding.observed = format!("{} group(s)", kept.len());
        finding.detail = Some(Detail::Fairness(detail));
        return finding;
    }
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    if let (Some(max), Some(d)) = (f.max_difference, difference) {
        seen.push(format!("difference {}", fmt(d)));
        if !d.is_finite() || d > max + 1e-12 {
            problems.push(format!("difference {} > {}", fmt(d), fmt(max)));
        }
    }
    if let (Some(min), Some(r)) = (f.min_ratio, ratio) {
        seen.push(format!("ratio {}", fmt(r)));
        if !r.is_finite() || r < min - 1e-12 {
            problems.push(format!("ratio {} < {}", fmt(r), fmt(min)));
        }
    }
    if let Some(max) = f.max_equalized_odds_difference {
        match eo {
            Some(e) => {
                seen.push(format!("equalized odds {}", fmt(e)));
                if !e.is_finite() || e > max + 1e-12 {
                    problems.push(format!(
                        "equalized odds difference {} > {}",
                        fmt(e),
                        fmt(max)
                    ));
                }
            }
            None => {
                finding.status = Status::Missing;
                problems
                    .push("no two groups have both labels, so equalized odds is undefined".into());
            }
        }
    }
    finding.observed = seen.join(", ");
    let groups_text = format!("{} by {}: {}", rate_name, f.group, table.join(", "));
    if problems.is_empty() {
        finding.message = format!(
            "{subject}: {}; {groups_text}{excluded_note}",
            seen.join(", ")
        );
    } else {
        if finding.status != Status::Missing || problems.len() > 1 {
            finding.status = Status::Fail;
        }
        finding.message = format!(
            "{subject}: {}; {groups_text}{excluded_note}",
            problems.join("; ")
        );
    }
    finding.detail = Some(Detail::Fairness(detail));
    finding
}

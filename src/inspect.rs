//! `govgate inspect`: what was found, and the selector that names each metric.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::checks::provenance::{Item, ItemStatus, assess};
use crate::model::{DirectionSource, Format, ModelInfo, Provenance, Run, StderrKind, TaskInfo};
use crate::num::fmt;
use crate::rubric::selector::selector_for;

/// Plain-text listing of runs.
pub fn render_text(runs: &[Run]) -> String {
    let mut out = String::new();
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}\n", run.label()));
        if let Some(name) = &run.name
            && run.format.tool == crate::model::Tool::Helm
            && run.source.path.ends_with("stats.json")
        {
            out.push_str(&format!("  run:        {name}\n"));
        }
        out.push_str(&format!("  format:     {}\n", run.format));
        if let Some(u) = &run.unfinished {
            out.push_str(&format!(
                "  status:     did not finish ({u}): no check passes on this run\n"
            ));
        }
        out.push_str(&format!("  model:      {}\n", model_line(&run.model)));
        out.push_str(&format!("  provenance: {}\n", run.provenance.summary()));
        let items: Vec<ItemStatus> = Item::ALL.iter().map(|i| assess(run, *i)).collect();
        let present: Vec<&str> = items
            .iter()
            .filter(|s| s.present)
            .map(|s| s.item.name())
            .collect();
        let absent: Vec<String> = items
            .iter()
            .filter(|s| !s.present)
            .map(|s| format!("{} ({})", s.item.name(), s.looked_for))
            .collect();
        out.push_str(&format!(
            "  recorded:   {}\n",
            if present.is_empty() {
                "none".to_owned()
            } else {
                present.join(", ")
            }
        ));
        if !absent.is_empty() {
            out.push_str(&format!("  not found:  {}\n", absent.join("; ")));
        }
        let with_samples: Vec<&str> = run
            .tasks
            .iter()
            .filter(|t| t.samples.is_some())
            .map(|t| t.name.as_str())
            .collect();
        out.push_str(&format!(
            "  tasks:      {} ({} groups), per-sample values for {}\n",
            run.tasks.len(),
            run.tasks.iter().filter(|t| t.is_group).count(),
            if with_samples.is_empty() {
                "none".to_owned()
            } else {
                with_samples.join(", ")
            }
        ));
        for t in run.tasks.iter().filter(|t| t.errored.is_some()) {
            out.push_str(&format!("  samples:    {}\n", sample_line(t)));
        }
        if !run.perturbations.is_empty() {
            let p: Vec<String> = run
                .perturbations
                .iter()
                .map(|p| {
                    let kind = match (p.robustness, p.fairness) {
                        (true, true) => "robustness, fairness",
                        (true, false) => "robustness",
                        (false, true) => "fairness",
                        (false, false) => "neither",
                    };
                    format!("{} ({kind})", p.name)
                })
                .collect();
            out.push_str(&format!("  perturbed:  {}\n", p.join(", ")));
        }
        if !run.unmeasured.is_empty() {
            out.push_str(&format!(
                "  unmeasured: {} (count 0: no value, not zero)\n",
                run.unmeasured.join(", ")
            ));
        }
        if !run.not_numeric.is_empty() {
            let listed: Vec<String> = run
                .not_numeric
                .iter()
                .map(|n| format!("{} ({})", n.label(), n.kind))
                .collect();
            out.push_str(&format!(
                "  not gateable: {} (present, not a number)\n",
                listed.join(", ")
            ));
        }
        let mut t = Table::new();
        t.load_style(presets::NOTHING);
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.force_no_tty();
        t.set_header(["  selector", "value", "±stderr", "n", "direction"]);
        for m in &run.metrics {
            let stderr = match (m.stderr, m.stderr_kind) {
                (Some(s), Some(StderrKind::Clt)) => format!("{} (clt)", fmt(s)),
                (Some(s), Some(StderrKind::Clustered)) => format!("{} (clustered)", fmt(s)),
                (Some(s), Some(StderrKind::PerInstance)) => format!("{} (per-instance)", fmt(s)),
                (Some(s), _) => fmt(s),
                (None, _) => "-".into(),
            };
            let mut direction = match (m.higher_is_better, m.direction_source) {
                (Some(true), Some(src)) => format!("higher ({src})"),
                (Some(false), Some(src)) => format!("lower ({src})"),
                _ => "unknown".into(),
            };
            if m.informational {
                direction.push_str(", info");
            }
            t.add_row(vec![
                Cell::new(format!("  {}", selector_for(run, m))),
                Cell::new(fmt(m.value)).set_alignment(CellAlignment::Right),
                Cell::new(stderr).set_alignment(CellAlignment::Right),
                Cell::new(m.n.map(|n| n.to_string()).unwrap_or_else(|| "-".into()))
                    .set_alignment(CellAlignment::Right),
                Cell::new(direction),
            ]);
        }
        if run.metrics.is_empty() {
            out.push_str("  (no metrics)\n");
        } else {
            for line in t.to_string().lines() {
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
    out
}

/// An Inspect task's samples: ids scored of the dataset, epochs, errors.
fn sample_line(t: &TaskInfo) -> String {
    let mut s = format!("{}: ", t.name);
    match (t.n_effective, t.n_original) {
        (Some(e), Some(o)) => s.push_str(&format!("{e} of {o} completed")),
        (Some(e), None) => s.push_str(&format!("{e} completed")),
        _ => s.push_str("count unknown"),
    }
    if let Some(k) = t.epochs.filter(|k| *k > 1) {
        s.push_str(&format!(", {k} epochs each"));
    }
    match t.errored {
        Some(0) | None => s.push_str(", none errored"),
        Some(e) => s.push_str(&format!(
            ", {e} errored (left out of Inspect's metrics, counted here)"
        )),
    }
    if let Some(u) = t.unscored.filter(|u| *u > 0) {
        s.push_str(&format!(
            ", {u} unscored (`Score.unscored()`: left out of n and of Inspect's metrics, \
             neither wrong nor missing)"
        ));
    }
    if let Some(k) = t.fallbacks.filter(|k| *k > 0) {
        s.push_str(&format!(
            ", {k} served in part by a fallback model (`model_fallbacks`)"
        ));
    }
    s
}

fn model_line(m: &ModelInfo) -> String {
    let name = m.name.clone().unwrap_or_else(|| "(not recorded)".into());
    let mut extra = Vec::new();
    if let Some(b) = &m.backend {
        extra.push(b.clone());
    }
    if let Some(a) = &m.args {
        extra.push(a.clone());
    }
    if let Some(r) = &m.revision {
        extra.push(format!("revision {r}"));
    }
    if extra.is_empty() {
        name
    } else {
        format!("{name} ({})", extra.join("; "))
    }
}

#[derive(Serialize)]
struct JsonListing<'a> {
    schema_version: u32,
    runs: Vec<JsonRun<'a>>,
    /// With `--baseline`: each current task against each baseline run holding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparability: Option<&'a [Pairing]>,
}

/// A current run's task against a baseline run holding the same task.
#[derive(Debug, Clone, Serialize)]
pub struct Pairing {
    pub task: String,
    pub current: String,
    pub baseline: String,
    /// No difference: the two measured the same thing.
    pub comparable: bool,
    pub differences: Vec<crate::comparability::Difference>,
    pub notes: Vec<String>,
}

/// Every current task against every baseline run holding it: the comparability rule of the
/// comparing checks, and for tasks with per-sample logs on both sides, their documents
/// (`doc_hash` of each shared `doc_id`).
pub fn comparability(current: &[Run], baseline: &[Run]) -> crate::error::Result<Vec<Pairing>> {
    let mut out = Vec::new();
    let mut cache = crate::checks::SampleCache::default();
    for run in current {
        for t in run.tasks.iter() {
            for b in baseline.iter().filter(|b| b.task(&t.name).is_some()) {
                let mut cmp = crate::comparability::compare(run, &t.name, b, &t.name);
                if let Some(d) = documents(run, b, &t.name, &mut cache)? {
                    cmp.add(d);
                }
                out.push(Pairing {
                    task: t.name.clone(),
                    current: run.label(),
                    baseline: b.label(),
                    comparable: cmp.differences.is_empty(),
                    differences: cmp.differences,
                    notes: cmp.notes,
                });
            }
        }
    }
    Ok(out)
}

/// Documents whose `doc_hash`es differ, read through a metric both runs report for `task`
/// (per-sample logs on both sides), as the regression check reads them.
fn documents(
    run: &Run,
    b: &Run,
    task: &str,
    cache: &mut crate::checks::SampleCache,
) -> crate::error::Result<Option<crate::comparability::Difference>> {
    let (Some(ta), Some(tb)) = (run.task(task), b.task(task)) else {
        return Ok(None);
    };
    let (Some(sa), Some(sb)) = (&ta.samples, &tb.samples) else {
        return Ok(None);
    };
    let Some(m) = run
        .metrics
        .iter()
        .find(|m| m.task == task && b.metrics.iter().any(|x| x.key() == m.key()))
    else {
        return Ok(None);
    };
    let va = cache.values(sa, &m.name, m.variant.as_deref(), &ta.filters, None)?;
    let vb = cache.values(sb, &m.name, m.variant.as_deref(), &tb.filters, None)?;
    if va.doc_hashes.is_empty() || vb.doc_hashes.is_empty() {
        return Ok(None);
    }
    let ids = |v: &crate::evidence::samples::SampleValues| -> Vec<(u64, u64)> {
        v.values
            .iter()
            .zip(&v.doc_hashes)
            .map(|((d, _), h)| (*d, *h))
            .collect()
    };
    Ok(crate::comparability::documents(&ids(&va), &ids(&vb)))
}

/// The comparability section of `inspect --baseline`.
pub fn render_comparability(pairs: &[Pairing]) -> String {
    let mut out = String::from("\ncomparability with the baseline (what each task measured):\n");
    if pairs.is_empty() {
        out.push_str("  no baseline run holds a task of the current runs\n");
        return out;
    }
    for p in pairs {
        let verdict = if p.comparable {
            "comparable".to_owned()
        } else {
            let d: Vec<String> = p.differences.iter().map(|d| d.to_string()).collect();
            format!("NOT comparable: {}", d.join("; "))
        };
        out.push_str(&format!(
            "  {}: {} vs baseline {}: {verdict}\n",
            p.task, p.current, p.baseline
        ));
        for n in &p.notes {
            out.push_str(&format!("      note: {n}\n"));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonRun<'a> {
    path: String,
    sha256: &'a str,
    bytes: u64,
    format: &'a Format,
    model: &'a ModelInfo,
    provenance: &'a Provenance,
    /// Each provenance item: present or not, and the field looked for.
    provenance_items: Vec<ItemStatus>,
    tasks: &'a [TaskInfo],
    name: Option<&'a str>,
    perturbations: &'a [crate::model::Perturbation],
    unmeasured: &'a [String],
    /// Metrics present whose value is not a number: listed, never gated.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    not_gateable: &'a [crate::model::NotNumeric],
    /// Set when the run did not finish (Inspect AI status other than `success`).
    #[serde(skip_serializing_if = "Option::is_none")]
    unfinished: Option<&'a crate::model::Unfinished>,
    metrics: Vec<JsonMetric<'a>>,
}

#[derive(Serialize)]
struct JsonMetric<'a> {
    selector: String,
    task: &'a str,
    metric: &'a str,
    variant: Option<&'a str>,
    #[serde(serialize_with = "crate::num::ser")]
    value: f64,
    #[serde(serialize_with = "crate::num::ser_opt")]
    stderr: Option<f64>,
    stderr_kind: Option<StderrKind>,
    n: Option<u64>,
    higher_is_better: Option<bool>,
    direction_source: Option<DirectionSource>,
    group: bool,
    informational: bool,
    /// HELM: the trials the value averages, and their sample sd.
    #[serde(skip_serializing_if = "Option::is_none")]
    trials: Option<crate::model::TrialSpread>,
}

/// JSON listing of runs (`schema_version` 1), with the comparability of the current tasks
/// with the baseline runs when `inspect --baseline` was given.
pub fn render_json(runs: &[Run], comparability: Option<&[Pairing]>) -> String {
    let listing = JsonListing {
        schema_version: 1,
        comparability,
        runs: runs
            .iter()
            .map(|r| JsonRun {
                path: r.label(),
                sha256: &r.source.sha256,
                bytes: r.source.bytes,
                format: &r.format,
                model: &r.model,
                provenance: &r.provenance,
                provenance_items: Item::ALL.iter().map(|i| assess(r, *i)).collect(),
                tasks: &r.tasks,
                name: r.name.as_deref(),
                perturbations: &r.perturbations,
                unmeasured: &r.unmeasured,
                not_gateable: &r.not_numeric,
                unfinished: r.unfinished.as_ref(),
                metrics: r
                    .metrics
                    .iter()
                    .map(|m| JsonMetric {
                        selector: selector_for(r, m),
                        task: &m.task,
                        metric: &m.name,
                        variant: m.variant.as_deref(),
                        value: m.value,
                        stderr: m.stderr,
                        stderr_kind: m.stderr_kind,
                        n: m.n,
                        higher_is_better: m.higher_is_better,
                        direction_source: m.direction_source,
                        group: m.is_group,
                        informational: m.informational,
                        trials: m.trials,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&listing)
        .unwrap_or_else(|e| format!("{{\"schema_version\": 1, \"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

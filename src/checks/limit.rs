//! Whether a task's numbers were cut short by a limit: one judgement, shared by `coverage`
//! (per task) and `provenance` (`forbid_limit`, per run), so the two never disagree.
//!
//! * lm-eval / lmms-eval `config.limit` (`--limit N`, or a fraction), Inspect AI
//!   `eval.config.limit` (`--limit N` or a `[start, end)` range): a cap the task stayed under
//!   did not cut it (`--limit 100` on a 40-document task).
//! * HELM `adapter_spec.max_eval_instances` caps the instances of **all splits together**
//!   (HELM samples them before splitting), so the cap is judged against their sum: a run
//!   capped at 20 that evaluated 19 `test` and 1 `valid` instance was cut short.
//! * `n-samples` effective < original (lm-eval) is a cut whatever the config says.
//! * A file that records no configuration (a helm-summarize table; an lm-eval file without
//!   `config`) cannot say whether a limit applied: the judgement is `Unknown`, never "no
//!   limit" inferred from silence.

use crate::model::{Run, TaskInfo, Tool};
use crate::num::fmt;

/// What is known of a task's limit.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// The configuration is recorded and caps nothing that was evaluated.
    Full,
    /// The task was (or may have been, the count being unknown) cut short; why, in words.
    Cut(String),
    /// The file does not record whether a limit applied; what would have told.
    Unknown(&'static str),
}

/// The flag a user passed, as the format names it.
pub fn flag(run: &Run) -> &'static str {
    match run.format.tool {
        Tool::Helm => "max_eval_instances",
        Tool::Lighteval => "--max-samples",
        Tool::Promptfoo => "a test filter (--filter-first-n, --filter-pattern, …)",
        _ => "--limit",
    }
}

/// The limit as the user typed it (Inspect's `--limit 5-15` is stored as `[4, 15]`).
pub fn limit_text(run: &Run) -> Option<String> {
    let l = run.provenance.limit?;
    if run.format.tool == Tool::Promptfoo {
        return Some(format!(
            "{}: {} test(s) of the suite ran",
            flag(run),
            fmt(l)
        ));
    }
    let sep = if run.format.tool == Tool::Helm {
        " = "
    } else {
        " "
    };
    Some(match run.provenance.limit_range {
        Some((start, end)) => format!("{}{sep}{}-{end}", flag(run), start.saturating_add(1)),
        None => format!("{}{sep}{}", flag(run), fmt(l)),
    })
}

/// What a format would have recorded a limit in.
fn looked_for(run: &Run) -> &'static str {
    match run.format.tool {
        Tool::Helm => {
            "`adapter_spec.max_eval_instances` in run_spec.json; a helm-summarize table records no limits"
        }
        Tool::Inspect => "eval.config.limit",
        Tool::Lighteval => "config_general.max_samples",
        Tool::Promptfoo => "`config.tests` as a list, to count the tests run against",
        _ => "config.limit",
    }
}

/// Instances evaluated across the task's splits (HELM), or `n` where splits are not
/// recorded; with the per-split counts in words when there is more than one split.
fn evaluated(task: &TaskInfo, n: Option<u64>) -> (Option<u64>, Option<String>) {
    if task.split_counts.len() < 2 {
        return (n, None);
    }
    let total: u64 = task.split_counts.values().sum();
    let listing = task
        .split_counts
        .iter()
        .map(|(s, k)| format!("{s} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    (Some(total), Some(listing))
}

/// Judges one task of a run. `n` is the documents evaluated as the caller counted them
/// (n-samples, a samples log).
pub fn judge(run: &Run, task: &TaskInfo, n: Option<u64>) -> Limit {
    let p = &run.provenance;
    let mut why = Vec::new();
    if let (Some(l), Some(text)) = (p.limit, limit_text(run)) {
        let (total, listing) = evaluated(task, n);
        match (total, listing) {
            // an Inspect `--limit 5-15` range is a subset whatever was counted
            _ if p.limit_range.is_some() => why.push(format!("the run was made with {text}")),
            // a cap the task stayed under did not cut it
            (Some(t), _) if (t as f64) < l => {}
            (Some(t), Some(listing)) => why.push(format!(
                "the run was made with {text} and {t} instances were evaluated across its \
                 splits ({listing})"
            )),
            // (the count is in the finding's `observed`, or unknown: a cap that may
            // have cut the task is a cut)
            (_, None) | (None, _) => why.push(format!("the run was made with {text}")),
        }
    }
    if let (Some(e), Some(o)) = (task.n_effective, task.n_original)
        && e < o
    {
        why.push(format!("{e} of {o} documents were evaluated"));
    }
    if !why.is_empty() {
        return Limit::Cut(why.join("; "));
    }
    if p.limit.is_none() && !p.config_recorded {
        return Limit::Unknown(looked_for(run));
    }
    Limit::Full
}

/// Judges a run: cut if any task was; unknown if none was cut and any is unknown.
pub fn judge_run(run: &Run) -> Limit {
    if let Some((start, end)) = run.provenance.limit_range {
        return Limit::Cut(format!(
            "config.limit = [{start}, {end}] (samples {} to {end})",
            start.saturating_add(1)
        ));
    }
    let mut unknown = None;
    let mut cut = Vec::new();
    for t in &run.tasks {
        match judge(run, t, t.n_effective) {
            Limit::Cut(why) => cut.push(format!("{}: {why}", t.name)),
            Limit::Unknown(w) => unknown = Some(w),
            Limit::Full => {}
        }
    }
    if run.tasks.is_empty() && !run.provenance.config_recorded {
        unknown = Some(looked_for(run));
    }
    if !cut.is_empty() {
        return Limit::Cut(cut.join("; "));
    }
    unknown.map_or(Limit::Full, Limit::Unknown)
}

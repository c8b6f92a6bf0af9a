//! `coverage`: the tasks are there, evaluated on enough documents, not with `--limit`.
//!
//! ## What it checks
//! Every task glob matches at least one task of the current runs. For each matched task:
//! its effective document count (`n-samples.effective`, `sample_len`, the sum over a
//! group's subtasks, or the documents in its samples log) is at least `min_samples`; and,
//! unless `allow_limit: true`, the run was not limited — `config.limit` is null and every
//! document of the task's split was evaluated (`effective == original`).
//!
//! ## Why it matters
//! `lm-eval --limit 10` prints scores that look like any others. A gate on them is a gate on
//! ten questions. lm-eval itself warns the flag is "only for testing".
//!
//! ## Configuration
//! ```yaml
//! - id: full-coverage
//!   level: 2
//!   coverage: { tasks: ["mmlu*", gsm8k], min_samples: 100, allow_limit: false }
//! ```
//!
//! For an Inspect AI log a document is a sample id (its epochs are repeats of it, so `n`
//! counts ids, not sample × epoch records); `--limit` (`config.limit`, a `[start, end)`
//! range too) or a dataset subset is a limited run, and a sample that ended in an error
//! fails the task whatever `allow_limit` says: Inspect leaves it out of its metrics.
//!
//! HELM's `max_eval_instances` caps all splits together, so it is judged against the
//! instances evaluated across them (see [`super::limit`]). A file that records no
//! configuration (a helm-summarize table) cannot say whether a limit applied: with
//! `allow_limit: false` that is `missing`, never "no limit".
//!
//! An Inspect sample scored `Score.unscored()` (NaN) is left out of `n`, as Inspect leaves
//! it out of its metrics, and said in the finding: it is neither a wrong answer nor a
//! missing one. A sample served, in part, by a fallback model (`model_fallbacks`) fails
//! the task: its score is not only the named model's.
//!
//! ## Failure
//! A glob that matches no task is `missing`. A task that scored nothing (`n = 0`, or no
//! score recorded for it, as in an Inspect log without `results`) fails, whatever
//! `allow_limit` says. A limited run fails, as does an Inspect task with errored samples. Fewer documents than `min_samples` fails; an unknown count, with
//! `min_samples` set, is `missing`.

use serde::Serialize;

use super::limit::{self, Limit};
use super::{Detail, Finding, Status};
use crate::error::Result;
use crate::evidence::samples;
use crate::model::{Evidence, Run, TaskInfo};
use crate::rubric::Coverage;

/// The numbers behind a coverage finding.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageDetail {
    pub task: String,
    /// Documents evaluated.
    pub n: Option<u64>,
    /// Where `n` came from.
    pub n_source: Option<&'static str>,
    /// Documents in the task's split.
    pub n_original: Option<u64>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub limit: Option<f64>,
    pub min_samples: Option<u64>,
    pub allow_limit: bool,
}

fn expected_text(c: &Coverage) -> String {
    let mut parts = vec!["present".to_owned()];
    if let Some(n) = c.min_samples {
        parts.push(format!("n >= {n}"));
    }
    if !c.allow_limit {
        parts.push("no --limit".into());
    }
    parts.join(", ")
}

/// Whether the run records any score for the task (of its own, or of a subtask's when it is
/// a group). A log whose `results` are absent has tasks but no scores.
fn scored(run: &Run, task: &TaskInfo) -> bool {
    // a group's score may be its subtasks', through nested groups (lm-eval's mmlu →
    // mmlu_stem → mmlu_abstract_algebra, without aggregate metrics)
    let mut pending: Vec<&str> = vec![task.name.as_str()];
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name) {
            continue;
        }
        if run
            .metrics
            .iter()
            .any(|m| !m.informational && m.task == name)
        {
            return true;
        }
        if let Some(t) = run.tasks.iter().find(|t| t.name == name) {
            pending.extend(t.subtasks.iter().map(String::as_str));
        }
    }
    false
}

/// Documents evaluated for a task, and where that number came from.
fn documents(task: &TaskInfo) -> Result<(Option<u64>, Option<&'static str>)> {
    // Inspect: a completed sample its scorer left unscored is not in the metrics' n
    if let (Some(n), Some(u)) = (task.n_effective, task.unscored.filter(|u| *u > 0)) {
        return Ok((Some(n.saturating_sub(u)), Some("scored samples")));
    }
    if let Some(n) = task.n_effective {
        let src = if task.is_group {
            "sum over subtasks"
        } else {
            "n-samples"
        };
        return Ok((Some(n), Some(src)));
    }
    if let Some(source) = &task.samples {
        return Ok((Some(samples::count_documents(source)?), Some("samples log")));
    }
    Ok((None, None))
}

pub fn run(c: &Coverage, evidence: &Evidence) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for (pattern, glob) in &c.tasks {
        let matched: Vec<(&Run, &TaskInfo)> = evidence
            .current
            .iter()
            .flat_map(|r| r.tasks.iter().map(move |t| (r, t)))
            .filter(|(_, t)| glob.is_match(&t.name))
            .collect();
        if matched.is_empty() {
            findings.push(Finding {
                subject: pattern.clone(),
                run: None,
                baseline: None,
                status: Status::Missing,
                message: format!("no task matches `{pattern}` in the current runs"),
                observed: "absent".into(),
                expected: expected_text(c),
                detail: None,
            });
            continue;
        }
        for (run, task) in matched {
            findings.push(task_finding(c, run, task, scored(run, task))?);
        }
    }
    Ok(findings)
}

fn task_finding(c: &Coverage, run: &Run, task: &TaskInfo, scored: bool) -> Result<Finding> {
    let (n, n_source) = documents(task)?;
    let limit = run.provenance.limit;
    let mut problems = Vec::new();
    let mut status = Status::Pass;

    // n = 0, or a task with no score at all, is never coverage, whatever its limit says
    if n == Some(0) {
        status = Status::Fail;
        problems.push("no sample was scored (n = 0)".to_owned());
    } else if !scored {
        status = Status::Fail;
        problems.push("the file records no score for it (no results)".to_owned());
    }
    match limit::judge(run, task, n) {
        Limit::Cut(why) if !c.allow_limit => {
            status = Status::Fail;
            problems.push(why);
        }
        Limit::Unknown(looked_for) if !c.allow_limit => {
            if status == Status::Pass {
                status = Status::Missing;
            }
            problems.push(format!(
                "whether a limit applied is not recorded (looked for {looked_for})"
            ));
        }
        _ => {}
    }
    // Inspect leaves errored samples out of its metrics without a word: a task with one is
    // not covered, limit or not
    if let Some(e) = task.errored.filter(|e| *e > 0) {
        status = Status::Fail;
        problems.push(format!(
            "{e} sample{} ended in an error (Inspect leaves {} out of its metrics)",
            if e == 1 { "" } else { "s" },
            if e == 1 { "it" } else { "them" }
        ));
    }
    // a sample answered, in part, by another model is not evidence about this one
    if let Some(k) = task.fallbacks.filter(|k| *k > 0) {
        status = Status::Fail;
        problems.push(format!(
            "{k} sample{} served, in part, by a fallback model (`model_fallbacks`): {} not \
             only this model's",
            if k == 1 { " was" } else { "s were" },
            if k == 1 {
                "its score is"
            } else {
                "their scores are"
            }
        ));
    }
    if let Some(min) = c.min_samples {
        match n {
            Some(n) if n < min => {
                status = Status::Fail;
                problems.push(format!("n = {n} < min_samples {min}"));
            }
            Some(_) => {}
            None => {
                if status == Status::Pass {
                    status = Status::Missing;
                }
                problems.push(
                    "the document count is unknown (no n-samples, sample_len or samples log)"
                        .into(),
                );
            }
        }
    }

    let mut n_text = n
        .map(|n| format!("n = {n}"))
        .unwrap_or_else(|| "n unknown".into());
    if let Some(k) = task.epochs.filter(|k| *k > 1) {
        n_text.push_str(&format!(" × {k} epochs"));
    }
    let mut observed = match limit::limit_text(run) {
        Some(l) => format!("{n_text}, {l}"),
        None => n_text.clone(),
    };
    if !task.split_counts.is_empty() && task.split_counts.len() > 1 {
        let total: u64 = task.split_counts.values().sum();
        observed.push_str(&format!(" ({total} across its splits)"));
    }
    if let Some(e) = task.errored.filter(|e| *e > 0) {
        observed.push_str(&format!(", {e} errored"));
    }
    if let Some(u) = task.unscored.filter(|u| *u > 0) {
        observed.push_str(&format!(", {u} unscored"));
    }
    if let Some(k) = task.fallbacks.filter(|k| *k > 0) {
        observed.push_str(&format!(", {k} with a fallback model"));
    }
    // unscored samples are left out of n and of the metrics, as Inspect leaves them: said,
    // not failed (a grader's "cannot score" is neither a wrong answer nor a missing one)
    let unscored_note = task.unscored.filter(|u| *u > 0).map(|u| {
        format!(
            " ({u} more unscored: `Score.unscored()`, left out of n and of Inspect's \
             metrics, counted neither wrong nor missing)"
        )
    });
    let mut message = if problems.is_empty() {
        format!("{}: present, {n_text}", task.name)
    } else {
        format!("{}: {}", task.name, problems.join("; "))
    };
    if let Some(note) = unscored_note {
        message.push_str(&note);
    }
    Ok(Finding {
        subject: task.name.clone(),
        run: Some(run.source.path.clone()),
        baseline: None,
        status,
        message,
        observed,
        expected: expected_text(c),
        detail: Some(Detail::Coverage(CoverageDetail {
            task: task.name.clone(),
            n,
            n_source,
            n_original: task.n_original,
            limit,
            min_samples: c.min_samples,
            allow_limit: c.allow_limit,
        })),
    })
}

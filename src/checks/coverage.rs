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
//! ## Failure
//! A glob that matches no task is `missing`. A limited run fails, as does an Inspect task
//! with errored samples. Fewer documents than `min_samples` fails; an unknown count, with
//! `min_samples` set, is `missing`.

use serde::Serialize;

use super::{Detail, Finding, Status};
use crate::error::Result;
use crate::evidence::samples;
use crate::model::{Evidence, Run, TaskInfo};
use crate::num::fmt;
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

/// Documents evaluated for a task, and where that number came from.
fn documents(task: &TaskInfo) -> Result<(Option<u64>, Option<&'static str>)> {
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
            findings.push(task_finding(c, run, task)?);
        }
    }
    Ok(findings)
}

fn task_finding(c: &Coverage, run: &Run, task: &TaskInfo) -> Result<Finding> {
    let (n, n_source) = documents(task)?;
    let limit = run.provenance.limit;
    let partial = matches!((task.n_effective, task.n_original), (Some(e), Some(o)) if e < o);
    // A cap the task stayed under did not cut it (HELM's max_eval_instances 1000 on a
    // 500-instance scenario; lm-eval's --limit 100 on a 40-document task).
    let capped = limit.is_some_and(|l| !matches!(n, Some(n) if (n as f64) < l));
    let flag = match run.format.tool {
        crate::model::Tool::Helm => "max_eval_instances",
        _ => "--limit",
    };
    let sep = if flag == "--limit" { " " } else { " = " };
    // Inspect's `--limit 5-15` is stored as [4, 15]: say it as it was typed
    let limit_text = |l: f64| match run.provenance.limit_range {
        Some((start, end)) => format!("{}-{end}", start.saturating_add(1)),
        None => fmt(l),
    };
    let mut problems = Vec::new();
    let mut status = Status::Pass;

    if !c.allow_limit && (capped || partial) {
        status = Status::Fail;
        let mut why = Vec::new();
        if let (true, Some(l)) = (capped, limit) {
            why.push(format!(
                "the run was made with {flag}{sep}{}",
                limit_text(l)
            ));
        }
        if let (true, Some(e), Some(o)) = (partial, task.n_effective, task.n_original) {
            why.push(format!("{e} of {o} documents were evaluated"));
        }
        problems.push(why.join("; "));
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
    let mut observed = match limit {
        Some(l) => format!("{n_text}, {flag}{sep}{}", limit_text(l)),
        None => n_text.clone(),
    };
    if let Some(e) = task.errored.filter(|e| *e > 0) {
        observed.push_str(&format!(", {e} errored"));
    }
    let message = if problems.is_empty() {
        format!("{}: present, {n_text}", task.name)
    } else {
        format!("{}: {}", task.name, problems.join("; "))
    };
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

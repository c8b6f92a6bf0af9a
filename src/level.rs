//! From check outcomes to support levels to a verdict.
//!
//! Levels are cumulative, like SLSA build levels: a process is at level L when every
//! (non-advisory) check of that process with level ≤ L passed. A process is never rated
//! above the highest level its rubric checks for: with only level-1 checks, passing them
//! all is level 1, not 3. No checks, or a failing level-1 check: level 0. Advisory checks
//! are reported but neither lower nor raise a level.
//!
//! The gate: every process with a required level must reach it. Exit code 0 if so, 1 if
//! not.

use serde::Serialize;

use crate::checks::Outcome;
use crate::error::exit;
use crate::rubric::ProcessId;

/// Whether a process meets its requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessStatus {
    Pass,
    Fail,
    NotRequired,
}

impl ProcessStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessStatus::Pass => "pass",
            ProcessStatus::Fail => "fail",
            ProcessStatus::NotRequired => "not-required",
        }
    }
}

/// One process's level and what it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessLevel {
    pub id: ProcessId,
    pub name: &'static str,
    pub level: u8,
    pub required: Option<u8>,
    pub status: ProcessStatus,
    /// Non-advisory checks of this process.
    pub checks: usize,
    pub passed: usize,
    pub advisory: usize,
    /// The lowest-level check that did not pass (what holds the level down).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
    /// One line for the table's evidence column.
    pub summary: String,
}

/// The gate's result.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub processes: Vec<ProcessLevel>,
    pub outcomes: Vec<Outcome>,
    pub exit_code: u8,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.exit_code == exit::PASS
    }
}

/// The level a process reaches given its outcomes.
pub fn process_level(outcomes: &[&Outcome]) -> u8 {
    let counted: Vec<&&Outcome> = outcomes.iter().filter(|o| !o.advisory).collect();
    let top = counted.iter().map(|o| o.level).max().unwrap_or(0);
    (1..=top)
        .rev()
        .find(|&l| counted.iter().filter(|o| o.level <= l).all(|o| o.passed()))
        .unwrap_or(0)
}

/// Rolls outcomes up into process levels and the exit code.
pub fn roll_up(outcomes: Vec<Outcome>, require: [Option<u8>; 6]) -> Verdict {
    let mut processes = Vec::with_capacity(6);
    for pid in ProcessId::ALL {
        let mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.process == pid).collect();
        let level = process_level(&mine);
        let required = require[pid.index()];
        let status = match required {
            None => ProcessStatus::NotRequired,
            Some(r) if level >= r => ProcessStatus::Pass,
            Some(_) => ProcessStatus::Fail,
        };
        let counted: Vec<&&Outcome> = mine.iter().filter(|o| !o.advisory).collect();
        let passed = counted.iter().filter(|o| o.passed()).count();
        let advisory = mine.len() - counted.len();
        let blocker = counted
            .iter()
            .filter(|o| !o.passed())
            .min_by_key(|o| o.level)
            .map(|o| (o.id.clone(), o.status, o.level));
        let summary = if counted.is_empty() {
            if advisory > 0 {
                format!("no gating checks ({advisory} advisory)")
            } else {
                "no checks in the rubric".into()
            }
        } else {
            let mut s = format!("{passed}/{} checks pass", counted.len());
            if let Some((id, st, l)) = &blocker {
                s.push_str(&format!("; L{l} {id}: {st}"));
            }
            if advisory > 0 {
                s.push_str(&format!("; {advisory} advisory"));
            }
            s
        };
        processes.push(ProcessLevel {
            id: pid,
            name: pid.name(),
            level,
            required,
            status,
            checks: counted.len(),
            passed,
            advisory,
            blocked_by: blocker.map(|(id, _, _)| id),
            summary,
        });
    }
    let failed = processes.iter().any(|p| p.status == ProcessStatus::Fail);
    Verdict {
        processes,
        outcomes,
        exit_code: if failed {
            exit::GATE_FAILED
        } else {
            exit::PASS
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn o(process: ProcessId, level: u8, status: Status, advisory: bool) -> Outcome {
        Outcome {
            id: format!("c{level}{}", status.as_str()),
            process,
            level,
            kind: "threshold",
            advisory,
            rationale: None,
            status,
            message: String::new(),
            findings: Vec::new(),
            not_gated: Vec::new(),
        }
    }

    fn level_of(list: &[Outcome]) -> u8 {
        let refs: Vec<&Outcome> = list.iter().collect();
        process_level(&refs)
    }

    use ProcessId::S7P1 as P;
    use Status::{Error, Fail, Missing, Pass};

    #[test]
    fn cumulative_levels() {
        assert_eq!(level_of(&[]), 0);
        assert_eq!(level_of(&[o(P, 1, Pass, false)]), 1);
        assert_eq!(
            level_of(&[
                o(P, 1, Pass, false),
                o(P, 2, Pass, false),
                o(P, 3, Pass, false)
            ]),
            3
        );
        assert_eq!(
            level_of(&[
                o(P, 1, Pass, false),
                o(P, 2, Fail, false),
                o(P, 3, Pass, false)
            ]),
            1
        );
        assert_eq!(level_of(&[o(P, 1, Fail, false), o(P, 2, Pass, false)]), 0);
        assert_eq!(level_of(&[o(P, 1, Pass, false), o(P, 3, Pass, false)]), 3);
        assert_eq!(
            level_of(&[o(P, 1, Pass, false), o(P, 3, Missing, false)]),
            2
        );
    }

    #[test]
    fn missing_and_error_never_count_as_pass() {
        assert_eq!(level_of(&[o(P, 1, Missing, false)]), 0);
        assert_eq!(level_of(&[o(P, 1, Error, false)]), 0);
    }

    #[test]
    fn advisory_checks_neither_lower_nor_raise() {
        assert_eq!(level_of(&[o(P, 1, Pass, false), o(P, 2, Fail, true)]), 1);
        assert_eq!(level_of(&[o(P, 1, Pass, false), o(P, 3, Pass, true)]), 1);
        assert_eq!(level_of(&[o(P, 2, Pass, true)]), 0);
    }

    #[test]
    fn the_gate() {
        let mut req = [None; 6];
        req[0] = Some(2);
        let v = roll_up(vec![o(P, 1, Pass, false), o(P, 2, Pass, false)], req);
        assert_eq!(v.exit_code, exit::PASS);
        assert_eq!(v.processes[0].status, ProcessStatus::Pass);
        assert_eq!(v.processes[1].status, ProcessStatus::NotRequired);
        let v = roll_up(vec![o(P, 1, Pass, false), o(P, 2, Missing, false)], req);
        assert_eq!(v.exit_code, exit::GATE_FAILED);
        assert_eq!(v.processes[0].level, 1);
        assert_eq!(v.processes[0].blocked_by.as_deref(), Some("c2missing"));
        // a required process without checks fails
        let mut req = [None; 6];
        req[3] = Some(1);
        assert_eq!(roll_up(vec![], req).exit_code, exit::GATE_FAILED);
    }
}

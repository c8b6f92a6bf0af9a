//! `--format junit`: JUnit XML for GitLab (`artifacts:reports:junit`) and Jenkins.
//!
//! A `<testsuite>` per process, a `<testcase>` per check with `classname` = the process id
//! and `name` = the check id (GitLab keys a case by both, and shows them as Suite and Name).
//! A check that passed is a success. One that failed is a `<failure>` (an evaluation error
//! an `<error>`) whose message is the check's one-line result and whose text lists each
//! finding not passing, observed against expected. A check without evidence is a
//! `<failure type="missing">` where the gate depends on it, and `<skipped>` where it does not
//! (a process nobody requires, a level above the one required, an advisory check) — so the
//! test counts agree with the exit code. No timestamps: the same inputs give the same bytes.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::Context;
use crate::checks::{Outcome, Status};
use crate::level::Verdict;

/// Whether the gate depends on this check (its process is required at its level or above).
fn blocking(o: &Outcome, verdict: &Verdict) -> bool {
    !o.advisory
        && verdict
            .processes
            .iter()
            .find(|p| p.id == o.process)
            .and_then(|p| p.required)
            .is_some_and(|r| o.level <= r)
}

fn description(o: &Outcome) -> String {
    o.findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| {
            format!(
                "{} [{}]: observed {}; expected {}\n  {}",
                f.subject, f.status, f.observed, f.expected, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn case(o: &Outcome, verdict: &Verdict) -> TestCase {
    let status = match o.status {
        Status::Pass => TestCaseStatus::success(),
        s if o.advisory || (s == Status::Missing && !blocking(o, verdict)) => {
            let mut st = TestCaseStatus::skipped();
            let why = if o.advisory {
                "advisory"
            } else {
                "no evidence, not required"
            };
            st.set_message(format!("{why}: {}", o.message));
            st.set_type(s.as_str());
            st.set_description(description(o));
            st
        }
        s => {
            let kind = if s == Status::Error {
                NonSuccessKind::Error
            } else {
                NonSuccessKind::Failure
            };
            let mut st = TestCaseStatus::non_success(kind);
            st.set_message(o.message.clone());
            st.set_type(s.as_str());
            st.set_description(description(o));
            st
        }
    };
    let mut tc = TestCase::new(o.id.clone(), status);
    tc.set_classname(o.process.as_str());
    tc.add_property(Property::new("level", o.level.to_string()));
    tc.add_property(Property::new("kind", o.kind));
    if let Some(r) = &o.rationale {
        tc.add_property(Property::new("rationale", r.clone()));
    }
    tc
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let mut report = Report::new(format!("govgate {}", ctx.rubric.name));
    for p in &verdict.processes {
        let mut suite = TestSuite::new(format!("{} {}", p.id, p.name));
        suite.add_property(Property::new("level", p.level.to_string()));
        suite.add_property(Property::new(
            "required",
            p.required.map_or("-".to_owned(), |r| r.to_string()),
        ));
        suite.add_property(Property::new("status", p.status.as_str()));
        suite.add_test_cases(
            verdict
                .outcomes
                .iter()
                .filter(|o| o.process == p.id)
                .map(|o| case(o, verdict)),
        );
        report.add_test_suite(suite);
    }
    // Serializing strings into memory cannot fail; an empty report is still well formed.
    report.to_string().unwrap_or_else(|e| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"govgate\" tests=\"0\"><!-- {} --></testsuites>\n",
            e.to_string().replace("--", "- -")
        )
    })
}

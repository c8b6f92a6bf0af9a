//! `--format markdown`: GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and pull-request
//! comments — the verdict, the support-level table, and the checks not passing, worst first,
//! with their messages.
//!
//! GitHub accepts at most 1 MiB per step summary; the report stays under
//! [`STEP_SUMMARY_LIMIT`] by leaving out the rows that do not fit and saying how many
//! (`--format json` has them all).

use super::{Context, Problem, Severity, problems, verdict_line};
use crate::level::{ProcessStatus, Verdict};

/// Bytes a report may take: under GitHub's 1 MiB step-summary limit, with room to spare
/// for what other steps append.
pub const STEP_SUMMARY_LIMIT: usize = 1_000_000;

/// Text made safe for a Markdown table cell: pipes escaped, HTML neutralized, one line.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '`' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

fn process_status(s: ProcessStatus) -> &'static str {
    match s {
        ProcessStatus::Pass => "✅ pass",
        ProcessStatus::Fail => "❌ fail",
        ProcessStatus::NotRequired => "➖ not required",
    }
}

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    }
}

/// Renders the report in at most `limit` bytes.
pub fn render(verdict: &Verdict, ctx: &Context<'_>, limit: usize) -> String {
    let mut out = String::new();
    let pass = verdict.passed();
    out.push_str(&format!(
        "### {} govgate: {}\n\n",
        if pass { "✅" } else { "❌" },
        cell(&verdict_line(verdict))
    ));
    out.push_str(&format!(
        "Rubric **{}** (`{}`) · {} current run(s), {} baseline run(s) · exit code {}\n\n",
        cell(&ctx.rubric.name),
        cell(&ctx.rubric.origin.to_string()),
        ctx.evidence.current.len(),
        ctx.evidence.baseline.len(),
        verdict.exit_code
    ));
    out.push_str("| Process | Level | Required | Status | Evidence |\n|---|---|---|---|---|\n");
    for p in &verdict.processes {
        out.push_str(&format!(
            "| {} {} | {} | {} | {} | {} |\n",
            p.id,
            p.name,
            p.level,
            p.required.map_or("-".into(), |r| r.to_string()),
            process_status(p.status),
            cell(&p.summary)
        ));
    }
    let list = problems(verdict);
    if list.is_empty() {
        out.push_str("\nEvery check passed.\n");
        return out;
    }
    let counts = |s: Severity| list.iter().filter(|p| p.severity == s).count();
    out.push_str(&format!(
        "\n#### Checks not passing: {} blocking, {} other, {} without evidence (not required)\n\n",
        counts(Severity::Error),
        counts(Severity::Warning),
        counts(Severity::Note)
    ));
    out.push_str(
        "| | Check | Process | Level | Status | Subject | Observed | Expected |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let mut details = String::from("\n<details><summary>Messages</summary>\n\n");
    let footer_room = 200;
    let mut shown = 0;
    for p in &list {
        let row = row(p);
        let msg = format!(
            "- **{}** ({} L{}, {}): {}\n",
            cell(&p.outcome.id),
            p.outcome.process,
            p.outcome.level,
            p.finding.status,
            cell(&p.finding.message)
        );
        if out.len() + details.len() + row.len() + msg.len() + footer_room > limit {
            break;
        }
        out.push_str(&row);
        details.push_str(&msg);
        shown += 1;
    }
    if shown < list.len() {
        out.push_str(&format!(
            "\n… {} more not shown to stay under GitHub's step-summary limit; `--format json` has every finding.\n",
            list.len() - shown
        ));
    }
    details.push_str("\n</details>\n");
    out.push_str(&details);
    out
}

fn row(p: &Problem<'_>) -> String {
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        severity_mark(p.severity),
        cell(&p.outcome.id),
        p.outcome.process,
        p.outcome.level,
        p.finding.status,
        cell(&p.finding.subject),
        cell(&p.finding.observed),
        cell(&p.finding.expected)
    )
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(cell("`x`"), "'x'");
    }
}

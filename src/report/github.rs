//! `--format github`: GitHub Actions workflow commands.
//!
//! The table inside a collapsible `::group::`, then one annotation per finding that did not
//! pass, worst first: `::error` where it holds a required level down, `::warning` for other
//! failures, `::notice` for absent evidence the gate does not depend on — each at its input
//! file (or the rubric file and the check's line). GitHub shows at most 10 error and 10
//! warning annotations per step, so at most [`MAX_PER_LEVEL`] of each level are written; the
//! rest are counted on the last line and are in the step summary (with `GITHUB_STEP_SUMMARY`
//! set, `govgate check --format github` appends the Markdown report to it).
//!
//! Escaping follows the Actions toolkit (`command.ts`): in the message `%` → `%25`,
//! `\r` → `%0D`, `\n` → `%0A`; in a property value also `:` → `%3A` and `,` → `%2C`.

use super::{Context, Severity, location, problems, verdict_line};
use crate::level::Verdict;

/// Annotations GitHub shows per level and step.
pub const MAX_PER_LEVEL: usize = 10;

/// Escapes a command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let mut out = String::new();
    let plain = Context {
        color: false,
        ..*ctx
    };
    out.push_str(&format!(
        "::group::{}\n",
        escape_data(&format!(
            "govgate: rubric {} — {}",
            ctx.rubric.name,
            verdict_line(verdict)
        ))
    ));
    for line in super::table::render(verdict, &plain).lines() {
        // a line of the table must not be read as a workflow command
        if line.starts_with("::") {
            out.push(' ');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("::endgroup::\n");
    let list = problems(verdict);
    let mut shown = [0usize; 3];
    let mut left = 0usize;
    for p in &list {
        let k = p.severity as usize;
        if shown[k] >= MAX_PER_LEVEL {
            left += 1;
            continue;
        }
        shown[k] += 1;
        let mut props = Vec::new();
        if let Some((path, line)) = location(p, ctx) {
            props.push(format!(
                "file={}",
                escape_property(&super::display_path(&path))
            ));
            if let Some(l) = line.filter(|l| *l > 0) {
                props.push(format!("line={l}"));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!(
                "govgate {} {} (level {}, {})",
                p.outcome.process, p.outcome.id, p.outcome.level, p.finding.status
            ))
        ));
        out.push_str(&format!(
            "::{} {}::{}\n",
            command(p.severity),
            props.join(","),
            escape_data(&p.finding.message)
        ));
    }
    let tail = if left == 0 {
        String::new()
    } else if ctx.step_summary {
        format!("; {left} more not annotated (GitHub shows 10 per level), in the step summary")
    } else {
        format!("; {left} more not annotated (GitHub shows 10 per level): see --format json")
    };
    out.push_str(&format!(
        "govgate: {}; {} error, {} warning, {} notice annotation(s){tail}\n",
        verdict_line(verdict),
        shown[0],
        shown[1],
        shown[2]
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(
            escape_property("runs/mmlu:subject=a,b/x.json"),
            "runs/mmlu%3Asubject=a%2Cb/x.json"
        );
        // escaping the escape character first: `%0A` written literally stays literal
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_property("a%3A"), "a%253A");
    }
}

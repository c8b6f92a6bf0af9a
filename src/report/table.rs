//! `--format table`: the support-level table, then what did not pass.

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::Context;
use crate::checks::Status;
use crate::level::Verdict;

/// At most this many findings per check are listed; the JSON report has them all.
const MAX_ROWS_PER_CHECK: usize = 10;

fn table(ctx: &Context<'_>) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    if ctx.color {
        t.enforce_styling();
        t.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.force_no_tty();
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    t
}

fn status_cell(text: &str, ctx: &Context<'_>) -> Cell {
    let cell = Cell::new(text);
    if !ctx.color {
        return cell;
    }
    match text {
        "pass" => cell.fg(Color::Green),
        "fail" => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        "missing" => cell.fg(Color::Yellow),
        "error" => cell.fg(Color::Magenta),
        _ => cell.add_attribute(Attribute::Dim),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let mut extra = String::new();
    for (n, one, many) in [
        (ctx.evidence.history.len(), "history run", "history runs"),
        (
            ctx.evidence.reference.len(),
            "reference records file",
            "reference records files",
        ),
        (
            ctx.evidence.production.len(),
            "production records file",
            "production records files",
        ),
        (
            ctx.evidence.requests.len(),
            "requests records file",
            "requests records files",
        ),
    ] {
        if n > 0 {
            extra.push_str(", ");
            extra.push_str(&plural(n, one, many));
        }
    }
    let mut out = format!(
        "govgate: rubric {} ({}), {}, {}{extra}\n",
        ctx.rubric.name,
        ctx.rubric.origin,
        plural(ctx.evidence.current.len(), "current run", "current runs"),
        plural(ctx.evidence.baseline.len(), "baseline run", "baseline runs"),
    );

    let mut t = table(ctx);
    t.set_header(["id", "process", "level", "required", "status", "evidence"]);
    for p in &verdict.processes {
        t.add_row(vec![
            Cell::new(p.id.as_str()),
            Cell::new(p.name),
            Cell::new(p.level),
            Cell::new(
                p.required
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            status_cell(p.status.as_str(), ctx),
            Cell::new(&p.summary),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');

    // A process nobody requires, whose checks found no evidence, is one line, not a table:
    // the gate is about what is required and what was found.
    let required = |o: &&crate::checks::Outcome| {
        verdict
            .processes
            .iter()
            .any(|p| p.id == o.process && p.required.is_some())
    };
    let quiet: Vec<_> = verdict
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Missing && !required(o))
        .collect();
    // Of a process nobody requires, the table shows the checks that hold it at its level
    // (those of the level above it); failures further up are one line.
    let reached = |o: &&crate::checks::Outcome| {
        verdict
            .processes
            .iter()
            .find(|p| p.id == o.process)
            .map_or(0, |p| p.level)
    };
    let beyond: Vec<_> = verdict
        .outcomes
        .iter()
        .filter(|o| {
            o.status != Status::Pass
                && o.status != Status::Missing
                && !required(o)
                && o.level > reached(o) + 1
        })
        .collect();
    let not_passing: Vec<_> = verdict
        .outcomes
        .iter()
        .filter(|o| o.status != Status::Pass && (o.status != Status::Missing || required(o)))
        .filter(|o| !beyond.iter().any(|b| std::ptr::eq(*b, *o)))
        .collect();
    if !not_passing.is_empty() {
        out.push_str("\nChecks not passing:\n");
        let mut t = table(ctx);
        t.set_header([
            "check", "process", "level", "status", "subject", "observed", "expected",
        ]);
        for o in &not_passing {
            let label = if o.advisory {
                format!("{} (advisory)", o.id)
            } else {
                o.id.clone()
            };
            let bad: Vec<_> = o
                .findings
                .iter()
                .filter(|f| f.status != Status::Pass)
                .collect();
            for f in bad.iter().take(MAX_ROWS_PER_CHECK) {
                t.add_row(vec![
                    Cell::new(&label),
                    Cell::new(o.process.as_str()),
                    Cell::new(o.level),
                    status_cell(f.status.as_str(), ctx),
                    Cell::new(&f.subject),
                    Cell::new(&f.observed),
                    Cell::new(&f.expected),
                ]);
            }
            if bad.len() > MAX_ROWS_PER_CHECK {
                t.add_row(vec![
                    Cell::new(&label),
                    Cell::new(o.process.as_str()),
                    Cell::new(o.level),
                    Cell::new(""),
                    Cell::new(format!(
                        "… {} more (see --format json)",
                        bad.len() - MAX_ROWS_PER_CHECK
                    )),
                    Cell::new(""),
                    Cell::new(""),
                ]);
            }
        }
        out.push_str(&t.to_string());
        out.push('\n');
        for o in &not_passing {
            out.push_str(&format!("  {} [{}]: {}\n", o.id, o.status, o.message));
        }
    }

    if !beyond.is_empty() {
        let parts: Vec<String> = beyond
            .iter()
            .map(|o| format!("{} {} (L{} {})", o.process, o.id, o.level, o.status))
            .collect();
        out.push_str(&format!(
            "\nNot required, above the level reached: {} (--format json has each reason)\n",
            parts.join(", ")
        ));
    }

    if !quiet.is_empty() {
        let mut by_process: Vec<(crate::rubric::ProcessId, Vec<&str>)> = Vec::new();
        for o in &quiet {
            match by_process.iter_mut().find(|(p, _)| *p == o.process) {
                Some((_, ids)) => ids.push(&o.id),
                None => by_process.push((o.process, vec![&o.id])),
            }
        }
        let parts: Vec<String> = by_process
            .iter()
            .map(|(p, ids)| format!("{p} {}", ids.join(", ")))
            .collect();
        out.push_str(&format!(
            "\nNot required, no evidence given: {} (--format json has each reason)\n",
            parts.join("; ")
        ));
    }

    out.push('\n');
    out.push_str(&super::verdict_line(verdict));
    out.push('\n');
    out
}

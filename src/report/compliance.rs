//! `--format compliance`: a dated, signable test report in Markdown, for the technical
//! documentation regulators ask for — the EU AI Act's Annex IV 2(g) ("the validation and
//! testing procedures used, including information about the validation and testing data
//! used and their main characteristics; metrics used to measure accuracy, robustness …
//! potentially discriminatory impacts; test logs and all test reports dated and signed by
//! the responsible persons"), Art. 9(8) (testing "against prior defined metrics and
//! probabilistic thresholds") and Annex XI §2 (evaluation strategies, results, criteria,
//! metrics, limitations).
//!
//! Sections: identity (models, tools, govgate), the test procedure (the rubric by SHA-256,
//! each check with its process, level, rationale and its parameters quoted from the rubric
//! — the metrics and thresholds defined before the run), the test data (tasks, documents,
//! limits, versions, hashes, records windows), the results (levels; each finding with its
//! numbers and uncertainty; per-group fairness tables), the limitations (every check that
//! did not pass, in words), and integrity (every file the verdict read, by SHA-256).
//!
//! The date is `--timestamp` or `SOURCE_DATE_EPOCH`, the responsible person `--signer`;
//! without them the report says neither was given, and holds nothing else that changes
//! between runs: the same inputs, date and signer give the same bytes. The report is signed
//! as a file (docs/compliance.md: `cosign sign-blob`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::markdown::cell;
use super::{Context, display_path, verdict_line};
use crate::checks::{Detail, Finding, Outcome, Status};
use crate::level::Verdict;
use crate::model::{Role, Run};
use crate::num::fmt;

/// Who signs and when: `--signer` and `--timestamp` (or `SOURCE_DATE_EPOCH`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Attestation<'a> {
    pub date: Option<&'a str>,
    pub signer: Option<&'a str>,
    /// Files of the runs besides their results files (a HELM run's `run_spec.json`, …),
    /// hashed for the integrity section only.
    pub run_files: Option<&'a BTreeMap<std::path::PathBuf, crate::checks::NotedFile>>,
}

/// Checks `--signer`: `Name <email>`, one line.
pub fn parse_signer(s: &str) -> Result<String, String> {
    let t = s.trim();
    let ok = t
        .strip_suffix('>')
        .and_then(|rest| rest.split_once(" <"))
        .is_some_and(|(name, email)| {
            !name.trim().is_empty()
                && !name.contains(['<', '>'])
                && email.contains('@')
                && !email.contains(['<', '>', ' '])
                && !email.starts_with('@')
                && !email.ends_with('@')
        });
    if ok && !t.contains(['\n', '\r']) {
        Ok(t.to_owned())
    } else {
        Err(format!(
            "expected `Name <email>` (e.g. \"Ada Lovelace <ada@example.org>\"), got `{s}`"
        ))
    }
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let mut out = String::new();
    header(&mut out, verdict, ctx);
    identity(&mut out, ctx);
    procedure(&mut out, ctx);
    test_data(&mut out, ctx);
    results(&mut out, verdict);
    limitations(&mut out, verdict);
    integrity(&mut out, ctx);
    signature(&mut out, ctx);
    out
}

fn header(out: &mut String, verdict: &Verdict, ctx: &Context<'_>) {
    let a = ctx.attestation;
    let _ = writeln!(out, "# Test report: {}\n", cell(&ctx.rubric.name));
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Date | {} |",
        a.date.map_or_else(
            || "not recorded (give `--timestamp` or set `SOURCE_DATE_EPOCH`)".to_owned(),
            cell
        )
    );
    let _ = writeln!(
        out,
        "| Responsible person | {} |",
        a.signer.map_or_else(
            || "not named (give `--signer \"Name <email>\"`)".to_owned(),
            cell
        )
    );
    let _ = writeln!(
        out,
        "| Verdict | {} (exit code {}) |",
        cell(&verdict_line(verdict)),
        verdict.exit_code
    );
    let _ = writeln!(
        out,
        "| Rubric | {} (`{}`), SHA-256 `{}` |",
        cell(&ctx.rubric.name),
        cell(&ctx.rubric.origin.to_string()),
        ctx.rubric.sha256
    );
    let _ = writeln!(
        out,
        "| Produced by | govgate {} |",
        env!("CARGO_PKG_VERSION")
    );
    out.push('\n');
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "not recorded".to_owned(), cell)
}

fn identity(out: &mut String, ctx: &Context<'_>) {
    out.push_str("## 1. Identity\n\n### Models\n\n");
    let runs = all_runs(ctx);
    if runs.is_empty() {
        out.push_str("No evaluation run was read (records and documents only).\n\n");
    } else {
        out.push_str("| role | model | revision | backend | dtype | parameters | run file |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for (role, r) in &runs {
            let m = &r.model;
            let _ = writeln!(
                out,
                "| {role} | {} | {} | {} | {} | {} | `{}` |",
                opt(m.name.as_deref()),
                opt(m
                    .revision
                    .as_deref()
                    .or(m.sha.as_deref())
                    .or(r.provenance.model_args_revision.as_deref())),
                opt(m.backend.as_deref()),
                opt(m.dtype.as_deref()),
                m.num_parameters
                    .map_or_else(|| "not recorded".to_owned(), |n| n.to_string()),
                cell(&r.label())
            );
        }
        out.push('\n');
    }
    out.push_str("### Evaluation tools\n\n");
    let mut tools: BTreeMap<String, usize> = BTreeMap::new();
    for (_, r) in &runs {
        *tools.entry(r.format.to_string()).or_default() += 1;
    }
    for (tool, n) in &tools {
        let _ = writeln!(out, "- {} — {n} run file(s)", cell(tool));
    }
    let _ = writeln!(
        out,
        "- govgate {} — this report\n",
        env!("CARGO_PKG_VERSION")
    );
}

/// The runs of every role, in role order.
fn all_runs<'a>(ctx: &Context<'a>) -> Vec<(Role, &'a Run)> {
    [Role::Current, Role::Baseline, Role::History]
        .into_iter()
        .flat_map(|role| ctx.evidence.runs(role).iter().map(move |r| (role, r)))
        .collect()
}

fn procedure(out: &mut String, ctx: &Context<'_>) {
    let r = ctx.rubric;
    out.push_str("## 2. Test procedure\n\n");
    let _ = writeln!(
        out,
        "The metrics and thresholds below were defined before the run, in the rubric \
         `{}` (SHA-256 `{}`); the checks of a process at a level must all pass for the \
         process to reach it (levels 0–3).\n",
        cell(&r.origin.to_string()),
        r.sha256
    );
    if let Some(d) = &r.description {
        let _ = writeln!(out, "> {}\n", cell(d));
    }
    let required: Vec<String> = crate::rubric::ProcessId::ALL
        .iter()
        .filter_map(|p| r.require[p.index()].map(|l| format!("{p} at level {l}")))
        .collect();
    let _ = writeln!(
        out,
        "Required: {}.\n",
        if required.is_empty() {
            "nothing (the report informs, the gate does not fail)".to_owned()
        } else {
            required.join(", ")
        }
    );
    for c in &r.checks {
        let _ = writeln!(
            out,
            "### {} — {} level {}, `{}`{}\n",
            cell(&c.id),
            c.process,
            c.level,
            c.kind.name(),
            if c.advisory { " (advisory)" } else { "" }
        );
        match &c.rationale {
            Some(why) => {
                let _ = writeln!(out, "Rationale: {}\n", cell(why));
            }
            None => out.push_str("Rationale: none given in the rubric.\n\n"),
        }
        let quoted = check_source(&r.text, c.line);
        if !quoted.is_empty() {
            let _ = writeln!(
                out,
                "Parameters (rubric line {}):\n\n```yaml\n{}\n```\n",
                c.line, quoted
            );
        }
    }
}

/// The rubric's lines of the check that starts at `line` (1-based): its list item, up to
/// the next line indented no deeper than the item's dash. Comments and blank lines after it
/// are left out.
pub fn check_source(text: &str, line: u32) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(first) = lines.get((line as usize).saturating_sub(1)) else {
        return String::new();
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let dash = match first.trim_start().strip_prefix('-') {
        Some(_) => indent(first),
        // a check's line is where its mapping starts; the dash may be on it or before it
        None => indent(first).saturating_sub(2),
    };
    let mut taken = vec![*first];
    for l in &lines[line as usize..] {
        let t = l.trim_start();
        if !t.is_empty() && !t.starts_with('#') && indent(l) <= dash {
            break;
        }
        taken.push(l);
    }
    while taken
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        taken.pop();
    }
    let cut = taken
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    taken
        .iter()
        .map(|l| l.get(cut..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        // a fence inside the quote would end it early
        .replace("```", "'''")
}

fn test_data(out: &mut String, ctx: &Context<'_>) {
    out.push_str("## 3. Test data\n\n");
    let runs = all_runs(ctx);
    for (role, r) in &runs {
        let p = &r.provenance;
        let _ = writeln!(
            out,
            "### {role}: `{}`\n\n{} — model {}; limit {}.\n",
            cell(&r.label()),
            cell(&r.format.to_string()),
            opt(r.model.name.as_deref()),
            match (p.limit, p.limit_range) {
                (_, Some((a, b))) => format!("samples [{a}, {b})"),
                (Some(l), None) => fmt(l),
                (None, None) if p.config_recorded => "none".into(),
                (None, None) => "not recorded".into(),
            }
        );
        if r.tasks.is_empty() {
            out.push_str("No tasks recorded.\n\n");
            continue;
        }
        out.push_str(
            "| task | documents evaluated | in the split | version | n-shot | hash | dataset |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|\n");
        for t in r.tasks.iter().filter(|t| !t.is_group) {
            let n = |x: Option<u64>| x.map_or_else(|| "not recorded".to_owned(), |n| n.to_string());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&t.name),
                n(t.n_effective),
                n(t.n_original),
                opt(p.task_versions.get(&t.name).map(String::as_str)),
                p.num_fewshot
                    .get(&t.name)
                    .or_else(|| p.num_fewshot.get("*"))
                    .map_or_else(|| "not recorded".to_owned(), |k| k.to_string()),
                p.task_hashes
                    .get(&t.name)
                    .map_or_else(|| "not recorded".to_owned(), |h| format!("`{}`", cell(h))),
                opt(p
                    .datasets
                    .get(&t.name)
                    .map(String::as_str)
                    .or(p.scenario.as_deref())),
            );
        }
        out.push('\n');
    }
    if runs.is_empty() {
        out.push_str("No evaluation run was read.\n\n");
    }
    if !ctx.records_read.is_empty() {
        out.push_str("### Records\n\n| role | file | format | records |\n|---|---|---|---|\n");
        for ((role, path), f) in ctx.records_read {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                cell(role),
                cell(&display_path(path)),
                f.format.name(),
                f.records
            );
        }
        out.push('\n');
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "**fail**",
        Status::Missing => "**missing**",
        Status::Error => "**error**",
    }
}

fn results(out: &mut String, verdict: &Verdict) {
    out.push_str("## 4. Results\n\n| process | level | required | status |\n|---|---|---|---|\n");
    for p in &verdict.processes {
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} |",
            p.id,
            p.name,
            p.level,
            p.required.map_or_else(|| "—".to_owned(), |r| r.to_string()),
            p.status.as_str()
        );
    }
    out.push('\n');
    for o in &verdict.outcomes {
        let _ = writeln!(
            out,
            "### {} — {}\n\n{}\n",
            cell(&o.id),
            status_word(o.status),
            cell(&o.message)
        );
        if o.findings.is_empty() {
            continue;
        }
        out.push_str("| subject | status | observed | required | uncertainty |\n");
        out.push_str("|---|---|---|---|---|\n");
        for f in &o.findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&f.subject),
                status_word(f.status),
                cell(&f.observed),
                cell(&f.expected),
                cell(&uncertainty(f))
            );
        }
        out.push('\n');
        for f in &o.findings {
            if let Some(Detail::Fairness(x)) = &f.detail {
                let _ = writeln!(
                    out,
                    "Groups of {} ({}; reference group {}):\n",
                    cell(&f.subject),
                    x.rate,
                    opt(x.reference_group.as_deref())
                );
                out.push_str("| group | records | rate | TPR | FPR | disparity |\n");
                out.push_str("|---|---|---|---|---|---|\n");
                for g in &x.groups {
                    let o = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), fmt);
                    let _ = writeln!(
                        out,
                        "| {}{} | {} | {} | {} | {} | {} |",
                        cell(&g.group),
                        if g.excluded {
                            " (too few, left out)"
                        } else {
                            ""
                        },
                        g.n,
                        fmt(g.rate),
                        o(g.tpr),
                        o(g.fpr),
                        o(g.disparity)
                    );
                }
                out.push('\n');
            }
        }
    }
}

/// A finding's uncertainty in words: its interval, p-value, standard error or minimum
/// detectable effect, as its check measured them.
pub fn uncertainty(f: &Finding) -> String {
    let Some(d) = &f.detail else {
        return "—".into();
    };
    let pct = |c: f64| format!("{}%", fmt(c * 100.0));
    match d {
        Detail::Threshold(t) => {
            let mut parts = Vec::new();
            if let Some(se) = t.stderr {
                parts.push(format!("SE {}", fmt(se)));
            }
            if let (Some(c), lo, hi) = (t.confidence, t.lower, t.upper)
                && (lo.is_some() || hi.is_some())
            {
                let end = |v: Option<f64>| v.map_or_else(|| "…".to_owned(), fmt);
                parts.push(format!("{} CI [{}, {}]", pct(c), end(lo), end(hi)));
            }
            none_if_empty(parts)
        }
        Detail::Regression(r) => match &r.test {
            Some(t) => {
                let mut s = format!(
                    "difference {} ({} CI [{}, {}]), p = {}",
                    fmt(t.delta),
                    pct(t.confidence),
                    fmt(t.ci_low),
                    fmt(t.ci_high),
                    fmt(t.p_value)
                );
                if t.family_size > 1 {
                    s.push_str(&format!(
                        "; adjusted p = {} ({} tests)",
                        fmt(t.p_adjusted),
                        t.family_size
                    ));
                }
                s.push_str(&format!("; MDE {} at power {}", fmt(t.mde), pct(t.power)));
                s
            }
            None => r
                .untested_because
                .clone()
                .unwrap_or_else(|| "no test asked for".into()),
        },
        Detail::Drift(x) => {
            let p = x.family.as_ref().map(|a| a.p_adjusted);
            match (x.drift_when, p) {
                ("<=" | "<", Some(p)) => {
                    format!("{} p = {} (adjusted {})", x.method, fmt(x.value), fmt(p))
                }
                ("<=" | "<", None) => format!("{} p = {}", x.method, fmt(x.value)),
                _ => format!("{} distance {}", x.method, fmt(x.value)),
            }
        }
        Detail::AbOutcome(a) => format!(
            "lift {} ({} CI [{}, {}]), p = {}",
            fmt(a.lift),
            pct(1.0 - a.alpha),
            fmt(a.ci_low),
            fmt(a.ci_high),
            fmt(a.p_value)
        ),
        Detail::SampleRatio(s) => {
            format!("chi-square {}, p = {}", fmt(s.statistic), fmt(s.p_value))
        }
        Detail::Guardrail(g) => format!(
            "degradation {} (CI [{}, {}]), p = {}",
            fmt(g.degradation),
            fmt(g.ci_low),
            fmt(g.ci_high),
            fmt(g.family.as_ref().map_or(g.p_value, |a| a.p_adjusted))
        ),
        Detail::Power(p) => format!(
            "MDE {} at power {} and alpha {} (n {})",
            fmt(p.mde),
            fmt(p.power),
            fmt(p.alpha),
            p.n
        ),
        Detail::Fairness(x) => {
            let mut parts = Vec::new();
            if let Some(v) = x.difference {
                parts.push(format!("difference {}", fmt(v)));
            }
            if let Some(v) = x.ratio {
                parts.push(format!("ratio {}", fmt(v)));
            }
            if let Some(v) = x.equalized_odds_difference {
                parts.push(format!("equalized odds {}", fmt(v)));
            }
            none_if_empty(parts)
        }
        _ => "—".into(),
    }
}

fn none_if_empty(parts: Vec<String>) -> String {
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join("; ")
    }
}

fn limitations(out: &mut String, verdict: &Verdict) {
    out.push_str("## 5. Limitations\n\n");
    let not_passed: Vec<&Outcome> = verdict.outcomes.iter().filter(|o| !o.passed()).collect();
    if not_passed.is_empty() {
        out.push_str("Every check passed on the evidence given. The report covers only the checks of the rubric above.\n\n");
        return;
    }
    for o in not_passed {
        let what = match o.status {
            Status::Fail => "failed: the evidence shows the requirement is not met",
            Status::Missing => "could not be judged: the evidence it needs is absent",
            Status::Error => "could not be evaluated on the evidence present",
            Status::Pass => "passed",
        };
        let _ = writeln!(
            out,
            "- **{}** ({} level {}{}) {what}. {}",
            cell(&o.id),
            o.process,
            o.level,
            if o.advisory { ", advisory" } else { "" },
            cell(&o.message)
        );
        for f in o.findings.iter().filter(|f| f.status != Status::Pass) {
            let _ = writeln!(
                out,
                "  - {} [{}]: {}",
                cell(&f.subject),
                f.status,
                cell(&f.message)
            );
        }
    }
    out.push('\n');
}

fn integrity(out: &mut String, ctx: &Context<'_>) {
    out.push_str("## 6. Integrity\n\nEvery file the verdict rests on, by SHA-256:\n\n");
    out.push_str("| role | file | bytes | SHA-256 |\n|---|---|---|---|\n");
    if let crate::rubric::Origin::File(p) = &ctx.rubric.origin {
        let _ = writeln!(
            out,
            "| rubric | `{}` | {} | `{}` |",
            cell(&display_path(p)),
            ctx.rubric.text.len(),
            ctx.rubric.sha256
        );
    }
    for (role, r) in all_runs(ctx) {
        let _ = writeln!(
            out,
            "| {role} | `{}` | {} | `{}` |",
            cell(&r.label()),
            r.source.bytes,
            r.source.sha256
        );
    }
    for (path, sha) in ctx.samples_read {
        let _ = writeln!(
            out,
            "| samples | `{}` | — | `{sha}` |",
            cell(&display_path(path))
        );
    }
    for ((role, path), f) in ctx.records_read {
        let _ = writeln!(
            out,
            "| {} records | `{}` | {} | `{}` |",
            cell(role),
            cell(&display_path(path)),
            f.bytes,
            f.sha256
        );
    }
    for (path, f) in ctx
        .attestation
        .run_files
        .into_iter()
        .flatten()
        .chain(ctx.files_read)
    {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | `{}` |",
            f.what.replace('_', " "),
            cell(&display_path(path)),
            f.bytes,
            f.sha256
        );
    }
    out.push('\n');
}

fn signature(out: &mut String, ctx: &Context<'_>) {
    out.push_str("## Signature\n\n");
    match (ctx.attestation.signer, ctx.attestation.date) {
        (Some(s), Some(d)) => {
            let _ = writeln!(out, "Signed by {} on {}.", cell(s), cell(d));
        }
        (Some(s), None) => {
            let _ = writeln!(out, "Signed by {} (no date given).", cell(s));
        }
        (None, _) => out.push_str("Not signed: no responsible person was named (`--signer`).\n"),
    }
    out.push_str(
        "\nThe signature covers this file's bytes: sign it with `cosign sign-blob` (see govgate's docs/compliance.md) and keep the bundle beside it.\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signers_are_a_name_and_an_email() {
        assert_eq!(
            parse_signer(" Ada Lovelace <ada@example.org> ").as_deref(),
            Ok("Ada Lovelace <ada@example.org>")
        );
        for bad in [
            "Ada Lovelace",
            "ada@example.org",
            "<ada@example.org>",
            "Ada <ada>",
            "Ada <ada@example.org",
            "Ada <a b@example.org>",
            "Ada\nEve <ada@example.org>",
            "A<b> <ada@example.org>",
        ] {
            assert!(parse_signer(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_check_is_quoted_from_its_dash_to_the_next_item() {
        let text = "processes:\n  S7P1:\n    - id: a\n      level: 1\n      # the floor\n      threshold: { metric: x, min: 0.5 }\n\n    # next\n    - id: b\n      level: 2\n  S7P3:\n    - { id: c, level: 1, drift: { fields: [x] } }\n";
        assert_eq!(
            check_source(text, 3),
            "- id: a\n  level: 1\n  # the floor\n  threshold: { metric: x, min: 0.5 }"
        );
        assert_eq!(check_source(text, 9), "- id: b\n  level: 2");
        assert_eq!(
            check_source(text, 12),
            "- { id: c, level: 1, drift: { fields: [x] } }"
        );
        assert_eq!(check_source(text, 99), "");
    }
}

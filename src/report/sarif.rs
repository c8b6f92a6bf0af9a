//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub `upload-sarif`, GitLab, IDEs).
//!
//! One run of the tool `govgate`; one rule per check (`id` = check id, its process, level
//! and kind, its rationale as the description, `defaultConfiguration.level` `error` when the
//! gate depends on it); one result per finding that did not pass, at the input file it is
//! about (or at the check's line in the rubric file), with `level` `error` (it holds a
//! required level down), `warning` (a failure the gate does not depend on) or `note` (absent
//! evidence the gate does not depend on). `partialFingerprints` key a result by check and
//! subject, so code scanning follows it across runs. `invocations` carry the exit code.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Context, Severity, location, problems, verdict_line};
use crate::level::Verdict;

/// The SARIF schema URI written into the log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A relative path as a URI reference: `/` separators, characters outside RFC 3986's
/// unreserved, sub-delims, `:` `@` `/` percent-encoded, and `./` before a first segment with
/// a colon (else `mmlu:subject=x/stats.json` would read as a URI scheme).
pub fn uri(path: &std::path::Path) -> String {
    let text = super::display_path(path);
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if path.is_absolute() {
        return format!("file://{out}");
    }
    let first = out.split('/').next().unwrap_or("");
    if first.contains(':') {
        out.insert_str(0, "./");
    }
    out
}

fn level_of(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let required = |process| {
        verdict
            .processes
            .iter()
            .find(|p| p.id == process)
            .and_then(|p| p.required)
    };
    let rules: Vec<Value> = verdict
        .outcomes
        .iter()
        .map(|o| {
            let blocks = !o.advisory && required(o.process).is_some_and(|r| o.level <= r);
            let summary = format!(
                "{} level {} `{}` check{}",
                o.process,
                o.level,
                o.kind,
                if o.advisory { " (advisory)" } else { "" }
            );
            json!({
                "id": o.id,
                "name": o.kind,
                "shortDescription": { "text": summary },
                "fullDescription": { "text": o.rationale.clone().unwrap_or_else(|| summary.clone()) },
                "defaultConfiguration": { "level": if blocks { "error" } else { "warning" } },
                "properties": {
                    "process": o.process.as_str(),
                    "level": o.level,
                    "kind": o.kind,
                    "advisory": o.advisory,
                    "tags": [o.process.as_str(), o.kind],
                },
            })
        })
        .collect();
    let results: Vec<Value> = problems(verdict)
        .iter()
        .map(|p| {
            let rule_index = verdict
                .outcomes
                .iter()
                .position(|o| std::ptr::eq(o, p.outcome))
                .unwrap_or(0);
            let mut r = json!({
                "ruleId": p.outcome.id,
                "ruleIndex": rule_index,
                "level": level_of(p.severity),
                "message": { "text": p.finding.message },
                "partialFingerprints": {
                    "govgateFinding/v1": hex(&Sha256::digest(
                        format!("{}\u{0}{}", p.outcome.id, p.finding.subject).as_bytes()
                    )),
                },
                "properties": {
                    "status": p.finding.status.as_str(),
                    "subject": p.finding.subject,
                    "observed": p.finding.observed,
                    "expected": p.finding.expected,
                },
            });
            if let Some((path, line)) = location(p, ctx) {
                let mut physical = json!({ "artifactLocation": { "uri": uri(&path) } });
                if let Some(l) = line.filter(|l| *l > 0) {
                    physical["region"] = json!({ "startLine": l });
                }
                r["locations"] = json!([{ "physicalLocation": physical }]);
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "govgate",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "exitCode": verdict.exit_code,
                "exitCodeDescription": verdict_line(verdict),
            }],
            "results": results,
            "properties": {
                "rubric": ctx.rubric.name,
                "rubricSha256": ctx.rubric.sha256,
                "processes": verdict.processes.iter().map(|p| json!({
                    "id": p.id.as_str(),
                    "level": p.level,
                    "required": p.required,
                    "status": p.status.as_str(),
                })).collect::<Vec<_>>(),
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::uri;
    use std::path::Path;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri(Path::new("results/a b.json")), "results/a%20b.json");
        assert_eq!(
            uri(Path::new("mmlu:subject=x/stats.json")),
            "./mmlu:subject=x/stats.json"
        );
        assert_eq!(
            uri(Path::new("runs/mmlu:subject=x/stats.json")),
            "runs/mmlu:subject=x/stats.json"
        );
        assert_eq!(uri(Path::new("/abs/p#q.json")), "file:///abs/p%23q.json");
        assert_eq!(uri(Path::new("ü.json")), "%C3%BC.json");
    }
}

//! `--format json`: the whole verdict, deterministic.
//!
//! Contract (schema_version 1): `{"schema_version": 1, "exit_code": N, "processes":
//! [{"id", "level", "required", "status", …}], "checks": [{"id", "process", "level",
//! "kind", "status", "message", …}]}` plus the rubric, the inputs with their SHA-256, and
//! each check's findings with observed and expected values and test statistics. Keys are
//! in a fixed order, no timestamps: the same inputs give the same bytes.

use serde::Serialize;

use super::Context;
use crate::checks::Outcome;
use crate::level::{ProcessLevel, Verdict};
use crate::model::{Role, Run};

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool: ToolInfo,
    exit_code: u8,
    passed: bool,
    rubric: RubricInfo<'a>,
    inputs: Vec<Input<'a>>,
    samples: Vec<SampleInput<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    records: Vec<RecordsInput<'a>>,
    processes: &'a [ProcessLevel],
    checks: &'a [Outcome],
}

#[derive(Serialize)]
struct ToolInfo {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RubricInfo<'a> {
    name: &'a str,
    source: String,
    sha256: &'a str,
}

/// A file of the verdict: a run (`role` current, baseline, history) or a file a check read
/// itself (`role` model_card, manifest, records, samples, history; no format or model).
#[derive(Serialize)]
struct Input<'a> {
    role: &'a str,
    path: String,
    sha256: &'a str,
    bytes: u64,
    format: Option<String>,
    model: Option<&'a str>,
}

#[derive(Serialize)]
struct RecordsInput<'a> {
    role: &'a str,
    path: String,
    format: &'static str,
    sha256: &'a str,
    bytes: u64,
    records: u64,
}

#[derive(Serialize)]
struct SampleInput<'a> {
    path: String,
    sha256: &'a str,
}

fn inputs<'a>(role: Role, runs: &'a [Run]) -> impl Iterator<Item = Input<'a>> {
    runs.iter().map(move |r| Input {
        role: role.as_str(),
        path: r.label(),
        sha256: &r.source.sha256,
        bytes: r.source.bytes,
        format: Some(r.format.to_string()),
        model: r.model.name.as_deref(),
    })
}

/// The files checks read on their own, after the runs.
fn check_inputs<'a>(ctx: &Context<'a>) -> impl Iterator<Item = Input<'a>> {
    ctx.files_read.iter().map(|(path, f)| Input {
        role: f.what,
        path: super::display_path(path),
        sha256: &f.sha256,
        bytes: f.bytes,
        format: None,
        model: None,
    })
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let report = Report {
        schema_version: 1,
        tool: ToolInfo {
            name: "govgate",
            version: env!("CARGO_PKG_VERSION"),
        },
        exit_code: verdict.exit_code,
        passed: verdict.passed(),
        rubric: RubricInfo {
            name: &ctx.rubric.name,
            source: ctx.rubric.origin.to_string(),
            sha256: &ctx.rubric.sha256,
        },
        inputs: inputs(Role::Current, &ctx.evidence.current)
            .chain(inputs(Role::Baseline, &ctx.evidence.baseline))
            .chain(inputs(Role::History, &ctx.evidence.history))
            .chain(check_inputs(ctx))
            .collect(),
        records: ctx
            .records_read
            .iter()
            .map(|((role, path), f)| RecordsInput {
                role,
                path: path.display().to_string(),
                format: f.format.name(),
                sha256: &f.sha256,
                bytes: f.bytes,
                records: f.records,
            })
            .collect(),
        samples: ctx
            .samples_read
            .iter()
            .map(|(p, h)| SampleInput {
                path: p.display().to_string(),
                sha256: h,
            })
            .collect(),
        processes: &verdict.processes,
        checks: &verdict.outcomes,
    };
    // Serializing plain structs of strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|e| format!("{{\"schema_version\": 1, \"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

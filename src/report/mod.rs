//! Reporters: render a [`Verdict`] in one format each. Plain functions from data to text;
//! writing files (atomically) is [`write_atomic`]'s job.

pub mod compliance;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod openmetrics;
pub mod sarif;
mod svg;
pub mod table;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::checks::{Finding, Outcome, Status};
use crate::error::{Error, Result};
use crate::level::Verdict;
use crate::model::Evidence;
use crate::rubric::Rubric;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The support-level table, for people.
    Table,
    /// The full verdict as JSON (`schema_version` 1), deterministic.
    Json,
    /// GitHub-flavoured Markdown: the table and failing checks, for `$GITHUB_STEP_SUMMARY`
    /// and pull-request comments.
    Markdown,
    /// JUnit XML: a testsuite per process, a testcase per check (GitLab, Jenkins).
    Junit,
    /// SARIF 2.1.0: a rule per check, a result per finding not passing (code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations); with `GITHUB_STEP_SUMMARY` set, the
    /// Markdown report is appended to the step summary.
    Github,
    /// One self-contained HTML page with plots, for a release review.
    Html,
    /// OpenMetrics / Prometheus text exposition: gauges for alerting (a node_exporter
    /// textfile, a Pushgateway).
    Openmetrics,
    /// A dated, signable test report in Markdown for technical documentation (EU AI Act
    /// Annex IV 2(g)): procedure, data, results, limitations, file digests.
    Compliance,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Html => "html",
            Format::Openmetrics => "openmetrics",
            Format::Compliance => "compliance",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }

    pub const ALL: [Format; 9] = [
        Format::Table,
        Format::Json,
        Format::Markdown,
        Format::Junit,
        Format::Sarif,
        Format::Github,
        Format::Html,
        Format::Openmetrics,
        Format::Compliance,
    ];

    pub const NAMES: &'static [&'static str] = &[
        "table",
        "json",
        "markdown",
        "junit",
        "sarif",
        "github",
        "html",
        "openmetrics",
        "compliance",
    ];
}

/// What reporters need besides the verdict.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub rubric: &'a Rubric,
    pub evidence: &'a Evidence,
    /// Samples logs the checks read, with their SHA-256.
    pub samples_read: &'a BTreeMap<PathBuf, String>,
    /// Records files (reference and production windows) with their SHA-256.
    pub records_read: &'a crate::checks::drift::RecordsRead,
    /// Other files checks read (model cards, manifests, a check's records), with SHA-256.
    pub files_read: &'a BTreeMap<PathBuf, crate::checks::NotedFile>,
    /// The compliance report's date and responsible person.
    pub attestation: compliance::Attestation<'a>,
    /// Colour the table (a terminal, and `NO_COLOR` unset).
    pub color: bool,
    /// The Markdown report goes to `$GITHUB_STEP_SUMMARY` too (`--format github` there).
    pub step_summary: bool,
}

/// Renders the verdict in `format`.
pub fn render(format: Format, verdict: &Verdict, ctx: &Context<'_>) -> String {
    match format {
        Format::Table => table::render(verdict, ctx),
        Format::Json => json::render(verdict, ctx),
        Format::Markdown => markdown::render(verdict, ctx, markdown::STEP_SUMMARY_LIMIT),
        Format::Junit => junit::render(verdict, ctx),
        Format::Sarif => sarif::render(verdict, ctx),
        Format::Github => github::render(verdict, ctx),
        Format::Html => html::render(verdict, ctx),
        Format::Openmetrics => openmetrics::render(verdict, ctx),
        Format::Compliance => compliance::render(verdict, ctx),
    }
}

/// How much a finding that did not pass matters to the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// It holds a process below its required level.
    Error,
    /// A failure or error the gate does not depend on (a process nobody requires, a level
    /// above the one required, an advisory check).
    Warning,
    /// Absent evidence the gate does not depend on.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A finding that did not pass, with its check and how much it matters.
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    pub outcome: &'a Outcome,
    pub finding: &'a Finding,
    pub severity: Severity,
}

/// Every finding that did not pass, worst first (errors, then warnings, then notes; within
/// each, rubric order).
pub fn problems(verdict: &Verdict) -> Vec<Problem<'_>> {
    let mut out: Vec<Problem<'_>> = Vec::new();
    for o in &verdict.outcomes {
        let required = verdict
            .processes
            .iter()
            .find(|p| p.id == o.process)
            .and_then(|p| p.required);
        let blocks = !o.advisory && required.is_some_and(|r| o.level <= r);
        for f in o.findings.iter().filter(|f| f.status != Status::Pass) {
            let severity = match (blocks, f.status) {
                (true, _) => Severity::Error,
                (false, Status::Missing) => Severity::Note,
                (false, _) => Severity::Warning,
            };
            out.push(Problem {
                outcome: o,
                finding: f,
                severity,
            });
        }
    }
    out.sort_by_key(|p| p.severity);
    out
}

/// Where a finding points: the input file it is about, else the rubric file at the
/// check's line (when the rubric is a file).
pub fn location(p: &Problem<'_>, ctx: &Context<'_>) -> Option<(PathBuf, Option<u32>)> {
    if let Some(run) = p.finding.run.as_ref().or(p.finding.baseline.as_ref()) {
        return Some((run.clone(), None));
    }
    match &ctx.rubric.origin {
        crate::rubric::Origin::File(path) => {
            let line = ctx
                .rubric
                .checks
                .iter()
                .find(|c| c.id == p.outcome.id)
                .map(|c| c.line);
            Some((path.clone(), line))
        }
        crate::rubric::Origin::Embedded(_) => None,
    }
}

/// A path for a report: relative paths as given, with `/` separators.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The verdict in one line, as the table ends.
pub fn verdict_line(verdict: &Verdict) -> String {
    let below: Vec<String> = verdict
        .processes
        .iter()
        .filter(|p| p.status == crate::level::ProcessStatus::Fail)
        .map(|p| {
            format!(
                "{} at level {}, required {}",
                p.id,
                p.level,
                p.required.unwrap_or(0)
            )
        })
        .collect();
    if below.is_empty() {
        "PASS: every required level is met".into()
    } else {
        format!("FAIL: {}", below.join("; "))
    }
}

/// Writes `content` to `path` through a temporary file in the same directory and a rename,
/// so readers never see a partial report. Parent directories are created.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<()> {
    let err = |source| Error::Report {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}

/// Appends `content` to `path` in one write (GitHub's `$GITHUB_STEP_SUMMARY` is appended to
/// by every step of a job).
pub fn append(path: &Path, content: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|source| Error::Report {
            path: path.to_path_buf(),
            source,
        })?;
    f.write_all(content.as_bytes())
        .map_err(|source| Error::Report {
            path: path.to_path_buf(),
            source,
        })
}

/// Writes several reports: all temporary files first, then all renames, so a failure
/// leaves no report behind (already renamed ones are removed).
pub fn write_all(reports: &[(PathBuf, String)]) -> Result<()> {
    let mut done: Vec<&Path> = Vec::new();
    for (path, content) in reports {
        if let Err(e) = write_atomic(path, content.as_bytes()) {
            for p in done {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        done.push(path);
    }
    Ok(())
}

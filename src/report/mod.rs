//! Reporters: render a [`Verdict`] in one format each. Plain functions from data to text;
//! writing files (atomically) is [`write_atomic`]'s job.

pub mod json;
pub mod table;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    pub const NAMES: &'static [&'static str] = &["table", "json"];
}

/// What reporters need besides the verdict.
pub struct Context<'a> {
    pub rubric: &'a Rubric,
    pub evidence: &'a Evidence,
    /// Samples logs the checks read, with their SHA-256.
    pub samples_read: &'a BTreeMap<PathBuf, String>,
    /// Records files (reference and production windows) with their SHA-256.
    pub records_read: &'a crate::checks::drift::RecordsRead,
    /// Colour the table (a terminal, and `NO_COLOR` unset).
    pub color: bool,
}

/// Renders the verdict in `format`.
pub fn render(format: Format, verdict: &Verdict, ctx: &Context<'_>) -> String {
    match format {
        Format::Table => table::render(verdict, ctx),
        Format::Json => json::render(verdict, ctx),
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

//! Command-line interface definitions (clap derive). Parsing only; `app` does the work.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::rubric::ProcessId;

const ABOUT: &str = "Governance gates for model evaluations: reads lm-evaluation-harness, \
lmms-eval, Stanford HELM and Inspect AI outputs, model cards and production records, applies a \
YAML rubric, prints a support level (0-3) per governance process and exits nonzero when a \
required level is not met.";

const AFTER_HELP: &str = "\
Examples:
  govgate check results/                        # the default rubric, a table, exit 0/1/2
  govgate check results/ -b baseline/ --require S7P1=3
  govgate check -r gate.yaml -f github --report sarif=govgate.sarif --report html=gate.html
  govgate rubric init results/ -o gate.yaml     # a starter rubric: today's results as floors
  govgate rubric explain drift                  # parameters, defaults, formula, example
  govgate inspect results/                      # what was found, and each metric's selector

Exit codes: 0 every required level met; 1 a process is below its required level; 2 the run \
could not be judged (bad arguments, invalid rubric, unreadable or malformed input, no \
evidence found); 3 internal error.";

const CHECK_AFTER_HELP: &str = "\
Examples:
  govgate check results/
  govgate check results/ --baseline baseline/ --require S7P1=3
  govgate check --rubric eu-ai-act results/      # a shipped rubric (`govgate rubric list`)
  govgate check -r gate.yaml -q                  # only the verdict line
  govgate check -r gate.yaml -f github --report junit=govgate.xml --report sarif=govgate.sarif
  govgate check results/ --reference records/validated/ --production records/last-week/

Exit codes: 0 every required level met; 1 a process is below its required level; 2 the run \
could not be judged; 3 internal error.";

#[derive(Debug, Parser)]
#[command(name = "govgate", version, about = ABOUT, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v debug, -vv trace); GOVGATE_LOG=<filter> also works.
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Print only the verdict line of `check` and `verify` (reports are still written) and
    /// errors; no log output, no progress display.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// When to colour the table. `auto`: on a terminal unless NO_COLOR is set; `always` and
    /// `never` win over NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Refuse any input file larger than this (bytes, or 500M, 4G, …); also refused:
    /// anything but a regular file (a FIFO, a device, a directory where a file belongs).
    #[arg(long, global = true, value_name = "SIZE", default_value = "8G",
          value_parser = crate::evidence::input::parse_size)]
    pub max_input_size: u64,

    /// Let a rubric name files outside its own directory (absolute paths, `..`, symbolic
    /// links leading out). Off by default: a rubric from a pull request cannot make govgate
    /// read files elsewhere on the machine.
    #[arg(long, global = true)]
    pub allow_outside_root: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge evaluation outputs against a rubric: print the support-level table, exit 0 when
    /// every required level is met, 1 when not, 2 when the run cannot be judged.
    #[command(after_help = CHECK_AFTER_HELP)]
    Check(CheckArgs),
    /// Show what govgate finds in evaluation outputs: format and tool version, model,
    /// provenance, and every metric with the selector a rubric uses to name it.
    Inspect(InspectArgs),
    /// Write a reproducibility manifest: an in-toto Statement v1 naming every input file by
    /// its SHA-256, with the provenance found and the verdict, ready to sign (cosign,
    /// in-toto); exit 0 when written, 2 when it cannot be.
    Manifest(ManifestArgs),
    /// Check a manifest against the files: exit 0 when every subject matches, 1 when one
    /// changed or is missing (or, with --strict, a file was added), 2 when the manifest is
    /// malformed or names a file outside the root.
    Verify(VerifyArgs),
    /// Work with rubric files.
    #[command(subcommand)]
    Rubric(RubricCommand),
    /// Print a shell completion script: `govgate completions bash > /etc/bash_completion.d/govgate`
    /// (zsh: into a directory of `$fpath` as `_govgate`; fish: `~/.config/fish/completions/govgate.fish`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `govgate man > govgate.1 && man ./govgate.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub gate: GateArgs,

    /// Output format on stdout.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Also write a report file, `FORMAT=PATH` (`table`, `json`, `markdown`, `junit`,
    /// `sarif`, `github`, `html`, `openmetrics`, `compliance`; repeatable). Files are
    /// written atomically (as a node_exporter textfile collector needs), and only when the
    /// run was judged.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub report: Vec<(Format, PathBuf)>,

    /// The compliance report's date (RFC 3339). Default: `SOURCE_DATE_EPOCH` when set, else
    /// none (the same inputs give the same bytes).
    #[arg(long, value_name = "TIME")]
    pub timestamp: Option<String>,

    /// The person responsible for the compliance report, `"Name <email>"`.
    #[arg(long, value_name = "NAME <EMAIL>", value_parser = crate::report::compliance::parse_signer)]
    pub signer: Option<String>,
}

/// The inputs and rubric of a gate (`check` and `manifest` take the same).
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Evaluation outputs of the candidate: results files, directories (scanned
    /// recursively) or glob patterns. Default: the rubric's `inputs.current`.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Evaluation outputs to compare with, for `regression` checks (repeatable).
    /// Default: the rubric's `inputs.baseline`.
    #[arg(short, long, value_name = "PATH")]
    pub baseline: Vec<PathBuf>,

    /// Records of the validated reference window, for `drift` checks: JSON Lines, JSON
    /// array or CSV files, histogram documents, directories or globs (repeatable).
    /// Default: the rubric's `inputs.reference`.
    #[arg(long, value_name = "PATH")]
    pub reference: Vec<PathBuf>,

    /// Records of the production window, for `drift` checks and the S7P6 checks
    /// (`ab_test`, `agreement`, `feedback`) (repeatable). Default: the rubric's
    /// `inputs.production`.
    #[arg(long, value_name = "PATH")]
    pub production: Vec<PathBuf>,

    /// Request (traffic) records, for `feedback` coverage (repeatable). Default: the
    /// rubric's `inputs.requests`.
    #[arg(long, value_name = "PATH")]
    pub requests: Vec<PathBuf>,

    /// Earlier evaluation runs, for `trend` checks (repeatable). Default: the rubric's
    /// `inputs.history`.
    #[arg(long, value_name = "PATH")]
    pub history: Vec<PathBuf>,

    /// The time `feedback` ages and `last:` windows are measured to: RFC 3339
    /// (`2026-11-23T12:00:00Z`), a date, or UNIX seconds. Default: the newest timestamp in
    /// the records, so that the same files give the same verdict.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// Rubric file (YAML), or the name of a shipped rubric (`govgate rubric list`).
    /// Default: the embedded default rubric.
    #[arg(short, long, value_name = "FILE|NAME")]
    pub rubric: Option<PathBuf>,

    /// Require a process to reach a level, overriding the rubric, e.g. `S7P1=2`
    /// (repeatable; `S7P1=0` removes a requirement).
    #[arg(long, value_name = "S7Pn=L", value_parser = parse_require)]
    pub require: Vec<(ProcessId, u8)>,
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    #[command(flatten)]
    pub gate: GateArgs,

    /// Where to write the manifest (`-` for stdout). Written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// The directory subject names are relative to; every input must be under it.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    /// Record this time (RFC 3339) in the manifest. Default: `SOURCE_DATE_EPOCH` when set,
    /// else no time at all (the same inputs give the same bytes).
    #[arg(long, value_name = "TIME")]
    pub timestamp: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The manifest (an in-toto Statement v1).
    #[arg(value_name = "MANIFEST")]
    pub manifest: PathBuf,

    /// The directory subject names are relative to.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    /// Also report files beside the subjects that the manifest does not name.
    #[arg(long)]
    pub strict: bool,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Results files, HELM run / suite / benchmark_output directories, other directories
    /// (scanned recursively) or glob patterns.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Baseline runs: also say, per task, whether each baseline run measured the same thing
    /// as the current runs (task version, n-shot, task hash, limit, dataset, documents;
    /// HELM scenario and adapter; Inspect sample ids and scorers) and, if not, what differs.
    #[arg(long, value_name = "PATH")]
    pub baseline: Vec<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RubricCommand {
    /// Validate rubrics: exit 0 when every one is valid, 2 listing every problem of each with
    /// its line and column.
    Validate {
        /// The rubric files, or names of shipped rubrics (several: a pre-commit hook passes
        /// every changed rubric at once).
        #[arg(value_name = "FILE|NAME", required = true, num_args = 1..)]
        files: Vec<PathBuf>,
    },
    /// List the shipped rubrics (embedded in the binary; `--rubric NAME` uses one).
    List,
    /// Print a shipped rubric, a starting point for your own.
    Show {
        /// `default`, `eu-ai-act`, `helm-safety` or `release-readiness`.
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Print the embedded default rubric (the same as `show default`).
    Default,
    /// Write a starter rubric for the evidence given: today's results become tomorrow's floor.
    ///
    /// Each metric with a known direction and a standard error gets a threshold at its value
    /// less 2 standard errors; provenance items every run records are required; drift checks
    /// are added for --reference and --production records, a trend for 3+ --history runs.
    /// The rubric is validated before it is written.
    Init(InitArgs),
    /// Explain the check kinds: parameters, defaults, formula and an example (Markdown).
    Explain {
        /// One check kind (`threshold`, `regression`, `drift`, …); without it, all of them.
        #[arg(value_name = "KIND")]
        kind: Option<String>,
    },
    /// Print the rubric's JSON Schema (draft-07), for editors: save it and point
    /// yaml-language-server at it with `# yaml-language-server: $schema=govgate.schema.json`.
    Schema,
    /// Print the SQL that computes, where the records live, the documents the rubric's
    /// `drift`, `ab_test` and `feedback` checks read in place of records.
    ///
    /// Run each query in your engine over views of the records (`reference`, `production`,
    /// `records`, `feedback`, `traffic`, as the comments say), write the rows as the
    /// documents docs/warehouse.md describes, and hand them to `govgate check`.
    /// scripts/warehouse/histograms.py and summaries.py run the same queries in DuckDB or
    /// Spark and write the documents.
    Sql {
        /// The rubric file, or the name of a shipped rubric.
        #[arg(value_name = "FILE|NAME")]
        rubric: PathBuf,
        /// The SQL dialect.
        #[arg(long, value_enum, default_value = "duckdb")]
        dialect: crate::warehouse::Dialect,
        /// The now `feedback` windows end at (RFC 3339); without it the queries leave
        /// `{now}` to fill with the newest timestamp `feedback_newest` finds.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Evaluation outputs of the current runs: results files, directories or globs.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Baseline runs: adds a `regression` check per ratcheted metric.
    #[arg(short, long, value_name = "PATH")]
    pub baseline: Vec<PathBuf>,
    /// Records of the validated reference window (with --production: drift checks).
    #[arg(long, value_name = "PATH")]
    pub reference: Vec<PathBuf>,
    /// Records of the production window (with --reference: drift checks).
    #[arg(long, value_name = "PATH")]
    pub production: Vec<PathBuf>,
    /// Earlier evaluation runs (three or more: a trend check).
    #[arg(long, value_name = "PATH")]
    pub history: Vec<PathBuf>,
    /// Write the rubric here (atomically) instead of stdout; input paths in it are made
    /// relative to its directory.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// Parses `S7Pn=L`.
pub fn parse_require(s: &str) -> Result<(ProcessId, u8), String> {
    let (p, l) = s
        .split_once('=')
        .ok_or_else(|| format!("expected S7Pn=L (e.g. S7P1=2), got `{s}`"))?;
    let pid = ProcessId::parse(p.trim()).ok_or_else(|| {
        format!(
            "unknown process `{}` (the processes are S7P1 … S7P6)",
            p.trim()
        )
    })?;
    let level: u8 = l
        .trim()
        .parse()
        .ok()
        .filter(|l| *l <= 3)
        .ok_or_else(|| format!("level must be 0, 1, 2 or 3, got `{}`", l.trim()))?;
    Ok((pid, level))
}

/// Parses `FORMAT=PATH`.
pub fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (f, p) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH (e.g. json=out/gate.json), got `{s}`"))?;
    let format = Format::parse(f.trim()).ok_or_else(|| {
        format!(
            "unknown report format `{}` (formats: {})",
            f.trim(),
            Format::NAMES.join(", ")
        )
    })?;
    if p.trim().is_empty() {
        return Err(format!("`{s}` names no path"));
    }
    Ok((format, PathBuf::from(p.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn require_values() {
        assert_eq!(parse_require("S7P1=2"), Ok((ProcessId::S7P1, 2)));
        assert_eq!(parse_require("S7P6=0"), Ok((ProcessId::S7P6, 0)));
        assert!(parse_require("S7P1").is_err());
        assert!(parse_require("S7P9=1").is_err());
        assert!(parse_require("S7P1=4").is_err());
        assert!(parse_require("S7P1=x").is_err());
    }

    #[test]
    fn report_values() {
        assert_eq!(
            parse_report("json=out/gate.json"),
            Ok((Format::Json, PathBuf::from("out/gate.json")))
        );
        assert!(parse_report("xml=out.xml").is_err());
        assert!(parse_report("json=").is_err());
        assert!(parse_report("out.json").is_err());
    }
}

//! The subcommands, as library functions: each returns what to print and the exit code,
//! or an error (exit code 2). Nothing here prints or exits; `main` does.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::checks::{self, SampleCache};
use crate::cli::{
    CheckArgs, Cli, ColorWhen, Command, GateArgs, InspectArgs, InspectFormat, ManifestArgs,
    RubricCommand, VerifyArgs,
};
use crate::error::{Error, Result, exit};
use crate::report;
use crate::{evidence, inspect, level, manifest, rubric};

/// What a command produced: text for stdout and the exit code.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub code: u8,
}

/// Runs the command line.
pub fn run(cli: &Cli) -> Result<Output> {
    crate::evidence::input::set_max_input_size(cli.max_input_size);
    let _ = crate::rubric::set_allow_outside_root(cli.allow_outside_root);
    match &cli.command {
        Command::Check(args) => check(args, use_color(cli.color), cli.quiet),
        Command::Inspect(args) => inspect_cmd(args),
        Command::Manifest(args) => manifest_cmd(args),
        Command::Verify(args) => verify_cmd(args, cli.quiet),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "govgate", &mut buf);
            Ok(Output {
                stdout: String::from_utf8_lossy(&buf).into_owned(),
                code: exit::PASS,
            })
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut buf)
                .map_err(|e| Error::Internal(format!("cannot render the man page: {e}")))?;
            Ok(Output {
                stdout: String::from_utf8_lossy(&buf).into_owned(),
                code: exit::PASS,
            })
        }
        Command::Rubric(RubricCommand::Validate { files }) => validate_all(files),
        Command::Rubric(RubricCommand::Default) => Ok(Output {
            stdout: rubric::DEFAULT_RUBRIC.to_owned(),
            code: exit::PASS,
        }),
        Command::Rubric(RubricCommand::Init(args)) => init_cmd(args),
        Command::Rubric(RubricCommand::Explain { kind }) => {
            match rubric::explain::explain(kind.as_deref()) {
                Ok(stdout) => Ok(Output {
                    stdout,
                    code: exit::PASS,
                }),
                Err(e) => Err(Error::Usage(e)),
            }
        }
        Command::Rubric(RubricCommand::Sql {
            rubric: path,
            dialect,
            now,
        }) => {
            let now = match now {
                None => None,
                Some(t) => Some(evidence::production::parse_time(t).ok_or_else(|| {
                    Error::Usage(format!(
                        "--now `{t}` is not a time (RFC 3339, e.g. 2026-12-01T00:00:00Z)"
                    ))
                })?),
            };
            let r = rubric::resolve(path)?;
            match crate::warehouse::rubric_sql(&r, *dialect, now) {
                Ok(stdout) => Ok(Output {
                    stdout,
                    code: exit::PASS,
                }),
                Err(e) => Err(Error::Usage(e)),
            }
        }
        Command::Rubric(RubricCommand::Schema) => Ok(Output {
            stdout: rubric::schema::rubric_schema_text(),
            code: exit::PASS,
        }),
        Command::Rubric(RubricCommand::List) => Ok(Output {
            stdout: rubric::SHIPPED
                .iter()
                .map(|(name, summary, _)| format!("{name:<12} {summary}\n"))
                .collect(),
            code: exit::PASS,
        }),
        Command::Rubric(RubricCommand::Show { name }) => match rubric::shipped(name) {
            Some(text) => Ok(Output {
                stdout: text.to_owned(),
                code: exit::PASS,
            }),
            None => Err(Error::Usage(format!(
                "no shipped rubric `{name}`; `govgate rubric list` lists them"
            ))),
        },
    }
}

/// `govgate rubric init`.
fn init_cmd(args: &crate::cli::InitArgs) -> Result<Output> {
    let rubric_dir = args
        .output
        .as_ref()
        .and_then(|o| o.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if let Some(out) = &args.output
        && out.exists()
        && !args.force
    {
        return Err(Error::Usage(format!(
            "{} exists; pass --force to overwrite it",
            out.display()
        )));
    }
    let text = rubric::init::init(&rubric::init::InitInputs {
        inputs: evidence::Inputs {
            current: args.inputs.clone(),
            baseline: args.baseline.clone(),
            reference: args.reference.clone(),
            production: args.production.clone(),
            requests: Vec::new(),
            history: args.history.clone(),
        },
        rubric_dir,
    })?;
    match &args.output {
        Some(path) => {
            report::write_atomic(path, text.as_bytes())?;
            Ok(Output {
                stdout: String::new(),
                code: exit::PASS,
            })
        }
        None => Ok(Output {
            stdout: text,
            code: exit::PASS,
        }),
    }
}

/// `auto`: colour on a terminal unless `NO_COLOR` is set; an explicit `--color always` or
/// `never` wins over `NO_COLOR`, as https://no-color.org asks of command-line arguments.
fn use_color(when: ColorWhen) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => !no_color && std::io::stdout().is_terminal(),
    }
}

/// A judged gate: the rubric, the evidence, what the checks read, the verdict.
pub struct Judged {
    pub rubric: rubric::Rubric,
    pub evidence: crate::model::Evidence,
    pub cache: SampleCache,
    pub verdict: level::Verdict,
}

/// Loads the rubric and the evidence of `args` and runs every check.
pub fn judge(args: &GateArgs) -> Result<Judged> {
    let mut rubric = match &args.rubric {
        Some(arg) => rubric::resolve(arg)?,
        None => rubric::embedded_default()?,
    };
    for (pid, level) in &args.require {
        rubric.require[pid.index()] = (*level > 0).then_some(*level);
    }
    tracing::debug!(
        rubric = %rubric.name,
        origin = %rubric.origin,
        checks = rubric.checks.len(),
        require = ?rubric.require,
        "rubric read"
    );
    // the command line wins over the rubric, role by role; a role taken from the rubric
    // must stay inside its directory
    let from_rubric: Vec<&str> = [
        ("current", &args.inputs),
        ("baseline", &args.baseline),
        ("reference", &args.reference),
        ("production", &args.production),
        ("requests", &args.requests),
        ("history", &args.history),
    ]
    .into_iter()
    .filter(|(_, cli)| cli.is_empty())
    .map(|(role, _)| role)
    .collect();
    if let Some(e) = rubric.refused(&from_rubric) {
        return Err(e.into());
    }
    let pick = |cli: &[PathBuf], rubric: &[PathBuf]| -> Vec<PathBuf> {
        if cli.is_empty() {
            rubric.to_vec()
        } else {
            cli.to_vec()
        }
    };
    let inputs = evidence::Inputs {
        current: pick(&args.inputs, &rubric.inputs.current),
        baseline: pick(&args.baseline, &rubric.inputs.baseline),
        reference: pick(&args.reference, &rubric.inputs.reference),
        production: pick(&args.production, &rubric.inputs.production),
        requests: pick(&args.requests, &rubric.inputs.requests),
        history: pick(&args.history, &rubric.inputs.history),
    };
    // a rubric whose every check names its own files needs no other input; otherwise
    // nothing named at all is a mistake, not an empty gate
    let needing: Vec<&str> = rubric
        .checks
        .iter()
        .filter(|c| !c.kind.names_its_evidence())
        .map(|c| c.id.as_str())
        .collect();
    if inputs.is_empty() && (rubric.checks.is_empty() || !needing.is_empty()) {
        // which checks need inputs is worth saying only when others do not
        let which = match needing.len() {
            n if n == rubric.checks.len() => String::new(),
            1..=3 => format!(" (checks that read them: {})", needing.join(", ")),
            n => format!(
                " ({n} of the rubric's {} checks read them)",
                rubric.checks.len()
            ),
        };
        return Err(Error::Usage(format!(
            "no inputs: name results files or directories (e.g. `govgate check results/`), \
             records windows (`--reference`, `--production`), or set `inputs` in the rubric{which}"
        )));
    }
    let now = match &args.now {
        None => None,
        Some(t) => Some(
            evidence::production::parse_time(t.trim())
                .or_else(|| t.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "--now {t}: not a time; give RFC 3339 (`2026-11-23T12:00:00Z`), a date \
                         (`2026-11-23`) or UNIX seconds"
                    ))
                })?,
        ),
    };
    let mut evidence = evidence::load_evidence(&inputs)?;
    evidence.now = now;
    let mut cache = SampleCache::default();
    let outcomes = checks::run(&rubric, &evidence, &mut cache)?;
    let verdict = level::roll_up(outcomes, rubric.require);
    Ok(Judged {
        rubric,
        evidence,
        cache,
        verdict,
    })
}

/// `govgate check`.
/// With `quiet`, stdout is the verdict line alone.
pub fn check(args: &CheckArgs, color: bool, quiet: bool) -> Result<Output> {
    // the compliance report's date: checked before any evidence is read
    let date = manifest::timestamp(args.timestamp.as_deref())?;
    let j = judge(&args.gate)?;
    let compliance = args.format == report::Format::Compliance
        || args
            .report
            .iter()
            .any(|(f, _)| *f == report::Format::Compliance);
    let run_files = if compliance {
        run_files(&j)?
    } else {
        BTreeMap::new()
    };
    // `--format github` in a GitHub Actions step also writes the step summary
    let summary = (args.format == report::Format::Github)
        .then(|| std::env::var_os("GITHUB_STEP_SUMMARY"))
        .flatten()
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let ctx = report::Context {
        rubric: &j.rubric,
        evidence: &j.evidence,
        samples_read: &j.cache.read,
        records_read: &j.cache.records,
        files_read: &j.cache.files,
        attestation: report::compliance::Attestation {
            date: date.as_deref(),
            signer: args.signer.as_deref(),
            run_files: Some(&run_files),
        },
        color,
        step_summary: summary.is_some(),
    };
    let stdout = report::render(args.format, &j.verdict, &ctx);
    let files_ctx = report::Context {
        color: false,
        ..ctx
    };
    let files: Vec<(PathBuf, String)> = args
        .report
        .iter()
        .map(|(f, p)| (p.clone(), report::render(*f, &j.verdict, &files_ctx)))
        .collect();
    report::write_all(&files)?;
    if let Some(path) = summary {
        let md =
            report::markdown::render(&j.verdict, &files_ctx, report::markdown::STEP_SUMMARY_LIMIT);
        if let Err(e) = report::append(&path, &md) {
            for (p, _) in &files {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
    }
    Ok(Output {
        stdout: if quiet {
            format!("{}\n", report::verdict_line(&j.verdict))
        } else {
            stdout
        },
        code: j.verdict.exit_code,
    })
}

/// Notes, for the compliance report's integrity section, the files of the runs that their
/// results file does not stand for alone (a HELM run's `run_spec.json`, `scenario_state.json`,
/// the suite's `schema.json`, …: what a manifest pins), hashed.
fn run_files(j: &Judged) -> Result<BTreeMap<PathBuf, checks::NotedFile>> {
    let known: std::collections::BTreeSet<PathBuf> = j
        .evidence
        .current
        .iter()
        .chain(&j.evidence.baseline)
        .chain(&j.evidence.history)
        .map(|r| r.source.path.clone())
        .chain(j.cache.read.keys().cloned())
        .chain(j.cache.records.keys().map(|(_, p)| p.clone()))
        .chain(j.cache.files.keys().cloned())
        .collect();
    let mut out = BTreeMap::new();
    for p in manifest::input_files(&j.evidence, &j.rubric)? {
        let is_rubric = matches!(&j.rubric.origin, rubric::Origin::File(r) if *r == p);
        if !known.contains(&p) && !is_rubric {
            let (sha256, bytes) = evidence::hash_file(&p)?;
            let what = "run_file";
            out.insert(
                p,
                checks::NotedFile {
                    what,
                    sha256,
                    bytes,
                },
            );
        }
    }
    Ok(out)
}

/// `govgate manifest`: writes the manifest; exit 0 when written, whatever the verdict.
pub fn manifest_cmd(args: &ManifestArgs) -> Result<Output> {
    let timestamp = manifest::timestamp(args.timestamp.as_deref())?;
    let j = judge(&args.gate)?;
    let text = manifest::build(&j.evidence, &j.rubric, &j.verdict, &args.root, timestamp)?;
    if args.output == Path::new("-") {
        return Ok(Output {
            stdout: text,
            code: exit::PASS,
        });
    }
    report::write_all(&[(args.output.clone(), text)])?;
    Ok(Output {
        stdout: String::new(),
        code: exit::PASS,
    })
}

/// `govgate verify`.
pub fn verify_cmd(args: &VerifyArgs, quiet: bool) -> Result<Output> {
    let v = manifest::verify(&args.manifest, &args.root, args.strict)?;
    let stdout = match args.format {
        // the verdict is the text's last line
        InspectFormat::Text | InspectFormat::Json if quiet => {
            let text = manifest::render(&args.manifest, &args.root, &v);
            let last = text.lines().last().unwrap_or_default();
            format!("{last}\n")
        }
        InspectFormat::Text => manifest::render(&args.manifest, &args.root, &v),
        InspectFormat::Json => {
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    Ok(Output {
        stdout,
        code: if v.ok() {
            exit::PASS
        } else {
            exit::GATE_FAILED
        },
    })
}

fn inspect_cmd(args: &InspectArgs) -> Result<Output> {
    let runs = evidence::load(&args.paths)?;
    let pairs = if args.baseline.is_empty() {
        None
    } else {
        let baseline = evidence::load(&args.baseline)?;
        Some(inspect::comparability(&runs, &baseline)?)
    };
    let stdout = match args.format {
        InspectFormat::Text => {
            let mut s = inspect::render_text(&runs);
            if let Some(p) = &pairs {
                s.push_str(&inspect::render_comparability(p));
            }
            s
        }
        InspectFormat::Json => inspect::render_json(&runs, pairs.as_deref()),
    };
    Ok(Output {
        stdout,
        code: exit::PASS,
    })
}

/// Validates each rubric; any invalid one makes the run exit 2 with every file's problems
/// (and nothing on stdout, as for any run that cannot be judged).
fn validate_all(files: &[std::path::PathBuf]) -> Result<Output> {
    let mut stdout = String::new();
    let mut errors = Vec::new();
    for f in files {
        match validate(f) {
            Ok(o) => stdout.push_str(&o.stdout),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(Output {
            stdout,
            code: exit::PASS,
        }),
        1 => Err(errors.remove(0)),
        _ => Err(Error::Several(errors)),
    }
}

fn validate(file: &std::path::Path) -> Result<Output> {
    let r = rubric::resolve(file)?;
    let mut per_process = Vec::new();
    for pid in rubric::ProcessId::ALL {
        let n = r.checks.iter().filter(|c| c.process == pid).count();
        if n > 0 {
            per_process.push(format!("{pid} {n}"));
        }
    }
    let require: Vec<String> = rubric::ProcessId::ALL
        .iter()
        .filter_map(|p| r.require[p.index()].map(|l| format!("{p}={l}")))
        .collect();
    let mut notes = String::new();
    for (role, e) in &r.refused_inputs {
        let at = e
            .loc
            .map(|l| format!(":{}:{}", l.line, l.column))
            .unwrap_or_default();
        notes.push_str(&format!(
            "  note: {}{at}: `inputs.{role}` leaves the rubric's directory: it is read only with \
             --allow-outside-root; name the {role} inputs on the command line instead\n",
            file.display()
        ));
    }
    Ok(Output {
        stdout: format!(
            "{}: valid rubric \"{}\": {} checks ({}); requires {}\n{notes}",
            file.display(),
            r.name,
            r.checks.len(),
            if per_process.is_empty() {
                "none".to_owned()
            } else {
                per_process.join(", ")
            },
            if require.is_empty() {
                "nothing".to_owned()
            } else {
                require.join(", ")
            }
        ),
        code: exit::PASS,
    })
}

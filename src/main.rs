//! The `govgate` binary: parse the command line, run the library, map the result to an
//! exit code. Everything else lives in the library.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use govgate::cli::Cli;
use govgate::error::exit;

fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors exit 2 from clap itself
    init_logging(cli.verbose, cli.quiet);
    match std::panic::catch_unwind(|| run(&cli)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            // Library errors carry their cause in their own message.
            eprintln!("error: {e}");
            ExitCode::from(exit_code_for(&e))
        }
        Err(_) => {
            eprintln!(
                "error: internal error (a bug in govgate); please report it with the message above"
            );
            ExitCode::from(exit::INTERNAL)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<u8> {
    // Fault injection, so the tests can show that a bug exits 3, never 0 or 1.
    if std::env::var_os("GOVGATE_FAULT").is_some_and(|v| v == "panic") {
        panic!("fault injected by GOVGATE_FAULT=panic");
    }
    // a spinner for long inputs, on a terminal only
    let show = !cli.quiet && std::io::stderr().is_terminal();
    let out = govgate::progress::while_running(show, || govgate::app::run(cli))?;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.stdout.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (`govgate check … | head`) does not change the verdict.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::anyhow!("cannot write to stdout: {e}"))
        }
        _ => Ok(out.code),
    }
}

/// The one place errors become exit codes.
fn exit_code_for(e: &anyhow::Error) -> u8 {
    match e.downcast_ref::<govgate::error::Error>() {
        Some(err) => err.exit_code(),
        None => exit::INVALID,
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match verbose {
        _ if quiet => "error",
        0 => "warn",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GOVGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && !no_color)
        .with_target(false)
        .without_time()
        .try_init();
}

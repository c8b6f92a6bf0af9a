//! Library errors and the one place they become exit codes.
//!
//! Every error here means "the run could not be judged" (exit code 2): bad arguments, an
//! invalid rubric, an unreadable or malformed input, a report that could not be written.
//! A gate that was judged and failed is not an error; it is a verdict (exit code 1).

use std::io;
use std::path::PathBuf;

use crate::rubric::RubricError;

/// Exit codes, as documented in the README and docs/architecture.md.
pub mod exit {
    /// Every required support level was met.
    pub const PASS: u8 = 0;
    /// At least one process is below its required level.
    pub const GATE_FAILED: u8 = 1;
    /// The run could not be judged: bad arguments, invalid rubric, unreadable or malformed
    /// input, no recognizable evidence, a report that could not be written.
    pub const INVALID: u8 = 2;
    /// An internal error (a bug). Never 0 or 1 on an error.
    pub const INTERNAL: u8 = 3;
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A file is not well-formed where its format requires it.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    /// A file or directory is well-formed but unusable (unrecognized, empty, too large, …).
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// The rubric is invalid; carries every problem found.
    #[error("{0}")]
    Rubric(Box<RubricError>),
    /// Bad command-line usage that clap cannot catch (a malformed `--require`, …).
    #[error("{0}")]
    Usage(String),
    /// govgate itself is wrong (a generated rubric it cannot read back, …): a bug to report.
    /// Several inputs, each refused (`rubric validate` of several files): one message per
    /// input, each on its own `error:` line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: "))]
    Several(Vec<Error>),
    #[error("internal error (a bug in govgate; please report it): {0}")]
    Internal(String),
    /// A report file could not be written.
    #[error("{}: cannot write report: {source}", path.display())]
    Report {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// The exit code for this error. All library errors mean "could not be judged".
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Io { .. }
            | Error::Parse { .. }
            | Error::Input { .. }
            | Error::Rubric(_)
            | Error::Usage(_)
            | Error::Report { .. }
            | Error::Several(_) => exit::INVALID,
            Error::Internal(_) => exit::INTERNAL,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Wraps a JSON reading error, keeping its position.
    pub fn json(path: impl Into<PathBuf>, e: crate::evidence::json::JsonError) -> Self {
        use crate::evidence::json::JsonErrorKind;
        let path = path.into();
        match e.kind {
            JsonErrorKind::Io(source) => Error::Io { path, source },
            JsonErrorKind::Syntax(message) => Error::Parse {
                path,
                line: e.position.line,
                column: e.position.column,
                message,
            },
        }
    }
}

impl From<RubricError> for Error {
    fn from(e: RubricError) -> Self {
        Error::Rubric(Box::new(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_exit_code_2() {
        let errors = [
            Error::io("a", io::Error::other("x")),
            Error::input("a", "x"),
            Error::Usage("x".into()),
            Error::Parse {
                path: "a".into(),
                line: 1,
                column: 2,
                message: "x".into(),
            },
            Error::Report {
                path: "a".into(),
                source: io::Error::other("x"),
            },
        ];
        for e in errors {
            assert_eq!(e.exit_code(), exit::INVALID, "{e}");
        }
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let e = Error::Parse {
            path: "r/results.json".into(),
            line: 12,
            column: 5,
            message: "unexpected end of file".into(),
        };
        assert_eq!(e.to_string(), "r/results.json:12:5: unexpected end of file");
    }
}

//! Opening inputs. Every file govgate reads as evidence (results, samples, HELM files,
//! records, model cards, manifests, Inspect logs) is opened here, so two promises hold
//! everywhere:
//!
//! * only regular files are read — a FIFO, socket or device would block or never end, a
//!   directory is not a file — each refused with exit code 2 before it is opened;
//! * a file larger than `--max-input-size` ([`DEFAULT_MAX_INPUT_BYTES`] unless set) is
//!   refused with exit code 2 before a byte of it is read.
//!
//! Symbolic links are followed (a loop is an I/O error naming the path).

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// The default `--max-input-size`: 8 GiB. The largest inputs are samples logs and Inspect
/// logs of a million samples (1–2 GB); a file beyond this is a mistake or an attack.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024 * 1024;

static MAX_INPUT: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_BYTES);

/// Sets the process-wide input size limit (`--max-input-size`).
pub fn set_max_input_size(bytes: u64) {
    MAX_INPUT.store(bytes, Ordering::Relaxed);
}

/// The input size limit in force.
pub fn max_input_size() -> u64 {
    MAX_INPUT.load(Ordering::Relaxed)
}

/// Parses a size: a number of bytes, or with a suffix `K`, `M`, `G`, `T` (powers of 1024;
/// `KiB`, `MB`, … are read alike, case-insensitive).
pub fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (a number of bytes, or 500M, 4G, …)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => return Err(format!("`{s}`: unknown unit `{other}` (use K, M, G or T)")),
    };
    n.checked_mul(1u64 << shift)
        .filter(|b| *b > 0)
        .ok_or_else(|| format!("`{s}` is not a size govgate can use (1 byte to 16 EiB)"))
}

/// Checks that `path` is a regular file within the size limit; returns its size.
pub fn check(path: &Path) -> Result<u64> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let ft = meta.file_type();
    if !ft.is_file() {
        let what = if ft.is_dir() {
            "a directory"
        } else {
            kind_of(&ft)
        };
        return Err(Error::input(
            path,
            format!("is {what}, not a regular file; govgate reads regular files only"),
        ));
    }
    let limit = max_input_size();
    if meta.len() > limit {
        return Err(Error::input(
            path,
            format!(
                "{} bytes is larger than the input size limit of {limit} bytes (--max-input-size)",
                meta.len()
            ),
        ));
    }
    Ok(meta.len())
}

#[cfg(unix)]
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of(_: &std::fs::FileType) -> &'static str {
    "not a file"
}

/// Opens an input after [`check`].
pub fn open(path: &Path) -> Result<File> {
    check(path)?;
    File::open(path).map_err(|e| Error::io(path, e))
}

/// Opens an input after [`check`] and reads it ahead, hashing it, on a second thread
/// ([`super::readahead`]).
pub fn open_read_ahead(path: &Path) -> Result<super::readahead::ReadAhead> {
    super::readahead::ReadAhead::new(open(path)?).map_err(|e| Error::io(path, e))
}

/// The first bytes of an input (up to `buf.len()`), for detection by content; how many.
pub fn head(path: &Path, buf: &mut [u8]) -> Result<usize> {
    use std::io::Read;
    let mut file = open(path)?;
    let mut n = 0;
    while n < buf.len() {
        let k = file.read(&mut buf[n..]).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

/// Reads a whole input after [`check`] (never more than the limit, even if the file grows).
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let size = check(path)?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 30));
    file.take(max_input_size().saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max_input_size() {
        return Err(Error::input(
            path,
            "grew past the input size limit while it was read (--max-input-size)",
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("4GiB"), Ok(4 << 30));
        assert_eq!(parse_size("2 gb"), Ok(2 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("4X").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert!(parse_size("").is_err());
    }

    #[test]
    fn directories_are_not_files() {
        let e = check(Path::new("src")).expect_err("a directory");
        assert_eq!(
            e.to_string(),
            "src: is a directory, not a regular file; govgate reads regular files only"
        );
    }
}

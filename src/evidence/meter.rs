//! Bytes of evidence read so far, process-wide: what the progress display on a terminal
//! shows while a long input is read. Counting is one relaxed atomic add per `read` call
//! (64 KiB buffers), so it costs nothing measurable.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};

static BYTES: AtomicU64 = AtomicU64::new(0);

/// Bytes read through [`Metered`] readers (and [`super::HashingReader`]) since start.
pub fn bytes_read() -> u64 {
    BYTES.load(Ordering::Relaxed)
}

pub(crate) fn add(n: usize) {
    BYTES.fetch_add(n as u64, Ordering::Relaxed);
}

/// A reader that counts what passes through it into [`bytes_read`].
pub struct Metered<R>(pub R);

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        add(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_is_read() {
        let before = bytes_read();
        let mut r = Metered(&b"hello world"[..]);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello world");
        // other tests may read concurrently: at least our 11 bytes were counted
        assert!(bytes_read() - before >= 11);
    }
}

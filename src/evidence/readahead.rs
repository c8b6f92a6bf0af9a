//! Reading ahead on a second thread: the file's bytes are read and hashed (SHA-256, about a
//! fifth of the CPU of reading a samples log) on a thread of their own, in 1 MiB chunks, while
//! the caller parses the chunks already read. Two cores work on one file.
//!
//! At most four chunks (`DEPTH`) wait between the threads, so memory is bounded (about 5 MiB a
//! file) whatever the file's size. Chunks go back to the reading thread to be filled again,
//! so a file of any size costs a handful of allocations. If the caller stops early (an error
//! in the file), the reading thread stops at its next chunk, and dropping the reader waits
//! for it: no thread outlives its reader (the fuzzers' leak checker holds it to that).

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

/// The size of a chunk (the first chunk is a file's first 1 MiB, or all of a smaller file).
pub const CHUNK: usize = 1 << 20;
/// Chunks read ahead of the parser at most.
const DEPTH: usize = 4;

/// A file read and hashed on a second thread; read it as any reader, then [`Self::finish`].
pub struct ReadAhead {
    full: Receiver<io::Result<Vec<u8>>>,
    empty: SyncSender<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
    done: bool,
    thread: Option<JoinHandle<(String, u64)>>,
}

impl ReadAhead {
    /// Starts reading `file` on a new thread.
    pub fn new(file: File) -> io::Result<Self> {
        let (full_tx, full) = sync_channel::<io::Result<Vec<u8>>>(DEPTH);
        let (empty, empty_rx) = sync_channel::<Vec<u8>>(DEPTH + 2);
        let thread = std::thread::Builder::new()
            .name("govgate-read".into())
            .spawn(move || fill(file, &full_tx, &empty_rx))?;
        Ok(ReadAhead {
            full,
            empty,
            chunk: Vec::new(),
            at: 0,
            done: false,
            thread: Some(thread),
        })
    }

    /// Reads what is left, then returns the hex SHA-256 and byte count of the whole file.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        while !self.done {
            self.next_chunk()?;
        }
        self.join()
    }

    fn join(&mut self) -> io::Result<(String, u64)> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(r)) => Ok(r),
            _ => Err(io::Error::other("the reading thread stopped")),
        }
    }

    /// Takes the next chunk from the reading thread, giving the last one back.
    fn next_chunk(&mut self) -> io::Result<()> {
        let used = std::mem::take(&mut self.chunk);
        if used.capacity() > 0 {
            let _ = self.empty.try_send(used);
        }
        self.at = 0;
        match self.full.recv() {
            Ok(Ok(c)) => self.chunk = c,
            Ok(Err(e)) => {
                self.done = true;
                return Err(e);
            }
            // the thread sends nothing more after the last chunk
            Err(_) => self.done = true,
        }
        Ok(())
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl io::BufRead for ReadAhead {
    /// The rest of the current chunk, without a copy (empty at the end of the file).
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.at == self.chunk.len() && !self.done {
            self.next_chunk()?;
        }
        Ok(&self.chunk[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at = (self.at + n).min(self.chunk.len());
    }
}

impl Drop for ReadAhead {
    /// Stops the reading thread and waits for it: with the parser's end of the channel
    /// closed, it ends at its next chunk (a read of at most 1 MiB). No thread outlives the
    /// reader, whether the file was read to the end or an error stopped the parse.
    fn drop(&mut self) {
        let (_, closed) = sync_channel(0);
        drop(std::mem::replace(&mut self.full, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The reading thread: chunks in order, hashed; an error ends it; so does the parser going
/// away (the send fails, the receiver dropped).
fn fill(
    mut file: File,
    full: &SyncSender<io::Result<Vec<u8>>>,
    empty: &Receiver<Vec<u8>>,
) -> (String, u64) {
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    loop {
        let mut chunk = empty.try_recv().unwrap_or_default();
        chunk.resize(CHUNK, 0);
        let mut n = 0;
        let got = loop {
            match file.read(&mut chunk[n..]) {
                Ok(0) => break Ok(()),
                Ok(k) => {
                    n += k;
                    if n == CHUNK {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        if let Err(e) = got {
            let _ = full.send(Err(e));
            break;
        }
        chunk.truncate(n);
        super::meter::add(n);
        hasher.update(&chunk);
        bytes += n as u64;
        if n == 0 || full.send(Ok(chunk)).is_err() {
            break;
        }
    }
    (super::hex(&hasher.finalize()), bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file holding `bytes`, removed when the guard drops.
    struct Temp(std::path::PathBuf);
    impl Drop for Temp {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn file_of(name: &str, bytes: &[u8]) -> (Temp, std::path::PathBuf) {
        let p =
            std::env::temp_dir().join(format!("govgate-readahead-{}-{name}", std::process::id()));
        std::fs::write(&p, bytes).expect("write");
        (Temp(p.clone()), p)
    }

    #[test]
    fn reads_every_byte_in_order_and_hashes_them() {
        // several chunks and a partial one, read through odd buffer sizes
        let bytes: Vec<u8> = (0..(3 * CHUNK + 12_345))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let (_d, p) = file_of("chunks", &bytes);
        let mut r = ReadAhead::new(File::open(&p).expect("open")).expect("thread");
        let mut out = Vec::new();
        let mut buf = vec![0u8; 7_777];
        for _ in 0..100 {
            let n = r.read(&mut buf).expect("read");
            out.extend_from_slice(&buf[..n]);
        }
        let (sha, n) = r.finish().expect("finish");
        // finish hashes what was not read too; the bytes read are the file's first bytes
        assert_eq!(out, bytes[..out.len()]);
        assert_eq!(n, bytes.len() as u64);
        assert_eq!(sha, super::super::sha256_hex(&bytes));
        let mut all = Vec::new();
        ReadAhead::new(File::open(&p).expect("open"))
            .expect("thread")
            .read_to_end(&mut all)
            .expect("read");
        assert_eq!(all, bytes);
        // and as a BufRead, chunk by chunk without a copy
        let mut r = ReadAhead::new(File::open(&p).expect("open")).expect("thread");
        let mut all = Vec::new();
        loop {
            let buf = io::BufRead::fill_buf(&mut r).expect("fill");
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(100_000);
            all.extend_from_slice(&buf[..n]);
            io::BufRead::consume(&mut r, n);
        }
        assert_eq!(all, bytes);
    }

    #[test]
    fn an_empty_file_and_an_early_stop() {
        let (_d, p) = file_of("empty", b"");
        let r = ReadAhead::new(File::open(&p).expect("open")).expect("thread");
        assert_eq!(
            r.finish().expect("finish"),
            (super::super::sha256_hex(b""), 0)
        );
        let big = vec![b'x'; 10 * CHUNK];
        let (_d2, p2) = file_of("big", &big);
        let mut r = ReadAhead::new(File::open(&p2).expect("open")).expect("thread");
        let mut one = [0u8; 1];
        r.read_exact(&mut one).expect("read");
        // the thread ends at its next chunk and the drop waits for it (a drop that did not
        // stop the thread would hang here)
        drop(r);
    }
}

//! The containers of an Inspect AI log: the `.eval` ZIP archive (bounded members, member
//! names never paths) and the JSON document.

#[allow(unused_imports)]
use super::*;

/// The first bytes of a ZIP archive (a local file header).
pub const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// Members an `.eval` archive may hold (a 100,000-sample run with 5 epochs has about
/// 500,000).
pub const MAX_MEMBERS: usize = 2_000_000;

/// Decompressed size bound of the members read whole (`header.json`, `reductions.json`,
/// summaries, `_journal/start.json`).
pub const MAX_PARSED_MEMBER_BYTES: u64 = 1024 * 1024 * 1024;

/// Decompressed size bound of one sample member (streamed, its transcript stepped over).
pub const MAX_SAMPLE_MEMBER_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// The read buffer of one member.
pub(super) const MEMBER_BUFFER: usize = 8 * 1024;

/// Whether the first bytes of a file are a ZIP archive's.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(&ZIP_MAGIC)
}

/// Reads up to 4 bytes from the start of a file.
pub fn magic(path: &Path) -> Result<[u8; 4]> {
    let mut f = crate::evidence::input::open(path)?;
    let mut head = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        let k = f.read(&mut head[n..]).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(head)
}

// ---------------------------------------------------------------------------------------
// Containers

pub(super) type Archive = zip::ZipArchive<File>;

/// A log opened for reading.
pub(super) enum Container {
    Zip(Box<Archive>),
    Json,
}

pub(super) fn open(path: &Path) -> Result<Container> {
    open_bounded(path, MAX_MEMBERS)
}

pub(super) fn open_bounded(path: &Path, max_members: usize) -> Result<Container> {
    // `magic` opens the file through evidence::input: a regular file within --max-input-size
    if !is_zip(&magic(path)?) {
        return Ok(Container::Json);
    }
    let file = crate::evidence::input::open(path)?;
    let archive = zip::ZipArchive::new(file).map_err(|e| zip_error(path, None, e))?;
    if archive.len() > max_members {
        return Err(Error::input(
            path,
            format!(
                "the archive holds {} members, more than the {max_members} govgate reads",
                archive.len()
            ),
        ));
    }
    Ok(Container::Zip(Box::new(archive)))
}

pub(super) fn zip_error(path: &Path, member: Option<&str>, e: zip::result::ZipError) -> Error {
    use zip::result::ZipError;
    let what = match &e {
        ZipError::UnsupportedArchive(m) if m.contains("ompression") => {
            format!("{m} (Inspect writes DEFLATE or Zstandard members; govgate reads those two)")
        }
        ZipError::Io(io) => format!("cannot read the archive: {io}"),
        other => other.to_string(),
    };
    match member {
        Some(m) => Error::input(path, format!("member `{m}` of the .eval archive: {what}")),
        None => Error::input(path, format!("not a readable .eval archive: {what}")),
    }
}

/// A reader that fails once more than `limit` bytes came through (a decompression bound).
pub(super) struct Bounded<R> {
    pub(super) inner: R,
    pub(super) left: u64,
    pub(super) limit: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompresses to more than {} bytes, the bound for this member",
                    self.limit
                ),
            ));
        }
        self.left -= n as u64;
        meter::add(n);
        Ok(n)
    }
}

/// An error reading a member's JSON, with the member and its line and column.
pub(super) fn member_error(path: &Path, member: &str, e: JsonError) -> Error {
    match e.kind {
        JsonErrorKind::Io(io) => Error::input(path, format!("member `{member}`: {io}")),
        JsonErrorKind::Syntax(m) => Error::input(
            path,
            format!(
                "member `{member}`, line {}, column {}: {m}",
                e.position.line, e.position.column
            ),
        ),
    }
}

/// Runs `f` on a reader over the decompressed member `name`; `Ok(None)` when absent.
pub(super) fn with_member<T>(
    archive: &mut Archive,
    path: &Path,
    name: &str,
    limit: u64,
    f: impl FnOnce(&mut JsonReader<Bounded<zip::read::ZipFile<'_, File>>>) -> json::Result<T>,
) -> Result<Option<T>> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let file = archive
        .by_index(index)
        .map_err(|e| zip_error(path, Some(name), e))?;
    // members are many and mostly small: a small buffer each
    let mut reader = JsonReader::with_buffer(
        Bounded {
            inner: file,
            left: limit,
            limit,
        },
        MEMBER_BUFFER,
    );
    let out = f(&mut reader).map_err(|e| member_error(path, name, e))?;
    Ok(Some(out))
}

/// Parses a whole member (keys `keep` rejects are stepped over at every depth).
pub(super) fn parse_member(
    archive: &mut Archive,
    path: &Path,
    name: &str,
    keep: &dyn json::KeyFilter,
) -> Result<Option<Value>> {
    with_member(archive, path, name, MAX_PARSED_MEMBER_BYTES, |r| {
        let v = r.parse_value_filtered(keep)?;
        if !r.at_end()? {
            return Err(r.error("trailing characters after the JSON value"));
        }
        Ok(v)
    })
}

/// The member names (UTF-8 ones: Inspect writes no others), deduplicated, in archive order.
pub(super) fn member_names(archive: &Archive) -> Vec<String> {
    archive
        .file_names_raw()
        .filter_map(|n| std::str::from_utf8(n).ok())
        .map(str::to_owned)
        .collect()
}

/// The sample members of an archive: `(id as written in the name, epoch, member name)`.
/// A name with a second `/` below `samples/` is the experimental chunked layout.
pub(super) fn sample_members(archive: &Archive, path: &Path) -> Result<Vec<(String, u64, String)>> {
    let mut out = Vec::new();
    for name in member_names(archive) {
        let Some(rest) = name.strip_prefix("samples/") else {
            continue;
        };
        if rest.contains('/') {
            return Err(Error::input(
                path,
                format!(
                    "member `{name}`: this log uses Inspect's experimental chunked sample \
                     layout (`inspect log convert-chunked`), which Inspect's own reader does \
                     not read either; unsupported — convert it back or give the original log"
                ),
            ));
        }
        let Some(stem) = rest.strip_suffix(".json") else {
            continue;
        };
        let (id, epoch) = match stem.rsplit_once("_epoch_") {
            Some((id, e)) => (id, e.parse::<u64>().unwrap_or(0)),
            None => (stem, 0),
        };
        out.push((id.to_owned(), epoch, name.clone()));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// The log's header and reductions

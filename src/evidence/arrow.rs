//! Arrow IPC records: the IPC file format (`.arrow`, Feather v2 `.feather`; magic `ARROW1`)
//! and the IPC stream format (`.arrows`; it starts with the continuation marker
//! `FF FF FF FF`), as pyarrow, Polars, DuckDB and pandas (`to_feather`) write them, read as
//! the same records a JSON Lines file holds.
//!
//! Only the top-level columns the checks name are decoded (a projection, as for Parquet), one
//! record batch at a time, column by column. Values map exactly as [`super::parquet`] maps
//! Parquet's, so the same rows as JSON Lines, Parquet or Arrow give the same verdict: integers
//! and floats as numbers (NaN and ±Infinity kept), strings (and UTF-8 binary) as text,
//! booleans, null as missing, a struct as an object, a list as an array, a map as an object
//! of its entries, a date as `YYYY-MM-DD`, a timestamp as RFC 3339 text (UTC, whole
//! seconds), a time of day as seconds, a decimal as its number, a dictionary-encoded column
//! as its values. A column of a type no JSON log could hold (intervals, unions, …) is an
//! error naming it, never a column of missing values.
//!
//! Feather v1 files (magic `FEA1`, written by feather-format before 2020) are refused with a
//! message.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::DecimalType;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, DurationMicrosecondType,
    DurationMillisecondType, DurationNanosecondType, DurationSecondType, Float16Type, Float32Type,
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, Time32MillisecondType,
    Time32SecondType, Time64MicrosecondType, Time64NanosecondType, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, PrimitiveArray, RecordBatch};
use arrow_schema::{ArrowError, DataType, Schema, TimeUnit};

use super::json::{Object, Value};
use super::jsonl_fast::Slots;
use crate::error::{Error, Result};

/// An Arrow IPC file (Feather v2) starts with these bytes.
pub const FILE_MAGIC: &[u8; 6] = b"ARROW1";
/// An Arrow IPC stream starts with this continuation marker.
pub const STREAM_MARKER: &[u8; 4] = &[0xFF, 0xFF, 0xFF, 0xFF];
/// A Feather v1 file starts with these bytes.
pub const FEATHER_V1_MAGIC: &[u8; 4] = b"FEA1";

/// Whether the first bytes of a file are an Arrow IPC file's, an Arrow IPC stream's, or a
/// Feather v1 file's (which is then refused).
pub fn is_arrow(head: &[u8]) -> bool {
    head.starts_with(FILE_MAGIC)
        || head.starts_with(STREAM_MARKER)
        || head.starts_with(FEATHER_V1_MAGIC)
}

fn arrow_error(path: &Path, e: ArrowError) -> Error {
    Error::input(path, format!("not a readable Arrow IPC file: {e}"))
}

/// The record batches of a file, whichever of the two IPC formats it is in.
enum Batches {
    File(arrow_ipc::reader::FileReader<BufReader<File>>),
    Stream(arrow_ipc::reader::StreamReader<BufReader<File>>),
}

impl Batches {
    fn next(&mut self) -> Option<std::result::Result<RecordBatch, ArrowError>> {
        match self {
            Batches::File(r) => r.next(),
            Batches::Stream(r) => r.next(),
        }
    }
}

/// Checks, before arrow-ipc reads a byte of data, that every block and message the file
/// declares lies inside the file: arrow-ipc allocates what a length field says (a damaged
/// length of 68 TB aborts the process; a negative one panics), so a length that reaches past
/// the end of the file is refused here with exit 2. Reads only the footer (file format) or
/// each message's metadata (stream format), seeking over the bodies.
fn check_layout(path: &Path, file_format: bool) -> Result<()> {
    use std::io::{Seek, SeekFrom};
    let damaged =
        |what: String| Error::input(path, format!("not a readable Arrow IPC file: {what}"));
    let mut f = super::input::open(path)?;
    let size = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut read_at = |at: u64, len: u64| -> Result<Vec<u8>> {
        let len = usize::try_from(len).map_err(|_| damaged(format!("a length of {len} bytes")))?;
        let mut buf = vec![0u8; len];
        f.seek(SeekFrom::Start(at))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| Error::io(path, e))?;
        Ok(buf)
    };
    if file_format {
        // ... footer, its length (i32), "ARROW1"
        if size < 8 + 10 {
            return Err(damaged("too short for an Arrow IPC file".into()));
        }
        let tail = read_at(size - 10, 10)?;
        if &tail[4..] != FILE_MAGIC {
            return Err(damaged("it does not end with ARROW1 (cut short?)".into()));
        }
        let footer_len = i32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
        let footer_len = u64::try_from(footer_len).unwrap_or(u64::MAX);
        if footer_len == 0 || footer_len > size - 10 - 8 {
            return Err(damaged(format!(
                "a footer of {footer_len} bytes in a file of {size}"
            )));
        }
        let data_end = size - 10 - footer_len;
        let footer_bytes = read_at(data_end, footer_len)?;
        let footer = arrow_ipc::root_as_footer(&footer_bytes)
            .map_err(|e| damaged(format!("its footer: {e}")))?;
        let blocks = footer.recordBatches().into_iter().flatten();
        let dictionaries = footer.dictionaries().into_iter().flatten();
        for b in blocks.chain(dictionaries) {
            let (off, meta, body) = (b.offset(), i64::from(b.metaDataLength()), b.bodyLength());
            let end = off.checked_add(meta).and_then(|x| x.checked_add(body));
            let inside = off >= 8
                && meta >= 0
                && body >= 0
                && end
                    .and_then(|e| u64::try_from(e).ok())
                    .is_some_and(|e| e <= data_end);
            if !inside {
                return Err(damaged(format!(
                    "a block at {off} of {meta} + {body} bytes, past the data's {data_end} bytes"
                )));
            }
        }
        return Ok(());
    }
    // a stream: [FF FF FF FF] metadata length (i32), metadata, body; a length of 0 ends it
    let mut pos = 0u64;
    while pos + 4 <= size {
        let first = read_at(pos, 4)?;
        let (meta_len, header) = if first == [0xFF; 4] {
            if pos + 8 > size {
                break;
            }
            let l = read_at(pos + 4, 4)?;
            (i32::from_le_bytes([l[0], l[1], l[2], l[3]]), 8)
        } else {
            (
                i32::from_le_bytes([first[0], first[1], first[2], first[3]]),
                4,
            )
        };
        if meta_len == 0 {
            break;
        }
        let meta_len = u64::try_from(meta_len).unwrap_or(u64::MAX);
        if meta_len > size - pos - header {
            return Err(damaged(format!(
                "a message at {pos} of {meta_len} bytes of metadata in a file of {size}"
            )));
        }
        let meta = read_at(pos + header, meta_len)?;
        let message = arrow_ipc::root_as_message(&meta)
            .map_err(|e| damaged(format!("the message at {pos}: {e}")))?;
        let body = u64::try_from(message.bodyLength()).unwrap_or(u64::MAX);
        if body > size - pos - header - meta_len {
            return Err(damaged(format!(
                "the message at {pos} declares a body of {} bytes, past the end of the file",
                message.bodyLength()
            )));
        }
        pos += header + meta_len + body;
    }
    Ok(())
}

/// The indices of the top-level columns `wanted` names (`None`: every column).
///
/// The projection always holds a column with per-row buffers (the first named one, else the
/// first such column of the file, read but not decoded): arrow-ipc checks a batch's declared
/// row count only against the arrays it reads, so a batch read with no such column could
/// declare any number of rows. A file whose columns are all of type null has nothing to read.
fn projection(
    path: &Path,
    schema: &Schema,
    wanted: Option<&[String]>,
) -> Result<Option<Vec<usize>>> {
    let Some(w) = wanted else {
        return Ok(None);
    };
    let mut proj: Vec<usize> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| w.iter().any(|n| n == f.name()))
        .map(|(i, _)| i)
        .collect();
    let carries = |i: &usize| schema.field(*i).data_type() != &DataType::Null;
    if !proj.iter().any(carries) {
        match (0..schema.fields().len()).find(carries) {
            Some(i) => proj.push(i),
            None => {
                return Err(Error::input(
                    path,
                    "every column of this Arrow IPC file is of type null: no values to read",
                ));
            }
        }
    }
    proj.sort_unstable();
    Ok(Some(proj))
}

/// A record batch's decoded columns: each column's name and its values, row by row.
type Columns = [(String, Vec<Value>)];

/// The decoded columns of each record batch, given to `each` with the batch's row count;
/// `columns` names the top-level columns to decode (`None`: every column).
fn for_each_batch(
    path: &Path,
    columns: Option<&[String]>,
    each: &mut dyn FnMut(&mut Columns, usize),
) -> Result<()> {
    let mut head = [0u8; 6];
    let n = super::input::head(path, &mut head)?;
    if head[..n].starts_with(FEATHER_V1_MAGIC) {
        return Err(Error::input(
            path,
            "a Feather v1 file (magic FEA1), which Arrow no longer reads; write it again as \
             Feather v2 / Arrow IPC (pyarrow.feather.write_feather), Parquet or JSON Lines",
        ));
    }
    let file_format = head[..n].starts_with(FILE_MAGIC);
    check_layout(path, file_format)?;
    let file = BufReader::new(super::input::open(path)?);
    let mut batches = if file_format {
        // the schema is in the footer: read it first for the projection
        let probe =
            arrow_ipc::reader::FileReader::try_new(BufReader::new(super::input::open(path)?), None)
                .map_err(|e| arrow_error(path, e))?;
        let proj = projection(path, &probe.schema(), columns)?;
        drop(probe);
        Batches::File(
            arrow_ipc::reader::FileReader::try_new(file, proj).map_err(|e| arrow_error(path, e))?,
        )
    } else {
        let probe = arrow_ipc::reader::StreamReader::try_new(file, None)
            .map_err(|e| arrow_error(path, e))?;
        let proj = projection(path, &probe.schema(), columns)?;
        drop(probe);
        let file = BufReader::new(super::input::open(path)?);
        Batches::Stream(
            arrow_ipc::reader::StreamReader::try_new(file, proj)
                .map_err(|e| arrow_error(path, e))?,
        )
    };
    while let Some(batch) = batches.next() {
        let batch = batch.map_err(|e| arrow_error(path, e))?;
        let schema = batch.schema();
        let mut cols = Vec::with_capacity(batch.num_columns());
        for (field, array) in schema.fields().iter().zip(batch.columns()) {
            // the column projected only to check the row count is not decoded
            if columns.is_some_and(|w| !w.iter().any(|n| n == field.name())) {
                continue;
            }
            let values = values_of(array).map_err(|what| {
                Error::input(
                    path,
                    format!(
                        "column `{}` is {what}, which govgate does not read",
                        field.name()
                    ),
                )
            })?;
            cols.push((field.name().clone(), values));
        }
        each(&mut cols, batch.num_rows());
    }
    Ok(())
}

/// Streams the rows of an Arrow IPC file as record objects, giving `f` each one; `columns`
/// names the top-level columns to read (`None`: every column). Returns the rows read.
pub fn for_each_record(
    path: &Path,
    columns: Option<&[String]>,
    f: &mut dyn FnMut(&Object),
) -> Result<u64> {
    let mut rows = 0u64;
    for_each_batch(path, columns, &mut |cols, n| {
        for i in 0..n {
            let obj = Object(
                cols.iter_mut()
                    .map(|(name, values)| {
                        (name.clone(), std::mem::replace(&mut values[i], Value::Null))
                    })
                    .collect(),
            );
            rows += 1;
            f(&obj);
        }
    })?;
    Ok(rows)
}

/// Reads each row's named fields straight into `slots` (slot `i` is `fields[i]`, a dotted
/// path), without a record object per row: each named top-level column is decoded for the
/// batch and the field's value taken from it (through structs and maps), as the JSON Lines
/// fast path takes a line's. Returns the rows read.
pub fn for_each_slots(path: &Path, fields: &[&str], f: &mut dyn FnMut(&Slots)) -> Result<u64> {
    let tops: Vec<String> = fields
        .iter()
        .map(|p| p.split('.').next().unwrap_or(p).to_owned())
        .collect();
    let mut slots = Slots::new(fields.len());
    let segs: Vec<Vec<&str>> = fields
        .iter()
        .map(|p| p.split('.').skip(1).collect())
        .collect();
    let mut rows = 0u64;
    for_each_batch(
        path,
        Some(&tops),
        &mut |cols: &mut [(String, Vec<Value>)], n| {
            // per field: the column holding its top-level key
            let at: Vec<Option<usize>> = tops
                .iter()
                .map(|t| cols.iter().position(|(name, _)| name == t))
                .collect();
            for row in 0..n {
                for (i, (col, rest)) in at.iter().zip(&segs).enumerate() {
                    let mut v = col.map(|c| &cols[c].1[row]);
                    // through objects by key and arrays by index, as a JSON record's path
                    for seg in rest {
                        v = match v {
                            Some(Value::Object(o)) => o.get(seg),
                            Some(Value::Array(a)) => {
                                seg.parse::<usize>().ok().and_then(|k| a.get(k))
                            }
                            _ => None,
                        };
                    }
                    slots.set(i, v);
                }
                rows += 1;
                f(&slots);
            }
        },
    )?;
    Ok(rows)
}

/// The file's SHA-256 and size, read end to end.
pub fn hash(path: &Path) -> Result<(String, u64)> {
    let mut r = super::input::open_read_ahead(path)?;
    let mut buf = vec![0u8; 1 << 16];
    while r.read(&mut buf).map_err(|e| Error::io(path, e))? > 0 {}
    r.finish().map_err(|e| Error::io(path, e))
}

/// Every value of a column as the JSON value a JSON Lines log would hold; `Err` names a type
/// that has no such value.
fn values_of(a: &ArrayRef) -> std::result::Result<Vec<Value>, String> {
    let n = a.len();
    let valid = |i: usize| a.is_valid(i);
    macro_rules! each {
        ($arr:expr, $conv:expr) => {{
            let arr = $arr;
            (0..n)
                .map(|i| {
                    if valid(i) {
                        $conv(arr.value(i))
                    } else {
                        Value::Null
                    }
                })
                .collect()
        }};
    }
    let int = |x: i64| Value::Int(x);
    let secs = |s: i64| Value::Str(super::production::format_time(s as f64));
    Ok(match a.data_type() {
        DataType::Null => vec![Value::Null; n],
        DataType::Boolean => each!(a.as_boolean(), Value::Bool),
        DataType::Int8 => each!(a.as_primitive::<Int8Type>(), |x| int(i64::from(x))),
        DataType::Int16 => each!(a.as_primitive::<Int16Type>(), |x| int(i64::from(x))),
        DataType::Int32 => each!(a.as_primitive::<Int32Type>(), |x| int(i64::from(x))),
        DataType::Int64 => each!(a.as_primitive::<Int64Type>(), int),
        DataType::UInt8 => each!(a.as_primitive::<UInt8Type>(), |x| int(i64::from(x))),
        DataType::UInt16 => each!(a.as_primitive::<UInt16Type>(), |x| int(i64::from(x))),
        DataType::UInt32 => each!(a.as_primitive::<UInt32Type>(), |x| int(i64::from(x))),
        DataType::UInt64 => each!(
            a.as_primitive::<UInt64Type>(),
            |x: u64| match i64::try_from(x) {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Float(x as f64),
            }
        ),
        DataType::Float16 => each!(a.as_primitive::<Float16Type>(), |x| Value::Float(
            f64::from(x)
        )),
        DataType::Float32 => each!(a.as_primitive::<Float32Type>(), |x| Value::Float(
            f64::from(x)
        )),
        DataType::Float64 => each!(a.as_primitive::<Float64Type>(), Value::Float),
        // the decimal's own text (`12.50`), read as a number, as for Parquet
        DataType::Decimal128(..) => decimals(a.as_primitive::<Decimal128Type>()),
        DataType::Decimal256(..) => decimals(a.as_primitive::<Decimal256Type>()),
        DataType::Utf8 => each!(a.as_string::<i32>(), |s: &str| Value::Str(s.to_owned())),
        DataType::LargeUtf8 => each!(a.as_string::<i64>(), |s: &str| Value::Str(s.to_owned())),
        DataType::Utf8View => each!(a.as_string_view(), |s: &str| Value::Str(s.to_owned())),
        DataType::Binary => each!(a.as_binary::<i32>(), binary),
        DataType::LargeBinary => each!(a.as_binary::<i64>(), binary),
        DataType::BinaryView => each!(a.as_binary_view(), binary),
        DataType::FixedSizeBinary(_) => each!(a.as_fixed_size_binary(), binary),
        DataType::Date32 => each!(a.as_primitive::<Date32Type>(), |d: i32| Value::Str(
            super::parquet::date_text(i64::from(d))
        )),
        DataType::Date64 => each!(a.as_primitive::<Date64Type>(), |ms: i64| Value::Str(
            super::parquet::date_text(ms.div_euclid(86_400_000))
        )),
        DataType::Time32(TimeUnit::Second) => {
            each!(a.as_primitive::<Time32SecondType>(), |s| Value::Float(
                f64::from(s)
            ))
        }
        DataType::Time32(_) => each!(
            a.as_primitive::<Time32MillisecondType>(),
            |ms| Value::Float(f64::from(ms) / 1e3)
        ),
        DataType::Time64(TimeUnit::Nanosecond) => {
            each!(a.as_primitive::<Time64NanosecondType>(), |ns| Value::Float(
                ns as f64 / 1e9
            ))
        }
        DataType::Time64(_) => each!(
            a.as_primitive::<Time64MicrosecondType>(),
            |us| Value::Float(us as f64 / 1e6)
        ),
        DataType::Timestamp(TimeUnit::Second, _) => {
            each!(a.as_primitive::<TimestampSecondType>(), secs)
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            each!(
                a.as_primitive::<TimestampMillisecondType>(),
                |ms: i64| secs(ms.div_euclid(1_000))
            )
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            each!(
                a.as_primitive::<TimestampMicrosecondType>(),
                |us: i64| secs(us.div_euclid(1_000_000))
            )
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => each!(
            a.as_primitive::<TimestampNanosecondType>(),
            |ns: i64| secs(ns.div_euclid(1_000_000_000))
        ),
        // a duration as seconds (a number, as a JSON log writes one)
        DataType::Duration(TimeUnit::Second) => {
            each!(a.as_primitive::<DurationSecondType>(), |s| Value::Float(
                s as f64
            ))
        }
        DataType::Duration(TimeUnit::Millisecond) => {
            each!(a.as_primitive::<DurationMillisecondType>(), |x| {
                Value::Float(x as f64 / 1e3)
            })
        }
        DataType::Duration(TimeUnit::Microsecond) => {
            each!(a.as_primitive::<DurationMicrosecondType>(), |x| {
                Value::Float(x as f64 / 1e6)
            })
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            each!(
                a.as_primitive::<DurationNanosecondType>(),
                |x| Value::Float(x as f64 / 1e9)
            )
        }
        DataType::Struct(fields) => {
            let s = a.as_struct();
            let mut children: Vec<Vec<Value>> = s
                .columns()
                .iter()
                .map(values_of)
                .collect::<std::result::Result<_, _>>()?;
            (0..n)
                .map(|i| {
                    if !valid(i) {
                        return Value::Null;
                    }
                    Value::Object(Object(
                        fields
                            .iter()
                            .zip(children.iter_mut())
                            .map(|(f, c)| {
                                (f.name().clone(), std::mem::replace(&mut c[i], Value::Null))
                            })
                            .collect(),
                    ))
                })
                .collect()
        }
        DataType::List(_) => lists(
            a.as_list::<i32>().offsets().iter().map(|o| *o as usize),
            a.as_list::<i32>().values(),
            n,
            valid,
        )?,
        DataType::LargeList(_) => lists(
            a.as_list::<i64>().offsets().iter().map(|o| *o as usize),
            a.as_list::<i64>().values(),
            n,
            valid,
        )?,
        DataType::FixedSizeList(..) => {
            let l = a.as_fixed_size_list();
            lists((0..=n).map(|i| l.value_offset_at(i)), l.values(), n, valid)?
        }
        DataType::Map(..) => {
            let m = a.as_map();
            let keys = values_of(m.keys())?;
            let mut vals = values_of(m.values())?;
            let offsets: Vec<usize> = m.offsets().iter().map(|o| *o as usize).collect();
            (0..n)
                .map(|i| {
                    if !valid(i) {
                        return Value::Null;
                    }
                    Value::Object(Object(
                        (offsets[i]..offsets[i + 1])
                            .map(|j| {
                                let key = match &keys[j] {
                                    Value::Str(s) => s.clone(),
                                    other => other.display(),
                                };
                                (key, std::mem::replace(&mut vals[j], Value::Null))
                            })
                            .collect(),
                    ))
                })
                .collect()
        }
        DataType::Dictionary(..) => {
            let d = a.as_any_dictionary();
            let values = values_of(d.values())?;
            let keys = d.normalized_keys();
            (0..n)
                .map(|i| {
                    if valid(i) {
                        values.get(keys[i]).cloned().unwrap_or(Value::Null)
                    } else {
                        Value::Null
                    }
                })
                .collect()
        }
        other => return Err(format!("of Arrow type {other}")),
    })
}

/// Lists by offsets into the child values (`offsets` has one more entry than rows).
fn lists(
    offsets: impl Iterator<Item = usize>,
    child: &ArrayRef,
    n: usize,
    valid: impl Fn(usize) -> bool,
) -> std::result::Result<Vec<Value>, String> {
    let mut values = values_of(child)?;
    let offsets: Vec<usize> = offsets.collect();
    Ok((0..n)
        .map(|i| {
            if !valid(i) {
                return Value::Null;
            }
            let (a, b) = (offsets[i], offsets[i + 1].min(values.len()));
            Value::Array(
                (a.min(b)..b)
                    .map(|j| std::mem::replace(&mut values[j], Value::Null))
                    .collect(),
            )
        })
        .collect())
}

/// Decimals by their own text (`12.50`), read as numbers, as for Parquet.
fn decimals<T: DecimalType>(arr: &PrimitiveArray<T>) -> Vec<Value> {
    (0..arr.len())
        .map(|i| {
            if arr.is_valid(i) {
                arr.value_as_string(i)
                    .parse::<f64>()
                    .map(Value::Float)
                    .unwrap_or(Value::Null)
            } else {
                Value::Null
            }
        })
        .collect()
}

/// UTF-8 binary as text; opaque binary as a value no check compares (as for Parquet).
fn binary(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) => Value::Str(s.to_owned()),
        Err(_) => Value::Array(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes() {
        assert!(is_arrow(b"ARROW1\0\0"));
        assert!(is_arrow(b"\xff\xff\xff\xff\x10\x00"));
        assert!(is_arrow(b"FEA1...."));
        assert!(!is_arrow(b"PAR1"));
        assert!(!is_arrow(b"\xff\xfe{\x00"));
        assert!(!is_arrow(b"{\"a\": 1}"));
    }
}

//! Parquet records (the files Spark, Databricks, BigQuery exports, DuckDB, Polars and
//! pandas/pyarrow write), read as the same records a JSON Lines file holds.
//!
//! Each row becomes one record object built from the **projected** columns only: the
//! top-level columns the checks' field paths name (`features.length` reads the struct column
//! `features`), so a wide table costs what its named columns cost. Values map as JSON writes
//! them: integers and floats as numbers (NaN and ±Infinity kept, and then missing to a check
//! as in JSON), strings and UTF-8 binary as text, booleans, null as missing, a struct as an
//! object (dotted paths reach into it), a list as an array, a map as an object of its
//! entries, a date or timestamp as RFC 3339 text (UTC, whole seconds, as a JSON log writes
//! it), a decimal as its number. Dictionary-encoded columns read as their values.
//!
//! Arrow IPC files (`.arrow`, `.feather`) are recognised by their magic and refused with a
//! message: they are not read yet.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};
use parquet::schema::types::Type;

use super::json::{Object, Value};
use crate::error::{Error, Result};

/// A Parquet file starts (and ends) with these bytes.
pub const MAGIC: &[u8; 4] = b"PAR1";
/// An Arrow IPC file (Feather v2) starts with these bytes.
pub const ARROW_MAGIC: &[u8; 6] = b"ARROW1";

/// Whether the first bytes of a file are Parquet's.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Whether the first bytes of a file are an Arrow IPC file's.
pub fn is_arrow_ipc(head: &[u8]) -> bool {
    head.starts_with(ARROW_MAGIC)
}

/// The refusal of an Arrow IPC file.
pub fn arrow_ipc_refused(path: &Path) -> Error {
    Error::input(
        path,
        "an Arrow IPC (.arrow / .feather) file: not read yet; write the records as Parquet \
         (pyarrow.parquet.write_table, DataFrame.to_parquet) or JSON Lines",
    )
}

fn parquet_error(path: &Path, e: parquet::errors::ParquetError) -> Error {
    Error::input(path, format!("not a readable Parquet file: {e}"))
}

/// Streams the rows of a Parquet file as record objects, giving `f` each one; `columns`
/// names the top-level columns to read (`None`: every column). Returns the rows read.
pub fn for_each_record(
    path: &Path,
    columns: Option<&[String]>,
    f: &mut dyn FnMut(&Object),
) -> Result<u64> {
    let file: File = super::input::open(path)?;
    let reader = SerializedFileReader::new(file).map_err(|e| parquet_error(path, e))?;
    let meta = reader.metadata().file_metadata();
    let schema = meta.schema();
    let total = u64::try_from(meta.num_rows()).unwrap_or(0);
    let projection = match columns {
        None => None,
        Some(wanted) => {
            let fields: Vec<std::sync::Arc<Type>> = schema
                .get_fields()
                .iter()
                .filter(|t| wanted.iter().any(|w| w == t.name()))
                .cloned()
                .collect();
            if fields.is_empty() {
                // none of the named columns exists: every row is a record without them
                let empty = Object::default();
                for _ in 0..total {
                    f(&empty);
                }
                return Ok(total);
            }
            Some(
                Type::group_type_builder(schema.name())
                    .with_fields(fields)
                    .build()
                    .map_err(|e| parquet_error(path, e))?,
            )
        }
    };
    let rows = reader
        .get_row_iter(projection)
        .map_err(|e| parquet_error(path, e))?;
    let mut n = 0u64;
    for row in rows {
        let row = row.map_err(|e| parquet_error(path, e))?;
        let obj = object_of(&row);
        n += 1;
        f(&obj);
    }
    Ok(n)
}

/// SHA-256 and size of a file, read once from start to end.
pub fn hash(path: &Path) -> Result<(String, u64)> {
    let file = super::input::open(path)?;
    let mut reader = super::HashingReader::new(super::meter::Metered(file));
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let k = reader.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
    }
    reader.finish().map_err(|e| Error::io(path, e))
}

fn object_of(row: &Row) -> Object {
    Object(
        row.get_column_iter()
            .map(|(k, v)| (k.clone(), value_of(v)))
            .collect(),
    )
}

/// A Parquet value as the JSON value a JSON Lines log would hold.
fn value_of(f: &Field) -> Value {
    match f {
        Field::Null => Value::Null,
        Field::Bool(b) => Value::Bool(*b),
        Field::Byte(x) => Value::Int(i64::from(*x)),
        Field::Short(x) => Value::Int(i64::from(*x)),
        Field::Int(x) => Value::Int(i64::from(*x)),
        Field::Long(x) => Value::Int(*x),
        Field::UByte(x) => Value::Int(i64::from(*x)),
        Field::UShort(x) => Value::Int(i64::from(*x)),
        Field::UInt(x) => Value::Int(i64::from(*x)),
        Field::ULong(x) => match i64::try_from(*x) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(*x as f64),
        },
        Field::Float16(x) => Value::Float(f64::from(*x)),
        Field::Float(x) => Value::Float(f64::from(*x)),
        Field::Double(x) => Value::Float(*x),
        // the decimal's own text (`12.50`), read as a number
        Field::Decimal(_) => f
            .to_string()
            .parse::<f64>()
            .map(Value::Float)
            .unwrap_or(Value::Null),
        Field::Str(s) => Value::Str(s.clone()),
        Field::Bytes(b) => match std::str::from_utf8(b.data()) {
            Ok(s) => Value::Str(s.to_owned()),
            // opaque binary: not a value a check can compare
            Err(_) => Value::Array(Vec::new()),
        },
        Field::Date(days) => Value::Str(date_text(i64::from(*days))),
        Field::TimeMillis(ms) => Value::Float(f64::from(*ms) / 1e3),
        Field::TimeMicros(us) => Value::Float(*us as f64 / 1e6),
        Field::TimestampMillis(ms) => {
            Value::Str(super::production::format_time(ms.div_euclid(1000) as f64))
        }
        Field::TimestampMicros(us) => Value::Str(super::production::format_time(
            us.div_euclid(1_000_000) as f64,
        )),
        Field::Group(row) => Value::Object(object_of(row)),
        Field::ListInternal(list) => Value::Array(list.elements().iter().map(value_of).collect()),
        Field::MapInternal(map) => Value::Object(Object(
            map.entries()
                .iter()
                .map(|(k, v)| {
                    let key = match value_of(k) {
                        Value::Str(s) => s,
                        other => other.display(),
                    };
                    (key, value_of(v))
                })
                .collect(),
        )),
    }
}

/// A day number (days since 1970-01-01) as `YYYY-MM-DD`.
fn date_text(days: i64) -> String {
    let full = super::production::format_time((days * 86_400) as f64);
    full.split('T').next().unwrap_or(&full).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes() {
        assert!(is_parquet(b"PAR1\x15\x04"));
        assert!(!is_parquet(b"PAR"));
        assert!(is_arrow_ipc(b"ARROW1\0\0"));
        assert!(!is_arrow_ipc(b"{\"a\": 1}"));
    }

    #[test]
    fn dates_and_scalars_read_as_json_writes_them() {
        assert_eq!(date_text(0), "1970-01-01");
        assert_eq!(date_text(20_423), "2025-12-01");
        assert_eq!(
            value_of(&Field::ULong(u64::MAX)),
            Value::Float(u64::MAX as f64)
        );
        assert_eq!(value_of(&Field::Int(-3)), Value::Int(-3));
        assert!(matches!(value_of(&Field::Double(f64::NAN)), Value::Float(x) if x.is_nan()));
        assert_eq!(
            value_of(&Field::TimestampMillis(1_764_590_400_123)),
            Value::Str("2025-12-01T12:00:00Z".into())
        );
    }
}

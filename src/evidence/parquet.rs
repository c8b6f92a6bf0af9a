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
//! Arrow IPC files are read alike by [`super::arrow`].

use std::fs::File;
use std::io::Read;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};
use parquet::schema::types::Type;

use super::json::{Object, Value};
use super::jsonl_fast::Slots;
use crate::error::{Error, Result};

/// A Parquet file starts (and ends) with these bytes.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// Whether the first bytes of a file are Parquet's.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
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
                // none of the named columns exists: every row is a record without them. The
                // rows are counted from a column's data, not taken from the footer's count,
                // which nothing else would check (a footer declaring 2^62 rows over a few
                // bytes must not make as many records)
                let Some(first) = schema.get_fields().first() else {
                    return Ok(0);
                };
                let one = Type::group_type_builder(schema.name())
                    .with_fields(vec![first.clone()])
                    .build()
                    .map_err(|e| parquet_error(path, e))?;
                let empty = Object::default();
                let mut n = 0u64;
                for row in reader
                    .get_row_iter(Some(one))
                    .map_err(|e| parquet_error(path, e))?
                {
                    row.map_err(|e| parquet_error(path, e))?;
                    n += 1;
                    f(&empty);
                }
                if n != total {
                    return Err(Error::input(
                        path,
                        format!(
                            "not a readable Parquet file: its footer declares {total} rows, its first column holds {n}"
                        ),
                    ));
                }
                return Ok(n);
            }
            Some(
                Type::group_type_builder(schema.name())
                    .with_fields(fields)
                    .build()
                    .map_err(|e| parquet_error(path, e))?,
            )
        }
    };
    if let Some(wanted) = columns
        && let Some(leaves) = flat_leaves(reader.metadata().file_metadata().schema_descr(), wanted)
    {
        return read_columns(path, &reader, &leaves, f);
    }
    let rows = reader
        .get_row_iter(projection)
        .map_err(|e| parquet_error(path, e))?;
    let mut n = 0u64;
    // the row reader gives TIMESTAMP(NANOS) as a plain integer: the paths of such columns
    // (outside lists and maps) are turned to text after it
    let nanos = schema_nanos(reader.metadata().file_metadata().schema_descr());
    for row in rows {
        let row = row.map_err(|e| parquet_error(path, e))?;
        let mut obj = object_of(&row);
        for (p, kind) in &nanos {
            fix_nanos(&mut obj, p, *kind);
        }
        n += 1;
        f(&obj);
    }
    Ok(n)
}

/// The INT64 logical types in nanoseconds, which have no converted type (so the row reader
/// gives their plain integer): TIMESTAMP(NANOS), pandas' `datetime64[ns]`, and TIME(NANOS).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Nanos {
    Timestamp,
    Time,
}

fn nanos_kind(c: &parquet::schema::types::ColumnDescriptor) -> Option<Nanos> {
    use parquet::basic::{LogicalType, TimeUnit};
    match c.logical_type_ref() {
        Some(LogicalType::Timestamp(t)) if t.unit == TimeUnit::NANOS => Some(Nanos::Timestamp),
        Some(LogicalType::Time(t)) if t.unit == TimeUnit::NANOS => Some(Nanos::Time),
        _ => None,
    }
}

/// The paths of the nanosecond columns outside lists and maps, with their kind.
fn schema_nanos(schema: &parquet::schema::types::SchemaDescriptor) -> Vec<(Vec<String>, Nanos)> {
    schema
        .columns()
        .iter()
        .filter(|c| c.max_rep_level() == 0)
        .filter_map(|c| Some((c.path().parts().to_vec(), nanos_kind(c)?)))
        .collect()
}

/// Nanoseconds as the other units read: a timestamp as RFC 3339 text (whole seconds), a time
/// of day as seconds.
fn nanos_value(ns: i64, kind: Nanos) -> Value {
    match kind {
        Nanos::Timestamp => Value::Str(super::production::format_time(
            ns.div_euclid(1_000_000_000) as f64,
        )),
        Nanos::Time => Value::Float(ns as f64 / 1e9),
    }
}

/// The integer at `path` in a row's object, as its nanosecond kind reads.
fn fix_nanos(obj: &mut Object, path: &[String], kind: Nanos) {
    let Some((last, inner)) = path.split_last() else {
        return;
    };
    let mut o = obj;
    for seg in inner {
        match o.0.iter_mut().find(|(k, _)| k == seg) {
            Some((_, Value::Object(next))) => o = next,
            _ => return,
        }
    }
    if let Some((_, v)) = o.0.iter_mut().find(|(k, _)| k == last)
        && let Value::Int(ns) = *v
    {
        *v = nanos_value(ns, kind);
    }
}

/// How a leaf column's values read, for the columnar path.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LeafKind {
    Bool,
    Int32,
    UInt32,
    Date,
    Int64,
    UInt64,
    TimestampMillis,
    TimestampMicros,
    /// INT64 with the logical type TIMESTAMP(NANOS) (pandas' `datetime64[ns]`), which has
    /// no converted type: read as the other timestamps are, not as its integer.
    TimestampNanos,
    /// INT64 with the logical type TIME(NANOS): seconds, as the other times of day.
    TimeNanos,
    Float,
    Double,
    Utf8,
}

/// A leaf column of the projection: where it is in the file and in the record object.
#[derive(Debug)]
struct Leaf {
    column: usize,
    kind: LeafKind,
    max_def: i16,
    /// The positions of the path's keys in the record object, level by level.
    slots: Vec<usize>,
}

fn leaf_kind(c: &parquet::schema::types::ColumnDescriptor) -> Option<LeafKind> {
    use parquet::basic::{ConvertedType as C, Type as P};
    Some(match (c.physical_type(), c.converted_type()) {
        (P::BOOLEAN, C::NONE) => LeafKind::Bool,
        (P::INT32, C::NONE | C::INT_8 | C::INT_16 | C::INT_32) => LeafKind::Int32,
        (P::INT32, C::UINT_8 | C::UINT_16 | C::UINT_32) => LeafKind::UInt32,
        (P::INT32, C::DATE) => LeafKind::Date,
        (P::INT64, C::NONE) if nanos_kind(c) == Some(Nanos::Timestamp) => LeafKind::TimestampNanos,
        (P::INT64, C::NONE) if nanos_kind(c) == Some(Nanos::Time) => LeafKind::TimeNanos,
        (P::INT64, C::NONE | C::INT_64) => LeafKind::Int64,
        (P::INT64, C::UINT_64) => LeafKind::UInt64,
        (P::INT64, C::TIMESTAMP_MILLIS) => LeafKind::TimestampMillis,
        (P::INT64, C::TIMESTAMP_MICROS) => LeafKind::TimestampMicros,
        (P::FLOAT, C::NONE) => LeafKind::Float,
        (P::DOUBLE, C::NONE) => LeafKind::Double,
        (P::BYTE_ARRAY, C::UTF8 | C::ENUM | C::JSON) => LeafKind::Utf8,
        _ => return None,
    })
}

/// The leaves under the named top-level columns, when every one is a plain value (no
/// list, map or repeated field anywhere on its path) of a kind read column by column;
/// `None` sends the file through the row reader, which reads every shape.
fn flat_leaves(
    schema: &parquet::schema::types::SchemaDescriptor,
    wanted: &[String],
) -> Option<(Vec<Leaf>, Object)> {
    let mut template = Object::default();
    let mut leaves = Vec::new();
    for (i, c) in schema.columns().iter().enumerate() {
        let parts = c.path().parts();
        if !parts.first().is_some_and(|p| wanted.iter().any(|w| w == p)) {
            continue;
        }
        if c.max_rep_level() > 0 {
            return None;
        }
        let kind = leaf_kind(c)?;
        // the path's place in the template, created level by level
        let mut slots = Vec::with_capacity(parts.len());
        let mut obj = &mut template;
        for (depth, part) in parts.iter().enumerate() {
            let last = depth + 1 == parts.len();
            let pos = match obj.0.iter().position(|(k, _)| k == part) {
                Some(p) => p,
                None => {
                    let v = if last {
                        Value::Null
                    } else {
                        Value::Object(Object::default())
                    };
                    obj.0.push((part.clone(), v));
                    obj.0.len() - 1
                }
            };
            slots.push(pos);
            if !last {
                obj = match &mut obj.0[pos].1 {
                    Value::Object(o) => o,
                    _ => return None,
                };
            }
        }
        leaves.push(Leaf {
            column: i,
            kind,
            max_def: c.max_def_level(),
            slots,
        });
    }
    (!leaves.is_empty()).then_some((leaves, template))
}

/// The slot of a leaf in the record object.
fn slot<'o>(obj: &'o mut Object, slots: &[usize]) -> &'o mut Value {
    let (last, path) = slots.split_last().unwrap_or((&0, &[]));
    let mut cur = obj;
    for p in path {
        cur = match &mut cur.0[*p].1 {
            Value::Object(o) => o,
            // the template is built with objects on every inner level
            _ => unreachable!("a leaf's parent slot is an object"),
        };
    }
    &mut cur.0[*last].1
}

/// Rows read at a time from each leaf column: memory is a batch of values per column,
/// whatever the size of the row groups (Spark writes them of 128 MB).
const BATCH: usize = 1024;

/// One row's value of a leaf column. Text stays the column's bytes (a dictionary page's
/// values are shared, not copied) until a reader needs it: the named-field path copies it
/// into a reused buffer, the record path into a `Value`, so reading a text column costs no
/// allocation per row on the first.
enum Cell {
    Value(Value),
    Text(parquet::data_type::ByteArray),
}

impl Cell {
    const NULL: Cell = Cell::Value(Value::Null);

    fn into_value(self) -> Value {
        match self {
            Cell::Value(v) => v,
            Cell::Text(b) => value_of(&Field::Bytes(b)),
        }
    }

    /// Sets slot `i` as [`Slots::set`] would from [`Cell::into_value`].
    fn set(&self, slots: &mut Slots, i: usize) {
        match self {
            Cell::Value(v) => slots.set(i, Some(v)),
            Cell::Text(b) => match std::str::from_utf8(b.data()) {
                Ok(s) => slots.set_text(i, s),
                // opaque binary, as value_of reads it: not a comparable value
                Err(_) => slots.set(i, None),
            },
        }
    }
}

/// Reads the next `rows` values of one leaf column chunk, one per row (null where the
/// definition level says the value, or a struct above it, is absent).
fn next_values(
    path: &Path,
    reader: &mut parquet::column::reader::ColumnReader,
    leaf: &Leaf,
    rows: usize,
) -> Result<Vec<Cell>> {
    use parquet::column::reader::ColumnReader as R;
    let err = |e| parquet_error(path, e);
    let mut defs: Vec<i16> = Vec::with_capacity(rows);
    // dense values (nulls left out), then spread over the rows by their definition levels
    macro_rules! dense {
        ($r:expr, $t:ty) => {{
            let mut vals: Vec<$t> = Vec::with_capacity(rows);
            let mut read = 0;
            while read < rows {
                let (n, _, _) = $r
                    .read_records(rows - read, Some(&mut defs), None, &mut vals)
                    .map_err(err)?;
                if n == 0 {
                    break;
                }
                read += n;
            }
            vals
        }};
    }
    // each value as the row reader's `Field` of the same type, converted by [`value_of`]:
    // one conversion for both readers
    let value = |f: Field| Cell::Value(value_of(&f));
    let values: Vec<Cell> = match (reader, leaf.kind) {
        (R::BoolColumnReader(r), _) => dense!(r, bool)
            .into_iter()
            .map(|x| value(Field::Bool(x)))
            .collect(),
        (R::Int32ColumnReader(r), LeafKind::Date) => dense!(r, i32)
            .into_iter()
            .map(|x| value(Field::Date(x)))
            .collect(),
        (R::Int32ColumnReader(r), LeafKind::UInt32) => dense!(r, i32)
            .into_iter()
            .map(|x| value(Field::UInt(x as u32)))
            .collect(),
        (R::Int32ColumnReader(r), _) => dense!(r, i32)
            .into_iter()
            .map(|x| value(Field::Int(x)))
            .collect(),
        (R::Int64ColumnReader(r), LeafKind::TimestampMillis) => dense!(r, i64)
            .into_iter()
            .map(|x| value(Field::TimestampMillis(x)))
            .collect(),
        (R::Int64ColumnReader(r), LeafKind::TimestampMicros) => dense!(r, i64)
            .into_iter()
            .map(|x| value(Field::TimestampMicros(x)))
            .collect(),
        (R::Int64ColumnReader(r), LeafKind::TimestampNanos) => dense!(r, i64)
            .into_iter()
            .map(|ns| Cell::Value(nanos_value(ns, Nanos::Timestamp)))
            .collect(),
        (R::Int64ColumnReader(r), LeafKind::TimeNanos) => dense!(r, i64)
            .into_iter()
            .map(|ns| Cell::Value(nanos_value(ns, Nanos::Time)))
            .collect(),
        (R::Int64ColumnReader(r), LeafKind::UInt64) => dense!(r, i64)
            .into_iter()
            .map(|x| value(Field::ULong(x as u64)))
            .collect(),
        (R::Int64ColumnReader(r), _) => dense!(r, i64)
            .into_iter()
            .map(|x| value(Field::Long(x)))
            .collect(),
        (R::FloatColumnReader(r), _) => dense!(r, f32)
            .into_iter()
            .map(|x| value(Field::Float(x)))
            .collect(),
        (R::DoubleColumnReader(r), _) => dense!(r, f64)
            .into_iter()
            .map(|x| value(Field::Double(x)))
            .collect(),
        (R::ByteArrayColumnReader(r), _) => dense!(r, parquet::data_type::ByteArray)
            .into_iter()
            .map(Cell::Text)
            .collect(),
        _ => {
            return Err(Error::input(
                path,
                "not a readable Parquet file: a column's type does not match its schema",
            ));
        }
    };
    // a value for every row (required, or optional without a null in this batch): no
    // spreading (a value is read only where the definition level is the maximum)
    if leaf.max_def == 0 || values.len() == defs.len() {
        return Ok(values);
    }
    let mut dense = values.into_iter();
    Ok(defs
        .iter()
        .map(|d| {
            if *d == leaf.max_def {
                dense.next().unwrap_or(Cell::NULL)
            } else {
                Cell::NULL
            }
        })
        .collect())
}

/// The columnar path: each row group's named leaf columns read a batch of rows at a time,
/// then one record object (built once, its values replaced row by row) given to `f` per row.
fn read_columns(
    path: &Path,
    reader: &SerializedFileReader<File>,
    (leaves, template): &(Vec<Leaf>, Object),
    f: &mut dyn FnMut(&Object),
) -> Result<u64> {
    let mut record = template.clone();
    let mut n = 0u64;
    column_batches(path, reader, leaves, &mut |columns, want| {
        let mut columns: Vec<_> = columns.into_iter().map(Vec::into_iter).collect();
        for _ in 0..want {
            for (leaf, col) in leaves.iter().zip(&mut columns) {
                *slot(&mut record, &leaf.slots) = col.next().map_or(Value::Null, Cell::into_value);
            }
            n += 1;
            f(&record);
        }
    })?;
    Ok(n)
}

/// Each row group's `leaves` read a batch of rows at a time ([`BATCH`]), given to `each` as
/// one vector of values per leaf with the batch's row count.
fn column_batches(
    path: &Path,
    reader: &SerializedFileReader<File>,
    leaves: &[Leaf],
    each: &mut dyn FnMut(Vec<Vec<Cell>>, usize),
) -> Result<()> {
    for g in 0..reader.num_row_groups() {
        let rg = reader
            .get_row_group(g)
            .map_err(|e| parquet_error(path, e))?;
        let rows = usize::try_from(rg.metadata().num_rows()).unwrap_or(0);
        let mut readers = leaves
            .iter()
            .map(|l| rg.get_column_reader(l.column))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| parquet_error(path, e))?;
        let mut done = 0;
        while done < rows {
            let want = BATCH.min(rows - done);
            let mut columns: Vec<Vec<Cell>> = Vec::with_capacity(leaves.len());
            for (leaf, r) in leaves.iter().zip(&mut readers) {
                let values = next_values(path, r, leaf, want)?;
                if values.len() != want {
                    return Err(ends_early(path, g, done + values.len(), rows));
                }
                columns.push(values);
            }
            each(columns, want);
            done += want;
        }
    }
    Ok(())
}

/// Reads each row's named fields straight into `slots` (slot `i` is `fields[i]`, a dotted
/// path), column by column, without a record object: what the JSON Lines fast path does
/// with a line. A field naming no column, or a struct rather than a leaf, is missing in every
/// row, as in JSON. `None` when a field reaches into a list or map, or names a leaf of a
/// kind this path does not read; the caller then reads records ([`for_each_record`]).
pub fn for_each_slots(
    path: &Path,
    fields: &[&str],
    f: &mut dyn FnMut(&Slots),
) -> Result<Option<u64>> {
    let file: File = super::input::open(path)?;
    let reader = SerializedFileReader::new(file).map_err(|e| parquet_error(path, e))?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let mut leaves: Vec<Leaf> = Vec::new();
    // per field: the index of its leaf in `leaves`, or None (missing in every row)
    let mut of_field: Vec<Option<usize>> = Vec::with_capacity(fields.len());
    for field in fields {
        let segs: Vec<&str> = field.split('.').collect();
        let mut hit = None;
        for (i, c) in schema.columns().iter().enumerate() {
            let parts = c.path().parts();
            let shared = parts.iter().zip(&segs).take_while(|(a, b)| a == *b).count();
            // the column lies on the field's path, or under it
            if shared == parts.len().min(segs.len()) {
                if c.max_rep_level() > 0 {
                    return Ok(None);
                }
                if parts.len() == segs.len() {
                    let Some(kind) = leaf_kind(c) else {
                        return Ok(None);
                    };
                    let at = match leaves.iter().position(|l| l.column == i) {
                        Some(k) => k,
                        None => {
                            leaves.push(Leaf {
                                column: i,
                                kind,
                                max_def: c.max_def_level(),
                                slots: Vec::new(),
                            });
                            leaves.len() - 1
                        }
                    };
                    hit = Some(at);
                }
            }
        }
        of_field.push(hit);
    }
    if leaves.is_empty() {
        // no field names a column: the rows are still counted from a column's data (its
        // values read, not used), never from the footer's count alone, which a damaged or
        // crafted file may set to anything; with no column read this way, the row reader
        let counting = schema.columns().iter().enumerate().find_map(|(i, c)| {
            let kind = leaf_kind(c).filter(|_| c.max_rep_level() == 0)?;
            Some(Leaf {
                column: i,
                kind,
                max_def: c.max_def_level(),
                slots: Vec::new(),
            })
        });
        match counting {
            Some(leaf) => leaves.push(leaf),
            None => return Ok(None),
        }
    }
    let mut slots = Slots::new(fields.len());
    let mut n = 0u64;
    column_batches(path, &reader, &leaves, &mut |columns, want| {
        // row by row across the columns (each column is one Vec: no iterator to zip)
        #[allow(clippy::needless_range_loop)]
        for row in 0..want {
            for (i, col) in of_field.iter().enumerate() {
                match col {
                    Some(c) => columns[*c][row].set(&mut slots, i),
                    None => slots.set(i, None),
                }
            }
            n += 1;
            f(&slots);
        }
    })?;
    Ok(Some(n))
}

fn ends_early(path: &Path, group: usize, read: usize, rows: usize) -> Error {
    Error::input(
        path,
        format!(
            "not a readable Parquet file: row group {group} ends early in a column ({read} of \
             its {rows} rows)"
        ),
    )
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
pub(crate) fn date_text(days: i64) -> String {
    let full = super::production::format_time((days * 86_400) as f64);
    full.split('T').next().unwrap_or(&full).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields naming no column: one record per row the file holds, counted from a column's
    /// values on both paths (the named-field path and the record path).
    #[test]
    fn rows_without_a_named_column_are_counted_from_the_data() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/parquet/batches/many-groups.parquet");
        let all = for_each_record(&path, None, &mut |_| {}).expect("read");
        assert!(all > 1000, "{all}");
        let mut seen = 0u64;
        let n = for_each_slots(&path, &["no_such.field"], &mut |s| {
            assert_eq!(s.slots[0], super::super::jsonl_fast::Slot::Missing);
            seen += 1;
        })
        .expect("read");
        assert_eq!((n, seen), (Some(all), all));
        let mut seen = 0u64;
        let n = for_each_record(&path, Some(&["no_such".to_owned()]), &mut |o| {
            assert!(o.0.is_empty());
            seen += 1;
        })
        .expect("read");
        assert_eq!((n, seen), (all, all));
    }

    #[test]
    fn magic_bytes() {
        assert!(is_parquet(b"PAR1\x15\x04"));
        assert!(!is_parquet(b"PAR"));
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

//! The fast path: values read by jiter (pydantic's JSON parser, 0.19; about five times the
//! per-core speed of [`super::reader`]), built as the reader builds them.
//!
//! The fast path decides only what the reader would decide the same way. It reads a value
//! from bytes in memory and answers [`Fast::Done`] with the value and the bytes it took, or
//! gives up: [`Fast::Stopped`] where jiter stopped (the caller tells a value cut by the end of
//! its buffer, which more bytes may complete, from a real error) or [`Fast::Refused`] for what
//! jiter reads but the reader reads differently. On giving up, the caller reads the same bytes
//! again with [`super::reader::JsonReader`], whose verdict and message (with line and
//! column) stand. So every error message is the reader's own, and every value the fast path
//! returns is one the reader returns from the same bytes (`tests::the_fast_path_reads_as_the_reader`
//! and the `json` fuzz target hold the two to it).
//!
//! What jiter accepts and the reader does not, and is therefore refused here: nesting at the
//! reader's depth limit, a number token past 64 bytes, a finite token beyond `f64`
//! (`1e400`), and `NaN` / `Infinity` spelt any other way than Python writes them. Lone
//! surrogate escapes (the reader writes U+FFFD) and invalid UTF-8 are errors in jiter, so they
//! fall back on their own.

use jiter::{Jiter, JiterError, Peek};

use super::{KeyFilter, MAX_DEPTH, Object, Value};

/// What the fast path made of the bytes it was given.
#[derive(Debug)]
pub(super) enum Fast<T> {
    /// The value, and the number of bytes it took (leading whitespace included).
    Done(T, usize),
    /// jiter stopped at this byte offset: an error there, or the end of the bytes.
    Stopped(usize),
    /// jiter reads this, but the reader reads it otherwise.
    Refused,
}

/// The longest number or literal the reader takes (its token buffer).
const MAX_TOKEN: usize = 64;

enum Stop {
    At(usize),
    Refused,
}

impl From<JiterError> for Stop {
    fn from(e: JiterError) -> Self {
        Stop::At(e.index)
    }
}

type Walk<T> = std::result::Result<T, Stop>;

fn finish<T>(r: Walk<T>, j: &Jiter<'_>) -> Fast<T> {
    match r {
        Ok(v) => Fast::Done(v, j.current_index()),
        Err(Stop::At(i)) => Fast::Stopped(i),
        Err(Stop::Refused) => Fast::Refused,
    }
}

/// One value at the start of `data` (after whitespace), at nesting `depth`, inside objects
/// keeping only the keys `filter` wants (as [`super::JsonReader::parse_value_filtered`]).
pub(super) fn value(data: &[u8], depth: usize, filter: &dyn KeyFilter) -> Fast<Value> {
    let mut j = Jiter::new(data).with_allow_inf_nan();
    let r = j.peek().map_err(Stop::from).and_then(|p| {
        let v = known(&mut j, p, depth, filter)?;
        whole_token(p, data, j.current_index())?;
        Ok(v)
    });
    finish(r, &j)
}

/// Steps over one value at the start of `data`, checking it as the reader's skip does
/// (structure, strings, escapes, numbers in range, depth) without building it.
pub(super) fn skip(data: &[u8], depth: usize) -> Fast<()> {
    let mut j = Jiter::new(data).with_allow_inf_nan();
    let r = j.peek().map_err(Stop::from).and_then(|p| {
        known_skip(&mut j, p, depth)?;
        whole_token(p, data, j.current_index())
    });
    finish(r, &j)
}

/// A number or literal read at the top is all of its token for the reader, which takes every
/// letter, digit, sign and point that follows (`12abc` is one invalid token there, where
/// jiter stops after `12`). Inside arrays and objects jiter checks what follows itself.
fn whole_token(peek: Peek, data: &[u8], end: usize) -> Walk<()> {
    let scalar = !matches!(peek, Peek::String | Peek::Array | Peek::Object);
    match data.get(end) {
        Some(&b) if scalar && (b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) => {
            Err(Stop::Refused)
        }
        _ => Ok(()),
    }
}

fn known(j: &mut Jiter<'_>, peek: Peek, depth: usize, filter: &dyn KeyFilter) -> Walk<Value> {
    Ok(match peek {
        Peek::Null => {
            j.known_null()?;
            Value::Null
        }
        Peek::True | Peek::False => Value::Bool(j.known_bool(peek)?),
        Peek::String => Value::Str(j.known_str()?.to_owned()),
        Peek::Array => {
            if depth >= MAX_DEPTH {
                return Err(Stop::Refused);
            }
            let mut items = Vec::new();
            let mut next = j.known_array()?;
            while let Some(p) = next {
                items.push(known(j, p, depth + 1, filter)?);
                next = j.array_step()?;
            }
            Value::Array(items)
        }
        Peek::Object => {
            if depth >= MAX_DEPTH {
                return Err(Stop::Refused);
            }
            let mut entries = Vec::new();
            let mut key = j
                .known_object()?
                .map(|k| filter.wants(k).then(|| k.to_owned()));
            while let Some(kept) = key {
                let p = j.peek()?;
                match kept {
                    Some(k) => {
                        let v = known(j, p, depth + 1, filter)?;
                        entries.push((k, v));
                    }
                    None => known_skip(j, p, depth + 1)?,
                }
                key = j.next_key()?.map(|k| filter.wants(k).then(|| k.to_owned()));
            }
            Value::Object(Object(entries))
        }
        p if p.is_num() => number_at(j, p)?,
        _ => return Err(Stop::At(j.current_index())),
    })
}

fn known_skip(j: &mut Jiter<'_>, peek: Peek, depth: usize) -> Walk<()> {
    match peek {
        Peek::Array => {
            if depth >= MAX_DEPTH {
                return Err(Stop::Refused);
            }
            let mut next = j.known_array()?;
            while let Some(p) = next {
                known_skip(j, p, depth + 1)?;
                next = j.array_step()?;
            }
        }
        Peek::Object => {
            if depth >= MAX_DEPTH {
                return Err(Stop::Refused);
            }
            let mut more = j.next_object_bytes()?.is_some();
            while more {
                let p = j.peek()?;
                known_skip(j, p, depth + 1)?;
                more = j.next_key_bytes()?.is_some();
            }
        }
        p if p.is_num() => {
            number(j.known_number_bytes(p)?).ok_or(Stop::Refused)?;
        }
        // strings are checked as the reader's skip checks them: escapes and control
        // characters, not UTF-8
        p => j.known_skip(p)?,
    }
    Ok(())
}

/// Steps over the value `peek` announces as the reader's skip checks it (numbers in range,
/// tokens within 64 bytes, strings and escapes, nesting under the limit at `depth`);
/// `None` where the reader would refuse it or jiter stops. For readers outside this module
/// that walk jiter themselves (the JSON Lines fast path).
pub(crate) fn skip_checked(j: &mut Jiter<'_>, peek: Peek, depth: usize) -> Option<()> {
    known_skip(j, peek, depth).ok()
}

/// The number token `peek` announces, taken as [`number`] takes it.
fn number_at(j: &mut Jiter<'_>, peek: Peek) -> Walk<Value> {
    number(j.known_number_bytes(peek)?).ok_or(Stop::Refused)
}

/// An integer token of at most 18 digits (always within `i64`), read without a parser;
/// `None` for any other token (which [`number`] then reads in full).
fn small_int(t: &[u8]) -> Option<i64> {
    let (neg, digits) = match t.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, t),
    };
    if digits.is_empty() || digits.len() > 18 || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some(if neg { -v } else { v })
}

/// A decimal token without exponent of at most 15 digits (`0.713`, `-12.5`), read without a
/// parser: its digits as an integer below 10^15 and the power of ten of its fraction are both
/// exact in `f64`, so one division is correctly rounded (Clinger's fast path, the first case
/// of every correct decimal-to-binary conversion). `None` for any other token.
fn short_decimal(t: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (neg, body) = match t.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, t),
    };
    let dot = body.iter().position(|&c| c == b'.')?;
    let (int, frac) = (&body[..dot], &body[dot + 1..]);
    // JSON's grammar: `0` or a digit run not starting with 0, then at least one digit
    if int.is_empty() || frac.is_empty() || int.len() + frac.len() > 15 {
        return None;
    }
    if int.len() > 1 && int[0] == b'0' {
        return None;
    }
    let mut m: u64 = 0;
    for &d in int.iter().chain(frac) {
        if !d.is_ascii_digit() {
            return None;
        }
        m = m * 10 + u64::from(d - b'0');
    }
    let x = m as f64 / POW10[frac.len()];
    Some(if neg { -x } else { x })
}

/// [`number_at`] for readers that walk jiter themselves; `None` where it refuses or stops.
pub(crate) fn number_checked(j: &mut Jiter<'_>, peek: Peek) -> Option<Value> {
    number_at(j, peek).ok()
}

/// A number token as the reader reads it: an integral token that fits `i64` is an integer,
/// anything else a correctly rounded `f64`; `NaN` / `Infinity` / `-Infinity` as Python
/// writes them. `None` for what the reader refuses and jiter may take: a token past 64 bytes,
/// a finite token beyond `f64`, other spellings of the non-finite values.
pub(crate) fn number(t: &[u8]) -> Option<Value> {
    match t {
        b"NaN" => return Some(Value::Float(f64::NAN)),
        b"Infinity" => return Some(Value::Float(f64::INFINITY)),
        b"-Infinity" => return Some(Value::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    if t.len() > MAX_TOKEN {
        return None;
    }
    if let Some(i) = small_int(t) {
        return Some(Value::Int(i));
    }
    if let Some(x) = short_decimal(t) {
        return Some(Value::Float(x));
    }
    let s = std::str::from_utf8(t).ok()?;
    let integral = !t.iter().any(|&c| matches!(c, b'.' | b'e' | b'E'));
    if integral && let Ok(i) = s.parse::<i64>() {
        return Some(Value::Int(i));
    }
    let f = s.parse::<f64>().ok()?;
    f.is_finite().then_some(Value::Float(f))
}

#[cfg(test)]
mod tests {
    use super::short_decimal;

    /// Only tokens of JSON's grammar take the short path (jiter has checked the grammar
    /// before; this does not rely on it).
    #[test]
    fn short_decimals_are_the_grammar_s() {
        for bad in [
            "01.5",
            "-01.5",
            ".5",
            "1.",
            "-.5",
            "1.5.2",
            "1.-5",
            "--1.5",
            "1.5x",
            "1e5",
            "15",
            "1234567890.123456",
        ] {
            assert_eq!(short_decimal(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(short_decimal(b"0.713"), Some(0.713));
        assert_eq!(short_decimal(b"-12.5"), Some(-12.5));
        assert_eq!(
            short_decimal(b"123456789.012345"),
            Some(123_456_789.012_345)
        );
    }
}

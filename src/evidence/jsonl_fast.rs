//! The fast path of JSON Lines records: each line read by jiter (pydantic's JSON parser,
//! several times the per-core speed of [`super::json`]), only the top-level keys asked for
//! built, as [`super::json`] would build them.
//!
//! It never decides what govgate's own reader would decide differently: a line it does not
//! read exactly as that reader would — not an object, a number out of range or not an `i64`
//! where the reader keeps one, nesting deeper than the reader's limit could reach, invalid
//! UTF-8, a BOM, anything jiter refuses — makes [`read_line`] return `None`, and the caller
//! reads the whole window again with [`super::json`], which gives its exact verdict and
//! message (with line and column). Repeated keys are kept in order, as the reader keeps
//! them (the last is the one looked up).

use jiter::{Jiter, Peek};

use super::json::{Object, Value, number_checked, skip_checked};

/// The nesting the fast path takes on; deeper lines go to govgate's reader, whose limit is
/// 128 levels.
const MAX_BRACKETS: usize = 100;

/// Whether the fast path takes a line on: an object, with fewer brackets than could reach the
/// reader's depth limit.
fn takes(line: &[u8]) -> bool {
    line.first() == Some(&b'{')
        && memchr::memchr2_iter(b'{', b'[', line)
            .take(MAX_BRACKETS + 1)
            .count()
            <= MAX_BRACKETS
}

/// One line (without its newline) as a record, keeping the top-level keys `keys` names
/// (`None`: every key); `None` when the fast path does not decide this line.
pub fn read_line(line: &[u8], keys: Option<&[String]>) -> Option<Object> {
    if !takes(line) {
        return None;
    }
    let mut j = Jiter::new(line).with_allow_inf_nan();
    let mut obj = Object::default();
    // a key is copied only when it is kept
    let wanted = |k: &str| {
        keys.is_none_or(|ks| ks.iter().any(|x| x == k))
            .then(|| k.to_owned())
    };
    let mut key = j.next_object().ok()?.map(|k| (wanted(k), ()));
    while let Some((kept, ())) = key {
        match kept {
            Some(k) => {
                let v = value(&mut j)?;
                put(&mut obj, k, v);
            }
            None => {
                let p = j.peek().ok()?;
                skip_checked(&mut j, p, 1)?
            }
        }
        key = j.next_key().ok()?.map(|k| (wanted(k), ()));
    }
    j.finish().ok()?;
    Some(obj)
}

/// Entries in file order, repeated keys included, as govgate's reader keeps them
/// ([`Object::get`] then finds the last, as Python does).
fn put(obj: &mut Object, k: String, v: Value) {
    obj.0.push((k, v));
}

fn value(j: &mut Jiter<'_>) -> Option<Value> {
    let peek = j.peek().ok()?;
    known(j, peek)
}

fn known(j: &mut Jiter<'_>, peek: Peek) -> Option<Value> {
    Some(match peek {
        Peek::Null => {
            j.known_null().ok()?;
            Value::Null
        }
        Peek::True | Peek::False => Value::Bool(j.known_bool(peek).ok()?),
        Peek::String => Value::Str(j.known_str().ok()?.to_owned()),
        Peek::Array => {
            let mut items = Vec::new();
            let mut next = j.known_array().ok()?;
            while let Some(p) = next {
                items.push(known(j, p)?);
                next = j.array_step().ok()?;
            }
            Value::Array(items)
        }
        Peek::Object => {
            let mut o = Object::default();
            let mut key = j.known_object().ok()?.map(str::to_owned);
            while let Some(k) = key {
                let v = value(j)?;
                put(&mut o, k, v);
                key = j.next_key().ok()?.map(str::to_owned);
            }
            Value::Object(o)
        }
        p if p.is_num() => number_checked(j, p)?,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::json;
    use proptest::prelude::*;

    /// What govgate's reader makes of a line, keeping `keys` (or every key).
    fn reader(line: &str, keys: Option<&[String]>) -> Option<Object> {
        let Ok(Value::Object(o)) = json::parse_document(line.as_bytes()) else {
            return None;
        };
        Some(match keys {
            None => o,
            Some(ks) => Object(o.0.into_iter().filter(|(k, _)| ks.contains(k)).collect()),
        })
    }

    fn same(line: &str, keys: Option<&[String]>) {
        let fast = read_line(line.as_bytes(), keys);
        let slow = reader(line, keys);
        match (&fast, &slow) {
            (Some(a), Some(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{line}"),
            // the fast path may pass a line on; it may never read what the reader refuses
            (None, _) => {}
            (Some(a), None) => {
                panic!("fast path read {a:?} from a line the reader refuses: {line}")
            }
        }
    }

    #[test]
    fn lines_read_as_the_reader_reads_them() {
        let keys = vec!["a".to_owned(), "n".to_owned()];
        for line in [
            r#"{"a": 1, "b": [1, {"c": null}], "n": {"x": 1.5e-3, "y": "é\u00e9\n"}}"#,
            r#"{"a": NaN, "n": -Infinity}"#,
            r#"{"a": 9223372036854775807, "n": 9223372036854775808}"#,
            r#"{"a": -0, "n": 1E2}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": "\ud83d\ude00", "n": true}"#,
            r#"{"a": 1e400}"#,
            r#"{"a": 01}"#,
            r#"{"a": 1,}"#,
            r#"{"a": 1} {"b": 2}"#,
            r#"[1, 2]"#,
            r#"{"a": "\ud800"}"#,
            r#"{"a": 0.1, "n": 123456789012345678901234567890}"#,
            r#"{}"#,
            // what the reader refuses in a value it skips, the fast path may not skip
            r#"{"a": 1, "z": 1e400}"#,
            r#"{"a": 1, "z": [1, {"y": -1e999}]}"#,
            r#"{"n": {"q": 1e400}, "a": 2}"#,
            // a token past the reader's 64 bytes is its error, whatever jiter makes of it
            r#"{"a": 10000000000000000000000000000000000000000000000000000000000000000000000}"#,
        ] {
            same(line, None);
            same(line, Some(&keys));
        }
        // 1e400 and a leading zero are the reader's to refuse
        assert!(read_line(br#"{"a": 1e400}"#, None).is_none());
        assert!(read_line(br#"{"a": 01}"#, None).is_none());
        // repeated keys: the last value
        let o = read_line(br#"{"a": 1, "a": 2}"#, None).expect("read");
        assert_eq!(o.get("a"), Some(&Value::Int(2)));
    }

    /// Leaf `path` of a record as the reader gives it, in [`Slot`] terms.
    fn slot_of(o: &Object, path: &str) -> (Slot, String) {
        let mut cur: Option<&Value> = None;
        for (n, seg) in path.split('.').enumerate() {
            cur = if n == 0 {
                o.get(seg)
            } else {
                cur.and_then(|v| v.as_object()).and_then(|o| o.get(seg))
            };
        }
        match cur {
            Some(Value::Int(x)) => (Slot::Int(*x), String::new()),
            Some(Value::Float(x)) => (Slot::Float(*x), String::new()),
            Some(Value::Bool(b)) => (Slot::Bool(*b), String::new()),
            Some(Value::Str(s)) => (Slot::Str, s.clone()),
            _ => (Slot::Missing, String::new()),
        }
    }

    fn leaf() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("null".to_owned()),
            Just("false".to_owned()),
            Just("NaN".to_owned()),
            Just("-Infinity".to_owned()),
            any::<i64>().prop_map(|i| i.to_string()),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| format!("{f:?}")),
            "-?[1-9][0-9]{0,25}(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,3})?",
            r#""([a-z é]|\\u00[0-9a-f]{2}|\\[nt"])*""#,
        ]
    }

    fn record() -> impl Strategy<Value = String> {
        let inner = leaf().prop_recursive(3, 16, 4, |v| {
            prop_oneof![
                prop::collection::vec(v.clone(), 0..3)
                    .prop_map(|xs| format!("[{}]", xs.join(", "))),
                // keys escaped as written (`\u0062` is `b`, a name; `a\u0062` is not)
                prop::collection::vec(("[abn]|a\\\\u0062|\\\\u0062", v), 0..4).prop_map(|es| {
                    let body: Vec<String> =
                        es.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                    format!("{{{}}}", body.join(", "))
                }),
            ]
        });
        prop::collection::vec(("[abnx]|\\\\u0061|\\\\u006e|\\\\u0079", inner), 0..6).prop_map(
            |es| {
                let body: Vec<String> = es.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("{{{}}}", body.join(", "))
            },
        )
    }

    const EDITS: &[u8] = b"\"\\{}[],:0-.eE9N\x01\xc3";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever the line, the fields the fast path takes are the reader's, and a line the
        /// reader refuses is never taken.
        #[test]
        fn extract_takes_what_the_reader_reads(
            line in record(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0..EDITS.len()), 0..3),
        ) {
            let mut bytes = line.into_bytes();
            for (at, b) in edits {
                let i = at.index(bytes.len() + 1);
                bytes.insert(i, EDITS[b]);
            }
            let paths = ["a", "n.a", "n.b", "x"];
            let plan = Plan::new(&paths).expect("plan");
            let mut slots = Slots::new(paths.len());
            let fast = extract(&bytes, &plan, &mut slots);
            // the record reader as the records scan runs it: every segment of a path kept,
            // at any depth
            let keys = crate::evidence::records::path_keys(&paths);
            let mut stream = json::RecordStream::plain(&bytes[..]).without_fast_path();
            let slow = stream.next_record(&|k: &str| keys.contains(k));
            if fast.is_some() {
                let rec = match slow {
                    Ok(Some(o)) => o,
                    other => panic!("fast path took {:?}; the reader: {other:?}", String::from_utf8_lossy(&bytes)),
                };
                for (i, p) in paths.iter().enumerate() {
                    let (want, text) = slot_of(&rec, p);
                    prop_assert_eq!(format!("{:?}", slots.slots[i]), format!("{want:?}"), "{}", p);
                    if want == Slot::Str {
                        prop_assert_eq!(&slots.text[i], &text);
                    }
                }
            }
        }
    }
}

/// The fields a check names, as a tree of keys: a line's values are taken straight into
/// [`Slots`], without a record object, when every path is keys (no array index) and no path
/// is the prefix of another.
#[derive(Debug, Default)]
pub struct Plan {
    root: Node,
    leaves: usize,
}

#[derive(Debug, Default)]
struct Node {
    children: Vec<(String, Child)>,
}

#[derive(Debug)]
enum Child {
    Leaf(usize),
    Inner(Node),
}

impl Plan {
    /// A plan for `paths` (dotted), leaf `i` being `paths[i]`; `None` when a path indexes an
    /// array, is a prefix of another or has a backslash in it (the record path reads those).
    pub fn new(paths: &[&str]) -> Option<Plan> {
        let mut plan = Plan::default();
        for (i, p) in paths.iter().enumerate() {
            let segs: Vec<&str> = p.split('.').collect();
            if segs
                .iter()
                .any(|s| s.is_empty() || s.bytes().all(|b| b.is_ascii_digit()) || s.contains('\\'))
            {
                return None;
            }
            let mut node = &mut plan.root;
            for (d, seg) in segs.iter().enumerate() {
                let last = d + 1 == segs.len();
                let pos = node.children.iter().position(|(k, _)| k == seg);
                match (pos, last) {
                    (Some(p), false) => match &mut node.children[p].1 {
                        Child::Inner(n) => node = n,
                        Child::Leaf(_) => return None,
                    },
                    (Some(_), true) => return None,
                    (None, true) => node.children.push(((*seg).to_owned(), Child::Leaf(i))),
                    (None, false) => {
                        node.children
                            .push(((*seg).to_owned(), Child::Inner(Node::default())));
                        let k = node.children.len() - 1;
                        node = match &mut node.children[k].1 {
                            Child::Inner(n) => n,
                            Child::Leaf(_) => return None,
                        };
                    }
                }
            }
        }
        plan.leaves = paths.len();
        Some(plan)
    }

    pub fn leaves(&self) -> usize {
        self.leaves
    }
}

/// A value taken from a line for one leaf.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slot {
    /// Absent, null, an array or an object: missing to a field.
    Missing,
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Text, in the slot's buffer.
    Str,
}

/// One line's values, leaf by leaf (text in buffers reused from line to line).
#[derive(Debug, Default)]
pub struct Slots {
    pub slots: Vec<Slot>,
    pub text: Vec<String>,
}

impl Slots {
    pub fn new(n: usize) -> Slots {
        Slots {
            slots: vec![Slot::Missing; n],
            text: vec![String::new(); n],
        }
    }

    /// Sets leaf `i` from a record's value there (`None`: absent): numbers, booleans and
    /// text as they are, anything else missing, as a record object's field reads.
    pub fn set(&mut self, i: usize, v: Option<&Value>) {
        self.slots[i] = match v {
            Some(Value::Int(x)) => Slot::Int(*x),
            Some(Value::Float(x)) => Slot::Float(*x),
            Some(Value::Bool(b)) => Slot::Bool(*b),
            Some(Value::Str(s)) => return self.set_text(i, s),
            _ => Slot::Missing,
        };
    }

    /// Sets leaf `i` to text (what [`Slots::set`] does with a string value).
    pub fn set_text(&mut self, i: usize, s: &str) {
        self.text[i].clear();
        self.text[i].push_str(s);
        self.slots[i] = Slot::Str;
    }

    /// Leaf `i` as the JSON value a record object would hold there (for the readers that
    /// take values).
    pub fn value(&self, i: usize) -> Value {
        match self.slots[i] {
            Slot::Missing => Value::Null,
            Slot::Int(x) => Value::Int(x),
            Slot::Float(x) => Value::Float(x),
            Slot::Bool(b) => Value::Bool(b),
            Slot::Str => Value::Str(self.text[i].clone()),
        }
    }
}

/// Takes the plan's leaves from one line into `out`; `None` when the fast path does not
/// decide this line (the window is then read again by govgate's reader). A repeated key
/// counts with its last value, as [`Object::get`] finds it.
pub fn extract(line: &[u8], plan: &Plan, out: &mut Slots) -> Option<()> {
    // the reader checks UTF-8 in the values it builds, and it builds more than the plan's
    // leaves (every key a path names, at any depth): a line that is not UTF-8 is its to judge
    if !line.is_ascii() && std::str::from_utf8(line).is_err() {
        return None;
    }
    out.slots.iter_mut().for_each(|s| *s = Slot::Missing);
    let mut j = Jiter::new(line).with_allow_inf_nan();
    let first = match j.next_object_bytes().ok()? {
        Some(k) => Some(find(&plan.root, k)?),
        None => None,
    };
    object(&mut j, &plan.root, first, out, RECORD_DEPTH)?;
    j.finish().ok()?;
    Some(())
}

/// The nesting govgate's reader counts for a record's values (a record read after the first
/// is a value at depth 1, so its values are at 2): the fast path steps over values checking
/// the depth limit from there, refusing where the reader might.
const RECORD_DEPTH: usize = 2;

/// The child of `node` a key names (its index in `node.children`, or `Some(None)` for a key
/// the plan does not name); `None` when a key the plan does not name as written has an
/// escape in it (it might decode to a name), which the reader reads itself. The plan's
/// names have no backslash ([`Plan::new`]), so a key equal to one as written is that name.
/// (The line is UTF-8, see [`extract`].)
fn find(node: &Node, k: &[u8]) -> Option<Option<usize>> {
    let at = node
        .children
        .iter()
        .position(|(name, _)| same(name.as_bytes(), k));
    // keys are short: a plain loop costs less than a call to memchr
    if at.is_none() && k.contains(&b'\\') {
        return None;
    }
    Some(at)
}

/// Byte equality of two short keys, inlined (a call to `memcmp` per comparison was 6% of a
/// drift run's CPU).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Every leaf under a child, reset to missing (a repeated key replaces what came before).
fn reset(child: &Child, out: &mut Slots) {
    match child {
        Child::Leaf(i) => out.slots[*i] = Slot::Missing,
        Child::Inner(n) => n.children.iter().for_each(|(_, c)| reset(c, out)),
    }
}

/// The rest of an object whose first key (already read) is `first`; its values are at
/// nesting `depth`.
fn object(
    j: &mut Jiter<'_>,
    node: &Node,
    mut key: Option<Option<usize>>,
    out: &mut Slots,
    depth: usize,
) -> Option<()> {
    while let Some(found) = key {
        let peek = j.peek().ok()?;
        match found.map(|p| &node.children[p].1) {
            None => skip_checked(j, peek, depth)?,
            Some(Child::Leaf(i)) => {
                out.slots[*i] = match peek {
                    Peek::Null => {
                        j.known_null().ok()?;
                        Slot::Missing
                    }
                    Peek::True | Peek::False => Slot::Bool(j.known_bool(peek).ok()?),
                    Peek::String => {
                        let s = j.known_str().ok()?;
                        let buf = &mut out.text[*i];
                        buf.clear();
                        buf.push_str(s);
                        Slot::Str
                    }
                    Peek::Array | Peek::Object => {
                        skip_checked(j, peek, depth)?;
                        Slot::Missing
                    }
                    p if p.is_num() => match number_checked(j, p)? {
                        Value::Int(x) => Slot::Int(x),
                        Value::Float(x) => Slot::Float(x),
                        _ => return None,
                    },
                    _ => return None,
                };
            }
            Some(child @ Child::Inner(inner)) => {
                reset(child, out);
                if peek == Peek::Object {
                    if depth >= super::json::MAX_DEPTH {
                        return None;
                    }
                    let first = match j.next_object_bytes().ok()? {
                        Some(k) => Some(find(inner, k)?),
                        None => None,
                    };
                    object(j, inner, first, out, depth + 1)?;
                } else {
                    skip_checked(j, peek, depth)?;
                }
            }
        }
        key = match j.next_key_bytes().ok()? {
            Some(k) => Some(find(node, k)?),
            None => None,
        };
    }
    Some(())
}

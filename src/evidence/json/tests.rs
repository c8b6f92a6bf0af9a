use super::reader::is_json_number;
use super::*;
use std::io::Read;

#[test]
fn kinds_of_values() {
    assert!(Value::Int(3).is_kind("int"));
    assert!(Value::Int(3).is_kind("num"));
    assert!(Value::Float(0.5).is_kind("str|num"));
    assert!(!Value::Float(0.5).is_kind("int|null"));
    assert!(Value::Null.is_kind("obj|null"));
    assert!(!Value::Str("x".into()).is_kind("obj|arr|bool"));
    assert!(!Value::Bool(true).is_kind("boolean"));
}

fn parse(s: &str) -> Value {
    parse_document(s.as_bytes()).expect("parses")
}

fn err(s: &str) -> JsonError {
    parse_document(s.as_bytes()).expect_err("must fail")
}

#[test]
fn reads_plain_json() {
    let v = parse(r#"{"a": [1, -2, 3.5, 1e3, true, false, null], "b": "x\"y\u00e9\n"}"#);
    let a = v.get("a").and_then(Value::as_array).expect("array");
    assert_eq!(a[0], Value::Int(1));
    assert_eq!(a[1], Value::Int(-2));
    assert_eq!(a[2], Value::Float(3.5));
    assert_eq!(a[3], Value::Float(1000.0));
    assert_eq!(a[4], Value::Bool(true));
    assert_eq!(a[6], Value::Null);
    assert_eq!(v.get("b").and_then(Value::as_str), Some("x\"yé\n"));
}

#[test]
fn reads_python_non_finite_tokens() {
    let v = parse(r#"{"mae,none": Infinity, "mae_stderr,none": NaN, "x": -Infinity}"#);
    assert_eq!(
        v.get("mae,none").and_then(Value::as_f64),
        Some(f64::INFINITY)
    );
    assert!(
        v.get("mae_stderr,none")
            .and_then(Value::as_f64)
            .expect("num")
            .is_nan()
    );
    assert_eq!(v.get("x").and_then(Value::as_f64), Some(f64::NEG_INFINITY));
}

#[test]
fn last_repeated_key_wins_like_python() {
    let v = parse(r#"{"a": 1, "a": 2}"#);
    assert_eq!(v.get("a"), Some(&Value::Int(2)));
}

#[test]
fn big_integers_become_floats() {
    let v = parse("[18446744073709551616, 9223372036854775807]");
    let a = v.as_array().expect("array");
    assert_eq!(a[0], Value::Float(18446744073709551616.0));
    assert_eq!(a[1], Value::Int(i64::MAX));
}

#[test]
fn surrogate_pairs_and_lone_surrogates() {
    let v = parse(r#"["\ud83d\ude00", "\ud800x", "\udc00", "\ud800\n"]"#);
    let a = v.as_array().expect("array");
    assert_eq!(a[0].as_str(), Some("😀"));
    assert_eq!(a[1].as_str(), Some("\u{FFFD}x"));
    assert_eq!(a[2].as_str(), Some("\u{FFFD}"));
    assert_eq!(a[3].as_str(), Some("\u{FFFD}\n"));
}

#[test]
fn errors_carry_line_and_column() {
    let e = err("{\n  \"a\": 1,\n  \"b\": tru\n}");
    assert_eq!(e.position, Position { line: 3, column: 8 });
    assert!(
        e.message().contains("invalid value `tru`"),
        "{}",
        e.message()
    );

    let e = err("{\n  \"a\": [1, 2\n");
    assert_eq!(e.position.line, 3);
    assert!(
        e.message().contains("unexpected end of file"),
        "{}",
        e.message()
    );

    let e = err("{\"a\": 1} x");
    assert_eq!(
        e.position,
        Position {
            line: 1,
            column: 10
        }
    );
    assert!(e.message().contains("trailing characters"));

    let e = err("{\"a\": 01}");
    assert!(
        e.message().contains("invalid value `01`"),
        "{}",
        e.message()
    );

    let e = err("[1,]");
    assert!(
        e.message().contains("trailing comma before ']'"),
        "{}",
        e.message()
    );
    let e = err("{\"a\": 1,\n}");
    assert!(
        e.message().contains("trailing comma before '}'"),
        "{}",
        e.message()
    );
    assert_eq!(e.position, Position { line: 2, column: 1 });

    let e = err("{\"a\": \"line\nbreak\"}");
    assert!(e.message().contains("line break inside a string"));

    let e = err("{'a': 1}");
    assert!(e.message().contains("expected a string key"));
}

#[test]
fn rejects_invalid_utf8_with_position() {
    let mut bytes = b"{\"k\": \"ab".to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(b"\"}");
    let e = parse_document(&bytes).expect_err("invalid utf-8");
    assert!(e.message().contains("UTF-8"));
    assert_eq!(
        e.position,
        Position {
            line: 1,
            column: 10
        }
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let s = "[".repeat(100_000);
    let e = err(&s);
    assert!(e.message().contains("nesting deeper"), "{}", e.message());
    let mut r = JsonReader::from_slice(s.as_bytes());
    assert!(r.skip_value().is_err());
}

#[test]
fn skip_value_steps_over_anything() {
    let s = r#"{"doc": {"q": "a \"quoted\" \\ string", "l": [1, [2, {"x": NaN}]]}, "next": 5}"#;
    let mut r = JsonReader::from_slice(s.as_bytes());
    let v = r
        .parse_value_filtered(&|k: &str| k == "next")
        .expect("parses");
    assert_eq!(v.get("next"), Some(&Value::Int(5)));
    assert!(v.get("doc").is_none());
}

#[test]
fn small_buffers_do_not_change_results() {
    // A reader that returns one byte at a time exercises every refill path.
    struct OneByte<'a>(&'a [u8]);
    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }
    let s = r#"{"a": "x\u00e9\ud83d\ude00y", "b": [1.5e-3, NaN, -Infinity], "c": {"d": null}}"#;
    let mut r = JsonReader::new(OneByte(s.as_bytes()));
    let v = r.parse_value().expect("parses");
    assert_eq!(v.get("a").and_then(Value::as_str), Some("xé😀y"));
    // NaN != NaN, so compare renderings (which spell NaN as the Python token).
    assert_eq!(v.to_json(), parse(s).to_json());
}

fn records(s: &str) -> (Vec<Object>, Option<RecordLayout>) {
    let mut rs = RecordStream::new(s.as_bytes());
    let mut out = Vec::new();
    while let Some(r) = rs.next_record(&AllKeys).expect("record") {
        out.push(r);
    }
    (out, rs.layout())
}

#[test]
fn record_stream_reads_json_lines() {
    let (r, layout) = records("{\"doc_id\": 0, \"acc\": 1.0}\n{\"doc_id\": 1, \"acc\": 0.0}\n");
    assert_eq!(layout, Some(RecordLayout::Lines));
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].get("doc_id"), Some(&Value::Int(1)));
}

#[test]
fn record_stream_reads_a_pretty_array() {
    let (r, layout) = records("[\n  {\n    \"doc_id\": 0\n  },\n  {\n    \"doc_id\": 1\n  }\n]\n");
    assert_eq!(layout, Some(RecordLayout::Array));
    assert_eq!(r.len(), 2);
    let (r, _) = records("[]");
    assert!(r.is_empty());
}

#[test]
fn record_stream_reads_the_lmms_wrapper() {
    let s = r#"{"args": {"tasks": "mme"}, "model_configs": {"x": 1}, "logs": [{"doc_id": 0, "s": 1}, {"doc_id": 1, "s": 0}], "time": "2024"}"#;
    let (r, layout) = records(s);
    assert_eq!(layout, Some(RecordLayout::Wrapper));
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].get("s"), Some(&Value::Int(1)));
}

#[test]
fn a_cut_json_lines_record_is_reported_on_its_own_line() {
    let s = "{\"doc_id\": 0}\n{\"doc_id\": 1, \"acc\": \n{\"doc_id\": 2, \"acc\": 1}\n";
    let mut rs = RecordStream::new(s.as_bytes());
    assert!(rs.next_record(&AllKeys).expect("first").is_some());
    let e = rs.next_record(&AllKeys).expect_err("cut record");
    assert_eq!(e.position.line, 2);
    assert!(
        e.message().contains("must end on the line it starts"),
        "{}",
        e.message()
    );
}

#[test]
fn record_stream_with_another_wrapper_key() {
    let s = r#"{"adapter_spec": {"method": "generation"}, "request_states": [{"instance": {"id": "id1"}}]}"#;
    let mut rs = RecordStream::with_wrapper_key(s.as_bytes(), "request_states");
    let r = rs.next_record(&AllKeys).expect("ok").expect("record");
    assert!(r.get("instance").is_some());
    assert!(rs.next_record(&AllKeys).expect("ok").is_none());
    assert_eq!(rs.layout(), Some(RecordLayout::Wrapper));
}

#[test]
fn record_stream_reports_a_truncated_last_line() {
    let mut rs = RecordStream::new("{\"doc_id\": 0}\n{\"doc_id\": 1, \"acc\"".as_bytes());
    assert!(rs.next_record(&AllKeys).expect("first").is_some());
    let e = rs.next_record(&AllKeys).expect_err("truncated");
    assert_eq!(e.position.line, 2);
    assert!(e.message().contains("unexpected end of file"));
}

#[test]
fn top_level_shapes() {
    let never = |_: &[(String, u8)]| false;
    assert_eq!(
        top_level("  ".as_bytes(), &never).expect("ok"),
        TopLevel::Empty
    );
    assert_eq!(
        top_level("3".as_bytes(), &never).expect("ok"),
        TopLevel::Scalar
    );
    assert_eq!(
        top_level(
            r#"{"results": {"a": 1}, "versions": [1]}"#.as_bytes(),
            &never
        )
        .expect("ok"),
        TopLevel::Object(vec![("results".into(), b'{'), ("versions".into(), b'[')])
    );
    assert_eq!(
        top_level(r#"[{"doc_id": 0}]"#.as_bytes(), &never).expect("ok"),
        TopLevel::Array(Some(vec![("doc_id".into(), b'0')]))
    );
    // stops early: the malformed rest is never read
    let stop = |k: &[(String, u8)]| k.iter().any(|(k, _)| k == "doc_id");
    assert_eq!(
        top_level(r#"{"doc_id": 0, "x": ]]]"#.as_bytes(), &stop).expect("ok"),
        TopLevel::Object(vec![("doc_id".into(), b'0')])
    );
    assert!(top_level(r#"{"a": tru}"#.as_bytes(), &never).is_err());
}

proptest::proptest! {
    /// Any bytes: an error or a value, never a panic; the same for every record layout.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        let _ = parse_document(&bytes);
        let mut rs = RecordStream::new(bytes.as_slice());
        for _ in 0..50 {
            match rs.next_record(&AllKeys) {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        let _ = top_level(bytes.as_slice(), &|_: &KeysSeen| false);
    }

    /// Near-JSON text (the characters JSON is made of) exercises the grammar paths.
    #[test]
    fn json_like_text_never_panics(s in "[\\[\\]{}\",:0-9eE.+\\-a-zNI \n\\\\u]{0,80}") {
        let _ = parse_document(s.as_bytes());
        let mut r = JsonReader::from_slice(s.as_bytes());
        let _ = r.skip_value();
    }
}

#[test]
fn number_grammar() {
    for ok in [
        "0", "-0", "1", "10", "1.5", "1e5", "1E+5", "1.25e-3", "-12.5",
    ] {
        assert!(is_json_number(ok.as_bytes()), "{ok}");
    }
    for bad in [
        "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.2.3", "0x10", "1-2",
    ] {
        assert!(!is_json_number(bad.as_bytes()), "{bad}");
    }
}

#[test]
fn fmt_float_matches_python_repr_for_common_values() {
    assert_eq!(fmt_float(0.1), "0.1");
    assert_eq!(fmt_float(999.0), "999.0");
    assert_eq!(fmt_float(f64::NAN), "NaN");
    assert_eq!(fmt_float(f64::NEG_INFINITY), "-Infinity");
    assert_eq!(fmt_float(0.7916666666666666), "0.7916666666666666");
}

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

mod fast_path {
    //! The fast path (jiter) never reads a value the reader would read otherwise: on any
    //! input, when it returns a value, the reader returns the same value from the same bytes
    //! and stops at the same byte; and streams of records read the same with it and without.

    use super::super::fast::{self, Fast};
    use super::*;
    use proptest::prelude::*;

    /// A value and the bytes the reader took, or its message (with line and column).
    fn slow(bytes: &[u8], filter: &dyn KeyFilter) -> std::result::Result<(String, u64), String> {
        let mut r = JsonReader::from_slice(bytes).without_fast_path();
        match r.parse_value_filtered(filter) {
            Ok(v) => Ok((format!("{v:?}"), r.offset())),
            Err(e) => Err(e.to_string()),
        }
    }

    fn slow_skip(bytes: &[u8]) -> std::result::Result<u64, String> {
        let mut r = JsonReader::from_slice(bytes).without_fast_path();
        match r.skip_value() {
            Ok(()) => Ok(r.offset()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Holds the fast path to the reader on `bytes`; true when the fast path decided.
    fn agree(bytes: &[u8]) -> bool {
        let keep = |k: &str| !k.starts_with('s');
        let mut decided = false;
        for filter in [&AllKeys as &dyn KeyFilter, &keep] {
            if let Fast::Done(v, n) = fast::value(bytes, 0, filter) {
                decided = true;
                assert_eq!(
                    slow(bytes, filter),
                    Ok((format!("{v:?}"), n as u64)),
                    "fast path read {v:?} ({n} bytes) from {:?}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
        if let Fast::Done((), n) = fast::skip(bytes, 0) {
            assert_eq!(
                slow_skip(bytes),
                Ok(n as u64),
                "fast path skipped {n} bytes of {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        // whole documents: the same value, or the same message
        let whole = parse_document(bytes).map(|v| format!("{v:?}"));
        let mut r = JsonReader::from_slice(bytes).without_fast_path();
        let reader = r
            .parse_value()
            .and_then(|v| {
                if r.at_end()? {
                    Ok(format!("{v:?}"))
                } else {
                    Err(r.error("trailing characters after the JSON value"))
                }
            })
            .map_err(|e| e.to_string());
        assert_eq!(whole.map_err(|e| e.to_string()), reader);
        decided
    }

    #[test]
    fn cases_where_jiter_and_the_reader_could_differ() {
        let decided = [
            r#"{"a": 1, "b": [1, {"c": null}], "s": {"x": 1.5e-3, "y": "é\u00e9\n"}}"#,
            r#"{"a": NaN, "n": -Infinity, "s": Infinity}"#,
            r#"{"a": 9223372036854775807, "n": 9223372036854775808, "m": -9223372036854775808}"#,
            r#"{"a": -0, "n": 1E2, "o": -0.0, "p": 1e-400}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": "\ud83d\ude00", "n": true, "s": "\ud83d\ude00"}"#,
            r#"{"a": 0.1, "n": 123456789012345678901234567890}"#,
            "{}",
            "[]",
            "  \n [1,\n 2]  ",
            "12",
            r#""x""#,
            r#"{"a\"b": 1, "\u0061": 2}"#,
        ];
        for s in decided {
            assert!(agree(s.as_bytes()), "the fast path should decide {s}");
        }
        // what the reader refuses, or reads otherwise, the fast path leaves to it
        let long = format!(r#"{{"a": 1{}}}"#, "0".repeat(70));
        let skipped_long = format!(r#"{{"s": 1{}}}"#, "0".repeat(70));
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        let deep_skipped = format!(r#"{{"s": {}{}}}"#, "[".repeat(128), "]".repeat(128));
        for s in [
            r#"{"a": 1e400}"#,
            r#"{"s": 1e400}"#,
            r#"{"a": -1e400}"#,
            r#"{"a": 1e999999999999}"#,
            r#"{"a": "\ud800"}"#,
            r#"{"s": "\udc00x"}"#,
            r#"{"a": -NaN}"#,
            r#"{"a": nan}"#,
            r#"{"a": 01}"#,
            r#"{"a": 1.}"#,
            r#"{"a": .5}"#,
            r#"{"a": +1}"#,
            r#"{"a": 1,}"#,
            r#"[1,]"#,
            "{\"a\": \"x\ty\"}",
            "{\"s\": \"x\u{1}y\"}",
            "\u{feff}{}",
            "{\"a\": \"\u{0}\"}",
            r#"{"a": tru}"#,
            r#"{"a": truex}"#,
            r#"{"a": "\x"}"#,
            r#"{"s": "\x"}"#,
            long.as_str(),
            skipped_long.as_str(),
            deep.as_str(),
            deep_skipped.as_str(),
        ] {
            agree(s.as_bytes());
        }
        for bytes in [
            &b"{\"a\": \"\xff\"}"[..],
            &b"{\"s\": \"\xff\"}"[..],
            &b"{\"\xc3\": 1}"[..],
            &b"\xff\xfe{\x00}\x00"[..],
        ] {
            agree(bytes);
        }
    }

    fn finite() -> impl Strategy<Value = f64> {
        any::<f64>().prop_filter("finite", |f| f.is_finite())
    }

    /// Random JSON text with random whitespace.
    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("NaN".to_owned()),
            Just("-Infinity".to_owned()),
            any::<i64>().prop_map(|i| i.to_string()),
            finite().prop_map(|f| format!("{f:e}")),
            finite().prop_map(|f| format!("{f:?}")),
            "-?[1-9][0-9]{0,30}(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,2})?",
            r#""([a-z é]|\\u00[0-9a-f]{2}|\\[nt/"\\])*""#,
        ];
        leaf.prop_recursive(6, 48, 5, |inner| {
            let ws = "[ \\n\\t\\r]{0,2}";
            prop_oneof![
                prop::collection::vec((inner.clone(), ws), 0..5).prop_map(|items| {
                    let body: Vec<String> = items
                        .into_iter()
                        .map(|(v, w)| format!("{w}{v}{w}"))
                        .collect();
                    format!("[{}]", body.join(","))
                }),
                prop::collection::vec(("[ans]{1,2}", inner, ws), 0..5).prop_map(|entries| {
                    let body: Vec<String> = entries
                        .into_iter()
                        .map(|(k, v, w)| format!("{w}\"{k}\"{w}:{w}{v}{w}"))
                        .collect();
                    format!("{{{}}}", body.join(","))
                }),
            ]
        })
    }

    /// Bytes that make JSON wrong, or right in an unusual way.
    const EDITS: &[u8] = b"\"\\{}[],:\n 0-.eENI\x01\xc3\xffu8D";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]

        /// Decimal tokens read without a parser are the correctly rounded value Rust's own
        /// parser gives (bit for bit, the sign of zero included).
        #[test]
        fn decimals_read_as_the_standard_parser_reads_them(
            neg in any::<bool>(),
            int in "0|[1-9][0-9]{0,15}",
            frac in "[0-9]{1,16}",
        ) {
            let token = format!("{}{int}.{frac}", if neg { "-" } else { "" });
            let expected: f64 = token.parse().expect("a decimal");
            match fast::number(token.as_bytes()) {
                Some(Value::Float(x)) => prop_assert_eq!(x.to_bits(), expected.to_bits(), "{}", token),
                other => prop_assert!(false, "{token}: {other:?}"),
            }
        }
    }

    #[test]
    fn negative_zero_keeps_its_sign() {
        assert!(
            matches!(fast::number(b"-0.0"), Some(Value::Float(x)) if x == 0.0 && x.is_sign_negative())
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn on_valid_text(text in json_text()) {
            prop_assert!(agree(text.as_bytes()), "undecided: {text}");
        }

        #[test]
        fn on_edited_text(
            text in json_text(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0..EDITS.len(), 0..3u8), 1..4),
        ) {
            let mut bytes = text.into_bytes();
            for (at, b, how) in edits {
                let i = at.index(bytes.len() + 1);
                match how {
                    0 => bytes.insert(i, EDITS[b]),
                    1 if i < bytes.len() => { bytes.remove(i); }
                    _ if i < bytes.len() => bytes[i] = EDITS[b],
                    _ => bytes.push(EDITS[b]),
                }
            }
            agree(&bytes);
        }
    }

    /// Every record of a stream, read through a buffer of `buffer` bytes.
    fn records(text: &[u8], buffer: usize, key: &'static str, fast: bool) -> Vec<String> {
        let keep = |k: &str| k != "doc";
        let reader = JsonReader::with_buffer(text, buffer);
        let mut s = RecordStream::with_reader(reader, key);
        if !fast {
            s = s.without_fast_path();
        }
        let mut out = Vec::new();
        loop {
            match s.next_record(&keep) {
                Ok(Some(o)) => out.push(format!("{o:?}")),
                Ok(None) => break,
                Err(e) => {
                    out.push(format!("error {e}"));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn streams_read_the_same_with_the_fast_path_and_without() {
        let rec = |i: usize| {
            format!(
                r#"{{"doc_id": {i}, "doc": {{"q": "{}", "n": [1, 2.5, NaN]}}, "acc": {}, "s": "é{}"}}"#,
                "x".repeat(i * 37 % 500),
                i % 2,
                "\\u00e9".repeat(i % 7)
            )
        };
        let lines: String = (0..300).map(|i| rec(i) + "\n").collect();
        let pretty: String = format!(
            "[\n  {}\n]\n",
            (0..300).map(rec).collect::<Vec<_>>().join(",\n  ")
        );
        let wrapper = format!(
            r#"{{"args": {{"x": [1, 2]}}, "logs": [{}], "time": "t"}}"#,
            (0..300).map(rec).collect::<Vec<_>>().join(", ")
        );
        let mut broken_line = lines.clone();
        let mid = lines[lines.len() / 2..].find('\n').unwrap_or(0) + lines.len() / 2 + 1;
        broken_line.insert_str(mid, "{\"doc_id\": 1e400}\n");
        let mut cut = pretty.clone();
        cut.truncate(pretty.len() * 2 / 3);
        let mut late_error = wrapper.clone();
        let at = wrapper.rfind(", \"time\"").unwrap_or(0);
        late_error.insert(at, ',');
        for text in [&lines, &pretty, &wrapper, &broken_line, &cut, &late_error] {
            for buffer in [64, 300, 4096, 64 * 1024] {
                let slow = records(text.as_bytes(), buffer, "logs", false);
                let fast = records(text.as_bytes(), buffer, "logs", true);
                assert!(slow.len() > 100, "{}", slow.len());
                assert_eq!(fast, slow, "buffer {buffer}");
            }
        }
        // the errors are the reader's, at their line and column
        let errs: Vec<String> = [&broken_line, &cut, &late_error]
            .iter()
            .map(|t| {
                records(t.as_bytes(), 300, "logs", true)
                    .pop()
                    .unwrap_or_default()
            })
            .collect();
        let line = broken_line[..mid].matches('\n').count() + 1;
        let want = format!("error {line}:12: number `1e400` is out of range");
        assert!(errs[0].starts_with(&want), "{} / {want}", errs[0]);
        assert!(errs[1].contains("unexpected end of file"), "{}", errs[1]);
        assert!(
            errs[2] == format!("error 1:{}: expected a string key, found ','", at + 2),
            "{}",
            errs[2]
        );
    }
}

//! Arrow IPC records — the IPC file format (`.arrow`, lz4 and zstd record batches), the IPC
//! stream format (`.arrows`) and Feather v2 (`.feather`) — give the verdicts and numbers the
//! same rows give as JSON Lines and as Parquet (`scripts/fixtures/generate_parquet.py`);
//! every column type a records file holds reads as the Parquet reader reads the same table;
//! a damaged file, a Feather v1 file, or a column of a type no log holds is refused with one
//! message naming it.

mod common;

use common::*;

const JSONL: &str = "fixtures/parquet/jsonl";
const PARQUET: &str = "fixtures/parquet/parquet";
const FORMATS: &[(&str, &str)] = &[
    (JSONL, "jsonl"),
    (PARQUET, "parquet"),
    ("fixtures/parquet/arrows", "arrows"),
    ("fixtures/parquet/arrow", "arrow"),
    ("fixtures/parquet/feather", "feather"),
];

fn normalized(report: &serde_json::Value) -> String {
    records_normalized(report, FORMATS)
}

#[test]
fn the_same_rows_as_arrow_give_the_jsonl_and_parquet_verdict_and_numbers() {
    let dir = scratch("arrow-rubric");
    // named fields, windows by the timestamp column, fairness on the production window
    let named = rubric(
        &dir,
        "r.yaml",
        "{ S7P3: 2 }",
        "  S7P3:\n    - id: drift\n      level: 2\n      drift: { fields: [latency_ms, tokens, lang, flagged, features.length, features.source], method: psi, timestamp: ts, window: { last: 3d }, reference_window: { from: 2026-11-01, to: 2026-11-05 } }\n    - id: approvals\n      level: 1\n      fairness: { records: production, group: group, prediction: approved, label: label, max_difference: 0.2 }\n",
    );
    for rubric in [None, Some(named.as_path())] {
        let want = normalized(&records_judged(JSONL, "jsonl", rubric));
        assert_eq!(
            want,
            normalized(&records_judged(PARQUET, "parquet", rubric))
        );
        assert!(want.contains("\"reference_n\""), "{want}");
        for (dir, ext) in &FORMATS[2..] {
            let report = records_judged(dir, ext, rubric);
            assert_eq!(normalized(&report), want, "{dir} with {rubric:?}");
            // listed as Arrow IPC records, every row read
            for r in report["records"].as_array().expect("records") {
                assert_eq!(r["format"], "Arrow IPC records", "{r}");
                assert_eq!(r["records"], 600, "{r}");
            }
        }
    }
}

#[test]
fn every_column_type_reads_as_the_parquet_reader_reads_it() {
    // drift on every column of the types table: per field, the counts (n, missing) and the
    // statistic come from the values read, so equal reports mean equal values. With the list
    // and map columns the Parquet file goes through its row reader, without them column by
    // column: both are held to the Arrow reader.
    let dir = scratch("arrow-types");
    let flat = "i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, dec, s, ls, dict, b, d, ts_s, ts_ms, ts_us, ts_ns, t32, t64, t64n, st.k, st.name, st.when";
    for (name, fields) in [
        ("flat", flat.to_owned()),
        ("all", format!("{flat}, m.a, m.b, lst, lst.0")),
    ] {
        let r = rubric(
            &dir,
            &format!("{name}.yaml"),
            "{ S7P3: 1 }",
            &format!(
                "  S7P3:\n    - id: drift\n      level: 1\n      drift: {{ fields: [{fields}], method: psi }}\n"
            ),
        );
        let a = records_judged("fixtures/parquet/types", "parquet", Some(&r));
        let b = records_judged("fixtures/parquet/types", "arrow", Some(&r));
        assert_eq!(normalized_types(&a), normalized_types(&b), "{name}");
        // every field found and read (not all missing)
        let findings = check(&b, "drift")["findings"]
            .as_array()
            .expect("findings")
            .clone();
        for f in fields.split(", ") {
            let finding = findings
                .iter()
                .find(|x| x["subject"] == f)
                .unwrap_or_else(|| panic!("{f} in {findings:?}"));
            if f == "lst" {
                // a list is not a value a field compares: missing in both formats
                assert_eq!(finding["status"], "missing", "{finding}");
                continue;
            }
            let n = finding["detail"]["reference_n"].as_u64().unwrap_or(0);
            assert!(n > 200, "{f}: {finding}");
            // timestamps of every unit read as RFC 3339 text, as a JSON log writes them
            if f.starts_with("ts_") || f == "st.when" {
                assert_eq!(
                    finding["detail"]["field_type"], "categorical",
                    "{f}: {finding}"
                );
                let first = &finding["detail"]["histogram"]["values"][0];
                assert!(
                    first
                        .as_str()
                        .is_some_and(|t| t.starts_with("2026-11-") && t.ends_with('Z')),
                    "{f}: {first}"
                );
            }
        }
    }
}

fn normalized_types(report: &serde_json::Value) -> String {
    records_normalized(
        report,
        &[
            ("fixtures/parquet/types", "parquet"),
            ("fixtures/parquet/types", "arrow"),
        ],
    )
}

#[test]
fn damaged_and_old_arrow_files_are_refused_naming_them() {
    let dir = scratch("arrow-bad");
    let whole =
        std::fs::read(root().join("fixtures/parquet/arrow/reference.arrow")).expect("fixture");
    let cut = dir.join("cut.arrow");
    std::fs::write(&cut, &whole[..whole.len() / 2]).expect("write");
    let stream =
        std::fs::read(root().join("fixtures/parquet/arrows/reference.arrows")).expect("fixture");
    let cut_stream = dir.join("cut.arrows");
    std::fs::write(&cut_stream, &stream[..stream.len() / 3]).expect("write");
    // found by the records fuzzer: a footer block 68 TB long, which arrow-ipc would allocate
    let long = dir.join("long.arrow");
    std::fs::copy(
        root().join("fuzz/regressions/records/arrow-block-length-past-the-file"),
        &long,
    )
    .expect("copy");
    let v1 = dir.join("old.feather");
    std::fs::write(&v1, b"FEA1\0\0\0\0 rest of a feather v1 file FEA1").expect("write");
    for (path, says) in [
        (&cut, "not a readable Arrow IPC file"),
        (&cut_stream, "not a readable Arrow IPC file"),
        (&v1, "a Feather v1 file (magic FEA1)"),
        (
            &long,
            "not a readable Arrow IPC file: a block at 1920 of 1712 + 68169720947096 bytes, past the data's 49448 bytes",
        ),
    ] {
        assert_records_refused(path, says);
    }
}

#[test]
fn damaged_arrow_never_panics() {
    // 60 damaged copies of each IPC format (bytes overwritten, cut short): each judged or
    // refused (exit 0, 1 or 2), never a panic (exit 3)
    let dir = scratch("arrow-damaged");
    let mut next = lcg(0x2545_F491_4F6C_DD1D);
    for (fixture, ext) in [
        ("fixtures/parquet/arrow/reference.arrow", "arrow"),
        ("fixtures/parquet/arrows/reference.arrows", "arrows"),
    ] {
        let whole = std::fs::read(root().join(fixture)).expect("fixture");
        for i in 0..60 {
            let mut b = whole.clone();
            if i % 2 == 0 {
                for _ in 0..1 + next(20) {
                    let j = next(b.len());
                    b[j] = next(256) as u8;
                }
            } else {
                b.truncate(8 + next(b.len() - 8));
            }
            let p = dir.join(format!("damaged-{i}.{ext}"));
            std::fs::write(&p, &b).expect("write");
            let p = p.to_str().expect("utf-8").to_owned();
            let out = govgate(&[
                "check",
                "fixtures/demo",
                "--reference",
                &p,
                "--production",
                "fixtures/parquet/arrow/production.arrow",
                "-q",
            ]);
            assert!(
                matches!(out.code, 0..=2) && !out.stderr.contains("panicked"),
                "{ext} damaged-{i}: {out:?}"
            );
        }
    }
}

//! Parquet records give the verdicts and numbers the same rows give as JSON Lines
//! (`scripts/fixtures/generate_parquet.py`: nulls, NaN, a struct column, a dictionary-encoded
//! string column, a UTC timestamp, six row groups a file, snappy and zstd), and a file that is
//! not readable Parquet is refused with one message naming it. (Arrow IPC: tests/arrow.rs.)

mod common;

use std::path::Path;

use common::*;

const JSONL: &str = "fixtures/parquet/jsonl";
const PARQUET: &str = "fixtures/parquet/parquet";

const FORMATS: &[(&str, &str)] = &[(JSONL, "jsonl"), (PARQUET, "parquet")];

fn normalized(report: &serde_json::Value) -> String {
    records_normalized(report, FORMATS)
}

fn judged(dir: &str, ext: &str, rubric: Option<&Path>) -> serde_json::Value {
    records_judged(dir, ext, rubric)
}

#[test]
fn the_same_rows_give_the_same_drift_verdict_and_numbers() {
    // the default rubric: every field found, Evidently's auto methods, Holm over the fields
    let a = judged(JSONL, "jsonl", None);
    let b = judged(PARQUET, "parquet", None);
    assert_eq!(normalized(&a), normalized(&b));
    let drift = check(&b, "field-drift");
    assert_eq!(drift["status"], "fail", "{drift}");
    let subjects: Vec<&str> = drift["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["subject"].as_str().unwrap_or(""))
        .collect();
    // the struct column's fields are reached by dotted paths
    for field in ["features.length", "features.source", "latency_ms", "lang"] {
        assert!(subjects.contains(&field), "{field} in {subjects:?}");
    }
    // the report lists the files as Parquet records, every row read, each file hashed
    let records = b["records"].as_array().expect("records");
    assert_eq!(records.len(), 2);
    for r in records {
        assert_eq!(r["format"], "Parquet records", "{r}");
        assert_eq!(r["records"], 600, "{r}");
        let path = r["path"].as_str().expect("path");
        let bytes = std::fs::metadata(root().join(path)).expect("file").len();
        assert_eq!(r["bytes"], bytes, "{r}");
        use sha2::Digest;
        let want = sha2::Sha256::digest(std::fs::read(root().join(path)).expect("file"));
        let hex: String = want.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(r["sha256"], hex, "{r}");
    }
}

#[test]
fn named_fields_windows_nan_and_nulls_read_alike() {
    let dir = scratch("parquet-rubric");
    let rubric = rubric(
        &dir,
        "r.yaml",
        "{ S7P3: 2 }",
        "  S7P3:\n    - id: drift\n      level: 2\n      drift: { fields: [latency_ms, tokens, lang, flagged, features.length], method: psi, timestamp: ts, window: { last: 3d }, reference_window: { from: 2026-11-01, to: 2026-11-05 } }\n    - id: approvals\n      level: 1\n      fairness: { records: production, group: group, prediction: approved, label: label, max_difference: 0.2 }\n",
    );
    let a = judged(JSONL, "jsonl", Some(&rubric));
    let b = judged(PARQUET, "parquet", Some(&rubric));
    assert_eq!(normalized(&a), normalized(&b));
    // latency_ms in the reference window [2026-11-01, 2026-11-05): counted here from the
    // JSON Lines text, NaN and null both missing (as Evidently drops them)
    let text = std::fs::read_to_string(root().join(JSONL).join("reference.jsonl")).expect("jsonl");
    let ts = regex::Regex::new(r#""ts": "([^"]+)""#).expect("regex");
    let lat = regex::Regex::new(r#""latency_ms": ([^,]+),"#).expect("regex");
    let (mut n, mut missing) = (0u64, 0u64);
    for line in text.lines() {
        let t = &ts.captures(line).expect("ts")[1];
        if !("2026-11-01T00:00:00Z"..="2026-11-04T23:59:59Z").contains(&t) {
            continue;
        }
        match &lat.captures(line).expect("latency")[1] {
            "null" | "NaN" => missing += 1,
            _ => n += 1,
        }
    }
    let f = check(&b, "drift")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["subject"] == "latency_ms")
        .expect("latency_ms")
        .clone();
    assert_eq!(f["detail"]["reference_n"], n, "{f}");
    assert_eq!(f["detail"]["reference_missing"], missing, "{f}");
    assert!(missing > 0 && n > 300, "{n} {missing}");
}

#[test]
fn a_damaged_parquet_file_is_refused_naming_it() {
    let dir = scratch("parquet-bad");
    let whole = std::fs::read(root().join(PARQUET).join("reference.parquet")).expect("fixture");
    // cut: the footer (schema, row groups) is gone
    let cut = dir.join("cut.parquet");
    std::fs::write(&cut, &whole[..whole.len() / 2]).expect("write");
    assert_records_refused(&cut, "not a readable Parquet file");
}

#[test]
fn batches_across_row_groups_of_any_size_read_the_same_rows() {
    // 10,000 rows: one row group (read in batches of 8,192 and 1,808), and row groups of 999;
    // named fields take the column-by-column path
    let dir = scratch("parquet-batches");
    let rubric = rubric(
        &dir,
        "r.yaml",
        "{ S7P3: 1 }",
        "  S7P3:\n    - id: drift\n      level: 1\n      drift: { fields: [latency_ms, tokens, lang, flagged, features.length, features.source, ts], method: psi }\n",
    );
    let rubric = rubric.to_str().expect("utf-8").to_owned();
    // the checks (file names made equal) and the reference's record count
    let run = |reference: &str| {
        let out = govgate(&[
            "check",
            "fixtures/demo",
            "--reference",
            reference,
            "--production",
            "fixtures/parquet/parquet/production.parquet",
            "--rubric",
            &rubric,
            "--allow-outside-root",
            "--format",
            "json",
        ]);
        assert!(out.code == 0 || out.code == 1, "{out:?}");
        let v = json(&out.stdout);
        let read = v["records"]
            .as_array()
            .expect("records")
            .iter()
            .find(|r| r["role"] == "reference")
            .expect("reference")["records"]
            .clone();
        let s = serde_json::to_string(&v["checks"]).expect("json");
        (
            s.replace("one-group", "X").replace("many-groups", "X"),
            read,
        )
    };
    let (one, one_read) = run("fixtures/parquet/batches/one-group.parquet");
    let (many, many_read) = run("fixtures/parquet/batches/many-groups.parquet");
    assert!(one.contains("\"reference_n\":"), "{one}");
    assert_eq!(one, many);
    // every row was read: 10,000 reference records both ways
    assert_eq!(one_read, 10_000);
    assert_eq!(many_read, 10_000);
}

#[test]
fn damaged_parquet_never_panics() {
    // 60 damaged copies of a fixture (bytes overwritten, the middle cut out with the footer
    // kept, a footer byte changed), through both readers: each is judged or refused (exit 0,
    // 1 or 2), never a panic (exit 3)
    let whole = std::fs::read(root().join(PARQUET).join("reference.parquet")).expect("fixture");
    let dir = scratch("parquet-damaged");
    let rubric = rubric(
        &dir,
        "r.yaml",
        "{ S7P3: 1 }",
        "  S7P3:\n    - id: drift\n      level: 1\n      drift: { fields: [latency_ms, lang, features.length, ts], method: psi }\n",
    );
    let rubric = rubric.to_str().expect("utf-8").to_owned();
    let mut next = lcg(0x9E37_79B9_7F4A_7C15);
    for i in 0..60 {
        let mut b = whole.clone();
        match i % 3 {
            0 => {
                for _ in 0..1 + next(20) {
                    let j = next(b.len());
                    b[j] = next(256) as u8;
                }
            }
            1 => {
                let cut = 8 + next(b.len() - 16);
                let tail = b[b.len() - 8..].to_vec();
                b.truncate(cut);
                b.extend(tail);
            }
            _ => {
                let j = b.len() - 8 + next(4);
                b[j] = next(256) as u8;
            }
        }
        let p = dir.join(format!("damaged-{i}.parquet"));
        std::fs::write(&p, &b).expect("write");
        let p = p.to_str().expect("utf-8").to_owned();
        for with_rubric in [false, true] {
            let mut args = vec![
                "check",
                "fixtures/demo",
                "--reference",
                &p,
                "--production",
                "fixtures/parquet/parquet/production.parquet",
                "-q",
            ];
            if with_rubric {
                args.extend(["--rubric", &rubric, "--allow-outside-root"]);
            }
            let out = govgate(&args);
            assert!(
                matches!(out.code, 0..=2) && !out.stderr.contains("panicked"),
                "damaged-{i} (rubric: {with_rubric}): {out:?}"
            );
        }
    }
}

/// A footer declaring 2^40 rows over 1,000 rows of data (scripts/fixtures/generate_parquet.py
/// rewrites the counts): whether a field names a column or none does, the rows are counted
/// from a column's data and the file is refused, never read as 2^40 records (the binary
/// before this test made one empty record per declared row: a hang).
#[test]
fn a_footer_declaring_rows_its_columns_do_not_hold_is_refused() {
    let dir = scratch("parquet-declared");
    let bad = root().join("fixtures/parquet/damaged/declared-rows.parquet");
    let good = root().join("fixtures/parquet/parquet/reference.parquet");
    for field in ["x", "nope"] {
        let rubric = dir.join(format!("{field}.yaml"));
        std::fs::write(
            &rubric,
            format!(
                "version: 1\nname: t\nprocesses:\n  S7P3:\n    - {{ id: d, level: 2, drift: {{ fields: [{field}] }} }}\n"
            ),
        )
        .expect("write");
        let out = govgate(&[
            "check",
            "--rubric",
            rubric.to_str().expect("utf-8"),
            "--reference",
            bad.to_str().expect("utf-8"),
            "--production",
            good.to_str().expect("utf-8"),
        ]);
        let error = refused_once(&out);
        assert!(
            error.contains("declared-rows.parquet: not a readable Parquet file: row group 0 ends early in a column (1000 of its 1099511627776 rows)"),
            "{field}: {error}"
        );
    }
}

//! JSON Lines records through the fast line reader (jiter) give what govgate's own reader
//! gives: the same verdict and numbers when every line is plain, and when a line is not
//! (nesting deeper than the fast path takes, a number it leaves to the reader) the window is
//! read again by the reader — the same numbers for a valid file, the reader's own message
//! with line and column for a broken one.

mod common;

use std::path::Path;

use common::*;

const REFERENCE: &str = "fixtures/s7p3/reference/requests.jsonl";
const PRODUCTION: &str = "fixtures/s7p3/stable/requests.jsonl";

fn drift_report(reference: &Path, production: &Path) -> Out {
    govgate(&[
        "check",
        "fixtures/demo",
        "--reference",
        reference.to_str().expect("utf-8"),
        "--production",
        production.to_str().expect("utf-8"),
        "--format",
        "json",
    ])
}

/// The S7P3 checks of a report, with the records' paths, hashes and sizes left out.
fn checks(out: &Out) -> String {
    let v = json(&out.stdout);
    let mut checks: Vec<serde_json::Value> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["process"] == "S7P3")
        .cloned()
        .collect();
    for c in &mut checks {
        c["findings"]
            .as_array_mut()
            .expect("findings")
            .iter_mut()
            .for_each(|f| f["run"] = serde_json::Value::Null);
    }
    serde_json::to_string_pretty(&checks).expect("json")
}

#[test]
fn a_line_left_to_the_reader_reads_the_window_again_with_the_same_numbers() {
    let dir = scratch("records-fast");
    let text = std::fs::read_to_string(root().join(REFERENCE)).expect("fixture");
    // the same records; one line given a field nested 110 levels deep (deeper than the fast
    // path takes, within the reader's 128), which no check names
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let deep = format!("{}1{}", "{\"x\": ".repeat(110), "}".repeat(110));
    lines[3] = lines[3].replacen('{', &format!("{{\"deep\": {deep}, "), 1);
    let nested = write(&dir.join("nested.jsonl"), &(lines.join("\n") + "\n"));
    let plain = drift_report(&root().join(REFERENCE), &root().join(PRODUCTION));
    let fallback = drift_report(&nested, &root().join(PRODUCTION));
    assert_eq!(plain.code, fallback.code, "{fallback:?}");
    let (a, b) = (checks(&plain), checks(&fallback));
    // the deep field is a field of its own on the reference side only; the rest is equal
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("deep"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(b.contains("deep"), "the deep field was not read: {b}");
    assert!(a.contains("\"reference_n\""), "{a}");
    let a_fields: Vec<&str> = a
        .lines()
        .filter(|l| l.contains("\"reference_n\""))
        .collect();
    let b_fields: Vec<&str> = b
        .lines()
        .filter(|l| l.contains("\"reference_n\""))
        .collect();
    assert!(
        a_fields.iter().all(|l| b_fields.contains(l)),
        "{}\n---\n{}",
        strip(&a),
        strip(&b)
    );
}

#[test]
fn a_broken_line_gets_the_readers_own_message() {
    let dir = scratch("records-fast-broken");
    let text = std::fs::read_to_string(root().join(REFERENCE)).expect("fixture");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[4] = lines[4].replacen("\"score\": ", "\"score\": 1e400, \"was\": ", 1);
    let broken = write(&dir.join("broken.jsonl"), &(lines.join("\n") + "\n"));
    let out = drift_report(&broken, &root().join(PRODUCTION));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty());
    let col = lines[4].find("1e400").expect("col") + 1;
    assert_eq!(
        out.stderr.lines().next().unwrap_or(""),
        format!(
            "error: {}:5:{col}: number `1e400` is out of range (beyond ±1.8e308; write Infinity \
             if that is meant)",
            broken.display()
        )
    );
}

//! Fuzz harnesses: one function per reader and parser, taking arbitrary bytes.
//!
//! Each runs the reader the way `govgate` does on a file holding those bytes and ignores
//! the result: an input may be refused with an error, but nothing may panic, hang or
//! allocate without bound. The `cargo fuzz` targets in `fuzz/` call these, and
//! `tests/fuzz_regressions.rs` replays every input the fuzzers ever found (and the seeds
//! under `fuzz/regressions/`) through them in a normal `cargo test`, so CI keeps them fixed
//! without running a fuzzer.
//!
//! Readers that take a path get the bytes in a file of a per-process scratch directory.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::evidence::json::{self, RecordStream};
use crate::evidence::{card, helm, inspect, lmeval, production, samples};
use crate::model::Source;

/// A harness: bytes in, nothing out.
pub type Harness = fn(&[u8]);

/// The harnesses by name (the `cargo fuzz` target names).
pub const TARGETS: &[(&str, Harness)] = &[
    ("json", json_reader),
    ("lmeval_results", lmeval_results),
    ("samples_log", samples_log),
    ("helm_run", helm_run),
    ("helm_table", helm_table),
    ("records", records),
    ("rubric", rubric),
    ("manifest", manifest),
    ("model_card", model_card),
    ("inspect_log", inspect_log),
];

/// A scratch directory of this process, made once.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govgate-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Writes `data` to `name` in the scratch directory.
fn file(name: &str, data: &[u8]) -> PathBuf {
    let p = scratch().join(name);
    let _ = std::fs::write(&p, data);
    p
}

/// The tolerant JSON reader: a whole document, and the same bytes as records; and the
/// fast path (jiter) held to the reader: the same records and the same message, with it and
/// without it, through a small buffer and a large one.
pub fn json_reader(data: &[u8]) {
    let doc = json::parse_document(data).map(|v| format!("{v:?}"));
    let mut slow = json::JsonReader::from_slice(data).without_fast_path();
    let by_reader = slow.parse_value().and_then(|v| {
        if slow.at_end()? {
            Ok(format!("{v:?}"))
        } else {
            Err(slow.error("trailing characters after the JSON value"))
        }
    });
    assert_eq!(
        doc.map_err(|e| e.to_string()),
        by_reader.map_err(|e| e.to_string()),
        "parse_document and the reader differ"
    );
    let mut seen = Vec::new();
    for (buffer, fast) in [(64, true), (64, false), (1 << 16, true)] {
        let reader = json::JsonReader::with_buffer(data, buffer);
        let reader = if fast {
            reader
        } else {
            reader.without_fast_path()
        };
        let mut stream = RecordStream::with_reader(reader, "logs");
        let keep = |k: &str| k != "skip";
        let mut records = Vec::new();
        for _ in 0..10_000 {
            match stream.next_record(&keep) {
                Ok(Some(o)) => records.push(format!("{o:?}")),
                Ok(None) => break,
                Err(e) => {
                    records.push(e.to_string());
                    break;
                }
            }
        }
        seen.push(records);
    }
    assert!(
        seen.windows(2).all(|w| w[0] == w[1]),
        "records differ with the fast path"
    );
    let stop = |keys: &json::KeysSeen| keys.len() > 3;
    let _ = json::top_level(data, &stop);
}

/// An lm-eval / lmms-eval results file.
pub fn lmeval_results(data: &[u8]) {
    if let Ok(doc) = json::parse_document(data) {
        let source = Source {
            path: PathBuf::from("results.json"),
            sha256: String::new(),
            bytes: data.len() as u64,
        };
        let _ = lmeval::read(Path::new("results.json"), source, &doc);
    }
}

/// A samples log, read for one metric and filter, then counted.
pub fn samples_log(data: &[u8]) {
    let p = file("samples.jsonl", data);
    let filters = ["none".to_owned(), "strict-match".to_owned()];
    let _ = samples::read_samples_log(&p, "acc", None, &filters, None);
    let _ = samples::read_samples_log(&p, "acc", None, &filters, Some("doc.passage"));
    let _ = samples::read_samples_log(&p, "exact_match", Some("strict-match"), &filters, None);
    let _ = samples::count_documents(&crate::model::SampleSource::LmEval(p));
}

/// Splits fuzz input into parts at `\0\0` separators (a run directory's files).
fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(n);
    let mut rest = data;
    while out.len() + 1 < n {
        match rest.windows(2).position(|w| w == b"\0\0") {
            Some(i) => {
                out.push(&rest[..i]);
                rest = &rest[i + 2..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// A HELM run directory: `run_spec.json`, `stats.json`, `per_instance_stats.json`,
/// `scenario_state.json` (the input's parts, `\0\0`-separated).
pub fn helm_run(data: &[u8]) {
    let dir = scratch().join("run");
    let _ = std::fs::create_dir_all(&dir);
    let names = [
        "run_spec.json",
        "stats.json",
        "per_instance_stats.json",
        "scenario_state.json",
    ];
    for name in names {
        let _ = std::fs::remove_file(dir.join(name));
    }
    for (name, part) in names.iter().zip(parts(data, names.len())) {
        let _ = std::fs::write(dir.join(name), part);
    }
    let _ = helm::read_run_dir(&dir, &BTreeMap::new());
    let per_instance = dir.join("per_instance_stats.json");
    let _ = helm::read_instance_values(&per_instance, "exact_match", Some("test"));
    let keys: HashSet<String> = ["instance", "stats", "exact_match"]
        .map(str::to_owned)
        .into();
    let state = dir.join("scenario_state.json");
    let _ = crate::evidence::records::for_each_instance(&per_instance, Some(&state), &keys, |_| {});
}

/// A helm-summarize table.
pub fn helm_table(data: &[u8]) {
    let p = file("table.json", data);
    let _ = helm::read_tables(&p);
}

/// A records file (JSON Lines, JSON array, CSV, histogram or summary document, by content),
/// read for named fields and for every field, as rows, and as a summary.
pub fn records(data: &[u8]) {
    let p = file("records.data", data);
    let glob = |g: &str| globset::Glob::new(g).map(|g| g.compile_matcher());
    let named = production::Request {
        fields: vec!["score".into(), "meta.lang".into(), "ts".into()],
        patterns: Vec::new(),
        exclude: Vec::new(),
        kinds: BTreeMap::new(),
        window: Some(production::Window {
            timestamp: "ts".into(),
            span: production::Span::Last(86_400.0),
        }),
        now: None,
    };
    let _ = production::read_side(std::slice::from_ref(&p), &named);
    if let Ok(all) = glob("*") {
        let every = production::Request {
            fields: Vec::new(),
            patterns: vec![all],
            exclude: Vec::new(),
            kinds: BTreeMap::new(),
            window: None,
            now: None,
        };
        let _ = production::read_side(std::slice::from_ref(&p), &every);
    }
    let fields = ["score".to_owned(), "label".to_owned()];
    let _ = production::read_rows(std::slice::from_ref(&p), &fields, "fuzz", &mut |_| {});
    // a summary document (ab_test, feedback), read in place of records
    let _ = production::split_summaries(std::slice::from_ref(&p));
}

/// A rubric (YAML text), parsed and validated.
pub fn rubric(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::rubric::parse(text, crate::rubric::Origin::Embedded("fuzz"), Path::new(""));
    }
}

/// A manifest's subjects.
pub fn manifest(data: &[u8]) {
    let p = file("manifest.json", data);
    let _ = crate::manifest::read_subjects(&p);
}

/// A model card (Markdown with YAML front matter).
pub fn model_card(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = card::parse(text);
    }
}

/// An Inspect AI log (`.eval` archive or JSON): the run, its records, its values.
pub fn inspect_log(data: &[u8]) {
    let p = file("log.eval", data);
    if inspect::read_run(&p).is_ok() {
        let keys: HashSet<String> = ["metadata", "target", "output"].map(str::to_owned).into();
        let _ = inspect::for_each_record(&p, &keys, |_| {});
        let _ = inspect::read_values(&p, None, None);
        let _ = inspect::read_values(&p, None, Some("metadata.group"));
        let _ = inspect::read_values(&p, Some("match+group=f"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_split_at_double_nul() {
        assert_eq!(parts(b"a\0\0b\0\0c", 4), [&b"a"[..], b"b", b"c"]);
        assert_eq!(parts(b"a\0\0b\0\0c", 2), [&b"a"[..], b"b\0\0c"]);
        assert_eq!(parts(b"", 3), [&b""[..]]);
    }

    #[test]
    fn every_harness_takes_empty_and_junk_input() {
        for (_, f) in TARGETS {
            f(b"");
            f(b"{");
            f(b"\xff\xfe\0\0");
        }
    }
}

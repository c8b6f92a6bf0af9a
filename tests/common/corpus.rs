//! The shared corpus (`$GOVGATE_CORPUS`, set by `.ci/run` to `../shared/corpus`): finding
//! it, saying when it is absent, listing its files, and reading Python-written JSON
//! independently of govgate's reader.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `$GOVGATE_CORPUS/<sub>` (the corpus itself for `""`), when it is a directory.
pub fn dir(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("GOVGATE_CORPUS").map(PathBuf::from)?;
    let d = if sub.is_empty() { root } else { root.join(sub) };
    d.is_dir().then_some(d)
}

/// What a corpus test prints when it has nothing to check.
pub fn absent(test: &str) {
    eprintln!(
        "{test}: GOVGATE_CORPUS is not set, or lacks the folder this test reads; the corpus \
         is absent, nothing checked"
    );
}

/// Every file below `dir` whose extension is one of `exts`, sorted.
pub fn files_with(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Python's bare `NaN`, `Infinity`, `-Infinity` tokens outside strings as the marker
/// strings `"__nan__"`, `"__inf__"`, `"__-inf__"`, so serde_json accepts the text.
pub fn python_json(text: &str) -> serde_json::Value {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        let token = [
            ("-Infinity", "\"__-inf__\""),
            ("Infinity", "\"__inf__\""),
            ("NaN", "\"__nan__\""),
        ]
        .into_iter()
        .find(|(tok, _)| rest.starts_with(tok));
        match token {
            Some((tok, mark)) => {
                out.push_str(mark);
                rest = &rest[tok.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    serde_json::from_str(&out).expect("a corpus file is JSON apart from NaN/Infinity")
}

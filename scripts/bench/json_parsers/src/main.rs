//! Which JSON parser: jiter, sonic-rs and serde_json on the same files. For each: how many
//! files it accepts, whether it reads the `NaN` / `Infinity` tokens Python writes (lm-eval
//! results do), and its single-core speed on JSON Lines and on whole documents.
//!
//! usage: json-parsers-bench DIR...   (every *.json / *.jsonl / *.ndjson file under each)

use std::time::Instant;

type Parse = fn(&[u8]) -> bool;

fn jiter_ok(b: &[u8]) -> bool {
    jiter::JsonValue::parse_with_config(b, true, jiter::PartialMode::Off).is_ok()
}
fn sonic_ok(b: &[u8]) -> bool {
    sonic_rs::from_slice::<sonic_rs::Value>(b).is_ok()
}
fn serde_ok(b: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(b).is_ok()
}

const PARSERS: [(&str, Parse); 3] = [("jiter", jiter_ok), ("sonic-rs", sonic_ok), ("serde_json", serde_ok)];

/// The documents of a file: its lines for JSON Lines, else the whole file.
fn documents(path: &std::path::Path, bytes: &[u8]) -> Vec<Vec<u8>> {
    let lines = path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson");
    if lines {
        bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .map(<[u8]>::to_vec)
            .collect()
    } else {
        vec![bytes.to_vec()]
    }
}

fn main() {
    let mut docs: Vec<(bool, Vec<u8>)> = Vec::new(); // (from a .jsonl, bytes)
    for dir in std::env::args().skip(1) {
        for e in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
            let p = e.path();
            let json = p.extension().is_some_and(|x| x == "json" || x == "jsonl" || x == "ndjson");
            let fuzz = p.to_string_lossy().contains("regressions");
            if !e.file_type().is_file() || !(json || fuzz) {
                continue;
            }
            let Ok(bytes) = std::fs::read(p) else { continue };
            let lines = p.extension().is_some_and(|x| x == "jsonl" || x == "ndjson");
            for d in documents(p, &bytes) {
                docs.push((lines, d));
            }
        }
    }
    let nan = |d: &[u8]| {
        d.windows(3).any(|w| w == b"NaN") || d.windows(8).any(|w| w == b"Infinity")
    };
    println!("{} documents ({} lines of JSON Lines files)", docs.len(), docs.iter().filter(|d| d.0).count());
    for (name, parse) in PARSERS {
        let ok = docs.iter().filter(|d| parse(&d.1)).count();
        let with_tokens = docs.iter().filter(|d| nan(&d.1)).count();
        let tokens_ok = docs.iter().filter(|d| nan(&d.1) && parse(&d.1)).count();
        println!("{name:<11} accepts {ok} of {}; of the {with_tokens} with NaN/Infinity text, accepts {tokens_ok}", docs.len());
    }
    // speed on the documents every parser accepts, JSON Lines and whole documents apart
    for lines in [true, false] {
        let set: Vec<&[u8]> = docs
            .iter()
            .filter(|d| d.0 == lines && PARSERS.iter().all(|(_, p)| p(&d.1)))
            .map(|d| d.1.as_slice())
            .collect();
        let bytes: usize = set.iter().map(|d| d.len()).sum();
        if bytes == 0 {
            continue;
        }
        let what = if lines { "JSON Lines records" } else { "whole documents" };
        print!("{what}: {} documents, {:.1} MB;", set.len(), bytes as f64 / 1e6);
        for (name, parse) in PARSERS {
            let reps = (200_000_000 / bytes).clamp(1, 200);
            let mut best = f64::MAX;
            for _ in 0..5 {
                let t = Instant::now();
                for _ in 0..reps {
                    for d in &set {
                        std::hint::black_box(parse(d));
                    }
                }
                best = best.min(t.elapsed().as_secs_f64());
            }
            print!("  {name} {:.0} MB/s", (bytes * reps) as f64 / 1e6 / best);
        }
        println!();
    }
}

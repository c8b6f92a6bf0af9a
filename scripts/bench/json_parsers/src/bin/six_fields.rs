//! The floor under govgate's JSON Lines drift reading: SHA-256 of the file (the sha2 crate
//! govgate uses, with the CPU's SHA extensions where present), and how fast each parser
//! alone takes the six fields of the drift benchmark (`score`, `features.length`, `features.tokens`, `label`,
//! `meta.lang`, `meta.source`) out of every line, on one core, doing nothing with them —
//! no hashing, no accumulating, no checks beyond the parser's own. govgate cannot read the
//! lines faster than the parser it uses walks them.
//!
//! usage: six_fields FILE.jsonl   (scripts/bench/json_floor.sh)

use std::time::Instant;

use jiter::{Jiter, Peek};
use sonic_rs::JsonValueTrait;

const WANTED: [&[u8]; 8] = [
    b"score", b"features", b"length", b"tokens", b"label", b"meta", b"lang", b"source",
];

/// jiter, walked as govgate walks it: keys compared, the named values read, the rest skipped.
fn jiter_walk(j: &mut Jiter<'_>, seen: &mut usize) {
    let mut key = j.next_object_bytes().expect("object");
    while let Some(k) = key {
        let wanted = WANTED.contains(&k);
        let p = j.peek().expect("value");
        match p {
            Peek::Object if wanted => jiter_walk(j, seen),
            Peek::String if wanted => *seen += j.known_str().expect("str").len(),
            p if wanted && p.is_num() => *seen += j.known_number_bytes(p).expect("num").len(),
            p => j.known_skip(p).expect("skip"),
        }
        key = j.next_key_bytes().expect("key");
    }
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: six_fields FILE.jsonl");
    let data = std::fs::read(&path).expect("read");
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    let mb = data.len() as f64 / 1e6;
    let tree = {
        let mut t = sonic_rs::PointerTree::new();
        for p in [
            &["score"][..],
            &["features", "length"],
            &["features", "tokens"],
            &["label"],
            &["meta", "lang"],
            &["meta", "source"],
        ] {
            t.add_path(p);
        }
        t
    };
    type Run<'a> = (&'static str, Box<dyn Fn() -> usize + 'a>);
    let runs: Vec<Run> = vec![
        (
            "jiter, six fields walked",
            Box::new(|| {
                let mut seen = 0;
                for l in &lines {
                    let mut j = Jiter::new(l).with_allow_inf_nan();
                    jiter_walk(&mut j, &mut seen);
                    j.finish().expect("end");
                }
                seen
            }),
        ),
        (
            "sonic-rs, six pointers (get_many)",
            Box::new(|| {
                let mut seen = 0;
                for l in &lines {
                    let s = std::str::from_utf8(l).expect("utf-8");
                    for v in sonic_rs::get_many(s, &tree).expect("get").into_iter().flatten() {
                        seen += v.as_raw_str().len();
                    }
                }
                seen
            }),
        ),
        (
            "sonic-rs, whole line (DOM)",
            Box::new(|| {
                let mut seen = 0;
                for l in &lines {
                    let v: sonic_rs::Value = sonic_rs::from_slice(l).expect("line");
                    seen += usize::from(v.get("score").is_some());
                }
                seen
            }),
        ),
    ];
    println!("{} lines, {mb:.0} MB, one core, best of 5", lines.len());
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        use sha2::Digest;
        let t = Instant::now();
        let mut h = sha2::Sha256::new();
        for chunk in data.chunks(1 << 20) {
            h.update(chunk);
        }
        std::hint::black_box(h.finalize());
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("  {:<36} {best:.3} s  {:>5.0} MB/s", "SHA-256 (sha2 crate)", mb / best);
    for (name, run) in &runs {
        let mut best = f64::INFINITY;
        let mut seen = 0;
        for _ in 0..5 {
            let t = Instant::now();
            seen = run();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("  {name:<36} {best:.3} s  {:>5.0} MB/s  ({seen})", mb / best);
    }
}

//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod corpus;
pub mod inspect;
pub mod lmeval;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A finished `govgate` process.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The repository root (tests run with it as the working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built binary from the repository root, without colour or log filters.
pub fn govgate(args: &[&str]) -> Out {
    govgate_in(&root(), args)
}

pub fn govgate_in(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_govgate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GOVGATE_LOG")
        .output()
        .expect("run govgate");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh, empty directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = root().join("target").join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// Writes a file (creating parents) and returns its path.
pub fn write(path: &Path, content: &str) -> PathBuf {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).expect("mkdir");
    }
    std::fs::write(path, content).expect("write file");
    path.to_path_buf()
}

/// The cells of the rows of the first table in `stdout` whose first cell is a process id.
pub fn process_rows(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .filter(|l| l.starts_with("│ S7P"))
        .map(|l| {
            l.trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

/// The row of one process: [id, name, level, required, status, evidence].
pub fn process_row(stdout: &str, id: &str) -> Vec<String> {
    process_rows(stdout)
        .into_iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no row for {id} in:\n{stdout}"))
}

/// Parses a JSON report.
pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// The check with this id in a JSON report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

/// A rubric file in `dir` with these `processes:` lines (YAML, already indented by 2).
pub fn rubric(dir: &Path, name: &str, require: &str, processes: &str) -> PathBuf {
    write(
        &dir.join(name),
        &format!("version: 1\nname: {name}\nrequire: {require}\nprocesses:\n{processes}"),
    )
}

/// The checks of a JSON report with what differs by records format alone (the fixture
/// directories and extensions in `dirs`, hashes, sizes, the format's name) made equal, so
/// that the same rows in two formats compare equal.
pub fn records_normalized(report: &serde_json::Value, dirs: &[(&str, &str)]) -> String {
    let mut s = serde_json::to_string_pretty(&report["checks"]).expect("json");
    for (dir, ext) in dirs {
        s = s
            .replace(dir, "RECORDS")
            .replace(&format!(".{ext}"), ".EXT");
    }
    let hex = regex::Regex::new(r#""sha256": "[0-9a-f]{64}""#).expect("regex");
    let bytes = regex::Regex::new(r#""bytes": \d+"#).expect("regex");
    let s = hex.replace_all(&s, r#""sha256": "H""#);
    let s = bytes.replace_all(&s, r#""bytes": 0"#);
    s.replace("\"json_lines\"", "\"FORMAT\"")
        .replace("\"parquet\"", "\"FORMAT\"")
        .replace("\"arrow\"", "\"FORMAT\"")
}

/// `govgate check fixtures/demo` with `DIR/reference.EXT` and `DIR/production.EXT` as the
/// records windows (and a rubric), as a JSON report; the run must judge (exit 0 or 1).
pub fn records_judged(dir: &str, ext: &str, rubric: Option<&Path>) -> serde_json::Value {
    let reference = format!("{dir}/reference.{ext}");
    let production = format!("{dir}/production.{ext}");
    let mut args = vec![
        "check",
        "fixtures/demo",
        "--reference",
        &reference,
        "--production",
        &production,
        "--format",
        "json",
    ];
    let r;
    if let Some(p) = rubric {
        r = p.to_str().expect("utf-8").to_owned();
        args.extend(["--rubric", &r, "--allow-outside-root"]);
    }
    let out = govgate(&args);
    assert!(out.code == 0 || out.code == 1, "{dir}: {out:?}");
    json(&out.stdout)
}

/// `govgate check` with `path` as both records windows is refused: exit 2, nothing on stdout,
/// one `error:` line naming the file and saying `says`.
pub fn assert_records_refused(path: &Path, says: &str) {
    let p = path.to_str().expect("utf-8");
    let out = govgate(&[
        "check",
        "fixtures/demo",
        "--reference",
        p,
        "--production",
        p,
    ]);
    let error = refused_once(&out);
    assert!(error.starts_with(&format!("error: {p}: {says}")), "{error}");
}

/// A run refused as bad input: exit 2, nothing on stdout, one `error:` line (returned).
pub fn refused_once(out: &Out) -> &str {
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty());
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    errors[0]
}

/// A small deterministic generator (a 64-bit LCG): `next(n)` is in `0..n`. For damaging
/// fixtures the same way on every run.
pub fn lcg(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n.max(1)
    }
}

/// SHA-256 of a file's bytes, hex, computed with the sha2 crate (not by govgate), for
/// checking the digests reports state.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A JSON number as f64, or a panic naming the value.
pub fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// `govgate inspect PATH -f json`, which must read exactly one run: that run.
pub fn inspect_one(path: &Path) -> serde_json::Value {
    let out = govgate(&["inspect", path.to_str().expect("utf-8"), "-f", "json"]);
    assert_eq!(out.code, 0, "{}: {}", path.display(), out.stderr);
    let v = json(&out.stdout);
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{}", path.display());
    runs[0].clone()
}

/// The JSON a reference script committed beside itself (`scripts/reference/<name>`).
pub fn reference_json(name: &str) -> serde_json::Value {
    let path = root().join("scripts/reference").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run scripts/reference/{}.py)",
            path.display(),
            name.trim_end_matches(".json")
        )
    });
    serde_json::from_str(&text).expect("valid JSON")
}

/// `got` within `rel` of `want`, relatively (and exactly equal when `want` is 0).
pub fn close_rel(got: f64, want: f64, rel: f64, what: &str) {
    let err = (got - want).abs() / want.abs().max(1e-300);
    assert!(
        err <= rel || got == want,
        "{what}: {got} against {want} (relative {err:e})"
    );
}

/// `govgate rubric validate` on a one-check rubric refuses it: exit 2, the error at line 5
/// (the check's line) and saying `says`.
pub fn rubric_refused(dir: &Path, text: &str, says: &str) {
    let r = write(&dir.join("gate.yaml"), text);
    let out = govgate_in(dir, &["rubric", "validate", r.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2, "{text}: {}", out.stderr);
    assert!(
        out.stderr.contains("gate.yaml:5:"),
        "{text}: {}",
        out.stderr
    );
    assert!(out.stderr.contains(says), "{text}: {}", out.stderr);
}

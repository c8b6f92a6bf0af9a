//! A bad-input corpus: inputs a pull request could bring, each of which must be refused
//! with exit code 2 and one message naming the file (with line and column where the
//! format has them), no report file written, no panic text, and in bounded time.
//!
//! Cases are built in a scratch directory from the project's fixtures. Each runs the
//! release or debug binary with `--report json=<scratch>/report.json`, which must not
//! exist afterwards.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{root, scratch, write};

/// A case that takes longer than this hangs (the slowest case, the 200 MB file, takes
/// about a second).
const LIMIT: Duration = Duration::from_secs(60);

struct Run {
    code: i32,
    stderr: String,
}

fn run(dir: &Path, args: &[String]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_govgate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GOVGATE_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn govgate");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .expect("stderr")
                .read_to_string(&mut stderr)
                .expect("read stderr");
            return Run {
                code: status.code().unwrap_or(-1),
                stderr,
            };
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("{args:?}: still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs `check` (or the given command) on a case and asserts the refusal contract:
/// exit 2, one `error:` line naming `names` (and containing `detail`), no panic text, no
/// report file.
fn refused(case: &str, dir: &Path, args: &[&str], names: &str, detail: &str) {
    let report = dir.join("report.json");
    let _ = std::fs::remove_file(&report);
    let mut full: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    if full.first().map(String::as_str) == Some("check") {
        full.push("--report".into());
        full.push(format!("json={}", report.display()));
    }
    let out = run(dir, &full);
    assert_eq!(out.code, 2, "{case}: exit {}: {}", out.code, out.stderr);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{case}: {}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{case}: {}", out.stderr);
    assert!(
        out.stderr.contains(names),
        "{case}: `{names}` not in {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(detail),
        "{case}: `{detail}` not in {}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{case}: {}", out.stderr);
    assert!(!report.exists(), "{case}: a report was written");
}

fn fixture(p: &str) -> PathBuf {
    root().join("fixtures").join(p)
}

const RESULTS: &str = "lmeval/v048/acme__tiny-1b/results_2025-02-10T08-00-00.000001.json";

fn results_text() -> String {
    std::fs::read_to_string(fixture(RESULTS)).expect("fixture")
}

/// The results fixture with `from` replaced by `to` (which must occur).
fn results_with(from: &str, to: &str) -> String {
    let t = results_text();
    assert!(t.contains(from), "{from} not in the fixture");
    t.replacen(from, to, 1)
}

#[test]
fn truncated_results_at_every_structural_position_are_refused_with_their_position() {
    let dir = scratch("adv-truncated");
    let text = results_text();
    let mut cases = 0;
    for (i, b) in text.bytes().enumerate() {
        // after the last brace only whitespace is left: that cut is the whole document
        if !matches!(b, b'{' | b'}' | b'[' | b']' | b':' | b',') || text[i + 1..].trim().is_empty()
        {
            continue;
        }
        let cut = &text[..=i];
        write(&dir.join("results.json"), cut);
        // the error is at the end of what is left: its last line and the column after it
        let line = cut.matches('\n').count() + 1;
        refused(
            &format!("truncated after byte {i}"),
            &dir,
            &["check", "results.json"],
            &format!("results.json:{line}:"),
            "end of file",
        );
        cases += 1;
    }
    eprintln!("{cases} truncation points refused");
    assert!(cases > 100, "{cases}");
}

#[test]
fn encodings_and_layouts_are_refused() {
    let dir = scratch("adv-encodings");
    let text = results_text();
    // an empty file
    write(&dir.join("empty.json"), "");
    refused(
        "empty",
        &dir,
        &["check", "empty.json"],
        "empty.json",
        "empty",
    );
    // a UTF-8 byte-order mark: Python's json refuses it, so does govgate
    std::fs::write(
        dir.join("bom.json"),
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    )
    .expect("write");
    refused(
        "bom",
        &dir,
        &["check", "bom.json"],
        "bom.json:1:1:",
        "byte-order mark",
    );
    // UTF-16 (little endian, with its BOM)
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(dir.join("utf16.json"), utf16).expect("write");
    refused(
        "utf-16",
        &dir,
        &["check", "utf16.json"],
        "utf16.json:1:1:",
        "UTF-16",
    );
    // invalid UTF-8 inside a string
    let bad =
        results_with("\"acme/tiny-1b\"", "\"acme/\u{FFFD}tiny\"").replace('\u{FFFD}', "\u{0}");
    let bytes: Vec<u8> = bad.bytes().map(|b| if b == 0 { 0xC3 } else { b }).collect();
    std::fs::write(dir.join("invalid.json"), bytes).expect("write");
    refused(
        "invalid utf-8",
        &dir,
        &["check", "invalid.json"],
        "invalid.json:",
        "UTF-8",
    );
    // CRLF line ends and a malformed value: the line counts CRLF as one line end
    let crlf =
        text.replace('\n', "\r\n")
            .replacen("\"higher_is_better\"", "\"higher_is_better\" 1", 1);
    write(&dir.join("crlf.json"), &crlf);
    let line = text[..text.find("\"higher_is_better\"").expect("key")]
        .matches('\n')
        .count()
        + 1;
    refused(
        "crlf",
        &dir,
        &["check", "crlf.json"],
        &format!("crlf.json:{line}:"),
        "expected ':'",
    );
    // 10,000 nested arrays inside a results file: refused at the 129th, not a stack overflow
    let deep = results_with(
        "\"exact_match,strict-match\": 0.25",
        &format!(
            "\"exact_match,strict-match\": 0.25, \"deep\": {}{}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    write(&dir.join("deep.json"), &deep);
    refused(
        "deep",
        &dir,
        &["check", "deep.json"],
        "deep.json:5:",
        "nesting deeper than 128",
    );
    // and as a file of its own, which is not evaluation output at all
    write(
        &dir.join("deeper.json"),
        &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
    );
    refused(
        "deep alone",
        &dir,
        &["check", "deeper.json"],
        "deeper.json",
        "not a recognized",
    );
    // a JSON Lines file of results files is not one results file
    write(
        &dir.join("two.json"),
        &format!("{}\n{}", text.replace('\n', ""), text.replace('\n', "")),
    );
    refused(
        "two documents",
        &dir,
        &["check", "two.json"],
        "two.json:",
        "trailing characters",
    );
}

#[test]
fn a_200_mb_single_line_file_is_refused_quickly() {
    let dir = scratch("adv-big");
    let p = dir.join("big.json");
    // removed however the test ends: 200 MB left behind would fill a small CI disk
    struct RemoveOnDrop(PathBuf);
    impl Drop for RemoveOnDrop {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let _remove = RemoveOnDrop(p.clone());
    let mut f = std::fs::File::create(&p).expect("create");
    f.write_all(b"{\"notes\": \"").expect("write");
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..200 {
        f.write_all(&chunk).expect("write");
    }
    f.write_all(b"\"}").expect("write");
    drop(f);
    let start = Instant::now();
    refused(
        "200 MB",
        &dir,
        &["check", "big.json"],
        "big.json",
        "not a recognized evaluation output",
    );
    eprintln!("200 MB single line refused in {:?}", start.elapsed());
    // and with a smaller --max-input-size it is not even opened
    refused(
        "max-input-size",
        &dir,
        &["check", "--max-input-size", "100M", "big.json"],
        "big.json",
        "larger than the input size limit of 104857600 bytes (--max-input-size)",
    );
}

#[test]
fn lm_eval_fields_of_the_wrong_type_are_refused() {
    let dir = scratch("adv-lmeval-types");
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "results not an object",
            "\"results\": {",
            "\"results\": [], \"x\": {",
            "`results`",
        ),
        (
            "n-samples effective a string",
            "\"effective\": 4",
            "\"effective\": \"four\"",
            "n-samples",
        ),
        (
            "n-samples effective NaN",
            "\"effective\": 4",
            "\"effective\": NaN",
            "n-samples",
        ),
        (
            "n-samples effective negative",
            "\"effective\": 4",
            "\"effective\": -4",
            "n-samples",
        ),
        // `effective: 0` is read (a task that scored nothing) and fails `coverage`:
        // tests/fail_closed.rs a_task_that_scored_nothing_is_never_covered
        (
            "n-samples effective 2^64",
            "\"effective\": 4",
            "\"effective\": 18446744073709551616",
            "n-samples",
        ),
        (
            "n-samples original 1e400",
            "\"original\": 1319",
            "\"original\": 1e400",
            "out of range",
        ),
        (
            "a metric 1e400",
            "\"exact_match,strict-match\": 0.25",
            "\"exact_match,strict-match\": 1e400",
            "out of range",
        ),
        (
            "higher_is_better a string",
            "\"exact_match\": true",
            "\"exact_match\": \"yes\"",
            "higher_is_better",
        ),
        (
            "a task entry not an object",
            "\"gsm8k\": {\n      \"alias\"",
            "\"gsm8k\": 5, \"gsm8k_x\": {\n      \"alias\"",
            "gsm8k",
        ),
        (
            "config.limit a string",
            "\"limit\": 4.0",
            "\"limit\": \"four\"",
            "limit",
        ),
        (
            "config.limit negative",
            "\"limit\": 4.0",
            "\"limit\": -4",
            "limit",
        ),
        (
            "git_hash a number",
            "\"git_hash\": \"0f7cf736\"",
            "\"git_hash\": 5",
            "`git_hash` must be text",
        ),
        (
            "date an array",
            "\"date\": 1739174400.0",
            "\"date\": []",
            "`date` must be a time",
        ),
        (
            "versions text",
            "\"versions\": {\n    \"gsm8k\": 3.0\n  }",
            "\"versions\": \"3\"",
            "`versions` must be an object",
        ),
        (
            "n-shot text",
            "\"gsm8k\": 5\n  }",
            "\"gsm8k\": \"five\"\n  }",
            "`n-shot.gsm8k` must be a whole number",
        ),
        (
            "a task hash a number",
            "\"gsm8k\": \"7c2e5ef1",
            "\"gsm8k\": 7, \"x\": \"7c2e5ef1",
            "`task_hashes.gsm8k` must be text",
        ),
        (
            "config.random_seed text",
            "\"random_seed\": 0",
            "\"random_seed\": \"zero\"",
            "`config.random_seed` must be a whole number",
        ),
        (
            "config.model_args a number",
            "\"model_args\": \"pretrained=acme/tiny-1b,dtype=float16\"",
            "\"model_args\": 5",
            "`config.model_args` must be text or an object",
        ),
    ];
    for (case, from, to, detail) in cases {
        write(&dir.join("results.json"), &results_with(from, to));
        refused(
            case,
            &dir,
            &["check", "results.json"],
            "results.json",
            detail,
        );
    }
}

#[test]
fn files_that_are_not_files_are_refused() {
    let dir = scratch("adv-not-files");
    // a directory where a file is expected
    std::fs::create_dir_all(dir.join("gate.yaml")).expect("mkdir");
    refused(
        "directory as rubric",
        &dir,
        &["check", "--rubric", "gate.yaml", "in.json"],
        "gate.yaml",
        "directory",
    );
    write(&dir.join("in.json"), &results_text());
    // a symbolic link loop
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(dir.join("b.json"), dir.join("a.json"));
        let _ = std::os::unix::fs::symlink(dir.join("a.json"), dir.join("b.json"));
        refused(
            "symlink loop",
            &dir,
            &["check", "a.json"],
            "a.json",
            "symbolic links",
        );
        // a FIFO: reading it would block until a writer came; it is refused unopened
        let fifo = dir.join("pipe.json");
        let made = Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            refused("fifo", &dir, &["check", "pipe.json"], "pipe.json", "FIFO");
            refused(
                "fifo as records",
                &dir,
                &[
                    "check",
                    "in.json",
                    "--reference",
                    "pipe.json",
                    "--production",
                    "in.json",
                ],
                "pipe.json",
                "FIFO",
            );
        } else {
            eprintln!("mkfifo is not available: the FIFO case is not checked");
        }
        // a file without read permission; as root (which reads it anyway) the binary is run
        // as `nobody` through setpriv, when the machine has it
        use std::os::unix::fs::PermissionsExt;
        let locked = write(&dir.join("locked.json"), &results_text());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::fs::File::open(&locked).is_err() {
            refused(
                "unreadable",
                &dir,
                &["check", "locked.json"],
                "locked.json",
                "ermission denied",
            );
        } else if Path::new("/usr/bin/setpriv").is_file() {
            let out = Command::new("/usr/bin/setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_govgate"))
                .arg("check")
                .arg(&locked)
                .env("NO_COLOR", "1")
                .output()
                .expect("setpriv");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "unreadable as nobody: {stderr}");
            assert_eq!(
                stderr,
                format!(
                    "error: {}: Permission denied (os error 13)\n",
                    locked.display()
                )
            );
        } else {
            eprintln!("running as root without setpriv: the unreadable case is not checked");
        }
        let _ = std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644));
    }
}

#[test]
fn hostile_rubrics_are_refused_with_their_position() {
    let dir = scratch("adv-rubrics");
    write(&dir.join("in.json"), &results_text());
    let head = "version: 1\nname: r\nprocesses:\n  S7P1:\n";
    let cases: &[(&str, String, &str)] = &[
        (
            "billion laughs",
            format!(
                "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n{}version: 1\n",
                (b'b'..=b'j')
                    .map(|c| {
                        let prev = (c - 1) as char;
                        let c = c as char;
                        format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n")
                    })
                    .collect::<String>()
            ),
            "gate.yaml",
        ),
        ("a yaml tag", format!("{head}    - !!python/object:os.system {{ id: t, level: 1, threshold: {{ metric: a/b, min: 0 }} }}\n"), "gate.yaml:5:"),
        ("a merge key", "version: 1\nname: r\nbase: &b { level: 1 }\nprocesses:\n  S7P1:\n    - { <<: *b, id: t, threshold: { metric: a/b, min: 0 } }\n".to_owned(), "gate.yaml:"),
        ("duplicate keys", format!("{head}    - {{ id: t, id: u, level: 1, threshold: {{ metric: a/b, min: 0 }} }}\n"), "gate.yaml:5:"),
        ("unknown check kind", format!("{head}    - {{ id: t, level: 1, exfiltrate: {{ url: x }} }}\n"), "gate.yaml:5:"),
        ("unknown process", "version: 1\nname: r\nprocesses:\n  S7P9: []\n".to_owned(), "gate.yaml:4:3:"),
        ("a level of 7", format!("{head}    - {{ id: t, level: 7, threshold: {{ metric: a/b, min: 0 }} }}\n"), "gate.yaml:5:"),
        ("a NaN bound", format!("{head}    - {{ id: t, level: 1, threshold: {{ metric: a/b, min: .nan }} }}\n"), "gate.yaml:5:"),
        ("an absolute records path", "version: 1\nname: r\nprocesses:\n  S7P2:\n    - { id: t, level: 1, fairness: { records: /etc/passwd, group: a, score: b, max_difference: 1 } }\n".to_owned(), "gate.yaml:5:"),
        ("not UTF-8", String::from_utf8_lossy(b"version: 1\nname: \xff\n").into_owned().replace('\u{FFFD}', "\u{1}"), "gate.yaml"),
    ];
    for (case, text, names) in cases {
        let bytes: Vec<u8> = text
            .bytes()
            .map(|b| if b == 1 { 0xFF } else { b })
            .collect();
        std::fs::write(dir.join("gate.yaml"), bytes).expect("write");
        refused(
            case,
            &dir,
            &["check", "--rubric", "gate.yaml", "in.json"],
            names,
            "",
        );
    }
    // `inputs` leaving the rubric's directory are refused when the rubric's inputs are
    // what govgate would read; inputs named on the command line replace them unread
    std::fs::write(
        dir.join("gate.yaml"),
        "version: 1\nname: r\ninputs:\n  current: [\"../../..\"]\nprocesses:\n  S7P1:\n    - { id: t, level: 1, coverage: { tasks: [\"*\"] } }\n",
    )
    .expect("write");
    refused(
        "a .. input",
        &dir,
        &["check", "--rubric", "gate.yaml"],
        "gate.yaml:4:",
        "climbs out of the rubric's directory",
    );
    let replaced = run(
        &dir,
        &["check", "--rubric", "gate.yaml", "in.json"].map(String::from),
    );
    assert!(
        replaced.code == 0 || replaced.code == 1,
        "inputs on the command line: {}",
        replaced.stderr
    );
}

#[test]
fn manifests_naming_files_outside_their_root_are_refused() {
    let dir = scratch("adv-manifests");
    for (case, name) in [
        ("absolute", "/etc/passwd"),
        ("climbing", "../../etc/passwd"),
        ("inner climb", "a/../../x"),
    ] {
        let m = format!(
            r#"{{"_type": "https://in-toto.io/Statement/v1", "subject": [{{"name": "{name}", "digest": {{"sha256": "{}"}}}}], "predicateType": "https://govgate.dev/manifest/v1", "predicate": {{}}}}"#,
            "0".repeat(64)
        );
        write(&dir.join("m.json"), &m);
        refused(case, &dir, &["verify", "m.json"], "m.json", name);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_file() {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn edit_json(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    f(&mut v);
    std::fs::write(path, serde_json::to_string(&v).expect("json")).expect("write");
}

#[test]
fn helm_files_of_the_wrong_shape_are_refused() {
    let dir = scratch("adv-helm");
    let src = fixture("helm/benchmark_output/runs/v1/mmlu:subject=anatomy,model=acme_tiny-7b");
    type Edit = fn(&Path);
    let cases: &[(&str, &str, Edit, &str)] = &[
        (
            "stats not an array",
            "stats.json",
            |p| std::fs::write(p, "{}").expect("w"),
            "a JSON array of stats",
        ),
        (
            "a count that is text",
            "stats.json",
            |p| edit_json(p, |v| v[0]["count"] = "x".into()),
            "stat 0: `count` must be a non-negative whole number",
        ),
        (
            "a negative count",
            "stats.json",
            |p| edit_json(p, |v| v[0]["count"] = (-3).into()),
            "stat 0: `count` must be a non-negative whole number",
        ),
        (
            "a mean that is text",
            "stats.json",
            |p| edit_json(p, |v| v[0]["mean"] = "x".into()),
            "stat 0: `mean` must be a number",
        ),
        (
            "a name that is a number",
            "stats.json",
            |p| edit_json(p, |v| v[0]["name"] = 5.into()),
            "stat 0: `name` must be an object",
        ),
        (
            "adapter_spec an array",
            "run_spec.json",
            |p| edit_json(p, |v| v["adapter_spec"] = serde_json::json!([])),
            "`adapter_spec` must be an object",
        ),
        (
            "max_eval_instances text",
            "run_spec.json",
            |p| {
                edit_json(p, |v| {
                    v["adapter_spec"]["max_eval_instances"] = "all".into()
                })
            },
            "`adapter_spec.max_eval_instances` must be a whole number",
        ),
        (
            "a temperature that is text",
            "run_spec.json",
            |p| edit_json(p, |v| v["adapter_spec"]["temperature"] = "hot".into()),
            "`adapter_spec.temperature` must be a number",
        ),
        (
            "a run name that is a number",
            "run_spec.json",
            |p| edit_json(p, |v| v["name"] = 5.into()),
            "`name` must be text",
        ),
        (
            "a truncated run_spec",
            "run_spec.json",
            |p| {
                let t = std::fs::read_to_string(p).expect("r");
                std::fs::write(p, &t[..t.len() / 2]).expect("w");
            },
            "unexpected end of file",
        ),
        (
            "per-instance stats not an array",
            "per_instance_stats.json",
            |p| std::fs::write(p, "{\"a\": 1}").expect("w"),
            "must be a JSON array of instance records",
        ),
        (
            "a per-instance mean that is text",
            "per_instance_stats.json",
            |p| edit_json(p, |v| v[0]["stats"][0]["mean"] = "x".into()),
            "instance record 0: stat 0: `mean` must be a number",
        ),
    ];
    for (case, file, edit, detail) in cases {
        let run = dir.join("run");
        let _ = std::fs::remove_dir_all(&run);
        copy_dir(&src, &run);
        edit(&run.join(file));
        refused(
            case,
            &dir,
            &["check", "run"],
            &format!("run/{file}"),
            detail,
        );
    }
}

#[test]
fn inspect_logs_of_the_wrong_shape_are_refused() {
    use common::inspect::{Log, Method, zip};
    let dir = scratch("adv-inspect");
    type Edit = fn(&mut serde_json::Value);
    let cases: &[(&str, Edit, &str)] = &[
        (
            "scores not an array",
            |d| d["results"]["scores"] = serde_json::json!({}),
            "`results.scores` must be an array",
        ),
        (
            "a metric value that is text",
            |d| d["results"]["scores"][0]["metrics"]["accuracy"]["value"] = "high".into(),
            "`results.scores[0].metrics.accuracy.value` must be a number",
        ),
        (
            "scored_samples that is text",
            |d| d["results"]["scores"][0]["scored_samples"] = "x".into(),
            "`results.scores[0].scored_samples` must be a non-negative integer",
        ),
        (
            "a limit that is text",
            |d| d["eval"]["config"]["limit"] = "ten".into(),
            "`eval.config.limit` must be",
        ),
        (
            "a backwards limit range",
            |d| d["eval"]["config"]["limit"] = serde_json::json!([9, 3]),
            "`eval.config.limit` must be",
        ),
        (
            "zero epochs",
            |d| d["eval"]["config"]["epochs"] = 0.into(),
            "`eval.config.epochs` must be a positive integer",
        ),
        (
            "a negative dataset size",
            |d| d["eval"]["dataset"]["samples"] = (-4).into(),
            "`eval.dataset.samples` must be a non-negative integer",
        ),
        (
            "an epoch that is text",
            |d| d["samples"][0]["epoch"] = "one".into(),
            "a sample's `epoch` must be a positive integer",
        ),
        (
            "an id that is a list",
            |d| d["samples"][0]["id"] = serde_json::json!([1]),
            "a sample's `id` must be an integer or a string",
        ),
        (
            "a status that is a number",
            |d| d["status"] = 5.into(),
            "without a `status`",
        ),
        (
            "a model that is a number",
            |d| d["eval"]["model"] = 5.into(),
            "`eval.model` must be text",
        ),
        (
            "a dirty flag that is text",
            |d| d["eval"]["revision"]["dirty"] = "no".into(),
            "`eval.revision.dirty` must be true or false",
        ),
        (
            "a seed that is text",
            |d| d["plan"]["config"]["seed"] = "one".into(),
            "`plan.config.seed` must be a whole number",
        ),
        (
            "a task that is a number",
            |d| d["eval"]["task"] = 5.into(),
            "`eval.task` must be text",
        ),
        (
            "eval without its task",
            |d| {
                if let Some(e) = d["eval"].as_object_mut() {
                    e.remove("task");
                }
            },
            "without `eval.task`",
        ),
    ];
    for (case, edit, detail) in cases {
        let mut doc: serde_json::Value =
            serde_json::from_str(&Log::quiz().json()).expect("the quiz log is JSON");
        edit(&mut doc);
        write(&dir.join("log.json"), &doc.to_string());
        refused(case, &dir, &["check", "log.json"], "log.json", detail);
    }
    // an archive whose summaries name a sample by a list
    let log = Log::quiz();
    let mut members = log.members();
    for (name, text) in members.iter_mut() {
        if name == "summaries.json" {
            *text = text.replacen("\"id\": \"q1\"", "\"id\": [1]", 1);
        }
    }
    std::fs::write(dir.join("log.eval"), zip(&members, Method::Zstd)).expect("write");
    refused(
        "a summary id that is a list",
        &dir,
        &["check", "log.eval"],
        "log.eval",
        "member `summaries.json`: a sample's `id`",
    );
}

#[test]
fn records_of_the_wrong_shape_are_refused_with_their_position() {
    let dir = scratch("adv-records");
    write(&dir.join("in.json"), &results_text());
    write(
        &dir.join("d.yaml"),
        "version: 1\nname: d\nrequire: { S7P3: 1 }\nprocesses:\n  S7P3:\n    - id: d\n      level: 1\n      drift: { fields: [score] }\n",
    );
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "a short CSV row",
            "a.csv",
            "score,x\n1,2\n3\n",
            "a.csv:3:1: a row with 1 fields where the header has 2",
        ),
        (
            "a cut JSON Lines record",
            "b.jsonl",
            "{\"score\": 1}\n{\"score\": 2\n",
            "b.jsonl:2:12: the record ends early",
        ),
        (
            "negative histogram counts",
            "c.json",
            "{\"govgate_histograms\": 1, \"records\": 3, \"fields\": {\"score\": {\"edges\": [0, 1], \"counts\": [-3]}}}",
            "`counts` must be integers >= 0",
        ),
        (
            "histogram edges going down",
            "d.json",
            "{\"govgate_histograms\": 1, \"records\": 3, \"fields\": {\"score\": {\"edges\": [1, 0], \"counts\": [3]}}}",
            "`edges` must increase strictly",
        ),
        (
            "histogram edges and counts that disagree",
            "e.json",
            "{\"govgate_histograms\": 1, \"records\": 3, \"fields\": {\"score\": {\"edges\": [0, 1, 2], \"counts\": [3]}}}",
            "3 edges need 2 counts, found 1",
        ),
        (
            "an unknown histogram version",
            "f.json",
            "{\"govgate_histograms\": \"x\", \"fields\": {}}",
            "`govgate_histograms` must be 1",
        ),
        (
            "an array of numbers",
            "g.json",
            "[1, 2, 3]",
            "g.json:1:2: expected a sample record",
        ),
        (
            "a record that is an array",
            "h.jsonl",
            "{\"score\": 1}\n[2]\n",
            "h.jsonl:2:1: expected a sample record",
        ),
        (
            "a results file as records",
            "r.json",
            "{\n \"results\": {}\n}\n",
            "a JSON object spread over several lines, not records",
        ),
    ];
    for (case, name, text, detail) in cases {
        write(&dir.join(name), text);
        refused(
            case,
            &dir,
            &[
                "check",
                "in.json",
                "--rubric",
                "d.yaml",
                "--reference",
                name,
                "--production",
                name,
            ],
            name,
            detail,
        );
    }
}

#[test]
fn model_cards_and_samples_logs_of_the_wrong_shape_are_refused() {
    let dir = scratch("adv-cards");
    let helm = fixture("helm/benchmark_output/runs/v1");
    let helm = helm.to_str().expect("utf-8");
    for (case, text, detail) in [
        (
            "front matter with an unclosed bracket",
            "---\nlicense: [unclosed\n---\n# Model\n".as_bytes(),
            "MODEL_CARD.md:2:10: front matter",
        ),
        (
            "front matter with a tag",
            "---\nlicense: !!python/object x\n---\n# Model\n".as_bytes(),
            "MODEL_CARD.md:2:26: front matter: unsupported tag",
        ),
        (
            "a card that is not UTF-8",
            b"\xff\xfe---\n".as_slice(),
            "not UTF-8",
        ),
    ] {
        std::fs::write(dir.join("MODEL_CARD.md"), text).expect("write");
        refused(
            case,
            &dir,
            &["check", "--rubric", "eu-ai-act", helm],
            "MODEL_CARD.md",
            detail,
        );
    }
    // a samples log with a malformed line, attached to its results file
    let run = dir.join("run");
    copy_dir(&fixture("lmeval/v048/acme__tiny-1b"), &run);
    let log = std::fs::read_dir(&run)
        .expect("run")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("samples_"))
        })
        .expect("a samples log");
    let name = log
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let mut text = std::fs::read_to_string(&log).expect("read");
    text.push_str("{\"doc_id\": 99, \"exact_match\": }\n");
    let line = text.lines().count();
    write(&log, &text);
    let r = write(
        &dir.join("reg.yaml"),
        "version: 1\nname: p\nrequire: { S7P5: 1 }\nprocesses:\n  S7P5:\n    - id: p\n      level: 1\n      power: { metric: \"gsm8k/exact_match@strict-match\", detect: 0.05 }\n",
    );
    let _ = r;
    refused(
        "a malformed samples line",
        &dir,
        &["check", "--rubric", "reg.yaml", "run"],
        &format!("{name}:{line}:"),
        "",
    );
}

//! Every `govgate …` command line in `docs/ci.md` runs, as written, in a scratch directory
//! laid out as the page describes (`results/`, `baseline/`, `gate.yaml`), and does what
//! the page says it does.

mod common;

use std::path::Path;
use std::process::Command;

use common::{root, scratch};

/// The `govgate …` command lines of the page's code blocks: shell lines, YAML `run:`,
/// `script:` items and `entry:` values, Makefile recipes.
fn command_lines(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let mut l = line.trim();
        // YAML list items and keys (GitHub `run:`, Azure `script:`, pre-commit `entry:`),
        // a Jenkins `sh '…'`
        for prefix in ["- ", "run: ", "entry: ", "script: ", "sh '"] {
            l = l.strip_prefix(prefix).unwrap_or(l).trim_start();
        }
        let l = l.strip_suffix('\'').unwrap_or(l);
        if l.starts_with("govgate ") {
            out.push(l.to_owned());
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Runs a command line (plain words, no shell) in `dir` with `env`.
fn run(dir: &Path, line: &str, env: &[(&str, &Path)]) -> (i32, String, String) {
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[0], "govgate");
    assert!(
        !line.contains(['\'', '"', '$', '|', '>', '<', '\\']),
        "{line}: the page's commands are plain words, so a test can run them as written"
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_govgate"));
    cmd.args(&words[1..])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GOVGATE_LOG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run govgate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_on_the_ci_page_runs_as_written() {
    let md = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let lines = command_lines(&md);
    assert!(
        lines.len() >= 7,
        "only {} command lines found: {lines:?}",
        lines.len()
    );

    let dir = scratch("ci-docs");
    copy_dir(&root().join("fixtures/demo"), &dir.join("results"));
    copy_dir(
        &root().join("fixtures/demo-baseline"),
        &dir.join("baseline"),
    );
    // the scheduled drift check's two windows: validated records and a day that did not drift
    copy_dir(
        &root().join("fixtures/s7p3/reference"),
        &dir.join("records/validated"),
    );
    copy_dir(
        &root().join("fixtures/s7p3/stable"),
        &dir.join("records/last-day"),
    );
    let summary = dir.join("step-summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();

    let mut seen = Vec::new();
    for line in &lines {
        let env: Vec<(&str, &Path)> = if line.contains("--format github") {
            vec![("GITHUB_STEP_SUMMARY", summary.as_path())]
        } else {
            Vec::new()
        };
        let (code, stdout, stderr) = run(&dir, line, &env);
        assert_eq!(code, 0, "{line}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        // what each line promises
        if line.starts_with("govgate rubric init") {
            assert!(dir.join("gate.yaml").exists());
        }
        if line.contains("--format github") {
            assert!(stdout.contains("::group::"), "{line}: {stdout}");
            let s = std::fs::read_to_string(&summary).unwrap();
            assert!(
                s.starts_with("# earlier step\n")
                    && s.contains("| S7P1 Apply quality gates | 3 | 3 |"),
                "{s}"
            );
        }
        if line.ends_with(" -q") {
            assert_eq!(stdout, "PASS: every required level is met\n", "{line}");
        }
        for word in line.split_whitespace() {
            if let Some((format, path)) = word.split_once('=')
                && ["json", "html", "sarif", "junit", "markdown", "openmetrics"].contains(&format)
            {
                let text = std::fs::read_to_string(dir.join(path))
                    .unwrap_or_else(|e| panic!("{line}: no {path}: {e}"));
                assert!(!text.is_empty(), "{line}: {path} is empty");
                seen.push(format.to_owned());
            }
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        ["html", "json", "junit", "markdown", "openmetrics", "sarif"]
    );
    // the textfile the scheduled run leaves for node_exporter: the S7P3 level, the verdict
    let prom = std::fs::read_to_string(dir.join("textfile/govgate.prom")).unwrap();
    assert!(
        prom.contains("govgate_process_level{process=\"S7P3\"} 2\n")
            && prom.contains("govgate_verdict_passed 1\n")
            && prom.ends_with("# EOF\n"),
        "{prom}"
    );
    // the JUnit file is what GitLab reads: a suite per process, a case per check
    let junit = std::fs::read_to_string(dir.join("govgate-junit.xml")).unwrap();
    assert!(
        junit.contains("<testsuite name=\"S7P1 Apply quality gates\""),
        "{junit}"
    );
    assert!(
        junit.contains("<testcase name=\"tasks-present\" classname=\"S7P1\">"),
        "{junit}"
    );
}

#[test]
fn the_ci_page_lists_the_commands_it_claims() {
    let md = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let lines = command_lines(&md);
    for needle in [
        "govgate rubric init results/ --baseline baseline/ -o gate.yaml",
        "govgate check --rubric gate.yaml --format github --report sarif=govgate.sarif",
        "govgate check --rubric gate.yaml --report junit=govgate-junit.xml",
        "govgate rubric validate gate.yaml",
        "govgate check --rubric gate.yaml -q",
        "govgate check --rubric gate.yaml --report json=gate/report.json",
        "govgate check --rubric gate.yaml --report junit=govgate-junit.xml --report html=govgate-report.html",
        "govgate check results/ --reference records/validated/ --production records/last-day/ --require S7P3=2",
        "govgate check results/ --reference records/validated/ --production records/last-day/ --require S7P3=2 --report openmetrics=textfile/govgate.prom -q",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(needle)),
            "no command line `{needle}…` in docs/ci.md: {lines:?}"
        );
    }
}

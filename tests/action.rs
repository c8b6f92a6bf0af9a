//! The GitHub Action (`action.yml`), its steps run as written: each step's `run:` line with
//! its `env:` mapping, `${{ inputs.* }}` replaced by the inputs a workflow would give (or
//! their defaults), and the variables a runner sets (`GITHUB_ACTION_PATH`, `GITHUB_OUTPUT`,
//! `GITHUB_STEP_SUMMARY`, `GITHUB_PATH`, `RUNNER_TEMP`, `GITHUB_ACTIONS`), with the built
//! `govgate` first on the PATH as the install step leaves it. The install step itself runs in
//! `scripts/ci/wheel.sh` (it needs the wheel); here its command line is checked.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// action.yml, parsed.
fn action() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    serde_saphyr::from_str(&text).expect("action.yml is YAML")
}

/// `${{ inputs.NAME }}` → the value of the input (given, else its default).
fn substitute(template: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in inputs {
        out = out.replace(&format!("${{{{ inputs.{k} }}}}"), v);
    }
    assert!(
        !out.contains("${{"),
        "unsubstituted expression in {template:?}"
    );
    out
}

struct StepRun {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

/// Runs step `id` of the action as written, in the repository root.
fn run_step(name: &str, given: &[(&str, &str)], scratch_dir: &Path) -> StepRun {
    let a = action();
    let mut inputs: BTreeMap<String, String> = a["inputs"]
        .as_object()
        .expect("inputs")
        .iter()
        .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").to_owned()))
        .collect();
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "no input `{k}` in action.yml");
        inputs.insert((*k).to_owned(), (*v).to_owned());
    }
    assert_eq!(a["runs"]["using"], "composite");
    let step = a["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step `{name}`"))
        .clone();
    assert_eq!(step["shell"], "bash");
    let script = step["run"].as_str().expect("run");
    let output = scratch_dir.join("github_output");
    let summary = scratch_dir.join("step_summary.md");
    let _ = std::fs::remove_file(&output);
    let _ = std::fs::remove_file(&summary);
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_govgate"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .current_dir(root())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_ACTION_PATH", root())
        .env("GITHUB_WORKSPACE", root())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_PATH", scratch_dir.join("github_path"))
        .env("RUNNER_TEMP", scratch_dir)
        .env("NO_COLOR", "1")
        .env_remove("GOVGATE_LOG");
    if let Some(env) = step["env"].as_object() {
        for (k, v) in env {
            cmd.env(k, substitute(v.as_str().expect("env value"), &inputs));
        }
    }
    let out = cmd.output().expect("bash");
    let outputs = std::fs::read_to_string(&output)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    StepRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
    }
}

#[test]
fn the_action_declares_its_inputs_outputs_and_two_scripted_steps() {
    let a = action();
    let inputs: Vec<&str> = a["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .map(String::as_str)
        .collect();
    for want in [
        "paths", "baseline", "rubric", "require", "sarif", "junit", "args", "version",
    ] {
        assert!(inputs.contains(&want), "input {want} in {inputs:?}");
    }
    assert_eq!(
        a["outputs"]["exit-code"]["value"],
        "${{ steps.gate.outputs.exit-code }}"
    );
    assert_eq!(
        a["outputs"]["verdict"]["value"],
        "${{ steps.gate.outputs.verdict }}"
    );
    let runs: Vec<&str> = a["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["run"].as_str().expect("run"))
        .collect();
    assert_eq!(
        runs,
        vec![
            "bash \"$GITHUB_ACTION_PATH/scripts/action/install.sh\"",
            "bash \"$GITHUB_ACTION_PATH/scripts/action/gate.sh\"",
        ]
    );
}

#[test]
fn a_passing_gate_passes_the_step_and_writes_its_reports() {
    let dir = scratch("action-pass");
    let sarif = dir.join("gate.sarif");
    let junit = dir.join("gate.xml");
    let r = run_step(
        "Evaluation gate",
        &[
            ("paths", "fixtures/demo"),
            ("sarif", sarif.to_str().expect("utf-8")),
            ("junit", junit.to_str().expect("utf-8")),
        ],
        &dir,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.outputs.get("exit-code").map(String::as_str), Some("0"));
    assert_eq!(r.outputs.get("verdict").map(String::as_str), Some("pass"));
    assert!(
        r.stdout
            .starts_with("::group::govgate: rubric default — PASS"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("::error"), "{}", r.stdout);
    assert!(
        r.summary.starts_with("### ✅ govgate: PASS"),
        "{}",
        r.summary
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    let junit = std::fs::read_to_string(&junit).expect("junit");
    assert!(junit.contains("<testsuites"), "{junit}");
}

#[test]
fn a_failing_gate_fails_the_step_with_annotations_and_says_fail() {
    let dir = scratch("action-fail");
    let r = run_step(
        "Evaluation gate",
        &[("paths", "fixtures/demo"), ("require", "S7P1=1 S7P5=1")],
        &dir,
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.outputs.get("exit-code").map(String::as_str), Some("1"));
    assert_eq!(r.outputs.get("verdict").map(String::as_str), Some("fail"));
    let errors: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 6, "{}", r.stdout);
    assert!(
        errors[0].starts_with(
            "::error file=fixtures/demo/acme-7b-v2/results_2026-03-02T14-05-33.518112.json,\
             title=govgate S7P5 repeated (level 1%2C missing)::arc_easy/acc@none"
        ),
        "{}",
        errors[0]
    );
    assert!(
        r.summary
            .starts_with("### ❌ govgate: FAIL: S7P5 at level 0, required 1"),
        "{}",
        r.summary
    );
}

#[test]
fn evidence_that_cannot_be_judged_is_an_error_not_a_failed_gate() {
    let dir = scratch("action-error");
    let r = run_step(
        "Evaluation gate",
        &[("paths", "fixtures/no-such-results")],
        &dir,
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.outputs.get("exit-code").map(String::as_str), Some("2"));
    assert_eq!(r.outputs.get("verdict").map(String::as_str), Some("error"));
    assert_eq!(
        r.stdout,
        "::error title=govgate could not judge::govgate exited 2: the evidence or the rubric \
         could not be read (see the message above)\n"
    );
    assert!(
        r.stderr.starts_with("error: fixtures/no-such-results"),
        "{}",
        r.stderr
    );
    assert!(r.summary.is_empty(), "{}", r.summary);
}

#[test]
fn paths_and_baselines_one_per_line_and_extra_arguments_reach_govgate() {
    let dir = scratch("action-lines");
    let report = dir.join("action.json");
    let args = format!("--report json={}", report.display());
    let r = run_step(
        "Evaluation gate",
        &[
            ("paths", "fixtures/demo\n"),
            ("baseline", "fixtures/demo-baseline\n"),
            ("rubric", "default"),
            ("require", "S7P1=3"),
            ("args", &args),
        ],
        &dir,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.summary.contains("1 current run(s), 1 baseline run(s)"),
        "{}",
        r.summary
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("json report"))
            .expect("json");
    assert_eq!(v["processes"][0]["required"], 3);
    assert_eq!(v["processes"][0]["level"], 3);
}

//! `.pre-commit-hooks.yaml`: every hook's entry runs as pre-commit runs it (the entry's words,
//! then the hook's `args`, then the staged files its `files` pattern selects unless
//! `pass_filenames: false`), with the built `govgate` as the `govgate` the hook installs.

mod common;

use std::process::Command;

use common::*;

fn hooks() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("hooks file");
    serde_saphyr::from_str(&text).expect("the hooks file is YAML")
}

fn hook(id: &str) -> serde_json::Value {
    hooks()
        .into_iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("no hook {id}"))
}

/// The staged files a hook would receive.
fn selected(h: &serde_json::Value, staged: &[&str]) -> Vec<String> {
    let re = regex::Regex::new(h["files"].as_str().unwrap_or("")).expect("files is a regex");
    staged
        .iter()
        .filter(|f| re.is_match(f))
        .map(|f| (*f).to_owned())
        .collect()
}

/// Runs a hook's entry with `args` and `files`, from the repository root.
fn run(h: &serde_json::Value, args: &[&str], files: &[String]) -> Out {
    let entry: Vec<&str> = h["entry"].as_str().expect("entry").split(' ').collect();
    assert_eq!(entry[0], "govgate", "{h}");
    let out = Command::new(env!("CARGO_BIN_EXE_govgate"))
        .args(&entry[1..])
        .args(args)
        .args(files)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("GOVGATE_LOG")
        .output()
        .expect("run the hook");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn every_hook_has_its_pair_for_an_installed_govgate() {
    let ids: Vec<String> = hooks()
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(
        ids,
        vec![
            "govgate-rubric-validate",
            "govgate-check",
            "govgate-rubric-validate-system",
            "govgate-check-system"
        ]
    );
    for h in hooks() {
        let id = h["id"].as_str().expect("id");
        let lang = if id.ends_with("-system") {
            "system"
        } else {
            "python"
        };
        assert_eq!(h["language"], lang, "{id}");
        assert!(
            h["name"].is_string() && h["description"].is_string(),
            "{id}"
        );
    }
}

#[test]
fn the_rubric_hook_validates_the_rubrics_a_commit_touches() {
    for id in ["govgate-rubric-validate", "govgate-rubric-validate-system"] {
        let h = hook(id);
        let staged = [
            "rubrics/default.yaml",
            "rubrics/eu-ai-act.yaml",
            "ci/gate.yaml",
            "src/main.rs",
            "fixtures/demo/acme-7b-v2/results_2026-03-02T14-05-33.518112.json",
            ".github/workflows/ci.yml",
            "gate.yml.bak",
        ];
        let files = selected(&h, &staged);
        assert_eq!(
            files,
            vec![
                "rubrics/default.yaml",
                "rubrics/eu-ai-act.yaml",
                "ci/gate.yaml"
            ],
            "{id}"
        );
        // ci/gate.yaml does not exist here: the valid two pass, alone
        let out = run(&h, &[], &files[..2]);
        assert_eq!(out.code, 0, "{id}: {out:?}");
        assert_eq!(out.stdout.lines().count(), 2, "{id}: {}", out.stdout);
        assert!(
            out.stdout
                .starts_with("rubrics/default.yaml: valid rubric \"default\""),
            "{id}: {}",
            out.stdout
        );
        // an invalid rubric fails the hook, with each problem located
        let out = run(
            &h,
            &[],
            &[
                "rubrics/default.yaml".to_owned(),
                "fixtures/rubrics/invalid.yaml".to_owned(),
            ],
        );
        assert_eq!(out.code, 2, "{id}: {out:?}");
        assert!(out.stdout.is_empty(), "{id}: {}", out.stdout);
        assert!(
            out.stderr.starts_with(
                "error: fixtures/rubrics/invalid.yaml: invalid rubric, 8 problems:\n\
                 fixtures/rubrics/invalid.yaml:3:21: unknown process `S7P8`"
            ),
            "{id}: {}",
            out.stderr
        );
    }
}

#[test]
fn the_gate_hook_runs_the_gate_on_its_args() {
    for id in ["govgate-check", "govgate-check-system"] {
        let h = hook(id);
        assert_eq!(h["pass_filenames"], false, "{id}");
        assert_eq!(h["always_run"], true, "{id}");
        let out = run(&h, &["fixtures/demo"], &[]);
        assert_eq!(out.code, 0, "{id}: {out:?}");
        assert_eq!(
            out.stdout.lines().last(),
            Some("PASS: every required level is met"),
            "{id}"
        );
        let out = run(&h, &["fixtures/demo", "--require", "S7P5=1", "-q"], &[]);
        assert_eq!(out.code, 1, "{id}: {out:?}");
        assert_eq!(out.stdout, "FAIL: S7P5 at level 0, required 1\n", "{id}");
    }
}

#[test]
fn several_rubrics_at_once_report_every_problem_of_each() {
    let out = govgate(&[
        "rubric",
        "validate",
        "fixtures/rubrics/invalid.yaml",
        "fixtures/rubrics/nope.yaml",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty());
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors,
        vec![
            "error: fixtures/rubrics/invalid.yaml: invalid rubric, 8 problems:",
            "error: fixtures/rubrics/nope.yaml: No such file or directory (os error 2)"
        ]
    );
}

//! Terminal manners: `-q`, `-v`/`-vv`, `--color` and `NO_COLOR`, completions, the man page,
//! `--help` examples.

mod common;

use std::process::Command;

use common::{govgate, root, scratch};

/// Runs govgate with a chosen environment for NO_COLOR (common::govgate always sets it).
fn run_env(args: &[&str], no_color: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_govgate"));
    cmd.args(args).current_dir(root()).env_remove("GOVGATE_LOG");
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    let out = cmd.output().expect("run govgate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn quiet_prints_only_the_verdict_line_and_still_writes_reports() {
    let dir = scratch("quiet");
    let report = dir.join("gate.json");
    let out = govgate(&[
        "check",
        "-q",
        "fixtures/demo",
        "--report",
        &format!("json={}", report.display()),
    ]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "PASS: every required level is met\n", "")
    );
    assert!(report.exists());
    let fail = govgate(&[
        "check",
        "-q",
        "fixtures/demo",
        "--require",
        "S7P1=3",
        "-f",
        "json",
    ]);
    assert_eq!(fail.code, 1);
    assert_eq!(fail.stdout, "FAIL: S7P1 at level 2, required 3\n");
    // errors still reach stderr
    let bad = govgate(&["-q", "check", "fixtures/nothing-here"]);
    assert_eq!(bad.code, 2);
    assert_eq!(bad.stdout, "");
    assert!(bad.stderr.starts_with("error: "), "{}", bad.stderr);
    // -q and -v contradict each other
    assert_eq!(govgate(&["-q", "-v", "check", "fixtures/demo"]).code, 2);
}

#[test]
fn quiet_verify_prints_its_verdict() {
    let dir = scratch("quiet-verify");
    let m = dir.join("m.json");
    let made = govgate(&["manifest", "fixtures/demo", "-o", m.to_str().unwrap()]);
    assert_eq!(made.code, 0, "{made:?}");
    let out = govgate(&["verify", "-q", m.to_str().unwrap()]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "OK: all 1 subjects match\n")
    );
}

#[test]
fn verbose_logs_to_stderr_and_more_with_vv() {
    let quiet = govgate(&["check", "fixtures/demo"]);
    assert_eq!(quiet.stderr, "");
    let v = govgate(&["-v", "check", "fixtures/demo"]);
    let vv = govgate(&["-vv", "check", "fixtures/demo"]);
    assert_eq!((v.code, vv.code), (0, 0));
    assert_eq!(v.stdout, quiet.stdout, "logs never reach stdout");
    assert!(
        v.stderr.contains("DEBUG rubric read rubric=default"),
        "{}",
        v.stderr
    );
    assert!(
        v.stderr
            .contains("DEBUG checked check=results-present process=S7P1 level=1 status=Pass")
    );
    assert!(!v.stderr.contains("TRACE"));
    assert!(vv.stderr.contains("TRACE classified"), "{}", vv.stderr);
    assert!(vv.stderr.lines().count() > v.stderr.lines().count());
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let esc = |s: &str| s.contains('\u{1b}');
    // stdout is a pipe here: `auto` means no colour
    let (_, auto, _) = run_env(&["check", "fixtures/demo"], None);
    assert!(!esc(&auto));
    let (_, always, _) = run_env(&["check", "--color", "always", "fixtures/demo"], None);
    assert!(esc(&always), "--color always colours a pipe");
    // an explicit flag wins over NO_COLOR (no-color.org); `auto` honours it
    let (_, forced, _) = run_env(&["check", "--color", "always", "fixtures/demo"], Some("1"));
    assert!(esc(&forced));
    let (_, never, _) = run_env(&["check", "--color", "never", "fixtures/demo"], None);
    assert!(!esc(&never));
    // colour changes nothing but the escapes
    let strip = |s: &str| {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    assert_eq!(strip(&always), never);
}

#[test]
fn completions_for_each_shell() {
    for (shell, needle) in [
        ("bash", "complete -F _govgate"),
        ("zsh", "#compdef govgate"),
        ("fish", "complete -c govgate"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[govgate]"),
    ] {
        let out = govgate(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains(needle), "{shell}");
        for sub in [
            "check", "inspect", "manifest", "verify", "rubric", "explain", "init",
        ] {
            assert!(out.stdout.contains(sub), "{shell} completes no `{sub}`");
        }
    }
    // the bash script parses
    let dir = scratch("completions");
    let file = dir.join("govgate.bash");
    std::fs::write(&file, govgate(&["completions", "bash"]).stdout).unwrap();
    let status = Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .expect("bash");
    assert!(status.success());
    assert_eq!(govgate(&["completions", "tcsh"]).code, 2);
}

#[test]
fn man_page_is_roff_naming_every_command() {
    let out = govgate(&["man"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(".TH govgate 1"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(out.stdout.contains(section), "no {section}");
    }
    for sub in [
        "check",
        "inspect",
        "manifest",
        "verify",
        "rubric",
        "completions",
        "man",
    ] {
        assert!(out.stdout.contains(&format!("govgate\\-{sub}")), "no {sub}");
    }
}

#[test]
fn help_has_examples() {
    let top = govgate(&["--help"]);
    assert_eq!(top.code, 0);
    assert!(
        top.stdout.contains("Examples:\n  govgate check results/"),
        "{}",
        top.stdout
    );
    assert!(
        top.stdout
            .contains("Exit codes: 0 every required level met")
    );
    let check = govgate(&["check", "--help"]);
    assert!(
        check.stdout.contains("govgate check -r gate.yaml -q"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("--quiet"));
    let init = govgate(&["rubric", "init", "--help"]);
    assert!(
        init.stdout
            .contains("today's results become tomorrow's floor"),
        "{}",
        init.stdout
    );
}

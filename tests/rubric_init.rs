//! `govgate rubric init`: a starter rubric that today's evidence passes and a worse run
//! fails, with floors computed here from the results files themselves.

mod common;

use common::{govgate, govgate_in, root, scratch};
use serde_json::Value;

/// `value − 2·stderr` rounded down to 4 decimals, or `+` and up for lower-is-better:
/// computed from the file's numbers, not by govgate.
fn expected_bound(value: f64, stderr: f64, higher_is_better: bool) -> String {
    let b = if higher_is_better {
        ((value - 2.0 * stderr) * 1e4).floor() / 1e4
    } else {
        ((value + 2.0 * stderr) * 1e4).ceil() / 1e4
    };
    format!("{b}")
}

#[test]
fn floors_are_todays_values_less_two_standard_errors() {
    let file = root().join("fixtures/lmeval/v03/tiny-560m_zero-shot.json");
    let results: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let out = govgate(&[
        "rubric",
        "init",
        "fixtures/lmeval/v03/tiny-560m_zero-shot.json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    let r = &results["results"];
    for (task, metric, hib, key) in [
        ("lambada_openai", "acc", true, "min"),
        ("lambada_openai", "ppl", false, "max"),
        ("piqa", "acc", true, "min"),
        ("piqa", "acc_norm", true, "min"),
    ] {
        let v = r[task][metric].as_f64().unwrap();
        let se = r[task][format!("{metric}_stderr")].as_f64().unwrap();
        let line = format!(
            "threshold: {{ metric: \"{task}/{metric}\", {key}: {} }}",
            expected_bound(v, se, hib)
        );
        assert!(out.stdout.contains(&line), "no `{line}` in\n{}", out.stdout);
    }
    // wikitext's perplexities carry no stderr: no floor, and a comment saying why
    assert!(out.stdout.contains(
        "# no floor for wikitext/word_perplexity: it has no standard error to set a tolerance from"
    ));
    assert!(!out.stdout.contains("metric: \"wikitext/"));
}

#[test]
fn todays_evidence_passes_and_a_worse_run_fails() {
    let dir = scratch("init-ratchet");
    let gate = dir.join("gate.yaml");
    let gate_s = gate.to_str().unwrap();
    let out = govgate(&[
        "rubric",
        "init",
        "fixtures/demo",
        "--baseline",
        "fixtures/demo-baseline",
        "-o",
        gate_s,
    ]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
    let text = std::fs::read_to_string(&gate).unwrap();
    // input paths are relative to the rubric, so it runs from anywhere
    assert!(
        text.contains("  current: [\"../../../fixtures/demo\"]"),
        "{text}"
    );
    assert!(text.contains("require: { S7P1: 3, S7P4: 2 }"), "{text}");
    // those paths climb out of the rubric's directory: the rubric says how to check it
    assert!(
        text.contains(
            "# Its inputs lie outside its directory: name them on the command line (they replace\n"
        ),
        "{text}"
    );
    // valid, with a note: its inputs are read only with the flag, or replaced
    let noted = govgate(&["rubric", "validate", gate_s]);
    assert_eq!(noted.code, 0, "{noted:?}");
    assert!(
        noted
            .stdout
            .contains(":16:13: `inputs.current` leaves the rubric's directory"),
        "{}",
        noted.stdout
    );
    // read from the rubric, they are refused without the flag
    let refused = govgate(&["check", "--rubric", gate_s]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("`../../../fixtures/demo` climbs out of the rubric's directory with `..`"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        govgate(&["rubric", "validate", "--allow-outside-root", gate_s]).code,
        0
    );

    let today = govgate_in(
        &dir,
        &["check", "--allow-outside-root", "--rubric", "gate.yaml"],
    );
    assert_eq!(today.code, 0, "{}", today.stdout);
    assert!(today.stdout.contains("PASS: every required level is met"));

    // the baseline model scored lower on gsm8k strict-match: under today's floor
    // (both roles named on the command line: the rubric's inputs are not read, no flag needed)
    let worse = govgate(&[
        "check",
        "--rubric",
        gate_s,
        "fixtures/demo-baseline",
        "--baseline",
        "fixtures/demo",
    ]);
    assert_eq!(worse.code, 1, "{}", worse.stdout);
    assert!(
        worse
            .stdout
            .contains("floor:gsm8k/exact_match:strict-match [fail]"),
        "{}",
        worse.stdout
    );

    // an existing file is kept unless --force
    let again = govgate(&["rubric", "init", "fixtures/demo", "-o", gate_s]);
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .contains("exists; pass --force to overwrite it"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&gate).unwrap(), text);
    let forced = govgate(&["rubric", "init", "fixtures/demo", "-o", gate_s, "--force"]);
    assert_eq!(forced.code, 0, "{forced:?}");
    assert!(
        !std::fs::read_to_string(&gate)
            .unwrap()
            .contains("no-regression")
    );
}

#[test]
fn records_and_history_add_drift_and_trend_checks() {
    // a stable window: the drift checks are kept, and the rubric passes its own evidence
    let out = govgate(&[
        "rubric",
        "init",
        "fixtures/history/steady",
        "--reference",
        "fixtures/s7p3/reference",
        "--production",
        "fixtures/s7p3/stable",
        "--history",
        "fixtures/history/runs",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    for needle in [
        "require: { S7P1: 2, S7P3: 2, S7P4: 2 }",
        "drift: { fields: [\"*\"], drift_share: 0.5 }",
        "drift: { fields: [\"*\"] }",
        "trend: { metric: \"*/*\", band: { reference_runs: 3, sigmas: 3 } }",
    ] {
        assert!(
            out.stdout.contains(needle),
            "no `{needle}` in\n{}",
            out.stdout
        );
    }
    assert!(
        !out.stdout.contains("# left out, not met"),
        "{}",
        out.stdout
    );

    // a drifted window: today's evidence fails dataset and field drift, so those checks are
    // left out as comments saying why, and S7P3 is required only at the level it reaches
    let dir = scratch("init-drift");
    let gate = dir.join("gate.yaml");
    let written = govgate(&[
        "rubric",
        "init",
        "fixtures/demo",
        "--reference",
        "fixtures/s7p3/reference",
        "--production",
        "fixtures/s7p3/drifted",
        "-o",
        gate.to_str().unwrap(),
    ]);
    assert_eq!(written.code, 0, "{written:?}");
    let text = std::fs::read_to_string(&gate).unwrap();
    assert!(
        text.contains("require: { S7P1: 2, S7P3: 1, S7P4: 2 }"),
        "{text}"
    );
    assert!(
        text.contains("drift: { fields: [\"*\"], drift_share: 1.0 }"),
        "{text}"
    );
    assert!(
        text.contains("    # left out, not met by today's evidence: dataset-drift: fail: "),
        "{text}"
    );
    assert!(text.contains("    # left out, not met by today's evidence: field-drift: fail: "));
    let check = govgate_in(
        &dir,
        &["check", "--allow-outside-root", "--rubric", "gate.yaml"],
    );
    assert_eq!(check.code, 0, "{}", check.stdout);
}

/// The property `rubric init` promises, on real outputs: the rubric it writes from a
/// directory of runs validates and passes those runs.
#[test]
fn corpus_runs_pass_the_rubric_written_from_them() {
    let Some(corpus) = std::env::var_os("GOVGATE_CORPUS").map(std::path::PathBuf::from) else {
        eprintln!("GOVGATE_CORPUS is not set: the corpus is absent, nothing checked");
        return;
    };
    let dir = scratch("init-corpus");
    let mut n = 0;
    for sub in [
        "lmeval",
        "helm",
        "lmeval-generated",
        "helm-generated",
        "lmms-generated",
    ] {
        let src = corpus.join(sub);
        if !src.exists() {
            continue;
        }
        let gate = dir.join(format!("{sub}.yaml"));
        let out = govgate(&[
            "rubric",
            "init",
            src.to_str().unwrap(),
            "-o",
            gate.to_str().unwrap(),
            "--force",
        ]);
        assert_eq!(out.code, 0, "{sub}: {}", out.stderr);
        let check = govgate(&[
            "check",
            "-q",
            "--allow-outside-root",
            "--rubric",
            gate.to_str().unwrap(),
        ]);
        assert_eq!(
            (check.code, check.stdout.as_str()),
            (0, "PASS: every required level is met\n"),
            "{sub}: {}",
            check.stderr
        );
        n += 1;
    }
    assert!(
        n >= 3,
        "only {n} corpus folders found under {}",
        corpus.display()
    );
}

#[test]
fn bad_inputs_exit_2() {
    let out = govgate(&["rubric", "init", "fixtures/nothing-here"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("fixtures/nothing-here"),
        "{}",
        out.stderr
    );
    let out = govgate(&["rubric", "init"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("required"), "{}", out.stderr);
}

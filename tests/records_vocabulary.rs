//! One vocabulary for records (issue 18 §3): every kind's `records:` takes the same six role
//! names or a path; a rubric whose checks name all their evidence runs alone; the JSON
//! report lists every file the verdict read with its SHA-256 (computed here with sha2);
//! records given where evaluation outputs go are refused with the flag that takes them;
//! `rubric init` into another directory followed by `check` with the inputs named works.

mod common;

use std::path::Path;

use common::{check, govgate, govgate_in, json, scratch, write};

const DECISIONS: &str = "fixtures/s7p2/records/loan_decisions_biased.jsonl";

fn fairness_rubric(dir: &Path, records: &str) -> std::path::PathBuf {
    write(
        &dir.join("gate.yaml"),
        &format!(
            "version: 1\nname: decisions\nrequire: {{ S7P2: 2 }}\nprocesses:\n  S7P2:\n    - {{ id: parity, level: 2, fairness: {{ records: {records}, group: applicant.age_band, prediction: approved, label: repaid, positive: 1, max_difference: 0.1 }} }}\n"
        ),
    )
}

fn detail_of(rep: &serde_json::Value) -> serde_json::Value {
    check(rep, "parity")["findings"][0]["detail"].clone()
}

#[test]
fn fairness_reads_a_records_window_by_its_role() {
    let dir = scratch("vocab-fairness-roles");
    std::fs::copy(common::root().join(DECISIONS), dir.join("decisions.jsonl")).expect("copy");
    // the path form: the reference numbers
    let by_path = fairness_rubric(&dir, "decisions.jsonl");
    let out = govgate(&[
        "check",
        "-r",
        by_path.to_str().expect("utf-8"),
        "-f",
        "json",
    ]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let want = detail_of(&json(&out.stdout));
    assert!(
        want["groups"].as_array().is_some_and(|g| g.len() >= 2),
        "{want}"
    );

    // each window role reads the records given for it — not a file named after the role
    let sub = scratch("vocab-fairness-roles-sub");
    for (role, flag) in [
        ("production", "--production"),
        ("reference", "--reference"),
        ("requests", "--requests"),
    ] {
        let r = fairness_rubric(&sub, role);
        let out = govgate(&[
            "check",
            "-r",
            r.to_str().expect("utf-8"),
            flag,
            DECISIONS,
            "-f",
            "json",
        ]);
        assert!(out.code == 0 || out.code == 1, "{role}: {}", out.stderr);
        let rep = json(&out.stdout);
        assert_eq!(detail_of(&rep)["groups"], want["groups"], "{role}");
        assert_eq!(detail_of(&rep)["difference"], want["difference"], "{role}");
        assert_eq!(
            check(&rep, "parity")["status"],
            check(
                &json(
                    &govgate(&[
                        "check",
                        "-r",
                        by_path.to_str().expect("utf-8"),
                        "-f",
                        "json"
                    ])
                    .stdout
                ),
                "parity"
            )["status"]
        );
        // and without them: missing, saying which flag gives them
        let none = govgate(&[
            "check",
            "-r",
            r.to_str().expect("utf-8"),
            "fixtures/demo",
            "-f",
            "json",
        ]);
        assert_eq!(none.code, 1, "{role}: {}", none.stderr);
        let none_rep = json(&none.stdout);
        let f = &check(&none_rep, "parity")["findings"][0];
        assert_eq!(f["status"], "missing", "{role}");
        let msg = f["message"].as_str().expect("message");
        assert!(
            msg.contains(&format!("no {role} records given (`--{role}`")),
            "{msg}"
        );
    }
}

#[test]
fn every_kind_takes_the_same_six_names_and_says_them() {
    let dir = scratch("vocab-names");
    for kind in [
        "fairness: { records: '', group: g, score: s, max_difference: 0.1 }",
        "ab_test: { records: '', variant: arm, control: A, treatment: B, outcome: o }",
        "feedback: { records: '', timestamp: ts, max_age: 7d }",
    ] {
        let r = write(
            &dir.join("gate.yaml"),
            &format!(
                "version: 1\nname: n\nprocesses:\n  S7P2:\n    - {{ id: c, level: 1, {kind} }}\n"
            ),
        );
        let out = govgate(&["rubric", "validate", r.to_str().expect("utf-8")]);
        assert_eq!(out.code, 2, "{kind}");
        assert!(
            out.stderr.contains("`current`, `baseline`, `history` (the runs' per-sample records), `reference`, `production`, `requests` (the records windows)"),
            "{kind}: {}",
            out.stderr
        );
    }
}

#[test]
fn an_s7p6_check_reads_the_per_sample_records_of_runs_by_role() {
    // a run whose samples carry a passage id: an A/B comparison of two passages' accuracy,
    // once through `records: current`, once through the samples log named as a path
    let dir = scratch("vocab-runs");
    let mut task = common::lmeval::Task::new(
        "quiz",
        &[1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
    );
    task.passages = Some(vec![0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    common::lmeval::write(
        &dir.join("run"),
        "2026-12-01T00-00-00.000000",
        &common::lmeval::Run {
            model: "m".into(),
            samples: true,
            ..Default::default()
        },
        &[task],
    );
    let samples = std::fs::read_dir(dir.join("run"))
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("samples_"))
        })
        .expect("a samples log");
    std::fs::copy(&samples, dir.join("rows.jsonl")).expect("copy");
    let ab = |records: &str| {
        let r = write(
            &dir.join(format!("gate-{}.yaml", records.replace('.', "-"))),
            &format!(
                "version: 1\nname: ab\nprocesses:\n  S7P6:\n    - {{ id: ab, level: 1, ab_test: {{ records: {records}, variant: doc.passage_id, control: '0', treatment: '1', outcome: acc, min_samples: 2 }} }}\n"
            ),
        );
        let out = govgate(&[
            "check",
            "-r",
            r.to_str().expect("utf-8"),
            dir.join("run").to_str().expect("utf-8"),
            "-f",
            "json",
        ]);
        assert!(out.code == 0 || out.code == 1, "{records}: {}", out.stderr);
        let rep = json(&out.stdout);
        check(&rep, "ab")["findings"][0].clone()
    };
    let by_role = ab("current");
    let by_path = ab("rows.jsonl");
    assert_eq!(by_role["detail"]["kind"], "ab_outcome", "{by_role}");
    assert_eq!(by_role["detail"]["control"], by_path["detail"]["control"]);
    assert_eq!(
        by_role["detail"]["treatment"],
        by_path["detail"]["treatment"]
    );
    assert_eq!(by_role["detail"]["lift"], by_path["detail"]["lift"]);
    assert_eq!(by_role["detail"]["control"]["n"], 6);

    // HELM runs have no per-sample rows with fields: missing, saying so
    let r = write(
        &dir.join("gate-helm.yaml"),
        "version: 1\nname: ab\nprocesses:\n  S7P6:\n    - { id: ab, level: 1, ab_test: { records: current, variant: v, control: a, treatment: b, outcome: o } }\n",
    );
    let out = govgate(&[
        "check",
        "-r",
        r.to_str().expect("utf-8"),
        "fixtures/helm/benchmark_output/runs/v1",
        "-f",
        "json",
    ]);
    let rep = json(&out.stdout);
    let f = &check(&rep, "ab")["findings"][0];
    assert_eq!(f["status"], "missing");
    assert!(
        f["message"]
            .as_str()
            .expect("m")
            .contains("HELM or promptfoo runs"),
        "{f}"
    );
}

#[test]
fn a_rubric_naming_all_its_evidence_runs_alone_and_lists_what_it_read() {
    let dir = scratch("vocab-self-contained");
    std::fs::copy(common::root().join(DECISIONS), dir.join("decisions.jsonl")).expect("copy");
    std::fs::copy(
        common::root().join("fixtures/s7p2/cards/good.md"),
        dir.join("MODEL_CARD.md"),
    )
    .expect("card");
    write(
        &dir.join("gate.yaml"),
        "version: 1\nname: alone\nrequire: { S7P2: 1 }\nprocesses:\n  S7P2:\n    - { id: card, level: 1, documentation: { file: MODEL_CARD.md, sections: [Model Details] } }\n    - { id: parity, level: 2, fairness: { records: decisions.jsonl, group: applicant.age_band, prediction: approved, positive: 1, max_difference: 0.5 } }\n",
    );
    let out = govgate_in(&dir, &["check", "-r", "gate.yaml", "-f", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rep = json(&out.stdout);
    assert_eq!(check(&rep, "card")["status"], "pass");
    let inputs = rep["inputs"].as_array().expect("inputs");
    for (role, file) in [
        ("model_card", "MODEL_CARD.md"),
        ("records", "decisions.jsonl"),
    ] {
        let entry = inputs
            .iter()
            .find(|i| i["role"] == role)
            .unwrap_or_else(|| panic!("no {role} in {inputs:?}"));
        assert_eq!(entry["path"], file);
        assert_eq!(entry["sha256"], common::sha256_file(&dir.join(file)));
        assert_eq!(
            entry["bytes"],
            std::fs::metadata(dir.join(file)).expect("meta").len()
        );
    }

    // one check that reads the runs: nothing named is still a mistake, naming that check
    write(
        &dir.join("mixed.yaml"),
        "version: 1\nname: mixed\nprocesses:\n  S7P2:\n    - { id: parity, level: 1, fairness: { records: decisions.jsonl, group: applicant.age_band, prediction: approved, positive: 1, max_difference: 0.5 } }\n  S7P1:\n    - { id: floor, level: 1, threshold: { metric: a/acc, min: 0.5 } }\n",
    );
    let out = govgate_in(&dir, &["check", "-r", "mixed.yaml"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with("error: no inputs:")
            && out.stderr.contains("(checks that read them: floor)"),
        "{}",
        out.stderr
    );
    // and the default rubric with nothing named is refused as before
    let out = govgate_in(&dir, &["check"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: no inputs:"),
        "{}",
        out.stderr
    );
}

#[test]
fn records_named_as_evaluation_outputs_say_where_records_go() {
    let dir = scratch("vocab-positional");
    let lines = write(
        &dir.join("decisions.txt"),
        "{\"group\": \"a\", \"score\": 1}\n{\"group\": \"b\", \"score\": 0}\n",
    );
    let array = write(
        &dir.join("rows.json"),
        "[{\"group\": \"a\"}, {\"group\": \"b\"}]",
    );
    for (file, what) in [
        (common::root().join(DECISIONS), "JSON Lines records"),
        (lines, "JSON Lines records"),
        (array, "a JSON array of records"),
        (
            common::root().join("fixtures/s7p3/csv/drifted.csv"),
            "CSV records",
        ),
        (
            common::root().join("fixtures/parquet/parquet/production.parquet"),
            "Parquet records",
        ),
    ] {
        if !file.exists() {
            panic!("fixture {} is missing", file.display());
        }
        let out = govgate(&["check", file.to_str().expect("utf-8")]);
        assert_eq!(out.code, 2, "{}", file.display());
        assert!(out.stdout.is_empty());
        assert_eq!(
            out.stderr
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count(),
            1
        );
        assert!(
            out.stderr.contains(&format!("{what}, not an evaluation output: records are given with `--reference`, `--production` or `--requests`")),
            "{}: {}",
            file.display(),
            out.stderr
        );
        assert!(
            out.stderr.contains("a check's `records:`"),
            "{}",
            out.stderr
        );
    }
    // a JSON object alone on one line is not taken for records
    let single = write(&dir.join("one.json"), "{\"notes\": \"x\"}\n");
    let out = govgate(&["check", single.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not a recognized evaluation output"),
        "{}",
        out.stderr
    );
}

#[test]
fn rubric_init_into_another_directory_then_check_with_the_inputs_named() {
    let dir = scratch("vocab-init");
    let gate = dir.join("gates/gate.yaml");
    let gate_s = gate.to_str().expect("utf-8");
    let demo = common::root().join("fixtures/demo");
    let demo_s = demo.to_str().expect("utf-8");
    let out = govgate(&["rubric", "init", demo_s, "-o", gate_s]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // the command line names the inputs: the rubric's `inputs` are replaced, never read
    let out = govgate(&["check", demo_s, "--rubric", gate_s, "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "PASS: every required level is met\n");
    // without them the rubric's own inputs would be read: still confined, and said how to go on
    let out = govgate(&["check", "--rubric", gate_s]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("climbs out of the rubric's directory")
            && out
                .stderr
                .contains("or name the current inputs on the command line"),
        "{}",
        out.stderr
    );
    // `rubric validate` accepts the file and notes the inputs it would not read alone
    let out = govgate(&["rubric", "validate", gate_s]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("note: ")
            && out
                .stdout
                .contains("`inputs.current` leaves the rubric's directory"),
        "{}",
        out.stdout
    );
    // paths a check itself reads stay confined whatever the command line names
    write(
        &dir.join("gates/outside.yaml"),
        "version: 1\nname: o\nprocesses:\n  S7P2:\n    - { id: p, level: 1, fairness: { records: ../../x.jsonl, group: g, score: s, max_difference: 0.1 } }\n",
    );
    let out = govgate(&[
        "check",
        demo_s,
        "--rubric",
        dir.join("gates/outside.yaml").to_str().expect("utf-8"),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("climbs out of the rubric's directory"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("or name the"), "{}", out.stderr);
}

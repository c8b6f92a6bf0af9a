//! The `calibration` check and its statistic against HELM's own: `ece_10_bin` as the
//! `uncertainty-calibration` package computes it for HELM (`calibration.get_ece_em`) and its
//! equal-width `get_ece`, with each bin from the package's binning
//! (`scripts/reference/calibration_reference.py`, output committed beside it).

mod common;

use common::{check, govgate_in, json, root, scratch, write};
use govgate::stats::calibration::{Binning, ece};
use serde_json::Value;

fn reference() -> Value {
    common::reference_json("calibration_reference.json")
}

fn f(v: &Value) -> f64 {
    common::num(v)
}

fn close(got: f64, want: f64, what: &str) {
    // (exact zeros of the edge cases compare equal)
    common::close_rel(got, want, 1e-9, what);
}

/// govgate's bins against the package's, bin by bin.
fn same_bins(got: &Value, want: &Value, what: &str) {
    let (g, w) = (
        got.as_array().expect("bins"),
        want.as_array().expect("bins"),
    );
    assert_eq!(g.len(), w.len(), "{what}: {got} against {want}");
    for (a, b) in g.iter().zip(w) {
        assert_eq!(a["n"], b["n"], "{what}");
        for k in ["upper", "confidence", "accuracy"] {
            close(f(&a[k]), f(&b[k]), &format!("{what} {k}"));
        }
    }
}

#[test]
fn the_ece_and_its_bins_match_helm_s_calibration_package() {
    let r = reference();
    for c in r["cases"].as_array().expect("cases") {
        let pairs: Vec<(f64, f64)> = c["probs"]
            .as_array()
            .expect("probs")
            .iter()
            .zip(c["correct"].as_array().expect("correct"))
            .map(|(p, y)| (f(p), f(y)))
            .collect();
        let bins = c["bins"].as_u64().expect("bins") as usize;
        for (binning, key) in [
            (Binning::EqualMass, "equal_mass"),
            (Binning::EqualWidth, "equal_width"),
        ] {
            let (e, b) = ece(&pairs, bins, binning).expect("ece");
            let what = format!("{} {key}", c["name"]);
            close(e, f(&c[format!("ece_{key}")]), &what);
            same_bins(
                &serde_json::to_value(&b).expect("json"),
                &c[format!("bins_{key}")],
                &what,
            );
        }
    }
}

fn rubric(dir: &std::path::Path, body: &str) -> String {
    write(
        &dir.join("gate.yaml"),
        &format!("version: 1\nname: cal\nprocesses:\n  S7P1:\n    - {{ id: cal, level: 2, calibration: {{ {body} }} }}\n"),
    )
    .to_str()
    .expect("utf-8")
    .to_owned()
}

fn finding(dir: &std::path::Path, body: &str, extra: &[&str]) -> Value {
    let r = rubric(dir, body);
    let mut args = vec!["check", "-r", &r, "-f", "json", "--allow-outside-root"];
    args.extend_from_slice(extra);
    let out = govgate_in(dir, &args);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    check(&json(&out.stdout), "cal")["findings"][0].clone()
}

#[test]
fn the_check_reports_helm_s_ece_and_fails_an_overconfident_model() {
    let dir = scratch("calibration-fixtures");
    let r = reference();
    for (name, status) in [
        ("calibrated", "pass"),
        ("overconfident", "fail"),
        ("small", "fail"),
    ] {
        let path = root().join(format!("fixtures/calibration/{name}.jsonl"));
        let want = &r["fixtures"][name];
        for (binning, key) in [("equal_mass", "equal_mass"), ("equal_width", "equal_width")] {
            let fd = finding(
                &dir,
                &format!(
                    "records: {}, confidence: confidence, correct: correct, max_ece: 0.1, binning: {binning}",
                    path.display()
                ),
                &[],
            );
            let d = &fd["detail"];
            close(f(&d["ece"]), f(&want[format!("ece_{key}")]), name);
            same_bins(&d["reliability"], &want[format!("bins_{key}")], name);
            assert_eq!(d["n"], want["n"]);
            assert_eq!(fd["status"], status, "{name}: {fd}");
        }
    }
    let over = finding(
        &dir,
        &format!(
            "records: {}, confidence: confidence, correct: correct, max_ece: 0.1",
            root()
                .join("fixtures/calibration/overconfident.jsonl")
                .display()
        ),
        &[],
    );
    let msg = over["message"].as_str().expect("message");
    assert!(msg.contains("the model is overconfident"), "{msg}");
    let small = finding(
        &dir,
        &format!(
            "records: {}, confidence: confidence, correct: correct, max_ece: 0.5",
            root().join("fixtures/calibration/small.jsonl").display()
        ),
        &[],
    );
    let msg = small["message"].as_str().expect("message");
    assert!(msg.contains("120 pairs, fewer than 300"), "{msg}");
    // the same records as the production window, by role
    let by_role = finding(
        &dir,
        "records: production, confidence: confidence, correct: correct, max_ece: 0.1",
        &[
            "--production",
            root()
                .join("fixtures/calibration/calibrated.jsonl")
                .to_str()
                .expect("utf-8"),
        ],
    );
    close(
        f(&by_role["detail"]["ece"]),
        f(&r["fixtures"]["calibrated"]["ece_equal_mass"]),
        "by role",
    );
}

#[test]
fn bad_values_are_an_error_and_no_records_missing() {
    let dir = scratch("calibration-bad");
    let bad = finding(
        &dir,
        &format!(
            "records: {}, confidence: confidence, correct: correct, max_ece: 0.1",
            root().join("fixtures/calibration/bad.jsonl").display()
        ),
        &[],
    );
    assert_eq!(bad["status"], "error", "{bad}");
    let msg = bad["message"].as_str().expect("message");
    assert!(
        msg.contains(
            "1 record(s) hold a `confidence` that is not a number in [0, 1] and 1 a `correct`"
        ),
        "{msg}"
    );
    // a role without records is missing, naming the flag (with no input at all the run is a
    // usage error, as for every check that reads inputs)
    let cal = root().join("fixtures/calibration/calibrated.jsonl");
    let none = finding(
        &dir,
        "records: production, confidence: confidence, correct: correct, max_ece: 0.1",
        &["--reference", cal.to_str().expect("utf-8")],
    );
    assert_eq!(none["status"], "missing", "{none}");
    assert!(
        none["message"]
            .as_str()
            .expect("m")
            .contains("--production"),
        "{none}"
    );
    let nofield = finding(
        &dir,
        &format!(
            "records: {}, confidence: score, correct: correct, max_ece: 0.1",
            root()
                .join("fixtures/calibration/calibrated.jsonl")
                .display()
        ),
        &[],
    );
    assert_eq!(nofield["status"], "missing", "{nofield}");
    assert!(
        nofield["message"]
            .as_str()
            .expect("m")
            .contains("no record holds both `score` and `correct`")
    );
}

#[test]
fn rubric_mistakes_are_refused_with_their_position() {
    let dir = scratch("calibration-rubric");
    for (body, says) in [
        (
            "confidence: c, correct: y, max_ece: 1.5",
            "`max_ece` is a calibration error in [0, 1]",
        ),
        (
            "confidence: c, correct: y, max_ece: 0.1, binning: quantile",
            "`binning` is `equal_mass` or `equal_width`",
        ),
        ("confidence: c, correct: c, max_ece: 0.1", "both `c`"),
        (
            "confidence: c, correct: y, max_ece: 0.1, bins: 0",
            "`bins` must be at least 1",
        ),
        ("confidence: c, max_ece: 0.1", "correct"),
        (
            "confidence: c, correct: y, max_ece: 0.1, bins: 1000000000000",
            "`bins` is at most 1000",
        ),
    ] {
        common::rubric_refused(
            &dir,
            &format!(
                "version: 1\nname: cal\nprocesses:\n  S7P1:\n    - {{ id: cal, level: 2, calibration: {{ {body} }} }}\n"
            ),
            says,
        );
    }
}

#[test]
fn the_html_report_draws_a_reliability_diagram_of_every_bin() {
    let dir = scratch("calibration-html");
    let r = rubric(
        &dir,
        &format!(
            "records: {}, confidence: confidence, correct: correct, max_ece: 0.1",
            root()
                .join("fixtures/calibration/overconfident.jsonl")
                .display()
        ),
    );
    let out = govgate_in(
        &dir,
        &["check", "-r", &r, "-f", "html", "--allow-outside-root"],
    );
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let start = out
        .stdout
        .find("reliability, ECE")
        .expect("a reliability diagram");
    let svg = &out.stdout[out.stdout[..start].rfind("<svg").expect("svg")..];
    let svg = &svg[..svg.find("</svg>").expect("end") + 6];
    roxmltree::Document::parse(svg).expect("well-formed SVG");
    let bins = reference()["fixtures"]["overconfident"]["bins_equal_mass"]
        .as_array()
        .expect("bins")
        .len();
    assert_eq!(svg.matches("<circle").count(), bins, "{svg}");
    assert!(
        svg.contains("stroke-dasharray"),
        "the diagonal of perfect calibration"
    );
}

fn run_findings(dir: &std::path::Path, body: &str, inputs: &[&str]) -> Vec<Value> {
    let r = rubric(dir, body);
    let mut args = vec!["check", "-r", &r, "-f", "json"];
    args.extend_from_slice(inputs);
    let out = govgate_in(&root(), &args);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    check(&json(&out.stdout), "cal")["findings"]
        .as_array()
        .expect("findings")
        .clone()
}

#[test]
fn an_lm_eval_run_s_confidence_is_the_softmax_of_its_choices() {
    let dir = scratch("calibration-lmeval");
    let r = reference();
    let fs = run_findings(
        &dir,
        "confidence: choices, correct: acc, max_ece: 0.1",
        &["fixtures/release/baseline"],
    );
    assert_eq!(fs.len(), 1, "{fs:?}");
    let (d, want) = (&fs[0]["detail"], &r["runs"]["release_baseline"]);
    close(f(&d["ece"]), f(&want["ece_equal_mass"]), "ece");
    close(
        f(&d["mean_confidence"]),
        f(&want["mean_confidence"]),
        "confidence",
    );
    close(f(&d["accuracy"]), f(&want["accuracy"]), "accuracy");
    assert_eq!(d["n"], want["n"]);
    assert_eq!(fs[0]["status"], "pass");
    // a generation task has no choices: missing, saying so
    let generation = run_findings(
        &dir,
        "confidence: choices, correct: exact_match, max_ece: 0.1",
        &["fixtures/release/history/sweep-t0.0"],
    );
    assert_eq!(generation[0]["status"], "missing", "{generation:?}");
    assert!(
        generation[0]["message"]
            .as_str()
            .expect("m")
            .contains("a generation task has no choices")
    );
}

#[test]
fn the_corpus_runs_give_helm_s_own_ece_10_bin() {
    let (Some(lm), Some(helm)) = (
        common::corpus::dir("lmeval-generated/run_f_modelB_tasks_no_group"),
        common::corpus::dir("helm-generated/runs/v1"),
    ) else {
        common::corpus::absent("the_corpus_runs_give_helm_s_own_ece_10_bin");
        return;
    };
    let dir = scratch("calibration-corpus");
    let r = reference();
    let runs = &r["runs"];
    assert!(
        runs.get("corpus_synth_arith_mc").is_some(),
        "regenerate the reference with GOVGATE_CORPUS set"
    );
    let fs = run_findings(
        &dir,
        "confidence: choices, correct: acc, max_ece: 0.2, min_samples: 100",
        &[lm.to_str().expect("utf-8")],
    );
    // the run's generation task is left out; its multiple-choice task is judged
    assert_eq!(fs.len(), 1, "{fs:?}");
    close(
        f(&fs[0]["detail"]["ece"]),
        f(&runs["corpus_synth_arith_mc"]["ece_equal_mass"]),
        "synth_arith_mc",
    );
    let mut compared = 0;
    for (key, want) in runs.as_object().expect("runs") {
        let Some(name) = key.strip_prefix("helm:") else {
            continue;
        };
        let run = helm.join(name);
        let fs = run_findings(
            &dir,
            "confidence: max_prob, correct: exact_match, max_ece: 0.5, min_samples: 10",
            &[run.to_str().expect("utf-8")],
        );
        match want["helm_ece_10_bin"].as_f64() {
            Some(helm_ece) => {
                let d = &fs[0]["detail"];
                close(f(&d["ece"]), helm_ece, name);
                close(f(&d["ece"]), f(&want["ece_equal_mass"]), name);
                assert_eq!(f(&d["helm_ece_10_bin"]), helm_ece);
                assert_eq!(fs[0]["status"], "pass", "{name}: {fs:?}");
                assert!(
                    fs[0]["message"]
                        .as_str()
                        .expect("m")
                        .contains("equals HELM's ece_10_bin")
                );
                compared += 1;
            }
            // HELM computed no calibration: no log-probabilities, no confidence
            None => {
                assert_eq!(fs[0]["status"], "missing", "{name}: {fs:?}");
                assert!(
                    fs[0]["message"]
                        .as_str()
                        .expect("m")
                        .contains("no ece_10_bin")
                );
            }
        }
    }
    assert_eq!(compared, 5, "HELM runs with ece_10_bin");
}

/// An Inspect AI log whose scorer puts the judge's confidence in the score's metadata:
/// 10 answers at confidence 0.3 of which 3 are right (calibrated) and 10 at 0.9 of which 6
/// are right. By hand, with HELM's equal-mass bins: the 20 sorted confidences split in ten
/// pairs give the edges 0.3, 0.6, 0.9 and 1; the 0.3s fill the first bin and the 0.9s the
/// third, so ECE = ½·|0.3 − 0.3| + ½·|0.9 − 0.6| = 0.15 (mean confidence 0.6, accuracy 0.45).
#[test]
fn an_inspect_scorer_s_confidence_in_its_metadata_is_read() {
    let dir = scratch("calibration-inspect");
    let mut log = common::inspect::Log::quiz();
    log.samples = (0..20)
        .map(|i| {
            let (conf, right) = if i < 10 { (0.3, i < 3) } else { (0.9, i < 16) };
            let mut s = common::inspect::sample(
                &format!("\"q{i}\""),
                if right { "\"C\"" } else { "\"I\"" },
                "g",
            );
            s.score_metadata = Some(format!("{{\"confidence\": {conf}}}"));
            s
        })
        .collect();
    log.reductions = Some(
        log.samples
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    if s.value == "\"C\"" { "1.0" } else { "0.0" }.to_owned(),
                )
            })
            .collect(),
    );
    log.dataset_samples = 20;
    log.results = Some(("0.45".into(), "0.114".into(), 20));
    let json_log = write(&dir.join("logs/judge.json"), &log.json());
    let eval_log = dir.join("eval/judge.eval");
    std::fs::create_dir_all(eval_log.parent().expect("dir")).expect("mkdir");
    std::fs::write(
        &eval_log,
        common::inspect::zip(&log.members(), common::inspect::Method::Zstd),
    )
    .expect("write");
    for path in [&json_log, &eval_log] {
        let fs = run_findings(
            &dir,
            "confidence: score_metadata.match.confidence, correct: score, max_ece: 0.1, min_samples: 20",
            &[path.to_str().expect("utf-8")],
        );
        assert_eq!(fs.len(), 1, "{fs:?}");
        let d = &fs[0]["detail"];
        assert!((f(&d["ece"]) - 0.15).abs() < 1e-12, "{path:?}: {d}");
        assert!((f(&d["mean_confidence"]) - 0.6).abs() < 1e-12);
        assert!((f(&d["accuracy"]) - 0.45).abs() < 1e-12);
        assert_eq!(d["n"], 20);
        assert_eq!(fs[0]["status"], "fail", "ECE 0.15 > 0.1");
        assert!(
            fs[0]["message"]
                .as_str()
                .expect("m")
                .contains("overconfident")
        );
    }
}

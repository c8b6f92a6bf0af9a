//! Every Eval Ever (schema 0.3.x) records end to end, against independent reads
//! (`scripts/reference/eee_reference.py` → `eee_reference.json`: Python's json, hashlib and
//! statsmodels over the same files): the hand-written fixtures
//! (`scripts/fixtures/generate_eee.py`) and, when `GOVGATE_CORPUS` is set, the records EEE's
//! converters wrote in `tools-2026/eee` (and its 0.2.x legacy records, refused).

mod common;

use common::{check, govgate, json, num, rubric, scratch};
use serde_json::Value;

fn reference() -> Value {
    let text = std::fs::read_to_string(common::root().join("scripts/reference/eee_reference.json"))
        .expect("reference JSON (run scripts/reference/eee_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn conforms(run: &Value, want: &Value, what: &str) {
    assert_eq!(run["format"]["tool"], "eee", "{what}");
    assert_eq!(run["format"]["version"], want["schema_version"], "{what}");
    assert_eq!(run["model"]["name"], want["model"], "{what}");
    let metrics = run["metrics"].as_array().expect("metrics");
    let results = want["results"].as_array().expect("results");
    assert_eq!(metrics.len(), results.len(), "{what}");
    for w in results {
        let got = metrics
            .iter()
            .find(|m| {
                m["task"] == w["task"] && m["metric"] == w["metric"] && m["variant"] == w["variant"]
            })
            .unwrap_or_else(|| panic!("{what}: no {w}"));
        // the same decimal text read on both sides: bit-equal
        assert_eq!(num(&got["value"]), num(&w["value"]), "{what} {w}");
        assert_eq!(got["stderr"], w["stderr"], "{what} {w}");
        assert_eq!(got["n"], w["n"], "{what} {w}");
        assert_eq!(got["higher_is_better"], w["higher_is_better"], "{what} {w}");
        let selector = got["selector"].as_str().expect("selector");
        assert_eq!(
            run["provenance"]["generation"][format!("stderr_method {selector}")],
            w["stderr_method"],
            "{what} {selector}"
        );
        let task = run["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .find(|t| t["name"] == w["task"])
            .expect("task");
        assert_eq!(task["n_original"], w["dataset_size"], "{what}");
        assert_eq!(
            task["samples"].is_null(),
            want["checksum_ok"].is_null(),
            "{what}: samples"
        );
    }
}

#[test]
fn the_fixtures_read_as_an_independent_read_reads_them() {
    let r = reference();
    let fixtures = r["fixtures"].as_array().expect("fixtures");
    assert_eq!(fixtures.len(), 2);
    for want in fixtures {
        assert_eq!(want["checksum_ok"], true);
        let path = common::root().join(want["path"].as_str().expect("path"));
        conforms(
            &common::inspect_one(&path),
            want,
            &path.display().to_string(),
        );
    }
    for legacy in r["legacy"].as_array().expect("legacy") {
        let out = govgate(&["check", legacy["path"].as_str().expect("p")]);
        assert_eq!(out.code, 2);
        let v = legacy["schema_version"].as_str().expect("v");
        assert!(
            out.stderr.contains(&format!(
                "Every Eval Ever schema {v}: govgate reads schema 0.3.x"
            )),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn the_corpus_reads_as_an_independent_read_reads_it() {
    let Some(dir) = common::corpus::dir("tools-2026/eee") else {
        return common::corpus::absent("the_corpus_reads_as_an_independent_read_reads_it");
    };
    let r = reference();
    let corpus = r["corpus"].as_array().expect("corpus");
    assert_eq!(corpus.len(), 12, "the 12 aggregates under A/data");
    for want in corpus {
        assert_ne!(want["checksum_ok"], false, "{want}");
        let path = dir.join(want["path"].as_str().expect("path"));
        conforms(
            &common::inspect_one(&path),
            want,
            &path.display().to_string(),
        );
    }
    let legacy = r["corpus_legacy"].as_array().expect("legacy");
    assert_eq!(legacy.len(), 6);
    for l in legacy {
        let out = govgate(&[
            "inspect",
            dir.join(l["path"].as_str().expect("p"))
                .to_str()
                .expect("utf-8"),
        ]);
        assert_eq!(out.code, 2, "{l}");
        assert!(
            out.stderr.contains(&format!(
                "Every Eval Ever schema {}",
                l["schema_version"].as_str().expect("v")
            )),
            "{}",
            out.stderr
        );
    }
    // the whole folder: every 0.3.0 aggregate a run, the samples files read through them
    let out = govgate(&[
        "inspect",
        dir.join("A/data").to_str().expect("utf-8"),
        "-f",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        json(&out.stdout)["runs"].as_array().expect("runs").len(),
        12
    );
}

#[test]
fn a_samples_file_that_is_not_the_one_named_is_refused() {
    let dir = scratch("eee-checksum");
    let from = common::root().join("fixtures/eee/base/data/boolq/acme/tiny-7b");
    for e in std::fs::read_dir(&from).expect("ls") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), dir.join(e.file_name())).expect("copy");
    }
    let samples = dir.join("0b1c6f0e-3d2a-4e8f-9a51-7c2d4e6f8a01_samples.jsonl");
    let text = std::fs::read_to_string(&samples).expect("read");
    std::fs::write(
        &samples,
        text.replacen("\"score\": 1.0", "\"score\": 0.0", 1),
    )
    .expect("write");
    let out = govgate(&["check", dir.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("_samples.jsonl: its SHA-256 is")
            && out.stderr.contains("names its samples file by"),
        "{}",
        out.stderr
    );
    // a samples file named on its own points to its aggregate
    let out = govgate(&["check", samples.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("name its aggregate"), "{}", out.stderr);
}

#[test]
fn threshold_regression_and_coverage_on_eee_records() {
    let dir = scratch("eee-checks");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P1: 1 }",
        "  S7P1:\n    - { id: floor, level: 1, threshold: { metric: boolq/accuracy, min: 0.72 } }\n    - { id: reg, level: 1, advisory: true, regression: { metric: boolq/accuracy, max_drop: 0.01, alpha: 0.05 } }\n    - { id: cov, level: 1, advisory: true, coverage: { tasks: [boolq] } }\n",
    );
    let rs = r.to_str().expect("utf-8");
    assert_eq!(
        govgate(&["check", "-r", rs, "fixtures/eee/base", "-q"]).code,
        0
    );
    let out = govgate(&[
        "check",
        "-r",
        rs,
        "fixtures/eee/cand",
        "-b",
        "fixtures/eee/base",
        "-f",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let rep = json(&out.stdout);
    assert_eq!(
        num(&check(&rep, "floor")["findings"][0]["detail"]["value"]),
        0.7
    );
    let t = &check(&rep, "reg")["findings"][0]["detail"]["test"];
    let want = &reference()["paired"];
    assert_eq!(t["method"], "mcnemar-exact", "{t}");
    assert_eq!(t["n"], want["n"]);
    assert!((num(&t["delta"]) - num(&want["delta"])).abs() <= 1e-12);
    let (p, q) = (num(&t["p_value"]), num(&want["p"]));
    assert!((p - q).abs() <= 1e-9 * p.max(q), "p {p} vs statsmodels {q}");
    // 80 of the dataset's 3,270 samples: not full coverage
    let cov = check(&rep, "cov");
    assert_eq!(cov["status"], "fail");
    assert!(
        cov["findings"][0]["message"]
            .as_str()
            .expect("m")
            .contains("80 of 3270"),
        "{cov}"
    );
}

#[test]
fn a_field_of_the_wrong_type_is_refused_naming_it() {
    let dir = scratch("eee-types");
    let from = common::root().join(
        "fixtures/eee/base/data/boolq/acme/tiny-7b/0b1c6f0e-3d2a-4e8f-9a51-7c2d4e6f8a01.json",
    );
    let text = std::fs::read_to_string(&from).expect("read");
    for (case, broken, names) in [
        (
            "score",
            text.replacen("\"score\": 0.7625", "\"score\": \"0.7625\"", 1),
            "`evaluation_results[0].score_details.score` is not a number",
        ),
        (
            "direction",
            text.replacen(
                "\"lower_is_better\": false",
                "\"lower_is_better\": \"no\"",
                1,
            ),
            "`evaluation_results[0].metric_config.lower_is_better` is not a boolean",
        ),
    ] {
        assert_ne!(broken, text, "{case}: the fixture changed");
        let p = dir.join(format!("{case}.json"));
        std::fs::write(&p, broken).expect("write");
        let out = govgate(&["check", p.to_str().expect("utf-8")]);
        assert_eq!(out.code, 2, "{case}");
        assert!(out.stderr.contains(names), "{case}: {}", out.stderr);
    }
}

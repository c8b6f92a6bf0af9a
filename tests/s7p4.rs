//! S7P4 end to end: provenance items per format, manifests (write, verify, tamper, escape,
//! determinism), the `manifest` and `repeatability` checks, and the default rubric's S7P4.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check, govgate, govgate_in, json, rubric, scratch, write};
use serde_json::Value;

const ALL: &str = "[config, seeds, tool_version, git_hash, model_revision, generation, task_versions, task_hashes, environment, date]";

/// (item, present) of the single current run, through a provenance check's JSON detail.
fn items(input: &str) -> Vec<(String, bool)> {
    let dir = scratch(&format!(
        "s7p4-items-{}",
        input.replace(['/', ':', ',', '='], "_")
    ));
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        &format!("  S7P4:\n    - {{ id: p, level: 1, provenance: {{ require: {ALL} }} }}\n"),
    );
    let out = govgate(&[
        "check",
        "--rubric",
        r.to_str().expect("p"),
        "-f",
        "json",
        input,
    ]);
    assert_ne!(out.code, 2, "{}", out.stderr);
    let rep = json(&out.stdout);
    check(&rep, "p")["findings"][0]["detail"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["item"].as_str().expect("item").to_owned(),
                i["present"].as_bool().expect("present"),
            )
        })
        .collect()
}

fn present(list: &[(String, bool)]) -> Vec<&str> {
    list.iter()
        .filter(|(_, p)| *p)
        .map(|(i, _)| i.as_str())
        .collect()
}

#[test]
fn provenance_items_per_format() {
    // What each fixture file holds (read from the files, see the comments):
    let cases: &[(&str, &[&str])] = &[
        // lm-eval 0.4.9.1: lm_eval_version, git_hash, date, four seeds, model_sha,
        // pretty_env_info + transformers_version, versions of 3 tasks, log-likelihood tasks
        // only (nothing to generate); no task_hashes: the run did not log samples, and
        // lm-eval then writes `task_hashes: {}`
        (
            "fixtures/demo",
            &[
                "config",
                "seeds",
                "tool_version",
                "git_hash",
                "model_revision",
                "generation",
                "task_versions",
                "environment",
                "date",
            ],
        ),
        // lm-eval 0.4.8: no lm_eval_version, no model_sha; gsm8k generates without
        // gen_kwargs or generation_kwargs
        (
            "fixtures/lmeval/v048",
            &[
                "config",
                "seeds",
                "git_hash",
                "task_versions",
                "task_hashes",
                "environment",
                "date",
            ],
        ),
        // lm-eval 0.3: a config and versions, nothing else
        ("fixtures/lmeval/v03", &["config", "task_versions"]),
        // lmms-eval 0.7: lmms_eval_version, git_hash, seeds, date, task_hashes (versions are
        // "Yaml"); mme_tiny generates without generation_kwargs; no environment
        (
            "fixtures/lmms/v07",
            &[
                "config",
                "seeds",
                "tool_version",
                "git_hash",
                "task_versions",
                "task_hashes",
                "date",
            ],
        ),
        // lmms-eval 0.2.2: model_configs and git_hash
        ("fixtures/lmms/v022", &["config", "git_hash"]),
        // HELM: adapter_spec (deployment, method and settings; random null), scenario_spec,
        // the suite's summary.json date
        (
            "fixtures/helm/benchmark_output/runs/v0/mmlu:subject=anatomy,model=acme_tiny-7b-v0",
            &[
                "config",
                "model_revision",
                "generation",
                "task_versions",
                "date",
            ],
        ),
    ];
    for (input, want) in cases {
        let got = items(input);
        assert_eq!(got.len(), 10, "{input}");
        assert_eq!(present(&got), *want, "{input}");
    }
}

#[test]
fn a_missing_item_fails_naming_the_field_and_a_limit_is_named() {
    let dir = scratch("s7p4-fail");
    let r = rubric(
        &dir,
        "r.yaml",
        "{ S7P4: 1 }",
        "  S7P4:\n    - { id: p, level: 1, provenance: { require: [tool_version, model_revision], forbid_limit: true } }\n",
    );
    let out = govgate(&[
        "check",
        "--rubric",
        r.to_str().expect("p"),
        "-f",
        "json",
        "fixtures/lmeval/v048",
    ]);
    assert_eq!(out.code, 1);
    let rep = json(&out.stdout);
    let f = &check(&rep, "p")["findings"][0];
    assert_eq!(f["status"], "fail");
    assert_eq!(
        f["message"],
        "fixtures/lmeval/v048/acme__tiny-1b/results_2025-02-10T08-00-00.000001.json: \
         tool_version (looked for `lm_eval_version` (written since lm-eval 0.4.9)); \
         model_revision (looked for `config.model_sha`, `config.model_revision` or \
         `revision=` in `model_args`, as a commit); the run was limited: gsm8k: the run was \
         made with --limit 4; 4 of 1319 documents were evaluated"
    );
    assert_eq!(
        f["observed"],
        "missing tool_version, model_revision; limited"
    );
}

#[test]
fn manifests_round_trip_and_are_byte_identical() {
    let dir = scratch("s7p4-manifest");
    copy_dir(&common::root().join("fixtures/demo"), &dir.join("results"));
    let run = |out: &str, env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_govgate"));
        cmd.args(["manifest", "results", "-o", out])
            .current_dir(&dir)
            .env_remove("SOURCE_DATE_EPOCH");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let o = cmd.output().expect("run");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::read(dir.join(out)).expect("manifest")
    };
    let a = run("a.json", &[]);
    let b = run("b.json", &[]);
    assert_eq!(a, b, "two runs on the same inputs give the same bytes");
    let m: Value = serde_json::from_slice(&a).expect("json");
    assert_eq!(m["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(m["predicateType"], "https://govgate.dev/manifest/v1");
    let subjects = m["subject"].as_array().expect("subjects");
    assert_eq!(subjects.len(), 1);
    assert_eq!(
        subjects[0]["name"],
        "results/acme-7b-v2/results_2026-03-02T14-05-33.518112.json"
    );
    // the digest is the file's SHA-256 (sha256sum computed the same)
    let sha = sha256_of(&dir.join("results/acme-7b-v2/results_2026-03-02T14-05-33.518112.json"));
    assert_eq!(subjects[0]["digest"]["sha256"], sha.as_str());
    assert_eq!(m["predicate"]["rubric"]["source"], "embedded:default");
    assert_eq!(
        m["predicate"]["runs"][0]["provenance"]["git_hash"],
        "1f2e3d4"
    );
    assert_eq!(m["predicate"]["verdict"]["exit_code"], 0);
    assert!(m["predicate"].get("timestamp").is_none(), "no wall clock");
    // a time only when asked for
    let c = run("c.json", &[("SOURCE_DATE_EPOCH", "1795392000")]);
    let c: Value = serde_json::from_slice(&c).expect("json");
    assert_eq!(c["predicate"]["timestamp"], "2026-11-23T00:00:00Z");

    // verify: all match
    let out = govgate_in(&dir, &["verify", "a.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "govgate verify a.json: 1 subjects under .\nOK: all 1 subjects match\n"
    );
    // --strict: the other manifests beside... are not beside the subject; an added results
    // file is
    write(&dir.join("results/acme-7b-v2/results_extra.json"), "{}");
    let out = govgate_in(&dir, &["verify", "a.json", "--strict"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("  extra    results/acme-7b-v2/results_extra.json (not in the manifest)\n")
    );
    std::fs::remove_file(dir.join("results/acme-7b-v2/results_extra.json")).expect("rm");
    // tampered: one byte appended
    let file = dir.join("results/acme-7b-v2/results_2026-03-02T14-05-33.518112.json");
    let mut bytes = std::fs::read(&file).expect("read");
    bytes.push(b'\n');
    std::fs::write(&file, &bytes).expect("write");
    let out = govgate_in(&dir, &["verify", "a.json"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains(&format!(
        "  changed  results/acme-7b-v2/results_2026-03-02T14-05-33.518112.json (sha256 {}… in the manifest, ",
        &sha[..12]
    )), "{}", out.stdout);
    assert!(
        out.stdout
            .ends_with("FAIL: 0 of 1 subjects match; 1 changed\n")
    );
    // missing
    std::fs::remove_file(&file).expect("rm");
    let out = govgate_in(&dir, &["verify", "a.json", "--format", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        json(&out.stdout)["missing"][0],
        "results/acme-7b-v2/results_2026-03-02T14-05-33.518112.json"
    );
}

#[test]
fn subjects_that_escape_the_root_are_refused() {
    let dir = scratch("s7p4-escape");
    let sha = "0".repeat(64);
    let manifest = |name: &str| {
        serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": name, "digest": {"sha256": sha}}],
            "predicateType": "https://govgate.dev/manifest/v1",
            "predicate": {}
        })
        .to_string()
    };
    write(&dir.join("inside/a.json"), "{}");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", dir.join("inside/etc")).expect("symlink");
    let cases = [
        ("../a.json", "climbs out of the root with `..`"),
        ("inside/../../x", "climbs out of the root with `..`"),
        ("/etc/hostname", "is an absolute path"),
        ("etc/hostname", "leads through a symlink outside the root"),
    ];
    for (name, why) in cases {
        write(&dir.join("inside/m.json"), &manifest(name));
        let out = govgate_in(&dir.join("inside"), &["verify", "m.json"]);
        assert_eq!(out.code, 2, "{name}: {}", out.stdout);
        assert_eq!(
            out.stderr,
            format!(
                "error: m.json: subject `{name}` {why}; a manifest names files under its root only\n"
            ),
            "{name}"
        );
        assert_eq!(out.stdout, "");
    }
    // a malformed manifest is exit 2 with its line and column
    write(&dir.join("inside/m.json"), "{\n  \"_type\": 3,\n");
    let out = govgate_in(&dir.join("inside"), &["verify", "m.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: m.json:3:1: not a JSON manifest"),
        "{}",
        out.stderr
    );
    write(
        &dir.join("inside/m.json"),
        "{\"_type\": \"x\", \"subject\": []}",
    );
    let out = govgate_in(&dir.join("inside"), &["verify", "m.json"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: m.json: not an in-toto Statement v1 (`_type` must be \"https://in-toto.io/Statement/v1\")\n"
    );
    // an input outside --root cannot be named
    let out = govgate_in(
        &dir.join("inside"),
        &[
            "manifest",
            common::root().join("fixtures/demo").to_str().expect("p"),
            "-o",
            "x.json",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is outside the manifest's root"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("inside/x.json").exists(), "no partial manifest");
}

#[test]
fn the_manifest_check_pins_the_inputs() {
    let dir = scratch("s7p4-check");
    copy_dir(&common::root().join("fixtures/demo"), &dir.join("results"));
    write(
        &dir.join("gate.yaml"),
        "version: 1\nname: pinned\nrequire: { S7P4: 3 }\nprocesses:\n  S7P4:\n    - { id: rec, level: 1, provenance: { require: [config] } }\n    - { id: pinned, level: 3, manifest: { file: MANIFEST.json } }\n",
    );
    let gate = |dir: &Path| {
        govgate_in(
            dir,
            &["check", "--rubric", "gate.yaml", "-f", "json", "results"],
        )
    };
    // no manifest yet
    let out = gate(&dir);
    assert_eq!(out.code, 1);
    assert_eq!(check(&json(&out.stdout), "pinned")["status"], "missing");
    // written (the rubric file is an input too), then checked
    let out = govgate_in(
        &dir,
        &[
            "manifest",
            "--rubric",
            "gate.yaml",
            "results",
            "-o",
            "MANIFEST.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let m: Value = serde_json::from_slice(&std::fs::read(dir.join("MANIFEST.json")).expect("m"))
        .expect("json");
    let names: Vec<&str> = m["subject"]
        .as_array()
        .expect("s")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "gate.yaml",
            "results/acme-7b-v2/results_2026-03-02T14-05-33.518112.json"
        ]
    );
    let out = gate(&dir);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        check(&json(&out.stdout), "pinned")["message"],
        "all 2 subjects of MANIFEST.json match, and it names every input"
    );
    // a new input the manifest does not name
    copy_dir(
        &common::root().join("fixtures/demo-baseline"),
        &dir.join("results/v1"),
    );
    let out = gate(&dir);
    assert_eq!(out.code, 1);
    let rep = json(&out.stdout);
    let f = &check(&rep, "pinned")["findings"][0];
    assert_eq!(f["observed"], "not in the manifest");
}

#[test]
fn repeatability_compares_identically_made_runs_only() {
    let dir = scratch("s7p4-repeat");
    let src =
        common::root().join("fixtures/demo/acme-7b-v2/results_2026-03-02T14-05-33.518112.json");
    let text = std::fs::read_to_string(&src).expect("read");
    // arc_easy acc 0.81187 ± 0.00802 in the fixture; a rerun at 0.8125, and a run with
    // another random_seed at 0.80
    write(&dir.join("a/results_1.json"), &text);
    write(
        &dir.join("b/results_2.json"),
        &text.replace("0.8118686868686869", "0.8125"),
    );
    write(
        &dir.join("c/results_3.json"),
        &text
            .replace("0.8118686868686869", "0.8")
            .replace("\"random_seed\": 0", "\"random_seed\": 7"),
    );
    assert!(
        std::fs::read_to_string(dir.join("b/results_2.json"))
            .expect("b")
            .contains("0.8125")
    );
    let r = rubric(
        &dir,
        "r.yaml",
        "{}",
        "  S7P4:\n    - { id: exact, level: 1, repeatability: { metric: arc_easy/acc, tolerance: 0.0 } }\n    - { id: loose, level: 1, repeatability: { metric: arc_easy/acc, tolerance: 0.001 } }\n    - { id: se, level: 1, repeatability: { metric: arc_easy/acc, tolerance: stderr } }\n",
    );
    let rs = r.to_str().expect("p");
    let a = dir.join("a");
    let b = dir.join("b");
    let c = dir.join("c");
    let out = govgate(&[
        "check",
        "--rubric",
        rs,
        "-f",
        "json",
        a.to_str().expect("p"),
        b.to_str().expect("p"),
        c.to_str().expect("p"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rep = json(&out.stdout);
    // a and b agree on everything but the value: |0.81187 - 0.8125| = 0.00063
    let exact = &check(&rep, "exact")["findings"][0];
    assert_eq!(exact["status"], "fail");
    assert!(
        exact["message"]
            .as_str()
            .expect("m")
            .contains("differ by 0.0006313 > 0"),
        "{}",
        exact["message"]
    );
    assert!(
        exact["message"]
            .as_str()
            .expect("m")
            .ends_with("; 1 run(s) with other provenance not compared")
    );
    assert_eq!(check(&rep, "loose")["status"], "pass");
    assert_eq!(check(&rep, "se")["status"], "pass");
    // c alone: no two runs to compare, and what differs is named
    let out = govgate(&[
        "check",
        "--rubric",
        rs,
        "-f",
        "json",
        a.to_str().expect("p"),
        c.to_str().expect("p"),
    ]);
    let rep = json(&out.stdout);
    let f = &check(&rep, "exact")["findings"][0];
    assert_eq!(f["status"], "missing");
    assert!(
        f["message"]
            .as_str()
            .expect("m")
            .ends_with("they differ in seeds"),
        "{}",
        f["message"]
    );
}

#[test]
fn the_default_rubric_requires_s7p4_level_1() {
    // a helm-summarize table records no configuration: S7P4 level 0, exit 1
    let out = govgate(&[
        "check",
        "fixtures/helm/benchmark_output/runs/v1/groups/json/core_scenarios_accuracy.json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        common::process_row(&out.stdout, "S7P4")[2..5],
        ["0", "1", "fail"]
    );
    // the demo records everything the level-2 check asks
    let out = govgate(&["check", "fixtures/demo"]);
    assert_eq!(
        common::process_row(&out.stdout, "S7P4")[2..6],
        [
            "2",
            "1",
            "pass",
            "2/3 checks pass; L3 inputs-pinned: missing"
        ]
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walk(from) {
        let rel = e.strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&e, &dest).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn sha256_of(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("digest")
        .to_owned()
}

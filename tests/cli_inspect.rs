//! `govgate inspect`: per run, format and version, model, provenance, and every metric as
//! `selector  value  ±stderr  n  direction`.

mod common;
use common::*;

/// The whitespace-separated words of the listing line that starts with `selector`.
fn metric_line(stdout: &str, selector: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .find(|w| w.first().map(String::as_str) == Some(selector))
        .unwrap_or_else(|| panic!("no line for {selector} in:\n{stdout}"))
}

#[test]
fn lists_runs_and_metrics_with_their_selectors() {
    let out = govgate(&["inspect", "fixtures/lmeval/v048"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "fixtures/lmeval/v048/acme__tiny-1b/results_2025-02-10T08-00-00.000001.json"
    );
    assert_eq!(
        lines[1],
        "  format:     lm-eval 0.4.3–0.4.8 (inferred from its keys)"
    );
    assert_eq!(
        lines[2],
        "  model:      acme/tiny-1b (hf; pretrained=acme/tiny-1b,dtype=float16)"
    );
    assert!(
        lines[3].starts_with("  provenance: git 0f7cf736, date 2025-02-10T08:00:00Z, seeds "),
        "{}",
        lines[3]
    );
    assert!(lines[3].contains("limit 4"), "{}", lines[3]);
    // the provenance items: the file has git_hash, date, the four seeds, transformers,
    // gsm8k's version, hash and dataset_path; no lm_eval_version (0.4.8), no model_sha, and
    // gsm8k generates (generate_until) with neither gen_kwargs nor generation_kwargs
    assert_eq!(
        lines[4],
        "  recorded:   config, seeds, git_hash, task_versions, task_hashes, environment, date, \
         dataset"
    );
    assert_eq!(
        lines[5],
        "  not found:  tool_version (`lm_eval_version` (written since lm-eval 0.4.9)); \
         model_revision (`config.model_sha`, `config.model_revision` or `revision=` in \
         `model_args`, as a commit); generation (`config.gen_kwargs`, or `generation_kwargs` \
         in the configs of gsm8k)"
    );
    assert_eq!(
        lines[6],
        "  tasks:      1 (0 groups), per-sample values for gsm8k"
    );
    assert_eq!(
        metric_line(&out.stdout, "gsm8k/exact_match@strict-match"),
        [
            "gsm8k/exact_match@strict-match",
            "0.25",
            "0.25",
            "4",
            "higher",
            "(file)"
        ]
    );
    assert_eq!(
        metric_line(&out.stdout, "gsm8k/exact_match@flexible-extract"),
        [
            "gsm8k/exact_match@flexible-extract",
            "0.75",
            "0.25",
            "4",
            "higher",
            "(file)"
        ]
    );
}

#[test]
fn shows_missing_stderr_unknown_n_and_direction_sources() {
    let out = govgate(&[
        "inspect",
        "fixtures/lmeval/v03",
        "fixtures/lmeval/v040",
        "fixtures/lmms/v07",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        metric_line(&out.stdout, "wikitext/bits_per_byte"),
        [
            "wikitext/bits_per_byte",
            "0.92",
            "-",
            "-",
            "lower",
            "(built-in)"
        ]
    );
    assert_eq!(
        metric_line(&out.stdout, "parity_custom/parity_score"),
        ["parity_custom/parity_score", "0.5", "0.189", "-", "unknown"]
    );
    assert_eq!(
        metric_line(&out.stdout, "mme_tiny/mme_cognition_score"),
        [
            "mme_tiny/mme_cognition_score",
            "400",
            "0.125",
            "(clt)",
            "4",
            "higher",
            "(file)"
        ]
    );
}

#[test]
fn json_listing() {
    let out = govgate(&["inspect", "fixtures/lmeval/nonfinite", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["schema_version"], 1);
    let run = &v["runs"][0];
    assert_eq!(run["format"]["tool"], "lm-eval");
    let metrics = run["metrics"].as_array().expect("metrics");
    let mae = metrics.iter().find(|m| m["metric"] == "mae").expect("mae");
    assert_eq!(mae["selector"], "tgpred/mae");
    assert_eq!(mae["variant"], "none");
    assert_eq!(mae["value"], "Infinity");
    assert_eq!(mae["stderr"], "NaN");
    assert_eq!(mae["higher_is_better"], false);
    assert_eq!(mae["direction_source"], "file");
    let bypass = metrics
        .iter()
        .find(|m| m["metric"] == "bypass")
        .expect("bypass");
    assert_eq!(bypass["value"], 999.0);
    assert_eq!(bypass["stderr"], serde_json::Value::Null);
}

#[test]
fn inspect_errors_exit_2() {
    let out = govgate(&["inspect", "fixtures/nope.json"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: fixtures/nope.json: no such file or directory\n"
    );
}

//! Reading every lm-eval / lmms-eval layout: values, stderr, sample sizes, directions,
//! provenance, samples logs. Expectations are the numbers written in the fixtures.

mod common;

use std::path::PathBuf;

use govgate::evidence::{self, FileKind, json::RecordLayout, samples};
use govgate::model::{DirectionSource, Metric, Run, StderrKind, Tool};
use govgate::rubric::selector::{Selector, selector_for};

fn fixture(p: &str) -> PathBuf {
    common::root().join("fixtures").join(p)
}

fn load_one(p: &str) -> Run {
    let mut runs = evidence::load(&[fixture(p)]).expect("loads");
    assert_eq!(runs.len(), 1, "{p}");
    runs.remove(0)
}

fn metric<'a>(run: &'a Run, task: &str, name: &str, variant: Option<&str>) -> &'a Metric {
    run.metrics
        .iter()
        .find(|m| m.task == task && m.name == name && m.variant.as_deref() == variant)
        .unwrap_or_else(|| panic!("no {task}/{name}@{variant:?}"))
}

#[test]
fn v03_bare_keys() {
    let run = load_one("lmeval/v03");
    assert_eq!(run.format.tool, Tool::LmEval);
    assert_eq!(
        run.format.to_string(),
        "lm-eval 0.3.x (inferred from its keys)"
    );
    assert_eq!(run.metrics.len(), 7);
    let ppl = metric(&run, "lambada_openai", "ppl", None);
    assert_eq!(ppl.value, 28.681198418437806);
    assert_eq!(ppl.stderr, Some(1.0231472937815305));
    assert_eq!(
        (ppl.higher_is_better, ppl.direction_source),
        (Some(false), Some(DirectionSource::BuiltIn))
    );
    let bpb = metric(&run, "wikitext", "bits_per_byte", None);
    assert_eq!(
        (bpb.value, bpb.stderr, bpb.higher_is_better),
        (0.9200193036408512, None, Some(false))
    );
    // acc_stderr is a stderr, never a metric (every_eval_ever#285)
    assert!(run.metrics.iter().all(|m| !m.name.ends_with("_stderr")));
    assert_eq!(run.model.name.as_deref(), Some("acme/tiny-560m"));
    assert_eq!(run.provenance.num_fewshot.get("*"), Some(&0));
}

#[test]
fn v040_results_json_and_array_samples() {
    let run = load_one("lmeval/v040");
    assert_eq!(run.format.inferred.as_deref(), Some("0.4.0–0.4.1"));
    let acc = metric(&run, "boolq", "acc", Some("none"));
    assert_eq!(
        (acc.value, acc.stderr, acc.n),
        (0.75, Some(0.1636634176769943), None)
    );
    assert_eq!(acc.direction_source, Some(DirectionSource::BuiltIn));
    assert_eq!(
        metric(&run, "parity_custom", "parity_score", Some("none")).higher_is_better,
        None
    );
    assert_eq!(run.provenance.git_hash.as_deref(), Some("4a1e48ce"));
    // "<model_args>_<task>.jsonl" holding one pretty-printed array
    let samples = run
        .task("boolq")
        .and_then(|t| t.samples.clone())
        .expect("attached");
    assert!(
        samples
            .path()
            .ends_with("pretrained__acme__tiny-1b_boolq.jsonl")
    );
    let v =
        samples::read_metric(&samples, "acc", Some("none"), &["none".into()], None).expect("reads");
    assert_eq!(v.layout, RecordLayout::Array);
    assert_eq!(v.values.len(), 8);
    assert_eq!(v.mean(), Some(0.75));
}

#[test]
fn v048_filters_in_samples_and_limit() {
    let run = load_one("lmeval/v048");
    assert_eq!(run.format.inferred.as_deref(), Some("0.4.3–0.4.8"));
    assert_eq!(run.provenance.limit, Some(4.0));
    let t = run.task("gsm8k").expect("task");
    assert_eq!((t.n_original, t.n_effective), (Some(1319), Some(4)));
    assert_eq!(t.filters, ["strict-match", "flexible-extract"]);
    let strict = metric(&run, "gsm8k", "exact_match", Some("strict-match"));
    assert_eq!(
        (strict.value, strict.n, strict.direction_source),
        (0.25, Some(4), Some(DirectionSource::File))
    );
    let path = t.samples.clone().expect("samples");
    let s = samples::read_metric(&path, "exact_match", Some("strict-match"), &t.filters, None)
        .expect("reads");
    let f = samples::read_metric(
        &path,
        "exact_match",
        Some("flexible-extract"),
        &t.filters,
        None,
    )
    .expect("reads");
    assert_eq!(
        s.values.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        [1.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        f.values.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        [1.0, 1.0, 0.0, 1.0]
    );
    assert_eq!(run.provenance.seeds.len(), 4);
    assert_eq!(run.provenance.date.as_deref(), Some("2025-02-10T08:00:00Z"));
}

#[test]
fn v0412_names_sample_len_and_group_sample_count() {
    let run = load_one("lmeval/v0412");
    assert_eq!(run.format.to_string(), "lm-eval 0.4.12");
    let g = metric(&run, "mmlu_tiny", "acc", Some("none"));
    assert!(g.is_group);
    assert_eq!(g.n, Some(250));
    assert_eq!(
        metric(&run, "mmlu_tiny_law", "acc", Some("none")).n,
        Some(150)
    );
    // model_args as an object
    assert_eq!(run.model.name.as_deref(), Some("acme/tiny-1b"));
    assert_eq!(run.model.backend.as_deref(), Some("vllm"));
    // "N/A" transformers_version is no version
    assert_eq!(run.provenance.transformers_version, None);
}

#[test]
fn groups_are_read_once_with_clean_aliases() {
    let run = load_one("lmeval/groups");
    // 7 metric rows in `results`; the `groups` section repeats three of them
    assert_eq!(run.metrics.len(), 8);
    assert_eq!(run.metrics.iter().filter(|m| m.task == "mmlu").count(), 1);
    let hum = run.task("mmlu_humanities").expect("task");
    assert!(hum.is_group);
    assert_eq!(hum.alias.as_deref(), Some("humanities"));
    assert_eq!(hum.subtasks, ["mmlu_formal_logic", "mmlu_philosophy"]);
    // 126 + 311 documents
    assert_eq!(
        metric(&run, "mmlu_humanities", "acc", Some("none")).n,
        Some(437)
    );
    assert_eq!(metric(&run, "mmlu", "acc", Some("none")).n, Some(537));
    assert_eq!(
        run.task("mmlu_formal_logic")
            .and_then(|t| t.alias.clone())
            .as_deref(),
        Some("formal_logic")
    );
    // a group without aggregation (only alias and the " " placeholder) has no metrics
    let agi = run.task("agieval_like").expect("task");
    assert!(agi.is_group);
    assert!(run.metrics.iter().all(|m| m.task != "agieval_like"));
    assert_eq!(agi.n_effective, Some(230));
}

#[test]
fn non_finite_values_na_stderr_and_numpy_reprs() {
    let run = load_one("lmeval/nonfinite");
    let mae = metric(&run, "tgpred", "mae", Some("none"));
    assert_eq!(mae.value, f64::INFINITY);
    assert!(mae.stderr.expect("stderr").is_nan());
    assert!(metric(&run, "tgpred", "rmse", Some("none")).value.is_nan());
    assert_eq!(metric(&run, "tgpred", "rmse", Some("none")).stderr, None);
    assert_eq!(
        metric(&run, "tgpred", "skew", Some("none")).value,
        f64::NEG_INFINITY
    );
    // `"skew": null` in higher_is_better: unknown
    assert_eq!(
        metric(&run, "tgpred", "skew", Some("none")).higher_is_better,
        None
    );
    let acc = metric(&run, "tgpred", "acc", Some("none"));
    assert_eq!((acc.value, acc.stderr), (0.25, Some(0.0625)));
    let bypass = metric(&run, "scheming_mc", "bypass", Some("none"));
    assert_eq!((bypass.value, bypass.stderr), (999.0, None));
}

#[test]
fn lmms_eval_07_slim_samples_without_filter_field() {
    let run = load_one("lmms/v07");
    assert_eq!(run.format.tool, Tool::LmmsEval);
    assert_eq!(run.format.to_string(), "lmms-eval main@v0.7.1-12");
    assert_eq!(run.provenance.date.as_deref(), Some("20261101_120000"));
    assert_eq!(
        run.provenance
            .task_versions
            .get("vqa_tiny")
            .map(String::as_str),
        Some("Yaml")
    );
    let strict = metric(&run, "vqa_tiny", "exact_match", Some("strict-match"));
    assert_eq!(
        (strict.stderr, strict.stderr_kind),
        (Some(0.28867513459481287), Some(StderrKind::Stderr))
    );
    let mme = metric(&run, "mme_tiny", "mme_cognition_score", Some("none"));
    assert_eq!(
        (mme.value, mme.stderr, mme.stderr_kind),
        (400.0, Some(0.125), Some(StderrKind::Clt))
    );
    // every document once per filter, filter after filter
    let t = run.task("vqa_tiny").expect("task");
    let path = t.samples.clone().expect("samples");
    let s = samples::read_metric(&path, "exact_match", Some("strict-match"), &t.filters, None)
        .expect("reads");
    let f = samples::read_metric(
        &path,
        "exact_match",
        Some("flexible-extract"),
        &t.filters,
        None,
    )
    .expect("reads");
    assert_eq!(s.mean(), Some(0.5));
    assert_eq!(f.mean(), Some(0.75));
    // a dict-valued per-sample metric is not a scalar
    let t = run.task("mme_tiny").expect("task");
    let m = samples::read_metric(
        &t.samples.clone().expect("samples"),
        "mme_cognition_score",
        Some("none"),
        &t.filters,
        None,
    )
    .expect("reads");
    assert_eq!((m.values.len(), m.non_scalar), (0, 4));
}

#[test]
fn lmms_eval_022_model_configs_and_log_wrapper() {
    let run = load_one("lmms/v022");
    assert_eq!(
        run.format.to_string(),
        "lmms-eval ≤0.2.2 (inferred from its keys)"
    );
    assert_eq!(run.model.name.as_deref(), Some("acme/vl-7b"));
    let m = metric(&run, "vqa_tiny", "exact_match", Some("none"));
    assert_eq!(m.direction_source, Some(DirectionSource::TaskConfig));
    let t = run.task("vqa_tiny").expect("task");
    let path = t
        .samples
        .clone()
        .expect("the <task>.json wrapper is attached");
    let v =
        samples::read_metric(&path, "exact_match", Some("none"), &t.filters, None).expect("reads");
    assert_eq!(v.layout, RecordLayout::Wrapper);
    assert_eq!(v.values.len(), 3);
    assert!((v.mean().expect("mean") - 2.0 / 3.0).abs() < 1e-15);
}

#[test]
fn files_are_classified_by_content_not_name() {
    assert_eq!(
        evidence::sniff(&fixture("lmeval/v040/results.json")).expect("ok"),
        FileKind::LmEvalResults
    );
    assert_eq!(
        evidence::sniff(&fixture(
            "lmeval/v040/pretrained__acme__tiny-1b_boolq.jsonl"
        ))
        .expect("ok"),
        FileKind::Samples
    );
    assert_eq!(
        evidence::sniff(&fixture(
            "lmms/v022/20240501_model_outputs_acme_vl_model_args_3f2a1b/vqa_tiny.json"
        ))
        .expect("ok"),
        FileKind::Samples
    );
    // a results file under any name is still a results file
    let dir = common::scratch("renamed");
    let p = common::write(
        &dir.join("whatever.json"),
        &std::fs::read_to_string(fixture("lmeval/v03/tiny-560m_zero-shot.json")).expect("read"),
    );
    assert_eq!(evidence::sniff(&p).expect("ok"), FileKind::LmEvalResults);
    assert!(matches!(
        evidence::sniff(&fixture("bad/not-eval.json")).expect("ok"),
        FileKind::Unrecognized(_)
    ));
}

#[test]
fn a_directory_yields_one_run_per_results_file_with_its_own_samples() {
    let runs = evidence::load(&[fixture("paired")]).expect("loads");
    assert_eq!(runs.len(), 2);
    for run in &runs {
        let stamp = run
            .source
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem")
            .replace("results_", "");
        for task in ["boolq", "truthfulqa_gen"] {
            let s = run
                .task(task)
                .and_then(|t| t.samples.clone())
                .expect("attached");
            let name = s.path().file_name().and_then(|n| n.to_str()).expect("name");
            assert_eq!(name, format!("samples_{task}_{stamp}.jsonl"));
        }
        assert!(
            run.task("hellaswag")
                .and_then(|t| t.samples.clone())
                .is_none()
        );
    }
}

#[test]
fn every_printed_selector_names_exactly_its_metric() {
    for p in [
        "lmeval/v03",
        "lmeval/v040",
        "lmeval/v048",
        "lmeval/v0412",
        "lmeval/groups",
        "lmeval/nonfinite",
        "lmms/v07",
        "lmms/v022",
        "demo",
        "paired",
    ] {
        for run in evidence::load(&[fixture(p)]).expect("loads") {
            for m in &run.metrics {
                let text = selector_for(&run, m);
                let sel = Selector::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                let hits: Vec<&Metric> = run.metrics.iter().filter(|x| sel.matches(x)).collect();
                assert_eq!(hits.len(), 1, "{p}: `{text}` matches {}", hits.len());
                assert_eq!(hits[0].key(), m.key(), "{p}: `{text}`");
            }
        }
    }
}

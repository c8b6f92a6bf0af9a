//! lm-eval 0.4.x runs written by hand for the tests: a results file and, when asked, one
//! samples log per task, in the layouts lm-eval's `EvaluationTracker` writes (the numbers
//! are the tests' own; the hashes are computed as lm-eval computes them).

use std::path::Path;

use govgate::evidence::sha256_hex;

/// One task of a run: its 0/1 (or continuous) per-document scores of `metric`, and what
/// defines it.
#[derive(Debug, Clone)]
pub struct Task {
    pub name: String,
    pub metric: String,
    pub values: Vec<f64>,
    /// Each document's passage (written as `doc.passage_id`).
    pub passages: Option<Vec<u64>>,
    /// Text that makes the documents' content (and so their `doc_hash`) differ.
    pub docs: String,
    pub version: String,
    pub n_shot: i64,
}

impl Task {
    pub fn new(name: &str, values: &[f64]) -> Task {
        Task {
            name: name.into(),
            metric: "acc".into(),
            values: values.to_vec(),
            passages: None,
            docs: "v1".into(),
            version: "1.0".into(),
            n_shot: 0,
        }
    }

    fn doc(&self, i: usize) -> String {
        match &self.passages {
            Some(p) => format!(
                r#"{{"question": "q{i} of {}", "passage_id": {}}}"#,
                self.docs, p[i]
            ),
            None => format!(r#"{{"question": "q{i} of {}"}}"#, self.docs),
        }
    }
}

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub limit: Option<f64>,
    pub lm_eval_version: Option<String>,
    pub samples: bool,
    pub model: String,
    /// `config.gen_kwargs` as written (`temperature=0.5`).
    pub gen_kwargs: Option<String>,
}

/// Writes `results_<stamp>.json` (and `samples_<task>_<stamp>.jsonl`) under `dir`.
pub fn write(dir: &Path, stamp: &str, run: &Run, tasks: &[Task]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let (mut results, mut versions, mut nshot, mut hib, mut ns, mut hashes) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for t in tasks {
        let n = t.values.len() as f64;
        let mean = t.values.iter().sum::<f64>() / n;
        let var = t.values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let se = (var / n).sqrt();
        results.push(format!(
            r#""{0}": {{"alias": "{0}", "{1},none": {2:?}, "{1}_stderr,none": {3:?}}}"#,
            t.name, t.metric, mean, se
        ));
        versions.push(format!(r#""{}": {}"#, t.name, t.version));
        nshot.push(format!(r#""{}": {}"#, t.name, t.n_shot));
        hib.push(format!(r#""{}": {{"{}": true}}"#, t.name, t.metric));
        ns.push(format!(
            r#""{}": {{"original": {n}, "effective": {n}}}"#,
            t.name,
            n = t.values.len()
        ));
        if run.samples {
            let mut lines = Vec::new();
            let mut joined = String::new();
            for (i, v) in t.values.iter().enumerate() {
                let doc = t.doc(i);
                let (dh, ph, th) = (
                    sha256_hex(doc.as_bytes()),
                    sha256_hex(format!("prompt {i}").as_bytes()),
                    sha256_hex(b"1"),
                );
                joined.push_str(&format!("{dh}{ph}{th}"));
                lines.push(format!(
                    r#"{{"doc_id": {i}, "doc": {doc}, "target": "1", "filter": "none", "metrics": ["{m}"], "doc_hash": "{dh}", "prompt_hash": "{ph}", "target_hash": "{th}", "{m}": {v:?}}}"#,
                    m = t.metric
                ));
            }
            hashes.push(format!(
                r#""{}": "{}""#,
                t.name,
                sha256_hex(joined.as_bytes())
            ));
            std::fs::write(
                dir.join(format!("samples_{}_{stamp}.jsonl", t.name)),
                lines.join("\n") + "\n",
            )
            .expect("write samples");
        }
    }
    let limit = run.limit.map_or("null".to_owned(), |l| format!("{l:?}"));
    let version = run
        .lm_eval_version
        .as_ref()
        .map(|v| format!(r#", "lm_eval_version": "{v}""#))
        .unwrap_or_default();
    let gen_kwargs = run
        .gen_kwargs
        .as_ref()
        .map_or("null".to_owned(), |g| format!("\"{g}\""));
    let model = if run.model.is_empty() {
        "acme/tiny"
    } else {
        &run.model
    };
    let doc = format!(
        r#"{{"results": {{{}}}, "versions": {{{}}}, "n-shot": {{{}}}, "higher_is_better": {{{}}}, "n-samples": {{{}}}, "task_hashes": {{{}}}, "config": {{"model": "hf", "model_args": "pretrained={model}", "limit": {limit}, "gen_kwargs": {gen_kwargs}}}, "model_name": "{model}", "date": 1750000000.0{version}}}"#,
        results.join(", "),
        versions.join(", "),
        nshot.join(", "),
        hib.join(", "),
        ns.join(", "),
        hashes.join(", "),
    );
    std::fs::write(dir.join(format!("results_{stamp}.json")), doc).expect("write results");
}

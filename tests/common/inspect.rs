//! Hand-built Inspect AI logs for the tests: the members Inspect writes (`header.json`,
//! `samples/<id>_epoch_<n>.json`, `reductions.json`, `summaries.json`, `_journal/…`), true
//! to `reference/formats-inspect.md`, packed into a ZIP byte by byte (so a test can write
//! what no well-behaved ZIP library would: duplicate names, several Zstandard frames, odd
//! member names) or written as one `--log-format json` document.
#![allow(dead_code)]

use std::io::Write;

/// ZIP compression of every member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// 8: Inspect ≤ 0.3.205.
    Deflate,
    /// 93: Inspect ≥ 0.3.206.
    Zstd,
    /// 93, each member cut into two Zstandard frames (Inspect cuts one every 200 MiB).
    ZstdTwoFrames,
}

fn compress(data: &[u8], method: Method) -> (u16, Vec<u8>) {
    match method {
        Method::Deflate => {
            let mut e =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).expect("deflate");
            (8, e.finish().expect("deflate"))
        }
        Method::Zstd => (93, zstd::stream::encode_all(data, 3).expect("zstd")),
        Method::ZstdTwoFrames => {
            let half = data.len() / 2;
            let mut out = zstd::stream::encode_all(&data[..half], 3).expect("zstd");
            out.extend(zstd::stream::encode_all(&data[half..], 3).expect("zstd"));
            (93, out)
        }
    }
}

/// A ZIP archive of these members, in this order (names may repeat).
pub fn zip(members: &[(String, String)], method: Method) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, content) in members {
        let data = content.as_bytes();
        let crc = crc32fast::hash(data);
        let (code, packed) = compress(data, method);
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(63u16.to_le_bytes()); // made by
            }
            h.extend(63u16.to_le_bytes()); // needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(code.to_le_bytes());
            h.extend(0u16.to_le_bytes()); // time
            h.extend(0x5b77u16.to_le_bytes()); // date
            h.extend(crc.to_le_bytes());
            h.extend((packed.len() as u32).to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend(0u16.to_le_bytes()); // comment
                h.extend(0u16.to_le_bytes()); // disk
                h.extend(0u16.to_le_bytes()); // internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(&packed);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// One sample of one epoch.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The id as JSON: `"q1"` or `7`.
    pub id: String,
    pub epoch: u64,
    /// The score's value as JSON: `"C"`, `"I"`, `0.5`, `NaN`.
    pub value: String,
    pub group: String,
    pub error: Option<String>,
    /// The score's own `metadata` as JSON (`{"confidence": 0.9}`), when it has one.
    pub score_metadata: Option<String>,
}

pub fn sample(id: &str, value: &str, group: &str) -> Sample {
    Sample {
        id: id.to_owned(),
        epoch: 1,
        value: value.to_owned(),
        group: group.to_owned(),
        error: None,
        score_metadata: None,
    }
}

/// An Inspect log. Its `results` hold exactly what the fields say (the test states the
/// numbers it expects govgate to read, computed by hand).
#[derive(Debug, Clone)]
pub struct Log {
    pub task: String,
    pub status: String,
    pub scorer: String,
    pub samples: Vec<Sample>,
    /// `(sample id as JSON, reduced value as JSON)` rows of `reductions`; `None`: no
    /// `reductions` (an `error` or `started` run).
    pub reductions: Option<Vec<(String, String)>>,
    /// `results.scores[0]`: accuracy, stderr, scored_samples; `None`: no `results`.
    pub results: Option<(String, String, u64)>,
    /// Extra `eval.config` entries as JSON text (`"limit": 10`), without braces.
    pub config: String,
    /// `plan.config.seed`.
    pub seed: Option<i64>,
    pub dirty: bool,
    pub dataset_samples: u64,
    pub error: Option<String>,
    pub inspect_version: String,
    /// `eval.task_version` as JSON (`2`, `"2-A"`).
    pub task_version: String,
}

impl Log {
    /// A finished four-sample log: q1 C, q2 C, q3 I, q4 C (accuracy 0.75, stderr 0.25:
    /// values 1, 1, 0, 1 have sd 0.5, over √4).
    pub fn quiz() -> Log {
        let samples = vec![
            sample("\"q1\"", "\"C\"", "f"),
            sample("\"q2\"", "\"C\"", "m"),
            sample("\"q3\"", "\"I\"", "f"),
            sample("\"q4\"", "\"C\"", "m"),
        ];
        Log {
            task: "quiz".into(),
            status: "success".into(),
            scorer: "match".into(),
            reductions: Some(
                samples
                    .iter()
                    .map(|s| {
                        let v = if s.value == "\"C\"" { "1.0" } else { "0.0" };
                        (s.id.clone(), v.to_owned())
                    })
                    .collect(),
            ),
            samples,
            results: Some(("0.75".into(), "0.25".into(), 4)),
            config: String::new(),
            seed: Some(1),
            dirty: false,
            dataset_samples: 4,
            error: None,
            inspect_version: "0.3.285".into(),
            task_version: "2".into(),
        }
    }

    fn eval(&self) -> String {
        let ids: Vec<&str> = self.samples.iter().map(|s| s.id.as_str()).collect();
        let config = if self.config.is_empty() {
            "\"epochs\": 1".to_owned()
        } else {
            format!("\"epochs\": 1, {}", self.config)
        };
        format!(
            r#"{{"eval_id": "E-{task}", "run_id": "R1", "created": "2026-11-23T00:39:24+00:00", "task": "{task}", "task_id": "T-{task}", "task_version": {tv}, "task_file": "tasks.py", "task_args": {{}}, "dataset": {{"name": "{task}", "location": "{task}.jsonl", "samples": {n}, "sample_ids": [{ids}], "shuffled": false}}, "model": "mockllm/model", "model_generate_config": {{}}, "model_args": {{}}, "config": {{{config}}}, "revision": {{"type": "git", "origin": "https://example.invalid/tasks.git", "commit": "99bf5f6", "dirty": {dirty}}}, "packages": {{"inspect_ai": "{version}"}}, "metadata": {{}}, "scorers": [{{"name": "{scorer}", "options": {{}}, "metrics": [{{"name": "inspect_ai/accuracy", "options": {{}}}}, {{"name": "inspect_ai/stderr", "options": {{}}}}], "metadata": {{}}}}]}}"#,
            task = self.task,
            n = self.dataset_samples,
            ids = ids.join(", "),
            dirty = self.dirty,
            version = self.inspect_version,
            scorer = self.scorer,
            tv = self.task_version,
        )
    }

    fn plan(&self) -> String {
        let config = match self.seed {
            Some(s) => format!("{{\"seed\": {s}, \"temperature\": 0.0}}"),
            None => "{\"temperature\": 0.0}".to_owned(),
        };
        format!(
            r#"{{"name": "plan", "steps": [{{"solver": "generate", "params": {{}}}}], "config": {config}}}"#
        )
    }

    fn results(&self) -> Option<String> {
        let (acc, se, n) = self.results.as_ref()?;
        Some(format!(
            r#"{{"total_samples": {total}, "completed_samples": {n}, "scores": [{{"name": "{s}", "scorer": "{s}", "scored_samples": {n}, "unscored_samples": 0, "params": {{}}, "metrics": {{"accuracy": {{"name": "accuracy", "value": {acc}, "params": {{}}}}, "stderr": {{"name": "stderr", "value": {se}, "params": {{}}}}}}}}]}}"#,
            total = self.samples.len(),
            s = self.scorer,
        ))
    }

    /// `header.json`: the log without samples and reductions.
    pub fn header(&self) -> String {
        let mut h = format!(
            r#"{{"version": 2, "status": "{}", "eval": {}, "plan": {}"#,
            self.status,
            self.eval(),
            self.plan()
        );
        if let Some(r) = self.results() {
            h.push_str(&format!(", \"results\": {r}"));
        }
        h.push_str(r#", "stats": {"started_at": "2026-11-23T00:39:24+00:00", "completed_at": "2026-11-23T00:39:30+00:00", "model_usage": {}}"#);
        if let Some(e) = &self.error {
            h.push_str(&format!(
                r#", "error": {{"message": "{e}", "traceback": "Traceback (most recent call last):\n  ...", "traceback_ansi": ""}}"#
            ));
        }
        h.push_str(", \"invalidated\": false, \"tags\": [], \"metadata\": {}}");
        h
    }

    /// `_journal/start.json`.
    pub fn start(&self) -> String {
        format!(
            r#"{{"version": 2, "eval": {}, "plan": {}}}"#,
            self.eval(),
            self.plan()
        )
    }

    pub fn sample_json(&self, s: &Sample) -> String {
        let scores = if s.error.is_some() {
            "{}".to_owned()
        } else {
            let metadata = s
                .score_metadata
                .as_ref()
                .map(|m| format!(r#", "metadata": {m}"#))
                .unwrap_or_default();
            format!(
                r#"{{"{}": {{"value": {}, "answer": "x", "explanation": "the answer"{metadata}, "history": []}}}}"#,
                self.scorer, s.value
            )
        };
        let error = match &s.error {
            Some(e) => format!(
                r#", "error": {{"message": "{e}", "traceback": "tb", "traceback_ansi": "tb"}}"#
            ),
            None => String::new(),
        };
        format!(
            r#"{{"id": {id}, "epoch": {epoch}, "input": "What is it?", "target": "A", "messages": [{{"role": "user", "content": "What is it?", "source": "input"}}], "output": {{"model": "mockllm/model", "choices": [{{"message": {{"role": "assistant", "content": "answer {bare}", "source": "generate"}}, "stop_reason": "stop"}}], "completion": "answer {bare}", "usage": {{"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}}}}, "scores": {scores}, "metadata": {{"group": "{group}", "operands": [1, 2]}}, "store": {{}}, "events": [{{"event": "sample_init", "timestamp": "2026-11-23T00:39:24+00:00"}}], "model_usage": {{}}, "total_time": 0.1, "working_time": 0.1, "uuid": "u-{epoch}"{error}, "attachments": {{}}}}"#,
            id = s.id,
            bare = s.id.trim_matches('"'),
            epoch = s.epoch,
            group = s.group,
        )
    }

    pub fn summary_json(&self, s: &Sample) -> String {
        let error = match &s.error {
            Some(e) => format!(r#", "error": "{e}""#),
            None => String::new(),
        };
        format!(
            r#"{{"id": {}, "epoch": {}, "input": "What is it?", "target": "A", "metadata": {{"group": "{}"}}, "scores": {{}}{error}, "completed": true}}"#,
            s.id, s.epoch, s.group
        )
    }

    pub fn summaries(&self) -> String {
        let rows: Vec<String> = self.samples.iter().map(|s| self.summary_json(s)).collect();
        format!("[{}]", rows.join(", "))
    }

    pub fn reductions_json(&self) -> Option<String> {
        let rows = self.reductions.as_ref()?;
        let rows: Vec<String> = rows
            .iter()
            .map(|(id, v)| {
                format!(r#"{{"value": {v}, "answer": "x", "history": [], "sample_id": {id}}}"#)
            })
            .collect();
        Some(format!(
            r#"[{{"scorer": "{}", "samples": [{}]}}]"#,
            self.scorer,
            rows.join(", ")
        ))
    }

    /// The member name of a sample (`samples/<id>_epoch_<n>.json`).
    pub fn member(s: &Sample) -> String {
        format!("samples/{}_epoch_{}.json", s.id.trim_matches('"'), s.epoch)
    }

    /// The members of a finished `.eval` log, in Inspect's writing order.
    pub fn members(&self) -> Vec<(String, String)> {
        let mut m = vec![("_journal/start.json".to_owned(), self.start())];
        for s in &self.samples {
            m.push((Log::member(s), self.sample_json(s)));
        }
        m.push(("_journal/summaries/1.json".into(), self.summaries()));
        m.push(("summaries.json".into(), self.summaries()));
        if let Some(r) = self.reductions_json() {
            m.push(("reductions.json".into(), r));
        }
        m.push(("header.json".into(), self.header()));
        m
    }

    /// The members after a hard kill: no header, summaries or reductions.
    pub fn killed_members(&self) -> Vec<(String, String)> {
        let mut m = vec![("_journal/start.json".to_owned(), self.start())];
        for s in &self.samples {
            m.push((Log::member(s), self.sample_json(s)));
        }
        m.push(("_journal/summaries/1.json".into(), self.summaries()));
        m
    }

    /// The `--log-format json` document.
    pub fn json(&self) -> String {
        let h = self.header();
        let body = h.strip_suffix('}').expect("header object");
        let samples: Vec<String> = self.samples.iter().map(|s| self.sample_json(s)).collect();
        let mut doc = format!("{body}, \"samples\": [{}]", samples.join(", "));
        if let Some(r) = self.reductions_json() {
            doc.push_str(&format!(", \"reductions\": {r}"));
        }
        doc.push('}');
        doc
    }
}

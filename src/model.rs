//! The normalized evidence model: what every reader produces and every check consumes.
//!
//! A [`Run`] is one evaluation of one model, as one results file records it. Readers fill it
//! from whatever format they read; checks never look at the source format again. Values are
//! kept as written: a metric that the file records as `NaN` is `f64::NAN` here, and the
//! checks decide what that means (it never passes).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// The evaluation framework that wrote a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Tool {
    #[serde(rename = "lm-eval")]
    LmEval,
    #[serde(rename = "lmms-eval")]
    LmmsEval,
    #[serde(rename = "helm")]
    Helm,
    #[serde(rename = "inspect")]
    Inspect,
    #[serde(rename = "lighteval")]
    Lighteval,
    #[serde(rename = "promptfoo")]
    Promptfoo,
    #[serde(rename = "eee")]
    Eee,
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tool::LmEval => "lm-eval",
            Tool::LmmsEval => "lmms-eval",
            Tool::Helm => "HELM",
            Tool::Inspect => "Inspect AI",
            Tool::Lighteval => "lighteval",
            Tool::Promptfoo => "promptfoo",
            Tool::Eee => "Every Eval Ever",
        })
    }
}

/// What role an input plays in a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Current,
    Baseline,
    /// Earlier runs a `trend` follows.
    History,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Current => "current",
            Role::Baseline => "baseline",
            Role::History => "history",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The file a run was read from.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The path as found (relative paths stay relative, so reports are portable).
    pub path: PathBuf,
    pub sha256: String,
    pub bytes: u64,
}

/// Format and tool version of a results file.
#[derive(Debug, Clone, Serialize)]
pub struct Format {
    pub tool: Tool,
    /// The version the file states (`lm_eval_version`, `lmms_eval_version`), if any.
    pub version: Option<String>,
    /// The version range the file's keys imply, when it states none (or states `unknown`).
    pub inferred: Option<String>,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.tool)?;
        match (&self.version, &self.inferred) {
            (Some(v), None) => write!(f, " {v}"),
            (Some(v), Some(i)) => write!(f, " {v} ({i}, inferred from its keys)"),
            (None, Some(i)) => write!(f, " {i} (inferred from its keys)"),
            (None, None) => Ok(()),
        }
    }
}

/// The model a run evaluated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ModelInfo {
    /// `model_name`, else the `pretrained`/`model`/`path`/`engine` model argument.
    pub name: Option<String>,
    /// The framework's model type (`hf`, `vllm`, `openai-chat-completions`, …).
    pub backend: Option<String>,
    /// The model arguments as written.
    pub args: Option<String>,
    pub revision: Option<String>,
    pub sha: Option<String>,
    pub dtype: Option<String>,
    pub num_parameters: Option<u64>,
}

/// What a results file records about how it was made (S7P4 builds on this).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Provenance {
    pub tool_version: Option<String>,
    pub git_hash: Option<String>,
    /// ISO 8601 (UTC) when the file gives UNIX time; otherwise as written.
    pub date: Option<String>,
    /// `random_seed`, `numpy_seed`, `torch_seed`, `fewshot_seed` as present (null is absent).
    pub seeds: BTreeMap<String, i64>,
    /// `config.limit` (`--limit`), when the run was limited.
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub limit: Option<f64>,
    pub batch_size: Option<String>,
    pub bootstrap_iters: Option<i64>,
    pub gen_kwargs: Option<String>,
    /// Few-shot count per task (`n-shot`; v0.3 files give one `num_fewshot` for all, as `*`).
    pub num_fewshot: BTreeMap<String, i64>,
    /// Task versions as written (`1`, `"3.0"`, `"Yaml"`, …).
    pub task_versions: BTreeMap<String, String>,
    /// `task_hashes`: a sha256 per task over its samples.
    pub task_hashes: BTreeMap<String, String>,
    pub transformers_version: Option<String>,
    pub chat_template_sha: Option<String>,
    pub system_instruction_sha: Option<String>,
    /// Generation and adaptation parameters as written (HELM's `adapter_spec`: method,
    /// temperature, max_tokens, num_outputs, num_train_trials, num_trials, random, …).
    pub generation: BTreeMap<String, String>,
    /// The run's configuration block was written (lm-eval `config`, lmms-eval ≤ 0.2.2
    /// `model_configs`, HELM `adapter_spec`).
    pub config_recorded: bool,
    /// Environment records by key (`pretty_env_info`: its first line; `transformers_version`;
    /// `upper_git_hash`), `N/A` values left out.
    pub environment: BTreeMap<String, String>,
    /// Per task, its `output_type` and whether its config sets `generation_kwargs`
    /// (lm-eval `configs`).
    pub task_outputs: BTreeMap<String, (String, bool)>,
    /// The `revision=` of `model_args`, when given.
    pub model_args_revision: Option<String>,
    /// HELM: the scenario as `class_name(args)`, from `scenario_spec`.
    pub scenario: Option<String>,
    /// HELM: `adapter_spec.model_deployment`.
    pub model_deployment: Option<String>,
    /// Inspect AI: `eval.task_file`, the file that defines the task (relative to where the
    /// run was started).
    pub task_file: Option<String>,
    /// Inspect AI: `eval.revision.dirty` — the task's repository had uncommitted changes.
    pub git_dirty: Option<bool>,
    /// Inspect AI: `eval.config.limit` as a `[start, end)` range (`--limit 5-15` is
    /// `[4, 15]`); `limit` then holds the number of samples it selects.
    pub limit_range: Option<(u64, u64)>,
    /// The evaluation data per task, as the file names it (lm-eval: the task config's
    /// `dataset_path` and `dataset_name`; Inspect AI: `eval.dataset` name or location, and
    /// its size).
    pub datasets: BTreeMap<String, String>,
}

impl Provenance {
    /// One line naming what is present, for `inspect` and table summaries.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.tool_version {
            parts.push(format!("tool {v}"));
        }
        if let Some(g) = &self.git_hash {
            parts.push(format!("git {g}"));
        }
        if let Some(d) = &self.date {
            parts.push(format!("date {d}"));
        }
        if !self.seeds.is_empty() {
            let s: Vec<String> = self.seeds.iter().map(|(k, v)| format!("{k}={v}")).collect();
            parts.push(format!("seeds {}", s.join(" ")));
        }
        match (self.limit, self.limit_range) {
            (_, Some((a, b))) => parts.push(format!(
                "limit [{a}, {b}) ({} samples)",
                b.saturating_sub(a)
            )),
            (Some(l), None) => parts.push(format!("limit {}", crate::num::fmt(l))),
            (None, None) if self.config_recorded => parts.push("no limit".into()),
            (None, None) => parts.push("limit not recorded".into()),
        }
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        if !self.task_hashes.is_empty() {
            parts.push(count(self.task_hashes.len(), "task hash").replace("hashs", "hashes"));
        }
        if !self.task_versions.is_empty() {
            parts.push(count(self.task_versions.len(), "task version"));
        }
        if let Some(t) = &self.task_file {
            parts.push(format!("task file {t}"));
        }
        if let Some(t) = &self.transformers_version {
            parts.push(format!("transformers {t}"));
        }
        if self.chat_template_sha.is_some() {
            parts.push("chat template sha".into());
        }
        for key in [
            "method",
            "temperature",
            "max_tokens",
            "num_train_trials",
            "num_trials",
            "random",
            "epochs",
        ] {
            if let Some(v) = self.generation.get(key) {
                parts.push(format!("{key} {v}"));
            }
        }
        parts.join(", ")
    }
}

/// A task (or group) of a run. A reader sets what its format records and leaves the rest
/// to `..TaskInfo::default()` (nothing recorded).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskInfo {
    pub name: String,
    /// Display alias with lm-eval's indentation prefixes (`" - "`) removed.
    pub alias: Option<String>,
    pub is_group: bool,
    /// Direct children of a group (`group_subtasks`).
    pub subtasks: Vec<String>,
    /// `n-samples.original`: documents in the task's split.
    pub n_original: Option<u64>,
    /// `n-samples.effective` (or `sample_len`): documents actually evaluated.
    pub n_effective: Option<u64>,
    /// Filter names in the order the framework applies them (`configs.filter_list`, else
    /// the order of the metric keys). Samples lines without a `filter` field are assigned
    /// to these by their order of appearance.
    pub filters: Vec<String>,
    /// The per-sample values written by the same run, if found.
    pub samples: Option<SampleSource>,
    /// HELM: the run's `scenario_state.json`, whose instances carry the metadata a fairness
    /// check can group by.
    pub instances: Option<PathBuf>,
    /// Inspect AI: samples that ended in an error. Inspect leaves them out of its metrics
    /// (and of `scored_samples`) without a warning; govgate counts them.
    pub errored: Option<u64>,
    /// Inspect AI: `eval.config.epochs`, each sample's repeats (reduced into one value).
    pub epochs: Option<u64>,
    /// HELM: instances evaluated per split (`num_instances` of each split, unperturbed).
    /// `max_eval_instances` caps the splits together, so a limit is judged on their sum.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub split_counts: BTreeMap<String, u64>,
    /// Inspect AI: samples scored NaN (`Score.unscored()`, e.g. a grader that could not be
    /// parsed), which Inspect leaves out of its metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unscored: Option<u64>,
    /// Inspect AI: samples answered, in part, by a fallback model (`model_fallbacks`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<u64>,
    /// What the task's numbers measured beyond the metric's name: the settings that, when
    /// two runs differ in them, make their numbers incomparable. Each reader fills in what
    /// its format records (lm-eval: version, n-shot, task hash, limit, dataset; HELM:
    /// scenario, adapter settings, max_eval_instances; Inspect AI: task version, dataset,
    /// sample ids, scorers, limit); [`crate::comparability`] compares them.
    pub measured: BTreeMap<Aspect, String>,
}

/// A setting that defines what an evaluation measured. Two runs that differ in one measured
/// different things, and their numbers are not compared unless the rubric accepts the
/// difference (`accept_differences:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// lm-eval `versions`; Inspect AI `task_version` (inspect_evals' `N-X`: only `N`
    /// decides comparability).
    TaskVersion,
    /// In-context examples: lm-eval `n-shot`, HELM `max_train_instances`.
    NShot,
    /// lm-eval `task_hashes` (a hash over the task's documents, prompts and targets).
    TaskHash,
    /// Per document: lm-eval samples logs' `doc_hash` (found while pairing documents).
    Documents,
    /// lm-eval `--limit`, HELM `max_eval_instances`, Inspect AI `--limit`.
    Limit,
    /// The evaluation data as named: lm-eval `dataset_path`/`dataset_name`, Inspect AI
    /// `eval.dataset` name and location.
    Dataset,
    /// The evaluated sample ids (Inspect AI), as a fingerprint of the sorted list.
    Samples,
    /// The scorers and their parameters (Inspect AI).
    Scorer,
    /// HELM `scenario_spec`.
    Scenario,
    /// HELM `adapter_spec.method`.
    Method,
    /// HELM prompt settings: instructions, prefixes, suffixes, separators.
    Prompt,
    /// HELM `adapter_spec.num_outputs`.
    Outputs,
    /// HELM `adapter_spec.num_trials` and `num_train_trials`.
    Trials,
}

impl Aspect {
    pub const ALL: [Aspect; 13] = [
        Aspect::TaskVersion,
        Aspect::NShot,
        Aspect::TaskHash,
        Aspect::Documents,
        Aspect::Limit,
        Aspect::Dataset,
        Aspect::Samples,
        Aspect::Scorer,
        Aspect::Scenario,
        Aspect::Method,
        Aspect::Prompt,
        Aspect::Outputs,
        Aspect::Trials,
    ];

    /// The rubric spelling (`accept_differences: [n_shot]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::TaskVersion => "task_version",
            Aspect::NShot => "n_shot",
            Aspect::TaskHash => "task_hash",
            Aspect::Documents => "documents",
            Aspect::Limit => "limit",
            Aspect::Dataset => "dataset",
            Aspect::Samples => "samples",
            Aspect::Scorer => "scorer",
            Aspect::Scenario => "scenario",
            Aspect::Method => "method",
            Aspect::Prompt => "prompt",
            Aspect::Outputs => "outputs",
            Aspect::Trials => "trials",
        }
    }

    /// How a message names it.
    pub fn label(self) -> &'static str {
        match self {
            Aspect::TaskVersion => "task version",
            Aspect::NShot => "n-shot",
            Aspect::TaskHash => "task hash",
            Aspect::Documents => "documents",
            Aspect::Limit => "limit",
            Aspect::Dataset => "dataset",
            Aspect::Samples => "sample ids",
            Aspect::Scorer => "scorer",
            Aspect::Scenario => "scenario",
            Aspect::Method => "adaptation method",
            Aspect::Prompt => "prompt settings",
            Aspect::Outputs => "outputs per request",
            Aspect::Trials => "trials",
        }
    }

    pub fn parse(s: &str) -> Option<Aspect> {
        Aspect::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where a task's per-sample values are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "kebab-case")]
pub enum SampleSource {
    /// An lm-eval / lmms-eval samples log (JSON Lines, one array, or the lmms wrapper).
    LmEval(PathBuf),
    /// A HELM run's `per_instance_stats.json`.
    HelmPerInstance(PathBuf),
    /// An Inspect AI log (`.eval` or JSON): its `reductions` and samples.
    Inspect(PathBuf),
    /// A lighteval details Parquet: one row per document, `doc.id` and `metric.<name>`.
    Lighteval(PathBuf),
    /// A promptfoo output (JSON or JSON Lines) and the task (prompt × provider) whose rows
    /// are the per-test values.
    Promptfoo(PathBuf, String),
    /// An Every Eval Ever `_samples.jsonl` and the task (`evaluation_name` less its
    /// `/<filter>`) whose lines are the per-sample scores.
    Eee(PathBuf, String),
}

impl SampleSource {
    pub fn path(&self) -> &std::path::Path {
        match self {
            SampleSource::LmEval(p)
            | SampleSource::HelmPerInstance(p)
            | SampleSource::Inspect(p)
            | SampleSource::Lighteval(p)
            | SampleSource::Promptfoo(p, _)
            | SampleSource::Eee(p, _) => p,
        }
    }
}

/// A perturbation a HELM run applied (seen in its `computed_on: perturbed` rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Perturbation {
    pub name: String,
    pub robustness: bool,
    pub fairness: bool,
}

/// Where a metric's direction came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DirectionSource {
    /// The results file's `higher_is_better` map.
    File,
    /// The task config's `metric_list[].higher_is_better`.
    TaskConfig,
    /// govgate's built-in table of well-known metric names.
    BuiltIn,
    /// The rubric said so.
    Rubric,
}

impl fmt::Display for DirectionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DirectionSource::File => "file",
            DirectionSource::TaskConfig => "task config",
            DirectionSource::BuiltIn => "built-in",
            DirectionSource::Rubric => "rubric",
        })
    }
}

/// Which stderr key a metric's stderr was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StderrKind {
    /// `<metric>_stderr`
    Stderr,
    /// lmms-eval's `<metric>_stderr_clustered`
    Clustered,
    /// lmms-eval's `<metric>_stderr_clt`
    Clt,
    /// Computed from the per-instance values (HELM `per_instance_stats.json`): the sample
    /// standard deviation over instances divided by √n.
    PerInstance,
    /// Of a group's plain mean of its tasks' values: `sqrt(Σ seᵢ²) / k` from the tasks'
    /// standard errors (lighteval's `all`, whose own `_stderr` averages them instead).
    OfMean,
}

/// One number a run reports.
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    pub task: String,
    pub name: String,
    /// lm-eval filter (`none`, `strict-match`, …); `None` for files without filters (v0.3).
    pub variant: Option<String>,
    /// As written; may be non-finite.
    #[serde(serialize_with = "crate::num::ser")]
    pub value: f64,
    /// `None` when absent or `"N/A"`.
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub stderr: Option<f64>,
    pub stderr_kind: Option<StderrKind>,
    /// Sample size behind the value, when the file says.
    pub n: Option<u64>,
    pub higher_is_better: Option<bool>,
    pub direction_source: Option<DirectionSource>,
    pub is_group: bool,
    /// Bookkeeping, not performance (HELM's general-information and efficiency stats:
    /// token counts, finish reasons, runtime). Selectors whose metric part is a pattern
    /// skip these; naming one exactly still selects it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub informational: bool,
    /// The value's spread across repeated trials within the run (HELM: a Stat with
    /// `count` > 1 averages that many train trials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trials: Option<TrialSpread>,
}

/// A value's spread across the trials of one run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrialSpread {
    /// Trials behind the value.
    pub count: u64,
    /// Their sample standard deviation (ddof = 1).
    pub sd: f64,
}

impl Metric {
    /// Identity used to pair a metric across runs.
    pub fn key(&self) -> (&str, &str, Option<&str>) {
        (&self.task, &self.name, self.variant.as_deref())
    }

    /// `task/metric@variant`, unescaped, for messages.
    pub fn label(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}@{}", self.task, self.name, v),
            None => format!("{}/{}", self.task, self.name),
        }
    }
}

/// One evaluation of one model.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub source: Source,
    /// The framework's own name of the run, when it has one (HELM's `run_spec.name`; a
    /// helm-summarize table row's model).
    pub name: Option<String>,
    pub format: Format,
    pub model: ModelInfo,
    pub provenance: Provenance,
    pub tasks: Vec<TaskInfo>,
    pub metrics: Vec<Metric>,
    /// Perturbations the run applied (HELM).
    pub perturbations: Vec<Perturbation>,
    /// Stats the file lists with no value (HELM `count: 0`): never measured, so not metrics.
    pub unmeasured: Vec<String>,
    /// Set when the file records a run that did not finish (Inspect AI `status` other than
    /// `success`). Nothing read from such a run passes a check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<Unfinished>,
    /// Metrics the file holds whose value is not a number (lmms-eval's
    /// `accuracy_by_topic,none`: a JSON object): present, listed, never gated. A selector
    /// naming one exactly is an `error` that says why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_numeric: Vec<NotNumeric>,
}

impl Run {
    /// A run of what a reader found, with nothing of the kinds only some formats record
    /// (perturbations, unmeasured stats, an unfinished status, non-numeric metrics).
    pub fn of(
        source: Source,
        format: Format,
        model: ModelInfo,
        provenance: Provenance,
        tasks: Vec<TaskInfo>,
        metrics: Vec<Metric>,
    ) -> Run {
        Run {
            source,
            name: None,
            format,
            model,
            provenance,
            tasks,
            metrics,
            perturbations: Vec::new(),
            unmeasured: Vec::new(),
            unfinished: None,
            not_numeric: Vec::new(),
        }
    }
}

/// A metric whose value is not a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotNumeric {
    pub task: String,
    pub name: String,
    pub variant: Option<String>,
    /// What the value is: "a JSON object", "a list", "text".
    pub kind: String,
}

impl NotNumeric {
    pub fn label(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}@{}", self.task, self.name, v),
            None => format!("{}/{}", self.task, self.name),
        }
    }
}

/// A run that did not finish, as its log says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unfinished {
    /// The framework's status (`error`, `cancelled`, `started`).
    pub status: String,
    /// The error message, when the log has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl fmt::Display for Unfinished {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "status `{}`", self.status)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

impl Run {
    /// The most specific version of the model a run records (`model_sha`, revision,
    /// `revision=` in model_args, HELM deployment).
    fn model_version(&self) -> Option<&str> {
        self.model
            .sha
            .as_deref()
            .or(self.model.revision.as_deref())
            .or(self.provenance.model_args_revision.as_deref())
            .or(self.provenance.model_deployment.as_deref())
            .filter(|v| !v.is_empty())
    }

    /// The model a run evaluated: its name and, when recorded, the most specific version.
    /// Runs group (trends, repeats, trials, duplicate warnings) only under one key; a run
    /// whose file names no model has a key of its own.
    pub fn model_key(&self) -> String {
        // a run that records no model is like no other run: never grouped by a guess
        if self.model.name.is_none() {
            return format!("? {}", self.source.path.display());
        }
        format!(
            "{} {}",
            self.model.name.as_deref().unwrap_or("?"),
            self.model_version().unwrap_or("")
        )
        .trim()
        .to_owned()
    }

    /// The model a run evaluated as people write it: `name@version`, or the name.
    pub fn model_display(&self) -> String {
        let name = self.model.name.as_deref().unwrap_or("?");
        match self.model_version() {
            Some(v) => format!("{name}@{v}"),
            None => name.to_owned(),
        }
    }

    pub fn task(&self, name: &str) -> Option<&TaskInfo> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// The path as a display string (with the row, for a table row).
    pub fn label(&self) -> String {
        match (&self.format.tool, &self.name) {
            (Tool::Helm, Some(n))
                if self
                    .source
                    .path
                    .file_name()
                    .is_some_and(|f| f != "stats.json") =>
            {
                format!("{} [{n}]", self.source.path.display())
            }
            _ => self.source.path.display().to_string(),
        }
    }
}

/// All evidence of a gate, by role.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub current: Vec<Run>,
    pub baseline: Vec<Run>,
    /// Records files of the validated reference window (`drift`).
    pub reference: Vec<PathBuf>,
    /// Records files of the production window (`drift`, S7P6 checks).
    pub production: Vec<PathBuf>,
    /// Request (traffic) records files (`feedback` coverage).
    pub requests: Vec<PathBuf>,
    /// Earlier evaluation runs (`trend`).
    pub history: Vec<Run>,
    /// The time `feedback` ages and `last:` windows are measured to (`--now`, UNIX
    /// seconds); `None`: the newest timestamp in the records read.
    pub now: Option<f64>,
}

impl Evidence {
    pub fn runs(&self, role: Role) -> &[Run] {
        match role {
            Role::Current => &self.current,
            Role::Baseline => &self.baseline,
            Role::History => &self.history,
        }
    }
}

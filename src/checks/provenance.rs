//! `provenance`: the evidence says exactly what ran.
//!
//! ## What it checks
//! Every current run records each required item. What an item means per format:
//!
//! `config`, `seeds`, `tool_version`, `git_hash`, `model_revision`, `generation`,
//! `task_versions`, `task_hashes`, `environment`, `date` and `dataset`; the fields each
//! means in lm-eval / lmms-eval, HELM and Inspect AI files are tabulated in
//! `docs/checks/provenance.md` (and `govgate rubric explain provenance`), and [`assess`]
//! names the field it looked for in every finding.
//!
//! With `forbid_limit: true` the run must not be limited: lm-eval `config.limit` unset (or
//! above every task's count) and every document evaluated; HELM `max_eval_instances` not
//! reached by the instances of all splits together. A file that records no configuration
//! (a helm-summarize table) leaves the limit unknown: `missing`, naming what would have told.
//!
//! ## Why it matters
//! A score without its seeds, versions and revision cannot be reproduced, and a score that
//! cannot be reproduced cannot be relied on (EU AI Act Annex IV 1(a), 2; NIST AI RMF
//! MEASURE 2.1).
//!
//! ## Configuration
//! ```yaml
//! - id: provenance-complete
//!   level: 2
//!   provenance: { require: [seeds, tool_version, git_hash, model_revision, generation,
//!                           task_versions, environment, date], forbid_limit: true }
//! ```
//!
//! ## Failure
//! A missing or empty item fails and names the field it looked for. No current run is
//! `missing`.

use serde::Serialize;

use super::limit::{self, Limit};
use super::{Detail, Finding, Status};
use crate::model::{Evidence, Run, Tool};
use crate::rubric::Provenance as ProvenanceCheck;

/// The provenance items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Config,
    Seeds,
    ToolVersion,
    GitHash,
    ModelRevision,
    Generation,
    TaskVersions,
    TaskHashes,
    Environment,
    Date,
    Dataset,
}

impl Item {
    pub const ALL: [Item; 11] = [
        Item::Config,
        Item::Seeds,
        Item::ToolVersion,
        Item::GitHash,
        Item::ModelRevision,
        Item::Generation,
        Item::TaskVersions,
        Item::TaskHashes,
        Item::Environment,
        Item::Date,
        Item::Dataset,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Item::Config => "config",
            Item::Seeds => "seeds",
            Item::ToolVersion => "tool_version",
            Item::GitHash => "git_hash",
            Item::ModelRevision => "model_revision",
            Item::Generation => "generation",
            Item::TaskVersions => "task_versions",
            Item::TaskHashes => "task_hashes",
            Item::Environment => "environment",
            Item::Date => "date",
            Item::Dataset => "dataset",
        }
    }

    pub fn parse(s: &str) -> Option<Item> {
        Item::ALL.into_iter().find(|i| i.name() == s)
    }
}

/// One item of one run.
#[derive(Debug, Clone, Serialize)]
pub struct ItemStatus {
    pub item: Item,
    pub present: bool,
    /// What was found, short.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// The field(s) looked for.
    pub looked_for: String,
}

/// The numbers behind a provenance finding.
#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceDetail {
    pub items: Vec<ItemStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited: Option<String>,
}

fn status(item: Item, found: Option<String>, looked_for: impl Into<String>) -> ItemStatus {
    ItemStatus {
        item,
        present: found.is_some(),
        found,
        looked_for: looked_for.into(),
    }
}

/// lighteval's own places for the items its layout records differently; `None` for the
/// items read as lm-eval's (task versions and hashes, the date, the dataset).
fn assess_lighteval(run: &Run, item: Item) -> Option<ItemStatus> {
    let p = &run.provenance;
    Some(match item {
        Item::Config => status(
            item,
            p.config_recorded.then(|| "config_general".into()),
            "`config_general`",
        ),
        Item::Seeds => status(
            item,
            p.seeds.get("seed").map(|s| format!("seed={s}")),
            "`config_general.model_config.seed`",
        ),
        Item::ToolVersion => status(
            item,
            None,
            "a version: lighteval writes none into its results (`lighteval_sha` is its git hash)",
        ),
        Item::GitHash => status(
            item,
            p.git_hash.clone(),
            "`config_general.lighteval_sha` (`?` when lighteval ran from an installed package)",
        ),
        Item::ModelRevision => status(
            item,
            run.model
                .sha
                .clone()
                .map(|s| format!("model_sha {s}"))
                .or_else(|| {
                    run.model
                        .revision
                        .as_ref()
                        .filter(|r| is_commit(r))
                        .map(|r| format!("revision {r}"))
                }),
            "`config_general.model_sha` or `model_config.revision`, as a commit",
        ),
        Item::Generation => {
            let set: Vec<String> = p
                .generation
                .iter()
                .filter(|(k, v)| *k != "num_fewshot_seeds" && v.as_str() != "null")
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            status(
                item,
                (!set.is_empty()).then(|| format!("generation_parameters: {}", set.join(", "))),
                "`config_general.model_config.generation_parameters`",
            )
        }
        Item::Environment => status(
            item,
            None,
            "an environment record: lighteval writes none into its results",
        ),
        _ => return None,
    })
}

/// promptfoo's places: its export records the config, its version, Node's, the date and
/// `--repeat`; no seed, git hash, model revision or task version (the suite is pinned by
/// its tests, which comparability fingerprints).
fn assess_promptfoo(run: &Run, item: Item) -> ItemStatus {
    let p = &run.provenance;
    let none = |what: &str| status(item, None, format!("{what}: promptfoo records none"));
    match item {
        Item::Config => status(
            item,
            p.config_recorded.then(|| "config".into()),
            "`config` (the JSON export; JSON Lines rows carry none)",
        ),
        Item::ToolVersion => status(item, p.tool_version.clone(), "`metadata.promptfooVersion`"),
        Item::Date => status(item, p.date.clone(), "`metadata.evaluationCreatedAt`"),
        Item::Environment => status(
            item,
            p.environment.get("node").map(|n| format!("node {n}")),
            "`metadata.nodeVersion`",
        ),
        Item::Generation => status(
            item,
            p.generation.get("repeat").map(|r| format!("repeat {r}")),
            "`runtimeOptions.repeat`",
        ),
        Item::Dataset => status(
            item,
            (!p.datasets.is_empty()).then(|| "config.description".into()),
            "`config.description`",
        ),
        Item::Seeds => none("a seed"),
        Item::GitHash => none("a git hash"),
        Item::ModelRevision => none("a model revision (providers are named, not pinned)"),
        Item::TaskVersions => none("a task version"),
        Item::TaskHashes => status(
            item,
            run.tasks
                .iter()
                .all(|t| t.measured.contains_key(&crate::model::Aspect::Samples))
                .then(|| format!("{} test-suite fingerprint(s)", run.tasks.len())),
            "the tests of each prompt × provider (description and vars)",
        ),
    }
}

/// Every Eval Ever's places: the schema keeps the evaluating library and its version, the
/// date, the dataset and (for generative tasks) the few-shot count; seeds, git hashes and
/// task versions of the source framework are not carried over by its converters.
fn assess_eee(run: &Run, item: Item) -> ItemStatus {
    let p = &run.provenance;
    let none = |what: &str| {
        status(
            item,
            None,
            format!("{what}: Every Eval Ever 0.3 records none (its converters drop it)"),
        )
    };
    match item {
        Item::Config => status(
            item,
            p.environment
                .get("eee_schema")
                .map(|v| format!("schema {v}")),
            "`schema_version`",
        ),
        Item::ToolVersion => status(
            item,
            p.tool_version.clone(),
            "`eval_library.name` and `version`",
        ),
        Item::Date => status(item, p.date.clone(), "`evaluation_timestamp`"),
        Item::Dataset => status(
            item,
            (!p.datasets.is_empty()).then(|| format!("{} dataset(s)", p.datasets.len())),
            "`evaluation_results[].source_data.dataset_name`",
        ),
        Item::Generation => status(
            item,
            (!p.num_fewshot.is_empty()).then(|| "num_fewshot".into()),
            "`evaluation_results[].generation_config`",
        ),
        Item::TaskHashes => status(
            item,
            run.tasks
                .iter()
                .all(|t| t.samples.is_some())
                .then(|| "sample_hash per sample (checksum-verified samples files)".into()),
            "a `_samples.jsonl` beside the aggregate, with `sample_hash` per sample",
        ),
        Item::Seeds => none("a seed"),
        Item::GitHash => none("a git hash"),
        Item::ModelRevision => none("a model revision"),
        Item::TaskVersions => none("a task version"),
        Item::Environment => none("an environment"),
    }
}

/// A pinned commit: 7 to 64 hexadecimal digits.
fn is_commit(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a run records `item`, and where it looked.
pub fn assess(run: &Run, item: Item) -> ItemStatus {
    if run.format.tool == Tool::Inspect {
        return assess_inspect(run, item);
    }
    if item == Item::Dataset {
        return dataset(run);
    }
    if run.format.tool == Tool::Lighteval
        && let Some(s) = assess_lighteval(run, item)
    {
        return s;
    }
    if run.format.tool == Tool::Promptfoo {
        return assess_promptfoo(run, item);
    }
    if run.format.tool == Tool::Eee {
        return assess_eee(run, item);
    }
    let p = &run.provenance;
    let helm = run.format.tool == Tool::Helm;
    let lmms = run.format.tool == Tool::LmmsEval;
    let tasks = leaf_tasks(run);
    match (item, helm) {
        (Item::Config, false) => status(
            item,
            p.config_recorded.then(|| "config".into()),
            if lmms {
                "`config` (`model_configs` before lmms-eval 0.2.3)"
            } else {
                "`config`"
            },
        ),
        (Item::Config, true) => status(
            item,
            p.config_recorded.then(|| "adapter_spec".into()),
            "`adapter_spec` in run_spec.json",
        ),
        (Item::Seeds, false) => {
            let want = ["random_seed", "numpy_seed", "torch_seed", "fewshot_seed"];
            let missing: Vec<String> = want
                .iter()
                .filter(|s| !p.seeds.contains_key(**s))
                .map(|s| format!("`config.{s}`"))
                .collect();
            let found = missing.is_empty().then(|| {
                want.iter()
                    .map(|s| format!("{s}={}", p.seeds[*s]))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            let looked = if missing.is_empty() {
                "`config.random_seed`, `numpy_seed`, `torch_seed`, `fewshot_seed`".to_owned()
            } else {
                missing.join(", ")
            };
            status(item, found, looked)
        }
        (Item::Seeds, true) => status(
            item,
            p.generation.get("random").cloned(),
            "`adapter_spec.random`",
        ),
        (Item::ToolVersion, false) => status(
            item,
            run.format.version.clone(),
            if lmms {
                "`lmms_eval_version`"
            } else {
                "`lm_eval_version` (written since lm-eval 0.4.9)"
            },
        ),
        (Item::ToolVersion, true) => status(item, None, "a version: HELM writes none into a run"),
        (Item::GitHash, false) => status(item, p.git_hash.clone(), "`git_hash`"),
        (Item::GitHash, true) => status(item, None, "a git hash: HELM writes none into a run"),
        (Item::ModelRevision, false) => {
            let found = run
                .model
                .sha
                .as_ref()
                .map(|s| format!("model_sha {s}"))
                .or_else(|| {
                    run.model
                        .revision
                        .as_ref()
                        .filter(|r| is_commit(r))
                        .map(|r| format!("model_revision {r}"))
                })
                .or_else(|| {
                    p.model_args_revision
                        .as_ref()
                        .filter(|r| is_commit(r))
                        .map(|r| format!("revision={r}"))
                });
            let looked = match (&run.model.revision, &p.model_args_revision) {
                (Some(r), _) | (None, Some(r)) if !is_commit(r) && found.is_none() => format!(
                    "`config.model_sha` or a pinned commit; revision `{r}` is a branch or tag, \
                     not a commit"
                ),
                _ => "`config.model_sha`, `config.model_revision` or `revision=` in \
                      `model_args`, as a commit"
                    .to_owned(),
            };
            status(item, found, looked)
        }
        (Item::ModelRevision, true) => status(
            item,
            p.model_deployment.clone(),
            "`adapter_spec.model_deployment`",
        ),
        (Item::Generation, false) => {
            if let Some(g) = &p.gen_kwargs {
                return status(item, Some(format!("gen_kwargs {g}")), "`config.gen_kwargs`");
            }
            if p.task_outputs.is_empty() {
                return status(
                    item,
                    None,
                    "`config.gen_kwargs` or the tasks' `configs` (this file has neither)",
                );
            }
            let generating: Vec<(&String, bool)> = p
                .task_outputs
                .iter()
                .filter(|(_, (o, _))| o == "generate_until")
                .map(|(t, (_, g))| (t, *g))
                .collect();
            let without: Vec<&str> = generating
                .iter()
                .filter(|(_, g)| !*g)
                .map(|(t, _)| t.as_str())
                .collect();
            if generating.is_empty() {
                status(
                    item,
                    Some("no generating task (log-likelihood tasks only)".into()),
                    "`config.gen_kwargs`",
                )
            } else if without.is_empty() {
                status(
                    item,
                    Some(format!("generation_kwargs of {} task(s)", generating.len())),
                    "`configs.<task>.generation_kwargs`",
                )
            } else {
                status(
                    item,
                    None,
                    format!(
                        "`config.gen_kwargs`, or `generation_kwargs` in the configs of {}",
                        without.join(", ")
                    ),
                )
            }
        }
        (Item::Generation, true) => status(
            item,
            p.generation
                .get("method")
                .map(|m| format!("method {m}, {} settings", p.generation.len())),
            "`adapter_spec.method` and its settings",
        ),
        (Item::TaskVersions, false) => {
            // lmms-eval writes `Yaml` where lm-eval writes a number: no version at all; its
            // task hash (of the documents) is what pins an lmms-eval task
            let versioned = |t: &str| {
                p.task_versions
                    .get(t)
                    .is_some_and(|v| !v.is_empty() && v != "N/A" && v != "Yaml")
                    || (lmms && p.task_hashes.contains_key(t))
            };
            let missing: Vec<&str> = tasks.iter().copied().filter(|t| !versioned(t)).collect();
            let found = (missing.is_empty() && !tasks.is_empty())
                .then(|| format!("{} task version(s)", tasks.len()));
            let looked = match (missing.is_empty(), lmms) {
                (true, _) => "`versions`".to_owned(),
                (false, false) => format!("`versions` of {}", missing.join(", ")),
                (false, true) => format!(
                    "`versions` (lmms-eval writes `Yaml`, not a version) or `task_hashes` of {}",
                    missing.join(", ")
                ),
            };
            status(item, found, looked)
        }
        (Item::TaskVersions, true) => status(item, p.scenario.clone(), "`scenario_spec`"),
        (Item::TaskHashes, false) => {
            let missing: Vec<&str> = tasks
                .iter()
                .copied()
                .filter(|t| !p.task_hashes.contains_key(*t))
                .collect();
            let found = (missing.is_empty() && !tasks.is_empty())
                .then(|| format!("{} task hash(es)", tasks.len()));
            let looked = if missing.is_empty() {
                "`task_hashes`".to_owned()
            } else {
                format!(
                    "`task_hashes` of {} (written with --log_samples)",
                    missing.join(", ")
                )
            };
            status(item, found, looked)
        }
        (Item::TaskHashes, true) => status(
            item,
            None,
            "task hashes: HELM writes none (a govgate manifest pins the files)",
        ),
        (Item::Environment, false) => status(
            item,
            environment(p),
            if lmms {
                "`pretty_env_info` or `transformers_version` (lmms-eval writes neither)"
            } else {
                "`pretty_env_info` or `transformers_version`"
            },
        ),
        (Item::Environment, true) => {
            status(item, None, "an environment: HELM writes none into a run")
        }
        (Item::Date, false) => status(item, p.date.clone(), "`date`"),
        (Item::Date, true) => status(item, p.date.clone(), "`date` in the suite's summary.json"),
        (Item::Dataset, _) => dataset(run),
    }
}

/// The run's tasks that are not groups.
fn leaf_tasks(run: &Run) -> Vec<&str> {
    run.tasks
        .iter()
        .filter(|t| !t.is_group)
        .map(|t| t.name.as_str())
        .collect()
}

/// The environment records, `name value` joined; `None` when there are none.
fn environment(p: &crate::model::Provenance) -> Option<String> {
    (!p.environment.is_empty()).then(|| {
        p.environment
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// lm-eval / lmms-eval: every task's `dataset_path`; HELM: the scenario.
fn dataset(run: &Run) -> ItemStatus {
    let p = &run.provenance;
    if run.format.tool == Tool::Helm {
        return status(Item::Dataset, p.scenario.clone(), "`scenario_spec`");
    }
    let tasks = leaf_tasks(run);
    let missing: Vec<&str> = tasks
        .iter()
        .copied()
        .filter(|t| !p.datasets.contains_key(*t))
        .collect();
    let found = (missing.is_empty() && !tasks.is_empty()).then(|| {
        tasks
            .iter()
            .map(|t| p.datasets[*t].clone())
            .collect::<Vec<_>>()
            .join("; ")
    });
    let looked = if missing.is_empty() {
        "`configs.<task>.dataset_path`".to_owned()
    } else {
        format!("`configs.<task>.dataset_path` of {}", missing.join(", "))
    };
    status(Item::Dataset, found, looked)
}

/// What an Inspect AI log records, item by item (`formats-inspect.md` §3, §8).
fn assess_inspect(run: &Run, item: Item) -> ItemStatus {
    let p = &run.provenance;
    match item {
        Item::Config => status(
            item,
            p.config_recorded.then(|| "eval.config".into()),
            "`eval.config`",
        ),
        Item::Seeds => {
            if p.generation.get("sample_shuffle").map(String::as_str) == Some("true") {
                return status(
                    item,
                    None,
                    "a seed for the sample shuffle: `eval.config.sample_shuffle` is `true`, \
                     an unseeded shuffle (`--sample-shuffle <seed>`)",
                );
            }
            let found = p.seeds.get("seed").map(|_| {
                p.seeds
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            status(item, found, "`plan.config.seed` (`--seed`)")
        }
        Item::ToolVersion => status(
            item,
            run.format.version.clone(),
            "`eval.packages.inspect_ai`",
        ),
        Item::GitHash => match (&p.git_hash, p.git_dirty) {
            (Some(c), Some(true)) => status(
                item,
                None,
                format!(
                    "`eval.revision` of a clean tree: commit {c} had uncommitted changes \
                     (`dirty: true`), so the code that ran is not that commit"
                ),
            ),
            (Some(c), Some(false)) => {
                status(item, Some(format!("{c} (clean)")), "`eval.revision.commit`")
            }
            (Some(c), None) => status(
                item,
                Some(format!("{c} (clean or dirty not recorded)")),
                "`eval.revision.commit`",
            ),
            (None, _) => status(
                item,
                None,
                "`eval.revision.commit` (Inspect records it when the task runs from a git \
                 repository)",
            ),
        },
        Item::ModelRevision => status(
            item,
            run.model
                .revision
                .as_ref()
                .filter(|r| is_commit(r))
                .map(|r| format!("revision {r}")),
            "a pinned commit as `revision` in `eval.model_args` (`-M revision=<commit>`); \
             Inspect otherwise records only `provider/name`",
        ),
        Item::Generation => {
            let settings: Vec<String> = p
                .generation
                .iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "epochs" | "epochs_reducer" | "sample_shuffle")
                })
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            status(
                item,
                (!settings.is_empty()).then(|| settings.join(", ")),
                "generation settings in `plan.config` or `eval.model_generate_config` \
                 (`--temperature`, `--max-tokens`, …); none recorded means the provider's \
                 defaults",
            )
        }
        Item::TaskVersions => status(
            item,
            p.task_versions
                .values()
                .next()
                .map(|v| format!("task_version {v}")),
            "`eval.task_version`",
        ),
        Item::TaskHashes => status(
            item,
            None,
            "a hash of the samples: Inspect writes none (a govgate manifest pins the log)",
        ),
        Item::Environment => status(item, environment(p), "`eval.packages`"),
        Item::Date => status(item, p.date.clone(), "`eval.created`"),
        Item::Dataset => status(
            item,
            p.datasets.values().next().cloned(),
            "`eval.dataset` name or location",
        ),
    }
}

/// How a run was limited, if it was (the judgement [`limit::judge_run`] makes).
pub fn limited(run: &Run) -> Option<String> {
    match limit::judge_run(run) {
        Limit::Cut(why) => Some(why),
        _ => None,
    }
}

pub fn run(c: &ProvenanceCheck, evidence: &Evidence) -> Vec<Finding> {
    let expected = expected(c);
    if evidence.current.is_empty() {
        return vec![Finding {
            subject: "runs".into(),
            run: None,
            baseline: None,
            status: Status::Missing,
            message: "no current runs whose provenance could be read".into(),
            observed: "no runs".into(),
            expected,
            detail: None,
        }];
    }
    evidence
        .current
        .iter()
        .map(|r| finding(c, r, &expected))
        .collect()
}

fn expected(c: &ProvenanceCheck) -> String {
    let mut e: Vec<String> = c.require.iter().map(|i| i.name().to_owned()).collect();
    if c.forbid_limit {
        e.push("no limit".into());
    }
    e.join(", ")
}

fn finding(c: &ProvenanceCheck, run: &Run, expected: &str) -> Finding {
    let items: Vec<ItemStatus> = c.require.iter().map(|i| assess(run, *i)).collect();
    let judged = if c.forbid_limit {
        limit::judge_run(run)
    } else {
        Limit::Full
    };
    let limited = match &judged {
        Limit::Cut(why) => Some(why.clone()),
        _ => None,
    };
    let missing: Vec<String> = items
        .iter()
        .filter(|s| !s.present)
        .map(|s| format!("{} (looked for {})", s.item.name(), s.looked_for))
        .collect();
    let mut problems = missing.clone();
    if let Some(l) = &limited {
        problems.push(format!("the run was limited: {l}"));
    }
    let limit_unknown = match judged {
        Limit::Unknown(looked_for) => {
            problems.push(format!(
                "whether a limit applied is not recorded (looked for {looked_for})"
            ));
            true
        }
        _ => false,
    };
    let label = run.label();
    let (status, message) = if problems.is_empty() {
        (
            Status::Pass,
            format!(
                "{label}: {} recorded",
                items
                    .iter()
                    .map(|s| s.item.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    } else if missing.is_empty() && limited.is_none() {
        // only the limit is unknown: the evidence is absent, not shown wrong
        (Status::Missing, format!("{label}: {}", problems.join("; ")))
    } else {
        (Status::Fail, format!("{label}: {}", problems.join("; ")))
    };
    Finding {
        subject: label,
        run: Some(run.source.path.clone()),
        baseline: None,
        status,
        message,
        observed: if problems.is_empty() {
            "complete".into()
        } else {
            let names: Vec<&str> = items
                .iter()
                .filter(|s| !s.present)
                .map(|s| s.item.name())
                .collect();
            let mut o = if names.is_empty() {
                String::new()
            } else {
                format!("missing {}", names.join(", "))
            };
            for (flag, word) in [
                (limited.is_some(), "limited"),
                (limit_unknown, "limit unknown"),
            ] {
                if flag {
                    if !o.is_empty() {
                        o.push_str("; ");
                    }
                    o.push_str(word);
                }
            }
            o
        },
        expected: expected.to_owned(),
        detail: Some(Detail::Provenance(ProvenanceDetail { items, limited })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_are_hex_of_reasonable_length() {
        assert!(is_commit("5f1e2d3"));
        assert!(is_commit("5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"));
        assert!(!is_commit("main"));
        assert!(!is_commit("v1.0.0"));
        assert!(!is_commit("abc"));
    }

    #[test]
    fn every_item_round_trips_its_name() {
        for i in Item::ALL {
            assert_eq!(Item::parse(i.name()), Some(i));
        }
        assert_eq!(Item::parse("seed"), None);
    }
}

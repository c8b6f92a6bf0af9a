//! `sweep`: runs over settings of some parameters; the best setting, and whether it is
//! significantly better than the runner-up.
//!
//! ## What it checks
//! For every model of the current runs, and every metric the selector names in that
//! model's runs (current, baseline and history), the runs keyed by the values their
//! provenance records for the parameters in `over`:
//!
//! * `num_fewshot` — the task's few-shot count;
//! * `gen_kwargs.<key>` — lm-eval's `gen_kwargs` (text `k=v,…` or an object), else HELM's
//!   `adapter_spec` field of that name (`adapter_spec.<key>` is the same);
//! * `model_args.<key>` — an lm-eval `model_args` entry;
//! * `seeds.<key>` — a seed (`random_seed`, `fewshot_seed`, …);
//! * `limit` — `--limit` (`none` without one).
//!
//! A **setting** is one combination of values; runs that do not record a parameter are left
//! out and named, and a metric none of whose runs records them is not part of the sweep. The sweep needs at least `min_configs` settings. A setting with several
//! runs (seeds) scores their mean. The best setting is the one with the best score in the
//! metric's direction; it is compared with the runner-up by the tests of `regression` when
//! each has one run (paired McNemar or bootstrap on the samples logs, else Welch's or the
//! z-test on the stderrs), and by Welch's t-test on the run scores when each has two or more.
//! The check's best-against-runner-up tests (one per model and metric) are adjusted as one
//! family (Holm by default, `correction:`) before any is called significant, so the leads
//! it reports hold together at `alpha`.
//!
//! The runs of a sweep must differ only in what is swept: before anything is compared,
//! every run is checked against the first ([`crate::comparability`]), the swept parameters'
//! own aspects (`num_fewshot` → n-shot, `limit` → limit, HELM's `max_train_instances`,
//! `num_outputs`, `method`) set aside. Any other difference is an `error` unless
//! `accept_differences` lists it.
//!
//! ## Why it matters
//! A sweep that picks the best of five temperatures by a difference inside the noise has
//! picked nothing; the next iteration should know which differences were real.
//!
//! ## Configuration
//! ```yaml
//! - id: temperature-sweep
//!   level: 3
//!   sweep: { metric: "gsm8k/exact_match@strict-match", over: [gen_kwargs.temperature], min_configs: 3 }
//! ```
//! `require_significant: true` also fails a sweep whose best setting does not beat the
//! runner-up at `alpha` (default 0.05).
//!
//! ## Failure
//! Fewer settings than `min_configs` fails. No run recording the parameters is `missing`.
//! An unknown metric direction is an `error` when the selector names the metric exactly; under
//! a pattern (`*/*`) the metric is listed in the outcome as not gated.

use serde::Serialize;

use super::repeatability::{model_display, model_key};
use super::significance::{self, Made, SigTest, TestMethod, Tested, test_text};
use super::{Detail, Finding, SampleCache, Status, direction_unknown, labels, nothing_to_gate};
use crate::comparability;
use crate::error::Result;
use crate::evidence::json;
use crate::model::{Aspect, Evidence, Metric, Run};
use crate::num::fmt;
use crate::rubric::{Sweep, SweepParam};
use crate::stats::describe;
use crate::stats::inference::Inference;

/// `k=v,k=v` text or a JSON object, as key/value text pairs.
fn pairs(text: &str) -> Vec<(String, String)> {
    let t = text.trim();
    if t.starts_with('{')
        && let Ok(json::Value::Object(o)) = json::parse_document(t.as_bytes())
    {
        return o.iter().map(|(k, v)| (k.to_owned(), v.display())).collect();
    }
    t.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Numbers in one spelling (`0.70` and `0.7` are one setting).
fn canonical(v: &str) -> String {
    let t = v.trim().trim_matches(['"', '\'']);
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => fmt(x),
        _ => t.to_owned(),
    }
}

/// The value a run records for a parameter.
pub fn param_value(run: &Run, task: &str, param: &SweepParam) -> Option<String> {
    let p = &run.provenance;
    let v = match param {
        SweepParam::NumFewshot => p
            .num_fewshot
            .get(task)
            .or_else(|| p.num_fewshot.get("*"))
            .map(|n| n.to_string()),
        SweepParam::Generation(k) => p
            .gen_kwargs
            .as_deref()
            .and_then(|g| pairs(g).into_iter().find(|(x, _)| x == k).map(|(_, v)| v))
            .or_else(|| p.generation.get(k).cloned()),
        SweepParam::ModelArg(k) => run
            .model
            .args
            .as_deref()
            .and_then(|a| pairs(a).into_iter().find(|(x, _)| x == k).map(|(_, v)| v)),
        SweepParam::Seed(k) => p.seeds.get(k).map(|s| s.to_string()),
        SweepParam::Limit => Some(p.limit.map(fmt).unwrap_or_else(|| "none".into())),
    };
    v.map(|v| canonical(&v))
}

/// One setting of the swept parameters.
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    /// `param=value`, in the order of `over`.
    pub setting: String,
    #[serde(serialize_with = "crate::num::ser")]
    pub score: f64,
    pub runs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SweepDetail {
    pub model: String,
    pub higher_is_better: bool,
    /// Best first.
    pub settings: Vec<Setting>,
    pub min_configs: u64,
    /// Runs that do not record a swept parameter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unrecorded: Vec<String>,
    /// Best against runner-up (`current` = best, `baseline` = runner-up): the tests of
    /// `regression` with one run each, Welch's t-test on the run scores (`welch-t`, no `n`)
    /// with several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<SigTest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untested_because: Option<String>,
    pub significant: bool,
    /// Notes on the runs' comparability (accepted differences, what was not verified).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparability: Vec<String>,
}

fn expected(s: &Sweep) -> String {
    if s.require_significant {
        format!(">= {} settings, best significantly ahead", s.min_configs)
    } else {
        format!(">= {} settings", s.min_configs)
    }
}

/// The findings, and the metrics the selector matched but left ungated (direction unknown).
pub fn run(
    s: &Sweep,
    evidence: &Evidence,
    cache: &mut SampleCache,
) -> Result<(Vec<Finding>, Vec<String>)> {
    let all: Vec<&Run> = evidence
        .current
        .iter()
        .chain(&evidence.baseline)
        .chain(&evidence.history)
        .collect();
    let mut models: Vec<String> = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for run in &evidence.current {
        let m = model_key(run);
        if !models.contains(&m) {
            models.push(m);
            shown.push(model_display(run));
        }
    }
    let names: Vec<&str> = s.over.iter().map(|(n, _)| n.as_str()).collect();
    let mut out = Vec::new();
    let mut matched = 0usize;
    let unknown = |m: &Metric| direction_unknown(&s.selector, s.higher_is_better, m, &all);
    let selected: Vec<&Metric> = all
        .iter()
        .flat_map(|r| r.metrics.iter())
        .filter(|m| s.selector.matches(m))
        .collect();
    let not_gated = labels(selected.iter().copied().filter(|m| unknown(m)));
    if !selected.is_empty() && selected.iter().all(|m| unknown(m)) {
        return Ok((
            vec![nothing_to_gate(&s.selector, &not_gated, expected(s))],
            not_gated,
        ));
    }
    for model in &models {
        let runs: Vec<&Run> = all
            .iter()
            .copied()
            .filter(|r| model_key(r) == *model)
            .collect();
        // metric identities in first-seen order
        let mut keys: Vec<&Metric> = Vec::new();
        for r in &runs {
            for m in r
                .metrics
                .iter()
                .filter(|m| s.selector.matches(m) && !unknown(m))
            {
                if !keys.iter().any(|x| x.key() == m.key()) {
                    keys.push(m);
                }
            }
        }
        matched += keys.len();
        for m in keys {
            let members: Vec<(&Run, &Metric)> = runs
                .iter()
                .filter_map(|r| Some((*r, r.metrics.iter().find(|x| x.key() == m.key())?)))
                .collect();
            // a metric none of whose runs records the swept parameters is not in the sweep
            let recorded = members.iter().any(|(r, x)| {
                s.over
                    .iter()
                    .all(|(_, p)| param_value(r, &x.task, p).is_some())
            });
            if recorded {
                let shown = model_display(members[0].0);
                out.push(judge(s, m, &shown, &members, cache)?);
            }
        }
    }
    // the family: every best-against-runner-up test, adjusted together
    let tests: Vec<Option<Tested>> = out
        .iter_mut()
        .map(|p: &mut Prepared| p.tested.take())
        .collect();
    let finished = significance::adjust(tests, s.alpha, s.correction);
    let mut out: Vec<Finding> = out
        .into_iter()
        .zip(finished)
        .map(|(p, t)| decide(s, p, t))
        .collect();
    if matched == 0 {
        out.push(Finding::no_metric(&s.selector, expected(s)));
    } else if out.is_empty() {
        let mut f = Finding::pending(&s.selector.text, &expected(s));
        f.message = format!(
            "no run of {} records {} for a metric matching `{}`: no sweep to judge",
            shown.join(", "),
            names.join(", "),
            s.selector
        );
        f.observed = "no recorded settings".into();
        out.push(f);
    }
    Ok((out, not_gated))
}

type Members<'r> = Vec<(&'r Run, &'r Metric)>;

/// A sweep's finding before its test is adjusted with the rest of the check's family.
struct Prepared {
    finding: Finding,
    detail: Option<SweepDetail>,
    tested: Option<Tested>,
    /// `(subject, count, best text, runner-up setting)` for the message.
    summary: Option<(String, u64, String, String)>,
}

impl Prepared {
    fn done(finding: Finding) -> Prepared {
        Prepared {
            finding,
            detail: None,
            tested: None,
            summary: None,
        }
    }
}

/// The aspects of comparability a swept parameter changes on purpose.
fn swept_aspects(s: &Sweep) -> Vec<Aspect> {
    let mut out = s.accept.clone();
    for (_, p) in &s.over {
        let a = match p {
            SweepParam::NumFewshot => Some(Aspect::NShot),
            SweepParam::Limit => Some(Aspect::Limit),
            SweepParam::Generation(k) => match k.as_str() {
                "max_train_instances" => Some(Aspect::NShot),
                "num_outputs" => Some(Aspect::Outputs),
                "method" => Some(Aspect::Method),
                "max_eval_instances" => Some(Aspect::Limit),
                "num_trials" | "num_train_trials" => Some(Aspect::Trials),
                _ => None,
            },
            SweepParam::ModelArg(_) | SweepParam::Seed(_) => None,
        };
        if let Some(a) = a {
            out.push(a);
        }
    }
    out
}

fn judge(
    s: &Sweep,
    m: &Metric,
    model: &str,
    members: &[(&Run, &Metric)],
    cache: &mut SampleCache,
) -> Result<Prepared> {
    let label = m.label();
    let subject = format!("{label} ({model})");
    let mut f = Finding::pending(&subject, &expected(s));
    // every run against the first: only the swept parameters may differ
    let accept = swept_aspects(s);
    let mut notes: Vec<String> = Vec::new();
    if let Some((first, fm)) = members.first() {
        for (run, x) in &members[1..] {
            let cmp = comparability::compare(first, &fm.task, run, &x.task).accept(&accept);
            if !cmp.refused().is_empty() {
                let names: Vec<&str> = cmp.refused().iter().map(|d| d.aspect.as_str()).collect();
                f.status = Status::Error;
                f.message = format!(
                    "{subject}: {} and {} differ in more than the swept {}: {}; not compared \
                     (if intended, `accept_differences: [{}]`)",
                    first.label(),
                    run.label(),
                    s.over
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    cmp.refused_text(),
                    names.join(", ")
                );
                f.observed = format!("not comparable: {}", cmp.refused_text());
                return Ok(Prepared::done(f));
            }
            let r = cmp.remarks();
            if !r.is_empty() && !notes.contains(&r) {
                notes.push(r);
            }
        }
    }
    // settings in first-seen order
    let mut groups: Vec<(Vec<String>, Members<'_>)> = Vec::new();
    let mut unrecorded = Vec::new();
    for (run, x) in members {
        let values: Option<Vec<String>> = s
            .over
            .iter()
            .map(|(_, p)| param_value(run, &x.task, p))
            .collect();
        match values {
            None => unrecorded.push(run.label()),
            Some(v) => match groups.iter_mut().find(|(g, _)| *g == v) {
                Some((_, list)) => list.push((run, x)),
                None => groups.push((v, vec![(run, x)])),
            },
        }
    }
    let names: Vec<&str> = s.over.iter().map(|(n, _)| n.as_str()).collect();
    if groups.is_empty() {
        f.message = format!(
            "{subject}: no run records {} ({} run(s) of the model)",
            names.join(", "),
            members.len()
        );
        f.observed = "no recorded settings".into();
        return Ok(Prepared::done(f));
    }
    let hib = match s.higher_is_better.or(m.higher_is_better) {
        Some(h) => h,
        None => {
            f.status = Status::Error;
            f.message = format!(
                "{subject}: the direction of {label} is unknown; set `higher_is_better:` in the check"
            );
            f.observed = "unknown direction".into();
            return Ok(Prepared::done(f));
        }
    };
    if members.iter().any(|(_, x)| !x.value.is_finite()) {
        f.status = Status::Fail;
        f.message = format!("{subject}: a run's value is not finite");
        f.observed = "non-finite value".into();
        return Ok(Prepared::done(f));
    }
    let setting_text = |g: &[String]| -> String {
        names
            .iter()
            .zip(g)
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut scored: Vec<(f64, &(Vec<String>, Members<'_>))> = groups
        .iter()
        .map(|g| (describe::mean(g.1.iter().map(|(_, x)| x.value)), g))
        .collect();
    // best first; ties keep first-seen order
    scored.sort_by(|a, b| {
        let o = a.0.total_cmp(&b.0);
        if hib { o.reverse() } else { o }
    });
    let settings: Vec<Setting> = scored
        .iter()
        .map(|(score, (g, list))| Setting {
            setting: setting_text(g),
            score: *score,
            runs: list.iter().map(|(r, _)| r.label()).collect(),
        })
        .collect();
    let mut detail = SweepDetail {
        model: model.to_owned(),
        higher_is_better: hib,
        settings,
        min_configs: s.min_configs,
        unrecorded,
        test: None,
        untested_because: None,
        significant: false,
        comparability: notes,
    };
    let count = scored.len() as u64;
    let best_text = format!(
        "best {} ({})",
        detail.settings[0].setting,
        fmt(detail.settings[0].score)
    );
    // best against the runner-up
    let mut tested = None;
    let mut next = String::new();
    if let [(_, (_, best_runs)), (_, (_, next_runs)), ..] = scored.as_slice() {
        next = detail.settings[1].setting.clone();
        match (best_runs.as_slice(), next_runs.as_slice()) {
            ([(br, bm)], [(nr, nm)]) => {
                match significance::significance(
                    (br, bm),
                    (nr, nm),
                    s.alpha,
                    None,
                    s.accept.contains(&Aspect::Documents),
                    cache,
                )? {
                    Made::Tested(t) => tested = Some(*t),
                    Made::Untested(why) => detail.untested_because = Some(why),
                    Made::Incomparable(d) => {
                        detail.untested_because = Some(format!("not paired: {d}"));
                    }
                }
            }
            (a, b) if a.len() >= 2 && b.len() >= 2 => {
                let va: Vec<f64> = a.iter().map(|(_, x)| x.value).collect();
                let vb: Vec<f64> = b.iter().map(|(_, x)| x.value).collect();
                match welch_over_runs(&va, &vb) {
                    Ok(t) => tested = Some(t),
                    Err(why) => detail.untested_because = Some(why),
                }
            }
            (a, b) => {
                detail.untested_because = Some(format!(
                    "the best setting has {} run(s) and the runner-up {}; a test needs one run \
                     each (regression's tests) or two or more each (Welch)",
                    a.len(),
                    b.len()
                ))
            }
        }
    }
    f.observed = format!("{count} settings, {best_text}");
    f.detail = None;
    Ok(Prepared {
        finding: f,
        detail: Some(detail),
        tested,
        summary: Some((subject, count, best_text, next)),
    })
}

/// Welch's t-test of the mean run score of the best setting against the runner-up's
/// (scipy `ttest_ind(equal_var=False)`).
fn welch_over_runs(a: &[f64], b: &[f64]) -> std::result::Result<Tested, String> {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (va, vb) = (
        describe::sample_variance(a).unwrap_or(0.0) / na,
        describe::sample_variance(b).unwrap_or(0.0) / nb,
    );
    let se = (va + vb).sqrt();
    let df = (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let delta = describe::mean(a.iter().copied()) - describe::mean(b.iter().copied());
    let inference = Inference::t(delta, se, df, 0.0).ok_or_else(|| {
        "the runs of both settings agree exactly (standard error 0): no basis for a test".to_owned()
    })?;
    Ok(Tested {
        inference,
        method: TestMethod::WelchT,
        n: None,
        clusters: None,
        cluster_field: None,
        se,
        discordant: None,
        unpaired_because: Some("several runs per setting: their scores are compared".into()),
    })
}

/// The finding, once the check's family of tests is adjusted.
fn decide(s: &Sweep, p: Prepared, test: Option<SigTest>) -> Finding {
    let Prepared {
        mut finding,
        detail,
        summary,
        ..
    } = p;
    let (Some(mut detail), Some((subject, count, best_text, next))) = (detail, summary) else {
        return finding;
    };
    let names: Vec<&str> = s.over.iter().map(|(n, _)| n.as_str()).collect();
    let mut verdict = String::new();
    if let Some(t) = &test {
        let good = if detail.higher_is_better {
            t.delta > 0.0
        } else {
            t.delta < 0.0
        };
        detail.significant = t.significant && good;
        verdict = format!("vs runner-up {next}: {}", test_text(t));
    } else if let Some(why) = &detail.untested_because {
        verdict = format!("vs runner-up {next}: not tested ({why})");
    }
    let sig = match &test {
        Some(_) if detail.significant => " — significantly better",
        Some(_) => " — not significantly better",
        None => "",
    };
    let notes = if detail.comparability.is_empty() {
        String::new()
    } else {
        format!("; {}", detail.comparability.join("; "))
    };
    let summary = if verdict.is_empty() {
        format!(
            "{subject}: {count} setting(s) of {}, {best_text}{notes}",
            names.join(", ")
        )
    } else {
        format!(
            "{subject}: {count} setting(s) of {}, {best_text}; {verdict}{sig}{notes}",
            names.join(", ")
        )
    };
    let untested = test.is_none();
    (finding.status, finding.message) = if count < s.min_configs {
        (
            Status::Fail,
            format!("{summary}; needs >= {} settings", s.min_configs),
        )
    } else if s.require_significant && untested {
        (
            Status::Missing,
            format!("{summary}; the best setting's lead cannot be tested"),
        )
    } else if s.require_significant && !detail.significant {
        (
            Status::Fail,
            format!(
                "{summary}; the best setting must beat the runner-up at alpha {}",
                fmt(s.alpha)
            ),
        )
    } else {
        (Status::Pass, summary)
    };
    detail.test = test;
    finding.detail = Some(Detail::Sweep(Box::new(detail)));
    finding
}

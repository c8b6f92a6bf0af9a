//! `agreement`: the offline evaluation ranks model versions as production does.
//!
//! ## What it checks
//! **Offline**: every evaluation run (current, baseline, history) holding a metric the
//! `offline` selector names gives its model a score (the mean over that model's runs).
//! **Online**: production records name the model that served them (`online.model`) and an
//! outcome (`online.outcome`); a model's online rate is the outcome's mean over its
//! records. A record's model matches a run when it equals the run's model name, its
//! `model_sha`, revision or HELM deployment, or the run's name.
//!
//! The offline runs of every model must have measured the same thing
//! ([`crate::comparability`]: task version, n-shot, task hash, limit, dataset, …); if they
//! did not, their scores do not rank the models, and the finding is an `error` naming the
//! differences (unless `accept_differences` lists them).
//!
//! Across the models present on both sides (at least `min_models`, default 3), the two
//! must rank the models alike: Spearman's ρ (ties averaged; scipy `spearmanr`) of the
//! offline score and the online rate, each turned so that higher is better, must be at
//! least `min_spearman`.
//!
//! With `kappa: { item, min }`, records that carry the id of an evaluated item (`item`:
//! lm-eval's `doc_id`, HELM's `instance_id`) are also compared item by item: the model's
//! per-sample offline score on that item (from the first of its runs with a samples log)
//! against the record's outcome, as labels; Cohen's κ over all such pairs (sklearn
//! `cohen_kappa_score`) must be at least `min`.
//!
//! ## Why it matters
//! An offline metric that does not rank models the way users do is not a quality gate; it
//! is a number. This is the check that the gate measures what production rewards.
//!
//! ## Configuration
//! ```yaml
//! - id: offline-predicts-online
//!   level: 3
//!   agreement:
//!     offline: "helpdesk_qa/acc@none"
//!     online: { records: production, model: model_id, outcome: thumbs_up }
//!     min_spearman: 0.6
//!     min_models: 3
//!     kappa: { item: doc_id, min: 0.2 }
//! ```
//!
//! ## Failure
//! Fewer models on both sides than `min_models`, or no item pairs for `kappa`: `missing`.
//! ρ below `min_spearman` or κ below `min`: `fail`. Scores that are all equal on one side
//! (ranks undefined) or an unknown offline direction: `error`.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::repeatability::{model_display, model_key};
use super::{Detail, Finding, SampleCache, Status, row_files};
use crate::comparability;
use crate::error::Result;
use crate::evidence::production::{self, Scalar};
use crate::model::{Evidence, Metric, Run};
use crate::num::{fmt, p as fmt_p};
use crate::rubric::Agreement;
use crate::stats::describe::Running;
use crate::stats::{describe, rank};

/// One model on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct ModelPoint {
    pub model: String,
    #[serde(serialize_with = "crate::num::ser")]
    pub offline: f64,
    pub runs: Vec<String>,
    #[serde(serialize_with = "crate::num::ser")]
    pub online: f64,
    pub records: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KappaDetail {
    pub item: String,
    pub pairs: u64,
    /// (offline label, online label, count)
    pub table: Vec<(String, String, u64)>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub kappa: Option<f64>,
    pub min: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgreementDetail {
    pub models: Vec<ModelPoint>,
    /// Models seen only offline, or only online.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub offline_only: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub online_only: Vec<String>,
    pub offline_higher_is_better: bool,
    pub online_higher_is_better: bool,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub spearman: Option<f64>,
    #[serde(serialize_with = "crate::num::ser_opt")]
    pub p_value: Option<f64>,
    pub min_spearman: f64,
    pub min_models: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kappa: Option<KappaDetail>,
}

/// A model version seen offline: the runs of one model name and version.
#[derive(Debug)]
struct Version {
    /// `name version`, as `model_key` writes it.
    key: String,
    /// `name@version` (or the name), for the report.
    display: String,
    name: String,
    /// The ids that name this version alone: the version (`model_sha`, revision, HELM
    /// deployment), `name@version`, and the key.
    specific: Vec<String>,
}

/// The most specific version a run records.
fn version_of(run: &Run) -> Option<&str> {
    let p = &run.provenance;
    run.model
        .sha
        .as_deref()
        .or(run.model.revision.as_deref())
        .or(p.model_args_revision.as_deref())
        .or(p.model_deployment.as_deref())
        .filter(|s| !s.is_empty())
}

/// The offline model versions, and a resolver from a record's model value to one of them:
/// a version-specific id, or the bare model name when only one version has that name.
struct Versions {
    list: Vec<Version>,
}

impl Versions {
    fn index(&mut self, run: &Run) -> usize {
        let key = model_key(run);
        if let Some(i) = self.list.iter().position(|v| v.key == key) {
            return i;
        }
        let norm = crate::rubric::normalize_category;
        let name = norm(run.model.name.as_deref().unwrap_or("?"));
        let display = model_display(run);
        let mut specific = vec![norm(&key), norm(&display)];
        if let Some(v) = version_of(run) {
            specific.push(norm(v));
        }
        self.list.push(Version {
            key,
            display,
            name,
            specific,
        });
        self.list.len() - 1
    }

    fn resolve(&self, id: &str) -> Option<usize> {
        if let Some(i) = self
            .list
            .iter()
            .position(|v| v.specific.iter().any(|s| s == id))
        {
            return Some(i);
        }
        let mut by_name = self.list.iter().enumerate().filter(|(_, v)| v.name == id);
        match (by_name.next(), by_name.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }
}

/// An item id as the samples readers key it: an integer `doc_id` as itself, HELM's text ids
/// hashed as [`crate::evidence::helm::instance_key`].
fn item_key(v: &Scalar) -> Option<u64> {
    match v {
        Scalar::Num(x) if x.fract() == 0.0 && *x >= 0.0 && *x < 1.8e19 => Some(*x as u64),
        Scalar::Text(s) => Some(
            s.trim()
                .parse::<u64>()
                .unwrap_or_else(|_| crate::evidence::helm::instance_key(s)),
        ),
        _ => None,
    }
}

fn expected(a: &Agreement) -> String {
    let mut e = format!(
        "Spearman >= {} over >= {} models",
        fmt(a.min_spearman),
        a.min_models
    );
    if let Some((_, k)) = &a.kappa {
        e.push_str(&format!(", kappa >= {}", fmt(*k)));
    }
    e
}

/// Per metric label, the runs holding it, by offline version index.
type Offline<'r> = BTreeMap<String, BTreeMap<usize, Vec<(&'r Run, &'r Metric)>>>;

/// Online outcomes read: per version, and per unmatched model value (for the report).
#[derive(Debug, Default)]
struct Online {
    by_version: BTreeMap<usize, Running>,
    unmatched: BTreeMap<String, u64>,
    wrong_type: u64,
}

pub fn run(a: &Agreement, evidence: &Evidence, cache: &mut SampleCache) -> Result<Vec<Finding>> {
    let mut versions = Versions { list: Vec::new() };
    let mut offline: Offline<'_> = BTreeMap::new();
    for run in evidence
        .current
        .iter()
        .chain(&evidence.baseline)
        .chain(&evidence.history)
    {
        for m in run.metrics.iter().filter(|m| a.offline.matches(m)) {
            let v = versions.index(run);
            offline
                .entry(m.label())
                .or_default()
                .entry(v)
                .or_default()
                .push((run, m));
        }
    }
    if offline.is_empty() {
        return Ok(vec![Finding::no_metric(&a.offline, expected(a))]);
    }
    let files = match row_files(&a.records, evidence)? {
        Ok(f) => f,
        Err(why) => {
            return Ok(offline
                .keys()
                .map(|label| {
                    let mut f = Finding::pending(label, &expected(a));
                    f.message = format!("{label}: no online side: {why}");
                    f.observed = "no records".into();
                    f
                })
                .collect());
        }
    };

    // offline per-item labels for kappa: (label index, version, item) -> label, from the
    // first of a version's runs with a usable samples log
    let labels: Vec<&String> = offline.keys().collect();
    let mut item_labels: HashMap<(usize, usize, u64), String> = HashMap::new();
    if a.kappa.is_some() {
        for (li, label) in labels.iter().enumerate() {
            for (v, runs) in &offline[*label] {
                for (run, m) in runs {
                    let Ok(values) =
                        super::significance::side_values("offline", run, m, None, cache)?
                    else {
                        continue;
                    };
                    for (doc, x) in &values.values {
                        item_labels
                            .insert((li, *v, *doc), crate::rubric::normalize_category(&fmt(*x)));
                    }
                    break;
                }
            }
        }
    }

    let mut fields = vec![a.model.clone(), a.outcome.clone()];
    if let Some((item, _)) = &a.kappa {
        fields.push(item.clone());
    }
    let mut online = Online::default();
    let mut tables: Vec<BTreeMap<(String, String), u64>> = vec![BTreeMap::new(); labels.len()];
    let mut resolved: HashMap<String, Option<usize>> = HashMap::new();
    let reads = production::read_rows(&files, &fields, "agreement", &mut |row| {
        let Some(model) = row[0].as_ref().and_then(Scalar::category) else {
            return;
        };
        let Some(outcome) = row[1].as_ref() else {
            return;
        };
        let Some(x) = outcome.number() else {
            online.wrong_type += 1;
            return;
        };
        let v = match resolved.get(&model) {
            Some(v) => *v,
            None => {
                let v = versions.resolve(&model);
                if resolved.len() < production::MAX_CATEGORIES {
                    resolved.insert(model.clone(), v);
                }
                v
            }
        };
        let Some(v) = v else {
            if online.unmatched.len() < MAX_UNMATCHED || online.unmatched.contains_key(&model) {
                *online.unmatched.entry(model).or_default() += 1;
            }
            return;
        };
        online.by_version.entry(v).or_default().push(x);
        if let Some(item) = row.get(2).and_then(|c| c.as_ref()).and_then(item_key)
            && let Some(on) = outcome.category()
        {
            for (li, table) in tables.iter_mut().enumerate() {
                if let Some(off) = item_labels.get(&(li, v, item)) {
                    *table.entry((off.clone(), on.clone())).or_default() += 1;
                }
            }
        }
    })?;
    cache.note_records(&a.records, reads);

    Ok(labels
        .iter()
        .enumerate()
        .map(|(li, label)| judge(a, label, &offline[*label], &versions, &online, &tables[li]))
        .collect())
}

/// Distinct unmatched model values kept for the report.
const MAX_UNMATCHED: usize = 50;

fn judge(
    a: &Agreement,
    label: &str,
    models: &BTreeMap<usize, Vec<(&Run, &Metric)>>,
    versions: &Versions,
    online: &Online,
    table: &BTreeMap<(String, String), u64>,
) -> Finding {
    let mut f = Finding::pending(label, &expected(a));
    // every model's runs must have measured the same thing as the first
    let all: Vec<&(&Run, &Metric)> = models.values().flatten().collect();
    if let Some((r0, m0)) = all.first() {
        let mut refused = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for (r, m) in &all[1..] {
            let cmp = comparability::compare(r0, &m0.task, r, &m.task).accept(&a.accept);
            if !cmp.refused().is_empty() {
                refused.push(format!("{}: {}", r.label(), cmp.refused_text()));
                for d in cmp.refused() {
                    if !names.contains(&d.aspect.as_str()) {
                        names.push(d.aspect.as_str());
                    }
                }
            }
        }
        if !refused.is_empty() {
            f.status = Status::Error;
            f.message = format!(
                "{label}: the models' offline runs are not one evaluation, so their scores do not \
                 rank the models; against {}: {}; not compared (if intended, \
                 `accept_differences: [{}]`)",
                r0.label(),
                refused.join("; "),
                names.join(", ")
            );
            f.observed = format!("{} runs not comparable", refused.len());
            return f;
        }
    }
    let wrong_type = online.wrong_type;
    if wrong_type > 0 {
        f.status = Status::Error;
        f.message = format!(
            "{label}: {wrong_type} record(s) hold an outcome `{}` that is not a number or boolean",
            a.outcome
        );
        f.observed = "non-numeric outcome".into();
        return f;
    }
    let hib = models
        .values()
        .flat_map(|runs| runs.iter().map(|(_, m)| m.higher_is_better))
        .find_map(|h| h);
    let Some(hib) = hib else {
        f.status = Status::Error;
        f.message = format!(
            "{label}: the direction of the offline metric is unknown (not in the results file \
             nor govgate's built-in table)"
        );
        f.observed = "unknown direction".into();
        return f;
    };
    let mut points = Vec::new();
    let mut offline_only = Vec::new();
    for (v, runs) in models {
        let value = describe::mean(runs.iter().map(|(_, m)| m.value));
        match online.by_version.get(v) {
            Some(r) if r.n > 0 => points.push(ModelPoint {
                model: versions.list[*v].display.clone(),
                offline: value,
                runs: runs.iter().map(|(r, _)| r.label()).collect(),
                online: r.mean(),
                records: r.n,
            }),
            _ => offline_only.push(versions.list[*v].display.clone()),
        }
    }
    let mut online_only: Vec<String> = online
        .by_version
        .keys()
        .filter(|v| !models.contains_key(v))
        .map(|v| versions.list[*v].display.clone())
        .collect();
    online_only.extend(online.unmatched.keys().cloned());
    let mut detail = AgreementDetail {
        models: points,
        offline_only,
        online_only,
        offline_higher_is_better: hib,
        online_higher_is_better: a.higher_is_better,
        spearman: None,
        p_value: None,
        min_spearman: a.min_spearman,
        min_models: a.min_models,
        kappa: None,
    };
    let k = detail.models.len() as u64;
    let listing = detail
        .models
        .iter()
        .map(|p| format!("{} {} / {}", p.model, fmt(p.offline), fmt(p.online)))
        .collect::<Vec<_>>()
        .join(", ");
    if k < a.min_models {
        f.message = format!(
            "{label}: {k} model(s) both evaluated offline and seen online ({}), needs {}; \
             offline only: {}; online only: {}",
            if listing.is_empty() { "none" } else { &listing },
            a.min_models,
            list_or_none(&detail.offline_only),
            list_or_none(&detail.online_only)
        );
        f.observed = format!("{k} models");
        f.detail = Some(Detail::Agreement(Box::new(detail)));
        return f;
    }
    let sign = |h: bool| if h { 1.0 } else { -1.0 };
    let x: Vec<f64> = detail
        .models
        .iter()
        .map(|p| sign(hib) * p.offline)
        .collect();
    let y: Vec<f64> = detail
        .models
        .iter()
        .map(|p| sign(a.higher_is_better) * p.online)
        .collect();
    let Some((rho, p)) = rank::spearman(&x, &y) else {
        f.status = Status::Error;
        f.message = format!(
            "{label}: the offline scores or the online rates are all equal ({listing}); ranks \
             cannot be compared"
        );
        f.observed = "constant scores".into();
        f.detail = Some(Detail::Agreement(Box::new(detail)));
        return f;
    };
    detail.spearman = Some(rho);
    detail.p_value = Some(p);
    let mut problems = Vec::new();
    let mut missing = None;
    if rho < a.min_spearman - 1e-12 {
        problems.push(format!("Spearman {} < {}", fmt(rho), fmt(a.min_spearman)));
    }
    let mut text = format!(
        "{label}: {k} models (offline / online: {listing}): Spearman {} (p={})",
        fmt(rho),
        fmt_p(p)
    );
    if let Some((item, min)) = &a.kappa {
        let pairs: u64 = table.values().sum();
        let counts: Vec<((String, String), u64)> =
            table.iter().map(|(k, v)| (k.clone(), *v)).collect();
        let kappa = rank::cohen_kappa_counts(&counts);
        detail.kappa = Some(KappaDetail {
            item: item.clone(),
            pairs,
            table: counts.into_iter().map(|((a, b), n)| (a, b, n)).collect(),
            kappa,
            min: *min,
        });
        match kappa {
            _ if pairs == 0 => {
                missing = Some(format!(
                    "no record's `{item}` matches an item of a model's samples log"
                ));
            }
            Some(kp) => {
                text.push_str(&format!(", kappa {} over {pairs} item pair(s)", fmt(kp)));
                if kp < min - 1e-12 {
                    problems.push(format!("kappa {} < {}", fmt(kp), fmt(*min)));
                }
            }
            None => {
                text.push_str(&format!(", kappa undefined over {pairs} item pair(s)"));
                problems
                    .push("kappa is undefined: every pair has the same label on both sides".into());
            }
        }
    }
    f.observed = format!("rho {}", fmt(rho));
    (f.status, f.message) = if !problems.is_empty() {
        (Status::Fail, format!("{text}; {}", problems.join("; ")))
    } else if let Some(why) = missing {
        (Status::Missing, format!("{text}; kappa: {why}"))
    } else {
        (Status::Pass, text)
    };
    f.detail = Some(Detail::Agreement(Box::new(detail)));
    f
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

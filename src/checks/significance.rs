//! Significance tests of a metric between two runs, shared by `regression` and `sweep`:
//! which test the evidence allows, the test itself, and the finding's numbers once the
//! check's family of tests has been adjusted.
//!
//! ## Which test
//! 1. Both runs have per-sample records of the task on the same documents, whose values
//!    reproduce the reported metric: a **paired** test on `dᵢ = currentᵢ − baselineᵢ` —
//!    McNemar's exact test when every score is 0 or 1, the paired bootstrap otherwise; with
//!    `cluster:`, the clustered paired t-test (0/1 scores) or the cluster bootstrap.
//! 2. Otherwise an **unpaired** test of the two reported values: Welch's t-test from the
//!    stderrs and sample sizes when both are known (`df` by Welch–Satterthwaite, scipy
//!    `ttest_ind_from_stats(equal_var=False)`), else the z-test on the stderrs (lm-eval's
//!    `model_comparator.py`); with `cluster:`, Welch's t on each side's clustered standard
//!    error with `C − 1` degrees of freedom per side.
//!
//! A standard error from fewer than two observations, or a zero standard error of the
//! difference, is no basis for a test: none is made and the reason is given.
//!
//! ## Intervals that agree with the test
//! Every test is an [`Inference`]: its interval at `1 − γ` excludes 0 exactly when its
//! p-value is below `γ`. A finding reports the interval at `1 − alpha` (agreeing with the raw
//! p-value) and at `1 − γ`, the level the family's correction judged it at (agreeing with
//! the adjusted p-value, which makes the decision).

use std::rc::Rc;

use serde::Serialize;

use super::SampleCache;
use crate::comparability::{self, Difference};
use crate::error::Result;
use crate::evidence::samples::SampleValues;
use crate::model::{Metric, Run};
use crate::num::{fmt, p as fmt_p};
use crate::stats::inference::{Inference, excludes};
use crate::stats::multiplicity::{Adjusted, Correction};
use crate::stats::{bootstrap, cluster, describe, power};

/// How significance was tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestMethod {
    McnemarExact,
    PairedBootstrap,
    ClusterBootstrap,
    ClusteredPairedT,
    WelchT,
    ClusteredWelchT,
    UnpairedZ,
}

impl TestMethod {
    pub fn label(self) -> &'static str {
        match self {
            TestMethod::McnemarExact => "McNemar exact",
            TestMethod::PairedBootstrap => "paired bootstrap",
            TestMethod::ClusterBootstrap => "cluster bootstrap",
            TestMethod::ClusteredPairedT => "clustered paired t-test",
            TestMethod::WelchT => "Welch t-test",
            TestMethod::ClusteredWelchT => "clustered Welch t-test",
            TestMethod::UnpairedZ => "unpaired z-test",
        }
    }

    pub fn paired(self) -> bool {
        matches!(
            self,
            TestMethod::McnemarExact
                | TestMethod::PairedBootstrap
                | TestMethod::ClusterBootstrap
                | TestMethod::ClusteredPairedT
        )
    }
}

/// Discordant pairs of a McNemar test.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Discordant {
    /// Documents the baseline got right and the current run wrong.
    pub baseline_only: u64,
    /// Documents the current run got right and the baseline wrong.
    pub current_only: u64,
}

/// A test made, before the check's family of tests is adjusted.
#[derive(Debug, Clone)]
pub struct Tested {
    pub inference: Inference,
    pub method: TestMethod,
    /// Documents paired (paired tests).
    pub n: Option<u64>,
    /// Clusters (clustered tests; for the unpaired one, the smaller side's).
    pub clusters: Option<u64>,
    pub cluster_field: Option<String>,
    /// Standard error of the difference (for the MDE and the report).
    pub se: f64,
    pub discordant: Option<Discordant>,
    /// Why a paired test was not possible, when the test is unpaired.
    pub unpaired_because: Option<String>,
}

/// A significance test of `current − baseline`, as a finding reports it.
#[derive(Debug, Clone, Serialize)]
pub struct SigTest {
    pub method: TestMethod,
    pub paired: bool,
    /// Documents paired (paired tests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// Clusters, for the clustered tests, and the field that defines them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The difference the test estimates, `current − baseline`.
    #[serde(serialize_with = "crate::num::ser")]
    pub delta: f64,
    /// Standard error of `delta`.
    #[serde(serialize_with = "crate::num::ser")]
    pub se: f64,
    /// Degrees of freedom of a t-test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<f64>,
    /// The test's own two-sided p-value.
    #[serde(serialize_with = "crate::num::ser")]
    pub p_value: f64,
    /// The p-value is the smallest the bootstrap's resamples can give: the truth is at most it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub p_at_resolution: bool,
    pub alpha: f64,
    /// `1 − alpha`, and the interval of `delta` at it (agrees with `p_value`).
    pub confidence: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_low: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub ci_high: f64,
    /// `p_value < alpha`: significant on its own, before the family's correction.
    pub significant_alone: bool,
    /// The correction of the check's family of tests, its size, and the adjusted p-value.
    pub correction: Correction,
    pub family_size: usize,
    #[serde(serialize_with = "crate::num::ser")]
    pub p_adjusted: f64,
    /// `1 − γ`, the level the correction judged this test at, and the interval at it
    /// (agrees with `p_adjusted`: it excludes 0 exactly when `significant`).
    pub adjusted_confidence: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub adjusted_ci_low: f64,
    #[serde(serialize_with = "crate::num::ser")]
    pub adjusted_ci_high: f64,
    /// The decision: `p_adjusted < alpha`.
    pub significant: bool,
    /// Smallest true difference detected with `power` at the level the test was judged at
    /// (normal approximation, `(z₁₋γ/₂ + z_power)·se`).
    #[serde(serialize_with = "crate::num::ser")]
    pub mde: f64,
    pub power: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discordant: Option<Discordant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resamples: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Why a paired test was not possible, when the test is unpaired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpaired_because: Option<String>,
}

impl Tested {
    /// The finding's numbers, once the family is adjusted (`adj` is this test's place in it).
    pub fn finish(self, alpha: f64, adj: &Adjusted) -> SigTest {
        let inf = &self.inference;
        let nan = (f64::NAN, f64::NAN);
        let (ci_low, ci_high) = inf.interval(alpha).unwrap_or(nan);
        let level = if adj.level.is_finite() {
            adj.level
        } else {
            alpha
        };
        let (adjusted_ci_low, adjusted_ci_high) = inf.interval(level).unwrap_or(nan);
        let (resamples, seed, at_resolution) = match &inf.basis {
            crate::stats::inference::Basis::Bootstrap(b) => {
                (Some(b.resamples), Some(b.seed), b.at_resolution())
            }
            _ => (None, None, false),
        };
        SigTest {
            method: self.method,
            paired: self.method.paired(),
            n: self.n,
            clusters: self.clusters,
            cluster: self.cluster_field,
            delta: inf.delta,
            se: self.se,
            df: inf.df(),
            statistic: inf.statistic(),
            p_value: inf.p_value,
            p_at_resolution: at_resolution,
            alpha,
            confidence: 1.0 - alpha,
            ci_low,
            ci_high,
            significant_alone: inf.p_value < alpha,
            correction: adj.correction,
            family_size: adj.family_size,
            p_adjusted: adj.p_adjusted,
            adjusted_confidence: 1.0 - level,
            adjusted_ci_low,
            adjusted_ci_high,
            significant: adj.p_adjusted < alpha,
            mde: power::mde(self.se, level, power::DEFAULT_POWER),
            power: power::DEFAULT_POWER,
            discordant: self.discordant,
            resamples,
            seed,
            unpaired_because: self.unpaired_because,
        }
    }
}

/// Adjusts a check's tests as one family (the `None`s are comparisons without a test, left
/// out of it) and finishes each.
pub fn adjust(tests: Vec<Option<Tested>>, alpha: f64, c: Correction) -> Vec<Option<SigTest>> {
    let ps: Vec<f64> = tests
        .iter()
        .map(|t| t.as_ref().map_or(f64::NAN, |t| t.inference.p_value))
        .collect();
    let adj = crate::stats::multiplicity::family(&ps, alpha, c);
    tests
        .into_iter()
        .zip(adj)
        .map(|(t, a)| t.map(|t| t.finish(alpha, &a)))
        .collect()
}

/// `p=0.25`, or `p≤0.0002` where a bootstrap knows only a bound.
pub fn p_text(p: f64, at_resolution: bool) -> String {
    if at_resolution {
        format!("p≤{}", fmt_p(p))
    } else {
        format!("p={}", fmt_p(p))
    }
}

fn pct(c: f64) -> String {
    format!("{}%", fmt(c * 100.0))
}

/// One line: the test, the difference with its interval, the p-value; then, for a family
/// of several tests under a correction, the adjusted p-value and the interval at the level
/// the correction judged the test at.
pub fn test_text(t: &SigTest) -> String {
    let n = t.n.map(|n| format!(", n={n}")).unwrap_or_default();
    let c = t
        .clusters
        .map(|c| format!(", {c} clusters"))
        .unwrap_or_default();
    let mut s = format!(
        "{}{n}{c}, Δ={}, {} CI [{}, {}], {}",
        t.method.label(),
        fmt(t.delta),
        pct(t.confidence),
        fmt(t.ci_low),
        fmt(t.ci_high),
        p_text(t.p_value, t.p_at_resolution)
    );
    if t.family_size > 1 && t.correction != Correction::None {
        s.push_str(&format!(
            "; {} over {} tests: p_adj={}, {} CI [{}, {}]",
            t.correction.label(),
            t.family_size,
            fmt_p(t.p_adjusted),
            pct(t.adjusted_confidence),
            fmt(t.adjusted_ci_low),
            fmt(t.adjusted_ci_high)
        ));
    }
    s
}

/// Why no paired test: a reason, or documents that are not the same documents.
#[derive(Debug, Clone)]
pub enum NotPaired {
    Reason(String),
    Documents(Difference),
}

impl NotPaired {
    /// Why, as a message says it.
    pub fn text(&self) -> String {
        match self {
            NotPaired::Reason(r) => r.clone(),
            NotPaired::Documents(d) => d.to_string(),
        }
    }
}

/// `(current, baseline)` per-sample values on the documents both runs scored, and each
/// document's cluster (empty unless asked for; 0 where a document has none).
#[derive(Debug, Clone)]
pub struct Pairs {
    pub values: Vec<(f64, f64)>,
    pub clusters: Vec<u64>,
    /// Documents whose current record has no value at the cluster field.
    pub without_cluster: u64,
}

/// Reads one side's per-sample values and checks they measure the reported metric.
pub(crate) fn side_values(
    side: &str,
    run: &Run,
    m: &Metric,
    cluster: Option<&str>,
    cache: &mut SampleCache,
) -> Result<std::result::Result<Rc<SampleValues>, String>> {
    let Some(task) = run.task(&m.task) else {
        return Ok(Err(format!("task {} is not in the {side} run", m.task)));
    };
    let Some(source) = &task.samples else {
        return Ok(Err(format!(
            "no samples log for {} in the {side} run",
            m.task
        )));
    };
    let what = match source {
        crate::model::SampleSource::LmEval(_) => "samples log",
        crate::model::SampleSource::HelmPerInstance(_) => "per_instance_stats.json",
        crate::model::SampleSource::Inspect(_) => "Inspect log's reductions",
        crate::model::SampleSource::Lighteval(_) => "lighteval details Parquet",
        crate::model::SampleSource::Promptfoo(..) => "promptfoo results",
        crate::model::SampleSource::Eee(..) => "Every Eval Ever samples file",
    };
    if cluster.is_some() && matches!(source, crate::model::SampleSource::HelmPerInstance(_)) {
        return Ok(Err(format!(
            "the {side} run's per-sample values are HELM per_instance_stats.json, which carry \
             no field to cluster by"
        )));
    }
    let v = cache.values(
        source,
        &m.name,
        m.variant.as_deref(),
        &task.filters,
        cluster,
    )?;
    let filter = m
        .variant
        .as_deref()
        .map(|f| format!(" for {f}"))
        .unwrap_or_default();
    if v.non_scalar > 0 {
        return Ok(Err(format!(
            "the {side} {what} holds non-numeric per-sample `{}` values (a corpus-level \
             metric is not a mean of per-sample scores)",
            m.name
        )));
    }
    if v.values.is_empty() {
        return Ok(Err(format!(
            "the {side} {what} has no per-sample `{}` values{filter}",
            m.name
        )));
    }
    if v.values.iter().any(|(_, x)| !x.is_finite()) {
        return Ok(Err(format!(
            "a per-sample `{}` value in the {side} {what} is not finite",
            m.name
        )));
    }
    let mean = v.mean().unwrap_or(f64::NAN);
    if (mean - m.value).abs() > 1e-6 * 1f64.max(m.value.abs()) {
        return Ok(Err(format!(
            "the mean of the {side} per-sample `{}` values ({}) does not reproduce the reported {} \
             (the aggregation is not a plain mean)",
            m.name,
            fmt(mean),
            fmt(m.value)
        )));
    }
    Ok(Ok(v))
}

/// The per-sample values of both runs on the same documents. Not paired when a side has
/// no usable per-sample values, when the logs cover different documents, or when a shared
/// `doc_id` holds another document on each side (their `doc_hash`es differ).
pub(crate) fn paired_values(
    run: &Run,
    m: &Metric,
    brun: &Run,
    bm: &Metric,
    cluster: Option<&str>,
    cache: &mut SampleCache,
) -> Result<std::result::Result<Pairs, NotPaired>> {
    let cur = match side_values("current", run, m, cluster, cache)? {
        Ok(v) => v,
        Err(e) => return Ok(Err(NotPaired::Reason(e))),
    };
    let base = match side_values("baseline", brun, bm, cluster, cache)? {
        Ok(v) => v,
        Err(e) => return Ok(Err(NotPaired::Reason(e))),
    };
    if !cur.doc_hashes.is_empty() && !base.doc_hashes.is_empty() {
        let ids = |v: &SampleValues| -> Vec<(u64, u64)> {
            v.values
                .iter()
                .zip(&v.doc_hashes)
                .map(|((d, _), h)| (*d, *h))
                .collect()
        };
        if let Some(d) = comparability::documents(&ids(&cur), &ids(&base)) {
            return Ok(Err(NotPaired::Documents(d)));
        }
    }
    // both sides are sorted by doc_id: a merge join
    let (a, b) = (&cur.values, &base.values);
    let (mut i, mut j) = (0, 0);
    let mut values = Vec::with_capacity(a.len().min(b.len()));
    let mut clusters = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                values.push((a[i].1, b[j].1));
                if !cur.clusters.is_empty() {
                    clusters.push(cur.clusters[i]);
                }
                i += 1;
                j += 1;
            }
        }
    }
    // Paired only on the same documents: otherwise the pairs would test a difference
    // between numbers other than the two reported ones.
    if values.len() != a.len() || values.len() != b.len() {
        return Ok(Err(NotPaired::Reason(format!(
            "the samples logs cover different documents ({} current, {} baseline, {} in common)",
            a.len(),
            b.len(),
            values.len()
        ))));
    }
    if values.len() < 2 {
        return Ok(Err(NotPaired::Reason(format!(
            "the samples logs hold {} document(s); a paired test needs at least 2",
            values.len()
        ))));
    }
    Ok(Ok(Pairs {
        values,
        clusters,
        without_cluster: cur.without_cluster,
    }))
}

/// The outcome of choosing and making a test.
#[derive(Debug, Clone)]
pub enum Made {
    Tested(Box<Tested>),
    /// No test could be made: why.
    Untested(String),
    /// The documents differ (`doc_hash`) and the rubric does not accept it: never compare.
    Incomparable(Difference),
}

/// The best test the evidence allows of `current − baseline` (module docs). `cluster` asks
/// for clustered standard errors; `accept_documents` lets documents whose `doc_hash`es
/// differ be compared unpaired (the rubric accepts `documents`).
pub(crate) fn significance(
    (run, m): (&Run, &Metric),
    (brun, bm): (&Run, &Metric),
    alpha: f64,
    cluster: Option<&str>,
    accept_documents: bool,
    cache: &mut SampleCache,
) -> Result<Made> {
    let not_paired = match paired_values(run, m, brun, bm, cluster, cache)? {
        Ok(pairs) => return Ok(paired_test(&pairs, alpha, cluster)),
        Err(NotPaired::Documents(d)) if !accept_documents => {
            return Ok(Made::Incomparable(d));
        }
        Err(n) => n.text(),
    };
    let made = match cluster {
        Some(field) => unpaired_clustered((run, m), (brun, bm), field, cache)?,
        None => unpaired_test(m, bm),
    };
    Ok(match made {
        Ok(mut t) => {
            t.unpaired_because = Some(not_paired);
            Made::Tested(Box::new(t))
        }
        Err(why) => Made::Untested(format!("{not_paired}; {why}")),
    })
}

/// McNemar exact or the paired bootstrap; with clusters, the clustered paired t-test or the
/// cluster bootstrap.
fn paired_test(pairs: &Pairs, alpha: f64, cluster: Option<&str>) -> Made {
    let diffs: Vec<f64> = pairs.values.iter().map(|(c, b)| c - b).collect();
    let n = pairs.values.len() as u64;
    let binary = pairs
        .values
        .iter()
        .all(|(c, b)| (*c == 0.0 || *c == 1.0) && (*b == 0.0 || *b == 1.0));
    let base = |inference: Inference, method: TestMethod, se: f64| Tested {
        inference,
        method,
        n: Some(n),
        clusters: None,
        cluster_field: cluster.map(str::to_owned),
        se,
        discordant: None,
        unpaired_because: None,
    };
    let Some(field) = cluster else {
        let se = describe::stderr_of_mean(&diffs).unwrap_or(0.0);
        if binary {
            let baseline_only = pairs
                .values
                .iter()
                .filter(|(c, b)| *b == 1.0 && *c == 0.0)
                .count() as u64;
            let current_only = pairs
                .values
                .iter()
                .filter(|(c, b)| *b == 0.0 && *c == 1.0)
                .count() as u64;
            return match Inference::mcnemar(baseline_only, current_only, n) {
                Some(inf) => {
                    let mut t = base(inf, TestMethod::McnemarExact, se);
                    t.discordant = Some(Discordant {
                        baseline_only,
                        current_only,
                    });
                    Made::Tested(Box::new(t))
                }
                None => Made::Untested("no documents to pair".into()),
            };
        }
        return match bootstrap::paired_mean_diff(
            &diffs,
            bootstrap::DEFAULT_RESAMPLES,
            bootstrap::DEFAULT_SEED,
            alpha,
        ) {
            Some(b) => Made::Tested(Box::new(base(
                Inference::bootstrap(b),
                TestMethod::PairedBootstrap,
                se,
            ))),
            None => Made::Untested("the paired bootstrap could not be made".into()),
        };
    };
    if pairs.without_cluster > 0 {
        return Made::Untested(format!(
            "{} of {n} documents have no `{field}` to cluster by",
            pairs.without_cluster
        ));
    }
    let Some(c) = cluster::stderr(&diffs, &pairs.clusters) else {
        return Made::Untested(format!(
            "the documents fall in fewer than 2 clusters of `{field}`; a clustered standard \
             error needs at least 2"
        ));
    };
    let clusters = Some(c.clusters as u64);
    if binary {
        match Inference::t(c.mean, c.se, (c.clusters - 1) as f64, 0.0) {
            Some(inf) => {
                let mut t = base(inf, TestMethod::ClusteredPairedT, c.se);
                t.clusters = clusters;
                Made::Tested(Box::new(t))
            }
            None => Made::Untested(format!(
                "the clustered standard error of the differences is {}: no basis for a test",
                fmt(c.se)
            )),
        }
    } else {
        match bootstrap::cluster_mean_diff(
            &diffs,
            &pairs.clusters,
            bootstrap::DEFAULT_RESAMPLES,
            bootstrap::DEFAULT_SEED,
            alpha,
        ) {
            Some(b) => {
                let mut t = base(Inference::bootstrap(b), TestMethod::ClusterBootstrap, c.se);
                t.clusters = clusters;
                Made::Tested(Box::new(t))
            }
            None => Made::Untested("the cluster bootstrap could not be made".into()),
        }
    }
}

/// A side's standard error, if it is one: finite, non-negative, and (when the file gives
/// `n`) from at least two observations; a zero with no `n` is not one either.
fn usable_se(side: &str, m: &Metric) -> std::result::Result<f64, String> {
    let Some(se) = m.stderr else {
        return Err(format!("no stderr for {} in the {side} run", m.label()));
    };
    if !se.is_finite() || se < 0.0 {
        return Err(format!("the {side} stderr of {} is {}", m.label(), fmt(se)));
    }
    match m.n {
        Some(n) if n < 2 => Err(format!(
            "the {side} value of {} comes from n = {n}: a standard error from fewer than two \
             observations is no standard error",
            m.label()
        )),
        None if se == 0.0 => Err(format!(
            "the {side} stderr of {} is 0 with no sample size recorded: not a standard error \
             to test with",
            m.label()
        )),
        _ => Ok(se),
    }
}

/// Welch's t-test from the two stderrs and sample sizes, or the z-test without sizes.
fn unpaired_test(m: &Metric, bm: &Metric) -> std::result::Result<Tested, String> {
    if m.stderr.is_none() && bm.stderr.is_none() {
        return Err(format!("no stderr for {} in either run", m.label()));
    }
    let se_c = usable_se("current", m);
    let se_b = usable_se("baseline", bm);
    let (se_c, se_b) = match (se_c, se_b) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => return Err(format!("{a}; {b}")),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let delta = m.value - bm.value;
    let se = (se_c * se_c + se_b * se_b).sqrt();
    if se == 0.0 {
        return Err(format!(
            "both stderrs of {} are 0: no basis for a test",
            m.label()
        ));
    }
    let (inference, method) = match (m.n, bm.n) {
        (Some(na), Some(nb)) => {
            // Welch–Satterthwaite: (se_a² + se_b²)² / (se_a⁴/(n_a − 1) + se_b⁴/(n_b − 1))
            let (va, vb) = (se_c * se_c, se_b * se_b);
            let df = (va + vb).powi(2) / (va * va / (na - 1) as f64 + vb * vb / (nb - 1) as f64);
            (Inference::t(delta, se, df, 0.0), TestMethod::WelchT)
        }
        _ => (Inference::normal(delta, se, 0.0), TestMethod::UnpairedZ),
    };
    let inference = inference.ok_or_else(|| {
        format!(
            "the values or stderrs of {} are not finite numbers",
            m.label()
        )
    })?;
    Ok(Tested {
        inference,
        method,
        n: None,
        clusters: None,
        cluster_field: None,
        se,
        discordant: None,
        unpaired_because: None,
    })
}

/// Welch's t-test on each side's clustered standard error, `df` by Welch–Satterthwaite with
/// `C − 1` per side.
fn unpaired_clustered(
    (run, m): (&Run, &Metric),
    (brun, bm): (&Run, &Metric),
    field: &str,
    cache: &mut SampleCache,
) -> Result<std::result::Result<Tested, String>> {
    let mut sides = Vec::new();
    for (side, r, x) in [("current", run, m), ("baseline", brun, bm)] {
        let v = match side_values(side, r, x, Some(field), cache)? {
            Ok(v) => v,
            Err(e) => {
                return Ok(Err(format!(
                    "`cluster: {field}` needs per-sample records on both sides: {e}"
                )));
            }
        };
        if v.without_cluster > 0 {
            return Ok(Err(format!(
                "{} {side} documents have no `{field}` to cluster by",
                v.without_cluster
            )));
        }
        let values: Vec<f64> = v.values.iter().map(|(_, x)| *x).collect();
        match cluster::stderr(&values, &v.clusters) {
            Some(c) => sides.push(c),
            None => {
                return Ok(Err(format!(
                    "the {side} documents fall in fewer than 2 clusters of `{field}`"
                )));
            }
        }
    }
    let (a, b) = (sides[0], sides[1]);
    let (va, vb) = (a.se * a.se, b.se * b.se);
    let se = (va + vb).sqrt();
    let df =
        (va + vb).powi(2) / (va * va / (a.clusters - 1) as f64 + vb * vb / (b.clusters - 1) as f64);
    Ok(match Inference::t(a.mean - b.mean, se, df, 0.0) {
        Some(inference) => Ok(Tested {
            inference,
            method: TestMethod::ClusteredWelchT,
            n: None,
            clusters: Some(a.clusters.min(b.clusters) as u64),
            cluster_field: Some(field.to_owned()),
            se,
            discordant: None,
            unpaired_because: None,
        }),
        None => Err(format!(
            "the clustered standard errors of {} are 0: no basis for a test",
            m.label()
        )),
    })
}

/// Whether an interval excludes 0 (for a finding's summary).
pub fn excludes_zero(lo: f64, hi: f64) -> bool {
    excludes((lo, hi), 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::mcnemar;
    use crate::stats::multiplicity;

    fn pairs(v: &[(f64, f64)]) -> Pairs {
        Pairs {
            values: v.to_vec(),
            clusters: Vec::new(),
            without_cluster: 0,
        }
    }

    fn one(t: Made) -> SigTest {
        let Made::Tested(t) = t else {
            panic!("no test: {t:?}")
        };
        let adj = multiplicity::family(&[t.inference.p_value], 0.05, Correction::Holm);
        t.finish(0.05, &adj[0])
    }

    #[test]
    fn mcnemar_counts_discordant_pairs_by_side() {
        // baseline right / current wrong on 3 docs, the reverse on 1
        let p = pairs(&[
            (0.0, 1.0),
            (0.0, 1.0),
            (0.0, 1.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 0.0),
        ]);
        let t = one(paired_test(&p, 0.05, None));
        assert_eq!(t.method, TestMethod::McnemarExact);
        let d = t.discordant.expect("discordant");
        assert_eq!((d.baseline_only, d.current_only), (3, 1));
        assert_eq!(t.p_value, mcnemar::exact(3, 1).p_value);
        assert!((t.delta - (-2.0 / 6.0)).abs() < 1e-15);
        // the interval agrees with the exact test: p = 0.625, the interval holds 0
        assert!(t.ci_low < 0.0 && t.ci_high > 0.0);
        assert!(!t.significant && !t.significant_alone);
        assert_eq!(t.family_size, 1);
    }

    #[test]
    fn continuous_scores_use_the_bootstrap_and_p_is_never_zero() {
        let p = pairs(
            &(0..50)
                .map(|i| (0.5 + (i % 3) as f64 * 0.1, 0.3))
                .collect::<Vec<_>>(),
        );
        let t = one(paired_test(&p, 0.05, None));
        assert_eq!(t.method, TestMethod::PairedBootstrap);
        assert_eq!(t.resamples, Some(bootstrap::DEFAULT_RESAMPLES));
        assert!(t.p_value > 0.0);
        assert!(t.p_at_resolution);
        assert!(t.ci_low <= t.delta && t.delta <= t.ci_high);
        assert!(t.significant && excludes_zero(t.ci_low, t.ci_high));
    }

    #[test]
    fn a_single_observation_is_no_standard_error() {
        let m = |v: f64, se: f64, n: Option<u64>| Metric {
            task: "t".into(),
            name: "acc".into(),
            variant: None,
            value: v,
            stderr: Some(se),
            stderr_kind: None,
            n,
            higher_is_better: Some(true),
            direction_source: None,
            is_group: false,
            informational: false,
            trials: None,
        };
        let e = unpaired_test(&m(0.5, 0.05, Some(100)), &m(1.0, 0.0, Some(1))).expect_err("n=1");
        assert!(e.contains("n = 1"), "{e}");
        let e = unpaired_test(&m(0.5, 0.05, None), &m(1.0, 0.0, None)).expect_err("se=0");
        assert!(e.contains("no sample size"), "{e}");
        let t = unpaired_test(&m(0.5, 0.05, Some(100)), &m(0.6, 0.04, Some(120))).expect("welch");
        assert_eq!(t.method, TestMethod::WelchT);
        let t = unpaired_test(&m(0.5, 0.05, None), &m(0.6, 0.04, None)).expect("z");
        assert_eq!(t.method, TestMethod::UnpairedZ);
    }
}

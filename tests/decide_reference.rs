//! How govgate decides, against the reference implementations
//! (`scripts/reference/decide_reference.py`, output committed beside it): statsmodels'
//! multipletests to 1e-12, Clopper–Pearson and McNemar's exact test and interval, scipy's t
//! and Welch tests, Inspect AI's own clustered standard error and `ci()`, and the paired and
//! cluster bootstraps replicated with govgate's documented generator. Exact methods to 1e-9.

mod common;

use govgate::stats::inference::{Inference, excludes};
use govgate::stats::multiplicity::{Correction, adjust, decision_levels};
use govgate::stats::{bootstrap, cluster, mcnemar, proportion, twosample};
use serde_json::Value;

fn reference() -> Value {
    let path = common::root().join("scripts/reference/decide_reference.json");
    let text = std::fs::read_to_string(&path)
        .expect("reference JSON (run scripts/reference/decide_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    match v.as_str() {
        Some("inf") => f64::INFINITY,
        Some("-inf") => f64::NEG_INFINITY,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

fn rows<'a>(r: &'a Value, key: &str) -> &'a Vec<Value> {
    r[key].as_array().unwrap_or_else(|| panic!("{key}"))
}

/// |a − b| ≤ tol · max(|a|, |b|), or both equal (zeros, infinities).
fn close_to(a: f64, b: f64, tol: f64, what: &str) {
    if a == b {
        return;
    }
    assert!(
        (a - b).abs() <= tol * a.abs().max(b.abs()),
        "{what}: {a} vs reference {b} (rel {:e})",
        ((a - b) / b).abs()
    );
}

fn close(a: f64, b: f64, what: &str) {
    close_to(a, b, 1e-9, what);
}

#[test]
fn adjusted_p_values_match_statsmodels_multipletests() {
    let r = reference();
    let mut n = 0;
    for row in rows(&r, "families") {
        let p = floats(&row["p"]);
        let alpha = f(&row["alpha"]);
        let c = match row["method"].as_str().expect("method") {
            "holm" => Correction::Holm,
            "bonferroni" => Correction::Bonferroni,
            "fdr_bh" => Correction::Bh,
            other => panic!("{other}"),
        };
        let at = format!("{} {}", row["name"], row["method"]);
        let adj = adjust(&p, c);
        let want = floats(&row["p_adjusted"]);
        for (i, (a, w)) in adj.iter().zip(&want).enumerate() {
            close_to(*a, *w, 1e-12, &format!("{at} p_adj[{i}]"));
        }
        // the decision: statsmodels rejects at p_adj <= alpha, govgate at p_adj < alpha; the
        // two agree wherever the adjusted value is not alpha itself
        let reject = row["reject"].as_array().expect("reject");
        for i in 0..p.len() {
            if (adj[i] - alpha).abs() > 1e-12 {
                assert_eq!(
                    adj[i] < alpha,
                    reject[i].as_bool().expect("bool"),
                    "{at} reject[{i}]"
                );
            }
        }
        let lv = decision_levels(&p, alpha, c);
        for (i, (a, w)) in lv.iter().zip(floats(&row["levels"])).enumerate() {
            close_to(*a, w, 1e-15, &format!("{at} level[{i}]"));
            if (p[i] - a).abs() > 1e-12 {
                assert_eq!(p[i] < *a, adj[i] < alpha, "{at}: level {i} agrees");
            }
        }
        n += 1;
    }
    assert_eq!(n, 24, "8 families × 3 corrections");
}

#[test]
fn clopper_pearson_matches_statsmodels() {
    let r = reference();
    for row in rows(&r, "clopper_pearson") {
        let (lo, hi) = proportion::clopper_pearson(
            row["x"].as_u64().expect("x"),
            row["n"].as_u64().expect("n"),
            f(&row["level"]),
        )
        .expect("interval");
        close(lo, f(&row["low"]), &format!("low {row}"));
        close(hi, f(&row["high"]), &format!("high {row}"));
    }
}

#[test]
fn mcnemar_interval_agrees_with_its_exact_test() {
    let r = reference();
    for row in rows(&r, "mcnemar") {
        let (b, c, n) = (
            row["b"].as_u64().expect("b"),
            row["c"].as_u64().expect("c"),
            row["n"].as_u64().expect("n"),
        );
        let level = f(&row["level"]);
        let inf = Inference::mcnemar(b, c, n).expect("test");
        close(inf.p_value, f(&row["p"]), &format!("p {row}"));
        let (lo, hi) = inf.interval(level).expect("interval");
        close(lo, f(&row["low"]), &format!("low {row}"));
        close(hi, f(&row["high"]), &format!("high {row}"));
        assert_eq!(
            excludes((lo, hi), 0.0),
            row["excludes_zero"].as_bool().expect("bool"),
            "{row}"
        );
        assert_eq!(
            excludes((lo, hi), 0.0),
            inf.p_value < level,
            "interval and p agree: {row}"
        );
        assert_eq!(mcnemar::exact_interval(b, c, n, level), Some((lo, hi)));
    }
    // the example: Δ = 0.3 on 10 documents with p = 0.25 has an interval holding 0
    let first = &rows(&r, "mcnemar")[0];
    assert_eq!(
        (first["b"].as_u64(), first["c"].as_u64()),
        (Some(0), Some(3))
    );
    assert!(f(&first["low"]) < 0.0);
}

#[test]
fn t_distribution_matches_scipy() {
    let r = reference();
    for row in rows(&r, "t_ppf") {
        let q = twosample::t_quantile(f(&row["q"]), f(&row["df"])).expect("quantile");
        close(q, f(&row["ppf"]), &format!("ppf {row}"));
    }
    for row in rows(&r, "t_sf") {
        // a t-test of t·1 against 0 with se 1 has p = 2·sf(|t|)
        let inf = Inference::t(f(&row["t"]), 1.0, f(&row["df"]), 0.0).expect("t");
        close(
            inf.p_value,
            (2.0 * f(&row["sf"]).min(1.0 - f(&row["sf"]))).min(1.0),
            &format!("p {row}"),
        );
    }
}

#[test]
fn welch_from_stderrs_matches_scipy_ttest_ind_from_stats() {
    let r = reference();
    for row in rows(&r, "welch_from_stats") {
        let (sa, sb) = (f(&row["se_a"]), f(&row["se_b"]));
        let (na, nb) = (f(&row["n_a"]), f(&row["n_b"]));
        let se = (sa * sa + sb * sb).sqrt();
        let df = (sa * sa + sb * sb).powi(2) / (sa.powi(4) / (na - 1.0) + sb.powi(4) / (nb - 1.0));
        close(df, f(&row["df"]), "df");
        let inf = Inference::t(f(&row["a"]) - f(&row["b"]), se, df, 0.0).expect("t");
        close(
            inf.statistic().expect("t"),
            f(&row["t"]),
            &format!("t {row}"),
        );
        close(inf.p_value, f(&row["p"]), &format!("p {row}"));
    }
}

#[test]
fn clustered_standard_error_and_interval_match_inspect_ai() {
    let r = reference();
    for row in rows(&r, "clustered") {
        let values = floats(&row["values"]);
        let ids: Vec<u64> = row["clusters"]
            .as_array()
            .expect("clusters")
            .iter()
            .map(|v| v.as_u64().expect("id"))
            .collect();
        let c = cluster::stderr(&values, &ids).expect("two clusters or more");
        let at = row["name"].as_str().expect("name");
        close(c.se, f(&row["se"]), &format!("{at} se"));
        close(c.mean, f(&row["mean"]), &format!("{at} mean"));
        assert_eq!(c.clusters as u64, row["n_clusters"].as_u64().expect("C"));
        // Inspect's ci(method="t", cluster=…): mean ± t(1 − γ/2, C − 1)·se
        for (level, want) in row["ci"].as_object().expect("ci") {
            let conf: f64 = level.parse().expect("level");
            let inf = Inference::t(c.mean, c.se, (c.clusters - 1) as f64, 0.0).expect("t");
            let (lo, hi) = inf.interval(1.0 - conf).expect("interval");
            close(lo, f(&want[0]), &format!("{at} {level} lower"));
            close(hi, f(&want[1]), &format!("{at} {level} upper"));
        }
    }
}

#[test]
fn paired_and_cluster_bootstraps_match_their_replicas() {
    let r = reference();
    for row in rows(&r, "bootstrap") {
        let d = floats(&row["diffs"]);
        let b = row["resamples"].as_u64().expect("B") as u32;
        let seed = row["seed"].as_u64().expect("seed");
        let max = row["intervals"]
            .as_object()
            .expect("intervals")
            .keys()
            .map(|k| k.parse::<f64>().expect("level"))
            .fold(0.0, f64::max);
        let bs = match row["clusters"].as_array() {
            Some(ids) => {
                let ids: Vec<u64> = ids.iter().map(|v| v.as_u64().expect("id")).collect();
                bootstrap::cluster_mean_diff(&d, &ids, b, seed, max)
            }
            None => bootstrap::paired_mean_diff(&d, b, seed, max),
        }
        .expect("bootstrap");
        assert_eq!(bs.p_value, f(&row["p"]), "p {}", row["seed"]);
        assert!(bs.p_value > 0.0);
        for (level, want) in row["intervals"].as_object().expect("intervals") {
            let lv: f64 = level.parse().expect("level");
            let (lo, hi) = bs.interval(lv).expect("kept");
            close(lo, f(&want[0]), &format!("{level} low"));
            close(hi, f(&want[1]), &format!("{level} high"));
            // the interval excludes 0 exactly when p is below the level
            assert_eq!(excludes((lo, hi), 0.0), bs.p_value < lv, "{level}");
        }
    }
}

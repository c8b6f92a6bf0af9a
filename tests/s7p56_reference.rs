//! S7P5 / S7P6 statistics against reference values computed by statsmodels, scipy,
//! scikit-learn and lmms-eval (`scripts/reference/s7p56_reference.py`, output committed
//! beside it), tiny samples and ties included. Held to 1e-9 relative; the p-values of the
//! t and chi-square tails come from statrs, whose tails agree with scipy to ~5e-11.

mod common;

use govgate::stats::{describe, power, rank, twosample};
use serde_json::Value;

fn reference() -> Value {
    let path = common::root().join("scripts/reference/s7p56_reference.json");
    let text = std::fs::read_to_string(&path)
        .expect("reference JSON (run scripts/reference/s7p56_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

fn rows<'a>(r: &'a Value, key: &str) -> &'a Vec<Value> {
    r[key].as_array().unwrap_or_else(|| panic!("{key} rows"))
}

/// |a − b| ≤ 1e-9 · max(|a|, |b|) (exact zeros compare equal).
fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-9 * a.abs().max(b.abs());
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a} vs reference {b} (rel {:e})",
        ((a - b) / b).abs()
    );
}

#[test]
fn two_proportion_z_test_matches_statsmodels() {
    let r = reference();
    for row in rows(&r, "two_proportions") {
        let c = twosample::two_proportions(
            u(&row["x_a"]),
            u(&row["n_a"]),
            u(&row["x_b"]),
            u(&row["n_b"]),
            f(&row["null"]),
        )
        .expect("a comparison");
        let at = format!("{row}");
        let (lo, hi) = c.interval(f(&row["alpha"])).expect("interval");
        close(c.delta, f(&row["delta"]), &format!("delta {at}"));
        close(c.statistic().expect("z"), f(&row["z"]), &format!("z {at}"));
        close(c.p_value, f(&row["p"]), &format!("p {at}"));
        close(lo, f(&row["ci_low"]), &format!("ci_low {at}"));
        close(hi, f(&row["ci_high"]), &format!("ci_high {at}"));
        // the test and its interval agree: the interval excludes the null exactly when p < alpha
        let excludes = lo > f(&row["null"]) || hi < f(&row["null"]);
        assert_eq!(excludes, c.p_value < f(&row["alpha"]), "{at}");
    }
}

#[test]
fn welch_t_test_matches_scipy() {
    let r = reference();
    for (i, row) in rows(&r, "welch").iter().enumerate() {
        let (a, b) = (floats(&row["a"]), floats(&row["b"]));
        let c = twosample::welch(
            describe::mean(a.iter().copied()),
            describe::sample_variance(&a).expect("var a"),
            a.len() as u64,
            describe::mean(b.iter().copied()),
            describe::sample_variance(&b).expect("var b"),
            b.len() as u64,
            f(&row["alpha"]),
        )
        .expect("a comparison");
        close(c.delta, f(&row["delta"]), &format!("delta #{i}"));
        close(c.statistic, f(&row["t"]), &format!("t #{i}"));
        close(c.df.expect("df"), f(&row["df"]), &format!("df #{i}"));
        close(c.p_value, f(&row["p"]), &format!("p #{i}"));
        close(c.ci_low, f(&row["ci_low"]), &format!("ci_low #{i}"));
        close(c.ci_high, f(&row["ci_high"]), &format!("ci_high #{i}"));
    }
}

#[test]
fn sample_ratio_mismatch_matches_scipy_chisquare() {
    let r = reference();
    for row in rows(&r, "chisquare") {
        let obs: Vec<u64> = row["observed"]
            .as_array()
            .expect("obs")
            .iter()
            .map(u)
            .collect();
        let (stat, p) =
            twosample::chisquare_gof(&obs, &floats(&row["expected"])).expect("a statistic");
        close(stat, f(&row["statistic"]), &format!("chi2 {row}"));
        close(p, f(&row["p"]), &format!("p {row}"));
    }
}

#[test]
fn spearman_with_ties_matches_scipy() {
    let r = reference();
    for row in rows(&r, "spearman") {
        let (rho, p) =
            rank::spearman(&floats(&row["x"]), &floats(&row["y"])).expect("a correlation");
        close(rho, f(&row["rho"]), &format!("rho {row}"));
        close(p, f(&row["p"]), &format!("p {row}"));
    }
}

#[test]
fn cohen_kappa_matches_sklearn_and_statsmodels() {
    let r = reference();
    for row in rows(&r, "kappa") {
        let labels = |k: &str| -> Vec<String> {
            row[k]
                .as_array()
                .expect("labels")
                .iter()
                .map(|v| v.as_str().expect("label").to_owned())
                .collect()
        };
        let pairs: Vec<(String, String)> = labels("a").into_iter().zip(labels("b")).collect();
        let k = rank::cohen_kappa(&pairs).expect("kappa");
        close(k, f(&row["kappa"]), &format!("kappa {row}"));
    }
}

#[test]
fn trial_interval_matches_scipy_t() {
    let r = reference();
    for row in rows(&r, "trials") {
        let v = floats(&row["values"]);
        let s = govgate::checks::trials::spread(&v).expect("a spread");
        close(s.mean, f(&row["mean"]), &format!("mean {row}"));
        close(s.sd, f(&row["sd"]), &format!("sd {row}"));
        close(s.ci_low, f(&row["ci_low"]), &format!("ci_low {row}"));
        close(s.ci_high, f(&row["ci_high"]), &format!("ci_high {row}"));
    }
    // HELM's population variance over k trials → the sample sd of the trials
    for row in rows(&r, "helm_trials") {
        let sd =
            govgate::evidence::helm::trial_sd(u(&row["count"]), f(&row["variance"])).expect("a sd");
        close(sd, f(&row["sd"]), &format!("HELM sd {row}"));
    }
}

#[test]
fn power_matches_lmms_eval() {
    let r = reference();
    for row in rows(&r, "power") {
        let vd = power::var_diff(f(&row["std_a"]), f(&row["std_b"]), f(&row["correlation"]));
        close(vd, f(&row["var_diff"]), &format!("var_diff {row}"));
        let (alpha, pw, n) = (f(&row["alpha"]), f(&row["power"]), u(&row["n"]));
        assert_eq!(
            power::required_n(f(&row["effect"]), vd, alpha, pw),
            Some(u(&row["min_n"])),
            "min_n {row}"
        );
        let mde = power::mde((vd / n as f64).sqrt(), alpha, pw);
        close(mde, f(&row["mde"]), &format!("mde {row}"));
        close(
            power::achieved(f(&row["effect"]), vd, n, alpha),
            f(&row["achieved_power"]),
            &format!("achieved power {row}"),
        );
        // lmms-eval's own (rounded) numbers, where the script could import it
        if let Some(l) = row.get("lmms_eval") {
            assert_eq!(u(&l["min_n"]), u(&row["min_n"]));
            assert!((mde - f(&l["min_detectable_effect"])).abs() <= 5e-5 + 1e-12);
        }
    }
}

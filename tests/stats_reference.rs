//! Statistics against reference values computed by scipy, statsmodels and numpy
//! (`scripts/reference/s7p1_reference.py`, output committed beside it). Exact methods are
//! held to 1e-9 relative.

mod common;

use govgate::stats::{bootstrap, describe, mcnemar, normal, power, ztest};
use serde_json::Value;

fn reference() -> Value {
    let path = common::root().join("scripts/reference/s7p1_reference.json");
    let text = std::fs::read_to_string(&path)
        .expect("reference JSON (run scripts/reference/s7p1_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// |a − b| ≤ 1e-9 · max(|a|, |b|), or both exactly zero.
fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-9 * a.abs().max(b.abs());
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a} vs reference {b} (rel {:e})",
        ((a - b) / b).abs()
    );
}

#[test]
fn normal_quantile_and_tail_match_scipy() {
    let r = reference();
    for row in r["normal_ppf"].as_array().expect("rows") {
        close(
            normal::quantile(f(&row["p"])),
            f(&row["value"]),
            &format!("ppf({})", row["p"]),
        );
    }
    for row in r["normal_sf"].as_array().expect("rows") {
        close(
            normal::sf(f(&row["z"])),
            f(&row["value"]),
            &format!("sf({})", row["z"]),
        );
    }
}

#[test]
fn unpaired_z_test_matches_lm_eval_comparator_and_scipy() {
    let r = reference();
    for row in r["ztest"].as_array().expect("rows") {
        let t = ztest::unpaired(f(&row["a"]), f(&row["se_a"]), f(&row["b"]), f(&row["se_b"]))
            .expect("finite");
        if f(&row["z"]) == 0.0 {
            assert_eq!(t.z, 0.0);
        } else {
            close(t.z, f(&row["z"]), "z");
        }
        close(t.p_value, f(&row["p_value"]), &format!("p of {row}"));
    }
}

#[test]
fn mcnemar_matches_statsmodels() {
    let r = reference();
    for row in r["mcnemar"].as_array().expect("rows") {
        let (b, c) = (row["b"].as_u64().expect("b"), row["c"].as_u64().expect("c"));
        let e = mcnemar::exact(b, c);
        assert_eq!(
            e.statistic,
            f(&row["exact_statistic"]),
            "statistic ({b},{c})"
        );
        close(e.p_value, f(&row["exact_p"]), &format!("exact p ({b},{c})"));
        if b + c > 0 {
            let x = mcnemar::chi2(b, c, true);
            close(
                x.statistic,
                f(&row["chi2_corrected_statistic"]),
                "chi2 corrected",
            );
            close(
                x.p_value,
                f(&row["chi2_corrected_p"]),
                &format!("chi2 corrected p ({b},{c})"),
            );
            let y = mcnemar::chi2(b, c, false);
            close(y.statistic, f(&row["chi2_uncorrected_statistic"]), "chi2");
            close(
                y.p_value,
                f(&row["chi2_uncorrected_p"]),
                &format!("chi2 p ({b},{c})"),
            );
        }
    }
}

#[test]
fn mean_and_stderr_match_numpy() {
    let r = reference();
    for row in r["stderr_of_mean"].as_array().expect("rows") {
        let xs: Vec<f64> = row["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(f)
            .collect();
        close(describe::mean(xs.iter().copied()), f(&row["mean"]), "mean");
        close(
            describe::stderr_of_mean(&xs).expect("n>1"),
            f(&row["stderr"]),
            "stderr",
        );
    }
}

#[test]
fn minimum_detectable_effect_matches_scipy() {
    let r = reference();
    for row in r["mde"].as_array().expect("rows") {
        close(
            power::mde(f(&row["se"]), f(&row["alpha"]), f(&row["power"])),
            f(&row["value"]),
            "mde",
        );
    }
}

#[test]
fn paired_bootstrap_matches_its_numpy_replica_and_scipy() {
    let r = reference();
    for row in r["bootstrap"].as_array().expect("rows") {
        let d: Vec<f64> = row["diffs"]
            .as_array()
            .expect("diffs")
            .iter()
            .map(f)
            .collect();
        let level = 1.0 - f(&row["confidence"]);
        let b = bootstrap::paired_mean_diff(
            &d,
            row["resamples"].as_u64().expect("B") as u32,
            row["seed"].as_u64().expect("seed"),
            level,
        )
        .expect("result");
        let (lo, hi) = b.interval(level).expect("interval");
        close(b.mean, f(&row["mean"]), "mean");
        close(lo, f(&row["ci_low"]), "ci_low");
        close(hi, f(&row["ci_high"]), "ci_high");
        assert_eq!(b.p_value, f(&row["p_value"]), "p");
        assert!(b.p_value > 0.0, "a bootstrap p is never 0");
        if let Some(s) = row["scipy"].as_object() {
            // independent resamples: agreement within Monte-Carlo error
            let tol = f(&s["tolerance"]);
            assert!(
                (lo - f(&s["ci_low"])).abs() <= tol,
                "{lo} vs scipy {}",
                s["ci_low"]
            );
            assert!(
                (hi - f(&s["ci_high"])).abs() <= tol,
                "{hi} vs scipy {}",
                s["ci_high"]
            );
        }
    }
}

#[test]
fn the_regression_check_reports_reference_statistics_on_the_paired_fixtures() {
    let r = reference();
    let fx = r["fixtures"].as_object().expect("fixtures");
    let out = common::govgate(&[
        "check",
        "fixtures/paired/cand",
        "--baseline",
        "fixtures/paired/base",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let rep = common::json(&out.stdout);
    let findings = common::check(&rep, "no-regression")["findings"]
        .as_array()
        .expect("findings")
        .clone();
    assert_eq!(findings.len(), fx.len(), "one finding per reference test");
    for (subject, e) in fx {
        let t = findings
            .iter()
            .find(|x| x["subject"] == subject.as_str())
            .unwrap_or_else(|| panic!("{subject}"))["detail"]["test"]
            .clone();
        assert_eq!(t["method"], e["method"], "{subject}");
        assert_eq!(t["family_size"], e["family_size"], "{subject}");
        assert_eq!(t["correction"], "holm", "{subject}");
        assert_eq!(t["significant"], e["significant"], "{subject}");
        for k in [
            "p_value",
            "delta",
            "se",
            "ci_low",
            "ci_high",
            "p_adjusted",
            "adjusted_confidence",
            "adjusted_ci_low",
            "adjusted_ci_high",
            "mde",
        ] {
            close(f(&t[k]), f(&e[k]), &format!("{subject} {k}"));
        }
        for k in ["statistic", "df"] {
            if !e[k].is_null() {
                close(f(&t[k]), f(&e[k]), &format!("{subject} {k}"));
            }
        }
        for k in ["baseline_only", "current_only"] {
            if !e[k].is_null() {
                assert_eq!(t["discordant"][k], e[k], "{subject} {k}");
            }
        }
        if !e["n"].is_null() {
            assert_eq!(t["n"], e["n"], "{subject}");
        }
    }
}

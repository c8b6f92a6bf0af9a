//! Drift statistics against scipy and Evidently (`scripts/reference/s7p3_reference.py`,
//! output committed beside it). Exact methods are held to 1e-9 relative; a p-value that
//! the reference itself computes as `1 − cdf` (Evidently's z-test) also gets an absolute
//! floor of 1e-15, the rounding of that subtraction.

mod common;

use govgate::stats::ks;
use serde_json::Value;

fn reference() -> Value {
    let path = common::root().join("scripts/reference/s7p3_reference.json");
    let text = std::fs::read_to_string(&path)
        .expect("reference JSON (run scripts/reference/s7p3_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

/// |a − b| <= rel·max(|a|, |b|) + abs.
fn close_to(a: f64, b: f64, rel: f64, abs: f64, what: &str) {
    if a == b {
        return;
    }
    let tol = rel * a.abs().max(b.abs()) + abs;
    assert!(
        (a - b).abs() <= tol,
        "{what}: govgate {a:e} vs reference {b:e} (rel {:e})",
        ((a - b) / b).abs()
    );
}

fn close(a: f64, b: f64, what: &str) {
    close_to(a, b, 1e-9, 0.0, what);
}

#[test]
fn smirnov_matches_scipy_special() {
    let r = reference();
    let rows = r["smirnov"].as_array().expect("rows");
    for row in rows {
        let (n, x) = (row["n"].as_u64().expect("n"), f(&row["x"]));
        close(
            ks::smirnov(n, x),
            f(&row["sf"]),
            &format!("smirnov({n}, {x})"),
        );
    }
    eprintln!("{} smirnov values", rows.len());
}

#[test]
fn kstwo_sf_matches_scipy_on_every_branch() {
    let r = reference();
    let rows = r["kstwo_sf"].as_array().expect("rows");
    for row in rows {
        let (n, x) = (row["n"].as_u64().expect("n"), f(&row["x"]));
        close(
            ks::kstwo_sf(x, n),
            f(&row["sf"]),
            &format!("kstwo.sf({x}, {n})"),
        );
    }
    eprintln!("{} kstwo.sf values", rows.len());
}

use govgate::stats::binning;
use govgate::stats::drift::{self, Key, Method, Sample};

/// A reference data set rebuilt from its recipe with the script's float operations.
enum Data {
    Nums(Vec<f64>, bool),
    Cats(Vec<String>),
}

fn build(spec: &Value) -> Data {
    let u = |k: &str| spec[k].as_u64().unwrap_or(0);
    let (n, a, c, m) = (u("n"), u("a"), u("c"), u("m").max(1));
    match spec["kind"].as_str().expect("kind") {
        "lcg" => {
            let (scale, offset) = (f(&spec["scale"]), f(&spec["offset"]));
            Data::Nums(
                (0..n)
                    .map(|i| ((i * a + c) % m) as f64 * scale + offset)
                    .collect(),
                false,
            )
        }
        "int_lcg" => {
            let offset = spec["offset"].as_i64().expect("offset");
            Data::Nums(
                (0..n)
                    .map(|i| (((i * a + c) % m) as i64 + offset) as f64)
                    .collect(),
                true,
            )
        }
        "cat_lcg" => {
            let labels: Vec<&str> = spec["labels"]
                .as_array()
                .expect("labels")
                .iter()
                .map(|l| l.as_str().expect("label"))
                .collect();
            Data::Cats(
                (0..n)
                    .map(|i| labels[(((i * a + c) % m) % labels.len() as u64) as usize].to_owned())
                    .collect(),
            )
        }
        "list" => {
            let vals = spec["values"].as_array().expect("values");
            if vals.iter().all(Value::is_string) {
                Data::Cats(
                    vals.iter()
                        .map(|v| v.as_str().expect("s").to_owned())
                        .collect(),
                )
            } else {
                let integer = vals.iter().all(|v| v.is_i64() || v.is_u64());
                Data::Nums(vals.iter().map(f).collect(), integer)
            }
        }
        other => panic!("recipe {other}"),
    }
}

fn sample(d: &Data) -> Sample {
    match d {
        Data::Nums(v, integer) => {
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            Sample::Values {
                sorted,
                integer: *integer,
            }
        }
        Data::Cats(v) => {
            let mut counts = std::collections::BTreeMap::new();
            for x in v {
                *counts.entry(x.clone()).or_insert(0u64) += 1;
            }
            Sample::Counts {
                keys: counts.keys().map(|k| Key::Text(k.clone())).collect(),
                counts: counts.values().copied().collect(),
            }
        }
    }
}

#[test]
fn drift_methods_match_evidently_on_every_case() {
    let r = reference();
    let mut compared = 0;
    for case in r["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let (rs, cs) = (
            sample(&build(&case["reference"])),
            sample(&build(&case["current"])),
        );
        // the default method
        let numeric = case["type"] == "num";
        let distinct = drift::union_distinct(&rs, &cs).expect("distinct");
        assert_eq!(
            drift::default_method(rs.len(), distinct, numeric).name(),
            case["default_method"].as_str().expect("default"),
            "{name}: default method"
        );
        for (mname, want) in case["methods"].as_object().expect("methods") {
            let method = Method::parse(mname).unwrap_or_else(|| panic!("method {mname}"));
            let thr = f(&want["threshold"]);
            assert_eq!(
                thr,
                method.default_threshold(),
                "{name}/{mname}: default threshold"
            );
            let got = drift::compare(method, &rs, &cs, thr)
                .unwrap_or_else(|e| panic!("{name}/{mname}: {e:?}"));
            let what = format!("{name}/{mname}");
            let want_value = f(&want["value"]);
            match method {
                Method::Tvd => {
                    close(got.statistic.expect("tvd"), f(&want["distance"]), &what);
                    // Monte-Carlo: both p-values estimate the same permutation p
                    let p = want_value;
                    let tol = 5.0 * (p * (1.0 - p) / 1000.0).sqrt() + 2.0 / 1000.0;
                    assert!(
                        (got.value - p).abs() <= tol,
                        "{what}: p {} vs {p}",
                        got.value
                    );
                }
                Method::ChiSquare if want_value.is_nan() => {
                    // one category on both sides: scipy's p is NaN (no degrees of
                    // freedom), which Evidently reads as no drift; govgate reports 1
                    assert_eq!((got.value, got.drift), (1.0, false), "{what}");
                    continue;
                }
                Method::Z => close_to(got.value, want_value, 1e-9, 1e-15, &what),
                _ => close(got.value, want_value, &what),
            }
            assert_eq!(
                got.drift,
                want["drift"].as_bool().expect("drift"),
                "{what}: verdict"
            );
            compared += 1;
        }
        if let Some(k) = case.get("ks_2samp") {
            let (Sample::Values { sorted: a, .. }, Sample::Values { sorted: b, .. }) = (&rs, &cs)
            else {
                panic!("{name}: numeric")
            };
            let got = ks::ks_2samp(a, b).expect("ks");
            close(got.statistic, f(&k["statistic"]), &format!("{name}: D"));
            close(got.p_value, f(&k["pvalue"]), &format!("{name}: ks p"));
            assert_eq!(got.exact, k["method"] == "exact", "{name}: ks method");
        }
        if let Some(edges) = case.get("sturges_edges") {
            let (Sample::Values { sorted: a, integer }, Sample::Values { sorted: b, .. }) =
                (&rs, &cs)
            else {
                panic!("{name}: numeric")
            };
            let got = binning::sturges_edges(
                a[0].min(b[0]),
                a[a.len() - 1].max(b[b.len() - 1]),
                a.len() + b.len(),
                *integer,
            );
            let want: Vec<f64> = edges.as_array().expect("edges").iter().map(f).collect();
            assert_eq!(got, want, "{name}: Sturges edges");
        }
    }
    eprintln!("{compared} method results compared");
}

#[test]
fn sturges_edges_match_numpy() {
    let r = reference();
    for row in r["sturges"].as_array().expect("rows") {
        let vals: Vec<f64> = row["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(f)
            .collect();
        let integer = row["integer"].as_bool().unwrap_or(false);
        let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let want: Vec<f64> = row["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(f)
            .collect();
        assert_eq!(
            binning::sturges_edges(min, max, vals.len(), integer),
            want,
            "{row}"
        );
    }
}

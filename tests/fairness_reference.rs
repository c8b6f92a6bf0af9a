//! The `fairness` check's numbers against fairlearn 0.15 and Aequitas 1.1 on the same files
//! (`scripts/reference/s7p2_reference.py`, output committed beside it): per-group n, rate,
//! TPR, FPR and disparity, the reference group, demographic-parity difference and ratio, and
//! the equalized-odds difference, each to 1e-9 relative. The numbers are read from the JSON
//! report `govgate check -f json` prints, so the whole path — reading, grouping, exclusion
//! below `min_group_size`, statistics, report — is what is compared.

mod common;

use serde_json::Value;

fn reference() -> Value {
    let path = common::root().join("scripts/reference/s7p2_reference.json");
    let text = std::fs::read_to_string(&path)
        .expect("reference JSON (run scripts/reference/s7p2_reference.py)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// |a − b| ≤ 1e-9 · max(|a|, |b|).
fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-9 * a.abs().max(b.abs());
    assert!((a - b).abs() <= tol, "{what}: govgate {a} vs reference {b}");
}

/// The check line and the inputs for one reference case.
fn check_for(case: &Value) -> (String, Vec<String>) {
    let s = |k: &str| case[k].as_str().expect(k).to_owned();
    let (records, inputs) = match s("name").as_str() {
        "winogender" | "helm_region" => ("current".to_owned(), vec![s("file")]),
        // a records file needs no run, but `check` always needs an input
        _ => (
            common::root().join(s("file")).display().to_string(),
            vec!["fixtures/s7p2/lmeval".to_owned()],
        ),
    };
    let rate = if s("mode") == "score" {
        // HELM per-instance records carry each stat at the top level too: `exact_match`
        // reads the same value the reference takes from `stats.exact_match`.
        format!("score: {}", s("score").trim_start_matches("stats."))
    } else {
        format!(
            "prediction: {}, label: {}, positive: \"{}\", max_equalized_odds_difference: 1",
            s("prediction"),
            s("label"),
            s("positive")
        )
    };
    let line = format!(
        "    - id: fx\n      level: 1\n      fairness: {{ records: \"{records}\", group: {}, {rate}, \
         min_group_size: {}, max_difference: 1, min_ratio: 0.01 }}\n",
        s("group"),
        case["min_group_size"]
    );
    (line, inputs)
}

#[test]
fn fairness_matches_fairlearn_and_aequitas() {
    let r = reference();
    let cases = r["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 5);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let dir = common::scratch(&format!("fairness-ref-{name}"));
        let (line, inputs) = check_for(case);
        let rubric = common::rubric(&dir, "ref.yaml", "{}", &format!("  S7P2:\n{line}"));
        // the rubric in a scratch directory names the fixtures: outside it
        let mut args = vec![
            "check",
            "--allow-outside-root",
            "--rubric",
            rubric.to_str().expect("utf-8"),
            "-f",
            "json",
        ];
        args.extend(inputs.iter().map(String::as_str));
        let out = common::govgate(&args);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let report = common::json(&out.stdout);
        let findings = common::check(&report, "fx")["findings"]
            .as_array()
            .expect("findings");
        assert_eq!(findings.len(), 1, "{name}: one source");
        let d = &findings[0]["detail"];
        assert_eq!(d["kind"], "fairness");
        let groups = d["groups"].as_array().expect("groups");

        let want = case["groups"].as_object().expect("groups");
        let kept: Vec<&Value> = groups.iter().filter(|g| g["excluded"] == false).collect();
        assert_eq!(kept.len(), want.len(), "{name}: groups kept");
        for g in kept {
            let id = g["group"].as_str().expect("group");
            let w = &want[id];
            assert_eq!(g["n"], w["n"], "{name} {id}: n");
            for k in ["rate", "tpr", "fpr", "disparity"] {
                if w.get(k).is_some() {
                    close(f(&g[k]), f(&w[k]), &format!("{name} {id}: {k}"));
                } else {
                    assert!(g.get(k).is_none(), "{name} {id}: unexpected {k}");
                }
            }
        }
        let excluded: Vec<(&str, u64)> = groups
            .iter()
            .filter(|g| g["excluded"] == true)
            .map(|g| {
                (
                    g["group"].as_str().expect("group"),
                    g["n"].as_u64().expect("n"),
                )
            })
            .collect();
        let want_excluded: Vec<(&str, u64)> = case["excluded"]
            .as_object()
            .expect("excluded")
            .iter()
            .map(|(g, n)| (g.as_str(), n.as_u64().expect("n")))
            .collect();
        assert_eq!(excluded, want_excluded, "{name}: excluded groups");

        assert_eq!(d["reference_group"], case["reference_group"], "{name}");
        close(
            f(&d["difference"]),
            f(&case["difference"]),
            &format!("{name}: difference"),
        );
        close(f(&d["ratio"]), f(&case["ratio"]), &format!("{name}: ratio"));
        match case.get("equalized_odds_difference") {
            Some(eo) => close(
                f(&d["equalized_odds_difference"]),
                f(eo),
                &format!("{name}: equalized odds"),
            ),
            None => assert!(d.get("equalized_odds_difference").is_none(), "{name}"),
        }
    }
}

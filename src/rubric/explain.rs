//! `govgate rubric explain`: the reference of every check kind — parameters, defaults,
//! formula, an example — from `docs/checks/<kind>.md`, embedded at build time. The same pages
//! are the rubric reference a reader browses (`docs/rubric.md` links each; a test keeps every
//! kind linked), and the JSON Schema takes each kind's one-line summary from them: one source
//! of truth.

use super::raw::KIND_KEYS;

/// Each check kind and its reference page, in the order of [`KIND_KEYS`].
pub const DOCS: &[(&str, &str)] = &[
    ("threshold", include_str!("../../docs/checks/threshold.md")),
    (
        "regression",
        include_str!("../../docs/checks/regression.md"),
    ),
    ("coverage", include_str!("../../docs/checks/coverage.md")),
    ("fairness", include_str!("../../docs/checks/fairness.md")),
    (
        "perturbation_gap",
        include_str!("../../docs/checks/perturbation_gap.md"),
    ),
    (
        "documentation",
        include_str!("../../docs/checks/documentation.md"),
    ),
    ("drift", include_str!("../../docs/checks/drift.md")),
    ("trend", include_str!("../../docs/checks/trend.md")),
    (
        "provenance",
        include_str!("../../docs/checks/provenance.md"),
    ),
    ("manifest", include_str!("../../docs/checks/manifest.md")),
    (
        "repeatability",
        include_str!("../../docs/checks/repeatability.md"),
    ),
    ("trials", include_str!("../../docs/checks/trials.md")),
    ("power", include_str!("../../docs/checks/power.md")),
    ("sweep", include_str!("../../docs/checks/sweep.md")),
    ("ab_test", include_str!("../../docs/checks/ab_test.md")),
    ("agreement", include_str!("../../docs/checks/agreement.md")),
    ("feedback", include_str!("../../docs/checks/feedback.md")),
    (
        "calibration",
        include_str!("../../docs/checks/calibration.md"),
    ),
    (
        "estimated_performance",
        include_str!("../../docs/checks/estimated_performance.md"),
    ),
];

/// The page of a check kind.
pub fn doc(kind: &str) -> Option<&'static str> {
    DOCS.iter().find(|(k, _)| *k == kind).map(|(_, text)| *text)
}

/// The one-line summary of a kind: its page's heading after the dash
/// (`### \`threshold\` — a metric is within bounds`).
pub fn summary(kind: &str) -> Option<&'static str> {
    let first = doc(kind)?.lines().next()?;
    first.split_once(" — ").map(|(_, s)| s.trim())
}

/// Every page, one after another (`rubric explain` without a kind).
pub fn reference() -> String {
    let mut out = String::new();
    for (i, (_, text)) in DOCS.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(text);
    }
    out
}

/// What `govgate rubric explain [KIND]` prints: one kind's page, or an index followed by
/// every page. An unknown kind is an error naming the kinds.
pub fn explain(kind: Option<&str>) -> Result<String, String> {
    match kind {
        Some(k) => doc(k).map(str::to_owned).ok_or_else(|| {
            let near = super::yaml::did_you_mean(k, KIND_KEYS)
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            format!(
                "no check kind `{k}`; {near}the kinds are: {}",
                KIND_KEYS.join(", ")
            )
        }),
        None => {
            let mut out = String::from("# Check kinds\n\n");
            for k in KIND_KEYS {
                out.push_str(&format!("- `{k}` — {}\n", summary(k).unwrap_or("")));
            }
            out.push_str("\n`govgate rubric explain KIND` prints one of them.\n\n");
            out.push_str(&reference());
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_page_with_a_summary() {
        let kinds: Vec<&str> = DOCS.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, KIND_KEYS);
        for (k, text) in DOCS {
            assert!(
                text.starts_with(&format!("### `{k}` — ")),
                "{k}: a page starts with its heading"
            );
            assert!(summary(k).is_some_and(|s| !s.is_empty()), "{k}");
        }
    }

    #[test]
    fn unknown_kind_names_the_kinds() {
        let e = explain(Some("treshold")).unwrap_err();
        assert!(e.contains("did you mean `threshold`?"), "{e}");
        assert!(e.contains("ab_test"), "{e}");
        let all = explain(None).unwrap_or_default();
        assert!(all.contains("- `feedback` — fresh, plentiful, covering the traffic"));
        assert!(all.ends_with(DOCS[DOCS.len() - 1].1));
    }
}

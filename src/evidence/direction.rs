//! govgate's built-in table of metric directions.
//!
//! A results file's own `higher_is_better` map always wins (lm-eval ≥ 0.4.3 writes one);
//! then the task config's `metric_list[].higher_is_better`. Only when the file says nothing
//! does this table apply, and only to names whose direction is not in doubt. A metric
//! that is in none of these is of unknown direction, and a check that needs the direction
//! (`regression`) reports an error naming it unless the rubric says `higher_is_better:`.

/// Metrics where a smaller value is better: perplexities, errors, losses, edit rates.
pub const LOWER_IS_BETTER: &[&str] = &[
    "perplexity",
    "word_perplexity",
    "byte_perplexity",
    "bits_per_byte",
    "ppl",
    "mae",
    "mse",
    "rmse",
    "ter",
    "wer",
    "cer",
    "loss",
    "brier_score",
    "ece",
    // HELM (schema_classic.yaml's lower_is_better)
    "toxic_frac",
    "expected_max_toxicity",
    "max_toxicity_probability",
    "ece_10_bin",
    "ece_1_bin",
    "platt_ece_10_bin",
    "platt_ece_1_bin",
    "inference_runtime",
    // lm-eval crows_pairs: |log-likelihood(more stereotypical) − log-likelihood(less)|, 0
    // is no preference (the task config's higher_is_better: false). Its sibling
    // `pct_stereotype` is best at 50%, so it has no direction and is not listed.
    "likelihood_diff",
];

/// Metrics where a larger value is better, as lm-eval and lmms-eval tasks define them.
pub const HIGHER_IS_BETTER: &[&str] = &[
    "acc",
    "acc_norm",
    "acc_mutual_info",
    "accuracy",
    "exact_match",
    "em",
    "f1",
    "mcc",
    "bleu",
    "chrf",
    "rouge1",
    "rouge2",
    "rougeL",
    "rougeLsum",
    "pass@1",
    // HELM
    "quasi_exact_match",
    "prefix_exact_match",
    "quasi_prefix_exact_match",
    "f1_score",
    "rouge_l",
    "bleu_1",
    "bleu_4",
    "bbq_accuracy",
    "math_equiv",
    "safety_score",
    // Inspect AI: agreement between raters, 1 is perfect
    "krippendorff_alpha",
];

/// Name prefixes of lower-is-better metrics (HELM's `bias_metric:mode=…` family: a
/// total-variation distance from uniform, 0 is unbiased).
const LOWER_IS_BETTER_PREFIXES: &[&str] = &["bias_metric:"];

/// lmms-eval `--repeats` writes `<metric>_<suffix>` keys; these suffixes have a fixed
/// direction whatever the base metric (they measure agreement, not the metric itself).
const SUFFIX_DIRECTION: &[(&str, bool)] = &[
    ("_expected_accuracy", true),
    ("_consensus_accuracy", true),
    ("_consistency_rate", true),
    ("_internal_variance", false),
];

/// The built-in direction of a metric name: `Some(true)` higher is better,
/// `Some(false)` lower is better, `None` unknown.
pub fn builtin(name: &str) -> Option<bool> {
    // lm-eval 0.5 composite names, `pass@1(exact_match)`: the outer metric's direction,
    // else the parent's (`MetricKey.parent_metric`)
    if let Some(open) = name.find('(')
        && name.ends_with(')')
        && open > 0
    {
        let (outer, parent) = (&name[..open], &name[open + 1..name.len() - 1]);
        return builtin(outer).or_else(|| builtin(parent));
    }
    // pass@k: the share of problems solved in k tries
    if let Some(k) = name.strip_prefix("pass@")
        && !k.is_empty()
        && k.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(true);
    }
    // HELM's `exact_match@5` is exact_match over the top 5 outputs: same direction
    if let Some((base, k)) = name.rsplit_once('@')
        && !base.is_empty()
        && k.chars().all(|c| c.is_ascii_digit())
        && !k.is_empty()
    {
        return builtin(base);
    }
    if LOWER_IS_BETTER_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Some(false);
    }
    if LOWER_IS_BETTER.contains(&name) {
        return Some(false);
    }
    if HIGHER_IS_BETTER.contains(&name) {
        return Some(true);
    }
    SUFFIX_DIRECTION
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix) && name.len() > suffix.len())
        .map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_and_pass_at_k() {
        assert_eq!(builtin("pass@1(exact_match)"), Some(true));
        assert_eq!(builtin("pass@10"), Some(true));
        assert_eq!(builtin("mean(perplexity)"), Some(false));
        assert_eq!(builtin("maj@8(exact_match)"), Some(true));
        assert_eq!(builtin("pass@"), None);
        assert_eq!(builtin("(acc)"), None);
    }

    #[test]
    fn known_names() {
        assert_eq!(builtin("perplexity"), Some(false));
        assert_eq!(builtin("word_perplexity"), Some(false));
        assert_eq!(builtin("bits_per_byte"), Some(false));
        assert_eq!(builtin("acc"), Some(true));
        assert_eq!(builtin("exact_match"), Some(true));
        assert_eq!(builtin("exact_match_consistency_rate"), Some(true));
        assert_eq!(builtin("acc_internal_variance"), Some(false));
        assert_eq!(builtin("exact_match@5"), Some(true));
        assert_eq!(builtin("toxic_frac"), Some(false));
        assert_eq!(
            builtin(
                "bias_metric:mode=associations,demographic_category=race,target_category=adjective"
            ),
            Some(false)
        );
        // signed BBQ bias scores have no single good direction
        assert_eq!(builtin("bbq_metric_ambiguous_bias"), None);
    }

    #[test]
    fn unknown_names_stay_unknown() {
        assert_eq!(builtin("parity_yes_rate"), None);
        assert_eq!(builtin("mme_cognition_score"), None);
        assert_eq!(builtin("bypass"), None);
        assert_eq!(builtin("_internal_variance"), None);
    }

    #[test]
    fn tables_do_not_overlap() {
        for n in LOWER_IS_BETTER {
            assert!(!HIGHER_IS_BETTER.contains(n), "{n} in both tables");
        }
    }
}

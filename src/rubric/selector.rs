//! Metric selectors: `task/metric[@variant]`, each part a glob.
//!
//! * `mmlu/acc` — metric `acc` of task `mmlu`, whatever its variant (lm-eval filter);
//! * `gsm8k/exact_match@strict-match` — only that filter;
//! * `*/acc_norm`, `mmlu_*/acc@none` — globs (`*`, `?`, `[abc]`, `{a,b}`).
//!
//! The variant is split at the last unbracketed `@` after a `/`, and the task at the last
//! unbracketed `/` before it: metric names have no `/`, so a task named with one is written
//! as it is (`inspect_evals/mmlu_0_shot/accuracy`). A name containing `/` or `@` can also
//! be written as `[/]` or `[@]`. [`escape`] produces
//! exactly that, and `govgate inspect` prints selectors built with it.

use globset::GlobMatcher;

use crate::model::{Metric, Run};

/// A parsed selector.
#[derive(Debug, Clone)]
pub struct Selector {
    pub text: String,
    task: GlobMatcher,
    metric: GlobMatcher,
    /// The metric part is a pattern (not one exact name): informational stats are skipped.
    metric_is_pattern: bool,
    variant: Option<GlobMatcher>,
}

pub use crate::text::glob;

/// Byte indices of characters outside `[...]` classes and not escaped by `\`.
fn unbracketed(s: &str) -> Vec<(usize, char)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        match c {
            '\\' => i += 2,
            '[' => {
                let mut j = i + 1;
                if j < chars.len() && matches!(chars[j].1, '!' | '^') {
                    j += 1;
                }
                if j < chars.len() && chars[j].1 == ']' {
                    j += 1;
                }
                while j < chars.len() && chars[j].1 != ']' {
                    j += 1;
                }
                i = j + 1;
            }
            _ => {
                out.push((pos, c));
                i += 1;
            }
        }
    }
    out
}

impl Selector {
    /// Parses `task/metric[@variant]`.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let plain = unbracketed(text);
        let slashes: Vec<usize> = plain
            .iter()
            .filter(|(_, c)| *c == '/')
            .map(|(i, _)| *i)
            .collect();
        let first = *slashes.first().ok_or_else(|| {
            format!("selector `{text}` must have the form task/metric[@variant], e.g. mmlu/acc")
        })?;
        // the variant starts at the last `@` after a `/`; metric names have no `/`, so the
        // task ends at the last `/` before it (`inspect_evals/mmlu_0_shot/accuracy`)
        let at_abs = plain
            .iter()
            .filter(|(i, c)| *c == '@' && *i > first)
            .map(|(i, _)| *i)
            .next_back();
        let slash = slashes
            .iter()
            .copied()
            .rfind(|i| at_abs.is_none_or(|a| *i < a))
            .unwrap_or(first);
        let (task, rest) = (&text[..slash], &text[slash + 1..]);
        let at = at_abs.map(|a| a - slash - 1);
        let (metric, variant) = match at {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        if task.is_empty() || metric.is_empty() || variant.is_some_and(str::is_empty) {
            return Err(format!(
                "selector `{text}` has an empty part; write task/metric[@variant], e.g. */acc@none"
            ));
        }
        Ok(Selector {
            text: text.to_owned(),
            task: glob(task)?,
            metric: glob(metric)?,
            metric_is_pattern: !is_literal(metric),
            variant: variant.map(glob).transpose()?,
        })
    }

    /// Whether the task part names this task.
    pub fn matches_task(&self, task: &str) -> bool {
        self.task.is_match(task)
    }

    /// Whether the metric part is one exact name.
    pub fn names_one_metric(&self) -> bool {
        !self.metric_is_pattern
    }

    /// Whether the selector names this task / metric / variant.
    pub fn matches_parts(&self, task: &str, metric: &str, variant: Option<&str>) -> bool {
        self.task.is_match(task)
            && self.metric.is_match(metric)
            && match &self.variant {
                None => true,
                Some(v) => v.is_match(variant.unwrap_or("")),
            }
    }

    /// Whether the selector names this metric. A pattern in the metric part does not
    /// reach informational stats (token counts, runtimes): name those exactly.
    pub fn matches(&self, m: &Metric) -> bool {
        !(m.informational && self.metric_is_pattern)
            && self.matches_parts(&m.task, &m.name, m.variant.as_deref())
    }

    /// The metrics of `runs` this selector names, with the run each belongs to.
    pub fn select<'r>(&self, runs: &'r [Run]) -> Vec<(&'r Run, &'r Metric)> {
        runs.iter()
            .flat_map(|r| r.metrics.iter().map(move |m| (r, m)))
            .filter(|(_, m)| self.matches(m))
            .collect()
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether a glob matches exactly one string: no `*`, `?`, `{…}`, and every `[…]` a single
/// escaped character (as [`escape`] writes them).
fn is_literal(pattern: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' | '?' | '{' | '}' => return false,
            '\\' => i += 2,
            '[' => {
                // `[x]` with one character is a literal
                if i + 2 < chars.len() && chars[i + 2] == ']' && !matches!(chars[i + 1], '!' | '^')
                {
                    i += 3;
                } else {
                    return false;
                }
            }
            _ => i += 1,
        }
    }
    true
}

/// Escapes glob metacharacters and the separators `/` and `@`, so the result matches
/// exactly `s`. (`,` and `!` are literal outside `{…}` and `[…]`, so they stay as they are.)
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' | '/' | '@' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out
}

/// [`escape`] for the task part, leaving its `/` as it is: the task ends at the last `/`
/// before the metric, and metric names have none.
pub fn escape_task(task: &str) -> String {
    escape(task).replace("[/]", "/")
}

/// The shortest selector that names exactly this metric within `run`: `task/metric` when
/// no other variant of it exists, `task/metric@variant` otherwise.
pub fn selector_for(run: &Run, m: &Metric) -> String {
    let base = format!("{}/{}", escape_task(&m.task), escape(&m.name));
    let siblings = run
        .metrics
        .iter()
        .filter(|o| o.task == m.task && o.name == m.name)
        .count();
    match (&m.variant, siblings) {
        (Some(v), n) if n > 1 => format!("{base}@{}", escape(v)),
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(s: &str) -> Selector {
        Selector::parse(s).expect("valid selector")
    }

    #[test]
    fn plain_and_variant() {
        let s = sel("mmlu/acc");
        assert!(s.matches_parts("mmlu", "acc", Some("none")));
        assert!(s.matches_parts("mmlu", "acc", None));
        assert!(!s.matches_parts("mmlu", "acc_norm", Some("none")));
        let s = sel("gsm8k/exact_match@strict-match");
        assert!(s.matches_parts("gsm8k", "exact_match", Some("strict-match")));
        assert!(!s.matches_parts("gsm8k", "exact_match", Some("flexible-extract")));
    }

    #[test]
    fn globs() {
        let s = sel("*/acc_norm");
        assert!(s.matches_parts("hellaswag", "acc_norm", Some("none")));
        let s = sel("mmlu_*/acc@{none,x}");
        assert!(s.matches_parts("mmlu_law", "acc", Some("x")));
        assert!(!s.matches_parts("mmlu", "acc", Some("none")));
        let s = sel("*/*@*");
        assert!(s.matches_parts("t", "m", None));
    }

    #[test]
    fn helm_style_names_with_special_characters() {
        let s = sel("bbq:subject=all*/bbq_metric_ambiguous_bias");
        assert!(s.matches_parts(
            "bbq:subject=all,method=mcqa",
            "bbq_metric_ambiguous_bias",
            None
        ));
    }

    #[test]
    fn escaping_round_trips() {
        for (task, metric, variant) in [
            ("a/b", "m@x", Some("v*")),
            ("[x]", "pass@1", None),
            ("t{1,2}", "m?", Some("@")),
            ("back\\slash", "a,b", Some("none")),
            (
                "bbq:subject=all,method=mc",
                "exact_match@5",
                Some("test+fairness:worst"),
            ),
            ("!x", "y", None),
        ] {
            let text = match variant {
                Some(v) => format!("{}/{}@{}", escape(task), escape(metric), escape(v)),
                None => format!("{}/{}", escape(task), escape(metric)),
            };
            let s = sel(&text);
            assert!(s.matches_parts(task, metric, variant), "{text}");
            assert!(
                !s.matches_parts(&format!("{task}x"), metric, variant),
                "{text}"
            );
        }
    }

    #[test]
    fn literal_metric_names() {
        assert!(is_literal("exact_match"));
        assert!(is_literal("exact_match[@]5"));
        assert!(!is_literal("*"));
        assert!(!is_literal("acc*"));
        assert!(!is_literal("{acc,f1}"));
        assert!(!is_literal("[ab]c"));
        assert!(
            Selector::parse("t/num_instances")
                .expect("s")
                .names_one_metric()
        );
        assert!(!Selector::parse("t/*").expect("s").names_one_metric());
    }

    #[test]
    fn a_task_with_a_slash_is_written_as_it_is() {
        // inspect_evals registers tasks as `inspect_evals/<task>`
        for text in [
            "inspect_evals/mmlu_0_shot/accuracy",
            "inspect_evals[/]mmlu_0_shot/accuracy",
            "inspect_evals/mmlu_0_shot/accuracy@choice",
            "inspect_evals/*/accuracy",
            "*/accuracy",
        ] {
            let s = sel(text);
            assert!(
                s.matches_parts("inspect_evals/mmlu_0_shot", "accuracy", Some("choice")),
                "{text}"
            );
            assert!(
                !s.matches_parts("inspect_evals/mmlu_0_shot", "stderr", Some("choice")),
                "{text}"
            );
        }
        let s = sel("inspect_evals/mmlu_0_shot/accuracy@choice");
        assert!(!s.matches_parts("inspect_evals/mmlu_0_shot", "accuracy", Some("match")));
        // a variant may hold a `/`, escaped or after the `@`
        let s = sel("a/b/m@x/y");
        assert!(s.matches_parts("a/b", "m", Some("x/y")));
    }

    #[test]
    fn malformed_selectors() {
        for bad in ["acc", "/acc", "mmlu/", "mmlu/acc@", "mmlu/[acc"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }
}

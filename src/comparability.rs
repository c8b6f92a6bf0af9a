//! Comparability before comparison: whether two runs measured the same thing.
//!
//! Every check that compares a metric across runs (`regression`, `trend`, `repeatability`,
//! `trials`, `sweep`, `agreement`) asks [`compare`] first. The evidence readers record what
//! each task's numbers measured ([`TaskInfo::measured`]: task version, n-shot, task hash,
//! limit, dataset, sample ids, scorers, HELM's scenario and adapter settings); this module
//! holds the one rule that turns two such records into a list of differences:
//!
//! * a setting both runs record with different values is a **difference** — the check
//!   reports it as an `error` and compares nothing, unless the rubric accepts that aspect
//!   (`accept_differences:`), in which case the finding still names it;
//! * inspect_evals' task versions `N-X` differ only when `N` differs (`X` tracks the task's
//!   interface, not its results): a different `X` alone is a note;
//! * a setting only one run records cannot be verified: a note, not a difference;
//! * a different harness version (lm-eval 0.4.8 vs 0.4.9) is a note: scores can move across
//!   harness versions, but the evaluation is the same one;
//! * per document, samples logs whose `doc_hash`es differ for the same `doc_id` evaluated
//!   other documents ([`documents`]): the documents are not pairs.

use serde::Serialize;

use crate::model::{Aspect, Run};

/// One setting in which two runs differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub aspect: Aspect,
    /// The current (or first) run's value.
    pub current: String,
    /// The baseline (or second) run's value.
    pub baseline: String,
    /// For settings made of named parts (prompt settings, scorers): the parts that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
    /// The rubric accepts this difference (`accept_differences`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub accepted: bool,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.parts.is_empty() {
            write!(
                f,
                "{} {} vs {}",
                self.aspect,
                short(&self.current),
                short(&self.baseline)
            )?;
        } else {
            write!(f, "{} differ ({})", self.aspect, self.parts.join(", "))?;
        }
        if self.accepted {
            f.write_str(" (accepted)")?;
        }
        Ok(())
    }
}

/// A long value (a hash) shortened for a message.
fn short(v: &str) -> String {
    if v.len() > 24 && v.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("{}…", &v[..12])
    } else {
        v.to_owned()
    }
}

/// What [`compare`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Settings recorded by both runs with different values.
    pub differences: Vec<Difference>,
    /// What could not be verified or does not make the runs incomparable.
    pub notes: Vec<String>,
}

impl Comparison {
    /// Marks the differences the rubric accepts.
    pub fn accept(mut self, accepted: &[Aspect]) -> Comparison {
        for d in &mut self.differences {
            d.accepted = accepted.contains(&d.aspect);
        }
        self
    }

    /// The differences the rubric does not accept: non-empty means never compare.
    pub fn refused(&self) -> Vec<&Difference> {
        self.differences.iter().filter(|d| !d.accepted).collect()
    }

    /// Whether a refused difference is in `aspect`.
    pub fn refuses(&self, aspect: Aspect) -> bool {
        self.differences
            .iter()
            .any(|d| !d.accepted && d.aspect == aspect)
    }

    /// `n-shot 0 vs 5; task version 1 vs 2` (refused differences only).
    pub fn refused_text(&self) -> String {
        self.refused()
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Accepted differences and notes, for a finding's message; empty when there are none.
    pub fn remarks(&self) -> String {
        let mut parts: Vec<String> = self
            .differences
            .iter()
            .filter(|d| d.accepted)
            .map(|d| d.to_string())
            .collect();
        parts.extend(self.notes.iter().cloned());
        parts.join("; ")
    }

    pub fn add(&mut self, d: Difference) {
        if !self.differences.contains(&d) {
            self.differences.push(d);
        }
    }
}

/// Whether two runs' numbers for a task can be compared: the settings each recorded for it
/// ([`crate::model::TaskInfo::measured`]), and the harness versions. `task_a` of run `a`
/// (the current one) against `task_b` of run `b` (the baseline, or an earlier run).
pub fn compare(a: &Run, task_a: &str, b: &Run, task_b: &str) -> Comparison {
    let mut out = Comparison::default();
    if a.source.path == b.source.path && task_a == task_b {
        return out;
    }
    let empty = std::collections::BTreeMap::new();
    let ma = a.task(task_a).map_or(&empty, |t| &t.measured);
    let mb = b.task(task_b).map_or(&empty, |t| &t.measured);
    for aspect in Aspect::ALL {
        match (ma.get(&aspect), mb.get(&aspect)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => {
                if aspect == Aspect::TaskVersion
                    && let (Some((nx, ix)), Some((ny, iy))) = (n_x(x), n_x(y))
                    && nx == ny
                {
                    out.notes.push(format!(
                        "task version {x} vs {y}: the same comparability version {nx} \
                         (inspect_evals N-X; {ix} → {iy} changed the task's interface only)"
                    ));
                    continue;
                }
                out.differences.push(Difference {
                    aspect,
                    current: x.clone(),
                    baseline: y.clone(),
                    parts: parts_differing(x, y),
                    accepted: false,
                });
            }
            (Some(x), None) => out.notes.push(format!(
                "{aspect} {} recorded by {} only, not verified",
                short(x),
                a.label()
            )),
            (None, Some(y)) => out.notes.push(format!(
                "{aspect} {} recorded by {} only, not verified",
                short(y),
                b.label()
            )),
            (None, None) => {}
        }
    }
    // the version a file states, else the range its keys imply
    let version = |r: &Run| {
        r.format.version.clone().or_else(|| {
            r.format
                .inferred
                .as_ref()
                .map(|i| format!("{i} (inferred)"))
        })
    };
    if a.format.tool == b.format.tool
        && let (Some(x), Some(y)) = (version(a), version(b))
        && x != y
    {
        out.notes.push(format!(
            "{} {x} vs {y}: scores can move across harness versions",
            a.format.tool
        ));
    } else if a.format.tool != b.format.tool {
        out.notes.push(format!(
            "written by {} and by {}",
            a.format.tool, b.format.tool
        ));
    }
    out
}

/// What of a run's task decides whether [`compare`] refuses it against another: the measured
/// aspects the rubric does not accept, in aspect order, an inspect_evals `N-X` task version as
/// its `N`. Two runs are [`alike`] exactly when `compare(..).accept(accept).refused()` is
/// empty, and runs with equal signatures are alike with the same runs — so a check comparing
/// many runs compares their few distinct signatures, not every pair.
pub fn signature(run: &Run, task: &str, accept: &[Aspect]) -> Vec<(Aspect, Measured)> {
    let Some(t) = run.task(task) else {
        return Vec::new();
    };
    t.measured
        .iter()
        .filter(|(a, _)| !accept.contains(a))
        .map(|(a, v)| {
            let m = match n_x(v) {
                Some((n, _)) if *a == Aspect::TaskVersion => Measured::VersionN(n),
                _ => Measured::Value(v.clone()),
            };
            (*a, m)
        })
        .collect()
}

/// A measured aspect as [`compare`] weighs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Measured {
    Value(String),
    /// An inspect_evals `N-X` task version: only `N` counts.
    VersionN(u64),
}

/// Two [`signature`]s: no aspect both measured with different values.
pub fn alike(a: &[(Aspect, Measured)], b: &[(Aspect, Measured)]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if a[i].1 != b[j].1 {
                    return false;
                }
                i += 1;
                j += 1;
            }
        }
    }
    true
}

/// inspect_evals' `N-X` task version: (`N`, `X`).
fn n_x(v: &str) -> Option<(u64, &str)> {
    let (n, x) = v.split_once('-')?;
    let n = n.parse::<u64>().ok()?;
    (!x.is_empty() && x.chars().all(|c| c.is_ascii_uppercase())).then_some((n, x))
}

/// For values that are JSON objects of named parts, the names whose values differ.
fn parts_differing(x: &str, y: &str) -> Vec<String> {
    let parse = |s: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        match serde_json::from_str::<serde_json::Value>(s) {
            Ok(serde_json::Value::Object(o)) => Some(o),
            _ => None,
        }
    };
    let (Some(a), Some(b)) = (parse(x), parse(y)) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Documents two samples logs both evaluated under one `doc_id` but whose `doc_hash`es
/// differ: the data set changed under the task, and those are not pairs. `a` and `b` are
/// `(doc_id, doc_hash digest)` sorted by id (0: no hash recorded, not compared). `None`
/// when every shared document has the same hash (or no hash on a side).
pub fn documents(a: &[(u64, u64)], b: &[(u64, u64)]) -> Option<Difference> {
    let (mut i, mut j) = (0, 0);
    let (mut shared, mut differ) = (0usize, 0usize);
    let mut first: Option<u64> = None;
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if a[i].1 != 0 && b[j].1 != 0 {
                    shared += 1;
                    if a[i].1 != b[j].1 {
                        differ += 1;
                        first.get_or_insert(a[i].0);
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
    (differ > 0).then(|| Difference {
        aspect: crate::model::Aspect::Documents,
        current: format!(
            "{differ} of {shared} shared doc_ids hold other documents (doc_hash differs, first at doc_id {})",
            first.unwrap_or(0)
        ),
        baseline: String::new(),
        parts: Vec::new(),
        accepted: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, ModelInfo, Provenance, Source, TaskInfo, Tool};
    use proptest::prelude::*;

    fn run(path: &str, measured: Vec<(Aspect, String)>) -> Run {
        Run {
            source: Source {
                path: path.into(),
                sha256: String::new(),
                bytes: 0,
            },
            name: None,
            format: Format {
                tool: Tool::LmEval,
                version: None,
                inferred: None,
            },
            model: ModelInfo::default(),
            provenance: Provenance::default(),
            tasks: vec![TaskInfo {
                name: "t".into(),
                measured: measured.into_iter().collect(),
                ..TaskInfo::default()
            }],
            metrics: Vec::new(),
            perturbations: Vec::new(),
            unmeasured: Vec::new(),
            unfinished: None,
            not_numeric: Vec::new(),
        }
    }

    fn measured() -> impl Strategy<Value = Vec<(Aspect, String)>> {
        let value = prop_oneof![
            Just("1".to_owned()),
            Just("2".to_owned()),
            Just("2-A".to_owned()),
            Just("2-B".to_owned()),
            Just("3-A".to_owned()),
        ];
        prop::collection::vec((0..Aspect::ALL.len(), value), 0..8)
            .prop_map(|v| v.into_iter().map(|(i, s)| (Aspect::ALL[i], s)).collect())
    }

    proptest! {
        /// Signatures decide exactly what `compare` decides: alike when it refuses nothing.
        #[test]
        fn signatures_are_alike_when_compare_refuses_nothing(
            a in measured(),
            b in measured(),
            accepted in prop::collection::vec(0..Aspect::ALL.len(), 0..4),
        ) {
            let accept: Vec<Aspect> = accepted.iter().map(|i| Aspect::ALL[*i]).collect();
            let (ra, rb) = (run("a.json", a), run("b.json", b));
            let expected = compare(&ra, "t", &rb, "t").accept(&accept).refused().is_empty();
            let (sa, sb) = (signature(&ra, "t", &accept), signature(&rb, "t", &accept));
            prop_assert_eq!(alike(&sa, &sb), expected, "{:?} {:?}", sa, sb);
        }
    }

    #[test]
    fn inspect_evals_versions_compare_on_n() {
        assert_eq!(n_x("2-A"), Some((2, "A")));
        assert_eq!(n_x("12-BC"), Some((12, "BC")));
        assert_eq!(n_x("2"), None);
        assert_eq!(n_x("1.0-A"), None);
        assert_eq!(n_x("2-a"), None);
    }

    #[test]
    fn named_parts() {
        assert_eq!(
            parts_differing(r#"{"a":"1","b":"2"}"#, r#"{"a":"1","b":"3","c":"x"}"#),
            ["b", "c"]
        );
        assert!(parts_differing("1", "2").is_empty());
    }

    #[test]
    fn documents_differ_only_where_both_are_hashed() {
        let a = [(0, 11), (1, 12), (2, 0), (3, 14)];
        let b = [(0, 11), (1, 99), (2, 55), (4, 1)];
        let d = documents(&a, &b).expect("differs");
        assert!(
            d.current.starts_with("1 of 2 shared doc_ids"),
            "{}",
            d.current
        );
        assert!(documents(&a, &a).is_none());
    }
}

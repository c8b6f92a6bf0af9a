//! `govgate rubric init`: a starter rubric for the evidence at hand.
//!
//! The rubric it writes ratchets: today's results become tomorrow's floor. Each metric of
//! the current runs whose direction is known and that has a standard error gets a
//! `threshold` at `value − 2·stderr` (higher is better; `value + 2·stderr` for lower),
//! rounded outward to 4 decimals — a floor a model of the same quality, evaluated on a
//! fresh sample of the same size, clears about 97.7% of the time (one-sided 2σ), and a
//! real regression does not. Provenance items are required only where every current run
//! already records them; drift and trend checks appear only when records and history are
//! given. The text is validated with the same reader `check` uses before it is returned.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::checks::provenance::{self, Item};
use crate::error::{Error, Result};
use crate::evidence::{self, Inputs};
use crate::model::{Evidence, Run};
use crate::rubric::selector::{escape, escape_task};

/// Multiples of the standard error a ratcheted floor lies below today's value.
pub const RATCHET_SIGMAS: f64 = 2.0;

/// What the starter rubric is generated from.
#[derive(Debug, Clone, Default)]
pub struct InitInputs {
    pub inputs: Inputs,
    /// The directory the rubric will be written to: its input paths are relative to it.
    pub rubric_dir: PathBuf,
}

/// One ratcheted bound.
#[derive(Debug, Clone, PartialEq)]
struct Floor {
    higher_is_better: bool,
    bound: f64,
}

/// Reads the evidence and returns the starter rubric's text, validated.
pub fn init(args: &InitInputs) -> Result<String> {
    if args.inputs.current.is_empty() {
        return Err(Error::Usage(
            "no inputs: name the results files or directories of the current runs \
             (e.g. `govgate rubric init results/`)"
                .into(),
        ));
    }
    let evidence = evidence::load_evidence(&args.inputs)?;
    let draft = render(&evidence, &args.inputs, &args.rubric_dir);
    // Today's evidence must pass the rubric written from it: judge the draft, leave out
    // (as comments, with the reason) the checks it does not pass, and require no more
    // than the levels then reached.
    let rubric = read_back(&draft, &args.rubric_dir)?;
    let mut cache = crate::checks::SampleCache::default();
    let outcomes = crate::checks::run(&rubric, &evidence, &mut cache)?;
    let unmet: BTreeMap<String, String> = outcomes
        .iter()
        .filter(|o| o.status != crate::checks::Status::Pass)
        .map(|o| (o.id.clone(), format!("{}: {}", o.status, o.message)))
        .collect();
    let kept = leave_out(&draft, &unmet);
    // The levels reached without the checks left out: their outcomes are those already
    // computed, so no second judging. Capping each requirement at its reached level makes
    // the final rubric pass today's evidence by construction.
    let kept_outcomes = outcomes
        .into_iter()
        .filter(|o| !unmet.contains_key(&o.id))
        .collect();
    let verdict = crate::level::roll_up(kept_outcomes, rubric.require);
    let require: Vec<String> = verdict
        .processes
        .iter()
        .filter_map(|p| {
            let want = rubric.require[p.id.index()]?;
            let level = want.min(p.level);
            (level > 0).then(|| format!("{}: {level}", p.id.as_str()))
        })
        .collect();
    let text: String = kept
        .lines()
        .map(|l| {
            if l.starts_with("require: ") {
                format!("require: {{ {} }}\n", require.join(", "))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    read_back(&text, &args.rubric_dir)?;
    Ok(text)
}

/// Validates the draft. Its inputs are the command line's own paths, so they may lie
/// outside the rubric's directory (the header then says that checking it needs
/// `--allow-outside-root`).
fn read_back(text: &str, dir: &Path) -> Result<super::Rubric> {
    let was = super::set_allow_outside_root(true);
    let parsed = super::parse(text, super::Origin::Embedded("rubric init"), dir);
    super::set_allow_outside_root(was);
    parsed.map_err(|e| Error::Internal(format!("the generated rubric does not validate: {e}")))
}

/// Turns the checks named in `unmet` into comments saying why, and a process left without
/// checks into `[]`. Relies on [`check`]'s layout: `    - id: X` and three more lines.
fn leave_out(text: &str, unmet: &BTreeMap<String, String>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let id = lines[i].strip_prefix("    - id: ");
        match id.and_then(|id| unmet.get(id).map(|why| (id, why))) {
            Some((id, why)) => {
                let why: String = why.chars().take(300).collect();
                out.push(format!(
                    "    # left out, not met by today's evidence: {id}: {}",
                    why.replace('\n', " ")
                ));
                i += 4;
            }
            None => {
                out.push(lines[i].to_owned());
                i += 1;
            }
        }
    }
    // a process key whose checks all went: `  S7Pn: []`
    let mut fixed = Vec::with_capacity(out.len());
    for (k, line) in out.iter().enumerate() {
        let is_process = line.len() == 7 && line.starts_with("  S7P") && line.ends_with(':');
        let has_check = out[k + 1..]
            .iter()
            .take_while(|l| !l.starts_with("  S7P") && l.starts_with(' '))
            .any(|l| l.starts_with("    - id: ") || l.starts_with("    []"));
        if is_process && !has_check {
            fixed.push(format!("{line} []"));
        } else {
            fixed.push(line.clone());
        }
    }
    let mut text = fixed.join("\n");
    text.push('\n');
    text
}

/// Rounds `x` to 4 decimals away from the value it bounds: down for a floor, up for a
/// ceiling, so rounding never tightens the bound.
fn round_out(x: f64, down: bool) -> f64 {
    let scaled = x * 1e4;
    let r = if down { scaled.floor() } else { scaled.ceil() } / 1e4;
    if r == 0.0 { 0.0 } else { r }
}

/// A number as YAML writes it: shortest round-trip form.
fn num(x: f64) -> String {
    let s = format!("{x}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// A string as a YAML double-quoted scalar (JSON's escaping is valid YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// `path` as seen from `dir`, lexically (neither needs to exist yet).
fn relative(dir: &Path, path: &Path) -> PathBuf {
    let (Ok(dir), Ok(path)) = (std::path::absolute(dir), std::path::absolute(path)) else {
        return path.to_path_buf();
    };
    fn norm(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    }
    let (d, p) = (norm(&dir), norm(&path));
    if d.first() != p.first() {
        return path; // another root or drive: keep it absolute
    }
    let common = d.iter().zip(&p).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..d.len() {
        rel.push("..");
    }
    for c in &p[common..] {
        rel.push(c.as_os_str());
    }
    if rel.as_os_str().is_empty() {
        rel.push(".");
    }
    rel
}

fn path_list(dir: &Path, paths: &[PathBuf]) -> String {
    let items: Vec<String> = paths
        .iter()
        .map(|p| q(&relative(dir, p).to_string_lossy().replace('\\', "/")))
        .collect();
    format!("[{}]", items.join(", "))
}

/// The exact selector of a metric, the same in every run (`inspect` prints the shortest
/// one within a run, which may differ between runs).
fn exact_selector(task: &str, name: &str, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("{}/{}@{}", escape_task(task), escape(name), escape(v)),
        None => format!("{}/{}", escape_task(task), escape(name)),
    }
}

/// The ratcheted floors over every current run (the loosest where runs differ: a
/// threshold must hold for each run it selects), and the metrics left out, with why.
fn floors(runs: &[Run]) -> (BTreeMap<String, Floor>, BTreeMap<String, &'static str>) {
    let mut floors: BTreeMap<String, Floor> = BTreeMap::new();
    let mut skipped: BTreeMap<String, &'static str> = BTreeMap::new();
    for run in runs {
        for m in run.metrics.iter().filter(|m| !m.informational) {
            let sel = exact_selector(&m.task, &m.name, m.variant.as_deref());
            let why = if !m.value.is_finite() {
                Some("its value is not a finite number")
            } else if m.higher_is_better.is_none() {
                Some("its direction is unknown (name it in a threshold of your own)")
            } else if !m.stderr.is_some_and(|s| s.is_finite() && s >= 0.0) {
                Some("it has no standard error to set a tolerance from")
            } else {
                None
            };
            if let Some(why) = why {
                floors.remove(&sel);
                skipped.insert(sel, why);
                continue;
            }
            if skipped.contains_key(&sel) {
                continue;
            }
            let (Some(hib), Some(se)) = (m.higher_is_better, m.stderr) else {
                continue;
            };
            let bound = if hib {
                round_out(m.value - RATCHET_SIGMAS * se, true)
            } else {
                round_out(m.value + RATCHET_SIGMAS * se, false)
            };
            let f = floors.entry(sel).or_insert(Floor {
                higher_is_better: hib,
                bound,
            });
            if f.higher_is_better != hib {
                continue; // runs disagree on the direction; keep the first
            }
            f.bound = if hib {
                f.bound.min(bound)
            } else {
                f.bound.max(bound)
            };
        }
    }
    (floors, skipped)
}

/// Provenance items every current run records, in the order of [`Item::ALL`].
fn items_met(runs: &[Run]) -> Vec<Item> {
    Item::ALL
        .into_iter()
        .filter(|i| runs.iter().all(|r| provenance::assess(r, *i).present))
        .collect()
}

/// A check id naming a selector: rubric ids take letters, digits and `- _ . : /`.
fn slug(prefix: &str, sel: &str) -> String {
    let body: String = sel
        .chars()
        .filter(|c| !matches!(c, '[' | ']'))
        .map(|c| match c {
            '@' => ':',
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/') => c,
            _ => '-',
        })
        .collect();
    format!("{prefix}:{body}")
}

/// Ids for selectors, unique even where two selectors slug alike.
fn ids(prefix: &str, sels: &[&String]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    sels.iter()
        .map(|sel| {
            let base = slug(prefix, sel);
            let mut id = base.clone();
            let mut n = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

fn check(out: &mut String, id: &str, level: u8, rationale: &str, body: &str) {
    let _ = writeln!(out, "    - id: {id}");
    let _ = writeln!(out, "      level: {level}");
    let _ = writeln!(out, "      rationale: {}", q(rationale));
    let _ = writeln!(out, "      {body}");
}

/// The starter rubric's text for this evidence.
fn render(ev: &Evidence, inputs: &Inputs, dir: &Path) -> String {
    let runs = &ev.current;
    let mut tasks: Vec<&str> = runs
        .iter()
        .flat_map(|r| r.tasks.iter().map(|t| t.name.as_str()))
        .collect();
    tasks.sort_unstable();
    tasks.dedup();
    let limited: Vec<String> = runs.iter().filter_map(provenance::limited).collect();
    let (floors, skipped) = floors(runs);
    let items = items_met(runs);
    let records = !ev.reference.is_empty() && !ev.production.is_empty();
    let baseline = !ev.baseline.is_empty();
    let history = ev.history.len() >= 3;

    let mut out = String::new();
    // editors: `govgate rubric schema > govgate.schema.json` beside the rubric
    out.push_str("# yaml-language-server: $schema=govgate.schema.json\n");
    let _ = writeln!(
        out,
        "# Written by `govgate rubric init` from {} current run(s){}{}{}.",
        runs.len(),
        if baseline {
            format!(", {} baseline run(s)", ev.baseline.len())
        } else {
            String::new()
        },
        if records {
            ", reference and production records"
        } else {
            ""
        },
        if ev.history.is_empty() {
            String::new()
        } else {
            format!(", {} history run(s)", ev.history.len())
        },
    );
    out.push_str(
        "# A ratchet: each floor is today's value less 2 standard errors (rounded down to 4\n\
         # decimals; for lower-is-better metrics a ceiling, rounded up), so a model as good as\n\
         # today's clears it and a worse one does not. Raise floors as results improve.\n\
         # Checks today's evidence does not pass are left out as comments saying why.\n\
         # `govgate rubric explain KIND` documents each check kind; for an editor's help, save\n\
         # `govgate rubric schema > govgate.schema.json` beside this file.\n",
    );
    let outside = [
        &inputs.current,
        &inputs.baseline,
        &inputs.reference,
        &inputs.production,
        &inputs.history,
    ]
    .into_iter()
    .flatten()
    .map(|p| relative(dir, p))
    .any(|r| r.is_absolute() || r.starts_with(".."));
    if outside {
        out.push_str(
            "# Its inputs lie outside its directory: name them on the command line (they replace\n\
             # `inputs`), check it with --allow-outside-root, or write it where its inputs are\n\
             # (a rubric reads files inside its own directory).\n",
        );
    }
    out.push_str("version: 1\nname: starter\n");
    out.push_str("description: Starter rubric written by govgate rubric init; today's results are tomorrow's floor.\n");
    out.push_str("inputs:\n");
    let roles: [(&str, &[PathBuf]); 5] = [
        ("current", &inputs.current),
        ("baseline", &inputs.baseline),
        ("reference", &inputs.reference),
        ("production", &inputs.production),
        ("history", &inputs.history),
    ];
    for (role, paths) in roles {
        if !paths.is_empty() {
            let _ = writeln!(out, "  {role}: {}", path_list(dir, paths));
        }
    }
    let mut require = vec![format!("S7P1: {}", if baseline { 3 } else { 2 })];
    if records {
        require.push("S7P3: 2".into());
    }
    let p4 = if items.iter().any(|i| *i != Item::Config) || limited.is_empty() {
        2
    } else {
        1
    };
    if !items.is_empty() || limited.is_empty() {
        require.push(format!("S7P4: {p4}"));
    }
    let _ = writeln!(out, "require: {{ {} }}", require.join(", "));
    out.push_str("processes:\n  S7P1:\n");

    let task_list: Vec<String> = tasks.iter().map(|t| q(&escape_task(t))).collect();
    if task_list.is_empty() {
        out.push_str("    # the current runs name no tasks: no coverage check\n");
    } else {
        check(
            &mut out,
            "tasks-present",
            1,
            "The tasks evaluated today are evaluated again.",
            &format!(
                "coverage: {{ tasks: [{}], allow_limit: true }}",
                task_list.join(", ")
            ),
        );
        if limited.is_empty() {
            check(
                &mut out,
                "whole-tasks",
                2,
                "Every document of each task is evaluated (no --limit), as today.",
                "coverage: { tasks: [\"*\"], allow_limit: false }",
            );
        } else {
            let _ = writeln!(
                out,
                "    # today's runs were limited ({}): no whole-task check",
                limited.join("; ")
            );
        }
    }
    let sels: Vec<&String> = floors.keys().collect();
    let floor_ids = ids("floor", &sels);
    for ((sel, f), id) in floors.iter().zip(&floor_ids) {
        let (key, what) = if f.higher_is_better {
            ("min", "floor")
        } else {
            ("max", "ceiling")
        };
        check(
            &mut out,
            id,
            2,
            &format!("Today's {sel} less 2 standard errors is the {what}."),
            &format!(
                "threshold: {{ metric: {}, {key}: {} }}",
                q(sel),
                num(f.bound)
            ),
        );
    }
    for (sel, why) in &skipped {
        let _ = writeln!(out, "    # no floor for {sel}: {why}");
    }
    if baseline {
        for (sel, id) in sels.iter().zip(ids("no-regression", &sels)) {
            check(
                &mut out,
                &id,
                3,
                "No significant drop against the baseline (alpha 0.05).",
                &format!(
                    "regression: {{ metric: {}, max_drop: 0.0, alpha: 0.05 }}",
                    q(sel)
                ),
            );
        }
    }

    if records {
        out.push_str("  S7P3:\n");
        check(
            &mut out,
            "windows-comparable",
            1,
            "The production window describes the same things as the reference: not every field moved.",
            "drift: { fields: [\"*\"], drift_share: 1.0 }",
        );
        check(
            &mut out,
            "dataset-drift",
            2,
            "Fewer than half the fields drifted (Evidently's DataDriftPreset verdict).",
            "drift: { fields: [\"*\"], drift_share: 0.5 }",
        );
        check(
            &mut out,
            "field-drift",
            3,
            "No field drifted.",
            "drift: { fields: [\"*\"] }",
        );
    }
    if history {
        if !records {
            out.push_str("  S7P3:\n");
        }
        check(
            &mut out,
            "metric-trend",
            3,
            "No metric left the band of its first three history runs (mean ± 3 sd).",
            "trend: { metric: \"*/*\", band: { reference_runs: 3, sigmas: 3 } }",
        );
    }

    out.push_str("  S7P4:\n");
    if items.is_empty() && !limited.is_empty() {
        out.push_str("    [] # today's runs record no provenance item and were limited\n");
    } else {
        if items.contains(&Item::Config) {
            check(
                &mut out,
                "config-recorded",
                1,
                "The run's configuration is in the file, as today.",
                "provenance: { require: [config] }",
            );
        }
        let level2: Vec<&str> = items
            .iter()
            .filter(|i| **i != Item::Config)
            .map(|i| i.name())
            .collect();
        if !level2.is_empty() || limited.is_empty() {
            let mut body = format!("provenance: {{ require: [{}]", level2.join(", "));
            if limited.is_empty() {
                body.push_str(", forbid_limit: true");
            }
            body.push_str(" }");
            check(
                &mut out,
                "provenance-kept",
                2,
                "Everything today's runs record about how they were made stays recorded.",
                &body,
            );
        }
        let missing: Vec<&str> = Item::ALL
            .into_iter()
            .filter(|i| !items.contains(i))
            .map(|i| i.name())
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(
                out,
                "    # not recorded by every run today: {}",
                missing.join(", ")
            );
        }
        out.push_str(
            "    # level 3: pin the inputs with `govgate manifest … -o govgate.manifest.json` and\n    \
             # add `manifest: { file: govgate.manifest.json }`\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_never_tightens() {
        assert_eq!(round_out(0.712_34, true), 0.7123);
        assert_eq!(round_out(0.712_36, false), 0.7124);
        assert_eq!(round_out(-0.000_01, false), 0.0);
        assert_eq!(round_out(0.5, true), 0.5);
    }

    #[test]
    fn paths_relative_to_the_rubric() {
        assert_eq!(
            relative(Path::new("a/b"), Path::new("a/c/x.json")),
            PathBuf::from("../c/x.json")
        );
        assert_eq!(
            relative(Path::new(""), Path::new("results")),
            PathBuf::from("results")
        );
        assert_eq!(
            relative(Path::new("."), Path::new("./r/../s")),
            PathBuf::from("s")
        );
        assert_eq!(relative(Path::new("a"), Path::new("a")), PathBuf::from("."));
    }

    #[test]
    fn ids_are_valid_and_unique() {
        let (a, b) = ("x[@]y/m@none".to_owned(), "x@y/m@none".to_owned());
        assert_eq!(
            ids("floor", &[&a, &b]),
            ["floor:x:y/m:none", "floor:x:y/m:none-2"]
        );
        assert_eq!(
            slug("floor", "bbq:subject=all,x/acc"),
            "floor:bbq:subject-all-x/acc"
        );
    }

    #[test]
    fn unmet_checks_become_comments() {
        let text = "processes:\n  S7P1:\n    - id: a\n      level: 1\n      rationale: \"x\"\n      coverage: { tasks: [t] }\n    - id: b\n      level: 2\n      rationale: \"y\"\n      coverage: { tasks: [u] }\n  S7P4:\n    - id: c\n      level: 1\n      rationale: \"z\"\n      provenance: { require: [config] }\n";
        let unmet = BTreeMap::from([
            ("a".to_owned(), "fail: no\nway".to_owned()),
            ("c".to_owned(), "missing: none".to_owned()),
        ]);
        let out = leave_out(text, &unmet);
        assert_eq!(
            out,
            "processes:\n  S7P1:\n    # left out, not met by today's evidence: a: fail: no way\n    - id: b\n      level: 2\n      rationale: \"y\"\n      coverage: { tasks: [u] }\n  S7P4: []\n    # left out, not met by today's evidence: c: missing: none\n"
        );
    }

    #[test]
    fn numbers_read_back_as_floats() {
        assert_eq!(num(1.0), "1.0");
        assert_eq!(num(0.7123), "0.7123");
        assert_eq!(q("a\"b"), "\"a\\\"b\"");
    }
}

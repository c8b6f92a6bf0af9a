//! `manifest`: the committed manifest still describes the inputs.
//!
//! ## What it checks
//! The manifest (an in-toto Statement written by `govgate manifest`) is verified against
//! the files under `root`: every subject exists with its SHA-256, and every input of this
//! gate (runs and their files, records, the rubric, the files its checks name) is a subject.
//!
//! ## Why it matters
//! "These are the numbers" is only checkable when the files they came from are pinned:
//! a later run of the gate on a changed file, or on a file the release never named, fails
//! (EU AI Act Annex IV 6, changes through the lifecycle; SLSA provenance).
//!
//! ## Configuration
//! ```yaml
//! - id: inputs-pinned
//!   level: 3
//!   manifest: { file: govgate.manifest.json }   # root: the rubric's directory by default
//! ```
//!
//! ## Failure
//! A changed or missing subject, or an input the manifest does not name, fails. No manifest
//! file is `missing`. A malformed manifest, or one naming a file outside its root, is an
//! input error (exit code 2).

use std::collections::BTreeSet;

use super::{Finding, Status};
use crate::error::Result;
use crate::manifest;
use crate::model::Evidence;
use crate::rubric::{Manifest, Rubric};

fn finding(subject: String, status: Status, message: String, observed: &str) -> Finding {
    Finding {
        subject,
        run: None,
        baseline: None,
        status,
        message,
        observed: observed.into(),
        expected: "as in the manifest".into(),
        detail: None,
    }
}

pub fn run(m: &Manifest, evidence: &Evidence, rubric: &Rubric) -> Result<Vec<Finding>> {
    let file = m.file.display().to_string();
    if !m.file.is_file() {
        return Ok(vec![finding(
            file.clone(),
            Status::Missing,
            format!("no manifest at {file} (write one with `govgate manifest INPUTS -o {file}`)"),
            "no manifest",
        )]);
    }
    let v = manifest::verify(&m.file, &m.root, false)?;
    let mut out = Vec::new();
    for (name, want, got) in &v.changed {
        out.push(finding(
            name.clone(),
            Status::Fail,
            format!(
                "{name} changed: sha256 {}… in {file}, {}… on disk",
                &want[..12],
                &got[..12]
            ),
            "changed",
        ));
    }
    for name in &v.missing {
        out.push(finding(
            name.clone(),
            Status::Fail,
            format!("{name} is named by {file} but is not there"),
            "missing",
        ));
    }
    // every input of this gate must be a subject
    let (subjects, _) = manifest::read_subjects(&m.file)?;
    let names: BTreeSet<&str> = subjects.iter().map(|s| s.name.as_str()).collect();
    let root = std::fs::canonicalize(&m.root).map_err(|e| crate::error::Error::io(&m.root, e))?;
    let manifest_canon = std::fs::canonicalize(&m.file).ok();
    for f in manifest::input_files(evidence, rubric)? {
        if std::fs::canonicalize(&f).ok() == manifest_canon {
            continue;
        }
        let name = match std::fs::canonicalize(&f)
            .ok()
            .and_then(|c| c.strip_prefix(&root).ok().map(|r| r.to_path_buf()))
        {
            Some(rel) => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
            None => {
                out.push(finding(
                    f.display().to_string(),
                    Status::Fail,
                    format!(
                        "{} is an input of this gate but lies outside the manifest's root {}",
                        f.display(),
                        m.root.display()
                    ),
                    "outside the root",
                ));
                continue;
            }
        };
        if !names.contains(name.as_str()) {
            out.push(finding(
                name.clone(),
                Status::Fail,
                format!("{name} is an input of this gate that {file} does not name"),
                "not in the manifest",
            ));
        }
    }
    if out.is_empty() {
        out.push(finding(
            file.clone(),
            Status::Pass,
            format!(
                "all {} subjects of {file} match, and it names every input",
                v.subjects
            ),
            "matches",
        ));
    }
    Ok(out)
}

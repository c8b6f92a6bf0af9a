//! Reproducibility manifests: an [in-toto Statement v1] naming every input file by its
//! SHA-256, with a predicate recording what govgate found and decided, so the file can be
//! signed by existing tools (cosign, in-toto) without govgate holding keys; and the
//! verification that the files on disk are still those.
//!
//! [in-toto Statement v1]: https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
//!
//! A manifest is deterministic: subjects sorted by name, keys in a fixed order, no wall-clock
//! time unless asked for (`--timestamp`, or `SOURCE_DATE_EPOCH` as reproducible-builds.org
//! defines it). Subject names are paths relative to a root, with `/` separators; a name that
//! is absolute, climbs out with `..`, or leads through a symlink outside the root is refused
//! when verifying — a manifest from a pull request must not make govgate read elsewhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::level::Verdict;
use crate::model::{Evidence, Role, Run, Tool};
use crate::rubric::{CheckKind, Origin, RecordsSource, Rubric};

/// in-toto's statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The type of govgate's predicate (names the format; not a page to fetch).
pub const PREDICATE_TYPE: &str = "https://govgate.dev/manifest/v1";
/// Manifests larger than this are refused (a subject list of millions is not a manifest).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Digest {
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subject {
    pub name: String,
    pub digest: Digest,
}

#[derive(Serialize)]
struct Statement<'a> {
    #[serde(rename = "_type")]
    kind: &'static str,
    subject: &'a [Subject],
    #[serde(rename = "predicateType")]
    predicate_type: &'static str,
    predicate: Predicate<'a>,
}

#[derive(Serialize)]
struct Predicate<'a> {
    govgate: GovgateInfo,
    rubric: RubricInfo,
    runs: Vec<RunInfo<'a>>,
    verdict: VerdictInfo,
    environment: EnvInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
}

#[derive(Serialize)]
struct GovgateInfo {
    version: &'static str,
}

#[derive(Serialize)]
struct RubricInfo {
    name: String,
    /// The rubric's subject name, or `embedded:<name>`.
    source: String,
    sha256: String,
}

#[derive(Serialize)]
struct RunInfo<'a> {
    /// The subject name of the run's file.
    file: String,
    role: Role,
    format: String,
    model: &'a crate::model::ModelInfo,
    provenance: &'a crate::model::Provenance,
}

#[derive(Serialize)]
struct VerdictInfo {
    exit_code: u8,
    passed: bool,
    processes: Vec<ProcessInfo>,
}

#[derive(Serialize)]
struct ProcessInfo {
    id: String,
    level: u8,
    required: Option<u8>,
    status: String,
}

#[derive(Serialize)]
struct EnvInfo {
    os: &'static str,
    arch: &'static str,
    family: &'static str,
}

/// Every file a gate read for a run: the results file, HELM's run files and suite files,
/// the per-sample logs.
fn run_files(run: &Run, out: &mut BTreeSet<PathBuf>) {
    let path = &run.source.path;
    out.insert(path.clone());
    if run.format.tool == Tool::Helm
        && path.file_name().is_some_and(|f| f == "stats.json")
        && let Some(dir) = path.parent()
    {
        for f in [
            "run_spec.json",
            "per_instance_stats.json",
            "scenario_state.json",
            "scenario.json",
        ] {
            let p = dir.join(f);
            if p.is_file() {
                out.insert(p);
            }
        }
        if let Some(suite) = dir.parent() {
            for f in ["schema.json", "summary.json"] {
                let p = suite.join(f);
                if p.is_file() {
                    out.insert(p);
                }
            }
        }
    }
    for t in &run.tasks {
        if let Some(s) = &t.samples {
            out.insert(s.path().to_path_buf());
        }
        if let Some(i) = &t.instances {
            out.insert(i.clone());
        }
    }
}

/// Every input file of a gate: runs of every role with their files, records windows, the
/// rubric file, and the files the rubric's checks name (model cards, fairness records,
/// history runs).
pub fn input_files(evidence: &Evidence, rubric: &Rubric) -> Result<BTreeSet<PathBuf>> {
    let mut out = BTreeSet::new();
    for run in evidence
        .current
        .iter()
        .chain(&evidence.baseline)
        .chain(&evidence.history)
    {
        run_files(run, &mut out);
    }
    out.extend(evidence.reference.iter().cloned());
    out.extend(evidence.production.iter().cloned());
    out.extend(evidence.requests.iter().cloned());
    if let Origin::File(p) = &rubric.origin {
        out.insert(p.clone());
    }
    for check in &rubric.checks {
        match &check.kind {
            CheckKind::Documentation(d) if d.file.is_file() => {
                out.insert(d.file.clone());
            }
            CheckKind::Fairness(f) => {
                if let RecordsSource::Files(p) = &f.records
                    && let Ok(files) = crate::evidence::expand_records(std::slice::from_ref(p))
                {
                    out.extend(files);
                }
            }
            CheckKind::Trend(t) if !t.history.is_empty() => {
                for run in crate::evidence::load(&t.history)? {
                    run_files(&run, &mut out);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A path as a subject name relative to `root` (both canonical), `/`-separated.
fn subject_name(path: &Path, root: &Path) -> Result<String> {
    let canon = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let rel = canon.strip_prefix(root).map_err(|_| {
        Error::input(
            path,
            format!(
                "is outside the manifest's root {} (name files under --root, or choose a \
                 root that holds them)",
                root.display()
            ),
        )
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// SHA-256 of a file, streamed.
pub fn hash_file(path: &Path) -> Result<String> {
    crate::evidence::hash_file(path).map(|(sha, _)| sha)
}

/// Subjects for `files`, named relative to `root`, sorted, each once.
pub fn subjects(files: &BTreeSet<PathBuf>, root: &Path) -> Result<Vec<Subject>> {
    let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let mut out: BTreeMap<String, Subject> = BTreeMap::new();
    for f in files {
        let name = subject_name(f, &root)?;
        let sha256 = hash_file(f)?;
        out.insert(
            name.clone(),
            Subject {
                name,
                digest: Digest { sha256 },
            },
        );
    }
    Ok(out.into_values().collect())
}

/// The manifest's bytes.
pub fn build(
    evidence: &Evidence,
    rubric: &Rubric,
    verdict: &Verdict,
    root: &Path,
    timestamp: Option<String>,
) -> Result<String> {
    let files = input_files(evidence, rubric)?;
    let subject = subjects(&files, root)?;
    let canon_root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let name_of = |p: &Path| subject_name(p, &canon_root);
    let mut runs = Vec::new();
    for (role, list) in [
        (Role::Current, &evidence.current),
        (Role::Baseline, &evidence.baseline),
        (Role::History, &evidence.history),
    ] {
        for r in list {
            runs.push(RunInfo {
                file: name_of(&r.source.path)?,
                role,
                format: r.format.to_string(),
                model: &r.model,
                provenance: &r.provenance,
            });
        }
    }
    let source = match &rubric.origin {
        Origin::File(p) => name_of(p)?,
        Origin::Embedded(n) => format!("embedded:{n}"),
    };
    let statement = Statement {
        kind: STATEMENT_TYPE,
        subject: &subject,
        predicate_type: PREDICATE_TYPE,
        predicate: Predicate {
            govgate: GovgateInfo {
                version: env!("CARGO_PKG_VERSION"),
            },
            rubric: RubricInfo {
                name: rubric.name.clone(),
                source,
                sha256: rubric.sha256.clone(),
            },
            runs,
            verdict: VerdictInfo {
                exit_code: verdict.exit_code,
                passed: verdict.passed(),
                processes: verdict
                    .processes
                    .iter()
                    .map(|p| ProcessInfo {
                        id: p.id.to_string(),
                        level: p.level,
                        required: p.required,
                        status: p.status.as_str().to_owned(),
                    })
                    .collect(),
            },
            environment: EnvInfo {
                os: std::env::consts::OS,
                arch: std::env::consts::ARCH,
                family: std::env::consts::FAMILY,
            },
            timestamp,
        },
    };
    // plain structs of strings and numbers: serialization cannot fail
    let mut s = serde_json::to_string_pretty(&statement)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    Ok(s)
}

/// What verifying found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    pub subjects: usize,
    pub matched: Vec<String>,
    /// (name, sha256 in the manifest, sha256 on disk)
    pub changed: Vec<(String, String, String)>,
    pub missing: Vec<String>,
    /// Files beside the subjects that the manifest does not name (`--strict`).
    pub extra: Vec<String>,
    pub predicate_type: Option<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Reads a manifest's subjects, refusing a malformed statement.
pub fn read_subjects(path: &Path) -> Result<(Vec<Subject>, Option<String>)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(Error::input(
            path,
            format!("{} bytes is too large for a manifest", meta.len()),
        ));
    }
    let bytes = crate::evidence::input::read(path)?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: e.line() as u64,
        column: (e.column() as u64).max(1),
        message: format!("not a JSON manifest: {e}"),
    })?;
    let bad = |m: &str| Error::input(path, m.to_owned());
    if doc.get("_type").and_then(|t| t.as_str()) != Some(STATEMENT_TYPE) {
        return Err(bad(
            "not an in-toto Statement v1 (`_type` must be \"https://in-toto.io/Statement/v1\")",
        ));
    }
    let Some(list) = doc.get("subject").and_then(|s| s.as_array()) else {
        return Err(bad("`subject` must be an array of {name, digest}"));
    };
    let mut out = Vec::with_capacity(list.len());
    let mut seen = BTreeSet::new();
    for (i, s) in list.iter().enumerate() {
        let name = s
            .get("name")
            .and_then(|n| n.as_str())
            .ok_or_else(|| bad(&format!("subject {i} has no `name`")))?;
        let sha = s
            .get("digest")
            .and_then(|d| d.get("sha256"))
            .and_then(|h| h.as_str())
            .ok_or_else(|| bad(&format!("subject `{name}` has no `digest.sha256`")))?;
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(&format!(
                "subject `{name}`: `digest.sha256` must be 64 hexadecimal digits"
            )));
        }
        if !seen.insert(name.to_owned()) {
            return Err(bad(&format!("subject `{name}` is named twice")));
        }
        out.push(Subject {
            name: name.to_owned(),
            digest: Digest {
                sha256: sha.to_ascii_lowercase(),
            },
        });
    }
    let ptype = doc
        .get("predicateType")
        .and_then(|t| t.as_str())
        .map(str::to_owned);
    Ok((out, ptype))
}

/// The path a subject name denotes under `root`, refusing one that escapes it.
pub fn resolve_subject(manifest: &Path, root: &Path, name: &str) -> Result<PathBuf> {
    let refuse = |why: &str| {
        Error::input(
            manifest,
            format!("subject `{name}` {why}; a manifest names files under its root only"),
        )
    };
    if name.is_empty() || name.contains('\0') || name.contains('\\') {
        return Err(refuse("is not a relative path with `/` separators"));
    }
    let p = Path::new(name);
    if p.is_absolute() || name.starts_with('/') {
        return Err(refuse("is an absolute path"));
    }
    for c in p.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(refuse("climbs out of the root with `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse("is an absolute path"));
            }
        }
    }
    let croot = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let joined = croot.join(p);
    // the nearest existing ancestor (the file itself when it exists) must stay inside
    let mut probe = joined.as_path();
    loop {
        if probe.exists() || probe.symlink_metadata().is_ok() {
            let real = std::fs::canonicalize(probe).map_err(|e| Error::io(probe, e))?;
            if !real.starts_with(&croot) {
                return Err(refuse("leads through a symlink outside the root"));
            }
            break;
        }
        match probe.parent() {
            Some(parent) => probe = parent,
            None => break,
        }
    }
    Ok(joined)
}

/// Re-hashes every subject of `manifest` under `root`.
pub fn verify(manifest: &Path, root: &Path, strict: bool) -> Result<Verification> {
    let (subjects, ptype) = read_subjects(manifest)?;
    let mut v = Verification {
        subjects: subjects.len(),
        predicate_type: ptype,
        ..Verification::default()
    };
    // refuse every escaping name before reading any file
    let paths: Vec<PathBuf> = subjects
        .iter()
        .map(|s| resolve_subject(manifest, root, &s.name))
        .collect::<Result<_>>()?;
    for (s, path) in subjects.iter().zip(&paths) {
        if !path.is_file() {
            v.missing.push(s.name.clone());
            continue;
        }
        let got = hash_file(path)?;
        if got == s.digest.sha256 {
            v.matched.push(s.name.clone());
        } else {
            v.changed
                .push((s.name.clone(), s.digest.sha256.clone(), got));
        }
    }
    if strict {
        let names: BTreeSet<&str> = subjects.iter().map(|s| s.name.as_str()).collect();
        let croot = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        let manifest_canon = std::fs::canonicalize(manifest).ok();
        let dirs: BTreeSet<String> = subjects
            .iter()
            .map(|s| match s.name.rsplit_once('/') {
                Some((d, _)) => d.to_owned(),
                None => String::new(),
            })
            .collect();
        for d in dirs {
            let dir = if d.is_empty() {
                croot.clone()
            } else {
                croot.join(&d)
            };
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut found: Vec<String> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .filter(|e| std::fs::canonicalize(e.path()).ok() != manifest_canon)
                .map(|e| {
                    let f = e.file_name().to_string_lossy().into_owned();
                    if d.is_empty() { f } else { format!("{d}/{f}") }
                })
                .filter(|n| !names.contains(n.as_str()))
                .collect();
            found.sort();
            v.extra.extend(found);
        }
    }
    Ok(v)
}

/// The text report of a verification.
pub fn render(manifest: &Path, root: &Path, v: &Verification) -> String {
    let mut out = format!(
        "govgate verify {}: {} subjects under {}\n",
        manifest.display(),
        v.subjects,
        root.display()
    );
    for (name, want, got) in &v.changed {
        out.push_str(&format!(
            "  changed  {name} (sha256 {}… in the manifest, {}… on disk)\n",
            &want[..12],
            &got[..12]
        ));
    }
    for name in &v.missing {
        out.push_str(&format!("  missing  {name}\n"));
    }
    for name in &v.extra {
        out.push_str(&format!("  extra    {name} (not in the manifest)\n"));
    }
    if v.ok() {
        out.push_str(&format!("OK: all {} subjects match\n", v.subjects));
    } else {
        let mut parts = Vec::new();
        for (n, what) in [
            (v.changed.len(), "changed"),
            (v.missing.len(), "missing"),
            (v.extra.len(), "extra"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        out.push_str(&format!(
            "FAIL: {} of {} subjects match; {}\n",
            v.matched.len(),
            v.subjects,
            parts.join(", ")
        ));
    }
    out
}

/// The timestamp a manifest records: `--timestamp` (RFC 3339), else `SOURCE_DATE_EPOCH`
/// (integer seconds, reproducible-builds.org), else none.
pub fn timestamp(flag: Option<&str>) -> Result<Option<String>> {
    use crate::evidence::production::{format_time, parse_time};
    if let Some(t) = flag {
        return parse_time(t).map(|s| Some(format_time(s))).ok_or_else(|| {
            Error::Usage(format!(
                "--timestamp must be an RFC 3339 time like 2026-11-23T12:00:00Z, got `{t}`"
            ))
        });
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .map(|s| Some(format_time(s as f64)))
            .map_err(|_| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH must be an integer number of seconds, got `{v}`"
                ))
            }),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_names_are_refused() {
        let root = std::env::temp_dir();
        let m = Path::new("m.json");
        for name in ["/etc/passwd", "../x", "a/../../x", "", "a\\b"] {
            assert!(resolve_subject(m, &root, name).is_err(), "{name}");
        }
        assert!(resolve_subject(m, &root, "a/b.json").is_ok());
        assert!(resolve_subject(m, &root, "./a.json").is_ok());
    }
}

//! The documents stand on their own: every relative link in README.md, DEVELOPERS.md and
//! docs/ resolves to a file of the repository (and, with `#anchor`, to a heading of that
//! page, by GitHub's slug rule), no path leaves the repository (`../shared/…` is a place
//! on one machine, not part of the project), and the README stays short enough to read in
//! one sitting.

mod common;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use common::*;

/// README.md, DEVELOPERS.md and every Markdown page under docs/.
fn documents() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md"), root().join("DEVELOPERS.md")];
    let mut stack = vec![root().join("docs")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("docs dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Text outside fenced code blocks (code is shown, not linked).
fn prose(md: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `[text](target)` targets.
fn links(md: &str) -> Vec<String> {
    let re = regex::Regex::new(r"\[[^\]]*\]\(([^)\s]+)\)").expect("regex");
    re.captures_iter(&prose(md))
        .map(|c| c[1].to_owned())
        .collect()
}

/// GitHub's heading anchors: lowercase, punctuation dropped (but `-` and `_`), spaces to `-`.
fn anchors(md: &str) -> BTreeSet<String> {
    prose(md)
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

/// `path` with `.` and `..` resolved lexically; `None` when it climbs above the root.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::Normal(x) => out.push(x),
            _ => return None,
        }
    }
    Some(out)
}

#[test]
fn every_relative_link_resolves_inside_the_repository() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let md = std::fs::read_to_string(&doc).expect("read");
        let rel_doc = doc.strip_prefix(root()).expect("in root").to_path_buf();
        let dir = rel_doc.parent().unwrap_or(Path::new("")).to_path_buf();
        for target in links(&md) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            checked += 1;
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                Some(rel_doc.clone())
            } else {
                normalize(&dir.join(path))
            };
            let Some(file) = file else {
                broken.push(format!(
                    "{}: {target} leaves the repository",
                    rel_doc.display()
                ));
                continue;
            };
            let full = root().join(&file);
            if !full.exists() {
                broken.push(format!(
                    "{}: {target} (no {})",
                    rel_doc.display(),
                    file.display()
                ));
                continue;
            }
            if let Some(a) = anchor
                && full.extension().is_some_and(|x| x == "md")
            {
                let text = std::fs::read_to_string(&full).expect("read target");
                if !anchors(&text).contains(a) {
                    broken.push(format!(
                        "{}: {target} (no heading #{a} in {})",
                        rel_doc.display(),
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn no_document_sends_a_reader_outside_the_repository() {
    for doc in documents() {
        let md = std::fs::read_to_string(&doc).expect("read");
        let name = doc
            .strip_prefix(root())
            .expect("in root")
            .display()
            .to_string();
        for bad in ["../shared", "/work/", "DESIGN.md"] {
            assert!(
                !md.contains(bad),
                "{name} mentions `{bad}`, outside the repository"
            );
        }
    }
}

#[test]
fn the_readme_is_read_in_one_sitting_and_the_reference_lives_in_docs() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let lines = readme.lines().count();
    assert!(lines <= 300, "README.md is {lines} lines");
    let index = std::fs::read_to_string(root().join("docs/README.md")).expect("docs index");
    for page in [
        "usage.md",
        "inputs.md",
        "rubric.md",
        "deciding.md",
        "manifests.md",
        "security.md",
        "ci.md",
        "architecture.md",
        "performance.md",
    ] {
        assert!(
            index.contains(&format!("]({page})")),
            "docs/README.md does not link {page}"
        );
    }
    // every check kind's page is linked from the rubric reference
    let rubric = std::fs::read_to_string(root().join("docs/rubric.md")).expect("rubric");
    for (kind, _) in govgate::rubric::explain::DOCS {
        assert!(
            rubric.contains(&format!("](checks/{kind}.md)")),
            "docs/rubric.md does not link checks/{kind}.md"
        );
    }
}

/// `govgate …` command lines of the README's shell blocks, continuation lines joined, with
/// the exit code their `# exit N` comment promises and the directory a `cd DIR &&` enters.
fn readme_commands(md: &str) -> Vec<(String, String, i32)> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in md.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            pending.clear();
            continue;
        }
        if !in_sh {
            continue;
        }
        let line = line.trim();
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        let full = format!("{pending}{line}");
        pending.clear();
        let Some((cmd, comment)) = full.split_once('#') else {
            continue;
        };
        let Some(code) = comment
            .trim()
            .strip_prefix("exit ")
            .and_then(|c| c.split(|ch: char| !ch.is_ascii_digit()).next())
            .and_then(|c| c.parse().ok())
        else {
            continue;
        };
        let cmd = cmd.trim();
        let (dir, cmd) = match cmd.strip_prefix("cd ").and_then(|c| c.split_once(" && ")) {
            Some((d, c)) => (d.to_owned(), c.to_owned()),
            None => (".".to_owned(), cmd.to_owned()),
        };
        if let Some(args) = cmd.strip_prefix("govgate ") {
            out.push((dir, args.to_owned(), code));
        }
    }
    out
}

#[test]
fn the_readme_commands_exit_as_they_say() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let commands = readme_commands(&readme);
    assert!(commands.len() >= 5, "{commands:?}");
    for (dir, args, code) in commands {
        let words: Vec<&str> = args.split_whitespace().collect();
        let out = govgate_in(&root().join(&dir), &words);
        assert_eq!(
            out.code, code,
            "govgate {args} (in {dir}): {}{}",
            out.stdout, out.stderr
        );
    }
}

//! Model cards and technical documentation: Markdown with optional YAML front matter.
//!
//! * Front matter: the text between a first line `---` and the next `---` (or `...`) line,
//!   parsed as YAML (strict, with budgets, like rubrics).
//! * Sections: ATX (`## Intended Use`) and setext (`Intended Use` over `====` / `----`)
//!   headings outside fenced code blocks. A section's content runs to the next heading of
//!   the same or a higher level (subsections included). Hugging Face's card template fills
//!   unwritten sections with `[More Information Needed]` and HTML comments: neither counts as
//!   content.
//! * Claims: the Hugging Face `model-index` results (`task`, `dataset`, `metrics[].type`,
//!   `metrics[].value`), as `huggingface_hub`'s `EvalResult` reads them.

use std::path::Path;

use crate::error::{Error, Result};
use crate::yaml::{self, Kind, Node};

/// A heading and the text under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub level: usize,
    /// 1-based line of the heading.
    pub line: usize,
    /// The content, placeholders and comments removed, trimmed.
    pub content: String,
}

/// A result the card claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// `<dataset name or type>/<metric type>`, how messages and `claims_match.map` name it.
    pub id: String,
    /// The `model-index` entry's `name`: the model the claim is about.
    pub model: Option<String>,
    pub dataset_type: Option<String>,
    pub dataset_name: Option<String>,
    pub dataset_config: Option<String>,
    /// `dataset.split` (`test`, `validation`), when the card states it.
    pub dataset_split: Option<String>,
    pub metric_type: String,
    /// The value as written (`0.61`, `"61.2 ± 1.3"`).
    pub raw: String,
    /// The number it states (a trailing `%` divides by 100).
    pub value: Option<f64>,
}

/// A parsed card.
#[derive(Debug, Clone)]
pub struct Card {
    pub front_matter: Option<Node>,
    pub sections: Vec<Section>,
}

/// Reads a card. A missing file is `Ok(None)` (the check reports it missing); an
/// unreadable file or malformed front matter is an error with its line and column.
pub fn read(path: &Path) -> Result<Option<Card>> {
    if !path.exists() {
        return Ok(None);
    }
    let bytes = super::input::read(path)?;
    if bytes.len() > yaml::MAX_RUBRIC_BYTES * 4 {
        return Err(Error::input(
            path,
            format!("{} bytes is too large for a document", bytes.len()),
        ));
    }
    let text =
        String::from_utf8(bytes).map_err(|e| Error::input(path, format!("not UTF-8 text: {e}")))?;
    parse(&text)
        .map(Some)
        .map_err(|(line, column, message)| Error::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message,
        })
}

/// Parses card text; errors are (line, column, message).
pub fn parse(text: &str) -> std::result::Result<Card, (u64, u64, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut body_start = 0;
    let mut front_matter = None;
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        let end = lines
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, l)| matches!(l.trim_end(), "---" | "..."))
            .map(|(i, _)| i);
        if let Some(end) = end {
            let yaml_text = lines[1..end].join("\n");
            let node = yaml::parse(&yaml_text).map_err(|e| {
                let (l, c) = e
                    .loc
                    .map(|l| (l.line as u64 + 1, l.column as u64))
                    .unwrap_or((2, 1));
                (l, c, format!("front matter: {}", e.message))
            })?;
            front_matter = Some(node);
            body_start = end + 1;
        }
    }
    Ok(Card {
        front_matter,
        sections: sections(&lines, body_start),
    })
}

fn atx(line: &str) -> Option<(usize, String)> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    let level = t.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &t[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let title = rest.trim().trim_end_matches('#').trim();
    Some((level, title.to_owned()))
}

fn setext_level(line: &str) -> Option<usize> {
    let t = line.trim();
    if t.len() >= 2 && t.chars().all(|c| c == '=') {
        Some(1)
    } else if t.len() >= 2 && t.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

/// Removes `<!-- … -->` comments and `[More Information Needed]` placeholders.
fn strip_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i..].find("-->") {
            Some(j) => rest = &rest[i + j + 3..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.replace("[More Information Needed]", "")
        .trim()
        .to_owned()
}

fn sections(lines: &[&str], start: usize) -> Vec<Section> {
    // headings: (line index, level, title)
    let mut heads: Vec<(usize, usize, String)> = Vec::new();
    let mut fence: Option<&str> = None;
    for i in start..lines.len() {
        let t = lines[i].trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if let Some((level, title)) = atx(lines[i]) {
            heads.push((i, level, title));
        } else if i + 1 < lines.len()
            && !lines[i].trim().is_empty()
            && !t.starts_with(['-', '*', '+', '>', '|'])
            && let Some(level) = setext_level(lines[i + 1])
        {
            heads.push((i, level, lines[i].trim().to_owned()));
        }
    }
    let mut out = Vec::new();
    for (k, (i, level, title)) in heads.iter().enumerate() {
        let first = if setext_level(lines.get(i + 1).copied().unwrap_or("")).is_some()
            && atx(lines[*i]).is_none()
        {
            i + 2
        } else {
            i + 1
        };
        let end = heads[k + 1..]
            .iter()
            .find(|(_, l, _)| l <= level)
            .map(|(j, _, _)| *j)
            .unwrap_or(lines.len());
        let content = lines[first.min(end)..end].join("\n");
        out.push(Section {
            title: title.clone(),
            level: *level,
            line: i + 1,
            content: strip_placeholders(&content),
        });
    }
    out
}

/// Normalizes a heading for matching: lowercase, single spaces, no trailing `:`.
pub fn normalize_title(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(':')
        .to_lowercase()
}

impl Card {
    /// The first section whose heading matches (case-insensitive).
    pub fn section(&self, title: &str) -> Option<&Section> {
        let want = normalize_title(title);
        self.sections
            .iter()
            .find(|s| normalize_title(&s.title) == want)
    }

    /// A front-matter value by dotted path.
    pub fn field(&self, path: &str) -> Option<&Node> {
        let mut cur = self.front_matter.as_ref()?;
        for seg in path.split('.') {
            cur = match &cur.kind {
                Kind::Map(entries) => &entries.iter().find(|(k, _)| k.name == seg)?.1,
                Kind::Seq(items) => items.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The results claimed in the `model-index` front matter.
    pub fn claims(&self) -> Vec<Claim> {
        let mut out = Vec::new();
        let Some(Node {
            kind: Kind::Seq(models),
            ..
        }) = self.field("model-index")
        else {
            return out;
        };
        for model in models {
            let Some(results) = get(model, "results").and_then(seq) else {
                continue;
            };
            let model_name = get(model, "name").and_then(scalar);
            for r in results {
                let dataset = get(r, "dataset");
                let text = |n: Option<&Node>, k: &str| n.and_then(|n| get(n, k)).and_then(scalar);
                let (dt, dn, dc, dsplit) = (
                    text(dataset, "type"),
                    text(dataset, "name"),
                    text(dataset, "config"),
                    text(dataset, "split"),
                );
                for m in get(r, "metrics").and_then(seq).into_iter().flatten() {
                    let Some(metric_type) = get(m, "type").and_then(scalar) else {
                        continue;
                    };
                    let raw = get(m, "value").and_then(scalar).unwrap_or_default();
                    let ds = dn.clone().or(dt.clone()).unwrap_or_else(|| "?".into());
                    out.push(Claim {
                        id: format!("{ds}/{metric_type}"),
                        model: model_name.clone(),
                        dataset_type: dt.clone(),
                        dataset_name: dn.clone(),
                        dataset_config: dc.clone(),
                        dataset_split: dsplit.clone(),
                        value: claimed_number(&raw),
                        raw,
                        metric_type,
                    });
                }
            }
        }
        out
    }
}

fn get<'a>(n: &'a Node, key: &str) -> Option<&'a Node> {
    match &n.kind {
        Kind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

fn seq(n: &Node) -> Option<&[Node]> {
    match &n.kind {
        Kind::Seq(items) => Some(items),
        _ => None,
    }
}

/// A scalar as text (as written, for numbers).
pub fn scalar(n: &Node) -> Option<String> {
    match &n.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Bool(b) => Some(b.to_string()),
        Kind::Int(_) | Kind::UInt(_) | Kind::Float(_) => n.raw.clone().or_else(|| match n.kind {
            Kind::Int(i) => Some(i.to_string()),
            Kind::UInt(u) => Some(u.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether a front-matter value is present and non-empty.
pub fn is_empty(n: &Node) -> bool {
    match &n.kind {
        Kind::Null => true,
        Kind::Str(s) => s.trim().is_empty(),
        Kind::Seq(v) => v.is_empty(),
        Kind::Map(v) => v.is_empty(),
        _ => false,
    }
}

/// The number a claimed value states: `0.61`, `"61.2 ± 1.3"` → 61.2, `"61.2%"` → 0.612.
pub fn claimed_number(raw: &str) -> Option<f64> {
    let t = raw.trim();
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    // an exponent only when digits follow it
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'-' || b[j] == b'+') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let x: f64 = t[..i].parse().ok()?;
    if t[i..].trim_start().starts_with('%') {
        Some(x / 100.0)
    } else {
        Some(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARD: &str = "---
license: apache-2.0
language: []
model-index:
  - name: acme-7b
    results:
      - task: { type: text-generation }
        dataset: { type: mmlu, name: MMLU, config: anatomy }
        metrics:
          - { type: accuracy, value: 0.525 }
          - { type: f1, value: \"61.2 ± 1.3\" }
---
# Acme 7B

## Intended Use
Research on small models.

## Limitations
<!-- Describe limitations -->
[More Information Needed]

Training Data
-------------
Public web text.

```
## Not a heading
```

## Evaluation Data
### Subset
MMLU anatomy.
";

    #[test]
    fn sections_and_their_content() {
        let c = parse(CARD).expect("card");
        let titles: Vec<&str> = c.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Acme 7B",
                "Intended Use",
                "Limitations",
                "Training Data",
                "Evaluation Data",
                "Subset"
            ]
        );
        assert_eq!(
            c.section("intended use").expect("s").content,
            "Research on small models."
        );
        assert_eq!(c.section("Limitations").expect("s").content, "");
        assert_eq!(
            c.section("Training Data")
                .expect("s")
                .content
                .lines()
                .next(),
            Some("Public web text.")
        );
        // content includes subsections
        assert!(
            c.section("Evaluation Data")
                .expect("s")
                .content
                .contains("MMLU anatomy.")
        );
        assert!(c.section("Not a heading").is_none());
    }

    #[test]
    fn front_matter_fields_and_claims() {
        let c = parse(CARD).expect("card");
        assert!(!is_empty(c.field("license").expect("license")));
        assert!(is_empty(c.field("language").expect("language")));
        assert!(c.field("model-index.0.name").is_some());
        let claims = c.claims();
        assert_eq!(claims.len(), 2);
        assert_eq!(claims[0].id, "MMLU/accuracy");
        assert_eq!(claims[0].value, Some(0.525));
        assert_eq!(claims[1].value, Some(61.2));
        assert_eq!(claims[0].dataset_config.as_deref(), Some("anatomy"));
    }

    #[test]
    fn malformed_front_matter_has_a_position() {
        let (line, _, msg) = parse("---\nlicense: [apache\n---\n# x\n").expect_err("bad yaml");
        assert_eq!(line, 2);
        assert!(msg.starts_with("front matter: "), "{msg}");
    }

    #[test]
    fn numbers_in_claims() {
        assert_eq!(claimed_number("0.61"), Some(0.61));
        assert_eq!(claimed_number("61.2%"), Some(0.612));
        assert_eq!(claimed_number("-1.5e-2 (n=3)"), Some(-0.015));
        assert_eq!(claimed_number("n/a"), None);
        assert_eq!(claimed_number("3 examples"), Some(3.0));
        assert_eq!(claimed_number("2e"), Some(2.0));
    }
}

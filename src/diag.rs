//! Rendering a message at a place in a text file, rustc style:
//!
//! ```text
//! rubric.yaml:5:7: unknown key `mni`; did you mean `min`?
//!   |
//! 5 |       mni: 0.5
//!   |       ^^^
//! ```

use crate::yaml::Loc;

/// Renders `message` at `loc` in `text`, naming `file`. Without a location, just
/// `file: message`.
pub fn render(file: &str, text: &str, loc: Option<Loc>, message: &str) -> String {
    let Some(loc) = loc.filter(|l| l.line > 0) else {
        return format!("{file}: {message}");
    };
    let mut out = format!("{file}:{}:{}: {message}", loc.line, loc.column);
    let Some(line_text) = text.lines().nth(loc.line as usize - 1) else {
        return out;
    };
    let line_text = line_text.trim_end_matches('\r');
    let num = loc.line.to_string();
    let pad = " ".repeat(num.len());
    let col = (loc.column.max(1) - 1) as usize;
    let width = match (loc.offset, loc.len) {
        (Some(o), Some(l)) if l > 0 => text
            .get(o as usize..o.saturating_add(l) as usize)
            .map(|s| s.lines().next().unwrap_or("").chars().count())
            .unwrap_or(1),
        _ => 1,
    };
    let available = line_text.chars().count().saturating_sub(col);
    let width = width.clamp(1, available.max(1));
    let lead: String = line_text
        .chars()
        .take(col)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    out.push_str(&format!(
        "\n{pad} |\n{num} | {line_text}\n{pad} | {lead}{}",
        "^".repeat(width)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_span() {
        let text = "a: 1\n  mni: 0.5\n";
        let loc = Loc {
            line: 2,
            column: 3,
            offset: Some(7),
            len: Some(3),
        };
        assert_eq!(
            render("r.yaml", text, Some(loc), "unknown key `mni`"),
            "r.yaml:2:3: unknown key `mni`\n  |\n2 |   mni: 0.5\n  |   ^^^"
        );
    }

    #[test]
    fn without_location() {
        assert_eq!(render("r.yaml", "", None, "too large"), "r.yaml: too large");
    }
}

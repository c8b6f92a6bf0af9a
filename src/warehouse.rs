//! From the rubric to the query: the SQL that computes, where the records live, the
//! documents a rubric's `drift`, `ab_test` and `feedback` checks read in place of records
//! (`govgate rubric sql`).
//!
//! The query text is `scripts/warehouse/histograms.sql` and `summaries.sql`, embedded: the
//! same files `scripts/warehouse/histograms.py` and `summaries.py` run, rendered the same
//! way — each `{placeholder}` filled first from the file's `-- dialect ENGINE NAME: TEXT`
//! lines, then from the query's parameters.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::rubric::{AbTest, CheckKind, Drift, Feedback, RowSource, Rubric};

/// The histogram queries (drift).
pub const HISTOGRAMS_SQL: &str = include_str!("../scripts/warehouse/histograms.sql");
/// The summary queries (ab_test, feedback).
pub const SUMMARIES_SQL: &str = include_str!("../scripts/warehouse/summaries.sql");

/// The SQL dialects the queries are written for (and tested in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialect {
    /// DuckDB (also close to PostgreSQL).
    Duckdb,
    /// Spark SQL (spark-submit, Databricks).
    Spark,
}

impl Dialect {
    fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
        }
    }
}

/// A query file: named queries and per-dialect placeholder text.
#[derive(Debug, Default)]
pub struct QueryFile {
    pub queries: BTreeMap<String, String>,
    /// (dialect, placeholder) → text
    pub shims: BTreeMap<(String, String), String>,
}

/// Parses a query file as the Python scripts do (`engine.load`).
pub fn parse(text: &str) -> QueryFile {
    let mut out = QueryFile::default();
    let (mut current, mut buf): (Option<String>, Vec<&str>) = (None, Vec::new());
    let flush = |current: &Option<String>, buf: &mut Vec<&str>, out: &mut QueryFile| {
        if let Some(name) = current {
            out.queries
                .insert(name.clone(), buf.join("\n").trim().to_owned());
        }
        buf.clear();
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("-- dialect ") {
            let mut words = rest.splitn(2, char::is_whitespace);
            let engine = words.next().unwrap_or_default().to_owned();
            let rest = words.next().unwrap_or_default().trim_start();
            if let Some((name, body)) = rest.split_once(": ") {
                out.shims
                    .insert((engine, name.trim().to_owned()), body.trim().to_owned());
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("-- name: ") {
            flush(&current, &mut buf, &mut out);
            current = rest.split_whitespace().next().map(str::to_owned);
        } else if current.is_some() && !line.starts_with("--") {
            buf.push(line);
        }
    }
    flush(&current, &mut buf, &mut out);
    out
}

/// Replaces each `{name}` (letters, digits, `_`) for which `value` gives text; others are
/// left as they are (the scripts' `re.sub(r"\{(\w+)\}", …)`).
fn fill(text: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        if !name.is_empty() && after[len..].starts_with('}') {
            match value(name) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            }
            rest = &after[len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

impl QueryFile {
    /// A query in a dialect with its parameters; a placeholder left unfilled stays as
    /// `{name}` for the reader to fill (the scripts refuse that; here it is the point).
    pub fn render(&self, query: &str, dialect: Dialect, params: &[(&str, String)]) -> String {
        let text = self
            .queries
            .get(query)
            .map(String::as_str)
            .unwrap_or_default();
        let shimmed = fill(text, &|n| {
            self.shims
                .get(&(dialect.name().to_owned(), n.to_owned()))
                .cloned()
        });
        fill(&shimmed, &|n| {
            params.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone())
        })
    }

    /// A shim's text in a dialect.
    pub fn shim(&self, dialect: Dialect, name: &str) -> String {
        self.shims
            .get(&(dialect.name().to_owned(), name.to_owned()))
            .cloned()
            .unwrap_or_default()
    }
}

/// A double as SQL: `CAST('x' AS DOUBLE)`, the shortest text that reads back to it, as the
/// scripts write it (a bare decimal literal is a DECIMAL in Spark and DuckDB).
fn double(x: f64) -> String {
    format!("CAST('{x:?}' AS DOUBLE)")
}

fn block(out: &mut String, title: &str, sql: &str) {
    let _ = writeln!(out, "-- query: {title}\n{sql}\n");
}

fn relation_note(out: &mut String, relation: &str, source: &RowSource) {
    let _ = writeln!(
        out,
        "-- `{relation}`: a view over the check's records ({})\n",
        source.label()
    );
}

fn drift_sql(out: &mut String, id: &str, d: &Drift, q: &QueryFile, dialect: Dialect) {
    let _ = writeln!(
        out,
        "-- drift `{id}`: histogram documents (scripts/warehouse/histograms.py writes them)\n\
         -- `reference` and `production`: views over the two windows' records. Per field:\n\
         -- a number column whose reference has more than 20 distinct finite values\n\
         -- (`distinct_reference`) is binned (`numeric_bins`, min_width 1 for an integer\n\
         -- column, else 0); any other number column is counted per value\n\
         -- (`numeric_values`), any other column per category (`category_values`).\n"
    );
    block(
        out,
        &format!("{id} records"),
        &q.render("records", dialect, &[]),
    );
    if !d.patterns.is_empty() {
        let globs: Vec<&str> = d.patterns.iter().map(|(g, _)| g.as_str()).collect();
        let _ = writeln!(
            out,
            "-- the field patterns {} name the columns they match: write a query per \
             column, as for the fields below\n",
            globs.join(", ")
        );
    }
    for field in &d.fields {
        let p = [("field", field.clone())];
        block(
            out,
            &format!("{id} {field} distinct_reference"),
            &q.render("distinct_reference", dialect, &p),
        );
        for min_width in ["0", "1"] {
            block(
                out,
                &format!("{id} {field} numeric_bins min_width={min_width}"),
                &q.render(
                    "numeric_bins",
                    dialect,
                    &[("field", field.clone()), ("min_width", min_width.into())],
                ),
            );
        }
        block(
            out,
            &format!("{id} {field} numeric_values"),
            &q.render("numeric_values", dialect, &p),
        );
        block(
            out,
            &format!("{id} {field} category_values"),
            &q.render("category_values", dialect, &p),
        );
    }
}

fn ab_sql(out: &mut String, id: &str, a: &AbTest, q: &QueryFile, dialect: Dialect) {
    let _ = writeln!(
        out,
        "-- ab_test `{id}`: a summary document (scripts/warehouse/summaries.py ab_test)"
    );
    relation_note(out, "records", &a.records);
    let v = ("variant", a.variant.clone());
    block(
        out,
        &format!("{id} ab_arms"),
        &q.render(
            "ab_arms",
            dialect,
            &[v.clone(), ("outcome", a.outcome.clone())],
        ),
    );
    for g in &a.guardrails {
        block(
            out,
            &format!("{id} ab_guardrail {}", g.field),
            &q.render(
                "ab_guardrail",
                dialect,
                &[v.clone(), ("field", g.field.clone())],
            ),
        );
    }
    if let Some(c) = &a.covariate {
        block(
            out,
            &format!("{id} ab_covariate {c}"),
            &q.render(
                "ab_covariate",
                dialect,
                &[
                    v.clone(),
                    ("outcome", a.outcome.clone()),
                    ("covariate", c.clone()),
                ],
            ),
        );
    }
}

fn feedback_sql(
    out: &mut String,
    id: &str,
    f: &Feedback,
    q: &QueryFile,
    dialect: Dialect,
    now: Option<f64>,
) {
    let _ = writeln!(
        out,
        "-- feedback `{id}`: a summary document per source (scripts/warehouse/summaries.py\n\
         -- feedback), counted to one now: --now, else the newest timestamp of every source\n\
         -- (`feedback_newest` on each; now is the largest). Timestamps are read as RFC 3339\n\
         -- text; for a column of UNIX seconds use CAST(column AS DOUBLE) instead.\n"
    );
    let mut sources = vec![(
        "feedback",
        f.records.clone(),
        f.timestamp.clone(),
        f.field.clone(),
    )];
    if let Some(c) = &f.coverage
        && c.of != f.records
    {
        sources.push(("traffic", c.of.clone(), c.timestamp.clone(), None));
    }
    let now_text = now.map_or_else(|| "{now}".to_owned(), double);
    for (relation, source, timestamp, field) in sources {
        relation_note(out, relation, &source);
        let time = fill(&q.shim(dialect, "time_of_text"), &|n| {
            (n == "timestamp").then(|| timestamp.clone())
        });
        let r = ("relation", relation.to_owned());
        if now.is_none() {
            block(
                out,
                &format!("{id} feedback_newest {relation}"),
                &q.render(
                    "feedback_newest",
                    dialect,
                    &[r.clone(), ("time", time.clone())],
                ),
            );
        }
        let event = field.map_or_else(|| "TRUE".to_owned(), |f| format!("({f}) IS NOT NULL"));
        let in_window = match (f.max_age, now) {
            (None, _) => "TRUE".to_owned(),
            (Some(a), Some(n)) => format!("t >= {}", double(n - a)),
            (Some(a), None) => format!("t >= {{now}} - {}", double(a)),
        };
        block(
            out,
            &format!("{id} feedback_window {relation}"),
            &q.render(
                "feedback_window",
                dialect,
                &[
                    r,
                    ("time", time),
                    ("event", event),
                    ("now", now_text.clone()),
                    ("in_window", in_window),
                ],
            ),
        );
    }
}

/// The queries for a rubric's checks; `Err` when it has no check that reads summaries.
pub fn rubric_sql(r: &Rubric, dialect: Dialect, now: Option<f64>) -> Result<String, String> {
    let (h, s) = (parse(HISTOGRAMS_SQL), parse(SUMMARIES_SQL));
    let mut out = format!(
        "-- govgate rubric sql --dialect {}: rubric `{}`\n\
         -- Each query's rows become a document govgate reads in place of the records\n\
         -- (docs/warehouse.md gives the formats).\n\n",
        dialect.name(),
        r.name
    );
    let before = out.len();
    for c in &r.checks {
        match &c.kind {
            CheckKind::Drift(d) => drift_sql(&mut out, &c.id, d, &h, dialect),
            CheckKind::AbTest(a) => ab_sql(&mut out, &c.id, a, &s, dialect),
            CheckKind::Feedback(f) => feedback_sql(&mut out, &c.id, f, &s, dialect, now),
            _ => {}
        }
    }
    if out.len() == before {
        return Err(format!(
            "rubric `{}` has no drift, ab_test or feedback check: no summary stands in for \
             what its checks read",
            r.name
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_files_hold_every_query_and_shim() {
        let h = parse(HISTOGRAMS_SQL);
        for q in [
            "numeric_bins",
            "numeric_values",
            "category_values",
            "distinct_reference",
            "records",
        ] {
            assert!(h.queries.contains_key(q), "{q}");
        }
        let s = parse(SUMMARIES_SQL);
        for q in [
            "ab_arms",
            "ab_guardrail",
            "ab_covariate",
            "feedback_newest",
            "feedback_window",
        ] {
            assert!(s.queries.contains_key(q), "{q}");
        }
        // every placeholder a query uses is a shim in both dialects or a parameter
        for (file, params) in [
            (&h, &["field", "min_width"][..]),
            (
                &s,
                &[
                    "variant",
                    "outcome",
                    "field",
                    "covariate",
                    "relation",
                    "time",
                    "event",
                    "now",
                    "in_window",
                ][..],
            ),
        ] {
            for d in [Dialect::Duckdb, Dialect::Spark] {
                for name in file.queries.keys() {
                    let values: Vec<(&str, String)> =
                        params.iter().map(|p| (*p, "x".to_owned())).collect();
                    let text = file.render(name, d, &values);
                    assert!(!text.contains('{'), "{name} {d:?}: {text}");
                }
            }
        }
    }

    #[test]
    fn placeholders_fill_shims_first_then_parameters() {
        let q = parse(
            "-- dialect duckdb t: epoch({ts})\n-- dialect spark t: unix({ts})\n\
             -- name: a\nSELECT {t}, {x} FROM r;\n",
        );
        assert_eq!(
            q.render(
                "a",
                Dialect::Spark,
                &[("ts", "when".into()), ("x", "1".into())]
            ),
            "SELECT unix(when), 1 FROM r;"
        );
        // unfilled stays for the reader
        assert_eq!(
            q.render("a", Dialect::Duckdb, &[]),
            "SELECT epoch({ts}), {x} FROM r;"
        );
        assert_eq!(fill("a {b c} {", &|_| None), "a {b c} {");
    }
}

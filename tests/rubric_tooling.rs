//! Rubric tooling: the JSON Schema (`rubric schema`, `govgate.schema.json`), the check-kind
//! reference (`rubric explain`, `docs/checks/`, docs/rubric.md), and their agreement with the
//! reader: what the schema accepts the reader accepts, and the other way round.

mod common;

use std::path::Path;

use common::{govgate, root};
use govgate::rubric::{self, Origin, explain, schema};
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema::rubric_schema()).expect("the rubric schema is a schema")
}

fn yaml_to_json(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("YAML")
}

/// Schema errors of a rubric text, as strings (empty when valid).
fn schema_errors(v: &jsonschema::Validator, text: &str) -> Vec<String> {
    v.iter_errors(&yaml_to_json(text))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn reader_errors(text: &str) -> Option<String> {
    rubric::parse(text, Origin::Embedded("test"), &root())
        .err()
        .map(|e| e.to_string())
}

/// The fenced ```yaml blocks of a Markdown text.
fn yaml_blocks(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in md.lines() {
        match (&mut cur, line.trim_start()) {
            (None, l) if l.starts_with("```yaml") => cur = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => out.extend(cur.take()),
            (Some(c), _) => {
                c.push_str(line);
                c.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// A list of checks as a whole rubric.
fn as_rubric(checks: &str) -> String {
    let indented: String = checks.lines().map(|l| format!("    {l}\n")).collect();
    format!("version: 1\nname: example\nprocesses:\n  S7P1:\n{indented}")
}

#[test]
fn committed_schema_is_current() {
    let committed = std::fs::read_to_string(root().join("govgate.schema.json"))
        .expect("govgate.schema.json is committed");
    assert!(
        committed == schema::rubric_schema_text(),
        "govgate.schema.json is out of date: run `cargo run -- rubric schema > govgate.schema.json`"
    );
    let out = govgate(&["rubric", "schema"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, committed);
    assert_eq!(out.stderr, "");
}

#[test]
fn shipped_rubrics_carry_the_schema_line_and_validate() {
    let v = validator();
    for (name, _, text) in rubric::SHIPPED {
        assert!(
            text.lines()
                .any(|l| l == "# yaml-language-server: $schema=../govgate.schema.json"),
            "{name}: no `# yaml-language-server: $schema=` line"
        );
        assert_eq!(schema_errors(&v, text), Vec::<String>::new(), "{name}");
        assert_eq!(reader_errors(text), None, "{name}");
    }
    let text = std::fs::read_to_string(root().join("fixtures/rubrics/release.yaml")).unwrap();
    assert_eq!(schema_errors(&v, &text), Vec::<String>::new());
}

#[test]
fn every_documented_example_validates_both_ways() {
    let v = validator();
    let mut n = 0;
    for (kind, page) in explain::DOCS {
        let blocks = yaml_blocks(page);
        assert!(!blocks.is_empty(), "{kind}: the page has no YAML example");
        for block in blocks {
            let text = as_rubric(&block);
            assert!(
                text.contains(&format!("{kind}:")),
                "{kind}: example without the kind:\n{block}"
            );
            assert_eq!(
                schema_errors(&v, &text),
                Vec::<String>::new(),
                "{kind}:\n{text}"
            );
            assert_eq!(reader_errors(&text), None, "{kind}:\n{text}");
            n += 1;
        }
    }
    // and the whole rubrics of the reference pages
    for page in ["docs/rubric.md", "docs/inputs.md"] {
        let text = std::fs::read_to_string(root().join(page)).unwrap();
        for block in yaml_blocks(&text) {
            if block.starts_with("version:") {
                assert_eq!(schema_errors(&v, &block), Vec::<String>::new(), "{block}");
                n += 1;
            }
        }
    }
    assert!(n >= 20, "only {n} examples found");
}

#[test]
fn schema_and_reader_reject_the_same_mistakes() {
    let v = validator();
    let good = "version: 1\nname: g\nrequire: { S7P1: 2 }\nprocesses:\n  S7P1:\n    - id: a\n      level: 2\n      threshold: { metric: mmlu/acc, min: 0.5 }\n";
    assert_eq!(schema_errors(&v, good), Vec::<String>::new());
    assert_eq!(reader_errors(good), None);
    let bad = [
        ("unknown key", good.replace("min: 0.5", "min: 0.5, mni: 1")),
        ("unknown top key", format!("{good}extra: 1\n")),
        (
            "no id",
            good.replace("    - id: a\n      level", "    - level"),
        ),
        ("level 4", good.replace("level: 2", "level: 4")),
        ("require 5", good.replace("S7P1: 2 }", "S7P1: 5 }")),
        (
            "unknown process",
            good.replace("  S7P1:\n    -", "  S7P9:\n    -"),
        ),
        (
            "two kinds",
            good.replace(
                "min: 0.5 }\n",
                "min: 0.5 }\n      coverage: { tasks: mmlu }\n",
            ),
        ),
        (
            "no kind",
            good.replace("      threshold: { metric: mmlu/acc, min: 0.5 }\n", ""),
        ),
        (
            "null kind",
            good.replace("{ metric: mmlu/acc, min: 0.5 }", "~"),
        ),
        ("wrong type", good.replace("min: 0.5", "min: [0.5]")),
        ("no version", good.replace("version: 1\n", "")),
        ("version 2", good.replace("version: 1", "version: 2")),
    ];
    for (what, text) in bad {
        assert!(
            !schema_errors(&v, &text).is_empty(),
            "schema accepts {what}:\n{text}"
        );
        assert!(
            reader_errors(&text).is_some(),
            "reader accepts {what}:\n{text}"
        );
    }
    // what the reader accepts beyond plain JSON types, the schema accepts too
    for (what, text) in [
        (
            "a scalar for a list",
            good.replace(
                "threshold: { metric: mmlu/acc, min: 0.5 }",
                "coverage: { tasks: mmlu }",
            ),
        ),
        (
            "a number as text",
            good.replace("    - id: a", "    - id: 12"),
        ),
        (
            "null for an optional key",
            good.replace("min: 0.5", "min: 0.5, confidence: ~"),
        ),
        (
            "an empty process",
            good.replace("processes:\n", "processes:\n  S7P2: []\n"),
        ),
    ] {
        assert_eq!(
            schema_errors(&v, &text),
            Vec::<String>::new(),
            "{what}:\n{text}"
        );
        assert_eq!(reader_errors(&text), None, "{what}:\n{text}");
    }
}

/// The property names of a definition, and of the definitions it refers to, recursively.
fn property_names(schema: &Value, def: &Value, out: &mut Vec<String>) {
    match def {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (k, v) in props {
                    out.push(k.clone());
                    property_names(schema, v, out);
                }
            }
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(target) = r.strip_prefix('#').and_then(|p| schema.pointer(p))
            {
                property_names(schema, target, out);
            }
            for key in ["anyOf", "items", "additionalProperties"] {
                if let Some(v) = map.get(key) {
                    property_names(schema, v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| property_names(schema, i, out)),
        _ => {}
    }
}

#[test]
fn each_page_documents_exactly_its_kinds_parameters() {
    let s = schema::rubric_schema();
    for (kind, page) in explain::DOCS {
        let def = &s["definitions"]["Check"]["properties"][*kind];
        let target = def["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix('#'))
            .unwrap();
        let kind_def = s.pointer(target).unwrap();
        let mut top: Vec<String> = kind_def["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        top.sort();
        // the parameter table: `| key | default | meaning |`, one row per key
        let mut table: Vec<String> = Vec::new();
        let mut in_table = false;
        for line in page.lines() {
            if line == "| key | default | meaning |" {
                in_table = true;
                continue;
            }
            if in_table && !line.starts_with('|') {
                break;
            }
            if in_table && line.starts_with("| `") {
                let cells: Vec<&str> = line.split(" | ").collect();
                assert!(cells.len() >= 3, "{kind}: row without a default: {line}");
                assert!(!cells[1].trim().is_empty(), "{kind}: empty default: {line}");
                for key in cells[0].trim_start_matches("| ").split(", ") {
                    table.push(key.trim_matches('`').to_owned());
                }
            }
        }
        table.sort();
        assert_eq!(
            table, top,
            "{kind}: the table's keys are not the kind's parameters"
        );
        // nested parameters (`online.model`, `band.sigmas`) are named on the page
        let mut all = Vec::new();
        property_names(&s, kind_def, &mut all);
        for name in all {
            assert!(
                page.contains(&format!("`{name}`")) || page.contains(&format!("{name}:")),
                "{kind}: parameter `{name}` is not on its page"
            );
        }
    }
}

#[test]
fn explain_prints_a_kind_or_every_kind_and_rejects_unknown_ones() {
    let out = govgate(&["rubric", "explain", "drift"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, explain::doc("drift").unwrap());
    let all = govgate(&["rubric", "explain"]);
    assert_eq!(all.code, 0);
    for (kind, page) in explain::DOCS {
        assert!(
            all.stdout.contains(page),
            "{kind} missing from `rubric explain`"
        );
    }
    let bad = govgate(&["rubric", "explain", "drfit"]);
    assert_eq!(bad.code, 2);
    assert_eq!(bad.stdout, "");
    assert!(
        bad.stderr
            .contains("no check kind `drfit`; did you mean `drift`?"),
        "{}",
        bad.stderr
    );
}

#[test]
fn schema_file_is_where_the_shipped_rubrics_point() {
    // `rubrics/x.yaml` says `$schema=../govgate.schema.json`
    assert!(Path::new(&root().join("rubrics").join("../govgate.schema.json")).exists());
}

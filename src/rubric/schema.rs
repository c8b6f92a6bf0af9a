//! The rubric's JSON Schema (draft-07), generated from the phase-1 types in [`raw`](super::raw)
//! so that it cannot drift from what govgate reads. Editors use it through
//! yaml-language-server (`# yaml-language-server: $schema=…`); `govgate rubric schema`
//! prints it; the committed `govgate.schema.json` is kept equal to it by a test.
//!
//! The schema describes phase 1 (shape, names, types); phase 2 (`rubric validate`) still
//! checks what a schema cannot say well: ranges that depend on other keys, selectors, globs,
//! windows, duplicate ids.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

use super::ProcessId;
use super::raw::{KIND_KEYS, RawCheck, RawGuardrail, RawGuardrailSpec, RawInputs};
use super::yaml::Sp;

/// A located value has the schema of its value: locations are govgate's bookkeeping, not
/// something a rubric writes.
impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// `RawGuardrail` deserializes by hand (a string or a mapping), so its schema is by hand too.
impl JsonSchema for RawGuardrail {
    fn schema_name() -> Cow<'static, str> {
        "Guardrail".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let spec = generator.subschema_for::<RawGuardrailSpec>();
        json_schema!({
            "description": "A field that must not degrade: its name (lower is better), or `{ field, higher_is_better, max_degradation }`.",
            "anyOf": [{ "type": "string" }, spec]
        })
    }
}

/// `correction:`: one of the multiple-testing corrections.
pub fn correction_schema(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<&str> = crate::stats::multiplicity::Correction::ALL
        .iter()
        .map(|(n, _)| *n)
        .collect();
    json_schema!({
        "description": "How the check's tests are adjusted as one family: holm (default; family-wise error rate), bonferroni, bh (Benjamini-Hochberg, false discovery rate) or none.",
        "type": "string",
        "enum": names
    })
}

/// `calibration: { binning }`.
pub fn binning_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "equal_mass (default: each bin holds as many confidences, HELM's ece_10_bin) or equal_width (bins of width 1/bins).",
        "type": "string",
        "enum": ["equal_mass", "equal_width"]
    })
}

/// `estimated_performance: { metric }`.
pub fn cbpe_metric_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "The metric estimated: accuracy (default), precision, recall or f1.",
        "type": "string",
        "enum": ["accuracy", "precision", "recall", "f1"]
    })
}

/// `estimated_performance: { calibration }`.
pub fn cbpe_calibration_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "isotonic (default: the scores are calibrated on the reference by isotonic regression, as NannyML) or none.",
        "type": "string",
        "enum": ["isotonic", "none"]
    })
}

/// `accept_differences:`: aspects of comparability accepted on purpose.
pub fn aspects_schema(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<&str> = crate::model::Aspect::ALL
        .iter()
        .map(|a| a.as_str())
        .collect();
    json_schema!({
        "description": "Differences between the compared runs accepted on purpose; the finding still names them.",
        "type": "array",
        "items": { "type": "string", "enum": names }
    })
}

/// Adds to a check's schema that exactly one kind key is present (`rubric validate` says
/// the same with a message; an editor underlines it).
pub fn exactly_one_kind(schema: &mut Schema) {
    let one_of: Vec<Value> = KIND_KEYS
        .iter()
        .map(|k| json!({ "required": [k] }))
        .collect();
    schema.insert("oneOf".into(), Value::Array(one_of));
}

/// The top level of a rubric file, for the schema only: the reader takes the top level
/// apart key by key (`raw::collect`) to collect every error, so it has no struct of its own.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "govgate rubric",
    description = "A govgate rubric (version 1): checks grouped by governance process (S7P1 … S7P6), each at a support level 1-3, and the levels required. See `govgate rubric explain`."
)]
struct RubricFile {
    /// Format version; this govgate reads version 1.
    #[schemars(range(min = 1, max = 1))]
    version: u32,
    /// The rubric's name, shown in reports.
    name: String,
    /// Free text, shown by `govgate rubric list`.
    #[serde(default)]
    description: Option<String>,
    /// Default input paths, relative to the rubric file; command-line arguments override them.
    #[serde(default)]
    inputs: Option<RawInputs>,
    /// Minimum level per process (0-3): the gate. `--require` overrides it.
    #[serde(default)]
    #[schemars(schema_with = "require_schema")]
    require: Option<()>,
    /// Process id → list of checks (`[]` for none).
    #[schemars(schema_with = "processes_schema")]
    processes: (),
}

fn process_properties(value: impl Fn(ProcessId) -> Value) -> Value {
    let map: serde_json::Map<String, Value> = ProcessId::ALL
        .into_iter()
        .map(|p| (p.as_str().to_owned(), value(p)))
        .collect();
    Value::Object(map)
}

fn require_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "properties": process_properties(|p| json!({
            "description": format!("{}: the level {} must reach (0 = not required).", p.as_str(), p.name()),
            "type": "integer", "minimum": 0, "maximum": 3
        })),
        "additionalProperties": false
    })
}

fn processes_schema(generator: &mut SchemaGenerator) -> Schema {
    let check = generator.subschema_for::<RawCheck>().to_value();
    json_schema!({
        "type": "object",
        "properties": process_properties(|p| json!({
            "description": format!("{}: {}.", p.as_str(), p.name()),
            "type": ["array", "null"],
            "items": check.clone()
        })),
        "additionalProperties": false
    })
}

/// The rubric's JSON Schema (draft-07), as `govgate rubric schema` prints it.
pub fn rubric_schema() -> Value {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RubricFile>();
    let mut value = schema.to_value();
    as_read(&mut value);
    describe_kinds(&mut value);
    value
}

/// Makes each kind's value its mapping (not null), and gives the kind's definition the
/// one-line summary of its reference page (`docs/checks/<kind>.md`), so an editor's hover says what the kind does.
fn describe_kinds(schema: &mut Value) {
    for kind in KIND_KEYS {
        let Some(property) = schema.pointer_mut(&format!("/definitions/Check/properties/{kind}"))
        else {
            continue;
        };
        // `threshold: ~` reads as no kind at all: the kind's value is its mapping, not null
        let reference = property
            .pointer("/anyOf/0/$ref")
            .or_else(|| property.pointer("/$ref"))
            .cloned();
        let Some(reference) = reference else { continue };
        *property = json!({ "$ref": reference });
        let target = reference
            .as_str()
            .and_then(|r| r.strip_prefix('#'))
            .map(str::to_owned);
        let (Some(target), Some(summary)) = (target, super::explain::summary(kind)) else {
            continue;
        };
        if let Some(Value::Object(def)) = schema.pointer_mut(&target) {
            def.insert(
                "description".into(),
                Value::String(format!(
                    "{kind}: {summary}. `govgate rubric explain {kind}` tells more."
                )),
            );
        }
    }
}

/// The schema as `govgate rubric schema` prints it and `govgate.schema.json` holds it:
/// pretty-printed JSON with a final newline.
pub fn rubric_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&rubric_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Scalar types a text value may be written as: the reader takes a plain scalar where text
/// is expected (`id: 12` is the id "12", `tolerance: 0.01`).
const TEXT_TYPES: [&str; 3] = ["string", "number", "boolean"];

/// Rewrites the generated schema to accept what the reader accepts, and nothing more:
/// text may be written as any plain scalar, a list of scalars as one scalar (`tasks: mmlu`);
/// schemars' integer `format`s (`uint64`, `double`) are not draft-07 and are dropped.
fn as_read(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(as_read),
        Value::Object(map) => {
            map.values_mut().for_each(as_read);
            if map.contains_key("type") {
                map.remove("format");
            }
            // schemars writes the serialized `Default` of an `Option` field: `null`, which
            // an editor would offer as the value to write.
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            let mut types = type_list(map.get("type"));
            if types.iter().any(|t| t == "string")
                && !map.contains_key("enum")
                && !map.contains_key("const")
            {
                add_types(&mut types, &TEXT_TYPES);
            }
            if types.iter().any(|t| t == "array") {
                let item_types = type_list(map.get("items").and_then(|i| i.get("type")));
                let scalars: Vec<&str> = item_types
                    .iter()
                    .map(String::as_str)
                    .filter(|t| ["string", "number", "integer", "boolean"].contains(t))
                    .collect();
                add_types(&mut types, &scalars);
            }
            if !types.is_empty() {
                let new = if types.len() == 1 {
                    Value::String(types.remove(0))
                } else {
                    Value::Array(types.into_iter().map(Value::String).collect())
                };
                map.insert("type".into(), new);
            }
        }
        _ => {}
    }
}

fn type_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn add_types(types: &mut Vec<String>, extra: &[&str]) {
    for t in extra {
        if !types.iter().any(|have| have == t) {
            types.push((*t).to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_draft_07_with_every_kind_defined() {
        let s = rubric_schema();
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        let check = &s["definitions"]["Check"];
        for kind in KIND_KEYS {
            assert!(
                check["properties"].get(*kind).is_some(),
                "kind `{kind}` is not in the schema"
            );
        }
        assert_eq!(check["additionalProperties"], false);
        assert_eq!(
            s["definitions"]["Threshold"]["description"],
            "threshold: a metric is within bounds. `govgate rubric explain threshold` tells more."
        );
        assert_eq!(
            check["oneOf"].as_array().map(Vec::len),
            Some(KIND_KEYS.len())
        );
    }

    #[test]
    fn text_takes_plain_scalars_and_lists_take_one_scalar() {
        let s = rubric_schema();
        let tolerance = &s["definitions"]["Repeatability"]["properties"]["tolerance"];
        assert_eq!(tolerance["type"], json!(["string", "number", "boolean"]));
        let tasks = &s["definitions"]["Coverage"]["properties"]["tasks"];
        assert_eq!(
            tasks["type"],
            json!(["array", "string", "number", "boolean"])
        );
        assert!(!s.to_string().contains("\"format\""));
    }
}

//! helm-summarize tables (`groups/json/<group>_<table>.json`, `groups/<group>.json`): one
//! run per model row, every table of a list read, each per-scenario table under its own
//! name.

use super::*;

/// Whether a parsed table document is a helm-summarize `Table` (or a list of them).
pub fn is_table(v: &Value) -> bool {
    let one = |t: &Value| {
        t.as_object().is_some_and(|o| {
            o.contains_key("header") && o.contains_key("rows") && o.contains_key("title")
        })
    };
    one(v)
        || v.as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(one))
}

/// The subgroup a table is restricted to, when it is one scenario's table rather than the
/// group's: helm-summarize writes one per scenario spec of a group (MMLU's subjects) with
/// the spec's arguments as title (`subject: anatomy`) and `<group>_<arg>:<value>` as name
/// (`mmlu_subject:anatomy`), while its columns keep the group's `run_group` (`MMLU`).
/// Metric-group tables are named by identifiers (`accuracy`) and titled in words.
pub(super) fn subgroup_scope(table: &Value) -> Option<String> {
    let title = str_of(table.get("title"))?;
    let named = str_of(table.get("name")).is_some_and(|n| n.contains(':') || n.contains('='));
    // `key: value[, key: value]`, each key an identifier
    let args = title.split(", ").all(|part| {
        part.split_once(": ").is_some_and(|(k, v)| {
            !k.is_empty()
                && !v.is_empty()
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    });
    (named || args).then(|| title.to_owned())
}

/// Reads a helm-summarize table file (`groups/json/<group>_<table>.json`, a `Table`; or
/// `groups/<group>.json`, a list of them, every table read) into one run per model row. A
/// cell with a `value` is a metric of the row's model (task: the column's run group, with
/// the subgroup of a per-scenario table, `MMLU (subject: anatomy)`; metric: its metric
/// display name; variant: its perturbation); a cell without one is absent.
pub fn read_tables(path: &Path) -> Result<Vec<Run>> {
    let bytes = read_bytes(path)?;
    let doc = json::parse_document(&bytes).map_err(|e| Error::json(path, e))?;
    let tables: Vec<&Value> = match &doc {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    let sha = sha256_hex(&bytes);
    // model -> (metrics, tasks)
    let mut runs: BTreeMap<String, (Vec<Metric>, Vec<String>)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for table in tables {
        let title = str_of(table.get("title")).unwrap_or("table").to_owned();
        let scope = subgroup_scope(table);
        let header: Vec<&Value> = table
            .get("header")
            .and_then(Value::as_array)
            .map(|h| h.iter().collect())
            .unwrap_or_default();
        // Model tables start with a "Model/adapter" (or "Model") column; index tables
        // (groups.json) list groups instead.
        let first = header
            .first()
            .and_then(|h| str_of(h.get("value")))
            .unwrap_or("");
        if !first.starts_with("Model") {
            continue;
        }
        for row in table
            .get("rows")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(cells) = row.as_array() else {
                continue;
            };
            let Some(model) = cells
                .first()
                .and_then(|c| c.get("value"))
                .map(Value::display)
            else {
                continue;
            };
            if !runs.contains_key(&model) {
                order.push(model.clone());
            }
            let (metrics, tasks) = runs.entry(model).or_default();
            for (j, cell) in cells.iter().enumerate().skip(1) {
                let Some(value) = cell.get("value").and_then(Value::as_f64) else {
                    continue;
                };
                let Some(h) = header.get(j) else { continue };
                let md = h.get("metadata");
                let group = str_of(md.and_then(|m| m.get("run_group")))
                    .map(str::to_owned)
                    .unwrap_or_else(|| title.clone());
                // a subject's table names its subject: `MMLU (subject: anatomy)/EM`, never
                // the whole benchmark's `MMLU/EM`
                let task = match &scope {
                    Some(s) => format!("{group} ({s})"),
                    None => group,
                };
                let name = str_of(md.and_then(|m| m.get("metric")))
                    .or(str_of(h.get("value")))
                    .unwrap_or("value")
                    .to_owned();
                let variant = str_of(md.and_then(|m| m.get("perturbation"))).map(str::to_owned);
                if metrics
                    .iter()
                    .any(|m| m.task == task && m.name == name && m.variant == variant)
                {
                    continue;
                }
                let lower = h.get("lower_is_better").and_then(Value::as_bool);
                if !tasks.contains(&task) {
                    tasks.push(task.clone());
                }
                metrics.push(Metric {
                    task,
                    name,
                    variant,
                    value,
                    stderr: None,
                    stderr_kind: None,
                    n: None,
                    higher_is_better: lower.map(|l| !l),
                    direction_source: lower.map(|_| DirectionSource::File),
                    is_group: false,
                    informational: false,
                    trials: None,
                });
            }
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|model| {
            let (metrics, tasks) = runs.remove(&model)?;
            Some(Run {
                source: Source {
                    path: path.to_path_buf(),
                    sha256: sha.clone(),
                    bytes: bytes.len() as u64,
                },
                name: Some(model.clone()),
                format: Format {
                    tool: Tool::Helm,
                    version: None,
                    inferred: Some("helm-summarize table".into()),
                },
                model: ModelInfo {
                    name: Some(model),
                    ..ModelInfo::default()
                },
                provenance: Provenance::default(),
                tasks: tasks
                    .into_iter()
                    .map(|name| TaskInfo {
                        name,
                        is_group: true,
                        ..TaskInfo::default()
                    })
                    .collect(),
                metrics,
                perturbations: Vec::new(),
                unmeasured: Vec::new(),
                unfinished: None,
                not_numeric: Vec::new(),
            })
        })
        .collect())
}

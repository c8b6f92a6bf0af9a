//! Validation of the S7P4 reproducibility kinds: `provenance`, `manifest`, `repeatability`.

#[allow(unused_imports)]
use super::*;

pub(super) fn provenance(p: &Sp<RawProvenance>, errors: &mut Vec<DeError>) -> Option<Provenance> {
    let raw = &p.value;
    let mut ok = true;
    let mut require = Vec::new();
    for item in raw.require.iter().flatten() {
        let t = item.value.trim();
        match ProvenanceItem::parse(t) {
            Some(i) if require.contains(&i) => {
                errors.push(DeError::at(item.loc, format!("`{t}` is listed twice")));
                ok = false;
            }
            Some(i) => require.push(i),
            None => {
                let names: Vec<&str> = ProvenanceItem::ALL.iter().map(|i| i.name()).collect();
                let hint = did_you_mean(t, &names)
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                errors.push(DeError::at(
                    item.loc,
                    format!(
                        "unknown provenance item `{t}`; {hint}the items are {}",
                        names.join(", ")
                    ),
                ));
                ok = false;
            }
        }
    }
    let forbid_limit = raw.forbid_limit.unwrap_or(false);
    if require.is_empty() && !forbid_limit && ok {
        errors.push(DeError::at(
            p.loc,
            "a provenance check needs `require` items, `forbid_limit: true`, or both",
        ));
        ok = false;
    }
    ok.then_some(Provenance {
        require,
        forbid_limit,
    })
}

pub(super) fn manifest(
    m: &Sp<RawManifest>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Manifest> {
    let raw = &m.value;
    let file = raw.file.value.trim();
    if file.is_empty() {
        errors.push(DeError::at(raw.file.loc, "`file` must name the manifest"));
        return None;
    }
    let root = match &raw.root {
        Some(r) if r.value.trim().is_empty() => {
            errors.push(DeError::at(r.loc, "`root` must name a directory"));
            return None;
        }
        Some(r) => confine(base, r.value.trim(), r.loc, errors),
        None if base.as_os_str().is_empty() => PathBuf::from("."),
        None => base.to_path_buf(),
    };
    Some(Manifest {
        file: confine(base, file, raw.file.loc, errors),
        root,
    })
}

pub(super) fn repeatability(
    r: &Sp<RawRepeatability>,
    errors: &mut Vec<DeError>,
) -> Option<Repeatability> {
    let raw = &r.value;
    let sel = selector(&raw.metric, errors);
    let t = raw.tolerance.value.trim();
    let tolerance = if t == "stderr" {
        Some(Tolerance::Stderr)
    } else {
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(Tolerance::Absolute(x)),
            _ => {
                errors.push(DeError::at(
                    raw.tolerance.loc,
                    format!("`tolerance` is a number (0 or more) or `stderr`, got `{t}`"),
                ));
                None
            }
        }
    };
    let accept = accept_differences(&raw.accept_differences, errors);
    Some(Repeatability {
        selector: sel?,
        tolerance: tolerance?,
        accept: accept?,
    })
}

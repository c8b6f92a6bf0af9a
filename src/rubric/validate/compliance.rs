//! Validation of the S7P2 compliance kinds: `fairness`, `perturbation_gap`, `documentation`.

#[allow(unused_imports)]
use super::*;

pub(super) fn fairness(
    f: &Sp<RawFairness>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Fairness> {
    let raw = &f.value;
    let mut ok = true;
    let records = match records_name(&raw.records, "records", base, errors) {
        Some(Named::Runs(role)) => RecordsSource::Role(role),
        Some(Named::Window(w)) => RecordsSource::Window(w),
        Some(Named::Path(p)) => RecordsSource::Files(p),
        None => {
            ok = false;
            RecordsSource::Role(Role::Current)
        }
    };
    let group = record_path(&raw.group, "group", errors);
    let score = raw
        .score
        .as_ref()
        .and_then(|s| record_path(s, "score", errors));
    let prediction = raw
        .prediction
        .as_ref()
        .and_then(|s| record_path(s, "prediction", errors));
    let label = raw
        .label
        .as_ref()
        .and_then(|s| record_path(s, "label", errors));
    let mode = match (&raw.score, &raw.prediction, &raw.label) {
        (Some(_), Some(p), _) => {
            errors.push(DeError::at(
                p.loc,
                "a fairness check compares either a `score` or a `prediction`, not both",
            ));
            None
        }
        (_, None, Some(l)) => {
            errors.push(DeError::at(
                l.loc,
                "`label` needs a `prediction` to compare with",
            ));
            None
        }
        (Some(_), None, None) => score.map(FairnessMode::Score),
        (None, Some(_), _) => {
            prediction.map(|prediction| FairnessMode::Selection { prediction, label })
        }
        (None, None, None) => {
            errors.push(DeError::at(
                f.loc,
                "a fairness check needs a `score` (mean per group) or a `prediction` (selection rate per group)",
            ));
            None
        }
    };
    let max_difference = non_negative(&raw.max_difference, "max_difference", errors);
    let max_eo = non_negative(
        &raw.max_equalized_odds_difference,
        "max_equalized_odds_difference",
        errors,
    );
    let min_ratio = match finite(&raw.min_ratio, "min_ratio", errors) {
        Some(r) if r > 0.0 && r <= 1.0 => Some(r),
        Some(r) => {
            errors.push(DeError::at(
                raw.min_ratio.as_ref().map(|m| m.loc).unwrap_or(f.loc),
                format!("`min_ratio` must be in (0, 1] (0.8 is the four-fifths rule), got {r}"),
            ));
            ok = false;
            None
        }
        None => None,
    };
    if raw.max_difference.is_none()
        && raw.min_ratio.is_none()
        && raw.max_equalized_odds_difference.is_none()
    {
        errors.push(DeError::at(
            f.loc,
            "a fairness check needs `max_difference`, `min_ratio` or `max_equalized_odds_difference`",
        ));
        ok = false;
    }
    if let Some(e) = &raw.max_equalized_odds_difference
        && raw.label.is_none()
    {
        errors.push(DeError::at(
            e.loc,
            "`max_equalized_odds_difference` needs `prediction` and `label` (true and false positive rates)",
        ));
        ok = false;
    }
    let min_group_size = match &raw.min_group_size {
        Some(n) if n.value < 1 => {
            errors.push(DeError::at(n.loc, "`min_group_size` must be at least 1"));
            ok = false;
            1
        }
        Some(n) => n.value,
        None => 30,
    };
    let task = match &raw.task {
        Some(t) => match glob(t.value.trim()) {
            Ok(m) => Some((t.value.trim().to_owned(), m)),
            Err(msg) => {
                errors.push(DeError::at(t.loc, msg));
                ok = false;
                None
            }
        },
        None => None,
    };
    if (raw.max_difference.is_some() && max_difference.is_none())
        || (raw.max_equalized_odds_difference.is_some() && max_eo.is_none())
        || (raw.min_ratio.is_some() && min_ratio.is_none())
    {
        ok = false;
    }
    let (group, mode) = (group?, mode?);
    ok.then(|| Fairness {
        records,
        group,
        task,
        mode,
        positive: normalize_category(raw.positive.as_ref().map(|p| p.value.trim()).unwrap_or("1")),
        min_group_size,
        max_difference,
        min_ratio,
        max_equalized_odds_difference: max_eo,
    })
}

pub(super) fn perturbation_gap(
    g: &Sp<RawPerturbationGap>,
    errors: &mut Vec<DeError>,
) -> Option<PerturbationGap> {
    let raw = &g.value;
    let sel = selector(&raw.metric, errors);
    let max_gap = non_negative(&Some(raw.max_gap.clone()), "max_gap", errors);
    let perturbation = raw.perturbation.value.trim().to_owned();
    if perturbation.is_empty() {
        errors.push(DeError::at(
            raw.perturbation.loc,
            "`perturbation` names `fairness`, `robustness` or one perturbation (`dialect`, `mild_mix`)",
        ));
        return None;
    }
    Some(PerturbationGap {
        selector: sel?,
        perturbation,
        max_gap: max_gap?,
    })
}

pub(super) fn documentation(
    d: &Sp<RawDocumentation>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Documentation> {
    let raw = &d.value;
    let mut ok = true;
    let file = raw.file.value.trim();
    if file.is_empty() {
        errors.push(DeError::at(
            raw.file.loc,
            "`file` must name the model card or document",
        ));
        ok = false;
    }
    let texts = |list: &Option<Vec<Sp<String>>>, key: &str, errors: &mut Vec<DeError>| {
        let mut out = Vec::new();
        for item in list.iter().flatten() {
            let t = item.value.trim();
            if t.is_empty() {
                errors.push(DeError::at(item.loc, format!("an empty entry in `{key}`")));
            } else {
                out.push(t.to_owned());
            }
        }
        out
    };
    let sections = texts(&raw.sections, "sections", errors);
    let fields = texts(&raw.fields, "fields", errors);
    let claims_match = match &raw.claims_match {
        Some(c) => {
            let tolerance = non_negative(&Some(c.value.tolerance.clone()), "tolerance", errors);
            let mut map = std::collections::BTreeMap::new();
            for (claim, sel) in c.value.map.iter().flatten() {
                match selector(sel, errors) {
                    Some(s) => {
                        map.insert(claim.clone(), s);
                    }
                    None => ok = false,
                }
            }
            match tolerance {
                Some(tolerance) => Some(ClaimsMatch { tolerance, map }),
                None => {
                    ok = false;
                    None
                }
            }
        }
        None => None,
    };
    let file = confine(base, file, raw.file.loc, errors);
    ok.then_some(Documentation {
        file,
        sections,
        fields,
        claims_match,
    })
}

//! Validation of the S7P6 production-feedback kinds: `ab_test`, `agreement`, `feedback`.

#[allow(unused_imports)]
use super::*;

pub(super) fn guardrails(
    list: &Option<Vec<Sp<RawGuardrail>>>,
    outcome: &str,
    errors: &mut Vec<DeError>,
) -> Option<Vec<Guardrail>> {
    let mut out: Vec<Guardrail> = Vec::new();
    let mut ok = true;
    for g in list.iter().flatten() {
        let (field, hib, margin) = match &g.value {
            RawGuardrail::Field(f) => (f.trim().to_owned(), false, 0.0),
            RawGuardrail::Spec(s) => (
                s.field.trim().to_owned(),
                s.higher_is_better.unwrap_or(false),
                s.max_degradation.unwrap_or(0.0),
            ),
        };
        if field.is_empty() || field.split('.').any(str::is_empty) {
            errors.push(DeError::at(
                g.loc,
                format!("a guardrail is a dotted field path like `latency_ms`; got `{field}`"),
            ));
            ok = false;
        } else if field == outcome {
            errors.push(DeError::at(
                g.loc,
                format!("`{field}` is the outcome; a guardrail watches another field"),
            ));
            ok = false;
        } else if out.iter().any(|x| x.field == field) {
            errors.push(DeError::at(
                g.loc,
                format!("guardrail `{field}` is listed twice"),
            ));
            ok = false;
        } else if !(margin.is_finite() && margin >= 0.0) {
            errors.push(DeError::at(
                g.loc,
                format!("`max_degradation` of `{field}` must be zero or more, got {margin}"),
            ));
            ok = false;
        } else {
            out.push(Guardrail {
                field,
                higher_is_better: hib,
                max_degradation: margin,
            });
        }
    }
    ok.then_some(out)
}

pub(super) fn ab_test(a: &Sp<RawAbTest>, base: &Path, errors: &mut Vec<DeError>) -> Option<AbTest> {
    let raw = &a.value;
    let mut ok = true;
    let records = row_source(
        raw.records.as_ref(),
        "records",
        RowSource::Production,
        base,
        errors,
    );
    let variant = record_path(&raw.variant, "variant", errors);
    let outcome = record_path(&raw.outcome, "outcome", errors);
    let control = normalize_category(raw.control.value.trim());
    let treatment = normalize_category(raw.treatment.value.trim());
    for (v, key) in [(&raw.control, "control"), (&raw.treatment, "treatment")] {
        if v.value.trim().is_empty() {
            errors.push(DeError::at(
                v.loc,
                format!("`{key}` names an arm (a value of `variant`)"),
            ));
            ok = false;
        }
    }
    if ok && control == treatment {
        errors.push(DeError::at(
            raw.treatment.loc,
            format!("`control` and `treatment` are both `{control}`"),
        ));
        ok = false;
    }
    let min_lift = finite(&raw.min_lift, "min_lift", errors);
    if raw.min_lift.is_some() && min_lift.is_none() {
        ok = false;
    }
    let alpha = probability_or(&raw.alpha, "alpha", 0.05, errors);
    let min_samples = count_at_least(&raw.min_samples, "min_samples", 2, 100, errors);
    let expected_split = match &raw.expected_split {
        None => None,
        Some(split) => {
            let mut arms: Vec<(String, f64)> = Vec::new();
            for (arm, share) in &split.value {
                match finite(&Some(share.clone()), "expected_split", errors) {
                    Some(x) if x > 0.0 => arms.push((normalize_category(arm.trim()), x)),
                    Some(x) => {
                        errors.push(DeError::at(
                            share.loc,
                            format!("the expected share of `{arm}` must be above 0, got {x}"),
                        ));
                        ok = false;
                    }
                    None => ok = false,
                }
            }
            for (arm, key) in [(&control, "control"), (&treatment, "treatment")] {
                if !split
                    .value
                    .keys()
                    .any(|k| normalize_category(k.trim()) == *arm)
                {
                    errors.push(DeError::at(
                        split.loc,
                        format!("`expected_split` has no share for the {key} arm `{arm}`"),
                    ));
                    ok = false;
                }
            }
            Some(arms)
        }
    };
    let sequential = raw.sequential.as_ref().is_some_and(|s| s.value);
    let tau = match &raw.tau {
        None => None,
        Some(t) if !sequential => {
            errors.push(DeError::at(
                t.loc,
                "`tau` is the mixing standard deviation of the sequential test; add `sequential: true`",
            ));
            ok = false;
            None
        }
        Some(t) if t.value.is_finite() && t.value > 0.0 => Some(t.value),
        Some(t) => {
            errors.push(DeError::at(
                t.loc,
                format!("`tau` must be above 0, got {}", t.value),
            ));
            ok = false;
            None
        }
    };
    let horizon = match &raw.horizon {
        None => None,
        Some(h) if !sequential => {
            errors.push(DeError::at(
                h.loc,
                "`horizon` sizes the sequential test's mixture; add `sequential: true`",
            ));
            ok = false;
            None
        }
        Some(h) if raw.tau.is_some() => {
            errors.push(DeError::at(
                h.loc,
                "give `tau` or `horizon`, not both: `horizon` is how `tau` is chosen",
            ));
            ok = false;
            None
        }
        Some(h) if h.value >= 2 => Some(h.value),
        Some(h) => {
            errors.push(DeError::at(
                h.loc,
                format!("`horizon` is records per arm, at least 2; got {}", h.value),
            ));
            ok = false;
            None
        }
    };
    let covariate = match &raw.covariate {
        None => None,
        Some(c) => {
            let field = record_path(c, "covariate", errors);
            for (other, key) in [(&raw.outcome, "outcome"), (&raw.variant, "variant")] {
                if field.as_deref() == Some(other.value.trim()) {
                    errors.push(DeError::at(
                        c.loc,
                        format!("`covariate` is the {key} field; it names a pre-period field"),
                    ));
                    ok = false;
                }
            }
            if field.is_none() {
                ok = false;
            }
            field
        }
    };
    let outcome = outcome?;
    let guardrails = guardrails(&raw.guardrails, &outcome, errors);
    let (records, variant, alpha, min_samples, guardrails) =
        (records?, variant?, alpha?, min_samples?, guardrails?);
    let correction = correction(&raw.correction, Correction::Holm, errors)?;
    ok.then(|| AbTest {
        correction,
        records,
        variant,
        control,
        treatment,
        outcome,
        higher_is_better: raw.higher_is_better.unwrap_or(true),
        min_lift: min_lift.unwrap_or(0.0),
        alpha,
        min_samples,
        expected_split,
        guardrails,
        sequential: sequential.then_some(crate::rubric::Sequential { tau, horizon }),
        covariate,
    })
}

pub(super) fn agreement(
    a: &Sp<RawAgreement>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Agreement> {
    let raw = &a.value;
    let online = &raw.online.value;
    let offline = selector(&raw.offline, errors);
    let records = row_source(
        online.records.as_ref(),
        "records",
        RowSource::Production,
        base,
        errors,
    );
    let model = record_path(&online.model, "model", errors);
    let outcome = record_path(&online.outcome, "outcome", errors);
    let min_spearman = within(&raw.min_spearman, "min_spearman", -1.0, 1.0, errors);
    let min_models = count_at_least(&raw.min_models, "min_models", 3, 3, errors);
    let kappa = match &raw.kappa {
        None => Some(None),
        Some(k) => {
            let item = record_path(&k.value.item, "item", errors);
            let min = within(&k.value.min, "min", -1.0, 1.0, errors);
            match (item, min) {
                (Some(i), Some(m)) => Some(Some((i, m))),
                _ => None,
            }
        }
    };
    Some(Agreement {
        offline: offline?,
        records: records?,
        model: model?,
        outcome: outcome?,
        higher_is_better: online.higher_is_better.unwrap_or(true),
        min_spearman: min_spearman?,
        min_models: min_models?,
        kappa: kappa?,
        accept: accept_differences(&raw.accept_differences, errors)?,
    })
}

pub(super) fn feedback(
    f: &Sp<RawFeedback>,
    base: &Path,
    errors: &mut Vec<DeError>,
) -> Option<Feedback> {
    let raw = &f.value;
    let mut ok = true;
    let records = row_source(
        raw.records.as_ref(),
        "records",
        RowSource::Production,
        base,
        errors,
    );
    let timestamp = record_path(&raw.timestamp, "timestamp", errors);
    let field = match &raw.field {
        None => Some(None),
        Some(x) => record_path(x, "field", errors).map(Some),
    };
    let max_age = match &raw.max_age {
        None => Some(None),
        Some(m) => match production::parse_duration(&m.value) {
            Some(secs) => Some(Some(secs)),
            None => {
                errors.push(DeError::at(
                    m.loc,
                    format!("`max_age` must be a duration like `7d`, `36h`, `30m`, `90s` or `2w`; got `{}`", m.value.trim()),
                ));
                None
            }
        },
    };
    let min_events = match &raw.min_events {
        None => Some(None),
        Some(_) => count_at_least(&raw.min_events, "min_events", 1, 1, errors).map(Some),
    };
    let coverage = match &raw.coverage {
        None => Some(None),
        Some(c) => {
            let of = row_source(c.value.of.as_ref(), "of", RowSource::Requests, base, errors);
            let min = match finite(&Some(c.value.min.clone()), "min", errors) {
                Some(x) if x > 0.0 && x <= 1.0 => Some(x),
                Some(x) => {
                    errors.push(DeError::at(
                        c.value.min.loc,
                        format!("`min` is a share of the traffic in (0, 1], got {x}"),
                    ));
                    None
                }
                None => None,
            };
            let ts = match &c.value.timestamp {
                Some(t) => record_path(t, "timestamp", errors),
                None => timestamp.clone(),
            };
            if let (Some(of), Some(records), Some(None)) = (&of, &records, &field)
                && of == records
            {
                errors.push(DeError::at(
                    c.loc,
                    "coverage of the feedback records themselves needs `field`: the field a \
                     record with feedback carries (else every record counts and coverage is 1)",
                ));
                ok = false;
            }
            match (of, min, ts) {
                (Some(of), Some(min), Some(timestamp)) => {
                    Some(Some(FeedbackCoverage { of, min, timestamp }))
                }
                _ => None,
            }
        }
    };
    if raw.max_age.is_none() && raw.min_events.is_none() && raw.coverage.is_none() {
        errors.push(DeError::at(
            f.loc,
            "a feedback check needs `max_age`, `min_events`, `coverage`, or several",
        ));
        ok = false;
    }
    let (records, timestamp, field, max_age, min_events, coverage) = (
        records?,
        timestamp?,
        field?,
        max_age?,
        min_events?,
        coverage?,
    );
    ok.then_some(Feedback {
        records,
        timestamp,
        field,
        max_age,
        min_events,
        coverage,
    })
}

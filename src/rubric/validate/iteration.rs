//! Validation of the S7P5 iteration-planning kinds: `trials`, `power`, `sweep`.

#[allow(unused_imports)]
use super::*;

pub(super) fn trials(t: &Sp<RawTrials>, errors: &mut Vec<DeError>) -> Option<Trials> {
    let raw = &t.value;
    let sel = selector(&raw.metric, errors);
    let min_runs = count_at_least(&raw.min_runs, "min_runs", 2, 3, errors);
    let max_sd = non_negative(&raw.max_sd, "max_sd", errors);
    if raw.max_sd.is_some() && max_sd.is_none() {
        return None;
    }
    let accept = accept_differences(&raw.accept_differences, errors);
    Some(Trials {
        selector: sel?,
        min_runs: min_runs?,
        max_sd,
        accept: accept?,
    })
}

pub(super) fn power(p: &Sp<RawPower>, errors: &mut Vec<DeError>) -> Option<Power> {
    let raw = &p.value;
    let sel = selector(&raw.metric, errors);
    let detect = match finite(&Some(raw.detect.clone()), "detect", errors) {
        Some(d) if d > 0.0 => Some(d),
        Some(d) => {
            errors.push(DeError::at(
                raw.detect.loc,
                format!(
                    "`detect` is the smallest difference to detect and must be above 0, got {d}"
                ),
            ));
            None
        }
        None => None,
    };
    let alpha = probability_or(&raw.alpha, "alpha", 0.05, errors);
    let pw = probability_or(
        &raw.power,
        "power",
        crate::stats::power::DEFAULT_POWER,
        errors,
    );
    let correlation = match &raw.correlation {
        None => Some(None),
        Some(c) => match finite(&raw.correlation, "correlation", errors) {
            Some(x) if x > -1.0 && x < 1.0 => Some(Some(x)),
            Some(x) => {
                errors.push(DeError::at(
                    c.loc,
                    format!("`correlation` must be between -1 and 1 (exclusive), got {x}"),
                ));
                None
            }
            None => None,
        },
    };
    Some(Power {
        selector: sel?,
        detect: detect?,
        alpha: alpha?,
        power: pw?,
        correlation: correlation?,
    })
}

pub(super) fn sweep(s: &Sp<RawSweep>, errors: &mut Vec<DeError>) -> Option<Sweep> {
    let raw = &s.value;
    let sel = selector(&raw.metric, errors);
    let mut ok = true;
    if raw.over.value.is_empty() {
        errors.push(DeError::at(
            raw.over.loc,
            "`over` needs at least one parameter (`gen_kwargs.temperature`, `num_fewshot`)",
        ));
        ok = false;
    }
    let mut over: Vec<(String, SweepParam)> = Vec::new();
    for p in &raw.over.value {
        let t = p.value.trim();
        match SweepParam::parse(t) {
            Some(param) if over.iter().any(|(_, q)| *q == param) => {
                errors.push(DeError::at(p.loc, format!("`{t}` is listed twice")));
                ok = false;
            }
            Some(param) => over.push((t.to_owned(), param)),
            None => {
                errors.push(DeError::at(
                    p.loc,
                    format!(
                        "unknown sweep parameter `{t}`; a parameter is `num_fewshot`, `limit`, \
                         `gen_kwargs.<key>` (lm-eval gen_kwargs, HELM adapter_spec), \
                         `model_args.<key>` or `seeds.<key>`"
                    ),
                ));
                ok = false;
            }
        }
    }
    let min_configs = count_at_least(&raw.min_configs, "min_configs", 2, 3, errors);
    let alpha = probability_or(&raw.alpha, "alpha", 0.05, errors);
    let correction = correction(&raw.correction, Correction::Holm, errors);
    let accept = accept_differences(&raw.accept_differences, errors);
    let (sel, min_configs, alpha) = (sel?, min_configs?, alpha?);
    let (correction, accept) = (correction?, accept?);
    ok.then(|| Sweep {
        selector: sel,
        over,
        min_configs,
        alpha,
        require_significant: raw.require_significant.unwrap_or(false),
        higher_is_better: raw.higher_is_better,
        correction,
        accept,
    })
}

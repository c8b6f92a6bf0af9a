//! `--format html`: one self-contained page for a release review.
//!
//! The verdict, the support-level table, then every process with every check — its status,
//! rationale, one-line result and findings — and plots where a person would rather look
//! than read: a metric against its threshold with its interval, baseline against current
//! and the difference's interval against the tolerance, reference and production
//! histograms overlaid, the trend series with its band, per-group rates, the repeats of a
//! trial with the interval of their mean, an A/B lift against its margin, offline against
//! online scores. Then the inputs with their SHA-256.
//!
//! No scripts, no network, no external files: inline CSS and inline SVG drawn by
//! [`super::svg`]. No timestamps: the same inputs give the same bytes.

use std::fmt::Write;

use super::Context;
use super::svg::{self, BLUE, GREEN, GREY, Interval, Mark, ORANGE, RED, esc};
use crate::checks::{Detail, Finding, Outcome, Status};
use crate::level::{ProcessStatus, Verdict};
use crate::num::fmt;

/// Plots drawn per check at most (a check over hundreds of metrics lists them in its table).
const MAX_PLOTS_PER_CHECK: usize = 12;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1f2328;background:#f6f8fa}\
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}\
header{padding:18px 24px;color:#fff}header.pass{background:#1a7f37}header.fail{background:#cf222e}\
header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.9}\
h2{margin:28px 0 8px;font-size:19px;border-bottom:1px solid #d0d7de;padding-bottom:4px}\
h3{margin:0 0 4px;font-size:16px}\
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 10px;font-size:13px}\
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}td.w{overflow-wrap:anywhere}\
th{background:#eef1f4}\
.check{background:#fff;border:1px solid #d0d7de;border-left:5px solid #8c959f;border-radius:6px;padding:10px 14px;margin:10px 0}\
.check.pass{border-left-color:#1a7f37}.check.fail{border-left-color:#cf222e}\
.check.missing{border-left-color:#bf8700}.check.error{border-left-color:#8250df}\
.badge{white-space:nowrap;display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;margin-left:6px}\
.b-pass{background:#1a7f37}.b-fail{background:#cf222e}.b-missing{background:#bf8700}.b-error{background:#8250df}\
.b-not-required{background:#6e7781}\
.meta{color:#57606a;font-size:12px;margin:0 0 6px}.msg{margin:4px 0 8px}\
.pips span{display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:2px;background:#d0d7de}\
.pips span.on{background:#0969da}\
figure{margin:6px 0;display:inline-block;vertical-align:top}figure svg{max-width:100%;height:auto}\
code{font-size:12px}.more{color:#57606a;font-size:12px}";

fn badge(status: &str) -> String {
    format!("<span class=\"badge b-{status}\">{status}</span>")
}

fn pips(level: u8) -> String {
    let mut s = String::from("<span class=\"pips\" aria-hidden=\"true\">");
    for k in 1..=3 {
        s.push_str(if k <= level {
            "<span class=\"on\"></span>"
        } else {
            "<span></span>"
        });
    }
    s.push_str("</span>");
    s
}

pub fn render(verdict: &Verdict, ctx: &Context<'_>) -> String {
    let pass = verdict.passed();
    let line = super::verdict_line(verdict);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>govgate — {} — {}</title><style>{STYLE}</style></head><body>\n",
        esc(&ctx.rubric.name),
        if pass { "PASS" } else { "FAIL" }
    );
    let _ = write!(
        out,
        "<header class=\"{}\"><h1>govgate: {}</h1><p>rubric <b>{}</b> ({}) · {} current run(s), \
         {} baseline run(s), {} history run(s) · exit code {}</p></header>\n<main>\n",
        if pass { "pass" } else { "fail" },
        esc(&line),
        esc(&ctx.rubric.name),
        esc(&ctx.rubric.origin.to_string()),
        ctx.evidence.current.len(),
        ctx.evidence.baseline.len(),
        ctx.evidence.history.len(),
        verdict.exit_code
    );
    out.push_str(
        "<h2>Support levels</h2>\n<table><thead><tr><th>Process</th><th>Level</th>\
         <th>Required</th><th>Status</th><th>Evidence</th></tr></thead><tbody>\n",
    );
    for p in &verdict.processes {
        let status = p.status.as_str();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#{id}\">{id}</a> {name}</td><td>{pips} {level}</td><td>{req}</td>\
             <td>{badge}</td><td>{summary}</td></tr>",
            id = p.id,
            name = esc(p.name),
            pips = pips(p.level),
            level = p.level,
            req = p.required.map_or("-".into(), |r| r.to_string()),
            badge = badge(status),
            summary = esc(&p.summary)
        );
    }
    out.push_str("</tbody></table>\n");
    for p in &verdict.processes {
        let _ = writeln!(
            out,
            "<h2 id=\"{}\">{} {} — level {} {}</h2>",
            p.id,
            p.id,
            esc(p.name),
            p.level,
            match (p.required, p.status) {
                (Some(r), ProcessStatus::Pass) => format!("(required {r}) {}", badge("pass")),
                (Some(r), _) => format!("(required {r}) {}", badge("fail")),
                (None, _) => badge("not-required"),
            }
        );
        let checks: Vec<&Outcome> = verdict
            .outcomes
            .iter()
            .filter(|o| o.process == p.id)
            .collect();
        if checks.is_empty() {
            out.push_str("<p class=\"meta\">No checks in the rubric.</p>\n");
        }
        for o in checks {
            check(&mut out, o);
        }
    }
    inputs(&mut out, ctx);
    let _ = write!(
        out,
        "<p class=\"meta\">govgate {} · rubric sha256 <code>{}</code></p>\n</main></body></html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&ctx.rubric.sha256)
    );
    out
}

fn check(out: &mut String, o: &Outcome) {
    let status = o.status.as_str();
    let _ = write!(
        out,
        "<article class=\"check {status}\"><h3>{}{}</h3><p class=\"meta\">level {} · <code>{}</code>{}</p>",
        esc(&o.id),
        badge(status),
        o.level,
        o.kind,
        if o.advisory { " · advisory" } else { "" }
    );
    if let Some(r) = &o.rationale {
        let _ = write!(out, "<p class=\"meta\">{}</p>", esc(r));
    }
    let _ = write!(out, "<p class=\"msg\">{}</p>", esc(&o.message));
    if o.findings.len() > 1 || o.findings.iter().any(|f| f.status != Status::Pass) {
        out.push_str(
            "<table><thead><tr><th>Subject</th><th>Status</th><th>Observed</th>\
             <th>Expected</th><th>Message</th></tr></thead><tbody>",
        );
        for f in &o.findings {
            let _ = write!(
                out,
                "<tr><td class=\"w\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"w\">{}</td></tr>",
                esc(&f.subject),
                badge(f.status.as_str()),
                esc(&f.observed),
                esc(&f.expected),
                esc(&f.message)
            );
        }
        out.push_str("</tbody></table>");
    }
    let plots: Vec<String> = o.findings.iter().flat_map(plots).collect();
    for svg in plots.iter().take(MAX_PLOTS_PER_CHECK) {
        let _ = write!(out, "<figure>{svg}</figure>");
    }
    if plots.len() > MAX_PLOTS_PER_CHECK {
        let _ = write!(
            out,
            "<p class=\"more\">{} more plots not drawn; the table and the JSON report have every finding.</p>",
            plots.len() - MAX_PLOTS_PER_CHECK
        );
    }
    out.push_str("</article>\n");
}

fn color_of(f: &Finding) -> &'static str {
    match f.status {
        Status::Pass => GREEN,
        Status::Fail => RED,
        _ => ORANGE,
    }
}

fn mark(label: &str, at: f64, color: &'static str) -> Mark {
    Mark {
        label: label.into(),
        at,
        color,
    }
}

fn row(label: &str, value: f64, ci: Option<(f64, f64)>, color: &'static str) -> Interval {
    Interval {
        label: label.into(),
        value,
        lo: ci.map(|c| c.0),
        hi: ci.map(|c| c.1),
        color,
    }
}

/// The plots a finding's numbers call for.
fn plots(f: &Finding) -> Vec<String> {
    let Some(detail) = &f.detail else {
        return Vec::new();
    };
    let title = &f.subject;
    let c = color_of(f);
    match detail {
        Detail::Threshold(d) => {
            let v = if d.abs { d.value.abs() } else { d.value };
            let ci = match (d.lower, d.upper, d.stderr, d.z) {
                (Some(lo), Some(hi), _, _) => Some((lo, hi)),
                (_, _, Some(se), Some(z)) => Some((v - z * se, v + z * se)),
                _ => None,
            };
            let mut marks = Vec::new();
            if let Some(m) = d.min {
                marks.push(mark("min", m, RED));
            }
            if let Some(m) = d.max {
                marks.push(mark("max", m, RED));
            }
            let label = if d.abs { "|value|" } else { "value" };
            vec![svg::intervals(title, &[row(label, v, ci, c)], &marks)]
        }
        Detail::Regression(d) => {
            let mut out = vec![svg::intervals(
                &format!("{title}: baseline and current"),
                &[
                    row("baseline", d.baseline, None, GREY),
                    row("current", d.current, None, c),
                ],
                &[],
            )];
            if let Some(t) = &d.test {
                let mut marks = vec![mark("0", 0.0, GREY)];
                if let Some(m) = d.max_drop {
                    let at = if d.higher_is_better { -m } else { m };
                    marks.push(mark("tolerated", at, RED));
                }
                out.push(svg::intervals(
                    &format!("{title}: current − baseline ({})", t.method.label()),
                    &[row("Δ", t.delta, Some((t.ci_low, t.ci_high)), c)],
                    &marks,
                ));
            }
            out
        }
        Detail::Drift(d) => {
            let bins: Vec<String> = match (&d.histogram.values, &d.histogram.edges) {
                (Some(v), _) => v.clone(),
                (None, Some(e)) => e
                    .windows(2)
                    .map(|w| format!("{}–{}", fmt(w[0]), fmt(w[1])))
                    .collect(),
                _ => Vec::new(),
            };
            if bins.is_empty() {
                return Vec::new();
            }
            vec![svg::histograms(
                &format!(
                    "{}: {} {} ({})",
                    d.field,
                    d.method,
                    fmt(d.value),
                    if d.drift { "drift" } else { "no drift" }
                ),
                &bins,
                &d.histogram.reference,
                &d.histogram.production,
            )]
        }
        Detail::Trend(d) => {
            let pts: Vec<(String, f64, bool)> = d
                .series
                .iter()
                .map(|p| {
                    let label = p
                        .date
                        .as_deref()
                        .map(|s| s.get(..10).unwrap_or(s).to_owned())
                        .unwrap_or_else(|| {
                            p.run
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        });
                    (label, p.value, p.crossed)
                })
                .collect();
            vec![svg::series(
                title,
                &pts,
                d.band.as_ref().map(|b| (b.lower, b.upper)),
            )]
        }
        Detail::Fairness(d) => {
            let rows: Vec<(String, f64, &'static str)> = d
                .groups
                .iter()
                .map(|g| {
                    (
                        format!("{} (n={})", g.group, g.n),
                        g.rate,
                        if g.excluded { GREY } else { BLUE },
                    )
                })
                .collect();
            vec![svg::bars(
                &format!("{title}: {} by group", d.rate),
                &rows,
                &[],
            )]
        }
        Detail::Trials(d) => {
            let mut rows: Vec<Interval> = d
                .runs
                .iter()
                .map(|r| {
                    let name = std::path::Path::new(&r.run)
                        .parent()
                        .and_then(|p| p.parent())
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| r.seeds.clone());
                    row(&name, r.value, None, GREY)
                })
                .collect();
            if let Some(s) = &d.spread {
                rows.push(row("mean, 95% CI", s.mean, Some((s.ci_low, s.ci_high)), c));
            }
            vec![svg::intervals(&format!("{title}: repeats"), &rows, &[])]
        }
        Detail::Power(d) => vec![svg::intervals(
            &format!("{title}: minimum detectable effect"),
            &[row("MDE", d.mde, None, c)],
            &[mark("detect", d.detect, RED)],
        )],
        Detail::Sweep(d) => {
            // one parameter: its values are the labels
            let single = d
                .settings
                .iter()
                .all(|s| s.setting.matches('=').count() == 1);
            let rows: Vec<(String, f64, &'static str)> = d
                .settings
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let label = match s.setting.split_once('=') {
                        Some((_, v)) if single => v.to_owned(),
                        _ => s.setting.clone(),
                    };
                    (label, s.score, if i == 0 { c } else { BLUE })
                })
                .collect();
            let by = match d.settings.first().and_then(|s| s.setting.split_once('=')) {
                Some((param, _)) if single => param.to_owned(),
                _ => "setting".into(),
            };
            vec![svg::bars(&format!("{title}: score by {by}"), &rows, &[])]
        }
        Detail::AbOutcome(d) => vec![svg::intervals(
            &format!(
                "{title}: lift ({})",
                if d.higher_is_better {
                    "higher is better"
                } else {
                    "lower is better"
                }
            ),
            &[row("lift", d.lift, Some((d.ci_low, d.ci_high)), c)],
            &[mark("0", 0.0, GREY), mark("−min_lift", -d.min_lift, RED)],
        )],
        Detail::Guardrail(d) => vec![svg::intervals(
            &format!("{title}: degradation of treatment"),
            &[row(
                "degradation",
                d.degradation,
                Some((d.ci_low, d.ci_high)),
                c,
            )],
            &[mark("max", d.max_degradation, RED)],
        )],
        Detail::Agreement(d) => {
            let pts: Vec<(String, f64, f64)> = d
                .models
                .iter()
                .map(|m| (m.model.clone(), m.offline, m.online))
                .collect();
            if pts.is_empty() {
                return Vec::new();
            }
            vec![svg::scatter(
                &format!("{title}: Spearman {}", d.spearman.map_or("-".into(), fmt)),
                "offline",
                "online",
                &pts,
            )]
        }
        Detail::EstimatedPerformance(d) => vec![svg::intervals(
            &format!("{title}: estimated, ± 3 sampling errors"),
            &[row(
                d.metric.name(),
                d.estimate,
                Some((d.lower, d.upper)),
                c,
            )],
            &[
                mark("floor", d.floor, RED),
                mark("reference", d.reference_realized, GREY),
            ],
        )],
        Detail::Calibration(d) => {
            let bins: Vec<(f64, f64, u64)> = d
                .reliability
                .iter()
                .map(|b| (b.confidence, b.accuracy, b.n))
                .collect();
            vec![svg::reliability(
                &format!("{title}: reliability, ECE {}", fmt(d.ece)),
                &bins,
            )]
        }
        Detail::PerturbationGap(d) => vec![svg::bars(
            &format!("{title}: under {}", d.perturbation),
            &[
                ("value".into(), d.value, BLUE),
                ("worst case".into(), d.worst, c),
            ],
            &[],
        )],
        _ => Vec::new(),
    }
}

fn inputs(out: &mut String, ctx: &Context<'_>) {
    out.push_str(
        "<h2>Inputs</h2>\n<table><thead><tr><th>Role</th><th>File</th><th>SHA-256</th></tr></thead><tbody>",
    );
    let runs = [
        ("current", &ctx.evidence.current),
        ("baseline", &ctx.evidence.baseline),
        ("history", &ctx.evidence.history),
    ];
    for (role, list) in runs {
        for r in list.iter() {
            let _ = write!(
                out,
                "<tr><td>{role}</td><td class=\"w\">{}</td><td class=\"w\"><code>{}</code></td></tr>",
                esc(&r.label()),
                esc(&r.source.sha256)
            );
        }
    }
    for (path, sha) in ctx.samples_read {
        let _ = write!(
            out,
            "<tr><td>samples</td><td class=\"w\">{}</td><td class=\"w\"><code>{}</code></td></tr>",
            esc(&path.display().to_string()),
            esc(sha)
        );
    }
    for ((role, path), f) in ctx.records_read {
        let _ = write!(
            out,
            "<tr><td>{} records</td><td class=\"w\">{} ({} records)</td><td class=\"w\"><code>{}</code></td></tr>",
            esc(role),
            esc(&path.display().to_string()),
            f.records,
            esc(&f.sha256)
        );
    }
    out.push_str("</tbody></table>\n");
}

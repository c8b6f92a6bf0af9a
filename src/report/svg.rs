//! Small, deterministic SVG charts for the HTML report, drawn as text: dot-and-whisker
//! intervals against reference lines, bars, overlaid histograms, a series with a band, a
//! scatter. No fonts are embedded (the viewer's sans-serif draws the labels), no scripts,
//! and the same data always gives the same bytes (coordinates to 0.1 px).

use crate::num::fmt;

/// Escapes text for XML (SVG and HTML).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The palette (colour-blind safe, Okabe–Ito).
pub const BLUE: &str = "#0072B2";
pub const ORANGE: &str = "#E69F00";
pub const GREEN: &str = "#009E73";
pub const RED: &str = "#D55E00";
pub const GREY: &str = "#7f7f7f";

const W: f64 = 560.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 24.0;

/// A linear scale from data to pixels.
#[derive(Debug, Clone, Copy)]
struct Scale {
    lo: f64,
    hi: f64,
    a: f64,
    b: f64,
}

impl Scale {
    /// Covers every finite value given, padded by 5% (a single value gets ±0.5 or ±5%).
    fn fit(values: impl IntoIterator<Item = f64>, a: f64, b: f64) -> Scale {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
            let pad = if lo == 0.0 { 0.5 } else { lo.abs() * 0.05 };
            (lo, hi) = (lo - pad, hi + pad);
        } else {
            let pad = (hi - lo) * 0.05;
            (lo, hi) = (lo - pad, hi + pad);
        }
        Scale { lo, hi, a, b }
    }

    fn at(&self, v: f64) -> f64 {
        let t = ((v - self.lo) / (self.hi - self.lo)).clamp(-0.02, 1.02);
        self.a + t * (self.b - self.a)
    }
}

/// A label that fits the left margin: long ones keep their end (`…perature=0.4`).
fn short(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 22 {
        s.to_owned()
    } else {
        let tail: String = chars[chars.len() - 21..].iter().collect();
        format!("…{tail}")
    }
}

fn px(v: f64) -> String {
    format!("{:.1}", v)
}

/// A chart title that fits the width; the full one is the SVG's `<title>`.
fn heading(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 84 {
        s.to_owned()
    } else {
        let head: String = chars[..83].iter().collect();
        format!("{head}…")
    }
}

fn open(height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"12\"><title>{t}</title>",
        w = px(W),
        h = px(height),
        t = esc(title)
    )
}

fn text(x: f64, y: f64, anchor: &str, fill: &str, s: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>",
        px(x),
        px(y),
        esc(s)
    )
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, extra: &str) -> String {
    format!(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{extra}/>",
        px(x1),
        px(y1),
        px(x2),
        px(y2)
    )
}

/// "Nice" tick positions over `[lo, hi]`: multiples of 1, 2, 2.5 or 5 × 10^k, about
/// `target` of them (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990), and
/// the decimals their labels need.
fn ticks(lo: f64, hi: f64, target: f64) -> (Vec<f64>, usize) {
    let range = hi - lo;
    if !(range.is_finite() && range > 0.0) {
        return (vec![lo], 4);
    }
    let raw = range / target;
    let exp = raw.log10().floor();
    let base = 10f64.powf(exp);
    let (mult, extra) = [(1.0, 0), (2.0, 0), (2.5, 1), (5.0, 0), (10.0, 0)]
        .into_iter()
        .find(|(m, _)| m * base >= raw)
        .unwrap_or((10.0, 0));
    let step = mult * base;
    let decimals = (-(step.log10().floor()) as i64 + extra).clamp(0, 12) as usize;
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let out = (first..=last).map(|k| k as f64 * step).collect();
    (out, decimals)
}

fn axis(s: &Scale, y: f64) -> String {
    let mut out = line(s.a, y, s.b, y, "#999", "");
    let (values, decimals) = ticks(s.lo, s.hi, 5.0);
    for v in values {
        let x = s.at(v);
        // `-0.00` is `0.00`
        let v = if v.abs() < 1e-12 { 0.0 } else { v };
        out.push_str(&line(x, y, x, y + 4.0, "#999", ""));
        out.push_str(&text(
            x,
            y + 16.0,
            "middle",
            "#555",
            &format!("{v:.decimals$}"),
        ));
    }
    out
}

/// A row of an interval chart: a dot at `value`, a whisker from `lo` to `hi`.
#[derive(Debug, Clone)]
pub struct Interval {
    pub label: String,
    pub value: f64,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub color: &'static str,
}

/// A vertical reference line (a threshold, a margin, zero).
#[derive(Debug, Clone)]
pub struct Mark {
    pub label: String,
    pub at: f64,
    pub color: &'static str,
}

/// Dots with whiskers on a shared axis, with reference lines.
pub fn intervals(title: &str, rows: &[Interval], marks: &[Mark]) -> String {
    let row_h = 26.0;
    let top = 24.0;
    let h = top + row_h * rows.len() as f64 + 36.0;
    let s = Scale::fit(
        rows.iter()
            .flat_map(|r| [Some(r.value), r.lo, r.hi])
            .flatten()
            .chain(marks.iter().map(|m| m.at)),
        LEFT,
        W - RIGHT,
    );
    let mut out = open(h, title);
    out.push_str(&text(8.0, 14.0, "start", "#222", &heading(title)));
    let bottom = top + row_h * rows.len() as f64;
    marks_at(&mut out, &s, marks, top, bottom);
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * (i as f64 + 0.5);
        out.push_str(&text(LEFT - 8.0, y + 4.0, "end", "#222", &short(&r.label)));
        if let (Some(lo), Some(hi)) = (r.lo, r.hi)
            && lo.is_finite()
            && hi.is_finite()
        {
            out.push_str(&line(
                s.at(lo),
                y,
                s.at(hi),
                y,
                r.color,
                " stroke-width=\"2\"",
            ));
            for v in [lo, hi] {
                out.push_str(&line(s.at(v), y - 5.0, s.at(v), y + 5.0, r.color, ""));
            }
        }
        if r.value.is_finite() {
            out.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{}\"><title>{}</title></circle>",
                px(s.at(r.value)),
                px(y),
                r.color,
                esc(&format!("{}: {}", r.label, fmt(r.value)))
            ));
        }
    }
    out.push_str(&axis(&s, bottom + 4.0));
    out.push_str("</svg>");
    out
}

/// Horizontal bars from zero, with reference lines.
pub fn bars(title: &str, rows: &[(String, f64, &'static str)], marks: &[Mark]) -> String {
    let row_h = 22.0;
    let top = 24.0;
    let h = top + row_h * rows.len() as f64 + 36.0;
    let s = Scale::fit(
        rows.iter()
            .map(|r| r.1)
            .chain(marks.iter().map(|m| m.at))
            .chain([0.0]),
        LEFT,
        W - RIGHT,
    );
    let mut out = open(h, title);
    out.push_str(&text(8.0, 14.0, "start", "#222", &heading(title)));
    let bottom = top + row_h * rows.len() as f64;
    for (i, (label, v, color)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64 + 3.0;
        out.push_str(&text(LEFT - 8.0, y + 12.0, "end", "#222", &short(label)));
        if v.is_finite() {
            let (x0, x1) = (s.at(0.0), s.at(*v));
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{color}\"><title>{}</title></rect>",
                px(x0.min(x1)),
                px(y),
                px((x1 - x0).abs().max(0.5)),
                px(row_h - 6.0),
                esc(&format!("{label}: {}", fmt(*v)))
            ));
        }
    }
    marks_at(&mut out, &s, marks, top, bottom);
    out.push_str(&axis(&s, bottom + 4.0));
    out.push_str("</svg>");
    out
}

/// Dashed vertical reference lines, their labels staggered so close ones stay legible.
fn marks_at(out: &mut String, s: &Scale, marks: &[Mark], top: f64, bottom: f64) {
    for (k, m) in marks.iter().filter(|m| m.at.is_finite()).enumerate() {
        let x = s.at(m.at);
        out.push_str(&line(
            x,
            top - 4.0,
            x,
            bottom,
            m.color,
            " stroke-dasharray=\"4 3\"",
        ));
        let anchor = if x > (s.a + s.b) / 2.0 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -3.0 } else { 3.0 };
        out.push_str(&text(
            x + dx,
            top + 6.0 + 11.0 * k as f64,
            anchor,
            m.color,
            &m.label,
        ));
    }
}

/// Two histograms on the same bins, as shares of their totals, overlaid.
pub fn histograms(title: &str, bins: &[String], reference: &[u64], current: &[u64]) -> String {
    let n = bins.len().max(1);
    let h = 200.0;
    let (top, bottom) = (30.0, h - 40.0);
    let (x0, x1) = (48.0, W - RIGHT);
    let share = |c: &[u64]| -> Vec<f64> {
        let t: u64 = c.iter().sum();
        c.iter()
            .map(|v| if t == 0 { 0.0 } else { *v as f64 / t as f64 })
            .collect()
    };
    let (r, c) = (share(reference), share(current));
    let peak = r.iter().chain(&c).fold(0.0f64, |a, b| a.max(*b)).max(1e-9);
    let bw = (x1 - x0) / n as f64;
    let mut out = open(h, title);
    out.push_str(&text(8.0, 14.0, "start", "#222", &heading(title)));
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"18\" width=\"10\" height=\"10\" fill=\"{GREY}\" fill-opacity=\"0.55\"/>",
        px(W - 230.0)
    ));
    out.push_str(&text(W - 216.0, 27.0, "start", "#222", "reference"));
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"18\" width=\"10\" height=\"10\" fill=\"{BLUE}\" fill-opacity=\"0.55\"/>",
        px(W - 140.0)
    ));
    out.push_str(&text(W - 126.0, 27.0, "start", "#222", "production"));
    for (i, label) in bins.iter().enumerate() {
        let x = x0 + bw * i as f64;
        for (vals, color) in [(&r, GREY), (&c, BLUE)] {
            let v = vals.get(i).copied().unwrap_or(0.0);
            let bh = (bottom - top) * v / peak;
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{color}\" fill-opacity=\"0.55\"><title>{}</title></rect>",
                px(x + 1.0),
                px(bottom - bh),
                px((bw - 2.0).max(0.5)),
                px(bh),
                esc(&format!("{label}: {:.1}%", v * 100.0))
            ));
        }
        // label every bin when few, else about eight of them
        let step = n.div_ceil(8).max(1);
        if i % step == 0 {
            out.push_str(&text(x + bw / 2.0, bottom + 14.0, "middle", "#555", label));
        }
    }
    out.push_str(&line(x0, bottom, x1, bottom, "#999", ""));
    out.push_str(&text(
        x0 - 6.0,
        top + 4.0,
        "end",
        "#555",
        &format!("{:.0}%", peak * 100.0),
    ));
    out.push_str("</svg>");
    out
}

/// A series of points in order, with an optional band and crossed points in red.
pub fn series(title: &str, points: &[(String, f64, bool)], band: Option<(f64, f64)>) -> String {
    let h = 200.0;
    let (top, bottom) = (28.0, h - 44.0);
    let (x0, x1) = (56.0, W - RIGHT);
    let s = Scale::fit(
        points
            .iter()
            .map(|p| p.1)
            .chain(band.into_iter().flat_map(|(a, b)| [a, b])),
        bottom,
        top,
    );
    let n = points.len().max(2) - 1;
    let xs = |i: usize| x0 + (x1 - x0) * i as f64 / n as f64;
    let mut out = open(h, title);
    out.push_str(&text(8.0, 14.0, "start", "#222", &heading(title)));
    if let Some((lo, hi)) = band {
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{GREEN}\" fill-opacity=\"0.12\"/>",
            px(x0),
            px(s.at(hi)),
            px(x1 - x0),
            px((s.at(lo) - s.at(hi)).max(0.5))
        ));
    }
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.1.is_finite())
        .map(|(i, p)| format!("{},{}", px(xs(i)), px(s.at(p.1))))
        .collect();
    out.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2\"/>",
        path.join(" ")
    ));
    for (i, (label, v, crossed)) in points.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        out.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"><title>{}</title></circle>",
            px(xs(i)),
            px(s.at(*v)),
            if *crossed { RED } else { BLUE },
            esc(&format!("{label}: {}", fmt(*v)))
        ));
        if points.len() <= 8 || i == 0 || i + 1 == points.len() {
            out.push_str(&text(xs(i), bottom + 16.0, "middle", "#555", label));
        }
    }
    for k in 0..=3 {
        let v = s.lo + (s.hi - s.lo) * f64::from(k) / 3.0;
        out.push_str(&text(x0 - 6.0, s.at(v) + 4.0, "end", "#555", &fmt(v)));
    }
    out.push_str(&line(x0, bottom, x1, bottom, "#999", ""));
    out.push_str("</svg>");
    out
}

/// Labelled points on two axes.
pub fn scatter(title: &str, x_name: &str, y_name: &str, points: &[(String, f64, f64)]) -> String {
    let h = 260.0;
    let (top, bottom) = (28.0, h - 48.0);
    let (x0, x1) = (64.0, W - RIGHT);
    let sx = Scale::fit(points.iter().map(|p| p.1), x0, x1);
    let sy = Scale::fit(points.iter().map(|p| p.2), bottom, top);
    let mut out = open(h, title);
    out.push_str(&text(8.0, 14.0, "start", "#222", &heading(title)));
    out.push_str(&line(x0, bottom, x1, bottom, "#999", ""));
    out.push_str(&line(x0, top, x0, bottom, "#999", ""));
    out.push_str(&text((x0 + x1) / 2.0, h - 12.0, "middle", "#222", x_name));
    out.push_str(&format!(
        "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" fill=\"#222\" transform=\"rotate(-90 14 {})\">{}</text>",
        px((top + bottom) / 2.0),
        px((top + bottom) / 2.0),
        esc(y_name)
    ));
    for k in 0..=3 {
        let v = sx.lo + (sx.hi - sx.lo) * f64::from(k) / 3.0;
        out.push_str(&text(sx.at(v), bottom + 14.0, "middle", "#555", &fmt(v)));
        let w = sy.lo + (sy.hi - sy.lo) * f64::from(k) / 3.0;
        out.push_str(&text(x0 - 6.0, sy.at(w) + 4.0, "end", "#555", &fmt(w)));
    }
    for (label, x, y) in points.iter().filter(|p| p.1.is_finite() && p.2.is_finite()) {
        out.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{ORANGE}\"><title>{}</title></circle>",
            px(sx.at(*x)),
            px(sy.at(*y)),
            esc(&format!("{label}: {} / {}", fmt(*x), fmt(*y)))
        ));
        let (lx, anchor) = if sx.at(*x) > (x0 + x1) / 2.0 {
            (sx.at(*x) - 8.0, "end")
        } else {
            (sx.at(*x) + 8.0, "start")
        };
        out.push_str(&text(lx, sy.at(*y) - 7.0, anchor, "#222", label));
    }
    out.push_str("</svg>");
    out
}

/// A reliability diagram: each bin's accuracy against its mean confidence on [0, 1] × [0, 1],
/// the diagonal of perfect calibration, and each bin's count in its tooltip. `bins` are
/// `(mean confidence, accuracy, count)`.
pub fn reliability(title: &str, bins: &[(f64, f64, u64)]) -> String {
    let h = 320.0;
    let (top, bottom) = (28.0, h - 48.0);
    let side = bottom - top;
    let (x0, x1) = (64.0, 64.0 + side);
    let sx = |v: f64| x0 + v.clamp(0.0, 1.0) * side;
    let sy = |v: f64| bottom - v.clamp(0.0, 1.0) * side;
    let mut out = open(h, title);
    out.push_str(&text(8.0, 14.0, "start", "#222", &heading(title)));
    out.push_str(&line(x0, bottom, x1, bottom, "#999", ""));
    out.push_str(&line(x0, top, x0, bottom, "#999", ""));
    out.push_str(&line(
        sx(0.0),
        sy(0.0),
        sx(1.0),
        sy(1.0),
        GREY,
        " stroke-dasharray=\"4 3\"",
    ));
    out.push_str(&text(
        (x0 + x1) / 2.0,
        h - 12.0,
        "middle",
        "#222",
        "confidence",
    ));
    out.push_str(&format!(
        "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" fill=\"#222\" transform=\"rotate(-90 14 {})\">accuracy</text>",
        px((top + bottom) / 2.0),
        px((top + bottom) / 2.0)
    ));
    for k in 0..=4 {
        let v = f64::from(k) / 4.0;
        out.push_str(&text(sx(v), bottom + 14.0, "middle", "#555", &fmt(v)));
        out.push_str(&text(x0 - 6.0, sy(v) + 4.0, "end", "#555", &fmt(v)));
    }
    let pts: Vec<&(f64, f64, u64)> = bins
        .iter()
        .filter(|b| b.0.is_finite() && b.1.is_finite())
        .collect();
    for w in pts.windows(2) {
        out.push_str(&line(
            sx(w[0].0),
            sy(w[0].1),
            sx(w[1].0),
            sy(w[1].1),
            BLUE,
            "",
        ));
    }
    for (conf, acc, n) in pts {
        out.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"><title>{}</title></circle>",
            px(sx(*conf)),
            px(sy(*acc)),
            if acc < conf { RED } else { BLUE },
            esc(&format!(
                "confidence {}, accuracy {}, n={n}",
                fmt(*conf),
                fmt(*acc)
            ))
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_inside_the_range() {
        let (t, d) = ticks(-0.003121, 0.06554, 5.0);
        assert_eq!(t, [0.0, 0.02, 0.04, 0.06]);
        assert_eq!(d, 2);
        let (t, d) = ticks(0.6997, 0.7437, 5.0);
        assert_eq!(d, 2);
        assert!(
            t.len() >= 3 && t.iter().all(|v| (0.6997..=0.7437).contains(v)),
            "{t:?}"
        );
        let (t, d) = ticks(0.0, 1.0, 4.0);
        assert_eq!((t.len(), d), (5, 2)); // 0, 0.25, …
        let (t, _) = ticks(3.0, 3.0, 5.0);
        assert_eq!(t, [3.0]);
        let (t, d) = ticks(0.0, 1200.0, 5.0);
        assert_eq!((t, d), (vec![0.0, 250.0, 500.0, 750.0, 1000.0], 0));
    }

    #[test]
    fn charts_are_escaped_and_survive_odd_data() {
        let s = intervals(
            "a <b> & \"c\"",
            &[Interval {
                label: "x<y".into(),
                value: f64::NAN,
                lo: Some(f64::NEG_INFINITY),
                hi: Some(1.0),
                color: BLUE,
            }],
            &[Mark {
                label: "min".into(),
                at: 0.5,
                color: RED,
            }],
        );
        assert!(s.contains("a &lt;b&gt; &amp; &quot;c&quot;"));
        assert!(s.contains("x&lt;y"));
        assert!(!s.contains("NaN") && !s.contains("inf"));
        // empty inputs still draw
        assert!(histograms("h", &[], &[], &[]).ends_with("</svg>"));
        assert!(series("s", &[], None).ends_with("</svg>"));
        assert!(scatter("p", "x", "y", &[]).ends_with("</svg>"));
        assert!(bars("b", &[], &[]).ends_with("</svg>"));
    }
}

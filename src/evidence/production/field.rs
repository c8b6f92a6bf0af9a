//! One field of one window as accumulated (numbers, categories, what was missing), and the
//! two windows' accumulations of a field turned into the samples the drift statistics take.

use std::collections::{BTreeMap, HashMap};

use super::Kind;
use crate::evidence::json::Value;
use crate::stats::drift::{Key, Sample};

/// Distinct categories a field may have before it is set aside as text or an identifier
/// (unless the rubric says it is categorical).
pub const MAX_CATEGORIES: usize = 100_000;
/// The limit for a field the rubric declares categorical.
pub const MAX_DECLARED_CATEGORIES: usize = 5_000_000;

/// FNV-1a: category keys are short and trusted to be few; SipHash's DoS resistance buys
/// nothing here and costs a tenth of the reading time.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Category counts.
pub type Counts = HashMap<String, u64, std::hash::BuildHasherDefault<Fnv>>;

/// One field of one side, as accumulated.
#[derive(Debug, Clone)]
pub struct Field {
    pub numbers: Vec<f64>,
    pub all_integers: bool,
    pub categories: Counts,
    /// Absent, null, empty, NaN or infinite.
    pub missing: u64,
    /// More distinct categories than allowed: counting stopped.
    pub overflow: bool,
    /// From a histogram document.
    pub aggregated: Option<Sample>,
}

impl Default for Field {
    /// Empty; "all integers" until a non-integer arrives.
    fn default() -> Field {
        Field {
            numbers: Vec::new(),
            all_integers: true,
            categories: Counts::default(),
            missing: 0,
            overflow: false,
            aggregated: None,
        }
    }
}

impl Field {
    pub(super) fn add_number(&mut self, x: f64, integer: bool) {
        self.numbers.push(x);
        self.all_integers &= integer;
    }

    pub(super) fn add_category(&mut self, s: &str, cap: usize) {
        if self.overflow {
            return;
        }
        if let Some(c) = self.categories.get_mut(s) {
            *c += 1;
        } else if self.categories.len() >= cap {
            self.overflow = true;
            self.categories.clear();
        } else {
            self.categories.insert(s.to_owned(), 1);
        }
    }

    pub(super) fn add_value(&mut self, v: &Value, cap: usize) {
        match v {
            Value::Int(i) => self.add_number(*i as f64, true),
            // `2.0` is a float to pandas as to numpy: only JSON integers are integers
            Value::Float(f) if f.is_finite() => self.add_number(*f, false),
            Value::Str(s) => self.add_category(s, cap),
            Value::Bool(b) => self.add_category(if *b { "1" } else { "0" }, cap),
            _ => self.missing += 1,
        }
    }

    pub(super) fn add_text(&mut self, s: &str, cap: usize) {
        let t = s.trim();
        if t.is_empty() || matches!(t, "NaN" | "nan" | "NA" | "null" | "inf" | "-inf") {
            self.missing += 1;
        } else if let Ok(i) = t.parse::<i64>() {
            self.add_number(i as f64, true);
        } else if let Ok(x) = t.parse::<f64>() {
            if x.is_finite() {
                self.add_number(x, false);
            } else {
                self.missing += 1;
            }
        } else {
            self.add_category(t, cap);
        }
    }

    /// Values present (numbers and categories, or the aggregate's total).
    pub fn present(&self) -> u64 {
        match &self.aggregated {
            Some(s) => s.len(),
            None => self.numbers.len() as u64 + self.categories.values().sum::<u64>(),
        }
    }

    pub fn has_categories(&self) -> bool {
        !self.categories.is_empty()
            || self.overflow
            || matches!(&self.aggregated, Some(s) if !s.is_numeric())
    }
}

/// The samples of one field on both sides, with its kind.
#[derive(Debug, Clone)]
pub struct Pair {
    pub kind: Kind,
    pub reference: Sample,
    pub production: Sample,
}

/// Why a field cannot be compared.
#[derive(Debug, Clone, PartialEq)]
pub enum Unusable {
    /// No value on this side ("reference" / "production").
    Absent(&'static str),
    /// More distinct categories than [`MAX_CATEGORIES`].
    TooManyCategories,
    /// The rubric says numeric, the records hold text.
    NotNumeric(u64),
}

/// Turns both sides' accumulations of a field into samples of one kind.
pub fn pair(
    reference: Option<Field>,
    production: Option<Field>,
    declared: Option<Kind>,
) -> std::result::Result<Pair, Unusable> {
    let (r, p) = match (reference, production) {
        (Some(r), Some(p)) if r.present() > 0 && p.present() > 0 => (r, p),
        (r, _) if r.as_ref().is_none_or(|r| r.present() == 0) => {
            return Err(Unusable::Absent("reference"));
        }
        _ => return Err(Unusable::Absent("production")),
    };
    if r.overflow || p.overflow {
        return Err(Unusable::TooManyCategories);
    }
    let categorical = r.has_categories() || p.has_categories();
    let kind = match declared {
        Some(Kind::Numeric) if categorical => {
            let text: u64 = r.categories.values().sum::<u64>() + p.categories.values().sum::<u64>();
            return Err(Unusable::NotNumeric(text));
        }
        Some(k) => k,
        None if categorical => Kind::Categorical,
        None => Kind::Numeric,
    };
    Ok(Pair {
        kind,
        reference: sample_of(r, kind),
        production: sample_of(p, kind),
    })
}

fn sample_of(f: Field, kind: Kind) -> Sample {
    if let Some(s) = f.aggregated {
        return match (kind, s) {
            (Kind::Categorical, Sample::Counts { keys, counts }) => Sample::Counts {
                keys: keys.iter().map(|k| Key::Text(k.label())).collect(),
                counts,
            },
            (_, s) => s,
        };
    }
    match kind {
        Kind::Numeric => {
            let mut sorted = f.numbers;
            sorted.sort_unstable_by(f64::total_cmp);
            Sample::Values {
                sorted,
                integer: f.all_integers,
            }
        }
        Kind::Categorical => {
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for (k, c) in &f.categories {
                *counts
                    .entry(crate::text::normalize_category(k))
                    .or_default() += c;
            }
            for x in &f.numbers {
                let label = Key::Num(*x).label();
                *counts.entry(label).or_default() += 1;
            }
            Sample::Counts {
                keys: counts.keys().map(|k| Key::Text(k.clone())).collect(),
                counts: counts.values().copied().collect(),
            }
        }
    }
}

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

/// A number's bits mixed by MurmurHash3's 64-bit finaliser (`fmix64`): the bits of whole
/// numbers as `f64` end in dozens of zeros, which a hash table indexing by the low bits
/// must not see; FNV's byte loop costs four times as much for the same mixing.
#[derive(Default, Clone, Copy)]
pub struct Mix64(u64);

impl std::hash::Hasher for Mix64 {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 ^= x;
    }
}

/// Category counts.
pub type Counts = HashMap<String, u64, std::hash::BuildHasherDefault<Fnv>>;

/// One value of a field as a record holds it: a finite number (and whether the record wrote
/// it as an integer), a category, or missing (absent, null, empty, NaN or infinite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Val<'a> {
    Missing,
    Num(f64, bool),
    Cat(&'a str),
}

impl<'a> Val<'a> {
    /// A JSON value: numbers as they are (`2.0` is a float to pandas as to numpy: only JSON
    /// integers are integers), text a category, booleans `1` / `0`, anything else missing.
    pub(super) fn of_json(v: &'a Value) -> Val<'a> {
        match v {
            Value::Int(i) => Val::Num(*i as f64, true),
            Value::Float(f) if f.is_finite() => Val::Num(*f, false),
            Value::Str(s) => Val::Cat(s),
            Value::Bool(b) => Val::Cat(if *b { "1" } else { "0" }),
            _ => Val::Missing,
        }
    }

    /// A CSV cell: a number where it parses as one, missing where empty, `NaN`, `NA`, `null`
    /// or infinite, else a category.
    pub(super) fn of_text(s: &'a str) -> Val<'a> {
        let t = s.trim();
        if t.is_empty() || matches!(t, "NaN" | "nan" | "NA" | "null" | "inf" | "-inf") {
            Val::Missing
        } else if let Ok(i) = t.parse::<i64>() {
            Val::Num(i as f64, true)
        } else if let Ok(x) = t.parse::<f64>() {
            if x.is_finite() {
                Val::Num(x, false)
            } else {
                Val::Missing
            }
        } else {
            Val::Cat(t)
        }
    }
}

/// Distinct values a field's numbers are counted by before they are listed one by one.
const MAX_COUNTED: usize = 1 << 12;

/// A field's numbers: counted by value while they have at most [`MAX_COUNTED`] distinct
/// values (integer fields, scores with few decimals, labels: 16 bytes a distinct value
/// instead of 8 a record), listed one by one from the first value past that. Either way
/// [`Numbers::into_sorted`] gives the same sorted sample, value for value, that listing
/// every number would: KS and Wasserstein stay exact, and memory grows with the distinct
/// values a check keeps rather than with the records read.
#[derive(Debug, Clone)]
pub struct Numbers {
    /// Each value's bits and how often it came, while counting.
    counted: HashMap<u64, u64, std::hash::BuildHasherDefault<Mix64>>,
    /// Every value, once counting stopped.
    listed: Vec<f64>,
    counting: bool,
    limit: usize,
}

impl Default for Numbers {
    fn default() -> Numbers {
        Numbers::with_limit(MAX_COUNTED)
    }
}

impl Numbers {
    /// Counting up to `limit` distinct values.
    pub fn with_limit(limit: usize) -> Numbers {
        Numbers {
            counted: HashMap::default(),
            listed: Vec::new(),
            counting: true,
            limit,
        }
    }

    pub fn push(&mut self, x: f64) {
        if !self.counting {
            self.listed.push(x);
            return;
        }
        if let Some(c) = self.counted.get_mut(&x.to_bits()) {
            *c += 1;
        } else if self.counted.len() < self.limit {
            self.counted.insert(x.to_bits(), 1);
        } else {
            // past the limit: every value listed from here on
            self.counting = false;
            let n = self.counted.values().sum::<u64>() as usize;
            let mut listed = Vec::with_capacity(n.saturating_mul(2));
            for (bits, c) in std::mem::take(&mut self.counted) {
                listed.extend(std::iter::repeat_n(f64::from_bits(bits), c as usize));
            }
            listed.push(x);
            self.listed = listed;
        }
    }

    /// How many numbers came.
    pub fn len(&self) -> u64 {
        if self.counting {
            self.counted.values().sum()
        } else {
            self.listed.len() as u64
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counted.is_empty() && self.listed.is_empty()
    }

    /// Sorts the listed values (on the reading thread, so that the later sort finds them in
    /// order); counted values are sorted when they are expanded.
    pub(super) fn sort(&mut self) {
        self.listed.sort_unstable_by(f64::total_cmp);
    }

    /// Each value with its count (a listed value once per record), in no particular order.
    pub fn counts(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        // one of the two is empty
        let counted = self.counted.iter().map(|(b, c)| (f64::from_bits(*b), *c));
        counted.chain(self.listed.iter().map(|x| (*x, 1)))
    }

    /// Every number, in `f64::total_cmp` order.
    pub fn into_sorted(self) -> Vec<f64> {
        if !self.counting {
            let mut v = self.listed;
            v.sort_unstable_by(f64::total_cmp);
            return v;
        }
        let mut distinct: Vec<(f64, u64)> = self
            .counted
            .iter()
            .map(|(b, c)| (f64::from_bits(*b), *c))
            .collect();
        distinct.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let n = distinct.iter().map(|(_, c)| *c).sum::<u64>() as usize;
        let mut v = Vec::with_capacity(n);
        for (x, c) in distinct {
            v.extend(std::iter::repeat_n(x, c as usize));
        }
        v
    }
}

/// One field of one side, as accumulated.
#[derive(Debug, Clone)]
pub struct Field {
    pub numbers: Numbers,
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
            numbers: Numbers::default(),
            all_integers: true,
            categories: Counts::default(),
            missing: 0,
            overflow: false,
            aggregated: None,
        }
    }
}

impl Field {
    fn add_number(&mut self, x: f64, integer: bool) {
        self.numbers.push(x);
        self.all_integers &= integer;
    }

    fn add_category(&mut self, s: &str, cap: usize) {
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

    /// Adds one value as a record gives it.
    pub(super) fn add(&mut self, v: Val<'_>, cap: usize) {
        match v {
            Val::Missing => self.missing += 1,
            Val::Num(x, integer) => self.add_number(x, integer),
            Val::Cat(s) => self.add_category(s, cap),
        }
    }

    /// Values present (numbers and categories, or the aggregate's total).
    pub fn present(&self) -> u64 {
        match &self.aggregated {
            Some(s) => s.len(),
            None => self.numbers.len() + self.categories.values().sum::<u64>(),
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
        Kind::Numeric => Sample::Values {
            sorted: f.numbers.into_sorted(),
            integer: f.all_integers,
        },
        Kind::Categorical => {
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for (k, c) in &f.categories {
                *counts
                    .entry(crate::text::normalize_category(k))
                    .or_default() += c;
            }
            for (x, c) in f.numbers.counts() {
                *counts.entry(Key::Num(x).label()).or_default() += c;
            }
            Sample::Counts {
                keys: counts.keys().map(|k| Key::Text(k.clone())).collect(),
                counts: counts.values().copied().collect(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-5i64..5).prop_map(|i| i as f64),
            Just(0.0),
            Just(-0.0),
            any::<f64>().prop_filter("finite", |x| x.is_finite()),
        ]
    }

    proptest! {
        /// Counted or listed, the sample is every pushed value in `total_cmp` order (the
        /// expected side is a plain sort of what was pushed, not this code), and the count
        /// and per-value counts agree with it.
        #[test]
        fn numbers_give_every_value_sorted(
            xs in proptest::collection::vec(value(), 0..300),
            limit in 1usize..40,
        ) {
            let mut n = Numbers::with_limit(limit);
            for x in &xs {
                n.push(*x);
            }
            let mut expected = xs.clone();
            expected.sort_by(f64::total_cmp);
            prop_assert_eq!(n.len(), xs.len() as u64);
            prop_assert_eq!(n.is_empty(), xs.is_empty());
            let mut from_counts: Vec<f64> = n
                .counts()
                .flat_map(|(x, c)| std::iter::repeat_n(x, c as usize))
                .collect();
            from_counts.sort_by(f64::total_cmp);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&from_counts), bits(&expected));
            n.sort();
            prop_assert_eq!(bits(&n.into_sorted()), bits(&expected));
        }
    }

    #[test]
    fn numbers_stop_counting_past_the_limit() {
        let mut n = Numbers::with_limit(2);
        for x in [3.0, 1.0, 3.0, 1.0] {
            n.push(x);
        }
        assert!(n.counting);
        assert_eq!(n.counted.len(), 2);
        n.push(2.0);
        assert!(!n.counting);
        assert!(n.counted.is_empty());
        assert_eq!(n.listed.len(), 5);
        n.push(1.0);
        assert_eq!(n.into_sorted(), vec![1.0, 1.0, 1.0, 2.0, 3.0, 3.0]);
    }
}

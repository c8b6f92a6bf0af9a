//! A `last:` window read in one pass: the records that may still fall inside kept until the
//! newest timestamp is known (see [`LastWindow`]).

use std::collections::HashMap;

use super::field::{Fnv, Val};
use super::{Paths, Rec, Request, Side, named_values};

/// What a `last:` window may keep of its records while reading (9 bytes a value, 8 a
/// timestamp, the categories' text; a million records of six fields take 62 MB, up to twice
/// that as vectors grow): past it, the window is read a second time.
pub(super) const LAST_WINDOW_BUDGET: usize = 128 << 20;

/// A `last:` window read in one pass. Its start (the newest timestamp less its length) is
/// known only at the end, so the named fields' values of every record that may still fall
/// inside are kept, compactly (categories as numbers), and records that fall behind the
/// newest timestamp so far by more than the length are dropped as the reading goes on; at
/// the end the records inside are added in their order, exactly as a second pass with the
/// bounds known would add them. Memory is what the window holds, up to `budget`; past it
/// only the newest timestamp is followed and the caller reads again.
pub(super) struct LastWindow {
    secs: f64,
    fields: usize,
    newest: Option<f64>,
    times: Vec<f64>,
    /// `fields` values per kept record.
    cells: Vec<Cell>,
    /// Beside each cell: its number was written as an integer.
    integers: Vec<bool>,
    categories: Vec<String>,
    ids: HashMap<String, u32, std::hash::BuildHasherDefault<Fnv>>,
    /// Bytes of category text kept.
    text: usize,
    /// Records kept after the last compaction.
    live: usize,
    budget: usize,
    over: bool,
}

/// A kept value in 8 bytes: a number as its bits (numbers kept are finite, so no NaN is one),
/// missing and categories (their number in [`LastWindow::categories`]) as two families of
/// NaN payloads. Whether a number was written as an integer is kept beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell(u64);

impl Cell {
    const MISSING: Cell = Cell(0x7ff8_0000_0000_0001);
    const CATEGORY: u64 = 0x7ff9_0000_0000_0000;

    fn number(x: f64) -> Cell {
        Cell(x.to_bits())
    }

    fn category(id: u32) -> Cell {
        Cell(Cell::CATEGORY | u64::from(id))
    }

    fn val(self, integer: bool, categories: &[String]) -> Val<'_> {
        if self == Cell::MISSING {
            Val::Missing
        } else if self.0 & 0xffff_ffff_0000_0000 == Cell::CATEGORY {
            Val::Cat(&categories[(self.0 & 0xffff_ffff) as usize])
        } else {
            Val::Num(f64::from_bits(self.0), integer)
        }
    }
}

impl LastWindow {
    pub(super) fn new(secs: f64, fields: usize, budget: usize) -> LastWindow {
        LastWindow {
            secs,
            fields,
            newest: None,
            times: Vec::new(),
            cells: Vec::new(),
            integers: Vec::new(),
            categories: Vec::new(),
            ids: HashMap::default(),
            text: 0,
            live: 0,
            budget,
            over: false,
        }
    }

    /// A record with timestamp `t`.
    pub(super) fn offer(&mut self, t: f64, rec: &Rec<'_>, req: &Request, paths: &Paths<'_>) {
        if self.newest.is_some_and(|n| t < n - self.secs) {
            return;
        }
        self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
        if self.over {
            return;
        }
        self.times.push(t);
        let (cells, integers, categories, ids, text) = (
            &mut self.cells,
            &mut self.integers,
            &mut self.categories,
            &mut self.ids,
            &mut self.text,
        );
        named_values(rec, req, paths, &mut |_, v| {
            integers.push(matches!(v, Val::Num(_, true)));
            cells.push(match v {
                Val::Missing => Cell::MISSING,
                Val::Num(x, _) => Cell::number(x),
                Val::Cat(s) => Cell::category(match ids.get(s) {
                    Some(id) => *id,
                    None => {
                        let id = u32::try_from(categories.len()).unwrap_or(u32::MAX);
                        categories.push(s.to_owned());
                        ids.insert(s.to_owned(), id);
                        *text += 2 * s.len() + 64;
                        id
                    }
                }),
            });
        });
        if self.times.len() >= 2 * self.live.max(4096) {
            self.compact();
        }
        let bytes = self.times.capacity() * 8
            + self.cells.capacity() * std::mem::size_of::<Cell>()
            + self.integers.capacity()
            + self.text;
        if bytes > self.budget {
            self.over = true;
            self.times = Vec::new();
            self.cells = Vec::new();
            self.integers = Vec::new();
            self.categories = Vec::new();
            self.ids = HashMap::default();
        }
    }

    /// Drops the records already behind the window.
    fn compact(&mut self) {
        let Some(n) = self.newest else { return };
        let start = n - self.secs;
        let mut kept = 0;
        for r in 0..self.times.len() {
            if self.times[r] >= start {
                self.times[kept] = self.times[r];
                let (from, to) = (r * self.fields, kept * self.fields);
                self.cells.copy_within(from..from + self.fields, to);
                self.integers.copy_within(from..from + self.fields, to);
                kept += 1;
            }
        }
        self.times.truncate(kept);
        self.cells.truncate(kept * self.fields);
        self.integers.truncate(kept * self.fields);
        self.live = kept;
    }

    /// The window's bounds: from the newest timestamp less the length (no timestamp: none).
    pub(super) fn bounds(&self) -> (Option<f64>, Option<f64>) {
        (self.newest.map(|n| n - self.secs), None)
    }

    /// Adds the records inside the window to `side` and gives the bounds; `None` when the
    /// records were too many to keep (read again with [`LastWindow::bounds`]).
    pub(super) fn finish(
        &self,
        side: &mut Side,
        paths: &Paths<'_>,
    ) -> Option<(Option<f64>, Option<f64>)> {
        if self.over {
            return None;
        }
        let bounds = self.bounds();
        let start = bounds.0.unwrap_or(f64::NEG_INFINITY);
        for (r, t) in self.times.iter().enumerate() {
            if *t < start {
                continue;
            }
            side.used += 1;
            side.newest = Some(side.newest.map_or(*t, |n| n.max(*t)));
            let at = r * self.fields;
            for i in 0..self.fields {
                let v = self.cells[at + i].val(self.integers[at + i], &self.categories);
                side.named[i].add(v, paths.caps[i]);
            }
        }
        Some(bounds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::json::{Object, Value};
    use crate::evidence::production::Field;

    /// Records behind the newest timestamp by more than the window are dropped while
    /// reading: what is kept stays near the window's size, not the file's.
    #[test]
    fn a_last_window_keeps_only_what_may_fall_inside() {
        let req = Request::of_fields(&["x".to_owned()]);
        let paths = Paths::new(&req);
        let mut last = LastWindow::new(100.0, 1, LAST_WINDOW_BUDGET);
        let rec = Object(vec![("x".to_owned(), Value::Int(1))]);
        for t in 0..100_000 {
            last.offer(f64::from(t), &Rec::Json(&rec), &req, &paths);
        }
        // the window holds 101 records; compaction runs when the kept records double
        assert!(last.times.len() <= 2 * 4096, "{}", last.times.len());
        let mut side = Side {
            named: vec![Field::default()],
            ..Side::default()
        };
        assert_eq!(last.finish(&mut side, &paths), Some((Some(99_899.0), None)));
        assert_eq!((side.used, side.named[0].numbers.len()), (101, 101));
        // past the budget nothing is kept: the caller reads again
        let mut small = LastWindow::new(1e9, 1, 1 << 10);
        for t in 0..1_000 {
            small.offer(f64::from(t), &Rec::Json(&rec), &req, &paths);
        }
        assert!(small.over && small.times.is_empty());
        assert_eq!(small.finish(&mut side, &paths), None);
        assert_eq!(small.bounds(), (Some(999.0 - 1e9), None));
    }
}

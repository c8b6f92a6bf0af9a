//! Histogram binning as numpy does it, for the binned drift methods.
//!
//! * [`sturges_edges`] is `numpy.histogram_bin_edges(x, bins="sturges")`: width
//!   `ptp(x) / (log2(n) + 1)` (at least 1 for integer data), `ceil(range / width)` equal
//!   bins (1 when the data are constant, whose range is widened to `[v − 0.5, v + 0.5]`),
//!   edges by `numpy.linspace` (`i·step + first`, the last edge exactly `last`).
//! * [`histogram`] is `numpy.histogram(x, bins=edges)` with explicit edges: bin `i` counts
//!   `edges[i] <= x < edges[i+1]`, the last bin also `x == edges[-1]`; values outside the
//!   edges are not counted.
//!
//! Reference values: numpy 2.4 through `scripts/reference/s7p3_reference.py`.

/// Sturges bin edges over data with minimum `min`, maximum `max` and `n` values; `integer`
/// when the data are integers (numpy widens a width below 1 to 1 for integer dtypes).
pub fn sturges_edges(min: f64, max: f64, n: usize, integer: bool) -> Vec<f64> {
    let ptp = max - min;
    let (mut first, mut last) = (min, max);
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
    let mut width = ptp / ((n as f64).log2() + 1.0);
    let bins = if width != 0.0 && width.is_finite() {
        if integer && width < 1.0 {
            width = 1.0;
        }
        ((last - first) / width).ceil() as usize
    } else {
        1
    };
    linspace(first, last, bins + 1)
}

/// `numpy.linspace(start, stop, num)` with `endpoint=True`.
pub fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 0 {
        return Vec::new();
    }
    if num == 1 {
        return vec![start];
    }
    let div = (num - 1) as f64;
    let delta = stop - start;
    let step = delta / div;
    let mut out: Vec<f64> = (0..num)
        .map(|i| {
            let y = if step == 0.0 {
                (i as f64 / div) * delta
            } else {
                i as f64 * step
            };
            y + start
        })
        .collect();
    out[num - 1] = stop;
    out
}

/// Counts of **sorted** `values` in the bins of `edges` (numpy semantics, see the module).
pub fn histogram(sorted: &[f64], edges: &[f64]) -> Vec<u64> {
    if edges.len() < 2 {
        return Vec::new();
    }
    // cumulative counts: searchsorted(left) for every edge but the last, right for the last
    let k = edges.len();
    let mut cum: Vec<u64> = edges[..k - 1]
        .iter()
        .map(|e| sorted.partition_point(|x| x < e) as u64)
        .collect();
    cum.push(sorted.partition_point(|x| *x <= edges[k - 1]) as u64);
    cum.windows(2).map(|w| w[1] - w[0]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_data_get_one_bin_around_the_value() {
        assert_eq!(sturges_edges(3.0, 3.0, 7, false), vec![2.5, 3.5]);
        assert_eq!(histogram(&[3.0, 3.0], &[2.5, 3.5]), vec![2]);
    }

    #[test]
    fn the_last_bin_is_closed_and_outsiders_are_dropped() {
        let edges = [0.0, 1.0, 2.0];
        assert_eq!(
            histogram(&[-1.0, 0.0, 0.5, 1.0, 2.0, 2.5], &edges),
            vec![2, 2]
        );
    }

    #[test]
    fn integer_widths_are_at_least_one() {
        // numpy.histogram_bin_edges(np.array([0, 1, 2, 3]), bins="sturges") -> [0, 1, 2, 3]
        assert_eq!(sturges_edges(0.0, 3.0, 4, true), vec![0.0, 1.0, 2.0, 3.0]);
        // as floats: width 3/3 = 1 too; with 8 values width 0.75 -> 4 bins
        assert_eq!(sturges_edges(0.0, 3.0, 8, false).len(), 5);
        assert_eq!(sturges_edges(0.0, 3.0, 8, true).len(), 4);
    }
}

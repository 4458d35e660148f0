//! Sorting for the whole engine through one copy of the standard library's sort.
//!
//! `slice::sort_by` is generic over the element and the comparison, so every call site gets its
//! own copy of the sorting algorithm: 3 to 7 KB of WebAssembly each, about 70 KB over the engine
//! (a sixth of what the browser build spends on its own code). [`sort_by`] sorts positions
//! (`usize`) with a comparison behind `dyn`, which the compiler instantiates once, and then moves
//! the elements into that order; per call site only that small move remains. Ties keep their
//! order (stable), as with `slice::sort_by`. The cost is an indirect call per comparison, which
//! does not show in the benchmarks: the engine sorts short lists.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stable, like `items.sort_by(compare)`.
///
/// ```
/// let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd')];
/// rules_core::sort::sort_by(&mut v, |x, y| x.0.cmp(&y.0));
/// assert_eq!(v, [(0, 'd'), (1, 'b'), (2, 'a'), (2, 'c')]);
/// ```
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items = &*items;
        sorted_positions(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    permute(items, &order);
}

/// Sorts `items` by a key, stable, like `items.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, like `items.sort()`.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Positions `0..len` in the order `compare` gives them, ties by position.
#[inline(never)]
fn sorted_positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
    order
}

/// Rearranges `items` so that position `k` holds what was at `order[k]`: each cycle of the
/// permutation is followed once, carrying its first element along by swaps.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        let mut k = start;
        while !done[k] {
            done[k] = true;
            let from = order[k];
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same result as the standard library's stable sort, ties included.
        #[test]
        fn same_as_the_standard_sort(v in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            let mut got = v;
            sort_by_key(&mut got, |p| p.0);
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn floats_by_total_order() {
        let mut v = vec![2.5, -0.0, f64::INFINITY, -3.0, 0.0];
        sort_by(&mut v, f64::total_cmp);
        assert_eq!(format!("{v:?}"), "[-3.0, -0.0, 0.0, 2.5, inf]");
        let mut words = vec!["peer", "appel", "kers"];
        sort(&mut words);
        assert_eq!(words, ["appel", "kers", "peer"]);
    }
}

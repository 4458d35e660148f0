//! W003 for FIRST tables: rules that can never apply because one earlier rule takes all their
//! cases, found at every table size.
//!
//! Comparing every rule with every earlier one is quadratic (0.25 s at 2,000 rules). Instead the
//! rules are indexed column by column as they are passed, and each rule is compared only with the
//! earlier rules that contain it in its most selective column: per option of a choice column the
//! rules that accept it, per numeric column the rules whose range encloses its range (a segment
//! tree over the ranges sorted by their lower end, searched for upper ends that reach far enough).
//! Rules that accept everything in a column are candidates in that column always. A table keyed
//! by a column compares each rule with a handful of others: near O(n log n). Identical rules are
//! one group and one warning.

use super::{row_order, Interval, Set, Table, Universe};
use crate::diagnostics::Diagnostic;

/// Whether earlier row `e` takes every case of row `m` (an unknown cell is taken only by a cell
/// that accepts everything).
fn covers(e: &[Option<Set>], m: &[Option<Set>], universes: &[Option<Universe>]) -> bool {
    m.iter().zip(e).zip(universes).all(|((mine, earlier), u)| match (mine, earlier, u) {
        (Some(m), Some(e), Some(u)) => m.subset_of(e, u),
        (_, Some(e), Some(u)) => e.complement(u).is_empty(),
        _ => false,
    })
}

/// The smallest interval holding every non-empty part of a numeric set.
fn hull(parts: &[Interval]) -> Option<(f64, f64)> {
    let mut parts = parts.iter().filter(|p| !p.is_empty()).peekable();
    parts.peek()?;
    Some(parts.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| (lo.min(p.lo), hi.max(p.hi))))
}

/// Ranges by their lower end, searched for the ones that enclose a range: a max-tree over upper
/// ends in the order of the lower ends; a range is in it once inserted.
struct Ranges {
    /// Lower ends, ascending, and the row at each position.
    lows: Vec<f64>,
    rows: Vec<usize>,
    /// Position of each row (usize::MAX for rows without a range here).
    position: Vec<usize>,
    /// Upper ends; leaves at `size + position`, each inner node the max of its two children.
    tree: Vec<f64>,
    size: usize,
}

impl Ranges {
    fn new(ranges: &[(usize, f64, f64)], rows: usize) -> Ranges {
        let mut sorted: Vec<(usize, f64, f64)> = ranges.to_vec();
        crate::sort::sort_by(&mut sorted, |a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let size = sorted.len().next_power_of_two();
        let mut position = vec![usize::MAX; rows];
        for (p, &(row, _, _)) in sorted.iter().enumerate() {
            position[row] = p;
        }
        Ranges {
            lows: sorted.iter().map(|r| r.1).collect(),
            rows: sorted.iter().map(|r| r.0).collect(),
            position,
            tree: vec![f64::NEG_INFINITY; 2 * size],
            size,
        }
    }

    fn insert(&mut self, row: usize, hi: f64) {
        let Some(&p) = self.position.get(row).filter(|&&p| p != usize::MAX) else { return };
        let mut node = self.size + p;
        self.tree[node] = hi;
        while node > 1 {
            node /= 2;
            self.tree[node] = self.tree[2 * node].max(self.tree[2 * node + 1]);
        }
    }

    /// Rows inserted so far whose range encloses `lo..hi` (low end <= lo, high end >= hi), into
    /// `out`; false (and `out` incomplete) when there are more than `limit`.
    fn enclosing(&self, lo: f64, hi: f64, limit: usize, out: &mut Vec<usize>) -> bool {
        let end = self.lows.partition_point(|&l| l <= lo);
        let mut stack = vec![(1usize, 0usize, self.size)];
        while let Some((node, from, to)) = stack.pop() {
            if from >= end || self.tree[node] < hi {
                continue;
            }
            if to - from == 1 {
                out.push(self.rows[from]);
                if out.len() > limit {
                    return false;
                }
                continue;
            }
            let mid = (from + to) / 2;
            stack.push((2 * node + 1, mid, to));
            stack.push((2 * node, from, mid));
        }
        true
    }
}

/// The index of one column over the rows passed so far.
enum Column {
    /// Per option, the rows accepting it (and not every option).
    Options(Vec<Vec<usize>>),
    Ranges(Ranges),
}

pub(super) fn shadowed_rows(
    t: &Table,
    rows: &[Vec<Option<Set>>],
    universes: &[Option<Universe>],
    out: &mut Vec<Diagnostic>,
) {
    // A column we cannot reason about may always hold: no rule is certain to be taken.
    let Some(universes_known) = universes.iter().map(Option::as_ref).collect::<Option<Vec<&Universe>>>() else {
        return;
    };
    // Identical rules with every cell known: the first stands for its group.
    let known = |j: usize| rows[j].iter().all(Option::is_some);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| {
        known(b).cmp(&known(a)).then_with(|| row_order(&rows[a], &rows[b])).then(a.cmp(&b))
    });
    let mut copies: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    for group in order.chunk_by(|&a, &b| known(a) && known(b) && row_order(&rows[a], &rows[b]).is_eq()) {
        if let [first, rest @ ..] = group {
            copies[*first] = rest.to_vec();
        }
    }
    let is_copy: Vec<bool> = {
        let mut v = vec![false; rows.len()];
        copies.iter().flatten().for_each(|&j| v[j] = true);
        v
    };

    // Per column: rows that accept everything there, and the index of the others.
    let full = |j: usize, c: usize| rows[j][c].as_ref().is_some_and(|s| s.complement(universes_known[c]).is_empty());
    let mut everything: Vec<Vec<usize>> = vec![Vec::new(); universes.len()];
    let mut columns: Vec<Column> = universes_known
        .iter()
        .enumerate()
        .map(|(c, u)| match u {
            Universe::Finite(values) => Column::Options(vec![Vec::new(); values.len()]),
            Universe::Num(..) => {
                let ranges: Vec<(usize, f64, f64)> = (0..rows.len())
                    .filter(|&j| !is_copy[j] && !full(j, c))
                    .filter_map(|j| match &rows[j][c] {
                        Some(Set::Num(parts)) => hull(parts).map(|(lo, hi)| (j, lo, hi)),
                        _ => None,
                    })
                    .collect();
                Column::Ranges(Ranges::new(&ranges, rows.len()))
            }
        })
        .collect();
    let mut passed: Vec<usize> = Vec::new();

    let mut candidates = Vec::new();
    for j in 0..rows.len() {
        if is_copy[j] {
            continue;
        }
        candidates.clear();
        find_candidates(&rows[j], &columns, &everything, &passed, &mut candidates);
        crate::sort::sort(&mut candidates);
        candidates.dedup();
        let winner = candidates.iter().copied().find(|&i| covers(&rows[i], &rows[j], universes));
        let group: Vec<usize> = std::iter::once(j).chain(copies[j].iter().copied()).collect();
        match winner {
            Some(i) => report(t, &group, i, out),
            None if group.len() > 1 => report(t, &group[1..], j, out),
            None => {}
        }
        // A rule with an unknown cell takes no other rule's cases for certain.
        if !known(j) {
            continue;
        }
        passed.push(j);
        for (c, column) in columns.iter_mut().enumerate() {
            if full(j, c) {
                everything[c].push(j);
                continue;
            }
            match (column, &rows[j][c]) {
                (Column::Options(lists), Some(Set::Finite(members))) => {
                    for &m in members {
                        if let Some(list) = lists.get_mut(m) {
                            list.push(j);
                        }
                    }
                }
                (Column::Ranges(ranges), Some(Set::Num(parts))) => {
                    if let Some((_, hi)) = hull(parts) {
                        ranges.insert(j, hi);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The earlier rows that may take every case of `row`: those of its most selective column.
fn find_candidates(
    row: &[Option<Set>],
    columns: &[Column],
    everything: &[Vec<usize>],
    passed: &[usize],
    out: &mut Vec<usize>,
) {
    // The smallest list among the option columns (and unknown cells: only `-` takes those).
    let mut best: Option<(&[usize], &[usize])> = None;
    let mut best_len = usize::MAX;
    let mut ranges: Vec<(&Ranges, f64, f64, &[usize])> = Vec::new();
    for ((cell, column), all) in row.iter().zip(columns).zip(everything) {
        let all = all.as_slice();
        let list: &[usize] = match (cell, column) {
            (None, _) => &[][..],
            (Some(Set::Finite(members)), Column::Options(lists)) => {
                match members.iter().filter_map(|&m| lists.get(m)).min_by_key(|l| l.len()) {
                    Some(l) => l.as_slice(),
                    None => continue,
                }
            }
            (Some(Set::Num(parts)), Column::Ranges(r)) => {
                if let Some((lo, hi)) = hull(parts) {
                    ranges.push((r, lo, hi, all));
                }
                continue;
            }
            _ => continue,
        };
        if list.len() + all.len() < best_len {
            best_len = list.len() + all.len();
            best = Some((list, all));
        }
    }
    // Range columns: searched with a growing limit, so that an unselective one costs little.
    let mut found = Vec::new();
    let mut limit = 8usize;
    'deepen: while !ranges.is_empty() {
        for &(r, lo, hi, all) in &ranges {
            found.clear();
            if all.len() < best_len && r.enclosing(lo, hi, limit.min(best_len - all.len()), &mut found) {
                let len = found.len() + all.len();
                if len < best_len {
                    best_len = len;
                    out.clear();
                    out.extend_from_slice(&found);
                    out.extend_from_slice(all);
                    best = None;
                }
            }
        }
        if best_len <= limit || limit >= passed.len() {
            break 'deepen;
        }
        limit = limit.saturating_mul(4);
    }
    match best {
        Some((list, all)) => {
            out.clear();
            out.extend_from_slice(list);
            out.extend_from_slice(all);
        }
        // No column narrows it down (every cell empty, say): all rows passed.
        None if best_len == usize::MAX => out.extend_from_slice(passed),
        None => {}
    }
}

/// One W003 for `group` (rule numbers from 0), all taken by rule `winner`.
fn report(t: &Table, group: &[usize], winner: usize, out: &mut Vec<Diagnostic>) {
    let Some(&first) = group.first() else { return };
    let message = if group.len() == 1 {
        format!("rule {} can never apply: rule {} comes first and takes all its cases", first + 1, winner + 1)
    } else {
        let numbers: Vec<String> = group.iter().take(8).map(|j| (j + 1).to_string()).collect();
        let more = if group.len() > 8 { format!(" and {} more", group.len() - 8) } else { String::new() };
        format!(
            "rules {}{more} can never apply: rule {} comes first and takes all their cases",
            numbers.join(", "),
            winner + 1
        )
    };
    out.push(
        Diagnostic::warning("W003", t.rows[first].span, message).with_other(t.rows[winner].span, "this rule wins"),
    );
}

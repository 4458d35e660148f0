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
//! one group and one warning. W006 finds the permit rules that meet a `NeemContactOp` rule through
//! the same index.

use super::{conclusion_of, row_order, CellTest, Conclusion, Interval, Set, Table, Universe};
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

/// The index of one column.
enum Column {
    /// Per option, the rows accepting it (and not every option).
    Options(Vec<Vec<usize>>),
    Ranges(Ranges),
}

/// Rows indexed column by column, to find the rows that may contain a row (W003) or meet it
/// (W006) without comparing it with all of them. Rows are inserted one by one.
struct RowIndex<'a> {
    rows: &'a [Vec<Option<Set>>],
    universes: &'a [&'a Universe],
    columns: Vec<Column>,
    /// Per column, the rows that accept everything there (or whose cell is not a constant test:
    /// such a cell excludes nothing).
    everything: Vec<Vec<usize>>,
    inserted: Vec<usize>,
}

impl<'a> RowIndex<'a> {
    /// An index for the rows `members` (each may be inserted later).
    fn new(rows: &'a [Vec<Option<Set>>], universes: &'a [&'a Universe], members: &[usize]) -> RowIndex<'a> {
        let mut index = RowIndex {
            rows,
            universes,
            columns: Vec::new(),
            everything: vec![Vec::new(); universes.len()],
            inserted: Vec::new(),
        };
        index.columns = universes
            .iter()
            .enumerate()
            .map(|(c, u)| match u {
                Universe::Finite(values) => Column::Options(vec![Vec::new(); values.len()]),
                Universe::Num(..) => {
                    let ranges: Vec<(usize, f64, f64)> = members
                        .iter()
                        .filter(|&&j| !index.full(j, c))
                        .filter_map(|&j| match &rows[j][c] {
                            Some(Set::Num(parts)) => hull(parts).map(|(lo, hi)| (j, lo, hi)),
                            _ => None,
                        })
                        .collect();
                    Column::Ranges(Ranges::new(&ranges, rows.len()))
                }
            })
            .collect();
        index
    }

    /// Row `j` accepts everything in column `c` (or tests something not constant there).
    fn full(&self, j: usize, c: usize) -> bool {
        self.rows[j][c].as_ref().is_none_or(|s| s.complement(self.universes[c]).is_empty())
    }

    fn insert(&mut self, j: usize) {
        self.inserted.push(j);
        for c in 0..self.columns.len() {
            if self.full(j, c) {
                self.everything[c].push(j);
                continue;
            }
            match (&mut self.columns[c], &self.rows[j][c]) {
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

    /// The inserted rows that may contain `row` (`meet` false: each of its cells within theirs)
    /// or meet it (`meet` true: their cells share a value in every column), from the most
    /// selective column; more rows than that, never fewer. Unsorted, possibly repeated.
    fn candidates(&self, row: &[Option<Set>], meet: bool, out: &mut Vec<usize>) {
        out.clear();
        // The smallest set of lists among the option columns (and, for containment, unknown
        // cells: only rows accepting everything contain those).
        let mut best: Option<(Vec<&[usize]>, &[usize])> = None;
        let mut best_len = usize::MAX;
        let mut ranges: Vec<(&Ranges, f64, f64, &[usize])> = Vec::new();
        for ((cell, column), all) in row.iter().zip(&self.columns).zip(&self.everything) {
            let all = all.as_slice();
            let lists: Vec<&[usize]> = match (cell, column) {
                (None, _) if meet => continue,
                (None, _) => Vec::new(),
                (Some(Set::Finite(members)), Column::Options(lists)) => {
                    let of = members.iter().filter_map(|&m| lists.get(m).map(Vec::as_slice));
                    if meet {
                        of.collect()
                    } else {
                        // Containing rows accept each of the options: the shortest list holds them.
                        match of.min_by_key(|l| l.len()) {
                            Some(l) => vec![l],
                            None => continue,
                        }
                    }
                }
                (Some(Set::Num(parts)), Column::Ranges(r)) => {
                    if let Some((lo, hi)) = hull(parts) {
                        // Containing: low end <= lo and high end >= hi; meeting: low <= hi, high >= lo.
                        let (a, b) = if meet { (hi, lo) } else { (lo, hi) };
                        ranges.push((r, a, b, all));
                    }
                    continue;
                }
                _ => continue,
            };
            let len = lists.iter().map(|l| l.len()).sum::<usize>() + all.len();
            if len < best_len {
                best_len = len;
                best = Some((lists, all));
            }
        }
        // Range columns: searched with a growing limit, so that an unselective one costs little.
        let mut found = Vec::new();
        let mut limit = 8usize;
        while !ranges.is_empty() {
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
            if best_len <= limit || limit >= self.inserted.len() {
                break;
            }
            limit = limit.saturating_mul(4);
        }
        match best {
            Some((lists, all)) => {
                out.clear();
                lists.iter().for_each(|l| out.extend_from_slice(l));
                out.extend_from_slice(all);
            }
            // No column narrows it down (every cell empty or unknown, say): every row inserted.
            None if best_len == usize::MAX => out.extend_from_slice(&self.inserted),
            None => {}
        }
    }
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
    let mut is_copy = vec![false; rows.len()];
    copies.iter().flatten().for_each(|&j| is_copy[j] = true);

    // A rule with an unknown cell takes no other rule's cases for certain: never inserted.
    let members: Vec<usize> = (0..rows.len()).filter(|&j| !is_copy[j] && known(j)).collect();
    let mut index = RowIndex::new(rows, &universes_known, &members);
    let mut candidates = Vec::new();
    for j in 0..rows.len() {
        if is_copy[j] {
            continue;
        }
        index.candidates(&rows[j], false, &mut candidates);
        crate::sort::sort(&mut candidates);
        candidates.dedup();
        let winner = candidates.iter().copied().find(|&i| covers(&rows[i], &rows[j], universes));
        let group: Vec<usize> = std::iter::once(j).chain(copies[j].iter().copied()).collect();
        match winner {
            Some(i) => report(t, &group, i, out),
            None if group.len() > 1 => report(t, &group[1..], j, out),
            None => {}
        }
        if known(j) {
            index.insert(j);
        }
    }
}

/// For W006: for each `(i, until)` of `queries`, the first of `targets` after row `i` and before
/// row `until` whose cells meet row `i`'s (`meets(i, j)` decides), found among the targets that
/// meet it in its most selective column instead of trying them all.
pub(super) fn first_meeting(
    rows: &[Vec<Option<Set>>],
    universes: &[Option<Universe>],
    targets: &[usize],
    queries: &[(usize, usize)],
    meets: impl Fn(usize, usize) -> bool,
) -> Vec<Option<usize>> {
    let first =
        |i: usize, until: usize, among: &[usize]| among.iter().copied().find(|&j| j > i && j < until && meets(i, j));
    let Some(universes_known) = universes.iter().map(Option::as_ref).collect::<Option<Vec<&Universe>>>() else {
        return queries.iter().map(|&(i, until)| first(i, until, targets)).collect();
    };
    let mut index = RowIndex::new(rows, &universes_known, targets);
    targets.iter().for_each(|&j| index.insert(j));
    let mut candidates = Vec::new();
    queries
        .iter()
        .map(|&(i, until)| {
            index.candidates(&rows[i], true, &mut candidates);
            crate::sort::sort(&mut candidates);
            candidates.dedup();
            first(i, until, &candidates)
        })
        .collect()
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

/// W006 for a FIRST table: a `NeemContactOp` rule before a rule that gives `Vergunningplicht` or
/// `Verbod` in cases it also takes (see `contact_before_permit` for trees). Rows exclude each
/// other when some column's tests do not meet; a rule before the permit that frees the plan and
/// tests a column the contact rule tests makes that answer matter.
pub(super) fn contact_before_permit_rows(
    t: &Table,
    rows: &[Vec<Option<Set>>],
    universes: &[Option<Universe>],
    out: &mut Vec<Diagnostic>,
) {
    let tests = |k: usize, c: usize| matches!(t.rows[k].cells.get(c), Some(CellTest::Tests { .. }));
    let exclusive = |a: &[Option<Set>], b: &[Option<Set>]| {
        a.iter().zip(b).any(|(x, y)| matches!((x, y), (Some(x), Some(y)) if x.intersect(y).is_empty()))
    };
    let conclusions: Vec<Option<Conclusion>> = t.rows.iter().map(|r| conclusion_of(&r.leaf)).collect();
    let columns = t.inputs.len();
    // Per column, the first two rules that free the plan and test that column: a rule before the
    // permit that frees the plan on the contact rule's question stops the search (the answer
    // matters there); two, as the contact rule itself does not count.
    let mut freeing: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for (k, c) in conclusions.iter().enumerate() {
        if matches!(c, Some(Conclusion::Toestemmingsvrij | Conclusion::NietVanToepassing)) {
            for (col, list) in freeing.iter_mut().enumerate() {
                if list.len() < 2 && tests(k, col) {
                    list.push(k);
                }
            }
        }
    }
    let queries: Vec<(usize, usize)> = (0..t.rows.len())
        .filter(|&i| conclusions[i] == Some(Conclusion::NeemContactOp))
        .map(|i| {
            let stop = (0..columns)
                .filter(|&c| tests(i, c))
                .filter_map(|c| freeing[c].iter().copied().find(|&k| k != i))
                .min()
                .unwrap_or(t.rows.len());
            (i, stop.saturating_add(1))
        })
        .collect();
    let permits: Vec<usize> = (0..t.rows.len())
        .filter(|&j| matches!(conclusions[j], Some(Conclusion::Vergunningplicht | Conclusion::Verbod)))
        .collect();
    let found = first_meeting(rows, universes, &permits, &queries, |i, j| !exclusive(&rows[i], &rows[j]));
    for (&(i, _), j) in queries.iter().zip(found) {
        let Some(j) = j else { continue };
        out.push(super::contact_before_permit_warning(t, i, j));
    }
}

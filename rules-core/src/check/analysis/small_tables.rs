//! The table analyses done the plain way, kept as the reference for the indexed ones of
//! `shadow.rs` (a property test compares them): W003 and W006 compare every FIRST rule with the
//! earlier ones, for tables of up to 2,000 rules; W005 compares the UNIQUE rules that share their
//! options and whose ranges meet (every pair of them). Both report through the same builders in
//! `analysis.rs`.

use super::{
    conclusion_of, covers, overlap_example, texts_exclusive, CellTest, Conclusion, Earlier, Set, Table, Universe,
};
use crate::diagnostics::Diagnostic;

/// FIRST tables larger than this are not checked for shadowed rules here (quadratic).
const MAX_ROWS_FOR_SHADOWING: usize = 2_000;

/// W003: per rule, the first earlier rule that takes all its cases.
pub(super) fn first_covering(rows: &[Vec<Option<Set>>], universes: &[Option<Universe>]) -> Vec<Option<usize>> {
    if rows.len() > MAX_ROWS_FOR_SHADOWING {
        return vec![None; rows.len()];
    }
    let mut winners = Vec::with_capacity(rows.len());
    for j in 0..rows.len() {
        winners.push((0..j).find(|&i| covers(&rows[i], &rows[j], universes)));
    }
    winners
}

/// W005: per row of `among`, the earlier rows of `among` it overlaps. Only rows that may overlap
/// are compared: rows are bucketed by the columns where every row tests one option (an
/// equality-keyed table falls apart into buckets of one), and inside a bucket swept in order of
/// their first numeric column, comparing each row only with the earlier rows whose range is
/// still open (an interval table compares neighbours). Rows that overlap many others cost more.
pub(super) fn earlier_overlaps(
    t: &Table,
    rows: &[Vec<Option<Set>>],
    universes: &[Option<Universe>],
    among: &[usize],
) -> Vec<Option<Earlier>> {
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    for_candidate_pairs(rows, among, |i, j| {
        let (i, j) = (i.min(j), i.max(j));
        if overlap_example(t, &rows[i], &rows[j], universes).is_some() {
            found[j].push(i);
        }
    });
    let mut earlier = Vec::with_capacity(rows.len());
    for list in &found {
        earlier.push(list.iter().min().map(|&first| Earlier { first, others: list.len() - 1, complete: true }));
    }
    earlier
}

/// Calls `visit(i, j)` for every pair of the rows `among` that may overlap (see
/// [`earlier_overlaps`]); pairs that cannot are skipped.
fn for_candidate_pairs(rows: &[Vec<Option<Set>>], among: &[usize], mut visit: impl FnMut(usize, usize)) {
    let columns = rows.first().map_or(0, Vec::len);
    let single = |j: usize, c: usize| match &rows[j][c] {
        Some(Set::Finite(m)) if m.len() == 1 => m.iter().next().copied(),
        _ => None,
    };
    // Columns where every row tests one option: rows with different options there never overlap.
    let keys: Vec<usize> = (0..columns).filter(|&c| among.iter().all(|&j| single(j, c).is_some())).collect();
    let mut bucketed: Vec<(Vec<usize>, usize)> =
        among.iter().map(|&j| (keys.iter().filter_map(|&c| single(j, c)).collect(), j)).collect();
    crate::sort::sort_by(&mut bucketed, |a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    for bucket in bucketed.chunk_by(|a, b| a.0 == b.0) {
        let members: Vec<usize> = bucket.iter().map(|(_, j)| *j).collect();
        let bounds = |j: usize, c: usize| match &rows[j][c] {
            Some(Set::Num(parts)) if !parts.is_empty() => Some((
                parts.iter().map(|p| p.lo).fold(f64::INFINITY, f64::min),
                parts.iter().map(|p| p.hi).fold(f64::NEG_INFINITY, f64::max),
            )),
            _ => None,
        };
        let sweep = (0..columns).find(|&c| members.iter().all(|&j| bounds(j, c).is_some()));
        match sweep {
            Some(c) => {
                let mut order: Vec<(f64, f64, usize)> =
                    members.iter().filter_map(|&j| bounds(j, c).map(|(lo, hi)| (lo, hi, j))).collect();
                crate::sort::sort_by(&mut order, |a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
                // Rows whose range is still open at the current start.
                let mut open: Vec<(f64, usize)> = Vec::new();
                for (lo, hi, j) in order {
                    open.retain(|&(end, _)| end >= lo);
                    for &(_, i) in &open {
                        visit(i, j);
                    }
                    open.push((hi, j));
                }
            }
            None => {
                for (n, &j) in members.iter().enumerate() {
                    for &i in &members[..n] {
                        visit(i, j);
                    }
                }
            }
        }
    }
}

pub(super) fn contact_before_permit_rows(
    t: &Table,
    rows: &[Vec<Option<Set>>],
    universes: &[Option<Universe>],
    out: &mut Vec<Diagnostic>,
) {
    if rows.len() > MAX_ROWS_FOR_SHADOWING {
        return;
    }
    let tests = |k: usize, c: usize| matches!(t.rows[k].cells.get(c), Some(CellTest::Tests { .. }));
    let exclusive = |a: &[Option<Set>], b: &[Option<Set>]| {
        a.iter().zip(b).any(|(x, y)| matches!((x, y), (Some(x), Some(y)) if x.intersect(y).is_empty()))
    };
    for (i, contact) in t.rows.iter().enumerate() {
        if conclusion_of(&contact.leaf) != Some(Conclusion::NeemContactOp) {
            continue;
        }
        let asked: Vec<usize> = (0..contact.cells.len()).filter(|&c| tests(i, c)).collect();
        let frees = |k: usize| {
            k != i
                && matches!(
                    conclusion_of(&t.rows[k].leaf),
                    Some(Conclusion::Toestemmingsvrij | Conclusion::NietVanToepassing)
                )
                && asked.iter().any(|&c| tests(k, c))
        };
        let permit = (i + 1..t.rows.len()).find(|&j| {
            matches!(conclusion_of(&t.rows[j].leaf), Some(Conclusion::Vergunningplicht | Conclusion::Verbod))
                && !exclusive(&rows[i], &rows[j])
                && !texts_exclusive(t, universes, i, j)
                && !(0..j).any(frees)
        });
        if let Some(j) = permit {
            out.push(super::contact_before_permit_warning(t, i, j));
        }
    }
}

//! The table analyses of the browser modules (W003, W006 for FIRST tables): every rule compared
//! with the earlier ones, for tables of up to 2,000 rules. Native builds use the indexed
//! analyses of `shadow.rs` at every size; their code would grow the browser modules past their
//! budget.

use super::{conclusion_of, CellTest, Conclusion, Set, Table, Universe};
use crate::diagnostics::Diagnostic;

/// FIRST tables larger than this are not checked for shadowed rules here (quadratic).
const MAX_ROWS_FOR_SHADOWING: usize = 2_000;

pub(super) fn shadowed_rows(
    t: &Table,
    rows: &[Vec<Option<Set>>],
    universes: &[Option<Universe>],
    out: &mut Vec<Diagnostic>,
) {
    if rows.len() > MAX_ROWS_FOR_SHADOWING {
        return;
    }
    for j in 1..rows.len() {
        let covered_by = (0..j).find(|&i| {
            rows[j].iter().zip(&rows[i]).zip(universes).all(|((mine, earlier), u)| match (mine, earlier, u) {
                (Some(m), Some(e), Some(u)) => m.subset_of(e, u),
                (_, Some(e), Some(u)) => e.complement(u).is_empty(),
                _ => false,
            })
        });
        if let Some(i) = covered_by {
            out.push(
                Diagnostic::warning(
                    "W003",
                    t.rows[j].span,
                    format!("rule {} can never apply: rule {} comes first and takes all its cases", j + 1, i + 1),
                )
                .with_other(t.rows[i].span, "this rule wins"),
            );
        }
    }
}

pub(super) fn contact_before_permit_rows(
    t: &Table,
    rows: &[Vec<Option<Set>>],
    _universes: &[Option<Universe>],
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
                && !(0..j).any(frees)
        });
        if let Some(j) = permit {
            out.push(super::contact_before_permit_warning(t, i, j));
        }
    }
}

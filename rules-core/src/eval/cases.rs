//! A table settled by cases. A rule whose cells on unanswered columns are unknown only *may*
//! apply, so three-valued evaluation alone leaves the table undecided whenever no rule is known to
//! apply, even when every answer to those columns ends in the same conclusion (a schuur over 3 m:
//! a permit with a monument by one rule, without one by another). Here every combination of the
//! values the unknown columns can take is tried; when the hit policy gives the same conclusion for
//! each, the table is decided and its unknown columns are not asked.
//!
//! The values tried stand for every value: for a number the cells' own bounds, a value between
//! each two and one beyond either end (a cell test holds alike on each such piece); for yes/no,
//! options, locations and conclusions every value; for free text tested only with `==` / `!=`,
//! each text tested, the empty text and one text none of them is. Columns are taken independently,
//! which can only add combinations, so a decision found this way holds for every real answer.
//!
//! When the combinations do not all agree, they still tell which unknown columns matter: a column
//! whose value changes the result for none of the others' combinations cannot matter, and the
//! inputs only it reads are not asked for this table.

use super::*;

/// At most this many combinations of unknown column values are tried, and this many cell tests
/// made; beyond that the table stays undecided (the question is asked, as without cases).
const MAX_COMBINATIONS: usize = 1024;
const MAX_CELL_TESTS: usize = 20_000;

/// A row that may apply: the row, its value, and whether it is known to apply.
pub(super) type Match<'r> = (&'r Row, Val, bool);

impl<'r> Evaluator<'r> {
    /// `result` as three-valued evaluation gave it; when undecided while rules may apply, decided
    /// by cases if every answer to the unknown columns gives the same conclusion.
    pub(super) fn settle_by_cases(
        &mut self,
        t: &'r Table,
        inputs: &[Val],
        matches: &[Match<'r>],
        result: DecisionResult<'r>,
    ) -> Result<DecisionResult<'r>, EvalError> {
        if result.value.is_some() || !matches.iter().any(|m| !m.2) {
            return Ok(result);
        }
        let k = match self.by_cases(t, inputs, matches)? {
            Cases::Decided(k) => k,
            Cases::Open(irrelevant) => {
                // Inputs read only by columns that cannot change the result are not needed here.
                let mut result = result;
                let relevant: Needs = (0..inputs.len())
                    .filter(|c| !irrelevant.contains(c))
                    .filter_map(|c| inputs[c].needs())
                    .flatten()
                    .copied()
                    .collect();
                let drop: Needs = irrelevant.iter().filter_map(|&c| inputs[c].needs()).flatten().copied().collect();
                let kept: Needs =
                    result.needs.iter().filter(|n| relevant.contains(n) || !drop.contains(n)).copied().collect();
                if !kept.is_empty() {
                    result.needs = kept;
                }
                return Ok(result);
            }
            Cases::Unknown => return Ok(result),
        };
        let (row, Val::Known(value), _) = &matches[k] else { return Ok(result) };
        Ok(DecisionResult {
            value: Some(value.clone()),
            possible: None,
            leaf: Some(&row.leaf),
            leaves: Vec::new(),
            needs: Needs::new(),
            steps: result.steps,
        })
    }

    /// The match (an index into `matches`) whose conclusion the table gives for every answer to
    /// its unknown columns; or, when answers can still lead to different results (another
    /// conclusion, no rule, or a UNIQUE / ANY failure), the unknown columns (indices into
    /// `inputs`) that cannot change it; `Unknown` when the cases are too many to try.
    fn by_cases(&mut self, t: &'r Table, inputs: &[Val], matches: &[Match<'r>]) -> Result<Cases, EvalError> {
        let columns: Vec<usize> = (0..inputs.len()).filter(|&c| matches!(inputs[c], Val::Unknown(_))).collect();
        if columns.is_empty() || matches.is_empty() || matches.iter().any(|m| matches!(m.1, Val::Unknown(_))) {
            return Ok(Cases::Unknown);
        }
        // On the known columns every candidate must hold outright (a test against a value still
        // unknown does not).
        for (row, _, definite) in matches {
            if *definite {
                continue;
            }
            for (cell, input) in row.cells.iter().zip(inputs) {
                if matches!(input, Val::Known(_)) && self.cell(cell, input)?.0 != Truth::True {
                    return Ok(Cases::Unknown);
                }
            }
        }
        // Per unknown column: the values tried, and whether row r's cell holds for value v
        // (at `r * size + v`).
        let mut holds: Vec<Vec<bool>> = Vec::with_capacity(columns.len());
        let mut sizes = Vec::with_capacity(columns.len());
        let mut combinations = 1usize;
        for &c in &columns {
            let Some(values) = self.values_to_try(&t.inputs[c], matches.iter().map(|m| &m.0.cells[c]))? else {
                return Ok(Cases::Unknown);
            };
            combinations = combinations.saturating_mul(values.len());
            if combinations > MAX_COMBINATIONS || combinations.saturating_mul(matches.len()) > MAX_CELL_TESTS {
                return Ok(Cases::Unknown);
            }
            let mut column = Vec::with_capacity(matches.len() * values.len());
            for (row, ..) in matches {
                for v in &values {
                    match self.cell(&row.cells[c], &Val::Known(v.clone()))?.0 {
                        Truth::Unknown => return Ok(Cases::Unknown),
                        t => column.push(t == Truth::True),
                    }
                }
            }
            sizes.push(values.len());
            holds.push(column);
        }
        // The pick for every combination (numbered with the first column counting fastest).
        let mut picks: Vec<Option<usize>> = Vec::with_capacity(combinations);
        let mut combination = vec![0usize; columns.len()];
        'all: loop {
            let applying: Vec<usize> = (0..matches.len())
                .filter(|&r| (0..columns.len()).all(|k| holds[k][r * sizes[k] + combination[k]]))
                .collect();
            picks.push(hit(t.hit, matches, &applying));
            let mut k = 0;
            loop {
                if k == columns.len() {
                    break 'all;
                }
                combination[k] += 1;
                if combination[k] < sizes[k] {
                    break;
                }
                combination[k] = 0;
                k += 1;
            }
        }
        // No rule or a failing policy is a result no other equals (so its columns matter).
        let same = |a: Option<usize>, b: Option<usize>| match (a, b) {
            (Some(x), Some(y)) => same_value(&matches[x].1, &matches[y].1),
            _ => false,
        };
        if picks.iter().all(|&p| same(p, picks[0])) {
            return Ok(picks[0].map_or(Cases::Unknown, Cases::Decided));
        }
        // A column matters when changing its value alone changes the result somewhere.
        let mut stride = 1;
        let mut irrelevant = Vec::new();
        for (k, &c) in columns.iter().enumerate() {
            let matters = (0..picks.len()).any(|i| {
                let v = (i / stride) % sizes[k];
                v + 1 < sizes[k] && !same(picks[i], picks[i + stride])
            });
            if !matters {
                irrelevant.push(c);
            }
            stride *= sizes[k];
        }
        Ok(Cases::Open(irrelevant))
    }

    /// Values that stand for every value of `column` as far as `cells` can tell; `None` when a
    /// test reads something unknown or the column's values cannot be listed (free text).
    fn values_to_try(
        &mut self,
        column: &'r Expr,
        cells: impl Iterator<Item = &'r CellTest>,
    ) -> Result<Option<Vec<Value>>, EvalError> {
        let cells: Vec<&'r CellTest> = cells.collect();
        let values: Vec<Value> = match &column.ty {
            // `-` in every rule: any one value stands for all.
            _ if cells.iter().all(|c| matches!(c, CellTest::Any)) => vec![Value::Bool(true)],
            Type::Bool => vec![Value::Bool(true), Value::Bool(false)],
            Type::Text(Some(options)) => options.iter().map(|o| Value::Text(o.as_str().into())).collect(),
            Type::Location => [spatial::Location::Ja, spatial::Location::Nee, spatial::Location::Deels]
                .into_iter()
                .map(Value::Location)
                .collect(),
            Type::Conclusion => crate::value::Conclusion::ALL.into_iter().map(Value::Conclusion).collect(),
            Type::Text(None) => {
                // Tested only for (in)equality: each text tested, the empty one, and another.
                let mut texts: Vec<String> = vec![String::new()];
                for cell in cells {
                    let CellTest::Tests { tests, .. } = cell else { continue };
                    for test in tests {
                        let (Test::Equal(e) | Test::Compare(CompareOp::Eq | CompareOp::Ne, e)) = test else {
                            return Ok(None);
                        };
                        match self.expr(e)? {
                            Val::Known(Value::Text(s)) if !texts.iter().any(|t| t.as_str() == &*s) => {
                                texts.push(s.to_string())
                            }
                            Val::Known(Value::Text(_)) => {}
                            _ => return Ok(None),
                        }
                    }
                }
                let mut other = String::from("~");
                while texts.contains(&other) {
                    other.push('~');
                }
                texts.push(other);
                texts.into_iter().map(|s| Value::Text(s.as_str().into())).collect()
            }
            Type::Num(dim) => {
                // The cells' bounds, a number between each two, and one beyond either end.
                let mut bounds: Vec<f64> = Vec::new();
                for cell in cells {
                    let CellTest::Tests { tests, .. } = cell else { continue };
                    for test in tests {
                        let (a, b) = match test {
                            Test::Equal(e) | Test::Compare(_, e) => (e, None),
                            Test::Interval { low, high, .. } => (low, Some(high)),
                        };
                        for e in std::iter::once(a).chain(b) {
                            match self.expr(e)? {
                                Val::Known(Value::Num(n, _)) if n.is_finite() => bounds.push(n),
                                _ => return Ok(None),
                            }
                        }
                    }
                }
                crate::sort::sort_by(&mut bounds, f64::total_cmp);
                bounds.dedup();
                let mut values = Vec::with_capacity(bounds.len() * 2 + 1);
                for (k, &b) in bounds.iter().enumerate() {
                    values.push(match k {
                        0 => b - 1.0 - b.abs(),
                        _ => bounds[k - 1] / 2.0 + b / 2.0,
                    });
                    values.push(b);
                }
                values.push(bounds.last().map_or(0.0, |&b| b + 1.0 + b.abs()));
                values.into_iter().map(|n| Value::Num(n, *dim)).collect()
            }
            _ => return Ok(None),
        };
        Ok(Some(values))
    }
}

/// What trying every combination of the unknown columns tells.
pub(super) enum Cases {
    /// The match whose conclusion every combination gives.
    Decided(usize),
    /// Combinations give different results; these columns (indices into the table's inputs)
    /// cannot change it.
    Open(Vec<usize>),
    /// Too many to try, or a cell that cannot be tried.
    Unknown,
}

/// The row the hit policy picks among the applying ones (indices into `matches`, ascending), or
/// `None` when none applies or the policy fails (UNIQUE with several, ANY disagreeing).
fn hit(policy: HitPolicy, matches: &[Match<'_>], applying: &[usize]) -> Option<usize> {
    let first = *applying.first()?;
    match policy {
        HitPolicy::First => Some(first),
        HitPolicy::Unique => (applying.len() == 1).then_some(first),
        HitPolicy::Any => applying.iter().all(|&r| same_value(&matches[r].1, &matches[first].1)).then_some(first),
        HitPolicy::Priority => applying.iter().copied().min_by(|&a, &b| priority_cmp(&matches[a].1, &matches[b].1)),
        HitPolicy::Collect(_) | HitPolicy::RuleOrder | HitPolicy::OutputOrder => None,
    }
}

fn same_value(a: &Val, b: &Val) -> bool {
    matches!((a, b), (Val::Known(x), Val::Known(y)) if x.same(y))
}

#[cfg(test)]
mod tests {
    use crate::{compile, evaluate, Facts, Options};
    use serde_json::{json, Value as Json};

    /// The first decision's outcome and the questions still asked, for `answers`.
    fn run(body: &str, answers: &[(&str, Json)]) -> (Json, Vec<String>) {
        let text = format!(
            "ruleset \"T\" {{ authority \"A\" valid from 2024-01-01 }}\n\
             question hoogte: number \"Hoogte?\"\nquestion monument: bool \"Monument?\"\n\
             question naam: text \"Naam?\"\nquestion dak: choice(\"plat\", \"schuin\") \"Dak?\"\n{body}"
        );
        let checked = compile("t.rules", &text);
        let rs = checked.ruleset.unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
        let mut facts = Facts::new(&rs);
        for (k, v) in answers {
            facts.answer(&rs, k, v).expect("answer");
        }
        let o = evaluate(&rs, &facts, &Options::default()).expect("evaluates");
        (o.decisions[0].outcome.clone(), o.needed.into_iter().map(|n| n.input).collect())
    }

    const SCHUUR: &str = "decision \"C\" table UNIQUE {\n  inputs hoogte | monument\n  \
        rule - | true -> Vergunningplicht\n  rule <= 3 | false -> Toestemmingsvrij\n  \
        rule > 3 | false -> Vergunningplicht\n}\n";

    #[test]
    fn a_column_that_cannot_change_the_conclusion_is_not_asked() {
        assert_eq!(run(SCHUUR, &[("hoogte", json!(4))]), (json!("Vergunningplicht"), vec![]));
        // Below 3 the monument decides.
        assert_eq!(run(SCHUUR, &[("hoogte", json!(2))]), (json!(null), vec!["monument".to_string()]));
        // Neither answered: both still matter.
        assert_eq!(run(SCHUUR, &[]).1, ["hoogte", "monument"]);
    }

    #[test]
    fn numbers_are_tried_on_every_piece_between_the_bounds() {
        let t = "decision \"C\" table UNIQUE {\n  inputs monument | hoogte\n  \
            rule true | <= 3 -> Vergunningplicht\n  rule true | (3..5] -> Vergunningplicht\n  \
            rule true | > 5 -> Vergunningplicht\n  rule false | - -> Toestemmingsvrij\n}\n";
        assert_eq!(run(t, &[("monument", json!(true))]), (json!("Vergunningplicht"), vec![]));
        // A hole between the bounds (exactly 5 applies to no rule) keeps the question.
        let hole = t.replace("(3..5]", "(3..5)");
        assert_eq!(run(&hole, &[("monument", json!(true))]).1, ["hoogte"]);
    }

    #[test]
    fn an_answer_that_would_make_a_unique_table_fail_still_matters() {
        // With a monument both rules apply (R004): the answer changes the outcome.
        let t = "decision \"C\" table UNIQUE {\n  inputs hoogte | monument\n  \
            rule - | true -> Vergunningplicht\n  rule > 3 | - -> Vergunningplicht\n  \
            rule <= 3 | false -> Toestemmingsvrij\n}\n";
        assert_eq!(run(t, &[("hoogte", json!(4))]), (json!(null), vec!["monument".to_string()]));
    }

    #[test]
    fn first_tables_and_options_by_cases() {
        // The last rule can no longer be reached once the options are covered.
        let t = "decision \"C\" table FIRST {\n  inputs dak | naam\n  \
            rule \"plat\" | - -> Meldingsplicht\n  rule \"schuin\" | - -> Meldingsplicht\n  \
            rule - | - -> Toestemmingsvrij\n}\n";
        assert_eq!(run(t, &[]), (json!("Meldingsplicht"), vec![]));
        // Free text tested for (in)equality is tried: "a", "" and another text.
        let text = "decision \"C\" table UNIQUE {\n  inputs naam\n  \
            rule \"a\" -> Verbod\n  rule not(\"a\") -> Verbod\n}\n";
        assert_eq!(run(text, &[]), (json!("Verbod"), vec![]));
        let differs = text.replace("not(\"a\") -> Verbod", "not(\"a\") -> Toestemmingsvrij");
        assert_eq!(run(&differs, &[]).1, ["naam"]);
    }

    #[test]
    fn a_column_whose_answer_changes_nothing_is_not_asked_while_others_decide() {
        // The name is tested, but with or without it the height decides: only the height is asked.
        let t = "decision \"C\" table FIRST {\n  inputs naam | hoogte\n  \
            rule \"schuur\" | > 3 -> Vergunningplicht\n  rule - | > 3 -> Vergunningplicht\n  \
            rule - | <= 3 -> Toestemmingsvrij\n}\n";
        assert_eq!(run(t, &[]), (json!(null), vec!["hoogte".to_string()]));
        // The same with a yes/no column in front of a later question.
        let m = "decision \"C\" table FIRST {\n  inputs monument | hoogte\n  \
            rule true | > 3 -> Vergunningplicht\n  rule - | > 3 -> Vergunningplicht\n  \
            rule - | <= 3 -> Toestemmingsvrij\n}\n";
        assert_eq!(run(m, &[]).1, ["hoogte"]);
        // Where it does change the result, it stays asked.
        assert_eq!(run(SCHUUR, &[]).1, ["hoogte", "monument"]);
    }
}

//! A table settled by cases. A rule whose cells on unanswered columns are unknown only *may*
//! apply, so three-valued evaluation alone leaves the table undecided whenever no rule is known to
//! apply, even when every answer to those columns ends in the same conclusion (a schuur over 3 m:
//! a permit with a monument by one rule, without one by another). Here every combination of the
//! values the unknown columns can take is tried; when the hit policy gives the same conclusion for
//! each, the table is decided and its unknown columns are not asked.
//!
//! The values tried stand for every value: for a number the cells' own bounds, a value between
//! each two and one beyond either end (a cell test holds alike on each such piece); for yes/no,
//! options, locations and conclusions every value (a free-text column is not tried). Columns are
//! taken independently, which can only add combinations, so a decision found this way holds for
//! every real answer.

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
        let Some(k) = self.by_cases(t, inputs, matches)? else { return Ok(result) };
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
    /// its unknown columns, or `None` when answers can still lead to different results (another
    /// conclusion, no rule, or a UNIQUE / ANY failure) or the cases are too many to try.
    fn by_cases(&mut self, t: &'r Table, inputs: &[Val], matches: &[Match<'r>]) -> Result<Option<usize>, EvalError> {
        let columns: Vec<usize> = (0..inputs.len()).filter(|&c| matches!(inputs[c], Val::Unknown(_))).collect();
        if columns.is_empty() || matches.is_empty() || matches.iter().any(|m| matches!(m.1, Val::Unknown(_))) {
            return Ok(None);
        }
        // On the known columns every candidate must hold outright (a test against a value still
        // unknown does not).
        for (row, _, definite) in matches {
            if *definite {
                continue;
            }
            for (cell, input) in row.cells.iter().zip(inputs) {
                if matches!(input, Val::Known(_)) && self.cell(cell, input)?.0 != Truth::True {
                    return Ok(None);
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
                return Ok(None);
            };
            combinations = combinations.saturating_mul(values.len());
            if combinations > MAX_COMBINATIONS || combinations.saturating_mul(matches.len()) > MAX_CELL_TESTS {
                return Ok(None);
            }
            let mut column = Vec::with_capacity(matches.len() * values.len());
            for (row, ..) in matches {
                for v in &values {
                    match self.cell(&row.cells[c], &Val::Known(v.clone()))?.0 {
                        Truth::Unknown => return Ok(None),
                        t => column.push(t == Truth::True),
                    }
                }
            }
            sizes.push(values.len());
            holds.push(column);
        }
        let mut chosen: Option<usize> = None;
        let mut combination = vec![0usize; columns.len()];
        loop {
            let applying: Vec<usize> = (0..matches.len())
                .filter(|&r| (0..columns.len()).all(|k| holds[k][r * sizes[k] + combination[k]]))
                .collect();
            let Some(pick) = hit(t.hit, matches, &applying) else { return Ok(None) };
            match chosen {
                None => chosen = Some(pick),
                Some(first) if !same_value(&matches[first].1, &matches[pick].1) => return Ok(None),
                Some(_) => {}
            }
            // The next combination, the first column counting fastest.
            let mut k = 0;
            loop {
                if k == columns.len() {
                    return Ok(chosen);
                }
                combination[k] += 1;
                if combination[k] < sizes[k] {
                    break;
                }
                combination[k] = 0;
                k += 1;
            }
        }
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
        // Free text that a rule tests is not tried (its values cannot be listed): still asked.
        let text = "decision \"C\" table UNIQUE {\n  inputs naam\n  \
            rule \"a\" -> Verbod\n  rule not(\"a\") -> Verbod\n}\n";
        assert_eq!(run(text, &[]).1, ["naam"]);
    }
}

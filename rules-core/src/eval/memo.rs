//! Values kept from one evaluation to the next, for a host that evaluates the same ruleset again
//! and again while a resident changes one answer at a time (a plan dragged on the map, the
//! "irrelevant answers" probes that remove one answer each).
//!
//! A `let` or a derived input is kept with the stamps (see [`Facts`]) of every input and layer it
//! reads, directly or through other `let`s and derived inputs. It is reused while those stamps
//! are unchanged, so a plan change recomputes only what reads the plan: the rear yard, the 4 m
//! zone and the built-up area of the parcel are computed once per parcel, not once per drag.
//!
//! The geometry built inside checks and decisions (`show difference(plan, buffer(achtererf, 0.1 m))`)
//! is kept the same way, per spatial call in the ruleset, so the `buffer` is built once.
//!
//! Only known values are kept: an unknown one carries the questions it waits for, and is cheap to
//! find again. A `let` that reads a decision is never kept (what a decision reads is not
//! followed here). The evaluation date is part of the key: a memo is emptied when it changes.

use std::collections::HashMap;

use crate::builtins::Builtin;
use crate::check::{Expr, ExprKind, Ruleset};
use crate::syntax::ast::Date;
use crate::value::Value;

use super::Facts;

/// What a `let` or derived input reads, as indices of the ruleset's inputs and layers.
#[derive(Debug, Clone, Default, PartialEq)]
struct Reads {
    inputs: Vec<usize>,
    layers: Vec<usize>,
}

impl Reads {
    fn add(&mut self, other: &Reads) {
        for &i in &other.inputs {
            if !self.inputs.contains(&i) {
                self.inputs.push(i);
            }
        }
        for &l in &other.layers {
            if !self.layers.contains(&l) {
                self.layers.push(l);
            }
        }
    }

    /// Whether `facts` has the inputs and layers read at the `stamps` they had.
    fn unchanged(&self, facts: &Facts, stamps: &[u64]) -> bool {
        let inputs = self.inputs.iter().map(|&i| facts.value_stamp(i));
        let now = inputs.chain(self.layers.iter().map(|&l| facts.layer_stamp(l)));
        now.eq(stamps.iter().copied())
    }

    fn stamps(&self, facts: &Facts) -> Vec<u64> {
        let inputs = self.inputs.iter().map(|&i| facts.value_stamp(i));
        inputs.chain(self.layers.iter().map(|&l| facts.layer_stamp(l))).collect()
    }
}

#[derive(Debug, Clone)]
struct Kept {
    stamps: Vec<u64>,
    value: Value,
    /// The derived inputs read while computing it: a reuse reads them too, so the outcome lists
    /// what the map answered as an evaluation without the memo does.
    derived: Vec<usize>,
}

/// The kept values of one ruleset; give it with every evaluation of that ruleset
/// ([`super::evaluate_with`]). A memo of another ruleset is never read (it is emptied).
#[derive(Debug, Clone, Default)]
pub struct Memo {
    /// The ruleset this memo was built for: its address and text (calls are kept by the address
    /// of their expression in it).
    owner: (usize, String),
    date: Option<Date>,
    /// By let index: what it reads, or `None` when it is not kept (it reads a decision).
    let_reads: Vec<Option<Reads>>,
    /// By input index: the input itself, and for a derived input what its `from` reads.
    input_reads: Vec<Option<Reads>>,
    lets: Vec<Option<Kept>>,
    derived: Vec<Option<Kept>>,
    /// Spatial calls, by the address of their expression: what they read (`None`: not kept) and
    /// their value.
    calls: HashMap<usize, (Option<Reads>, Option<Kept>)>,
}

/// A slot of the memo.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot<'r> {
    Let(usize),
    Derived(usize),
    Call(&'r Expr),
}

/// The builtins whose calls are kept: those that build or measure geometry.
pub(crate) fn kept_call(b: Builtin) -> bool {
    !matches!(b, Builtin::Min | Builtin::Max | Builtin::Abs | Builtin::Largest | Builtin::Nearest)
}

impl Memo {
    /// An empty memo for `rs`.
    pub fn new(rs: &Ruleset) -> Memo {
        let mut finder =
            ReadsFinder { rs, lets: vec![Visit::New; rs.lets.len()], inputs: vec![Visit::New; rs.inputs.len()] };
        let let_reads = (0..rs.lets.len()).map(|i| finder.of_let(i)).collect();
        let input_reads = (0..rs.inputs.len()).map(|i| finder.of_input(i)).collect();
        Memo {
            owner: owner(rs),
            date: None,
            let_reads,
            input_reads,
            lets: vec![None; rs.lets.len()],
            derived: vec![None; rs.inputs.len()],
            calls: HashMap::new(),
        }
    }

    /// Make this memo fit `rs` on `date`: a memo of another ruleset, or of another date, starts
    /// empty.
    pub(crate) fn prepare(&mut self, rs: &Ruleset, date: Option<Date>) {
        if self.owner.0 != owner_address(rs) || self.owner.1 != rs.source.text || self.lets.len() != rs.lets.len() {
            *self = Memo::new(rs);
        }
        if self.date != date {
            self.lets.iter_mut().for_each(|k| *k = None);
            self.derived.iter_mut().for_each(|k| *k = None);
            self.calls.clear();
            self.date = date;
        }
    }

    fn parts(&mut self, slot: Slot) -> (Option<&Reads>, Option<&mut Option<Kept>>) {
        match slot {
            Slot::Let(i) => (self.let_reads.get(i).and_then(Option::as_ref), self.lets.get_mut(i)),
            Slot::Derived(i) => (self.input_reads.get(i).and_then(Option::as_ref), self.derived.get_mut(i)),
            Slot::Call(e) => {
                let (reads, kept) = match self.calls.entry(e as *const Expr as usize) {
                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        let mut reads = Reads::default();
                        let (lets, inputs) = (&self.let_reads, &self.input_reads);
                        let mut known = |s| match s {
                            Symbol::Let(j) => lets.get(j).cloned().flatten(),
                            Symbol::Input(i) => inputs.get(i).cloned().flatten(),
                        };
                        let ok = reads_of(e, &mut known, &mut reads);
                        v.insert((ok.then_some(reads), None))
                    }
                };
                (reads.as_ref(), Some(kept))
            }
        }
    }

    /// The kept value of `slot`, if what it reads is unchanged in `facts`, with the derived
    /// inputs it read.
    pub(crate) fn get(&mut self, slot: Slot, facts: &Facts) -> Option<(Value, Vec<usize>)> {
        let (Some(reads), Some(Some(kept))) = self.parts(slot) else { return None };
        reads.unchanged(facts, &kept.stamps).then(|| (kept.value.clone(), kept.derived.clone()))
    }

    /// Keep `value` for `slot`, computed from `facts` reading the derived inputs `derived`.
    pub(crate) fn put(&mut self, slot: Slot, facts: &Facts, value: &Value, derived: &[usize]) {
        if let (Some(reads), Some(place)) = self.parts(slot) {
            let mut derived = derived.to_vec();
            derived.sort_unstable();
            derived.dedup();
            *place = Some(Kept { stamps: reads.stamps(facts), value: value.clone(), derived });
        }
    }
}

fn owner_address(rs: &Ruleset) -> usize {
    rs as *const Ruleset as usize
}

fn owner(rs: &Ruleset) -> (usize, String) {
    (owner_address(rs), rs.source.text.clone())
}

/// A symbol an expression reads whose own reads are looked up.
#[derive(Clone, Copy)]
enum Symbol {
    Let(usize),
    Input(usize),
}

/// Add what `e` reads to `reads`, with `resolve` giving the reads of each let and input (`None`:
/// not followed); false when `e` reads something not followed (a decision).
fn reads_of(e: &Expr, resolve: &mut dyn FnMut(Symbol) -> Option<Reads>, reads: &mut Reads) -> bool {
    let mut symbol = |s: Symbol, reads: &mut Reads| resolve(s).map(|r| reads.add(&r)).is_some();
    match &e.kind {
        ExprKind::Const(_) | ExprKind::ValidOn(..) => true,
        ExprKind::Decision(_) => false,
        ExprKind::Layer(l) => {
            reads.add(&Reads { inputs: Vec::new(), layers: vec![*l] });
            true
        }
        ExprKind::Input(i) => symbol(Symbol::Input(*i), reads),
        ExprKind::Let(j) => symbol(Symbol::Let(*j), reads),
        ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().all(|a| reads_of(a, resolve, reads)),
        ExprKind::Not(x) | ExprKind::Neg(x) => reads_of(x, resolve, reads),
        ExprKind::Binary(_, a, b) => reads_of(a, resolve, reads) && reads_of(b, resolve, reads),
        ExprKind::If(a, b, c) => [a, b, c].iter().all(|x| reads_of(x, resolve, reads)),
        ExprKind::In(a, items) => reads_of(a, resolve, reads) && items.iter().all(|x| reads_of(x, resolve, reads)),
    }
}

#[derive(Debug, Clone)]
enum Visit {
    New,
    /// Being followed: a cycle (the checker refuses those) is not kept.
    Busy,
    Done(Option<Reads>),
}

struct ReadsFinder<'r> {
    rs: &'r Ruleset,
    lets: Vec<Visit>,
    inputs: Vec<Visit>,
}

impl ReadsFinder<'_> {
    fn of_let(&mut self, i: usize) -> Option<Reads> {
        match &self.lets[i] {
            Visit::Done(r) => return r.clone(),
            Visit::Busy => return None,
            Visit::New => {}
        }
        self.lets[i] = Visit::Busy;
        let mut reads = Reads::default();
        let found = self.of_expr(&self.rs.lets[i].expr, &mut reads).then_some(reads);
        self.lets[i] = Visit::Done(found.clone());
        found
    }

    fn of_input(&mut self, i: usize) -> Option<Reads> {
        match &self.inputs[i] {
            Visit::Done(r) => return r.clone(),
            Visit::Busy => return None,
            Visit::New => {}
        }
        self.inputs[i] = Visit::Busy;
        let mut reads = Reads { inputs: vec![i], layers: Vec::new() };
        let ok = match &self.rs.inputs[i].derive {
            Some(d) => {
                self.of_expr(&d.value, &mut reads) && d.when.as_ref().is_none_or(|w| self.of_expr(w, &mut reads))
            }
            None => true,
        };
        let found = ok.then_some(reads);
        self.inputs[i] = Visit::Done(found.clone());
        found
    }

    /// Add what `e` reads to `reads`; false when `e` reads something not followed.
    fn of_expr(&mut self, e: &Expr, reads: &mut Reads) -> bool {
        reads_of(
            e,
            &mut |s| match s {
                Symbol::Let(j) => self.of_let(j),
                Symbol::Input(i) => self.of_input(i),
            },
            reads,
        )
    }
}

//! The formatter behind `rules fmt`: prints a syntax tree in the canonical layout and keeps every
//! `// comment`.
//!
//! ```
//! use rules_core::syntax::print::format_source;
//!
//! let messy = "let  x=(a+b)*2   // dubbel\nquestion h:length \"Hoe hoog?\"{range 0 m..30 m help \"Meet.\"}";
//! assert_eq!(
//!     format_source(messy).unwrap(),
//!     "let x = (a + b) * 2 // dubbel\n\nquestion h: length \"Hoe hoog?\" {\n  help \"Meet.\"\n  range 0 m .. 30 m\n}\n",
//! );
//! ```
//!
//! How it works: the items are first printed as a list of output lines, each remembering the source
//! position of the first token it prints. Then every comment is attached to a line: a comment that
//! followed code on its source line stays at the end of the output line that prints that code; a
//! comment on a line of its own goes before the output line that prints the next token. Because the
//! attachment depends only on the tree and on which tokens surround a comment, formatting twice
//! gives the same text.

use super::ast::*;
use crate::diagnostics::Diagnostic;

/// Lines longer than this wrap their `because` / `ref` clauses (and a `let` its `else` branches).
pub const MAX_WIDTH: usize = 100;
const INDENT: usize = 2;
const CONTINUATION: usize = 4;

/// Format a parsed file in the canonical layout, keeping every comment.
///
/// `source` must be the text `file` was parsed from with [`parse`](super::parse) (spans from
/// `parse_at` with an offset do not fit it): comments and blank lines are read from it. A mismatched
/// text gives badly placed comments, never a panic.
///
/// ```
/// use rules_core::syntax::{parse, print::format};
///
/// let text = "decision \"D\" {\n      when a>1 -> Meldingsplicht   // hoog\n otherwise->Toestemmingsvrij }";
/// let file = parse(text).unwrap();
/// assert_eq!(
///     format(&file, text),
///     "decision \"D\" {\n  when a > 1 -> Meldingsplicht // hoog\n  otherwise -> Toestemmingsvrij\n}\n",
/// );
/// ```
pub fn format(file: &File, source: &str) -> String {
    let mut printer = Printer::new(file, source);
    printer.file(file);
    printer.attach_comments();
    printer.render()
}

/// Convenience: parse then format; returns the parse diagnostic on a syntax error.
///
/// ```
/// use rules_core::syntax::print::format_source;
///
/// assert_eq!(format_source("let  x = 20 %").unwrap(), "let x = 20%\n");
/// assert_eq!(format_source("let x = ").unwrap_err().code, "E001");
/// ```
// Same error type as `parse`, whose diagnostic this passes on unchanged.
#[allow(clippy::result_large_err)]
pub fn format_source(source: &str) -> Result<String, Diagnostic> {
    let file = super::parse(source)?;
    Ok(format(&file, source))
}

/// One output line before comments are attached.
#[derive(Debug, Default)]
struct Line {
    indent: usize,
    text: String,
    /// Source position of the first token this line prints; the line owns the source from there to
    /// the next line's start (in source order).
    start: usize,
    /// Indentation of comments placed before this line (deeper for a closing brace).
    comment_indent: usize,
    blank_before: bool,
    /// Closing braces and continuation lines: no blank line between their comments and them.
    tight: bool,
    leading: Vec<usize>,
    trailing: Vec<usize>,
}

/// A property line (header or input), printed in canonical order but owning source in source order.
struct Prop {
    order: usize,
    at: usize,
    end: usize,
    text: String,
}

struct Printer<'a> {
    src: &'a [u8],
    comments: Vec<&'a Comment>,
    lines: Vec<Line>,
    end_of_file: Vec<usize>,
}

impl<'a> Printer<'a> {
    fn new(file: &'a File, source: &'a str) -> Printer<'a> {
        let mut comments: Vec<&Comment> = file.comments.iter().collect();
        crate::sort::sort_by_key(&mut comments, |c| c.span.start);
        Printer { src: source.as_bytes(), comments, lines: Vec::new(), end_of_file: Vec::new() }
    }

    // ------------------------------------------------------------ reading the source

    fn byte(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    /// The first code byte at or after `pos`, skipping whitespace and comments (`src.len()` if none).
    fn next_token(&self, mut pos: usize) -> usize {
        while let Some(b) = self.byte(pos) {
            if b.is_ascii_whitespace() {
                pos += 1;
            } else if b == b'/' && self.byte(pos + 1) == Some(b'/') {
                while self.byte(pos).is_some_and(|b| b != b'\n') {
                    pos += 1;
                }
            } else {
                return pos;
            }
        }
        self.src.len()
    }

    /// Just after the last code byte before `pos` (pest spans may end with whitespace and comments).
    fn code_end(&self, pos: usize) -> usize {
        let mut pos = pos.min(self.src.len());
        loop {
            while pos > 0 && self.byte(pos - 1).is_some_and(|b| b.is_ascii_whitespace()) {
                pos -= 1;
            }
            match pos.checked_sub(1).and_then(|last| self.comment_containing(last)) {
                Some(c) => pos = c.span.start,
                None => return pos,
            }
        }
    }

    fn comment_containing(&self, pos: usize) -> Option<&'a Comment> {
        let k = self.comments.partition_point(|c| c.span.start <= pos);
        let c = *self.comments.get(k.checked_sub(1)?)?;
        (pos < c.span.end).then_some(c)
    }

    /// Just after an expression used as a statement part: its span loses the parentheses around
    /// its last operand, so take any `)` that follows along.
    fn expr_end(&self, e: &Expr) -> usize {
        let mut end = self.code_end(e.span.end);
        loop {
            let t = self.next_token(end);
            if self.byte(t) == Some(b')') {
                end = t + 1;
            } else {
                return end;
            }
        }
    }

    /// Just after the `{` that follows `pos`, or `pos` when there is none.
    fn after_brace(&self, pos: usize) -> usize {
        let t = self.next_token(pos);
        if self.byte(t) == Some(b'{') {
            t + 1
        } else {
            pos
        }
    }

    /// Does `src[from..to]` contain an empty line?
    fn blank_in(&self, from: usize, to: usize) -> bool {
        let mut after_newline = false;
        for &b in self.src.get(from..to).unwrap_or(&[]) {
            match b {
                b'\n' if after_newline => return true,
                b'\n' => after_newline = true,
                b' ' | b'\t' | b'\r' => {}
                _ => after_newline = false,
            }
        }
        false
    }

    fn comment_span(&self, ci: usize) -> (usize, usize) {
        self.comments.get(ci).map_or((0, 0), |c| (c.span.start, c.span.end))
    }

    fn blank_before_comment(&self, ci: usize) -> bool {
        let (start, _) = self.comment_span(ci);
        let mut from = start.min(self.src.len());
        while from > 0 && self.byte(from - 1).is_some_and(|b| b.is_ascii_whitespace()) {
            from -= 1;
        }
        self.blank_in(from, start)
    }

    fn blank_after_comment(&self, ci: usize) -> bool {
        let (_, end) = self.comment_span(ci);
        let mut to = end;
        while self.byte(to).is_some_and(|b| b.is_ascii_whitespace()) {
            to += 1;
        }
        self.blank_in(end, to)
    }

    /// For a comment that follows code on its line, the position of that code's last byte.
    fn trailing_anchor(&self, start: usize) -> Option<usize> {
        let mut i = start.min(self.src.len());
        while i > 0 {
            match self.byte(i - 1) {
                Some(b' ' | b'\t' | b'\r') => i -= 1,
                Some(b'\n') | None => return None,
                Some(_) => return Some(i - 1),
            }
        }
        None
    }

    // ------------------------------------------------------------ building lines

    fn push(&mut self, indent: usize, text: String, start: usize) {
        self.lines.push(Line { indent, comment_indent: indent, text, start, ..Line::default() });
    }

    fn push_continuation(&mut self, indent: usize, text: String, start: usize) {
        self.lines.push(Line { indent, comment_indent: indent, text, start, tight: true, ..Line::default() });
    }

    /// The `}` that ends a block whose span ends at `end`; comments before it keep the block's indent.
    fn push_close(&mut self, indent: usize, end: usize) {
        let start = self.code_end(end).saturating_sub(1);
        let comment_indent = indent + INDENT;
        self.lines.push(Line { indent, comment_indent, text: "}".into(), start, tight: true, ..Line::default() });
    }

    fn file(&mut self, file: &File) {
        if let Some(h) = &file.header {
            self.header(h);
        }
        let mut prev: Option<&Item> = None;
        for item in &file.items {
            let first = self.lines.len();
            self.item(item, 0);
            let blank = match prev {
                None => file.header.is_some(),
                Some(p) => !self.grouped(p, item),
            };
            if let Some(line) = self.lines.get_mut(first) {
                line.blank_before = blank;
            }
            prev = Some(item);
        }
    }

    /// Items of the same kind (decisions excepted) that had no blank line between them stay together.
    fn grouped(&self, prev: &Item, item: &Item) -> bool {
        std::mem::discriminant(prev) == std::mem::discriminant(item)
            && !matches!(item, Item::Decision(_))
            && !self.blank_in(self.code_end(prev.span().end), item.span().start)
    }

    fn header(&mut self, h: &Header) {
        self.push(0, format!("ruleset {} {{", string(&h.name.value)), h.span.start);
        let mut props = Vec::new();
        let mut prop = |order: usize, at: usize, end: usize, text: String| props.push(Prop { order, at, end, text });
        if let Some(a) = &h.authority {
            prop(0, a.span.start, a.span.end, format!("authority {}", string(&a.value)));
        }
        if let Some(from) = &h.valid_from {
            let mut text = format!("valid from {}", date(from.date));
            let mut end = from.span.end;
            if let Some(until) = &h.valid_until {
                text.push_str(&format!(" until {}", date(until.date)));
                end = end.max(until.span.end);
            }
            prop(1, from.span.start, end, text);
        }
        if let Some(s) = &h.source {
            prop(2, s.span.start, s.span.end, format!("source {}", string(&s.value)));
        }
        if let Some(a) = &h.activity {
            prop(3, a.span.start, a.span.end, format!("activity {}", string(&a.value)));
        }
        if let Some(e) = &h.extends {
            prop(4, e.span.start, e.span.end, format!("extends {}", string(&e.value)));
        }
        let body = self.after_brace(h.name.span.end);
        self.props(props, INDENT, body);
        self.push_close(0, h.span.end);
    }

    /// Property lines in canonical order; each owns the source from the end of the property before it
    /// in the source, so a comment stays with the property it was written next to.
    fn props(&mut self, mut props: Vec<Prop>, indent: usize, body_start: usize) {
        crate::sort::sort_by_key(&mut props, |p| p.at);
        let mut prev_end = body_start;
        let mut placed = Vec::with_capacity(props.len());
        for p in props {
            placed.push((p.order, self.next_token(prev_end), p.text));
            prev_end = self.code_end(p.end);
        }
        crate::sort::sort_by_key(&mut placed, |(order, _, _)| *order);
        for (_, start, text) in placed {
            self.push(indent, text, start);
        }
    }

    fn item(&mut self, item: &Item, indent: usize) {
        match item {
            Item::Input(i) => self.input(i, indent),
            Item::Layer(l) => self.push(indent, layer(l), l.span.start),
            Item::Let(l) => self.let_decl(l, indent),
            Item::Decision(d) => self.decision(d, indent),
            Item::Check(c) => self.check(c, indent),
            Item::At(a) => self.push(indent, at_rule(a), a.span.start),
        }
    }

    fn input(&mut self, i: &InputDecl, indent: usize) {
        let kw = match i.kind {
            InputKind::Input => "input",
            InputKind::Question => "question",
        };
        let mut head = format!("{kw} {}: {} {}", i.name.name, type_expr(&i.ty), string(&i.label.value));
        let mut head_end = i.label.span.end;
        if let Some(d) = &i.derive {
            head.push_str(&format!(" from {}", expr(&d.value)));
            head_end = self.expr_end(&d.value);
            if let Some(w) = &d.when {
                head.push_str(&format!(" when {}", expr(w)));
                head_end = self.expr_end(w);
            }
        }
        let mut props = Vec::new();
        let mut prop = |order: usize, at: usize, end: usize, text: String| props.push(Prop { order, at, end, text });
        if let Some(h) = &i.help {
            prop(0, h.span.start, h.span.end, format!("help {}", string(&h.value)));
        }
        if let Some(t) = &i.intent {
            prop(1, t.span.start, t.span.end, format!("intent {}", string(&t.value)));
        }
        if let Some((low, high)) = &i.range {
            prop(2, low.span.start, self.expr_end(high), format!("range {} .. {}", expr(low), expr(high)));
        }
        if let Some((n, span)) = &i.priority {
            prop(3, span.start, span.end, format!("priority {n}"));
        }
        if props.is_empty() {
            self.push(indent, head, i.span.start);
            return;
        }
        self.push(indent, format!("{head} {{"), i.span.start);
        let body = self.after_brace(head_end);
        self.props(props, indent + INDENT, body);
        self.push_close(indent, i.span.end);
    }

    /// `let x = v` on one line; a long `if` chain breaks before each `else`.
    fn let_decl(&mut self, l: &LetDecl, indent: usize) {
        let head = format!("{}let {} = ", if l.is_override { "override " } else { "" }, l.name.name);
        let when = l.when.as_ref().map(|w| format!(" when {}", expr(w))).unwrap_or_default();
        let one_line = format!("{head}{}{when}", expr(&l.value));
        if indent + width(&one_line) <= MAX_WIDTH || !matches!(l.value.kind, ExprKind::If(..)) {
            self.push(indent, one_line, l.span.start);
            return;
        }
        let mut current = &l.value;
        let mut text = head;
        let mut start = l.span.start;
        let mut first = true;
        loop {
            let ExprKind::If(c, t, f) = &current.kind else {
                text.push_str(&expr(current));
                text.push_str(&when);
                self.push_continuation(indent + CONTINUATION, text, start);
                return;
            };
            text.push_str(&format!("if {} then {}", if_part(c), if_part(t)));
            if first {
                self.push(indent, text, start);
                first = false;
            } else {
                self.push_continuation(indent + CONTINUATION, text, start);
            }
            // The next line starts at the `else` keyword.
            start = self.next_token(self.expr_end(t));
            text = "else ".into();
            current = f;
        }
    }

    fn decision(&mut self, d: &Decision, indent: usize) {
        let mut head = String::from("decision ");
        if let Some(id) = &d.id {
            head.push_str(&id.name);
            head.push(' ');
        }
        head.push_str(&string(&d.title.value));
        match &d.body {
            DecisionBody::Tree(branches) => {
                self.push(indent, format!("{head} {{"), d.span.start);
                for b in branches {
                    self.branch(b, indent + INDENT);
                }
            }
            DecisionBody::Table(t) => {
                self.push(indent, format!("{head} table {} {{", hit_policy(t.hit)), d.span.start);
                self.table(t, indent + INDENT);
            }
        }
        self.push_close(indent, d.span.end);
    }

    fn branch(&mut self, b: &Branch, indent: usize) {
        let head = match &b.condition {
            Some(c) => format!("when {}", expr(c)),
            None => "otherwise".to_string(),
        };
        match &b.body {
            BranchBody::Leaf(leaf) => self.leaf_line(head, leaf, indent, b.span.start),
            BranchBody::Nested(children) => {
                self.push(indent, format!("{head} {{"), b.span.start);
                for child in children {
                    self.branch(child, indent + INDENT);
                }
                self.push_close(indent, b.span.end);
            }
        }
    }

    /// `<head> -> value because "..." ref "..."`, the clauses on continuation lines when too long.
    fn leaf_line(&mut self, head: String, leaf: &Leaf, indent: usize, start: usize) {
        let main = format!("{head} -> {}", expr(&leaf.value));
        let because = leaf.because.as_ref().map(|b| format!("because {}", string(&b.value)));
        let reference = leaf.reference.as_ref().map(|r| format!("ref {}", string(&r.value)));
        let mut full = main.clone();
        for clause in because.iter().chain(reference.iter()) {
            full.push(' ');
            full.push_str(clause);
        }
        if indent + width(&full) <= MAX_WIDTH {
            self.push(indent, full, start);
            return;
        }
        self.push(indent, main, start);
        let mut prev_end = self.expr_end(&leaf.value);
        if let (Some(text), Some(b)) = (because, &leaf.because) {
            let at = self.next_token(prev_end);
            self.push_continuation(indent + CONTINUATION, text, at);
            prev_end = b.span.end;
        }
        if let Some(text) = reference {
            let at = self.next_token(prev_end);
            self.push_continuation(indent + CONTINUATION, text, at);
        }
    }

    fn table(&mut self, t: &Table, indent: usize) {
        let inputs: Vec<String> = t.inputs.iter().map(expr).collect();
        let inputs_at = self.next_token(self.after_brace(t.hit_span.end));
        self.push(indent, format!("inputs {}", inputs.join(" | ")), inputs_at);
        let cells: Vec<Vec<String>> = t.rules.iter().map(|r| r.cells.iter().map(cell).collect()).collect();
        let mut widths: Vec<usize> = Vec::new();
        for row in &cells {
            for (i, c) in row.iter().enumerate() {
                match widths.get_mut(i) {
                    Some(w) => *w = (*w).max(width(c)),
                    None => widths.push(width(c)),
                }
            }
        }
        for (rule, row) in t.rules.iter().zip(&cells) {
            let padded: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let w = widths.get(i).copied().unwrap_or(0);
                    format!("{c}{}", " ".repeat(w.saturating_sub(width(c))))
                })
                .collect();
            self.leaf_line(format!("rule {}", padded.join(" | ")), &rule.leaf, indent, rule.span.start);
        }
    }

    /// A check on one line when it fits, else one clause per line.
    fn check(&mut self, c: &Check, indent: usize) {
        // Each clause with the end of its source, where the next clause's line starts owning.
        let mut clauses = vec![(expr(&c.condition), self.expr_end(&c.condition))];
        if let Some(s) = &c.show {
            clauses.push((format!("show {}", expr(s)), self.expr_end(s)));
        }
        if let Some(b) = &c.because {
            clauses.push((format!("because {}", string(&b.value)), b.span.end));
        }
        if let Some(r) = &c.reference {
            clauses.push((format!("ref {}", string(&r.value)), r.span.end));
        }
        let head = format!("check {} {{", string(&c.name.value));
        let texts: Vec<&str> = clauses.iter().map(|(text, _)| text.as_str()).collect();
        let one_line = format!("{head} {} }}", texts.join(" "));
        if indent + width(&one_line) <= MAX_WIDTH {
            self.push(indent, one_line, c.span.start);
            return;
        }
        self.push(indent, head, c.span.start);
        let mut prev_end = self.after_brace(c.name.span.end);
        for (text, end) in clauses {
            let at = self.next_token(prev_end);
            self.push(indent + INDENT, text, at);
            prev_end = end;
        }
        self.push_close(indent, c.span.end);
    }

    // ------------------------------------------------------------ comments and output

    fn attach_comments(&mut self) {
        let mut owners: Vec<(usize, usize)> = self.lines.iter().enumerate().map(|(i, l)| (l.start, i)).collect();
        crate::sort::sort(&mut owners);
        owners.dedup_by_key(|o| o.0);
        let owner = |pos: usize| -> Option<usize> {
            let k = owners.partition_point(|o| o.0 <= pos);
            owners.get(k.saturating_sub(1)).map(|o| o.1)
        };
        for ci in 0..self.comments.len() {
            let (start, end) = self.comment_span(ci);
            if let Some(line) = self.trailing_anchor(start).and_then(owner).and_then(|i| self.lines.get_mut(i)) {
                line.trailing.push(ci);
                continue;
            }
            let next = self.next_token(end);
            let line = (next < self.src.len()).then(|| owner(next)).flatten().and_then(|i| self.lines.get_mut(i));
            match line {
                Some(line) => line.leading.push(ci),
                None => self.end_of_file.push(ci),
            }
        }
    }

    fn comment_text(&self, ci: usize) -> &str {
        self.comments.get(ci).map_or("", |c| c.text.as_str())
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            if line.blank_before && !out.is_empty() {
                out.push('\n');
            }
            // Two comments cannot both end one line: they move above it.
            let moved: &[usize] = if line.trailing.len() > 1 { &line.trailing } else { &[] };
            // Blank lines are kept only around comments that stood before the line's first token;
            // comments moved out of the statement never bring blank lines along.
            let in_gap = |ci: usize| self.comment_span(ci).1 <= line.start;
            for (k, &ci) in line.leading.iter().enumerate() {
                if k > 0 && in_gap(ci) && self.blank_before_comment(ci) {
                    out.push('\n');
                }
                self.comment_line(&mut out, line.comment_indent, ci);
            }
            if let Some(&last) = line.leading.last() {
                if moved.is_empty() && !line.tight && in_gap(last) && self.blank_after_comment(last) {
                    out.push('\n');
                }
            }
            for &ci in moved {
                self.comment_line(&mut out, line.comment_indent, ci);
            }
            push_indent(&mut out, line.indent);
            out.push_str(&line.text);
            if let [ci] = line.trailing[..] {
                out.push(' ');
                out.push_str(self.comment_text(ci));
            }
            out.push('\n');
        }
        for &ci in &self.end_of_file {
            if !out.is_empty() && self.blank_before_comment(ci) {
                out.push('\n');
            }
            self.comment_line(&mut out, 0, ci);
        }
        out
    }

    fn comment_line(&self, out: &mut String, indent: usize, ci: usize) {
        push_indent(out, indent);
        out.push_str(self.comment_text(ci));
        out.push('\n');
    }
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// A string literal, re-escaped so it parses back to the same value.
fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn type_expr(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named(name) => name.name.clone(),
        TypeExpr::Choice(options, _) => {
            let options: Vec<String> = options.iter().map(|o| string(&o.value)).collect();
            format!("choice({})", options.join(", "))
        }
    }
}

fn layer(l: &LayerDecl) -> String {
    let mut text = format!("layer {}: {}", l.name.name, l.kind.name);
    if let Some(label) = &l.label {
        text.push(' ');
        text.push_str(&string(&label.value));
    }
    if !l.attributes.is_empty() {
        let attributes: Vec<String> =
            l.attributes.iter().map(|(name, ty)| format!("{}: {}", name.name, type_expr(ty))).collect();
        text.push_str(&format!(" {{ {} }}", attributes.join(", ")));
    }
    if let Some((attribute, values)) = &l.filter {
        let values: Vec<String> = values.iter().map(|v| string(&v.value)).collect();
        match &values[..] {
            [one] => text.push_str(&format!(" where {} == {one}", attribute.name)),
            _ => text.push_str(&format!(" where {} in [{}]", attribute.name, values.join(", "))),
        }
    }
    text
}

fn at_rule(a: &AtRule) -> String {
    let mut text = format!("at {}", a.layer.name);
    if let Some(r) = &a.radius {
        text.push_str(&format!(" within {}", expr(r)));
    }
    // One line, unless there is an intent: then text, intent and ref each on a line of their own.
    let (open, sep, close) = if a.intent.is_some() { (" {\n  ", "\n  ", "\n}") } else { (" { ", " ", " }") };
    text.push_str(&format!(" {}{open}{}", string(&a.title.value), string(&a.text.value)));
    if let Some(i) = &a.intent {
        text.push_str(&format!("{sep}intent {}", string(&i.value)));
    }
    if let Some(r) = &a.reference {
        text.push_str(&format!("{sep}ref {}", string(&r.value)));
    }
    text.push_str(close);
    text
}

fn hit_policy(hit: HitPolicy) -> &'static str {
    match hit {
        HitPolicy::Unique => "UNIQUE",
        HitPolicy::First => "FIRST",
        HitPolicy::Priority => "PRIORITY",
        HitPolicy::Any => "ANY",
        HitPolicy::Collect(None) => "COLLECT",
        HitPolicy::Collect(Some(Aggregator::Sum)) => "COLLECT sum",
        HitPolicy::Collect(Some(Aggregator::Min)) => "COLLECT min",
        HitPolicy::Collect(Some(Aggregator::Max)) => "COLLECT max",
        HitPolicy::Collect(Some(Aggregator::Count)) => "COLLECT count",
        HitPolicy::RuleOrder => "RULE ORDER",
        HitPolicy::OutputOrder => "OUTPUT ORDER",
    }
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Any(_) => "-".into(),
        Cell::Tests { tests, negated, .. } => {
            let mut printed: Vec<String> = tests.iter().map(unary_test).collect();
            if !negated {
                // A cell starting with `-x` would read as "any", one starting with `not (` as a negation.
                if let Some(first) = printed.first_mut() {
                    let rest = first.strip_prefix('-').map(|r| r.trim_start());
                    let dash = rest.is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_digit() || c == '>'));
                    let not = first.strip_prefix("not").is_some_and(|r| r.trim_start().starts_with('('));
                    if dash || not {
                        *first = format!("({first})");
                    }
                }
            }
            let joined = printed.join(", ");
            if *negated {
                format!("not({joined})")
            } else {
                joined
            }
        }
    }
}

fn unary_test(t: &UnaryTest) -> String {
    match t {
        UnaryTest::Compare(op, e) => format!("{} {}", op.symbol(), expr(e)),
        UnaryTest::Interval { low, low_closed, high, high_closed, .. } => format!(
            "{}{} .. {}{}",
            if *low_closed { "[" } else { "(" },
            expr(low),
            expr(high),
            if *high_closed { "]" } else { ")" }
        ),
        UnaryTest::Equal(e) => expr(e),
    }
}

// ---------------------------------------------------------------- expressions

/// Binding strength of an expression as printed: `if` 0, `or` 1, `and` 2, `not` 3, comparisons and
/// `in` 4, `+ -` 5, `* /` 6, unary minus 7, literals, names, calls and lists 8.
fn strength(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::If(..) => 0,
        ExprKind::Binary(op, ..) => op.precedence(),
        ExprKind::Unary(UnaryOp::Not, _) => 3,
        ExprKind::In(..) => 4,
        ExprKind::Unary(UnaryOp::Neg, _) => 7,
        _ => 8,
    }
}

/// An expression with the fewest parentheses that parse back to the same tree.
pub(crate) fn expr(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e);
    out
}

/// The condition or `then` value of an `if`: a nested `if` there gets parentheses for the reader.
fn if_part(e: &Expr) -> String {
    let mut out = String::new();
    operand(&mut out, e, 1);
    out
}

fn operand(out: &mut String, e: &Expr, min_strength: u8) {
    if strength(e) < min_strength {
        out.push('(');
        write_expr(out, e);
        out.push(')');
    } else {
        write_expr(out, e);
    }
}

fn list(out: &mut String, items: &[Expr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item);
    }
}

fn write_expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Number { text, unit, .. } => {
            out.push_str(text);
            if let Some(unit) = unit {
                if unit.name != "%" {
                    out.push(' ');
                }
                out.push_str(&unit.name);
            }
        }
        ExprKind::Str(s) => out.push_str(&string(s)),
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Location(l) => out.push_str(&l.to_string()),
        ExprKind::Conclusion(name) | ExprKind::Name(name) => out.push_str(name),
        ExprKind::Call(f, args) => {
            out.push_str(&f.name);
            out.push('(');
            list(out, args);
            out.push(')');
        }
        ExprKind::List(items) => {
            out.push('[');
            list(out, items);
            out.push(']');
        }
        ExprKind::Unary(UnaryOp::Not, inner) => {
            out.push_str("not ");
            operand(out, inner, 3);
        }
        ExprKind::Unary(UnaryOp::Neg, inner) => {
            out.push('-');
            operand(out, inner, 7);
        }
        ExprKind::Binary(op, left, right) => {
            let p = op.precedence();
            // Comparisons do not chain; the others associate to the left.
            let left_min = if matches!(op, BinOp::Compare(_) | BinOp::Spatial(_)) { p + 1 } else { p };
            operand(out, left, left_min);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            operand(out, right, p + 1);
        }
        ExprKind::If(c, t, f) => {
            out.push_str("if ");
            operand(out, c, 1);
            out.push_str(" then ");
            operand(out, t, 1);
            out.push_str(" else ");
            write_expr(out, f);
        }
        ExprKind::In(left, items) => {
            operand(out, left, 5);
            out.push_str(" in [");
            list(out, items);
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    /// The parser's sample, with comments in every position the formatter has to keep.
    const SAMPLE: &str = r#"// Voorbeeldregels, eerste regel van het bestand.

ruleset "Voorbeeld" {
  // wie de regels vaststelt
  authority "Gemeente Voorbeeld"   // trailing on a header property
  valid from 2024-01-01 until 2030-12-31
  // end of the header block
}
// the resident's plan
input plan: area "Uw plan"
question height: length "Hoe hoog?" { help "Meet vanaf de grond." range 0 m .. 30 m priority 10 }
question roof: choice("plat", "schuin") "Wat voor dak?"   // trailing after a question
layer monument: area "Monumenten" { status: text }
let max_area = if height <= 3 m then 50% * area(plan) else min(90 m2, 10 m2)
decision conclusie "Conclusie" { // trailing after the opening brace
  // before a branch
  when plan overlaps monument -> Vergunningplicht because "Monument." ref "art. 1"
  when height > 5 m {
    when roof == "plat" -> Vergunningplicht   // trailing inside a nested tree
    otherwise -> Meldingsplicht
    // end of the nested tree
  }
  otherwise -> Toestemmingsvrij because "Past binnen {max_area}."
}
decision "Tabel" table COLLECT sum {
  // before the inputs
  inputs height | roof
  rule < 3 m | "plat", "schuin" -> 1   // trailing on a rule
  // before a rule
  rule [3 m .. 5 m) | not("plat") -> 2
  rule - | - -> 3
}
check "Hoogte" { height <= 5 m show plan because "Te hoog." }
at monument "Monument" { "Status: {status}" ref "Erfgoedwet" }
// the end of the file
"#;

    /// The tree without positions, so a formatted file can be compared with its source.
    fn shape(file: &File) -> String {
        strip_spans(&format!("{:?} {:?}", file.header, file.items))
    }

    /// Remove every `Span { start: N, end: N }` from a Debug string.
    fn strip_spans(debug: &str) -> String {
        let mut out = String::with_capacity(debug.len());
        let mut rest = debug;
        while let Some(i) = rest.find("Span { start: ") {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            let close = rest.find('}').map_or(rest.len(), |n| n + 1);
            out.push_str("Span");
            rest = &rest[close..];
        }
        out.push_str(rest);
        out
    }

    fn comment_texts(file: &File) -> Vec<String> {
        file.comments.iter().map(|c| c.text.clone()).collect()
    }

    /// Formats, then checks: same tree, every comment once, a second format changes nothing.
    fn check_round_trip(source: &str) -> String {
        let before = parse(source).unwrap_or_else(|e| panic!("input parses: {e:?}\n{source}"));
        let once = format(&before, source);
        let after = parse(&once).unwrap_or_else(|e| panic!("output parses: {e:?}\n{once}"));
        assert_eq!(shape(&before), shape(&after), "same tree after formatting:\n{once}");
        let mut want = comment_texts(&before);
        let mut got = comment_texts(&after);
        want.sort();
        got.sort();
        assert_eq!(want, got, "every comment exactly once:\n{once}");
        let twice = format(&after, &once);
        assert_eq!(once, twice, "idempotent; input was:\n{source}");
        once
    }

    #[test]
    fn sample_in_canonical_form() {
        let expected = r#"// Voorbeeldregels, eerste regel van het bestand.

ruleset "Voorbeeld" {
  // wie de regels vaststelt
  authority "Gemeente Voorbeeld" // trailing on a header property
  valid from 2024-01-01 until 2030-12-31
  // end of the header block
}

// the resident's plan
input plan: area "Uw plan"
question height: length "Hoe hoog?" {
  help "Meet vanaf de grond."
  range 0 m .. 30 m
  priority 10
}
question roof: choice("plat", "schuin") "Wat voor dak?" // trailing after a question

layer monument: area "Monumenten" { status: text }

let max_area = if height <= 3 m then 50% * area(plan) else min(90 m2, 10 m2)

decision conclusie "Conclusie" { // trailing after the opening brace
  // before a branch
  when plan overlaps monument -> Vergunningplicht because "Monument." ref "art. 1"
  when height > 5 m {
    when roof == "plat" -> Vergunningplicht // trailing inside a nested tree
    otherwise -> Meldingsplicht
    // end of the nested tree
  }
  otherwise -> Toestemmingsvrij because "Past binnen {max_area}."
}

decision "Tabel" table COLLECT sum {
  // before the inputs
  inputs height | roof
  rule < 3 m        | "plat", "schuin" -> 1 // trailing on a rule
  // before a rule
  rule [3 m .. 5 m) | not("plat")      -> 2
  rule -            | -                -> 3
}

check "Hoogte" { height <= 5 m show plan because "Te hoog." }

at monument "Monument" { "Status: {status}" ref "Erfgoedwet" }
// the end of the file
"#;
        let formatted = check_round_trip(SAMPLE);
        assert_eq!(formatted, expected, "got:\n{formatted}");
    }

    #[test]
    fn formatting_is_idempotent() {
        let once = format_source(SAMPLE).expect("sample parses");
        assert_eq!(format_source(&once).expect("output parses"), once);
    }

    #[test]
    fn every_comment_is_kept_once() {
        let file = parse(SAMPLE).expect("sample parses");
        assert_eq!(file.comments.len(), 14);
        let formatted = format(&file, SAMPLE);
        for c in &file.comments {
            assert_eq!(formatted.matches(c.text.as_str()).count(), 1, "{} in\n{formatted}", c.text);
        }
        let reparsed = parse(&formatted).expect("output parses");
        assert_eq!(comment_texts(&reparsed), comment_texts(&file), "comments keep their order");
    }

    #[test]
    fn output_parses_to_the_same_tree() {
        let file = parse(SAMPLE).expect("sample parses");
        let reparsed = parse(&format(&file, SAMPLE)).expect("output parses");
        assert_eq!(shape(&file), shape(&reparsed));
        assert!(!shape(&file).contains("start:"), "spans are stripped");
    }

    #[test]
    fn messy_input_becomes_canonical() {
        let messy = "  // kop\nruleset   \"R\"{valid from 2024-01-01 authority \"A\"}\nquestion h :length\"Hoogte\"{priority 2\n      help \"Meet.\"}\n   let a=1 m+ ( 2 m*3 )\nlet b =(a-(b-c))   // rechts blijft\n\n\n\ndecision \"D\"{when h>5 m->Vergunningplicht because\"Te hoog.\"\notherwise->Toestemmingsvrij}check \"C\"{h<=5 m}";
        let expected = "// kop\nruleset \"R\" {\n  authority \"A\"\n  valid from 2024-01-01\n}\n\nquestion h: length \"Hoogte\" {\n  help \"Meet.\"\n  priority 2\n}\n\nlet a = 1 m + 2 m * 3\nlet b = a - (b - c) // rechts blijft\n\ndecision \"D\" {\n  when h > 5 m -> Vergunningplicht because \"Te hoog.\"\n  otherwise -> Toestemmingsvrij\n}\n\ncheck \"C\" { h <= 5 m }\n";
        assert_eq!(check_round_trip(messy), expected);
    }

    #[test]
    fn long_because_lines_wrap() {
        let long = "Het bouwwerk ligt (deels) buiten het achtererfgebied, en daarvoor is een vergunning nodig.";
        let source = format!(
            "decision \"D\" {{\n  when location(plan, rear_yard) != ja -> Vergunningplicht because \"{long}\" ref \"art. 22.26\" // waarom\n  when x -> Meldingsplicht because \"Kort.\" ref \"art. 1\"\n}}\ndecision \"T\" table FIRST {{\n  inputs x\n  rule < 3 m -> Vergunningplicht because \"{long}\"\n}}\n"
        );
        let expected = format!(
            "decision \"D\" {{\n  when location(plan, rear_yard) != ja -> Vergunningplicht\n      because \"{long}\"\n      ref \"art. 22.26\" // waarom\n  when x -> Meldingsplicht because \"Kort.\" ref \"art. 1\"\n}}\n\ndecision \"T\" table FIRST {{\n  inputs x\n  rule < 3 m -> Vergunningplicht\n      because \"{long}\"\n}}\n"
        );
        assert_eq!(check_round_trip(&source), expected);
        // A line of exactly the maximum width stays whole.
        let head = "  when x -> V because \"\"";
        let fill = "a".repeat(MAX_WIDTH - width(head));
        let exact = format!("decision \"D\" {{\n  when x -> V because \"{fill}\"\n}}\n");
        assert_eq!(check_round_trip(&exact), exact);
    }

    #[test]
    fn at_rules_with_an_intent_take_several_lines() {
        let source = "at trees within 3 m \"Boom\" { \"Hier staat een {soort}.\" ref \"art. 4\" }\nat zone \"Zone\" { \"Tekst.\" intent \"Waarom.\" // uitleg\n ref \"art. 5\" }\n";
        let expected = "at trees within 3 m \"Boom\" { \"Hier staat een {soort}.\" ref \"art. 4\" }\nat zone \"Zone\" {\n  \"Tekst.\"\n  intent \"Waarom.\"\n  ref \"art. 5\"\n} // uitleg\n";
        let once = format_source(source).expect("parses");
        assert_eq!(once, expected);
        assert_eq!(format_source(&once).expect("output parses"), once);
    }

    #[test]
    fn long_checks_and_if_chains_break() {
        let source = "let max_area = if base <= 100 m2 then 50% * base else if base <= 300 m2 then 50 m2 + 20% * (base - 100 m2) else min(90 m2 + 10% * (base - 300 m2), 150 m2)\ncheck \"Binnen het achtererfgebied\" { plan within rear_yard show difference(plan, rear_yard) because \"Het bouwwerk moet in het achtererfgebied liggen.\" ref \"art. 2\" }\n";
        let expected = "let max_area = if base <= 100 m2 then 50% * base\n    else if base <= 300 m2 then 50 m2 + 20% * (base - 100 m2)\n    else min(90 m2 + 10% * (base - 300 m2), 150 m2)\n\ncheck \"Binnen het achtererfgebied\" {\n  plan within rear_yard\n  show difference(plan, rear_yard)\n  because \"Het bouwwerk moet in het achtererfgebied liggen.\"\n  ref \"art. 2\"\n}\n";
        assert_eq!(check_round_trip(source), expected);
    }

    #[test]
    fn expressions_keep_only_needed_parentheses() {
        let cases = [
            ("a - (b - c)", "a - (b - c)"),
            ("(a - b) - c", "a - b - c"),
            ("(a * b) + (c / d)", "a * b + c / d"),
            ("(a + b) * -(c + d)", "(a + b) * -(c + d)"),
            ("--x", "--x"),
            ("- 5 m", "-5 m"),
            ("(a or b) and not (c and d)", "(a or b) and not (c and d)"),
            ("not (a > 1)", "not a > 1"),
            ("(not a) == b", "(not a) == b"),
            ("(a < b) == c", "(a < b) == c"),
            ("a or (b or c)", "a or (b or c)"),
            ("(if a then 1 else 2) + 3", "(if a then 1 else 2) + 3"),
            ("if a then 1 else if b then 2 else 3", "if a then 1 else if b then 2 else 3"),
            (
                "if (if a then b else c) then (if d then e else f) else g",
                "if (if a then b else c) then (if d then e else f) else g",
            ),
            ("(x + 1) in [1, 2 , 3]", "x + 1 in [1, 2, 3]"),
            ("(x in [1]) == true", "(x in [1]) == true"),
            ("f( a ,[b,c] , g() )", "f(a, [b, c], g())"),
            ("20 % * 1.50 m2 + 7", "20% * 1.50 m2 + 7"),
            ("plan overlaps (monument) and ja != deels", "plan overlaps monument and ja != deels"),
            ("\"een \\\"citaat\\\" \\\\ en\\nregel\\t\"", "\"een \\\"citaat\\\" \\\\ en\\nregel\\t\""),
            ("Vergunningplicht", "Vergunningplicht"),
        ];
        for (input, want) in cases {
            let source = format!("let x = {input}\n");
            assert_eq!(check_round_trip(&source), format!("let x = {want}\n"), "{input}");
        }
    }

    #[test]
    fn cells_that_would_read_differently_keep_parentheses() {
        let source = "decision \"T\" table UNIQUE {\n  inputs a | b\n  rule (not (a or b)), c | (-x) -> 1\n  rule not(1, 2) | >= -5 -> 2\n  rule (1 m .. 2 m] | [a, b] -> 3\n}\n";
        let expected = "decision \"T\" table UNIQUE {\n  inputs a | b\n  rule (not (a or b)), c | (-x)   -> 1\n  rule not(1, 2)         | >= -5  -> 2\n  rule (1 m .. 2 m]      | [a, b] -> 3\n}\n";
        assert_eq!(check_round_trip(source), expected);
    }

    #[test]
    fn hit_policies_and_declarations() {
        for hit in ["UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "COLLECT count", "RULE ORDER", "OUTPUT ORDER"] {
            let source = format!("decision \"T\" table {hit} {{\n  inputs a\n  rule - -> 1\n}}\n");
            assert_eq!(check_round_trip(&source), source);
        }
        let source = "input parcel: area \"Perceel\"\nlayer zone: area\nlayer road: line \"Weg\" { kind: text, width: length, soort: choice(\"a\", \"b\") }\nquestion q: choice(\"ja\") \"Vraag\" { intent \"Bedoeling\" priority -3 }\nat road within 5 m \"Weg\" { \"Breedte {width}\" }\nat zone \"Zone\" { \"Tekst\" ref \"art. 3\" }\n";
        let expected = "input parcel: area \"Perceel\"\n\nlayer zone: area\nlayer road: line \"Weg\" { kind: text, width: length, soort: choice(\"a\", \"b\") }\n\nquestion q: choice(\"ja\") \"Vraag\" {\n  intent \"Bedoeling\"\n  priority -3\n}\n\nat road within 5 m \"Weg\" { \"Breedte {width}\" }\nat zone \"Zone\" { \"Tekst\" ref \"art. 3\" }\n";
        assert_eq!(check_round_trip(source), expected);
    }

    #[test]
    fn composition_syntax() {
        let source = "ruleset \"Stad\" { extends \"../basis.rules\" // basis\n valid from 2025-01-01 authority \"Stad\" }\nlayer bouwvlak: area \"Bouwvlak\" where imro_type == \"Bouwvlak\"\nlayer wonen: area { naam: text } where naam in [\"Wonen\" , \"Wonen - 1\"]\nlayer een: area where naam in [\"Wonen\"]\noverride let max_height = 6 m when location(parcel, centrum) == ja\noverride let max_area = if parcel_area <= 100 m2 then 50% * parcel_area else if parcel_area <= 300 m2 then 60 m2 else 90 m2 when location(parcel, centrum) == ja\n";
        let expected = "ruleset \"Stad\" {\n  authority \"Stad\"\n  valid from 2025-01-01\n  extends \"../basis.rules\" // basis\n}\n\nlayer bouwvlak: area \"Bouwvlak\" where imro_type == \"Bouwvlak\"\nlayer wonen: area { naam: text } where naam in [\"Wonen\", \"Wonen - 1\"]\nlayer een: area where naam == \"Wonen\"\n\noverride let max_height = 6 m when location(parcel, centrum) == ja\noverride let max_area = if parcel_area <= 100 m2 then 50% * parcel_area\n    else if parcel_area <= 300 m2 then 60 m2\n    else 90 m2 when location(parcel, centrum) == ja\n";
        assert_eq!(check_round_trip(source), expected);
    }

    #[test]
    fn comments_inside_a_statement_move_before_it() {
        let source = "let x = a +   // eerste\n  // tussen\n  b +  // tweede\n  c\nlet y = 1 // alleen\n";
        let expected = "// tussen\n// eerste\n// tweede\nlet x = a + b + c\nlet y = 1 // alleen\n";
        assert_eq!(check_round_trip(source), expected);
        let source = "question h: length \"H\" {\n  range 0 m // laag\n    .. 30 m\n  // voor help\n  help \"x\"\n}\n";
        let expected = "question h: length \"H\" {\n  // voor help\n  help \"x\"\n  range 0 m .. 30 m // laag\n}\n";
        assert_eq!(check_round_trip(source), expected);
    }

    #[test]
    fn blank_lines_around_comments() {
        let source = "let a = 1\n// over b\nlet b = 2\n\n\n// sectie\n\n// over c\nlet c = 3\ndecision \"D\" {\n\n  when a -> X\n\n  // over otherwise\n\n  otherwise -> Y\n  // einde\n\n}\n\n\n// einde bestand\n// nog een\n";
        let expected = "let a = 1\n// over b\nlet b = 2\n\n// sectie\n\n// over c\nlet c = 3\n\ndecision \"D\" {\n  when a -> X\n  // over otherwise\n\n  otherwise -> Y\n  // einde\n}\n\n// einde bestand\n// nog een\n";
        assert_eq!(check_round_trip(source), expected);
    }

    #[test]
    fn comment_only_and_empty_files() {
        assert_eq!(format_source("").expect("empty parses"), "");
        assert_eq!(check_round_trip("  // een\n\n   // twee\n"), "// een\n\n// twee\n");
        assert_eq!(check_round_trip("ruleset \"R\" {}"), "ruleset \"R\" {\n}\n");
        assert!(format_source("let x = ").is_err());
    }

    #[test]
    fn windows_line_endings_and_tabs() {
        let source = "let a = 1\r\n\r\n// over b\r\nlet b =\t2 // twee\r\ndecision \"D\" {\r\n\twhen a -> X\r\n\t// einde\r\n}\r\n";
        let expected = "let a = 1\n\n// over b\nlet b = 2 // twee\n\ndecision \"D\" {\n  when a -> X\n  // einde\n}\n";
        assert_eq!(check_round_trip(source), expected);
    }

    #[test]
    fn mismatched_source_does_not_panic() {
        let file = parse(SAMPLE).expect("sample parses");
        for source in ["", "x", "// kort\n", &SAMPLE[..SAMPLE.len() / 2]] {
            let out = format(&file, source);
            assert!(out.contains("decision conclusie"), "{out}");
        }
    }

    /// Every prefix of the sample that still parses formats to a fixed point with the same tree.
    #[test]
    fn truncated_samples_format_stably() {
        let mut parsed = 0;
        // Cut before each space and line break, and inside each word (`plan` -> `pl`).
        let cuts = SAMPLE.char_indices().filter(|(i, c)| c.is_whitespace() || i % 3 == 0).map(|(i, _)| i);
        for end in cuts.chain([SAMPLE.len()]) {
            let prefix = &SAMPLE[..end];
            if parse(prefix).is_ok() {
                check_round_trip(prefix);
                parsed += 1;
            }
        }
        assert!(parsed > 50, "only {parsed} prefixes parsed");
        // Dropping any one line also gives many different valid files.
        let lines: Vec<&str> = SAMPLE.lines().collect();
        for skip in 0..lines.len() {
            let text: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect();
            let text = text.join("\n");
            if parse(&text).is_ok() {
                check_round_trip(&text);
            }
        }
    }

    /// A comment put at any point between tokens of the sample, on its own line or after code, is
    /// kept, and the result is a fixed point.
    #[test]
    fn a_comment_anywhere_survives() {
        let mut parsed = 0;
        // Just before each space or punctuation mark, alternating the two kinds of comment.
        let places = SAMPLE.char_indices().filter(|(_, c)| c.is_whitespace() || c.is_ascii_punctuation());
        for (k, (at, _)) in places.enumerate() {
            let comment = if k % 2 == 0 { " // na code\n" } else { "\n// eigen regel\n\n" };
            let text = format!("{}{comment}{}", &SAMPLE[..at], &SAMPLE[at..]);
            if parse(&text).is_ok() {
                check_round_trip(&text);
                parsed += 1;
            }
        }
        assert!(parsed > 300, "only {parsed} variants parsed");
    }
}

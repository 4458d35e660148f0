//! Diagnostics: what is wrong, where, and how to fix it. One value renders as text for the CLI
//! (`file:line:col: error[E004]: message` with a caret excerpt), as JSON for tools, and as
//! line/column for a browser editor.
//!
//! This is the only file that names the renderer (miette). Its excerpts are the `excerpts` feature
//! (on by default): the browser build leaves miette out to save about 90 KB of WebAssembly and draws
//! a plain excerpt instead (the source line, a caret line with the label, the help).

use std::fmt;

use serde::Serialize;

use crate::source::{Position, SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A secondary span with a short message ("declared here").
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in a ruleset. Codes are stable (`E0xx` errors, `W0xx` warnings); messages may improve.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// The text under the caret.
    pub label: Option<String>,
    pub others: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            others: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, span, message) }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_other(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.others.push(Label { span, message: message.into() });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: error[E004]: message`. Control and bidirectional characters in the file name
    /// and message are written as escapes (`\u{202e}`), so quoted input cannot reorder what is shown.
    pub fn header(&self, file: &SourceFile) -> String {
        let pos = file.position(self.span.start);
        format!(
            "{}:{}:{}: {}[{}]: {}",
            visible(file.name_at(self.span.start)),
            pos.line,
            pos.column,
            self.severity,
            self.code,
            visible(&self.message)
        )
    }

    /// The header line, the source excerpt with a caret under the span, and the help line.
    pub fn render(&self, file: &SourceFile) -> String {
        let mut out = self.header(file);
        out.push('\n');
        out.push_str(&render_excerpt(self, file));
        out
    }

    /// The diagnostic as JSON, with 1-based line/column of start and end.
    pub fn to_json(&self, file: &SourceFile) -> serde_json::Value {
        let start = file.position(self.span.start);
        let end = file.position(self.span.end);
        serde_json::json!({
            "file": file.name_at(self.span.start),
            "line": start.line,
            "column": start.column,
            "end_line": end.line,
            "end_column": end.column,
            "utf16_column": start.utf16_column,
            "end_utf16_column": end.utf16_column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "label": self.label,
            "help": self.help,
            "related": self.others.iter().map(|l| {
                let p: Position = file.position(l.span.start);
                serde_json::json!({"line": p.line, "column": p.column, "message": l.message})
            }).collect::<Vec<_>>(),
        })
    }
}

/// How many diagnostics of one code are listed; the rest are counted in one line.
pub const MAX_PER_CODE: usize = 50;

/// Keeps the first [`MAX_PER_CODE`] diagnostics of each code (in their order) and puts one
/// diagnostic per code in place of the rest, saying how many more there are: a ruleset with
/// thousands of the same mistake gets a readable list (and a bounded one) rather than all of them.
pub fn cap(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
    let mut kept = Vec::new();
    let mut dropped: Vec<(usize, Diagnostic, usize)> = Vec::new(); // (place, first dropped, count)
    for d in diagnostics {
        let n = seen.entry(d.code).or_default();
        *n += 1;
        if *n <= MAX_PER_CODE {
            kept.push(d);
        } else if let Some(entry) = dropped.iter_mut().find(|(_, first, _)| first.code == d.code) {
            entry.2 += 1;
        } else {
            dropped.push((kept.len(), d, 1));
        }
    }
    for (place, first, count) in dropped.into_iter().rev() {
        let summary = Diagnostic {
            message: format!(
                "{count} more {} like this ({}) not listed",
                if first.is_error() { "errors" } else { "warnings" },
                first.code
            ),
            label: Some("the first of them".into()),
            others: Vec::new(),
            help: Some(format!("only the first {MAX_PER_CODE} of each kind are listed; fix those and check again")),
            ..first
        };
        kept.insert(place, summary);
    }
    kept
}

/// Diagnostics sorted by position, errors first on the same spot.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    crate::sort::sort_by_key(diagnostics, |d| (d.span.start, d.severity, d.code));
}

/// A diagnostic bound to its source, in the shape miette renders: the one file its span is in,
/// with spans relative to that file.
#[cfg(feature = "excerpts")]
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: miette::NamedSource<std::sync::Arc<str>>,
    file_range: std::ops::Range<usize>,
}

#[cfg(feature = "excerpts")]
impl Rendered<'_> {
    /// (offset, length) within the file, or `None` for a span in another file.
    fn local(&self, span: Span) -> Option<(usize, usize)> {
        let r = &self.file_range;
        (span.start >= r.start && span.end <= r.end)
            .then(|| (span.start - r.start, span.end.saturating_sub(span.start)))
    }
}

#[cfg(feature = "excerpts")]
impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

#[cfg(feature = "excerpts")]
impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

#[cfg(feature = "excerpts")]
impl std::error::Error for Rendered<'_> {}

#[cfg(feature = "excerpts")]
impl miette::Diagnostic for Rendered<'_> {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help.as_ref().map(|h| Box::new(visible(h).into_owned()) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let label = d.label.as_ref().map(|l| visible(l).into_owned());
        let primary = self.local(d.span).map(|s| miette::LabeledSpan::new_primary_with_span(label, s));
        let others = d.others.iter().filter_map(|l| {
            self.local(l.span).map(|s| miette::LabeledSpan::new_with_span(Some(visible(&l.message).into_owned()), s))
        });
        Some(Box::new(primary.into_iter().chain(others)))
    }
}

#[cfg(feature = "excerpts")]
fn render_excerpt(diagnostic: &Diagnostic, file: &SourceFile) -> String {
    // miette draws whole lines and panics past column 65,535: long lines get the plain excerpt,
    // which shows a window around the span.
    if long_lines_near(file, diagnostic.span.start) {
        return plain_excerpt(diagnostic, file);
    }
    let file_range = file.part_range(diagnostic.span.start);
    let text = shown_source_cached(file.text.get(file_range.clone()).unwrap_or(""));
    let rendered = Rendered {
        diagnostic,
        source: miette::NamedSource::new(visible(file.name_at(diagnostic.span.start)), text),
        file_range,
    };
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_context_lines(1)
        .with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, &rendered).is_err() {
        return String::new();
    }
    // miette starts with its own "× message" line; our header already says that. Its frame
    // counts columns in bytes; ours count characters, so the frame is rewritten to match the header.
    let lines: Vec<&str> = out.lines().collect();
    let first_snippet = lines.iter().position(|l| l.contains('╭')).unwrap_or(0);
    let pos = file.position(diagnostic.span.start);
    let frame = format!("[{}:{}:{}]", visible(file.name_at(diagnostic.span.start)), pos.line, pos.column);
    let mut excerpt = lines[first_snippet..]
        .iter()
        .enumerate()
        .map(|(i, l)| match (i, l.find("╭─["), l.rfind(']')) {
            (0, Some(open), Some(close)) if close > open => {
                format!("{}{frame}{}", &l[..open + "╭─".len()], &l[close + 1..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    excerpt.push('\n');
    excerpt
}

/// [`shown_source`] of a whole file, kept for the next excerpt of the same text: a check that
/// prints many warnings on one large file would otherwise convert the whole file for each.
#[cfg(feature = "excerpts")]
fn shown_source_cached(text: &str) -> std::sync::Arc<str> {
    use std::cell::RefCell;
    use std::sync::Arc;
    thread_local! {
        static LAST: RefCell<Option<(String, Arc<str>)>> = const { RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((original, shown)) = last.as_ref() {
            if original == text {
                return Arc::clone(shown);
            }
        }
        let shown: Arc<str> = shown_source(text).into();
        *last = Some((text.to_string(), Arc::clone(&shown)));
        shown
    })
}

#[cfg(not(feature = "excerpts"))]
fn render_excerpt(diagnostic: &Diagnostic, file: &SourceFile) -> String {
    plain_excerpt(diagnostic, file)
}

/// Lines longer than this (in bytes) are shown as a window around the span.
const LONG_LINE: usize = 200;
/// Characters shown before the span in such a window, and at most after its start.
const WINDOW_BEFORE: usize = 40;
const WINDOW_AFTER: usize = 60;

/// Whether the span's line or a line next to it (miette shows one either side) is long.
#[cfg_attr(not(feature = "excerpts"), allow(dead_code))]
fn long_lines_near(file: &SourceFile, offset: usize) -> bool {
    let range = file.line_range(offset);
    let before = file.line_range(range.start.saturating_sub(1));
    let after = file.line_range(range.end + 1);
    [range, before, after].iter().any(|r| r.len() > LONG_LINE)
}

/// The text as an excerpt shows it, byte for byte as long (spans stay valid): a bare CR is a line
/// break, other control characters become `?` and bidirectional controls `¿`/`�` (two and three
/// bytes, like the characters they replace), so the excerpt cannot be reordered on screen.
fn shown_source(text: &str) -> String {
    let bytes = text.as_bytes();
    text.char_indices()
        .map(|(i, c)| match c {
            '\r' if bytes.get(i + 1) != Some(&b'\n') => '\n',
            '\t' | '\n' | '\r' => c,
            c if c.is_ascii_control() => '?',
            c if is_bidi_control(c) && c.len_utf8() == 2 => '¿',
            c if is_bidi_control(c) || c.is_control() && c.len_utf8() == 3 => '\u{fffd}',
            c if c.is_control() => '¿',
            c => c,
        })
        .collect()
}

/// Characters that change the direction of the text after them (the "Trojan Source" set).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a message or file name: control and bidirectional characters as `\u{..}` escapes.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Without miette: the source line of the span (a window of it when the line is long), a caret
/// line with the label, and the help. Always compiled, so the default build tests it too.
fn plain_excerpt(diagnostic: &Diagnostic, file: &SourceFile) -> String {
    let pos = file.position(diagnostic.span.start);
    let range = file.line_range(diagnostic.span.start);
    let line = shown_source(file.text.get(range.clone()).unwrap_or(""));
    let column = pos.column - 1;
    let width = file.slice(diagnostic.span).chars().take_while(|&c| c != '\n' && c != '\r').count().max(1);
    // A window of the line: from WINDOW_BEFORE characters before the span, at most WINDOW_AFTER after.
    let (line, column, width) = if line.len() > LONG_LINE {
        let first = column.saturating_sub(WINDOW_BEFORE);
        let shown: String = line.chars().skip(first).take(column - first + WINDOW_AFTER).collect();
        let more = line.chars().count() > column + WINDOW_AFTER;
        let lead = if first > 0 { "…" } else { "" };
        let text = format!("{lead}{shown}{}", if more { "…" } else { "" });
        (text, column - first + lead.chars().count(), width.min(WINDOW_AFTER))
    } else {
        (line, column, width)
    };
    let gutter = " ".repeat(pos.line.to_string().len());
    let mut out = format!("{gutter} |\n{} | {line}\n{gutter} | {}{}", pos.line, " ".repeat(column), "^".repeat(width));
    if let Some(label) = &diagnostic.label {
        out.push(' ');
        out.push_str(&visible(label));
    }
    out.push('\n');
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("{gutter} = help: {}\n", visible(help)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_header_caret_and_help() {
        let file = SourceFile::new("x.rules", "let a = 1\nlet b = hieght\n");
        let d = Diagnostic::error("E002", Span::new(18, 24), "unknown name `hieght`")
            .with_label("not declared")
            .with_help("did you mean `height`?");
        let text = d.render(&file);
        assert!(text.starts_with("x.rules:2:9: error[E002]: unknown name `hieght`\n"), "{text}");
        assert!(text.contains("let b = hieght"), "{text}");
        assert!(text.contains("did you mean `height`?"), "{text}");
        assert_eq!(d.to_json(&file)["column"], 9);
    }

    #[test]
    fn plain_excerpt_has_line_caret_label_and_help() {
        let file = SourceFile::new("x.rules", "let a = 1\nlet b = hieght\n");
        let d = Diagnostic::error("E002", Span::new(18, 24), "unknown name `hieght`")
            .with_label("not declared")
            .with_help("did you mean `height`?");
        assert_eq!(
            plain_excerpt(&d, &file),
            "  |\n2 | let b = hieght\n  |         ^^^^^^ not declared\n  = help: did you mean `height`?\n"
        );
    }
}

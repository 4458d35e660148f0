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

    /// `file:line:col: error[E004]: message`
    pub fn header(&self, file: &SourceFile) -> String {
        let pos = file.position(self.span.start);
        format!(
            "{}:{}:{}: {}[{}]: {}",
            file.name_at(self.span.start),
            pos.line,
            pos.column,
            self.severity,
            self.code,
            self.message
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

/// Diagnostics sorted by position, errors first on the same spot.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    crate::sort::sort_by_key(diagnostics, |d| (d.span.start, d.severity, d.code));
}

/// A diagnostic bound to its source, in the shape miette renders: the one file its span is in,
/// with spans relative to that file.
#[cfg(feature = "excerpts")]
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: miette::NamedSource<String>,
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
        self.diagnostic.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = self.local(d.span).map(|s| miette::LabeledSpan::new_primary_with_span(d.label.clone(), s));
        let others = d
            .others
            .iter()
            .filter_map(|l| self.local(l.span).map(|s| miette::LabeledSpan::new_with_span(Some(l.message.clone()), s)));
        Some(Box::new(primary.into_iter().chain(others)))
    }
}

#[cfg(feature = "excerpts")]
fn render_excerpt(diagnostic: &Diagnostic, file: &SourceFile) -> String {
    let file_range = file.part_range(diagnostic.span.start);
    let text = file.text.get(file_range.clone()).unwrap_or("").to_string();
    let rendered = Rendered {
        diagnostic,
        source: miette::NamedSource::new(file.name_at(diagnostic.span.start), text),
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
    let frame = format!("[{}:{}:{}]", file.name_at(diagnostic.span.start), pos.line, pos.column);
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

#[cfg(not(feature = "excerpts"))]
fn render_excerpt(diagnostic: &Diagnostic, file: &SourceFile) -> String {
    plain_excerpt(diagnostic, file)
}

/// Without miette: the source line of the span, a caret line with the label, and the help.
/// Always compiled, so the default build tests it too.
#[cfg_attr(feature = "excerpts", allow(dead_code))]
fn plain_excerpt(diagnostic: &Diagnostic, file: &SourceFile) -> String {
    let pos = file.position(diagnostic.span.start);
    let line_start = file.text[..diagnostic.span.start.min(file.text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = file.text[line_start..].lines().next().unwrap_or("");
    let width = file.slice(diagnostic.span).chars().take_while(|&c| c != '\n').count().max(1);
    let gutter = " ".repeat(pos.line.to_string().len());
    let mut out =
        format!("{gutter} |\n{} | {line}\n{gutter} | {}{}", pos.line, " ".repeat(pos.column - 1), "^".repeat(width));
    if let Some(label) = &diagnostic.label {
        out.push(' ');
        out.push_str(label);
    }
    out.push('\n');
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("{gutter} = help: {help}\n"));
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

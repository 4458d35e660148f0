//! Source text, byte spans and line/column positions.

use serde::Serialize;

/// A byte range in a source file. Every AST node carries one so later phases can point at source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// A named source text (a file path or a label such as `<editor>`). A composed ruleset
/// (`extends`) is one source made of several files joined by newlines; positions then name the
/// file and count lines within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// (byte offset where a file starts, its name), in order; empty for a single file.
    parts: Vec<(usize, String)>,
}

/// A 1-based line and column. `column` counts characters; `utf16_column` counts UTF-16 units
/// (what a browser editor uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub utf16_column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        // A line ends at `\n`, `\r\n` or a bare `\r` (old Mac files).
        let bytes = text.as_bytes();
        let breaks =
            bytes.iter().enumerate().filter(|&(i, &b)| b == b'\n' || b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        let line_starts = std::iter::once(0).chain(breaks.map(|(i, _)| i + 1)).collect();
        SourceFile { name: name.into(), text, line_starts, parts: Vec::new() }
    }

    /// One source of several files, in order (the base ruleset first). The last file names it.
    pub fn concat(files: &[(String, String)]) -> SourceFile {
        let mut text = String::new();
        let mut parts = Vec::new();
        for (name, part) in files {
            parts.push((text.len(), name.clone()));
            text.push_str(part);
            text.push('\n');
        }
        let name = files.last().map(|(n, _)| n.clone()).unwrap_or_default();
        SourceFile { parts, ..SourceFile::new(name, text) }
    }

    /// Where the file holding `offset` starts.
    pub fn part_start(&self, offset: usize) -> usize {
        let i = self.parts.partition_point(|(start, _)| *start <= offset);
        i.checked_sub(1).and_then(|i| self.parts.get(i)).map(|(s, _)| *s).unwrap_or(0)
    }

    /// The byte range of the file that holds `offset`.
    pub fn part_range(&self, offset: usize) -> std::ops::Range<usize> {
        let start = self.part_start(offset);
        let end = self.parts.iter().map(|(s, _)| *s).find(|s| *s > start).unwrap_or(self.text.len());
        start..end
    }

    /// The name of the file that holds `offset`.
    pub fn name_at(&self, offset: usize) -> &str {
        let i = self.parts.partition_point(|(start, _)| *start <= offset);
        i.checked_sub(1).and_then(|i| self.parts.get(i)).map(|(_, n)| n.as_str()).unwrap_or(&self.name)
    }

    /// The line and column of a byte offset (clamped to the text), within its file.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let first_line = self.line_starts.partition_point(|&start| start <= self.part_start(offset)).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let prefix = self.text.get(start..offset).unwrap_or("");
        Position {
            line: line - first_line + 1,
            column: prefix.chars().count() + 1,
            utf16_column: prefix.encode_utf16().count() + 1,
        }
    }

    /// The byte range of the line holding `offset`, without its line break.
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let mut end = self.line_starts.get(line + 1).map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }

    /// The text of a span (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let file = SourceFile::new("t.rules", "ab\ncdé f\n");
        assert_eq!(file.position(0).line, 1);
        assert_eq!(file.position(3), Position { line: 2, column: 1, utf16_column: 1 });
        // 'é' is two bytes but one character
        assert_eq!(file.position(8).column, 5);
        assert_eq!(file.position(1000).line, 3);
    }

    #[test]
    fn composed_sources_count_lines_per_file() {
        let file = SourceFile::concat(&[("base.rules".into(), "a\nb".into()), ("own.rules".into(), "c\nd".into())]);
        assert_eq!(file.text, "a\nb\nc\nd\n");
        assert_eq!(file.name_at(0), "base.rules");
        assert_eq!(file.name_at(4), "own.rules");
        assert_eq!(file.position(6).line, 2);
        assert_eq!(file.position(2).line, 2);
    }
}

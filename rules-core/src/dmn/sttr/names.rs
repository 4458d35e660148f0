//! Identifiers for DMN names and question texts.

use std::collections::BTreeSet;

pub(super) const KEYWORDS: [&str; 43] = [
    "ruleset",
    "authority",
    "valid",
    "from",
    "until",
    "source",
    "activity",
    "input",
    "question",
    "layer",
    "let",
    "decision",
    "table",
    "when",
    "otherwise",
    "because",
    "ref",
    "check",
    "show",
    "at",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "ja",
    "nee",
    "deels",
    "help",
    "intent",
    "range",
    "priority",
    "rule",
    "inputs",
    "within",
    "contains",
    "overlaps",
    "intersects",
    "choice",
];

pub(super) const STOPWORDS: [&str; 78] = [
    "de", "het", "een", "van", "op", "in", "u", "uw", "is", "zijn", "wordt", "worden", "gaat", "gaan", "te", "aan",
    "of", "en", "met", "voor", "bij", "naar", "dan", "als", "er", "die", "dat", "deze", "dit", "wat", "welk", "welke",
    "hoe", "hoeveel", "wanneer", "waar", "waarop", "ik", "je", "we", "wij", "hij", "zij", "ze", "heeft", "hebben",
    "moet", "moeten", "kan", "kunnen", "mag", "mogen", "zal", "zullen", "ligt", "liggen", "staat", "vanaf", "tot",
    "om", "door", "uit", "over", "onder", "boven", "maken", "gemeten", "ook", "nog", "al", "geen", "niet", "cm", "m",
    "bouwen", "bestaat", "waarin", "deel",
];

pub(super) fn fold(c: char) -> Option<char> {
    let c = c.to_lowercase().next().unwrap_or(c);
    Some(match c {
        'a'..='z' | '0'..='9' => c,
        'á' | 'à' | 'ä' | 'â' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        _ => return None,
    })
}

/// Lower-case ASCII words of a text (`0,3m` stays one word: `0_3m`).
pub(super) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = matches!(c, ',' | '.')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if between_digits {
            cur.push('_');
            continue;
        }
        match fold(c) {
            Some(f) => cur.push(f),
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A DMN name that a reader can use as it is (not a generated id).
pub(super) fn readable(name: &str) -> bool {
    let hexish =
        name.trim_start_matches('_').chars().take(9).filter(|c| c.is_ascii_hexdigit() || *c == '-').count() >= 9;
    !hexish && name.chars().any(char::is_alphabetic)
}

#[derive(Default)]
pub(super) struct Namer {
    pub(super) used: BTreeSet<String>,
}

impl Namer {
    pub(super) fn unique(&mut self, base: &str) -> String {
        let mut base: String = base.trim_matches('_').to_string();
        if base.is_empty() {
            base = "waarde".into();
        }
        if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
            base = format!("v_{base}");
        }
        let taken = |n: &str, used: &BTreeSet<String>| {
            used.contains(n) || KEYWORDS.contains(&n) || crate::builtins::Builtin::lookup(n).is_some()
        };
        let mut name = base.clone();
        let mut k = 2;
        while taken(&name, &self.used) {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.used.insert(name.clone());
        name
    }

    /// From a DMN name: `Plat dak` -> `plat_dak`.
    pub(super) fn name_for(&mut self, name: &str) -> String {
        self.unique(&words(name).join("_"))
    }

    /// From a question: the first words that carry meaning, up to about 30 characters.
    pub(super) fn name_for_question(&mut self, text: &str) -> String {
        let mut name = String::new();
        for w in words(text) {
            let meaningful = !STOPWORDS.contains(&w.as_str()) && (w.len() > 1 || w.chars().all(|c| c.is_ascii_digit()));
            if !meaningful {
                continue;
            }
            if !name.is_empty() && name.len() + 1 + w.len() > 30 {
                break;
            }
            if !name.is_empty() {
                name.push('_');
            }
            name.push_str(&w);
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            name = format!("vraag_{name}");
        }
        self.unique(&name)
    }
}

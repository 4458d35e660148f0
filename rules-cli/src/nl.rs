//! Dutch diagnostics for `rules check --lang nl`: the catalogue the authoring page of the web demo
//! shows (`docs/diagnostics.nl.json`, keyed on the stable codes). Each message that a pattern of
//! its code knows is written in Dutch (the kinds of value it names too); another keeps the English
//! message after the code's Dutch title. "did you mean `x`?" becomes "bedoelt u `x`?".

use std::collections::BTreeMap;

use regex_lite::Regex;
use rules_core::Diagnostic;
use serde_json::Value as Json;

const CATALOGUE: &str = include_str!("../../docs/diagnostics.nl.json");

type Patterns = Vec<(Regex, String)>;

pub struct Dutch {
    titles: BTreeMap<String, String>,
    messages: BTreeMap<String, Patterns>,
    help: Patterns,
    terms: BTreeMap<String, String>,
    suggestion: Regex,
}

fn patterns(value: Option<&Json>) -> Result<Patterns, String> {
    let mut out = Vec::new();
    for pair in value.and_then(Json::as_array).into_iter().flatten() {
        let (Some(pattern), Some(template)) = (pair.get(0).and_then(Json::as_str), pair.get(1).and_then(Json::as_str))
        else {
            return Err(format!("a pattern is not [regex, text]: {pair}"));
        };
        let regex = Regex::new(pattern).map_err(|e| format!("{pattern}: {e}"))?;
        out.push((regex, template.to_string()));
    }
    Ok(out)
}

impl Dutch {
    /// The catalogue compiled into the command (a broken one is a build mistake, reported as such).
    pub fn load() -> Result<Dutch, String> {
        let json: Json =
            serde_json::from_str(CATALOGUE).map_err(|e| format!("docs/diagnostics.nl.json is not valid JSON: {e}"))?;
        let map = json.as_object().ok_or("docs/diagnostics.nl.json is not an object")?;
        let mut dutch = Dutch {
            titles: BTreeMap::new(),
            messages: BTreeMap::new(),
            help: patterns(map.get("_help"))?,
            terms: map
                .get("_terms")
                .and_then(Json::as_object)
                .map(|t| t.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
                .unwrap_or_default(),
            suggestion: Regex::new(r"did you mean (`[^`]*`|\x22[^\x22]*\x22|\S+?)\?").map_err(|e| e.to_string())?,
        };
        for (code, entry) in map.iter().filter(|(k, _)| !k.starts_with('_')) {
            if let Some(title) = entry.get("title").and_then(Json::as_str) {
                dutch.titles.insert(code.clone(), title.to_string());
            }
            dutch.messages.insert(code.clone(), patterns(entry.get("patterns"))?);
        }
        Ok(dutch)
    }

    /// The first pattern that matches, filled in (`$1`.. through the terms).
    fn translate(&self, patterns: &Patterns, text: &str) -> Option<String> {
        patterns.iter().find_map(|(regex, template)| {
            let caps = regex.captures(text)?;
            let mut out = String::new();
            let mut chars = template.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                    ('$', Some(i)) => {
                        chars.next();
                        let got = caps.get(i as usize).map_or("", |m| m.as_str());
                        out.push_str(self.terms.get(got).map_or(got, String::as_str));
                    }
                    _ => out.push(c),
                }
            }
            Some(out)
        })
    }

    /// The diagnostic with its message and help in Dutch.
    pub fn diagnostic(&self, d: &Diagnostic) -> Diagnostic {
        let mut out = d.clone();
        let no_patterns = Patterns::new();
        out.message = match self.translate(self.messages.get(d.code).unwrap_or(&no_patterns), &d.message) {
            Some(text) => text,
            None => match self.titles.get(d.code) {
                Some(title) => format!("{title} ({})", d.message),
                None => d.message.clone(),
            },
        };
        out.help = d.help.as_ref().map(|help| {
            let suggestion = self.suggestion.captures(help).and_then(|c| c.get(1)).map(|m| m.as_str());
            let rest = self.translate(&self.help, help).unwrap_or_else(|| help.clone());
            match suggestion {
                Some(s) if rest.is_empty() => format!("bedoelt u {s}?"),
                Some(s) => format!("bedoelt u {s}? {rest}"),
                None => rest,
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_hints_come_out_in_dutch() {
        let dutch = Dutch::load().expect("the catalogue loads");
        let checked = rules_core::compile(
            "x.rules",
            "ruleset \"x\" { authority \"Gemeente\" }\nquestion height: length \"?\"\ndecision \"C\" {\n  when hieght > 5 m2 -> Vergunningplicht\n  otherwise -> Toestemmingsvrij\n}\n",
        );
        let d = dutch.diagnostic(checked.diagnostics.iter().find(|d| d.code == "E002").expect("E002"));
        assert_eq!(d.message, "De naam `hieght` is nergens gedeclareerd.");
        assert_eq!(d.help.as_deref(), Some("bedoelt u `height`?"));
        let checked = rules_core::compile(
            "x.rules",
            "ruleset \"x\" { authority \"Gemeente\" }\nquestion height: length \"?\"\ndecision \"C\" {\n  when height > 5 m2 -> Vergunningplicht\n  otherwise -> Toestemmingsvrij\n}\n",
        );
        let d = dutch.diagnostic(&checked.diagnostics[0]);
        assert_eq!(
            d.message,
            "De eenheden passen niet bij elkaar in een vergelijking: een lengte (m) en een oppervlakte (m2)."
        );
        assert_eq!(d.help.as_deref(), Some("m2 is een oppervlakte (m2); een vergelijking heeft een lengte (m) nodig."));
    }
}

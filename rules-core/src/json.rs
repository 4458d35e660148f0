//! JSON limits and strictness for what users give: a size limit before parsing (parsed JSON takes
//! many times its text in memory), and a key written twice in one object refused (serde_json keeps
//! the last one silently, so a case file with `"height"` twice would test another answer than its
//! author reads). Nesting stays limited by serde_json (128 levels).

use serde_json::Value as Json;

/// Longest JSON text read as a case file, an answer or options (a 50,000-vertex plan is 2 MB).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Longest JSON text read as a layer (GeoJSON FeatureCollection); the shipped ones are under 0.5 MB.
pub const MAX_LAYER_BYTES: usize = 32 * 1024 * 1024;

/// The message for a JSON text over its limit, or `None` when it is within.
pub fn too_large(what: &str, bytes: usize, limit: usize) -> Option<String> {
    let mb = |n: usize| (n as f64 / (1024.0 * 1024.0) * 10.0).round() / 10.0;
    (bytes > limit).then(|| format!("{what} is {} MB; the limit is {} MB", mb(bytes), mb(limit)))
}

/// Parse JSON text; a duplicate key is refused with its line and column.
pub fn parse_strict(text: &str) -> Result<Json, String> {
    let json: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if let Some((key, at)) = duplicate_key(text) {
        let line = text[..at].matches('\n').count() + 1;
        let column = text[..at].rfind('\n').map_or(at, |n| at - n - 1) + 1;
        return Err(format!("the key \"{key}\" is written twice in one object at line {line} column {column}"));
    }
    Ok(json)
}

/// The first key written twice in one object, as written, with its byte offset. Only for text that
/// parsed as JSON (a small scan rather than a second JSON parser in the WebAssembly module).
fn duplicate_key(text: &str) -> Option<(&str, usize)> {
    // Per open bracket: the keys of an object (`None` for an array).
    let mut open: Vec<Option<Vec<&str>>> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => open.push(Some(Vec::new())),
            b'[' => open.push(None),
            b'}' | b']' => {
                open.pop();
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let string = text.get(start..i.min(text.len())).unwrap_or("");
                let is_key = text.get(i + 1..).unwrap_or("").trim_start().starts_with(':');
                if let (true, Some(Some(keys))) = (is_key, open.last_mut()) {
                    if keys.contains(&string) {
                        return Some((string, start - 1));
                    }
                    keys.push(string);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_as_serde_json_without_duplicates() {
        let text =
            r#"{"a": [1, -2, 3.5, "x\"y", null, true, {"b": {}, "a": 1}], "c": 18446744073709551615, "k": {"a": 2}}"#;
        assert_eq!(parse_strict(text).unwrap(), serde_json::from_str::<Json>(text).unwrap());
    }

    #[test]
    fn duplicate_keys_are_refused_where_they_are() {
        let e = parse_strict("{\"answers\": {\n  \"h\": \"3 m\",\n  \"h\": \"9 m\"}}").unwrap_err();
        assert_eq!(e, "the key \"h\" is written twice in one object at line 3 column 3");
        assert!(parse_strict(r#"[{"h": 1}, {"h": 2}]"#).is_ok(), "one key in two objects is fine");
        assert!(parse_strict(r#"{"h": "h", "x": ["h"]}"#).is_ok(), "values are not keys");
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse_strict(&deep).is_err(), "nesting stays limited");
    }
}

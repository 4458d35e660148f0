//! Ruleset text: parse, check, format; the formatted text parses again and formats to itself; a
//! checked ruleset evaluates without answers. Any panic, overflow or hang is a bug.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rules_core::syntax::{parse, print};
use rules_core::{compile, evaluate, Facts, Options};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let checked = compile("fuzz.rules", text);
    for d in &checked.diagnostics {
        let _ = d.render(&checked.source);
    }
    if let Ok(file) = parse(text) {
        let formatted = print::format(&file, text);
        let again = parse(&formatted).unwrap_or_else(|d| panic!("formatted text does not parse: {}\n{formatted}", d.message));
        assert_eq!(print::format(&again, &formatted), formatted, "formatting is not stable");
    }
    if let Some(rs) = checked.ruleset {
        let _ = evaluate(&rs, &Facts::new(&rs), &Options::default());
    }
});

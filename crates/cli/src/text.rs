//! Server text made safe for a terminal. Names and reasons come from the
//! firm's server; printed raw, a control character or an escape sequence
//! in one could move the cursor, rewrite earlier lines or change the
//! terminal's title. Plain (non-JSON) output escapes every control
//! character and every bidirectional override, so what prints is exactly
//! the characters received, visibly. `--json` output is already escaped by
//! JSON itself.

use serde_json::Value;

/// `text` with control and bidi-override characters shown as `\u{..}`.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A JSON field as clean text: a string as itself, null as nothing, any
/// other value as its JSON.
pub fn field(v: &Value) -> String {
    match v {
        Value::String(s) => clean(s),
        Value::Null => String::new(),
        other => clean(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(clean("Hollis v. Grant"), "Hollis v. Grant");
        assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean("line\nnext\tcol\r"), "line\\u{a}next\\u{9}col\\u{d}");
        assert_eq!(clean("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(clean("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
        assert_eq!(clean("Zoë 東京"), "Zoë 東京");
        assert_eq!(field(&Value::Null), "");
        assert_eq!(field(&serde_json::json!(3)), "3");
        assert_eq!(field(&serde_json::json!("x\u{7}")), "x\\u{7}");
    }
}

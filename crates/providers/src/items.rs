//! A page's items, each decoded on its own. A whole page parsed as one JSON
//! value fails entirely when one record is malformed or nested deeper than
//! serde_json's recursion limit, and then every later page and resource
//! stays unpulled. Here the list is split into its elements by a flat
//! scanner (no recursion, so no depth can overflow it), and each element is
//! parsed separately: a bad one is handed back with its reason, to be
//! quarantined, and the rest of the page is applied.

use serde_json::Value;

use crate::error::ProviderError;

/// An element of a page that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedItem {
    pub reason: String,
    /// The element's text (cut to [`KEPT_BYTES`]), kept for support.
    pub raw: String,
}

/// How much of a rejected element is kept.
pub const KEPT_BYTES: usize = 4096;

/// Splits a JSON array into the byte ranges of its elements. Fails only
/// when the text is not an array at all (or is cut short).
pub fn split_array(text: &[u8]) -> Result<Vec<&[u8]>, ProviderError> {
    let bad = |what: &str| ProviderError::Decode(format!("the list {what}"));
    let mut i = skip_ws(text, 0);
    if text.get(i) != Some(&b'[') {
        return Err(bad("is not a JSON array"));
    }
    i += 1;
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    let mut in_string = false;
    let mut escaped = false;
    while i < text.len() {
        let b = text[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                start.get_or_insert(i);
            }
            b'[' | b'{' => {
                depth += 1;
                start.get_or_insert(i);
            }
            b']' | b'}' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(trim(&text[s..i]));
                } else if b == b',' || !out.is_empty() {
                    return Err(bad("has an empty element"));
                }
                if b == b']' {
                    return if text[skip_ws(text, i + 1)..].is_empty() {
                        Ok(out)
                    } else {
                        Err(bad("has text after its end"))
                    };
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                start.get_or_insert(i);
            }
        }
        i += 1;
    }
    Err(bad("is cut short"))
}

fn skip_ws(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && matches!(text[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t' | b'\n' | b'\r'] = s {
        s = rest;
    }
    s
}

/// Decodes each element of a JSON array on its own.
pub fn decode_array(text: &[u8]) -> Result<(Vec<Value>, Vec<RejectedItem>), ProviderError> {
    let mut items = Vec::new();
    let mut rejected = Vec::new();
    for element in split_array(text)? {
        match serde_json::from_slice::<Value>(element) {
            Ok(value) => items.push(value),
            Err(e) => rejected.push(RejectedItem {
                reason: format!("the server sent a record that is not valid JSON: {e}"),
                raw: String::from_utf8_lossy(&element[..element.len().min(KEPT_BYTES)])
                    .into_owned(),
            }),
        }
    }
    Ok((items, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<String> {
        split_array(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|p| String::from_utf8(p.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn elements_are_split_whatever_they_hold() {
        assert_eq!(parts("[]"), Vec::<String>::new());
        assert_eq!(
            parts(" [ 1 , \"a,]\" ,{\"x\":[1,{\"y\":\"}\"}]} ,null] "),
            ["1", "\"a,]\"", "{\"x\":[1,{\"y\":\"}\"}]}", "null"]
        );
        assert_eq!(parts(r#"["a\"],", "b"]"#), [r#""a\"],""#, r#""b""#]);
    }

    #[test]
    fn not_an_array_or_cut_short_is_an_error() {
        for text in ["{}", "", "[1,2", "[1,,2]", "[,]", "[1] x", "\"[1]\""] {
            assert!(split_array(text.as_bytes()).is_err(), "{text}");
        }
    }

    #[test]
    fn one_deeply_nested_record_is_rejected_and_the_rest_kept() {
        let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        let page = format!("[{{\"id\":1}},{{\"id\":2,\"x\":{deep}}},{{\"id\":3}}]");
        // The page as one value does not parse at all.
        assert!(serde_json::from_str::<Value>(&page).is_err());
        let (items, rejected) = decode_array(page.as_bytes()).unwrap();
        let ids: Vec<_> = items.iter().map(|i| i["id"].clone()).collect();
        assert_eq!(ids, [1, 3]);
        assert_eq!(rejected.len(), 1);
        assert!(rejected[0].reason.contains("not valid JSON"));
        assert!(rejected[0].raw.len() <= KEPT_BYTES);
    }
}

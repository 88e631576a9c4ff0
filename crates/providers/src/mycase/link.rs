//! The `Link` header (RFC 8288) as MyCase uses it: `<url>; rel="next"`.

/// The URL of the `rel="next"` link, if any.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        is_next.then(|| url.to_owned())
    })
}

/// Whether `url` is on the server at `base`: a link elsewhere is never
/// followed, since it would carry the bearer token away.
pub fn on_own_host(url: &str, base: &str) -> bool {
    url.strip_prefix(base)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The next page of a listing, when the server links one on its own host.
pub fn next_page(headers: &reqwest::header::HeaderMap, base: &str) -> Option<String> {
    headers
        .get("link")
        .and_then(|v| v.to_str().ok())
        .and_then(next_link)
        .filter(|n| on_own_host(n, base))
}

#[cfg(test)]
mod tests {
    use super::next_link;

    #[test]
    fn finds_next_among_other_links() {
        assert_eq!(
            next_link(r#"<https://x.test/v1/cases?page_token=abc>; rel="next""#).as_deref(),
            Some("https://x.test/v1/cases?page_token=abc")
        );
        assert_eq!(
            next_link(r#"<https://x.test/p1>; rel="prev", <https://x.test/p3>; rel="next""#)
                .as_deref(),
            Some("https://x.test/p3")
        );
        assert_eq!(next_link(r#"<https://x.test/p1>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(next_link(""), None);
    }
}

//! The few bits of HTML the server writes by hand (SVG charts, links in the
//! assistant's plain-text answers). Templates escape on their own (askama).

/// Escape text for HTML content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain text to HTML in which every http(s) address is a link (opened in
/// the same tab: the portal is where the citizen goes next). Everything else
/// is escaped; punctuation that ends a sentence is not part of the address.
pub fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&escape(&rest[..start]));
        let tail = &rest[start..];
        let mut end = tail
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '<' | '>' | '"' | '«' | '»' | '“' | '”')
            })
            .unwrap_or(tail.len());
        while end > 0 && tail[..end].ends_with(['.', ',', ';', ':', ')', '!', '?']) {
            end -= 1;
        }
        let url = &tail[..end];
        if url.len() <= "https://".len() {
            out.push_str(&escape(url));
        } else {
            let e = escape(url);
            out.push_str(&format!(r#"<a href="{e}" rel="noopener">{e}</a>"#));
        }
        rest = &tail[end..];
    }
    out.push_str(&escape(rest));
    out
}

fn find_url(s: &str) -> Option<usize> {
    match (s.find("https://"), s.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_links_and_the_rest_is_escaped() {
        let t = "Nộp tại UBND xã <hoặc> trực tuyến: https://dichvucong.gov.vn/p/home/x.html?ma_thu_tuc=1&b=2.\nHết.";
        let h = linkify(t);
        assert!(h.contains(r#"<a href="https://dichvucong.gov.vn/p/home/x.html?ma_thu_tuc=1&amp;b=2" rel="noopener">"#), "{h}");
        assert!(h.contains("&lt;hoặc&gt;"));
        assert!(h.contains("</a>.\nHết."), "{h}");
    }

    #[test]
    fn nothing_but_addresses_is_linked() {
        assert_eq!(linkify("không có địa chỉ"), "không có địa chỉ");
        assert_eq!(linkify("https://"), "https://");
        assert_eq!(
            linkify(r#"x https://a.vn/"onmouseover=alert(1)"#),
            r#"x <a href="https://a.vn/" rel="noopener">https://a.vn/</a>&quot;onmouseover=alert(1)"#
        );
        assert!(!linkify("javascript:alert(1) http://a.vn").contains(r#"href="javascript"#));
    }
}

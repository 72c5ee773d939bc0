//! Lesson Markdown to HTML, once, at load time.
//!
//! Raw HTML is refused (course files are data, not code), links must be
//! http(s), and each image must be one of the course's checked SVG files,
//! which is inlined in a `<figure>` so the lesson is one request.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
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

/// Render a lesson body. `first_line` is the file line the body starts
/// after, so messages name the right line.
pub(crate) fn lesson_html(
    body: &str,
    svgs: &HashMap<String, String>,
    _file: &str,
    first_line: usize,
    report: &mut dyn FnMut(usize, String),
) -> String {
    let line_at =
        |offset: usize| first_line + body[..offset.min(body.len())].matches('\n').count() + 1;
    let mut events: Vec<Event> = Vec::new();
    // While inside an image: (file, alt text so far).
    let mut image: Option<(String, String, usize)> = None;
    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        if let Some((_, alt, _)) = image.as_mut() {
            match event {
                Event::End(TagEnd::Image) => {
                    if let Some((file, alt, line)) = image.take() {
                        events.push(Event::Html(CowStr::from(figure(
                            &file, &alt, svgs, line, report,
                        ))));
                    }
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                report(
                    line_at(range.start),
                    "bài học không được chứa HTML thô; hãy viết bằng Markdown".into(),
                );
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((dest_url.to_string(), String::new(), line_at(range.start)));
            }
            Event::Start(Tag::Link { ref dest_url, .. })
                if !(dest_url.starts_with("https://") || dest_url.starts_with("http://")) =>
            {
                report(
                    line_at(range.start),
                    format!("liên kết `{dest_url}` phải là địa chỉ https://"),
                );
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn figure(
    file: &str,
    alt: &str,
    svgs: &HashMap<String, String>,
    line: usize,
    report: &mut dyn FnMut(usize, String),
) -> String {
    let Some(svg) = svgs.get(file) else {
        report(
            line,
            format!("hình `{file}` không có trong thư mục khóa học (chỉ dùng tệp .svg của khóa)"),
        );
        return String::new();
    };
    if alt.trim().is_empty() {
        report(
            line,
            format!("hình `{file}` thiếu lời mô tả: ![mô tả]({file})"),
        );
    }
    let alt = escape(alt.trim());
    // Label the picture with its description, unless the file already does.
    let open_tag = svg.split('>').next().unwrap_or("");
    let mut attrs = String::new();
    if !open_tag.contains(" role=") {
        attrs.push_str(" role=\"img\"");
    }
    if !open_tag.contains("aria-label=") {
        attrs.push_str(&format!(" aria-label=\"{alt}\""));
    }
    let svg = svg.replacen("<svg", &format!("<svg{attrs}"), 1);
    format!("<figure class=\"hinh\">{svg}<figcaption>{alt}</figcaption></figure>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> (String, Vec<(usize, String)>) {
        let mut svgs = HashMap::new();
        svgs.insert(
            "a.svg".to_string(),
            "<svg viewBox=\"0 0 1 1\"><rect/></svg>".to_string(),
        );
        let mut errs = Vec::new();
        let html = lesson_html(md, &svgs, "x.md", 5, &mut |l, m| errs.push((l, m)));
        (html, errs)
    }

    #[test]
    fn inlines_svg_with_alt() {
        let (html, errs) = render("Xin chào.\n\n![Màn hình khóa](a.svg)\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert!(
            html.contains("<figure class=\"hinh\"><svg role=\"img\" aria-label=\"Màn hình khóa\"")
        );
        assert!(html.contains("<figcaption>Màn hình khóa</figcaption>"));
    }

    #[test]
    fn refuses_raw_html_missing_images_and_bad_links() {
        let (_, errs) = render("Dòng một\n\n<script>x</script>\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 8, "line counted from the file start");
        let (_, errs) = render("![x](khong-co.svg)");
        assert!(errs[0].1.contains("khong-co.svg"));
        let (_, errs) = render("[bấm](javascript:alert(1))");
        assert!(errs[0].1.contains("https://"));
    }
}

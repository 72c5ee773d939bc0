//! Everything held about one person, as a PDF to read and keep (Law
//! 91/2025/QH15: a person may have their data in a readable form). A4
//! portrait, the commune and the title at the top, then one section per
//! kind of data, each entry as "label: value" lines; page numbers at the
//! foot ("Trang 2/3"). It takes plain text, not storage types: the web
//! layer chooses the labels and formats the dates.

use crate::pdf::{self, Face, Fonts};
use crate::DocumentError;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

/// The document: a title block and sections.
#[derive(Debug, Clone, Default)]
pub struct PersonalDataDocument {
    /// The body that holds the data, e.g. "Ủy ban nhân dân xã Dân Tiến".
    pub holder: String,
    /// E.g. "Dữ liệu cá nhân của Lò Thị Mái".
    pub title: String,
    /// When it was made, e.g. "Lập lúc 10:20 ngày 01/06/2026".
    pub made: String,
    /// Paragraphs under the title (what this is, how to ask for a correction).
    pub intro: Vec<String>,
    pub sections: Vec<DataSection>,
}

/// One kind of data: a heading and its entries.
#[derive(Debug, Clone, Default)]
pub struct DataSection {
    pub heading: String,
    /// Each entry is a list of (label, value); entries are set apart.
    pub entries: Vec<Vec<(String, String)>>,
    /// Said when there are no entries, e.g. "Không có.".
    pub empty: String,
}

const W: f32 = 595.28;
const H: f32 = 841.89;
const MM: f32 = 72.0 / 25.4;
const TOP: f32 = 20.0 * MM;
const BOTTOM: f32 = H - 22.0 * MM;
const LEFT: f32 = 20.0 * MM;
const RIGHT: f32 = W - 20.0 * MM;
const TEXT_W: f32 = RIGHT - LEFT;
const SIZE: f32 = 10.5;
const LEADING: f32 = SIZE * 1.35;
const HANG: f32 = 12.0;
const INK: (u8, u8, u8) = (0, 0, 0);
const GREY: (u8, u8, u8) = (110, 110, 110);

#[derive(Clone, Copy)]
enum Style {
    Regular,
    Bold,
    Italic,
}

enum Op {
    Text {
        style: Style,
        size: f32,
        x: f32,
        y: f32,
        text: String,
    },
    Rule {
        y: f32,
    },
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'f> Layout<'f> {
    fn face(&self, style: Style) -> &'f Face {
        match style {
            Style::Regular => &self.fonts.regular,
            Style::Bold => &self.fonts.bold,
            Style::Italic => &self.fonts.italic,
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, style: Style, size: f32, x: f32, y: f32, text: &str) {
        self.push(Op::Text {
            style,
            size,
            x,
            y,
            text: text.to_string(),
        });
    }

    /// Start a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    /// Wrapped lines of one style, each on the flow.
    fn lines(&mut self, style: Style, size: f32, text: &str) {
        let leading = size * 1.35;
        for line in self.face(style).wrap(text, size, TEXT_W) {
            self.ensure(leading);
            self.text(style, size, LEFT, self.y + size, &line);
            self.y += leading;
        }
    }

    /// "label: value": the label bold, the value after it, wrapped with a
    /// hanging indent.
    fn field(&mut self, label: &str, value: &str) {
        let label = format!("{label}: ");
        let label_w = self.face(Style::Bold).width(&label, SIZE);
        let value = if value.trim().is_empty() {
            "—"
        } else {
            value
        };
        let first = (TEXT_W - label_w).max(TEXT_W / 3.0);
        let lines = self
            .face(Style::Regular)
            .wrap_indented(value, SIZE, first, TEXT_W - HANG);
        // A label and its first line stay together.
        self.ensure(LEADING);
        let baseline = self.y + SIZE;
        let (value_x, first_line_own) = if label_w <= TEXT_W * 2.0 / 3.0 {
            (LEFT + label_w, false)
        } else {
            (LEFT + HANG, true)
        };
        self.text(Style::Bold, SIZE, LEFT, baseline, &label);
        if first_line_own {
            self.y += LEADING;
        }
        for (i, line) in lines.iter().enumerate() {
            if i > 0 || first_line_own {
                self.ensure(LEADING);
            }
            let x = if i == 0 { value_x } else { LEFT + HANG };
            self.text(Style::Regular, SIZE, x, self.y + SIZE, line);
            self.y += LEADING;
        }
        if lines.is_empty() && !first_line_own {
            self.y += LEADING;
        }
    }

    fn section(&mut self, s: &DataSection) {
        // A heading stays with the first lines of its section.
        self.ensure(LEADING * 4.0);
        self.y += 8.0;
        self.push(Op::Rule { y: self.y });
        self.y += 4.0;
        self.lines(Style::Bold, 12.0, &s.heading);
        self.y += 2.0;
        if s.entries.is_empty() {
            self.lines(Style::Italic, SIZE, &s.empty);
        }
        for (i, entry) in s.entries.iter().enumerate() {
            if i > 0 {
                self.y += 5.0;
            }
            // A short entry is kept on one page.
            if entry.len() <= 6 {
                self.ensure(LEADING * entry.len() as f32);
            }
            for (label, value) in entry {
                self.field(label, value);
            }
        }
    }
}

/// Lay out and draw the document; returns the PDF bytes.
pub fn personal_data_pdf(d: &PersonalDataDocument) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::load()?;
    let mut l = Layout {
        fonts: &fonts,
        pages: vec![Vec::new()],
        y: TOP,
    };
    l.lines(Style::Bold, 11.0, &d.holder.to_uppercase());
    l.y += 6.0;
    l.lines(Style::Bold, 16.0, &d.title);
    l.lines(Style::Italic, SIZE, &d.made);
    l.y += 4.0;
    for p in &d.intro {
        l.lines(Style::Regular, SIZE, p);
        l.y += 3.0;
    }
    for s in &d.sections {
        l.section(s);
    }

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(d.title.clone())
            .language("vi".into())
            .creator("hocvuso".into()),
    );
    let settings = PageSettings::from_wh(W, H)
        .ok_or_else(|| DocumentError::Pdf("khổ giấy không hợp lệ".into()))?;
    let count = l.pages.len();
    for (n, ops) in l.pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut s = page.surface();
        s.set_fill(Some(pdf::fill(GREY)));
        let foot = format!("{} · Trang {}/{}", d.title, n + 1, count);
        let foot = fonts
            .italic
            .wrap(&foot, 8.5, TEXT_W)
            .into_iter()
            .next()
            .unwrap_or_default();
        pdf::centred(&mut s, &fonts.italic, 8.5, W / 2.0, H - 12.0 * MM, &foot);
        s.set_fill(Some(pdf::fill(INK)));
        for op in ops {
            match op {
                Op::Text {
                    style,
                    size,
                    x,
                    y,
                    text,
                } => pdf::text_at(&mut s, l.face(*style), *size, *x, *y, text),
                Op::Rule { y } => {
                    s.set_fill(None);
                    s.set_stroke(Some(pdf::stroke(GREY, 0.5)));
                    pdf::line(&mut s, LEFT, *y, RIGHT, *y);
                    s.set_stroke(None);
                    s.set_fill(Some(pdf::fill(INK)));
                }
            }
        }
        s.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn doc(entries: usize) -> PersonalDataDocument {
        PersonalDataDocument {
            holder: "Ủy ban nhân dân xã Dân Tiến".into(),
            title: "Dữ liệu cá nhân của Lò Thị Mái".into(),
            made: "Lập lúc 10:20 ngày 01/06/2026".into(),
            intro: vec!["Đây là toàn bộ dữ liệu mà xã đang lưu về bạn.".into()],
            sections: vec![
                DataSection {
                    heading: "1. Thông tin trong sổ dân cư".into(),
                    entries: vec![vec![
                        ("Họ và tên".into(), "Lò Thị Mái".into()),
                        ("Ghi chú".into(), "rất dài ".repeat(80)),
                        ("Số điện thoại".into(), String::new()),
                    ]],
                    empty: "Không có.".into(),
                },
                DataSection {
                    heading: "2. Ai đã xem, sửa dữ liệu".into(),
                    entries: (0..entries)
                        .map(|i| vec![("Lúc".into(), format!("lần {i}"))])
                        .collect(),
                    empty: "Không có.".into(),
                },
                DataSection {
                    heading: "3. Yêu cầu".into(),
                    entries: vec![],
                    empty: "Không có.".into(),
                },
            ],
        }
    }

    #[test]
    fn a_pdf_of_one_page_or_many() {
        let short = personal_data_pdf(&doc(3)).unwrap();
        assert!(short.starts_with(b"%PDF"));
        let long = personal_data_pdf(&doc(400)).unwrap();
        assert!(long.starts_with(b"%PDF"));
        assert!(long.len() > short.len());
    }
}

//! The commune's quarterly report, laid out as an administrative document
//! under Nghị định 30/2020/NĐ-CP (Phụ lục I): A4 portrait, margins top and
//! bottom 20 mm, left 30 mm, right 15 mm; the issuing body top left and the
//! national title and motto top right; the kind of document and its summary
//! centred; numbered sections; recipients and signature side by side; page
//! numbers centred in the top margin from page 2 on.
//!
//! The same [`CommuneReport`] gives an editable DOCX ([`report_docx`], for
//! the office to number, sign and file) and a PDF ([`report_pdf`], to print
//! or publish as is). This file holds the model, what both share, and the
//! PDF; the DOCX is in `docx.rs`.

use crate::pdf::{self, Face, Fonts};
use crate::DocumentError;
use chrono::{Datelike, NaiveDate};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

pub use crate::docx::report_docx;

/// The commune's quarterly report, in the official format for administrative
/// documents (Nghị định 30/2020/NĐ-CP).
#[derive(Debug, Clone)]
pub struct CommuneReport {
    /// Issuing body's parent, upper case, e.g. "ỦY BAN NHÂN DÂN" — first
    /// line of the top-left block.
    pub issuer_parent: String,
    /// Issuing body, upper case, e.g. "XÃ DÂN TIẾN" — second line, bold, with
    /// a short rule under it.
    pub issuer: String,
    /// Number and symbol, e.g. "Số:      /BC-UBND" (left blank for the
    /// number, as drafts are).
    pub number: String,
    /// Place name for the date line, e.g. "Dân Tiến" → "Dân Tiến, ngày 10
    /// tháng 6 năm 2026" (italic, right block).
    pub place: String,
    pub date: NaiveDate,
    /// "BÁO CÁO" (bold, centred, 14 pt).
    pub kind: String,
    /// The summary line under it (bold, centred), e.g. "Kết quả thực hiện
    /// Phong trào “Bình dân học vụ số” quý II năm 2026".
    pub title: String,
    /// Body: numbered sections, each a heading, paragraphs and optionally a
    /// table.
    pub sections: Vec<ReportSection>,
    /// "Nơi nhận:" block (bottom-left, 12 pt bold italic label, 11 pt
    /// entries each starting with "- ").
    pub recipients: Vec<String>,
    /// Signature block (bottom-right, bold, centred), e.g. ["TM. ỦY BAN NHÂN
    /// DÂN", "CHỦ TỊCH"]; then space for the signature, then the signer's
    /// name (bold).
    pub signer_lines: Vec<String>,
    pub signer_name: String,
}

/// One numbered section of the body.
#[derive(Debug, Clone)]
pub struct ReportSection {
    /// The heading without its number: sections are numbered I., II., III.
    /// in order, e.g. "KẾT QUẢ THỰC HIỆN" → "I. KẾT QUẢ THỰC HIỆN".
    pub heading: String,
    /// Paragraphs, justified with a first-line indent. A paragraph may start
    /// with "- " or "a) " for a list item; it is written as given.
    pub paragraphs: Vec<String>,
    /// A table after the paragraphs.
    pub table: Option<ReportTable>,
}

/// A bordered table: a bold header row, repeated on each page the table
/// runs onto, and rows that are never split across pages.
#[derive(Debug, Clone)]
pub struct ReportTable {
    pub header: Vec<String>,
    /// Rows, each at most as many cells as the header (shorter rows are
    /// padded with empty cells).
    pub rows: Vec<Vec<String>>,
    /// relative column widths (one per header cell; empty for equal widths)
    pub widths: Vec<u16>,
}

impl ReportTable {
    /// Each column's share of the table width (they sum to 1), or an error
    /// if the widths or a row do not match the header.
    pub(crate) fn fractions(&self) -> Result<Vec<f32>, DocumentError> {
        let n = self.header.len();
        if n == 0 {
            return Err(DocumentError::Report("bảng không có cột nào".into()));
        }
        if let Some(i) = self.rows.iter().position(|r| r.len() > n) {
            return Err(DocumentError::Report(format!(
                "dòng {} của bảng có {} ô, nhiều hơn {n} cột",
                i + 1,
                self.rows[i].len()
            )));
        }
        if self.widths.is_empty() {
            return Ok(vec![1.0 / n as f32; n]);
        }
        let total: u32 = self.widths.iter().map(|&w| u32::from(w)).sum();
        if self.widths.len() != n || total == 0 {
            return Err(DocumentError::Report(format!(
                "bảng có {n} cột nhưng {} độ rộng cột",
                self.widths.len()
            )));
        }
        Ok(self
            .widths
            .iter()
            .map(|&w| f32::from(w) / total as f32)
            .collect())
    }

    /// Row `i`'s cells, padded to the header's length.
    pub(crate) fn cells(&self, i: usize) -> impl Iterator<Item = &str> {
        let row = &self.rows[i];
        (0..self.header.len()).map(move |c| row.get(c).map_or("", String::as_str))
    }
}

/// "Dân Tiến, ngày 05 tháng 02 năm 2026": the Decree writes a 0 before days
/// under 10 and months 1 and 2 (so "tháng 6" but "tháng 02").
pub(crate) fn date_line(place: &str, date: NaiveDate) -> String {
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
}

/// Section numbers: I, II, III, IV, …
pub(crate) fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (value, numeral) in TABLE {
        while n >= value {
            s.push_str(numeral);
            n -= value;
        }
    }
    s
}

/// The numbered heading of section `i` (from 0).
/// A section's heading as the documents write it: "I. KẾT QUẢ …".
pub fn heading(i: usize, section: &ReportSection) -> String {
    format!("{}. {}", roman(i + 1), section.heading.trim())
}

/// Cells holding a number, a percentage or a count ("1.250", "87,5%",
/// "12/15") are centred; text is left-aligned.
pub(crate) fn is_numeric(cell: &str) -> bool {
    let cell = cell.trim();
    cell.chars().any(|c| c.is_ascii_digit())
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || " .,%+-–/".contains(c))
}

// ---------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------

const W: f32 = 595.28;
const H: f32 = 841.89;
const MM: f32 = 72.0 / 25.4;
const TOP: f32 = 20.0 * MM;
const BOTTOM: f32 = H - 20.0 * MM;
const LEFT: f32 = 30.0 * MM;
const RIGHT: f32 = W - 15.0 * MM;
const TEXT_W: f32 = RIGHT - LEFT;
const INDENT: f32 = 10.0 * MM;
const INK: (u8, u8, u8) = (0, 0, 0);

// DejaVu Serif is wider and taller than Times New Roman: at 13 pt it fills
// about the room that Times New Roman takes at 14 pt, so the PDF uses sizes
// one point under the DOCX's, still within the Decree's ranges.
const BODY: f32 = 13.0;
const BODY_LEADING: f32 = BODY * 1.3;
const PARA_AFTER: f32 = 6.0;
const TABLE_SIZE: f32 = 11.0;
const TABLE_LEADING: f32 = TABLE_SIZE * 1.25;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.5;

#[derive(Clone, Copy)]
enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

/// What a page shows, laid out before anything is drawn (a page's content
/// is only known once the flow has moved past it).
enum Op {
    Text {
        style: Style,
        size: f32,
        x: f32,
        y: f32,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    /// Where the next line's top is, on the last page.
    y: f32,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn face(&self, style: Style) -> &'f Face {
        match style {
            Style::Regular => &self.fonts.regular,
            Style::Bold => &self.fonts.bold,
            Style::Italic => &self.fonts.italic,
            Style::BoldItalic => &self.fonts.bold_italic,
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

    /// Text centred on `cx`; returns its width.
    fn centred(&mut self, style: Style, size: f32, cx: f32, y: f32, text: &str) -> f32 {
        let w = self.face(style).width(text, size);
        self.text(style, size, cx - w / 2.0, y, text);
        w
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.push(Op::Rule {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
        });
    }

    fn frame_line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.push(Op::Rule {
            x1,
            y1,
            x2,
            y2,
            width: 0.6,
        });
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Start a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    /// A justified paragraph with a first-line indent.
    fn paragraph(&mut self, text: &str) {
        let face = self.face(Style::Regular);
        let lines = face.wrap_indented(text, BODY, TEXT_W - INDENT, TEXT_W);
        let n = lines.len();
        // Keep two lines together at the top or the bottom of a page.
        self.ensure(BODY_LEADING * n.min(2) as f32);
        for (i, line) in lines.iter().enumerate() {
            if i + 2 == n {
                self.ensure(BODY_LEADING * 2.0);
            } else {
                self.ensure(BODY_LEADING);
            }
            let (x, width) = if i == 0 {
                (LEFT + INDENT, TEXT_W - INDENT)
            } else {
                (LEFT, TEXT_W)
            };
            let baseline = self.y + BODY;
            if i + 1 < n {
                self.justified(line, x, width, baseline);
            } else {
                self.text(Style::Regular, BODY, x, baseline, line);
            }
            self.y += BODY_LEADING;
        }
        self.y += PARA_AFTER;
    }

    /// One line, its words spread to fill `width`.
    fn justified(&mut self, line: &str, x: f32, width: f32, baseline: f32) {
        let face = self.face(Style::Regular);
        let words: Vec<&str> = line.split(' ').collect();
        let gaps = words.len().saturating_sub(1);
        let natural = face.width(line, BODY);
        // A line with few words is left as it is rather than torn apart.
        let extra = if gaps == 0 || width - natural > width * 0.25 {
            0.0
        } else {
            (width - natural) / gaps as f32
        };
        let space = face.width(" ", BODY);
        let mut cx = x;
        for word in words {
            self.text(Style::Regular, BODY, cx, baseline, word);
            cx += face.width(word, BODY) + space + extra;
        }
    }

    fn heading(&mut self, text: &str) {
        let lines = self
            .face(Style::Bold)
            .wrap_indented(text, BODY, TEXT_W - INDENT, TEXT_W);
        // A heading stays with the first lines of what follows it.
        self.ensure(BODY_LEADING * (lines.len() + 2) as f32 + PARA_AFTER);
        if self.y > TOP {
            self.y += PARA_AFTER;
        }
        for (i, line) in lines.iter().enumerate() {
            let x = if i == 0 { LEFT + INDENT } else { LEFT };
            let baseline = self.y + BODY;
            self.text(Style::Bold, BODY, x, baseline, line);
            self.y += BODY_LEADING;
        }
        self.y += PARA_AFTER;
    }

    fn table(&mut self, table: &ReportTable) -> Result<(), DocumentError> {
        let cols: Vec<f32> = table.fractions()?.iter().map(|f| f * TEXT_W).collect();
        let header = self.row_layout(&cols, table.header.iter().map(String::as_str), true);
        let rows: Vec<RowLayout> = (0..table.rows.len())
            .map(|i| self.row_layout(&cols, table.cells(i), false))
            .collect();
        // The header and the first row together, or a new page.
        let first = rows.first().map_or(0.0, |r| r.height);
        self.ensure(header.height + first);
        self.draw_row(&cols, &header);
        for row in &rows {
            if self.y + row.height > BOTTOM {
                self.new_page();
                self.draw_row(&cols, &header);
            }
            self.draw_row(&cols, row);
        }
        self.y += PARA_AFTER * 2.0;
        Ok(())
    }

    fn row_layout<'a>(
        &self,
        cols: &[f32],
        cells: impl Iterator<Item = &'a str>,
        header: bool,
    ) -> RowLayout {
        let style = if header { Style::Bold } else { Style::Regular };
        let face = self.face(style);
        let cells: Vec<CellLayout> = cells
            .zip(cols)
            .map(|(text, w)| CellLayout {
                lines: face.wrap(text, TABLE_SIZE, w - 2.0 * CELL_PAD_X),
                centred: header || is_numeric(text),
            })
            .collect();
        let lines = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(1)
            .max(1);
        RowLayout {
            style,
            height: lines as f32 * TABLE_LEADING + 2.0 * CELL_PAD_Y,
            cells,
        }
    }

    fn draw_row(&mut self, cols: &[f32], row: &RowLayout) {
        let (top, bottom) = (self.y, self.y + row.height);
        self.frame_line(LEFT, top, RIGHT, top);
        self.frame_line(LEFT, bottom, RIGHT, bottom);
        let mut x = LEFT;
        self.frame_line(x, top, x, bottom);
        for (cell, &w) in row.cells.iter().zip(cols) {
            // Vertically centred in the row.
            let block = cell.lines.len() as f32 * TABLE_LEADING;
            let mut baseline =
                top + (row.height - block) / 2.0 + TABLE_LEADING / 2.0 + TABLE_SIZE * 0.35;
            for line in &cell.lines {
                if cell.centred {
                    self.centred(row.style, TABLE_SIZE, x + w / 2.0, baseline, line);
                } else {
                    self.text(row.style, TABLE_SIZE, x + CELL_PAD_X, baseline, line);
                }
                baseline += TABLE_LEADING;
            }
            x += w;
            self.frame_line(x, top, x, bottom);
        }
        self.y = bottom;
    }
}

struct CellLayout {
    lines: Vec<String>,
    centred: bool,
}

struct RowLayout {
    style: Style,
    height: f32,
    cells: Vec<CellLayout>,
}

/// Lay out and draw the report; returns the PDF bytes.
pub fn report_pdf(r: &CommuneReport) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::load()?;
    let mut l = Layout::new(&fonts);

    // Top: issuing body left, national title and motto right. The left
    // column is 40 % of the text width, as in the Decree's samples.
    let left_w = TEXT_W * 0.4;
    let lcx = LEFT + left_w / 2.0;
    let rcx = LEFT + left_w + (TEXT_W - left_w) / 2.0;
    let right_w = TEXT_W - left_w;

    let national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let motto = "Độc lập - Tự do - Hạnh phúc";
    let national_size = fit(&fonts.bold, national, 12.0, right_w);
    let motto_size = fit(&fonts.bold, motto, 13.0, right_w);
    let mut ry = TOP + 12.0;
    l.centred(Style::Bold, national_size, rcx, ry, national);
    ry += motto_size + 4.0;
    let motto_w = l.centred(Style::Bold, motto_size, rcx, ry, motto);
    ry += 6.0;
    l.rule(rcx - motto_w / 2.0, rcx + motto_w / 2.0, ry, 0.6);

    let mut ly = TOP + 12.0;
    for line in fonts.regular.wrap(&r.issuer_parent, 12.0, left_w) {
        l.centred(Style::Regular, 12.0, lcx, ly, &line);
        ly += 15.0;
    }
    let mut issuer_w: f32 = 0.0;
    for line in fonts.bold.wrap(&r.issuer, 12.0, left_w) {
        issuer_w = issuer_w.max(l.centred(Style::Bold, 12.0, lcx, ly, &line));
        ly += 15.0;
    }
    // The rule under the issuing body: a third to a half of its name.
    ly -= 9.0;
    let rule = issuer_w * 0.4;
    l.rule(lcx - rule / 2.0, lcx + rule / 2.0, ly, 0.6);

    let y = ly.max(ry) + 20.0;
    l.centred(Style::Regular, 12.0, lcx, y, &r.number);
    let date = date_line(&r.place, r.date);
    let date_size = fit(&fonts.italic, &date, BODY, right_w);
    l.centred(Style::Italic, date_size, rcx, y, &date);

    // The kind of document and its summary, centred, a short rule under.
    let cx = LEFT + TEXT_W / 2.0;
    let mut y = y + 40.0;
    l.centred(Style::Bold, 14.0, cx, y, &r.kind);
    let mut title_w: f32 = 0.0;
    for line in fonts.bold.wrap(&r.title, BODY, TEXT_W * 0.85) {
        y += BODY_LEADING;
        title_w = title_w.max(l.centred(Style::Bold, BODY, cx, y, &line));
    }
    y += 8.0;
    let rule = title_w.min(TEXT_W * 0.6) * 0.4;
    l.rule(cx - rule / 2.0, cx + rule / 2.0, y, 0.6);
    l.y = y + 22.0;

    for (i, section) in r.sections.iter().enumerate() {
        l.heading(&heading(i, section));
        for p in &section.paragraphs {
            l.paragraph(p);
        }
        if let Some(table) = &section.table {
            l.table(table)?;
        }
    }

    signature(&mut l, r);

    // Draw.
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", r.kind, r.title))
            .language("vi".into())
            .creator("hocvuso".into()),
    );
    let settings = PageSettings::from_wh(W, H)
        .ok_or_else(|| DocumentError::Pdf("khổ giấy không hợp lệ".into()))?;
    for (n, ops) in l.pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut s = page.surface();
        s.set_fill(Some(pdf::fill(INK)));
        if n > 0 {
            // The page number, centred in the top margin; none on page 1.
            let number = (n + 1).to_string();
            pdf::centred(&mut s, &fonts.regular, BODY, cx, TOP - 20.0, &number);
        }
        for op in ops {
            match op {
                Op::Text {
                    style,
                    size,
                    x,
                    y,
                    text,
                } => pdf::text_at(&mut s, l.face(*style), *size, *x, *y, text),
                Op::Rule {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    s.set_fill(None);
                    s.set_stroke(Some(pdf::stroke(INK, *width)));
                    pdf::line(&mut s, *x1, *y1, *x2, *y2);
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

/// Recipients bottom left, signature bottom right, kept on one page.
fn signature(l: &mut Layout<'_>, r: &CommuneReport) {
    let left_w = TEXT_W * 0.42;
    let rcx = LEFT + left_w + (TEXT_W - left_w) / 2.0;
    let entry_lines: Vec<Vec<String>> = r
        .recipients
        .iter()
        .map(|e| l.fonts.regular.wrap(e, 11.0, left_w - 8.0))
        .collect();
    let left_h = 16.0 + entry_lines.iter().map(Vec::len).sum::<usize>() as f32 * 13.5;
    let right_h = r.signer_lines.len() as f32 * 17.0 + 72.0 + 17.0;
    l.y += 6.0;
    l.ensure(left_h.max(right_h) + 4.0);

    let top = l.y + 13.0;
    let mut y = top;
    l.text(Style::BoldItalic, 12.0, LEFT, y, "Nơi nhận:");
    y += 15.0;
    for lines in &entry_lines {
        for (i, line) in lines.iter().enumerate() {
            // Continuation lines hang under the text, past the "- ".
            let x = if i == 0 { LEFT } else { LEFT + 8.0 };
            l.text(Style::Regular, 11.0, x, y, line);
            y += 13.5;
        }
    }

    let mut ry = top;
    for line in &r.signer_lines {
        l.centred(Style::Bold, BODY, rcx, ry, line);
        ry += 17.0;
    }
    ry += 72.0;
    l.centred(Style::Bold, BODY, rcx, ry, &r.signer_name);
    l.y = y.max(ry);
}

/// The largest size, down from `size`, at which `text` fits in `max` points.
fn fit(face: &Face, text: &str, size: f32, max: f32) -> f32 {
    let w = face.width(text, size);
    if w <= max {
        size
    } else {
        size * max / w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_the_decree_says() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(
            date_line("Dân Tiến", d(2026, 6, 10)),
            "Dân Tiến, ngày 10 tháng 6 năm 2026"
        );
        assert_eq!(
            date_line("Dân Tiến", d(2026, 2, 5)),
            "Dân Tiến, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            date_line("Dân Tiến", d(2026, 12, 31)),
            "Dân Tiến, ngày 31 tháng 12 năm 2026"
        );
    }

    #[test]
    fn sections_are_numbered_in_roman() {
        let numerals: Vec<String> = (1..=9).map(roman).collect();
        assert_eq!(
            numerals,
            ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
        );
    }

    #[test]
    fn numbers_and_percentages_are_numeric_cells() {
        assert!(is_numeric("87,5%"));
        assert!(is_numeric("1.250"));
        assert!(is_numeric("12/15"));
        assert!(!is_numeric("Thôn Đông"));
        assert!(!is_numeric("-"));
    }
}

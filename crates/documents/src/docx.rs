//! The quarterly report as a Word document (DOCX, Office Open XML).
//!
//! Why the XML is written here rather than with `docx-rs`: the office opens
//! the file in Word or LibreOffice to put in the number, sign and file it,
//! so what matters is a small, plain package of the elements Word itself
//! writes (paragraphs, runs, tables, one header with a PAGE field). That is
//! a few hundred lines of `format!`. `docx-rs` (0.4.22, the current one)
//! would build a second `zip` (8.x, beside the 2.2 that calamine pins in the
//! workspace), `quick-xml`, `serde_json` and, by default, `image`, for a
//! document model much larger than this one; and the fine points of the
//! Decree's layout (short rules under the issuing body and the motto, no
//! number on page 1, borderless header and signature tables) are easier to
//! check in the XML itself than through another crate's builders. The
//! package is zipped with `zip` 2.2, already in the lock file.
//!
//! Layout, in twentieths of a point (twips): A4 portrait 11906 × 16838;
//! margins top and bottom 1134 (20 mm), left 1701 (30 mm), right 851
//! (15 mm); so the text is 9354 twips wide. Times New Roman 14 pt body.

use crate::pdf::Fonts;
use crate::report::{date_line, heading, is_numeric, CommuneReport, ReportTable};
use crate::DocumentError;
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_TOP: u32 = 1134;
const MARGIN_BOTTOM: u32 = 1134;
const MARGIN_LEFT: u32 = 1701;
const MARGIN_RIGHT: u32 = 851;
const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
/// First-line indent of body paragraphs: 1 cm.
const INDENT: u32 = 567;
/// Default cell margins, left and right, in the tables.
const CELL_MARGIN: u32 = 108;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Write the report as a DOCX; returns the file's bytes.
pub fn report_docx(r: &CommuneReport) -> Result<Vec<u8>, DocumentError> {
    let document = document_xml(r)?;
    let title = format!("{} {}", r.kind, r.title);
    let parts: [(&str, String); 10] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(&title)),
        ("docProps/app.xml", APP.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/header1.xml", page_number_header()),
        ("word/header2.xml", empty_header()),
    ];
    let err = |e: &dyn std::fmt::Display| DocumentError::Docx(e.to_string());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed time, so the same report gives the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, xml) in parts {
        zip.start_file(name, options).map_err(|e| err(&e))?;
        zip.write_all(xml.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}

fn document_xml(r: &CommuneReport) -> Result<String, DocumentError> {
    let fonts = Fonts::load()?;
    let mut body = String::new();
    header_table(&mut body, r, &fonts);

    // The kind of document and its summary, centred, a short rule under.
    body.push_str(
        &P {
            align: "center",
            before: 360,
            keep_next: true,
            ..P::default()
        }
        .xml(&run(&r.kind, 28, Bold)),
    );
    body.push_str(
        &P {
            align: "center",
            keep_next: true,
            ..P::default()
        }
        .xml(&run(&r.title, 28, Bold)),
    );
    let title_w = text_width(&fonts, &r.title, 14.0, true).min(TEXT_W * 3 / 5);
    body.push_str(&rule(TEXT_W, title_w * 2 / 5, 100, 360));

    for (i, section) in r.sections.iter().enumerate() {
        let text = heading(i, section);
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{}</w:p>"#,
            run(&text, 28, Bold)
        ));
        for p in &section.paragraphs {
            body.push_str(
                &P {
                    align: "both",
                    after: 120,
                    line: 300,
                    first_line: INDENT,
                    ..P::default()
                }
                .xml(&run(p, 28, Plain)),
            );
        }
        if let Some(table) = &section.table {
            data_table(&mut body, table)?;
            // A paragraph after each table: Word joins tables that touch.
            body.push_str(
                &P {
                    after: 120,
                    ..P::default()
                }
                .xml(""),
            );
        }
    }

    signature_table(&mut body, r);
    // Word wants the body to end with a paragraph: a tiny one.
    body.push_str(
        r#"<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>"#,
    );

    Ok(format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:headerReference w:type="first" r:id="rId4"/><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}" w:orient="portrait"/><w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LEFT}" w:header="567" w:footer="567" w:gutter="0"/><w:cols w:space="720"/><w:titlePg/><w:docGrid w:linePitch="381"/></w:sectPr></w:body></w:document>"#
    ))
}

/// The top of page 1: issuing body left, national title and motto right,
/// then the number left and the place and date right, in a borderless
/// table so that the two columns keep their places when edited.
fn header_table(out: &mut String, r: &CommuneReport, fonts: &Fonts) {
    let left = 3402; // 6 cm
    let right = TEXT_W - left;
    let centre = |runs: &str| {
        P {
            align: "center",
            ..P::default()
        }
        .xml(runs)
    };
    let national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let motto = "Độc lập - Tự do - Hạnh phúc";

    let issuer_w = text_width(fonts, &r.issuer, 13.0, true).min(left - 2 * CELL_MARGIN);
    let left_top = format!(
        "{}{}{}",
        centre(&run(&r.issuer_parent, 26, Plain)),
        centre(&run(&r.issuer, 26, Bold)),
        rule(left - 2 * CELL_MARGIN, issuer_w * 2 / 5, 40, 0),
    );
    // The motto's rule is as long as the motto: 14 pt bold Times New Roman,
    // measured with Liberation Serif Bold (same advance widths; its
    // Vietnamese letters as wide as their base letters).
    let motto_w = 3430;
    let right_top = format!(
        "{}{}{}",
        centre(&run(national, 26, Bold)),
        centre(&run(motto, 28, Bold)),
        rule(right - 2 * CELL_MARGIN, motto_w, 40, 0),
    );
    let number = P {
        align: "center",
        before: 60,
        ..P::default()
    }
    .xml(&run(&r.number, 26, Plain));
    let date = P {
        align: "center",
        before: 60,
        ..P::default()
    }
    .xml(&run(&date_line(&r.place, r.date), 28, Italic));

    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{TEXT_W}" w:type="dxa"/>{NO_BORDERS}<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0"/></w:tblPr><w:tblGrid><w:gridCol w:w="{left}"/><w:gridCol w:w="{right}"/></w:tblGrid>{}{}</w:tbl>"#,
        row(
            &[(left, left_top.as_str()), (right, right_top.as_str())],
            "",
            "top"
        ),
        row(
            &[(left, number.as_str()), (right, date.as_str())],
            "",
            "top"
        ),
    );
}

/// A bordered table: header row bold and repeated on each page, rows kept
/// whole, 12 pt, numbers centred.
fn data_table(out: &mut String, t: &ReportTable) -> Result<(), DocumentError> {
    let fractions = t.fractions()?;
    let mut widths: Vec<u32> = fractions
        .iter()
        .map(|f| (f * TEXT_W as f32).round() as u32)
        .collect();
    // Rounding: the last column takes up the difference.
    let sum: u32 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last = (*last + TEXT_W).saturating_sub(sum);
    }
    let cell = |text: &str, bold: bool, centred: bool| {
        P {
            align: if centred { "center" } else { "left" },
            before: 40,
            after: 40,
            ..P::default()
        }
        .xml(&run(text, 24, if bold { Bold } else { Plain }))
    };
    let grid: String = widths
        .iter()
        .map(|w| format!(r#"<w:gridCol w:w="{w}"/>"#))
        .collect();
    let border =
        |side: &str| format!(r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#);
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|s| border(s))
        .collect();
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"#
    );
    let header: Vec<String> = t.header.iter().map(|h| cell(h, true, true)).collect();
    let cells: Vec<(u32, &str)> = widths
        .iter()
        .copied()
        .zip(header.iter().map(String::as_str))
        .collect();
    out.push_str(&row(&cells, "<w:tblHeader/>", "center"));
    for i in 0..t.rows.len() {
        let texts: Vec<String> = t.cells(i).map(|c| cell(c, false, is_numeric(c))).collect();
        let cells: Vec<(u32, &str)> = widths
            .iter()
            .copied()
            .zip(texts.iter().map(String::as_str))
            .collect();
        out.push_str(&row(&cells, "", "center"));
    }
    out.push_str("</w:tbl>");
    Ok(())
}

/// "Nơi nhận:" left and the signature right, in one borderless row that
/// is never split across pages.
fn signature_table(out: &mut String, r: &CommuneReport) {
    let left = 3969; // 7 cm
    let right = TEXT_W - left;
    let mut recipients = P {
        before: 120,
        ..P::default()
    }
    .xml(&run("Nơi nhận:", 24, BoldItalic));
    for entry in &r.recipients {
        recipients.push_str(
            &P {
                ind_left: 113,
                hanging: 113,
                ..P::default()
            }
            .xml(&run(entry, 22, Plain)),
        );
    }
    let centre = |text: &str, before: u32| {
        P {
            align: "center",
            before,
            ..P::default()
        }
        .xml(&run(text, 28, Bold))
    };
    let mut sign = String::new();
    for (i, line) in r.signer_lines.iter().enumerate() {
        sign.push_str(&centre(line, if i == 0 { 120 } else { 0 }));
    }
    // Room for the signature and the seal.
    sign.push_str(&centre(&r.signer_name, 1700));
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{TEXT_W}" w:type="dxa"/>{NO_BORDERS}<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0"/></w:tblPr><w:tblGrid><w:gridCol w:w="{left}"/><w:gridCol w:w="{right}"/></w:tblGrid>{}</w:tbl>"#,
        row(
            &[(left, recipients.as_str()), (right, sign.as_str())],
            "",
            "top"
        ),
    );
}

const NO_BORDERS: &str = r#"<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>"#;

/// A table row of (width, paragraphs) cells; rows never split.
fn row(cells: &[(u32, &str)], tr_extra: &str, valign: &str) -> String {
    let mut s = format!("<w:tr><w:trPr><w:cantSplit/>{tr_extra}</w:trPr>");
    for (w, content) in cells {
        let content = if content.is_empty() {
            "<w:p/>"
        } else {
            content
        };
        let _ = write!(
            s,
            r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="{valign}"/></w:tcPr>{content}</w:tc>"#
        );
    }
    s.push_str("</w:tr>");
    s
}

/// A centred horizontal rule `width` twips long in a column `column` twips
/// wide: an empty, very low paragraph with a top border, indented on both
/// sides. It stays a plain paragraph that Word and LibreOffice edit as
/// such, and it never wraps whatever the text above it is.
fn rule(column: u32, width: u32, before: u32, after: u32) -> String {
    let side = column.saturating_sub(width) / 2;
    format!(
        r#"<w:p><w:pPr><w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:spacing w:before="{before}" w:after="{after}" w:line="120" w:lineRule="exact"/><w:ind w:left="{side}" w:right="{side}"/><w:jc w:val="center"/><w:rPr><w:sz w:val="4"/></w:rPr></w:pPr></w:p>"#
    )
}

/// An estimate, in twips, of `text`'s width in Times New Roman, for the
/// length of the rules (the Decree: the motto's rule as long as the motto,
/// the issuer's a third to a half of its name). Times New Roman is not
/// shipped, so DejaVu Serif's metrics are scaled: Times New Roman (and
/// its metric twin Liberation Serif, measured) sets the same text about
/// 22 % narrower, bold or not.
fn text_width(fonts: &Fonts, text: &str, size: f32, bold: bool) -> u32 {
    let face = if bold { &fonts.bold } else { &fonts.regular };
    (face.width(text, size) * TNR_PER_DEJAVU * 20.0).round() as u32
}

const TNR_PER_DEJAVU: f32 = 0.78;

#[derive(Clone, Copy)]
enum Weight {
    Plain,
    Bold,
    Italic,
    BoldItalic,
}
use Weight::{Bold, BoldItalic, Italic, Plain};

/// A run of `text` at `half_points` (the unit of `w:sz`). Line breaks in
/// the text become `w:br`.
fn run(text: &str, half_points: u32, weight: Weight) -> String {
    let style = match weight {
        Plain => "",
        Bold => "<w:b/><w:bCs/>",
        Italic => "<w:i/><w:iCs/>",
        BoldItalic => "<w:b/><w:bCs/><w:i/><w:iCs/>",
    };
    // The font on every run too (as Word writes it), so text pasted into
    // another document keeps it.
    let mut s = format!(
        r#"<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>{style}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>"#
    );
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            s.push_str("<w:br/>");
        }
        let _ = write!(s, r#"<w:t xml:space="preserve">{}</w:t>"#, escape(line));
    }
    s.push_str("</w:r>");
    s
}

/// Paragraph properties, the ones this document uses.
struct P {
    align: &'static str,
    before: u32,
    after: u32,
    /// Line spacing in 240ths of a line (240 = single).
    line: u32,
    first_line: u32,
    ind_left: u32,
    hanging: u32,
    keep_next: bool,
}

impl Default for P {
    fn default() -> Self {
        P {
            align: "left",
            before: 0,
            after: 0,
            line: 240,
            first_line: 0,
            ind_left: 0,
            hanging: 0,
            keep_next: false,
        }
    }
}

impl P {
    fn xml(&self, runs: &str) -> String {
        let keep = if self.keep_next { "<w:keepNext/>" } else { "" };
        let indent = if self.hanging > 0 {
            format!(
                r#"<w:ind w:left="{}" w:hanging="{}"/>"#,
                self.ind_left, self.hanging
            )
        } else if self.first_line > 0 || self.ind_left > 0 {
            format!(
                r#"<w:ind w:left="{}" w:firstLine="{}"/>"#,
                self.ind_left, self.first_line
            )
        } else {
            String::new()
        };
        format!(
            r#"<w:p><w:pPr>{keep}<w:spacing w:before="{}" w:after="{}" w:line="{}" w:lineRule="auto"/>{indent}<w:jc w:val="{}"/></w:pPr>{runs}</w:p>"#,
            self.before, self.after, self.line, self.align
        )
    }
}

/// Text for XML: the five entities, and no characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' => s.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => s.push(c),
        }
    }
    s
}

/// The page number, centred in the top margin, 14 pt: the header of every
/// page but the first (`w:titlePg` gives page 1 the empty header2).
fn page_number_header() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:noProof/></w:rPr><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>"#
    )
}

fn empty_header() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>"#
    )
}

fn styles_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="120" w:after="120" w:line="300" w:lineRule="auto"/><w:ind w:firstLine="{INDENT}"/><w:jc w:val="both"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#
    )
}

fn core_xml(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>hocvuso</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>"#,
        escape(title)
    )
}

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>hocvuso</Application></Properties>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="vi-VN"/></w:settings>"#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/></Relationships>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            escape("Thôn <Đông> & \"Tây\"\u{1}"),
            "Thôn &lt;Đông&gt; &amp; &quot;Tây&quot;"
        );
    }
}

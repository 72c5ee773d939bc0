//! Small files that unpack or expand into gigabytes are refused before
//! they reach memory: a sheet whose ZIP headers under-declare its size, a
//! shared string repeated in every cell of an .xlsx, a long text repeated
//! by an .ods's repeat counts.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::io::{Cursor, Read, Write};

use common::fixture;
use hocvuso_import::{find_header, read_workbook, FileError};

/// A valid small xlsx: a header and one resident.
fn small_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Họ và tên").unwrap();
    ws.write_string(0, 1, "Ngày sinh").unwrap();
    ws.write_string(1, 0, "Nguyễn Văn An").unwrap();
    ws.write_string(1, 1, "01/02/1990").unwrap();
    wb.save_to_buffer().unwrap()
}

/// The same archive with each part passed through `edit` (name, bytes,
/// where to write), deflated at the fastest level.
fn rewrite(src: &[u8], edit: impl Fn(&str, Vec<u8>, &mut dyn Write)) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(src)).unwrap();
    let mut out = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            z.start_file(name.clone(), opts).unwrap();
            edit(&name, bytes, &mut z);
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

/// Overwrite the uncompressed size that the local header and the central
/// directory declare for `name`.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        if zip[i..].starts_with(b"PK\x03\x04") && zip[i + 30..].starts_with(name) {
            zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
        if zip[i..].starts_with(b"PK\x01\x02") && zip[i + 46..].starts_with(name) {
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local header and central directory entry");
}

const SHEET: &str = "xl/worksheets/sheet1.xml";

/// The error a file is refused with (without printing a huge workbook).
fn refused(bytes: &[u8], name: &str) -> FileError {
    match read_workbook(bytes, name) {
        Ok(wb) => {
            let text: usize = wb
                .sheets
                .iter()
                .flat_map(|s| s.rows.iter().flatten())
                .map(String::len)
                .sum();
            panic!(
                "{name} was read: {} sheets, {text} bytes of text",
                wb.sheets.len()
            )
        }
        Err(e) => e,
    }
}

#[test]
fn sheet_larger_than_its_zip_headers_say_is_refused() {
    // 300 MB of whitespace inside the sheet (3 MB deflated), declared as 4 KB.
    let mut bytes = rewrite(&small_xlsx(), |name, bytes, z| {
        if name != SHEET {
            z.write_all(&bytes).unwrap();
            return;
        }
        let text = String::from_utf8(bytes).unwrap();
        let at = text.rfind("</worksheet>").unwrap();
        z.write_all(&text.as_bytes()[..at]).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..300 {
            z.write_all(&chunk).unwrap();
        }
        z.write_all(&text.as_bytes()[at..]).unwrap();
    });
    assert!(bytes.len() < 4 * 1024 * 1024, "{}", bytes.len());
    declare_size(&mut bytes, SHEET, 4096);
    let err = refused(&bytes, "danh_sach.xlsx");
    assert_eq!(err, FileError::Expands("nội dung giải nén quá lớn".into()));
    assert!(
        err.to_string().contains("nội dung giải nén quá lớn"),
        "{err}"
    );
}

/// An xlsx whose first shared string is `len` letters long and whose sheet
/// has `cells` cells (one per row) all pointing at it.
fn shared_string_xlsx(cells: u32, len: usize) -> Vec<u8> {
    rewrite(&small_xlsx(), |name, bytes, z| match name {
        SHEET => {
            let text = String::from_utf8(bytes).unwrap();
            let start = text.find("<sheetData>").unwrap() + "<sheetData>".len();
            let end = text.find("</sheetData>").unwrap();
            z.write_all(&text.as_bytes()[..start]).unwrap();
            z.write_all(
                br#"<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c></row>"#,
            )
            .unwrap();
            for r in 2..cells + 2 {
                write!(z, r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#).unwrap();
            }
            z.write_all(&text.as_bytes()[end..]).unwrap();
        }
        "xl/sharedStrings.xml" => {
            let text = String::from_utf8(bytes).unwrap();
            // Strings: 0 the long one, 1 and 2 the headers.
            let first = text.find("<si>").unwrap();
            z.write_all(&text.as_bytes()[..first]).unwrap();
            write!(z, "<si><t>{}</t></si>", "x".repeat(len)).unwrap();
            let rest = &text[first..];
            let rest = rest.replace("Nguyễn Văn An", "").replace("01/02/1990", "");
            z.write_all(rest.as_bytes()).unwrap();
        }
        _ => z.write_all(&bytes).unwrap(),
    })
}

#[test]
fn shared_string_repeated_into_every_cell_is_refused() {
    // 4,000 cells × 32,000 letters: 128 MB of text from a file of a few KB
    // (a 1.4 MB file with a million such cells would be 32 GB).
    let bytes = shared_string_xlsx(4_000, 32_000);
    assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
    let err = refused(&bytes, "danh_sach.xlsx");
    assert!(
        matches!(err, FileError::Expands(ref m) if m.contains("quá nhiều chữ")),
        "{err:?}"
    );
    assert!(err.to_string().contains("chia nhỏ tệp"), "{err}");
}

#[test]
fn ods_repeating_a_long_text_is_refused() {
    // A row of 200 copies of a 32,000-letter cell, repeated 20 times:
    // 4,000 cells (well within the cell limit), 128 MB of text.
    let long = "x".repeat(32_000);
    let bytes = rewrite(&fixture("residents.ods"), |name, bytes, z| {
        if name != "content.xml" {
            z.write_all(&bytes).unwrap();
            return;
        }
        let text = String::from_utf8(bytes).unwrap();
        let at = text.find("</table:table>").unwrap();
        z.write_all(&text.as_bytes()[..at]).unwrap();
        write!(
            z,
            r#"<table:table-row table:number-rows-repeated="20"><table:table-cell table:number-columns-repeated="200" office:value-type="string"><text:p>{long}</text:p></table:table-cell></table:table-row>"#
        )
        .unwrap();
        z.write_all(&text.as_bytes()[at..]).unwrap();
    });
    // Refused by the check of content.xml, before calamine makes the copies.
    let err = refused(&bytes, "danh_sach.ods");
    assert_eq!(
        err,
        FileError::Expands("bảng tính lặp lại quá nhiều chữ".into())
    );
}

#[test]
fn ordinary_files_still_read() {
    let wb = read_workbook(&small_xlsx(), "danh_sach.xlsx").unwrap();
    assert_eq!(wb.sheets[0].cell(1, 0), "Nguyễn Văn An");
    // Many cells sharing one string, within the limits.
    let wb = read_workbook(&shared_string_xlsx(2_000, 1_000), "danh_sach.xlsx").unwrap();
    assert_eq!(wb.sheets[0].rows.len(), 2_001);
    assert_eq!(wb.sheets[0].cell(2_000, 0).len(), 1_000);
    // The same archive rewritten (every entry re-deflated) still reads.
    let ods = rewrite(&fixture("residents.ods"), |_, bytes, z| {
        z.write_all(&bytes).unwrap();
    });
    for (bytes, name) in [
        (fixture("tcvn3_libreoffice.xlsx"), "a.xlsx"),
        (fixture("residents.ods"), "a.ods"),
        (ods, "b.ods"),
        (fixture("legacy.xls"), "a.xls"),
    ] {
        let wb = read_workbook(&bytes, name).unwrap();
        assert!(find_header(&wb.sheets[0]).is_ok(), "{name}");
    }
}

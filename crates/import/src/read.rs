//! Reading an uploaded file into the text of its cells.
//!
//! The format is decided from the bytes first (ZIP, OLE/CFB, text) and from
//! the file name second; nothing here trusts the extension alone. Every
//! parser call is bounded (file size, uncompressed size) and guarded, so a
//! broken or hostile file becomes a [`FileError`], never a panic.

use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{
    Data, DataRef, ExcelDateTime, Ods, Range, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsx,
};
use serde::{Deserialize, Serialize};

/// Largest upload accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Largest total uncompressed size of the parts of an xlsx/ods (zip bomb
/// guard): counted as the parts are actually inflated, whatever sizes the
/// ZIP headers declare.
const MAX_UNCOMPRESSED_BYTES: u64 = 200 * 1024 * 1024;

/// Most bytes of cell text a workbook may give, all sheets together. A cell
/// pointing at a shared string (xlsx, xls) or repeated by a count (ods)
/// becomes its own copy of the text, so a file of a few kilobytes could
/// otherwise expand into gigabytes.
pub(crate) const MAX_TEXT_BYTES: u64 = 100 * 1024 * 1024;

fn too_much_text() -> FileError {
    FileError::Expands(
        "các ô chứa quá nhiều chữ (hơn 100 MB); xoá các cột, dòng thừa hoặc chia nhỏ tệp".into(),
    )
}

fn unpacked_too_large() -> FileError {
    FileError::Expands("nội dung giải nén quá lớn".into())
}

/// Rows and columns beyond Excel's own limits are ignored.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLS: u32 = 16_384;

/// The kind of spreadsheet a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FileKind {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

impl FileKind {
    /// How the UI names the format.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Xlsx => "Excel (.xlsx)",
            FileKind::Xls => "Excel 97–2003 (.xls)",
            FileKind::Ods => "OpenDocument (.ods)",
            FileKind::Csv => "CSV",
        }
    }
}

/// Errors for a whole file; `Display` is a Vietnamese sentence the user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("Tệp quá lớn ({} MB), giới hạn là 20 MB: xoá các trang tính không cần hoặc chia danh sách thành nhiều tệp (ví dụ theo xóm) rồi tải lên lại.", mb(*.bytes))]
    TooLarge { bytes: usize },
    #[error("Tệp không có dữ liệu: kiểm tra lại xem đã chọn đúng tệp danh sách chưa.")]
    Empty,
    #[error("Tệp đang được đặt mật khẩu nên không đọc được: mở tệp bằng Excel, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hoá bằng mật khẩu, xoá mật khẩu), lưu lại rồi tải lên lại.")]
    PasswordProtected,
    #[error("Tệp bị hỏng hoặc không đọc được ({0}): mở tệp bằng Excel hoặc LibreOffice, chọn \"Lưu thành\" định dạng .xlsx rồi tải lên lại.")]
    Broken(String),
    /// The file unpacks or repeats into more than the limits allow (a zip
    /// bomb, shared strings or repeat counts that multiply the text): no
    /// office's list does this, so the web server treats it as hostile.
    #[error("Tệp bị hỏng hoặc không đọc được ({0}): mở tệp bằng Excel hoặc LibreOffice, chọn \"Lưu thành\" định dạng .xlsx rồi tải lên lại.")]
    Expands(String),
    #[error("Định dạng tệp không được hỗ trợ ({0}): lưu danh sách dưới dạng Excel (.xlsx hoặc .xls), OpenDocument (.ods) hoặc CSV rồi tải lên lại.")]
    UnsupportedFormat(String),
    #[error("Không tìm thấy dòng tiêu đề cột: trong 30 dòng đầu cần có một dòng ghi tên các cột, ít nhất có cột \"Họ và tên\" và một cột khác như \"Ngày sinh\" hoặc \"Xóm\".")]
    NoHeader,
}

impl FileError {
    /// Refused for its size or its expansion rather than for a mistake an
    /// office makes (see `hocvuso_web`'s tarpit).
    pub fn is_hostile(&self) -> bool {
        matches!(self, FileError::TooLarge { .. } | FileError::Expands(_))
    }
}

fn mb(bytes: usize) -> String {
    let tenths = (bytes as u64 * 10 + 512 * 1024) / (1024 * 1024);
    format!("{},{}", tenths / 10, tenths % 10)
}

/// All sheets' cell text.
///
/// `rows[i][j]` is the cell at Excel row `i + 1`, column `j + 1` (the grid is
/// padded from A1 even when the used range starts lower). Trailing empty
/// cells and rows are trimmed. Visible sheets come first, hidden ones after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workbook {
    pub kind: FileKind,
    pub sheets: Vec<SheetData>,
}

/// One sheet: its name and the text of its cells, row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetData {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

impl SheetData {
    /// The text of a cell, "" outside the used range.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether some cell holds non-blank text.
    pub fn has_data(&self) -> bool {
        self.rows.iter().flatten().any(|c| !c.trim().is_empty())
    }
}

/// Read an uploaded file. `file_name` only breaks ties (and names a CSV's sheet).
pub fn read_workbook(bytes: &[u8], file_name: &str) -> Result<Workbook, FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge { bytes: bytes.len() });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    let ext = extension(file_name);
    let workbook = match catch_unwind(AssertUnwindSafe(|| read_any(bytes, file_name, &ext))) {
        Ok(result) => result?,
        Err(_) => {
            return Err(FileError::Broken(
                "nội dung tệp không đúng cấu trúc bảng tính".into(),
            ))
        }
    };
    if !workbook.sheets.iter().any(SheetData::has_data) {
        return Err(FileError::Empty);
    }
    Ok(workbook)
}

fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn read_any(bytes: &[u8], file_name: &str, ext: &str) -> Result<Workbook, FileError> {
    if bytes.starts_with(ZIP_MAGIC) {
        return read_zip(bytes);
    }
    if bytes.starts_with(ZIP_EMPTY_MAGIC) {
        return Err(FileError::Broken("tệp nén không chứa gì".into()));
    }
    if bytes.starts_with(OLE_MAGIC) {
        return read_ole(bytes);
    }
    if let Some(what) = known_other_format(bytes) {
        return Err(FileError::UnsupportedFormat(what.into()));
    }
    // Half a ZIP or OLE signature: a file cut short while copying.
    if bytes.len() < 8 && (ZIP_MAGIC.starts_with(bytes) || OLE_MAGIC.starts_with(bytes)) {
        return Err(FileError::Broken("tệp bị cắt cụt".into()));
    }
    let Some(text) = decode_text(bytes) else {
        return Err(FileError::Broken(match ext {
            "xlsx" | "xlsm" => {
                "tệp mang đuôi .xlsx nhưng nội dung không phải bảng tính Excel".into()
            }
            "xls" => "tệp mang đuôi .xls nhưng nội dung không phải bảng tính Excel".into(),
            "ods" => "tệp mang đuôi .ods nhưng nội dung không phải bảng tính OpenDocument".into(),
            _ => "nội dung không phải bảng tính hay văn bản CSV".into(),
        }));
    };
    if let Some(what) = markup_kind(&text) {
        return Err(FileError::UnsupportedFormat(what.into()));
    }
    let name = sheet_name_from_file(file_name);
    let rows = parse_csv(&text)?;
    Ok(Workbook {
        kind: FileKind::Csv,
        sheets: vec![SheetData { name, rows }],
    })
}

fn known_other_format(bytes: &[u8]) -> Option<&'static str> {
    let table: &[(&[u8], &str)] = &[
        (b"%PDF", "tệp PDF"),
        (b"\x89PNG", "ảnh PNG"),
        (b"\xFF\xD8\xFF", "ảnh JPEG"),
        (b"GIF8", "ảnh GIF"),
        (b"Rar!", "tệp nén RAR: giải nén trước"),
        (b"7z\xBC\xAF", "tệp nén 7z: giải nén trước"),
        (b"\x1F\x8B", "tệp nén gzip: giải nén trước"),
        (b"{\\rtf", "văn bản RTF"),
    ];
    table
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| *what)
}

/// Spreadsheet programs and government systems often save HTML or XML under
/// an .xls name; say so instead of reading markup as CSV.
fn markup_kind(text: &str) -> Option<&'static str> {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<?xml") && head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        Some("bảng tính XML 2003 mang đuôi .xls; mở bằng Excel và lưu thành .xlsx")
    } else if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<table")
        || (head.starts_with('<') && head.contains("<table"))
    {
        Some("trang HTML mang đuôi bảng tính; mở bằng Excel và lưu thành .xlsx")
    } else if head.starts_with("<?xml") {
        Some("tệp XML")
    } else {
        None
    }
}

fn sheet_name_from_file(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    if stem.trim().is_empty() {
        "CSV".to_string()
    } else {
        stem.to_string()
    }
}

// ---------------------------------------------------------------- ZIP: xlsx, ods

fn read_zip(bytes: &[u8]) -> Result<Workbook, FileError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| FileError::Broken("tệp nén bị cắt cụt hoặc hỏng".into()))?;
    check_unpacked_size(&mut archive)?;
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|_| FileError::Broken("tên tệp trong tệp nén bị hỏng".into()))?;
    let has = |n: &str| names.iter().any(|x| x == n);

    if has("mimetype") {
        let mime = read_entry(&mut archive, "mimetype", 256).unwrap_or_default();
        let mime = mime.trim();
        if mime.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
            let manifest = read_entry(&mut archive, "META-INF/manifest.xml", 4 * 1024 * 1024)
                .unwrap_or_default();
            if manifest.contains("encryption-data") {
                return Err(FileError::PasswordProtected);
            }
            let content = read_entry_bytes(&mut archive, "content.xml", MAX_UNCOMPRESSED_BYTES)
                .ok_or_else(|| FileError::Broken("thiếu phần nội dung (content.xml)".into()))?;
            crate::guard::check_ods_content(&content)?;
            drop(content);
            return read_ods(bytes);
        }
        if mime.starts_with("application/vnd.oasis.opendocument.text") {
            return Err(FileError::UnsupportedFormat(
                "văn bản OpenDocument .odt".into(),
            ));
        }
        if mime.starts_with("application/vnd.oasis.opendocument") {
            return Err(FileError::UnsupportedFormat(
                "tài liệu OpenDocument không phải bảng tính".into(),
            ));
        }
    }
    if has("[Content_Types].xml") {
        if has("xl/workbook.xml") {
            return read_xlsx(bytes);
        }
        if has("xl/workbook.bin") {
            return Err(FileError::UnsupportedFormat("Excel nhị phân .xlsb".into()));
        }
        if has("word/document.xml") {
            return Err(FileError::UnsupportedFormat("văn bản Word .docx".into()));
        }
        if names.iter().any(|n| n.starts_with("ppt/")) {
            return Err(FileError::UnsupportedFormat(
                "bản trình chiếu PowerPoint".into(),
            ));
        }
        return Err(FileError::Broken(
            "thiếu phần sổ làm việc (xl/workbook.xml)".into(),
        ));
    }
    let inner = names.iter().find(|n| {
        let l = n.to_ascii_lowercase();
        l.ends_with(".xlsx") || l.ends_with(".xls") || l.ends_with(".ods") || l.ends_with(".csv")
    });
    match inner {
        Some(n) => Err(FileError::UnsupportedFormat(format!(
            "tệp nén .zip chứa \"{n}\"; giải nén rồi tải lên tệp bên trong"
        ))),
        None => Err(FileError::UnsupportedFormat("tệp nén .zip".into())),
    }
}

/// Refuse an archive whose parts unpack to more than
/// [`MAX_UNCOMPRESSED_BYTES`], or a part that unpacks to more than its
/// headers declare. The declared sizes are summed first (cheap); then every
/// part's raw data is inflated here into a counter, stopping one byte past
/// the limit or past the part's declared size, so what counts is what the data really unpacks to, not what
/// the headers (or the zip crate's own checks) say. Nothing is kept:
/// calamine reads the parts it needs afterwards, from the same bytes.
fn check_unpacked_size(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), FileError> {
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|_| FileError::Broken("tệp nén bị hỏng".into()))?;
        declared_total = declared_total.saturating_add(entry.size());
    }
    if declared_total > MAX_UNCOMPRESSED_BYTES {
        return Err(unpacked_too_large());
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|_| FileError::Broken("tệp nén bị hỏng".into()))?;
        let declared = entry.size();
        let method = entry.compression();
        // One byte past what the headers declare is enough to refuse the
        // part: a lying header costs its liar no more than that.
        let limit = (MAX_UNCOMPRESSED_BYTES - total).min(declared) + 1;
        let mut counter = ByteCounter::default();
        // A read error (damaged data) ends the part; what it unpacked until
        // then still counts, and the parser reports the damage if it needs
        // the part. A part in another compression method is left to the
        // parser too (calamine reads only stored and deflated parts).
        let _ = match method {
            zip::CompressionMethod::Stored => std::io::copy(&mut entry.take(limit), &mut counter),
            zip::CompressionMethod::Deflated => std::io::copy(
                &mut flate2::read::DeflateDecoder::new(entry).take(limit),
                &mut counter,
            ),
            _ => continue,
        };
        total += counter.0;
        if total > MAX_UNCOMPRESSED_BYTES || counter.0 > declared {
            return Err(unpacked_too_large());
        }
    }
    Ok(())
}

/// A writer that only counts what it is given.
#[derive(Default)]
struct ByteCounter(u64);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Option<String> {
    let buf = read_entry_bytes(archive, name, limit)?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn read_entry_bytes(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Option<Vec<u8>> {
    let entry = archive.by_name(name).ok()?;
    let mut buf = Vec::new();
    entry.take(limit).read_to_end(&mut buf).ok()?;
    Some(buf)
}

fn read_xlsx(bytes: &[u8]) -> Result<Workbook, FileError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|_| FileError::Broken("không đọc được cấu trúc sổ làm việc .xlsx".into()))?;
    let sheets = ordered_sheets(book.sheets_metadata());
    let mut out = Vec::with_capacity(sheets.len());
    let mut text_left = MAX_TEXT_BYTES;
    for name in sheets {
        let mut grid = Grid::new(text_left);
        {
            let mut cells = book
                .worksheet_cells_reader(&name)
                .map_err(|_| FileError::Broken(format!("không đọc được trang tính \"{name}\"")))?;
            loop {
                match cells.next_cell() {
                    Ok(Some(cell)) => {
                        let (r, c) = cell.get_position();
                        grid.put(r, c, dataref_text(cell.get_value()))?;
                    }
                    Ok(None) => break,
                    Err(_) => {
                        return Err(FileError::Broken(format!("trang tính \"{name}\" bị hỏng")));
                    }
                }
            }
        }
        text_left = grid.text_left;
        out.push(SheetData {
            name,
            rows: grid.finish(),
        });
    }
    Ok(Workbook {
        kind: FileKind::Xlsx,
        sheets: out,
    })
}

fn read_ods(bytes: &[u8]) -> Result<Workbook, FileError> {
    let mut book: Ods<_> = Ods::new(Cursor::new(bytes))
        .map_err(|_| FileError::Broken("không đọc được cấu trúc bảng tính .ods".into()))?;
    let sheets = ordered_sheets(book.sheets_metadata());
    let mut out = Vec::with_capacity(sheets.len());
    let mut text_left = MAX_TEXT_BYTES;
    for name in sheets {
        let range = book
            .worksheet_range(&name)
            .map_err(|_| FileError::Broken(format!("trang tính \"{name}\" bị hỏng")))?;
        out.push(SheetData {
            rows: range_rows(&range, &mut text_left)?,
            name,
        });
    }
    Ok(Workbook {
        kind: FileKind::Ods,
        sheets: out,
    })
}

// ---------------------------------------------------------------- OLE: xls, encrypted OOXML

fn read_ole(bytes: &[u8]) -> Result<Workbook, FileError> {
    let info = match crate::guard::check_ole(bytes) {
        Ok(info) => info,
        Err(e) => {
            // A damaged container may still say what it was.
            if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo")
            {
                return Err(FileError::PasswordProtected);
            }
            return Err(e);
        }
    };
    // An encrypted xlsx/ods is an OLE container with these streams (MS-OFFCRYPTO 2.3.4).
    if info.has("EncryptedPackage") || info.has("EncryptionInfo") {
        return Err(FileError::PasswordProtected);
    }
    let Some(stream) = info.workbook.as_deref() else {
        if info.has("WordDocument") {
            return Err(FileError::UnsupportedFormat("văn bản Word .doc".into()));
        }
        if info.has("PowerPoint Document") {
            return Err(FileError::UnsupportedFormat(
                "bản trình chiếu PowerPoint .ppt".into(),
            ));
        }
        return Err(FileError::Broken(
            "tệp .xls không có phần sổ làm việc".into(),
        ));
    };
    if info.has("_VBA_PROJECT_CUR") {
        return Err(FileError::UnsupportedFormat(
            "tệp .xls có chứa macro (VBA); mở bằng Excel và lưu thành .xlsx".into(),
        ));
    }
    crate::guard::check_biff(stream)?;
    match Xls::new(Cursor::new(bytes)) {
        Ok(mut book) => {
            let sheets = ordered_sheets(book.sheets_metadata());
            let mut out = Vec::with_capacity(sheets.len());
            let mut text_left = MAX_TEXT_BYTES;
            for name in sheets {
                let range = match book.worksheet_range(&name) {
                    Ok(r) => r,
                    Err(XlsError::Password) => return Err(FileError::PasswordProtected),
                    Err(_) => {
                        return Err(FileError::Broken(format!("trang tính \"{name}\" bị hỏng")))
                    }
                };
                out.push(SheetData {
                    rows: range_rows(&range, &mut text_left)?,
                    name,
                });
            }
            Ok(Workbook {
                kind: FileKind::Xls,
                sheets: out,
            })
        }
        Err(XlsError::Password) => Err(FileError::PasswordProtected),
        Err(_) => Err(FileError::Broken(
            "tệp Excel .xls bị hỏng hoặc bị cắt cụt".into(),
        )),
    }
}

fn contains_utf16(haystack: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    haystack
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// Worksheets only (no chart or macro sheets), visible ones first.
fn ordered_sheets(meta: &[calamine::Sheet]) -> Vec<String> {
    let worksheets = || meta.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .filter(|s| s.visible == SheetVisible::Visible)
        .chain(worksheets().filter(|s| s.visible != SheetVisible::Visible))
        .map(|s| s.name.clone())
        .collect()
}

// ---------------------------------------------------------------- cells

/// Sparse cells into a dense grid padded from A1, within a cell budget and
/// a budget of text bytes (shared by the sheets of a workbook).
struct Grid {
    rows: Vec<Vec<String>>,
    cells: u64,
    /// Bytes of cell text this grid may still take.
    text_left: u64,
}

impl Grid {
    fn new(text_left: u64) -> Self {
        Grid {
            rows: Vec::new(),
            cells: 0,
            text_left,
        }
    }

    fn put(&mut self, row: u32, col: u32, text: String) -> Result<(), FileError> {
        if text.is_empty() || row >= MAX_ROWS || col >= MAX_COLS {
            return Ok(());
        }
        self.text_left = self
            .text_left
            .checked_sub(text.len() as u64)
            .ok_or_else(too_much_text)?;
        let (r, c) = (row as usize, col as usize);
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        let line = &mut self.rows[r];
        if line.len() <= c {
            self.cells += (c + 1 - line.len()) as u64;
            if self.cells > crate::guard::MAX_SHEET_CELLS {
                return Err(FileError::Broken(
                    "trang tính quá lớn (quá nhiều ô); xoá các cột, dòng thừa hoặc chia nhỏ tệp"
                        .into(),
                ));
            }
            line.resize_with(c + 1, String::new);
        }
        line[c] = text;
        Ok(())
    }

    fn finish(mut self) -> Vec<Vec<String>> {
        for row in &mut self.rows {
            while row.last().is_some_and(|c| c.trim().is_empty()) {
                row.pop();
            }
        }
        while self.rows.last().is_some_and(Vec::is_empty) {
            self.rows.pop();
        }
        self.rows
    }
}

/// The cells of a range, taking their text from the workbook's `text_left`.
fn range_rows(range: &Range<Data>, text_left: &mut u64) -> Result<Vec<Vec<String>>, FileError> {
    let mut grid = Grid::new(*text_left);
    let Some((r0, c0)) = range.start() else {
        return Ok(Vec::new());
    };
    for (i, row) in range.rows().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            if matches!(cell, Data::Empty) {
                continue;
            }
            let r = r0.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
            let c = c0.saturating_add(u32::try_from(j).unwrap_or(u32::MAX));
            grid.put(r, c, data_text(cell))?;
        }
    }
    *text_left = grid.text_left;
    Ok(grid.finish())
}

fn data_text(d: &Data) -> String {
    match d {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) => iso_text(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
        Data::Empty => String::new(),
    }
}

fn dataref_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::DateTimeIso(s) => iso_text(s),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("{e}"),
        DataRef::Empty => String::new(),
    }
}

fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_string()
}

/// Numbers as Excel shows them in a General cell, never in exponent form:
/// a CCCD typed as a number stays all its digits.
pub(crate) fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return format!("{}", f as i64);
    }
    let s = format!("{f:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn datetime_text(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        return float_text(dt.as_f64());
    }
    match dt.as_datetime() {
        Some(ndt) => naive_datetime_text(ndt, dt.as_f64() < 1.0),
        None => float_text(dt.as_f64()),
    }
}

fn naive_datetime_text(ndt: chrono::NaiveDateTime, time_only: bool) -> String {
    use chrono::Timelike;
    let t = ndt.time();
    if time_only {
        ndt.format("%H:%M").to_string()
    } else if t.hour() == 0 && t.minute() == 0 && t.second() == 0 {
        ndt.format("%d/%m/%Y").to_string()
    } else {
        ndt.format("%d/%m/%Y %H:%M").to_string()
    }
}

/// ODS dates: `1962-03-05` or `1962-03-05T00:00:00`.
fn iso_text(s: &str) -> String {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.format("%d/%m/%Y").to_string();
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return naive_datetime_text(dt, false);
        }
    }
    s.to_string()
}

// ---------------------------------------------------------------- CSV

/// Text of a CSV, decoded by [`vntext::decode_bytes_detailed`] (UTF-8 with or
/// without BOM, UTF-16 with BOM as Excel's "Unicode Text", Windows-1258).
/// Single-byte text read as Windows-1252 is kept in that view, which is how
/// TCVN3 and VNI text looks in a spreadsheet program: the legacy-encoding
/// step of validation detects and converts it over the whole sheet, as for
/// any other format, and so can report the encoding and restore the
/// capitals of TCVN3 names. `None` when the bytes are not text at all.
fn decode_text(bytes: &[u8]) -> Option<String> {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 {
        if bytes.len() & 1 != 0 {
            return None;
        }
    } else if !looks_like_text(bytes) {
        return None;
    }
    let decoded = vntext::decode_bytes_detailed(bytes);
    let text = if decoded.container == vntext::Container::Windows1252 {
        let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        s.into_owned()
    } else {
        decoded.text
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}' | '\u{1a}'))
        .filter(|c| (*c as u32) < 0x80)
        .count();
    (controls * 100 <= text.chars().count()).then_some(text)
}

/// No NUL, and at most 1% control bytes other than tab, line breaks, form
/// feed and the old DOS end-of-file mark.
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return false;
    }
    let controls = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)) || b == 0x7F)
        .count();
    controls * 100 <= bytes.len()
}

/// The delimiter among `,` `;` TAB that splits the most lines into the same
/// number of fields (quotes respected).
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(60)
        .collect();
    let mut best = (0usize, b',');
    for d in [b';', b'\t', b','] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let mut freq: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_default() += 1;
        }
        let score = freq
            .iter()
            .map(|(&n, &lines)| n.min(64) * lines)
            .max()
            .unwrap_or(0);
        if score > best.0 {
            best = (score, d);
        }
    }
    best.1
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Excel's hint line "sep=;" names the delimiter and is not shown as a row.
    let first = text.lines().next().unwrap_or("");
    let (text, delimiter) = match first.trim_end().strip_prefix("sep=") {
        Some(d) if d.len() == 1 && d.is_ascii() => {
            let rest = &text[first.len()..];
            let rest = rest
                .strip_prefix("\r\n")
                .or_else(|| rest.strip_prefix('\n'))
                .unwrap_or(rest);
            (rest, d.as_bytes()[0])
        }
        _ => (text, sniff_delimiter(text)),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // A CSV's text is the file's own (at most 20 MB): nothing repeats it.
    let mut grid = Grid::new(MAX_TEXT_BYTES);
    for (i, record) in reader.records().enumerate() {
        let record = record
            .map_err(|_| FileError::Broken(format!("dòng {} của tệp CSV không đọc được", i + 1)))?;
        let r = u32::try_from(i).unwrap_or(u32::MAX);
        for (j, field) in record.iter().enumerate() {
            grid.put(r, u32::try_from(j).unwrap_or(u32::MAX), field.to_string())?;
        }
    }
    Ok(grid.finish())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_excel() {
        assert_eq!(float_text(190620123456.0), "190620123456");
        assert_eq!(float_text(19062012345.0), "19062012345");
        assert_eq!(float_text(1962.0), "1962");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(-2.5), "-2.5");
        assert_eq!(float_text(1e20), "100000000000000000000");
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2, x\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;x\",b,c\n1,2,3\n"), b',');
        assert_eq!(
            sniff_delimiter("UBND XÃ;;;\nHọ tên;Xóm;Ghi chú, khác;\nA B;X;y;\n"),
            b';'
        );
    }

    #[test]
    fn excel_separator_hint() {
        let rows = parse_csv("sep=,\r\nHọ và tên,Xóm;Thôn\r\nA B,C\r\n").unwrap();
        assert_eq!(rows[0], vec!["Họ và tên", "Xóm;Thôn"]);
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn text_detection() {
        assert!(looks_like_text("Họ và tên;Xóm\r\n".as_bytes()));
        assert!(!looks_like_text(b"\x00\x01\x02abc"));
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc").as_deref(), Some("abc"));
        assert_eq!(
            decode_text(&[0xFF, 0xFE, b'a', 0, b';', 0, b'b', 0]).as_deref(),
            Some("a;b")
        );
        // TCVN3 bytes keep their Windows-1252 look.
        assert_eq!(
            decode_text(b"Nguy\xD4n V\xA8n An").as_deref(),
            Some("NguyÔn V¨n An")
        );
    }

    #[test]
    fn megabytes_in_vietnamese_style() {
        assert_eq!(mb(21 * 1024 * 1024), "21,0");
        let e = FileError::TooLarge {
            bytes: 25 * 1024 * 1024 + 300 * 1024,
        };
        assert!(e.to_string().contains("25,3 MB"));
    }
}

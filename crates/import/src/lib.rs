//! Spreadsheet import and export of the commune registry.
//!
//! Commune officials keep residents in Excel files of every age and shape:
//! `.xlsx`, old `.xls`, LibreOffice `.ods`, CSV; Unicode or the legacy
//! Vietnamese encodings TCVN3 (ABC) and VNI-Windows; a title and the
//! commune's name above the table, two-row merged headers, a "Tổng cộng"
//! row and signatures below it. This crate turns such a file into validated
//! rows, or into a precise list of what to fix, before anything is written:
//! the storage layer writes the rows of a clean [`Preview`] in one
//! transaction.
//!
//! # Flow
//!
//! 1. [`read_workbook`]: bytes → [`Workbook`] (the text of every cell of
//!    every sheet). The format comes from the bytes (ZIP → xlsx/ods, OLE →
//!    xls or an encrypted file, otherwise text → CSV), the file name only
//!    breaks ties. Dates in date-formatted cells become `dd/mm/yyyy`;
//!    numbers print without `.0` and without exponent (a CCCD typed as a
//!    number keeps all its digits). Whole-file problems are [`FileError`]s
//!    whose `Display` is a Vietnamese sentence: too large, empty, password
//!    protected, broken, unsupported.
//! 2. [`find_header`]: the header row among the first 30 rows, each column
//!    mapped to a [`Column`] by [`recognise_header`] ("Họ và tên", "Ngày
//!    tháng năm sinh", "SĐT", "Xóm/Thôn", ...). Unknown headers are listed
//!    in [`HeaderMatch::unknown`] so the web wizard can ask the user to map
//!    them ([`HeaderMatch::set`]).
//! 3. [`validate`]: the sheet's encoding is detected over all its cells and
//!    every cell converted to NFC Unicode (TCVN3 names get their capitals
//!    back); each row is parsed with the domain parsers, matched to a
//!    hamlet of [`ValidationContext::hamlets`] and to a household
//!    ([`HouseholdKey`]: by "Số hộ", by "Họ tên chủ hộ", or by the order of
//!    a household book where a "Chủ hộ" row starts a household). The
//!    [`Preview`] holds the valid rows, the [`RowError`]s (row number as the
//!    spreadsheet shows it, column, value, and a message saying only what to
//!    fix), the encoding found and the count of blank rows skipped.
//! 4. [`export_xlsx`]: the registry back to `.xlsx` with the headers of
//!    [`EXPORT_HEADERS`], which steps 1–3 read back to the same residents.
//!    Cells are never formulas, and text that could start one is
//!    neutralised ([`neutralise_formula`]).
//!
//! 5. [`template_xlsx`]: an empty workbook to fill in, with the headers
//!    of [`TEMPLATE_COLUMNS`] (each field's own name), one example row and
//!    a guide sheet explaining every column.
//!
//! [`preview_file`] runs steps 1–3 on the first sheet that has a header.
//!
//! Staff lists and schools' class lists ([`preview_roster`], `roster.rs`)
//! are read the same way but create nobody: each row is matched to a
//! resident already in the registry ([`PersonKey`]) by citizen ID, else by
//! name and birth date, and rows that match nobody (or several people) are
//! listed with the reason in [`RosterPreview::unmatched`].
//!
//! # Untrusted input
//!
//! Uploads are bounded before any parsing ([`MAX_FILE_BYTES`], total
//! uncompressed size of a ZIP, at most 4 million cells a sheet). calamine
//! trusts sizes written inside a file, and a damaged .xls can make it
//! allocate terabytes (an abort no `catch_unwind` stops), so an OLE file is
//! walked and its BIFF records checked first (`guard.rs`), as is an .ods
//! `content.xml`; .xls files with VBA macros are refused. What calamine
//! still panics on (out-of-range indexes in damaged files) is caught and
//! reported as [`FileError::Broken`]. A proptest feeds arbitrary and
//! corrupted bytes (`PROPTEST_CASES=50000` for a longer hunt).
//!
//! ```no_run
//! use hocvuso_import::{preview_file, ValidationContext};
//! # fn demo(bytes: &[u8]) -> Result<(), hocvuso_import::FileError> {
//! let ctx = ValidationContext {
//!     today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
//!     hamlets: vec![(1, "Xóm Khuôn Lặng".into()), (2, "Xóm Na Mấy".into())],
//! };
//! let preview = preview_file(bytes, "danh_sach.xlsx", &ctx)?;
//! if let Some(note) = preview.encoding_note() {
//!     println!("{note}");
//! }
//! for e in &preview.errors {
//!     // "Dòng 5, cột "Ngày sinh": Ngày sinh "31/02/1965" không đúng: ..."
//!     // (`e.message` alone says what to fix, without the row and column).
//!     println!("{e}");
//! }
//! # Ok(()) }
//! ```

mod export;
mod guard;
mod header;
mod read;
mod roster;
mod template;
mod text;
mod validate;

pub use export::{export_xlsx, neutralise_formula, ExportRow, EXPORT_HEADERS, EXPORT_HEADER_ROW};
pub use header::{
    column_letter, find_header, recognise_header, Column, HeaderMatch, HEADER_SEARCH_ROWS,
};
pub use read::{read_workbook, FileError, FileKind, SheetData, Workbook, MAX_FILE_BYTES};
pub use roster::{
    find_roster_header, preview_roster, recognise_roster_header, validate_roster, MatchedBy,
    MatchedRow, PersonKey, RosterColumn, RosterContext, RosterEntry, RosterFileError, RosterHeader,
    RosterKind, RosterPerson, RosterPreview, UnmatchedRow,
};
pub use template::{template_xlsx, TEMPLATE_COLUMNS, TEMPLATE_GUIDE_SHEET};
pub use validate::{validate, HouseholdKey, ImportRow, Preview, RowError, ValidationContext};

/// The first sheet with a recognisable header row (visible sheets first),
/// with its header.
pub fn pick_sheet(workbook: &Workbook) -> Result<(usize, HeaderMatch), FileError> {
    workbook
        .sheets
        .iter()
        .enumerate()
        .filter(|(_, s)| s.has_data())
        .find_map(|(i, s)| find_header(s).ok().map(|h| (i, h)))
        .ok_or(FileError::NoHeader)
}

/// Read a file and validate its first sheet with a header, in one call.
pub fn preview_file(
    bytes: &[u8],
    file_name: &str,
    ctx: &ValidationContext,
) -> Result<Preview, FileError> {
    let workbook = read_workbook(bytes, file_name)?;
    let (index, header) = pick_sheet(&workbook)?;
    Ok(validate(&workbook.sheets[index], &header, ctx))
}

//! The spreadsheet reader: `hocvuso_import::read_workbook` on any bytes,
//! under the file name the first byte picks (xlsx, xls, ods, csv, none),
//! then the rest of `preview_file` (header search, validation) when a sheet
//! has a header.
//!
//! read_workbook catches calamine's own panics (out-of-range indexes in
//! damaged files) and reports them as `FileError::Broken`, by design. The
//! fuzzer's panic hook aborts on every panic, caught or not, so this target
//! puts its own hook first: a panic raised in a dependency's source (under
//! Cargo's registry) is left to that `catch_unwind`; any other panic (ours,
//! or the standard library's on our behalf) aborts and is a crash. Set
//! FUZZ_SHOW_CAUGHT=1 to see the panics left to read_workbook.
#![no_main]

use std::sync::OnceLock;

use hocvuso_import::{
    pick_sheet, read_workbook, validate, FileError, FileKind, ValidationContext, MAX_FILE_BYTES,
};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = [
    "danh_sach.xlsx",
    "danh_sach.xls",
    "danh_sach.ods",
    "danh_sach.csv",
    "danh sách xóm 3",
    "C:\\Tải về\\DS.XLSX",
];

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn context() -> &'static ValidationContext {
    static CTX: OnceLock<ValidationContext> = OnceLock::new();
    CTX.get_or_init(|| ValidationContext {
        today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
        hamlets: vec![
            (1, "Xóm Khuôn Lặng".into()),
            (2, "Xóm Na Mấy".into()),
            (3, "Thôn 3".into()),
        ],
    })
}

/// Whether a panic was raised in a dependency's own source.
fn in_dependency(file: &str) -> bool {
    file.contains("/registry/src/") || file.contains("/git/checkouts/")
}

fn install_panic_hook() {
    let fuzzer_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.location().is_some_and(|l| in_dependency(l.file())) {
            // FUZZ_SHOW_CAUGHT=1 lists them.
            if std::env::var_os("FUZZ_SHOW_CAUGHT").is_some() {
                eprintln!("caught: {info}");
            }
            return;
        }
        fuzzer_hook(info);
        std::process::abort();
    }));
}

fuzz_target!(init: install_panic_hook(), |data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let workbook = match read_workbook(bytes, name) {
        Ok(w) => w,
        Err(e) => {
            // Every error is a sentence the user can act on.
            assert!(!e.to_string().trim().is_empty());
            if let FileError::TooLarge { bytes: n } = e {
                assert!(n > MAX_FILE_BYTES);
            }
            return;
        }
    };
    // The format comes from the bytes, not from the name.
    let expected: &[FileKind] = if bytes.starts_with(ZIP_MAGIC) {
        &[FileKind::Xlsx, FileKind::Ods]
    } else if bytes.starts_with(OLE_MAGIC) {
        &[FileKind::Xls]
    } else {
        &[FileKind::Csv]
    };
    assert!(expected.contains(&workbook.kind), "{:?}", workbook.kind);
    if workbook.kind == FileKind::Csv {
        assert_eq!(workbook.sheets.len(), 1);
    }
    // Some sheet has data; trailing blank cells and empty rows are trimmed.
    assert!(workbook.sheets.iter().any(|s| s.has_data()));
    for sheet in &workbook.sheets {
        assert!(sheet.rows.last().is_none_or(|r| !r.is_empty()));
        for row in &sheet.rows {
            assert!(row.last().is_none_or(|c| !c.trim().is_empty()));
        }
    }
    // The rest of preview_file.
    let Ok((index, header)) = pick_sheet(&workbook) else {
        return;
    };
    let sheet = &workbook.sheets[index];
    let preview = validate(sheet, &header, context());
    for e in &preview.errors {
        assert!(!e.message.trim().is_empty());
        assert!((1..=sheet.rows.len()).contains(&e.row_number), "{e:?}");
    }
});

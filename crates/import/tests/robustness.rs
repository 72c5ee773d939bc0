//! read_workbook never panics: truncated, corrupted and random input.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::fixture;
use hocvuso_import::{find_header, read_workbook, FileError, MAX_FILE_BYTES};
use proptest::prelude::*;

const SPREADSHEETS: [&str; 5] = [
    "tcvn3_libreoffice.xlsx",
    "legacy.xls",
    "residents.ods",
    "encrypted.xlsx",
    "errors.xlsx",
];

/// Read, and when that works, look for a header too: neither may panic.
fn exercise(bytes: &[u8], name: &str) -> Result<(), FileError> {
    let wb = read_workbook(bytes, name)?;
    for s in &wb.sheets {
        let _ = find_header(s);
    }
    Ok(())
}

#[test]
fn too_large_is_refused_before_parsing() {
    let bytes = vec![b'a'; MAX_FILE_BYTES + 1];
    let err = read_workbook(&bytes, "big.csv").unwrap_err();
    assert_eq!(
        err,
        FileError::TooLarge {
            bytes: MAX_FILE_BYTES + 1
        }
    );
    assert!(err.to_string().contains("20 MB"), "{err}");
}

#[test]
fn empty_inputs() {
    assert_eq!(read_workbook(b"", "a.xlsx"), Err(FileError::Empty));
    assert_eq!(read_workbook(b"  \r\n\t", "a.csv"), Err(FileError::Empty));
    assert_eq!(
        read_workbook(b";;;\r\n;;;\r\n", "a.csv"),
        Err(FileError::Empty)
    );
    assert_eq!(
        read_workbook(b"\xEF\xBB\xBF", "a.csv"),
        Err(FileError::Empty)
    );
}

#[test]
fn every_truncation_of_every_fixture() {
    for name in SPREADSHEETS {
        let bytes = fixture(name);
        let step = (bytes.len() / 300).max(1);
        for len in (0..bytes.len()).step_by(step) {
            match exercise(&bytes[..len], name) {
                Ok(()) => {}
                Err(FileError::Broken(reason)) => assert!(!reason.is_empty()),
                Err(_) => {}
            }
        }
        // A truncated xlsx is Broken, not Empty or a panic.
        if name.ends_with(".xlsx") && name != "encrypted.xlsx" {
            let cut = &bytes[..bytes.len() / 2];
            assert!(
                matches!(read_workbook(cut, name), Err(FileError::Broken(_))),
                "{name}"
            );
        }
    }
}

#[test]
fn other_formats_are_named() {
    let err = read_workbook(b"%PDF-1.4 ...", "danh_sach.pdf").unwrap_err();
    assert!(
        matches!(err, FileError::UnsupportedFormat(ref w) if w.contains("PDF")),
        "{err:?}"
    );
    let html = "<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>";
    let err = read_workbook(html.as_bytes(), "xuat_tu_phan_mem.xls").unwrap_err();
    assert!(
        matches!(err, FileError::UnsupportedFormat(ref w) if w.contains("HTML")),
        "{err:?}"
    );
    assert!(err.to_string().contains(".xlsx"));
    // A zip holding an xlsx.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("danh_sach.xlsx", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, b"not really").unwrap();
        z.finish().unwrap();
    }
    let err = read_workbook(buf.get_ref(), "gui_xa.zip").unwrap_err();
    assert!(
        matches!(err, FileError::UnsupportedFormat(ref w) if w.contains("giải nén")),
        "{err:?}"
    );
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

proptest! {
    // PROPTEST_CASES=50000 for a longer hunt.
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), ext in "(xlsx|xls|ods|csv|bin|)") {
        let _ = exercise(&bytes, &format!("tep.{ext}"));
    }

    #[test]
    fn arbitrary_bytes_behind_a_signature_never_panic(
        magic in prop_oneof![
            Just(b"PK\x03\x04".to_vec()),
            Just(vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(vec![0xFF, 0xFE]),
        ],
        rest in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = magic;
        bytes.extend(rest);
        let _ = exercise(&bytes, "tep.xlsx");
    }

    #[test]
    fn corrupted_fixtures_never_panic(
        which in 0..SPREADSHEETS.len(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let name = SPREADSHEETS[which];
        let mut bytes = fixture(name);
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = exercise(&bytes, name);
    }
}

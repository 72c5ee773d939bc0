mod common;
use proptest::prelude::*;
proptest! {
    #![proptest_config(ProptestConfig { cases: 200000, failure_persistence: None, .. ProptestConfig::default() })]
    #[test]
    fn fuzz(which in 0..3usize, flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20), cut in any::<prop::sample::Index>()) {
        let name = ["legacy.xls", "residents.ods", "tcvn3_libreoffice.xlsx"][which];
        let mut bytes = common::fixture(name);
        for (at, value) in flips { let i = at.index(bytes.len()); bytes[i] = value; }
        let n = bytes.len();
        let keep = if which == 0 { n } else { n.max(1) };
        let _ = cut; let _ = keep;
        std::fs::write("/tmp/fuzzcase.bin", &bytes).unwrap(); std::fs::write("/tmp/fuzzcase.name", name).unwrap();
        if let Ok(wb) = hocvuso_import::read_workbook(&bytes, name) { for s in &wb.sheets { let _ = hocvuso_import::find_header(s); } }
    }
}

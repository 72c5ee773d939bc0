#[test]
fn crash() {
    let bytes = std::fs::read("/tmp/crash.xls").unwrap();
    let _ = hocvuso_import::read_workbook(&bytes, "legacy.xls");
}

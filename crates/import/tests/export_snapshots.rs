//! Snapshots of the registry export as a spreadsheet program shows it: the
//! title, the header row and a few residents, read back from the .xlsx as
//! text, without and with the sensitive columns. A change of wording or of
//! layout shows as a diff to review; accept it with `cargo insta review`,
//! or `INSTA_UPDATE=always cargo test`.

#![allow(clippy::unwrap_used)] // tests may unwrap

use hocvuso_import::{export_xlsx, read_workbook, ExportRow};

fn rows() -> Vec<ExportRow> {
    vec![
        ExportRow {
            full_name: "Nông Văn Bình".into(),
            birth: "05/03/1962".into(),
            sex: "Nam".into(),
            ethnicity: "Tày".into(),
            citizen_id: "019062012345".into(),
            phone: "0912345678".into(),
            hamlet: "Xóm Khuôn Lặng".into(),
            relation: "Chủ hộ".into(),
            household_code: "KL-012".into(),
            head_name: "Nông Văn Bình".into(),
            groups: "Người cao tuổi; Đồng bào dân tộc thiểu số".into(),
            notes: "Đã học lớp kỹ năng số ở nhà văn hóa".into(),
        },
        ExportRow {
            full_name: "Hoàng Thị Lan".into(),
            birth: "1990".into(),
            sex: "Nữ".into(),
            ethnicity: "Nùng".into(),
            citizen_id: String::new(),
            phone: "0387654321".into(),
            hamlet: "Xóm Khuôn Lặng".into(),
            relation: "Vợ".into(),
            household_code: "KL-012".into(),
            head_name: "Nông Văn Bình".into(),
            groups: "Hộ sản xuất, kinh doanh".into(),
            notes: String::new(),
        },
        ExportRow {
            full_name: "Lò Văn Mạnh".into(),
            birth: "12/11/2008".into(),
            sex: "Nam".into(),
            ethnicity: "Thái".into(),
            citizen_id: String::new(),
            phone: String::new(),
            hamlet: "Xóm Na Mấy".into(),
            relation: "Chủ hộ".into(),
            household_code: "-12".into(),
            head_name: "Lò Văn Mạnh".into(),
            groups: String::new(),
            notes: "=HYPERLINK(\"http://x\",\"bấm\")".into(),
        },
    ]
}

/// The first sheet of an .xlsx as text: its name, then one line per row
/// with the cells' text between `|` (empty rows kept, so positions show).
fn sheet_text(bytes: &[u8]) -> String {
    let wb = read_workbook(bytes, "xuat.xlsx").unwrap();
    let sheet = &wb.sheets[0];
    let mut out = format!("== {}\n", sheet.name);
    for row in &sheet.rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

#[test]
fn the_registry_export_reads_as_before() {
    let title = "DANH SÁCH NHÂN KHẨU XÃ DÂN TIẾN";
    let plain = export_xlsx(title, &rows(), false).unwrap();
    insta::assert_snapshot!("registry_export", sheet_text(&plain));
    let full = export_xlsx(title, &rows(), true).unwrap();
    insta::assert_snapshot!("registry_export_with_sensitive_columns", sheet_text(&full));
}

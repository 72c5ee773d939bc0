//! Writing the registry back to .xlsx, in the layout that import reads.

use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook};

pub use hocvuso_domain::exchange::ExportRow;

/// The header row of an export; each is recognised by [`crate::recognise_header`].
pub const EXPORT_HEADERS: [&str; 13] = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Số điện thoại",
    "Xóm/Thôn",
    "Quan hệ với chủ hộ",
    "Số hộ",
    "Họ tên chủ hộ",
    "Nhóm đối tượng",
    "Ghi chú",
];

const WIDTHS: [f64; 13] = [
    6.0, 26.0, 12.0, 9.0, 11.0, 16.0, 14.0, 20.0, 16.0, 9.0, 26.0, 32.0, 32.0,
];

/// Index of the header row in an export (a title row and a blank row above it).
pub const EXPORT_HEADER_ROW: u32 = 2;

/// Excel's limit on the text of one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Text that a spreadsheet program could take for a formula (it starts with
/// `=`, `+`, `-`, `@`, TAB or CR) gets a leading `'`, so that opening the
/// export never runs anything (CSV/formula injection). Import takes the `'`
/// off again before these characters.
pub fn neutralise_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn cell_text(s: &str) -> String {
    let mut t = neutralise_formula(s);
    if t.chars().count() > MAX_CELL_CHARS {
        t = t.chars().take(MAX_CELL_CHARS).collect();
    }
    t
}

/// The columns holding sensitive personal data (domain::privacy): Dân tộc
/// and Ghi chú. Left out of an export unless chosen.
const SENSITIVE_COLUMNS: [usize; 2] = [4, 12];

/// Group labels without the sensitive groups (ethnic minority).
fn without_sensitive_groups(groups: &str) -> String {
    groups
        .split("; ")
        .filter(|g| {
            !hocvuso_domain::TargetGroup::ALL
                .iter()
                .any(|t| t.is_sensitive() && t.label() == *g)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The registry as an .xlsx file: a title row, the header row (bold,
/// frozen, with a filter), one row per resident. Every cell is written as
/// text, never as a formula; the CCCD and phone columns are formatted as
/// text so that numbers typed there later keep their leading zeros.
/// Without `with_sensitive` the sensitive columns (Dân tộc, Ghi chú) are
/// not in the file at all, nor the groups derived from them.
pub fn export_xlsx(
    title: &str,
    rows: &[ExportRow],
    with_sensitive: bool,
) -> Result<Vec<u8>, String> {
    let max_rows = 1_048_576 - (EXPORT_HEADER_ROW as usize + 1);
    if rows.len() > max_rows {
        return Err(format!(
            "Danh sách có {} người, vượt giới hạn {} dòng của Excel: hãy xuất theo từng xóm.",
            rows.len(),
            max_rows
        ));
    }
    let fail = |e: rust_xlsxwriter::XlsxError| format!("Không tạo được tệp Excel: {e}");

    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(title));
    let sheet = workbook.add_worksheet();
    sheet.set_name("Danh sách").map_err(fail)?;

    let title_format = Format::new().set_bold().set_font_size(14);
    let header_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(0xDDEBF7);
    let text_format = Format::new().set_num_format("@");

    // The source columns written, in order; a written column's position is
    // its index here.
    let columns: Vec<usize> = (0..EXPORT_HEADERS.len())
        .filter(|c| with_sensitive || !SENSITIVE_COLUMNS.contains(c))
        .collect();
    let at = |source: usize| columns.iter().position(|c| *c == source).map(|p| p as u16);
    let text_columns: Vec<u16> = [5, 6].into_iter().filter_map(at).collect();
    let last_col = (columns.len() - 1) as u16;
    sheet
        .merge_range(0, 0, 0, last_col, &cell_text(title), &title_format)
        .map_err(fail)?;
    for (c, source) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_width(c, WIDTHS[*source]).map_err(fail)?;
        sheet
            .write_string_with_format(
                EXPORT_HEADER_ROW,
                c,
                EXPORT_HEADERS[*source],
                &header_format,
            )
            .map_err(fail)?;
    }
    // CCCD and phone: text columns.
    for c in &text_columns {
        sheet.set_column_format(*c, &text_format).map_err(fail)?;
    }
    sheet.set_row_height(EXPORT_HEADER_ROW, 30).map_err(fail)?;
    sheet
        .set_freeze_panes(EXPORT_HEADER_ROW + 1, 0)
        .map_err(fail)?;

    for (i, r) in rows.iter().enumerate() {
        let row = EXPORT_HEADER_ROW + 1 + i as u32;
        let number = (i + 1).to_string();
        let groups = if with_sensitive {
            r.groups.clone()
        } else {
            without_sensitive_groups(&r.groups)
        };
        let cells: [&str; 13] = [
            &number,
            &r.full_name,
            &r.birth,
            &r.sex,
            &r.ethnicity,
            &r.citizen_id,
            &r.phone,
            &r.hamlet,
            &r.relation,
            &r.household_code,
            &r.head_name,
            &groups,
            &r.notes,
        ];
        for (c, source) in columns.iter().enumerate() {
            let value = cells[*source];
            if value.is_empty() {
                continue;
            }
            let c = c as u16;
            if text_columns.contains(&c) {
                sheet
                    .write_string_with_format(row, c, cell_text(value), &text_format)
                    .map_err(fail)?;
            } else {
                sheet.write_string(row, c, cell_text(value)).map_err(fail)?;
            }
        }
    }
    let last_row = EXPORT_HEADER_ROW + rows.len() as u32;
    sheet
        .autofilter(EXPORT_HEADER_ROW, 0, last_row, last_col)
        .map_err(fail)?;
    workbook.save_to_buffer().map_err(fail)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise_formula("=1+1"), "'=1+1");
        assert_eq!(neutralise_formula("+84912345678"), "'+84912345678");
        assert_eq!(neutralise_formula("-2"), "'-2");
        assert_eq!(neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise_formula("\tx"), "'\tx");
        assert_eq!(neutralise_formula("\rx"), "'\rx");
        assert_eq!(neutralise_formula("Nguyễn Văn An"), "Nguyễn Văn An");
        assert_eq!(neutralise_formula(""), "");
    }

    #[test]
    fn sensitive_columns_and_groups_only_when_chosen() {
        let row = ExportRow {
            full_name: "Hoàng Văn Páo".into(),
            ethnicity: "Mông".into(),
            notes: "Bệnh tim".into(),
            groups: "Đồng bào dân tộc thiểu số; Người cao tuổi".into(),
            citizen_id: "019190000001".into(),
            ..ExportRow::default()
        };
        assert_eq!(EXPORT_HEADERS[SENSITIVE_COLUMNS[0]], "Dân tộc");
        assert_eq!(EXPORT_HEADERS[SENSITIVE_COLUMNS[1]], "Ghi chú");
        assert_eq!(without_sensitive_groups(&row.groups), "Người cao tuổi");
        let plain = export_xlsx("Sổ", std::slice::from_ref(&row), false).unwrap();
        let full = export_xlsx("Sổ", &[row], true).unwrap();
        let text = |b: &[u8]| {
            let wb = crate::read_workbook(b, "x.xlsx").unwrap();
            let s = &wb.sheets[0];
            (0..s.rows.len())
                .flat_map(|r| (0..16).map(move |c| (r, c)))
                .map(|(r, c)| s.cell(r, c).to_string())
                .collect::<Vec<_>>()
                .join("|")
        };
        let plain = text(&plain);
        let full = text(&full);
        for hidden in ["Dân tộc", "Mông", "Ghi chú", "Bệnh tim", "dân tộc thiểu số"] {
            assert!(!plain.contains(hidden), "{hidden} in {plain}");
            assert!(full.contains(hidden), "{hidden} missing in {full}");
        }
        assert!(plain.contains("019190000001") && plain.contains("Người cao tuổi"));
    }

    #[test]
    fn every_export_header_is_recognised() {
        for h in EXPORT_HEADERS {
            assert!(crate::recognise_header(h).is_some(), "{h}");
        }
    }
}

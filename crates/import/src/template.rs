//! The template spreadsheet offered on the import page: the headers the
//! importer recognises, one example row, and a sheet explaining each column.

use hocvuso_domain::TargetGroup;
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook};

use crate::header::Column;

/// The columns of the template, in order. Each header is the field's own
/// name ([`Column::label`]), which [`crate::recognise_header`] maps back.
/// Alternatives the importer also reads (a "Năm sinh" column instead of
/// "Ngày sinh", "Họ tên chủ hộ" instead of "Số hộ") are explained in the
/// guide sheet rather than offered twice.
pub const TEMPLATE_COLUMNS: [Column; 12] = [
    Column::FullName,
    Column::BirthDate,
    Column::Sex,
    Column::Ethnicity,
    Column::CitizenId,
    Column::Phone,
    Column::Hamlet,
    Column::HouseholdCode,
    Column::Relation,
    Column::Groups,
    Column::Student,
    Column::Notes,
];

/// Name of the sheet with the explanations.
pub const TEMPLATE_GUIDE_SHEET: &str = "Hướng dẫn";

/// Hamlet of the example row when the commune has none yet.
const EXAMPLE_HAMLET: &str = "Xóm Mẫu";

/// Whether the column must be filled on every row.
fn required(c: Column) -> bool {
    matches!(c, Column::FullName | Column::Hamlet | Column::HouseholdCode)
}

/// The example row's cell: obviously fictional, and valid (the CCCD agrees
/// with the sex and the birth year; 0900000000 is a well-formed mobile).
fn example(c: Column, hamlet: &str) -> String {
    match c {
        Column::FullName => "Nguyễn Văn Mẫu".into(),
        Column::BirthDate => "01/01/1980".into(),
        Column::Sex => "Nam".into(),
        Column::Ethnicity => "Kinh".into(),
        Column::CitizenId => "001080000000".into(),
        Column::Phone => "0900000000".into(),
        Column::Hamlet => hamlet.into(),
        Column::HouseholdCode => "VD-01".into(),
        Column::Relation => "Chủ hộ".into(),
        Column::Notes => "Dòng ví dụ: xoá dòng này trước khi nhập".into(),
        _ => String::new(),
    }
}

/// How to fill the column, for the guide sheet.
fn explanation(c: Column, hamlets: &[String]) -> String {
    match c {
        Column::FullName => {
            "Họ, chữ đệm và tên đầy đủ, có dấu, ví dụ Nguyễn Văn An. Ít nhất hai chữ, không có chữ số.".into()
        }
        Column::BirthDate => format!(
            "Ngày sinh dạng dd/mm/yyyy (ngày/tháng/năm), ví dụ 05/03/1962; chỉ biết năm thì ghi năm, ví dụ 1962. Không sau ngày hôm nay. Tệp chỉ có năm sinh thì có thể dùng cột \"{}\" thay cho cột này.",
            Column::BirthYear.label()
        ),
        Column::Sex => "Nam, Nữ hoặc Khác.".into(),
        Column::Ethnicity => {
            "Tên một trong 54 dân tộc, ví dụ Kinh, Tày, Nùng, Dao, H'Mông, Sán Chay.".into()
        }
        Column::CitizenId => {
            "Số CCCD (số định danh cá nhân): đủ 12 chữ số, giữ số 0 ở đầu, ví dụ 019062012345. Cột này đã định dạng Văn bản (Text) để Excel không bỏ số 0; nếu dán từ tệp khác, hãy dán giá trị và kiểm tra lại đủ 12 chữ số. Phải khớp giới tính và năm sinh; mỗi người một số, không trùng. Số CMND cũ 9 chữ số không dùng được.".into()
        }
        Column::Phone => {
            "Di động 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09; cố định 11 chữ số bắt đầu bằng 02. Giữ số 0 ở đầu (cột đã định dạng Văn bản). Người có hai số thì ghi cách nhau bởi dấu /, số thứ hai được chuyển vào Ghi chú.".into()
        }
        Column::Hamlet => {
            let list = if hamlets.is_empty() {
                "xã chưa có xóm nào: thêm xóm trong phần Danh mục trước khi nhập".to_string()
            } else {
                format!("các xóm của xã: {}", hamlets.join(", "))
            };
            format!("Tên xóm đúng như trong danh sách xóm của xã ({list}).")
        }
        Column::HouseholdCode => format!(
            "Số hộ trong sổ của xã: những người cùng hộ ghi cùng một số (không gộp ô). Có thể dùng cột \"{}\" thay cho cột này.",
            Column::HeadName.label()
        ),
        Column::Relation => {
            "Quan hệ với chủ hộ: chủ hộ ghi \"Chủ hộ\"; người khác ghi Vợ, Chồng, Con, Cha, Mẹ, Cháu...".into()
        }
        Column::Groups => format!(
            "Nhóm đối tượng ghi tay, nhiều nhóm cách nhau bởi dấu chấm phẩy; chọn trong: {}. Người cao tuổi, người trưởng thành và đồng bào dân tộc thiểu số được tự tính từ ngày sinh và dân tộc, không cần ghi.",
            TargetGroup::ALL
                .iter()
                .map(|g| g.label())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Column::Student => "Ghi x nếu là học sinh; để trống nếu không.".into(),
        Column::Notes => "Ghi chú thêm, nếu có.".into(),
        _ => String::new(),
    }
}

/// The template workbook: sheet "Danh sách" with the header row and one
/// example row (CCCD and phone columns formatted as text), and sheet
/// [`TEMPLATE_GUIDE_SHEET`] explaining each column. `hamlets` are the
/// commune's hamlet names: the example row uses the first, the guide lists
/// them all.
pub fn template_xlsx(hamlets: &[String]) -> Result<Vec<u8>, String> {
    let fail = |e: rust_xlsxwriter::XlsxError| format!("Không tạo được tệp mẫu: {e}");
    let hamlet = hamlets
        .first()
        .map(String::as_str)
        .unwrap_or(EXAMPLE_HAMLET);

    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title("Mẫu danh sách cư dân để nhập"));
    let header_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(0xDDEBF7);
    let text_format = Format::new().set_num_format("@");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let bold_top = Format::new().set_bold().set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    sheet.set_name("Danh sách").map_err(fail)?;
    for (i, column) in TEMPLATE_COLUMNS.iter().enumerate() {
        let c = i as u16;
        let text = matches!(column, Column::CitizenId | Column::Phone);
        let width = match column {
            Column::FullName | Column::Hamlet | Column::Groups | Column::Notes => 26.0,
            Column::CitizenId | Column::Phone | Column::Relation => 16.0,
            _ => 11.0,
        };
        sheet.set_column_width(c, width).map_err(fail)?;
        if text {
            // Typed later, a CCCD or phone number keeps its leading zero.
            sheet.set_column_format(c, &text_format).map_err(fail)?;
        }
        sheet
            .write_string_with_format(0, c, column.label(), &header_format)
            .map_err(fail)?;
        let value = example(*column, hamlet);
        if value.is_empty() {
            continue;
        }
        if text {
            sheet
                .write_string_with_format(1, c, &value, &text_format)
                .map_err(fail)?;
        } else {
            sheet.write_string(1, c, &value).map_err(fail)?;
        }
    }
    sheet.set_row_height(0, 30).map_err(fail)?;
    sheet.set_freeze_panes(1, 0).map_err(fail)?;

    let guide = workbook.add_worksheet();
    guide.set_name(TEMPLATE_GUIDE_SHEET).map_err(fail)?;
    guide.set_column_width(0, 22.0).map_err(fail)?;
    guide.set_column_width(1, 14.0).map_err(fail)?;
    guide.set_column_width(2, 90.0).map_err(fail)?;
    let intro = [
        "Cách dùng tệp mẫu",
        "Mỗi dòng của trang \"Danh sách\" là một người. Giữ nguyên dòng tiêu đề; xoá dòng ví dụ (Nguyễn Văn Mẫu) rồi điền từ dòng 2.",
        "Tải tệp lên ở trang Nhập Excel: chương trình kiểm tra tất cả các dòng và chỉ ghi khi không còn lỗi. Nhập lại cùng một người không tạo bản ghi trùng.",
    ];
    guide
        .write_string_with_format(0, 0, intro[0], &Format::new().set_bold().set_font_size(14))
        .map_err(fail)?;
    guide.write_string(1, 0, intro[1]).map_err(fail)?;
    guide.write_string(2, 0, intro[2]).map_err(fail)?;
    let top = 4;
    for (c, h) in ["Cột", "Bắt buộc", "Cách ghi"].iter().enumerate() {
        guide
            .write_string_with_format(top, c as u16, *h, &header_format)
            .map_err(fail)?;
    }
    for (i, column) in TEMPLATE_COLUMNS.iter().enumerate() {
        let row = top + 1 + i as u32;
        guide
            .write_string_with_format(row, 0, column.label(), &bold_top)
            .map_err(fail)?;
        let must = if required(*column) {
            "Bắt buộc"
        } else {
            "Không"
        };
        guide
            .write_string_with_format(row, 1, must, &wrap)
            .map_err(fail)?;
        guide
            .write_string_with_format(row, 2, explanation(*column, hamlets), &wrap)
            .map_err(fail)?;
    }
    workbook.save_to_buffer().map_err(fail)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_template_header_is_recognised_as_its_column() {
        for c in TEMPLATE_COLUMNS {
            assert_eq!(crate::recognise_header(c.label()), Some(c), "{}", c.label());
            assert!(!explanation(c, &[]).is_empty(), "{c:?} is explained");
        }
    }
}

//! The indicator tables as a spreadsheet: one sheet of all indicators, one
//! by hamlet, one by quarter.

use crate::{Dashboard, Part, ReportingError, Result};
use rust_xlsxwriter::{Format, Workbook};

fn err(e: rust_xlsxwriter::XlsxError) -> ReportingError {
    ReportingError::Invalid(format!("không tạo được tệp Excel: {e}"))
}

/// `groups`: indicator code → its breakdown by target group.
pub fn indicators_xlsx(
    d: &Dashboard,
    groups: &std::collections::BTreeMap<String, Vec<Part>>,
    commune: &str,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let pct = Format::new().set_num_format("0.0");
    let wrap = Format::new().set_text_wrap();

    let s = wb.add_worksheet().set_name("Chỉ tiêu").map_err(err)?;
    s.write_with_format(
        0,
        0,
        format!(
            "Kết quả thực hiện chỉ tiêu Phong trào «Bình dân học vụ số» – {} – {}",
            commune, d.quarter_label
        ),
        &title,
    )
    .map_err(err)?;
    let head = [
        "Mã",
        "Chỉ tiêu",
        "Chỉ tiêu kế hoạch",
        "Tử số",
        "Mẫu số",
        "Kết quả (%)",
        "Còn thiếu (điểm %)",
        "Đạt",
        "Cách tính",
    ];
    for (c, h) in head.iter().enumerate() {
        s.write_with_format(2, c as u16, *h, &bold).map_err(err)?;
    }
    for (i, r) in d.indicators.iter().enumerate() {
        let row = 3 + i as u32;
        s.write(row, 0, &r.code).map_err(err)?;
        s.write_with_format(row, 1, &r.name, &wrap).map_err(err)?;
        s.write(row, 2, &r.target_text).map_err(err)?;
        s.write(row, 3, r.numerator as f64).map_err(err)?;
        s.write(row, 4, r.denominator as f64).map_err(err)?;
        if let Some(v) = r.value {
            s.write_with_format(row, 5, v, &pct).map_err(err)?;
        }
        if let Some(g) = r.gap {
            s.write_with_format(row, 6, g.max(0.0), &pct).map_err(err)?;
        }
        s.write(
            row,
            7,
            match r.met {
                Some(true) => "Đạt",
                Some(false) => "Chưa đạt",
                None => "",
            },
        )
        .map_err(err)?;
        s.write_with_format(row, 8, &r.formula, &wrap)
            .map_err(err)?;
    }
    s.set_column_width(1, 60).map_err(err)?;
    s.set_column_width(2, 18).map_err(err)?;
    s.set_column_width(8, 80).map_err(err)?;

    let parts_sheet = |wb: &mut Workbook,
                       name: &str,
                       heading: &str,
                       pick: &dyn Fn(&crate::IndicatorResult) -> Vec<Part>|
     -> Result<()> {
        let s = wb.add_worksheet().set_name(name).map_err(err)?;
        s.write_with_format(0, 0, heading, &title).map_err(err)?;
        let head = [
            "Mã chỉ tiêu",
            "Chỉ tiêu",
            name,
            "Tử số",
            "Mẫu số",
            "Kết quả (%)",
        ];
        for (c, h) in head.iter().enumerate() {
            s.write_with_format(2, c as u16, *h, &bold).map_err(err)?;
        }
        let mut row = 3u32;
        for r in &d.indicators {
            for p in pick(r) {
                s.write(row, 0, &r.code).map_err(err)?;
                s.write(row, 1, &r.name).map_err(err)?;
                s.write(row, 2, &p.name).map_err(err)?;
                s.write(row, 3, p.numerator as f64).map_err(err)?;
                s.write(row, 4, p.denominator as f64).map_err(err)?;
                if let Some(v) = p.value {
                    s.write_with_format(row, 5, v, &pct).map_err(err)?;
                }
                row += 1;
            }
        }
        s.set_column_width(1, 50).map_err(err)?;
        s.set_column_width(2, 28).map_err(err)?;
        Ok(())
    };
    parts_sheet(
        &mut wb,
        "Theo xóm",
        "Chỉ tiêu theo xóm (chỉ tiêu 6b: theo trường)",
        &|r| r.by_hamlet.clone(),
    )?;
    parts_sheet(
        &mut wb,
        "Theo quý",
        "Diễn biến theo quý (cộng dồn từ đầu năm)",
        &|r| r.trend.clone(),
    )?;
    parts_sheet(
        &mut wb,
        "Theo nhóm",
        "Chỉ tiêu theo nhóm đối tượng",
        &|r| groups.get(&r.code).cloned().unwrap_or_default(),
    )?;
    wb.save_to_buffer().map_err(err)
}

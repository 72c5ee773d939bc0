//! The commune's report as a spreadsheet: first the report itself, drawn
//! from the same model as its DOCX and PDF (so the three agree), then the
//! indicator tables: all indicators, by hamlet, by quarter, by group.

use crate::{Dashboard, Part, ReportingError, Result};
use hocvuso_documents::CommuneReport;
use rust_xlsxwriter::{Format, Workbook};

fn err(e: rust_xlsxwriter::XlsxError) -> ReportingError {
    ReportingError::Invalid(format!("không tạo được tệp Excel: {e}"))
}

/// A whole number as the report writes it ("1.250", "-3", "+4"), for the
/// sheet to hold it as a number; anything else stays text.
fn whole_number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let groups: Vec<&str> = digits.split('.').collect();
    let well_formed = !digits.is_empty()
        && groups[0].len() <= 3
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    if !well_formed {
        return None;
    }
    let n: f64 = groups.concat().parse().ok()?;
    Some(if t.starts_with('-') { -n } else { n })
}

/// The report, section by section, on one sheet: headings, paragraphs and
/// tables as in the DOCX.
fn report_sheet(wb: &mut Workbook, report: &CommuneReport) -> Result<()> {
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let cell = Format::new()
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let s = wb.add_worksheet().set_name("Báo cáo").map_err(err)?;
    s.write_with_format(0, 0, format!("{} – {}", report.kind, report.title), &title)
        .map_err(err)?;
    s.write(
        1,
        0,
        format!("{}, ngày {}", report.place, report.date.format("%d/%m/%Y")),
    )
    .map_err(err)?;
    let mut row = 3u32;
    for (i, section) in report.sections.iter().enumerate() {
        s.write_with_format(
            row,
            0,
            hocvuso_documents::section_heading(i, section),
            &bold,
        )
        .map_err(err)?;
        row += 1;
        for p in &section.paragraphs {
            s.write_with_format(row, 0, p, &wrap).map_err(err)?;
            row += 1;
        }
        if let Some(t) = &section.table {
            for (c, h) in t.header.iter().enumerate() {
                s.write_with_format(row, c as u16, h, &head).map_err(err)?;
            }
            row += 1;
            for r in &t.rows {
                for (c, v) in r.iter().enumerate() {
                    match whole_number(v) {
                        Some(n) => s.write_with_format(row, c as u16, n, &cell),
                        None => s.write_with_format(row, c as u16, v, &cell),
                    }
                    .map_err(err)?;
                }
                row += 1;
            }
        }
        row += 1;
    }
    s.set_column_width(0, 40).map_err(err)?;
    for c in 1..8u16 {
        s.set_column_width(c, 16).map_err(err)?;
    }
    Ok(())
}

/// `report`: the commune's report, its first sheet; `groups`: indicator
/// code → its breakdown by target group.
pub fn indicators_xlsx(
    report: &CommuneReport,
    d: &Dashboard,
    groups: &std::collections::BTreeMap<String, Vec<Part>>,
    commune: &str,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    report_sheet(&mut wb, report)?;
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

#[cfg(test)]
mod tests {
    use super::whole_number;

    #[test]
    fn the_report_s_numbers_become_numbers_and_nothing_else_does() {
        assert_eq!(whole_number("1.250"), Some(1250.0));
        assert_eq!(whole_number("12"), Some(12.0));
        assert_eq!(whole_number("-3"), Some(-3.0));
        assert_eq!(whole_number("+1.004"), Some(1004.0));
        for text in [
            "87,5%",
            "12/15",
            "1.25",
            "",
            "III.1",
            "2026",
            "12 (quý trước 8)",
        ] {
            assert_eq!(whole_number(text), None, "{text}");
        }
        assert_eq!(whole_number("1250.000"), None);
    }
}

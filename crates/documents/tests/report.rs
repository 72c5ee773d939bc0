//! The commune's quarterly report, as DOCX and PDF, in the layout of Nghị định 30/2020/NĐ-CP.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use chrono::NaiveDate;
use hocvuso_documents::{
    report_docx, report_pdf, CommuneReport, DocumentError, ReportSection, ReportTable,
};
use std::io::Read;

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

/// Seven indicators of the movement, with plan, result and percentage.
fn indicators() -> ReportTable {
    let rows = [
        [
            "1",
            "Người dân từ 15 tuổi trở lên được phổ cập kỹ năng số cơ bản",
            "4.200",
            "3.150",
            "75,0%",
        ],
        [
            "2",
            "Người cao tuổi biết dùng điện thoại thông minh để gọi video, nhận tin",
            "900",
            "612",
            "68,0%",
        ],
        [
            "3",
            "Hộ gia đình cài đặt và dùng ứng dụng VNeID mức 2",
            "2.600",
            "2.288",
            "88,0%",
        ],
        [
            "4",
            "Hồ sơ thủ tục hành chính nộp trực tuyến toàn trình",
            "1.500",
            "1.305",
            "87,0%",
        ],
        [
            "5",
            "Người dân thanh toán không dùng tiền mặt",
            "3.000",
            "2.460",
            "82,0%",
        ],
        [
            "6",
            "Lượt học viên hoàn thành khóa học trên hệ thống hocvuso",
            "2.000",
            "1.742",
            "87,1%",
        ],
        [
            "7",
            "Tổ công nghệ số cộng đồng hoạt động thường xuyên",
            "20",
            "20",
            "100%",
        ],
    ];
    ReportTable {
        header: strings(&[
            "STT",
            "Chỉ tiêu",
            "Kế hoạch năm 2026",
            "Thực hiện đến hết quý II",
            "Tỷ lệ",
        ]),
        rows: rows.iter().map(|r| strings(r)).collect(),
        widths: vec![7, 45, 16, 18, 14],
    }
}

/// Twenty villages: enough rows to run the table onto a second page.
fn villages() -> ReportTable {
    let names = [
        "Thôn Đông",
        "Thôn Đoài",
        "Thôn Trung",
        "Thôn Bắc Sơn",
        "Thôn Nam Hải",
        "Thôn Thượng",
        "Thôn Hạ",
        "Thôn Cầu Gỗ",
        "Thôn Chợ Mới",
        "Thôn Đình Bảng",
        "Thôn Ngọc Lũ",
        "Thôn Phú Mỹ",
        "Thôn An Lạc",
        "Thôn Tân Hưng",
        "Thôn Hòa Bình",
        "Thôn Đồng Tâm",
        "Thôn Quyết Tiến",
        "Thôn Thắng Lợi",
        "Thôn Hưng Đạo",
        "Thôn Liên Minh",
    ];
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let enrolled = 120 + (i * 37) % 90;
            let done = enrolled * (70 + (i * 7) % 28) / 100;
            let note = match i {
                3 => "Thiếu thiết bị, mượn máy của trường tiểu học",
                9 => "Nhiều người cao tuổi",
                16 => "Hoàn thành sớm chỉ tiêu",
                _ => "",
            };
            vec![
                (i + 1).to_string(),
                name.to_string(),
                enrolled.to_string(),
                done.to_string(),
                format!("{:.1}%", done as f64 * 100.0 / enrolled as f64).replace('.', ","),
                note.to_string(),
            ]
        })
        .collect();
    ReportTable {
        header: strings(&[
            "STT",
            "Thôn, tổ dân phố",
            "Số người đăng ký học",
            "Số người hoàn thành",
            "Tỷ lệ",
            "Ghi chú",
        ]),
        rows,
        widths: vec![7, 25, 16, 16, 12, 24],
    }
}

fn sample() -> CommuneReport {
    CommuneReport {
        issuer_parent: "ỦY BAN NHÂN DÂN".into(),
        issuer: "XÃ DÂN TIẾN".into(),
        number: "Số:        /BC-UBND".into(),
        place: "Dân Tiến".into(),
        date: NaiveDate::from_ymd_opt(2026, 6, 10).unwrap(),
        kind: "BÁO CÁO".into(),
        title: "Kết quả thực hiện Phong trào “Bình dân học vụ số” quý II năm 2026".into(),
        sections: vec![
            ReportSection {
                heading: "CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI".into(),
                paragraphs: strings(&[
                    "Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh về triển khai Phong trào “Bình dân học vụ số”, Ủy ban nhân dân xã đã kiện toàn Ban Chỉ đạo, giao nhiệm vụ cụ thể cho các ban, ngành, đoàn thể và 20 thôn; mỗi thôn thành lập một Tổ công nghệ số cộng đồng do Trưởng thôn làm tổ trưởng, đoàn viên thanh niên làm nòng cốt.",
                    "Trong quý II, xã tổ chức 46 lớp học trực tiếp tại nhà văn hóa thôn và điểm trường, kết hợp học trực tuyến trên hệ thống hocvuso; công tác tuyên truyền được thực hiện qua hệ thống loa truyền thanh, nhóm Zalo của các thôn và trang thông tin điện tử của xã.",
                ]),
                table: None,
            },
            ReportSection {
                heading: "KẾT QUẢ THEO THÔN, TỔ DÂN PHỐ".into(),
                paragraphs: strings(&[
                    "Số liệu tổng hợp từ hệ thống hocvuso đến ngày 05/6/2026, tính cả học viên học trực tiếp đã được tổ công nghệ số cộng đồng ghi nhận kết quả:",
                ]),
                table: Some(villages()),
            },
            ReportSection {
                heading: "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU".into(),
                paragraphs: strings(&[
                    "Đến hết quý II năm 2026, phần lớn các chỉ tiêu đạt trên 75% kế hoạch năm; chỉ tiêu về người cao tuổi sử dụng điện thoại thông minh còn thấp do thiếu thiết bị và người hướng dẫn kèm cặp. Kết quả cụ thể như sau:",
                ]),
                table: Some(indicators()),
            },
            ReportSection {
                heading: "PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ III NĂM 2026".into(),
                paragraphs: strings(&[
                    "- Tập trung hướng dẫn người cao tuổi và người khuyết tật; vận động doanh nghiệp, nhà hảo tâm hỗ trợ điện thoại thông minh cho hộ nghèo, hộ cận nghèo.",
                    "- Duy trì lịch học buổi tối tại các thôn còn thấp; biểu dương, khen thưởng các tổ công nghệ số cộng đồng hoàn thành sớm chỉ tiêu.",
                    "- Đề nghị Ủy ban nhân dân tỉnh, Sở Khoa học và Công nghệ quan tâm bố trí kinh phí tập huấn cho đội ngũ hướng dẫn viên.",
                ]),
                table: None,
            },
        ],
        recipients: strings(&[
            "- UBND tỉnh (để báo cáo);",
            "- Sở Khoa học và Công nghệ (để báo cáo);",
            "- Thường trực Đảng ủy xã;",
            "- Thường trực HĐND xã;",
            "- Chủ tịch, các PCT UBND xã;",
            "- Ban Chỉ đạo Phong trào BDHVS xã;",
            "- Lưu: VT, VHXH.",
        ]),
        signer_lines: strings(&["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        signer_name: "Nguyễn Văn Thành".into(),
    }
}

fn samples_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(std::env::var_os("HOCVUSO_WRITE_SAMPLES")?);
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

fn zip_part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut part = zip.by_name(name).unwrap();
    let mut xml = String::new();
    part.read_to_string(&mut xml).unwrap();
    xml
}

/// The value of `attr` in the first `<element …>` of `xml`.
fn attr(xml: &str, element: &str, attr: &str) -> u32 {
    let start = xml.find(&format!("<{element} ")).unwrap();
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let key = format!(" {attr}=\"");
    let at = tag.find(&key).unwrap() + key.len();
    tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
}

fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn report_docx_is_an_a4_word_document_in_the_decree_layout() {
    let report = sample();
    let docx = report_docx(&report).unwrap();
    assert!(docx.starts_with(b"PK"), "a zip package");
    let doc = zip_part(&docx, "word/document.xml");

    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "XÃ DÂN TIẾN",
        "Số:        /BC-UBND",
        "Dân Tiến, ngày 10 tháng 6 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện Phong trào “Bình dân học vụ số” quý II năm 2026",
        "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI",
        "II. KẾT QUẢ THEO THÔN, TỔ DÂN PHỐ",
        "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ III NĂM 2026",
        "Nơi nhận:",
        "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN",
        "Nguyễn Văn Thành",
        "Times New Roman",
    ] {
        assert!(doc.contains(want), "{want:?} not in document.xml");
    }
    for section in &report.sections {
        for p in &section.paragraphs {
            assert!(doc.contains(&xml_escaped(p)), "{p:?} not in document.xml");
        }
        if let Some(table) = &section.table {
            for cell in table.header.iter().chain(table.rows.iter().flatten()) {
                assert!(
                    doc.contains(&format!(">{}</w:t>", xml_escaped(cell))),
                    "cell {cell:?} not in document.xml"
                );
            }
        }
    }
    // Real tables: the header, two data tables, the signature block.
    assert_eq!(doc.matches("<w:tbl>").count(), 4);
    assert_eq!(
        doc.matches("<w:tblHeader/>").count(),
        2,
        "header rows repeat"
    );

    // A4 portrait, margins within the Decree's ranges (twips: 1 mm ≈ 56.7).
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#));
    let mm = |twips: u32| twips as f32 / 56.692;
    let (top, bottom) = (
        mm(attr(&doc, "w:pgMar", "w:top")),
        mm(attr(&doc, "w:pgMar", "w:bottom")),
    );
    let (left, right) = (
        mm(attr(&doc, "w:pgMar", "w:left")),
        mm(attr(&doc, "w:pgMar", "w:right")),
    );
    for (name, value, lo, hi) in [
        ("top", top, 20.0, 25.0),
        ("bottom", bottom, 20.0, 25.0),
        ("left", left, 30.0, 35.0),
        ("right", right, 15.0, 20.0),
    ] {
        assert!(
            (lo - 0.05..=hi + 0.05).contains(&value),
            "{name} margin {value} mm"
        );
    }
    // Body justified with a 1 cm first-line indent; 14 pt Times New Roman.
    assert!(doc.contains(r#"<w:ind w:left="0" w:firstLine="567"/><w:jc w:val="both"/>"#));
    let styles = zip_part(&docx, "word/styles.xml");
    assert!(styles.contains(r#"<w:rFonts w:ascii="Times New Roman""#));
    assert!(styles.contains(r#"<w:sz w:val="28"/>"#));

    // Page numbers: a PAGE field in the header, none on the first page.
    assert!(doc.contains("<w:titlePg/>"));
    let header = zip_part(&docx, "word/header1.xml");
    assert!(header.contains(" PAGE "), "{header}");
    assert!(!zip_part(&docx, "word/header2.xml").contains("PAGE"));
    assert!(zip_part(&docx, "[Content_Types].xml").contains("/word/document.xml"));

    if let Some(dir) = samples_dir() {
        std::fs::write(dir.join("bao-cao-quy.docx"), &docx).unwrap();
    }
}

fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn report_pdf_runs_onto_several_pages_with_the_text_and_diacritics() {
    let report = sample();
    let pdf = report_pdf(&report).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = page_count(&pdf);
    assert!(pages >= 2, "{pages} pages");
    assert!(pdf.len() < 250_000, "{} bytes", pdf.len());

    if let Some(dir) = samples_dir() {
        std::fs::write(dir.join("bao-cao-quy.pdf"), &pdf).unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("r.pdf");
    std::fs::write(&file, &pdf).unwrap();
    // -raw: the text in the order it is drawn, so a table cell that wraps
    // comes back in one piece once the line breaks are spaces.
    let out = match std::process::Command::new("pdftotext")
        .arg("-raw")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        Err(_) => {
            eprintln!("pdftotext not installed: report text not checked");
            return;
        }
    };
    let raw = String::from_utf8(out.stdout).unwrap();
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut wants: Vec<String> = strings(&[
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "XÃ DÂN TIẾN",
        "Dân Tiến, ngày 10 tháng 6 năm 2026",
        "BÁO CÁO",
        "Nơi nhận:",
        "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn Thành",
    ]);
    for (i, section) in report.sections.iter().enumerate() {
        wants.push(format!(
            "{}. {}",
            ["I", "II", "III", "IV"][i],
            section.heading
        ));
        wants.extend(section.paragraphs.iter().cloned());
        if let Some(table) = &section.table {
            wants.extend(
                table
                    .header
                    .iter()
                    .chain(table.rows.iter().flatten())
                    .cloned(),
            );
        }
    }
    for want in wants.iter().filter(|w| !w.is_empty()) {
        assert!(text.contains(want.as_str()), "{want:?} not in:\n{raw}");
    }
    // Page 1 carries no number; the others theirs, at the top.
    let texts: Vec<&str> = raw
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(texts.len(), pages);
    assert!(!texts[0].trim_start().starts_with('1'), "{}", texts[0]);
    for (i, page) in texts.iter().enumerate().skip(1) {
        let first_line = page.trim_start().lines().next().unwrap();
        assert_eq!(first_line.trim(), (i + 1).to_string());
    }
    // The village table starts on page 1 and runs onto page 2, where its
    // header row is drawn again.
    assert!(texts[0].contains("Thôn Đông") && !texts[0].contains("Thôn Liên Minh"));
    let page2: Vec<&str> = texts[1].lines().map(str::trim).collect();
    assert!(page2[1].starts_with("STT Thôn, tổ dân phố"), "{}", texts[1]);
    assert!(texts[1].contains("Thôn Liên Minh"));
}

#[test]
fn a_table_whose_widths_do_not_match_its_columns_is_refused() {
    let mut report = sample();
    let table = ReportTable {
        header: strings(&["STT", "Chỉ tiêu"]),
        rows: vec![strings(&["1", "Một", "thừa"])],
        widths: vec![1, 4],
    };
    report.sections[0].table = Some(table.clone());
    assert!(matches!(report_pdf(&report), Err(DocumentError::Report(_))));
    assert!(matches!(
        report_docx(&report),
        Err(DocumentError::Report(_))
    ));

    let mut bad_widths = table;
    bad_widths.rows = vec![strings(&["1"])];
    bad_widths.widths = vec![1, 2, 3];
    report.sections[0].table = Some(bad_widths.clone());
    assert!(matches!(report_pdf(&report), Err(DocumentError::Report(_))));
    // A short row is padded; equal widths when none are given.
    bad_widths.widths.clear();
    report.sections[0].table = Some(bad_widths);
    assert!(report_pdf(&report).is_ok());
    assert!(report_docx(&report).is_ok());
}

#[test]
fn a_short_report_with_odd_content_still_comes_out() {
    let mut report = sample();
    report.sections = vec![ReportSection {
        heading: "TÌNH HÌNH CHUNG".into(),
        paragraphs: strings(&["", "Một dòng.", "Ký tự đặc biệt: <b> & \"trích dẫn\"."]),
        table: Some(ReportTable {
            header: strings(&["Mã", "Địa chỉ"]),
            rows: vec![strings(&[
                "https://hocvuso.example.vn/xac-thuc/K7QM3XPA9TZDW2RBK7QM3XPA9TZDW2RB",
                "",
            ])],
            widths: vec![1, 1],
        }),
    }];
    report.recipients.clear();
    let pdf = report_pdf(&report).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(page_count(&pdf), 1);
    let doc = zip_part(&report_docx(&report).unwrap(), "word/document.xml");
    assert!(doc.contains("Ký tự đặc biệt: &lt;b&gt; &amp; &quot;trích dẫn&quot;."));
    assert!(doc.contains("I. TÌNH HÌNH CHUNG"));
}

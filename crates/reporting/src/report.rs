//! The commune's quarterly report, assembled from the indicators and the
//! units' submitted reports. The document itself (DOCX in the format of
//! Nghị định 30/2020/NĐ-CP, PDF) is drawn by `hocvuso-documents`.

use crate::{dashboard, models, Context, Result};
use chrono::NaiveDate;
use hocvuso_documents::{CommuneReport, ReportSection, ReportTable};
use hocvuso_domain::numbers::integer;
use hocvuso_domain::reports::NARRATIVE;
use hocvuso_domain::{Quarter, ReportStatus, StoredState};
use std::collections::BTreeMap;

pub use hocvuso_documents::{report_docx, report_pdf};

/// What the report needs besides the data.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// "xã Dân Tiến".
    pub commune: &'a str,
    pub quarter: Quarter,
    /// The date written on the report.
    pub date: NaiveDate,
}

use hocvuso_domain::numbers::percent_or_no_data as pct;

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Where one unit stands with its report of a quarter.
pub struct UnitStatus<'a> {
    pub unit: &'a hocvuso_domain::Unit,
    pub report: Option<&'a hocvuso_storage::UnitReport>,
    pub stored: Option<StoredState>,
    /// The day (in Vietnam) it was submitted.
    pub submitted_on: Option<NaiveDate>,
    pub status: ReportStatus,
}

/// The units that owe a report for quarter `q`, and where each stands on
/// `today`: the one place that decides it, for the board, the reminder and
/// the commune's report. A hamlet's digital team reports with its hamlet;
/// a unit made after the quarter owes nothing for it.
pub fn unit_statuses<'a>(
    units: &'a [hocvuso_domain::Unit],
    reports: &'a [hocvuso_storage::UnitReport],
    q: Quarter,
    due: NaiveDate,
    today: NaiveDate,
) -> Vec<UnitStatus<'a>> {
    units
        .iter()
        .filter(|u| u.unit_type != hocvuso_domain::UnitType::DigitalTeam && u.reports_for(q))
        .map(|unit| {
            let report = reports.iter().find(|r| r.unit_id == unit.id);
            UnitStatus::of(unit, report, due, today)
        })
        .collect()
}

impl<'a> UnitStatus<'a> {
    /// One unit's standing with its report on `today`, `due` being the
    /// day reports must come before ([`Quarter::due`]).
    pub fn of(
        unit: &'a hocvuso_domain::Unit,
        report: Option<&'a hocvuso_storage::UnitReport>,
        due: NaiveDate,
        today: NaiveDate,
    ) -> Self {
        let stored = report.and_then(|r| StoredState::from_code(&r.state));
        let submitted_on = report
            .and_then(|r| r.submitted_at)
            .map(hocvuso_domain::time::vn_date);
        UnitStatus {
            unit,
            report,
            stored,
            submitted_on,
            status: ReportStatus::of(stored, submitted_on, due, today),
        }
    }
}

/// Assemble the report of a quarter.
pub async fn commune_report(cx: Context<'_>, input: &ReportInput<'_>) -> Result<CommuneReport> {
    let q = input.quarter;
    let d = dashboard(cx, q).await?;
    let units = cx.store.list_units().await?;
    let reports = cx.store.unit_reports(&q.to_string()).await?;
    let models_list = cx.store.pilot_models().await?;
    let place = input
        .commune
        .strip_prefix("xã ")
        .or_else(|| input.commune.strip_prefix("phường "))
        .unwrap_or(input.commune)
        .to_string();

    // I. Indicators.
    let met = d.indicators.iter().filter(|r| r.met == Some(true)).count();
    let with_target = d.indicators.iter().filter(|r| r.met.is_some()).count();
    let rows: Vec<Vec<String>> = d
        .indicators
        .iter()
        .map(|r| {
            let result = if r.unit == "%" {
                format!(
                    "{} ({}/{})",
                    pct(r.value),
                    integer(r.numerator),
                    integer(r.denominator)
                )
            } else {
                format!("{} {}", integer(r.numerator), r.unit)
            };
            let change = r.change_text();
            let result = if change.is_empty() {
                result
            } else {
                format!("{result}; {change}")
            };
            vec![
                // The plan's own numbering, as on the site (1–5, 6a, 6b, 7a, 7b).
                r.code.clone(),
                r.name.clone(),
                r.target_text.clone(),
                result,
                match r.met {
                    Some(true) => "Đạt".into(),
                    Some(false) => "Chưa đạt".into(),
                    None => "Theo dõi".into(),
                },
            ]
        })
        .collect();
    let mut sections = vec![ReportSection {
        heading: "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU".into(),
        paragraphs: vec![
            format!(
                "Số liệu tính đến hết {} từ sổ dân cư, kết quả học tập trên hệ thống và báo cáo của các cơ quan, đơn vị. Có {met}/{with_target} chỉ tiêu có mục tiêu cụ thể đã đạt.",
                q.label_in_text()
            ),
        ],
        table: Some(ReportTable {
            header: vec!["TT".into(), "Chỉ tiêu".into(), "Kế hoạch".into(), "Kết quả".into(), "Đánh giá".into()],
            rows,
            widths: vec![6, 44, 14, 22, 14],
        }),
    }];

    // II. By hamlet, for the adults' indicator (the plan's main number).
    if let Some(main) = d
        .indicators
        .iter()
        .find(|r| r.code == "3" && !r.by_hamlet.is_empty())
    {
        let mut by = main.by_hamlet.clone();
        by.sort_by(|a, b| {
            a.value
                .partial_cmp(&b.value)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let weakest: Vec<String> = by
            .iter()
            .take(3)
            .map(|p| format!("{} ({})", p.name, pct(p.value)))
            .collect();
        sections.push(ReportSection {
            heading: "KẾT QUẢ THEO XÓM".into(),
            paragraphs: vec![
                format!("Chỉ tiêu «{}»: toàn xã đạt {}.", main.name, pct(main.value)),
                format!(
                    "Các xóm cần tập trung hướng dẫn trong quý tới: {}.",
                    weakest.join(", ")
                ),
            ],
            table: Some(ReportTable {
                header: vec![
                    "Xóm".into(),
                    "Người trưởng thành".into(),
                    "Có tri thức số cơ bản".into(),
                    "Tỷ lệ".into(),
                ],
                rows: main
                    .by_hamlet
                    .iter()
                    .map(|p| {
                        vec![
                            p.name.clone(),
                            integer(p.denominator),
                            integer(p.numerator),
                            pct(p.value),
                        ]
                    })
                    .collect(),
                widths: vec![40, 20, 24, 16],
            }),
        });
    }

    // III. The units' reports.
    let today = input.date;
    let due = q.due(cx.store.report_before_day().await?);
    let mut status_rows = Vec::new();
    let mut narrative: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut missing = Vec::new();
    for UnitStatus {
        unit: u,
        report: r,
        stored,
        submitted_on,
        status,
    } in unit_statuses(&units, &reports, q, due, today)
    {
        status_rows.push(vec![
            u.name.clone(),
            status.label().to_string(),
            submitted_on
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        ]);
        if stored == Some(StoredState::Submitted) {
            if let Some(r) = r {
                let texts: BTreeMap<String, String> =
                    serde_json::from_str(&r.narrative).unwrap_or_default();
                for (key, _) in NARRATIVE {
                    if let Some(t) = texts.get(key).map(|t| t.trim()).filter(|t| !t.is_empty()) {
                        narrative
                            .entry(key)
                            .or_default()
                            .push(format!("- {}: {}", u.name, t));
                    }
                }
            }
        } else {
            missing.push(u.name.clone());
        }
    }
    let submitted = status_rows.len() - missing.len();
    let mut paragraphs = vec![format!(
        "Hạn báo cáo quý: trước ngày {}. Đã nhận {submitted}/{} báo cáo.",
        due.format("%d/%m/%Y"),
        status_rows.len()
    )];
    if !missing.is_empty() {
        paragraphs.push(format!("Chưa nộp: {}.", missing.join(", ")));
    }
    paragraphs.extend(narrative.remove("ket_qua").unwrap_or_default());
    sections.push(ReportSection {
        heading: "BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ".into(),
        paragraphs,
        table: Some(ReportTable {
            header: vec![
                "Cơ quan, đơn vị".into(),
                "Tình trạng".into(),
                "Ngày nộp".into(),
            ],
            rows: status_rows,
            widths: vec![55, 28, 17],
        }),
    });

    // IV. Pilot models.
    let mut model_rows = Vec::new();
    for m in &models_list {
        model_rows.push(vec![
            models::kind_label(&m.kind).to_string(),
            m.name.clone(),
            m.place.clone(),
            models::status_label(&m.status).to_string(),
        ]);
    }
    sections.push(ReportSection {
        heading: "MÔ HÌNH ĐIỂM".into(),
        paragraphs: vec![if model_rows.is_empty() {
            "Chưa có mô hình điểm nào được ghi nhận.".into()
        } else {
            format!("Có {} mô hình điểm được ghi nhận.", model_rows.len())
        }],
        table: (!model_rows.is_empty()).then(|| ReportTable {
            header: vec![
                "Loại".into(),
                "Tên mô hình".into(),
                "Địa điểm".into(),
                "Tình trạng".into(),
            ],
            rows: model_rows,
            widths: vec![24, 34, 24, 18],
        }),
    });

    // V–VI. Difficulties and proposals, in the units' words.
    for (key, heading) in [
        ("kho_khan", "KHÓ KHĂN, VƯỚNG MẮC"),
        ("de_xuat", "ĐỀ XUẤT, KIẾN NGHỊ"),
    ] {
        let items = narrative.remove(key).unwrap_or_default();
        sections.push(ReportSection {
            heading: heading.into(),
            paragraphs: if items.is_empty() {
                vec!["Các đơn vị chưa nêu.".into()]
            } else {
                items
            },
            table: None,
        });
    }

    let roman = ["I", "II", "III", "IV"][usize::from(q.q - 1)];
    Ok(CommuneReport {
        issuer_parent: "ỦY BAN NHÂN DÂN".into(),
        issuer: input.commune.to_uppercase(),
        number: "Số:        /BC-UBND".into(),
        place: upper_first(&place),
        date: input.date,
        kind: "BÁO CÁO".into(),
        title: format!(
            "Kết quả thực hiện Phong trào “Bình dân học vụ số” quý {roman} năm {}",
            q.year
        ),
        sections,
        recipients: vec![
            "- Thường trực Đảng ủy xã (b/c);".into(),
            "- Thường trực HĐND xã (b/c);".into(),
            "- Chủ tịch, các Phó Chủ tịch UBND xã;".into(),
            "- Các cơ quan, đơn vị, các xóm;".into(),
            "- Lưu: VT, VHXH.".into(),
        ],
        signer_lines: vec!["TM. ỦY BAN NHÂN DÂN".into(), "CHỦ TỊCH".into()],
        signer_name: String::new(),
    })
}

/// The files the commune's quarterly report comes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Word, in the layout of Nghị định 30/2020/NĐ-CP, to edit and sign.
    Docx,
    /// The same report, to print or send as is.
    Pdf,
    /// The indicator tables by hamlet, by group and by quarter.
    Xlsx,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 3] = [ReportFormat::Docx, ReportFormat::Xlsx, ReportFormat::Pdf];

    /// From a file extension ("docx", "xlsx", "pdf").
    pub fn parse(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.ext() == ext.trim())
    }

    pub fn ext(self) -> &'static str {
        match self {
            ReportFormat::Docx => "docx",
            ReportFormat::Pdf => "pdf",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ReportFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// The commune's report of a quarter as a file: the one place that
/// assembles it, for the web page and `hocvuso report` alike.
pub async fn render(
    cx: Context<'_>,
    format: ReportFormat,
    input: &ReportInput<'_>,
) -> Result<Vec<u8>> {
    match format {
        ReportFormat::Docx | ReportFormat::Pdf => {
            let report = commune_report(cx, input).await?;
            Ok(if format == ReportFormat::Docx {
                report_docx(&report)?
            } else {
                report_pdf(&report)?
            })
        }
        ReportFormat::Xlsx => {
            let d = dashboard(cx, input.quarter).await?;
            let mut groups = BTreeMap::new();
            for def in cx.defs.indicators.iter().filter(|d| d.population.is_some()) {
                groups.insert(
                    def.code.clone(),
                    crate::by_group(cx, def, input.quarter).await?,
                );
            }
            crate::indicators_xlsx(&d, &groups, input.commune)
        }
    }
}

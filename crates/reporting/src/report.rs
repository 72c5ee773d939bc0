//! The commune's quarterly report, assembled from the indicators and the
//! units' submitted reports. The document itself (DOCX in the format of
//! Nghị định 30/2020/NĐ-CP, PDF) is drawn by `hocvuso-documents`.

use crate::{dashboard, models, Context, Result};
use chrono::NaiveDate;
use hocvuso_documents::{CommuneReport, ReportSection, ReportTable};
use hocvuso_domain::numbers::integer;
use hocvuso_domain::plan::{Plan, TaskStatus};
use hocvuso_domain::reports::{COMMUNE_FIGURES, NARRATIVE};
use hocvuso_domain::{Quarter, ReportStatus, StoredState, Unit};
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
    /// The commune's plan, for the tasks' section and what is behind;
    /// `None` when its file has an error (the report says so).
    pub plan: Option<&'a Plan>,
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

/// The numbers of the reports submitted for a quarter, per unit: what the
/// commune's report adds up (a draft or returned report counts for
/// nothing until it is submitted).
pub struct Submitted<'a> {
    pub units: Vec<(&'a Unit, BTreeMap<String, i64>)>,
}

impl<'a> Submitted<'a> {
    pub fn of(units: &'a [Unit], reports: &[hocvuso_storage::UnitReport]) -> Self {
        let units = units
            .iter()
            .filter_map(|u| {
                let r = reports.iter().find(|r| r.unit_id == u.id)?;
                r.is_submitted().then(|| (u, r.figures()))
            })
            .collect();
        Submitted { units }
    }

    /// The sum of one number over the submitted reports.
    pub fn total(&self, key: &str) -> i64 {
        self.units.iter().filter_map(|(_, n)| n.get(key)).sum()
    }

    fn numbers_of(&self, unit_id: i64) -> Option<&BTreeMap<String, i64>> {
        self.units
            .iter()
            .find(|(u, _)| u.id == unit_id)
            .map(|(_, n)| n)
    }
}

/// "12 (quý trước 8, tăng 4)", or "12" when last quarter has no report.
fn with_previous(now: i64, before: Option<i64>) -> String {
    match before {
        None => integer(now),
        Some(b) if b == now => format!("{} (bằng quý trước)", integer(now)),
        Some(b) => format!(
            "{} (quý trước {}, {} {})",
            integer(now),
            integer(b),
            if now > b { "tăng" } else { "giảm" },
            integer((now - b).abs())
        ),
    }
}

/// The columns of the per-unit table: the four numbers every unit or
/// hamlet reports, then the others in one cell.
const UNIT_COLUMNS: [&str; 4] = [
    "so_buoi_tuyen_truyen",
    "so_luot_tham_gia",
    "so_ho_da_den",
    "so_nguoi_duoc_huong_dan",
];

fn figure_heading(key: &str) -> &'static str {
    COMMUNE_FIGURES
        .iter()
        .find(|f| f.0 == key)
        .map(|f| f.1)
        .or_else(|| hocvuso_domain::reports::field_label(key))
        .unwrap_or("")
}

/// Assemble the report of a quarter.
pub async fn commune_report(cx: Context<'_>, input: &ReportInput<'_>) -> Result<CommuneReport> {
    let d = dashboard(cx, input.quarter).await?;
    assemble(cx, input, &d).await
}

/// The report from the quarter's indicators `d` (computed once by the caller).
async fn assemble(
    cx: Context<'_>,
    input: &ReportInput<'_>,
    d: &crate::Dashboard,
) -> Result<CommuneReport> {
    let q = input.quarter;
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

    // The units' reports: where each stands, and their numbers added up.
    let today = input.date;
    let due = q.due(cx.store.report_before_day().await?);
    let previous_reports = cx.store.unit_reports(&q.prev().to_string()).await?;
    let this = Submitted::of(&units, &reports);
    let before = Submitted::of(&units, &previous_reports);
    let had_before = !before.units.is_empty();
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
        let numbers = this.numbers_of(u.id);
        let mut row = vec![
            u.name.clone(),
            status.label().to_string(),
            submitted_on
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        ];
        for key in UNIT_COLUMNS {
            row.push(
                numbers
                    .and_then(|n| n.get(key))
                    .map(|v| integer(*v))
                    .unwrap_or_default(),
            );
        }
        let others: Vec<String> = numbers
            .map(|n| {
                COMMUNE_FIGURES
                    .iter()
                    .filter(|(k, _)| !UNIT_COLUMNS.contains(k))
                    .filter_map(|(k, label)| {
                        n.get(*k).map(|v| format!("{}: {}", label, integer(*v)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        row.push(others.join("; "));
        status_rows.push(row);
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
    let owed = status_rows.len();
    let submitted = owed - missing.len();
    let mut total_row = vec![
        "Tổng cộng".to_string(),
        format!("{submitted}/{owed} đã nộp"),
        String::new(),
    ];
    total_row.extend(UNIT_COLUMNS.iter().map(|k| integer(this.total(k))));
    total_row.push(String::new());
    status_rows.push(total_row);

    // III. The tasks of the plan, with the units' numbers under each.
    let plan_day = today.min(q.last_day());
    let progress = match input.plan {
        Some(plan) => Some(crate::plan::progress(cx.store, plan, plan_day).await?),
        None => None,
    };
    let figure_text = |key: &str| {
        let now = this.total(key);
        let b = had_before.then(|| before.total(key));
        format!("{}: {}", figure_heading(key), with_previous(now, b))
    };
    match &progress {
        Some(tasks) => {
            let rows = tasks
                .iter()
                .map(|t| {
                    let counted: Vec<String> = t
                        .by_source
                        .iter()
                        .map(|(src, n)| format!("{} {}", integer(*n), src.noun()))
                        .collect();
                    let figures: Vec<String> =
                        t.task.figures.iter().map(|k| figure_text(k)).collect();
                    vec![
                        format!("{}. {}", t.task.code, t.task.title),
                        t.assessed.status.label().to_string(),
                        counted.join("; "),
                        figures.join("; "),
                    ]
                })
                .collect();
            let behind = tasks
                .iter()
                .filter(|t| t.assessed.status == TaskStatus::Behind)
                .count();
            sections.push(ReportSection {
                heading: "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ".into(),
                paragraphs: vec![format!(
                    "Tình trạng các nhiệm vụ của Kế hoạch (mục III) tính đến ngày {} từ dữ liệu ghi nhận trên hệ thống: {}/{} nhiệm vụ chậm. Số liệu của các đơn vị cộng từ {} báo cáo đã nộp{}.",
                    plan_day.format("%d/%m/%Y"),
                    behind,
                    tasks.len(),
                    integer(this.units.len() as i64),
                    if had_before {
                        format!(", so với {} báo cáo {}", integer(before.units.len() as i64), q.prev().label_in_text())
                    } else {
                        format!("; {} chưa có báo cáo nào để so sánh", q.prev().label_in_text())
                    }
                )],
                table: Some(ReportTable {
                    header: vec![
                        "Nhiệm vụ".into(),
                        "Tình trạng".into(),
                        "Hoạt động ghi nhận từ đầu kỳ".into(),
                        "Số liệu các đơn vị báo cáo trong quý".into(),
                    ],
                    rows,
                    widths: vec![30, 12, 22, 36],
                }),
            });
        }
        None => sections.push(ReportSection {
            heading: "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ".into(),
            paragraphs: vec!["Tệp kế hoạch của xã đang có lỗi nên chưa tính được tình trạng các nhiệm vụ; xem trang Kế hoạch.".into()],
            table: None,
        }),
    }

    // IV. The units' numbers added up, against last quarter.
    sections.push(ReportSection {
        heading: "SỐ LIỆU TỔNG HỢP TỪ BÁO CÁO CỦA CÁC ĐƠN VỊ".into(),
        paragraphs: vec![format!(
            "Cộng các số liệu trong {} báo cáo đã nộp {} (báo cáo chưa nộp hoặc bị trả lại chưa được cộng).",
            integer(this.units.len() as i64),
            q.label_in_text()
        )],
        table: Some(ReportTable {
            header: vec![
                "Số liệu".into(),
                "Quý này".into(),
                "Quý trước".into(),
                "Tăng, giảm".into(),
            ],
            rows: COMMUNE_FIGURES
                .iter()
                .map(|(k, label)| {
                    let now = this.total(k);
                    let (b, change) = if had_before {
                        let b = before.total(k);
                        let d = now - b;
                        (
                            integer(b),
                            match d.cmp(&0) {
                                std::cmp::Ordering::Greater => format!("+{}", integer(d)),
                                std::cmp::Ordering::Less => format!("-{}", integer(-d)),
                                std::cmp::Ordering::Equal => "0".into(),
                            },
                        )
                    } else {
                        ("—".into(), "—".into())
                    };
                    vec![label.to_string(), integer(now), b, change]
                })
                .collect(),
            widths: vec![46, 18, 18, 18],
        }),
    });

    // V. Each unit: its report and its numbers.
    let mut paragraphs = vec![format!(
        "Hạn báo cáo quý: trước ngày {}. Đã nhận {submitted}/{owed} báo cáo.",
        due.format("%d/%m/%Y"),
    )];
    if !missing.is_empty() {
        paragraphs.push(format!("Chưa nộp: {}.", missing.join(", ")));
    }
    paragraphs.extend(narrative.remove("ket_qua").unwrap_or_default());
    let mut header = vec![
        "Cơ quan, đơn vị".to_string(),
        "Tình trạng".into(),
        "Ngày nộp".into(),
    ];
    header.extend(UNIT_COLUMNS.iter().map(|k| figure_heading(k).to_string()));
    header.push("Số liệu khác".into());
    sections.push(ReportSection {
        heading: "BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ".into(),
        paragraphs,
        table: Some(ReportTable {
            header,
            rows: status_rows,
            widths: vec![20, 11, 11, 9, 9, 9, 9, 22],
        }),
    });

    // The pilot models.
    let notes = cx.store.all_model_notes().await?;
    let mut model_rows = Vec::new();
    for m in &models_list {
        // Where it was taken to by the report's day.
        let replicated = notes
            .iter()
            .filter(|n| {
                n.model_id == m.id
                    && n.kind() == Some(hocvuso_domain::pilot::NoteKind::Replication)
                    && n.noted_on <= q.last_day().min(input.date)
            })
            .count();
        model_rows.push(vec![
            models::kind_label(&m.kind).to_string(),
            m.name.clone(),
            m.place.clone(),
            models::status_label(&m.status).to_string(),
            integer(replicated as i64),
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
                "Nơi nhân rộng".into(),
            ],
            rows: model_rows,
            widths: vec![22, 30, 20, 16, 12],
        }),
    });

    // What is behind and why: the tasks' statuses with their rule, then the
    // difficulties in the units' words; then their proposals.
    let mut behind: Vec<String> = progress
        .iter()
        .flatten()
        .filter(|t| t.assessed.status == TaskStatus::Behind)
        .map(|t| {
            format!(
                "- Nhiệm vụ {} ({}): {}",
                t.task.code, t.task.title, t.assessed.rule
            )
        })
        .collect();
    if progress.is_some() && behind.is_empty() {
        behind.push("Không có nhiệm vụ nào chậm so với thời gian của Kế hoạch.".into());
    }
    for (key, heading) in [
        ("kho_khan", "NHỮNG VIỆC CÒN CHẬM, KHÓ KHĂN, VƯỚNG MẮC"),
        ("de_xuat", "ĐỀ XUẤT, KIẾN NGHỊ"),
    ] {
        let mut items = narrative.remove(key).unwrap_or_default();
        if key == "kho_khan" {
            if !items.is_empty() {
                items.insert(0, "Khó khăn, vướng mắc các đơn vị nêu:".into());
            }
            items.splice(0..0, std::mem::take(&mut behind));
        }
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
    /// The same report as a sheet (its tables' numbers as numbers), then
    /// the indicator tables by hamlet, by group and by quarter.
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
/// assembles it, for the web page and `hocvuso report` alike. The three
/// formats are drawn from one [`CommuneReport`], so they always agree.
pub async fn render(
    cx: Context<'_>,
    format: ReportFormat,
    input: &ReportInput<'_>,
) -> Result<Vec<u8>> {
    // The indicators once, for the report and the workbook's sheets.
    let d = dashboard(cx, input.quarter).await?;
    let report = assemble(cx, input, &d).await?;
    match format {
        ReportFormat::Docx => Ok(report_docx(&report)?),
        ReportFormat::Pdf => Ok(report_pdf(&report)?),
        ReportFormat::Xlsx => {
            let mut groups = BTreeMap::new();
            for def in cx.defs.indicators.iter().filter(|d| d.population.is_some()) {
                groups.insert(
                    def.code.clone(),
                    crate::by_group(cx, def, input.quarter).await?,
                );
            }
            crate::indicators_xlsx(&report, &d, &groups, input.commune)
        }
    }
}

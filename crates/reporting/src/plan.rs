//! The plan file (issue 15): `plans/dan-tien-2026.toml`, read and checked
//! into a [`hocvuso_domain::plan::Plan`]. Every error names the file, the
//! line and what to fix, in Vietnamese, and all of them are reported at
//! once; a plan with an error is never used. Then the plan's live status:
//! each task's activities per phase, counted from the records, and the
//! domain's rule ([`hocvuso_domain::plan::assess`]).

use crate::definitions::Definitions;
use chrono::NaiveDate;
use hocvuso_domain::plan::{
    assess, ActivitySource, Assessed, Duty, Phase, PhaseProgress, Plan, Target, Task,
};
use hocvuso_domain::quarter::Quarter;
use hocvuso_domain::units::UnitType;
use hocvuso_storage::Store;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The plan shipped with the program.
pub const EMBEDDED_NAME: &str = "plans/dan-tien-2026.toml";
static EMBEDDED: &str = include_str!("../plans/dan-tien-2026.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    year: Spanned<i32>,
    title: String,
    issuer: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    requirements: String,
    report_before_day: Spanned<u32>,
    #[serde(default)]
    target: Vec<RawTarget>,
    #[serde(default)]
    task: Vec<RawTask>,
    #[serde(default)]
    duty: Vec<RawDuty>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    code: String,
    text: String,
    #[serde(default)]
    indicators: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    code: Spanned<String>,
    title: String,
    #[serde(default)]
    content: Vec<String>,
    #[serde(default)]
    audience: String,
    lead: Vec<Spanned<String>>,
    #[serde(default)]
    coordinating: Vec<Spanned<String>>,
    period: String,
    #[serde(default)]
    counts: Vec<Spanned<String>>,
    #[serde(default)]
    figures: Vec<Spanned<String>>,
    #[serde(default)]
    phase: Vec<RawPhase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    label: String,
    from: Spanned<String>,
    to: Spanned<String>,
    #[serde(default)]
    each_hamlet: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuty {
    code: Spanned<String>,
    unit: String,
    unit_types: Vec<Spanned<String>>,
    items: Vec<String>,
    #[serde(default)]
    tasks: Vec<Spanned<String>>,
}

/// Reads a plan file and collects what is wrong, with lines.
struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<String>,
}

impl Checker<'_> {
    fn line(&self, at: usize) -> usize {
        self.text[..at.min(self.text.len())].matches('\n').count() + 1
    }

    fn error<T>(&mut self, s: &Spanned<T>, what: String) {
        let line = self.line(s.span().start);
        self.errors.push(format!("{}:{line}: {what}", self.file));
    }

    fn unit_types(&mut self, codes: &[Spanned<String>]) -> Vec<UnitType> {
        let mut out = Vec::new();
        for c in codes {
            match UnitType::from_code(c.get_ref()) {
                Some(t) => out.push(t),
                None => {
                    let known: Vec<&str> = UnitType::ALL.iter().map(|t| t.code()).collect();
                    self.error(
                        c,
                        format!(
                            "loại đơn vị `{}` không có; dùng một trong: {}",
                            c.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        out
    }

    fn quarter(&mut self, s: &Spanned<String>) -> Option<Quarter> {
        match Quarter::parse(s.get_ref()) {
            Ok(q) => Some(q),
            Err(e) => {
                self.error(s, e.to_string());
                None
            }
        }
    }
}

/// Read and check a plan file. `definitions`, when given, is what the
/// targets' indicator codes must name.
pub fn parse(
    file: &str,
    text: &str,
    definitions: Option<&Definitions>,
) -> Result<Plan, Vec<String>> {
    let raw: RawPlan = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(0);
        vec![format!(
            "{file}:{line}: tệp kế hoạch không đọc được: {} (xem mẫu ở {EMBEDDED_NAME})",
            e.message().trim()
        )]
    })?;
    let mut c = Checker {
        file,
        text,
        errors: Vec::new(),
    };
    if !(2000..=2100).contains(raw.year.get_ref()) {
        c.error(&raw.year, "năm của kế hoạch phải từ 2000 đến 2100".into());
    }
    if !(1..=28).contains(raw.report_before_day.get_ref()) {
        c.error(
            &raw.report_before_day,
            "report_before_day là ngày trong tháng cuối quý mà đơn vị phải báo cáo trước (1–28), ví dụ 15".into(),
        );
    }
    let mut targets = Vec::new();
    for t in raw.target {
        for i in &t.indicators {
            let known =
                definitions.is_none_or(|d| d.indicators.iter().any(|x| &x.code == i.get_ref()));
            if !known {
                c.error(
                    i,
                    format!("chỉ tiêu `{}` không có trong indicators.toml", i.get_ref()),
                );
            }
        }
        targets.push(Target {
            code: t.code,
            text: t.text,
            indicators: t.indicators.into_iter().map(Spanned::into_inner).collect(),
        });
    }
    let mut tasks: Vec<Task> = Vec::new();
    for t in raw.task {
        let code = t.code.get_ref().trim().to_string();
        let well_formed = code
            .strip_prefix("III.")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|ch| ch.is_ascii_digit()));
        if !well_formed {
            c.error(
                &t.code,
                format!("mã nhiệm vụ `{code}` phải có dạng III.1, III.2…"),
            );
        } else if tasks.iter().any(|x| x.code == code) {
            c.error(
                &t.code,
                format!("mã nhiệm vụ `{code}` đã có ở trên: mỗi nhiệm vụ một mã"),
            );
        }
        let lead = c.unit_types(&t.lead);
        if t.lead.is_empty() {
            c.error(
                &t.code,
                format!("nhiệm vụ {code}: ghi ít nhất một đơn vị thực hiện (lead)"),
            );
        }
        let coordinating = c.unit_types(&t.coordinating);
        let mut counts = Vec::new();
        for s in &t.counts {
            match ActivitySource::from_code(s.get_ref()) {
                Some(x) => counts.push(x),
                None => {
                    let known: Vec<&str> = ActivitySource::ALL.iter().map(|x| x.code()).collect();
                    c.error(
                        s,
                        format!(
                            "nguồn số liệu `{}` không có; dùng một trong: {}",
                            s.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        for f in &t.figures {
            if hocvuso_domain::reports::field_label(f.get_ref()).is_none() {
                c.error(
                    f,
                    format!(
                        "số liệu `{}` không có trong mẫu báo cáo quý của đơn vị nào; dùng một trong: {}",
                        f.get_ref(),
                        hocvuso_domain::reports::all_field_keys().join(", ")
                    ),
                );
            }
        }
        let mut phases = Vec::new();
        if t.phase.is_empty() {
            c.error(
                &t.code,
                format!("nhiệm vụ {code}: thêm ít nhất một [[task.phase]] với from và to (quý, ví dụ 2026Q2)"),
            );
        }
        for p in &t.phase {
            let (from, to) = (c.quarter(&p.from), c.quarter(&p.to));
            if let (Some(from), Some(to)) = (from, to) {
                if from > to {
                    c.error(
                        &p.to,
                        format!("giai đoạn «{}»: quý kết thúc ở trước quý bắt đầu", p.label),
                    );
                }
                if p.each_hamlet && !counts.iter().any(|s| s.has_hamlet()) {
                    c.error(
                        &p.from,
                        format!("giai đoạn «{}»: each_hamlet cần một nguồn số liệu theo xóm (lop hoặc tham)", p.label),
                    );
                }
                phases.push(Phase {
                    label: p.label.clone(),
                    from,
                    to,
                    each_hamlet: p.each_hamlet,
                });
            }
        }
        tasks.push(Task {
            code,
            title: t.title,
            content: t.content,
            audience: t.audience,
            lead,
            coordinating,
            period_text: t.period,
            phases,
            counts,
            figures: t.figures.into_iter().map(Spanned::into_inner).collect(),
        });
    }
    let mut duties: Vec<Duty> = Vec::new();
    for d in raw.duty {
        let code = d.code.get_ref().trim().to_string();
        let well_formed = code
            .strip_prefix("V.")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|ch| ch.is_ascii_digit()));
        if !well_formed {
            c.error(
                &d.code,
                format!("mã nhiệm vụ của đơn vị `{code}` phải có dạng V.1, V.2…"),
            );
        } else if duties.iter().any(|x| x.code == code) {
            c.error(&d.code, format!("mã `{code}` đã có ở trên"));
        }
        let unit_types = c.unit_types(&d.unit_types);
        for t in &d.tasks {
            if !tasks.iter().any(|x| &x.code == t.get_ref()) {
                c.error(
                    t,
                    format!(
                        "nhiệm vụ `{}` không có trong mục III của tệp này",
                        t.get_ref()
                    ),
                );
            }
        }
        duties.push(Duty {
            code,
            unit: d.unit,
            unit_types,
            items: d.items,
            tasks: d.tasks.into_iter().map(Spanned::into_inner).collect(),
        });
    }
    if tasks.is_empty() {
        c.errors.push(format!(
            "{file}:1: kế hoạch chưa có nhiệm vụ nào ([[task]])"
        ));
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    Ok(Plan {
        year: raw.year.into_inner(),
        title: raw.title,
        issuer: raw.issuer,
        purpose: raw.purpose,
        requirements: raw.requirements,
        targets,
        tasks,
        duties,
        report_before_day: raw.report_before_day.into_inner(),
    })
}

/// The plan shipped with the program, checked against the indicators.
pub fn embedded(definitions: &Definitions) -> Result<Plan, Vec<String>> {
    parse(EMBEDDED_NAME, EMBEDDED, Some(definitions))
}

/// The file a year's plan is read from, for the edit page and error
/// messages: `ke-hoach-2027.toml`.
pub fn file_name(year: i32) -> String {
    format!("ke-hoach-{year}.toml")
}

/// The text of the plan in force in `year` and whether the office saved it:
/// the year's own saved plan; else the latest saved before it, or the
/// shipped one, whichever is of the later year.
pub async fn text_for(store: &Store, year: i32) -> hocvuso_storage::Result<(i32, String, bool)> {
    if let Some(text) = store.plan_text(year).await? {
        return Ok((year, text, true));
    }
    let embedded_year = parse(EMBEDDED_NAME, EMBEDDED, None)
        .map(|p| p.year)
        .unwrap_or(year);
    let earlier = store
        .plan_years()
        .await?
        .into_iter()
        .map(|(y, _)| y)
        .filter(|y| *y < year && *y >= embedded_year)
        .max();
    match earlier {
        Some(y) => Ok((y, store.plan_text(y).await?.unwrap_or_default(), true)),
        None => Ok((embedded_year, EMBEDDED.to_string(), false)),
    }
}

/// The plan in force in `year` ([`text_for`]), checked; a saved plan with
/// an error (saved by an older version) gives its errors.
pub async fn in_force(
    store: &Store,
    definitions: &Definitions,
    year: i32,
) -> hocvuso_storage::Result<Result<Plan, Vec<String>>> {
    let (y, text, saved) = text_for(store, year).await?;
    Ok(if saved {
        parse(&file_name(y), &text, Some(definitions))
    } else {
        embedded(definitions)
    })
}

/// A task as the plan pages and `hocvuso plan` show it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskProgress {
    pub task: Task,
    /// Per phase, in the task's order.
    pub phases: Vec<PhaseProgress>,
    pub assessed: Assessed,
    /// All phases together, per source: (source, count).
    pub by_source: Vec<(ActivitySource, i64)>,
}

/// Every task's progress on `today`.
pub async fn progress(
    store: &Store,
    plan: &Plan,
    today: NaiveDate,
) -> hocvuso_storage::Result<Vec<TaskProgress>> {
    let hamlets = store.list_hamlets().await?.len();
    let mut out = Vec::with_capacity(plan.tasks.len());
    for task in &plan.tasks {
        out.push(progress_with(store, task, hamlets, today).await?);
    }
    Ok(out)
}

/// One task's progress on `today` (a task's page needs no other).
pub async fn task_progress(
    store: &Store,
    task: &Task,
    today: NaiveDate,
) -> hocvuso_storage::Result<TaskProgress> {
    let hamlets = store.list_hamlets().await?.len();
    progress_with(store, task, hamlets, today).await
}

/// A task's progress, the commune having `hamlets` hamlets.
async fn progress_with(
    store: &Store,
    task: &Task,
    hamlets: usize,
    today: NaiveDate,
) -> hocvuso_storage::Result<TaskProgress> {
    let mut phases = Vec::with_capacity(task.phases.len());
    let mut by_source: Vec<(ActivitySource, i64)> = task.counts.iter().map(|s| (*s, 0)).collect();
    let units: Vec<UnitType> = task
        .lead
        .iter()
        .chain(&task.coordinating)
        .copied()
        .collect();
    for phase in &task.phases {
        // Only what has happened so far counts.
        let to = phase.end().min(today);
        let mut p = PhaseProgress {
            hamlets,
            ..PhaseProgress::default()
        };
        let mut reached = std::collections::BTreeSet::new();
        if phase.start() <= to {
            for (source, total) in by_source.iter_mut() {
                let a = store
                    .plan_activity(*source, &task.code, &units, phase.start(), to)
                    .await?;
                p.activities += a.count;
                *total += a.count;
                reached.extend(a.hamlets);
            }
        }
        p.hamlets_reached = reached.len();
        phases.push(p);
    }
    let assessed = assess(task, &phases, today);
    Ok(TaskProgress {
        task: task.clone(),
        phases,
        assessed,
        by_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_plan_reads_with_six_tasks_and_eight_duties() {
        let plan = parse(EMBEDDED_NAME, EMBEDDED, None).unwrap_or_else(|e| panic!("{e:?}"));
        let codes: Vec<&str> = plan.tasks.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(
            codes,
            ["III.1", "III.2", "III.3", "III.4", "III.5", "III.6"]
        );
        assert_eq!(plan.duties.len(), 8);
        assert_eq!(plan.report_before_day, 15);
        let ai = plan.task("III.6").unwrap_or_else(|| panic!("III.6"));
        assert_eq!(ai.phases[0].span_text(), "quý III/2026");
        assert!(ai.phases[0].each_hamlet);
        assert_eq!(plan.duties_of(UnitType::DigitalTeam)[0].code, "V.8");
    }

    #[test]
    fn every_error_is_reported_with_its_line() {
        let text = EMBEDDED
            .replacen(
                "lead = [\"phong_vhxh\", \"tt_phuc_vu_hcc\", \"tt_dich_vu_th\"]",
                "lead = [\"phong_van_hoa\"]",
                1,
            )
            .replacen("from = \"2026Q2\"", "from = \"2026Q5\"", 1)
            .replacen("tasks = [\"III.1\"]", "tasks = [\"III.9\"]", 1);
        let errors = parse("ke-hoach.toml", &text, None)
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 3, "{errors:#?}");
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(0, |i| i + 1)
        };
        assert!(
            errors[0].starts_with(&format!(
                "ke-hoach.toml:{}: loại đơn vị `phong_van_hoa` không có",
                line_of("phong_van_hoa")
            )),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].starts_with(&format!(
                "ke-hoach.toml:{}: Quý `2026Q5`",
                line_of("2026Q5")
            )),
            "{}",
            errors[1]
        );
        assert!(
            errors[2].contains("`III.9` không có trong mục III"),
            "{}",
            errors[2]
        );
        let broken = parse(
            "ke-hoach.toml",
            "year = 2026\ntitle = \"x\"\nissuer = ",
            None,
        )
        .err()
        .unwrap_or_default();
        assert!(
            broken[0].starts_with("ke-hoach.toml:3: tệp kế hoạch không đọc được"),
            "{broken:?}"
        );
    }
}

//! `hocvuso indicators`, `hocvuso report` and `hocvuso bench indicators`.

use crate::commands::open;
use crate::DbArgs;
use anyhow::{anyhow, Context as _, Result};
use hocvuso_domain::Quarter;
use hocvuso_learning::Catalog;
use hocvuso_reporting::{Context, Definitions};
use hocvuso_storage::{Store, StoreOptions};
use std::path::PathBuf;
use std::time::Instant;

/// Today in Vietnam (UTC+7), whatever the machine's own time zone.
fn today() -> chrono::NaiveDate {
    hocvuso_domain::time::vn_today()
}

/// The built-in definitions, or the office's `<data-dir>/indicators.toml`.
pub fn load_definitions(db: &DbArgs, catalog: &Catalog) -> Result<Definitions> {
    let own = db.data_dir.join("indicators.toml");
    if own.is_file() {
        let text = std::fs::read_to_string(&own)
            .with_context(|| format!("không đọc được {}", own.display()))?;
        return Definitions::parse(&own.display().to_string(), &text, catalog)
            .map_err(|e| anyhow!(e));
    }
    Definitions::embedded(catalog).map_err(|e| anyhow!(e))
}

fn quarter(q: Option<String>) -> Result<Quarter> {
    match q {
        Some(q) => Quarter::parse(&q).map_err(|e| anyhow!(e)),
        None => Ok(Quarter::containing(today())),
    }
}

pub async fn indicators(db: DbArgs, json: bool, q: Option<String>, refresh: bool) -> Result<()> {
    let catalog = crate::courses::load(&db)?;
    let defs = load_definitions(&db, &catalog)?;
    let store = open(&db).await?;
    let q = quarter(q)?;
    let cx = Context {
        store: &store,
        catalog: &catalog,
        defs: &defs,
    };
    let d = if refresh {
        let t = Instant::now();
        let d = hocvuso_reporting::refresh_snapshot(cx, q).await?;
        eprintln!(
            "Đã tổng hợp và lưu chỉ tiêu {} trong {:.1} giây.",
            q.label_in_text(),
            t.elapsed().as_secs_f64()
        );
        d
    } else {
        hocvuso_reporting::dashboard(cx, q).await?
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(());
    }
    println!("Chỉ tiêu, {}:", q.label());
    println!(
        "{:<4} {:>10} {:>16} {:>14}  Tên",
        "Mã", "Kết quả", "Chỉ tiêu", "Tử/mẫu"
    );
    for r in &d.indicators {
        let value = r.value_text();
        println!(
            "{:<4} {:>10} {:>16} {:>14}  {}",
            r.code,
            value,
            r.target_text,
            format!("{}/{}", r.numerator, r.denominator),
            r.name
        );
    }
    Ok(())
}

pub async fn report(
    db: DbArgs,
    q: Option<String>,
    format: String,
    out: PathBuf,
    commune: String,
) -> Result<()> {
    let catalog = crate::courses::load(&db)?;
    let defs = load_definitions(&db, &catalog)?;
    let store = open(&db).await?;
    // The name the office set on the set-up page wins over the flag's default.
    let commune = store.commune_name().await?.unwrap_or(commune);
    let q = quarter(q)?;
    let cx = Context {
        store: &store,
        catalog: &catalog,
        defs: &defs,
    };
    let format = hocvuso_reporting::ReportFormat::parse(&format)
        .ok_or_else(|| anyhow!("định dạng `{format}` không có; dùng docx, xlsx hoặc pdf"))?;
    // The plan in force that year (the office's own if it saved one); one
    // with an error leaves the tasks' section saying so.
    let plan = hocvuso_reporting::plan::in_force(&store, &defs, q.year)
        .await?
        .ok();
    let bytes = hocvuso_reporting::render(
        cx,
        format,
        &hocvuso_reporting::ReportInput {
            commune: &commune,
            quarter: q,
            date: today(),
            plan: plan.as_ref(),
        },
    )
    .await?;
    std::fs::write(&out, &bytes).with_context(|| format!("không ghi được {}", out.display()))?;
    println!(
        "Đã ghi {} ({} KB): báo cáo {}.",
        out.display(),
        bytes.len() / 1024,
        q.label_in_text()
    );
    store.close().await;
    Ok(())
}

/// Median of `runs` reads of the stored snapshot (what the dashboard does
/// with `serve --snapshot-minutes`), in milliseconds.
async fn time_snapshot(
    store: &Store,
    catalog: &Catalog,
    defs: &Definitions,
    runs: usize,
) -> Result<f64> {
    let q = Quarter::containing(today());
    hocvuso_reporting::refresh_snapshot(
        Context {
            store,
            catalog,
            defs,
        },
        q,
    )
    .await?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        hocvuso_reporting::snapshot(store, q)
            .await?
            .ok_or_else(|| anyhow!("không có bản tổng hợp"))?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    Ok(times[times.len() / 2])
}

/// Dashboard computations, in milliseconds: the first (it builds the
/// counts kept in `indicator_reach`), the median of `runs` more, and one
/// right after a resident passes a course (the counts refreshed for that
/// resident only).
struct DashboardTimes {
    first: f64,
    p50: f64,
    after_change: f64,
}

async fn time_dashboard(
    store: &Store,
    catalog: &Catalog,
    defs: &Definitions,
    runs: usize,
) -> Result<DashboardTimes> {
    let q = Quarter::containing(today());
    let cx = Context {
        store,
        catalog,
        defs,
    };
    let timed = || async {
        let t = Instant::now();
        hocvuso_reporting::dashboard(cx, q).await?;
        Ok::<f64, anyhow::Error>(t.elapsed().as_secs_f64() * 1000.0)
    };
    let first = timed().await?;
    let mut times = Vec::new();
    for _ in 0..runs {
        times.push(timed().await?);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let p50 = times.get(times.len() / 2).copied().unwrap_or(first);
    // One resident passes a course they had not passed.
    let someone = store
        .list_residents(
            hocvuso_domain::auth::ResidentScope::All,
            &hocvuso_domain::ResidentFilter::default(),
            1,
            1,
        )
        .await?
        .items
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("không có cư dân"))?;
    // A course this resident has not passed yet (a pass of one already
    // passed would change nothing and measure nothing).
    let mut course = None;
    for c in &catalog.courses {
        if store.certificate_for(someone.id, &c.id).await?.is_none() {
            course = Some(c);
            break;
        }
    }
    let course = course.ok_or_else(|| anyhow!("cư dân đầu tiên đã đạt mọi khóa học"))?;
    store
        .record_attempt(&hocvuso_storage::NewAttempt {
            client_id: format!("bench-{}-{}", someone.id, course.id),
            resident_id: someone.id,
            course_id: course.id.clone(),
            correct: 1,
            total: 1,
            passed: true,
            answers: "[]".into(),
            mode: hocvuso_storage::LearningMode::Class,
            recorded_by: None,
            answered_at: chrono::Utc::now(),
            certificate: Some(hocvuso_storage::NewCertificate {
                code: format!("BENCH-{}", course.id),
                holder_name: someone.full_name.clone(),
                course_title: course.title.clone(),
            }),
        })
        .await?;
    let after_change = timed().await?;
    Ok(DashboardTimes {
        first,
        p50,
        after_change,
    })
}

async fn prepare(
    store: &Store,
    catalog: &Catalog,
    scale: Option<usize>,
) -> Result<(usize, usize, f64)> {
    let t = Instant::now();
    let residents = match scale {
        None => {
            let demo = hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
                seed: 2026,
                today: today(),
                ..Default::default()
            });
            store.load_demo(&demo, today()).await?.residents
        }
        Some(total) => {
            let hamlets = (total / 1000).max(20);
            let names: Vec<String> = (1..=hamlets).map(|i| format!("Thôn số {i:05}")).collect();
            let ids = store.ensure_hamlets(&names).await?;
            let mut n = 0;
            let mut batches = Vec::new();
            hocvuso_demo::generate_households_batched(2026, hamlets, total, 5000, today(), |b| {
                batches.push(b.to_vec());
                Ok::<(), ()>(())
            })
            .map_err(|_| anyhow!("tạo dữ liệu không được"))?;
            for b in batches {
                n += store.load_households_batch(&b, &ids).await?;
            }
            n
        }
    };
    let (passes, _) = hocvuso_reporting::demo::load_learning(store, catalog, today(), 2026).await?;
    if scale.is_some() {
        // Lesson reads up to about ten learning events per resident: the
        // province set of the issue (2M residents, ~20M events).
        let lessons: Vec<(String, String)> = catalog
            .courses
            .iter()
            .flat_map(|c| c.lessons.iter().map(|l| (c.id.clone(), l.id.clone())))
            .collect();
        store
            .load_bench_lesson_reads(&lessons, 14, chrono::Utc::now())
            .await?;
    }
    let events = store.count_learning_events().await? as usize;
    Ok((residents, events.max(passes), t.elapsed().as_secs_f64()))
}

pub async fn bench(
    pg_url: Option<String>,
    scale: Option<usize>,
    runs: usize,
    pg_only: bool,
) -> Result<()> {
    let catalog = Catalog::embedded().map_err(|e| anyhow!("{} lỗi khóa học", e.len()))?;
    let defs = Definitions::embedded(&catalog).map_err(|e| anyhow!(e))?;
    let dir = tempfile::tempdir()?;
    let mut rows: Vec<[String; 8]> = Vec::new();
    let sizes: Vec<Option<usize>> = match scale {
        Some(s) => vec![None, Some(s)],
        None => vec![None],
    };
    for size in &sizes {
        let label = match size {
            None => "xã mẫu".to_string(),
            Some(n) => format!("{n} cư dân"),
        };
        if !pg_only {
            eprintln!("Chuẩn bị dữ liệu {label} trên SQLite…");
            let file = dir.path().join(format!("b{}.sqlite", size.unwrap_or(0)));
            let store = Store::connect(&StoreOptions::sqlite_file(&file))
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let (residents, passes, secs) = prepare(&store, &catalog, *size).await?;
            let t = time_dashboard(&store, &catalog, &defs, runs).await?;
            let snap = time_snapshot(&store, &catalog, &defs, runs).await?;
            rows.push([
                "SQLite".into(),
                label.clone(),
                residents.to_string(),
                passes.to_string(),
                format!("{:.0}", t.first),
                format!("{:.1}", t.p50),
                format!("{:.1}", t.after_change),
                format!("{snap:.2} (nạp {secs:.0} s)"),
            ]);
            store.close().await;
        }
        if let Some(url) = &pg_url {
            eprintln!("Chuẩn bị dữ liệu {label} trên PostgreSQL…");
            let schema = format!("bench_ind_{}", std::process::id());
            Store::drop_pg_schema(url, &schema)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let mut o = StoreOptions::new(url.clone());
            o.pg_schema = Some(schema.clone());
            let pg = Store::connect(&o).await.map_err(|e| anyhow!("{e}"))?;
            let result = async {
                let (residents, passes, secs) = prepare(&pg, &catalog, *size).await?;
                pg.analyze().await?;
                let t = time_dashboard(&pg, &catalog, &defs, runs).await?;
                let snap = time_snapshot(&pg, &catalog, &defs, runs).await?;
                Ok::<_, anyhow::Error>([
                    "PostgreSQL".into(),
                    label.clone(),
                    residents.to_string(),
                    passes.to_string(),
                    format!("{:.0}", t.first),
                    format!("{:.1}", t.p50),
                    format!("{:.1}", t.after_change),
                    format!("{snap:.2} (nạp {secs:.0} s)"),
                ])
            }
            .await;
            pg.close().await;
            let _ = Store::drop_pg_schema(url, &schema).await;
            rows.push(result?);
        }
    }
    println!("Bảng chỉ tiêu (tính toàn bộ {} chỉ tiêu, kèm xu hướng theo quý và theo xóm), ms; p50 của {runs} lần:", defs.indicators.len());
    println!("  lần đầu: dựng bảng đếm indicator_reach; p50: bảng đếm đã có; sau 1 thay đổi: một người vừa đạt một khóa học.");
    println!(
        "{:<11} {:<16} {:>10} {:>12} {:>10} {:>10} {:>14}  đọc bản tổng hợp (ms)",
        "CSDL", "Dữ liệu", "Cư dân", "Sự kiện học", "lần đầu", "p50", "sau 1 thay đổi"
    );
    for r in rows {
        println!(
            "{:<11} {:<16} {:>10} {:>12} {:>10} {:>10} {:>14}  {}",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]
        );
    }
    Ok(())
}

/// `hocvuso plan check FILE`: every error with file, line and how to fix it.
pub fn plan_check(db: &DbArgs, file: &std::path::Path) -> Result<()> {
    let catalog = crate::courses::load(db)?;
    let defs = load_definitions(db, &catalog)?;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("không đọc được {}", file.display()))?;
    match hocvuso_reporting::plan::parse(&file.display().to_string(), &text, Some(&defs)) {
        Ok(plan) => {
            println!(
                "{}: hợp lệ: {} nhiệm vụ, {} mục trách nhiệm của đơn vị, {} mục tiêu.",
                file.display(),
                plan.tasks.len(),
                plan.duties.len(),
                plan.targets.len()
            );
            Ok(())
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            Err(anyhow!(
                "{} lỗi: sửa rồi chạy lại `hocvuso plan check`",
                errors.len()
            ))
        }
    }
}

/// `hocvuso plan`: each task with its status and why, then the units' duties.
pub async fn plan(db: DbArgs, json: bool, q: Option<String>) -> Result<()> {
    let catalog = crate::courses::load(&db)?;
    let defs = load_definitions(&db, &catalog)?;
    let day = match q {
        Some(q) => Quarter::parse(&q).map_err(|e| anyhow!(e))?.last_day(),
        None => today(),
    };
    let store = open(&db).await?;
    let plan = hocvuso_reporting::plan::in_force(&store, &defs, chrono::Datelike::year(&day))
        .await?
        .map_err(|e| anyhow!(e.join("\n")))?;
    let tasks = hocvuso_reporting::plan::progress(&store, &plan, day).await?;
    let units = store.list_units().await?;
    let records = store.unit_records().await?;
    if json {
        let out = serde_json::json!({
            "day": day,
            "year": plan.year,
            "title": plan.title,
            "tasks": tasks,
            "duties": plan.duties,
            // What each unit has recorded against its duties.
            "units": units
                .iter()
                .filter(|u| u.active)
                .map(|u| serde_json::json!({
                    "id": u.id,
                    "name": u.name,
                    "unit_type": u.unit_type.code(),
                    "recorded": records.iter().find(|r| r.unit_id == u.id).cloned().unwrap_or_default(),
                }))
                .collect::<Vec<_>>(),
            "report_before_day": plan.report_before_day,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{} (tình trạng ngày {})",
        plan.title,
        day.format("%d/%m/%Y")
    );
    for t in &tasks {
        let units = |types: &[hocvuso_domain::units::UnitType]| {
            types
                .iter()
                .map(|u| u.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("\n{}. {}", t.task.code, t.task.title);
        println!("   Thực hiện: {}", units(&t.task.lead));
        if !t.task.coordinating.is_empty() {
            println!("   Phối hợp: {}", units(&t.task.coordinating));
        }
        println!("   Thời gian: {}", t.task.period_text);
        let counted: Vec<String> = t
            .by_source
            .iter()
            .map(|(s, n)| format!("{n} {}", s.noun()))
            .collect();
        if !counted.is_empty() {
            println!("   Đã ghi nhận: {}", counted.join(", "));
        }
        println!("   Tình trạng: {}", t.assessed.rule);
    }
    println!("\nTrách nhiệm của các đơn vị (mục V):");
    for d in &plan.duties {
        println!("{}. {} (nhiệm vụ: {})", d.code, d.unit, d.tasks.join(", "));
        for i in &d.items {
            println!("   - {i}");
        }
        for u in units
            .iter()
            .filter(|u| u.active && d.unit_types.contains(&u.unit_type))
        {
            let r = records
                .iter()
                .find(|r| r.unit_id == u.id)
                .cloned()
                .unwrap_or_default();
            println!("   Đã ghi nhận ({}): {}", u.name, r.text());
        }
    }
    Ok(())
}

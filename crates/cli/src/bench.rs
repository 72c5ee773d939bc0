//! `hocvuso bench`: measures what users feel and prints a table. Numbers
//! are for reading, never asserted in tests.
//!
//! - import: 20,000 residents from an .xlsx (read, validate, write in one
//!   transaction), on SQLite and, when reachable, PostgreSQL;
//! - pages: requests per second and latency under concurrent load, against a
//!   server started in this process on the demo commune (the load generator
//!   shares the CPU with the server, so `wrk` from another process reads higher).

use anyhow::{anyhow, Context, Result};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{ResidentFilter, Role};
use hocvuso_storage::{NewUser, Store, StoreOptions};
use hocvuso_web::{AppState, WebConfig};
use std::time::{Duration, Instant};

pub struct BenchArgs {
    pub seconds: u64,
    pub concurrency: usize,
    pub pg_url: Option<String>,
}

struct Row {
    what: String,
    engine: String,
    value: String,
    detail: String,
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()
}

async fn fresh_sqlite(dir: &std::path::Path, name: &str) -> Result<Store> {
    Store::connect(&StoreOptions::sqlite_file(&dir.join(name)))
        .await
        .map_err(|e| anyhow!("{e}"))
}

async fn fresh_pg(url: &str) -> Result<(Store, String)> {
    let schema = format!("bench_{}", std::process::id());
    Store::drop_pg_schema(url, &schema)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let mut o = StoreOptions::new(url);
    o.pg_schema = Some(schema.clone());
    Ok((
        Store::connect(&o).await.map_err(|e| anyhow!("{e}"))?,
        schema,
    ))
}

/// 20,000 residents as an .xlsx file, the way an office would export them.
fn import_file(dir: &std::path::Path) -> Result<(Vec<u8>, Vec<String>)> {
    let demo = hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
        seed: 99,
        households: 5400,
        today: today(),
        ..Default::default()
    });
    let rows: Vec<hocvuso_import::ExportRow> = demo
        .households
        .iter()
        .flat_map(|h| {
            let hamlet = demo.hamlets[h.hamlet].name.clone();
            h.members.iter().map(move |m| hocvuso_import::ExportRow {
                full_name: m.full_name.clone(),
                birth: m.birth.map(|b| b.display()).unwrap_or_default(),
                sex: m.sex.map(|s| s.label().to_string()).unwrap_or_default(),
                ethnicity: m.ethnicity.clone(),
                citizen_id: m
                    .citizen_id
                    .as_ref()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                phone: m
                    .phone
                    .as_ref()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                hamlet: hamlet.clone(),
                relation: m.relation.clone(),
                household_code: h.code.clone(),
                head_name: h
                    .members
                    .first()
                    .map(|x| x.full_name.clone())
                    .unwrap_or_default(),
                groups: String::new(),
                notes: String::new(),
            })
        })
        .take(20_000)
        .collect();
    let bytes = hocvuso_import::export_xlsx("Bench", &rows, true).map_err(|e| anyhow!(e))?;
    std::fs::write(dir.join("bench.xlsx"), &bytes)?;
    Ok((bytes, demo.hamlets.iter().map(|h| h.name.clone()).collect()))
}

async fn bench_import(
    store: &Store,
    bytes: &[u8],
    hamlets: &[String],
) -> Result<(usize, f64, f64, f64)> {
    store.ensure_hamlets(hamlets).await?;
    let ids = store.list_hamlets().await?;
    let t0 = Instant::now();
    let wb = hocvuso_import::read_workbook(bytes, "bench.xlsx").map_err(|e| anyhow!("{e}"))?;
    let sheet = &wb.sheets[0];
    let header = hocvuso_import::find_header(sheet).map_err(|e| anyhow!("{e}"))?;
    let ctx = hocvuso_import::ValidationContext {
        today: today(),
        hamlets: ids.into_iter().map(|h| (h.id, h.name)).collect(),
    };
    let preview = hocvuso_import::validate(sheet, &header, &ctx);
    if !preview.errors.is_empty() {
        return Err(anyhow!(
            "bench file has {} errors, first: {:?}",
            preview.errors.len(),
            preview.errors[0].message
        ));
    }
    let parse = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let s = store
        .import_residents(&preview.rows, today(), &|_| {})
        .await?;
    let write = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let again = store
        .import_residents(&preview.rows, today(), &|_| {})
        .await?;
    let second = t2.elapsed().as_secs_f64();
    if again.created != 0 {
        return Err(anyhow!("second import created {} residents", again.created));
    }
    Ok((s.created, parse, write, second))
}

struct Load {
    rps: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
}

async fn load(
    url: String,
    cookie: Option<String>,
    seconds: u64,
    concurrency: usize,
) -> Result<Load> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let c = client.clone();
        let url = url.clone();
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let mut req = c.get(&url);
                if let Some(ck) = &cookie {
                    req = req.header("cookie", ck);
                }
                match req.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(Load {
        rps: all.len() as f64 / seconds as f64,
        p50: pct(0.5),
        p99: pct(0.99),
        errors,
    })
}

async fn login_cookie(base: &str, store: &Store) -> Result<String> {
    let password = "Bench mật khẩu dài 2026";
    store
        .create_user(&NewUser {
            username: "bench".into(),
            display_name: "Bench".into(),
            password_hash: hocvuso_web::auth::hash_password(password)
                .map_err(|e| anyhow!("{e}"))?,
            role: Role::CultureOffice,
            must_change_password: false,
        })
        .await?;
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = c.get(format!("{base}/dang-nhap")).send().await?;
    let pre = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix("hv_pre=")
                .map(|r| r.split(';').next().unwrap_or("").to_string())
        })
        .context("no pre-login cookie")?;
    let r = c
        .post(format!("{base}/dang-nhap"))
        .header("cookie", format!("hv_pre={pre}"))
        .form(&[
            ("username", "bench"),
            ("password", password),
            ("csrf", pre.as_str()),
        ])
        .send()
        .await?;
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.starts_with("hv_session=")
                .then(|| v.split(';').next().unwrap_or("").to_string())
        })
        .context("login failed")
}

/// The demo commune on a fresh SQLite file, served by this process on a
/// free port, and a logged-in culture office: (store, base URL, cookie).
/// `assistant_unlimited` lifts the assistant's allowance (`bench pages`).
pub(crate) async fn serve_demo(
    dir: &std::path::Path,
    assistant_unlimited: bool,
) -> Result<(Store, String, String)> {
    let store = fresh_sqlite(dir, "web.sqlite").await?;
    let demo = hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
        today: today(),
        ..Default::default()
    });
    store.load_demo(&demo, today()).await?;
    let state = AppState::new(
        store.clone(),
        WebConfig {
            secure_cookies: false,
            today: Some(today()),
            assistant_unlimited,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let app =
            hocvuso_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, app).await;
    });
    let cookie = login_cookie(&base, &store).await?;
    Ok((store, base, cookie))
}

pub async fn run(args: BenchArgs) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut rows = Vec::new();
    eprintln!("Đang chuẩn bị tệp 20.000 người…");
    let (bytes, hamlets) = import_file(dir.path())?;

    eprintln!("Đo nhập Excel trên SQLite…");
    let s = fresh_sqlite(dir.path(), "import.sqlite").await?;
    let (n, parse, write, second) = bench_import(&s, &bytes, &hamlets).await?;
    s.close().await;
    rows.push(Row {
        what: format!("nhập {n} người từ .xlsx"),
        engine: "SQLite".into(),
        value: format!("{:.2} s", parse + write),
        detail: format!("đọc+kiểm tra {parse:.2} s, ghi {write:.2} s, nhập lại {second:.2} s"),
    });
    if let Some(url) = &args.pg_url {
        eprintln!("Đo nhập Excel trên PostgreSQL…");
        match fresh_pg(url).await {
            Ok((pg, schema)) => {
                let (n, parse, write, second) = bench_import(&pg, &bytes, &hamlets).await?;
                pg.close().await;
                let _ = Store::drop_pg_schema(url, &schema).await;
                rows.push(Row {
                    what: format!("nhập {n} người từ .xlsx"),
                    engine: "PostgreSQL".into(),
                    value: format!("{:.2} s", parse + write),
                    detail: format!(
                        "đọc+kiểm tra {parse:.2} s, ghi {write:.2} s, nhập lại {second:.2} s"
                    ),
                });
            }
            Err(e) => eprintln!("Bỏ qua PostgreSQL ({e})"),
        }
    }

    eprintln!("Đang nạp xã mẫu và chạy máy chủ…");
    let (store, base, cookie) = serve_demo(dir.path(), false).await?;
    let someone = store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 1)
        .await?
        .items[0]
        .id;
    for (label, path, auth) in [
        ("GET /healthz (không phiên)", "/healthz".to_string(), false),
        (
            "GET /so-dan-cu (phiên, quyền, mẫu trang)",
            "/so-dan-cu".to_string(),
            true,
        ),
        (
            "GET /so-dan-cu?q=nguyen (tìm không dấu)",
            "/so-dan-cu?q=nguyen".to_string(),
            true,
        ),
        (
            "GET /cu-dan/{id} (phiên, quyền, nhật ký)",
            format!("/cu-dan/{someone}"),
            true,
        ),
    ] {
        eprintln!("Đo {label}…");
        let l = load(
            format!("{base}{path}"),
            auth.then(|| cookie.clone()),
            args.seconds,
            args.concurrency,
        )
        .await?;
        rows.push(Row {
            what: label.into(),
            engine: "SQLite".into(),
            value: format!("{:.0} req/s", l.rps),
            detail: format!(
                "p50 {:.1} ms, p99 {:.1} ms, {} lỗi, {} kết nối",
                l.p50.as_secs_f64() * 1e3,
                l.p99.as_secs_f64() * 1e3,
                l.errors,
                args.concurrency
            ),
        });
    }
    store.audit().flush().await;

    let w = rows
        .iter()
        .map(|r| r.what.chars().count())
        .max()
        .unwrap_or(10);
    println!(
        "\n| {:w$} | {:10} | {:>12} | chi tiết",
        "phép đo", "CSDL", "kết quả"
    );
    println!(
        "|{}|{}|{}|---",
        "-".repeat(w + 2),
        "-".repeat(12),
        "-".repeat(14)
    );
    for r in rows {
        println!(
            "| {:w$} | {:10} | {:>12} | {}",
            r.what, r.engine, r.value, r.detail
        );
    }
    Ok(())
}

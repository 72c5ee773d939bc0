//! `hocvuso bench load`: the load test of issue 12. The real `hocvuso serve`
//! runs as its own process on a copy of the demo commune; this process plays
//! 50 users over loopback — officials who open residents, hamlet lists,
//! searches and the indicators, record consents and ask the assistant, and
//! citizens (each from their own 127.0.0.x address, as phones would be) who
//! read lessons and ask the assistant — and measures what they wait.
//!
//! Five phases of equal length, alternating: without an attacker, with one (a client
//! that keeps sending the requests of issue 12's items 1–3: a chat history
//! of megabytes, a spreadsheet that inflates to gigabytes, a column number
//! of 2^64), and so on, so the quiet phases show the noise and a drift cannot pass
//! for the attacker's effect.
//! The server's memory (VmRSS) is sampled every half second.
//!
//! Numbers are printed, never asserted: the load generator shares the
//! machine's cores with the server.

use anyhow::{anyhow, bail, Context, Result};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::privacy::consent_parties;
use hocvuso_domain::{ResidentFilter, Role};
use hocvuso_storage::{NewUser, Store, StoreOptions};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write as _};
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct LoadArgs {
    pub seconds: u64,
    pub users: usize,
}

const PASSWORD: &str = "Ruộng bậc thang Dân Tiến 2026";
const RUNNING_LINE: &str = "hocvuso đang chạy: http://";

/// Questions citizens and officials ask, with and without diacritics.
const QUESTIONS: &[&str] = &[
    "làm giấy khai sinh cho con cần gì",
    "lam giay khai sinh o dau",
    "đăng ký kết hôn mất bao lâu",
    "chung thuc ban sao het bao nhieu tien",
    "xin giấy xác nhận tình trạng hôn nhân",
    "đăng ký khai tử cho bố",
    "cap lai giay khai sinh bi mat",
    "đăng ký thường trú cần giấy tờ gì",
];

/// xorshift64*: enough to vary the users, repeatable per user.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What the users can reach: ids read from the store before the server starts.
struct World {
    residents: Vec<Resident>,
    hamlets: Vec<i64>,
    lessons: Vec<String>,
}

struct Resident {
    id: i64,
    /// Fields the consent form needs for this person's age.
    by_person: bool,
    guardian: bool,
}

/// `hocvuso serve` on the data folder, on a free port; killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path) -> Result<Server> {
        let exe = std::env::current_exe().context("không tìm thấy chương trình hocvuso")?;
        let mut child = Command::new(exe)
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .env_remove("HOCVUSO_DATABASE_URL")
            .env_remove("HOCVUSO_BIND")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("không chạy được máy chủ")?;
        let out = child.stdout.take().context("không đọc được máy chủ")?;
        let mut lines = BufReader::new(out).lines();
        let base = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(addr) = line.split(RUNNING_LINE).nth(1) {
                        break format!("http://{}", addr.trim().trim_end_matches('/'));
                    }
                }
                _ => {
                    let _ = child.kill();
                    bail!("máy chủ dừng trước khi in địa chỉ");
                }
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Server { child, base })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Resident memory now, in MiB, from /proc (Linux).
    fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo commune in `data`, with `n` officials' accounts and one for
/// the attacker; returns what the users will open.
async fn prepare(data: &Path, n: usize) -> Result<World> {
    let store = Store::connect(&StoreOptions::sqlite_file(&data.join("hocvuso.sqlite")))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let catalog = hocvuso_learning::Catalog::embedded()
        .map_err(|e| anyhow!("{} lỗi trong khóa học", e.len()))?;
    crate::commands::load_demo_if_empty(&store, 2026, &catalog).await?;
    let hash = hocvuso_web::auth::hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
    for name in (0..n)
        .map(|i| format!("tai{i}"))
        .chain(["tan_cong".to_string()])
    {
        store
            .create_user(&NewUser {
                username: name.clone(),
                display_name: name,
                password_hash: hash.clone(),
                role: Role::CultureOffice,
                must_change_password: false,
            })
            .await?;
    }
    let today = hocvuso_domain::time::vn_today();
    let page = store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 2000)
        .await?;
    let residents = page
        .items
        .iter()
        .map(|r| {
            let p = consent_parties(r.birth, today);
            Resident {
                id: r.id,
                by_person: p.person,
                guardian: p.guardian,
            }
        })
        .collect();
    let hamlets = store.list_hamlets().await?.iter().map(|h| h.id).collect();
    let lessons = catalog
        .courses
        .iter()
        .flat_map(|c| {
            c.lessons
                .iter()
                .map(move |l| format!("/hoc/{}/{}", c.id, l.id))
        })
        .collect();
    store.close().await;
    Ok(World {
        residents,
        hamlets,
        lessons,
    })
}

fn client(local: Option<IpAddr>) -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .local_address(local)
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// The value of the first hidden `csrf` field in a page.
fn csrf_of(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

/// A logged-in client and its form token.
async fn login(base: &str, user: &str) -> Result<(reqwest::Client, String)> {
    let c = client(None)?;
    let page = c
        .get(format!("{base}/dang-nhap"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = csrf_of(&page).context("trang đăng nhập không có mã chống giả mạo")?;
    let r = c
        .post(format!("{base}/dang-nhap"))
        .form(&[("username", user), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await?;
    if r.status() != reqwest::StatusCode::SEE_OTHER {
        bail!("{user} không đăng nhập được ({})", r.status());
    }
    let page = c
        .get(format!("{base}/so-dan-cu"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = csrf_of(&page).context("trang sổ dân cư không có mã chống giả mạo")?;
    Ok((c, csrf))
}

/// What one request was, for the table.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Read,
    Write,
    Assistant,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Read => "đọc trang",
            Kind::Write => "ghi (đồng ý)",
            Kind::Assistant => "hỏi trợ lý ảo",
        }
    }
}

#[derive(Default)]
struct Tally {
    latencies: BTreeMap<Kind, Vec<Duration>>,
    errors: BTreeMap<String, usize>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (k, v) in other.latencies {
            self.latencies.entry(k).or_default().extend(v);
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }
    fn error(&mut self, what: String) {
        *self.errors.entry(what).or_default() += 1;
    }
}

/// One request: its latency if it answered as expected, else an error.
async fn timed(t: &mut Tally, kind: Kind, what: &str, expect: u16, req: reqwest::RequestBuilder) {
    let start = Instant::now();
    match req.send().await {
        Ok(r) if r.status().as_u16() == expect => match r.bytes().await {
            Ok(_) => t.latencies.entry(kind).or_default().push(start.elapsed()),
            Err(e) => t.error(format!("{what}: {e}")),
        },
        Ok(r) => t.error(format!("{what}: {}", r.status())),
        Err(e) => t.error(format!("{what}: {e}")),
    }
}

async fn think(rng: &mut Rng, max_ms: u64) {
    tokio::time::sleep(Duration::from_millis(rng.next() % max_ms.max(1))).await;
}

/// An official: mostly reads, one request in eight a consent recorded,
/// one in twenty a question to the assistant.
async fn official(
    base: String,
    c: reqwest::Client,
    csrf: String,
    world: Arc<World>,
    seed: u64,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut t = Tally::default();
    let mut rng = Rng::new(seed);
    while !stop.load(Ordering::Relaxed) {
        let roll = rng.below(40);
        let (kind, what, expect, req) = if roll < 14 {
            let r = rng.pick(&world.residents);
            (
                Kind::Read,
                "GET /cu-dan/{id}",
                200,
                c.get(format!("{base}/cu-dan/{}", r.id)),
            )
        } else if roll < 22 {
            let h = rng.pick(&world.hamlets);
            let page = 1 + rng.below(3);
            (
                Kind::Read,
                "GET /so-dan-cu?xom=",
                200,
                c.get(format!("{base}/so-dan-cu?xom={h}&trang={page}")),
            )
        } else if roll < 26 {
            let q = *rng.pick(&["nguyen van", "tran thi", "hoang", "lường", "ma thi"]);
            (
                Kind::Read,
                "GET /so-dan-cu?q=",
                200,
                c.get(format!("{base}/so-dan-cu")).query(&[("q", q)]),
            )
        } else if roll < 29 {
            (
                Kind::Read,
                "GET /chi-tieu",
                200,
                c.get(format!("{base}/chi-tieu")),
            )
        } else if roll < 35 {
            let r = rng.pick(&world.residents);
            let purpose = *rng.pick(&["danh_sach", "lien_he"]);
            let mut form = vec![
                ("csrf", csrf.clone()),
                ("muc_dich", purpose.to_string()),
                ("dong_y", "1".to_string()),
                ("cach", "giay".to_string()),
            ];
            if r.by_person {
                form.push(("ban_than", "1".to_string()));
            }
            if r.guardian {
                form.push(("nguoi_giam_ho", "Nguyễn Thị Hoa".to_string()));
            }
            (
                Kind::Write,
                "POST /cu-dan/{id}/dong-y",
                303,
                c.post(format!("{base}/cu-dan/{}/dong-y", r.id)).form(&form),
            )
        } else if roll < 37 {
            let q = *rng.pick(QUESTIONS);
            (
                Kind::Assistant,
                "POST /api/tro-ly (đã đăng nhập)",
                200,
                c.post(format!("{base}/api/tro-ly"))
                    .json(&serde_json::json!({ "turns": [q] })),
            )
        } else {
            (
                Kind::Read,
                "GET /bao-cao",
                200,
                c.get(format!("{base}/bao-cao")),
            )
        };
        timed(&mut t, kind, what, expect, req).await;
        think(&mut rng, 200).await;
    }
    t
}

/// A citizen on a phone: reads lessons and the course list, asks the
/// assistant now and then; reads for a while between pages.
async fn citizen(
    base: String,
    c: reqwest::Client,
    world: Arc<World>,
    seed: u64,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut t = Tally::default();
    let mut rng = Rng::new(seed);
    while !stop.load(Ordering::Relaxed) {
        let roll = rng.below(10);
        let (kind, what, expect, req) = if roll < 5 {
            let l = rng.pick(&world.lessons);
            (
                Kind::Read,
                "GET /hoc/{khóa}/{bài}",
                200,
                c.get(format!("{base}{l}")),
            )
        } else if roll < 7 {
            (Kind::Read, "GET /hoc", 200, c.get(format!("{base}/hoc")))
        } else if roll < 8 {
            (
                Kind::Read,
                "GET /tro-ly",
                200,
                c.get(format!("{base}/tro-ly")),
            )
        } else {
            let q = *rng.pick(QUESTIONS);
            (
                Kind::Assistant,
                "POST /api/tro-ly (không đăng nhập)",
                200,
                c.post(format!("{base}/api/tro-ly"))
                    .json(&serde_json::json!({ "turns": [q] })),
            )
        };
        timed(&mut t, kind, what, expect, req).await;
        think(&mut rng, 2000).await;
    }
    t
}

/// The attacker's three loops; returns the answers it got, by request.
async fn attacker(base: String, stop: Arc<AtomicBool>) -> Result<BTreeMap<String, usize>> {
    let (office, csrf) = login(&base, "tan_cong").await?;
    let bomb = Arc::new(inflating_xlsx()?);
    let history = Arc::new(serde_json::to_string(&vec!["khai sinh ".repeat(400_000)])?);
    let preview = upload(&base, &office, &csrf, small_csv(), "ds.csv").await?;
    let mut tasks = tokio::task::JoinSet::new();
    // HOCVUSO_LOAD_ATTACK="2" sends only item 2, to see which one costs.
    let items: Vec<u8> = std::env::var("HOCVUSO_LOAD_ATTACK")
        .unwrap_or_else(|_| "1,2,3".into())
        .split(',')
        .filter_map(|i| i.trim().parse().ok())
        .collect();
    for item in items {
        let (base, office, csrf, bomb, history, preview, stop) = (
            base.clone(),
            office.clone(),
            csrf.clone(),
            bomb.clone(),
            history.clone(),
            preview.clone(),
            stop.clone(),
        );
        tasks.spawn(async move {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            let anon = client(Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 250))))?;
            let chat = anon
                .get(format!("{base}/tro-ly"))
                .send()
                .await?
                .text()
                .await?;
            let chat_csrf = csrf_of(&chat).unwrap_or_default();
            // Encoded once: the attacker's own CPU is the users' CPU here.
            let chat_body = form_body(&[
                ("csrf", chat_csrf.as_str()),
                ("q", "phí bao nhiêu"),
                ("lich_su", history.as_str()),
                ("ma", "[]"),
            ]);
            while !stop.load(Ordering::Relaxed) {
                let (what, result) = match item {
                    1 => (
                        "1. POST /tro-ly, lich_su 4 MB",
                        anon.post(format!("{base}/tro-ly"))
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(chat_body.clone())
                            .send()
                            .await,
                    ),
                    2 => {
                        let form = reqwest::multipart::Form::new()
                            .text("csrf", csrf.clone())
                            .part(
                                "file",
                                reqwest::multipart::Part::bytes(bomb.to_vec())
                                    .file_name("bom.xlsx"),
                            );
                        (
                            "2. POST /nhap, .xlsx nở thành 1,5 GB",
                            office
                                .post(format!("{base}/nhap"))
                                .multipart(form)
                                .send()
                                .await,
                        )
                    }
                    _ => (
                        "3. POST /nhap/{id}/anh-xa, cột 2^64−1",
                        office
                            .post(format!("{base}{preview}/anh-xa"))
                            .form(&[
                                ("csrf", csrf.as_str()),
                                ("col_18446744073709551615", "ho_ten"),
                                ("col_1000000000000", "ngay_sinh"),
                            ])
                            .send()
                            .await,
                    ),
                };
                let answer = match result {
                    Ok(r) => {
                        let s = r.status().as_u16().to_string();
                        let _ = r.bytes().await;
                        s
                    }
                    Err(_) => "kết nối bị đóng".to_string(),
                };
                *seen.entry(format!("{what} → {answer}")).or_default() += 1;
            }
            Ok::<_, anyhow::Error>(seen)
        });
    }
    let mut all = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        for (k, v) in done?? {
            *all.entry(k).or_default() += v;
        }
    }
    // The import wizard still works for everyone after the attack.
    let again = upload(&base, &office, &csrf, small_csv(), "ds.csv").await?;
    let status = office.get(format!("{base}{again}")).send().await?.status();
    if status != reqwest::StatusCode::OK {
        bail!("sau tấn công, xem trước một tệp nhập trả lời {status}");
    }
    Ok(all)
}

/// `application/x-www-form-urlencoded` of the fields.
fn form_body(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        for (j, part) in [k, v].into_iter().enumerate() {
            if j == 1 {
                out.push(b'=');
            }
            for b in part.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("%{b:02X}").as_bytes());
                }
            }
        }
    }
    out
}

fn small_csv() -> Vec<u8> {
    "Họ và tên;Ngày sinh;Giới tính;Cột lạ\nNguyễn Văn An;01/02/1990;Nam;x\n"
        .as_bytes()
        .to_vec()
}

/// Uploads a file to the import wizard; returns the preview's path.
async fn upload(
    base: &str,
    c: &reqwest::Client,
    csrf: &str,
    bytes: Vec<u8>,
    name: &str,
) -> Result<String> {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let r = c
        .post(format!("{base}/nhap"))
        .multipart(form)
        .send()
        .await?;
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    location.with_context(|| format!("tải tệp lên không được ({})", r.status()))
}

/// An .xlsx of about a megabyte whose sheet inflates to 1.5 GB while its
/// ZIP headers declare a few kilobytes (issue 12, item 2).
fn inflating_xlsx() -> Result<Vec<u8>> {
    const SHEET: &str = "xl/worksheets/sheet1.xml";
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        for (name, text) in parts {
            z.start_file(name, opts)?;
            z.write_all(text.as_bytes())?;
        }
        z.start_file(SHEET, opts)?;
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#)?;
        let pad = vec![b' '; 1 << 20];
        for _ in 0..1536 {
            z.write_all(&pad)?;
        }
        z.write_all(b"</t></is></c></row></sheetData></worksheet>")?;
        z.finish()?;
    }
    let mut bytes = out.into_inner();
    // Declare 4 KiB for the sheet in the local header and the directory.
    let name = SHEET.as_bytes();
    for i in 0..bytes.len().saturating_sub(46) {
        if bytes[i..].starts_with(b"PK\x03\x04") && bytes[i + 30..].starts_with(name) {
            bytes[i + 22..i + 26].copy_from_slice(&4096u32.to_le_bytes());
        }
        if bytes[i..].starts_with(b"PK\x01\x02") && bytes[i + 46..].starts_with(name) {
            bytes[i + 24..i + 28].copy_from_slice(&4096u32.to_le_bytes());
        }
    }
    Ok(bytes)
}

struct PhaseResult {
    name: &'static str,
    tally: Tally,
    seconds: f64,
    rss_peak: f64,
    attack: Option<BTreeMap<String, usize>>,
}

/// The server and the users that load it.
struct Crowd {
    server: Server,
    /// Officials' logged-in clients and their form tokens.
    sessions: Vec<(reqwest::Client, String)>,
    /// Citizens' clients, each from its own loopback address.
    citizens: Vec<reqwest::Client>,
    world: Arc<World>,
}

async fn phase(
    crowd: &Crowd,
    name: &'static str,
    seconds: u64,
    with_attacker: bool,
    seed: u64,
) -> Result<PhaseResult> {
    let Crowd {
        server,
        sessions,
        citizens,
        world,
    } = crowd;
    eprintln!("Giai đoạn «{name}»: {seconds} s…");
    let stop = Arc::new(AtomicBool::new(false));
    let mut users = tokio::task::JoinSet::new();
    for (i, (c, csrf)) in sessions.iter().enumerate() {
        users.spawn(official(
            server.base.clone(),
            c.clone(),
            csrf.clone(),
            world.clone(),
            seed + i as u64,
            stop.clone(),
        ));
    }
    for (i, c) in citizens.iter().enumerate() {
        users.spawn(citizen(
            server.base.clone(),
            c.clone(),
            world.clone(),
            seed + 1000 + i as u64,
            stop.clone(),
        ));
    }
    let attack = with_attacker.then(|| tokio::spawn(attacker(server.base.clone(), stop.clone())));
    let start = Instant::now();
    let mut rss_peak: f64 = 0.0;
    while start.elapsed() < Duration::from_secs(seconds) {
        if let Some(rss) = server.rss_mib() {
            rss_peak = rss_peak.max(rss);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut tally = Tally::default();
    while let Some(t) = users.join_next().await {
        tally.merge(t?);
    }
    let attack = match attack {
        Some(a) => Some(a.await??),
        None => None,
    };
    Ok(PhaseResult {
        name,
        tally,
        seconds: start.elapsed().as_secs_f64(),
        rss_peak,
        attack,
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted
        .get(i)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

fn row(label: &str, what: &str, mut lat: Vec<Duration>, seconds: f64, errors: usize, rss: &str) {
    lat.sort();
    println!(
        "| {label} | {what} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {errors} | {rss} |",
        lat.len(),
        lat.len() as f64 / seconds,
        percentile(&lat, 0.50),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        lat.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0),
    );
}

pub async fn run(args: LoadArgs) -> Result<()> {
    if args.users < 2 {
        bail!("cần ít nhất 2 người dùng (--users)");
    }
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data)?;
    let officials = args.users * 7 / 10;
    let citizens = args.users - officials;
    eprintln!("Đang nạp xã mẫu và tạo {officials} tài khoản cán bộ…");
    let world = Arc::new(prepare(&data, officials).await?);
    let server = Server::start(&data)?;
    eprintln!(
        "Máy chủ: {} (tiến trình {})",
        server.base,
        server.child.id()
    );
    let mut sessions = Vec::new();
    for i in 0..officials {
        sessions.push(login(&server.base, &format!("tai{i}")).await?);
    }
    let phones: Vec<reqwest::Client> = (0..citizens)
        .map(|i| {
            client(Some(IpAddr::V4(Ipv4Addr::new(
                127,
                0,
                1,
                1 + (i % 250) as u8,
            ))))
        })
        .collect::<Result<_>>()?;
    let idle_rss = server.rss_mib().unwrap_or(0.0);
    let crowd = Crowd {
        server,
        sessions,
        citizens: phones,
        world,
    };
    eprintln!("Khởi động 5 s (không tính)…");
    phase(&crowd, "khởi động", 5, false, 1).await?;
    let mut results = Vec::new();
    // Quiet and attacked phases alternate, so a drift (the database grows
    // with every consent written) does not pass for the attacker's effect.
    for (i, (name, attack)) in [
        ("không tấn công, lần 1", false),
        ("có kẻ tấn công, lần 1", true),
        ("không tấn công, lần 2", false),
        ("có kẻ tấn công, lần 2", true),
        ("không tấn công, lần 3", false),
    ]
    .into_iter()
    .enumerate()
    {
        results.push(phase(&crowd, name, args.seconds, attack, 100 * (i as u64 + 2)).await?);
    }
    let health = reqwest::get(crowd.server.url("/healthz")).await?.status();

    println!(
        "\nTải trên loopback: {officials} cán bộ (nghỉ 0–200 ms giữa hai yêu cầu) và {citizens} người dân (mỗi người một địa chỉ, nghỉ 0–2 s), {} s mỗi giai đoạn, SQLite, xã mẫu.\n",
        args.seconds
    );
    println!("| giai đoạn | yêu cầu | số | req/s | p50 ms | p95 ms | p99 ms | max ms | lỗi | RSS đỉnh (MiB) |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &results {
        let errors: usize = r.tally.errors.values().sum();
        let all: Vec<Duration> = r.tally.latencies.values().flatten().copied().collect();
        row(
            r.name,
            "tất cả",
            all,
            r.seconds,
            errors,
            &format!("{:.0}", r.rss_peak),
        );
        for (kind, lat) in &r.tally.latencies {
            row("", kind.label(), lat.clone(), r.seconds, 0, "");
        }
    }
    for r in &results {
        for (what, n) in &r.tally.errors {
            println!("\nLỗi ({}): {what} × {n}", r.name);
        }
        if let Some(attack) = &r.attack {
            println!("\nKẻ tấn công ({}), câu trả lời nhận được:\n", r.name);
            println!("| yêu cầu → mã trả lời | số lần |");
            println!("|---|---:|");
            for (what, n) in attack {
                println!("| {what} | {n} |");
            }
        }
    }
    let p95 = |attacked: bool| -> Vec<String> {
        results
            .iter()
            .filter(|r| r.attack.is_some() == attacked)
            .map(|r| {
                let mut all: Vec<Duration> =
                    r.tally.latencies.values().flatten().copied().collect();
                all.sort();
                format!("{:.1}", percentile(&all, 0.95))
            })
            .collect()
    };
    println!(
        "\np95 của người dùng (ms): không tấn công {}; có kẻ tấn công {}.",
        p95(false).join(", "),
        p95(true).join(", ")
    );
    println!("\nRSS của máy chủ lúc chờ (đã đăng nhập, chưa tải): {idle_rss:.0} MiB. /healthz sau cùng: {health}");
    Ok(())
}

//! Crash test: the real `hocvuso` binary is killed with SIGKILL (what a
//! power cut or the OOM killer does) while it writes, at varied moments,
//! and the data folder is opened again each time:
//!
//! - during `hocvuso import` of a generated spreadsheet: the import is
//!   there whole or not at all (residents, households and its audit row
//!   together), and there whole when the command said it succeeded;
//! - while a unit's reporter saves and submits quarterly reports through
//!   the web server: every report the server acknowledged (303 to the
//!   saved form) is there after the restart, with exactly what was sent,
//!   and one the client never heard back about is there whole or not at all.
//!
//! After each restart `PRAGMA integrity_check` must say `ok` and
//! `PRAGMA foreign_key_check` must find nothing. SQLite is read with
//! Python's `sqlite3` module (`python3`, on every machine of this project),
//! since this crate has no SQL client of its own.
//!
//! Rounds per scenario: `HOCVUSO_CRASH_ROUNDS` (default 3; CI's long run
//! uses 100). The kill moments are random: `HOCVUSO_CRASH_SEED` repeats a
//! run (the seed is printed).

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use hocvuso_domain::reports::{form_fields, NARRATIVE};
use hocvuso_domain::{Role, UnitType};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const RUNNING_LINE: &str = "hocvuso đang chạy: http://";
/// Printed by `import` once the file is validated, before it writes.
const VALID_LINE: &str = "dòng hợp lệ";
const PASSWORD: &str = "Ruộng bậc thang 2026";
const HAMLET: &str = "Xóm Khuôn Lặng";
/// Rows of each generated spreadsheet.
const ROWS: usize = 1000;
/// Quarters a report can be for (2000Q1 to 2100Q4): the writes of one round.
const QUARTERS: usize = 404;

fn rounds() -> usize {
    std::env::var("HOCVUSO_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

/// xorshift64*: enough to spread the kill moments, and repeatable.
struct Rng(u64);

impl Rng {
    fn new(scenario: &str) -> Rng {
        let seed = std::env::var("HOCVUSO_CRASH_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{scenario}: HOCVUSO_CRASH_SEED={seed}");
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A duration in `[0, max)`.
    fn below(&mut self, max: Duration) -> Duration {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        max.mul_f64(unit)
    }
}

const QUERY_PY: &str = r#"
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=60)
for q in sys.argv[2:]:
    print(json.dumps([list(r) for r in con.execute(q).fetchall()]))
con.close()
"#;

/// The rows each query returns, as JSON arrays.
fn query(db: &Path, queries: &[&str]) -> Vec<Vec<Vec<Value>>> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(QUERY_PY)
        .arg(db)
        .args(queries)
        .output()
        .unwrap_or_else(|e| {
            panic!("the crash test reads SQLite with python3's sqlite3 module: {e}")
        });
    assert!(
        out.status.success(),
        "python3 sqlite3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `PRAGMA integrity_check` is `ok` and no foreign key points nowhere.
fn assert_sound(db: &Path, when: &str) {
    let r = query(db, &["PRAGMA integrity_check", "PRAGMA foreign_key_check"]);
    assert_eq!(
        r[0],
        vec![vec![Value::from("ok")]],
        "integrity_check {when}"
    );
    assert!(r[1].is_empty(), "foreign_key_check {when}: {:?}", r[1]);
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap()
}

/// How a killed run ended, for the summary.
#[derive(Default, Debug)]
struct Tally {
    /// Acknowledged (exit 0, or 303): must be there.
    acknowledged: usize,
    /// Written, but the client never heard: there whole.
    unacknowledged_present: usize,
    /// Not written: absent whole.
    absent: usize,
}

// ---------------------------------------------------------------- imports

/// The spreadsheet of round `round` (CSV, as an office saves one from
/// Excel): `ROWS` new people with their own CCCD numbers, four to a household.
fn spreadsheet(dir: &Path, round: usize) -> PathBuf {
    const FAMILY: [&str; 6] = ["Nguyễn", "Hoàng", "Đặng", "Triệu", "Bàn", "Lường"];
    const GIVEN: [&str; 6] = ["An", "Ánh", "Bình", "Cúc", "Dũng", "Yến"];
    let mut csv = format!(
        "UBND XÃ DÂN TIẾN\nDANH SÁCH NHÂN KHẨU (đợt {round})\n\
         STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Xóm;Số hộ;Quan hệ với chủ hộ\n"
    );
    for i in 0..ROWS {
        let serial = round * ROWS + i;
        let female = i % 2 == 1;
        let year = 1950 + (serial % 50);
        csv += &format!(
            "{};{} {} {};{:02}/{:02}/{year};{};019{}{:02}{serial:06};{HAMLET};V{round}-{};{}\n",
            i + 1,
            FAMILY[serial % 6],
            if female { "Thị" } else { "Văn" },
            GIVEN[(serial / 6) % 6],
            1 + serial % 28,
            1 + serial % 12,
            if female { "Nữ" } else { "Nam" },
            u8::from(female),
            year % 100,
            i / 4,
            if i.is_multiple_of(4) {
                "Chủ hộ"
            } else {
                "Con"
            },
        );
    }
    let path = dir.join(format!("ds-{round}.csv"));
    std::fs::write(&path, csv).unwrap();
    path
}

/// `hocvuso import FILE`, with its output lines as they come.
fn start_import(data: &Path, file: &Path) -> (Child, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hocvuso"))
        .arg("import")
        .arg(file)
        .arg("--data-dir")
        .arg(data)
        .env_remove("HOCVUSO_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = lines(child.stdout.take().unwrap());
    (child, out)
}

/// A reader's lines on a channel, read on a thread.
fn lines(r: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Wait until a line containing `needle` comes (true), or the output ends.
fn wait_line(rx: &Receiver<String>, needle: &str) -> bool {
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(l) if l.contains(needle) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

/// Residents, households and audit rows of import `file`.
fn import_counts(db: &Path, file: &str) -> (i64, i64, i64) {
    let audit =
        format!("SELECT COUNT(*) FROM audit_log WHERE action = 'nhap' AND object_id = '{file}'");
    let r = query(
        db,
        &[
            "SELECT COUNT(*) FROM residents",
            "SELECT COUNT(*) FROM households",
            &audit,
        ],
    );
    (int(&r[0][0][0]), int(&r[1][0][0]), int(&r[2][0][0]))
}

#[test]
fn an_import_killed_at_any_moment_is_there_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = data.join("hocvuso.sqlite");
    ok(&data, &["hamlet", HAMLET]);
    let mut rng = Rng::new("import");
    let households = (ROWS / 4) as i64;

    // Round 0 runs to the end: it measures how long validating and
    // writing take, so the kills below land in both.
    let file = spreadsheet(dir.path(), 0);
    let start = Instant::now();
    let (mut child, out) = start_import(&data, &file);
    assert!(
        wait_line(&out, VALID_LINE),
        "import printed no '{VALID_LINE}'"
    );
    let validated = start.elapsed();
    assert!(child.wait().unwrap().success());
    let written = start.elapsed() - validated;
    eprintln!("import of {ROWS} rows: validated after {validated:?}, written in {written:?}");
    assert_eq!(import_counts(&db, "ds-0.csv"), (ROWS as i64, households, 1));

    let mut tally = Tally::default();
    // How long after validating the import commits: adjusted round by round
    // (the database grows) so the kills keep landing on both sides of it.
    let mut window = written;
    for round in 1..=rounds() {
        let file = spreadsheet(dir.path(), round);
        let name = format!("ds-{round}.csv");
        let (residents, homes, _) = import_counts(&db, &name);
        let (mut child, out) = start_import(&data, &file);
        // One round in three dies anywhere before the write (start-up,
        // migrations, reading, validating); the others while it writes,
        // commits or closes.
        let before_writing = round.is_multiple_of(3);
        if before_writing {
            std::thread::sleep(rng.below(validated));
        } else {
            wait_line(&out, VALID_LINE);
            std::thread::sleep(rng.below(window.mul_f64(1.5)));
        }
        let _ = child.kill(); // SIGKILL; a no-op if it has finished
        let acknowledged = child.wait().unwrap().success();

        // Restart: the program opens the crashed folder and works.
        ok(&data, &["unit", "list", "--json"]);
        assert_sound(&db, &format!("after import round {round}"));
        let now = import_counts(&db, &name);
        let whole = (residents + ROWS as i64, homes + households, 1);
        let none = (residents, homes, 0);
        assert!(
            now == whole || now == none,
            "round {round}: a partial import: (residents, households, audit rows) = {now:?}, \
             expected {none:?} or {whole:?}"
        );
        if acknowledged {
            assert_eq!(
                now, whole,
                "round {round}: an acknowledged import is missing"
            );
            tally.acknowledged += 1;
        } else if now == whole {
            tally.unacknowledged_present += 1;
        } else {
            tally.absent += 1;
        }
        if !before_writing {
            window = window.mul_f64(if now == whole { 0.9 } else { 1.15 });
        }
    }
    eprintln!("import kills: {tally:?} (last window {window:?})");
}

// ---------------------------------------------------------------- reports

/// `hocvuso serve` on the data folder, on a free port.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hocvuso"))
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .env_remove("HOCVUSO_DATABASE_URL")
            .env_remove("HOCVUSO_BIND")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let out = lines(child.stdout.take().unwrap());
        let base = loop {
            let line = out
                .recv_timeout(Duration::from_secs(120))
                .expect("the server printed its address");
            if let Some(addr) = line.split(RUNNING_LINE).nth(1) {
                break format!("http://{}", addr.trim().trim_end_matches('/'));
            }
        };
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    /// A failed assertion leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One report write: a unit's report for the quarter with index `q`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Write {
    unit: i64,
    q: usize,
}

impl Write {
    fn quarter(self) -> String {
        format!("{}Q{}", 2000 + self.q / 4, self.q % 4 + 1)
    }

    /// Even quarters are submitted, odd ones saved as drafts.
    fn submits(self) -> bool {
        self.q.is_multiple_of(2)
    }

    /// The numbers sent, each different and within the form's rules.
    fn numbers(self) -> BTreeMap<String, i64> {
        form_fields(UnitType::Hamlet)
            .iter()
            .enumerate()
            .map(|(j, f)| {
                let v = if f.key == "can_bo_da_tap_huan" {
                    (self.q % 100) as i64
                } else {
                    (100 + self.q + 1000 * j) as i64 + self.unit * 100_000
                };
                (f.key.to_string(), v)
            })
            .collect()
    }

    fn text(self) -> String {
        format!(
            "Đơn vị {} quý {}: đã hướng dẫn tận nhà.",
            self.unit,
            self.quarter()
        )
    }

    fn form(self, csrf: &str) -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.into()),
            ("quy".into(), self.quarter()),
            (
                "hanh_dong".into(),
                if self.submits() { "nop" } else { "luu" }.into(),
            ),
            (NARRATIVE[0].0.into(), self.text()),
        ];
        f.extend(self.numbers().into_iter().map(|(k, v)| (k, v.to_string())));
        f
    }

    /// The stored row is exactly this write.
    fn check(self, row: &[Value]) -> Result<(), String> {
        let state = if self.submits() { "da_nop" } else { "nhap" };
        let numbers: BTreeMap<String, i64> =
            serde_json::from_str(row[2].as_str().unwrap()).map_err(|e| e.to_string())?;
        let narrative: BTreeMap<String, String> =
            serde_json::from_str(row[3].as_str().unwrap()).map_err(|e| e.to_string())?;
        if row[1] != state
            || numbers != self.numbers()
            || narrative.get(NARRATIVE[0].0) != Some(&self.text())
        {
            return Err(format!("{self:?} stored as {row:?}"));
        }
        Ok(())
    }
}

/// What the clients sent, and what the server acknowledged.
#[derive(Default)]
struct Sent {
    acknowledged: BTreeSet<Write>,
    unanswered: BTreeSet<Write>,
}

/// Every acknowledged report is there as sent; every report there was sent
/// as it is; one never answered is there whole or absent.
fn check_reports(db: &Path, sent: &Sent, when: &str, tally: Option<&mut Tally>) {
    let rows = query(
        db,
        &["SELECT unit_id, quarter, state, numbers, narrative FROM unit_reports"],
    )
    .remove(0);
    let mut stored: BTreeMap<(i64, String), Vec<Value>> = BTreeMap::new();
    for r in rows {
        stored.insert(
            (int(&r[0]), r[1].as_str().unwrap().to_string()),
            r[1..].to_vec(),
        );
    }
    for w in &sent.acknowledged {
        let row = stored
            .remove(&(w.unit, w.quarter()))
            .unwrap_or_else(|| panic!("{when}: acknowledged {w:?} is missing"));
        w.check(&row).unwrap_or_else(|e| panic!("{when}: {e}"));
    }
    let mut present = 0;
    for w in &sent.unanswered {
        if let Some(row) = stored.remove(&(w.unit, w.quarter())) {
            w.check(&row)
                .unwrap_or_else(|e| panic!("{when}: unanswered write, partly stored: {e}"));
            present += 1;
        }
    }
    assert!(
        stored.is_empty(),
        "{when}: reports nobody sent: {:?}",
        stored.keys().collect::<Vec<_>>()
    );
    if let Some(t) = tally {
        t.acknowledged = sent.acknowledged.len();
        t.unacknowledged_present = present;
        t.absent = sent.unanswered.len() - present;
    }
}

/// The hidden `csrf` field of a page.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Log `user` in and open the unit's report form: the client and its token.
async fn log_in(server: &Server, user: &str, unit: i64) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let page = c.get(server.url("/dang-nhap")).send().await.unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    let r = c
        .post(server.url("/dang-nhap"))
        .form(&[("username", user), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login of {user}");
    let form = c
        .get(server.url(&format!("/bao-cao/don-vi/{unit}")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200, "{user}'s report form");
    let csrf = csrf_of(&form.text().await.unwrap());
    (c, csrf)
}

/// One hamlet per round, each with its unit's reporter (`bc{round}`), so
/// every write of the test has a quarter of its own.
async fn set_up_reporters(db: &Path, rounds: usize) -> Vec<i64> {
    let store = hocvuso_storage::Store::connect(&hocvuso_storage::StoreOptions::sqlite_file(db))
        .await
        .unwrap();
    let hash = hocvuso_web::auth::hash_password(PASSWORD).unwrap();
    let mut hamlets = Vec::new();
    for round in 0..rounds {
        hamlets.push(
            store
                .add_hamlet_with_units(&format!("Xóm Thử {round}"))
                .await
                .unwrap(),
        );
    }
    let units = store.units_overview().await.unwrap();
    let mut out = Vec::new();
    for (round, hamlet) in hamlets.into_iter().enumerate() {
        let unit = units
            .iter()
            .find(|o| o.unit.hamlet_id == Some(hamlet) && o.unit.unit_type == UnitType::Hamlet)
            .unwrap()
            .unit
            .id;
        store
            .create_user(&hocvuso_storage::NewUser {
                username: format!("bc{round}"),
                display_name: format!("Người báo cáo {round}"),
                password_hash: hash.clone(),
                role: Role::UnitReporter { unit_id: unit },
                must_change_password: false,
            })
            .await
            .unwrap();
        out.push(unit);
    }
    store.close().await;
    out
}

/// Wait until the server answers `/healthz` with 200.
async fn healthy(server: &Server) {
    let c = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = c.get(server.url("/healthz")).send().await {
            assert_eq!(r.status(), 200, "/healthz after a restart");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer /healthz");
}

#[test]
fn reports_acknowledged_before_a_kill_are_there_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = data.join("hocvuso.sqlite");
    ok(&data, &["hamlet", HAMLET]); // creates the folder and the schema
    let rounds = rounds();
    let mut rng = Rng::new("reports");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let units = rt.block_on(set_up_reporters(&db, rounds));
    let sent = Arc::new(Mutex::new(Sent::default()));
    let mut tally = Tally::default();

    for (round, unit) in units.iter().copied().enumerate() {
        let mut server = Server::start(&data);
        rt.block_on(async {
            healthy(&server).await;
            assert_sound(&db, &format!("after restart {round}"));
            check_reports(
                &db,
                &sent.lock().unwrap(),
                &format!("after restart {round}"),
                None,
            );
            let (client, csrf) = log_in(&server, &format!("bc{round}"), unit).await;
            // Two clients write one quarter after another until the kill.
            let next = Arc::new(AtomicUsize::new(0));
            let writers: Vec<_> = (0..2)
                .map(|_| {
                    let (client, csrf, next, sent) =
                        (client.clone(), csrf.clone(), next.clone(), sent.clone());
                    let url = server.url(&format!("/bao-cao/don-vi/{unit}"));
                    tokio::spawn(async move {
                        loop {
                            let q = next.fetch_add(1, Ordering::SeqCst);
                            if q >= QUARTERS {
                                return;
                            }
                            let w = Write { unit, q };
                            sent.lock().unwrap().unanswered.insert(w);
                            let Ok(r) = client.post(&url).form(&w.form(&csrf)).send().await else {
                                return; // killed: no answer
                            };
                            let status = r.status();
                            let to = r
                                .headers()
                                .get("location")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_string();
                            if status == 303 && to.contains("da_luu=1") {
                                let mut s = sent.lock().unwrap();
                                s.unanswered.remove(&w);
                                s.acknowledged.insert(w);
                            } else if r.text().await.is_ok() {
                                panic!("{w:?}: the live server answered {status} {to}");
                            } else {
                                return; // killed while answering
                            }
                        }
                    })
                })
                .collect();
            tokio::time::sleep(rng.below(Duration::from_millis(1500))).await;
            server.child.kill().unwrap(); // SIGKILL
            server.child.wait().unwrap();
            for w in writers {
                w.await.unwrap();
            }
        });
    }

    // The last restart.
    let mut server = Server::start(&data);
    rt.block_on(healthy(&server));
    assert_sound(&db, "after the last restart");
    check_reports(
        &db,
        &sent.lock().unwrap(),
        "after the last restart",
        Some(&mut tally),
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    eprintln!("report writes over {rounds} kills: {tally:?}");
    assert!(tally.acknowledged > 0, "no write was acknowledged at all");
}

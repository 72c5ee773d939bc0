//! `hocvuso bench pages`: the pages people open most, side by side with the
//! bare server of `../shared/bench/floor-server` (axum + sqlx + SQLite, no
//! login, no templates) under the same `wrk` load in the same run, and the
//! ratio the project aims at (≥ 25% of the bare server, p99 < 50 ms).
//!
//! hocvuso runs in this process on the demo commune, logged in as the
//! culture office, with the assistant's per-client allowance lifted
//! (`WebConfig::assistant_unlimited`) so that the API is measured rather
//! than refused. `wrk` runs as its own process for both servers. Numbers
//! are for reading; no test asserts them.

use crate::bench::serve_demo;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PagesArgs {
    pub seconds: u64,
    pub concurrency: usize,
    /// The bare server's binary; without it only hocvuso is measured.
    pub floor: Option<PathBuf>,
}

/// The bare server listens here (fixed in its source).
const FLOOR_BASE: &str = "http://127.0.0.1:8099";

/// The goal of issue 13.
const GOAL_RATIO: f64 = 0.25;
const GOAL_P99_MS: f64 = 50.0;

/// Questions the API load sends in turn (answered from the records, no LLM).
const QUESTIONS: [&str; 4] = [
    "Đăng ký khai sinh cần giấy tờ gì?",
    "lam the can cuoc o dau",
    "Thủ tục đăng ký kết hôn mất bao lâu?",
    "Cấp lại giấy khai sinh bản sao thế nào",
];

/// Kills the bare server when the measurement ends, however it ends.
struct Floor(Child);

impl Drop for Floor {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What `wrk` printed, read.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Measured {
    rps: f64,
    p99_ms: f64,
    errors: u64,
}

/// One page of the table: how to load it on each server.
struct Page {
    label: &'static str,
    floor: Load,
    hocvuso: Load,
}

struct Load {
    url: String,
    script: Option<String>,
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// A latency as `wrk` writes it: `4.53ms`, `812.00us`, `1.20s`.
fn millis(text: &str) -> Option<f64> {
    let (number, unit) = text
        .find(|c: char| c.is_ascii_alphabetic())
        .map(|i| text.split_at(i))?;
    let n: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(n / 1000.0),
        "ms" => Some(n),
        "s" => Some(n * 1000.0),
        "m" => Some(n * 60_000.0),
        _ => None,
    }
}

/// Requests per second, the 99th percentile (`--latency`) and the answers
/// that were not 2xx/3xx, from `wrk`'s report.
fn read_wrk(out: &str) -> Option<Measured> {
    let mut m = Measured::default();
    let mut seen = (false, false);
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => {
                m.rps = n.parse().ok()?;
                seen.0 = true;
            }
            ["99%", t] => {
                m.p99_ms = millis(t)?;
                seen.1 = true;
            }
            ["Non-2xx", "or", "3xx", "responses:", n] => m.errors += n.parse::<u64>().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                m.errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    (seen.0 && seen.1).then_some(m)
}

/// Load `load` for `seconds` with `wrk`. Every load is first run for
/// [`WARM_UP_SECS`], unmeasured: the assistant builds its index on the first
/// question, and caches fill, on both servers alike.
fn wrk(load: &Load, dir: &Path, name: &str, args: &PagesArgs) -> Result<Measured> {
    run_wrk(load, dir, name, args.concurrency, WARM_UP_SECS)?;
    run_wrk(load, dir, name, args.concurrency, args.seconds)
}

/// Seconds of unmeasured load before each measurement.
const WARM_UP_SECS: u64 = 2;

fn run_wrk(
    load: &Load,
    dir: &Path,
    name: &str,
    concurrency: usize,
    seconds: u64,
) -> Result<Measured> {
    let mut cmd = Command::new("wrk");
    cmd.arg("-t2")
        .arg(format!("-c{concurrency}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency");
    if let Some(script) = &load.script {
        let path = dir.join(format!("{name}.lua"));
        std::fs::write(&path, script)?;
        cmd.arg("-s").arg(path);
    }
    let out = cmd.arg(&load.url).stderr(Stdio::inherit()).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    read_wrk(&text).ok_or_else(|| anyhow!("không đọc được kết quả của wrk:\n{text}"))
}

/// A Lua string literal (`wrk` scripts).
fn lua(s: &str) -> String {
    format!("{s:?}")
}

async fn start_floor(bin: &Path, dir: &Path) -> Result<Floor> {
    let child = Command::new(bin)
        .arg(dir.join("floor.db"))
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("không chạy được máy chủ tối thiểu {}", bin.display()))?;
    let floor = Floor(child);
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{FLOOR_BASE}/r/1")).send().await {
            if r.status().is_success() {
                return Ok(floor);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bail!("máy chủ tối thiểu không trả lời ở {FLOOR_BASE} sau 60 giây (cổng 8099 đã bị chiếm?)")
}

pub async fn run(args: PagesArgs) -> Result<()> {
    if !on_path("wrk") {
        bail!("cần chương trình wrk để đo (Debian: apt-get install -y wrk)");
    }
    let dir = tempfile::tempdir()?;
    let floor = match &args.floor {
        Some(bin) => {
            eprintln!("Đang chạy máy chủ tối thiểu…");
            Some(start_floor(bin, dir.path()).await?)
        }
        None => {
            eprintln!(
                "Không có --floor: chỉ đo hocvuso (xem README, «Tốc độ so với máy chủ tối thiểu»)."
            );
            None
        }
    };

    eprintln!("Đang nạp xã mẫu và chạy hocvuso…");
    let (store, base, cookie) = serve_demo(dir.path(), true).await?;
    let residents = store.count_residents().await?;
    let hamlet = store
        .list_hamlets()
        .await?
        .first()
        .map(|h| h.id)
        .context("xã mẫu không có xóm")?;
    let cookie = lua(&cookie);
    let questions = QUESTIONS
        .iter()
        .map(|q| lua(&format!("{{\"turns\":[{q:?}]}}")))
        .collect::<Vec<_>>()
        .join(", ");

    let pages = [
        Page {
            label: "hồ sơ một người (mã ngẫu nhiên)",
            floor: Load {
                url: FLOOR_BASE.into(),
                script: Some(
                    "request = function() return wrk.format(\"GET\", \"/r/\" .. math.random(1, 20000)) end\n"
                        .into(),
                ),
            },
            hocvuso: Load {
                url: base.clone(),
                script: Some(format!(
                    "request = function() return wrk.format(\"GET\", \"/cu-dan/\" .. math.random(1, {residents}), {{[\"Cookie\"] = {cookie}}}) end\n"
                )),
            },
        },
        Page {
            label: "danh sách 50 người của một xóm",
            floor: Load {
                url: format!("{FLOOR_BASE}/list?h=3"),
                script: None,
            },
            hocvuso: Load {
                url: format!("{base}/so-dan-cu?xom={hamlet}"),
                script: Some(format!(
                    "wrk.headers[\"Cookie\"] = {cookie}\n"
                )),
            },
        },
        Page {
            label: "một lần ghi (thêm lượt thăm / POST /api/tro-ly)",
            floor: Load {
                url: FLOOR_BASE.into(),
                script: Some(
                    "request = function() return wrk.format(\"POST\", \"/visit/\" .. math.random(1, 20000)) end\n"
                        .into(),
                ),
            },
            hocvuso: Load {
                url: base.clone(),
                script: Some(format!(
                    "local bodies = {{{questions}}}\n\
                     local i = 0\n\
                     request = function()\n  i = i % #bodies + 1\n  return wrk.format(\"POST\", \"/api/tro-ly\", {{[\"Content-Type\"] = \"application/json\"}}, bodies[i])\nend\n"
                )),
            },
        },
    ];

    let mut table = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        // Each server alone on the machine while it is measured; the bare
        // server first, then hocvuso, page by page.
        let bare = match &floor {
            Some(_) => {
                eprintln!("Đo {} trên máy chủ tối thiểu…", page.label);
                Some(wrk(&page.floor, dir.path(), &format!("floor{n}"), &args)?)
            }
            None => None,
        };
        eprintln!("Đo {} trên hocvuso…", page.label);
        let ours = wrk(&page.hocvuso, dir.path(), &format!("hv{n}"), &args)?;
        table.push((page.label, bare, ours));
    }
    store.audit().flush().await;
    drop(floor);

    println!(
        "\n`wrk -t2 -c{} -d{}s --latency`, bản {}, xã mẫu {residents} người, đã đăng nhập:\n",
        args.concurrency,
        args.seconds,
        if cfg!(debug_assertions) {
            "debug (số đo không có nghĩa)"
        } else {
            "release"
        }
    );
    println!("| trang | máy chủ tối thiểu | hocvuso | tỉ lệ | đạt (≥ 25%, p99 < 50 ms) |");
    println!("|---|---|---|---|---|");
    for (label, bare, ours) in table {
        let cell = |m: &Measured| {
            let errors = if m.errors > 0 {
                format!(", {} lỗi", m.errors)
            } else {
                String::new()
            };
            format!("{:.0} req/s, p99 {:.1} ms{errors}", m.rps, m.p99_ms)
        };
        let (bare_cell, ratio, goal) = match bare {
            Some(b) if b.rps > 0.0 => {
                let r = ours.rps / b.rps;
                let met = r >= GOAL_RATIO && ours.p99_ms < GOAL_P99_MS && ours.errors == 0;
                (
                    cell(&b),
                    format!("{:.0}%", r * 100.0),
                    if met { "có" } else { "không" }.to_string(),
                )
            }
            _ => ("—".into(), "—".into(), "—".into()),
        };
        println!(
            "| {label} | {bare_cell} | {} | {ratio} | {goal} |",
            cell(&ours)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_wrk_prints() {
        let out = "Running 8s test @ http://127.0.0.1:8099\n  2 threads and 50 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     2.10ms    1.02ms  21.63ms   80.12%\n  Latency Distribution\n     50%    1.93ms\n     75%    2.51ms\n     90%    3.21ms\n     99%    5.42ms\n  190000 requests in 8.00s, 30.1MB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 4\nRequests/sec:  23750.12\nTransfer/sec:      3.76MB\n";
        let m = read_wrk(out).expect("a full report");
        assert!((m.rps - 23750.12).abs() < 1e-6);
        assert!((m.p99_ms - 5.42).abs() < 1e-9);
        assert_eq!(m.errors, 7);
        assert_eq!(millis("812.00us"), Some(0.812));
        assert_eq!(millis("1.20s"), Some(1200.0));
        // A report without the distribution (no --latency) is not read.
        assert_eq!(read_wrk("Requests/sec:  10.0\n"), None);
    }
}

//! `hocvuso bench field` (issue 14): what the field app costs on the demo
//! commune on SQLite, served by this process. The largest hamlet's list as
//! the phone downloads it (gzip, as the browser asks) and unpacked; 500
//! queued visits sent in one batch, then the same batch again (all already
//! there). Prints a table; each sync is timed over `runs` fresh batches and
//! the median shown.

use crate::bench::serve_demo;
use anyhow::{Context, Result};
use serde_json::{json, Value};
use std::time::Instant;

pub struct FieldArgs {
    pub runs: usize,
}

async fn get_bytes(c: &reqwest::Client, url: &str, cookie: &str, gzip: bool) -> Result<Vec<u8>> {
    let mut req = c.get(url).header("cookie", cookie);
    if gzip {
        req = req.header("accept-encoding", "gzip");
    }
    let r = req.send().await?;
    anyhow::ensure!(r.status().is_success(), "GET {url}: {}", r.status());
    Ok(r.bytes().await?.to_vec())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub async fn run(args: FieldArgs) -> Result<()> {
    let dir = tempfile::tempdir()?;
    eprintln!("Đang nạp xã mẫu và chạy máy chủ…");
    let (store, base, cookie) = serve_demo(dir.path(), false).await?;
    let counts = store.count_by_hamlet().await?;
    let (&hamlet, &people) = counts
        .iter()
        .max_by_key(|(_, n)| **n)
        .context("xã mẫu không có xóm")?;
    let c = reqwest::Client::builder().build()?;
    let url = format!("{base}/api/thuc-dia/xom?xom={hamlet}");
    let gz = get_bytes(&c, &url, &cookie, true).await?;
    let raw = get_bytes(&c, &url, &cookie, false).await?;
    let pack: Value = serde_json::from_slice(&raw)?;
    let households = pack["households"].as_array().cloned().unwrap_or_default();
    anyhow::ensure!(!households.is_empty(), "xóm không có hộ nào");

    let runs = args.runs.max(1);
    let (mut first, mut again) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let records: Vec<Value> = (0..500)
            .map(|i| {
                let h = &households[i % households.len()];
                let p = h["people"][0]["id"].clone();
                json!({
                    "kind": "tham",
                    "id": format!("bench-{run:02}-{i:04}"),
                    "household_id": h["id"],
                    "visited_on": "2026-05-30",
                    "people": [p],
                    "milestones": [{"resident_id": p, "milestone": "vneid"}],
                    "note": "Hướng dẫn cài VNeID và kích hoạt mức 2",
                })
            })
            .collect();
        let body = json!({ "records": records });
        for (times, want) in [(&mut first, "saved"), (&mut again, "duplicates")] {
            let t = Instant::now();
            let r = c
                .post(format!("{base}/api/thuc-dia/dong-bo"))
                .header("cookie", &cookie)
                .json(&body)
                .send()
                .await?;
            anyhow::ensure!(r.status().is_success(), "sync: {}", r.status());
            let reply: Value = r.json().await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(reply[want] == json!(500), "sync answered {reply}");
        }
    }
    let kb = |n: usize| format!("{:.1} KB", n as f64 / 1024.0);
    println!("| đo | SQLite | chi tiết |");
    println!("|---|---|---|");
    println!(
        "| danh sách xóm tải về điện thoại (gzip) | {} | {} hộ, {people} người; giải nén {}; mục tiêu < 100 KB |",
        kb(gz.len()),
        households.len(),
        kb(raw.len())
    );
    println!(
        "| gửi 500 bản ghi chờ (lần đầu) | {:.0} ms | trung vị {runs} lần; mục tiêu < 2 s |",
        median(first)
    );
    println!(
        "| gửi lại đúng lô đó (đã có cả) | {:.0} ms | trung vị {runs} lần |",
        median(again)
    );
    store.close().await;
    Ok(())
}

//! `hocvuso ask` and `hocvuso eval assistant`: the assistant from the command line.

use crate::DbArgs;
use anyhow::{anyhow, bail, Context, Result};
use hocvuso_assistant::{Assistant, State};
use serde::Deserialize;
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// The built-in knowledge, plus the records the office edited on the web
/// when this machine has the commune's database (never required: `ask`
/// works with no database and no network).
async fn assistant(db: &DbArgs) -> Result<Assistant> {
    let mut edited = Vec::new();
    let has_db = db.database_url.is_some() || db.data_dir.join("hocvuso.sqlite").exists();
    if has_db {
        let store = crate::commands::open(db).await?;
        for (code, text) in store.procedure_overrides().await? {
            match hocvuso_assistant::knowledge::parse_edited(&code, &text) {
                Ok(r) => edited.push(r),
                Err(e) => eprintln!("Bỏ qua hồ sơ sửa trên web {code}: {e}"),
            }
        }
        store.close().await;
    }
    Assistant::embedded_with(edited).map_err(|e| anyhow!("dữ liệu trợ lý ảo lỗi: {e}"))
}

#[derive(Deserialize)]
struct Conversation {
    turns: Vec<String>,
}

pub async fn ask(db: DbArgs, question: Option<String>, jsonl: bool) -> Result<()> {
    let a = assistant(&db).await?;
    if jsonl {
        let stdin = std::io::stdin();
        let mut out = std::io::stdout().lock();
        for (n, line) in stdin.lock().lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let c: Conversation = serde_json::from_str(&line).with_context(|| {
                format!("dòng {}: cần {{\"turns\": [\"câu hỏi\", ...]}}", n + 1)
            })?;
            let reply = a.converse(&c.turns);
            writeln!(out, "{}", serde_json::to_string(&reply)?)?;
        }
        return Ok(());
    }
    match question {
        Some(q) => {
            let r = a.ask(&q, &State::default());
            println!("{}", r.answer_text);
            Ok(())
        }
        None => {
            // A small conversation on the terminal.
            println!("Trợ lý ảo hành chính. Gõ câu hỏi, Enter để gửi; dòng trống để thoát.");
            let mut state = State::default();
            let stdin = std::io::stdin();
            loop {
                print!("> ");
                std::io::stdout().flush()?;
                let mut line = String::new();
                if stdin.lock().read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(());
                }
                let r = a.ask(line.trim(), &state);
                println!("{}\n", r.answer_text);
                state = r.state;
            }
        }
    }
}

pub async fn eval(db: DbArgs, what: &str, file: Option<PathBuf>, failures: bool) -> Result<()> {
    if what != "assistant" {
        bail!("Chỉ có `hocvuso eval assistant TỆP`");
    }
    let started = std::time::Instant::now();
    let a = assistant(&db).await?;
    let load = started.elapsed();
    let cases = match file {
        Some(f) => {
            let text = std::fs::read_to_string(&f)
                .with_context(|| format!("không đọc được {}", f.display()))?;
            hocvuso_assistant::eval::parse_cases(&text)
                .map_err(|e| anyhow!("{}: {e}", f.display()))?
        }
        None => {
            let mut all = Vec::new();
            for (path, text) in hocvuso_assistant::knowledge::EMBEDDED
                .iter()
                .filter(|(p, _)| p.starts_with("eval/"))
            {
                all.extend(
                    hocvuso_assistant::eval::parse_cases(text)
                        .map_err(|e| anyhow!("{path}: {e}"))?,
                );
            }
            all
        }
    };
    let report = hocvuso_assistant::eval::run(&a, &cases);
    println!("Khởi động (nạp dữ liệu, dựng chỉ mục): {:.0} ms; {} thủ tục trong danh mục, {} hồ sơ chi tiết", load.as_secs_f64() * 1e3, a.knowledge.catalogue.len(), a.knowledge.records.len());
    print!("{}", report.table());
    for (id, n) in &report.invented_numbers {
        println!("SỐ KHÔNG CÓ TRONG HỒ SƠ: câu {id}: {n}");
    }
    if failures {
        for f in &report.failures {
            println!(
                "SAI {}: {} | cần {} | được {}",
                f.id, f.question, f.expected, f.got
            );
        }
    }
    Ok(())
}

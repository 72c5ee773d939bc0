//! Tuning aid: runs question sets and prints, for each failure, how the
//! index ranked the last turn. `cargo run --release -p hocvuso-assistant
//! --example tune -- knowledge/eval/*.jsonl`

use hocvuso_assistant::{eval, Assistant};

fn main() -> Result<(), String> {
    let a = Assistant::embedded()?;
    let mut cases = Vec::new();
    for f in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{f}: {e}"))?;
        cases.extend(eval::parse_cases(&text).map_err(|e| format!("{f}: {e}"))?);
    }
    let report = eval::run(&a, &cases);
    for f in &report.failures {
        println!(
            "SAI {}: {} | cần {} | được {}",
            f.id, f.question, f.expected, f.got
        );
        if let Some(last) = f.question.rsplit(" ⏎ ").next() {
            for l in a.debug_hits(last).lines() {
                println!("    {l}");
            }
        }
    }
    println!("{}", report.table());
    Ok(())
}

//! Ask the assistant from the command line: each argument is one turn.
//! `cargo run --release -p hocvuso-assistant --example ask -- "khai sinh" "phí bao nhiêu"`

use hocvuso_assistant::Assistant;

fn main() -> Result<(), String> {
    let a = Assistant::embedded()?;
    let turns: Vec<String> = std::env::args().skip(1).collect();
    let r = a.converse(&turns);
    println!(
        "{:?} {:?} fields {:?}",
        r.behavior,
        r.procedures.iter().map(|h| &h.code).collect::<Vec<_>>(),
        r.fields
    );
    println!("{}", r.answer_text);
    Ok(())
}

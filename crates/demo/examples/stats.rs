//! Print the distributions of the synthetic commune, then time the
//! province-scale generator: `cargo run --release -p hocvuso-demo --example stats`.

use hocvuso_demo::{generate, generate_households_batched, DemoOptions};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let opts = DemoOptions::default();
    let c = generate(&opts);
    let n = c.resident_count();
    println!(
        "{} hamlets, {} households, {n} residents",
        c.hamlets.len(),
        c.households.len()
    );

    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for hh in &c.households {
        *sizes.entry(hh.members.len()).or_default() += 1;
    }
    println!("household sizes: {sizes:?}");

    let mut bands: BTreeMap<i32, usize> = BTreeMap::new();
    let mut relations: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ethnic: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, r) in c.residents() {
        let age = r.birth.map(|b| b.age_on(opts.today)).unwrap_or(-1);
        *bands.entry(age / 10 * 10).or_default() += 1;
        *relations.entry(r.relation.as_str()).or_default() += 1;
        *ethnic.entry(r.ethnicity.as_str()).or_default() += 1;
    }
    let pct = |k: usize| format!("{:.1}%", 100.0 * k as f64 / n as f64);
    println!(
        "age bands: {:?}",
        bands.iter().map(|(b, k)| (b, pct(*k))).collect::<Vec<_>>()
    );
    println!("relations: {relations:?}");
    println!(
        "ethnicity (residents): {:?}",
        ethnic.iter().map(|(e, k)| (e, pct(*k))).collect::<Vec<_>>()
    );
    for u in c.units.iter().take(16) {
        println!("{} — {}", u.name, u.head_count_note);
    }
    let mut shown: Vec<&str> = Vec::new();
    let samples = c.households.iter().filter(|hh| {
        let e = hh.members[0].ethnicity.as_str();
        let new = hh.members.len() >= 4 && !shown.contains(&e);
        if new {
            shown.push(e);
        }
        new
    });
    for hh in samples {
        println!("{} {}", hh.code, hh.address);
        for m in &hh.members {
            println!(
                "  {} | {} | {} | {} | {:?} | {:?} | {:?}",
                m.full_name,
                m.relation,
                m.birth.map(|b| b.display()).unwrap_or_default(),
                m.ethnicity,
                m.phone.as_ref().map(|p| p.as_str()),
                m.citizen_id.as_ref().map(|p| p.as_str()),
                m.manual_groups
            );
        }
    }

    let start = Instant::now();
    let mut batches = 0usize;
    let total = generate_households_batched(1, 2_000, 2_000_000, 10_000, opts.today, |_| {
        batches += 1;
        Ok::<(), ()>(())
    })
    .unwrap_or(0);
    println!(
        "province: {total} residents in {batches} batches, {:.2?}",
        start.elapsed()
    );
}

//! Answers in plain Vietnamese, built only from the record: the fields that
//! were asked first, then the official name, code and link, and who to ask.
//! A field the record does not have is said to be unknown, never guessed.

use crate::knowledge::{date, CatalogueEntry, ProcedureRecord, Source, SourceKind};

fn unknown(what: &str) -> String {
    format!("{what}: chưa có trong dữ liệu của hệ thống (không tự đoán). Hãy hỏi Bộ phận Một cửa của xã.")
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| format!("\n  - {s}")).collect()
}

fn section(r: &ProcedureRecord, field: &str, province: &str) -> String {
    match field {
        "documents" => {
            if r.documents.is_empty() {
                return unknown("Giấy tờ cần nộp");
            }
            let docs: Vec<String> = r
                .documents
                .iter()
                .map(|d| {
                    let mut s = d.name.clone();
                    if !d.copies.is_empty() {
                        s.push_str(&format!(" ({})", d.copies));
                    }
                    if !d.note.is_empty() {
                        s.push_str(&format!(": {}", d.note));
                    }
                    s
                })
                .collect();
            format!("Giấy tờ cần nộp:{}", list(&docs))
        }
        "fees" => {
            let fees: Vec<String> = r
                .fees
                .iter()
                .filter(|f| {
                    f.province.is_empty() || vntext::fold(&f.province) == vntext::fold(province)
                })
                .map(|f| {
                    let mut s = format!("{}: {}", f.name, f.amount);
                    if !f.province.is_empty() {
                        s.push_str(&format!(" (mức của tỉnh {})", f.province));
                    }
                    if !f.basis.is_empty() {
                        s.push_str(&format!(" — theo {}", f.basis));
                    }
                    s
                })
                .collect();
            if fees.is_empty() {
                if r.fees.is_empty() {
                    unknown("Phí, lệ phí")
                } else {
                    format!("Phí, lệ phí: do Hội đồng nhân dân tỉnh quy định; hệ thống chưa có mức của tỉnh {province} (không tự đoán). Hãy hỏi Bộ phận Một cửa của xã.")
                }
            } else {
                format!("Phí, lệ phí:{}", list(&fees))
            }
        }
        "processing_time" if r.processing_time.is_empty() => unknown("Thời hạn giải quyết"),
        "processing_time" => format!("Thời hạn giải quyết: {}", r.processing_time),
        "place" if r.place.is_empty() => format!("Nơi giải quyết: {}", r.agency),
        "place" => format!("Nơi nộp hồ sơ: {}", r.place),
        "online" if r.online.is_empty() => unknown("Nộp trực tuyến"),
        "online" => format!("Nộp trực tuyến: {}", r.online),
        "steps" if r.steps.is_empty() => unknown("Các bước thực hiện"),
        "steps" => format!("Các bước:{}", list(&r.steps)),
        "conditions" if r.conditions.is_empty() => {
            "Điều kiện: văn bản không nêu điều kiện riêng.".to_string()
        }
        "conditions" => format!("Điều kiện:{}", list(&r.conditions)),
        "agency" => format!("Cơ quan giải quyết: {}", r.agency),
        "legal_basis" => format!("Căn cứ pháp lý:{}", list(&r.legal_basis)),
        "result" if r.result.is_empty() => unknown("Kết quả"),
        "result" => format!("Kết quả nhận được: {}", r.result),
        _ => String::new(),
    }
}

/// When nothing particular is asked: where, what to bring, fees, how long, online.
const OVERVIEW: [&str; 5] = ["place", "documents", "fees", "processing_time", "online"];

pub fn compose(
    r: &ProcedureRecord,
    entry: Option<&CatalogueEntry>,
    fields: &[&str],
    province: &str,
    contact: &str,
) -> String {
    let asked: Vec<&str> = if fields.is_empty() {
        OVERVIEW.to_vec()
    } else {
        fields.to_vec()
    };
    let mut out = format!("{} (mã {})", r.name, r.code);
    for &f in &asked {
        let s = section(r, f, province);
        if !s.is_empty() {
            out.push_str("\n\n");
            out.push_str(&s);
            if let Some(why) = r.unverified(f) {
                out.push_str(&format!("\n  (Chưa đối chiếu được với văn bản gốc: {why})"));
            }
        }
    }
    if !fields.contains(&"legal_basis") {
        if let Some(first) = r.legal_basis.first() {
            out.push_str(&format!("\n\nCăn cứ: {first}"));
            if r.legal_basis.len() > 1 {
                // No count here: every number in an answer comes from the record.
                out.push_str(" và các văn bản khác (hỏi \"căn cứ pháp lý\" để xem đủ)");
            }
            out.push('.');
        }
    }
    if let Some(e) = entry.filter(|e| !e.url.is_empty()) {
        out.push_str(&format!("\nXem trên Cổng Dịch vụ công quốc gia: {}", e.url));
    }
    out.push_str(&provenance(r, &asked));
    out.push_str(&format!("\nCần hỗ trợ: {contact}."));
    out
}

/// How many sources an answer names.
const SOURCES_SHOWN: usize = 2;

/// "Theo <nguồn> (<loại>), kiểm tra ngày …" for the sources behind the fields
/// shown, official ones first, then the most recently read: each with the day
/// it was read, never one date stamped on the whole record.
fn provenance(r: &ProcedureRecord, fields: &[&str]) -> String {
    let mut used: Vec<&Source> = Vec::new();
    for f in fields.iter().copied().chain(["legal_basis"]) {
        for s in r.sources_for(f) {
            if !used.iter().any(|u| std::ptr::eq(*u, s)) {
                used.push(s);
            }
        }
    }
    // Those that name a field shown first, then the primary text or the
    // official portal, then the most recently read.
    used.sort_by_key(|s| {
        (
            !s.covers.iter().any(|c| fields.contains(&c.as_str())),
            s.kind() != SourceKind::Official,
            std::cmp::Reverse(s.read_date()),
        )
    });
    let mut out = String::new();
    for s in used.into_iter().take(SOURCES_SHOWN) {
        let mut line = format!("\nTheo {} ({}", s.title, s.kind().label());
        if let Some(d) = date(&s.issued) {
            line.push_str(&format!(", ngày {}", d.format("%d/%m/%Y")));
        }
        line.push(')');
        match s.read_date() {
            Some(d) => line.push_str(&format!(", kiểm tra ngày {}.", d.format("%d/%m/%Y"))),
            None => line.push_str(", chưa đọc được bản gốc."),
        }
        out.push_str(&line);
    }
    out
}

/// A procedure known only from the national catalogue: name, code, link.
pub fn compose_catalogue(
    code: &str,
    name: &str,
    entry: Option<&CatalogueEntry>,
    contact: &str,
) -> String {
    let mut out = format!("{name} (mã {code})");
    if let Some(e) = entry {
        if !e.field.is_empty() {
            out.push_str(&format!("\nLĩnh vực: {}", e.field));
        }
        out.push_str(&format!("\nTên và mã theo {}.", e.snapshot.label()));
        if !e.performed_by.is_empty() {
            let body = e.performed_by.split(';').next().unwrap_or("").trim();
            out.push_str(&format!(
                "\nCơ quan thực hiện (theo danh mục quốc gia 04/2025): {body}"
            ));
        }
    }
    out.push_str("\nHệ thống chưa có hồ sơ chi tiết của thủ tục này (giấy tờ, lệ phí, thời hạn), nên không tự trả lời những điều đó.");
    match entry.filter(|e| !e.url.is_empty()) {
        Some(e) => out.push_str(&format!(
            "\nXem đầy đủ trên Cổng Dịch vụ công quốc gia: {}",
            e.url
        )),
        None => out.push_str(&format!(
            "\nTra cứu theo mã {code} trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)."
        )),
    }
    out.push_str(&format!("\nCần hỗ trợ: {contact}."));
    out
}

/// Numbers in `answer` that do not occur in `source` (should be none).
pub fn numbers_not_in(answer: &str, source: &str) -> Vec<String> {
    let digits_only = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let src_numbers: Vec<String> = number_runs(source)
        .into_iter()
        .map(|n| digits_only(&n))
        .collect();
    number_runs(answer)
        .into_iter()
        .filter(|n| !src_numbers.contains(&digits_only(n)))
        .collect()
}

/// Runs of digits, with the separators numbers are written with (2.000, 1,5, 1.001193).
pub fn number_runs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let sep_inside = (c == '.' || c == ',')
            && !cur.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || sep_inside {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_against_the_source() {
        assert_eq!(
            number_runs("2.000 đồng/trang, 15 giờ, mã 1.001193."),
            vec!["2.000", "15", "1.001193"]
        );
        assert!(numbers_not_in("Lệ phí 2.000 đồng", "phí 2.000 đồng/trang").is_empty());
        assert_eq!(
            numbers_not_in("Lệ phí 3.000 đồng", "phí 2.000 đồng/trang"),
            vec!["3.000"]
        );
    }
}

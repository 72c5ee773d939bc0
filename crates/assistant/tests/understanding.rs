//! The assistant on the questions the issue names, and on the development
//! set's accuracy goals. (Latency is measured by `hocvuso eval`, not here.)

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_assistant::{Assistant, Behavior, State};
use std::sync::OnceLock;

fn a() -> &'static Assistant {
    static A: OnceLock<Assistant> = OnceLock::new();
    A.get_or_init(|| Assistant::embedded().unwrap())
}

fn ask(turns: &[&str]) -> hocvuso_assistant::Reply {
    a().converse(turns)
}

#[test]
fn birth_registration_however_it_is_typed() {
    for q in [
        "lam giay khai sinh o dau",
        "làm giấy khai sinh ở đâu",
        "con em mới đẻ đăng ký giấy tờ gì",
        "ddang kys khai sinhf cho con",
        "dang ky khia sinh cho con",
        "l\u{00e0}m gi\u{1ea5}y khai sinh",           // NFC
        "la\u{0300}m gia\u{0302}\u{0301}y khai sinh", // NFD
    ] {
        let r = ask(&[q]);
        assert_eq!(r.behavior, Behavior::Answer, "{q}: {}", r.answer_text);
        assert_eq!(r.procedures[0].code, "1.001193", "{q}");
        assert!(r.answer_text.contains("1.001193"));
    }
    let r = ask(&["lam giay khai sinh o dau"]);
    assert_eq!(r.fields, vec!["place"]);
    assert!(r.answer_text.contains("Nơi nộp hồ sơ"), "{}", r.answer_text);
    let r = ask(&["con em mới đẻ đăng ký giấy tờ gì"]);
    assert_eq!(r.fields, vec!["documents"]);
    assert!(r.answer_text.contains("Giấy tờ cần nộp"));
}

#[test]
fn variants_are_told_apart_by_their_words() {
    assert_eq!(
        ask(&["đăng ký lại khai sinh vì mất sổ gốc"]).procedures[0].code,
        "1.004884"
    );
    assert_eq!(
        ask(&["khai sinh cho con có yếu tố nước ngoài"]).procedures[0].code,
        "2.000528"
    );
    assert_eq!(
        ask(&["khai sinh"]).procedures[0].code,
        "1.001193",
        "the base procedure when nothing else is said"
    );
}

#[test]
fn obsolete_and_everyday_words() {
    let r = ask(&["làm sổ hộ khẩu ở mô"]);
    assert_eq!(r.behavior, Behavior::Answer);
    assert!(
        r.procedures[0].name.to_lowercase().contains("thường trú"),
        "{:?}",
        r.procedures
    );
    assert_eq!(r.fields, vec!["place"]);
    let r = ask(&["lấy vợ cần giấy tờ gì"]);
    assert_eq!(r.procedures[0].code, "1.000894");
    let r = ask(&["bố em mới mất, báo tử ở đâu"]);
    assert_eq!(r.procedures[0].code, "1.000656");
}

#[test]
fn what_only_the_province_or_the_centre_does_is_declined_with_who_does_it() {
    // The catalogue says a tax office performs it: not answered as if the
    // commune did it, but declined, naming the body, the procedure and where
    // to look it up.
    let r = ask(&["quyết toán thuế thu nhập cá nhân"]);
    assert_eq!(r.behavior, Behavior::OutOfScope, "{}", r.answer_text);
    assert!(r.answer_text.contains("không do Ủy ban nhân dân xã"));
    assert!(r.answer_text.contains("Cục Thuế"), "{}", r.answer_text);
    assert_eq!(r.procedures.len(), 1);
    assert!(r.answer_text.contains(&r.procedures[0].code));
    assert!(r.answer_text.contains("dichvucong.gov.vn"));
    let source = a().source_text(&r.procedures[0].code);
    let invented = hocvuso_assistant::answer::numbers_not_in(&r.answer_text, &source);
    assert!(invented.is_empty(), "{invented:?}");
    // A procedure done at the commune is still answered.
    let r = ask(&["đăng ký thành lập hộ kinh doanh"]);
    assert_eq!(r.behavior, Behavior::Answer, "{}", r.answer_text);
}

#[test]
fn a_bare_family_name_is_asked_back_and_a_story_is_not_refused() {
    // Every word is in both records' names, and neither is named by them
    // alone: asked back, and the next turn picks.
    let r = ask(&["chuyển mục đích sử dụng đất"]);
    assert_eq!(r.behavior, Behavior::Clarify, "{}", r.answer_text);
    let codes: Vec<&str> = r.procedures.iter().map(|h| h.code.as_str()).collect();
    assert!(
        codes.contains(&"1.012775") && codes.contains(&"1.012815"),
        "{codes:?}"
    );
    let r2 = a().ask("số 2", &r.state);
    assert_eq!(r2.procedures[0].code, codes[1]);
    // Named by its own words, it is answered.
    assert_eq!(ask(&["đăng ký khai sinh"]).behavior, Behavior::Answer);
    // When even the best says more than the request, the family is what
    // holds most of it: the allowances for martyrs' families.
    let r = ask(&["chế độ liệt sĩ"]);
    assert_eq!(r.behavior, Behavior::Clarify, "{}", r.answer_text);
    let martyrs = r.procedures.iter().filter(|h| h.name.contains("liệt sĩ"));
    assert!(martyrs.count() >= 2, "{:?}", r.procedures);
    assert!(r.procedures[0].name.contains("liệt sĩ"));
    // A story that says little of the name but several of its word pairs:
    // answered from the record rather than refused.
    let r =
        ask(&["cháu nhà em bị câm điếc bẩm sinh, đến giờ chưa có giấy gì chứng nhận cháu bị tật"]);
    assert_eq!(r.behavior, Behavior::Answer, "{}", r.answer_text);
    assert_eq!(r.procedures[0].code, "1.001699");
}

#[test]
fn a_family_named_bare_is_asked_back_not_refused() {
    // Too weak to name one procedure, but every word of the request is in
    // several that we hold records of: a family named bare, asked back.
    for q in ["đăng ký cư trú", "dang ky lai"] {
        let r = ask(&[q]);
        assert_eq!(r.behavior, Behavior::Clarify, "{q}: {}", r.answer_text);
        assert!(r.procedures.len() >= 2, "{q}");
        for h in &r.procedures {
            assert!(
                a().record(&h.code).is_some(),
                "{q}: {} has no record",
                h.code
            );
        }
        // The next turn picks from the list, and the conversation goes on.
        let second = r.procedures[1].code.clone();
        let r2 = a().ask("cái thứ hai, lệ phí bao nhiêu", &r.state);
        assert_eq!(r2.behavior, Behavior::Answer, "{q}");
        assert_eq!(r2.procedures[0].code, second);
        assert_eq!(r2.fields, vec!["fees"]);
    }
    // Words found in no procedure are still refused.
    assert_eq!(ask(&["giá vàng hôm nay"]).behavior, Behavior::OutOfScope);
}

#[test]
fn vague_questions_are_asked_back_and_the_reply_understood() {
    let r = ask(&["chứng thực"]);
    assert_eq!(r.behavior, Behavior::Clarify, "{}", r.answer_text);
    assert!(r.procedures.len() >= 2);
    assert!(r.answer_text.contains("1. ") && r.answer_text.contains("2. "));
    let second = r.procedures[1].code.clone();
    let third = r.procedures.get(2).map(|h| h.code.clone());
    let r2 = a().ask("cái thứ hai", &r.state);
    assert_eq!(
        (r2.behavior, r2.procedures[0].code.clone()),
        (Behavior::Answer, second)
    );
    if let Some(third) = third {
        let r3 = a().ask("số 3, phí bao nhiêu", &r.state);
        assert_eq!(r3.procedures[0].code, third);
        assert_eq!(r3.fields, vec!["fees"]);
    }
}

#[test]
fn follow_ups_keep_the_procedure() {
    let r = ask(&["đăng ký kết hôn", "còn phí?"]);
    assert_eq!(
        (r.behavior, r.procedures[0].code.as_str()),
        (Behavior::Answer, "1.000894")
    );
    assert_eq!(r.fields, vec!["fees"]);
    let r = ask(&["đăng ký kết hôn", "thế nộp ở đâu"]);
    assert_eq!(r.procedures[0].code, "1.000894");
    assert_eq!(r.fields, vec!["place"]);
    let r = ask(&["phí bao nhiêu"]);
    assert_eq!(
        r.behavior,
        Behavior::Clarify,
        "a field with no procedure: ask which"
    );
}

#[test]
fn out_of_scope_says_where_to_go() {
    for (q, place) in [
        ("ly hôn thì làm sao", "Tòa án"),
        ("đổi bằng lái xe", "giấy phép lái xe"),
        ("xin việc làm ở đâu", "Dịch vụ việc làm"),
    ] {
        let r = ask(&[q]);
        assert_eq!(r.behavior, Behavior::OutOfScope, "{q}");
        assert!(r.answer_text.contains(place), "{q}: {}", r.answer_text);
    }
}

#[test]
fn unknown_facts_are_said_to_be_unknown_never_guessed() {
    // Every answer's numbers come from the record; an empty field is named as unknown.
    for code in a().knowledge.records.iter().map(|r| r.code.clone()) {
        let r = a().answer(&code, &hocvuso_assistant::text::FIELDS);
        let invented =
            hocvuso_assistant::answer::numbers_not_in(&r.answer_text, &a().source_text(&code));
        assert!(invented.is_empty(), "{code}: {invented:?}");
        let rec = a().record(&code).unwrap();
        if rec.processing_time.is_empty() {
            assert!(
                r.answer_text
                    .contains("Thời hạn giải quyết: chưa có trong dữ liệu"),
                "{code}"
            );
        }
    }
    let _ = State::default();
}

#[test]
fn development_set_meets_the_goals() {
    let cases = development_cases(|p| !p.ends_with(SITUATIONS));
    assert!(
        cases.len() >= 300,
        "at least 300 development questions ({})",
        cases.len()
    );
    let without: usize = cases
        .iter()
        .filter(|c| c.turns.iter().all(|t| t.is_ascii()))
        .count();
    assert!(
        without * 2 >= cases.len(),
        "half without diacritics ({without}/{})",
        cases.len()
    );
    let r = hocvuso_assistant::eval::run(a(), &cases);
    let top1 = r.top1 as f64 / r.answer_cases as f64;
    let top3 = r.top3 as f64 / r.answer_cases as f64;
    assert!(top1 >= 0.90, "top-1 {top1:.3}\n{}", r.table());
    assert!(top3 >= 0.97, "top-3 {top3:.3}\n{}", r.table());
    assert!(r.invented_numbers.is_empty(), "{:?}", r.invented_numbers);
}

/// The development set written for the categories of issue 17 (stories,
/// bare requests, matters of other offices, catalogue-only procedures): the
/// engine is tuned on it but does not meet the goals yet, so it is kept from
/// falling back below what it scores today.
const SITUATIONS: &str = "dev-tinh-huong.jsonl";

fn development_cases(keep: impl Fn(&str) -> bool) -> Vec<hocvuso_assistant::eval::Case> {
    let mut cases = Vec::new();
    for (path, text) in hocvuso_assistant::knowledge::EMBEDDED
        .iter()
        .filter(|(p, _)| p.starts_with("eval/") && keep(p))
    {
        cases.extend(
            hocvuso_assistant::eval::parse_cases(text).unwrap_or_else(|e| panic!("{path}: {e}")),
        );
    }
    cases
}

#[test]
fn situations_set_does_not_fall_back() {
    let cases = development_cases(|p| p.ends_with(SITUATIONS));
    assert!(cases.len() >= 150, "{}", cases.len());
    let r = hocvuso_assistant::eval::run(a(), &cases);
    let share = |a: usize, b: usize| a as f64 / b as f64;
    let t = r.table();
    assert!(share(r.top1, r.answer_cases) >= 0.37, "top-1\n{t}");
    assert!(share(r.top3, r.answer_cases) >= 0.67, "top-3\n{t}");
    assert!(share(r.clarify_ok, r.clarify_cases) >= 0.48, "clarify\n{t}");
    assert!(share(r.oos_ok, r.oos_cases) >= 0.88, "refusal\n{t}");
    assert!(r.invented_numbers.is_empty(), "{:?}", r.invented_numbers);
}

#[test]
fn answers_are_the_same_every_time() {
    for q in ["chứng thực", "ho kinh doanh", "giay khai sinh", "so do"] {
        let first = ask(&[q]);
        for _ in 0..20 {
            let again = ask(&[q]);
            assert_eq!(
                again.procedures.iter().map(|h| &h.code).collect::<Vec<_>>(),
                first.procedures.iter().map(|h| &h.code).collect::<Vec<_>>(),
                "{q}"
            );
        }
    }
}

#[test]
fn stories_topics_and_what_is_asked() {
    // A procedure named beside an out-of-scope matter is answered.
    let r = ask(&["em sắp đi xuất khẩu lao động 2 năm thì có cần khai báo tạm vắng không"]);
    assert_eq!(
        (r.behavior, r.procedures[0].code.as_str()),
        (Behavior::Answer, "1.003677"),
        "{}",
        r.answer_text
    );
    assert!(
        r.fields.contains(&"conditions".to_string()),
        "{:?}",
        r.fields
    );
    // "điều kiện" is not "kiện" (to sue).
    let r = ask(&["điều kiện đăng ký hộ kinh doanh là gì"]);
    assert_eq!(r.behavior, Behavior::Answer, "{}", r.answer_text);
    assert_eq!(r.procedures[0].code, "1.001612");
    // Chat abbreviations.
    assert_eq!(ask(&["dang ky hkd o dau"]).procedures[0].code, "1.001612");
    // Topics that are not commune procedures, and chance matches.
    for q in [
        "nộp phạt nguội ở đâu",
        "thời tiết tuần này thế nào",
        "thành lập công ty tnhh cần những gì",
        "bị trộm xe đạp thì báo ai",
    ] {
        let r = ask(&[q]);
        assert_eq!(r.behavior, Behavior::OutOfScope, "{q}: {:?}", r.procedures);
    }
    // A variant whose own word is said; an age that picks the procedure.
    assert_eq!(
        ask(&["xoá tạm trú cho người thuê nhà"]).procedures[0].code,
        "1.010028"
    );
    assert_eq!(
        ask(&["làm căn cước cho bé 8 tuổi"]).procedures[0].code,
        "1.012557"
    );
    assert_eq!(
        ask(&["căn cước", "cho con 9 tuổi"]).procedures[0].code,
        "1.012557"
    );
    // A bare topic with sibling procedures is asked back.
    assert_eq!(ask(&["lam can cuoc"]).behavior, Behavior::Clarify);
    // ... as is one that a procedure undoing it shares ("chấm dứt giám hộ"),
    // while a variant that only adds ("đăng ký lại khai sinh") is not a choice.
    assert_eq!(ask(&["giam ho"]).behavior, Behavior::Clarify);
    assert_eq!(ask(&["khai tử"]).behavior, Behavior::Answer);
    // A yes/no question asks the conditions.
    let r = ask(&["nhà nghèo có người mất, xã có hỗ trợ tiền mai táng không"]);
    assert!(
        r.fields.contains(&"conditions".to_string()),
        "{:?}",
        r.fields
    );
}

#[test]
fn variants_said_and_the_matter_kept() {
    // A foreign spouse says "có yếu tố nước ngoài" without those words.
    let r = ask(&["tôi lấy chồng người Nhật, đăng kí kết hôn ở đâu"]);
    assert_eq!(
        (r.behavior, r.procedures[0].code.as_str()),
        (Behavior::Answer, "2.000806"),
        "{}",
        r.answer_text
    );
    // A next turn that fits several loans stays with the one discussed.
    let r = ask(&[
        "hộ nghèo muốn vay vốn ngân hàng chính sách để chăn nuôi thì làm thế nào",
        "ai xét duyệt cho vay",
    ]);
    assert_eq!(r.behavior, Behavior::Answer, "{}", r.answer_text);
    assert_eq!(r.fields, vec!["agency"]);
    // A wish is answered with what to bring and the steps.
    let r = ask(&["tôi muốn chấm dứt hộ kinh doanh"]);
    assert_eq!(r.procedures[0].code, "1.001266");
    assert!(r.fields.contains(&"steps".to_string()), "{:?}", r.fields);
}

#[test]
fn old_people_without_a_pension_reach_the_social_pension() {
    // Since 1/7/2025 (Decree 176/2025/NĐ-CP) people of 75 and more without a
    // pension get trợ cấp hưu trí xã hội (1.014027), not the social allowance.
    for q in [
        "bà tôi 80 tuổi không có lương hưu thì được nhận tiền gì",
        "nguoi 80 tuoi khong co luong huu lam tro cap o dau",
        "trợ cấp hưu trí xã hội cần giấy tờ gì",
    ] {
        let r = ask(&[q]);
        assert_eq!(r.behavior, Behavior::Answer, "{q}: {}", r.answer_text);
        assert_eq!(r.procedures[0].code, "1.014027", "{q}");
    }
    // What the record could not verify is said, with the reason, not guessed.
    let r = ask(&["trợ cấp hưu trí xã hội bao lâu thì có kết quả"]);
    assert_eq!(r.procedures[0].code, "1.014027");
    assert!(
        r.answer_text.contains("chưa có trong dữ liệu")
            && r.answer_text
                .contains("Chưa đối chiếu được với văn bản gốc"),
        "{}",
        r.answer_text
    );
    // And the answer names its sources with the day each was read.
    assert!(
        r.answer_text.contains("kiểm tra ngày 08/12/2026"),
        "{}",
        r.answer_text
    );
}

//! Snapshots of whole answers, as `hocvuso ask` and `hocvuso eval
//! assistant` get them from [`Assistant::converse`] on the built-in
//! knowledge: questions typed without and with diacritics, a follow-up, one
//! out of scope and one that is asked back. A change of wording (in the
//! composer, the vocabulary or a procedure record) shows as a diff to
//! review; accept it with `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test`.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_assistant::{Assistant, Behavior};
use std::sync::OnceLock;

fn a() -> &'static Assistant {
    static A: OnceLock<Assistant> = OnceLock::new();
    A.get_or_init(|| Assistant::embedded().unwrap())
}

/// The conversation, what the assistant made of it, and its answer.
fn answer(turns: &[&str]) -> String {
    let r = a().converse(turns);
    let mut out = String::new();
    for t in turns {
        out.push_str(&format!("Hỏi: {t}\n"));
    }
    // The procedure answered, or every one offered when asked back (the
    // runners-up of an answer are ranking, not wording: left out).
    let shown = match r.behavior {
        Behavior::Clarify => r.procedures.len(),
        _ => r.procedures.len().min(1),
    };
    let codes: Vec<&str> = r.procedures[..shown]
        .iter()
        .map(|h| h.code.as_str())
        .collect();
    out.push_str(&format!(
        "Cách trả lời: {:?}; thủ tục: [{}]; mục: [{}]\n---\n",
        r.behavior,
        codes.join(", "),
        r.fields.join(", ")
    ));
    out.push_str(&r.answer_text);
    out
}

#[test]
fn a_question_without_diacritics() {
    insta::assert_snapshot!(
        "khai_sinh_o_dau_khong_dau",
        answer(&["lam giay khai sinh o dau"])
    );
}

#[test]
fn a_question_with_diacritics() {
    insta::assert_snapshot!(
        "tro_cap_nguoi_cao_tuoi_giay_to",
        answer(&["bà tôi 80 tuổi muốn nhận tiền trợ cấp hàng tháng cần giấy tờ gì"])
    );
}

#[test]
fn a_follow_up_in_a_conversation() {
    insta::assert_snapshot!(
        "khai_sinh_roi_hoi_phi",
        answer(&["làm giấy khai sinh cho con", "còn phí?"])
    );
}

#[test]
fn typos_and_no_field_give_the_overview() {
    insta::assert_snapshot!(
        "khai_sinh_go_sai_tong_quat",
        answer(&["ddang kys khai sinhf cho con"])
    );
}

#[test]
fn a_question_out_of_scope() {
    insta::assert_snapshot!("ly_hon_ngoai_pham_vi", answer(&["ly hon thi lam the nao"]));
}

#[test]
fn a_vague_question_is_asked_back() {
    insta::assert_snapshot!("chung_thuc_hoi_lai", answer(&["chứng thực"]));
}

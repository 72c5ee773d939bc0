//! The administrative assistant on the web: the plain form, the JSON API
//! with a conversation, a local LLM that may rephrase but not invent
//! numbers (a fake server here), and the office editing a procedure record.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use reqwest::StatusCode;

mod common;
use common::*;

async fn the_assistant_answers_in_a_plain_form_and_logs_without_numbers() {
    let app = spawn_app().await;
    let c = client();
    let page = c
        .get(app.url("/tro-ly"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/tro-ly"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("q", "lam giay khai sinh o dau, sdt 0912 345 678"),
            ("lich_su", "[]"),
            ("ma", "[]"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("đăng ký khai sinh") && html.contains("1.001193"),
        "{html}"
    );
    // The next turn carries the conversation: a follow-up about the same procedure.
    let history = html
        .split("name=\"lich_su\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&quot;", "\"")
        .replace("&#34;", "\"");
    let ids = html
        .split("name=\"ma\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = c
        .post(app.url("/tro-ly"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("q", "còn phí?"),
            ("lich_su", history.as_str()),
            ("ma", ids.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.matches("1.001193").count() >= 2,
        "follow-up answers about khai sinh: {html}"
    );
    let review = app.store.questions_needing_review(100).await.unwrap();
    assert!(review.is_empty(), "answered questions need no review");
    // The stored question has the phone number removed.
    let (c2, _) = app.login("vhxh").await;
    let id: i64 = ids.trim_matches(|c| c == '[' || c == ']').parse().unwrap();
    assert!(app.store.rate_question(id, -1).await.unwrap());
    let (status, html) = app.get(&c2, "/tro-ly/cau-hoi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("[số đã ẩn]") && !html.contains("0912"),
        "{html}"
    );
    // Without the chat token the form is refused.
    let r = client()
        .post(app.url("/tro-ly"))
        .form(&[("csrf", "x"), ("q", "khai sinh")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (hc, _) = app.login("truongxom").await;
    assert_eq!(
        app.get(&hc, "/tro-ly/cau-hoi").await.0,
        StatusCode::FORBIDDEN
    );
}

async fn the_assistant_json_api_understands_a_conversation() {
    let app = spawn_app().await;
    let c = client();
    let r = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["ly hôn thì làm thế nào"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["behavior"], "out_of_scope");
    assert!(v["answer_text"].as_str().unwrap().contains("Tòa án"));
    let v: serde_json::Value = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["chứng thực"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["behavior"], "clarify");
    let second = v["procedures"][1]["code"].as_str().unwrap().to_string();
    let v: serde_json::Value = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["chứng thực", "cái thứ hai", "phí bao nhiêu"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["behavior"], "answer");
    assert_eq!(v["procedures"][0]["code"], second.as_str());
    assert_eq!(v["fields"][0], "fees");
    let r = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

/// A stand-in for an OpenAI-compatible LLM server: answers every chat
/// completion with `content`, and counts the calls.
async fn fake_llm(content: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::routing::post;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c2 = calls.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let content = content.clone();
            let calls = c2.clone();
            async move {
                calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                assert!(body["messages"][1]["content"].as_str().unwrap_or("").contains("1.001193"), "the grounded answer is sent");
                axum::Json(serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

async fn a_local_llm_rephrases_but_cannot_invent_numbers() {
    for (content, used) in [
        (
            "Bạn đến Bộ phận Một cửa của xã để đăng ký khai sinh nhé (mã 1.001193).",
            true,
        ),
        (
            "Đăng ký khai sinh (mã 1.001193) mất 7 ngày và tốn 50.000 đồng.",
            false,
        ),
    ] {
        let (url, calls) = fake_llm(content.to_string()).await;
        let cfg = hocvuso_web::llm::LlmConfig {
            base_url: url,
            model: "test".into(),
            timeout: std::time::Duration::from_secs(5),
        };
        let app = spawn_app_with(Some(cfg)).await;
        let v: serde_json::Value = client()
            .post(app.url("/api/tro-ly"))
            .json(&serde_json::json!({"turns": ["lam giay khai sinh o dau"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            calls.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "the endpoint was called"
        );
        let text = v["answer_text"].as_str().unwrap();
        if used {
            assert_eq!(text, content);
        } else {
            assert!(
                !text.contains("50.000") && text.starts_with("Thủ tục đăng ký khai sinh"),
                "template kept: {text}"
            );
        }
    }
}

async fn the_office_edits_a_procedure_record_from_the_web() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let (status, list) = app.get(&c, "/tro-ly/thu-tuc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("1.000894"), "records are listed");
    let (_, page) = app.get(&c, "/tro-ly/thu-tuc/1.000894").await;
    let start = page.find("<textarea name=\"text\"").unwrap();
    let body_start = page[start..].find('>').unwrap() + start + 1;
    let end = page[body_start..].find("</textarea>").unwrap() + body_start;
    let text = page[body_start..end]
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'");
    assert!(text.contains("code = \"1.000894\""), "{text}");
    // A broken edit is refused with the line and nothing changes.
    let broken = text.replacen("name =", "name = = ", 1);
    let r = c
        .post(app.url("/tro-ly/thu-tuc/1.000894"))
        .form(&[("csrf", csrf.as_str()), ("text", broken.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text().await.unwrap().contains("dòng"),
        "the error names the line"
    );
    // A good edit is used by the assistant at once.
    let marker = "Theo bản sửa của xã: trả kết quả trong ngày";
    let edited = match text.find("processing_time = ") {
        Some(i) => {
            let line_end = text[i..].find('\n').map(|e| e + i).unwrap_or(text.len());
            format!(
                "{}processing_time = \"{marker}\"{}",
                &text[..i],
                &text[line_end..]
            )
        }
        None => text.replacen(
            "[[procedure]]\n",
            &format!("[[procedure]]\nprocessing_time = \"{marker}\"\n"),
            1,
        ),
    };
    let r = c
        .post(app.url("/tro-ly/thu-tuc/1.000894"))
        .form(&[("csrf", csrf.as_str()), ("text", edited.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = client()
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["đăng ký kết hôn mất bao lâu"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["answer_text"].as_str().unwrap().contains(marker), "{v}");
    // The review page lists what to re-check: none is an error in the shipped
    // records; an edit citing a replaced decree is one, with a link to fix it.
    assert!(list.contains("<strong>0</strong> lỗi"), "{list}");
    let stale = edited.replacen(
        "legal_basis = [",
        "legal_basis = [\"Nghị định số 59/2022/NĐ-CP về định danh điện tử\", ",
        1,
    );
    assert_ne!(stale, edited);
    let r = c
        .post(app.url("/tro-ly/thu-tuc/1.000894"))
        .form(&[("csrf", csrf.as_str()), ("text", stale.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, list) = app.get(&c, "/tro-ly/thu-tuc").await;
    assert!(list.contains("<strong>1</strong> lỗi"), "{list}");
    assert!(
        list.contains("href=\"/tro-ly/thu-tuc/1.000894\"") && list.contains("69/2024/NĐ-CP"),
        "the error names the replacing decree and links the record"
    );
    let (hc, _) = app.login("truongxom").await;
    assert_eq!(
        app.get(&hc, "/tro-ly/thu-tuc/1.000894").await.0,
        StatusCode::FORBIDDEN
    );
}

on_both_engines!(
    the_assistant_answers_in_a_plain_form_and_logs_without_numbers,
    the_assistant_json_api_understands_a_conversation,
    a_local_llm_rephrases_but_cannot_invent_numbers,
    the_office_edits_a_procedure_record_from_the_web,
);

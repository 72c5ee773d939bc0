//! Optional: a local LLM behind an OpenAI-compatible endpoint (llama.cpp
//! server, Ollama, vLLM) rephrases the grounded answer in friendlier words.
//! Its output is checked: it must not contain any number that is not in the
//! grounded answer, and must keep the procedure code. Otherwise, or when no
//! endpoint is configured or it fails, the template answer is used.

use hocvuso_assistant::{Behavior, Reply};
use serde_json::json;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// Base URL up to `/v1`, e.g. `http://127.0.0.1:8081/v1`.
    pub base_url: String,
    pub model: String,
    pub timeout: Duration,
}

const SYSTEM: &str = "Bạn là trợ lý ảo hành chính của Ủy ban nhân dân xã. Viết lại câu trả lời được cung cấp bằng tiếng Việt giản dị, ngắn gọn, lịch sự, cho người dân dùng điện thoại. \
Chỉ dùng thông tin trong câu trả lời được cung cấp; không thêm giấy tờ, lệ phí, thời hạn hay con số nào khác; giữ nguyên mọi con số, mã thủ tục và đường link.";

/// Whether a rephrased text may replace the grounded one.
pub fn acceptable(rephrased: &str, grounded: &str, code: &str) -> bool {
    let t = rephrased.trim();
    !t.is_empty()
        && t.chars().count() <= grounded.chars().count() * 2 + 200
        && t.contains(code)
        && hocvuso_assistant::answer::numbers_not_in(t, grounded).is_empty()
}

/// Rephrase an answer through the endpoint; the reply is unchanged on any failure.
pub async fn rephrase(cfg: &LlmConfig, question: &str, mut reply: Reply) -> Reply {
    if reply.behavior != Behavior::Answer {
        return reply;
    }
    let Some(code) = reply.procedures.first().map(|h| h.code.clone()) else {
        return reply;
    };
    let body = json!({
        "model": cfg.model,
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": format!("Câu hỏi của người dân: {question}\n\nCâu trả lời (đúng, từ hồ sơ thủ tục):\n{}", reply.answer_text)},
        ],
    });
    let url = format!("{}/chat/completions", cfg.base_url.trim_end_matches('/'));
    let client = match reqwest::Client::builder().timeout(cfg.timeout).build() {
        Ok(c) => c,
        Err(_) => return reply,
    };
    let text = async {
        let v: serde_json::Value = client
            .post(&url)
            .json(&body)
            .send()
            .await
            .ok()?
            .error_for_status()
            .ok()?
            .json()
            .await
            .ok()?;
        v["choices"][0]["message"]["content"]
            .as_str()
            .map(str::to_string)
    }
    .await;
    match text {
        Some(t) if acceptable(&t, &reply.answer_text, &code) => {
            reply.answer_text = t.trim().to_string();
            reply
        }
        Some(_) => {
            tracing::warn!(
                code,
                "LLM rephrasing rejected (numbers or code changed); template answer used"
            );
            reply
        }
        None => reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_numbers_are_rejected() {
        let grounded = "Thủ tục đăng ký khai sinh (mã 1.001193)\nThời hạn: ngay trong ngày; sau 15 giờ thì ngày làm việc tiếp theo.";
        assert!(acceptable(
            "Đăng ký khai sinh (mã 1.001193) xong ngay trong ngày, nộp sau 15 giờ thì hôm sau.",
            grounded,
            "1.001193"
        ));
        assert!(!acceptable(
            "Đăng ký khai sinh (mã 1.001193) mất 3 ngày.",
            grounded,
            "1.001193"
        ));
        assert!(!acceptable(
            "Đăng ký khai sinh xong ngay.",
            grounded,
            "1.001193"
        ));
        assert!(!acceptable("   ", grounded, "1.001193"));
    }
}

//! Email out, through the SMTP server the commune configures (`serve
//! --smtp-url`, `--smtp-from`); without one nothing is emailed and the
//! pages say so. Used for the units' report reminders (issue 15). `lettre`
//! speaks SMTP (STARTTLS or TLS through rustls); the URL's form is
//! lettre's: `smtps://user:pass@mail.example.vn` (TLS),
//! `smtp://user:pass@mail.example.vn:587?tls=required` (STARTTLS), or
//! `smtp://127.0.0.1:25` (plain, for a relay on the same machine).

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Where mail goes out.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub url: String,
    /// The sender, e.g. "UBND xã Dân Tiến <vhxh.dantien@thainguyen.gov.vn>".
    pub from: String,
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold a password.
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// A mailer for `config`, or what is wrong with it, in Vietnamese.
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(config.url.trim())
            .map_err(|e| {
                format!("Địa chỉ máy chủ thư (--smtp-url) không dùng được: {e}. Ví dụ: smtps://tên:mật-khẩu@mail.thainguyen.gov.vn")
            })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from: Mailbox = config.from.trim().parse().map_err(|_| {
            format!(
                "Người gửi (--smtp-from) «{}» không phải địa chỉ email; ví dụ: \"UBND xã Dân Tiến <vhxh.dantien@thainguyen.gov.vn>\"",
                config.from.trim()
            )
        })?;
        Ok(Mailer { transport, from })
    }

    /// Send a plain-text email; the error says why it did not go.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| format!("địa chỉ «{to}» không hợp lệ"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("không soạn được thư: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("máy chủ thư không nhận: {e}"))
    }
}

//! Documents that hocvuso writes for people to keep or print.
//!
//! PDFs are drawn with `krilla` (font subsetting, so a certificate with its
//! embedded DejaVu Serif weighs tens of kilobytes, not megabytes) and text is
//! measured with `ttf-parser` to centre and wrap lines. The fonts are in the
//! repository (`fonts/`, DejaVu licence), so Vietnamese diacritics come out
//! right on any machine.

mod certificate;
mod pdf;

pub use certificate::{certificate_pdf, CertificateData};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("không tạo được tệp PDF: {0}")]
    Pdf(String),
    #[error("không tạo được mã QR: {0}")]
    Qr(String),
}

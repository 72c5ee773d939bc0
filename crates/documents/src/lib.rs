//! Documents that hocvuso writes for people to keep or print.
//!
//! PDFs are drawn with `krilla` (font subsetting, so a certificate with its
//! embedded DejaVu Serif weighs tens of kilobytes, not megabytes) and text is
//! measured with `ttf-parser` to centre and wrap lines. The fonts are in the
//! repository (`fonts/`, DejaVu licence), so Vietnamese diacritics come out
//! right on any machine.
//!
//! The commune's quarterly report ([`CommuneReport`]) comes out both as a
//! DOCX to edit, number and sign ([`report_docx`], Office Open XML written
//! in `docx.rs`) and as a PDF drawn the same way as the certificate
//! ([`report_pdf`]), both in the layout of Nghị định 30/2020/NĐ-CP.

mod certificate;
mod docx;
mod field_sheets;
mod pdf;
mod personal_data;
mod poster;
mod report;

pub use certificate::{certificate_pdf, CertificateData};
pub use field_sheets::{learner_cards_pdf, name_list_pdf, LearnerCard, NameList};
pub use personal_data::{personal_data_pdf, DataSection, PersonalDataDocument};
pub use poster::{poster_pdf, Poster};
pub use report::{
    heading as section_heading, report_docx, report_pdf, CommuneReport, ReportSection, ReportTable,
};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("không tạo được tệp PDF: {0}")]
    Pdf(String),
    #[error("không tạo được mã QR: {0}")]
    Qr(String),
    #[error("không tạo được tệp DOCX: {0}")]
    Docx(String),
    #[error("báo cáo không hợp lệ: {0}")]
    Report(String),
}

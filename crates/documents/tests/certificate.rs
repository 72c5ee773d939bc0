//! The course certificate PDF.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use chrono::NaiveDate;
use hocvuso_documents::{certificate_pdf, CertificateData};

#[test]
fn certificate_is_a_small_pdf_with_the_text_and_font_embedded() {
    let pdf = certificate_pdf(&CertificateData {
        holder_name: "Hoàng Thị Ngọc Diễm",
        course_title: "An toàn trên không gian mạng và phòng chống lừa đảo",
        issuer: "Ủy ban nhân dân xã Dân Tiến",
        place: "Dân Tiến",
        issued_on: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        code: "K7QM-3XPA-9TZD-W2RB",
        verify_url: "http://127.0.0.1:8080/xac-thuc/K7QM-3XPA-9TZD-W2RB",
    })
    .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Subset fonts: a certificate stays small enough for a 3G phone.
    assert!(pdf.len() < 120_000, "{} bytes", pdf.len());
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("/FontFile2") || text.contains("/FontFile3"),
        "font embedded"
    );
    // With poppler's pdftotext (CI installs it), the text comes back with
    // every diacritic: the embedded font maps its glyphs back to Unicode.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("c.pdf");
    std::fs::write(&file, &pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8(out.stdout).unwrap();
            for want in [
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "GIẤY CHỨNG NHẬN",
                "Hoàng Thị Ngọc Diễm",
                "An toàn trên không gian mạng và phòng chống lừa đảo",
                "ngày 25 tháng 11 năm 2026",
                "K7QM-3XPA-9TZD-W2RB",
            ] {
                assert!(text.contains(want), "{want:?} not in:\n{text}");
            }
        }
        Err(_) => eprintln!("pdftotext not installed: certificate text not checked"),
    }
    if let Some(dir) = std::env::var_os("HOCVUSO_WRITE_SAMPLES") {
        std::fs::write(std::path::Path::new(&dir).join("chung-chi.pdf"), &pdf).unwrap();
    }
}

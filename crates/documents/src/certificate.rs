//! The course certificate: A4 landscape, national title and motto, the
//! holder and the course, the date, and a QR code to the public verify page.

use crate::pdf::{self, Fonts};
use crate::DocumentError;
use chrono::{Datelike, NaiveDate};
use krilla::page::PageSettings;
use krilla::Document;
use qrcode::QrCode;

/// What a certificate shows.
#[derive(Debug, Clone)]
pub struct CertificateData<'a> {
    pub holder_name: &'a str,
    pub course_title: &'a str,
    /// The issuing body, e.g. "Ủy ban nhân dân xã Dân Tiến".
    pub issuer: &'a str,
    /// The place written before the date, e.g. "Dân Tiến".
    pub place: &'a str,
    pub issued_on: NaiveDate,
    /// The public certificate code (also in the URL).
    pub code: &'a str,
    /// The verify page, encoded in the QR code.
    pub verify_url: &'a str,
}

const W: f32 = 841.89;
const H: f32 = 595.28;
const INK: (u8, u8, u8) = (20, 20, 20);
const RED: (u8, u8, u8) = (176, 28, 28);
const BLUE: (u8, u8, u8) = (18, 61, 120);

/// Draw the certificate; returns the PDF bytes.
pub fn certificate_pdf(d: &CertificateData<'_>) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::load()?;
    let qr = QrCode::new(d.verify_url.as_bytes()).map_err(|e| DocumentError::Qr(e.to_string()))?;
    let mut document = Document::new();
    let settings = PageSettings::from_wh(W, H)
        .ok_or_else(|| DocumentError::Pdf("khổ giấy không hợp lệ".into()))?;
    let mut page = document.start_page_with(settings);
    let mut s = page.surface();
    let cx = W / 2.0;

    // Frame: a thick outer and a thin inner border.
    s.set_fill(None);
    s.set_stroke(Some(pdf::stroke(BLUE, 3.0)));
    pdf::rect(&mut s, 22.0, 22.0, W - 44.0, H - 44.0);
    s.set_stroke(Some(pdf::stroke(BLUE, 0.8)));
    pdf::rect(&mut s, 30.0, 30.0, W - 60.0, H - 60.0);
    s.set_stroke(None);

    // National title and motto, underlined as in administrative documents.
    s.set_fill(Some(pdf::fill(INK)));
    pdf::centred(
        &mut s,
        &fonts.bold,
        13.0,
        cx,
        66.0,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    );
    let motto_w = pdf::centred(
        &mut s,
        &fonts.bold,
        13.0,
        cx,
        84.0,
        "Độc lập - Tự do - Hạnh phúc",
    );
    s.set_fill(None);
    s.set_stroke(Some(pdf::stroke(INK, 0.7)));
    pdf::line(&mut s, cx - motto_w / 2.0, 89.0, cx + motto_w / 2.0, 89.0);
    s.set_stroke(None);

    s.set_fill(Some(pdf::fill(INK)));
    pdf::centred(
        &mut s,
        &fonts.regular,
        13.0,
        cx,
        116.0,
        &d.issuer.to_uppercase(),
    );

    s.set_fill(Some(pdf::fill(RED)));
    pdf::centred(&mut s, &fonts.bold, 34.0, cx, 168.0, "GIẤY CHỨNG NHẬN");
    s.set_fill(Some(pdf::fill(BLUE)));
    pdf::centred(
        &mut s,
        &fonts.italic,
        15.0,
        cx,
        194.0,
        "Hoàn thành khóa học kỹ năng số – Phong trào «Bình dân học vụ số»",
    );

    s.set_fill(Some(pdf::fill(INK)));
    pdf::centred(&mut s, &fonts.regular, 15.0, cx, 236.0, "Chứng nhận Ông/Bà");
    s.set_fill(Some(pdf::fill(BLUE)));
    let name_size = fit(&fonts.bold, d.holder_name, 28.0, W - 200.0);
    pdf::centred(&mut s, &fonts.bold, name_size, cx, 274.0, d.holder_name);

    s.set_fill(Some(pdf::fill(INK)));
    pdf::centred(
        &mut s,
        &fonts.regular,
        15.0,
        cx,
        310.0,
        "đã học và đạt bài kiểm tra của khóa học",
    );
    let mut y = 342.0;
    for line in fonts
        .bold
        .wrap(d.course_title, 20.0, W - 220.0)
        .iter()
        .take(2)
    {
        pdf::centred(&mut s, &fonts.bold, 20.0, cx, y, line);
        y += 26.0;
    }

    // Place and date, right; QR code and how to check, left.
    let date = format!(
        "{}, ngày {:02} tháng {:02} năm {}",
        d.place,
        d.issued_on.day(),
        d.issued_on.month(),
        d.issued_on.year()
    );
    pdf::centred(&mut s, &fonts.italic, 14.0, W - 230.0, 430.0, &date);
    pdf::centred(
        &mut s,
        &fonts.bold,
        14.0,
        W - 230.0,
        452.0,
        &d.issuer.to_uppercase(),
    );
    pdf::centred(
        &mut s,
        &fonts.italic,
        11.0,
        W - 230.0,
        470.0,
        "(cấp tự động từ hệ thống hocvuso)",
    );

    let size = 104.0;
    let (qx, qy) = (70.0, 408.0);
    pdf::qr_code(&mut s, &qr, qx, qy, size);
    s.set_fill(Some(pdf::fill(INK)));
    let tx = qx + size + 14.0;
    pdf::text_at(
        &mut s,
        &fonts.regular,
        11.0,
        tx,
        qy + 30.0,
        "Mã chứng nhận:",
    );
    pdf::text_at(&mut s, &fonts.bold, 13.0, tx, qy + 48.0, d.code);
    pdf::text_at(
        &mut s,
        &fonts.regular,
        10.0,
        tx,
        qy + 68.0,
        "Quét mã QR hoặc mở địa chỉ:",
    );
    for (i, part) in split_url(d.verify_url, 42).iter().enumerate() {
        pdf::text_at(
            &mut s,
            &fonts.regular,
            10.0,
            tx,
            qy + 82.0 + i as f32 * 12.0,
            part,
        );
    }

    s.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

/// The largest size, down from `size`, at which `text` fits in `max` points.
fn fit(face: &crate::pdf::Face, text: &str, size: f32, max: f32) -> f32 {
    let w = face.width(text, size);
    if w <= max {
        size
    } else {
        (size * max / w).max(12.0)
    }
}

fn split_url(url: &str, n: usize) -> Vec<String> {
    url.chars()
        .collect::<Vec<_>>()
        .chunks(n)
        .map(|c| c.iter().collect())
        .collect()
}

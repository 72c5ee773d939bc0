//! A campaign's A4 poster (issue 15, task III.1): the title large, the
//! message, who it is for and when, and a QR code to the campaign's public
//! page with the short link written under it for those who type.

use crate::pdf::{self, Fonts};
use crate::DocumentError;
use krilla::page::PageSettings;
use krilla::Document;
use qrcode::QrCode;

const W: f32 = 595.28;
const H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const INK: (u8, u8, u8) = (20, 20, 20);
const ACCENT: (u8, u8, u8) = (11, 83, 148);

/// What a poster says.
#[derive(Debug, Clone)]
pub struct Poster {
    /// "ỦY BAN NHÂN DÂN XÃ DÂN TIẾN".
    pub issuer: String,
    pub title: String,
    pub message: String,
    /// "Bà con xóm Na Long, xóm Khe Vàng" or "Bà con toàn xã".
    pub whom: String,
    /// "Từ 01/09/2026 đến 07/09/2026".
    pub when: String,
    /// The address the QR code holds (the public page's short link).
    pub link: String,
}

/// One A4 page.
pub fn poster_pdf(p: &Poster) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::load()?;
    let mut document = Document::new();
    let settings = PageSettings::from_wh(W, H)
        .ok_or_else(|| DocumentError::Pdf("khổ giấy không hợp lệ".into()))?;
    let mut page = document.start_page_with(settings);
    let mut s = page.surface();
    let width = W - 2.0 * MARGIN;
    s.set_fill(Some(pdf::fill(ACCENT)));
    pdf::rect(&mut s, 0.0, 0.0, W, 14.0);
    s.set_fill(Some(pdf::fill(INK)));
    let mut y = MARGIN + 20.0;
    pdf::centred(&mut s, &fonts.bold, 13.0, W / 2.0, y, &p.issuer);
    y += 18.0;
    pdf::centred(
        &mut s,
        &fonts.regular,
        11.0,
        W / 2.0,
        y,
        "Phong trào «Bình dân học vụ số»",
    );
    y += 44.0;
    s.set_fill(Some(pdf::fill(ACCENT)));
    for line in fonts
        .bold
        .wrap(&p.title.to_uppercase(), 26.0, width)
        .into_iter()
        .take(4)
    {
        pdf::centred(&mut s, &fonts.bold, 26.0, W / 2.0, y, &line);
        y += 32.0;
    }
    s.set_fill(Some(pdf::fill(INK)));
    y += 10.0;
    for paragraph in p.message.lines().filter(|l| !l.trim().is_empty()) {
        for line in fonts.regular.wrap(paragraph.trim(), 15.0, width) {
            if y > H - 300.0 {
                break;
            }
            pdf::text_at(&mut s, &fonts.regular, 15.0, MARGIN, y, &line);
            y += 20.0;
        }
        y += 6.0;
    }
    y += 8.0;
    for (label, text) in [("Dành cho: ", &p.whom), ("Thời gian: ", &p.when)] {
        for line in fonts
            .regular
            .wrap(&format!("{label}{text}"), 14.0, width)
            .into_iter()
            .take(2)
        {
            pdf::text_at(&mut s, &fonts.bold, 14.0, MARGIN, y, &line);
            y += 19.0;
        }
    }
    // The QR code, centred near the foot, the link under it.
    let qr = QrCode::new(p.link.as_bytes()).map_err(|e| DocumentError::Qr(e.to_string()))?;
    let size = 170.0;
    let qy = H - MARGIN - size - 60.0;
    pdf::qr_code(&mut s, &qr, (W - size) / 2.0, qy, size);
    s.set_fill(Some(pdf::fill(INK)));
    pdf::centred(
        &mut s,
        &fonts.regular,
        12.0,
        W / 2.0,
        qy + size + 22.0,
        "Quét mã bằng camera điện thoại để xem chi tiết, hoặc gõ:",
    );
    pdf::centred(
        &mut s,
        &fonts.bold,
        13.0,
        W / 2.0,
        qy + size + 40.0,
        &p.link,
    );
    s.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

//! Paper for the field (issue 14): lists of names on A4 (the attendance
//! sheet of a class, whose ticks are entered later; the "no one left
//! behind" list of a hamlet) and learner cards, eight to a page, each with
//! a QR code the field app can scan to tick a presence.

use crate::pdf::{self, Fonts};
use crate::DocumentError;
use krilla::page::PageSettings;
use krilla::Document;
use qrcode::QrCode;

const W: f32 = 595.28;
const H: f32 = 841.89;
const MARGIN: f32 = 40.0;
const INK: (u8, u8, u8) = (20, 20, 20);
const GREY: (u8, u8, u8) = (110, 110, 110);
const ROW: f32 = 20.0;

/// A list of names to print: a title, lines under it, the column heads
/// with their widths (points; the last column takes what is left), rows.
#[derive(Debug, Clone)]
pub struct NameList {
    pub title: String,
    pub lines: Vec<String>,
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
    /// Draw an empty box in the last column (a tick to make by hand).
    pub tick_box: bool,
    /// A line at the foot of each page (who printed it, when).
    pub footer: String,
}

/// A4 portrait pages with the list, the heads repeated on each page.
pub fn name_list_pdf(list: &NameList) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::load()?;
    let mut document = Document::new();
    let settings = PageSettings::from_wh(W, H)
        .ok_or_else(|| DocumentError::Pdf("khổ giấy không hợp lệ".into()))?;
    let width = W - 2.0 * MARGIN;
    let fixed: f32 = list.columns.iter().rev().skip(1).map(|c| c.1).sum();
    let widths: Vec<f32> = list
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i + 1 == list.columns.len() {
                (width - fixed).max(30.0)
            } else {
                c.1
            }
        })
        .collect();
    let mut rows = list.rows.iter().enumerate().peekable();
    let mut page_no = 0;
    loop {
        page_no += 1;
        let mut page = document.start_page_with(settings.clone());
        let mut s = page.surface();
        s.set_fill(Some(pdf::fill(INK)));
        let mut y = MARGIN + 14.0;
        if page_no == 1 {
            for line in fonts.bold.wrap(&list.title, 14.0, width) {
                pdf::centred(&mut s, &fonts.bold, 14.0, W / 2.0, y, &line);
                y += 18.0;
            }
            for l in &list.lines {
                for line in fonts.regular.wrap(l, 10.5, width) {
                    pdf::centred(&mut s, &fonts.regular, 10.5, W / 2.0, y, &line);
                    y += 14.0;
                }
            }
            y += 8.0;
        }
        // Column heads.
        s.set_fill(None);
        s.set_stroke(Some(pdf::stroke(INK, 0.6)));
        pdf::rect(&mut s, MARGIN, y, width, ROW);
        s.set_stroke(None);
        s.set_fill(Some(pdf::fill(INK)));
        let mut x = MARGIN;
        for ((head, _), w) in list.columns.iter().zip(&widths) {
            let line = fonts
                .bold
                .wrap(head, 9.5, w - 6.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            pdf::text_at(&mut s, &fonts.bold, 9.5, x + 3.0, y + 14.0, &line);
            x += w;
        }
        y += ROW;
        while y + ROW <= H - MARGIN - 16.0 {
            let Some((i, row)) = rows.next() else { break };
            s.set_fill(None);
            s.set_stroke(Some(pdf::stroke(GREY, 0.4)));
            pdf::line(&mut s, MARGIN, y + ROW, MARGIN + width, y + ROW);
            if list.tick_box {
                let bx = MARGIN + width - widths.last().copied().unwrap_or(30.0) / 2.0 - 6.0;
                pdf::rect(&mut s, bx, y + 4.0, 12.0, 12.0);
            }
            s.set_stroke(None);
            s.set_fill(Some(pdf::fill(INK)));
            let mut x = MARGIN;
            for (k, w) in widths.iter().enumerate() {
                let cell = if k == 0 && row.is_empty() {
                    (i + 1).to_string()
                } else {
                    row.get(k).cloned().unwrap_or_default()
                };
                let line = fonts
                    .regular
                    .wrap(&cell, 10.0, w - 6.0)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                pdf::text_at(&mut s, &fonts.regular, 10.0, x + 3.0, y + 14.0, &line);
                x += w;
            }
            y += ROW;
        }
        s.set_fill(Some(pdf::fill(GREY)));
        let foot = format!("{} · Trang {page_no}", list.footer);
        pdf::centred(&mut s, &fonts.italic, 8.5, W / 2.0, H - MARGIN + 8.0, &foot);
        s.finish();
        page.finish();
        if rows.peek().is_none() {
            break;
        }
    }
    document
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

/// One learner card.
#[derive(Debug, Clone)]
pub struct LearnerCard {
    pub name: String,
    pub hamlet: String,
    pub birth_year: Option<i32>,
    /// Printed under the QR code and encoded in it ("HV-<số>"): what the
    /// field app reads to tick a presence.
    pub code: String,
}

const CARD_W: f32 = 242.0; // 85.4 mm
const CARD_H: f32 = 153.0; // 54 mm
const COLS: usize = 2;
const ROWS: usize = 5;

/// Learner cards, ten to an A4 page (credit-card size), to cut out.
pub fn learner_cards_pdf(cards: &[LearnerCard], commune: &str) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::load()?;
    let mut document = Document::new();
    let settings = PageSettings::from_wh(W, H)
        .ok_or_else(|| DocumentError::Pdf("khổ giấy không hợp lệ".into()))?;
    let gap_x = (W - COLS as f32 * CARD_W) / (COLS as f32 + 1.0);
    let gap_y = (H - ROWS as f32 * CARD_H) / (ROWS as f32 + 1.0);
    for chunk in cards.chunks(COLS * ROWS) {
        let mut page = document.start_page_with(settings.clone());
        let mut s = page.surface();
        for (k, card) in chunk.iter().enumerate() {
            let (col, row) = (k % COLS, k / COLS);
            let x = gap_x + col as f32 * (CARD_W + gap_x);
            let y = gap_y + row as f32 * (CARD_H + gap_y);
            s.set_fill(None);
            s.set_stroke(Some(pdf::stroke(GREY, 0.6)));
            pdf::rect(&mut s, x, y, CARD_W, CARD_H);
            s.set_stroke(None);
            s.set_fill(Some(pdf::fill(INK)));
            pdf::text_at(
                &mut s,
                &fonts.bold,
                8.5,
                x + 10.0,
                y + 16.0,
                "THẺ HỌC VIÊN · BÌNH DÂN HỌC VỤ SỐ",
            );
            let place = fonts
                .regular
                .wrap(commune, 8.0, CARD_W - 20.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            pdf::text_at(&mut s, &fonts.regular, 8.0, x + 10.0, y + 28.0, &place);
            let text_w = CARD_W - 100.0;
            let mut ty = y + 56.0;
            for line in fonts
                .bold
                .wrap(&card.name, 12.0, text_w)
                .into_iter()
                .take(2)
            {
                pdf::text_at(&mut s, &fonts.bold, 12.0, x + 10.0, ty, &line);
                ty += 15.0;
            }
            if let Some(year) = card.birth_year {
                pdf::text_at(
                    &mut s,
                    &fonts.regular,
                    9.5,
                    x + 10.0,
                    ty + 2.0,
                    &format!("Năm sinh: {year}"),
                );
                ty += 14.0;
            }
            let hamlet = fonts
                .regular
                .wrap(&card.hamlet, 9.5, text_w)
                .into_iter()
                .next()
                .unwrap_or_default();
            pdf::text_at(&mut s, &fonts.regular, 9.5, x + 10.0, ty + 2.0, &hamlet);
            // The QR code, right, with its text under it.
            let qr =
                QrCode::new(card.code.as_bytes()).map_err(|e| DocumentError::Qr(e.to_string()))?;
            let size = 76.0;
            let (qx, qy) = (x + CARD_W - size - 10.0, y + 40.0);
            pdf::qr_code(&mut s, &qr, qx, qy, size);
            s.set_fill(Some(pdf::fill(INK)));
            pdf::centred(
                &mut s,
                &fonts.bold,
                9.0,
                qx + size / 2.0,
                qy + size + 12.0,
                &card.code,
            );
        }
        s.finish();
        page.finish();
    }
    if cards.is_empty() {
        let page = document.start_page_with(settings);
        page.finish();
    }
    document
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_runs_over_pages_and_cards_fill_pages_of_ten() {
        let list = NameList {
            title: "PHIẾU ĐIỂM DANH".into(),
            lines: vec!["Bình dân học AI · 14:00 03/06/2026 · Nhà văn hóa xóm Nà Mòn".into()],
            columns: vec![
                ("STT".into(), 30.0),
                ("Họ và tên".into(), 200.0),
                ("Có mặt".into(), 0.0),
            ],
            rows: (0..90)
                .map(|i| vec![String::new(), format!("Hoàng Thị Lan {i}")])
                .collect(),
            tick_box: true,
            footer: "In từ hocvuso".into(),
        };
        let bytes = name_list_pdf(&list).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        // Pages and text are read back with poppler in web/tests/field.rs.
        let cards: Vec<LearnerCard> = (0..11)
            .map(|i| LearnerCard {
                name: format!("Nông Văn Khởi {i}"),
                hamlet: "Xóm Nà Mòn".into(),
                birth_year: Some(1961),
                code: format!("HV-{i}"),
            })
            .collect();
        let pdf = learner_cards_pdf(&cards, "Xã Dân Tiến").unwrap();
        assert!(pdf.starts_with(b"%PDF") && pdf.len() > 1000);
    }
}

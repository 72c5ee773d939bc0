//! Small drawing helpers over krilla: fonts with metrics, centred and
//! wrapped text, rectangles. Coordinates are PDF points from the top-left.

use crate::DocumentError;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

static SERIF: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
static SERIF_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");
static SERIF_ITALIC: &[u8] = include_bytes!("../fonts/DejaVuSerif-Italic.ttf");
static SERIF_BOLD_ITALIC: &[u8] = include_bytes!("../fonts/DejaVuSerif-BoldItalic.ttf");

/// A font for drawing (krilla) with its metrics (ttf-parser) for measuring.
pub(crate) struct Face {
    font: Font,
    face: ttf_parser::Face<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Result<Face, DocumentError> {
        let font = Font::new(bytes.to_vec().into(), 0)
            .ok_or_else(|| DocumentError::Pdf("phông chữ không đọc được".into()))?;
        let face = ttf_parser::Face::parse(bytes, 0)
            .map_err(|e| DocumentError::Pdf(format!("phông chữ không đọc được: {e}")))?;
        Ok(Face { font, face })
    }

    /// Width of `text` at `size` points (no kerning: close enough to centre).
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        let units: u32 = text
            .chars()
            .filter_map(|c| self.face.glyph_index(c))
            .filter_map(|g| self.face.glyph_hor_advance(g))
            .map(u32::from)
            .sum();
        units as f32 * size / upem
    }

    /// Split `text` into lines no wider than `max` points, at spaces.
    pub(crate) fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        self.wrap_indented(text, size, max, max)
    }

    /// Like [`Face::wrap`], with the first line `first` points wide (a
    /// paragraph's first-line indent) and the others `rest`. A word wider
    /// than its line (a long code or address in a narrow table column) is
    /// broken between characters rather than run over the edge.
    pub(crate) fn wrap_indented(
        &self,
        text: &str,
        size: f32,
        first: f32,
        rest: f32,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        let max = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= max(&lines) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: break it if it is still too wide.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if !line.is_empty() && self.width(&next, size) > max(&lines) {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

pub(crate) struct Fonts {
    pub regular: Face,
    pub bold: Face,
    pub italic: Face,
    pub bold_italic: Face,
}

impl Fonts {
    pub(crate) fn load() -> Result<Fonts, DocumentError> {
        Ok(Fonts {
            regular: Face::load(SERIF)?,
            bold: Face::load(SERIF_BOLD)?,
            italic: Face::load(SERIF_ITALIC)?,
            bold_italic: Face::load(SERIF_BOLD_ITALIC)?,
        })
    }
}

pub(crate) fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        ..Fill::default()
    }
}

pub(crate) fn stroke(color: (u8, u8, u8), width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        width,
        ..Stroke::default()
    }
}

/// Draw `text` with its baseline at `y`, starting at `x`.
pub(crate) fn text_at(surface: &mut Surface, face: &Face, size: f32, x: f32, y: f32, text: &str) {
    surface.draw_text(
        Point::from_xy(x, y),
        face.font.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

/// Draw `text` centred on `cx`, baseline at `y`; returns its width.
pub(crate) fn centred(
    surface: &mut Surface,
    face: &Face,
    size: f32,
    cx: f32,
    y: f32,
    text: &str,
) -> f32 {
    let w = face.width(text, size);
    text_at(surface, face, size, cx - w / 2.0, y, text);
    w
}

pub(crate) fn rect(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
}

pub(crate) fn line(surface: &mut Surface, x1: f32, y1: f32, x2: f32, y2: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x1, y1);
    pb.line_to(x2, y2);
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
}

/// Draw `qr` as black squares, `size` points wide, top-left at (`x`, `y`).
pub(crate) fn qr_code(surface: &mut Surface, qr: &qrcode::QrCode, x: f32, y: f32, size: f32) {
    let modules = qr.width();
    let m = size / modules as f32;
    surface.set_fill(Some(fill((0, 0, 0))));
    let mut pb = PathBuilder::new();
    for (i, c) in qr.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = (i % modules, i / modules);
            if let Some(r) = Rect::from_xywh(x + col as f32 * m, y + row as f32 * m, m, m) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
}

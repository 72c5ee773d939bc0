//! Small SVG charts drawn on the server: a few hundred bytes each, no
//! script, readable on a 360 px phone.

use std::fmt::Write as _;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%").replace('.', ",")
    }
}

/// One bar per row (label, value in %), with the target as a dashed line.
pub fn bars(rows: &[(String, Option<f64>)], target: Option<f64>, title: &str) -> String {
    let row_h = 26.0;
    let (label_w, bar_w) = (120.0, 170.0);
    let h = rows.len() as f64 * row_h + 8.0;
    let mut s = format!(
        r##"<svg class="chart" viewBox="0 0 340 {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">"##,
        esc(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let short: String = label.chars().take(18).collect();
        let _ = write!(
            s,
            r##"<text x="0" y="{}" fill="#222">{}</text>"##,
            y + 15.0,
            esc(&short)
        );
        let _ = write!(
            s,
            r##"<rect x="{label_w}" y="{}" width="{bar_w}" height="16" fill="#e8edf2"/>"##,
            y + 3.0
        );
        if let Some(v) = v {
            let w = (v.clamp(0.0, 100.0) / 100.0) * bar_w;
            let ok = target.is_none_or(|t| *v >= t);
            let color = if ok { "#2e7d32" } else { "#0b5394" };
            let _ = write!(
                s,
                r##"<rect x="{label_w}" y="{}" width="{w:.1}" height="16" fill="{color}"/>"##,
                y + 3.0
            );
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" fill="#222">{}</text>"##,
                label_w + bar_w + 4.0,
                y + 15.0,
                pct(*v)
            );
        } else {
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" fill="#777">—</text>"##,
                label_w + bar_w + 4.0,
                y + 15.0
            );
        }
    }
    if let Some(t) = target {
        let x = label_w + t.clamp(0.0, 100.0) / 100.0 * bar_w;
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="0" x2="{x:.1}" y2="{h}" stroke="#b00020" stroke-dasharray="4 3"/>"##
        );
    }
    s.push_str("</svg>");
    s
}

/// Columns for the quarters of the year (cumulative values in %).
pub fn trend(points: &[(String, Option<f64>)], target: Option<f64>, title: &str) -> String {
    let (w, h, top, bottom) = (300.0, 120.0, 14.0, 20.0);
    let n = points.len().max(1) as f64;
    let col = (w - 20.0) / n;
    let plot = h - top - bottom;
    let mut s = format!(
        r##"<svg class="chart trend" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">"##,
        esc(title)
    );
    let _ = write!(
        s,
        r##"<line x1="10" y1="{}" x2="{}" y2="{}" stroke="#999"/>"##,
        h - bottom,
        w - 10.0,
        h - bottom
    );
    for (i, (label, v)) in points.iter().enumerate() {
        let x = 10.0 + i as f64 * col + col * 0.2;
        let bw = col * 0.6;
        if let Some(v) = v {
            let bh = v.clamp(0.0, 100.0) / 100.0 * plot;
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{:.1}" width="{bw:.1}" height="{bh:.1}" fill="#0b5394"/>"##,
                h - bottom - bh
            );
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                x + bw / 2.0,
                h - bottom - bh - 3.0,
                pct(*v)
            );
        }
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#444">{}</text>"##,
            x + bw / 2.0,
            h - 5.0,
            esc(label)
        );
    }
    if let Some(t) = target {
        let y = h - bottom - t.clamp(0.0, 100.0) / 100.0 * plot;
        let _ = write!(
            s,
            r##"<line x1="10" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#b00020" stroke-dasharray="4 3"/>"##,
            w - 10.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_small_escaped_svg() {
        let s = bars(
            &[
                ("Xóm <Khuôn> Lặng".into(), Some(72.5)),
                ("Xóm Mới".into(), None),
            ],
            Some(70.0),
            "Theo xóm",
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("&lt;Khuôn&gt;") && s.contains("72,5%"));
        assert!(s.contains("stroke-dasharray"));
        let t = trend(
            &[
                ("Q1/2026".into(), Some(10.0)),
                ("Q2/2026".into(), Some(35.0)),
            ],
            Some(70.0),
            "Theo quý",
        );
        assert!(t.contains("35%") && t.len() < 2000);
    }
}

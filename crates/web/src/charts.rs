//! Small SVG charts drawn on the server: a few hundred bytes each, no
//! script, readable on a 360 px phone.

use std::fmt::Write as _;

use crate::html::escape as esc;

use hocvuso_domain::numbers::{percent as pct, percent_or_no_data};

/// What a screen reader hears for a chart: its title, then each label with
/// its value ("Theo xóm: Xóm A 72,5%; Xóm B chưa có số liệu; chỉ tiêu 70%").
fn spoken(title: &str, rows: &[(String, Option<f64>)], target: Option<f64>) -> String {
    let mut parts: Vec<String> = rows
        .iter()
        .map(|(label, v)| format!("{label} {}", percent_or_no_data(*v)))
        .collect();
    if let Some(t) = target {
        parts.push(format!("chỉ tiêu {}", pct(t)));
    }
    format!("{title}: {}", parts.join("; "))
}

/// A label kept whole when it fits the chart's width; a longer one is cut at
/// a word with "…" (the full text is in the chart's spoken description and in
/// the table beside it).
fn fit(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut out = String::new();
    for word in label.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = label.chars().take(max.saturating_sub(1)).collect();
    }
    out.push('…');
    out
}

/// One bar per row (label, value in %), with the target as a dashed line.
/// Each label sits on its own line above its bar, so names such as "Hộ sản
/// xuất, kinh doanh" are read whole on a phone.
pub fn bars(rows: &[(String, Option<f64>)], target: Option<f64>, title: &str) -> String {
    let row_h = 38.0;
    let (bar_x, bar_w) = (0.0, 280.0);
    let h = rows.len() as f64 * row_h + 6.0;
    let mut s = format!(
        r##"<svg class="chart" viewBox="0 0 340 {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">"##,
        esc(&spoken(title, rows, target))
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 2.0;
        let _ = write!(
            s,
            r##"<text x="0" y="{}" fill="#222">{}</text>"##,
            y + 12.0,
            esc(&fit(label, 52))
        );
        let _ = write!(
            s,
            r##"<rect x="{bar_x}" y="{}" width="{bar_w}" height="16" fill="#e8edf2"/>"##,
            y + 17.0
        );
        if let Some(v) = v {
            let w = (v.clamp(0.0, 100.0) / 100.0) * bar_w;
            let ok = target.is_none_or(|t| *v >= t);
            let color = if ok { "#2e7d32" } else { "#0b5394" };
            let _ = write!(
                s,
                r##"<rect x="{bar_x}" y="{}" width="{w:.1}" height="16" fill="{color}"/>"##,
                y + 17.0
            );
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" fill="#222">{}</text>"##,
                bar_x + bar_w + 4.0,
                y + 30.0,
                pct(*v)
            );
        } else {
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" fill="#555">—</text>"##,
                bar_x + bar_w + 4.0,
                y + 30.0
            );
        }
    }
    if let Some(t) = target {
        let x = bar_x + t.clamp(0.0, 100.0) / 100.0 * bar_w;
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="14" x2="{x:.1}" y2="{h}" stroke="#b00020" stroke-dasharray="4 3"/>"##
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
        esc(&spoken(title, points, target))
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

/// One row of the plan's timeline: a task, its phases and its status.
pub struct TimelineRow {
    pub code: String,
    pub title: String,
    /// (first day, last day, label) of each phase.
    pub phases: Vec<(chrono::NaiveDate, chrono::NaiveDate, String)>,
    pub status: hocvuso_domain::plan::TaskStatus,
}

/// The plan's timeline: the year's quarters across, tasks down, each phase
/// a bar coloured by the task's status, and today as a red line.
pub fn timeline(year: i32, rows: &[TimelineRow], today: chrono::NaiveDate) -> String {
    use chrono::NaiveDate;
    use hocvuso_domain::plan::TaskStatus;
    let (left, width, row_h, top) = (44.0, 290.0, 30.0, 22.0);
    let h = top + rows.len() as f64 * row_h + 4.0;
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
    let days = (end - start).num_days().max(1) as f64;
    let x_of = |d: NaiveDate| left + ((d - start).num_days() as f64 / days).clamp(0.0, 1.0) * width;
    let spoken: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {}: {}", r.code, r.title, r.status.label()))
        .collect();
    let mut s = format!(
        r##"<svg class="chart" viewBox="0 0 340 {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">"##,
        esc(&format!(
            "Tiến độ kế hoạch năm {year}: {}",
            spoken.join("; ")
        ))
    );
    for (i, name) in ["Quý I", "Quý II", "Quý III", "Quý IV"].iter().enumerate() {
        let q0 = NaiveDate::from_ymd_opt(year, i as u32 * 3 + 1, 1).unwrap_or_default();
        let x = x_of(q0);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{h}" stroke="#ccc"/><text x="{:.1}" y="14" fill="#222">{name}</text>"##,
            top - 4.0,
            x + 4.0
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let _ = write!(
            s,
            r##"<text x="0" y="{:.1}" fill="#222">{}</text>"##,
            y + 18.0,
            esc(&r.code)
        );
        let color = match r.status {
            TaskStatus::Behind => "#b00020",
            TaskStatus::Done => "#2e7d32",
            TaskStatus::OnTrack => "#0b5394",
            TaskStatus::NotStarted | TaskStatus::NotTracked => "#8a8a8a",
        };
        let n = r.phases.len().max(1) as f64;
        for (j, (from, to, label)) in r.phases.iter().enumerate() {
            let (x0, x1) = (x_of(*from), x_of(*to + chrono::Days::new(1)));
            let band = (row_h - 8.0) / n;
            let _ = write!(
                s,
                r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}" opacity="{}"><title>{}</title></rect>"##,
                y + 4.0 + j as f64 * band,
                (x1 - x0).max(2.0),
                (band - 1.0).max(2.0),
                if j == 0 { "0.9" } else { "0.6" },
                esc(label)
            );
        }
    }
    if today >= start && today < end {
        let x = x_of(today);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{h}" stroke="#b00020" stroke-width="2"/><text x="{:.1}" y="{}" fill="#b00020" font-size="10">Hôm nay</text>"##,
            top - 2.0,
            (x - 20.0).clamp(left, 300.0),
            h - 1.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_draws_a_bar_per_phase_and_today_only_within_the_year() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        let rows = vec![
            TimelineRow {
                code: "III.2".into(),
                title: "Phổ cập <kỹ năng>".into(),
                phases: vec![
                    (d(1, 1), d(12, 31), "Thực hiện".into()),
                    (d(4, 1), d(9, 30), "Cao điểm".into()),
                ],
                status: hocvuso_domain::plan::TaskStatus::Behind,
            },
            TimelineRow {
                code: "III.6".into(),
                title: "AI".into(),
                phases: vec![(d(7, 1), d(9, 30), "Tại các xóm".into())],
                status: hocvuso_domain::plan::TaskStatus::NotStarted,
            },
        ];
        let svg = timeline(2026, &rows, d(6, 1));
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(
            svg.matches("fill=\"#b00020\" opacity").count(),
            2,
            "the late task's bars are red"
        );
        assert!(svg.contains("Hôm nay") && svg.contains("Phổ cập &lt;kỹ năng&gt;: Chậm"));
        assert!(!timeline(2026, &rows, d(1, 1) + chrono::Days::new(400)).contains("Hôm nay"));
    }

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

    #[test]
    fn labels_are_whole_and_values_are_spoken() {
        let s = bars(
            &[
                ("Hộ sản xuất, kinh doanh".into(), Some(87.5)),
                ("Người dân tộc thiểu số".into(), None),
            ],
            Some(70.0),
            "Theo nhóm đối tượng",
        );
        // The label is drawn whole, not cut at 18 characters.
        assert!(s.contains(">Hộ sản xuất, kinh doanh</text>"), "{s}");
        // A screen reader hears every value, with a decimal comma.
        assert!(s.contains(
            r#"aria-label="Theo nhóm đối tượng: Hộ sản xuất, kinh doanh 87,5%; Người dân tộc thiểu số chưa có số liệu; chỉ tiêu 70%""#
        ), "{s}");
        let t = trend(&[("Q1/2026".into(), Some(12.25))], None, "Theo quý");
        assert!(
            t.contains(r#"aria-label="Theo quý: Q1/2026 12,2%""#)
                || t.contains(r#"aria-label="Theo quý: Q1/2026 12,3%""#),
            "{t}"
        );
    }

    #[test]
    fn a_very_long_label_is_cut_at_a_word() {
        let long = "Trung tâm Phục vụ hành chính công và Trung tâm Dịch vụ tổng hợp của xã";
        let f = fit(long, 52);
        assert!(f.ends_with('…') && f.chars().count() <= 52, "{f}");
        assert!(long.starts_with(f.trim_end_matches('…')));
    }
}

//! Pilot models (mô hình điểm) and indicator 6.

use crate::{base, finish, IndicatorDef, IndicatorResult, Kind, Part};
use hocvuso_domain::{Unit, UnitType};
use hocvuso_storage::PilotModel;

/// (code, label) of the kinds of pilot model the plan names.
pub const KINDS: [(&str, &str); 5] = [
    ("binh_dan_hoc_vu_so", "Điểm «Bình dân học vụ số»"),
    ("binh_dan_hoc_ai", "Điểm «Bình dân học AI»"),
    ("gia_dinh_so", "Gia đình số"),
    ("cho_so", "Chợ số – Nông thôn số"),
    ("danh_tinh_so", "Mỗi công dân – Một danh tính số"),
];

/// (code, label) of a model's status.
pub const STATUSES: [(&str, &str); 4] = [
    ("du_kien", "Dự kiến"),
    ("dang_xay_dung", "Đang xây dựng"),
    ("dang_hoat_dong", "Đang hoạt động"),
    ("da_cong_nhan", "Đã công nhận"),
];

pub fn kind_label(code: &str) -> &str {
    KINDS
        .iter()
        .find(|k| k.0 == code)
        .map(|k| k.1)
        .unwrap_or(code)
}

pub fn status_label(code: &str) -> &str {
    STATUSES
        .iter()
        .find(|k| k.0 == code)
        .map(|k| k.1)
        .unwrap_or(code)
}

/// A model counts once it works: running or recognised.
pub fn is_active(m: &PilotModel) -> bool {
    m.status == "dang_hoat_dong" || m.status == "da_cong_nhan"
}

pub(crate) fn indicator(
    def: &IndicatorDef,
    units: &[Unit],
    models: &[PilotModel],
) -> IndicatorResult {
    let ai: Vec<&PilotModel> = models
        .iter()
        .filter(|m| m.kind == "binh_dan_hoc_ai" && is_active(m))
        .collect();
    if def.kind == Kind::CommuneModels {
        let mut r = base(
            def,
            "mô hình",
            "Số mô hình điểm «Bình dân học AI» đang hoạt động hoặc đã công nhận, trong sổ mô hình điểm của xã.".into(),
        );
        r.numerator = ai.len() as i64;
        r.denominator = 1;
        return finish(def, r);
    }
    let schools: Vec<&Unit> = units
        .iter()
        .filter(|u| u.unit_type == UnitType::School)
        .collect();
    let mut r = base(
        def,
        "%",
        "Số trường học có ít nhất một mô hình «Bình dân học AI» đang hoạt động hoặc đã công nhận ÷ số trường học của xã × 100%.".into(),
    );
    r.by_hamlet = schools
        .iter()
        .map(|s| {
            let has = ai.iter().any(|m| m.unit_id == Some(s.id));
            Part::new(s.id.to_string(), s.name.clone(), i64::from(has), 1)
        })
        .collect();
    r.numerator = r.by_hamlet.iter().map(|p| p.numerator).sum();
    r.denominator = schools.len() as i64;
    finish(def, r)
}

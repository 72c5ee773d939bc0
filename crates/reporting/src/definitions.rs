//! Indicator definitions: `indicators.toml`, validated when loaded.

use hocvuso_learning::{Audience, Catalog};
use serde::Deserialize;

static DEFAULT: &str = include_str!("../indicators.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Counts residents of a population who meet a criterion.
    People,
    /// Pilot "Bình dân học AI" models in the commune.
    CommuneModels,
    /// Schools with such a model.
    SchoolModels,
    /// Share of applications filed online (public service centre reports).
    OnlineApplications,
    /// Share of fee payments made without cash.
    CashlessPayments,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReachedBy {
    /// Passed every core course of the population's group.
    Basic,
    Course(String),
    /// Passed every one of these courses ("cac_khoa_hoc:a+b+c").
    AllCourses(Vec<String>),
    Assistant,
    /// Reached a digital milestone ("moc:<mã>", `domain::field::Milestone`).
    Milestone(hocvuso_domain::field::Milestone),
}

#[derive(Debug, Clone)]
pub struct IndicatorDef {
    pub code: String,
    pub name: String,
    pub kind: Kind,
    pub target: Option<f64>,
    /// The target is "over" (trên 70%) rather than "at least".
    pub above: bool,
    pub population: Option<String>,
    pub reached: Vec<ReachedBy>,
    pub source: String,
}

impl IndicatorDef {
    pub fn target_text(&self, unit: &str) -> String {
        match self.target {
            None => "Tăng so với quý trước".into(),
            Some(t) if unit == "%" => {
                format!("{}{}%", if self.above { "Trên " } else { "" }, fmt_num(t))
            }
            Some(t) => format!("Ít nhất {} {unit}", fmt_num(t)),
        }
    }
}

/// A figure as the reports print it; the rule lives in `domain::numbers`.
pub fn fmt_num(v: f64) -> String {
    hocvuso_domain::numbers::number(v)
}

#[derive(Debug, Clone)]
pub struct Definitions {
    pub indicators: Vec<IndicatorDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    indicator: Vec<RawDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDef {
    code: String,
    name: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    target: Option<f64>,
    #[serde(default)]
    above: bool,
    #[serde(default)]
    population: Option<String>,
    #[serde(default)]
    reached: Vec<String>,
    #[serde(default)]
    source: String,
}

impl Definitions {
    /// The definitions built into the program, checked against the courses.
    pub fn embedded(catalog: &Catalog) -> Result<Definitions, String> {
        Self::parse("indicators.toml", DEFAULT, catalog)
    }

    /// Parse and check a definitions file; errors name the file, the
    /// indicator and what to fix.
    pub fn parse(file: &str, text: &str, catalog: &Catalog) -> Result<Definitions, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            format!("{file}:{line}: TOML không đọc được: {}", e.message())
        })?;
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for d in raw.indicator {
            let at = |msg: String| format!("{file}: chỉ tiêu `{}`: {msg}", d.code);
            if !seen.insert(d.code.clone()) {
                return Err(at("mã chỉ tiêu trùng".into()));
            }
            let kind = match d.kind.as_deref().unwrap_or("dan_so") {
                "dan_so" => Kind::People,
                "mo_hinh_xa" => Kind::CommuneModels,
                "mo_hinh_truong" => Kind::SchoolModels,
                "hcc_truc_tuyen" => Kind::OnlineApplications,
                "hcc_khong_tien_mat" => Kind::CashlessPayments,
                other => {
                    return Err(at(format!(
                        "kind `{other}` không có; dùng dan_so, mo_hinh_xa, mo_hinh_truong, hcc_truc_tuyen hoặc hcc_khong_tien_mat"
                    )))
                }
            };
            let mut reached = Vec::new();
            if kind == Kind::People {
                let Some(p) = d.population.as_deref() else {
                    return Err(at("thiếu `population` (nhóm được đếm)".into()));
                };
                if p != crate::COMMUNE_OFFICIALS
                    && !hocvuso_learning::AUDIENCES.iter().any(|a| a.code == p)
                {
                    return Err(at(format!("nhóm `{p}` không có")));
                }
                let p = crate::audience_of(p);
                if d.reached.is_empty() {
                    return Err(at("thiếu `reached` (điều kiện được tính)".into()));
                }
                for r in &d.reached {
                    reached.push(match r.as_str() {
                        "co_ban" => {
                            if !catalog.basic_knowledge.contains_key(p) {
                                return Err(at(format!(
                                    "\"co_ban\" cần danh sách khóa học cốt lõi của nhóm `{p}` trong courses/core.toml"
                                )));
                            }
                            ReachedBy::Basic
                        }
                        "tro_ly_ao" => ReachedBy::Assistant,
                        other if other.starts_with("moc:") => {
                            let code = other.trim_start_matches("moc:").trim();
                            match hocvuso_domain::field::Milestone::from_code(code) {
                                Some(m) => ReachedBy::Milestone(m),
                                None => {
                                    let known: Vec<&str> = hocvuso_domain::field::Milestone::ALL.iter().map(|m| m.code()).collect();
                                    return Err(at(format!("mốc `{code}` không có; các mốc: {}", known.join(", "))));
                                }
                            }
                        }
                        other => match (other.strip_prefix("khoa_hoc:"), other.strip_prefix("cac_khoa_hoc:")) {
                            (Some(id), _) if catalog.course(id).is_some() => ReachedBy::Course(id.to_string()),
                            (Some(id), _) => return Err(at(format!("khóa học `{id}` không có"))),
                            (None, Some(list)) => {
                                let ids: Vec<String> = list.split('+').map(|i| i.trim().to_string()).filter(|i| !i.is_empty()).collect();
                                if ids.is_empty() {
                                    return Err(at("`cac_khoa_hoc:` cần ít nhất một mã khóa học, nối bằng dấu +".into()));
                                }
                                if let Some(bad) = ids.iter().find(|i| catalog.course(i).is_none()) {
                                    return Err(at(format!("khóa học `{bad}` không có")));
                                }
                                ReachedBy::AllCourses(ids)
                            }
                            (None, None) => {
                                return Err(at(format!(
                                    "điều kiện `{other}` không có; dùng \"co_ban\", \"khoa_hoc:<mã>\", \"cac_khoa_hoc:<mã>+<mã>\", \"tro_ly_ao\" hoặc \"moc:<mã mốc>\""
                                )))
                            }
                        },
                    });
                }
            }
            if let Some(t) = d.target {
                if !(0.0..=100.0).contains(&t) && kind != Kind::CommuneModels {
                    return Err(at(format!("target = {t} phải từ 0 đến 100 (%)")));
                }
            }
            out.push(IndicatorDef {
                code: d.code,
                name: d.name,
                kind,
                target: d.target,
                above: d.above,
                population: d.population,
                reached,
                source: d.source,
            });
        }
        if out.is_empty() {
            return Err(format!("{file}: chưa có chỉ tiêu nào"));
        }
        Ok(Definitions { indicators: out })
    }

    pub fn get(&self, code: &str) -> Option<&IndicatorDef> {
        self.indicators.iter().find(|d| d.code == code)
    }

    /// The formula of a people-counting indicator, in words.
    pub fn formula(&self, def: &IndicatorDef, catalog: &Catalog) -> String {
        let group = def.population.as_deref().unwrap_or("");
        let who = if group == "to_cnscd" {
            "thành viên Tổ công nghệ số cộng đồng".to_string()
        } else if group == crate::COMMUNE_OFFICIALS {
            "cán bộ, công chức của các cơ quan, tổ chức của xã (theo danh sách đơn vị; không gồm giáo viên, nhân viên y tế, công an)".to_string()
        } else if group == crate::STUDENTS {
            format!(
                "học sinh từ lớp {} trở lên trong danh sách lớp của các trường đang hoạt động",
                hocvuso_domain::students::FIRST_COUNTED_GRADE
            )
        } else {
            format!("người thuộc nhóm «{}»", Audience::label_of(group))
        };
        let title = |id: &str| {
            catalog
                .course(id)
                .map(|c| format!("«{}»", c.title))
                .unwrap_or_else(|| id.to_string())
        };
        let conditions: Vec<String> = def
            .reached
            .iter()
            .map(|r| match r {
                ReachedBy::Basic => {
                    let ids = catalog
                        .basic_knowledge
                        .get(crate::audience_of(group))
                        .cloned()
                        .unwrap_or_default();
                    format!(
                        "đã đạt bài kiểm tra của đủ các khóa học cốt lõi: {}",
                        ids.iter().map(|i| title(i)).collect::<Vec<_>>().join(", ")
                    )
                }
                ReachedBy::Course(id) => format!("đã đạt khóa học {}", title(id)),
                ReachedBy::AllCourses(ids) => format!(
                    "đã đạt bài kiểm tra của đủ các khóa học {}",
                    ids.iter().map(|i| title(i)).collect::<Vec<_>>().join(", ")
                ),
                ReachedBy::Assistant => "đã dùng trợ lý ảo hành chính (khi đăng nhập)".into(),
                ReachedBy::Milestone(m) => format!(
                    "được Tổ công nghệ số hoặc lớp học ghi nhận mốc «{}»",
                    m.label()
                ),
            })
            .collect();
        format!(
            "Tử số: số {who} {}. Mẫu số: tổng số {who} trong sổ dân cư. Giá trị = tử số ÷ mẫu số × 100%, tính đến hết quý.",
            conditions.join("; hoặc ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_definitions_load_and_bad_ones_say_what_to_fix() {
        let cat = Catalog::embedded().unwrap_or_default();
        let d = Definitions::embedded(&cat).unwrap();
        assert_eq!(d.indicators.len(), 10);
        assert_eq!(d.get("3").unwrap().target_text("%"), "Trên 70%");
        // II.5 has its own indicator and course set, not folded into 3.
        assert_eq!(d.get("8").unwrap().target_text("%"), "70%");
        let f = d.formula(d.get("8").unwrap(), &cat);
        assert!(
            f.contains("đủ các khóa học") && f.contains("Internet"),
            "{f}"
        );
        // Indicator 1 is read from the units' officials, with the officials' core courses.
        let f = d.formula(d.get("1").unwrap(), &cat);
        assert!(
            f.contains("cán bộ, công chức của các cơ quan") && f.contains("khóa học cốt lõi:"),
            "{f}"
        );
        let bad = "[[indicator]]\ncode = \"x\"\nname = \"X\"\npopulation = \"can_bo\"\nreached = [\"cac_khoa_hoc:an-toan-lua-dao+khong-co\"]\n";
        assert!(Definitions::parse("f.toml", bad, &cat)
            .unwrap_err()
            .contains("khong-co"));
        let f = d.formula(d.get("5").unwrap(), &cat);
        assert!(
            f.contains("Bình dân học AI") && f.contains("trợ lý ảo"),
            "{f}"
        );
        let bad = "[[indicator]]\ncode = \"x\"\nname = \"X\"\npopulation = \"nong_dan\"\nreached = [\"co_ban\"]\n";
        assert!(Definitions::parse("f.toml", bad, &cat)
            .unwrap_err()
            .contains("nong_dan"));
        let bad = "[[indicator]]\ncode = \"x\"\nname = \"X\"\npopulation = \"can_bo\"\nreached = [\"khoa_hoc:khong-co\"]\n";
        assert!(Definitions::parse("f.toml", bad, &cat)
            .unwrap_err()
            .contains("khong-co"));
        assert!(Definitions::parse("f.toml", "[[indicator]\n", &cat)
            .unwrap_err()
            .starts_with("f.toml:1"));
    }
}

//! What is written down about a pilot model over its life (issue 15, task
//! III.5): evidence items, reviews, and where it was replicated. Each is a
//! note added to the model's history; none replaces another.

use chrono::NaiveDate;

/// The kinds of note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// A piece of evidence: a decision, a photo's link, minutes.
    Evidence,
    /// A review (sơ kết, đánh giá) and what it found.
    Review,
    /// The model taken to another hamlet or unit (nhân rộng, Q3–Q4).
    Replication,
}

impl NoteKind {
    pub const ALL: [NoteKind; 3] = [NoteKind::Evidence, NoteKind::Review, NoteKind::Replication];

    pub fn code(self) -> &'static str {
        match self {
            NoteKind::Evidence => "minh_chung",
            NoteKind::Review => "danh_gia",
            NoteKind::Replication => "nhan_rong",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Evidence => "Minh chứng",
            NoteKind::Review => "Sơ kết, đánh giá",
            NoteKind::Replication => "Nhân rộng",
        }
    }
}

/// The longest note kept.
pub const NOTE_MAX: usize = 2000;

/// A note as the office writes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub kind: NoteKind,
    pub text: String,
    /// Where it was replicated to (a replication names a hamlet or a unit).
    pub hamlet_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub noted_on: NaiveDate,
}

impl NewNote {
    /// The note, or what to fix, in Vietnamese.
    pub fn checked(
        kind: NoteKind,
        text: &str,
        hamlet_id: Option<i64>,
        unit_id: Option<i64>,
        noted_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<NewNote, String> {
        let text = text.trim();
        if text.chars().count() > NOTE_MAX {
            return Err(format!(
                "Nội dung dài quá {NOTE_MAX} ký tự: hãy viết gọn lại."
            ));
        }
        if noted_on > today {
            return Err("Ngày ghi không được sau hôm nay.".into());
        }
        match kind {
            NoteKind::Replication if hamlet_id.is_none() && unit_id.is_none() => {
                return Err("Nhân rộng tới đâu? Hãy chọn xóm hoặc đơn vị.".into());
            }
            NoteKind::Evidence | NoteKind::Review if text.is_empty() => {
                return Err(format!("Hãy ghi nội dung {}.", kind.label().to_lowercase()));
            }
            _ => {}
        }
        let (hamlet_id, unit_id) = if kind == NoteKind::Replication {
            (hamlet_id, unit_id)
        } else {
            (None, None)
        };
        Ok(NewNote {
            kind,
            text: text.to_string(),
            hamlet_id,
            unit_id,
            noted_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    #[test]
    fn a_replication_names_where_and_evidence_says_something() {
        let today = d(9, 1);
        assert!(NewNote::checked(NoteKind::Replication, "", None, None, d(8, 1), today).is_err());
        let r = NewNote::checked(NoteKind::Replication, "", Some(3), None, d(8, 1), today);
        assert_eq!(r.map(|n| n.hamlet_id), Ok(Some(3)));
        assert!(NewNote::checked(NoteKind::Evidence, "  ", None, None, d(8, 1), today).is_err());
        // Where is kept only for a replication.
        let e = NewNote::checked(
            NoteKind::Evidence,
            "Quyết định 12",
            Some(3),
            None,
            d(8, 1),
            today,
        );
        assert_eq!(e.map(|n| n.hamlet_id), Ok(None));
        assert!(NewNote::checked(NoteKind::Review, "Đạt", None, None, d(9, 2), today).is_err());
        assert!(NewNote::checked(
            NoteKind::Review,
            &"x".repeat(2001),
            None,
            None,
            d(8, 1),
            today
        )
        .is_err());
        assert_eq!(
            NoteKind::from_code("nhan_rong"),
            Some(NoteKind::Replication)
        );
    }
}

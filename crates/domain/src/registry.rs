//! The commune registry: hamlets → households → residents.

use crate::groups::TargetGroup;
use crate::person::{BirthDate, CitizenId, PhoneNumber, Sex};
use crate::Id;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hamlet {
    pub id: Id,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: Id,
    pub hamlet_id: Id,
    /// The household's code in the commune's books (số hộ), when known.
    pub code: Option<String>,
    /// Name of the head of household, denormalised for lists and matching.
    pub head_name: String,
    pub farm_business: bool,
    pub address: String,
}

/// A resident as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    pub id: Id,
    pub household_id: Id,
    pub hamlet_id: Id,
    pub full_name: String,
    pub sex: Option<Sex>,
    pub birth: Option<BirthDate>,
    pub ethnicity: String,
    pub phone: Option<PhoneNumber>,
    pub citizen_id: Option<CitizenId>,
    pub relation: String,
    pub notes: String,
    /// Groups, derived and manual together.
    pub groups: Vec<TargetGroup>,
}

/// A resident to create or update; every field already parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewResident {
    pub full_name: String,
    pub sex: Option<Sex>,
    pub birth: Option<BirthDate>,
    pub ethnicity: String,
    pub phone: Option<PhoneNumber>,
    pub citizen_id: Option<CitizenId>,
    pub relation: String,
    pub notes: String,
    /// Groups set by hand (derived groups are computed by the storage layer
    /// from the same facts, see [`crate::groups::derive_groups`]).
    pub manual_groups: Vec<TargetGroup>,
}

/// Filter of the registry list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentFilter {
    /// Free text, matched against the folded name (no diacritics, no case) and phone.
    pub query: Option<String>,
    pub hamlet_id: Option<Id>,
    pub group: Option<TargetGroup>,
    pub household_id: Option<Id>,
}

/// How a free-text search of the registry is read: four or more digits and
/// nothing else is (part of) a phone number; anything else is (part of) a
/// name, compared without diacritics or case. The one home of this rule:
/// storage builds its query from it, nothing else restates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// The digits, spaces and dots removed: `0912 345` → `0912345`.
    Phone(String),
    /// The name folded by [`vntext::fold`]: `Nguyễn` → `nguyen`.
    Name(String),
}

impl SearchTerm {
    /// Shortest run of digits read as a phone number (fewer would match
    /// almost every phone of the commune).
    pub const MIN_PHONE_DIGITS: usize = 4;

    /// The term, or `None` when the text is empty once folded.
    pub fn read(text: &str) -> Option<SearchTerm> {
        let key = vntext::fold(text);
        if key.is_empty() {
            return None;
        }
        let digits: String = key.chars().filter(|c| c.is_ascii_digit()).collect();
        let visible = key
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .count();
        if digits.len() >= Self::MIN_PHONE_DIGITS && digits.len() == visible {
            Some(SearchTerm::Phone(digits))
        } else {
            Some(SearchTerm::Name(key))
        }
    }
}

impl ResidentFilter {
    /// The free-text part, as read by [`SearchTerm::read`].
    pub fn search_term(&self) -> Option<SearchTerm> {
        self.query.as_deref().and_then(SearchTerm::read)
    }
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        if self.per_page <= 0 {
            return 1;
        }
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_only_are_a_phone_and_anything_else_a_name() {
        assert_eq!(
            SearchTerm::read("0912 345"),
            Some(SearchTerm::Phone("0912345".into()))
        );
        assert_eq!(
            SearchTerm::read("0912.345.678"),
            Some(SearchTerm::Phone("0912345678".into()))
        );
        // Three digits are too few to be read as a phone.
        assert_eq!(
            SearchTerm::read("091"),
            Some(SearchTerm::Name("091".into()))
        );
        assert_eq!(
            SearchTerm::read("  Nguyễn Văn ĐỨC "),
            Some(SearchTerm::Name("nguyen van duc".into()))
        );
        // A name with a number in it stays a name.
        assert_eq!(
            SearchTerm::read("Xóm 1234 Lan"),
            Some(SearchTerm::Name("xom 1234 lan".into()))
        );
        assert_eq!(SearchTerm::read("   "), None);
        let filter = ResidentFilter {
            query: Some("Hoà".into()),
            ..Default::default()
        };
        assert_eq!(filter.search_term(), Some(SearchTerm::Name("hoa".into())));
    }
}

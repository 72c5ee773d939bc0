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

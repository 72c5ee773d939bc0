//! What crosses between the registry and spreadsheets: a row as exported,
//! a valid row of an import with the household it belongs to, and what a
//! staff or class list is matched against. Plain data: the `import` crate
//! reads and writes the files, storage reads and writes the rows.

use crate::{BirthDate, NewResident};
use serde::{Deserialize, Serialize};

/// One resident as exported; every field already formatted as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRow {
    pub full_name: String,
    /// `05/03/1962` or `1962` ([`crate::BirthDate::display`]).
    pub birth: String,
    pub sex: String,
    pub ethnicity: String,
    pub citizen_id: String,
    pub phone: String,
    pub hamlet: String,
    pub relation: String,
    pub household_code: String,
    pub head_name: String,
    /// Group labels separated by "; ".
    pub groups: String,
    pub notes: String,
}

/// Which household a row belongs to. The storage matches households by
/// (hamlet, code) or (hamlet, folded head name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HouseholdKey {
    /// The household's number in the commune's books (số hộ).
    Code(String),
    /// The name of the head of household (NFC).
    Head(String),
}

/// A valid row, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// 1-based, as the spreadsheet program shows it.
    pub row_number: usize,
    pub hamlet_id: i64,
    pub household: HouseholdKey,
    pub resident: NewResident,
}

/// What matching needs to know of one resident of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonKey {
    pub id: i64,
    pub full_name: String,
    /// A full date, or only the year, as the registry has it.
    pub birth_date: Option<BirthDate>,
    /// Twelve digits, when the registry has it.
    pub citizen_id: Option<String>,
}

//! Domain types and rules of hocvuso. No HTTP and no SQL here: this crate
//! is what the storage, import and web crates share.
//!
//! Input becomes a domain type once, at the edge ("parse, don't validate"):
//! a [`CitizenId`], [`PhoneNumber`], [`BirthDate`] or [`Sex`] cannot hold an
//! invalid value, and their constructors carry the Vietnamese error message.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod breach;
pub mod campaigns;
pub mod classes;
pub mod contact;
pub mod exchange;
pub mod field;
pub mod groups;
pub mod hamlet_name;
pub mod numbers;
pub mod person;
pub mod pilot;
pub mod plan;
pub mod policy;
pub mod privacy;
pub mod quarter;
pub mod registry;
pub mod reports;
pub mod seed;
pub mod students;
pub mod time;
pub mod units;

pub use auth::{validate_password, PasswordError, ResidentScope, Role, RoleKind};
pub use groups::TargetGroup;
pub use person::{BirthDate, CitizenId, FieldError, FullName, PhoneNumber, Sex};
pub use quarter::{Quarter, ReportStatus, StoredState};
pub use registry::{Hamlet, Household, NewResident, Page, Resident, ResidentFilter};
pub use units::{MemberCategory, SchoolLevel, Unit, UnitType};

/// Identifiers are plain database row ids.
pub type Id = i64;

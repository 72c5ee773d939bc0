//! Storage of hocvuso: one code path over two engines.
//!
//! [`Store`] is what the rest of the program sees. Behind it, the same SQL
//! runs on SQLite (the default, embedded) or PostgreSQL (for a province).
//! Each resource has its own file (the register in [`registry`] and
//! [`residents`], users and sessions in [`users`], imports in [`imports`],
//! ...), holding its SQL once, inside a macro expanded for both engines, and
//! the public `impl Store` methods that dispatch to it. Only the migrations
//! and a handful of statements differ, and those are marked with `Engine`
//! checks.
//!
//! SQLite runs in WAL mode with foreign keys on, a busy timeout, and
//! `synchronous=FULL`; every write goes through a single writer connection so
//! writers never deadlock, while reads use a pool of readers.

/// Run the same body on whichever engine the store holds.
macro_rules! dispatch {
    ($self:expr, $s:ident => $e:expr) => {
        match &$self.inner {
            $crate::Inner::Sqlite($s) => $e,
            $crate::Inner::Postgres($s) => $e,
        }
    };
}

mod accounts;
mod assistant_log;
mod audit;
mod audit_rows;
mod breaches;
mod cache;
mod campaigns;
mod classes;
mod connect;
mod consent;
mod contacts;
mod demo_load;
mod error;
mod field;
mod groups;
mod hamlets;
mod imports;
mod indicators;
mod learning;
mod people;
mod pilot_notes;
mod plan;
mod plans;
mod registry;
mod resident_file;
mod resident_times;
mod residents;
mod rows;
mod settings;
mod students;
mod subject;
mod units;
mod users;

pub use accounts::{CreatedAccount, NewLinkedAccount};
pub use assistant_log::{QuestionLog, QuestionRow};
pub use audit::{AuditEvent, AuditWriter};
pub use breaches::BreachRecord;
pub use campaigns::{Campaign, Reach};
pub use classes::{Attendee, Session};
pub use connect::{Engine, StoreOptions};
pub use consent::{consent_given_in, in_force, ConsentRecord};
pub use contacts::Helper;
pub use demo_load::DemoLoadSummary;
pub use error::StoreError;
pub use field::{
    FieldCounts, FieldPack, FieldTotals, MilestoneRow, MilestoneShares, PackHousehold, PackPerson,
    PackVisit, SyncConflict, SyncOutcome, VisitRow,
};
pub use hamlets::{HamletMerge, HamletRecord, MergedHamlet};
pub use imports::ImportSummary;
pub use indicators::{
    Criterion, GroupReachRow, NewPilotModel, PilotModel, Population, ReachList, ReachPerson,
    ReachRow, UnitReport,
};
pub use learning::{
    new_certificate_code, valid_client_id, AttemptOutcome, CertificateRow, CourseProgress,
    DemoPassRow, LearnerSummary, LearningMode, MilestoneReached, NewAttempt, NewCertificate,
};
pub use pilot_notes::ModelNote;
pub use plan::{Activity, UnitRecords};
pub use resident_file::ResidentFile;
pub use students::{Enrolment, Student};
pub use subject::{
    AccessRecord, AccountRecord, Anonymised, AttemptRecord, CertificateRecord, ClassEntry,
    ConsentEntry, DataRequest, GroupRecord, HouseholdRecord, LessonReadRecord, MembershipRecord,
    MilestoneEntry, NewDataRequest, PersonalData, QuestionRecord, ResidentRecord, StudentRecord,
    VisitEntry, COVERED_TABLES, DERIVED_TABLES,
};
pub use units::{Member, MembersAdded, NewMember, NewUnit, UnitOverview, COMMUNE_NAME_KEY};
pub use users::{NewUser, SessionRecord, User};

use sqlx::{Pool, Postgres, Sqlite};

pub type Result<T> = std::result::Result<T, StoreError>;

/// The storage handle: cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Inner,
    audit: AuditWriter,
    /// The question log's group-commit writer (`assistant_log.rs`).
    questions: assistant_log::QuestionWriter,
    pub(crate) hamlets: cache::Cached<Vec<hocvuso_domain::Hamlet>>,
    /// Live sessions by token hash, for a few seconds (`users.rs`).
    pub(crate) sessions: cache::CachedMap<SessionRecord>,
}

#[derive(Clone)]
pub(crate) enum Inner {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

#[derive(Clone)]
pub(crate) struct SqliteStore {
    pub(crate) read: Pool<Sqlite>,
    pub(crate) write: Pool<Sqlite>,
    /// Written in the same transaction as each change ([`Store::audited`]).
    pub(crate) audit: Option<std::sync::Arc<AuditEvent>>,
}

#[derive(Clone)]
pub(crate) struct PgStore {
    pub(crate) read: Pool<Postgres>,
    pub(crate) write: Pool<Postgres>,
    /// Written in the same transaction as each change ([`Store::audited`]).
    pub(crate) audit: Option<std::sync::Arc<AuditEvent>>,
}

impl Store {
    pub fn engine(&self) -> Engine {
        match self.inner {
            Inner::Sqlite(_) => Engine::Sqlite,
            Inner::Postgres(_) => Engine::Postgres,
        }
    }

    /// The batched audit writer of this store (page views: many cost one write).
    pub fn audit(&self) -> &AuditWriter {
        &self.audit
    }

    /// This store, writing `event` into the audit log inside the same
    /// transaction as every change made through it: an import, an edit, an
    /// account or role change is never in the database without its audit
    /// row, nor the row without the change (a crash just after a commit
    /// loses neither). Web handlers and the CLI use it for every write they
    /// must account for; page views keep the batched [`Store::audit`].
    pub fn audited(&self, event: AuditEvent) -> Store {
        let event = Some(std::sync::Arc::new(event));
        let inner = match &self.inner {
            Inner::Sqlite(s) => Inner::Sqlite(SqliteStore {
                audit: event,
                ..s.clone()
            }),
            Inner::Postgres(s) => Inner::Postgres(PgStore {
                audit: event,
                ..s.clone()
            }),
        };
        Store {
            inner,
            ..self.clone()
        }
    }

    /// Write one audit row now and wait for it: before an export's file is
    /// handed out, so no export leaves without its row.
    pub async fn audit_now(&self, event: &AuditEvent) -> Result<()> {
        dispatch!(self, s => s.audit_now(event).await)
    }

    /// Close pools after flushing the audit log.
    pub async fn close(&self) {
        self.audit.flush().await;
        match &self.inner {
            Inner::Sqlite(s) => {
                s.read.close().await;
                s.write.close().await;
            }
            Inner::Postgres(s) => {
                s.read.close().await;
            }
        }
    }
}

//! Who may see or change what, and how far: the one table every role check
//! reads.
//!
//! [`POLICY`] has one row per (resource, action) and one column per role;
//! a cell is the [`Reach`] of that role: nobody, one's own record, one
//! unit's staff, one hamlet, or the whole commune. [`Role::may`] looks a
//! cell up; [`Role::scope`] turns it into the [`ResidentScope`] the store
//! filters by, with the role's own hamlet, unit or record. The `can_*`
//! methods of [`Role`] and [`Role::resident_scope`] are lookups here.
//!
//! A reach says how far a role goes, not that every object is visible: an
//! object outside it is "not found" (the store is asked within the scope),
//! so a URL with another hamlet's resident or another unit's report finds
//! nothing. `web/tests/policy_walk.rs` walks the routes as each role and
//! checks that the handlers answer what this table says.

use crate::auth::{ResidentScope, Role, RoleKind};
use crate::Unit;

/// What a page or form acts on. Each names the routes that read its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// The registry as a list: browse, search and filter (`/so-dan-cu`).
    Registry,
    /// One resident's record (`/cu-dan/{id}`); changing it also adds people
    /// (`/cu-dan/moi`, `/cu-dan/{id}/sua`).
    Residents,
    /// A household and its members (`/ho/{id}`); changing it is adding a
    /// member from its page.
    Households,
    /// Another person's learning: a quiz taken for them
    /// (`/hoc/{course}/kiem-tra?cu_dan=`, changing) and their certificate
    /// (`/hoc/{course}/chung-chi?cu_dan=`, seeing). One's own learning is
    /// one's own.
    OthersLearning,
    /// Spreadsheet import into the registry (`/nhap`...).
    Import,
    /// The registry as a spreadsheet (`/xuat-excel`).
    Export,
    /// Accounts (`/nguoi-dung`).
    Users,
    /// Units and their members (`/don-vi`).
    Units,
    /// Hamlets: add, rename, merge (`/xom`).
    Hamlets,
    /// The set-up checklist and the commune's name (`/thiet-lap`).
    Setup,
    /// A unit's quarterly report (`/bao-cao/don-vi/{unit}`).
    UnitReports,
    /// The status board of unit reports, returning one, and the commune's
    /// report (`/bao-cao`, `/bao-cao/don-vi/{unit}/tra-lai`, `/bao-cao/xa/{file}`).
    CommuneReport,
    /// The indicator dashboard and one indicator (`/chi-tieu`, `/chi-tieu/{code}`).
    Indicators,
    /// The people behind an indicator (`/chi-tieu/{code}/nguoi`).
    IndicatorPeople,
    /// Pilot models (`/mo-hinh`).
    Models,
    /// The assistant's question log and procedure records
    /// (`/tro-ly/cau-hoi`, `/tro-ly/thu-tuc`).
    AssistantReview,
    /// The audit log (`/nhat-ky`).
    AuditLog,
    /// Sensitive personal data (Law 91/2025/QH15): ethnicity, the free-text
    /// notes (which may hold health details) and the target groups derived
    /// from them, on every page and form that shows a resident. Roles
    /// without it see the rest of the record; exports leave these out
    /// unless the office ticks them ([`crate::privacy`]).
    SensitiveFields,
    /// Everything held about one person, as one page and as JSON and PDF
    /// (`/cu-dan/{id}/du-lieu`); changing it is anonymising the record.
    PersonalData,
    /// A person's requests about their data: correction, deletion
    /// (`/cu-dan/{id}/yeu-cau`, `/yeu-cau-du-lieu`); a resident files their
    /// own, the office answers them.
    DataRequests,
    /// Consent per resident and purpose (`/cu-dan/{id}/dong-y`): recorded
    /// by the office, and in their hamlet by the hamlet head and the team
    /// going door to door; a resident gives or withdraws their own.
    Consent,
    /// Personal-data breaches and what to notify within 72 hours
    /// (`/bao-mat/su-co`).
    Breaches,
    /// Door-to-door guidance: the field app's hamlet list, home visits and
    /// people's digital milestones (`/thuc-dia`, `/api/thuc-dia/...`).
    /// The hamlet head and the team work in their hamlet; the office sees
    /// the whole commune and the conflicts between phones.
    FieldWork,
    /// A person's digital milestones on their page (`/cu-dan/{id}`); a
    /// resident says which they reached themself (`/cu-dan/{id}/moc`).
    /// The teams record them in the field app (FieldWork).
    Milestones,
    /// Outreach campaigns of task III.1 and their materials (`/chien-dich`):
    /// staff see them to relay them; the office makes them. Their public
    /// pages and short links need no login.
    Campaigns,
}

impl Resource {
    pub const ALL: [Resource; 25] = [
        Resource::Registry,
        Resource::Residents,
        Resource::Households,
        Resource::OthersLearning,
        Resource::Import,
        Resource::Export,
        Resource::Users,
        Resource::Units,
        Resource::Hamlets,
        Resource::Setup,
        Resource::UnitReports,
        Resource::CommuneReport,
        Resource::Indicators,
        Resource::IndicatorPeople,
        Resource::Models,
        Resource::AssistantReview,
        Resource::AuditLog,
        Resource::SensitiveFields,
        Resource::PersonalData,
        Resource::DataRequests,
        Resource::Consent,
        Resource::Breaches,
        Resource::FieldWork,
        Resource::Milestones,
        Resource::Campaigns,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Open the page, read the record, download the file.
    See,
    /// Create, edit, submit, return, delete.
    Change,
}

impl Action {
    pub const ALL: [Action; 2] = [Action::See, Action::Change];
}

/// How far a role's right goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Not at all.
    None,
    /// One's own record (a resident).
    Own,
    /// The unit one reports for, and its staff.
    Unit,
    /// One's hamlet: its residents, households and units.
    Hamlet,
    /// The whole commune.
    Commune,
}

impl Reach {
    pub fn any(self) -> bool {
        self != Reach::None
    }
}

/// The column of a role in [`POLICY`]: the order of [`RoleKind::ALL`].
fn column(kind: RoleKind) -> usize {
    match kind {
        RoleKind::Admin => 0,
        RoleKind::CultureOffice => 1,
        RoleKind::UnitReporter => 2,
        RoleKind::HamletHead => 3,
        RoleKind::DigitalTeamMember => 4,
        RoleKind::Resident => 5,
    }
}

/// The policy: for each resource and action, the reach of each role, in
/// the order of [`RoleKind::ALL`]. A (resource, action) missing here would
/// be refused to all; the tests require every one to be written out.
#[rustfmt::skip]
pub const POLICY: &[(Resource, Action, [Reach; 6])] = {
    use Action::{Change, See};
    use Reach::{Commune, Hamlet, None as No, Own, Unit};
    use Resource::*;
    &[
        //                         Admin    Office   Unit rep Hamlet   Team     Resident
        (Registry,        See,    [Commune, Commune, Unit,    Hamlet,  Hamlet,  No]),
        (Registry,        Change, [No,      No,      No,      No,      No,      No]),
        (Residents,       See,    [Commune, Commune, Unit,    Hamlet,  Hamlet,  Own]),
        (Residents,       Change, [Commune, Commune, No,      Hamlet,  No,      No]),
        (Households,      See,    [Commune, Commune, Unit,    Hamlet,  Hamlet,  No]),
        (Households,      Change, [Commune, Commune, No,      Hamlet,  No,      No]),
        (OthersLearning,  See,    [Commune, Commune, Unit,    Hamlet,  Hamlet,  No]),
        // Recording a result for someone (and so a certificate) is for the
        // office, and the hamlet head and digital team in their hamlet
        // (README, «Ghi thay»); never a unit's reporter, whose own report
        // counts their staff's certificates.
        (OthersLearning,  Change, [Commune, Commune, No,      Hamlet,  Hamlet,  No]),
        (Import,          See,    [Commune, Commune, No,      No,      No,      No]),
        (Import,          Change, [Commune, Commune, No,      No,      No,      No]),
        (Export,          See,    [Commune, Commune, No,      No,      No,      No]),
        (Export,          Change, [No,      No,      No,      No,      No,      No]),
        (Users,           See,    [Commune, No,      No,      No,      No,      No]),
        (Users,           Change, [Commune, No,      No,      No,      No,      No]),
        (Units,           See,    [Commune, Commune, No,      No,      No,      No]),
        (Units,           Change, [Commune, Commune, No,      No,      No,      No]),
        (Hamlets,         See,    [Commune, Commune, No,      No,      No,      No]),
        (Hamlets,         Change, [Commune, Commune, No,      No,      No,      No]),
        (Setup,           See,    [Commune, Commune, No,      No,      No,      No]),
        (Setup,           Change, [Commune, Commune, No,      No,      No,      No]),
        (UnitReports,     See,    [Commune, Commune, Unit,    Hamlet,  Hamlet,  No]),
        (UnitReports,     Change, [Commune, Commune, Unit,    Hamlet,  Hamlet,  No]),
        (CommuneReport,   See,    [Commune, Commune, No,      No,      No,      No]),
        (CommuneReport,   Change, [Commune, Commune, No,      No,      No,      No]),
        (Indicators,      See,    [Commune, Commune, Commune, Commune, Commune, No]),
        (Indicators,      Change, [No,      No,      No,      No,      No,      No]),
        (IndicatorPeople, See,    [Commune, Commune, No,      Hamlet,  Hamlet,  No]),
        (IndicatorPeople, Change, [No,      No,      No,      No,      No,      No]),
        (Models,          See,    [Commune, Commune, Commune, Commune, Commune, No]),
        (Models,          Change, [Commune, Commune, No,      No,      No,      No]),
        (AssistantReview, See,    [Commune, Commune, No,      No,      No,      No]),
        (AssistantReview, Change, [Commune, Commune, No,      No,      No,      No]),
        (AuditLog,        See,    [Commune, No,      No,      No,      No,      No]),
        (AuditLog,        Change, [No,      No,      No,      No,      No,      No]),
        // Only those who keep the register (and the hamlet head, who knows
        // the households) see ethnicity and notes; a unit's reporter and
        // the digital team see a person without them.
        (SensitiveFields, See,    [Commune, Commune, No,      Hamlet,  No,      Own]),
        (SensitiveFields, Change, [Commune, Commune, No,      Hamlet,  No,      No]),
        (PersonalData,    See,    [Commune, No,      No,      No,      No,      Own]),
        (PersonalData,    Change, [Commune, No,      No,      No,      No,      No]),
        (DataRequests,    See,    [Commune, No,      No,      No,      No,      Own]),
        (DataRequests,    Change, [Commune, No,      No,      No,      No,      Own]),
        (Consent,         See,    [Commune, Commune, No,      Hamlet,  Hamlet,  Own]),
        (Consent,         Change, [Commune, Commune, No,      Hamlet,  Hamlet,  Own]),
        (Breaches,        See,    [Commune, No,      No,      No,      No,      No]),
        (Breaches,        Change, [Commune, No,      No,      No,      No,      No]),
        (FieldWork,       See,    [Commune, Commune, No,      Hamlet,  Hamlet,  No]),
        (FieldWork,       Change, [Commune, Commune, No,      Hamlet,  Hamlet,  No]),
        (Milestones,      See,    [Commune, Commune, Unit,    Hamlet,  Hamlet,  Own]),
        (Milestones,      Change, [No,      No,      No,      No,      No,      Own]),
        (Campaigns,       See,    [Commune, Commune, Commune, Commune, Commune, No]),
        (Campaigns,       Change, [Commune, Commune, No,      No,      No,      No]),
    ]
};

impl Role {
    /// How far this role may take `action` on `resource`: its cell in [`POLICY`].
    pub fn may(&self, action: Action, resource: Resource) -> Reach {
        POLICY
            .iter()
            .find(|(r, a, _)| *r == resource && *a == action)
            .map_or(Reach::None, |(_, _, reach)| reach[column(self.kind())])
    }

    /// Whether this role may take `action` on `resource` anywhere at all.
    pub fn allowed(&self, action: Action, resource: Resource) -> bool {
        self.may(action, resource).any()
    }

    /// The people this role may take `action` on through `resource`, with
    /// its own hamlet, unit or record; `None` when refused, or when the
    /// reach does not fit the role (a hamlet's reach for a role with no hamlet).
    pub fn scope(&self, action: Action, resource: Resource) -> Option<ResidentScope> {
        match (self.may(action, resource), *self) {
            (Reach::Commune, _) => Some(ResidentScope::All),
            (Reach::Hamlet, Role::HamletHead { hamlet_id })
            | (Reach::Hamlet, Role::DigitalTeamMember { hamlet_id }) => {
                Some(ResidentScope::Hamlet(hamlet_id))
            }
            (Reach::Unit, Role::UnitReporter { unit_id }) => {
                Some(ResidentScope::UnitStaff(unit_id))
            }
            (Reach::Own, Role::Resident { resident_id }) => Some(ResidentScope::Own(resident_id)),
            _ => None,
        }
    }

    /// Whether `unit` is within this role's reach for `action` on `resource`:
    /// the whole commune, one's own unit, or a unit of one's hamlet.
    pub fn reaches_unit(&self, action: Action, resource: Resource, unit: &Unit) -> bool {
        match self.may(action, resource) {
            Reach::Commune => true,
            Reach::Unit => self.unit_id() == Some(unit.id),
            Reach::Hamlet => self.hamlet_id().is_some() && unit.hamlet_id == self.hamlet_id(),
            Reach::Own | Reach::None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnitType;

    /// One role of each kind, tied to hamlet 1, unit 2 or resident 3.
    fn roles() -> [Role; 6] {
        [
            Role::Admin,
            Role::CultureOffice,
            Role::UnitReporter { unit_id: 2 },
            Role::HamletHead { hamlet_id: 1 },
            Role::DigitalTeamMember { hamlet_id: 1 },
            Role::Resident { resident_id: 3 },
        ]
    }

    #[test]
    fn every_role_resource_and_action_has_exactly_one_cell() {
        for (i, kind) in RoleKind::ALL.into_iter().enumerate() {
            assert_eq!(column(kind), i, "{kind:?}");
        }
        for (i, role) in roles().into_iter().enumerate() {
            assert_eq!(role.kind(), RoleKind::ALL[i]);
        }
        for resource in Resource::ALL {
            for action in Action::ALL {
                let rows = POLICY
                    .iter()
                    .filter(|(r, a, _)| *r == resource && *a == action)
                    .count();
                assert_eq!(rows, 1, "{resource:?} {action:?}");
            }
        }
        assert_eq!(POLICY.len(), Resource::ALL.len() * Action::ALL.len());
    }

    #[test]
    fn a_reach_fits_the_role() {
        for role in roles() {
            for resource in Resource::ALL {
                for action in Action::ALL {
                    let reach = role.may(action, resource);
                    let fits = match reach {
                        Reach::None | Reach::Commune => true,
                        Reach::Own => role.resident_id().is_some(),
                        Reach::Unit => role.unit_id().is_some(),
                        Reach::Hamlet => role.hamlet_id().is_some(),
                    };
                    assert!(fits, "{role:?} {action:?} {resource:?}: {reach:?}");
                    assert_eq!(
                        role.scope(action, resource).is_some(),
                        reach.any(),
                        "{role:?} {action:?} {resource:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn residents_never_reach_beyond_their_own_record() {
        let me = Role::Resident { resident_id: 3 };
        for resource in Resource::ALL {
            for action in Action::ALL {
                let reach = me.may(action, resource);
                assert!(
                    matches!(reach, Reach::None | Reach::Own),
                    "{action:?} {resource:?}: {reach:?}"
                );
            }
        }
        assert_eq!(me.may(Action::See, Resource::Residents), Reach::Own);
        assert_eq!(me.may(Action::Change, Resource::Residents), Reach::None);
    }

    #[test]
    fn only_the_admin_manages_accounts_and_reads_the_log() {
        for role in roles() {
            let admin = role == Role::Admin;
            assert_eq!(
                role.allowed(Action::See, Resource::Users),
                admin,
                "{role:?}"
            );
            assert_eq!(
                role.allowed(Action::Change, Resource::Users),
                admin,
                "{role:?}"
            );
            assert_eq!(
                role.allowed(Action::See, Resource::AuditLog),
                admin,
                "{role:?}"
            );
        }
    }

    #[test]
    fn results_are_recorded_for_others_only_by_the_roles_the_readme_names() {
        // «Ghi thay»: the office, hamlet heads and digital team members. A
        // unit's reporter would certify the staff whose numbers they report.
        for role in roles() {
            let records = role.allowed(Action::Change, Resource::OthersLearning);
            let named = matches!(
                role,
                Role::Admin
                    | Role::CultureOffice
                    | Role::HamletHead { .. }
                    | Role::DigitalTeamMember { .. }
            );
            assert_eq!(records, named, "{role:?}");
        }
        let reporter = Role::UnitReporter { unit_id: 2 };
        assert_eq!(
            reporter.may(Action::See, Resource::OthersLearning),
            Reach::Unit
        );
        assert_eq!(
            reporter.scope(Action::Change, Resource::OthersLearning),
            None
        );
    }

    #[test]
    fn what_nobody_changes() {
        for resource in [
            Resource::Registry,
            Resource::Export,
            Resource::Indicators,
            Resource::IndicatorPeople,
            Resource::AuditLog,
        ] {
            for role in roles() {
                assert!(
                    !role.allowed(Action::Change, resource),
                    "{role:?} {resource:?}"
                );
            }
        }
    }

    #[test]
    fn who_changes_sees_as_far() {
        for role in roles() {
            for resource in Resource::ALL {
                let change = role.may(Action::Change, resource);
                if change.any() {
                    assert_eq!(
                        role.may(Action::See, resource),
                        change,
                        "{role:?} {resource:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn people_are_reached_no_further_than_their_records() {
        // Lists, households and learning of others show residents: never
        // beyond the residents the role may see.
        for role in roles() {
            let records = role.may(Action::See, Resource::Residents);
            assert!(records.any(), "{role:?} sees at least a record");
            for resource in [
                Resource::Registry,
                Resource::Households,
                Resource::OthersLearning,
                Resource::IndicatorPeople,
            ] {
                for action in Action::ALL {
                    let reach = role.may(action, resource);
                    assert!(
                        reach == Reach::None || reach == records,
                        "{role:?} {action:?} {resource:?}: {reach:?}, records {records:?}"
                    );
                }
            }
        }
    }

    /// The rules as they were written before the table, one method each:
    /// the lookups answer the same for every role.
    #[test]
    fn the_role_methods_read_the_table() {
        for role in roles() {
            let office = matches!(role, Role::Admin | Role::CultureOffice);
            assert_eq!(
                role.can_edit_residents(),
                office || matches!(role, Role::HamletHead { .. }),
                "{role:?}"
            );
            assert_eq!(role.can_import_export(), office, "{role:?}");
            assert_eq!(role.can_manage_users(), role == Role::Admin, "{role:?}");
            assert_eq!(role.can_manage_reports(), office, "{role:?}");
            assert_eq!(
                role.can_list_residents(),
                !matches!(role, Role::Resident { .. }),
                "{role:?}"
            );
            let scope = match role {
                Role::Admin | Role::CultureOffice => ResidentScope::All,
                Role::HamletHead { hamlet_id } | Role::DigitalTeamMember { hamlet_id } => {
                    ResidentScope::Hamlet(hamlet_id)
                }
                Role::UnitReporter { unit_id } => ResidentScope::UnitStaff(unit_id),
                Role::Resident { resident_id } => ResidentScope::Own(resident_id),
            };
            assert_eq!(role.resident_scope(), scope, "{role:?}");
        }
    }

    #[test]
    fn unit_reports_within_reach() {
        let unit = |id, hamlet_id| Unit {
            id,
            name: "Chi hội".into(),
            unit_type: UnitType::Hamlet,
            hamlet_id,
            active: true,
            school_level: None,
            created_on: None,
        };
        let own_unit = unit(2, None);
        let other_unit = unit(5, None);
        let in_hamlet = unit(6, Some(1));
        let other_hamlet = unit(7, Some(9));
        for role in roles() {
            let expected = match role {
                Role::Admin | Role::CultureOffice => [true, true, true, true],
                Role::UnitReporter { .. } => [true, false, false, false],
                Role::HamletHead { .. } | Role::DigitalTeamMember { .. } => {
                    [false, false, true, false]
                }
                Role::Resident { .. } => [false; 4],
            };
            let got =
                [&own_unit, &other_unit, &in_hamlet, &other_hamlet].map(|u| role.can_report_for(u));
            assert_eq!(got, expected, "{role:?}");
        }
    }
}

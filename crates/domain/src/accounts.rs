//! Accounts made for people in the register: which roles a person's
//! memberships allow, the username made from their name, and the one-time
//! password they change at their first login.
//!
//! The admin and the culture office are not here: those accounts are made
//! on the users page, by hand, as before.

use crate::{Id, Role, UnitType};

/// One unit a person belongs to, as far as accounts care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub unit_id: Id,
    pub unit_type: UnitType,
    /// The hamlet of a hamlet's unit or of a community digital team.
    pub hamlet_id: Option<Id>,
    /// The position in the unit ("Trưởng xóm", "Tổ trưởng"), may be empty.
    pub position: String,
    /// A stopped unit reports nothing: it gives no unit role.
    pub active: bool,
}

/// Whether a member of a hamlet's own unit is its head (trưởng xóm). The
/// hamlet's unit is where its head is recorded: a member with no position
/// written is the head, and so is one whose position starts with "trưởng"
/// (trưởng xóm, trưởng thôn, trưởng bản), but not "phó trưởng xóm" or
/// "bí thư chi bộ".
pub fn is_hamlet_head_position(position: &str) -> bool {
    let p = vntext::fold(position);
    p.is_empty() || p.starts_with("truong")
}

/// The roles an account for this person may have, most specific first and
/// without repeats: a member of a hamlet's community digital team may be a
/// team member of that hamlet, the head of a hamlet its hamlet head, a
/// member of any active unit that unit's reporter, and everyone a resident
/// who sees their own record.
pub fn roles_for(resident_id: Id, memberships: &[Membership]) -> Vec<Role> {
    let mut roles = Vec::new();
    let mut push = |r: Role| {
        if !roles.contains(&r) {
            roles.push(r);
        }
    };
    let active = || memberships.iter().filter(|m| m.active);
    for m in active() {
        if let (UnitType::DigitalTeam, Some(hamlet_id)) = (m.unit_type, m.hamlet_id) {
            push(Role::DigitalTeamMember { hamlet_id });
        }
    }
    for m in active() {
        if let (UnitType::Hamlet, Some(hamlet_id)) = (m.unit_type, m.hamlet_id) {
            if is_hamlet_head_position(&m.position) {
                push(Role::HamletHead { hamlet_id });
            }
        }
    }
    for m in active() {
        push(Role::UnitReporter { unit_id: m.unit_id });
    }
    push(Role::Resident { resident_id });
    roles
}

/// Shortest and longest username, as the users page accepts them.
pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 40;

/// Room left after the name for a number ("nguyenvanan12").
const SUFFIX_ROOM: usize = 4;

/// The username a person's name gives before any number: the name without
/// diacritics or spaces, lowercase ("Nguyễn Văn An" → "nguyenvanan",
/// "Đặng Thị Ánh" → "dangthianh"). A name too short is prefixed with
/// "nguoidung"; one too long is cut.
pub fn username_base(full_name: &str) -> String {
    let mut base: String = vntext::fold(full_name)
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .take(USERNAME_MAX - SUFFIX_ROOM)
        .collect();
    if base.len() < USERNAME_MIN {
        base = format!("nguoidung{base}");
    }
    base
}

/// The first username from a name that is not taken: the base, then the
/// base with 2, 3... ("nguyenvanan", "nguyenvanan2").
pub fn free_username(full_name: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = username_base(full_name);
    if !taken(&base) {
        return base;
    }
    (2u32..)
        .map(|n| format!("{base}{n}"))
        .find(|u| !taken(u))
        .unwrap_or(base)
}

/// Letters and digits of a one-time password: lowercase (easy on a phone)
/// without those read one for another on paper (0 and o, 1 and l and i).
pub const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Groups of four characters in a one-time password ("k7mq-3hfa-x9pe"):
/// 12 characters from 31, about 59 bits.
const PASSWORD_GROUPS: usize = 3;
const GROUP_LEN: usize = 4;

/// A one-time password, drawn with `pick(n)`, which returns a uniformly
/// random number below `n` (the caller's random generator: the domain does
/// no I/O). Always passes [`crate::validate_password`].
pub fn one_time_password(mut pick: impl FnMut(usize) -> usize) -> String {
    loop {
        let groups: Vec<String> = (0..PASSWORD_GROUPS)
            .map(|_| {
                (0..GROUP_LEN)
                    .map(|_| {
                        let i = pick(PASSWORD_ALPHABET.len()) % PASSWORD_ALPHABET.len();
                        char::from(PASSWORD_ALPHABET[i])
                    })
                    .collect()
            })
            .collect();
        let password = groups.join("-");
        if crate::validate_password(&password).is_ok() {
            return password;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(
        unit_id: Id,
        unit_type: UnitType,
        hamlet_id: Option<Id>,
        position: &str,
    ) -> Membership {
        Membership {
            unit_id,
            unit_type,
            hamlet_id,
            position: position.into(),
            active: true,
        }
    }

    #[test]
    fn a_team_member_may_be_a_team_member_of_the_hamlet_a_reporter_or_a_resident() {
        let roles = roles_for(7, &[member(30, UnitType::DigitalTeam, Some(3), "Tổ phó")]);
        assert_eq!(
            roles,
            vec![
                Role::DigitalTeamMember { hamlet_id: 3 },
                Role::UnitReporter { unit_id: 30 },
                Role::Resident { resident_id: 7 },
            ]
        );
    }

    #[test]
    fn the_head_of_a_hamlet_is_recorded_in_the_hamlets_unit() {
        for position in ["", "Trưởng xóm", "trưởng thôn", "TRUONG XOM"] {
            let roles = roles_for(7, &[member(20, UnitType::Hamlet, Some(3), position)]);
            assert_eq!(roles[0], Role::HamletHead { hamlet_id: 3 }, "{position}");
        }
        for position in ["Phó trưởng xóm", "Bí thư chi bộ"] {
            let roles = roles_for(7, &[member(20, UnitType::Hamlet, Some(3), position)]);
            assert_eq!(
                roles,
                vec![
                    Role::UnitReporter { unit_id: 20 },
                    Role::Resident { resident_id: 7 }
                ],
                "{position}"
            );
        }
    }

    #[test]
    fn anyone_may_have_a_residents_account_and_only_active_units_give_more() {
        assert_eq!(roles_for(9, &[]), vec![Role::Resident { resident_id: 9 }]);
        let mut school = member(5, UnitType::School, None, "Giáo viên");
        assert_eq!(
            roles_for(9, &[school.clone()])[0],
            Role::UnitReporter { unit_id: 5 }
        );
        school.active = false;
        assert_eq!(
            roles_for(9, &[school]),
            vec![Role::Resident { resident_id: 9 }]
        );
        // A team without a hamlet gives no hamlet role; the office never comes from here.
        let roles = roles_for(9, &[member(6, UnitType::DigitalTeam, None, "")]);
        assert_eq!(
            roles,
            vec![
                Role::UnitReporter { unit_id: 6 },
                Role::Resident { resident_id: 9 }
            ]
        );
        let office = member(1, UnitType::CultureSocietyOffice, None, "Trưởng phòng");
        assert!(!roles_for(9, &[office])
            .iter()
            .any(|r| matches!(r, Role::Admin | Role::CultureOffice)));
    }

    #[test]
    fn several_memberships_give_each_role_once() {
        let roles = roles_for(
            4,
            &[
                member(30, UnitType::DigitalTeam, Some(3), ""),
                member(20, UnitType::Hamlet, Some(3), "Trưởng xóm"),
                member(30, UnitType::DigitalTeam, Some(3), ""),
            ],
        );
        assert_eq!(
            roles,
            vec![
                Role::DigitalTeamMember { hamlet_id: 3 },
                Role::HamletHead { hamlet_id: 3 },
                Role::UnitReporter { unit_id: 30 },
                Role::UnitReporter { unit_id: 20 },
                Role::Resident { resident_id: 4 },
            ]
        );
    }

    #[test]
    fn usernames_come_from_the_name_without_diacritics() {
        assert_eq!(username_base("Nguyễn Văn An"), "nguyenvanan");
        assert_eq!(username_base("Đặng Thị Ánh"), "dangthianh");
        assert_eq!(username_base("  Lò   Văn  Ðức "), "lovanduc");
        assert_eq!(username_base("H'Hen Niê"), "hhennie");
        assert_eq!(username_base("Y"), "nguoidungy");
        assert_eq!(username_base("—"), "nguoidung");
        let long = username_base(&"Tôn Nữ Thị ".repeat(10));
        assert_eq!(long.len(), USERNAME_MAX - SUFFIX_ROOM);
        let taken = ["nguyenvanan", "nguyenvanan2"];
        assert_eq!(
            free_username("Nguyễn Văn An", |u| taken.contains(&u)),
            "nguyenvanan3"
        );
        assert_eq!(
            free_username("Nguyễn Văn Bình", |u| taken.contains(&u)),
            "nguyenvanbinh"
        );
        for u in [free_username("Nguyễn Văn An", |u| taken.contains(&u)), long] {
            assert!((USERNAME_MIN..=USERNAME_MAX).contains(&u.len()), "{u}");
            assert!(
                u.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{u}"
            );
        }
    }

    #[test]
    fn one_time_passwords_are_readable_and_pass_the_policy() {
        let mut seed = 12345u64;
        let mut pick = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n
        };
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let p = one_time_password(&mut pick);
            assert_eq!(p.len(), 14, "{p}");
            assert!(crate::validate_password(&p).is_ok(), "{p}");
            assert!(!p.contains(['0', 'o', 'O', '1', 'l', 'I', 'i']), "{p}");
            assert!(p.split('-').all(|g| g.len() == 4), "{p}");
            seen.insert(p);
        }
        assert_eq!(seen.len(), 200);
        // A generator that always says 0 still gives a valid password.
        assert!(crate::validate_password(&one_time_password(|_| 0)).is_ok());
    }
}

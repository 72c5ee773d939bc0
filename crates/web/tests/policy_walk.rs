//! The routes walked as every role: each answer is what the policy table
//! (`hocvuso_domain::policy::POLICY`, read through `Role::may`) says, so the
//! test fails when the table and a handler disagree. Nothing here says what
//! a given role may do: a refused role gets the route's refusal (403, or 404
//! where the route hides that the object exists), an object outside the
//! role's reach is "not found", anything else is the route's answer.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use hocvuso_domain::policy::{Action, Reach, Resource};
use hocvuso_domain::{ResidentFilter, ResidentScope, Role, Unit};
use reqwest::StatusCode;

/// Where the object of a request lies, to tell whether a reach covers it.
#[derive(Debug, Clone, Default)]
struct Place {
    /// A page of the commune as a whole (each role sees its part of it).
    everywhere: bool,
    hamlet: Option<i64>,
    /// Units the object is (a unit) or belongs to (a person, a household).
    units: Vec<i64>,
    /// The residents the object is about.
    residents: Vec<i64>,
}

impl Place {
    fn everywhere() -> Self {
        Place {
            everywhere: true,
            ..Place::default()
        }
    }

    fn hamlet(id: i64) -> Self {
        Place {
            hamlet: Some(id),
            ..Place::default()
        }
    }

    fn unit(u: &Unit) -> Self {
        Place {
            hamlet: u.hamlet_id,
            units: vec![u.id],
            ..Place::default()
        }
    }

    /// Whether the role's reach covers this place: the commune covers all,
    /// a hamlet its own objects, a unit itself and its staff, "own" one's
    /// own record.
    fn within(&self, role: Role, reach: Reach) -> bool {
        match reach {
            Reach::None => false,
            _ if self.everywhere => true,
            Reach::Commune => true,
            Reach::Hamlet => role.hamlet_id().is_some() && self.hamlet == role.hamlet_id(),
            Reach::Unit => role.unit_id().is_some_and(|u| self.units.contains(&u)),
            Reach::Own => role
                .resident_id()
                .is_some_and(|r| self.residents.contains(&r)),
        }
    }
}

/// One request and the row of the table it is about.
struct Check {
    post: Option<Vec<(&'static str, String)>>,
    path: String,
    action: Action,
    resource: Resource,
    place: Place,
    /// The answer when allowed: a page (200), a redirect after a change
    /// (303), or 400 for a form sent incomplete on purpose (the handler got
    /// past the role check; nothing is written).
    ok: StatusCode,
    /// The answer when the table gives the role no reach at all.
    refused: StatusCode,
}

impl Check {
    fn get(path: impl Into<String>, action: Action, resource: Resource, place: Place) -> Self {
        Check {
            post: None,
            path: path.into(),
            action,
            resource,
            place,
            ok: StatusCode::OK,
            refused: StatusCode::FORBIDDEN,
        }
    }

    fn post(path: impl Into<String>, resource: Resource, form: &[(&'static str, &str)]) -> Self {
        Check {
            post: Some(form.iter().map(|(k, v)| (*k, v.to_string())).collect()),
            ok: StatusCode::BAD_REQUEST,
            ..Check::get(path, Action::Change, resource, Place::everywhere())
        }
    }

    fn at(mut self, place: Place) -> Self {
        self.place = place;
        self
    }

    fn ok(mut self, status: StatusCode) -> Self {
        self.ok = status;
        self
    }

    /// The route hides the object from a refused role: 404, not 403.
    fn hidden(mut self) -> Self {
        self.refused = StatusCode::NOT_FOUND;
        self
    }

    fn expected(&self, role: Role) -> StatusCode {
        let reach = role.may(self.action, self.resource);
        if reach == Reach::None {
            self.refused
        } else if self.place.within(role, reach) {
            self.ok
        } else {
            StatusCode::NOT_FOUND
        }
    }
}

/// A person's place: their hamlet, the units they serve in, themselves.
async fn person(app: &TestApp, id: i64) -> Place {
    let r = app
        .store
        .get_resident(ResidentScope::All, id)
        .await
        .unwrap()
        .expect("resident");
    Place {
        everywhere: false,
        hamlet: Some(r.hamlet_id),
        units: app.store.unit_member_ids(id).await.unwrap(),
        residents: vec![id],
    }
}

/// A household's place: its members, wherever they serve.
async fn household(app: &TestApp, id: i64) -> Place {
    let members = app
        .store
        .list_residents(
            ResidentScope::All,
            &ResidentFilter {
                household_id: Some(id),
                ..ResidentFilter::default()
            },
            1,
            100,
        )
        .await
        .unwrap()
        .items;
    let mut place = Place {
        hamlet: members.first().map(|r| r.hamlet_id),
        ..Place::default()
    };
    for m in members {
        place.residents.push(m.id);
        place
            .units
            .extend(app.store.unit_member_ids(m.id).await.unwrap());
    }
    place
}

/// The accounts walked: one per role (a unit's reporter added here).
const USERS: [&str; 6] = [
    "admin",
    "vhxh",
    "baocao",
    "truongxom",
    "tocnscd",
    "nguoidan",
];

/// A commune unit (no hamlet) with staff, another commune unit, and a unit
/// of each of the first two hamlets.
struct Units {
    reporting: Unit,
    other: Unit,
    in_hamlet: Unit,
    elsewhere: Unit,
}

async fn units(app: &TestApp) -> Units {
    let all: Vec<Unit> = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.active)
        .collect();
    let mut reporting = None;
    for u in all.iter().filter(|u| u.hamlet_id.is_none()) {
        if !app.store.members_of(u.id).await.unwrap().is_empty() {
            reporting = Some(u.clone());
            break;
        }
    }
    let reporting = reporting.expect("a commune unit with staff");
    let find = |f: &dyn Fn(&Unit) -> bool| all.iter().find(|u| f(u)).cloned().expect("unit");
    Units {
        other: find(&|u| u.hamlet_id.is_none() && u.id != reporting.id),
        in_hamlet: find(&|u| u.hamlet_id == Some(app.hamlets[0])),
        elsewhere: find(&|u| u.hamlet_id == Some(app.hamlets[1])),
        reporting,
    }
}

async fn checks(app: &TestApp, u: &Units) -> Vec<Check> {
    use Action::{Change, See};
    use Resource::*;
    let own = app
        .store
        .find_user("nguoidan")
        .await
        .unwrap()
        .expect("user")
        .0
        .role
        .resident_id()
        .expect("a resident's account");
    let here = app.resident_in(app.hamlets[0]).await;
    let far = app.resident_in(app.hamlets[2]).await;
    let staff = app
        .store
        .members_of(u.reporting.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.resident_id)
        .find(|id| *id != own)
        .expect("a staff member");
    let people = [here.id, own, far.id, staff];
    let mut out = vec![
        Check::get("/so-dan-cu", See, Registry, Place::everywhere()),
        Check::get("/cu-dan/moi", Change, Residents, Place::everywhere()),
        Check::get("/xuat-excel", See, Export, Place::everywhere()),
        Check::get("/nhap", See, Import, Place::everywhere()),
        Check::get("/nhap/mau.xlsx", See, Import, Place::everywhere()),
        Check::get("/nguoi-dung", See, Users, Place::everywhere()),
        Check::get("/don-vi", See, Units, Place::everywhere()),
        Check::get("/xom", See, Hamlets, Place::everywhere()),
        Check::get("/thiet-lap", See, Setup, Place::everywhere()),
        Check::get("/bao-cao", See, CommuneReport, Place::everywhere()),
        Check::get(
            "/bao-cao/xa/xlsx?quy=2026Q2",
            See,
            CommuneReport,
            Place::everywhere(),
        ),
        Check::get("/chi-tieu", See, Indicators, Place::everywhere()),
        Check::get("/chi-tieu/3", See, Indicators, Place::everywhere()),
        Check::get(
            "/chi-tieu/3/nguoi",
            See,
            IndicatorPeople,
            Place::everywhere(),
        ),
        Check::get(
            format!("/chi-tieu/3/nguoi?xom={}", app.hamlets[1]),
            See,
            IndicatorPeople,
            Place::hamlet(app.hamlets[1]),
        ),
        Check::get("/mo-hinh", See, Models, Place::everywhere()),
        Check::get("/tro-ly/cau-hoi", See, AssistantReview, Place::everywhere()),
        Check::get("/tro-ly/thu-tuc", See, AssistantReview, Place::everywhere()),
        Check::get(
            "/tro-ly/thu-tuc/1.000894",
            Change,
            AssistantReview,
            Place::everywhere(),
        ),
        Check::get("/nhat-ky", See, AuditLog, Place::everywhere()),
    ];
    for id in people {
        let place = person(app, id).await;
        out.push(Check::get(format!("/cu-dan/{id}"), See, Residents, place.clone()).hidden());
        out.push(Check::get(
            format!("/cu-dan/{id}/sua"),
            Change,
            Residents,
            place.clone(),
        ));
        if id != own {
            // Another person's quiz, taken for them (one's own is one's own).
            out.push(
                Check::get(
                    format!("/hoc/vneid-danh-tinh-so/kiem-tra?cu_dan={id}"),
                    Change,
                    OthersLearning,
                    place,
                )
                .hidden(),
            );
        }
    }
    for r in [&here, &far] {
        let place = household(app, r.household_id).await;
        out.push(Check::get(format!("/ho/{}", r.household_id), See, Households, place).hidden());
    }
    for unit in [&u.reporting, &u.other, &u.in_hamlet, &u.elsewhere] {
        out.push(
            Check::get(
                format!("/don-vi/{}", unit.id),
                See,
                Units,
                Place::unit(unit),
            )
            .hidden(),
        );
        out.push(
            Check::get(
                format!("/bao-cao/don-vi/{}", unit.id),
                See,
                UnitReports,
                Place::unit(unit),
            )
            .hidden(),
        );
        // A draft saved: harmless, and the same for whoever saves it.
        out.push(
            Check::post(
                format!("/bao-cao/don-vi/{}", unit.id),
                UnitReports,
                &[("quy", "2026Q2"), ("hanh_dong", "luu")],
            )
            .at(Place::unit(unit))
            .ok(StatusCode::SEE_OTHER)
            .hidden(),
        );
    }
    // Forms sent incomplete on purpose: 400 once past the role check.
    let hamlet = app.hamlets[0].to_string();
    out.extend([
        Check::post(
            format!("/bao-cao/don-vi/{}/tra-lai", u.reporting.id),
            CommuneReport,
            &[("quy", "2026Q2"), ("ly_do", "")],
        ),
        Check::post("/mo-hinh", Models, &[("loai", "")]),
        Check::post(format!("/xom/{hamlet}/doi-ten"), Hamlets, &[("name", "")]),
        Check::post("/thiet-lap/xa", Setup, &[("commune", ""), ("province", "")]),
        Check::post("/nguoi-dung", Users, &[("username", "x")]),
        Check::post("/don-vi", Units, &[("name", "")]),
    ]);
    // Staff and class lists from Excel: the office's, hidden from others (a
    // class list for a unit that is not a school: 400 past the role check).
    for (kind, ok) in [
        ("can-bo", StatusCode::OK),
        ("hoc-sinh", StatusCode::BAD_REQUEST),
    ] {
        out.push(
            Check::get(
                format!("/don-vi/{}/nhap-danh-sach?loai={kind}", u.reporting.id),
                Change,
                Import,
                Place::everywhere(),
            )
            .ok(ok)
            .hidden(),
        );
    }
    // Accounts linked to people: the admin's. A role not chosen, a batch
    // for a unit that is not a team: 400 once past the role check.
    out.extend([
        Check::get(
            format!("/cu-dan/{}/tai-khoan", here.id),
            Change,
            Users,
            Place::everywhere(),
        ),
        Check::post(format!("/cu-dan/{}/tai-khoan", here.id), Users, &[]),
        Check::post(format!("/don-vi/{}/tai-khoan", u.reporting.id), Users, &[]),
    ]);
    let other = app
        .store
        .find_user("moi")
        .await
        .unwrap()
        .expect("user")
        .0
        .id;
    out.push(
        Check::post(format!("/nguoi-dung/{other}/cho-dang-nhap"), Users, &[]).ok(StatusCode::OK),
    );
    out
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_policy_says() {
    let app = spawn_app().await;
    let u = units(&app).await;
    add_user(
        &app.store,
        "baocao",
        Role::UnitReporter {
            unit_id: u.reporting.id,
        },
        false,
    )
    .await;
    let checks = checks(&app, &u).await;
    let mut wrong = Vec::new();
    let mut kinds = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for username in USERS {
        let role = app
            .store
            .find_user(username)
            .await
            .unwrap()
            .expect("user")
            .0
            .role;
        kinds.push(role.kind());
        let (c, csrf) = app.login(username).await;
        for check in &checks {
            let r = match &check.post {
                None => c.get(app.url(&check.path)).send().await.unwrap(),
                Some(form) => {
                    let mut form = form.clone();
                    form.push(("csrf", csrf.clone()));
                    c.post(app.url(&check.path))
                        .form(&form)
                        .send()
                        .await
                        .unwrap()
                }
            };
            let status = r.status();
            seen.insert(status.as_u16());
            let body = r.text().await.unwrap_or_default();
            let expected = check.expected(role);
            // A 403 is the policy's refusal, not a stale form token.
            let refusal =
                status != StatusCode::FORBIDDEN || body.contains("Bạn không có quyền làm việc này");
            if status != expected || !refusal {
                wrong.push(format!(
                    "{username} ({:?}) {} {}: {status}, the table says {expected} ({:?} {:?}: {:?})",
                    role.kind(),
                    if check.post.is_some() { "POST" } else { "GET" },
                    check.path,
                    check.action,
                    check.resource,
                    role.may(check.action, check.resource),
                ));
            }
        }
    }
    assert_eq!(
        kinds,
        hocvuso_domain::RoleKind::ALL.to_vec(),
        "one account per role"
    );
    // Every kind of answer came up: pages, redirects, refused forms,
    // refusals and objects out of reach.
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [200, 303, 400, 403, 404],
        "answers seen"
    );
    assert!(
        wrong.is_empty(),
        "{} of {} answers differ from the policy:\n{}",
        wrong.len(),
        checks.len() * USERS.len(),
        wrong.join("\n")
    );
}

/// Without a session, or before the one-time password is changed, no route
/// of the walk answers anything but the way to log in.
#[tokio::test]
async fn no_route_is_reached_before_logging_in_properly() {
    let app = spawn_app().await;
    let u = units(&app).await;
    let checks = checks(&app, &u).await;
    let anonymous = client();
    let (fresh, _) = {
        let c = client();
        let (status, to) = app.login_status(&c, "moi", PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        (c, to)
    };
    for check in checks.iter().filter(|c| c.post.is_none()) {
        for (c, to) in [(&anonymous, "/dang-nhap"), (&fresh, "/doi-mat-khau")] {
            let r = c.get(app.url(&check.path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", check.path);
            assert_eq!(r.headers()["location"], to, "{}", check.path);
        }
    }
}

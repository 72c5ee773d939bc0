//! Every route the server serves and what it acts on: one row per method,
//! path and (where the query or form names another object) variant.
//!
//! A row says which cell of the policy table
//! ([`hocvuso_domain::policy::POLICY`]) governs the route, or that the route
//! is open to everyone ([`Rule::Public`]), to any session ([`Rule::Session`])
//! or to any logged-in user for their own things ([`Rule::LoggedIn`]). The
//! handlers do not read this table: `web/tests/policy_walk.rs` does. It finds
//! the routes in this crate's sources itself, fails when a route has no row
//! here (or a row no route), and walks every row as every role, with
//! objects inside and outside each role's reach, expecting what the policy
//! table says.
//!
//! So a new route is one row here: its path exactly as in `.route(..)`, what
//! each `{..}` of the path names ([`Object`]), the rule, and for a form a
//! few fields that get it past the extractor to the role check without
//! writing anything (a required field left empty, say).

use axum::http::StatusCode;
use hocvuso_domain::policy::{Action, Resource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Everyone, logged in or not: logging in, the assistant, courses and
    /// lessons, certificate verification, static files, health.
    Public,
    /// Any session, even one whose one-time password is still to be
    /// changed: the password change and logging out.
    Session,
    /// Any logged-in user, for their own things: the home redirect, one's
    /// own quiz and certificate.
    LoggedIn,
    /// The cell of the policy table for this action on this resource.
    Policy(Action, Resource),
}

/// What a `{..}` of a path, or the query or form field of
/// [`Route::with`], names. The walk fills it with objects of the kind:
/// people, households, units and hamlets inside and outside each role's
/// reach, and others' jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    Resident,
    Household,
    Unit,
    Hamlet,
    /// A login account (`/nguoi-dung/{id}`).
    Account,
    /// A course (`/hoc/{course}`) and one of its lessons.
    Course,
    Lesson,
    /// A certificate's public code (`/xac-thuc/{code}`).
    Certificate,
    /// An indicator's code (`/chi-tieu/{code}`).
    Indicator,
    /// A procedure record's code (`/tro-ly/thu-tuc/{code}`).
    Procedure,
    /// The commune report's format (`/bao-cao/xa/{file}`).
    ReportFile,
    PilotModel,
    /// A personal-data breach recorded (`/bao-mat/su-co/{id}`).
    Breach,
    /// A person's request about their data (`/yeu-cau-du-lieu/{id}`).
    DataRequest,
    /// A resident import waiting for confirmation: its uploader's only.
    ImportJob,
    /// A staff or class list waiting for confirmation: its uploader's only,
    /// for the unit it was uploaded to (the unit in the same path).
    RosterJob,
    /// A class (training session) of a hamlet (`/lop/{id}`).
    Class,
    /// A task of the plan (`/ke-hoach/{code}`).
    PlanTask,
    /// An outreach campaign's short link code (`/chien-dich/{code}`).
    Campaign,
}

/// How a role without any right to the route is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 403, "Bạn không có quyền làm việc này".
    Forbidden,
    /// 404: the route does not even say that the object exists.
    Hidden,
}

/// How the walk sends a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// `application/x-www-form-urlencoded`: [`Route::form`] and `csrf`.
    Form,
    /// `multipart/form-data` (an upload form), the same fields, no file.
    Multipart,
    /// A JSON body as is.
    Json(&'static str),
}

/// One row: a route (or a variant of it) and what governs it.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: Method,
    /// As written in `.route(..)`.
    pub path: &'static str,
    /// What each `{..}` of the path names, in order.
    pub params: &'static [Object],
    /// A fixed query string, without `?`.
    pub query: &'static str,
    /// A query parameter (GET) or form field (other methods) naming an
    /// object, making this row a variant of the route.
    pub with: Option<(&'static str, Object)>,
    pub rule: Rule,
    pub refusal: Refusal,
    /// The answer to a role with the right, for an object within its reach:
    /// exact, or `None` for anything but a refusal (403, 404) or an error.
    pub ok: Option<StatusCode>,
    pub body: Body,
    /// Form fields besides `csrf`: enough for the form's extractor, never
    /// enough to change anything.
    pub form: &'static [(&'static str, &'static str)],
}

const fn route(method: Method, path: &'static str, rule: Rule) -> Route {
    Route {
        method,
        path,
        params: &[],
        query: "",
        with: None,
        rule,
        refusal: Refusal::Forbidden,
        ok: match method {
            Method::Get => Some(StatusCode::OK),
            _ => None,
        },
        body: Body::Form,
        form: &[],
    }
}

const fn get(path: &'static str, rule: Rule) -> Route {
    route(Method::Get, path, rule)
}

const fn post(path: &'static str, rule: Rule) -> Route {
    route(Method::Post, path, rule)
}

const fn see(resource: Resource) -> Rule {
    Rule::Policy(Action::See, resource)
}

const fn change(resource: Resource) -> Rule {
    Rule::Policy(Action::Change, resource)
}

impl Route {
    const fn of(self, params: &'static [Object]) -> Self {
        Route { params, ..self }
    }

    const fn query(self, query: &'static str) -> Self {
        Route { query, ..self }
    }

    const fn with(self, field: &'static str, object: Object) -> Self {
        Route {
            with: Some((field, object)),
            ..self
        }
    }

    const fn hidden(self) -> Self {
        Route {
            refusal: Refusal::Hidden,
            ..self
        }
    }

    const fn answers(self, status: StatusCode) -> Self {
        Route {
            ok: Some(status),
            ..self
        }
    }

    const fn any_answer(self) -> Self {
        Route { ok: None, ..self }
    }

    const fn form(self, form: &'static [(&'static str, &'static str)]) -> Self {
        Route { form, ..self }
    }

    const fn multipart(self, form: &'static [(&'static str, &'static str)]) -> Self {
        Route {
            form,
            body: Body::Multipart,
            ..self
        }
    }

    const fn json(self, body: &'static str) -> Self {
        Route {
            body: Body::Json(body),
            ..self
        }
    }
}

/// A person's form with every field empty: refused for the name.
const EMPTY_PERSON: &[(&str, &str)] = &[
    ("full_name", ""),
    ("sex", ""),
    ("birth", ""),
    ("ethnicity", ""),
    ("phone", ""),
    ("citizen_id", ""),
    ("relation", ""),
    ("notes", ""),
];

const BAD_REQUEST: StatusCode = StatusCode::BAD_REQUEST;
const SEE_OTHER: StatusCode = StatusCode::SEE_OTHER;

/// Every route, by router module (`web/src/<module>.rs`).
#[rustfmt::skip]
pub const ROUTES: &[Route] = {
    use Object::{Account, Breach, Course, DataRequest, Household, Hamlet, ImportJob, Indicator,
                 Lesson, PilotModel, Procedure, ReportFile, Resident, RosterJob, Unit};
    use Resource::*;
    use Rule::{LoggedIn, Public, Session};
    &[
        // health
        get("/healthz", Public),
        // pages
        get("/", LoggedIn).any_answer(),
        get("/static/app.css", Public),
        get("/static/icon.svg", Public),
        get("/favicon.ico", Public),
        get("/nhat-ky", see(AuditLog)),
        // auth
        get("/dang-nhap", Public),
        post("/dang-nhap", Public).form(&[("username", ""), ("password", "")]),
        post("/dang-xuat", Session),
        get("/doi-mat-khau", Session),
        post("/doi-mat-khau", Session)
            .form(&[("current", ""), ("new_password", ""), ("confirm", "")]),
        // assistant
        get("/tro-ly", Public),
        post("/tro-ly", Public),
        get("/static/tro-ly.js", Public),
        post("/tro-ly/danh-gia", Public).form(&[("id", "0"), ("rating", "1")]),
        post("/api/tro-ly", Public).json(r#"{"turns": []}"#),
        get("/tro-ly/cau-hoi", see(AssistantReview)),
        get("/tro-ly/thu-tuc", see(AssistantReview)),
        get("/tro-ly/thu-tuc/{code}", change(AssistantReview)).of(&[Procedure]),
        post("/tro-ly/thu-tuc/{code}", change(AssistantReview)).of(&[Procedure])
            .form(&[("text", "")]).answers(BAD_REQUEST),
        // learning
        get("/hoc", Public),
        get("/hoc/{course}", Public).of(&[Course]),
        get("/hoc/{course}/{lesson}", Public).of(&[Course, Lesson]),
        get("/xac-thuc/{code}", Public).of(&[Object::Certificate]).any_answer(),
        get("/sw.js", Public),
        get("/static/hoc.js", Public),
        // One's own quiz and certificate; another person's through `cu_dan`.
        get("/hoc/{course}/kiem-tra", LoggedIn).of(&[Course]).any_answer(),
        get("/hoc/{course}/kiem-tra", change(OthersLearning)).of(&[Course])
            .with("cu_dan", Resident).hidden(),
        post("/hoc/{course}/kiem-tra", LoggedIn).of(&[Course]),
        // No `hinh_thuc` (in class or at home): refused once past the role check.
        post("/hoc/{course}/kiem-tra", change(OthersLearning)).of(&[Course])
            .with("cu_dan", Resident).hidden(),
        get("/hoc/{course}/chung-chi", LoggedIn).of(&[Course]).any_answer(),
        get("/hoc/{course}/chung-chi", see(OthersLearning)).of(&[Course])
            .with("cu_dan", Resident).hidden().any_answer(),
        // indicators
        get("/chi-tieu", see(Indicators)),
        get("/chi-tieu/{code}", see(Indicators)).of(&[Indicator]),
        get("/chi-tieu/{code}/nguoi", see(IndicatorPeople)).of(&[Indicator]),
        get("/chi-tieu/{code}/nguoi", see(IndicatorPeople)).of(&[Indicator])
            .with("xom", Hamlet),
        // reports
        get("/bao-cao", see(CommuneReport)),
        get("/bao-cao/don-vi/{unit}", see(UnitReports)).of(&[Unit]).hidden(),
        // A draft saved: harmless, the same for whoever saves it.
        post("/bao-cao/don-vi/{unit}", change(UnitReports)).of(&[Unit]).hidden()
            .form(&[("quy", "2026Q2"), ("hanh_dong", "luu")]).answers(SEE_OTHER),
        post("/bao-cao/don-vi/{unit}/tra-lai", change(CommuneReport)).of(&[Unit])
            .form(&[("quy", "2026Q2"), ("ly_do", "")]).answers(BAD_REQUEST),
        get("/bao-cao/xa/{file}", see(CommuneReport)).of(&[ReportFile]).query("quy=2026Q2"),
        // emailing the reminders now: no quarter, nothing sent
        post("/bao-cao/nhac-email", change(CommuneReport)).form(&[("quy", "")]).answers(BAD_REQUEST),
        get("/mo-hinh", see(Models)),
        post("/mo-hinh", change(Models)).form(&[("loai", "")]).answers(BAD_REQUEST),
        post("/mo-hinh/{id}", change(Models)).of(&[PilotModel])
            .form(&[("tinh_trang", "")]).answers(BAD_REQUEST),
        // one model's history; a note of no kind: the page again, nothing written
        get("/mo-hinh/{id}", see(Models)).of(&[PilotModel]),
        post("/mo-hinh/{id}/ghi", change(Models)).of(&[PilotModel])
            .form(&[("loai", "")]).answers(BAD_REQUEST),
        // registry
        get("/so-dan-cu", see(Registry)),
        get("/cu-dan/moi", change(Residents)),
        get("/cu-dan/moi", change(Households)).with("ho", Household),
        post("/cu-dan/moi", change(Residents)).form(EMPTY_PERSON).answers(BAD_REQUEST),
        post("/cu-dan/moi", change(Households)).with("ho", Household)
            .form(EMPTY_PERSON).answers(BAD_REQUEST),
        get("/cu-dan/{id}", see(Residents)).of(&[Resident]).hidden(),
        get("/cu-dan/{id}/sua", change(Residents)).of(&[Resident]),
        post("/cu-dan/{id}/sua", change(Residents)).of(&[Resident])
            .form(EMPTY_PERSON).answers(BAD_REQUEST),
        get("/ho/{id}", see(Households)).of(&[Household]).hidden(),
        get("/xuat-excel", see(Export)),
        // import
        get("/nhap", see(Import)),
        post("/nhap", change(Import)).multipart(&[]).answers(BAD_REQUEST),
        get("/nhap/mau.xlsx", see(Import)),
        get("/nhap/{id}", see(Import)).of(&[ImportJob]),
        // Columns as they are: checked again, kept in memory.
        post("/nhap/{id}/anh-xa", change(Import)).of(&[ImportJob]).answers(SEE_OTHER),
        // The walk's files have errors: refused, nothing written.
        post("/nhap/{id}/xac-nhan", change(Import)).of(&[ImportJob]).answers(BAD_REQUEST),
        get("/nhap/{id}/tien-do", see(Import)).of(&[ImportJob]),
        // roster: staff and class lists (a class list for a unit that is no
        // school, as the walk's units are not, is refused once past the role
        // check)
        get("/don-vi/{id}/nhap-danh-sach", change(Import)).of(&[Unit]).hidden()
            .query("loai=can-bo"),
        get("/don-vi/{id}/nhap-danh-sach", change(Import)).of(&[Unit]).hidden()
            .query("loai=hoc-sinh").answers(BAD_REQUEST),
        post("/don-vi/{id}/nhap-danh-sach", change(Import)).of(&[Unit]).hidden()
            .multipart(&[("loai", "can-bo")]).answers(BAD_REQUEST),
        get("/don-vi/{id}/nhap-danh-sach/{job}", change(Import)).of(&[Unit, RosterJob]).hidden(),
        post("/don-vi/{id}/nhap-danh-sach/{job}/xac-nhan", change(Import))
            .of(&[Unit, RosterJob]).hidden().answers(BAD_REQUEST),
        // users
        get("/nguoi-dung", see(Users)),
        post("/nguoi-dung", change(Users)).form(&[("username", "x")]).answers(BAD_REQUEST),
        post("/nguoi-dung/{id}/dat-lai-mat-khau", change(Users)).of(&[Account])
            .answers(StatusCode::OK),
        post("/nguoi-dung/{id}/khoa", change(Users)).of(&[Account]).answers(StatusCode::OK),
        post("/nguoi-dung/{id}/cho-dang-nhap", change(Users)).of(&[Account])
            .answers(StatusCode::OK),
        // accounts linked to people (no role chosen: refused, or 409 for a
        // person who has one); a team's batch (the walk's units are no team:
        // refused)
        get("/cu-dan/{id}/tai-khoan", change(Users)).of(&[Resident]),
        post("/cu-dan/{id}/tai-khoan", change(Users)).of(&[Resident]),
        post("/don-vi/{id}/tai-khoan", change(Users)).of(&[Unit]).answers(BAD_REQUEST),
        get("/static/tai-khoan.js", Public),
        get("/static/tai-khoan.css", Public),
        // hamlets (a hamlet without a name: the page again with the message)
        get("/xom", see(Hamlets)),
        post("/xom", change(Hamlets)).form(&[("name", "")]).answers(StatusCode::OK),
        post("/xom/{id}/doi-ten", change(Hamlets)).of(&[Hamlet]).form(&[("name", "")])
            .answers(BAD_REQUEST),
        post("/xom/{id}/gop", change(Hamlets)).of(&[Hamlet]).answers(BAD_REQUEST),
        // units
        get("/don-vi", see(Units)),
        post("/don-vi", change(Units)).form(&[("name", "")]).answers(BAD_REQUEST),
        get("/don-vi/{id}", see(Units)).of(&[Unit]).hidden(),
        post("/don-vi/{id}/ten", change(Units)).of(&[Unit]).hidden().answers(BAD_REQUEST),
        post("/don-vi/{id}/hoat-dong", change(Units)).of(&[Unit]).hidden().answers(BAD_REQUEST),
        // the reminder address: one that is none is refused, nothing saved
        post("/don-vi/{id}/email", change(Units)).of(&[Unit]).hidden()
            .form(&[("email", "khong-phai-email")]).answers(BAD_REQUEST),
        // a member's consent to publish their number: neither chosen, nothing changed
        post("/don-vi/{id}/thanh-vien/{resident}/cong-khai", change(Units)).of(&[Unit, Resident]).hidden()
            .answers(BAD_REQUEST),
        post("/don-vi/{id}/thanh-vien", change(Units)).of(&[Unit]).hidden().answers(BAD_REQUEST),
        // The walk's people are not members of the unit they are paired
        // with: "not found" even for the office.
        post("/don-vi/{id}/thanh-vien/{resident}/bot", change(Units)).of(&[Unit, Resident])
            .hidden().answers(StatusCode::NOT_FOUND),
        // consent, recorded from a person's page (no purpose chosen:
        // refused once the person is found within the reach)
        post("/cu-dan/{id}/dong-y", change(Consent)).of(&[Resident]).hidden()
            .form(&[("muc_dich", "")]).answers(BAD_REQUEST),
        // personal data: everything held about a person; requests about it
        // (filed by the person or the office, answered by the office; no
        // kind or answer chosen: refused); anonymising instead of deleting
        // (not confirmed: refused)
        get("/cu-dan/{id}/du-lieu", see(PersonalData)).of(&[Resident]).hidden(),
        get("/cu-dan/{id}/du-lieu.json", see(PersonalData)).of(&[Resident]).hidden(),
        get("/cu-dan/{id}/du-lieu.pdf", see(PersonalData)).of(&[Resident]).hidden(),
        post("/cu-dan/{id}/yeu-cau", change(DataRequests)).of(&[Resident]).hidden()
            .answers(BAD_REQUEST),
        post("/cu-dan/{id}/an-danh", change(PersonalData)).of(&[Resident]).answers(BAD_REQUEST),
        // A resident's own requests are on their data page: sent there.
        get("/yeu-cau-du-lieu", see(DataRequests)).any_answer(),
        post("/yeu-cau-du-lieu/{id}", change(DataRequests)).of(&[DataRequest])
            .answers(BAD_REQUEST),
        // personal-data breaches (no time of discovery: refused; marking
        // one notified is harmless done twice)
        get("/bao-mat/su-co", see(Breaches)),
        post("/bao-mat/su-co", change(Breaches)).form(&[("phat_hien", "")]).answers(BAD_REQUEST),
        get("/bao-mat/su-co/{id}", see(Breaches)).of(&[Breach]),
        post("/bao-mat/su-co/{id}/da-thong-bao", change(Breaches)).of(&[Breach])
            .answers(SEE_OTHER),
        // field work: the app's shell and script, the hamlet's list (one's
        // own hamlet; another is "not found"), and the sync of what the
        // phone recorded (an empty batch: nothing written)
        get("/thuc-dia", see(FieldWork)),
        get("/thuc-dia", see(FieldWork)).with("xom", Hamlet),
        get("/static/thuc-dia.js", Public),
        get("/static/cho-gui.js", Public),
        get("/thuc-dia/so-lieu", see(FieldWork)).query("quy=2026Q2"),
        // a resident's own milestones (none ticked: refused once found)
        post("/cu-dan/{id}/moc", change(Milestones)).of(&[Resident]).hidden()
            .answers(BAD_REQUEST),
        get("/thuc-dia/the-hoc-vien.pdf", see(FieldWork)),
        get("/thuc-dia/the-hoc-vien.pdf", see(FieldWork)).with("xom", Hamlet),
        get("/thuc-dia/chua-dat.pdf", see(FieldWork)).query("moc=vneid"),
        get("/thuc-dia/chua-dat.pdf", see(FieldWork)).with("xom", Hamlet).query("moc=vneid"),
        get("/thuc-dia/so-lieu", see(FieldWork)).with("xom", Hamlet).query("quy=2026Q2"),
        get("/api/thuc-dia/xom", see(FieldWork)),
        get("/api/thuc-dia/xom", see(FieldWork)).with("xom", Hamlet),
        post("/api/thuc-dia/dong-bo", change(FieldWork)).json(r#"{"records": []}"#)
            .answers(StatusCode::OK),
        // classes: the week's list (one's own hamlet; another is "not
        // found"), adding one (no topic: the page again with the message),
        // one class with who attended
        get("/lich-hoc", Public),
        // who to ask in a hamlet (an unknown hamlet: not found)
        get("/hoi-ai", Public),
        get("/hoi-ai", Public).with("xom", Hamlet),
        get("/static/ngoai-tuyen.js", Public),
        get("/lop", see(FieldWork)),
        get("/lop", see(FieldWork)).with("xom", Hamlet),
        post("/lop", change(FieldWork)).form(&[("chu_de", "")]).answers(StatusCode::OK),
        get("/lop/{id}", see(FieldWork)).of(&[Object::Class]).hidden(),
        get("/lop/{id}/phieu-diem-danh.pdf", see(FieldWork)).of(&[Object::Class]).hidden(),
        // the desk's attendance: nobody chosen is refused, nothing written
        post("/lop/{id}/diem-danh", change(FieldWork)).of(&[Object::Class]).hidden()
            .form(&[("ma", "policy-walk-0001")]).answers(BAD_REQUEST),
        // the plan: tasks with status, one task (an unknown code: not found)
        get("/ke-hoach", see(Indicators)),
        get("/ke-hoach/{code}", see(Indicators)).of(&[Object::PlanTask]),
        // editing the plan (an error: the page again, nothing saved) and
        // starting next year's from it (a year out of range: not found)
        get("/ke-hoach/sua", change(Setup)),
        post("/ke-hoach/sua", change(Setup)).form(&[("nam", "2026"), ("noi_dung", "year = ")])
            .answers(BAD_REQUEST),
        post("/ke-hoach/nam-sau", change(Setup)).form(&[("nam", "1")]).answers(StatusCode::NOT_FOUND),
        // outreach campaigns: the list and the form (no title: the page
        // again with the message), the materials; the public page and the
        // short link need no login
        get("/chien-dich", see(Campaigns)),
        post("/chien-dich", change(Campaigns)).form(&[("ten", "")]).answers(StatusCode::OK),
        get("/chien-dich/{code}/loa.txt", see(Campaigns)).of(&[Object::Campaign]),
        get("/chien-dich/{code}/ap-phich.pdf", see(Campaigns)).of(&[Object::Campaign]),
        // a hamlet's hand report of a campaign's reach: no number, the page again, nothing written
        post("/chien-dich/{code}/bao-cao", change(Campaigns)).of(&[Object::Campaign])
            .form(&[("so_nguoi", "")]).answers(StatusCode::OK),
        get("/chien-dich/{code}", Public).of(&[Object::Campaign]),
        get("/l/{code}", Public).of(&[Object::Campaign]).any_answer(),
        // setup
        get("/thiet-lap", see(Setup)),
        post("/thiet-lap/xa", change(Setup)).form(&[("commune", ""), ("province", "")])
            .answers(BAD_REQUEST),
        // recording places of visits: neither on nor off chosen, nothing changed
        post("/thiet-lap/vi-tri", change(Setup)).answers(BAD_REQUEST),
        // the report day: no day given, nothing changed
        post("/thiet-lap/han-bao-cao", change(Setup)).answers(BAD_REQUEST),
    ]
};

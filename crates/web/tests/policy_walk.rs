//! Every route walked as every role: the routes are found in this crate's
//! sources (no list here), each must have its row in
//! `hocvuso_web::route_policy::ROUTES`, and each answer must be what the
//! policy table (`hocvuso_domain::policy::POLICY`, read through `Role::may`)
//! says for that row. Path parameters are filled with objects inside and
//! outside each role's reach: people, households, units and hamlets of
//! another hamlet, another unit, another person, and jobs someone else
//! uploaded. A refused role gets the route's refusal (403, or 404 where the
//! route hides that the object exists), an object outside the role's reach
//! is "not found", and a refused form changes nothing in the database.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use hocvuso_domain::policy::{Action, Reach, Resource};
use hocvuso_domain::{ResidentFilter, ResidentScope, Role, RoleKind, Unit, UnitType};
use hocvuso_web::route_policy::{Body, Method, Object, Refusal, Route, Rule, ROUTES};
use reqwest::StatusCode;
use std::collections::{BTreeMap, BTreeSet};

/// The policy's refusal, as the error page says it.
const REFUSAL: &str = "Bạn không có quyền làm việc này";

// ------------------------------------------------------------ discovery

/// The routes declared in `web/src/**/*.rs`: `.route("path", get(..).post(..))`
/// calls (chains over several lines, `axum::routing::post`, a method
/// router with `.layer(..)`), under the prefix of any `.nest("/p", m::f())`
/// of the function that declares them. Comments and `#[cfg(test)]` items
/// are skipped. Anything this cannot read (a path that is not a literal,
/// `route_service`, `any(..)`) fails here rather than go unwalked.
mod discovery {
    use super::Method;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Ident(String),
        Str(String),
        Punct(char),
    }

    fn lex(src: &str) -> Vec<Tok> {
        let c: Vec<char> = src.chars().collect();
        let at = |i: usize| c.get(i).copied().unwrap_or('\0');
        let mut out = Vec::new();
        let mut i = 0;
        while i < c.len() {
            let ch = c[i];
            if ch.is_whitespace() {
                i += 1;
            } else if ch == '/' && at(i + 1) == '/' {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            } else if ch == '/' && at(i + 1) == '*' {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            } else if let Some((text, next)) = raw_string(&c, i) {
                out.push(Tok::Str(text));
                i = next;
            } else if ch == '"' || (ch == 'b' && at(i + 1) == '"') {
                i += if ch == 'b' { 2 } else { 1 };
                let mut s = String::new();
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        i += 1;
                    }
                    if i < c.len() {
                        s.push(c[i]);
                    }
                    i += 1;
                }
                out.push(Tok::Str(s));
                i += 1;
            } else if ch == '\'' || (ch == 'b' && at(i + 1) == '\'') {
                // A character literal ('x', '\n', '\u{..}') or a lifetime.
                let j = if ch == 'b' { i + 1 } else { i };
                if at(j + 1) == '\\' {
                    i = j + 2;
                    while i < c.len() && c[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if at(j + 2) == '\'' {
                    i = j + 3;
                } else {
                    i = j + 1;
                }
            } else if ch.is_alphanumeric() || ch == '_' {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                out.push(Tok::Ident(c[start..i].iter().collect()));
            } else {
                out.push(Tok::Punct(ch));
                i += 1;
            }
        }
        out
    }

    /// `r"..."`, `r#"..."#`, `br"..."` at `i`: its text and where it ends.
    fn raw_string(c: &[char], i: usize) -> Option<(String, usize)> {
        let mut j = i;
        if c.get(j) == Some(&'b') {
            j += 1;
        }
        if c.get(j) != Some(&'r') {
            return None;
        }
        j += 1;
        let mut hashes = 0;
        while c.get(j) == Some(&'#') {
            hashes += 1;
            j += 1;
        }
        if c.get(j) != Some(&'"') {
            return None;
        }
        j += 1;
        let start = j;
        loop {
            if j >= c.len() {
                return None;
            }
            if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                return Some((c[start..j].iter().collect(), j + 1 + hashes));
            }
            j += 1;
        }
    }

    fn method_of(name: &str) -> Option<Method> {
        Some(match name {
            "get" => Method::Get,
            "post" => Method::Post,
            "put" => Method::Put,
            "patch" => Method::Patch,
            "delete" => Method::Delete,
            _ => return None,
        })
    }

    /// Method routers this walk does not read: fail rather than miss them.
    const UNREAD: &[&str] = &[
        "any",
        "on",
        "head",
        "options",
        "trace",
        "connect",
        "get_service",
        "post_service",
        "any_service",
        "on_service",
    ];

    /// The tokens from `from` (just after an opening parenthesis) up to its
    /// closing one, and the index after it.
    fn group(toks: &[Tok], from: usize) -> (&[Tok], usize) {
        let mut depth = 0i32;
        let mut i = from;
        while i < toks.len() {
            match toks[i] {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    if depth == 0 {
                        return (&toks[from..i], i + 1);
                    }
                    depth -= 1;
                }
                _ => {}
            }
            i += 1;
        }
        (&toks[from..], toks.len())
    }

    /// Identifiers called at the top level of an expression (`get` and
    /// `post` in `get(a).post(b)`, not `form_limit` in `.layer(form_limit())`),
    /// each with the path written before it (`["axum", "routing", "post"]`).
    fn calls(expr: &[Tok]) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut depth = 0i32;
        for (i, t) in expr.iter().enumerate() {
            match t {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => depth -= 1,
                Tok::Ident(name) if depth == 0 && expr.get(i + 1) == Some(&Tok::Punct('(')) => {
                    let mut path = vec![name.clone()];
                    let mut j = i;
                    while j >= 3 && expr[j - 1] == Tok::Punct(':') && expr[j - 2] == Tok::Punct(':')
                    {
                        if let Tok::Ident(seg) = &expr[j - 3] {
                            path.insert(0, seg.clone());
                            j -= 3;
                        } else {
                            break;
                        }
                    }
                    out.push(path);
                }
                _ => {}
            }
        }
        out
    }

    struct Declared {
        module: String,
        function: String,
        method: Method,
        path: String,
        file: String,
    }

    struct Nest {
        module: String,
        function: String,
        prefix: String,
        target_module: String,
        target_function: String,
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }

    /// The module a file is: `units.rs` → `units`, `foo/mod.rs` → `foo`.
    fn module_of(src: &Path, file: &Path) -> String {
        let rel = file.strip_prefix(src).unwrap().with_extension("");
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [only] if only == "lib" => "crate".into(),
            [.., dir, last] if last == "mod" => dir.clone(),
            [.., last] => last.clone(),
            [] => "crate".into(),
        }
    }

    fn read(src: &Path, file: &Path, routes: &mut Vec<Declared>, nests: &mut Vec<Nest>) {
        let text = std::fs::read_to_string(file).unwrap();
        let toks = lex(&text);
        let module = module_of(src, file);
        let name = file
            .strip_prefix(src.parent().unwrap().parent().unwrap())
            .unwrap_or(file)
            .display()
            .to_string();
        let cfg_test = [
            Tok::Punct('#'),
            Tok::Punct('['),
            Tok::Ident("cfg".into()),
            Tok::Punct('('),
            Tok::Ident("test".into()),
            Tok::Punct(')'),
            Tok::Punct(']'),
        ];
        let mut function = String::new();
        let mut i = 0;
        while i < toks.len() {
            if toks[i..].starts_with(&cfg_test) {
                // Skip the item: up to its `;` or its closing brace.
                i += cfg_test.len();
                while i < toks.len() && !matches!(toks[i], Tok::Punct(';' | '{')) {
                    i += 1;
                }
                if toks.get(i) == Some(&Tok::Punct('{')) {
                    i = group(&toks, i + 1).1;
                } else {
                    i += 1;
                }
                continue;
            }
            if let (Tok::Ident(kw), Some(Tok::Ident(f))) = (&toks[i], toks.get(i + 1)) {
                if kw == "fn" {
                    function = f.clone();
                }
            }
            let call = match (&toks[i], toks.get(i + 1), toks.get(i + 2)) {
                (Tok::Punct('.'), Some(Tok::Ident(m)), Some(Tok::Punct('('))) => m.as_str(),
                _ => {
                    i += 1;
                    continue;
                }
            };
            match call {
                "route" | "nest" => {}
                "route_service" | "nest_service" | "route_layer" => panic!(
                    "{name}: `.{call}(..)` in fn {function}: the route walk reads `.route` and \
                     `.nest` only; declare the route with `.route` or teach \
                     web/tests/policy_walk.rs to read this"
                ),
                _ => {
                    i += 1;
                    continue;
                }
            }
            let (args, next) = group(&toks, i + 3);
            let Some(Tok::Str(path)) = args.first() else {
                panic!(
                    "{name}: `.{call}(..)` in fn {function} without a string literal path: \
                     the route walk cannot read it"
                );
            };
            let expr = args.get(2..).unwrap_or_default();
            if call == "nest" {
                let target = calls(expr)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| panic!("{name}: `.nest(\"{path}\", ..)` names no router"));
                let target_function = target.last().unwrap().clone();
                let target_module = match target.len() {
                    1 => module.clone(),
                    n => target[n - 2].clone(),
                };
                nests.push(Nest {
                    module: module.clone(),
                    function: function.clone(),
                    prefix: path.clone(),
                    target_module,
                    target_function,
                });
            } else {
                let mut found = 0;
                for c in calls(expr) {
                    let last = c.last().unwrap().as_str();
                    if UNREAD.contains(&last) {
                        panic!(
                            "{name}: `.route(\"{path}\", {last}(..))`: the route walk cannot \
                             tell which methods that serves; name them (get, post...)"
                        );
                    }
                    if let Some(method) = method_of(last) {
                        found += 1;
                        routes.push(Declared {
                            module: module.clone(),
                            function: function.clone(),
                            method,
                            path: path.clone(),
                            file: name.clone(),
                        });
                    }
                }
                assert!(
                    found > 0,
                    "{name}: `.route(\"{path}\", ..)` names no method the route walk reads"
                );
            }
            i = next;
        }
    }

    /// The prefixes a function's routes are served under.
    fn prefixes(nests: &[Nest], module: &str, function: &str, depth: usize) -> Vec<String> {
        assert!(depth < 16, "nests in a loop at {module}::{function}");
        let into: Vec<&Nest> = nests
            .iter()
            .filter(|n| n.target_module == module && n.target_function == function)
            .collect();
        if into.is_empty() {
            return vec![String::new()];
        }
        into.iter()
            .flat_map(|n| {
                prefixes(nests, &n.module, &n.function, depth + 1)
                    .into_iter()
                    .map(|p| format!("{p}{}", n.prefix.trim_end_matches('/')))
            })
            .collect()
    }

    /// Every (method, path) declared, with the file that declares it.
    pub fn routes() -> BTreeMap<(Method, String), String> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let (mut declared, mut nests) = (Vec::new(), Vec::new());
        for f in &files {
            read(&src, f, &mut declared, &mut nests);
        }
        let mut out = BTreeMap::new();
        for d in declared {
            for prefix in prefixes(&nests, &d.module, &d.function, 0) {
                let path = match (prefix.is_empty(), d.path.as_str()) {
                    (false, "/") => prefix,
                    _ => format!("{prefix}{}", d.path),
                };
                out.insert((d.method, path), d.file.clone());
            }
        }
        out
    }

    #[test]
    fn the_reader_finds_routes_as_they_are_written() {
        let src = r##"
            // .route("/comment", get(a))
            /* .route("/block", get(a)) /* nested */ */
            pub fn router() -> Router<AppState> {
                Router::new()
                    .route("/a", get(a).post(b))
                    .route(
                        "/b/{id}",
                        axum::routing::post(c).layer(crate::form_limit()),
                    )
                    .route(r#"/c"#, delete(d))
                    .nest("/api", inner())
                    .layer(Extension(Arc::new(x('{'))))
            }
            fn inner() -> Router<AppState> {
                Router::new().route("/", get(e)).route("/f", put(f))
            }
            #[cfg(test)]
            mod tests {
                fn t() { Router::new().route("/test-only", get(t)); }
            }
        "##;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("web");
        std::fs::create_dir_all(root.join("src")).unwrap();
        let file = root.join("src").join("m.rs");
        std::fs::write(&file, src).unwrap();
        let (mut declared, mut nests) = (Vec::new(), Vec::new());
        read(&root.join("src"), &file, &mut declared, &mut nests);
        let mut got: Vec<String> = declared
            .iter()
            .flat_map(|d| {
                prefixes(&nests, &d.module, &d.function, 0)
                    .into_iter()
                    .map(move |p| {
                        let path = if !p.is_empty() && d.path == "/" {
                            p
                        } else {
                            format!("{p}{}", d.path)
                        };
                        format!("{} {path}", d.method.name())
                    })
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                "DELETE /c",
                "GET /a",
                "GET /api",
                "POST /a",
                "POST /b/{id}",
                "PUT /api/f"
            ]
        );
    }
}

/// `/cu-dan/{id}/sua` → its `{..}` names.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

fn describe(r: &Route) -> String {
    let mut s = format!("{} {}", r.method.name(), r.path);
    if !r.query.is_empty() {
        s += &format!("?{}", r.query);
    }
    if let Some((field, object)) = r.with {
        s += &format!(" with {field}={object:?}");
    }
    s
}

/// The table and the sources agree: every route declared has a row, every
/// row a route, and each row is written out in full.
#[test]
fn the_table_has_a_row_for_every_route_and_a_route_for_every_row() {
    let declared = discovery::routes();
    let rows: BTreeSet<(Method, String)> = ROUTES
        .iter()
        .map(|r| (r.method, r.path.to_string()))
        .collect();
    let mut problems = Vec::new();
    for ((method, path), file) in &declared {
        if !rows.contains(&(*method, path.clone())) {
            problems.push(format!(
                "{} {path} ({file}) has no row in web/src/route_policy.rs: add one saying \
                 what it acts on (the policy's resource and action, or Public, Session, LoggedIn)",
                method.name()
            ));
        }
    }
    for (method, path) in &rows {
        if !declared.contains_key(&(*method, path.clone())) {
            problems.push(format!(
                "the row for {} {path} in web/src/route_policy.rs names no route in web/src: \
                 remove it or correct its path",
                method.name()
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for r in ROUTES {
        if !seen.insert(describe(r)) {
            problems.push(format!("{}: two rows", describe(r)));
        }
        let names = placeholders(r.path);
        if names.len() != r.params.len() {
            problems.push(format!(
                "{}: the path has {} parameters ({names:?}), the row says what {} of them name",
                describe(r),
                names.len(),
                r.params.len()
            ));
        }
        if !matches!(r.rule, Rule::Policy(..)) && r.refusal == Refusal::Hidden {
            problems.push(format!(
                "{}: a route open to all refuses nobody",
                describe(r)
            ));
        }
        if r.method == Method::Get && (!r.form.is_empty() || r.body != Body::Form) {
            problems.push(format!("{}: a GET sends no form", describe(r)));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(declared.len() >= 80, "{} routes found", declared.len());
}

// ------------------------------------------------------------ the world

/// Where an object lies, to tell whether a reach covers it.
#[derive(Debug, Clone, Default)]
struct Place {
    /// A page of the commune as a whole (each role sees its part of it).
    everywhere: bool,
    hamlet: Option<i64>,
    /// Units the object is (a unit) or belongs to (a person, a household).
    units: Vec<i64>,
    /// The residents the object is about.
    residents: Vec<i64>,
    /// An object only the account that made it finds (an upload waiting).
    owner: Option<&'static str>,
    /// Looked for under another object than its own (a job under another
    /// unit): not found.
    misplaced: bool,
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
    /// own record; an upload is its maker's only.
    fn within(&self, role: Role, user: &str, reach: Reach) -> bool {
        if self.misplaced || self.owner.is_some_and(|o| o != user) {
            return false;
        }
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

    /// One's own record: one's own learning is one's own, not "others'".
    fn is_own(&self, role: Role) -> bool {
        role.resident_id().is_some() && self.residents == [role.resident_id().unwrap()]
    }
}

/// One object to put in a URL.
#[derive(Debug, Clone)]
struct Filler {
    text: String,
    place: Place,
    /// The unit a roster job was uploaded to.
    unit: Option<i64>,
}

impl Filler {
    fn plain(text: impl Into<String>) -> Self {
        Filler {
            text: text.into(),
            place: Place::everywhere(),
            unit: None,
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
        hamlet: Some(r.hamlet_id),
        units: app.store.unit_member_ids(id).await.unwrap(),
        residents: vec![id],
        ..Place::default()
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

/// The accounts walked, one per role (a unit's reporter added here), in
/// the order walked: the narrowest reach first, so that what the office
/// and the admin are allowed to do (a draft saved, an account's password
/// reset) comes after every check that depends on the objects' places.
const USERS: [&str; 6] = [
    "baocao",
    "truongxom",
    "tocnscd",
    "nguoidan",
    "vhxh",
    "admin",
];

struct Walker {
    username: &'static str,
    role: Role,
    client: reqwest::Client,
    csrf: String,
}

struct World {
    app: TestApp,
    walkers: Vec<Walker>,
    fillers: Vec<(Object, Vec<Filler>)>,
    db: sqlx::SqlitePool,
}

/// A resident of `hamlet` who serves in no unit and is not `not`.
async fn bystander(app: &TestApp, hamlet: i64, not: &[i64]) -> hocvuso_domain::Resident {
    let people = app
        .store
        .list_residents(
            ResidentScope::Hamlet(hamlet),
            &ResidentFilter::default(),
            1,
            100,
        )
        .await
        .unwrap()
        .items;
    for r in people {
        if !not.contains(&r.id) && app.store.unit_member_ids(r.id).await.unwrap().is_empty() {
            return r;
        }
    }
    panic!("a resident of hamlet {hamlet} in no unit");
}

/// The upload of an import with an error in it (a birth date that is no
/// date): the job waits, and confirming it is refused.
async fn upload_import(app: &TestApp, w: &Walker) -> String {
    let hamlet = app.store.list_hamlets().await.unwrap()[0].name.clone();
    let csv = format!("Họ và tên;Ngày sinh;Giới tính;Xóm\nNguyễn Văn An;31/02/1990;Nam;{hamlet}\n");
    let form = reqwest::multipart::Form::new()
        .text("csrf", w.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("ds.csv"),
        );
    let r = w
        .client
        .post(app.url("/nhap"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "import by {}",
        w.username
    );
    let to = r.headers()["location"].to_str().unwrap().to_string();
    to.strip_prefix("/nhap/").unwrap().to_string()
}

/// The upload of a staff list naming nobody in the registry: the job
/// waits, and confirming it is refused.
async fn upload_roster(app: &TestApp, w: &Walker, unit: i64) -> String {
    let csv =
        "STT;Họ và tên;Ngày sinh;Chức vụ;Phân loại\n1;Lý Văn Khoa;01/01/1970;Phó Chủ tịch;Cán bộ\n";
    let form = reqwest::multipart::Form::new()
        .text("csrf", w.csrf.clone())
        .text("loai", "can-bo")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("danh-sach.csv"),
        );
    let r = w
        .client
        .post(app.url(&format!("/don-vi/{unit}/nhap-danh-sach")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "roster by {}",
        w.username
    );
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let prefix = format!("/don-vi/{unit}/nhap-danh-sach/");
    to.strip_prefix(&prefix).unwrap().to_string()
}

async fn world() -> World {
    let app = spawn_app().await;
    let all: Vec<Unit> = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.active)
        .collect();
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
    let own_units = app.store.unit_member_ids(own).await.unwrap();
    // A commune unit (no hamlet) with staff, to be reported for; another
    // commune unit; a unit of each of the first two hamlets. None is a
    // digital team (whose page makes accounts for the whole team) or a
    // school (which takes class lists).
    let plain = |u: &Unit| !matches!(u.unit_type, UnitType::DigitalTeam | UnitType::School);
    let mut reporting = None;
    for u in all.iter().filter(|u| u.hamlet_id.is_none() && plain(u)) {
        let staff: Vec<i64> = app
            .store
            .members_of(u.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.resident_id)
            .filter(|id| *id != own)
            .collect();
        if let Some(first) = staff.first() {
            reporting = Some((u.clone(), *first));
            break;
        }
    }
    let (reporting, staff) = reporting.expect("a commune unit with staff");
    let staff_units = app.store.unit_member_ids(staff).await.unwrap();
    let find = |what: &str, f: &dyn Fn(&Unit) -> bool| {
        all.iter()
            .find(|u| plain(u) && f(u))
            .cloned()
            .unwrap_or_else(|| panic!("{what}"))
    };
    let other = find("another commune unit", &|u| {
        u.hamlet_id.is_none() && u.id != reporting.id && !own_units.contains(&u.id)
    });
    let in_hamlet = find("a unit of hamlet 0", &|u| {
        u.hamlet_id == Some(app.hamlets[0])
    });
    let elsewhere = find("a unit of hamlet 1", &|u| {
        u.hamlet_id == Some(app.hamlets[1]) && !staff_units.contains(&u.id)
    });
    add_user(
        &app.store,
        "baocao",
        Role::UnitReporter {
            unit_id: reporting.id,
        },
        false,
    )
    .await;
    let here = bystander(&app, app.hamlets[0], &[own, staff]).await;
    let far = bystander(&app, app.hamlets[2], &[own, staff]).await;

    let mut walkers = Vec::new();
    for username in USERS {
        let role = app
            .store
            .find_user(username)
            .await
            .unwrap()
            .expect("user")
            .0
            .role;
        let (client, csrf) = app.login(username).await;
        walkers.push(Walker {
            username,
            role,
            client,
            csrf,
        });
    }
    let mut kinds: Vec<RoleKind> = walkers.iter().map(|w| w.role.kind()).collect();
    kinds.sort_by_key(|k| RoleKind::ALL.iter().position(|x| x == k));
    assert_eq!(kinds, RoleKind::ALL.to_vec(), "one account per role");

    // Residents and units in an order where no resident is a member of the
    // unit walked with it (`/don-vi/{id}/thanh-vien/{resident}/bot`).
    let mut residents = Vec::new();
    for id in [here.id, own, far.id, staff] {
        residents.push(Filler {
            text: id.to_string(),
            place: person(&app, id).await,
            unit: None,
        });
    }
    let units = [&reporting, &other, &in_hamlet, &elsewhere];
    for (u, r) in units.iter().zip(&residents) {
        assert!(!r.place.units.contains(&u.id), "{r:?} serves in {}", u.id);
    }
    let mut households = Vec::new();
    for id in [here.id, own, far.id, staff] {
        let h = app
            .store
            .get_resident(ResidentScope::All, id)
            .await
            .unwrap()
            .unwrap()
            .household_id;
        if !households.iter().any(|f: &Filler| f.text == h.to_string()) {
            households.push(Filler {
                text: h.to_string(),
                place: household(&app, h).await,
                unit: None,
            });
        }
    }
    let db = {
        let path = app._dir.path().join("t.sqlite");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .read_only(true);
        sqlx::SqlitePool::connect_with(options).await.unwrap()
    };
    let first = |sql: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .fetch_optional(&db)
                .await
                .unwrap()
        }
    };
    let certificate = first("SELECT code FROM certificates ORDER BY code LIMIT 1")
        .await
        .unwrap_or_else(|| "KHONGCO".into());
    // A pilot model, so that its page and history have something to show.
    app.store
        .save_pilot_model(
            None,
            &hocvuso_storage::NewPilotModel {
                kind: "binh_dan_hoc_vu_so".into(),
                name: "Mô hình của lượt đi".into(),
                place: "Nhà văn hóa".into(),
                status: "dang_xay_dung".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let model = first("SELECT CAST(id AS TEXT) FROM pilot_models ORDER BY id LIMIT 1")
        .await
        .unwrap_or_else(|| "1".into());
    let account = app
        .store
        .find_user("moi")
        .await
        .unwrap()
        .expect("user")
        .0
        .id;

    // Uploads waiting, made by every account that may import: each is its
    // maker's only, and a staff list is found under its own unit only.
    let (mut imports, mut rosters) = (Vec::new(), Vec::new());
    for w in walkers
        .iter()
        .filter(|w| w.role.allowed(Action::Change, Resource::Import))
    {
        let owner = Place {
            everywhere: true,
            owner: Some(w.username),
            ..Place::default()
        };
        imports.push(Filler {
            text: upload_import(&app, w).await,
            place: owner.clone(),
            unit: None,
        });
        let unit = units[rosters.len() % units.len()].id;
        rosters.push(Filler {
            text: upload_roster(&app, w, unit).await,
            place: owner,
            unit: Some(unit),
        });
    }
    assert!(imports.len() >= 2, "two accounts that import");
    // A breach recorded by the first account that may.
    let recorder = walkers
        .iter()
        .find(|w| w.role.allowed(Action::Change, Resource::Breaches))
        .expect("an account that records breaches");
    let r = recorder
        .client
        .post(app.url("/bao-mat/su-co"))
        .form(&[
            ("csrf", recorder.csrf.as_str()),
            ("phat_hien", "2024-01-05T08:00"),
            ("mo_ta", "Mất sổ ghi chép của tổ"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a breach recorded");
    let breach = r.headers()["location"].to_str().unwrap()["/bao-mat/su-co/".len()..].to_string();

    // A request about one's data filed by each account that may: a
    // resident about themself, the office about a bystander.
    for w in walkers
        .iter()
        .filter(|w| w.role.allowed(Action::Change, Resource::DataRequests))
    {
        let about = w.role.resident_id().unwrap_or(here.id);
        let r = w
            .client
            .post(app.url(&format!("/cu-dan/{about}/yeu-cau")))
            .form(&[
                ("csrf", w.csrf.as_str()),
                ("kind", "sua"),
                ("body", "Năm sinh ghi sai"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "a request by {}",
            w.username
        );
    }
    let mut requests = Vec::new();
    let filed: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, resident_id FROM data_requests ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    for (id, resident) in filed {
        requests.push(Filler {
            text: id.to_string(),
            place: person(&app, resident).await,
            unit: None,
        });
    }
    assert!(requests.len() >= 2, "requests filed: {requests:?}");
    // A class in each hamlet.
    let mut classes = Vec::new();
    for h in &app.hamlets {
        let class = hocvuso_domain::classes::NewSession {
            topic: "Cài VNeID".into(),
            course_id: None,
            group: None,
            hamlet_id: Some(*h),
            place: "Nhà văn hóa".into(),
            starts_at: today().and_hms_opt(8, 0, 0).unwrap(),
            trainers: String::new(),
            unit_id: None,
            task: hocvuso_domain::classes::PlanTask::SkillsForEveryGroup,
        };
        let id = app
            .store
            .add_session(&class.checked().unwrap(), None)
            .await
            .unwrap();
        classes.push(Filler {
            text: id.to_string(),
            place: Place::hamlet(*h),
            unit: None,
        });
    }
    // A campaign for the whole commune.
    let campaign = hocvuso_domain::campaigns::NewCampaign {
        title: "Tuần lễ VNeID".into(),
        message: "Mang căn cước đến nhà văn hóa.".into(),
        channels: vec![hocvuso_domain::campaigns::Channel::Zalo],
        hamlets: vec![],
        starts_on: today(),
        ends_on: today(),
        unit_id: None,
    };
    app.store
        .add_campaign(
            &campaign.checked().unwrap(),
            "wabkcdez",
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let fillers = vec![
        (Object::Resident, residents),
        (Object::Household, households),
        (
            Object::Unit,
            units
                .iter()
                .map(|u| Filler {
                    text: u.id.to_string(),
                    place: Place::unit(u),
                    unit: None,
                })
                .collect(),
        ),
        (
            Object::Hamlet,
            app.hamlets
                .iter()
                .map(|h| Filler {
                    text: h.to_string(),
                    place: Place::hamlet(*h),
                    unit: None,
                })
                .collect(),
        ),
        (Object::Account, vec![Filler::plain(account.to_string())]),
        (Object::Course, vec![Filler::plain("vneid-danh-tinh-so")]),
        (Object::Lesson, vec![Filler::plain("vneid-la-gi")]),
        (Object::Certificate, vec![Filler::plain(certificate)]),
        (Object::Indicator, vec![Filler::plain("3")]),
        (Object::Procedure, vec![Filler::plain("1.000894")]),
        (Object::ReportFile, vec![Filler::plain("xlsx")]),
        (Object::PilotModel, vec![Filler::plain(model)]),
        (Object::Breach, vec![Filler::plain(breach)]),
        (Object::DataRequest, requests),
        (Object::ImportJob, imports),
        (Object::RosterJob, rosters),
        (Object::Class, classes),
        (Object::PlanTask, vec![Filler::plain("III.6")]),
        (Object::Campaign, vec![Filler::plain("wabkcdez")]),
    ];
    World {
        app,
        walkers,
        fillers,
        db,
    }
}

impl World {
    fn of(&self, object: Object) -> &[Filler] {
        self.fillers
            .iter()
            .find(|(o, _)| *o == object)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_else(|| panic!("the walk has no {object:?} to fill in: add some"))
    }

    /// The requests for a row: its parameters filled with the k-th object
    /// of each kind, for every k (people, units, hamlets in and out of
    /// every reach).
    fn cases(&self, r: &Route) -> Vec<Case> {
        let mut objects: Vec<Object> = r.params.to_vec();
        objects.extend(r.with.map(|(_, o)| o));
        let n = objects.iter().map(|o| self.of(*o).len()).max().unwrap_or(1);
        let mut out: Vec<Case> = Vec::new();
        for k in 0..n {
            let chosen: Vec<&Filler> = objects
                .iter()
                .map(|o| {
                    let f = self.of(*o);
                    &f[k % f.len()]
                })
                .collect();
            let mut path = String::new();
            let mut rest = r.path;
            for f in &chosen[..r.params.len()] {
                let (before, after) = rest.split_once('{').unwrap();
                path += before;
                path += &f.text;
                rest = after.split_once('}').unwrap().1;
            }
            path += rest;
            let mut query: Vec<(String, String)> = Vec::new();
            for pair in r.query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                query.push((k.into(), v.into()));
            }
            let mut form: Vec<(String, String)> = r
                .form
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if let Some((field, _)) = r.with {
                let value = chosen.last().unwrap().text.clone();
                if r.method == Method::Get {
                    query.push((field.into(), value));
                } else {
                    form.push((field.into(), value));
                }
            }
            if !query.is_empty() {
                let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                path += &format!("?{}", q.join("&"));
            }
            // A job is found under its own unit only.
            let mut places: Vec<Place> = chosen.iter().map(|f| f.place.clone()).collect();
            for (i, f) in chosen.iter().enumerate() {
                if let Some(unit) = f.unit {
                    let under = objects
                        .iter()
                        .zip(&chosen)
                        .find(|(o, _)| **o == Object::Unit)
                        .map(|(_, u)| u.text.clone());
                    if under.is_some_and(|u| u != unit.to_string()) {
                        places[i].misplaced = true;
                    }
                }
            }
            let label = match r.with {
                Some((field, _)) if r.method != Method::Get => {
                    format!("{path} with {field}={}", chosen.last().unwrap().text)
                }
                _ => path.clone(),
            };
            if !out.iter().any(|c| c.url == path && c.form == form) {
                out.push(Case {
                    label,
                    url: path,
                    form,
                    places,
                });
            }
        }
        out
    }
}

/// One request of the walk.
struct Case {
    /// Path and query.
    url: String,
    /// The URL and the object named in the form, for messages.
    label: String,
    /// Form fields (besides `csrf`).
    form: Vec<(String, String)>,
    /// Where the objects named lie.
    places: Vec<Place>,
}

/// What a role should be answered.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Exactly this.
    Status(StatusCode),
    /// Allowed: anything but a refusal or an error.
    Allowed,
    /// Not governed by the policy (public, one's own): anything but the
    /// policy's refusal, an error, or being sent to log in.
    Open,
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Status(s) => write!(f, "{s}"),
            Expect::Allowed => write!(f, "an answer past the role check"),
            Expect::Open => write!(f, "an answer open to all"),
        }
    }
}

fn expected(r: &Route, case: &Case, role: Role, user: &str) -> Expect {
    let Rule::Policy(action, resource) = r.rule else {
        return Expect::Open;
    };
    let allowed = match r.ok {
        Some(s) => Expect::Status(StatusCode::from_u16(s.as_u16()).unwrap()),
        None => Expect::Allowed,
    };
    if resource == Resource::OthersLearning && case.places.iter().any(|p| p.is_own(role)) {
        // One's own learning, through the same page.
        return Expect::Open;
    }
    let reach = role.may(action, resource);
    if reach == Reach::None {
        match r.refusal {
            Refusal::Forbidden => Expect::Status(StatusCode::FORBIDDEN),
            Refusal::Hidden => Expect::Status(StatusCode::NOT_FOUND),
        }
    } else if case.places.iter().all(|p| p.within(role, user, reach)) {
        allowed
    } else {
        Expect::Status(StatusCode::NOT_FOUND)
    }
}

fn method_of(m: Method) -> reqwest::Method {
    match m {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// Send a row's request; `csrf` is added to any form.
async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    r: &Route,
    case: &Case,
    csrf: Option<&str>,
) -> (StatusCode, String, String) {
    let mut req = c.request(method_of(r.method), app.url(&case.url));
    if r.method != Method::Get {
        let mut form = case.form.clone();
        if let Some(csrf) = csrf {
            form.push(("csrf".into(), csrf.into()));
        }
        req = match r.body {
            Body::Form => req.form(&form),
            Body::Multipart => {
                let mut m = reqwest::multipart::Form::new();
                for (k, v) in form {
                    m = m.text(k, v);
                }
                req.multipart(m)
            }
            Body::Json(text) => req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(text),
        };
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp.text().await.unwrap_or_default();
    (status, location, body)
}

/// What is wrong with an answer, if anything.
fn judge(
    expect: Expect,
    method: Method,
    status: StatusCode,
    location: &str,
    body: &str,
) -> Option<&'static str> {
    let to_login = status == StatusCode::SEE_OTHER
        && (location.starts_with("/dang-nhap") || location.starts_with("/doi-mat-khau"));
    if status.is_server_error() {
        return Some("a server error");
    }
    if matches!(status.as_u16(), 405 | 415 | 422) {
        return Some("refused before the handler: the row's form or method does not fit it");
    }
    match expect {
        Expect::Status(s) if status != s => Some("not what the table says"),
        // A 403 is the policy's refusal, not a stale form token.
        Expect::Status(s) if s == StatusCode::FORBIDDEN && !body.contains(REFUSAL) => {
            Some("a 403 that is not the policy's refusal")
        }
        Expect::Status(_) => None,
        Expect::Allowed if matches!(status.as_u16(), 403 | 404) => {
            Some("refused, the table allows it")
        }
        Expect::Allowed if to_login => Some("sent to log in"),
        Expect::Allowed => None,
        Expect::Open if status == StatusCode::FORBIDDEN && body.contains(REFUSAL) => {
            Some("refused by role, the row says it is open")
        }
        Expect::Open if method == Method::Get && to_login => Some("sent to log in"),
        Expect::Open => None,
    }
}

/// Each table's rows (apart from sessions, the audit log and the
/// indicators' kept counts, which reads also write), to tell that a
/// refused request changed nothing.
async fn fingerprint(db: &sqlx::SqlitePool) -> BTreeMap<String, (usize, u64)> {
    use std::hash::{Hash, Hasher};
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx%' AND name <> 'sessions' AND name NOT LIKE 'audit%' \
         AND name NOT LIKE 'indicator%' ORDER BY name",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let mut out = BTreeMap::new();
    for t in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}')"))
                .fetch_all(db)
                .await
                .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let mut rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {row} FROM \"{t}\""))
            .fetch_all(db)
            .await
            .unwrap();
        rows.sort();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        rows.hash(&mut h);
        out.insert(t, (rows.len(), h.finish()));
    }
    out
}

fn changed(
    before: &BTreeMap<String, (usize, u64)>,
    after: &BTreeMap<String, (usize, u64)>,
) -> Vec<String> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|t| before.get(*t) != after.get(*t))
        .map(|t| {
            let rows = |m: &BTreeMap<String, (usize, u64)>| m.get(t).map_or(0, |x| x.0);
            format!("{t} ({} → {} rows)", rows(before), rows(after))
        })
        .collect()
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_policy_says() {
    let mut world = world().await;
    let start = fingerprint(&world.db).await;
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    let mut requests = 0;
    let mut refused_forms = 0;
    // `POLICY_WALK_SHOW=1 cargo test -p hocvuso-web --test policy_walk -- --nocapture`
    // prints every request and its answer.
    let show = std::env::var_os("POLICY_WALK_SHOW").is_some();
    for wi in 0..world.walkers.len() {
        for r in ROUTES {
            for case in world.cases(r) {
                let w = &world.walkers[wi];
                let expect = expected(r, &case, w.role, w.username);
                let refused = matches!(expect, Expect::Status(s) if s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND)
                    && r.method != Method::Get;
                let before = if refused {
                    Some(fingerprint(&world.db).await)
                } else {
                    None
                };
                let (status, location, body) =
                    send(&world.app, &w.client, r, &case, Some(&w.csrf)).await;
                requests += 1;
                if matches!(r.rule, Rule::Policy(..)) {
                    seen.insert(status.as_u16());
                }
                if show {
                    println!(
                        "{} {} {}: {status}, expected {expect}",
                        w.username,
                        r.method.name(),
                        case.label
                    );
                }
                let mut problem =
                    judge(expect, r.method, status, &location, &body).map(String::from);
                if let Some(before) = before {
                    refused_forms += 1;
                    let after = fingerprint(&world.db).await;
                    let diff = changed(&before, &after);
                    if !diff.is_empty() {
                        problem = Some(format!("refused, yet it changed {}", diff.join(", ")));
                    }
                }
                if let Some(problem) = problem {
                    let cell = match r.rule {
                        Rule::Policy(a, res) => format!("{a:?} {res:?}: {:?}", w.role.may(a, res)),
                        rule => format!("{rule:?}"),
                    };
                    wrong.push(format!(
                        "{} ({:?}) {} {}: {status}{}, expected {expect} ({cell}): {problem}",
                        w.username,
                        w.role.kind(),
                        r.method.name(),
                        case.label,
                        if location.is_empty() {
                            String::new()
                        } else {
                            format!(" to {location}")
                        },
                    ));
                }
                // A form open to all may have ended the session (logging out).
                if !matches!(r.rule, Rule::Policy(..)) && r.method != Method::Get {
                    let alive = w
                        .client
                        .get(world.app.url("/doi-mat-khau"))
                        .send()
                        .await
                        .unwrap()
                        .status()
                        == StatusCode::OK;
                    if !alive {
                        let (client, csrf) = world.app.login(w.username).await;
                        let w = &mut world.walkers[wi];
                        w.client = client;
                        w.csrf = csrf;
                    }
                }
            }
        }
    }
    // Every kind of answer came up: pages, redirects, refused forms,
    // refusals and objects out of reach.
    for status in [200, 303, 400, 403, 404] {
        assert!(seen.contains(&status), "no {status} in {seen:?}");
    }
    // Allowed forms did write (drafts saved): the fingerprint sees writes.
    assert!(
        !changed(&start, &fingerprint(&world.db).await).is_empty(),
        "nothing written by the whole walk"
    );
    println!(
        "policy walk: {} rows over {} routes, {requests} requests as {} roles, \
         {refused_forms} refused forms checked against the database",
        ROUTES.len(),
        ROUTES
            .iter()
            .map(|r| (r.method, r.path))
            .collect::<BTreeSet<_>>()
            .len(),
        world.walkers.len()
    );
    assert!(
        wrong.is_empty(),
        "{} of {requests} answers differ from the policy:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Without a session, or before the one-time password is changed, no
/// route but the public ones answers anything but the way to log in (or to
/// change the password); the public ones never send there.
#[tokio::test]
async fn no_route_is_reached_before_logging_in_properly() {
    let world = world().await;
    let app = &world.app;
    let anonymous = client();
    let fresh = client();
    let (status, _) = app.login_status(&fresh, "moi", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mut wrong = Vec::new();
    for r in ROUTES {
        for case in world.cases(r) {
            for (who, c) in [("anonymous", &anonymous), ("one-time password", &fresh)] {
                let fresh = who != "anonymous";
                let to = match r.rule {
                    Rule::Public => None,
                    Rule::Session if fresh => None,
                    Rule::Session | Rule::LoggedIn | Rule::Policy(..) if !fresh => {
                        Some("/dang-nhap")
                    }
                    _ => Some("/doi-mat-khau"),
                };
                // Logging out (or in) would end the session the rest is
                // checked with.
                if fresh
                    && matches!(r.rule, Rule::Session | Rule::Public)
                    && r.method != Method::Get
                {
                    continue;
                }
                let (status, location, body) = send(app, c, r, &case, Some("")).await;
                let ok = match to {
                    Some(to) => status == StatusCode::SEE_OTHER && location == to,
                    None => judge(Expect::Open, r.method, status, &location, &body).is_none(),
                };
                if !ok {
                    wrong.push(format!(
                        "{who} {} {}: {status} {location}, expected {}",
                        r.method.name(),
                        case.label,
                        to.unwrap_or("an answer open to all")
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The router serves exactly the paths and methods read from the sources:
/// a method it does not serve on a path it serves is 405 with the methods
/// it does serve, and a path it does not serve is 404.
#[tokio::test]
async fn the_router_serves_the_routes_read_from_the_sources() {
    let app = spawn_app().await;
    let c = client();
    let mut by_path: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    for (method, path) in discovery::routes().into_keys() {
        let methods = by_path.entry(path).or_default();
        methods.insert(method.name());
        if method == Method::Get {
            methods.insert("HEAD");
        }
    }
    let mut wrong = Vec::new();
    for (path, methods) in &by_path {
        let mut url = String::new();
        let mut rest = path.as_str();
        while let Some((before, after)) = rest.split_once('{') {
            url += before;
            url += "1";
            rest = after.split_once('}').unwrap().1;
        }
        url += rest;
        let probe = ["PATCH", "PUT", "DELETE", "OPTIONS"]
            .into_iter()
            .find(|m| !methods.contains(m))
            .unwrap();
        let r = c
            .request(
                reqwest::Method::from_bytes(probe.as_bytes()).unwrap(),
                app.url(&url),
            )
            .send()
            .await
            .unwrap();
        let allow: BTreeSet<&str> = r
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect();
        if r.status() != StatusCode::METHOD_NOT_ALLOWED || &allow != methods {
            wrong.push(format!(
                "{probe} {url}: {} allowing {allow:?}, the sources say {methods:?}",
                r.status()
            ));
        }
    }
    let r = c
        .patch(app.url("/khong-co-trang-nay"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

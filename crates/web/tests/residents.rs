//! The registry for the commune official: the household page's heading,
//! adding one resident from the web, and the import template. The app runs
//! on a random port with a fresh SQLite file and the demo commune, driven
//! over HTTP like a browser (cookies, forms, CSRF tokens), as in `sessions.rs`.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::person::is_head_relation;
use hocvuso_domain::{Resident, ResidentFilter};
use reqwest::StatusCode;

mod common;
use common::*;

fn h1_of(html: &str) -> String {
    let start = html.find("<h1>").expect("page has an h1") + "<h1>".len();
    let end = html[start..].find("</h1>").expect("h1 ends") + start;
    html[start..end].trim().to_string()
}

/// Text as askama writes it into a page (HTML-escaped).
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

impl TestApp {
    /// A household of the hamlet with a member whose relation is "Chủ hộ",
    /// and that head.
    async fn household_with_head(&self, hamlet: i64) -> (i64, Resident) {
        let page = self
            .store
            .list_residents(
                ResidentScope::Hamlet(hamlet),
                &ResidentFilter::default(),
                1,
                200,
            )
            .await
            .expect("list");
        let head = page
            .items
            .into_iter()
            .find(|r| is_head_relation(&r.relation))
            .expect("a head of household");
        (head.household_id, head)
    }

    async fn members(&self, household: i64) -> Vec<Resident> {
        self.store
            .get_household(ResidentScope::All, household)
            .await
            .expect("household")
            .expect("exists")
            .1
    }

    /// The id the next household would get: nothing was written in between
    /// when `get_household` finds no row there.
    async fn next_household_probe(&self) -> i64 {
        self.store
            .create_household(self.hamlets[2], Some("PROBE"), "Hộ Đo Thử", false, "")
            .await
            .expect("probe household")
            + 1
    }

    async fn household_exists(&self, id: i64) -> bool {
        self.store
            .get_household(ResidentScope::All, id)
            .await
            .expect("household")
            .is_some()
    }

    async fn hamlet_name(&self, id: i64) -> String {
        self.store
            .list_hamlets()
            .await
            .expect("hamlets")
            .into_iter()
            .find(|h| h.id == id)
            .expect("hamlet")
            .name
    }
}

/// The new-resident form's fields, as a browser sends them.
fn person<'a>(csrf: &'a str, name: &'a str, birth: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("full_name", name),
        ("sex", "Nữ"),
        ("birth", birth),
        ("ethnicity", "tay"),
        ("phone", ""),
        ("citizen_id", ""),
        ("relation", "con"),
        ("notes", ""),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    key: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    form.retain(|(k, _)| *k != key);
    form.push((key, value));
    form
}

/// The resident id of a `/cu-dan/{id}` redirect.
fn created_id(r: &reqwest::Response) -> i64 {
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap();
    to.strip_prefix("/cu-dan/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirect to the new resident's page, got {to}"))
}

async fn the_household_page_is_headed_by_the_heads_name_with_diacritics() {
    let app = spawn_app().await;
    let (c, _) = app.login("vhxh").await;
    let (household, head) = app.household_with_head(app.hamlets[0]).await;
    assert_ne!(
        head.full_name,
        vntext::fold(&head.full_name),
        "the demo names have diacritics"
    );
    let (status, html) = app.get(&c, &format!("/ho/{household}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h1_of(&html), format!("Hộ {}", escaped(&head.full_name)));
    // The office may add people to the household from here.
    assert!(html.contains(&format!("href=\"/cu-dan/moi?ho={household}\"")));
    assert!(html.contains("Thêm người vào hộ này"));
    // A digital team member sees the household but may not edit it.
    let (c, _) = app.login("tocnscd").await;
    let (status, html) = app.get(&c, &format!("/ho/{household}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Thêm người vào hộ này"));
    assert!(!app.get(&c, "/so-dan-cu").await.1.contains("/cu-dan/moi"));
    assert_eq!(app.get(&c, "/cu-dan/moi").await.0, StatusCode::FORBIDDEN);
}

async fn the_office_adds_a_person_as_head_of_a_new_household() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let (_, registry) = app.get(&c, "/so-dan-cu").await;
    assert!(registry.contains("href=\"/cu-dan/moi\"") && registry.contains("Thêm người"));
    let (status, html) = app.get(&c, "/cu-dan/moi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("name=\"xom\""),
        "a new household's hamlet is chosen"
    );
    let before = app.store.count_residents().await.unwrap();
    let hamlet = app.hamlets[1].to_string();
    let form = with(
        with(
            person(&csrf, "  lò văn   mới ", "05/03/1990"),
            "xom",
            &hamlet,
        ),
        "sex",
        "Nam",
    );
    let form = with(with(form, "phone", "0912 345 678"), "hoc_sinh", "1");
    let r = app.post(&c, "/cu-dan/moi", &form).await;
    let id = created_id(&r);
    let saved = app
        .store
        .get_resident(ResidentScope::All, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.hamlet_id, app.hamlets[1]);
    assert_eq!(
        saved.relation, "Chủ hộ",
        "the first person heads the household"
    );
    assert_eq!(saved.ethnicity, "Tày");
    assert_eq!(saved.phone.as_ref().unwrap().as_str(), "0912345678");
    assert!(saved
        .groups
        .contains(&hocvuso_domain::TargetGroup::Students));
    assert_eq!(app.store.count_residents().await.unwrap(), before + 1);
    let members = app.members(saved.household_id).await;
    assert_eq!(members.len(), 1, "a household of its own");
    let (status, html) = app.get(&c, &format!("/cu-dan/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&escaped(&saved.full_name)));
    let (_, html) = app.get(&c, &format!("/ho/{}", saved.household_id)).await;
    assert_eq!(h1_of(&html), format!("Hộ {}", escaped(&saved.full_name)));
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("tao", "cu_dan", &id.to_string())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.store
            .count_audit("tao", "ho", &saved.household_id.to_string())
            .await
            .unwrap(),
        1
    );
}

async fn a_hamlet_head_adds_a_newborn_to_a_household_of_their_hamlet() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("truongxom").await;
    let (household, head) = app.household_with_head(app.hamlets[0]).await;
    let hamlet = app.hamlet_name(app.hamlets[0]).await;
    let (_, page) = app.get(&c, &format!("/ho/{household}")).await;
    assert!(page.contains(&format!("/cu-dan/moi?ho={household}")));
    let (status, html) = app.get(&c, &format!("/cu-dan/moi?ho={household}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&escaped(&format!("Hộ {}, {hamlet}", head.full_name))),
        "the household is named: {html}"
    );
    assert!(html.contains(&format!("name=\"ho\" value=\"{household}\"")));
    let before = app.members(household).await.len();
    let ho = household.to_string();
    let r = app
        .post(
            &c,
            "/cu-dan/moi",
            &with(person(&csrf, "Hoàng Thị Bé", "20/05/2026"), "ho", &ho),
        )
        .await;
    let id = created_id(&r);
    let saved = app
        .store
        .get_resident(ResidentScope::All, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.household_id, household);
    assert_eq!(saved.hamlet_id, app.hamlets[0]);
    assert_eq!(saved.relation, "Con");
    assert_eq!(saved.full_name, "Hoàng Thị Bé");
    assert_eq!(app.members(household).await.len(), before + 1);
    // The head still names the household.
    let (_, page) = app.get(&c, &format!("/ho/{household}")).await;
    assert_eq!(h1_of(&page), format!("Hộ {}", escaped(&head.full_name)));
    assert!(page.contains("Hoàng Thị Bé"));
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("tao", "cu_dan", &id.to_string())
            .await
            .unwrap(),
        1
    );
}

async fn a_bad_birth_date_is_explained_keeps_the_input_and_writes_nothing() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let before = app.store.count_residents().await.unwrap();
    let next = app.next_household_probe().await;
    let hamlet = app.hamlets[1].to_string();
    let form = with(
        person(&csrf, "Nguyễn Thị Sai Ngày", "31/02/2026"),
        "xom",
        &hamlet,
    );
    let form = with(with(form, "notes", "Sinh ở trạm y tế xã"), "hoc_sinh", "1");
    let r = app.post(&c, "/cu-dan/moi", &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains("class=\"alert\""), "{html}");
    assert!(
        html.contains("<strong>Ngày sinh</strong>")
            && html.contains(&escaped(
                "Ngày sinh \"31/02/2026\" không đúng: ghi theo dạng ngày/tháng/năm"
            )),
        "{html}"
    );
    // What the user typed is still there.
    assert!(html.contains("value=\"Nguyễn Thị Sai Ngày\""));
    assert!(html.contains("value=\"31/02/2026\""));
    assert!(html.contains("value=\"Sinh ở trạm y tế xã\""));
    assert!(html.contains(&format!("<option value=\"{hamlet}\" selected>")));
    assert!(html.contains("name=\"hoc_sinh\" value=\"1\" checked"));
    assert_eq!(app.store.count_residents().await.unwrap(), before);
    assert!(!app.household_exists(next).await, "no household written");

    // A CCCD whose leading zero Excel dropped says so, on this form too.
    let form = with(
        with(person(&csrf, "Nguyễn Văn Thiếu Số", "1962"), "xom", &hamlet),
        "citizen_id",
        "19062012345",
    );
    let r = app.post(&c, "/cu-dan/moi", &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&escaped(
            "Số CCCD có 11 chữ số: có thể Excel đã bỏ số 0 ở đầu. Hãy định dạng cột là Văn bản (Text) và gõ lại đủ 12 chữ số."
        )),
        "{html}"
    );
    // No hamlet chosen for a new household.
    let r = app
        .post(
            &c,
            "/cu-dan/moi",
            &person(&csrf, "Nguyễn Văn Không Xóm", "1990"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Chọn xóm của hộ mới"));
    assert_eq!(app.store.count_residents().await.unwrap(), before);
    assert!(!app.household_exists(next).await);
}

async fn a_duplicate_citizen_id_is_a_clear_message_and_writes_nothing() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let taken = app
        .store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 500)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|r| r.citizen_id.is_some())
        .expect("a demo resident with a CCCD");
    let cid = taken.citizen_id.as_ref().unwrap().as_str().to_string();
    let sex = taken.sex.map(|s| s.label()).unwrap_or("");
    let year = taken
        .birth
        .map(|b| b.year().to_string())
        .unwrap_or_default();
    let before = app.store.count_residents().await.unwrap();
    let next = app.next_household_probe().await;
    let hamlet = app.hamlets[1].to_string();
    let form = with(
        with(
            with(person(&csrf, "Trần Văn Trùng", &year), "sex", sex),
            "citizen_id",
            &cid,
        ),
        "xom",
        &hamlet,
    );
    let r = app.post(&c, "/cu-dan/moi", &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<strong>Số CCCD</strong>") && html.contains("đã có trong sổ dân cư"),
        "{html}"
    );
    assert!(html.contains(&format!("value=\"{cid}\"")), "input kept");
    assert!(
        !html.contains(&escaped(&taken.full_name)),
        "whose it is stays unsaid"
    );
    assert_eq!(app.store.count_residents().await.unwrap(), before);
    assert!(
        !app.household_exists(next).await,
        "the new household is rolled back"
    );
    // Into an existing household, the same.
    let (household, _) = app.household_with_head(app.hamlets[1]).await;
    let ho = household.to_string();
    let form = with(
        with(
            with(person(&csrf, "Trần Văn Trùng", &year), "sex", sex),
            "citizen_id",
            &cid,
        ),
        "ho",
        &ho,
    );
    let r = app.post(&c, "/cu-dan/moi", &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("đã có trong sổ dân cư"));
    assert_eq!(app.store.count_residents().await.unwrap(), before);
}

async fn a_hamlet_head_cannot_add_into_another_hamlet() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("truongxom").await;
    let other = app.resident_in(app.hamlets[1]).await;
    let before = app.store.count_residents().await.unwrap();
    let next = app.next_household_probe().await;
    // Another hamlet's household: not found, whether shown or posted to.
    let (status, html) = app
        .get(&c, &format!("/cu-dan/moi?ho={}", other.household_id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains(&escaped(&other.full_name)));
    let ho = other.household_id.to_string();
    let r = app
        .post(
            &c,
            "/cu-dan/moi",
            &with(person(&csrf, "Hoàng Thị Lạc Xóm", "2020"), "ho", &ho),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A new household in another hamlet: not found either.
    let xom = app.hamlets[1].to_string();
    let r = app
        .post(
            &c,
            "/cu-dan/moi",
            &with(person(&csrf, "Hoàng Thị Lạc Xóm", "2020"), "xom", &xom),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store.count_residents().await.unwrap(), before);
    assert!(!app.household_exists(next).await);
    // The new-household form offers only their own hamlet, already chosen.
    let (status, html) = app.get(&c, "/cu-dan/moi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("<option value=\"{}\" selected>", app.hamlets[0])));
    assert!(!html.contains(&format!("<option value=\"{}\"", app.hamlets[1])));
    // With no hamlet in the form, theirs is used.
    let r = app
        .post(
            &c,
            "/cu-dan/moi",
            &person(&csrf, "Hoàng Văn Đúng Xóm", "2020"),
        )
        .await;
    let id = created_id(&r);
    let saved = app
        .store
        .get_resident(ResidentScope::All, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.hamlet_id, app.hamlets[0]);
}

async fn adding_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let before = app.store.count_residents().await.unwrap();
    let next = app.next_household_probe().await;
    let hamlet = app.hamlets[0].to_string();
    let good = with(person(&csrf, "Nguyễn Văn Thiếu Mã", "1990"), "xom", &hamlet);
    let missing: Vec<_> = good.iter().filter(|(k, _)| *k != "csrf").cloned().collect();
    let r = app.post(&c, "/cu-dan/moi", &missing).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(&c, "/cu-dan/moi", &with(good.clone(), "csrf", "sai"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.count_residents().await.unwrap(), before);
    assert!(!app.household_exists(next).await);
    // Another session's token does not work either.
    let (other, _) = app.login("vhxh").await;
    let r = app.post(&other, "/cu-dan/moi", &good).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.count_residents().await.unwrap(), before);
}

async fn the_import_page_offers_a_template_that_imports_cleanly() {
    let app = spawn_app().await;
    let (c, _) = app.login("vhxh").await;
    let (_, page) = app.get(&c, "/nhap").await;
    assert!(page.contains("href=\"/nhap/mau.xlsx\"") && page.contains("Tải tệp mẫu"));
    let r = c.get(app.url("/nhap/mau.xlsx")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".xlsx"));
    let bytes = r.bytes().await.unwrap();
    let ctx = hocvuso_import::ValidationContext {
        today: today(),
        hamlets: app
            .store
            .list_hamlets()
            .await
            .unwrap()
            .into_iter()
            .map(|h| (h.id, h.name))
            .collect(),
    };
    let preview = hocvuso_import::preview_file(&bytes, "mau.xlsx", &ctx).unwrap();
    assert!(preview.errors.is_empty(), "{:#?}", preview.errors);
    assert_eq!(preview.rows.len(), 1);
    let wb = hocvuso_import::read_workbook(&bytes, "mau.xlsx").unwrap();
    assert_eq!(wb.sheets[1].name, "Hướng dẫn");
    // Same permission as /nhap.
    let (c, _) = app.login("truongxom").await;
    assert_eq!(app.get(&c, "/nhap").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&c, "/nhap/mau.xlsx").await.0, StatusCode::FORBIDDEN);
}

on_both_engines!(
    the_household_page_is_headed_by_the_heads_name_with_diacritics,
    the_office_adds_a_person_as_head_of_a_new_household,
    a_hamlet_head_adds_a_newborn_to_a_household_of_their_hamlet,
    a_bad_birth_date_is_explained_keeps_the_input_and_writes_nothing,
    a_duplicate_citizen_id_is_a_clear_message_and_writes_nothing,
    a_hamlet_head_cannot_add_into_another_hamlet,
    adding_without_the_csrf_token_is_refused,
    the_import_page_offers_a_template_that_imports_cleanly,
);

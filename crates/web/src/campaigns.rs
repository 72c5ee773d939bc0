//! Outreach campaigns (issue 15, task III.1): the office writes one
//! (`/chien-dich`), the program makes its materials — the loudspeaker
//! script with its read-aloud length, an A4 poster with a QR code, a short
//! link to paste into Zalo groups — and residents open its public page
//! (`/chien-dich/{code}`, no login). The short link (`/l/{code}`) counts
//! its openings: a number, no one's data, no third party.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::campaigns::{
    duration_text, loudspeaker_script, read_aloud_seconds, valid_link_code, Channel, NewCampaign,
    LINK_ALPHABET, READ_SYLLABLES_PER_MINUTE,
};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_storage::Campaign;
use rand::Rng;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/chien-dich", get(list).post(add))
        .route("/chien-dich/{code}", get(public_page))
        .route("/chien-dich/{code}/loa.txt", get(script))
        .route("/chien-dich/{code}/ap-phich.pdf", get(poster))
        .route("/chien-dich/{code}/bao-cao", post(add_report))
        .route("/l/{code}", get(short_link))
}

fn may(user: &CurrentUser, action: Action) -> AppResult<()> {
    if user.role().allowed(action, Resource::Campaigns) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A campaign by its link's code; anything else is "not found".
async fn by_code(state: &AppState, code: &str) -> AppResult<Campaign> {
    if !valid_link_code(code) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .campaign_by_link(code)
        .await?
        .ok_or(AppError::NotFound)
}

fn whom(c: &Campaign) -> String {
    if c.hamlets.is_empty() {
        "Bà con toàn xã".into()
    } else {
        let names: Vec<&str> = c.hamlets.iter().map(|(_, n)| n.as_str()).collect();
        format!("Bà con {}", names.join(", "))
    }
}

fn when(c: &Campaign) -> String {
    format!(
        "Từ {} đến {}",
        c.starts_on.format("%d/%m/%Y"),
        c.ends_on.format("%d/%m/%Y")
    )
}

/// "Hệ thống truyền thanh cơ sở, Nhóm Zalo".
fn channels(c: &Campaign) -> String {
    c.channels
        .iter()
        .map(|x| x.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn short_url(state: &AppState, headers: &HeaderMap, c: &Campaign) -> String {
    format!(
        "{}/l/{}",
        crate::learning::public_base(state, headers),
        c.link_code
    )
}

fn script_of(state: &AppState, headers: &HeaderMap, commune: &str, c: &Campaign) -> String {
    let hamlets: Vec<String> = c.hamlets.iter().map(|(_, n)| n.clone()).collect();
    loudspeaker_script(
        commune,
        &c.title,
        &c.message,
        &hamlets,
        c.starts_on,
        c.ends_on,
        &short_url(state, headers, c),
    )
}

struct Row {
    title: String,
    code: String,
    when: String,
    whom: String,
    channels: String,
    unit: String,
    link: String,
    opens: i64,
    script_length: String,
    reach: hocvuso_storage::Reach,
}

#[derive(Template)]
#[template(path = "campaigns.html")]
struct ListPage {
    nav: Option<Nav>,
    rows: Vec<Row>,
    can_add: bool,
    csrf: String,
    channels: Vec<(&'static str, &'static str)>,
    hamlets: Vec<(i64, String)>,
    units: Vec<(i64, String)>,
    error: Option<String>,
    today: String,
    speed: usize,
}

async fn render_list(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    error: Option<String>,
) -> AppResult<Response> {
    may(user, Action::See)?;
    let commune = state.commune_name().await;
    let mut rows = Vec::new();
    let reach = state.store.campaign_reach().await?;
    for c in state.store.campaigns().await? {
        let script = script_of(state, headers, &commune, &c);
        rows.push(Row {
            title: c.title.clone(),
            code: c.link_code.clone(),
            when: when(&c),
            whom: whom(&c),
            channels: channels(&c),
            unit: c.unit.clone().unwrap_or_default(),
            link: short_url(state, headers, &c),
            opens: c.opens,
            script_length: duration_text(read_aloud_seconds(&script)),
            reach: reach
                .iter()
                .find(|r| r.campaign_id == c.id)
                .cloned()
                .unwrap_or_default(),
        });
    }
    let html = ListPage {
        nav: Some(Nav::of(user)),
        rows,
        can_add: user.role().allowed(Action::Change, Resource::Campaigns),
        csrf: user.csrf_token.clone(),
        channels: Channel::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        hamlets: state
            .store
            .list_hamlets()
            .await?
            .into_iter()
            .map(|h| (h.id, h.name))
            .collect(),
        units: state
            .store
            .list_units()
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.name))
            .collect(),
        error,
        today: state.today().format("%Y-%m-%d").to_string(),
        speed: READ_SYLLABLES_PER_MINUTE,
    }
    .render()?;
    Ok(Html(html).into_response())
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    render_list(&state, &user, &headers, None).await
}

/// The form read into a campaign, or what to fix.
fn campaign_of(form: &[(String, String)]) -> Result<NewCampaign, String> {
    let one = |k: &str| crate::auth::form_field(form, k).trim().to_string();
    let date = |k: &str, what: &str| {
        NaiveDate::parse_from_str(&one(k), "%Y-%m-%d").map_err(|_| format!("Chọn {what}"))
    };
    let mut channels = Vec::new();
    let mut hamlets = Vec::new();
    for (k, v) in form {
        match k.as_str() {
            "kenh" => {
                channels.push(Channel::from_code(v).ok_or("Hình thức tuyên truyền không đúng")?)
            }
            "xom" => hamlets.push(
                v.parse::<i64>()
                    .map_err(|_| "Chọn xóm trong danh sách".to_string())?,
            ),
            _ => {}
        }
    }
    let unit_id = match one("don_vi").as_str() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| "Chọn đơn vị trong danh sách".to_string())?,
        ),
    };
    NewCampaign {
        title: one("ten"),
        message: one("noi_dung"),
        channels,
        hamlets,
        starts_on: date("tu", "ngày bắt đầu")?,
        ends_on: date("den", "ngày kết thúc")?,
        unit_id,
    }
    .checked()
}

/// A new short link's code.
fn new_code() -> String {
    let alphabet: Vec<char> = LINK_ALPHABET.chars().collect();
    let mut rng = rand::rngs::OsRng;
    (0..8)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
        .collect()
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.check_csrf_in(&form)?;
    may(&user, Action::Change)?;
    let c = match campaign_of(&form) {
        Ok(c) => c,
        Err(e) => return render_list(&state, &user, &headers, Some(e)).await,
    };
    let code = new_code();
    let event = user.audit_event(
        AuditAction::Create,
        AuditObject::Campaign,
        "",
        format!("chiến dịch «{}»", c.title),
    );
    state
        .store
        .audited(event)
        .add_campaign(&c, &code, Some(user.user.id), state.now())
        .await?;
    Ok(Redirect::to(&format!("/chien-dich#cd-{code}")).into_response())
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct PublicPage {
    nav: Option<Nav>,
    title: String,
    message: Vec<String>,
    whom: String,
    when: String,
    channels: String,
    commune: String,
}

/// The public page: what the campaign says, for whom and when, with the
/// schedule, the courses and the assistant one tap away.
async fn public_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let c = by_code(&state, &code).await?;
    let html = PublicPage {
        nav: user.as_ref().map(Nav::of),
        message: c
            .message
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
            .collect(),
        whom: whom(&c),
        when: when(&c),
        channels: channels(&c),
        commune: state.commune_name().await,
        title: c.title,
    }
    .render()?;
    Ok(Html(html).into_response())
}

/// The short link: one opening counted, then the public page.
async fn short_link(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Response> {
    if !valid_link_code(&code) || !state.store.count_link_open(&code).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/chien-dich/{code}")).into_response())
}

/// The loudspeaker script, plain text, with its length as a first line.
async fn script(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    may(&user, Action::See)?;
    let c = by_code(&state, &code).await?;
    let text = script_of(&state, &headers, &state.commune_name().await, &c);
    let head = format!(
        "(Đọc khoảng {}, ước tính với tốc độ {READ_SYLLABLES_PER_MINUTE} tiếng/phút.)\n\n",
        duration_text(read_aloud_seconds(&text))
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"loa-{code}.txt\""),
            ),
        ],
        head + &text,
    )
        .into_response())
}

/// The A4 poster with its QR code to the short link.
async fn poster(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    may(&user, Action::See)?;
    let c = by_code(&state, &code).await?;
    let pdf = hocvuso_documents::poster_pdf(&hocvuso_documents::Poster {
        issuer: format!(
            "ỦY BAN NHÂN DÂN {}",
            state.commune_name().await.to_uppercase()
        ),
        title: c.title.clone(),
        message: c.message.clone(),
        whom: whom(&c),
        when: when(&c),
        link: short_url(&state, &headers, &c),
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::field::pdf_download(
        pdf,
        &format!("ap-phich-{code}.pdf"),
    ))
}

#[derive(serde::Deserialize)]
struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    xom: String,
    #[serde(default)]
    so_nguoi: String,
    #[serde(default)]
    ghi_chu: String,
}

/// What a hamlet reports by hand of a campaign's reach (people at a
/// meeting, by the loudspeaker): kept as reported, apart from what was
/// counted.
async fn add_report(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    may(&user, Action::Change)?;
    let c = by_code(&state, &code).await?;
    let hamlet = match f.xom.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let (people, note) = match hocvuso_domain::campaigns::checked_reach(&f.so_nguoi, &f.ghi_chu) {
        Ok(x) => x,
        Err(m) => {
            let m = format!("«{}»: {m} Chưa ghi.", c.title);
            return render_list(&state, &user, &headers, Some(m)).await;
        }
    };
    match state
        .store
        .add_campaign_report(
            c.id,
            hamlet,
            people,
            &note,
            state.today(),
            Some(user.user.id),
            state.now(),
        )
        .await
    {
        Ok(_) => {}
        Err(hocvuso_storage::StoreError::Invalid(m)) => {
            return render_list(&state, &user, &headers, Some(format!("{m}. Chưa ghi."))).await
        }
        Err(e) => return Err(e.into()),
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Campaign,
        c.id,
        format!("xóm báo cáo {people} người"),
    );
    Ok(Redirect::to(&format!("/chien-dich#cd-{code}")).into_response())
}

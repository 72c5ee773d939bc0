use crate::{DbArgs, UserAction};
use anyhow::{anyhow, bail, Context, Result};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{Role, RoleKind};
use hocvuso_storage::{AuditEvent, NewUser, Store, StoreOptions};
use hocvuso_web::auth::OneTimePassword;
use hocvuso_web::{AppState, WebConfig};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// Today in Vietnam (UTC+7), whatever the machine's own time zone.
fn today() -> chrono::NaiveDate {
    hocvuso_domain::time::vn_today()
}

pub async fn open(db: &DbArgs) -> Result<Store> {
    let url = match &db.database_url {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&db.data_dir).with_context(|| {
                format!("không tạo được thư mục dữ liệu {}", db.data_dir.display())
            })?;
            format!("sqlite://{}", db.data_dir.join("hocvuso.sqlite").display())
        }
    };
    Store::connect(&StoreOptions::new(url))
        .await
        .map_err(|e| anyhow!("{e}"))
}

pub(crate) fn cli_audit(
    store: &Store,
    action: AuditAction,
    object_type: AuditObject,
    object_id: &str,
    detail: String,
) {
    store
        .audit()
        .record(cli_event(action, object_type, object_id, detail));
}

/// An audit row by the command line's user, for `Store::audited` (written
/// in the same transaction as the change).
pub(crate) fn cli_event(
    action: AuditAction,
    object_type: AuditObject,
    object_id: &str,
    detail: String,
) -> AuditEvent {
    let who = std::env::var("USER").unwrap_or_else(|_| "cli".into());
    AuditEvent {
        user_id: None,
        username: format!("cli:{who}"),
        action: action.code().into(),
        object_type: object_type.code().into(),
        object_id: object_id.into(),
        detail,
    }
}

fn bar(len: u64, msg: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(msg.to_string());
    pb
}

/// Load the demo commune into an empty store. Returns false if it had data.
pub(crate) async fn load_demo_if_empty(
    store: &Store,
    seed: u64,
    catalog: &hocvuso_learning::Catalog,
) -> Result<bool> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    let opts = hocvuso_demo::DemoOptions {
        seed,
        today: today(),
        ..Default::default()
    };
    eprintln!("Đang tạo dữ liệu mẫu (xã, xóm, hộ, cư dân, đơn vị)…");
    let demo = hocvuso_demo::generate(&opts);
    let s = store.load_demo(&demo, today()).await?;
    eprintln!(
        "Đã nạp: {} xóm, {} hộ, {} cư dân, {} đơn vị.",
        s.hamlets, s.households, s.residents, s.units
    );
    let e = hocvuso_reporting::demo::load_demo_extras(store, catalog, today(), seed).await?;
    eprintln!(
        "Kết quả học tập mẫu: {} lượt đạt khóa học, {} người dùng trợ lý ảo, {} mô hình điểm, {} báo cáo quý.",
        e.passes, e.assistant_users, e.models, e.reports
    );
    Ok(true)
}

/// Make sure an `admin` account exists; if it has never been used, give it a
/// fresh one-time password and return it. The only place that creates the
/// first `admin` (for `demo`, `serve --demo` and a first `serve`).
async fn demo_admin(store: &Store) -> Result<Option<String>> {
    match store.find_user("admin").await? {
        None => {
            let otp = OneTimePassword::new()?;
            store
                .create_user(&NewUser {
                    username: "admin".into(),
                    display_name: "Quản trị hệ thống".into(),
                    password_hash: otp.hash,
                    role: Role::Admin,
                    must_change_password: true,
                })
                .await?;
            Ok(Some(otp.plain))
        }
        Some((u, _)) if u.must_change_password => {
            let otp = OneTimePassword::new()?;
            store.set_password(u.id, &otp.hash, true).await?;
            Ok(Some(otp.plain))
        }
        Some(_) => Ok(None),
    }
}

/// The one-time `admin` password to print when the server starts. A database
/// without any account (a first run) gets `admin`, so that there is a way in;
/// with `--demo` an `admin` that has never logged in also gets a fresh one.
/// Otherwise nothing: the accounts are the office's own.
async fn first_admin(store: &Store, demo: bool) -> Result<Option<String>> {
    if demo || store.list_users().await?.is_empty() {
        demo_admin(store).await
    } else {
        Ok(None)
    }
}

/// `web`: the server's settings from the command line (its `today` unset:
/// the real date).
pub async fn serve(db: DbArgs, demo: bool, bind: String, web: WebConfig) -> Result<()> {
    if let Some(smtp) = &web.smtp {
        // A wrong address or sender stops the start, with what to fix.
        hocvuso_web::mail::Mailer::new(smtp).map_err(|e| anyhow::anyhow!(e))?;
    }
    let catalog = crate::courses::load(&db)?;
    let defs = crate::reporting::load_definitions(&db, &catalog)?;
    let store = open(&db).await?;
    if demo {
        load_demo_if_empty(&store, 2026, &catalog).await?;
    }
    let one_time = first_admin(&store, demo).await?;
    let empty_registry = !demo && store.is_empty().await?;
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .with_context(|| format!("không mở được cổng {bind}"))?;
    let addr = listener.local_addr()?;
    println!("hocvuso đang chạy: http://{addr}/");
    match one_time {
        Some(p) => println!("Đăng nhập lần đầu: tài khoản admin, mật khẩu một lần {p} (sẽ phải đổi ngay)"),
        None if demo => println!("Tài khoản admin đã đặt mật khẩu riêng. Quên mật khẩu: hocvuso user reset-password admin"),
        None => {}
    }
    if empty_registry {
        println!("Sổ dân cư đang trống: đăng nhập rồi làm theo «Bắt đầu với xã thật» trong README (thêm xóm, nhập danh sách cư dân, đơn vị, cán bộ).");
    }
    let state = AppState::new(store, web)
        .with_catalog(catalog)
        .with_definitions(defs);
    hocvuso_web::serve(state, listener).await?;
    Ok(())
}

pub async fn demo(db: DbArgs, scale: Option<usize>, seed: u64) -> Result<()> {
    let store = open(&db).await?;
    match scale {
        None => {
            let catalog = crate::courses::load(&db)?;
            if !load_demo_if_empty(&store, seed, &catalog).await? {
                bail!("Cơ sở dữ liệu đã có dữ liệu; dùng thư mục dữ liệu trống (--data-dir) để tạo xã mẫu");
            }
            if let Some(p) = demo_admin(&store).await? {
                println!("Tài khoản admin, mật khẩu một lần: {p}");
            }
        }
        Some(total) => {
            let hamlets = (total / 1000).max(20);
            let names: Vec<String> = (1..=hamlets).map(|i| format!("Thôn số {i:05}")).collect();
            let ids = store.ensure_hamlets(&names).await?;
            let pb = bar(total as u64, "Đang tạo dữ liệu quy mô tỉnh");
            let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<hocvuso_demo::DemoHousehold>>(4);
            let gen = std::thread::spawn(move || {
                hocvuso_demo::generate_households_batched(
                    seed,
                    hamlets,
                    total,
                    5000,
                    today(),
                    |batch| tx.blocking_send(batch.to_vec()).map_err(|_| ()),
                )
            });
            while let Some(batch) = rx.recv().await {
                let n = store.load_households_batch(&batch, &ids).await?;
                pb.inc(n as u64);
            }
            let _ = gen.join();
            pb.set_message("Đang tính nhóm đối tượng");
            store.refresh_derived_groups(today()).await?;
            pb.finish();
            println!(
                "Đã tạo {} cư dân trong {} thôn.",
                store.count_residents().await?,
                hamlets
            );
        }
    }
    store.close().await;
    Ok(())
}

/// Read a file to import, never more than [`hocvuso_import::MAX_FILE_BYTES`]:
/// a regular file is refused from its size before anything is read, and
/// whatever the size says (a device such as `/dev/zero`, a pipe, a file that
/// is still growing), reading stops one byte past the limit.
pub(crate) fn read_import_file(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let limit = hocvuso_import::MAX_FILE_BYTES;
    let cannot = || format!("không đọc được tệp {}", path.display());
    let file = std::fs::File::open(path).with_context(cannot)?;
    let meta = file.metadata().with_context(cannot)?;
    if meta.is_file() && meta.len() > limit as u64 {
        let bytes = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        bail!("{}", hocvuso_import::FileError::TooLarge { bytes });
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(cannot)?;
    if bytes.len() > limit {
        bail!(
            "Tệp {} quá lớn (hơn {} MB), giới hạn là {} MB: chia danh sách thành nhiều tệp (ví dụ theo xóm) rồi nhập lại.",
            path.display(),
            limit / (1024 * 1024),
            limit / (1024 * 1024)
        );
    }
    Ok(bytes)
}

pub async fn import(db: DbArgs, file: PathBuf, dry_run: bool) -> Result<()> {
    let bytes = read_import_file(&file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let wb = hocvuso_import::read_workbook(&bytes, &name).map_err(|e| anyhow!("{e}"))?;
    let store = open(&db).await?;
    let hamlets = store.list_hamlets().await?;
    let ctx = hocvuso_import::ValidationContext {
        today: today(),
        hamlets: hamlets.into_iter().map(|h| (h.id, h.name)).collect(),
    };
    let mut last_err = None;
    let mut chosen = None;
    for sheet in &wb.sheets {
        match hocvuso_import::find_header(sheet) {
            Ok(h) => {
                chosen = Some((sheet, h));
                break;
            }
            Err(e) => last_err = Some(e),
        }
    }
    let Some((sheet, header)) = chosen else {
        bail!(
            "{}",
            last_err
                .map(|e| e.to_string())
                .unwrap_or_else(|| "Tệp không có dữ liệu".into())
        );
    };
    for (i, h) in &header.unknown {
        eprintln!(
            "Cột {} (\"{h}\") không nhận ra: bỏ qua. Dùng trang Nhập Excel trên web để chọn cột.",
            i + 1
        );
    }
    let preview = hocvuso_import::validate(sheet, &header, &ctx);
    if let Some(note) = preview.encoding_note() {
        eprintln!("{note}");
    }
    if !preview.errors.is_empty() {
        for e in &preview.errors {
            eprintln!(
                "Dòng {}, cột {} (\"{}\"): {}",
                e.row_number, e.column, e.value, e.message
            );
        }
        bail!(
            "Tệp có {} lỗi; chưa ghi gì. Sửa tệp rồi chạy lại.",
            preview.errors.len()
        );
    }
    println!("{} dòng hợp lệ.", preview.rows.len());
    if dry_run {
        return Ok(());
    }
    let pb = bar(preview.rows.len() as u64, "Đang nhập");
    let pbc = pb.clone();
    let started = std::time::Instant::now();
    // The audit row is written in the import's own transaction.
    let event = cli_event(
        AuditAction::Import,
        AuditObject::Registry,
        &name,
        format!("{} người trong tệp", preview.rows.len()),
    );
    let s = store
        .audited(event)
        .import_residents(&preview.rows, today(), &move |n| pbc.set_position(n as u64))
        .await?;
    pb.finish_and_clear();
    store.close().await;
    println!(
        "Xong trong {:.1} giây: {} người mới, {} cập nhật, {} không đổi, {} hộ mới.",
        started.elapsed().as_secs_f64(),
        s.created,
        s.updated,
        s.unchanged,
        s.households_created
    );
    Ok(())
}

/// `hocvuso export --out F [--sensitive]`: the registry as .xlsx; the
/// sensitive columns (ethnicity, notes) only with `--sensitive`.
pub async fn export(db: DbArgs, out: PathBuf, sensitive: bool) -> Result<()> {
    let store = open(&db).await?;
    let rows = store.export_rows(ResidentScope::All).await?;
    let commune = store
        .get_setting("commune_name")
        .await?
        .unwrap_or_else(|| "xã".into());
    let bytes = hocvuso_import::export_xlsx(&format!("Sổ dân cư {commune}"), &rows, sensitive)
        .map_err(|e| anyhow!(e))?;
    write_private(&out, &bytes).with_context(|| format!("không ghi được {}", out.display()))?;
    store
        .audit_now(&cli_event(
            AuditAction::Export,
            AuditObject::Registry,
            "xlsx",
            format!(
                "{} người{}",
                rows.len(),
                if sensitive {
                    ", kèm dữ liệu nhạy cảm"
                } else {
                    ""
                }
            ),
        ))
        .await?;
    store.close().await;
    println!("Đã xuất {} người vào {}", rows.len(), out.display());
    if !sensitive {
        println!(
            "Không kèm dữ liệu nhạy cảm ({}); thêm --sensitive nếu thật cần.",
            hocvuso_domain::privacy::sensitive_fields_label()
        );
    }
    Ok(())
}

pub async fn user(db: DbArgs, action: UserAction) -> Result<()> {
    let store = open(&db).await?;
    match action {
        UserAction::Add {
            username,
            role,
            name,
            hamlet,
            unit,
            resident,
        } => {
            let kind = RoleKind::from_code(&role).ok_or_else(|| {
                anyhow!(
                    "Vai trò \"{role}\" không có; chọn một trong: {}",
                    RoleKind::ALL
                        .iter()
                        .map(|k| k.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            let hamlet_id = match hamlet {
                Some(h) => {
                    let key = vntext::fold(&h);
                    let list = store.list_hamlets().await?;
                    Some(
                        list.iter()
                            .find(|x| {
                                vntext::fold(&x.name) == key
                                    || vntext::fold(&x.name).ends_with(&format!(" {key}"))
                            })
                            .map(|x| x.id)
                            .ok_or_else(|| anyhow!("Không có xóm \"{h}\""))?,
                    )
                }
                None => None,
            };
            let role = Role::from_parts(kind, unit, hamlet_id, resident)
                .ok_or_else(|| anyhow!("Vai trò {role} cần --hamlet, --unit hoặc --resident"))?;
            let otp = OneTimePassword::new()?;
            let event = cli_event(
                AuditAction::Create,
                AuditObject::Account,
                "",
                format!("vai trò {}", kind.code()),
            );
            store
                .audited(event)
                .create_user(&NewUser {
                    username: username.clone(),
                    display_name: name.unwrap_or_else(|| username.clone()),
                    password_hash: otp.hash,
                    role,
                    must_change_password: true,
                })
                .await?;
            println!("Đã tạo {username}. Mật khẩu một lần: {}", otp.plain);
        }
        UserAction::ResetPassword { username } => {
            let (u, _) = store
                .find_user(&username)
                .await?
                .ok_or_else(|| anyhow!("Không có tài khoản \"{username}\""))?;
            let otp = OneTimePassword::new()?;
            store
                .audited(cli_event(
                    AuditAction::ResetPassword,
                    AuditObject::Account,
                    &u.id.to_string(),
                    String::new(),
                ))
                .set_password(u.id, &otp.hash, true)
                .await?;
            println!("Mật khẩu một lần mới của {username}: {}", otp.plain);
        }
        UserAction::List => {
            for u in store.list_users().await? {
                println!(
                    "{}\t{}\t{}{}",
                    u.username,
                    u.display_name,
                    u.role.kind().label(),
                    if u.disabled { "\t(khóa)" } else { "" }
                );
            }
        }
    }
    store.close().await;
    Ok(())
}

/// Open `path` for writing, readable by its owner only (mode 0600 on Unix):
/// exports and backups hold the whole registry. `replace`: an existing file
/// is emptied (and its mode tightened) instead of refused.
fn create_private(path: &std::path::Path, replace: bool) -> std::io::Result<std::fs::File> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true);
    if replace {
        open.create(true).truncate(true);
    } else {
        open.create_new(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let file = open.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(file)
}

/// Write a whole file readable by its owner only (see [`create_private`]).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = create_private(path, true)?;
    file.write_all(bytes)?;
    file.sync_all()
}

pub async fn backup(db: DbArgs, out: PathBuf) -> Result<()> {
    let store = open(&db).await?;
    if out.exists() {
        bail!("Tệp {} đã có; chọn tên khác để không ghi đè", out.display());
    }
    // An empty file of mode 0600 first: VACUUM INTO fills an empty file and
    // keeps its mode, where it would create a new one readable by everyone.
    create_private(&out, false).with_context(|| format!("không tạo được {}", out.display()))?;
    if let Err(e) = store.backup_to(&out.to_string_lossy()).await {
        let _ = std::fs::remove_file(&out);
        return Err(e.into());
    }
    store.close().await;
    println!("Đã sao lưu vào {}", out.display());
    Ok(())
}

/// `hocvuso audit verify`: recompute the audit log's hash chain. Prints the
/// number of entries and the last entry's hash (to be written down, so that
/// entries cut off the end are noticed later), or each break, and fails
/// when there is one.
pub async fn audit_verify(db: DbArgs) -> Result<()> {
    let store = open(&db).await?;
    let check = store.verify_audit_chain().await?;
    store.close().await;
    println!("Nhật ký truy cập: {} mục", check.entries);
    if check.before_chain > 0 {
        println!(
            "  {} mục đầu ghi trước khi có chuỗi mã băm (không kiểm tra được)",
            check.before_chain
        );
    }
    if let Some(head) = check.head() {
        println!("  Mã băm của mục cuối: {head}");
    }
    if check.is_intact() {
        println!("Chuỗi mã băm nguyên vẹn: không mục nào bị sửa, xóa, chèn hay đổi chỗ.");
        return Ok(());
    }
    for (id, b) in &check.breaks {
        println!("  Mục số {id}: {}", b.label());
    }
    if check.breaks.len() >= hocvuso_domain::audit::ChainCheck::MAX_BREAKS {
        println!("  (chỉ liệt kê {} chỗ đầu tiên)", check.breaks.len());
    }
    bail!(
        "Nhật ký truy cập đã bị can thiệp: {} chỗ đứt trong chuỗi mã băm",
        check.breaks.len()
    )
}

/// `hocvuso hamlet NAME` adds a hamlet; `--rename OLD --to NEW` renames one;
/// `--merge FROM --into TO` merges one into another. Names are matched
/// without diacritics. Bad input is refused before anything is written.
pub async fn hamlet(
    db: DbArgs,
    name: Option<String>,
    rename: Option<String>,
    to: Option<String>,
    merge: Option<String>,
    into: Option<String>,
) -> Result<()> {
    use hocvuso_domain::audit::{AuditAction, AuditObject};
    use hocvuso_domain::hamlet_name::display_name as hamlet_display_name;

    enum Job {
        Add(String),
        Rename(String, String),
        Merge(String, String),
    }
    const USAGE: &str = "thêm xóm: `hocvuso hamlet \"Xóm Mới\"`; đổi tên: `hocvuso hamlet --rename \"Xóm Cũ\" --to \"Xóm Mới\"`; gộp: `hocvuso hamlet --merge \"Xóm A\" --into \"Xóm B\"`";
    let blank = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|s| vntext::normalize(s).is_empty())
    };
    if [&name, &rename, &to, &merge, &into].into_iter().any(blank) {
        bail!("Tên xóm không được để trống. Cách dùng: {USAGE}.");
    }
    let job = match (name, rename, to, merge, into) {
        (Some(n), None, None, None, None) => Job::Add(n),
        (None, Some(old), Some(new), None, None) => Job::Rename(old, new),
        (None, None, None, Some(from), Some(into)) => Job::Merge(from, into),
        (None, Some(_), None, None, None) => {
            bail!("Thiếu tên mới: thêm --to \"Xóm Mới\" sau --rename. Chưa đổi gì.")
        }
        (None, None, Some(_), None, None) => {
            bail!("Thiếu xóm cần đổi tên: thêm --rename \"Xóm Cũ\" trước --to. Chưa đổi gì.")
        }
        (None, None, None, Some(_), None) => {
            bail!("Thiếu xóm nhận: thêm --into \"Xóm B\" sau --merge. Chưa gộp gì.")
        }
        (None, None, None, None, Some(_)) => {
            bail!("Thiếu xóm cần gộp: thêm --merge \"Xóm A\" trước --into. Chưa gộp gì.")
        }
        (None, None, None, None, None) => bail!("Chưa ghi xóm nào. Cách dùng: {USAGE}."),
        _ => bail!("Mỗi lần chỉ làm một việc. Cách dùng: {USAGE}. Chưa thay đổi gì."),
    };

    /// The hamlet a name means ("khuon lang", "Xóm Khuôn Lặng"), live or merged.
    async fn find(store: &Store, raw: &str) -> Result<hocvuso_storage::HamletRecord> {
        if let Some(h) = store.find_hamlet(&hamlet_display_name(raw)).await? {
            return Ok(h);
        }
        store.find_hamlet(raw).await?.ok_or_else(|| {
            anyhow!(
                "Không có xóm \"{}\" trong sổ: xem tên các xóm ở trang Xóm (/xom) hoặc bằng `hocvuso unit list`. Chưa thay đổi gì.",
                vntext::normalize(raw)
            )
        })
    }

    let store = open(&db).await?;
    let result = async {
        match job {
            Job::Add(name) => {
                let name = hamlet_display_name(&name);
                let id = store.add_hamlet_with_units(&name).await?;
                cli_audit(
                    &store,
                    AuditAction::Create,
                    AuditObject::Hamlet,
                    &id.to_string(),
                    name.clone(),
                );
                println!("Đã thêm {name}");
            }
            Job::Rename(old, new) => {
                let h = find(&store, &old).await?;
                let new = hamlet_display_name(&new);
                let old = store.rename_hamlet(h.id, &new).await?;
                cli_audit(
                    &store,
                    AuditAction::Edit,
                    AuditObject::Hamlet,
                    &h.id.to_string(),
                    format!("Đổi tên: {old} → {new}"),
                );
                if old == new {
                    println!("Tên {new} giữ nguyên.");
                } else {
                    println!("Đã đổi tên {old} thành {new} (cùng đơn vị xóm và Tổ công nghệ số cộng đồng của xóm).");
                }
            }
            Job::Merge(from, into) => {
                let (src, dst) = (find(&store, &from).await?, find(&store, &into).await?);
                let m = store.merge_hamlets(src.id, dst.id, today()).await?;
                cli_audit(
                    &store,
                    AuditAction::Edit,
                    AuditObject::Hamlet,
                    &src.id.to_string(),
                    format!(
                        "Gộp {} vào {} (mã {}): {} hộ, {} người, {} thành viên đơn vị, {} tài khoản",
                        m.from_name, m.into_name, dst.id, m.households, m.residents, m.members_added, m.users
                    ),
                );
                cli_audit(
                    &store,
                    AuditAction::Edit,
                    AuditObject::Hamlet,
                    &dst.id.to_string(),
                    format!("Nhận {} gộp vào (mã {})", m.from_name, src.id),
                );
                println!("Đã gộp {} vào {}:", m.from_name, m.into_name);
                println!("  {} hộ, {} người chuyển sang {};", m.households, m.residents, m.into_name);
                println!("  {} người được thêm vào đơn vị xóm và Tổ công nghệ số cộng đồng của {};", m.members_added, m.into_name);
                println!("  {} tài khoản chuyển sang {};", m.users, m.into_name);
                println!("  {} đơn vị của {} ngừng hoạt động (báo cáo quý cũ vẫn giữ).", m.units_deactivated, m.from_name);
                if m.households_recoded > 0 {
                    println!(
                        "  {} hộ trùng mã hộ với hộ của {} nên mã hộ được ghi thêm \"({})\".",
                        m.households_recoded, m.into_name, m.from_name
                    );
                }
            }
        }
        Ok::<(), anyhow::Error>(())
    }
    .await;
    store.close().await;
    result
}

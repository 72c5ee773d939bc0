//! `hocvuso import --kind staff|students FILE`: a staff list or a school's
//! class lists, matched to the registry (nobody is created).
//!
//! The preview is printed first: how many people matched, each person not
//! found (row and reason), each error. Nothing is written when the file has
//! errors, with `--dry-run`, or while someone is not found in the registry:
//! a list is the office's record of who is in a unit, so a missing person
//! usually means the registry needs them first. `--skip-unmatched` writes
//! the people found and says how many were left out. Everything written is
//! written in one transaction and audited.

use crate::commands::{cli_event, open};
use crate::DbArgs;
use anyhow::{anyhow, bail, Result};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::{Unit, UnitType};
use hocvuso_import::{RosterContext, RosterEntry, RosterKind, RosterPreview};
use hocvuso_storage::Store;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct RosterArgs {
    pub kind: RosterKind,
    pub file: PathBuf,
    pub unit: Option<String>,
    pub skip_unmatched: bool,
    pub dry_run: bool,
}

pub async fn import(db: DbArgs, args: RosterArgs) -> Result<()> {
    let bytes = crate::commands::read_import_file(&args.file)?;
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let store = open(&db).await?;
    let r = run(&store, &args, &bytes, &file_name).await;
    store.close().await;
    r
}

/// The active unit with this name (without diacritics too).
fn unit_named(units: &[Unit], name: &str) -> Result<Unit> {
    let key = vntext::fold(&vntext::normalize(name));
    let found: Vec<&Unit> = units
        .iter()
        .filter(|u| vntext::fold(&u.name) == key)
        .collect();
    match found.as_slice() {
        [u] => Ok((*u).clone()),
        [] => bail!("Không có đơn vị \"{name}\": xem tên đúng bằng `hocvuso unit list`."),
        many => bail!(
            "Có {} đơn vị tên \"{name}\": hãy đổi tên một đơn vị cho khỏi trùng.",
            many.len()
        ),
    }
}

async fn run(store: &Store, args: &RosterArgs, bytes: &[u8], file_name: &str) -> Result<()> {
    let units = store.list_units().await?;
    let unit = match &args.unit {
        Some(name) => Some(unit_named(&units, name)?),
        None => None,
    };
    if args.kind == RosterKind::Students {
        match &unit {
            None => bail!(
                "Danh sách học sinh nhập cho một trường: thêm --unit \"Tên trường\" (đơn vị loại truong_hoc, xem `hocvuso unit list`)."
            ),
            Some(u) if u.unit_type != UnitType::School => bail!(
                "\"{}\" là {}, không phải trường học: --unit phải là một trường (loại truong_hoc).",
                u.name,
                u.unit_type.label().to_lowercase()
            ),
            Some(_) => {}
        }
    }
    let ctx = RosterContext {
        kind: args.kind,
        today: hocvuso_domain::time::vn_today(),
        people: store.person_keys().await?,
        units: units.clone(),
        unit: unit.as_ref().map(|u| u.id),
    };
    let preview =
        hocvuso_import::preview_roster(bytes, file_name, &ctx).map_err(|e| anyhow!("{e}"))?;
    print_preview(&preview, &units);

    if !preview.errors.is_empty() {
        bail!(
            "Tệp có {} lỗi; chưa ghi gì. Sửa tệp rồi chạy lại.",
            preview.errors.len()
        );
    }
    if preview.matched.is_empty() {
        bail!(
            "Không có ai trong tệp khớp với sổ dân cư; chưa ghi gì. Nhập những người này vào sổ dân cư trước (hocvuso import TỆP), rồi chạy lại."
        );
    }
    if args.dry_run {
        println!("Chạy thử (--dry-run): chưa ghi gì.");
        return Ok(());
    }
    let skipped = preview.unmatched.len();
    if skipped > 0 && !args.skip_unmatched {
        bail!(
            "Có {skipped} người không tìm thấy trong sổ dân cư (liệt kê ở trên); chưa ghi gì. Thêm họ vào sổ dân cư hoặc sửa tệp rồi chạy lại, hoặc chạy lại với --skip-unmatched để ghi {} người đã khớp và bỏ qua {skipped} người này.",
            preview.matched.len()
        );
    }
    let today = hocvuso_domain::time::vn_today();
    let skipped_note = if skipped > 0 {
        format!(", bỏ qua {skipped} người không có trong sổ")
    } else {
        String::new()
    };
    match args.kind {
        RosterKind::Staff => {
            let rows = preview.members();
            let mut per_unit: BTreeMap<i64, usize> = BTreeMap::new();
            for r in &rows {
                *per_unit.entry(r.unit_id).or_default() += 1;
            }
            let units = per_unit
                .iter()
                .map(|(u, n)| format!("đơn vị số {u}: {n}"))
                .collect::<Vec<_>>()
                .join("; ");
            // One audit row, in the same transaction as the list.
            let event = cli_event(
                AuditAction::Import,
                AuditObject::Unit,
                &unit.as_ref().map(|u| u.id.to_string()).unwrap_or_default(),
                format!(
                    "nhập danh sách cán bộ từ tệp {file_name}: {} người ({units}){skipped_note}",
                    rows.len()
                ),
            );
            let done = store.audited(event).add_members(&rows, today).await?;
            println!(
                "Đã ghi {} người vào {} đơn vị: {} mới, {} cập nhật chức vụ, loại{skipped_note}.",
                rows.len(),
                per_unit.len(),
                done.added,
                done.updated
            );
        }
        RosterKind::Students => {
            let school = unit
                .as_ref()
                .ok_or_else(|| anyhow!("Danh sách học sinh cần --unit \"Tên trường\"."))?;
            let rows = preview.students();
            let event = cli_event(
                AuditAction::Import,
                AuditObject::Unit,
                &school.id.to_string(),
                format!(
                    "nhập danh sách học sinh từ tệp {file_name}: {} học sinh{skipped_note}",
                    rows.len()
                ),
            );
            let n = store
                .audited(event)
                .enrol_students(school.id, &rows, today)
                .await?;
            let counted = rows
                .iter()
                .filter(|r| hocvuso_domain::students::is_counted_grade(r.grade))
                .count();
            println!(
                "Đã ghi {n} học sinh vào \"{}\" ({counted} học sinh từ lớp {} trở lên){skipped_note}.",
                school.name,
                hocvuso_domain::students::FIRST_COUNTED_GRADE
            );
        }
    }
    Ok(())
}

fn print_preview(p: &RosterPreview, units: &[Unit]) {
    if let Some(note) = p.encoding_note() {
        eprintln!("{note}");
    }
    if !p.unused_columns.is_empty() {
        eprintln!("Các cột không dùng: {}.", p.unused_columns.join(", "));
    }
    println!(
        "{} ({}), trang tính \"{}\": {} người khớp sổ dân cư, {} người không tìm thấy, {} lỗi.",
        capitalise(p.kind.label()),
        p.kind.code(),
        p.sheet_name,
        p.matched.len(),
        p.unmatched.len(),
        p.errors.len()
    );
    let unit_name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.as_str())
            .unwrap_or("")
    };
    for m in &p.matched {
        let what = match &m.entry {
            RosterEntry::Staff {
                unit_id,
                position,
                category,
            } => {
                let mut s = format!("{}, {}", unit_name(*unit_id), category.label());
                if !position.is_empty() {
                    s = format!("{s}, {position}");
                }
                s
            }
            RosterEntry::Student { place, .. } => format!("lớp {}", place.class_name),
        };
        println!(
            "  Dòng {}: {} (cư dân số {}, khớp theo {}): {what}",
            m.person.row_number,
            m.registry_name,
            m.resident_id,
            m.matched_by.label()
        );
    }
    if !p.unmatched.is_empty() {
        println!("Không tìm thấy trong sổ dân cư (không ghi):");
        for u in &p.unmatched {
            let birth = u
                .person
                .birth
                .map(|b| format!(", sinh {}", b.display()))
                .unwrap_or_default();
            println!(
                "  Dòng {}: {}{birth}: {}",
                u.person.row_number, u.person.full_name, u.reason
            );
        }
    }
    for e in &p.errors {
        eprintln!(
            "Dòng {}, cột {} (\"{}\"): {}",
            e.row_number, e.column, e.value, e.message
        );
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

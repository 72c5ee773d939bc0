//! `hocvuso unit ...`: the commune's units and their members from the command
//! line (for scripts and for checking what the browser set up). Every command
//! refuses bad input with a Vietnamese message naming what to fix, writes
//! nothing on error, and is audited.

use crate::commands::{cli_audit, open};
use crate::{DbArgs, UnitAction};
use anyhow::{anyhow, bail, Result};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::{CitizenId, MemberCategory, SchoolLevel, Unit, UnitType};
use hocvuso_storage::{NewUnit, Store};

pub async fn run(db: DbArgs, action: UnitAction) -> Result<()> {
    match action {
        UnitAction::Types => {
            println!("Mã\tLoại đơn vị");
            for t in UnitType::ALL {
                println!("{}\t{}", t.code(), t.label());
            }
            println!();
            println!("Cấp học (--level, cho trường học):");
            for l in SchoolLevel::ALL {
                println!("{}\t{}", l.code(), l.label());
            }
            println!();
            println!("Loại thành viên (--category):");
            for c in MemberCategory::ALL {
                println!("{}\t{}", c.code(), c.label());
            }
            Ok(())
        }
        UnitAction::Add {
            name,
            unit_type,
            hamlet,
            level,
        } => {
            let store = open(&db).await?;
            let r = add(
                &store,
                &name,
                &unit_type,
                hamlet.as_deref(),
                level.as_deref(),
            )
            .await;
            store.close().await;
            r
        }
        UnitAction::List { json } => {
            let store = open(&db).await?;
            let r = list(&store, json).await;
            store.close().await;
            r
        }
        UnitAction::Member { action } => {
            let store = open(&db).await?;
            let r = match action {
                crate::MemberAction::Add {
                    unit,
                    citizen_id,
                    resident_id,
                    position,
                    category,
                } => {
                    member_add(
                        &store,
                        &unit,
                        citizen_id.as_deref(),
                        resident_id,
                        position.as_deref().unwrap_or(""),
                        category.as_deref(),
                    )
                    .await
                }
            };
            store.close().await;
            r
        }
    }
}

fn unit_type_of(code: &str) -> Result<UnitType> {
    UnitType::from_code(code).ok_or_else(|| {
        anyhow!(
            "Không có loại đơn vị \"{code}\". Các mã: {} (xem `hocvuso unit types`).",
            UnitType::ALL.map(UnitType::code).join(", ")
        )
    })
}

async fn hamlet_id_of(store: &Store, name: &str) -> Result<i64> {
    // "Khuôn Lặng" and "xom khuon lang" both name "Xóm Khuôn Lặng".
    let key = vntext::fold(&hocvuso_domain::hamlet_name::display_name(name));
    store
        .list_hamlets()
        .await?
        .into_iter()
        .find(|h| vntext::fold(&h.name) == key)
        .map(|h| h.id)
        .ok_or_else(|| {
            anyhow!("Không có xóm \"{name}\" trong sổ: thêm xóm trước bằng `hocvuso hamlet`.")
        })
}

async fn add(
    store: &Store,
    name: &str,
    unit_type: &str,
    hamlet: Option<&str>,
    level: Option<&str>,
) -> Result<()> {
    let unit_type = unit_type_of(unit_type)?;
    let hamlet_id = match hamlet {
        Some(h) => Some(hamlet_id_of(store, h).await?),
        None => None,
    };
    let school_level = match level {
        Some(l) => Some(SchoolLevel::from_code(l).ok_or_else(|| {
            anyhow!(
                "Không có cấp học \"{l}\". Các mã: {}.",
                SchoolLevel::ALL.map(SchoolLevel::code).join(", ")
            )
        })?),
        None => None,
    };
    let id = store
        .create_unit_with(&NewUnit {
            name: name.to_string(),
            unit_type,
            hamlet_id,
            school_level,
            created_on: Some(hocvuso_domain::time::vn_today()),
        })
        .await?;
    cli_audit(
        store,
        AuditAction::Create,
        AuditObject::Unit,
        &id.to_string(),
        name.to_string(),
    );
    println!(
        "Đã thêm đơn vị \"{}\" ({}), mã số {id}.",
        name.trim(),
        unit_type.label()
    );
    Ok(())
}

async fn list(store: &Store, json: bool) -> Result<()> {
    let hamlets = store.list_hamlets().await?;
    let hamlet_name = |id: Option<i64>| {
        id.and_then(|id| hamlets.iter().find(|h| h.id == id))
            .map(|h| h.name.clone())
    };
    let units = store.units_overview().await?;
    if json {
        let rows: Vec<serde_json::Value> = units
            .iter()
            .map(|o| {
                serde_json::json!({
                    "id": o.unit.id,
                    "name": o.unit.name,
                    "type": o.unit.unit_type.code(),
                    "type_label": o.unit.unit_type.label(),
                    "hamlet": hamlet_name(o.unit.hamlet_id),
                    "school_level": o.unit.school_level.map(SchoolLevel::code),
                    "members": o.members,
                    "reports": o.reports,
                    "active": o.unit.active,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!("Mã số\tĐơn vị\tLoại\tXóm\tThành viên\tĐang hoạt động");
    for o in &units {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            o.unit.id,
            o.unit.name,
            o.unit.unit_type.label(),
            hamlet_name(o.unit.hamlet_id).unwrap_or_default(),
            o.members,
            if o.unit.active { "có" } else { "không" }
        );
    }
    Ok(())
}

/// The unit named (without diacritics too), or a message listing near names.
async fn unit_named(store: &Store, name: &str) -> Result<Unit> {
    let key = vntext::fold(name);
    let units = store.list_units().await?;
    let mut found: Vec<&Unit> = units
        .iter()
        .filter(|u| vntext::fold(&u.name) == key)
        .collect();
    match found.len() {
        1 => Ok(found.remove(0).clone()),
        0 => bail!("Không có đơn vị \"{name}\": xem tên đúng bằng `hocvuso unit list`."),
        _ => bail!(
            "Có {} đơn vị tên \"{name}\": hãy đổi tên một đơn vị cho khỏi trùng.",
            found.len()
        ),
    }
}

async fn member_add(
    store: &Store,
    unit: &str,
    citizen_id: Option<&str>,
    resident_id: Option<i64>,
    position: &str,
    category: Option<&str>,
) -> Result<()> {
    let unit = unit_named(store, unit).await?;
    let category = match category {
        Some(c) => MemberCategory::from_code(c).ok_or_else(|| {
            anyhow!(
                "Không có loại thành viên \"{c}\". Các mã: {}.",
                MemberCategory::ALL.map(MemberCategory::code).join(", ")
            )
        })?,
        None => MemberCategory::default_for(unit.unit_type),
    };
    let rid = match (citizen_id, resident_id) {
        (Some(raw), None) => {
            let id = CitizenId::parse(raw).map_err(|e| anyhow!("Số CCCD: {}", e.message))?;
            store.resident_id_by_citizen_id(&id).await?.ok_or_else(|| {
                anyhow!("Không có ai mang số CCCD này trong sổ dân cư: nhập người đó vào sổ trước.")
            })?
        }
        (None, Some(id)) => {
            store
                .get_resident(hocvuso_domain::auth::ResidentScope::All, id)
                .await?
                .ok_or_else(|| anyhow!("Không có cư dân mã số {id} trong sổ."))?
                .id
        }
        _ => bail!(
            "Cho biết người cần thêm bằng đúng một trong hai: --citizen-id hoặc --resident-id."
        ),
    };
    store
        .add_member(
            unit.id,
            rid,
            position,
            category,
            hocvuso_domain::time::vn_today(),
        )
        .await?;
    cli_audit(
        store,
        AuditAction::Edit,
        AuditObject::Unit,
        &unit.id.to_string(),
        format!("thêm thành viên cư dân số {rid} ({})", category.label()),
    );
    println!(
        "Đã thêm cư dân số {rid} vào \"{}\" ({}).",
        unit.name,
        category.label()
    );
    Ok(())
}

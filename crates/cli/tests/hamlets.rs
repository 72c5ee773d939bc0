//! `hocvuso hamlet`: add, rename (`--rename OLD --to NEW`) and merge
//! (`--merge FROM --into TO`) hamlets on a fresh data folder; bad input is
//! refused in Vietnamese with nothing written.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::path::Path;

mod common;
use common::*;

fn units(data: &Path) -> Vec<serde_json::Value> {
    let list: serde_json::Value =
        serde_json::from_str(&ok(data, &["unit", "list", "--json"])).unwrap();
    list.as_array().unwrap().clone()
}

fn unit<'a>(list: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    list.iter()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("no unit {name}: {list:?}"))
}

/// Residents per hamlet name, and each account's username with its hamlet.
type Register = (Vec<(String, i64)>, Vec<(String, Option<String>)>);

/// The register as stored in the data folder.
fn register(data: &Path) -> Register {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = hocvuso_storage::Store::connect(&hocvuso_storage::StoreOptions::sqlite_file(
            &data.join("hocvuso.sqlite"),
        ))
        .await
        .unwrap();
        let hamlets = store.list_hamlets().await.unwrap();
        let name = |id: i64| hamlets.iter().find(|h| h.id == id).map(|h| h.name.clone());
        let counts = store.count_by_hamlet().await.unwrap();
        let mut people: Vec<(String, i64)> = counts
            .iter()
            .map(|(id, n)| {
                (
                    name(*id).unwrap_or_else(|| format!("(xóm {id} không còn)")),
                    *n,
                )
            })
            .collect();
        people.sort();
        let users = store
            .list_users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| (u.username, u.role.hamlet_id().and_then(name)))
            .collect();
        store.close().await;
        (people, users)
    })
}

#[test]
fn hamlets_are_added_renamed_and_merged_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    // The old form still adds.
    assert!(ok(&data, &["hamlet", "Khuôn Lặng"]).contains("Đã thêm Xóm Khuôn Lặng"));
    assert!(ok(&data, &["hamlet", "Na Mấy"]).contains("Đã thêm Xóm Na Mấy"));
    let csv = dir.path().join("nhan-khau.csv");
    std::fs::write(
        &csv,
        "STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Xóm;Quan hệ với chủ hộ\n\
         1;Nông Văn Bình;12/03/1975;Nam;019075000101;Khuôn Lặng;Chủ hộ\n\
         2;Hoàng Thị Lan;05/07/1980;Nữ;019180000102;Khuôn Lặng;Vợ\n\
         3;Lường Văn Chiến;20/01/1988;Nam;019088000103;Khuôn Lặng;Chủ hộ\n\
         4;Triệu Thị Mai;14/02/1990;Nữ;019190000104;Na Mấy;Chủ hộ\n\
         5;Đặng Văn Sơn;30/09/1985;Nam;019085000105;Na Mấy;Chồng\n",
    )
    .unwrap();
    assert!(ok(&data, &["import", csv.to_str().unwrap()]).contains("5 người mới"));
    for cid in ["019075000101", "019088000103"] {
        ok(
            &data,
            &[
                "unit",
                "member",
                "add",
                "Tổ công nghệ số cộng đồng xóm Khuôn Lặng",
                "--citizen-id",
                cid,
            ],
        );
    }
    ok(
        &data,
        &[
            "user",
            "add",
            "truongxom.kl",
            "--role",
            "truong_xom",
            "--hamlet",
            "Xóm Khuôn Lặng",
            "--name",
            "Nông Văn Bình",
        ],
    );

    // Bad input: a Vietnamese message naming what to fix, nothing written.
    refused(&data, &["hamlet"], "Chưa ghi xóm nào");
    refused(
        &data,
        &["hamlet", "--merge", "Khuôn Lặng"],
        "Thiếu xóm nhận",
    );
    refused(
        &data,
        &["hamlet", "--rename", "Khuôn Lặng"],
        "Thiếu tên mới",
    );
    refused(
        &data,
        &[
            "hamlet",
            "Xóm Mới",
            "--merge",
            "Khuôn Lặng",
            "--into",
            "Na Mấy",
        ],
        "Mỗi lần chỉ làm một việc",
    );
    refused(
        &data,
        &[
            "hamlet",
            "--merge",
            "khuon lang",
            "--into",
            "Xóm Khuôn Lặng",
        ],
        "Không gộp được một xóm vào chính nó",
    );
    refused(
        &data,
        &["hamlet", "--merge", "Xóm Không Có", "--into", "Na Mấy"],
        "Không có xóm \"Xóm Không Có\" trong sổ",
    );
    refused(
        &data,
        &["hamlet", "--rename", "Khuôn Lặng", "--to", "na may"],
        "Đã có Xóm Na Mấy",
    );
    refused(
        &data,
        &["hamlet", "--rename", "Na Mấy", "--to", "  "],
        "không được để trống",
    );

    // Rename: the hamlet's unit and team follow.
    let o = ok(
        &data,
        &["hamlet", "--rename", "na may", "--to", "Na Mấy Mới"],
    );
    assert!(
        o.contains("Đã đổi tên Xóm Na Mấy thành Xóm Na Mấy Mới"),
        "{o}"
    );
    let list = units(&data);
    unit(&list, "Xóm Na Mấy Mới");
    unit(&list, "Tổ công nghệ số cộng đồng xóm Na Mấy Mới");
    assert!(!list.iter().any(|u| u["name"] == "Xóm Na Mấy"));

    // Merge, names without diacritics.
    let o = ok(
        &data,
        &["hamlet", "--merge", "khuon lang", "--into", "na may moi"],
    );
    assert!(
        o.contains("Đã gộp Xóm Khuôn Lặng vào Xóm Na Mấy Mới"),
        "{o}"
    );
    assert!(o.contains("3 người chuyển sang"), "{o}");
    let list = units(&data);
    for old in ["Xóm Khuôn Lặng", "Tổ công nghệ số cộng đồng xóm Khuôn Lặng"] {
        assert_eq!(unit(&list, old)["active"], false, "{old} is inactive");
    }
    assert_eq!(
        unit(&list, "Tổ công nghệ số cộng đồng xóm Khuôn Lặng")["members"],
        2,
        "kept as history"
    );
    let team = unit(&list, "Tổ công nghệ số cộng đồng xóm Na Mấy Mới");
    assert_eq!(
        (team["active"].clone(), team["members"].clone()),
        (true.into(), 2.into())
    );
    let (people, users) = register(&data);
    assert_eq!(people, vec![("Xóm Na Mấy Mới".to_string(), 5)]);
    assert!(
        users.contains(&(
            "truongxom.kl".to_string(),
            Some("Xóm Na Mấy Mới".to_string())
        )),
        "{users:?}"
    );

    // The merged hamlet cannot be merged again, nor merged into.
    ok(&data, &["hamlet", "Làng Mới"]);
    refused(
        &data,
        &["hamlet", "--merge", "Làng Mới", "--into", "Khuôn Lặng"],
        "Xóm Khuôn Lặng đã được gộp vào xóm khác",
    );
    refused(
        &data,
        &["hamlet", "--merge", "Khuôn Lặng", "--into", "Làng Mới"],
        "đã được gộp vào xóm khác rồi",
    );
}

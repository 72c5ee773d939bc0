//! Conversions and detection on known pairs of real names, words and sentences.

mod fixtures;

use fixtures::*;
use unicode_normalization::UnicodeNormalization;
use vntext::{
    decode_bytes, decode_bytes_detailed, detect, detect_many, fold, nfc, normalize,
    tcvn3_to_unicode, title_case_name, to_unicode, unicode_to_tcvn3, unicode_to_vni,
    vni_to_unicode, Container, Encoding,
};

#[test]
fn brief_examples() {
    assert_eq!(tcvn3_to_unicode("NguyÔn V¨n An"), "Nguyễn Văn An");
    assert_eq!(vni_to_unicode("Nguyeãn Vaên An"), "Nguyễn Văn An");
    assert_eq!(unicode_to_tcvn3("Nguyễn Văn An"), "NguyÔn V¨n An");
    assert_eq!(unicode_to_vni("Nguyễn Văn An"), "Nguyeãn Vaên An");
}

#[test]
fn tcvn3_samples_convert_both_ways() {
    assert!(TCVN3_SAMPLES.len() >= 20);
    for &(uni, legacy, decoded) in TCVN3_SAMPLES {
        assert_eq!(unicode_to_tcvn3(uni), legacy, "encode {uni}");
        assert_eq!(tcvn3_to_unicode(legacy), decoded, "decode {legacy}");
        assert_eq!(to_unicode(legacy, Encoding::Tcvn3), decoded);
        // Capitalising names gives back the proper form where the original was title case.
        if uni == title_case_name(uni) {
            assert_eq!(title_case_name(&tcvn3_to_unicode(legacy)), uni);
        }
    }
}

#[test]
fn vni_samples_convert_both_ways() {
    assert!(VNI_SAMPLES.len() >= 20);
    for &(uni, legacy) in VNI_SAMPLES {
        assert_eq!(unicode_to_vni(uni), legacy, "encode {uni}");
        assert_eq!(vni_to_unicode(legacy), uni, "decode {legacy}");
        assert_eq!(to_unicode(legacy, Encoding::Vni), uni);
    }
}

#[test]
fn sentences() {
    assert_eq!(
        tcvn3_to_unicode("ñy ban nh©n d©n x· D©n TiÕn"),
        "ủy ban nhân dân xã Dân Tiến"
    );
    assert_eq!(
        tcvn3_to_unicode("Phßng V¨n hãa – X· héi"),
        "Phòng Văn hóa – Xã hội"
    );
    assert_eq!(
        vni_to_unicode("UÛy ban nhaân daân xaõ Daân Tieán"),
        "Ủy ban nhân dân xã Dân Tiến"
    );
    assert_eq!(
        vni_to_unicode("Phoøng Vaên hoùa – Xaõ hoäi"),
        "Phòng Văn hóa – Xã hội"
    );
    assert_eq!(
        normalize("  ñy ban nh©n d©n x·   D©n TiÕn "),
        "ủy ban nhân dân xã Dân Tiến"
    );
    assert_eq!(
        normalize("UÛy ban nhaân daân xaõ Daân Tieán"),
        "Ủy ban nhân dân xã Dân Tiến"
    );
}

#[test]
fn all_tcvn3_codes() {
    // 67 lowercase letters with diacritics (incl. đ) + 7 capitals.
    assert_eq!(TCVN3_CODES.len(), 74);
    for &(uni, code) in TCVN3_CODES {
        assert_eq!(
            unicode_to_tcvn3(&uni.to_string()),
            code.to_string(),
            "{uni}"
        );
        assert_eq!(
            tcvn3_to_unicode(&code.to_string()),
            uni.to_string(),
            "{code}"
        );
    }
    // Every one of the 134 letters round-trips, capitals coming back lowercase except the
    // seven capitals TCVN3 has.
    let letters: Vec<char> = ALL_LETTERS.chars().collect();
    assert_eq!(letters.len(), 134);
    for c in letters {
        let back = tcvn3_to_unicode(&unicode_to_tcvn3(&c.to_string()));
        let expected = if "ĂÂĐÊÔƠƯ".contains(c) {
            c.to_string()
        } else {
            c.to_lowercase().to_string()
        };
        assert_eq!(back, expected, "{c}");
    }
}

#[test]
fn all_vni_codes() {
    assert_eq!(VNI_CODES.len(), 134);
    for &(uni, code) in VNI_CODES {
        assert_eq!(unicode_to_vni(&uni.to_string()), code, "{uni}");
        assert_eq!(vni_to_unicode(code), uni.to_string(), "{code}");
        // In a word, too.
        let word = format!("x{code}n");
        assert_eq!(vni_to_unicode(&word), format!("x{uni}n"));
    }
}

#[test]
fn vni_tolerates_mark_of_the_other_case() {
    // Caps lock or hand edits: the base letter decides the case.
    assert_eq!(vni_to_unicode("NGUYEãN"), "NGUYỄN");
    assert_eq!(vni_to_unicode("ÑAëNG"), "ĐẶNG");
    // A breve byte only goes with a: after e it stays as it is.
    assert_eq!(vni_to_unicode("Nguyeên"), "Nguyeên");
    assert_eq!(vni_to_unicode("aÙ"), "á");
    assert_eq!(vni_to_unicode("Aù"), "Á");
}

#[test]
fn c1_controls_are_accepted() {
    // “ ” – as bytes 0x93 0x94 0x96 seen through Latin-1.
    assert_eq!(tcvn3_to_unicode("\u{93}V¨n\u{94} \u{96} x"), "“Văn” – x");
    assert_eq!(vni_to_unicode("\u{93}Vaên\u{94} \u{96} x"), "“Văn” – x");
    assert_eq!(detect("\u{93}NguyÔn V¨n An\u{94}"), Encoding::Tcvn3);
}

#[test]
fn detects_legacy_samples() {
    for &(uni, legacy, _) in TCVN3_SAMPLES {
        if uni == "khuỷu tay" {
            // One word, and "uûu" has nothing Western text lacks: too little to tell alone.
            continue;
        }
        assert_eq!(detect(legacy), Encoding::Tcvn3, "{uni} as {legacy}");
    }
    for &(uni, legacy) in VNI_SAMPLES {
        assert_eq!(detect(legacy), Encoding::Vni, "{uni} as {legacy}");
    }
    assert_eq!(
        detect_many(TCVN3_SAMPLES.iter().map(|s| s.1)),
        Encoding::Tcvn3
    );
    assert_eq!(detect_many(VNI_SAMPLES.iter().map(|s| s.1)), Encoding::Vni);
    assert_eq!(detect_many(["khuûu tay", "chñ hé"]), Encoding::Tcvn3);
}

#[test]
fn detects_unicode_and_foreign_text() {
    for s in [
        "Nguyễn Thị Hoà",
        "Đặng Ánh",
        "Hà Giang",
        "Café",
        "CAFÉ",
        "Le café est très bon",
        "Crème brûlée",
        "Thérèse Hélène",
        "naïve",
        "Loïc",
        "où",
        "Noël, Zoé, Chloé, Joël",
        "Raúl Peña Ibáñez",
        "São Paulo",
        "Müller",
        "Søren Ångström",
        "più",
        "Straße",
        "Lê Tú Anh",
        "Thái Lan",
        "Hồ Chí Minh",
        "Nguyen Van An",
        "",
        "   ",
        "12/03/1990",
        "Ánh",
        "Tô",
        "Lý",
        "Café Hoà Bình",
    ] {
        assert_eq!(detect(s), Encoding::Unicode, "{s:?}");
        assert_eq!(detect(&nfc(s)), Encoding::Unicode);
    }
    // Decomposed (NFD) Vietnamese.
    let decomposed = nfd("Nguyễn Thị Hoà");
    assert_ne!(decomposed, "Nguyễn Thị Hoà");
    assert_eq!(detect(&decomposed), Encoding::Unicode);
    assert_eq!(normalize(&decomposed), "Nguyễn Thị Hoà");
    assert_eq!(
        detect_many(["Họ và tên", "Nguyễn Văn An", "Đặng Ánh", "Café"]),
        Encoding::Unicode
    );
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

#[test]
fn one_unicode_header_does_not_outvote_a_legacy_sheet() {
    let mut cells = vec!["Họ và tên", "Ngày sinh"];
    cells.extend(TCVN3_SAMPLES.iter().map(|s| s.1));
    assert_eq!(detect_many(cells), Encoding::Tcvn3);
    // detect_many takes owned strings and references alike.
    let owned: Vec<String> = VNI_SAMPLES.iter().map(|s| s.1.to_string()).collect();
    assert_eq!(detect_many(&owned), Encoding::Vni);
}

#[test]
fn normalize_cleans_unicode() {
    assert_eq!(
        normalize("  Nguyễn \t Văn\u{A0}\u{A0}An \n"),
        "Nguyễn Văn An"
    );
    assert_eq!(normalize("Café"), "Café");
    assert_eq!(normalize(""), "");
}

#[test]
fn fold_examples() {
    assert_eq!(fold("Nguyễn Văn Ánh"), "nguyen van anh");
    assert_eq!(fold("ĐẶNG"), "dang");
    assert_eq!(fold("Hòa"), fold("Hoà"));
    assert_eq!(fold("Thủy"), fold("Thuỷ"));
    assert_eq!(fold("  Ủy   ban \t nhân dân  "), "uy ban nhan dan");
    assert_eq!(fold("Nguye\u{302}\u{303}n"), "nguyen");
}

#[test]
fn title_case_examples() {
    assert_eq!(title_case_name("nguyễn văn an"), "Nguyễn Văn An");
    assert_eq!(title_case_name("đặng thị ánh"), "Đặng Thị Ánh");
    assert_eq!(title_case_name("NGUYỄN văn ĐỨC"), "Nguyễn Văn Đức");
    assert_eq!(
        title_case_name(&tcvn3_to_unicode("§Æng ThÞ ¸nh")),
        "Đặng Thị Ánh"
    );
    assert_eq!(title_case_name("ưng"), "Ưng");
}

#[test]
fn decode_utf8_with_and_without_bom() {
    let (text, enc) = decode_bytes(CSV_UNICODE.as_bytes());
    assert_eq!((text.as_str(), enc), (CSV_UNICODE, Encoding::Unicode));

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(CSV_UNICODE.as_bytes());
    let d = decode_bytes_detailed(&bom);
    assert_eq!(d.text, CSV_UNICODE);
    assert_eq!(d.container, Container::Utf8Bom);
    assert_eq!(d.encoding, Encoding::Unicode);

    // NFD in the file comes out NFC.
    let decomposed = nfd("Nguyễn Thị Hoà\n");
    assert_eq!(decode_bytes(decomposed.as_bytes()).0, "Nguyễn Thị Hoà\n");
}

#[test]
fn decode_utf16() {
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in CSV_UNICODE.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    let d = decode_bytes_detailed(&le);
    assert_eq!(
        (d.text.as_str(), d.container, d.encoding),
        (CSV_UNICODE, Container::Utf16Le, Encoding::Unicode)
    );
    let d = decode_bytes_detailed(&be);
    assert_eq!(
        (d.text.as_str(), d.container, d.encoding),
        (CSV_UNICODE, Container::Utf16Be, Encoding::Unicode)
    );
}

#[test]
fn decode_raw_tcvn3_and_vni() {
    let d = decode_bytes_detailed(CSV_TCVN3_BYTES);
    assert_eq!(d.encoding, Encoding::Tcvn3);
    assert_eq!(d.container, Container::Windows1252);
    assert_eq!(d.text, CSV_TCVN3_EXPECTED);

    let (text, enc) = decode_bytes(CSV_VNI_BYTES);
    assert_eq!(enc, Encoding::Vni);
    assert_eq!(text, CSV_UNICODE);
}

#[test]
fn decode_windows_1258_and_1252() {
    let d = decode_bytes_detailed(CSV_CP1258_BYTES);
    assert_eq!(d.container, Container::Windows1258);
    assert_eq!(d.encoding, Encoding::Unicode);
    assert_eq!(d.text, CSV_UNICODE);

    // Plain Western text in Windows-1252.
    let d = decode_bytes_detailed(b"Caf\xe9 cr\xe8me, \x93quoted\x94\n");
    assert_eq!(d.container, Container::Windows1252);
    assert_eq!(d.encoding, Encoding::Unicode);
    assert_eq!(d.text, "Café crème, “quoted”\n");
}

#[test]
fn decode_legacy_resaved_as_utf8() {
    // A TCVN3 sheet opened in Excel and saved as UTF-8 keeps the Windows-1252 view.
    let view: String = CSV_TCVN3_BYTES.iter().map(|&b| cp1252(b)).collect();
    let d = decode_bytes_detailed(view.as_bytes());
    assert_eq!(d.container, Container::Utf8);
    assert_eq!(d.encoding, Encoding::Tcvn3);
    assert_eq!(d.text, CSV_TCVN3_EXPECTED);
}

/// Windows-1252 decoding for the test above (only the bytes the fixtures use).
fn cp1252(b: u8) -> char {
    match b {
        0x80..=0x9F => panic!("fixture uses byte {b:#x}"),
        _ => char::from(b),
    }
}

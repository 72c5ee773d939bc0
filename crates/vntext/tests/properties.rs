//! Property tests over strings built from real Vietnamese syllables.

use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;
use vntext::{
    decode_bytes, detect, fold, is_vietnamese_syllable, nfc, normalize, tcvn3_to_unicode,
    unicode_to_tcvn3, unicode_to_vni, vni_to_unicode, Encoding,
};

/// Real syllables (names, administrative words, everyday words), NFC, lowercase.
const SYLLABLES_TEXT: &str = "\
    nguyễn văn thị hoà hòa thuỷ thủy đặng ánh hà giang trần lê phạm hoàng huỳnh vũ võ đỗ hồ \
    ngô dương lý bùi đinh trịnh mai lương tạ phan cao kiều quách hứa lò giàng mùa sùng minh \
    tuấn hương đức thắng bích ngọc dũng lực hằng khải mỹ công trứ xuân trường thu nghĩa \
    quỳnh thanh giản nguyệt bá quát loan páo mười yến kiệt ủy ban nhân dân xã tiến phòng hóa \
    hội thôn đồng tâm hộ gia đình chủ ngày sinh giới tính tộc kinh tày nùng mường thái trung \
    học cơ sở cộng nghĩa việt nam độc lập tự do hạnh phúc khuỷu tay người già rượu thuở ấy \
    huyện yên thế tỉnh bắc giữa quốc khuya chuyện tuyết hoặc của làng bản ruộng lúa nước \
    suối đường điện trạm y tế trẻ em giáo viên cán bộ ông bà cháu con gái trai vợ chồng anh \
    chị ươm oẳn khoèo ngoằn nghèo quyển giường yêu ước ở";

fn syllables() -> Vec<&'static str> {
    SYLLABLES_TEXT.split_whitespace().collect()
}

fn syllable() -> impl Strategy<Value = String> {
    prop::sample::select(syllables()).prop_map(str::to_string)
}

fn has_diacritic(w: &str) -> bool {
    !w.is_ascii()
}

/// Lowercase Vietnamese text: 1..8 syllables, sometimes with ASCII digits/punctuation.
fn lower_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![4 => syllable(), 1 => "[0-9]{1,4}|[,.;:()/-]"],
        1..8,
    )
    .prop_map(|ws| ws.join(" "))
}

/// Each character's case chosen at random.
fn mixed_case_text() -> impl Strategy<Value = String> {
    (lower_text(), prop::collection::vec(any::<bool>(), 64)).prop_map(|(s, flips)| {
        s.chars()
            .enumerate()
            .flat_map(|(i, c)| {
                if flips[i % flips.len()] {
                    c.to_uppercase().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect()
    })
}

/// Whole words in lower, Title or UPPER case, as names and headings are written.
fn word_case(w: &str, mode: u8) -> String {
    match mode % 3 {
        0 => w.to_string(),
        1 => {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        }
        _ => w.to_uppercase(),
    }
}

/// 3..8 syllables with diacritics, in word cases as found in sheets.
fn toned_words() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        (
            syllable().prop_filter("diacritic", |w| has_diacritic(w)),
            any::<u8>(),
        ),
        3..8,
    )
    .prop_map(|ws| ws.into_iter().map(|(w, m)| word_case(&w, m)).collect())
}

/// Words whose legacy form does not also read as plausible Unicode Vietnamese; only those
/// carry evidence (e.g. TCVN3 "lª" for "lê" does, but TCVN3 "tó" for "tú" reads as a word).
fn telling_words(words: &[String], encode: fn(&str) -> String) -> usize {
    words
        .iter()
        .filter(|w| !is_vietnamese_syllable(&encode(w)))
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn tcvn3_round_trip_lowercase(s in lower_text()) {
        let legacy = unicode_to_tcvn3(&s);
        prop_assert_eq!(tcvn3_to_unicode(&legacy), s);
    }

    #[test]
    fn tcvn3_round_trip_lowers_capitals(s in mixed_case_text()) {
        let back = tcvn3_to_unicode(&unicode_to_tcvn3(&s));
        // Toned capitals come back lowercase; all else is as it was.
        let expected: String = s
            .chars()
            .map(|c| {
                if c.is_ascii() || "ĂÂĐÊÔƠƯ".contains(c) {
                    c
                } else {
                    c.to_lowercase().next().unwrap_or(c)
                }
            })
            .collect();
        prop_assert_eq!(back, expected);
    }

    #[test]
    fn vni_round_trip_mixed_case(s in mixed_case_text()) {
        let legacy = unicode_to_vni(&s);
        prop_assert_eq!(vni_to_unicode(&legacy), s);
    }

    #[test]
    fn fold_is_idempotent(s in "\\PC*") {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_is_idempotent_on_vietnamese(s in mixed_case_text()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_ignores_normalisation_form(s in mixed_case_text()) {
        let nfd: String = s.nfd().collect();
        prop_assert_eq!(fold(&nfd), fold(&s));
        // Old and new tone placement fold alike.
        prop_assert_eq!(fold(&s.replace("hoà", "hòa")), fold(&s));
    }

    #[test]
    fn fold_gives_ascii_for_vietnamese(s in mixed_case_text()) {
        let f = fold(&s);
        prop_assert!(f.is_ascii(), "{:?} -> {:?}", s, f);
        prop_assert_eq!(f.to_lowercase(), f.clone());
    }

    #[test]
    fn detects_vni(words in toned_words()) {
        prop_assume!(telling_words(&words, unicode_to_vni) >= 2);
        let legacy = unicode_to_vni(&words.join(" "));
        prop_assert_eq!(detect(&legacy), Encoding::Vni, "{:?}", legacy);
        prop_assert_eq!(normalize(&legacy), words.join(" "));
    }

    #[test]
    fn detects_tcvn3(words in toned_words()) {
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        prop_assume!(telling_words(&words, unicode_to_tcvn3) >= 2);
        let legacy = unicode_to_tcvn3(&words.join(" "));
        prop_assert_eq!(detect(&legacy), Encoding::Tcvn3, "{:?}", legacy);
        prop_assert_eq!(normalize(&legacy), words.join(" "));
    }

    #[test]
    fn unicode_is_detected_as_unicode(words in toned_words()) {
        let s = words.join(" ");
        prop_assert_eq!(detect(&s), Encoding::Unicode);
        let nfd: String = s.nfd().collect();
        prop_assert_eq!(detect(&nfd), Encoding::Unicode);
    }

    #[test]
    fn normalize_keeps_nfc_unicode(
        words in prop::collection::vec((syllable(), any::<u8>()), 1..8),
        gaps in prop::collection::vec("[ \t\n\u{A0}]{1,3}", 9),
    ) {
        let words: Vec<String> = words.iter().map(|(w, m)| word_case(w, *m)).collect();
        let mut s = gaps[0].clone();
        for (i, w) in words.iter().enumerate() {
            s.push_str(w);
            s.push_str(&gaps[i + 1]);
        }
        prop_assert_eq!(normalize(&s), words.join(" "));
    }

    #[test]
    fn conversions_give_nfc(s in "\\PC*") {
        for out in [tcvn3_to_unicode(&s), vni_to_unicode(&s), normalize(&s)] {
            prop_assert_eq!(nfc(&out), out);
        }
    }

    #[test]
    fn decode_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let (text, _) = decode_bytes(&bytes);
        prop_assert_eq!(nfc(&text), text);
    }

    #[test]
    fn decode_bytes_reads_utf8_text(words in toned_words()) {
        let s = words.join(" ");
        let (text, enc) = decode_bytes(s.as_bytes());
        prop_assert_eq!(enc, Encoding::Unicode);
        prop_assert_eq!(text, s);
    }
}

#[test]
fn every_listed_syllable_is_accepted() {
    for w in syllables() {
        assert!(is_vietnamese_syllable(w), "{w}");
        assert!(is_vietnamese_syllable(&w.to_uppercase()), "{w}");
    }
}

//! The legacy-encoding converter (`vntext`): TCVN3 / VNI-Windows to Unicode,
//! encoding detection, and the decoding of a text file's raw bytes.
//!
//! The input is used twice: as raw file bytes and as cell text (lossy UTF-8),
//! where the converters must give NFC text without invisible characters; and
//! as a recipe for Unicode Vietnamese text (real syllables, in the cases
//! names are written in), which normalising must leave unchanged and which
//! must come back from its TCVN3 and VNI forms.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicode_normalization::is_nfc;
use vntext::{
    decode_bytes_detailed, detect, fold, is_invisible, is_vietnamese_syllable, normalize,
    tcvn3_to_unicode, to_unicode, unicode_to_tcvn3, unicode_to_vni, vni_to_unicode, Container,
    Encoding,
};

/// Real syllables (names, places, administrative and everyday words), NFC, lowercase.
const SYLLABLES: &str = "\
    nguyễn văn thị hoà hòa thuỷ thủy đặng ánh hà giang trần lê phạm hoàng huỳnh vũ võ đỗ hồ \
    ngô dương lý bùi đinh trịnh mai lương tạ phan cao kiều quách hứa lò giàng mùa sùng minh \
    tuấn hương đức thắng bích ngọc dũng lực hằng khải mỹ công trứ xuân trường thu nghĩa \
    quỳnh thanh giản nguyệt bá quát loan páo mười yến kiệt ủy ban nhân dân xã tiến phòng hóa \
    hội thôn đồng tâm hộ gia đình chủ ngày sinh giới tính tộc kinh tày nùng mường thái trung \
    học cơ sở cộng việt nam độc lập tự do hạnh phúc khuỷu tay người già rượu thuở ấy \
    huyện yên thế tỉnh bắc giữa quốc khuya chuyện tuyết hoặc của làng bản ruộng lúa nước \
    suối đường điện trạm y tế trẻ em giáo viên cán bộ ông bà cháu con gái trai vợ chồng anh \
    chị ươm oẳn khoèo ngoằn nghèo quyển giường yêu ước ở khuôn lặng na mấy ê đê";

/// Characters of the Windows-1252 view of 8-bit bytes (the only text a
/// legacy reading can apply to).
fn is_byte_view(c: char) -> bool {
    (c as u32) < 0x100 || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(c)
}

/// NFC, without invisible characters.
fn assert_clean(what: &str, input: &str, out: &str) {
    assert!(is_nfc(out), "{what}({input:?}) = {out:?} is not NFC");
    assert!(
        !out.chars().any(is_invisible),
        "{what}({input:?}) = {out:?} keeps an invisible character"
    );
}

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

fn raw_bytes(data: &[u8]) {
    let d = decode_bytes_detailed(data);
    assert!(is_nfc(&d.text), "{data:?} -> {:?} is not NFC", d.text);
    if d.container == Container::Utf8 {
        // Plain UTF-8 is read as itself; only a legacy view inside it is converted.
        let s = std::str::from_utf8(data).expect("Utf8 container for invalid UTF-8");
        if d.encoding == Encoding::Unicode {
            assert_eq!(d.text, to_unicode(s, Encoding::Unicode), "{s:?}");
        }
    }
}

fn cell_text(s: &str) {
    for enc in [Encoding::Unicode, Encoding::Tcvn3, Encoding::Vni] {
        assert_clean("to_unicode", s, &to_unicode(s, enc));
    }
    for out in [tcvn3_to_unicode(s), vni_to_unicode(s)] {
        assert!(is_nfc(&out), "{s:?} -> {out:?} is not NFC");
    }
    let n = normalize(s);
    assert_clean("normalize", s, &n);
    assert_eq!(n.trim(), n, "normalize({s:?}) is not trimmed");
    assert!(
        !n.contains("  ") && !n.chars().any(|c| c.is_whitespace() && c != ' '),
        "normalize({s:?}) = {n:?} keeps a run of whitespace"
    );
    // Text that no 8-bit file can show (ư, ễ, ...) is Unicode.
    if !s.chars().all(is_byte_view) {
        assert_eq!(detect(s), Encoding::Unicode, "{s:?}");
    }
    let f = fold(s);
    assert_eq!(fold(&f), f, "fold is not idempotent on {s:?}");
}

fn vietnamese_text(data: &[u8]) {
    let syllables: Vec<&str> = SYLLABLES.split_whitespace().collect();
    let words: Vec<String> = data
        .chunks_exact(2)
        .take(12)
        .map(|p| word_case(syllables[usize::from(p[0]) % syllables.len()], p[1]))
        .collect();
    if words.is_empty() {
        return;
    }
    let text = words.join(" ");
    assert!(words.iter().all(|w| is_vietnamese_syllable(w)), "{text:?}");
    // Unicode Vietnamese is left as it is.
    assert_eq!(detect(&text), Encoding::Unicode, "{text:?}");
    assert_eq!(normalize(&text), text);
    // And comes back from its legacy forms (TCVN3 has no toned capitals).
    assert_eq!(vni_to_unicode(&unicode_to_vni(&text)), text);
    let lower = text.to_lowercase();
    assert_eq!(tcvn3_to_unicode(&unicode_to_tcvn3(&lower)), lower);
}

fuzz_target!(|data: &[u8]| {
    raw_bytes(data);
    cell_text(&String::from_utf8_lossy(data));
    vietnamese_text(data);
});

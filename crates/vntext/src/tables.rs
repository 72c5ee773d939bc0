//! Character tables. These are facts about the encodings and are kept as plain data.
//!
//! Sources cross-checked (every TCVN3 and VNI entry below agrees across them):
//!
//! * UniKey / VnConv (Pham Kim Long), `data.cpp` as carried in `fcitx/fcitx5-unikey`
//!   (`unikey/data.cpp`): `SingleByteTables` (TCVN3), `DoubleByteTables` (VNI-WIN, one
//!   word per letter: low byte = base letter, high byte = diacritic byte), `WinCP1258`.
//! * GNU C Library, `iconvdata/tcvn5712-1.c`: `map_from_tcvn_high` (TCVN 5712:1993 VN1;
//!   its 0xA0..0xFF half is the VN3 set used by the ABC `.VnTime` fonts, apart from a few
//!   capitals that only VN1 has and that the ABC fonts and keyboards never produce).
//! * `duydev/vietnamese-conversion` (`src/charsets.ts`): the `TCVN3` and `VNI` arrays
//!   (its TCVN3 capitals are a non-standard "base letter + lowercase code" form, so only
//!   its lowercase and Ă Â Đ Ê Ô Ơ Ư entries were compared).
//! * Windows-1252 and Windows-1258: the Unicode.org `CP1252.TXT` / `CP1258.TXT` mappings
//!   (as shipped in Python's codecs), and UniKey's `WinCP1258` for the Vietnamese part.
//!
//! The tables are written independently as (legacy, Unicode) pairs; no code was copied.

/// Lowercase Vietnamese vowels: each row is one base vowel followed by its five toned
/// forms in the order sắc (acute), huyền (grave), hỏi (hook above), ngã (tilde), nặng (dot below).
pub(crate) const VOWEL_TONES: [[char; 6]; 12] = [
    ['a', 'á', 'à', 'ả', 'ã', 'ạ'],
    ['ă', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'é', 'è', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ế', 'ề', 'ể', 'ễ', 'ệ'],
    ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ó', 'ò', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ú', 'ù', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ứ', 'ừ', 'ử', 'ữ', 'ự'],
    ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'],
];

/// TCVN3 (ABC, TCVN 5712:1993 VN3) code points, written as the Windows-1252 character that
/// the byte becomes when a spreadsheet opens the file, paired with the Unicode letter.
pub(crate) const TCVN3_PAIRS: &[(char, char)] = &[
    // Capitals that the single-byte .VnTime font does have.
    ('\u{A1}', 'Ă'), // byte 0xA1 '¡'
    ('\u{A2}', 'Â'), // byte 0xA2 '¢'
    ('\u{A7}', 'Đ'), // byte 0xA7 '§'
    ('\u{A3}', 'Ê'), // byte 0xA3 '£'
    ('\u{A4}', 'Ô'), // byte 0xA4 '¤'
    ('\u{A5}', 'Ơ'), // byte 0xA5 '¥'
    ('\u{A6}', 'Ư'), // byte 0xA6 '¦'
    // Lowercase letters with diacritics.
    ('\u{B8}', 'á'), // byte 0xB8 '¸'
    ('\u{B5}', 'à'), // byte 0xB5 'µ'
    ('\u{B6}', 'ả'), // byte 0xB6 '¶'
    ('\u{B7}', 'ã'), // byte 0xB7 '·'
    ('\u{B9}', 'ạ'), // byte 0xB9 '¹'
    ('\u{A8}', 'ă'), // byte 0xA8 '¨'
    ('\u{BE}', 'ắ'), // byte 0xBE '¾'
    ('\u{BB}', 'ằ'), // byte 0xBB '»'
    ('\u{BC}', 'ẳ'), // byte 0xBC '¼'
    ('\u{BD}', 'ẵ'), // byte 0xBD '½'
    ('\u{C6}', 'ặ'), // byte 0xC6 'Æ'
    ('\u{A9}', 'â'), // byte 0xA9 '©'
    ('\u{CA}', 'ấ'), // byte 0xCA 'Ê'
    ('\u{C7}', 'ầ'), // byte 0xC7 'Ç'
    ('\u{C8}', 'ẩ'), // byte 0xC8 'È'
    ('\u{C9}', 'ẫ'), // byte 0xC9 'É'
    ('\u{CB}', 'ậ'), // byte 0xCB 'Ë'
    ('\u{AE}', 'đ'), // byte 0xAE '®'
    ('\u{D0}', 'é'), // byte 0xD0 'Ð'
    ('\u{CC}', 'è'), // byte 0xCC 'Ì'
    ('\u{CE}', 'ẻ'), // byte 0xCE 'Î'
    ('\u{CF}', 'ẽ'), // byte 0xCF 'Ï'
    ('\u{D1}', 'ẹ'), // byte 0xD1 'Ñ'
    ('\u{AA}', 'ê'), // byte 0xAA 'ª'
    ('\u{D5}', 'ế'), // byte 0xD5 'Õ'
    ('\u{D2}', 'ề'), // byte 0xD2 'Ò'
    ('\u{D3}', 'ể'), // byte 0xD3 'Ó'
    ('\u{D4}', 'ễ'), // byte 0xD4 'Ô'
    ('\u{D6}', 'ệ'), // byte 0xD6 'Ö'
    ('\u{DD}', 'í'), // byte 0xDD 'Ý'
    ('\u{D7}', 'ì'), // byte 0xD7 '×'
    ('\u{D8}', 'ỉ'), // byte 0xD8 'Ø'
    ('\u{DC}', 'ĩ'), // byte 0xDC 'Ü'
    ('\u{DE}', 'ị'), // byte 0xDE 'Þ'
    ('\u{E3}', 'ó'), // byte 0xE3 'ã'
    ('\u{DF}', 'ò'), // byte 0xDF 'ß'
    ('\u{E1}', 'ỏ'), // byte 0xE1 'á'
    ('\u{E2}', 'õ'), // byte 0xE2 'â'
    ('\u{E4}', 'ọ'), // byte 0xE4 'ä'
    ('\u{AB}', 'ô'), // byte 0xAB '«'
    ('\u{E8}', 'ố'), // byte 0xE8 'è'
    ('\u{E5}', 'ồ'), // byte 0xE5 'å'
    ('\u{E6}', 'ổ'), // byte 0xE6 'æ'
    ('\u{E7}', 'ỗ'), // byte 0xE7 'ç'
    ('\u{E9}', 'ộ'), // byte 0xE9 'é'
    ('\u{AC}', 'ơ'), // byte 0xAC '¬'
    ('\u{ED}', 'ớ'), // byte 0xED 'í'
    ('\u{EA}', 'ờ'), // byte 0xEA 'ê'
    ('\u{EB}', 'ở'), // byte 0xEB 'ë'
    ('\u{EC}', 'ỡ'), // byte 0xEC 'ì'
    ('\u{EE}', 'ợ'), // byte 0xEE 'î'
    ('\u{F3}', 'ú'), // byte 0xF3 'ó'
    ('\u{EF}', 'ù'), // byte 0xEF 'ï'
    ('\u{F1}', 'ủ'), // byte 0xF1 'ñ'
    ('\u{F2}', 'ũ'), // byte 0xF2 'ò'
    ('\u{F4}', 'ụ'), // byte 0xF4 'ô'
    ('\u{AD}', 'ư'), // byte 0xAD (soft hyphen)
    ('\u{F8}', 'ứ'), // byte 0xF8 'ø'
    ('\u{F5}', 'ừ'), // byte 0xF5 'õ'
    ('\u{F6}', 'ử'), // byte 0xF6 'ö'
    ('\u{F7}', 'ữ'), // byte 0xF7 '÷'
    ('\u{F9}', 'ự'), // byte 0xF9 'ù'
    ('\u{FD}', 'ý'), // byte 0xFD 'ý'
    ('\u{FA}', 'ỳ'), // byte 0xFA 'ú'
    ('\u{FB}', 'ỷ'), // byte 0xFB 'û'
    ('\u{FC}', 'ỹ'), // byte 0xFC 'ü'
    ('\u{FE}', 'ỵ'), // byte 0xFE 'þ'
];

/// VNI-Windows: each Vietnamese letter as the Windows-1252 characters of its one or two bytes.
/// Two-byte forms are a base letter followed by a diacritic byte.
pub(crate) const VNI_PAIRS: &[(&str, char)] = &[
    ("AÙ", 'Á'), // 0x41 0xD9
    ("aù", 'á'), // 0x61 0xF9
    ("AØ", 'À'), // 0x41 0xD8
    ("aø", 'à'), // 0x61 0xF8
    ("AÛ", 'Ả'), // 0x41 0xDB
    ("aû", 'ả'), // 0x61 0xFB
    ("AÕ", 'Ã'), // 0x41 0xD5
    ("aõ", 'ã'), // 0x61 0xF5
    ("AÏ", 'Ạ'), // 0x41 0xCF
    ("aï", 'ạ'), // 0x61 0xEF
    ("AÊ", 'Ă'), // 0x41 0xCA
    ("aê", 'ă'), // 0x61 0xEA
    ("AÉ", 'Ắ'), // 0x41 0xC9
    ("aé", 'ắ'), // 0x61 0xE9
    ("AÈ", 'Ằ'), // 0x41 0xC8
    ("aè", 'ằ'), // 0x61 0xE8
    ("AÚ", 'Ẳ'), // 0x41 0xDA
    ("aú", 'ẳ'), // 0x61 0xFA
    ("AÜ", 'Ẵ'), // 0x41 0xDC
    ("aü", 'ẵ'), // 0x61 0xFC
    ("AË", 'Ặ'), // 0x41 0xCB
    ("aë", 'ặ'), // 0x61 0xEB
    ("AÂ", 'Â'), // 0x41 0xC2
    ("aâ", 'â'), // 0x61 0xE2
    ("AÁ", 'Ấ'), // 0x41 0xC1
    ("aá", 'ấ'), // 0x61 0xE1
    ("AÀ", 'Ầ'), // 0x41 0xC0
    ("aà", 'ầ'), // 0x61 0xE0
    ("AÅ", 'Ẩ'), // 0x41 0xC5
    ("aå", 'ẩ'), // 0x61 0xE5
    ("AÃ", 'Ẫ'), // 0x41 0xC3
    ("aã", 'ẫ'), // 0x61 0xE3
    ("AÄ", 'Ậ'), // 0x41 0xC4
    ("aä", 'ậ'), // 0x61 0xE4
    ("Ñ", 'Đ'),  // 0xD1
    ("ñ", 'đ'),  // 0xF1
    ("EÙ", 'É'), // 0x45 0xD9
    ("eù", 'é'), // 0x65 0xF9
    ("EØ", 'È'), // 0x45 0xD8
    ("eø", 'è'), // 0x65 0xF8
    ("EÛ", 'Ẻ'), // 0x45 0xDB
    ("eû", 'ẻ'), // 0x65 0xFB
    ("EÕ", 'Ẽ'), // 0x45 0xD5
    ("eõ", 'ẽ'), // 0x65 0xF5
    ("EÏ", 'Ẹ'), // 0x45 0xCF
    ("eï", 'ẹ'), // 0x65 0xEF
    ("EÂ", 'Ê'), // 0x45 0xC2
    ("eâ", 'ê'), // 0x65 0xE2
    ("EÁ", 'Ế'), // 0x45 0xC1
    ("eá", 'ế'), // 0x65 0xE1
    ("EÀ", 'Ề'), // 0x45 0xC0
    ("eà", 'ề'), // 0x65 0xE0
    ("EÅ", 'Ể'), // 0x45 0xC5
    ("eå", 'ể'), // 0x65 0xE5
    ("EÃ", 'Ễ'), // 0x45 0xC3
    ("eã", 'ễ'), // 0x65 0xE3
    ("EÄ", 'Ệ'), // 0x45 0xC4
    ("eä", 'ệ'), // 0x65 0xE4
    ("Í", 'Í'),  // 0xCD
    ("í", 'í'),  // 0xED
    ("Ì", 'Ì'),  // 0xCC
    ("ì", 'ì'),  // 0xEC
    ("Æ", 'Ỉ'),  // 0xC6
    ("æ", 'ỉ'),  // 0xE6
    ("Ó", 'Ĩ'),  // 0xD3
    ("ó", 'ĩ'),  // 0xF3
    ("Ò", 'Ị'),  // 0xD2
    ("ò", 'ị'),  // 0xF2
    ("OÙ", 'Ó'), // 0x4F 0xD9
    ("où", 'ó'), // 0x6F 0xF9
    ("OØ", 'Ò'), // 0x4F 0xD8
    ("oø", 'ò'), // 0x6F 0xF8
    ("OÛ", 'Ỏ'), // 0x4F 0xDB
    ("oû", 'ỏ'), // 0x6F 0xFB
    ("OÕ", 'Õ'), // 0x4F 0xD5
    ("oõ", 'õ'), // 0x6F 0xF5
    ("OÏ", 'Ọ'), // 0x4F 0xCF
    ("oï", 'ọ'), // 0x6F 0xEF
    ("OÂ", 'Ô'), // 0x4F 0xC2
    ("oâ", 'ô'), // 0x6F 0xE2
    ("OÁ", 'Ố'), // 0x4F 0xC1
    ("oá", 'ố'), // 0x6F 0xE1
    ("OÀ", 'Ồ'), // 0x4F 0xC0
    ("oà", 'ồ'), // 0x6F 0xE0
    ("OÅ", 'Ổ'), // 0x4F 0xC5
    ("oå", 'ổ'), // 0x6F 0xE5
    ("OÃ", 'Ỗ'), // 0x4F 0xC3
    ("oã", 'ỗ'), // 0x6F 0xE3
    ("OÄ", 'Ộ'), // 0x4F 0xC4
    ("oä", 'ộ'), // 0x6F 0xE4
    ("Ô", 'Ơ'),  // 0xD4
    ("ô", 'ơ'),  // 0xF4
    ("ÔÙ", 'Ớ'), // 0xD4 0xD9
    ("ôù", 'ớ'), // 0xF4 0xF9
    ("ÔØ", 'Ờ'), // 0xD4 0xD8
    ("ôø", 'ờ'), // 0xF4 0xF8
    ("ÔÛ", 'Ở'), // 0xD4 0xDB
    ("ôû", 'ở'), // 0xF4 0xFB
    ("ÔÕ", 'Ỡ'), // 0xD4 0xD5
    ("ôõ", 'ỡ'), // 0xF4 0xF5
    ("ÔÏ", 'Ợ'), // 0xD4 0xCF
    ("ôï", 'ợ'), // 0xF4 0xEF
    ("UÙ", 'Ú'), // 0x55 0xD9
    ("uù", 'ú'), // 0x75 0xF9
    ("UØ", 'Ù'), // 0x55 0xD8
    ("uø", 'ù'), // 0x75 0xF8
    ("UÛ", 'Ủ'), // 0x55 0xDB
    ("uû", 'ủ'), // 0x75 0xFB
    ("UÕ", 'Ũ'), // 0x55 0xD5
    ("uõ", 'ũ'), // 0x75 0xF5
    ("UÏ", 'Ụ'), // 0x55 0xCF
    ("uï", 'ụ'), // 0x75 0xEF
    ("Ö", 'Ư'),  // 0xD6
    ("ö", 'ư'),  // 0xF6
    ("ÖÙ", 'Ứ'), // 0xD6 0xD9
    ("öù", 'ứ'), // 0xF6 0xF9
    ("ÖØ", 'Ừ'), // 0xD6 0xD8
    ("öø", 'ừ'), // 0xF6 0xF8
    ("ÖÛ", 'Ử'), // 0xD6 0xDB
    ("öû", 'ử'), // 0xF6 0xFB
    ("ÖÕ", 'Ữ'), // 0xD6 0xD5
    ("öõ", 'ữ'), // 0xF6 0xF5
    ("ÖÏ", 'Ự'), // 0xD6 0xCF
    ("öï", 'ự'), // 0xF6 0xEF
    ("YÙ", 'Ý'), // 0x59 0xD9
    ("yù", 'ý'), // 0x79 0xF9
    ("YØ", 'Ỳ'), // 0x59 0xD8
    ("yø", 'ỳ'), // 0x79 0xF8
    ("YÛ", 'Ỷ'), // 0x59 0xDB
    ("yû", 'ỷ'), // 0x79 0xFB
    ("YÕ", 'Ỹ'), // 0x59 0xD5
    ("yõ", 'ỹ'), // 0x79 0xF5
    ("Î", 'Ỵ'),  // 0xCE
    ("î", 'ỵ'),  // 0xEE
];

/// Windows-1252 bytes 0x80..=0x9F that are defined, with their characters. A legacy file
/// opened through a Latin-1 view shows these bytes as C1 controls U+0080..U+009F instead.
pub(crate) const CP1252_HIGH: &[(u8, char)] = &[
    (0x80, '\u{20AC}'), // €
    (0x82, '\u{201A}'), // ‚
    (0x83, '\u{0192}'), // ƒ
    (0x84, '\u{201E}'), // „
    (0x85, '\u{2026}'), // …
    (0x86, '\u{2020}'), // †
    (0x87, '\u{2021}'), // ‡
    (0x88, '\u{02C6}'), // ˆ
    (0x89, '\u{2030}'), // ‰
    (0x8A, '\u{0160}'), // Š
    (0x8B, '\u{2039}'), // ‹
    (0x8C, '\u{0152}'), // Œ
    (0x8E, '\u{017D}'), // Ž
    (0x91, '\u{2018}'), // ‘
    (0x92, '\u{2019}'), // ’
    (0x93, '\u{201C}'), // “
    (0x94, '\u{201D}'), // ”
    (0x95, '\u{2022}'), // •
    (0x96, '\u{2013}'), // –
    (0x97, '\u{2014}'), // —
    (0x98, '\u{02DC}'), // ˜
    (0x99, '\u{2122}'), // ™
    (0x9A, '\u{0161}'), // š
    (0x9B, '\u{203A}'), // ›
    (0x9C, '\u{0153}'), // œ
    (0x9E, '\u{017E}'), // ž
    (0x9F, '\u{0178}'), // Ÿ
];

/// Windows-1258 bytes (0x80..=0xFF) whose character differs from Windows-1252.
/// `None` marks a byte that Windows-1258 leaves undefined (decoded as the C1 control).
/// Every other byte is the same as in Windows-1252.
pub(crate) const CP1258_DIFF: &[(u8, Option<char>)] = &[
    (0x8A, None),
    (0x8E, None),
    (0x9A, None),
    (0x9E, None),
    (0xC3, Some('\u{0102}')), // Ă
    (0xCC, Some('\u{0300}')), // combining grave (huyền)
    (0xD0, Some('\u{0110}')), // Đ
    (0xD2, Some('\u{0309}')), // combining hook above (hỏi)
    (0xD5, Some('\u{01A0}')), // Ơ
    (0xDD, Some('\u{01AF}')), // Ư
    (0xDE, Some('\u{0303}')), // combining tilde (ngã)
    (0xE3, Some('\u{0103}')), // ă
    (0xEC, Some('\u{0301}')), // combining acute (sắc)
    (0xF0, Some('\u{0111}')), // đ
    (0xF2, Some('\u{0323}')), // combining dot below (nặng)
    (0xF5, Some('\u{01A1}')), // ơ
    (0xFD, Some('\u{01B0}')), // ư
    (0xFE, Some('\u{20AB}')), // ₫
];

//! Understanding Vietnamese as typed: folding, Telex leftovers, typos,
//! everyday and regional words, question words.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// The answer fields a question can ask for, in the order answers give them.
pub const FIELDS: [&str; 10] = [
    "documents",
    "fees",
    "processing_time",
    "place",
    "online",
    "steps",
    "conditions",
    "agency",
    "legal_basis",
    "result",
];

#[derive(Debug, Clone, Deserialize)]
pub struct OutOfScope {
    pub topic: String,
    pub keywords: Vec<String>,
    pub answer: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Stopwords {
    words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct VocabularyFile {
    synonyms: HashMap<String, String>,
    generic: Stopwords,
    fields: HashMap<String, Vec<String>>,
    stopwords: Stopwords,
    #[serde(default)]
    out_of_scope: Vec<OutOfScope>,
}

/// Folded token sequences.
type Phrase = Vec<String>;

pub fn tokens(s: &str) -> Vec<String> {
    vntext::fold(s)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    synonyms: Vec<(Phrase, Phrase)>,
    fields: Vec<(Phrase, &'static str)>,
    stopwords: HashSet<String>,
    /// Syllables that frame names without saying what they are about.
    pub generic: HashSet<String>,
    pub out_of_scope: Vec<(Vec<Phrase>, OutOfScope)>,
    /// Every token the knowledge knows, with how many documents use it.
    known: HashMap<String, u32>,
    max_synonym_len: usize,
    /// Each synonym's words, to its first place in `synonyms` (the order
    /// that decides between two spellings of the same words).
    synonym_index: HashMap<Phrase, usize>,
}

/// What a question says, after normalisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Tokens after corrections and synonyms (for phrase matching).
    pub all: Vec<String>,
    /// Tokens that name the matter (no question or field words).
    pub content: Vec<String>,
    /// Fields asked for, in [`FIELDS`] order.
    pub fields: Vec<&'static str>,
    /// Out-of-scope topic matched, if any (index into `Vocabulary::out_of_scope`).
    pub out_of_scope: Option<usize>,
    /// The content words outside the out-of-scope topic's words: what the
    /// question says besides "xuất khẩu lao động" or "bằng lái" ("... có
    /// phải khai báo tạm vắng không").
    pub beside_topic: Vec<String>,
    /// Fields asked without a field phrase, from the form of the question:
    /// "xã có hỗ trợ ... không" asks whether (conditions); "muốn chấm dứt
    /// hộ kinh doanh" asks how (steps). Used when no field phrase is found.
    pub implied: Vec<&'static str>,
}

impl Parsed {
    /// The fields asked: those named, else those the question's form implies.
    pub fn asked(&self) -> Vec<&'static str> {
        if self.fields.is_empty() {
            self.implied.clone()
        } else {
            self.fields.clone()
        }
    }
}

/// Costs that are a thing given or covered, not a fee asked about.
const NAMED_COSTS: [&[&str]; 6] = [
    &["chi", "phi"],
    &["kinh", "phi"],
    &["hoc", "phi"],
    &["vien", "phi"],
    &["mai", "tang", "phi"],
    &["bao", "hiem", "phi"],
];

/// Words a question ends with that only soften it ("... không ạ", "... không nhỉ").
const TRAILING: [&str; 11] = [
    "a", "ah", "ak", "nhe", "nha", "vay", "the", "nhi", "ha", "z", "ta",
];

/// Where a phrase stands in a question's words (every start, overlapping).
fn positions<'a, S: AsRef<str>>(
    hay: &'a [String],
    needle: &'a [S],
) -> impl Iterator<Item = usize> + 'a {
    let n = needle.len();
    (0..(hay.len() + 1).saturating_sub(n)).filter(move |&i| {
        n > 0
            && hay[i..i + n]
                .iter()
                .zip(needle)
                .all(|(h, w)| h == w.as_ref())
    })
}

impl Vocabulary {
    pub fn parse(text: &str) -> Result<Self, String> {
        let f: VocabularyFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut synonyms: Vec<(Phrase, Phrase)> = f
            .synonyms
            .iter()
            .map(|(k, v)| (tokens(k), tokens(v)))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        synonyms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut fields = Vec::new();
        for name in FIELDS {
            for p in f.fields.get(name).into_iter().flatten() {
                fields.push((tokens(p), name));
            }
        }
        for k in f.fields.keys() {
            if !FIELDS.contains(&k.as_str()) {
                return Err(format!(
                    "[fields] có mục lạ `{k}`; các mục hợp lệ: {}",
                    FIELDS.join(", ")
                ));
            }
        }
        fields.sort_by_key(|f| std::cmp::Reverse(f.0.len()));
        let out_of_scope = f
            .out_of_scope
            .into_iter()
            .map(|o| (o.keywords.iter().map(|k| tokens(k)).collect(), o))
            .collect();
        let max_synonym_len = synonyms.iter().map(|(k, _)| k.len()).max().unwrap_or(1);
        let mut synonym_index = HashMap::with_capacity(synonyms.len());
        for (i, (k, _)) in synonyms.iter().enumerate() {
            synonym_index.entry(k.clone()).or_insert(i);
        }
        Ok(Self {
            synonym_index,
            synonyms,
            fields,
            stopwords: f.stopwords.words.iter().flat_map(|w| tokens(w)).collect(),
            generic: f.generic.words.iter().flat_map(|w| tokens(w)).collect(),
            out_of_scope,
            known: HashMap::new(),
            max_synonym_len,
        })
    }

    /// Learn the tokens of the knowledge (for typo and Telex correction).
    pub fn learn<'a>(&mut self, docs: impl IntoIterator<Item = &'a str>) {
        for d in docs {
            let mut seen = HashSet::new();
            for t in tokens(d) {
                if seen.insert(t.clone()) {
                    *self.known.entry(t).or_default() += 1;
                }
            }
        }
        let extra: Vec<String> = self
            .synonyms
            .iter()
            .flat_map(|(k, v)| k.iter().chain(v.iter()).cloned())
            .chain(self.fields.iter().flat_map(|(p, _)| p.iter().cloned()))
            .chain(self.stopwords.iter().cloned())
            .chain(
                self.out_of_scope
                    .iter()
                    .flat_map(|(ps, _)| ps.iter().flatten().cloned()),
            )
            .collect();
        for t in extra {
            self.known.entry(t).or_insert(1);
        }
    }

    /// The syllables of an out-of-scope topic's keywords.
    pub fn out_of_scope_words(&self, i: usize) -> Vec<String> {
        self.out_of_scope
            .get(i)
            .map(|(ps, _)| ps.iter().flatten().cloned().collect())
            .unwrap_or_default()
    }

    pub fn is_stopword(&self, t: &str) -> bool {
        self.stopwords.contains(t)
    }

    /// Fix one token: Telex leftovers ("sinhf", "ddang", "kys"), then one typo.
    fn correct(&self, t: &str) -> String {
        if self.known.contains_key(t) || t.chars().any(|c| c.is_ascii_digit()) {
            return t.to_string();
        }
        for cand in telex_candidates(t) {
            if self.known.contains_key(&cand) {
                return cand;
            }
        }
        if t.len() >= 4 {
            // Swapped letters first (the commonest slip on a phone), then a
            // missing or extra letter, then a wrong one; among equals, the commoner word.
            let mut best: Option<(&String, (u8, u32))> = None;
            for (k, df) in &self.known {
                if k.len().abs_diff(t.len()) > 1 {
                    continue;
                }
                if let Some(kind) = edit_kind(t, k) {
                    let rank = (3 - kind, *df);
                    if best.is_none_or(|(_, b)| rank > b) {
                        best = Some((k, rank));
                    }
                }
            }
            if let Some((k, _)) = best {
                return k.clone();
            }
        }
        t.to_string()
    }

    /// An official name: its own words only (no corrections, no synonyms).
    pub fn parse_name(&self, name: &str) -> Parsed {
        self.parse_tokens(tokens(name), false)
    }

    pub fn parse_question(&self, q: &str) -> Parsed {
        let mut p = self.parse_raw(q);
        // A story, then the ask: "mẹ em ... vừa mất, gia đình có được tiền
        // mai táng không". The last clause says what is wanted; its words
        // count twice.
        let clauses: Vec<&str> = q
            .split([',', '.', ';', '?', '!', '\n'])
            .filter(|c| c.chars().any(char::is_alphanumeric))
            .collect();
        if clauses.len() >= 2 {
            let last = self.parse_raw(clauses[clauses.len() - 1]).content;
            if last.len() >= 2 && last.len() < p.content.len() {
                p.content.extend(last);
            }
        }
        p
    }

    fn parse_raw(&self, q: &str) -> Parsed {
        let raw: Vec<String> = tokens(q).iter().map(|t| self.correct(t)).collect();
        self.parse_tokens(without_died(raw), true)
    }

    fn parse_tokens(&self, raw: Vec<String>, synonyms: bool) -> Parsed {
        // Synonyms, longest phrase first, left to right.
        let mut all = Vec::with_capacity(raw.len());
        let mut i = 0;
        'outer: while i < raw.len() {
            let longest = if synonyms {
                self.max_synonym_len.min(raw.len() - i)
            } else {
                0
            };
            for n in (1..=longest).rev() {
                if let Some((_, to)) = self
                    .synonym_index
                    .get(&raw[i..i + n])
                    .and_then(|&at| self.synonyms.get(at))
                {
                    all.extend(to.iter().cloned());
                    i += n;
                    continue 'outer;
                }
            }
            all.push(raw[i].clone());
            i += 1;
        }
        // Field phrases: mark their tokens so they do not count as content.
        // A phrase listed under two fields ("ở xã được không": where, and
        // who decides) asks both.
        let mut used = vec![false; all.len()];
        // Words that name a thing, not a question about it: "chi phí mai
        // táng" is what is given, not a fee to pay.
        let mut named = vec![false; all.len()];
        for p in NAMED_COSTS {
            for pos in positions(&all, p) {
                named[pos..pos + p.len()].iter_mut().for_each(|u| *u = true);
            }
        }
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut fields = Vec::new();
        for (p, name) in &self.fields {
            for pos in positions(&all, p) {
                let free = !used[pos..pos + p.len()].iter().any(|u| *u)
                    && !named[pos..pos + p.len()].iter().any(|u| *u);
                if free || spans.contains(&(pos, p.len())) {
                    used[pos..pos + p.len()].iter_mut().for_each(|u| *u = true);
                    spans.push((pos, p.len()));
                    if !fields.contains(name) {
                        fields.push(*name);
                    }
                }
            }
        }
        fields.sort_by_key(|f| FIELDS.iter().position(|x| x == f));
        // Out-of-scope topics, unless their words are all part of a field
        // phrase ("điều kiện" is not "kiện" to court).
        let mut in_topic = vec![false; all.len()];
        let mut out_of_scope = None;
        for (i, (phrases, _)) in self.out_of_scope.iter().enumerate() {
            for p in phrases {
                for pos in positions(&all, p) {
                    if used[pos..pos + p.len()].iter().any(|u| !*u) {
                        in_topic[pos..pos + p.len()]
                            .iter_mut()
                            .for_each(|u| *u = true);
                        out_of_scope.get_or_insert(i);
                    }
                }
            }
        }
        let keep = |i: usize, t: &String| {
            !used[i]
                && (!self.stopwords.contains(t.as_str()) || is_noun_syllable(&all, i))
                && !is_need_word(&all, i)
        };
        let content = all
            .iter()
            .enumerate()
            .filter(|(i, t)| keep(*i, t))
            .map(|(_, t)| t.clone())
            .collect();
        let beside_topic = all
            .iter()
            .enumerate()
            .filter(|(i, t)| keep(*i, t) && !in_topic[*i])
            .map(|(_, t)| t.clone())
            .collect();
        let implied = implied_fields(&all);
        Parsed {
            all,
            content,
            fields,
            out_of_scope,
            beside_topic,
            implied,
        }
    }
}

/// The fields a question's form implies when it names none: a yes/no
/// question ("có ... không", "... được chưa", "được hỗ trợ gì") asks whether,
/// that is the conditions; a wish without a question ("muốn chấm dứt hộ
/// kinh doanh") asks how to go about it.
fn implied_fields(all: &[String]) -> Vec<&'static str> {
    let mut end = all.len();
    while end > 0 && TRAILING.contains(&all[end - 1].as_str()) {
        end -= 1;
    }
    let last = |k: usize| {
        end.checked_sub(k)
            .map(|i| all[i].as_str())
            .unwrap_or_default()
    };
    let yes_no = matches!(last(1), "khong" | "chua")
        || (last(1) == "gi" && matches!(last(2), "cap" | "tro" | "huong" | "duoc"));
    // With what follows from the answer: whether, then what one gets; how,
    // then what to bring.
    if yes_no {
        vec!["conditions", "result"]
    } else if all.iter().any(|t| t == "muon") {
        vec!["documents", "steps"]
    } else {
        vec![]
    }
}

/// People a question tells of ("bố em mất", "người mất").
const KIN: [&str; 14] = [
    "bo", "me", "cha", "ong", "ba", "chong", "vo", "nguoi", "chu", "bac", "cau", "thim", "chau",
    "con",
];
/// What one loses ("mất giấy khai sinh", "mất căn cước").
const LOST: [&str; 14] = [
    "giay", "so", "the", "can", "cccd", "cmnd", "cmt", "bang", "xe", "vi", "tui", "ho", "ban",
    "bien",
];

/// "Mất" after a person is "died" ("bố mẹ mất hết", "người mất thì...",
/// "mẹ em vừa mất"), not "lost" (which asks for a new paper): it is left
/// out, the question says what it wants for the dead itself.
fn without_died(raw: Vec<String>) -> Vec<String> {
    let n = raw.len();
    // "mất bao lâu", "mất phí", "mất mấy ngày": it costs.
    let costs = |i: usize| {
        raw.get(i + 1).is_some_and(|t| {
            matches!(
                t.as_str(),
                "bao" | "may" | "phi" | "tien" | "le" | "thoi" | "nhieu" | "ngay" | "tuan" | "bn"
            )
        })
    };
    let died = |i: usize| {
        raw[i] == "mat"
            && !costs(i)
            && (1..=3).any(|k| i >= k && KIN.contains(&raw[i - k].as_str()))
            && !raw.get(i + 1).is_some_and(|t| {
                LOST.contains(&t.as_str())
                    || t == "tai" && raw.get(i + 2).is_some_and(|u| u == "khoan")
            })
            && !(i >= 1 && raw[i - 1] == "bi")
            || raw[i] == "mat"
                && !costs(i)
                && i >= 1
                && matches!(raw[i - 1].as_str(), "vua" | "moi" | "da")
                && raw.get(i + 1).is_none_or(|t| !LOST.contains(&t.as_str()))
    };
    let drop: Vec<bool> = (0..n).map(died).collect();
    raw.into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(t, _)| t)
        .collect()
}

/// A question as it may be logged: phone numbers, citizen ID numbers and
/// e-mail addresses replaced, so no personal number is kept.
pub fn redact(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            // A number, allowing the spaces, dots and dashes people type inside one.
            let mut j = i + 1;
            let mut digits = usize::from(chars[i].is_ascii_digit());
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || (matches!(chars[j], ' ' | '.' | '-')
                        && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit())))
            {
                digits += usize::from(chars[j].is_ascii_digit());
                j += 1;
            }
            if digits >= 8 {
                out.push_str("[số đã ẩn]");
            } else {
                out.extend(&chars[i..j]);
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out.split_whitespace()
        .map(|w| {
            if w.contains('@') && w.contains('.') {
                "[email đã ẩn]"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "có" (has) and "cơ" (as in cơ sở) fold to the same "co": a question word
/// unless "sở" follows; "vậy" and "vay" likewise.
fn is_noun_syllable(all: &[String], i: usize) -> bool {
    let next = all.get(i + 1).map(String::as_str).unwrap_or("");
    let prev = i.checked_sub(1).map(|j| all[j].as_str()).unwrap_or("");
    match all[i].as_str() {
        "co" => next == "so",
        // "vay" is "vậy" (so) unless it borrows: "vay vốn", "cho vay".
        "vay" => prev == "cho" || matches!(next, "von" | "bo" | "tien" | "ngan" | "them" | "uu"),
        // "hỏi" unless "hồi": "thu hồi", "phục hồi".
        "hoi" => matches!(prev, "thu" | "phuc"),
        _ => false,
    }
}

/// "cần" (need) and "căn" (as in căn cước, căn hộ) fold to the same "can":
/// it is a question word unless a noun that makes it "căn" follows.
fn is_need_word(all: &[String], i: usize) -> bool {
    all[i] == "can"
        && !matches!(
            all.get(i + 1).map(String::as_str),
            Some("cuoc") | Some("ho") | Some("cu") | Some("thiep")
        )
}

/// Readings of a token typed with Telex but not converted: a trailing tone
/// key (s f r x j), doubled vowels (aa ee oo), w-marks (aw ow uw), dd.
fn telex_candidates(t: &str) -> Vec<String> {
    let mut bases = vec![t.to_string()];
    if t.len() > 2 && t.ends_with(['s', 'f', 'r', 'x', 'j']) {
        bases.push(t[..t.len() - 1].to_string());
    }
    let mut out = Vec::new();
    for b in bases {
        let collapsed = b
            .replace("dd", "d")
            .replace("aa", "a")
            .replace("aw", "a")
            .replace("ee", "e")
            .replace("oo", "o")
            .replace("ow", "o")
            .replace("uw", "u");
        out.push(collapsed.clone());
        if collapsed.ends_with('w') && collapsed.len() > 2 {
            out.push(collapsed[..collapsed.len() - 1].to_string());
        }
        out.push(b);
    }
    out.retain(|c| c != t);
    out
}

/// One edit apart (ASCII)? 0: swapped neighbours, 1: a letter missing or
/// extra, 2: a wrong letter. `None` if further apart (or equal).
fn edit_kind(a: &str, b: &str) -> Option<u8> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return None;
    }
    match a.len() as isize - b.len() as isize {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            if diff.len() == 1 {
                Some(2)
            } else if diff.len() == 2
                && diff[1] == diff[0] + 1
                && a[diff[0]] == b[diff[1]]
                && a[diff[1]] == b[diff[0]]
            {
                Some(0)
            } else {
                None
            }
        }
        1 | -1 => {
            let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
            let i = (0..short.len())
                .find(|&i| long[i] != short[i])
                .unwrap_or(short.len());
            (long[i + 1..] == short[i..]).then_some(1)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        let text = crate::knowledge::EMBEDDED
            .iter()
            .find(|(p, _)| *p == "vocabulary.toml")
            .map(|(_, t)| *t)
            .unwrap_or("");
        let mut v = Vocabulary::parse(text).unwrap_or_else(|e| panic!("{e}"));
        v.learn([
            "Thủ tục đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Chứng thực bản sao từ bản chính",
            "Đăng ký thường trú",
        ]);
        v
    }

    #[test]
    fn telex_typos_and_everyday_words() {
        let v = vocab();
        assert_eq!(v.parse_question("khai sinhf").content, vec!["khai", "sinh"]);
        assert_eq!(
            v.parse_question("ddang kys khai sinh").content,
            vec!["dang", "ky", "khai", "sinh"]
        );
        assert_eq!(
            v.parse_question("dang ky khia sinh").content,
            vec!["dang", "ky", "khai", "sinh"]
        );
        assert_eq!(
            v.parse_question("lấy vợ cần giấy tờ gì").content,
            vec!["ket", "hon"]
        );
        let p = v.parse_question("làm sổ hộ khẩu ở mô");
        assert_eq!(p.content, vec!["thuong", "tru"]);
        assert_eq!(p.fields, vec!["place"]);
        let p = v.parse_question("chứng thực bản sao phí bao nhiêu");
        assert_eq!(p.fields, vec!["fees"]);
        assert_eq!(p.content, vec!["chung", "thuc", "ban", "sao"]);
        let nfd =
            v.parse_question("\u{0111}a\u{0306}ng ky\u{0301} ke\u{0302}\u{0301}t ho\u{0302}n");
        assert_eq!(nfd.content, vec!["dang", "ky", "ket", "hon"]);
        assert!(v
            .parse_question("ly hôn thì làm sao")
            .out_of_scope
            .is_some());
        assert_eq!(
            v.parse_question("con em mới đẻ").content,
            vec!["con", "moi", "sinh"]
        );
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("số cccd 019062012345 mất rồi"),
            "số cccd [số đã ẩn] mất rồi"
        );
        assert_eq!(
            redact("gọi 0912 345 678 hoặc +84912345678"),
            "gọi [số đã ẩn] hoặc [số đã ẩn]"
        );
        assert_eq!(redact("phí 2.000 đồng, 15 ngày"), "phí 2.000 đồng, 15 ngày");
        assert_eq!(redact("mail a.b@gmail.com nhé"), "mail [email đã ẩn] nhé");
    }

    #[test]
    fn edits() {
        assert_eq!(edit_kind("khia", "khai"), Some(0));
        assert_eq!(edit_kind("sinh", "snh"), Some(1));
        assert_eq!(edit_kind("thuong", "thuongg"), Some(1));
        assert_eq!(edit_kind("khia", "chia"), Some(2));
        assert_eq!(edit_kind("khai", "khoi1"), None);
    }
}

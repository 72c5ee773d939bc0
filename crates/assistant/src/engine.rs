//! The assistant: finds the procedure a question is about, decides whether
//! to answer, ask back or decline, and composes a grounded answer.

use crate::index::{Index, Match};
use crate::knowledge::{CatalogueEntry, Knowledge, Level, ProcedureRecord};
use crate::text::{Parsed, Vocabulary};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behavior {
    Answer,
    Clarify,
    OutOfScope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub code: String,
    pub name: String,
    pub score: f32,
}

/// What the assistant remembers between turns of one conversation (no
/// personal data): the procedure being discussed and the last list offered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub last_code: Option<String>,
    #[serde(default)]
    pub candidates: Vec<String>,
    /// The words that named the matter under discussion, so that a short
    /// next turn ("bị mất", "cho con 10 tuổi") refines it.
    #[serde(default)]
    pub context: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub behavior: Behavior,
    pub procedures: Vec<Hit>,
    pub fields: Vec<String>,
    pub answer_text: String,
    #[serde(skip)]
    pub state: State,
}

struct Doc {
    code: String,
    name: String,
    /// The ages the name is for ("dưới 14 tuổi", "từ đủ 14 tuổi trở lên"):
    /// from, below.
    ages: (u32, u32),
    record: Option<usize>,
    catalogue: Option<usize>,
    boost: f32,
}

pub struct Assistant {
    pub knowledge: Knowledge,
    vocab: Vocabulary,
    index: Index,
    docs: Vec<Doc>,
    /// The specific words of each procedure's official name.
    name_words: Vec<std::collections::HashSet<String>>,
    /// All words of each procedure's official name.
    name_tokens: Vec<std::collections::HashSet<String>>,
    by_code: HashMap<String, usize>,
    /// Who to ask for help, at the end of answers.
    pub contact: String,
    /// Province whose People's Council fees apply.
    pub province: String,
}

/// How much a procedure known only from the catalogue weighs: commune-level
/// ones (April 2025 list) a little more; those known only from the newer list
/// (name and field, no level) a little less, so that a procedure with a level
/// and a link wins a tie.
fn catalogue_boost(e: &CatalogueEntry) -> f32 {
    if e.commune_level_2025_04 {
        1.1
    } else if e.first_listed == crate::knowledge::Snapshot::September2026 {
        0.9
    } else {
        1.0
    }
}

/// A name without the level it is performed at: the catalogue lists
/// "Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)" and "(... cấp huyện)"
/// separately; for a citizen they are one procedure.
fn level_free(name: &str) -> String {
    let f = vntext::fold(name);
    match f.find("(thuc hien tai cap") {
        Some(i) => f[..i].trim().to_string(),
        None => f,
    }
}

/// The ages a name is for: "dưới 14 tuổi" (below), "từ đủ 14 tuổi",
/// "trên 80 tuổi" (from). `(0, u32::MAX)` when it does not say.
fn ages_of(name: &str) -> (u32, u32) {
    let t = crate::text::tokens(name);
    let mut ages = (0, u32::MAX);
    for (i, w) in t.iter().enumerate() {
        let Ok(n) = w.parse::<u32>() else { continue };
        if t.get(i + 1).map(String::as_str) != Some("tuoi") {
            continue;
        }
        let before = |k: usize| i.checked_sub(k).map(|j| t[j].as_str()).unwrap_or("");
        match (before(2), before(1)) {
            (_, "duoi") | (_, "chua") => ages.1 = n,
            ("tu", "du") | (_, "tren") | (_, "tu") | (_, "du") => ages.0 = n,
            _ => {}
        }
    }
    ages
}

/// Ages a question tells ("con 15 tuổi"; "dưới 14 tuổi" is 13).
fn ages_in(content: &[String]) -> Vec<u32> {
    let mut out = Vec::new();
    for (i, w) in content.windows(2).enumerate() {
        if w[1] != "tuoi" {
            continue;
        }
        if let Ok(n) = w[0].parse::<u32>() {
            let under = i > 0 && matches!(content[i - 1].as_str(), "duoi" | "chua");
            out.push(if under { n.saturating_sub(1) } else { n });
        }
    }
    out
}

/// A name without the parenthesis that says at which level or since when
/// it is performed ("(thực hiện tại cấp xã)", "(CẤP XÃ)", "(2024)"): those
/// words are not what the procedure is about, and no one asks with them.
fn without_level(name: &str) -> String {
    let mut out = name.to_string();
    while let Some(open) = out.rfind('(') {
        let close = out[open..].find(')').map_or(out.len(), |c| open + c + 1);
        let inner = vntext::fold(&out[open + 1..close]);
        let inner = inner.trim_end_matches(')').trim();
        let level = inner.starts_with("thuc hien tai cap")
            || inner.starts_with("cap ")
            || inner.starts_with("tthc")
            || inner.chars().all(|c| c.is_ascii_digit());
        if !level {
            break;
        }
        out.replace_range(open..close, "");
    }
    out.trim().to_string()
}

/// Whether a match's terms are a strict part of another's.
fn dominated(part: u64, whole: u64) -> bool {
    part != whole && part & !whole == 0
}

/// The bits of [`crate::index::Match::terms`] that stand for syllable
/// pairs: the index lists a question's syllables first, then its pairs.
fn pair_bits(syllables: usize) -> u64 {
    if syllables >= 64 {
        0
    } else {
        !((1u64 << syllables) - 1)
    }
}

pub const DEFAULT_CONTACT: &str =
    "Bộ phận Một cửa (Trung tâm Phục vụ hành chính công) của UBND xã, trong giờ hành chính";

/// Scores within this share of the best are "just as likely": ask back.
const CLOSE: f32 = 0.9;
/// When the question is vaguer than every candidate, a wider band.
const CLOSE_LOOSE: f32 = 0.75;
/// Words by which a procedure undoes or changes another.
const ACTIONS: [&str; 9] = [
    "xoa", "cham", "mo", "gia", "thoi", "huy", "dinh", "thu", "tam",
];
/// Coverage at which a question is no more than the words of a name.
const BARE: f32 = 0.95;
/// A sibling of the named procedure that holds all of a bare question's
/// words, with this share of its score, is as likely.
const SIBLING: f32 = 0.85;
/// Precision at which a question names a procedure exactly.
const EXACT: f32 = 0.8;
/// Below this share of the question's words matched, the match is too weak to answer.
const MIN_COVERAGE: f32 = 0.35;
/// ... and the matched phrase must be about what was asked, not share a word or two.
const MIN_PRECISION: f32 = 0.3;
/// A question that uses most of a phrase's specific words names it, however
/// much else it says.
const NAMED_PRECISION: f32 = 0.6;
const NAMED_COVERAGE: f32 = 0.15;
/// ... or several of its word pairs, with half of its specific words.
const NAMED_PAIRS: u16 = 3;
const PAIRED_PRECISION: f32 = 0.5;
const PAIRED_COVERAGE: f32 = 0.25;
/// A match that holds this share of the question, with several of its
/// word pairs, is what was asked however long the name.
const FOUND_COVERAGE: f32 = 0.8;
/// Below this precision a catalogue-only match by one word pair is chance.
const INCIDENTAL: f32 = 0.5;
/// A weak match that finds every word of the question in several records is
/// a family named bare, to be asked back (clarification policy, issue 17).
const FAMILY_COVERAGE: f32 = 0.99;
/// A request of at most this many words, with nothing asked about it, may
/// name a family bare.
const BARE_WORDS: usize = 8;
/// ... or this share of it, when none is named exactly.
const FAMILY_LOOSE_COVERAGE: f32 = 0.6;
/// Members of a family named bare score at least this share of the best.
const FAMILY_SCORE: f32 = 0.5;
/// A weak match told of in a story: word pairs and share of the name.
const TOLD_PAIRS: u16 = 2;
const TOLD_PRECISION: f32 = 0.5;
/// How many performing bodies a decline names.
const BODIES_SHOWN: usize = 2;

impl Assistant {
    pub fn new(knowledge: Knowledge, vocabulary_toml: &str) -> Result<Self, String> {
        let mut vocab =
            Vocabulary::parse(vocabulary_toml).map_err(|e| format!("vocabulary.toml: {e}"))?;
        let mut docs: Vec<Doc> = Vec::new();
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let cat_by_code: HashMap<&str, usize> = knowledge
            .catalogue
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.as_str(), i))
            .collect();
        for (i, r) in knowledge.records.iter().enumerate() {
            let d = docs.len();
            by_code.insert(r.code.clone(), d);
            by_name.insert(level_free(&r.name), d);
            docs.push(Doc {
                code: r.code.clone(),
                name: r.name.clone(),
                ages: ages_of(&r.name),
                record: Some(i),
                catalogue: cat_by_code.get(r.code.as_str()).copied(),
                boost: 1.25,
            });
        }
        // Catalogue entries without a record; one per name, commune level first.
        let mut order: Vec<usize> = (0..knowledge.catalogue.len()).collect();
        order.sort_by_key(|&i| !knowledge.catalogue[i].commune_level_2025_04);
        for i in order {
            let e = &knowledge.catalogue[i];
            if by_code.contains_key(&e.code) {
                continue;
            }
            let key = level_free(&e.name);
            if let Some(&d) = by_name.get(&key) {
                by_code.insert(e.code.clone(), d);
                continue;
            }
            let d = docs.len();
            by_code.insert(e.code.clone(), d);
            by_name.insert(key, d);
            docs.push(Doc {
                code: e.code.clone(),
                name: e.name.clone(),
                ages: ages_of(&e.name),
                record: None,
                catalogue: Some(i),
                boost: catalogue_boost(e),
            });
        }
        vocab.learn(
            docs.iter().map(|d| d.name.as_str()).chain(
                knowledge
                    .records
                    .iter()
                    .flat_map(|r| r.aliases.iter().map(String::as_str)),
            ),
        );
        let phrases: Vec<Vec<Vec<String>>> = docs
            .iter()
            .map(|d| {
                let mut ps = vec![vocab.parse_name(&without_level(&d.name)).content];
                // The catalogue's other official names of the same code (a newer
                // wording, or the older one it replaced) are understood too.
                if let Some(e) = d.catalogue.map(|c| &knowledge.catalogue[c]) {
                    for n in std::iter::once(&e.name).chain(&e.older_names) {
                        if level_free(n) != level_free(&d.name) {
                            ps.push(vocab.parse_name(&without_level(n)).content);
                        }
                    }
                }
                if let Some(r) = d.record {
                    ps.extend(
                        knowledge.records[r]
                            .aliases
                            .iter()
                            .map(|a| vocab.parse_question(a).content),
                    );
                }
                ps
            })
            .collect();
        let index = Index::build(&phrases, &vocab.generic);
        let name_tokens = phrases
            .iter()
            .map(|ps| ps[0].iter().cloned().collect())
            .collect();
        let name_words = phrases
            .iter()
            .map(|ps| {
                ps[0]
                    .iter()
                    .filter(|w| !vocab.generic.contains(*w))
                    .cloned()
                    .collect()
            })
            .collect();
        Ok(Self {
            knowledge,
            vocab,
            index,
            docs,
            name_words,
            name_tokens,
            by_code,
            contact: DEFAULT_CONTACT.to_string(),
            province: "Thái Nguyên".into(),
        })
    }

    /// The built-in knowledge and vocabulary.
    pub fn embedded() -> Result<Self, String> {
        Self::embedded_with(Vec::new())
    }

    /// The built-in knowledge with records edited by the office.
    pub fn embedded_with(edited: Vec<ProcedureRecord>) -> Result<Self, String> {
        let k = crate::knowledge::load_embedded()
            .map_err(|e| e.to_string())?
            .with_overrides(edited);
        let vocab = crate::knowledge::EMBEDDED
            .iter()
            .find(|(p, _)| *p == "vocabulary.toml")
            .map(|(_, t)| *t)
            .ok_or("thiếu knowledge/vocabulary.toml")?;
        Self::new(k, vocab)
    }

    pub fn record(&self, code: &str) -> Option<&ProcedureRecord> {
        self.knowledge
            .by_code
            .get(code)
            .map(|&i| &self.knowledge.records[i])
    }

    fn doc(&self, code: &str) -> Option<&Doc> {
        self.by_code.get(code).map(|&d| &self.docs[d])
    }

    fn catalogue_entry(&self, code: &str) -> Option<&CatalogueEntry> {
        self.doc(code)
            .and_then(|d| d.catalogue)
            .map(|i| &self.knowledge.catalogue[i])
    }

    /// Answer a whole conversation (the user's turns); the reply is to the last turn.
    pub fn converse<S: AsRef<str>>(&self, turns: &[S]) -> Reply {
        let mut state = State::default();
        let mut reply = None;
        for t in turns {
            let r = self.ask(t.as_ref(), &state);
            state = r.state.clone();
            reply = Some(r);
        }
        reply.unwrap_or_else(|| self.ask("", &State::default()))
    }

    fn hits(&self, content: &[String], limit: usize) -> Vec<Match> {
        let mut hits: Vec<Match> = self
            .index
            .search(content, limit * 4)
            .into_iter()
            .map(|m| Match {
                score: m.score * self.docs[m.doc].boost * (0.6 + 0.4 * m.precision),
                ..m
            })
            .collect();
        // A procedure for other ages than the question tells of comes after
        // those that fit ("con 15 tuổi": not "dưới 14 tuổi").
        let ages = ages_in(content);
        for m in &mut hits {
            if !self.fits_ages(m.doc, &ages) {
                m.score *= 0.3;
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(limit);
        hits
    }

    /// Whether procedure `a`'s name says all that `b`'s says and more.
    fn is_variant_of(&self, a: usize, b: usize) -> bool {
        let (sa, sb) = (&self.name_words[a], &self.name_words[b]);
        // A variant adds a few words ("lại", "có yếu tố nước ngoài"), not a whole new clause.
        sb.len() < sa.len()
            && sa.len() <= sb.len() + 5
            && !sb.is_empty()
            && sb.iter().all(|w| sa.contains(w))
    }

    /// Whether `m`'s official name has the frame words of the question
    /// that `lead`'s has: "đăng ký hộ kinh doanh" names the registering
    /// one, not "chấm dứt hoạt động hộ kinh doanh".
    fn frame_words_kept(&self, content: &[String], lead: usize, m: usize) -> bool {
        content
            .iter()
            .filter(|t| self.vocab.generic.contains(*t) && self.name_tokens[lead].contains(*t))
            .all(|t| self.name_tokens[m].contains(t))
    }

    /// Whether a procedure is for one of the ages a question tells of (or
    /// the question tells none).
    fn fits_ages(&self, d: usize, ages: &[u32]) -> bool {
        let (from, below) = self.docs[d].ages;
        ages.is_empty() || ages.iter().any(|&a| from <= a && a < below)
    }

    /// Whether `v` is `b` undone or done otherwise ("xóa đăng ký tạm trú",
    /// "chấm dứt giám hộ", "mở khóa"): another thing to do with the same
    /// matter, which a bare topic may mean as well.
    fn action_variant(&self, v: usize, b: usize) -> bool {
        self.is_variant_of(v, b)
            && self.name_words[v]
                .difference(&self.name_words[b])
                .any(|w| ACTIONS.contains(&w.as_str()))
    }

    /// Whether `v` is a variant of `b` and the question says the words
    /// that make it one.
    fn says_variant(&self, v: usize, b: usize, content: &[String]) -> bool {
        if !self.is_variant_of(v, b) {
            return false;
        }
        // Most of them: "nước ngoài" says "có yếu tố nước ngoài".
        let extra: Vec<&String> = self.name_words[v].difference(&self.name_words[b]).collect();
        let said = extra.iter().filter(|w| content.contains(w)).count();
        said * 2 >= extra.len() && said > 0
    }

    /// How [`Assistant::ask`] understands a question before matching it
    /// (tokens after corrections and synonyms, fields asked): for tests and
    /// the fuzz targets.
    pub fn parse_question(&self, q: &str) -> Parsed {
        self.vocab.parse_question(q)
    }

    /// The ranked matches of a question, for tuning (not used in answers).
    pub fn debug_hits(&self, q: &str) -> String {
        let p = self.vocab.parse_question(q);
        let mut out = format!("content {:?} fields {:?}\n", p.content, p.fields);
        for m in self.hits(&p.content, 6) {
            out.push_str(&format!(
                "{} {:.2} cov {:.2} prec {:.2} pairs {} {}\n",
                self.docs[m.doc].code,
                m.score,
                m.coverage,
                m.precision,
                m.pairs,
                self.docs[m.doc].name
            ));
        }
        out
    }

    fn specificity(&self, content: &[String]) -> f32 {
        content.iter().map(|t| self.index.idf(t)).sum()
    }

    /// One turn, given what was said before.
    pub fn ask(&self, question: &str, state: &State) -> Reply {
        let p = self.vocab.parse_question(question);
        // A reply to a numbered list: "cái thứ hai", "số 3, phí bao nhiêu", or a word that picks one.
        if !state.candidates.is_empty() {
            if let Some(code) = self.pick_candidate(&p, state) {
                return self.answer_within(&code, &p.asked(), &state.context);
            }
            // A list was offered, and the next turn only asks a field
            // ("mất mấy ngày"): answer for the best choice, the others
            // stay listed after it.
            if p.content.is_empty() && !p.fields.is_empty() {
                let mut r = self.answer_within(&state.candidates[0], &p.asked(), &state.context);
                let others = state.candidates[1..]
                    .iter()
                    .filter_map(|c| self.by_code.get(c).map(|&d| self.hit(d, 1.0)));
                r.procedures.extend(others.take(2));
                return r;
            }
        }
        let mut p = p;
        let mut hits = self.hits(&p.content, 8);
        // An out-of-scope matter ("ly hôn") wins unless the question also
        // names a procedure we hold a record of, clearly: in all it says, or
        // in what it says besides the matter ("đi xuất khẩu lao động 3 năm
        // có phải khai báo tạm vắng không").
        if let Some(i) = p.out_of_scope {
            let names = |m: &Match, cov: f32| {
                self.docs[m.doc].record.is_some()
                    && m.coverage >= cov
                    && m.pairs > 0
                    && m.precision >= EXACT
            };
            let named = hits.first().is_some_and(|m| names(m, 0.8));
            if !named {
                let beside = if p.beside_topic.len() >= 2 {
                    self.hits(&p.beside_topic, 8)
                } else {
                    vec![]
                };
                if beside.first().is_some_and(|m| {
                    self.docs[m.doc].record.is_some()
                        && m.coverage >= 0.5
                        && ((m.pairs >= 2 && m.precision >= EXACT)
                            || (m.pairs >= NAMED_PAIRS && m.precision >= NAMED_PRECISION))
                }) {
                    p.content = std::mem::take(&mut p.beside_topic);
                    p.out_of_scope = None;
                    hits = beside;
                } else {
                    return self.out_of_scope(Some(i));
                }
            }
        }
        let top = hits.first().copied();
        let weak = self.is_weak(&p.content, top);
        let vague = p.content.is_empty() || self.specificity(&p.content) < 5.0 || weak;
        // A short next turn that refines the matter under discussion:
        // "thẻ bảo hiểm y tế" then "bị mất"; "căn cước" then "cho con 10 tuổi".
        if vague && !p.content.is_empty() && !state.context.is_empty() && p.out_of_scope.is_none() {
            let mut content = state.context.clone();
            content.extend(p.content.iter().cloned());
            let refined = self.hits(&content, 8);
            if !self.is_weak(&content, refined.first().copied()) {
                let p = Parsed { content, ..p };
                return self.keep_matter(self.decide(&p, &refined), &p, state);
            }
        }
        // A follow-up about the procedure under discussion: "còn phí?", "thế nộp ở đâu".
        if let Some(last) = &state.last_code {
            if vague && (!p.asked().is_empty() || p.content.is_empty()) {
                return self.answer_within(last, &p.asked(), &state.context);
            }
        }
        if p.content.is_empty() {
            return Reply {
                behavior: Behavior::Clarify,
                procedures: vec![],
                fields: p.fields.iter().map(|f| f.to_string()).collect(),
                answer_text: "Bạn muốn hỏi về thủ tục nào? Ví dụ: đăng ký khai sinh, chứng thực bản sao, đăng ký thường trú, cấp thẻ căn cước.".into(),
                state: state.clone(),
            };
        }
        if weak {
            // A bare request naming only a family ("đăng ký cư trú", "đăng ký
            // lại"): all its words are in several procedures we hold records
            // of, though side by side in none. Ask which rather than refuse.
            let family: Vec<Match> = hits
                .iter()
                .copied()
                .filter(|m| self.docs[m.doc].record.is_some() && m.coverage >= FAMILY_COVERAGE)
                .take(4)
                .collect();
            if family.len() >= 2 {
                return self.ask_which(&p, &family);
            }
            if let Some(m) = top.filter(|m| self.told_of(m)) {
                let code = self.docs[m.doc].code.clone();
                return self.answer_within(&code, &p.asked(), &p.content);
            }
            return self.out_of_scope(None);
        }
        self.keep_matter(self.decide(&p, &hits), &p, state)
    }

    /// Answer `code`, keeping the words that name the matter under
    /// discussion for the next turn.
    fn answer_within(&self, code: &str, fields: &[&'static str], context: &[String]) -> Reply {
        let mut r = self.answer(code, fields);
        r.state.context = context.to_vec();
        r
    }

    /// A turn that would be asked back, when one of the choices is the
    /// procedure under discussion ("ai xét duyệt cho vay" after the loan
    /// for poor households): it is about that one.
    fn keep_matter(&self, reply: Reply, p: &Parsed, state: &State) -> Reply {
        match &state.last_code {
            Some(last)
                if reply.behavior == Behavior::Clarify
                    && reply.procedures.iter().any(|h| &h.code == last) =>
            {
                self.answer_within(last, &p.asked(), &state.context)
            }
            _ => reply,
        }
    }

    /// Weak: little of the question found, or its words found only apart
    /// (meaning in Vietnamese lives in syllable pairs: "mua" alone is not
    /// "mua bán"). A long question with a story around it ("bố em mất hôm
    /// qua, làm ma xong rồi, giờ làm giấy chứng tử...") covers little of
    /// itself, but names its procedure clearly: most of a phrase's specific
    /// words, some of them side by side.
    fn is_weak(&self, content: &[String], top: Option<Match>) -> bool {
        top.is_none_or(|m| {
            if content.len() >= 2 && m.pairs == 0 {
                return true;
            }
            // One syllable that is only part of the names it is found in
            // ("giảm" cân: "giám" hộ, miễn "giảm" học phí).
            if content.len() == 1 && m.precision < EXACT {
                return true;
            }
            // A procedure known only by its catalogue name, met by one pair of
            // words and little of that name, is met by chance: "thời tiết"
            // in "Thẩm định kế hoạch tác động vào thời tiết".
            if self.docs[m.doc].record.is_none() && m.pairs <= 1 && m.precision < INCIDENTAL {
                return true;
            }
            // Nearly all the question said is in one name, in its word pairs.
            let found = m.coverage >= FOUND_COVERAGE && m.pairs >= NAMED_PAIRS;
            let covered = (m.coverage >= MIN_COVERAGE && m.precision >= MIN_PRECISION) || found;
            let named = m.precision >= NAMED_PRECISION && m.coverage >= NAMED_COVERAGE;
            // Several of a name's word pairs, side by side as in the name,
            // name it inside a story ("muốn đổi tên cho con vì ...").
            let paired = m.pairs >= NAMED_PAIRS
                && m.precision >= PAIRED_PRECISION
                && m.coverage >= PAIRED_COVERAGE;
            !(covered || named || paired)
        })
    }

    /// Answer the best match or ask which of several close ones was meant.
    fn decide(&self, p: &Parsed, hits: &[Match]) -> Reply {
        // A variant whose own words the question says ("xóa tạm trú", "mở
        // khóa vneid") is what was asked, before its base.
        let mut hits = hits.to_vec();
        let mut promoted = None;
        if let Some(b) = hits.first().copied() {
            if let Some(j) = hits.iter().position(|v| {
                v.doc != b.doc
                    && v.score >= b.score * 0.5
                    && self.says_variant(v.doc, b.doc, &p.content)
            }) {
                hits[j].score = b.score * 1.01;
                promoted = Some(hits[j].doc);
                hits.sort_by(|a, b| b.score.total_cmp(&a.score));
            }
        }
        let hits = hits.as_slice();
        let Some(best) = hits.first().copied() else {
            return self.out_of_scope(None);
        };
        if promoted.is_none() {
            if let Some(family) = self.bare_family(p, hits) {
                return self.ask_which(p, &family);
            }
        }
        // The question names one procedure exactly (nothing it says is left
        // out, nothing specific in the name is missing): answer it. Otherwise,
        // if several procedures fit as well, ask which.
        let exact = |m: &Match| m.precision >= EXACT || Some(m.doc) == promoted;
        let near: Vec<Match> = hits
            .iter()
            .copied()
            .filter(|m| m.score >= best.score * CLOSE_LOOSE && m.coverage >= best.coverage - 0.15)
            .collect();
        // A bare topic: nothing asked about it, and not "đăng ký ..." (which
        // names the registering).
        let says = |w: &str| p.content.iter().any(|t| t == w);
        let bare = p.fields.is_empty() && !(says("dang") && says("ky"));
        let mut close: Vec<Match> = match near.iter().find(|m| exact(m)).copied() {
            // Named exactly: the best such, unless another is named as well,
            // or the question is no more than words that a sibling procedure
            // ("cấp đổi" beside "cấp" thẻ căn cước; "chấm dứt" beside
            // "thành lập" hộ kinh doanh) holds all of, as likely: "thẻ bhyt".
            Some(lead) => near
                .iter()
                .copied()
                .filter(|m| {
                    (exact(m) && m.score >= lead.score * CLOSE)
                        || (bare
                            && lead.coverage >= BARE
                            && m.coverage >= BARE
                            && self.frame_words_kept(&p.content, lead.doc, m.doc)
                            && ((m.score >= lead.score * SIBLING
                                && !self.is_variant_of(m.doc, lead.doc)
                                && !self.is_variant_of(lead.doc, m.doc))
                                || self.action_variant(m.doc, lead.doc)))
                })
                .collect(),
            None => near,
        };
        // A variant ("đăng ký lại ...", "... có yếu tố nước ngoài") says
        // everything its base procedure says and more: when both fit, the
        // question did not ask for the "more", so the base stays.
        let variants: Vec<usize> = close
            .iter()
            .filter(|m| {
                close.iter().any(|o| {
                    o.doc != m.doc
                        && self.is_variant_of(m.doc, o.doc)
                        && !self.says_variant(m.doc, o.doc, &p.content)
                        && !(bare && self.action_variant(m.doc, o.doc))
                })
            })
            .map(|m| m.doc)
            .collect();
        close.retain(|m| !variants.contains(&m.doc));
        // ... and the base of a variant the question said is not meant.
        if let Some(v) = promoted {
            close.retain(|m| !self.is_variant_of(v, m.doc));
        }
        // A procedure that matches only part of what the best one matches
        // ("khai sinh" when the question says "khai tử") is not a real choice.
        // Nor is one that lacks a syllable pair of the question that the best
        // one has: the question said which it meant.
        if let Some(lead) = close.first().copied() {
            let pairs = pair_bits(p.content.len());
            close.retain(|m| {
                m.doc == lead.doc
                    || (!dominated(m.terms, lead.terms) && lead.terms & pairs & !m.terms == 0)
            });
        }
        // A procedure only a province or central body performs is not one the
        // commune can be asked for: it drops out of a choice with commune ones,
        // and alone it is declined with where to go (issue 17).
        if close.iter().any(|m| !self.beyond(m.doc)) {
            close.retain(|m| !self.beyond(m.doc));
        }
        close.truncate(4);
        let best = close.first().copied().unwrap_or(best);
        if self.beyond(best.doc) {
            return self.elsewhere(best.doc);
        }
        if close.len() >= 2 {
            return self.ask_which(p, &close);
        }
        let code = self.docs[best.doc].code.clone();
        let mut r = self.answer_within(&code, &p.asked(), &p.content);
        // The answered procedure first, then the next best as alternatives.
        r.procedures = std::iter::once(best)
            .chain(hits.iter().copied().filter(|m| m.doc != best.doc))
            .take(3)
            .map(|m| self.hit(m.doc, (m.score / best.score).min(1.0)))
            .collect();
        r
    }

    /// A story that says little of its procedure's name but several of
    /// its word pairs, side by side, and most of what the name specifically
    /// says: the procedure we hold a record of that it tells of.
    fn told_of(&self, m: &Match) -> bool {
        self.docs[m.doc].record.is_some() && m.pairs >= TOLD_PAIRS && m.precision >= TOLD_PRECISION
    }

    /// A bare request: a few words, nothing asked about them, all of them in
    /// the names of several procedures we hold records of, and none of those
    /// named by them alone ("giấy phép xây dựng": new, amended, renewed...;
    /// "chuyển mục đích sử dụng đất": with or without permission). The
    /// family's members, best first, to ask which (clarification policy).
    fn bare_family(&self, p: &Parsed, hits: &[Match]) -> Option<Vec<Match>> {
        let lead = hits.first()?;
        let words: std::collections::HashSet<&String> = p.content.iter().collect();
        if !p.fields.is_empty() || words.len() > BARE_WORDS {
            return None;
        }
        // When the best is not named exactly either (its name says more than
        // the request), the family is whatever holds most of the request.
        let coverage = if lead.precision < EXACT {
            FAMILY_LOOSE_COVERAGE
        } else {
            FAMILY_COVERAGE
        };
        let family: Vec<Match> = hits
            .iter()
            .copied()
            .filter(|m| {
                self.docs[m.doc].record.is_some()
                    && m.coverage >= coverage
                    && m.score >= lead.score * FAMILY_SCORE
            })
            .take(4)
            .collect();
        let named = |m: &Match| self.name_words[m.doc].iter().all(|w| words.contains(w));
        (family.len() >= 2 && family[0].doc == lead.doc && !family.iter().any(named))
            .then_some(family)
    }

    /// Ask which of `close` (best first) was meant, as a numbered list the
    /// next turn can pick from.
    fn ask_which(&self, p: &Parsed, close: &[Match]) -> Reply {
        let best = close
            .first()
            .map_or(1.0, |m| m.score.max(f32::MIN_POSITIVE));
        let procedures: Vec<Hit> = close
            .iter()
            .map(|m| self.hit(m.doc, m.score / best))
            .collect();
        let mut text = String::from(
            "Bạn hỏi thủ tục nào dưới đây? Trả lời bằng số thứ tự (ví dụ: \"số 1\"):\n",
        );
        for (i, h) in procedures.iter().enumerate() {
            text.push_str(&format!("{}. {}\n", i + 1, h.name));
        }
        Reply {
            behavior: Behavior::Clarify,
            fields: p.fields.iter().map(|f| f.to_string()).collect(),
            state: State {
                last_code: None,
                candidates: procedures.iter().map(|h| h.code.clone()).collect(),
                context: p.content.clone(),
            },
            procedures,
            answer_text: text.trim_end().to_string(),
        }
    }

    fn hit(&self, d: usize, score: f32) -> Hit {
        Hit {
            code: self.docs[d].code.clone(),
            name: self.docs[d].name.clone(),
            score: (score * 100.0).round() / 100.0,
        }
    }

    fn pick_candidate(&self, p: &Parsed, state: &State) -> Option<String> {
        const WORDS: [(&str, usize); 9] = [
            ("nhat", 1),
            ("mot", 1),
            ("hai", 2),
            ("ba", 3),
            ("bon", 4),
            ("tu", 4),
            ("nam", 5),
            ("cuoi", 99),
            ("dau", 1),
        ];
        let word = |t: &str| WORDS.iter().find(|(w, _)| *w == t).map(|(_, n)| *n);
        let mut n = None;
        for (i, t) in p.all.iter().enumerate() {
            if let Ok(d) = t.parse::<usize>() {
                if (1..=9).contains(&d) {
                    n = Some(d);
                    break;
                }
            }
            // Word ordinals only after "thứ", "số", "cái" ("cái thứ hai", "số ba"),
            // or alone: "khai tử" must not read as "the fourth".
            let after_marker =
                i > 0 && matches!(p.all[i - 1].as_str(), "thu" | "so" | "cai" | "loai" | "muc");
            if after_marker || p.all.len() == 1 {
                if let Some(d) = word(t) {
                    n = Some(d);
                    break;
                }
            }
        }
        if let Some(n) = n {
            let i = if n == 99 { state.candidates.len() } else { n };
            return state.candidates.get(i.checked_sub(1)?).cloned();
        }
        // A word that sets one candidate apart ("bản sao", "chữ ký").
        if p.content.is_empty() {
            return None;
        }
        // An age ("cho con 10 tuổi"): the one candidate made for that age,
        // else the turn is read afresh with what was said before.
        let ages = ages_in(&p.content);
        if !ages.is_empty() {
            let fit: Vec<&String> = state
                .candidates
                .iter()
                .filter(|c| {
                    self.by_code.get(*c).is_some_and(|&d| {
                        self.docs[d].ages != (0, u32::MAX) && self.fits_ages(d, &ages)
                    })
                })
                .collect();
            return match fit.as_slice() {
                [one] => Some((*one).clone()),
                _ => None,
            };
        }
        let hits = self.index.search(&p.content, self.index.docs);
        let mut among: Vec<(String, f32)> = hits
            .into_iter()
            .filter(|m| state.candidates.contains(&self.docs[m.doc].code))
            .map(|m| (self.docs[m.doc].code.clone(), m.score))
            .collect();
        among.sort_by(|a, b| b.1.total_cmp(&a.1));
        match among.as_slice() {
            [(code, _)] => Some(code.clone()),
            [(code, a), (_, b), ..] if *b < a * CLOSE => Some(code.clone()),
            _ => None,
        }
    }

    /// Known only from the catalogue, and performed only above the commune.
    fn beyond(&self, d: usize) -> bool {
        let doc = &self.docs[d];
        doc.record.is_none()
            && doc
                .catalogue
                .is_some_and(|c| self.knowledge.catalogue[c].level() == Level::Beyond)
    }

    /// Decline a procedure the commune does not perform, saying who does and
    /// where to look it up; the procedure is named so that a person can
    /// still find it.
    fn elsewhere(&self, d: usize) -> Reply {
        let doc = &self.docs[d];
        let mut text = format!(
            "Việc này không do Ủy ban nhân dân xã giải quyết. Thủ tục gần nhất với câu hỏi là \"{}\" (mã {})",
            doc.name, doc.code
        );
        if let Some(e) = doc.catalogue.map(|c| &self.knowledge.catalogue[c]) {
            let bodies = e.bodies();
            if !bodies.is_empty() {
                let shown: Vec<&str> = bodies.iter().copied().take(BODIES_SHOWN).collect();
                text.push_str(&format!(
                    ", do {} thực hiện (theo {}; tên cơ quan có thể đã đổi sau khi sắp xếp lại bộ máy)",
                    shown.join("; "),
                    crate::knowledge::Snapshot::April2025.label()
                ));
            }
            text.push('.');
            if e.url.is_empty() {
                text.push_str(&format!(
                    "\nTra cứu theo mã {} trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).",
                    doc.code
                ));
            } else {
                text.push_str(&format!(
                    "\nXem và nộp trực tuyến trên Cổng Dịch vụ công quốc gia: {}",
                    e.url
                ));
            }
        } else {
            text.push('.');
        }
        text.push_str(&format!("\nCần hỗ trợ thêm: {}.", self.contact));
        Reply {
            behavior: Behavior::OutOfScope,
            procedures: vec![self.hit(d, 1.0)],
            fields: vec![],
            answer_text: text,
            state: State::default(),
        }
    }

    fn out_of_scope(&self, topic: Option<usize>) -> Reply {
        let text = match topic.and_then(|i| self.vocab.out_of_scope.get(i)) {
            Some((_, o)) => format!("{}\nCần hỗ trợ thêm: {}.", o.answer, self.contact),
            None => format!(
                "Xin lỗi, tôi chưa tìm thấy thủ tục hành chính nào khớp với câu hỏi. Bạn hãy hỏi lại bằng tên việc cần làm (ví dụ: \"đăng ký khai sinh\", \"chứng thực bản sao\"), hoặc liên hệ {}.",
                self.contact
            ),
        };
        Reply {
            behavior: Behavior::OutOfScope,
            procedures: vec![],
            fields: vec![],
            answer_text: text,
            state: State::default(),
        }
    }

    /// Compose the grounded answer for a procedure.
    pub fn answer(&self, code: &str, fields: &[&'static str]) -> Reply {
        let name = self.doc(code).map(|d| d.name.clone()).unwrap_or_default();
        let text = match self.record(code) {
            Some(r) => crate::answer::compose(
                r,
                self.catalogue_entry(code),
                fields,
                &self.province,
                &self.contact,
            ),
            None => crate::answer::compose_catalogue(
                code,
                &name,
                self.catalogue_entry(code),
                &self.contact,
            ),
        };
        Reply {
            behavior: Behavior::Answer,
            procedures: vec![Hit {
                code: code.to_string(),
                name,
                score: 1.0,
            }],
            fields: fields.iter().map(|f| f.to_string()).collect(),
            answer_text: text,
            state: State {
                last_code: Some(code.to_string()),
                candidates: vec![],
                context: vec![],
            },
        }
    }

    /// Every text an answer about `code` may take numbers from.
    pub fn source_text(&self, code: &str) -> String {
        let mut s = String::new();
        if let Some(r) = self.record(code) {
            s.push_str(&format!("{r:?}"));
        }
        if let Some(e) = self.catalogue_entry(code) {
            s.push_str(&format!("{e:?}"));
            s.push_str(e.snapshot.label());
            // The performing bodies come from the April 2025 list.
            if !e.performed_by.is_empty() {
                s.push_str(crate::knowledge::Snapshot::April2025.label());
            }
        }
        s.push_str(&self.contact);
        s
    }
}

//! A small BM25 index over procedure names and aliases. Each document
//! (procedure) has several phrases (official name, everyday aliases); a
//! document scores as its best phrase, so a short everyday alias that says
//! exactly what was asked is not diluted by the long official name.
//! Terms are folded syllables and syllable bigrams ("khai sinh").

use std::collections::HashSet;

/// The index's tables: keys are the knowledge's words and (document,
/// phrase) numbers, hashed by FxHash, several times faster than SipHash on
/// short keys (a question is answered in about half a millisecond).
type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

const K1: f32 = 1.2;
const B: f32 = 0.75;
const BIGRAM_WEIGHT: f32 = 1.6;

/// How one document matches a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub doc: usize,
    pub score: f32,
    /// Share of the question's weight found in the document's best phrase.
    pub coverage: f32,
    /// Share of that phrase's specific syllables the question used: 1.0 means
    /// the question names this procedure exactly, less means the procedure
    /// is about something more than was asked.
    pub precision: f32,
    /// Syllable pairs of the question found together in the phrase.
    pub pairs: u16,
    /// Whether the best phrase is the official name (not an everyday alias).
    pub by_name: bool,
    /// Which of the question's specific terms (bit i = term i of
    /// [`terms`], the first 64) the phrase contains.
    pub terms: u64,
}

/// What one phrase collects while a question's terms are looked up.
#[derive(Default)]
struct Tally {
    score: f32,
    /// The question's mass matched.
    query_mass: f32,
    /// The phrase's specific mass matched.
    phrase_mass: f32,
    pairs: u16,
    terms: u64,
}

pub struct Index {
    /// term -> list of (doc, phrase, tf)
    postings: HashMap<String, Vec<(u32, u16, u16)>>,
    phrase_len: Vec<Vec<u16>>,
    /// Idf mass of each phrase's specific syllables.
    phrase_mass: Vec<Vec<f32>>,
    generic: std::collections::HashSet<String>,
    avg_len: f32,
    idf: HashMap<String, f32>,
    pub docs: usize,
}

/// Unigrams and bigrams of content tokens; also the bigrams across the
/// frame words people leave out ("xóa tạm trú" for "xóa đăng ký tạm trú",
/// "mở khóa vneid" for "mở khóa tài khoản định danh điện tử" keeps "mo khoa").
pub fn terms(content: &[String], generic: &HashSet<String>) -> Vec<(String, f32)> {
    let mut out: Vec<(String, f32)> = content.iter().map(|t| (t.clone(), 1.0)).collect();
    for w in content.windows(2) {
        out.push((format!("{} {}", w[0], w[1]), BIGRAM_WEIGHT));
    }
    let specific: Vec<&String> = content.iter().filter(|t| !generic.contains(*t)).collect();
    if specific.len() < content.len() {
        for w in specific.windows(2) {
            let pair = format!("{} {}", w[0], w[1]);
            if !out.iter().any(|(t, _)| *t == pair) {
                out.push((pair, BIGRAM_WEIGHT));
            }
        }
    }
    out
}

impl Index {
    /// `docs[i]` = the content tokens of each phrase of document i;
    /// `generic` = syllables that do not count towards precision.
    pub fn build(docs: &[Vec<Vec<String>>], generic: &std::collections::HashSet<String>) -> Self {
        let mut postings: HashMap<String, Vec<(u32, u16, u16)>> = HashMap::default();
        let mut df: HashMap<String, u32> = HashMap::default();
        let mut phrase_len = Vec::with_capacity(docs.len());
        let mut total = 0usize;
        let mut count = 0usize;
        for (d, phrases) in docs.iter().enumerate() {
            let mut lens = Vec::with_capacity(phrases.len());
            let mut seen_in_doc: HashMap<String, ()> = HashMap::default();
            for (p, toks) in phrases.iter().enumerate() {
                lens.push(toks.len() as u16);
                total += toks.len();
                count += 1;
                let mut tf: HashMap<String, u16> = HashMap::default();
                for (t, _) in terms(toks, generic) {
                    *tf.entry(t).or_default() += 1;
                }
                for (t, n) in tf {
                    if seen_in_doc.insert(t.clone(), ()).is_none() {
                        *df.entry(t.clone()).or_default() += 1;
                    }
                    postings.entry(t).or_default().push((d as u32, p as u16, n));
                }
            }
            phrase_len.push(lens);
        }
        let n = docs.len() as f32;
        let idf: HashMap<String, f32> = df
            .into_iter()
            .map(|(t, f)| (t, ((n - f as f32 + 0.5) / (f as f32 + 0.5) + 1.0).ln()))
            .collect();
        let specific = |t: &String| {
            if generic.contains(t) {
                0.0
            } else {
                idf.get(t).copied().unwrap_or(0.0)
            }
        };
        let phrase_mass = docs
            .iter()
            .map(|phrases| {
                phrases
                    .iter()
                    .map(|toks| {
                        let mut uniq: Vec<&String> = toks.iter().collect();
                        uniq.sort();
                        uniq.dedup();
                        uniq.into_iter().map(specific).sum()
                    })
                    .collect()
            })
            .collect();
        Self {
            postings,
            phrase_len,
            phrase_mass,
            generic: generic.clone(),
            avg_len: total as f32 / count.max(1) as f32,
            idf,
            docs: docs.len(),
        }
    }

    pub fn idf(&self, term: &str) -> f32 {
        self.idf.get(term).copied().unwrap_or(0.0)
    }

    /// Best-phrase BM25 score per document, best first.
    pub fn search(&self, content: &[String], limit: usize) -> Vec<Match> {
        let q = terms(content, &self.generic);
        let q_mass: f32 = q.iter().map(|(t, w)| self.idf(t) * w).sum();
        let mut acc: HashMap<(u32, u16), Tally> = HashMap::default();
        let mut seen_unigram: Vec<&str> = Vec::new();
        for (i, (t, w)) in q.iter().enumerate() {
            let bit = if i < 64 && !self.generic.contains(t) {
                1u64 << i
            } else {
                0
            };
            let idf = self.idf(t);
            let is_unigram = !t.contains(' ');
            let first_time = is_unigram && !seen_unigram.contains(&t.as_str());
            if is_unigram {
                seen_unigram.push(t);
            }
            if let Some(list) = self.postings.get(t) {
                for &(d, p, tf) in list {
                    let len = self.phrase_len[d as usize][p as usize] as f32;
                    let tf = tf as f32;
                    let s =
                        idf * w * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / self.avg_len));
                    let e = acc.entry((d, p)).or_default();
                    e.score += s;
                    e.query_mass += idf * w;
                    if first_time && !self.generic.contains(t) {
                        e.phrase_mass += idf;
                    }
                    if !is_unigram {
                        e.pairs = e.pairs.saturating_add(1);
                    }
                    e.terms |= bit;
                }
            }
        }
        // In phrase order, so that ties between phrases resolve the same way
        // every time; a document's phrases are then next to each other, and
        // its best phrase is kept in one pass. The keys are unique, so the
        // unstable sort gives the same order as a stable one.
        let mut acc: Vec<_> = acc.into_iter().collect();
        acc.sort_unstable_by_key(|(k, _)| *k);
        let mut out: Vec<Match> = Vec::new();
        for ((d, p), t) in acc {
            let Tally {
                score: s,
                query_mass: m,
                phrase_mass: pm,
                pairs,
                terms: bits,
            } = t;
            let mass = self.phrase_mass[d as usize][p as usize];
            let m = Match {
                doc: d as usize,
                score: s,
                coverage: if q_mass > 0.0 { m / q_mass } else { 0.0 },
                precision: if mass > 0.0 {
                    (pm / mass).min(1.0)
                } else {
                    1.0
                },
                pairs,
                by_name: p == 0,
                terms: bits,
            };
            match out.last_mut() {
                Some(e) if e.doc == m.doc => {
                    if s > e.score {
                        *e = m;
                    }
                }
                _ => out.push(m),
            }
        }
        // Best first, ties by document: a total order, so taking the top
        // `limit` before sorting them gives what sorting all would.
        let order = |a: &Match, b: &Match| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc));
        if limit < out.len() {
            out.select_nth_unstable_by(limit, order);
            out.truncate(limit);
        }
        out.sort_unstable_by(order);
        out
    }
}

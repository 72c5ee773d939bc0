//! A small BM25 index over procedure names and aliases. Each document
//! (procedure) has several phrases (official name, everyday aliases); a
//! document scores as its best phrase, so a short everyday alias that says
//! exactly what was asked is not diluted by the long official name.
//! Terms are folded syllables and syllable bigrams ("khai sinh").

use std::collections::HashMap;

const K1: f32 = 1.2;
const B: f32 = 0.75;
const BIGRAM_WEIGHT: f32 = 1.6;

pub struct Index {
    /// term -> list of (doc, phrase, tf)
    postings: HashMap<String, Vec<(u32, u16, u16)>>,
    phrase_len: Vec<Vec<u16>>,
    avg_len: f32,
    idf: HashMap<String, f32>,
    pub docs: usize,
}

/// Unigrams and bigrams of content tokens.
pub fn terms(content: &[String]) -> Vec<(String, f32)> {
    let mut out: Vec<(String, f32)> = content.iter().map(|t| (t.clone(), 1.0)).collect();
    for w in content.windows(2) {
        out.push((format!("{} {}", w[0], w[1]), BIGRAM_WEIGHT));
    }
    out
}

impl Index {
    /// `docs[i]` = the content tokens of each phrase of document i.
    pub fn build(docs: &[Vec<Vec<String>>]) -> Self {
        let mut postings: HashMap<String, Vec<(u32, u16, u16)>> = HashMap::new();
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut phrase_len = Vec::with_capacity(docs.len());
        let mut total = 0usize;
        let mut count = 0usize;
        for (d, phrases) in docs.iter().enumerate() {
            let mut lens = Vec::with_capacity(phrases.len());
            let mut seen_in_doc: HashMap<String, ()> = HashMap::new();
            for (p, toks) in phrases.iter().enumerate() {
                lens.push(toks.len() as u16);
                total += toks.len();
                count += 1;
                let mut tf: HashMap<String, u16> = HashMap::new();
                for (t, _) in terms(toks) {
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
        let idf = df
            .into_iter()
            .map(|(t, f)| (t, ((n - f as f32 + 0.5) / (f as f32 + 0.5) + 1.0).ln()))
            .collect();
        Self {
            postings,
            phrase_len,
            avg_len: total as f32 / count.max(1) as f32,
            idf,
            docs: docs.len(),
        }
    }

    pub fn idf(&self, term: &str) -> f32 {
        self.idf.get(term).copied().unwrap_or(0.0)
    }

    /// Best-phrase BM25 score per document, with the share of the query's
    /// weight that phrase covers: (doc, score, coverage), best first.
    pub fn search(&self, content: &[String], limit: usize) -> Vec<(usize, f32, f32)> {
        let q = terms(content);
        let q_mass: f32 = q.iter().map(|(t, w)| self.idf(t) * w).sum();
        let mut acc: HashMap<(u32, u16), (f32, f32)> = HashMap::new();
        for (t, w) in &q {
            let idf = self.idf(t);
            if let Some(list) = self.postings.get(t) {
                for &(d, p, tf) in list {
                    let len = self.phrase_len[d as usize][p as usize] as f32;
                    let tf = tf as f32;
                    let s =
                        idf * w * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / self.avg_len));
                    let e = acc.entry((d, p)).or_default();
                    e.0 += s;
                    e.1 += idf * w;
                }
            }
        }
        let mut best: HashMap<u32, (f32, f32)> = HashMap::new();
        for ((d, _), (s, m)) in acc {
            let e = best.entry(d).or_default();
            if s > e.0 {
                *e = (s, m);
            }
        }
        let mut out: Vec<(usize, f32, f32)> = best
            .into_iter()
            .map(|(d, (s, m))| (d as usize, s, if q_mass > 0.0 { m / q_mass } else { 0.0 }))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(limit);
        out
    }
}

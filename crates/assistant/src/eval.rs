//! Running a question set: accuracy, clarify and out-of-scope handling,
//! numbers not found in the record, latency.

use crate::answer::numbers_not_in;
use crate::engine::{Assistant, Behavior};
use serde::Deserialize;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    #[serde(default)]
    pub id: String,
    pub turns: Vec<String>,
    pub behavior: Behavior,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub candidates: Vec<String>,
    #[serde(default)]
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Failure {
    pub id: String,
    pub question: String,
    pub expected: String,
    pub got: String,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub cases: usize,
    pub answer_cases: usize,
    pub top1: usize,
    pub top3: usize,
    pub fields_ok: usize,
    pub clarify_cases: usize,
    pub clarify_ok: usize,
    pub oos_cases: usize,
    pub oos_ok: usize,
    pub answers_checked: usize,
    pub invented_numbers: Vec<(String, String)>,
    pub latencies: Vec<Duration>,
    pub failures: Vec<Failure>,
}

pub fn parse_cases(text: &str) -> Result<Vec<Case>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("dòng {}: {e}", i + 1)))
        .collect()
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "—".into()
    } else {
        format!("{:.1}% ({a}/{b})", a as f64 * 100.0 / b as f64)
    }
}

impl Report {
    fn percentile(&self, p: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort();
        l.get(
            ((l.len() as f64 * p).ceil() as usize)
                .saturating_sub(1)
                .min(l.len().saturating_sub(1)),
        )
        .copied()
        .unwrap_or_default()
    }

    pub fn table(&self) -> String {
        let rows = [
            ("câu hỏi", self.cases.to_string()),
            (
                "đúng thủ tục, hạng 1 (top-1)",
                pct(self.top1, self.answer_cases),
            ),
            (
                "đúng thủ tục, trong 3 (top-3)",
                pct(self.top3, self.answer_cases),
            ),
            (
                "đúng phần được hỏi (fields)",
                pct(self.fields_ok, self.answer_cases),
            ),
            (
                "hỏi lại đúng lúc (clarify)",
                pct(self.clarify_ok, self.clarify_cases),
            ),
            (
                "từ chối đúng (out of scope)",
                pct(self.oos_ok, self.oos_cases),
            ),
            (
                "số không có trong hồ sơ",
                format!(
                    "{} (trong {} câu trả lời)",
                    self.invented_numbers.len(),
                    self.answers_checked
                ),
            ),
            (
                "độ trễ p50",
                format!("{:.2} ms", self.percentile(0.5).as_secs_f64() * 1e3),
            ),
            (
                "độ trễ p95",
                format!("{:.2} ms", self.percentile(0.95).as_secs_f64() * 1e3),
            ),
        ];
        let w = rows
            .iter()
            .map(|(a, _)| a.chars().count())
            .max()
            .unwrap_or(10);
        let mut s = format!("| {:w$} | kết quả\n|{}|---\n", "chỉ số", "-".repeat(w + 2));
        for (a, b) in rows {
            s.push_str(&format!("| {a:w$} | {b}\n"));
        }
        s
    }
}

pub fn run(assistant: &Assistant, cases: &[Case]) -> Report {
    let mut r = Report {
        cases: cases.len(),
        ..Default::default()
    };
    for c in cases {
        let t = Instant::now();
        let reply = assistant.converse(&c.turns);
        r.latencies.push(t.elapsed());
        let codes: Vec<&str> = reply.procedures.iter().map(|h| h.code.as_str()).collect();
        let question = c.turns.join(" ⏎ ");
        let got = format!(
            "{:?} {:?}",
            reply.behavior,
            codes.iter().take(3).collect::<Vec<_>>()
        );
        let mut fail = |expected: String| {
            r.failures.push(Failure {
                id: c.id.clone(),
                question: question.clone(),
                expected,
                got: got.clone(),
            })
        };
        match c.behavior {
            Behavior::Answer => {
                r.answer_cases += 1;
                let want = c.code.as_deref().unwrap_or("");
                let ok1 = reply.behavior == Behavior::Answer && codes.first() == Some(&want);
                if ok1 {
                    r.top1 += 1;
                    if c.fields.iter().all(|f| reply.fields.contains(f)) {
                        r.fields_ok += 1;
                    } else {
                        let got = reply.fields.clone();
                        r.failures.push(Failure {
                            id: c.id.clone(),
                            question: question.clone(),
                            expected: format!("phần hỏi {:?}", c.fields),
                            got: format!("phần hỏi {got:?}"),
                        });
                    }
                } else {
                    fail(format!("Answer {want}"));
                }
                if codes.iter().take(3).any(|x| *x == want) {
                    r.top3 += 1;
                }
            }
            Behavior::Clarify => {
                r.clarify_cases += 1;
                if reply.behavior == Behavior::Clarify {
                    r.clarify_ok += 1;
                } else {
                    fail(format!("Clarify {:?}", c.candidates));
                }
            }
            Behavior::OutOfScope => {
                r.oos_cases += 1;
                if reply.behavior == Behavior::OutOfScope {
                    r.oos_ok += 1;
                } else {
                    fail("OutOfScope".into());
                }
            }
        }
        if reply.behavior == Behavior::Answer {
            if let Some(code) = codes.first() {
                r.answers_checked += 1;
                for n in numbers_not_in(&reply.answer_text, &assistant.source_text(code)) {
                    r.invented_numbers.push((c.id.clone(), n));
                }
            }
        }
    }
    r
}

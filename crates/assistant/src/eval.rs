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
    /// How often each expected behaviour (row) got each behaviour (column),
    /// in the order of `BEHAVIOURS`.
    pub confusion: [[usize; 3]; 3],
}

/// The three behaviours, in the confusion table's order, with their labels.
pub const BEHAVIOURS: [(Behavior, &str); 3] = [
    (Behavior::Answer, "trả lời"),
    (Behavior::Clarify, "hỏi lại"),
    (Behavior::OutOfScope, "từ chối"),
];

fn behaviour_index(b: Behavior) -> usize {
    BEHAVIOURS.iter().position(|(x, _)| *x == b).unwrap_or(0)
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
        s.push_str(&self.confusion_table());
        s
    }

    /// Expected behaviour (rows) against what the assistant did (columns).
    pub fn confusion_table(&self) -> String {
        let mut s = String::from(
            "\nCách trả lời: hàng là điều bộ câu hỏi mong đợi, cột là điều trợ lý đã làm\n| mong đợi \\ trợ lý |",
        );
        for (_, label) in BEHAVIOURS {
            s.push_str(&format!(" {label:>8} |"));
        }
        s.push_str("\n|---|---|---|---|\n");
        for (row, (_, label)) in BEHAVIOURS.iter().enumerate() {
            s.push_str(&format!("| {label:<18} |"));
            for n in self.confusion[row] {
                s.push_str(&format!(" {n:>8} |"));
            }
            s.push('\n');
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
        r.confusion[behaviour_index(c.behavior)][behaviour_index(reply.behavior)] += 1;
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
        // An answer, or a decline that names the procedure other bodies
        // perform: every number from that procedure's data.
        if reply.behavior != Behavior::Clarify {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confusion_table_counts_each_expected_behaviour_by_what_was_done() {
        let a = Assistant::embedded().unwrap_or_else(|e| panic!("{e}"));
        let cases = parse_cases(
            "{\"turns\": [\"làm giấy khai sinh ở đâu\"], \"behavior\": \"answer\", \"code\": \"1.001193\"}\n\
             {\"turns\": [\"thời tiết mai thế nào\"], \"behavior\": \"answer\", \"code\": \"1.001193\"}\n\
             {\"turns\": [\"ly hôn ở đâu\"], \"behavior\": \"out_of_scope\"}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let r = run(&a, &cases);
        assert_eq!(r.confusion[0][0], 1, "answered as expected");
        assert_eq!(r.confusion[0][2], 1, "an answer expected, refused");
        assert_eq!(r.confusion[2][2], 1, "refused as expected");
        assert_eq!(r.confusion.iter().flatten().sum::<usize>(), 3);
        let t = r.table();
        assert!(
            t.contains("| trả lời            |        1 |        0 |        1 |"),
            "{t}"
        );
    }
}

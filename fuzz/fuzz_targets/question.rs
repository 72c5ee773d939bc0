//! The assistant's question parser and the conversation on top of it: the
//! built-in knowledge is loaded once, then the input (lossy UTF-8) is parsed
//! as one question (`Assistant::parse_question`) and answered as a
//! conversation, one turn a line, bounded as the web page bounds it
//! (`Assistant::converse`).
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use hocvuso_assistant::answer::numbers_not_in;
use hocvuso_assistant::text::FIELDS;
use hocvuso_assistant::{Assistant, Behavior};
use libfuzzer_sys::fuzz_target;

/// As the web layer bounds a conversation (crates/web/src/assistant.rs).
const MAX_TURNS: usize = 20;
const MAX_QUESTION_CHARS: usize = 500;

struct Loaded {
    assistant: Assistant,
    /// Every procedure code the knowledge has (records and catalogue).
    codes: HashSet<String>,
}

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
        let assistant = Assistant::embedded().expect("the built-in knowledge loads");
        let k = &assistant.knowledge;
        let codes = k
            .records
            .iter()
            .map(|r| r.code.clone())
            .chain(k.catalogue.iter().map(|e| e.code.clone()))
            .collect();
        Loaded { assistant, codes }
    })
}

/// A token as the parser makes them: folded, split at anything but ASCII
/// letters and digits.
fn is_token(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn in_fields_order(fields: &[&str]) -> bool {
    let pos: Vec<usize> = fields
        .iter()
        .map(|f| FIELDS.iter().position(|x| x == f).unwrap_or(usize::MAX))
        .collect();
    pos.iter().all(|&p| p < FIELDS.len()) && pos.windows(2).all(|w| w[0] < w[1])
}

fuzz_target!(init: {
    loaded();
}, |data: &[u8]| {
    let Loaded { assistant, codes } = loaded();
    let text = String::from_utf8_lossy(data);

    let p = assistant.parse_question(&text);
    for t in p.all.iter().chain(&p.content).chain(&p.beside_topic) {
        assert!(is_token(t), "{text:?}: token {t:?}");
    }
    assert!(in_fields_order(&p.fields), "{text:?}: {:?}", p.fields);
    assert!(p.implied.iter().all(|f| FIELDS.contains(f)), "{text:?}");

    // The conversation, as the page sends it: each turn trimmed and cut.
    let turns: Vec<String> = text
        .lines()
        .map(|l| l.trim().chars().take(MAX_QUESTION_CHARS).collect::<String>())
        .filter(|l| !l.is_empty())
        .take(MAX_TURNS)
        .collect();
    let reply = assistant.converse(&turns);
    assert!(!reply.answer_text.trim().is_empty(), "{turns:?}");
    assert!(
        reply.fields.iter().all(|f| FIELDS.contains(&f.as_str())),
        "{turns:?}: {:?}",
        reply.fields
    );
    for hit in &reply.procedures {
        assert!(codes.contains(&hit.code), "{turns:?}: unknown code {}", hit.code);
        assert!(hit.score.is_finite(), "{turns:?}: {hit:?}");
    }
    if let Some(code) = &reply.state.last_code {
        assert!(codes.contains(code), "{turns:?}: unknown code {code}");
    }
    match reply.behavior {
        Behavior::Answer => {
            // The procedure answered, then at most two related ones.
            assert!((1..=3).contains(&reply.procedures.len()), "{turns:?}");
            // Grounded: every number of an answer comes from its procedure's data.
            let code = &reply.procedures[0].code;
            let invented = numbers_not_in(&reply.answer_text, &assistant.source_text(code));
            assert!(invented.is_empty(), "{turns:?}: {code} invents {invented:?}");
        }
        // Declined: at most the one procedure that other bodies perform, and
        // every number from its data (code, portal link, the list's date).
        Behavior::OutOfScope => {
            assert!(reply.procedures.len() <= 1, "{turns:?}");
            if let Some(hit) = reply.procedures.first() {
                let invented = numbers_not_in(&reply.answer_text, &assistant.source_text(&hit.code));
                assert!(invented.is_empty(), "{turns:?}: {} invents {invented:?}", hit.code);
            }
        }
        Behavior::Clarify => {}
    }
});

//! The chat history parser: the earlier turns the chat page sends back
//! (`hocvuso_assistant::history::parse_history`, which the web layer calls
//! with its limits). The first byte picks the web's limits or small ones
//! taken from the next bytes, so that every bound is reached; the rest is
//! the form field's text.
#![no_main]

use hocvuso_assistant::history::{parse_history, HistoryLimits, TooLong};
use libfuzzer_sys::fuzz_target;

/// The web layer's limits (crates/web/src/assistant.rs): 20 turns of 500
/// characters, and as many bytes as those take as JSON at most.
const WEB: HistoryLimits = HistoryLimits {
    turns: 20,
    question_chars: 500,
    bytes: 20 * (500 * 6 + 3) + 2,
};

fuzz_target!(|data: &[u8]| {
    let (limits, rest) = match data {
        [0, rest @ ..] => (WEB, rest),
        [_, turns, chars, bytes, rest @ ..] => (
            HistoryLimits {
                turns: usize::from(turns % 8),
                question_chars: usize::from(chars % 16),
                bytes: usize::from(*bytes) * 4,
            },
            rest,
        ),
        _ => return,
    };
    let raw = String::from_utf8_lossy(rest);
    let parsed = parse_history(&raw, &limits);
    let as_json = serde_json::from_str::<Vec<String>>(&raw).ok();
    match parsed {
        Ok(turns) => {
            assert!(raw.len() <= limits.bytes);
            assert!(turns.len() <= limits.turns);
            assert!(turns
                .iter()
                .all(|t| t.chars().count() <= limits.question_chars));
            // What is not an array of strings starts a fresh conversation.
            assert_eq!(turns, as_json.unwrap_or_default());
            // The page writes the history back as JSON: that text is read
            // back to the same turns, and within the web's byte limit.
            let again = serde_json::to_string(&turns).expect("strings serialise");
            if limits == WEB {
                assert!(again.len() <= WEB.bytes, "{} bytes", again.len());
            }
            if again.len() <= limits.bytes {
                assert_eq!(parse_history(&again, &limits), Ok(turns));
            }
        }
        Err(TooLong) => {
            // Too many bytes, or an array over the turn or length limits.
            let over = |v: &Vec<String>| {
                v.len() > limits.turns
                    || v.iter().any(|t| t.chars().count() > limits.question_chars)
            };
            assert!(raw.len() > limits.bytes || as_json.as_ref().is_some_and(over));
        }
    }
});

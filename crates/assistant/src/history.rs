//! The earlier turns of a conversation, as a page sends them back.
//!
//! The chat page keeps no conversation on the server: each request carries
//! the user's earlier questions as a JSON array of strings, which the web
//! layer parses here (pure and bounded, so it can be fuzzed on its own).

/// Bounds on the history a client sends back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLimits {
    /// The most turns.
    pub turns: usize,
    /// The most characters (Unicode scalar values) of one turn.
    pub question_chars: usize,
    /// The most bytes of the raw text, checked before it is parsed.
    pub bytes: usize,
}

/// The history is over one of its [`HistoryLimits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

/// The earlier turns the page sent back, bounded before and after parsing.
///
/// Text longer than `limits.bytes`, more than `limits.turns` turns or a turn
/// longer than `limits.question_chars` characters is [`TooLong`]; anything
/// that is not a JSON array of strings reads as no turns (a fresh
/// conversation).
pub fn parse_history(raw: &str, limits: &HistoryLimits) -> Result<Vec<String>, TooLong> {
    if raw.len() > limits.bytes {
        return Err(TooLong);
    }
    let turns: Vec<String> = serde_json::from_str(raw).unwrap_or_default();
    if turns.len() > limits.turns
        || turns
            .iter()
            .any(|t| t.chars().count() > limits.question_chars)
    {
        return Err(TooLong);
    }
    Ok(turns)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: HistoryLimits = HistoryLimits {
        turns: 2,
        question_chars: 5,
        bytes: 40,
    };

    #[test]
    fn reads_a_json_array_of_strings() {
        assert_eq!(
            parse_history(r#"["phí", "ở đâu"]"#, &LIMITS),
            Ok(vec!["phí".to_string(), "ở đâu".to_string()])
        );
        assert_eq!(parse_history("[]", &LIMITS), Ok(vec![]));
    }

    #[test]
    fn anything_else_is_a_fresh_conversation() {
        for raw in ["", "null", "{}", "[1]", r#"["a""#, r#""a""#, "[[\"a\"]]"] {
            assert_eq!(parse_history(raw, &LIMITS), Ok(vec![]), "{raw:?}");
        }
    }

    #[test]
    fn bounds_are_checked_before_and_after_parsing() {
        // Characters are counted, not bytes: "đăng ký" has 7, "ở đâu" 5.
        assert_eq!(
            parse_history(r#"["ở đâu"]"#, &LIMITS),
            Ok(vec!["ở đâu".into()])
        );
        assert_eq!(parse_history(r#"["đăng ký"]"#, &LIMITS), Err(TooLong));
        assert_eq!(parse_history(r#"["a", "b", "c"]"#, &LIMITS), Err(TooLong));
        // Too many bytes, even of something that is not a history.
        assert_eq!(parse_history(&" ".repeat(41), &LIMITS), Err(TooLong));
        assert_eq!(parse_history(&" ".repeat(40), &LIMITS), Ok(vec![]));
    }
}

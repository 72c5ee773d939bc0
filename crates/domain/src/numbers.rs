//! Numbers as Vietnamese writes them: a comma before the decimals and a dot
//! between thousands ("19.562 người", "87,5%"). Every page, chart, spreadsheet
//! caption and document formats numbers here, so they never mix "87.5%" and
//! "95,9%".

/// A whole number with dots between thousands: 19562 → "19.562".
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A number with `places` decimals and a decimal comma; the integer part is
/// grouped by thousands. `decimal(87.54, 1)` → "87,5"; a trailing ",0" stays
/// so that a column of figures lines up.
pub fn decimal(v: f64, places: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let text = format!("{:.*}", places, v.abs());
    let (int_part, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let whole: i64 = int_part.parse().unwrap_or(0);
    // "-0,0" reads oddly: a value that rounds to zero has no sign.
    let negative = v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&integer(whole));
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// A figure as reports print it: at most one decimal, none when it is whole
/// (72 → "72", 87.54 → "87,5", 1500 → "1.500").
pub fn number(v: f64) -> String {
    let one = decimal(v, 1);
    match one.strip_suffix(",0") {
        Some(whole) => whole.to_string(),
        None => one,
    }
}

/// A percentage as reports print it: 87.5 → "87,5%", 70 → "70%".
pub fn percent(v: f64) -> String {
    format!("{}%", number(v))
}

/// What a share with no denominator yet reads as, inside a sentence.
pub const NO_DATA: &str = "chưa có số liệu";

/// A share as every page, command and document writes it: "87,5%", or
/// [`NO_DATA`] when there is nothing to count yet.
pub fn percent_or_no_data(v: Option<f64>) -> String {
    v.map(percent).unwrap_or_else(|| NO_DATA.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_take_dots() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1000), "1.000");
        assert_eq!(integer(19562), "19.562");
        assert_eq!(integer(2_000_000), "2.000.000");
        assert_eq!(integer(-1234), "-1.234");
    }

    #[test]
    fn decimals_take_a_comma() {
        assert_eq!(decimal(87.5, 1), "87,5");
        assert_eq!(decimal(95.94, 1), "95,9");
        assert_eq!(decimal(100.0, 1), "100,0");
        assert_eq!(decimal(1234.56, 2), "1.234,56");
        assert_eq!(decimal(-2.26, 1), "-2,3");
        assert_eq!(decimal(-0.01, 1), "0,0");
        assert_eq!(decimal(7.0, 0), "7");
        assert_eq!(decimal(f64::NAN, 1), "");
    }

    #[test]
    fn report_figures_drop_a_zero_decimal() {
        assert_eq!(number(72.0), "72");
        assert_eq!(number(1500.0), "1.500");
        assert_eq!(number(87.54), "87,5");
        assert_eq!(number(99.96), "100");
        assert_eq!(percent(87.5), "87,5%");
        assert_eq!(percent(70.0), "70%");
        assert!(!percent(33.333).contains('.'));
    }
}

//! How numbers and text are written into our outputs: one home for the number formats (a
//! spreadsheet cell, a count, dollars) and for XML/HTML escaping, so a CSV, a page and a
//! picture print the same figure the same way.

/// A number for a spreadsheet cell or a sentence: rounded to four decimals, whole numbers
/// without a decimal point, never `-0` (`0.1 + 0.2` is `0.3`, `1/3` is `0.3333`).
pub fn number(x: f64) -> String {
    let r = (x * 1e4).round() / 1e4 + 0.0;
    if !r.is_finite() {
        // Rounding overflows only far past any figure the reports hold; print the value.
        return format!("{}", x + 0.0);
    }
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

/// A count rounded to a whole number, with thousands separators: `12,345`.
pub fn count(v: f64) -> String {
    let s = (v.round() as i64).unsigned_abs().to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Dollars rounded to a whole number: `$93,600`.
pub fn dollars(v: f64) -> String {
    format!("${}", count(v))
}

/// `s` safe inside XML or HTML text and double-quoted attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A spreadsheet cell that no spreadsheet evaluates (OWASP's rule against CSV injection): text
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so
/// `=HYPERLINK(...)` is shown as text. A plain number (`-2.5`, `+3`, `1e-4`) is left as it is:
/// it cannot be a formula.
pub fn spreadsheet_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// `[+-]digits[.digits][e[+-]digits]`: a number and nothing else.
fn is_plain_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// A title on one line: carriage returns, line feeds, tabs, other control characters and the
/// Unicode line and paragraph separators become spaces, so no title can end the line of a DOT or Mermaid statement it sits in.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_to_four_decimals_without_negative_zero() {
        for (x, s) in [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.00001, "0"),
            (3.0, "3"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.3333"),
            (0.45238095, "0.4524"),
            (0.1 + 0.2, "0.3"),
            (12345.678912, "12345.6789"),
            (-2.5, "-2.5"),
            (2e15, "2000000000000000"),
        ] {
            assert_eq!(number(x), s, "{x}");
        }
    }

    #[test]
    fn counts_and_dollars_group_thousands() {
        for (x, c) in [
            (0.0, "0"),
            (999.4, "999"),
            (1234.5, "1,235"),
            (1_234_567.0, "1,234,567"),
        ] {
            assert_eq!(count(x), c, "{x}");
            assert_eq!(dollars(x), format!("${c}"), "{x}");
        }
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(xml_escape(r#"a & <b> "c""#), "a &amp; &lt;b&gt; &quot;c&quot;");
        assert_eq!(xml_escape("é'"), "é'");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        for (cell, out) in [
            (
                "=HYPERLINK(\"http://evil.example/\",\"click\")",
                "'=HYPERLINK(\"http://evil.example/\",\"click\")",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-inf", "'-inf"),
            ("-", "'-"),
            ("-2.5", "-2.5"),
            ("+3", "+3"),
            ("-1e-4", "-1e-4"),
            ("Nursing = care", "Nursing = care"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_cell(cell), out, "{cell:?}");
        }
        assert_eq!(one_line("a\r\nb\tc\u{2028}"), "a  b c ");
    }
}

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
}

//! CSV answers of the table endpoints (analysis and planner reports): one writer and one way
//! of printing numbers, so every spreadsheet the API gives reads the same.

use super::error::ApiError;
use actix_web::HttpResponse;

/// A `text/csv` answer of `rows` (the first is the header).
pub fn csv_response(rows: Vec<Vec<String>>) -> Result<HttpResponse, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).map_err(|e| ApiError::Unexpected(e.into()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(bytes))
}

/// A number for a CSV cell: rounded to four decimals, whole numbers without a decimal point,
/// never `-0`.
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

#[cfg(test)]
mod tests {
    use super::number;

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
}

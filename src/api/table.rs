//! CSV answers of the table endpoints (analysis and planner reports): one writer for rows
//! that are `#[derive(Serialize)]` structs, whose field names are the header, and one way of
//! printing numbers ([`crate::render::number`]), so every spreadsheet the API gives reads the
//! same.

use super::error::ApiError;
use super::params::Format;
use actix_web::HttpResponse;
use serde::Serialize;

pub use crate::render::number;

/// A `text/csv` answer of `rows`, headed by the row type's field names (also when there are
/// no rows).
pub fn csv_response<T: Serialize + Default>(rows: impl IntoIterator<Item = T>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(csv_bytes(rows)?))
}

/// `out` as JSON (also when no format is asked), or with `format=csv` the rows `rows` makes
/// of it as CSV.
pub fn table_response<O: Serialize, T: Serialize + Default, I: IntoIterator<Item = T>>(
    format: Option<Format>,
    out: O,
    rows: impl FnOnce(O) -> I,
) -> Result<HttpResponse, ApiError> {
    match format.unwrap_or(Format::Json) {
        Format::Json => Ok(HttpResponse::Ok().json(out)),
        Format::Csv => csv_response(rows(out)),
    }
}

fn csv_bytes<T: Serialize + Default>(rows: impl IntoIterator<Item = T>) -> Result<Vec<u8>, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::Unexpected(anyhow::anyhow!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut any = false;
    for r in rows {
        w.serialize(r).map_err(|e| fail(&e))?;
        any = true;
    }
    let mut bytes = w.into_inner().map_err(|e| fail(&e))?;
    if !any {
        // The writer writes the header with the first row: write one and keep its header.
        let mut h = csv::Writer::from_writer(Vec::new());
        h.serialize(T::default()).map_err(|e| fail(&e))?;
        let all = h.into_inner().map_err(|e| fail(&e))?;
        let end = all.iter().position(|&b| b == b'\n').map_or(all.len(), |i| i + 1);
        bytes = all[..end].to_vec();
    }
    neutralise(&bytes).map_err(|e| fail(&e))
}

/// `csv` with every cell passed through [`crate::render::spreadsheet_cell`]: no title a
/// catalog holds is a live formula in the spreadsheet that opens the answer.
fn neutralise(csv: &[u8]) -> Result<Vec<u8>, csv::Error> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(csv);
    let mut w = csv::Writer::from_writer(Vec::with_capacity(csv.len() + 16));
    for record in r.records() {
        let record = record?;
        w.write_record(record.iter().map(|c| crate::render::spreadsheet_cell(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row {
        a: String,
        b_c: Option<u32>,
    }

    #[test]
    fn the_header_is_the_field_names_with_or_without_rows() {
        let none: Vec<Row> = Vec::new();
        assert_eq!(csv_bytes(none).unwrap(), b"a,b_c\n");
        let one = vec![Row {
            a: "x,y".into(),
            b_c: None,
        }];
        assert_eq!(csv_bytes(one).unwrap(), b"a,b_c\n\"x,y\",\n");
    }

    #[test]
    fn no_cell_is_a_formula() {
        let rows = vec![
            Row {
                a: "=HYPERLINK(\"http://evil.example/\",\"click\")".into(),
                b_c: Some(1),
            },
            Row {
                a: "-2.5".into(),
                b_c: None,
            },
        ];
        let text = String::from_utf8(csv_bytes(rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "a,b_c\n\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\",1\n-2.5,\n"
        );
    }
}

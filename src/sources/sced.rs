//! The NCES SCED course-code list (School Courses for the Exchange of Data) as CSV or a
//! workbook: `Course Title`, `SCED Course Code`, `Course Description`. One published version
//! (v12) is Windows-1252, not UTF-8: text that is not valid UTF-8 is decoded as Windows-1252
//! and the job says so (`windows_1252`).
//!
//! Enrichment only: every catalog course with a `codes.sced` gets the official title as
//! `sced_title` (codes compared as five digits, so `1001` is `01001`); codes the list does not
//! have are listed in the `unknown_sced_code` warning. The list itself is not stored. The
//! release is taken from the file name (`sced_v12.csv` -> `SCED v12`).

use super::table::{cell, read_table};
use super::{Context, Fetched, PullError, Pulled};
use std::collections::HashMap;

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut pulled = Pulled::default();
    let t = read_table(
        f.bytes.clone(),
        &[],
        &["SCED Course Code", "Course Title"],
        "the SCED course list",
        &mut pulled.warnings,
    )?;
    let c_code = t.col("SCED Course Code")?;
    let c_title = t.col("Course Title")?;
    let mut titles = HashMap::new();
    for (row_no, row) in &t.rows {
        let raw = cell(row, c_code);
        if raw.is_empty() || raw.len() > 5 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PullError::new(format!(
                "{}, row {row_no}: `{raw}` is not a five-digit SCED course code",
                t.what
            )));
        }
        let code = format!("{raw:0>5}");
        if titles.insert(code.clone(), cell(row, c_title).to_owned()).is_some() {
            pulled.warnings.add(
                "duplicate_code",
                "codes listed more than once (the last title kept)",
                code,
            );
        }
    }
    pulled.release = release(&ctx.url);
    pulled.counts.insert("codes".into(), titles.len() as u64);
    pulled.enrich.sced_titles = Some(titles);
    Ok(pulled)
}

fn release(url: &str) -> Option<String> {
    let file = url.rsplit('/').next()?.to_lowercase();
    let v = file.split(|c: char| !c.is_ascii_alphanumeric()).find_map(|part| {
        let digits = part.strip_prefix('v').unwrap_or(part);
        (part != "sced" && !digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.to_owned())
    })?;
    Some(format!("SCED v{v}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn release_from_file_name() {
        assert_eq!(super::release("http://x/sced_v12.csv").as_deref(), Some("SCED v12"));
        assert_eq!(super::release("http://x/sced_11.csv").as_deref(), Some("SCED v11"));
        assert_eq!(super::release("http://x/list.csv"), None);
    }
}

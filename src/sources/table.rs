//! Tabular files as the upstreams publish them: xlsx and legacy xls workbooks (calamine),
//! CSV (UTF-8 with or without BOM, or Windows-1252) and tab-delimited text, read into one
//! [`Sheet`] shape: rows of cell strings, numbered as the spreadsheet numbers them.

use super::PullError;
use calamine::{Data, Reader};
use std::collections::HashMap;
use std::io::Cursor;

/// One sheet: cells as strings, `rows[i]` being spreadsheet row `first_row + i` (1-based).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub first_row: usize,
    pub rows: Vec<Vec<String>>,
}

/// A workbook opened from bytes.
pub struct Workbook {
    inner: calamine::Sheets<Cursor<Vec<u8>>>,
    what: String,
}

impl Workbook {
    /// Opens xlsx, xls, xlsb or ods bytes; `what` names the file in errors.
    pub fn open(bytes: Vec<u8>, what: &str) -> Result<Workbook, PullError> {
        let inner = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| PullError::new(format!("{what} is not a readable workbook: {e}")))?;
        Ok(Workbook {
            inner,
            what: what.to_owned(),
        })
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.inner.sheet_names()
    }

    /// The sheet whose name matches `pick` first (in the order of `pick`), compared without
    /// case and spaces.
    pub fn find_sheet(&mut self, pick: &[&str]) -> Result<Sheet, PullError> {
        let names = self.sheet_names();
        for want in pick {
            if let Some(name) = names.iter().find(|n| norm(n) == norm(want)) {
                return self.sheet(&name.clone());
            }
        }
        Err(PullError::new(format!(
            "{} has no sheet named {}; its sheets are: {}",
            self.what,
            pick.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" or "),
            names.join(", ")
        )))
    }

    pub fn first_sheet(&mut self) -> Result<Sheet, PullError> {
        let name = self
            .sheet_names()
            .into_iter()
            .next()
            .ok_or_else(|| PullError::new(format!("{} has no sheets", self.what)))?;
        self.sheet(&name)
    }

    pub fn sheet(&mut self, name: &str) -> Result<Sheet, PullError> {
        let range = self
            .inner
            .worksheet_range(name)
            .map_err(|e| PullError::new(format!("sheet `{name}` of {} cannot be read: {e}", self.what)))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .map(|row| {
                let mut out = vec![String::new(); c0 as usize];
                out.extend(row.iter().map(cell_text));
                out
            })
            .collect();
        Ok(Sheet {
            name: name.to_owned(),
            first_row: r0 as usize + 1,
            rows,
        })
    }
}

/// A cell as text: whole numbers without `.0`, other numbers in their shortest form.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Decodes text as UTF-8 (dropping a BOM), or as Windows-1252 when it is not valid UTF-8
/// (the flag says so).
pub fn decode_text(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), true)
        }
    }
}

/// Reads delimited text (`,` CSV with quotes, or `\t` O*NET text without quoting).
pub fn read_delimited(bytes: &[u8], delimiter: u8, what: &str) -> Result<(Sheet, bool), PullError> {
    let (text, cp1252) = decode_text(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(delimiter != b'\t')
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| PullError::new(format!("{what}, line {}: {e}", i + 1)))?;
        rows.push(rec.iter().map(str::to_owned).collect());
    }
    Ok((
        Sheet {
            name: what.to_owned(),
            first_row: 1,
            rows,
        },
        cp1252,
    ))
}

/// Header names compared without case, spacing or dash style.
pub fn norm(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\u{2013}' || c == '\u{2014}' { '-' } else { c })
        .filter(|c| !c.is_whitespace() && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A sheet with its header row located.
#[derive(Debug)]
pub struct Table {
    pub what: String,
    columns: HashMap<String, usize>,
    pub headers: Vec<String>,
    /// (spreadsheet row number, cells) of every row below the header.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Finds the header row (the first of the first 30 rows holding every `required` name) and
    /// keeps the rows below it.
    pub fn from_sheet(sheet: Sheet, required: &[&str], what: &str) -> Result<Table, PullError> {
        let want: Vec<String> = required.iter().map(|r| norm(r)).collect();
        let at = sheet.rows.iter().take(30).position(|row| {
            let have: Vec<String> = row.iter().map(|c| norm(c)).collect();
            want.iter().all(|w| have.iter().any(|h| h.contains(w.as_str())))
        });
        let Some(at) = at else {
            return Err(PullError::new(format!(
                "{what} does not have the expected columns ({}); is it the right file?",
                required.join(", ")
            )));
        };
        let first = sheet.first_row;
        let mut rows = sheet.rows.into_iter().enumerate().skip(at);
        let headers = rows.next().map(|(_, r)| r).unwrap_or_default();
        let mut columns = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            columns.entry(norm(h)).or_insert(i);
        }
        Ok(Table {
            what: what.to_owned(),
            columns,
            headers,
            rows: rows
                .map(|(i, r)| (first + i, r))
                .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
                .collect(),
        })
    }

    /// The index of a column: exact name first, then the first header starting with it, then
    /// the first containing it.
    pub fn col(&self, name: &str) -> Result<usize, PullError> {
        self.find(name)
            .ok_or_else(|| PullError::new(format!("{} has no column `{name}`", self.what)))
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        let n = norm(name);
        self.columns
            .get(&n)
            .copied()
            .or_else(|| self.headers.iter().position(|h| norm(h).starts_with(&n)))
            .or_else(|| self.headers.iter().position(|h| norm(h).contains(&n)))
    }
}

/// A cell of a row (empty when the row is short).
pub fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map(|s| s.trim()).unwrap_or("")
}

/// A numeric cell: `Ok(None)` for BLS's "unknown" marks (`—`, `-`, `(X)`, `n/a`, empty),
/// an error naming the row and column otherwise.
pub fn number(t: &Table, row_no: usize, row: &[String], col: usize) -> Result<Option<f64>, PullError> {
    let raw = cell(row, col);
    let s = raw.replace([',', '$'], "");
    let s = s.trim();
    if s.is_empty() || matches!(s, "—" | "–" | "-" | "(X)" | "n/a" | "N/A" | "**" | "(8)") {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| {
        PullError::new(format!(
            "{}, row {row_no}: column `{}` should be a number, got `{raw}`",
            t.what,
            t.headers.get(col).map(|h| h.trim()).unwrap_or("?")
        ))
    })
}

/// Reads a table from a workbook or a CSV, whichever the bytes are. `sheets` picks the sheet.
pub fn read_table(
    bytes: Vec<u8>,
    sheets: &[&str],
    required: &[&str],
    what: &str,
    warnings: &mut super::Warnings,
) -> Result<Table, PullError> {
    let bytes = unwrap_zip(bytes, what)?;
    let is_book = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let sheet = if is_book {
        let mut wb = Workbook::open(bytes, what)?;
        let names = wb.sheet_names();
        if sheets.is_empty() || names.len() == 1 {
            wb.first_sheet()?
        } else {
            wb.find_sheet(sheets)?
        }
    } else {
        let (sheet, cp1252) = read_delimited(&bytes, b',', what)?;
        if cp1252 {
            warnings.add(
                "windows_1252",
                "the file is not UTF-8; it was read as Windows-1252",
                what,
            );
        }
        sheet
    };
    Table::from_sheet(sheet, required, what)
}

/// A zip that is not itself a workbook (BLS publishes `oesm24nat.zip` holding the xlsx):
/// the largest `.xlsx`, `.xls` or `.csv` inside it. Anything else is returned as is.
pub fn unwrap_zip(bytes: Vec<u8>, what: &str) -> Result<Vec<u8>, PullError> {
    use std::io::Read;
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(bytes);
    }
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(&bytes)) else {
        return Ok(bytes);
    };
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.to_string()).unwrap_or_default())
        .collect();
    if names.iter().any(|n| n == "[Content_Types].xml" || n == "mimetype") {
        return Ok(bytes);
    }
    let mut best: Option<(usize, u64)> = None;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { continue };
        let name = entry.name().map(|n| n.to_lowercase()).unwrap_or_default();
        if [".xlsx", ".xls", ".csv"].iter().any(|e| name.ends_with(e)) && best.is_none_or(|(_, s)| entry.size() > s) {
            best = Some((i, entry.size()));
        }
    }
    let Some((i, size)) = best else {
        return Err(PullError::new(format!("{what}: the zip holds no workbook or CSV file")));
    };
    let mut out = Vec::with_capacity(size as usize);
    zip.by_index(i)
        .and_then(|mut e| e.read_to_end(&mut out).map_err(Into::into))
        .map_err(|e| PullError::new(format!("{what}: the zip is damaged: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_is_detected_and_decoded() {
        let (text, cp) = decode_text(b"caf\xe9 \x93quoted\x94");
        assert!(cp);
        assert_eq!(text, "caf\u{e9} \u{201c}quoted\u{201d}");
        let (text, cp) = decode_text("\u{feff}plain".as_bytes());
        assert!(!cp);
        assert_eq!(text, "plain");
    }

    #[test]
    fn headers_are_found_below_a_title() {
        let sheet = Sheet {
            name: "t".into(),
            first_row: 1,
            rows: vec![
                vec!["Title row".into()],
                vec!["Code".into(), "Employment, 2024".into()],
                vec!["11-1011".into(), "—".into()],
                vec!["11-1021".into(), "abc".into()],
            ],
        };
        let t = Table::from_sheet(sheet, &["code", "employment, 2024"], "t").unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].0, 3);
        let c = t.col("Employment").unwrap();
        assert_eq!(number(&t, 3, &t.rows[0].1, c).unwrap(), None);
        let err = number(&t, 4, &t.rows[1].1, c).unwrap_err();
        assert!(err.0.contains("row 4"), "{err}");
    }
}

//! Spreadsheet imports: an `.xlsx` workbook or a zip of CSV files, one sheet (or file) per
//! kind of record, read into an [`Incoming`] plus the [`Origins`] that let every later problem
//! name its sheet, row and column; and the empty template a user fills in.
//!
//! The format (documented in `docs/import-format.md`): the first row holds the JSON field
//! names of the record (nested fields dotted, `codes.cip`; any other field as a JSON cell);
//! rows whose first cell starts with `#` are comments (the template's second row explains each
//! column); list cells are separated by `;`; requirement cells are written `2 of: a; b; c`,
//! `all of: a; b`, `12 credits from: x; y` or a plain list (all of it), groups separated by
//! `|`; a credential's `level` is a number or a name of the one scale
//! ([`CredentialLevel`]). The `occupation_links` sheet adds links to occupations (usually pulled ones) without
//! touching their other fields. All problems are collected, none stops the reading.
//!
//! Pure: bytes in, records and problems out. The sheets are one table ([`SHEETS`]); adding a
//! kind is one entry there.

use super::table::{Sheet, Workbook, read_delimited};
use crate::domain::changes::{Origin, Partial, key_field, quoted_field};
use crate::domain::{
    ArticulationKind, Bundle, CredentialKind, CredentialLevel, Incoming, Origins, Place, Problem, ProblemCode,
    RecordKind, System,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// The two spreadsheet containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An Office Open XML workbook.
    Xlsx,
    /// A zip of `<sheet>.csv` files.
    CsvZip,
}

impl Format {
    /// Tells a workbook from a zip of CSV files by content (both are zips).
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if !bytes.starts_with(b"PK\x03\x04") {
            return None;
        }
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        let is_xlsx = zip
            .file_names()
            .filter_map(Result::ok)
            .any(|n| n == "xl/workbook.xml" || n == "[Content_Types].xml");
        Some(if is_xlsx { Format::Xlsx } else { Format::CsvZip })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => XLSX_TYPE,
            Format::CsvZip => "application/zip",
        }
    }
}

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How a column's cells are read.
#[derive(Clone, Copy)]
pub enum CellKind {
    Text,
    Number,
    Integer,
    /// `a; b; c`
    List,
    /// `2 of: a; b; c | 12 credits from: x; y`
    Requirement,
    /// One of an enum's values, checked by the record type itself.
    Enum(fn(&str) -> Result<(), String>),
    /// A credential level: a number or a name of the one scale ([`CredentialLevel`]).
    Level,
}

/// One column of a sheet.
pub struct Column {
    pub name: &'static str,
    pub cell: CellKind,
    pub help: &'static str,
}

/// One sheet of the workbook: which records its rows are.
pub struct SheetSpec {
    pub name: &'static str,
    pub kind: RecordKind,
    /// Rows change only the fields they give on an existing record (or add a new one).
    pub links: bool,
    pub columns: &'static [Column],
}

fn enum_value<T: DeserializeOwned>(s: &str) -> Result<(), String> {
    serde_json::from_value::<T>(Value::String(s.to_owned()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

const fn col(name: &'static str, cell: CellKind, help: &'static str) -> Column {
    Column { name, cell, help }
}

use CellKind::*;

/// Every sheet, in template order.
pub const SHEETS: &[SheetSpec] = &[
    SheetSpec {
        name: "competencies",
        kind: RecordKind::Competency,
        links: false,
        columns: &[
            col("id", Text, "# Unique competency id, e.g. hc.t4.safety"),
            col("name", Text, "Competency name"),
            col(
                "tier",
                Integer,
                "DOL competency-model tier 1-9 (1 personal effectiveness ... 9 management)",
            ),
            col("framework", Text, "Framework it belongs to (optional)"),
            col("parent", Text, "Parent competency id (optional)"),
            col("description", Text, "Longer description (optional)"),
            col("element_id", Text, "Upstream code, e.g. an O*NET element id (optional)"),
        ],
    },
    SheetSpec {
        name: "courses",
        kind: RecordKind::Course,
        links: false,
        columns: &[
            col("id", Text, "# Unique course id (shared namespace with credentials)"),
            col("title", Text, "Course title"),
            col(
                "system",
                Enum(enum_value::<System>),
                "secondary | adult | postsecondary | work_based",
            ),
            col("provider", Text, "Who offers it (optional)"),
            col("hours", Number, "Contact or seat hours"),
            col("credits", Number, "Credits (optional, default 0)"),
            col("competencies", List, "Competency ids taught, separated by ;"),
            col(
                "prerequisites",
                Requirement,
                "Groups separated by |, each `2 of: a; b; c`, `all of: a; b`, `12 credits from: x; y` or a plain list",
            ),
            col("codes.sced", Text, "SCED course code (optional)"),
            col("codes.cip", Text, "CIP 2020 code NN.NNNN (optional)"),
            col("codes.local", Text, "Provider's course number (optional)"),
            col("cost", Number, "Cost to the learner in dollars (optional)"),
            col(
                "parts",
                List,
                "Course ids this program is made of, separated by ; (optional)",
            ),
            col(
                "aliases",
                List,
                "Other names people use for it, lay titles and abbreviations, separated by ; (optional)",
            ),
            col("i18n.es.title", Text, "Spanish title (optional)"),
        ],
    },
    SheetSpec {
        name: "assessments",
        kind: RecordKind::Assessment,
        links: false,
        columns: &[
            col(
                "id",
                Text,
                "# Unique assessment id (shared namespace with courses and credentials), e.g. ex.nclex-pn",
            ),
            col("title", Text, "Assessment title, e.g. NCLEX-PN or AP Biology"),
            col("hours", Number, "Seat time in hours (optional, default 0)"),
            col("cost", Number, "Fee to the learner in dollars (optional)"),
            col(
                "competencies",
                List,
                "Competency ids a pass demonstrates, separated by ; (optional)",
            ),
            col("provider", Text, "Who gives it, e.g. NCSBN or College Board (optional)"),
            col(
                "max_score",
                Number,
                "Highest score, e.g. 5 for AP or 80 for CLEP (optional; leave empty for pass/fail)",
            ),
            col(
                "prerequisites",
                Requirement,
                "What must be done before sitting it; groups separated by |, each `2 of: a; b; c`, `all of: a; b`, `12 credits from: x; y` or a plain list (optional)",
            ),
            col("source", Text, "Where the fee or rule is published (optional)"),
        ],
    },
    SheetSpec {
        name: "credentials",
        kind: RecordKind::Credential,
        links: false,
        columns: &[
            col("id", Text, "# Unique credential id (shared namespace with courses)"),
            col("title", Text, "Credential title"),
            col(
                "kind",
                Enum(enum_value::<CredentialKind>),
                "diploma | hse | industry_certification | license | certificate | associate | bachelor | master | doctorate | apprenticeship | badge | other",
            ),
            col(
                "level",
                Level,
                "Level on the stack, a number or its name: 1 entry | 2 intermediate | 3 advanced | 4 associate | 5 bachelor | 6 master | 7 doctorate",
            ),
            col(
                "requires",
                Requirement,
                "Groups separated by |, each `2 of: a; b; c`, `all of: a; b`, `12 credits from: x; y` or a plain list",
            ),
            col(
                "competencies",
                List,
                "Competency ids certified, separated by ; (optional)",
            ),
            col("stacks_into", List, "Higher credential ids, separated by ; (optional)"),
            col("codes.cip", Text, "CIP 2020 code NN.NNNN (optional)"),
            col("codes.local", Text, "Local code (optional)"),
            col("ctid", Text, "Credential Engine CTID (optional)"),
            col("provider", Text, "Awarding body (optional)"),
            col(
                "aliases",
                List,
                "Other names people use for it, lay titles and abbreviations, separated by ; (optional)",
            ),
            col("i18n.es.title", Text, "Spanish title (optional)"),
        ],
    },
    SheetSpec {
        name: "occupation_links",
        kind: RecordKind::Occupation,
        links: true,
        columns: &[
            col(
                "soc",
                Text,
                "# SOC 2018 code, e.g. 29-1141; pulled occupations keep their other fields",
            ),
            col(
                "title",
                Text,
                "Occupation title (needed only for an occupation not yet in the catalog)",
            ),
            col(
                "entry_credentials",
                List,
                "Credential ids that qualify for the occupation, separated by ; (replace the list)",
            ),
            col(
                "competencies",
                List,
                "Competency ids, separated by ; (optional; replace the list)",
            ),
            col(
                "aliases",
                List,
                "Other names people use for it, lay titles and abbreviations, separated by ; (optional)",
            ),
            col("i18n.es.title", Text, "Spanish title (optional)"),
        ],
    },
    SheetSpec {
        name: "articulations",
        kind: RecordKind::Articulation,
        links: false,
        columns: &[
            col("id", Text, "# Unique articulation id"),
            col(
                "from",
                Text,
                "Course, credential or assessment id that earns the credit",
            ),
            col("to", Text, "Course id credit is granted toward"),
            col("credits", Number, "Credits granted"),
            col(
                "kind",
                Enum(enum_value::<ArticulationKind>),
                "dual_enrollment | statewide_agreement | credit_by_exam | prior_learning | co_enrollment",
            ),
            col("source", Text, "The agreement it comes from (optional)"),
            col("start_date", Text, "YYYY-MM-DD (optional)"),
            col("end_date", Text, "YYYY-MM-DD (optional)"),
            col(
                "min_score",
                Number,
                "For an assessment: the lowest score that earns the credit, e.g. 3 for AP (optional; applies only to a score the learner holds)",
            ),
        ],
    },
];

fn spec(name: &str) -> Option<&'static SheetSpec> {
    SHEETS.iter().find(|s| s.name.eq_ignore_ascii_case(name.trim()))
}

fn sheet_problem(sheet: &str, row: usize, column: Option<&str>, kind: RecordKind, message: String) -> Problem {
    let mut p = Problem::bundle(message);
    p.record_kind = kind;
    p.field = column.unwrap_or("sheet").to_owned();
    p.place = Some(Place {
        sheet: sheet.to_owned(),
        row,
        column: column.map(str::to_owned),
    });
    p
}

/// Reads the sheets of `bytes`. With `patch`, every row changes only the fields it gives;
/// otherwise rows are whole records (merged by id) and `occupation_links` rows are patches.
pub fn read(bytes: &[u8], format: Format, patch: bool) -> Result<(Incoming, Origins), Vec<Problem>> {
    let sheets = match format {
        Format::Xlsx => read_xlsx(bytes)?,
        Format::CsvZip => read_csv_zip(bytes)?,
    };
    let mut incoming = Incoming::default();
    let mut origins = Origins::default();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for sheet in sheets {
        let Some(spec) = spec(&sheet.name) else {
            problems.push(sheet_problem(
                &sheet.name,
                1,
                None,
                RecordKind::Bundle,
                format!(
                    "unknown sheet `{}`; the sheets are {}",
                    sheet.name,
                    SHEETS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        };
        if !seen.insert(spec.name) {
            problems.push(sheet_problem(
                &sheet.name,
                1,
                None,
                spec.kind,
                format!("sheet `{}` is given twice", spec.name),
            ));
            continue;
        }
        read_sheet(
            spec,
            &sheet,
            patch || spec.links,
            &mut incoming,
            &mut origins,
            &mut problems,
        );
    }
    if problems.is_empty() {
        Ok((incoming, origins))
    } else {
        Err(problems)
    }
}

fn is_comment(row: &[String]) -> bool {
    row.iter()
        .find(|c| !c.trim().is_empty())
        .is_some_and(|c| c.trim_start().starts_with('#'))
}

fn is_blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

fn read_sheet(
    spec: &SheetSpec,
    sheet: &Sheet,
    partial: bool,
    incoming: &mut Incoming,
    origins: &mut Origins,
    problems: &mut Vec<Problem>,
) {
    let name = sheet.name.as_str();
    let mut rows = sheet
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (sheet.first_row + i, r))
        .filter(|(_, r)| !is_blank(r));
    let Some((header_row, header)) = rows.next() else {
        return;
    };
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let key = key_field(spec.kind);
    let mut bad_header = false;
    let mut names = HashSet::new();
    for h in headers.iter().filter(|h| !h.is_empty()) {
        if !names.insert(h.as_str()) {
            problems.push(sheet_problem(
                name,
                header_row,
                Some(h),
                spec.kind,
                format!("column `{h}` appears twice"),
            ));
            bad_header = true;
        }
    }
    if !names.contains(key) {
        problems.push(sheet_problem(
            name,
            header_row,
            None,
            spec.kind,
            format!("the header row has no `{key}` column; the first row must name the fields (see the template)"),
        ));
        bad_header = true;
    }
    if bad_header {
        return;
    }
    let mut index = 0;
    let mut ids = HashSet::new();
    for (row_no, row) in rows.filter(|(_, r)| !is_comment(r)) {
        let at = |column: &str| Place {
            sheet: name.to_owned(),
            row: row_no,
            column: Some(column.to_owned()),
        };
        let id = headers
            .iter()
            .position(|h| h == key)
            .and_then(|i| row.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        let mut fields = Map::new();
        let mut columns = BTreeMap::new();
        let mut row_problems = Vec::new();
        for (c, header) in headers.iter().enumerate() {
            let text = row.get(c).map(|s| s.trim()).unwrap_or("");
            if header.is_empty() {
                if !text.is_empty() {
                    let mut p = Problem::at(
                        spec.kind,
                        index,
                        Some(&id),
                        format!("column {}", c + 1),
                        ProblemCode::Malformed,
                        format!("a value `{text}` under a column with no header"),
                    );
                    p.place = Some(at(&format!("#{}", c + 1)));
                    row_problems.push(p);
                }
                continue;
            }
            if text.is_empty() {
                continue;
            }
            let cell = spec.columns.iter().find(|k| k.name == header).map_or(Text, |k| k.cell);
            let known = spec.columns.iter().any(|k| k.name == header);
            let value = if text == "null" {
                if !partial {
                    continue;
                }
                Ok(Value::Null)
            } else {
                cell_value(cell, text, known)
            };
            match value {
                Ok(v) => {
                    columns.insert(header.split('.').next().unwrap_or(header).to_owned(), header.clone());
                    insert_dotted(&mut fields, header, v);
                }
                Err((code, msg)) => {
                    let mut p = Problem::at(
                        spec.kind,
                        index,
                        Some(&id).filter(|s| !s.is_empty()).map(|s| s.as_str()),
                        header.clone(),
                        code,
                        msg,
                    );
                    p.place = Some(at(header));
                    row_problems.push(p);
                }
            }
        }
        if id.is_empty() {
            let mut p = Problem::at(
                spec.kind,
                index,
                None,
                key.into(),
                ProblemCode::EmptyField,
                format!("`{key}` must not be empty"),
            );
            p.place = Some(at(key));
            row_problems.push(p);
        } else if !ids.insert(id.clone()) {
            let mut p = Problem::at(
                spec.kind,
                index,
                Some(&id),
                key.into(),
                ProblemCode::DuplicateId,
                format!("`{id}` is on an earlier row of this sheet too"),
            );
            p.place = Some(at(key));
            row_problems.push(p);
        }
        if !row_problems.is_empty() {
            problems.extend(row_problems);
            index += 1;
            continue;
        }
        let origin = Origin {
            index,
            place: Some(Place {
                sheet: name.to_owned(),
                row: row_no,
                column: None,
            }),
            columns: columns.clone(),
        };
        if partial {
            origins.insert(spec.kind, &id, origin);
            incoming.partial.push(Partial {
                kind: spec.kind,
                key: id,
                fields,
            });
        } else if let Err(msg) = push_whole(&mut incoming.whole, spec.kind, fields) {
            let field = quoted_field(&msg).unwrap_or_else(|| key.to_owned());
            let mut p = Problem::at(spec.kind, index, Some(&id), field.clone(), ProblemCode::Malformed, msg);
            p.place = Some(Place {
                column: Some(columns.get(&field).cloned().unwrap_or(field)),
                ..at(key)
            });
            problems.push(p);
        } else {
            origins.insert(spec.kind, &id, origin);
        }
        index += 1;
    }
}

fn push_whole(b: &mut Bundle, kind: RecordKind, fields: Map<String, Value>) -> Result<(), String> {
    fn de<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, String> {
        serde_json::from_value(Value::Object(fields)).map_err(|e| e.to_string())
    }
    match kind {
        RecordKind::Competency => b.competencies.push(de(fields)?),
        RecordKind::Course => b.courses.push(de(fields)?),
        RecordKind::Credential => b.credentials.push(de(fields)?),
        RecordKind::Occupation => b.occupations.push(de(fields)?),
        RecordKind::Articulation => b.articulations.push(de(fields)?),
        RecordKind::Pathway => b.pathways.push(de(fields)?),
        RecordKind::Assessment => b.assessments.push(de(fields)?),
        RecordKind::Funding => b.funding.push(de(fields)?),
        RecordKind::Bundle => {}
    }
    Ok(())
}

/// Puts `v` at the dotted path `name` (`codes.cip` -> `{"codes": {"cip": v}}`).
fn insert_dotted(fields: &mut Map<String, Value>, name: &str, v: Value) {
    match name.split_once('.') {
        None => {
            fields.insert(name.to_owned(), v);
        }
        Some((head, rest)) => {
            let slot = fields
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = slot {
                insert_dotted(inner, rest, v);
            }
        }
    }
}

fn list(text: &str) -> Vec<Value> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_owned()))
        .collect()
}

type CellError = (ProblemCode, String);

fn cell_value(cell: CellKind, text: &str, known: bool) -> Result<Value, CellError> {
    let number = |t: &str| -> Result<f64, CellError> {
        t.replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or((ProblemCode::InvalidNumber, format!("`{t}` is not a number")))
    };
    Ok(match cell {
        Text if !known && (text.starts_with('{') || text.starts_with('[')) => serde_json::from_str(text)
            .map_err(|e| (ProblemCode::Malformed, format!("the JSON cell does not parse: {e}")))?,
        Text => Value::String(text.to_owned()),
        Number => serde_json::json!(number(text)?),
        Integer => {
            let n = number(text)?;
            if n.fract() != 0.0 || n < 0.0 {
                return Err((ProblemCode::InvalidNumber, format!("`{text}` is not a whole number")));
            }
            serde_json::json!(n as u64)
        }
        List => Value::Array(list(text)),
        Requirement => requirement(text)?,
        Enum(check) => {
            check(text).map_err(|e| (ProblemCode::Malformed, e))?;
            Value::String(text.to_owned())
        }
        Level => {
            // A number typed into a spreadsheet may read as `4.0`.
            let whole = number(text).ok().filter(|n| n.fract() == 0.0 && *n >= 0.0);
            match whole {
                Some(n) => serde_json::json!(n as u64),
                None => serde_json::json!(CredentialLevel::read(text).map_err(|e| (ProblemCode::Malformed, e))?),
            }
        }
    })
}

/// Parses the requirement syntax into the JSON groups of the bundle.
pub fn requirement(text: &str) -> Result<Value, CellError> {
    let mut groups = Vec::new();
    for (g, part) in text.split('|').enumerate() {
        let part = part.trim();
        let bad = |why: &str| {
            (
                ProblemCode::Malformed,
                format!(
                    "group {} `{part}` {why}; write `2 of: a; b; c`, `all of: a; b`, `12 credits from: x; y` or a list `a; b`",
                    g + 1
                ),
            )
        };
        let (head, items) = match part.split_once(':') {
            Some((h, rest)) => (h.trim().to_lowercase(), list(rest)),
            None => ("all of".to_owned(), list(part)),
        };
        if items.is_empty() {
            return Err(bad("lists nothing"));
        }
        let words: Vec<&str> = head.split_whitespace().collect();
        let group = match words.as_slice() {
            ["all", "of"] => serde_json::json!({"choose": items.len(), "from": items}),
            ["any", "of"] | ["one", "of"] => serde_json::json!({"choose": 1, "from": items}),
            [n, "of"] => {
                let n: u32 = n.parse().map_err(|_| bad("does not start with a number"))?;
                serde_json::json!({"choose": n, "from": items})
            }
            [x, "credits" | "credit", "from"] => {
                let x: f64 = x.parse().map_err(|_| bad("does not start with a number of credits"))?;
                serde_json::json!({"min_credits": x, "from": items})
            }
            _ => return Err(bad("is not understood")),
        };
        groups.push(group);
    }
    Ok(Value::Array(groups))
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, Vec<Problem>> {
    let whole = |m: String| vec![Problem::bundle(m)];
    let mut wb = Workbook::open(bytes.to_vec(), "the workbook").map_err(|e| whole(e.0))?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        out.push(wb.sheet(&name).map_err(|e| whole(e.0))?);
    }
    Ok(out)
}

fn read_csv_zip(bytes: &[u8]) -> Result<Vec<Sheet>, Vec<Problem>> {
    use std::io::Read;
    let whole = |m: String| vec![Problem::bundle(m)];
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| whole(format!("the body is not a readable zip: {e}")))?;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| whole(format!("the zip is damaged: {e}")))?;
        let path = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let file = path.rsplit('/').next().unwrap_or(&path).to_owned();
        if entry.is_dir() || path.starts_with("__MACOSX") || file.starts_with('.') {
            continue;
        }
        let Some(stem) = file.strip_suffix(".csv").or_else(|| file.strip_suffix(".CSV")) else {
            return Err(whole(format!(
                "`{path}` is not a .csv file; the zip holds one <sheet>.csv per sheet"
            )));
        };
        let mut data = Vec::with_capacity(entry.size().min(1 << 26) as usize);
        entry
            .read_to_end(&mut data)
            .map_err(|e| whole(format!("`{path}` cannot be read from the zip: {e}")))?;
        let (mut sheet, _) = read_delimited(&data, b',', &file).map_err(|e| whole(e.0))?;
        sheet.name = stem.to_owned();
        out.push(sheet);
    }
    Ok(out)
}

/// The empty template: every sheet with its header row and a `#` comment row explaining each
/// column.
pub fn template(format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Xlsx => template_xlsx().map_err(|e| e.to_string()),
        Format::CsvZip => template_csv_zip().map_err(|e| e.to_string()),
    }
}

fn template_xlsx() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as Style, Workbook as XlsxWorkbook};
    let mut wb = XlsxWorkbook::new();
    let bold = Style::new().set_bold();
    let note = Style::new().set_italic().set_text_wrap();
    for spec in SHEETS {
        let ws = wb.add_worksheet();
        ws.set_name(spec.name)?;
        for (c, column) in spec.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, column.name, &bold)?;
            ws.write_string_with_format(1, c, column.help, &note)?;
            ws.set_column_width(c, 24)?;
        }
        ws.set_freeze_panes(2, 0)?;
    }
    wb.save_to_buffer()
}

fn template_csv_zip() -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for spec in SHEETS {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(spec.columns.iter().map(|c| c.name))?;
        w.write_record(spec.columns.iter().map(|c| c.help))?;
        zip.start_file(format!("{}.csv", spec.name), options)?;
        zip.write_all(&w.into_inner().map_err(|e| e.to_string())?)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_syntax() {
        let v = requirement("2 of: a; b; c | 12 credits from: x; y | d").unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"choose": 2, "from": ["a", "b", "c"]},
                {"min_credits": 12.0, "from": ["x", "y"]},
                {"choose": 1, "from": ["d"]}
            ])
        );
        assert!(requirement("two of: a").is_err());
        assert!(requirement("2 of:").is_err());
        assert!(requirement("some of: a").is_err());
    }

    fn csv_zip(name: &str, text: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn dotted_headers_json_cells_comments_and_nulls() {
        let text = "id,title,system,hours,codes.cip,provenance,competencies\n\
                    # comment row,,,,,,\n\
                    c1,One,adult,\"1,200\",51.3902,\"{\"\"source\"\": \"\"state\"\"}\",a; b ;\n\
                    ,,,,,,\n";
        let (incoming, origins) = read(&csv_zip("courses.csv", text), Format::CsvZip, false).unwrap();
        let c = &incoming.whole.courses[0];
        assert_eq!(c.hours, 1200.0);
        assert_eq!(c.codes.cip.as_deref(), Some("51.3902"));
        assert_eq!(c.provenance.as_ref().unwrap().source, "state");
        assert_eq!(c.competencies.len(), 2);
        assert_eq!(incoming.whole.courses.len(), 1, "comment and blank rows skipped");
        // A problem found later names the cell of the dotted column.
        let mut p = Problem::at(
            RecordKind::Course,
            0,
            Some("c1"),
            "codes.cip".into(),
            ProblemCode::Malformed,
            "x".into(),
        );
        p = origins.relocate(vec![p]).remove(0);
        assert_eq!(
            p.place.unwrap(),
            Place {
                sheet: "courses".into(),
                row: 3,
                column: Some("codes.cip".into())
            }
        );

        // Under patch, `null` clears and empty cells are not given.
        let (incoming, _) = read(
            &csv_zip("courses.csv", "id,title,cost\nc1,,null\n"),
            Format::CsvZip,
            true,
        )
        .unwrap();
        let fields = &incoming.partial[0].fields;
        assert_eq!(fields.len(), 2, "{fields:?}");
        assert!(fields["cost"].is_null());
    }

    #[test]
    fn templates_read_back_as_empty_imports() {
        for f in [Format::Xlsx, Format::CsvZip] {
            let bytes = template(f).unwrap();
            assert_eq!(Format::sniff(&bytes), Some(f));
            let (incoming, _) = read(&bytes, f, false).unwrap();
            assert_eq!(incoming, Incoming::default(), "{f:?}");
        }
    }
}

//! What is wrong with a bundle: [`Problem`]s with their stable codes and places, the cap on how
//! many one answer lists, and the clipping of echoed values.

use super::RecordKind;
use serde::Serialize;
use std::fmt;

/// What is wrong with a record, as a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    Malformed,
    DuplicateId,
    UnknownReference,
    Cycle,
    ChooseOutOfRange,
    UnreachableCredits,
    InvalidNumber,
    InvalidSocCode,
    SelfArticulation,
    InvalidTier,
    EmptyField,
    /// The summary that ends a list cut at [`MAX_PROBLEMS`]; its `index` is how many more.
    TooManyProblems,
}

/// One problem found in a bundle, naming the record and the field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The kind of record (`bundle` for the document as a whole).
    pub record_kind: RecordKind,
    /// The record's position in its list, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The record's id (SOC code for occupations), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The offending field, e.g. `prerequisites[0].from[1]`.
    pub field: String,
    pub code: ProblemCode,
    pub message: String,
    /// For spreadsheet imports: the sheet (or CSV file), row and column the problem is in.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
}

/// A place in a spreadsheet: sheet (or CSV file name), 1-based row as a spreadsheet shows
/// it, and the column header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub sheet: String,
    pub row: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Problem {
    /// A problem with the document as a whole.
    pub fn bundle(message: String) -> Problem {
        bundle_problem(message)
    }

    /// A problem with one record.
    pub fn at(
        kind: RecordKind,
        index: usize,
        id: Option<&str>,
        field: String,
        code: ProblemCode,
        message: String,
    ) -> Problem {
        Problem {
            record_kind: kind,
            index: Some(index),
            id: id.map(str::to_owned),
            field,
            code,
            message,
            place: None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.place {
            write!(f, "sheet `{}` row {}", p.sheet, p.row)?;
            if let Some(c) = &p.column {
                write!(f, " column `{c}`")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.record_kind.as_str())?;
        if let Some(id) = &self.id {
            write!(f, " `{id}`")?;
        } else if let Some(i) = self.index {
            write!(f, " #{i}")?;
        }
        write!(f, ", {}: {}", self.field, self.message)
    }
}

/// At most this many problems are listed for one request; past it they are only counted
/// (the last listed problem is a `too_many_problems` summary whose `index` is the number of
/// problems left out). Keeps a hostile body from turning into a huge answer.
pub const MAX_PROBLEMS: usize = 100;

/// A problem list bounded to [`MAX_PROBLEMS`] (plus the summary), every echoed text clipped.
/// Idempotent: a list that already ends with the summary keeps its total.
pub fn cap_problems(problems: &[Problem]) -> Vec<Problem> {
    let total = problems_total(problems);
    let mut out: Vec<Problem> = problems
        .iter()
        .filter(|p| p.code != ProblemCode::TooManyProblems)
        .take(MAX_PROBLEMS)
        .cloned()
        .collect();
    if total > out.len() {
        out.push(summary_problem(total));
    }
    for p in &mut out {
        clip_problem(p);
    }
    out
}

/// Longest id, field or message text echoed back in a problem, in characters.
pub const MAX_ECHO: usize = 200;

/// `s` cut to [`MAX_ECHO`] characters (with an ellipsis when cut).
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn clip_problem(p: &mut Problem) {
    if let Some(id) = &p.id
        && id.chars().count() > MAX_ECHO
    {
        p.id = Some(clip(id));
    }
    if p.field.chars().count() > MAX_ECHO {
        p.field = clip(&p.field);
    }
    // Messages quote values; allow a little more than one echoed value.
    if p.message.chars().count() > 2 * MAX_ECHO {
        p.message = match p.message.char_indices().nth(2 * MAX_ECHO) {
            Some((i, _)) => format!("{}…", &p.message[..i]),
            None => p.message.clone(),
        };
    }
}

fn summary_problem(total: usize) -> Problem {
    Problem {
        record_kind: RecordKind::Bundle,
        index: Some(total - MAX_PROBLEMS),
        id: None,
        field: String::new(),
        code: ProblemCode::TooManyProblems,
        message: format!("{total} problems in all; only the first {MAX_PROBLEMS} are listed"),
        place: None,
    }
}

/// The number of problems a capped list stands for.
pub fn problems_total(problems: &[Problem]) -> usize {
    match problems.last() {
        Some(p) if p.code == ProblemCode::TooManyProblems => problems.len() - 1 + p.index.unwrap_or(0),
        _ => problems.len(),
    }
}

/// Collects at most [`MAX_PROBLEMS`] problems and counts the rest.
pub(super) struct Sink {
    pub(super) problems: Vec<Problem>,
    pub(super) total: usize,
}

impl Sink {
    pub(super) fn push(&mut self, p: Problem) {
        self.total += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        }
    }

    pub(super) fn finish(mut self) -> Vec<Problem> {
        if self.total > self.problems.len() {
            self.problems.push(summary_problem(self.total));
        }
        for p in &mut self.problems {
            clip_problem(p);
        }
        self.problems
    }
}

pub(super) fn bundle_problem(message: String) -> Problem {
    Problem {
        record_kind: RecordKind::Bundle,
        index: None,
        id: None,
        field: "body".into(),
        code: ProblemCode::Malformed,
        message,
        place: None,
    }
}

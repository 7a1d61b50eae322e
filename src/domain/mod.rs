//! Plain domain types: ids, catalog records, requirement logic, and the import [`Bundle`] with
//! its validation. No I/O happens here.

pub mod bundle;
pub mod entry;
pub mod ids;
pub mod pathway;
pub mod records;
pub mod requirement;

pub use bundle::{Bundle, Counts, Problem, ProblemCode, RecordKind};
pub use entry::{EligibilityRule, EntryPoint, TermDefaults};
pub use ids::*;
pub use pathway::*;
pub use records::*;
pub use requirement::{RawGroup, RequirementGroup};

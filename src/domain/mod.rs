//! Plain domain types: ids, catalog records, requirement logic, and the import [`Bundle`] with
//! its validation. No I/O happens here.

pub mod bundle;
pub mod changes;
pub mod ids;
pub mod pathway;
pub mod records;
pub mod requirement;

pub use bundle::{Bundle, Counts, Place, Problem, ProblemCode, RecordKind};
pub use changes::{Diff, Incoming, Origins, Warning};
pub use ids::*;
pub use pathway::*;
pub use records::*;
pub use requirement::{RawGroup, RequirementGroup};

//! Plain domain types: ids, catalog records, requirement logic, and the import [`Bundle`] with
//! its validation. No I/O happens here.

pub mod bundle;
pub mod changes;
pub mod entry;
pub mod ids;
pub mod import_mode;
pub mod level;
pub mod pathway;
pub mod pull;
pub mod records;
pub mod region;
pub mod requirement;

pub use bundle::{
    Bundle, Counts, MAX_ECHO, MAX_PROBLEMS, Place, Problem, ProblemCode, RecordKind, cap_problems, clip, problems_total,
};
pub use changes::{Diff, Incoming, Origins, Warning as ChangeWarning};
pub use entry::{EligibilityRule, EntryPoint, TermDefaults};
pub use ids::*;
pub use import_mode::ImportMode;
pub use level::{CredentialLevel, LevelValue};
pub use pathway::*;
pub use pull::{JobState, Progress, PullOptions, SourceKind, Validators, Warning};
pub use records::*;
pub use requirement::{RawGroup, RequirementGroup};

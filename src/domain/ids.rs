//! Identifier and code newtypes.
//!
//! Record ids are opaque strings chosen by the publisher of a catalog; they get a distinct type
//! per kind so a course id cannot be passed where a credential id is expected. Codes with a
//! published format (SOC) are parsed once, at the edge, by [`SocCode::parse`].

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as written in the catalog.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A competency id (a CASE item GUID where one exists).
    CompetencyId
);
string_id!(
    /// A course (learning unit) id.
    CourseId
);
string_id!(
    /// A credential id (a CTID where one exists).
    CredentialId
);
string_id!(
    /// An articulation agreement id.
    ArticulationId
);
string_id!(
    /// An assessment (exam) id.
    AssessmentId
);
string_id!(
    /// A funding source id.
    FundingId
);
string_id!(
    /// A reference to a course, a credential or an assessment: requirement groups and articulations may name
    /// any of them, so course, credential and assessment ids share one namespace.
    ItemId
);
string_id!(
    /// A Standard Occupational Classification code, `NN-NNNN` (SOC 2018) or `NN-NNNN.NN`
    /// (O*NET-SOC 2019). Use [`SocCode::parse`] to check the format.
    SocCode
);

impl SocCode {
    /// Parses `NN-NNNN` or `NN-NNNN.NN` (digits only).
    pub fn parse(s: &str) -> Result<SocCode, String> {
        if Self::is_well_formed(s) {
            Ok(SocCode(s.to_owned()))
        } else {
            Err(format!(
                "`{s}` is not a SOC code: expected NN-NNNN (SOC 2018) or NN-NNNN.NN (O*NET-SOC)"
            ))
        }
    }

    /// True when `s` has the shape `NN-NNNN` or `NN-NNNN.NN`.
    pub fn is_well_formed(s: &str) -> bool {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        match b.len() {
            7 => digits(0..2) && b[2] == b'-' && digits(3..7),
            10 => digits(0..2) && b[2] == b'-' && digits(3..7) && b[7] == b'.' && digits(8..10),
            _ => false,
        }
    }

    /// The SOC 2018 detailed code (`NN-NNNN`) this code rolls up to.
    pub fn detailed(&self) -> &str {
        &self.0[..self.0.len().min(7)]
    }

    /// The SOC major group (`NN-0000`).
    pub fn major_group(&self) -> String {
        format!("{}-0000", &self.0[..self.0.len().min(2)])
    }
}

/// Normalises a CIP code cell (`51.3801`, `="51.3801"`, `1.0101` from a number) to `NN.NNNN`.
pub fn cip_code(cell: &str) -> Option<String> {
    let s = cell.trim().trim_start_matches('=').trim_matches('"').trim();
    let (a, b) = s.split_once('.')?;
    if a.is_empty() || a.len() > 2 || b.is_empty() || b.len() > 4 {
        return None;
    }
    if !a.bytes().all(|c| c.is_ascii_digit()) || !b.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{a:0>2}.{b:0<4}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soc_codes_parse_by_shape() {
        for ok in ["29-1141", "29-1141.01", "00-0000"] {
            assert!(SocCode::parse(ok).is_ok(), "{ok} should parse");
        }
        for bad in ["291141", "29-114", "29-1141.1", "ab-1141", "29-1141.01x", "", "29_1141"] {
            assert!(SocCode::parse(bad).is_err(), "{bad} should not parse");
        }
        let code = SocCode::parse("29-1141.01").unwrap();
        assert_eq!(code.detailed(), "29-1141");
        assert_eq!(code.major_group(), "29-0000");
    }
}

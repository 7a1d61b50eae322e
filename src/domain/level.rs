//! The one credential-level scale: a credential's `level` is its position on the stack, a
//! number from 1 (entry) to 7 (doctorate), and every way a credential comes in uses the same
//! numbers. JSON bundles and spreadsheets may give the number or its name; a CTDL pull sets
//! the default of the credential's kind ([`CredentialLevel::of_kind`]); the seed's numbers
//! follow the scale.
//!
//! | level | name | what sits there |
//! |---|---|---|
//! | 1 | `entry` | a diploma or high-school equivalency, an entry certification or licence (OSHA 10, nurse aide), a badge |
//! | 2 | `intermediate` | a second-step certification or licence, a short certificate (CompTIA A+, EMT, pharmacy technician) |
//! | 3 | `advanced` | a one-year postsecondary certificate, an advanced certification (Security+), a completed apprenticeship, a practical-nurse licence |
//! | 4 | `associate` | an associate degree, or a licence earned with one (registered nurse) |
//! | 5 | `bachelor` | a bachelor's degree |
//! | 6 | `master` | a master's degree |
//! | 7 | `doctorate` | a doctorate |

use super::records::CredentialKind;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// A named level of the one credential-level scale: `entry` 1, `intermediate` 2, `advanced` 3,
/// `associate` 4, `bachelor` 5, `master` 6, `doctorate` 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialLevel {
    /// 1: a diploma or equivalency, an entry certification or licence, a badge.
    Entry = 1,
    /// 2: a second-step certification or licence, a short certificate.
    Intermediate = 2,
    /// 3: a one-year certificate, an advanced certification, a completed apprenticeship.
    Advanced = 3,
    /// 4: an associate degree.
    Associate = 4,
    /// 5: a bachelor's degree.
    Bachelor = 5,
    /// 6: a master's degree.
    Master = 6,
    /// 7: a doctorate.
    Doctorate = 7,
}

impl CredentialLevel {
    pub const ALL: [CredentialLevel; 7] = [
        CredentialLevel::Entry,
        CredentialLevel::Intermediate,
        CredentialLevel::Advanced,
        CredentialLevel::Associate,
        CredentialLevel::Bachelor,
        CredentialLevel::Master,
        CredentialLevel::Doctorate,
    ];

    /// The level's number, the value of a credential's `level`.
    pub fn number(self) -> u32 {
        self as u32
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialLevel::Entry => "entry",
            CredentialLevel::Intermediate => "intermediate",
            CredentialLevel::Advanced => "advanced",
            CredentialLevel::Associate => "associate",
            CredentialLevel::Bachelor => "bachelor",
            CredentialLevel::Master => "master",
            CredentialLevel::Doctorate => "doctorate",
        }
    }

    /// The level of a name (case and surrounding space ignored).
    pub fn parse(name: &str) -> Option<CredentialLevel> {
        let name = name.trim();
        Self::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(name))
    }

    /// The named level of a number on the scale.
    pub fn from_number(n: u32) -> Option<CredentialLevel> {
        Self::ALL.into_iter().find(|l| l.number() == n)
    }

    /// The level a credential of `kind` takes when its source states no position on a stack
    /// (a CTDL credential class, a pathway component): degrees at their own level, a diploma,
    /// an equivalency and a badge at `entry`, certifications, licences and other credentials
    /// at `intermediate`, certificates and apprenticeships at `advanced`.
    pub fn of_kind(kind: CredentialKind) -> CredentialLevel {
        use CredentialKind as K;
        match kind {
            K::Diploma | K::Hse | K::Badge => CredentialLevel::Entry,
            K::IndustryCertification | K::License | K::Other => CredentialLevel::Intermediate,
            K::Certificate | K::Apprenticeship => CredentialLevel::Advanced,
            K::Associate => CredentialLevel::Associate,
            K::Bachelor => CredentialLevel::Bachelor,
            K::Master => CredentialLevel::Master,
            K::Doctorate => CredentialLevel::Doctorate,
        }
    }

    /// The number of a level written as a number (`4`) or a name (`associate`), as import
    /// cells and JSON give it; the error lists the names.
    pub fn read(text: &str) -> Result<u32, String> {
        let t = text.trim();
        if let Ok(n) = t.parse::<u32>() {
            return Ok(n);
        }
        Self::parse(t).map(Self::number).ok_or_else(|| {
            format!(
                "`{t}` is not a credential level; give a number or one of {}",
                Self::ALL
                    .iter()
                    .map(|l| format!("{} ({})", l.as_str(), l.number()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }
}

/// A credential's `level` as a bundle gives it: a number, or a name of the scale. Answers
/// always give the number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum LevelValue {
    /// A position on the scale, 1 (entry) upward.
    Number(u32),
    Name(CredentialLevel),
}

/// Reads a `level` given as a number or a name (serde `deserialize_with`).
pub fn deserialize_level<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(u32),
        Text(String),
    }
    match Raw::deserialize(d).map_err(|_| {
        serde::de::Error::custom(
            "invalid level: expected a whole number or a level name (entry, intermediate, advanced, associate, bachelor, master, doctorate)",
        )
    })? {
        Raw::Number(n) => Ok(n),
        Raw::Text(t) => CredentialLevel::read(&t).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_one_scale() {
        for (i, l) in CredentialLevel::ALL.into_iter().enumerate() {
            assert_eq!(l.number(), i as u32 + 1);
            assert_eq!(CredentialLevel::parse(l.as_str()), Some(l));
            assert_eq!(CredentialLevel::from_number(l.number()), Some(l));
            assert_eq!(serde_json::to_value(l).unwrap(), l.as_str());
        }
        assert_eq!(CredentialLevel::read(" Associate "), Ok(4));
        assert_eq!(CredentialLevel::read("3"), Ok(3));
        assert!(CredentialLevel::read("college").unwrap_err().contains("bachelor (5)"));
    }

    #[test]
    fn a_level_reads_as_a_number_or_a_name() {
        #[derive(Deserialize)]
        struct C {
            #[serde(deserialize_with = "deserialize_level")]
            level: u32,
        }
        let read = |v: serde_json::Value| serde_json::from_value::<C>(serde_json::json!({"level": v})).map(|c| c.level);
        assert_eq!(read(serde_json::json!(4)).unwrap(), 4);
        assert_eq!(read(serde_json::json!("bachelor")).unwrap(), 5);
        assert_eq!(read(serde_json::json!("2")).unwrap(), 2);
        assert!(
            read(serde_json::json!("phd"))
                .unwrap_err()
                .to_string()
                .contains("not a credential level")
        );
        assert!(read(serde_json::json!(-1)).is_err());
    }

    #[test]
    fn every_kind_has_a_default_and_degrees_sit_at_their_own_level() {
        use CredentialKind as K;
        assert_eq!(CredentialLevel::of_kind(K::Associate).number(), 4);
        assert_eq!(CredentialLevel::of_kind(K::Bachelor).number(), 5);
        assert_eq!(CredentialLevel::of_kind(K::Master).number(), 6);
        assert_eq!(CredentialLevel::of_kind(K::Doctorate).number(), 7);
        assert_eq!(CredentialLevel::of_kind(K::Diploma), CredentialLevel::of_kind(K::Hse));
    }
}

//! The one rule for a region parameter: a code of at most [`MAX_REGION_CHARS`] characters
//! that the catalog knows (the nation, or a region some occupation has demand figures for).
//! The API and the pages both ask here, so they cannot disagree on what a region is.

use super::Bundle;

/// The national region, known to every catalog.
pub const NATIONAL: &str = "US";

/// The longest region code every endpoint documents, in characters (`maxLength` counts
/// characters, as JSON Schema does, not bytes).
pub const MAX_REGION_CHARS: usize = 32;

/// Why a region is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("region must be 1-{MAX_REGION_CHARS} characters, e.g. `US` or `TX`")]
    TooLong,
    #[error("no occupation has demand figures for `{0}`")]
    Unknown(String),
}

/// Whether `region` is longer than [`MAX_REGION_CHARS`] characters.
pub fn too_long(region: &str) -> bool {
    region.chars().count() > MAX_REGION_CHARS
}

/// A region parameter as given, trimmed, or [`NATIONAL`] when absent or blank.
pub fn or_national(region: Option<&str>) -> String {
    region
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or(NATIONAL)
        .to_owned()
}

/// Checks `region` against the rule: not too long, and the nation or a region some occupation
/// of `bundle` has demand figures for. Time O(occupations × demand rows) at worst.
pub fn check_known(bundle: &Bundle, region: &str) -> Result<(), RegionError> {
    if too_long(region) {
        return Err(RegionError::TooLong);
    }
    let known = region == NATIONAL
        || bundle
            .occupations
            .iter()
            .any(|o| o.demand.iter().any(|d| d.region == region));
    if known {
        Ok(())
    } else {
        Err(RegionError::Unknown(region.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_and_the_nation_is_always_known() {
        assert!(!too_long(&"é".repeat(32)));
        assert!(too_long(&"é".repeat(33)));
        let empty = Bundle::default();
        assert_eq!(check_known(&empty, "US"), Ok(()));
        assert_eq!(check_known(&empty, "TX"), Err(RegionError::Unknown("TX".into())));
        assert_eq!(check_known(&empty, &"x".repeat(33)), Err(RegionError::TooLong));
        assert_eq!(or_national(Some("  ")), "US");
        assert_eq!(or_national(Some(" TX ")), "TX");
    }
}

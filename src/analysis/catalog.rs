//! Catalog search helpers: text matching and the one reading of an occupation's career
//! clusters.

use crate::domain::Occupation;
use std::collections::BTreeSet;

/// True when `needle` (already lower-cased) is absent or found in any of `fields`,
/// case-insensitively.
pub fn matches(needle: &Option<String>, fields: &[&str]) -> bool {
    match needle {
        None => true,
        Some(n) => fields.iter().any(|f| f.to_lowercase().contains(n.as_str())),
    }
}

/// The career clusters `o` belongs to: its `cluster` and every cluster of its `clusters`
/// links (the Advance CTE crosswalk). The one reading of both fields; filters and lists use it.
pub fn clusters(o: &Occupation) -> BTreeSet<&str> {
    o.cluster
        .as_deref()
        .into_iter()
        .chain(o.clusters.iter().map(|c| c.cluster.as_str()))
        .collect()
}

/// Whether `o` belongs to career cluster `cluster` (by [`clusters`]).
pub fn in_cluster(o: &Occupation, cluster: &str) -> bool {
    o.cluster.as_deref() == Some(cluster) || o.clusters.iter().any(|c| c.cluster == cluster)
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_match_is_case_insensitive() {
        assert!(super::matches(&Some("nurs".into()), &["x", "Registered Nurses"]));
        assert!(!super::matches(&Some("weld".into()), &["Registered Nurses"]));
        assert!(super::matches(&None, &[]));
    }
}

//! Catalog search helpers.

/// True when `needle` (already lower-cased) is absent or found in any of `fields`,
/// case-insensitively.
pub fn matches(needle: &Option<String>, fields: &[&str]) -> bool {
    match needle {
        None => true,
        Some(n) => fields.iter().any(|f| f.to_lowercase().contains(n.as_str())),
    }
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

//! The sources file (`CAREERMAP_SOURCES`): which sources `GET /v1/sources` lists and how often
//! each is refreshed.
//!
//! JSON, either a list or `{"sources": [...]}`, each entry
//! `{"source": KIND, "url": URL, "refresh": "7days", "options": {...}}` (`refresh` and
//! `options` optional; `refresh` in humantime syntax: `12h`, `7days`, `30d`).

use crate::domain::{PullOptions, SourceKind};
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

/// One configured source.
#[derive(Debug, Clone)]
pub struct ConfiguredSource {
    pub source: SourceKind,
    pub url: String,
    pub refresh: Option<Duration>,
    pub options: PullOptions,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    source: String,
    url: String,
    #[serde(default)]
    refresh: Option<String>,
    #[serde(default)]
    options: Option<PullOptions>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum File {
    List(Vec<Entry>),
    Wrapped { sources: Vec<Entry> },
}

/// Reads and checks the sources file, with messages that name the entry at fault.
pub fn load(path: &Path) -> Result<Vec<ConfiguredSource>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read the sources file {} (CAREERMAP_SOURCES): {e}",
            path.display()
        )
    })?;
    parse(&text).map_err(|e| format!("the sources file {} (CAREERMAP_SOURCES): {e}", path.display()))
}

/// Parses the sources file's text.
pub fn parse(text: &str) -> Result<Vec<ConfiguredSource>, String> {
    let file: File = serde_json::from_str(text)
        .map_err(|e| format!("is not a JSON list of {{\"source\", \"url\", \"refresh\"}} entries: {e}"))?;
    let entries = match file {
        File::List(v) | File::Wrapped { sources: v } => v,
    };
    entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let source = SourceKind::parse(&e.source).map_err(|m| format!("entry {i}: {m}"))?;
            let refresh = e
                .refresh
                .as_deref()
                .map(|r| humantime::parse_duration(r).map_err(|err| format!("entry {i}: refresh `{r}`: {err}")))
                .transpose()?;
            if refresh.is_some_and(|d| d < Duration::from_secs(60)) {
                return Err(format!("entry {i}: refresh must be at least a minute"));
            }
            if !e.url.starts_with("http://") && !e.url.starts_with("https://") {
                return Err(format!("entry {i}: `{}` is not an http(s) URL", e.url));
            }
            Ok(ConfiguredSource {
                source,
                url: e.url,
                refresh,
                options: e.options.unwrap_or_default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_files_parse_with_errors_that_name_the_entry() {
        let ok = parse(r#"[{"source": "onet_db", "url": "https://x/db.zip", "refresh": "30days"}]"#).unwrap();
        assert_eq!(ok[0].refresh, Some(Duration::from_secs(30 * 86400)));
        let wrapped = parse(r#"{"sources": [{"source": "sced", "url": "https://x/s.csv"}]}"#).unwrap();
        assert_eq!(wrapped[0].source, SourceKind::Sced);
        let bad = parse(r#"[{"source": "onet", "url": "https://x"}]"#).unwrap_err();
        assert!(bad.contains("entry 0"), "{bad}");
    }
}

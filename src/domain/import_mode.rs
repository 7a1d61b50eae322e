//! How an import combines with the current dataset: one type for the API's `mode`, the
//! CLI's `--mode` and the catalog's writes.

/// How an import combines with the current dataset.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Upsert records by id, keep the rest.
    Merge,
    /// Replace the whole dataset.
    Replace,
    /// Change only the fields each record gives (`null` clears one); other records and
    /// fields keep their values.
    Patch,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Merge => "merge",
            ImportMode::Replace => "replace",
            ImportMode::Patch => "patch",
        }
    }
}

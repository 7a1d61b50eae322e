//! An import from any format the service reads: bytes of a known [`ImportFormat`] become
//! records ([`parse`]), which are merged, replaced or patched into the catalog, validated and
//! committed ([`commit`]), all or nothing. `POST /v1/imports` and `careermap import` both run
//! these two steps (the CLI shows its progress between them).

use super::AppError;
use crate::domain::{Bundle, Counts, ImportMode, Incoming, Origins};
use crate::service::{Catalog, ImportOutcome, WriteOptions};
use crate::sources::workbook;

/// What the bytes of an import are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// A JSON bundle (docs/import-format.md).
    Json,
    /// An `.xlsx` workbook or a zip of CSV files, one sheet or file per kind.
    Spreadsheet(workbook::Format),
}

impl ImportFormat {
    /// The format of `bytes` judged by their content: a zip is a spreadsheet (a workbook or
    /// CSV files), anything else JSON.
    pub fn sniff(bytes: &[u8]) -> ImportFormat {
        workbook::Format::sniff(bytes).map_or(ImportFormat::Json, ImportFormat::Spreadsheet)
    }
}

/// Reads the bytes of an import into records and where each came from (a record's position in
/// a JSON bundle; a sheet, row and column in a spreadsheet). Every malformed record is a
/// problem in [`AppError::Invalid`].
pub fn parse(format: ImportFormat, bytes: &[u8], mode: ImportMode) -> Result<(Incoming, Origins), AppError> {
    let patch = mode == ImportMode::Patch;
    match format {
        ImportFormat::Spreadsheet(f) => workbook::read(bytes, f, patch).map_err(AppError::Invalid),
        ImportFormat::Json if patch => Incoming::partial_from_json(bytes).map_err(AppError::Invalid),
        ImportFormat::Json => {
            let bundle = Bundle::from_json(bytes).map_err(AppError::Invalid)?;
            let origins = Origins::of_bundle(&bundle);
            Ok((Incoming::whole(bundle), origins))
        }
    }
}

/// What an import did (or, dry, would do).
#[derive(Debug)]
pub struct Imported {
    pub mode: ImportMode,
    pub dry_run: bool,
    /// Records in the import, per kind.
    pub received: Counts,
    pub outcome: ImportOutcome,
}

/// Applies parsed records to the catalog under `mode`: validated as a whole, committed as one
/// new version unless `dry_run` (then the outcome carries the diff and nothing is written).
/// Any problem is [`AppError::Invalid`] pointing back at the import's records; a replace that
/// removes most records without `opts.confirm` is [`AppError::Conflict`].
pub fn commit(
    catalog: &Catalog,
    (incoming, origins): (Incoming, Origins),
    mode: ImportMode,
    dry_run: bool,
    opts: &WriteOptions,
) -> Result<Imported, AppError> {
    let received = incoming.counts();
    let origin = format!("import:{}", mode.as_str());
    let outcome = catalog.import(incoming, &origins, mode == ImportMode::Replace, dry_run, &origin, opts)?;
    tracing::info!(
        changed = outcome.changed,
        version = outcome.version,
        mode = mode.as_str(),
        dry_run,
        records = received.total(),
        warnings = outcome.warnings.len(),
        "import done"
    );
    Ok(Imported {
        mode,
        dry_run,
        received,
        outcome,
    })
}

/// [`parse`] then [`commit`]: the whole import of `bytes`, which are freed before the commit
/// (run it on the blocking pool).
pub fn import(
    catalog: &Catalog,
    format: ImportFormat,
    bytes: impl AsRef<[u8]>,
    mode: ImportMode,
    dry_run: bool,
    opts: &WriteOptions,
) -> Result<Imported, AppError> {
    if !dry_run {
        catalog.ensure_space(opts.incoming_bytes)?;
    }
    let records = parse(format, bytes.as_ref(), mode)?;
    drop(bytes);
    commit(catalog, records, mode, dry_run, opts)
}

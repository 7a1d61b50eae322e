//! Query parsing shared by the analysis endpoints (duplicates, gaps, reports, supply,
//! suggestions): the `json`/`csv` format, paging and fraction parameters.

use super::error::ApiError;
use serde::Deserialize;
use utoipa::ToSchema;

const MAX_LIMIT: usize = 100_000;

/// `json` or `csv` (documentation of `format` parameters of tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = TableFormat)]
pub enum Format {
    Json,
    Csv,
}

pub(crate) fn paging(limit: Option<usize>, offset: Option<usize>, default: usize) -> Result<(usize, usize), ApiError> {
    super::paging(limit, offset, default, MAX_LIMIT)
}

/// A fraction parameter: in [0, 1] (`zero_ok`) or [0.01, 1], rounded to two decimals so that
/// the analysis cache sees at most 101 values of it.
pub(crate) fn fraction(name: &str, v: Option<f64>, default: f64, zero_ok: bool) -> Result<f64, ApiError> {
    let v = v.unwrap_or(default);
    let low = if zero_ok { 0.0 } else { 0.01 };
    if v.is_finite() && (low..=1.0).contains(&v) {
        Ok((v * 100.0).round() / 100.0)
    } else {
        Err(ApiError::InvalidParameter {
            name: name.into(),
            message: format!("must be a number from {low} to 1 (two decimals are used), got {v}"),
        })
    }
}

/// `x` with a negative zero turned into zero (JSON and CSV never show `-0`).
pub(crate) fn nz(x: f64) -> f64 {
    x + 0.0
}

/// A comma-separated parameter `name` (spaces around the commas and empty items ignored),
/// each item read by `parse`; an unknown item is [`ApiError::InvalidParameter`] with
/// `unknown(item)` as its message.
pub(crate) fn list<T>(
    name: &str,
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
    unknown: impl Fn(&str) -> String,
) -> Result<Vec<T>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| {
            parse(x).ok_or_else(|| ApiError::InvalidParameter {
                name: name.into(),
                message: unknown(x),
            })
        })
        .collect()
}

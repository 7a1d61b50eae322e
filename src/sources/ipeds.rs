//! IPEDS Completions (NCES), the `C<year>_A` file: awards conferred by each institution, by
//! six-digit CIP code, first or second major, and award level, as published in the IPEDS
//! Data Center's complete data files (a CSV, usually inside a zip).
//!
//! Columns read: `UNITID`, `CIPCODE` (`51.3902`; `99` is the institution's grand total and is
//! skipped), `MAJORNUM` (only first majors, `1`, are counted, so no one is counted twice),
//! `AWLEVEL` and `CTOTALT` (grand total of awards). Optional: `STABBR` when a file was joined
//! with the institutions' directory, for the `region` option (only that state's rows count).
//!
//! The pull sums awards per CIP code and award level over the institutions and sets each
//! catalog credential's `annual_completers` from its `codes.cip` and the award levels of its
//! kind ([`award_levels`]). Enrichment only: credentials without a CIP code, or whose code
//! has no completions, keep their figure, and unmatched codes are listed in the warnings.

use super::table::{cell, read_table};
use super::{Context, Fetched, PullError, Pulled};
use crate::domain::CredentialKind;
use std::collections::BTreeMap;

/// Award levels (IPEDS `AWLEVEL`) that count as completing a credential of `kind`.
///
/// Certificates, licences, industry certifications, apprenticeships, badges and others: the
/// sub-baccalaureate certificates (1, 2, 4 and the 2020 split of level 1 into 20 and 21);
/// associate: 3; bachelor: 5; master: 7; doctorate: 17, 18, 19. Diplomas and high-school
/// equivalencies have no IPEDS award level.
pub fn award_levels(kind: CredentialKind) -> &'static [u32] {
    match kind {
        CredentialKind::Associate => &[3],
        CredentialKind::Bachelor => &[5],
        CredentialKind::Master => &[7],
        CredentialKind::Doctorate => &[17, 18, 19],
        CredentialKind::Diploma | CredentialKind::Hse => &[],
        _ => &[1, 2, 4, 20, 21],
    }
}

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut pulled = Pulled::default();
    let t = read_table(
        f.bytes.clone(),
        &[],
        &["UNITID", "CIPCODE", "AWLEVEL", "CTOTALT"],
        "the IPEDS completions file",
        &mut pulled.warnings,
    )?;
    let c_cip = t.col("CIPCODE")?;
    let c_level = t.col("AWLEVEL")?;
    let c_total = t.col("CTOTALT")?;
    let c_major = t.find("MAJORNUM");
    let c_state = t.find("STABBR");
    let region = ctx.options.region.as_deref().map(str::trim).filter(|r| *r != "US");
    if region.is_some() && c_state.is_none() {
        return Err(PullError::new(
            "the IPEDS completions file has no STABBR column, so it cannot be filtered by region; pull it without `region` or join it with the institutions' directory first",
        ));
    }
    let mut by_cip: BTreeMap<String, BTreeMap<u32, f64>> = BTreeMap::new();
    let (mut rows, mut totals, mut second) = (0u64, 0u64, 0u64);
    for (row_no, row) in &t.rows {
        rows += 1;
        let raw_cip = cell(row, c_cip);
        if raw_cip.trim_start_matches('=').trim_matches('"') == "99" {
            totals += 1;
            continue;
        }
        if c_major.is_some_and(|c| cell(row, c) == "2") {
            second += 1;
            continue;
        }
        if let (Some(r), Some(c)) = (region, c_state)
            && !cell(row, c).eq_ignore_ascii_case(r)
        {
            continue;
        }
        let Some(cip) = super::cip_code(raw_cip) else {
            return Err(PullError::new(format!(
                "{}, row {row_no}: CIPCODE `{raw_cip}` is not a CIP code",
                t.what
            )));
        };
        let (raw_level, raw_total) = (cell(row, c_level), cell(row, c_total));
        let (Ok(level), Ok(total)) = (raw_level.parse::<u32>(), raw_total.parse::<f64>()) else {
            return Err(PullError::new(format!(
                "{}, row {row_no}: AWLEVEL `{raw_level}` / CTOTALT `{raw_total}` are not numbers",
                t.what
            )));
        };
        if !total.is_finite() || total < 0.0 {
            return Err(PullError::new(format!(
                "{}, row {row_no}: CTOTALT `{raw_total}` is not a non-negative count",
                t.what
            )));
        }
        *by_cip.entry(cip).or_default().entry(level).or_insert(0.0) += total;
    }
    pulled.release = Some("IPEDS Completions".into());
    pulled.counts.insert("rows".into(), rows);
    pulled.counts.insert("grand_total_rows".into(), totals);
    pulled.counts.insert("second_major_rows".into(), second);
    pulled.counts.insert("cip_codes".into(), by_cip.len() as u64);
    pulled.enrich.completions = Some(by_cip);
    Ok(pulled)
}

/// Annual completers of a credential of `kind` whose CIP code had `levels` awards.
pub fn completers_for(kind: CredentialKind, levels: &BTreeMap<u32, f64>) -> Option<f64> {
    let want = award_levels(kind);
    let matched: Vec<f64> = levels
        .iter()
        .filter(|(l, _)| want.contains(l))
        .map(|(_, n)| *n)
        .collect();
    (!matched.is_empty()).then(|| matched.iter().fold(0.0, |a, b| a + b))
}

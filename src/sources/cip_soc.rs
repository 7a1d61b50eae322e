//! The NCES CIP 2020 to SOC 2018 crosswalk (`CIP2020_SOC2018_Crosswalk.xlsx`, sheet "CIP-SOC",
//! or that sheet as CSV): which instructional programs prepare for which occupations.
//!
//! Each row becomes a [`ProgramLink`] on the occupation with evidence `cip_soc`. After the
//! pull (and after every later pull), each link lists the catalog credentials whose
//! `codes.cip` is its CIP code: such a credential qualifies for the occupation with crosswalk
//! evidence, weaker than an explicit `entry_credentials` link and shown as such. "No match"
//! rows (`99.9999` / `99-9999`) are counted and skipped. Enrichment only: SOC codes that match
//! no catalog occupation are listed in the `unmatched_occupation` warning.

use super::table::{cell, read_table};
use super::{Context, Fetched, PullError, Pulled};
use crate::domain::{Evidence, ProgramLink};

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut pulled = Pulled::default();
    let t = read_table(
        f.bytes.clone(),
        &["CIP-SOC"],
        &["CIP2020Code", "SOC2018Code"],
        "the CIP-SOC crosswalk",
        &mut pulled.warnings,
    )?;
    let c_cip = t.col("CIP2020Code")?;
    let c_title = t.find("CIP2020Title");
    let c_soc = t.col("SOC2018Code")?;
    pulled.release = Some("CIP 2020 to SOC 2018".into());
    let prov = ctx.provenance(pulled.release.as_deref());
    let (mut links, mut no_match) = (0u64, 0u64);
    for (row_no, row) in &t.rows {
        let (raw_cip, raw_soc) = (cell(row, c_cip), cell(row, c_soc));
        let (Some(cip), Some(soc)) = (super::cip_code(raw_cip), super::soc_detailed(raw_soc)) else {
            return Err(PullError::new(format!(
                "{}, row {row_no}: `{raw_cip}` / `{raw_soc}` is not a CIP code and a SOC code",
                t.what
            )));
        };
        if cip == "99.9999" || soc == "99-9999" {
            no_match += 1;
            continue;
        }
        links += 1;
        pulled.enrich.programs.push((
            soc,
            ProgramLink {
                cip: Some(cip),
                title: c_title.map(|c| cell(row, c).to_owned()).filter(|s| !s.is_empty()),
                evidence: Evidence::CipSoc,
                credentials: Vec::new(),
                provenance: Some(prov.clone()),
            },
        ));
    }
    pulled.counts.insert("rows".into(), t.rows.len() as u64);
    pulled.counts.insert("links".into(), links);
    pulled.counts.insert("no_match_rows".into(), no_match);
    Ok(pulled)
}

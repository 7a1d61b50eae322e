//! State long-term occupational projections, in the layout Projections Central
//! (projectionscentral.org, the states' LMI shops' joint site) publishes: one row per area and
//! occupation with the state (FIPS code or name), the SOC code and title, base-year and
//! projected employment, numeric and percent change, and average annual openings, as CSV or a
//! workbook. Column names vary between exports; each figure is found under any of its
//! published names (`Base` or `Base Year Employment`, `AvgAnnualOpenings` or `Average Annual
//! Openings`...), without case, spaces or underscores.
//!
//! One [`Demand`] record per occupation row, filed under the state's USPS code (`48` or
//! `Texas` -> `TX`); the `region` pull option overrides it. Figures are people (not
//! thousands, unlike the national table). The projection period comes from the `BaseYear` and
//! `ProjYear` columns when present (`2022-32`). Total and major-group rows (`00-0000`,
//! `29-0000`) are skipped; every other occupation row is kept, broad and aggregated codes
//! included, so a state's `31-1120` lands on the national table's aggregate. A figure the
//! state withholds (`*`, `**`, `—`, a footnote mark) is absent and flagged `<figure>_suppressed`
//! (see [`crate::domain::Demand::flags`]). Codes matching no catalog occupation are listed in
//! the `unmatched_occupation` warning. Keyed by source and URL: one file per state adds up.

use super::bls_projections::suppressed;
use super::table::{Table, cell, number, read_table};
use super::{Context, Fetched, PullError, Pulled};
use crate::domain::Demand;

/// (FIPS, USPS code, name) of the states, DC and Puerto Rico.
const STATES: [(&str, &str, &str); 52] = [
    ("01", "AL", "Alabama"),
    ("02", "AK", "Alaska"),
    ("04", "AZ", "Arizona"),
    ("05", "AR", "Arkansas"),
    ("06", "CA", "California"),
    ("08", "CO", "Colorado"),
    ("09", "CT", "Connecticut"),
    ("10", "DE", "Delaware"),
    ("11", "DC", "District of Columbia"),
    ("12", "FL", "Florida"),
    ("13", "GA", "Georgia"),
    ("15", "HI", "Hawaii"),
    ("16", "ID", "Idaho"),
    ("17", "IL", "Illinois"),
    ("18", "IN", "Indiana"),
    ("19", "IA", "Iowa"),
    ("20", "KS", "Kansas"),
    ("21", "KY", "Kentucky"),
    ("22", "LA", "Louisiana"),
    ("23", "ME", "Maine"),
    ("24", "MD", "Maryland"),
    ("25", "MA", "Massachusetts"),
    ("26", "MI", "Michigan"),
    ("27", "MN", "Minnesota"),
    ("28", "MS", "Mississippi"),
    ("29", "MO", "Missouri"),
    ("30", "MT", "Montana"),
    ("31", "NE", "Nebraska"),
    ("32", "NV", "Nevada"),
    ("33", "NH", "New Hampshire"),
    ("34", "NJ", "New Jersey"),
    ("35", "NM", "New Mexico"),
    ("36", "NY", "New York"),
    ("37", "NC", "North Carolina"),
    ("38", "ND", "North Dakota"),
    ("39", "OH", "Ohio"),
    ("40", "OK", "Oklahoma"),
    ("41", "OR", "Oregon"),
    ("42", "PA", "Pennsylvania"),
    ("44", "RI", "Rhode Island"),
    ("45", "SC", "South Carolina"),
    ("46", "SD", "South Dakota"),
    ("47", "TN", "Tennessee"),
    ("48", "TX", "Texas"),
    ("49", "UT", "Utah"),
    ("50", "VT", "Vermont"),
    ("51", "VA", "Virginia"),
    ("53", "WA", "Washington"),
    ("54", "WV", "West Virginia"),
    ("55", "WI", "Wisconsin"),
    ("56", "WY", "Wyoming"),
    ("72", "PR", "Puerto Rico"),
];

/// The USPS code of a state given by FIPS code (`48`, `4800000`), USPS code or name.
pub fn state_code(raw: &str) -> Option<&'static str> {
    let s = raw.trim();
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() && digits.len() == s.len() {
        // `48`, `6`, or an area code that starts with the state's (`480000`).
        let fips = if digits.len() <= 2 {
            format!("{digits:0>2}")
        } else {
            digits[..2].to_owned()
        };
        return STATES.iter().find(|(f, _, _)| *f == fips).map(|(_, c, _)| *c);
    }
    STATES
        .iter()
        .find(|(_, c, n)| c.eq_ignore_ascii_case(s) || n.eq_ignore_ascii_case(s))
        .map(|(_, c, _)| *c)
}

/// The first column known under any of `names` (compared normalised, exactly).
fn pick(t: &Table, names: &[&str]) -> Option<usize> {
    let want: Vec<String> = names.iter().map(|n| super::table::norm(n)).collect();
    t.headers.iter().position(|h| want.contains(&super::table::norm(h)))
}

fn need(t: &Table, names: &[&str]) -> Result<usize, PullError> {
    pick(t, names).ok_or_else(|| PullError::new(format!("{} has no column `{}`", t.what, names.join("` or `"))))
}

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut pulled = Pulled::default();
    let t = read_table(
        f.bytes.clone(),
        &[],
        &["Projected"],
        "the state projections table",
        &mut pulled.warnings,
    )?;
    let c_code = need(&t, &["Code", "SOC", "SOC Code", "Occupation Code", "OccCode"])?;
    let c_state = pick(&t, &["STFIPS", "State FIPS", "StateFIPS", "FIPS", "ST", "State"]);
    let c_area = pick(&t, &["AreaName", "Area Name", "Area"]);
    let c_base = need(
        &t,
        &[
            "Base",
            "Base Year Employment",
            "Base Employment",
            "Estimated Employment",
        ],
    )?;
    let c_proj = need(&t, &["Projected", "Projected Year Employment", "Projected Employment"])?;
    let c_change = pick(&t, &["Change", "Numeric Change", "Employment Change"]);
    let c_pct = pick(&t, &["PercentChange", "Percent Change", "Pct Change"]);
    let c_open = need(
        &t,
        &[
            "AvgAnnualOpenings",
            "Average Annual Openings",
            "Annual Openings",
            "Total Annual Openings",
        ],
    )?;
    let (c_by, c_py) = (
        pick(&t, &["BaseYear", "Base Year"]),
        pick(&t, &["ProjYear", "Projected Year", "ProjectedYear"]),
    );
    pulled.release = None;
    let (mut kept, mut summary) = (0u64, 0u64);
    let mut regions = std::collections::BTreeSet::new();
    for (row_no, row) in &t.rows {
        let raw = cell(row, c_code);
        let Some(soc) = super::soc_detailed(raw) else {
            pulled.warnings.add(
                "skipped_row",
                "rows skipped because their code is not a SOC code (notes, footers)",
                format!("row {row_no} ({raw})"),
            );
            continue;
        };
        if soc.ends_with("-0000") {
            summary += 1;
            continue;
        }
        let region = match &ctx.options.region {
            Some(r) => r.clone(),
            None => {
                let from = |c: Option<usize>| c.and_then(|c| state_code(cell(row, c)));
                match from(c_state).or_else(|| from(c_area)) {
                    Some(code) => code.to_owned(),
                    None => {
                        return Err(PullError::new(format!(
                            "{}, row {row_no}: no state in the area columns (`{}`); name it with the `region` option",
                            t.what,
                            c_state.or(c_area).map(|c| cell(row, c)).unwrap_or("")
                        )));
                    }
                }
            }
        };
        let mut flags = Vec::new();
        let mut figure = |c: Option<usize>, flag: &str| -> Result<Option<f64>, PullError> {
            let Some(c) = c else { return Ok(None) };
            if suppressed(cell(row, c)) {
                flags.push(flag.to_owned());
                return Ok(None);
            }
            number(&t, *row_no, row, c)
        };
        let employment = figure(Some(c_base), "employment_suppressed")?;
        let projected = figure(Some(c_proj), "projected_employment_suppressed")?;
        let change = figure(c_change, "change_suppressed")?;
        let growth = figure(c_pct, "growth_pct_suppressed")?;
        let openings = figure(Some(c_open), "openings_suppressed")?;
        let year = |c: Option<usize>| c.map(|c| cell(row, c).to_owned()).filter(|y| y.len() == 4);
        let period = match (year(c_by), year(c_py)) {
            (Some(a), Some(b)) => Some(format!("{a}-{}", &b[2..])),
            _ => None,
        };
        if pulled.release.is_none() {
            pulled.release = period.clone();
        }
        let demand = Demand {
            region: region.clone(),
            employment,
            projected_employment: projected,
            growth_pct: growth.or_else(|| match (employment, projected) {
                (Some(b), Some(p)) if b > 0.0 && c_pct.is_none() => Some(((p - b) / b * 1000.0).round() / 10.0),
                _ => None,
            }),
            annual_openings: openings,
            change: change.or_else(|| match (employment, projected) {
                (Some(b), Some(p)) if c_change.is_none() => Some(p - b),
                _ => None,
            }),
            period,
            provenance: Some(ctx.provenance(None)),
            flags,
            ..Default::default()
        };
        if !demand.flags.is_empty() {
            pulled.warnings.add(
                "unknown_figure",
                "figures the state withholds (*, —, a footnote); stored as unknown, never zero, and flagged",
                format!("{soc} {region} ({})", demand.flags.join(", ")),
            );
        }
        regions.insert(region);
        kept += 1;
        pulled.enrich.demand.push((soc, demand));
    }
    if kept == 0 {
        return Err(PullError::new(format!("{} has no occupation rows", t.what)));
    }
    let release = pulled.release.clone();
    for (_, d) in &mut pulled.enrich.demand {
        if let Some(p) = &mut d.provenance {
            p.release = release.clone();
        }
    }
    pulled.counts.insert("rows".into(), t.rows.len() as u64);
    pulled.counts.insert("occupation_rows".into(), kept);
    pulled.counts.insert("summary_rows".into(), summary);
    pulled.counts.insert("regions".into(), regions.len() as u64);
    Ok(pulled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_by_fips_code_or_name() {
        assert_eq!(state_code("48"), Some("TX"));
        assert_eq!(state_code("6"), Some("CA"));
        assert_eq!(state_code("Texas"), Some("TX"));
        assert_eq!(state_code("tx"), Some("TX"));
        assert_eq!(state_code("99"), None);
        assert_eq!(state_code("Gondor"), None);
    }
}

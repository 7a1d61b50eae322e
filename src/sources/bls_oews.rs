//! BLS Occupational Employment and Wage Statistics (OEWS) workbooks, national, state or
//! metropolitan area (`national_M2024_dl.xlsx`, `state_M2024_dl.xlsx`, `MSA_M2024_dl.xlsx`: the
//! same columns with the area filled in), or the same as CSV.
//!
//! One [`Wages`] record per detailed occupation (`O_GROUP = detailed`) and area, filed under
//! the area's region: `US` for the national file (`AREA_TYPE` 1), the state's USPS code
//! (`PRIM_STATE`) for state rows (`AREA_TYPE` 2), the OEWS area code otherwise (a metro
//! area, `26420`); the `region` pull option
//! overrides it. Rows of industry-specific files other than cross-industry (`NAICS` other than
//! `000000`) are skipped. BLS's special values are kept as such, never as numbers: `#` (a wage
//! at or above the top-coded value) is listed in `top_coded`, `*` (estimate not available) in
//! `not_available`; `**` (employment not available) leaves employment unknown.

use super::table::{Table, cell, number, read_table};
use super::{Context, Fetched, PullError, Pulled};
use crate::domain::{WagePercentiles, Wages};

const FIGURES: [(&str, &str); 12] = [
    ("H_MEAN", "hourly.mean"),
    ("H_PCT10", "hourly.p10"),
    ("H_PCT25", "hourly.p25"),
    ("H_MEDIAN", "hourly.median"),
    ("H_PCT75", "hourly.p75"),
    ("H_PCT90", "hourly.p90"),
    ("A_MEAN", "annual.mean"),
    ("A_PCT10", "annual.p10"),
    ("A_PCT25", "annual.p25"),
    ("A_MEDIAN", "annual.median"),
    ("A_PCT75", "annual.p75"),
    ("A_PCT90", "annual.p90"),
];

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut pulled = Pulled::default();
    let t = read_table(
        f.bytes.clone(),
        &[],
        &["OCC_CODE", "O_GROUP", "A_MEDIAN"],
        "the OEWS workbook",
        &mut pulled.warnings,
    )?;
    let c_occ = t.col("OCC_CODE")?;
    let c_group = t.col("O_GROUP")?;
    let c_emp = t.col("TOT_EMP")?;
    let exact = |name: &str| t.headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (c_area, c_type, c_state, c_naics) = (exact("AREA"), exact("AREA_TYPE"), exact("PRIM_STATE"), exact("NAICS"));
    let cols: Vec<(usize, &str)> = FIGURES
        .iter()
        .map(|(h, f)| {
            exact(h)
                .map(|c| (c, *f))
                .ok_or_else(|| PullError::new(format!("{} has no column `{h}`", t.what)))
        })
        .collect::<Result<_, _>>()?;
    pulled.release = release(&ctx.url);
    let prov = ctx.provenance(pulled.release.as_deref());
    let (mut detailed, mut aggregate, mut industry) = (0u64, 0u64, 0u64);
    for (row_no, row) in &t.rows {
        if c_naics.is_some_and(|c| !matches!(cell(row, c), "" | "000000")) {
            industry += 1;
            continue;
        }
        if !cell(row, c_group).eq_ignore_ascii_case("detailed") {
            aggregate += 1;
            continue;
        }
        let raw = cell(row, c_occ);
        let Some(soc) = super::soc_detailed(raw) else {
            return Err(PullError::new(format!(
                "{}, row {row_no}: `{raw}` is not a SOC code",
                t.what
            )));
        };
        detailed += 1;
        let region = ctx.options.region.clone().unwrap_or_else(|| {
            match (
                c_type.map(|c| cell(row, c)),
                c_state.map(|c| cell(row, c)),
                c_area.map(|c| cell(row, c)),
            ) {
                (Some("1"), _, _) => "US".to_owned(),
                (Some("2"), Some(st), _) if !st.is_empty() => st.to_owned(),
                (_, _, Some(area)) if !area.is_empty() => area.to_owned(),
                _ => "US".to_owned(),
            }
        });
        let mut w = Wages {
            region,
            employment: employment(&t, *row_no, row, c_emp)?,
            hourly: WagePercentiles::default(),
            annual: WagePercentiles::default(),
            top_coded: Vec::new(),
            not_available: Vec::new(),
            provenance: Some(prov.clone()),
        };
        for (c, field) in &cols {
            let raw = cell(row, *c);
            let value = match raw {
                "#" => {
                    w.top_coded.push((*field).to_owned());
                    None
                }
                "*" | "**" => {
                    w.not_available.push((*field).to_owned());
                    None
                }
                _ => number(&t, *row_no, row, *c)?,
            };
            let (group, pct) = field.split_once('.').expect("figure names have a dot");
            let p = if group == "hourly" {
                &mut w.hourly
            } else {
                &mut w.annual
            };
            match pct {
                "mean" => p.mean = value,
                "p10" => p.p10 = value,
                "p25" => p.p25 = value,
                "median" => p.median = value,
                "p75" => p.p75 = value,
                _ => p.p90 = value,
            }
        }
        if !w.top_coded.is_empty() {
            pulled.warnings.add(
                "top_coded_wage",
                "wages BLS top-codes (#: at or above the highest published wage); kept as top-coded, not as a number",
                format!("{soc} {}", w.region),
            );
        }
        pulled.enrich.wages.push((soc, w));
    }
    pulled.counts.insert("rows".into(), t.rows.len() as u64);
    pulled.counts.insert("detailed_occupations".into(), detailed);
    pulled.counts.insert("aggregate_rows".into(), aggregate);
    pulled.counts.insert("industry_rows".into(), industry);
    Ok(pulled)
}

fn employment(t: &Table, row_no: usize, row: &[String], c: usize) -> Result<Option<f64>, PullError> {
    match cell(row, c) {
        "**" | "*" | "#" => Ok(None),
        _ => number(t, row_no, row, c),
    }
}

/// `..._M2024_dl.xlsx` or `oesm24nat.zip` -> `May 2024`.
fn release(url: &str) -> Option<String> {
    let file = url.rsplit('/').next()?;
    if let Some(yy) = file.strip_prefix("oesm").and_then(|r| r.get(..2))
        && yy.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(format!("May 20{yy}"));
    }
    let i = file.find("_M")?;
    let year = file.get(i + 2..i + 6)?;
    year.bytes().all(|b| b.is_ascii_digit()).then(|| format!("May {year}"))
}

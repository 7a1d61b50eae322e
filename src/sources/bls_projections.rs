//! BLS Employment Projections, occupation workbook (`occupation.xlsx`, sheet "Table 1.2":
//! occupational projections and worker characteristics), or the same table as CSV.
//!
//! One national (`US`) demand record per detailed SOC occupation ("Line item" rows; "Summary"
//! rows are aggregates and are skipped): employment now and projected, change, percent
//! change, annual openings, median annual wage, typical entry education, related work
//! experience and on-the-job training. The projection period (`2024-34`) is read from the
//! headers and kept as `period` and as the provenance's release.
//!
//! Units: employment, change and openings are **thousands** in the source and are stored as
//! people (x 1000, rounded). A figure BLS withholds (`—`, `*`, `**`, or a footnote mark such
//! as `(1)` in place of the number) is stored as absent, never as zero, and the demand record
//! carries a `<figure>_suppressed` flag (`employment_suppressed`, `openings_suppressed`,
//! `median_wage_suppressed`...). A top-coded wage (`>=$239,200`) is stored as its lower bound
//! and listed in the `top_coded_wage` warning, and the demand record carries
//! `flags: ["median_wage_top_coded"]`. Flagged figures are never compared as exact numbers
//! (see [`crate::domain::Demand::flags`]). A cell that should be a number and is not fails the
//! pull with its row and column.
//!
//! Every "Line item" row is kept. Twelve of the 2024-34 table's 832 line items are
//! aggregated codes that BLS projects in place of detailed SOC codes (`31-1120` home health
//! and personal care aides for `31-1121` and `31-1122`, `13-1020`, `21-1018`, `25-2052`...);
//! their (code, title) go into [`super::Enrichment::occupations`] with every other row, and
//! the pull keeps a code that matches no catalog occupation as an occupation of its own (see
//! [`crate::pulls`]). Rows whose code matches nothing and covers nothing are still kept.

use super::table::{Table, cell, number, read_table};
use super::{Context, Fetched, PullError, Pulled};
use crate::domain::Demand;

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut pulled = Pulled::default();
    let t = read_table(
        f.bytes.clone(),
        &["Table 1.2"],
        &["National Employment Matrix code", "Occupation type", "Employment,"],
        "the projections table (Table 1.2)",
        &mut pulled.warnings,
    )?;
    let col = |name: &str| t.col(name);
    let c_code = col("National Employment Matrix code")?;
    let c_type = col("Occupation type")?;
    let c_title = t.find("National Employment Matrix title").unwrap_or(0);
    let employment_cols: Vec<usize> = t
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            let n = super::table::norm(h);
            n.starts_with("employment,") && !n.contains("distribution") && !n.contains("change")
        })
        .map(|(i, _)| i)
        .collect();
    let [c_now, c_then] = employment_cols[..] else {
        return Err(PullError::new(
            "the projections table should have two `Employment, YYYY` columns (now and projected)",
        ));
    };
    let c_change = col("Employment change, numeric")?;
    let c_pct = col("Employment change, percent")?;
    let c_open = col("Occupational openings")?;
    let c_wage = col("Median annual wage")?;
    let c_edu = t.find("Typical education needed for entry");
    let c_exp = t.find("Work experience in a related occupation");
    let c_train = t.find("Typical on-the-job training");
    let period = period(&t, c_change);
    pulled.release = period.clone();
    let prov = ctx.provenance(period.as_deref());

    let thousands = |v: Option<f64>| v.map(|x| (x * 1000.0).round());
    let text = |row: &[String], c: Option<usize>| {
        c.map(|c| cell(row, c))
            .filter(|s| !s.is_empty() && !matches!(*s, "—" | "–" | "-"))
            .map(str::to_owned)
    };
    let (mut detailed, mut summary, mut other) = (0u64, 0u64, 0u64);
    for (row_no, row) in &t.rows {
        match cell(row, c_type) {
            "Line item" => {}
            "Summary" => {
                summary += 1;
                continue;
            }
            _ => {
                other += 1;
                continue;
            }
        }
        let raw = cell(row, c_code);
        let Some(soc) = super::soc_detailed(raw) else {
            pulled.warnings.add(
                "skipped_row",
                "rows skipped because their code is not a SOC code",
                format!("row {row_no} ({raw})"),
            );
            continue;
        };
        detailed += 1;
        let wage_raw = cell(row, c_wage);
        let mut flags = Vec::new();
        let mut figure = |c: usize, flag: &str| -> Result<Option<f64>, PullError> {
            if suppressed(cell(row, c)) {
                flags.push(flag.to_owned());
                return Ok(None);
            }
            number(&t, *row_no, row, c)
        };
        let employment = figure(c_now, "employment_suppressed")?;
        let projected = figure(c_then, "projected_employment_suppressed")?;
        let change = figure(c_change, "change_suppressed")?;
        let growth = figure(c_pct, "growth_pct_suppressed")?;
        let openings = figure(c_open, "openings_suppressed")?;
        let median_wage = if let Some(bound) = wage_raw.strip_prefix(">=") {
            pulled.warnings.add(
                "top_coded_wage",
                "median wages BLS publishes only as a lower bound (stored as that bound)",
                format!("{soc} ({wage_raw})"),
            );
            flags.push("median_wage_top_coded".to_owned());
            let b = bound.replace(['$', ','], "");
            Some(b.trim().parse::<f64>().map_err(|_| {
                PullError::new(format!(
                    "{}, row {row_no}: the wage `{wage_raw}` is not a number",
                    t.what
                ))
            })?)
        } else if suppressed(wage_raw) {
            flags.push("median_wage_suppressed".to_owned());
            None
        } else {
            number(&t, *row_no, row, c_wage)?
        };
        let title = cell(row, c_title).to_owned();
        pulled.enrich.occupations.push((soc.clone(), title));
        let demand = Demand {
            region: "US".into(),
            employment: thousands(employment),
            projected_employment: thousands(projected),
            growth_pct: growth,
            annual_openings: thousands(openings),
            median_wage,
            typical_entry_education: text(row, c_edu),
            provenance: Some(prov.clone()),
            change: thousands(change),
            experience: text(row, c_exp),
            training: text(row, c_train),
            period: period.clone(),
            flags,
        };
        if demand.flags.iter().any(|f| f.ends_with("_suppressed")) {
            pulled.warnings.add(
                "unknown_figure",
                "occupations with figures BLS withholds (—, *, a footnote); stored as unknown, never zero, and flagged",
                format!("{soc} ({})", demand.flags.join(", ")),
            );
        }
        pulled.enrich.demand.push((soc, demand));
    }
    pulled.counts.insert("rows".into(), t.rows.len() as u64);
    pulled.counts.insert("detailed_occupations".into(), detailed);
    pulled.counts.insert("occupation_rows".into(), detailed);
    pulled.counts.insert("summary_rows".into(), summary);
    pulled.counts.insert("other_rows".into(), other);
    Ok(pulled)
}

/// Whether a cell holds one of BLS's marks for a withheld figure instead of a number: `—`,
/// `–`, `-`, `*`, `**`, `#`, `(X)`, `n/a`, or a bare footnote mark (`(1)`, `[2]`).
pub fn suppressed(raw: &str) -> bool {
    let s = raw.trim();
    let footnote = |open: char, close: char| {
        s.strip_prefix(open)
            .and_then(|r| r.strip_suffix(close))
            .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(s, "—" | "–" | "-" | "*" | "**" | "#" | "(X)" | "n/a" | "N/A") || footnote('(', ')') || footnote('[', ']')
}

/// `Employment change, numeric, 2024–34` -> `2024-34`.
fn period(t: &Table, c_change: usize) -> Option<String> {
    let h = t.headers.get(c_change)?.replace(['–', '—'], "-");
    let last = h.rsplit(',').next()?.trim().to_owned();
    let (a, b) = last.split_once('-')?;
    (a.len() == 4 && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())).then_some(last)
}

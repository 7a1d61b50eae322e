//! The BLS Public Data API v2 (`POST https://api.bls.gov/publicAPI/v2/timeseries/data/`, JSON),
//! for OEWS series by state, so regional demand can be pulled without files.
//!
//! A pull names `states` (USPS codes) and optionally `occupations` (SOC codes; default every
//! catalog occupation) and `year` in its options. For each (state, occupation) it asks for the
//! OEWS series `OEUS{state FIPS}00000{000000}{SOC}{datatype}` of employment (01), hourly
//! mean/median (03, 08) and annual mean, percentiles and median (04, 11-15), 50 series per
//! request with a registration key (`CAREERMAP_BLS_API_KEY`), 25 without, and refuses up front
//! when that would exceed the API's daily quota (500 requests with a key, 25 without).
//!
//! What the API really returns is handled: `Results` as an object holding `series` (or a
//! list), values as strings, `-` with footnotes for figures not released (top-coded when the
//! footnote says "greater than"), `REQUEST_NOT_PROCESSED` (quota, bad key) as a failed pull
//! with BLS's own message, and per-series messages ("Series does not exist") as warnings.
//!
//! Each (state, occupation) gets a demand record for the state (employment, annual median
//! wage) and a wages record, both with provenance `bls_api`; records are keyed by source and
//! URL, and a pull for a state replaces that state's earlier figures.

use super::http::Fetcher;
use super::{Context, PullError, Pulled};
use crate::domain::{Demand, WagePercentiles, Wages};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// OEWS datatypes asked for, and the figure each fills.
const DATATYPES: [(&str, &str); 9] = [
    ("01", "employment"),
    ("03", "hourly.mean"),
    ("08", "hourly.median"),
    ("04", "annual.mean"),
    ("11", "annual.p10"),
    ("12", "annual.p25"),
    ("13", "annual.median"),
    ("14", "annual.p75"),
    ("15", "annual.p90"),
];

/// USPS code -> state FIPS code.
const STATES: [(&str, &str); 54] = [
    ("AL", "01"),
    ("AK", "02"),
    ("AZ", "04"),
    ("AR", "05"),
    ("CA", "06"),
    ("CO", "08"),
    ("CT", "09"),
    ("DE", "10"),
    ("DC", "11"),
    ("FL", "12"),
    ("GA", "13"),
    ("HI", "15"),
    ("ID", "16"),
    ("IL", "17"),
    ("IN", "18"),
    ("IA", "19"),
    ("KS", "20"),
    ("KY", "21"),
    ("LA", "22"),
    ("ME", "23"),
    ("MD", "24"),
    ("MA", "25"),
    ("MI", "26"),
    ("MN", "27"),
    ("MS", "28"),
    ("MO", "29"),
    ("MT", "30"),
    ("NE", "31"),
    ("NV", "32"),
    ("NH", "33"),
    ("NJ", "34"),
    ("NM", "35"),
    ("NY", "36"),
    ("NC", "37"),
    ("ND", "38"),
    ("OH", "39"),
    ("OK", "40"),
    ("OR", "41"),
    ("PA", "42"),
    ("RI", "44"),
    ("SC", "45"),
    ("SD", "46"),
    ("TN", "47"),
    ("TX", "48"),
    ("UT", "49"),
    ("VT", "50"),
    ("VA", "51"),
    ("WA", "53"),
    ("WV", "54"),
    ("WI", "55"),
    ("WY", "56"),
    ("GU", "66"),
    ("PR", "72"),
    ("VI", "78"),
];

/// The OEWS series id of a state, occupation and datatype.
pub fn series_id(state_fips: &str, soc: &str, datatype: &str) -> String {
    format!("OEUS{state_fips}00000000000{}{datatype}", soc.replace('-', ""))
}

/// Pulls OEWS series for the requested states and occupations.
pub async fn pull(
    fetcher: &Fetcher,
    ctx: &Context,
    catalog_socs: &[String],
    attempts: &mut u32,
) -> Result<Pulled, PullError> {
    let states = ctx.options.states.clone().unwrap_or_default();
    if states.is_empty() {
        return Err(PullError::new("a `bls_api` pull needs `options.states`, e.g. [\"TX\"]"));
    }
    let mut fips = Vec::new();
    for s in &states {
        let up = s.trim().to_uppercase();
        let f = STATES
            .iter()
            .find(|(u, _)| *u == up)
            .map(|(_, f)| *f)
            .ok_or_else(|| PullError::new(format!("`{s}` is not a state USPS code")))?;
        fips.push((up, f));
    }
    let socs: Vec<String> = match &ctx.options.occupations {
        Some(list) => list
            .iter()
            .map(|s| super::soc_detailed(s).ok_or_else(|| PullError::new(format!("`{s}` is not a SOC code"))))
            .collect::<Result<_, _>>()?,
        None => catalog_socs.iter().filter_map(|s| super::soc_detailed(s)).collect(),
    };
    if socs.is_empty() {
        return Err(PullError::new(
            "there are no occupations to pull: give `options.occupations` or pull onet_db first",
        ));
    }
    let mut series = Vec::new();
    for (_, f) in &fips {
        for soc in &socs {
            for (dt, _) in DATATYPES {
                series.push(series_id(f, soc, dt));
            }
        }
    }
    let key = ctx.bls_api_key.as_ref().map(|k| k.expose().to_owned());
    let (per_request, daily) = if key.is_some() { (50, 500) } else { (25, 25) };
    let requests = series.len().div_ceil(per_request);
    if requests > daily {
        return Err(PullError::new(format!(
            "{} series would take {requests} API requests, over the daily limit of {daily}{}; pull fewer states or occupations",
            series.len(),
            if key.is_some() {
                ""
            } else {
                " without a key (set CAREERMAP_BLS_API_KEY)"
            }
        )));
    }
    let year = ctx.options.year.map(|y| y.to_string());
    let mut pulled = Pulled::default();
    for batch in series.chunks(per_request) {
        let mut body = json!({"seriesid": batch});
        if let Some(y) = &year {
            body["startyear"] = json!(y);
            body["endyear"] = json!(y);
        } else {
            body["latest"] = json!(true);
        }
        if let Some(k) = &key {
            body["registrationkey"] = json!(k);
        }
        let fetched = fetcher.post_json(&ctx.url, &body, attempts).await?;
        let part = parse_response(&fetched.bytes, ctx, &HashMap::new())?;
        merge(&mut pulled, part);
    }
    pulled.counts.insert("requests".into(), requests as u64);
    pulled.counts.insert("series_requested".into(), series.len() as u64);
    Ok(pulled)
}

fn merge(into: &mut Pulled, part: Pulled) {
    into.release = into.release.take().or(part.release);
    into.enrich.demand.extend(part.enrich.demand);
    into.enrich.wages.extend(part.enrich.wages);
    for (k, v) in part.counts {
        *into.counts.entry(k).or_default() += v;
    }
    into.warnings.extend(part.warnings);
}

/// A figure of a series: its value, or `Err(top_coded)` when BLS did not release it.
type Figure = (&'static str, Result<f64, bool>);

/// Parses one API answer into demand and wages records. `_names` is reserved for series
/// naming overrides.
pub fn parse_response(bytes: &[u8], ctx: &Context, _names: &HashMap<String, String>) -> Result<Pulled, PullError> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| PullError::new(format!("the BLS API answer is not JSON: {e}")))?;
    let status = v.get("status").and_then(Value::as_str).unwrap_or("");
    let messages: Vec<String> = v
        .get("message")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if status != "REQUEST_SUCCEEDED" {
        return Err(PullError::new(format!(
            "the BLS API did not process the request ({}): {}",
            if status.is_empty() { "no status" } else { status },
            if messages.is_empty() {
                "no message".to_owned()
            } else {
                messages.join(" ")
            }
        )));
    }
    let mut pulled = Pulled::default();
    for m in &messages {
        pulled.warnings.add(
            "api_message",
            "messages of the BLS API (e.g. series that do not exist)",
            m.clone(),
        );
    }
    let results = v.get("Results");
    let series: Vec<&Value> = match results {
        Some(Value::Object(o)) => o
            .get("series")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        Some(Value::Array(a)) => a
            .iter()
            .flat_map(|r| r.get("series").and_then(Value::as_array).into_iter().flatten())
            .collect(),
        _ => Vec::new(),
    };
    // (state USPS, SOC) -> figure -> (value or a special mark)
    let mut figures: BTreeMap<(String, String), Vec<Figure>> = BTreeMap::new();
    let mut years = Vec::new();
    for s in &series {
        let Some(id) = s.get("seriesID").and_then(Value::as_str) else {
            continue;
        };
        let Some((state, soc, figure)) = decode(id) else {
            pulled.warnings.add(
                "unknown_series",
                "series ids that are not state OEWS series (skipped)",
                id,
            );
            continue;
        };
        let data = s.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
        // The latest annual observation.
        let Some(obs) = data
            .iter()
            .max_by_key(|d| d.get("year").and_then(Value::as_str).unwrap_or("").to_owned())
        else {
            pulled.warnings.add("empty_series", "series with no data", id);
            continue;
        };
        if let Some(y) = obs.get("year").and_then(Value::as_str) {
            years.push(y.to_owned());
        }
        let raw = match obs.get("value") {
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let value = match raw.replace(',', "").parse::<f64>() {
            Ok(x) => Ok(x),
            Err(_) => {
                let notes: String = obs
                    .get("footnotes")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|f| f.get("text").and_then(Value::as_str))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                let top = notes.to_lowercase().contains("greater than") || raw == "#";
                pulled.warnings.add(
                    if top { "top_coded_wage" } else { "unknown_figure" },
                    if top {
                        "figures BLS top-codes (at or above the highest published wage)"
                    } else {
                        "figures the API marks `-` (not released); stored as unknown"
                    },
                    format!(
                        "{id}{}",
                        if notes.is_empty() {
                            String::new()
                        } else {
                            format!(" ({notes})")
                        }
                    ),
                );
                Err(top)
            }
        };
        figures.entry((state, soc)).or_default().push((figure, value));
    }
    years.sort();
    let year = years.last().cloned();
    pulled.release = year.as_ref().map(|y| format!("OEWS May {y}"));
    let prov = ctx.provenance(pulled.release.as_deref());
    for ((state, soc), figs) in figures {
        let mut w = Wages {
            region: state.clone(),
            employment: None,
            hourly: WagePercentiles::default(),
            annual: WagePercentiles::default(),
            top_coded: Vec::new(),
            not_available: Vec::new(),
            provenance: Some(prov.clone()),
        };
        for (figure, value) in figs {
            let x = match value {
                Ok(x) => Some(x),
                Err(true) => {
                    w.top_coded.push(figure.to_owned());
                    None
                }
                Err(false) => {
                    w.not_available.push(figure.to_owned());
                    None
                }
            };
            match figure {
                "employment" => w.employment = x,
                "hourly.mean" => w.hourly.mean = x,
                "hourly.median" => w.hourly.median = x,
                "annual.mean" => w.annual.mean = x,
                "annual.p10" => w.annual.p10 = x,
                "annual.p25" => w.annual.p25 = x,
                "annual.median" => w.annual.median = x,
                "annual.p75" => w.annual.p75 = x,
                _ => w.annual.p90 = x,
            }
        }
        let demand = Demand {
            region: state.clone(),
            employment: w.employment,
            projected_employment: None,
            growth_pct: None,
            annual_openings: None,
            median_wage: w.annual.median,
            typical_entry_education: None,
            provenance: Some(prov.clone()),
            change: None,
            experience: None,
            training: None,
            period: year.clone(),
            flags: Vec::new(),
        };
        pulled.enrich.demand.push((soc.clone(), demand));
        pulled.enrich.wages.push((soc, w));
    }
    pulled.counts.insert("series".into(), series.len() as u64);
    Ok(pulled)
}

/// `OEUS480000000000029114113` -> (`TX`, `29-1141`, `annual.median`).
fn decode(id: &str) -> Option<(String, String, &'static str)> {
    if id.len() != 25 || !id.starts_with("OEUS") {
        return None;
    }
    let fips = &id[4..6];
    let state = STATES.iter().find(|(_, f)| *f == fips)?.0.to_owned();
    let occ = &id[17..23];
    let dt = &id[23..25];
    let figure = DATATYPES.iter().find(|(d, _)| *d == dt)?.1;
    Some((state, format!("{}-{}", &occ[..2], &occ[2..]), figure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_ids_round_trip() {
        let id = series_id("48", "29-1141", "13");
        assert_eq!(id, "OEUS480000000000029114113");
        assert_eq!(id.len(), 25);
        assert_eq!(decode(&id), Some(("TX".into(), "29-1141".into(), "annual.median")));
    }
}

//! Regenerates the occupations of `seed/catalog.json` from the BLS Employment Projections
//! occupation table, so the seed carries the national 2024-34 figures of **every** detailed
//! occupation (not only the ones with pathways) and the high-demand percentiles are taken over
//! the whole labour market.
//!
//! ```text
//! cargo run --release --example seed_demand -- [BLS_TABLE] [SEED]
//! ```
//!
//! `BLS_TABLE` defaults to `../shared/data/bls_ep/occupation_table_1.2_2024-34.csv` (Table 1.2
//! as CSV; the `occupation.xlsx` workbook works too) and `SEED` to `seed/catalog.json`.
//!
//! The figures are parsed by the same parser as a `bls_projections` pull
//! ([`careermap::sources::bls_projections`]), so units and missing values follow its rules.
//! Occupations already in the seed keep everything they have (competencies, entry
//! credentials, job zone) and get their `US` demand replaced; every other detailed
//! occupation is appended as a demand-only record (SOC code, BLS title, demand, provenance),
//! sorted by SOC code. The rest of the file is left as it is, one record per line.

use std::collections::{BTreeMap, HashMap};

use careermap::domain::{Occupation, Provenance, SocCode};
use careermap::sources::{Context, Fetched, PullOptions, SourceKind, bls_projections, soc_detailed};

/// Where BLS publishes Table 1.2 (the staged copy is byte-identical to BLS's workbook sheet).
const BLS_URL: &str = "https://www.bls.gov/emp/tables/occupational-projections-and-characteristics.htm";
/// When the staged copy of the table was taken (the commit date of the public copy we read).
const RETRIEVED_AT: &str = "2025-06-25T00:00:00Z";

fn main() {
    let mut args = std::env::args().skip(1);
    let table = args
        .next()
        .unwrap_or_else(|| "../shared/data/bls_ep/occupation_table_1.2_2024-34.csv".into());
    let seed_path = args.next().unwrap_or_else(|| "seed/catalog.json".into());
    let fail = |msg: String| -> ! {
        eprintln!("seed_demand: {msg}");
        std::process::exit(1)
    };

    let bytes = std::fs::read(&table).unwrap_or_else(|e| fail(format!("cannot read {table}: {e}")));
    let ctx = Context {
        kind: SourceKind::BlsProjections,
        url: BLS_URL.into(),
        retrieved_at: RETRIEVED_AT.into(),
        options: PullOptions::default(),
        bls_api_key: None,
    };
    let fetched = Fetched {
        bytes: bytes.clone(),
        content_type: None,
        final_url: BLS_URL.into(),
        etag: None,
        last_modified: None,
    };
    let pulled = bls_projections::parse(&fetched, &ctx).unwrap_or_else(|e| fail(format!("{table}: {e}")));
    let titles = titles(&table, &bytes);

    let text = std::fs::read_to_string(&seed_path).unwrap_or_else(|e| fail(format!("cannot read {seed_path}: {e}")));
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with("\"occupations\""))
        .unwrap_or_else(|| fail(format!("{seed_path} has no occupations list")));
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.trim_start().starts_with(']'))
            .unwrap_or_else(|| fail(format!("{seed_path}: the occupations list does not end")));

    let mut demand: BTreeMap<String, careermap::domain::Demand> = pulled.enrich.demand.into_iter().collect();
    let mut out: Vec<String> = Vec::new();
    let mut kept = 0usize;
    for line in &lines[start + 1..end] {
        let json = line.trim().trim_end_matches(',');
        let mut occ: Occupation =
            serde_json::from_str(json).unwrap_or_else(|e| fail(format!("occupation line `{json}`: {e}")));
        if let Some(d) = demand.remove(occ.soc.as_str()) {
            occ.demand.retain(|x| x.region != "US");
            occ.demand.insert(0, d);
        }
        kept += 1;
        out.push(serde_json::to_string(&occ).expect("serialisable"));
    }
    let mut added = 0usize;
    for (soc, d) in demand {
        let title = titles
            .get(&soc)
            .cloned()
            .unwrap_or_else(|| fail(format!("no title for {soc}")));
        let occ = Occupation {
            soc: SocCode(soc),
            title,
            demand: vec![d],
            provenance: Some(Provenance {
                source: "bls_projections".into(),
                url: Some(BLS_URL.into()),
                release: pulled.release.clone(),
                retrieved_at: Some(RETRIEVED_AT.into()),
            }),
            ..Default::default()
        };
        added += 1;
        out.push(serde_json::to_string(&occ).expect("serialisable"));
    }

    let mut next: Vec<String> = lines[..=start].iter().map(|s| s.to_string()).collect();
    let n = out.len();
    next.extend(
        out.into_iter()
            .enumerate()
            .map(|(i, l)| format!("  {l}{}", if i + 1 < n { "," } else { "" })),
    );
    next.extend(lines[end..].iter().map(|s| s.to_string()));
    std::fs::write(&seed_path, next.join("\n") + "\n")
        .unwrap_or_else(|e| fail(format!("cannot write {seed_path}: {e}")));
    eprintln!("seed_demand: {kept} seed occupations updated, {added} demand-only occupations added to {seed_path}");
}

/// SOC code -> the BLS title of each detailed ("Line item") row of the CSV table.
fn titles(path: &str, bytes: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if !path.ends_with(".csv") {
        return out;
    }
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    for row in r.records().flatten() {
        if row.get(2) == Some("Line item")
            && let (Some(t), Some(soc)) = (row.get(0), row.get(1).and_then(soc_detailed))
        {
            out.insert(soc, t.trim().to_owned());
        }
    }
    out
}

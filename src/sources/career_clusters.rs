//! Advance CTE National Career Clusters Framework crosswalks: `SOC_Career_Clusters_Crosswalk.xlsx`
//! (sheet "SOC - CC - Sub-Clusters") or `Full_Framework_Crosswalk.xlsx` (sheet "SOC - CIP - CC"),
//! or CSV with the columns `SOC Code`, `Career Cluster`, `Sub-Cluster`.
//!
//! Enrichment only: each occupation gets every (cluster, sub-cluster) it is crosswalked to as
//! `clusters`, and, when it has no `cluster` yet, the first of them as `cluster`/`subcluster`
//! (a cluster set by an import is left alone; one set by an earlier `career_clusters` pull is
//! replaced). Rows without a SOC code are cluster headings and are skipped. SOC codes that
//! match no catalog occupation are listed in the `unmatched_occupation` warning.

use super::table::{cell, read_table};
use super::{Context, Fetched, PullError, Pulled};
use crate::domain::ClusterLink;
use std::collections::HashSet;

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut pulled = Pulled::default();
    let t = read_table(
        f.bytes.clone(),
        &["SOC - CC - Sub-Clusters", "SOC - CIP - CC"],
        &["SOC Code", "Career Cluster", "Sub-Cluster"],
        "the career clusters crosswalk",
        &mut pulled.warnings,
    )?;
    let c_soc = t.col("SOC Code")?;
    let c_cluster = t.col("Career Cluster")?;
    let c_sub = t.col("Sub-Cluster")?;
    pulled.release = Some("Advance CTE National Career Clusters Framework".into());
    let prov = ctx.provenance(pulled.release.as_deref());
    let mut seen = HashSet::new();
    let (mut headings, mut clusters) = (0u64, HashSet::new());
    for (row_no, row) in &t.rows {
        let raw = cell(row, c_soc);
        if raw.is_empty() {
            headings += 1;
            continue;
        }
        let Some(soc) = super::soc_detailed(raw) else {
            return Err(PullError::new(format!(
                "{}, row {row_no}: `{raw}` is not a SOC code",
                t.what
            )));
        };
        let cluster = cell(row, c_cluster).to_owned();
        if cluster.is_empty() {
            return Err(PullError::new(format!(
                "{}, row {row_no}: the career cluster is empty",
                t.what
            )));
        }
        let sub = Some(cell(row, c_sub).to_owned()).filter(|s| !s.is_empty());
        if !seen.insert((soc.clone(), cluster.clone(), sub.clone())) {
            continue;
        }
        clusters.insert(cluster.clone());
        pulled.enrich.clusters.push((
            soc,
            ClusterLink {
                cluster,
                subcluster: sub,
                provenance: Some(prov.clone()),
            },
        ));
    }
    pulled.counts.insert("rows".into(), t.rows.len() as u64);
    pulled
        .counts
        .insert("links".into(), pulled.enrich.clusters.len() as u64);
    pulled.counts.insert("clusters".into(), clusters.len() as u64);
    pulled.counts.insert("heading_rows".into(), headings);
    Ok(pulled)
}

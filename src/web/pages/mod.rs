//! The page handlers, one file per page: parse the query, call the use case, render a
//! template. The helpers here are shared by every page.

mod duplicates;
mod gaps;
mod home;
mod map;
mod occupation;
mod plan;
mod report;

pub use duplicates::duplicates;
pub use gaps::gaps;
pub use home::home;
pub use map::map;
pub use occupation::occupation;
pub use plan::{delete_plan, plan, save_plan};
pub use report::report;

use map::{credential_options, names};

use crate::api::AppState;
use crate::api::duplicates::{self as duplicates_api, DuplicatesQuery};
use crate::api::error::ApiError;
use crate::api::gaps::{self as gaps_api, GapsQuery};
use crate::api::maps::{self, CareerMapRequest};
use crate::api::plans::{self, NewPlan, Plans};
use crate::api::reports::{self as reports_api, AlignmentQuery};
use crate::graph::CatalogGraph;
use crate::i18n::Lang;
use crate::render::Format;
use crate::web::{PageCtx, charts};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::context;
use minijinja::value::Value;
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

type Query = BTreeMap<String, String>;

fn query_of(req: &HttpRequest) -> Query {
    web::Query::<Query>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default()
}

fn opt(q: &Query, k: &str) -> Option<String> {
    q.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::BadRequest(msg.into())
}

/// The SOC major groups (2018), for browsing occupations by field.
const MAJOR_GROUPS: &[(&str, &str)] = &[
    ("11", "Management"),
    ("13", "Business and Financial Operations"),
    ("15", "Computer and Mathematical"),
    ("17", "Architecture and Engineering"),
    ("19", "Life, Physical, and Social Science"),
    ("21", "Community and Social Service"),
    ("23", "Legal"),
    ("25", "Educational Instruction and Library"),
    ("27", "Arts, Design, Entertainment, Sports, and Media"),
    ("29", "Healthcare Practitioners and Technical"),
    ("31", "Healthcare Support"),
    ("33", "Protective Service"),
    ("35", "Food Preparation and Serving Related"),
    ("37", "Building and Grounds Cleaning and Maintenance"),
    ("39", "Personal Care and Service"),
    ("41", "Sales and Related"),
    ("43", "Office and Administrative Support"),
    ("45", "Farming, Fishing, and Forestry"),
    ("47", "Construction and Extraction"),
    ("49", "Installation, Maintenance, and Repair"),
    ("51", "Production"),
    ("53", "Transportation and Material Moving"),
    ("55", "Military Specific"),
];

fn clusters_of(o: &crate::domain::Occupation) -> BTreeSet<String> {
    o.cluster
        .iter()
        .cloned()
        .chain(o.clusters.iter().map(|c| c.cluster.clone()))
        .collect()
}

fn region_of(q: &Query) -> Result<String, ApiError> {
    let r = opt(q, "region").unwrap_or_else(|| "US".into());
    if crate::api::region_too_long(&r) {
        return Err(bad("region must be 1-32 characters, e.g. `US` or `TX`"));
    }
    Ok(r)
}

fn occupation_row(
    state: &AppState,
    g: &CatalogGraph,
    snap: &crate::service::Snapshot,
    soc: &str,
    region: &str,
) -> Value {
    let Some(ix) = g.occupation_ix(soc) else {
        return Value::UNDEFINED;
    };
    let d = snap.demand().occupation(g, ix, region, &state.settings.high_demand);
    let out = maps::occupation_out(g, &d, None);
    let clusters: Vec<String> = clusters_of(g.occupation(ix)).into_iter().collect();
    Value::from_serialize(json!({"occ": out, "clusters": clusters}))
}

fn parse_num<T: std::str::FromStr>(q: &Query, k: &str) -> Result<Option<T>, ApiError> {
    opt(q, k)
        .map(|v| v.parse().map_err(|_| bad(format!("{k}: `{v}` is not a number"))))
        .transpose()
}

fn checked(q: &Query, k: &str) -> Option<bool> {
    opt(q, k).map(|v| v == "true" || v == "on" || v == "1")
}

/// Sorts rows of a JSON list by `key` (numbers numerically, text by text).
fn sort_rows(rows: &mut [serde_json::Value], key: &str, desc: bool) {
    rows.sort_by(|a, b| {
        let o = match (a[key].as_f64(), b[key].as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a[key].to_string().cmp(&b[key].to_string()),
        };
        if desc { o.reverse() } else { o }
    });
}

//! The page handlers, one file per page: parse the query, call the use case, render a
//! template. The helpers here are shared by every page.

/// The value of a `Result`, or else (`return`) the error page for its error.
macro_rules! page_or_error {
    ($page:expr, $result:expr) => {
        match $result {
            Ok(v) => v,
            Err(e) => return $page.error(&ApiError::from(e)),
        }
    };
}

mod course;
mod credential;
mod duplicates;
mod gaps;
mod home;
mod map;
mod occupation;
mod plan;
mod report;

pub use course::course;
pub use credential::credential;
pub use duplicates::duplicates;
pub use gaps::gaps;
pub use home::home;
pub use map::map;
pub use occupation::occupation;
pub use plan::{delete_plan, plan, save_plan};
pub use report::report;

use map::credential_options;

use crate::api::AppState;
use crate::api::error::ApiError;
use crate::api::maps::{self, CareerMapRequest};
use crate::api::plans::{self, NewPlan, Plans};
use crate::app::detail::Requirement;
use crate::graph::{CatalogGraph, CompetencyIx, CourseIx, CredentialIx, Item};
use crate::i18n::Lang;
use crate::render::Format;
use crate::web::{PageCtx, charts};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::context;
use minijinja::value::Value;
use serde::Deserialize;
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

fn region_of(q: &Query) -> Result<String, ApiError> {
    let r = opt(q, "region").unwrap_or_else(|| crate::domain::region::NATIONAL.into());
    if crate::domain::region::too_long(&r) {
        return Err(bad(crate::domain::region::RegionError::TooLong.to_string()));
    }
    Ok(r)
}

/// Display names of the records a page shows, looked up in the graph by typed index (the
/// `name` macro of `macros.html` reads them by id).
#[derive(Default)]
struct Names(BTreeMap<String, String>);

impl Names {
    fn course(&mut self, g: &CatalogGraph, c: CourseIx) {
        let c = g.course(c);
        self.0.insert(c.id.to_string(), c.title.clone());
    }

    fn competency(&mut self, g: &CatalogGraph, k: CompetencyIx) {
        let k = g.competency(k);
        self.0.insert(k.id.to_string(), k.name.clone());
    }

    fn credential(&mut self, g: &CatalogGraph, c: CredentialIx) {
        let c = g.credential(c);
        self.0.insert(c.id.to_string(), c.title.clone());
    }

    /// A gap subject: documented as the id of a course, credential, articulation, competency
    /// or occupation; the first three kinds with a name are named.
    fn subject(&mut self, g: &CatalogGraph, id: &str) {
        if let Some(c) = g.course_ix(id) {
            self.course(g, c);
        } else if let Some(c) = g.credential_ix(id) {
            self.credential(g, c);
        } else if let Some(k) = g.competency_ix(id) {
            self.competency(g, k);
        }
    }

    fn into_value(self) -> Value {
        Value::from_serialize(self.0)
    }
}

/// A record's title in the page's language: its Spanish title where it has one.
fn local_title(title: &str, i18n: &crate::domain::I18n, lang: Lang) -> String {
    match lang {
        Lang::Es => i18n.es_title().unwrap_or(title).to_owned(),
        Lang::En => title.to_owned(),
    }
}

/// A course, credential or exam as a line of a page: its title, the page it opens (none for
/// an exam), its provider, hours and cost.
#[derive(serde::Serialize)]
struct ItemRow {
    kind: &'static str,
    title: String,
    href: Option<String>,
    provider: Option<String>,
    hours: f64,
    cost: Option<f64>,
}

/// The path of a record's page (`/courses/{id}`) in the page's language, its id
/// percent-encoded.
fn record_href(kind: &str, id: &str, lang: Lang) -> String {
    let mut out = format!("/{kind}/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if lang == Lang::Es {
        out.push_str("?lang=es");
    }
    out
}

fn item_row(g: &CatalogGraph, item: Item, lang: Lang) -> ItemRow {
    let (title, href, provider, cost) = match item {
        Item::Course(c) => {
            let c = g.course(c);
            let t = local_title(&c.title, &c.i18n, lang);
            (
                t,
                Some(record_href("courses", c.id.as_str(), lang)),
                c.provider.clone(),
                c.cost,
            )
        }
        Item::Credential(c) => {
            let c = g.credential(c);
            let t = local_title(&c.title, &c.i18n, lang);
            (
                t,
                Some(record_href("credentials", c.id.as_str(), lang)),
                c.provider.clone(),
                None,
            )
        }
        Item::Assessment(a) => {
            let a = g.assessment(a);
            (a.title.clone(), None, a.provider.clone(), a.cost)
        }
    };
    ItemRow {
        kind: item.step_kind().as_str(),
        title,
        href,
        provider,
        hours: g.item_hours(item),
        cost,
    }
}

/// A requirement group as the template reads it.
#[derive(serde::Serialize)]
struct RequirementRow {
    choose: Option<u32>,
    credits: Option<f64>,
    /// Every listed item must be done.
    all: bool,
    items: Vec<ItemRow>,
}

fn requirement_rows(g: &CatalogGraph, groups: &[Requirement], lang: Lang) -> Vec<RequirementRow> {
    groups
        .iter()
        .map(|r| RequirementRow {
            choose: r.choose,
            credits: r.credits,
            all: r.choose.is_some_and(|n| n as usize >= r.items.len()),
            items: r.items.iter().map(|&i| item_row(g, i, lang)).collect(),
        })
        .collect()
}

fn parse_num<T: std::str::FromStr>(q: &Query, k: &str) -> Result<Option<T>, ApiError> {
    opt(q, k)
        .map(|v| v.parse().map_err(|_| bad(format!("{k}: `{v}` is not a number"))))
        .transpose()
}

fn checked(q: &Query, k: &str) -> Option<bool> {
    opt(q, k).map(|v| v == "true" || v == "on" || v == "1")
}

/// The link to `path`'s CSV for the page's query: the `texts` parameters that are set, the
/// `flags` that are checked (as `true`), and every row.
fn csv_link(path: &str, q: &Query, texts: &[&'static str], flags: &[&'static str]) -> String {
    let mut params: Vec<(&str, String)> = vec![("format", "csv".into())];
    for &k in texts {
        if let Some(v) = opt(q, k) {
            params.push((k, v));
        }
    }
    for &k in flags {
        if checked(q, k) == Some(true) {
            params.push((k, "true".into()));
        }
    }
    params.push(("limit", "100000".into()));
    format!("{path}?{}", serde_urlencoded::to_string(params).unwrap_or_default())
}

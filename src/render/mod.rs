//! Renderings of analysis results: SVG pictures, Graphviz DOT, Mermaid and CTDL JSON-LD.
//!
//! Renderers are pure functions from an analysis result (plus the graph, for titles) to text.
//! They draw one plan of a career map (rank 1 unless asked otherwise); the JSON answer of the
//! API carries every plan.

pub mod ctdl;
pub mod dot;
pub mod format;
pub mod mermaid;
pub mod svg;

pub use format::{count, dollars, number, one_line, spreadsheet_cell, xml_escape};

use crate::analysis::career_map::{CareerMap, Plan, Target};
use crate::domain::System;
use crate::graph::{CatalogGraph, Item};
use crate::i18n::Lang;

/// The output formats of a career map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Svg,
    Dot,
    Mermaid,
    Ctdl,
}

impl Format {
    /// From `?format=`.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "json" => Format::Json,
            "svg" => Format::Svg,
            "dot" => Format::Dot,
            "mermaid" => Format::Mermaid,
            "ctdl" | "jsonld" => Format::Ctdl,
            _ => return None,
        })
    }

    /// From an `Accept` header: the first media type we can produce.
    pub fn from_accept(accept: &str) -> Option<Format> {
        accept.split(',').find_map(|part| {
            let media = part.split(';').next().unwrap_or("").trim();
            Some(match media {
                "image/svg+xml" => Format::Svg,
                "text/vnd.graphviz" => Format::Dot,
                "text/vnd.mermaid" | "text/x-mermaid" => Format::Mermaid,
                "application/ld+json" => Format::Ctdl,
                "application/json" => Format::Json,
                _ => return None,
            })
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Svg => "image/svg+xml",
            Format::Dot => "text/vnd.graphviz; charset=utf-8",
            Format::Mermaid => "text/vnd.mermaid; charset=utf-8",
            Format::Ctdl => "application/ld+json",
        }
    }
}

/// Renders plan `rank` of `map` (falls back to the first plan) in a text format.
/// Pictures (SVG) speak `lang`; the text formats are English.
pub fn render(format: Format, graph: &CatalogGraph, map: &CareerMap, rank: usize, lang: Lang) -> String {
    let plan = map.paths.iter().find(|p| p.rank == rank).or(map.paths.first());
    match format {
        Format::Svg => svg::career_map(graph, map, plan, lang),
        Format::Dot => dot::career_map(graph, map, plan),
        Format::Mermaid => mermaid::career_map(graph, map, plan),
        Format::Ctdl => ctdl::career_map(graph, map, plan).to_string(),
        Format::Json => String::new(),
    }
}

/// The title of a course, credential or assessment.
pub fn title(g: &CatalogGraph, item: Item) -> &str {
    g.item_title(item)
}

/// "Registered Nurses (29-1141)" or the credential's title.
pub fn target_name(g: &CatalogGraph, map: &CareerMap) -> String {
    match map.target {
        Target::Occupation(o) => format!("{} ({})", g.occupation(o).title, g.occupation(o).soc),
        Target::Credential(c) => format!("{} ({})", g.credential(c).title, g.credential(c).id),
    }
}

/// Every item a plan shows: steps, then skipped items.
pub fn items_of(plan: &Plan) -> Vec<Item> {
    let mut v: Vec<Item> = plan.steps.iter().map(|s| s.item).collect();
    for s in &plan.skipped {
        if !v.contains(&s.item) {
            v.push(s.item);
        }
    }
    v
}

/// A run of consecutive plan steps in one system (high school, adult education, college,
/// work-based learning): how the pictures group a plan into bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// 1-based position in the plan.
    pub number: usize,
    pub system: System,
    pub steps: Vec<Item>,
    pub hours: f64,
}

/// The plan's steps in their order, cut into [`Band`]s wherever the system changes.
pub fn bands(plan: &Plan) -> Vec<Band> {
    let mut out: Vec<Band> = Vec::new();
    for s in &plan.steps {
        match out.last_mut() {
            Some(b) if b.system == s.system => {
                b.steps.push(s.item);
                b.hours += s.hours;
            }
            _ => out.push(Band {
                number: out.len() + 1,
                system: s.system,
                steps: vec![s.item],
                hours: s.hours,
            }),
        }
    }
    out
}

/// A system in plain words.
pub fn system_words(s: System) -> &'static str {
    match s {
        System::Secondary => "High school",
        System::Adult => "Adult education",
        System::Postsecondary => "College",
        System::WorkBased => "Work and apprenticeship",
    }
}

/// A stable node id for text formats.
pub fn node_id(g: &CatalogGraph, item: Item) -> String {
    let raw = g.item_id(item);
    let mut s: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    s.insert_str(0, if matches!(item, Item::Course(_)) { "c_" } else { "k_" });
    s
}

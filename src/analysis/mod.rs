//! Analyses: pure functions over a [`crate::graph::CatalogGraph`]. No I/O happens here.

pub mod cache;
pub mod career_map;
pub mod catalog;
pub mod demand;
pub mod duplicate_filter;
pub mod duplicates;
pub mod gaps;
pub mod reach;
pub mod report;
pub mod report_compare;
pub mod suggest;
pub mod supply;
pub mod text;

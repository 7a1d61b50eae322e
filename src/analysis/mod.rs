//! Analyses: pure functions over a [`crate::graph::CatalogGraph`]. No I/O happens here.

pub mod career_map;
pub mod catalog;
pub mod demand;

//! Analyses: pure functions over a [`crate::graph::CatalogGraph`]. No I/O happens here.

pub mod catalog;

//! careermap: stackable-credential career maps from CTE courses to high-demand occupations.
//!
//! The crate is layered (arrows point down only): [`api`] -> [`service`] -> ([`analysis`],
//! [`store`]) -> [`graph`] -> [`domain`]. See ARCHITECTURE.md.

pub mod analysis;
pub mod api;
pub mod domain;
pub mod graph;
pub mod render;
pub mod service;
pub mod settings;
pub mod sources;
pub mod startup;
pub mod store;
pub mod synth;
pub mod telemetry;
pub mod web;

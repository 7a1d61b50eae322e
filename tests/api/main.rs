//! The integration tests: one binary, each module a capability, all over real HTTP against
//! the real server on a random loopback port.

#[allow(dead_code)] // each capability uses part of the harness
#[path = "../common/mod.rs"]
mod common;

mod analysis;
mod browser;
mod catalog;
mod contract;
mod edges;
mod hardening;
mod imports;
mod integrity;
mod maps;
mod openapi;
mod pictures;
mod planner;
mod plans;
mod search;
mod seed_maps;
mod spreadsheets;
mod web;

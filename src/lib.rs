//! careermap: stackable-credential career maps from CTE courses to high-demand occupations.
//!
//! The crate is layered; each module may use only the modules in its row (the one table, in
//! ARCHITECTURE.md and the README; `tests/layers.rs` checks it):
//!
//! | layer | what it is | may use |
//! |---|---|---|
//! | `startup` | builds the server (one `Application::build` for production and tests) | `web`, `api`, `app`, `pulls`, `service`, `analysis`, `settings` |
//! | `web` | server-rendered pages for counselors and planners (minijinja templates, embedded assets) over `app/` | `app`, `api`, `service`, `analysis`, `render`, `graph`, `i18n`, `domain`, `settings` |
//! | `api` | actix-web handlers, wire types, utoipa docs, problem+json errors, auth, limits | everything below |
//! | `app` | use cases: one function per thing a user asks (career map, saved plans, duplicates, gaps, alignment report and comparison, supply, suggestions, imports, pulls, restore), typed parameters and results, an error type with no HTTP | `pulls`, `service`, `store`, `analysis`, `render`, `graph`, `sources`, `settings`, `i18n`, `domain`, `telemetry` |
//! | `pulls` | runs a connector as a job: fetch, parse, `Catalog::write_with`, the job record | `service`, `sources`, `store`, `settings`, `domain` |
//! | `service` | the `Catalog`: store + current snapshot (`ArcSwap`), serialised writes | `store`, `analysis`, `graph`, `settings`, `domain`, `telemetry` |
//! | `settings` | one typed struct from CLI flags and `CAREERMAP_*` variables | `analysis`, `sources`, `domain` |
//! | `render` | SVG, Graphviz DOT, Mermaid, CTDL JSON-LD, CSV views of results | `analysis`, `graph`, `i18n`, `domain` |
//! | `analysis` | career-map engine, gaps, duplicates (competencies, text, codes), text model, competency suggestions, supply vs demand, demand policy (pure functions over a graph) | `graph`, `graph::algo`, `domain` |
//! | `graph` | petgraph model built from one dataset version (immutable, shared by `Arc`) | `domain` |
//! | `graph::algo` | generic graph algorithms over integer ids (petgraph inside) | nothing of ours |
//! | `store` | sled persistence: content-addressed chunks, kept dataset versions, the typed pull-job and saved-plan stores | `domain`, `telemetry` |
//! | `sources` | connectors: reqwest wire client and parsers of external formats into records, and the spreadsheet import format and its template (`workbook.rs`) | `domain`, `graph::algo` |
//! | `synth` | random valid catalogs for tests and benchmarks | `domain` |
//! | `cli_progress` | progress of `careermap import` and `pull` on stderr: an indicatif bar on a terminal, plain lines otherwise | `domain` |
//! | `domain` | plain types, ids, requirement logic, `Bundle` + validation (no I/O) | `graph::algo` |
//! | `telemetry` | tracing set-up, phase timings (wall, CPU, resident memory) of long work | nothing of ours |
//! | `i18n` | Fluent message catalogs (English, Spanish) for pages and pictures, and the choice of language | nothing of ours |
//!
//! A row may name a sub-module (`graph::algo`), which is then a layer of its own. Every use
//! case is one function in the `app` layer, which the API, the pages and the CLI call.
//! [`sources`] are pure connectors; [`pulls`] runs them as jobs against the [`service`].

pub mod analysis;
pub mod api;
pub mod app;
pub mod cli_progress;
pub mod domain;
pub mod graph;
pub mod i18n;
pub mod pulls;
pub mod render;
pub mod service;
pub mod settings;
pub mod sources;
pub mod startup;
pub mod store;
pub mod synth;
pub mod telemetry;
pub mod web;

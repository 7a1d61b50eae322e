//! Search by any name a person uses (`GET /v1/search`, the home page's box): the snapshot's
//! search index ([`crate::analysis::search`]) asked on the blocking pool, its hits named in
//! the reader's language.

use super::gaps::check_region;
use super::{App, AppError};
use crate::analysis::search::{HitKind, Matched, SearchQuery};
use crate::graph::{CourseIx, CredentialIx, OccupationIx};
use crate::i18n::Lang;
use crate::service::Snapshot;
use std::sync::Arc;

/// The most hits one search answers.
pub const MAX_LIMIT: usize = 100;
/// Hits answered when the request does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// The longest query read (longer text is a 422).
pub const MAX_QUERY_CHARS: usize = 200;

/// What a reader searches for.
#[derive(Debug, Clone)]
pub struct SearchParams {
    pub q: String,
    /// The language of the titles answered (a record's Spanish title where it has one).
    pub lang: Lang,
    /// Kinds to find (all when empty).
    pub kinds: Vec<HitKind>,
    /// A region the catalog knows (`US` by default); checked like every `region=`.
    pub region: String,
    /// Only records the catalog has a route to.
    pub routes_only: bool,
    pub limit: usize,
}

/// One record found, named for the reader.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub kind: HitKind,
    /// The record's id (an occupation's SOC code).
    pub id: String,
    pub title: String,
    pub score: f32,
    pub matched: Matched,
    pub has_route: bool,
}

/// The hits, best first, how many records matched, and the snapshot searched.
pub struct SearchAnswer {
    pub snapshot: Arc<Snapshot>,
    pub hits: Vec<SearchHit>,
    pub total: usize,
}

/// Reads a `kind=` list (`occupation,credential,course`; spaces and empty items ignored).
pub fn parse_kinds(s: &str) -> Result<Vec<HitKind>, AppError> {
    let mut out = Vec::new();
    for k in s.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let kind = HitKind::parse(k).ok_or_else(|| AppError::InvalidParameter {
            name: "kind".into(),
            message: format!("unknown kind `{k}` (use occupation, credential, course)"),
        })?;
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    Ok(out)
}

/// Checks what the reader typed and the limit.
pub fn check(p: &SearchParams) -> Result<(), AppError> {
    if p.q.trim().is_empty() {
        return Err(AppError::InvalidParameter {
            name: "q".into(),
            message: "give the words to search for".into(),
        });
    }
    if p.q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::InvalidParameter {
            name: "q".into(),
            message: format!("at most {MAX_QUERY_CHARS} characters"),
        });
    }
    if !(1..=MAX_LIMIT).contains(&p.limit) {
        return Err(AppError::InvalidParameter {
            name: "limit".into(),
            message: format!("must be from 1 to {MAX_LIMIT}, got {}", p.limit),
        });
    }
    Ok(())
}

/// Searches the current snapshot (on the blocking pool: the first search of a snapshot builds
/// its index).
pub async fn search(app: &App, p: SearchParams) -> Result<SearchAnswer, AppError> {
    check(&p)?;
    let snapshot = app.catalog.snapshot();
    check_region(&snapshot, &p.region)?;
    app.run_blocking(move || search_on(snapshot, &p)).await
}

/// [`search`] on one snapshot, on the caller's thread.
pub fn search_on(snapshot: Arc<Snapshot>, p: &SearchParams) -> Result<SearchAnswer, AppError> {
    let index = snapshot
        .search_index()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("search index: {e}")))?;
    let query = SearchQuery {
        text: p.q.clone(),
        kinds: p.kinds.clone(),
        routes_only: p.routes_only,
        limit: p.limit,
    };
    let g = &snapshot.graph;
    let found = index
        .search(g, snapshot.reachability(), &query)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("search: {e}")))?;
    let hits = found
        .hits
        .iter()
        .map(|h| {
            let (id, title, i18n) = match h.kind {
                HitKind::Occupation => {
                    let o = g.occupation(OccupationIx(h.ix));
                    (o.soc.to_string(), &o.title, &o.i18n)
                }
                HitKind::Credential => {
                    let c = g.credential(CredentialIx(h.ix));
                    (c.id.to_string(), &c.title, &c.i18n)
                }
                HitKind::Course => {
                    let c = g.course(CourseIx(h.ix));
                    (c.id.to_string(), &c.title, &c.i18n)
                }
            };
            let title = match p.lang {
                Lang::Es => i18n.es_title().unwrap_or(title).to_owned(),
                Lang::En => title.clone(),
            };
            SearchHit {
                kind: h.kind,
                id,
                title,
                score: h.score,
                matched: h.matched,
                has_route: h.has_route,
            }
        })
        .collect();
    Ok(SearchAnswer {
        hits,
        total: found.total,
        snapshot,
    })
}

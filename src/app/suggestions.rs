//! Competency suggestions for one course, or in bulk for the courses without tags, on the
//! current snapshot's text model and suggester (built once per snapshot).

use super::{App, AppError};
use crate::analysis::suggest::{self, Suggestion};
use crate::graph::CourseIx;
use crate::service::Snapshot;
use std::sync::Arc;

/// The suggestions for one course and the snapshot they were computed on.
pub struct CourseSuggestions {
    pub snapshot: Arc<Snapshot>,
    pub course: CourseIx,
    /// Best first.
    pub suggestions: Vec<Suggestion>,
}

/// Up to `limit` suggestions scoring at least `min_score` for the course `id`.
pub async fn for_course(app: &App, id: String, min_score: f64, limit: usize) -> Result<CourseSuggestions, AppError> {
    let snapshot = app.catalog.snapshot();
    let Some(course) = snapshot.graph.course_ix(&id) else {
        return Err(AppError::NotFound { what: "course", id });
    };
    app.run_blocking(move || {
        let s = &snapshot;
        let suggestions = suggest::suggest(&s.graph, s.suggester(), s.text_model(), course, min_score, limit);
        Ok(CourseSuggestions {
            snapshot,
            course,
            suggestions,
        })
    })
    .await
}

/// What a reader asks of the bulk suggestions.
#[derive(Debug, Clone, Copy)]
pub struct BulkRequest {
    pub min_score: f64,
    pub per_course: usize,
    /// Every course, not only the untagged ones.
    pub all: bool,
    pub limit: usize,
    pub offset: usize,
}

/// One page of courses with their suggestions.
pub struct BulkSuggestions {
    pub snapshot: Arc<Snapshot>,
    pub courses: Vec<(CourseIx, Vec<Suggestion>)>,
    /// Courses considered, over all pages.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// The suggestions of one page of the untagged courses (or of every course with `all`).
pub async fn bulk(app: &App, req: BulkRequest) -> Result<BulkSuggestions, AppError> {
    let snapshot = app.catalog.snapshot();
    app.run_blocking(move || {
        let g = &snapshot.graph;
        let courses: Vec<CourseIx> = if req.all {
            (0..g.n_courses()).map(|i| CourseIx(i as u32)).collect()
        } else {
            suggest::untagged_courses(g)
        };
        let (suggester, text) = (snapshot.suggester(), snapshot.text_model());
        let page = courses
            .iter()
            .skip(req.offset)
            .take(req.limit)
            .map(|&c| {
                (
                    c,
                    suggest::suggest(g, suggester, text, c, req.min_score, req.per_course),
                )
            })
            .collect();
        Ok(BulkSuggestions {
            total: courses.len(),
            courses: page,
            snapshot,
            limit: req.limit,
            offset: req.offset,
        })
    })
    .await
}

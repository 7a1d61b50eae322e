//! `/credentials/{id}`: what a credential is, what it requires and costs, where it is offered,
//! what it stacks into and the occupations it qualifies for ([`crate::app::detail::credential`]).

use super::*;
use crate::app::detail;

/// An occupation the credential qualifies for, as the template reads it.
#[derive(serde::Serialize)]
struct JobRow {
    occ: maps::OccupationOut,
    /// `stated`, `ctdl` or `cip_soc`.
    evidence: Option<crate::domain::Evidence>,
}

/// `/credentials/{id}`.
pub async fn credential(state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let region = page_or_error!(page, region_of(&q));
    let d = page_or_error!(page, detail::credential(&state.app, &id, &region));
    let snap = &d.snapshot;
    let g = &snap.graph;
    let c = g.credential(d.credential);
    let creds = |v: &[CredentialIx]| -> Vec<ItemRow> {
        v.iter().map(|&x| item_row(g, Item::Credential(x), page.lang)).collect()
    };
    let jobs: Vec<JobRow> = d
        .occupations
        .iter()
        .map(|(o, evidence)| JobRow {
            occ: maps::occupation_out(g, o, Some(d.credential)),
            evidence: *evidence,
        })
        .collect();
    page.render(
        StatusCode::OK,
        "credential.html",
        context! {
            title => local_title(&c.title, &c.i18n, page.lang),
            kind => c.kind,
            level => c.level,
            provider => c.provider.clone(),
            requires => Value::from_serialize(requirement_rows(g, &d.requires, page.lang)),
            exams => Value::from_serialize(d.exams.iter().map(|&a| item_row(g, Item::Assessment(a), page.lang)).collect::<Vec<_>>()),
            exam_fees => d.exam_fees,
            offered_by => d.offered_by.clone(),
            stacks_into => Value::from_serialize(creds(&d.stacks_into)),
            stacked_from => Value::from_serialize(creds(&d.stacked_from)),
            jobs => Value::from_serialize(jobs),
            has_route => d.has_route,
            id => c.id.to_string(),
            region => d.region.clone(),
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}

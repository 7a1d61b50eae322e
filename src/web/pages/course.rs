//! `/courses/{id}`: what a course is, what it needs, what it counts toward and the credit it
//! carries ([`crate::app::detail::course`]).

use super::*;
use crate::app::detail;

/// Credit between two records, as the template reads it.
#[derive(serde::Serialize)]
struct CreditRow {
    item: ItemRow,
    credits: f64,
}

/// `/courses/{id}`.
pub async fn course(state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let d = page_or_error!(page, detail::course(&state.app, &id));
    let snap = &d.snapshot;
    let g = &snap.graph;
    let c = g.course(d.course);
    let credit = |v: Vec<(Item, f64)>| -> Vec<CreditRow> {
        v.into_iter()
            .map(|(item, credits)| CreditRow {
                item: item_row(g, item, page.lang),
                credits,
            })
            .collect()
    };
    let description = match page.lang {
        Lang::Es => c
            .i18n
            .es
            .as_ref()
            .and_then(|t| t.description.clone())
            .or(c.description.clone()),
        Lang::En => c.description.clone(),
    };
    page.render(
        StatusCode::OK,
        "course.html",
        context! {
            title => local_title(&c.title, &c.i18n, page.lang),
            system => c.system,
            provider => c.provider.clone(),
            hours => c.hours,
            credits => c.credits,
            cost => c.cost,
            description,
            prerequisites => Value::from_serialize(requirement_rows(g, &d.prerequisites, page.lang)),
            counts_toward => Value::from_serialize(d.counts_toward.iter().map(|&i| item_row(g, i, page.lang)).collect::<Vec<_>>()),
            credit_toward => Value::from_serialize(credit(d.credit_toward.iter().map(|&(k, n)| (Item::Course(k), n)).collect())),
            credit_from => Value::from_serialize(credit(d.credit_from.clone())),
            has_route => d.has_route,
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}

//! `/planner/duplicates`: the duplicate pairs with the API's filters.

use super::*;
use crate::analysis::duplicate_filter::PairOrder;
use crate::api::duplicates::{DuplicatesOut, DuplicatesQuery};

/// `/planner/duplicates`: the duplicate pairs with the API's filters, sorted over all pages by
/// a column (server-side links), CSV link.
pub async fn duplicates(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let sort = opt(&q, "sort").unwrap_or_else(|| PairOrder::Jaccard.as_str().into());
    let desc = opt(&q, "dir").as_deref() != Some("asc");
    let result = async {
        let dq = DuplicatesQuery {
            min_overlap: parse_num(&q, "min_overlap")?,
            systems: opt(&q, "systems"),
            cross_system: checked(&q, "cross_system"),
            unarticulated: checked(&q, "unarticulated"),
            limit: Some(parse_num(&q, "limit")?.unwrap_or(200)),
            offset: parse_num(&q, "offset")?,
            ..Default::default()
        };
        let order = PairOrder::parse(&sort).map(|o| (o, desc));
        Ok::<_, ApiError>(crate::app::duplicates::duplicates(&state, dq.request(order)?).await?)
    }
    .await;
    let found = page_or_error!(page, result);
    let g = &found.snapshot.graph;
    let mut names = Names::default();
    for p in found.page() {
        names.course(g, p.a);
        names.course(g, p.b);
        for &k in &p.shared {
            names.competency(g, k);
        }
    }
    let csv = csv_link(
        "/v1/duplicates",
        &q,
        &["min_overlap", "systems"],
        &["cross_system", "unarticulated"],
    );
    let base: Vec<(String, String)> = q
        .iter()
        .filter(|(k, _)| !["sort", "dir"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    page.render(
        StatusCode::OK,
        "duplicates.html",
        context! {
            out => Value::from_serialize(DuplicatesOut::new(&found)),
            names => names.into_value(),
            q => Value::from_serialize(&q),
            sort, desc, csv,
            base => serde_urlencoded::to_string(base).unwrap_or_default(),
            systems => crate::domain::System::ALL.map(|s| s.as_str()),
        },
    )
}

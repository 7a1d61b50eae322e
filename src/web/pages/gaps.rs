//! `/planner/gaps`: the gaps with the API's filters.

use super::*;
use crate::analysis::gaps::GapKind;
use crate::api::gaps::{GapsOut, GapsQuery};
use crate::app::gaps::GapOrder;
use crate::domain::EntryPoint;

/// `/planner/gaps`: gaps by kind, most severe first (over all pages), with the suggestion and
/// POS component.
pub async fn gaps(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let result = async {
        let gq = GapsQuery {
            kind: opt(&q, "kind"),
            region: opt(&q, "region"),
            entry: opt(&q, "entry"),
            limit: Some(parse_num(&q, "limit")?.unwrap_or(500)),
            offset: parse_num(&q, "offset")?,
            ..Default::default()
        };
        let request = gq.request(&state.settings.high_demand, GapOrder::RelativeSeverity)?;
        Ok::<_, ApiError>(crate::app::gaps::gaps(&state, request).await?)
    }
    .await;
    let found = page_or_error!(page, result);
    let g = &found.snapshot.graph;
    let mut names = Names::default();
    for gap in found.page() {
        for s in &gap.subjects {
            names.subject(g, s);
        }
    }
    let csv = csv_link("/v1/gaps", &q, &["kind", "region", "entry"], &[]);
    page.render(
        StatusCode::OK,
        "gaps.html",
        context! {
            out => Value::from_serialize(GapsOut::new(&found)),
            names => names.into_value(),
            q => Value::from_serialize(&q),
            kinds => GapKind::ALL.map(GapKind::as_str),
            entries => EntryPoint::ALL.map(EntryPoint::as_str),
            csv,
        },
    )
}

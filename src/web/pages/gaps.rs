//! `/planner/gaps`: the gaps with the API's filters.

use super::*;

/// `/planner/gaps`: gaps by kind, most severe first, with the suggestion and POS component.
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
        gaps_api::gaps_answer(&state, gq).await
    }
    .await;
    let out = match result {
        Ok(o) => o,
        Err(e) => return page.error(&e),
    };
    let mut v = serde_json::to_value(&out).unwrap_or_default();
    if let Some(rows) = v["gaps"].as_array_mut() {
        sort_rows(rows, "relative_severity", true);
    }
    let g = &state.catalog.snapshot().graph;
    let csv = {
        let mut params: Vec<(&str, String)> = vec![("format", "csv".into())];
        for k in ["kind", "region", "entry"] {
            if let Some(v) = opt(&q, k) {
                params.push((k, v));
            }
        }
        params.push(("limit", "100000".into()));
        format!("/v1/gaps?{}", serde_urlencoded::to_string(params).unwrap_or_default())
    };
    page.render(
        StatusCode::OK,
        "gaps.html",
        context! {
            out => Value::from_serialize(&v),
            names => names(g, &v),
            q => Value::from_serialize(&q),
            kinds => crate::analysis::gaps::GapKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            entries => ["secondary", "adult", "postsecondary"],
            csv,
        },
    )
}

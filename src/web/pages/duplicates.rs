//! `/planner/duplicates`: the duplicate pairs with the API's filters.

use super::*;

/// `/planner/duplicates`: the duplicate pairs with the API's filters, sortable, CSV link.
pub async fn duplicates(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let sort = opt(&q, "sort").unwrap_or_else(|| "jaccard".into());
    let desc = opt(&q, "dir").as_deref() != Some("asc");
    let result = async {
        let dq = DuplicatesQuery {
            min_overlap: parse_num(&q, "min_overlap")?,
            systems: opt(&q, "systems"),
            cross_system: checked(&q, "cross_system"),
            unarticulated: checked(&q, "unarticulated"),
            format: None,
            limit: Some(parse_num(&q, "limit")?.unwrap_or(200)),
            offset: parse_num(&q, "offset")?,
            ..Default::default()
        };
        duplicates_api::duplicates_answer(&state, dq).await
    }
    .await;
    let out = match result {
        Ok(o) => o,
        Err(e) => return page.error(&e),
    };
    let mut v = serde_json::to_value(&out).unwrap_or_default();
    let g = &state.catalog.snapshot().graph;
    if let Some(rows) = v["pairs"].as_array_mut() {
        for r in rows.iter_mut() {
            r["shared_count"] = r["shared"].as_array().map_or(0, Vec::len).into();
        }
        if [
            "a",
            "b",
            "jaccard",
            "shared_count",
            "articulated",
            "system_a",
            "system_b",
        ]
        .contains(&sort.as_str())
        {
            sort_rows(rows, &sort, desc);
        }
    }
    let csv = {
        let mut params: Vec<(&str, String)> = vec![("format", "csv".into())];
        for k in ["min_overlap", "systems"] {
            if let Some(v) = opt(&q, k) {
                params.push((k, v));
            }
        }
        for k in ["cross_system", "unarticulated"] {
            if checked(&q, k) == Some(true) {
                params.push((k, "true".into()));
            }
        }
        params.push(("limit", "100000".into()));
        format!(
            "/v1/duplicates?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    };
    let base: Vec<(String, String)> = q
        .iter()
        .filter(|(k, _)| !["sort", "dir"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    page.render(
        StatusCode::OK,
        "duplicates.html",
        context! {
            out => Value::from_serialize(&v),
            names => names(g, &v),
            q => Value::from_serialize(&q),
            sort, desc, csv,
            base => serde_urlencoded::to_string(base).unwrap_or_default(),
            systems => ["secondary", "adult", "postsecondary", "work_based"],
        },
    )
}

//! BLS: the Public Data API and every row of the Employment Projections table (aggregated
//! codes as occupations, flagged figures).

use crate::*;

#[actix_web::test]
async fn the_bls_api_gives_state_demand_and_reports_quota() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let job = app
        .pull_with(json!({"source": "bls_api", "url": format!("{up}/blsapi/ok"),
            "options": {"states": ["TX"], "occupations": ["29-1141", "31-1131"]}}))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["release"], "OEWS May 2024");
    assert_eq!(job["counts"]["series_requested"], 18);
    assert!(warning(&job, "api_message").is_some());
    let rn = app.get_value("/v1/occupations/29-1141").await;
    let tx = in_region(&rn["demand"], "TX");
    assert_eq!(tx["employment"], 230_150.0);
    assert_eq!(tx["median_wage"], 93_390.0);
    assert_eq!(tx["provenance"]["source"], "bls_api");
    let w = &rn["wages"][0];
    assert_eq!(w["top_coded"], json!(["annual.p90"]));
    assert_eq!(w["annual"]["p90"], Value::Null);
    let na = app.get_value("/v1/occupations/31-1131").await;
    assert_eq!(
        na["demand"][0]["employment"], 98_760.0,
        "values come as strings with commas"
    );
    assert_eq!(na["wages"][0]["not_available"], json!(["annual.median"]));

    // Another state's pull from the same endpoint leaves Texas alone; the fixture has no Ohio
    // series, so that pull read nothing and fails rather than commit an empty change.
    let oh = app
        .pull_with(json!({"source": "bls_api", "url": format!("{up}/blsapi/ok"),
            "options": {"states": ["OH"], "occupations": ["29-1141"]}}))
        .await;
    assert_eq!(oh["state"], "failed", "{oh:#}");
    assert!(
        oh["error"].as_str().unwrap().contains("holds no bls_api data"),
        "{oh:#}"
    );
    let rn = app.get_value("/v1/occupations/29-1141").await;
    assert!(rn["demand"].as_array().unwrap().iter().any(|d| d["region"] == "TX"));

    let before = app.version().await;
    let job = app
        .pull_with(json!({"source": "bls_api", "url": format!("{up}/blsapi/quota"),
            "options": {"states": ["TX"], "occupations": ["29-1141"]}}))
        .await;
    assert_eq!(job["state"], "failed");
    assert!(
        job["error"].as_str().unwrap().starts_with(
            "the BLS API did not process the request (REQUEST_NOT_PROCESSED): Request could not be serviced, as the daily threshold"
        ),
        "{job:#}"
    );
    assert_eq!(app.version().await, before);
}

/// Occupation rows of the projections workbook as published: every "Line item" row whose code
/// is a SOC code, detailed or aggregated (read here with calamine, independently of the
/// connector).
fn projection_rows(data: &Path) -> Vec<(String, String)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(data.join("bls_ep/occupation.xlsx")).unwrap();
    let range = wb.worksheet_range("Table 1.2").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let h = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "Occupation type"))
        .unwrap();
    let col = |name: &str| rows[h].iter().position(|c| c.starts_with(name)).unwrap();
    let (code, kind, title) = (
        col("2024 National Employment Matrix code"),
        col("Occupation type"),
        col("2024 National Employment Matrix title"),
    );
    rows[h + 1..]
        .iter()
        .filter(|r| r[kind] == "Line item" && r[code].len() == 7 && r[code].as_bytes()[2] == b'-')
        .map(|r| (r[code].clone(), r[title].trim().to_owned()))
        .collect()
}

/// Issue 9, item 4: no BLS row is lost. After O*NET and the projections workbook, the number
/// of occupation rows in the file equals the number of occupations with national projections;
/// the twelve aggregated codes (31-1120...) are occupations with their figures, covering the
/// detailed codes they replace; a career map can target one; and flagged figures stay flagged.
#[actix_web::test]
async fn every_projections_row_is_an_occupation_with_demand() {
    let data = need_shared_data!(
        "onet/db_29_3_excel",
        "bls_ep/occupation.xlsx",
        "cip/CIP2020_SOC2018_Crosswalk.xlsx"
    );
    let rows = projection_rows(&data);
    assert_eq!(rows.len(), 832, "the 2024-34 table's line items");
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    for (source, path) in [
        ("onet_db", "zip/onet_excel.zip"),
        ("bls_projections", "data/bls_ep/occupation.xlsx"),
        ("cip_soc", "data/cip/CIP2020_SOC2018_Crosswalk.xlsx"),
    ] {
        let job = app.pull(source, &format!("{up}/ok/{path}")).await;
        assert_eq!(job["state"], "succeeded", "{job:#}");
        if source == "bls_projections" {
            assert!(warning(&job, "unmatched_occupation").is_none(), "{job:#}");
            assert_eq!(job["counts"]["occupation_rows"], rows.len() as u64);
        }
    }
    let snap = app.catalog.snapshot();
    let b = snap.bundle();
    let projected: Vec<&careermap::domain::Occupation> = b
        .occupations
        .iter()
        .filter(|o| {
            o.demand
                .iter()
                .any(|d| d.region == "US" && d.provenance.as_ref().is_some_and(|p| p.source == "bls_projections"))
        })
        .collect();
    assert_eq!(projected.len(), rows.len(), "rows in, occupations with demand out");
    let socs: std::collections::BTreeSet<&str> = projected.iter().map(|o| o.soc.as_str()).collect();
    for (code, _) in &rows {
        assert!(socs.contains(code.as_str()), "{code} has demand");
    }
    let aggregates: Vec<&&careermap::domain::Occupation> = projected.iter().filter(|o| !o.covers.is_empty()).collect();
    assert_eq!(
        aggregates.len(),
        12,
        "{:?}",
        aggregates.iter().map(|o| o.soc.as_str()).collect::<Vec<_>>()
    );
    // Every occupation O*NET has and the table does not list is covered by exactly one aggregate.
    let covered: Vec<&str> = aggregates
        .iter()
        .flat_map(|o| o.covers.iter().map(|c| c.as_str()))
        .collect();
    // (Military occupations, 55-, are not projected by BLS at all.)
    let mut unprojected: Vec<&str> = b
        .occupations
        .iter()
        .filter(|o| !socs.contains(o.soc.as_str()) && !o.soc.as_str().starts_with("55-"))
        .map(|o| o.soc.as_str())
        .collect();
    unprojected.sort();
    let mut sorted = covered.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), covered.len(), "no code covered twice");
    assert_eq!(
        sorted, unprojected,
        "the aggregates cover exactly the detailed codes the table replaces"
    );

    let aides = app.get_value("/v1/occupations/31-1120").await;
    assert_eq!(aides["title"], "Home health and personal care aides");
    assert_eq!(aides["covers"], json!(["31-1121", "31-1122"]));
    let us = &aides["demand"][0];
    assert_eq!(us["annual_openings"], 765_800.0);
    assert_eq!(us["employment"], 4_347_700.0);
    assert_eq!(us["median_wage"], 34_900.0);
    // Flags: the 17 top-coded medians and the 6 withheld ones (—) are flagged, never numbers.
    let flagged = |flag: &str| {
        projected
            .iter()
            .filter(|o| o.demand.iter().any(|d| d.flags.iter().any(|f| f == flag)))
            .count()
    };
    assert_eq!(flagged("median_wage_top_coded"), 17);
    assert_eq!(flagged("median_wage_suppressed"), 6);
    let actors = app.get_value("/v1/occupations/27-2011").await;
    assert_eq!(actors["demand"][0]["flags"], json!(["median_wage_suppressed"]));
    assert_eq!(actors["demand"][0]["median_wage"], Value::Null);

    // A map can target the aggregate: without entry credentials of its own, it is entered
    // through those of the occupations it covers.
    import_json(
        &app,
        "merge",
        &json!({
            "courses": [{"id": "adult.hha-training", "title": "Home health aide training (75 hours)", "system": "adult", "hours": 75}],
            "credentials": [{"id": "st.hha", "title": "Home health aide certificate", "kind": "certificate", "level": 1,
                "requires": [{"choose": 1, "from": ["adult.hha-training"]}]}]
        }),
    )
    .await;
    import_json(
        &app,
        "patch",
        &json!({"occupations": [{"soc": "31-1121", "entry_credentials": ["st.hha"]}]}),
    )
    .await;
    let map: Value = career_map(
        &app,
        json!({"target": {"occupation": "31-1120"}, "entry": "adult", "k": 1}),
    )
    .await
    .1;
    assert_eq!(map["paths"][0]["reaches"], json!(["st.hha"]), "{map:#}");
    let dest = &map["target"]["occupations"][0];
    assert_eq!(dest["soc"], "31-1120");
    assert_eq!(dest["annual_openings"], 765_800.0);
    assert_eq!(dest["covers"], json!(["31-1121", "31-1122"]));
    // Low wage, so not high demand; and it is in the distribution once.
    assert_eq!(dest["high_demand"], false);
    assert_eq!(
        map["high_demand_basis"]["occupations_in_distribution"],
        rows.len() as u64
    );
    // A covered occupation has no figures of its own: its map shows the aggregate's, named.
    let detailed: Value = career_map(
        &app,
        json!({"target": {"occupation": "31-1121"}, "entry": "adult", "k": 1}),
    )
    .await
    .1;
    let dest = &detailed["target"]["occupations"][0];
    assert_eq!(dest["soc"], "31-1121", "{detailed:#}");
    assert_eq!(dest["figures_of"], "31-1120");
    assert_eq!(dest["annual_openings"], 765_800.0);
    assert_eq!(dest["median_wage"], 34_900.0);
    assert_eq!(detailed["paths"][0]["reaches"], json!(["st.hha"]));
    // Its page says whose figures they are.
    let page = app.page_ok("/occupations/31-1121").await;
    assert!(
        page.contains("figures of 31-1120, which BLS projects together with this occupation")
            && page.contains(r#"No figures of its own: BLS projects it together with the occupations of <a href="/occupations/31-1120">"#),
        "{page}"
    );
    // An occupation with figures of its own names no aggregate.
    assert!(map["target"]["occupations"][0].get("figures_of").is_none(), "{map:#}");
}

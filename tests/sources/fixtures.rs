//! Every parser on our own small fixtures, pulled over HTTP (no shared data needed).

use crate::*;

#[actix_web::test]
async fn fixtures_of_every_format_pull_through_http() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let fx = format!("{up}/ok/fixtures");

    // O*NET text zip: roll-up, thresholds, suppressed rows.
    let rn = app.get_value("/v1/occupations/29-1141").await;
    assert_eq!(rn["onet_codes"], json!(["29-1141.00", "29-1141.01"]));
    assert_eq!(rn["title"], "Registered Nurses");
    assert_eq!(rn["job_zone"], 3);
    assert_eq!(
        rn["competencies"],
        json!(["onet.2.A.1.a", "onet.2.B.5.d", "onet.2.C.5.a"])
    );
    let na = app.get_value("/v1/occupations/31-1131").await;
    assert_eq!(
        na["competencies"],
        json!(["onet.2.C.5.a"]),
        "the suppressed rating is skipped"
    );
    assert_eq!(app.get_value("/v1/competencies/onet.2.B.5.d").await["tier"], 9);

    let job = app
        .pull_ok("bls_projections", &format!("{fx}/bls_projections.csv"))
        .await;
    assert_eq!(job["release"], "2030-40");
    let d = &app.get_value("/v1/occupations/29-1141").await["demand"][0];
    assert_eq!(d["employment"], 12_300.0);
    assert_eq!(d["annual_openings"], 900.0);
    let na = &app.get_value("/v1/occupations/31-1131").await["demand"][0];
    assert_eq!(na["employment"], Value::Null, "— is unknown, not zero");
    assert_eq!(na["median_wage"], Value::Null);
    assert_eq!(na["projected_employment"], 5000.0);
    assert_eq!(
        na["flags"],
        json!([
            "employment_suppressed",
            "change_suppressed",
            "growth_pct_suppressed",
            "median_wage_suppressed"
        ])
    );
    // A row O*NET does not have is kept as an occupation of its own, with its figures.
    assert!(warning(&job, "unmatched_occupation").is_none(), "{job:#}");
    let surgeons = app.get_value("/v1/occupations/29-1249").await;
    assert_eq!(surgeons["title"], "Surgeons");
    assert_eq!(surgeons["demand"][0]["median_wage"], 239_200.0);
    assert_eq!(surgeons["demand"][0]["flags"], json!(["median_wage_top_coded"]));
    assert!(warning(&job, "top_coded_wage").is_some());

    let job = app.pull_ok("cip_soc", &format!("{fx}/cip_soc.csv")).await;
    assert_eq!(job["counts"]["no_match_rows"], 1);
    assert_eq!(
        warning(&job, "unmatched_occupation").unwrap()["examples"],
        json!(["19-1011"])
    );

    app.pull_ok("career_clusters", &format!("{fx}/career_clusters.csv"))
        .await;
    let rn = app.get_value("/v1/occupations/29-1141").await;
    assert_eq!(rn["cluster"], "Healthcare & Human Services");
    assert_eq!(rn["subcluster"], "Patient Care");
    assert_eq!(rn["clusters"].as_array().unwrap().len(), 2);

    app.pull_ok("bls_oews", &format!("{fx}/oews.csv")).await;
    let w = &app.get_value("/v1/occupations/29-1141").await["wages"][0];
    assert_eq!(w["region"], "TX");
    assert_eq!(w["employment"], 230_000.0);
    assert_eq!(w["annual"]["median"], 93_390.0);

    // CTDL: credentials, courses, conditions, pathways; CIP links pick up the credential.
    let job = app.pull_ok("ctdl", &format!("{fx}/ctdl_graph.json")).await;
    assert!(warning(&job, "text_only_condition").is_some());
    let pct = app
        .get_value("/v1/credentials/ce-00000000-0000-4000-8000-0000000000c1")
        .await;
    assert_eq!(pct["kind"], "certificate");
    assert_eq!(
        pct["requires"],
        json!([{"choose": 2, "from": ["ce-00000000-0000-4000-8000-0000000000k1", "ce-00000000-0000-4000-8000-0000000000k2"]}])
    );
    assert_eq!(pct["codes"]["cip"], "51.3902");
    let k2 = app
        .get_value("/v1/courses/ce-00000000-0000-4000-8000-0000000000k2")
        .await;
    assert_eq!(k2["hours"], 60.0);
    assert_eq!(
        k2["prerequisites"][0]["from"],
        json!(["ce-00000000-0000-4000-8000-0000000000k1"])
    );
    let na = app.get_value("/v1/occupations/31-1131").await;
    assert_eq!(na["programs"][0]["cip"], "51.3902");
    assert_eq!(na["programs"][0]["evidence"], "cip_soc");
    assert_eq!(
        na["programs"][0]["credentials"],
        json!(["ce-00000000-0000-4000-8000-0000000000c1"]),
        "a credential carrying the CIP code qualifies through the crosswalk"
    );
    let snap = app.catalog.snapshot();
    let p = &snap.bundle().pathways[0];
    assert_eq!(p.components.len(), 2);
    assert_eq!(
        p.components[0].target.as_ref().map(|t| t.as_str()),
        Some("ce-00000000-0000-4000-8000-0000000000c1")
    );
    assert_eq!(p.components[1].kind, "CourseComponent");
    assert_eq!(p.components[1].credit_value, Some(3.0));

    // CASE.
    let job = app
        .pull_with(json!({"source": "case", "url": format!("{fx}/case_package.json"),
            "options": {"case_tiers": {"competency": 4}, "case_default_tier": 5}}))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let hand = app
        .get_value("/v1/competencies/a1000000-0000-4000-8000-000000000002")
        .await;
    assert_eq!(hand["parent"], "a1000000-0000-4000-8000-000000000001");
    assert_eq!(hand["tier"], 5);
    assert_eq!(hand["element_id"], "HS.1.a");
    assert_eq!(
        app.get_value("/v1/competencies/a1000000-0000-4000-8000-000000000001")
            .await["tier"],
        4
    );

    // SCED in Windows-1252 titles catalog courses that carry a SCED code.
    let import = json!({"courses": [{"id": "hs.pc", "title": "Patient care", "system": "secondary", "hours": 120,
        "codes": {"sced": "14001"}}, {"id": "hs.x", "title": "X", "system": "secondary", "hours": 1, "codes": {"sced": "99999"}}]});
    let (status, answer) = app.post_json("/v1/imports", &import).await;
    assert_eq!(status, 200, "{answer}");
    let job = app.pull_ok("sced", &format!("{fx}/sced_cp1252.csv")).await;
    assert!(warning(&job, "windows_1252").is_some());
    assert_eq!(
        warning(&job, "unknown_sced_code").unwrap()["examples"],
        json!(["hs.x (99999)"])
    );
    assert_eq!(
        app.get_value("/v1/courses/hs.pc").await["sced_title"],
        "Patient Care Fundamentals"
    );
    assert!(
        app.get_value("/v1/courses/hs.pc").await["provenance"].is_null(),
        "imported records stay imported"
    );
}

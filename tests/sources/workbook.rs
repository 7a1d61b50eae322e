//! A state's import workbook linking pulled occupations while keeping their pulled fields.

use crate::*;

/// Issue 9: a state's workbook on the real national data links credentials to pulled
/// occupations without losing a pulled field, and registered nurses then have a plan from every
/// entry point.
#[actix_web::test]
async fn the_example_workbook_links_pulled_occupations_and_keeps_their_pulled_fields() {
    need_shared_data!(
        "onet/db_29_3_excel",
        "bls_ep/occupation.xlsx",
        "bls_oews/national_M2024_dl.xlsx",
        "cip/CIP2020_SOC2018_Crosswalk.xlsx",
        "career_clusters/SOC_Career_Clusters_Crosswalk.xlsx",
        "sced/sced_11.csv"
    );
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    for (source, path) in [
        ("onet_db", "zip/onet_excel.zip"),
        ("bls_projections", "data/bls_ep/occupation.xlsx"),
        ("bls_oews", "data/bls_oews/national_M2024_dl.xlsx"),
        ("cip_soc", "data/cip/CIP2020_SOC2018_Crosswalk.xlsx"),
        (
            "career_clusters",
            "data/career_clusters/SOC_Career_Clusters_Crosswalk.xlsx",
        ),
        ("sced", "data/sced/sced_11.csv"),
    ] {
        let job = app.pull(source, &format!("{up}/ok/{path}")).await;
        assert_eq!(job["state"], "succeeded", "{job:#}");
    }
    let before = app.get_value("/v1/occupations/29-1141").await;
    assert!(!before["demand"].as_array().unwrap().is_empty());
    assert!(!before["competencies"].as_array().unwrap().is_empty());

    let workbook =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/state-health-science/workbook.xlsx"))
            .unwrap();
    let resp = app
        .client
        .post(format!("{}/v1/imports", app.address))
        .bearer_auth(TOKEN)
        .header(
            "Content-Type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(workbook)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["warnings"], json!([]), "{answer:#}");

    let after = app.get_value("/v1/occupations/29-1141").await;
    assert_eq!(after["entry_credentials"], json!(["adn"]));
    for (field, value) in before.as_object().unwrap() {
        if field != "entry_credentials" {
            assert_eq!(
                serde_json::to_string(value).unwrap(),
                serde_json::to_string(&after[field]).unwrap(),
                "pulled `{field}` kept byte for byte"
            );
        }
    }
    for entry in ["secondary", "adult", "postsecondary"] {
        let map: Value = career_map(
            &app,
            json!({"target": {"occupation": "29-1141"}, "entry": entry, "k": 1}),
        )
        .await
        .1;
        let paths = map["paths"].as_array().unwrap();
        assert_eq!(paths.len(), 1, "{entry}: {map:#}");
        let earned = &paths[0]["credentials_earned"];
        assert!(earned.as_array().unwrap().contains(&json!("adn")), "{entry}: {earned}");
    }
}

//! The other published tables as their publishers ship them: OEWS wages, career clusters,
//! SCED codes, the CIP-SOC crosswalk as CSV and the projections table as CSV.

use crate::*;

#[actix_web::test]
async fn real_oews_clusters_and_sced_files_pull() {
    need_shared_data!(
        "onet/db_29_3_excel",
        "bls_oews/national_M2024_dl.xlsx",
        "career_clusters/SOC_Career_Clusters_Crosswalk.xlsx",
        "career_clusters/Full_Framework_Crosswalk.xlsx",
        "sced/sced_v12.csv",
        "sced/sced_11.csv",
        "cip/CIP2020_SOC2018_Crosswalk_CIP-SOC_sheet.csv",
        "bls_ep/occupation_table_1.2_2024-34.csv"
    );
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let d = format!("{up}/ok/data");
    app.pull_ok("onet_db", &format!("{up}/ok/zip/onet_excel.zip")).await;

    let oews = app
        .pull_ok("bls_oews", &format!("{d}/bls_oews/national_M2024_dl.xlsx"))
        .await;
    assert_eq!(oews["release"], "May 2024");
    assert_eq!(oews["counts"]["rows"], 1403);
    assert!(warning(&oews, "top_coded_wage").is_some());
    let rn = app.get_value("/v1/occupations/29-1141").await;
    let w = &rn["wages"][0];
    assert_eq!(w["region"], "US");
    assert_eq!(w["annual"]["median"], 93_600.0);
    let ceo = app.get_value("/v1/occupations/11-1011").await;
    assert!(
        ceo["wages"][0]["top_coded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "annual.p90"),
        "{:#}",
        ceo["wages"]
    );

    let cc = app
        .pull_ok(
            "career_clusters",
            &format!("{d}/career_clusters/SOC_Career_Clusters_Crosswalk.xlsx"),
        )
        .await;
    assert_eq!(cc["counts"]["rows"], 1203);
    let rn = app.get_value("/v1/occupations/29-1141").await;
    assert!(rn["cluster"].is_string(), "{rn:#}");
    let full = app
        .pull_ok(
            "career_clusters",
            &format!("{d}/career_clusters/Full_Framework_Crosswalk.xlsx"),
        )
        .await;
    assert!(full["counts"]["heading_rows"].as_u64().unwrap() > 0);

    for file in ["sced_v12.csv", "sced_11.csv"] {
        let job = app.pull_ok("sced", &format!("{d}/sced/{file}")).await;
        assert_eq!(job["counts"]["codes"], 1785, "{file}");
        assert_eq!(
            warning(&job, "windows_1252").is_some(),
            file == "sced_v12.csv",
            "{file}"
        );
    }
    let cip_csv = app
        .pull_ok(
            "cip_soc",
            &format!("{d}/cip/CIP2020_SOC2018_Crosswalk_CIP-SOC_sheet.csv"),
        )
        .await;
    assert_eq!(cip_csv["counts"]["rows"], 6097);
    app.pull_ok(
        "bls_projections",
        &format!("{d}/bls_ep/occupation_table_1.2_2024-34.csv"),
    )
    .await;
    assert_eq!(
        app.get_value("/v1/occupations/29-1141").await["demand"][0]["employment"],
        3_391_000.0
    );
}

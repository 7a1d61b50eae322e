//! O*NET releases: the registered-nurse acceptance run (O*NET, BLS projections and the CIP-SOC
//! crosswalk together) and the text and Excel releases giving the same dataset.

use crate::*;

fn count_distinct_detailed_socs(data: &Path) -> usize {
    // Occupation Data as O*NET's own text file (same rows as the Excel one, MANIFEST 1b).
    let text = std::fs::read_to_string(data.join("onet/db_30_0_text_partial/Occupation Data.txt")).unwrap();
    let socs: std::collections::BTreeSet<&str> = text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| &l[..7])
        .collect();
    socs.len()
}

#[actix_web::test]
async fn registered_nurses_after_onet_bls_and_cip_soc() {
    let data = need_shared_data!(
        "onet/db_29_3_excel",
        "bls_ep/occupation.xlsx",
        "cip/CIP2020_SOC2018_Crosswalk.xlsx",
        "onet/db_30_0_text_partial/Occupation Data.txt"
    );
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;

    let onet = app.pull_ok("onet_db", &format!("{up}/ok/zip/onet_excel.zip")).await;
    assert_eq!(onet["release"], "O*NET 29.3");
    let expected_occupations = count_distinct_detailed_socs(&data);
    assert_eq!(expected_occupations, 867);
    assert_eq!(onet["counts"]["onet_soc_codes"], 1016);
    assert_eq!(onet["counts"]["occupations"], expected_occupations as u64);
    // 35 Skills elements and 33 Knowledge elements (Content Model).
    assert_eq!(onet["counts"]["competencies"], 68);
    assert!(warning(&onet, "skipped_row").is_some(), "suppressed rows are reported");

    let bls = app
        .pull_ok("bls_projections", &format!("{up}/ok/data/bls_ep/occupation.xlsx"))
        .await;
    assert_eq!(bls["release"], "2024-34");
    assert_eq!(bls["counts"]["detailed_occupations"], 832);
    // The twelve aggregated codes O*NET does not have (31-1120...) are kept as occupations.
    assert!(warning(&bls, "unmatched_occupation").is_none(), "{bls:#}");

    let cip = app
        .pull_ok("cip_soc", &format!("{up}/ok/data/cip/CIP2020_SOC2018_Crosswalk.xlsx"))
        .await;
    assert_eq!(cip["counts"]["rows"], 6097);

    let health = app.get_value("/health").await;
    assert_eq!(
        health["counts"]["occupations"],
        expected_occupations as u64 + 12,
        "O*NET's occupations and the projections' twelve aggregated codes"
    );
    assert_eq!(health["counts"]["competencies"], 68);
    assert_eq!(health["dataset_version"], 3);

    let rn = app.get_value("/v1/occupations/29-1141").await;
    assert_eq!(rn["title"], "Registered Nurses");
    assert_eq!(rn["job_zone"], 4, "Job Zones.xlsx: 29-1141.00 is zone 4");
    let us = &rn["demand"][0];
    assert_eq!(us["region"], "US");
    assert_eq!(us["employment"], 3_391_000.0);
    assert_eq!(us["projected_employment"], 3_557_100.0);
    assert_eq!(us["change"], 166_100.0);
    assert_eq!(us["growth_pct"], 4.9);
    assert_eq!(us["annual_openings"], 189_100.0);
    assert_eq!(us["median_wage"], 93_600.0);
    assert_eq!(us["typical_entry_education"], "Bachelor's degree");
    assert_eq!(us["experience"], "None");
    assert_eq!(us["training"], "None");
    assert_eq!(us["provenance"]["source"], "bls_projections");
    assert_eq!(us["provenance"]["release"], "2024-34");
    assert_eq!(us["flags"], Value::Null, "an exact median carries no flag");
    // Orthodontists: BLS gives the median only as `>=$239,200`; the demand record says so.
    let ortho = &app.get_value("/v1/occupations/29-1023").await["demand"][0];
    assert_eq!(ortho["median_wage"], 239_200.0);
    assert_eq!(ortho["flags"], json!(["median_wage_top_coded"]));
    assert!(us["provenance"]["retrieved_at"].is_string());
    assert!(us["provenance"]["url"].as_str().unwrap().ends_with("occupation.xlsx"));

    let comps: Vec<&str> = rn["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(comps.contains(&"onet.2.A.1.a"), "reading comprehension: {comps:?}");
    assert!(comps.contains(&"onet.2.C.5.a"), "medicine and dentistry: {comps:?}");
    let med = app.get_value("/v1/competencies/onet.2.C.5.a").await;
    assert_eq!(med["name"], "Medicine and Dentistry");
    assert_eq!(med["tier"], 6);
    assert_eq!(med["provenance"]["release"], "O*NET 29.3");
    assert_eq!(app.get_value("/v1/competencies/onet.2.A.1.a").await["tier"], 2);
    assert_eq!(rn["provenance"]["source"], "onet_db");
    assert!(rn["onet_codes"].as_array().unwrap().len() >= 5);

    let programs = rn["programs"].as_array().unwrap();
    assert_eq!(programs.len(), 21, "21 CIP codes lead to 29-1141 in the crosswalk");
    let adn = programs.iter().find(|p| p["cip"] == "51.3801").unwrap();
    assert_eq!(adn["evidence"], "cip_soc");
    assert_eq!(adn["title"], "Registered Nursing/Registered Nurse.");
    assert_eq!(adn["provenance"]["source"], "cip_soc");
}

#[actix_web::test]
async fn the_text_and_excel_releases_give_the_same_dataset() {
    need_shared_data!("onet/db_29_3_excel");
    let (up, _) = start_upstream().await;
    let (excel, text) = (spawn_tweaked(|_| {}).await, spawn_tweaked(|_| {}).await);
    let a = excel.pull("onet_db", &format!("{up}/ok/zip/onet_excel.zip")).await;
    let b = text
        .pull("onet_db", &format!("{up}/ok/zip/onet_excel_as_text.zip"))
        .await;
    assert_eq!(a["state"], "succeeded", "{a:#}");
    assert_eq!(b["state"], "succeeded", "{b:#}");
    assert_eq!(a["counts"], b["counts"]);
    let strip = |app: &TestApp| {
        let mut bundle = app.catalog.snapshot().bundle().clone();
        bundle.occupations.iter_mut().for_each(|o| o.provenance = None);
        bundle.competencies.iter_mut().for_each(|c| c.provenance = None);
        bundle
    };
    assert!(
        strip(&excel) == strip(&text),
        "same occupations and competencies from both layouts"
    );
}

#[actix_web::test]
async fn lay_titles_come_from_alternate_and_reported_titles_and_search_finds_them() {
    need_shared_data!("onet/db_29_3_excel", "onet/alternate_titles/Alternate Titles.xlsx");
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let job = app
        .pull_ok("onet_db", &format!("{up}/ok/zip/onet_excel_with_titles.zip"))
        .await;
    // MANIFEST 1b2: 56,495 alternate titles.
    assert_eq!(job["counts"]["alternate_titles"], 56_495, "{job:#}");
    assert_eq!(job["counts"]["sample_of_reported_titles"], 4);
    let snap = app.catalog.snapshot();
    let na = snap
        .bundle()
        .occupations
        .iter()
        .find(|o| o.soc.as_str() == "31-1131")
        .unwrap();
    let has = |a: &str| na.aliases.iter().any(|x| x == a);
    assert!(
        has("CNA"),
        "the short title: {:?}",
        &na.aliases[..10.min(na.aliases.len())]
    );
    assert!(has("Certified Nursing Assistant (CNA)"), "an alternate title");
    assert!(has("State Tested Nursing Assistant (STNA)"), "a reported title");
    assert!(
        !na.aliases.iter().any(|a| a.eq_ignore_ascii_case("Nursing Assistants")),
        "not its own title"
    );
    let lower: std::collections::BTreeSet<String> = na.aliases.iter().map(|a| a.to_lowercase()).collect();
    assert_eq!(lower.len(), na.aliases.len(), "each once");
    let (_, hits) = app.get_json("/v1/search?q=STNA&kind=occupation&limit=3").await;
    assert_eq!(hits["hits"][0]["id"], "31-1131", "{hits}");
    assert_eq!(hits["hits"][0]["matched"], "alias");
}

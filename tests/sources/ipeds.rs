//! IPEDS completions as credentials' annual completers, read by the supply report.

use crate::*;

/// IPEDS completions (our fixture in the published `C<year>_A` layout): first majors only, the
/// grand-total rows skipped, award levels matched to credential kinds; the supply report then
/// sets the completers against openings.
#[actix_web::test]
async fn ipeds_completions_feed_the_supply_report() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let bundle = json!({
        "credentials": [
            {"id": "cna", "title": "Nurse aide", "kind": "license", "level": 1, "codes": {"cip": "51.3902"}},
            {"id": "adn", "title": "ADN", "kind": "associate", "level": 2, "codes": {"cip": "51.3801"}},
            {"id": "bsn", "title": "BSN", "kind": "bachelor", "level": 3, "codes": {"cip": "51.3801"}},
            {"id": "msn", "title": "MSN", "kind": "master", "level": 4, "codes": {"cip": "51.3801"}}
        ],
        "occupations": [
            {"soc": "31-1131", "title": "Nursing Assistants", "entry_credentials": ["cna"],
             "demand": [{"region": "US", "annual_openings": 1000, "median_wage": 38000}]},
            {"soc": "29-1141", "title": "Registered Nurses", "entry_credentials": ["adn", "bsn"],
             "demand": [{"region": "US", "annual_openings": 500, "median_wage": 93000}]}
        ]
    });
    import_json(&app, "replace", &bundle).await;
    let job = app
        .pull_ok("ipeds_completions", &format!("{up}/ok/fixtures/ipeds_completions.csv"))
        .await;
    assert_eq!(job["counts"]["grand_total_rows"], 2);
    assert_eq!(job["counts"]["second_major_rows"], 1);
    // Certificates (levels 20 and 1): 140 + 35 + 60; associate (3): 210 + 90, not the second
    // major's 4; bachelor (5): 320; no master's completions.
    assert_eq!(app.get_value("/v1/credentials/cna").await["annual_completers"], 235.0);
    assert_eq!(app.get_value("/v1/credentials/adn").await["annual_completers"], 300.0);
    assert_eq!(app.get_value("/v1/credentials/bsn").await["annual_completers"], 320.0);
    assert_eq!(
        app.get_value("/v1/credentials/msn").await["annual_completers"],
        Value::Null
    );
    assert_eq!(
        warning(&job, "no_completions").unwrap()["examples"],
        json!(["msn (51.3801)"])
    );

    let report = app.get_value("/v1/reports/supply").await;
    let row = |soc: &str| {
        report["occupations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["soc"] == soc)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("31-1131")["completers"], 235.0);
    assert_eq!(row("31-1131")["status"], "under_supply");
    assert_eq!(row("29-1141")["completers"], 620.0);
    assert_eq!(row("29-1141")["ratio"], 1.24);
    assert_eq!(row("29-1141")["status"], "balanced");
}

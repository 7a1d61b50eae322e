//! A state's projections (Projections Central layout) and state and metro OEWS wages: regional
//! answers.

use crate::*;

/// Issue 9, item 5: a state's projections table (Projections Central layout) and its OEWS
/// state-and-metro workbook pull as sources, and `region=TX` answers from Texas figures: the
/// Texas openings with the Texas OEWS median, judged against the Texas distribution, which
/// the answer names. A region nobody has figures for falls back to national figures on maps
/// (flagged) and is a 422 on reports, as docs/career-maps.md says.
#[actix_web::test]
async fn state_figures_answer_for_their_region() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let us = |open: f64, wage: f64| json!([{"region": "US", "annual_openings": open, "median_wage": wage}]);
    import_json(
        &app,
        "replace",
        &json!({
            "competencies": [{"id": "comm", "name": "Customer communication", "tier": 3}],
            "courses": [{"id": "cc.nur-101", "title": "Nursing I", "system": "postsecondary", "hours": 120}],
            "credentials": [{"id": "adn", "title": "Associate Degree in Nursing", "kind": "associate", "level": 3,
                "requires": [{"choose": 1, "from": ["cc.nur-101"]}]}],
            "occupations": [
                {"soc": "29-1141", "title": "Registered Nurses", "entry_credentials": ["adn"], "demand": us(189_100.0, 93_600.0)},
                {"soc": "29-2061", "title": "Licensed Practical Nurses", "demand": us(54_400.0, 62_340.0)},
                {"soc": "31-1131", "title": "Nursing Assistants", "demand": us(204_100.0, 39_530.0)},
                {"soc": "43-4051", "title": "Customer Service Representatives", "competencies": ["comm"],
                 "demand": us(341_700.0, 42_830.0)},
                {"soc": "31-1120", "title": "Home health and personal care aides", "covers": ["31-1121", "31-1122"],
                 "demand": us(765_800.0, 34_900.0)},
                {"soc": "29-1249", "title": "Surgeons, All Other",
                 "demand": [{"region": "US", "annual_openings": 1_800.0, "median_wage": 239_200.0, "flags": ["median_wage_top_coded"]}]}
            ]
        }),
    )
    .await;

    let job = app
        .pull_ok(
            "state_projections",
            &format!("{up}/ok/fixtures/state_projections_tx.csv"),
        )
        .await;
    assert_eq!(job["release"], "2022-32");
    assert_eq!(job["counts"]["occupation_rows"], 6);
    assert_eq!(job["counts"]["summary_rows"], 2);
    assert_eq!(warning(&job, "unknown_figure").unwrap()["count"], 1);
    let job = app
        .pull_ok("bls_oews", &format!("{up}/ok/gen/oews_tx_metro.xlsx"))
        .await;
    assert_eq!(job["counts"]["detailed_occupations"], 7);

    let rn = app.get_value("/v1/occupations/29-1141").await;
    let tx = in_region(&rn["demand"], "TX");
    assert_eq!(tx["annual_openings"], 16_890.0);
    assert_eq!(tx["employment"], 232_740.0);
    assert_eq!(tx["period"], "2022-32");
    assert_eq!(tx["provenance"]["source"], "state_projections");
    let wage = |region: &str| in_region(&rn["wages"], region)["annual"]["median"].clone();
    assert_eq!(wage("TX"), 93_390.0);
    assert_eq!(
        wage("26420"),
        95_000.0,
        "the metro area is filed under its OEWS area code"
    );
    let surgeons = app.get_value("/v1/occupations/29-1249").await;
    let tx_surgeons = in_region(&surgeons["demand"], "TX");
    assert_eq!(tx_surgeons["annual_openings"], Value::Null);
    assert!(
        tx_surgeons["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("openings_suppressed"))
    );

    // Texas: openings 7,560 12,940 16,890 33,420 65,050 (the suppressed row is unknown) ->
    // median 16,890; wages from the Texas OEWS: 35,500 40,000 59,000 93,390 and the surgeons'
    // top-coded bound -> median 59,000 (31-1120 has no Texas wage: the OEWS row is broad).
    let (status, map) = career_map(
        &app,
        json!({"target": {"occupation": "29-1141"}, "entry": "postsecondary", "region": "TX"}),
    )
    .await;
    assert_eq!(status, 200, "{map:#}");
    let basis = &map["high_demand_basis"];
    assert_eq!(basis["region"], "TX");
    assert_eq!(basis["occupations_in_distribution"], 6);
    assert_eq!(basis["openings_threshold"], 16_890.0);
    assert_eq!(basis["wage_threshold"], 59_000.0);
    let dest = &map["target"]["occupations"][0];
    assert_eq!(dest["region"], "TX");
    assert_eq!(dest["region_fallback"], false);
    assert_eq!(dest["annual_openings"], 16_890.0);
    assert_eq!(
        dest["median_wage"], 93_390.0,
        "the Texas OEWS median, not the national 93,600"
    );
    assert_eq!(dest["high_demand"], true);
    assert_eq!(map["paths"][0]["high_demand"], true);

    // The high-demand list differs by region: customer service representatives are high
    // demand nationally (341,700 openings, median wage 42,830 at the national median) but not
    // in Texas (40,000 under the Texas median).
    let high = |region: &str| {
        let app = &app;
        let region = region.to_owned();
        async move {
            let r = app.get_value(&format!("/v1/reports/alignment?region={region}")).await;
            r["high_demand_occupations"].clone()
        }
    };
    assert_eq!(high("US").await, json!(["29-1141", "43-4051"]));
    assert_eq!(high("TX").await, json!(["29-1141"]));
    let gaps = app.get_value("/v1/gaps?region=TX").await;
    assert_eq!(gaps["region"], "TX", "{gaps:#}");

    // The surgeons' Texas wage is OEWS's `#`: shown as the bound, flagged, and their withheld
    // openings are unknown.
    let (_, s_map) = career_map(
        &app,
        json!({"target": {"occupation": "29-1249"}, "entry": "adult", "region": "TX"}),
    )
    .await;
    let s_dest = &s_map["target"]["occupations"][0];
    assert_eq!(s_dest["median_wage"], 239_200.0);
    assert_eq!(s_dest["annual_openings"], Value::Null);
    assert!(
        s_dest["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("median_wage_top_coded")),
        "{s_dest}"
    );
    assert!(
        s_dest["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("openings_suppressed")),
        "{s_dest}"
    );
    assert_eq!(s_dest["high_demand"], false);

    // An aggregate nobody links a credential to says where it looked.
    let (status, aides) = career_map(
        &app,
        json!({"target": {"occupation": "31-1120"}, "entry": "adult", "region": "TX"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(aides["paths"], json!([]));
    assert!(
        aides["reason"]
            .as_str()
            .unwrap()
            .contains("the occupations it covers (31-1121, 31-1122)"),
        "{aides:#}"
    );
    assert_eq!(aides["target"]["occupations"][0]["annual_openings"], 65_050.0);

    // A region without figures: maps fall back to national figures and say so; reports refuse it.
    let (status, zz) = career_map(
        &app,
        json!({"target": {"occupation": "29-1141"}, "entry": "postsecondary", "region": "ZZ"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(zz["high_demand_basis"]["region"], "US");
    assert_eq!(zz["target"]["occupations"][0]["region_fallback"], true);
    assert_eq!(zz["target"]["occupations"][0]["annual_openings"], 189_100.0);
    let resp = app
        .client
        .get(format!("{}/v1/reports/alignment?region=ZZ", app.address))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let problem: Value = resp.json().await.unwrap();
    assert!(problem.to_string().contains("ZZ"), "{problem}");
}

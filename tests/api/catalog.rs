use crate::common::*;

#[tokio::test]
async fn lists_are_paged_and_filtered() {
    let app = spawn_app().await;
    assert_eq!(app.import("replace", &small_bundle()).await.0, 200);

    let (status, page) = app.get_json("/v1/courses?limit=2&offset=1").await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 3);
    assert_eq!(page["limit"], 2);
    assert_eq!(page["offset"], 1);
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["cc.nur-101", "hs.health-1"], "id order, second page");

    let cases = [
        ("/v1/courses?system=adult", vec!["adult.cna"]),
        ("/v1/courses?q=FUNDAMENTALS", vec!["cc.nur-101"]),
        ("/v1/courses?competency=k.care", vec!["adult.cna", "cc.nur-101"]),
        ("/v1/credentials?kind=license&level=2", vec!["lpn"]),
        ("/v1/competencies?tier=4", vec!["k.safety"]),
        ("/v1/occupations?region=US", vec!["31-1131"]),
        ("/v1/occupations?region=TX", vec![]),
        ("/v1/occupations?major_group=31", vec!["31-1131"]),
        ("/v1/articulations?kind=dual_enrollment", vec!["a1"]),
    ];
    for (path, expected) in cases {
        let (status, page) = app.get_json(path).await;
        assert_eq!(status, 200, "{path}");
        let ids: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.get("id").or_else(|| r.get("soc")).unwrap().as_str().unwrap())
            .collect();
        assert_eq!(ids, expected, "{path}");
        assert_eq!(page["total"], expected.len(), "{path}");
    }
}

#[tokio::test]
async fn bad_list_parameters_are_422_problems() {
    let app = spawn_app().await;
    for path in [
        "/v1/courses?system=college",
        "/v1/courses?limit=-1",
        "/v1/courses?limit=5000",
        "/v1/courses?offset=-1",
        "/v1/credentials?kind=phd",
    ] {
        let r = app.get(path).await;
        let body = expect_problem(r, 422, path).await;
        assert_eq!(body["status"], 422);
        assert!(
            body["detail"].as_str().unwrap().len() > 10,
            "{path} explains itself: {body}"
        );
    }
}

#[tokio::test]
async fn single_records_and_404_problems() {
    let app = spawn_app().await;
    app.import("replace", &small_bundle()).await;
    let (status, course) = app.get_json("/v1/courses/adult.cna").await;
    assert_eq!(status, 200);
    assert_eq!(course["title"], "Nurse Aide Training");
    let (status, occ) = app.get_json("/v1/occupations/31-1131").await;
    assert_eq!(status, 200);
    assert_eq!(occ["demand"][0]["median_wage"], 38130.0);

    for path in [
        "/v1/courses/nope",
        "/v1/credentials/nope",
        "/v1/occupations/99-9999",
        "/v1/competencies/nope",
        "/v1/articulations/nope",
        "/v1/nothing-here",
    ] {
        let r = app.get(path).await;
        let body = expect_problem(r, 404, path).await;
        assert_eq!(body["type"], "/problems/not-found");
        assert_eq!(body["status"], 404);
    }
}

#[tokio::test]
async fn seed_is_served_and_meets_the_floors() {
    let app = spawn_seeded().await;
    let (status, health) = app.get_json("/health").await;
    assert_eq!(status, 200);
    assert_eq!(health["dataset_version"], 1);
    assert_eq!(health["origin"], "seed");
    let floors = [
        ("competencies", 80),
        ("courses", 60),
        ("credentials", 20),
        ("occupations", 25),
        ("articulations", 10),
    ];
    for (kind, floor) in floors {
        let (_, page) = app.get_json(&format!("/v1/{kind}?limit=1")).await;
        assert!(
            page["total"].as_u64().unwrap() >= floor,
            "{kind}: {} < {floor}",
            page["total"]
        );
    }
    for system in ["secondary", "adult", "postsecondary"] {
        let (_, page) = app.get_json(&format!("/v1/courses?system={system}&limit=1")).await;
        assert!(page["total"].as_u64().unwrap() >= 12, "{system} courses");
    }
    let (_, rn) = app.get_json("/v1/occupations/29-1141").await;
    assert_eq!(rn["title"], "Registered Nurses");
    assert!(rn["demand"][0]["annual_openings"].as_f64().unwrap() > 100_000.0);
}

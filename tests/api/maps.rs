//! `POST /v1/career-maps` and `GET /v1/occupations/{soc}/ladder` over HTTP, on a small
//! hand-made catalog where every answer can be worked out by hand.

use crate::helpers::*;
use serde_json::{Value, json};

/// - `cert` needs an intro (secondary `hs.intro` or adult `adult.intro`), `cc.b`, `cc.c`, `cc.d`.
/// - `hs.dual` (120 h) waives `cc.b` (45 h) by dual enrollment; `hs.partial` grants only 2 of
///   the 3 credits of `cc.c`, so it waives nothing.
/// - `dupcert` needs an intro and one of `cc.cheap` (20 h, teaches only what an intro taught)
///   or `cc.pricey` (60 h, teaches something new).
/// - `plcert` needs `cc.d`; `seconly` needs a secondary-only course.
fn catalog() -> Value {
    let course = |id: &str, system: &str, hours: u32, credits: u32, comps: &[&str]| {
        json!({"id": id, "title": format!("Course {id}"), "system": system, "hours": hours, "credits": credits,
               "competencies": comps})
    };
    let demand = |openings: u32, wage: u32| json!([{"region": "US", "annual_openings": openings, "median_wage": wage}]);
    let competencies: Vec<Value> = ["k.a", "k.b", "k.c", "k.d", "k.e", "k.f"]
        .iter()
        .map(|k| json!({"id": k, "name": k, "tier": 4}))
        .collect();
    json!({
        "competencies": competencies,
        "courses": [
            course("hs.intro", "secondary", 100, 1, &["k.a"]),
            course("adult.intro", "adult", 60, 0, &["k.a"]),
            course("hs.dual", "secondary", 120, 1, &["k.b"]),
            course("hs.partial", "secondary", 100, 1, &["k.c"]),
            course("hs.only", "secondary", 50, 1, &["k.f"]),
            course("cc.b", "postsecondary", 45, 3, &["k.b"]),
            course("cc.c", "postsecondary", 45, 3, &["k.c"]),
            course("cc.d", "postsecondary", 45, 3, &["k.d"]),
            course("cc.cheap", "postsecondary", 20, 3, &["k.a"]),
            course("cc.pricey", "postsecondary", 60, 3, &["k.a", "k.e"])
        ],
        "credentials": [
            {"id": "cert", "title": "Certificate", "kind": "certificate", "level": 2,
             "requires": [{"choose": 1, "from": ["hs.intro", "adult.intro"]}, {"choose": 1, "from": ["cc.b"]},
                          {"choose": 1, "from": ["cc.c"]}, {"choose": 1, "from": ["cc.d"]}]},
            {"id": "dupcert", "title": "Dup certificate", "kind": "certificate", "level": 2,
             "requires": [{"choose": 1, "from": ["hs.intro", "adult.intro"]}, {"choose": 1, "from": ["cc.cheap", "cc.pricey"]}]},
            {"id": "plcert", "title": "Prior-learning certificate", "kind": "certificate", "level": 1,
             "requires": [{"choose": 1, "from": ["cc.d"]}]},
            {"id": "seconly", "title": "Secondary-only certificate", "kind": "certificate", "level": 1,
             "requires": [{"choose": 1, "from": ["hs.only"]}]}
        ],
        "occupations": [
            {"soc": "11-1111", "title": "Target Occupation", "entry_credentials": ["cert"], "demand": demand(50000, 90000)},
            {"soc": "11-2222", "title": "Occupation Without Credentials", "demand": demand(100, 20000)},
            {"soc": "11-3333", "title": "Prior Learning Job", "entry_credentials": ["plcert"], "demand": demand(10, 30000)}
        ],
        "articulations": [
            {"id": "a.dual", "from": "hs.dual", "to": "cc.b", "credits": 3, "kind": "dual_enrollment"},
            {"id": "a.partial", "from": "hs.partial", "to": "cc.c", "credits": 2, "kind": "statewide_agreement"}
        ]
    })
}

async fn app() -> TestApp {
    let app = spawn_app().await;
    let (status, body) = app.import("replace", &catalog()).await;
    assert_eq!(status, 200, "{body}");
    app
}

async fn map(app: &TestApp, body: Value) -> (u16, Value) {
    app.post_json("/v1/career-maps", &body).await
}

fn ids(v: &Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn adult_entry_never_uses_secondary_courses() {
    let app = app().await;
    let (status, body) = map(
        &app,
        json!({"target": {"occupation": "11-1111"}, "entry": "adult", "k": 5}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let paths = body["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 1, "adults have exactly one route: {body}");
    // `cc.d` also earns `plcert` on the way: an extra exit.
    assert_eq!(
        ids(&paths[0], "steps"),
        ["adult.intro", "cc.b", "cc.c", "cc.d", "cert", "plcert"]
    );
    assert_eq!(paths[0]["total_hours"], 195.0);
    assert_eq!(paths[0]["exits"][0]["credential"], "cert");
    assert_eq!(paths[0]["exits"][0]["occupations"][0]["soc"], "11-1111");
    assert!(body["target"]["high_demand"].is_boolean());
}

#[tokio::test]
async fn secondary_entry_orders_by_system_and_k_larger_than_plans() {
    let app = app().await;
    let (status, body) = map(
        &app,
        json!({"target": {"occupation": "11-1111"}, "entry": "secondary", "k": 10}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let paths = body["paths"].as_array().unwrap();
    // A high-school student cannot enrol in adult education, so the intro comes only from
    // `hs.intro`: one way x cc.b (take it, or hs.dual) = 2 distinct minimal plans, fewer than k.
    assert_eq!(paths.len(), 2, "{body}");
    let ranks: Vec<u64> = paths.iter().map(|p| p["rank"].as_u64().unwrap()).collect();
    assert_eq!(ranks, [1, 2]);
    let hours: Vec<f64> = paths.iter().map(|p| p["total_hours"].as_f64().unwrap()).collect();
    assert!(hours.windows(2).all(|w| w[0] <= w[1]), "sorted by hours: {hours:?}");
    assert_eq!(hours[0], 235.0, "hs.intro then the college courses");
    for p in paths {
        assert!(
            p["steps"].as_array().unwrap().iter().all(|s| s["system"] != "adult"),
            "no adult-education step for a high-school student: {p}"
        );
        let systems: Vec<&str> = p["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["kind"] == "course")
            .map(|s| s["system"].as_str().unwrap())
            .collect();
        let rank = |s: &str| {
            ["secondary", "adult", "postsecondary", "work_based"]
                .iter()
                .position(|x| *x == s)
                .unwrap()
        };
        assert!(
            systems.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
            "grouped by system: {systems:?}"
        );
    }
}

#[tokio::test]
async fn dual_enrollment_waives_a_college_course_under_postsecondary_hours() {
    let app = app().await;
    let (_, body) = map(
        &app,
        json!({"target": {"credential": "cert"}, "entry": "secondary", "k": 1,
        "optimize": "postsecondary_hours"}),
    )
    .await;
    let p = &body["paths"][0];
    let steps = ids(p, "steps");
    assert!(
        steps.contains(&"hs.dual".to_owned()) && !steps.contains(&"cc.b".to_owned()),
        "{steps:?}"
    );
    assert_eq!(p["postsecondary_hours"], 90.0, "only cc.c and cc.d are paid for");
    let skip = p["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "cc.b")
        .expect("cc.b skipped");
    assert_eq!(skip["reason"], "articulated");
    assert_eq!(skip["articulated_by"], "hs.dual");
    // With total hours as the objective the 45-hour college course beats the 120-hour one.
    let (_, body) = map(
        &app,
        json!({"target": {"credential": "cert"}, "entry": "secondary", "k": 1}),
    )
    .await;
    assert!(ids(&body["paths"][0], "steps").contains(&"cc.b".to_owned()));
}

#[tokio::test]
async fn partial_credit_does_not_waive_and_completed_courses_are_skipped() {
    let app = app().await;
    let (_, body) = map(
        &app,
        json!({"target": {"credential": "cert"}, "entry": "secondary", "k": 1,
        "learner": {"completed_courses": ["hs.partial", "hs.intro"]}}),
    )
    .await;
    let p = &body["paths"][0];
    let steps = ids(p, "steps");
    assert!(
        steps.contains(&"cc.c".to_owned()),
        "2 of 3 credits do not waive cc.c: {steps:?}"
    );
    assert!(!steps.contains(&"hs.intro".to_owned()));
    let skipped = ids(p, "skipped");
    assert!(
        skipped.contains(&"hs.intro".to_owned()) && !skipped.contains(&"cc.c".to_owned()),
        "{skipped:?}"
    );
    assert_eq!(p["skipped"][0]["reason"], "completed");
}

#[tokio::test]
async fn non_duplication_beats_hours() {
    let app = app().await;
    let (_, body) = map(
        &app,
        json!({"target": {"credential": "dupcert"}, "entry": "adult", "k": 2}),
    )
    .await;
    let paths = body["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 2, "{body}");
    let best = &paths[0];
    assert!(
        ids(best, "steps").contains(&"cc.pricey".to_owned()),
        "60 new hours beat 20 repeated ones: {best}"
    );
    assert_eq!(best["duplicative_hours"], 0.0);
    let second = &paths[1];
    assert!(second["total_hours"].as_f64() < best["total_hours"].as_f64());
    let cheap = second["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "cc.cheap")
        .unwrap();
    assert_eq!(cheap["duplicative"], true);
    assert_eq!(cheap["covered_by"], json!(["adult.intro"]));
    assert_eq!(second["duplicative_hours"], 20.0);
}

#[tokio::test]
async fn prior_learning_makes_a_course_duplicative() {
    let app = app().await;
    let (_, body) = map(
        &app,
        json!({"target": {"occupation": "11-3333"}, "entry": "postsecondary",
        "learner": {"competencies": ["k.d"]}}),
    )
    .await;
    let step = &body["paths"][0]["steps"][0];
    assert_eq!(step["id"], "cc.d");
    assert_eq!(step["duplicative"], true, "{body}");
    assert_eq!(step["covered_by"], json!(["prior_learning"]));
}

#[tokio::test]
async fn a_learner_who_qualifies_gets_one_empty_path() {
    let app = app().await;
    let (_, body) = map(
        &app,
        json!({"target": {"occupation": "11-1111"}, "entry": "adult",
        "learner": {"credentials": ["cert"]}}),
    )
    .await;
    let paths = body["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 1);
    assert_eq!(paths[0]["total_hours"], 0.0);
    assert!(paths[0]["steps"].as_array().unwrap().is_empty());
    assert_eq!(paths[0]["exits"][0]["credential"], "cert");
}

#[tokio::test]
async fn unreachable_targets_name_the_missing_piece() {
    let app = app().await;
    let (status, body) = map(&app, json!({"target": {"credential": "seconly"}, "entry": "adult"})).await;
    assert_eq!(status, 200);
    assert_eq!(body["paths"], json!([]));
    let reason = body["reason"].as_str().unwrap();
    assert!(
        reason.contains("hs.only") && reason.contains("closed to adult entry"),
        "{reason}"
    );
    let (_, body) = map(&app, json!({"target": {"occupation": "11-2222"}, "entry": "adult"})).await;
    assert!(
        body["reason"].as_str().unwrap().contains("no credential leads"),
        "{body}"
    );
}

#[tokio::test]
async fn unknown_targets_are_404_and_bad_requests_422() {
    let app = app().await;
    let (status, body) = map(&app, json!({"target": {"occupation": "99-9999"}, "entry": "adult"})).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["type"], "/problems/not-found");
    let (status, _) = map(&app, json!({"target": {"credential": "nope"}, "entry": "adult"})).await;
    assert_eq!(status, 404);
    let bad = [
        (
            json!({"target": {"credential": "cert"}, "entry": "kindergarten"}),
            "kindergarten",
        ),
        (
            json!({"target": {"credential": "cert"}, "entry": "adult", "k": 0}),
            "k must be",
        ),
        (
            json!({"target": {"credential": "cert"}, "entry": "adult", "k": 11}),
            "k must be",
        ),
        (json!({"target": {}, "entry": "adult"}), "exactly one"),
        (json!({"target": {"occupation": "nurse"}, "entry": "adult"}), "SOC"),
        (
            json!({"target": {"credential": "cert"}, "entry": "adult", "learner": {"credentials": ["x"]}}),
            "learner.credentials[0]",
        ),
        (
            json!({"target": {"credential": "cert"}, "entry": "adult", "optimize": "money"}),
            "money",
        ),
    ];
    for (req, needle) in bad {
        let (status, body) = map(&app, req.clone()).await;
        assert_eq!(status, 422, "{req} -> {body}");
        assert!(body["detail"].as_str().unwrap().contains(needle), "{req}: {body}");
    }
    let (status, _) = app
        .post_json(
            "/v1/career-maps?format=pdf",
            &json!({"target": {"credential": "cert"}, "entry": "adult"}),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn renderings_by_accept_header_and_format() {
    let app = app().await;
    let body = json!({"target": {"occupation": "11-1111"}, "entry": "secondary", "optimize": "postsecondary_hours"});
    let r = app
        .client
        .post(app.url("/v1/career-maps"))
        .header("Accept", "image/svg+xml")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("Target Occupation"));
    assert!(svg.contains("skip: credit from"), "skipped steps say why, in words");
    for (format, needle) in [
        ("dot", "digraph"),
        ("mermaid", "flowchart TB"),
        ("ctdl", "ceterms:Pathway"),
        ("svg", "</svg>"),
    ] {
        let r = app
            .client
            .post(app.url(&format!("/v1/career-maps?format={format}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.text().await.unwrap().contains(needle), "{format}");
    }
    let r = app
        .client
        .post(app.url("/v1/career-maps?format=ctdl"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let ld: Value = r.json().await.unwrap();
    let graph = ld["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["ceterms:hasDestinationComponent"], "urn:careermap:job:11-1111");
    assert!(graph.iter().any(|c| c["@type"] == "ceterms:JobComponent"));
    let cert = graph
        .iter()
        .find(|c| c["@id"] == "urn:careermap:credential:cert")
        .unwrap();
    assert_eq!(cert["@type"], "ceterms:CredentialComponent");
    assert!(cert["ceasn:hasChild"].is_array());
    assert_eq!(cert["ceterms:hasCondition"][0]["ceterms:requiredNumber"], 1);
}

#[tokio::test]
async fn ladder_lists_rungs_with_demand() {
    let app = spawn_with(Options {
        seed: true,
        ..Default::default()
    })
    .await;
    let (status, body) = app.get_json("/v1/occupations/29-1141/ladder").await;
    assert_eq!(status, 200, "{body}");
    let rungs: Vec<&str> = body["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["credential"].as_str().unwrap())
        .collect();
    for c in ["cna", "lpn", "adn-rn", "rn-license"] {
        assert!(rungs.contains(&c), "{c} in {rungs:?}");
    }
    let levels: Vec<u64> = body["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_u64().unwrap())
        .collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]));
    let cna = body["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["credential"] == "cna")
        .unwrap();
    assert_eq!(cna["occupations"][0]["soc"], "31-1131");
    assert_eq!(body["occupation"]["high_demand"], true);
    let (_, tx) = app.get_json("/v1/occupations/29-1141/ladder?region=TX").await;
    assert_eq!(tx["occupation"]["region_fallback"], true);
    let (status, _) = app.get_json("/v1/occupations/99-9999/ladder").await;
    assert_eq!(status, 404);
    // The seed's nursing map from the README of the issue.
    let (status, body) = app
        .post_json(
            "/v1/career-maps",
            &json!({"target": {"occupation": "29-1141"}, "entry": "adult",
        "learner": {"credentials": ["cna"]}}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body["paths"][0]["credentials_earned"]
            .as_array()
            .unwrap()
            .contains(&json!("adn-rn"))
    );
    assert_eq!(body["paths"][0]["skipped"][0]["id"], "cna");
}

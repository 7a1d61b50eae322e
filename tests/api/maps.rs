//! `POST /v1/career-maps` and `GET /v1/occupations/{soc}/ladder` over HTTP, on a small
//! hand-made catalog where every answer can be worked out by hand.

use crate::common::*;
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
    spawn_imported(&catalog()).await
}

async fn map(app: &TestApp, body: Value) -> (u16, Value) {
    app.post_json("/v1/career-maps", &body).await
}

/// A career map that must answer 200: its JSON.
async fn map_ok(app: &TestApp, body: Value) -> Value {
    let (status, answer) = map(app, body).await;
    assert_eq!(status, 200, "{answer}");
    answer
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
    let body = map_ok(&app, map_request("occupation", "11-1111", "adult", 5)).await;
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
    let body = map_ok(&app, map_request("occupation", "11-1111", "secondary", 10)).await;
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
        let systems = course_systems(p);
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
    let body = map_ok(
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
    assert_eq!(skip["reason"], "dual_enrollment", "a dual-enrollment credit says so");
    assert_eq!(skip["from"], "hs.dual", "and names where it comes from");
    assert_eq!(skip["articulated_by"], "hs.dual");
    // With total hours as the objective the 45-hour college course beats the 120-hour one.
    let body = map_ok(
        &app,
        json!({"target": {"credential": "cert"}, "entry": "secondary", "k": 1, "optimize": "hours"}),
    )
    .await;
    assert!(ids(&body["paths"][0], "steps").contains(&"cc.b".to_owned()));
}

#[tokio::test]
async fn partial_credit_does_not_waive_and_completed_courses_are_skipped() {
    let app = app().await;
    let body = map_ok(
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
    let body = map_ok(&app, map_request("credential", "dupcert", "adult", 2)).await;
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
    let body = map_ok(
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
    let body = map_ok(
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
    let body = map_ok(&app, json!({"target": {"credential": "seconly"}, "entry": "adult"})).await;
    assert_eq!(body["paths"], json!([]));
    let reason = body["reason"].as_str().unwrap();
    assert!(
        reason.contains("hs.only") && reason.contains("closed to adult entry"),
        "{reason}"
    );
    let body = map_ok(&app, json!({"target": {"occupation": "11-2222"}, "entry": "adult"})).await;
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
    assert!(
        svg.contains("skip: ") && (svg.contains("credit") || svg.contains("already done")),
        "skipped steps say why, in words"
    );
    for (format, needle) in [("ctdl", "ceterms:Pathway"), ("svg", "</svg>")] {
        let r = app.career_map_as(format, &body).await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.text().await.unwrap().contains(needle), "{format}");
    }
    // DOT and Mermaid are read back as graphs: every step of the first plan is a node and
    // every requirement linking two steps an edge.
    let answer = map_ok(&app, body.clone()).await;
    for format in ["dot", "mermaid"] {
        let r = app.career_map_as(format, &body).await;
        assert_eq!(r.status().as_u16(), 200);
        let text = r.text().await.unwrap();
        let drawing = if format == "dot" {
            crate::pictures::parse_dot(&text)
        } else {
            crate::pictures::parse_mermaid(&text)
        };
        crate::pictures::check_drawing(&app, format, &drawing, &answer["paths"][0]).await;
    }
    let r = app.career_map_as("ctdl", &body).await;
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
    let app = spawn_seeded().await;
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

#[tokio::test]
async fn a_plan_number_the_map_does_not_have_is_a_422_problem() {
    let app = app().await;
    let body = json!({"target": {"occupation": "11-1111"}, "entry": "adult", "k": 3});
    let map = map_ok(&app, body.clone()).await;
    let plans = map["paths"].as_array().unwrap().len();
    assert!(plans >= 1);
    for (path, status) in [(1, 200), (plans, 200), (plans + 1, 422), (9, 422), (0, 422)] {
        let r = app
            .client
            .post(app.url(&format!("/v1/career-maps?format=svg&path={path}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "path={path} of {plans}");
        if status == 422 {
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let problem: Value = r.json().await.unwrap();
            let detail = problem["detail"].as_str().unwrap();
            assert!(
                path == 0 || (detail.contains(&format!("path={path}")) && detail.contains(&format!("{plans} plan"))),
                "{detail}"
            );
        }
    }
}

// ---- One small hand-made catalog per eligibility, exam, credit, ordering, term and funding rule.

/// Starts a server holding `catalog`.
async fn app_with(catalog: Value) -> TestApp {
    spawn_imported(&catalog).await
}

fn comps(ids: &[&str]) -> Vec<Value> {
    ids.iter().map(|k| json!({"id": k, "name": k, "tier": 4})).collect()
}

fn course(id: &str, system: &str, hours: u32, credits: u32, comps: &[&str]) -> Value {
    json!({"id": id, "title": format!("Course {id}"), "system": system, "hours": hours, "credits": credits,
           "competencies": comps})
}

fn one_of(ids: &[&str]) -> Value {
    json!({"choose": 1, "from": ids})
}

/// Ids of the steps of a path (any kind), in order.
fn step_ids(p: &Value) -> Vec<String> {
    assert!(p["steps"].is_array(), "a path: {p}");
    ids(p, "steps")
}

fn position(steps: &[String], id: &str) -> usize {
    steps
        .iter()
        .position(|s| s == id)
        .unwrap_or_else(|| panic!("{id} in {steps:?}"))
}

#[tokio::test]
async fn secondary_gets_no_adult_course_nor_hse_and_the_diploma_at_graduation() {
    // `cert` needs a diploma or the equivalency, algebra (a 100-hour high-school course or a
    // 20-hour adult one) and `cc.x`. The diploma needs a 500-hour high-school course.
    let app = app_with(json!({
        "competencies": comps(&["k.alg", "k.eng", "k.x", "k.ged"]),
        "courses": [
            course("hs.eng", "secondary", 500, 4, &["k.eng"]),
            course("hs.alg", "secondary", 100, 1, &["k.alg"]),
            course("adult.alg", "adult", 20, 0, &["k.alg"]),
            course("adult.ged", "adult", 30, 0, &["k.ged"]),
            course("cc.x", "postsecondary", 45, 3, &["k.x"])
        ],
        "credentials": [
            {"id": "diploma", "title": "High school diploma", "kind": "diploma", "level": 0, "requires": [one_of(&["hs.eng"])]},
            {"id": "hse", "title": "Equivalency", "kind": "hse", "level": 0, "requires": [one_of(&["adult.ged"])]},
            {"id": "cert", "title": "Certificate", "kind": "certificate", "level": 2,
             "requires": [one_of(&["diploma", "hse"]), one_of(&["hs.alg", "adult.alg"]), one_of(&["cc.x"])]}
        ]
    }))
    .await;
    let body = map_ok(&app, map_request("credential", "cert", "secondary", 10)).await;
    let paths = body["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 1, "one plan without adult courses or the hse: {body}");
    let p = &paths[0];
    let steps = step_ids(p);
    for banned in ["adult.alg", "adult.ged", "hse", "hs.eng"] {
        assert!(!steps.contains(&banned.to_owned()), "{banned} in {steps:?}");
    }
    assert!(steps.contains(&"hs.alg".to_owned()) && steps.contains(&"cc.x".to_owned()));
    let earned = p["credentials_earned"].as_array().unwrap();
    assert!(earned.contains(&json!("diploma")), "diploma earned at graduation: {p}");
    assert_eq!(p["total_hours"], 145.0, "the diploma adds no hours: {p}");
    // An adult takes the cheap adult course and the equivalency (the diploma's course is closed).
    let body = map_ok(&app, map_request("credential", "cert", "adult", 1)).await;
    let steps = step_ids(&body["paths"][0]);
    assert!(
        steps.contains(&"adult.alg".to_owned()) && steps.contains(&"hse".to_owned()),
        "{steps:?}"
    );
}

#[tokio::test]
async fn eligible_entries_override_the_system_default() {
    let app = app_with(json!({
        "competencies": comps(&["k.a", "k.b"]),
        "courses": [
            // An adult course opened to high-school students, and a long high-school alternative.
            {"id": "adult.open", "title": "Open adult course", "system": "adult", "hours": 10, "credits": 0,
             "competencies": ["k.a"], "eligible_entries": ["secondary", "adult"]},
            course("hs.long", "secondary", 200, 1, &["k.a"]),
            // A college course closed to adult learners.
            {"id": "cc.closed", "title": "Closed college course", "system": "postsecondary", "hours": 45,
             "credits": 3, "competencies": ["k.b"], "eligible_entries": ["postsecondary"]}
        ],
        "credentials": [
            {"id": "ecert", "title": "E", "kind": "certificate", "level": 1, "requires": [one_of(&["adult.open", "hs.long"])]},
            {"id": "pcert", "title": "P", "kind": "certificate", "level": 1, "requires": [one_of(&["cc.closed"])]}
        ]
    }))
    .await;
    let body = map_ok(&app, map_request("credential", "ecert", "secondary", 1)).await;
    assert_eq!(step_ids(&body["paths"][0]), ["adult.open", "ecert"], "{body}");
    let body = map_ok(&app, json!({"target": {"credential": "pcert"}, "entry": "adult"})).await;
    assert_eq!(body["paths"], json!([]), "{body}");
    let reason = body["reason"].as_str().unwrap();
    assert!(
        reason.contains("cc.closed") && reason.contains("not_in_eligible_entries"),
        "{reason}"
    );
    let body = map_ok(
        &app,
        json!({"target": {"credential": "pcert"}, "entry": "postsecondary"}),
    )
    .await;
    assert_eq!(step_ids(&body["paths"][0]), ["cc.closed", "pcert"], "{body}");
}

/// A licence needs a program course and a board exam with a fee.
fn exam_catalog() -> Value {
    json!({
        "competencies": comps(&["k.p", "k.q"]),
        "courses": [
            {"id": "cc.prog", "title": "Program", "system": "postsecondary", "hours": 300, "credits": 12,
             "competencies": ["k.p"], "cost": 1000}
        ],
        "assessments": [
            {"id": "ex.board", "title": "Board exam", "hours": 5, "cost": 200, "competencies": ["k.q"], "provider": "Board"}
        ],
        "credentials": [
            {"id": "lic", "title": "Licence", "kind": "license", "level": 2,
             "requires": [one_of(&["ex.board"]), one_of(&["cc.prog"])]}
        ]
    })
}

#[tokio::test]
async fn a_required_exam_is_an_assessment_step_with_its_fee() {
    let app = app_with(exam_catalog()).await;
    let body = map_ok(&app, json!({"target": {"credential": "lic"}, "entry": "postsecondary"})).await;
    assert!(body["paths"][0].is_object(), "{body}");
    let p = &body["paths"][0];
    let steps = step_ids(p);
    // The exam comes after the program it certifies, even though its group is listed first.
    assert_eq!(steps, ["cc.prog", "ex.board", "lic"], "{p}");
    let exam = &p["steps"][1];
    assert_eq!(exam["kind"], "assessment");
    assert_eq!(exam["duplicative"], false);
    assert_eq!(p["total_hours"], 305.0);
    assert_eq!(p["total_cost"], 1200.0, "the exam fee is in the cost: {p}");
    assert_eq!(p["cost_complete"], true);
}

#[tokio::test]
async fn min_score_articulation_applies_only_at_or_above_the_held_score() {
    let app = app_with(json!({
        "competencies": comps(&["k.bio", "k.ap", "k.lab"]),
        "courses": [course("cc.bio", "postsecondary", 60, 4, &["k.bio"]), course("cc.lab", "postsecondary", 30, 1, &["k.lab"])],
        "assessments": [{"id": "ex.ap", "title": "AP Biology", "hours": 3, "cost": 90, "competencies": ["k.ap"],
                         "max_score": 5}],
        "credentials": [{"id": "bcert", "title": "B", "kind": "certificate", "level": 1, "requires": [one_of(&["cc.bio"]), one_of(&["cc.lab"])]}],
        "articulations": [{"id": "a.ap", "from": "ex.ap", "to": "cc.bio", "credits": 4, "kind": "credit_by_exam",
                           "min_score": 3}]
    }))
    .await;
    let ask = |learner: Value| json!({"target": {"credential": "bcert"}, "entry": "postsecondary", "k": 1, "learner": learner});
    for score in [3.0, 5.0] {
        let body = map_ok(&app, ask(json!({"assessments": [{"id": "ex.ap", "score": score}]}))).await;
        let p = &body["paths"][0];
        assert_eq!(step_ids(p), ["cc.lab", "bcert"], "score {score} waives cc.bio: {p}");
        let skip = p["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "cc.bio")
            .unwrap();
        assert_eq!(skip["reason"], "articulated");
        assert_eq!(skip["articulated_by"], "ex.ap");
    }
    for learner in [
        json!({"assessments": [{"id": "ex.ap", "score": 2.9}]}),
        json!({"assessments": [{"id": "ex.ap"}]}),
        json!({}),
    ] {
        let body = map_ok(&app, ask(learner.clone())).await;
        let steps = step_ids(&body["paths"][0]);
        // Sitting the exam in the plan does not count: the articulation needs a held score.
        assert_eq!(steps, ["cc.bio", "cc.lab", "bcert"], "{learner}: {body}");
    }
}

#[tokio::test]
async fn prior_learning_credit_waives_and_without_the_flag_the_course_stays_duplicative() {
    let app = app_with(json!({
        "competencies": comps(&["k.p", "k.q", "k.o"]),
        "courses": [
            course("cc.other", "postsecondary", 30, 3, &["k.o"]),
            {"id": "cc.pl", "title": "PLA course", "system": "postsecondary", "hours": 45, "credits": 3,
             "competencies": ["k.p"], "prior_learning_credit": true},
            course("cc.np", "postsecondary", 45, 3, &["k.q"])
        ],
        "credentials": [
            {"id": "plc", "title": "PL", "kind": "certificate", "level": 1, "requires": [one_of(&["cc.pl"]), one_of(&["cc.other"])]},
            {"id": "npc", "title": "NP", "kind": "certificate", "level": 1, "requires": [one_of(&["cc.np"])]}
        ]
    }))
    .await;
    let learner = json!({"competencies": ["k.p", "k.q"]});
    let body = map_ok(
        &app,
        json!({"target": {"credential": "plc"}, "entry": "postsecondary", "learner": learner}),
    )
    .await;
    let p = &body["paths"][0];
    assert_eq!(step_ids(p), ["cc.other", "plc"], "{p}");
    assert_eq!(p["total_hours"], 30.0);
    assert_eq!(p["skipped"][0]["id"], "cc.pl");
    assert_eq!(p["skipped"][0]["reason"], "prior_learning");
    // Without the competencies the flag alone waives nothing.
    let body = map_ok(&app, json!({"target": {"credential": "plc"}, "entry": "postsecondary"})).await;
    assert_eq!(step_ids(&body["paths"][0]), ["cc.other", "cc.pl", "plc"]);
    let body = map_ok(
        &app,
        json!({"target": {"credential": "npc"}, "entry": "postsecondary", "learner": learner}),
    )
    .await;
    let p = &body["paths"][0];
    assert_eq!(step_ids(p), ["cc.np", "npc"], "{p}");
    assert_eq!(p["steps"][0]["duplicative"], true);
    assert_eq!(p["steps"][0]["covered_by"], json!(["prior_learning"]));
    assert!(p["skipped"].as_array().unwrap().is_empty(), "{p}");
}

#[tokio::test]
async fn a_credentials_step_comes_after_everything_it_requires() {
    // Ids sort the wrong way round: the credentials before the courses and exams they need.
    let app = app_with(json!({
        "competencies": comps(&["k.y", "k.z", "k.e"]),
        "courses": [
            course("y.course", "postsecondary", 30, 3, &["k.y"]),
            course("z.last", "postsecondary", 30, 3, &["k.z"])
        ],
        "assessments": [{"id": "z.exam", "title": "Exam", "hours": 2, "cost": 50, "competencies": ["k.e"]}],
        "credentials": [
            {"id": "b.mid", "title": "Mid", "kind": "certificate", "level": 1, "requires": [one_of(&["y.course"])]},
            {"id": "a.top", "title": "Top", "kind": "certificate", "level": 2,
             "requires": [one_of(&["b.mid"]), one_of(&["z.last"]), one_of(&["z.exam"])]}
        ]
    }))
    .await;
    let body = map_ok(
        &app,
        json!({"target": {"credential": "a.top"}, "entry": "postsecondary"}),
    )
    .await;
    assert!(body["paths"][0].is_object(), "{body}");
    let steps = step_ids(&body["paths"][0]);
    assert_eq!(steps.len(), 5, "{steps:?}");
    let at = |id: &str| position(&steps, id);
    assert!(at("b.mid") > at("y.course"), "{steps:?}");
    for req in ["b.mid", "z.last", "z.exam"] {
        assert!(at("a.top") > at(req), "a.top after {req}: {steps:?}");
    }
    assert!(at("z.exam") > at("z.last"), "the exam after the program: {steps:?}");
}

#[tokio::test]
async fn terms_respect_hours_per_term_and_prerequisites() {
    let app = app_with(json!({
        "competencies": comps(&["k.1", "k.2", "k.3", "k.4"]),
        "courses": [
            course("cc.1", "postsecondary", 100, 3, &["k.1"]),
            {"id": "cc.2", "title": "Two", "system": "postsecondary", "hours": 100, "credits": 3,
             "competencies": ["k.2"], "prerequisites": [one_of(&["cc.1"])]},
            course("cc.3", "postsecondary", 100, 3, &["k.3"]),
            course("cc.4", "postsecondary", 100, 3, &["k.4"])
        ],
        "credentials": [{"id": "tc", "title": "T", "kind": "certificate", "level": 1,
                         "requires": [{"choose": 4, "from": ["cc.1", "cc.2", "cc.3", "cc.4"]}]}]
    }))
    .await;
    for (per_term, min_terms) in [(200.0, 2usize), (1000.0, 2), (100.0, 4)] {
        let body = map_ok(
            &app,
            json!({"target": {"credential": "tc"}, "entry": "postsecondary", "learner": {"hours_per_term": per_term}}),
        )
        .await;
        let p = &body["paths"][0];
        let terms = p["terms"].as_array().unwrap();
        let mut term_of = std::collections::HashMap::new();
        for (i, t) in terms.iter().enumerate() {
            assert_eq!(t["term"], i + 1);
            let hours = t["hours"].as_f64().unwrap();
            assert!(hours <= per_term, "{per_term} per term: {t}");
            let mut sum = 0.0;
            for s in t["steps"].as_array().unwrap() {
                let id = s.as_str().unwrap().to_owned();
                sum += p["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["id"] == id.as_str())
                    .unwrap()["hours"]
                    .as_f64()
                    .unwrap();
                assert!(term_of.insert(id, i + 1).is_none(), "each step in one term: {p}");
            }
            assert_eq!(sum, hours, "{t}");
        }
        assert_eq!(term_of.len(), step_ids(p).len(), "every step has a term: {p}");
        assert!(term_of["cc.2"] > term_of["cc.1"], "prerequisite first: {p}");
        assert!(terms.len() >= min_terms, "{per_term}: {p}");
        assert_eq!(p["weeks"].as_f64().unwrap(), terms.len() as f64 * 16.0, "{p}");
    }
}

#[tokio::test]
async fn funding_with_eligibility_flags_reduces_net_cost_up_to_its_cap() {
    let app = app_with(json!({
        "competencies": comps(&["k.f1", "k.f2", "k.e"]),
        "courses": [
            {"id": "cc.f1", "title": "Credit course", "system": "postsecondary", "hours": 45, "credits": 3,
             "competencies": ["k.f1"], "cost": 1000},
            {"id": "cc.f2", "title": "Noncredit course", "system": "postsecondary", "hours": 20, "credits": 0,
             "competencies": ["k.f2"], "cost": 500}
        ],
        "assessments": [{"id": "ex.f", "title": "Exam", "hours": 2, "cost": 100, "competencies": ["k.e"]}],
        "credentials": [{"id": "fc", "title": "F", "kind": "certificate", "level": 1,
                         "requires": [one_of(&["cc.f1"]), one_of(&["cc.f2"]), one_of(&["ex.f"])]}],
        "funding": [
            {"id": "grant", "name": "Need grant", "eligibility": ["low_income"],
             "covers": {"systems": ["postsecondary"], "kinds": ["course"], "credit_bearing_only": true},
             "share": 1.0, "cap": 800},
            {"id": "voucher", "name": "Exam voucher", "eligibility": [], "covers": {"kinds": ["assessment"]},
             "share": 0.5}
        ]
    }))
    .await;
    let ask = |flags: Value| json!({"target": {"credential": "fc"}, "entry": "postsecondary", "learner": {"eligibility": flags}});
    let body = map_ok(&app, ask(json!(["low_income"]))).await;
    let p = &body["paths"][0];
    assert_eq!(p["total_cost"], 1600.0, "{p}");
    let paid = |p: &Value, id: &str| {
        p["funding"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["source"] == id)
            .map(|f| f["amount"].as_f64().unwrap())
    };
    assert_eq!(paid(p, "grant"), Some(800.0), "capped, credit-bearing course only: {p}");
    assert_eq!(paid(p, "voucher"), Some(50.0), "half the exam fee: {p}");
    assert_eq!(p["net_cost"], 750.0, "{p}");
    let body = map_ok(&app, ask(json!([]))).await;
    let p = &body["paths"][0];
    assert_eq!(paid(p, "grant"), None, "not eligible: {p}");
    assert_eq!(p["net_cost"], 1550.0, "{p}");
}

#[tokio::test]
async fn answers_carry_the_high_demand_basis() {
    let app = app().await;
    let body = map_ok(&app, json!({"target": {"occupation": "11-1111"}, "entry": "adult"})).await;
    let basis = &body["high_demand_basis"];
    assert_eq!(basis["region"], "US", "{body}");
    assert_eq!(
        basis["occupations_in_distribution"], 3,
        "every occupation with figures: {basis}"
    );
    // Nearest-rank 50th percentile of {10, 100, 50000} openings and {20000, 30000, 90000} wages.
    assert_eq!(basis["openings_threshold"], 100.0);
    assert_eq!(basis["wage_threshold"], 30000.0);
    assert_eq!(basis["openings_percentile"], 50.0);
    assert_eq!(body["target"]["high_demand"], true);
}

#[tokio::test]
async fn optimize_cost_and_weeks_rank_by_net_cost_and_weeks() {
    // Three routes to `g`: `cc.a` (60 h, one term, $2,000, credit-bearing: a need grant pays it
    // all), `cc.b1 > cc.b2` (40 h, two terms, $500, no credits) and `cc.c1 > cc.c2` (60 h, two
    // terms, $200).
    let c = |id: &str, hours: u32, credits: u32, cost: u32, pre: Option<&str>| {
        let mut v = json!({"id": id, "title": format!("Course {id}"), "system": "postsecondary", "hours": hours,
                           "credits": credits, "competencies": [], "cost": cost});
        if let Some(p) = pre {
            v["prerequisites"] = json!([one_of(&[p])]);
        }
        v
    };
    let app = app_with(json!({
        "competencies": comps(&["k.x"]),
        "courses": [
            c("cc.a", 60, 3, 2000, None),
            c("cc.b1", 20, 0, 250, None), c("cc.b2", 20, 0, 250, Some("cc.b1")),
            c("cc.c1", 30, 0, 100, None), c("cc.c2", 30, 0, 100, Some("cc.c1"))
        ],
        "credentials": [{"id": "g", "title": "G", "kind": "certificate", "level": 1,
                         "requires": [one_of(&["cc.a", "cc.b2", "cc.c2"])]}],
        "funding": [{"id": "grant", "name": "Need grant", "eligibility": ["low_income"],
                     "covers": {"credit_bearing_only": true}, "share": 1.0}]
    }))
    .await;
    let ask = |optimize: &str, flags: Value| {
        json!({"target": {"credential": "g"}, "entry": "postsecondary", "k": 3, "optimize": optimize,
               "learner": {"eligibility": flags}})
    };
    let last_step = |p: &Value| step_ids(p).into_iter().rfind(|s| s.starts_with("cc.")).unwrap();
    let routes = |body: &Value| -> Vec<String> { body["paths"].as_array().unwrap().iter().map(last_step).collect() };
    let body = map_ok(&app, ask("hours", json!([]))).await;
    assert_eq!(
        routes(&body),
        ["cc.b2", "cc.a", "cc.c2"],
        "fewest hours, then fewer steps"
    );
    let body = map_ok(&app, ask("cost", json!([]))).await;
    assert_eq!(body["optimize"], "cost");
    assert_eq!(routes(&body), ["cc.c2", "cc.b2", "cc.a"], "cheapest first: {body}");
    let nets: Vec<f64> = body["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["net_cost"].as_f64().unwrap())
        .collect();
    assert_eq!(nets, [200.0, 500.0, 2000.0]);
    let body = map_ok(&app, ask("cost", json!(["low_income"]))).await;
    assert_eq!(routes(&body)[0], "cc.a", "the grant pays the credit course: {body}");
    assert_eq!(body["paths"][0]["net_cost"], 0.0);
    let body = map_ok(&app, ask("weeks", json!([]))).await;
    assert_eq!(
        routes(&body),
        ["cc.a", "cc.b2", "cc.c2"],
        "one term first, then fewer hours: {body}"
    );
    let weeks: Vec<f64> = body["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["weeks"].as_f64().unwrap())
        .collect();
    assert_eq!(weeks, [16.0, 32.0, 32.0]);
}

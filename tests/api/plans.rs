//! Saved plans over HTTP: create, read (re-answered on today's data), delete with and without
//! the key, unknown ids, bounded labels and eligibility flags, the optional token, the write
//! rate limit and the bounds of the store.

use crate::common::*;
use serde_json::{Value, json};

fn cna_to_rn() -> Value {
    json!({"target": {"occupation": "29-1141"}, "entry": "adult", "k": 2,
           "learner": {"credentials": ["cna"]}})
}

async fn seeded() -> crate::common::TestApp {
    spawn_seeded().await
}

async fn create(app: &crate::common::TestApp, label: &str, request: Value) -> reqwest::Response {
    app.client
        .post(app.url("/v1/plans"))
        .json(&json!({"label": label, "request": request}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_saved_plan_is_read_back_and_re_answered_after_a_new_import() {
    let app = seeded().await;
    let r = create(&app, "Adult CNA to RN", cna_to_rn()).await;
    assert_eq!(r.status().as_u16(), 201, "created");
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, format!("/v1/plans/{id}"));
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "128-bit hex id: {id}"
    );
    let key = created["delete_key"].as_str().unwrap();
    assert_eq!(key.len(), 32);

    let (status, plan) = app.get_json(&location).await;
    assert_eq!(status, 200);
    assert_eq!(plan["label"], "Adult CNA to RN");
    assert_eq!(plan["request"], cna_to_rn(), "the request as sent");
    assert_eq!(plan["changed"], false);
    let v1 = app.version().await;
    assert_eq!(plan["saved"]["dataset_version"], v1);
    assert_eq!(plan["current"]["dataset_version"], v1);
    let (_, direct) = app.post_json("/v1/career-maps", &cna_to_rn()).await;
    assert_eq!(
        plan["saved"]["answer"]["paths"], direct["paths"],
        "the saved answer is the career map's"
    );

    // A new import makes the first step of plan 1 longer: the plan is re-answered.
    let step = plan["saved"]["answer"]["paths"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "course")
        .expect("plan 1 takes a course")
        .clone();
    let (_, mut course) = app
        .get_json(&format!("/v1/courses/{}", step["id"].as_str().unwrap()))
        .await;
    course["hours"] = json!(course["hours"].as_f64().unwrap() + 500.0);
    let (status, _) = app.import("merge", &json!({"courses": [course]})).await;
    assert_eq!(status, 200);
    let v2 = app.version().await;
    assert!(v2 > v1);

    let (_, plan) = app.get_json(&location).await;
    assert_eq!(
        plan["saved"]["dataset_version"], v1,
        "the saved answer keeps its version"
    );
    assert_eq!(plan["current"]["dataset_version"], v2);
    assert_eq!(plan["changed"], true, "the longer course changes the answer");
    let (_, now) = app.post_json("/v1/career-maps", &cna_to_rn()).await;
    assert_eq!(
        plan["current"]["answer"]["paths"], now["paths"],
        "today's answer is today's career map"
    );
    assert_eq!(
        plan["saved"]["answer"]["paths"], direct["paths"],
        "the saved answer is unchanged"
    );
    assert_ne!(plan["current"]["answer"]["paths"], plan["saved"]["answer"]["paths"]);
}

#[tokio::test]
async fn deleting_needs_the_delete_key_or_the_admin_token() {
    let app = seeded().await;
    let created: Value = create(&app, "to delete", cna_to_rn()).await.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let key = created["delete_key"].as_str().unwrap();
    let url = app.url(&format!("/v1/plans/{id}"));
    let delete_with_key = |key: &str| app.client.delete(&url).header("X-Delete-Key", key).send();

    let r = app.client.delete(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "no key");
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/forbidden");
    assert!(problem["detail"].as_str().unwrap().contains("X-Delete-Key"));
    let r = delete_with_key("0123456789abcdef0123456789abcdef").await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "wrong key");
    assert_eq!(
        app.get(&format!("/v1/plans/{id}")).await.status().as_u16(),
        200,
        "still there"
    );

    let r = delete_with_key(key).await.unwrap();
    assert_eq!(r.status().as_u16(), 204, "right key");
    assert_eq!(app.get(&format!("/v1/plans/{id}")).await.status().as_u16(), 404, "gone");
    let r = delete_with_key(key).await.unwrap();
    assert_eq!(r.status().as_u16(), 404, "deleting twice");

    // The admin token deletes any plan.
    let other: Value = create(&app, "admin deletes", cna_to_rn()).await.json().await.unwrap();
    let r = app
        .client
        .delete(app.url(&format!("/v1/plans/{}", other["id"].as_str().unwrap())))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
}

#[tokio::test]
async fn unknown_ids_are_404_and_ids_do_not_repeat() {
    let app = seeded().await;
    for id in [
        "0123456789abcdef0123456789abcdef",
        "1",
        "../../etc",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
    ] {
        let (status, p) = app.get_json(&format!("/v1/plans/{id}")).await;
        assert_eq!(status, 404, "{id}");
        assert_eq!(p["type"], "/problems/not-found");
    }
    let mut ids = std::collections::HashSet::new();
    for i in 0..5 {
        let c: Value = create(&app, &format!("plan {i}"), cna_to_rn())
            .await
            .json()
            .await
            .unwrap();
        assert!(ids.insert(c["id"].as_str().unwrap().to_owned()), "ids are fresh");
        assert_ne!(c["id"], c["delete_key"]);
    }
}

#[tokio::test]
async fn labels_and_requests_are_checked() {
    let app = seeded().await;
    let long = "x".repeat(81);
    let with_flags = |flags: Value| {
        let mut r = cna_to_rn();
        r["learner"]["eligibility"] = flags;
        r
    };
    let cases = [
        (json!({"label": long, "request": cna_to_rn()}), 422, "label"),
        (json!({"label": "   ", "request": cna_to_rn()}), 422, "label"),
        (
            json!({"label": "ok", "request": {"target": {"occupation": "29-1141"}, "entry": "astronaut"}}),
            422,
            "request",
        ),
        (
            json!({"label": "ok", "request": {"target": {"occupation": "99-9999"}, "entry": "adult"}}),
            404,
            "99-9999",
        ),
        (
            json!({"label": "ok", "request": cna_to_rn(), "student_name": "Ana"}),
            422,
            "student_name",
        ),
        (
            json!({"label": "Ana SSN 123-45-6789", "request": cna_to_rn()}),
            422,
            "Social Security",
        ),
        (
            json!({"label": "id 123456789", "request": cna_to_rn()}),
            422,
            "Social Security",
        ),
        (
            json!({"label": "evening\u{202e}route", "request": cna_to_rn()}),
            422,
            "U+202E",
        ),
        (json!({"label": "tab\there", "request": cna_to_rn()}), 422, "U+0009"),
        (
            json!({"label": "ok", "request": with_flags(json!(["low_income", "veteran"]))}),
            422,
            "unknown eligibility flag `veteran`; the catalog's funding sources use dislocated_worker, employer_sponsored, low_income, tanf, under_24",
        ),
    ];
    for (body, status, names) in cases {
        let r = app.client.post(app.url("/v1/plans")).json(&body).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        let p: Value = r.json().await.unwrap();
        assert!(p["detail"].as_str().unwrap().contains(names), "{p}");
    }
    let exactly = "é".repeat(80);
    assert_eq!(
        create(&app, &exactly, cna_to_rn()).await.status().as_u16(),
        201,
        "80 characters fit"
    );
    let r = create(
        &app,
        "Route 2026-27, phone 555-1234",
        with_flags(json!(["low_income", "tanf"])),
    )
    .await;
    assert_eq!(
        r.status().as_u16(),
        201,
        "known flags and numbers that are not SSN-shaped"
    );
}

/// `CAREERMAP_PLANS_MAX`: the plan past the cap is 507 `plans-full` and nothing is saved; a
/// delete makes room again. The byte budget likewise.
#[tokio::test]
async fn the_store_of_plans_is_bounded() {
    let app = spawn_tweaked(|s| {
        s.seed = true;
        s.plans_limits.max_plans = 2;
    })
    .await;
    let mut keys = Vec::new();
    for i in 0..2 {
        let r = create(&app, &format!("plan {i}"), cna_to_rn()).await;
        assert_eq!(r.status().as_u16(), 201);
        keys.push(r.json::<Value>().await.unwrap());
    }
    let p = expect_problem(create(&app, "third", cna_to_rn()).await, 507, "past the cap").await;
    assert_eq!(p["type"], "/problems/plans-full");
    assert!(p["detail"].as_str().unwrap().contains("CAREERMAP_PLANS_MAX"), "{p}");
    let r = app
        .client
        .delete(app.url(&format!("/v1/plans/{}", keys[0]["id"].as_str().unwrap())))
        .header("X-Delete-Key", keys[0]["delete_key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(create(&app, "room again", cna_to_rn()).await.status().as_u16(), 201);

    let app = spawn_tweaked(|s| {
        s.seed = true;
        s.plans_limits.max_bytes = 2_000;
    })
    .await;
    let p = expect_problem(create(&app, "too big", cna_to_rn()).await, 507, "past the bytes").await;
    assert_eq!(p["type"], "/problems/plans-full");
}

#[tokio::test]
async fn writes_are_rate_limited_per_address() {
    let app = spawn_with(Options {
        seed: true,
        plans_per_minute: 3,
        ..Default::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(create(&app, "ok", cna_to_rn()).await.status().as_u16(), 201);
    }
    let r = create(&app, "one too many", cna_to_rn()).await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["type"], "/problems/rate-limited");
}

#[tokio::test]
async fn a_plans_token_closes_saving() {
    let app = spawn_with(Options {
        seed: true,
        plans_token: Some("plans-token-0123456789"),
        ..Default::default()
    })
    .await;
    assert_eq!(create(&app, "no token", cna_to_rn()).await.status().as_u16(), 401);
    let r = app
        .client
        .post(app.url("/v1/plans"))
        .bearer_auth("plans-token-0123456789")
        .json(&json!({"label": "with token", "request": cna_to_rn()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
}

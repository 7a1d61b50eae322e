use crate::common::*;
use serde_json::{Value, json};

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn replace_then_merge_upserts_by_id() {
    let app = spawn_app().await;
    assert_eq!(app.version().await, 0, "empty store without seed");
    let (status, body) = app.import("replace", &small_bundle()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset_version"], 1);
    assert_eq!(body["counts"]["courses"], 3);

    // Merge: one changed course, one new course; the rest stays.
    let patch = json!({"courses": [
        {"id": "adult.cna", "title": "Nurse Aide Training (revised)", "system": "adult", "hours": 90, "competencies": ["k.care"]},
        {"id": "adult.math", "title": "Contextualized Math", "system": "adult", "hours": 40, "competencies": ["k.math"]}
    ]});
    let (status, body) = app.import("merge", &patch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset_version"], 2);
    assert_eq!(body["received"]["courses"], 2);
    assert_eq!(body["counts"]["courses"], 4);
    let (_, cna) = app.get_json("/v1/courses/adult.cna").await;
    assert_eq!(cna["title"], "Nurse Aide Training (revised)");
    assert_eq!(cna["hours"], 90.0);
    assert_eq!(
        app.get_json("/v1/credentials?limit=10").await.1["total"],
        2,
        "merge keeps other kinds"
    );

    // Merge is re-validated as a whole: dropping a competency others use is refused.
    let (status, body) = app
        .import("merge", &json!({"courses": [{"id": "adult.math", "title": "M", "system": "adult", "hours": 1, "competencies": ["k.gone"]}]}))
        .await;
    assert_eq!(status, 422, "{body}");

    // Replace swaps everything (removing most records needs confirm=true).
    let only = json!({"competencies": [{"id": "x", "name": "X", "tier": 1}]});
    assert_eq!(app.import("replace", &only).await.0, 409);
    let (status, body) = app.import("replace&confirm=true", &only).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset_version"], 3);
    assert_eq!(app.get_json("/v1/courses").await.1["total"], 0);
    let (_, history) = app.get_json("/v1/datasets").await;
    let origins: Vec<&str> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["import:replace", "import:merge", "import:replace"]);
}

#[tokio::test]
async fn writes_need_the_admin_token() {
    let app = spawn_app().await;
    let url = app.url("/v1/imports");
    let no_token = app.client.post(&url).json(&small_bundle()).send().await.unwrap();
    assert_eq!(no_token.status().as_u16(), 401);
    assert_eq!(no_token.headers()["www-authenticate"], "Bearer");
    assert_eq!(no_token.headers()["content-type"], "application/problem+json");
    for token in [
        "wrong-token-wrong-token",
        "test-admin-token-012345678",
        "test-admin-token-01234567890",
    ] {
        let r = app
            .client
            .post(&url)
            .bearer_auth(token)
            .json(&small_bundle())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{token}");
    }
    let r = app
        .client
        .post(&url)
        .header("Authorization", format!("Basic {TOKEN}"))
        .json(&small_bundle())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(app.version().await, 0, "nothing written");

    let open = spawn_with(Options {
        token: None,
        ..Default::default()
    })
    .await;
    let (status, body) = open.post_json("/v1/imports", &small_bundle()).await;
    assert_eq!(status, 403);
    assert!(
        body["detail"].as_str().unwrap().contains("CAREERMAP_ADMIN_TOKEN"),
        "says how to enable writes"
    );
    assert_eq!(open.get("/v1/courses").await.status().as_u16(), 200, "reads stay open");
}

#[tokio::test]
async fn oversized_bodies_are_413_problems() {
    let app = spawn_with(Options {
        body_limit: 4096,
        ..Default::default()
    })
    .await;
    let big = json!({"competencies": (0..200).map(|i| json!({"id": format!("k{i}"), "name": "x".repeat(20), "tier": 1})).collect::<Vec<_>>()});
    let r = app
        .client
        .post(app.url("/v1/imports"))
        .bearer_auth(TOKEN)
        .json(&big)
        .send()
        .await
        .unwrap();
    let body = expect_problem(r, 413, "").await;
    assert!(body["detail"].as_str().unwrap().contains("4096"));
    // Chunked, without Content-Length: the limit still holds.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(serde_json::to_vec(&big).unwrap())];
    let r = app
        .post_raw(
            "/v1/imports",
            "application/json",
            reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)),
        )
        .await;
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(app.version().await, 0);
}

/// One table: each class of invalid bundle, what must be named, and the code.
#[tokio::test]
async fn every_validation_class_is_a_422_naming_the_record() {
    let app = spawn_app().await;
    assert_eq!(app.import("replace", &small_bundle()).await.0, 200);
    let before_version = app.version().await;
    let before = app.get_json("/v1/courses?limit=100").await.1;

    let course = |extra: Value| {
        let mut c = json!({"id": "bad.course", "title": "Bad", "system": "adult", "hours": 10});
        c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({"courses": [c]})
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "unknown competency",
            course(json!({"competencies": ["k.nope"]})),
            "bad.course",
            "unknown_reference",
        ),
        (
            "unknown prerequisite",
            course(json!({"prerequisites": [{"choose": 1, "from": ["ghost"]}]})),
            "bad.course",
            "unknown_reference",
        ),
        (
            "choose 0",
            course(json!({"prerequisites": [{"choose": 0, "from": ["adult.cna"]}]})),
            "bad.course",
            "choose_out_of_range",
        ),
        (
            "choose > list",
            course(json!({"prerequisites": [{"choose": 3, "from": ["adult.cna", "cna"]}]})),
            "bad.course",
            "choose_out_of_range",
        ),
        (
            "unreachable min_credits",
            course(json!({"prerequisites": [{"min_credits": 9, "from": ["cc.nur-101"]}]})),
            "bad.course",
            "unreachable_credits",
        ),
        (
            "negative hours",
            course(json!({"hours": -5})),
            "bad.course",
            "invalid_number",
        ),
        (
            "negative credits",
            course(json!({"credits": -1})),
            "bad.course",
            "invalid_number",
        ),
        (
            "unknown system",
            course(json!({"system": "college"})),
            "bad.course",
            "malformed",
        ),
        (
            "missing title",
            json!({"courses": [{"id": "bad.course", "system": "adult", "hours": 1}]}),
            "bad.course",
            "malformed",
        ),
        (
            "misspelt field",
            course(json!({"prerequisite": []})),
            "bad.course",
            "malformed",
        ),
        (
            "duplicate id in body",
            json!({"courses": [
            {"id": "dup", "title": "A", "system": "adult", "hours": 1}, {"id": "dup", "title": "B", "system": "adult", "hours": 1}]}),
            "dup",
            "duplicate_id",
        ),
        (
            "course id = credential id",
            json!({"courses": [{"id": "cna", "title": "A", "system": "adult", "hours": 1}]}),
            "cna",
            "duplicate_id",
        ),
        (
            "prerequisite cycle",
            json!({"courses": [
            {"id": "cyc.a", "title": "A", "system": "adult", "hours": 1, "prerequisites": [{"choose": 1, "from": ["cyc.b"]}]},
            {"id": "cyc.b", "title": "B", "system": "adult", "hours": 1, "prerequisites": [{"choose": 1, "from": ["cyc.a"]}]}]}),
            "cyc.a",
            "cycle",
        ),
        (
            "requirement cycle through a credential",
            json!({"credentials": [
            {"id": "cna", "title": "CNA", "kind": "license", "level": 1, "requires": [{"choose": 1, "from": ["cc.nur-101"]}]}]}),
            "cc.nur-101",
            "cycle",
        ),
        (
            "bad SOC code",
            json!({"occupations": [{"soc": "291141", "title": "RN"}]}),
            "291141",
            "invalid_soc_code",
        ),
        (
            "self articulation",
            json!({"articulations": [{"id": "self", "from": "cc.nur-101", "to": "cc.nur-101", "credits": 1, "kind": "dual_enrollment"}]}),
            "self",
            "self_articulation",
        ),
        (
            "articulation to a credential",
            json!({"articulations": [{"id": "toc", "from": "adult.cna", "to": "cna", "credits": 1, "kind": "prior_learning"}]}),
            "toc",
            "unknown_reference",
        ),
        (
            "unknown articulation kind",
            json!({"articulations": [{"id": "k", "from": "adult.cna", "to": "cc.nur-101", "credits": 1, "kind": "handshake"}]}),
            "k",
            "malformed",
        ),
        (
            "tier out of range",
            json!({"competencies": [{"id": "k.bad", "name": "Bad", "tier": 12}]}),
            "k.bad",
            "invalid_tier",
        ),
        (
            "unknown stacks_into",
            json!({"credentials": [{"id": "c9", "title": "C", "kind": "certificate", "level": 1, "stacks_into": ["nope"]}]}),
            "c9",
            "unknown_reference",
        ),
        (
            "unknown entry credential",
            json!({"occupations": [{"soc": "29-1141", "title": "RN", "entry_credentials": ["rn"]}]}),
            "29-1141",
            "unknown_reference",
        ),
    ];
    for (name, body, id, code) in cases {
        let (status, problem) = app.import("merge", &body).await;
        assert_eq!(status, 422, "{name}: {problem}");
        assert_eq!(problem["type"], "/problems/validation", "{name}");
        let errors = problem["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no errors array: {problem}"));
        assert!(
            errors
                .iter()
                .any(|e| e["id"] == id && e["code"] == code && !e["field"].as_str().unwrap().is_empty()),
            "{name}: expected {code} on {id}, got {errors:?}"
        );
        assert_eq!(app.version().await, before_version, "{name}: version unchanged");
    }
    assert_eq!(
        app.get_json("/v1/courses?limit=100").await.1,
        before,
        "records unchanged after failed imports"
    );
}

#[tokio::test]
async fn all_problems_are_listed_not_just_the_first() {
    let app = spawn_app().await;
    let body = json!({
        "competencies": [{"id": "k", "name": "K", "tier": 0}],
        "courses": [
            {"id": "a", "title": "A", "system": "adult", "hours": -1, "competencies": ["missing"]},
            {"id": "b", "title": "B", "system": "nowhere", "hours": 1}
        ],
        "occupations": [{"soc": "bad", "title": "X"}]
    });
    let (status, problem) = app.import("replace", &body).await;
    assert_eq!(status, 422);
    let errors = problem["errors"].as_array().unwrap();
    let codes: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    // The malformed record is reported at parse time; the rest needs a parseable bundle.
    assert_eq!(codes, [("b", "malformed")], "parse problems come first: {errors:?}");
    let body = json!({
        "competencies": [{"id": "k", "name": "K", "tier": 0}],
        "courses": [{"id": "a", "title": "A", "system": "adult", "hours": -1, "competencies": ["missing"]}],
        "occupations": [{"soc": "bad", "title": "X"}]
    });
    let (_, problem) = app.import("replace", &body).await;
    let mut codes: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            "invalid_number",
            "invalid_soc_code",
            "invalid_tier",
            "unknown_reference"
        ]
    );
}

#[tokio::test]
async fn malformed_json_is_a_422_problem() {
    let app = spawn_app().await;
    for body in ["{", "[]", "{\"courses\": 5}", "{\"unknown_list\": []}", "not json"] {
        let r = app.post_raw("/v1/imports", "application/json", body).await;
        assert_eq!(r.status().as_u16(), 422, "{body}");
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["errors"][0]["record_kind"], "bundle", "{body}");
    }
    assert_eq!(app.import("sideways", &small_bundle()).await.0, 422);
    assert_eq!(app.version().await, 0);
}

#[tokio::test]
async fn data_survives_a_restart_and_the_seed_is_not_reapplied() {
    let tmp = tempfile::tempdir().unwrap();
    let start_seeded = || {
        spawn_in(
            tmp.path(),
            Options {
                seed: true,
                ..Default::default()
            },
        )
    };
    let app = start_seeded().await;
    assert_eq!(app.version().await, 1, "seeded");
    let (status, _) = app.import("replace&confirm=true", &small_bundle()).await;
    assert_eq!(status, 200);
    let courses = ids(&app.get_json("/v1/courses?limit=100").await.1);
    app.stop().await;

    let app = start_seeded().await;
    assert_eq!(app.version().await, 2, "version survives, seed not reapplied");
    assert_eq!(ids(&app.get_json("/v1/courses?limit=100").await.1), courses);
    let (_, health) = app.get_json("/health").await;
    assert_eq!(health["origin"], "import:replace");
    app.stop().await;
}

/// A restart the way `serve` starts (listening before the dataset is loaded): `/health`
/// answers at once, the API answers 503 `loading` with `Retry-After` and the pages a 503 page
/// that says so until `/health/ready` does, and then the same version and the same records are served as before the restart.
#[tokio::test]
async fn a_restart_that_loads_in_the_background_serves_the_same_catalog() {
    let tmp = tempfile::tempdir().unwrap();
    let app = spawn_in(tmp.path(), Options::default()).await;
    // Enough records for many stored chunks, decoded on several threads.
    let bundle = careermap::synth::generate(&careermap::synth::SynthParams {
        courses: 3000,
        credentials: 1200,
        occupations: 300,
        competencies: 1000,
        seed: 7,
    });
    let (status, body) = app
        .import("replace&confirm=true", &serde_json::to_value(&bundle).unwrap())
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, before) = app.get_json("/health").await;
    let courses = all_courses(&app).await;
    assert_eq!(courses.len(), 3000);
    app.stop().await;

    let app = spawn_loading(tmp.path(), Options::default()).await;
    let (status, health) = app.get_json("/health").await;
    assert_eq!(status, 200, "live while loading: {health}");
    assert_eq!(health["dataset_version"], before["dataset_version"], "{health}");
    assert_eq!(health["status"] == "ok", health["ready"] == true, "{health}");
    let mut waited = 0;
    loop {
        // A page asked for before the catalog is ready says so in HTML and reloads itself.
        let page = app.get("/occupations/29-1141").await;
        let page_status = page.status().as_u16();
        if page_status == 503 {
            assert_eq!(page.headers()["retry-after"], "2");
            assert!(
                page.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            let html = page.text().await.unwrap();
            assert!(
                html.contains("<h1>The catalog is loading</h1>") && html.contains(r#"http-equiv="refresh""#),
                "{html}"
            );
        }
        let r = app.get("/health/ready").await;
        if r.status().as_u16() == 200 {
            break;
        }
        assert_eq!(page_status, 503, "a page was served from a catalog still loading");
        assert_eq!(r.status().as_u16(), 503);
        assert_eq!(r.headers()["retry-after"], "1");
        let r = app.get("/v1/courses").await;
        if r.status().as_u16() == 503 {
            let body: Value = r.json().await.unwrap();
            assert!(body["type"].as_str().unwrap().ends_with("loading"), "{body}");
        }
        waited += 1;
        assert!(waited < 600, "never ready");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, after) = app.get_json("/health").await;
    assert_eq!(after["ready"], true);
    assert_eq!(after["status"], "ok");
    for field in ["dataset_version", "committed_at", "origin", "counts"] {
        assert_eq!(after[field], before[field], "{field}");
    }
    assert_eq!(all_courses(&app).await, courses);
    app.stop().await;
}

async fn all_courses(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for offset in (0..).step_by(1000) {
        let (status, page) = app.get_json(&format!("/v1/courses?limit=1000&offset={offset}")).await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap().clone();
        if items.is_empty() {
            return out;
        }
        out.extend(items);
    }
    unreachable!()
}

#[tokio::test]
async fn a_problem_names_the_records_position_in_the_list_sent() {
    let app = spawn_app().await;
    let (status, _) = app.import("replace", &small_bundle()).await;
    assert_eq!(status, 200);
    // Sorted into the catalog, `zz.bad` would be the fourth course; in the request it is the
    // only one.
    let one = json!({"courses": [{"id": "zz.bad", "title": "Bad", "system": "adult", "hours": 1, "competencies": ["k.nope"]}]});
    for mode in ["merge", "patch"] {
        let (status, body) = app.import(mode, &one).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["id"], "zz.bad", "{mode}");
        assert_eq!(body["errors"][0]["index"], 0, "{mode}: {body}");
    }
    // A problem in an existing record the import breaks has no position in the request:
    // `lpn` needs 4 credits from `cc.nur-101`, which the patch lowers to 1.
    let (status, body) = app
        .import("patch", &json!({"courses": [{"id": "cc.nur-101", "credits": 1}]}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["id"], "lpn", "{body}");
    assert!(body["errors"][0].get("index").is_none(), "{body}");
    assert_eq!(app.version().await, 1);
}

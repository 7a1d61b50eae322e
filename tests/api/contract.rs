//! The OpenAPI document says exactly what the server accepts: each test here is a mismatch
//! schemathesis found (a schema-valid request refused, or a status the document did not
//! list), checked against the document the server serves, so it fails if either side drifts.

use crate::common::*;
use serde_json::{Value, json};

async fn seeded() -> TestApp {
    spawn_seeded().await
}

async fn document(app: &TestApp) -> Value {
    let (status, doc) = app.get_json("/openapi.json").await;
    assert_eq!(status, 200);
    doc
}

/// The schema of query parameter `name` of `GET path`, without its `null` alternative.
fn param(doc: &Value, path: &str, name: &str) -> Value {
    let params = doc["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("GET {path} has parameters"));
    let p = params
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("GET {path} documents `{name}`"));
    let schema = &p["schema"];
    match schema["oneOf"].as_array() {
        Some(alts) => alts
            .iter()
            .find(|s| s["type"] != "null")
            .map(|s| match s["$ref"].as_str() {
                Some(r) => doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone(),
                None => s.clone(),
            })
            .unwrap(),
        None => schema.clone(),
    }
}

/// GET `url` and the status; a 422 must name `name`.
async fn status_of(app: &TestApp, url: &str, name: &str) -> u16 {
    let r = app.client.get(app.url(url)).bearer_auth(TOKEN).send().await.unwrap();
    let status = r.status().as_u16();
    if status == 422 {
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["parameter"], name, "{url}: {p}");
    }
    status
}

fn join(prefix: &str, query: &str) -> String {
    let sep = if prefix.contains('?') { '&' } else { '?' };
    format!("{prefix}{sep}{query}")
}

/// Each documented bound is accepted and the value just outside it refused, naming the
/// parameter: `limit=0` was documented and refused, `min_similarity`, `min_score`, `per_course`,
/// `under` and `over` had no documented bounds at all.
#[tokio::test]
async fn documented_bounds_are_the_accepted_bounds() {
    let app = seeded().await;
    let doc = document(&app).await;
    let (_, courses) = app.get_json("/v1/courses?limit=1").await;
    let course = format!(
        "/v1/courses/{}/suggested-competencies",
        courses["items"][0]["id"].as_str().expect("the seed has a course")
    );
    let course = course.as_str();
    let cases = [
        ("/v1/courses/{id}/suggested-competencies", course, "limit", 1.0),
        ("/v1/courses/{id}/suggested-competencies", course, "min_score", 0.01),
        (
            "/v1/suggested-competencies",
            "/v1/suggested-competencies",
            "per_course",
            1.0,
        ),
        (
            "/v1/suggested-competencies",
            "/v1/suggested-competencies",
            "min_score",
            0.01,
        ),
        ("/v1/suggested-competencies", "/v1/suggested-competencies", "limit", 1.0),
        ("/v1/duplicates", "/v1/duplicates", "min_similarity", 0.01),
        ("/v1/duplicates", "/v1/duplicates", "min_overlap", 0.01),
        ("/v1/reports/supply", "/v1/reports/supply?over=1000", "under", 0.01),
        ("/v1/reports/supply", "/v1/reports/supply?under=0", "over", 0.01),
        ("/v1/reports/supply", "/v1/reports/supply", "limit", 1.0),
    ];
    for (path, url, name, step) in cases {
        let schema = param(&doc, path, name);
        let (Some(min), Some(max)) = (schema["minimum"].as_f64(), schema["maximum"].as_f64()) else {
            panic!("GET {path} `{name}` has no documented bounds: {schema}");
        };
        for ok in [min, max] {
            let q = join(url, &format!("{name}={ok}"));
            let status = status_of(&app, &q, name).await;
            assert!(
                (200..300).contains(&status),
                "{q}: documented as valid, answered {status}"
            );
        }
        for bad in [min - step, max + step] {
            let q = join(url, &format!("{name}={bad}"));
            assert_eq!(status_of(&app, &q, name).await, 422, "{q}: documented as invalid");
        }
    }
    // Offsets are any unsigned 64-bit integer, as documented.
    let schema = param(&doc, "/v1/articulations", "offset");
    assert_eq!(schema["maximum"], json!(u64::MAX), "{schema}");
    let (status, page) = app.get_json(&format!("/v1/articulations?offset={}", u64::MAX)).await;
    assert_eq!(status, 200, "{page}");
    app.stop().await;
}

/// Every documented enum value is accepted and an empty value, outside the enum, is refused
/// naming the parameter: `measure`, `layout`, the bulk and supply `format` and the template
/// `format` were plain strings, so an empty value was schema-valid and refused.
#[tokio::test]
async fn documented_enums_are_the_accepted_values() {
    let app = seeded().await;
    let doc = document(&app).await;
    let cases = [
        ("/v1/duplicates", "measure"),
        ("/v1/duplicates", "format"),
        ("/v1/suggested-competencies", "format"),
        ("/v1/suggested-competencies", "layout"),
        ("/v1/reports/supply", "format"),
        ("/v1/imports/template", "format"),
    ];
    for (path, name) in cases {
        let schema = param(&doc, path, name);
        let values = schema["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("GET {path} `{name}` is not an enum: {schema}"));
        assert!(
            values.len() >= 2 && !values.contains(&json!("")),
            "{path} {name}: {schema}"
        );
        for v in values {
            let q = format!("{path}?{name}={}", v.as_str().unwrap());
            let status = status_of(&app, &q, name).await;
            assert!(
                (200..300).contains(&status),
                "{q}: documented as valid, answered {status}"
            );
        }
        assert_eq!(status_of(&app, &format!("{path}?{name}="), name).await, 422, "{path}");
    }
    app.stop().await;
}

/// Comma-separated lists match their documented patterns, spaces around commas included.
#[tokio::test]
async fn documented_list_patterns_are_the_accepted_lists() {
    let app = seeded().await;
    let doc = document(&app).await;
    for (path, name, ok, bad) in [
        (
            "/v1/duplicates",
            "basis",
            "competencies%20,text,%20codes",
            "competencies,nope",
        ),
        (
            "/v1/reports/supply",
            "status",
            "under_supply%20,balanced",
            "under_supply,nope",
        ),
    ] {
        let schema = param(&doc, path, name);
        let pattern = schema["pattern"]
            .as_str()
            .unwrap_or_else(|| panic!("{path} `{name}`: {schema}"));
        assert!(pattern.starts_with('^') && pattern.ends_with('$'), "{pattern}");
        let status = app.get(&format!("{path}?{name}={ok}")).await.status().as_u16();
        assert_eq!(status, 200, "{path}?{name}={ok}");
        assert_eq!(status_of(&app, &format!("{path}?{name}={bad}"), name).await, 422);
    }
    app.stop().await;
}

/// `over` alone below the default `under` (or `under` alone above the default `over`) was
/// schema-valid and refused; the other ratio now follows it. Both given the wrong way round
/// is refused naming `under`, as the 422 description says.
#[tokio::test]
async fn one_supply_ratio_alone_moves_the_other() {
    let app = seeded().await;
    let (status, r) = app.get_json("/v1/reports/supply?over=0.5").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r["under"].as_f64(), r["over"].as_f64()), (Some(0.5), Some(0.5)));
    let (status, r) = app.get_json("/v1/reports/supply?under=2").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r["under"].as_f64(), r["over"].as_f64()), (Some(2.0), Some(2.0)));
    // Two decimals are used.
    let (_, r) = app.get_json("/v1/reports/supply?under=0.123456&over=1.0049").await;
    assert_eq!((r["under"].as_f64(), r["over"].as_f64()), (Some(0.12), Some(1.0)));
    assert_eq!(
        status_of(&app, "/v1/reports/supply?under=1&over=0.5", "under").await,
        422
    );
    app.stop().await;
}

/// A saved plan's label is documented as the server checks it (an empty label was
/// schema-valid), and the 413 and 415 the JSON body can get are listed.
#[tokio::test]
async fn saved_plan_bodies_are_documented_as_checked() {
    let app = seeded().await;
    let doc = document(&app).await;
    let label = &doc["components"]["schemas"]["NewPlan"]["properties"]["label"];
    assert_eq!(
        (label["minLength"].as_u64(), label["maxLength"].as_u64()),
        (Some(1), Some(80))
    );
    assert!(label["pattern"].is_string(), "{label}");
    let request = json!({"target": {"occupation": "29-1141"}, "entry": "adult", "learner": {"credentials": ["cna"]}});
    for (text, valid) in [
        ("Evening route", true),
        (" x ", true),
        ("   ", false),
        ("a\u{7}b", false),
        ("", false),
    ] {
        let r = app
            .client
            .post(app.url("/v1/plans"))
            .json(&json!({"label": text, "request": request}))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        if valid {
            assert_eq!(status, 201, "{text:?}");
        } else {
            let p: Value = r.json().await.unwrap();
            assert_eq!((status, p["parameter"].clone()), (422, json!("label")), "{text:?}: {p}");
        }
    }
    let responses = &doc["paths"]["/v1/plans"]["post"]["responses"];
    let r = app
        .client
        .post(app.url("/v1/plans"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    let big = json!({"label": "x", "request": {"target": {"occupation": "x".repeat(2 << 20)}}});
    let r = app.client.post(app.url("/v1/plans")).json(&big).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    for status in ["413", "415"] {
        assert!(responses[status].is_object(), "POST /v1/plans does not list {status}");
    }
    app.stop().await;
}

/// A ladder's and the occupation list's `region` are documented as at most 32 characters
/// (JSON Schema counts characters) and were refused past 32 bytes: 20 two-byte characters were
/// schema-valid and answered 422.
#[tokio::test]
async fn region_lengths_count_characters() {
    let app = seeded().await;
    let doc = document(&app).await;
    let schema = param(&doc, "/v1/occupations/{soc}/ladder", "region");
    assert_eq!(schema["maxLength"], 32, "{schema}");
    let (_, occupations) = app.get_json("/v1/occupations?limit=1").await;
    let soc = occupations["items"][0]["soc"]
        .as_str()
        .expect("the seed has an occupation");
    let ladder = |region: String| format!("/v1/occupations/{soc}/ladder?region={region}");
    let (status, body) = app.get_json(&ladder("%C3%A9".repeat(32))).await;
    assert_eq!(status, 200, "32 characters fit: {body}");
    assert_eq!(app.get_json(&ladder("e".repeat(33))).await.0, 422);
    // The occupation list's filter too (found by the fuzzer: 30 characters, 70 bytes).
    let list = |region: String| format!("/v1/occupations?region={region}");
    assert_eq!(param(&doc, "/v1/occupations", "region")["maxLength"], 32);
    let (status, body) = app.get_json(&list("%C3%A9".repeat(32))).await;
    assert_eq!(status, 200, "32 characters fit: {body}");
    assert_eq!(app.get_json(&list("e".repeat(33))).await.0, 422);
    app.stop().await;
}

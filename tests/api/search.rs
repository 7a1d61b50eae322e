//! `GET /v1/search` on the seed catalog: the relevance table (`tests/data/search_relevance.csv`,
//! everyday queries in English and Spanish with the record each must rank in the top 3), the
//! order of tiers, `has_route` and `routes=only`, filters, languages and bad input.

use crate::common::*;
use serde_json::Value;

const RELEVANCE: &str = include_str!("../data/search_relevance.csv");

fn hits(v: &Value) -> &Vec<Value> {
    v["hits"].as_array().expect("hits")
}

fn search_path(q: &str, extra: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    format!("/v1/search?q={q}{extra}")
}

#[tokio::test]
async fn every_everyday_query_finds_its_record_in_the_top_three() {
    let app = spawn_seeded().await;
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in RELEVANCE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
    {
        let cells: Vec<&str> = line.split(',').collect();
        let [query, lang, kind, expect_kind, expect_id, note] = cells[..] else {
            panic!("a relevance row has six cells: {line}");
        };
        rows += 1;
        let kind = if kind.is_empty() {
            String::new()
        } else {
            format!("&kind={kind}")
        };
        let (status, v) = app
            .get_json(&search_path(query, &format!("&lang={lang}{kind}&limit=3")))
            .await;
        assert_eq!(status, 200, "{query}: {v}");
        let found = hits(&v)
            .iter()
            .any(|h| h["kind"] == expect_kind && h["id"] == expect_id);
        if !found {
            let got: Vec<String> = hits(&v)
                .iter()
                .map(|h| format!("{} {} ({})", h["kind"], h["id"], h["title"]))
                .collect();
            failures.push(format!(
                "`{query}` ({lang}, {note}): want {expect_kind} {expect_id}, got {got:?}"
            ));
        }
    }
    assert!(rows >= 60, "the relevance table has {rows} queries");
    assert!(
        failures.is_empty(),
        "{} of {rows} queries missed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    app.stop().await;
}

#[tokio::test]
async fn exact_titles_rank_before_lay_titles_before_descriptions() {
    let app = spawn_seeded().await;
    // "Registered Nurses" is an exact title; the credential "Registered Nurse License" holds every word.
    let v = app.get_value(&search_path("registered nurse", "")).await;
    let first = &hits(&v)[0];
    assert_eq!(
        (first["id"].as_str(), first["matched"].as_str()),
        (Some("29-1141"), Some("title")),
        "{v}"
    );
    // "CNA" is no title's word: its hits match on their lay titles, the occupation and the credential.
    let v = app.get_value(&search_path("CNA", "&limit=5")).await;
    let top: Vec<(&str, &str)> = hits(&v)
        .iter()
        .take(2)
        .map(|h| (h["id"].as_str().unwrap(), h["matched"].as_str().unwrap()))
        .collect();
    assert!(
        top.contains(&("31-1131", "alias")) && top.contains(&("cna", "alias")),
        "{v}"
    );
    // Scores fall down the list.
    let scores: Vec<f64> = hits(&v).iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // A code matches as a code.
    let v = app.get_value(&search_path("291141", "")).await;
    assert_eq!(hits(&v)[0]["matched"], "code", "{v}");
    assert_eq!(hits(&v)[0]["id"], "29-1141");
    app.stop().await;
}

#[tokio::test]
async fn hits_say_whether_the_catalog_has_a_route_and_routes_only_keeps_those() {
    let app = spawn_seeded().await;
    // Truck drivers have demand figures but no entry credential in the seed: no route.
    let v = app.get_value(&search_path("truck driver", "&kind=occupation")).await;
    let truck = hits(&v)
        .iter()
        .find(|h| h["id"] == "53-3032")
        .expect("truck drivers found");
    assert_eq!(truck["has_route"], false, "{v}");
    let v = app.get_value(&search_path("nurse", "&kind=occupation&limit=100")).await;
    let all = hits(&v).len();
    let rn = hits(&v)
        .iter()
        .find(|h| h["id"] == "29-1141")
        .expect("registered nurses found");
    assert_eq!(rn["has_route"], true);
    assert!(
        hits(&v).iter().any(|h| h["has_route"] == false),
        "nurse practitioners have no route: {v}"
    );
    let only = app
        .get_value(&search_path("nurse", "&kind=occupation&limit=100&routes=only"))
        .await;
    assert!(!hits(&only).is_empty() && hits(&only).len() < all, "{only}");
    assert!(hits(&only).iter().all(|h| h["has_route"] == true), "{only}");
    assert!(only["total"].as_u64().unwrap() < v["total"].as_u64().unwrap());
    // Without routes=only, hits with a route come first within their tier: the truck drivers'
    // routed neighbours do not exist, so check the nurse list instead: routed before unrouted
    // among the hits matching on their title's words.
    app.stop().await;
}

#[tokio::test]
async fn kinds_languages_and_limits_shape_the_answer() {
    let app = spawn_seeded().await;
    let v = app
        .get_value(&search_path("welding", "&kind=course,credential&limit=50"))
        .await;
    assert!(!hits(&v).is_empty());
    assert!(
        hits(&v)
            .iter()
            .all(|h| h["kind"] == "course" || h["kind"] == "credential"),
        "{v}"
    );
    assert!(hits(&v).iter().any(|h| h["kind"] == "course"), "{v}");
    let v = app
        .get_value(&search_path("soldador", "&lang=es&kind=occupation&limit=1"))
        .await;
    assert_eq!(hits(&v).len(), 1);
    assert_eq!(hits(&v)[0]["title"], "Soldadores", "the Spanish title: {v}");
    let v = app
        .get_value(&search_path("soldador", "&lang=en&kind=occupation&limit=1"))
        .await;
    assert_eq!(hits(&v)[0]["title"], "Welders, Cutters, Solderers, and Brazers", "{v}");
    assert!(v["total"].as_u64().unwrap() >= 1);
    app.stop().await;
}

#[tokio::test]
async fn bad_search_parameters_are_named_problems() {
    let app = spawn_seeded().await;
    for (path, name) in [
        ("/v1/search?q=", "q"),
        ("/v1/search?q=%20%20", "q"),
        ("/v1/search?q=nurse&kind=job", "kind"),
        ("/v1/search?q=nurse&lang=fr", "lang"),
        ("/v1/search?q=nurse&routes=all", "routes"),
        ("/v1/search?q=nurse&limit=0", "limit"),
        ("/v1/search?q=nurse&limit=101", "limit"),
        ("/v1/search?q=nurse&region=ZZ", "region"),
    ] {
        let p = expect_problem(app.get(path).await, 422, path).await;
        assert_eq!(p["type"], "/problems/invalid-request", "{path}: {p}");
        assert!(p["detail"].as_str().unwrap().contains(name), "{path}: {p}");
    }
    let long = "a".repeat(201);
    expect_problem(app.get(&format!("/v1/search?q={long}")).await, 422, "long q").await;
    let p = expect_problem(app.get("/v1/search").await, 422, "no q").await;
    assert!(p["detail"].as_str().unwrap().contains('q'), "{p}");
    app.stop().await;
}

//! Issue 11: one test per defect found by trying the service as an attacker and as a careless
//! client would. Each fails on the code before the fix.

use crate::common::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Defect 2: a 10 MB body of `{"competencies":[{},{},...]}` answered a 421 MB problem list.
/// Now at most 100 problems are listed, with the total counted, and the answer is small.
#[tokio::test]
async fn a_body_of_empty_records_gets_a_bounded_problem_list() {
    let app = spawn_app().await;
    let n = 2_500_000; // "{}," is 3 bytes: about 7.5 MB
    let mut body = String::with_capacity(3 * n + 32);
    body.push_str("{\"competencies\":[");
    for i in 0..n {
        if i > 0 {
            body.push(',');
        }
        body.push_str("{}");
    }
    body.push_str("]}");
    let r = app.post_raw("/v1/imports", "application/json", body).await;
    assert_eq!(r.status().as_u16(), 422);
    let text = r.text().await.unwrap();
    assert!(text.len() < 64 * 1024, "answer is {} bytes", text.len());
    let p: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(p["total_errors"], n);
    let errors = p["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 101);
    assert_eq!(errors[100]["code"], "too_many_problems");
    assert_eq!(errors[100]["index"], n - 100);
    assert!(p["detail"].as_str().unwrap().starts_with(&format!("{n} problem(s)")));
    assert_eq!(app.version().await, 0);
}

/// Defect 2: a 1 MB id was echoed into a 1 MB problem; 10,000 unknown learner ids gave 568 KB.
#[tokio::test]
async fn echoed_ids_and_unknown_learner_lists_are_clipped() {
    let app = spawn_app().await;
    assert_eq!(app.import("replace", &small_bundle()).await.0, 200);
    let long = "x".repeat(1 << 20);
    let (status, p) = app
        .import("merge", &json!({"competencies": [{"id": long, "name": 5, "tier": 1}]}))
        .await;
    assert_eq!(status, 422);
    let id = p["errors"][0]["id"].as_str().unwrap();
    assert!(id.chars().count() <= 201 && id.starts_with("xxx"), "{}", id.len());
    assert!(serde_json::to_string(&p).unwrap().len() < 4096);

    let (status, p) = app.get_json(&format!("/v1/courses/{}", "y".repeat(8000))).await;
    assert_eq!(status, 404);
    assert!(p["detail"].as_str().unwrap().len() < 400);

    let ids: Vec<String> = (0..1000).map(|i| format!("nope-{i}")).collect();
    let req = json!({"target": {"occupation": "31-1131"}, "entry": "adult", "learner": {"credentials": ids}});
    let (status, p) = app.post_json("/v1/career-maps", &req).await;
    assert_eq!(status, 422);
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.len() < 2048, "{} bytes", detail.len());
    assert!(detail.contains("1000 unknown learner ids in all"), "{detail}");
    // Past 1000 ids a list is refused by its size, naming it.
    let ids: Vec<String> = (0..1001).map(|i| format!("nope-{i}")).collect();
    let req = json!({"target": {"occupation": "31-1131"}, "entry": "adult", "learner": {"credentials": ids}});
    let (status, p) = app.post_json("/v1/career-maps", &req).await;
    assert_eq!(status, 422);
    assert_eq!(p["parameter"], "learner.credentials");
}

/// Defect 3: every distinct `min_overlap` (`1e-320`, ...) was a new 55 MiB cache entry. Now
/// tiny values are refused naming the parameter, and values are rounded to two decimals, so
/// 0.501 and 0.5 are one computation (and one cache key).
#[tokio::test]
async fn analysis_parameters_have_a_small_key_space() {
    let app = spawn_seeded().await;
    for bad in ["1e-320", "0", "0.001", "NaN", "1e309", "-1", "1.5"] {
        let (status, p) = app.get_json(&format!("/v1/duplicates?min_overlap={bad}")).await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(p["parameter"], "min_overlap", "{bad}: {p}");
    }
    let (s1, a) = app.get_json("/v1/duplicates?min_overlap=0.501").await;
    let (s2, b) = app.get_json("/v1/duplicates?min_overlap=0.5").await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(a["min_overlap"], 0.5);
    assert_eq!(a, b);
}

/// Defect 4: 763 token guesses a second, no lockout. Now a burst of failures locks the
/// client out with 429 and Retry-After, the right token included.
#[tokio::test]
async fn failed_authentication_is_rate_limited() {
    let app = spawn_http(|http| {
        http.auth_fail_burst = 5;
    })
    .await;
    let try_token = |t: &'static str| {
        let c = app.client.clone();
        let url = app.url("/v1/imports");
        async move { c.post(url).bearer_auth(t).json(&json!({})).send().await.unwrap() }
    };
    for _ in 0..5 {
        assert_eq!(try_token("wrong-token-0123456789").await.status().as_u16(), 401);
    }
    let r = try_token("wrong-token-0123456789").await;
    assert_eq!(r.status().as_u16(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=61).contains(&wait), "{wait}");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // Others' failures never lock the right token out (issue 22): it gets through.
    assert_ne!(try_token(TOKEN).await.status().as_u16(), 429);
}

/// Defect 4: 2,000 quick requests were all served. With `CAREERMAP_RATE_LIMIT` a client gets
/// 429 past its burst; without it (the default) nothing is limited.
#[tokio::test]
async fn the_general_rate_limit_applies_when_set() {
    let app = spawn_http(|http| {
        http.rate_limit = Some(5);
    })
    .await;
    let mut statuses = Vec::new();
    // `/health` is exempt (a load balancer's check is never refused); a catalog read is not.
    for _ in 0..30 {
        statuses.push(app.get("/v1/occupations?limit=1").await.status().as_u16());
    }
    assert!(statuses.iter().filter(|&&s| s == 200).count() >= 10);
    assert!(statuses.contains(&429), "{statuses:?}");

    let open = spawn_app().await;
    for _ in 0..100 {
        assert_eq!(open.get("/health").await.status().as_u16(), 200);
    }
}

/// Defect 5: a `replace` with `{}` committed an empty catalog and nothing could be restored;
/// a no-op merge made a version; the history was not paged and said nothing of who wrote it.
#[tokio::test]
async fn a_wipe_is_refused_and_any_kept_version_can_be_restored() {
    let app = spawn_app().await;
    assert_eq!(app.import("replace", &small_bundle()).await.0, 200);
    let v1 = app.get_json("/v1/courses?limit=100").await.1;

    let (status, p) = app.import("replace", &json!({})).await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["type"], "/problems/conflict");
    assert!(p["detail"].as_str().unwrap().contains("confirm=true"));
    assert_eq!(app.version().await, 1);

    // A no-op merge makes no version.
    let (status, r) = app.import("merge", &small_bundle()).await;
    assert_eq!(status, 200);
    assert_eq!((r["changed"].clone(), app.version().await), (json!(false), 1));

    let (status, _) = app.post_json("/v1/imports?mode=replace&confirm=true", &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get_json("/v1/courses").await.1["total"], 0);

    // Restore needs the token.
    let r = app.client.post(app.url("/v1/datasets/1/restore")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let (status, r) = app.post_json("/v1/datasets/1/restore", &json!({})).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (r["dataset_version"].clone(), r["restored"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(app.get_json("/v1/courses?limit=100").await.1, v1);
    let (status, _) = app.post_json("/v1/datasets/99/restore", &json!({})).await;
    assert_eq!(status, 404);

    // Paged history, each entry with the writer's fingerprint, never the token.
    let (status, h) = app.get_json("/v1/datasets?limit=2&offset=1").await;
    assert_eq!(status, 200);
    assert_eq!(h["total"], 3);
    let versions = h["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[1]["origin"], "restore:1");
    assert_eq!(versions[1]["restorable"], true);
    let author = versions[1]["author"].as_str().unwrap();
    assert_eq!(author.len(), 12);
    assert!(!serde_json::to_string(&h).unwrap().contains(TOKEN));
}

/// Only the newest `CAREERMAP_KEEP_VERSIONS` versions keep data; the store stays bounded.
#[tokio::test]
async fn old_versions_lose_their_data_past_the_retention() {
    let app = spawn_http(|http| {
        http.keep_versions = 2;
    })
    .await;
    for i in 0..4 {
        let b = json!({"competencies": [{"id": format!("k{i}"), "name": "x", "tier": 1}]});
        assert_eq!(app.import("merge", &b).await.0, 200);
    }
    let h = app.get_json("/v1/datasets").await.1;
    let kept: Vec<bool> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["restorable"].as_bool().unwrap())
        .collect();
    assert_eq!(kept, vec![false, false, true, true]);
    assert_eq!(app.post_json("/v1/datasets/1/restore", &json!({})).await.0, 404);
    assert_eq!(app.post_json("/v1/datasets/3/restore", &json!({})).await.0, 200);
}

/// Defect 6: a head with `Content-Length: 1000000` and then silence held the connection for
/// 70 s and more. Now the body idle timeout answers 408 and closes.
#[tokio::test]
async fn a_silent_upload_is_answered_408_and_closed() {
    let app = spawn_http(|http| {
        http.body_idle_timeout = Duration::from_secs(1);
    })
    .await;
    let addr = app.address.trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/imports HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{{\"competencies\": ["
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .unwrap();
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

/// Defect 7: contract drift found by schemathesis.
#[tokio::test]
async fn parameters_match_the_contract_and_errors_name_them() {
    let app = spawn_seeded().await;
    // limit=0 is documented and answers only the total.
    let (status, p) = app.get_json("/v1/courses?limit=0").await;
    assert_eq!(status, 200);
    assert_eq!(p["items"].as_array().unwrap().len(), 0);
    assert!(p["total"].as_u64().unwrap() > 0);
    // An empty enum value is not a value of the (documented) enum.
    let (status, e) = app.get_json("/v1/courses?system=&limit=0").await;
    assert_eq!((status, e["parameter"].clone()), (422, json!("system")));
    // Errors name the parameter.
    for (q, name) in [
        ("/v1/courses?limit=-1", "limit"),
        ("/v1/courses?limit=1001", "limit"),
        ("/v1/competencies?tier=NaN", "tier"),
        ("/v1/competencies?tier=10", "tier"),
        ("/v1/credentials?level=1e309", "level"),
        ("/v1/courses?system=nope", "system"),
        ("/v1/gaps?containment=2", "containment"),
    ] {
        let (status, p) = app.get_json(q).await;
        assert_eq!(status, 422, "{q}");
        assert_eq!(p["parameter"], name, "{q}: {p}");
    }
    // TRACE and other methods: 405 with Allow.
    let r = app
        .client
        .request(reqwest::Method::TRACE, app.url("/v1/courses"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "GET, OPTIONS");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = app.client.delete(app.url("/v1/imports")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "POST, OPTIONS");
    // Imports need a known Content-Type, as career maps do.
    let r = app.post_raw("/v1/imports", "text/plain", "{}").await;
    assert_eq!(r.status().as_u16(), 415);
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("application/json"));
}

/// Defect 8: no CORS, no nosniff, no framing policy, no Cache-Control; now present, and reads
/// of the current dataset revalidate with the dataset version as ETag.
#[tokio::test]
async fn browser_and_proxy_headers() {
    let mut http = careermap::settings::HttpSettings::for_tests();
    http.cors_origins = vec!["https://portal.example.gov".into()];
    let app = spawn_with(Options {
        seed: true,
        http,
        ..Default::default()
    })
    .await;
    for path in ["/v1/courses", "/health", "/docs/", "/v1/nope"] {
        let r = app.get(path).await;
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        assert!(h.contains_key("cache-control"), "{path}");
    }
    assert_eq!(app.get("/health").await.headers()["cache-control"], "no-store");
    let r = app.get("/v1/courses").await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"v{}\"", app.version().await));
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let revalidate = || {
        app.client
            .get(app.url("/v1/courses"))
            .header("if-none-match", &etag)
            .send()
    };
    let r = revalidate().await.unwrap();
    assert_eq!(r.status().as_u16(), 304);
    // A write changes the version: the old tag no longer matches.
    let b = json!({"competencies": [{"id": "k.new", "name": "New", "tier": 1}]});
    assert_eq!(app.import("merge", &b).await.0, 200);
    let r = revalidate().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // CORS: the preflight of a configured origin is answered; another origin gets no grant.
    let pre = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/v1/career-maps"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let r = pre("https://portal.example.gov").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], "https://portal.example.gov");
    let r = pre("https://evil.example").await.unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    let r = app
        .client
        .get(app.url("/v1/courses"))
        .header("origin", "https://portal.example.gov")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "https://portal.example.gov");
}

/// Defect 8: an admin token with surrounding spaces passed the start-up check and could never
/// authenticate.
#[test]
fn a_token_with_surrounding_whitespace_is_refused_at_start() {
    use careermap::settings::{Cli, Command, Settings};
    use clap::Parser;
    for (token, ok) in [
        (" padded-token-0123456789", false),
        ("padded-token-0123456789\n", false),
        ("padded-token-0123456789", true),
    ] {
        let cli = Cli::try_parse_from(["careermap", "serve", "--admin-token", token]).unwrap();
        let Command::Serve(args) = cli.command else {
            unreachable!()
        };
        let r = Settings::from_serve(cli.data_dir, args);
        assert_eq!(r.is_ok(), ok, "{token:?}: {:?}", r.err());
        if let Err(e) = r {
            assert!(e.contains("whitespace"), "{e}");
        }
    }
}

//! The edges a security probe found (issue 22): hostile titles in every output format, the
//! admin's token under others' failures, the client address behind a trusted proxy, the small
//! protocol points (HEAD, health under a rate limit, cacheable assets, the docs' CSP), slow
//! bodies and connection caps, and the pages' cache.

use crate::common::*;
use crate::pictures::{check_drawing, parse_dot, parse_mermaid};
use serde_json::{Value, json};

/// The probe's hostile titles: a spreadsheet formula, and a title with a line break, quotes,
/// brackets, braces, markup and a Mermaid entity.
const FORMULA: &str = "=HYPERLINK(\"http://evil.example/\",\"click\")";
const BREAKER: &str = "Care\"]\n  x[\"owned\"] } ]; <script>alert(1)</script> #quot; `tick`\r\n@end";

/// [`small_bundle`] with hostile titles on an occupation, courses and credentials.
fn hostile_bundle() -> Value {
    let mut b = small_bundle();
    b["occupations"][0]["title"] = json!(FORMULA);
    b["courses"][1]["title"] = json!(BREAKER);
    b["courses"][2]["title"] = json!(format!("-1+{FORMULA}"));
    b["credentials"][0]["title"] = json!(BREAKER);
    b["credentials"][1]["title"] = json!(format!("+{BREAKER}"));
    b
}

/// Every cell of a CSV answer is inert: none starts with `=`, `+`, `-`, `@`, a tab or a CR
/// unless it is a plain number.
fn assert_inert_csv(what: &str, text: &str) -> usize {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut cells = 0;
    for rec in r.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{what}: the CSV parses: {e}"));
        for cell in rec.iter() {
            cells += 1;
            let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(
                !risky || cell.parse::<f64>().is_ok_and(|_| !cell.contains(['i', 'n', 'I', 'N'])),
                "{what}: a live formula cell {cell:?}"
            );
        }
    }
    cells
}

/// Mermaid's entity codes back to text.
fn mermaid_text(label: &str) -> String {
    label
        .replace("#quot;", "\"")
        .replace("#lt;", "<")
        .replace("#gt;", ">")
        .replace("#96;", "`")
        .replace("#35;", "#")
}

#[tokio::test]
async fn hostile_titles_stay_inert_and_parseable_in_every_format() {
    let app = spawn_imported(&hostile_bundle()).await;
    // JSON: the title round-trips exactly.
    let occ = app.get_value("/v1/occupations/31-1131").await;
    assert_eq!(occ["title"], FORMULA);
    let cred = app.get_value("/v1/credentials/cna").await;
    assert_eq!(cred["title"], BREAKER);
    // CSV: every table that shows titles, no cell a formula, the formula kept as text.
    let mut seen_formula = false;
    for path in [
        "/v1/reports/supply?format=csv",
        "/v1/gaps?format=csv",
        "/v1/duplicates?format=csv",
        "/v1/reports/alignment?format=csv",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        let text = r.text().await.unwrap();
        assert!(assert_inert_csv(path, &text) > 0, "{path}: {text}");
        seen_formula |= text.contains("'=HYPERLINK(");
    }
    assert!(
        seen_formula,
        "the supply table shows the occupation's title, neutralised"
    );
    // DOT and Mermaid: read back as graphs with the same nodes and edges as the plan, each
    // label one line holding the title.
    let body = map_request("credential", "lpn", "adult", 1);
    let (status, answer) = app.post_json("/v1/career-maps", &body).await;
    assert_eq!(status, 200, "{answer}");
    let plan = &answer["paths"][0];
    for format in ["dot", "mermaid"] {
        let r = app.career_map_as(format, &body).await;
        assert_eq!(r.status(), 200, "{format}");
        let text = r.text().await.unwrap();
        assert!(!text.contains("x[\"owned\"]"), "{format}: no injected node: {text}");
        let drawing = if format == "dot" {
            parse_dot(&text)
        } else {
            parse_mermaid(&text)
        };
        check_drawing(&app, format, &drawing, plan).await;
        let label = &drawing.nodes["k_cna"];
        let label = if format == "dot" {
            label.clone()
        } else {
            mermaid_text(label)
        };
        let one_line = BREAKER.replace(['\r', '\n'], " ");
        assert!(label.contains(&one_line), "{format}: the title in one line: {label:?}");
        assert!(
            drawing.nodes.keys().all(|k| k != "x"),
            "{format}: no node from a title: {:?}",
            drawing.nodes.keys()
        );
    }
    // SVG: markup escaped.
    let svg = app.career_map_as("svg", &body).await.text().await.unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
    assert!(!svg.contains("<script"), "no live markup in the SVG");
    assert!(svg.contains("&lt;script&gt;"), "the title is shown, escaped");
    // Pages: escaped, and the formula shown as text.
    for path in ["/occupations/31-1131", "/credentials/cna", "/"] {
        let r = app.get(path).await;
        if r.status() == 404 {
            continue;
        }
        let html = r.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{path}: no live markup");
    }
    let html = app.page_ok("/occupations/31-1131").await;
    assert!(
        html.contains("=HYPERLINK(") && !html.contains("\"http://evil.example/\""),
        "the page shows the title, its quotes escaped"
    );
}

// ---- auth and addresses --------------------------------------------------------------------

/// `GET {path}` with `Authorization: Bearer {token}` (none when `None`) and extra headers.
async fn get_as(app: &TestApp, path: &str, token: Option<&str>, headers: &[(&str, &str)]) -> u16 {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_right_token_is_never_locked_out_by_others_failures() {
    let app = spawn_http(|h| h.auth_fail_burst = 3).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(get_as(&app, "/v1/sources", Some("wrong-token-0123456789"), &[]).await);
    }
    assert_eq!(&statuses[..3], &[401, 401, 401], "{statuses:?}");
    assert_eq!(
        statuses[5], 429,
        "wrong tokens past the burst are locked out: {statuses:?}"
    );
    // The address is locked out for wrong tokens, but the admin's own token passes, and a
    // request without credentials is told to authenticate.
    assert_eq!(get_as(&app, "/v1/sources", Some(TOKEN), &[]).await, 200);
    let (status, body) = app.import("patch", &small_bundle()).await;
    assert_eq!(status, 200, "a write with the right token: {body}");
    assert_eq!(get_as(&app, "/v1/sources", None, &[]).await, 401);
    assert_eq!(
        get_as(&app, "/v1/sources", Some("wrong-token-0123456789"), &[]).await,
        429
    );
}

#[tokio::test]
async fn only_a_trusted_proxy_tells_clients_apart() {
    let wrong = Some("wrong-token-0123456789");
    // Behind a trusted proxy (here: loopback), each forwarded client has its own lock-out.
    let app = spawn_http(|h| {
        h.auth_fail_burst = 2;
        h.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let a = [("x-forwarded-for", "203.0.113.5")];
    let b = [("forwarded", "for=\"198.51.100.7:5000\"")];
    for _ in 0..4 {
        get_as(&app, "/v1/sources", wrong, &a).await;
    }
    assert_eq!(get_as(&app, "/v1/sources", wrong, &a).await, 429);
    assert_eq!(
        get_as(&app, "/v1/sources", wrong, &b).await,
        401,
        "another client is not locked out"
    );
    // Without the setting, the headers are the client's own words: not believed.
    let app = spawn_http(|h| h.auth_fail_burst = 2).await;
    for _ in 0..4 {
        get_as(&app, "/v1/sources", wrong, &a).await;
    }
    assert_eq!(
        get_as(&app, "/v1/sources", wrong, &b).await,
        429,
        "a forged header does not escape"
    );
}

// ---- small ones ----------------------------------------------------------------------------

/// The raw answer to `request` sent over a new connection (read until the server closes).
async fn raw(app: &TestApp, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.address.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .expect("the server answers and closes")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn head_is_answered_on_every_get_route_without_a_body() {
    let app = spawn_seeded().await;
    for path in [
        "/health",
        "/health/ready",
        "/v1/occupations?limit=2",
        "/v1/occupations/29-1141",
        "/",
        "/occupations/29-1141",
        "/openapi.json",
    ] {
        let r = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "HEAD {path}");
        let get = app.get(path).await;
        assert_eq!(
            r.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path} has GET's headers"
        );
        let answer = raw(
            &app,
            &format!("HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
        .await;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(body.is_empty(), "HEAD {path} sent a body: {body:.200}");
    }
    // A POST-only route answers HEAD with 405 and what it allows.
    let r = app.client.head(app.url("/v1/career-maps")).send().await.unwrap();
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn health_checks_never_count_against_the_rate_limit() {
    let app = spawn_http(|h| h.rate_limit = Some(1)).await;
    for path in ["/health", "/health/ready"] {
        for i in 0..20 {
            assert_eq!(get_as(&app, path, None, &[]).await, 200, "{path} #{i}");
        }
    }
    let mut limited = false;
    for _ in 0..10 {
        limited |= get_as(&app, "/v1/occupations", None, &[]).await == 429;
    }
    assert!(limited, "other paths are limited");
}

#[tokio::test]
async fn assets_have_hashed_names_and_are_cached_for_a_year() {
    let app = spawn_seeded().await;
    let html = app.page_ok("/").await;
    for (prefix, ext) in [("/assets/style.", ".css"), ("/assets/app.", ".js")] {
        let start = html
            .find(prefix)
            .unwrap_or_else(|| panic!("the page links {prefix}*{ext}"));
        let rest = &html[start..];
        let href = &rest[..rest.find('"').unwrap()];
        let hash = href.trim_start_matches(prefix).trim_end_matches(ext);
        assert!(
            hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "a content hash in {href}"
        );
        let r = app.get(href).await;
        assert_eq!(r.status(), 200, "{href}");
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{href}"
        );
    }
    let r = app.get("/assets/style.000000000000.css").await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn swagger_ui_runs_under_a_strict_csp() {
    let app = spawn_app().await;
    let r = app.get("/docs/").await;
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert!(
        !csp.contains("unsafe-eval") && !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script the CSP would block");
}

// ---- bodies with deadlines and connection caps ---------------------------------------------

/// Opens a connection from the default loopback address and starts a `POST` whose body of
/// `declared` bytes arrives one byte every `every`, for as long as the server keeps it.
async fn slow_body(address: &str, declared: usize, every: std::time::Duration) -> tokio::task::JoinHandle<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = address.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        let Ok(mut s) = tokio::net::TcpStream::connect(&addr).await else {
            return String::new();
        };
        let head = format!(
            "POST /v1/career-maps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n{{"
        );
        if s.write_all(head.as_bytes()).await.is_err() {
            return String::new();
        }
        let (mut rd, mut wr) = s.into_split();
        let writer = tokio::spawn(async move {
            for _ in 1..declared {
                tokio::time::sleep(every).await;
                if wr.write_all(b" ").await.is_err() {
                    break;
                }
            }
        });
        let mut out = Vec::new();
        let _ = rd.read_to_end(&mut out).await;
        writer.abort();
        String::from_utf8_lossy(&out).into_owned()
    })
}

#[tokio::test]
async fn a_body_that_trickles_past_its_deadline_is_answered_408() {
    let app = spawn_http(|h| {
        h.body_timeout = std::time::Duration::from_secs(1);
        h.body_idle_timeout = std::time::Duration::from_secs(5);
    })
    .await;
    let started = std::time::Instant::now();
    let trickle = slow_body(&app.address, 10_000, std::time::Duration::from_millis(100)).await;
    let answer = tokio::time::timeout(std::time::Duration::from_secs(6), trickle)
        .await
        .expect("the server ends a trickling body at its deadline")
        .unwrap();
    let took = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:.300}");
    assert!(answer.contains("CAREERMAP_BODY_TIMEOUT"), "{answer:.600}");
    // 1 s to the deadline, then up to 2 s the server gives a client to close after the answer.
    assert!(took < std::time::Duration::from_millis(4500), "took {took:?}");
}

#[tokio::test]
async fn slow_connections_from_one_address_leave_others_served() {
    let mut http = careermap::settings::HttpSettings::for_tests();
    http.max_connections = 64;
    http.max_connections_per_ip = 8;
    let app = spawn_with(Options {
        seed: true,
        http,
        ..Default::default()
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..300 {
        slow.push(slow_body(&app.address, 100_000, std::time::Duration::from_secs(1)).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Another client (127.0.0.2: loopback is all of 127/8) is served at once.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let body = map_request("occupation", "29-1141", "adult", 1);
    let (mut health, mut maps) = (Vec::new(), Vec::new());
    for i in 0..11 {
        let t = std::time::Instant::now();
        let r = other.get(app.url("/health")).send().await.unwrap();
        assert_eq!(r.status(), 200, "/health #{i}");
        health.push(t.elapsed());
        let t = std::time::Instant::now();
        let r = other.post(app.url("/v1/career-maps")).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200, "map #{i}");
        r.bytes().await.unwrap();
        maps.push(t.elapsed());
    }
    health.sort();
    maps.sort();
    let limit = std::time::Duration::from_millis(100);
    assert!(
        health[5] < limit && maps[5] < limit,
        "median /health {:?}, map {:?} (worst {:?}, {:?})",
        health[5],
        maps[5],
        health[10],
        maps[10]
    );
    // Past the cap the slow address's extra connections were answered 429 and closed.
    let mut refused = 0;
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(8);
    for h in slow.iter_mut() {
        if let Ok(Ok(answer)) = tokio::time::timeout_at(until, h).await {
            refused += usize::from(answer.starts_with("HTTP/1.1 429"));
        }
    }
    for h in &slow {
        h.abort();
    }
    assert!(refused >= 280, "{refused} of 300 slow connections refused");
}

// ---- writes that remove most records -------------------------------------------------------

#[tokio::test]
async fn a_restore_that_removes_most_records_needs_confirm() {
    let app = spawn_imported(&small_bundle()).await;
    let more: Vec<Value> = (0..20)
        .map(|i| json!({"id": format!("k.extra-{i}"), "name": format!("Extra {i}"), "tier": 5}))
        .collect();
    let (status, body) = app.import("merge", &json!({"competencies": more})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.version().await, 2);
    // Restoring version 1 would remove 20 of the 30 records.
    let (status, p) = app.post_json("/v1/datasets/1/restore", &json!({})).await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["type"], "/problems/conflict");
    assert!(p["detail"].as_str().unwrap().contains("confirm=true"), "{p}");
    assert_eq!(app.version().await, 2, "nothing written");
    let (status, r) = app.post_json("/v1/datasets/1/restore?confirm=true", &json!({})).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["restored"], 1);
    // Back to version 2 removes nothing: no confirm needed.
    let (status, r) = app.post_json("/v1/datasets/2/restore", &json!({})).await;
    assert_eq!(status, 200, "{r}");
}

#[tokio::test]
async fn the_replace_guard_counts_assessments_and_funding() {
    let mut with_more = small_bundle();
    with_more["assessments"] = (0..8)
        .map(|i| json!({"id": format!("ex.{i}"), "title": format!("Exam {i}"), "hours": 2}))
        .collect();
    with_more["funding"] = (0..6)
        .map(|i| json!({"id": format!("f.{i}"), "name": format!("Grant {i}")}))
        .collect();
    let app = spawn_imported(&with_more).await;
    // The records of the five first kinds stay; the 14 assessments and funding sources of the
    // 24 records go: more than half.
    let (status, p) = app.import("replace", &small_bundle()).await;
    assert_eq!(status, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("remove 14 of the 24"), "{p}");
    let (status, _) = app.import("replace&confirm=true", &small_bundle()).await;
    assert_eq!(status, 200);
}

// ---- pages from the cache ------------------------------------------------------------------

#[tokio::test]
async fn cached_pages_follow_the_dataset_version_and_the_language() {
    let app = spawn_imported(&small_bundle()).await;
    let path = "/occupations/31-1131";
    for _ in 0..2 {
        let en = app.page_ok(path).await;
        assert!(
            en.contains("Nursing Assistants") && en.contains("lang=\"en\""),
            "{en:.300}"
        );
        let es = app
            .client
            .get(app.url(path))
            .header("accept-language", "es")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(es.contains("lang=\"es\""), "the Spanish page is its own: {es:.300}");
        let home = app.page_ok("/?lang=es").await;
        assert!(home.contains("lang=\"es\""));
    }
    let (status, body) = app
        .import(
            "patch",
            &json!({"occupations": [{"soc": "31-1131", "title": "Nurse Aides"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let en = app.page_ok(path).await;
    assert!(
        en.contains("Nurse Aides") && !en.contains("Nursing Assistants"),
        "a new version's page, not the cached one"
    );
}

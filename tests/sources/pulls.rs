//! The pull machinery whatever the source: retries, timeouts, truncated and malformed bodies,
//! conditional GET, bad requests, addresses pulls may not reach, secrets, the admin token,
//! progress, the bounded queue, configured sources, size and redirect caps.

use crate::*;

#[actix_web::test]
async fn a_500_is_retried_and_then_succeeds() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let job = app
        .pull_ok(
            "bls_projections",
            &format!("{up}/fail-once/fixtures/bls_projections.csv"),
        )
        .await;
    assert_eq!(job["attempts"], 2);
    assert_eq!(server.hits.lock().unwrap()["fail-once/fixtures/bls_projections.csv"], 2);
    let rn = app.get_value("/v1/occupations/29-1141").await;
    assert_eq!(rn["demand"][0]["employment"], 12_300.0);
}

#[actix_web::test]
async fn repeated_500s_fail_the_job_and_keep_the_dataset() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let before = app.version().await;
    let job = app
        .pull_failed(
            "bls_projections",
            &format!("{up}/fail-always/fixtures/bls_projections.csv"),
        )
        .await;
    assert_eq!(
        job["error"],
        "the server answered 500 Internal Server Error four times (1 attempt and 3 retries)"
    );
    assert_eq!(
        server.hits.lock().unwrap()["fail-always/fixtures/bls_projections.csv"],
        4
    );
    assert_eq!(app.version().await, before);
    assert!(
        app.get_value("/v1/occupations/29-1141").await["demand"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn a_404_is_not_retried() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let job = app
        .pull_failed("cip_soc", &format!("{up}/gone/fixtures/cip_soc.csv"))
        .await;
    assert_eq!(job["error"], "the server answered 404 Not Found; not retried");
    assert_eq!(server.hits.lock().unwrap()["gone/fixtures/cip_soc.csv"], 1);
}

#[actix_web::test]
async fn a_stall_past_the_timeout_fails_cleanly() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let before = app.version().await;
    let job = app
        .pull_with(json!({"source": "cip_soc", "url": format!("{up}/stall/fixtures/cip_soc.csv")}))
        .await;
    assert_eq!(job["state"], "failed");
    let err = job["error"].as_str().unwrap();
    assert!(err.starts_with("the request timed out (limit 1s"), "{err}");
    assert!(err.contains("four times"), "{err}");
    assert_eq!(app.version().await, before);
}

#[actix_web::test]
async fn a_truncated_body_fails_cleanly() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let before = app.version().await;
    let job = app
        .pull_failed("cip_soc", &format!("{up}/truncate/fixtures/cip_soc.csv"))
        .await;
    let err = job["error"].as_str().unwrap();
    assert!(
        err.contains("before the body was complete")
            || err.contains("before the response was complete")
            || err.contains("cut off"),
        "{err}"
    );
    assert_eq!(
        server.hits.lock().unwrap()["truncate/fixtures/cip_soc.csv"],
        4,
        "retried"
    );
    assert_eq!(app.version().await, before);
}

#[actix_web::test]
async fn a_malformed_row_fails_with_its_row_number() {
    need_shared_data!("bls_ep/occupation_table_1.2_2024-34.csv");
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let before = app.version().await;
    let job = app
        .pull_failed("bls_projections", &format!("{up}/ok/malformed/bls.csv"))
        .await;
    assert_eq!(
        job["error"],
        "the projections table (Table 1.2), row 437: column `Employment, 2024` should be a number, got `3391x`"
    );
    assert_eq!(app.version().await, before);
}

#[actix_web::test]
async fn html_instead_of_a_workbook_fails_readably() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let before = app.version().await;
    let job = app
        .pull_failed("bls_projections", &format!("{up}/html/fixtures/bls_projections.xlsx"))
        .await;
    assert_eq!(job["error"], "expected an xlsx workbook but got text/html");
    let job = app.pull("onet_db", &format!("{up}/html/zip/onet_text.zip")).await;
    assert_eq!(job["error"], "expected a zip archive but got text/html");
    assert_eq!(app.version().await, before);
}

#[actix_web::test]
async fn an_unchanged_source_is_not_reimported() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let url = format!("{up}/ok/fixtures/cip_soc.csv");
    let first = app.pull_ok("cip_soc", &url).await;
    let version = app.version().await;
    let second = app.pull("cip_soc", &url).await;
    assert_eq!(second["state"], "succeeded");
    assert_eq!(second["not_modified"], true);
    assert_eq!(second["dataset_version"], Value::Null);
    assert_eq!(
        warning(&second, "not_modified").unwrap()["examples"][0],
        "the server answered 304 Not Modified"
    );
    assert_eq!(app.version().await, version, "no new dataset version");
    // One request per attempt (a retry after a dropped keep-alive connection is an attempt too).
    let attempts = first["attempts"].as_u64().unwrap() + second["attempts"].as_u64().unwrap();
    assert_eq!(server.hits.lock().unwrap()["ok/fixtures/cip_soc.csv"] as u64, attempts);
    // `force` pulls anyway.
    let forced = app
        .pull_with(json!({"source": "cip_soc", "url": url, "options": {"force": true}}))
        .await;
    assert_eq!(forced["not_modified"], false);
    assert_eq!(forced["state"], "succeeded");
    // The same records again: no new version, unless the forced pull's retrieval time (kept to
    // the second in each link's provenance) fell in a later second than the first pull's; then
    // the new version holds the same records, counted the same, differing only in that time.
    let after = app.version().await;
    if after != version {
        assert_eq!(after, version + 1, "the forced pull commits at most one version");
        let history = app.get_value("/v1/datasets").await;
        let counts = |v: u64| {
            history["versions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["version"] == v)
                .unwrap_or_else(|| panic!("version {v} in {history}"))["counts"]
                .clone()
        };
        assert_eq!(
            counts(after),
            counts(version),
            "the forced pull brought the same records"
        );
    }

    let sources = app.get_value("/v1/sources").await;
    let s = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "cip_soc")
        .unwrap();
    assert_eq!(s["last_job"]["id"], forced["id"]);
    assert_eq!(s["configured"], false);
}

#[actix_web::test]
async fn bad_pull_requests_are_problems() {
    let app = spawn_tweaked(|_| {}).await;
    for (body, needle) in [
        (
            json!({"source": "onet", "url": "http://x/"}),
            "unknown source kind `onet`",
        ),
        (
            json!({"source": "onet_db", "url": "ftp://x/db.zip"}),
            "is not an http(s) URL",
        ),
        (json!({"source": "onet_db", "url": "not a url"}), "is not a URL"),
        (json!({"source": "onet_db"}), "needs a `url`"),
        (json!({"source": "case", "url": "abc"}), "CAREERMAP_CASE_BASE_URL"),
    ] {
        let resp = app.post_pull(body.clone()).await;
        let p = expect_problem(resp, 422, &body).await;
        assert!(p["detail"].as_str().unwrap().contains(needle), "{body}: {p}");
    }
    let resp = app
        .client
        .post(format!("{}/v1/pulls", app.address))
        .json(&json!({"source": "sced", "url": "http://x/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = app
        .client
        .get(format!("{}/v1/jobs/999", app.address))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[actix_web::test]
async fn inward_addresses_are_refused_in_every_spelling_without_the_allow_list() {
    let (up, upstream) = start_upstream().await;
    let port = up.rsplit(':').next().unwrap().to_owned();
    let app = spawn_tweaked(|s| s.pull.allow = Default::default()).await;
    let before = app.version().await;
    for host in [
        "127.0.0.1",
        "0x7f000001",
        "2130706433",
        "127.1",
        "[::ffff:127.0.0.1]",
        "[::1]",
        "169.254.169.254",
        "10.0.0.1",
    ] {
        let url = format!("http://{host}:{port}/ok/fixtures/cip_soc.csv");
        let (status, p) = app.problem(json!({"source": "cip_soc", "url": url})).await;
        assert_eq!(status, 422, "{url}: {p}");
        assert!(
            p["detail"].as_str().unwrap().contains("CAREERMAP_PULL_ALLOW"),
            "{url}: {p}"
        );
    }
    // A host name is checked on the address it resolves to, when the pull connects.
    let job = app
        .pull("cip_soc", &format!("http://localhost:{port}/ok/fixtures/cip_soc.csv"))
        .await;
    assert_eq!(job["state"], "failed", "{job}");
    assert!(job["error"].as_str().unwrap().contains("not a public address"), "{job}");
    assert_eq!(
        upstream.hit("ok/fixtures/cip_soc.csv"),
        1,
        "the upstream was never reached"
    );
    assert_eq!(app.version().await, before);
}

#[actix_web::test]
async fn redirects_to_hosts_that_are_not_allowed_are_refused() {
    let (up, upstream) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    for target in [
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/x.csv".to_owned(),
        format!(
            "http://[::1]:{}/ok/fixtures/cip_soc.csv",
            up.rsplit(':').next().unwrap()
        ),
    ] {
        let enc: String = target.bytes().map(|b| format!("%{b:02X}")).collect();
        let job = app.pull("cip_soc", &format!("{up}/redirect-to/{enc}")).await;
        assert_eq!(job["state"], "failed", "{target}: {job}");
        assert!(
            job["error"].as_str().unwrap().contains("a redirect was refused"),
            "{target}: {job}"
        );
    }
    assert_eq!(
        upstream.hit("ok/fixtures/cip_soc.csv"),
        1,
        "the redirect target was never reached"
    );
    // A redirect to an allowed host is followed.
    let enc: String = format!("{up}/ok/fixtures/cip_soc.csv")
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    let job = app.pull("cip_soc", &format!("{up}/redirect-to/{enc}")).await;
    assert_eq!(job["state"], "succeeded", "{job}");
}

#[actix_web::test]
async fn credentials_are_refused_and_secrets_never_shown() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let port = up.rsplit(':').next().unwrap();
    let with_creds = format!("http://svcuser:Pa55w0rd@127.0.0.1:{port}/ok/fixtures/cip_soc.csv?api_key=KEY-123");
    let (status, p) = app.problem(json!({"source": "cip_soc", "url": with_creds})).await;
    assert_eq!(status, 422, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("credentials"), "{p}");
    assert!(
        !p.to_string().contains("Pa55w0rd") && !p.to_string().contains("KEY-123"),
        "{p}"
    );

    let url = format!("{up}/ok/fixtures/cip_soc.csv?api_key=KEY-123&token=TOK-9&year=2024");
    let job = app.pull("cip_soc", &url).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let sources = app.get_value("/v1/sources").await;
    let datasets = app.get_value("/v1/occupations?limit=500").await;
    for shown in [job.to_string(), sources.to_string(), datasets.to_string()] {
        assert!(
            !shown.contains("KEY-123") && !shown.contains("TOK-9"),
            "a secret was shown: {shown:.400}"
        );
    }
    assert!(job["url"].as_str().unwrap().contains("api_key=REDACTED"), "{job}");
    assert!(job["url"].as_str().unwrap().contains("year=2024"), "{job}");
}

#[actix_web::test]
async fn job_errors_do_not_tell_open_from_closed_ports() {
    let (up, _) = start_upstream().await;
    let open = up.rsplit(':').next().unwrap().to_owned();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    // Not allowed: both refused before any connection, with the same words.
    let app = spawn_tweaked(|s| s.pull.allow = Default::default()).await;
    let (_, a) = app
        .problem(json!({"source": "cip_soc", "url": format!("http://127.0.0.1:{open}/gone/x.csv")}))
        .await;
    let (_, b) = app
        .problem(json!({"source": "cip_soc", "url": format!("http://127.0.0.1:{closed}/gone/x.csv")}))
        .await;
    assert_eq!(a["detail"], b["detail"]);
    // Allowed: a closed port says only that it could not connect.
    let app = spawn_tweaked(|s| s.pull.retries = 0).await;
    let job = app
        .pull("cip_soc", &format!("http://127.0.0.1:{closed}/ok/x.csv"))
        .await;
    let error = job["error"].as_str().unwrap();
    assert!(error.contains("could not connect to the host"), "{error}");
    assert!(!error.to_lowercase().contains("refused"), "{error}");
}

#[actix_web::test]
async fn jobs_and_sources_need_the_admin_token() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let job = app.pull("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    for path in [
        format!("/v1/jobs/{}", job["id"].as_str().unwrap()),
        "/v1/sources".to_owned(),
    ] {
        let resp = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
        assert_eq!(resp.status(), 401, "{path}");
        let resp = app
            .client
            .get(format!("{}{path}", app.address))
            .bearer_auth("wrong-token-0123456789")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{path}");
    }
}

#[actix_web::test]
async fn a_running_job_reports_its_progress() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    // `stall` answers after 3 s: the job is seen running and fetching meanwhile.
    let resp = app
        .post_pull(json!({"source": "cip_soc", "url": format!("{up}/stall/fixtures/cip_soc.csv")}))
        .await;
    let id = resp.json::<Value>().await.unwrap()["job"].as_str().unwrap().to_owned();
    let mut seen = None;
    for _ in 0..100 {
        let job = app.get_value(&format!("/v1/jobs/{id}")).await;
        if job["state"] == "running" && job["progress"]["phase"] == "fetching" {
            seen = Some(job);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = seen.expect("the running job showed its progress");
    assert_eq!(seen["progress"]["bytes_fetched"], 0, "{seen}");
    let done = loop {
        let job = app.get_value(&format!("/v1/jobs/{id}")).await;
        if job["state"] == "succeeded" || job["state"] == "failed" {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done["state"], "succeeded", "{done}");
    assert!(
        done.get("progress").is_none(),
        "a finished job shows counts, not progress: {done}"
    );
    assert_eq!(done["bytes"], 311);
}

#[actix_web::test]
async fn the_pull_queue_is_bounded() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|s| s.pull.queue = 2).await;
    let stall = json!({"source": "cip_soc", "url": format!("{up}/stall/fixtures/cip_soc.csv")});
    assert_eq!(app.post_pull(stall.clone()).await.status(), 202);
    assert_eq!(app.post_pull(stall.clone()).await.status(), 202);
    let resp = app.post_pull(stall.clone()).await;
    let p = expect_problem(resp, 429, "").await;
    assert!(p["detail"].as_str().unwrap().contains("CAREERMAP_PULL_QUEUE"), "{p}");
    // Once they finish, pulls are accepted again.
    let mut accepted = false;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if app.post_pull(stall.clone()).await.status() == 202 {
            accepted = true;
            break;
        }
    }
    assert!(accepted, "the queue never drained");
}

#[actix_web::test]
async fn a_document_with_nothing_of_its_kind_fails_instead_of_committing() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let before = app.version().await;
    // Arbitrary JSON as CTDL, and the server's own dataset list as CTDL.
    for url in [
        format!("{up}/ok/fixtures/bls_api.json"),
        format!("{}/v1/datasets", app.address),
    ] {
        let job = app.pull("ctdl", &url).await;
        assert_eq!(job["state"], "failed", "{url}: {job}");
        assert!(job["dataset_version"].is_null(), "{url}: {job}");
    }
    assert_eq!(app.version().await, before, "nothing was committed");
}

#[actix_web::test]
async fn configured_sources_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sources.json");
    std::fs::write(
        &file,
        r#"[{"source": "cip_soc", "url": "https://nces.ed.gov/ipeds/cipcode/Files/CIP2020_SOC2018_Crosswalk.xlsx"}]"#,
    )
    .unwrap();
    let app = spawn_tweaked(|s| s.pull.sources_file = Some(file)).await;
    let sources = app.get_value("/v1/sources").await;
    let s = &sources["sources"][0];
    assert_eq!(s["source"], "cip_soc");
    assert_eq!(s["configured"], true);
    assert_eq!(s["last_job"], Value::Null);
}

#[actix_web::test]
async fn size_cap_and_redirect_limit_are_not_retried() {
    let (up, server) = start_upstream().await;
    let app = spawn_tweaked(|s| s.pull.max_bytes = 100).await;
    let job = app
        .pull_failed("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv"))
        .await;
    assert_eq!(
        job["error"],
        "the body is 311 bytes, over the limit of 100 (CAREERMAP_PULL_MAX_BYTES)"
    );
    assert_eq!(server.hits.lock().unwrap()["ok/fixtures/cip_soc.csv"], 1);
    let job = app
        .pull_failed("cip_soc", &format!("{up}/loop/fixtures/cip_soc.csv"))
        .await;
    assert_eq!(
        job["error"],
        "the server redirected more than 5 times (CAREERMAP_PULL_MAX_REDIRECTS)"
    );
    assert_eq!(job["attempts"], 1);
}

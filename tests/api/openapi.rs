use crate::common::*;

/// The served document, the generated one and the committed `openapi/openapi.json` agree.
#[tokio::test]
async fn committed_openapi_matches_the_served_document() {
    let app = spawn_app().await;
    let (status, served) = app.get_json("/openapi.json").await;
    assert_eq!(status, 200);
    let generated: serde_json::Value =
        serde_json::from_str(&careermap::api::openapi().to_pretty_json().unwrap()).unwrap();
    assert_eq!(served, generated, "served and generated documents differ");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("openapi/openapi.json is committed")).unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json`"
    );
}

#[tokio::test]
async fn every_operation_documents_its_responses() {
    let doc = serde_json::to_value(careermap::api::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/v1/imports") && paths.contains_key("/v1/courses/{id}"));
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
            assert!(
                op["summary"].is_string() || op["description"].is_string(),
                "{method} {path} has no doc"
            );
        }
    }
}

#[tokio::test]
async fn docs_page_is_served_offline() {
    let app = spawn_app().await;
    let r = app.get("/docs/").await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "docs page is the Swagger UI");
    let r = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(r.status().as_u16(), 200, "UI assets are embedded");
}

/// The docs page renders the spec in a real browser (headless Chromium; locally the test skips
/// when it is not installed, under `CI=true` it fails). The DOM after scripts ran must show
/// the title and the operations.
#[tokio::test]
async fn docs_page_renders_in_a_real_browser() {
    let Some(chromium) = require(
        find_on_path(&["chromium", "chromium-browser", "google-chrome"]),
        "no Chromium on PATH (apt-get install chromium)",
    ) else {
        return;
    };
    let app = spawn_app().await;
    let url = app.url("/docs/");
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(chromium)
            .args(HEADLESS_CHROMIUM)
            .args(["--virtual-time-budget=10000", &profile_arg, "--dump-dom", &url])
            .output()
            .expect("chromium runs")
    })
    .await
    .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("careermap"), "the page shows the API title");
    assert!(
        dom.contains("/v1/imports") && dom.contains("/v1/courses"),
        "the page lists the operations"
    );
}

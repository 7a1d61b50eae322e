//! The one test harness of the integration binaries (`tests/api/`, `tests/sources/`): the real
//! server on a random loopback port with a temporary data dir, the admin token, requests with
//! their status, and what a test may skip locally but never under `CI=true` (the shared data,
//! a browser).

use careermap::settings::{Secret, Settings};
use careermap::startup::Application;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const TOKEN: &str = "test-admin-token-0123456789";

/// The header row of `GET /v1/duplicates?format=csv`.
pub const DUPLICATES_CSV_HEADER: &str = "a,b,jaccard,shared,articulated,system_a,system_b,cluster,basis,containment,text_similarity,terms,codes,articulation";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub dir: PathBuf,
    /// The server's catalog, for tests that compare answers with the snapshot.
    pub catalog: Arc<careermap::service::Catalog>,
    /// Keeps the temporary data dir alive (None when the caller owns the dir).
    _tmp: Option<tempfile::TempDir>,
    handle: actix_web::dev::ServerHandle,
}

/// How to start a test server.
pub struct Options {
    pub seed: bool,
    pub token: Option<&'static str>,
    pub body_limit: usize,
    /// Connection and rate limits, CORS, retention.
    pub http: careermap::settings::HttpSettings,
    /// Saved-plan writes allowed per address per minute.
    pub plans_per_minute: u32,
    /// Token `POST /v1/plans` requires.
    pub plans_token: Option<&'static str>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: false,
            token: Some(TOKEN),
            body_limit: 16 << 20,
            http: careermap::settings::HttpSettings::for_tests(),
            plans_per_minute: 1000,
            plans_token: None,
        }
    }
}

/// Starts a server with an empty store and an admin token.
pub async fn spawn_app() -> TestApp {
    spawn_with(Options::default()).await
}

/// Starts a server whose HTTP settings (limits, CORS, retention) `tweak` changed.
pub async fn spawn_http(tweak: impl FnOnce(&mut careermap::settings::HttpSettings)) -> TestApp {
    let mut http = careermap::settings::HttpSettings::for_tests();
    tweak(&mut http);
    spawn_with(Options {
        http,
        ..Default::default()
    })
    .await
}

/// Starts a server with an empty store and `bundle` imported (`mode=replace`, must answer 200).
pub async fn spawn_imported(bundle: &Value) -> TestApp {
    let app = spawn_app().await;
    let (status, body) = app.import("replace", bundle).await;
    assert_eq!(status, 200, "import: {body}");
    app
}

/// Starts a server with the seed catalog loaded.
pub async fn spawn_seeded() -> TestApp {
    spawn_with(Options {
        seed: true,
        ..Default::default()
    })
    .await
}

pub async fn spawn_with(options: Options) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let mut app = spawn_in(&dir, options).await;
    app._tmp = Some(tmp);
    app
}

/// Starts a server on an existing data dir (for restart tests).
pub async fn spawn_in(dir: &Path, options: Options) -> TestApp {
    start_in(dir, options, false).await
}

/// Starts a server on an existing data dir the way `careermap serve` does: it answers before
/// the dataset is loaded (see `GET /health/ready`).
pub async fn spawn_loading(dir: &Path, options: Options) -> TestApp {
    start_in(dir, options, true).await
}

/// Starts a server with an empty store, the admin token and loopback pulls allowed, after
/// `tweak` changed the settings (the pull tests set timeouts, caps and allow lists this way).
pub async fn spawn_tweaked(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let mut settings = test_settings(tmp.path());
    tweak(&mut settings);
    let mut app = start(tmp.path(), settings, false).await;
    app._tmp = Some(tmp);
    app
}

/// The settings every test server starts from: `Settings::for_tests` on `dir`, the admin token,
/// and pulls allowed to reach the stand-in upstreams on loopback (refused unless allowed).
pub fn test_settings(dir: &Path) -> Settings {
    let mut settings = Settings::for_tests(dir.to_path_buf());
    settings.admin_token = Some(Secret::new(TOKEN));
    settings.pull.allow = careermap::sources::AllowList::parse("127.0.0.1").unwrap();
    settings
}

async fn start_in(dir: &Path, options: Options, loading: bool) -> TestApp {
    let mut settings = test_settings(dir);
    settings.seed = options.seed;
    settings.admin_token = options.token.map(Secret::new);
    settings.body_limit = options.body_limit;
    settings.http = options.http;
    settings.plans_per_minute = options.plans_per_minute;
    settings.plans_token = options.plans_token.map(Secret::new);
    start(dir, settings, loading).await
}

async fn start(dir: &Path, settings: Settings, loading: bool) -> TestApp {
    let app = if loading {
        Application::build_loading(settings)
    } else {
        Application::build(settings)
    }
    .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let catalog = app.catalog();
    let server = app.into_server();
    let handle = server.handle();
    tokio::spawn(server);
    TestApp {
        address,
        client: reqwest::Client::new(),
        dir: dir.to_path_buf(),
        catalog,
        _tmp: None,
        handle,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        status_and_json(self.get(path).await).await
    }

    /// `GET` with the admin token, answered with JSON (the status is not looked at: the pull
    /// tests read jobs, records and problems alike).
    pub async fn get_value(&self, path: &str) -> Value {
        self.client
            .get(self.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .unwrap_or_else(|e| panic!("GET {path} answers JSON: {e}"))
    }

    /// The HTML of a page that must answer 200.
    pub async fn page_ok(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        r.text().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(TOKEN)
            .json(body)
            .send()
            .await
            .expect("request sent");
        status_and_json(r).await
    }

    /// `POST path` with the admin token and a raw body of `content_type`.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(TOKEN)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `POST path` of a URL-encoded form (the web pages' forms), without a token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap())
            .send()
            .await
            .expect("request sent")
    }

    /// `POST /v1/career-maps?format={format}` of `body`, without a token: the response as is.
    pub async fn career_map_as(&self, format: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/v1/career-maps?format={format}")))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `POST /v1/imports?mode=...` with the admin token.
    pub async fn import(&self, mode: &str, body: &Value) -> (u16, Value) {
        self.post_json(&format!("/v1/imports?mode={mode}"), body).await
    }

    /// `POST /v1/imports?{query}` with a raw body of `content_type` and the admin token.
    pub async fn import_bytes(&self, query: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let r = self.post_raw(&format!("/v1/imports?{query}"), content_type, body).await;
        status_and_json(r).await
    }

    pub async fn version(&self) -> u64 {
        self.get_json("/health").await.1["dataset_version"]
            .as_u64()
            .expect("health has a version")
    }

    /// Stops the server and waits until it has released the store.
    pub async fn stop(self) {
        self.handle.stop(true).await;
        // sled releases its file lock when the last handle drops; give the workers a moment.
        for _ in 0..50 {
            if careermap::store::Store::open(&self.dir).is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// Asserts that `r` is a problem (`application/problem+json`) with `status`; its body.
/// `context` goes into the failure messages.
pub async fn expect_problem(r: reqwest::Response, status: u16, context: impl std::fmt::Display) -> Value {
    assert_eq!(r.status().as_u16(), status, "{context}");
    assert_eq!(r.headers()["content-type"], "application/problem+json", "{context}");
    r.json().await.expect("a problem is JSON")
}

/// A response's status and its JSON body (`Null` when it has none).
pub async fn status_and_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The rank of the first plan of a career map that passes the exit at `credential`, and that
/// exit.
pub fn plan_with_exit(answer: &Value, credential: &str) -> (u64, Value) {
    answer["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|p| {
            Some((
                p["rank"].as_u64()?,
                p["exits"]
                    .as_array()?
                    .iter()
                    .find(|e| e["credential"] == credential)?
                    .clone(),
            ))
        })
        .unwrap_or_else(|| panic!("a plan passes the {credential} exit: {answer}"))
}

/// The 32 characters after the first `marker` in `html` (a plan's id or delete key).
pub fn id_after(html: &str, marker: &str) -> String {
    html.split(marker)
        .nth(1)
        .map(|s| s[..32].to_owned())
        .unwrap_or_else(|| panic!("the page has {marker}"))
}

/// A career-map request toward the `kind` (`occupation` or `credential`) `id` from `entry`,
/// asking for `k` plans.
pub fn map_request(kind: &str, id: &str, entry: &str, k: u64) -> Value {
    serde_json::json!({"target": {kind: id}, "entry": entry, "k": k})
}

/// The systems of a plan's course steps, in plan order.
pub fn course_systems(plan: &Value) -> Vec<&str> {
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "course")
        .map(|s| s["system"].as_str().unwrap())
        .collect()
}

/// A small, valid catalog used by many tests.
pub fn small_bundle() -> Value {
    serde_json::json!({
        "competencies": [
            {"id": "k.safety", "name": "Safety", "tier": 4},
            {"id": "k.care", "name": "Patient care", "tier": 6},
            {"id": "k.math", "name": "Applied math", "tier": 2}
        ],
        "courses": [
            {"id": "hs.health-1", "title": "Health Science I", "system": "secondary", "hours": 120, "credits": 1,
             "competencies": ["k.safety"], "codes": {"sced": "14001"}},
            {"id": "adult.cna", "title": "Nurse Aide Training", "system": "adult", "hours": 100,
             "competencies": ["k.safety", "k.care"]},
            {"id": "cc.nur-101", "title": "Nursing Fundamentals", "system": "postsecondary", "hours": 90, "credits": 4,
             "competencies": ["k.care", "k.math"], "prerequisites": [{"choose": 1, "from": ["cna"]}]}
        ],
        "credentials": [
            {"id": "cna", "title": "Certified Nursing Assistant", "kind": "license", "level": 1,
             "requires": [{"choose": 1, "from": ["adult.cna"]}], "stacks_into": ["lpn"]},
            {"id": "lpn", "title": "Practical Nurse", "kind": "license", "level": 2,
             "requires": [{"min_credits": 4, "from": ["cc.nur-101"]}]}
        ],
        "occupations": [
            {"soc": "31-1131", "title": "Nursing Assistants", "competencies": ["k.care"], "entry_credentials": ["cna"],
             "demand": [{"region": "US", "employment": 1390000, "annual_openings": 210000, "growth_pct": 4.1, "median_wage": 38130}]}
        ],
        "articulations": [
            {"id": "a1", "from": "hs.health-1", "to": "cc.nur-101", "credits": 2, "kind": "dual_enrollment"}
        ]
    })
}

/// Whether this run is CI's (`CI=true`), where nothing a test needs may be missing.
pub fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// The checked-in shared data, if this checkout has it (CI does; a user's clone may not).
pub fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    p.is_dir().then_some(p)
}

/// The shared data directory when every file in `files` (paths under it) is there. A missing
/// one fails the test under `CI=true`, naming it; elsewhere the test skips, saying which.
pub fn shared_files(files: &[&str]) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let missing: Vec<String> = files
        .iter()
        .map(|f| root.join(f))
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return Some(root);
    }
    let why = format!("shared data missing: {}", missing.join(", "));
    require(None::<()>, &why);
    None
}

/// The first of `names` on `PATH`.
pub fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// The flags every headless Chromium of the tests starts with (no sandbox, GPU, network
/// chatter or first-run screens).
pub const HEADLESS_CHROMIUM: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// `what`, or when it is absent: a failure under `CI=true` (CI installs everything a test
/// needs, see `.ci/run`), a skip with a printed note elsewhere.
pub fn require<T>(what: Option<T>, why: &str) -> Option<T> {
    if what.is_none() {
        if in_ci() {
            panic!("{why} (CI must have it: see .ci/run)");
        }
        eprintln!("skipping: {why}");
    }
    what
}

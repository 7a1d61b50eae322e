//! Pulls and proxies, and secrets in pulled URLs (issue 22): the environment's proxy is never
//! used, the proxy named in `CAREERMAP_PULL_PROXY` is, and the target host is still checked
//! through it; no secret of a URL is shown by a job, `/v1/sources`, a record's provenance or
//! a WARN log.

use crate::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A stand-in proxy on loopback: counts connections, keeps the first line of each request
/// (`GET http://host/path HTTP/1.1`, `CONNECT host:443 HTTP/1.1`) and answers 502.
struct FakeProxy {
    url: String,
    connections: Arc<AtomicUsize>,
    lines: Arc<Mutex<Vec<String>>>,
}

async fn fake_proxy() -> FakeProxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let connections = Arc::new(AtomicUsize::new(0));
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (c, l) = (connections.clone(), lines.clone());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            let l = l.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let text = String::from_utf8_lossy(&buf[..n]).to_string();
                l.lock().unwrap().push(text.lines().next().unwrap_or("").to_owned());
                let _ = sock
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    FakeProxy {
        url,
        connections,
        lines,
    }
}

#[actix_web::test]
async fn the_environment_proxy_is_never_used() {
    let (up, _) = start_upstream().await;
    let proxy = fake_proxy().await;
    let url = format!("{up}/ok/fixtures/cip_soc.csv");
    let proxy_url = proxy.url.clone();
    let envs: Vec<(&str, String)> = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"]
        .into_iter()
        .map(|k| (k, proxy_url.clone()))
        .collect();
    let out = pull_cli(envs, url).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        proxy.connections.load(Ordering::SeqCst),
        0,
        "the pull went through HTTP_PROXY: {:?}",
        proxy.lines.lock().unwrap()
    );
}

#[actix_web::test]
async fn the_named_proxy_carries_pulls_and_the_target_is_still_checked() {
    let proxy = fake_proxy().await;
    let named = careermap::sources::ProxyUrl::parse(&proxy.url).unwrap();
    // Nothing inward allowed: the proxy itself (loopback) is reachable because it is named.
    let app = spawn_tweaked(|s| {
        s.pull.allow = Default::default();
        s.pull.retries = 0;
        s.pull.proxy = Some(named);
    })
    .await;
    for target in [
        "http://localhost:9/x.csv",
        "http://localhost./x.csv",
        "https://localhost/x.csv",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x.csv",
    ] {
        let resp = app.post_pull(json!({"source": "cip_soc", "url": target})).await;
        if resp.status() == 422 {
            // An IP literal is refused when the pull is asked for.
            let p: Value = resp.json().await.unwrap();
            assert!(
                p["detail"].as_str().unwrap().contains("not a public address"),
                "{target}: {p}"
            );
            continue;
        }
        assert_eq!(resp.status(), 202, "{target}");
        let id = resp.json::<Value>().await.unwrap()["job"].as_str().unwrap().to_owned();
        let job = wait_job(&app, &id).await;
        assert_eq!(job["state"], "failed", "{target}: {job}");
        let error = job["error"].as_str().unwrap();
        // A name that does not resolve here (`localhost.` on some resolvers) fails before any
        // connection too.
        assert!(
            error.contains("not a public address") || error.contains("cannot resolve"),
            "{target}: {error}"
        );
    }
    assert_eq!(
        proxy.connections.load(Ordering::SeqCst),
        0,
        "an inward target reached the proxy: {:?}",
        proxy.lines.lock().unwrap()
    );
    // A target the allow list admits goes through the proxy (which answers 502).
    let proxy2 = fake_proxy().await;
    let named = careermap::sources::ProxyUrl::parse(&proxy2.url).unwrap();
    let app = spawn_tweaked(|s| {
        s.pull.allow = careermap::sources::AllowList::parse("localhost").unwrap();
        s.pull.retries = 0;
        s.pull.proxy = Some(named);
    })
    .await;
    let job = app.pull("cip_soc", "http://localhost:9/data/x.csv").await;
    assert_eq!(job["state"], "failed", "{job}");
    assert!(job["error"].as_str().unwrap().contains("502"), "{job}");
    let lines = proxy2.lines.lock().unwrap().clone();
    assert!(
        lines.iter().any(|l| l.starts_with("GET http://localhost:9/data/x.csv")),
        "the proxy carried the request: {lines:?}"
    );
}

async fn wait_job(app: &TestApp, id: &str) -> Value {
    for _ in 0..600 {
        let job = app.get_value(&format!("/v1/jobs/{id}")).await;
        if job["state"] == "succeeded" || job["state"] == "failed" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

/// One value per parameter name the probe found unredacted, plus a fragment and a path secret.
const SECRETS: [(&str, &str); 14] = [
    ("key", "SECRETkey1"),
    ("token", "SECRETtoken2"),
    ("secret", "SECRETsecret3"),
    ("password", "SECRETpassword4"),
    ("pwd", "SECRETpwd5"),
    ("pass", "SECRETpass6"),
    ("sessionid", "SECRETsessionid7"),
    ("session", "SECRETsession8"),
    ("code", "SECRETcode9"),
    ("auth", "SECRETauth10"),
    ("signature", "SECRETsignature11"),
    ("sig", "SECRETsig12"),
    ("apikey", "SECRETapikey13"),
    ("access_token", "SECRETaccesstoken14"),
];

const PATH_TOKEN: &str = "Zq8vK2mP9xR4tL7wN3bY6cJ1";

#[actix_web::test]
async fn no_secret_of_a_pulled_url_is_shown_anywhere() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let query: Vec<String> = SECRETS.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let url = format!(
        "{up}/ok/zip/onet_text.zip?year=2024&{}#access_token=SECRETfragment15",
        query.join("&")
    );
    let job = app.pull_ok("onet_db", &url).await;
    let sources = app.get_value("/v1/sources").await;
    let occupations = app.get_value("/v1/occupations?limit=500").await;
    let first = occupations["items"][0]["soc"].as_str().unwrap().to_owned();
    let one = app.get_value(&format!("/v1/occupations/{first}")).await;
    for (what, shown) in [
        ("job", job.to_string()),
        ("sources", sources.to_string()),
        ("occupations", occupations.to_string()),
        ("occupation", one.to_string()),
    ] {
        assert!(!shown.contains("SECRET"), "{what} shows a secret: {shown:.600}");
    }
    assert!(job["url"].as_str().unwrap().contains("year=2024"), "{job}");
    // Provenance keeps scheme, host and path only.
    let provenance = one["provenance"]["url"].as_str().unwrap_or_default();
    assert!(
        provenance.ends_with("/ok/zip/onet_text.zip") && !provenance.contains('?'),
        "{one:#}"
    );
    // A failing pull's WARN log (the CLI's stderr) shows no secret either.
    let bad = format!(
        "{up}/gone/{PATH_TOKEN}/x.csv?{}#access_token=SECRETfragment15",
        query.join("&")
    );
    let envs = vec![
        ("CAREERMAP_PULL_RETRIES", "1".to_owned()),
        ("CAREERMAP_PULL_BACKOFF", "10ms".to_owned()),
    ];
    let out = pull_cli(envs, bad).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stderr.contains("WARN") || stderr.contains("warn"),
        "a WARN line: {stderr}"
    );
    for text in [&stderr, &stdout] {
        assert!(!text.contains("SECRET") && !text.contains(PATH_TOKEN), "{text}");
    }
}

/// `careermap pull cip_soc {url}` on a new data dir, loopback allowed, with `envs` set and no
/// `NO_PROXY`: its output.
async fn pull_cli(envs: Vec<(&'static str, String)>, url: String) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_careermap"))
            .env("CAREERMAP_PULL_ALLOW", "127.0.0.1")
            .envs(envs)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .args([
                "--data-dir",
                data.to_str().unwrap(),
                "--log",
                "warn",
                "pull",
                "cip_soc",
                &url,
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

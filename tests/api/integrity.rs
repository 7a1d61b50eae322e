//! The store's integrity over HTTP and the CLI: a version whose bytes changed on disk is never
//! served (the newest whole one is, `/health` says `degraded` and why, `careermap check` says
//! which versions are whole, a restore makes the service whole again); a write short of the
//! free-disk reserve answers 507 with the figures and writes nothing.

use crate::common::*;
use serde_json::{Value, json};
use std::path::Path;

/// `careermap check --data-dir dir`: exit success and what it printed.
fn check(dir: &Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_careermap"))
        .args(["check", "--data-dir"])
        .arg(dir)
        .env("CAREERMAP_LOG", "error")
        .output()
        .expect("careermap check runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Flips one byte of a chunk that `version` holds and `other` does not: bit rot, as sled's
/// own files would carry it (the documented key layout of `src/store`: manifests under
/// `0x00 'm' [version]`, chunks under `0x07 [hash]`).
fn damage_own_chunk(dir: &Path, version: u64, other: u64) {
    let db = sled::open(dir).expect("the stopped server's store opens");
    let tree = db.open_tree("catalog").unwrap();
    let manifest = |v: u64| {
        let mut k = vec![0u8, b'm'];
        k.extend_from_slice(&v.to_be_bytes());
        tree.get(k).unwrap().expect("a kept version")
    };
    let (mine, theirs) = (manifest(version), manifest(other));
    let own = mine
        .chunks_exact(16)
        .find(|h| !theirs.chunks_exact(16).any(|t| t == *h))
        .expect("the version has a chunk of its own");
    let mut key = vec![7u8];
    key.extend_from_slice(own);
    let mut bytes = tree.get(&key).unwrap().unwrap().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    tree.insert(key, bytes).unwrap();
    db.flush().unwrap();
}

#[tokio::test]
async fn a_damaged_current_version_is_not_served_and_check_says_which_are_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let app = spawn_in(dir, Options::default()).await;
    let (status, _) = app.import("replace", &small_bundle()).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .import(
            "merge",
            &json!({"competencies": [{"id": "k.new", "name": "A new competency", "tier": 1}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.version().await, 2);
    app.stop().await;

    let (ok, report) = check(dir);
    assert!(ok, "a whole store checks clean: {report}");
    assert!(
        report.contains("version 2 (current): whole") && report.contains("version 1: whole"),
        "{report}"
    );

    damage_own_chunk(dir, 2, 1);
    let (ok, report) = check(dir);
    assert!(!ok, "check fails when the current version is not whole: {report}");
    assert!(
        report.contains("version 2 (current): NOT WHOLE") && report.contains("hash"),
        "{report}"
    );
    assert!(report.contains("version 1: whole"), "{report}");

    let app = spawn_in(dir, Options::default()).await;
    let (_, health) = app.get_json("/health").await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["dataset_version"], 1, "the newest whole version is served");
    let reason = health["reason"].as_str().unwrap();
    assert!(
        reason.contains("version 2") && reason.contains("POST /v1/datasets/1/restore"),
        "{reason}"
    );
    let (status, body) = app.get_json("/v1/competencies/k.new").await;
    assert_eq!(status, 404, "the damaged version's record is not served: {body}");
    let (status, body) = app.post_json("/v1/datasets/1/restore", &json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset_version"], 3, "numbered after the damaged version");
    let (_, health) = app.get_json("/health").await;
    assert_eq!(health["status"], "ok", "{health}");
    assert!(health.get("reason").is_none());
    app.stop().await;
    let (ok, report) = check(dir);
    assert!(ok, "{report}");
    assert!(report.contains("version 3 (current): whole"), "{report}");
}

#[tokio::test]
async fn an_unopenable_store_names_its_file_and_the_recovery() {
    let tmp = tempfile::tempdir().unwrap();
    // A directory where sled's `db` file should be: no store can open there.
    std::fs::create_dir(tmp.path().join("db")).unwrap();
    std::fs::write(tmp.path().join("conf"), b"not a sled config").unwrap();
    let (ok, report) = check(tmp.path());
    assert!(!ok);
    assert!(
        report.contains("cannot be opened") && report.contains("move") && report.contains("backup"),
        "{report}"
    );
}

/// A reserve larger than any disk: every kind of write answers 507 with the figures, and
/// nothing changes.
#[tokio::test]
async fn writes_short_of_the_free_disk_reserve_answer_507_and_write_nothing() {
    let app = spawn_tweaked(|s| {
        s.seed = true;
        s.min_free_disk = 1 << 60;
    })
    .await;
    let before = app.version().await;
    assert!(before >= 1, "the seed of a first start is not held to the reserve");
    let body = small_bundle();
    let size = serde_json::to_vec(&body).unwrap().len() as u64;
    let r = app
        .client
        .post(app.url("/v1/imports?mode=merge"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let p = expect_problem(r, 507, "import").await;
    assert_eq!(p["type"], "/problems/insufficient-storage");
    assert_eq!(p["required_bytes"].as_u64(), Some((1u64 << 60) + 2 * size), "{p}");
    assert!(p["available_bytes"].as_u64().unwrap() < 1 << 60);
    assert!(p["detail"].as_str().unwrap().contains("CAREERMAP_MIN_FREE_DISK"), "{p}");

    let cases: [(&str, Value); 3] = [
        ("/v1/datasets/1/restore", json!({})),
        (
            "/v1/pulls",
            json!({"source": "sced", "url": "http://127.0.0.1:9/sced.csv"}),
        ),
        (
            "/v1/plans",
            json!({"label": "x", "request": {"target": {"occupation": "29-1141"}, "entry": "adult"}}),
        ),
    ];
    for (path, body) in cases {
        let (status, p) = app.post_json(path, &body).await;
        assert_eq!(status, 507, "{path}: {p}");
        assert_eq!(p["type"], "/problems/insufficient-storage", "{path}");
    }
    assert_eq!(app.version().await, before, "nothing was committed");
    let (_, history) = app.get_json("/v1/datasets").await;
    assert_eq!(history["total"], before, "no version was made");
    let (_, jobs) = app.get_json("/v1/sources").await;
    assert!(!jobs.to_string().contains("sced.csv"), "no pull was queued: {jobs}");
}

//! Pulling sources through the real HTTP path: a local actix server ([`upstream`]) serves the
//! real files of `../shared/data` (and our own small fixtures) the way the upstreams publish
//! them, and can misbehave on demand; the server under test is the shared harness's
//! ([`common`]). One module per source, plus the pull machinery ([`pulls`]) and the CLI.
//!
//! A test that needs shared data names the files (`need_shared_data!`): locally it skips,
//! saying which are missing; under `CI=true` a missing file fails it.

#[allow(dead_code)] // the pull tests use part of the harness
#[path = "../common/mod.rs"]
mod common;
mod upstream;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use common::*;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use upstream::*;

/// The shared data directory when the files it names (paths under `../shared/data`) are all
/// there; otherwise the test returns (locally, with a note) or fails naming them (`CI=true`).
macro_rules! need_shared_data {
    ($($file:expr),+ $(,)?) => {
        match shared_files(&[$($file),+]) {
            Some(dir) => dir,
            None => return,
        }
    };
}

mod bls;
mod case;
mod cip_soc;
mod cli;
mod ctdl;
mod fixtures;
mod ipeds;
mod levels;
mod onet;
mod proxy;
mod published_tables;
mod pulls;
mod state_projections;
mod workbook;

/// Pull requests and jobs, on the shared [`TestApp`].
impl TestApp {
    async fn post_pull(&self, body: Value) -> reqwest::Response {
        self.client
            .post(self.url("/v1/pulls"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// `POST /v1/pulls` expected to be refused: the status and the problem.
    async fn problem(&self, body: Value) -> (u16, Value) {
        let resp = self.post_pull(body).await;
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Starts a pull and waits for its job to finish.
    async fn pull(&self, source: &str, url: &str) -> Value {
        self.pull_with(json!({"source": source, "url": url})).await
    }

    /// [`Self::pull`] that must succeed: the job.
    async fn pull_ok(&self, source: &str, url: &str) -> Value {
        let job = self.pull(source, url).await;
        assert_eq!(job["state"], "succeeded", "{job:#}");
        job
    }

    /// [`Self::pull`] that must fail: the job.
    async fn pull_failed(&self, source: &str, url: &str) -> Value {
        let job = self.pull(source, url).await;
        assert_eq!(job["state"], "failed");
        job
    }

    async fn pull_with(&self, body: Value) -> Value {
        let resp = self.post_pull(body.clone()).await;
        assert_eq!(resp.status(), 202, "{body}: {}", resp.text().await.unwrap());
        let id = resp.json::<Value>().await.unwrap()["job"].as_str().unwrap().to_owned();
        for _ in 0..2400 {
            let job = self.get_value(&format!("/v1/jobs/{id}")).await;
            if job["state"] == "succeeded" || job["state"] == "failed" {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("job {id} did not finish");
    }
}

/// The entry for `region` of a list of regional figures (`demand`, `wages`).
fn in_region<'a>(figures: &'a Value, region: &str) -> &'a Value {
    figures
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["region"] == region)
        .unwrap_or_else(|| panic!("no {region} entry in {figures}"))
}

fn warning<'a>(job: &'a Value, code: &str) -> Option<&'a Value> {
    job["warnings"].as_array()?.iter().find(|w| w["code"] == code)
}

/// A server that has pulled our small O*NET text fixture (1 s pull timeout).
async fn app_with_fixture_onet(up: &str) -> TestApp {
    let app = spawn_tweaked(|s| {
        s.pull.timeout = Duration::from_secs(1);
    })
    .await;
    app.pull_ok("onet_db", &format!("{up}/ok/zip/onet_text.zip")).await;
    app
}

/// `POST /v1/imports?mode=...` of a JSON bundle that must succeed.
async fn import_json(app: &TestApp, mode: &str, body: &Value) {
    let (status, answer) = app.import(mode, body).await;
    assert_eq!(status, 200, "{answer}");
}

async fn career_map(app: &TestApp, body: Value) -> (u16, Value) {
    career_map_as(app, "json", body).await
}

/// The exit at `credential` of a career map's first plan.
fn first_exit(answer: &Value, credential: &str) -> Value {
    answer["paths"][0]["exits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["credential"] == credential)
        .cloned()
        .unwrap_or_else(|| panic!("{credential} is an exit of the first plan: {answer:#}"))
}

/// Posts a career map asking for `format` (`json`, `ctdl`...): the status and the JSON answer.
async fn career_map_as(app: &TestApp, format: &str, body: Value) -> (u16, Value) {
    let resp = app.career_map_as(format, &body).await;
    (resp.status().as_u16(), resp.json().await.unwrap())
}

//! Pulling sources through the real HTTP path: a local actix server serves the real files of
//! `../shared/data` (and our own small fixtures) the way the upstreams publish them, and can
//! misbehave on demand. Tests that need the shared data skip, saying so, when it is absent.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use careermap::settings::{Secret, Settings};
use careermap::startup::Application;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const TOKEN: &str = "test-token-0123456789";

// ---- the local upstream -------------------------------------------------------------------

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    dir.is_dir().then_some(dir)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources")
}

/// Zips every file of `dir` (deflated), as O*NET distributes its database.
fn zip_dir(dir: &Path, folder: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let name = format!("{folder}/{}", p.file_name().unwrap().to_string_lossy());
        w.start_file(name, opts).unwrap();
        w.write_all(&std::fs::read(&p).unwrap()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn onet_excel_zip() -> &'static Vec<u8> {
    static ZIP: OnceLock<Vec<u8>> = OnceLock::new();
    ZIP.get_or_init(|| zip_dir(&shared_data().unwrap().join("onet/db_29_3_excel"), "db_29_3_excel"))
}

/// The O*NET text distribution's layout, made from the Excel files: tab-delimited, without the
/// `Title` (occupation title, except in Occupation Data) and `Scale Name` columns the Excel
/// files add.
fn onet_text_zip_from_excel(data: &Path) -> Vec<u8> {
    use calamine::Reader;
    let dir = data.join("onet/db_29_3_excel");
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for name in ["Occupation Data", "Job Zones", "Skills", "Knowledge"] {
        let mut wb = calamine::open_workbook_auto(dir.join(format!("{name}.xlsx"))).unwrap();
        let range = wb.worksheet_range_at(0).unwrap().unwrap();
        let mut rows = range.rows();
        let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
        let keep: Vec<usize> = (0..header.len())
            .filter(|&i| name == "Occupation Data" || (header[i] != "Title" && header[i] != "Scale Name"))
            .collect();
        let mut out = String::new();
        let line = |cells: Vec<String>| keep.iter().map(|&i| cells[i].clone()).collect::<Vec<_>>().join("\t") + "\n";
        out.push_str(&line(header.clone()));
        for r in rows {
            out.push_str(&line(r.iter().map(careermap::sources::table::cell_text).collect()));
        }
        w.start_file(format!("db_29_3_text/{name}.txt"), opts).unwrap();
        w.write_all(out.as_bytes()).unwrap();
    }
    w.start_file("db_29_3_text/Read Me.txt", opts).unwrap();
    w.write_all(&std::fs::read(dir.join("Read Me.txt")).unwrap()).unwrap();
    w.finish().unwrap().into_inner()
}

#[derive(Clone)]
struct Upstream {
    hits: Arc<Mutex<HashMap<String, u32>>>,
    data: Option<PathBuf>,
    /// Documents a test publishes (and re-publishes changed) under `live/NAME`.
    live: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Upstream {
    fn hit(&self, path: &str) -> u32 {
        let mut h = self.hits.lock().unwrap();
        let n = h.entry(path.to_owned()).or_default();
        *n += 1;
        *n
    }

    /// Publishes `bytes` under `live/{name}`, replacing what was there.
    fn publish(&self, name: &str, bytes: Vec<u8>) {
        self.live.lock().unwrap().insert(name.to_owned(), bytes);
    }

    /// The bytes behind a path: `data/...` (shared data), `fixtures/...`, `live/...` (see
    /// [`Upstream::publish`]), `zip/onet_excel.zip`, `zip/onet_text.zip`, `malformed/bls.csv`.
    fn body(&self, rest: &str) -> Option<Vec<u8>> {
        if let Some(name) = rest.strip_prefix("live/") {
            return self.live.lock().unwrap().get(name).cloned();
        }
        match rest {
            "zip/onet_excel.zip" => return self.data.as_ref().map(|_| onet_excel_zip().clone()),
            "zip/onet_text.zip" => return Some(zip_dir(&fixtures().join("onet_text"), "db_99_1_text")),
            "zip/onet_excel_as_text.zip" => return self.data.as_ref().map(|d| onet_text_zip_from_excel(d)),
            "zip/oesm24nat.zip" => {
                // BLS publishes the OEWS workbook inside a zip.
                let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
                w.start_file(
                    "oesm24national/national_M2024_dl.xlsx",
                    zip::write::SimpleFileOptions::default(),
                )
                .unwrap();
                w.write_all(&std::fs::read(self.data.as_ref()?.join("bls_oews/national_M2024_dl.xlsx")).ok()?)
                    .unwrap();
                return Some(w.finish().unwrap().into_inner());
            }
            "gen/oews_tx_metro.xlsx" => return Some(oews_state_and_metro_workbook()),
            "malformed/bls.csv" => {
                let csv = std::fs::read_to_string(self.data.as_ref()?.join("bls_ep/occupation_table_1.2_2024-34.csv"))
                    .ok()?;
                return Some(
                    csv.replace(
                        "Registered nurses,29-1141,Line item,3391,",
                        "Registered nurses,29-1141,Line item,3391x,",
                    )
                    .into_bytes(),
                );
            }
            _ => {}
        }
        let (root, rel) = rest.split_once('/')?;
        let base = match root {
            "data" => self.data.clone()?,
            "fixtures" => fixtures(),
            _ => return None,
        };
        let rel = percent_decode(rel);
        if rel.contains("..") {
            return None;
        }
        std::fs::read(base.join(rel)).ok()
    }
}

/// A state-and-metro OEWS workbook in the published layout (the national file's columns, with
/// the area filled in): Texas (`AREA_TYPE` 2) and the Houston metro area (`AREA_TYPE` 4).
/// Figures written by us, not BLS's.
fn oews_state_and_metro_workbook() -> Vec<u8> {
    let header = [
        "AREA",
        "AREA_TITLE",
        "AREA_TYPE",
        "PRIM_STATE",
        "NAICS",
        "NAICS_TITLE",
        "I_GROUP",
        "OWN_CODE",
        "OCC_CODE",
        "OCC_TITLE",
        "O_GROUP",
        "TOT_EMP",
        "EMP_PRSE",
        "JOBS_1000",
        "LOC_QUOTIENT",
        "PCT_TOTAL",
        "PCT_RPT",
        "H_MEAN",
        "A_MEAN",
        "MEAN_PRSE",
        "H_PCT10",
        "H_PCT25",
        "H_MEDIAN",
        "H_PCT75",
        "H_PCT90",
        "A_PCT10",
        "A_PCT25",
        "A_MEDIAN",
        "A_PCT75",
        "A_PCT90",
        "ANNUAL",
        "HOURLY",
    ];
    // (area, title, type, occ, occ title, group, employment, annual median or mark)
    let rows: [[&str; 8]; 9] = [
        [
            "48",
            "Texas",
            "2",
            "00-0000",
            "All Occupations",
            "total",
            "13,000,000",
            "47800",
        ],
        [
            "48",
            "Texas",
            "2",
            "29-1141",
            "Registered Nurses",
            "detailed",
            "230,000",
            "93390",
        ],
        [
            "48",
            "Texas",
            "2",
            "29-2061",
            "Licensed Practical and Licensed Vocational Nurses",
            "detailed",
            "76,500",
            "59000",
        ],
        [
            "48",
            "Texas",
            "2",
            "31-1131",
            "Nursing Assistants",
            "detailed",
            "88,100",
            "35500",
        ],
        [
            "48",
            "Texas",
            "2",
            "31-1120",
            "Home Health and Personal Care Aides",
            "broad",
            "355,000",
            "28100",
        ],
        [
            "48",
            "Texas",
            "2",
            "43-4051",
            "Customer Service Representatives",
            "detailed",
            "289,000",
            "40000",
        ],
        [
            "48",
            "Texas",
            "2",
            "29-1249",
            "Surgeons, All Other",
            "detailed",
            "**",
            "#",
        ],
        [
            "26420",
            "Houston-Pasadena-The Woodlands, TX",
            "4",
            "29-1141",
            "Registered Nurses",
            "detailed",
            "61,200",
            "95000",
        ],
        [
            "26420",
            "Houston-Pasadena-The Woodlands, TX",
            "4",
            "31-1131",
            "Nursing Assistants",
            "detailed",
            "21,300",
            "*",
        ],
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, [area, title, kind, occ, occ_title, group, emp, median]) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let cells: Vec<(&str, String)> = header
            .iter()
            .map(|h| {
                let v = match *h {
                    "AREA" => area.to_string(),
                    "AREA_TITLE" => title.to_string(),
                    "AREA_TYPE" => kind.to_string(),
                    "PRIM_STATE" => "TX".into(),
                    "NAICS" => "000000".into(),
                    "NAICS_TITLE" => "Cross-industry".into(),
                    "I_GROUP" => "cross-industry".into(),
                    "OWN_CODE" => "1235".into(),
                    "OCC_CODE" => occ.to_string(),
                    "OCC_TITLE" => occ_title.to_string(),
                    "O_GROUP" => group.to_string(),
                    "TOT_EMP" => emp.to_string(),
                    "A_MEDIAN" => median.to_string(),
                    "H_MEDIAN" => median
                        .parse::<f64>()
                        .map(|m| format!("{:.2}", m / 2080.0))
                        .unwrap_or_else(|_| median.to_string()),
                    h if h.starts_with("A_") || h.starts_with("H_") => "*".into(),
                    _ => String::new(),
                };
                (*h, v)
            })
            .collect();
        for (c, (_, v)) in cells.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if !v.contains(',') && !["AREA", "AREA_TYPE", "NAICS", "OWN_CODE"].contains(&header[c]) => {
                    ws.write_number(r, c as u16, n).unwrap();
                }
                _ => {
                    ws.write_string(r, c as u16, v).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// `/{mode}/{what}`: modes `ok`, `fail-once` (500 then success), `fail-always`, `stall`
/// (answers after 3 s), `truncate` (half the body, then the connection drops), `html`
/// (an HTML page with 200), `gone` (404). `ok` honours If-None-Match with 304.
async fn upstream(req: HttpRequest, up: web::Data<Upstream>, body: web::Bytes) -> HttpResponse {
    let path = req.path().trim_start_matches('/').to_owned();
    let n = up.hit(&path);
    let Some((mode, rest)) = path.split_once('/') else {
        return HttpResponse::NotFound().finish();
    };
    if mode == "blsapi" {
        return bls_api_answer(rest, &body);
    }
    if mode == "redirect-to" {
        return HttpResponse::Found()
            .insert_header(("Location", percent_decode(rest)))
            .finish();
    }
    if mode == "loop" {
        return HttpResponse::Found()
            .insert_header(("Location", format!("/loop/{rest}")))
            .finish();
    }
    if mode == "html" {
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body("<!DOCTYPE html><html><body>Please log in</body></html>");
    }
    let Some(bytes) = up.body(rest) else {
        return HttpResponse::NotFound().body("no such file");
    };
    let etag = format!(
        "\"{:x}-{}\"",
        bytes.len(),
        bytes.iter().take(64).map(|b| *b as u32).sum::<u32>()
    );
    let ok = |bytes: Vec<u8>| {
        HttpResponse::Ok()
            .content_type(content_type(rest))
            .insert_header(("ETag", etag.clone()))
            .insert_header(("Last-Modified", "Tue, 01 Jul 2025 00:00:00 GMT"))
            .body(bytes)
    };
    match mode {
        "ok" => {
            let inm = req.headers().get("If-None-Match").and_then(|v| v.to_str().ok());
            if inm == Some(etag.as_str()) {
                return HttpResponse::NotModified().finish();
            }
            ok(bytes)
        }
        "fail-once" if n == 1 => HttpResponse::InternalServerError().body("try again"),
        "fail-once" => ok(bytes),
        "fail-always" => HttpResponse::InternalServerError().body("broken"),
        "stall" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            ok(bytes)
        }
        "truncate" => {
            let len = bytes.len() as u64;
            let half = bytes[..bytes.len() / 2].to_vec();
            let chunks: Vec<Result<web::Bytes, std::io::Error>> = vec![
                Ok(web::Bytes::from(half)),
                Err(std::io::Error::other("connection dropped")),
            ];
            HttpResponse::Ok()
                .content_type(content_type(rest))
                .no_chunking(len)
                .streaming(futures_util::stream::iter(chunks))
        }
        "gone" => HttpResponse::NotFound().body("gone"),
        _ => HttpResponse::NotFound().finish(),
    }
}

/// A BLS API v2 stand-in: `quota` answers REQUEST_NOT_PROCESSED; `ok` answers the series
/// asked for from the fixture.
fn bls_api_answer(mode: &str, body: &[u8]) -> HttpResponse {
    if mode.starts_with("quota") {
        return HttpResponse::Ok().json(json!({"status": "REQUEST_NOT_PROCESSED", "responseTime": 1,
            "message": ["Request could not be serviced, as the daily threshold for total number of requests allocated to the user has been reached."],
            "Results": {}}));
    }
    let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let fixture: Value = serde_json::from_slice(&std::fs::read(fixtures().join("bls_api.json")).unwrap()).unwrap();
    let wanted: Vec<String> = req["seriesid"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let series: Vec<Value> = fixture["Results"]["series"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| wanted.iter().any(|w| w == s["seriesID"].as_str().unwrap()))
        .cloned()
        .collect();
    let mut answer = fixture.clone();
    answer["Results"]["series"] = Value::Array(series);
    HttpResponse::Ok().json(answer)
}

async fn start_upstream() -> (String, Upstream) {
    let up = Upstream {
        hits: Arc::new(Mutex::new(HashMap::new())),
        data: shared_data(),
        live: Arc::new(Mutex::new(HashMap::new())),
    };
    let state = web::Data::new(up.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(1 << 20))
            .default_service(web::to(upstream))
    })
    .workers(2)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    actix_web::rt::spawn(server.run());
    (format!("http://127.0.0.1:{port}"), up)
}

// ---- the app --------------------------------------------------------------------------------

struct TestApp {
    base: String,
    catalog: Arc<careermap::service::Catalog>,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn spawn_app(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().join("data"));
    settings.admin_token = Some(Secret::new(TOKEN));
    // The upstream stand-in listens on loopback, which pulls refuse unless allowed.
    settings.pull.allow = careermap::sources::AllowList::parse("127.0.0.1").unwrap();
    tweak(&mut settings);
    let app = Application::build(settings).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let catalog = app.catalog();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        base,
        catalog,
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

impl TestApp {
    async fn post_pull(&self, body: Value) -> reqwest::Response {
        self.client
            .post(format!("{}/v1/pulls", self.base))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Starts a pull and waits for its job to finish.
    async fn pull(&self, source: &str, url: &str) -> Value {
        self.pull_with(json!({"source": source, "url": url})).await
    }

    async fn pull_with(&self, body: Value) -> Value {
        let resp = self.post_pull(body.clone()).await;
        assert_eq!(resp.status(), 202, "{body}: {}", resp.text().await.unwrap());
        let id = resp.json::<Value>().await.unwrap()["job"].as_str().unwrap().to_owned();
        for _ in 0..2400 {
            let job = self.get(&format!("/v1/jobs/{id}")).await;
            if job["state"] == "succeeded" || job["state"] == "failed" {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("job {id} did not finish");
    }

    async fn get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The HTML of a page.
    async fn page(&self, path: &str) -> String {
        let resp = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        resp.text().await.unwrap()
    }

    async fn version(&self) -> u64 {
        self.get("/health").await["dataset_version"].as_u64().unwrap()
    }
}

fn warning<'a>(job: &'a Value, code: &str) -> Option<&'a Value> {
    job["warnings"].as_array()?.iter().find(|w| w["code"] == code)
}

macro_rules! need_shared_data {
    () => {
        if shared_data().is_none() {
            eprintln!("skipping: ../shared/data is absent");
            return;
        }
    };
}

fn count_distinct_detailed_socs(data: &Path) -> usize {
    // Occupation Data as O*NET's own text file (same rows as the Excel one, MANIFEST 1b).
    let text = std::fs::read_to_string(data.join("onet/db_30_0_text_partial/Occupation Data.txt")).unwrap();
    let socs: std::collections::BTreeSet<&str> = text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| &l[..7])
        .collect();
    socs.len()
}

// ---- acceptance: registered nurses ------------------------------------------------------------

#[actix_web::test]
async fn registered_nurses_after_onet_bls_and_cip_soc() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;

    let onet = app.pull("onet_db", &format!("{up}/ok/zip/onet_excel.zip")).await;
    assert_eq!(onet["state"], "succeeded", "{onet:#}");
    assert_eq!(onet["release"], "O*NET 29.3");
    let data = shared_data().unwrap();
    let expected_occupations = count_distinct_detailed_socs(&data);
    assert_eq!(expected_occupations, 867);
    assert_eq!(onet["counts"]["onet_soc_codes"], 1016);
    assert_eq!(onet["counts"]["occupations"], expected_occupations as u64);
    // 35 Skills elements and 33 Knowledge elements (Content Model).
    assert_eq!(onet["counts"]["competencies"], 68);
    assert!(warning(&onet, "skipped_row").is_some(), "suppressed rows are reported");

    let bls = app
        .pull("bls_projections", &format!("{up}/ok/data/bls_ep/occupation.xlsx"))
        .await;
    assert_eq!(bls["state"], "succeeded", "{bls:#}");
    assert_eq!(bls["release"], "2024-34");
    assert_eq!(bls["counts"]["detailed_occupations"], 832);
    // The twelve aggregated codes O*NET does not have (31-1120...) are kept as occupations.
    assert!(warning(&bls, "unmatched_occupation").is_none(), "{bls:#}");

    let cip = app
        .pull("cip_soc", &format!("{up}/ok/data/cip/CIP2020_SOC2018_Crosswalk.xlsx"))
        .await;
    assert_eq!(cip["state"], "succeeded", "{cip:#}");
    assert_eq!(cip["counts"]["rows"], 6097);

    let health = app.get("/health").await;
    assert_eq!(
        health["counts"]["occupations"],
        expected_occupations as u64 + 12,
        "O*NET's occupations and the projections' twelve aggregated codes"
    );
    assert_eq!(health["counts"]["competencies"], 68);
    assert_eq!(health["dataset_version"], 3);

    let rn = app.get("/v1/occupations/29-1141").await;
    assert_eq!(rn["title"], "Registered Nurses");
    assert_eq!(rn["job_zone"], 4, "Job Zones.xlsx: 29-1141.00 is zone 4");
    let us = &rn["demand"][0];
    assert_eq!(us["region"], "US");
    assert_eq!(us["employment"], 3_391_000.0);
    assert_eq!(us["projected_employment"], 3_557_100.0);
    assert_eq!(us["change"], 166_100.0);
    assert_eq!(us["growth_pct"], 4.9);
    assert_eq!(us["annual_openings"], 189_100.0);
    assert_eq!(us["median_wage"], 93_600.0);
    assert_eq!(us["typical_entry_education"], "Bachelor's degree");
    assert_eq!(us["experience"], "None");
    assert_eq!(us["training"], "None");
    assert_eq!(us["provenance"]["source"], "bls_projections");
    assert_eq!(us["provenance"]["release"], "2024-34");
    assert_eq!(us["flags"], Value::Null, "an exact median carries no flag");
    // Orthodontists: BLS gives the median only as `>=$239,200`; the demand record says so.
    let ortho = &app.get("/v1/occupations/29-1023").await["demand"][0];
    assert_eq!(ortho["median_wage"], 239_200.0);
    assert_eq!(ortho["flags"], json!(["median_wage_top_coded"]));
    assert!(us["provenance"]["retrieved_at"].is_string());
    assert!(us["provenance"]["url"].as_str().unwrap().ends_with("occupation.xlsx"));

    let comps: Vec<&str> = rn["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(comps.contains(&"onet.2.A.1.a"), "reading comprehension: {comps:?}");
    assert!(comps.contains(&"onet.2.C.5.a"), "medicine and dentistry: {comps:?}");
    let med = app.get("/v1/competencies/onet.2.C.5.a").await;
    assert_eq!(med["name"], "Medicine and Dentistry");
    assert_eq!(med["tier"], 6);
    assert_eq!(med["provenance"]["release"], "O*NET 29.3");
    assert_eq!(app.get("/v1/competencies/onet.2.A.1.a").await["tier"], 2);
    assert_eq!(rn["provenance"]["source"], "onet_db");
    assert!(rn["onet_codes"].as_array().unwrap().len() >= 5);

    let programs = rn["programs"].as_array().unwrap();
    assert_eq!(programs.len(), 21, "21 CIP codes lead to 29-1141 in the crosswalk");
    let adn = programs.iter().find(|p| p["cip"] == "51.3801").unwrap();
    assert_eq!(adn["evidence"], "cip_soc");
    assert_eq!(adn["title"], "Registered Nursing/Registered Nurse.");
    assert_eq!(adn["provenance"]["source"], "cip_soc");
}

// ---- misbehaviour --------------------------------------------------------------------------

async fn app_with_fixture_onet(up: &str) -> TestApp {
    let app = spawn_app(|s| {
        s.pull.timeout = Duration::from_secs(1);
    })
    .await;
    let job = app.pull("onet_db", &format!("{up}/ok/zip/onet_text.zip")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    app
}

#[actix_web::test]
async fn a_500_is_retried_and_then_succeeds() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let job = app
        .pull(
            "bls_projections",
            &format!("{up}/fail-once/fixtures/bls_projections.csv"),
        )
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["attempts"], 2);
    assert_eq!(server.hits.lock().unwrap()["fail-once/fixtures/bls_projections.csv"], 2);
    let rn = app.get("/v1/occupations/29-1141").await;
    assert_eq!(rn["demand"][0]["employment"], 12_300.0);
}

#[actix_web::test]
async fn repeated_500s_fail_the_job_and_keep_the_dataset() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let before = app.version().await;
    let job = app
        .pull(
            "bls_projections",
            &format!("{up}/fail-always/fixtures/bls_projections.csv"),
        )
        .await;
    assert_eq!(job["state"], "failed");
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
        app.get("/v1/occupations/29-1141").await["demand"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn a_404_is_not_retried() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let job = app.pull("cip_soc", &format!("{up}/gone/fixtures/cip_soc.csv")).await;
    assert_eq!(job["state"], "failed");
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
        .pull("cip_soc", &format!("{up}/truncate/fixtures/cip_soc.csv"))
        .await;
    assert_eq!(job["state"], "failed");
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
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let before = app.version().await;
    let job = app.pull("bls_projections", &format!("{up}/ok/malformed/bls.csv")).await;
    assert_eq!(job["state"], "failed");
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
        .pull("bls_projections", &format!("{up}/html/fixtures/bls_projections.xlsx"))
        .await;
    assert_eq!(job["state"], "failed");
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
    let first = app.pull("cip_soc", &url).await;
    assert_eq!(first["state"], "succeeded", "{first:#}");
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
    // The same records again change nothing, so the forced pull makes no new version.
    assert_eq!(app.version().await, version);

    let sources = app.get("/v1/sources").await;
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
    let app = spawn_app(|_| {}).await;
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
        assert_eq!(resp.status(), 422, "{body}");
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
        let p: Value = resp.json().await.unwrap();
        assert!(p["detail"].as_str().unwrap().contains(needle), "{body}: {p}");
    }
    let resp = app
        .client
        .post(format!("{}/v1/pulls", app.base))
        .json(&json!({"source": "sced", "url": "http://x/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = app
        .client
        .get(format!("{}/v1/jobs/999", app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

// ---- pulls that cannot be turned inward (issue 11 item 1) ------------------------------------

impl TestApp {
    async fn problem(&self, body: Value) -> (u16, Value) {
        let resp = self.post_pull(body).await;
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

#[actix_web::test]
async fn inward_addresses_are_refused_in_every_spelling_without_the_allow_list() {
    let (up, upstream) = start_upstream().await;
    let port = up.rsplit(':').next().unwrap().to_owned();
    let app = spawn_app(|s| s.pull.allow = Default::default()).await;
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
    let app = spawn_app(|_| {}).await;
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
    let app = spawn_app(|_| {}).await;
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
    let sources = app.get("/v1/sources").await;
    let datasets = app.get("/v1/occupations?limit=500").await;
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
    let app = spawn_app(|s| s.pull.allow = Default::default()).await;
    let (_, a) = app
        .problem(json!({"source": "cip_soc", "url": format!("http://127.0.0.1:{open}/gone/x.csv")}))
        .await;
    let (_, b) = app
        .problem(json!({"source": "cip_soc", "url": format!("http://127.0.0.1:{closed}/gone/x.csv")}))
        .await;
    assert_eq!(a["detail"], b["detail"]);
    // Allowed: a closed port says only that it could not connect.
    let app = spawn_app(|s| s.pull.retries = 0).await;
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
    let app = spawn_app(|_| {}).await;
    let job = app.pull("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    for path in [
        format!("/v1/jobs/{}", job["id"].as_str().unwrap()),
        "/v1/sources".to_owned(),
    ] {
        let resp = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(resp.status(), 401, "{path}");
        let resp = app
            .client
            .get(format!("{}{path}", app.base))
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
    let app = spawn_app(|_| {}).await;
    // `stall` answers after 3 s: the job is seen running and fetching meanwhile.
    let resp = app
        .post_pull(json!({"source": "cip_soc", "url": format!("{up}/stall/fixtures/cip_soc.csv")}))
        .await;
    let id = resp.json::<Value>().await.unwrap()["job"].as_str().unwrap().to_owned();
    let mut seen = None;
    for _ in 0..100 {
        let job = app.get(&format!("/v1/jobs/{id}")).await;
        if job["state"] == "running" && job["progress"]["phase"] == "fetching" {
            seen = Some(job);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = seen.expect("the running job showed its progress");
    assert_eq!(seen["progress"]["bytes_fetched"], 0, "{seen}");
    let done = loop {
        let job = app.get(&format!("/v1/jobs/{id}")).await;
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
    let app = spawn_app(|s| s.pull.queue = 2).await;
    let stall = json!({"source": "cip_soc", "url": format!("{up}/stall/fixtures/cip_soc.csv")});
    assert_eq!(app.post_pull(stall.clone()).await.status(), 202);
    assert_eq!(app.post_pull(stall.clone()).await.status(), 202);
    let resp = app.post_pull(stall.clone()).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    let p: Value = resp.json().await.unwrap();
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
    let app = spawn_app(|_| {}).await;
    let before = app.version().await;
    // Arbitrary JSON as CTDL, and the server's own dataset list as CTDL.
    for url in [
        format!("{up}/ok/fixtures/bls_api.json"),
        format!("{}/v1/datasets", app.base),
    ] {
        let job = app.pull("ctdl", &url).await;
        assert_eq!(job["state"], "failed", "{url}: {job}");
        assert!(job["dataset_version"].is_null(), "{url}: {job}");
    }
    assert_eq!(app.version().await, before, "nothing was committed");
}

// ---- CASE and CTDL --------------------------------------------------------------------------

#[actix_web::test]
async fn a_case_package_imports_with_its_hierarchy() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let url = format!("{up}/ok/data/case/opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json");
    let job = app
        .pull_with(json!({"source": "case", "url": url,
            "options": {"case_tiers": {"Cluster": 2, "Standard": 2, "Component": 3}}}))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["items"], 16);
    assert_eq!(job["counts"]["associations_isChildOf"], 16);
    assert_eq!(job["counts"]["associations_exactMatchOf"], 16);
    assert_eq!(
        job["counts"]["hierarchy_links"], 14,
        "two clusters are children of the document"
    );
    let b = app.catalog.snapshot();
    let comps = &b.bundle().competencies;
    assert_eq!(comps.len(), 16);
    let by_code = |code: &str| comps.iter().find(|c| c.element_id.as_deref() == Some(code)).unwrap();
    let a3a = by_code("CCSS.Math.Content.6.RP.A.3a");
    let a3 = by_code("CCSS.Math.Content.6.RP.A.3");
    let cluster = by_code("CCSS.Math.Content.6.RP.A");
    assert_eq!(a3a.parent.as_ref(), Some(&a3.id));
    assert_eq!(a3.parent.as_ref(), Some(&cluster.id));
    assert_eq!(cluster.parent, None);
    assert_eq!(a3a.tier, 3);
    assert_eq!(a3.tier, 2);
    assert_eq!(a3.framework.as_deref(), Some("What Standards Could Be"));
    assert_eq!(
        a3.id.as_str(),
        a3.id.as_str().to_lowercase(),
        "the CFItem GUID is the id"
    );
    let via_api = app.get(&format!("/v1/competencies/{}", a3a.id)).await;
    assert_eq!(via_api["provenance"]["source"], "case");
    assert_eq!(via_api["parent"], a3.id.as_str());
}

#[actix_web::test]
async fn ctdl_pathways_keep_their_components_and_conditions() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let job = app
        .pull(
            "ctdl",
            &format!("{up}/ok/data/ctdl/pathways-repo/PathwayConditions.json"),
        )
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["pathways"], 1);
    assert_eq!(job["counts"]["components"], 6);
    let snap = app.catalog.snapshot();
    let p = &snap.bundle().pathways[0];
    assert_eq!(p.id, "http://example.edu/a7f231f4-21cb-4ba3-8c03-4f7a5f67781c");
    assert_eq!(
        p.destination,
        ["http://example.edu/b5107f1f-07a3-49fc-827f-14ccc318dcdf"]
    );
    assert_eq!(p.components.len(), 6);
    let comp = |suffix: &str| p.components.iter().find(|c| c.id.ends_with(suffix)).unwrap();
    let credential = comp("b5107f1f-07a3-49fc-827f-14ccc318dcdf");
    assert_eq!(credential.kind, "CredentialComponent");
    assert_eq!(
        credential.has_child,
        ["http://example.edu/ec05c0e5-3215-4707-a58e-2123d35ffd38"]
    );
    assert_eq!(credential.conditions[0].required_number, Some(1));
    let assessment = comp("ec05c0e5-3215-4707-a58e-2123d35ffd38");
    assert_eq!(assessment.kind, "AssessmentComponent");
    assert_eq!(assessment.has_child.len(), 4);
    let either = &assessment.conditions[0];
    assert_eq!(either.logical_operator.as_deref(), Some("OR"));
    assert_eq!(either.conditions.len(), 2);
    assert_eq!(either.conditions[0].required_number, Some(2));
    assert_eq!(either.conditions[0].target_components.len(), 3);
    assert_eq!(either.conditions[1].required_number, Some(1));
    let course_a = comp("2a45a345-8431-4a01-b645-a103d0d40ab");
    assert_eq!(course_a.name.as_deref(), Some("Course A"));
    assert_eq!(
        comp("051a2f7a-ab1c-491a-8d97-abb4a4d83915").kind,
        "CourseComponent",
        "ceterms: prefix"
    );
    assert_eq!(app.get("/health").await["counts"]["pathways"], 1);
}

// ---- CTDL round trip: import a pathway, export a career map as CTDL ------------------------

const IRI: &str = "urn:careermap:";

/// The catalog id a pulled pathway component became (see `src/sources/ctdl.rs`).
fn component_item(c: &careermap::domain::PathwayComponent) -> String {
    c.target
        .as_ref()
        .map(|t| t.as_str().to_owned())
        .or_else(|| c.ctid.clone())
        .unwrap_or_else(|| c.id.clone())
}

/// `(required number, target item ids)` of a condition and its nested conditions; a condition
/// without targets that nests nothing counts the component's children.
fn imported_conditions(
    c: &careermap::domain::ComponentCondition,
    comp: &careermap::domain::PathwayComponent,
    item: &HashMap<String, String>,
    out: &mut Vec<(u64, Vec<String>)>,
) {
    let targets = if !c.target_components.is_empty() {
        &c.target_components
    } else if c.conditions.is_empty() {
        &comp.has_child
    } else {
        &c.target_components
    };
    if let Some(n) = c.required_number {
        out.push((n as u64, targets.iter().filter_map(|t| item.get(t).cloned()).collect()));
    }
    for x in &c.conditions {
        imported_conditions(x, comp, item, out);
    }
}

/// Pulls a CTDL pathway, plans a career map to its destination credential and exports it as
/// CTDL; checks that the export keeps the components (names) and conditions (required numbers)
/// of the import. Returns the job and the exported graph.
async fn ctdl_round_trip(app: &TestApp, url: &str) -> (Value, Vec<Value>) {
    let job = app.pull("ctdl", url).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let snap = app.catalog.snapshot();
    let p = snap
        .bundle()
        .pathways
        .iter()
        .find(|p| p.provenance.as_ref().and_then(|v| v.url.as_deref()) == Some(url))
        .expect("the pathway is kept")
        .clone();
    let item: HashMap<String, String> = p.components.iter().map(|c| (c.id.clone(), component_item(c))).collect();
    let by_item: HashMap<&str, &careermap::domain::PathwayComponent> =
        p.components.iter().map(|c| (item[&c.id].as_str(), c)).collect();
    let dest = item[&p.destination[0]].clone();

    let body = json!({"target": {"credential": dest}, "entry": "postsecondary",
        "learner": {"completed_courses": [], "credentials": [], "competencies": []}});
    let plan: Value = career_map(app, body.clone()).await.1;
    let steps: Vec<String> = plan["paths"][0]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("a plan to {dest}: {plan:#}"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(steps.contains(&dest), "{plan:#}");
    let (status, ld) = career_map_as(app, "ctdl", body).await;
    assert_eq!(status, 200);
    let graph = ld["@graph"].as_array().unwrap().clone();
    let pathway = &graph[0];
    assert_eq!(pathway["@type"], "ceterms:Pathway");
    assert_eq!(
        pathway["ceterms:hasDestinationComponent"],
        format!("{IRI}credential:{dest}")
    );
    // Pathway components (the credential resources they point to follow them).
    let components: HashMap<String, &Value> = graph[1..]
        .iter()
        .filter(|c| c["@type"].as_str().is_some_and(|t| t.ends_with("Component")))
        .map(|c| (c["ceterms:codedNotation"].as_str().unwrap().to_owned(), c))
        .collect();

    // A component for every step, named as the imported component.
    for s in &steps {
        let c = components
            .get(s)
            .unwrap_or_else(|| panic!("no component for step {s}: {ld:#}"));
        let imported = by_item
            .get(s.as_str())
            .unwrap_or_else(|| panic!("{s} is not a component"));
        assert_eq!(
            c["ceterms:name"]["en-US"].as_str(),
            Some(imported.name.clone().unwrap_or_else(|| imported.id.clone()).as_str()),
            "{s}"
        );
        let kind = if imported.kind == "CredentialComponent" || p.destination.contains(&imported.id) {
            "ceterms:CredentialComponent"
        } else {
            "ceterms:CourseComponent"
        };
        assert_eq!(c["@type"], kind, "{s}");
    }
    let d = components[&dest];
    assert_eq!(d["@id"], format!("{IRI}credential:{dest}"));
    assert_eq!(d["@type"], "ceterms:CredentialComponent");

    // Conditions: every imported condition over steps of the plan is exported with its number.
    for s in &steps {
        let imported = by_item[s.as_str()];
        let mut want = Vec::new();
        for c in &imported.conditions {
            imported_conditions(c, imported, &item, &mut want);
        }
        let exported: Vec<(u64, Vec<String>)> = components[s]["ceterms:hasCondition"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|c| {
                let targets = c["ceterms:targetComponent"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().split(':').skip(3).collect::<Vec<_>>().join(":"))
                    .collect();
                (
                    c["ceterms:requiredNumber"].as_u64().expect("a required number"),
                    targets,
                )
            })
            .collect();
        for (n, targets) in &exported {
            assert!(
                want.iter()
                    .any(|(m, from)| m == n && targets.iter().all(|t| from.contains(t))),
                "{s}: exported condition {n} of {targets:?} is none of the imported {want:?}"
            );
        }
        let used = want
            .iter()
            .filter(|(_, from)| from.iter().any(|t| steps.contains(t)))
            .count();
        assert!(
            exported.len() >= used.min(1),
            "{s}: imported conditions over plan steps {want:?} were not exported: {:#}",
            components[s]
        );
    }
    (job, graph)
}

/// Our own pathway: a certificate needing 2 of 3 courses, one of which has a prerequisite;
/// `ceasn:hasChild` and `ceterms:hasChild` spellings; a condition with no targets counts the
/// component's children.
#[actix_web::test]
async fn ctdl_pathway_round_trips_through_a_career_map() {
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let url = format!("{up}/ok/fixtures/ctdl_pathway_roundtrip.json");
    let (job, graph) = ctdl_round_trip(&app, &url).await;
    assert_eq!(job["counts"]["component_credentials"], 1, "{job:#}");
    assert_eq!(job["counts"]["component_courses"], 4, "{job:#}");
    let pharm = app
        .get("/v1/courses/https%3A%2F%2Fpathways.example.org%2Fpt%2Fpharmacology")
        .await;
    assert_eq!(pharm["credits"], 3.0, "{pharm:#}");
    assert_eq!(pharm["hours"], 45.0);
    assert_eq!(pharm["system"], "postsecondary");
    assert_eq!(pharm["codes"]["local"], "PHT 110");
    assert_eq!(
        pharm["prerequisites"],
        json!([{"choose": 1, "from": ["https://pathways.example.org/pt/terminology"]}]),
        "ceterms:hasChild, no targets"
    );
    // The cheapest plan: terminology, pharmacology and law (105 hours) rather than compounding.
    let node = |id: &str| {
        graph
            .iter()
            .find(|c| c["ceterms:codedNotation"] == format!("https://pathways.example.org/pt/{id}"))
            .unwrap_or_else(|| panic!("{id} in {graph:#?}"))
            .clone()
    };
    let cert = node("certificate");
    assert_eq!(cert["ceterms:name"]["en-US"], "Pharmacy Technician Certificate");
    assert_eq!(cert["ceterms:hasCondition"][0]["ceterms:requiredNumber"], 2);
    assert_eq!(
        cert["ceterms:hasCondition"][0]["ceterms:targetComponent"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        node("pharmacology")["ceterms:hasCondition"][0]["ceterms:requiredNumber"],
        1
    );
    assert!(
        graph
            .iter()
            .all(|c| c["ceterms:codedNotation"] != "https://pathways.example.org/pt/compounding")
    );
}

/// The Credential Engine sample: a credential needing an assessment that needs either 2 of
/// courses B-D or course A (an OR, simplified with a warning), A needing 2 of B-D.
#[actix_web::test]
async fn ctdl_sample_pathway_round_trips_through_a_career_map() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let url = format!("{up}/ok/data/ctdl/pathways-repo/PathwayConditions.json");
    let (job, graph) = ctdl_round_trip(&app, &url).await;
    let simplified = warning(&job, "or_condition_simplified").expect("the OR is reported");
    assert!(
        simplified["examples"][0]
            .as_str()
            .unwrap()
            .contains("ec05c0e5-3215-4707-a58e-2123d35ffd38"),
        "{simplified}"
    );
    let number = |suffix: &str| {
        graph
            .iter()
            .find(|c| c["@id"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} in {graph:#?}"))["ceterms:hasCondition"][0]["ceterms:requiredNumber"]
            .clone()
    };
    assert_eq!(
        number("b5107f1f-07a3-49fc-827f-14ccc318dcdf"),
        1,
        "credential: 1 assessment"
    );
    assert_eq!(
        number("ec05c0e5-3215-4707-a58e-2123d35ffd38"),
        1,
        "assessment: course A"
    );
    assert_eq!(number("2a45a345-8431-4a01-b645-a103d0d40ab"), 2, "course A: 2 of B-D");
}

#[actix_web::test]
async fn ctdl_credentials_courses_and_programs_import() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let ex = format!("{up}/ok/data/ctdl/ingest-examples");
    let job = app
        .pull("ctdl", &format!("{ex}/LearningProgram/1/LearningProgram-1-graph.json"))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["learning_programs"], 1);
    assert_eq!(job["counts"]["courses"], 3);
    let program = app.get("/v1/courses/ce-23b0e606-545c-4383-8630-f97ec3b190fa").await;
    assert_eq!(program["title"], "Lifelong Learning Accelerator");
    assert_eq!(program["system"], "postsecondary");
    assert_eq!(
        program["parts"],
        json!([
            "ce-7160aae4-5185-4564-95ab-428419974643",
            "ce-3c5e4bbc-40c3-44eb-90c2-3f27d98d88f1",
            "ce-991d72b1-c0fd-4d98-8294-6c47bc3a2122"
        ])
    );
    assert_eq!(program["provenance"]["source"], "ctdl");
    let course = app.get("/v1/courses/ce-7160aae4-5185-4564-95ab-428419974643").await;
    assert_eq!(course["title"], "Personal Growth Mastery");
    assert_eq!(course["cost"], 995.0);

    let job = app.pull("ctdl", &format!("{ex}/Credential/1/Credential-1.json")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let dropped = warning(&job, "dropped_reference").expect("the program it requires is another document");
    assert!(
        dropped["examples"][0]
            .as_str()
            .unwrap()
            .contains("LearningProgram-2.json")
    );
    let bsc = app.get("/v1/credentials/ce-edc318c1-aa67-47e2-9638-a8529e6612d4").await;
    assert_eq!(bsc["kind"], "bachelor");
    assert_eq!(bsc["ctid"], "ce-edc318c1-aa67-47e2-9638-a8529e6612d4");
    // Both documents are kept: records are keyed by source and URL.
    assert_eq!(app.get("/health").await["counts"]["courses"], 4);

    let td = format!("{up}/ok/data/ctdl/json-validation-schema/test_data/credentialSchema");
    let job = app
        .pull("ctdl", &format!("{td}/2018-03-15_credential_1135_payload.json"))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["credentials"], 1);
    assert_eq!(app.get("/health").await["counts"]["credentials"], 2);
}

// ---- every parser on our own small fixtures (no shared data needed) ----------------------------

#[actix_web::test]
async fn fixtures_of_every_format_pull_through_http() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let fx = format!("{up}/ok/fixtures");

    // O*NET text zip: roll-up, thresholds, suppressed rows.
    let rn = app.get("/v1/occupations/29-1141").await;
    assert_eq!(rn["onet_codes"], json!(["29-1141.00", "29-1141.01"]));
    assert_eq!(rn["title"], "Registered Nurses");
    assert_eq!(rn["job_zone"], 3);
    assert_eq!(
        rn["competencies"],
        json!(["onet.2.A.1.a", "onet.2.B.5.d", "onet.2.C.5.a"])
    );
    let na = app.get("/v1/occupations/31-1131").await;
    assert_eq!(
        na["competencies"],
        json!(["onet.2.C.5.a"]),
        "the suppressed rating is skipped"
    );
    assert_eq!(app.get("/v1/competencies/onet.2.B.5.d").await["tier"], 9);

    let job = app.pull("bls_projections", &format!("{fx}/bls_projections.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["release"], "2030-40");
    let d = &app.get("/v1/occupations/29-1141").await["demand"][0];
    assert_eq!(d["employment"], 12_300.0);
    assert_eq!(d["annual_openings"], 900.0);
    let na = &app.get("/v1/occupations/31-1131").await["demand"][0];
    assert_eq!(na["employment"], Value::Null, "— is unknown, not zero");
    assert_eq!(na["median_wage"], Value::Null);
    assert_eq!(na["projected_employment"], 5000.0);
    assert_eq!(
        na["flags"],
        json!([
            "employment_suppressed",
            "change_suppressed",
            "growth_pct_suppressed",
            "median_wage_suppressed"
        ])
    );
    // A row O*NET does not have is kept as an occupation of its own, with its figures.
    assert!(warning(&job, "unmatched_occupation").is_none(), "{job:#}");
    let surgeons = app.get("/v1/occupations/29-1249").await;
    assert_eq!(surgeons["title"], "Surgeons");
    assert_eq!(surgeons["demand"][0]["median_wage"], 239_200.0);
    assert_eq!(surgeons["demand"][0]["flags"], json!(["median_wage_top_coded"]));
    assert!(warning(&job, "top_coded_wage").is_some());

    let job = app.pull("cip_soc", &format!("{fx}/cip_soc.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["no_match_rows"], 1);
    assert_eq!(
        warning(&job, "unmatched_occupation").unwrap()["examples"],
        json!(["19-1011"])
    );

    let job = app.pull("career_clusters", &format!("{fx}/career_clusters.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let rn = app.get("/v1/occupations/29-1141").await;
    assert_eq!(rn["cluster"], "Healthcare & Human Services");
    assert_eq!(rn["subcluster"], "Patient Care");
    assert_eq!(rn["clusters"].as_array().unwrap().len(), 2);

    let job = app.pull("bls_oews", &format!("{fx}/oews.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let w = &app.get("/v1/occupations/29-1141").await["wages"][0];
    assert_eq!(w["region"], "TX");
    assert_eq!(w["employment"], 230_000.0);
    assert_eq!(w["annual"]["median"], 93_390.0);

    // CTDL: credentials, courses, conditions, pathways; CIP links pick up the credential.
    let job = app.pull("ctdl", &format!("{fx}/ctdl_graph.json")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert!(warning(&job, "text_only_condition").is_some());
    let pct = app.get("/v1/credentials/ce-00000000-0000-4000-8000-0000000000c1").await;
    assert_eq!(pct["kind"], "certificate");
    assert_eq!(
        pct["requires"],
        json!([{"choose": 2, "from": ["ce-00000000-0000-4000-8000-0000000000k1", "ce-00000000-0000-4000-8000-0000000000k2"]}])
    );
    assert_eq!(pct["codes"]["cip"], "51.3902");
    let k2 = app.get("/v1/courses/ce-00000000-0000-4000-8000-0000000000k2").await;
    assert_eq!(k2["hours"], 60.0);
    assert_eq!(
        k2["prerequisites"][0]["from"],
        json!(["ce-00000000-0000-4000-8000-0000000000k1"])
    );
    let na = app.get("/v1/occupations/31-1131").await;
    assert_eq!(na["programs"][0]["cip"], "51.3902");
    assert_eq!(na["programs"][0]["evidence"], "cip_soc");
    assert_eq!(
        na["programs"][0]["credentials"],
        json!(["ce-00000000-0000-4000-8000-0000000000c1"]),
        "a credential carrying the CIP code qualifies through the crosswalk"
    );
    let snap = app.catalog.snapshot();
    let p = &snap.bundle().pathways[0];
    assert_eq!(p.components.len(), 2);
    assert_eq!(
        p.components[0].target.as_ref().map(|t| t.as_str()),
        Some("ce-00000000-0000-4000-8000-0000000000c1")
    );
    assert_eq!(p.components[1].kind, "CourseComponent");
    assert_eq!(p.components[1].credit_value, Some(3.0));

    // CASE.
    let job = app
        .pull_with(json!({"source": "case", "url": format!("{fx}/case_package.json"),
            "options": {"case_tiers": {"competency": 4}, "case_default_tier": 5}}))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let hand = app.get("/v1/competencies/a1000000-0000-4000-8000-000000000002").await;
    assert_eq!(hand["parent"], "a1000000-0000-4000-8000-000000000001");
    assert_eq!(hand["tier"], 5);
    assert_eq!(hand["element_id"], "HS.1.a");
    assert_eq!(
        app.get("/v1/competencies/a1000000-0000-4000-8000-000000000001").await["tier"],
        4
    );

    // SCED in Windows-1252 titles catalog courses that carry a SCED code.
    let import = json!({"courses": [{"id": "hs.pc", "title": "Patient care", "system": "secondary", "hours": 120,
        "codes": {"sced": "14001"}}, {"id": "hs.x", "title": "X", "system": "secondary", "hours": 1, "codes": {"sced": "99999"}}]});
    let resp = app
        .client
        .post(format!("{}/v1/imports", app.base))
        .bearer_auth(TOKEN)
        .json(&import)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let job = app.pull("sced", &format!("{fx}/sced_cp1252.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert!(warning(&job, "windows_1252").is_some());
    assert_eq!(
        warning(&job, "unknown_sced_code").unwrap()["examples"],
        json!(["hs.x (99999)"])
    );
    assert_eq!(
        app.get("/v1/courses/hs.pc").await["sced_title"],
        "Patient Care Fundamentals"
    );
    assert!(
        app.get("/v1/courses/hs.pc").await["provenance"].is_null(),
        "imported records stay imported"
    );
}

#[actix_web::test]
async fn the_bls_api_gives_state_demand_and_reports_quota() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let job = app
        .pull_with(json!({"source": "bls_api", "url": format!("{up}/blsapi/ok"),
            "options": {"states": ["TX"], "occupations": ["29-1141", "31-1131"]}}))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["release"], "OEWS May 2024");
    assert_eq!(job["counts"]["series_requested"], 18);
    assert!(warning(&job, "api_message").is_some());
    let rn = app.get("/v1/occupations/29-1141").await;
    let tx = rn["demand"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["region"] == "TX")
        .unwrap();
    assert_eq!(tx["employment"], 230_150.0);
    assert_eq!(tx["median_wage"], 93_390.0);
    assert_eq!(tx["provenance"]["source"], "bls_api");
    let w = &rn["wages"][0];
    assert_eq!(w["top_coded"], json!(["annual.p90"]));
    assert_eq!(w["annual"]["p90"], Value::Null);
    let na = app.get("/v1/occupations/31-1131").await;
    assert_eq!(
        na["demand"][0]["employment"], 98_760.0,
        "values come as strings with commas"
    );
    assert_eq!(na["wages"][0]["not_available"], json!(["annual.median"]));

    // Another state's pull from the same endpoint leaves Texas alone; the fixture has no Ohio
    // series, so that pull read nothing and fails rather than commit an empty change.
    let oh = app
        .pull_with(json!({"source": "bls_api", "url": format!("{up}/blsapi/ok"),
            "options": {"states": ["OH"], "occupations": ["29-1141"]}}))
        .await;
    assert_eq!(oh["state"], "failed", "{oh:#}");
    assert!(
        oh["error"].as_str().unwrap().contains("holds no bls_api data"),
        "{oh:#}"
    );
    let rn = app.get("/v1/occupations/29-1141").await;
    assert!(rn["demand"].as_array().unwrap().iter().any(|d| d["region"] == "TX"));

    let before = app.version().await;
    let job = app
        .pull_with(json!({"source": "bls_api", "url": format!("{up}/blsapi/quota"),
            "options": {"states": ["TX"], "occupations": ["29-1141"]}}))
        .await;
    assert_eq!(job["state"], "failed");
    assert!(
        job["error"].as_str().unwrap().starts_with(
            "the BLS API did not process the request (REQUEST_NOT_PROCESSED): Request could not be serviced, as the daily threshold"
        ),
        "{job:#}"
    );
    assert_eq!(app.version().await, before);
}

// ---- the other real files -----------------------------------------------------------------------

#[actix_web::test]
async fn real_oews_clusters_and_sced_files_pull() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let d = format!("{up}/ok/data");
    let onet = app.pull("onet_db", &format!("{up}/ok/zip/onet_excel.zip")).await;
    assert_eq!(onet["state"], "succeeded", "{onet:#}");

    let oews = app
        .pull("bls_oews", &format!("{d}/bls_oews/national_M2024_dl.xlsx"))
        .await;
    assert_eq!(oews["state"], "succeeded", "{oews:#}");
    assert_eq!(oews["release"], "May 2024");
    assert_eq!(oews["counts"]["rows"], 1403);
    assert!(warning(&oews, "top_coded_wage").is_some());
    let rn = app.get("/v1/occupations/29-1141").await;
    let w = &rn["wages"][0];
    assert_eq!(w["region"], "US");
    assert_eq!(w["annual"]["median"], 93_600.0);
    let ceo = app.get("/v1/occupations/11-1011").await;
    assert!(
        ceo["wages"][0]["top_coded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "annual.p90"),
        "{:#}",
        ceo["wages"]
    );

    let cc = app
        .pull(
            "career_clusters",
            &format!("{d}/career_clusters/SOC_Career_Clusters_Crosswalk.xlsx"),
        )
        .await;
    assert_eq!(cc["state"], "succeeded", "{cc:#}");
    assert_eq!(cc["counts"]["rows"], 1203);
    let rn = app.get("/v1/occupations/29-1141").await;
    assert!(rn["cluster"].is_string(), "{rn:#}");
    let full = app
        .pull(
            "career_clusters",
            &format!("{d}/career_clusters/Full_Framework_Crosswalk.xlsx"),
        )
        .await;
    assert_eq!(full["state"], "succeeded", "{full:#}");
    assert!(full["counts"]["heading_rows"].as_u64().unwrap() > 0);

    for file in ["sced_v12.csv", "sced_11.csv"] {
        let job = app.pull("sced", &format!("{d}/sced/{file}")).await;
        assert_eq!(job["state"], "succeeded", "{job:#}");
        assert_eq!(job["counts"]["codes"], 1785, "{file}");
        assert_eq!(
            warning(&job, "windows_1252").is_some(),
            file == "sced_v12.csv",
            "{file}"
        );
    }
    let cip_csv = app
        .pull(
            "cip_soc",
            &format!("{d}/cip/CIP2020_SOC2018_Crosswalk_CIP-SOC_sheet.csv"),
        )
        .await;
    assert_eq!(cip_csv["state"], "succeeded", "{cip_csv:#}");
    assert_eq!(cip_csv["counts"]["rows"], 6097);
    let bls_csv = app
        .pull(
            "bls_projections",
            &format!("{d}/bls_ep/occupation_table_1.2_2024-34.csv"),
        )
        .await;
    assert_eq!(bls_csv["state"], "succeeded", "{bls_csv:#}");
    assert_eq!(
        app.get("/v1/occupations/29-1141").await["demand"][0]["employment"],
        3_391_000.0
    );
}

#[actix_web::test]
async fn the_text_and_excel_releases_give_the_same_dataset() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let (excel, text) = (spawn_app(|_| {}).await, spawn_app(|_| {}).await);
    let a = excel.pull("onet_db", &format!("{up}/ok/zip/onet_excel.zip")).await;
    let b = text
        .pull("onet_db", &format!("{up}/ok/zip/onet_excel_as_text.zip"))
        .await;
    assert_eq!(a["state"], "succeeded", "{a:#}");
    assert_eq!(b["state"], "succeeded", "{b:#}");
    assert_eq!(a["counts"], b["counts"]);
    let strip = |app: &TestApp| {
        let mut bundle = app.catalog.snapshot().bundle().clone();
        bundle.occupations.iter_mut().for_each(|o| o.provenance = None);
        bundle.competencies.iter_mut().for_each(|c| c.provenance = None);
        bundle
    };
    assert!(
        strip(&excel) == strip(&text),
        "same occupations and competencies from both layouts"
    );
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
    let app = spawn_app(|s| s.pull.sources_file = Some(file)).await;
    let sources = app.get("/v1/sources").await;
    let s = &sources["sources"][0];
    assert_eq!(s["source"], "cip_soc");
    assert_eq!(s["configured"], true);
    assert_eq!(s["last_job"], Value::Null);
}

#[actix_web::test]
async fn the_pull_command_does_the_same_offline() {
    let (up, _) = start_upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("{up}/ok/zip/onet_text.zip");
    let run = |extra: &'static [&'static str]| {
        let data = data.clone();
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_careermap"))
                .env("CAREERMAP_PULL_ALLOW", "127.0.0.1")
                .args([
                    "--data-dir",
                    data.to_str().unwrap(),
                    "--log",
                    "warn",
                    "pull",
                    "onet_db",
                    &url,
                ])
                .args(extra)
                .output()
                .unwrap()
        })
    };
    let out = run(&[]).await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let job: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(job["state"], "succeeded");
    assert_eq!(job["trigger"], "cli");
    assert_eq!(job["counts"]["occupations"], 2);
    assert_eq!(job["dataset_version"], 1);

    // The same source again is not re-imported, unless forced; options pass through.
    let again: Value = serde_json::from_slice(&run(&[]).await.unwrap().stdout).unwrap();
    assert_eq!(again["not_modified"], true, "{again:#}");
    let out = run(&["--force", "--option", "onet_importance_min=4.5"]).await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let forced: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(forced["not_modified"], false, "{forced:#}");
    assert_eq!(forced["options"]["force"], true);
    assert_eq!(forced["options"]["onet_importance_min"], 4.5);
    assert_eq!(forced["dataset_version"], 2, "{forced:#}");
    let bad_option = run(&["--option", "colour=blue"]).await.unwrap();
    assert!(!bad_option.status.success());
    assert!(String::from_utf8_lossy(&bad_option.stderr).contains("colour"));

    let bad = tokio::task::spawn_blocking({
        let data = dir.path().join("data");
        let up = up.clone();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_careermap"))
                .env("CAREERMAP_PULL_ALLOW", "127.0.0.1")
                .args(["--data-dir", data.to_str().unwrap(), "--log", "warn", "pull", "cip_soc"])
                .arg(format!("{up}/gone/fixtures/cip_soc.csv"))
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the pull failed: the server answered 404 Not Found"));
}

/// Runs the real binary with stdout and stderr piped (so stderr is not a terminal).
async fn run_cli(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_careermap"))
            .env("CAREERMAP_PULL_ALLOW", "127.0.0.1")
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// The progress lines (`careermap <command>: ...`) of a command's stderr.
fn progress_lines(stderr: &[u8], command: &str) -> Vec<String> {
    let prefix = format!("careermap {command}: ");
    String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
        .collect()
}

/// Issue 9 item 8: with stderr not a terminal, `careermap import` and `careermap pull` write
/// plain progress lines on stderr (phases, bytes, records, the result) and stdout keeps exactly
/// one JSON answer with the fields it always had.
#[actix_web::test]
async fn the_cli_writes_plain_progress_lines_when_stderr_is_not_a_terminal() {
    let (up, _) = start_upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").to_str().unwrap().to_owned();
    let cli = |rest: &[&str]| {
        let mut args: Vec<String> = vec!["--data-dir".into(), data.clone(), "--log".into(), "warn".into()];
        args.extend(rest.iter().map(|a| a.to_string()));
        run_cli(args)
    };

    // A pull from a server that waits 3 s before answering: the fetching phase is seen.
    let url = format!("{up}/stall/zip/onet_text.zip");
    let out = cli(&["pull", "onet_db", &url]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let job: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let keys: Vec<&str> = job.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "id",
        "source",
        "url",
        "state",
        "trigger",
        "counts",
        "warnings",
        "dataset_version",
        "bytes",
    ] {
        assert!(keys.contains(&k), "the job has `{k}`: {job:#}");
    }
    assert_eq!(job["state"], "succeeded");
    let lines = progress_lines(&out.stderr, "pull");
    let bytes = job["bytes"].as_u64().unwrap();
    assert_eq!(lines[0], "opening the store", "{lines:#?}");
    assert_eq!(lines[1], format!("pulling onet_db from {url}"), "{lines:#?}");
    assert!(lines.iter().any(|l| l == "fetching"), "{lines:#?}");
    // `succeeded: 1.46 KiB fetched, N records parsed, dataset version 1 in 3.1 s`
    let last = lines.last().unwrap();
    let head = format!("succeeded: {} fetched, ", indicatif::BinaryBytes(bytes));
    let tail = format!(" records parsed, dataset version {} in ", job["dataset_version"]);
    let parsed: u64 = last
        .strip_prefix(&head)
        .and_then(|r| r.split_once(&tail))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("{last:?}"));
    assert!(parsed > 0 && last.ends_with(" s"), "{last:?}");

    // An import of the example workbook.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/state-health-science");
    let workbook = root.join("workbook.xlsx");
    let size = std::fs::metadata(&workbook).unwrap().len();
    let bundle: Value = serde_json::from_slice(&std::fs::read(root.join("bundle.json")).unwrap()).unwrap();
    let records: usize = bundle
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_array)
        .map(Vec::len)
        .sum();
    let out = cli(&["import", workbook.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let mut keys: Vec<&str> = answer.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["counts", "dataset_version", "dry_run", "warnings"], "{answer:#}");
    let version = answer["dataset_version"].as_u64().unwrap();
    assert_eq!(version, 2, "after the pull's version 1");
    let lines = progress_lines(&out.stderr, "import");
    let size_text = indicatif::BinaryBytes(size).to_string();
    assert_eq!(lines[0], format!("reading ({size_text})"), "{lines:#?}");
    // Tenths of the file as they are read (how many depends on the reads), increasing, to 100 %.
    let tenths: Vec<u64> = lines[1..]
        .iter()
        .take_while(|l| l.starts_with("reading "))
        .map(|l| l["reading ".len()..].split('%').next().unwrap().parse().unwrap())
        .collect();
    assert!(tenths.windows(2).all(|w| w[0] < w[1]), "{lines:#?}");
    assert_eq!(tenths.last(), Some(&100), "{lines:#?}");
    let rest = &lines[1 + tenths.len()..];
    assert_eq!(
        lines[tenths.len()],
        format!("reading 100% ({size_text} of {size_text})")
    );
    assert_eq!(
        rest[..4],
        [
            "opening the store".to_owned(),
            "parsing".to_owned(),
            format!("parsed {records} records"),
            "validating and committing".to_owned(),
        ],
        "{lines:#?}"
    );
    assert!(
        rest[4].starts_with(&format!("imported {records} records, dataset version {version} in ")),
        "{lines:#?}"
    );
    assert_eq!(rest.len(), 5, "{lines:#?}");

    // A dry run says it wrote nothing; a bad file fails with its problems, after the progress.
    let out = cli(&["import", "--dry-run", workbook.to_str().unwrap()]).await;
    assert!(out.status.success());
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["dry_run"], true);
    let lines = progress_lines(&out.stderr, "import");
    let n = lines.len();
    assert_eq!(lines[n - 2], "validating", "{lines:#?}");
    assert!(
        lines[n - 1].starts_with("dry run done, nothing written in "),
        "{lines:#?}"
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, br#"{"courses": [{"id": "x"}]}"#).unwrap();
    let out = cli(&["import", bad.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no answer on stdout when the import fails");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing was imported"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[actix_web::test]
async fn size_cap_and_redirect_limit_are_not_retried() {
    let (up, server) = start_upstream().await;
    let app = spawn_app(|s| s.pull.max_bytes = 100).await;
    let job = app.pull("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    assert_eq!(job["state"], "failed");
    assert_eq!(
        job["error"],
        "the body is 311 bytes, over the limit of 100 (CAREERMAP_PULL_MAX_BYTES)"
    );
    assert_eq!(server.hits.lock().unwrap()["ok/fixtures/cip_soc.csv"], 1);
    let job = app.pull("cip_soc", &format!("{up}/loop/fixtures/cip_soc.csv")).await;
    assert_eq!(job["state"], "failed");
    assert_eq!(
        job["error"],
        "the server redirected more than 5 times (CAREERMAP_PULL_MAX_REDIRECTS)"
    );
    assert_eq!(job["attempts"], 1);
}

/// Issue 9: a state's workbook on the real national data links credentials to pulled
/// occupations without losing a pulled field, and registered nurses then have a plan from every
/// entry point.
#[actix_web::test]
async fn the_example_workbook_links_pulled_occupations_and_keeps_their_pulled_fields() {
    need_shared_data!();
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    for (source, path) in [
        ("onet_db", "zip/onet_excel.zip"),
        ("bls_projections", "data/bls_ep/occupation.xlsx"),
        ("bls_oews", "data/bls_oews/national_M2024_dl.xlsx"),
        ("cip_soc", "data/cip/CIP2020_SOC2018_Crosswalk.xlsx"),
        (
            "career_clusters",
            "data/career_clusters/SOC_Career_Clusters_Crosswalk.xlsx",
        ),
        ("sced", "data/sced/sced_11.csv"),
    ] {
        let job = app.pull(source, &format!("{up}/ok/{path}")).await;
        assert_eq!(job["state"], "succeeded", "{job:#}");
    }
    let before = app.get("/v1/occupations/29-1141").await;
    assert!(!before["demand"].as_array().unwrap().is_empty());
    assert!(!before["competencies"].as_array().unwrap().is_empty());

    let workbook =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/state-health-science/workbook.xlsx"))
            .unwrap();
    let resp = app
        .client
        .post(format!("{}/v1/imports", app.base))
        .bearer_auth(TOKEN)
        .header(
            "Content-Type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(workbook)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["warnings"], json!([]), "{answer:#}");

    let after = app.get("/v1/occupations/29-1141").await;
    assert_eq!(after["entry_credentials"], json!(["adn"]));
    for (field, value) in before.as_object().unwrap() {
        if field != "entry_credentials" {
            assert_eq!(
                serde_json::to_string(value).unwrap(),
                serde_json::to_string(&after[field]).unwrap(),
                "pulled `{field}` kept byte for byte"
            );
        }
    }
    for entry in ["secondary", "adult", "postsecondary"] {
        let map: Value = career_map(
            &app,
            json!({"target": {"occupation": "29-1141"}, "entry": entry, "k": 1}),
        )
        .await
        .1;
        let paths = map["paths"].as_array().unwrap();
        assert_eq!(paths.len(), 1, "{entry}: {map:#}");
        let earned = &paths[0]["credentials_earned"];
        assert!(earned.as_array().unwrap().contains(&json!("adn")), "{entry}: {earned}");
    }
}

/// IPEDS completions (our fixture in the published `C<year>_A` layout): first majors only, the
/// grand-total rows skipped, award levels matched to credential kinds; the supply report then
/// sets the completers against openings.
#[actix_web::test]
async fn ipeds_completions_feed_the_supply_report() {
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let bundle = json!({
        "credentials": [
            {"id": "cna", "title": "Nurse aide", "kind": "license", "level": 1, "codes": {"cip": "51.3902"}},
            {"id": "adn", "title": "ADN", "kind": "associate", "level": 2, "codes": {"cip": "51.3801"}},
            {"id": "bsn", "title": "BSN", "kind": "bachelor", "level": 3, "codes": {"cip": "51.3801"}},
            {"id": "msn", "title": "MSN", "kind": "master", "level": 4, "codes": {"cip": "51.3801"}}
        ],
        "occupations": [
            {"soc": "31-1131", "title": "Nursing Assistants", "entry_credentials": ["cna"],
             "demand": [{"region": "US", "annual_openings": 1000, "median_wage": 38000}]},
            {"soc": "29-1141", "title": "Registered Nurses", "entry_credentials": ["adn", "bsn"],
             "demand": [{"region": "US", "annual_openings": 500, "median_wage": 93000}]}
        ]
    });
    let resp = app
        .client
        .post(format!("{}/v1/imports?mode=replace", app.base))
        .bearer_auth(TOKEN)
        .json(&bundle)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let job = app
        .pull("ipeds_completions", &format!("{up}/ok/fixtures/ipeds_completions.csv"))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["grand_total_rows"], 2);
    assert_eq!(job["counts"]["second_major_rows"], 1);
    // Certificates (levels 20 and 1): 140 + 35 + 60; associate (3): 210 + 90, not the second
    // major's 4; bachelor (5): 320; no master's completions.
    assert_eq!(app.get("/v1/credentials/cna").await["annual_completers"], 235.0);
    assert_eq!(app.get("/v1/credentials/adn").await["annual_completers"], 300.0);
    assert_eq!(app.get("/v1/credentials/bsn").await["annual_completers"], 320.0);
    assert_eq!(app.get("/v1/credentials/msn").await["annual_completers"], Value::Null);
    assert_eq!(
        warning(&job, "no_completions").unwrap()["examples"],
        json!(["msn (51.3801)"])
    );

    let report = app.get("/v1/reports/supply").await;
    let row = |soc: &str| {
        report["occupations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["soc"] == soc)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("31-1131")["completers"], 235.0);
    assert_eq!(row("31-1131")["status"], "under_supply");
    assert_eq!(row("29-1141")["completers"], 620.0);
    assert_eq!(row("29-1141")["ratio"], 1.24);
    assert_eq!(row("29-1141")["status"], "balanced");
}

// ---- credential-to-occupation links from the CIP-SOC crosswalk ---------------------------

/// A credential carrying `codes.cip` qualifies, after a CIP-SOC pull, for the occupations the
/// crosswalk maps that program to (evidence `cip_soc`), and a career map to such an occupation
/// reaches it; a stated `entry_credentials` link keeps evidence `stated`.
#[actix_web::test]
async fn a_cip_coded_credential_links_to_its_crosswalk_occupations() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let import = json!({
    "courses": [{"id": "adult.na-theory", "title": "Nurse aide theory", "system": "adult", "hours": 60},
                {"id": "adult.na-clinical", "title": "Nurse aide clinical", "system": "adult", "hours": 40}],
    "credentials": [
        {"id": "st.na", "title": "State nurse aide certificate", "kind": "certificate", "level": 1,
         "codes": {"cip": "51.3902"},
         "requires": [{"choose": 2, "from": ["adult.na-theory", "adult.na-clinical"]}]},
        {"id": "st.other", "title": "Unrelated certificate", "kind": "certificate", "level": 1,
         "codes": {"cip": "11.0101"}, "requires": [{"choose": 1, "from": ["adult.na-theory"]}]}
    ]});
    let resp = app
        .client
        .post(format!("{}/v1/imports", app.base))
        .bearer_auth(TOKEN)
        .json(&import)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let map_body = json!({"target": {"occupation": "31-1131"}, "entry": "adult"});
    let map = |body: Value| career_map(&app, body);
    let (status, before) = map(map_body.clone()).await;
    assert_eq!(status, 200, "{before:#}");
    assert_eq!(
        before["paths"],
        json!([]),
        "no link before the crosswalk is pulled: {before:#}"
    );

    let job = app.pull("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let na = app.get("/v1/occupations/31-1131").await;
    let program = &na["programs"][0];
    assert_eq!(program["cip"], "51.3902");
    assert_eq!(program["evidence"], "cip_soc");
    assert_eq!(program["credentials"], json!(["st.na"]));
    assert_eq!(
        app.get("/v1/occupations/29-1141").await["programs"][0]["credentials"],
        Value::Null,
        "no catalog credential carries 51.3801"
    );

    let (status, after) = map(map_body).await;
    assert_eq!(status, 200, "{after:#}");
    let path = &after["paths"][0];
    assert_eq!(path["reaches"], json!(["st.na"]), "{after:#}");
    let exit = path["exits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["credential"] == "st.na")
        .unwrap_or_else(|| panic!("st.na is an exit: {after:#}"));
    assert_eq!(exit["occupations"][0]["soc"], "31-1131");
    assert_eq!(exit["occupations"][0]["evidence"], "cip_soc");

    // The credential as a target leads to the occupation, saying how.
    let (status, cred_map) = map(json!({"target": {"credential": "st.na"}, "entry": "adult"})).await;
    assert_eq!(status, 200, "{cred_map:#}");
    assert_eq!(cred_map["target"]["occupations"][0]["soc"], "31-1131");
    assert_eq!(cred_map["target"]["occupations"][0]["evidence"], "cip_soc");
    // The unrelated credential leads nowhere.
    let (_, other) = map(json!({"target": {"credential": "st.other"}, "entry": "adult"})).await;
    assert_eq!(other["target"]["occupations"], json!([]), "{other:#}");

    // The ladder reaches the occupation through the crosswalk link too.
    let ladder = app.get("/v1/occupations/31-1131/ladder").await;
    let rung = ladder["rungs"]
        .as_array()
        .unwrap_or_else(|| panic!("{ladder:#}"))
        .iter()
        .find(|r| r["credential"] == "st.na")
        .unwrap_or_else(|| panic!("st.na is a rung: {ladder:#}"));
    assert_eq!(rung["occupations"][0]["evidence"], "cip_soc");
}

// ---- every BLS row kept, flagged figures, regional demand ---------------------------------

/// Occupation rows of the projections workbook as published: every "Line item" row whose code
/// is a SOC code, detailed or aggregated (read here with calamine, independently of the
/// connector).
fn projection_rows(data: &Path) -> Vec<(String, String)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(data.join("bls_ep/occupation.xlsx")).unwrap();
    let range = wb.worksheet_range("Table 1.2").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let h = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "Occupation type"))
        .unwrap();
    let col = |name: &str| rows[h].iter().position(|c| c.starts_with(name)).unwrap();
    let (code, kind, title) = (
        col("2024 National Employment Matrix code"),
        col("Occupation type"),
        col("2024 National Employment Matrix title"),
    );
    rows[h + 1..]
        .iter()
        .filter(|r| r[kind] == "Line item" && r[code].len() == 7 && r[code].as_bytes()[2] == b'-')
        .map(|r| (r[code].clone(), r[title].trim().to_owned()))
        .collect()
}

/// Issue 9, item 4: no BLS row is lost. After O*NET and the projections workbook, the number
/// of occupation rows in the file equals the number of occupations with national projections;
/// the twelve aggregated codes (31-1120...) are occupations with their figures, covering the
/// detailed codes they replace; a career map can target one; and flagged figures stay flagged.
#[actix_web::test]
async fn every_projections_row_is_an_occupation_with_demand() {
    need_shared_data!();
    let data = shared_data().unwrap();
    let rows = projection_rows(&data);
    assert_eq!(rows.len(), 832, "the 2024-34 table's line items");
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    for (source, path) in [
        ("onet_db", "zip/onet_excel.zip"),
        ("bls_projections", "data/bls_ep/occupation.xlsx"),
        ("cip_soc", "data/cip/CIP2020_SOC2018_Crosswalk.xlsx"),
    ] {
        let job = app.pull(source, &format!("{up}/ok/{path}")).await;
        assert_eq!(job["state"], "succeeded", "{job:#}");
        if source == "bls_projections" {
            assert!(warning(&job, "unmatched_occupation").is_none(), "{job:#}");
            assert_eq!(job["counts"]["occupation_rows"], rows.len() as u64);
        }
    }
    let snap = app.catalog.snapshot();
    let b = snap.bundle();
    let projected: Vec<&careermap::domain::Occupation> = b
        .occupations
        .iter()
        .filter(|o| {
            o.demand
                .iter()
                .any(|d| d.region == "US" && d.provenance.as_ref().is_some_and(|p| p.source == "bls_projections"))
        })
        .collect();
    assert_eq!(projected.len(), rows.len(), "rows in, occupations with demand out");
    let socs: std::collections::BTreeSet<&str> = projected.iter().map(|o| o.soc.as_str()).collect();
    for (code, _) in &rows {
        assert!(socs.contains(code.as_str()), "{code} has demand");
    }
    let aggregates: Vec<&&careermap::domain::Occupation> = projected.iter().filter(|o| !o.covers.is_empty()).collect();
    assert_eq!(
        aggregates.len(),
        12,
        "{:?}",
        aggregates.iter().map(|o| o.soc.as_str()).collect::<Vec<_>>()
    );
    // Every occupation O*NET has and the table does not list is covered by exactly one aggregate.
    let covered: Vec<&str> = aggregates
        .iter()
        .flat_map(|o| o.covers.iter().map(|c| c.as_str()))
        .collect();
    // (Military occupations, 55-, are not projected by BLS at all.)
    let mut unprojected: Vec<&str> = b
        .occupations
        .iter()
        .filter(|o| !socs.contains(o.soc.as_str()) && !o.soc.as_str().starts_with("55-"))
        .map(|o| o.soc.as_str())
        .collect();
    unprojected.sort();
    let mut sorted = covered.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), covered.len(), "no code covered twice");
    assert_eq!(
        sorted, unprojected,
        "the aggregates cover exactly the detailed codes the table replaces"
    );

    let aides = app.get("/v1/occupations/31-1120").await;
    assert_eq!(aides["title"], "Home health and personal care aides");
    assert_eq!(aides["covers"], json!(["31-1121", "31-1122"]));
    let us = &aides["demand"][0];
    assert_eq!(us["annual_openings"], 765_800.0);
    assert_eq!(us["employment"], 4_347_700.0);
    assert_eq!(us["median_wage"], 34_900.0);
    // Flags: the 17 top-coded medians and the 6 withheld ones (—) are flagged, never numbers.
    let flagged = |flag: &str| {
        projected
            .iter()
            .filter(|o| o.demand.iter().any(|d| d.flags.iter().any(|f| f == flag)))
            .count()
    };
    assert_eq!(flagged("median_wage_top_coded"), 17);
    assert_eq!(flagged("median_wage_suppressed"), 6);
    let actors = app.get("/v1/occupations/27-2011").await;
    assert_eq!(actors["demand"][0]["flags"], json!(["median_wage_suppressed"]));
    assert_eq!(actors["demand"][0]["median_wage"], Value::Null);

    // A map can target the aggregate: without entry credentials of its own, it is entered
    // through those of the occupations it covers.
    import_json(
        &app,
        "merge",
        &json!({
            "courses": [{"id": "adult.hha-training", "title": "Home health aide training (75 hours)", "system": "adult", "hours": 75}],
            "credentials": [{"id": "st.hha", "title": "Home health aide certificate", "kind": "certificate", "level": 1,
                "requires": [{"choose": 1, "from": ["adult.hha-training"]}]}]
        }),
    )
    .await;
    import_json(
        &app,
        "patch",
        &json!({"occupations": [{"soc": "31-1121", "entry_credentials": ["st.hha"]}]}),
    )
    .await;
    let map: Value = career_map(
        &app,
        json!({"target": {"occupation": "31-1120"}, "entry": "adult", "k": 1}),
    )
    .await
    .1;
    assert_eq!(map["paths"][0]["reaches"], json!(["st.hha"]), "{map:#}");
    let dest = &map["target"]["occupations"][0];
    assert_eq!(dest["soc"], "31-1120");
    assert_eq!(dest["annual_openings"], 765_800.0);
    assert_eq!(dest["covers"], json!(["31-1121", "31-1122"]));
    // Low wage, so not high demand; and it is in the distribution once.
    assert_eq!(dest["high_demand"], false);
    assert_eq!(
        map["high_demand_basis"]["occupations_in_distribution"],
        rows.len() as u64
    );
    // A covered occupation has no figures of its own: its map shows the aggregate's, named.
    let detailed: Value = career_map(
        &app,
        json!({"target": {"occupation": "31-1121"}, "entry": "adult", "k": 1}),
    )
    .await
    .1;
    let dest = &detailed["target"]["occupations"][0];
    assert_eq!(dest["soc"], "31-1121", "{detailed:#}");
    assert_eq!(dest["figures_of"], "31-1120");
    assert_eq!(dest["annual_openings"], 765_800.0);
    assert_eq!(dest["median_wage"], 34_900.0);
    assert_eq!(detailed["paths"][0]["reaches"], json!(["st.hha"]));
    // Its page says whose figures they are.
    let page = app.page("/occupations/31-1121").await;
    assert!(
        page.contains("figures of 31-1120, which BLS projects together with this occupation")
            && page.contains(r#"No figures of its own: BLS projects it together with the occupations of <a href="/occupations/31-1120">"#),
        "{page}"
    );
    // An occupation with figures of its own names no aggregate.
    assert!(map["target"]["occupations"][0].get("figures_of").is_none(), "{map:#}");
}

async fn import_json(app: &TestApp, mode: &str, body: &Value) {
    let resp = app
        .client
        .post(format!("{}/v1/imports?mode={mode}", app.base))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
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
    let resp = app
        .client
        .post(format!("{}/v1/career-maps?format={format}", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// Issue 9, item 5: a state's projections table (Projections Central layout) and its OEWS
/// state-and-metro workbook pull as sources, and `region=TX` answers from Texas figures: the
/// Texas openings with the Texas OEWS median, judged against the Texas distribution, which
/// the answer names. A region nobody has figures for falls back to national figures on maps
/// (flagged) and is a 422 on reports, as docs/career-maps.md says.
#[actix_web::test]
async fn state_figures_answer_for_their_region() {
    let (up, _) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let us = |open: f64, wage: f64| json!([{"region": "US", "annual_openings": open, "median_wage": wage}]);
    import_json(
        &app,
        "replace",
        &json!({
            "competencies": [{"id": "comm", "name": "Customer communication", "tier": 3}],
            "courses": [{"id": "cc.nur-101", "title": "Nursing I", "system": "postsecondary", "hours": 120}],
            "credentials": [{"id": "adn", "title": "Associate Degree in Nursing", "kind": "associate", "level": 3,
                "requires": [{"choose": 1, "from": ["cc.nur-101"]}]}],
            "occupations": [
                {"soc": "29-1141", "title": "Registered Nurses", "entry_credentials": ["adn"], "demand": us(189_100.0, 93_600.0)},
                {"soc": "29-2061", "title": "Licensed Practical Nurses", "demand": us(54_400.0, 62_340.0)},
                {"soc": "31-1131", "title": "Nursing Assistants", "demand": us(204_100.0, 39_530.0)},
                {"soc": "43-4051", "title": "Customer Service Representatives", "competencies": ["comm"],
                 "demand": us(341_700.0, 42_830.0)},
                {"soc": "31-1120", "title": "Home health and personal care aides", "covers": ["31-1121", "31-1122"],
                 "demand": us(765_800.0, 34_900.0)},
                {"soc": "29-1249", "title": "Surgeons, All Other",
                 "demand": [{"region": "US", "annual_openings": 1_800.0, "median_wage": 239_200.0, "flags": ["median_wage_top_coded"]}]}
            ]
        }),
    )
    .await;

    let job = app
        .pull(
            "state_projections",
            &format!("{up}/ok/fixtures/state_projections_tx.csv"),
        )
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["release"], "2022-32");
    assert_eq!(job["counts"]["occupation_rows"], 6);
    assert_eq!(job["counts"]["summary_rows"], 2);
    assert_eq!(warning(&job, "unknown_figure").unwrap()["count"], 1);
    let job = app.pull("bls_oews", &format!("{up}/ok/gen/oews_tx_metro.xlsx")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["detailed_occupations"], 7);

    let rn = app.get("/v1/occupations/29-1141").await;
    let tx = rn["demand"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["region"] == "TX")
        .unwrap()
        .clone();
    assert_eq!(tx["annual_openings"], 16_890.0);
    assert_eq!(tx["employment"], 232_740.0);
    assert_eq!(tx["period"], "2022-32");
    assert_eq!(tx["provenance"]["source"], "state_projections");
    let wage = |region: &str| {
        rn["wages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["region"] == region)
            .unwrap()["annual"]["median"]
            .clone()
    };
    assert_eq!(wage("TX"), 93_390.0);
    assert_eq!(
        wage("26420"),
        95_000.0,
        "the metro area is filed under its OEWS area code"
    );
    let surgeons = app.get("/v1/occupations/29-1249").await;
    let tx_surgeons = surgeons["demand"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["region"] == "TX")
        .unwrap()
        .clone();
    assert_eq!(tx_surgeons["annual_openings"], Value::Null);
    assert!(
        tx_surgeons["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("openings_suppressed"))
    );

    // Texas: openings 7,560 12,940 16,890 33,420 65,050 (the suppressed row is unknown) ->
    // median 16,890; wages from the Texas OEWS: 35,500 40,000 59,000 93,390 and the surgeons'
    // top-coded bound -> median 59,000 (31-1120 has no Texas wage: the OEWS row is broad).
    let (status, map) = career_map(
        &app,
        json!({"target": {"occupation": "29-1141"}, "entry": "postsecondary", "region": "TX"}),
    )
    .await;
    assert_eq!(status, 200, "{map:#}");
    let basis = &map["high_demand_basis"];
    assert_eq!(basis["region"], "TX");
    assert_eq!(basis["occupations_in_distribution"], 6);
    assert_eq!(basis["openings_threshold"], 16_890.0);
    assert_eq!(basis["wage_threshold"], 59_000.0);
    let dest = &map["target"]["occupations"][0];
    assert_eq!(dest["region"], "TX");
    assert_eq!(dest["region_fallback"], false);
    assert_eq!(dest["annual_openings"], 16_890.0);
    assert_eq!(
        dest["median_wage"], 93_390.0,
        "the Texas OEWS median, not the national 93,600"
    );
    assert_eq!(dest["high_demand"], true);
    assert_eq!(map["paths"][0]["high_demand"], true);

    // The high-demand list differs by region: customer service representatives are high
    // demand nationally (341,700 openings, median wage 42,830 at the national median) but not
    // in Texas (40,000 under the Texas median).
    let high = |region: &str| {
        let app = &app;
        let region = region.to_owned();
        async move {
            let r = app.get(&format!("/v1/reports/alignment?region={region}")).await;
            r["high_demand_occupations"].clone()
        }
    };
    assert_eq!(high("US").await, json!(["29-1141", "43-4051"]));
    assert_eq!(high("TX").await, json!(["29-1141"]));
    let gaps = app.get("/v1/gaps?region=TX").await;
    assert_eq!(gaps["region"], "TX", "{gaps:#}");

    // The surgeons' Texas wage is OEWS's `#`: shown as the bound, flagged, and their withheld
    // openings are unknown.
    let (_, s_map) = career_map(
        &app,
        json!({"target": {"occupation": "29-1249"}, "entry": "adult", "region": "TX"}),
    )
    .await;
    let s_dest = &s_map["target"]["occupations"][0];
    assert_eq!(s_dest["median_wage"], 239_200.0);
    assert_eq!(s_dest["annual_openings"], Value::Null);
    assert!(
        s_dest["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("median_wage_top_coded")),
        "{s_dest}"
    );
    assert!(
        s_dest["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("openings_suppressed")),
        "{s_dest}"
    );
    assert_eq!(s_dest["high_demand"], false);

    // An aggregate nobody links a credential to says where it looked.
    let (status, aides) = career_map(
        &app,
        json!({"target": {"occupation": "31-1120"}, "entry": "adult", "region": "TX"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(aides["paths"], json!([]));
    assert!(
        aides["reason"]
            .as_str()
            .unwrap()
            .contains("the occupations it covers (31-1121, 31-1122)"),
        "{aides:#}"
    );
    assert_eq!(aides["target"]["occupations"][0]["annual_openings"], 65_050.0);

    // A region without figures: maps fall back to national figures and say so; reports refuse it.
    let (status, zz) = career_map(
        &app,
        json!({"target": {"occupation": "29-1141"}, "entry": "postsecondary", "region": "ZZ"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(zz["high_demand_basis"]["region"], "US");
    assert_eq!(zz["target"]["occupations"][0]["region_fallback"], true);
    assert_eq!(zz["target"]["occupations"][0]["annual_openings"], 189_100.0);
    let resp = app
        .client
        .get(format!("{}/v1/reports/alignment?region=ZZ", app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let problem: Value = resp.json().await.unwrap();
    assert!(problem.to_string().contains("ZZ"), "{problem}");
}

// ---- credential-to-occupation links from CTDL `occupationType` -------------------------------

/// A CTDL credential whose `occupationType` names an occupation by SOC or O*NET-SOC code
/// qualifies for it with evidence `ctdl`: the occupation lists the link, and a career map, a
/// credential target and the ladder reach the occupation through that credential, saying so.
/// A later CIP-SOC pull that maps the credential's program to the same occupation does not
/// weaken the link (ctdl outranks cip_soc); a re-pull of the document without the claim
/// removes it.
#[actix_web::test]
async fn a_ctdl_credential_with_occupation_type_leads_to_its_occupation() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let fixture = std::fs::read(fixtures().join("ctdl_occupation_type.json")).unwrap();
    server.publish("ctdl.json", fixture.clone());
    let url = format!("{up}/ok/live/ctdl.json");
    let aide = "ce-00000000-0000-4000-8000-0000000000e1";
    let adn = "ce-00000000-0000-4000-8000-0000000000e2";
    let map = |body: Value| {
        let app = &app;
        async move {
            let (status, answer) = career_map(app, body).await;
            assert_eq!(status, 200);
            answer
        }
    };
    let aide_map = json!({"target": {"occupation": "31-1131"}, "entry": "adult"});
    assert_eq!(
        map(aide_map.clone()).await["paths"],
        json!([]),
        "no link before the pull"
    );

    let job = app.pull("ctdl", &url).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["occupation_links"], 2, "{job:#}");
    assert_eq!(warning(&job, "occupation_type_uncoded").unwrap()["count"], 1);
    assert_eq!(warning(&job, "occupation_type_not_credential").unwrap()["count"], 1);

    // The occupation shows the publisher's claim.
    let na = app.get("/v1/occupations/31-1131").await;
    let links = na["programs"].as_array().unwrap_or_else(|| panic!("{na:#}"));
    assert_eq!(links.len(), 1, "{na:#}");
    assert_eq!(links[0]["evidence"], "ctdl");
    assert_eq!(links[0]["credentials"], json!([aide]));
    assert_eq!(links[0]["cip"], "51.3902");
    assert_eq!(links[0]["title"], "State Nurse Aide Certification");
    assert_eq!(links[0]["provenance"]["source"], "ctdl");
    // An O*NET-SOC code in a target-node URL rolls up to its SOC code.
    let rn = app.get("/v1/occupations/29-1141").await;
    assert_eq!(rn["programs"][0]["credentials"], json!([adn]), "{rn:#}");
    assert!(rn["programs"][0].get("cip").is_none(), "the degree states no CIP code");

    // A career map reaches the occupation through the credential.
    let after = map(aide_map.clone()).await;
    let path = &after["paths"][0];
    assert_eq!(path["reaches"], json!([aide]), "{after:#}");
    let exit = first_exit(&after, aide);
    assert_eq!(exit["occupations"][0]["soc"], "31-1131");
    assert_eq!(exit["occupations"][0]["evidence"], "ctdl");
    let rn_map = map(json!({"target": {"occupation": "29-1141"}, "entry": "adult"})).await;
    assert_eq!(rn_map["paths"][0]["reaches"], json!([adn]), "{rn_map:#}");

    // The credential as a target, and the ladder, say how it leads to the occupation.
    let cred_map = map(json!({"target": {"credential": aide}, "entry": "adult"})).await;
    assert_eq!(cred_map["target"]["occupations"][0]["soc"], "31-1131");
    assert_eq!(cred_map["target"]["occupations"][0]["evidence"], "ctdl");
    let ladder = app.get("/v1/occupations/31-1131/ladder").await;
    let rung = ladder["rungs"]
        .as_array()
        .unwrap_or_else(|| panic!("{ladder:#}"))
        .iter()
        .find(|r| r["credential"] == aide)
        .unwrap_or_else(|| panic!("the certification is a rung: {ladder:#}"));
    assert_eq!(rung["occupations"][0]["evidence"], "ctdl");

    // The crosswalk maps the credential's program (51.3902) to the same occupation: the link
    // is now known two ways and keeps the stronger, the publisher's claim.
    let job = app.pull("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let na = app.get("/v1/occupations/31-1131").await;
    let evidence: Vec<&str> = na["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["evidence"].as_str().unwrap())
        .collect();
    assert_eq!(evidence.len(), 2, "{na:#}");
    assert!(evidence.contains(&"ctdl") && evidence.contains(&"cip_soc"), "{na:#}");
    let after = map(aide_map.clone()).await;
    let exit = first_exit(&after, aide);
    assert_eq!(exit["occupations"][0]["evidence"], "ctdl", "{after:#}");

    // The same document re-published without the claim: the link goes with it; the crosswalk
    // link remains and is now the evidence.
    let mut doc: Value = serde_json::from_slice(&fixture).unwrap();
    doc["@graph"][0]
        .as_object_mut()
        .unwrap()
        .remove("ceterms:occupationType");
    server.publish("ctdl.json", serde_json::to_vec(&doc).unwrap());
    let job = app.pull("ctdl", &url).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_ne!(job["not_modified"], true, "{job:#}");
    let na = app.get("/v1/occupations/31-1131").await;
    let links = na["programs"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{na:#}");
    assert_eq!(links[0]["evidence"], "cip_soc");
    assert_eq!(links[0]["credentials"], json!([aide]));
    let after = map(aide_map).await;
    let exit = first_exit(&after, aide);
    assert_eq!(exit["occupations"][0]["evidence"], "cip_soc", "{after:#}");
}

/// The CTDL export of a career map writes each credential's stated and CTDL links as
/// `ceterms:occupationType` on the credential resource its component points to (never the
/// derived `cip_soc` ones), and a `ctdl` pull of that export into another catalog gives the
/// same credentials the same occupations, with evidence `ctdl`.
#[actix_web::test]
async fn the_ctdl_export_writes_occupation_type_and_a_re_import_keeps_the_links() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    // Two CTDL credentials with occupationType (the aide certification for 31-1131, the ADN
    // for 29-1141), the crosswalk, and two catalog credentials: an RN licence the catalog
    // states for 29-1141 and a BSN whose CIP code the crosswalk maps to 29-1141 (cip_soc only).
    server.publish(
        "ctdl.json",
        std::fs::read(fixtures().join("ctdl_occupation_type.json")).unwrap(),
    );
    let job = app.pull("ctdl", &format!("{up}/ok/live/ctdl.json")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let job = app.pull("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let aide = "ce-00000000-0000-4000-8000-0000000000e1";
    let adn = "ce-00000000-0000-4000-8000-0000000000e2";
    let import = |mode: &str, body: Value| {
        let app = &app;
        let url = format!("{}/v1/imports?mode={mode}", app.base);
        async move {
            let r = app
                .client
                .post(url)
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            assert!(status.is_success(), "{status}: {}", r.text().await.unwrap());
        }
    };
    import(
        "merge",
        json!({"credentials": [
            {"id": "rn-license", "title": "Registered Nurse License", "kind": "license", "level": 4,
             "requires": [{"choose": 1, "from": [adn]}]},
            {"id": "bsn", "title": "Bachelor of Science in Nursing", "kind": "bachelor", "level": 5,
             "requires": [{"choose": 1, "from": ["rn-license"]}], "codes": {"cip": "51.3801"}}]}),
    )
    .await;
    import(
        "patch",
        json!({"occupations": [{"soc": "29-1141", "entry_credentials": ["rn-license"]}]}),
    )
    .await;

    // The occupations a credential leads to, by evidence, as a credential-target map says.
    let leads_to = |app: &TestApp, id: String| {
        let body = json!({"target": {"credential": id}, "entry": "adult"});
        let app_base = app.base.clone();
        let client = app.client.clone();
        async move {
            let r = client
                .post(format!("{app_base}/v1/career-maps"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let answer: Value = r.json().await.unwrap();
            let mut out: Vec<(String, String)> = answer["target"]["occupations"]
                .as_array()
                .unwrap_or_else(|| panic!("{answer:#}"))
                .iter()
                .map(|o| {
                    (
                        o["soc"].as_str().unwrap().to_owned(),
                        o["evidence"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            out.sort();
            out
        }
    };
    let before = |id: &str| leads_to(&app, id.to_owned());
    assert_eq!(before(aide).await, [("31-1131".to_owned(), "ctdl".to_owned())]);
    assert_eq!(before(adn).await, [("29-1141".to_owned(), "ctdl".to_owned())]);
    assert_eq!(
        before("rn-license").await,
        [("29-1141".to_owned(), "stated".to_owned())]
    );
    assert_eq!(before("bsn").await, [("29-1141".to_owned(), "cip_soc".to_owned())]);

    // The export of a map to the BSN passes through all four credentials.
    let body = json!({"target": {"credential": "bsn"}, "entry": "adult"});
    let (status, ld) = career_map_as(&app, "ctdl", body).await;
    assert_eq!(status, 200);
    let graph = ld["@graph"].as_array().unwrap();
    let node = |iri: &str| {
        graph
            .iter()
            .find(|n| n["@id"] == iri)
            .unwrap_or_else(|| panic!("{iri} in {ld:#}"))
    };
    let mut resource_of: HashMap<String, Value> = HashMap::new();
    for id in [aide, adn, "rn-license", "bsn"] {
        let component = node(&format!("{IRI}credential:{id}"));
        assert_eq!(component["@type"], "ceterms:CredentialComponent");
        let resource = node(component["ceterms:sourceData"].as_str().unwrap());
        resource_of.insert(id.to_owned(), resource.clone());
    }
    let occupation_type = |id: &str| -> Vec<String> {
        resource_of[id]["ceterms:occupationType"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|a| {
                assert_eq!(a["@type"], "ceterms:CredentialAlignmentObject");
                assert_eq!(a["ceterms:framework"], "https://www.bls.gov/soc/");
                a["ceterms:codedNotation"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(occupation_type(aide), ["31-1131"]);
    assert_eq!(occupation_type(adn), ["29-1141"]);
    assert_eq!(occupation_type("rn-license"), ["29-1141"]);
    assert!(
        occupation_type("bsn").is_empty(),
        "a cip_soc link is derived, not stated: {}",
        resource_of["bsn"]
    );
    assert_eq!(
        resource_of["bsn"]["ceterms:instructionalProgramType"][0]["ceterms:codedNotation"],
        "51.3801"
    );
    assert_eq!(resource_of[aide]["@type"], "ceterms:Certification");
    assert_eq!(resource_of[aide]["ceterms:ctid"], aide);
    assert_eq!(resource_of[adn]["@type"], "ceterms:AssociateDegree");
    assert_eq!(resource_of["rn-license"]["@type"], "ceterms:License");
    assert_eq!(resource_of["bsn"]["@type"], "ceterms:BachelorDegree");

    // Pulled into another catalog with the same occupations: each credential (under its CTID,
    // else the resource's IRI) leads to the occupations it was exported with, by ctdl.
    let other = app_with_fixture_onet(&up).await;
    server.publish("export.json", serde_json::to_vec(&ld).unwrap());
    let job = other.pull("ctdl", &format!("{up}/ok/live/export.json")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["occupation_links"], 3, "{job:#}");
    for id in [aide, adn, "rn-license", "bsn"] {
        let resource = &resource_of[id];
        let again = resource["ceterms:ctid"]
            .as_str()
            .unwrap_or_else(|| resource["@id"].as_str().unwrap())
            .to_owned();
        let want: Vec<(String, String)> = occupation_type(id)
            .into_iter()
            .map(|soc| (soc, "ctdl".to_owned()))
            .collect();
        assert_eq!(
            leads_to(&other, again.clone()).await,
            want,
            "{id} re-imported as {again}"
        );
        let kind = other
            .get(&format!("/v1/credentials/{}", again.replace(':', "%3A")))
            .await;
        assert_eq!(
            kind["kind"],
            app.get(&format!("/v1/credentials/{id}")).await["kind"],
            "{kind:#}"
        );
    }
}

// ---- one credential-level scale ---------------------------------------------------------------

/// The same credential gets the same level whichever way it comes in: the seed's JSON, a
/// pulled CTDL document (which states only the credential's class) and a spreadsheet row that
/// names the level. A CTDL associate degree once came in at 3 and the seed's at 4.
#[actix_web::test]
async fn seed_ctdl_and_spreadsheets_share_one_credential_level_scale() {
    use careermap::domain::{CredentialKind, CredentialLevel};
    // (seed id, CTDL class, spreadsheet kind, level name a state would write)
    let cases = [
        ("hs-diploma", "ceterms:SecondarySchoolDiploma", "diploma", "entry"),
        ("hse", "ceterms:GeneralEducationDevelopment", "hse", "entry"),
        (
            "apprent-electrician",
            "ceterms:ApprenticeshipCertificate",
            "apprenticeship",
            "advanced",
        ),
        ("adn-rn", "ceterms:AssociateDegree", "associate", "associate"),
        ("bsn", "ceterms:BachelorDegree", "bachelor", "bachelor"),
    ];
    let seed: Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/catalog.json")).unwrap(),
    )
    .unwrap();
    let seed_creds = seed["credentials"].as_array().unwrap();
    let seed_level = |id: &str| {
        seed_creds
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("seed has {id}"))["level"]
            .as_u64()
            .unwrap()
    };
    // The whole seed sits on the scale: every level is a named one, and every credential of
    // a kind that fixes its level (degrees, diplomas) is at that level.
    for c in seed_creds {
        let level = c["level"].as_u64().unwrap() as u32;
        assert!(CredentialLevel::from_number(level).is_some(), "{c}");
        let kind: CredentialKind = serde_json::from_value(c["kind"].clone()).unwrap();
        if matches!(
            kind,
            CredentialKind::Diploma
                | CredentialKind::Hse
                | CredentialKind::Associate
                | CredentialKind::Bachelor
                | CredentialKind::Master
                | CredentialKind::Doctorate
        ) {
            assert_eq!(level, CredentialLevel::of_kind(kind).number(), "{c}");
        }
    }

    let (up, server) = start_upstream().await;
    let app = spawn_app(|_| {}).await;
    let graph: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, class, _, _))| {
            json!({"@id": format!("https://registry.example.org/resources/ce-lvl-{i}"), "@type": class,
                   "ceterms:ctid": format!("ce-lvl-{i}"), "ceterms:name": {"en-US": format!("Credential {i}")}})
        })
        .collect();
    server.publish("levels.json", serde_json::to_vec(&json!({"@graph": graph})).unwrap());
    let job = app.pull("ctdl", &format!("{up}/ok/live/levels.json")).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");

    let mut sheet = String::from("id,title,kind,level\n");
    for (i, (_, _, kind, name)) in cases.iter().enumerate() {
        sheet.push_str(&format!("st-{i},State credential {i},{kind},{name}\n"));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("credentials.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(sheet.as_bytes()).unwrap();
    let resp = app
        .client
        .post(format!("{}/v1/imports?mode=merge", app.base))
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/zip")
        .body(zip.finish().unwrap().into_inner())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());

    for (i, (seed_id, class, _, name)) in cases.iter().enumerate() {
        let ctdl = app.get(&format!("/v1/credentials/ce-lvl-{i}")).await;
        let sheet = app.get(&format!("/v1/credentials/st-{i}")).await;
        let want = seed_level(seed_id);
        assert_eq!(ctdl["level"], want, "{class} from CTDL vs seed {seed_id}: {ctdl}");
        assert_eq!(
            sheet["level"], want,
            "`{name}` in a spreadsheet vs seed {seed_id}: {sheet}"
        );
    }
}

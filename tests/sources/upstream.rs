//! The local upstream: an actix server on loopback that serves the real files of
//! `../shared/data` and our own fixtures the way their publishers do, and misbehaves on demand.

use crate::*;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources")
}

/// Zips every file of `dir` (deflated), as O*NET distributes its database.
pub fn zip_dir(dir: &Path, folder: &str) -> Vec<u8> {
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

pub fn onet_excel_zip() -> &'static Vec<u8> {
    static ZIP: OnceLock<Vec<u8>> = OnceLock::new();
    ZIP.get_or_init(|| zip_dir(&shared_data().unwrap().join("onet/db_29_3_excel"), "db_29_3_excel"))
}

/// The O*NET text distribution's layout, made from the Excel files: tab-delimited, without the
/// `Title` (occupation title, except in Occupation Data) and `Scale Name` columns the Excel
/// files add.
pub fn onet_text_zip_from_excel(data: &Path) -> Vec<u8> {
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

/// The Excel release with the lay-title files O*NET publishes beside it: the real `Alternate
/// Titles.xlsx` (MANIFEST 1b2) and our own small `Sample of Reported Titles.txt`.
pub fn onet_zip_with_titles(data: &Path) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    for from in [
        data.join("onet/db_29_3_excel"),
        data.join("onet/alternate_titles"),
        fixtures().join("onet_reported"),
    ] {
        for e in std::fs::read_dir(from).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    zip_dir(dir.path(), "db_29_3_excel")
}

#[derive(Clone)]
pub struct Upstream {
    pub hits: Arc<Mutex<HashMap<String, u32>>>,
    pub data: Option<PathBuf>,
    /// Documents a test publishes (and re-publishes changed) under `live/NAME`.
    pub live: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Upstream {
    pub fn hit(&self, path: &str) -> u32 {
        let mut h = self.hits.lock().unwrap();
        let n = h.entry(path.to_owned()).or_default();
        *n += 1;
        *n
    }

    /// Publishes `bytes` under `live/{name}`, replacing what was there.
    pub fn publish(&self, name: &str, bytes: Vec<u8>) {
        self.live.lock().unwrap().insert(name.to_owned(), bytes);
    }

    /// The bytes behind a path: `data/...` (shared data), `fixtures/...`, `live/...` (see
    /// [`Upstream::publish`]), `zip/onet_excel.zip`, `zip/onet_excel_with_titles.zip`, `zip/onet_text.zip`, `malformed/bls.csv`.
    pub fn body(&self, rest: &str) -> Option<Vec<u8>> {
        if let Some(name) = rest.strip_prefix("live/") {
            return self.live.lock().unwrap().get(name).cloned();
        }
        match rest {
            "zip/onet_excel.zip" => return self.data.as_ref().map(|_| onet_excel_zip().clone()),
            "zip/onet_text.zip" => return Some(zip_dir(&fixtures().join("onet_text"), "db_99_1_text")),
            "zip/onet_excel_as_text.zip" => return self.data.as_ref().map(|d| onet_text_zip_from_excel(d)),
            "zip/onet_excel_with_titles.zip" => return self.data.as_ref().map(|d| onet_zip_with_titles(d)),
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
pub fn oews_state_and_metro_workbook() -> Vec<u8> {
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

pub fn percent_decode(s: &str) -> String {
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

pub fn content_type(path: &str) -> &'static str {
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
pub async fn upstream(req: HttpRequest, up: web::Data<Upstream>, body: web::Bytes) -> HttpResponse {
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
pub fn bls_api_answer(mode: &str, body: &[u8]) -> HttpResponse {
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

pub async fn start_upstream() -> (String, Upstream) {
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

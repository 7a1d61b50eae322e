//! Serves `../shared/data` over HTTP on 127.0.0.1 the way the upstreams publish it, for
//! measuring pulls with the real `careermap pull` command:
//!
//! ```sh
//! cargo run --release --example serve_shared_data -- 8599 &
//! /usr/bin/time -v target/release/careermap --data-dir /tmp/cm pull onet_db http://127.0.0.1:8599/onet/db_29_3_excel.zip
//! ```
//!
//! `/onet/db_29_3_excel.zip` is the O*NET Excel folder zipped (deflate) at start-up, as O*NET
//! distributes it; every other path is a file under the data directory.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use std::io::Write;
use std::path::{Path, PathBuf};

struct Files {
    root: PathBuf,
    onet_zip: Vec<u8>,
}

fn zip_dir(dir: &Path, folder: &str) -> std::io::Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        w.start_file(format!("{folder}/{}", p.file_name().unwrap().to_string_lossy()), opts)
            .map_err(std::io::Error::other)?;
        w.write_all(&std::fs::read(&p)?)?;
    }
    Ok(w.finish().map_err(std::io::Error::other)?.into_inner())
}

async fn serve(req: HttpRequest, files: web::Data<Files>) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    if path == "onet/db_29_3_excel.zip" {
        return HttpResponse::Ok()
            .content_type("application/zip")
            .body(files.onet_zip.clone());
    }
    let rel = path.replace("%20", " ");
    if rel.contains("..") {
        return HttpResponse::NotFound().finish();
    }
    match std::fs::read(files.root.join(rel)) {
        Ok(b) => HttpResponse::Ok().body(b),
        Err(_) => HttpResponse::NotFound().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(8599);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let onet_zip = zip_dir(&root.join("onet/db_29_3_excel"), "db_29_3_excel")?;
    eprintln!(
        "serving {} on 127.0.0.1:{port} (O*NET zip {} bytes)",
        root.display(),
        onet_zip.len()
    );
    let files = web::Data::new(Files { root, onet_zip });
    HttpServer::new(move || App::new().app_data(files.clone()).default_service(web::to(serve)))
        .workers(1)
        .bind(("127.0.0.1", port))?
        .run()
        .await
}

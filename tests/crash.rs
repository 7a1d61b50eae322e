//! Crash safety: a real `careermap` child process is killed with SIGKILL at random moments
//! during large imports, over and over. After each kill the store must open and hold exactly
//! the previous dataset or the new one (never a mix), and an import answered 200 is never lost.

use careermap::domain::Bundle;
use careermap::store::Store;
use careermap::synth::{SynthParams, generate};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "crash-test-token-0123456789";
/// Kill cycles: `CAREERMAP_CRASH_CYCLES`, 24 by default (what CI runs).
fn cycles() -> usize {
    match std::env::var("CAREERMAP_CRASH_CYCLES") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("CAREERMAP_CRASH_CYCLES must be a number of cycles, got `{v}`")),
        Err(_) => 24,
    }
}

struct Server {
    child: Child,
    address: String,
}

fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_careermap"))
        .args(["serve", "--bind", "127.0.0.1:0", "--no-seed"])
        .env("CAREERMAP_DATA_DIR", dir)
        .env("CAREERMAP_ADMIN_TOKEN", TOKEN)
        .env("CAREERMAP_LOG", "info")
        .env("CAREERMAP_BODY_LIMIT", "256MiB")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the careermap binary starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent && line.contains("listening") {
                let port: String = line
                    .split("port=")
                    .nth(1)
                    .unwrap_or("")
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                let _ = tx.send(port);
                sent = true;
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("server reports its port");
    // `serve` listens before its dataset is loaded; wait until `/health/ready` answers 200.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !ready(&port) {
        assert!(std::time::Instant::now() < deadline, "the server never became ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    Server {
        child,
        address: format!("http://127.0.0.1:{port}"),
    }
}

/// Whether `GET /health/ready` answers 200 (a plain HTTP/1.1 exchange).
fn ready(port: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(format!("127.0.0.1:{port}")) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.ends_with(b"200")
}

fn stored(dir: &Path) -> Option<(u64, Bundle)> {
    // The killed process has released its lock when the OS reaped it; retry briefly.
    for _ in 0..100 {
        match Store::open(dir) {
            Ok(store) => {
                return store
                    .load()
                    .expect("store loads after a crash")
                    .map(|(i, b)| (i.version, b));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    panic!("store did not open after the crash");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_imports_never_leaves_a_mix_or_loses_an_acknowledged_import() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let size = |seed| SynthParams {
        courses: 20_000,
        credentials: 4_000,
        occupations: 500,
        competencies: 3_000,
        seed,
    };
    let full: Vec<Bundle> = (0..3).map(|s| generate(&size(s))).collect();
    // A merge patch: a slice of another catalog's courses that only use competencies of the
    // same size (ids collide on purpose: those records are replaced).
    let patch = |base: &Bundle, seed: u64| {
        let mut p = generate(&size(100 + seed));
        p.courses.truncate(2_000);
        for c in &mut p.courses {
            c.prerequisites.clear();
            c.competencies
                .retain(|k| base.competencies.binary_search_by(|x| x.id.cmp(k)).is_ok());
        }
        Bundle {
            courses: p.courses,
            ..Default::default()
        }
    };
    let client = reqwest::Client::new();
    let mut rng = fastrand::Rng::with_seed(7);

    // Version 1, and the time an uninterrupted import takes.
    let server = start(dir);
    let t0 = Instant::now();
    let r = client
        .post(format!("{}/v1/imports?mode=replace&confirm=true", server.address))
        .bearer_auth(TOKEN)
        .json(&full[0])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let import_time = t0.elapsed();
    let mut server = Some(server);
    let mut expected: (u64, Bundle) = (1, full[0].clone());

    let (mut committed, mut rolled_back) = (0, 0);
    let cycles = cycles();
    for cycle in 0..cycles {
        let srv = match server.take() {
            Some(s) => s,
            None => start(dir),
        };
        let (mode, body, next) = if cycle % 3 == 2 {
            let p = patch(&expected.1, cycle as u64);
            let next = expected.1.merge(p.clone());
            ("merge", p, next)
        } else {
            let b = full[(cycle + 1) % 3].clone();
            let mut next = b.clone();
            next.canonicalize();
            ("replace", b, next)
        };
        let url = format!("{}/v1/imports?mode={mode}&confirm=true", srv.address);
        let request = {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(TOKEN)
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        };
        // Kill somewhere between the start of the upload and well after the commit.
        let delay = import_time.mul_f64(rng.f64() * 1.6);
        tokio::time::sleep(delay).await;
        let acknowledged = request.is_finished() && matches!(request.await, Ok(Ok(200)));
        let mut child = srv.child;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();

        let (version, bundle) = stored(dir).expect("a dataset is stored");
        if version == expected.0 + 1 {
            assert!(
                bundle == next,
                "cycle {cycle}: version {version} holds a mix, not the new dataset"
            );
            committed += 1;
            expected = (version, next);
        } else {
            assert_eq!(version, expected.0, "cycle {cycle}: unexpected version");
            assert!(
                !acknowledged || next == expected.1,
                "cycle {cycle}: an import answered 200 was lost"
            );
            assert!(
                bundle == expected.1,
                "cycle {cycle}: version {version} holds a mix, not the previous dataset"
            );
            rolled_back += 1;
        }
    }
    let size: u64 = walk_size(dir);
    eprintln!(
        "{cycles} kills: {committed} imports committed, {rolled_back} rolled back (import took {import_time:?}); \
         store on disk {:.1} MiB",
        size as f64 / (1 << 20) as f64
    );
    assert_eq!(committed + rolled_back, cycles);
}

/// Bytes of the files under `dir`.
fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

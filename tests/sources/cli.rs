//! `careermap pull` and `careermap import` offline, and their progress lines on stderr.

use crate::*;

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

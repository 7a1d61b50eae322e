use careermap::app::{AppError, imports};
use careermap::cli_progress::CliProgress;
use careermap::settings::{Cli, Command, Settings};
use careermap::{service::Catalog, startup::Application};
use clap::Parser;
use std::process::ExitCode;

/// mimalloc keeps freed pages for reuse: a national store's restart makes tens of millions of
/// small strings, and with the system allocator half of it went to the kernel zeroing pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    careermap::telemetry::init(&cli.log);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("careermap: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let mut settings = Settings::from_serve(cli.data_dir, args).map_err(anyhow::Error::msg)?;
            settings.min_free_disk = cli.min_free_disk as u64;
            tracing::info!(settings = ?settings, "starting");
            actix_web::rt::System::new().block_on(async move {
                Application::build_loading(settings)?
                    .run_until_stopped()
                    .await
                    .map_err(Into::into)
            })
        }
        Command::Import { file, mode, dry_run } => {
            let progress = CliProgress::stderr("import");
            let mut phase = careermap::telemetry::Phase::start("import.read_file");
            let bytes = progress
                .read_file(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let file_len = bytes.len() as u64;
            progress.phase("opening the store", None);
            let catalog = Catalog::open(&cli.data_dir, false)?;
            catalog.set_min_free_disk(cli.min_free_disk as u64);
            catalog.one_shot();
            progress.phase("parsing", None);
            phase.next("import.parse");
            let format = imports::ImportFormat::sniff(&bytes);
            let records = imports::parse(format, &bytes, mode).map_err(cli_error)?;
            drop(bytes);
            phase.end();
            let parsed = records.0.counts().total() as u64;
            progress.note(&format!("parsed {}", CliProgress::records(parsed)));
            progress.phase(
                if dry_run {
                    "validating"
                } else {
                    "validating and committing"
                },
                None,
            );
            let opts = careermap::service::WriteOptions {
                confirm: true,
                author: None,
                incoming_bytes: file_len,
            };
            let out = imports::commit(&catalog, records, mode, dry_run, &opts)
                .map_err(cli_error)?
                .outcome;
            progress.finish(&match dry_run {
                true => "dry run done, nothing written".to_owned(),
                false => format!(
                    "imported {}, dataset version {}",
                    CliProgress::records(parsed),
                    out.version
                ),
            });
            for w in &out.warnings {
                eprintln!("warning: {}", w.message);
            }
            let mut answer = serde_json::json!({"dataset_version": out.version, "dry_run": dry_run,
                "counts": out.counts, "warnings": out.warnings});
            if let Some(diff) = out.diff {
                answer["diff"] = serde_json::to_value(diff)?;
            }
            println!("{}", serde_json::to_string_pretty(&answer)?);
            Ok(())
        }
        Command::Pull {
            kind,
            url,
            force,
            options,
            pull,
        } => {
            let options = careermap::settings::pull_options(&options, force).map_err(anyhow::Error::msg)?;
            let settings = careermap::settings::for_pull(cli.data_dir, pull).map_err(anyhow::Error::msg)?;
            let min_free_disk = cli.min_free_disk as u64;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let progress = CliProgress::stderr("pull");
            let job = runtime.block_on(async {
                progress.phase("opening the store", None);
                let catalog = std::sync::Arc::new(Catalog::open(&settings.data_dir, false)?);
                catalog.set_min_free_disk(min_free_disk);
                let puller = std::sync::Arc::new(careermap::pulls::Puller::new(catalog, &settings.pull)?);
                let url = puller.resolve(kind, Some(&url)).map_err(anyhow::Error::msg)?;
                let job = puller.create(kind, &url, options, "cli")?;
                progress.note(&format!("pulling {kind} from {}", job.url));
                let id = job.id.clone();
                let poll = || puller.job(&id).ok().flatten().and_then(|j| j.progress);
                let done = progress.follow(puller.run(job, &url), poll).await;
                progress.finish(&CliProgress::pull_summary(
                    done.state,
                    done.not_modified,
                    done.progress.as_ref(),
                    done.dataset_version,
                ));
                anyhow::Ok(careermap::api::pulls::Job::from(done))
            })?;
            println!("{}", serde_json::to_string_pretty(&job)?);
            match job.error {
                Some(e) => Err(anyhow::anyhow!("the pull failed: {e}")),
                None => Ok(()),
            }
        }
        Command::Check => {
            let check = careermap::app::datasets::check_store(&cli.data_dir).map_err(cli_error)?;
            print!("{}", check_text(&check));
            match check.current {
                Some(v) if !check.current_is_whole() => Err(anyhow::anyhow!(
                    "the current version {v} is not whole: `careermap serve` serves the newest whole version \
                     instead; make one current with POST /v1/datasets/{{version}}/restore, or restore {} from a backup",
                    cli.data_dir.display()
                )),
                _ => Ok(()),
            }
        }
        Command::Openapi => {
            println!("{}", careermap::api::openapi().to_pretty_json()?);
            Ok(())
        }
    }
}

/// The report of `careermap check`: one line per kept version, newest first.
fn check_text(check: &careermap::store::StoreCheck) -> String {
    let mut out = format!("store {}\n", check.dir.display());
    if check.versions.is_empty() {
        out.push_str("no dataset version was committed\n");
    }
    for v in &check.versions {
        let current = if check.current == Some(v.version) {
            " (current)"
        } else {
            ""
        };
        let origin = v
            .info
            .as_ref()
            .map(|i| format!(", {} at {}", i.origin, i.committed_at))
            .unwrap_or_default();
        match &v.result {
            Ok(c) => out.push_str(&format!(
                "version {}{current}: whole, {} records{origin}\n",
                v.version,
                c.total()
            )),
            Err(why) => out.push_str(&format!("version {}{current}: NOT WHOLE: {why}{origin}\n", v.version)),
        }
    }
    out
}

/// A use case's error in the CLI's words: problems listed one a line.
fn cli_error(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(p) => report(p),
        AppError::Unexpected(e) => e,
        other => anyhow::anyhow!("{other}"),
    }
}

fn report(problems: Vec<careermap::domain::Problem>) -> anyhow::Error {
    let lines: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
    anyhow::anyhow!(
        "the import has {} problem(s); nothing was imported:\n{}",
        problems.len(),
        lines.join("\n")
    )
}

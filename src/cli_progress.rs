//! Progress of the long CLI commands (`careermap import`, `careermap pull`) on stderr.
//!
//! On a terminal it is an indicatif bar (bytes read or fetched against the size when known,
//! else a spinner with the bytes so far) that is cleared when the command ends. When stderr is
//! not a terminal (a pipe, a log file, CI; or `TERM=dumb`) it is plain lines a log keeps: one
//! when a phase starts, one per tenth of the bytes when the size is known (at most one every
//! five seconds when it is not), and one when the command ends, each starting with
//! `careermap <command>:`. stdout is never written: it carries the command's JSON answer.
//!
//! `careermap import` wraps its file reader ([`CliProgress::wrap_read`]) and names its phases
//! (reading, parsing, validating and committing); `careermap pull` [follows](CliProgress::follow)
//! the job record's [`Progress`] (fetching, parsing, committing) while the pull runs.

use crate::domain::{JobState, Progress};
use indicatif::{BinaryBytes, HumanCount, ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use std::io::{self, Read, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most bytes one read of [`ProgressRead`] asks for, so a bar moves while a large file is
/// read (a plain `read_to_end` of a file can take it all in one call).
const READ_CHUNK: usize = 1 << 20;
/// When the size is not known, plain lines are at most this often.
const PLAIN_EVERY: Duration = Duration::from_secs(5);
/// A phase of no known size: its bytes so far, if any, are in the message.
const SPINNER: &str = "{prefix}: {spinner} {msg} ({elapsed})";
/// How often [`CliProgress::follow`] reads the job's progress.
const POLL: Duration = Duration::from_millis(100);

/// The progress of one CLI command. Cheap to share by reference; all methods take `&self`.
pub struct CliProgress {
    command: &'static str,
    bar: ProgressBar,
    /// Plain lines (stderr is not a terminal) rather than a bar.
    plain: bool,
    started: Instant,
    state: Mutex<State>,
}

struct State {
    phase: String,
    total: Option<u64>,
    position: u64,
    /// Tenths of `total` already reported by a plain line.
    tenths: u64,
    printed_at: Instant,
    out: Box<dyn Write + Send>,
}

impl CliProgress {
    /// Progress of `command` (`import`, `pull`) drawn on stderr: a bar when stderr is a
    /// terminal, plain lines otherwise.
    pub fn stderr(command: &'static str) -> CliProgress {
        let bar =
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_finish(ProgressFinish::AndClear);
        let plain = bar.is_hidden();
        CliProgress::new(command, bar, plain, Box::new(io::stderr()))
    }

    /// Plain lines written to `out` (for tests, and for anything that is not a terminal).
    pub fn plain_to(command: &'static str, out: Box<dyn Write + Send>) -> CliProgress {
        CliProgress::new(command, ProgressBar::hidden(), true, out)
    }

    fn new(command: &'static str, bar: ProgressBar, plain: bool, out: Box<dyn Write + Send>) -> CliProgress {
        if let Ok(style) = ProgressStyle::with_template(SPINNER) {
            bar.set_style(style);
        }
        bar.set_prefix(format!("careermap {command}"));
        let now = Instant::now();
        CliProgress {
            command,
            bar,
            plain,
            started: now,
            state: Mutex::new(State {
                phase: String::new(),
                total: None,
                position: 0,
                tenths: 0,
                printed_at: now,
                out,
            }),
        }
    }

    /// Whether progress is written as plain lines (stderr is not a terminal).
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// Starts a phase (`reading`, `fetching`, `parsing`...) of `total` bytes, when known.
    pub fn phase(&self, name: &str, total: Option<u64>) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.phase = name.to_owned();
        s.total = total;
        s.position = 0;
        s.tenths = 0;
        s.printed_at = Instant::now();
        if self.plain {
            let size = total.map(|t| format!(" ({})", BinaryBytes(t))).unwrap_or_default();
            self.line(&mut s, &format!("{name}{size}"));
            return;
        }
        self.bar.set_message(name.to_owned());
        let template = match total {
            Some(_) => "{prefix}: {msg} [{wide_bar}] {binary_bytes}/{binary_total_bytes} ({eta})",
            None => SPINNER,
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        match total {
            Some(t) => self.bar.set_length(t),
            None => self.bar.unset_length(),
        }
        self.bar.set_position(0);
        if total.is_none() {
            self.bar.enable_steady_tick(Duration::from_millis(120));
        } else {
            self.bar.disable_steady_tick();
        }
    }

    /// `n` more bytes of the current phase done.
    pub fn advance(&self, n: u64) {
        let position = self.state.lock().map(|s| s.position).unwrap_or(0) + n;
        self.set_position(position);
    }

    /// The current phase has done `position` bytes.
    pub fn set_position(&self, position: u64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.position = position;
        if !self.plain {
            self.bar.set_position(position);
            if s.total.is_none() && position > 0 {
                self.bar.set_message(format!("{} {}", s.phase, BinaryBytes(position)));
            }
            return;
        }
        match s.total {
            Some(total) if total > 0 => {
                let tenths = (position.min(total) * 10 / total).min(10);
                if tenths > s.tenths {
                    s.tenths = tenths;
                    let msg = format!(
                        "{} {}% ({} of {})",
                        s.phase,
                        tenths * 10,
                        BinaryBytes(position),
                        BinaryBytes(total)
                    );
                    self.line(&mut s, &msg);
                }
            }
            _ => {
                if s.printed_at.elapsed() >= PLAIN_EVERY {
                    let msg = format!("{} {}", s.phase, BinaryBytes(position));
                    self.line(&mut s, &msg);
                }
            }
        }
    }

    /// A line of its own (a count, a result), above the bar on a terminal.
    pub fn note(&self, msg: &str) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.plain {
            self.line(&mut s, msg);
        } else {
            self.bar.println(format!("careermap {}: {msg}", self.command));
        }
    }

    /// Ends the progress: clears the bar and writes the last line, with the time taken.
    pub fn finish(&self, summary: &str) {
        self.bar.finish_and_clear();
        let elapsed = self.started.elapsed().as_secs_f64();
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let msg = format!("{summary} in {elapsed:.1} s");
        if self.plain {
            self.line(&mut s, &msg);
        } else {
            // The bar is gone: a plain line on stderr.
            let _ = writeln!(io::stderr(), "careermap {}: {msg}", self.command);
        }
    }

    /// Records parsed, for a phase line: `1,234 records`.
    pub fn records(n: u64) -> String {
        format!("{} record{}", HumanCount(n), if n == 1 { "" } else { "s" })
    }

    /// Reads a whole file in a `reading` phase of its size.
    pub fn read_file(&self, path: &std::path::Path) -> io::Result<Vec<u8>> {
        let f = std::fs::File::open(path)?;
        let len = f.metadata().ok().map(|m| m.len());
        self.phase("reading", len);
        let mut bytes = Vec::with_capacity(len.unwrap_or(0) as usize);
        self.wrap_read(f).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// The last line of a pull: how it ended, the bytes fetched and records parsed.
    pub fn pull_summary(
        state: JobState,
        not_modified: bool,
        progress: Option<&Progress>,
        version: Option<u64>,
    ) -> String {
        let how = match state {
            JobState::Succeeded if not_modified => "not modified, nothing changed",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Queued | JobState::Running => "stopped",
        };
        let mut out = how.to_owned();
        if let Some(p) = progress.filter(|p| p.bytes_fetched > 0) {
            out.push_str(&format!(
                ": {} fetched, {} parsed",
                BinaryBytes(p.bytes_fetched),
                CliProgress::records(p.records_parsed)
            ));
        }
        if let Some(v) = version {
            out.push_str(&format!(", dataset version {v}"));
        }
        out
    }

    /// A reader that advances the current phase by the bytes it reads.
    pub fn wrap_read<R: Read>(&self, inner: R) -> ProgressRead<'_, R> {
        ProgressRead { inner, progress: self }
    }

    /// Runs `work` to its end while showing the pull job progress `poll` reads (every 100 ms):
    /// a new phase starts a new bar or line; bytes fetched move it; the records parsed are
    /// noted when parsing ends.
    pub async fn follow<T>(
        &self,
        work: impl std::future::Future<Output = T>,
        mut poll: impl FnMut() -> Option<Progress>,
    ) -> T {
        let mut work = std::pin::pin!(work);
        let mut tick = tokio::time::interval(POLL);
        let mut seen: Option<Progress> = None;
        loop {
            tokio::select! {
                out = &mut work => return out,
                _ = tick.tick() => {
                    if let Some(p) = poll() {
                        self.show(seen.as_ref(), &p);
                        seen = Some(p);
                    }
                }
            }
        }
    }

    /// Shows a pull job's progress `now`, after `before`.
    pub fn show(&self, before: Option<&Progress>, now: &Progress) {
        let same_phase = before.is_some_and(|b| b.phase == now.phase);
        if !same_phase && now.phase != "done" {
            if now.phase != "fetching" && now.bytes_fetched > 0 && before.is_none_or(|b| b.phase == "fetching") {
                self.note(&format!("fetched {}", BinaryBytes(now.bytes_fetched)));
            }
            if now.phase == "committing" {
                self.note(&format!("parsed {}", CliProgress::records(now.records_parsed)));
            }
            let total = if now.phase == "fetching" { now.bytes_total } else { None };
            self.phase(&now.phase, total);
        }
        if now.phase == "fetching" {
            if !same_phase || before.is_some_and(|b| b.bytes_total != now.bytes_total) {
                self.retotal(now.bytes_total);
            }
            self.set_position(now.bytes_fetched);
        }
    }

    /// The size of the current phase became known (or changed).
    fn retotal(&self, total: Option<u64>) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.total == total {
            return;
        }
        s.total = total;
        drop(s);
        if !self.plain
            && let Some(t) = total
        {
            self.bar.disable_steady_tick();
            if let Ok(style) =
                ProgressStyle::with_template("{prefix}: {msg} [{wide_bar}] {binary_bytes}/{binary_total_bytes} ({eta})")
            {
                self.bar.set_style(style.progress_chars("=> "));
            }
            self.bar.set_length(t);
        }
    }

    fn line(&self, s: &mut State, msg: &str) {
        s.printed_at = Instant::now();
        let _ = writeln!(s.out, "careermap {}: {msg}", self.command);
        let _ = s.out.flush();
    }
}

/// A reader advancing a [`CliProgress`] by the bytes read (at most 1 MiB a read).
pub struct ProgressRead<'a, R> {
    inner: R,
    progress: &'a CliProgress,
}

impl<R: Read> Read for ProgressRead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let cap = buf.len().min(READ_CHUNK);
        let n = self.inner.read(&mut buf[..cap])?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer whose text the test can read afterwards.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Shared {
        fn lines(&self) -> Vec<String> {
            String::from_utf8(self.0.lock().unwrap().clone())
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect()
        }
    }

    #[test]
    fn a_wrapped_read_reports_each_tenth_once_and_keeps_the_bytes() {
        let out = Shared::default();
        let p = CliProgress::plain_to("import", Box::new(out.clone()));
        let data: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
        p.phase("reading", Some(data.len() as u64));
        let mut read = Vec::new();
        // Small reads (8 KiB): each tenth is crossed on its own, and reported once.
        let mut reader = p.wrap_read(&data[..]);
        let mut chunk = [0u8; 8192];
        loop {
            let n = reader.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            read.extend_from_slice(&chunk[..n]);
        }
        assert_eq!(read, data, "the wrapper changes no byte");
        let lines = out.lines();
        assert_eq!(lines[0], "careermap import: reading (4.77 MiB)");
        let pct: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split_whitespace().nth(3).unwrap())
            .collect();
        assert_eq!(
            pct,
            ["10%", "20%", "30%", "40%", "50%", "60%", "70%", "80%", "90%", "100%"],
            "{lines:?}"
        );
        assert!(lines.last().unwrap().ends_with("(4.77 MiB of 4.77 MiB)"), "{lines:?}");

        // One large read is cut to 1 MiB, so a bar moves while a big file is read; a read
        // that jumps several tenths reports only the last.
        let out = Shared::default();
        let p = CliProgress::plain_to("import", Box::new(out.clone()));
        p.phase("reading", Some(data.len() as u64));
        let mut buf = vec![0u8; data.len()];
        let n = p.wrap_read(&data[..]).read(&mut buf).unwrap();
        assert_eq!(n, READ_CHUNK);
        assert_eq!(out.lines()[1], "careermap import: reading 20% (1.00 MiB of 4.77 MiB)");
        assert_eq!(out.lines().len(), 2);
    }

    #[test]
    fn job_progress_prints_phases_and_counts() {
        let out = Shared::default();
        let p = CliProgress::plain_to("pull", Box::new(out.clone()));
        let at = |phase: &str, fetched: u64, total: Option<u64>, parsed: u64| Progress {
            phase: phase.into(),
            bytes_fetched: fetched,
            bytes_total: total,
            records_parsed: parsed,
        };
        let steps = [
            at("fetching", 0, None, 0),
            at("fetching", 100, Some(1000), 0),
            at("fetching", 550, Some(1000), 0),
            at("fetching", 550, Some(1000), 0),
            at("parsing", 1000, Some(1000), 0),
            at("committing", 1000, Some(1000), 42),
            at("done", 1000, Some(1000), 42),
        ];
        let mut before: Option<Progress> = None;
        for s in steps {
            p.show(before.as_ref(), &s);
            before = Some(s);
        }
        assert_eq!(
            out.lines(),
            [
                "careermap pull: fetching",
                "careermap pull: fetching 10% (100 B of 1000 B)",
                "careermap pull: fetching 50% (550 B of 1000 B)",
                "careermap pull: fetched 1000 B",
                "careermap pull: parsing",
                "careermap pull: parsed 42 records",
                "careermap pull: committing",
            ]
        );
    }
}

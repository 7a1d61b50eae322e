//! The wire client every connector shares: timeouts, retries with exponential backoff and
//! jitter, conditional GET, a size cap and a redirect limit.
//!
//! Retried: timeouts, connection errors, bodies cut off before their end, and 5xx answers.
//! Not retried: 4xx answers (the request is wrong; repeating it will not help), a body over
//! the size cap, too many redirects. The delay before retry `n` (1-based) is
//! `backoff * 2^(n-1)`, stretched by a random factor in `[1, 2)` so that many clients do not
//! retry in step.

use super::guard::{AllowList, GuardedResolver, check_url, redact};
use super::{Fetched, PullError};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use std::time::Duration;

pub use crate::domain::Validators;

/// How the wire client behaves (filled from `CAREERMAP_PULL_*` by the settings).
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub connect_timeout: Duration,
    /// Total time of one request, body included.
    pub timeout: Duration,
    /// Retries after a first failed attempt.
    pub retries: u32,
    /// First retry delay; doubles with each retry.
    pub backoff: Duration,
    /// Largest body accepted.
    pub max_bytes: usize,
    /// Redirects followed at most.
    pub max_redirects: usize,
    /// Non-public hosts and networks pulls may reach (`CAREERMAP_PULL_ALLOW`).
    pub allow: AllowList,
    /// The proxy every pull goes through (`CAREERMAP_PULL_PROXY`); none: pulls connect
    /// directly, whatever `HTTP_PROXY`/`HTTPS_PROXY` say.
    pub proxy: Option<ProxyUrl>,
}

/// A proxy URL (it may carry credentials): shown and logged redacted.
#[derive(Clone, PartialEq)]
pub struct ProxyUrl(reqwest::Url);

impl ProxyUrl {
    /// Parses `CAREERMAP_PULL_PROXY`: an `http://` or `https://` URL with a host.
    pub fn parse(s: &str) -> Result<ProxyUrl, String> {
        let u = reqwest::Url::parse(s.trim())
            .map_err(|e| format!("CAREERMAP_PULL_PROXY `{}` is not a URL: {e}", redact(s)))?;
        if !matches!(u.scheme(), "http" | "https") || !u.has_host() {
            return Err(format!(
                "CAREERMAP_PULL_PROXY `{}` is not an http(s) URL with a host, such as http://proxy.internal:3128",
                redact(s)
            ));
        }
        Ok(ProxyUrl(u))
    }

    /// The proxy's host, which pulls may reach although it is not public.
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or("")
    }
}

impl std::fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProxyUrl({})", redact(self.0.as_str()))
    }
}

/// The outcome of a GET.
#[derive(Debug)]
pub enum Outcome {
    /// 304: the source has not changed since the validators were taken.
    NotModified,
    Fetched(Fetched),
}

/// One HTTP client for all pulls.
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    /// Bytes of the body received so far by the current request (for job progress).
    received: std::sync::atomic::AtomicU64,
    /// The current body's declared size, or 0.
    declared: std::sync::atomic::AtomicU64,
}

/// The redirect limit was reached.
#[derive(Debug)]
struct TooManyRedirects;

impl std::fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("too many redirects")
    }
}

impl std::error::Error for TooManyRedirects {}

/// The first error of type `T` in `e`'s chain of sources.
fn find<'a, T: std::error::Error + 'static>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a T> {
    let mut cur: Option<&'a (dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

/// One failed attempt, and whether another is worth making.
struct Failure {
    message: String,
    retry: bool,
}

/// Through a proxy: the target host name resolved here and every address it resolves to
/// checked as the guarded resolver would (the proxy connects to it, not us). IP literals are
/// [`check_url`]'s.
async fn check_names(url: &reqwest::Url, allow: &AllowList) -> Result<(), String> {
    let Some(url::Host::Domain(host)) = url.host() else {
        return Ok(());
    };
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|e| format!("cannot resolve `{host}`: {e}"))?
        .collect();
    names_ok(host, &addrs, allow)
}

/// [`check_names`] for the (synchronous) redirect policy.
fn check_names_blocking(url: &reqwest::Url, allow: &AllowList) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let Some(url::Host::Domain(host)) = url.host() else {
        return Ok(());
    };
    let addrs: Vec<std::net::SocketAddr> = (host, 0)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve `{host}`: {e}"))?
        .collect();
    names_ok(host, &addrs, allow)
}

/// Every address `host` resolved to may be reached (one inward address refuses the name:
/// the proxy may pick it).
fn names_ok(host: &str, addrs: &[std::net::SocketAddr], allow: &AllowList) -> Result<(), String> {
    if addrs.is_empty() || addrs.iter().any(|a| !allow.permits(Some(host), a.ip())) {
        Err(super::guard::refused(host))
    } else {
        Ok(())
    }
}

impl Fetcher {
    pub fn new(settings: &FetchSettings) -> Result<Fetcher, PullError> {
        // The resolver resolves the proxy's name (it resolves no target through a proxy):
        // the proxy the admin named may be private.
        let mut resolvable = settings.allow.clone();
        if let Some(p) = &settings.proxy {
            resolvable = resolvable.with_host(p.host());
        }
        let allow = std::sync::Arc::new(resolvable);
        let max = settings.max_redirects;
        let hops = std::sync::Arc::new(settings.allow.clone());
        let proxied = settings.proxy.is_some();
        // Every redirect hop passes the same guard as the first URL, and never downgrades
        // https to http; host names are checked again when the resolver resolves them.
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max {
                return attempt.error(TooManyRedirects);
            }
            let downgrade =
                attempt.url().scheme() == "http" && attempt.previous().iter().any(|u| u.scheme() == "https");
            if downgrade {
                return attempt.error(super::guard::Refused(
                    "a redirect from https to http was refused".into(),
                ));
            }
            // Through a proxy the target's name is resolved by the proxy, not by the guarded
            // resolver: resolve and check it here (a blocking lookup, once per redirect).
            let checked = check_url(attempt.url(), &hops).and_then(|()| {
                if proxied {
                    check_names_blocking(attempt.url(), &hops)
                } else {
                    Ok(())
                }
            });
            match checked {
                Ok(()) => attempt.follow(),
                Err(m) => attempt.error(super::guard::Refused(format!("a redirect was refused: {m}"))),
            }
        });
        let builder = match &settings.proxy {
            Some(p) => reqwest::Client::builder().proxy(
                reqwest::Proxy::all(p.0.clone()).map_err(|e| PullError::new(format!("CAREERMAP_PULL_PROXY: {e}")))?,
            ),
            // Never a proxy from the environment (`HTTP_PROXY`...): it would carry pulls past
            // the host checks.
            None => reqwest::Client::builder().no_proxy(),
        };
        let client = builder
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(policy)
            .dns_resolver(std::sync::Arc::new(GuardedResolver { allow }))
            .user_agent(concat!("careermap/", env!("CARGO_PKG_VERSION")))
            // Pulls are minutes apart: a connection kept idle between them is one the server
            // may close while it is reused, and the client then re-sends the request on its
            // own, uncounted in `attempts`. A new connection per request costs nothing here.
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|e| PullError::new(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            settings: settings.clone(),
            received: Default::default(),
            declared: Default::default(),
        })
    }

    /// Bytes received so far by the current request, and its declared size (for progress).
    pub fn progress(&self) -> (u64, Option<u64>) {
        use std::sync::atomic::Ordering::Relaxed;
        let total = self.declared.load(Relaxed);
        (self.received.load(Relaxed), (total > 0).then_some(total))
    }

    /// GETs `url`, conditionally when `validators` are given. `attempts` counts every request
    /// made.
    pub async fn get(
        &self,
        url: &str,
        validators: Option<&Validators>,
        accept: &str,
        attempts: &mut u32,
    ) -> Result<Outcome, PullError> {
        let make = || {
            let mut req = self.client.get(url).header(ACCEPT, accept);
            if let Some(v) = validators {
                if let Some(etag) = &v.etag {
                    req = req.header(IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &v.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, lm);
                }
            }
            req
        };
        self.with_retries(url, make, attempts).await
    }

    /// POSTs a JSON body (the BLS API) and returns the answer.
    pub async fn post_json(
        &self,
        url: &str,
        body: &serde_json::Value,
        attempts: &mut u32,
    ) -> Result<Fetched, PullError> {
        let bytes = serde_json::to_vec(body).expect("JSON serialises");
        let make = || {
            self.client
                .post(url)
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "application/json")
                .body(bytes.clone())
        };
        match self.with_retries(url, make, attempts).await? {
            Outcome::Fetched(f) => Ok(f),
            Outcome::NotModified => Err(PullError::new(format!(
                "{} answered 304 Not Modified to a POST",
                redact(url)
            ))),
        }
    }

    async fn with_retries(
        &self,
        url: &str,
        make: impl Fn() -> reqwest::RequestBuilder,
        attempts: &mut u32,
    ) -> Result<Outcome, PullError> {
        let parsed =
            reqwest::Url::parse(url).map_err(|e| PullError::new(format!("`{}` is not a URL: {e}", redact(url))))?;
        check_url(&parsed, &self.settings.allow).map_err(PullError::new)?;
        if self.settings.proxy.is_some() {
            check_names(&parsed, &self.settings.allow)
                .await
                .map_err(PullError::new)?;
        }
        let shown = redact(url);
        let mut failures: Vec<String> = Vec::new();
        for attempt in 0..=self.settings.retries {
            if attempt > 0 {
                let factor = 1.0 + fastrand::f64();
                let base = self.settings.backoff.as_secs_f64() * f64::from(1u32 << (attempt - 1).min(16));
                tokio::time::sleep(Duration::from_secs_f64(base * factor)).await;
            }
            *attempts += 1;
            match self.once(make()).await {
                Ok(outcome) => return Ok(outcome),
                Err(f) => {
                    tracing::warn!(url = %shown, attempt = attempt + 1, error = %f.message, retry = f.retry, "pull request failed");
                    if !f.retry {
                        return Err(PullError::new(f.message));
                    }
                    failures.push(f.message);
                }
            }
        }
        let n = failures.len();
        let last = failures.pop().unwrap_or_default();
        let message = if failures.iter().all(|f| *f == last) {
            format!("{last} {} (1 attempt and {} retries)", times(n), n - 1)
        } else {
            format!("gave up after {n} attempts; the last one: {last}")
        };
        Err(PullError::new(message))
    }

    async fn once(&self, req: reqwest::RequestBuilder) -> Result<Outcome, Failure> {
        let mut resp = req.send().await.map_err(|e| self.describe(e))?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Outcome::NotModified);
        }
        if status.is_server_error() {
            return Err(Failure {
                message: format!("the server answered {}", status_text(status)),
                retry: true,
            });
        }
        if !status.is_success() {
            return Err(Failure {
                message: format!("the server answered {}; not retried", status_text(status)),
                retry: false,
            });
        }
        let cap = self.settings.max_bytes;
        let declared = resp.content_length();
        if let Some(n) = declared
            && n > cap as u64
        {
            return Err(Failure {
                message: format!("the body is {n} bytes, over the limit of {cap} (CAREERMAP_PULL_MAX_BYTES)"),
                retry: false,
            });
        }
        self.received.store(0, std::sync::atomic::Ordering::Relaxed);
        self.declared
            .store(declared.unwrap_or(0), std::sync::atomic::Ordering::Relaxed);
        let headers = resp.headers().clone();
        let final_url = redact(resp.url().as_str());
        let mut bytes = Vec::with_capacity(declared.unwrap_or(64 * 1024).min(cap as u64) as usize);
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > cap {
                        return Err(Failure {
                            message: format!("the body is over the limit of {cap} bytes (CAREERMAP_PULL_MAX_BYTES)"),
                            retry: false,
                        });
                    }
                    bytes.extend_from_slice(&chunk);
                    self.received
                        .store(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Err(self.describe(e)),
                Err(_) => {
                    let of = declared.map(|n| format!(" of {n}")).unwrap_or_default();
                    return Err(Failure {
                        message: format!(
                            "the connection closed before the body was complete (got {} bytes{of})",
                            bytes.len()
                        ),
                        retry: true,
                    });
                }
            }
        }
        if let Some(n) = declared
            && n != bytes.len() as u64
        {
            return Err(Failure {
                message: format!("the body was cut off (got {} of {n} bytes)", bytes.len()),
                retry: true,
            });
        }
        Ok(Outcome::Fetched(Fetched {
            bytes,
            content_type: header(&headers, CONTENT_TYPE),
            final_url,
            etag: header(&headers, ETAG),
            last_modified: header(&headers, LAST_MODIFIED),
        }))
    }

    fn describe(&self, e: reqwest::Error) -> Failure {
        if e.is_timeout() {
            Failure {
                message: format!(
                    "the request timed out (limit {}, CAREERMAP_PULL_TIMEOUT)",
                    humantime::format_duration(self.settings.timeout)
                ),
                retry: true,
            }
        } else if let Some(r) = find::<super::guard::Refused>(&e) {
            Failure {
                message: r.0.clone(),
                retry: false,
            }
        } else if e.is_redirect() {
            Failure {
                message: format!(
                    "the server redirected more than {} times (CAREERMAP_PULL_MAX_REDIRECTS)",
                    self.settings.max_redirects
                ),
                retry: false,
            }
        } else if e.is_connect() {
            // One message for refused, reset and unreachable alike: a pull must not tell
            // which ports of a host are open.
            Failure {
                message: "could not connect to the host".into(),
                retry: true,
            }
        } else if root_cause(&e).contains("closed before message completed") {
            Failure {
                message: "the connection closed before the response was complete".into(),
                retry: true,
            }
        } else if e.is_builder() {
            Failure {
                message: format!("the URL cannot be requested: {}", root_cause(&e)),
                retry: false,
            }
        } else {
            Failure {
                message: format!("the request failed: {}", root_cause(&e)),
                retry: true,
            }
        }
    }
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        3 => "three times".into(),
        4 => "four times".into(),
        n => format!("{n} times"),
    }
}

fn status_text(s: StatusCode) -> String {
    format!("{} {}", s.as_u16(), s.canonical_reason().unwrap_or(""))
        .trim_end()
        .to_owned()
}

fn header(h: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The innermost cause, which is the readable part of a reqwest error chain.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Checks that a body looks like what a parser expects, so that an HTML error page or a
/// login form served with 200 fails with a clear sentence instead of a parse error.
pub fn sniff(f: &Fetched, expected: Expected) -> Result<(), PullError> {
    let head = &f.bytes[..f.bytes.len().min(512)];
    let is_zip = head.starts_with(b"PK\x03\x04");
    let is_ole = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let text = String::from_utf8_lossy(head)
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_lowercase();
    let is_html = text.starts_with("<!doctype html") || text.starts_with("<html") || text.starts_with("<head");
    let ctype = f
        .content_type
        .as_deref()
        .unwrap_or("no content type")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    let got = if is_html {
        if ctype.contains("html") {
            ctype.clone()
        } else {
            format!("an HTML page ({ctype})")
        }
    } else {
        ctype.clone()
    };
    let ok = match expected {
        Expected::Zip => is_zip,
        Expected::Workbook => is_zip || is_ole,
        Expected::WorkbookOrText => is_zip || is_ole || (!is_html && !head.is_empty()),
        Expected::Json => !is_html && (text.starts_with('{') || text.starts_with('[')),
    };
    if ok {
        Ok(())
    } else if f.bytes.is_empty() {
        Err(PullError::new(format!(
            "expected {} but the body is empty",
            expected.describe()
        )))
    } else {
        Err(PullError::new(format!(
            "expected {} but got {got}",
            expected.describe()
        )))
    }
}

/// What a parser expects to receive.
#[derive(Debug, Clone, Copy)]
pub enum Expected {
    Zip,
    Workbook,
    WorkbookOrText,
    Json,
}

impl Expected {
    fn describe(self) -> &'static str {
        match self {
            Expected::Zip => "a zip archive",
            Expected::Workbook => "an xlsx workbook",
            Expected::WorkbookOrText => "an xlsx workbook or a CSV file",
            Expected::Json => "a JSON document",
        }
    }
}

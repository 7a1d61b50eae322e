//! What every request passes through before and after its handler: the per-address cap on
//! open connections, per-client rate limits (governor; never on `/health`), the body idle
//! timeout and whole-body deadline, `HEAD` as `GET` without a body, security and cache headers,
//! ETag revalidation of reads of the current dataset, and 405 with `Allow` for a known path
//! under the wrong method.
//!
//! The limiters and the client address are [`super::security`]'s.

use super::AppState;
use super::error::ApiError;
use super::security::{Limiter, client_ip};
use crate::settings::HttpSettings;
use actix_web::body::BoxBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The limiters of one server.
pub struct Guards {
    /// Failed authentications per client; past the burst the client is locked out.
    auth_failures: Limiter,
    /// Clients locked out after too many failed authentications, until when.
    locked: Mutex<HashMap<IpAddr, Instant>>,
    /// Writes per client (imports, pulls, restores, saved plans).
    pub writes: Limiter,
    /// The optional general per-client limit (`CAREERMAP_RATE_LIMIT`).
    general: Option<Limiter>,
}

impl Guards {
    pub fn new(s: &HttpSettings) -> Guards {
        Guards {
            auth_failures: Limiter::per_minute(1, s.auth_fail_burst, "failed authentications"),
            locked: Mutex::new(HashMap::new()),
            writes: Limiter::per_minute(s.write_rate_limit, s.write_rate_limit, "writes"),
            general: s
                .rate_limit
                .map(|n| Limiter::per_second(n, n.saturating_mul(2), "requests")),
        }
    }

    /// 429 when `ip` is locked out for failed authentications.
    pub fn check_not_locked(&self, ip: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut locked = self.locked.lock().unwrap_or_else(|p| p.into_inner());
        match locked.get(&ip) {
            Some(&until) if until > now => Err(ApiError::TooManyRequests {
                retry_after: (until - now).as_secs() + 1,
                what: "failed authentications",
            }),
            Some(_) => {
                locked.remove(&ip);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Counts a failed authentication of `ip`; past the burst, locks it out and answers 429.
    pub fn auth_failed(&self, ip: IpAddr) -> ApiError {
        match self.auth_failures.check_ip(ip) {
            Ok(()) => ApiError::Unauthorized,
            Err(e) => {
                let secs = match &e {
                    ApiError::TooManyRequests { retry_after, .. } => *retry_after,
                    _ => 60,
                };
                let mut locked = self.locked.lock().unwrap_or_else(|p| p.into_inner());
                if locked.len() > 100_000 {
                    let now = Instant::now();
                    locked.retain(|_, until| *until > now);
                }
                locked.insert(ip, Instant::now() + Duration::from_secs(secs));
                e
            }
        }
    }
}

/// Paths whose GET answers are derived from the current dataset only: cacheable, with the
/// dataset version as ETag.
const DATASET_READS: &[&str] = &[
    "/v1/competencies",
    "/v1/courses",
    "/v1/credentials",
    "/v1/occupations",
    "/v1/articulations",
    "/v1/duplicates",
    "/v1/gaps",
    "/v1/reports/",
];

fn is_dataset_read(path: &str) -> bool {
    DATASET_READS
        .iter()
        .any(|p| path.starts_with(p) && (p.ends_with('/') || path.len() == p.len() || path[p.len()..].starts_with('/')))
}

/// The web app's form targets (`POST /plans`, `POST /plans/{id}/delete`): the only paths
/// outside `/v1/` that take a POST.
fn is_page_form(path: &str) -> bool {
    path == "/plans" || (path.starts_with("/plans/") && path.ends_with("/delete"))
}

/// The methods each documented path answers, from the OpenAPI document (one source of truth).
pub struct Routes {
    templates: Vec<(Vec<String>, String)>,
}

impl Routes {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Routes {
        let mut templates = Vec::new();
        for (path, item) in &doc.paths.paths {
            let mut methods: Vec<&str> = Vec::new();
            let ops = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ];
            for (m, present) in ops {
                if present {
                    methods.push(m);
                }
            }
            methods.push("OPTIONS");
            let segs = path.trim_matches('/').split('/').map(str::to_owned).collect();
            templates.push((segs, methods.join(", ")));
        }
        Routes { templates }
    }

    /// The `Allow` value of the documented path `path` matches, if any.
    fn allow(&self, path: &str) -> Option<&str> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(usize, &str)> = None;
        for (t, allow) in &self.templates {
            if t.len() != segs.len() {
                continue;
            }
            let mut literal = 0;
            let ok = t.iter().zip(&segs).all(|(a, b)| {
                if a.starts_with('{') {
                    !b.is_empty()
                } else if a == b {
                    literal += 1;
                    true
                } else {
                    false
                }
            });
            if ok && best.is_none_or(|(l, _)| literal > l) {
                best = Some((literal, allow));
            }
        }
        best.map(|(_, a)| a)
    }
}

/// The middleware body (used with `wrap_fn`): general rate limit, body idle timeout, 405,
/// OPTIONS, ETag/304 and the response headers.
pub fn guard<S>(
    mut req: ServiceRequest,
    srv: &S,
) -> futures_util::future::LocalBoxFuture<'static, Result<ServiceResponse<BoxBody>, actix_web::Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<BoxBody>, Error = actix_web::Error>,
    S::Future: 'static,
{
    let answer = |req: ServiceRequest, resp: HttpResponse, path: &str| {
        let res = finish(req.into_response(resp), path, None);
        Box::pin(async move { Ok(res) }) as futures_util::future::LocalBoxFuture<'static, _>
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let routes = req.app_data::<web::Data<Routes>>().cloned();
    let path = req.path().to_owned();
    let head = req.method() == Method::HEAD;
    let method = if head { Method::GET } else { req.method().clone() };
    if let Some(slot) = req.conn_data::<ConnectionSlot>()
        && slot.over
    {
        // One address holds more connections than CAREERMAP_MAX_CONNECTIONS_PER_IP: this one
        // is answered at once and closed, so it frees its place for other clients.
        let mut resp = ApiError::TooManyRequests {
            retry_after: 1,
            what: "open connections",
        }
        .error_response();
        resp.headers_mut()
            .insert(header::CONNECTION, header::HeaderValue::from_static("close"));
        return answer(req, resp, &path);
    }
    // HEAD is GET without the body: routed as GET (actix sends the head of the answer only).
    if head {
        req.head_mut().method = Method::GET;
    }
    if let Some(state) = &state {
        // A load balancer's health checks never count against the general limit.
        let health = path == "/health" || path == "/health/ready";
        if !health
            && let Some(general) = &state.guards.general
            && let Err(e) = general.check_ip(client_ip(req.request()))
        {
            return answer(req, e.error_response(), &path);
        }
        // A body that stops arriving, or takes longer than its deadline however steadily it
        // arrives, ends the request with 408 instead of holding the connection: the payload
        // stream fails after `body_idle_timeout` of silence or at the whole-body deadline.
        let http = &state.settings.http;
        let idle = http.body_idle_timeout;
        let whole = if path == "/v1/imports" {
            http.import_body_timeout
        } else {
            http.body_timeout
        };
        let deadline = tokio::time::Instant::now() + whole;
        let payload = req.take_payload();
        let timed = futures_util::stream::unfold(Some(payload), move |payload| async move {
            let mut payload = payload?;
            let until = deadline.min(tokio::time::Instant::now() + idle);
            match tokio::time::timeout_at(until, payload.next()).await {
                Ok(Some(item)) => Some((item, Some(payload))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(actix_web::error::PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        BODY_IDLE,
                    ))),
                    None,
                )),
            }
        });
        let boxed: std::pin::Pin<
            Box<dyn futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>>>,
        > = Box::pin(timed);
        req.set_payload(actix_web::dev::Payload::from(boxed));
    }
    if let Some(routes) = &routes
        && path.starts_with("/v1/")
        && let Some(allow) = routes.allow(&path)
    {
        if method == Method::OPTIONS {
            let resp = HttpResponse::NoContent()
                .insert_header((header::ALLOW, allow.to_owned()))
                .finish();
            return answer(req, resp, &path);
        }
        if !allow.split(", ").any(|m| m == method.as_str()) {
            let e = ApiError::MethodNotAllowed {
                method: method.to_string(),
                allow: allow.to_owned(),
            };
            return answer(req, e.error_response(), &path);
        }
    } else if !path.starts_with("/v1/") && !is_page_form(&path) && !matches!(method, Method::GET | Method::OPTIONS) {
        // Health, docs, the spec: only GET.
        let e = ApiError::MethodNotAllowed {
            method: method.to_string(),
            allow: "GET".into(),
        };
        return answer(req, e.error_response(), &path);
    }
    // A start that is still loading the dataset answers the API with 503 `loading`
    // (Retry-After) instead of an empty catalog; health and the docs answer, and the pages
    // say so in their own words (`web`). The path is the one routing sees (percent-decoded:
    // `/%761/courses` is `/v1/courses`).
    if let Some(state) = &state
        && !state.catalog.is_ready()
        && req.match_info().as_str().starts_with("/v1/")
    {
        return answer(req, ApiError::Loading.error_response(), &path);
    }
    // Reads of the current dataset: the dataset version is the ETag.
    let etag = match &state {
        Some(state) if method == Method::GET && is_dataset_read(&path) => {
            let tag = format!("\"v{}\"", state.catalog.snapshot().info.version);
            let matches = req
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
            if matches {
                let resp = HttpResponse::NotModified()
                    .insert_header((header::ETAG, tag.clone()))
                    .finish();
                let res = finish(req.into_response(resp), &path, Some(tag));
                return Box::pin(async move { Ok(res) });
            }
            Some(tag)
        }
        _ => None,
    };
    let fut = srv.call(req);
    Box::pin(async move {
        let res = fut.await?;
        Ok(finish(res, &path, etag))
    })
}

/// The message of the body-timeout error, recognised by the body readers to answer 408.
pub const BODY_IDLE: &str =
    "the request body sent nothing within CAREERMAP_BODY_IDLE_TIMEOUT or was not whole within CAREERMAP_BODY_TIMEOUT";

/// The open connections of each client address (the peer of the TCP connection; trusted
/// proxies are not counted), for `CAREERMAP_MAX_CONNECTIONS_PER_IP`.
pub struct Connections {
    open: Mutex<HashMap<IpAddr, usize>>,
    cap: usize,
    trusted: Vec<ipnet::IpNet>,
}

/// One open connection, counted until it closes (it lives in the connection's data, dropped
/// with the connection). `over`: its address held the cap already when it opened.
pub struct ConnectionSlot {
    ip: Option<IpAddr>,
    over: bool,
    owner: std::sync::Arc<Connections>,
}

impl Connections {
    pub fn new(s: &HttpSettings) -> std::sync::Arc<Connections> {
        std::sync::Arc::new(Connections {
            open: Mutex::new(HashMap::new()),
            cap: s.max_connections_per_ip,
            trusted: s.trusted_proxies.clone(),
        })
    }

    /// Counts a connection from `ip` opening.
    pub fn open(self: &std::sync::Arc<Self>, ip: IpAddr) -> ConnectionSlot {
        if self.trusted.iter().any(|n| n.contains(&ip)) {
            return ConnectionSlot {
                ip: None,
                over: false,
                owner: self.clone(),
            };
        }
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        *n += 1;
        ConnectionSlot {
            ip: Some(ip),
            over: *n > self.cap,
            owner: self.clone(),
        }
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let Some(ip) = self.ip else {
            return;
        };
        let mut open = self.owner.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&ip);
            }
        }
    }
}

/// True when a payload error is the body idle timeout or the whole-body deadline.
pub fn is_idle_timeout(e: &actix_web::error::PayloadError) -> bool {
    matches!(e, actix_web::error::PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

/// Security headers on every answer; `Cache-Control` on API answers (revalidate with the
/// ETag for dataset reads, never store otherwise).
fn finish(mut res: ServiceResponse<BoxBody>, path: &str, etag: Option<String>) -> ServiceResponse<BoxBody> {
    let ok = res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let csp = if path.starts_with("/docs") {
            DOCS_CSP
        } else {
            "frame-ancestors 'none'"
        };
        h.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(csp));
    }
    let cache = match (&etag, ok) {
        (Some(tag), true) => {
            if let Ok(v) = header::HeaderValue::from_str(tag) {
                h.insert(header::ETAG, v);
            }
            "no-cache"
        }
        // The assets say themselves how long they keep (hashed names: a year, immutable).
        _ if path.starts_with("/assets/") && ok && h.contains_key(header::CACHE_CONTROL) => return res,
        _ if path.starts_with("/docs") && ok => "public, max-age=3600",
        _ => "no-store",
    };
    h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static(cache));
    res
}

/// The Content-Security-Policy of Swagger UI (`/docs/`): its own scripts, styles and the spec
/// from this origin; inline styles (the UI sets `style` attributes) and `data:` images (its
/// icons) and nothing else: no inline or evaluated script, no other origin, no framing.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; font-src 'self' data:; form-action 'self'; base-uri 'none'; \
frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, test};

    /// While the dataset loads, the API answers 503 `loading` however its path is spelled
    /// (routing decodes `%76` to `v`); health does not wait.
    #[actix_web::test]
    async fn the_api_waits_for_the_load_under_any_spelling_of_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let app = test::init_service(
            App::new()
                .app_data(AppState::unloaded(dir.path()))
                .wrap_fn(guard)
                .route("/v1/courses", web::get().to(HttpResponse::Ok))
                .route("/health", web::get().to(HttpResponse::Ok)),
        )
        .await;
        for uri in ["/v1/courses", "/%761/courses", "/%76%31/courses"] {
            let resp = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
            assert_eq!(resp.status(), 503, "{uri}");
        }
        let resp = test::call_service(&app, test::TestRequest::get().uri("/health").to_request()).await;
        assert_eq!(resp.status(), 200);
    }
}

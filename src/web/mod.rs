//! The web app for counselors and planners: server-rendered pages on top of the use cases of
//! [`crate::app`] (never HTTP to itself), served by the same binary.
//!
//! Layer: `web` sits beside `api` and calls the use cases its handlers call
//! ([`crate::app::gaps::gaps`], [`crate::app::duplicates::duplicates`],
//! [`crate::app::maps::career_map`]...), renders their typed results (through the API's wire
//! types) with minijinja templates (HTML auto-escaping on: every value from the catalog or
//! the query is escaped; strict undefined: a variable a page does not give fails the render) and
//! speaks English or Spanish through Fluent catalogs ([`i18n`]). Pages keep their state in the
//! query string, so every page is a bookmarkable URL; they work with JavaScript off (forms are
//! GET, sorting has server-side links); `assets/app.js` only adds click-to-sort and copy-link.
//! Templates, catalogs, CSS and JS are embedded in the binary.
//!
//! Security headers on every page: a strict Content-Security-Policy (no inline script or
//! style: everything comes from `/assets/`), `X-Content-Type-Options: nosniff`,
//! `Referrer-Policy: no-referrer` (plan URLs carry unguessable ids that must not leak) and
//! `X-Frame-Options: DENY`.

mod charts;

mod pages;

use crate::api::error::ApiError;
use crate::i18n::{self, Lang};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
use std::sync::OnceLock;

/// The Content-Security-Policy of every page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");

/// Registers the pages and their assets.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page("/", web::get().to(pages::home)))
        .service(page("/occupations/{soc}", web::get().to(pages::occupation)))
        .service(page("/credentials/{id}", web::get().to(pages::credential)))
        .service(page("/courses/{id}", web::get().to(pages::course)))
        .service(page("/map", web::get().to(pages::map)))
        .service(page("/plans", web::post().to(pages::save_plan)))
        .service(page("/plans/{id}", web::get().to(pages::plan)))
        .service(page("/plans/{id}/delete", web::post().to(pages::delete_plan)))
        .service(page("/planner/duplicates", web::get().to(pages::duplicates)))
        .service(page("/planner/gaps", web::get().to(pages::gaps)))
        .service(page("/planner/report", web::get().to(pages::report)))
        .route("/assets/{file}", web::get().to(asset));
}

/// One embedded asset: its plain name, its content-hashed name (`app.3f2a9c1b7d4e.js`, the
/// one pages link to) and its content.
struct Asset {
    plain: &'static str,
    hashed: String,
    ctype: &'static str,
    body: &'static str,
}

/// The embedded assets, their hashed names computed once (first 12 hex digits of SHA-256).
fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        [
            ("style.css", "text/css; charset=utf-8", STYLE),
            ("app.js", "text/javascript; charset=utf-8", SCRIPT),
        ]
        .into_iter()
        .map(|(plain, ctype, body)| {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(body.as_bytes());
            let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
            let (stem, ext) = plain.split_once('.').expect("an asset name has an extension");
            Asset {
                plain,
                hashed: format!("{stem}.{hash}.{ext}"),
                ctype,
                body,
            }
        })
        .collect()
    })
}

/// The path pages link an asset by (its content-hashed name).
fn asset_href(plain: &str) -> String {
    assets()
        .iter()
        .find(|a| a.plain == plain)
        .map(|a| format!("/assets/{}", a.hashed))
        .unwrap_or_else(|| format!("/assets/{plain}"))
}

/// An asset by its hashed name (cached for a year, immutable: a new content is a new name)
/// or its plain name (revalidated: its content changes with a release).
async fn asset(file: web::Path<String>) -> HttpResponse {
    let file = file.into_inner();
    let found = assets().iter().find_map(|a| {
        if a.hashed == file {
            Some((a, "public, max-age=31536000, immutable"))
        } else if a.plain == file {
            Some((a, "public, no-cache"))
        } else {
            None
        }
    });
    match found {
        Some((a, cache)) => HttpResponse::Ok()
            .content_type(a.ctype)
            .insert_header(("Cache-Control", cache))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(a.body),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body("no such asset"),
    }
}

/// A page at `path`: while a start is still loading the dataset it answers [`loading_page`].
fn page(path: &str, route: actix_web::Route) -> impl actix_web::dev::HttpServiceFactory + use<> {
    web::resource(path)
        .wrap(actix_web::middleware::from_fn(loading_page))
        .route(route)
}

/// While a start is still loading the dataset, a page answers 503 with a page in the reader's
/// language that says so and reloads itself (the API answers its `loading` problem; the
/// assets are served, so that page is styled).
async fn loading_page(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<actix_web::body::BoxBody>,
) -> Result<actix_web::dev::ServiceResponse, actix_web::Error> {
    let loading = req
        .app_data::<web::Data<crate::api::AppState>>()
        .is_some_and(|s| !s.catalog.is_ready());
    if loading {
        let mut resp = PageCtx::from_request(req.request()).render(
            StatusCode::SERVICE_UNAVAILABLE,
            "loading.html",
            minijinja::context! {},
        );
        resp.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from_static("2"),
        );
        return Ok(req.into_response(resp));
    }
    next.call(req).await
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` templates escape every value unless marked safe (only our own SVG is).
        for (name, src) in [
            ("base.html", include_str!("templates/base.html")),
            ("macros.html", include_str!("templates/macros.html")),
            ("home.html", include_str!("templates/home.html")),
            ("occupation.html", include_str!("templates/occupation.html")),
            ("credential.html", include_str!("templates/credential.html")),
            ("course.html", include_str!("templates/course.html")),
            ("map.html", include_str!("templates/map.html")),
            ("plan.html", include_str!("templates/plan.html")),
            ("duplicates.html", include_str!("templates/duplicates.html")),
            ("gaps.html", include_str!("templates/gaps.html")),
            ("report.html", include_str!("templates/report.html")),
            ("error.html", include_str!("templates/error.html")),
            ("loading.html", include_str!("templates/loading.html")),
        ] {
            env.add_template(name, src)
                .unwrap_or_else(|e| panic!("template {name} does not parse: {e}"));
        }
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_global("style_href", Value::from_safe_string(asset_href("style.css")));
        env.add_global("script_href", Value::from_safe_string(asset_href("app.js")));
        env.add_function("t", t);
        env.add_filter("money", |v: Value| fmt_num(&v, true));
        env.add_filter("num", |v: Value| fmt_num(&v, false));
        env.add_filter("pct", |v: Value| {
            v.as_f64().map(|x| format!("{x:.1}%")).unwrap_or_else(|| "–".into())
        });
        env.add_filter("share", |v: Value| {
            v.as_f64()
                .map(|x| format!("{:.0}%", x * 100.0))
                .unwrap_or_else(|| "–".into())
        });
        env
    })
}

trait AsF64 {
    fn as_f64(&self) -> Option<f64>;
}

impl AsF64 for Value {
    fn as_f64(&self) -> Option<f64> {
        if self.is_undefined() || self.is_none() {
            return None;
        }
        f64::try_from(self.clone()).ok()
    }
}

/// `1234.5` -> `1,235` (`$1,235` as money, [`crate::render::format`]); missing -> `–`.
fn fmt_num(v: &Value, money: bool) -> String {
    match v.as_f64() {
        Some(x) if x.is_finite() && money => crate::render::dollars(x),
        Some(x) if x.is_finite() => crate::render::count(x),
        _ => "–".into(),
    }
}

/// `t("key", name=value, ...)`: the message in the page's language (`lang` in the context).
fn t(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|l| l.as_str().and_then(Lang::parse))
        .unwrap_or(Lang::En);
    let mut args: Vec<(String, fluent_bundle::FluentValue<'static>)> = Vec::new();
    for name in kwargs.args() {
        let v: Value = kwargs.get(name)?;
        let fv = if let Some(x) = v.as_f64().filter(|_| v.kind() == minijinja::value::ValueKind::Number) {
            fluent_bundle::FluentValue::from(x)
        } else {
            fluent_bundle::FluentValue::from(v.to_string())
        };
        args.push((name.to_owned(), fv));
    }
    let refs: Vec<(&str, fluent_bundle::FluentValue<'_>)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    Ok(i18n::tr(lang, key, &refs))
}

/// What every page knows: its language and the same URL in the other language.
pub struct PageCtx {
    pub lang: Lang,
    pub path: String,
    pub query: String,
}

impl PageCtx {
    pub fn from_request(req: &HttpRequest) -> PageCtx {
        let query_lang = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.get("lang").cloned());
        let accept = req
            .headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        PageCtx {
            lang: Lang::negotiate(query_lang.as_deref(), accept),
            path: req.path().to_owned(),
            query: req.query_string().to_owned(),
        }
    }

    /// This page's URL with `lang` set to `lang`.
    pub fn url_in(&self, lang: Lang) -> String {
        let rest: Vec<&str> = self
            .query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        let mut q = rest.join("&");
        if !q.is_empty() {
            q.push('&');
        }
        format!("{}?{q}lang={}", self.path, lang.code())
    }

    /// Renders `template` with `ctx` plus the page globals.
    pub fn render(&self, status: StatusCode, template: &str, ctx: Value) -> HttpResponse {
        match self.render_html(template, ctx) {
            Some(html) => page_response(status, html),
            None => internal_error_page(),
        }
    }

    /// A 200 page of `template`, kept in the server's [`PageCache`] (when it has one) under
    /// the dataset version it was made from, this page's path, query and language.
    pub fn render_cached(&self, req: &HttpRequest, version: u64, template: &str, ctx: Value) -> HttpResponse {
        let Some(html) = self.render_html(template, ctx) else {
            return internal_error_page();
        };
        let html = web::Bytes::from(html);
        if let Some(cache) = req.app_data::<web::Data<PageCache>>() {
            cache.pages.insert(self.key(version), html.clone());
        }
        page_response(StatusCode::OK, html)
    }

    /// The cached page for the dataset version `version`, if one was made.
    pub fn cached(&self, req: &HttpRequest, version: u64) -> Option<HttpResponse> {
        let cache = req.app_data::<web::Data<PageCache>>()?;
        let html = cache.pages.get(&self.key(version))?;
        Some(page_response(StatusCode::OK, html))
    }

    fn key(&self, version: u64) -> PageKey {
        PageKey {
            version,
            lang: self.lang.code(),
            path: self.path.clone(),
            query: self.query.clone(),
        }
    }

    /// `template` rendered with `ctx` and the page globals, or `None` (logged) when it fails.
    fn render_html(&self, template: &str, ctx: Value) -> Option<String> {
        let other = if self.lang == Lang::En { Lang::Es } else { Lang::En };
        let globals = minijinja::context! {
            lang => self.lang.code(),
            other_lang => other.code(),
            other_lang_url => self.url_in(other),
            path => self.path.clone(),
            lang_param => if self.lang == Lang::En { "" } else { "lang=es" },
        };
        let full = minijinja::context! { ..ctx, ..globals };
        match env().get_template(template).and_then(|t| t.render(full)) {
            Ok(html) => Some(html),
            Err(e) => {
                tracing::error!(template, error = format!("{e:#}"), "page rendering failed");
                None
            }
        }
    }

    /// An error page saying what is wrong, with the API problem's status.
    pub fn error(&self, e: &ApiError) -> HttpResponse {
        let p = e.problem();
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            // Logged once by the problem conversion; pages never show internals.
            let _ = actix_web::ResponseError::error_response(e);
        }
        self.render(
            status,
            "error.html",
            minijinja::context! { status => p.status, title => p.title, detail => p.detail },
        )
    }
}

/// The rendered pages most asked for (the home page, occupation pages), per dataset version,
/// path, query (region, search) and language: a page is made once per version and then served
/// as it is. Bounded in bytes (least likely to be asked again dropped first); entries of an
/// older version are never asked for again and age out.
pub struct PageCache {
    pages: moka::sync::Cache<PageKey, web::Bytes>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    version: u64,
    lang: &'static str,
    path: String,
    query: String,
}

impl PageCache {
    /// A cache of at most `bytes` of pages.
    pub fn new(bytes: u64) -> PageCache {
        PageCache {
            pages: moka::sync::Cache::builder()
                .max_capacity(bytes)
                .weigher(|k: &PageKey, v: &web::Bytes| {
                    u32::try_from(k.path.len() + k.query.len() + v.len()).unwrap_or(u32::MAX)
                })
                .build(),
        }
    }
}

/// The page of a template that failed to render (the failure is logged).
fn internal_error_page() -> HttpResponse {
    page_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "<!doctype html><title>Error</title><p>Internal error; it has been logged.</p>",
    )
}

fn page_response(status: StatusCode, html: impl Into<web::Bytes>) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Cache-Control", "no-store"))
        .body(html.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, test};

    /// While the dataset loads, a page answers 503 in the reader's language and reloads
    /// itself; the assets it uses are served.
    #[actix_web::test]
    async fn a_page_asked_for_while_loading_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::api::AppState::unloaded(dir.path());
        let app = test::init_service(App::new().app_data(state).configure(configure)).await;
        for (uri, method, title) in [
            ("/occupations/29-1141?lang=es", "GET", "El catálogo se está cargando"),
            ("/", "GET", "The catalog is loading"),
            ("/plans", "POST", "The catalog is loading"),
        ] {
            let req = test::TestRequest::default()
                .method(method.parse().unwrap())
                .uri(uri)
                .to_request();
            let resp = test::call_service(&app, req).await;
            assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE, "{uri}");
            assert_eq!(resp.headers().get("retry-after").unwrap(), "2");
            assert!(
                resp.headers()
                    .get("content-type")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            let html = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
            assert!(html.contains(&format!("<h1>{title}</h1>")), "{uri}: {html}");
            assert!(html.contains(r#"<meta http-equiv="refresh" content="2">"#), "{html}");
        }
        let css = test::call_service(&app, test::TestRequest::get().uri("/assets/style.css").to_request()).await;
        assert_eq!(css.status(), StatusCode::OK);
        let css = test::call_service(
            &app,
            test::TestRequest::get().uri(&asset_href("style.css")).to_request(),
        )
        .await;
        assert_eq!(css.status(), StatusCode::OK);
        assert_eq!(
            css.headers().get("cache-control").unwrap(),
            "public, max-age=31536000, immutable"
        );
    }
}

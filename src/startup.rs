//! Building the application: one [`Application::build`] for production and tests.

use crate::api::{self, AppState};
use crate::service::Catalog;
use crate::settings::Settings;
use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use std::net::TcpListener;
use std::sync::Arc;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

/// Memory the cached home and occupation pages may take.
const PAGE_CACHE_BYTES: u64 = 32 << 20;

/// A bound, not yet running, careermap server.
pub struct Application {
    port: u16,
    server: Server,
    catalog: Arc<Catalog>,
}

impl Application {
    /// Opens the store, loads its dataset (seeding it if empty and allowed), binds the listener
    /// and builds the server. `bind` may use port 0; [`Application::port`] tells the port chosen.
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        let app = Application::build_loading(settings)?;
        app.catalog.wait_ready();
        Ok(app)
    }

    /// [`Application::build`] that returns (and serves) while the dataset still loads on a
    /// background thread: `/health` answers at once (`ready: false`), `/health/ready` and the
    /// API answer 503 `loading` until the dataset is served. `careermap serve` uses this.
    pub fn build_loading(settings: Settings) -> anyhow::Result<Application> {
        let catalog = Catalog::open_in_background(&settings.data_dir, settings.seed)?;
        catalog.set_keep_versions(settings.http.keep_versions);
        catalog.set_min_free_disk(settings.min_free_disk);
        catalog.set_analysis_cache_bytes(settings.http.analysis_cache_bytes);
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {} (CAREERMAP_BIND): {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        let http = settings.http.clone();
        let settings_http = settings.http.clone();
        let connections = api::guard::Connections::new(&settings.http);
        let pages = web::Data::new(crate::web::PageCache::new(PAGE_CACHE_BYTES));
        let routes = web::Data::new(api::guard::Routes::from_openapi(&api::openapi()));
        let puller = Arc::new(crate::pulls::Puller::new(catalog.clone(), &settings.pull)?);
        puller.start_scheduler();
        let pulls = web::Data::from(puller);
        let plans = web::Data::new(api::plans::Plans::open(&catalog, &settings)?);
        let state = web::Data::new(AppState::new(catalog.clone(), settings));
        let server = HttpServer::new(move || {
            let (app, spec) = App::new()
                .into_utoipa_app()
                .openapi(api::openapi())
                .map(|app| {
                    app.wrap_fn(api::guard::guard)
                        .wrap(actix_web::middleware::Condition::new(
                            !http.cors_origins.is_empty(),
                            cors(&http.cors_origins),
                        ))
                        .wrap_fn(log_request)
                })
                .app_data(state.clone())
                .app_data(routes.clone())
                .app_data(pulls.clone())
                .app_data(plans.clone())
                .app_data(pages.clone())
                .configure(api::configure)
                .split_for_parts();
            app.configure(api::extractor_configs)
                .configure(crate::web::configure)
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", api::finish_doc(spec)))
                .route(
                    "/docs",
                    web::get().to(|| async {
                        HttpResponse::PermanentRedirect()
                            .insert_header(("Location", "/docs/"))
                            .finish()
                    }),
                )
                .default_service(web::to(api::not_found))
        })
        .on_connect(move |conn, data| {
            // Counted per peer address while the connection is open (see `guard::Connections`).
            if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>()
                && let Ok(peer) = tcp.peer_addr()
            {
                data.insert(connections.open(peer.ip()));
            }
        })
        .workers(workers)
        .client_request_timeout(settings_http.head_timeout)
        .client_disconnect_timeout(std::time::Duration::from_secs(2))
        .max_connections(settings_http.max_connections)
        .listen(listener)?
        .run();
        tracing::info!(port, "listening");
        Ok(Application { port, server, catalog })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.clone()
    }

    /// The server future, for callers that run and stop it themselves (tests).
    pub fn into_server(self) -> Server {
        self.server
    }

    /// Runs until the server is stopped (SIGINT/SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await?;
        self.catalog.flush().map_err(std::io::Error::other)
    }
}

/// CORS for the configured origins: preflight answered, the bearer header and the cache
/// validators allowed, `ETag` and `Retry-After` readable. Requests from other origins are
/// served without CORS headers (the browser then keeps the answer from the page).
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut c = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "OPTIONS"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::ACCEPT,
            actix_web::http::header::IF_NONE_MATCH,
        ])
        .expose_headers([actix_web::http::header::ETAG, actix_web::http::header::RETRY_AFTER])
        .block_on_origin_mismatch(false)
        .max_age(3600);
    for o in origins {
        c = if o == "*" {
            c.allow_any_origin()
        } else {
            c.allowed_origin(o)
        };
    }
    c
}

/// One structured log line per request: method, path, status, client address (as the limits
/// see it: behind a trusted proxy, the client it names), latency. Never the body or headers
/// (tokens).
fn log_request<S, B>(
    req: actix_web::dev::ServiceRequest,
    srv: &S,
) -> impl std::future::Future<Output = Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: actix_web::dev::Service<
            actix_web::dev::ServiceRequest,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    // Saved plans' ids are all a reader needs: logged as a short hash.
    let path = crate::app::plans::loggable_path(req.path()).into_owned();
    let client = api::security::client_ip(req.request());
    let fut = srv.call(req);
    async move {
        let res = fut.await;
        let status = res.as_ref().map(|r| r.status().as_u16()).unwrap_or(500);
        tracing::info!(
            method,
            path,
            status,
            %client,
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "request"
        );
        res
    }
}

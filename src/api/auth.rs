//! The admin bearer-token check of write endpoints (the primitives are in [`super::security`]).

use super::error::ApiError;
use super::security;
use crate::settings::Settings;
use actix_web::HttpRequest;

/// Checks `Authorization: Bearer <token>` against the configured admin token.
///
/// No token configured: 403 (writes disabled). Missing or wrong token: 401; past
/// `CAREERMAP_AUTH_FAIL_BURST` failures from one client IP, 429 with `Retry-After` (also for
/// the right token, until the lock-out ends). An authenticated write counts against
/// `CAREERMAP_WRITE_RATE_LIMIT` (429 past it).
pub fn require_admin(settings: &Settings, req: &HttpRequest) -> Result<(), ApiError> {
    let Some(expected) = &settings.admin_token else {
        return Err(ApiError::WritesDisabled);
    };
    let guards = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .map(|s| s.guards.clone());
    let ip = security::client_ip(req);
    if let Some(g) = &guards {
        g.check_not_locked(ip)?;
    }
    let failed = || match &guards {
        Some(g) => g.auth_failed(ip),
        None => ApiError::Unauthorized,
    };
    let given = security::bearer(req).ok_or_else(failed)?;
    if security::same_secret(given, expected.expose()) {
        // A valid admin is still held to the per-client write limit.
        match &guards {
            Some(g) => g.writes.check_ip(ip),
            None => Ok(()),
        }
    } else {
        Err(failed())
    }
}

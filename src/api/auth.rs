//! The admin bearer-token check of write endpoints (the primitives are in [`super::security`]).

use super::error::ApiError;
use super::security;
use crate::settings::Settings;
use actix_web::HttpRequest;

/// Checks `Authorization: Bearer <token>` against the configured admin token.
///
/// No token configured: 403 (writes disabled). No `Authorization` header: 401. The right
/// token is always accepted, whatever others from the same address got wrong (it counts only
/// against `CAREERMAP_WRITE_RATE_LIMIT`, 429 past it). A wrong token: 401, and past
/// `CAREERMAP_AUTH_FAIL_BURST` failures from one client address 429 with `Retry-After` for
/// every wrong token until the lock-out ends.
pub fn require_admin(settings: &Settings, req: &HttpRequest) -> Result<(), ApiError> {
    check_admin(settings, req, true)
}

/// [`require_admin`] for the admin's reads (a pull job, the sources): the same token check and
/// lock-out, without counting against the write limit (a client polling its job is not
/// writing).
pub fn require_admin_to_read(settings: &Settings, req: &HttpRequest) -> Result<(), ApiError> {
    check_admin(settings, req, false)
}

fn check_admin(settings: &Settings, req: &HttpRequest, write: bool) -> Result<(), ApiError> {
    let Some(expected) = &settings.admin_token else {
        return Err(ApiError::WritesDisabled);
    };
    let guards = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .map(|s| s.guards.clone());
    let ip = security::client_ip(req);
    // No credentials is not a guess: it is told to authenticate, and counts for nothing.
    let given = security::bearer(req).ok_or(ApiError::Unauthorized)?;
    if security::same_secret(given, expected.expose()) {
        return match &guards {
            Some(g) if write => g.writes.check_ip(ip),
            _ => Ok(()),
        };
    }
    match &guards {
        Some(g) => {
            g.check_not_locked(ip)?;
            Err(g.auth_failed(ip))
        }
        None => Err(ApiError::Unauthorized),
    }
}

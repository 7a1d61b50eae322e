//! Bearer-token check for write endpoints, in constant time.

use super::error::ApiError;
use crate::settings::Settings;
use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use subtle::ConstantTimeEq;

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
    let ip = super::guard::ip_of(req);
    if let Some(g) = &guards {
        g.check_not_locked(ip)?;
    }
    let failed = || match &guards {
        Some(g) => g.auth_failed(ip),
        None => ApiError::Unauthorized,
    };
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or_else(failed)?;
    // Compare fixed-length digests so neither content nor length leaks through timing.
    let (a, b) = (digest(given.as_bytes()), digest(expected.expose().as_bytes()));
    if bool::from(a.ct_eq(&b)) {
        // A valid admin is still held to the per-client write limit.
        match &guards {
            Some(g) => g.writes.check_ip(ip),
            None => Ok(()),
        }
    } else {
        Err(failed())
    }
}

/// SHA-256, so the comparison below takes the same time whatever the lengths.
fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// The fingerprint of the bearer token of `req` (first 12 hex digits of its SHA-256), to
/// record who wrote a version without storing the token.
pub fn fingerprint(req: &HttpRequest) -> Option<String> {
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)?;
    Some(
        digest(given.as_bytes())[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

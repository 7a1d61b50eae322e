//! Bearer-token check for write endpoints, in constant time.

use super::error::ApiError;
use crate::settings::Settings;
use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use subtle::ConstantTimeEq;

/// Checks `Authorization: Bearer <token>` against the configured admin token.
///
/// No token configured: 403 (writes disabled). Missing or wrong token: 401.
pub fn require_admin(settings: &Settings, req: &HttpRequest) -> Result<(), ApiError> {
    let Some(expected) = &settings.admin_token else {
        return Err(ApiError::WritesDisabled);
    };
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized)?;
    // Compare fixed-length digests so neither content nor length leaks through timing.
    let (a, b) = (digest(given.as_bytes()), digest(expected.expose().as_bytes()));
    if bool::from(a.ct_eq(&b)) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}

/// SHA-256, so the comparison below takes the same time whatever the lengths.
fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

//! The one home of the API's security primitives: who the client is (its peer address), the
//! bearer token it sent, constant-time comparison of secrets, and per-client rate limits.
//!
//! Clients are told apart by the peer IP address of the connection (a proxy in front should
//! apply its own limits; `X-Forwarded-For` is not trusted). Secrets are compared as SHA-256
//! digests with `subtle`, so neither their content nor their length leaks through timing.

use super::error::ApiError;
use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use subtle::ConstantTimeEq;

/// The client address of a request (the peer; no proxy headers are trusted).
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    peer_ip(req.peer_addr())
}

/// The address of a peer, or `0.0.0.0` when the connection has none (tests, Unix sockets).
pub fn peer_ip(addr: Option<std::net::SocketAddr>) -> IpAddr {
    addr.map(|a| a.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The token of `Authorization: Bearer <token>` (the scheme in either case), trimmed.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
}

/// SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Whether `given` equals `expected`, in time independent of both.
pub fn same_secret(given: &str, expected: &str) -> bool {
    bool::from(digest(given.as_bytes()).ct_eq(&digest(expected.as_bytes())))
}

/// Whether `given` hashes to `stored_hex` (a saved plan's delete key digest), in constant time.
pub fn matches_digest(given: &str, stored_hex: &str) -> bool {
    let hex = crate::app::plans::key_digest(given);
    bool::from(hex.as_bytes().ct_eq(stored_hex.as_bytes()))
}

/// The fingerprint of the bearer token of `req` (first 12 hex digits of its SHA-256), to
/// record who wrote a version without storing the token.
pub fn fingerprint(req: &HttpRequest) -> Option<String> {
    let given = bearer(req)?;
    Some(
        digest(given.as_bytes())[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

/// A per-client-address rate limiter (governor, keyed by IP): the failed-authentication,
/// write, saved-plan and general limits are all one of these.
pub struct Limiter {
    inner: DefaultKeyedRateLimiter<IpAddr>,
    /// What is counted, for the 429's message (`writes`, `plan writes`...).
    what: &'static str,
}

impl Limiter {
    /// `per_minute` requests a minute, in a burst of up to `burst`.
    pub fn per_minute(per_minute: u32, burst: u32, what: &'static str) -> Limiter {
        Limiter::with(Quota::per_minute, per_minute, burst, what)
    }

    /// `per_second` requests a second, in a burst of up to `burst`.
    pub fn per_second(per_second: u32, burst: u32, what: &'static str) -> Limiter {
        Limiter::with(Quota::per_second, per_second, burst, what)
    }

    /// `n` requests per the period of `quota`, in a burst of up to `burst` (each at least 1).
    fn with(quota: fn(NonZeroU32) -> Quota, n: u32, burst: u32, what: &'static str) -> Limiter {
        let per = NonZeroU32::new(n.max(1)).expect("non-zero");
        let quota = quota(per).allow_burst(NonZeroU32::new(burst.max(1)).expect("non-zero"));
        Limiter {
            inner: RateLimiter::keyed(quota),
            what,
        }
    }

    /// Takes one request from `ip`'s allowance, or answers 429 with the seconds to wait.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), ApiError> {
        // Bound the memory of the keyed state: forget addresses whose quota has refilled.
        if self.inner.len() > 100_000 {
            self.inner.retain_recent();
        }
        self.inner.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after: wait.as_secs() + 1,
                what: self.what,
            }
        })
    }

    /// [`Limiter::check_ip`] for the client of `req`.
    pub fn check(&self, req: &HttpRequest) -> Result<(), ApiError> {
        self.check_ip(client_ip(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content_only() {
        assert!(same_secret("a-long-admin-token", "a-long-admin-token"));
        assert!(!same_secret("a-long-admin-token", "a-long-admin-tokeN"));
        assert!(!same_secret("", "x"));
        assert!(matches_digest("key", &crate::app::plans::key_digest("key")));
        assert!(!matches_digest("kez", &crate::app::plans::key_digest("key")));
    }

    #[test]
    fn a_limiter_answers_429_past_its_burst() {
        let l = Limiter::per_minute(1, 2, "writes");
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(l.check_ip(ip).is_ok() && l.check_ip(ip).is_ok());
        match l.check_ip(ip) {
            Err(ApiError::TooManyRequests { retry_after, what }) => {
                assert!(retry_after >= 1);
                assert_eq!(what, "writes");
            }
            other => panic!("{other:?}"),
        }
    }
}

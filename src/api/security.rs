//! The one home of the API's security primitives: who the client is (its peer address), the
//! bearer token it sent, constant-time comparison of secrets, and per-client rate limits.
//!
//! Clients are told apart by the peer IP address of the connection, or, when that peer is a
//! reverse proxy listed in `CAREERMAP_TRUSTED_PROXIES`, by the address its `Forwarded` (or,
//! without one, `X-Forwarded-For`) header names: the nearest hop that is not itself a trusted
//! proxy. From any other peer those headers are ignored (a client could write anything in
//! them). Secrets are compared as SHA-256 digests with `subtle`, so neither their content nor
//! their length leaks through timing.

use super::error::ApiError;
use actix_web::HttpRequest;
use actix_web::http::header::{AUTHORIZATION, FORWARDED, HeaderMap};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use subtle::ConstantTimeEq;

/// The client address of a request: the peer, or the client a trusted proxy names.
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    let peer = peer_ip(req.peer_addr());
    match req.app_data::<actix_web::web::Data<super::AppState>>() {
        Some(state) => forwarded_client(peer, req.headers(), &state.settings.http.trusted_proxies),
        None => peer,
    }
}

/// The client behind `peer`: `peer` itself unless it is in `trusted`; then, walking the
/// forwarding chain (`Forwarded: for=`, else `X-Forwarded-For`) from the nearest hop, the
/// first address not in `trusted`. A hop that is not an address (`unknown`, an obfuscated
/// name) ends the walk at the last trusted hop, which is then the client.
pub fn forwarded_client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all(FORWARDED)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then_some(v.trim())
            })
        })
        .collect();
    let hops: Vec<&str> = if forwarded.is_empty() {
        headers
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect()
    } else {
        forwarded
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop_ip(hop) {
            Some(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

/// The address of one forwarding hop: `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`,
/// `2001:db8::1`; `None` for `unknown` and obfuscated names.
fn hop_ip(hop: &str) -> Option<IpAddr> {
    let h = hop.trim().trim_matches('"');
    if let Ok(ip) = h.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = h.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    h.parse::<std::net::SocketAddr>().ok().map(|a| a.ip())
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
    fn only_a_trusted_proxy_names_the_client() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let headers = |pairs: &[(&str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.append(k.parse().unwrap(), v.parse().unwrap());
            }
            h
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let xff = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.2")]);
        // From a trusted proxy: the nearest hop that is not a proxy (a client's own
        // `6.6.6.6` in front of it is not believed).
        assert_eq!(forwarded_client(ip("10.0.0.1"), &xff, &trusted), ip("203.0.113.7"));
        // From anyone else: the peer, whatever it writes.
        assert_eq!(forwarded_client(ip("198.51.100.9"), &xff, &trusted), ip("198.51.100.9"));
        // `Forwarded` wins over `X-Forwarded-For`; quoted, bracketed and with ports.
        let both = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            (
                "forwarded",
                "for=192.0.2.60;proto=http, For=\"[2001:db8:cafe::17]:4711\"",
            ),
        ]);
        assert_eq!(forwarded_client(ip("::1"), &both, &trusted), ip("2001:db8:cafe::17"));
        let port = headers(&[("forwarded", "for=\"192.0.2.43:47011\"")]);
        assert_eq!(forwarded_client(ip("10.1.1.1"), &port, &trusted), ip("192.0.2.43"));
        // No header, or an unknown hop: the proxy itself.
        assert_eq!(
            forwarded_client(ip("10.1.1.1"), &HeaderMap::new(), &trusted),
            ip("10.1.1.1")
        );
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(forwarded_client(ip("10.1.1.1"), &unknown, &trusted), ip("10.1.1.1"));
        // Nothing trusted: the peer.
        assert_eq!(forwarded_client(ip("10.0.0.1"), &xff, &[]), ip("10.0.0.1"));
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

//! What a pull may reach: public addresses, or what `CAREERMAP_PULL_ALLOW` lists. Also the
//! redaction of URLs wherever they are stored, logged or returned.
//!
//! A pull names a URL an admin typed, or a redirect chose; without a guard it can be turned
//! inward (the service's own port, a metadata service, a private network). So:
//!
//! * URLs with user info (`http://user:pass@host/`) are refused: secrets do not belong in a
//!   URL that is stored and shown.
//! * The host of every URL, the first and every redirect hop, is checked: an IP literal
//!   (in any spelling the URL standard accepts: `0x7f000001`, `2130706433`, `127.1`,
//!   `[::ffff:127.0.0.1]`, which the `url` crate normalises) must be public or allowed.
//! * A host name is resolved by [`GuardedResolver`], the HTTP client's resolver, so the address
//!   actually connected to is checked (no second lookup that could answer differently).
//!   Names listed in the allow list pass whatever they resolve to.
//! * Not public: loopback, unspecified, private (RFC 1918, IPv6 ULA), link-local (and so the
//!   169.254.169.254 metadata service), CGNAT 100.64/10, benchmarking, documentation,
//!   multicast, broadcast, reserved, and IPv4 embedded in IPv6 (mapped, compatible, NAT64,
//!   6to4) when the IPv4 address is not public.
//!
//! A refused address gets one message whatever the port, so pulls cannot map open ports.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Hosts and networks a pull may reach although they are not public (`CAREERMAP_PULL_ALLOW`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllowList {
    nets: Vec<IpNet>,
    hosts: Vec<String>,
}

impl AllowList {
    /// Parses `127.0.0.1, 10.0.0.0/8, data.example.org` (comma-separated hosts, IPs or CIDRs).
    pub fn parse(s: &str) -> Result<AllowList, String> {
        let mut out = AllowList::default();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            if let Ok(net) = item.parse::<IpNet>() {
                out.nets.push(net);
            } else if let Ok(ip) = item.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
                out.nets.push(IpNet::from(ip));
            } else if item.contains('/') || item.contains(' ') || item.contains(':') {
                return Err(format!(
                    "CAREERMAP_PULL_ALLOW: `{item}` is neither a host name, an IP address nor a CIDR"
                ));
            } else {
                out.hosts.push(item.trim_end_matches('.').to_ascii_lowercase());
            }
        }
        Ok(out)
    }

    /// This list with the host name or IP `host` allowed too (the proxy the admin named).
    pub fn with_host(mut self, host: &str) -> AllowList {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) => self.nets.push(IpNet::from(ip)),
            Err(_) => self.hosts.push(bare.trim_end_matches('.').to_ascii_lowercase()),
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty() && self.hosts.is_empty()
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|n| n.contains(&ip))
    }

    fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    /// Whether a connection to `ip` (reached through the name `host`, if any) is allowed.
    pub fn permits(&self, host: Option<&str>, ip: IpAddr) -> bool {
        is_public(ip) || self.allows_ip(ip) || host.is_some_and(|h| self.allows_host(h))
    }
}

/// An IPv4 address embedded in an IPv6 one (mapped, compatible, NAT64, 6to4), as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    // ::a.b.c.d (deprecated "compatible"), but not :: and ::1 themselves.
    if s[..6].iter().all(|&x| x == 0) && !(s[6] == 0 && s[7] <= 1) {
        return Some(tail);
    }
    // NAT64 well-known prefix 64:ff9b::/96.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0) {
        return Some(tail);
    }
    // 6to4 2002:AABB:CCDD::/48.
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// Whether `ip` is a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || o[0] == 0 // 0.0.0.0/8 "this network"
                || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64.0.0/10
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
                || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18.0.0/15
                || o[0] >= 240) // reserved
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (AWS metadata fd00:ec2::254)
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0100 && s[1..4].iter().all(|&x| x == 0))) // discard-only 100::/64
        }
    }
}

/// Why a URL may not be pulled, or `Ok` with nothing to say. Checks the scheme, user info and,
/// for an IP-literal host, the address (host names are checked when they resolve).
pub fn check_url(url: &reqwest::Url, allow: &AllowList) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{}` is not an http(s) URL", redact(url.as_str())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "the URL carries a user name or password; credentials in URLs are refused (they would be stored and shown)"
                .into(),
        );
    }
    match url.host() {
        None => Err(format!("`{}` has no host", redact(url.as_str()))),
        Some(url::Host::Domain(_)) => Ok(()),
        Some(url::Host::Ipv4(v4)) => ip_ok(IpAddr::V4(v4), allow, url),
        Some(url::Host::Ipv6(v6)) => ip_ok(IpAddr::V6(v6), allow, url),
    }
}

fn ip_ok(ip: IpAddr, allow: &AllowList, url: &reqwest::Url) -> Result<(), String> {
    if allow.permits(None, ip) {
        Ok(())
    } else {
        Err(refused(url.host_str().unwrap_or("")))
    }
}

/// The one message of a refused address (the same for every port).
pub fn refused(host: &str) -> String {
    format!(
        "`{host}` is not a public address (loopback, private, link-local, shared or reserved); pulls reach it only when CAREERMAP_PULL_ALLOW lists it"
    )
}

/// The HTTP client's resolver: resolves with the system resolver and keeps only the addresses
/// a pull may reach.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub allow: Arc<AllowList>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let ok: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| allow.permits(Some(&host), a.ip()))
                .collect();
            if ok.is_empty() {
                return Err(Box::new(Refused(refused(&host))) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(ok.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A refused resolution (its message is [`refused`]).
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Parameter names whose values are secrets (compared case-insensitively, `-` as `_`).
const SECRET_NAMES: [&str; 18] = [
    "key",
    "api_key",
    "apikey",
    "token",
    "access_token",
    "registrationkey",
    "secret",
    "password",
    "pwd",
    "pass",
    "sessionid",
    "session",
    "code",
    "auth",
    "signature",
    "sig",
    "jsessionid",
    "phpsessid",
];

/// Whether a parameter named `k` holds a secret: a name of [`SECRET_NAMES`], or one that
/// contains `key`, `token`, `secret`, `pass`, `pwd`, `session`, `auth`, `signature` or
/// `credential` (`X-Amz-Signature`, `client_secret`, `refresh_token`, `passwd`...).
fn secret_key(k: &str) -> bool {
    let k = k.trim().to_ascii_lowercase().replace('-', "_");
    SECRET_NAMES.contains(&k.as_str())
        || [
            "key",
            "token",
            "secret",
            "pass",
            "pwd",
            "session",
            "auth",
            "signature",
            "credential",
        ]
        .iter()
        .any(|w| k.contains(w))
}

/// Whether `s` looks like a random token (a key, a session id, a signature) rather than a
/// word or a file name: at least 16 characters of base64/hex alphabet in one piece between
/// `-`, `_`, `.` or `~`, holding letters and digits with at least three changes between
/// lower case, upper case and digits. A UUID is an identifier, not a secret, and is kept.
pub fn looks_random(s: &str) -> bool {
    if is_uuid(s) {
        return false;
    }
    s.split(['-', '_', '.', '~']).any(|piece| {
        if piece.len() < 16
            || !piece
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '%'))
        {
            return false;
        }
        let class = |c: char| match c {
            'a'..='z' => 0,
            'A'..='Z' => 1,
            '0'..='9' => 2,
            _ => 3,
        };
        let has_digit = piece.chars().any(|c| c.is_ascii_digit());
        let has_letter = piece.chars().any(|c| c.is_ascii_alphabetic());
        let changes = piece
            .chars()
            .zip(piece.chars().skip(1))
            .filter(|(a, b)| class(*a) != class(*b))
            .count();
        has_digit && has_letter && changes >= 3
    })
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The marker that stands where a secret was.
const REDACTED: &str = "REDACTED";

/// `name=value` pairs (a query or a fragment) with the value of every secret-named or
/// random-looking parameter replaced, and a lone random-looking item replaced whole.
fn redact_pairs(text: &str) -> String {
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => {
                let name = percent_decoded(k);
                if secret_key(&name) || looks_random(v) {
                    format!("{k}={REDACTED}")
                } else {
                    pair.to_owned()
                }
            }
            None if looks_random(pair) => REDACTED.to_owned(),
            None => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decoded(s: &str) -> String {
    form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A path with its secrets replaced: a random-looking segment, the value of a `;name=value`
/// (matrix) or `name=value` segment with a secret name, and the segment after one named like
/// a secret (`/token/abc`, `/api_key/abc`).
fn redact_path(path: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut after_secret_name = false;
    for seg in path.split('/') {
        let decoded = percent_decoded(seg);
        let redacted = if seg.is_empty() {
            String::new()
        } else if after_secret_name {
            REDACTED.to_owned()
        } else if seg.contains('=') {
            seg.split(';').map(redact_pairs).collect::<Vec<_>>().join(";")
        } else if looks_random(seg) {
            REDACTED.to_owned()
        } else {
            seg.to_owned()
        };
        after_secret_name =
            !seg.is_empty() && SECRET_NAMES.contains(&decoded.to_ascii_lowercase().replace('-', "_").as_str());
        out.push(redacted);
    }
    out.join("/")
}

/// `url` as it may be shown, logged or stored: user info removed; in the path, query and
/// fragment every value of a parameter named like a secret (key, token, secret, password,
/// pwd, pass, sessionid, session, code, auth, signature, sig, apikey, access_token...) and
/// every random-looking token replaced by `REDACTED`. Text that is not a URL is returned with
/// anything after `?` or `#` and before `@` dropped.
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            if u.has_host() {
                let path = redact_path(u.path());
                u.set_path(&path);
            }
            if let Some(q) = u.query().map(redact_pairs) {
                u.set_query(Some(&q));
            }
            if let Some(f) = u.fragment().map(redact_pairs) {
                u.set_fragment(Some(&f));
            }
            u.to_string()
        }
        Err(_) => {
            let s = url.split(['?', '#']).next().unwrap_or("");
            match s.rsplit_once('@') {
                Some((_, rest)) => rest.to_owned(),
                None => s.to_owned(),
            }
        }
    }
}

/// What a record's provenance keeps of the URL it was pulled from: scheme, host (and port)
/// and the redacted path; no user info, query or fragment. The query's secrets live only in
/// the settings the admin gave.
pub fn provenance_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if u.has_host() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            let path = redact_path(u.path());
            u.set_path(&path);
            u.to_string()
        }
        _ => redact(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, allow: &str) -> Result<(), String> {
        check_url(&reqwest::Url::parse(url).unwrap(), &AllowList::parse(allow).unwrap())
    }

    #[test]
    fn every_spelling_of_an_inward_address_is_refused() {
        for url in [
            "http://127.0.0.1/",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::]/",
            "http://0.0.0.0/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://[fd00:ec2::254]/",
            "http://[fe80::1]/",
        ] {
            let e = check(url, "").unwrap_err();
            assert!(e.contains("not a public address"), "{url}: {e}");
        }
        for url in [
            "http://93.184.215.14/",
            "https://[2606:4700::1111]/",
            "https://www.bls.gov/x.xlsx",
        ] {
            assert_eq!(check(url, ""), Ok(()), "{url}");
        }
    }

    #[test]
    fn the_allow_list_admits_hosts_ips_and_networks() {
        assert_eq!(check("http://127.0.0.1:9/", "127.0.0.1"), Ok(()));
        assert_eq!(check("http://0x7f000001/", "127.0.0.0/8"), Ok(()));
        assert_eq!(check("http://[::ffff:127.0.0.1]/", "127.0.0.1"), Ok(()));
        assert!(check("http://10.0.0.1/", "127.0.0.1").is_err());
        let allow = AllowList::parse("data.internal, 10.0.0.0/8").unwrap();
        assert!(allow.permits(Some("DATA.internal."), "192.168.0.9".parse().unwrap()));
        assert!(allow.permits(None, "10.9.9.9".parse().unwrap()));
        assert!(!allow.permits(Some("other"), "192.168.0.9".parse().unwrap()));
        assert!(AllowList::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn credentials_in_urls_are_refused_and_secrets_redacted() {
        assert!(
            check("http://svcuser:Pa55w0rd@example.org/x", "")
                .unwrap_err()
                .contains("credentials")
        );
        let r = redact(
            "http://svcuser:Pa55w0rd@127.0.0.1:18711/creds.csv?api_key=KEY-123&year=2024&registrationKey=R&Token=t",
        );
        assert!(
            !r.contains("Pa55w0rd") && !r.contains("svcuser") && !r.contains("KEY-123"),
            "{r}"
        );
        assert!(!r.contains("=R&") && !r.contains("=t"), "{r}");
        assert!(r.contains("year=2024") && r.contains("api_key=REDACTED"), "{r}");
        assert_eq!(redact("not a url ?key=1"), "not a url ");
    }

    /// Every parameter name the probe used, in the query, a fragment, a matrix parameter or
    /// under a benign name as a random-looking token: the secret never survives; the rest of
    /// the URL does.
    #[test]
    fn every_secret_name_and_random_token_is_redacted_everywhere() {
        let secret = "s3cr3tVALUE";
        for name in [
            "key",
            "token",
            "secret",
            "password",
            "pwd",
            "pass",
            "sessionid",
            "session",
            "code",
            "auth",
            "signature",
            "sig",
            "apikey",
            "access_token",
            "api_key",
            "Client-Secret",
            "X-Amz-Signature",
            "JSESSIONID",
        ] {
            for url in [
                format!("https://data.example.org/files/x.csv?year=2024&{name}={secret}"),
                format!("https://data.example.org/files/x.csv#{name}={secret}"),
                format!("https://data.example.org/files;{name}={secret}/x.csv"),
            ] {
                let r = redact(&url);
                assert!(!r.contains(secret), "{name}: {r}");
                assert!(r.contains("REDACTED") && r.contains("data.example.org"), "{name}: {r}");
                let p = provenance_url(&url);
                assert!(
                    !p.contains(secret) && p.starts_with("https://data.example.org/files"),
                    "{p}"
                );
                assert!(!p.contains('?') && !p.contains('#'), "{p}");
            }
        }
        let token = "AKIAIOSFODNN7EXAMPLEk3yZ9";
        for url in [
            format!("https://h.example/dl?file=x.csv&t={token}"),
            format!("https://h.example/dl/{token}/x.csv"),
            "https://h.example/token/abc/x.csv".to_string(),
            format!("https://h.example/dl#{token}"),
            format!("https://user:{token}@h.example/x.csv"),
        ] {
            let r = redact(&url);
            assert!(!r.contains(token) && !r.contains("/abc/"), "{r}");
            assert!(r.contains("h.example/"), "{r}");
        }
        // Words, file names, dates, UUIDs and SOC codes are not secrets.
        for url in [
            "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx",
            "https://api.bls.gov/publicAPI/v2/timeseries/data/?year=2024&soc=29-1141",
            "https://case.example.org/ims/case/v1p0/CFPackages/c6496676-d7cb-11e8-824f-0242ac160002",
            "https://data.example.org/2024-05-01/careermap-catalog-final.csv",
        ] {
            assert_eq!(redact(url), url);
        }
        assert!(looks_random(
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"
        ));
        assert!(looks_random("9f86d081884c7d659a2feaa0c55ad015"));
        assert!(!looks_random("OccupationalOutlookHandbook"));
    }
}

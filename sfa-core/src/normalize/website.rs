//! Company homepages: a valid `http(s)` URL from what users type.

use super::email::is_domain;
use super::text::fold_width;
use crate::error::Reason;

/// The longest homepage URL kept.
pub const MAX_WEBSITE_CHARS: usize = 2048;

/// Normalises a homepage address to an absolute `http` or `https` URL.
///
/// A bare host (`example.co.jp`, `www.example.co.jp/about`) gets `https://`. The scheme
/// and host are lower-cased; the path, query and fragment are kept as written. Other
/// schemes, hosts that are not DNS names (or `localhost`, or IPv4 addresses) and
/// anything with spaces are refused. Internationalised domain names must be given in
/// their `xn--` form.
pub fn normalize_website(input: &str) -> Result<String, Reason> {
    let folded = fold_width(input.trim());
    if folded.chars().count() > MAX_WEBSITE_CHARS {
        return Err(Reason::TooLong {
            max_chars: MAX_WEBSITE_CHARS,
        });
    }
    if folded.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Reason::InvalidWebsite);
    }
    let (scheme, rest) = match folded.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_string(), folded.as_str()),
    };
    if scheme != "http" && scheme != "https" {
        return Err(Reason::InvalidWebsite);
    }
    let split_at = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(split_at);
    if authority.contains('@') {
        // user:password@host is a phishing pattern, not a homepage.
        return Err(Reason::InvalidWebsite);
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host = host.to_ascii_lowercase();
    let host_ok = is_domain(&host) || is_ipv4(&host);
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok_and(|n| n > 0));
    if !host_ok || !port_ok || !tail.is_ascii() {
        return Err(Reason::InvalidWebsite);
    }
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(format!("{scheme}://{host}{port}{tail}"))
}

fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bare_hosts_get_https() {
        assert_eq!(
            normalize_website("example.co.jp"),
            Ok("https://example.co.jp".into())
        );
        assert_eq!(
            normalize_website("www.Example.co.jp/about?x=1#top"),
            Ok("https://www.example.co.jp/about?x=1#top".into())
        );
        assert_eq!(
            normalize_website("ＥＸＡＭＰＬＥ．ＪＰ"),
            Ok("https://example.jp".into())
        );
    }

    #[test]
    fn explicit_schemes_are_kept() {
        assert_eq!(
            normalize_website("http://example.jp"),
            Ok("http://example.jp".into())
        );
        assert_eq!(
            normalize_website("HTTPS://example.jp:8443/x"),
            Ok("https://example.jp:8443/x".into())
        );
        assert_eq!(
            normalize_website("http://192.0.2.1/"),
            Ok("http://192.0.2.1/".into())
        );
    }

    #[test]
    fn junk_is_refused() {
        for input in [
            "",
            "not a url",
            "http://",
            "https://localhost",
            "ftp://example.jp",
            "javascript:alert(1)",
            "example",
            "http://user:pw@example.jp",
            "https://example.jp:0",
            "https://example.jp:99999",
            "https://例え.jp",
            "https://example.jp/パス",
            "mailto:taro@example.jp",
        ] {
            assert_eq!(
                normalize_website(input),
                Err(Reason::InvalidWebsite),
                "{input}"
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(s in "\\PC{0,40}|(https?://)?[a-z0-9.-]{1,20}(:[0-9]{1,5})?(/[a-z0-9/?#=&]{0,10})?") {
            if let Ok(n) = normalize_website(&s) {
                prop_assert_eq!(normalize_website(&n), Ok(n.clone()));
                prop_assert!(n.starts_with("http://") || n.starts_with("https://"));
            }
        }
    }
}

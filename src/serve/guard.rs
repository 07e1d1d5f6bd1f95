//! What the server refuses before it looks at a request's path: another
//! `Host` (DNS rebinding), another `Origin` (a web page elsewhere calling the
//! API), an API call without the per-run key, an oversized body.

/// The largest request body read (a token, a login answer, a JWKS).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The most bytes of target and header fields a request may carry (a
/// browser sends about one kilobyte; common servers stop at 8-16 KiB).
pub const HEADER_LIMIT: usize = 16 * 1024;

/// The page loads scripts, styles, images, fonts and connections from this
/// origin only; no inline script or style, no plugins, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Why a request is refused; each has its status and a one-line reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Host,
    Origin,
    Key,
    Method,
    NotFound,
    ContentType,
    TooLarge,
    HeadersTooLarge,
    Busy,
    Malformed(String),
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Host | Refusal::Origin => 403,
            Refusal::Key => 401,
            Refusal::NotFound => 404,
            Refusal::Method => 405,
            Refusal::TooLarge => 413,
            Refusal::HeadersTooLarge => 431,
            Refusal::ContentType => 415,
            Refusal::Busy => 503,
            Refusal::Malformed(_) => 400,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::Host => "the Host header must be 127.0.0.1:PORT or localhost:PORT".to_owned(),
            Refusal::Origin => "requests from other origins are refused".to_owned(),
            Refusal::Key => {
                "the API needs the per-run key printed with the address (?k=KEY)".to_owned()
            }
            Refusal::NotFound => "no such page".to_owned(),
            Refusal::Method => "method not allowed here".to_owned(),
            Refusal::ContentType => "the API takes application/json".to_owned(),
            Refusal::TooLarge => format!("the request body is over {BODY_LIMIT} bytes"),
            Refusal::HeadersTooLarge => {
                format!("the request's target and header fields are over {HEADER_LIMIT} bytes")
            }
            Refusal::Busy => "too many requests at once; try again".to_owned(),
            Refusal::Malformed(why) => why.clone(),
        }
    }
}

/// Target and header fields within HEADER_LIMIT bytes in all.
pub fn check_header_size<'a>(
    target: &str,
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), Refusal> {
    let size = fields.into_iter().fold(target.len(), |n, (name, value)| {
        n + name.len() + value.len() + 4
    });
    if size > HEADER_LIMIT {
        Err(Refusal::HeadersTooLarge)
    } else {
        Ok(())
    }
}

/// The checks of one run: its port and its key.
#[derive(Debug)]
pub struct Guard {
    port: u16,
    key: String,
}

impl Guard {
    pub fn new(port: u16, key: String) -> Guard {
        Guard { port, key }
    }

    /// The address to open: the key rides in the fragment, which the
    /// browser never sends, and the page hands it to the API.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}/#k={}", self.port, self.key)
    }

    /// `127.0.0.1:PORT` or `localhost:PORT` (any case), nothing else.
    pub fn check_host(&self, host: Option<&str>) -> Result<(), Refusal> {
        let ok = host.is_some_and(|h| self.is_own_authority(h));
        if ok {
            Ok(())
        } else {
            Err(Refusal::Host)
        }
    }

    fn is_own_authority(&self, authority: &str) -> bool {
        let Some((name, port)) = authority.rsplit_once(':') else {
            return false;
        };
        port == self.port.to_string()
            && (name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost"))
    }

    /// No `Origin` (a plain navigation, curl) or this server's own; and a
    /// browser that says the request is cross-site is believed.
    pub fn check_origin(
        &self,
        origin: Option<&str>,
        fetch_site: Option<&str>,
    ) -> Result<(), Refusal> {
        if fetch_site.is_some_and(|s| s.eq_ignore_ascii_case("cross-site")) {
            return Err(Refusal::Origin);
        }
        match origin {
            None => Ok(()),
            Some(o) => match o.strip_prefix("http://") {
                Some(authority) if self.is_own_authority(authority) => Ok(()),
                _ => Err(Refusal::Origin),
            },
        }
    }

    /// The query carries `k=KEY`; compared in constant time.
    pub fn check_key(&self, query: &str) -> Result<(), Refusal> {
        let given = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("k="))
            .unwrap_or("");
        aws_lc_rs::constant_time::verify_slices_are_equal(given.as_bytes(), self.key.as_bytes())
            .map_err(|_| Refusal::Key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_counted_to_the_limit() {
        let value = "v".repeat(HEADER_LIMIT - 1 - 4 - 1);
        assert_eq!(check_header_size("/", [("X", value.as_str())]), Ok(()));
        let over = format!("{value}v");
        assert_eq!(
            check_header_size("/", [("X", over.as_str())]),
            Err(Refusal::HeadersTooLarge)
        );
        assert_eq!(Refusal::HeadersTooLarge.status(), 431);
    }

    fn guard() -> Guard {
        Guard::new(8765, "k".repeat(32))
    }

    #[test]
    fn only_loopback_names_with_the_port_are_this_host() {
        let g = guard();
        for ok in ["127.0.0.1:8765", "localhost:8765", "LocalHost:8765"] {
            assert_eq!(g.check_host(Some(ok)), Ok(()), "{ok}");
        }
        for bad in [
            "evil.example:8765",
            "127.0.0.1",
            "127.0.0.1:80",
            "localhost:87650",
            "127.0.0.1.evil.example:8765",
            "[::1]:8765",
            "",
        ] {
            assert_eq!(g.check_host(Some(bad)), Err(Refusal::Host), "{bad}");
        }
        assert_eq!(g.check_host(None), Err(Refusal::Host));
    }

    #[test]
    fn a_foreign_or_opaque_origin_is_refused() {
        let g = guard();
        assert_eq!(g.check_origin(None, None), Ok(()));
        assert_eq!(g.check_origin(Some("http://localhost:8765"), None), Ok(()));
        for bad in [
            "https://evil.example",
            "http://127.0.0.1:9999",
            "https://127.0.0.1:8765",
            "null",
        ] {
            assert_eq!(
                g.check_origin(Some(bad), None),
                Err(Refusal::Origin),
                "{bad}"
            );
        }
        assert_eq!(
            g.check_origin(None, Some("cross-site")),
            Err(Refusal::Origin)
        );
        assert_eq!(g.check_origin(None, Some("same-origin")), Ok(()));
    }

    #[test]
    fn the_key_must_match_exactly() {
        let g = guard();
        let key = "k".repeat(32);
        assert_eq!(g.check_key(&format!("k={key}")), Ok(()));
        assert_eq!(g.check_key(&format!("x=1&k={key}")), Ok(()));
        for bad in ["", "k=", "k=kkk", &format!("k={key}k"), &format!("K={key}")] {
            assert_eq!(g.check_key(bad), Err(Refusal::Key), "{bad}");
        }
        assert!(g.address().ends_with(&format!("/#k={key}")));
    }
}

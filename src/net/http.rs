//! HTTPS for login, refresh and key downloads: one place that builds the
//! client (TLS verified by default, extra CA, timeouts, no https→http
//! redirects) and reads answers in bounded memory. Built only when a command
//! needs the network: plain inspection never creates it.

use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::redirect;

use crate::config::NetOptions;
use crate::error::Error;
use crate::messages;
use crate::secret::Secret;

/// The most of an answer that is read; more is an error, not a bigger buffer.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Redirects followed at most.
const MAX_REDIRECTS: usize = 5;

/// A request body.
#[derive(Debug)]
pub enum Body {
    Empty,
    /// `application/x-www-form-urlencoded` fields; values may be secret.
    Form(Vec<(String, Secret)>),
    /// A JSON object built from fields; values may be secret.
    Json(Vec<(String, Secret)>),
}

/// An answer, read whole (up to `BODY_LIMIT`).
#[derive(Debug, Clone)]
pub struct Response {
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

pub struct Http {
    client: Client,
    timeout: Duration,
    /// The URL the last redirect led to, so a failure there names its host.
    last_hop: Hop,
}

type Hop = std::sync::Arc<std::sync::Mutex<Option<String>>>;

impl Http {
    pub fn new(opts: &NetOptions) -> Result<Http, Error> {
        Http::build(opts, false)
    }

    /// A client for requests that carry credentials (a login's password, a
    /// refresh token): a redirect to another origin (scheme, host, port) is
    /// refused, so they never reach a server the user did not name.
    pub fn for_credentials(opts: &NetOptions) -> Result<Http, Error> {
        Http::build(opts, true)
    }

    fn build(opts: &NetOptions, credentials: bool) -> Result<Http, Error> {
        let last_hop = Hop::default();
        let hop = std::sync::Arc::clone(&last_hop);
        let policy = redirect::Policy::custom(move |attempt| {
            if let Ok(mut h) = hop.lock() {
                *h = Some(display_url(attempt.url().as_str()));
            }
            let from_https = attempt
                .previous()
                .last()
                .is_some_and(|u| u.scheme() == "https");
            let first = attempt.previous().first().map(|u| u.origin());
            let cross_origin = first.as_ref().is_some_and(|o| *o != attempt.url().origin());
            if from_https && attempt.url().scheme() == "http" {
                let to = attempt.url().to_string();
                attempt.error(format!(
                    "refused a redirect from https to plain http ({to})"
                ))
            } else if credentials && cross_origin {
                let from = first.map(|o| o.ascii_serialization()).unwrap_or_default();
                let to = attempt.url().origin().ascii_serialization();
                attempt.error(format!(
                    "refused a redirect from {from} to another origin, {to}: the credentials go only to the origin you named"
                ))
            } else if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("gave up after {MAX_REDIRECTS} redirects"))
            } else {
                attempt.follow()
            }
        });
        let mut builder = Client::builder()
            .redirect(policy)
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout)
            // A connection idle longer than servers commonly keep one open
            // (Node's 5 s) is not reused: a device-flow poll every 5 s or more
            // would otherwise race the server's close and fail with a reset.
            .pool_idle_timeout(Duration::from_secs(4))
            .user_agent(concat!("jwtinspect/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &opts.cacert {
            let pem = std::fs::read(path)
                .map_err(|e| Error::io(format!("reading --cacert {}", path.display()), e))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::usage(format!(
                    "--cacert {}: not a PEM certificate ({e})",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(Error::usage(format!(
                    "--cacert {}: no PEM certificate in it; expected -----BEGIN CERTIFICATE-----",
                    path.display()
                )));
            }
            builder = builder.tls_certs_merge(certs);
        }
        if opts.insecure {
            messages::warning("--insecure: TLS certificates are NOT verified");
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let client = builder
            .build()
            .map_err(|e| Error::Network(format!("setting up HTTPS: {}", chain(&e))))?;
        Ok(Http {
            client,
            timeout: opts.timeout,
            last_hop,
        })
    }

    pub fn get(&self, url: &str) -> Result<Response, Error> {
        let req = self
            .client
            .get(parse_url(url)?)
            .header("Accept", "application/json");
        self.send(url, req)
    }

    /// POST `body`, with `Authorization: Bearer <bearer>` when given.
    pub fn post(&self, url: &str, body: &Body, bearer: Option<&Secret>) -> Result<Response, Error> {
        let header = bearer.map(|t| Secret::new(format!("Bearer {}", t.expose())));
        self.post_authorized(url, body, header.as_ref())
    }

    /// GET with `Authorization: Bearer <bearer>` (userinfo).
    pub fn get_bearer(&self, url: &str, bearer: &Secret) -> Result<Response, Error> {
        let req = self
            .client
            .get(parse_url(url)?)
            .header("Accept", "application/json")
            .bearer_auth(bearer.expose());
        self.send(url, req)
    }

    /// POST `body` with this whole `Authorization` header value when given
    /// (`Basic ...` for OAuth client authentication).
    pub fn post_authorized(
        &self,
        url: &str,
        body: &Body,
        authorization: Option<&Secret>,
    ) -> Result<Response, Error> {
        let mut req = self
            .client
            .post(parse_url(url)?)
            .header("Accept", "application/json");
        if let Some(value) = authorization {
            let mut header =
                reqwest::header::HeaderValue::from_str(value.expose()).map_err(|_| {
                    Error::usage("the Authorization header holds characters HTTP does not allow")
                })?;
            header.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, header);
        }
        req = match body {
            Body::Empty => req,
            Body::Form(fields) => {
                let pairs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.expose()))
                    .collect();
                req.form(&pairs)
            }
            Body::Json(fields) => {
                let map: serde_json::Map<String, serde_json::Value> = fields
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.expose().to_owned())))
                    .collect();
                req.json(&map)
            }
        };
        self.send(url, req)
    }

    /// Send `req` and read its answer, all within the timeout: a server
    /// that trickles a byte at a time is cut off too (reqwest's own timeout
    /// on a blocking client bounds each read, not the whole answer).
    fn send(&self, url: &str, req: RequestBuilder) -> Result<Response, Error> {
        let shown = display_url(url);
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let timeout = self.timeout;
        let name = shown.clone();
        if let Ok(mut h) = self.last_hop.lock() {
            *h = None;
        }
        let hop = std::sync::Arc::clone(&self.last_hop);
        std::thread::spawn(move || {
            let answer = fetch(timeout, &name, req).map_err(|e| at_hop(e, &name, &hop));
            // The receiver may have given up (the deadline passed): nobody to tell.
            let _ = tx.send(answer);
        });
        match rx.recv_timeout(self.timeout) {
            Ok(answer) => answer,
            Err(_) => Err(timed_out(self.timeout, &shown)),
        }
    }
}

fn fetch(timeout: Duration, shown: &str, req: RequestBuilder) -> Result<Response, Error> {
    let resp = req.send().map_err(|e| failure(timeout, shown, &e))?;
    let status = resp.status().as_u16();
    let final_url = resp.url().to_string();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let too_large = || {
        Error::Network(format!(
            "{shown}: the answer is larger than {} KiB, the limit; not a token response",
            BODY_LIMIT / 1024
        ))
    };
    // A declared length over the limit fails before a byte of the body is read.
    if resp.content_length().is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    let body = read_capped(resp, BODY_LIMIT)
        .map_err(|e| {
            if e.is_timeout() {
                timed_out(timeout, shown)
            } else {
                Error::Network(format!(
                    "{shown}: reading the answer failed: {}",
                    chain(&e.0)
                ))
            }
        })?
        .ok_or_else(too_large)?;
    Ok(Response {
        url: final_url,
        status,
        content_type,
        body,
    })
}

fn failure(timeout: Duration, url: &str, e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        return timed_out(timeout, url);
    }
    let cause = root_cause(e);
    let why = if e.is_connect() && cause.contains("certificate") {
        format!("TLS certificate {}", certificate_hint(&cause))
    } else if e.is_connect() {
        format!("could not connect: {cause}")
    } else {
        // Redirects: the policy's own words ("refused a redirect from https to plain http").
        cause
    };
    Error::Network(format!("{url}: {why}"))
}

fn timed_out(timeout: Duration, url: &str) -> Error {
    Error::Network(format!(
        "{url}: no answer within {}s (--timeout)",
        timeout.as_secs()
    ))
}

/// A failure after a redirect names where it happened: `URL: redirected
/// to OTHER: TLS certificate ...`, not only the first URL.
fn at_hop(e: Error, url: &str, hop: &Hop) -> Error {
    let target = hop.lock().ok().and_then(|h| h.clone());
    match (e, target) {
        (Error::Network(m), Some(at))
            if at != url
                && m.starts_with(url)
                && (m.contains("TLS certificate") || m.contains("could not connect")) =>
        {
            let rest = m[url.len()..].trim_start_matches(": ");
            Error::Network(format!("{url}: redirected to {at}: {rest}"))
        }
        (e, _) => e,
    }
}

/// What a certificate failure means, with the hint that fits it: only an
/// unknown issuer is helped by `--cacert`.
fn certificate_hint(cause: &str) -> String {
    let lower = cause.to_ascii_lowercase();
    if lower.contains("expired") {
        format!("expired: {cause} (the server must renew it, or this machine's clock is wrong; --cacert does not help)")
    } else if lower.contains("notyetvalid") || lower.contains("not valid before") {
        format!("not valid yet: {cause} (check this machine's clock)")
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        format!("for another host name: {cause} (use the host name the certificate names)")
    } else {
        format!("not trusted: {cause} (--cacert FILE trusts a private CA)")
    }
}

/// Read at most `limit` bytes; `None` when there is more. Memory stays
/// bounded by `limit` whatever the other end sends.
fn read_capped<R: Read>(reader: R, limit: usize) -> Result<Option<Vec<u8>>, ReadError> {
    let mut body = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut body)
        .map_err(ReadError)?;
    Ok((body.len() <= limit).then_some(body))
}

/// A failed read of an answer's body.
#[derive(Debug)]
struct ReadError(std::io::Error);

impl ReadError {
    /// reqwest reports a total-timeout expiry while reading as an io error wrapping its own.
    fn is_timeout(&self) -> bool {
        self.0.kind() == std::io::ErrorKind::TimedOut
            || self
                .0
                .get_ref()
                .and_then(|e| e.downcast_ref::<reqwest::Error>())
                .is_some_and(reqwest::Error::is_timeout)
    }
}

/// `url` fit for messages and labels: a password in it (`https://user:pw@host`) is shown as `***`.
pub fn display_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

fn parse_url(url: &str) -> Result<reqwest::Url, Error> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Error::usage(format!(
            "invalid URL '{url}': {e}; expected https://host/path"
        ))
    })?;
    match parsed.scheme() {
        "https" | "http" => Ok(parsed),
        other => Err(Error::usage(format!(
            "unsupported URL scheme '{other}' in '{url}'; expected https://"
        ))),
    }
}

/// The innermost cause ("Connection refused (os error 111)", "invalid peer
/// certificate: UnknownIssuer"): reqwest's and hyper's wrappers only repeat the URL.
fn root_cause(e: &dyn std::error::Error) -> String {
    let mut deepest = e;
    while let Some(s) = deepest.source() {
        deepest = s;
    }
    deepest.to_string()
}

/// An error and its causes on one line ("error sending request: ...: invalid peer certificate: UnknownIssuer").
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_answer_is_cut_at_the_limit() {
        // io::repeat never ends: only the cap stops the read.
        let endless = std::io::repeat(b'x');
        assert!(read_capped(endless, 1024).expect("reads").is_none());
        let exact = read_capped(&[b'x'; 1024][..], 1024).expect("reads");
        assert_eq!(exact.map(|b| b.len()), Some(1024));
    }

    #[test]
    fn passwords_in_urls_are_not_shown() {
        assert_eq!(
            display_url("https://me:hunter2@host/auth/token"),
            "https://me:***@host/auth/token"
        );
        assert_eq!(display_url("https://host/x?a=1"), "https://host/x?a=1");
        assert_eq!(display_url("not a url"), "not a url");
    }
}

//! A small HTTP/1.1 server for tests: plain or TLS (a CA made in the test with
//! rcgen), one thread per connection, a handler closure deciding each reply,
//! and a log of every request received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Form fields of an `application/x-www-form-urlencoded` body.
    pub fn form(&self) -> Vec<(String, String)> {
        url_decode_pairs(&self.body_text())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What the handler answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Wait this long before answering (a slow server).
    pub delay: Duration,
}

#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// This many bytes of filler, streamed without holding them in memory.
    Filler(usize),
    /// Filler sent with no Content-Length: the reader only learns the size by reading.
    UnsizedFiller(usize),
}

impl Reply {
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply::raw(status, "application/json", value.to_string())
    }

    /// A body sent exactly as given (e.g. JSON with spaces around the colons).
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
            delay: Duration::ZERO,
        }
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        let mut r = Reply::raw(status, "text/plain", "moved");
        r.headers.push(("Location".into(), location.into()));
        r
    }

    pub fn filler(status: u16, content_type: &str, bytes: usize) -> Reply {
        let mut r = Reply::raw(status, content_type, Vec::new());
        r.body = Body::Filler(bytes);
        r
    }

    /// Like `filler`, without a Content-Length (the end is the connection closing).
    pub fn unsized_filler(status: u16, content_type: &str, bytes: usize) -> Reply {
        let mut r = Reply::raw(status, content_type, Vec::new());
        r.body = Body::UnsizedFiller(bytes);
        r
    }

    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running server; it lives until the test process ends.
pub struct Server {
    /// `http://127.0.0.1:PORT` or `https://localhost:PORT`.
    pub base: String,
    requests: Arc<Mutex<Vec<Request>>>,
    /// For TLS servers: the test CA's certificate, as PEM.
    pub ca_pem: Option<String>,
}

impl Server {
    /// A plain HTTP server.
    pub fn http(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        Server::start(handler, None)
    }

    /// An HTTPS server whose certificate (for localhost and 127.0.0.1) is signed by a fresh test CA.
    pub fn https(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let tls = TestCa::new(false);
        Server::start(handler, Some(tls))
    }

    /// An HTTPS server whose certificate expired in 2001 (its CA is still `ca_file`).
    pub fn https_expired(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let tls = TestCa::new(true);
        Server::start(handler, Some(tls))
    }

    fn start(
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
        tls: Option<TestCa>,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let config = tls.map(|t| Arc::new(t.server_config));
        let base = match config {
            Some(_) => format!("https://localhost:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        let log = Arc::clone(&requests);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&log);
                let config = config.clone();
                thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    match config {
                        Some(config) => {
                            let Ok(conn) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            let mut tls = rustls::StreamOwned::new(conn, stream);
                            serve(&mut tls, &*handler, &log);
                        }
                        None => {
                            let mut plain: TcpStream = stream;
                            serve(&mut plain, &*handler, &log);
                        }
                    }
                });
            }
        });
        Server {
            base,
            requests,
            ca_pem,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Write the CA certificate to a file for `--cacert`.
    pub fn ca_file(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("test-ca.pem");
        std::fs::write(&path, self.ca_pem.as_deref().expect("a TLS server")).expect("write CA");
        path
    }
}

fn serve<S: Read + Write>(stream: &mut S, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let Some(request) = read_request(stream) else {
        return;
    };
    if let Ok(mut l) = log.lock() {
        l.push(request.clone());
    }
    let reply = handler(&request);
    if !reply.delay.is_zero() {
        thread::sleep(reply.delay);
    }
    let _ = write_reply(stream, &reply);
}

fn read_request<S: Read>(stream: &mut S) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn write_reply<S: Write>(stream: &mut S, reply: &Reply) -> std::io::Result<()> {
    let len = match &reply.body {
        Body::Bytes(b) => Some(b.len()),
        Body::Filler(n) => Some(*n),
        Body::UnsizedFiller(_) => None,
    };
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(len) = len {
        head.push_str(&format!("Content-Length: {len}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    match &reply.body {
        Body::Bytes(b) => stream.write_all(b)?,
        Body::Filler(n) | Body::UnsizedFiller(n) => {
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = *n;
            while left > 0 {
                let k = left.min(chunk.len());
                stream.write_all(&chunk[..k])?;
                left -= k;
            }
        }
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

pub fn url_decode_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (url_decode(k), url_decode(v))
        })
        .collect()
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A CA and a server certificate for localhost / 127.0.0.1, made fresh.
struct TestCa {
    ca_pem: String,
    server_config: rustls::ServerConfig,
}

impl TestCa {
    fn new(expired: bool) -> TestCa {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "jwtinspect test CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA cert");
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf_key = KeyPair::generate().expect("server key");
        let mut leaf_params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("server params");
        if expired {
            leaf_params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            leaf_params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let leaf = leaf_params
            .signed_by(&leaf_key, &issuer)
            .expect("server cert");

        let key_der =
            rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).expect("key der");
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let server_config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone(), ca_cert.der().clone()], key_der)
            .expect("server config");
        TestCa {
            ca_pem: ca_cert.pem(),
            server_config,
        }
    }
}

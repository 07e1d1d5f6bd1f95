//! `jwtinspect serve`: the local web debugger. One page and its API on
//! 127.0.0.1, guarded against the other origins a browser talks to (see
//! `guard`): the page sends what is pasted to this server only, the API runs
//! the same inspection as the command line (`api`), and nothing is logged or
//! written anywhere.

mod api;
mod guard;
mod page;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::config::Settings;
use crate::error::{Error, Exit};
use crate::messages;
use crate::scan::input::Input;

use guard::{Guard, Refusal, BODY_LIMIT};

/// The command line's inspection of inputs into a report (`app` hands it
/// in, so the page's answers come from the very code the CLI runs).
pub type Inspect = fn(&[Input], Settings, &mut Vec<u8>) -> Result<Exit, Error>;

/// What `jwtinspect serve` was asked for.
pub struct Options {
    /// 0: any free port.
    pub port: u16,
    /// Open the address in a browser.
    pub open: bool,
    /// The settings of a plain run: each request adds its key and time.
    pub base: Settings,
    pub inspect: Inspect,
}

/// How often the accept loop looks at the stop flag: a signal stops the
/// server within this (plus the request in hand), well inside 2 s.
const POLL: Duration = Duration::from_millis(100);
/// Requests handled at once; more get 503 until one is done.
const MAX_ACTIVE: usize = 8;

/// Serve until SIGINT or SIGTERM.
pub fn run(options: &Options) -> Result<Exit, Error> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::io("setting up the SIGINT/SIGTERM handler", e))?;
    }
    let server = Server::http(("127.0.0.1", options.port)).map_err(|e| {
        Error::usage(format!(
            "serve: cannot listen on 127.0.0.1:{}: {e}; choose another --port, or leave it out for a free one",
            options.port
        ))
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
    let guard = Arc::new(Guard::new(port, random_key()?));
    let api = Arc::new(api::Api::new(options.base.clone(), options.inspect));
    let address = guard.address();
    messages::note(&format!(
        "serving the web debugger on {address} (127.0.0.1 only; Ctrl-C stops it)"
    ));
    if options.open {
        if let Err(why) = open_browser(&address) {
            messages::note(&format!("{why}; open the address above yourself"));
        }
    }
    let active = Arc::new(AtomicUsize::new(0));
    while !stop.load(Ordering::Relaxed) {
        let request = match server.recv_timeout(POLL) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            // A connection that broke before its request was read: next one.
            Err(_) => continue,
        };
        if active.fetch_add(1, Ordering::AcqRel) >= MAX_ACTIVE {
            active.fetch_sub(1, Ordering::AcqRel);
            let _ = request.respond(refusal(Refusal::Busy));
            continue;
        }
        let guard = Arc::clone(&guard);
        let api = Arc::clone(&api);
        let active = Arc::clone(&active);
        std::thread::spawn(move || {
            handle(&guard, &api, request);
            active.fetch_sub(1, Ordering::AcqRel);
        });
    }
    messages::note("stopped");
    Ok(Exit::Ok)
}

/// The per-run key: 24 random bytes, base64url (32 characters).
fn random_key() -> Result<String, Error> {
    use base64::Engine;
    let mut bytes = [0u8; 24];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Error::usage("serve: the system random number generator failed"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// `$BROWSER` (a `:`-separated list, as on Debian), else the system's opener.
/// Err says why none worked.
fn open_browser(address: &str) -> Result<(), String> {
    let from_env = std::env::var("BROWSER").unwrap_or_default();
    let mut candidates: Vec<String> = from_env
        .split(':')
        .filter(|c| !c.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let system = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    candidates.push(system.to_owned());
    let mut failures = Vec::new();
    for candidate in candidates {
        // `$BROWSER` may carry arguments ("firefox --new-window"), and `%s`
        // where the address goes.
        let mut words = candidate.split_whitespace();
        let Some(program) = words.next() else {
            continue;
        };
        let mut args: Vec<String> = words.map(str::to_owned).collect();
        if let Some(slot) = args.iter_mut().find(|a| a.contains("%s")) {
            *slot = slot.replace("%s", address);
        } else {
            args.push(address.to_owned());
        }
        let spawned = messages::quiet(
            Command::new(program)
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::null()),
        )
        .spawn();
        match spawned {
            Ok(mut child) => {
                // An opener that fails at once (no display, no handler) is
                // "none worked"; one still running after a moment has a window.
                match wait_briefly(&mut child) {
                    Some(false) => failures.push(format!("{program} failed")),
                    _ => {
                        std::thread::spawn(move || child.wait());
                        return Ok(());
                    }
                }
            }
            Err(e) => failures.push(format!("{program}: {e}")),
        }
    }
    Err(format!(
        "could not open a browser ({})",
        failures.join(", ")
    ))
}

/// Some(success) when the child ends within 2 s, None while it runs on.
fn wait_briefly(child: &mut std::process::Child) -> Option<bool> {
    for _ in 0..20 {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status.success());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Answer one request: the guard first, then the route.
fn handle(guard: &Guard, api: &api::Api, mut request: Request) {
    let response = match answer(guard, api, &mut request) {
        Ok(r) => r,
        Err(refused) => refusal(refused),
    };
    // The client went away: nothing to do, nothing to log.
    let _ = request.respond(response);
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn answer(guard: &Guard, api: &api::Api, request: &mut Request) -> Result<Reply, Refusal> {
    guard::check_header_size(
        request.url(),
        request
            .headers()
            .iter()
            .map(|h| (h.field.as_str().as_str(), h.value.as_str())),
    )?;
    let headers = request.headers().to_vec();
    let header = |name: &'static str| {
        headers
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_owned())
    };
    guard.check_host(header("Host").as_deref())?;
    guard.check_origin(
        header("Origin").as_deref(),
        header("Sec-Fetch-Site").as_deref(),
    )?;
    let (path, query) = request.url().split_once('?').unwrap_or((request.url(), ""));
    let path = path.to_owned();
    let method = request.method().clone();
    match (path.as_str(), &method) {
        ("/" | "/index.html", Method::Get | Method::Head) => Ok(asset(page::HTML, "text/html")),
        ("/page.js", Method::Get | Method::Head) => Ok(asset(page::JS, "text/javascript")),
        ("/page.css", Method::Get | Method::Head) => Ok(asset(page::CSS, "text/css")),
        ("/favicon.svg" | "/favicon.ico", Method::Get | Method::Head) => {
            Ok(asset(page::ICON, "image/svg+xml"))
        }
        (p, Method::Post) if p.starts_with("/api/") => {
            guard.check_key(query)?;
            let ctype = header("Content-Type").unwrap_or_default();
            if !ctype.starts_with("application/json") {
                return Err(Refusal::ContentType);
            }
            let body = read_body(request)?;
            let (status, json) = api.call(&p["/api/".len()..], &body)?;
            Ok(json_reply(status, &json))
        }
        ("/" | "/index.html" | "/page.js" | "/page.css" | "/favicon.svg" | "/favicon.ico", _) => {
            Err(Refusal::Method)
        }
        (p, _) if p.starts_with("/api/") => Err(Refusal::Method),
        _ => Err(Refusal::NotFound),
    }
}

/// The body, at most `BODY_LIMIT` bytes; a longer one is refused unread
/// when its length is announced, else as soon as it passes the limit.
fn read_body(request: &mut Request) -> Result<Vec<u8>, Refusal> {
    if request.body_length().is_some_and(|n| n > BODY_LIMIT) {
        return Err(Refusal::TooLarge);
    }
    let mut body = Vec::new();
    request
        .as_reader()
        .take(BODY_LIMIT as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|_| Refusal::Malformed("the request body could not be read".to_owned()))?;
    if body.len() > BODY_LIMIT {
        return Err(Refusal::TooLarge);
    }
    Ok(body)
}

/// Headers every answer carries: the page may load only from this origin,
/// nothing may frame it, nothing is cached or sent on as a referrer.
const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("Content-Security-Policy", guard::CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
];

fn with_headers(mut response: Reply, content_type: &str) -> Reply {
    let ctype = format!("{content_type}; charset=utf-8");
    let all = SECURITY_HEADERS
        .iter()
        .copied()
        .chain([("Content-Type", ctype.as_str())]);
    for (name, value) in all {
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    response
}

fn asset(body: &str, content_type: &str) -> Reply {
    with_headers(Response::from_data(body.as_bytes().to_vec()), content_type)
}

fn json_reply(status: u16, value: &serde_json::Value) -> Reply {
    let body = serde_json::to_vec(value).unwrap_or_default();
    with_headers(
        Response::from_data(body).with_status_code(status),
        "application/json",
    )
}

fn refusal(refused: Refusal) -> Reply {
    let status = refused.status();
    let mut reply = json_reply(status, &serde_json::json!({ "error": refused.message() }));
    if status == 413 {
        // The unread rest of the body must not be taken for a next request.
        if let Ok(h) = Header::from_bytes(&b"Connection"[..], &b"close"[..]) {
            reply.add_header(h);
        }
    }
    reply
}

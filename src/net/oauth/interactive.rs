//! The two grants a person completes: the authorization code flow (PKCE
//! S256, state, nonce, a loopback listener on 127.0.0.1) and the device
//! flow (RFC 8628). Both wait at most `Login::wait`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

use crate::config::Browser;
use crate::error::Error;
use crate::net::http::Http;
use crate::sanitize;
use crate::secret::Secret;

use super::client::Outcome;
use super::grants::{self, Login, DEVICE_CODE};
use super::TokenSet;
use crate::net::login::excerpt;

/// The authorization code flow.
pub fn authorization_code(http: &Http, login: &Login) -> Result<TokenSet, Error> {
    let authorize = login.issuer.endpoint(
        &login.issuer.authorization_endpoint,
        "authorization_endpoint",
    )?;
    let port = login.redirect_port.unwrap_or(0);
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        Error::Network(format!(
            "the redirect listener could not use 127.0.0.1:{port}: {e}{}",
            if port != 0 {
                " (is the port in use? choose another with --redirect-port, or leave it out for a free one)"
            } else {
                ""
            }
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::io("the redirect listener", e))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let state = super::random_text(24)?;
    let nonce = super::random_text(24)?;
    let verifier = super::random_text(48)?;
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()),
    );

    let mut url = reqwest::Url::parse(authorize).map_err(|e| {
        Error::Network(format!(
            "the issuer's authorization_endpoint {} is not a URL: {e}",
            sanitize::escape(authorize)
        ))
    })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &login.client.id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        for (k, v) in target_pairs(login) {
            q.append_pair(&k, &v);
        }
        // OpenID Connect Core §11: offline_access is granted only after consent.
        if login.scopes.iter().any(|s| s == "offline_access") {
            q.append_pair("prompt", "consent");
        }
    }
    let deadline = Instant::now() + login.wait;
    let mut helper = open(&login.browser, url.as_str())?;
    let callback = wait_for_callback(&listener, deadline, login.wait);
    if let Some(child) = helper.as_mut() {
        let _ = child.try_wait();
    }
    let params = callback?;
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if let Some(error) = get("error") {
        let mut msg = format!("the authorization was refused: {}", excerpt(error));
        if let Some(d) = get("error_description") {
            msg.push_str(&format!(": {}", excerpt(d)));
        }
        return Err(Error::Network(msg));
    }
    if get("state") != Some(state.as_str()) {
        return Err(Error::Network(
            "the callback's state is not the one sent: the answer is not for this login (a forged or stale redirect); no token was requested".to_owned(),
        ));
    }
    if let Some(iss) = get("iss") {
        if iss != login.issuer.issuer {
            return Err(Error::Network(format!(
                "the callback names issuer {}, not {} (RFC 9207): refused",
                excerpt(iss),
                excerpt(&login.issuer.issuer)
            )));
        }
    }
    let Some(code) = get("code").filter(|c| !c.is_empty()) else {
        return Err(Error::Network(
            "the callback carries neither a code nor an error".to_owned(),
        ));
    };
    let mut fields = vec![
        ("grant_type".to_owned(), Secret::new("authorization_code")),
        ("code".to_owned(), Secret::new(code)),
        ("redirect_uri".to_owned(), Secret::new(redirect_uri)),
        ("code_verifier".to_owned(), Secret::new(verifier)),
    ];
    fields.extend(login.params.iter().cloned());
    let mut tokens = grants::token_request(http, login, fields)?;
    tokens.nonce = Some(nonce);
    Ok(tokens)
}

/// scope, audience and resource as plain pairs for the authorization URL.
fn target_pairs(login: &Login) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut scopes = login.scopes.clone();
    if login.issuer.scopes_supported.iter().any(|s| s == "openid")
        && !scopes.iter().any(|s| s == "openid")
    {
        scopes.insert(0, "openid".to_owned());
    }
    if !scopes.is_empty() {
        out.push(("scope".to_owned(), scopes.join(" ")));
    }
    if let Some(aud) = &login.audience {
        out.push(("audience".to_owned(), aud.clone()));
    }
    for r in &login.resources {
        out.push(("resource".to_owned(), r.clone()));
    }
    out
}

/// Hand the URL to the user's browser; `--no-browser` prints it.
fn open(browser: &Browser, url: &str) -> Result<Option<std::process::Child>, Error> {
    let print = || super::say(&format!("open this URL in a browser to log in: {url}"));
    let spawn = |mut cmd: Command| {
        cmd.stdin(Stdio::null()).stdout(Stdio::null());
        crate::messages::quiet(&mut cmd).spawn()
    };
    match browser {
        Browser::Print => {
            print();
            Ok(None)
        }
        Browser::Command(line) => {
            // The URL is the one argument: "$1" of a shell running CMD.
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!("{line} \"$1\""))
                .arg("sh")
                .arg(url);
            spawn(cmd).map(Some).map_err(|e| {
                Error::usage(format!(
                    "--browser-command {}: could not run it: {e}",
                    sanitize::escape(line)
                ))
            })
        }
        Browser::System => {
            let cmd = if cfg!(target_os = "macos") {
                let mut c = Command::new("open");
                c.arg(url);
                c
            } else if cfg!(windows) {
                let mut c = Command::new("cmd");
                c.args(["/C", "start", ""]).arg(url);
                c
            } else {
                let mut c = Command::new("xdg-open");
                c.arg(url);
                c
            };
            super::say(&format!(
                "opening the browser; if it does not open, visit: {url}"
            ));
            match spawn(cmd) {
                Ok(child) => Ok(Some(child)),
                Err(_) => {
                    print();
                    Ok(None)
                }
            }
        }
    }
}

/// Accept connections until one is the callback; answer it with a short page.
fn wait_for_callback(
    listener: &TcpListener,
    deadline: Instant,
    wait: Duration,
) -> Result<Vec<(String, String)>, Error> {
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io("the redirect listener", e))?;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(params) = answer(stream) {
                    return Ok(params);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(Error::Network(format!(
                        "no callback from the browser within {}s (--timeout); the login was not completed",
                        wait.as_secs()
                    )));
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(e) => return Err(Error::io("the redirect listener", e)),
        }
    }
}

/// Read one request; the callback's query parameters, or None for any other path.
fn answer(mut stream: TcpStream) -> Option<Vec<(String, String)>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.by_ref().take(16 * 1024).read_line(&mut line).ok()?;
    // Drain the headers.
    let mut header = String::new();
    while reader
        .by_ref()
        .take(16 * 1024)
        .read_line(&mut header)
        .ok()?
        > 2
    {
        header.clear();
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let parsed = reqwest::Url::parse(&format!("http://127.0.0.1{target}")).ok();
    let is_callback = parsed.as_ref().is_some_and(|u| u.path() == "/callback");
    let (status, page) = if is_callback {
        ("200 OK", "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>jwtinspect</title></head><body><p>jwtinspect received the answer. You can close this window.</p></body></html>")
    } else {
        ("404 Not Found", "not found")
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.flush();
    if !is_callback {
        return None;
    }
    parsed.map(|u| {
        u.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
}

/// The device flow (RFC 8628).
pub fn device_code(http: &Http, login: &Login) -> Result<TokenSet, Error> {
    let endpoint = login.issuer.endpoint(
        &login.issuer.device_authorization_endpoint,
        "device_authorization_endpoint",
    )?;
    let token_endpoint = &login.issuer.token_endpoint;
    let mut fields: Vec<(String, Secret)> = target_pairs(login)
        .into_iter()
        .map(|(k, v)| (k, Secret::new(v)))
        .collect();
    fields.extend(login.params.iter().cloned());
    let body = match login.client.post(http, endpoint, token_endpoint, fields)? {
        Outcome::Ok { body, .. } => body,
        Outcome::Refused(r) => return Err(Error::Network(r.message)),
    };
    let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(device_code), Some(user_code), Some(uri)) = (
        text("device_code"),
        text("user_code"),
        text("verification_uri").or_else(|| text("verification_url")),
    ) else {
        return Err(Error::Network(format!(
            "{endpoint}: the answer lacks device_code, user_code or verification_uri: {}",
            excerpt(&body)
        )));
    };
    let device_code = Secret::new(device_code);
    let mut interval = answer
        .get("interval")
        .and_then(Value::as_u64)
        .unwrap_or(5)
        .max(1);
    let expires = answer
        .get("expires_in")
        .and_then(Value::as_u64)
        .map(Duration::from_secs);
    super::say(&format!(
        "to log in, open {} and enter the code {}",
        sanitize::escape(&uri),
        sanitize::escape(&user_code)
    ));
    if let Some(complete) = text("verification_uri_complete") {
        super::say(&format!(
            "(or open {}, which carries the code)",
            sanitize::escape(&complete)
        ));
    }
    let started = Instant::now();
    let wait = match expires {
        Some(e) => e.min(login.wait),
        None => login.wait,
    };
    loop {
        let pause = Duration::from_secs(interval);
        if started.elapsed() + pause > wait {
            return Err(Error::Network(format!(
                "the device login was not completed within {}s (--timeout or the code's expiry)",
                wait.as_secs()
            )));
        }
        std::thread::sleep(pause);
        let mut poll = vec![
            ("grant_type".to_owned(), Secret::new(DEVICE_CODE)),
            ("device_code".to_owned(), device_code.clone()),
        ];
        poll.extend(login.params.iter().cloned());
        match login
            .client
            .post(http, token_endpoint, token_endpoint, poll)?
        {
            Outcome::Ok { label, body } => return grants::tokens(&label, &body),
            Outcome::Refused(r) => match r.error.as_str() {
                "authorization_pending" => {}
                "slow_down" => {
                    interval += 5;
                    super::say(&format!(
                        "the issuer asked to slow down: polling every {interval}s"
                    ));
                }
                "access_denied" => {
                    return Err(Error::Network(format!(
                        "the device login was denied: {}",
                        r.message
                    )))
                }
                "expired_token" => {
                    return Err(Error::Network(format!(
                        "the device code expired before the login was completed: {}",
                        r.message
                    )))
                }
                _ => return Err(Error::Network(r.message)),
            },
        }
    }
}

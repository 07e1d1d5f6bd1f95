//! Network hardening (issue 13, items 8–13): a login's credentials never go
//! to an origin the user did not name, `--timeout` bounds the whole request,
//! the password is blanked in every encoding it was sent in, tokens in any
//! 2xx answer are found and never quoted whole in an error, TLS failures
//! name the failing host with the hint that fits, and a discovery document
//! pointing its keys at a file is the server's fault. Servers run in the
//! test on 127.0.0.1.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::time::{Duration, Instant};

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use support::server::{Reply, Request, Server};
use support::{b64url, json_lines, jwtinspect, stderr_of, stdout_of};

const NOW_ARG: &str = "1750000000";
/// A password holding characters every encoding spells differently.
const PASSWORD: &str = "pa ss\"w\\rd&=+/é?";
const SECRET: &[u8] = b"a test secret of thirty-two bytes or more, for HS256";

fn hs256(claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET),
    )
    .expect("sign")
}

fn access() -> String {
    hs256(&json!({"sub": "campjo", "exp": 1_750_000_600}))
}

fn login(provider: &str, url: &str) -> assert_cmd::Command {
    let mut cmd = jwtinspect();
    cmd.args([
        "login",
        "--provider",
        provider,
        "-u",
        "campjo",
        "--url",
        url,
    ])
    .args(["--password-stdin", "--now", NOW_ARG])
    .write_stdin(format!("{PASSWORD}\n"));
    cmd
}

/// `scheme://host:port` of a server.
fn origin(server: &Server) -> String {
    server.base.clone()
}

fn context(out: &Output) -> String {
    format!("stdout: {}\nstderr: {}", stdout_of(out), stderr_of(out))
}

// ----------------------------------------------- 13.8 cross-origin redirects

#[test]
fn login_credentials_never_follow_a_redirect_to_another_origin() {
    let thief = Server::http(|_| Reply::json(200, &json!({"access_token": access()})));
    let target = thief.url("/steal");
    for status in [307, 308] {
        for provider in ["immport", "itempath"] {
            let to = target.clone();
            let server = Server::http(move |_| Reply::redirect(status, &to));
            let url = server.url("/login");
            let out = login(provider, &url).output().expect("run");
            assert_eq!(out.status.code(), Some(3), "{}", context(&out));
            let stderr = stderr_of(&out);
            assert!(stderr.contains(&origin(&server)), "{stderr}");
            assert!(stderr.contains(&origin(&thief)), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(!stderr.contains(PASSWORD), "{stderr}");
        }
    }
    assert!(
        thief.requests().is_empty(),
        "the other origin received {:?}",
        thief.requests()
    );
}

#[test]
fn a_same_origin_redirect_of_a_login_is_followed() {
    let server = Server::http(|req: &Request| match req.path.as_str() {
        "/old" => Reply::redirect(307, "/auth/token"),
        _ => Reply::json(200, &json!({"access_token": access()})),
    });
    let out = login("immport", &server.url("/old"))
        .arg("--print-token")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    assert_eq!(stdout_of(&out), format!("{}\n", access()));
}

// ------------------------------------------------------ 13.9 total timeout

/// A server that sends its headers, then one body byte every 300 ms for a minute.
fn trickling_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut conn = conn;
                let mut request = [0u8; 4096];
                let _ = conn.read(&mut request);
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n";
                if conn.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for _ in 0..200 {
                    std::thread::sleep(Duration::from_millis(300));
                    if conn.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    base
}

#[test]
fn timeout_bounds_the_whole_request_not_each_read() {
    let base = trickling_server();
    let token = access();
    let runs: Vec<Vec<String>> = vec![
        vec![
            "login".into(),
            "--provider".into(),
            "form".into(),
            "-u".into(),
            "campjo".into(),
            "--password-stdin".into(),
            "--url".into(),
            format!("{base}/login"),
        ],
        vec!["--jwks-url".into(), format!("{base}/jwks"), token.clone()],
        vec!["--discover".into(), format!("{base}/issuer"), token],
    ];
    for args in runs {
        let started = Instant::now();
        let out = jwtinspect()
            .args(&args)
            .args(["--timeout", "2", "--now", NOW_ARG])
            .write_stdin(format!("{PASSWORD}\n"))
            .output()
            .expect("run");
        let took = started.elapsed();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", context(&out));
        assert!(
            stderr_of(&out).contains("within 2s"),
            "{args:?}: {}",
            context(&out)
        );
        // The trickle lasts a minute: only a total deadline ends it this soon.
        assert!(took < Duration::from_secs(15), "{args:?} took {took:?}");
    }
}

// ------------------------------------------------ 13.10 password encodings

fn percent_all(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn the_password_is_blanked_in_every_encoding_it_was_sent_in() {
    let form = {
        let mut s = String::new();
        for b in PASSWORD.bytes() {
            match b {
                b' ' => s.push('+'),
                b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => s.push(b as char),
                b => s.push_str(&format!("%{b:02X}")),
            }
        }
        s
    };
    let json_escaped = serde_json::to_string(PASSWORD).expect("JSON");
    let json_inner = json_escaped[1..json_escaped.len() - 1].to_owned();
    let percent = percent_all(PASSWORD);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("campjo:{PASSWORD}"));
    for (provider, echo) in [
        ("immport", form.clone()),
        ("immport", percent.clone()),
        ("itempath", json_inner.clone()),
        ("immport", basic.clone()),
    ] {
        let said = format!("rejected {echo} for campjo");
        let server = Server::http(move |_| Reply::raw(401, "text/plain", said.clone()));
        let out = login(provider, &server.url("/login"))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(3), "{}", context(&out));
        let stderr = stderr_of(&out);
        for leaked in [PASSWORD, &form, &json_inner, &percent, &basic] {
            assert!(!stderr.contains(leaked), "{leaked:?} in {stderr}");
        }
        assert!(stderr.contains("rejected"), "{stderr}");
    }
}

// -------------------------------------------- 13.11 tokens in any 2xx body

#[test]
fn tokens_in_a_2xx_answer_that_is_not_json_are_found() {
    let token = access();
    let deep = format!("{}\"{token}\"{}", "[".repeat(300), "]".repeat(300));
    for (content_type, body) in [
        (
            "application/x-www-form-urlencoded",
            format!("access_token={token}&token_type=bearer&expires_in=600"),
        ),
        ("text/plain", format!("Bearer {token}")),
        ("application/json", deep),
    ] {
        let body2 = body.clone();
        let server = Server::http(move |_| Reply::raw(200, content_type, body2.clone()));
        let out = login("form", &server.url("/login"))
            .arg("--print-token")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{body}: {}", context(&out));
        assert_eq!(stdout_of(&out), format!("{token}\n"));
    }
}

#[test]
fn an_error_never_quotes_a_token_whole() {
    let token = access();
    let said = format!("token {token} was revoked");
    let server = Server::http(move |_| Reply::raw(401, "text/plain", said.clone()));
    let out = login("form", &server.url("/login")).output().expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", context(&out));
    let stderr = stderr_of(&out);
    assert!(!stderr.contains(&token), "{stderr}");
    assert!(stderr.contains(&token[..10]), "{stderr}");
    assert!(stderr.contains(&token.len().to_string()), "{stderr}");
    assert!(stderr.contains("was revoked"), "{stderr}");
}

// ------------------------------------------------------------- 13.12 TLS

fn jwks_handler(req: &Request) -> Reply {
    match req.path.as_str() {
        "/jwks.json" => Reply::json(200, &json!({"keys": [{"kty": "oct", "k": b64url(SECRET)}]})),
        _ => Reply::raw(404, "text/plain", "not found"),
    }
}

#[test]
fn a_tls_failure_at_a_redirect_target_names_that_host() {
    let untrusted = Server::https(jwks_handler);
    let to = untrusted.url("/jwks.json");
    let first = Server::https(move |_| Reply::redirect(302, &to));
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = first.ca_file(dir.path());
    let out = jwtinspect()
        .args(["--now", NOW_ARG, "--jwks-url", &first.url("/keys")])
        .arg("--cacert")
        .arg(&ca)
        .arg(access())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", context(&out));
    let stderr = stderr_of(&out);
    let port = untrusted.base.rsplit(':').next().unwrap_or_default();
    assert!(stderr.contains(&format!("localhost:{port}")), "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");
}

#[test]
fn an_expired_certificate_is_not_told_to_use_cacert() {
    let server = Server::https_expired(jwks_handler);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = server.ca_file(dir.path());
    let out = jwtinspect()
        .args(["--now", NOW_ARG, "--jwks-url", &server.url("/jwks.json")])
        .arg("--cacert")
        .arg(&ca)
        .arg(access())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", context(&out));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("expired"), "{stderr}");
    assert!(!stderr.contains("--cacert FILE trusts"), "{stderr}");
}

// ------------------------------------------------------- 13.13 discovery

fn discovery(tls: bool, jwks_uri: impl Fn(&str) -> String + Send + Sync + 'static) -> Server {
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let seen = std::sync::Arc::clone(&base);
    let handler = move |req: &Request| {
        let base = seen.get().cloned().unwrap_or_default();
        match req.path.as_str() {
            "/jwks.json" => jwks_handler(req),
            p if p.ends_with("/.well-known/openid-configuration") => Reply::json(
                200,
                &json!({"issuer": format!("{base}/iss"), "jwks_uri": jwks_uri(&base)}),
            ),
            _ => Reply::raw(404, "text/plain", "not found"),
        }
    };
    let server = if tls {
        Server::https(handler)
    } else {
        Server::http(handler)
    };
    base.set(server.base.clone()).expect("once");
    server
}

#[test]
fn a_discovery_document_pointing_keys_at_a_file_or_a_relative_path_is_exit_3() {
    for uri in ["file:///etc/passwd", "/jwks.json", "jwks.json"] {
        let server = discovery(false, move |_| uri.to_owned());
        let issuer = server.url("/iss");
        let token = hs256(&json!({"sub": "x", "iss": issuer, "exp": 1_750_000_600}));
        let out = jwtinspect()
            .args(["--now", NOW_ARG, "--discover", &issuer, &token])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(3), "{uri}: {}", context(&out));
        assert!(stderr_of(&out).contains("jwks_uri"), "{}", context(&out));
    }
}

#[test]
fn an_upper_case_scheme_is_a_valid_jwks_uri() {
    let server = discovery(true, |base| {
        format!("{}/jwks.json", base.replacen("https", "HTTPS", 1))
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = server.ca_file(dir.path());
    let issuer = server.url("/iss");
    let token = hs256(&json!({"sub": "x", "iss": issuer, "exp": 1_750_000_600}));
    let out = jwtinspect()
        .args(["--now", NOW_ARG, "--json", "--discover", &issuer, &token])
        .arg("--cacert")
        .arg(&ca)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    assert_eq!(json_lines(&out)[0]["signature"]["verified"], json!(true));
}

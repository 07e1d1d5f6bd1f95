//! `jwtinspect serve` over HTTP: what a browser, another web site or a
//! script on this machine gets from it. Each test starts the real binary on a
//! free 127.0.0.1 port and talks raw HTTP/1.1 to it.

mod serve_support;

use std::time::Duration;

use serde_json::{json, Value};
use serve_support::{binary, hs256, Served};

/// Every time judgement in these tests is as of this instant.
const NOW: &str = "2030-01-01T00:00:00Z";
const NOW_UNIX: i64 = 1_893_456_000;
const SECRET: &[u8] = b"a test secret of thirty-two bytes!";

fn claims(exp: i64) -> Value {
    json!({
        "user_name": "campjo",
        "authorities": ["ROLE_USER", "ROLE_ADMIN"],
        "scope": ["browse", "download"],
        "iat": exp - 3600,
        "exp": exp,
    })
}

#[test]
fn the_page_carries_a_strict_csp_and_loads_nothing_from_elsewhere() {
    let s = Served::start();
    let page = s.get("/");
    assert_eq!(page.status, 200);
    let html = page.text();
    for id in [r#"id="token""#, r#"id="key""#, r#"id="inspect""#] {
        assert!(html.contains(id), "the page lacks {id}");
    }
    let csp = page.header("Content-Security-Policy").expect("CSP header");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "CSP lacks {directive}: {csp}");
    }
    assert!(!csp.contains("unsafe"), "CSP allows unsafe sources: {csp}");
    // No inline script or style (the CSP would block them anyway), and every
    // src/href is a path on this server.
    assert!(!html.contains("<script>") && !html.contains("style="));
    let elsewhere: Vec<&str> = html
        .split(['"', ' '])
        .filter(|w| w.starts_with("http") || w.starts_with("//"))
        .collect();
    assert!(
        elsewhere.is_empty(),
        "the page names other origins: {elsewhere:?}"
    );
    for (path, ctype) in [
        ("/page.js", "text/javascript"),
        ("/page.css", "text/css"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("Content-Type").unwrap_or("").starts_with(ctype));
        assert!(r.header("Content-Security-Policy").is_some(), "{path}");
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        let text = r.text();
        assert!(!text.contains("https://"), "{path} names an https origin");
        assert!(!text.contains("localStorage") && !text.contains("document.cookie"));
    }
    assert_eq!(s.get("/nothing-here").status, 404);
}

#[test]
fn another_host_name_is_refused() {
    let s = Served::start();
    let port = s.port;
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "127.0.0.1".to_owned(),
        format!("rebind.attacker.test:{port}"),
    ] {
        let r = s.request("GET", "/", &[("Host", &host)], b"");
        assert_eq!(r.status, 403, "Host {host}");
        assert!(
            !r.text().contains("id=\"token\""),
            "page served to Host {host}"
        );
    }
    let r = s.request("GET", "/", &[("Host", &format!("localhost:{port}"))], b"");
    assert_eq!(r.status, 200);
    // The API is guarded the same way, key or not.
    let r = s.request(
        "POST",
        &format!("/api/inspect?k={}", s.key),
        &[
            ("Host", &format!("evil.example:{port}")),
            ("Content-Type", "application/json"),
        ],
        br#"{"text":"x"}"#,
    );
    assert_eq!(r.status, 403);
}

#[test]
fn the_api_needs_the_per_run_key() {
    let s = Served::start();
    assert!(s.key.len() >= 16, "key too short: {}", s.key);
    let token = hs256(&claims(NOW_UNIX + 600), SECRET);
    let body = json!({ "text": token, "now": NOW }).to_string();
    let wrong = format!("{}x", s.key);
    for query in ["", "?k=", "?k=guess", &format!("?k={wrong}")] {
        let r = s.request(
            "POST",
            &format!("/api/inspect{query}"),
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 401, "query {query:?}");
        assert!(!r.text().contains("campjo"), "{query:?} got an inspection");
    }
    let r = s.api("inspect", &json!({ "text": token, "now": NOW }));
    assert_eq!(r.status, 200, "{}", r.text());
    // A second run has another key.
    let other = Served::start();
    assert_ne!(other.key, s.key);
}

#[test]
fn a_foreign_origin_is_refused_and_no_cors_header_is_sent() {
    let s = Served::start();
    let token = hs256(&claims(NOW_UNIX + 600), SECRET);
    let body = json!({ "text": token }).to_string();
    let path = format!("/api/inspect?k={}", s.key);
    for origin in ["https://evil.example", "null", "http://127.0.0.1:1"] {
        let r = s.request(
            "POST",
            &path,
            &[("Origin", origin), ("Content-Type", "application/json")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 403, "Origin {origin}");
        assert!(!r.text().contains("campjo"));
        // A CORS preflight gets no permission either.
        let r = s.request(
            "OPTIONS",
            &path,
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
            ],
            b"",
        );
        assert!((400..500).contains(&r.status), "preflight from {origin}");
        assert!(r.header("Access-Control-Allow-Origin").is_none());
    }
    // The page's own origin is fine, and still no CORS header is needed.
    let r = s.request(
        "POST",
        &path,
        &[
            ("Origin", &s.origin()),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("Access-Control-Allow-Origin").is_none());
    // A browser that says the request is cross-site is believed.
    let r = s.request(
        "POST",
        &path,
        &[
            ("Sec-Fetch-Site", "cross-site"),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 403);
    // A form post (no JSON content type) from anywhere is refused.
    let r = s.request(
        "POST",
        &path,
        &[("Content-Type", "text/plain")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 415);
}

#[test]
fn oversized_and_malformed_requests_get_a_4xx_and_the_server_goes_on() {
    let s = Served::start();
    let path = format!("/api/inspect?k={}", s.key);
    // Announced too large: refused without reading it.
    let mut big = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        s.port,
        3 * 1024 * 1024
    )
    .into_bytes();
    big.extend(std::iter::repeat_n(b'a', 3 * 1024 * 1024));
    assert_eq!(s.raw(&big).status, 413);
    // Chunked, with no length announced: refused once it passes the cap.
    let mut chunked = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.port
    )
    .into_bytes();
    for _ in 0..40 {
        chunked.extend_from_slice(b"10000\r\n");
        chunked.extend(std::iter::repeat_n(b'a', 0x10000));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(s.raw(&chunked).status, 413);
    // Not JSON, JSON of the wrong shape, no token at all.
    for body in [&b"{not json"[..], br#"{"token": 1}"#, br#"{"text": 5}"#] {
        let r = s.request("POST", &path, &[("Content-Type", "application/json")], body);
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(body));
        assert!(r.json()["error"].as_str().is_some());
    }
    let r = s.api("inspect", &json!({ "text": "hello, no token here" }));
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"].as_str().unwrap_or("").contains("no JWT"),
        "{}",
        r.text()
    );
    // Header fields, or a target, past 16 KiB: 431 (before the Host check).
    let long = "a".repeat(20 * 1024);
    let r = s.request("GET", "/", &[("X-Padding", long.as_str())], b"");
    assert_eq!(r.status, 431, "{}", r.text());
    let many: Vec<(String, String)> = (0..400)
        .map(|i| (format!("X-N{i}"), "b".repeat(60)))
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(s.request("GET", "/", &many, b"").status, 431);
    assert_eq!(s.request("GET", &format!("/?{long}"), &[], b"").status, 431);
    // A request line that is not HTTP.
    let r = s.raw(b"\x16\x03\x01 garbage\r\n\r\n");
    assert!((400..500).contains(&r.status), "garbage got {}", r.status);
    assert_eq!(s.request("DELETE", "/", &[], b"").status, 405);
    assert_eq!(s.request("GET", &path, &[], b"").status, 405);
    // Still serving.
    let token = hs256(&claims(NOW_UNIX + 600), SECRET);
    let r = s.api("inspect", &json!({ "text": token, "now": NOW }));
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn sigterm_and_sigint_stop_it_within_two_seconds() {
    for signal in ["TERM", "INT"] {
        let mut s = Served::start();
        assert_eq!(s.get("/").status, 200);
        let took = s.signal_and_wait(signal, Duration::from_secs(2));
        assert!(took.is_some(), "SIG{signal}: still running after 2 s");
        assert_eq!(s.exited().and_then(|st| st.code()), Some(0), "SIG{signal}");
    }
}

/// The CLI's `--json` line and human report for `token` read on stdin.
fn cli(token: &str, extra: &[&str]) -> (Value, String) {
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::new(binary())
            .args(["--now", NOW, "--color", "never"])
            .args(extra)
            .args(args)
            .write_stdin(format!("{token}\n"))
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let line = run(&["--json"]);
    let json = serde_json::from_str(line.lines().next().unwrap_or("")).expect("JSON line");
    (json, run(&[]))
}

/// The finding codes of a token object.
fn codes(token: &Value) -> Vec<&str> {
    let findings = token["findings"].as_array().map(Vec::as_slice);
    findings
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect()
}

/// A token object of the API without what is only the page's (`notes`, `verdict`)
/// and what names the input (`source`).
fn comparable(mut token: Value) -> Value {
    if let Some(map) = token.as_object_mut() {
        map.remove("notes");
        map.remove("verdict");
        map.remove("source");
    }
    token
}

#[test]
fn the_api_answers_what_the_command_line_says() {
    let s = Served::start();
    let expired = hs256(&claims(NOW_UNIX - 90_000), SECRET);
    let secret = String::from_utf8_lossy(SECRET).into_owned();
    let r = s.api(
        "inspect",
        &json!({ "text": format!("Authorization: Bearer {expired}"), "key": secret, "now": NOW }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = r.json();
    let token = &answer["tokens"][0];
    assert_eq!(token["summary"]["username"], "campjo");
    assert_eq!(
        token["summary"]["roles"],
        json!(["ROLE_USER", "ROLE_ADMIN"])
    );
    assert_eq!(token["summary"]["status"], "expired");
    // The verdict in the human report's words.
    assert_eq!(token["verdict"], "FAILED: expired");
    assert_eq!(token["signature"]["verified"], true);
    assert_eq!(answer["exit_code"], 1);
    let (line, human) = cli(&expired, &["--secret", &secret]);
    assert_eq!(comparable(token.clone()), comparable(line));
    // The human report is the CLI's, word for word, but for the input's name.
    let report = answer["report"].as_str().expect("report");
    assert_eq!(
        report
            .replace("pasted text", "stdin")
            .replace("the pasted secret", "the --secret"),
        human
    );
    assert!(!report.contains(&secret), "the secret is echoed");
    // Glossary notes for the page's hover text.
    assert_eq!(token["notes"]["claims"]["exp"], "expires");
    assert!(token["notes"]["header"]["alg"].as_str().is_some());

    // A wrong secret: the signature does not verify, as on the command line.
    let r = s.api(
        "inspect",
        &json!({ "text": expired, "key": "another secret of thirty-two bytes", "now": NOW }),
    );
    let token = &r.json()["tokens"][0];
    assert_eq!(token["signature"]["verified"], false);
    let codes = codes(token);
    assert!(codes.contains(&"signature-invalid"), "{codes:?}");
    // Two failed tokens, and nothing about them on the server's stderr:
    // pasted tokens are never logged (the command line's `FAILED` lines).
    if let Ok(line) = s.stderr.recv_timeout(Duration::from_millis(500)) {
        panic!("serve wrote to stderr: {line}");
    }
}

#[test]
fn a_pasted_login_answer_gives_each_token_with_its_field() {
    let s = Served::start();
    let access = hs256(&claims(NOW_UNIX + 600), SECRET);
    let refresh = hs256(
        &json!({ "sub": "campjo", "exp": NOW_UNIX + 86_400 }),
        SECRET,
    );
    let answer = json!({ "access_token": access, "refresh_token": refresh, "expires_in": 600 });
    let r = s.api(
        "inspect",
        &json!({ "text": answer.to_string(), "now": NOW }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let tokens = r.json()["tokens"].clone();
    let fields: Vec<&str> = tokens
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["field"].as_str())
        .collect();
    assert_eq!(fields, ["access_token", "refresh_token"]);
    assert_eq!(tokens[0]["token"], access.as_str());
}

#[test]
fn the_api_verifies_with_a_pasted_pem_or_jwk() {
    let s = Served::start();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let private = std::fs::read(dir.join("rsa-private.pem")).expect("key");
    let public = std::fs::read_to_string(dir.join("rsa-public.pem")).expect("key");
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims(NOW_UNIX + 600),
        &jsonwebtoken::EncodingKey::from_rsa_pem(&private).expect("RSA key"),
    )
    .expect("token");
    let verified = |key: &str| {
        let r = s.api("inspect", &json!({ "text": token, "key": key, "now": NOW }));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["tokens"][0]["signature"]["verified"].clone()
    };
    assert_eq!(verified(&public), true);
    let other = std::fs::read_to_string(dir.join("rsa2-public.pem")).expect("key");
    assert_eq!(verified(&other), false);
    // An HMAC key as a JWK (kty oct), as `--key` reads it.
    use base64::Engine;
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(SECRET);
    let hs = hs256(&claims(NOW_UNIX + 600), SECRET);
    let jwk = json!({ "kty": "oct", "k": k }).to_string();
    let r = s.api("inspect", &json!({ "text": hs, "key": jwk, "now": NOW }));
    assert_eq!(
        r.json()["tokens"][0]["signature"]["verified"],
        true,
        "{}",
        r.text()
    );
    let jwks = json!({ "keys": [{ "kty": "oct", "k": k }] }).to_string();
    let r = s.api("inspect", &json!({ "text": hs, "key": jwks, "now": NOW }));
    assert_eq!(
        r.json()["tokens"][0]["signature"]["verified"],
        true,
        "{}",
        r.text()
    );
    // A private key does not verify (it only decrypts JWEs), as with
    // `--key private.pem`: the finding says why, and the key is not echoed.
    let private = String::from_utf8_lossy(&private).into_owned();
    let r = s.api(
        "inspect",
        &json!({ "text": token, "key": private, "now": NOW }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let got = &r.json()["tokens"][0];
    assert_eq!(got["signature"]["verified"], false);
    let error = got["findings"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(error.contains("private key"), "{error}");
    let body_line = private.lines().nth(1).unwrap_or("MII");
    assert!(!r.text().contains(body_line), "the key is echoed: {error}");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port().to_string();
    let out = assert_cmd::Command::new(binary())
        .args(["serve", "--port", &port])
        .timeout(Duration::from_secs(10))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn open_uses_browser_and_keeps_serving_when_none_works() {
    let dir = tempfile::tempdir().expect("tmp");
    // A $BROWSER that records the address it was given.
    let seen = dir.path().join("seen");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", seen.display()),
    )
    .expect("write");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .expect("chmod");
    let s = Served::start_with(&["--open"], &[("BROWSER", &script.display().to_string())]);
    let mut opened = String::new();
    for _ in 0..100 {
        opened = std::fs::read_to_string(&seen).unwrap_or_default();
        if !opened.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(opened, s.address);
    assert_eq!(s.get("/").status, 200);

    // No browser at all: a note on stderr, and the page is still served.
    let s = Served::start_with(
        &["--open"],
        &[
            ("BROWSER", "/nonexistent/browser"),
            ("PATH", "/nonexistent"),
        ],
    );
    let note = s
        .stderr
        .recv_timeout(Duration::from_secs(10))
        .expect("a note about the browser");
    assert!(note.contains("could not open a browser"), "{note}");
    assert_eq!(s.get("/").status, 200);
}

/// stdout of `jwtinspect ARGS`, which must succeed.
fn cli_out(args: &[&str]) -> String {
    let out = assert_cmd::Command::new(binary())
        .args(args)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
}

#[test]
fn the_api_signs_and_edits_as_sign_and_edit_do() {
    let s = Served::start();
    let secret = String::from_utf8_lossy(SECRET).into_owned();
    let claims = r#"{"sub": "ada", "roles": ["admin"]}"#;
    let r = s.api(
        "sign",
        &json!({ "claims": claims, "key": secret, "exp": "+1h", "now": NOW }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = r.json();
    let signed = answer["signed"].as_str().expect("a token").to_owned();
    // Byte for byte what `jwtinspect sign` makes with the same flags (HS256
    // is deterministic), and the answer inspects it.
    let by_cli = cli_out(&[
        "sign", claims, "--secret", &secret, "--exp", "+1h", "--now", NOW,
    ]);
    assert_eq!(signed, by_cli);
    assert_eq!(answer["tokens"][0]["token"], signed.as_str());
    assert_eq!(answer["tokens"][0]["summary"]["subject"], "ada");
    assert_eq!(answer["tokens"][0]["summary"]["expires_in"], 3600);
    let line: Value = serde_json::from_str(&cli_out(&[
        "--json", "--now", NOW, "--secret", &secret, &signed,
    ]))
    .expect("JSON line");
    assert_eq!(line["signature"]["verified"], true);

    // A token in the claims field is edited, as `jwtinspect edit` does.
    let r = s.api(
        "sign",
        &json!({ "claims": signed, "key": secret, "exp": "+2h", "now": NOW }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let edited = r.json()["signed"].as_str().unwrap_or("").to_owned();
    let by_cli = cli_out(&[
        "edit", &signed, "--secret", &secret, "--exp", "+2h", "--now", NOW,
    ]);
    assert_eq!(edited, by_cli);

    // A public key cannot sign: sign's own reason, and the key not echoed.
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let public = std::fs::read_to_string(dir.join("rsa-public.pem")).expect("key");
    let r = s.api("sign", &json!({ "claims": claims, "key": public }));
    assert_eq!(r.status, 422, "{}", r.text());
    let error = r.json()["error"].as_str().unwrap_or("").to_owned();
    assert!(error.contains("private"), "{error}");
    assert!(!r.text().contains(public.lines().nth(1).unwrap_or("MII")));
}

#[test]
fn a_pasted_key_decrypts_a_jwe_as_key_and_secret_do() {
    use jwtinspect::jwe::{self, DecryptionKey, EncryptOptions};
    let s = Served::start();
    let encrypt = |key: &DecryptionKey, plaintext: &str| {
        let recipient = key.recipient();
        let mut options = EncryptOptions::for_key(&recipient);
        options.extra.insert("cty".to_owned(), json!("JWT"));
        jwe::encrypt(plaintext.as_bytes(), &recipient, &options).expect("JWE")
    };
    // A secret: the JWE's key (A256KW) and the inner HS256 token's.
    let secret = String::from_utf8_lossy(&SECRET[..32]).into_owned();
    let inner = hs256(&claims(NOW_UNIX + 600), secret.as_bytes());
    let token = encrypt(&DecryptionKey::from_secret(secret.as_bytes()), &inner);
    let r = s.api(
        "inspect",
        &json!({ "text": token, "key": secret, "now": NOW }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let got = r.json()["tokens"][0].clone();
    assert_eq!(got["jwe"]["decrypted"], true, "{got}");
    assert_eq!(got["header"]["alg"], "HS256");
    assert_eq!(got["summary"]["username"], "campjo");
    assert_eq!(got["signature"]["verified"], true);
    assert!(got["notes"]["jwe"]["enc"].as_str().is_some(), "{got}");
    let (line, _) = cli(&token, &["--secret", &secret]);
    assert_eq!(comparable(got), comparable(line));

    // A private RSA key pasted as PEM decrypts (RSA-OAEP-256).
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let pem = std::fs::read_to_string(dir.join("rsa-private.pem")).expect("key");
    let keys = DecryptionKey::parse(pem.as_bytes()).expect("private key");
    let token = encrypt(&keys[0], &inner);
    let r = s.api("inspect", &json!({ "text": token, "key": pem, "now": NOW }));
    assert_eq!(r.status, 200, "{}", r.text());
    let got = &r.json()["tokens"][0];
    assert_eq!(got["jwe"]["decrypted"], true, "{got}");
    assert_eq!(got["payload"]["user_name"], "campjo");
    assert!(!r.text().contains(pem.lines().nth(1).unwrap_or("MII")));
    // Another key: one decryption-failed error, the header still shown.
    let other = std::fs::read_to_string(dir.join("rsa2-private.pem")).expect("key");
    let r = s.api(
        "inspect",
        &json!({ "text": token, "key": other, "now": NOW }),
    );
    let got = &r.json()["tokens"][0];
    assert_eq!(got["jwe"]["decrypted"], false, "{got}");
    let codes = codes(got);
    assert!(codes.contains(&"decryption-failed"), "{codes:?}");
}

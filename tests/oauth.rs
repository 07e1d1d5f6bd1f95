//! OAuth 2.0 / OpenID Connect against a real authorization server (panva's
//! oidc-provider, tests/oidc), one per test, on 127.0.0.1: every grant, every
//! client authentication, the token cache, introspection and userinfo; and,
//! with the in-process server, the faults a correct provider cannot produce.
//! Secrets (client secret, password, refresh token, authorization code) must
//! never reach stderr.

mod support;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::oidc::{self, Provider, API, CLIENT_SECRET, USER_PASSWORD};
use support::server::{Reply, Request, Server};
use support::{json_lines, stderr_of, stdout_of};

/// The binary with a private config and cache home and no secrets inherited.
fn cmd(home: &Path) -> assert_cmd::Command {
    let mut c = support::jwtinspect();
    c.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("JWTINSPECT_CLIENT_SECRET")
        .env("BROWSER_MODE", "approve");
    c
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Nothing secret in stderr.
fn no_secret_in(err: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !s.is_empty() && !err.contains(s),
            "stderr shows a secret {s:?}: {err}"
        );
    }
}

/// The verdict: no error finding.
fn is_ok(line: &Value) -> bool {
    line["findings"]
        .as_array()
        .is_some_and(|f| f.iter().all(|f| f["severity"] != "error"))
}

fn line_of<'a>(lines: &'a [Value], field: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["field"] == field)
        .unwrap_or_else(|| panic!("no {field} line in {lines:?}"))
}

fn client_credentials(p: &Provider, h: &Path, client: &str) -> assert_cmd::Command {
    let mut c = cmd(h);
    c.args(["login", "--issuer", &p.issuer, "--client-id", client])
        .args(["--grant", "client_credentials", "--scope", "api:read"])
        .args(["--resource", API]);
    c
}

// ------------------------------------------------------------------ grants

#[test]
fn client_credentials_with_basic_auth_gives_a_verified_jwt_access_token() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let out = client_credentials(&p, h.path(), "basic-client")
        .arg("--json")
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out);
    let access = line_of(&lines, "access_token");
    assert!(is_ok(access), "{access}");
    assert_eq!(access["signature"]["verified"], true, "{access}");
    assert_eq!(access["payload"]["client_id"], "basic-client");
    assert_eq!(access["payload"]["aud"], API);
    assert_eq!(access["payload"]["iss"], p.issuer.as_str());
    no_secret_in(&stderr_of(&out), &[CLIENT_SECRET]);
}

#[test]
fn client_credentials_with_post_auth_reads_the_secret_from_stdin() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let out = client_credentials(&p, h.path(), "post-client")
        .args([
            "--client-auth",
            "post",
            "--client-secret-stdin",
            "--print-token",
        ])
        .write_stdin(format!("{CLIENT_SECRET}\n"))
        .assert()
        .success()
        .get_output()
        .clone();
    let token = stdout_of(&out);
    assert!(token.starts_with("eyJ"), "{token}");
    assert_eq!(token.lines().count(), 1);
    // A wrong secret on stdin: the provider's invalid_client, the secret never shown.
    let refused = client_credentials(&p, h.path(), "post-client")
        .args(["--client-auth", "post", "--client-secret-stdin"])
        .write_stdin("wrong-post-secret-456\n")
        .assert()
        .code(3)
        .get_output()
        .clone();
    let err = stderr_of(&refused);
    assert!(err.contains("\"invalid_client\""), "{err}");
    no_secret_in(&err, &["wrong-post-secret-456"]);
}

#[test]
fn client_credentials_with_private_key_jwt_signs_an_assertion() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let key = oidc::dir().join("client-key.pem");
    let out = client_credentials(&p, h.path(), "jwt-client")
        .arg("--client-key")
        .arg(&key)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out);
    assert_eq!(
        line_of(&lines, "access_token")["payload"]["client_id"],
        "jwt-client"
    );
    // Another key's assertion is refused, with the provider's words.
    let other = oidc::dir().join("other-key.pem");
    let refused = client_credentials(&p, h.path(), "jwt-client")
        .arg("--client-key")
        .arg(&other)
        .assert()
        .code(3)
        .get_output()
        .clone();
    let err = stderr_of(&refused);
    assert!(err.contains("\"invalid_client\""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_wrong_client_secret_is_invalid_client_and_never_shown() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let wrong = "wrong-secret-that-must-not-show";
    let out = client_credentials(&p, h.path(), "basic-client")
        .env("JWTINSPECT_CLIENT_SECRET", wrong)
        .assert()
        .code(3)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.contains("\"invalid_client\""), "{err}");
    assert!(err.contains("/token"), "names the endpoint: {err}");
    no_secret_in(&err, &[wrong]);
    assert!(stdout_of(&out).is_empty());
}

#[test]
fn the_client_secret_is_never_taken_from_argv() {
    let h = home();
    let out = cmd(h.path())
        .args([
            "login",
            "--issuer",
            "http://127.0.0.1:9",
            "--client-id",
            "c",
        ])
        .args(["--param", "client_secret=hunter2-argv"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.contains("never go on the command line"), "{err}");
    no_secret_in(&err, &["hunter2-argv"]);
}

#[test]
fn password_grant_with_the_password_from_the_environment() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let login = |password: &str| {
        cmd(h.path())
            .args([
                "login",
                "--issuer",
                &p.issuer,
                "--client-id",
                "basic-client",
            ])
            .args([
                "--grant",
                "password",
                "-u",
                "alice",
                "--scope",
                "api:write",
                "--json",
            ])
            .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
            .env("JWTINSPECT_PASSWORD", password)
            .output()
            .expect("runs")
    };
    let ok = login(USER_PASSWORD);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr_of(&ok));
    let lines = json_lines(&ok);
    let access = line_of(&lines, "access_token");
    assert_eq!(access["payload"]["sub"], "alice");
    assert_eq!(access["summary"]["scopes"], json!(["api:write"]));
    let bad = login("not-the-password-123");
    assert_eq!(bad.status.code(), Some(3));
    let err = stderr_of(&bad);
    assert!(err.contains("\"invalid_grant\""), "{err}");
    assert!(err.contains("invalid user name or password"), "{err}");
    no_secret_in(&err, &["not-the-password-123", CLIENT_SECRET]);
}

/// Log in with the authorization code flow through the scripted browser,
/// which does what BROWSER_MODE says (approve, deny, wrong-state, ignore).
fn browser_login(p: &Provider, h: &Path, mode: &str, extra: &[&str]) -> Output {
    cmd(h)
        .args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "public-client",
        ])
        .args(["--browser-command", &oidc::browser_command()])
        .args(extra)
        .env("BROWSER_MODE", mode)
        .output()
        .expect("runs")
}

fn authorization_code(p: &Provider, h: &Path, extra: &[&str]) -> Output {
    browser_login(p, h, "approve", extra)
}

#[test]
fn authorization_code_with_pkce_verifies_the_id_token_and_reports_opaque_tokens() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let out = authorization_code(&p, h.path(), &["--scope", "offline_access", "--json"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let lines = json_lines(&out);
    let id = line_of(&lines, "id_token");
    assert!(is_ok(id), "{id}");
    assert_eq!(id["signature"]["verified"], true, "{id}");
    assert_eq!(id["payload"]["aud"], "public-client");
    assert_eq!(id["payload"]["sub"], "alice");
    assert!(
        id["payload"]["nonce"]
            .as_str()
            .is_some_and(|n| n.len() >= 20),
        "{id}"
    );
    // The access and refresh tokens of this provider are opaque.
    for field in ["access_token", "refresh_token"] {
        let l = line_of(&lines, field);
        assert_eq!(l["header"], Value::Null);
        assert_eq!(l["payload"], Value::Null);
        assert_eq!(l["findings"][0]["code"], "opaque-token", "{l}");
    }
    let refresh = line_of(&lines, "refresh_token")["token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    no_secret_in(&err, &[&refresh]);
    assert!(
        !err.contains("code="),
        "the authorization code must not show: {err}"
    );
}

#[test]
fn authorization_code_with_a_jwt_access_token_for_an_api() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let out = authorization_code(
        &p,
        h.path(),
        &["--scope", "api:read", "--resource", API, "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    let access = line_of(&lines, "access_token");
    assert_eq!(access["header"]["typ"], "at+jwt");
    assert_eq!(access["signature"]["verified"], true);
    assert_eq!(access["payload"]["aud"], API);
}

#[test]
fn authorization_code_denied_at_the_login_page_is_access_denied() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let out = browser_login(&p, h.path(), "deny", &[]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(err.contains("\"access_denied\""), "{err}");
}

#[test]
fn a_callback_with_another_state_is_refused() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let out = browser_login(&p, h.path(), "wrong-state", &[]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(err.contains("state is not the one sent"), "{err}");
    assert!(stdout_of(&out).is_empty());
}

#[test]
fn a_callback_that_never_comes_ends_at_the_timeout() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let started = Instant::now();
    let out = browser_login(&p, h.path(), "ignore", &["--timeout", "2"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(
        err.contains("no callback from the browser within 2s"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn no_browser_prints_the_authorization_url_with_pkce_state_and_nonce() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let out = cmd(h.path())
        .args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "public-client",
        ])
        .args(["--no-browser", "--timeout", "1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    let url = err
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/auth?", p.issuer)))
        .unwrap_or_else(|| panic!("no authorization URL: {err}"));
    for part in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A",
        "scope=openid",
    ] {
        assert!(url.contains(part), "{part} missing in {url}");
    }
}

#[test]
fn a_redirect_port_in_use_is_named() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = cmd(h.path())
        .args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "public-client",
        ])
        .args(["--no-browser", "--redirect-port", &port])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("in use"), "{err}");
}

/// Run a device login; `mode` approves or denies through the /device pages.
fn device_login(p: &Provider, h: &Path, mode: &str, extra: &[&str]) -> (Output, Output) {
    let bin = assert_cmd::cargo::cargo_bin("jwtinspect");
    let mut child = Command::new(bin)
        .args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "public-client",
        ])
        .args(["--grant", "device_code"])
        .args(extra)
        .env("XDG_CONFIG_HOME", h.join("config"))
        .env("XDG_CACHE_HOME", h.join("cache"))
        .env_remove("JWTINSPECT_CLIENT_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(rest) = line.split("open ").nth(1) {
                let mut words = rest.split_whitespace();
                if let (Some(uri), Some(code)) = (words.next(), words.last()) {
                    let _ = tx.send((uri.to_owned(), code.to_owned()));
                }
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let (uri, code) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a user code on stderr");
    let browser = oidc::device(&uri, &code, mode);
    let out = child.wait_with_output().expect("finishes");
    let err = reader.join().expect("stderr read");
    (
        Output {
            status: out.status,
            stdout: out.stdout,
            stderr: err.into_bytes(),
        },
        browser,
    )
}

#[test]
fn device_flow_approved_slows_down_when_told_and_returns_tokens() {
    let Some(p) = Provider::start_with(&[("OIDC_SLOW_DOWN", "1")]) else {
        return;
    };
    let h = home();
    let (out, browser) = device_login(
        &p,
        h.path(),
        "approve",
        &["--scope", "offline_access", "--json"],
    );
    let err = stderr_of(&out);
    assert!(browser.status.success(), "{}", stderr_of(&browser));
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("enter the code"), "{err}");
    assert!(err.contains("slow down: polling every 6s"), "{err}");
    let lines = json_lines(&out);
    assert_eq!(line_of(&lines, "id_token")["signature"]["verified"], true);
    assert_eq!(
        line_of(&lines, "access_token")["findings"][0]["code"],
        "opaque-token"
    );
}

#[test]
fn device_flow_denied_is_exit_3() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let (out, browser) = device_login(&p, h.path(), "deny", &[]);
    assert!(browser.status.success(), "{}", stderr_of(&browser));
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(err.contains("denied"), "{err}");
    assert!(err.contains("\"access_denied\""), "{err}");
}

#[test]
fn refresh_token_grant_and_token_exchange() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let first = authorization_code(&p, h.path(), &["--scope", "offline_access", "--json"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    let lines = json_lines(&first);
    let refresh = line_of(&lines, "refresh_token")["token"]
        .as_str()
        .expect("rt")
        .to_owned();
    let out = cmd(h.path())
        .args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "public-client",
        ])
        .args([
            "--grant",
            "refresh_token",
            "--param",
            &format!("refresh_token={refresh}"),
        ])
        .args(["--print-token"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let access = stdout_of(&out).trim().to_owned();
    assert!(!access.is_empty());
    // RFC 8693: the opaque access token for a JWT of the API.
    let exchanged = cmd(h.path())
        .args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "basic-client",
        ])
        .args(["--grant", "token_exchange", "--subject-token", &access])
        .args(["--scope", "api:read", "--json"])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(
        exchanged.status.code(),
        Some(0),
        "{}",
        stderr_of(&exchanged)
    );
    let lines = json_lines(&exchanged);
    let new = line_of(&lines, "access_token");
    assert_eq!(new["payload"]["sub"], "alice");
    assert_eq!(new["payload"]["aud"], API);
    assert_eq!(new["signature"]["verified"], true);
    // A used refresh token of a public client is rotated: a second use is invalid_grant
    // (and makes the provider revoke the grant, so this comes last).
    let again = cmd(h.path())
        .args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "public-client",
        ])
        .args([
            "--grant",
            "refresh_token",
            "--param",
            &format!("refresh_token={refresh}"),
        ])
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(3));
    let err = stderr_of(&again);
    assert!(err.contains("\"invalid_grant\""), "{err}");
    no_secret_in(&err, &[&refresh]);
}

// ------------------------------------------------- profiles and the cache

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn token_helper_serves_the_cache_then_renews_with_the_secret_from_the_environment() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let login = client_credentials(&p, h.path(), "basic-client")
        .args(["--profile", "api", "--print-token"])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(login.status.code(), Some(0), "{}", stderr_of(&login));
    let first = stdout_of(&login).trim().to_owned();

    let profiles = std::fs::read_to_string(h.path().join("config/jwtinspect/profiles.toml"))
        .expect("profiles");
    assert!(profiles.contains("[profiles.api]"), "{profiles}");
    assert!(
        profiles.contains("grant = \"client_credentials\""),
        "{profiles}"
    );
    assert!(!profiles.contains(CLIENT_SECRET), "{profiles}");
    let cache = h.path().join("cache/jwtinspect/api.json");
    assert_eq!(mode_of(&cache), 0o600);
    assert_eq!(mode_of(cache.parent().expect("dir")), 0o700);

    // A cache hit: the same token, alone on stdout, without the network.
    drop(p);
    let hit = cmd(h.path())
        .args(["token", "api"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(stdout_of(&hit), format!("{first}\n"));
    assert!(stderr_of(&hit).is_empty(), "{}", stderr_of(&hit));

    // Longer than the 120 s token lives, without a secret: exit 3 naming the login.
    let Some(p) = Provider::start() else { return };
    rewrite_issuer(h.path(), "api", &p.issuer);
    let need = cmd(h.path())
        .args(["token", "api", "--min-valid", "10m"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let err = stderr_of(&need);
    assert!(err.contains("jwtinspect login --issuer"), "{err}");
    assert!(err.contains("--profile api"), "{err}");
    // With the secret in the environment: renewed, with a warning that it is short-lived.
    let renewed = cmd(h.path())
        .args(["token", "api", "--min-valid", "10m"])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .assert()
        .success()
        .get_output()
        .clone();
    let token = stdout_of(&renewed).trim().to_owned();
    assert!(token.starts_with("eyJ") && token != first);
    assert!(
        stderr_of(&renewed).contains("less than --min-valid"),
        "{}",
        stderr_of(&renewed)
    );
    no_secret_in(&stderr_of(&renewed), &[CLIENT_SECRET]);
}

/// Point a saved profile at a restarted provider (a new port).
fn rewrite_issuer(home: &Path, name: &str, issuer: &str) {
    let path = home.join("config/jwtinspect/profiles.toml");
    let text = std::fs::read_to_string(&path).expect("profiles");
    let old = text
        .lines()
        .find(|l| l.starts_with("issuer = "))
        .expect("an issuer line")
        .to_owned();
    let _ = name;
    std::fs::write(&path, text.replace(&old, &format!("issuer = \"{issuer}\""))).expect("rewrite");
}

#[test]
fn token_helper_refreshes_and_logout_revokes() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let first = authorization_code(
        &p,
        h.path(),
        &[
            "--scope",
            "offline_access",
            "--profile",
            "me",
            "--print-token",
        ],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    let cached: Value = serde_json::from_slice(
        &std::fs::read(h.path().join("cache/jwtinspect/me.json")).expect("cache"),
    )
    .expect("cache JSON");
    let rt = cached["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    let refreshed = cmd(h.path())
        .args(["token", "me", "--min-valid", "1h"])
        .output()
        .expect("runs");
    assert_eq!(
        refreshed.status.code(),
        Some(0),
        "{}",
        stderr_of(&refreshed)
    );
    let new_access = stdout_of(&refreshed).trim().to_owned();
    assert_ne!(new_access, stdout_of(&first).trim());
    no_secret_in(&stderr_of(&refreshed), &[&rt]);

    let out = cmd(h.path())
        .args(["logout", "me"])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.contains("revoked"), "{err}");
    assert!(!h.path().join("cache/jwtinspect/me.json").exists());
    // The provider agrees: the access token is no longer active.
    let after = cmd(h.path())
        .args([
            "introspect",
            "--issuer",
            &p.issuer,
            "--client-id",
            "basic-client",
            &new_access,
        ])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(after.status.code(), Some(1), "{}", stderr_of(&after));
    let _ = cmd(h.path()).args(["token", "me"]).assert().code(3);
}

#[test]
fn a_cache_others_can_read_or_a_damaged_one_is_not_used_and_is_rebuilt() {
    use std::os::unix::fs::PermissionsExt;
    let Some(p) = Provider::start() else { return };
    let h = home();
    let login = client_credentials(&p, h.path(), "basic-client")
        .args(["--profile", "api", "--print-token"])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(login.status.code(), Some(0));
    let first = stdout_of(&login).trim().to_owned();
    let cache = h.path().join("cache/jwtinspect/api.json");

    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = cmd(h.path())
        .args(["token", "api"])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("mode 0644"), "{err}");
    assert!(
        !err.contains(&first),
        "the cached token must not show: {err}"
    );
    assert_ne!(
        stdout_of(&out).trim(),
        first,
        "the readable cache was not used"
    );
    assert_eq!(mode_of(&cache), 0o600);

    std::fs::write(&cache, format!("{{\"access_token\": \"{first}\", broken")).expect("damage");
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = cmd(h.path())
        .args(["token", "api"])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("is damaged"), "{err}");
    assert!(!err.contains(&first), "{err}");
    let rebuilt: Value =
        serde_json::from_slice(&std::fs::read(&cache).expect("cache")).expect("JSON again");
    assert_eq!(
        rebuilt["access_token"].as_str(),
        Some(stdout_of(&out).trim())
    );
}

#[test]
fn concurrent_token_calls_never_corrupt_the_cache() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let login = client_credentials(&p, h.path(), "basic-client")
        .args(["--profile", "api", "--print-token"])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(login.status.code(), Some(0));
    let bin = assert_cmd::cargo::cargo_bin("jwtinspect");
    // --min-valid beyond the token's life: every call renews and rewrites the cache.
    let children: Vec<_> = (0..6)
        .map(|_| {
            Command::new(&bin)
                .args(["token", "api", "--min-valid", "10m"])
                .env("XDG_CONFIG_HOME", h.path().join("config"))
                .env("XDG_CACHE_HOME", h.path().join("cache"))
                .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("finishes");
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        assert!(stdout_of(&out).starts_with("eyJ"));
    }
    let dir = h.path().join("cache/jwtinspect");
    let cache: Value = serde_json::from_slice(&std::fs::read(dir.join("api.json")).expect("cache"))
        .expect("whole JSON");
    assert!(cache["access_token"]
        .as_str()
        .is_some_and(|t| t.starts_with("eyJ")));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "api.json")
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary or lock files left: {leftovers:?}"
    );
}

// ------------------------------------------------ introspect and userinfo

#[test]
fn introspect_reports_the_answer_and_the_token() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let get = |resource: bool| {
        let mut c = cmd(h.path());
        c.args([
            "login",
            "--issuer",
            &p.issuer,
            "--client-id",
            "basic-client",
        ])
        .args([
            "--grant",
            "client_credentials",
            "--scope",
            "api:read",
            "--print-token",
        ])
        .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET);
        if resource {
            c.args(["--resource", API]);
        }
        stdout_of(&c.output().expect("runs")).trim().to_owned()
    };
    let introspect = |token: &str| {
        cmd(h.path())
            .args([
                "introspect",
                "--issuer",
                &p.issuer,
                "--client-id",
                "basic-client",
                "--json",
                token,
            ])
            .env("JWTINSPECT_CLIENT_SECRET", CLIENT_SECRET)
            .output()
            .expect("runs")
    };
    // An opaque token the provider holds: active, no inspection.
    let opaque = get(false);
    let out = introspect(&opaque);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["introspection"]["active"], true);
    assert_eq!(lines[0]["introspection"]["client_id"], "basic-client");
    assert_eq!(lines[0]["token"], Value::Null);
    // A JWT access token is inspected too (this provider keeps no record of
    // its JWTs, so it calls it inactive: exit 1).
    let jwt = get(true);
    let out = introspect(&jwt);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["introspection"]["active"], false);
    assert_eq!(lines[0]["token"]["payload"]["client_id"], "basic-client");
    assert_eq!(lines[0]["token"]["signature"]["verified"], true);
    assert!(stderr_of(&out).contains("not active"));
}

#[test]
fn userinfo_prints_the_claims_and_refusal_is_exit_3() {
    let Some(p) = Provider::start() else { return };
    let h = home();
    let login = authorization_code(&p, h.path(), &["--scope", "email", "--print-token"]);
    assert_eq!(login.status.code(), Some(0), "{}", stderr_of(&login));
    let token = stdout_of(&login).trim().to_owned();
    let out = cmd(h.path())
        .args(["userinfo", "--issuer", &p.issuer, "--json", &token])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let info: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(info["sub"], "alice");
    assert_eq!(info["email"], "alice@example.test");
    let refused = cmd(h.path())
        .args(["userinfo", "--issuer", &p.issuer, "bogus-token-value"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(3));
    let err = stderr_of(&refused);
    assert!(err.contains("\"invalid_token\""), "{err}");
    no_secret_in(&err, &["bogus-token-value"]);
}

// ------------------------------- faults the provider cannot produce (Rust server)

const FAKE_KEY: &[u8] = b"fake-issuer-hmac-key-of-32-bytes!!";

fn hs256(key: &[u8], claims: &Value) -> String {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(key)).expect("sign")
}

/// A fake issuer: discovery (naming `named_issuer`), an oct JWKS, an
/// authorization endpoint that redirects straight back with a code, and a
/// token endpoint answering `id_token` made by `make_id(issuer, nonce)`.
fn fake_issuer(named_issuer: Option<&'static str>, make_id: fn(&str, &str) -> String) -> Server {
    use std::sync::{Arc, Mutex};
    let nonce = Arc::new(Mutex::new(String::new()));
    let issuer = Arc::new(Mutex::new(String::new()));
    let (n2, i2) = (nonce.clone(), issuer.clone());
    let server = Server::http(move |r: &Request| {
        let base = i2.lock().expect("lock").clone();
        let path = r.path.split('?').next().unwrap_or("");
        match path {
            "/.well-known/openid-configuration" => Reply::json(
                200,
                &json!({
                    "issuer": named_issuer.map(str::to_owned).unwrap_or(base.clone()),
                    "authorization_endpoint": format!("{base}/authorize"),
                    "token_endpoint": format!("{base}/token"),
                    "jwks_uri": format!("{base}/jwks"),
                    "scopes_supported": ["openid"],
                }),
            ),
            "/jwks" => Reply::json(
                200,
                &json!({"keys": [{"kty": "oct", "kid": "k1", "alg": "HS256", "use": "sig",
                    "k": support::b64url(FAKE_KEY)}]}),
            ),
            "/authorize" => {
                let q: Vec<(String, String)> = r
                    .path
                    .split_once('?')
                    .map(|(_, q)| support::server::url_decode_pairs(q))
                    .unwrap_or_default();
                let get = |k: &str| {
                    q.iter()
                        .find(|(a, _)| a == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                *n2.lock().expect("lock") = get("nonce");
                Reply::redirect(
                    302,
                    &format!(
                        "{}?code=fake-code-123456&state={}",
                        get("redirect_uri"),
                        get("state")
                    ),
                )
            }
            "/token" => {
                let id = make_id(&base, &n2.lock().expect("lock"));
                Reply::json(
                    200,
                    &json!({"access_token": "opaque-access-token-xyz", "token_type": "Bearer", "id_token": id}),
                )
            }
            _ => Reply::json(404, &json!({"error": "not_found"})),
        }
    });
    *issuer.lock().expect("lock") = server.url("").trim_end_matches('/').to_owned();
    server
}

fn id_claims(issuer: &str, nonce: &str, aud: &str) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    json!({"iss": issuer, "sub": "alice", "aud": aud, "nonce": nonce, "iat": now, "exp": now + 300})
}

fn fake_login(server: &Server, h: &Path) -> Output {
    let issuer = server.url("").trim_end_matches('/').to_owned();
    cmd(h)
        .args(["login", "--issuer", &issuer, "--client-id", "cli", "--json"])
        .args(["--browser-command", &oidc::browser_command()])
        .output()
        .expect("runs")
}

fn id_failure(make_id: fn(&str, &str) -> String, expect: &str) {
    if !oidc::node() {
        eprintln!("SKIPPED: node is not installed (the scripted browser)");
        return;
    }
    let server = fake_issuer(None, make_id);
    let h = home();
    let out = fake_login(&server, h.path());
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines = json_lines(&out);
    let id = line_of(&lines, "id_token");
    assert!(!is_ok(id), "{id}");
    let messages: Vec<&str> = id["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains(expect)),
        "{expect} not in {messages:?}"
    );
    assert!(
        !err.contains("fake-code-123456"),
        "the code must not show: {err}"
    );
}

#[test]
fn an_id_token_with_a_correct_nonce_aud_and_signature_passes_the_fake_issuer() {
    if !oidc::node() {
        return;
    }
    let server = fake_issuer(None, |iss, nonce| {
        hs256(FAKE_KEY, &id_claims(iss, nonce, "cli"))
    });
    let h = home();
    let out = fake_login(&server, h.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert!(is_ok(line_of(&lines, "id_token")));
    // PKCE: the token request carries the verifier of the challenge sent.
    let token_req = server
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/token"))
        .expect("a token request");
    let form = token_req.form();
    let get = |k: &str| form.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    assert_eq!(get("grant_type").as_deref(), Some("authorization_code"));
    assert_eq!(get("code").as_deref(), Some("fake-code-123456"));
    assert!(get("code_verifier").is_some_and(|v| v.len() >= 43));
}

#[test]
fn an_id_token_with_another_nonce_fails() {
    id_failure(
        |iss, _| hs256(FAKE_KEY, &id_claims(iss, "someone-elses-nonce", "cli")),
        "nonce",
    );
}

#[test]
fn an_id_token_for_another_audience_fails() {
    id_failure(
        |iss, nonce| hs256(FAKE_KEY, &id_claims(iss, nonce, "another-client")),
        "does not contain the client id",
    );
}

#[test]
fn an_id_token_signed_with_another_key_fails() {
    id_failure(
        |iss, nonce| {
            hs256(
                b"a-different-key-of-thirty-two-bytes",
                &id_claims(iss, nonce, "cli"),
            )
        },
        "signature",
    );
}

#[test]
fn discovery_for_another_issuer_is_refused() {
    let server = fake_issuer(Some("https://evil.example"), |_, _| String::new());
    let h = home();
    let issuer = server.url("").trim_end_matches('/').to_owned();
    let out = cmd(h.path())
        .args([
            "login",
            "--issuer",
            &issuer,
            "--client-id",
            "cli",
            "--grant",
            "client_credentials",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(err.contains("https://evil.example"), "{err}");
    assert!(err.contains("must match exactly"), "{err}");
    assert!(server
        .requests()
        .iter()
        .all(|r| !r.path.starts_with("/token")));
}

// ------------------------------------------- profiles for the seed providers

#[test]
fn itempath_profile_refreshes_with_its_refresh_token() {
    fn hs(kind: &str, ttl: i64) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        hs256(
            FAKE_KEY,
            &json!({"sub": 1, "identity": "username1", "type": kind, "iat": now, "exp": now + ttl, "jti": format!("{kind}-{ttl}")}),
        )
    }
    let server = Server::http(|r: &Request| match r.path.as_str() {
        "/api/users/login" => Reply::json(
            200,
            &json!({"login": true, "accessToken": hs("access", 30), "refreshToken": hs("refresh", 86400)}),
        ),
        "/api/users/refresh"
            if r.header("authorization")
                .is_some_and(|a| a.starts_with("Bearer ey")) =>
        {
            Reply::json(200, &json!({"accessToken": hs("access", 3600)}))
        }
        _ => Reply::json(401, &json!({"msg": "no"})),
    });
    let h = home();
    let url = server.url("/api/users/login");
    let login = cmd(h.path())
        .args([
            "login",
            "--provider",
            "itempath",
            "--url",
            &url,
            "-u",
            "username1",
            "--profile",
            "ip",
            "--print-token",
        ])
        .env("JWTINSPECT_PASSWORD", "pw-123456")
        .output()
        .expect("runs");
    assert_eq!(login.status.code(), Some(0), "{}", stderr_of(&login));
    let profiles = std::fs::read_to_string(h.path().join("config/jwtinspect/profiles.toml"))
        .expect("profiles");
    assert!(
        profiles.contains("kind = \"itempath\"") && profiles.contains("user = \"username1\""),
        "{profiles}"
    );
    assert!(!profiles.contains("pw-123456"));
    // The 30 s access token is too short for the default --min-valid 60s: refreshed.
    let out = cmd(h.path()).args(["token", "ip"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let token = stdout_of(&out).trim().to_owned();
    assert_ne!(token, stdout_of(&login).trim());
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path == "/api/users/refresh"));
    // Now a cache hit.
    let hit = cmd(h.path()).args(["token", "ip"]).output().expect("runs");
    assert_eq!(stdout_of(&hit).trim(), token);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path == "/api/users/refresh")
            .count(),
        1
    );
}

#[test]
fn basic_and_post_client_auth_put_the_secret_where_rfc_6749_says() {
    let server = fake_issuer(None, |iss, nonce| {
        hs256(FAKE_KEY, &id_claims(iss, nonce, "my client"))
    });
    let h = home();
    let issuer = server.url("").trim_end_matches('/').to_owned();
    for auth in ["basic", "post"] {
        let out = cmd(h.path())
            .args([
                "login",
                "--issuer",
                &issuer,
                "--client-id",
                "my client",
                "--grant",
                "client_credentials",
            ])
            .args(["--client-auth", auth, "--print-token"])
            .env("JWTINSPECT_CLIENT_SECRET", "s3cret:with/odd chars")
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{auth}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "opaque-access-token-xyz\n");
    }
    let tokens: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/token")
        .collect();
    assert_eq!(tokens.len(), 2);
    // basic: form-urlencoded id and secret joined by ':' (RFC 6749 §2.3.1), nothing in the form.
    use base64::Engine;
    let expected =
        base64::engine::general_purpose::STANDARD.encode("my+client:s3cret%3Awith%2Fodd+chars");
    assert_eq!(
        tokens[0].header("authorization"),
        Some(format!("Basic {expected}").as_str())
    );
    assert!(tokens[0].form().iter().all(|(k, _)| k != "client_secret"));
    // post: both in the form, no Authorization header.
    assert!(tokens[1].header("authorization").is_none());
    let form = tokens[1].form();
    assert!(
        form.contains(&("client_id".into(), "my client".into())),
        "{form:?}"
    );
    assert!(
        form.contains(&("client_secret".into(), "s3cret:with/odd chars".into())),
        "{form:?}"
    );
    assert!(
        form.contains(&("grant_type".into(), "client_credentials".into())),
        "{form:?}"
    );
}

#[test]
fn an_opaque_subject_token_may_start_with_a_dash() {
    // Opaque tokens are random base64url: one in 64 starts with `-`, which
    // clap would otherwise read as a flag ("unexpected argument '-2'").
    let server = fake_issuer(None, |iss, nonce| {
        hs256(FAKE_KEY, &id_claims(iss, nonce, "public"))
    });
    let h = home();
    let issuer = server.url("").trim_end_matches('/').to_owned();
    let out = cmd(h.path())
        .args(["login", "--issuer", &issuer, "--client-id", "public"])
        .args([
            "--grant",
            "token_exchange",
            "--subject-token",
            "-2Xo_opaque",
        ])
        .args(["--print-token"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "opaque-access-token-xyz\n");
    let form = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/token")
        .expect("a token request")
        .form();
    assert!(
        form.contains(&("subject_token".into(), "-2Xo_opaque".into())),
        "{form:?}"
    );
    assert!(
        form.contains(&(
            "grant_type".into(),
            "urn:ietf:params:oauth:grant-type:token-exchange".into()
        )),
        "{form:?}"
    );
}

#[test]
fn userinfo_takes_an_opaque_token_that_starts_with_a_dash_but_no_mistyped_flag() {
    use std::sync::{Arc, Mutex};
    let base = Arc::new(Mutex::new(String::new()));
    let b2 = base.clone();
    let server = Server::http(move |r: &Request| {
        let base = b2.lock().expect("lock").clone();
        match r.path.as_str() {
            "/.well-known/openid-configuration" => Reply::json(
                200,
                &json!({"issuer": base, "userinfo_endpoint": format!("{base}/me"),
                    "token_endpoint": format!("{base}/token"), "jwks_uri": format!("{base}/jwks")}),
            ),
            "/me" if r.header("authorization") == Some("Bearer -2Xo_opaque") => {
                Reply::json(200, &json!({"sub": "alice"}))
            }
            _ => Reply::json(401, &json!({"error": "invalid_token"})),
        }
    });
    let issuer = server.url("").trim_end_matches('/').to_owned();
    *base.lock().expect("lock") = issuer.clone();
    let h = home();
    let out = cmd(h.path())
        .args(["userinfo", "--issuer", &issuer, "-2Xo_opaque", "--json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let info: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(info["sub"], "alice", "{info}");
    let typo = cmd(h.path())
        .args(["userinfo", "--issuer", &issuer, "--jsno"])
        .output()
        .expect("runs");
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr_of(&typo).contains("'--jsno'"),
        "{}",
        stderr_of(&typo)
    );
    // The mistyped flag was never sent anywhere as a token.
    assert_eq!(
        server.requests().iter().filter(|r| r.path == "/me").count(),
        1
    );
}

#[test]
fn immport_profile_logs_in_again_with_the_password_from_the_environment() {
    // ImmPort answers no refresh token: a token that no longer lasts
    // --min-valid is renewed by logging in again, the password taken from
    // JWTINSPECT_PASSWORD; without it the helper names the login to run.
    fn immport(user: &str, ttl: i64, n: usize) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        hs256(
            FAKE_KEY,
            &json!({"exp": now + ttl, "user_name": user, "authorities": ["ROLE_USER"],
                    "jti": format!("login-{n}"), "client_id": "immport-auth-token-client",
                    "scope": ["browse"]}),
        )
    }
    let logins = std::sync::atomic::AtomicUsize::new(0);
    let server = Server::http(move |r: &Request| {
        let form = r.form();
        let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match (r.path.as_str(), field("username"), field("password")) {
            ("/auth/token", Some(user), Some(pw)) if pw == "immport-pw-42" => {
                let n = logins.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // The first login's token lasts 30 s: less than the helper's default 60 s.
                let ttl = if n == 0 { 30 } else { 3600 };
                Reply::json(
                    200,
                    &json!({"status": 200, "access_token": immport(&user, ttl, n), "token_type": "bearer"}),
                )
            }
            _ => Reply::json(
                401,
                &json!({"error": "invalid_grant", "error_description": "Bad credentials"}),
            ),
        }
    });
    let h = home();
    let url = server.url("/auth/token");
    let login = cmd(h.path())
        .args([
            "login",
            "--provider",
            "immport",
            "--url",
            &url,
            "-u",
            "campjo",
        ])
        .args(["--profile", "immport", "--print-token"])
        .env("JWTINSPECT_PASSWORD", "immport-pw-42")
        .output()
        .expect("runs");
    assert_eq!(login.status.code(), Some(0), "{}", stderr_of(&login));
    let first = stdout_of(&login).trim().to_owned();
    let profiles = std::fs::read_to_string(h.path().join("config/jwtinspect/profiles.toml"))
        .expect("profiles");
    assert!(profiles.contains("kind = \"immport\""), "{profiles}");
    assert!(!profiles.contains("immport-pw-42"), "{profiles}");

    // No password in the environment: exit 3, the login to run named, no token printed.
    let out = cmd(h.path())
        .args(["token", "immport"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert!(stdout_of(&out).is_empty());
    let err = stderr_of(&out);
    assert!(
        err.contains("jwtinspect login --provider immport") && err.contains("--profile immport"),
        "{err}"
    );

    // With it: a new login, then cache hits that ask the server nothing.
    let renewed = cmd(h.path())
        .args(["token", "immport"])
        .env("JWTINSPECT_PASSWORD", "immport-pw-42")
        .output()
        .expect("runs");
    assert_eq!(renewed.status.code(), Some(0), "{}", stderr_of(&renewed));
    let token = stdout_of(&renewed).trim().to_owned();
    assert_ne!(token, first);
    assert_eq!(server.requests().len(), 2);
    let hit = cmd(h.path())
        .args(["token", "immport"])
        .output()
        .expect("runs");
    assert_eq!(stdout_of(&hit).trim(), token);
    assert_eq!(server.requests().len(), 2);
    no_secret_in(&stderr_of(&renewed), &["immport-pw-42"]);
}

#[test]
fn a_token_with_terminal_control_characters_is_never_printed_nor_cached() {
    // A hostile issuer answers an "opaque" access token holding an escape
    // sequence: --print-token would write it raw to the terminal.
    let server = Server::http(|r: &Request| {
        let base = format!("http://{}", r.header("host").unwrap_or_default());
        match r.path.as_str() {
            "/.well-known/openid-configuration" => Reply::json(
                200,
                &json!({"issuer": base, "token_endpoint": format!("{base}/token"),
                        "jwks_uri": format!("{base}/jwks")}),
            ),
            "/token" => Reply::json(
                200,
                &json!({"access_token": "abc\u{1b}]0;owned\u{7}\u{1b}[2J", "token_type": "Bearer",
                        "expires_in": 3600}),
            ),
            "/jwks" => Reply::json(200, &json!({"keys": []})),
            _ => Reply::json(404, &json!({"error": "not_found"})),
        }
    });
    let h = home();
    let issuer = server.url("").trim_end_matches('/').to_owned();
    let out = cmd(h.path())
        .args(["login", "--issuer", &issuer, "--client-id", "svc"])
        .args([
            "--grant",
            "client_credentials",
            "--profile",
            "svc",
            "--print-token",
        ])
        .env("JWTINSPECT_CLIENT_SECRET", "a-client-secret-of-some-length")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert!(!out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b));
    assert!(
        stderr_of(&out).contains("access_token holds a character no token may hold"),
        "{}",
        stderr_of(&out)
    );
    assert!(!h.path().join("cache/jwtinspect/svc.json").exists());

    // A cache file with such a token (written by hand, mode 0600) is not used.
    use std::os::unix::fs::PermissionsExt;
    let dir = h.path().join("cache/jwtinspect");
    std::fs::create_dir_all(&dir).expect("cache dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let config = h.path().join("config/jwtinspect");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("profiles.toml"),
        "[profiles.ip]\nkind = \"itempath\"\nuser = \"u\"\n",
    )
    .expect("profiles");
    let cache = dir.join("ip.json");
    std::fs::write(
        &cache,
        r#"{"access_token": "abc\u001b[31mred", "obtained_at": 1}"#,
    )
    .expect("cache");
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = cmd(h.path()).args(["token", "ip"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.contains(&0x1b));
    assert!(
        stderr_of(&out).contains("no usable access token"),
        "{}",
        stderr_of(&out)
    );
}

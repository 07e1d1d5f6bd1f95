//! `jwtinspect login` and `jwtinspect refresh` against servers started in the
//! test: ImmPort-like (form POST, RS256, Spring claims, spaced JSON), the Batch
//! Updater (`token`), ItemPath-like login/refresh/application-token (JSON POST,
//! HS256 flask-jwt-extended claims), and the ways a login can fail. The tokens
//! are really signed; `--now` pins the clock to the minting time.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use support::server::{Reply, Request, Server};
use support::{json_lines, jwtinspect, stderr_of, stdout_of, testdata};

/// The minting time of every token; passed as `--now`.
const NOW: i64 = 1_750_000_000;
const NOW_ARG: &str = "1750000000";
/// The one right password. It must never show up in anything the tool prints.
const PASSWORD: &str = "Tr0ub4dor&3-correct-horse";
const ITEMPATH_SECRET: &[u8] = b"itempath-test-secret";

// ---------------------------------------------------------------- the servers

fn rs256(claims: &Value) -> String {
    let pem = std::fs::read(testdata("keys/rsa-private.pem")).expect("test RSA key");
    let key = EncodingKey::from_rsa_pem(&pem).expect("RSA key");
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).expect("sign RS256")
}

fn hs256(claims: &Value) -> String {
    let key = EncodingKey::from_secret(ITEMPATH_SECRET);
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).expect("sign HS256")
}

/// An ImmPort token: Spring OAuth2 claims, valid for 60 s.
fn immport_token(user: &str) -> String {
    let mut authorities = vec!["ROLE_USER"];
    if user == "admin" {
        authorities.push("ROLE_ADMIN");
    }
    rs256(&json!({
        "exp": NOW + 60,
        "user_name": user,
        "authorities": authorities,
        "jti": format!("5f1d3472-{user}"),
        "client_id": "immport-auth-token-client",
        "scope": ["browse", "download"],
    }))
}

/// flask-jwt-extended claims; `ttl` None: no exp (an application token).
fn itempath_token(kind: &str, jti: &str, ttl: Option<i64>) -> String {
    let mut claims = json!({
        "fresh": false, "iat": NOW, "jti": jti, "type": kind,
        "identity": "mgordon", "nbf": NOW,
    });
    if let Some(ttl) = ttl {
        claims["exp"] = json!(NOW + ttl);
    }
    hs256(&claims)
}

fn itempath_access() -> String {
    itempath_token("access", "2a55fe2c-access", Some(900))
}
fn itempath_refresh() -> String {
    itempath_token("refresh", "dcce144f-refresh", Some(30 * 86400))
}
fn itempath_new_access() -> String {
    itempath_token("access", "7d8a00fa-renewed", Some(900))
}
fn itempath_application() -> String {
    itempath_token("access", "9e1c-application", None)
}

fn form_value(req: &Request, key: &str) -> Option<String> {
    req.form()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// What ImmPort writes: JSON with spaces around the colons.
fn spaced(key: &str, token: &str) -> Reply {
    let body = format!("{{\n  \"status\" : 200,\n  \"{key}\" : \"{token}\"\n}}");
    Reply::raw(200, "application/json;charset=UTF-8", body)
}

fn bearer_is(req: &Request, token: &str) -> bool {
    req.header("authorization") == Some(format!("Bearer {token}").as_str())
}

/// Every endpoint the tests talk to, good and bad.
fn routes(req: &Request) -> Reply {
    let creds_ok = || form_value(req, "password").as_deref() == Some(PASSWORD);
    let json_creds_ok = || req.json()["password"] == PASSWORD;
    match req.path.as_str() {
        "/auth/token" | "/batch/auth/token" if !creds_ok() => Reply::raw(
            401,
            "application/json",
            "{\n  \"error\" : \"invalid_grant\",\n  \"error_description\" : \"Bad credentials\"\n}",
        ),
        "/auth/token" => {
            let user = form_value(req, "username").unwrap_or_default();
            spaced("access_token", &immport_token(&user))
        }
        "/batch/auth/token" => {
            let user = form_value(req, "username").unwrap_or_default();
            spaced("token", &immport_token(&user))
        }
        "/api/users/login" if json_creds_ok() => Reply::json(
            200,
            &json!({"login": true, "accessToken": itempath_access(), "refreshToken": itempath_refresh()}),
        ),
        "/api/users/login" => Reply::json(
            401,
            &json!({"login": false, "msg": "Bad username or password"}),
        ),
        "/api/users/refresh" if bearer_is(req, &itempath_refresh()) => {
            Reply::json(200, &json!({"accessToken": itempath_new_access()}))
        }
        "/api/users/application-token" if bearer_is(req, &itempath_refresh()) => {
            Reply::json(200, &json!({"token": itempath_application()}))
        }
        // A server that echoes what it was sent in its complaint.
        "/api/users/refresh" | "/api/users/application-token" => {
            let sent = req.header("authorization").unwrap_or_default();
            Reply::json(
                401,
                &json!({"msg": format!("Token has been revoked: {sent}")}),
            )
        }
        "/echo" => Reply::json(
            401,
            &json!({"message": format!("wrong password {}", form_value(req, "password").unwrap_or_default())}),
        ),
        "/oauth/token" => Reply::json(
            200,
            &json!({"token_type": "bearer", "id_token": immport_token("oidc"), "access_token": immport_token("campjo"), "expires_in": 60}),
        ),
        // A generic OAuth server whose refresh tokens are opaque, not JWTs.
        "/oauth/refresh" if bearer_is(req, "opaque-refresh-8f3a") => {
            Reply::json(200, &json!({"access_token": itempath_new_access()}))
        }
        "/slow" => spaced("access_token", &immport_token("campjo")).delayed(Duration::from_secs(6)),
        "/huge" => Reply::filler(200, "application/json", 64 * 1024 * 1024),
        "/huge-unsized" => Reply::unsized_filler(200, "application/json", 64 * 1024 * 1024),
        "/html" => Reply::raw(
            200,
            "text/html",
            "<!DOCTYPE html><html><body>Sign in</body></html>",
        ),
        "/html-error" => Reply::raw(502, "text/html", "<html><body>Bad Gateway</body></html>"),
        "/text" => Reply::raw(200, "text/plain", "OK, logged in"),
        "/no-token" => Reply::raw(
            200,
            "application/json",
            "{\"status\" : 200, \"message\" : \"Password expires soon\"}",
        ),
        "/no-token-quiet" => Reply::json(200, &json!({"status": 200, "user": "campjo"})),
        "/to-http" => Reply::redirect(302, "http://127.0.0.1:9/auth/token"),
        _ => Reply::raw(404, "text/plain", "no such endpoint"),
    }
}

// ---------------------------------------------------------------- running

/// `jwtinspect login --provider P [--url URL] -u USER`, nothing else.
fn login_as(provider: &str, url: Option<&str>, user: &str) -> assert_cmd::Command {
    let mut cmd = jwtinspect();
    cmd.args(["login", "--provider", provider, "-u", user]);
    if let Some(url) = url {
        cmd.args(["--url", url]);
    }
    cmd
}

/// `jwtinspect login --provider P --url URL -u USER --password-stdin --now NOW`, the password piped.
fn login(provider: &str, url: &str, user: &str) -> assert_cmd::Command {
    let mut cmd = login_as(provider, Some(url), user);
    cmd.args(["--password-stdin", "--now", NOW_ARG])
        .write_stdin(format!("{PASSWORD}\n"));
    cmd
}

/// Run, and check that no secret leaked into stdout or stderr.
fn run(cmd: &mut assert_cmd::Command, secrets: &[&str]) -> Output {
    let out = cmd.output().expect("run jwtinspect");
    let (stdout, stderr) = (stdout_of(&out), stderr_of(&out));
    for secret in [PASSWORD].iter().chain(secrets) {
        assert!(!stdout.contains(secret), "secret in stdout:\n{stdout}");
        assert!(!stderr.contains(secret), "secret in stderr:\n{stderr}");
    }
    out
}

/// Exit 3 with one line on stderr naming `url` and holding every `needle`; nothing on stdout.
fn fails_with(out: &Output, url: &str, needles: &[&str]) -> String {
    let stderr = stderr_of(out);
    assert_eq!(out.status.code(), Some(3), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(&format!("jwtinspect: {url}: ")),
        "{stderr}"
    );
    for n in needles {
        assert!(stderr.contains(n), "{n:?} not in: {stderr}");
    }
    assert_eq!(stdout_of(out), "");
    stderr
}

fn exit_code(out: &Output) -> Option<i32> {
    out.status.code()
}

/// Exit 0, or show what went wrong.
fn succeeded(out: &Output) {
    assert_eq!(exit_code(out), Some(0), "stderr: {}", stderr_of(out));
}

/// The password field of the first (form) request the server received.
fn sent_password(server: &Server) -> Option<String> {
    server
        .requests()
        .first()
        .and_then(|r| form_value(r, "password"))
}

/// `jwtinspect refresh --url URL INPUT`.
fn refresh(url: &str, input: impl AsRef<std::ffi::OsStr>) -> assert_cmd::Command {
    let mut cmd = jwtinspect();
    cmd.args(["refresh", "--url", url]).arg(input);
    cmd
}

// ---------------------------------------------------------------- ImmPort

#[test]
fn immport_login_posts_the_form_and_reports_the_token() {
    let server = Server::http(routes);
    let url = server.url("/auth/token");
    let out = run(login("immport", &url, "campjo").arg("--json"), &[]);
    succeeded(&out);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert!(reqs[0]
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/x-www-form-urlencoded"));
    let form = reqs[0].form();
    assert_eq!(
        form,
        [
            ("username".to_owned(), "campjo".to_owned()),
            ("password".to_owned(), PASSWORD.to_owned())
        ]
    );

    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let t = &lines[0];
    assert_eq!(t["source"], url);
    assert_eq!(t["field"], "access_token");
    assert_eq!(t["token"], immport_token("campjo"));
    assert_eq!(t["header"]["alg"], "RS256");
    assert_eq!(t["summary"]["username"], "campjo");
    assert_eq!(t["summary"]["username_claim"], "user_name");
    assert_eq!(t["summary"]["roles"], json!(["ROLE_USER"]));
    assert_eq!(t["summary"]["scopes"], json!(["browse", "download"]));
    assert_eq!(t["summary"]["client"], "immport-auth-token-client");
    assert_eq!(t["summary"]["expires_in"], 60);
    assert_eq!(t["summary"]["status"], "valid");
}

#[test]
fn immport_human_report_names_where_the_token_came_from() {
    let server = Server::http(routes);
    let url = server.url("/auth/token");
    let out = run(
        login("immport", &url, "campjo").args(["--color", "never"]),
        &[],
    );
    succeeded(&out);
    let stdout = stdout_of(&out);
    assert!(
        stdout.starts_with(&format!("OK · token 1 · {url} · access_token\n")),
        "{stdout}"
    );
    assert!(stdout.contains("campjo"), "{stdout}");
    assert!(stdout.contains("expires in 1m"), "{stdout}");
}

#[test]
fn require_role_answers_does_this_account_carry_it() {
    let server = Server::http(routes);
    let url = server.url("/auth/token");
    let admin = run(
        login("immport", &url, "admin").args(["--require-role", "ROLE_ADMIN"]),
        &[],
    );
    succeeded(&admin);
    let user = run(
        login("immport", &url, "campjo").args(["--require-role", "ROLE_ADMIN", "--json"]),
        &[],
    );
    assert_eq!(exit_code(&user), Some(1));
    let codes: Vec<_> = json_lines(&user)[0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].clone())
        .collect();
    assert!(codes.contains(&json!("missing-role")), "{codes:?}");
}

#[test]
fn print_token_gives_the_bare_access_token_for_export() {
    let server = Server::http(routes);
    let out = run(
        login("immport", &server.url("/auth/token"), "campjo").arg("--print-token"),
        &[],
    );
    assert_eq!(exit_code(&out), Some(0));
    assert_eq!(stdout_of(&out), format!("{}\n", immport_token("campjo")));
    assert_eq!(stderr_of(&out), "");
}

#[test]
fn print_token_is_judged_like_any_token() {
    // 61 s after minting the 60-second ImmPort token has expired: printed, exit 1.
    let server = Server::http(routes);
    let url = server.url("/auth/token");
    let out = run(
        login_as("immport", Some(&url), "campjo")
            .args(["--password-stdin", "--print-token", "--now", "1750000061"])
            .write_stdin(PASSWORD),
        &[],
    );
    assert_eq!(exit_code(&out), Some(1));
    assert_eq!(stdout_of(&out), format!("{}\n", immport_token("campjo")));
}

#[test]
fn immport_batch_reads_the_token_key() {
    let server = Server::http(routes);
    let url = server.url("/batch/auth/token");
    let out = run(login("immport-batch", &url, "campjo").arg("--json"), &[]);
    succeeded(&out);
    let t = &json_lines(&out)[0];
    assert_eq!(t["field"], "token");
    assert_eq!(t["summary"]["username"], "campjo");
    assert_eq!(
        server.requests()[0].form()[1],
        ("password".to_owned(), PASSWORD.to_owned())
    );
    let printed = run(
        login("immport-batch", &url, "campjo").arg("--print-token"),
        &[],
    );
    assert_eq!(
        stdout_of(&printed),
        format!("{}\n", immport_token("campjo"))
    );
}

#[test]
fn claim_prints_one_value() {
    let server = Server::http(routes);
    let out = run(
        login("immport", &server.url("/auth/token"), "admin").args(["--claim", "authorities"]),
        &[],
    );
    assert_eq!(exit_code(&out), Some(0));
    assert_eq!(stdout_of(&out), "[\"ROLE_USER\",\"ROLE_ADMIN\"]\n");
}

// ---------------------------------------------------------------- ItemPath

#[test]
fn itempath_login_posts_json_and_reports_both_tokens() {
    let server = Server::http(routes);
    let url = server.url("/api/users/login");
    let out = run(login("itempath", &url, "mgordon").arg("--json"), &[]);
    succeeded(&out);

    let req = &server.requests()[0];
    assert!(req
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(
        req.json(),
        json!({"username": "mgordon", "password": PASSWORD})
    );

    let lines = json_lines(&out);
    let fields: Vec<_> = lines.iter().map(|l| l["field"].clone()).collect();
    assert_eq!(fields, [json!("accessToken"), json!("refreshToken")]);
    assert_eq!(lines[0]["source"], url);
    assert_eq!(lines[0]["header"]["alg"], "HS256");
    assert_eq!(lines[0]["summary"]["username"], "mgordon");
    assert_eq!(lines[0]["summary"]["token_type"], "access");
    assert_eq!(lines[0]["summary"]["lifetime"], 900);
    assert_eq!(lines[1]["summary"]["token_type"], "refresh");
    assert_eq!(lines[1]["summary"]["expires_in"], 30 * 86400);

    let printed = run(login("itempath", &url, "mgordon").arg("--print-token"), &[]);
    assert_eq!(stdout_of(&printed), format!("{}\n", itempath_access()));
}

#[test]
fn itempath_needs_a_url() {
    let out = run(
        login_as("itempath", None, "mgordon")
            .arg("--password-stdin")
            .write_stdin(format!("{PASSWORD}\n")),
        &[],
    );
    assert_eq!(exit_code(&out), Some(2));
    assert!(stderr_of(&out)
        .contains("--provider itempath needs --url, e.g. --url https://host/api/users/login"));
}

fn login_response_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("login.json");
    let body = json!({"login": true, "accessToken": itempath_access(), "refreshToken": itempath_refresh()});
    std::fs::write(&path, body.to_string()).expect("write login.json");
    path
}

#[test]
fn refresh_sends_the_refresh_token_as_bearer() {
    let server = Server::http(routes);
    let url = server.url("/api/users/refresh");
    let refresh_token = itempath_refresh();
    let out = run(
        refresh(&url, &refresh_token).args(["--now", NOW_ARG, "--json"]),
        &[],
    );
    succeeded(&out);
    let req = &server.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {refresh_token}").as_str())
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["source"], url);
    assert_eq!(lines[0]["field"], "accessToken");
    assert_eq!(lines[0]["token"], itempath_new_access());
    assert_eq!(lines[0]["payload"]["jti"], "7d8a00fa-renewed");
}

#[test]
fn refresh_warns_when_given_an_access_token_then_sends_it() {
    let server = Server::http(routes);
    let url = server.url("/api/users/refresh");
    let out = run(
        refresh(&url, itempath_access()).args(["--now", NOW_ARG, "--json"]),
        &[],
    );
    let err = stderr_of(&out);
    assert!(
        err.contains("warning: the token to refresh with is an access token (type: access)"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1, "warned, then sent as asked");
    // A refresh token gets no such warning.
    let out = run(
        refresh(&url, itempath_refresh()).args(["--now", NOW_ARG, "--json"]),
        &[],
    );
    assert!(
        !stderr_of(&out).contains("access token"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn refresh_takes_a_whole_login_response_from_a_file_or_stdin() {
    let server = Server::http(routes);
    let url = server.url("/api/users/refresh");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = login_response_file(dir.path());
    let refresh_token = itempath_refresh();
    let access = itempath_access();

    let out = run(
        refresh(&url, &file).args(["--print-token", "--now", NOW_ARG]),
        &[&refresh_token, &access],
    );
    succeeded(&out);
    assert_eq!(stdout_of(&out), format!("{}\n", itempath_new_access()));

    let body = std::fs::read_to_string(&file).expect("read login.json");
    let out = run(
        refresh(&url, "-")
            .args(["--print-token", "--now", NOW_ARG])
            .write_stdin(body.clone()),
        &[&refresh_token, &access],
    );
    succeeded(&out);
    // No INPUT and a piped stdin: stdin is read.
    let out = run(
        jwtinspect()
            .args(["refresh", "--url", &url, "--print-token", "--now", NOW_ARG])
            .write_stdin(body),
        &[&refresh_token, &access],
    );
    assert_eq!(stdout_of(&out), format!("{}\n", itempath_new_access()));
    let sent: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(sent, vec![Some(format!("Bearer {refresh_token}")); 3]);
}

#[test]
fn login_json_output_pipes_into_refresh() {
    // login --json > login.jsonl; refresh --url ... login.jsonl: the refreshToken line is used.
    let server = Server::http(routes);
    let login_out = run(
        login("itempath", &server.url("/api/users/login"), "mgordon").arg("--json"),
        &[],
    );
    succeeded(&login_out);
    let url = server.url("/api/users/application-token");
    let out = run(
        refresh(&url, "-")
            .args(["--print-token", "--now", NOW_ARG])
            .write_stdin(login_out.stdout),
        &[&itempath_refresh()],
    );
    succeeded(&out);
    assert_eq!(stdout_of(&out), format!("{}\n", itempath_application()));
}

#[test]
fn refresh_uses_an_opaque_refresh_token_from_a_login_response() {
    let server = Server::http(routes);
    let url = server.url("/oauth/refresh");
    let response =
        json!({"access_token": itempath_access(), "refresh_token": "opaque-refresh-8f3a"});
    let out = run(
        refresh(&url, response.to_string()).args(["--print-token", "--now", NOW_ARG]),
        &[],
    );
    succeeded(&out);
    assert_eq!(stdout_of(&out), format!("{}\n", itempath_new_access()));
}

#[test]
fn application_token_never_expires() {
    let server = Server::http(routes);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = login_response_file(dir.path());
    let url = server.url("/api/users/application-token");
    let out = run(
        refresh(&url, &file).args(["--json", "--now", NOW_ARG]),
        &[&itempath_refresh()],
    );
    succeeded(&out); // a warning, not a failure
    let t = &json_lines(&out)[0];
    assert_eq!(t["field"], "token");
    assert_eq!(t["summary"]["status"], "no_expiry");
    assert_eq!(t["findings"][0]["code"], "no-expiry");
}

#[test]
fn rejected_refresh_token_is_not_echoed() {
    let server = Server::http(routes);
    let url = server.url("/api/users/refresh");
    let stale = itempath_token("refresh", "revoked", Some(60));
    let out = run(&mut refresh(&url, &stale), &[&stale]);
    fails_with(
        &out,
        &url,
        &[
            "HTTP 401 Unauthorized",
            "Token has been revoked: Bearer ***",
        ],
    );
}

#[test]
fn refresh_with_several_unlabelled_tokens_asks_which() {
    let a = itempath_access();
    let b = itempath_new_access();
    let out = run(
        &mut refresh("http://127.0.0.1:9/x", format!("{a} {b}")),
        &[],
    );
    assert_eq!(exit_code(&out), Some(2));
    assert!(stderr_of(&out).contains("2 tokens and none under refreshToken or refresh_token"));
}

// ---------------------------------------------------------------- generic form / json

#[test]
fn generic_form_sends_params_and_reports_every_token() {
    let server = Server::http(routes);
    let url = server.url("/oauth/token");
    let out = run(
        login("form", &url, "campjo").args([
            "--param",
            "grant_type=password",
            "--param",
            "client_id=cli",
            "--json",
        ]),
        &[],
    );
    succeeded(&out);
    let form = server.requests()[0].form();
    let keys: Vec<_> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(
        keys,
        [
            "username=campjo",
            &format!("password={PASSWORD}"),
            "grant_type=password",
            "client_id=cli"
        ]
    );
    let fields: Vec<_> = json_lines(&out)
        .iter()
        .map(|l| l["field"].clone())
        .collect();
    assert_eq!(fields, [json!("id_token"), json!("access_token")]);
    // --print-token prefers access_token over id_token.
    let printed = run(login("form", &url, "campjo").arg("--print-token"), &[]);
    assert_eq!(
        stdout_of(&printed),
        format!("{}\n", immport_token("campjo"))
    );
}

#[test]
fn generic_json_sends_params_as_strings() {
    let server = Server::http(routes);
    let url = server.url("/api/users/login");
    let out = run(
        login("json", &url, "mgordon").args(["--param", "client_id=cli", "--print-token"]),
        &[],
    );
    succeeded(&out);
    assert_eq!(
        server.requests()[0].json(),
        json!({"username": "mgordon", "password": PASSWORD, "client_id": "cli"})
    );
    assert_eq!(stdout_of(&out), format!("{}\n", itempath_access()));
}

#[test]
fn bad_params_are_usage_errors() {
    for (param, says) in [
        ("grant_type", "expected KEY=VALUE"),
        ("=x", "empty KEY"),
        (
            &format!("password={PASSWORD}") as &str,
            "never goes on the command line",
        ),
    ] {
        let out = run(
            login("form", "http://127.0.0.1:9/x", "me").args(["--param", param]),
            &[],
        );
        assert_eq!(exit_code(&out), Some(2), "{param}");
        assert!(
            stderr_of(&out).contains(says),
            "{param}: {}",
            stderr_of(&out)
        );
    }
}

// ---------------------------------------------------------------- the password

#[test]
fn password_from_the_environment() {
    let server = Server::http(routes);
    let url = server.url("/auth/token");
    let out = run(
        login_as("immport", Some(&url), "campjo")
            .args(["--now", NOW_ARG])
            .env("JWTINSPECT_PASSWORD", PASSWORD),
        &[],
    );
    succeeded(&out);
    assert_eq!(sent_password(&server).as_deref(), Some(PASSWORD));
}

#[test]
fn password_stdin_wins_over_the_environment_and_keeps_spaces() {
    let server = Server::http(routes);
    let url = server.url("/echo");
    let out = run(
        login("form", &url, "campjo")
            .env("JWTINSPECT_PASSWORD", "from-env")
            .write_stdin(" spaced pw \r\n"),
        &["spaced pw"],
    );
    assert_eq!(sent_password(&server).as_deref(), Some(" spaced pw "));
    fails_with(&out, &url, &["wrong password ***"]);
}

#[test]
fn no_password_source_and_no_terminal_is_a_usage_error() {
    let out = run(&mut login_as("immport", None, "campjo"), &[]);
    assert_eq!(exit_code(&out), Some(2));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("no password: pipe it with --password-stdin, set JWTINSPECT_PASSWORD"),
        "{stderr}"
    );
    let out = run(
        login_as("immport", None, "campjo").arg("--password-stdin"),
        &[],
    );
    assert_eq!(exit_code(&out), Some(2));
    assert!(stderr_of(&out).contains("standard input held no password"));
}

#[test]
fn there_is_no_password_flag() {
    let out = run(
        login_as("immport", None, "campjo").args(["--password", "x"]),
        &[],
    );
    assert_eq!(exit_code(&out), Some(2));
}

// ---------------------------------------------------------------- failures: exit 3, one line

#[test]
fn bad_password_shows_the_servers_reason() {
    let server = Server::http(routes);
    let url = server.url("/auth/token");
    let out = run(
        login_as("immport", Some(&url), "campjo")
            .arg("--password-stdin")
            .write_stdin("not-the-password\n"),
        &["not-the-password"],
    );
    fails_with(
        &out,
        &url,
        &["HTTP 401 Unauthorized (credentials rejected): \"Bad credentials\""],
    );

    let url = server.url("/api/users/login");
    let out = run(
        login_as("itempath", Some(&url), "mgordon")
            .arg("--password-stdin")
            .write_stdin("nope-nope\n"),
        &["nope-nope"],
    );
    fails_with(&out, &url, &["HTTP 401", "\"Bad username or password\""]);
}

#[test]
fn refused_connection() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/auth/token");
    let out = run(&mut login("immport", &url, "campjo"), &[]);
    fails_with(&out, &url, &["could not connect", "refused"]);
}

/// A login against `path` on a fresh server must fail (exit 3, one line
/// naming the URL) saying `needle`; returns how long it took.
fn login_fails(provider: &str, path: &str, extra: &[&str], needle: &str) -> Duration {
    let server = Server::http(routes);
    let url = server.url(path);
    let started = Instant::now();
    let out = run(login(provider, &url, "campjo").args(extra), &[]);
    fails_with(&out, &url, &[needle]);
    started.elapsed()
}

#[test]
fn slow_server_times_out() {
    let took = login_fails(
        "immport",
        "/slow",
        &["--timeout", "1"],
        "no answer within 1s (--timeout)",
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn answer_that_stalls_halfway_times_out() {
    // Headers and the start of the body arrive, then nothing: the total timeout still holds.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/auth/token", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = conn.read(&mut request);
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
            let _ = conn.write_all(format!("{head}{{\"status\" : 200,").as_bytes());
            std::thread::sleep(Duration::from_secs(6));
        }
    });
    let started = Instant::now();
    let out = run(
        login("immport", &url, "campjo").args(["--timeout", "1"]),
        &[],
    );
    fails_with(&out, &url, &["no answer within 1s (--timeout)"]);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn huge_answers_fail_fast_at_the_limit() {
    // 64 MiB each: refused by its Content-Length, or cut while reading when
    // there is none. Buffering it all would take far longer than this.
    for path in ["/huge", "/huge-unsized"] {
        let took = login_fails(
            "immport",
            path,
            &[],
            "the answer is larger than 1024 KiB, the limit",
        );
        assert!(took < Duration::from_secs(5), "{path} took {took:?}");
    }
}

#[test]
fn answers_without_a_token_say_what_came_instead() {
    for (provider, path, says) in [
        (
            "immport",
            "/html",
            "the answer is an HTML page, not a JSON token response; is --url the API endpoint?",
        ),
        (
            "immport",
            "/html-error",
            "HTTP 502 Bad Gateway, an HTML page",
        ),
        (
            "form",
            "/text",
            "the answer is not JSON (text/plain): \"OK, logged in\"",
        ),
        (
            "immport",
            "/no-token",
            "the answer holds no token: \"Password expires soon\"",
        ),
        (
            "json",
            "/no-token-quiet",
            "the answer holds no token (its keys: \"status\", \"user\")",
        ),
        (
            "immport",
            "/nowhere",
            "HTTP 404 Not Found: \"no such endpoint\"",
        ),
    ] {
        login_fails(provider, path, &[], says);
    }
}

// ---------------------------------------------------------------- TLS

#[test]
fn untrusted_certificate_is_refused() {
    let server = Server::https(routes);
    let url = server.url("/auth/token");
    let out = run(&mut login("immport", &url, "campjo"), &[]);
    fails_with(&out, &url, &["certificate", "UnknownIssuer"]);
    assert!(server.requests().is_empty(), "the password was never sent");
}

#[test]
fn cacert_trusts_the_test_ca() {
    let server = Server::https(routes);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = server.ca_file(dir.path());
    let url = server.url("/auth/token");
    let out = run(
        login("immport", &url, "campjo")
            .arg("--cacert")
            .arg(&ca)
            .arg("--json"),
        &[],
    );
    succeeded(&out);
    assert_eq!(stderr_of(&out), "");
    assert_eq!(json_lines(&out)[0]["source"], url);
    assert_eq!(sent_password(&server).as_deref(), Some(PASSWORD));
}

#[test]
fn insecure_works_and_says_so() {
    let server = Server::https(routes);
    let url = server.url("/auth/token");
    let out = run(
        login("immport", &url, "campjo").args(["--insecure", "--print-token"]),
        &[],
    );
    succeeded(&out);
    assert_eq!(stdout_of(&out), format!("{}\n", immport_token("campjo")));
    assert!(stderr_of(&out).contains("warning: --insecure: TLS certificates are NOT verified"));
}

#[test]
fn redirect_from_https_to_http_is_refused() {
    let server = Server::https(routes);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = server.ca_file(dir.path());
    let url = server.url("/to-http");
    let out = run(
        login("immport", &url, "campjo").arg("--cacert").arg(&ca),
        &[],
    );
    fails_with(
        &out,
        &url,
        &["refused a redirect from https to plain http (http://127.0.0.1:9/auth/token)"],
    );
}

#[test]
fn refresh_over_tls_with_cacert() {
    let server = Server::https(routes);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = server.ca_file(dir.path());
    let file = login_response_file(dir.path());
    let url = server.url("/api/users/refresh");
    let out = run(
        refresh(&url, &file)
            .arg("--cacert")
            .arg(&ca)
            .args(["--print-token", "--now", NOW_ARG]),
        &[&itempath_refresh()],
    );
    succeeded(&out);
    assert_eq!(stdout_of(&out), format!("{}\n", itempath_new_access()));
    let untrusted = run(&mut refresh(&url, &file), &[&itempath_refresh()]);
    fails_with(&untrusted, &url, &["UnknownIssuer"]);
}

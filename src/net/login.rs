//! `login` and `refresh`: ask a server for tokens, check its answer, and hand
//! the answer back as text for the inspection pipeline. Providers are data
//! (one table row each), not branches. Nothing here prints a report, and the
//! password and the refresh token stay inside `Secret` until the request.

use std::io::{self, BufRead, Read};

use serde_json::Value;

use crate::config::{Environment, LoginRequest, Provider, RefreshRequest};
use crate::error::Error;
use crate::messages;
use crate::net::http::{self, Body, Http, Response};
use crate::sanitize;
use crate::scan::find as scan;
use crate::scan::input::{self, Input};
use crate::secret::Secret;
use crate::token::decode;

/// How a login request carries its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `application/x-www-form-urlencoded`
    Form,
    /// A JSON object of strings.
    Json,
}

/// One login protocol, as data.
#[derive(Debug)]
pub struct ProviderSpec {
    pub name: &'static str,
    /// Used when `--url` is not given; `None`: `--url` is required.
    pub default_url: Option<&'static str>,
    /// Shown when `--url` is missing.
    pub url_example: &'static str,
    pub encoding: Encoding,
    pub user_field: &'static str,
    pub password_field: &'static str,
    /// Answer keys holding the access token, most likely first
    /// (then `ACCESS_KEYS`, then the first token in the answer).
    pub access_keys: &'static [&'static str],
}

/// Answer keys that hold an access token, in order of preference, for any provider.
pub const ACCESS_KEYS: &[&str] = &["access_token", "accessToken", "token", "id_token"];

/// Keys of a login response that hold the refresh token.
pub const REFRESH_KEYS: &[&str] = &["refreshToken", "refresh_token"];

/// Keys of an error answer that explain it, most specific first.
const MESSAGE_KEYS: &[&str] = &["error_description", "message", "msg", "detail", "error"];

/// The most of a server's explanation that is quoted in an error.
const MESSAGE_LIMIT: usize = 200;

const IMMPORT_URL: &str = "https://www.immport.org/auth/token";

pub const IMMPORT: ProviderSpec = ProviderSpec {
    name: "immport",
    default_url: Some(IMMPORT_URL),
    url_example: IMMPORT_URL,
    encoding: Encoding::Form,
    user_field: "username",
    password_field: "password",
    access_keys: &["access_token"],
};

pub const IMMPORT_BATCH: ProviderSpec = ProviderSpec {
    name: "immport-batch",
    access_keys: &["token"],
    ..IMMPORT
};

pub const ITEMPATH: ProviderSpec = ProviderSpec {
    name: "itempath",
    default_url: None,
    url_example: "https://host/api/users/login",
    encoding: Encoding::Json,
    user_field: "username",
    password_field: "password",
    access_keys: &["accessToken"],
};

pub const FORM: ProviderSpec = ProviderSpec {
    name: "form",
    default_url: None,
    url_example: "https://host/oauth/token",
    encoding: Encoding::Form,
    user_field: "username",
    password_field: "password",
    access_keys: ACCESS_KEYS,
};

pub const JSON: ProviderSpec = ProviderSpec {
    name: "json",
    encoding: Encoding::Json,
    url_example: "https://host/api/login",
    ..FORM
};

impl ProviderSpec {
    /// The provider of this `--provider` name (a saved profile's `kind`).
    pub(crate) fn named(name: &str) -> Option<&'static ProviderSpec> {
        [&IMMPORT, &IMMPORT_BATCH, &ITEMPATH, &FORM, &JSON]
            .into_iter()
            .find(|p| p.name == name)
    }

    pub fn of(provider: Provider) -> &'static ProviderSpec {
        match provider {
            Provider::Immport => &IMMPORT,
            Provider::ImmportBatch => &IMMPORT_BATCH,
            Provider::Itempath => &ITEMPATH,
            Provider::Form => &FORM,
            Provider::Json => &JSON,
        }
    }
}

/// A server's answer that holds tokens, checked.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Where it came from (the URL, any password in it hidden): the report's `source`.
    pub label: String,
    /// The answer's body.
    pub text: String,
    /// The access token and the key it stood under.
    pub access: Keyed,
}

impl Answer {
    /// The whole answer: every token in it is reported.
    pub fn input(&self) -> Input {
        Input::Memory {
            label: self.label.clone(),
            text: self.text.clone(),
        }
    }

    /// Only the access token, still labelled with its key (for `--print-token`).
    pub fn access_input(&self) -> Input {
        let text = match &self.access {
            (Some(field), token) => serde_json::json!({ field: token }).to_string(),
            (None, token) => token.clone(),
        };
        Input::Memory {
            label: self.label.clone(),
            text,
        }
    }
}

/// `jwtinspect login`: POST the credentials, return the checked answer.
pub fn login(args: &LoginRequest, env: &Environment) -> Result<Answer, Error> {
    let spec = ProviderSpec::of(args.provider);
    let url = provider_url(spec, args.url.as_deref())?;
    if args.user.is_empty() {
        return Err(Error::usage("-u/--user is empty; give the user name"));
    }
    let params = parse_params(&args.params, spec)?;
    let http = Http::for_credentials(&args.net)?;
    let password = password(args, env, url)?;
    login_with(&http, spec, url, &args.user, &password, params)
}

/// The login URL of a provider: `--url`, else its default.
pub(crate) fn provider_url<'a>(
    spec: &ProviderSpec,
    url: Option<&'a str>,
) -> Result<&'a str, Error> {
    match (url, spec.default_url) {
        (Some(url), _) => Ok(url),
        (None, Some(url)) => Ok(url),
        (None, None) => Err(Error::usage(format!(
            "--provider {} needs --url, e.g. --url {}",
            spec.name, spec.url_example
        ))),
    }
}

/// POST a provider's login form with this user and password (also the
/// `token` helper's unattended re-login).
pub(crate) fn login_with(
    http: &Http,
    spec: &ProviderSpec,
    url: &str,
    user: &str,
    password: &Secret,
    params: Vec<(String, Secret)>,
) -> Result<Answer, Error> {
    warn_if_plain_http(url);
    let mut fields = vec![
        (spec.user_field.to_owned(), Secret::new(user)),
        (spec.password_field.to_owned(), password.clone()),
    ];
    fields.extend(params);
    let body = match spec.encoding {
        Encoding::Form => Body::Form(fields),
        Encoding::Json => Body::Json(fields),
    };
    let response = http.post(url, &body, None)?;
    check_answer(
        url,
        &response,
        spec.access_keys,
        &spellings(Some(user), password),
    )
}

/// `jwtinspect refresh`: POST with the refresh token as Bearer, return the checked answer.
pub fn refresh(args: &RefreshRequest, env: &Environment) -> Result<Answer, Error> {
    let token = refresh_token(args.input.as_deref(), env)?;
    if let Some(kind) = access_token_kind(token.expose()) {
        messages::warning(&format!(
            "the token to refresh with is an access token ({kind}); servers expect the refresh token: give it, or the whole login response"
        ));
    }
    let http = Http::for_credentials(&args.net)?;
    refresh_with(&http, &args.url, &token)
}

/// POST to a refresh URL with the refresh token as Bearer.
pub(crate) fn refresh_with(http: &Http, url: &str, token: &Secret) -> Result<Answer, Error> {
    let response = http.post(url, &Body::Empty, Some(token))?;
    check_answer(url, &response, ACCESS_KEYS, &spellings(None, token))
}

/// How a token says it is an access token (`type: access`, Cognito's
/// `token_use: access`, Keycloak's `typ: Bearer`), if it does.
fn access_token_kind(token: &str) -> Option<String> {
    let payload = decode::decode(token).payload.ok()?;
    ["type", "token_use", "typ"].iter().find_map(|name| {
        let value = payload.get(*name)?.as_str()?;
        matches!(value.to_ascii_lowercase().as_str(), "access" | "bearer")
            .then(|| format!("{name}: {}", sanitize::escape(value)))
    })
}

/// `--param KEY=VALUE` fields. The password never comes from the command line.
fn parse_params(params: &[String], spec: &ProviderSpec) -> Result<Vec<(String, Secret)>, Error> {
    params
        .iter()
        .map(|p| {
            let Some((key, value)) = p.split_once('=') else {
                return Err(Error::usage(format!(
                    "--param '{}': expected KEY=VALUE, e.g. --param grant_type=password",
                    sanitize::escape(p)
                )));
            };
            if key.is_empty() {
                return Err(Error::usage(
                    "--param with an empty KEY: expected KEY=VALUE, e.g. --param grant_type=password",
                ));
            }
            if key == spec.password_field {
                return Err(Error::usage(format!(
                    "--param {key}=...: the password never goes on the command line; \
                     use --password-stdin, JWTINSPECT_PASSWORD or the prompt"
                )));
            }
            if key == spec.user_field {
                return Err(Error::usage(format!(
                    "--param {key}=...: give the user name with -u"
                )));
            }
            Ok((key.to_owned(), Secret::new(value)))
        })
        .collect()
}

/// The password: `--password-stdin`, else `JWTINSPECT_PASSWORD`, else a prompt that does not echo.
fn password(args: &LoginRequest, env: &Environment, url: &str) -> Result<Secret, Error> {
    if args.password_stdin {
        return password_from(io::stdin().lock());
    }
    match std::env::var("JWTINSPECT_PASSWORD") {
        Ok(p) if !p.is_empty() => return Ok(Secret::new(p)),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Error::usage("JWTINSPECT_PASSWORD is not valid UTF-8"))
        }
        _ => {}
    }
    if !env.stdin_terminal {
        return Err(Error::usage(
            "no password: pipe it with --password-stdin, set JWTINSPECT_PASSWORD, \
             or run in a terminal to be prompted",
        ));
    }
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned());
    let prompt = format!(
        "Password for {} at {}: ",
        sanitize::escape(&args.user),
        sanitize::escape(&host)
    );
    let typed = rpassword::prompt_password(prompt)
        .map_err(|e| Error::io("reading the password from the terminal", e))?;
    if typed.is_empty() {
        return Err(Error::usage("no password typed"));
    }
    Ok(Secret::new(typed))
}

/// The first line of `reader`, without its line ending.
fn password_from(reader: impl BufRead) -> Result<Secret, Error> {
    let mut line = String::new();
    reader
        .take(64 * 1024)
        .read_line(&mut line)
        .map_err(|e| Error::io("--password-stdin: reading standard input", e))?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        return Err(Error::usage(
            "--password-stdin: standard input held no password (an empty first line)",
        ));
    }
    Ok(Secret::new(line))
}

/// A password sent over plain http to another machine can be read on the way: say so.
fn warn_if_plain_http(url: &str) {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return;
    };
    let host = parsed.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if parsed.scheme() == "http" && !loopback {
        messages::warning(&format!(
            "{} is plain http: the password crosses the network unencrypted",
            http::display_url(url)
        ));
    }
}

/// The refresh token from TOKEN, `-`, a file or standard input: a bare token,
/// a login response, or `jwtinspect login --json` output; from the last two
/// the token under `refreshToken` / `refresh_token` is used.
fn refresh_token(arg: Option<&str>, env: &Environment) -> Result<Secret, Error> {
    let source = match arg {
        Some(a) => Input::from_args(&[a.to_owned()])?
            .pop()
            .unwrap_or(Input::Stdin),
        None if env.stdin_terminal => return Err(Error::usage(
            "no refresh token given: pass it, a file holding the login response, or - (or pipe it)",
        )),
        None => Input::Stdin,
    };
    let label = source.describe();
    let text = read_small(&source)?;
    let tokens = tokens_in(&label, &text)?;
    if let Some((_, token)) = under(&tokens, REFRESH_KEYS) {
        return Ok(Secret::new(token.clone()));
    }
    // `jwtinspect login --json` output: each line names the field its token came from.
    if let Some((_, token)) = under(&reported_tokens(&text), REFRESH_KEYS) {
        return Ok(Secret::new(token.clone()));
    }
    // An opaque (non-JWT) refresh token in a login response.
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        if let Some(token) = REFRESH_KEYS
            .iter()
            .find_map(|k| value.get(*k).and_then(Value::as_str))
            .filter(|t| !t.is_empty())
        {
            return Ok(Secret::new(token));
        }
    }
    match tokens.as_slice() {
        [(_, token)] => Ok(Secret::new(token.clone())),
        [] => Err(Error::Input(format!(
            "{label}: no refresh token in it; expected a JWT (eyJ...) or a login response \
             with {}",
            REFRESH_KEYS.join(" or ")
        ))),
        many => Err(Error::usage(format!(
            "{label}: {} tokens and none under {}; pass the refresh token itself",
            many.len(),
            REFRESH_KEYS.join(" or ")
        ))),
    }
}

/// The tokens in `jwtinspect --json` output, keyed by the `field` each line reports.
fn reported_tokens(text: &str) -> Vec<Keyed> {
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|v| {
            let token = v.get("token")?.as_str()?.to_owned();
            let field = v.get("field")?.as_str().map(str::to_owned);
            Some((field, token))
        })
        .collect()
}

/// A refresh token or a login response: small, read whole (at most `http::BODY_LIMIT`).
fn read_small(source: &Input) -> Result<String, Error> {
    let what = source.describe();
    let mut bytes = Vec::new();
    let read = match source {
        Input::Text { text, .. } | Input::Memory { text, .. } => return Ok(text.clone()),
        Input::Stdin => io::stdin()
            .lock()
            .take(http::BODY_LIMIT as u64 + 1)
            .read_to_end(&mut bytes),
        Input::File(path) => std::fs::File::open(path)
            .and_then(|f| f.take(http::BODY_LIMIT as u64 + 1).read_to_end(&mut bytes)),
    };
    read.map_err(|e| Error::io(format!("reading {what}"), e))?;
    if bytes.len() > http::BODY_LIMIT {
        return Err(Error::Input(format!(
            "{what}: larger than {} KiB; expected a refresh token or a login response",
            http::BODY_LIMIT / 1024
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| Error::Input(format!("{what}: not UTF-8 text; expected a refresh token")))
}

/// Check a server's answer: a success status, JSON (or one bare token), and at
/// least one token. Every failure is one line naming the URL and the reason;
/// `secret` (the password or refresh token) is blanked out of anything the
/// server wrote, in case it echoes it.
fn check_answer(
    url: &str,
    response: &Response,
    access_keys: &[&str],
    secret: &[String],
) -> Result<Answer, Error> {
    let shown = http::display_url(url);
    let redact = |text: &str| {
        let mut text = text.to_owned();
        for s in secret.iter().filter(|s| !s.is_empty()) {
            text = text.replace(s.as_str(), "***");
        }
        text
    };
    // Server text is quoted only with the secret blanked out, before any folding.
    let quote = |text: &str| excerpt(&redact(text));
    let fail = |why: String| Error::Network(redact(&format!("{shown}: {why}")));
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let json = serde_json::from_str::<Value>(&text).ok();
    let html = response
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("html"))
        || text.trim_start().starts_with('<');
    let said = json.as_ref().and_then(server_message).map(quote);

    if !response.is_success() {
        let status = response.status;
        let mut why = format!("HTTP {status}");
        if let Some(reason) = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            why.push_str(&format!(" {reason}"));
        }
        if matches!(status, 401 | 403) {
            why.push_str(" (credentials rejected)");
        }
        why.push_str(&match (&said, html) {
            (Some(m), _) => format!(": {m}"),
            (None, true) => ", an HTML page".to_owned(),
            (None, false) if text.trim().is_empty() => ", no explanation".to_owned(),
            (None, false) => format!(": {}", quote(&text)),
        });
        return Err(fail(why));
    }
    if html {
        return Err(fail(
            "the answer is an HTML page, not a JSON token response; is --url the API endpoint?"
                .to_owned(),
        ));
    }
    // Tokens are found in any answer, JSON or not (`access_token=...&`,
    // `Bearer ...`, JSON nested deeper than a parser goes), as in free text.
    let label = http::display_url(&response.url);
    let tokens = tokens_in(&label, text.trim())?;
    if json.is_none() && tokens.is_empty() {
        let ct = response
            .content_type
            .as_deref()
            .unwrap_or("no Content-Type");
        return Err(fail(format!(
            "the answer is not JSON ({}): {}",
            sanitize::escape(ct),
            quote(&text)
        )));
    }
    let access = under(&tokens, access_keys.iter().chain(ACCESS_KEYS)).or(tokens.first());
    let Some(access) = access.cloned() else {
        let why = match (&said, &json) {
            (Some(m), _) => format!("the answer holds no token: {m}"),
            (None, Some(Value::Object(map))) => {
                let keys: Vec<_> = map.keys().map(|k| quote(k)).collect();
                format!("the answer holds no token (its keys: {})", keys.join(", "))
            }
            _ => format!("the answer holds no token: {}", quote(&text)),
        };
        return Err(fail(why));
    };
    Ok(Answer {
        label,
        text: text.trim().to_owned(),
        access,
    })
}

/// A token and the JSON key it stood under.
type Keyed = (Option<String>, String);

/// Every decodable token in `text`, with its key, in order.
fn tokens_in(label: &str, text: &str) -> Result<Vec<Keyed>, Error> {
    let mut tokens = Vec::new();
    let input = Input::Memory {
        label: label.to_owned(),
        text: text.to_owned(),
    };
    input::for_each_token(&input, &input::Reading::simple(false), &mut |found| {
        if decode::decode(found.token).is_reportable() {
            tokens.push((found.field.map(str::to_owned), found.token.to_owned()));
        }
        Ok(())
    })?;
    Ok(tokens)
}

/// The first token under the first of `keys` that has one.
fn under<'t, 'k>(
    tokens: &'t [Keyed],
    keys: impl IntoIterator<Item = &'k &'k str>,
) -> Option<&'t Keyed> {
    keys.into_iter()
        .find_map(|k| tokens.iter().find(|(f, _)| f.as_deref() == Some(*k)))
}

/// What an error answer says about itself (`error_description`, `message`, ...).
fn server_message(json: &Value) -> Option<&str> {
    MESSAGE_KEYS.iter().find_map(|k| {
        json.get(*k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    })
}

/// Server-supplied text fit for one line: escaped, whitespace folded, cut
/// at `MESSAGE_LIMIT`, tokens shown by their start and length only. The one
/// way net/ quotes what a server said (login, OAuth, JWKS).
pub(crate) fn excerpt(text: &str) -> String {
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    sanitize::quote(&mask_tokens(&folded), MESSAGE_LIMIT)
}

/// Tokens in server text shown by their first characters and length only:
/// an error message never quotes a token whole (a short HS256 token fits
/// in an excerpt, and it is a credential).
fn mask_tokens(text: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for c in scan::scan_all(text.as_bytes()) {
        let (Some(before), Some(token)) = (text.get(at..c.start), text.get(c.start..c.end)) else {
            continue;
        };
        out.push_str(before);
        let head: String = token.chars().take(TOKEN_SHOWN).collect();
        out.push_str(&format!("{head}… ({} characters)", token.len()));
        at = c.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// How many characters of a token an error shows.
const TOKEN_SHOWN: usize = 12;

/// Every spelling of `secret` a request may have carried, for blanking it
/// out of what the server says: as is, form-urlencoded, percent-encoded
/// (upper and lower case, `%20` or `+` for a space), inside a JSON string,
/// and base64 (alone and as Basic auth's `user:secret`).
fn spellings(user: Option<&str>, secret: &Secret) -> Vec<String> {
    use base64::Engine;
    let raw = secret.expose();
    if raw.is_empty() {
        return Vec::new();
    }
    let mut out = vec![raw.to_owned()];
    let percent = |unreserved: &[u8], space_plus: bool, lower: bool| -> String {
        raw.bytes()
            .map(|b| match b {
                b' ' if space_plus => "+".to_owned(),
                b if b.is_ascii_alphanumeric() || unreserved.contains(&b) => {
                    (b as char).to_string()
                }
                b if lower => format!("%{b:02x}"),
                b => format!("%{b:02X}"),
            })
            .collect()
    };
    for (unreserved, plus) in [(&b"*-._"[..], true), (b"-._~", false), (b"", false)] {
        for lower in [false, true] {
            out.push(percent(unreserved, plus, lower));
        }
    }
    if let Ok(json) = serde_json::to_string(raw) {
        out.push(json[1..json.len() - 1].to_owned());
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    out.push(b64.encode(raw));
    if let Some(user) = user {
        out.push(b64.encode(format!("{user}:{raw}")));
    }
    out.sort();
    out.dedup();
    // Longest first: a spelling inside another is blanked with it.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_line_loses_only_its_line_ending() {
        let p = password_from(&b"s3cret pass\r\nnext\n"[..]).expect("a password");
        assert_eq!(p.expose(), "s3cret pass");
        let p = password_from(&b"no-newline"[..]).expect("a password");
        assert_eq!(p.expose(), "no-newline");
        assert!(password_from(&b""[..]).is_err());
        assert!(password_from(&b"\n"[..]).is_err());
    }

    #[test]
    fn params_need_a_key_and_never_carry_the_password() {
        let ok =
            parse_params(&["grant_type=password".into(), "a==b".into()], &FORM).expect("params");
        assert_eq!(ok[0].0, "grant_type");
        assert_eq!(ok[1].1.expose(), "=b");
        for bad in ["novalue", "=x", "password=hunter2", "username=me"] {
            let e = parse_params(&[bad.into()], &FORM).expect_err(bad);
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
    }

    #[test]
    fn server_messages_are_escaped_and_cut() {
        let m = excerpt(&format!("bad\x1b]52;c;x\x07 {}", "y".repeat(500)));
        assert!(m.starts_with("\"bad\\u{1b}]52;c;x\\u{7} yyy"), "{m}");
        assert!(m.ends_with("…\""), "{m}");
        assert!(m.chars().count() < MESSAGE_LIMIT + 30);
    }
}

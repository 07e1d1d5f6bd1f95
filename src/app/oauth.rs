//! The OAuth commands: `login --issuer`, `token`, `logout`, `introspect`,
//! `userinfo`. The network work is `net::oauth`'s; here the answers are
//! verified, saved and reported.

use std::io::{self, Read, Write};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::config::{AskSpec, Grant, LoginRequest, LoginSpec, OutputMode, Settings};
use crate::error::{write_err, Error, Exit};
use crate::meaning::findings::Finding;
use crate::meaning::inspect;
use crate::messages;
use crate::net::http::Http;
use crate::net::login::{Answer, ProviderSpec};
use crate::net::oauth::discovery::Issuer;
use crate::net::oauth::helper;
use crate::net::oauth::profile::{self, Profile};
use crate::net::oauth::session::{self, Session};
use crate::net::oauth::{grants, idtoken, unix_now, TokenSet};
use crate::report::Printer;
use crate::sanitize;
use crate::scan::input::{self, Input};
use crate::secret::Secret;
use crate::token::decode;

/// `jwtinspect login --issuer ...`
pub(crate) fn login(spec: LoginSpec, mut settings: Settings) -> Result<Exit, Error> {
    if let Some(name) = &spec.profile {
        profile::check_name(name)?;
    }
    let session = Session::start(&spec)?;
    let tokens = grants::run(&session.http, &session.login)?;
    let issuer = &session.login.issuer;
    let keys = issuer.verifier(&session.http)?;
    let problems = match &tokens.id_token {
        Some(id) => idtoken::problems(
            id,
            &keys,
            &issuer.issuer,
            &session.login.client.id,
            tokens.nonce.as_deref(),
            unix_now(),
        ),
        None => Vec::new(),
    };
    if let Some(name) = &spec.profile {
        profile::save(name, &session.profile(&spec))?;
        profile::write_cache(name, &helper::cached_from_tokens(&tokens, None))?;
    }
    // The issuer's keys verify what it issued, unless the user gave keys.
    if settings.verifier.is_none() {
        settings.verifier = Some(Arc::new(keys));
    }
    if settings.checks.issuer.is_none() {
        settings.checks.issuer = Some(issuer.issuer.clone());
    }
    report_tokens(&tokens, settings, &problems)
}

/// Report an OAuth answer: every JWT through the inspection, the id_token's
/// failures as error findings; opaque tokens said to be opaque.
fn report_tokens(
    tokens: &TokenSet,
    settings: Settings,
    problems: &[String],
) -> Result<Exit, Error> {
    colored::control::set_override(settings.color);
    let mut code = Exit::Ok;
    let only_access = matches!(
        settings.output,
        OutputMode::PrintToken | OutputMode::Claim(_)
    );
    let is_jwt = |t: &str| decode::decode(t).is_reportable();
    if !problems.is_empty()
        && (only_access || tokens.id_token.as_deref().is_some_and(|t| !is_jwt(t)))
    {
        messages::error(&format!("id_token: FAILED: {}", problems.join("; ")));
        code = Exit::CheckFailed;
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    // Opaque tokens first: only the issuer can read them.
    let mut opaque = vec![("access_token", tokens.access_token.as_str(), true)];
    if !only_access {
        if let Some(rt) = &tokens.refresh_token {
            opaque.push(("refresh_token", rt.expose(), false));
        }
    }
    for (field, token, checked) in opaque.into_iter().filter(|(_, t, _)| !is_jwt(t)) {
        write_opaque(&mut out, &settings, &tokens.label, field, token, checked)?;
    }
    let text = if only_access {
        json!({ "access_token": tokens.access_token }).to_string()
    } else {
        tokens.body.clone()
    };
    let input = Input::Memory {
        label: tokens.label.clone(),
        text,
    };
    let checks = settings.checks.clone();
    let verifier = settings.verifier.clone();
    let want_lines = matches!(settings.output, OutputMode::Human | OutputMode::Json);
    let mut printer = Printer::new(out, settings);
    input::for_each_token(&input, &input::Reading::simple(want_lines), &mut |found| {
        let is_id = found.field == Some("id_token");
        let v = verifier.as_deref().map(|v| v as &dyn inspect::Verifier);
        if let Some(mut i) = inspect::inspect_found(found, &checks, v) {
            if is_id {
                // With --issuer the id_token is checked too (contract).
                i.checked = true;
                i.findings.extend(
                    problems
                        .iter()
                        .map(|p| Finding::error("id-token-invalid", format!("id_token: {p}"))),
                );
            }
            printer.print(&i)?;
        }
        Ok(())
    })?;
    printer.finish()?;
    Ok(code.merge(printer.code()))
}

/// One opaque token: its field and length, an `opaque-token` info finding.
fn write_opaque(
    out: &mut impl Write,
    settings: &Settings,
    source: &str,
    field: &str,
    token: &str,
    checked: bool,
) -> Result<(), Error> {
    let message = format!(
        "an opaque token of {} characters, not a JWT: only the issuer can read it (jwtinspect introspect asks it)",
        token.chars().count()
    );
    match &settings.output {
        OutputMode::PrintToken => writeln!(out, "{token}"),
        OutputMode::Claim(_) => Ok(()),
        OutputMode::Json => {
            let line = json!({
                "source": source,
                "field": field,
                "ok": true,
                "checked": checked,
                "token": token,
                "header": null,
                "payload": null,
                "signature": null,
                "summary": null,
                "findings": [{"severity": "info", "code": "opaque-token", "message": message}],
            });
            writeln!(out, "{line}")
        }
        OutputMode::Human => writeln!(
            out,
            "{field} ({}): opaque token\n  info: opaque-token: {message}\n",
            sanitize::escape(source)
        ),
    }
    .map_err(write_err)
}

/// `login --provider ... --profile NAME`: keep the settings and the tokens.
pub(crate) fn save_provider(
    name: &str,
    request: &LoginRequest,
    answer: &Answer,
) -> Result<(), Error> {
    let p = Profile {
        kind: ProviderSpec::of(request.provider).name.to_owned(),
        url: request.url.clone(),
        user: Some(request.user.clone()),
        cacert: request.net.cacert.clone(),
        ..Profile::default()
    };
    profile::save(name, &p)?;
    profile::write_cache(name, &helper::cached_from_answer(answer, None))
}

/// `jwtinspect token NAME`: the access token alone on stdout.
pub(crate) fn token(name: &str, min_valid: i64) -> Result<Exit, Error> {
    let valid = helper::token(name, min_valid)?;
    if let Some(left) = valid.short_lived {
        messages::warning(&format!(
            "the new token of {name} is valid for {left}s only, less than --min-valid {min_valid}s"
        ));
    }
    let mut out = io::stdout().lock();
    writeln!(out, "{}", valid.token).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    Ok(Exit::Ok)
}

/// `jwtinspect logout NAME`: remove the cache, revoke the refresh token.
pub(crate) fn logout(name: &str) -> Result<Exit, Error> {
    let p = profile::load(name)?;
    let cached = profile::read_cache(name)?;
    let removed = profile::remove_cache(name)?;
    let (Some(p), Some(cached)) = (p, cached) else {
        messages::note(&format!(
            "{name}: {}",
            if removed {
                "cached tokens removed"
            } else {
                "no cached tokens"
            }
        ));
        return Ok(Exit::Ok);
    };
    messages::note(&format!("{name}: cached tokens removed"));
    if p.kind != "oidc" {
        return Ok(Exit::Ok);
    }
    let (token, hint) = match &cached.refresh_token {
        Some(rt) => (Secret::new(rt.clone()), "refresh_token"),
        None => (Secret::new(cached.access_token.clone()), "access_token"),
    };
    let http = Http::new(&crate::config::NetOptions {
        cacert: p.cacert.clone(),
        insecure: false,
        timeout: std::time::Duration::from_secs(30),
    })?;
    let login = helper::oidc_login(&http, &p, Grant::RefreshToken)?;
    match session::revoke(&http, &login.issuer, &login.client, &token, hint) {
        Ok(true) => {
            messages::note(&format!("{name}: the {hint} is revoked at the issuer"));
            Ok(Exit::Ok)
        }
        Ok(false) => {
            messages::note(&format!(
                "{name}: the issuer has no revocation endpoint; the {hint} stays valid until it expires"
            ));
            Ok(Exit::Ok)
        }
        Err(e) => Err(Error::Network(format!(
            "{name}: the cached tokens are removed, but revoking the {hint} failed: {e}"
        ))),
    }
}

/// The token of `introspect`/`userinfo`: the argument, or the first line of stdin.
fn token_text(arg: &str) -> Result<Secret, Error> {
    let text = if arg == "-" {
        let mut s = String::new();
        io::stdin()
            .lock()
            .take(1024 * 1024)
            .read_to_string(&mut s)
            .map_err(|e| Error::io("reading the token from standard input", e))?;
        s
    } else {
        arg.to_owned()
    };
    let t = text.trim();
    let t = t
        .strip_prefix("Bearer ")
        .or_else(|| t.strip_prefix("bearer "))
        .unwrap_or(t)
        .trim();
    if t.is_empty() {
        return Err(Error::usage("the token is empty"));
    }
    Ok(Secret::new(t))
}

/// `jwtinspect introspect --issuer URL --client-id ID TOKEN`
pub(crate) fn introspect(spec: AskSpec, settings: Settings) -> Result<Exit, Error> {
    let token = token_text(&spec.token)?;
    let http = Http::new(&spec.http)?;
    let issuer = Issuer::discover(&http, &spec.issuer)?;
    let client = session::client(&spec.client.unwrap_or_default())?;
    let answer = session::introspect(&http, &issuer, &client, &token)?;
    let active = answer.get("active").and_then(Value::as_bool) == Some(true);
    let mut code = if active { Exit::Ok } else { Exit::CheckFailed };
    let jwt = decode::decode(token.expose()).is_reportable();
    let mut settings = settings;
    if settings.verifier.is_none() && jwt {
        settings.verifier = Some(Arc::new(issuer.verifier(&http)?));
    }
    let input = Input::Memory {
        label: "token".to_owned(),
        text: token.expose().to_owned(),
    };
    if settings.output == OutputMode::Json {
        let mut inspected = Value::Null;
        if jwt {
            let mut buf = Vec::new();
            code = code.merge(crate::app::inspect_inputs(&[input], settings, &mut buf)?);
            inspected = serde_json::from_slice::<Value>(
                buf.split(|b| *b == b'\n').next().unwrap_or_default(),
            )
            .unwrap_or(Value::Null);
        }
        let mut out = io::stdout().lock();
        writeln!(
            out,
            "{}",
            json!({"introspection": answer, "token": inspected})
        )
        .map_err(write_err)?;
    } else {
        {
            let mut out = io::stdout().lock();
            writeln!(out, "Introspection ({}):", sanitize::escape(&issuer.issuer))
                .map_err(write_err)?;
            if let Value::Object(map) = &answer {
                for (k, v) in map {
                    let shown = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    writeln!(out, "  {k}: {}", sanitize::escape(&shown)).map_err(write_err)?;
                }
            }
            if jwt {
                writeln!(out).map_err(write_err)?;
            }
            out.flush().map_err(write_err)?;
        }
        if jwt {
            code = code.merge(crate::app::report(&[input], settings)?);
        }
    }
    if !active {
        messages::error("token: FAILED: the issuer says it is not active");
    }
    Ok(code)
}

/// `jwtinspect userinfo --issuer URL TOKEN`
pub(crate) fn userinfo(spec: AskSpec, json_out: bool) -> Result<Exit, Error> {
    let token = token_text(&spec.token)?;
    let http = Http::new(&spec.http)?;
    let issuer = Issuer::discover(&http, &spec.issuer)?;
    let text = session::userinfo(&http, &issuer, &token)?;
    let mut out = io::stdout().lock();
    match serde_json::from_str::<Value>(&text) {
        Ok(v) if json_out => writeln!(out, "{v}"),
        Ok(Value::Object(map)) => map.iter().try_for_each(|(k, v)| {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            writeln!(out, "{k}: {}", sanitize::escape(&shown))
        }),
        // A signed userinfo (a JWT) or another JSON value: as it came.
        _ => writeln!(out, "{}", sanitize::escape(text.trim())),
    }
    .map_err(write_err)?;
    Ok(Exit::Ok)
}

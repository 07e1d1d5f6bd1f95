//! `jwtinspect token NAME`: a valid access token of a saved profile, from
//! the cache, else by refresh, else by re-running a grant that needs nobody
//! (the secret or password from the environment), else a message naming the
//! login to run. Only the cache lock serialises: two helpers at once see one
//! refresh, and the second reads what the first wrote.

use serde_json::Value;

use crate::config::NetOptions;
use crate::error::Error;
use crate::net::http::Http;
use crate::net::login::{self, Answer, ProviderSpec, REFRESH_KEYS};
use crate::secret::Secret;
use crate::token::decode;

use super::discovery::Issuer;
use super::grants::{self, Login};
use super::profile::{self, Cached, Lock, Profile};
use super::session::{self, PASSWORD_ENV};
use super::{unix_now, TokenSet};
use crate::config::{Browser, ClientAuth, ClientSpec, Grant, INTERACTIVE_WAIT};

/// What the helper hands back.
#[derive(Debug)]
pub struct Valid {
    pub token: String,
    /// Set when even a new token lives shorter than asked.
    pub short_lived: Option<i64>,
}

/// How long `cached` stays valid from `now`; None when nothing says.
fn valid_for(cached: &Cached, now: i64) -> Option<i64> {
    cached.expires_at.map(|e| e - now)
}

/// Unix expiry of an answer: `expires_in`, else the access token's `exp`.
pub fn expires_at(expires_in: Option<i64>, access_token: &str, now: i64) -> Option<i64> {
    if let Some(secs) = expires_in {
        return Some(now.saturating_add(secs));
    }
    decode::decode(access_token)
        .payload
        .ok()
        .and_then(|p| p.get("exp").and_then(Value::as_i64))
}

/// The cache entry of an OAuth answer; an old refresh token is kept when
/// the answer brings no new one.
pub fn cached_from_tokens(tokens: &TokenSet, old_refresh: Option<&str>) -> Cached {
    let now = unix_now();
    Cached {
        access_token: tokens.access_token.clone(),
        refresh_token: tokens
            .refresh_token
            .as_ref()
            .map(|s| s.expose().to_owned())
            .or_else(|| old_refresh.map(str::to_owned)),
        id_token: tokens.id_token.clone(),
        expires_at: expires_at(tokens.expires_in, &tokens.access_token, now),
        obtained_at: now,
    }
}

/// The cache entry of a provider's answer (ImmPort, ItemPath, ...).
pub fn cached_from_answer(answer: &Answer, old_refresh: Option<&str>) -> Cached {
    let now = unix_now();
    let json: Option<Value> = serde_json::from_str(&answer.text).ok();
    let refresh = json.as_ref().and_then(|v| {
        REFRESH_KEYS
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    });
    let expires_in = json
        .as_ref()
        .and_then(|v| v.get("expires_in").and_then(Value::as_i64));
    Cached {
        access_token: answer.access.1.clone(),
        refresh_token: refresh.or_else(|| old_refresh.map(str::to_owned)),
        id_token: None,
        expires_at: expires_at(expires_in, &answer.access.1, now),
        obtained_at: now,
    }
}

/// The login command that fills profile NAME, for messages.
pub fn login_command(name: &str, p: &Profile) -> String {
    let mut cmd = String::from("jwtinspect login");
    if p.kind == "oidc" {
        if let Some(i) = &p.issuer {
            cmd.push_str(&format!(" --issuer {i}"));
        }
        if let Some(c) = &p.client_id {
            cmd.push_str(&format!(" --client-id {c}"));
        }
        if let Some(g) = &p.grant {
            cmd.push_str(&format!(" --grant {g}"));
        }
    } else {
        cmd.push_str(&format!(" --provider {}", p.kind));
        if let Some(u) = &p.url {
            cmd.push_str(&format!(" --url {u}"));
        }
        if let Some(u) = &p.user {
            cmd.push_str(&format!(" -u {u}"));
        }
    }
    cmd.push_str(&format!(" --profile {name}"));
    cmd
}

fn http_for(p: &Profile) -> Result<Http, Error> {
    Http::new(&NetOptions {
        cacert: p.cacert.clone(),
        insecure: false,
        timeout: std::time::Duration::from_secs(30),
    })
}

/// `jwtinspect token NAME [--min-valid SECONDS]`.
pub fn token(name: &str, min_valid: i64) -> Result<Valid, Error> {
    let Some(p) = profile::load(name)? else {
        return Err(Error::Network(format!(
            "no profile named {name}: log in once with `jwtinspect login ... --profile {name}`"
        )));
    };
    let now = unix_now();
    let usable = |c: &Cached| valid_for(c, now).is_none_or(|v| v >= min_valid);
    // The common case, without a lock: a cache hit.
    if let Some(c) = profile::read_cache(name)?.filter(usable) {
        return Ok(Valid {
            token: c.access_token,
            short_lived: None,
        });
    }
    let _lock = Lock::cache(name)?;
    // Another helper may have refreshed while this one waited for the lock.
    let cached = profile::read_cache(name)?;
    if let Some(c) = cached.clone().filter(usable) {
        return Ok(Valid {
            token: c.access_token,
            short_lived: None,
        });
    }
    let old_refresh = cached.as_ref().and_then(|c| c.refresh_token.clone());
    let http = http_for(&p)?;
    let mut failures = Vec::new();
    let fresh = match &old_refresh {
        Some(rt) => match refresh(&http, &p, &Secret::new(rt.clone())) {
            Ok(Some(c)) => Some(c),
            Ok(None) => None,
            Err(e) => {
                failures.push(format!("the refresh failed: {e}"));
                None
            }
        },
        None => None,
    };
    let fresh = match fresh {
        Some(c) => Some(c),
        None => match regrant(&http, &p, old_refresh.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("logging in again failed: {e}"));
                None
            }
        },
    };
    let Some(fresh) = fresh else {
        let why = if failures.is_empty() {
            String::new()
        } else {
            format!(" ({})", failures.join("; "))
        };
        return Err(Error::Network(format!(
            "profile {name} has no valid token and getting one needs you{why}: run `{}`",
            login_command(name, &p)
        )));
    };
    profile::write_cache(name, &fresh)?;
    let left = valid_for(&fresh, unix_now());
    Ok(Valid {
        token: fresh.access_token,
        short_lived: left.filter(|l| *l < min_valid),
    })
}

/// Trade the refresh token: OAuth's refresh grant, or a provider's refresh
/// URL (ItemPath). None when the profile cannot refresh.
fn refresh(http: &Http, p: &Profile, rt: &Secret) -> Result<Option<Cached>, Error> {
    if p.kind == "oidc" {
        let mut login = oidc_login(http, p, Grant::RefreshToken)?;
        login.refresh_token = Some(rt.clone());
        login.scopes.clear();
        let tokens = grants::run(http, &login)?;
        return Ok(Some(cached_from_tokens(&tokens, Some(rt.expose()))));
    }
    let Some(url) = p.url.as_deref().and_then(|u| u.strip_suffix("/login")) else {
        return Ok(None);
    };
    let answer = login::refresh_with(http, &format!("{url}/refresh"), rt)?;
    Ok(Some(cached_from_answer(&answer, Some(rt.expose()))))
}

/// Run the profile's grant again when nobody is needed for it.
fn regrant(http: &Http, p: &Profile, old_refresh: Option<&str>) -> Result<Option<Cached>, Error> {
    if p.kind == "oidc" {
        let grant = p.grant.as_deref().and_then(Grant::parse);
        let Some(grant @ (Grant::ClientCredentials | Grant::Password)) = grant else {
            return Ok(None);
        };
        if grant == Grant::Password && session::env_secret(PASSWORD_ENV)?.is_none() {
            return Ok(None);
        }
        let mut login = oidc_login(http, p, grant)?;
        if matches!(login.client.auth, ClientAuth::Basic | ClientAuth::Post)
            && login.client.secret.is_none()
        {
            return Ok(None);
        }
        if grant == Grant::Password {
            login.password = session::env_secret(PASSWORD_ENV)?;
        }
        let tokens = grants::run(http, &login)?;
        return Ok(Some(cached_from_tokens(&tokens, old_refresh)));
    }
    let (Some(spec), Some(user)) = (ProviderSpec::named(&p.kind), p.user.as_deref()) else {
        return Ok(None);
    };
    let Some(password) = session::env_secret(PASSWORD_ENV)? else {
        return Ok(None);
    };
    let url = login::provider_url(spec, p.url.as_deref())?;
    let answer = login::login_with(http, spec, url, user, &password, Vec::new())?;
    Ok(Some(cached_from_answer(&answer, old_refresh)))
}

/// The saved OAuth login, its client secret from the environment.
pub fn oidc_login(http: &Http, p: &Profile, grant: Grant) -> Result<Login, Error> {
    let (Some(issuer), Some(client_id)) = (&p.issuer, &p.client_id) else {
        return Err(Error::Input(
            "the profile names no issuer or client id".to_owned(),
        ));
    };
    let client = session::client(&ClientSpec {
        id: client_id.clone(),
        auth: p.client_auth.as_deref().and_then(ClientAuth::parse),
        key: p.client_key.clone(),
        secret_stdin: false,
    })?;
    Ok(Login {
        issuer: Issuer::discover(http, issuer)?,
        client,
        grant,
        scopes: p.scopes.clone(),
        audience: p.audience.clone(),
        resources: p.resources.clone(),
        params: Vec::new(),
        username: p.user.clone(),
        password: None,
        refresh_token: None,
        subject_token: None,
        redirect_port: None,
        browser: Browser::Print,
        wait: INTERACTIVE_WAIT,
    })
}

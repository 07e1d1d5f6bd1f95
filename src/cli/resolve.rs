//! Resolving the typed flags once into the settings the program reads.

use std::time::Duration;

use super::args::{
    self, Cli, ColorWhen, Command, InspectArgs, LoginArgs, NetArgs, RefreshArgs, VerifyArgs,
};
use crate::app::task::{LoginHow, Task};
use crate::config::{
    Environment, KeyRequest, KeySource, LoginRequest, NetOptions, OutputMode, Provider,
    RefreshRequest, Settings,
};
use crate::error::Error;
use crate::meaning::inspect::Checks;
use crate::meaning::time::{Clock, Zone};
use crate::messages;
use crate::verify::signature as verify;

impl Cli {
    /// The command line as plain data for `app::run`: settings resolved,
    /// keys named but not loaded, nothing read or fetched.
    pub fn into_task(self, env: &Environment) -> Result<Task, Error> {
        if let Some(names) = self.explain {
            return Ok(Task::Explain(names));
        }
        let inspect = |args: &InspectArgs, inputs: Vec<String>| -> Result<Task, Error> {
            Ok(Task::Inspect {
                inputs,
                settings: Settings::resolve(args, env)?,
                key: args.key_request()?,
            })
        };
        Ok(match self.command {
            None => inspect(&self.inspect, self.inputs)?,
            Some(Command::Decode(args)) => inspect(&args.inspect, args.inputs)?,
            Some(Command::Verify(args)) => {
                if key_source(&args.inspect.verify, &args.inspect.net)?.is_none() {
                    return Err(Error::usage(
                        "verify needs a key: give --secret, --secret-file, --secret-base64, --key, --jwks-url or --discover (or use decode)",
                    ));
                }
                inspect(&args.inspect, args.inputs)?
            }
            Some(Command::Completions { shell }) => {
                let mut script = Vec::new();
                super::man::completions(shell, &mut script).map_err(crate::error::write_err)?;
                Task::Print(script)
            }
            Some(Command::Serve(args)) => Task::Serve {
                port: args.port.unwrap_or(0),
                open: args.open,
                base: args.base_settings()?,
            },
            Some(Command::Sign(args)) => Task::Sign {
                spec: args.spec(),
                json: args.make.json,
            },
            Some(Command::Edit(args)) => Task::Sign {
                spec: args.spec(),
                json: args.make.json,
            },
            Some(Command::Login(args)) => {
                let settings = Settings::resolve(&args.inspect, env)?;
                let key = args.inspect.key_request()?;
                let how = match args.oauth_spec()? {
                    Some(spec) => LoginHow::OAuth(spec),
                    None => LoginHow::Provider {
                        request: args.request()?,
                        profile: args.oauth.profile.clone(),
                    },
                };
                Task::Login { settings, key, how }
            }
            Some(Command::Refresh(args)) => Task::Refresh {
                settings: Settings::resolve(&args.inspect, env)?,
                key: args.inspect.key_request()?,
                request: args.request()?,
            },
            Some(Command::Token(args)) => Task::Token {
                profile: args.profile,
                min_valid: args.min_valid,
            },
            Some(Command::Logout(args)) => Task::Logout {
                profile: args.profile,
            },
            Some(Command::Introspect(args)) => Task::Introspect {
                settings: Settings::resolve(&args.inspect, env)?,
                key: args.inspect.key_request()?,
                spec: args.spec()?,
            },
            Some(Command::Userinfo(args)) => Task::Userinfo {
                spec: args.spec()?,
                json: args.json,
            },
        })
    }
}

impl Settings {
    pub fn resolve(args: &InspectArgs, env: &Environment) -> Result<Settings, Error> {
        let output = if args.json {
            OutputMode::Json
        } else if args.print_token {
            OutputMode::PrintToken
        } else if !args.claim.is_empty() {
            if args.claim.iter().any(|p| p.is_empty() || p == ".") {
                return Err(Error::usage(
                    "--claim needs a claim name or dot path, e.g. --claim realm_access.roles or --claim .header.alg",
                ));
            }
            OutputMode::Claim(args.claim.clone())
        } else {
            OutputMode::Human
        };
        let color = match args.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => env.stdout_terminal && !env.no_color,
        };
        let clock = match &args.now {
            Some(text) => {
                let (clock, note) =
                    Clock::parse_at(text, Clock::system().now).map_err(Error::Usage)?;
                if let Some(note) = note {
                    messages::warning(&note);
                }
                clock
            }
            None => Clock::system(),
        };
        let fields = if args.fields.is_empty() {
            None
        } else {
            Some(args.fields.clone())
        };
        let issuer = issuer_check(&args.verify)?;
        Ok(Settings {
            output,
            color,
            zone: if args.local { Zone::Local } else { Zone::Utc },
            checks: Checks {
                clock,
                leeway: i64::try_from(args.leeway).unwrap_or(i64::MAX),
                require_roles: args.require_roles.clone(),
                require_scopes: args.require_scopes.clone(),
                issuer,
                audience: args.verify.aud.clone(),
            },
            stdout_terminal: env.stdout_terminal,
            // Loaded in the app step, from `InspectArgs::key_request`.
            verifier: None,
            fields,
            brief: args.brief,
            line_buffered: args.line_buffered || env.stdout_terminal,
            width: env.width.filter(|_| env.stdout_terminal),
            failure_lines: true,
        })
    }
}

/// The issuer tokens must name: `--iss`, or the `--discover` issuer.
fn issuer_check(args: &VerifyArgs) -> Result<Option<String>, Error> {
    match (&args.iss, &args.discover) {
        (Some(iss), Some(discover)) if iss != discover => Err(Error::usage(format!(
            "--iss {iss} and --discover {discover} disagree: discovery already requires iss to equal its issuer"
        ))),
        (Some(iss), _) => Ok(Some(iss.clone())),
        (None, discover) => Ok(discover.clone()),
    }
}

/// The key the user gave (one flag of the keysource group), as a
/// description: loading it is the app step's I/O.
fn key_request(args: &VerifyArgs, net: &NetArgs) -> Result<Option<KeyRequest>, Error> {
    // Algorithm names are case-insensitive on the command line (`rs256`).
    let named: Vec<String> = args.algs.iter().map(|a| canonical_alg(a)).collect();
    let algs = verify::parse_algs(&named).map_err(Error::Usage)?;
    let Some(source) = key_source(args, net)? else {
        if !algs.is_empty() {
            return Err(Error::usage(
                "--alg restricts which algorithms verify: give a key too (--secret, --secret-file, --secret-base64, --key, --jwks-url or --discover)",
            ));
        }
        return Ok(None);
    };
    Ok(Some(KeyRequest { source, algs }))
}

/// The one key source the flags name (they are exclusive), if any.
fn key_source(args: &VerifyArgs, net: &NetArgs) -> Result<Option<KeySource>, Error> {
    Ok(Some(if let Some(secret) = &args.secret {
        KeySource::Secret(secret.clone())
    } else if let Some(path) = &args.secret_file {
        KeySource::SecretFile(path.clone())
    } else if let Some(text) = &args.secret_base64 {
        KeySource::SecretBase64(text.clone())
    } else if !args.key.is_empty() {
        KeySource::KeyFiles(args.key.clone())
    } else if let Some(url) = &args.jwks_url {
        KeySource::JwksUrl(url.clone(), net_options(net)?)
    } else if let Some(issuer) = &args.discover {
        KeySource::Discover(issuer.clone(), net_options(net)?)
    } else {
        return Ok(None);
    }))
}

/// `--cacert`, `--insecure` and `--timeout`.
pub(crate) fn net_options(net: &NetArgs) -> Result<NetOptions, Error> {
    if net.timeout == 0 {
        return Err(Error::usage(
            "--timeout 0: give the number of seconds to wait, at least 1",
        ));
    }
    Ok(NetOptions {
        cacert: net.cacert.clone(),
        insecure: net.insecure,
        timeout: Duration::from_secs(net.timeout),
    })
}

impl InspectArgs {
    /// The key to verify with (`--secret`, `--key`, `--jwks-url`, ...), not yet loaded.
    pub(crate) fn key_request(&self) -> Result<Option<KeyRequest>, Error> {
        key_request(&self.verify, &self.net)
    }
}

impl LoginArgs {
    pub(crate) fn request(&self) -> Result<LoginRequest, Error> {
        let Some(provider) = self.provider else {
            return Err(Error::usage(
                "login needs --provider (immport, immport-batch, itempath, form, json) or --issuer URL",
            ));
        };
        Ok(LoginRequest {
            provider: match provider {
                args::Provider::Immport => Provider::Immport,
                args::Provider::ImmportBatch => Provider::ImmportBatch,
                args::Provider::Itempath => Provider::Itempath,
                args::Provider::Form => Provider::Form,
                args::Provider::Json => Provider::Json,
            },
            url: self.url.clone(),
            user: self.user.clone().unwrap_or_default(),
            password_stdin: self.password_stdin,
            params: self.params.clone(),
            net: net_options(&self.inspect.net)?,
        })
    }
}

impl RefreshArgs {
    pub(crate) fn request(&self) -> Result<RefreshRequest, Error> {
        Ok(RefreshRequest {
            url: self.url.clone(),
            input: self.input.clone(),
            net: net_options(&self.inspect.net)?,
        })
    }
}

/// `rs256` → `RS256`, `eddsa` → `EdDSA`: the registered spelling of an algorithm name.
fn canonical_alg(name: &str) -> String {
    if name.eq_ignore_ascii_case("eddsa") {
        "EdDSA".to_owned()
    } else {
        name.to_ascii_uppercase()
    }
}

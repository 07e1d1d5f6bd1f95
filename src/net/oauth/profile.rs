//! Saved profiles and the token cache.
//!
//! Profiles (the login settings, never a password or client secret) live in
//! `$XDG_CONFIG_HOME/jwtinspect/profiles.toml`; tokens in
//! `$XDG_CACHE_HOME/jwtinspect/NAME.json`, the directory 0700 and the file
//! 0600, written to a temporary file and renamed so that two processes never
//! leave a half-written cache. A cache file others may read, or one that is
//! damaged, is not used (and is replaced at the next write); its content is
//! never printed.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::sanitize;

/// One saved login: enough to log in again, nothing secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// `oidc`, or the `--provider` name (immport, immport-batch, itempath, form, json).
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// The user name of a password login (not secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cacert: Option<PathBuf>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The cached tokens of one profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cached {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Unix seconds; None when neither the answer nor the token says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    pub obtained_at: i64,
}

/// A profile name is a file name: letters, digits, `.`, `_`, `-`.
pub fn check_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "profile name '{}': use letters, digits, '.', '_' and '-' (at most 64, not starting with '.')",
            sanitize::escape(name)
        )))
    }
}

fn base_dir(xdg: &str, fallback: &str) -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os(xdg).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.is_absolute() {
            return Ok(dir.join("jwtinspect"));
        }
    }
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(fallback).join("jwtinspect")),
        None => Err(Error::usage(format!(
            "profiles need a home: set {xdg} or HOME"
        ))),
    }
}

/// `$XDG_CONFIG_HOME/jwtinspect/profiles.toml`
pub fn profiles_path() -> Result<PathBuf, Error> {
    Ok(base_dir("XDG_CONFIG_HOME", ".config")?.join("profiles.toml"))
}

/// `$XDG_CACHE_HOME/jwtinspect`
pub fn cache_dir() -> Result<PathBuf, Error> {
    base_dir("XDG_CACHE_HOME", ".cache")
}

fn read_profiles(path: &Path) -> Result<ProfilesFile, Error> {
    match fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            Error::Input(format!(
                "{}: not a profiles file jwtinspect can read: {}",
                path.display(),
                e.message()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfilesFile::default()),
        Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
    }
}

/// The saved profile NAME, if any.
pub fn load(name: &str) -> Result<Option<Profile>, Error> {
    check_name(name)?;
    let path = profiles_path()?;
    Ok(read_profiles(&path)?.profiles.remove(name))
}

/// Save (or replace) the profile NAME.
pub fn save(name: &str, profile: &Profile) -> Result<(), Error> {
    check_name(name)?;
    let path = profiles_path()?;
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let _lock = Lock::take(dir, "profiles")?;
    let mut file = read_profiles(&path)?;
    file.profiles.insert(name.to_owned(), profile.clone());
    let text = toml::to_string(&file)
        .map_err(|e| Error::Input(format!("writing {}: {e}", path.display())))?;
    write_private(&path, text.as_bytes())
}

/// The cache file of NAME.
pub fn cache_path(name: &str) -> Result<PathBuf, Error> {
    check_name(name)?;
    Ok(cache_dir()?.join(format!("{name}.json")))
}

/// The cached tokens of NAME; a warning and None when the file is unsafe or damaged.
pub fn read_cache(name: &str) -> Result<Option<Cached>, Error> {
    let path = cache_path(name)?;
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    };
    if let Some(mode) = loose_mode(&path) {
        super::warn(&format!(
            "{} has mode {mode:04o}: others may read it, so its tokens are not used (a new login replaces it with mode 0600)",
            path.display()
        ));
        return Ok(None);
    }
    match serde_json::from_slice::<Cached>(&bytes) {
        Ok(c) if super::is_token_text(&c.access_token) => Ok(Some(c)),
        Ok(_) => {
            super::warn(&format!(
                "{} holds no usable access token (none, or characters no token has): not used; it will be rebuilt",
                path.display()
            ));
            Ok(None)
        }
        Err(e) => {
            // The error names a line and column, never the content.
            super::warn(&format!(
                "{} is damaged (not the JSON jwtinspect writes, at line {} column {}): not used; it will be rebuilt",
                path.display(),
                e.line(),
                e.column()
            ));
            Ok(None)
        }
    }
}

/// Write NAME's cache: 0600 in a 0700 directory, through a temporary file and a rename.
pub fn write_cache(name: &str, cached: &Cached) -> Result<(), Error> {
    let path = cache_path(name)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let text = serde_json::to_vec_pretty(cached)
        .map_err(|e| Error::Input(format!("writing {}: {e}", path.display())))?;
    write_private(&path, &text)
}

/// Remove NAME's cache; whether there was one.
pub fn remove_cache(name: &str) -> Result<bool, Error> {
    let path = cache_path(name)?;
    match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(format!("removing {}", path.display()), e)),
    }
}

/// Create `dir` (and its parents) with mode 0700; tighten it when it exists.
fn private_dir(dir: &Path) -> Result<(), Error> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if loose_mode(dir).is_some() {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io(format!("making {} private (0700)", dir.display()), e))?;
        }
    }
    Ok(())
}

/// The mode of `path` when group or others have any access to it.
fn loose_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).ok()?.permissions().mode() & 0o7777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Write `bytes` to a fresh 0600 file beside `path`, then rename it over `path`.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        super::random_text(6)?
    ));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = renamed {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(format!("writing {}", path.display()), e));
    }
    Ok(())
}

/// An exclusive lock: a file made with `create_new`, removed on drop. A
/// lock older than `STALE` was left by a process that died, and is taken over.
pub struct Lock {
    path: PathBuf,
}

const STALE: Duration = Duration::from_secs(60);

impl Lock {
    pub fn take(dir: &Path, name: &str) -> Result<Lock, Error> {
        let path = dir.join(format!(".{name}.lock"));
        let started = Instant::now();
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Ok(Lock { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > STALE) || started.elapsed() > STALE {
                        let _ = fs::remove_file(&path);
                    } else {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                Err(e) => return Err(Error::io(format!("locking {}", path.display()), e)),
            }
        }
    }

    /// The cache lock of profile NAME.
    pub fn cache(name: &str) -> Result<Lock, Error> {
        let dir = cache_dir()?;
        private_dir(&dir)?;
        Lock::take(&dir, name)
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_plain_file_names() {
        for ok in ["work", "itempath", "kc.dev_1-a"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".hidden", "../x", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn profiles_round_trip_through_toml_without_secrets() {
        let p = Profile {
            kind: "oidc".into(),
            issuer: Some("https://idp.example".into()),
            client_id: Some("cli".into()),
            grant: Some("client_credentials".into()),
            scopes: vec!["api:read".into()],
            ..Profile::default()
        };
        let mut file = ProfilesFile::default();
        file.profiles.insert("work".into(), p.clone());
        let text = toml::to_string(&file).expect("serialises");
        assert!(text.contains("[profiles.work]"), "{text}");
        let back: ProfilesFile = toml::from_str(&text).expect("parses");
        assert_eq!(back.profiles.get("work"), Some(&p));
    }
}

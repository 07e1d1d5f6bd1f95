//! A real OpenID provider for the OAuth tests: panva's `oidc-provider`
//! (tests/oidc, installed by `npm ci`), started on a free 127.0.0.1 port and
//! stopped when the handle drops. Without `node` the tests say so and skip;
//! with node but without the packages they fail, naming the command to run.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The one password the provider's password grant accepts.
pub const USER_PASSWORD: &str = "correct horse battery staple";
/// The secret of `basic-client` and `post-client`.
pub const CLIENT_SECRET: &str = "test-client-secret-0123456789abcdef";
/// The resource whose access tokens are JWTs.
pub const API: &str = "urn:jwtinspect:api";

/// tests/oidc
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("oidc")
}

/// `node` on PATH?
pub fn node() -> bool {
    Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `npm ci` in tests/oidc when its packages are missing, once per test
/// binary (the lockfile pins them), so that a plain `cargo test` works on a
/// fresh machine with Node; a failure names the command to run.
fn install_packages() {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if dir().join("node_modules").join("oidc-provider").exists() {
        return;
    }
    eprintln!("tests/oidc has no node_modules: running `npm ci --prefix tests/oidc`");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir())
        .status();
    assert!(
        status.is_ok_and(|s| s.success())
            && dir().join("node_modules").join("oidc-provider").exists(),
        "`npm ci` in tests/oidc failed: run `npm ci --prefix tests/oidc` (needs the npm registry)"
    );
}

/// A running provider; killed on drop.
pub struct Provider {
    child: Child,
    pub issuer: String,
}

impl Provider {
    /// Start one, or None (with a message) when node is not installed.
    pub fn start() -> Option<Provider> {
        Provider::start_with(&[])
    }

    /// Start one with extra environment (OIDC_AT_TTL, OIDC_SLOW_DOWN, ...).
    pub fn start_with(env: &[(&str, &str)]) -> Option<Provider> {
        if !node() {
            eprintln!(
                "SKIPPED: node is not installed; the OAuth tests need Node.js 20+ and `npm ci` in tests/oidc"
            );
            return None;
        }
        install_packages();
        let mut child = Command::new("node")
            .arg(dir().join("provider.mjs"))
            .current_dir(dir())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting node tests/oidc/provider.mjs");
        let stdout = child.stdout.take().expect("provider stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            // Keep reading so that the provider never blocks on a full pipe.
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("oidc-provider did not say `ready` within 60 s");
            }
        };
        let issuer = line
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("unexpected first line from the provider: {line}"))
            .to_owned();
        Some(Provider { child, issuer })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `--browser-command` for the scripted browser (BROWSER_MODE picks what it does).
pub fn browser_command() -> String {
    format!("node {}", dir().join("browser.mjs").display())
}

/// Approve (or deny) a device code through the provider's /device pages.
pub fn device(verification_uri: &str, user_code: &str, mode: &str) -> std::process::Output {
    Command::new("node")
        .arg(dir().join("browser.mjs"))
        .args(["--device", verification_uri, user_code])
        .env("BROWSER_MODE", mode)
        .output()
        .expect("running tests/oidc/browser.mjs")
}

//! The `serve` page in a real browser: headless Chromium (Debian's
//! `chromium`), driven over the DevTools protocol. It opens the printed
//! address with a token in the fragment, waits for the report, reads the DOM,
//! pastes a second token and clicks Inspect, takes a screenshot into
//! target/, and checks that the page asked nothing of any other origin.
//!
//! Without a Chromium on this machine the test says so on stderr and passes
//! as skipped; `.ci/run` installs `chromium` first so CI never skips.

mod serve_support;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};
use serve_support::{hs256, Served};
use tungstenite::{Message, WebSocket};

const NOW: &str = "2030-01-01T00:00:00Z";
const NOW_UNIX: i64 = 1_893_456_000;
const SECRET: &str = "a test secret of thirty-two bytes!";

/// The browser to drive: `$JWTINSPECT_CHROMIUM`, else the first on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("JWTINSPECT_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

/// A headless Chromium with its own empty profile; killed when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Every event received so far.
    events: Vec<Value>,
}

impl Browser {
    fn launch(binary: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                "--window-size=1280,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("ws://") {
                    let _ = tx.send(line[at..].trim().to_owned());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium prints its DevTools address");
        let authority = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .expect("host:port")
            .to_owned();
        let stream = TcpStream::connect(&authority).expect("DevTools port");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("DevTools handshake");
        Browser {
            child,
            _profile: profile,
            ws,
            next_id: 0,
            events: Vec::new(),
        }
    }

    /// Call `method`, in `session` when given; the result, or panic with the error.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(message.to_string()))
            .expect("send to DevTools");
        loop {
            let reply = match self.ws.read().expect("read from DevTools") {
                Message::Text(t) => serde_json::from_str::<Value>(t.as_str()).expect("JSON"),
                _ => continue,
            };
            if reply["id"] == json!(id) {
                if let Some(e) = reply.get("error") {
                    panic!("{method}: {e}");
                }
                return reply["result"].clone();
            }
            if reply.get("method").is_some() {
                self.events.push(reply);
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One page of the browser, attached to.
struct Page<'b> {
    browser: &'b mut Browser,
    session: String,
}

impl Page<'_> {
    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.browser.call(Some(&session), method, params)
    }

    /// The value of a JavaScript expression.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expression}: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Wait until `expression` is true (a report rendered, a countdown moved).
    fn wait_for(&mut self, expression: &str, what: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if self.eval(expression) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("timed out waiting for {what}");
    }

    /// Type `fields` (id, text) into the page, click `button`, and wait
    /// until the page has rendered the answer.
    fn fill_and_click(&mut self, fields: &[(&str, &str)], button: &str) {
        let mut script = "document.body.dataset.state = '';".to_owned();
        for (id, text) in fields {
            script.push_str(&format!(
                "document.getElementById({}).value = {};",
                json!(id),
                json!(text)
            ));
        }
        script.push_str(&format!(
            "document.getElementById({}).click(); true",
            json!(button)
        ));
        self.eval(&script);
        self.wait_for(
            "document.body.dataset.state === 'done'",
            &format!("the answer to #{button}"),
        );
    }

    /// What the report shows, read from the DOM.
    fn report(&mut self) -> Value {
        self.eval(
            r##"(() => {
                const text = (sel) => { const e = document.querySelector(sel); return e ? e.textContent : null; };
                return {
                  verdict: text(".token .verdict"),
                  user: text('[data-field="user"]'),
                  roles: text('[data-field="roles"]'),
                  scopes: text('[data-field="scopes"]'),
                  status: text('[data-field="status"]'),
                  expires: text('[data-field="expires"]'),
                  signature: text(".summary tr:last-child td"),
                  codes: [...document.querySelectorAll(".finding")].map((f) => f.dataset.code),
                  notes: [...document.querySelectorAll("th.noted")].map((t) => t.textContent + "=" + t.title),
                  problem: document.getElementById("problem").hidden ? null : text("#problem"),
                  hash: location.hash,
                  renderMs: Number(document.body.dataset.renderMs),
                  cookies: document.cookie,
                  stored: localStorage.length + sessionStorage.length,
                };
            })()"##,
        )
    }
}

/// A line on stderr that `cargo test` shows even when the test passes
/// (it captures only the print macros).
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn shot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-page.png")
}

#[test]
fn the_page_in_headless_chromium() {
    let started = Instant::now();
    let Some(binary) = chromium() else {
        say(
            "SKIPPED serve_browser: no Chromium found (set JWTINSPECT_CHROMIUM or \
             `apt-get install chromium`; .ci/run installs it)",
        );
        return;
    };
    let served = Served::start();
    let mut browser = Browser::launch(&binary);
    let target = browser.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
    let attached = browser.call(
        None,
        "Target.attachToTarget",
        json!({ "targetId": target["targetId"], "flatten": true }),
    );
    let session = attached["sessionId"].as_str().expect("session").to_owned();
    let mut page = Page {
        browser: &mut browser,
        session,
    };
    for domain in [
        "Network.enable",
        "Page.enable",
        "Runtime.enable",
        "Log.enable",
    ] {
        page.call(domain, json!({}));
    }

    // 1. The printed address with an expired token in the fragment.
    let expired = hs256(
        &json!({
            "user_name": "campjo",
            "authorities": ["ROLE_USER", "ROLE_ADMIN"],
            "scope": ["browse", "download"],
            "iat": NOW_UNIX - 90_000,
            "exp": NOW_UNIX - 86_400,
        }),
        SECRET.as_bytes(),
    );
    let url = format!("{}&token={expired}&now={NOW}", served.address);
    page.call("Page.navigate", json!({ "url": url }));
    page.wait_for(
        "document.body && document.body.dataset.state === 'done'",
        "the report of the fragment's token",
    );
    let r = page.report();
    assert_eq!(r["problem"], Value::Null, "{r}");
    assert_eq!(r["verdict"], "FAILED: expired", "{r}");
    assert_eq!(r["user"], "campjo  (user_name)", "{r}");
    assert_eq!(r["roles"], "ROLE_USER, ROLE_ADMIN", "{r}");
    assert_eq!(r["scopes"], "browse download", "{r}");
    assert_eq!(r["status"], "EXPIRED 1d ago", "{r}");
    assert!(
        r["codes"]
            .as_array()
            .is_some_and(|c| c.contains(&json!("expired"))),
        "{r}"
    );
    assert!(
        r["notes"]
            .as_array()
            .is_some_and(|n| n.contains(&json!("exp=expires"))),
        "glossary notes on hover: {r}"
    );
    assert!(
        !r["hash"].as_str().unwrap_or("").contains("token="),
        "token left in the address: {r}"
    );

    // 1b. A token at the second of its exp has expired: "just now", as the
    // terminal says, not "in 0s".
    let this_second = hs256(&json!({ "sub": "x", "exp": NOW_UNIX }), SECRET.as_bytes());
    let url = format!("{}&token={this_second}&now={NOW}", served.address);
    // Only the fragment differs: leave the page first, so it loads again.
    page.call("Page.navigate", json!({ "url": "about:blank" }));
    page.wait_for(
        "document.readyState === 'complete' && !document.body?.dataset.state",
        "a blank page",
    );
    page.call("Page.navigate", json!({ "url": url }));
    page.wait_for(
        "document.body && document.body.dataset.state === 'done'",
        "the report of a token expiring this second",
    );
    let r = page.report();
    assert_eq!(r["status"], "EXPIRED just now", "{r}");

    // 2. Paste a valid token and its secret, click Inspect.
    let valid = hs256(
        &json!({ "preferred_username": "ada", "realm_access": { "roles": ["admin"] },
                 "iat": NOW_UNIX - 60, "exp": NOW_UNIX + 872 }),
        SECRET.as_bytes(),
    );
    let pasted = Instant::now();
    let bearer = format!("Authorization: Bearer {valid}");
    page.fill_and_click(
        &[("token", &bearer), ("key", SECRET), ("now", NOW)],
        "inspect",
    );
    let wall = pasted.elapsed();
    let r = page.report();
    assert_eq!(r["verdict"], "OK", "{r}");
    assert_eq!(r["user"], "ada  (preferred_username)", "{r}");
    assert_eq!(r["roles"], "admin", "{r}");
    assert_eq!(r["status"], "valid, expires in 14m 32s", "{r}");
    assert!(
        r["signature"].as_str().unwrap_or("").contains(", verified"),
        "{r}"
    );
    assert_eq!(r["cookies"], "", "{r}");
    assert_eq!(r["stored"], 0, "{r}");

    let shot = page.call("Page.captureScreenshot", json!({ "format": "png" }));
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("PNG data"))
        .expect("base64");
    std::fs::write(shot_path(), &png).expect("write screenshot");

    // 3. The same token without --now: the countdown runs with the clock.
    let real_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let live = hs256(
        &json!({ "sub": "countdown", "exp": real_now + 3600 }),
        SECRET.as_bytes(),
    );
    page.fill_and_click(&[("token", &live), ("now", "")], "inspect");
    let first = page.report()["status"].clone();
    page.wait_for(
        &format!("document.querySelector('[data-field=\"status\"]').textContent !== {first}"),
        "the countdown to move",
    );

    // 4. The Sign / edit tab: claims and a secret make a token, shown and inspected.
    page.eval("document.getElementById('tab-sign').click(); true");
    page.fill_and_click(
        &[
            (
                "claims",
                r#"{"preferred_username": "grace", "groups": ["ops"]}"#,
            ),
            ("sign-key", SECRET),
            ("exp", "+1h"),
        ],
        "sign",
    );
    let r = page.report();
    assert_eq!(r["problem"], Value::Null, "{r}");
    assert_eq!(r["verdict"], "OK", "{r}");
    assert_eq!(r["user"], "grace  (preferred_username)", "{r}");
    let signed = page.eval("document.getElementById('signed').value");
    let signed = signed.as_str().unwrap_or("");
    assert_eq!(signed.split('.').count(), 3, "not a token: {signed:?}");
    assert!(
        page.eval("document.getElementById('inspect-pane').hidden") == json!(true),
        "the inspect pane is still shown"
    );

    // 5. Nothing went anywhere but this server, and nothing broke.
    let origin = format!("{}/", served.origin());
    let events = page.browser.events.clone();
    let requested: Vec<&str> = events
        .iter()
        .filter(|e| e["method"] == "Network.requestWillBeSent")
        .filter_map(|e| e["params"]["request"]["url"].as_str())
        .collect();
    assert!(
        requested.len() >= 5,
        "page, script, style, API calls: {requested:?}"
    );
    for url in &requested {
        assert!(
            url.starts_with(&origin),
            "a request left this server: {url}"
        );
    }
    for e in &events {
        let bad = e["method"] == "Runtime.exceptionThrown"
            || (e["method"] == "Log.entryAdded" && e["params"]["entry"]["level"] == "error");
        assert!(!bad, "the page reported an error: {e}");
    }
    let size: usize = ["/", "/page.js", "/page.css", "/favicon.svg"]
        .iter()
        .map(|p| served.get(p).body.len())
        .sum();
    say(&format!(
        "serve_browser: page {size} bytes (HTML+JS+CSS+icon); paste to rendered report \
         {wall:?} wall clock ({} ms in the page); {} requests, all to {origin}; \
         screenshot {}; test {:?}",
        r["renderMs"],
        requested.len(),
        shot_path().display(),
        started.elapsed()
    ));
}

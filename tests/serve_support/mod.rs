//! Running `jwtinspect serve` for a test: start it, read the address it
//! prints, talk raw HTTP/1.1 to it on 127.0.0.1, stop it with a signal.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::Value;

/// A running `jwtinspect serve`; killed when dropped.
pub struct Served {
    child: Child,
    pub port: u16,
    /// The per-run key from the printed address.
    pub key: String,
    /// The printed address, `http://127.0.0.1:PORT/#k=KEY`.
    pub address: String,
    /// stderr lines after the address line.
    pub stderr: Receiver<String>,
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

pub fn binary() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("jwtinspect")
}

impl Served {
    /// `jwtinspect serve ARGS` with `envs`, once it has printed its address.
    pub fn start_with(args: &[&str], envs: &[(&str, &str)]) -> Served {
        let mut cmd = Command::new(binary());
        cmd.arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("jwtinspect serve starts");
        let stderr = child.stderr.take().expect("stderr piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("serve prints its address on stderr");
        let address = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_owned();
        let rest = address
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("address not on 127.0.0.1: {address}"));
        let (port, key) = rest
            .split_once("/#k=")
            .unwrap_or_else(|| panic!("address without #k=KEY: {address}"));
        Served {
            port: port.parse().expect("port"),
            key: key.to_owned(),
            address: address.clone(),
            child,
            stderr: rx,
        }
    }

    pub fn start() -> Served {
        Served::start_with(&[], &[])
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Send raw bytes, read the whole answer (the server closes or answers).
    pub fn raw(&self, request: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        // The server may answer (and close) before it reads all we send.
        let _ = stream.write_all(request);
        read_reply(&mut stream)
    }

    /// A request with these extra headers; `Host` is this server's unless given.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut text = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            text.push_str(&format!("Host: 127.0.0.1:{}\r\n", self.port));
        }
        for (k, v) in headers {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            text.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        text.push_str("\r\n");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    /// `POST /api/NAME?k=KEY` with a JSON body.
    pub fn api(&self, name: &str, body: &Value) -> Reply {
        self.request(
            "POST",
            &format!("/api/{name}?k={}", self.key),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    }

    /// Send `signal` (TERM, INT) and wait up to `limit` for the exit.
    /// Some(how long it took), None when it still runs.
    pub fn signal_and_wait(&mut self, signal: &str, limit: Duration) -> Option<Duration> {
        let sent = Instant::now();
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
        while sent.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(sent.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Whether the process has ended, and how.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("header line") == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body).expect("body");
        }
        None => {
            let _ = reader.read_to_end(&mut body);
        }
    }
    Reply {
        status,
        headers,
        body,
    }
}

/// An HS256 token over `claims`, signed with `secret`.
pub fn hs256(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("token")
}

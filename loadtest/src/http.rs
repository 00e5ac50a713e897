//! A minimal HTTP/1.1 keep-alive client over one Tokio `TcpStream`: one connection per
//! simulated browser, as a real exam hall has, with no pool, no TLS and no redirects.
//! Enough for examhall's server functions (`Content-Length` or chunked bodies).
//!
//! Shared with `server/tests/crash.rs` (included there by path), so it uses only crates
//! the server's tests already have.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long one request may take before it counts as failed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A response: status, the `Set-Cookie` values and the whole body.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub set_cookies: Vec<String>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One browser: a session cookie and one keep-alive connection to one server.
pub struct Http {
    pub addr: SocketAddr,
    host: String,
    conn: Option<BufReader<TcpStream>>,
    /// The `examhall_session` cookie value, if signed in.
    pub session: Option<String>,
    /// The `Accept` header: JSON for server functions, HTML for page views.
    pub accept: &'static str,
}

impl Http {
    pub fn new(addr: SocketAddr) -> Http {
        Http {
            addr,
            host: addr.to_string(),
            conn: None,
            session: None,
            accept: "application/json",
        }
    }

    pub fn with_session(addr: SocketAddr, token: &str) -> Http {
        let mut h = Http::new(addr);
        h.session = Some(token.to_owned());
        h
    }

    /// Drops the connection; the next request opens a new one.
    pub fn disconnect(&mut self) {
        self.conn = None;
    }

    /// Posts JSON to `path` (a server function with `input = Json`).
    pub async fn post_json(&mut self, path: &str, json: &str) -> io::Result<Resp> {
        self.request("POST", path, Some("application/json"), json.as_bytes())
            .await
    }

    /// Posts url-encoded fields to `path`, as a script (not a plain form) does.
    /// Presses Start on a sitting, as the start page's form does.
    pub async fn press_start(&mut self, sitting: &str) -> io::Result<Resp> {
        self.post_form(
            "/api/attempts/start",
            &[("sitting_id", sitting), ("pledge", "on")],
        )
        .await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> io::Result<Resp> {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect();
        self.request(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.join("&").as_bytes(),
        )
        .await
    }

    pub async fn get(&mut self, path: &str) -> io::Result<Resp> {
        self.request("GET", path, None, &[]).await
    }

    /// Fetches a page as a browser navigating to it does (server-rendered HTML).
    pub async fn get_page(&mut self, path: &str) -> io::Result<Resp> {
        let before = std::mem::replace(&mut self.accept, "text/html,application/xhtml+xml");
        let r = self.request("GET", path, None, &[]).await;
        self.accept = before;
        r
    }

    /// Sends one request. A reused connection the server has meanwhile closed is
    /// replaced once, transparently (nothing was sent on it, so nothing is repeated).
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> io::Result<Resp> {
        let head = self.head(method, path, content_type, body.len());
        let reused = self.conn.is_some();
        match tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(&head, body)).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) if reused && is_stale(&e) => {
                self.conn = None;
                match tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(&head, body)).await {
                    Ok(r) => r,
                    Err(_) => {
                        self.conn = None;
                        Err(io::Error::new(io::ErrorKind::TimedOut, "request timed out"))
                    }
                }
            }
            Ok(Err(e)) => Err(e),
            Err(_) => {
                self.conn = None;
                Err(io::Error::new(io::ErrorKind::TimedOut, "request timed out"))
            }
        }
    }

    fn head(&self, method: &str, path: &str, content_type: Option<&str>, len: usize) -> String {
        let mut h = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
             Accept: {accept}\r\nUser-Agent: examhall-loadtest\r\n",
            host = self.host,
            accept = self.accept
        );
        if let Some(t) = content_type {
            h.push_str(&format!("Content-Type: {t}\r\n"));
        }
        if method != "GET" || len > 0 {
            h.push_str(&format!("Content-Length: {len}\r\n"));
        }
        if let Some(s) = &self.session {
            h.push_str(&format!("Cookie: examhall_session={s}\r\n"));
        }
        h.push_str("\r\n");
        h
    }

    async fn exchange(&mut self, head: &str, body: &[u8]) -> io::Result<Resp> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr).await?;
            s.set_nodelay(true)?;
            self.conn = Some(BufReader::with_capacity(16 * 1024, s));
        }
        let result = async {
            let conn = self.conn.as_mut().expect("connected above");
            let mut out = Vec::with_capacity(head.len() + body.len());
            out.extend_from_slice(head.as_bytes());
            out.extend_from_slice(body);
            conn.get_mut().write_all(&out).await?;
            read_response(conn).await
        }
        .await;
        match result {
            Ok((resp, keep)) => {
                if !keep {
                    self.conn = None;
                }
                for c in &resp.set_cookies {
                    if let Some(v) = c
                        .split(';')
                        .next()
                        .and_then(|kv| kv.trim().strip_prefix("examhall_session="))
                    {
                        self.session = (!v.is_empty()).then(|| v.to_owned());
                    }
                }
                Ok(resp)
            }
            Err(e) => {
                self.conn = None;
                Err(e)
            }
        }
    }
}

/// Errors that mean "the idle connection was closed under us": retried once on a new
/// connection. Every request this client sends is idempotent (saves carry a sequence
/// number, starts converge on one attempt), so a retry never does harm.
fn is_stale(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionAborted
    )
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

async fn read_line(conn: &mut BufReader<TcpStream>, line: &mut String) -> io::Result<usize> {
    line.clear();
    let n = conn.read_line(line).await?;
    Ok(n)
}

/// Reads one response; returns it and whether the connection may be reused.
async fn read_response(conn: &mut BufReader<TcpStream>) -> io::Result<(Resp, bool)> {
    let mut line = String::new();
    if read_line(conn, &mut line).await? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed before the status line",
        ));
    }
    let mut parts = line.split_whitespace();
    let version = parts.next().unwrap_or("");
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("bad status line {line:?}")))?;
    let mut keep = version == "HTTP/1.1";
    let mut length: Option<usize> = None;
    let mut chunked = false;
    let mut set_cookies = Vec::new();
    loop {
        if read_line(conn, &mut line).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed inside the headers",
            ));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(bad(format!("bad header {l:?}")));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(value.parse().map_err(|_| bad("bad content-length"))?);
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => {
                let v = value.to_ascii_lowercase();
                if v.contains("close") {
                    keep = false;
                } else if v.contains("keep-alive") {
                    keep = true;
                }
            }
            "set-cookie" => set_cookies.push(value.to_owned()),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            if read_line(conn, &mut line).await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed inside a chunked body",
                ));
            }
            let size_text = line.trim().split(';').next().unwrap_or("");
            let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    if read_line(conn, &mut line).await? == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            conn.read_exact(&mut body[start..]).await?;
            read_line(conn, &mut line).await?;
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        conn.read_exact(&mut body).await?;
    } else if status >= 200 && status != 204 && status != 304 {
        conn.read_to_end(&mut body).await?;
        keep = false;
    }
    Ok((
        Resp {
            status,
            set_cookies,
            body,
        },
        keep,
    ))
}

/// `application/x-www-form-urlencoded` encoding of one key or value.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Polls `GET /healthz` on fresh connections until it answers 200 or `within` passes;
/// returns how long it took.
pub async fn wait_healthy(addr: SocketAddr, within: Duration) -> Result<Duration, String> {
    let started = std::time::Instant::now();
    let mut last = String::from("no answer yet");
    while started.elapsed() < within {
        let mut h = Http::new(addr);
        match tokio::time::timeout(Duration::from_millis(500), h.get("/healthz")).await {
            Ok(Ok(r)) if r.status == 200 => return Ok(started.elapsed()),
            Ok(Ok(r)) => last = format!("status {}: {}", r.status, r.text()),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "healthz timed out".into(),
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(format!(
        "/healthz on {addr} not healthy within {within:?} ({last})"
    ))
}

//! A minimal HTTP/1.1 client over one keep-alive connection: enough for a
//! load generator that talks to one known server (Content-Length and
//! chunked bodies, `connection: close` honoured). It keeps no body unless
//! asked, so a measured request costs the server, not the client.

use std::io;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Conn {
    addr: String,
    host: String,
    stream: Option<BufReader<TcpStream>>,
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

impl Conn {
    /// `base` is `http://host:port` (no TLS: the benchmark runs on loopback).
    pub fn new(base: &str) -> io::Result<Conn> {
        let rest = base
            .strip_prefix("http://")
            .ok_or_else(|| bad("only http:// base URLs are supported"))?;
        let host = rest.trim_end_matches('/').to_string();
        Ok(Conn {
            addr: host.clone(),
            host,
            stream: None,
        })
    }

    /// Sends one request and reads the whole answer. A connection the
    /// server closed while idle is reopened once.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, &[u8])>,
        keep_body: bool,
    ) -> io::Result<Response> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {}\r\n", self.host);
        for (k, v) in headers {
            head.push_str(k);
            head.push_str(": ");
            head.push_str(v);
            head.push_str("\r\n");
        }
        if let Some((ctype, b)) = body {
            head.push_str(&format!(
                "content-type: {ctype}\r\ncontent-length: {}\r\n",
                b.len()
            ));
        }
        head.push_str("\r\n");
        let reused = self.stream.is_some();
        match self.send_once(head.as_bytes(), body, keep_body).await {
            Ok(r) => Ok(r),
            Err(_) if reused => {
                self.stream = None;
                self.send_once(head.as_bytes(), body, keep_body).await
            }
            Err(e) => Err(e),
        }
    }

    async fn send_once(
        &mut self,
        head: &[u8],
        body: Option<(&str, &[u8])>,
        keep_body: bool,
    ) -> io::Result<Response> {
        if self.stream.is_none() {
            let s = TcpStream::connect(&self.addr).await?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::with_capacity(64 * 1024, s));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(bad("no connection"));
        };
        let w = stream.get_mut();
        w.write_all(head).await?;
        if let Some((_, b)) = body {
            w.write_all(b).await?;
        }
        let res = read_response(stream, keep_body).await;
        match res {
            Ok((r, close)) => {
                if close {
                    self.stream = None;
                }
                Ok(r)
            }
            Err(e) => {
                self.stream = None;
                Err(e)
            }
        }
    }
}

async fn read_line(s: &mut BufReader<TcpStream>, line: &mut String) -> io::Result<()> {
    line.clear();
    let n = s.read_line(line).await?;
    if n == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed",
        ));
    }
    Ok(())
}

async fn read_response(
    s: &mut BufReader<TcpStream>,
    keep_body: bool,
) -> io::Result<(Response, bool)> {
    let mut line = String::new();
    read_line(s, &mut line).await?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| bad(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    let mut length: Option<usize> = None;
    let mut chunked = false;
    let mut close = false;
    loop {
        read_line(s, &mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(bad(format!("bad header {l:?}")));
        };
        let (k, v) = (k.trim().to_string(), v.trim().to_string());
        if k.eq_ignore_ascii_case("content-length") {
            length = Some(v.parse().map_err(|_| bad("bad content-length"))?);
        } else if k.eq_ignore_ascii_case("transfer-encoding") {
            chunked = v.eq_ignore_ascii_case("chunked");
        } else if k.eq_ignore_ascii_case("connection") {
            close = v.eq_ignore_ascii_case("close");
        }
        headers.push((k, v));
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            read_line(s, &mut line).await?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| bad("bad chunk size"))?;
            if size == 0 {
                read_line(s, &mut line).await?;
                break;
            }
            read_body(s, size, keep_body, &mut body).await?;
            read_line(s, &mut line).await?;
        }
    } else if let Some(n) = length {
        read_body(s, n, keep_body, &mut body).await?;
    } else if status != 204 && status != 304 {
        // No length: the body runs to the end of the connection.
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).await?;
        if keep_body {
            body = rest;
        }
        close = true;
    }
    Ok((
        Response {
            status,
            headers,
            body,
        },
        close,
    ))
}

async fn read_body(
    s: &mut BufReader<TcpStream>,
    mut n: usize,
    keep: bool,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    let mut buf = [0u8; 16 * 1024];
    while n > 0 {
        let want = n.min(buf.len());
        let got = s.read(&mut buf[..want]).await?;
        if got == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "body cut short",
            ));
        }
        if keep {
            out.extend_from_slice(&buf[..got]);
        }
        n -= got;
    }
    Ok(())
}

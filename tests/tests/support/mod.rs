//! Helpers shared by the test files: `tracing` capture and a raw loopback HTTP server for
//! the faults wiremock cannot make (resets, stalls, lying lengths). Each test file takes
//! what it needs, so some helpers go unused in each.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing_subscriber::fmt::format::FmtSpan;

/// Collects formatted `tracing` output of every crate, at `level` and above, with the span
/// events `spans`, while the guard lives.
pub fn capture_traces(level: tracing::Level, spans: FmtSpan) -> (Arc<Mutex<String>>, tracing::subscriber::DefaultGuard) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<String>>);
    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().push_str(&String::from_utf8_lossy(bytes));
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let log = Arc::new(Mutex::new(String::new()));
    let sink = Sink(log.clone());
    let subscriber =
        tracing_subscriber::fmt().with_max_level(level).with_ansi(false).with_span_events(spans).with_writer(move || sink.clone()).finish();
    (log, tracing::subscriber::set_default(subscriber))
}

/// What a raw server read of one request: its request line and `Authorization` header.
/// The body is read (by `Content-Length`) and dropped.
pub struct RequestHead {
    pub method: String,
    pub target: String,
    pub authorization: String,
}

/// Reads one request from `socket`; `None` when the peer closes first or sends no HTTP.
pub async fn read_request(socket: &mut TcpStream) -> Option<RequestHead> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = socket.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (request_line.next()?.to_string(), request_line.next()?.to_string());
    let mut length = 0;
    let mut authorization = String::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => authorization = value.trim().to_string(),
            _ => {}
        }
    }
    while data.len() < head_end + length {
        let n = socket.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
    }
    Some(RequestHead { method, target, authorization })
}

/// A loopback server that answers every request with `reply` (raw HTTP, sent as is), then
/// keeps the connection open for `hold` without another byte. Returns its base URL.
pub async fn raw_server(reply: &'static [u8], hold: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_some() {
                    let _ = socket.write_all(reply).await;
                    tokio::time::sleep(hold).await;
                }
            });
        }
    });
    format!("http://{address}")
}

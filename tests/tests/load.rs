//! Load with faults: one `Client` shared by 64 tasks sending 10,000 requests to a loopback
//! server that injects faults: 5% 503, 2% 429 with `Retry-After`, 1% connection resets, and
//! the service-account token expiring mid-run. Each request is one key (a cluster name or a
//! POST path) and the server logs every attempt, so the test can show:
//! every request ends in success or a typed error (each key is one request, so the outcomes
//! and the server's log both counting every key is "every request ended, once"), none is lost
//! or sent again after it was answered, no POST is retried, the token endpoint is called once per expiry, the run ends
//! (a guard, not a timing), and memory stays flat.
//!
//! `LOAD_REQUESTS` sets the number of requests (default 10,000).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_admin::{Client, Error, Method, RetryPolicy};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

mod support;
use support::{read_request, RequestHead};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

/// What the server did with one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Ok,
    Unavailable,
    TooMany,
    Reset,
    /// Refused: the token had expired.
    Expired,
}

#[derive(Default)]
struct Log {
    /// key -> (method, what each attempt got), in order.
    attempts: BTreeMap<String, (String, Vec<Fault>)>,
    token_fetches: usize,
}

struct Server {
    log: Mutex<Log>,
    served: AtomicUsize,
    /// Requests served before the first token expires.
    expire_after: usize,
    expired: AtomicBool,
}

/// The fault for the `attempt`-th try of `key`: a fixed pseudo-random draw, so a run is
/// reproducible.
fn draw(key: &str, attempt: usize) -> Fault {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.bytes().chain(attempt.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    match h % 1000 {
        0..50 => Fault::Unavailable,
        50..70 => Fault::TooMany,
        70..80 => Fault::Reset,
        _ => Fault::Ok,
    }
}

async fn reply(socket: &mut TcpStream, status: &str, headers: &str, body: &str) {
    let response = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n{headers}\r\n{body}", body.len());
    let _ = socket.write_all(response.as_bytes()).await;
    let _ = socket.shutdown().await;
}

async fn serve(server: Arc<Server>, mut socket: TcpStream) {
    let Some(RequestHead { method, target, authorization: auth }) = read_request(&mut socket).await else { return };
    if target == "/api/oauth/token" {
        let n = {
            let mut log = server.log.lock().unwrap();
            log.token_fetches += 1;
            log.token_fetches
        };
        let body = format!(r#"{{"access_token": "t{n}", "expires_in": 3600, "token_type": "Bearer"}}"#);
        return reply(&mut socket, "200 OK", "", &body).await;
    }
    let key = target.rsplit('/').next().unwrap_or_default().to_string();
    let served = server.served.fetch_add(1, Ordering::SeqCst);
    if served == server.expire_after {
        server.expired.store(true, Ordering::SeqCst);
    }
    let fault = {
        let mut log = server.log.lock().unwrap();
        let entry = log.attempts.entry(key.clone()).or_insert_with(|| (method.clone(), Vec::new()));
        let fault = if server.expired.load(Ordering::SeqCst) && auth == "Bearer t1" { Fault::Expired } else { draw(&key, entry.1.len()) };
        entry.1.push(fault);
        fault
    };
    match fault {
        Fault::Ok => reply(&mut socket, "200 OK", "", &format!(r#"{{"name": "{key}"}}"#)).await,
        Fault::Unavailable => reply(&mut socket, "503 Service Unavailable", "", r#"{"errorCode": "SERVICE_UNAVAILABLE"}"#).await,
        Fault::TooMany => reply(&mut socket, "429 Too Many Requests", "retry-after: 1\r\n", r#"{"errorCode": "RATE_LIMITED"}"#).await,
        Fault::Expired => reply(&mut socket, "401 Unauthorized", "", r#"{"errorCode": "NOT_AUTHORIZED"}"#).await,
        Fault::Reset => {
            // An RST instead of an answer. (A zero linger does not block on drop, which is
            // what the deprecation warns of: it resets at once.)
            #[allow(deprecated)]
            let _ = socket.set_linger(Some(Duration::ZERO));
            drop(socket);
        }
    }
}

async fn start(expire_after: usize) -> (String, Arc<Server>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = Arc::new(Server { log: Mutex::default(), served: AtomicUsize::new(0), expire_after, expired: AtomicBool::new(false) });
    let shared = server.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve(shared.clone(), socket));
        }
    });
    (base, server)
}

/// The process's resident memory (KiB), from `/proc/self/status`. The memory check is
/// Linux's: elsewhere it is compiled out, and on Linux a reading that fails fails the test
/// (it never reads as 0, which would pass without measuring).
#[cfg(target_os = "linux")]
fn resident_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status: the memory check needs it");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("/proc/self/status has no VmRSS line")
}

#[cfg(not(target_os = "linux"))]
fn resident_kib() -> usize {
    0
}

/// Resident memory may grow this much (KiB) from a fifth of the run to its end, for `total`
/// requests: the allocator's arenas settle by then, so what grows after is what is kept: the
/// test's own record of each request (its outcome and the server's log of it, about 0.3 KiB;
/// half a KiB allowed) and 4 MiB of slack. 10,000 requests measured 4.7 MiB here.
fn growth_allowed_kib(total: usize) -> usize {
    4 * 1024 + total / 2
}

#[derive(Debug)]
enum Outcome {
    Ok,
    Failed(Error),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tasks_send_ten_thousand_requests_through_faults() {
    let total: usize = std::env::var("LOAD_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let (base, server) = start(total / 2).await;
    let retries = RetryPolicy::default().max_attempts(4).backoff(Duration::from_millis(1), Duration::from_millis(20));
    let client = Client::builder().base_url(base).service_account("mdb_sa_id_1", "secret").retry(retries).build().unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let outcomes: Arc<Mutex<BTreeMap<String, Outcome>>> = Arc::default();
    let memory: Arc<Mutex<Vec<usize>>> = Arc::default();
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let (client, next, outcomes, memory) = (client.clone(), next.clone(), outcomes.clone(), memory.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= total {
                        return;
                    }
                    if i == total / 5 || i == total - 1 {
                        memory.lock().unwrap().push(resident_kib());
                    }
                    // One request in ten is a POST (never retried); the rest typed GETs.
                    let (key, outcome) = if i % 10 == 0 {
                        let key = format!("post{i}");
                        let sent = client.request(Method::POST, &format!("/api/atlas/v2/load/{key}")).json(&serde_json::json!({"i": i})).unwrap().send().await;
                        (key, sent.map(drop))
                    } else {
                        let key = format!("get{i}");
                        let name = key.parse().unwrap();
                        let sent = client.clusters().get_cluster(GROUP.parse().unwrap(), name).send().await;
                        (key, sent.map(drop))
                    };
                    let outcome = match outcome {
                        Ok(()) => Outcome::Ok,
                        Err(e) => Outcome::Failed(e),
                    };
                    outcomes.lock().unwrap().insert(key, outcome);
                }
            })
        })
        .collect();
    let run = async {
        for task in tasks {
            task.await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(300), run).await.expect("the run did not end");

    let outcomes = outcomes.lock().unwrap();
    let log = server.log.lock().unwrap();
    assert_eq!(outcomes.len(), total, "every request ended, once");
    assert_eq!(log.attempts.len(), total, "every request reached the server: {:?}", outcomes.iter().take(3).collect::<Vec<_>>());
    assert_eq!(log.token_fetches, 2, "one token, then one refresh at its expiry");
    let (mut ok, mut failed, mut retried) = (0, 0, 0);
    for (key, outcome) in outcomes.iter() {
        let (method, faults) = &log.attempts[key];
        // 401s for the expired token are answered by one refresh and a resend: not retries.
        let served: Vec<Fault> = faults.iter().copied().filter(|f| *f != Fault::Expired).collect();
        assert!(faults.iter().filter(|f| **f == Fault::Expired).count() <= 1, "{key}: refused twice: {faults:?}");
        let last = *served.last().unwrap_or_else(|| panic!("{key}: never served: {faults:?}"));
        // Nothing is sent after an answer that ends the call.
        assert!(served[..served.len() - 1].iter().all(|f| matches!(f, Fault::Unavailable | Fault::TooMany)), "{key}: sent again after {served:?}");
        if method == "POST" {
            assert_eq!(served.len(), 1, "{key}: a POST was retried: {faults:?}");
        }
        retried += served.len() - 1;
        match (outcome, last) {
            (Outcome::Ok, Fault::Ok) => ok += 1,
            (Outcome::Failed(Error::Api { status: 503, .. }), Fault::Unavailable)
            | (Outcome::Failed(Error::Api { status: 429, .. }), Fault::TooMany)
            | (Outcome::Failed(Error::Transport(_)), Fault::Reset) => failed += 1,
            (outcome, last) => panic!("{key}: the server's last answer was {last:?} but the call ended {outcome:?}"),
        }
    }
    let memory = memory.lock().unwrap();
    let growth = memory.last().unwrap().saturating_sub(memory[0]);
    println!(
        "load: {total} requests, {ok} ok, {failed} typed errors, {retried} retries, {} token fetches, resident {} -> {} KiB",
        log.token_fetches,
        memory[0],
        memory.last().unwrap()
    );
    assert!(ok > total * 9 / 10, "{ok} of {total} succeeded");
    assert!(retried > 0 && failed > 0, "the faults were exercised");
    let allowed = growth_allowed_kib(total);
    #[cfg(target_os = "linux")]
    assert!(growth < allowed, "resident memory grew by {growth} KiB from a fifth of the run to its end (at most {allowed})");
    #[cfg(not(target_os = "linux"))]
    let _ = (growth, allowed);
}

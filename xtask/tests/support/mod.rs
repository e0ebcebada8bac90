//! A loopback HTTP server standing in for GitHub (raw files and the commits API) and for a
//! cargo registry, and scratch copies of the workspace. Tests never touch the network.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The locked spec, wherever this machine has it (found, or downloaded, as every command does).
pub fn locked_spec() -> PathBuf {
    generator::store::locked_spec(&generator::Paths::new(&workspace()), None).unwrap_or_else(|e| panic!("the locked spec is needed: {e}"))
}

/// The locked spec as JSON (which is YAML), changed by `edit`.
pub fn edited_spec(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let path = locked_spec();
    let mut document = generator::parse::parse_document(&path, &std::fs::read(&path).unwrap()).unwrap();
    edit(&mut document);
    serde_json::to_vec(&document).unwrap()
}

/// The locked spec without the project IP access list's collection (two operations): a
/// breaking update.
pub fn without_access_list(document: &mut serde_json::Value) {
    document["paths"].as_object_mut().unwrap().remove("/api/atlas/v2/groups/{groupId}/accessList").unwrap();
}

/// What the stand-in answers on one path.
#[derive(Clone)]
pub enum Route {
    /// 200 with this body.
    Body(Vec<u8>),
    /// This status line and body.
    Status(&'static str, Vec<u8>),
    /// Announces `announce` bytes, sends `sent` of them, then keeps the connection open and
    /// silent.
    Stall { announce: usize, sent: Vec<u8> },
}

/// The stand-in server: routes by request path; every request is recorded.
pub struct StandIn {
    pub base: String,
    routes: Arc<Mutex<BTreeMap<String, Route>>>,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    pub fn start() -> StandIn {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<BTreeMap<String, Route>>> = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (r, q) = (routes.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (r, q) = (r.clone(), q.clone());
                std::thread::spawn(move || answer(stream, &r, &q));
            }
        });
        StandIn { base, routes, requests }
    }

    /// What `path` answers (with or without its query; `*`: every path without a route of its own).
    pub fn route(&self, path: &str, route: Route) -> &Self {
        self.routes.lock().unwrap().insert(path.to_string(), route);
        self
    }

    /// The environment that sends GitHub's raw files and API here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![("ATLAS_GITHUB_RAW", self.base.clone()), ("ATLAS_GITHUB_API", format!("{}/api", self.base))]
    }

    pub fn requested(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer(mut stream: std::net::TcpStream, routes: &Mutex<BTreeMap<String, Route>>, requests: &Mutex<Vec<String>>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    requests.lock().unwrap().push(path.clone());
    let route = {
        let routes = routes.lock().unwrap();
        let without_query = path.split('?').next().unwrap_or_default();
        routes.get(&path).or_else(|| routes.get(without_query)).or_else(|| routes.get("*")).cloned().unwrap_or(Route::Status("404 Not Found", b"404: Not Found".to_vec()))
    };
    let (status, body, announce, stall) = match route {
        Route::Body(body) => ("200 OK", body.clone(), body.len(), false),
        Route::Status(status, body) => (status, body.clone(), body.len(), false),
        Route::Stall { announce, sent } => ("200 OK", sent, announce, true),
    };
    let head = format!("HTTP/1.1 {status}\r\ncontent-length: {announce}\r\nconnection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&body)).and_then(|_| stream.flush());
    if stall {
        std::thread::sleep(Duration::from_secs(30));
    }
}

/// A scratch workspace: both crates, the lock, the fixes and the registry (no `target/`, no
/// `../shared` beside it).
pub fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for krate in ["atlas-admin", "atlas-admin-models"] {
        copy_dir(&workspace().join(krate), &dir.path().join(krate));
    }
    std::fs::create_dir_all(dir.path().join("spec")).unwrap();
    for file in ["lock.toml", "fixes.yaml", "names.toml"] {
        std::fs::copy(workspace().join("spec").join(file), dir.path().join("spec").join(file)).unwrap();
    }
    assert!(!dir.path().join("../shared/atlas-spec").exists(), "a scratch workspace must have no ../shared beside it");
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "target" {
            continue;
        }
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Every file of the workspace but `target/`, with its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

pub fn assert_unchanged(before: &BTreeMap<PathBuf, Vec<u8>>, root: &Path) {
    let after = snapshot(root);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "files were added or removed");
    for (path, bytes) in before {
        assert!(after.get(path) == Some(bytes), "{} changed", path.display());
    }
}

/// `cargo xtask ARGS` on the workspace at `root`, with no `$ATLAS_SPEC` (the locked spec is
/// looked for as on a fresh machine) and `env` set.
pub fn xtask(root: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).env("XTASK_ROOT", root).env_remove("ATLAS_SPEC").env_remove("ATLAS_GITHUB_RAW").env_remove("ATLAS_GITHUB_API");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// The request path of a GitHub raw URL (`/OWNER/REPO/REF/PATH`).
pub fn raw_path(url: &str) -> String {
    url.strip_prefix(generator::store::GITHUB_RAW).unwrap_or_else(|| panic!("{url} is not a GitHub raw URL")).to_string()
}

pub fn lock(root: &Path) -> generator::lock::SpecLock {
    generator::lock::SpecLock::read(&root.join("spec/lock.toml")).unwrap()
}

//! `cargo xtask e2e`: the generated client against Prism serving the real spec.
//!
//! Prism serves the locked spec with the project's fixes (`spec/fixes.yaml`) applied: the
//! spec the client is generated from. As published, some of its constraints refuse what
//! Atlas accepts (a `mobileNumber` pattern escaped twice, so that no phone number matches),
//! and Prism would refuse valid requests for the spec's faults rather than the client's.
//!
//! Installs the pinned Prism under `target/prism/` (once; npm from the registry), starts it
//! on a free loopback port in static mode, runs the generated `atlas-admin/tests/e2e_prism.rs`
//! (with the `preview` feature, so every tag is called), stops Prism, and ends with the
//! report's summary line. Static mode because dynamic mode (`-d`) overflows Prism's stack on
//! the spec's recursive unions (`OrgUserResponse`) and then corrupts its schemas for every
//! later request; `--errors` is off because 48 of the spec's own static examples break
//! their schemas and it would turn them into 500s (they are reported instead).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The Prism release the run is pinned to.
const PRISM_VERSION: &str = "5.14.2";

/// Prism, started; stopped when dropped (also when the run fails).
struct Prism {
    child: Child,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `spec` (dated `spec_date`, with the fixes for that date) and runs the e2e crate on it.
pub fn run(root: &Path, spec: &Path, spec_date: &str, fixes: &Path) -> Result<()> {
    let dir = root.join("target/prism");
    let prism = install(&dir)?;
    // The generator's fixture crate first (seconds): its calls are made the same way, so a
    // fault there is the generator's, found before the long run.
    let zoo = root.join("generator/tests/fixtures/zoo.yaml");
    let document = generator::parse::parse_document(&zoo, &generator::parse::read_limited(&zoo)?)?;
    println!("e2e: the fixture crate (tests/zoo) on {}", zoo.display());
    serve_and_test(root, &prism, &dir, "zoo", &document)?;
    let mut document = generator::parse::parse_document(spec, &generator::parse::read_limited(spec)?)?;
    let fixed = generator::parse::apply_fixes_for(&mut document, fixes, Some(spec_date))?.applied.len();
    println!("e2e: {} with its {fixed} fixes from {}", spec.display(), fixes.display());
    serve_and_test(root, &prism, &dir, "atlas-admin", &document)
}

/// Starts Prism serving `document` and runs `package`'s generated `e2e_prism` test against
/// it; fails if a call failed.
fn serve_and_test(root: &Path, prism: &Path, dir: &Path, package: &str, document: &serde_json::Value) -> Result<()> {
    let served = dir.join(format!("{package}.served.json"));
    std::fs::write(&served, serde_json::to_vec(document)?)?;
    let port = free_port()?;
    let url = format!("http://127.0.0.1:{port}");
    let log = dir.join(format!("prism-{package}.log"));
    println!("e2e: starting Prism {PRISM_VERSION} on {url} with {}", served.display());
    let output = std::fs::File::create(&log)?;
    let child = Command::new(prism)
        .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
        .arg(&served)
        .stdout(Stdio::from(output.try_clone()?))
        .stderr(Stdio::from(output))
        .spawn()
        .with_context(|| format!("cannot start {}", prism.display()))?;
    let mut server = Prism { child, log: log.clone() };
    wait_until_listening(&mut server, port, Duration::from_secs(90))?;

    let report = dir.join(format!("report-{package}.txt"));
    let _ = std::fs::remove_file(&report);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "-p", package, "--features", "preview", "--test", "e2e_prism", "--", "--ignored", "--nocapture"])
        .env("ATLAS_E2E_URL", &url)
        .env("ATLAS_E2E_REPORT", &report)
        .status()
        .context("cannot run cargo test")?;
    drop(server);
    let text = std::fs::read_to_string(&report)
        .with_context(|| format!("the e2e test of {package} wrote no report to {} (it did not run to the end)", report.display()))?;
    let summary = text.lines().rev().find(|l| l.starts_with("e2e: ")).context("the report has no summary line")?;
    println!("{package}: {summary}");
    if !status.success() {
        bail!("e2e of {package} failed: see the FAIL lines above (Prism's log: {})", log.display());
    }
    Ok(())
}

/// Prism's launcher under `dir`, installed from npm unless the pinned version is there.
fn install(dir: &Path) -> Result<PathBuf> {
    let bin = dir.join("node_modules/.bin/prism");
    let installed = dir.join("node_modules/@stoplight/prism-cli/package.json");
    let version_ok = std::fs::read_to_string(&installed).is_ok_and(|p| p.contains(&format!("\"version\": \"{PRISM_VERSION}\"")));
    if bin.exists() && version_ok {
        return Ok(bin);
    }
    std::fs::create_dir_all(dir)?;
    println!("e2e: installing @stoplight/prism-cli@{PRISM_VERSION} into {}", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
        .arg(dir)
        .arg(format!("@stoplight/prism-cli@{PRISM_VERSION}"))
        .status()
        .context("npm is needed to install Prism (node and npm from the registry)")?;
    if !status.success() || !bin.exists() {
        bail!("npm could not install @stoplight/prism-cli@{PRISM_VERSION}");
    }
    Ok(bin)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Polls until Prism answers HTTP (it loads the 4 MB spec first: about 10 s here).
fn wait_until_listening(server: &mut Prism, port: u16, limit: Duration) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = server.child.try_wait()? {
            let log = std::fs::read_to_string(&server.log).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(20)..].join("\n");
            bail!("Prism exited ({status}) before listening:\n{tail}");
        }
        if answers_http(port) {
            println!("e2e: Prism is listening after {:.1} s", started.elapsed().as_secs_f64());
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!("Prism did not listen on port {port} within {limit:?}")
}

fn answers_http(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut first = [0u8; 12];
    stream.read_exact(&mut first).is_ok() && first.starts_with(b"HTTP/1.1")
}

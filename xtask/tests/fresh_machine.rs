//! The maintainers' loop on a fresh machine: a fresh clone of this repository's HEAD in a
//! temporary directory, an empty cargo home (the package registry is the only network it
//! uses), no `../shared` beside it, and a loopback server standing in for GitHub. In it:
//! `generate` downloads and verifies the locked spec and leaves the tree clean; `check` is
//! clean; `spec update` (with its compile step) takes a newer spec from the stand-in and pins
//! its commit, and `check` is clean after it; a second fresh clone of that result generates
//! from the pinned URL.
//!
//! Minutes (it builds xtask twice and the crate once, from nothing):
//! `cargo test -p xtask --test fresh_machine -- --ignored --nocapture`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use support::{locked_spec, raw_path, workspace, Route, StandIn};

const COMMIT: &str = "9f0c2a7be4d3e1f60718293a4b5c6d7e8f901234";

/// A command in `dir` as on the fresh machine: its cargo home, the stand-in for GitHub,
/// nothing of this machine's spec.
fn command(program: &str, dir: &Path, machine: &Machine) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("CARGO_HOME", &machine.cargo_home)
        .env("CARGO_TARGET_DIR", &machine.target)
        .env("RUSTC", &machine.rustc)
        .env_remove("ATLAS_SPEC")
        .env_remove("ATLAS_SPEC_HISTORY")
        .env_remove("XTASK_ROOT")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_MANIFEST_DIR");
    for (key, value) in machine.stand.env() {
        command.env(key, value);
    }
    command
}

struct Machine {
    cargo: PathBuf,
    rustc: PathBuf,
    cargo_home: PathBuf,
    target: PathBuf,
    stand: StandIn,
}

impl Machine {
    /// Runs `cargo ARGS` in `dir`; panics with its output unless it succeeds. Returns stdout
    /// and stderr.
    fn cargo(&self, dir: &Path, args: &[&str]) -> (String, String) {
        let started = Instant::now();
        let output = command(self.cargo.to_str().unwrap(), dir, self).args(args).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout).to_string(), String::from_utf8_lossy(&output.stderr).to_string());
        eprintln!("cargo {} in {}: {:.0} s", args.join(" "), dir.display(), started.elapsed().as_secs_f64());
        assert!(output.status.success(), "cargo {args:?} failed in {}:\n{stdout}\n{stderr}", dir.display());
        (stdout, stderr)
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let output = command("git", dir, self).args(["-c", "user.name=fresh", "-c", "user.email=fresh@example.com"]).args(args).output().unwrap();
        assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).to_string()
    }

    fn assert_clean(&self, dir: &Path, after: &str) {
        let status = self.git(dir, &["status", "--porcelain"]);
        assert!(status.trim().is_empty(), "the tree is not clean after {after}:\n{status}");
    }
}

#[test]
#[ignore = "a fresh clone built from an empty cargo home, twice: several minutes"]
fn the_maintainers_loop_runs_on_a_fresh_machine() {
    let started = Instant::now();
    let home = tempfile::tempdir().unwrap();
    let cargo = PathBuf::from(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    let rustc = cargo.with_file_name("rustc");
    assert!(rustc.is_file(), "no rustc beside {}", cargo.display());
    let machine = Machine {
        cargo,
        rustc,
        cargo_home: home.path().join("cargo-home"),
        target: home.path().join("target"),
        stand: StandIn::start(),
    };
    std::fs::create_dir_all(&machine.cargo_home).unwrap();

    // GitHub's place: the locked spec on the lock's branch, and a newer one at the branch's
    // commit now.
    let lock = support::lock(&workspace());
    let branch = generator::store::GithubRaw::parse(&lock.source).expect("the lock names a GitHub raw URL");
    let locked = std::fs::read(locked_spec()).unwrap();
    machine.stand.route(&raw_path(&lock.source), Route::Body(locked.clone()));
    let newer = support::edited_spec(|document| {
        document["info"]["x-xgen-sha"] = serde_json::Value::String("1".repeat(40));
        support::without_access_list(document);
    });
    let pinned = generator::store::GithubRaw { reference: COMMIT.into(), ..branch.clone() }.url();
    machine.stand.route(&format!("/api/repos/{}/{}/commits/{}", branch.owner, branch.repo, branch.reference), Route::Body(format!("{{\"sha\": \"{COMMIT}\"}}").into_bytes()));
    machine.stand.route(&raw_path(&pinned), Route::Body(newer.clone()));

    // A fresh clone.
    let one = home.path().join("one");
    machine.git(home.path(), &["clone", "--quiet", workspace().to_str().unwrap(), one.to_str().unwrap()]);
    assert!(!one.join("../shared").exists() && !one.join("target").exists());

    let (_, stderr) = machine.cargo(&one, &["xtask", "generate"]);
    assert!(stderr.contains(&format!("downloading {}", lock.source)), "generate did not download the locked spec:\n{stderr}");
    assert!(one.join(format!("target/atlas-spec/{}.yaml", lock.sha256)).is_file());
    machine.assert_clean(&one, "generate");
    machine.cargo(&one, &["xtask", "check"]);

    // Take the newer spec: the lock's branch, pinned; compiled in a scratch copy (the cargo
    // home has only what the builds above fetched).
    let (stdout, stderr) = machine.cargo(&one, &["xtask", "spec", "update", "--date", "2026-12-01"]);
    assert!(stdout.contains("listGroupAccessListEntries"), "the report does not name the removed operation:\n{stdout}");
    let updated = support::lock(&one);
    assert_eq!(updated.source, pinned, "{stderr}");
    assert_eq!(updated.sha256, generator::parse::sha256_hex(&newer));
    machine.cargo(&one, &["xtask", "check"]);
    machine.git(&one, &["commit", "--quiet", "-am", "cargo xtask spec update"]);

    // A second fresh clone, of that result, generates from the pinned URL.
    let two = home.path().join("two");
    machine.git(home.path(), &["clone", "--quiet", one.to_str().unwrap(), two.to_str().unwrap()]);
    let before = machine.stand.requested().len();
    let (_, stderr) = machine.cargo(&two, &["xtask", "generate"]);
    assert!(stderr.contains(&format!("downloading {pinned}")), "{stderr}");
    assert_eq!(machine.stand.requested()[before..], [raw_path(&pinned)], "only the pinned file is fetched");
    machine.assert_clean(&two, "generate from the pinned URL");
    eprintln!("the maintainers' loop on a fresh machine: {:.0} s", started.elapsed().as_secs_f64());
}

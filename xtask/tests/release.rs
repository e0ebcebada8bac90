//! `cargo xtask release` run as a maintainer runs it, on a scratch git repository of the
//! workspace (`XTASK_ROOT`). Spec updates accumulate under Unreleased; a release takes the
//! strongest bump, sets the version and cuts the section; every refusal changes nothing.
//!
//! The two steps that build the crates for minutes, `cargo publish --dry-run` and
//! cargo-semver-checks, are run through `$CARGO`, here a script that records its arguments
//! and answers as told: cargo-semver-checks with the output a real run printed
//! (`tests/data/semver-checks-*.txt`). The real publish dry run is `.ci/run`'s; the real second
//! opinion on the full crate is in docs/testing.md.
#![cfg(unix)] // the stand-in cargo is a shell script

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

use support::{edited_spec, locked_spec, stderr};

/// A scratch repository: the workspace's crates and spec files, committed on `main`, the
/// locked spec in its cache, and the stand-in cargo in its ignored `target/`.
struct Repo {
    dir: tempfile::TempDir,
    cargo: PathBuf,
}

const FAKE_CARGO: &str = r#"#!/bin/sh
# Stands in for cargo's publish and cargo-semver-checks: records the call, answers as told.
echo "$*" >> "$FAKE_CARGO_LOG"
case "$1" in
  publish) echo "fake cargo publish: exit ${FAKE_PUBLISH_EXIT:-0}" >&2; exit "${FAKE_PUBLISH_EXIT:-0}" ;;
  semver-checks) cat "$FAKE_SEMVER_OUTPUT"; exit "${FAKE_SEMVER_EXIT:-0}" ;;
esac
echo "fake cargo: unexpected $*" >&2
exit 2
"#;

impl Repo {
    fn new() -> Repo {
        let dir = support::scratch();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "target/\n").unwrap();
        let locked = std::fs::read(locked_spec()).unwrap();
        generator::store::store_hashed(&root.join("target/atlas-spec"), &generator::parse::sha256_hex(&locked), &locked).unwrap();
        let cargo = root.join("target/fake-cargo");
        std::fs::write(&cargo, FAKE_CARGO).unwrap();
        std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let repo = Repo { dir, cargo };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.commit("the workspace");
        repo
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .args(args)
            .current_dir(self.root())
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn log(&self) -> PathBuf {
        self.root().join("target/fake-cargo.log")
    }

    /// `cargo xtask ARGS` here, with the stand-in cargo and `env`.
    fn xtask(&self, args: &[&str], env: &[(&str, String)]) -> Output {
        let mut all = vec![("CARGO", self.cargo.display().to_string()), ("FAKE_CARGO_LOG", self.log().display().to_string())];
        all.extend(env.iter().cloned());
        support::xtask(self.root(), args, &all)
    }

    /// `spec update` to `spec`, dated `date`, without the scratch compile.
    fn update(&self, spec: &[u8], date: &str) {
        let path = self.root().join(format!("target/atlas-api-{date}.yaml"));
        std::fs::write(&path, spec).unwrap();
        let output = self.xtask(&["spec", "update", "--from", &path.display().to_string(), "--no-check"], &[]);
        assert!(output.status.success(), "spec update to {date}: {}", stderr(&output));
        assert!(stderr(&output).contains("will record the local path"), "a local source is warned about: {}", stderr(&output));
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root().join(path)).unwrap()
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.log()).unwrap_or_default().lines().map(str::to_owned).collect()
    }

    /// Every file but `target/` and `.git/` (git may refresh its index on `status`).
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        support::snapshot(self.root()).into_iter().filter(|(p, _)| !p.starts_with(".git")).collect()
    }

    /// A changelog with one unreleased entry of `bump` ("patch" or "minor"), committed.
    fn unreleased(&self, bump: &str) {
        let text = format!(
            "# Changelog\n\n## Unreleased: 0.1.0 -> 0.1.1\n\n### Spec of 2026-09-01 (x-xgen-sha 1)\n\nSemver: **{bump} (by hand)**.\n\n\
             #### Breaking (1)\n\n- operation removed: `project_ip_access_list::list_access_list_entries`\n\n"
        );
        std::fs::write(self.root().join("atlas-admin/CHANGELOG.md"), text).unwrap();
        self.commit("an unreleased entry");
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `release ARGS` fails saying each of `expected`, and changes no file.
fn refused(repo: &Repo, args: &[&str], env: &[(&str, String)], expected: &[&str]) -> String {
    let before = repo.snapshot();
    let output = repo.xtask(&[&["release"], args].concat(), env);
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!output.status.success(), "the release went through:\n{said}");
    for text in expected {
        assert!(said.contains(text), "the refusal does not say {text:?}:\n{said}");
    }
    assert!(said.contains("nothing was changed"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert_eq!(before, repo.snapshot(), "a refused release changed files");
    said
}

fn version_of(manifest: &str) -> toml::Table {
    toml::from_str(manifest).unwrap()
}

#[test]
fn updates_accumulate_under_unreleased_and_one_release_cuts_them_at_the_strongest_bump() {
    let repo = Repo::new();
    // Breaking first, additive second: the newest entry is not the strongest.
    repo.update(&edited_spec(support::without_access_list), "2026-09-01");
    let changelog = repo.read("atlas-admin/CHANGELOG.md");
    assert!(changelog.contains("\n## Unreleased: 0.1.0 -> 0.2.0 (minor: breaking changes; 0.x rules)\n\n### Spec of 2026-09-01"), "{changelog}");
    repo.update(&std::fs::read(locked_spec()).unwrap(), "2026-09-08");
    let changelog = repo.read("atlas-admin/CHANGELOG.md");
    assert!(changelog.contains("\n## Unreleased: 0.1.0 -> 0.2.0 (minor"), "the additive update weakened the section:\n{changelog}");
    let (newer, older) = (changelog.find("### Spec of 2026-09-08").unwrap(), changelog.find("### Spec of 2026-09-01").unwrap());
    assert!(newer < older, "newest first:\n{changelog}");
    assert!(changelog[newer..older].contains("Semver: **patch"), "the second update re-adds what the first removed: additive\n{changelog}");
    assert!(!changelog.contains("0.1.0 -> 0.1.1"), "an entry names a version of its own:\n{changelog}");
    repo.commit("two spec updates");

    let output = repo.xtask(&["release", "--date", "2026-12-07"], &[]);
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(output.status.success(), "{said}");
    for (manifest, dependency) in [("atlas-admin/Cargo.toml", true), ("atlas-admin-models/Cargo.toml", false)] {
        let table = version_of(&repo.read(manifest));
        assert_eq!(table["package"]["version"].as_str(), Some("0.2.0"), "{manifest}");
        if dependency {
            assert_eq!(table["dependencies"]["atlas-admin-models"]["version"].as_str(), Some("0.2.0"));
            assert_eq!(table["dependencies"]["atlas-admin-models"]["path"].as_str(), Some("../atlas-admin-models"), "the rest of the dependency is kept");
        }
    }
    let changelog = repo.read("atlas-admin/CHANGELOG.md");
    assert!(!changelog.contains("## Unreleased"), "{changelog}");
    let cut = changelog.find("\n## 0.2.0 (2026-12-07)\n\n### Spec of 2026-09-08").unwrap_or_else(|| panic!("{changelog}"));
    assert!(cut < changelog.find("### Spec of 2026-09-01").unwrap());
    assert_eq!(repo.calls(), ["publish --dry-run --allow-dirty -p atlas-admin-models -p atlas-admin"], "models first, once");
    assert!(said.contains("no release is tagged v0.1.0"), "the first release says why it has no second opinion:\n{said}");
    assert!(said.contains("cargo publish -p atlas-admin-models -p atlas-admin") && said.contains("git tag -a v0.2.0"), "{said}");
    let status = repo.git(&["status", "--porcelain"]);
    assert_eq!(status.lines().count(), 3, "the two manifests and the changelog, nothing else:\n{status}");

    repo.commit("Release 0.2.0");
    refused(&repo, &[], &[], &["nothing is unreleased"]);
}

#[test]
fn a_dry_run_checks_everything_and_changes_nothing() {
    let repo = Repo::new();
    repo.unreleased("patch");
    let before = repo.snapshot();
    let output = repo.xtask(&["release", "--dry-run"], &[]);
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(output.status.success(), "{said}");
    assert!(said.contains("release 0.1.0 -> 0.1.1 (patch"), "{said}");
    assert!(said.contains("dry run: every check passed; nothing was changed"), "{said}");
    assert_eq!(repo.calls().len(), 1, "the publish dry run ran: {:?}", repo.calls());
    assert_eq!(before, repo.snapshot());
}

#[test]
fn a_dirty_tree_is_refused_naming_the_file() {
    let repo = Repo::new();
    repo.unreleased("patch");
    std::fs::write(repo.root().join("spec/fixes.yaml"), "edited\n").unwrap();
    refused(&repo, &[], &[], &["the tree is not clean", "spec/fixes.yaml"]);
    assert!(repo.calls().is_empty(), "nothing was built");
}

#[test]
fn a_crate_that_drifted_from_the_spec_is_refused() {
    let repo = Repo::new();
    repo.unreleased("patch");
    let module = repo.root().join("atlas-admin/src/apis/clusters.rs");
    let text = std::fs::read_to_string(&module).unwrap();
    std::fs::write(&module, format!("{text}\n// edited by hand\n")).unwrap();
    repo.commit("a generated file edited by hand");
    refused(&repo, &[], &[], &["`cargo xtask check` fails", "drifted: src/apis/clusters.rs"]);
    assert!(repo.calls().is_empty());
}

#[test]
fn a_failed_publish_dry_run_is_refused() {
    let repo = Repo::new();
    repo.unreleased("minor");
    refused(&repo, &[], &[("FAKE_PUBLISH_EXIT", "101".into())], &["cargo publish --dry-run", "at the new version failed"]);
}

#[test]
fn crates_at_different_versions_are_refused() {
    let repo = Repo::new();
    repo.unreleased("patch");
    let manifest = repo.root().join("atlas-admin-models/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replacen("version = \"0.1.0\"", "version = \"0.1.1\"", 1);
    std::fs::write(&manifest, text).unwrap();
    repo.commit("models bumped by hand");
    refused(&repo, &[], &[], &["atlas-admin is 0.1.0, atlas-admin-models 0.1.1"]);
}

/// Output of a real cargo-semver-checks run, for the stand-in to print.
fn semver_output(name: &str) -> (&'static str, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    assert!(path.is_file(), "{} is missing", path.display());
    ("FAKE_SEMVER_OUTPUT", path.display().to_string())
}

#[test]
fn a_breaking_change_the_report_calls_additive_is_refused_naming_both() {
    let repo = Repo::new();
    repo.git(&["tag", "v0.1.0"]);
    repo.unreleased("patch");
    let said = refused(
        &repo,
        &[],
        &[semver_output("semver-checks-breaking.txt"), ("FAKE_SEMVER_EXIT", "1".into())],
        &["the second opinion disagrees", "since v0.1.0", "patch (additive changes only)", "Spec of 2026-09-01", "inherent_method_missing"],
    );
    assert!(repo.calls().iter().any(|c| c.starts_with("semver-checks") && c.contains("--release-type patch") && c.contains("-p atlas-admin-models -p atlas-admin")), "{:?}\n{said}", repo.calls());
}

#[test]
fn breaking_changes_only_the_report_sees_are_shown_with_the_reason() {
    let repo = Repo::new();
    repo.git(&["tag", "v0.1.0"]);
    repo.unreleased("minor");
    let output = repo.xtask(&["release", "--dry-run"], &[semver_output("semver-checks-none.txt")]);
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(output.status.success(), "{said}");
    assert!(said.contains("release 0.1.0 -> 0.2.0"), "{said}");
    assert!(said.contains("cargo-semver-checks finds no breaking change in the Rust API"), "{said}");
    assert!(said.contains("- operation removed: `project_ip_access_list::list_access_list_entries`"), "the report's breaking changes are listed:\n{said}");
}

#[test]
fn moving_the_api_date_adds_a_breaking_entry() {
    let repo = Repo::new();
    let output = repo.xtask(&["generate", "--api-version", "2024-08-05"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let changelog = repo.read("atlas-admin/CHANGELOG.md");
    assert!(changelog.contains("## Unreleased: 0.1.0 -> 0.2.0 (minor"), "{changelog}");
    assert!(changelog.contains("### API date 2025-03-12 -> 2024-08-05"), "{changelog}");
    // The same date again moves nothing and adds nothing.
    let again = repo.xtask(&["generate", "--api-version", "2024-08-05"], &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(repo.read("atlas-admin/CHANGELOG.md"), changelog);
}

//! `cargo xtask release [--dry-run]`: cuts a release of both published crates from the
//! changelog's Unreleased section. The version is the strongest bump of its entries from the
//! crates' current one; it is set in both manifests and in `atlas-admin`'s dependency on the
//! models, and Unreleased becomes `## <version> (<date>)`.
//!
//! Nothing is written until every check has passed: the tree is clean, `cargo xtask check`
//! passes, both crates package and build at the new version (`cargo publish --dry-run`, in a
//! scratch copy of the tree), and `cargo-semver-checks` does not find a breaking change the
//! report calls additive ([`crate::semver`]). Publishing and tagging are left to the
//! maintainer: the commands are printed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use generator::Paths;

use crate::changelog::{self, Changelog};
use crate::{semver, update};

/// The published crates, in the order they are published (the client depends on the models).
pub const CRATES: [&str; 2] = ["atlas-admin-models", "atlas-admin"];

/// Options of `cargo xtask release`.
pub struct Options {
    /// Check and show everything, write nothing.
    pub dry_run: bool,
    /// The release's date [default: today].
    pub date: Option<String>,
    /// What the second opinion compares with [default: the tag of the current version].
    pub baseline: Option<String>,
    /// Skip the second opinion (when cargo-semver-checks cannot run here).
    pub no_semver_checks: bool,
}

pub fn release(paths: &Paths, options: Options) -> Result<()> {
    let root = &paths.root;
    let changelog = Changelog::read(&paths.changelog)?;
    let Some(pending) = changelog.pending() else {
        bail!(
            "nothing is unreleased: atlas-admin/CHANGELOG.md has no entries under `## Unreleased` \
             (each `cargo xtask spec update` adds one); nothing was changed"
        );
    };
    let manifests = Manifests::read(paths)?;
    let current = manifests.version.clone();
    let version = changelog::next_version(&current, pending);
    let date = options.date.clone().unwrap_or_else(crate::update::today);
    println!(
        "release {current} -> {version} ({}: {}), {} unreleased",
        pending.word(),
        pending.meaning(),
        update::plural(changelog.unreleased.len(), "entry", "entries")
    );

    let dirty = git(root, &["status", "--porcelain"])?;
    if !dirty.trim().is_empty() {
        bail!("the tree is not clean (a release is cut from what is committed); commit or stash first; nothing was changed:\n{dirty}");
    }
    let spec = update::resolve_locked(paths, None)?;
    let (drift, _) = update::drift(paths, &spec).context("`cargo xtask check` failed; nothing was changed")?;
    if !drift.is_empty() {
        let drift: Vec<String> = drift.iter().map(|d| d.to_string()).collect();
        bail!(
            "`cargo xtask check` fails: the checked-in crate is not what the locked spec generates ({} file(s)); \
             run `cargo xtask generate` and commit first; nothing was changed:\n{}",
            drift.len(),
            drift.join("\n")
        );
    }
    println!("cargo xtask check: the crate is what the locked spec generates");

    // The release's files, made and checked in a scratch copy of the tree.
    let mut released = changelog.clone();
    released.release(&version, &date);
    let mut files = manifests.at(&version)?;
    files.push((paths.changelog.clone(), released.render(&version)));
    let scratch = tempfile::Builder::new().prefix("atlas-admin-release-").tempdir()?;
    copy_tracked(root, scratch.path())?;
    for (path, text) in &files {
        std::fs::write(scratch.path().join(path.strip_prefix(root)?), text)?;
    }
    publish_dry_run(root, scratch.path())?;
    // Cargo.lock names the workspace's own versions: the dry run brought it up to date.
    let lock = root.join("Cargo.lock");
    if let Ok(text) = std::fs::read_to_string(scratch.path().join("Cargo.lock")) {
        if std::fs::read_to_string(&lock).ok().as_deref() != Some(text.as_str()) {
            files.push((lock, text));
        }
    }

    if options.no_semver_checks {
        println!("second opinion: skipped (--no-semver-checks)");
    } else {
        let baseline = match options.baseline.clone() {
            Some(rev) => Some(rev),
            None => {
                let tag = tag_of(&current);
                git(root, &["rev-parse", "--verify", "--quiet", &format!("refs/tags/{tag}")]).ok().map(|_| tag)
            }
        };
        match baseline {
            Some(rev) => semver::second_opinion(root, scratch.path(), &rev, &changelog)?,
            None => println!(
                "second opinion: skipped: no release is tagged {} (a first release has nothing to compare with; \
                 --baseline-rev REV compares with a commit)",
                tag_of(&current)
            ),
        }
    }

    let shown: Vec<String> = files.iter().map(|(p, _)| p.strip_prefix(root).unwrap_or(p).display().to_string()).collect();
    if options.dry_run {
        println!("dry run: every check passed; nothing was changed. The release would write {}", shown.join(", "));
        return Ok(());
    }
    generator::write::write_parts(&[], &files)?;
    println!("atlas-admin {version}: wrote {}. To publish it:", shown.join(", "));
    println!("  git commit -am 'Release {version}'");
    println!("  cargo publish {}", CRATES.map(|c| format!("-p {c}")).join(" "));
    println!("  git tag -a {} -m 'atlas-admin {version}' && git push origin main {}", tag_of(&version), tag_of(&version));
    Ok(())
}

/// The tag of a release: the two crates share one version, so one tag.
pub fn tag_of(version: &str) -> String {
    format!("v{version}")
}

/// Both published crates' manifests and the version they share.
struct Manifests {
    client: (PathBuf, toml_edit::DocumentMut),
    models: (PathBuf, toml_edit::DocumentMut),
    version: String,
}

impl Manifests {
    fn read(paths: &Paths) -> Result<Manifests> {
        let read = |dir: &Path| -> Result<(PathBuf, toml_edit::DocumentMut)> {
            let path = dir.join("Cargo.toml");
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok((path.clone(), text.parse().with_context(|| format!("{}", path.display()))?))
        };
        let (client, models) = (read(&paths.crate_dir)?, read(&paths.models_dir)?);
        let version_of = |(path, doc): &(PathBuf, toml_edit::DocumentMut)| {
            doc.get("package").and_then(|p| p.get("version")).and_then(|v| v.as_str()).map(str::to_owned).with_context(|| format!("{} has no package.version", path.display()))
        };
        let (version, models_version) = (version_of(&client)?, version_of(&models)?);
        let required = client.1.get("dependencies").and_then(|d| d.get(CRATES[0])).and_then(|d| d.get("version")).and_then(|v| v.as_str());
        if version != models_version || required != Some(version.as_str()) {
            bail!(
                "the crates are released at one version, but atlas-admin is {version}, atlas-admin-models {models_version}, \
                 and atlas-admin requires atlas-admin-models {}: set them equal by hand first; nothing was changed",
                required.unwrap_or("(no version)")
            );
        }
        Ok(Manifests { client, models, version })
    }

    /// Both manifests with `version` set (and the client's requirement on the models).
    fn at(&self, version: &str) -> Result<Vec<(PathBuf, String)>> {
        let (mut client, mut models) = (self.client.1.clone(), self.models.1.clone());
        client["package"]["version"] = toml_edit::value(version);
        models["package"]["version"] = toml_edit::value(version);
        let dependency = client["dependencies"][CRATES[0]].as_inline_table_mut().context("atlas-admin's dependency on atlas-admin-models is not an inline table")?;
        dependency.insert("version", version.into());
        Ok(vec![(self.client.0.clone(), client.to_string()), (self.models.0.clone(), models.to_string())])
    }
}

/// `git ARGS` in `root`: its output, or an error with what git said.
pub fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = std::process::Command::new("git").args(args).current_dir(root).output().context("cannot run git")?;
    if !output.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Copies the files git tracks in `root` into `to`: the tree as committed (it is clean).
fn copy_tracked(root: &Path, to: &Path) -> Result<()> {
    for file in git(root, &["ls-files", "-z"])?.split('\0').filter(|f| !f.is_empty()) {
        let (from, dest) = (root.join(file), to.join(file));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&from, &dest).with_context(|| format!("cannot copy {}", from.display()))?;
    }
    Ok(())
}

/// `cargo publish --dry-run` of both crates at the new version, models first, in the scratch
/// copy (the workspace's target directory keeps the dependencies' builds).
fn publish_dry_run(root: &Path, scratch: &Path) -> Result<()> {
    let mut command = crate::cargo();
    command.args(["publish", "--dry-run", "--allow-dirty"]);
    for krate in CRATES {
        command.args(["-p", krate]);
    }
    let status = command.current_dir(scratch).env("CARGO_TARGET_DIR", root.join("target")).status().context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo publish --dry-run -p atlas-admin-models -p atlas-admin` at the new version failed (its errors are above); nothing was changed");
    }
    println!("cargo publish --dry-run: both crates package and build at the new version");
    Ok(())
}

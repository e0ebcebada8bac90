//! `cargo xtask spec update`, `cargo xtask diff` and `cargo xtask spec walk`: taking a new
//! Atlas spec as one all-or-nothing step, with a report of what changed for users.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use generator::diff::{self, Report, Side};
use generator::ir::registry::Registry;
use generator::lock::SpecLock;
use generator::{Generation, Inputs, Paths};

use crate::changelog::Changelog;

/// Where downloaded or updated specs are kept, by sha256, so `generate` finds the locked one.
pub fn spec_cache(paths: &Paths) -> PathBuf {
    generator::store::cache_dir(&paths.root)
}

/// Where generation remembers work between runs (formatted files, the parsed spec).
pub fn generate_cache(paths: &Paths) -> PathBuf {
    paths.root.join("target/generate-cache")
}

/// The locked spec, wherever it is ([`generator::store::locked_spec`]).
pub fn resolve_locked(paths: &Paths, explicit: Option<&Path>) -> Result<PathBuf> {
    Ok(generator::store::locked_spec(paths, explicit)?)
}

pub use generator::store::date_in_name;

/// Fetches `source` (a path or an http(s) URL) into the cache; returns the cached path and
/// the spec's sha256 (its name there).
fn fetch(paths: &Paths, source: &str) -> Result<(PathBuf, String)> {
    let bytes = generator::store::fetch(source)?;
    let sha256 = generator::parse::sha256_hex(&bytes);
    Ok((generator::store::store_hashed(&spec_cache(paths), &sha256, &bytes)?, sha256))
}

/// Refuses anything but an Atlas Admin API v2 OpenAPI 3.0 spec, saying what it is instead.
pub fn check_atlas_spec(path: &Path, shown: &str) -> Result<()> {
    let bytes = generator::parse::read_limited(path)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        bail!("{shown} is empty: not an Atlas Admin API spec");
    }
    let document = generator::parse::parse_document(path, &bytes).with_context(|| format!("{shown} is not an Atlas Admin API spec"))?;
    let Some(openapi) = document.get("openapi").and_then(|v| v.as_str()) else {
        bail!("{shown} has no `openapi` version: not an OpenAPI document, or truncated");
    };
    if !openapi.starts_with("3.0") {
        bail!("{shown} is not an OpenAPI 3.0 document (openapi: {openapi:?}): not an Atlas Admin API v2 spec");
    }
    let title = document.pointer("/info/title").and_then(|v| v.as_str()).unwrap_or("");
    if !title.contains("Atlas Administration API") {
        bail!("{shown} is an OpenAPI 3.0 document titled {title:?}, not the MongoDB Atlas Administration API");
    }
    let v2 = document.get("paths").and_then(|p| p.as_object()).is_some_and(|p| p.keys().any(|k| k.starts_with("/api/atlas/v2")));
    if !v2 {
        bail!("{shown} has no /api/atlas/v2 paths: not the Atlas Admin API v2 (or truncated)");
    }
    if document.pointer("/info/x-xgen-sha").and_then(|v| v.as_str()).is_none() {
        bail!("{shown} has no info.x-xgen-sha: not a spec as Atlas publishes it");
    }
    // Atlas writes its top-level keys in order, `tags` after `paths`: a file cut short in its
    // paths would otherwise look like a spec that dropped operations.
    if document.get("tags").and_then(|t| t.as_array()).is_none_or(Vec::is_empty) {
        bail!("{shown} has no `tags` (Atlas's spec lists them after the paths): is the file truncated?");
    }
    Ok(())
}

/// One side of a diff: a spec generated with a registry and fixes for its date.
fn generate_side(paths: &Paths, spec: &Path, spec_date: Option<&str>, api_version: Option<&str>, names: &Registry) -> Result<Generation> {
    Ok(generator::generate_with(&Inputs {
        cache_dir: Some(&generate_cache(paths)),
        fixes: Some(&paths.fixes),
        spec_date,
        api_version,
        names: Some(names),
        ..Inputs::new(spec)
    })?)
}

pub fn crate_version(paths: &Paths) -> String {
    let text = std::fs::read_to_string(paths.crate_dir.join("Cargo.toml")).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')).map(str::to_owned))
        .unwrap_or_else(|| "0.1.0".into())
}

/// `cargo xtask check`: the locked spec regenerated in memory with the registry of names,
/// against the checked-in crates, their manifests and `spec/names.toml`. Returns the drift
/// and how many files were compared.
pub fn drift(paths: &Paths, spec_path: &Path) -> Result<(Vec<generator::write::Drift>, usize)> {
    let lock = crate::verify_lock(paths, spec_path)?;
    let names = Registry::read_or_default(&paths.names)?;
    let generation = generate_side(paths, spec_path, Some(&lock.spec_date), lock.api_version.as_deref(), &names)?;
    let mut drift = generation.check(&paths.layout())?;
    // The registry of names is generated too: it must name what the crate names.
    // As read, not as spelled: a registry that reads as the generated one is fresh.
    if generation.names != names || !paths.names.exists() {
        drift.extend(generator::write::check_file(&paths.names, "spec/names.toml", &generation.names.to_toml())?);
    }
    Ok((drift, generation.tree.files.len()))
}

/// `cargo xtask diff OLD NEW`: OLD is named as the checked-in crate names it when it is the
/// locked spec, else by the rules; NEW keeps OLD's names.
pub fn diff_specs(paths: &Paths, old: &Path, new: &Path, old_date: Option<String>, new_date: Option<String>, json: bool) -> Result<()> {
    let lock = SpecLock::read(&paths.lock).ok();
    let old_sha = generator::parse::sha256_hex(&generator::parse::read_limited(old)?);
    let locked = lock.as_ref().is_some_and(|l| l.sha256 == old_sha);
    let names = if locked { Registry::read_or_default(&paths.names)? } else { Registry::default() };
    let old_date = old_date.or_else(|| locked.then(|| lock.as_ref().map(|l| l.spec_date.clone())).flatten()).or_else(|| date_in_name(old));
    let new_date = new_date.or_else(|| date_in_name(new));
    let api_version = lock.as_ref().and_then(|l| l.api_version.clone());
    let before = generate_side(paths, old, old_date.as_deref(), api_version.as_deref(), &names)?;
    let after = generate_side(paths, new, new_date.as_deref(), Some(&before.api_version), &before.names)?;
    let report = diff::diff(&side(&before), &side(&after));
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let version = crate_version(paths);
        let next = diff::next_version(&version, report.bump);
        println!("{}", report.markdown(&title(old_date.as_deref(), new_date.as_deref(), old, new), Some((&version, &next))));
    }
    Ok(())
}

fn side(generation: &Generation) -> Side<'_> {
    Side { model: &generation.model, api_version: &generation.api_version }
}

fn title(old_date: Option<&str>, new_date: Option<&str>, old: &Path, new: &Path) -> String {
    let name = |date: Option<&str>, path: &Path| date.map(|d| format!("spec of {d}")).unwrap_or_else(|| path.display().to_string());
    format!("atlas-admin: {} -> {}", name(old_date, old), name(new_date, new))
}

/// Options of `spec update`.
pub struct Update {
    /// A path or URL; the lock's `source` when `None`.
    pub from: Option<String>,
    /// The new spec's date: given, else one in its file name, else today.
    pub date: Option<String>,
    /// Skip `cargo check` of the scratch crate (the history walk checks its own way).
    pub no_check: bool,
}

/// What an update did, for the walk's figures.
pub struct Updated {
    pub report: Report,
    pub fixes_applied: Vec<usize>,
    pub fixes_skipped: Vec<usize>,
    pub seconds: f64,
    /// The new spec, where the cache keeps it.
    pub spec: PathBuf,
}

/// `cargo xtask spec update`: all or nothing. Nothing is written until the new spec has been
/// checked, fixed, generated and (unless `no_check`) compiled in a scratch copy.
/// `None` when the source serves the locked spec (then only a pinned source is recorded).
pub fn update(paths: &Paths, options: Update) -> Result<Option<Updated>> {
    let started = Instant::now();
    let old_lock = SpecLock::read(&paths.lock)?;
    // A changelog that cannot be read refuses the update before anything is fetched.
    let mut changelog = Changelog::read(&paths.changelog)?;
    let source = options.from.clone().unwrap_or_else(|| old_lock.source.clone());
    // The lock names bytes that never change: a GitHub branch is pinned to its commit now,
    // and that commit's file is what is taken.
    let recorded = generator::store::pin_github(&source)?.unwrap_or_else(|| source.clone());
    if recorded != source {
        eprintln!("{source} is at {recorded}");
    }
    if !generator::store::is_url(&source) {
        eprintln!("warning: spec/lock.toml will record the local path {source}: others cannot fetch it (a fresh clone needs --spec or $ATLAS_SPEC); take the spec from a URL to record one");
    }
    let (fetched, sha256) = fetch(paths, &recorded)?;
    check_atlas_spec(&fetched, &source)?;
    if sha256 == old_lock.sha256 {
        // The same spec: nothing to generate and no entry to write; the lock only learns
        // where the bytes can be fetched for good, if that changed.
        if recorded != old_lock.source && generator::store::is_url(&recorded) {
            SpecLock { source: recorded.clone(), ..old_lock }.write(&paths.lock)?;
            println!("{source} serves the locked spec; spec/lock.toml now names {recorded}");
        } else {
            println!("{source} serves the locked spec (sha256 {}): nothing to update", old_lock.sha256);
        }
        return Ok(None);
    }
    let date = options
        .date
        .clone()
        .or_else(|| date_in_name(Path::new(&source)))
        .unwrap_or_else(today);
    // The crate as it is: the locked spec, with the names that shipped.
    let old_spec = old_locked_spec(paths, &old_lock)?;
    let names = Registry::read_or_default(&paths.names)?;
    let before = generate_side(paths, &old_spec, Some(&old_lock.spec_date), old_lock.api_version.as_deref(), &names)
        .context("the locked spec no longer generates")?;
    let after = generate_side(paths, &fetched, Some(&date), old_lock.api_version.as_deref(), &names)
        .with_context(|| format!("{source} cannot be generated from; nothing was changed"))?;
    if !options.no_check {
        scratch_check(paths, &after, &source).context("nothing was changed")?;
    }
    let report = diff::diff(&side(&before), &side(&after));
    let version = crate_version(paths);
    let title = format!("Spec of {date} (x-xgen-sha {})", after.spec.xgen_sha.clone().unwrap_or_default());
    // The entry goes under Unreleased; the versions are the section's, not the entry's.
    changelog.add(&report.markdown_at(3, &title, None), report.bump);
    let pending = changelog.pending().unwrap_or(report.bump);
    let lock = SpecLock {
        source: recorded,
        spec_date: date.clone(),
        xgen_sha: after.spec.xgen_sha.clone().unwrap_or_default(),
        sha256: after.spec.sha256.clone(),
        // The pinned API date stays pinned.
        api_version: old_lock.api_version.clone(),
    };
    let companions = vec![
        (paths.lock.clone(), lock.to_toml()),
        (paths.names.clone(), after.names.to_toml()),
        (paths.changelog.clone(), changelog.render(&version)),
    ];
    let summary = after.write(&paths.layout(), &companions)?;
    println!("{}", report.markdown(&title, None));
    println!(
        "{} under Unreleased in atlas-admin/CHANGELOG.md: {version} -> {} ({}); `cargo xtask release` cuts it",
        plural(changelog.unreleased.len(), "entry", "entries"),
        crate::changelog::next_version(&version, pending),
        pending.word()
    );
    println!(
        "spec/lock.toml now locks the spec of {date} (sha256 {}); atlas-admin: {} files written, {} unchanged, {} removed",
        lock.sha256,
        summary.written,
        summary.unchanged,
        summary.removed.len()
    );
    Ok(Some(Updated {
        report,
        fixes_applied: after.spec.fixes.applied.clone(),
        fixes_skipped: after.spec.fixes.skipped.clone(),
        seconds: started.elapsed().as_secs_f64(),
        spec: fetched,
    }))
}

/// The spec the crate was generated from, to report what changes: the cache's copy of the
/// locked sha256, else wherever the locked spec is found, verified (`$ATLAS_SPEC` may name
/// another spec).
fn old_locked_spec(paths: &Paths, lock: &SpecLock) -> Result<PathBuf> {
    if let Some(cached) = generator::store::cached(&spec_cache(paths), &lock.sha256) {
        return Ok(cached);
    }
    let path = resolve_locked(paths, None).context("the locked spec is needed to report what changes")?;
    crate::verify_lock(paths, &path).context("the locked spec is needed to report what changes")?;
    Ok(path)
}

/// `cargo xtask spec pin`: a lock whose `source` is a GitHub branch (written before updates
/// pinned their commit) learns the commit that serves its bytes: the commits that changed the
/// file within `days` of the spec's date are fetched, newest first, until one hashes to the
/// lock's sha256. Only `source` changes (and the cache gains the spec).
pub fn pin(paths: &Paths, days: u64) -> Result<()> {
    let lock = SpecLock::read(&paths.lock)?;
    let Some(raw) = generator::store::GithubRaw::parse(&lock.source) else {
        bail!("spec/lock.toml's source {} is not a GitHub raw URL: there is no commit to look up", lock.source);
    };
    if raw.is_pinned() {
        println!("spec/lock.toml already names a commit: {}", lock.source);
        return Ok(());
    }
    let date = chrono::NaiveDate::parse_from_str(&lock.spec_date, "%Y-%m-%d").with_context(|| format!("spec/lock.toml's spec_date {:?}", lock.spec_date))?;
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (since, until) = (day(date - chrono::Days::new(days)), day(date + chrono::Days::new(days)));
    let commits = generator::store::commits_of(&raw, &since, &until)?;
    for sha in &commits {
        let url = generator::store::GithubRaw { reference: sha.clone(), ..raw.clone() }.url();
        let bytes = generator::store::fetch(&url)?;
        if generator::parse::sha256_hex(&bytes) == lock.sha256 {
            generator::store::store_hashed(&spec_cache(paths), &lock.sha256, &bytes)?;
            let pinned = SpecLock { source: url.clone(), ..lock };
            pinned.write(&paths.lock)?;
            println!("spec/lock.toml now names {url}: the commit that serves the locked spec (sha256 {})", pinned.sha256);
            return Ok(());
        }
    }
    bail!(
        "none of the {} commits that changed {} on {} of {}/{} between {since} and {until} serves the locked spec (sha256 {}); \
         nothing was changed. Widen the search with --days, or take the spec upstream serves now: cargo xtask spec update",
        commits.len(),
        raw.path,
        raw.reference,
        raw.owner,
        raw.repo,
        lock.sha256
    )
}

/// Today's date (UTC), as a spec's date is written.
pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Generates into a scratch copy of the crate (its hand-written files and the workspace's
/// manifest and lock) and `cargo check`s it there. The dependencies are fetched first, on
/// their own: on a machine whose cargo cache lacks some, a failed download is reported as
/// one, naming what could not be fetched, and only a real compile error refuses the spec.
fn scratch_check(paths: &Paths, generation: &Generation, source: &str) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let root = scratch.path();
    copy_crates(paths, root)?;
    std::fs::write(root.join("Cargo.toml"), scratch_manifest(&paths.root)?)?;
    std::fs::copy(paths.root.join("Cargo.lock"), root.join("Cargo.lock"))?;
    generation.write(&Paths::new(root).layout(), &[])?;
    let target = paths.root.join("target/spec-update");
    let fetched = crate::cargo().args(["fetch", "--quiet"]).current_dir(root).env("CARGO_TARGET_DIR", &target).output()?;
    if !fetched.status.success() {
        bail!(
            "cannot download the crate's dependencies to compile it (`cargo fetch`; the spec itself was not judged):\n{}",
            cargo_errors(&fetched.stderr)
        );
    }
    let status = crate::cargo()
        .args(["check", "--quiet", "-p", "atlas-admin", "--lib", "--tests", "--offline"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .status()?;
    if !status.success() {
        bail!("the crate generated from {source} does not compile (cargo check in a scratch copy; its errors are above)");
    }
    Ok(())
}

/// What cargo said went wrong: its `error`/`Caused by` lines and what follows them, or its
/// last lines.
pub(crate) fn cargo_errors(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("error")).unwrap_or(lines.len().saturating_sub(20));
    lines[start..].iter().take(30).map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// The workspace manifest with `atlas-admin` and its models crate its only members.
pub fn scratch_manifest(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let mut manifest: toml::Table = toml::from_str(&text)?;
    if let Some(toml::Value::Table(workspace)) = manifest.get_mut("workspace") {
        let members = ["atlas-admin-models", "atlas-admin"].map(|m| toml::Value::String(m.into()));
        workspace.insert("members".into(), toml::Value::Array(members.to_vec()));
    }
    Ok(toml::to_string(&manifest)?)
}

/// Copies `atlas-admin` and its models crate into the scratch workspace at `root`.
fn copy_crates(paths: &Paths, root: &Path) -> Result<()> {
    let scratch = Paths::new(root);
    copy_crate(&paths.crate_dir, &scratch.crate_dir)?;
    copy_crate(&paths.models_dir, &scratch.models_dir)
}

/// Copies a crate directory, leaving out `target/` and hidden entries.
pub fn copy_crate(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') || name == "target" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_crate(&path, &to.join(&name))?;
        } else {
            std::fs::copy(&path, to.join(&name))?;
        }
    }
    Ok(())
}

/// Where a walk starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Start {
    /// The oldest real spec, locked with no names: the history as a maintainer lived it.
    Oldest,
    /// The checked-in crate (its lock and names), taken to every older spec in turn and
    /// back to the locked one: old specs against today's names, and the way back.
    Crate,
}

/// `cargo xtask spec walk`: the real specs in turn, in a scratch copy of the workspace,
/// with `cargo xtask check` after every step. Returns how many public names vanished
/// although what they named is still there, and how many files drifted (both must be 0).
pub fn walk(paths: &Paths, build: bool, start: Start) -> Result<Walked> {
    let Some(history) = generator::store::history_specs(&paths.root)? else {
        bail!("the walk needs the older real specs: set ATLAS_SPEC_HISTORY to a directory of atlas-api-YYYY-MM-DD.yaml files (this workplace keeps them in ../shared/atlas-spec/history/)");
    };
    let current = SpecLock::read(&paths.lock)?;
    let current_spec = old_locked_spec(paths, &current)?;

    let scratch = tempfile::tempdir()?;
    let root = scratch.path();
    copy_crates(paths, root)?;
    std::fs::create_dir_all(root.join("spec"))?;
    std::fs::copy(&paths.fixes, root.join("spec/fixes.yaml"))?;
    std::fs::write(root.join("Cargo.toml"), scratch_manifest(&paths.root)?)?;
    std::fs::copy(paths.root.join("Cargo.lock"), root.join("Cargo.lock"))?;
    let _ = std::fs::remove_file(root.join("atlas-admin/CHANGELOG.md"));
    let walk_paths = Paths::new(root);

    let started = Instant::now();
    let (first_date, steps, generation, cached) = match start {
        Start::Oldest => {
            // Step 0: lock the first spec, seeding the registry from it.
            let (first_date, first) = &history[0];
            let (cached, _) = fetch(&walk_paths, &first.display().to_string())?;
            let generation = generate_side(&walk_paths, &cached, Some(first_date), current.api_version.as_deref(), &Registry::default())?;
            let lock = SpecLock {
                source: first.display().to_string(),
                spec_date: first_date.clone(),
                xgen_sha: generation.spec.xgen_sha.clone().unwrap_or_default(),
                sha256: generation.spec.sha256.clone(),
                api_version: current.api_version.clone(),
            };
            generation.write(
                &walk_paths.layout(),
                &[(walk_paths.lock.clone(), lock.to_toml()), (walk_paths.names.clone(), generation.names.to_toml())],
            )?;
            let mut steps = history[1..].to_vec();
            steps.push((current.spec_date.clone(), current_spec.clone()));
            (format!("{first_date} (locked)"), steps, generation, cached)
        }
        Start::Crate => {
            // The checked-in crate as it is; its spec in the scratch cache, where update finds it.
            std::fs::copy(&paths.lock, &walk_paths.lock)?;
            std::fs::copy(&paths.names, &walk_paths.names)?;
            let (cached, _) = fetch(&walk_paths, &current_spec.display().to_string())?;
            let generation = generate_side(&walk_paths, &cached, Some(&current.spec_date), current.api_version.as_deref(), &Registry::read(&walk_paths.names)?)?;
            let mut steps = history.clone();
            steps.push((current.spec_date.clone(), current_spec.clone()));
            (format!("{} (the checked-in crate)", current.spec_date), steps, generation, cached)
        }
    };
    let mut drifted = drift_after(&walk_paths, &cached, &first_date)?;
    let mut rows = vec![format!(
        "| {first_date} | {} ops, {} schemas | | | | | {drifted} | fixes applied {:?}, skipped {:?} | {:.1} |",
        generation.model.operations.len(),
        generation.model.components.len(),
        generation.spec.fixes.applied,
        generation.spec.fixes.skipped,
        started.elapsed().as_secs_f64()
    )];
    drop(generation);
    let mut notes = Vec::new();
    if build {
        notes.extend(build_and_test(&walk_paths, &paths.root.join("target/spec-walk"))?.map(|n| format!("{first_date}: {n}")));
    }
    let mut vanished = 0;
    for (date, spec) in &steps {
        println!("\n=== spec update --from {} ===\n", spec.display());
        let Some(updated) = update(&walk_paths, Update { from: Some(spec.display().to_string()), date: Some(date.clone()), no_check: true })? else {
            bail!("{} is the spec of the step before: the walk's specs must differ", spec.display());
        };
        if build {
            notes.extend(build_and_test(&walk_paths, &paths.root.join("target/spec-walk"))?.map(|n| format!("{date}: {n}")));
        }
        let c = &updated.report.counts;
        vanished += updated.report.vanished_names.len();
        let step_drift = drift_after(&walk_paths, &updated.spec, date)?;
        drifted += step_drift;
        rows.push(format!(
            "| {date} | +{} -{} ~{} | +{} -{} ~{} | {} breaking, {} additive | {:?} | {} | {step_drift} | fixes applied {:?}, skipped {:?} | {:.1} |",
            c.operations_added, c.operations_removed, c.operations_renamed, c.models_added, c.models_removed, c.models_renamed,
            c.breaking, c.additive, updated.report.bump, updated.report.vanished_names.len(),
            updated.fixes_applied, updated.fixes_skipped, updated.seconds
        ));
        for name in &updated.report.vanished_names {
            println!("VANISHED although still in the spec: {name}");
        }
    }
    println!("\n| step | operations (+added -removed ~renamed) | models | changes | bump | names vanished | files drifted | fixes | seconds |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        println!("{row}");
    }
    for note in &notes {
        println!("\n{note}");
    }
    println!("\n{vanished} public names vanished although what they named is still in the spec{}", if build { "; every step compiled and passed its tests" } else { "" });
    println!("{drifted} files drifted: `cargo xtask check` right after a step{}", if drifted == 0 { " was clean at every step" } else { " found what that step wrote is not what `generate` makes" });
    Ok(Walked { vanished, drifted })
}

/// What the walk found wrong: names that vanished, files `check` found drifted.
pub struct Walked {
    pub vanished: usize,
    pub drifted: usize,
}

impl Walked {
    pub fn clean(&self) -> bool {
        self.vanished == 0 && self.drifted == 0
    }
}

/// `cargo xtask check` right after a walk's step: how many files drifted (each printed).
fn drift_after(paths: &Paths, spec: &Path, date: &str) -> Result<usize> {
    let (drift, _) = drift(paths, spec).with_context(|| format!("checking the step to the spec of {date}"))?;
    for d in &drift {
        println!("DRIFT after the step to the spec of {date}: {d}");
    }
    Ok(drift.len())
}

/// Builds the scratch crate and runs its generated tests. The hand-written waiters call
/// operations by today's names, which older specs may not have: a step whose only fault is
/// there is built again without them, and says so. Returns that note, if any.
fn build_and_test(paths: &Paths, target: &Path) -> Result<Option<String>> {
    let test = || -> Result<bool> {
        Ok(crate::cargo()
            .args(["test", "--quiet", "-p", "atlas-admin", "--offline", "--test", "spec_examples", "--test", "spec_unions", "--test", "spec_patterns"])
            .current_dir(&paths.root)
            .env("CARGO_TARGET_DIR", target)
            .status()?
            .success())
    };
    if test()? {
        return Ok(None);
    }
    let lib = paths.crate_dir.join("src/lib.rs");
    let source = std::fs::read_to_string(&lib)?;
    std::fs::write(&lib, source.replace("pub mod waiters;\n", ""))?;
    let without_waiters = test();
    std::fs::write(&lib, &source)?;
    if !without_waiters? {
        bail!("the crate of this step does not build or its generated tests fail");
    }
    println!("note: the hand-written waiters call operations this spec names otherwise; the step was built and tested without them");
    Ok(Some("built without the hand-written waiters".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_is_titled_by_the_specs_dates_or_their_paths() {
        let (old, new) = (Path::new("a/old.yaml"), Path::new("b/new.yaml"));
        assert_eq!(title(Some("2026-01-01"), Some("2026-02-01"), old, new), "atlas-admin: spec of 2026-01-01 -> spec of 2026-02-01");
        assert_eq!(title(None, Some("2026-02-01"), old, new), "atlas-admin: a/old.yaml -> spec of 2026-02-01");
        assert_eq!(title(Some("2026-01-01"), None, old, new), "atlas-admin: spec of 2026-01-01 -> b/new.yaml");
    }

    #[test]
    fn counts_are_spelled_in_the_singular_for_one() {
        assert_eq!(plural(1, "entry", "entries"), "1 entry");
        assert_eq!(plural(0, "entry", "entries"), "0 entries");
        assert_eq!(plural(2, "entry", "entries"), "2 entries");
    }

    #[test]
    fn cargos_errors_start_at_its_first_error_line_else_its_last_lines() {
        let stderr = "  Downloading crates ...\nwarning: x\nerror: failed to download `reqwest`\n\nCaused by:\n  timed out\n";
        assert_eq!(cargo_errors(stderr.as_bytes()), "  error: failed to download `reqwest`\n  \n  Caused by:\n    timed out");
        let noise: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let shown = cargo_errors(noise.as_bytes());
        assert!(shown.starts_with("  line 20\n") && shown.ends_with("  line 39"), "the last 20 lines: {shown}");
        let long: String = std::iter::once("error: first\n".to_string()).chain((0..40).map(|i| format!("line {i}\n"))).collect();
        assert_eq!(cargo_errors(long.as_bytes()).lines().count(), 30, "at most 30 lines");
    }

    #[test]
    fn the_crate_version_is_the_package_s_else_0_1_0() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        assert_eq!(crate_version(&paths), "0.1.0", "no manifest yet");
        std::fs::create_dir_all(&paths.crate_dir).unwrap();
        std::fs::write(paths.crate_dir.join("Cargo.toml"), "[package]\nname = \"atlas-admin\"\nversion = \"0.4.2\"\n[dependencies]\nx = { version = \"9.9.9\" }\n").unwrap();
        assert_eq!(crate_version(&paths), "0.4.2");
    }

    #[test]
    fn the_scratch_workspace_has_only_the_two_crates_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace]\nresolver = \"2\"\nmembers = [\"xtask\", \"generator\", \"atlas-admin\"]\n[workspace.dependencies]\nserde = \"1\"\n",
        )
        .unwrap();
        let manifest: toml::Table = toml::from_str(&scratch_manifest(dir.path()).unwrap()).unwrap();
        let workspace = manifest["workspace"].as_table().unwrap();
        assert_eq!(workspace["members"].as_array().unwrap(), &["atlas-admin-models", "atlas-admin"].map(|m| toml::Value::String(m.into())));
        assert_eq!(workspace["resolver"].as_str(), Some("2"));
        assert_eq!(workspace["dependencies"]["serde"].as_str(), Some("1"));
    }

    #[test]
    fn a_crate_is_copied_without_its_target_and_hidden_entries() {
        let (from, to) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for file in ["Cargo.toml", "src/lib.rs", "src/apis/mod.rs", "target/debug/x", ".generate-1/staged", "src/.hidden"] {
            let path = from.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, file).unwrap();
        }
        copy_crate(from.path(), &to.path().join("copy")).unwrap();
        let copy = to.path().join("copy");
        for file in ["Cargo.toml", "src/lib.rs", "src/apis/mod.rs"] {
            assert_eq!(std::fs::read_to_string(copy.join(file)).unwrap(), file);
        }
        for left_out in ["target", ".generate-1", "src/.hidden"] {
            assert!(!copy.join(left_out).exists(), "{left_out} was copied");
        }
    }

    #[test]
    fn a_walk_is_clean_only_with_no_vanished_name_and_no_drift() {
        assert!(Walked { vanished: 0, drifted: 0 }.clean());
        assert!(!Walked { vanished: 1, drifted: 0 }.clean());
        assert!(!Walked { vanished: 0, drifted: 1 }.clean());
    }

    #[test]
    fn today_is_written_as_a_spec_date() {
        let today = today();
        assert!(chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").is_ok(), "{today}");
        assert_eq!(today.len(), 10);
    }

    /// A spec file with `text`, checked.
    fn checked(text: &str) -> Result<()> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, text).unwrap();
        check_atlas_spec(&path, "SOURCE")
    }

    #[test]
    fn only_an_atlas_admin_v2_openapi_3_0_spec_as_atlas_publishes_it_passes() {
        let good = "openapi: 3.0.1\ninfo: {title: MongoDB Atlas Administration API, version: '2.0', x-xgen-sha: abc}\npaths:\n  /api/atlas/v2/groups: {}\ntags:\n  - name: Projects\n";
        checked(good).unwrap();
        for (text, says) in [
            (" \n\t\n", "SOURCE is empty"),
            ("info: {title: x}\n", "has no `openapi` version"),
            (&good.replace("3.0.1", "3.1.0") as &str, "not an OpenAPI 3.0 document (openapi: \"3.1.0\")"),
            (&good.replace("MongoDB Atlas Administration API", "Petstore"), "titled \"Petstore\""),
            (&good.replace("/api/atlas/v2/groups", "/api/atlas/v1.0/groups"), "has no /api/atlas/v2 paths"),
            (&good.replace(", x-xgen-sha: abc", ""), "has no info.x-xgen-sha"),
            (&good.replace("tags:\n  - name: Projects\n", "tags: []\n"), "has no `tags`"),
            (&good.replace("tags:\n  - name: Projects\n", ""), "has no `tags`"),
        ] {
            let error = format!("{:#}", checked(text).unwrap_err());
            assert!(error.contains(says), "{says:?} is not in: {error}");
        }
    }
}

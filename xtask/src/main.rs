//! `cargo xtask`: the maintainers' entry point. Only the command line lives here; the work
//! is done by the `generator` library.

mod e2e;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use generator::lock::SpecLock;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generate and maintain the atlas-admin crate")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct SpecArgs {
    /// The spec to read [default: $ATLAS_SPEC, then ../shared/atlas-spec/atlas-api.yaml]
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate atlas-admin from the locked spec (all-or-nothing: on error nothing changes).
    Generate {
        #[command(flatten)]
        spec: SpecArgs,
        /// Generate from a spec that is not the locked one, without touching the lock.
        #[arg(long)]
        allow_unlocked: bool,
        /// The API date to generate for (YYYY-MM-DD): each operation sends its newest version
        /// not after it. Recorded in spec/lock.toml [default: the locked one, else the spec's
        /// newest stable version]
        #[arg(long, value_name = "YYYY-MM-DD")]
        api_version: Option<String>,
    },
    /// Regenerate in memory and fail if the checked-in crate differs.
    Check {
        #[command(flatten)]
        spec: SpecArgs,
    },
    /// Run every generated call that the spec alone can fill against Prism serving the spec
    /// (installs and starts Prism under target/prism; needs node and npm).
    E2e {
        #[command(flatten)]
        spec: SpecArgs,
    },
    /// Manage spec/lock.toml.
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
}

#[derive(Subcommand)]
enum SpecCommand {
    /// Lock a new spec file: records its sha256, x-xgen-sha and date in spec/lock.toml.
    Update {
        #[command(flatten)]
        spec: SpecArgs,
        /// The date Atlas published the spec (YYYY-MM-DD); kept from the old lock if omitted.
        #[arg(long)]
        date: Option<String>,
        /// Where the spec comes from upstream; kept from the old lock if omitted.
        #[arg(long)]
        source: Option<String>,
    },
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let root = workspace_root();
    let paths = generator::Paths::new(&root);
    match cli.command {
        Command::Generate { spec, allow_unlocked, api_version } => {
            let spec_path = paths.resolve_spec(spec.spec.as_deref())?;
            let lock = if allow_unlocked { None } else { Some(verify_lock(&paths, &spec_path)?) };
            let target = api_version.clone().or_else(|| lock.as_ref().and_then(|l| l.api_version.clone()));
            let generation = generator::generate_for(&spec_path, Some(&paths.fixes), target.as_deref())?;
            let summary = generator::write::write(&generation.tree, &paths.crate_dir)?;
            // The crate is written: record the API date it was generated for.
            if let (Some(mut lock), Some(_)) = (lock, &api_version) {
                lock.api_version = Some(generation.api_version.clone());
                lock.write(&paths.lock)?;
                println!("spec/lock.toml now pins API version {}", generation.api_version);
            }
            print_report(&generation);
            println!(
                "atlas-admin: {} files written, {} unchanged, {} removed",
                summary.written,
                summary.unchanged,
                summary.removed.len()
            );
            for removed in &summary.removed {
                println!("  removed {removed}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { spec } => {
            let spec_path = paths.resolve_spec(spec.spec.as_deref())?;
            let lock = verify_lock(&paths, &spec_path)?;
            let generation = generator::generate_for(&spec_path, Some(&paths.fixes), lock.api_version.as_deref())?;
            let drift = generator::write::check(&generation.tree, &paths.crate_dir)?;
            if drift.is_empty() {
                println!("atlas-admin is up to date with {} ({} files)", spec_path.display(), generation.tree.files.len());
                return Ok(ExitCode::SUCCESS);
            }
            for d in &drift {
                println!("{d}");
            }
            println!("\natlas-admin has drifted from the spec in {} file(s). Fix: cargo xtask generate", drift.len());
            Ok(ExitCode::FAILURE)
        }
        Command::E2e { spec } => {
            let spec_path = paths.resolve_spec(spec.spec.as_deref())?;
            verify_lock(&paths, &spec_path)?;
            e2e::run(&root, &spec_path, &paths.fixes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Spec { command: SpecCommand::Update { spec, date, source } } => {
            let spec_path = paths.resolve_spec(spec.spec.as_deref())?;
            let old = SpecLock::read(&paths.lock).ok();
            // Parse it fully: a spec the generator cannot read must not be locked.
            let generation = generator::generate(&spec_path, Some(&paths.fixes))
                .with_context(|| format!("{} cannot be generated from; the lock is unchanged", spec_path.display()))?;
            let Some(xgen_sha) = generation.spec.xgen_sha.clone() else {
                bail!("{} has no info.x-xgen-sha; is it an Atlas spec?", spec_path.display());
            };
            let lock = SpecLock {
                source: source.or(old.as_ref().map(|o| o.source.clone())).unwrap_or_else(|| generator::UPSTREAM.into()),
                spec_date: match date.or(old.as_ref().map(|o| o.spec_date.clone())) {
                    Some(date) => date,
                    None => bail!("give the spec's publication date with --date YYYY-MM-DD"),
                },
                xgen_sha,
                sha256: generation.spec.sha256.clone(),
                // The pinned API date stays pinned across spec updates.
                api_version: old.as_ref().and_then(|o| o.api_version.clone()),
            };
            lock.write(&paths.lock)?;
            println!("spec/lock.toml now locks {} (sha256 {})", spec_path.display(), lock.sha256);
            println!("next: cargo xtask generate");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Refuses a spec that is not the locked one before spending time on it.
fn verify_lock(paths: &generator::Paths, spec_path: &Path) -> Result<SpecLock> {
    let sha256 = generator::parse::sha256_hex(&generator::parse::read_limited(spec_path)?);
    let lock = SpecLock::read(&paths.lock)?;
    lock.verify(spec_path, &sha256)?;
    Ok(lock)
}

fn print_report(generation: &generator::Generation) {
    let model = &generation.model;
    println!(
        "spec {} (sha256 {}, {} fixes applied), API version {}: {} component schemas, {} types, {} operations, {} examples",
        generation.spec.path.display(),
        generation.spec.sha256,
        generation.spec.fixes_applied,
        generation.api_version,
        model.components.len(),
        model.types.len(),
        model.operations.len(),
        model.examples.len(),
    );
    if !model.renames.is_empty() {
        println!("{} names changed to stay unique:", model.renames.len());
        for r in &model.renames {
            println!("  {} -> {} ({})", r.wanted, r.given, r.pointer);
        }
    }
}

//! `cargo xtask`: the maintainers' entry point. Only the command line lives here; the work
//! is done by the `generator` library.

mod bench;
mod changelog;
mod e2e;
mod features;
mod release;
mod semver;
mod update;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use generator::ir::registry::Registry;
use generator::lock::SpecLock;

/// Generation allocates and frees millions of small token trees and strings; mimalloc
/// makes that a good third faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. mimalloc asks for them on its arenas,
/// and a generation touches its memory once: the kernel zeroes a whole 2 MiB page at the
/// first touch of any byte of it, under a lock the worker threads then wait on. Measured on
/// the 2-core CI machine: 0.44 s +- 15% with them, 0.40 s +- 1% without, a third less
/// memory (perf stat, 12 runs each). Faults after this call take small pages.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

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
        /// Print the seconds of each stage (parse, fixes, lower, each emitter, format, write).
        #[arg(long)]
        timings: bool,
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
    /// What changed between two specs for users of atlas-admin (Markdown, or JSON for CI).
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// The old spec's date, for its fixes [default: the lock's if it is the locked spec,
        /// else a date in its file name]
        #[arg(long, value_name = "YYYY-MM-DD")]
        old_date: Option<String>,
        /// The new spec's date [default: a date in its file name]
        #[arg(long, value_name = "YYYY-MM-DD")]
        new_date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List where the spec's constraints may refuse what Atlas sends: a property bounded
    /// differently elsewhere, prose that qualifies a bound, examples that break one (Markdown).
    Audit {
        #[command(flatten)]
        spec: SpecArgs,
    },
    /// Check that each tag's cargo feature compiles on its own, warning-free (clippy on
    /// the library with only that feature).
    Features {
        /// The features to check [default: every tag]
        names: Vec<String>,
    },
    /// Measure generation (per stage), the crate's own builds (time, rustc peak memory) and
    /// decoding against `serde_json::Value`; write the figures as JSON and compare them with
    /// an earlier file.
    Bench {
        /// Generation runs (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Rounds of the builds (each builds all six configurations) and of the decoding
        /// bench; medians are reported.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Skip the builds (minutes).
        #[arg(long)]
        no_builds: bool,
        /// Skip the decoding bench.
        #[arg(long)]
        no_decode: bool,
        /// Where to write the figures [default: target/bench/latest.json]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Figures of an earlier run to compare with.
        #[arg(long, value_name = "FILE")]
        compare: Option<PathBuf>,
    },
    /// Run a command and report its seconds and its largest child's peak memory (for bench).
    #[command(hide = true)]
    Measure {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// Cut a release of both crates from atlas-admin/CHANGELOG.md's Unreleased section: the
    /// version its strongest bump leads to is set in both manifests, and Unreleased becomes
    /// that version's section. Refuses, changing nothing, when nothing is unreleased, the tree
    /// is dirty, `check` fails, `cargo publish --dry-run` fails at the new version, or
    /// cargo-semver-checks finds a breaking change the report calls additive.
    Release {
        /// Run every check and say what would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The release's date (YYYY-MM-DD) [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// What cargo-semver-checks compares with [default: the tag of the current version,
        /// v<version>; none: a first release]
        #[arg(long, value_name = "REV")]
        baseline_rev: Option<String>,
        /// Release without cargo-semver-checks' second opinion.
        #[arg(long)]
        no_semver_checks: bool,
    },
    /// cargo-semver-checks' second opinion on the changelog entries added since REV: the crates
    /// as they are now against those of REV (CI runs it on spec-update pull requests). Fails
    /// when it finds a breaking change the report calls additive.
    SemverChecks {
        #[arg(long, value_name = "REV")]
        baseline_rev: String,
    },
    /// Manage spec/lock.toml.
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
}

#[derive(Subcommand)]
enum SpecCommand {
    /// Take a new spec: check it, apply the fixes, generate and compile it in a scratch copy,
    /// then write the lock, the crate, spec/names.toml and the changelog entry together, and
    /// print what changed. On any failure nothing is changed.
    Update {
        /// A path or an http(s) URL [default: `source` in spec/lock.toml]
        #[arg(long, value_name = "PATH_OR_URL")]
        from: Option<String>,
        /// The spec's date (YYYY-MM-DD) [default: a date in its name, else today]
        #[arg(long)]
        date: Option<String>,
        /// Skip compiling the new crate in a scratch copy first.
        #[arg(long)]
        no_check: bool,
    },
    /// Record in spec/lock.toml the commit that serves the locked spec, when its `source` is a
    /// GitHub branch: the file's commits near the spec's date are fetched until one hashes to
    /// the lock's sha256.
    Pin {
        /// How many days around the spec's date to search.
        #[arg(long, default_value_t = 14)]
        days: u64,
    },
    /// Walk the real specs ($ATLAS_SPEC_HISTORY or ../shared/atlas-spec/history/, then the
    /// locked one) as a maintainer would, in a scratch copy: `spec update` to each in turn,
    /// `check` after every step; fails if a public name vanished or a step drifted.
    Walk {
        /// Also build the crate and run its tests at each step.
        #[arg(long)]
        build: bool,
        /// Where to start: the oldest spec with no names, or the checked-in crate (then every
        /// older spec in turn, and back).
        #[arg(long, value_enum, default_value = "oldest")]
        start: update::Start,
    },
}

/// The workspace root: xtask lives one level below it.
/// The cargo that runs xtask (`$CARGO`), else the one on the path.
fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// A command of that cargo.
fn cargo() -> std::process::Command {
    std::process::Command::new(cargo_program())
}

/// The workspace xtask works on: its own, unless `XTASK_ROOT` names another (the tests run
/// `spec update` on a scratch copy).
fn workspace_root() -> PathBuf {
    match std::env::var_os("XTASK_ROOT") {
        Some(root) if !root.is_empty() => PathBuf::from(root),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf(),
    }
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
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
        Command::Generate { spec, allow_unlocked, api_version, timings } => {
            let started_run = std::time::Instant::now();
            let mut before = generator::timing::Stages::default();
            let spec_path = update::resolve_locked(&paths, spec.spec.as_deref())?;
            let lock = before.time("verify lock", || if allow_unlocked { Ok(None) } else { verify_lock(&paths, &spec_path).map(Some) })?;
            let target = api_version.clone().or_else(|| lock.as_ref().and_then(|l| l.api_version.clone()));
            let cache_dir = update::generate_cache(&paths);
            let inputs = generator::Inputs {
                fixes: Some(&paths.fixes),
                spec_date: lock.as_ref().map(|l| l.spec_date.as_str()),
                api_version: target.as_deref(),
                cache_dir: Some(&cache_dir),
                ..generator::Inputs::new(&spec_path)
            };
            // The registry of names reads beside the spec's parse, which does not need it.
            let ((names, names_seconds), parsed) =
                generator::timing::Stages::beside(|| Registry::read_or_default(&paths.names), || generator::parse_inputs(&inputs));
            before.add("read names (beside parsing)", names_seconds);
            let names = names?;
            let generation = generator::generate_parsed(parsed?, &generator::Inputs { names: Some(&names), ..inputs })?;
            // The crate, the registry of names and the lock change together or not at all.
            // An unlocked spec is a trial: its names are not recorded.
            let companions_started = std::time::Instant::now();
            let mut companions = Vec::new();
            if let Some(mut lock) = lock {
                // Serialising the registry costs more than comparing it: only a changed one is written.
                if generation.names != names || !paths.names.exists() {
                    companions.push((paths.names.clone(), generation.names.to_toml()));
                }
                if api_version.is_some() {
                    let moved_from = lock.api_version.replace(generation.api_version.clone()).filter(|old| *old != generation.api_version);
                    companions.push((paths.lock.clone(), lock.to_toml()));
                    println!("spec/lock.toml pins API version {}", generation.api_version);
                    // What the plain methods send changes: a breaking change the changelog must carry.
                    if let Some(old) = moved_from {
                        let mut log = changelog::Changelog::read(&paths.changelog)?;
                        log.add(&changelog::api_date_entry(&old, &generation.api_version), generator::diff::Bump::Minor);
                        companions.push((paths.changelog.clone(), log.render(&update::crate_version(&paths))));
                    }
                }
            }
            let companions_seconds = companions_started.elapsed().as_secs_f64();
            let started = std::time::Instant::now();
            let summary = generation.write(&paths.layout(), &companions)?;
            let mut stages = before;
            stages.0.extend(generation.stages.0.iter().cloned());
            stages.add("write", started.elapsed().as_secs_f64() + companions_seconds);
            print_report(&generation);
            if timings {
                println!("  ({} files reused from the format cache, {} formatted)", generation.formatted.0, generation.formatted.1);
                for (stage, seconds) in &stages.0 {
                    println!("  {stage:<16} {:>8.3} s", seconds);
                }
                // Stages marked "beside" ran at the same time as others: the sum is not the wall.
                println!("  {:<16} {:>8.3} s", "wall", started_run.elapsed().as_secs_f64());
            }
            println!(
                "atlas-admin: {} files written, {} unchanged, {} removed",
                summary.written,
                summary.unchanged,
                summary.removed.len()
            );
            for removed in &summary.removed {
                println!("  removed {removed}");
            }
            // The process ends here: freeing the spec, the model and the files' texts one
            // allocation at a time would only delay the exit (about 8 ms, 2% of a regeneration).
            std::mem::forget((generation, names));
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { spec } => {
            let spec_path = update::resolve_locked(&paths, spec.spec.as_deref())?;
            let lock = SpecLock::read(&paths.lock).ok();
            let audit = generator::audit::audit_spec(&spec_path, Some(&paths.fixes), lock.as_ref().map(|l| l.spec_date.as_str()))?;
            print!("{}", audit.markdown());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { spec } => {
            let spec_path = update::resolve_locked(&paths, spec.spec.as_deref())?;
            let (drift, files) = update::drift(&paths, &spec_path)?;
            if drift.is_empty() {
                println!("atlas-admin is up to date with {} ({files} files)", spec_path.display());
                return Ok(ExitCode::SUCCESS);
            }
            for d in &drift {
                println!("{d}");
            }
            println!("\natlas-admin has drifted from the spec in {} file(s). Fix: cargo xtask generate", drift.len());
            Ok(ExitCode::FAILURE)
        }
        Command::E2e { spec } => {
            let spec_path = update::resolve_locked(&paths, spec.spec.as_deref())?;
            let lock = verify_lock(&paths, &spec_path)?;
            e2e::run(&root, &spec_path, &lock.spec_date, &paths.fixes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { runs, rounds, no_builds, no_decode, out, compare } => {
            bench::run(&root, bench::Options { runs, rounds, builds: !no_builds, decode: !no_decode, out, compare })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Measure { command } => bench::measure(&command),
        Command::Features { names } => {
            features::run(&root, &names)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff { old, new, old_date, new_date, json } => {
            update::diff_specs(&paths, &old, &new, old_date, new_date, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Release { dry_run, date, baseline_rev, no_semver_checks } => {
            release::release(&paths, release::Options { dry_run, date, baseline: baseline_rev, no_semver_checks })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::SemverChecks { baseline_rev } => {
            semver::second_opinion(&root, &root, &baseline_rev, &changelog::Changelog::read(&paths.changelog)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Spec { command: SpecCommand::Update { from, date, no_check } } => {
            update::update(&paths, update::Update { from, date, no_check })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Spec { command: SpecCommand::Pin { days } } => {
            update::pin(&paths, days)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Spec { command: SpecCommand::Walk { build, start } } => {
            let walked = update::walk(&paths, build, start)?;
            Ok(if walked.clean() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

/// Refuses a spec that is not the locked one before spending time on it.
pub(crate) fn verify_lock(paths: &generator::Paths, spec_path: &Path) -> Result<SpecLock> {
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
    for warning in &model.warnings {
        println!("warning: {warning}");
    }
    if !model.renames.is_empty() {
        println!("{} names changed to stay unique:", model.renames.len());
        for r in &model.renames {
            println!("  {} -> {} ({})", r.wanted, r.given, r.pointer);
        }
    }
}

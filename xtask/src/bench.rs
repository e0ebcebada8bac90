//! `cargo xtask bench`: the performance figures of issue #13, measured the same way every
//! time and written to a JSON file that the next run can be compared with.
//!
//! * generation of the full real spec (release `xtask generate --timings`): median wall
//!   time without and with the format cache, and per stage;
//! * the crate's own build (debug, release, check), all tags and `clusters` only, its
//!   dependencies prebuilt (their warm-up reported apart), as a downstream user builds it
//!   (`CARGO_INCREMENTAL=0`), with rustc's peak memory: medians over rounds that each build
//!   all six configurations, and the median of the rounds' `clusters` shares;
//! * decoding MB/s beside `serde_json::Value` on pages of 500 clusters and 500 org users
//!   (the criterion bench `atlas-admin/benches/decode.rs`), medians over as many rounds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::cargo;
use serde::{Deserialize, Serialize};

/// What `cargo xtask bench` measures.
pub struct Options {
    pub runs: usize,
    /// Rounds of the six builds (each round builds every configuration once).
    pub rounds: usize,
    pub builds: bool,
    pub decode: bool,
    pub out: Option<PathBuf>,
    pub compare: Option<PathBuf>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Figures {
    pub machine: BTreeMap<String, String>,
    /// Stage -> median seconds (and `wall`: the whole command).
    pub generation: BTreeMap<String, f64>,
    /// Build -> seconds and rustc's peak memory (MB): medians over the rounds.
    pub builds: BTreeMap<String, Build>,
    /// `clusters` only as a share of all tags (debug build), the median of each round's
    /// share: both builds of a round ran within a minute of each other, so a slow phase of
    /// the machine weighs on both.
    #[serde(default)]
    pub clusters_share: Option<f64>,
    /// Page -> typed and `Value` throughput.
    pub decode: BTreeMap<String, Decode>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Build {
    /// The median over the rounds.
    pub seconds: f64,
    pub peak_mb: f64,
    /// Every round's seconds, in order.
    #[serde(default)]
    pub rounds: Vec<f64>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Decode {
    pub typed_mb_s: f64,
    pub value_mb_s: f64,
    /// typed / value: at least 1.0 is the target.
    pub ratio: f64,
    /// Every round's ratio, in order.
    #[serde(default)]
    pub rounds: Vec<f64>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

pub fn run(root: &Path, options: Options) -> Result<()> {
    let mut figures = Figures { machine: machine(), ..Figures::default() };
    figures.generation = generation(root, options.runs.max(1))?;
    if options.builds {
        (figures.builds, figures.clusters_share) = builds(root, options.rounds.max(1))?;
    }
    if options.decode {
        figures.decode = decode(root, options.rounds.max(1))?;
    }
    print(&figures);
    let out = options.out.unwrap_or_else(|| root.join("target/bench/latest.json"));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, serde_json::to_string_pretty(&figures)?)?;
    println!("\nwritten to {}", out.display());
    let history = root.join(HISTORY);
    append_history(&history, &figures, root)?;
    println!("appended to {} (commit it with the figures' change)", history.display());
    if let Some(previous) = options.compare {
        let before: Figures = serde_json::from_str(&std::fs::read_to_string(&previous).with_context(|| format!("{}", previous.display()))?)?;
        compare(&before, &figures, &previous);
    }
    Ok(())
}

/// Every run's figures, one JSON object a line, dated and with the commit measured: the
/// performance history is data the bench writes, not prose (docs/performance.md shows the latest).
pub const HISTORY: &str = "docs/bench-history.jsonl";

fn append_history(path: &Path, figures: &Figures, root: &Path) -> Result<()> {
    let commit = Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(root).output().ok().filter(|o| o.status.success());
    let dirty = Command::new("git").args(["status", "--porcelain", "--untracked-files=no"]).current_dir(root).output().ok().is_some_and(|o| !o.stdout.is_empty());
    let mut line = serde_json::to_value(figures)?;
    line["date"] = serde_json::Value::String(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
    line["commit"] = serde_json::Value::String(commit.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default() + if dirty { "+changes" } else { "" });
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).with_context(|| path.display().to_string())?;
    std::io::Write::write_all(&mut file, format!("{}\n", serde_json::to_string(&line)?).as_bytes())?;
    Ok(())
}

fn machine() -> BTreeMap<String, String> {
    let mut machine = BTreeMap::new();
    machine.insert("cpus".into(), std::thread::available_parallelism().map_or(1, |n| n.get()).to_string());
    machine.insert("os".into(), format!("{} {}", std::env::consts::OS, std::env::consts::ARCH));
    let rustc = Command::new("rustc").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    machine.insert("rustc".into(), rustc.unwrap_or_default());
    if let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") {
        if let Some(model) = cpuinfo.lines().find_map(|l| l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())) {
            machine.insert("cpu".into(), model);
        }
    }
    machine
}

/// Release `xtask generate --timings`, `runs` times cold (no cache: nothing formatted or
/// parsed before) and `runs` times
/// warm: the median of each stage of the warm runs, and of both wall times.
fn generation(root: &Path, runs: usize) -> Result<BTreeMap<String, f64>> {
    println!("bench: building xtask (release)");
    if !cargo().args(["build", "--quiet", "--release", "-p", "xtask"]).current_dir(root).status()?.success() {
        bail!("cannot build xtask in release");
    }
    let xtask = root.join("target/release/xtask");
    let mut samples: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let cache = crate::update::generate_cache(&generator::Paths::new(root));
    for run in 0..2 * runs {
        let cold = run < runs;
        if cold {
            let _ = std::fs::remove_dir_all(&cache);
        }
        let started = Instant::now();
        let output = Command::new(&xtask).args(["generate", "--timings"]).current_dir(root).env("XTASK_ROOT", root).output()?;
        let wall = started.elapsed().as_secs_f64();
        if !output.status.success() {
            bail!("xtask generate failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        if cold {
            samples.entry("wall, cold (no cache)".into()).or_default().push(wall);
            println!("bench: generate cold run {}/{runs}: {wall:.3} s", run + 1);
            continue;
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            // `  <stage>  <seconds> s`
            let Some(rest) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(" s")) else { continue };
            let Some((stage, seconds)) = rest.trim().rsplit_once(' ') else { continue };
            if let Ok(seconds) = seconds.trim().parse::<f64>() {
                samples.entry(stage.trim().to_string()).or_default().push(seconds);
            }
        }
        samples.entry("wall".into()).or_default().push(wall);
        println!("bench: generate warm run {}/{runs}: {wall:.3} s", run + 1 - runs);
    }
    Ok(samples.into_iter().map(|(stage, values)| (stage, median(values))).collect())
}

/// One cargo command, with its seconds and the peak memory of its largest child (rustc),
/// through `xtask measure`.
fn measured(root: &Path, args: &[&str]) -> Result<Build> {
    let xtask = std::env::current_exe()?;
    let output = Command::new(xtask)
        .arg("measure")
        .arg("--")
        .arg(crate::cargo_program())
        .args(args)
        .current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("cargo {} failed:\n{stderr}", args.join(" "));
    }
    let line = stderr.lines().rev().find_map(|l| l.strip_prefix("measure: ")).context("xtask measure printed nothing")?;
    let mut parts = line.split_whitespace();
    let seconds: f64 = parts.next().context("no seconds")?.parse()?;
    let peak_kb: f64 = parts.next().context("no peak")?.parse()?;
    Ok(Build { seconds, peak_mb: peak_kb / 1024.0, rounds: vec![seconds] })
}

/// The dependencies once (reported apart), then `rounds` rounds of the six configurations,
/// interleaved so that a slow phase of the machine lands on every configuration alike: the
/// median of each, and of each round's `clusters` share.
fn builds(root: &Path, rounds: usize) -> Result<(BTreeMap<String, Build>, Option<f64>)> {
    let mut out = BTreeMap::new();
    // `check` builds its dependencies apart (metadata only), so they are warmed up too: a
    // fresh clone's first check would otherwise check all of them (about 20 s more here).
    let warm_ups: [(&str, &[&str]); 3] = [
        ("warm-up: dependencies (debug)", &["build", "-p", "atlas-admin"]),
        ("warm-up: dependencies (release)", &["build", "--release", "-p", "atlas-admin"]),
        ("warm-up: dependencies (check)", &["check", "-p", "atlas-admin"]),
    ];
    for (name, args) in warm_ups {
        println!("bench: {name}");
        out.insert(name.to_string(), measured(root, args)?);
    }
    let clusters = ["--no-default-features", "--features", "clusters"];
    let configs: [(&str, &str, &[&str], &[&str]); 6] = [
        ("debug, all tags", "build", &[], &[]),
        ("release, all tags", "build", &["--release"], &[]),
        ("check, all tags", "check", &[], &[]),
        ("debug, clusters", "build", &[], &clusters),
        ("release, clusters", "build", &["--release"], &clusters),
        ("check, clusters", "check", &[], &clusters),
    ];
    let mut samples: BTreeMap<&str, Vec<Build>> = BTreeMap::new();
    let mut shares = Vec::new();
    for round in 1..=rounds {
        for (name, command, profile, features) in configs {
            // Both crates are atlas-admin's own build: the client and its models.
            let mut clean = vec!["clean", "--quiet", "-p", "atlas-admin", "-p", "atlas-admin-models"];
            clean.extend(profile);
            if !cargo().args(&clean).current_dir(root).status()?.success() {
                bail!("cargo clean failed");
            }
            let mut args = vec![command, "-p", "atlas-admin", "--lib"];
            args.extend(profile);
            args.extend(features);
            println!("bench: round {round}/{rounds}: {name}: cargo {}", args.join(" "));
            let build = measured(root, &args)?;
            println!("bench: round {round}/{rounds}: {name}: {:.1} s, {:.0} MB", build.seconds, build.peak_mb);
            samples.entry(name).or_default().push(build);
        }
        let last = |name: &str| samples[name].last().map_or(0.0, |b| b.seconds);
        let share = last("debug, clusters") / last("debug, all tags");
        println!("bench: round {round}/{rounds}: clusters only is {:.1}% of all tags (debug)", share * 100.0);
        shares.push(share);
    }
    for (name, builds) in samples {
        let seconds: Vec<f64> = builds.iter().map(|b| b.seconds).collect();
        let build = Build { seconds: median(seconds.clone()), peak_mb: median(builds.iter().map(|b| b.peak_mb).collect()), rounds: seconds };
        out.insert(name.to_string(), build);
    }
    Ok((out, Some(median(shares))))
}

/// The criterion bench `rounds` times, then the median of each round's throughputs and
/// ratios (criterion's own median of each, from `target/criterion`): a round's two sides
/// are timed interleaved, and the rounds spread the comparison over a few minutes of the
/// machine.
fn decode(root: &Path, rounds: usize) -> Result<BTreeMap<String, Decode>> {
    let mut samples: BTreeMap<&str, Vec<Decode>> = BTreeMap::new();
    for round in 1..=rounds {
        println!("bench: decode (criterion), round {round}/{rounds}");
        let status = cargo()
            .args(["bench", "-p", "atlas-admin", "--bench", "decode", "--no-default-features", "--features", "clusters,mongo_db_cloud_users", "--"])
            .args(["--warm-up-time", "1", "--measurement-time", "3"])
            .current_dir(root)
            .status()?;
        if !status.success() {
            bail!("the decode bench failed");
        }
        let criterion = root.join("target/criterion");
        let mb_s = |group: &str, function: &str| -> Result<f64> {
            let dir = criterion.join(group).join(function).join("new");
            let estimates: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("estimates.json"))?)?;
            let benchmark: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("benchmark.json"))?)?;
            let nanos = estimates["median"]["point_estimate"].as_f64().context("no median")?;
            let bytes = benchmark["throughput"]["Bytes"].as_f64().context("no throughput")?;
            Ok(bytes / (nanos / 1e9) / 1e6)
        };
        for page in ["clusters_500", "org_users_500"] {
            let (typed, value) = (mb_s(page, "typed")?, mb_s(page, "value")?);
            println!("bench: decode round {round}/{rounds}: {page}: typed / Value {:.2}", typed / value);
            samples.entry(page).or_default().push(Decode { typed_mb_s: typed, value_mb_s: value, ratio: typed / value, rounds: Vec::new() });
        }
    }
    let mut out = BTreeMap::new();
    for (page, decodes) in samples {
        let of = |f: fn(&Decode) -> f64| median(decodes.iter().map(f).collect());
        let decode = Decode {
            typed_mb_s: of(|d| d.typed_mb_s),
            value_mb_s: of(|d| d.value_mb_s),
            ratio: of(|d| d.ratio),
            rounds: decodes.iter().map(|d| d.ratio).collect(),
        };
        out.insert(page.to_string(), decode);
    }
    Ok(out)
}

fn print(figures: &Figures) {
    println!("\n## Machine\n");
    for (key, value) in &figures.machine {
        println!("- {key}: {value}");
    }
    println!("\n## Generation (median seconds)\n\n| stage | s |\n| --- | --- |");
    for (stage, seconds) in &figures.generation {
        println!("| {stage} | {seconds:.3} |");
    }
    if !figures.builds.is_empty() {
        println!("\n## atlas-admin's own build (dependencies prebuilt; medians)\n\n| build | s | rustc peak MB | each round (s) |\n| --- | --- | --- | --- |");
        for (name, build) in &figures.builds {
            let rounds: Vec<String> = build.rounds.iter().map(|s| format!("{s:.1}")).collect();
            println!("| {name} | {:.1} | {:.0} | {} |", build.seconds, build.peak_mb, rounds.join(", "));
        }
        if let Some(share) = figures.clusters_share {
            println!("\n`clusters` only, debug: {:.1}% of all tags (median of the rounds' shares)", share * 100.0);
        }
    }
    if !figures.decode.is_empty() {
        println!("\n## Decoding (medians)\n\n| page | typed MB/s | Value MB/s | typed / Value | each round |\n| --- | --- | --- | --- | --- |");
        for (page, d) in &figures.decode {
            let rounds: Vec<String> = d.rounds.iter().map(|r| format!("{r:.2}")).collect();
            println!("| {page} | {:.0} | {:.0} | {:.2} | {} |", d.typed_mb_s, d.value_mb_s, d.ratio, rounds.join(", "));
        }
    }
}

fn compare(before: &Figures, after: &Figures, previous: &Path) {
    println!("\n## Against {}\n\n| figure | before | now | change |\n| --- | --- | --- | --- |", previous.display());
    let row = |name: String, a: f64, b: f64| {
        let change = if a > 0.0 { format!("{:+.0}%", (b - a) / a * 100.0) } else { "-".into() };
        println!("| {name} | {a:.3} | {b:.3} | {change} |");
    };
    for (stage, now) in &after.generation {
        if let Some(was) = before.generation.get(stage) {
            row(format!("generate: {stage} (s)"), *was, *now);
        }
    }
    for (name, now) in &after.builds {
        if let Some(was) = before.builds.get(name) {
            row(format!("{name} (s)"), was.seconds, now.seconds);
            row(format!("{name} (peak MB)"), was.peak_mb, now.peak_mb);
        }
    }
    if let (Some(was), Some(now)) = (before.clusters_share, after.clusters_share) {
        row("debug, clusters / all tags (%)".into(), was * 100.0, now * 100.0);
    }
    for (page, now) in &after.decode {
        if let Some(was) = before.decode.get(page) {
            row(format!("decode {page} (typed / Value)"), was.ratio, now.ratio);
        }
    }
}

/// `xtask measure -- CMD...`: runs the command and prints, last on stderr,
/// `measure: <seconds> <peak KB of its largest descendant>`.
pub fn measure(command: &[String]) -> Result<std::process::ExitCode> {
    let Some((program, args)) = command.split_first() else { bail!("measure needs a command") };
    let started = Instant::now();
    let status = Command::new(program).args(args).status()?;
    let seconds = started.elapsed().as_secs_f64();
    // The largest resident set among the waited-for descendants (this process has run only
    // this one command, so it is that command's).
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a `rusage` into the pointer it is given.
    let peak_kb = unsafe {
        if libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) == 0 {
            usage.assume_init().ru_maxrss
        } else {
            0
        }
    };
    eprintln!("measure: {seconds:.3} {peak_kb}");
    Ok(if status.success() { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE })
}

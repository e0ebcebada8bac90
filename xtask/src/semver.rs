//! The second opinion on a release's verdict. The change report judges each spec update on
//! the generator's model (operations, fields, bounds, versions: the HTTP contract and the Rust
//! API together); `cargo-semver-checks` judges the public Rust API alone, from rustdoc. A
//! breaking change it finds that the report calls additive is an error naming both; a
//! breaking change only the report sees is shown with the reason.

use std::path::Path;

use anyhow::{bail, Context, Result};
use generator::diff::Bump;

use crate::changelog::{Changelog, Entry};
use crate::release::{git, CRATES};

/// The cargo-semver-checks this project is checked with (its rustdoc format follows rustc's).
pub const VERSION: &str = "0.51.0";

/// What cargo-semver-checks found, over both crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Lints of the level that needs a major version (a minor one under 0.x) that failed.
    pub breaking: usize,
    /// Lints of the level that needs a minor version (a patch under 0.x) that failed.
    pub additive: usize,
    /// The failed lints, `name: description`, as it printed them.
    pub lints: Vec<String>,
}

impl Found {
    /// Reads cargo-semver-checks' output: one `Summary` line per crate checked, and a
    /// `--- failure <lint>: <description> ---` block per failed lint. `crates` summaries are
    /// expected: fewer means it did not get to judge them (a build failure, say).
    pub fn parse(output: &str, crates: usize) -> Result<Found> {
        let mut found = Found { breaking: 0, additive: 0, lints: Vec::new() };
        let mut summaries = 0;
        for line in output.lines().map(str::trim) {
            if let Some(lint) = line.strip_prefix("--- failure ").and_then(|l| l.strip_suffix(" ---")) {
                // Each crate reports its own: a lint failed in both is named once.
                if !found.lints.iter().any(|l| l == lint) {
                    found.lints.push(lint.to_string());
                }
            } else if let Some(summary) = line.strip_prefix("Summary ") {
                summaries += 1;
                if let Some((major, minor)) = failed_counts(summary) {
                    found.breaking += major;
                    found.additive += minor;
                }
            }
        }
        if summaries < crates {
            bail!("cargo-semver-checks judged {summaries} of {crates} crates; what it said went wrong:\n{}", crate::update::cargo_errors(output.as_bytes()));
        }
        Ok(found)
    }

    pub fn bump(&self) -> Bump {
        if self.breaking > 0 {
            Bump::Minor
        } else if self.additive > 0 {
            Bump::Patch
        } else {
            Bump::None
        }
    }
}

/// `N major and M minor checks failed` in a summary; `None` for `no semver update required`.
fn failed_counts(summary: &str) -> Option<(usize, usize)> {
    let words: Vec<&str> = summary.split_whitespace().collect();
    // `semver requires new major version: 5 major and 0 minor checks failed`: the counts are
    // the numbers before the words, not the first `major`.
    let count_before = |word: &str| words.windows(2).find_map(|w| if w[1] == word { w[0].parse().ok() } else { None });
    Some((count_before("major")?, count_before("minor")?))
}

/// How the two verdicts compare.
#[derive(Debug, PartialEq, Eq)]
pub enum Judgement {
    Agree(String),
    /// The report sees more than the Rust API shows: shown, with the reason.
    Shown(String),
    /// cargo-semver-checks finds a breaking change the report calls additive.
    Error(String),
}

/// The report's verdict (`entries`, the changes since `baseline`) against cargo-semver-checks'.
pub fn judge(baseline: &str, entries: &[&Entry], found: &Found) -> Judgement {
    let report = entries.iter().map(|e| e.bump).max().unwrap_or(Bump::None);
    let headings = if entries.is_empty() { "no entry".to_string() } else { entries.iter().map(|e| e.heading().trim_start_matches('#').trim()).collect::<Vec<_>>().join("; ") };
    let lints = if found.lints.is_empty() { "no lint failed".to_string() } else { found.lints.join("; ") };
    let theirs = found.bump();
    if theirs == Bump::Minor && report < Bump::Minor {
        return Judgement::Error(format!(
            "the second opinion disagrees: cargo-semver-checks finds {} breaking change(s) in the public Rust API since {baseline} \
             ({lints}), but the change report calls the changes since then {} ({}) in: {headings}. Code that compiles against \
             {baseline} may not compile against this release. Find what the report missed (`cargo xtask diff`), then fix the \
             report's rules; nothing was changed",
            found.breaking,
            report.word(),
            report.meaning()
        ));
    }
    if report == Bump::Minor && theirs < Bump::Minor {
        let breaking: Vec<&str> = entries.iter().flat_map(|e| breaking_items(&e.text)).collect();
        let shown = breaking.iter().take(10).map(|b| format!("  {b}")).collect::<Vec<_>>().join("\n");
        let more = breaking.len().saturating_sub(10);
        return Judgement::Shown(format!(
            "note: the report calls the changes since {baseline} breaking; cargo-semver-checks finds no breaking change in the Rust \
             API ({lints}). Why: the report also judges the HTTP contract, and some of its breaking changes (a bound tightened, a \
             pattern or an API version changed) change what a call sends or accepts without changing a signature. Its breaking \
             changes:\n{shown}{}",
            if more > 0 { format!("\n  ... and {more} more") } else { String::new() }
        ));
    }
    if report == Bump::None && theirs == Bump::Patch {
        return Judgement::Shown(format!(
            "note: the report sees no change a user can see since {baseline}; cargo-semver-checks finds additive API changes \
             ({lints}). A release takes a patch version at least, which covers them"
        ));
    }
    Judgement::Agree(format!("second opinion: cargo-semver-checks agrees with the report since {baseline}: {} ({lints})", report.word()))
}

/// Runs `command`, echoing its stderr (cargo-semver-checks' progress: it takes minutes) as it
/// comes; returns its stdout and stderr.
fn run_showing_progress(mut command: std::process::Command) -> Result<String> {
    use std::io::{BufRead, Read};
    command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = command.spawn().context("cannot run cargo")?;
    let stderr = child.stderr.take().context("no stderr")?;
    let echo = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("  {line}");
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut out = String::new();
    child.stdout.take().context("no stdout")?.read_to_string(&mut out)?;
    child.wait()?;
    let err = echo.join().unwrap_or_default();
    Ok(format!("{out}{err}"))
}

/// The `- ...` lines of an entry's Breaking section.
fn breaking_items(entry: &str) -> Vec<&str> {
    let mut inside = false;
    let mut items = Vec::new();
    for line in entry.lines() {
        if line.starts_with('#') {
            inside = line.trim_start_matches('#').trim_start().starts_with("Breaking");
        } else if inside && line.starts_with("- ") {
            items.push(line);
        }
    }
    items
}

/// Compares the crates at `current` (a workspace root) with those of the commit `baseline` of
/// the repository at `root`, and judges the report's verdict on the changes between them
/// (the Unreleased entries `current`'s changelog has that `baseline`'s had not).
pub fn second_opinion(root: &Path, current: &Path, baseline: &str, changelog: &Changelog) -> Result<()> {
    git(root, &["rev-parse", "--verify", "--quiet", &format!("{baseline}^{{commit}}")]).with_context(|| format!("{baseline} is not a commit here"))?;
    let base_changelog = match git(root, &["show", &format!("{baseline}:atlas-admin/CHANGELOG.md")]) {
        Ok(text) => Changelog::parse(&text).with_context(|| format!("atlas-admin/CHANGELOG.md at {baseline}"))?,
        Err(_) => Changelog::default(),
    };
    let entries = changelog.entries_since(&base_changelog);
    let tree = tempfile::Builder::new().prefix("atlas-admin-baseline-").tempdir()?;
    let archive = tree.path().join("baseline.tar");
    git(root, &["archive", "--format=tar", "-o", &archive.display().to_string(), baseline])?;
    let untar = std::process::Command::new("tar").arg("-xf").arg(&archive).current_dir(tree.path()).status().context("cannot run tar")?;
    if !untar.success() {
        bail!("cannot unpack {baseline}'s tree");
    }
    println!("second opinion: cargo-semver-checks {baseline} -> this release (both crates; minutes: it documents both twice)");
    let mut command = crate::cargo();
    command.arg("semver-checks").arg("--manifest-path").arg(current.join("Cargo.toml"));
    for krate in CRATES {
        command.args(["-p", krate]);
    }
    // As a patch release, so that every finding is reported whatever the new version is.
    command.arg("--baseline-root").arg(tree.path()).args(["--release-type", "patch"]);
    let text = run_showing_progress(command)?;
    // Every lint's findings (thousands of lines for a big update): kept, not printed.
    let saved = root.join("target/semver-checks.txt");
    if std::fs::create_dir_all(root.join("target")).and_then(|_| std::fs::write(&saved, &text)).is_ok() {
        println!("second opinion: cargo-semver-checks' whole output is in {}", saved.display());
    }
    if text.contains("no such command") {
        bail!(
            "cargo-semver-checks is not installed: `cargo install --locked cargo-semver-checks@{VERSION}` \
             (or --no-semver-checks to release without the second opinion); nothing was changed"
        );
    }
    let found = Found::parse(&text, CRATES.len()).context("the second opinion could not be had; nothing was changed")?;
    match judge(baseline, &entries, &found) {
        Judgement::Agree(message) | Judgement::Shown(message) => println!("{message}"),
        Judgement::Error(message) => bail!("{message}"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real run on the real crates (the checked-in crate against the spec of 2026-03-03), its
    /// findings shortened: `tests/data/README.md`.
    const BREAKING: &str = include_str!("../tests/data/semver-checks-breaking.txt");
    /// A real run of the crates against themselves.
    const NONE: &str = include_str!("../tests/data/semver-checks-none.txt");

    fn entry(bump: Bump, breaking: &[&str]) -> Entry {
        let items: String = breaking.iter().map(|b| format!("- {b}\n")).collect();
        Entry::new(
            &format!("### Spec of 2026-09-01 (x-xgen-sha 1)\n\nSemver: **{}**.\n\n#### Breaking (1)\n\n{items}\n#### Additive (1)\n\n- model added: `X`\n\n", bump.word()),
            bump,
        )
    }

    #[test]
    fn a_real_run_that_finds_breaking_changes_reads_as_breaking() {
        let found = Found::parse(BREAKING, 2).unwrap();
        assert_eq!((found.breaking, found.additive), (14, 0), "5 in atlas-admin, 9 in the models");
        assert_eq!(found.bump(), Bump::Minor);
        assert!(found.lints.contains(&"inherent_method_missing: pub method removed or renamed".to_string()), "{:?}", found.lints);
        assert_eq!(found.lints.iter().filter(|l| l.starts_with("feature_missing")).count(), 1, "named once though both crates fail it");
        assert!(!found.lints.iter().any(|l| l.starts_with("partial_ord_enum_variants_reordered")), "a warning is not a failure");
    }

    #[test]
    fn a_real_run_that_finds_nothing_reads_as_nothing() {
        let found = Found::parse(NONE, 2).unwrap();
        assert_eq!(found, Found { breaking: 0, additive: 0, lints: Vec::new() });
        assert_eq!(found.bump(), Bump::None);
    }

    #[test]
    fn a_run_that_did_not_judge_every_crate_is_an_error_with_its_last_lines() {
        let cut = &BREAKING[..BREAKING.find("Building atlas-admin-models").unwrap()];
        let error = Found::parse(cut, 2).unwrap_err().to_string();
        assert!(error.contains("judged 1 of 2 crates"), "{error}");
        assert!(error.contains("Finished"), "its last lines are shown: {error}");
        assert!(Found::parse("error: could not compile `atlas-admin`", 2).is_err());
    }

    #[test]
    fn counts_are_read_from_the_summary_whatever_its_verdict_word() {
        assert_eq!(failed_counts("semver requires new major version: 5 major and 0 minor checks failed"), Some((5, 0)));
        assert_eq!(failed_counts("semver requires new minor version: 0 major and 3 minor checks failed"), Some((0, 3)));
        assert_eq!(failed_counts("no semver update required"), None);
        let additive = Found { breaking: 0, additive: 3, lints: vec![] };
        assert_eq!(additive.bump(), Bump::Patch);
    }

    #[test]
    fn a_breaking_change_the_report_calls_additive_is_an_error_naming_both() {
        let found = Found::parse(BREAKING, 2).unwrap();
        for bump in [Bump::Patch, Bump::None] {
            let entries = [entry(bump, &[])];
            let Judgement::Error(message) = judge("v0.1.0", &entries.iter().collect::<Vec<_>>(), &found) else { panic!("{bump:?} passed") };
            for text in ["since v0.1.0", "inherent_method_missing", bump.word(), "Spec of 2026-09-01", "nothing was changed"] {
                assert!(message.contains(text), "{text:?} is not in: {message}");
            }
        }
        let none: Vec<&Entry> = Vec::new();
        assert!(matches!(judge("v0.1.0", &none, &found), Judgement::Error(m) if m.contains("no entry")));
    }

    #[test]
    fn breaking_changes_only_the_report_sees_are_shown_with_the_reason_and_the_changes() {
        let nothing = Found::parse(NONE, 2).unwrap();
        let items: Vec<String> = (0..12).map(|i| format!("constraint tightened: `models::X.f{i}`")).collect();
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        let entries = [entry(Bump::Minor, &items)];
        let Judgement::Shown(message) = judge("v0.1.0", &entries.iter().collect::<Vec<_>>(), &nothing) else { panic!("not shown") };
        assert!(message.contains("without changing a signature"), "{message}");
        assert!(message.contains("- constraint tightened: `models::X.f9`") && !message.contains("f10`"), "ten are listed: {message}");
        assert!(message.contains("and 2 more"), "{message}");
        assert!(!message.contains("model added"), "only the breaking changes: {message}");
    }

    #[test]
    fn agreeing_verdicts_and_additions_the_report_does_not_see() {
        let breaking = Found::parse(BREAKING, 2).unwrap();
        let entries = [entry(Bump::Minor, &[])];
        assert!(matches!(judge("v0.1.0", &entries.iter().collect::<Vec<_>>(), &breaking), Judgement::Agree(m) if m.contains("agrees") && m.contains("minor")));
        let additive = Found { breaking: 0, additive: 2, lints: vec!["trait_method_added: x".into()] };
        let entries = [entry(Bump::None, &[])];
        assert!(matches!(judge("v0.1.0", &entries.iter().collect::<Vec<_>>(), &additive), Judgement::Shown(m) if m.contains("trait_method_added")));
        let entries = [entry(Bump::Patch, &[])];
        assert!(matches!(judge("v0.1.0", &entries.iter().collect::<Vec<_>>(), &additive), Judgement::Agree(_)));
    }
}

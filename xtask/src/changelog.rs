//! `atlas-admin/CHANGELOG.md`, read and written as data: each spec update's report goes under
//! `## Unreleased`, newest first; that section's heading carries the strongest bump of its
//! entries and the version it leads to; a release turns it into `## <version> (<date>)`.
//! Released sections are kept as they were written.

use anyhow::{bail, Result};
use generator::diff::{self, Bump};

/// The top of a new changelog.
pub const INTRO: &str = "# Changelog\n\n\
What each release of `atlas-admin` and `atlas-admin-models` (released together, at one version)\n\
changed for their users. Each spec update (`cargo xtask spec update`) adds its report under\n\
Unreleased, newest first, and that heading says what the next release will be; `cargo xtask release`\n\
turns Unreleased into the release's version. A version says what changed in the crate's Rust API,\n\
not which Atlas spec it was generated from: each entry names its spec's date.\n\n";

const UNRELEASED: &str = "## Unreleased";
/// The line of a report that gives its bump (`Semver: **minor (...)**`).
const SEMVER: &str = "Semver: **";

/// One spec update's report under Unreleased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub bump: Bump,
    /// The whole entry, heading included, ending in one blank line.
    pub text: String,
}

impl Entry {
    pub fn new(text: &str, bump: Bump) -> Entry {
        Entry { bump, text: format!("{}\n\n", text.trim_end()) }
    }

    /// Its heading line, `### Spec of <date> (x-xgen-sha <sha>)`: what identifies it.
    pub fn heading(&self) -> &str {
        self.text.lines().next().unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changelog {
    /// Everything above the first section.
    intro: String,
    /// Newest first.
    pub unreleased: Vec<Entry>,
    /// The released sections, verbatim.
    released: String,
}

impl Default for Changelog {
    fn default() -> Self {
        Changelog { intro: INTRO.to_string(), unreleased: Vec::new(), released: String::new() }
    }
}

impl Changelog {
    /// The changelog at `path`; an empty one when there is no file yet.
    pub fn read(path: &std::path::Path) -> Result<Changelog> {
        match std::fs::read_to_string(path) {
            Ok(text) => Changelog::parse(&text).map_err(|e| e.context(format!("{}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Changelog::default()),
            Err(e) => Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
        }
    }

    pub fn parse(text: &str) -> Result<Changelog> {
        if text.trim().is_empty() {
            return Ok(Changelog::default());
        }
        // Sections start at level-2 headings; Unreleased, if there, is the first.
        let starts: Vec<usize> = line_starts(text).filter(|&i| text[i..].starts_with("## ")).collect();
        let Some(&first) = starts.first() else {
            return Ok(Changelog { intro: text.to_string(), ..Changelog::default() });
        };
        let intro = text[..first].to_string();
        if let Some(later) = starts.iter().skip(1).find(|&&i| is_unreleased(&text[i..])) {
            bail!("`## Unreleased` must be the first section, but it is at line {}", line_number(text, *later));
        }
        if !is_unreleased(&text[first..]) {
            return Ok(Changelog { intro, unreleased: Vec::new(), released: text[first..].to_string() });
        }
        let end = starts.get(1).copied().unwrap_or(text.len());
        let section = &text[first..end];
        let body_start = section.find('\n').map_or(section.len(), |i| i + 1);
        let body = &section[body_start..];
        let entry_starts: Vec<usize> = line_starts(body).filter(|&i| body[i..].starts_with("### ")).collect();
        let before_entries = &body[..entry_starts.first().copied().unwrap_or(body.len())];
        if !before_entries.trim().is_empty() {
            bail!("line {}: text under `## Unreleased` that is not in an entry (entries are `### ` headings)", line_number(text, first) + 1);
        }
        let mut unreleased = Vec::new();
        for (n, &start) in entry_starts.iter().enumerate() {
            let stop = entry_starts.get(n + 1).copied().unwrap_or(body.len());
            let entry = &body[start..stop];
            let Some(bump) = entry_bump(entry) else {
                let heading = entry.lines().next().unwrap_or_default();
                bail!(
                    "the entry `{heading}` (line {}) under `## Unreleased` has no `{SEMVER}none|patch|minor ...**` line: \
                     its bump cannot be read (was it edited by hand?)",
                    line_number(text, first + body_start + start)
                );
            };
            unreleased.push(Entry::new(entry, bump));
        }
        Ok(Changelog { intro, unreleased, released: text[end..].to_string() })
    }

    /// Adds a spec update's report (its heading a level-3 one) as the newest entry.
    pub fn add(&mut self, report: &str, bump: Bump) {
        self.unreleased.insert(0, Entry::new(report, bump));
    }

    /// The strongest bump of the unreleased entries; `None` when nothing is unreleased.
    pub fn pending(&self) -> Option<Bump> {
        self.unreleased.iter().map(|e| e.bump).max()
    }

    /// The entries here that `base` did not have unreleased (by heading): what changed since.
    pub fn entries_since<'a>(&'a self, base: &Changelog) -> Vec<&'a Entry> {
        self.unreleased.iter().filter(|e| !base.unreleased.iter().any(|b| b.heading() == e.heading())).collect()
    }

    /// The changelog as text, for crates now at `current`.
    pub fn render(&self, current: &str) -> String {
        let mut text = self.intro.clone();
        if let Some(bump) = self.pending() {
            text.push_str(&unreleased_heading(current, bump));
            text.push_str("\n\n");
            for entry in &self.unreleased {
                text.push_str(&entry.text);
            }
        }
        text.push_str(&self.released);
        text
    }

    /// Unreleased becomes the section of `version`, released on `date`.
    pub fn release(&mut self, version: &str, date: &str) {
        let mut section = format!("## {version} ({date})\n\n");
        for entry in self.unreleased.drain(..) {
            section.push_str(&entry.text);
        }
        self.released = format!("{section}{}", self.released);
    }
}

/// The entry `generate --api-version` adds when it moves the pinned API date: the plain methods
/// send other versions, with other models.
pub fn api_date_entry(old: &str, new: &str) -> String {
    format!(
        "### API date {old} -> {new}\n\n{SEMVER}{} ({})**.\n\nEach operation's plain method now sends its newest version not after \
         {new} (it sent the newest not after {old}): every operation with a version between the two dates sends and \
         returns that version's models. The methods of the other versions (`_vYYYY_MM_DD`) are unchanged.\n",
        Bump::Minor.word(),
        Bump::Minor.meaning()
    )
}

/// The version a release of `pending` changes takes from `current`. A release always takes a
/// new version (crates.io never takes one twice), so changes no user can see make a patch.
pub fn next_version(current: &str, pending: Bump) -> String {
    diff::next_version(current, pending.max(Bump::Patch))
}

/// `## Unreleased: 0.1.0 -> 0.2.0 (minor: breaking changes; 0.x rules)`.
pub fn unreleased_heading(current: &str, pending: Bump) -> String {
    format!("{UNRELEASED}: {current} -> {} ({}: {})", next_version(current, pending), pending.word(), pending.meaning())
}

fn is_unreleased(section: &str) -> bool {
    section.strip_prefix(UNRELEASED).is_some_and(|rest| rest.starts_with([':', '\n', ' ']) || rest.is_empty())
}

/// The bump an entry's `Semver: **<word> ...` line names.
fn entry_bump(entry: &str) -> Option<Bump> {
    let line = entry.lines().find_map(|l| l.strip_prefix(SEMVER))?;
    let word: String = line.chars().take_while(char::is_ascii_alphabetic).collect();
    Bump::from_word(&word)
}

fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).filter(move |&i| i < text.len())
}

fn line_number(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(date: &str, bump: Bump) -> String {
        format!("### Spec of {date} (x-xgen-sha abc)\n\nSemver: **{} ({})**.\n\n#### Breaking (1)\n\n- operation removed: `x`\n\n", bump.word(), bump.meaning())
    }

    #[test]
    fn entries_accumulate_newest_first_under_the_strongest_bump() {
        let mut log = Changelog::default();
        assert_eq!(log.pending(), None);
        assert_eq!(log.render("0.1.0"), INTRO, "an empty changelog has no Unreleased section");
        log.add(&report("2026-10-01", Bump::Minor), Bump::Minor);
        log.add(&report("2026-11-01", Bump::Patch), Bump::Patch);
        assert_eq!(log.pending(), Some(Bump::Minor), "the strongest, not the newest");
        let text = log.render("0.1.0");
        assert!(text.starts_with(INTRO), "{text}");
        assert!(text.contains("\n## Unreleased: 0.1.0 -> 0.2.0 (minor: breaking changes; 0.x rules)\n\n### Spec of 2026-11-01"), "{text}");
        let (newer, older) = (text.find("Spec of 2026-11-01").unwrap(), text.find("Spec of 2026-10-01").unwrap());
        assert!(newer < older, "newest first:\n{text}");
        assert_eq!(Changelog::parse(&text).unwrap(), log, "what is written reads back the same");
    }

    #[test]
    fn the_heading_follows_the_crate_version_and_the_bump() {
        assert_eq!(unreleased_heading("0.3.4", Bump::Patch), "## Unreleased: 0.3.4 -> 0.3.5 (patch: additive changes only)");
        assert_eq!(unreleased_heading("0.3.4", Bump::Minor), "## Unreleased: 0.3.4 -> 0.4.0 (minor: breaking changes; 0.x rules)");
        // A release takes a new version even when no user can see the change.
        assert_eq!(unreleased_heading("0.3.4", Bump::None), "## Unreleased: 0.3.4 -> 0.3.5 (none: no change a user can see)");
        assert_eq!(next_version("1.2.3", Bump::Minor), "2.0.0", "breaking changes past 1.0 take a major version");
    }

    #[test]
    fn a_release_turns_unreleased_into_its_version_above_the_older_releases() {
        let mut log = Changelog::default();
        log.add(&report("2026-10-01", Bump::Patch), Bump::Patch);
        log.release("0.1.1", "2026-10-02");
        log.add(&report("2026-11-01", Bump::Minor), Bump::Minor);
        let text = log.render("0.1.1");
        assert!(text.contains("## Unreleased: 0.1.1 -> 0.2.0"), "{text}");
        let mut read = Changelog::parse(&text).unwrap();
        assert_eq!(read.unreleased.len(), 1, "the released entry is not unreleased again:\n{text}");
        read.release("0.2.0", "2026-11-02");
        let text = read.render("0.2.0");
        assert!(!text.contains("## Unreleased"), "{text}");
        let order: Vec<usize> = ["## 0.2.0 (2026-11-02)", "Spec of 2026-11-01", "## 0.1.1 (2026-10-02)", "Spec of 2026-10-01"]
            .iter()
            .map(|s| text.find(s).unwrap_or_else(|| panic!("{s} is missing:\n{text}")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert_eq!(Changelog::parse(&text).unwrap().pending(), None);
    }

    #[test]
    fn entries_since_a_base_are_those_it_did_not_have() {
        let mut base = Changelog::default();
        base.add(&report("2026-10-01", Bump::Minor), Bump::Minor);
        let mut head = base.clone();
        head.add(&report("2026-11-01", Bump::Patch), Bump::Patch);
        let since: Vec<&str> = head.entries_since(&base).iter().map(|e| e.heading()).collect();
        assert_eq!(since, ["### Spec of 2026-11-01 (x-xgen-sha abc)"]);
        assert_eq!(head.entries_since(&Changelog::default()).len(), 2);
    }

    #[test]
    fn moving_the_api_date_is_a_breaking_entry() {
        let mut log = Changelog::default();
        log.add(&report("2026-10-01", Bump::Patch), Bump::Patch);
        log.add(&api_date_entry("2024-08-05", "2025-03-12"), Bump::Minor);
        let read = Changelog::parse(&log.render("0.1.0")).unwrap();
        assert_eq!(read.unreleased[0].heading(), "### API date 2024-08-05 -> 2025-03-12");
        assert_eq!(read.pending(), Some(Bump::Minor), "its own Semver line reads back as breaking");
    }

    #[test]
    fn a_changelog_whose_bumps_cannot_be_read_is_refused_naming_the_entry() {
        let text = format!("{INTRO}## Unreleased: 0.1.0 -> 0.1.1\n\n### Spec of 2026-10-01\n\nSemver: **big**.\n");
        let error = Changelog::parse(&text).unwrap_err().to_string();
        assert!(error.contains("`### Spec of 2026-10-01` (line 11)"), "{error}");
        let stray = format!("{INTRO}## Unreleased\n\nsome note\n\n{}", report("2026-10-01", Bump::Patch));
        assert!(Changelog::parse(&stray).unwrap_err().to_string().contains("not in an entry"));
        let late = format!("{INTRO}## 0.1.0 (2026-01-01)\n\n## Unreleased\n\n");
        assert!(Changelog::parse(&late).unwrap_err().to_string().contains("must be the first section"));
    }

    #[test]
    fn released_sections_and_a_hand_written_intro_are_kept_verbatim() {
        let text = "# Changes\n\nOurs.\n\n## 0.1.0 (2026-01-01)\n\nFirst release, written by hand.\n### Spec of 2026-01-01\n";
        let mut log = Changelog::parse(text).unwrap();
        assert_eq!(log.render("0.1.0"), text);
        log.add(&report("2026-02-01", Bump::None), Bump::None);
        let written = log.render("0.1.0");
        assert!(written.starts_with("# Changes\n\nOurs.\n\n## Unreleased: 0.1.0 -> 0.1.1"), "{written}");
        assert!(written.ends_with("## 0.1.0 (2026-01-01)\n\nFirst release, written by hand.\n### Spec of 2026-01-01\n"), "{written}");
    }
}

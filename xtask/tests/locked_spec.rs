//! The locked spec found on a machine that has no copy of it: downloaded from the lock's
//! `source`, verified against its sha256 and cached; every way a download can go wrong
//! refused with the URL named and nothing written; `spec update` pinning a GitHub branch to
//! its commit. A loopback server stands in for GitHub (`$ATLAS_GITHUB_RAW`,
//! `$ATLAS_GITHUB_API`).

mod support;

use support::*;

fn locked_bytes() -> Vec<u8> {
    std::fs::read(locked_spec()).unwrap()
}

fn cache_entries(root: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(root.join("target/atlas-spec")) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn check_downloads_the_locked_spec_verifies_and_caches_it_then_needs_no_network() {
    let dir = scratch();
    let lock = lock(dir.path());
    let stand = StandIn::start();
    stand.route(&raw_path(&lock.source), Route::Body(locked_bytes()));

    let output = xtask(dir.path(), &["check"], &stand.env());
    assert!(output.status.success(), "{}\n{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
    assert!(stderr(&output).contains(&format!("downloading {}", lock.source)), "no progress line: {}", stderr(&output));
    let cached = dir.path().join(format!("target/atlas-spec/{}.yaml", lock.sha256));
    assert_eq!(generator::parse::sha256_hex(&std::fs::read(&cached).unwrap()), lock.sha256);
    assert_eq!(stand.requested().len(), 1);

    // The cache serves the next run: GitHub's place is now a closed port.
    let closed = vec![("ATLAS_GITHUB_RAW", "http://127.0.0.1:9".to_string())];
    let output = xtask(dir.path(), &["check"], &closed);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("downloading"), "{}", stderr(&output));

    // A cache entry that does not hash to its name is ignored and replaced.
    std::fs::write(&cached, b"openapi: 3.0.1\n# torn\n").unwrap();
    let output = xtask(dir.path(), &["check"], &stand.env());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("does not hash to its name"), "{}", stderr(&output));
    assert_eq!(generator::parse::sha256_hex(&std::fs::read(&cached).unwrap()), lock.sha256, "the entry is replaced");
    assert_eq!(stand.requested().len(), 2);
}

/// `check` on a fresh machine whose download of the locked spec goes wrong: it fails naming
/// the URL and `expected`, and writes nothing, not even to the cache.
fn refused(route: Route, expected: &[&str], env: &[(&str, String)]) {
    let dir = scratch();
    let lock = lock(dir.path());
    let before = snapshot(dir.path());
    let stand = StandIn::start();
    stand.route(&raw_path(&lock.source), route);
    let mut env = env.to_vec();
    env.extend(stand.env());
    let started = std::time::Instant::now();
    let output = xtask(dir.path(), &["check"], &env);
    let message = stderr(&output);
    assert!(!output.status.success(), "check succeeded: {message}");
    for text in expected.iter().copied().chain([lock.source.as_str()]) {
        assert!(message.contains(text), "the message does not say {text:?}:\n{message}");
    }
    assert!(!message.contains("panicked"), "{message}");
    assert!(cache_entries(dir.path()).is_empty(), "the cache was written: {:?}", cache_entries(dir.path()));
    assert_unchanged(&before, dir.path());
    assert!(started.elapsed().as_secs() < 25, "a refusal took {:?}", started.elapsed());
}

#[test]
fn a_download_that_is_not_the_locked_spec_names_both_hashes_and_writes_nothing() {
    let mut other = locked_bytes();
    other.extend_from_slice(b"\n# the branch moved on\n");
    let found = generator::parse::sha256_hex(&other);
    let expected = lock(&workspace()).sha256;
    refused(Route::Body(other), &[&format!("has sha256 {found}"), &format!("locks sha256 {expected}"), "cargo xtask spec update"], &[]);
}

#[test]
fn an_html_page_a_missing_file_a_stall_and_an_oversized_answer_are_refused_naming_the_url() {
    refused(Route::Body(b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec()), &["HTML page"], &[]);
    refused(Route::Status("404 Not Found", b"404: Not Found".to_vec()), &["HTTP 404"], &[]);
    refused(Route::Stall { announce: 4_000_000, sent: b"openapi: 3.0.1\n".to_vec() }, &["timed out"], &[("ATLAS_DOWNLOAD_TIMEOUT", "1".into())]);
    refused(Route::Stall { announce: 300_000_000, sent: Vec::new() }, &["over the", "limit"], &[]);
}

fn edited_locked_spec() -> Vec<u8> {
    support::edited_spec(|document| {
        document["info"]["x-xgen-sha"] = serde_json::Value::String("0000000000000000000000000000000000000001".into());
        support::without_access_list(document);
    })
}

const COMMIT: &str = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

/// The scratch workspace with the locked spec in its cache, as after a first `generate`.
fn scratch_with_cache() -> tempfile::TempDir {
    let dir = scratch();
    generator::store::store(&dir.path().join("target/atlas-spec"), &locked_bytes()).unwrap();
    dir
}

#[test]
fn spec_update_pins_the_branch_to_its_commit_and_check_is_clean_after_it() {
    let dir = scratch_with_cache();
    let old = lock(dir.path());
    let branch = generator::store::GithubRaw::parse(&old.source).expect("the lock names a GitHub raw URL");
    let pinned = generator::store::GithubRaw { reference: COMMIT.into(), ..branch.clone() }.url();
    let new = edited_locked_spec();
    let stand = StandIn::start();
    stand.route(&format!("/api/repos/{}/{}/commits/{}", branch.owner, branch.repo, branch.reference), Route::Body(format!("{{\"sha\": \"{COMMIT}\", \"commit\": {{}}}}").into_bytes()));
    stand.route(&raw_path(&pinned), Route::Body(new.clone()));

    // No --from: the lock's source, the branch.
    let output = xtask(dir.path(), &["spec", "update", "--date", "2026-12-01", "--no-check"], &stand.env());
    assert!(output.status.success(), "{}\n{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
    let now = lock(dir.path());
    assert_eq!(now.source, pinned, "the lock names the commit's file");
    assert_eq!(now.sha256, generator::parse::sha256_hex(&new));
    assert_eq!(
        stand.requested(),
        vec![format!("/api/repos/{}/{}/commits/{}", branch.owner, branch.repo, branch.reference), raw_path(&pinned)],
        "the commit is looked up, then its file (not the branch's) is taken"
    );

    // What the update wrote is what generate makes: check is clean, from the cache.
    let output = xtask(dir.path(), &["check"], &[("ATLAS_GITHUB_RAW", "http://127.0.0.1:9".to_string())]);
    assert!(output.status.success(), "check drifted right after the update:\n{}", String::from_utf8_lossy(&output.stdout));
}

/// `spec update --from url` that fails at GitHub: the message names `expected`, nothing changes.
fn update_refused(from: &str, api: (&str, Route), expected: &[&str]) {
    let dir = scratch_with_cache();
    let before = snapshot(dir.path());
    let stand = StandIn::start();
    stand.route(api.0, api.1);
    let output = xtask(dir.path(), &["spec", "update", "--from", from, "--no-check"], &stand.env());
    let message = stderr(&output);
    assert!(!output.status.success(), "the update succeeded: {message}");
    for text in expected {
        assert!(message.contains(text), "the message does not say {text:?}:\n{message}");
    }
    assert_unchanged(&before, dir.path());
}

#[test]
fn an_unknown_branch_and_a_github_api_error_are_named_and_change_nothing() {
    let from = "https://raw.githubusercontent.com/mongodb/openapi/no-such-branch/openapi/atlas-api.yaml";
    let api = "/api/repos/mongodb/openapi/commits/no-such-branch";
    update_refused(
        from,
        (api, Route::Status("422 Unprocessable Entity", br#"{"message": "No commit found for SHA: no-such-branch"}"#.to_vec())),
        &["no branch \"no-such-branch\"", "mongodb/openapi", "https://api.github.com/repos/mongodb/openapi/commits/no-such-branch"],
    );
    update_refused(
        from,
        (api, Route::Status("503 Service Unavailable", b"{\"message\": \"try later\"}".to_vec())),
        &["HTTP 503", "try later", "https://api.github.com/repos/mongodb/openapi/commits/no-such-branch"],
    );
    update_refused(from, (api, Route::Body(b"{\"message\": \"moved\"}".to_vec())), &["no commit `sha`"]);
}

/// The branch still serves the locked spec: the update writes no entry and regenerates
/// nothing; the lock only learns the commit that serves its bytes for good.
#[test]
fn an_update_to_the_locked_spec_only_pins_its_source() {
    let dir = scratch_with_cache();
    let old = lock(dir.path());
    let branch = generator::store::GithubRaw::parse(&old.source).expect("the lock names a GitHub raw URL");
    let pinned = generator::store::GithubRaw { reference: COMMIT.into(), ..branch.clone() }.url();
    let stand = StandIn::start();
    stand.route(&format!("/api/repos/{}/{}/commits/{}", branch.owner, branch.repo, branch.reference), Route::Body(format!("{{\"sha\": \"{COMMIT}\"}}").into_bytes()));
    stand.route(&raw_path(&pinned), Route::Body(locked_bytes()));
    let before = snapshot(dir.path());

    let output = xtask(dir.path(), &["spec", "update"], &stand.env());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("serves the locked spec"));
    assert_eq!(lock(dir.path()), generator::lock::SpecLock { source: pinned.clone(), ..old }, "only the source changes");
    let after = snapshot(dir.path());
    let changed: Vec<_> = after.iter().filter(|(path, bytes)| before.get(*path) != Some(*bytes)).map(|(p, _)| p.clone()).collect();
    assert_eq!(changed, vec![std::path::PathBuf::from("spec/lock.toml")]);

    // Once pinned, the next run looks nothing up: the source is a commit.
    let output = xtask(dir.path(), &["spec", "update"], &stand.env());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("nothing to update"));
    assert_eq!(stand.requested().iter().filter(|p| p.starts_with("/api/")).count(), 1, "{:?}", stand.requested());
}

/// A lock written before updates pinned their commit: `spec pin` finds, among the file's
/// commits near the spec's date, the one that serves the locked bytes, and records it.
#[test]
fn spec_pin_finds_the_commit_that_serves_the_locked_spec() {
    let dir = scratch();
    let old = lock(dir.path());
    let branch = generator::store::GithubRaw::parse(&old.source).expect("the lock names a GitHub raw URL");
    let at = |sha: &str| generator::store::GithubRaw { reference: sha.into(), ..branch.clone() }.url();
    let (newer, locked, older) = ("c".repeat(40), "b".repeat(40), "a".repeat(40));
    let stand = StandIn::start();
    let commits = format!("/api/repos/{}/{}/commits", branch.owner, branch.repo);
    stand.route(&commits, Route::Body(format!(r#"[{{"sha": "{newer}"}}, {{"sha": "{locked}"}}, {{"sha": "{older}"}}]"#).into_bytes()));
    stand.route(&raw_path(&at(&newer)), Route::Body(edited_locked_spec()));
    stand.route(&raw_path(&at(&locked)), Route::Body(locked_bytes()));
    let output = xtask(dir.path(), &["spec", "pin", "--days", "3"], &stand.env());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(lock(dir.path()), generator::lock::SpecLock { source: at(&locked), ..old.clone() }, "only the source changes");
    let requested = stand.requested();
    assert_eq!(requested[1..], [raw_path(&at(&newer)), raw_path(&at(&locked))], "newest first, and no further than the match");
    let date = |d: &str| format!("{d}T");
    let (since, until) = (date("2026-08-18"), date("2026-08-24"));
    assert!(requested[0].starts_with(&format!("{commits}?sha={}&path={}", branch.reference, branch.path)), "{}", requested[0]);
    assert!(requested[0].contains(&since) && requested[0].contains(&until), "not 3 days around {}: {}", old.spec_date, requested[0]);

    // Pinned: nothing left to look up.
    let output = xtask(dir.path(), &["spec", "pin"], &stand.env());
    assert!(String::from_utf8_lossy(&output.stdout).contains("already names a commit"));

    // No commit serves the locked bytes: refused, nothing changed.
    let dir = scratch();
    let before = snapshot(dir.path());
    let stand = StandIn::start();
    stand.route(&commits, Route::Body(format!(r#"[{{"sha": "{newer}"}}]"#).into_bytes()));
    stand.route(&raw_path(&at(&newer)), Route::Body(edited_locked_spec()));
    let output = xtask(dir.path(), &["spec", "pin"], &stand.env());
    assert!(!output.status.success());
    assert!(stderr(&output).contains("none of the 1 commits") && stderr(&output).contains(&old.sha256), "{}", stderr(&output));
    assert_unchanged(&before, dir.path());
}

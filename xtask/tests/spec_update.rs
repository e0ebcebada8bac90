//! `cargo xtask spec update` run as a maintainer runs it, on a scratch copy of the workspace
//! (`XTASK_ROOT`): from bad files and a loopback server it fails with a message naming the
//! source and changes nothing; from a good spec it writes the lock, the crate, the registry
//! and the changelog together.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

use support::{edited_spec, locked_spec, scratch, snapshot, workspace};

fn spec_update(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec", "update"])
        .args(args)
        .env("XTASK_ROOT", root)
        .env("ATLAS_SPEC", locked_spec())
        .output()
        .unwrap()
}

/// `spec update --from source` fails, says `expected`, and changes no file.
fn refused(source_file: Option<(&str, &[u8])>, url: Option<String>, expected: &[&str]) {
    let dir = scratch();
    let before = snapshot(dir.path());
    let source = match (source_file, url) {
        (Some((name, bytes)), _) => {
            let path = dir.path().join("target").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            path.display().to_string()
        }
        (None, Some(url)) => url,
        (None, None) => unreachable!(),
    };
    let output = spec_update(dir.path(), &["--from", &source, "--no-check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "spec update from {source} succeeded:\n{stderr}");
    for text in expected.iter().chain(std::iter::once(&source.as_str())) {
        assert!(stderr.contains(text), "the message does not say {text:?}:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    support::assert_unchanged(&before, dir.path());
}

#[test]
fn an_empty_file_changes_nothing() {
    refused(Some(("atlas-api-2026-09-01.yaml", b"\n  \n")), None, &["is empty"]);
}

#[test]
fn a_corrupt_file_changes_nothing() {
    refused(Some(("atlas-api-2026-09-01.yaml", b"openapi: 3.0.1\ninfo: {title: [unclosed\n\x00\xff")), None, &["not an Atlas Admin API spec"]);
}

#[test]
fn a_file_that_is_not_the_atlas_spec_changes_nothing() {
    let petstore = b"openapi: 3.0.1\ninfo: {title: Swagger Petstore, version: 1.0.0}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses: {'200': {description: ok}}\n";
    refused(Some(("petstore.yaml", petstore)), None, &["Swagger Petstore", "not the MongoDB Atlas Administration API"]);
}

#[test]
fn a_truncated_spec_changes_nothing() {
    let spec = std::fs::read(locked_spec()).unwrap();
    // Cut mid-line half way (in the schemas, before `openapi`), and in the paths: what is
    // left parses as YAML either way.
    refused(Some(("atlas-api-2026-09-01.yaml", &spec[..spec.len() / 2])), None, &["truncated"]);
    let paths = spec.windows(7).position(|w| w == b"\npaths:").unwrap();
    let in_paths = paths + (spec.len() - paths) / 2;
    refused(Some(("atlas-api-2026-09-01.yaml", &spec[..in_paths])), None, &["truncated"]);
}

#[test]
fn a_spec_one_of_whose_fixes_is_stale_changes_nothing_and_names_the_fix() {
    // Atlas fixes the double-escaped oplogTs pattern that fix #1 corrects.
    let spec = edited_spec(|doc| {
        let pattern = doc.pointer_mut("/components/schemas/BackupRestoreJob/properties/oplogTs/pattern").unwrap();
        *pattern = serde_json::Value::String(pattern.as_str().unwrap().replace("\\\\", "\\"));
    });
    refused(
        Some(("atlas-api-2026-09-01.json", &spec)),
        None,
        &["#1", "oplogTs", "/components/schemas/BackupRestoreJob/properties/oplogTs/pattern", "drop the fix"],
    );
}

/// A loopback server answering every request with `status` and `body`; returns a spec URL
/// on it. (It lives as long as the test process: the stand-in's thread is detached.)
fn serve(status: &'static str, body: Vec<u8>) -> String {
    let stand = support::StandIn::start();
    stand.route("*", support::Route::Status(status, body));
    format!("{}/openapi/atlas-api.yaml", stand.base)
}

#[test]
fn a_failed_download_changes_nothing() {
    refused(None, Some(serve("404 Not Found", b"no such spec".to_vec())), &["HTTP 404"]);
}

#[test]
fn a_download_that_is_not_a_spec_changes_nothing() {
    refused(None, Some(serve("200 OK", b"<html>rate limited</html>".to_vec())), &["cannot download", "HTML page"]);
    refused(None, Some(serve("200 OK", b"{\"message\": \"rate limited\"}".to_vec())), &["no `openapi` version", "not an OpenAPI document"]);
}

/// The whole update from a loopback URL: an operation removed upstream is reported, the
/// lock names the new spec, and the crate loses the method.
#[test]
fn an_update_from_a_url_writes_lock_crate_registry_and_changelog_together() {
    let dir = scratch();
    let spec = edited_spec(support::without_access_list);
    let sha = generator::parse::sha256_hex(&spec);
    let url = serve("200 OK", spec);
    let output = spec_update(dir.path(), &["--from", &url, "--date", "2026-09-01", "--no-check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&output.stderr));

    let lock = std::fs::read_to_string(dir.path().join("spec/lock.toml")).unwrap();
    assert!(lock.contains(&format!("sha256 = \"{sha}\"")), "{lock}");
    assert!(lock.contains("spec_date = \"2026-09-01\""), "{lock}");
    assert!(lock.contains(&format!("source = \"{url}\"")), "{lock}");
    // The pinned API date stays pinned.
    assert!(lock.contains("api_version = \"2025-03-12\""), "{lock}");

    let changelog = std::fs::read_to_string(dir.path().join("atlas-admin/CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog"), "{changelog}");
    for id in ["listGroupAccessListEntries", "createGroupAccessListEntry"] {
        assert!(changelog.contains(id), "the changelog does not name {id}:\n{changelog}");
        assert!(stdout.contains(id), "the report does not name {id}");
    }
    assert!(changelog.contains("Spec of 2026-09-01"), "{changelog}");

    let module = std::fs::read_to_string(dir.path().join("atlas-admin/src/apis/project_ip_access_list.rs")).unwrap();
    assert!(!module.contains("pub fn list_access_list_entries("), "the removed operation is still generated");
    assert!(module.contains("pub fn get_access_list_entry("), "an operation still in the spec is gone");
    let names = std::fs::read_to_string(dir.path().join("spec/names.toml")).unwrap();
    assert!(!names.contains("[operations.listGroupAccessListEntries]"), "the registry still names the removed operation");
    assert!(names.contains("[operations.getGroupAccessListEntry]"));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("local path"), "a URL is not warned about as a local path");

    // The fixed point: `generate` from the lock and registry the update wrote makes what it
    // wrote (the same fixes, spec date, API date and names), so `check` is clean after it.
    let before = snapshot(dir.path());
    let generated = support::xtask(dir.path(), &["generate"], &[]);
    let said = String::from_utf8_lossy(&generated.stdout);
    assert!(generated.status.success(), "{}", support::stderr(&generated));
    assert!(said.contains("atlas-admin: 0 files written") && said.contains(" 0 removed"), "generate after the update changed the crate:\n{said}");
    support::assert_unchanged(&before, dir.path());
}

/// The older real specs, or `None` (the test says it is skipped) where this machine has
/// none and `$ATLAS_REQUIRE_HISTORY` is unset; with it set (CI here), their absence fails.
fn history(test: &str) -> Option<Vec<(String, PathBuf)>> {
    let found = generator::store::history_specs(&workspace()).unwrap_or_else(|e| panic!("{e}"));
    if found.is_none() {
        assert!(std::env::var_os("ATLAS_REQUIRE_HISTORY").is_none(), "ATLAS_REQUIRE_HISTORY is set, but no older specs were found");
        eprintln!("{test}: SKIPPED: no older real specs here (set ATLAS_SPEC_HISTORY to a directory of them)");
    }
    found
}

/// A machine whose cargo cache lacks the crate's dependencies, and whose registry cannot be
/// reached (a loopback registry answering 503): the update's compile step says it could not
/// download them, naming what, and does not blame the spec. Nothing changes.
#[test]
fn on_a_cold_machine_a_failed_dependency_download_is_reported_as_one_and_changes_nothing() {
    let dir = scratch();
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(workspace().join(file), dir.path().join(file)).unwrap();
    }
    let before = snapshot(dir.path());
    let registry = support::StandIn::start();
    registry.route("*", support::Route::Status("503 Service Unavailable", b"down".to_vec()));
    let cargo_home = tempfile::tempdir().unwrap();
    std::fs::write(
        cargo_home.path().join("config.toml"),
        format!("[source.crates-io]\nreplace-with = \"stand-in\"\n[source.stand-in]\nregistry = \"sparse+{}/index/\"\n", registry.base),
    )
    .unwrap();
    // A spec that generates (the locked one, another x-xgen-sha), from a local file.
    let spec = edited_spec(|doc| doc["info"]["x-xgen-sha"] = serde_json::Value::String("0".repeat(40)));
    let path = dir.path().join("target/atlas-api-2026-09-01.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, spec).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec", "update", "--from", &path.display().to_string()])
        .env("XTASK_ROOT", dir.path())
        .env("ATLAS_SPEC", locked_spec())
        .env("CARGO_HOME", cargo_home.path())
        .env("CARGO_NET_RETRY", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the update succeeded without its dependencies: {stderr}");
    assert!(stderr.contains("cannot download the crate's dependencies"), "{stderr}");
    assert!(stderr.contains("503") && stderr.contains(&registry.base), "the message does not say what could not be fetched: {stderr}");
    assert!(!stderr.contains("does not compile"), "a download failure blames the spec: {stderr}");
    assert!(stderr.contains("others cannot fetch it"), "a local path is recorded without a warning: {stderr}");
    assert!(registry.requested().iter().any(|p| p.starts_with("/index/")), "cargo never asked the registry");
    support::assert_unchanged(&before, dir.path());
}

/// The operationIds of a spec file, read from the YAML itself.
fn operation_ids(path: &Path) -> std::collections::BTreeSet<String> {
    let document = generator::parse::parse_document(path, &std::fs::read(path).unwrap()).unwrap();
    let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| methods.iter().filter_map(move |m| item.get(*m)))
        .map(|op| op["operationId"].as_str().unwrap().to_string())
        .collect()
}

/// `cargo xtask diff` from the real 2026-03-03 spec to the current one names, as added,
/// removed or renamed, exactly the operations that exist in only one of the two files.
#[test]
fn the_report_from_2026_03_03_names_every_operation_in_only_one_spec() {
    let Some(history) = history("the_report_from_2026_03_03_names_every_operation_in_only_one_spec") else { return };
    let old = history.into_iter().find(|(date, _)| date == "2026-03-03").expect("the history has the spec of 2026-03-03").1;
    let new = locked_spec();
    let dir = scratch();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args([&old, &new])
        .arg("--json")
        .env("XTASK_ROOT", dir.path())
        .env("ATLAS_SPEC", &new)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    let (old_ids, new_ids) = (operation_ids(&old), operation_ids(&new));
    let only_in_one: std::collections::BTreeSet<String> = old_ids.symmetric_difference(&new_ids).cloned().collect();
    assert!(only_in_one.len() > 50, "the two specs differ in {} operations only", only_in_one.len());

    // Each such change names its operationId(s) first, in backticks; a rename that kept its
    // id (only the short name moved) names no operation in only one spec.
    let mut named = std::collections::BTreeSet::new();
    let mut entries = 0;
    for change in report["changes"].as_array().unwrap() {
        let kind = change["change"].as_str().unwrap();
        if change["kind"] != "operation" || !["added", "removed", "renamed"].contains(&kind) {
            continue;
        }
        let ids: Vec<&str> = change["detail"].as_str().unwrap().split('`').skip(1).step_by(2).collect();
        let ids = if kind == "renamed" { &ids[..2] } else { &ids[..1] };
        if kind == "renamed" && ids[0] == ids[1] {
            continue;
        }
        entries += ids.len();
        named.extend(ids.iter().map(|id| id.to_string()));
    }
    assert_eq!(named, only_in_one, "the report's operations differ from the specs' (left: report, right: YAML)");
    assert_eq!(entries, only_in_one.len(), "an operation is reported twice");
}

/// The real history walked with `spec update`, compiling the crate and running its generated
/// tests at every step (`.ci/run` walks without building). Run with
/// `cargo test -p xtask --test spec_update -- --ignored`.
#[test]
#[ignore = "builds and tests the crate at each of the four steps of the history: about 15 minutes"]
fn the_history_walk_compiles_and_passes_its_tests_at_every_step() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["spec", "walk", "--build"]).env("XTASK_ROOT", workspace()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("\n0 public names vanished") && stdout.contains("every step compiled and passed its tests"), "{stdout}");
}

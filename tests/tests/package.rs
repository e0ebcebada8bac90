//! The published crates (`atlas-admin` and `atlas-admin-models`) carry complete metadata,
//! everything else says `publish = false`, and the stated `rust-version` covers every
//! dependency they pull in (as locked). `cargo publish --dry-run` itself runs in `.ci/run`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

fn metadata() -> Value {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--all-features"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

const PUBLISHED: [&str; 2] = ["atlas-admin", "atlas-admin-models"];

/// `1.88` and `1.88.0` alike, as comparable numbers.
fn version(text: &str) -> [u32; 3] {
    let mut parts = text.split('.').map(|p| p.parse().unwrap());
    [parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0)]
}

#[test]
fn the_published_crates_have_complete_metadata_and_nothing_else_is_published() {
    let metadata = metadata();
    let members: BTreeSet<&str> = metadata["workspace_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    for package in metadata["packages"].as_array().unwrap().iter().filter(|p| members.contains(p["id"].as_str().unwrap())) {
        let name = package["name"].as_str().unwrap();
        if !PUBLISHED.contains(&name) {
            assert_eq!(package["publish"], serde_json::json!([]), "{name} must say publish = false");
            continue;
        }
        for field in ["description", "license", "readme", "rust_version", "documentation"] {
            assert!(package[field].as_str().is_some_and(|v| !v.is_empty()), "{name} has no {field}");
        }
        let readme = std::path::Path::new(package["manifest_path"].as_str().unwrap()).with_file_name(package["readme"].as_str().unwrap());
        assert!(readme.is_file(), "{name}'s readme {} is missing", readme.display());
        let keywords = package["keywords"].as_array().unwrap();
        assert!((1..=5).contains(&keywords.len()), "{name}: crates.io takes 1 to 5 keywords");
        assert!(keywords.iter().all(|k| k.as_str().unwrap().len() <= 20), "{name}: a keyword is over 20 characters");
        assert!(!package["categories"].as_array().unwrap().is_empty(), "{name} has no category");
        assert!(package["metadata"]["docs"]["rs"]["all-features"] == true, "{name}: docs.rs builds every feature");
    }
}

/// Every package a published crate needs to build (normal dependencies, every feature), as
/// locked, declares a `rust-version` no newer than ours (or none).
#[test]
fn the_rust_version_covers_every_locked_dependency() {
    let metadata = metadata();
    let packages: BTreeMap<&str, &Value> = metadata["packages"].as_array().unwrap().iter().map(|p| (p["id"].as_str().unwrap(), p)).collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"].as_array().unwrap().iter().map(|n| (n["id"].as_str().unwrap(), n)).collect();
    let ours = packages.values().find(|p| p["name"] == "atlas-admin").unwrap();
    let msrv = version(ours["rust_version"].as_str().unwrap());
    let mut todo: Vec<&str> = packages.values().filter(|p| PUBLISHED.contains(&p["name"].as_str().unwrap())).map(|p| p["id"].as_str().unwrap()).collect();
    let mut seen = BTreeSet::new();
    let mut too_new = Vec::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let package = packages[id];
        if let Some(needs) = package["rust_version"].as_str() {
            if version(needs) > msrv {
                too_new.push(format!("{} {} needs {needs}", package["name"], package["version"]));
            }
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"].is_null());
            if normal {
                todo.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    assert!(seen.len() > 50, "walked {} packages", seen.len());
    assert!(too_new.is_empty(), "rust-version {msrv:?} is below what these need: {too_new:?}");
}

//! `cargo xtask features`: each tag's feature compiles on its own, warning-free.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The tag features, as the generated `[features]` table lists them in `default`.
pub fn tag_features(crate_dir: &Path) -> Result<Vec<String>> {
    let path = crate_dir.join("Cargo.toml");
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(&path)?).with_context(|| format!("{}", path.display()))?;
    let default = manifest
        .get("features")
        .and_then(|f| f.get("default"))
        .and_then(|d| d.as_array())
        .with_context(|| format!("{} has no features.default", path.display()))?;
    Ok(default.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
}

/// Runs `cargo clippy --no-default-features --features <tag> -D warnings` on the library for
/// each of `names` (every tag when empty), and reports all that fail.
pub fn run(root: &Path, names: &[String]) -> Result<()> {
    let all = tag_features(&root.join("atlas-admin"))?;
    for name in names {
        if !all.contains(name) {
            bail!("{name} is not a tag feature of atlas-admin (see the [features] table of atlas-admin/Cargo.toml)");
        }
    }
    let chosen = if names.is_empty() { all } else { names.to_vec() };
    let mut failed = Vec::new();
    for name in &chosen {
        let started = Instant::now();
        let status = crate::cargo()
            .args(["clippy", "--quiet", "-p", "atlas-admin", "--lib", "--no-default-features", "--features", name, "--", "-D", "warnings"])
            .current_dir(root)
            .status()?;
        let verdict = if status.success() { "ok" } else { "FAILED" };
        println!("features: {name:<40} {verdict} ({:.1} s)", started.elapsed().as_secs_f64());
        if !status.success() {
            failed.push(name.clone());
        }
    }
    if !failed.is_empty() {
        bail!("{} of {} tag features do not compile on their own (or warn): {}", failed.len(), chosen.len(), failed.join(", "));
    }
    println!("features: all {} compile on their own, warning-free", chosen.len());
    Ok(())
}

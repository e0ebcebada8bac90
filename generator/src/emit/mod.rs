//! Stage 3: the model -> Rust sources. Pure functions, no spec access: each emitter takes
//! the model and returns token streams, which [`crate::write`] formats and files.

mod apis;
mod e2e;
pub mod docs;
mod examples;
pub mod gates;
mod models;
mod pages;
pub mod types;
mod validate;

use crate::error::Result;
use crate::ir::Model;
use crate::write::Tree;

/// The generated part of the `atlas-admin` crate, keyed by path relative to the crate, and
/// the `[features]` table of its `Cargo.toml`. `api_version` is the API date each operation
/// is generated for.
pub fn emit_crate(model: &Model, api_version: &str) -> Result<(Tree, String)> {
    let mut tree = Tree::new();
    let features = crate::ir::features::Features::of(model);
    models::emit(model, &features, &mut tree)?;
    apis::emit(model, &features, api_version, &mut tree)?;
    validate::emit_patterns(model, &mut tree)?;
    examples::emit(model, &mut tree)?;
    e2e::emit(model, api_version, &mut tree)?;
    Ok((tree, gates::manifest_table(model, &features)))
}

//! Stage 3: the model -> Rust sources. Pure functions, no spec access: each emitter takes
//! the model and returns token streams, which [`crate::write`] formats and files.

mod apis;
mod e2e;
pub mod docs;
mod examples;
mod models;
mod pages;
pub mod types;
mod validate;

use crate::error::Result;
use crate::ir::Model;
use crate::write::Tree;

/// The generated part of the `atlas-admin` crate, keyed by path relative to the crate.
/// `api_version` is the API date each operation is generated for.
pub fn emit_crate(model: &Model, api_version: &str) -> Result<Tree> {
    let mut tree = Tree::new();
    models::emit(model, &mut tree)?;
    apis::emit(model, api_version, &mut tree)?;
    validate::emit_patterns(model, &mut tree)?;
    examples::emit(model, &mut tree)?;
    e2e::emit(model, api_version, &mut tree)?;
    Ok(tree)
}

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
/// Each emitter's time is recorded in `stages`, its formatting apart (`format`, all files).
pub fn emit_crate(
    model: &Model,
    api_version: &str,
    stages: &mut crate::timing::Stages,
    cache: Option<std::sync::Arc<crate::format_cache::FormatCache>>,
) -> Result<(Tree, Tables)> {
    let features = stages.time("features", || crate::ir::features::Features::of(model));
    // The models (half the files) are emitted beside everything else: each emitter keeps
    // both cores busy only while it has files left, and the others have long single files
    // (the generated tests, the module roots) that would otherwise be emitted alone.
    let started = std::time::Instant::now();
    let part = || (Tree::new().with_cache(cache.clone()), crate::timing::Stages::default());
    let ((models, _), rest) = crate::timing::Stages::beside(
        || {
            let (mut tree, mut stages) = part();
            emitting(&mut stages, &mut tree, "emit models (beside the others)", |tree| models::emit(model, &features, tree)).map(|()| (tree, stages))
        },
        || -> Result<(Tree, crate::timing::Stages)> {
            let (mut tree, mut stages) = part();
            // The spec's examples fill both the doc examples of the operations and the e2e calls.
            let examples = e2e::examples(model);
            emitting(&mut stages, &mut tree, "emit apis", |tree| apis::emit(model, &features, api_version, &examples, tree))?;
            emitting(&mut stages, &mut tree, "emit patterns", |tree| validate::emit_patterns(model, tree))?;
            emitting(&mut stages, &mut tree, "emit examples", |tree| examples::emit(model, tree))?;
            emitting(&mut stages, &mut tree, "emit e2e", |tree| e2e::emit(model, api_version, &examples, tree))?;
            Ok((tree, stages))
        },
    );
    let ((mut tree, models_stages), (rest, rest_stages)) = (models?, rest?);
    tree.merge(rest);
    stages.0.extend(models_stages.0.into_iter().chain(rest_stages.0));
    stages.add("emit and format (wall, all emitters)", started.elapsed().as_secs_f64());
    stages.add("format (all threads)", tree.format_seconds);
    let tables = Tables {
        client: gates::manifest_table(model, &features, Some(gates::MODELS_CRATE)),
        models: gates::models_manifest_table(&features),
        single: gates::manifest_table(model, &features, None),
    };
    Ok((tree, tables))
}

/// The generated `[features]` tables.
#[derive(Debug, Clone)]
pub struct Tables {
    /// `atlas-admin`'s, forwarding each tag to its models crate.
    pub client: String,
    /// The models crate's.
    pub models: String,
    /// A crate that holds everything (the generator's fixture crate).
    pub single: String,
}

/// Runs one emitter, recording its time without the formatting it did.
fn emitting(stages: &mut crate::timing::Stages, tree: &mut Tree, name: &str, emit: impl FnOnce(&mut Tree) -> Result<()>) -> Result<()> {
    let (started, formatted) = (std::time::Instant::now(), tree.format_seconds);
    emit(tree)?;
    stages.add(name, started.elapsed().as_secs_f64() - (tree.format_seconds - formatted));
    Ok(())
}

//! The generator behind `atlas-admin`.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! spec file --parse--> openapiv3::OpenAPI --ir::lower--> ir::Model --emit--> files --write--> atlas-admin/
//! ```
//!
//! * [`parse`]: reads the spec (YAML or JSON), applies the project's own fixes
//!   (`spec/fixes.yaml`) and deserialises it with `openapiv3`; errors carry a JSON pointer.
//! * [`ir`]: the intermediate model: a type space where every schema has a [`ir::TypeId`]
//!   and `$ref`s are edges, plus the operations with their versioned media types.
//! * [`emit`]: pure functions from the model to formatted Rust sources.
//! * [`write`]: writes a generated tree atomically, or compares it with the checked-in one.
//! * [`lock`]: the record of which spec the checked-in crate was generated from.
//! * [`store`]: where the locked spec is found on any machine (downloaded, verified, cached).
//!
//! Beside the pipeline, [`diff`] reports what changed between two specs and [`audit`] where
//! the spec's constraints may refuse what Atlas sends.

pub mod audit;
pub mod diff;
pub mod emit;
pub mod error;
pub mod format_cache;
pub mod ir;
pub mod lock;
mod memo;
pub mod parse;
pub mod store;
pub mod timing;
pub mod write;

pub use error::{Error, Result};

use std::path::Path;

/// Everything one generation run produces: the files and what is worth reporting.
#[derive(Debug)]
pub struct Generation {
    pub tree: write::Tree,
    pub model: ir::Model,
    pub spec: parse::SpecSource,
    /// The API date the crate is generated for (`2025-03-12`): each operation sends its
    /// newest version not after it.
    pub api_version: String,
    /// The registry of public names after this run (`spec/names.toml`): what was there, with
    /// new things added and vanished ones dropped.
    pub names: ir::registry::Registry,
    /// The `[features]` tables: one feature per tag.
    pub features: emit::Tables,
    /// Wall time per stage.
    pub stages: timing::Stages,
    /// Files taken from the format cache, and files formatted.
    pub formatted: (usize, usize),
}

/// Parts as `write` takes them.
fn borrowed(parts: &[(write::Tree, std::path::PathBuf)]) -> Vec<(&write::Tree, &Path)> {
    parts.iter().map(|(tree, dir)| (tree, dir.as_path())).collect()
}

/// Where the generated files of `atlas-admin` go: the models crate takes the models and
/// their patterns, the client crate the rest. (The fixture crate of the generator's own tests
/// is one crate and takes the whole tree.)
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    pub client: &'a Path,
    pub models: &'a Path,
}

impl Layout<'_> {
    /// Whether a generated file (a path in the tree) belongs to the models crate.
    pub fn is_models_file(path: &str) -> bool {
        path.starts_with("src/models/") || path == "src/patterns.rs"
    }
}

impl Generation {
    /// The tree split between the two crates: (files, the crate's directory) for each.
    pub fn parts(&self, layout: &Layout) -> Vec<(write::Tree, std::path::PathBuf)> {
        vec![
            (self.tree.subset(|path| !Layout::is_models_file(path)), layout.client.to_path_buf()),
            (self.tree.subset(Layout::is_models_file), layout.models.to_path_buf()),
        ]
    }

    /// Both crates' `Cargo.toml` with their generated features tables replaced: the paths
    /// and the new texts, to write or compare with the generated files.
    pub fn manifests(&self, layout: &Layout) -> Result<Vec<(std::path::PathBuf, String)>> {
        Ok(vec![Self::manifest(layout.client, &self.features.client)?, Self::manifest(layout.models, &self.features.models)?])
    }

    /// The `Cargo.toml` of a crate under `crate_dir` that holds the whole tree (the
    /// generator's fixture crate), with its features table replaced.
    pub fn single_crate_manifest(&self, crate_dir: &Path) -> Result<(std::path::PathBuf, String)> {
        Self::manifest(crate_dir, &self.features.single)
    }

    /// Writes both crates' generated files and manifests, and the `companions`, all or
    /// nothing ([`write::write_parts`]).
    pub fn write(&self, layout: &Layout, companions: &[(std::path::PathBuf, String)]) -> Result<write::WriteSummary> {
        let parts = self.parts(layout);
        let mut all = self.manifests(layout)?;
        all.extend(companions.iter().cloned());
        write::write_parts(&borrowed(&parts), &all)
    }

    /// What differs between this generation and both crates' files and manifests.
    pub fn check(&self, layout: &Layout) -> Result<Vec<write::Drift>> {
        let parts = self.parts(layout);
        let mut drift = write::check_parts(&borrowed(&parts))?;
        for ((path, text), shown) in self.manifests(layout)?.into_iter().zip(["atlas-admin/Cargo.toml", "atlas-admin-models/Cargo.toml"]) {
            drift.extend(write::check_file(&path, shown, &text)?);
        }
        Ok(drift)
    }

    fn manifest(crate_dir: &Path, table: &str) -> Result<(std::path::PathBuf, String)> {
        let path = crate_dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let spliced = emit::gates::splice_table(&text, table).ok_or_else(|| {
            Error::Lock(format!(
                "{} has no generated features table: it needs the lines {:?} and {:?} around its [features]",
                path.display(),
                emit::gates::TABLE_BEGIN.trim_end(),
                emit::gates::TABLE_END.trim_end()
            ))
        })?;
        Ok((path, spliced))
    }
}

/// What one generation reads.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub spec: &'a Path,
    /// `spec/fixes.yaml`, applied if it exists.
    pub fixes: Option<&'a Path>,
    /// The spec's date (the lock's `spec_date`): which fixes are for it.
    pub spec_date: Option<&'a str>,
    /// The API date (`YYYY-MM-DD`); the spec's newest stable version when `None`.
    pub api_version: Option<&'a str>,
    /// The registry of names that shipped; everything is named by the rules when `None`.
    pub names: Option<&'a ir::registry::Registry>,
    /// Where a generation remembers work between runs: the formatted files
    /// ([`format_cache`], `format.bin`) and the parsed spec ([`parse::DocumentCache`],
    /// `spec.json`). Nothing is remembered when `None`; either cache missing or corrupt is
    /// an empty one.
    pub cache_dir: Option<&'a Path>,
}

impl<'a> Inputs<'a> {
    pub fn new(spec: &'a Path) -> Self {
        Inputs { spec, fixes: None, spec_date: None, api_version: None, names: None, cache_dir: None }
    }
}

/// Reads the spec at `spec_path`, applies `fixes_path` (if it exists) and produces the
/// generated part of the `atlas-admin` crate, in memory. Nothing is written.
/// The crate targets the newest stable API version of the spec.
pub fn generate(spec_path: &Path, fixes_path: Option<&Path>) -> Result<Generation> {
    generate_with(&Inputs { fixes: fixes_path, ..Inputs::new(spec_path) })
}

/// [`generate`] for the API date `api_version` (`YYYY-MM-DD`; the spec's newest stable
/// version when `None`).
pub fn generate_for(spec_path: &Path, fixes_path: Option<&Path>, api_version: Option<&str>) -> Result<Generation> {
    generate_with(&Inputs { fixes: fixes_path, api_version, ..Inputs::new(spec_path) })
}

/// One generation, in memory: parse (with fixes), lower (with the registry of names), emit.
pub fn generate_with(inputs: &Inputs) -> Result<Generation> {
    generate_parsed(parse_inputs(inputs)?, inputs)
}

/// What a generation reads before it lowers: the spec (read, fixed, parsed) and the format
/// cache.
#[derive(Debug)]
pub struct Parsed {
    spec: parse::SpecSource,
    cache: Option<std::sync::Arc<format_cache::FormatCache>>,
    stages: timing::Stages,
}

/// The first stage of [`generate_with`], apart so that a caller can read its own inputs
/// (the registry of names) beside it. The format cache loads on a thread of its own while
/// the spec parses: they share nothing, and the spec's YAML is the longest serial stage.
pub fn parse_inputs(inputs: &Inputs) -> Result<Parsed> {
    let mut stages = timing::Stages::default();
    let documents = inputs.cache_dir.map(|dir| parse::DocumentCache(dir.join("spec.json")));
    let ((cache, cache_seconds), spec) = timing::Stages::beside(
        || inputs.cache_dir.map(|dir| std::sync::Arc::new(format_cache::FormatCache::open(&dir.join("format.bin")))),
        || parse::read_spec_cached(inputs.spec, inputs.fixes, inputs.spec_date, documents.as_ref(), &mut stages),
    );
    stages.add("format cache: open (beside parsing)", cache_seconds);
    Ok(Parsed { spec: spec?, cache, stages })
}

/// The rest of [`generate_with`] after [`parse_inputs`]: lower, emit, format.
pub fn generate_parsed(parsed: Parsed, inputs: &Inputs) -> Result<Generation> {
    let Parsed { spec, cache, mut stages } = parsed;
    let empty = ir::registry::Registry::default();
    let model = stages.time("lower", || ir::lower_with(&spec.openapi, inputs.names.unwrap_or(&empty)))?;
    let api_version = target_version(&model, inputs.api_version)?;
    // The registry of names is read off the model beside the emitters, which do not need it.
    let ((names, names_seconds), emitted) = timing::Stages::beside(
        || ir::registry::of_model(&model, &spec.openapi),
        || emit::emit_crate(&model, &api_version, &mut stages, cache.clone()),
    );
    let (tree, features) = emitted?;
    stages.add("registry (beside emitting)", names_seconds);
    let formatted = stages.time("format cache: save", || {
        cache.as_ref().map_or((0, tree.files.len()), |cache| {
            cache.save();
            cache.counts()
        })
    });
    Ok(Generation { tree, model, spec, api_version, names, features, stages, formatted })
}

/// Checks a requested API date against the spec's versions, or picks the newest stable one.
fn target_version(model: &ir::Model, requested: Option<&str>) -> Result<String> {
    let newest = ir::operations::dated_versions(&model.operations).max().unwrap_or("2023-01-01");
    let Some(requested) = requested else { return Ok(newest.to_string()) };
    let is_date = requested.len() == 10
        && requested.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !is_date {
        return Err(Error::Lock(format!("API version {requested:?} is not a date (YYYY-MM-DD)")));
    }
    let oldest = ir::operations::dated_versions(&model.operations).min();
    if oldest.is_some_and(|oldest| requested < oldest) {
        return Err(Error::Lock(format!(
            "API version {requested} is older than every version in the spec (the oldest is {})",
            oldest.unwrap_or_default()
        )));
    }
    Ok(requested.to_string())
}

/// Where the upstream spec is published.
pub const UPSTREAM: &str = "https://raw.githubusercontent.com/mongodb/openapi/main/openapi/atlas-api.yaml";

/// The project's paths, from the workspace root.
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: std::path::PathBuf,
    /// The generated crate.
    pub crate_dir: std::path::PathBuf,
    /// Its models crate.
    pub models_dir: std::path::PathBuf,
    pub lock: std::path::PathBuf,
    pub fixes: std::path::PathBuf,
    /// The registry of public names.
    pub names: std::path::PathBuf,
    /// The crate's changelog, where `spec update` writes its report.
    pub changelog: std::path::PathBuf,
}

impl Paths {
    pub fn new(root: &Path) -> Self {
        Paths {
            root: root.to_path_buf(),
            crate_dir: root.join("atlas-admin"),
            models_dir: root.join("atlas-admin-models"),
            lock: root.join("spec/lock.toml"),
            fixes: root.join("spec/fixes.yaml"),
            names: root.join("spec/names.toml"),
            changelog: root.join("atlas-admin/CHANGELOG.md"),
        }
    }

    /// Where the generated files go.
    pub fn layout(&self) -> Layout<'_> {
        Layout { client: &self.crate_dir, models: &self.models_dir }
    }

    /// The locked spec, wherever it is: `explicit`, `$ATLAS_SPEC`, the shared copy, the
    /// cache, else downloaded from the lock's `source` ([`store::locked_spec`]).
    pub fn resolve_spec(&self, explicit: Option<&Path>) -> Result<std::path::PathBuf> {
        store::locked_spec(self, explicit)
    }
}

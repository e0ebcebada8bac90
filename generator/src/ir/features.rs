//! One cargo feature per tag (named as its API module): which features each type needs.
//!
//! A tag's feature gates its API module, its parameters and exactly the types its
//! operations reach (parameters, request and response bodies of every version and status,
//! and everything those mention, transitively). A type several tags reach is compiled when
//! any of them is on; one every tag reaches, or none, is always compiled (with everything
//! it mentions).

use std::collections::{BTreeMap, BTreeSet};

use super::{Model, TypeId, TypeKind};

/// The features of a model: per type, the modules (feature names) whose operations reach it.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Indexed by `TypeId`.
    pub by_type: Vec<BTreeSet<String>>,
    /// Every tag's feature.
    pub all: BTreeSet<String>,
}

impl Features {
    pub fn of(model: &Model) -> Self {
        let mut by_type = vec![BTreeSet::new(); model.types.len()];
        let mut all = BTreeSet::new();
        let mut roots: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
        for op in &model.operations {
            let module = model.modules.get(&op.tag).map(String::as_str).unwrap_or(op.tag.as_str());
            all.insert(module.to_string());
            let ids = roots.entry(module).or_default();
            ids.extend(op.params);
            let bodies = op.body.iter().flat_map(|b| b.contents.iter());
            let responses = op.responses.iter().flat_map(|r| r.contents.iter());
            for content in bodies.chain(responses) {
                if let Some(ty) = &content.ty {
                    ty.mentioned(ids);
                }
            }
        }
        for (module, ids) in roots {
            let mut stack = ids;
            while let Some(id) = stack.pop() {
                let id = super::registry::resolve_shared(model, id);
                if by_type[id.0].insert(module.to_string()) {
                    stack.extend(model.get(id).referenced());
                }
            }
        }
        // A type no operation reaches is always compiled, and so is everything it mentions.
        let mut stack: Vec<TypeId> = (0..model.types.len())
            .map(TypeId)
            .filter(|id| by_type[id.0].is_empty() && !matches!(model.get(*id).kind, TypeKind::Shared(_) | TypeKind::Pending))
            .collect();
        while let Some(id) = stack.pop() {
            let id = super::registry::resolve_shared(model, id);
            if by_type[id.0] != all {
                by_type[id.0] = all.clone();
                stack.extend(model.get(id).referenced());
            }
        }
        // A merged enum site is compiled with the type it names.
        for (i, def) in model.types.iter().enumerate() {
            if let TypeKind::Shared(_) = def.kind {
                by_type[i] = by_type[super::registry::resolve_shared(model, TypeId(i)).0].clone();
            }
        }
        Features { by_type, all }
    }

    /// The features `id` needs, or `None` when it is always compiled (every tag reaches it,
    /// or none does, or it is mentioned by a type none reaches).
    pub fn of_type(&self, id: TypeId) -> Option<&BTreeSet<String>> {
        let set = &self.by_type[id.0];
        (*set != self.all).then_some(set)
    }
}

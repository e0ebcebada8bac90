//! Breaking cycles: a type that contains itself, directly or through other types, needs a
//! `Box` somewhere on the loop. Edges through `Vec` or maps are already indirect; the
//! rest form a graph whose strongly connected components are the cycles. Every direct
//! edge inside one component is boxed: simple, deterministic, and always enough.

use std::collections::BTreeMap;

use super::{Model, TypeId, TypeKind, TypeRef};
use crate::error::{Error, Result};

/// A type alias may not contain itself, not even through a `Vec` (Rust has no recursive
/// aliases, and a box cannot help): such a spec is refused with the schema named.
pub fn check_alias_cycles(model: &Model) -> Result<()> {
    for (start, def) in model.types.iter().enumerate() {
        let TypeKind::Alias(ty) = &def.kind else { continue };
        let mut todo = Vec::new();
        ty.mentioned(&mut todo);
        let mut seen = std::collections::BTreeSet::new();
        while let Some(id) = todo.pop() {
            if id.0 == start {
                return Err(Error::spec(
                    &def.pointer,
                    "this schema is an alias that contains itself (through other aliases or arrays); \
                     it cannot be a Rust type alias",
                ));
            }
            if seen.insert(id) {
                if let TypeKind::Alias(next) = &model.get(id).kind {
                    next.mentioned(&mut todo);
                }
            }
        }
    }
    Ok(())
}

/// The type a value holds *inline* (not behind a Vec or a map), if it is a named one.
fn direct_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    }
}

fn direct_edges(kind: &TypeKind) -> Vec<TypeId> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct_target(&f.ty)).collect(),
        TypeKind::Tagged(t) => t.variants.iter().map(|v| v.ty).collect(),
        TypeKind::Untagged(u) => u.variants.iter().filter_map(|v| direct_target(&v.ty)).collect(),
        TypeKind::Alias(ty) => direct_target(ty).into_iter().collect(),
        TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Shared(_) | TypeKind::Pending => Vec::new(),
    }
}

/// Tarjan's algorithm, iterative so a deep spec cannot overflow the stack.
fn components(edges: &[Vec<TypeId>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((v, edge)) = work.pop() {
            if edge == 0 {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(w) = edges[v].get(edge).map(|id| id.0) {
                work.push((v, edge + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    component
}

pub fn break_cycles(model: &mut Model) {
    let edges: Vec<Vec<TypeId>> = model.types.iter().map(|t| direct_edges(&t.kind)).collect();
    let component = components(&edges);
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for c in &component {
        *sizes.entry(*c).or_default() += 1;
    }
    let cyclic = |from: usize, to: TypeId| {
        component[from] == component[to.0] && (sizes[&component[from]] > 1 || from == to.0)
    };
    for (i, def) in model.types.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.boxed = direct_target(&f.ty).is_some_and(|to| cyclic(i, to));
                }
            }
            TypeKind::Tagged(t) => {
                for v in &mut t.variants {
                    v.boxed = cyclic(i, v.ty);
                }
            }
            TypeKind::Untagged(u) => {
                for v in &mut u.variants {
                    v.boxed = direct_target(&v.ty).is_some_and(|to| cyclic(i, to));
                }
            }
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Shared(_) | TypeKind::Pending => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_leaves_chains_alone() {
        // 0 -> 1 -> 2 -> 0 is a cycle, 3 -> 0 is not part of it, 4 -> 4 is a self loop.
        let edges = vec![
            vec![TypeId(1)],
            vec![TypeId(2)],
            vec![TypeId(0)],
            vec![TypeId(0)],
            vec![TypeId(4)],
        ];
        let c = components(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
    }
}

//! Paginated list operations: those with `itemsPerPage` and `pageNum` parameters whose
//! success body is a page (`results`, `totalCount`, `links`). Each marker implements the
//! runtime's `Paged` (so its `Request` has `stream()` and `collect_all()`); the page models
//! implement the runtime's `Page` trait,
//! and the walk across pages (lazy, stopping on the last page) is the runtime's
//! `pagination` module, written by hand.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::types::{type_tokens, Scope};
use crate::ir::{Field, Model, TypeId, TypeKind, TypeRef};

/// The page model of a list operation and how to take it apart.
#[derive(Debug, Clone)]
pub struct PageShape {
    pub page: TypeId,
    pub item: TypeRef,
    /// Whether each of these fields is an `Option` (absent when the page has none).
    results_optional: bool,
    total_count: Option<(bool, Width)>,
    links: Option<bool>,
    items_per_page: Width,
    page_num: Width,
}

/// An integer's width, to widen an `i32` to the runtime's `i64` (and leave an `i64` alone).
#[derive(Debug, Clone, Copy)]
enum Width {
    I32,
    I64,
}

impl Width {
    fn of(ty: &TypeRef) -> Option<Width> {
        match ty {
            TypeRef::Builtin(crate::ir::Builtin::I32) => Some(Width::I32),
            TypeRef::Builtin(crate::ir::Builtin::I64) => Some(Width::I64),
            _ => None,
        }
    }

    /// `value` (an expression of this width, optional or not) as `i64`.
    fn widen(self, value: TokenStream, optional: bool) -> TokenStream {
        match (self, optional) {
            (Width::I64, _) => value,
            (Width::I32, true) => quote!(#value.map(i64::from)),
            (Width::I32, false) => quote!(i64::from(#value)),
        }
    }

    fn narrow(self, value: TokenStream) -> TokenStream {
        match self {
            Width::I64 => value,
            Width::I32 => quote!(i32::try_from(#value).unwrap_or(i32::MAX)),
        }
    }
}

/// The page shape of a success body of type `body`, if the operation's parameters
/// (`params` fields) page it.
pub fn page_shape(model: &Model, params: &[&Field], body: Option<&TypeRef>) -> Option<PageShape> {
    let param = |wire: &str| params.iter().find(|f| f.wire == wire && f.is_optional()).and_then(|f| Width::of(&f.ty));
    let (Some(items_per_page), Some(page_num)) = (param("itemsPerPage"), param("pageNum")) else { return None };
    let Some(TypeRef::Named(page)) = body else { return None };
    let TypeKind::Struct(s) = &model.get(*page).kind else { return None };
    let field = |wire: &str| s.fields.iter().find(|f| f.wire == wire && !f.boxed);
    let results = field("results")?;
    let TypeRef::Vec(item) = &results.ty else { return None };
    let links = field("links").filter(|f| matches!(&f.ty, TypeRef::Vec(inner) if is_link(model, inner)));
    Some(PageShape {
        page: *page,
        item: (**item).clone(),
        results_optional: results.is_optional(),
        total_count: field("totalCount").and_then(|f| Some((f.is_optional(), Width::of(&f.ty)?))),
        links: links.map(|f| f.is_optional()),
        items_per_page,
        page_num,
    })
}

/// A `Link` (`rel`, `href`): the spec's hypermedia link.
fn is_link(model: &Model, ty: &TypeRef) -> bool {
    let TypeRef::Named(id) = ty else { return false };
    matches!(&model.get(*id).kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.wire == "rel" && matches!(f.ty, TypeRef::Builtin(crate::ir::Builtin::String))))
}

/// `impl Page` for every page model, once each.
pub fn page_impls(model: &Model, features: &crate::ir::features::Features, shapes: &BTreeMap<TypeId, PageShape>) -> TokenStream {
    let impls = shapes.values().map(|shape| {
        // Compiled with the page model.
        let gate = super::gates::attr(&super::gates::of_type(features, shape.page));
        let page = type_tokens(model, &TypeRef::Named(shape.page), Scope::Crate);
        let item = type_tokens(model, &shape.item, Scope::Crate);
        let items = if shape.results_optional { quote!(self.results.unwrap_or_default()) } else { quote!(self.results) };
        let total = match shape.total_count {
            Some((true, width)) => width.widen(quote!(self.total_count), true),
            Some((false, width)) => {
                let total = width.widen(quote!(self.total_count), false);
                quote!(Some(#total))
            }
            None => quote!(None),
        };
        let next = match shape.links {
            Some(true) => {
                quote!(self.links.as_ref().map(|links| links.iter().any(|l| l.rel.as_deref() == Some("next"))))
            }
            Some(false) => quote!(Some(self.links.iter().any(|l| l.rel.as_deref() == Some("next")))),
            None => quote!(None),
        };
        quote! {
            #gate
            impl crate::pagination::Page for #page {
                type Item = #item;
                fn into_parts(self) -> crate::pagination::PageParts<#item> {
                    crate::pagination::PageParts { total_count: #total, has_next_link: #next, items: #items }
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// `impl Paged` for a list operation's marker: how its parameters walk the pages (the
/// generic `Request` then has `stream()` and `collect_all()`).
pub fn paged_impl(model: &Model, shape: &PageShape, marker: &Ident, preview: &Option<TokenStream>) -> TokenStream {
    let page = type_tokens(model, &TypeRef::Named(shape.page), Scope::Crate);
    let items_per_page = shape.items_per_page.widen(quote!(params.items_per_page), true);
    let page_num = shape.page_num.widen(quote!(params.page_num), true);
    let at_page = shape.page_num.narrow(quote!(page_num));
    quote! {
        #preview
        impl crate::request::Paged for #marker {
            type Page = #page;
            fn items_per_page(params: &Self::Params) -> Option<i64> {
                #items_per_page
            }
            fn page_num(params: &Self::Params) -> Option<i64> {
                #page_num
            }
            fn set_page_num(params: &mut Self::Params, page_num: i64) {
                params.page_num = Some(#at_page);
            }
        }
    }
}

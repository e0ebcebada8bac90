//! `src/apis/`: one module per spec tag, with an accessor on the client
//! (`client.clusters()`) and, per operation and version, a marker type saying what its call
//! is (`ListClusters: Operation`: method, path, media types, parameters, body, answer) and a
//! method taking the required parameters that returns a `Request<ListClusters>`, with setters
//! for the optional ones. Everything else (sending, validation before sending, retries,
//! decoding, paging, auth, errors) is the hand-written generic runtime's, once.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{deprecated_attr, doc_attrs};
use super::pages::{self, PageShape};
use super::types::{type_tokens, Scope};
use crate::error::Result;
use crate::ir::{names, Content, Model, Operation, ParameterLocation, TypeId, TypeKind};
use crate::write::Tree;

/// Request rules the spec states only in prose, written by hand in `atlas-admin/src/requests.rs`:
/// (operationId, the body's method that checks them instead of `validate_request`).
const PROSE_RULES: &[(&str, &str)] = &[("createGroupDatabaseUser", "validate_create")];

/// Parameters every operation accepts that change the response's shape or only its
/// layout: handled by the runtime, never set per call.
const RUNTIME_PARAMETERS: &[&str] = &["envelope", "pretty"];

pub fn emit(
    model: &Model,
    features: &crate::ir::features::Features,
    api_version: &str,
    examples: &super::e2e::Examples,
    tree: &mut Tree,
) -> Result<()> {
    let mut tags: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &model.operations {
        tags.entry(op.tag.as_str()).or_default().push(op);
    }
    let mut modules = Vec::new();
    let mut files = Vec::new();
    for (tag, ops) in &tags {
        // The module is the registry's (a shipped module keeps its name if its tag is renamed).
        let module_name = model.modules.get(*tag).cloned().unwrap_or_else(|| names::field_name(tag));
        let module = format_ident!("{module_name}");
        let accessor = module.clone();
        let api = format_ident!("{}", names::upper_camel(&module_name));
        let doc = format!(" The `{tag}` operations of the Atlas Admin API: `client.{module}()` (feature `{module}`).");
        modules.push(quote! {
            #[cfg(feature = #module_name)]
            pub mod #module;
            #[cfg(feature = #module_name)]
            impl crate::Client {
                #[doc = #doc]
                pub fn #accessor(&self) -> #module::#api<'_> {
                    #module::#api::new(self)
                }
            }
        });
        files.push((module_name, *tag, ops));
    }
    // The tag modules, built and formatted on every core; each says which models are pages.
    let mut page_models = BTreeMap::new();
    let pages_per_tag = tree.add_rust_parallel(&files, |(module_name, tag, ops)| {
        let api = format_ident!("{}", names::upper_camel(module_name));
        let mut pages = BTreeMap::new();
        let mut rows = Vec::new();
        let module_doc = module_doc(model, api_version, tag, module_name, ops, examples);
        let tokens = emit_tag(model, api_version, tag, module_name, &api, ops, &mut pages, &mut rows);
        let tokens = quote!(#module_doc #tokens);
        (format!("src/apis/{module_name}.rs"), tokens, (pages, rows))
    })?;
    let mut version_rows = Vec::new();
    for (pages, rows) in pages_per_tag {
        page_models.extend(pages);
        version_rows.extend(rows);
    }
    emit_version_checks(&version_rows, tree)?;
    let version_doc = format!(
        " The API date this crate was generated for (`cargo xtask generate --api-version`): each \
         operation's plain method sends its newest version not after {api_version}, and its other \
         versions are the methods suffixed `_vYYYY_MM_DD`."
    );
    let page_impls = pages::page_impls(model, features, &page_models);
    // Every operation, whatever the features: what a request was, for the test doubles.
    let routes = model.operations.iter().map(|op| {
        let (method, path, id, tag) = (&op.method, &op.path, &op.id, &op.tag);
        let accepts = op.versions().into_iter().map(|v| media_for(Some(v), v, content_for(op.success_contents(), Some(v))));
        quote! { crate::request::Route { method: #method, path: #path, id: #id, tag: #tag, accepts: &[#(#accepts),*] } }
    });
    tree.add_rust(
        "src/apis/mod.rs",
        quote! {
            //! One module per tag of the spec: every operation of the Atlas Admin API, as a
            //! method of the tag's accessor on [`Client`](crate::Client).
            #![allow(deprecated)]
            #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
            // An operation that answers nothing decodes to `()` through the same steps as the others.
            #![allow(clippy::let_unit_value)]
            #[doc = #version_doc]
            pub const API_VERSION: &str = #api_version;
            #(#modules)*
            #page_impls
            /// Every operation of the spec, with the Accept of each of its versions: how
            /// `atlas_admin::testing` names a request no expectation matched.
            #[doc(hidden)]
            pub static ROUTES: &[crate::request::Route] = &[#(#routes),*];
        },
    )
}

/// `tests/spec_versions.rs`: every operation at every version it can be called in sends
/// the spec's method and path, and Accept and Content-Type headers that name that one
/// version, each one of the media types the spec gives for it.
fn emit_version_checks(rows: &[VersionRow], tree: &mut Tree) -> Result<()> {
    let rows = rows.iter().map(VersionRow::tokens);
    tree.add_rust(
        "tests/spec_versions.rs",
        quote! {
            //! Every operation at every version it can be called in: the method and path the
            //! spec gives, and Accept and Content-Type headers naming that one version (one of
            //! the version's own media types, when the spec lists any).
            use atlas_admin::request::Operation;

            /// `accepts` and `bodies`: the media types of the version's success responses (all
            /// statuses) and of its request body, as the spec lists them.
            fn row<Op: Operation>(version: &str, method: &str, path: &str, accepts: &[&str], bodies: &[&str], failures: &mut Vec<String>) {
                let id = Op::ID;
                if Op::METHOD.as_str() != method || Op::PATH != path {
                    failures.push(format!("{id}@{version}: sends {} {}, the spec says {method} {path}", Op::METHOD, Op::PATH));
                }
                let named = format!("application/vnd.atlas.{version}+");
                for (header, value, listed) in [("Accept", Op::ACCEPT, accepts), ("Content-Type", Op::CONTENT_TYPE, bodies)] {
                    if !value.starts_with(&named) {
                        failures.push(format!("{id}@{version}: {header} {value} names another version"));
                    }
                    if !listed.is_empty() && !listed.contains(&value) {
                        failures.push(format!("{id}@{version}: {header} {value} is not one of {listed:?}"));
                    }
                }
            }

            #[test]
            fn every_call_names_one_version_in_both_headers() {
                let mut failures: Vec<String> = Vec::new();
                #(#rows)*
                assert!(failures.is_empty(), "{}", failures.join("\n"));
            }
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn emit_tag(
    model: &Model,
    api_version: &str,
    tag: &str,
    module_name: &str,
    api: &proc_macro2::Ident,
    ops: &[&Operation],
    page_models: &mut BTreeMap<TypeId, PageShape>,
    version_rows: &mut Vec<VersionRow>,
) -> TokenStream {
    let mut methods = Vec::new();
    let mut markers = Vec::new();
    let mut scope = names::Scope::with_reserved_types();
    scope.claim(&api.to_string());
    for op in ops {
        let newest = op.version_for(api_version);
        let marker = format_ident!("{}", scope.claim(&names::upper_camel(&op.name)));
        let history = VersionHistory::of(op, newest);
        let (method, marker_def) = emit_operation(model, op, newest, &op.name, &marker, &history, page_models);
        methods.push(method);
        markers.push(marker_def);
        version_rows.extend(VersionRow::of(op, newest, module_name, &marker));
        // Names it shipped under before: the same call, deprecated.
        for old in &op.deprecated_names {
            let (method, _) = emit_operation(model, op, newest, old, &marker, &history, page_models);
            methods.push(method);
        }
        // Every other dated version, one name away: `get_cluster_v2023_02_01`.
        for version in op.versions().into_iter().filter(|v| Some(*v) != newest && *v != "preview") {
            let suffix = format!("v{}", version.replace('-', "_"));
            let name = format!("{}_{suffix}", op.name);
            let marker = format_ident!("{}", scope.claim(&format!("{}V{}", names::upper_camel(&op.name), version.replace('-', ""))));
            let (method, marker_def) = emit_operation(model, op, Some(version), &name, &marker, &history, page_models);
            methods.push(method);
            markers.push(marker_def);
            version_rows.extend(VersionRow::of(op, Some(version), module_name, &marker));
        }
    }
    let doc = format!(" The operations of the `{tag}` tag.");
    // A tag with only preview operations has nothing to call without the `preview` feature.
    let all_preview = ops.iter().all(|op| op.preview_only());
    let unused = all_preview.then(|| quote!(#[cfg_attr(not(feature = "preview"), allow(dead_code))]));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #api<'c> {
            #unused
            client: &'c crate::Client,
        }
        impl<'c> #api<'c> {
            pub(crate) fn new(client: &'c crate::Client) -> Self {
                Self { client }
            }
            #(#methods)*
        }
        #(#markers)*
    }
}

/// The tag module's own docs: what the tag is for (the spec's description of it), how to
/// reach it, and a call that compiles (a read whose arguments the spec's examples give).
fn module_doc(model: &Model, api_version: &str, tag: &str, module: &str, ops: &[&Operation], examples: &super::e2e::Examples) -> TokenStream {
    let mut text = model.tag_docs.get(tag).cloned().unwrap_or_else(|| format!("The `{tag}` operations."));
    text.push_str(&format!("\n\nThe operations of the spec's `{tag}` tag: `client.{module}()`, with the cargo feature `{module}`."));
    // The simplest read: a GET with no body, in a dated version, whose every argument the
    // spec gives as text (ids, names); fewest arguments first.
    let mut reads: Vec<(&Operation, Vec<String>)> = ops
        .iter()
        .copied()
        .filter(|op| op.method == "GET" && op.body.is_none() && !op.deprecated && op.version_for(api_version).is_some_and(|v| v != "preview"))
        .filter_map(|op| {
            let values = super::e2e::argument_values(model, op, examples)?;
            let texts: Option<Vec<String>> = values.iter().map(|v| v.as_str().map(|s| format!("{s:?}.parse()?"))).collect();
            Some((op, texts?))
        })
        .collect();
    reads.sort_by(|a, b| (a.1.len(), &a.0.name).cmp(&(b.1.len(), &b.0.name)));
    let call = match reads.first() {
        Some((op, args)) => format!("let answer = client.{module}().{}({}).send().await?;\n# let _ = answer;", op.name, args.join(", ")),
        None => format!("let {module} = client.{module}();\n# let _ = {module};"),
    };
    let example = format!(
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = atlas_admin::Client::from_env()?;\n{call}\n# Ok(()) }}\n```"
    );
    let lines = super::docs::sanitize(&text).into_iter().chain(std::iter::once(String::new())).chain(example.lines().map(str::to_owned));
    let attrs = lines.map(|line| {
        let line = if line.is_empty() { line } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    quote!(#(#attrs)*)
}

/// One row of `tests/spec_versions.rs`: an operation at one (Atlas) version, and the media
/// types the spec lists for that version (success responses of all statuses, request body).
struct VersionRow {
    module: String,
    marker: String,
    version: String,
    method: String,
    path: String,
    accepts: Vec<String>,
    bodies: Vec<String>,
}

impl VersionRow {
    fn of(op: &Operation, version: Option<&str>, module: &str, marker: &proc_macro2::Ident) -> Option<Self> {
        let version = version?;
        let of_version = |c: &&Content| c.version.as_deref() == Some(version);
        let media = |c: &Content| c.media_type.clone();
        Some(VersionRow {
            module: module.to_string(),
            marker: marker.to_string(),
            version: version.to_string(),
            method: op.method.clone(),
            path: op.path.clone(),
            accepts: op.success_contents().filter(of_version).map(media).collect(),
            bodies: op.body.iter().flat_map(|b| &b.contents).filter(of_version).map(media).collect(),
        })
    }

    fn tokens(&self) -> TokenStream {
        let VersionRow { module, marker, version, method, path, accepts, bodies } = self;
        let (module, marker) = (format_ident!("{module}"), format_ident!("{marker}"));
        let preview = (version == "preview").then(|| quote!(#[cfg(feature = "preview")]));
        quote! {
            #preview
            row::<atlas_admin::apis::#module::#marker>(#version, #method, #path, &[#(#accepts),*], &[#(#bodies),*], &mut failures);
        }
    }
}

/// The parameters an operation's method takes, in order: the path parameters in the path's
/// order (`group_id, client_id, secret_id`), then the other required ones in the params
/// struct's order (which is also the order of its `new`).
pub(super) fn method_arguments<'f>(op: &Operation, fields: &[&'f crate::ir::Field]) -> Vec<&'f crate::ir::Field> {
    let mut required: Vec<&crate::ir::Field> = fields.iter().copied().filter(|f| !f.is_optional()).collect();
    required.sort_by_key(|f| op.path.find(&format!("{{{}}}", f.wire)).unwrap_or(usize::MAX));
    required
}

/// The content of `version`: exactly, else the newest dated one not after it (a body that
/// did not change with the version), else the oldest dated one, else the last.
fn content_for<'o>(contents: impl IntoIterator<Item = &'o Content>, version: Option<&str>) -> Option<&'o Content> {
    let contents: Vec<&Content> = contents.into_iter().collect();
    let dated = || contents.iter().copied().filter(|c| c.version.as_deref() != Some("preview"));
    contents
        .iter()
        .copied()
        .find(|c| c.version.as_deref() == version)
        .or_else(|| dated().filter(|c| version.is_none_or(|v| c.version.as_deref() <= Some(v))).max_by_key(|c| &c.version))
        .or_else(|| dated().min_by_key(|c| &c.version))
        .or(contents.last().copied())
}

/// The media type a call at `version` names for a body of `content`: the version's own,
/// whichever version's schema the body borrows, so Accept and Content-Type always name the
/// same version (Atlas answers the version Accept names).
fn media_for(version: Option<&str>, version_text: &str, content: Option<&Content>) -> String {
    match content {
        Some(c) if c.version.as_deref() == version || c.version.is_none() => c.media_type.clone(),
        Some(c) if !c.encoding.is_empty() => format!("application/vnd.atlas.{version_text}+{}", c.encoding),
        _ => format!("application/vnd.atlas.{version_text}+json"),
    }
}

/// What the docs of every method of one operation say about its versions: each version,
/// the method that sends it and its sunset date, then Atlas's own change notes.
struct VersionHistory<'o> {
    /// (version, the method sending it, `x-sunset`), oldest first.
    versions: Vec<(&'o str, Option<String>, Option<&'o str>)>,
    changelog: &'o [(String, String)],
}

impl<'o> VersionHistory<'o> {
    fn of(op: &'o Operation, newest: Option<&str>) -> Self {
        let sunsets = op.sunsets();
        let versions = op
            .versions()
            .into_iter()
            .map(|v| {
                let method = if Some(v) == newest {
                    Some(op.name.clone())
                } else if v == "preview" {
                    None
                } else {
                    Some(format!("{}_v{}", op.name, v.replace('-', "_")))
                };
                (v, method, sunsets.get(v).copied())
            })
            .collect();
        VersionHistory { versions, changelog: &op.changelog }
    }

    /// The Markdown sections, with `sent` (the version of the method documented) marked.
    fn doc(&self, sent: Option<&str>) -> String {
        let mut doc = String::new();
        if self.versions.len() > 1 || self.versions.iter().any(|(_, _, sunset)| sunset.is_some()) {
            doc.push_str("\n\n# Versions\n");
            for (version, method, sunset) in &self.versions {
                let how = match method {
                    Some(m) if Some(*version) == sent => format!("this method (`{m}`)"),
                    Some(m) => format!("[`{m}`](Self::{m})"),
                    None => "no method: a preview of an operation that has dated versions".to_string(),
                };
                let sunset = sunset.map(|s| format!("; Atlas stops serving it on {s}")).unwrap_or_default();
                doc.push_str(&format!("\n- `{version}`: {how}{sunset}"));
            }
        }
        if !self.changelog.is_empty() {
            doc.push_str("\n\n# Changes\n\nAtlas's notes on this operation (`x-xgen-changelog`):\n");
            for (date, note) in self.changelog {
                doc.push_str(&format!("\n- {date}: {}", note.replace('\n', " ")));
            }
        }
        doc
    }
}

/// Names the generic [`Request`] has for its own methods: a parameter's setter must not take
/// one (it would clash), so it gets a `_param` suffix.
const REQUEST_METHODS: &[&str] =
    &["new", "params", "body_ref", "with_params", "body", "validate", "retry", "send", "send_with_response", "send_stream", "stream", "collect_all"];

/// The method of one operation at one `version` (its newest, or an older one under a
/// suffixed `name`), and, unless `marker_defined`, its marker type: the `Operation` that a
/// `crate::Request` of it sends, with the setters of its optional parameters.
#[allow(clippy::too_many_arguments)]
fn emit_operation(
    model: &Model,
    op: &Operation,
    version: Option<&str>,
    name: &str,
    marker: &proc_macro2::Ident,
    history: &VersionHistory<'_>,
    page_models: &mut BTreeMap<TypeId, PageShape>,
) -> (TokenStream, TokenStream) {
    let version_text = version.unwrap_or("2023-01-01");
    let method_ident = format_ident!("{name}");
    let http_method = format_ident!("{}", op.method);
    let params_def = op.params.map(|id| model.get(id));
    let params_ty = params_def.map(|def| {
        let name = format_ident!("{}", def.name);
        quote!(crate::params::#name)
    });
    let fields: Vec<&crate::ir::Field> = match params_def.map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => s.fields.iter().collect(),
        _ => Vec::new(),
    };
    // Required parameters are the method's arguments, in the params struct's order (that of `new`).
    let required: Vec<&&crate::ir::Field> = fields.iter().filter(|f| !f.is_optional()).collect();
    let args = method_arguments(op, &fields).into_iter().map(|f| {
        let ident = format_ident!("{}", f.ident);
        let ty = type_tokens(model, &f.ty, Scope::Crate);
        quote!(#ident: #ty)
    });
    let arg_names: Vec<_> = required.iter().map(|f| format_ident!("{}", f.ident)).collect();
    let params_init = match &params_ty {
        Some(ty) if !required.is_empty() => quote!(#ty::new(#(#arg_names),*)),
        Some(ty) => quote!(<#ty as Default>::default()),
        None => quote!(crate::request::NoParams),
    };
    let params_assoc = params_ty.clone().unwrap_or(quote!(crate::request::NoParams));

    // Optional parameters: setters (the runtime's own `envelope` and `pretty` excepted).
    let setters: Vec<TokenStream> = fields
        .iter()
        .filter(|f| f.is_optional() && !RUNTIME_PARAMETERS.contains(&f.wire.as_str()))
        .map(|f| {
            let field = format_ident!("{}", f.ident);
            let setter = if REQUEST_METHODS.contains(&f.ident.as_str()) { format_ident!("{}_param", f.ident) } else { field.clone() };
            let ty = type_tokens(model, &f.ty, Scope::Crate);
            let doc = doc_attrs(f.doc.as_deref());
            let deprecated = f.deprecated.then(|| deprecated_attr(f.doc.as_deref()));
            quote! {
                #doc
                #deprecated
                pub fn #setter(mut self, value: #ty) -> Self {
                    self.params.#field = Some(value);
                    self
                }
            }
        })
        .collect();

    // Path, query and headers from the params struct.
    let param_location = |wire: &str| op.parameters.iter().find(|p| p.name == wire).map(|p| p.location);
    let mut path_args = Vec::new();
    let mut query = Vec::new();
    for f in &fields {
        let ident = format_ident!("{}", f.ident);
        let wire = &f.wire;
        match param_location(wire) {
            Some(ParameterLocation::Path) => {
                // The path's placeholders are filled in the path's order, not the struct's.
                let position = op.path.find(&format!("{{{wire}}}")).unwrap_or(usize::MAX);
                path_args.push((position, quote!(&p.#ident)));
            }
            Some(ParameterLocation::Query) if !RUNTIME_PARAMETERS.contains(&wire.as_str()) => {
                query.push(quote!(t.query(#wire, &p.#ident);));
            }
            Some(ParameterLocation::Header) => query.push(quote!(t.header(#wire, &p.#ident);)),
            _ => {}
        }
    }
    path_args.sort_by_key(|(position, _)| *position);
    let path_args: Vec<TokenStream> = path_args.into_iter().map(|(_, arg)| arg).collect();
    let target = params_ty.is_some().then(|| {
        let p = if path_args.is_empty() && query.is_empty() { quote!(_p) } else { quote!(p) };
        quote! {
            fn target(#p: &Self::Params, t: &mut crate::request::Target) -> Result<(), crate::Error> {
                t.path(&[#(#path_args),*])?;
                #(#query)*
                Ok(())
            }
        }
    });

    // The body of the chosen version.
    let body = op.body.as_ref().and_then(|b| content_for(&b.contents, version).map(|c| (b.required, c)));
    let body_ty = body.and_then(|(_, c)| c.ty.as_ref()).filter(|_| body.is_some_and(|(_, c)| c.encoding == "json"));
    let body_required = body.is_some_and(|(required, _)| required);
    let (body_arg, body_init, body_assoc, check) = match body_ty {
        Some(ty) => {
            let ty = type_tokens(model, ty, Scope::Crate);
            let (arg, init) = if body_required { (Some(quote!(body: #ty)), quote!(Some(body))) } else { (None, quote!(None)) };
            // A body with constraints of its own (`maxItems`) is checked by the params
            // struct's `validate_body`, which also checks everything inside it; a body with
            // rules the spec states in prose, by its hand-written check.
            let special = match (&params_ty, body.is_some_and(|(_, c)| !c.constraints.is_empty())) {
                (Some(params), true) => Some(quote!(#params::validate_body(body))),
                _ => PROSE_RULES.iter().find(|(id, _)| *id == op.id).map(|(_, rule)| {
                    let rule = format_ident!("{rule}");
                    quote!(body.#rule())
                }),
            };
            let check = special.map(|check| {
                quote! {
                    fn check(params: &Self::Params, body: Option<&Self::Body>) -> Result<(), crate::validation::Violations> {
                        crate::Validate::validate_request(params)?;
                        body.map_or(Ok(()), |body| #check)
                    }
                }
            });
            (arg, init, ty, check)
        }
        None => (None, quote!(None), quote!(crate::request::NoBody), None),
    };
    let all_args: Vec<TokenStream> = args.chain(body_arg).collect();

    // The success response of the chosen version, from all the success statuses together.
    let success_content = content_for(op.success_contents(), version);
    let answer = match success_content {
        // A string answer is text: Atlas sends the PEM or XML itself, not a JSON string.
        Some(c) if c.encoding == "json" && c.ty == Some(crate::ir::TypeRef::Builtin(crate::ir::Builtin::String)) => {
            quote!(crate::request::Text)
        }
        Some(c) if c.encoding == "json" && c.ty.is_some() => {
            let ty = type_tokens(model, c.ty.as_ref().expect("checked"), Scope::Crate);
            quote!(crate::request::Json<#ty>)
        }
        Some(c) if c.encoding != "json" => quote!(crate::request::Download),
        _ => quote!(crate::request::Empty),
    };

    let accept = media_for(version, version_text, success_content);
    let content_type = media_for(version, version_text, body.map(|(_, c)| c));
    let id = &op.id;
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary);
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        doc.push_str(description);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {}` (`{id}`), API version `{version_text}`.", op.method, op.path));
    if !op.roles.is_empty() {
        doc.push_str(&format!(" Roles: {}.", op.roles.join(", ")));
    }
    if let Some(url) = &op.docs_url {
        doc.push_str(&format!(" [Atlas docs]({url})."));
    }
    doc.push_str(&history.doc(version));
    let doc = doc_attrs(Some(&doc));
    // A name the operation shipped under before forwards to it, deprecated (and says so
    // once, with the spec's own deprecation if there is one).
    let deprecated = if op.deprecated_names.iter().any(|n| n == name) {
        let spec = if op.deprecated { " The operation is deprecated in the Atlas Admin API spec." } else { "" };
        let note = format!("renamed: use `{}` (the operation is `{}` now).{spec}", op.name, op.id);
        Some(quote!(#[deprecated(note = #note)]))
    } else {
        op.deprecated.then(|| deprecated_attr(Some("The operation is deprecated in the Atlas Admin API spec.")))
    };
    let preview = (version == Some("preview")).then(|| quote!(#[cfg(feature = "preview")]));
    let method = quote! {
        #doc
        #deprecated
        #preview
        pub fn #method_ident(&self, #(#all_args),*) -> crate::Request<#marker> {
            crate::Request::new(self.client, #params_init, #body_init)
        }
    };
    let template = &op.path;
    // A list operation without a body: `stream()` and `collect_all()` across its pages.
    let page = body_ty
        .is_none()
        .then(|| pages::page_shape(model, &fields, success_content.filter(|c| c.encoding == "json").and_then(|c| c.ty.as_ref())))
        .flatten();
    let paged = page.map(|shape| {
        let paged = pages::paged_impl(model, &shape, marker, &preview);
        page_models.insert(shape.page, shape);
        paged
    });
    let marker_doc = format!(
        " `{id}` at version `{version_text}` (`{} {}`): the [`Operation`](crate::request::Operation) of the \
         [`Request`](crate::Request) that the `{name}` method returns.",
        op.method, op.path
    );
    let setters_impl = (!setters.is_empty()).then(|| {
        quote! {
            #preview
            impl crate::Request<#marker> {
                #(#setters)*
            }
        }
    });
    let marker_def = quote! {
        #[doc = #marker_doc]
        #[derive(Debug, Clone, Copy)]
        #preview
        pub struct #marker;
        #preview
        impl crate::request::Operation for #marker {
            const ID: &'static str = #id;
            const METHOD: crate::Method = crate::Method::#http_method;
            const PATH: &'static str = #template;
            const ACCEPT: &'static str = #accept;
            const CONTENT_TYPE: &'static str = #content_type;
            type Params = #params_assoc;
            type Body = #body_assoc;
            type Answer = #answer;
            #target
            #check
        }
        #setters_impl
        #paged
    };
    (method, marker_def)
}

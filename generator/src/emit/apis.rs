//! `src/apis/`: one module per spec tag, with an accessor on the client
//! (`client.clusters()`) and, per operation, a method taking the required parameters and
//! returning a builder whose setters take the optional ones and whose `send()` hands one
//! `Call` to the hand-written runtime (`Client::execute`). Everything else (auth, the
//! versioned media type, validation before sending, errors) lives in the runtime, once.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
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

pub fn emit(model: &Model, features: &crate::ir::features::Features, api_version: &str, tree: &mut Tree) -> Result<()> {
    let mut tags: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &model.operations {
        tags.entry(op.tag.as_str()).or_default().push(op);
    }
    let mut modules = Vec::new();
    let mut page_models = BTreeMap::new();
    for (tag, ops) in &tags {
        // The module is the registry's (a shipped module keeps its name if its tag is renamed).
        let module_name = model.modules.get(*tag).cloned().unwrap_or_else(|| names::field_name(tag));
        let module = format_ident!("{module_name}");
        let accessor = module.clone();
        let api = format_ident!("{}", module_name.to_upper_camel_case());
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
        tree.add_rust(&format!("src/apis/{module}.rs"), emit_tag(model, api_version, tag, &api, ops, &mut page_models))?;
    }
    let version_doc = format!(
        " The API date this crate was generated for (`cargo xtask generate --api-version`): each \
         operation's plain method sends its newest version not after {api_version}, and its other \
         versions are the methods suffixed `_vYYYY_MM_DD`."
    );
    let page_impls = pages::page_impls(model, features, &page_models);
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
        },
    )
}

fn emit_tag(
    model: &Model,
    api_version: &str,
    tag: &str,
    api: &proc_macro2::Ident,
    ops: &[&Operation],
    page_models: &mut BTreeMap<TypeId, PageShape>,
) -> TokenStream {
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    let mut scope = names::Scope::with_reserved_types();
    scope.claim(&api.to_string());
    for op in ops {
        let newest = op.version_for(api_version);
        let builder = format_ident!("{}", scope.claim(&op.name.to_upper_camel_case()));
        let history = VersionHistory::of(op, newest);
        let (method, builder_def) = emit_operation(model, op, newest, &op.name, &builder, &history, page_models);
        methods.push(method);
        builders.push(builder_def);
        // Names it shipped under before: the same call, deprecated.
        for old in &op.deprecated_names {
            let (method, _) = emit_operation(model, op, newest, old, &builder, &history, page_models);
            let note = format!("renamed: use `{}` (the operation is `{}` now)", op.name, op.id);
            methods.push(quote!(#[deprecated(note = #note)] #method));
        }
        // Every other dated version, one name away: `get_cluster_v2023_02_01`.
        for version in op.versions().into_iter().filter(|v| Some(*v) != newest && *v != "preview") {
            let suffix = format!("v{}", version.replace('-', "_"));
            let name = format!("{}_{suffix}", op.name);
            let builder = format_ident!("{}", scope.claim(&format!("{}V{}", op.name.to_upper_camel_case(), version.replace('-', ""))));
            let (method, builder_def) = emit_operation(model, op, Some(version), &name, &builder, &history, page_models);
            methods.push(method);
            builders.push(builder_def);
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
        #(#builders)*
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
fn content_for<'o>(contents: &'o [Content], version: Option<&str>) -> Option<&'o Content> {
    let dated = || contents.iter().filter(|c| c.version.as_deref() != Some("preview"));
    contents
        .iter()
        .find(|c| c.version.as_deref() == version)
        .or_else(|| dated().filter(|c| version.is_none_or(|v| c.version.as_deref() <= Some(v))).max_by_key(|c| &c.version))
        .or_else(|| dated().min_by_key(|c| &c.version))
        .or(contents.last())
}

/// The method and builder of one operation at one `version` (its newest, or an older one
/// under a suffixed `name`).
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

#[allow(clippy::too_many_arguments)]
fn emit_operation(
    model: &Model,
    op: &Operation,
    version: Option<&str>,
    name: &str,
    builder: &proc_macro2::Ident,
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
    let params_init = match (&params_ty, params_def) {
        (Some(ty), Some(_)) if !required.is_empty() => quote!(#ty::new(#(#arg_names),*)),
        (Some(ty), Some(_)) => quote!(<#ty as Default>::default()),
        _ => quote!(()),
    };
    let params_field_ty = params_ty.clone().unwrap_or(quote!(()));

    // Optional parameters: setters (the runtime's own `envelope` and `pretty` excepted).
    let setters = fields.iter().filter(|f| f.is_optional() && !RUNTIME_PARAMETERS.contains(&f.wire.as_str())).map(|f| {
        let ident = format_ident!("{}", f.ident);
        let ty = type_tokens(model, &f.ty, Scope::Crate);
        let doc = doc_attrs(f.doc.as_deref());
        let deprecated = f.deprecated.then(|| deprecated_attr(f.doc.as_deref()));
        quote! {
            #doc
            #deprecated
            pub fn #ident(mut self, value: #ty) -> Self {
                self.params.#ident = Some(value);
                self
            }
        }
    });

    // Path, query and headers from the params struct.
    let param_location = |wire: &str| op.parameters.iter().find(|p| p.name == wire).map(|p| p.location);
    let mut path_format = op.path.clone();
    let mut path_args = Vec::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for f in &fields {
        let ident = format_ident!("{}", f.ident);
        let wire = &f.wire;
        match param_location(wire) {
            Some(ParameterLocation::Path) => {
                path_format = path_format.replace(&format!("{{{wire}}}"), "{}");
                // `format!` fills `{}` in order: the arguments follow the path, not the struct.
                let position = op.path.find(&format!("{{{wire}}}")).unwrap_or(usize::MAX);
                path_args.push((position, quote!(crate::path_segment(&crate::codec::ParamText::param_text(&p.#ident))?)));
            }
            Some(ParameterLocation::Query) if !RUNTIME_PARAMETERS.contains(&wire.as_str()) => {
                query.push(quote!(crate::codec::QueryValue::push_query(&p.#ident, #wire, &mut query);));
            }
            Some(ParameterLocation::Header) => {
                headers.push(quote!(crate::codec::QueryValue::push_query(&p.#ident, #wire, &mut headers);));
            }
            _ => {}
        }
    }
    // `{` and `}` left in a path are literal (custom methods use `:`, never braces).
    path_args.sort_by_key(|(position, _)| *position);
    let path_args: Vec<TokenStream> = path_args.into_iter().map(|(_, arg)| arg).collect();
    let path_literal = path_format.replace("{}", "\u{0}").replace('{', "{{").replace('}', "}}").replace('\u{0}', "{}");

    // The body of the chosen version.
    let body = op.body.as_ref().and_then(|b| content_for(&b.contents, version).map(|c| (b.required, c)));
    let body_ty = body.and_then(|(_, c)| c.ty.as_ref()).filter(|_| body.is_some_and(|(_, c)| c.encoding == "json"));
    let body_required = body.is_some_and(|(required, _)| required);
    let (body_arg, body_field, body_init, body_setter, body_encode, body_validate) = match body_ty {
        Some(ty) => {
            let ty = type_tokens(model, ty, Scope::Crate);
            let (arg, init, setter) = if body_required {
                (Some(quote!(body: #ty)), quote!(Some(body)), None)
            } else {
                (None, quote!(None), Some(quote! {
                    /// The request body.
                    pub fn body(mut self, body: #ty) -> Self {
                        self.body = Some(body);
                        self
                    }
                }))
            };
            (
                arg,
                Some(quote!(body: Option<#ty>,)),
                Some(quote!(body: #init,)),
                setter,
                quote! {
                    let body = match &self.body {
                        Some(body) => Some(::serde_json::to_vec(body).map_err(|e| crate::Error::Config(format!("cannot encode the body: {e}")))?),
                        None => None,
                    };
                },
                // A body with constraints of its own (`maxItems`) is checked by the params
                // struct's `validate_body`, which also checks everything inside it.
                match (&params_ty, body.is_some_and(|(_, c)| !c.constraints.is_empty())) {
                    (Some(params), true) => quote! {
                        if let (Ok(()), Some(body)) = (&validation, &self.body) {
                            validation = #params::validate_body(body);
                        }
                    },
                    _ => match PROSE_RULES.iter().find(|(id, _)| *id == op.id) {
                        Some((_, rule)) => {
                            let rule = format_ident!("{rule}");
                            quote! {
                                if let (Ok(()), Some(body)) = (&validation, &self.body) {
                                    validation = body.#rule();
                                }
                            }
                        }
                        None => quote! {
                            if let (Ok(()), Some(body)) = (&validation, &self.body) {
                                validation = crate::Validate::validate_request(body);
                            }
                        },
                    },
                },
            )
        }
        None => (None, None, None, None, quote!(let body = None;), quote!()),
    };
    let all_args: Vec<TokenStream> = args.chain(body_arg).collect();

    // The success response of the chosen version.
    let success = op.responses.iter().find(|r| r.status.starts_with('2'));
    let success_content = success.and_then(|r| content_for(&r.contents, version));
    let (output, decode) = match success_content {
        Some(c) if c.encoding == "json" && c.ty.is_some() => {
            let ty = type_tokens(model, c.ty.as_ref().expect("checked"), Scope::Crate);
            (ty, quote!(response.json()))
        }
        Some(c) if c.encoding != "json" => (quote!(crate::Response), quote!(Ok(response))),
        _ => (quote!(()), quote!({ let _ = response; Ok(()) })),
    };

    let default_media = format!("application/vnd.atlas.{version_text}+json");
    let accept = success_content.map_or(default_media.clone(), |c| c.media_type.clone());
    let content_type = body.map_or(default_media, |(_, c)| c.media_type.clone());
    // Only a body check after the parameters' changes the verdict.
    let validation_binding = if body_validate.is_empty() { quote!(validation) } else { quote!(mut validation) };
    let validate_params = if params_ty.is_some() {
        quote!(let #validation_binding = crate::Validate::validate_request(&self.params);)
    } else {
        quote!(let #validation_binding: Result<(), crate::validation::Violations> = Ok(());)
    };
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
    let deprecated = op.deprecated.then(|| deprecated_attr(Some("The operation is deprecated in the Atlas Admin API spec.")));
    let preview = (version == Some("preview")).then(|| quote!(#[cfg(feature = "preview")]));
    let builder_doc = format!(" A `{id}` call: set optional parameters, then `send()`.");
    let method = quote! {
        #doc
        #deprecated
        #preview
        pub fn #method_ident(&self, #(#all_args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                params: #params_init,
                #body_init
                options: crate::CallOptions::default(),
            }
        }
    };
    let path_expr = if path_args.is_empty() {
        let path = &op.path;
        quote!(String::from(#path))
    } else {
        quote!(format!(#path_literal, #(#path_args),*))
    };
    let query_init = if query.is_empty() { quote!(let query = Vec::new();) } else { quote!(let mut query = Vec::new();) };
    let headers_init = if headers.is_empty() { quote!(let headers = Vec::new();) } else { quote!(let mut headers = Vec::new();) };
    // A caller holding a whole params struct (built, stored, or decoded) can pass it.
    let with_params = params_ty.as_ref().map(|ty| {
        quote! {
            /// Every parameter at once (the required ones too), replacing those given so far.
            pub fn with_params(mut self, params: #ty) -> Self {
                self.params = params;
                self
            }
        }
    });
    let template = &op.path;
    // A list operation without a body: `stream()` and `collect_all()` across its pages.
    let page = body_field
        .is_none()
        .then(|| pages::page_shape(model, &fields, success_content.filter(|c| c.encoding == "json").and_then(|c| c.ty.as_ref())))
        .flatten();
    let (page_methods, pageable) = match &page {
        Some(shape) => {
            page_models.insert(shape.page, shape.clone());
            let (methods, pageable) = pages::builder_methods(model, shape, builder, &preview);
            (Some(methods), Some(pageable))
        }
        None => (None, None),
    };
    // A download (gzip, csv) can also be read as it arrives.
    let send_stream = (success_content.is_some_and(|c| c.encoding != "json")).then(|| {
        quote! {
            /// Sends the call and streams the download as it arrives.
            pub async fn send_stream(self) -> Result<crate::ByteStream, crate::Error> {
                let (client, call) = self.into_call()?;
                client.execute_stream(call).await
            }
        }
    });
    let p_binding = if path_args.is_empty() && query.is_empty() && headers.is_empty() { quote!(_p) } else { quote!(p) };
    let builder_def = quote! {
        #[doc = #builder_doc]
        #[must_use = "nothing is sent until `send()`"]
        #[derive(Debug)]
        #preview
        pub struct #builder {
            client: crate::Client,
            params: #params_field_ty,
            #body_field
            options: crate::CallOptions,
        }
        #preview
        impl #builder {
            #(#setters)*
            #with_params
            #body_setter
            /// Whether this call is validated before it is sent (when the client validates;
            /// for where the spec's constraints are wrong).
            pub fn validate(mut self, validate: bool) -> Self {
                self.options.validate = validate;
                self
            }
            /// This call's retry policy instead of the client's (to retry a POST known to be
            /// safe to repeat: `RetryPolicy::default().retry_non_idempotent(true)`).
            pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
                self.options.retry = Some(policy);
                self
            }
            /// Sends the call (validated first unless validation is off).
            pub async fn send(self) -> Result<#output, crate::Error> {
                self.send_with_response().await.map(|r| r.value)
            }
            /// Sends the call and keeps the response's status and headers (request id,
            /// rate limits) beside the decoded value.
            pub async fn send_with_response(self) -> Result<crate::TypedResponse<#output>, crate::Error> {
                let (client, call) = self.into_call()?;
                let response = client.execute(call).await?;
                let (status, headers) = (response.status(), response.headers().clone());
                let value: Result<#output, crate::Error> = { #decode };
                let value = value?;
                Ok(crate::TypedResponse { value, status, headers })
            }
            #send_stream
            #page_methods
            /// The call to hand the runtime, with the client that sends it.
            fn into_call(self) -> Result<(crate::Client, crate::Call), crate::Error> {
                let #p_binding = &self.params;
                let path = #path_expr;
                #query_init
                #(#query)*
                #headers_init
                #(#headers)*
                #validate_params
                #body_validate
                #body_encode
                let call = crate::Call {
                    operation: #id,
                    method: crate::Method::#http_method,
                    path_template: #template,
                    path,
                    query,
                    headers,
                    accept: #accept,
                    content_type: #content_type,
                    body,
                    validation,
                    options: self.options,
                };
                Ok((self.client, call))
            }
        }
        #pageable
    };
    (method, builder_def)
}

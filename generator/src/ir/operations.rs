//! Operations: path, method, tag, parameters, and the request and response bodies of every
//! media type, each with its Atlas API version (`application/vnd.atlas.2024-08-05+json`).
//! Inline schemas become types named after the operation.

use openapiv3::{Parameter as SpecParameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response as SpecResponse};

use super::lower::{Lowerer, SchemaRef};
use super::names;
use super::{Builtin, TypeRef};
use crate::error::{pointer_token, Error, Result};

#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// The method name a client gives it: the snake_case of its short name
    /// (`x-xgen-operation-id-override`, the name the Go SDK and the Atlas CLI use:
    /// `listClusters` for `listGroupClusters`), else of its `operationId`; unique in its tag.
    pub name: String,
    /// `x-xgen-docs-url`: the operation's page in the Atlas docs.
    pub docs_url: Option<String>,
    /// `x-rolesRequirements`: the roles that may call it.
    pub roles: Vec<String>,
    /// Upper-case HTTP method.
    pub method: String,
    pub path: String,
    /// The operation's (single) tag: the API module it belongs to.
    pub tag: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub pointer: String,
    /// The struct of its path, query and header parameters (`<OperationId>Params`).
    pub params: Option<super::TypeId>,
    /// Method names it shipped under before (`#[deprecated]` forwarding methods), from the
    /// registry of names.
    pub deprecated_names: Vec<String>,
    /// `x-xgen-changelog`: Atlas's own notes on changes to the operation, (date, note),
    /// oldest first.
    pub changelog: Vec<(String, String)>,
}

impl Operation {
    /// Its success responses (every 2xx status), in spec order.
    pub fn successes(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.starts_with('2'))
    }

    /// The contents of all its success responses together: versions may answer with
    /// different statuses (201 at 2024-05-30, 200 at 2023-01-01).
    pub fn success_contents(&self) -> impl Iterator<Item = &Content> {
        self.successes().flat_map(|r| r.contents.iter())
    }

    /// Every Atlas API version its request body and success responses come in, oldest first
    /// (`preview` last).
    pub fn versions(&self) -> Vec<&str> {
        let bodies = self.body.iter().flat_map(|b| b.contents.iter());
        let mut versions: Vec<&str> = bodies.chain(self.success_contents()).filter_map(|c| c.version.as_deref()).collect();
        versions.sort_by_key(|v| (*v == "preview", *v));
        versions.dedup();
        versions
    }

    /// The version a crate generated for the API date `target` sends: the newest dated
    /// version not after `target`; for an operation newer than the target, its oldest dated
    /// version (it stays callable); for a preview-only one, `preview`.
    pub fn version_for(&self, target: &str) -> Option<&str> {
        let versions = self.versions();
        let dated = || versions.iter().copied().filter(|v| *v != "preview");
        dated().rfind(|v| *v <= target).or_else(|| dated().next()).or(versions.last().copied())
    }

    /// The `x-sunset` date of each version that has one: the day Atlas stops serving it.
    pub fn sunsets(&self) -> std::collections::BTreeMap<&str, &str> {
        let bodies = self.body.iter().flat_map(|b| b.contents.iter());
        let responses = self.responses.iter().flat_map(|r| r.contents.iter());
        let mut sunsets = std::collections::BTreeMap::new();
        for c in bodies.chain(responses) {
            if let (Some(version), Some(sunset)) = (c.version.as_deref(), c.sunset.as_deref()) {
                // Statuses may disagree; the earliest date is the one to plan for.
                let entry = sunsets.entry(version).or_insert(sunset);
                *entry = (*entry).min(sunset);
            }
        }
        sunsets
    }

    /// Whether it exists only as a preview (no dated version).
    pub fn preview_only(&self) -> bool {
        let versions = self.versions();
        !versions.is_empty() && versions.iter().all(|v| *v == "preview")
    }
}

/// Every dated version of every operation (with repeats). The newest is the API date a
/// crate is generated for unless the maintainer picks another (`cargo xtask generate
/// --api-version`); none may be older than the oldest.
pub fn dated_versions(operations: &[Operation]) -> impl Iterator<Item = &str> {
    operations.iter().flat_map(|op| op.versions()).filter(|v| *v != "preview")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub location: ParameterLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// What the value must satisfy beyond its type.
    pub constraints: super::Constraints,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub required: bool,
    pub doc: Option<String>,
    pub contents: Vec<Content>,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `4XX`, `default`.
    pub status: String,
    pub doc: String,
    pub contents: Vec<Content>,
}

/// One media type of a body.
#[derive(Debug, Clone)]
pub struct Content {
    pub media_type: String,
    /// The Atlas API version the media type selects: `2024-08-05`, `preview`, or none.
    pub version: Option<String>,
    /// How the body is encoded: `json`, `gzip`, `csv`, ...
    pub encoding: String,
    /// The body's type; `None` when the spec gives no schema.
    pub ty: Option<TypeRef>,
    /// Constraints on the body as a whole (two request bodies are arrays with `maxItems`).
    pub constraints: super::Constraints,
    /// `x-sunset`: the date Atlas stops serving this version.
    pub sunset: Option<String>,
}

/// Splits `application/vnd.atlas.2024-08-05+json` into (`2024-08-05`, `json`).
pub fn atlas_version(media_type: &str) -> (Option<String>, String) {
    if let Some(rest) = media_type.strip_prefix("application/vnd.atlas.") {
        if let Some((version, encoding)) = rest.split_once('+') {
            return (Some(version.to_string()), encoding.to_string());
        }
        return (Some(rest.to_string()), String::new());
    }
    let encoding = match media_type {
        "application/json" => "json",
        "text/csv" => "csv",
        "application/gzip" => "gzip",
        other => other,
    };
    (None, encoding.to_string())
}

/// Every `{name}` of the path template is a declared path parameter, and every declared
/// path parameter is in the template: otherwise a call could not be built, or a method would
/// take an argument that goes nowhere.
fn check_path_parameters(path: &str, parameters: &[Parameter], pointer: &str) -> Result<()> {
    let in_template: Vec<&str> = path.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name).collect();
    let declared = || parameters.iter().filter(|p| p.location == ParameterLocation::Path);
    if let Some(missing) = in_template.iter().find(|name| !declared().any(|p| p.name == **name)) {
        return Err(Error::spec(pointer, format!("the path's `{{{missing}}}` is not declared as a path parameter")));
    }
    if let Some(stray) = declared().find(|p| !in_template.contains(&p.name.as_str())) {
        return Err(Error::spec(pointer, format!("path parameter `{}` is not in the path {path}", stray.name)));
    }
    Ok(())
}

/// `2024-08-05` or `preview`.
fn is_api_version(version: &str) -> bool {
    let date = version.len() == 10
        && version.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    date || version == "preview"
}

/// A string-valued vendor extension of an operation.
fn extension_str<'o>(op: &'o openapiv3::Operation, key: &str) -> Option<&'o str> {
    op.extensions.get(key).and_then(serde_json::Value::as_str)
}

const PARAMETER_PREFIX: &str = "#/components/parameters/";
const RESPONSE_PREFIX: &str = "#/components/responses/";
const BODY_PREFIX: &str = "#/components/requestBodies/";

/// Looks a reference up in one `components` map, with an error naming where it was used.
fn component<'a, T>(
    map: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
    prefix: &str,
    reference: &str,
    pointer: &str,
) -> Result<(&'a T, String)> {
    let name = reference
        .strip_prefix(prefix)
        .ok_or_else(|| Error::spec(pointer, format!("$ref {reference:?} does not start with {prefix}")))?;
    match map.and_then(|m| m.get(name)) {
        Some(ReferenceOr::Item(item)) => {
            Ok((item, format!("{}{}", prefix.trim_start_matches('#'), pointer_token(name))))
        }
        _ => Err(Error::spec(pointer, format!("$ref {reference:?} names nothing this generator can resolve"))),
    }
}

pub fn lower_operations<'a>(cx: &mut Lowerer<'a>) -> Result<()> {
    let api = cx.api;
    let components = api.components.as_ref();
    // Method names are unique per tag (one API module each).
    let mut method_names: std::collections::BTreeMap<String, names::Scope> = std::collections::BTreeMap::new();
    // Where each operationId, and each (tag, method name), was first seen: a second one is a
    // broken spec (two methods for one name, or one silently renamed), refused naming both.
    let mut ids: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut shorts: std::collections::BTreeMap<(String, String), String> = std::collections::BTreeMap::new();
    for (path, item) in api.paths.iter() {
        let item_pointer = format!("/paths/{}", pointer_token(path));
        let ReferenceOr::Item(item) = item else {
            return Err(Error::spec(item_pointer, "path items given by $ref are not supported"));
        };
        for (method, op) in item.iter() {
            let pointer = format!("{item_pointer}/{method}");
            let id = op
                .operation_id
                .clone()
                .ok_or_else(|| Error::spec(&pointer, "operation has no operationId"))?;
            let tag = match op.tags.as_slice() {
                [tag] => tag.clone(),
                [] => return Err(Error::spec(&pointer, "operation has no tag")),
                tags => {
                    return Err(Error::spec(&pointer, format!("operation has {} tags; one is expected", tags.len())))
                }
            };
            if let Some(first) = ids.insert(id.clone(), pointer.clone()) {
                return Err(Error::spec(&pointer, format!("operationId `{id}` is also the operationId of {first}; each must be unique")));
            }
            let home = names::type_name(&id);

            // Path-level parameters first; the operation's own override by (name, in).
            let mut parameters: Vec<Parameter> = Vec::new();
            let sources = item
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("{item_pointer}/parameters/{i}"), p))
                .chain(op.parameters.iter().enumerate().map(|(i, p)| (format!("{pointer}/parameters/{i}"), p)));
            for (param_pointer, param) in sources {
                let (param, param_pointer) = match param {
                    ReferenceOr::Reference { reference } => {
                        let (p, ptr) = component(components.map(|c| &c.parameters), PARAMETER_PREFIX, reference, &param_pointer)?;
                        (p, ptr)
                    }
                    ReferenceOr::Item(p) => (p, param_pointer),
                };
                let lowered = lower_parameter(cx, param, &param_pointer, &home)?;
                parameters.retain(|p| !(p.name == lowered.name && p.location == lowered.location));
                parameters.push(lowered);
            }

            let body = match &op.request_body {
                None => None,
                Some(body) => {
                    let body_pointer = format!("{pointer}/requestBody");
                    let (body, body_pointer): (&RequestBody, String) = match body {
                        ReferenceOr::Reference { reference } => {
                            component(components.map(|c| &c.request_bodies), BODY_PREFIX, reference, &body_pointer)?
                        }
                        ReferenceOr::Item(b) => (b, body_pointer),
                    };
                    Some(Body {
                        required: body.required,
                        doc: body.description.clone(),
                        contents: lower_contents(cx, &body.content, &body_pointer, &format!("{home}Request"), &home)?,
                    })
                }
            };

            let mut responses = Vec::new();
            let statuses = op
                .responses
                .responses
                .iter()
                .map(|(status, r)| (status.to_string(), r))
                .chain(op.responses.default.iter().map(|r| ("default".to_string(), r)));
            for (status, response) in statuses {
                let response_pointer = format!("{pointer}/responses/{status}");
                let (response, response_pointer): (&SpecResponse, String) = match response {
                    ReferenceOr::Reference { reference } => {
                        component(components.map(|c| &c.responses), RESPONSE_PREFIX, reference, &response_pointer)?
                    }
                    ReferenceOr::Item(r) => (r, response_pointer),
                };
                let hint = format!("{home}Response{}", names::type_name(&status));
                responses.push(Response {
                    contents: lower_contents(cx, &response.content, &response_pointer, &hint, &home)?,
                    status,
                    doc: response.description.clone(),
                });
            }

            check_path_parameters(path, &parameters, &pointer)?;
            let short = extension_str(op, "x-xgen-operation-id-override").unwrap_or(&id);
            if let Some(first) = shorts.insert((tag.clone(), names::field_name(short)), pointer.clone()) {
                return Err(Error::spec(
                    &pointer,
                    format!("the short name `{short}` is also the short name of {first}, in the same tag `{tag}`: two methods of one module would have one name"),
                ));
            }
            let name = method_names.entry(tag.clone()).or_default().claim_reported(
                &names::field_name(short),
                &pointer,
                &mut cx.model.renames,
            );
            let docs_url = extension_str(op, "x-xgen-docs-url").map(str::to_owned);
            let roles = match op.extensions.get("x-rolesRequirements") {
                Some(serde_json::Value::Array(roles)) => roles.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect(),
                _ => Vec::new(),
            };
            let changelog = match op.extensions.get("x-xgen-changelog") {
                Some(serde_json::Value::Object(notes)) => notes
                    .iter()
                    .filter_map(|(date, note)| Some((date.clone(), note.as_str()?.trim().to_owned())))
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            };
            let route = format!("{} {path}", method.to_uppercase());
            let params = params_struct(cx, &id, &tag, &route, &parameters, &pointer, op.deprecated);
            cx.model.operations.push(Operation {
                params,
                deprecated_names: Vec::new(),
                changelog,
                name,
                docs_url,
                roles,
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                tag,
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                parameters,
                body,
                responses,
                pointer,
            });
        }
    }
    cx.model.operations.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(())
}

fn lower_parameter<'a>(cx: &mut Lowerer<'a>, param: &'a SpecParameter, pointer: &str, home: &str) -> Result<Parameter> {
    let location = match param {
        SpecParameter::Path { .. } => ParameterLocation::Path,
        SpecParameter::Query { .. } => ParameterLocation::Query,
        SpecParameter::Header { .. } => ParameterLocation::Header,
        SpecParameter::Cookie { .. } => ParameterLocation::Cookie,
    };
    let data = param.parameter_data_ref();
    let (ty, constraints) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            // Shared parameters name their inline types after themselves, not one user.
            let owner = if pointer.starts_with("/components/") { "" } else { home };
            let hint = format!("{owner}{}", names::type_name(&data.name));
            let schema_pointer = format!("{pointer}/schema");
            let ty = cx.lower_schema(SchemaRef::from(schema), &schema_pointer, &hint, home)?;
            cx.record_enum_site(&ty, &data.name, home);
            let constraints = cx.constraints(SchemaRef::from(schema), &ty, &schema_pointer, &data.name)?;
            (ty, constraints)
        }
        ParameterSchemaOrContent::Content(_) => (TypeRef::Builtin(Builtin::String), super::Constraints::default()),
    };
    Ok(Parameter {
        name: data.name.clone(),
        location,
        required: data.required,
        ty,
        doc: data.description.clone(),
        deprecated: data.deprecated.unwrap_or(false),
        constraints,
    })
}

fn lower_contents<'a>(
    cx: &mut Lowerer<'a>,
    content: &'a indexmap::IndexMap<String, openapiv3::MediaType>,
    pointer: &str,
    hint: &str,
    home: &str,
) -> Result<Vec<Content>> {
    let mut contents = Vec::new();
    for (media_type, media) in content {
        let (version, encoding) = atlas_version(media_type);
        // A version names methods (`_v2023_01_01`) and goes into headers: only a date or
        // `preview` can.
        if let Some(version) = version.as_deref().filter(|v| !is_api_version(v)) {
            let at = format!("{pointer}/content/{}", pointer_token(media_type));
            return Err(Error::spec(at, format!("media type {media_type:?}: the API version {version:?} is neither a date (YYYY-MM-DD) nor `preview`")));
        }
        let media_pointer = format!("{pointer}/content/{}/schema", pointer_token(media_type));
        let version_hint = match &version {
            Some(v) if content.len() > 1 => format!("{hint}{}", names::type_name(v)),
            _ => hint.to_string(),
        };
        let (ty, constraints) = match &media.schema {
            Some(schema) => {
                let ty = cx.lower_schema(schema.into(), &media_pointer, &version_hint, home)?;
                let constraints = cx.constraints(schema.into(), &ty, &media_pointer, "body")?;
                (Some(ty), constraints)
            }
            None => (None, super::Constraints::default()),
        };
        // Whole request and response examples: each must decode into the body's model.
        if let (Some(ty), "json") = (&ty, encoding.as_str()) {
            let examples_pointer = format!("{pointer}/content/{}/examples", pointer_token(media_type));
            for (name, example) in &media.examples {
                if let openapiv3::ReferenceOr::Item(openapiv3::Example { value: Some(value), .. }) = example {
                    cx.model.examples.push(super::Example {
                        pointer: format!("{examples_pointer}/{}/value", pointer_token(name)),
                        request: pointer.contains("/requestBody"),
                        value: value.clone(),
                        ty: ty.clone(),
                        constraints: constraints.clone(),
                    });
                }
            }
        }
        let sunset = media.extensions.get("x-sunset").and_then(serde_json::Value::as_str).map(str::to_owned);
        contents.push(Content { media_type: media_type.clone(), version, encoding, ty, constraints, sunset });
    }
    Ok(contents)
}

/// `<OperationId>Params`: the operation's parameters as one struct that validates them, so
/// a request can be refused before anything is sent.
fn params_struct(
    cx: &mut Lowerer<'_>,
    id: &str,
    tag: &str,
    route: &str,
    parameters: &[Parameter],
    pointer: &str,
    deprecated: bool,
) -> Option<super::TypeId> {
    let parameters: Vec<&Parameter> =
        parameters.iter().filter(|p| p.location != ParameterLocation::Cookie).collect();
    if parameters.is_empty() {
        return None;
    }
    let mut idents = names::Scope::default();
    let fields = parameters
        .iter()
        .map(|p| super::Field {
            wire: p.name.clone(),
            ident: idents.claim(&names::field_name(&p.name)),
            ty: p.ty.clone(),
            required: p.required,
            read_only: false,
            write_only: false,
            nullable: false,
            deprecated: p.deprecated,
            doc: p.doc.clone(),
            boxed: false,
            constraints: p.constraints.clone(),
            secret: false,
            format: None,
        })
        .collect();
    let wanted = format!("{}Params", names::type_name(id));
    let name = cx.type_names.claim_reported(&wanted, pointer, &mut cx.model.renames);
    Some(cx.push_type(super::TypeDef {
        name,
        pointer: pointer.to_string(),
        home: names::type_name(tag),
        group: super::Group::Params,
        doc: Some(format!("Parameters of `{id}` (`{route}`).")),
        deprecated,
        kind: super::TypeKind::Struct(super::Struct { fields, additional: None, extra: None }),
        aliases: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_atlas_media_types() {
        assert_eq!(atlas_version("application/vnd.atlas.2024-08-05+json"), (Some("2024-08-05".into()), "json".into()));
        assert_eq!(atlas_version("application/vnd.atlas.2023-01-01+gzip"), (Some("2023-01-01".into()), "gzip".into()));
        assert_eq!(atlas_version("application/vnd.atlas.preview+json"), (Some("preview".into()), "json".into()));
        assert_eq!(atlas_version("application/json"), (None, "json".into()));
    }
}

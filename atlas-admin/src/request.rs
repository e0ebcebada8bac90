//! One request type for every operation: [`Request<Op>`] carries the parameters, the body and
//! the call's options, and owns validation, retries, sending, decoding and paging once. Each
//! generated operation is only a marker type (`apis::clusters::ListClusters`) that says what
//! its call is ([`Operation`]: method, path, media types, parameters, body, answer) plus the
//! setters of its optional parameters. Written by hand; the generator never touches this file.
//!
//! Generic code is compiled where it is used: a crate that calls one operation compiles the
//! sending code of that one, not of all 588.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::{Call, CallOptions};
use crate::codec::{ParamText, QueryValue};
use crate::pagination::{Page, Pageable};
use crate::validation::Violations;
use crate::{ByteStream, Client, Error, Method, Response, RetryPolicy, TypedResponse, Validate};

/// An operation of the Atlas Admin API at one version. Implemented by the generated marker
/// types; a call is a [`Request`] of one.
pub trait Operation: Send + Sync + Sized + 'static {
    /// The `operationId`.
    const ID: &'static str;
    const METHOD: Method;
    /// The path as the spec writes it (`/api/atlas/v2/groups/{groupId}/clusters`).
    const PATH: &'static str;
    /// The media type of the answer it expects: the version it sends
    /// (`application/vnd.atlas.2024-08-05+json`).
    const ACCEPT: &'static str;
    /// The media type of its body (the same version).
    const CONTENT_TYPE: &'static str;
    /// Its path, query and header parameters ([`NoParams`] when it has none).
    type Params: Validate + Clone + fmt::Debug + Send + Sync + 'static;
    /// Its request body ([`NoBody`] when it has none).
    type Body: Serialize + Validate + fmt::Debug + Send + Sync + 'static;
    /// How its success answer is read: [`Json`], [`Empty`] or [`Download`].
    type Answer: Answer;

    /// Puts the parameters in their places: the path's, then query and headers.
    fn target(params: &Self::Params, target: &mut Target) -> Result<(), Error> {
        let _ = params;
        target.path(&[])
    }

    /// Checks the parameters, then the body, before anything is sent.
    fn check(params: &Self::Params, body: Option<&Self::Body>) -> Result<(), Violations> {
        params.validate_request()?;
        body.map_or(Ok(()), Validate::validate_request)
    }
}

/// An operation as a request names it: method, path template, and the Accept of each of its
/// versions (the generated `apis::ROUTES`).
#[doc(hidden)]
#[derive(Debug)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub tag: &'static str,
    pub accepts: &'static [&'static str],
}

/// The value an operation answers with.
pub type Output<Op> = <<Op as Operation>::Answer as Answer>::Output;

/// How a success answer becomes a value.
pub trait Answer: Send + 'static {
    type Output: Send + 'static;
    fn read(response: Response) -> Result<Self::Output, Error>;
}

/// A JSON answer, decoded into `T`.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned + Validate + Send + 'static> Answer for Json<T> {
    type Output = T;
    fn read(response: Response) -> Result<T, Error> {
        let answer: T = response.json()?;
        // So that sending it back is never refused for what Atlas itself sent.
        answer.record_received();
        Ok(answer)
    }
}

/// An answer whose schema is a string: the text, whether it comes JSON-quoted or bare
/// (a PEM certificate, an XML document).
pub struct Text;

impl Answer for Text {
    type Output = String;
    fn read(response: Response) -> Result<String, Error> {
        response.text()
    }
}

/// An answer without a body (or one nobody needs).
pub struct Empty;

impl Answer for Empty {
    type Output = ();
    fn read(_: Response) -> Result<(), Error> {
        Ok(())
    }
}

/// A download (gzip, csv): the raw response, also readable as a stream
/// ([`Request::send_stream`]).
pub struct Download;

impl Answer for Download {
    type Output = Response;
    fn read(response: Response) -> Result<Response, Error> {
        Ok(response)
    }
}

/// The parameters of an operation that has none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoParams;

impl Validate for NoParams {}

/// The body of an operation that takes none: no value exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoBody {}

impl Serialize for NoBody {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
}

impl Validate for NoBody {}

/// Where a call goes: its path with the parameters in place, its query and its headers.
#[derive(Debug, Default)]
pub struct Target {
    template: &'static str,
    path: String,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
}

impl Target {
    fn new(template: &'static str) -> Self {
        Target { template, ..Target::default() }
    }

    /// Fills the path's `{placeholders}`, in order, each value one escaped segment.
    pub fn path(&mut self, values: &[&dyn ParamText]) -> Result<(), Error> {
        let mut path = String::with_capacity(self.template.len() + 32);
        let mut values = values.iter();
        let mut rest = self.template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else { break };
            path.push_str(&rest[..open]);
            let value = values.next().ok_or_else(|| Error::Config(format!("{}: a path parameter is missing", self.template)))?;
            path.push_str(&crate::path_segment(&value.param_text())?);
            rest = &rest[open + close + 1..];
        }
        path.push_str(rest);
        self.path = path;
        Ok(())
    }

    /// A query parameter (left out when `None`; a list repeats the key).
    pub fn query(&mut self, key: &'static str, value: &dyn QueryValue) {
        value.push_query(key, &mut self.query);
    }

    /// A header parameter (left out when `None`).
    pub fn header(&mut self, key: &'static str, value: &dyn QueryValue) {
        value.push_query(key, &mut self.headers);
    }
}

/// A call of the operation `Op`: set its optional parameters, then [`send`](Self::send).
/// Returned by the operation's method (`client.clusters().list_clusters(group)`); it owns a
/// handle to the client, so it can be stored, returned or moved to a task.
#[must_use = "nothing is sent until `send()`"]
pub struct Request<Op: Operation> {
    pub(crate) client: Client,
    pub(crate) params: Op::Params,
    pub(crate) body: Option<Op::Body>,
    pub(crate) options: CallOptions,
}

impl<Op: Operation> fmt::Debug for Request<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &Op::ID)
            .field("params", &self.params)
            .field("body", &self.body)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<Op: Operation> Clone for Request<Op>
where
    Op::Body: Clone,
{
    fn clone(&self) -> Self {
        Request { client: self.client.clone(), params: self.params.clone(), body: self.body.clone(), options: self.options.clone() }
    }
}

impl<Op: Operation> Request<Op> {
    #[doc(hidden)]
    pub fn new(client: &Client, params: Op::Params, body: Option<Op::Body>) -> Self {
        Request { client: client.clone(), params, body, options: CallOptions::default() }
    }

    /// The parameters set so far.
    pub fn params(&self) -> &Op::Params {
        &self.params
    }

    /// The body set so far.
    pub fn body_ref(&self) -> Option<&Op::Body> {
        self.body.as_ref()
    }

    /// Every parameter at once (the required ones too), replacing those given so far.
    pub fn with_params(mut self, params: Op::Params) -> Self {
        self.params = params;
        self
    }

    /// The request body (for an operation whose body is optional; the required ones are
    /// arguments of the operation's method).
    pub fn body(mut self, body: Op::Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Whether this call is validated before it is sent (when the client validates; for
    /// where the spec's constraints are wrong).
    pub fn validate(mut self, validate: bool) -> Self {
        self.options.validate = validate;
        self
    }

    /// This call's retry policy instead of the client's (to retry a POST known to be safe
    /// to repeat: `RetryPolicy::default().retry_non_idempotent(true)`).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Sends the call (validated first unless validation is off) and reads the answer.
    pub async fn send(self) -> Result<Output<Op>, Error> {
        self.send_with_response().await.map(|r| r.value)
    }

    /// Sends the call and keeps the response's status and headers (request id, rate
    /// limits) beside the decoded value.
    pub async fn send_with_response(self) -> Result<TypedResponse<Output<Op>>, Error> {
        let (client, call) = self.into_call()?;
        let response = client.execute(call).await?;
        let (status, headers) = (response.status(), response.headers().clone());
        let value = Op::Answer::read(response)?;
        Ok(TypedResponse { value, status, headers })
    }

    /// The call to hand the runtime, with the client that sends it.
    fn into_call(self) -> Result<(Client, Call), Error> {
        let mut target = Target::new(Op::PATH);
        Op::target(&self.params, &mut target)?;
        let validation = Op::check(&self.params, self.body.as_ref());
        let body = match &self.body {
            Some(body) => Some(serde_json::to_vec(body).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?),
            None => None,
        };
        let call = Call {
            operation: Op::ID,
            method: Op::METHOD,
            path_template: Op::PATH,
            path: target.path,
            query: target.query,
            headers: target.headers,
            accept: Op::ACCEPT,
            content_type: Op::CONTENT_TYPE,
            body,
            validation,
            options: self.options,
        };
        Ok((self.client, call))
    }
}

impl<Op: Operation<Answer = Download>> Request<Op> {
    /// Sends the call and streams the download as it arrives.
    pub async fn send_stream(self) -> Result<ByteStream, Error> {
        let (client, call) = self.into_call()?;
        client.execute_stream(call).await
    }
}

/// A list operation: its answer is a page, and `pageNum`/`itemsPerPage` walk the pages.
pub trait Paged: Operation {
    type Page: Page + Send;
    fn items_per_page(params: &Self::Params) -> Option<i64>;
    fn page_num(params: &Self::Params) -> Option<i64>;
    fn set_page_num(params: &mut Self::Params, page_num: i64);
}

impl<Op> Request<Op>
where
    Op: Paged<Answer = Json<<Op as Paged>::Page>>,
    <Op::Page as Page>::Item: Send + 'static,
    Op::Page: DeserializeOwned + Validate + Send + 'static,
{
    /// Every item across all pages, fetched lazily one page at a time from `page_num` (else
    /// the first) with `items_per_page` (else Atlas's 100); stops after the last page.
    pub fn stream(self) -> crate::pagination::Items<<Op::Page as Page>::Item> {
        crate::pagination::items(self)
    }

    /// Every item across all pages, in one `Vec`.
    pub async fn collect_all(self) -> Result<Vec<<Op::Page as Page>::Item>, Error> {
        crate::pagination::collect_all(self).await
    }
}

impl<Op> Pageable for Request<Op>
where
    Op: Paged<Answer = Json<<Op as Paged>::Page>>,
    Op::Page: DeserializeOwned + Validate + Send + 'static,
{
    type Page = Op::Page;
    fn items_per_page(&self) -> Option<i64> {
        Op::items_per_page(&self.params)
    }
    fn page_num(&self) -> Option<i64> {
        Op::page_num(&self.params)
    }
    fn at_page(&self, page_num: i64) -> Self {
        let mut params = self.params.clone();
        Op::set_page_num(&mut params, page_num);
        // A list operation has no body.
        Request { client: self.client.clone(), params, body: None, options: self.options.clone() }
    }
    fn fetch(self) -> impl std::future::Future<Output = Result<Op::Page, Error>> + Send {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_filled_in_order_with_each_value_one_escaped_segment() {
        let mut target = Target::new("/api/atlas/v2/groups/{groupId}/clusters/{clusterName}:pause");
        let (group, name) = (String::from("32b6e34b3d91647abb20e7b8"), String::from("a/b c"));
        target.path(&[&group, &name]).unwrap();
        assert_eq!(target.path, "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/a%2Fb%20c:pause");
        let mut short = Target::new("/groups/{groupId}/clusters/{clusterName}");
        let err = short.path(&[&group]).unwrap_err().to_string();
        assert!(err.contains("/groups/{groupId}/clusters/{clusterName}"), "{err}");
    }

    #[test]
    fn absent_query_and_header_values_are_left_out_and_lists_repeat() {
        let mut target = Target::new("/x");
        target.query("includeCount", &Some(true));
        target.query("pageNum", &None::<i64>);
        target.query("tags", &Some(vec![String::from("a"), String::from("b")]));
        target.header("Use-Effective-Instance-Fields", &Some(false));
        assert_eq!(target.query, [("includeCount", "true".to_string()), ("tags", "a".to_string()), ("tags", "b".to_string())]);
        assert_eq!(target.headers, [("Use-Effective-Instance-Fields", "false".to_string())]);
    }
}

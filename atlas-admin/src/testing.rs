//! Test doubles for the crates that use `atlas-admin` (cargo feature `testing`).
//!
//! [`MockAtlas`] is a real HTTP server on loopback that speaks the operations' own types: an
//! expectation names an operation by its marker type (`apis::clusters::ListClusters`), and
//! the mock fills in its method, path template, version (the `Accept` the call sends) and
//! JSON encoding. Code under test gets an ordinary [`Client`] pointed at it.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use atlas_admin::apis::clusters::GetCluster;
//! use atlas_admin::models::ClusterDescription20240805;
//! use atlas_admin::testing::MockAtlas;
//!
//! let atlas = MockAtlas::start().await;
//! let cluster = ClusterDescription20240805 { name: Some("c0".parse().unwrap()), ..Default::default() };
//! atlas.on(GetCluster).path(&[&"32b6e34b3d91647abb20e7b8", &"c0"]).respond(cluster).times(1);
//!
//! let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
//! let got = atlas.client().clusters().get_cluster(group, "c0".parse().unwrap()).send().await.unwrap();
//! assert_eq!(got.name.map(String::from).as_deref(), Some("c0"));
//! atlas.verify(); // every expectation met, no unexpected request
//! # }
//! ```
//!
//! * **Responses**: typed bodies ([`On::respond`]), Atlas-shaped errors
//!   ([`On::respond_error`]: `error`, `errorCode`, `detail`, `reason`), 429 with `Retry-After`
//!   ([`On::rate_limited`]), delays ([`On::delay`]), another status ([`On::status`]). Each
//!   `respond*` adds one answer; calls get them in order and the last one repeats, so pages
//!   served across calls are `respond(page1).respond(page2)`.
//! * **Matching**: an expectation answers its operation at its version (the `Accept` sent),
//!   narrowed by path parameters ([`On::path`]) and query parameters ([`On::query`]:
//!   `pageNum`, `itemsPerPage`, ...); the first that matches and has calls left answers.
//! * **Requests**: [`MockAtlas::requests`] decodes the bodies an operation was sent;
//!   [`MockAtlas::calls`] counts them.
//! * **Failures**: [`MockAtlas::verify`] (also run when the mock is dropped) panics naming
//!   every expectation not met and every request no expectation matched, with the operation
//!   it would have been (from its method and path) and the version it asked for. An
//!   unexpected request is answered 501 so the code under test sees an error at once.
//! * **Stateful fakes** of the resources tests need most: [`MockAtlas::fake_clusters`]
//!   (created `CREATING`, `IDLE` after some reads; deleted `DELETING`, then 404) and
//!   [`MockAtlas::fake_database_users`]. They answer what no expectation matches.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::{self, Display};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::request::{Answer, Empty, Json, Operation, Output, Text};
use crate::{Client, RetryPolicy, Validate};

/// A mock Atlas on loopback. See the [module docs](self).
pub struct MockAtlas {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    expectations: Vec<Expectation>,
    /// Every request, in order: the expectation that answered it, if any, and its body.
    seen: Vec<(Option<usize>, Vec<u8>)>,
    /// A line per request that nothing answered.
    unexpected: Vec<String>,
    clusters: Option<FakeClusters>,
    users: Option<FakeUsers>,
    verified: bool,
}

struct Expectation {
    id: &'static str,
    marker: &'static str,
    method: String,
    template: &'static str,
    accept: &'static str,
    path: Option<Vec<String>>,
    /// Query parameters a call must carry (each name with this value, others allowed).
    query: Vec<(String, String)>,
    replies: VecDeque<Reply>,
    times: Option<usize>,
    served: usize,
}

#[derive(Clone)]
struct Reply {
    status: u16,
    body: Option<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
    delay: Option<Duration>,
}

impl MockAtlas {
    /// Starts the server.
    pub async fn start() -> MockAtlas {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(wiremock::matchers::any()).respond_with(Dispatcher(state.clone())).mount(&server).await;
        MockAtlas { server, state }
    }

    /// A client pointed at the mock: no credentials, and retries that wait milliseconds, not
    /// seconds (a `Retry-After` is still honoured).
    pub fn client(&self) -> Client {
        self.client_builder().build().expect("a loopback client builds")
    }

    /// The builder of [`client`](Self::client), to change it (`.retry(RetryPolicy::none())`).
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let retry = RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(10));
        Client::builder().base_url(self.server.uri()).retry(retry)
    }

    /// The server's base URL.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Expects calls of the operation `op` (its marker type, at the version it names). The
    /// expectation is in place at once; the returned builder refines it.
    pub fn on<Op: Operation>(&self, op: Op) -> On<'_, Op> {
        let _ = op;
        let mut state = self.lock();
        state.expectations.push(Expectation {
            id: Op::ID,
            marker: marker_name::<Op>(),
            method: Op::METHOD.as_str().to_owned(),
            template: Op::PATH,
            accept: Op::ACCEPT,
            path: None,
            query: Vec::new(),
            replies: VecDeque::new(),
            times: None,
            served: 0,
        });
        On { atlas: self, index: state.expectations.len() - 1, op: PhantomData }
    }

    /// The bodies the operation `op` was sent, decoded, in order.
    pub fn requests<Op: Operation>(&self, op: Op) -> Vec<Op::Body>
    where
        Op::Body: DeserializeOwned,
    {
        let _ = op;
        let state = self.lock();
        let mine = |i: &Option<usize>| i.is_some_and(|i| is_op::<Op>(&state.expectations[i]));
        state
            .seen
            .iter()
            .filter(|(i, _)| mine(i))
            .map(|(_, body)| serde_json::from_slice(body).unwrap_or_else(|e| panic!("a body sent to {} is not its type: {e}", Op::ID)))
            .collect()
    }

    /// How many calls of `op` the expectations answered.
    pub fn calls<Op: Operation>(&self, op: Op) -> usize {
        let _ = op;
        let state = self.lock();
        state.expectations.iter().filter(|e| is_op::<Op>(e)).map(|e| e.served).sum()
    }

    /// Panics unless every expectation with [`On::times`] was called exactly that often and
    /// every request was expected. Also run when the mock is dropped.
    pub fn verify(&self) {
        let mut state = self.lock();
        state.verified = true;
        let mut problems: Vec<String> = state
            .expectations
            .iter()
            .filter(|e| e.times.is_some_and(|t| t != e.served))
            .map(|e| format!("expected {} ({}) {} time(s), called {}", e.id, e.marker, e.times.unwrap_or_default(), e.served))
            .collect();
        problems.extend(state.unexpected.iter().cloned());
        drop(state);
        if !problems.is_empty() {
            panic!("MockAtlas: {}", problems.join("\n  "));
        }
    }

    /// Clusters that live on the mock (every group, every version of the cluster
    /// operations): a created cluster is `CREATING` and becomes `IDLE` after `reads` reads, an
    /// updated one `UPDATING` then `IDLE` the same way, a deleted one `DELETING` and then gone
    /// (404 `CLUSTER_NOT_FOUND`). So `wait_until_idle` and `wait_until_deleted` can be tested.
    pub fn fake_clusters(&self, reads: usize) -> &Self {
        self.lock().clusters = Some(FakeClusters { reads, clusters: BTreeMap::new() });
        self
    }

    /// Database users that live on the mock: create, read, list, update, delete; the
    /// password is never answered back. A missing user is 404 `USER_NOT_FOUND`.
    pub fn fake_database_users(&self) -> &Self {
        self.lock().users = Some(FakeUsers::default());
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for MockAtlas {
    fn drop(&mut self) {
        if !self.lock().verified && !std::thread::panicking() {
            self.verify();
        }
    }
}

impl fmt::Debug for MockAtlas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAtlas").field("uri", &self.server.uri()).finish_non_exhaustive()
    }
}

fn marker_name<Op>() -> &'static str {
    let full = std::any::type_name::<Op>();
    full.rsplit("::").next().unwrap_or(full)
}

fn is_op<Op: Operation>(e: &Expectation) -> bool {
    e.id == Op::ID && e.accept == Op::ACCEPT && e.method == Op::METHOD.as_str()
}

/// One expectation being refined; see [`MockAtlas::on`].
pub struct On<'a, Op> {
    atlas: &'a MockAtlas,
    index: usize,
    op: PhantomData<Op>,
}

impl<Op: Operation> On<'_, Op> {
    fn edit(self, change: impl FnOnce(&mut Expectation)) -> Self {
        change(&mut self.atlas.lock().expectations[self.index]);
        self
    }

    fn reply(self, status: u16, body: Option<Vec<u8>>) -> Self {
        self.edit(|e| e.replies.push_back(Reply { status, body, headers: Vec::new(), delay: None }))
    }

    fn last_reply(self, change: impl FnOnce(&mut Reply)) -> Self {
        self.edit(|e| {
            if e.replies.is_empty() {
                e.replies.push_back(Reply { status: 200, body: None, headers: Vec::new(), delay: None });
            }
            change(e.replies.back_mut().expect("one reply at least"));
        })
    }

    /// Only calls whose path parameters are these values, in the template's order (as
    /// `Display` writes them).
    pub fn path(self, values: &[&dyn Display]) -> Self {
        let values = values.iter().map(|v| v.to_string()).collect();
        self.edit(|e| e.path = Some(values))
    }

    /// Only calls whose query string has `name` with this value (as `Display` writes it);
    /// call it again for more parameters. Other parameters may be there too. So a test can
    /// tell pages apart: `.query("pageNum", 2)`.
    pub fn query(self, name: &str, value: impl Display) -> Self {
        let pair = (name.to_owned(), value.to_string());
        self.edit(|e| e.query.push(pair))
    }

    /// Answers with `body`, status 200 (see [`status`](Self::status)).
    pub fn respond(self, body: Output<Op>) -> Self
    where
        Op::Answer: MockAnswer,
    {
        let bytes = <Op::Answer as MockAnswer>::encode(&body);
        self.reply(200, bytes)
    }

    /// Answers with an Atlas error: `status`, and a body with `error`, `errorCode`, `detail`
    /// and `reason` as Atlas writes them.
    pub fn respond_error(self, status: u16, error_code: &str) -> Self {
        let body = atlas_error(status, error_code, &format!("{error_code} (from MockAtlas)"));
        self.reply(status, Some(body.to_string().into_bytes()))
    }

    /// Answers 429 `RATE_LIMITED` with `Retry-After: seconds`.
    pub fn rate_limited(self, seconds: u64) -> Self {
        self.respond_error(429, "RATE_LIMITED").last_reply(|r| r.headers.push(("retry-after", seconds.to_string())))
    }

    /// The status of the last answer added (201 for a create, 202 for a delete, ...).
    pub fn status(self, status: u16) -> Self {
        self.last_reply(|r| r.status = status)
    }

    /// Waits `delay` before sending the last answer added.
    pub fn delay(self, delay: Duration) -> Self {
        self.last_reply(|r| r.delay = Some(delay))
    }

    /// Exactly `n` calls, checked by [`MockAtlas::verify`]; after `n`, calls are unexpected.
    pub fn times(self, n: usize) -> Self {
        self.edit(|e| e.times = Some(n))
    }
}

/// How a mock encodes an operation's answer (JSON models, text, nothing).
#[doc(hidden)]
pub trait MockAnswer: Answer {
    fn encode(output: &Self::Output) -> Option<Vec<u8>>;
}

impl<T: Serialize + DeserializeOwned + Validate + Send + 'static> MockAnswer for Json<T> {
    fn encode(output: &T) -> Option<Vec<u8>> {
        Some(serde_json::to_vec(output).expect("a model encodes"))
    }
}

impl MockAnswer for Text {
    fn encode(output: &String) -> Option<Vec<u8>> {
        Some(output.clone().into_bytes())
    }
}

impl MockAnswer for Empty {
    fn encode(_: &()) -> Option<Vec<u8>> {
        None
    }
}

/// The one wiremock responder: expectations first, then the fakes, else unexpected.
struct Dispatcher(Arc<Mutex<State>>);

impl Respond for Dispatcher {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let method = request.method.as_str();
        let segments: Vec<String> = request.url.path().split('/').map(decode).collect();
        let accept = request.headers.get("accept").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let query: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let matching = state.expectations.iter().position(|e| {
            e.method == method
                && e.accept == accept
                && path_values(e.template, &segments).is_some_and(|values| e.path.as_ref().is_none_or(|want| *want == values))
                && e.query.iter().all(|wanted| query.contains(wanted))
                && e.times.is_none_or(|t| e.served < t)
        });
        if let Some(i) = matching {
            state.seen.push((Some(i), request.body.clone()));
            let e = &mut state.expectations[i];
            e.served += 1;
            let reply = if e.replies.len() > 1 { e.replies.pop_front() } else { e.replies.front().cloned() };
            let accept = e.accept;
            return match reply {
                Some(reply) => template(reply, accept),
                None => ResponseTemplate::new(200).insert_header("content-type", accept),
            };
        }
        let body: Option<Value> = serde_json::from_slice(&request.body).ok();
        let state = &mut *state;
        let faked = match (state.clusters.as_mut(), state.users.as_mut()) {
            (Some(clusters), _) if is_under(&segments, "clusters") => clusters.handle(method, &segments, body),
            (_, Some(users)) if is_under(&segments, "databaseUsers") => users.handle(method, &segments, body),
            _ => None,
        };
        state.seen.push((None, request.body.clone()));
        match faked {
            Some((status, body)) => {
                let reply = Reply { status, body: body.map(|b| b.to_string().into_bytes()), headers: Vec::new(), delay: None };
                template(reply, if accept.is_empty() { "application/json" } else { &accept })
            }
            None => {
                let shown = match request.url.query() {
                    Some(q) => format!("{}?{q}", request.url.path()),
                    None => request.url.path().to_owned(),
                };
                let line = format!("unexpected request {method} {shown} (Accept: {accept}): {}", would_be(method, &segments, &accept));
                state.unexpected.push(line.clone());
                ResponseTemplate::new(501).set_body_raw(atlas_error(501, "UNEXPECTED_REQUEST", &line).to_string(), "application/json")
            }
        }
    }
}

fn template(reply: Reply, content_type: &str) -> ResponseTemplate {
    let mut t = ResponseTemplate::new(reply.status);
    if let Some(body) = reply.body {
        t = t.set_body_raw(body, content_type);
    }
    for (name, value) in reply.headers {
        t = t.insert_header(name, value.as_str());
    }
    if let Some(delay) = reply.delay {
        t = t.set_delay(delay);
    }
    t
}

fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// The values of a path's `{parameters}` if it fits `template`.
fn path_values(template: &str, segments: &[String]) -> Option<Vec<String>> {
    let parts: Vec<&str> = template.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut values = Vec::new();
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
            values.push(segment.clone());
        } else if part != segment {
            return None;
        }
    }
    Some(values)
}

/// What an unexpected request would have been: the operation (and its marker types) whose
/// method and path template fit, and whether the version asked for is one it has.
fn would_be(method: &str, segments: &[String], accept: &str) -> String {
    let fits: Vec<&crate::request::Route> = crate::apis::ROUTES.iter().filter(|r| r.method == method && path_values(r.path, segments).is_some()).collect();
    // A literal segment beats a parameter (`/clusters/tenantUpgrade` over `/clusters/{name}`).
    let literal = |r: &&crate::request::Route| r.path.split('/').filter(|p| !p.starts_with('{')).count();
    let best = fits.iter().map(literal).max();
    let fits: Vec<&&crate::request::Route> = fits.iter().filter(|r| Some(literal(r)) == best).collect();
    match fits.first() {
        None => "no operation of the spec has this method and path".into(),
        Some(route) => {
            let versions: Vec<&str> = fits.iter().flat_map(|r| r.accepts.iter().copied()).collect();
            let version = if versions.contains(&accept) { String::new() } else { format!("; it has no version {accept:?} (it has {versions:?})") };
            format!("the operation {} (tag {}), expected by no `on(..)`{version}", route.id, route.tag)
        }
    }
}

fn is_under(segments: &[String], collection: &str) -> bool {
    segments.len() >= 7 && segments[..5] == ["", "api", "atlas", "v2", "groups"] && segments[6] == collection
}

/// An error body as Atlas writes one.
fn atlas_error(status: u16, code: &str, detail: &str) -> Value {
    let reason = reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
    json!({"error": status, "errorCode": code, "detail": detail, "reason": reason, "parameters": []})
}

fn not_found(code: &str) -> Option<(u16, Option<Value>)> {
    Some((404, Some(atlas_error(404, code, &format!("{code} (from MockAtlas)")))))
}

/// A PATCH: the body's members replace the resource's.
fn merge(resource: &mut Value, changes: Option<Value>) {
    if let Some(Value::Object(changes)) = changes {
        for (k, v) in changes {
            resource[k] = v;
        }
    }
}

/// A cluster on the mock: its JSON (any version's shape) and the reads left before its
/// state moves on.
struct FakeCluster {
    json: Value,
    reads_left: usize,
}

struct FakeClusters {
    reads: usize,
    /// (group, name) -> cluster.
    clusters: BTreeMap<(String, String), FakeCluster>,
}

impl FakeClusters {
    fn handle(&mut self, method: &str, segments: &[String], body: Option<Value>) -> Option<(u16, Option<Value>)> {
        let group = segments[5].clone();
        match (method, segments.get(7)) {
            ("POST", None) => {
                let mut json = body?;
                let name = json.get("name")?.as_str()?.to_owned();
                if self.clusters.contains_key(&(group.clone(), name.clone())) {
                    return Some((409, Some(atlas_error(409, "DUPLICATE_CLUSTER_NAME", &name))));
                }
                json["groupId"] = json!(group);
                json["id"] = json!(format!("{:024x}", self.clusters.len() + 1));
                json["stateName"] = json!("CREATING");
                self.clusters.insert((group, name), FakeCluster { json: json.clone(), reads_left: self.reads });
                Some((201, Some(json)))
            }
            ("GET", None) => {
                let results: Vec<Value> = self.clusters.iter().filter(|((g, _), _)| *g == group).map(|(_, c)| c.json.clone()).collect();
                Some((200, Some(json!({"links": [], "results": results, "totalCount": results.len()}))))
            }
            (_, Some(name)) if segments.len() == 8 => {
                let key = (group, name.clone());
                let Some(cluster) = self.clusters.get_mut(&key) else { return not_found("CLUSTER_NOT_FOUND") };
                match method {
                    "GET" => {
                        if cluster.reads_left > 0 {
                            cluster.reads_left -= 1;
                        } else if cluster.json["stateName"] == "DELETING" {
                            self.clusters.remove(&key);
                            return not_found("CLUSTER_NOT_FOUND");
                        } else {
                            cluster.json["stateName"] = json!("IDLE");
                        }
                        Some((200, Some(cluster.json.clone())))
                    }
                    "PATCH" => {
                        merge(&mut cluster.json, body);
                        cluster.json["stateName"] = json!("UPDATING");
                        cluster.reads_left = self.reads;
                        Some((200, Some(cluster.json.clone())))
                    }
                    "DELETE" => {
                        cluster.json["stateName"] = json!("DELETING");
                        cluster.reads_left = self.reads;
                        Some((202, None))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

#[derive(Default)]
struct FakeUsers {
    /// (group, database, username) -> user, password left out.
    users: BTreeMap<(String, String, String), Value>,
}

impl FakeUsers {
    fn handle(&mut self, method: &str, segments: &[String], body: Option<Value>) -> Option<(u16, Option<Value>)> {
        let group = segments[5].clone();
        let answer = |mut user: Value| {
            if let Value::Object(map) = &mut user {
                map.remove("password");
            }
            user
        };
        match (method, segments.len()) {
            ("POST", 7) => {
                let mut user = body?;
                let key = (group.clone(), user.get("databaseName")?.as_str()?.to_owned(), user.get("username")?.as_str()?.to_owned());
                if self.users.contains_key(&key) {
                    return Some((409, Some(atlas_error(409, "USER_ALREADY_EXISTS", &key.2))));
                }
                user["groupId"] = json!(group);
                self.users.insert(key, user.clone());
                Some((201, Some(answer(user))))
            }
            ("GET", 7) => {
                let results: Vec<Value> = self.users.iter().filter(|((g, _, _), _)| *g == group).map(|(_, u)| answer(u.clone())).collect();
                Some((200, Some(json!({"links": [], "results": results, "totalCount": results.len()}))))
            }
            (_, 9) => {
                let key = (group, segments[7].clone(), segments[8].clone());
                let Some(user) = self.users.get_mut(&key) else { return not_found("USER_NOT_FOUND") };
                match method {
                    "GET" => Some((200, Some(answer(user.clone())))),
                    "PATCH" => {
                        merge(user, body);
                        Some((200, Some(answer(user.clone()))))
                    }
                    "DELETE" => {
                        self.users.remove(&key);
                        Some((204, None))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

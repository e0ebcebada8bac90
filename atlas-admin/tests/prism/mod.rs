//! Recording the generated calls of `e2e_prism.rs` against Prism, and the verdict. Written
//! by hand; the generator never touches this file.
//!
//! Prism validates each request against the spec and says what it found in the
//! `sl-violations` header (a JSON array of `{location, severity, code, message}`, whose
//! location starts with `request` or `response`), or answers 422 (or the operation's 400)
//! when a request is invalid, or 401 without acceptable credentials. A request violation
//! of any kind is a failure. A success response Prism finds valid must decode into its
//! typed model; responses Prism flags (its static examples sometimes break the spec's own
//! schemas, and it checks every body against the first media type's schema whatever the
//! version) are listed by operation, not counted.

use std::fmt::Write as _;

use atlas_admin::{Client, Error, RetryPolicy, TypedResponse};

/// The client for Prism at `ATLAS_E2E_URL`, with a bearer token (the spec's service-account
/// scheme; Prism checks the header's form, and answers a digest request 401 without the
/// challenge a digest handshake needs).
pub fn client() -> Client {
    let url = std::env::var("ATLAS_E2E_URL").expect("ATLAS_E2E_URL: where Prism listens (`cargo xtask e2e` sets it)");
    Client::builder().base_url(url).bearer_token("e2e-token").retry(RetryPolicy::none()).build().expect("a client for Prism")
}

/// [`client`], asking Prism for the success status `code` (`Prefer: code=204`): Prism
/// otherwise answers with an operation's first success status, whatever the version.
pub fn preferring(code: u16) -> Client {
    let url = std::env::var("ATLAS_E2E_URL").expect("ATLAS_E2E_URL: where Prism listens (`cargo xtask e2e` sets it)");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("prefer", format!("code={code}").parse().expect("a valid header"));
    let http = reqwest::Client::builder().default_headers(headers).build().expect("a reqwest client");
    Client::builder().base_url(url).http_client(http).bearer_token("e2e-token").retry(RetryPolicy::none()).build().expect("a client for Prism")
}

/// What one call met.
#[derive(Debug)]
struct Outcome {
    operation: &'static str,
    tag: &'static str,
    status: Option<u16>,
    request_violations: Vec<String>,
    response_violations: Vec<String>,
    /// Why the call did not come back decoded (a decode error, an error status, a refusal).
    problem: Option<String>,
}

impl Outcome {
    fn success(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

#[derive(Debug, Default)]
pub struct Report {
    outcomes: Vec<Outcome>,
}

/// The entries of an `sl-violations` header: (location starts with `request`, text).
fn violations(header: &str) -> Vec<(bool, String)> {
    match serde_json::from_str::<Vec<serde_json::Value>>(header) {
        Ok(entries) => entries
            .iter()
            .map(|entry| {
                let location: Vec<&str> = entry["location"].as_array().into_iter().flatten().filter_map(|l| l.as_str()).collect();
                let text = format!("{} {}: {}", location.join("."), entry["code"], entry["message"].as_str().unwrap_or(""));
                (location.first() == Some(&"request"), text)
            })
            .collect(),
        // Past about 8 KB Prism cuts the header ("Too many violations! ..."): keep what it says.
        Err(_) => vec![(header.contains(r#""location":["request""#), format!("unparsed: {}", &header[..header.len().min(200)]))],
    }
}

impl Report {
    pub fn record<T>(&mut self, operation: &'static str, tag: &'static str, result: Result<TypedResponse<T>, Error>) {
        let (status, headers, problem) = match &result {
            Ok(response) => (Some(response.status), Some(&response.headers), None),
            Err(Error::Decode { status, headers, path, message, .. }) => {
                (Some(*status), Some(&**headers), Some(format!("does not decode at {path}: {message}")))
            }
            Err(Error::Api { status, headers, raw, .. }) => {
                (Some(*status), Some(&**headers), Some(format!("answered {status}: {}", &raw[..raw.len().min(300)])))
            }
            Err(other) => (None, None, Some(other.to_string())),
        };
        let mut outcome = Outcome { operation, tag, status, request_violations: Vec::new(), response_violations: Vec::new(), problem };
        if let Some(header) = headers.and_then(|h| h.get("sl-violations")).and_then(|v| v.to_str().ok()) {
            for (request, text) in violations(header) {
                if request {
                    outcome.request_violations.push(text);
                } else {
                    outcome.response_violations.push(text);
                }
            }
        }
        // Prism's own 422 lists the request's violations in its body.
        if let Err(Error::Api { status: 422, raw, .. }) = &result {
            let body: serde_json::Value = serde_json::from_str(raw).unwrap_or_default();
            for entry in body["validation"].as_array().into_iter().flatten() {
                outcome.request_violations.push(format!("{} {}", entry["code"], entry["message"].as_str().unwrap_or("")));
            }
            if outcome.request_violations.is_empty() {
                outcome.request_violations.push("422 without details".into());
            }
        }
        if status == Some(401) && outcome.request_violations.is_empty() {
            outcome.request_violations.push("401: credentials refused".into());
        }
        self.outcomes.push(outcome);
    }

    /// Prints what failed and what Prism flagged, writes the report to `ATLAS_E2E_REPORT`
    /// (if set), and fails unless every call was valid and every valid response decoded.
    pub fn finish(self, expected_calls: usize, expected_tags: usize) {
        let calls = self.outcomes.len();
        let tags = self.outcomes.iter().map(|o| o.tag).collect::<std::collections::BTreeSet<_>>().len();
        let violations: usize = self.outcomes.iter().map(|o| o.request_violations.len()).sum();
        let valid: Vec<&Outcome> = self.outcomes.iter().filter(|o| o.success() && o.response_violations.is_empty()).collect();
        let decoded = valid.iter().filter(|o| o.problem.is_none()).count();

        let mut text = String::new();
        let mut failures = 0;
        for o in &self.outcomes {
            if !o.request_violations.is_empty() {
                failures += 1;
                let _ = writeln!(text, "FAIL {} ({}): request violations: {}", o.operation, o.tag, o.request_violations.join("; "));
            } else if o.success() && o.response_violations.is_empty() && o.problem.is_some() {
                failures += 1;
                let _ = writeln!(text, "FAIL {} ({}): a valid response {}", o.operation, o.tag, o.problem.as_deref().unwrap_or(""));
            } else if !o.success() {
                failures += 1;
                let _ = writeln!(text, "FAIL {} ({}): {}", o.operation, o.tag, o.problem.as_deref().unwrap_or("no answer"));
            }
        }
        let flagged: Vec<&Outcome> = self.outcomes.iter().filter(|o| o.success() && !o.response_violations.is_empty()).collect();
        let _ = writeln!(text, "{} responses Prism flags as breaking the spec (its static examples, or its first-media-type check):", flagged.len());
        for o in &flagged {
            let decoded = if o.problem.is_none() { "decoded anyway" } else { "not decoded" };
            let _ = writeln!(text, "  {} ({}): {decoded}; {}", o.operation, o.tag, o.response_violations.join("; "));
        }
        let line = format!("e2e: {calls} operations, {tags} tags, {violations} request violations, {decoded}/{} responses decoded", valid.len());
        let _ = writeln!(text, "{line}");
        print!("{text}");
        if let Ok(path) = std::env::var("ATLAS_E2E_REPORT") {
            std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        assert_eq!((calls, tags), (expected_calls, expected_tags), "every generated call was recorded");
        assert_eq!(failures, 0, "{failures} operations failed against Prism; see above");
    }
}

#[test]
fn sl_violations_are_split_by_location_and_survive_truncation() {
    let header = r#"[{"location":["request","path","groupid"],"severity":"Error","code":"pattern","message":"must match"},{"location":["response","body","name"],"severity":"Error","code":"type","message":"must be string"}]"#;
    let found = violations(header);
    assert_eq!(found.len(), 2);
    assert!(found[0].0 && found[0].1.contains("request.path.groupid"));
    assert!(!found[1].0);
    let cut = violations(r#"Too many violations! [{"location":["response","body"#);
    assert_eq!(cut.len(), 1);
    assert!(!cut[0].0);
}

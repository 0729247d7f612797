//! The faults waiting for a request to hit, part of the sandbox state: what a fault is, and
//! the queue that hands the oldest matching one out, counting it down.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::log::entries::is_control;

/// One queued fault: which requests it hits, how many times, and what happens to them.
///
/// Deserializes from the control API's JSON, e.g.
/// `{"path": "/epos/v1/payments*", "method": "POST", "count": 2, "kind": "status", "status": 503,
/// "headers": {"Retry-After": "1"}}`. In Rust, build one with the constructors:
///
/// ```
/// use mypos_sandbox::Fault;
///
/// let fault = Fault::status("/accounting/v1/accounts", 503)
///     .times(2)
///     .header("Retry-After", "1");
/// assert_eq!(fault.count, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// The request path, matched exactly; a trailing `*` makes it a prefix
    /// (`/epos/v1/payments*`). The query string is not part of it.
    pub path: String,
    /// The request method (any case); `None` matches every method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// How many matching requests it applies to (at least 1; the default is 1). In the list of
    /// pending faults, how many are left.
    #[serde(default = "one")]
    pub count: u32,
    /// Extra headers for the answer, set over the ones it already has (so they can replace
    /// `Content-Type`). Ignored by `drop_before_headers`, which sends no headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// What happens to a matching request; `"kind"` in JSON.
    #[serde(flatten)]
    pub kind: FaultKind,
}

/// What a [`Fault`] does to a matching request. In JSON, the `kind` field names the variant
/// (`"status"`, `"delay"`, ...) and the variant's fields sit next to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answers `status` without running the handler. `body` is any JSON (default: problem
    /// details for that status), served as `application/problem+json`.
    Status {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<Value>,
    },
    /// Runs the handler, then waits `delay_ms` before sending its answer, so a client with a
    /// shorter timeout gives up although the request took effect.
    Delay { delay_ms: u64 },
    /// Closes the connection without sending anything. The handler does not run, unless
    /// `after_handler` is set: then it runs first and its answer is lost ("the payment was
    /// created but the answer never came").
    DropBeforeHeaders {
        #[serde(default, skip_serializing_if = "is_false")]
        after_handler: bool,
    },
    /// Runs the handler and sends its status and headers with a `Content-Length` larger than
    /// the body that follows, sends part of the body, then closes the connection.
    DropAfterHeaders,
    /// Answers 200 `application/json` with a body that is not JSON (`{"items": [`), without
    /// running the handler.
    MalformedJson,
    /// Answers `status` (default 502) with an HTML error page, as a proxy in front of the
    /// gateway would, without running the handler.
    Html {
        #[serde(default = "bad_gateway")]
        status: u16,
    },
    /// Answers 200 with JSON that stops midway, with a `Content-Length` that matches what is
    /// sent, without running the handler.
    TruncatedBody,
    /// Expires every merchant session, then runs the handler (so a business call is refused
    /// with 401 and the client must open a new session and replay).
    ExpireSession,
    /// Answers 200 `application/json` with a body of `bytes` bytes (a JSON object padded
    /// out), without running the handler. With `announce_length` the `Content-Length` says so
    /// up front; without it the body is streamed in chunks with no length, so a client must
    /// count as it reads.
    Oversized {
        bytes: u64,
        #[serde(default, skip_serializing_if = "is_false")]
        announce_length: bool,
    },
}

fn one() -> u32 {
    1
}

fn bad_gateway() -> u16 {
    502
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A queued fault with its id, as listed by `GET /_sandbox/faults` and
/// [`Sandbox::faults`](crate::Sandbox::faults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingFault {
    pub id: u64,
    #[serde(flatten)]
    pub fault: Fault,
}

impl Fault {
    /// A fault of any kind that hits the next request to `path` (any method).
    pub fn new(path: impl Into<String>, kind: FaultKind) -> Self {
        Self {
            path: path.into(),
            method: None,
            count: 1,
            headers: BTreeMap::new(),
            kind,
        }
    }

    /// Answer `status` with a problem-details body (see [`FaultKind::Status`]).
    pub fn status(path: impl Into<String>, status: u16) -> Self {
        Self::new(path, FaultKind::Status { status, body: None })
    }

    /// Run the handler, then wait `delay` before answering (see [`FaultKind::Delay`]).
    pub fn delay(path: impl Into<String>, delay: Duration) -> Self {
        let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        Self::new(path, FaultKind::Delay { delay_ms })
    }

    /// Close the connection without answering, without running the handler; add
    /// [`Fault::after_handler`] to run it first.
    pub fn drop_before_headers(path: impl Into<String>) -> Self {
        Self::new(
            path,
            FaultKind::DropBeforeHeaders {
                after_handler: false,
            },
        )
    }

    /// Run the handler, send its headers and part of its body, then close the connection.
    pub fn drop_after_headers(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::DropAfterHeaders)
    }

    /// Answer 200 `application/json` with a body that is not JSON.
    pub fn malformed_json(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::MalformedJson)
    }

    /// Answer `status` with an HTML error page, as a proxy would.
    pub fn html(path: impl Into<String>, status: u16) -> Self {
        Self::new(path, FaultKind::Html { status })
    }

    /// Answer 200 with JSON cut midway (and a matching `Content-Length`).
    pub fn truncated_body(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::TruncatedBody)
    }

    /// Expire every merchant session just before the handler runs.
    pub fn expire_session(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::ExpireSession)
    }

    /// Answer 200 with a JSON body of `bytes` bytes, streamed without a length unless
    /// `announce_length` (see [`FaultKind::Oversized`]).
    pub fn oversized(path: impl Into<String>, bytes: u64, announce_length: bool) -> Self {
        Self::new(
            path,
            FaultKind::Oversized {
                bytes,
                announce_length,
            },
        )
    }

    /// Applies to the next `count` matching requests instead of one.
    pub fn times(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// Only requests with this method match.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Adds a header to the answer (e.g. `Retry-After`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// The JSON body of a [`Fault::status`] answer, instead of problem details.
    ///
    /// # Panics
    ///
    /// If the fault is not a `status` fault.
    pub fn body(mut self, body: Value) -> Self {
        match &mut self.kind {
            FaultKind::Status { body: slot, .. } => *slot = Some(body),
            other => panic!("Fault::body applies to status faults, not {other:?}"),
        }
        self
    }

    /// For [`Fault::drop_before_headers`]: run the handler first, then drop its answer.
    ///
    /// # Panics
    ///
    /// If the fault is not a `drop_before_headers` fault.
    pub fn after_handler(mut self) -> Self {
        match &mut self.kind {
            FaultKind::DropBeforeHeaders { after_handler } => *after_handler = true,
            other => panic!("Fault::after_handler applies to drop_before_headers, not {other:?}"),
        }
        self
    }

    /// Checks the fault can apply: the field at fault and why, if not.
    pub(crate) fn validate(&self) -> Result<(), (&'static str, String)> {
        let pattern = self.path.strip_suffix('*').unwrap_or(&self.path);
        if !self.path.starts_with('/') {
            return Err(("path", "The path must start with '/'.".into()));
        }
        if is_control(pattern) {
            return Err((
                "path",
                "Control paths (/_sandbox/...) are never faulted.".into(),
            ));
        }
        let bad_method = self
            .method
            .as_deref()
            .filter(|m| Method::from_bytes(m.as_bytes()).is_err());
        if let Some(method) = bad_method {
            return Err(("method", format!("'{method}' is not an HTTP method.")));
        }
        if self.count == 0 {
            return Err(("count", "The count must be at least 1.".into()));
        }
        for (name, value) in &self.headers {
            if HeaderName::try_from(name.as_str()).is_err()
                || HeaderValue::try_from(value.as_str()).is_err()
            {
                return Err((
                    "headers",
                    format!("'{name}: {value}' is not a valid header."),
                ));
            }
        }
        let status = match self.kind {
            FaultKind::Status { status, .. } | FaultKind::Html { status } => Some(status),
            _ => None,
        };
        if let Some(status) = status.filter(|s| StatusCode::from_u16(*s).is_err()) {
            return Err(("status", format!("{status} is not an HTTP status code.")));
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let path_matches = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        path_matches
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// The queue of pending faults, part of the sandbox state.
#[derive(Default)]
pub(crate) struct Faults {
    pending: Vec<PendingFault>,
    last_id: u64,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) -> u64 {
        self.last_id += 1;
        self.pending.push(PendingFault {
            id: self.last_id,
            fault,
        });
        self.last_id
    }

    /// The oldest pending fault matching this request, used up once.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let index = self
            .pending
            .iter()
            .position(|p| p.fault.matches(method, path))?;
        let pending = &mut self.pending[index];
        pending.fault.count -= 1;
        if pending.fault.count == 0 {
            Some(self.pending.remove(index).fault)
        } else {
            Some(pending.fault.clone())
        }
    }

    /// The pending faults, oldest first.
    pub fn pending(&self) -> &[PendingFault] {
        &self.pending
    }

    /// Drops every pending fault.
    pub fn clear(&mut self) {
        self.pending.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deserializes_the_control_json() {
        let fault: Fault = serde_json::from_value(json!({
            "path": "/accounting/v1/accounts", "method": "GET", "count": 2,
            "kind": "status", "status": 503, "headers": {"Retry-After": "2"}
        }))
        .unwrap();
        assert_eq!(
            fault,
            Fault::status("/accounting/v1/accounts", 503)
                .method("GET")
                .times(2)
                .header("Retry-After", "2")
        );

        let fault: Fault =
            serde_json::from_value(json!({"path": "/x", "kind": "drop_after_headers"})).unwrap();
        assert_eq!(fault, Fault::drop_after_headers("/x"));
        let fault: Fault = serde_json::from_value(json!({"path": "/x", "kind": "html"})).unwrap();
        assert_eq!(fault, Fault::html("/x", 502));
        let fault: Fault = serde_json::from_value(
            json!({"path": "/x", "kind": "drop_before_headers", "after_handler": true}),
        )
        .unwrap();
        assert_eq!(fault, Fault::drop_before_headers("/x").after_handler());
        let fault: Fault =
            serde_json::from_value(json!({"path": "/x", "kind": "delay", "delay_ms": 250}))
                .unwrap();
        assert_eq!(fault, Fault::delay("/x", Duration::from_millis(250)));
        assert!(serde_json::from_value::<Fault>(json!({"path": "/x", "kind": "nope"})).is_err());
        assert!(serde_json::from_value::<Fault>(json!({"path": "/x"})).is_err());
    }

    #[test]
    fn pending_faults_round_trip() {
        let pending = PendingFault {
            id: 7,
            fault: Fault::status("/a*", 500).body(json!({"x": 1})),
        };
        let value = serde_json::to_value(&pending).unwrap();
        assert_eq!(
            value,
            json!({"id": 7, "path": "/a*", "count": 1, "kind": "status", "status": 500,
                   "body": {"x": 1}})
        );
        assert_eq!(
            serde_json::from_value::<PendingFault>(value).unwrap(),
            pending
        );
    }

    #[test]
    fn matches_exact_paths_prefixes_and_methods() {
        let exact = Fault::status("/a/b", 500);
        assert!(exact.matches("GET", "/a/b"));
        assert!(!exact.matches("GET", "/a/b/c"));
        let prefix = Fault::status("/a/*", 500).method("post");
        assert!(prefix.matches("POST", "/a/b/c"));
        assert!(!prefix.matches("GET", "/a/b"));
        assert!(!prefix.matches("POST", "/ab"));
    }

    #[test]
    fn counts_down_and_keeps_order() {
        let mut faults = Faults::default();
        let first = faults.add(Fault::status("/a", 500).times(2));
        let second = faults.add(Fault::status("/a", 503));
        assert_eq!((first, second), (1, 2));
        let status = |f: Option<Fault>| match f.map(|f| f.kind) {
            Some(FaultKind::Status { status, .. }) => Some(status),
            _ => None,
        };
        assert_eq!(status(faults.take("GET", "/a")), Some(500));
        assert_eq!(faults.pending[0].fault.count, 1);
        assert_eq!(status(faults.take("GET", "/a")), Some(500));
        assert_eq!(status(faults.take("GET", "/a")), Some(503));
        assert_eq!(status(faults.take("GET", "/a")), None);
    }

    #[test]
    fn refuses_faults_that_can_never_apply() {
        assert!(Fault::status("/a", 503).validate().is_ok());
        assert_eq!(Fault::status("a", 503).validate().unwrap_err().0, "path");
        assert_eq!(
            Fault::status("/_sandbox/health", 503)
                .validate()
                .unwrap_err()
                .0,
            "path"
        );
        assert_eq!(Fault::status("/a", 42).validate().unwrap_err().0, "status");
        assert_eq!(
            Fault::status("/a", 503).times(0).validate().unwrap_err().0,
            "count"
        );
        assert_eq!(
            Fault::status("/a", 503)
                .header("Bad Name", "x")
                .validate()
                .unwrap_err()
                .0,
            "headers"
        );
    }
}

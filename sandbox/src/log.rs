//! The request log: every gateway and identity request, recorded by a middleware.

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::state::SandboxState;

/// Headers whose values are credentials; they are never stored.
const REDACTED_HEADERS: [&str; 2] = ["authorization", "x-session"];
const REDACTED: &str = "<redacted>";

/// One request as the sandbox saw it. Bodies are not recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// 1-based arrival order of completed requests; keeps counting across clears.
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The status the sandbox answered with; 0 if an injected fault dropped the connection
    /// before a status line was sent.
    pub status: u16,
    /// Lower-case header names; repeated headers joined with ", "; credentials redacted.
    pub headers: BTreeMap<String, String>,
}

pub(crate) struct RequestLog {
    entries: std::collections::VecDeque<LoggedRequest>,
    next_seq: u64,
    /// The most entries kept; the oldest go first.
    max: usize,
}

impl RequestLog {
    pub fn new(max: usize) -> Self {
        Self {
            entries: Default::default(),
            next_seq: 0,
            max,
        }
    }

    pub fn entries(&self) -> impl ExactSizeIterator<Item = &LoggedRequest> {
        self.entries.iter()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.entries
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .count()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    fn push(&mut self, mut request: LoggedRequest) {
        self.next_seq += 1;
        request.seq = self.next_seq;
        if self.entries.len() >= self.max {
            self.entries.pop_front();
        }
        if self.max > 0 {
            self.entries.push_back(request);
        }
    }
}

/// Whether a path belongs to the control API, which is not logged.
pub(crate) fn is_control(path: &str) -> bool {
    path == "/_sandbox" || path.starts_with("/_sandbox/")
}

/// Middleware: records the request once the response is ready, so a client that has its
/// response can already see its request in the log.
pub(crate) async fn record(
    State(state): State<SandboxState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_control(&path) {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_owned();
    let query = request.uri().query().map(redact_query);
    let headers = snapshot(request.headers());
    let forced = request.extensions().get::<LogStatus>().map(|s| s.0);

    let response = next.run(request).await;
    let status = forced.unwrap_or_else(|| response.status().as_u16());
    tracing::debug!(%method, %path, status, "sandbox request");
    state.with(|s| {
        s.log.push(LoggedRequest {
            seq: 0,
            method,
            path,
            query,
            status,
            headers,
        })
    });
    response
}

/// A request extension: the status to log instead of the response's, for an answer the client
/// never gets (0: the connection is dropped before the status line; see `faults`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogStatus(pub u16);

/// Logs a request that never reaches [`record`] because the sandbox answered it itself (an
/// injected fault); `status` is what the client was sent, 0 for nothing.
pub(crate) fn record_unhandled(state: &SandboxState, request: &Request, status: u16) {
    let entry = LoggedRequest {
        seq: 0,
        method: request.method().as_str().to_owned(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(redact_query),
        status,
        headers: snapshot(request.headers()),
    };
    tracing::debug!(method = %entry.method, path = %entry.path, status, "sandbox request");
    state.with(|s| s.log.push(entry));
}

/// Query parameters whose values are credentials (MobilePay's GET calls carry the access
/// token in the query); their values are never stored.
const REDACTED_PARAMETERS: [&str; 3] = ["accesstoken", "oldaccesstoken", "previousaccesstoken"];

/// The query with credential values replaced by `<redacted>`; everything else as sent.
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _))
                if REDACTED_PARAMETERS.contains(&name.to_ascii_lowercase().as_str()) =>
            {
                format!("{name}={REDACTED}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn snapshot(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out = BTreeMap::<String, String>::new();
    for (name, value) in headers {
        let name = name.as_str();
        let value = if REDACTED_HEADERS.contains(&name) {
            REDACTED.into()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.entry(name.to_owned())
            .and_modify(|joined| {
                if joined != REDACTED {
                    joined.push_str(", ");
                    joined.push_str(&value);
                }
            })
            .or_insert(value);
    }
    out
}

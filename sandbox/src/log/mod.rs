//! The request log: every gateway and identity request, recorded by a middleware. What is
//! kept lives in [`entries`], part of the sandbox state; this module records into it.

pub(crate) mod entries;

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::state::SandboxState;

pub use entries::LoggedRequest;
use entries::is_control;

/// Headers whose values are credentials; they are never stored.
const REDACTED_HEADERS: [&str; 2] = ["authorization", "x-session"];
const REDACTED: &str = "<redacted>";

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

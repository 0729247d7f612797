//! The middleware that makes a request misbehave as the first matching fault says.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use super::FaultKind;
use crate::log::LogStatus;
use crate::log::entries::is_control;
use crate::problem::Problem;
use crate::state::SandboxState;

/// How long a half-sent answer stays open before the connection is cut, so the client surely
/// receives the headers and the first part of the body first.
const HALF_OPEN: Duration = Duration::from_millis(50);

const MALFORMED_JSON: &str = "{\"items\": [";

const TRUNCATED_JSON: &str = "{\"items\": [{\"id\": \"4012345678\", \"currency\": \"EUR\", \
                              \"amount\": 1520.35, \"status\": \"active\"}, {\"id\": \"40123";

/// Middleware: applies the first pending fault that matches the request, if any.
pub(crate) async fn apply(
    State(state): State<SandboxState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if is_control(path) {
        return next.run(request).await;
    }
    let method = request.method().as_str();
    let Some(fault) = state.with(|s| s.faults.take(method, path)) else {
        return next.run(request).await;
    };
    tracing::debug!(%method, %path, kind = ?fault.kind, "sandbox fault injected");

    let response = match fault.kind {
        FaultKind::Status { status, body } => {
            let status = status_code(status);
            let response = match body {
                None => Problem::new(status)
                    .with_detail("Injected by the sandbox's fault injection.")
                    .into_response(),
                Some(body) => {
                    let bytes = serde_json::to_vec(&body).unwrap_or_default();
                    let mut response = (status, bytes).into_response();
                    response.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/problem+json"),
                    );
                    response
                }
            };
            crate::log::record_unhandled(&state, &request, status.as_u16());
            response
        }
        FaultKind::Delay { delay_ms } => {
            // The handler runs (and the request is logged) before the wait: a client that
            // gives up meanwhile leaves the request done, as with a slow real gateway.
            let response = next.run(request).await;
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            response
        }
        FaultKind::DropBeforeHeaders { after_handler } => {
            if after_handler {
                request.extensions_mut().insert(LogStatus(0));
                drop(next.run(request).await);
            } else {
                crate::log::record_unhandled(&state, &request, 0);
            }
            return dropped_connection();
        }
        FaultKind::DropAfterHeaders => cut_short(next.run(request).await).await,
        FaultKind::MalformedJson => {
            crate::log::record_unhandled(&state, &request, 200);
            json_text(MALFORMED_JSON)
        }
        FaultKind::Html { status } => {
            let status = status_code(status);
            crate::log::record_unhandled(&state, &request, status.as_u16());
            html_page(status)
        }
        FaultKind::TruncatedBody => {
            crate::log::record_unhandled(&state, &request, 200);
            json_text(TRUNCATED_JSON)
        }
        FaultKind::ExpireSession => {
            state.expire_sessions();
            next.run(request).await
        }
        FaultKind::Oversized {
            bytes,
            announce_length,
        } => {
            crate::log::record_unhandled(&state, &request, 200);
            oversized(bytes, announce_length)
        }
    };
    with_headers(response, &fault.headers)
}

fn status_code(status: u16) -> StatusCode {
    // Validated when queued.
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn with_headers(mut response: Response, headers: &BTreeMap<String, String>) -> Response {
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// An answer whose body fails on the first read. hyper has only buffered the status line and
/// headers at that point; it drops them with the connection, so the client gets nothing.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("sandbox fault: connection dropped"))
    });
    Body::from_stream(failing).into_response()
}

/// The handler's answer with its full length announced but only half of its body sent before
/// the connection is cut.
async fn cut_short(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let announced = full.len().max(1);
    let sent = full.slice(..full.len() / 2);
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(announced));
    let head = futures::stream::iter([Ok::<Bytes, std::io::Error>(sent)]);
    let cut = futures::stream::once(async {
        // Let hyper flush the headers and the first half before the error closes the socket.
        tokio::time::sleep(HALF_OPEN).await;
        Err(std::io::Error::other("sandbox fault: connection dropped"))
    });
    Response::from_parts(parts, Body::from_stream(head.chain(cut)))
}

/// `{"padding": "xxx…"}` of exactly `bytes` bytes (at least the braces and key), made chunk by
/// chunk as it is sent.
fn oversized(bytes: u64, announce_length: bool) -> Response {
    const HEAD: &[u8] = b"{\"padding\": \"";
    const TAIL: &[u8] = b"\"}";
    const CHUNK: u64 = 64 * 1024;
    let frame = (HEAD.len() + TAIL.len()) as u64;
    let mut left = bytes.saturating_sub(frame);
    let padding = std::iter::from_fn(move || {
        let n = left.min(CHUNK);
        left -= n;
        (n > 0).then(|| Ok::<Bytes, std::io::Error>(Bytes::from(vec![b'x'; n as usize])))
    });
    let parts = futures::stream::iter(
        std::iter::once(Ok(Bytes::from_static(HEAD)))
            .chain(padding)
            .chain(std::iter::once(Ok(Bytes::from_static(TAIL)))),
    );
    let mut response = Body::from_stream(parts).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if announce_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.max(frame)));
    }
    response
}

fn json_text(text: &'static str) -> Response {
    let mut response = (StatusCode::OK, text).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// An nginx-style error page.
fn html_page(status: StatusCode) -> Response {
    let line = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{line}</title></head>\r\n<body>\r\n<center><h1>{line}</h1></center>\r\n\
         <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    let mut response = (status, page).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

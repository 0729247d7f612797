//! The middleware in front of the PSD2 API routes.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::Psd2Error;
use crate::state::SandboxState;

/// Middleware of the API routes: requires `X-Request-ID`, echoes it on every answer, and
/// turns `tppMessages` into a problem when the sandbox is set to.
pub(crate) async fn request_id(
    State(state): State<SandboxState>,
    request: Request,
    next: Next,
) -> Response {
    let id = request.headers().get("x-request-id").cloned();
    let mut response = match &id {
        Some(_) => next.run(request).await,
        None => Psd2Error::format("X-Request-ID", "The X-Request-ID header is required.")
            .into_response(),
    };
    if state.with(|s| s.psd2.problem_errors) && response.status().is_client_error() {
        response = as_problem(response).await;
    }
    if let Some(id) = id {
        response.headers_mut().insert("x-request-id", id);
    }
    response
}

/// `{"tppMessages": [...]}` → `{"type", "title", "detail", "code", "additionalErrors"}`.
async fn as_problem(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Some(messages) = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v.get("tppMessages").and_then(Value::as_array).cloned())
        .filter(|m| !m.is_empty())
    else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let first = &messages[0];
    let code = first.get("code").and_then(Value::as_str).unwrap_or("ERROR");
    let mut problem = json!({
        "type": format!("https://berlin-group.org/psd2/errors/{}", code.to_ascii_lowercase()),
        "title": parts.status.canonical_reason().unwrap_or("Error"),
        "detail": first.get("text"),
        "code": code,
    });
    let rest: Vec<Value> = messages[1..]
        .iter()
        .map(|m| json!({ "code": m.get("code"), "detail": m.get("text") }))
        .collect();
    if !rest.is_empty() {
        problem["additionalErrors"] = Value::Array(rest);
    }
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(problem.to_string()))
}

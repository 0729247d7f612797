//! The Berlin Group's error bodies: `{"tppMessages": [{category, code, path?, text}]}` by
//! default, or RFC 7807 `application/problem+json` with `code` and `additionalErrors` when the
//! sandbox is set to (`PUT /_sandbox/psd2/settings {"error_style": "problem"}`).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::state::SandboxState;

/// One refusal: an HTTP status and one message code.
#[derive(Debug, Clone)]
pub(crate) struct Psd2Error {
    pub status: StatusCode,
    pub code: &'static str,
    pub path: Option<String>,
    pub text: String,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
}

impl Psd2Error {
    pub fn new(status: StatusCode, code: &'static str, text: impl Into<String>) -> Self {
        Self {
            status,
            code,
            path: None,
            text: text.into(),
            retry_after: None,
        }
    }

    /// 400 `FORMAT_ERROR` about one field or header.
    pub fn format(path: &str, text: impl Into<String>) -> Self {
        Self {
            path: Some(path.to_owned()),
            ..Self::new(StatusCode::BAD_REQUEST, "FORMAT_ERROR", text)
        }
    }

    pub fn token(code: &'static str, text: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, text)
    }
}

impl IntoResponse for Psd2Error {
    fn into_response(self) -> Response {
        let mut message = json!({ "category": "ERROR", "code": self.code, "text": self.text });
        if let Some(path) = &self.path {
            message["path"] = json!(path);
        }
        let body = json!({ "tppMessages": [message] });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

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

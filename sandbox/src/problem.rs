//! RFC 7807 problem details, shaped like the gateway's (ASP.NET `ProblemDetails`).

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// An error response: `{"type", "title", "status", "detail"?, "errors"?, "traceId"}` served
/// as `application/problem+json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    status: StatusCode,
    detail: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
    challenge: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode) -> Self {
        Self {
            status,
            detail: None,
            errors: BTreeMap::new(),
            challenge: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a message to the validation map (`errors: {field: [messages]}`).
    pub fn with_error(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.errors
            .entry(field.into())
            .or_default()
            .push(message.into());
        self
    }

    /// 400 with a detail.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST).with_detail(detail)
    }

    /// 400 validation problem with one field error; add more with [`Problem::with_error`].
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST).with_error(field, message)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED).with_detail(detail)
    }

    /// 401 for a missing or bad access token, with an RFC 6750 `WWW-Authenticate` challenge.
    pub fn invalid_token(detail: &str) -> Self {
        let mut problem = Self::unauthorized(detail);
        problem.challenge = Some(format!(
            "Bearer error=\"invalid_token\", error_description=\"{detail}\""
        ));
        problem
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN).with_detail(detail)
    }

    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE).with_detail(detail)
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("type".into(), json!(type_uri(self.status)));
        body.insert("title".into(), json!(self.title()));
        body.insert("status".into(), json!(self.status.as_u16()));
        if let Some(detail) = &self.detail {
            body.insert("detail".into(), json!(detail));
        }
        if !self.errors.is_empty() {
            body.insert("errors".into(), json!(self.errors));
        }
        body.insert("traceId".into(), json!(crate::ids::trace_id()));
        Value::Object(body)
    }

    fn title(&self) -> &'static str {
        if !self.errors.is_empty() {
            // ASP.NET's ValidationProblemDetails title.
            return "One or more validation errors occurred.";
        }
        self.status.canonical_reason().unwrap_or("Error")
    }
}

/// The `type` URIs ASP.NET assigns by default.
fn type_uri(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        401 => "https://tools.ietf.org/html/rfc7235#section-3.1",
        403 => "https://tools.ietf.org/html/rfc7231#section-6.5.3",
        404 => "https://tools.ietf.org/html/rfc7231#section-6.5.4",
        405 => "https://tools.ietf.org/html/rfc7231#section-6.5.5",
        409 => "https://tools.ietf.org/html/rfc7231#section-6.5.8",
        415 => "https://tools.ietf.org/html/rfc7231#section-6.5.13",
        422 => "https://tools.ietf.org/html/rfc4918#section-11.2",
        500 => "https://tools.ietf.org/html/rfc7231#section-6.6.1",
        _ => "about:blank",
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(challenge) = self.challenge.and_then(|c| HeaderValue::try_from(c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

/// Fallback for paths the sandbox does not serve.
pub(crate) async fn not_found() -> Problem {
    Problem::new(StatusCode::NOT_FOUND)
}

/// Fallback for a known path with the wrong method.
pub(crate) async fn method_not_allowed() -> Problem {
    Problem::new(StatusCode::METHOD_NOT_ALLOWED)
}

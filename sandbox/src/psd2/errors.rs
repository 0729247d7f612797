//! The Berlin Group's error bodies: `{"tppMessages": [{category, code, path?, text}]}` by
//! default, or RFC 7807 `application/problem+json` with `code` and `additionalErrors` when the
//! sandbox is set to (`PUT /_sandbox/psd2/settings {"error_style": "problem"}`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

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

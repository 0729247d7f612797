//! Request-body and query helpers whose rejections are problem details, not axum's plain text.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// The media type of the request without parameters, lower-cased (`application/json`).
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default().trim();
    Some(essence.to_ascii_lowercase())
}

fn is_json(headers: &HeaderMap) -> bool {
    // The gateway's clients send `application/json; x-api-version=1`; parameters are ignored.
    media_type(headers).is_some_and(|m| m == "application/json" || m.ends_with("+json"))
}

/// A JSON request body. A non-JSON content type is a 415, a malformed body a 400 validation
/// problem (the error is listed under `body`).
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !is_json(req.headers()) {
            return Err(Problem::unsupported_media_type(
                "The request body must be JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| Problem::new(e.status()).with_detail(e.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Problem::validation(
                "body",
                "A non-empty request body is required.",
            ));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| Problem::validation("body", e.to_string()))
    }
}

/// Decodes `application/x-www-form-urlencoded` pairs; the last value of a repeated key wins.
pub(crate) fn form_pairs(bytes: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(bytes).into_owned().collect()
}

/// The query string's pairs; the last value of a repeated key wins.
pub(crate) fn query_pairs(query: Option<&str>) -> HashMap<String, String> {
    form_pairs(query.unwrap_or_default().as_bytes())
}

/// A header's value, if present, valid text and not blank.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then_some(value)
}
